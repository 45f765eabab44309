/*
 * Host tests for interrupts in the run loop (src/spmc/irq.c, vtimer.c with
 * run.c), with scripted partitions (sp_script.h) and a fake GIC and timer
 * (fake_gic.h): secure interrupts delivered by the state of their target
 * (waiting: run now; running: vIRQ; blocked in the running chain:
 * FFA_INTERRUPT, then FFA_RUN of its callee), preemption and
 * resumption, the paravirtual calls and their refusals, the three
 * non-secure interrupt actions and the call-chain rule, the emulated
 * timer, the notification-pending interrupt, IPIs, S-EL0 partitions, and a
 * stopped partition's interrupts. Every physical interrupt acknowledged
 * must be deactivated exactly once, never one that is not active.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "fake_arch.h"
#include "fake_gic.h"
#include "sp_script.h"
#include "spmc/irq.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

#define SPI_A 34U
#define SPI_B 40U
#define SPI_C 41U
#define SPI_ATTRS 0xB20U /* priority 0x20, secure, level, SPI */
#define PPI_TIMER 20U
#define MARK 0xF00DULL

static const struct arch_exit irq_exit = {.kind = EXIT_IRQ};
static const struct arch_exit fiq_exit = {.kind = EXIT_FIQ};

/* Partitions claim SPIs: A 34, B 40, C 41; everything loaded again. */
static int setup_spis(void **state)
{
	setup(state);
	SP_A->m.ints[0] = (struct sp_interrupt){SPI_A, SPI_ATTRS, false, 0};
	SP_A->m.int_count = 1;
	SP_B->m.ints[0] = (struct sp_interrupt){SPI_B, SPI_ATTRS, false, 0};
	SP_B->m.int_count = 1;
	SP_C->m.ints[0] = (struct sp_interrupt){SPI_C, SPI_ATTRS, false, 0};
	SP_C->m.int_count = 1;
	irq_init();
	for (unsigned int i = 0; i < NUM_SPS; i++) {
		assert_true(irq_partition_load(&partitions[i]));
	}
	irq_boot_config();
	irq_cpu_init(0);
	return 0;
}

/* A trapped access to CNTP_TVAL (op2 0), CNTP_CTL (1) or CNTP_CVAL (2) with register rt. */
static struct arch_exit cntp(bool read, unsigned int op2, unsigned int rt)
{
	uint64_t esr = (uint64_t)ESR_EC_SYSREG << 26 | 3ULL << 20 | (uint64_t)op2 << 17 |
		       3ULL << 14 | 14ULL << 10 | (uint64_t)rt << 5 | 2ULL << 1 | (read ? 1U : 0U);
	return (struct arch_exit){.kind = EXIT_SYNC, .esr = esr};
}

/* What every test ends with: each acknowledged interrupt ended, nothing ended twice. */
static void assert_gic_clean(void)
{
	assert_int_equal(fake_gic.bad_deactivations, 0);
	assert_int_equal(fake_gic.dropped_not_acked, 0);
	assert_int_equal(fake_gic.drops, fake_gic.acks);
}

/* The normal world's turn again, as spmc_serve does it. */
static void back_to_nwd(void)
{
	spmc_run_woken();
	irq_leave_to_nwd();
}

/* --- the priority mask and the non-secure actions ------------------------------------ */

/* Queued: the chain runs with non-secure interrupts masked; the mask comes off at the end. */
static struct arch_exit queued_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_NS);
		return fiq_exit; /* one that slipped in: ignored */
	case 1:
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_NS);
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void queued_masks(void **state)
{
	(void)state;
	script[0] = queued_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	back_to_nwd();
	assert_int_equal(fake_gic.pmr, 0xFF); /* the normal world's own */
	assert_int_equal(fake_gic.pmr_writes, 2);
}

static struct arch_exit open_a(struct vcpu *v, unsigned int n)
{
	(void)v;
	assert_int_equal(fake_gic.pmr, 0xFF);
	return n == 0 ? fiq_exit : unexpected(v, n);
}

/* Signaled: nothing masked; the FIQ preempts it (FFA_INTERRUPT to the normal world). */
static void signaled_open(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_SIGNALED;
	script[0] = open_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req), CALL(FFA_INTERRUPT_32, (uint32_t)ID_A << 16));
	assert_int_equal(SP_A->vcpus[0].state, VCPU_INTERRUPTED);
	assert_int_equal(fake_gic.pmr_writes, 0);
}

/* A Group 0 interrupt goes to EL3 and the partition goes on. */
static struct arch_exit group0_a(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		fake_gic.group0 = 8;
		return fiq_exit;
	}
	return n == 1 ? smc(v, echo_of(v)) : unexpected(v, n);
}

static void group0_to_el3(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_SIGNALED;
	script[0] = group0_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(fake_gic.el3_calls, 1);
}

/* --- secure interrupts ------------------------------------------------------------------ */

/* B's context 0 handles SPI 40: GET, DEACTIVATE, FFA_MSG_WAIT. */
static struct arch_exit handler_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[0], FFA_INTERRUPT_32);
		assert_int_equal(seen()[1], 0);
		assert_int_equal(seen()[2], SPI_B);
		assert_true(vi());
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_ALL); /* nothing else meanwhile */
		assert_int_equal(v->rtm, RTM_SEC_INT);
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 1:
		assert_int_equal(seen()[0], SPI_B);
		assert_false(vi());
		assert_true(fake_gic.active[SPI_B]); /* until the partition is done */
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B);
	case 2:
		assert_int_equal(seen()[0], 0);
		assert_false(fake_gic.active[SPI_B]);
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

