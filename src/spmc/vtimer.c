/*
 * Partitions' EL1 physical timers (CNTP_CTL/CVAL/TVAL_EL0), emulated.
 *
 * A partition's accesses to its EL1 physical timer trap to EL2
 * (CNTHCTL_EL2.EL1PCEN clear, arch_ptimer_trap_init; the counter stays
 * readable). tzvisor keeps each vCPU's CTL and CVAL and backs every armed
 * timer with the S-EL2 physical timer (CNTHPS, a Secure Group 1 PPI) of the
 * CPU the vCPU armed it on: each CPU programs its CNTHPS for the nearest of
 * the deadlines armed there and of tzvisor's own (the managed-exit bound,
 * spmc/irq.c). When it fires, each expired vCPU gets virtual ID 3, wherever
 * it is (spmc/irq.c delivers: a waiting vCPU runs, a running one gets a
 * vIRQ, a blocked one when it runs again): one partition's timer never
 * fires in another, and it fires whether the partition runs or waits.
 * As Hafnium's, the emulated timer fires once per programming (an edge):
 * writing CTL, CVAL or TVAL arms it again; ISTATUS reads as the condition.
 *
 * Per-CPU sets of armed timers (a bit per partition: an MP partition's
 * context for that CPU, or a UP partition's only context armed there) are
 * under that CPU's lock; a UP context that arms its timer elsewhere leaves
 * the old CPU, whose CNTHPS may then fire for nothing (and is reprogrammed).
 */
#include "spmc/vtimer.h"

#include <string.h>

#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/spinlock.h"
#include "spmc/irq.h"

#define CNTP_CTL_ENABLE 0x1ULL
#define CNTP_CTL_IMASK 0x2ULL
#define CNTP_CTL_ISTATUS 0x4ULL

struct vt_cpu {
	struct spinlock lock;
	uint32_t armed; /* bit p: partitions[p]'s context for this CPU waits on its CNTHPS */
	uint64_t own; /* tzvisor's deadline; 0: none */
	uint64_t programmed; /* CNTHPS's compare value; 0: off */
};

static struct vt_cpu vt[MAX_CPUS];

_Static_assert(SPMC_MAX_SPS <= 32, "a bit per partition");

static unsigned int sp_index(const struct vcpu *v)
{
	return (unsigned int)(v->sp - partitions);
}

/* The context of partitions[p] whose timer can be armed on `cpu`. */
static struct vcpu *armed_vcpu(unsigned int cpu, unsigned int p)
{
	struct partition *sp = &partitions[p];

	return sp->vcpu_count == 1 ? &sp->vcpus[0] : &sp->vcpus[cpu];
}

/* This CPU's CNTHPS for its nearest deadline (its lock held). */
static void program(struct vt_cpu *c, unsigned int cpu)
{
	uint64_t next = c->own != 0 ? c->own : UINT64_MAX;

	for (uint32_t bits = c->armed; bits != 0; bits &= bits - 1) {
		const struct vcpu *v = armed_vcpu(cpu, (unsigned int)__builtin_ctz(bits));
		if (v->timer.cval < next) {
			next = v->timer.cval;
		}
	}
	if (next == UINT64_MAX) {
		if (c->programmed != 0) {
			arch_sel2_timer_off();
			c->programmed = 0;
		}
	} else if (next != c->programmed) {
		arch_sel2_timer_set(next);
		c->programmed = next;
	}
}

void vtimer_reset(void)
{
	memset(vt, 0, sizeof(vt));
}

void vtimer_init(struct vtimer *t)
{
	t->ctl = 0;
	t->cval = 0;
	t->armed_cpu = -1;
}

/* Takes v's timer out of the set of the CPU it is armed on. */
static void disarm(struct vcpu *v)
{
	int c = __atomic_load_n(&v->timer.armed_cpu, __ATOMIC_ACQUIRE);

	if (c < 0) {
		return;
	}
	sl_lock(&vt[c].lock);
	if (v->timer.armed_cpu == c) {
		vt[c].armed &= ~(1U << sp_index(v));
		__atomic_store_n(&v->timer.armed_cpu, -1, __ATOMIC_RELEASE);
	}
	sl_unlock(&vt[c].lock);
}

/* After a write: fires now if the condition holds, else waits on this CPU's CNTHPS. */
static void arm(struct vcpu *v, uint64_t now)
{
	unsigned int here = cpu_this()->index;

	if ((v->timer.ctl & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK)) != CNTP_CTL_ENABLE) {
		return;
	}
	if (v->timer.cval <= now) {
		irq_deliver(v, VINT_TIMER);
		return;
	}
	sl_lock(&vt[here].lock);
	vt[here].armed |= 1U << sp_index(v);
	__atomic_store_n(&v->timer.armed_cpu, (int)here, __ATOMIC_RELEASE);
	program(&vt[here], here);
	sl_unlock(&vt[here].lock);
}

