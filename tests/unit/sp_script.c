/*
 * The scripted-partition harness of the run-loop host tests (test_run.c,
 * test_irq.c): the fake arch_vcpu_run hands the vCPU to a per-test function
 * that reads what was delivered in x0-x17 and writes the SP's next FF-A call
 * there, as a trapped SMC (or HVC, or a stage-2 fault); stubs for the
 * modules the run loop calls; helpers to drive and check it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "sp_script.h"
#include "fake_arch.h"
#include "fake_gic.h"
#include "spmc/discovery.h"
#include "spmc/indirect.h"
#include "spmc/irq.h"
#include "spmc/mem.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

struct spmc spmc;

/* --- scripted partitions ---------------------------------------------------- */

sp_script script[NUM_SPS];
unsigned int entries[NUM_SPS];

struct trace_entry trace[TRACE_MAX];
unsigned int trace_len;
unsigned int restore_calls;

/* Memory sharing is spmc/mem.c's: the run loop routes its ABIs there and tells it of stopped SPs.
 */
unsigned int mem_calls;
const struct partition *mem_stopped[NUM_SPS];
unsigned int mem_stops;

struct ffa_value spmc_mem_call(struct partition *sp, const struct ffa_value *args)
{
	assert_non_null(sp);
	mem_calls++;
	return ffa_success_value(ffa_fid(args));
}

void spmc_mem_partition_stopped(struct partition *sp)
{
	assert_true(mem_stops < NUM_SPS);
	mem_stopped[mem_stops++] = sp;
}

/* The EL1 shim's exception registers (S-EL0 partitions). */
uint64_t el1_esr, el1_far, el1_elr;

struct arch_exit arch_vcpu_run(struct arch_vcpu *a)
{
	struct vcpu *v = (struct vcpu *)a; /* arch is the first member */
	unsigned int p = (unsigned int)(v->sp - partitions);

	assert_true(p < NUM_SPS);
	assert_ptr_equal(&v->sp->vcpus[v->index], v);
	/* Only a RUNNING vCPU is entered, and an MP partition's own for this CPU. */
	assert_int_equal(v->state, VCPU_RUNNING);
	if (v->sp->vcpu_count > 1) {
		assert_int_equal(v->index, cpu_this()->index);
	}
	if (trace_len >= TRACE_MAX) {
		fail_msg("run loop does not stop");
	}
	struct trace_entry *t = &trace[trace_len++];
	t->id = v->sp->id;
	t->index = v->index;
	memcpy(t->x, v->arch.regs.x, sizeof(t->x));
	t->pc = v->arch.regs.pc;
	t->hcr = v->arch.cfg.hcr;
	if (script[p] == NULL) {
		fail_msg("SP %x entered without a script", v->sp->id);
	}
	return script[p](v, entries[p]++);
}

void arch_vcpu_restore_nwd(void)
{
	restore_calls++;
}

/* FP/SIMD ownership handed to a vCPU after an FP trap. */
const struct arch_vcpu *fp_claimed[TRACE_MAX];
unsigned int fp_claims;

void arch_vcpu_fp_claim(struct arch_vcpu *a)
{
	assert_true(fp_claims < TRACE_MAX);
	fp_claimed[fp_claims++] = a;
}

void arch_vcpu_el1_exception(uint64_t *esr, uint64_t *far, uint64_t *elr)
{
	*esr = el1_esr;
	*far = el1_far;
	*elr = el1_elr;
}

/* Discovery and indirect messaging: each answers SUCCESS with its own w2. */
unsigned int stub_calls;
const struct ffa_endpoint *stub_ep;

struct ffa_value spmc_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					 const struct ffa_value *args)
{
	(void)b, (void)args;
	stub_calls++;
	stub_ep = ep;
	return ffa_success_value(2);
}

struct ffa_value spmc_partition_info_get_regs(struct ffa_endpoint *ep, const struct ffa_value *args)
{
	(void)args;
	stub_calls++;
	stub_ep = ep;
	return ffa_success_value(3);
}

struct ffa_value spmc_rxtx_map(struct partition *sp, struct ffa_rxtx *b,
			       const struct ffa_value *args)
{
	(void)b, (void)args;
	stub_calls++;
	stub_ep = &sp->ep;
	return ffa_success_value(4);
}

