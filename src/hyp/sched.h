/*
 * vCPU placement and choice. Each vCPU belongs to one physical CPU (the
 * least loaded when its VM is created); each physical CPU runs its own
 * vCPUs round-robin, a time slice each when more than one is runnable.
 * Pure logic: no hardware access, host-tested.
 */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include <stdbool.h>

#include "hyp/vm.h"

#define SCHED_MAX_CPUS 8U
#define SCHED_MAX_PER_CPU (VM_MAX * VM_MAX_VCPUS)

struct sched_cpu {
	struct vcpu *v[SCHED_MAX_PER_CPU];
	unsigned int count;
	unsigned int next; /* where the round-robin search starts */
};

extern struct sched_cpu sched_cpus[SCHED_MAX_CPUS];

/* Forgets every assignment; vCPUs will be spread over `ncpus` physical CPUs. */
void sched_init(unsigned int ncpus);
/* Gives v to the physical CPU with the fewest vCPUs (the lowest index on a tie). */
void sched_assign(struct vcpu *v);
/*
 * Could run now: its VM runs, it is on (or starting), and it waits neither
 * for an interrupt nor inside an FF-A call (a message, a direct response).
 */
bool sched_runnable(const struct vcpu *v);
/* The next runnable vCPU of physical CPU `pcpu` after the last one picked; NULL if none. */
struct vcpu *sched_pick(unsigned int pcpu);
/* How many of `pcpu`'s vCPUs are runnable (more than one: time slices). */
unsigned int sched_runnable_count(unsigned int pcpu);
/* Nanoseconds as ticks of a counter at `freq` Hz, rounded up, saturating at UINT64_MAX. */
uint64_t sched_ns_to_ticks(uint64_t ns, uint64_t freq);

#endif
