/* GICv3 helpers (see gic.h). */
#include "arch/aarch64/gic.h"

#include "arch/arch.h"
#include "core/spinlock.h"

/* The held SPIs (gic_priority_drop to gic_deactivate; see gic.h). */
#define GIC_MAX_INTIDS 1024U
static struct spinlock hold_lock;
static uint64_t hold_gicd; /* the distributor of the SPIs tzvisor configured */
static uint32_t held[GIC_MAX_INTIDS / 32];
static uint32_t sw_enabled[GIC_MAX_INTIDS / 32];

#define GICD_CTLR 0x0U
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_RWP (1U << 31)
#define GICD_TYPER 0x4U
#define GICD_IGROUPR 0x80U
#define GICR_CTLR 0x0U
#define GICR_CTLR_RWP (1U << 3)
#define GICR_TYPER 0x8U
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_WAKER 0x14U
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)
#define GICR_ISENABLER0 0x100U
#define GICR_IPRIORITYR 0x400U
#define GICR_IGROUPR0 0x80U
#define GICR_IGRPMODR0 0xD00U
#define GICR_ICENABLER0 0x180U
#define GICR_ICFGR1 0xC04U
#define GICD_ISENABLER 0x100U
#define GICD_ICENABLER 0x180U
#define GICD_ICPENDR 0x280U
#define GICD_IPRIORITYR 0x400U
#define GICD_ICFGR 0xC00U
#define GICD_IGRPMODR 0xD00U
#define GICD_IROUTER 0x6000U

/* ICC_ASGI1R_EL1 / ICC_SRE_EL2 by encoding: the assembler knows them only with GICv3 on. */
#define ICC_ASGI1R_EL1 "S3_0_C12_C11_6"
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define ICC_SRE_SRE (1ULL << 0)
#define ICC_SRE_ENABLE (1ULL << 3) /* EL1 may access ICC_SRE_EL1 */
#define ICC_SGI1R_EL1 "S3_0_C12_C11_5"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_HPPIR0_EL1 "S3_0_C12_C8_2"
#define ICC_CTLR_EOIMODE (1ULL << 1)