/* While the normal world runs (FFA_INTERRUPT from the SPMD): the waiting owner runs now. */
static void waiting_owner_runs(void **state)
{
	(void)state;
	assert_int_equal(hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, SPI_B, 1, 0), 0);
	assert_true(fake_gic.enabled[SPI_B]);
	assert_int_equal(fake_gic.route[SPI_B], 0);
	script[1] = handler_b;
	fake_gic_raise(SPI_B);
	assert_false(irq_physical(NULL));
	assert_int_equal(SP_B->vcpus[0].state, VCPU_RUNNING); /* claimed by this CPU */
	back_to_nwd();
	assert_int_equal(entries[1], 3);
	assert_int_equal(SP_B->vcpus[0].state, VCPU_WAITING);
	assert_int_equal(SP_B->vcpus[0].rtm, RTM_NONE);
	assert_int_equal(fake_gic.pmr, 0xFF);
	assert_int_equal(fake_gic.deactivations, 1);
	assert_gic_clean();
}

/* Not enabled yet: pending and physically active until it is, then delivered; never lost. */
static struct arch_exit enable_late_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_false(vi());
		return hf_hvc(v, HF_INTERRUPT_ENABLE, SPI_B, 1);
	case 1:
		assert_int_equal(seen()[0], 0);
		assert_true(vi());
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 2:
		assert_int_equal(seen()[0], SPI_B);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B);
	case 3:
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void disabled_then_enabled(void **state)
{
	(void)state;
	fake_gic_raise(SPI_B);
	irq_physical(NULL);
	assert_int_equal(SP_B->vcpus[0].state, VCPU_WAITING); /* nothing it can take yet */
	assert_true(fake_gic.active[SPI_B]);
	assert_true(vint_is_pending(&SP_B->vcpus[0].vint, SPI_B));
	script[1] = enable_late_b;
	struct ffa_value req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_false(fake_gic.active[SPI_B]);
	assert_gic_clean();
}

/* A partition running a request is preempted by B's interrupt and goes on untouched. */
static struct arch_exit preempted_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		v->arch.regs.x[5] = MARK;
		v->arch.regs.pc = 0x4321;
		fake_gic_raise(SPI_B);
		return irq_exit;
	case 1:
		assert_int_equal(v->arch.regs.x[5], MARK);
		assert_int_equal(v->arch.regs.pc, 0x4321);
		assert_false(vi());
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void preempts_other_partition(void **state)
{
	(void)state;
	hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, SPI_B, 1, 0);
	script[0] = preempted_a;
	script[1] = handler_b;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[3], 0x33);
	assert_int_equal(trace_len, 5); /* A, B x3, A */
	assert_int_equal(trace[1].id, ID_B);
	assert_int_equal(trace[4].id, ID_A);
	assert_null(SP_B->vcpus[0].preempted);
	assert_idle(&SP_A->vcpus[0]);
	assert_gic_clean();
}

/* Its own interrupt while it runs: a vIRQ at the next entry, nothing else changed. */
static struct arch_exit running_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		v->arch.regs.x[6] = MARK;
		fake_gic_raise(SPI_A);
		return irq_exit;
	case 1:
		assert_true(vi());
		assert_int_equal(v->arch.regs.x[6], MARK);
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 2:
		assert_int_equal(seen()[0], SPI_A);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, SPI_A, SPI_A);
	case 3:
		assert_int_equal(seen()[0], 0);
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void running_owner_vi(void **state)
{
	(void)state;
	hf(&SP_A->vcpus[0], HF_INTERRUPT_ENABLE, SPI_A, 1, 0);
	script[0] = running_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(trace_len, 4);
	assert_gic_clean();
}

/*
 * A waits on B (blocked) and its interrupt comes while B runs: A's request
 * returns FFA_INTERRUPT (w2 = the ID), B waits as it is. Until A resumes B
 * with FFA_RUN it may not answer, send a request or wait (DENIED), run
 * anyone but B (INVALID_PARAMETERS), or run B with the ID still active
 * (DENIED); every refusal changes nothing. Then B goes on and answers A.
 */