bool vtimer_sysreg(struct vcpu *v, uint64_t esr)
{
	/* ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], read [0].
	 */
	unsigned int op0 = (unsigned int)(esr >> 20) & 3U, op2 = (unsigned int)(esr >> 17) & 7U;
	unsigned int op1 = (unsigned int)(esr >> 14) & 7U, crn = (unsigned int)(esr >> 10) & 0xFU;
	unsigned int rt = (unsigned int)(esr >> 5) & 0x1FU, crm = (unsigned int)(esr >> 1) & 0xFU;
	bool read = (esr & 1U) != 0;
	struct vtimer *t = &v->timer;

	/* CNTP_TVAL_EL0 (Op2 0), CNTP_CTL_EL0 (1), CNTP_CVAL_EL0 (2): Op0 3, Op1 3, CRn 14, CRm 2.
	 */
	if (op0 != 3U || op1 != 3U || crn != 14U || crm != 2U || op2 > 2U) {
		return false;
	}
	uint64_t now = arch_counter();
	if (read) {
		uint64_t val = t->cval; /* CVAL */
		if (op2 == 0U) {
			val = (uint32_t)(t->cval - now); /* TVAL: 32 bits, signed */
		} else if (op2 == 1U) {
			val = t->ctl |
			      ((t->ctl & CNTP_CTL_ENABLE) != 0 && now >= t->cval ? CNTP_CTL_ISTATUS
										 : 0U);
		}
		if (rt != 31U) {
			v->arch.regs.x[rt] = val;
		}
	} else {
		uint64_t val = rt != 31U ? v->arch.regs.x[rt] : 0U;
		disarm(v);
		if (op2 == 0U) {
			t->cval = now + (uint64_t)(int64_t)(int32_t)val;
		} else if (op2 == 1U) {
			t->ctl = val & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
		} else {
			t->cval = val;
		}
		arm(v, now);
	}
	v->arch.regs.pc += 4;
	return true;
}

bool vtimer_fire(void)
{
	unsigned int here = cpu_this()->index;
	struct vt_cpu *c = &vt[here];
	struct vcpu *expired[SPMC_MAX_SPS];
	unsigned int n = 0;
	uint64_t now = arch_counter();

	sl_lock(&c->lock);
	for (uint32_t bits = c->armed; bits != 0; bits &= bits - 1) {
		unsigned int p = (unsigned int)__builtin_ctz(bits);
		struct vcpu *v = armed_vcpu(here, p);
		if (v->timer.cval <= now) {
			c->armed &= ~(1U << p);
			__atomic_store_n(&v->timer.armed_cpu, -1, __ATOMIC_RELEASE);
			expired[n++] = v;
		}
	}
	bool own = c->own != 0 && c->own <= now;
	if (own) {
		c->own = 0;
	}
	c->programmed = 0; /* it fired: set it again whatever it held */
	arch_sel2_timer_off();
	program(c, here);
	sl_unlock(&c->lock);
	for (unsigned int i = 0; i < n; i++) {
		irq_deliver(expired[i], VINT_TIMER);
	}
	return own;
}

void vtimer_set_deadline(uint64_t when)
{
	unsigned int here = cpu_this()->index;

	sl_lock(&vt[here].lock);
	vt[here].own = when;
	program(&vt[here], here);
	sl_unlock(&vt[here].lock);
}

void vtimer_reprogram(void)
{
	unsigned int here = cpu_this()->index;

	sl_lock(&vt[here].lock);
	program(&vt[here], here);
	sl_unlock(&vt[here].lock);
}

void vtimer_vcpu_off(struct vcpu *v)
{
	disarm(v);
	v->timer.ctl = 0;
}

void vtimer_cpu_off(unsigned int cpu, unsigned int to)
{
	uint32_t moved = 0;

	sl_lock(&vt[cpu].lock);
	for (uint32_t bits = vt[cpu].armed; bits != 0; bits &= bits - 1) {
		unsigned int p = (unsigned int)__builtin_ctz(bits);
		struct vcpu *v = armed_vcpu(cpu, p);
		__atomic_store_n(&v->timer.armed_cpu, -1, __ATOMIC_RELEASE);
		if (partitions[p].vcpu_count == 1) {
			moved |= 1U << p; /* a UP context: it may run anywhere */
		}
	}
	vt[cpu].armed = 0;
	vt[cpu].own = 0;
	vt[cpu].programmed = 0;
	arch_sel2_timer_off();
	sl_unlock(&vt[cpu].lock);
	if (moved == 0 || to == cpu) {
		return;
	}
	sl_lock(&vt[to].lock);
	vt[to].armed |= moved;
	for (uint32_t bits = moved; bits != 0; bits &= bits - 1) {
		struct vcpu *v = armed_vcpu(to, (unsigned int)__builtin_ctz(bits));
		__atomic_store_n(&v->timer.armed_cpu, (int)to, __ATOMIC_RELEASE);
	}
	sl_unlock(&vt[to].lock);
}