struct ffa_value spmc_rxtx_unmap(struct ffa_endpoint *ep, struct ffa_rxtx *b,
				 const struct ffa_value *args)
{
	(void)b, (void)args;
	stub_calls++;
	stub_ep = ep;
	return ffa_success_value(5);
}

struct ffa_value spmc_rx_release(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args)
{
	(void)b, (void)args;
	stub_calls++;
	stub_ep = &partition_find(caller)->ep;
	return ffa_success_value(6);
}

struct ffa_value spmc_msg_send2(struct ffa_endpoint *ep, struct ffa_rxtx *tx,
				const struct ffa_value *args)
{
	(void)tx, (void)args;
	stub_calls++;
	stub_ep = ep;
	return ffa_success_value(8);
}

/* --- helpers ------------------------------------------------------------------ */

unsigned int notif_calls;
const struct vcpu *notif_caller;

struct ffa_value spmc_notif_call(struct vcpu *v, const struct ffa_value *args)
{
	notif_calls++;
	notif_caller = v;
	return ffa_success_value(ffa_fid(args));
}

unsigned int mem_perm_calls;

struct ffa_value partition_mem_perm(struct vcpu *v, const struct ffa_value *args)
{
	(void)v;
	mem_perm_calls++;
	return ffa_success_value(ffa_fid(args));
}

/* The last call each vCPU made (its x8-x17 must survive the answer). */
struct ffa_value last_call[NUM_SPS][SP_MAX_EXEC_CTX];

struct arch_exit trap(struct vcpu *v, unsigned int ec, struct ffa_value call)
{
	memcpy(v->arch.regs.x, call.x, sizeof(call.x));
	last_call[v->sp - partitions][v->index] = call;
	return (struct arch_exit){.kind = EXIT_SYNC, .esr = (uint64_t)ec << 26};
}

/* The SP issues `call` with SMC (the usual conduit of an S-EL1 partition). */
struct arch_exit smc(struct vcpu *v, struct ffa_value call)
{
	return trap(v, ESR_EC_SMC64, call);
}

struct arch_exit hvc(struct vcpu *v, struct ffa_value call)
{
	return trap(v, ESR_EC_HVC64, call);
}

/* A stage-2 data abort (write, DFSC translation fault level 3). */
struct arch_exit data_abort(void)
{
	return (struct arch_exit){.kind = EXIT_SYNC,
				  .esr = (uint64_t)ESR_EC_DABT_LOWER << 26 | 1U << 6 | 0x7U,
				  .far = 0x4321,
				  .hpfar_ipa = 0x7000000};
}

/* The direct response that echoes the request v holds in its registers. */
struct ffa_value echo_of(const struct vcpu *v)
{
	const uint64_t *x = v->arch.regs.x;
	uint32_t fid = (uint32_t)x[0];
	uint32_t w1 = (uint32_t)x[1];
	struct ffa_value r = {0};

	if (fid == FFA_MSG_SEND_DIRECT_REQ_32) {
		r.x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
	} else if (fid == FFA_MSG_SEND_DIRECT_REQ_64) {
		r.x[0] = FFA_MSG_SEND_DIRECT_RESP_64;
	} else if (fid == FFA_MSG_SEND_DIRECT_REQ2_64) {
		r.x[0] = FFA_MSG_SEND_DIRECT_RESP2_64;
	} else {
		fail_msg("echo: not a direct request: 0x%x", fid);
	}
	r.x[1] = FFA_MSG_ENDPOINTS(FFA_MSG_RECEIVER(w1), FFA_MSG_SENDER(w1));
	unsigned int last = fid == FFA_MSG_SEND_DIRECT_REQ2_64 ? FFA_VALUE_REGS : 8U;
	unsigned int first = fid == FFA_MSG_SEND_DIRECT_REQ2_64 ? 4U : 3U;
	for (unsigned int i = first; i < last; i++) {
		r.x[i] = x[i];
	}
	return r;
}

/* Normal-world calls, answered in place over the caller's registers: the registers after. */
struct ffa_value nwd_direct(const struct ffa_value *req)
{
	struct ffa_value v = *req;
	spmc_direct_req_from_nwd(&v);
	return v;
}

struct ffa_value nwd_run(const struct ffa_value *req)
{
	struct ffa_value v = *req;
	spmc_run_from_nwd(&v);
	return v;
}