static struct arch_exit blocked_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 7));
	case 1:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, SPI_A));
		assert_true(vi());
		assert_ptr_equal(v->chain_preempted, &SP_B->vcpus[0]);
		return answer_nwd(v);
	case 2:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_DENIED));
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_C), 0, 7));
	case 3:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_DENIED));
		return smc(v, CALL(FFA_MSG_WAIT_32));
	case 4:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_DENIED));
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 5:
		assert_int_equal(seen()[0], SPI_A);
		return smc(v, CALL(FFA_RUN_32, (uint32_t)ID_B << 16)); /* still active */
	case 6:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_DENIED));
		return smc(v, CALL(FFA_RUN_32, (uint32_t)ID_C << 16));
	case 7:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_INVALID_PARAMETERS));
		return smc(v, CALL(FFA_RUN_32, (uint32_t)ID_B << 16 | 1)); /* B has no context 1 */
	case 8:
		assert_regs(seen(), CALL(FFA_ERROR_32, 0, (uint32_t)FFA_INVALID_PARAMETERS));
		assert_ptr_equal(v->chain_preempted, &SP_B->vcpus[0]);
		assert_int_equal(SP_B->vcpus[0].state, VCPU_RUNNING);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, SPI_A, SPI_A);
	case 9:
		return smc(v, CALL(FFA_RUN_32, (uint32_t)ID_B << 16));
	case 10:
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_64);
		assert_null(v->chain_preempted);
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit blocked_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		v->arch.regs.x[5] = MARK;
		v->arch.regs.pc = 0x4321;
		fake_gic_raise(SPI_A);
		return irq_exit;
	case 1:
		assert_int_equal(v->arch.regs.x[5], MARK);
		assert_int_equal(v->arch.regs.pc, 0x4321);
		assert_int_equal(SP_A->vcpus[0].state, VCPU_BLOCKED);
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void blocked_owner_signaled(void **state)
{
	(void)state;
	hf(&SP_A->vcpus[0], HF_INTERRUPT_ENABLE, SPI_A, 1, 0);
	script[0] = blocked_a;
	script[1] = blocked_b;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[3], 0x33);
	assert_int_equal(trace_len, 13); /* A, B, A x10, B, A */
	assert_gic_clean();
	assert_int_equal(fake_gic.deactivations, 1);
	assert_idle(&SP_A->vcpus[0]);
	assert_idle(&SP_B->vcpus[0]);
}

/*
 * The same, but A faults while handling it: its partition stops, B goes on
 * where it was, and B's answer to A becomes ABORTED for A's requester (the
 * normal world); A's SPI, which it had not taken, is ended.
 */
static struct arch_exit blocked_faults_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 7));
	case 1:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, SPI_A));
		return data_abort();
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit blocked_after_fault_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		v->arch.regs.x[5] = MARK;
		fake_gic_raise(SPI_A);
		return irq_exit;
	case 1:
		assert_int_equal(v->arch.regs.x[5], MARK);
		assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void blocked_owner_faults(void **state)
{
	(void)state;
	hf(&SP_A->vcpus[0], HF_INTERRUPT_ENABLE, SPI_A, 1, 0);
	script[0] = blocked_faults_a;
	script[1] = blocked_after_fault_b;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_regs(r.x, CALL(FFA_ERROR_32, 0, (uint32_t)FFA_ABORTED));
	assert_int_equal(trace_len, 4); /* A, B, A (faults), B */
	assert_true(SP_A->aborted);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
	assert_null(SP_A->vcpus[0].chain_preempted);
	assert_null(SP_A->vcpus[0].caller);
	assert_idle(&SP_B->vcpus[0]);
	assert_gic_clean();
	assert_false(fake_gic.active[SPI_A]);
}

/* FFA_MSG_WAIT with something pending: FFA_INTERRUPT instead, once per signal. */
static struct arch_exit wait_twice_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[2], SPI_B);
		return hf_hvc(v, HF_INTERRUPT_SEND_IPI, 0, 0); /* to itself */
	case 1:
		assert_int_equal(seen()[0], 0);
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 2:
		assert_int_equal(seen()[0], SPI_B);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B);
	case 3:
		return smc(v, CALL(FFA_MSG_WAIT_32));
	case 4:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, VINT_IPI));
		return smc(v, CALL(FFA_MSG_WAIT_32)); /* ignores it: it waits */
	default:
		return unexpected(v, n);
	}
}

static void wait_signals_once(void **state)
{
	(void)state;
	hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, SPI_B, 1, 0);
	hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, VINT_IPI, 1, 0);
	script[1] = wait_twice_b;
	fake_gic_raise(SPI_B);
	irq_physical(NULL);
	back_to_nwd();
	assert_int_equal(entries[1], 5);
	assert_int_equal(SP_B->vcpus[0].state, VCPU_WAITING);
	assert_true(vint_is_pending(&SP_B->vcpus[0].vint, VINT_IPI)); /* kept, not lost */
	assert_gic_clean();
}

/* A waiting vCPU that is woken but faults: what it preempted goes on, its SPIs end. */
static struct arch_exit fault_b(struct vcpu *v, unsigned int n)
{
	(void)v;
	return n == 0 ? data_abort() : unexpected(v, n);
}

static struct arch_exit after_fault_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		fake_gic_raise(SPI_B);
		return irq_exit;
	case 1:
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void woken_partition_faults(void **state)
{
	(void)state;
	hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, SPI_B, 1, 0);
	script[0] = after_fault_a;
	script[1] = fault_b;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_true(SP_B->aborted);
	assert_false(fake_gic.enabled[SPI_B]); /* its interrupts off */
	assert_false(fake_gic.active[SPI_B]); /* what it held, ended */
	assert_gic_clean();
	/* Its interrupt again: ended at once, nobody runs. */
	fake_gic_raise(SPI_B);
	irq_physical(NULL);
	back_to_nwd();
	assert_false(fake_gic.active[SPI_B]);
	assert_int_equal(entries[1], 1);
	assert_gic_clean();
}

/* --- the paravirtual calls: refusals change nothing ------------------------------------ */

static struct fake_gic gic_before;
static struct vint vints_before[NUM_SPS][SP_MAX_EXEC_CTX];

static void snap(void)
{
	gic_before = fake_gic;
	for (unsigned int p = 0; p < NUM_SPS; p++) {
		for (unsigned int c = 0; c < SP_MAX_EXEC_CTX; c++) {
			vints_before[p][c] = partitions[p].vcpus[c].vint;
		}
	}
}

