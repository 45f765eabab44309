/*
 * The run loop of each physical CPU: pick a runnable vCPU (hyp/sched.h), run
 * it until it traps, handle the trap, repeat; wait for an interrupt when
 * nothing can run.
 *
 * Exits handled: HVC and trapped SMC (firmware calls: FF-A, hyp/ffa.h; the
 * SMCCC's own and the TRNG, hyp/smccc.h; PSCI, hyp/psci.h), WFI
 * (the vCPU blocks until it has something to do; WFE yields), data aborts on
 * emulated devices (MMIO with a valid syndrome), FP/SIMD first use (lazy
 * switch), physical interrupts (the EL2 timer ends a time slice, the virtual
 * timer of a guest, SGIs from other CPUs). Anything else a guest does stops
 * its VM with a report, and the other VMs go on: data or instruction aborts
 * outside its memory and devices, MMIO without a syndrome, unknown system
 * register traps, SErrors.
 */
#include "hyp/run.h"

#include "arch/aarch64/gic.h"
#include "arch/aarch64/gic_virt.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/fmt.h"
#include "core/panic.h"
#include "hyp/ffa.h"
#include "hyp/hyp.h"
#include "hyp/psci.h"
#include "hyp/sched.h"
#include "hyp/smccc.h"
#include "hyp/vm.h"
#include "hyp/vdev.h"
#include "hyp/vm_create.h"

