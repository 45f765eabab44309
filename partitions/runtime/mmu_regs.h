/*
 * Shared by start.S and mmu.c: the EL1 registers every execution context
 * loads from sp_mmu_regs[] to turn its MMU on (indices of 64-bit words).
 * Execution context 0 writes them with its MMU off, so they are in memory
 * for the others to read with theirs off.
 */
#ifndef PARTITIONS_MMU_REGS_H
#define PARTITIONS_MMU_REGS_H

#define SP_MMU_MAIR 0
#define SP_MMU_TCR 1
#define SP_MMU_TTBR0 2
#define SP_MMU_SCTLR 3
#define SP_MMU_REGS 4

#ifndef __ASSEMBLER__
#include <stdint.h>
extern uint64_t sp_mmu_regs[SP_MMU_REGS];
#endif

#endif