static void refused(struct vcpu *v, uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3)
{
	snap();
	if (hf(v, id, a1, a2, a3) != -1) {
		fail_msg("call 0x%llx (0x%llx, 0x%llx, 0x%llx) not refused", (unsigned long long)id,
			 (unsigned long long)a1, (unsigned long long)a2, (unsigned long long)a3);
	}
	assert_memory_equal(&gic_before, &fake_gic, sizeof(fake_gic));
	for (unsigned int p = 0; p < NUM_SPS; p++) {
		for (unsigned int c = 0; c < SP_MAX_EXEC_CTX; c++) {
			assert_memory_equal(&vints_before[p][c], &partitions[p].vcpus[c].vint,
					    sizeof(struct vint));
		}
	}
}

static void hostile_calls(void **state)
{
	(void)state;
	struct vcpu *b = &SP_B->vcpus[0];

	b->cpu = 0;
	refused(b, 0xff00, 0, 0, 0); /* unknown IDs */
	refused(b, 0xff05, 0, 0, 0);
	refused(b, 0xffff, 0, 0, 0);
	refused(b, HF_INTERRUPT_ENABLE, SPI_A, 1, 0); /* another partition's */
	refused(b, HF_INTERRUPT_ENABLE, 42, 1, 0); /* nobody's */
	refused(b, HF_INTERRUPT_ENABLE, 1023, 1, 0);
	refused(b, HF_INTERRUPT_ENABLE, 1ULL << 32 | SPI_B, 1, 0);
	refused(b, HF_INTERRUPT_ENABLE, SPI_B, 2, 0); /* bad enable */
	refused(b, HF_INTERRUPT_ENABLE, SPI_B, 1, 2); /* bad type */
	refused(b, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B, 0); /* not active */
	refused(b, HF_INTERRUPT_DEACTIVATE, VINT_IPI, VINT_IPI, 0);
	refused(b, HF_INTERRUPT_DEACTIVATE, SPI_A, SPI_A, 0);
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_A, HF_RECONFIGURE_ENABLE, 0); /* not its own */
	refused(b, HF_INTERRUPT_RECONFIGURE, VINT_TIMER, HF_RECONFIGURE_ENABLE, 1); /* no SPI */
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, 3, 0); /* no such command */
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_TARGET_PE, 2); /* CPU off */
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_TARGET_PE, MAX_CPUS);
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_SEC_STATE, 2);
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_ENABLE, 2);
	refused(b, HF_INTERRUPT_SEND_IPI, 4, 0, 0); /* B has four contexts */
	refused(b, HF_INTERRUPT_SEND_IPI, UINT64_MAX, 0, 0);
	refused(&SP_A->vcpus[0], HF_INTERRUPT_SEND_IPI, 1, 0, 0); /* UP: only context 0 */

	/* Deactivating what is active works once, and only with both IDs the same. */
	hf(b, HF_INTERRUPT_ENABLE, SPI_B, 1, 0);
	fake_gic_raise(SPI_B);
	irq_physical(NULL);
	assert_non_null(irq_wake_pop()); /* claimed: B handles it by hand here */
	assert_int_equal(hf(b, HF_INTERRUPT_GET, 0, 0, 0), SPI_B);
	assert_int_equal(hf(b, HF_INTERRUPT_GET, 0, 0, 0), VINT_NONE);
	refused(b, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_A, 0);
	refused(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_SEC_STATE, 0); /* in service */
	assert_int_equal(hf(b, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B, 0), 0);
	refused(b, HF_INTERRUPT_DEACTIVATE, SPI_B, SPI_B, 0);
	assert_gic_clean();

	/* What works: the special IDs; moving, disabling and enabling its SPI. */
	assert_int_equal(hf(b, HF_INTERRUPT_ENABLE, VINT_TIMER, 1, 0), 0);
	set_cpu(1);
	set_cpu(0);
	assert_int_equal(hf(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_TARGET_PE, 1), 0);
	assert_int_equal(fake_gic.route[SPI_B], 1); /* CPU 1's affinity */
	assert_int_equal(hf(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_ENABLE, 0), 0);
	assert_false(fake_gic.enabled[SPI_B]);
	assert_int_equal(hf(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_ENABLE, 1), 0);
	assert_true(fake_gic.enabled[SPI_B]);
	assert_int_equal(hf(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_SEC_STATE, 0), 0);
	assert_false(fake_gic.secure[SPI_B]);
	assert_int_equal(hf(b, HF_INTERRUPT_RECONFIGURE, SPI_B, HF_RECONFIGURE_SEC_STATE, 1), 0);
	assert_true(fake_gic.secure[SPI_B]);
	assert_int_equal(fake_gic.prio[SPI_B], 0x20);
	/* The CPU goes off: its SPIs move to one that is on. */
	cpus[1].on = false;
	irq_cpu_off(1);
	assert_int_equal(fake_gic.route[SPI_B], 0);
}

/*
 * interrupts-target: the SPI is routed to the manifest's CPU at boot, stays
 * there when a context elsewhere enables it, follows CPU_OFF to a CPU that
 * is on and comes back at the target's CPU_ON. A target that is no CPU, or
 * (MP partition) one it has no context on, refuses the load with a line.
 */