/* VTCR_EL2: 39-bit IPA, 4 KiB granule, walk from level 1, WBWA inner shareable, 40-bit PA. */
#define VTCR_VALUE                                                                   \
	((64ULL - 39ULL) | (1ULL << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | \
	 (2ULL << 16) | (1ULL << 31))
#define CNTHCTL_EL1PCTEN (1ULL << 0) /* the guest may read the physical counter */
#define TIMER_ENABLE (1ULL << 0)
#define TIMER_IMASK (1ULL << 1)
#define SLICE_MS 10U
#define ID_AA64MMFR1_HCX_SHIFT 40
#define HCRX_MSCEN (1ULL << 11)

/* ESR_EL2 ISS of a trapped WFx: WFE rather than WFI. (Data aborts: arch_mmio_decode.) */
#define ISS_WFX_WFE 1U

enum next { NEXT_RESUME, NEXT_SWITCH };

/* Per physical CPU. */
struct hyp_cpu {
	uint64_t rd; /* this CPU's redistributor */
	bool slice_over; /* the EL2 timer fired: let the next vCPU run */
	bool vtimer_gated; /* the physical virtual-timer PPI is disabled (vtimer_ppi_gate) */
};
static struct hyp_cpu hyp_cpus[MAX_CPUS];

static struct hyp_cpu *this_hyp_cpu(void)
{
	return &hyp_cpus[cpu_this()->index];
}

void hyp_cpu_init(void)
{
	struct hyp_cpu *hc = this_hyp_cpu();
	const struct machine *m = &hyp.m;

	arch_vcpu_cpu_init(VTCR_VALUE);
	gicv_cpu_init();
	/*
	 * FEAT_HCX: HCRX_EL2 resets to values that make FEAT_MOPS instructions
	 * (CPY*, SET*) UNDEFINED at EL0/EL1; guests may use them (Linux tells
	 * user space they exist).
	 */
	if (((read_sysreg(id_aa64mmfr1_el1) >> ID_AA64MMFR1_HCX_SHIFT) & 0xF) != 0) {
		write_sysreg(S3_4_C1_C2_2, HCRX_MSCEN);
	}
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(cnthp_ctl_el2, 0);
	hc->rd = gic_redist_find(m->gicr.base, m->gicr.size);
	if (hc->rd == 0) {
		panic("no redistributor for MPIDR 0x%llx", (unsigned long long)arch_mpidr());
	}
	gic_cpu_enable(hc->rd);
	gic_local_enable(hc->rd, HYP_SGI_KICK);
	gic_local_enable(hc->rd, m->timer_intid[TIMER_HYP_PHYS]);
	gic_local_enable(hc->rd, m->timer_intid[TIMER_VIRT]);
	gic_local_enable(hc->rd, m->gic_maint_intid);
	hyp_ffa_cpu_init(hc->rd);
	isb();
}

void hyp_kick(unsigned int pcpu)
{
	if (pcpu != cpu_this()->index && pcpu < hyp.m.cpu_count) {
		gic_send_sgi(hyp.m.cpu_mpidr[pcpu], HYP_SGI_KICK);
	}
}

static uint64_t now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

/* The EL2 physical timer (CNTHP): fires at `when`, or never (0). */
static void hyp_timer_set(uint64_t when)
{
	if (when == 0) {
		write_sysreg(cnthp_ctl_el2, 0);
	} else {
		write_sysreg(cnthp_cval_el2, when);
		write_sysreg(cnthp_ctl_el2, TIMER_ENABLE);
	}
	isb();
}

static bool vcpu_loaded(const struct vcpu *v)
{
	return cpu_this()->arch.el1_owner == &v->arch;
}

/* A vCPU's virtual timer deadline (live registers if this CPU holds them): 0 if none. */
static uint64_t vtimer_deadline(const struct vcpu *v)
{
	bool live = vcpu_loaded(v);
	uint64_t ctl = live ? read_sysreg(cntv_ctl_el0) : v->arch.el1.cntv_ctl;
	uint64_t cval = live ? read_sysreg(cntv_cval_el0) : v->arch.el1.cntv_cval;

	if ((ctl & (TIMER_ENABLE | TIMER_IMASK)) != TIMER_ENABLE) {
		return 0;
	}
	return cval == 0 ? 1 : cval;
}

/*
 * The virtual timer as a level-triggered PPI: its line is high while the
 * guest's CNTV is enabled, unmasked and due (ISTATUS), read from the
 * registers when this CPU holds them and from the saved ones otherwise.
 * tzvisor never writes the guest's CNTV_CTL_EL0. Sampled before each entry
 * and for blocked vCPUs; the physical PPI only makes the vCPU exit.
 */
static bool vtimer_line(const struct vcpu *v, uint64_t t)
{
	uint64_t d = vtimer_deadline(v);

	return d != 0 && d <= t;
}

/* Samples v's timer line into its vGIC; wakes it if that made an interrupt deliverable. */
static void vtimer_sample(struct vcpu *v, uint64_t t)
{
	struct vm *vm = v->vm;

	sl_lock(&vm->lock);
	uint32_t wake = vgic_set_level(&vm->vgic, v->index, VGIC_INTID_VTIMER, vtimer_line(v, t));
	sl_unlock(&vm->lock);
	vm_wake(vm, wake);
}

/*
 * The physical virtual-timer PPI stays enabled only while the vCPU on this
 * CPU has no virtual timer interrupt outstanding: its line stays high until
 * the guest's handler masks or reprograms the timer, and would otherwise
 * interrupt again at once. EOI maintenance (a level interrupt) brings the
 * vCPU out when it finishes, and the PPI is enabled again.
 */
static void vtimer_ppi_gate(struct vcpu *v)
{
	struct hyp_cpu *hc = this_hyp_cpu();
	bool busy = vgic_busy(&v->vm->vgic, v->index, VGIC_INTID_VTIMER);

	if (busy == hc->vtimer_gated) {
		return;
	}
	if (busy) {
		gic_local_disable(hc->rd, hyp.m.timer_intid[TIMER_VIRT]);
	} else {
		gic_local_enable(hc->rd, hyp.m.timer_intid[TIMER_VIRT]);
	}
	hc->vtimer_gated = busy;
}

/* Acknowledges and handles every pending physical interrupt. */
static void handle_phys_irqs(void)
{
	const struct machine *m = &hyp.m;

	for (;;) {
		unsigned int intid = gic_ack();
		if (intid >= GIC_INTID_SPURIOUS) {
			return;
		}
		if (intid == m->timer_intid[TIMER_HYP_PHYS]) {
			hyp_timer_set(0);
			this_hyp_cpu()->slice_over = true;
		} else if (hyp_ffa_irq(intid)) {
			/* The SPMC's schedule-receiver interrupt: hyp_ffa_poll does the work. */
		} else if (intid == m->timer_intid[TIMER_VIRT]) {
			/* Its line stays high until the guest acts: off until then
			 * (vtimer_ppi_gate). */
			gic_local_disable(this_hyp_cpu()->rd, intid);
			this_hyp_cpu()->vtimer_gated = true;
		}
		/*
		 * The virtual timer (sampled before the next entry), the
		 * maintenance interrupt (the LRs are taken back on every exit),
		 * HYP_SGI_KICK: nothing to do but look at the vCPUs again.
		 */
		gic_eoi(intid);
	}
}

/* Blocked vCPUs whose timer is due, and yielded ones whose timeout passed, wake up; returns the
 * earliest future deadline (0: none). */
static uint64_t wake_expired(unsigned int pcpu)
{
	const struct sched_cpu *s = &sched_cpus[pcpu];
	uint64_t t = now(), next = 0;
	bool yields = __atomic_load_n(&hyp_ffa_yielded, __ATOMIC_RELAXED) != 0;

	for (unsigned int i = 0; i < s->count; i++) {
		struct vcpu *v = s->v[i];
		uint64_t y = yields ? hyp_ffa_yield_expire(v, t) : 0;
		if (y != 0 && (next == 0 || y < next)) {
			next = y;
		}
		if (!v->blocked) {
			continue;
		}
		uint64_t d = vtimer_deadline(v);
		if (d != 0 && d <= t) {
			vtimer_sample(v, t);
		} else if (d != 0 && (next == 0 || d < next)) {
			next = d;
		}
	}
	return next;
}

static bool all_vms_stopped(void)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		if (__atomic_load_n(&vms[i].state, __ATOMIC_ACQUIRE) == VM_RUNNING) {
			return false;
		}
	}
	return true;
}

