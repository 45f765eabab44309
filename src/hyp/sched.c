/* vCPU placement and round-robin choice (see sched.h). */
#include "hyp/sched.h"

#include <string.h>

#include "core/panic.h"

struct sched_cpu sched_cpus[SCHED_MAX_CPUS];
static unsigned int sched_ncpus = 1;

void sched_init(unsigned int ncpus)
{
	CHECK(ncpus >= 1 && ncpus <= SCHED_MAX_CPUS);
	memset(sched_cpus, 0, sizeof(sched_cpus));
	sched_ncpus = ncpus;
}

void sched_assign(struct vcpu *v)
{
	unsigned int best = 0;

	for (unsigned int c = 1; c < sched_ncpus; c++) {
		if (sched_cpus[c].count < sched_cpus[best].count) {
			best = c;
		}
	}
	struct sched_cpu *s = &sched_cpus[best];
	CHECK(s->count < SCHED_MAX_PER_CPU);
	s->v[s->count++] = v;
	v->pcpu = best;
}

bool sched_runnable(const struct vcpu *v)
{
	enum vcpu_power p = __atomic_load_n(&v->power, __ATOMIC_ACQUIRE);

	return __atomic_load_n(&v->vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING && p != VCPU_OFF &&
	       !__atomic_load_n(&v->blocked, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&v->ffa.wait, __ATOMIC_ACQUIRE) == VCPU_FFA_RUNNING;
}

struct vcpu *sched_pick(unsigned int pcpu)
{
	struct sched_cpu *s = &sched_cpus[pcpu];

	for (unsigned int n = 0; n < s->count; n++) {
		unsigned int i = (s->next + n) % s->count;
		if (sched_runnable(s->v[i])) {
			s->next = (i + 1) % s->count;
			return s->v[i];
		}
	}
	return NULL;
}

unsigned int sched_runnable_count(unsigned int pcpu)
{
	const struct sched_cpu *s = &sched_cpus[pcpu];
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->count; i++) {
		n += sched_runnable(s->v[i]) ? 1U : 0U;
	}
	return n;
}

uint64_t sched_ns_to_ticks(uint64_t ns, uint64_t freq)
{
	const uint64_t g = 1000000000ULL;
	uint64_t secs = ns / g, rest = ns % g;

	if (freq != 0 && secs > UINT64_MAX / freq) {
		return UINT64_MAX;
	}
	uint64_t whole = secs * freq;
	/* rest < 10^9: exact while freq <= 2^64 / 10^9 (any real counter), rounded up. */
	uint64_t part = freq <= UINT64_MAX / g ? (rest * freq + g - 1) / g : (freq / g) * rest;
	return whole > UINT64_MAX - part ? UINT64_MAX : whole + part;
}