static void target_routing(void **state)
{
	setup(state);
	set_cpu(2);
	set_cpu(1);
	set_cpu(0);
	SP_B->name = "tzv-b";
	SP_B->m.ints[0] = (struct sp_interrupt){SPI_B, SPI_ATTRS, true, 2};
	SP_B->m.int_count = 1;
	SP_A->m.ints[0] = (struct sp_interrupt){SPI_A, SPI_ATTRS, false, 0};
	SP_A->m.int_count = 1;
	irq_init();
	for (unsigned int i = 0; i < NUM_SPS; i++) {
		assert_true(irq_partition_load(&partitions[i]));
	}
	irq_boot_config();
	irq_cpu_init(0);
	assert_int_equal(fake_gic.route[SPI_B], 2);
	assert_int_equal(fake_gic.route[SPI_A], 0); /* no target: the loading CPU */
	struct vcpu *b0 = &SP_B->vcpus[0];
	b0->cpu = 0;
	assert_int_equal(hf(b0, HF_INTERRUPT_ENABLE, SPI_B, 1, 0), 0);
	assert_int_equal(fake_gic.route[SPI_B], 2); /* the manifest's CPU, not the caller's */
	assert_true(fake_gic.enabled[SPI_B]);
	/* CPU 2 goes off: to the lowest CPU on; back at its CPU_ON. */
	cpus[2].on = false;
	irq_cpu_off(2);
	assert_int_equal(fake_gic.route[SPI_B], 0);
	cpus[2].on = true;
	set_cpu(2);
	irq_cpu_init(2);
	assert_int_equal(fake_gic.route[SPI_B], 2);
	set_cpu(0);
	/* A's SPI (no target) stays where CPU_OFF put it when CPU 1 comes back. */
	assert_int_equal(
		hf(&SP_A->vcpus[0], HF_INTERRUPT_RECONFIGURE, SPI_A, HF_RECONFIGURE_TARGET_PE, 1),
		0);
	cpus[1].on = false;
	irq_cpu_off(1);
	assert_int_equal(fake_gic.route[SPI_A], 0);
	cpus[1].on = true;
	irq_cpu_init(1);
	assert_int_equal(fake_gic.route[SPI_A], 0);

	/* Refusals: nothing claimed (the INTID loads afterwards). */
	struct partition *c = SP_C;
	c->name = "tzv-c";
	c->m.ints[0] = (struct sp_interrupt){50, SPI_ATTRS, true, 9}; /* beyond MAX_CPUS */
	c->m.int_count = 1;
	assert_false(irq_partition_load(c));
	assert_non_null(strstr(fake_console, "SP tzv-c: manifest: interrupts-target: INTID 50: "
					     "MPIDR 0x9 is no CPU of this platform"));
	c->m.ints[0].target_mpidr = 0x100000000ULL; /* Aff3: no such CPU here */
	assert_false(irq_partition_load(c));
	assert_non_null(strstr(fake_console, "MPIDR 0x100000000 is no CPU of this platform"));
	SP_B->m.ints[0] = (struct sp_interrupt){51, SPI_ATTRS, true, 5}; /* B has 4 contexts */
	assert_false(irq_partition_load(SP_B));
	assert_non_null(strstr(fake_console, "INTID 51: MPIDR 0x5 is no CPU the partition has a "
					     "context on"));
	c->m.ints[0] = (struct sp_interrupt){50, SPI_ATTRS, true, 3}; /* UP: any CPU */
	assert_true(irq_partition_load(c));
	c->m.int_count = 0;
}

/*
 * other-s-interrupts-action 0 (queued): while A runs, the mask holds every
 * interrupt off (B's SPI included); the normal world's mask back after.
 */
static struct arch_exit masked_all_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_ALL);
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void other_s_queued(void **state)
{
	(void)state;
	SP_A->m.other_s_interrupts_action = SP_OTHER_S_INT_QUEUED;
	fake_gic.pmr = 0xff;
	script[0] = masked_all_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	back_to_nwd();
	assert_int_equal(fake_gic.pmr, 0xff);
	assert_int_equal(trace_len, 1);
	assert_gic_clean();
}

/* Through the run loop: an HVC's result is in x0 alone (64 bits), x1-x17 untouched. */
static struct arch_exit hvc_regs_a(struct vcpu *v, unsigned int n)
{
	struct ffa_value call = CALL(HF_INTERRUPT_GET, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
				     22, 23, 24, 25, 26, 27);
	switch (n) {
	case 0:
		return hvc(v, call);
	case 1:
		call.x[0] = VINT_NONE;
		assert_regs(seen(), call);
		call.x[0] = 0xff42;
		return hvc(v, call);
	case 2:
		call.x[0] = UINT64_MAX; /* -1 */
		assert_regs(seen(), call);
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void hvc_touches_x0_only(void **state)
{
	(void)state;
	script[0] = hvc_regs_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}

/* Load: an SPI claimed twice, or beyond the GIC, refuses the later partition, claiming nothing. */
static void load_refusals(void **state)
{
	(void)state;
	struct partition *c = SP_C;

	c->name = "tzv-c";
	c->m.ints[0] = (struct sp_interrupt){SPI_A, SPI_ATTRS, false, 0};
	assert_false(irq_partition_load(c));
	assert_non_null(strstr(fake_console, "SP tzv-c: manifest: interrupts: INTID 34 is "));
	c->m.ints[0] = (struct sp_interrupt){FAKE_GIC_LINES, SPI_ATTRS, false, 0};
	assert_false(irq_partition_load(c));
	assert_non_null(strstr(fake_console, "is beyond the GIC's 288"));
	/* Nothing was claimed: a free one loads. */
	c->m.ints[0] = (struct sp_interrupt){50, SPI_ATTRS, false, 0};
	assert_true(irq_partition_load(c));
}

/* --- managed exit -------------------------------------------------------------------------- */

static struct arch_exit me_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(fake_gic.pmr, 0xFF); /* open: the interrupt reaches tzvisor */
		return fiq_exit;
	case 1:
		assert_true(vint_is_pending(&v->vint, VINT_MANAGED_EXIT));
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_NS); /* not taken again meanwhile */
		assert_true(fake_gic.timer_on); /* the bound */
		assert_int_equal(fake_gic.cval, fake_gic.counter + 100000000ULL);
		if (v->sp->m.managed_exit_virq) {
			assert_true(vi());
			assert_false(vf());
		} else {
			assert_true(vf());
			assert_false(vi());
		}
		/* "Interrupted": a response of its own making (OP-TEE: w4 = 2). */
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0, 2));
	default:
		return unexpected(v, n);
	}
}