/* Nothing to run: wait for an interrupt (the next timer deadline, a kick). */
static void idle(unsigned int pcpu)
{
	uint64_t next = wake_expired(pcpu);

	if (sched_pick(pcpu) != NULL) {
		return;
	}
	hyp_timer_set(next);
	/* Route IRQs to EL2 so that they are WFI wake-up events (masked by PSTATE.I here). */
	write_sysreg(hcr_el2, HCR_IMO | HCR_FMO | HCR_RW);
	isb();
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
	handle_phys_irqs();
}

/*
 * WFI or CPU_SUSPEND: the vCPU blocks unless its vGIC has something for it
 * (its own timer may already be due); an injection or its timer wakes it.
 */
static enum next wait_for_interrupt(struct vcpu *v)
{
	struct vm *vm = v->vm;

	sl_lock(&vm->lock);
	__atomic_store_n(&v->blocked, !vgic_has_pending(&vm->vgic, v->index), __ATOMIC_RELEASE);
	sl_unlock(&vm->lock);
	vtimer_sample(v, now());
	return NEXT_SWITCH;
}

/* A firmware call (HVC, or an SMC trapped by HCR_EL2.TSC). */
static enum next firmware_call(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t *x = v->arch.regs.x;

	if (hyp_ffa_owns((uint32_t)x[0])) {
		return hyp_ffa_call(v) ? NEXT_RESUME : NEXT_SWITCH;
	}
	if (smccc_owns((uint32_t)x[0])) {
		smccc_call(&hyp.smccc, x);
		return NEXT_RESUME;
	}
	sl_lock(&vm->lock);
	struct psci_result r = psci_call(v, x);
	if (r.action == PSCI_ACT_CPU_OFF) {
		v->power = VCPU_OFF;
	}
	sl_unlock(&vm->lock);
	x[0] = r.x0;
	switch (r.action) {
	case PSCI_ACT_RETURN:
		return NEXT_RESUME;
	case PSCI_ACT_WAKE:
		LOG_VERBOSE("VM %u (%s): vCPU %u: CPU_ON vCPU %u at 0x%llx\n", vm->id, vm->cfg.name,
			    v->index, r.wake->index, (unsigned long long)r.wake->on_entry);
		hyp_kick(r.wake->pcpu);
		return NEXT_RESUME;
	case PSCI_ACT_SUSPEND:
		return wait_for_interrupt(v);
	case PSCI_ACT_CPU_OFF:
		return NEXT_SWITCH;
	case PSCI_ACT_SYSTEM_OFF:
		LOG_NOTICE("VM %u (%s): powered off (PSCI SYSTEM_OFF from vCPU %u)\n", vm->id,
			   vm->cfg.name, v->index);
		vm_stop(vm, NULL, "powered off");
		if (vm->cfg.poweroff_ends_machine) {
			hyp_machine_off("a VM marked poweroff-ends-machine powered off");
		}
		return NEXT_SWITCH;
	case PSCI_ACT_SYSTEM_RESET:
		vm_reset(vm);
		return NEXT_SWITCH;
	}
	return NEXT_RESUME;
}