static volatile uint32_t *reg32(uint64_t base, uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

static volatile uint32_t *sgi_reg(uint64_t gicr, uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(gicr + GICR_SGI_OFFSET + off);
}

void gic_cpu_init(void)
{
	uint64_t sre;

	__asm__ volatile("mrs %0, " ICC_SRE_EL2 : "=r"(sre));
	__asm__ volatile("msr " ICC_SRE_EL2 ", %0\n\tisb" : : "r"(sre | ICC_SRE_SRE));
}

void gic_sgi_to_nonsecure(uint64_t gicr, unsigned int intid)
{
	uint32_t bit = 1U << intid;

	/* Disabled: enabling (and prioritising) it is the normal world's decision. */
	*sgi_reg(gicr, GICR_ICENABLER0) = bit;
	*sgi_reg(gicr, GICR_IGRPMODR0) &= ~bit;
	*sgi_reg(gicr, GICR_IGROUPR0) |= bit;
	__asm__ volatile("dsb sy" ::: "memory");
}

void gic_raise_other_world_sgi(unsigned int intid)
{
	uint64_t mpidr = arch_mpidr();

	/* Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16], target list [15:0]. */
	uint64_t v = ((mpidr >> 32) & 0xFF) << 48 | ((mpidr >> 16) & 0xFF) << 32 |
		     (uint64_t)(intid & 0xF) << 24 | ((mpidr >> 8) & 0xFF) << 16 |
		     1ULL << (mpidr & 0xF);
	__asm__ volatile("dsb ishst\n\tmsr " ICC_ASGI1R_EL1 ", %0\n\tisb" : : "r"(v) : "memory");
}

void gic_dist_init(uint64_t gicd)
{
	unsigned int lines = ((*reg32(gicd, GICD_TYPER) & 0x1FU) + 1U) * 32U;

	*reg32(gicd, GICD_CTLR) = GICD_CTLR_ARE;
	while ((*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP) != 0) {
	}
	/* Every SPI in Group 1: the hypervisor hands them to guests or handles them. */
	for (unsigned int i = 32; i < lines; i += 32) {
		*reg32(gicd, GICD_IGROUPR + i / 8) = 0xFFFFFFFFU;
	}
	*reg32(gicd, GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1;
	while ((*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP) != 0) {
	}
}

uint64_t gic_redist_find(uint64_t gicr, uint64_t size)
{
	uint64_t mpidr = arch_mpidr();
	/* GICR_TYPER[63:32] is Aff3.Aff2.Aff1.Aff0. */
	uint64_t want = ((mpidr >> 32) & 0xFF) << 24 | (mpidr & 0xFFFFFF);

	for (uint64_t off = 0; off + GICR_FRAME_STRIDE <= size; off += GICR_FRAME_STRIDE) {
		volatile uint64_t *typer =
			(volatile uint64_t *)(uintptr_t)(gicr + off + GICR_TYPER);
		uint64_t t = *typer;
		if ((t >> 32) == want) {
			return gicr + off;
		}
		if ((t & GICR_TYPER_LAST) != 0) {
			break;
		}
	}
	return 0;
}

void gic_cpu_enable(uint64_t rd)
{
	*reg32(rd, GICR_WAKER) &= ~GICR_WAKER_PROCESSOR_SLEEP;
	while ((*reg32(rd, GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) != 0) {
	}
	uint64_t sre;
	__asm__ volatile("mrs %0, " ICC_SRE_EL2 : "=r"(sre));
	__asm__ volatile("msr " ICC_SRE_EL2 ", %0\n\tisb"
			 :
			 : "r"(sre | ICC_SRE_SRE | ICC_SRE_ENABLE));
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0\n\t"
			 "msr " ICC_CTLR_EL1 ", xzr\n\t"
			 "msr " ICC_IGRPEN1_EL1 ", %1\n\tisb"
			 :
			 : "r"(0xFFULL), "r"(1ULL));
}

void gic_local_enable(uint64_t rd, unsigned int intid)
{
	uint32_t bit = 1U << intid;
	volatile uint8_t *prio =
		(volatile uint8_t *)(uintptr_t)(rd + GICR_SGI_OFFSET + GICR_IPRIORITYR + intid);

	*reg32(rd + GICR_SGI_OFFSET, GICR_IGROUPR0) |= bit;
	*prio = 0x80;
	*reg32(rd + GICR_SGI_OFFSET, GICR_ISENABLER0) = bit;
	__asm__ volatile("dsb sy" ::: "memory");
}

void gic_local_disable(uint64_t rd, unsigned int intid)
{
	*reg32(rd + GICR_SGI_OFFSET, GICR_ICENABLER0) = 1U << intid;
	__asm__ volatile("dsb sy" ::: "memory");
}

unsigned int gic_ack(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(v));
	__asm__ volatile("dsb sy" ::: "memory");
	return (unsigned int)(v & 0xFFFFFFU);
}

void gic_eoi(unsigned int intid)
{
	__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0\n\tisb" : : "r"((uint64_t)intid));
}

void gic_send_sgi(uint64_t mpidr, unsigned int intid)
{
	/* Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16], target list [15:0]. */
	uint64_t v = ((mpidr >> 32) & 0xFF) << 48 | ((mpidr >> 16) & 0xFF) << 32 |
		     (uint64_t)(intid & 0xF) << 24 | ((mpidr >> 8) & 0xFF) << 16 |
		     1ULL << (mpidr & 0xF);
	__asm__ volatile("dsb ishst\n\tmsr " ICC_SGI1R_EL1 ", %0\n\tisb" : : "r"(v) : "memory");
}

/* --- the Secure side (S-EL2) -------------------------------------------------- */

static void dist_wait_rwp(uint64_t gicd)
{
	while ((*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP) != 0) {
	}
}

void gic_secure_cpu_init(void)
{
	uint64_t ctlr;

	__asm__ volatile("mrs %0, " ICC_CTLR_EL1 : "=r"(ctlr));
	__asm__ volatile("msr " ICC_CTLR_EL1 ", %0\n\t"
			 "msr " ICC_IGRPEN1_EL1 ", %1\n\tisb"
			 :
			 : "r"(ctlr & ~ICC_CTLR_EOIMODE), "r"(1ULL));
}

void gic_local_to_secure(uint64_t rd, unsigned int intid, uint8_t prio)
{
	uint32_t bit = 1U << intid;
	uint64_t sgi = rd + GICR_SGI_OFFSET;

	*reg32(sgi, GICR_ICENABLER0) = bit;
	while ((*reg32(rd, GICR_CTLR) & GICR_CTLR_RWP) != 0) {
	}
	*reg32(sgi, GICR_IGROUPR0) &= ~bit;
	*reg32(sgi, GICR_IGRPMODR0) |= bit;
	*(volatile uint8_t *)(uintptr_t)(sgi + GICR_IPRIORITYR + intid) = prio;
	if (intid >= 16) {
		/* PPIs: two bits each from INTID 16; the upper one set means edge. */
		*reg32(sgi, GICR_ICFGR1) &= ~(2U << (2 * (intid - 16)));
	}
	*reg32(sgi, GICR_ISENABLER0) = bit;
	__asm__ volatile("dsb sy" ::: "memory");
}

unsigned int gic_lines(uint64_t gicd)
{
	unsigned int n = ((*reg32(gicd, GICD_TYPER) & 0x1FU) + 1U) * 32U;

	return n > 1020U ? 1020U : n;
}

void gic_spi_configure(uint64_t gicd, unsigned int intid, bool secure, uint8_t prio, bool level)
{
	hold_gicd = gicd;
	uint32_t bit = 1U << (intid % 32);
	uint32_t word = 4U * (intid / 32);
	uint32_t cfg_shift = 2U * (intid % 16) + 1U;

	if (secure) {
		*reg32(gicd, GICD_IGROUPR + word) &= ~bit;
		*reg32(gicd, GICD_IGRPMODR + word) |= bit;
	} else {
		*reg32(gicd, GICD_IGRPMODR + word) &= ~bit;
		*reg32(gicd, GICD_IGROUPR + word) |= bit;
	}
	*(volatile uint8_t *)(uintptr_t)(gicd + GICD_IPRIORITYR + intid) = prio;
	if (level) {
		*reg32(gicd, GICD_ICFGR + 4U * (intid / 16)) &= ~(1U << cfg_shift);
	} else {
		*reg32(gicd, GICD_ICFGR + 4U * (intid / 16)) |= 1U << cfg_shift;
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

void gic_spi_route(uint64_t gicd, unsigned int intid, uint64_t mpidr)
{
	/* Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]; Interrupt_Routing_Mode 0. */
	uint64_t aff = ((mpidr >> 32) & 0xFF) << 32 | (mpidr & 0xFFFFFFULL);

	*(volatile uint64_t *)(uintptr_t)(gicd + GICD_IROUTER + 8U * intid) = aff;
	__asm__ volatile("dsb sy" ::: "memory");
}

static void spi_enable_hw(uint64_t gicd, unsigned int intid, bool on)
{
	uint32_t bit = 1U << (intid % 32);

	*reg32(gicd, (on ? GICD_ISENABLER : GICD_ICENABLER) + 4U * (intid / 32)) = bit;
	if (!on) {
		dist_wait_rwp(gicd);
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

/*
 * The secure side's "active until deactivated", emulated (see gic.h): an
 * acknowledged SPI is held disabled in the distributor from its priority
 * drop to its deactivation; what software asked for meanwhile (enabled or
 * not) is applied then.
 */

static bool spi_tracked(unsigned int intid)
{
	return intid >= 32U && intid < GIC_MAX_INTIDS && hold_gicd != 0;
}

void gic_spi_enable(uint64_t gicd, unsigned int intid, bool on)
{
	uint32_t bit = 1U << (intid % 32);

	if (intid >= GIC_MAX_INTIDS) {
		return;
	}
	sl_lock(&hold_lock);
	if (on) {
		sw_enabled[intid / 32] |= bit;
	} else {
		sw_enabled[intid / 32] &= ~bit;
	}
	if ((held[intid / 32] & bit) == 0) {
		spi_enable_hw(gicd, intid, on);
	}
	sl_unlock(&hold_lock);
}

void gic_spi_clear_pending(uint64_t gicd, unsigned int intid)
{
	*reg32(gicd, GICD_ICPENDR + 4U * (intid / 32)) = 1U << (intid % 32);
	__asm__ volatile("dsb sy" ::: "memory");
}

unsigned int gic_secure_ack(void)
{
	return gic_ack(); /* ICC_IAR1_EL1: in Secure state, Secure Group 1 */
}

void gic_priority_drop(unsigned int intid)
{
	if (spi_tracked(intid)) {
		uint32_t bit = 1U << (intid % 32);
		sl_lock(&hold_lock);
		held[intid / 32] |= bit;
		spi_enable_hw(hold_gicd, intid, false); /* no new activation until deactivated */
		sl_unlock(&hold_lock);
	}
	gic_eoi(intid); /* ICC_EOIR1_EL1 (EOImode 0): priority drop and deactivation */
}

void gic_deactivate(unsigned int intid)
{
	if (!spi_tracked(intid)) {
		return; /* an SGI or PPI: deactivated at its priority drop */
	}
	uint32_t bit = 1U << (intid % 32);
	sl_lock(&hold_lock);
	if ((held[intid / 32] & bit) != 0) {
		held[intid / 32] &= ~bit;
		if ((sw_enabled[intid / 32] & bit) != 0) {
			spi_enable_hw(hold_gicd, intid, true); /* fires again if still asserted */
		}
	}
	sl_unlock(&hold_lock);
}

uint8_t gic_pmr_get(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, " ICC_PMR_EL1 : "=r"(v));
	return (uint8_t)v;
}

void gic_pmr_set(uint8_t pmr)
{
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0\n\tisb" : : "r"((uint64_t)pmr));
}

unsigned int gic_group0_pending(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, " ICC_HPPIR0_EL1 : "=r"(v));
	return (unsigned int)(v & 0xFFFFFFU);
}
