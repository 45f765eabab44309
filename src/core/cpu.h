/*
 * Per-CPU state. Each physical CPU finds its own struct through the arch's
 * per-CPU register (TPIDR_EL2 on AArch64), set up at entry before any C runs.
 */
#ifndef CORE_CPU_H
#define CORE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/vcpu.h"

#define MAX_CPUS 8U
#define CPU_STACK_BYTES 16384U
/*
 * Each CPU's stack sits in the upper half of a slot twice its size, aligned
 * to the slot; the lower half is a guard left unmapped. An exception vector
 * tells an overflowed SP by one bit (CPU_STACK_GUARD_BIT clear).
 */
#define CPU_STACK_SLOT (2U * CPU_STACK_BYTES)
#define CPU_STACK_GUARD_BIT 14
#define CPU_OVERFLOW_STACK_BYTES 4096U
_Static_assert(CPU_STACK_BYTES == 1U << CPU_STACK_GUARD_BIT, "the guard bit is the stack size");
extern char cpu_stacks[];

struct cpu {
	unsigned int index; /* linear index, 0 .. MAX_CPUS-1 */
	uint64_t mpidr;
	bool on; /* between warm boot and CPU_OFF */
	unsigned int boots; /* how many times this CPU has entered tzvisor cold/warm */
	struct arch_cpu arch;
};

extern struct cpu cpus[MAX_CPUS];

struct cpu *cpu_this(void);
/* Tolerates NULL (before per-CPU state exists): reports 0. */
unsigned int cpu_index(const struct cpu *c);
/* Linear index from an MPIDR value, or -1 if out of range (plat rule). */
int cpu_index_from_mpidr(uint64_t mpidr);

#endif /* CORE_CPU_H */