/* Runs a vCPU as the boot code does (the answer over zeroed registers). */
struct ffa_value run_vcpu(struct vcpu *v)
{
	struct ffa_value r = {0};
	spmc_run(v, &r);
	return r;
}

/* A script called more often than it expects: fails the test. */
struct arch_exit unexpected(const struct vcpu *v, unsigned int n)
{
	fail_msg("SP %x entered %u times", v->sp->id, n + 1);
	return data_abort();
}

/* Answers every request with its echo. */
struct arch_exit echo_sp(struct vcpu *v, unsigned int n)
{
	(void)n;
	return smc(v, echo_of(v));
}

void assert_regs(const uint64_t *x, struct ffa_value expect)
{
	for (unsigned int i = 0; i < FFA_VALUE_REGS; i++) {
		if (x[i] != expect.x[i]) {
			fail_msg("x%u: 0x%llx, expected 0x%llx", i, (unsigned long long)x[i],
				 (unsigned long long)expect.x[i]);
		}
	}
}

void assert_value(struct ffa_value v, struct ffa_value expect)
{
	assert_regs(v.x, expect);
}

/* Exactly FFA_ERROR(err): w1 and x3-x17 zero. */
void assert_error_regs(const uint64_t *x, enum ffa_error err)
{
	assert_regs(x, ffa_error_value(err));
}

void assert_error(struct ffa_value v, enum ffa_error err)
{
	assert_error_regs(v.x, err);
}

/* What the vCPU just found in its registers (its latest entry). */
const uint64_t *seen(void)
{
	assert_true(trace_len > 0);
	return trace[trace_len - 1].x;
}

/*
 * The answer the entering vCPU sees to its last call: x0-x7 as expected,
 * x8-x17 still its own (SMCCC: they hold no results).
 */
void assert_answer(struct ffa_value expect)
{
	const struct trace_entry *t = &trace[trace_len - 1];
	const struct ffa_value *call = &last_call[partition_find(t->id) - partitions][t->index];

	for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
		expect.x[i] = call->x[i];
	}
	assert_regs(t->x, expect);
}

void assert_idle(struct vcpu *v)
{
	assert_int_equal(v->state, VCPU_WAITING);
	assert_false(v->serving);
	assert_null(v->caller);
}

/* The partition slots and their contexts (tzvisor carves both at load). */
static struct partition slots[SPMC_MAX_SPS];
static struct vcpu contexts[SPMC_MAX_SPS][SP_MAX_EXEC_CTX],
	contexts_snapshot[SPMC_MAX_SPS][SP_MAX_EXEC_CTX];
struct partition snapshot[SPMC_MAX_SPS];

void take_snapshot(void)
{
	memcpy(snapshot, slots, sizeof(slots));
	memcpy(contexts_snapshot, contexts, sizeof(contexts));
}

void assert_unchanged(const struct partition *sp)
{
	unsigned int i = (unsigned int)(sp - partitions);
	assert_memory_equal(sp, &snapshot[i], sizeof(*sp));
	assert_memory_equal(contexts[i], contexts_snapshot[i], sizeof(contexts[i]));
}

static void assert_all_unchanged(void)
{
	assert_memory_equal(slots, snapshot, sizeof(slots));
	assert_memory_equal(contexts, contexts_snapshot, sizeof(contexts));
}

/* A refused normal-world request: the error, no partition run and nothing changed. */
void assert_nwd_refused(struct ffa_value req, enum ffa_error err)
{
	unsigned int runs = trace_len, restores = restore_calls;

	take_snapshot();
	assert_error(nwd_direct(&req), err);
	assert_all_unchanged();
	assert_int_equal(trace_len, runs);
	assert_int_equal(restore_calls, restores);
}

void assert_run_refused(uint32_t w1, enum ffa_error err)
{
	unsigned int runs = trace_len, restores = restore_calls;
	struct ffa_value req = CALL(FFA_RUN_32, w1);

	take_snapshot();
	assert_error(nwd_run(&req), err);
	assert_all_unchanged();
	assert_int_equal(trace_len, runs);
	assert_int_equal(restore_calls, restores);
}

/* Eight characters, little-endian, as FFA_CONSOLE_LOG_64 takes them. */
uint64_t chars(const char *s)
{
	uint64_t r = 0;

	for (unsigned int i = 0; i < 8 && s[i] != '\0'; i++) {
		r |= (uint64_t)(uint8_t)s[i] << (8 * i);
	}
	return r;
}

