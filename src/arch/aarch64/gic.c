/* GICv3 helpers (see gic.h). */
#include "arch/aarch64/gic.h"

#include "arch/arch.h"

#define GICD_CTLR 0x0U
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_RWP (1U << 31)
#define GICD_TYPER 0x4U
#define GICD_IGROUPR 0x80U
#define GICR_CTLR 0x0U
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