static enum next stop(struct vcpu *v, const char *why)
{
	vm_stop(v->vm, v, why);
	return NEXT_SWITCH;
}

static enum next data_abort(struct vcpu *v, const struct arch_exit *e)
{
	struct vm *vm = v->vm;
	uint64_t ipa = e->hpfar_ipa | (e->far & 0xFFFU);
	struct vdev *d = vm_find_dev(vm, ipa);
	char why[128];

	if (d == NULL) {
		fmt_snprintf(why, sizeof(why),
			     "data abort at IPA 0x%llx (PC 0x%llx, ESR 0x%llx): outside its "
			     "memory and devices",
			     (unsigned long long)ipa, (unsigned long long)v->arch.regs.pc,
			     (unsigned long long)e->esr);
		return stop(v, why);
	}
	struct arch_mmio m;
	if (!arch_mmio_decode(e->esr, &v->arch.regs, &m)) {
		fmt_snprintf(
			why, sizeof(why),
			"MMIO at IPA 0x%llx with an instruction that has no syndrome (PC 0x%llx)",
			(unsigned long long)ipa, (unsigned long long)v->arch.regs.pc);
		return stop(v, why);
	}
	uint64_t val = m.val;
	if (!vdev_access(vm, d, ipa - d->base, m.size, m.write, &val)) {
		fmt_snprintf(why, sizeof(why),
			     "MMIO %s of %u bytes at IPA 0x%llx refused by the device (PC 0x%llx)",
			     m.write ? "write" : "read", m.size, (unsigned long long)ipa,
			     (unsigned long long)v->arch.regs.pc);
		return stop(v, why);
	}
	arch_mmio_complete(&v->arch.regs, &m, val);
	return NEXT_RESUME;
}

/* ESR ISS of a trapped MSR/MRS (EC 0x18): the register's encoding and Rt. */
#define SYSREG_ISS_MASK 0x3FFC1EU /* Op0, Op2, Op1, CRn, CRm */
#define SYSREG_ISS(op0, op1, crn, crm, op2)                                            \
	(((uint32_t)(op0) << 20) | ((uint32_t)(op2) << 17) | ((uint32_t)(op1) << 14) | \
	 ((uint32_t)(crn) << 10) | ((uint32_t)(crm) << 1))
#define SYSREG_ICC_SGI1R SYSREG_ISS(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R SYSREG_ISS(3, 0, 12, 11, 6)
#define SYSREG_ICC_SGI0R SYSREG_ISS(3, 0, 12, 11, 7)
#define SYSREG_READ 1U

static enum next sysreg_trap(struct vcpu *v, const struct arch_exit *e)
{
	uint32_t iss = (uint32_t)(e->esr & 0x1FFFFFFU), reg = iss & SYSREG_ISS_MASK;
	unsigned int rt = (iss >> 5) & 0x1FU;
	uint64_t val = rt == 31 ? 0 : v->arch.regs.x[rt];
	char why[96];

	if ((iss & SYSREG_READ) == 0 && reg == SYSREG_ICC_SGI1R) {
		struct vm *vm = v->vm;
		sl_lock(&vm->lock);
		uint32_t wake = vgic_sgi(&vm->vgic, v->index, val);
		sl_unlock(&vm->lock);
		vm_wake(vm, wake);
		v->arch.regs.pc += 4;
		return NEXT_RESUME;
	}
	if ((iss & SYSREG_READ) == 0 && (reg == SYSREG_ICC_ASGI1R || reg == SYSREG_ICC_SGI0R)) {
		v->arch.regs.pc += 4; /* Group 0 and the other Security state: nobody to signal */
		return NEXT_RESUME;
	}
	fmt_snprintf(why, sizeof(why), "trapped system register access (ISS 0x%07x, PC 0x%llx)",
		     (unsigned int)iss, (unsigned long long)v->arch.regs.pc);
	return stop(v, why);
}

static enum next handle_exit(struct vcpu *v, const struct arch_exit *e)
{
	unsigned int ec = ESR_EC(e->esr);
	char why[128];