void set_cpu(unsigned int index)
{
	cpus[index].index = index;
	cpus[index].on = true;
	arch_cpu_local_set(&cpus[index]);
}

void init_partition(struct partition *sp, ffa_id_t id, uint32_t msg, unsigned int vcpus)
{
	sp->id = id;
	sp->m.messaging_method = msg;
	sp->m.other_s_interrupts_action = SP_OTHER_S_INT_SIGNALED; /* the binding's default */
	sp->vcpu_count = vcpus;
	sp->image_base = IMAGE_BASE;
	sp->image_end = IMAGE_END;
	sp->ro_end = IMAGE_BASE;
	sp->mem_end = IMAGE_END;
	ffa_endpoint_init(&sp->ep, id);
	sp->ep.version = FFA_VERSION_1_2;
	for (unsigned int i = 0; i < vcpus; i++) {
		sp->vcpus[i].sp = sp;
		sp->vcpus[i].index = i;
		sp->vcpus[i].state = VCPU_WAITING;
	}
}

int setup(void **state)
{
	(void)state;
	memset(&spmc, 0, sizeof(spmc));
	spmc.inst.spmc_id = 0x8000;
	ffa_endpoint_init(&spmc.nwd, FFA_NWD_ENDPOINT_ID);
	memset(slots, 0, sizeof(slots));
	memset(contexts, 0, sizeof(contexts));
	partitions = slots;
	for (unsigned int i = 0; i < SPMC_MAX_SPS; i++) {
		slots[i].vcpus = contexts[i];
	}
	partition_count = NUM_SPS;
	init_partition(SP_A, ID_A, MSG_ALL, 1);
	SP_A->m.uuids[0][0] = 0x11111111;
	SP_A->m.uuids[0][1] = 0x22222222;
	SP_A->m.uuids[0][2] = 0x33333333;
	SP_A->m.uuids[0][3] = 0x44444444;
	SP_A->m.uuids[1][0] = 0x55555555;
	SP_A->m.uuids[1][1] = 0x66666666;
	SP_A->m.uuids[1][2] = 0x77777777;
	SP_A->m.uuids[1][3] = 0x88888888;
	SP_A->m.uuid_count = 2;
	init_partition(SP_B, ID_B, MSG_ALL, 4);
	SP_B->m.uuids[0][0] = 0xAAAAAAAA;
	SP_B->m.uuids[0][1] = 0xBBBBBBBB;
	SP_B->m.uuids[0][2] = 0xCCCCCCCC;
	SP_B->m.uuids[0][3] = 0xDDDDDDDD;
	SP_B->m.uuid_count = 1;
	init_partition(SP_C, ID_C, SP_MSG_DIRECT_REQ_RECV | SP_MSG_INDIRECT, 1);
	memset(cpus, 0, sizeof(cpus));
	set_cpu(0);
	memset(script, 0, sizeof(script));
	memset(entries, 0, sizeof(entries));
	trace_len = 0;
	restore_calls = 0;
	fp_claims = 0;
	stub_calls = 0;
	stub_ep = NULL;
	el1_esr = el1_far = el1_elr = 0;
	mem_calls = mem_stops = 0;
	fake_console_reset();
	fake_gic_reset();
	irq_init();
	for (unsigned int i = 0; i < NUM_SPS; i++) {
		partitions[i].m.exec_ctx_count = (uint16_t)partitions[i].vcpu_count;
		assert_true(irq_partition_load(&partitions[i]));
	}
	return 0;
}

struct ffa_value nwd_req64(ffa_id_t receiver)
{
	return CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, receiver), 0, 0x33, 0x44, 0x55,
		    0x66, 0x77);
}

int64_t hf(struct vcpu *v, uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t x[4] = {id, a1, a2, a3};
	return irq_hf_call(v, x);
}

struct arch_exit hf_hvc(struct vcpu *v, uint64_t id, uint64_t a1, uint64_t a2)
{
	return hvc(v, CALL(id, a1, a2));
}

bool vi(void)
{
	return (trace[trace_len - 1].hcr & HCR_VI) != 0;
}

bool vf(void)
{
	return (trace[trace_len - 1].hcr & HCR_VF) != 0;
}

struct arch_exit answer_nwd(struct vcpu *v)
{
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(v->sp->id, 0), 0, 0x33));
}
