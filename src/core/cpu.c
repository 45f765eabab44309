#include "core/cpu.h"
#include <stddef.h>

#include "arch/arch.h"
#include "plat/plat.h"

struct cpu cpus[MAX_CPUS];

struct cpu *cpu_this(void)
{
	return (struct cpu *)arch_cpu_local();
}

unsigned int cpu_index(const struct cpu *c)
{
	return c != NULL ? c->index : 0U;
}

int cpu_index_from_mpidr(uint64_t mpidr)
{
	int idx = plat_cpu_index(mpidr);

	return (idx >= 0 && (unsigned int)idx < MAX_CPUS) ? idx : -1;
}