static void managed_exit(void **state)
{
	(void)state;
	for (unsigned int virq = 0; virq < 2; virq++) {
		SP_A->m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
		SP_A->m.managed_exit_virq = virq != 0;
		irq_init();
		assert_true(irq_partition_load(SP_A));
		entries[0] = 0;
		script[0] = me_a;
		struct ffa_value req = nwd_req64(ID_A);
		assert_value(nwd_direct(&req), CALL(FFA_MSG_SEND_DIRECT_RESP_64,
						    FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0, 2));
		assert_false(vint_is_pending(&SP_A->vcpus[0].vint, VINT_MANAGED_EXIT));
		assert_false(fake_gic.timer_on);
		back_to_nwd();
		assert_int_equal(fake_gic.pmr, 0xFF);
		assert_int_equal(fake_gic.acks, 0); /* the normal world's, never acknowledged */
	}
}

/* Ignored: after the bound the chain is preempted as signaled; FFA_RUN resumes it. */
static uint64_t me_first_cval; /* when the first managed-exit bound passed */
#define ME_BOUND (arch_counter_freq() * IRQ_MANAGED_EXIT_MS / 1000U)

/* Ignored: the bound passes twice (armed again the first time), then signaled. */
static struct arch_exit me_ignored_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return fiq_exit;
	case 1: {
		assert_true(vf());
		v->arch.regs.x[7] = MARK;
		uint64_t first = fake_gic.cval;
		fake_gic.counter = first;
		fake_gic_raise(PPI_TIMER);
		me_first_cval = first;
		return irq_exit;
	}
	case 2:
		/* The first bound passed: armed again from then, the vFIQ still pending. */
		assert_true(vf());
		assert_int_equal(fake_gic.cval, me_first_cval + ME_BOUND);
		assert_null(strstr(fake_console, "ignored a managed exit"));
		fake_gic.counter = fake_gic.cval;
		fake_gic_raise(PPI_TIMER);
		return irq_exit;
	case 3:
		assert_false(vf());
		assert_int_equal(v->arch.regs.x[7], MARK);
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void managed_exit_ignored(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	irq_init();
	assert_true(irq_partition_load(SP_A));
	script[0] = me_ignored_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req), CALL(FFA_INTERRUPT_32, (uint32_t)ID_A << 16));
	assert_int_equal(SP_A->vcpus[0].state, VCPU_INTERRUPTED);
	assert_non_null(strstr(fake_console, "WARNING: SP 8001 EC 0 ignored a managed exit for 2 x "
					     "100 ms: preempted as signaled"));
	back_to_nwd();
	struct ffa_value run = CALL(FFA_RUN_32, (uint32_t)ID_A << 16);
	struct ffa_value r = nwd_run(&run);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[3], 0x33);
	assert_gic_clean();
}

/* A (managed exit) calls B (signaled): B runs masked, A gets the managed exit after. */
static struct arch_exit me_chain_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 1));
	case 1:
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_64);
		assert_int_equal(fake_gic.pmr, 0xFF);
		return fiq_exit;
	case 2:
		assert_true(vf());
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0, 2));
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit masked_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(fake_gic.pmr, GIC_PRIO_MASK_NS);
		assert_int_equal(v->ns_action, SP_NS_INT_MANAGED_EXIT);
		return fiq_exit;
	case 1:
		assert_false(vf());
		return smc(v, echo_of(v));
	default:
		return unexpected(v, n);
	}
}

static void managed_exit_chain(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	SP_B->m.ns_interrupts_action = SP_NS_INT_SIGNALED;
	script[0] = me_chain_a;
	script[1] = masked_b;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[4], 2);
}

/* A (signaled) calls C (managed exit): C exits, then A is preempted as signaled. */
static struct arch_exit sig_chain_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_A, ID_C), 0, 1));
	case 1:
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_32);
		assert_int_equal(seen()[4], 2);
		assert_int_equal(fake_gic.pmr, 0xFF);
		return fiq_exit;
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit me_c(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(v->ns_action, SP_NS_INT_MANAGED_EXIT);
		return fiq_exit;
	case 1:
		assert_true(vf());
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_C, ID_A), 0, 0,
				   2));
	default:
		return unexpected(v, n);
	}
}

