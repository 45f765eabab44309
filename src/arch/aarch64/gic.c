/* GICv3 helpers (see gic.h). */
#include "arch/aarch64/gic.h"

#include "arch/arch.h"

#define GICR_IGROUPR0 0x80U
#define GICR_IGRPMODR0 0xD00U
#define GICR_ICENABLER0 0x180U

/* ICC_ASGI1R_EL1 / ICC_SRE_EL2 by encoding: the assembler knows them only with GICv3 on. */
#define ICC_ASGI1R_EL1 "S3_0_C12_C11_6"
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define ICC_SRE_SRE (1ULL << 0)

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