	switch (e->kind) {
	case EXIT_IRQ:
	case EXIT_FIQ:
		handle_phys_irqs();
		return NEXT_RESUME;
	case EXIT_SERROR:
		return stop(v, "SError");
	case EXIT_SYNC:
		break;
	}
	switch (ec) {
	case ESR_EC_HVC64:
		return firmware_call(v);
	case ESR_EC_SMC64:
		v->arch.regs.pc += 4; /* a trapped SMC returns to itself */
		return firmware_call(v);
	case ESR_EC_WFX:
		v->arch.regs.pc += 4;
		if ((e->esr & ISS_WFX_WFE) != 0) {
			return NEXT_SWITCH;
		}
		return wait_for_interrupt(v);
	case ESR_EC_DABT_LOWER:
		return data_abort(v, e);
	case ESR_EC_FP:
		arch_vcpu_fp_claim(&v->arch);
		return NEXT_RESUME;
	case ESR_EC_SYSREG:
		return sysreg_trap(v, e);
	case ESR_EC_IABT_LOWER:
		fmt_snprintf(why, sizeof(why),
			     "instruction abort at IPA 0x%llx (PC 0x%llx, ESR 0x%llx): outside its "
			     "memory",
			     (unsigned long long)(e->hpfar_ipa | (e->far & 0xFFFU)),
			     (unsigned long long)v->arch.regs.pc, (unsigned long long)e->esr);
		return stop(v, why);
	default:
		fmt_snprintf(why, sizeof(why), "unexpected exit (EC 0x%02x, ESR 0x%llx, PC 0x%llx)",
			     ec, (unsigned long long)e->esr, (unsigned long long)v->arch.regs.pc);
		return stop(v, why);
	}
}

/* Runs v until it blocks, stops, or its time slice is over. */
static void run_vcpu(struct vcpu *v, unsigned int pcpu)
{
	struct vm *vm = v->vm;
	struct hyp_cpu *hc = this_hyp_cpu();

	sl_lock(&vm->lock);
	if (v->power == VCPU_ON_PENDING) {
		vcpu_start_pending(v);
	}
	bool go = vm->state == VM_RUNNING && v->power == VCPU_ON;
	sl_unlock(&vm->lock);
	if (!go) {
		return;
	}
	hc->slice_over = false;
	/*
	 * The EL2 timer ends the slice when others wait to run on this CPU, or
	 * when a blocked vCPU's saved virtual timer is due, whichever comes first.
	 */
	uint64_t when = wake_expired(pcpu);
	if (sched_runnable_count(pcpu) > 1) {
		uint64_t end = now() + hyp.cntfrq / 1000U * SLICE_MS;
		when = when == 0 || end < when ? end : when;
	}
	hyp_timer_set(when);
	struct vgic_cpu *vc = &vm->vgic.cpu[v->index];
	for (;;) {
		vtimer_sample(v, now());
		sl_lock(&vm->lock);
		vtimer_ppi_gate(v);
		vgic_flush(&vm->vgic, v->index);
		sl_unlock(&vm->lock);
		gicv_restore(&vc->hw, vc->lr_used);
		struct arch_exit e = arch_vcpu_run(&v->arch);
		/* First: the LRs may hold the maintenance interrupt's condition. */
		gicv_save(&vc->hw, vc->lr_used);
		sl_lock(&vm->lock);
		vgic_sync(&vm->vgic, v->index);
		sl_unlock(&vm->lock);
		v->exits++;
		enum next n = handle_exit(v, &e);
		if (n == NEXT_SWITCH || hc->slice_over || !sched_runnable(v)) {
			break;
		}
		if (e.kind == EXIT_IRQ) {
			hyp_ffa_poll();
		}
		/* An interrupt woke another vCPU of this CPU: let it run now (round-robin). */
		if (e.kind == EXIT_IRQ && sched_runnable_count(pcpu) > 1) {
			break;
		}
	}
}

void hyp_cpu_loop(void)
{
	unsigned int pcpu = cpu_this()->index;

	for (;;) {
		if (all_vms_stopped()) {
			hyp_machine_off("every VM has stopped");
		}
		hyp_ffa_poll();
		wake_expired(pcpu);
		struct vcpu *v = sched_pick(pcpu);
		if (v == NULL) {
			idle(pcpu);
			continue;
		}
		run_vcpu(v, pcpu);
	}
}