static void signaled_over_managed_exit(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_SIGNALED;
	SP_C->m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	script[0] = sig_chain_a;
	script[2] = me_c;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req), CALL(FFA_INTERRUPT_32, (uint32_t)ID_A << 16));
	assert_int_equal(SP_C->vcpus[0].state, VCPU_WAITING);
	assert_false(vint_is_pending(&SP_C->vcpus[0].vint, VINT_MANAGED_EXIT));
}

/* FFA_RUN cycles have no request to give up: managed exit acts as signaled. */
static struct arch_exit run_me_a(struct vcpu *v, unsigned int n)
{
	(void)v;
	assert_int_equal(seen()[0], FFA_RUN_32);
	return n == 0 ? fiq_exit : unexpected(v, n);
}

static void managed_exit_under_run(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	script[0] = run_me_a;
	struct ffa_value run = CALL(FFA_RUN_32, (uint32_t)ID_A << 16);
	assert_value(nwd_run(&run), CALL(FFA_INTERRUPT_32, (uint32_t)ID_A << 16));
}

/* --- the emulated timer ---------------------------------------------------------------- */

/* A arms its timer and waits; B's fires later; each handles only its own. */
static struct arch_exit timer_arm(struct vcpu *v, unsigned int n, uint64_t delta)
{
	switch (n) {
	case 0:
		return hf_hvc(v, HF_INTERRUPT_ENABLE, VINT_TIMER, 1);
	case 1:
		v->arch.regs.x[1] = fake_gic.counter + delta;
		return cntp(false, 2, 1); /* CVAL */
	case 2:
		v->arch.regs.x[2] = 1;
		return cntp(false, 1, 2); /* CTL = ENABLE */
	case 3:
		return cntp(true, 1, 3); /* read CTL */
	case 4:
		assert_int_equal(v->arch.regs.x[3], 1); /* not expired: no ISTATUS */
		return cntp(true, 0, 4); /* read TVAL */
	case 5:
		assert_int_equal(v->arch.regs.x[4], (uint32_t)delta);
		return answer_nwd(v);
	case 6:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, VINT_TIMER));
		assert_true(vi());
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 7:
		assert_int_equal(seen()[0], VINT_TIMER);
		return cntp(true, 1, 5);
	case 8:
		assert_int_equal(v->arch.regs.x[5], 5); /* ENABLE | ISTATUS */
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, VINT_TIMER, VINT_TIMER);
	case 9:
		assert_int_equal(seen()[0], 0);
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit timer_a(struct vcpu *v, unsigned int n)
{
	return timer_arm(v, n, 5000);
}

static struct arch_exit timer_b(struct vcpu *v, unsigned int n)
{
	return timer_arm(v, n, 9000);
}

static void timer_fires_in_owner(void **state)
{
	(void)state;
	uint64_t start = fake_gic.counter;
	script[0] = timer_a;
	script[1] = timer_b;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(fake_gic.cval, start + 5000);
	req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(fake_gic.cval, start + 5000); /* the nearest */
	back_to_nwd();
	/* A's deadline: A runs, not B. */
	fake_gic.counter = start + 5000;
	fake_gic_raise(PPI_TIMER);
	irq_physical(NULL);
	back_to_nwd();
	assert_int_equal(entries[0], 10);
	assert_int_equal(entries[1], 6);
	assert_true(fake_gic.timer_on);
	assert_int_equal(fake_gic.cval, start + 9000); /* B's next */
	/* B's. */
	fake_gic.counter = start + 9500;
	fake_gic_raise(PPI_TIMER);
	irq_physical(NULL);
	back_to_nwd();
	assert_int_equal(entries[0], 10);
	assert_int_equal(entries[1], 10);
	assert_false(fake_gic.timer_on);
	assert_false(fake_gic.active[PPI_TIMER]);
	assert_gic_clean();
}

/* A timer written already expired fires at once; disabled or masked, it never does. */
static struct arch_exit timer_now_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return hf_hvc(v, HF_INTERRUPT_ENABLE, VINT_TIMER, 1);
	case 1:
		v->arch.regs.x[1] = 3; /* ENABLE | IMASK */
		return cntp(false, 1, 1);
	case 2:
		v->arch.regs.x[1] = (uint64_t)-5; /* TVAL: already past */
		return cntp(false, 0, 1);
	case 3:
		assert_false(vi()); /* masked */
		v->arch.regs.x[1] = 1;
		return cntp(false, 1, 1);
	case 4:
		assert_true(vi());
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 5:
		assert_int_equal(seen()[0], VINT_TIMER);
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void timer_expired_on_write(void **state)
{
	(void)state;
	script[0] = timer_now_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_false(fake_gic.timer_on);
}

/* --- NPI, IPIs, S-EL0 -------------------------------------------------------------------- */

static struct arch_exit npi_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, VINT_NPI));
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 1:
		assert_int_equal(seen()[0], VINT_NPI);
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void npi_wakes_waiting(void **state)
{
	(void)state;
	script[0] = npi_a;
	irq_notify(SP_A, false, 0); /* no notification support: nothing */
	assert_false(irq_wake_pending());
	SP_A->m.notification_support = true;
	irq_notify(SP_A, false, 0);
	back_to_nwd();
	assert_int_equal(entries[0], 2);
	assert_idle(&SP_A->vcpus[0]);
}

