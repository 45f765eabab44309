/*
 * What the core needs from the architecture. src/arch/aarch64 implements it
 * for the firmware; tests/unit/fake_arch.c implements it for host tests.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stdint.h>

struct ffa_value;
struct mm_ptable;

void arch_cpu_relax(void);
__attribute__((noreturn)) void arch_halt(void);
void *arch_cpu_local(void);
void arch_cpu_local_set(void *p);
uint64_t arch_mpidr(void);
/* Issues SMC #0 with x0-x17 from *v and stores x0-x17 of the answer into *v. */
void arch_smc(struct ffa_value *v);
/*
 * A 64-bit random number from the CPU (RNDR, FEAT_RNG: callers check
 * ID_AA64ISAR0_EL1.RNDR first); false when it has no entropy right now.
 */
bool arch_rndr(uint64_t *v);
/* Programs the stage-1 EL2 regime for pt and turns the MMU and caches on. */
void arch_mm_enable(const struct mm_ptable *pt);
/* TLB invalidation of [va, va+size) in the EL2 stage-1 regime (a struct mm_ptable hook). */
void arch_mm_tlb_inval(const struct mm_ptable *pt, uint64_t va, uint64_t size);
/* Invalidates data cache lines by VA to the point of coherency (MMU still off). */
void arch_dcache_inval_range(uintptr_t start, uintptr_t size);
/*
 * Cleans data cache lines by VA to the point of coherency (for a reader with
 * its MMU off), then invalidates the instruction cache (code written for a
 * lower EL).
 */
void arch_dcache_clean_range(uintptr_t start, uintptr_t size);

#endif /* ARCH_ARCH_H */
