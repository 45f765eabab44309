/* System register access and the EL2 (and EL1) register fields tzvisor programs. */
#ifndef ARCH_AARCH64_SYSREG_H
#define ARCH_AARCH64_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                       \
	({                                                     \
		uint64_t v__;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(v__)); \
		v__;                                           \
	})

#define write_sysreg(reg, val)                                                \
	do {                                                                  \
		uint64_t v__ = (uint64_t)(val);                               \
		__asm__ volatile("msr " #reg ", %0" : : "r"(v__) : "memory"); \
	} while (0)

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

/* SCTLR_EL2 (non-VHE): RES1 bits and the ones tzvisor sets. */
#define SCTLR_EL2_RES1 0x30C50830ULL
#define SCTLR_M (1ULL << 0)
#define SCTLR_A (1ULL << 1)
#define SCTLR_C (1ULL << 2)
#define SCTLR_SA (1ULL << 3)
#define SCTLR_I (1ULL << 12)
#define SCTLR_WXN (1ULL << 19)

/* TCR_EL2 (non-VHE). */
#define TCR_EL2_RES1 ((1ULL << 31) | (1ULL << 23))
#define TCR_T0SZ(bits) (64ULL - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K (0ULL << 14)
#define TCR_PS_SHIFT 16

/*
 * The EL1&0 regime as tzvisor's partitions run it: the SPMC programs these for
 * S-EL0 partitions (whose stage 1 it builds), the S-EL1 partition runtime
 * (partitions/runtime/mmu.c) for itself. SCTLR_EL1: RES1 bits, then MMU,
 * data and instruction caches on.
 */
#define SCTLR_EL1_RESET 0x30D00800ULL
#define SCTLR_EL1_MMU_ON (SCTLR_EL1_RESET | SCTLR_M | SCTLR_C | SCTLR_I)
/* TCR_EL1 for a 39-bit TTBR0 space, 4 KiB granule, no TTBR1 walks, 40-bit IPA. */
#define TCR_EL1_39BIT                                                                       \
	(25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (25ULL << 16) | (1ULL << 23) | \
	 (2ULL << 32))

#define ESR_EC(esr) (((esr) >> 26) & 0x3FU)

#endif /* ARCH_AARCH64_SYSREG_H */