/* B's context 0 (CPU 0) sends an IPI to context 1: CPU 1 is kicked and runs it. */
static struct arch_exit ipi_b(struct vcpu *v, unsigned int n)
{
	if (v->index == 0) {
		switch (n) {
		case 0:
			return hf_hvc(v, HF_INTERRUPT_SEND_IPI, 1, 0);
		case 1:
			assert_int_equal(seen()[0], 0);
			return answer_nwd(v);
		default:
			return unexpected(v, n);
		}
	}
	switch (n) {
	case 2:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, VINT_IPI));
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 3:
		assert_int_equal(seen()[0], VINT_IPI);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, VINT_IPI, VINT_IPI);
	case 4:
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void ipi_between_contexts(void **state)
{
	(void)state;
	set_cpu(1);
	set_cpu(0);
	hf(&SP_B->vcpus[1], HF_INTERRUPT_ENABLE, VINT_IPI, 1, 0);
	script[1] = ipi_b;
	struct ffa_value req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(fake_gic.sgis, 1);
	assert_int_equal(fake_gic.sgi_id[0], IRQ_KICK_SGI);
	assert_int_equal(fake_gic.sgi_mpidr[0], 1);
	/* On CPU 1 the SGI arrives while its normal world runs. */
	set_cpu(1);
	fake_gic_raise(IRQ_KICK_SGI);
	irq_physical(NULL);
	back_to_nwd();
	assert_int_equal(entries[1], 5);
	assert_int_equal(SP_B->vcpus[1].state, VCPU_WAITING);
	assert_gic_clean();
}

/* S-EL0: the ID in w2, already taken; its FFA_MSG_WAIT ends it; hf calls by SVC. */
static struct arch_exit el0_c(struct vcpu *v, unsigned int n)
{
	el1_esr = (uint64_t)ESR_EC_SVC64 << 26;
	switch (n) {
	case 0:
		assert_regs(seen(), CALL(FFA_INTERRUPT_32, 0, SPI_C));
		assert_false(vi()); /* no virtual interrupts at EL0 */
		assert_true(vint_is_active(&v->vint, SPI_C));
		return hvc(v, CALL(HF_INTERRUPT_GET));
	case 1:
		assert_int_equal(seen()[0], VINT_NONE);
		return hvc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void el0_interrupt(void **state)
{
	(void)state;
	SP_C->el0 = true;
	SP_C->m.exception_level = SP_EL_S_EL0;
	irq_init();
	for (unsigned int i = 0; i < NUM_SPS; i++) {
		assert_true(irq_partition_load(&partitions[i]));
	}
	assert_true(vint_is_enabled(&SP_C->vcpus[0].vint, SPI_C)); /* on from the start */
	script[2] = el0_c;
	fake_gic_raise(SPI_C);
	irq_physical(NULL);
	back_to_nwd();
	assert_int_equal(entries[2], 2);
	assert_false(fake_gic.active[SPI_C]);
	assert_idle(&SP_C->vcpus[0]);
	assert_gic_clean();
}

/* Cores: a context going off loses what was pending; its timer is disarmed. */
static void vcpu_off_drops(void **state)
{
	(void)state;
	struct vcpu *b = &SP_B->vcpus[0];
	hf(b, HF_INTERRUPT_ENABLE, SPI_B, 1, 0);
	SP_B->vcpus[0].state = VCPU_BLOCKED; /* not claimable: kept pending */
	fake_gic_raise(SPI_B);
	irq_physical(NULL);
	assert_true(fake_gic.active[SPI_B]);
	irq_vcpu_off(b);
	assert_false(fake_gic.active[SPI_B]);
	assert_false(vint_ready(&b->vint));
	assert_gic_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(queued_masks, setup_spis),
		cmocka_unit_test_setup(signaled_open, setup_spis),
		cmocka_unit_test_setup(group0_to_el3, setup_spis),
		cmocka_unit_test_setup(waiting_owner_runs, setup_spis),
		cmocka_unit_test_setup(disabled_then_enabled, setup_spis),
		cmocka_unit_test_setup(preempts_other_partition, setup_spis),
		cmocka_unit_test_setup(running_owner_vi, setup_spis),
		cmocka_unit_test_setup(blocked_owner_signaled, setup_spis),
		cmocka_unit_test_setup(blocked_owner_faults, setup_spis),
		cmocka_unit_test_setup(wait_signals_once, setup_spis),
		cmocka_unit_test_setup(woken_partition_faults, setup_spis),
		cmocka_unit_test_setup(hostile_calls, setup_spis),
		cmocka_unit_test_setup(hvc_touches_x0_only, setup_spis),
		cmocka_unit_test_setup(load_refusals, setup_spis),
		cmocka_unit_test(target_routing),
		cmocka_unit_test_setup(other_s_queued, setup_spis),
		cmocka_unit_test_setup(managed_exit, setup_spis),
		cmocka_unit_test_setup(managed_exit_ignored, setup_spis),
		cmocka_unit_test_setup(managed_exit_chain, setup_spis),
		cmocka_unit_test_setup(signaled_over_managed_exit, setup_spis),
		cmocka_unit_test_setup(managed_exit_under_run, setup_spis),
		cmocka_unit_test_setup(timer_fires_in_owner, setup_spis),
		cmocka_unit_test_setup(timer_expired_on_write, setup_spis),
		cmocka_unit_test_setup(npi_wakes_waiting, setup_spis),
		cmocka_unit_test_setup(ipi_between_contexts, setup_spis),
		cmocka_unit_test_setup(el0_interrupt, setup_spis),
		cmocka_unit_test_setup(vcpu_off_drops, setup_spis),
	};
	return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
