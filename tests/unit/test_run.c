/*
 * Host tests for the run loop and direct messaging (src/spmc/run.c). Partitions
 * are scripted (sp_script.h): the fake arch_vcpu_run hands the vCPU to a
 * per-test function that reads what was delivered in x0-x17 and writes the
 * SP's next FF-A call there, as a trapped SMC (or HVC, or a stage-2 fault).
 * Interrupts are test_irq.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "fake_arch.h"
#include "sp_script.h"
#include "spmc/discovery.h"
#include "spmc/indirect.h"
#include "spmc/mem.h"
#include "core/types.h"
#include "plat/plat.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

/* --- normal world -> SP ---------------------------------------------------- */

/* An echo: the answer has swapped endpoints and the payload; the SP waits again. */
static void nwd_echo(void **state)
{
	(void)state;
	script[0] = echo_sp;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);

	assert_value(r, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0x33, 0x44,
			     0x55, 0x66, 0x77));
	assert_int_equal(trace_len, 1);
	assert_int_equal(trace[0].id, ID_A);
	assert_regs(trace[0].x, req);
	assert_idle(&SP_A->vcpus[0]);
	assert_false(SP_A->aborted);
	assert_int_equal(restore_calls, 1);

	/* Again: the same vCPU takes the next request. */
	r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(trace_len, 2);
	assert_int_equal(restore_calls, 2);
}

/* SMC32: x1-x7 cut to 32 bits both ways; x8-x17 never cross (SMCCC); SMC64 REQ keeps x1-x7. */
static void req32_truncates(void **state)
{
	(void)state;
	script[0] = echo_sp;
	struct ffa_value req = {0};
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ_32 | SMCCC_SVE_HINT; /* the SP sees it without */
	req.x[1] = 0xDEAD000000000000ULL | FFA_MSG_ENDPOINTS(0, ID_A);
	req.x[2] = 0xFFFFFFFF00000000ULL; /* w2 is 0 */
	for (unsigned int i = 3; i < FFA_VALUE_REGS; i++) {
		req.x[i] = 0xA5A5A5A500000000ULL | (0x1000U + i);
	}
	struct ffa_value r = nwd_direct(&req);

	struct ffa_value expect = {0};
	expect.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
	expect.x[1] = FFA_MSG_ENDPOINTS(0, ID_A);
	for (unsigned int i = 3; i < 8; i++) {
		expect.x[i] = 0x1000U + i;
	}
	assert_regs(trace[0].x, expect);
	/* The echo (RESP_32) comes back cut to 32 bits too, over the caller's own x8-x17. */
	expect.x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
	expect.x[1] = FFA_MSG_ENDPOINTS(ID_A, 0);
	for (unsigned int i = 8; i < FFA_VALUE_REGS; i++) {
		expect.x[i] = req.x[i];
	}
	assert_value(r, expect);

	/* REQ_64: 64-bit x1-x7; the SP's x8-x17 are its own, not the normal world's. */
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ_64;
	req.x[1] = FFA_MSG_ENDPOINTS(0, ID_A);
	req.x[2] = 0;
	r = nwd_direct(&req);
	expect = (struct ffa_value){0};
	for (unsigned int i = 0; i < 8; i++) {
		expect.x[i] = req.x[i];
	}
	assert_regs(trace[1].x, expect);
	assert_int_equal(r.x[7], req.x[7]);
	/* The normal world's x8-x17 are its own again (SMCCC); the SP never saw them. */
	for (unsigned int i = 8; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(r.x[i], req.x[i]);
		assert_int_equal(trace[1].x[i], 0);
	}
	assert_int_equal(restore_calls, 2);
}

/* A SP answering RESP_32 with 64-bit values: the normal world gets them cut. */
static struct arch_exit wide_resp32_sp(struct vcpu *v, unsigned int n)
{
	(void)n;
	struct ffa_value r = {0};
	r.x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
	r.x[1] = 0xFFFF000000000000ULL | FFA_MSG_ENDPOINTS(ID_A, 0);
	r.x[2] = 0x0000000100000000ULL; /* w2 = 0 */
	for (unsigned int i = 3; i < FFA_VALUE_REGS; i++) {
		r.x[i] = 0x5A5A5A5A00000000ULL | i;
	}
	return smc(v, r);
}

static void resp32_truncates(void **state)
{
	(void)state;
	script[0] = wide_resp32_sp;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_value(
		r, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 3, 4, 5, 6, 7));
	assert_idle(&SP_A->vcpus[0]);
}

/* DIRECT_REQ2 with one of the receiver's UUIDs (or nil): x0-x17 delivered as sent. */
static void req2_keeps_x4_x17(void **state)
{
	(void)state;
	script[0] = echo_sp;
	const uint64_t uuids[3][2] = {{A_UUID_LO, A_UUID_HI}, {A_UUID2_LO, A_UUID2_HI}, {0, 0}};

	for (unsigned int u = 0; u < 3; u++) {
		struct ffa_value req = {0};
		req.x[0] = FFA_MSG_SEND_DIRECT_REQ2_64;
		req.x[1] = FFA_MSG_ENDPOINTS(0, ID_A);
		req.x[2] = uuids[u][0];
		req.x[3] = uuids[u][1];
		for (unsigned int i = 4; i < FFA_VALUE_REGS; i++) {
			req.x[i] = 0xC0DE000000000000ULL | i;
		}
		struct ffa_value r = nwd_direct(&req);
		assert_int_equal(trace_len, u + 1);
		assert_regs(trace[u].x, req);
		struct ffa_value expect = req;
		expect.x[0] = FFA_MSG_SEND_DIRECT_RESP2_64;
		expect.x[1] = FFA_MSG_ENDPOINTS(ID_A, 0);
		expect.x[2] = expect.x[3] = 0;
		assert_value(r, expect);
		assert_idle(&SP_A->vcpus[0]);
	}
	assert_int_equal(restore_calls, 3);
}

/* Requests the SPMC refuses with INVALID_PARAMETERS, before running anything. */
static void nwd_invalid_parameters(void **state)
{
	(void)state;
	script[0] = script[1] = script[2] = echo_sp;
	struct ffa_value req = nwd_req64(0x8009); /* no such partition */
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req = nwd_req64(0x8000); /* the SPMC itself */
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req = nwd_req64(FFA_NWD_ENDPOINT_ID);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);

	/* w2 is MBZ for partition messages (framework bit or otherwise). */
	req = nwd_req64(ID_A);
	req.x[2] = 1;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[2] = FFA_FWK_MSG_BIT;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
	req.x[2] = 0x100;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);

	/* REQ2 with a UUID the receiver does not have (B's, or half of A's). */
	req = CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, ID_A), B_UUID_LO, B_UUID_HI);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[2] = A_UUID_LO;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[2] = 0;
	req.x[3] = A_UUID_HI;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[2] = A_UUID_HI; /* halves swapped */
	req.x[3] = A_UUID_LO;
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);

	/* The normal world claiming a secure sender ID (an SP's, the SPMC's, the SPMD's). */
	req = nwd_req64(ID_A);
	req.x[1] = FFA_MSG_ENDPOINTS(ID_B, ID_A);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[1] = FFA_MSG_ENDPOINTS(0x8000, ID_A);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[1] = FFA_MSG_ENDPOINTS(FFA_SPMD_ENDPOINT_ID, ID_A);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	req.x[1] = FFA_MSG_ENDPOINTS(ID_A, ID_A);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);

	/* An MP partition has no vCPU for a CPU beyond its count. */
	set_cpu(5);
	req = nwd_req64(ID_B);
	assert_nwd_refused(req, FFA_INVALID_PARAMETERS);
	assert_int_equal(trace_len, 0);

	/* A non-secure sender other than 0 (a VM ID) is accepted and answered. */
	set_cpu(0);
	req.x[1] = FFA_MSG_ENDPOINTS(5, ID_A);
	assert_int_equal(nwd_direct(&req).x[1], FFA_MSG_ENDPOINTS(ID_A, 5));
}

/* A receiver whose manifest does not accept the ABI: DENIED. */
static void receiver_without_receive_bit(void **state)
{
	(void)state;
	script[0] = script[2] = echo_sp;
	/* C receives DIRECT_REQ but not DIRECT_REQ2. */
	struct ffa_value req = CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, ID_C));
	assert_nwd_refused(req, FFA_DENIED);
	req = nwd_req64(ID_C);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);

	SP_A->m.messaging_method = MSG_ALL & ~SP_MSG_DIRECT_REQ_RECV;
	req = nwd_req64(ID_A);
	assert_nwd_refused(req, FFA_DENIED);
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
	assert_nwd_refused(req, FFA_DENIED);
	req = CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, ID_A));
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP2_64);
	assert_int_equal(trace_len, 2);
}

/* An aborted receiver (partition or vCPU): ABORTED. */
static void aborted_receiver(void **state)
{
	(void)state;
	script[0] = echo_sp;
	SP_A->aborted = true;
	SP_A->vcpus[0].state = VCPU_ABORTED;
	assert_nwd_refused(nwd_req64(ID_A), FFA_ABORTED);
	SP_A->vcpus[0].state = VCPU_WAITING; /* the flag alone is enough */
	assert_nwd_refused(nwd_req64(ID_A), FFA_ABORTED);
	SP_A->aborted = false;
	SP_A->vcpus[0].state = VCPU_ABORTED; /* and so is the vCPU state */
	assert_nwd_refused(nwd_req64(ID_A), FFA_ABORTED);
}

/* A receiver that is not waiting: BUSY, its state unchanged. */
static void busy_receiver(void **state)
{
	(void)state;
	script[0] = echo_sp;
	const enum vcpu_state busy[] = {VCPU_RUNNING, VCPU_BLOCKED, VCPU_PREEMPTED, VCPU_OFF};
	for (unsigned int i = 0; i < sizeof(busy) / sizeof(busy[0]); i++) {
		SP_A->vcpus[0].state = busy[i];
		assert_nwd_refused(nwd_req64(ID_A), FFA_BUSY);
		assert_int_equal(SP_A->vcpus[0].state, busy[i]);
	}
	/* Only this CPU's vCPU of an MP partition counts. */
	SP_B->vcpus[1].state = VCPU_RUNNING;
	script[1] = echo_sp;
	struct ffa_value req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	SP_B->vcpus[0].state = VCPU_BLOCKED;
	assert_nwd_refused(req, FFA_BUSY);
}

/* MP: the vCPU pinned to this CPU serves; UP: vcpus[0], from any CPU. */
static void mp_and_up_vcpu_choice(void **state)
{
	(void)state;
	script[0] = script[1] = echo_sp;
	set_cpu(2);
	take_snapshot();
	struct ffa_value req = nwd_req64(ID_B);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal(r.x[1], FFA_MSG_ENDPOINTS(ID_B, 0));
	assert_int_equal(trace_len, 1);
	assert_int_equal(trace[0].id, ID_B);
	assert_int_equal(trace[0].index, 2);
	assert_idle(&SP_B->vcpus[2]);
	assert_int_equal(SP_B->vcpus[2].req_fid, FFA_MSG_SEND_DIRECT_REQ_64);
	for (unsigned int i = 0; i < 4; i++) {
		if (i != 2) {
			assert_memory_equal(&SP_B->vcpus[i], &snapshot[1].vcpus[i],
					    sizeof(struct vcpu));
		}
	}

	req = nwd_req64(ID_A);
	r = nwd_direct(&req);
	assert_int_equal(r.x[1], FFA_MSG_ENDPOINTS(ID_A, 0));
	assert_int_equal(trace[1].id, ID_A);
	assert_int_equal(trace[1].index, 0);
	assert_idle(&SP_A->vcpus[0]);
	assert_int_equal(restore_calls, 2);
}

/* --- SP -> SP ---------------------------------------------------------------- */

/* A serving the normal world asks B; B answers A; A answers the normal world. */
static struct arch_exit chain_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_REQ_64);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0,
				   0xA3, 0xA4, 0xA5, 0xA6, 0xA7));
	case 1:
		/* B's answer, as B gave it. */
		assert_regs(seen(), CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, ID_A),
					 0, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7));
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0,
				   seen()[3] + 1));
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit chain_b(struct vcpu *v, unsigned int n)
{
	assert_int_equal(n, 0);
	assert_regs(seen(), CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 0xA3,
				 0xA4, 0xA5, 0xA6, 0xA7));
	assert_int_equal(SP_A->vcpus[0].state, VCPU_BLOCKED);
	assert_ptr_equal(v->caller, &SP_A->vcpus[0]);
	assert_true(v->serving);
	assert_int_equal(v->req_from, ID_A);
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, ID_A), 0, 0xB3,
			   0xB4, 0xB5, 0xB6, 0xB7));
}

static void sp_to_sp(void **state)
{
	(void)state;
	script[0] = chain_a;
	script[1] = chain_b;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_value(r, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xB3 + 1));
	assert_int_equal(trace_len, 3);
	assert_int_equal(trace[0].id, ID_A);
	assert_int_equal(trace[1].id, ID_B);
	assert_int_equal(trace[2].id, ID_A);
	assert_idle(&SP_A->vcpus[0]);
	assert_idle(&SP_B->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* A -> B -> A: DENIED to B, which then answers A as usual. */
static struct arch_exit loop_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B)));
	case 1:
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_64);
		assert_int_equal(seen()[3], 0xB0B);
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xA0A));
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit loop_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		take_snapshot();
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_B, ID_A)));
	case 1:
		assert_error_regs(seen(), FFA_DENIED);
		assert_unchanged(SP_A);
		assert_int_equal(SP_A->vcpus[0].state, VCPU_BLOCKED);
		assert_int_equal(v->state, VCPU_RUNNING);
		/* The same again with REQ2 (nil UUID). */
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(ID_B, ID_A)));
	case 2:
		assert_error_regs(seen(), FFA_DENIED);
		assert_unchanged(SP_A);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, ID_A), 0,
				   0xB0B));
	default:
		return unexpected(v, n);
	}
}

static void loop_denied(void **state)
{
	(void)state;
	script[0] = loop_a;
	script[1] = loop_b;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xA0A));
	assert_int_equal(trace_len, 5);
	assert_idle(&SP_A->vcpus[0]);
	assert_idle(&SP_B->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* A -> B -> C -> A: the loop is found further up the chain. */
static struct arch_exit loop3_a(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_A, ID_B)));
	}
	assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_32);
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, seen()[3]));
}

static struct arch_exit loop3_b(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_B, ID_C)));
	}
	assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_32);
	return smc(v,
		   CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_B, ID_A), 0, seen()[3]));
}

static struct arch_exit loop3_c(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		assert_int_equal(SP_A->vcpus[0].state, VCPU_BLOCKED);
		assert_int_equal(SP_B->vcpus[0].state, VCPU_BLOCKED);
		take_snapshot();
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_C, ID_A)));
	}
	assert_error_regs(seen(), FFA_DENIED);
	assert_unchanged(SP_A);
	assert_unchanged(SP_B);
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_C, ID_B), 0, 0xC));
}

static void loop_denied_deeper(void **state)
{
	(void)state;
	script[0] = loop3_a;
	script[1] = loop3_b;
	script[2] = loop3_c;
	SP_C->m.messaging_method |= SP_MSG_DIRECT_REQ_SEND;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xC));
	assert_int_equal(trace_len, 6);
	assert_idle(&SP_A->vcpus[0]);
	assert_idle(&SP_B->vcpus[0]);
	assert_idle(&SP_C->vcpus[0]);
}

/* Requests from an SP that are refused: the error to it, the target untouched. */
static const struct ffa_value bad_sp_requests[] = {
	/* Sender ID other than its own. */
	CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_C, ID_B)),
	CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, ID_B)),
	CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(ID_B, ID_B)),
	/* Receiver: itself, unknown, the SPMC, the normal world. */
	CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_A)),
	CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, 0x8009)),
	CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, 0x8000)),
	CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_A, 0)),
	/* w2 != 0, or a UUID B does not have. */
	CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(ID_A, ID_B), 1),
	CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), A_UUID_LO, A_UUID_HI),
};
#define BAD_SP_REQUESTS (sizeof(bad_sp_requests) / sizeof(bad_sp_requests[0]))

static struct arch_exit bad_req_a(struct vcpu *v, unsigned int n)
{
	if (n > 0) {
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		assert_int_equal(v->state, VCPU_RUNNING);
		assert_null(v->caller);
		assert_unchanged(SP_B);
		assert_unchanged(SP_C);
	}
	if (n < BAD_SP_REQUESTS) {
		take_snapshot();
		return smc(v, bad_sp_requests[n]);
	}
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
}

static void sp_bad_requests(void **state)
{
	(void)state;
	script[0] = bad_req_a;
	script[1] = script[2] = echo_sp;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	assert_int_equal(trace_len, BAD_SP_REQUESTS + 1);
	assert_int_equal(entries[1], 0);
	assert_idle(&SP_A->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* An SP without the send bit: DENIED; B's REQ2 send bit covers REQ2 only. */
static struct arch_exit no_send_c(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[0], FFA_RUN_32);
		take_snapshot();
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_C, ID_A)));
	case 1:
		assert_error_regs(seen(), FFA_DENIED);
		assert_unchanged(SP_A);
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void sender_without_send_bit(void **state)
{
	(void)state;
	script[0] = echo_sp;
	script[2] = no_send_c;
	struct ffa_value run = CALL(FFA_RUN_32, ID_C << 16);
	assert_value(nwd_run(&run), CALL(FFA_MSG_WAIT_32));
	assert_int_equal(entries[0], 0);
	assert_idle(&SP_C->vcpus[0]);
}

/* --- direct responses ------------------------------------------------------ */

static const struct ffa_value bad_resps[] = {
	/* Wrong receiver (not the requester). */
	CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 5)),
	CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, ID_B)),
	/* Not as itself. */
	CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, 0)),
	/* RESP2 to a REQ. */
	CALL(FFA_MSG_SEND_DIRECT_RESP2_64, FFA_MSG_ENDPOINTS(ID_A, 0)),
	/* w2 != 0. */
	CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_A, 0), 2),
};
#define BAD_RESPS (sizeof(bad_resps) / sizeof(bad_resps[0]))

static struct arch_exit bad_resp_a(struct vcpu *v, unsigned int n)
{
	if (n > 0) {
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		assert_int_equal(v->state, VCPU_RUNNING);
		assert_true(v->serving);
		assert_int_equal(restore_calls, 0);
	}
	if (n < BAD_RESPS) {
		return smc(v, bad_resps[n]);
	}
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0x600D));
}

static void sp_bad_responses(void **state)
{
	(void)state;
	script[0] = bad_resp_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0x600D));
	assert_int_equal(trace_len, BAD_RESPS + 1);
	assert_idle(&SP_A->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* REQ2 answered with RESP (32 or 64): INVALID_PARAMETERS; then RESP2. */
static struct arch_exit resp_to_req2_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	case 1:
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_A, 0)));
	case 2:
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP2_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0,
				   4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
	default:
		return unexpected(v, n);
	}
}

static void resp_to_req2(void **state)
{
	(void)state;
	script[0] = resp_to_req2_a;
	struct ffa_value req = CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, ID_A));
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP2_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0, 4, 5, 6,
			  7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
	assert_idle(&SP_A->vcpus[0]);
}

/* FFA_MSG_WAIT or FFA_ERROR while serving a request: DENIED, nothing else. */
static struct arch_exit wait_while_serving_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_MSG_WAIT_32));
	case 1:
		assert_error_regs(seen(), FFA_DENIED);
		assert_int_equal(v->state, VCPU_RUNNING);
		assert_true(v->serving);
		return smc(v, CALL(FFA_ERROR_32, 0, (uint32_t)FFA_NOT_SUPPORTED));
	case 2:
		assert_error_regs(seen(), FFA_DENIED);
		assert_false(v->sp->aborted);
		assert_int_equal(v->state, VCPU_RUNNING);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 1));
	default:
		return unexpected(v, n);
	}
}

static void wait_or_error_while_serving(void **state)
{
	(void)state;
	script[0] = wait_while_serving_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 1));
	assert_idle(&SP_A->vcpus[0]);
	assert_false(SP_A->aborted);
}

/* --- aborts ---------------------------------------------------------------- */

static struct arch_exit fault_sp(struct vcpu *v, unsigned int n)
{
	(void)v, (void)n;
	return data_abort();
}

static void abort_serving_nwd(void **state)
{
	(void)state;
	script[0] = fault_sp;
	struct ffa_value req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
	assert_false(SP_A->vcpus[0].serving);
	assert_null(SP_A->vcpus[0].caller);
	assert_int_equal(restore_calls, 1);
	assert_non_null(strstr(fake_console, "SP 8001 EC 0: stage-2 data abort at IPA 0x7000321"));

	/* From now on: ABORTED without running it, to requests and to FFA_RUN. */
	assert_nwd_refused(req, FFA_ABORTED);
	assert_run_refused(ID_A << 16, FFA_ABORTED);
	assert_int_equal(trace_len, 1);
	/* Other partitions still work. */
	script[1] = echo_sp;
	req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}

/* A fault after FFA_RUN (no request being served): ABORTED to the normal world. */
static void abort_after_run(void **state)
{
	(void)state;
	script[0] = fault_sp;
	struct ffa_value run = CALL(FFA_RUN_32, ID_A << 16);
	assert_error(nwd_run(&run), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
	assert_int_equal(restore_calls, 1);
	assert_run_refused(ID_A << 16, FFA_ABORTED);
	assert_int_equal(trace_len, 1);
}

/* An instruction abort or an unexpected exit (SError) stops the partition too. */
static struct arch_exit iabt_sp(struct vcpu *v, unsigned int n)
{
	(void)v, (void)n;
	return (struct arch_exit){.kind = EXIT_SYNC, .esr = (uint64_t)ESR_EC_IABT_LOWER << 26};
}

static struct arch_exit serror_sp(struct vcpu *v, unsigned int n)
{
	(void)v, (void)n;
	return (struct arch_exit){.kind = EXIT_SERROR};
}

static void other_exits_abort(void **state)
{
	(void)state;
	script[0] = iabt_sp;
	script[1] = serror_sp;
	struct ffa_value req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_non_null(strstr(fake_console, "stage-2 instruction abort"));
	req = nwd_req64(ID_B);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_B->aborted);
	assert_int_equal(SP_B->vcpus[0].state, VCPU_ABORTED);
	assert_non_null(strstr(fake_console, "SP 8002 EC 0: unexpected exit (kind 3"));
	assert_int_equal(restore_calls, 2);
}

/*
 * A signaled non-secure interrupt (FIQ exit) stops the vCPU where it was: the
 * normal world gets FFA_INTERRUPT, a request meanwhile is BUSY, and FFA_RUN
 * resumes it with its registers and pc untouched.
 */
static struct arch_exit fiq_then_echo(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		v->arch.regs.x[5] = 0xF1F1; /* state reached before the interrupt */
		v->arch.regs.pc = 0x1234;
		return (struct arch_exit){.kind = EXIT_FIQ};
	}
	assert_int_equal(v->arch.regs.x[5], 0xF1F1);
	assert_int_equal(v->arch.regs.pc, 0x1234);
	assert_int_equal(v->arch.regs.x[0], FFA_MSG_SEND_DIRECT_REQ_64);
	return echo_sp(v, n);
}

static void ns_interrupt_signaled(void **state)
{
	(void)state;
	SP_A->m.ns_interrupts_action = SP_NS_INT_SIGNALED;
	script[0] = fiq_then_echo;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_value(r, CALL(FFA_INTERRUPT_32, (uint32_t)ID_A << 16));
	assert_int_equal(SP_A->vcpus[0].state, VCPU_INTERRUPTED);
	assert_true(SP_A->vcpus[0].serving);
	assert_int_equal(restore_calls, 1);

	struct ffa_value again = nwd_req64(ID_A);
	assert_error(nwd_direct(&again), FFA_BUSY);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_INTERRUPTED);

	struct ffa_value run = CALL(FFA_RUN_32, (uint32_t)ID_A << 16);
	r = nwd_run(&run);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[1], FFA_MSG_ENDPOINTS(ID_A, 0));
	assert_int_equal(r.x[5], 0xF1F1);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_WAITING);
	assert_false(SP_A->vcpus[0].serving);
}

/* Traps on its first FP/SIMD instruction, then (once the state is its own) answers. */
static struct arch_exit fp_then_echo(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		v->arch.regs.x[9] = 0x99; /* an unrelated register mid-computation */
		return (struct arch_exit){.kind = EXIT_SYNC, .esr = (uint64_t)ESR_EC_FP << 26};
	}
	assert_int_equal(v->arch.regs.x[9], 0x99);
	return smc(v, echo_of(v));
}

/* An FP trap switches the FP owner and resumes the same vCPU at the same PC, untouched. */
static void fp_trap_resumes(void **state)
{
	(void)state;
	script[0] = fp_then_echo;
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[3], 0x33);
	assert_int_equal(trace_len, 2);
	assert_int_equal(trace[1].pc, trace[0].pc);
	assert_int_equal(trace[1].x[0], req.x[0]);
	assert_int_equal(fp_claims, 1);
	assert_ptr_equal(fp_claimed[0], &SP_A->vcpus[0].arch);
	assert_false(SP_A->aborted);
	assert_idle(&SP_A->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* B faults while serving A: A gets FFA_ERROR(ABORTED) and goes on. */
static struct arch_exit abort_chain_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 9));
	case 1:
		assert_error_regs(seen(), FFA_ABORTED);
		assert_int_equal(v->state, VCPU_RUNNING);
		assert_true(SP_B->aborted);
		/* B is gone for A too. */
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_A, ID_B)));
	case 2:
		assert_error_regs(seen(), FFA_ABORTED);
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xE));
	default:
		return unexpected(v, n);
	}
}

static void abort_in_chain(void **state)
{
	(void)state;
	script[0] = abort_chain_a;
	script[1] = fault_sp;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xE));
	assert_int_equal(trace_len, 4);
	assert_int_equal(entries[1], 1);
	assert_idle(&SP_A->vcpus[0]);
	assert_false(SP_A->aborted);
	assert_true(SP_B->aborted);
	assert_int_equal(SP_B->vcpus[0].state, VCPU_ABORTED);
	assert_false(SP_B->vcpus[0].serving);
	assert_null(SP_B->vcpus[0].caller);
	assert_int_equal(restore_calls, 1);
}

/* At boot (not serving): FFA_ERROR stops the partition; FFA_MSG_WAIT ends its start. */
static struct arch_exit boot_error_sp(struct vcpu *v, unsigned int n)
{
	(void)n;
	return smc(v, CALL(FFA_ERROR_32, 0, (uint32_t)FFA_NO_MEMORY));
}

static struct arch_exit boot_wait_sp(struct vcpu *v, unsigned int n)
{
	(void)n;
	return smc(v, CALL(FFA_MSG_WAIT_32));
}

static void boot_exits(void **state)
{
	(void)state;
	script[0] = boot_error_sp;
	script[1] = boot_wait_sp;
	SP_A->vcpus[0].state = VCPU_RUNNING;
	assert_error(run_vcpu(&SP_A->vcpus[0]), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
	assert_non_null(strstr(fake_console, "SP 8001: FFA_ERROR -3 during initialisation"));

	SP_B->vcpus[0].state = VCPU_RUNNING;
	assert_value(run_vcpu(&SP_B->vcpus[0]), CALL(FFA_MSG_WAIT_32));
	assert_idle(&SP_B->vcpus[0]);
	assert_int_equal(restore_calls, 0); /* spmc_run leaves that to its caller */
}

/* --- FFA_YIELD and FFA_RUN ------------------------------------------------- */

static struct arch_exit yield_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[3], 0x33);
		return smc(v, CALL(FFA_YIELD_32, 0, 0x10, 0x20));
	case 1:
		/* The return of its FFA_YIELD. */
		assert_regs(seen(), CALL(FFA_SUCCESS_32));
		assert_true(v->serving);
		return smc(v,
			   CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, 0), 0, 0x1D));
	default:
		return unexpected(v, n);
	}
}

static void yield_and_resume(void **state)
{
	(void)state;
	script[1] = yield_b;
	set_cpu(2);
	struct ffa_value req = nwd_req64(ID_B);
	struct ffa_value r = nwd_direct(&req);
	assert_value(r, CALL(FFA_YIELD_32, ID_B << 16 | 2, 0x10, 0x20));
	assert_int_equal(SP_B->vcpus[2].state, VCPU_PREEMPTED);
	assert_int_equal(restore_calls, 1);

	/* While preempted it takes no request. */
	assert_nwd_refused(req, FFA_BUSY);

	struct ffa_value run = CALL(FFA_RUN_32, ID_B << 16 | 2);
	r = nwd_run(&run);
	assert_value(r, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, 0), 0, 0x1D));
	assert_idle(&SP_B->vcpus[2]);
	assert_int_equal(trace_len, 2);
	assert_int_equal(trace[1].index, 2);
	assert_int_equal(restore_calls, 2);
}

/* FFA_RUN on a waiting vCPU: FFA_RUN comes back from its FFA_MSG_WAIT. */
static struct arch_exit run_waiting_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_regs(seen(), CALL(FFA_RUN_32, ID_A << 16));
		assert_false(v->serving);
		/* Nothing to answer: a response is DENIED, so is FFA_YIELD. */
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	case 1:
		assert_error_regs(seen(), FFA_DENIED);
		return smc(v, CALL(FFA_YIELD_32));
	case 2:
		assert_error_regs(seen(), FFA_DENIED);
		assert_int_equal(v->state, VCPU_RUNNING);
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void run_waiting(void **state)
{
	(void)state;
	script[0] = run_waiting_a;
	struct ffa_value run = CALL(FFA_RUN_32, ID_A << 16);
	assert_value(nwd_run(&run), CALL(FFA_MSG_WAIT_32));
	assert_idle(&SP_A->vcpus[0]);
	assert_int_equal(trace_len, 3);
	assert_int_equal(restore_calls, 1);
}

static void run_refused(void **state)
{
	(void)state;
	script[0] = script[1] = script[2] = echo_sp;
	set_cpu(2);
	assert_run_refused(0x8009U << 16, FFA_INVALID_PARAMETERS); /* unknown ID */
	assert_run_refused(0x8000U << 16, FFA_INVALID_PARAMETERS); /* the SPMC */
	assert_run_refused(ID_A << 16 | 1, FFA_INVALID_PARAMETERS); /* UP: only vCPU 0 */
	assert_run_refused(ID_B << 16 | 1, FFA_INVALID_PARAMETERS); /* MP: another CPU's */
	assert_run_refused(ID_B << 16 | 4, FFA_INVALID_PARAMETERS); /* beyond the count */
	assert_run_refused(ID_B << 16 | 0xFFFF, FFA_INVALID_PARAMETERS);
	const enum vcpu_state busy[] = {VCPU_RUNNING, VCPU_BLOCKED, VCPU_OFF};
	for (unsigned int i = 0; i < sizeof(busy) / sizeof(busy[0]); i++) {
		SP_B->vcpus[2].state = busy[i];
		assert_run_refused(ID_B << 16 | 2, FFA_BUSY);
		assert_int_equal(SP_B->vcpus[2].state, busy[i]);
	}
	SP_B->vcpus[2].state = VCPU_ABORTED;
	assert_run_refused(ID_B << 16 | 2, FFA_ABORTED);
	/* An aborted MP partition: its other vCPUs do not run either. */
	SP_B->vcpus[2].state = VCPU_WAITING;
	SP_B->aborted = true;
	assert_run_refused(ID_B << 16 | 2, FFA_ABORTED);
	assert_int_equal(trace_len, 0);
}

/* FFA_YIELD inside an SP-to-SP chain: DENIED; the chain then unwinds. */
static struct arch_exit yield_chain_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_YIELD_32));
	case 1:
		assert_error_regs(seen(), FFA_DENIED);
		assert_int_equal(v->state, VCPU_RUNNING);
		assert_int_equal(SP_A->vcpus[0].state, VCPU_BLOCKED);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, ID_A), 0,
				   0xB3, 0xB4, 0xB5, 0xB6, 0xB7));
	default:
		return unexpected(v, n);
	}
}

static void yield_in_chain_denied(void **state)
{
	(void)state;
	script[0] = chain_a;
	script[1] = yield_chain_b;
	struct ffa_value req = nwd_req64(ID_A);
	assert_value(nwd_direct(&req),
		     CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0), 0, 0xB3 + 1));
	assert_int_equal(trace_len, 4);
	assert_idle(&SP_A->vcpus[0]);
	assert_idle(&SP_B->vcpus[0]);
	assert_int_equal(restore_calls, 1);
}

/* --- other SP calls ------------------------------------------------------------ */

/* A trapped SMC resumes after the SMC (pc + 4); an HVC's return address is already there. */
static struct arch_exit conduit_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(v->arch.regs.pc, 0x4000);
		return smc(v, CALL(FFA_ID_GET_32));
	case 1:
		assert_int_equal(v->arch.regs.pc, 0x4004);
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, ID_A));
		return hvc(v, CALL(FFA_SPM_ID_GET_32));
	case 2:
		assert_int_equal(v->arch.regs.pc, 0x4004);
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, 0x8000));
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	default:
		return unexpected(v, n);
	}
}

static void smc_and_hvc_pc(void **state)
{
	(void)state;
	script[0] = conduit_a;
	SP_A->vcpus[0].arch.regs.pc = 0x4000;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(SP_A->vcpus[0].arch.regs.pc, 0x4008);
}

/* FFA_CONSOLE_LOG: one line per newline, "SP <id>: <text>"; bad counts refused. */
static struct arch_exit console_a(struct vcpu *v, unsigned int n)
{
	if (n > 0 && n != 4 && n != 5 && n != 6) {
		assert_answer(CALL(FFA_SUCCESS_32));
	}
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_CONSOLE_LOG_64, 12, chars("hello wo"), chars("rld\n")));
	case 1:
		assert_non_null(strstr(fake_console, "[tzv c0] SP 8001: hello world\r\n"));
		assert_int_equal(SP_A->log_len, 0);
		/* SMC32: four characters per register, no newline yet. */
		return smc(v, CALL(FFA_CONSOLE_LOG_32, 6, 0xFFFFFFFF00000000ULL | chars("abcd"),
				   chars("ef")));
	case 2:
		assert_null(strstr(fake_console, "abcd"));
		assert_int_equal(SP_A->log_len, 6);
		/* Control and non-ASCII characters are printed as '?'. */
		return smc(v, CALL(FFA_CONSOLE_LOG_32, 5, chars("g\t\x1b\x80"), chars("\n")));
	case 3:
		assert_non_null(strstr(fake_console, "SP 8001: abcdefg???\r\n"));
		return smc(v, CALL(FFA_CONSOLE_LOG_32, 0, chars("x\n")));
	case 4:
		assert_answer(ffa_error_value(FFA_INVALID_PARAMETERS));
		return smc(v, CALL(FFA_CONSOLE_LOG_32, 25, chars("x\n")));
	case 5:
		assert_answer(ffa_error_value(FFA_INVALID_PARAMETERS));
		return smc(v, CALL(FFA_CONSOLE_LOG_64, 129, chars("x\n")));
	case 6:
		assert_answer(ffa_error_value(FFA_INVALID_PARAMETERS));
		assert_null(strstr(fake_console, "SP 8001: x"));
		assert_int_equal(SP_A->log_len, 0);
		/* The limits themselves: 24 (SMC32) and 128 (SMC64) characters. */
		return smc(v, CALL(FFA_CONSOLE_LOG_32, 24, chars("0123"), chars("4567"),
				   chars("89ab"), chars("cdef"), chars("ghij"), chars("klm\n")));
	case 7: {
		assert_non_null(strstr(fake_console, "SP 8001: 0123456789abcdefghijklm\r\n"));
		/* Two lines of 63 characters: x2-x9 and x10-x17. */
		struct ffa_value c = CALL(FFA_CONSOLE_LOG_64, 128);
		for (unsigned int i = 2; i < FFA_VALUE_REGS; i++) {
			c.x[i] = chars(i == 9 || i == 17 ? "ABCDEFG\n" : "ABCDEFGH");
		}
		return smc(v, c);
	}
	case 8: {
		const char *line = strstr(fake_console, "SP 8001: ABCDEFGH");
		assert_non_null(line);
		line += strlen("SP 8001: ");
		for (unsigned int i = 0; i < 63; i++) {
			assert_int_equal(line[i], "ABCDEFGH"[i % 8]);
		}
		assert_string_equal(line + 63,
				    "\r\n[tzv c0] SP 8001: ABCDEFGHABCDEFGHABCDEFGHABCDEFGHABCDEF"
				    "GHABCDEFGHABCDEFGHABCDEFG\r\n");
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	}
	default:
		return unexpected(v, n);
	}
}

/* --- SMCCC: x8-x17 stay with their owner -------------------------------------- */

/* A canary: its owner in the top byte, which of the owner's calls, the register. */
static uint64_t canary(unsigned int owner, unsigned int call, unsigned int reg)
{
	return (uint64_t)owner << 56 | (uint64_t)call << 8 | reg;
}

static struct ffa_value with_canaries(struct ffa_value c, unsigned int owner, unsigned int call)
{
	for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
		c.x[i] = canary(owner, call, i);
	}
	return c;
}

static void assert_canaries(const uint64_t *x, unsigned int owner, unsigned int call)
{
	for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
		if (x[i] != canary(owner, call, i)) {
			fail_msg("x%u: 0x%llx, expected %02x's canary 0x%llx", i,
				 (unsigned long long)x[i], owner,
				 (unsigned long long)canary(owner, call, i));
		}
	}
}

enum { OWN_NWD = 0xA0, OWN_A = 0xA1, OWN_B = 0xB1 };

static struct arch_exit canary_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0: /* the normal world's request, over A's own x8-x17 (of its FFA_MSG_WAIT) */
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_REQ_64);
		assert_canaries(seen(), OWN_A, 0);
		return smc(v, with_canaries(CALL(FFA_MSG_SEND_DIRECT_REQ_64,
						 FFA_MSG_ENDPOINTS(ID_A, ID_B), 0, 1),
					    OWN_A, 1));
	case 1: /* B's response over A's x8-x17 of its request */
		assert_int_equal(seen()[0], FFA_MSG_SEND_DIRECT_RESP_64);
		assert_int_equal(seen()[3], 2);
		assert_canaries(seen(), OWN_A, 1);
		return smc(v, with_canaries(CALL(FFA_ID_GET_32), OWN_A, 2));
	case 2:
		assert_answer(ffa_success_value(ID_A));
		return hvc(v, with_canaries(CALL(FFA_YIELD_32), OWN_A, 3));
	case 3: /* resumed by the normal world's FFA_RUN */
		assert_answer(CALL(FFA_SUCCESS_32));
		return smc(v, with_canaries(CALL(FFA_MSG_SEND_DIRECT_RESP_64,
						 FFA_MSG_ENDPOINTS(ID_A, 0), 0, 7),
					    OWN_A, 4));
	case 4: /* the next request finds A's x8-x17 of its response */
		assert_canaries(seen(), OWN_A, 4);
		return smc(v, with_canaries(CALL(FFA_MSG_SEND_DIRECT_RESP_64,
						 FFA_MSG_ENDPOINTS(ID_A, 0), 0, 8),
					    OWN_A, 5));
	default:
		return unexpected(v, n);
	}
}

static struct arch_exit canary_b(struct vcpu *v, unsigned int n)
{
	if (n != 0) {
		return unexpected(v, n);
	}
	assert_canaries(seen(), OWN_B, 0);
	return smc(v, with_canaries(CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, ID_A),
					 0, 2),
				    OWN_B, 1));
}

/*
 * SMCCC v1.1+: an answer leaves the caller's x8-x17 alone unless the ABI
 * returns results there. Every endpoint fills x8-x17 with its own canaries
 * on every call; whatever answers it, and whatever message wakes it, it must
 * find its own: the normal world through a chain A -> B, a yield and FFA_RUN,
 * a second request and a refused one; A and B for requests, responses and
 * their own calls.
 */
static void x8_x17_stay_with_their_owner(void **state)
{
	(void)state;
	script[0] = canary_a;
	script[1] = canary_b;
	for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
		SP_A->vcpus[0].arch.regs.x[i] = canary(OWN_A, 0, i);
		SP_B->vcpus[0].arch.regs.x[i] = canary(OWN_B, 0, i);
	}
	struct ffa_value req = with_canaries(nwd_req64(ID_A), OWN_NWD, 0);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_YIELD_32);
	assert_int_equal(r.x[1], (uint64_t)ID_A << 16);
	assert_canaries(r.x, OWN_NWD, 0);

	struct ffa_value run = with_canaries(CALL(FFA_RUN_32, (uint32_t)ID_A << 16), OWN_NWD, 1);
	r = nwd_run(&run);
	assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(r.x[3], 7);
	assert_canaries(r.x, OWN_NWD, 1);

	req = with_canaries(nwd_req64(ID_A), OWN_NWD, 2);
	r = nwd_direct(&req);
	assert_int_equal(r.x[3], 8);
	assert_canaries(r.x, OWN_NWD, 2);

	req = with_canaries(nwd_req64(0x8999), OWN_NWD, 3);
	r = nwd_direct(&req);
	assert_int_equal(r.x[0], FFA_ERROR_32);
	assert_canaries(r.x, OWN_NWD, 3);
	assert_int_equal(trace_len, 6);
}

static void console_log(void **state)
{
	(void)state;
	script[0] = console_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(trace_len, 9);
}

/*
 * A line longer than the 127-character buffer is cut into pieces. A line of
 * exactly 127 characters followed by its newline is one line, not that line
 * and an empty one. (Found by this test: console_log() used to flush on the
 * full buffer and again on the newline.)
 */
static struct arch_exit long_line_a(struct vcpu *v, unsigned int n)
{
	struct ffa_value c = CALL(FFA_CONSOLE_LOG_64, 120);

	switch (n) {
	case 0:
		for (unsigned int i = 2; i < 17; i++) {
			c.x[i] = chars("abcdefgh");
		}
		return smc(v, c); /* 120 characters */
	case 1:
		assert_answer(CALL(FFA_SUCCESS_32));
		assert_int_equal(fake_console_len, 0);
		return smc(v, CALL(FFA_CONSOLE_LOG_64, 8, chars("ABCDEFG\n")));
	case 2:
		assert_answer(CALL(FFA_SUCCESS_32));
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	default:
		return unexpected(v, n);
	}
}

static void console_log_full_line(void **state)
{
	(void)state;
	script[0] = long_line_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	char expect[160] = "[tzv c0] SP 8001: ";
	size_t len = strlen(expect);
	for (unsigned int i = 0; i < 120; i++) {
		expect[len++] = "abcdefgh"[i % 8];
	}
	strcpy(expect + len, "ABCDEFG\r\n");
	assert_string_equal(fake_console, expect);
}

/* FFA_SECONDARY_EP_REGISTER: an entry point inside the image, 4-byte aligned. */
static struct arch_exit secondary_ep_a(struct vcpu *v, unsigned int n)
{
	static const uint64_t ok[] = {IMAGE_BASE, IMAGE_END - 4};
	static const uint64_t bad[] = {IMAGE_END, IMAGE_BASE - 4, IMAGE_BASE + 2, 0};

	if (n > 0 && n <= 2) {
		assert_regs(seen(), CALL(FFA_SUCCESS_64));
		assert_int_equal(v->sp->secondary_ep, ok[n - 1]);
	}
	if (n > 2) {
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		assert_int_equal(v->sp->secondary_ep, IMAGE_END - 4);
	}
	if (n < 2) {
		return smc(v, CALL(FFA_SECONDARY_EP_REGISTER_64, ok[n]));
	}
	if (n < 6) {
		return smc(v, CALL(FFA_SECONDARY_EP_REGISTER_64, bad[n - 2]));
	}
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
}

static void secondary_ep_register(void **state)
{
	(void)state;
	script[0] = secondary_ep_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(trace_len, 7);
	assert_int_equal(SP_A->secondary_ep, IMAGE_END - 4);
}

/* Discovery and indirect messaging go to their handlers with the SP as caller. */
static struct arch_exit routed_a(struct vcpu *v, unsigned int n)
{
	static const uint32_t fids[] = {FFA_MSG_SEND2_32,	   FFA_RXTX_MAP_64,
					FFA_RXTX_UNMAP_32,	   FFA_RX_RELEASE_32,
					FFA_PARTITION_INFO_GET_32, FFA_PARTITION_INFO_GET_REGS_64};
	static const uint64_t w2[] = {8, 4, 5, 6, 2, 3};

	if (n > 0 && n <= 6) {
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, w2[n - 1]));
		assert_ptr_equal(stub_ep, &SP_A->ep);
	}
	if (n < 6) {
		return smc(v, CALL(fids[n]));
	}
	if (n == 6) {
		/* Not implemented (FFA_MEM_OP_PAUSE): NOT_SUPPORTED from the common code. */
		return smc(v, CALL(0x84000078));
	}
	assert_error_regs(seen(), FFA_NOT_SUPPORTED);
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
}

static void calls_routed(void **state)
{
	(void)state;
	script[0] = routed_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(stub_calls, 6);
	assert_true(SP_A->ep.version_locked);
}

/* The memory management ABIs go to spmc/mem.c with the calling partition. */
static const uint32_t mem_fids[] = {
	FFA_MEM_SHARE_32,	 FFA_MEM_SHARE_64,   FFA_MEM_LEND_32,	    FFA_MEM_LEND_64,
	FFA_MEM_DONATE_32,	 FFA_MEM_DONATE_64,  FFA_MEM_FRAG_TX_32,    FFA_MEM_RETRIEVE_REQ_32,
	FFA_MEM_RETRIEVE_REQ_64, FFA_MEM_FRAG_RX_32, FFA_MEM_RELINQUISH_32, FFA_MEM_RECLAIM_32,
};
#define MEM_FIDS (sizeof(mem_fids) / sizeof(mem_fids[0]))

static struct arch_exit routed_mem_a(struct vcpu *v, unsigned int n)
{
	if (n > 0) {
		assert_answer(CALL(FFA_SUCCESS_32, 0, mem_fids[n - 1]));
	}
	if (n < MEM_FIDS) {
		return hvc(v, CALL(mem_fids[n] | (n % 2 == 0 ? SMCCC_SVE_HINT : 0)));
	}
	/* Then it faults: spmc/mem.c hears once that it stopped (its lenders may reclaim). */
	return data_abort();
}

static struct arch_exit fault_at_once(struct vcpu *v, unsigned int n)
{
	(void)v;
	(void)n;
	return data_abort();
}

static void mem_calls_routed(void **state)
{
	(void)state;
	script[0] = routed_mem_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_int_equal(mem_calls, MEM_FIDS);
	assert_int_equal(mem_stops, 1);
	assert_ptr_equal(mem_stopped[0], SP_A);
	/* Another partition that stops is news again. */
	script[1] = fault_at_once;
	req = nwd_req64(ID_B);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_int_equal(mem_stops, 2);
	assert_ptr_equal(mem_stopped[1], SP_B);
}

/* Notification ABIs go to spmc/notif.c with the calling vCPU (which refuses the NWd's ones). */
static struct arch_exit routed_notif_a(struct vcpu *v, unsigned int n)
{
	static const uint32_t fids[] = {
		FFA_NOTIFICATION_BIND_32,	   FFA_NOTIFICATION_UNBIND_32,
		FFA_NOTIFICATION_SET_32,	   FFA_NOTIFICATION_GET_32,
		FFA_NOTIFICATION_INFO_GET_64,	   FFA_NOTIFICATION_INFO_GET_32,
		FFA_NOTIFICATION_BITMAP_CREATE_32, FFA_NOTIFICATION_BITMAP_DESTROY_32,
	};

	if (n > 0) {
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, fids[n - 1]));
		assert_ptr_equal(notif_caller, v);
	}
	if (n < 8) {
		return smc(v, CALL(fids[n]));
	}
	return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
}

static void notif_calls_routed(void **state)
{
	(void)state;
	notif_calls = 0;
	script[0] = routed_notif_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(notif_calls, 8);
	assert_int_equal(stub_calls, 0);
}

/* --- power-management framework messages ------------------------------------ */

#define PM_REQ_W2 (FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_REQ)
#define PM_RESP_W2 (FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_RESP)

/* sp B's context 2 gets CPU_OFF, tries four wrong answers, then answers status -3. */
static struct arch_exit pm_b(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_regs(seen(),
			    CALL(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(0x8000, ID_B),
				 PM_REQ_W2, PSCI_CPU_OFF_FID));
		take_snapshot();
		/* A plain response to a framework request. */
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_B, 0x8000)));
	case 1:
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		return smc(v, CALL(FFA_YIELD_32));
	case 2:
		assert_error_regs(seen(), FFA_DENIED);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(ID_B, ID_A)));
	case 3:
		assert_error_regs(seen(), FFA_DENIED);
		assert_unchanged(SP_A);
		/* The right type in the 64-bit ABI, then the wrong framework type. */
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_B, 0x8000),
				   PM_RESP_W2));
	case 4:
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_B, 0x8000),
				   FFA_FWK_MSG_BIT | FFA_FWK_MSG_VERSION_RESP));
	case 5:
		assert_error_regs(seen(), FFA_INVALID_PARAMETERS);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(ID_B, 0x8000),
				   PM_RESP_W2, (uint32_t)-3));
	default:
		return unexpected(v, n);
	}
}

static void pm_message_answered(void **state)
{
	(void)state;
	set_cpu(2);
	script[1] = pm_b;
	assert_int_equal(spmc_pm_message(&SP_B->vcpus[2], PSCI_CPU_OFF_FID), -3);
	assert_int_equal(trace_len, 6);
	assert_int_equal(restore_calls, 1);
	struct vcpu *v = &SP_B->vcpus[2];
	assert_int_equal(v->state, VCPU_WAITING);
	assert_false(v->serving);
	assert_false(v->req_fwk);
	/* The next request from the normal world is an ordinary one again. */
	script[1] = echo_sp;
	struct ffa_value req = nwd_req64(ID_B);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}

static void pm_message_not_delivered(void **state)
{
	(void)state;
	set_cpu(1);
	SP_B->vcpus[1].state = VCPU_PREEMPTED;
	take_snapshot();
	assert_int_equal(spmc_pm_message(&SP_B->vcpus[1], PSCI_CPU_OFF_FID), SPMC_PM_NOT_DELIVERED);
	assert_int_equal(trace_len, 0);
	assert_unchanged(SP_B);
}

static struct arch_exit pm_fault_b(struct vcpu *v, unsigned int n)
{
	(void)v, (void)n;
	return data_abort();
}

static void pm_message_partition_faults(void **state)
{
	(void)state;
	set_cpu(3);
	script[1] = pm_fault_b;
	assert_int_equal(spmc_pm_message(&SP_B->vcpus[3], PSCI_CPU_OFF_FID), SPMC_PM_NOT_ANSWERED);
	assert_true(SP_B->aborted);
	assert_int_equal(SP_B->vcpus[3].state, VCPU_ABORTED);
	assert_false(SP_B->vcpus[3].req_fwk);
}

/* FFA_MEM_PERM_GET/SET go to the partition code (partition.c) with the caller. */
static struct arch_exit mem_perm_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		return smc(v, CALL(FFA_MEM_PERM_GET_32, 0x1000));
	case 1:
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, FFA_MEM_PERM_GET_32));
		return smc(v, CALL(FFA_MEM_PERM_SET_32, 0x1000, 1, 3));
	case 2:
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, FFA_MEM_PERM_SET_32));
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	default:
		return unexpected(v, n);
	}
}

static void mem_perm_routed(void **state)
{
	(void)state;
	mem_perm_calls = 0;
	script[0] = mem_perm_a;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(mem_perm_calls, 2);
}

/* A v1.1 partition: the v1.2 ABIs are NOT_SUPPORTED, nothing delivered. */
static struct arch_exit v11_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		take_snapshot();
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(ID_A, ID_B)));
	case 1:
		assert_error_regs(seen(), FFA_NOT_SUPPORTED);
		assert_unchanged(SP_B);
		return smc(v, CALL(FFA_CONSOLE_LOG_64, 2, chars("x\n")));
	case 2:
		assert_error_regs(seen(), FFA_NOT_SUPPORTED);
		return smc(v, CALL(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(ID_A, 0)));
	default:
		return unexpected(v, n);
	}
}

static void version_gates_calls(void **state)
{
	(void)state;
	script[0] = v11_a;
	script[1] = echo_sp;
	SP_A->ep.version = FFA_VERSION_1_1;
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(entries[1], 0);
	assert_null(strstr(fake_console, "SP 8001: x"));
}

/* S-EL0: calls arrive as SVC through the EL1 shim's HVC; anything else stops it. */
static struct arch_exit el0_a(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		el1_esr = (uint64_t)ESR_EC_SVC64 << 26;
		return hvc(v, CALL(FFA_ID_GET_32));
	case 1:
		assert_regs(seen(), CALL(FFA_SUCCESS_32, 0, ID_A));
		assert_int_equal(v->arch.regs.pc, 0x4000);
		/* Any other EL0 exception stops the partition. */
		el1_esr = 0x25ULL << 26; /* data abort at EL0, within its stage 1 */
		el1_far = 0xBAD;
		el1_elr = 0x4444;
		return hvc(v, CALL(FFA_ID_GET_32));
	default:
		return unexpected(v, n);
	}
}

static void el0_partition(void **state)
{
	(void)state;
	script[0] = el0_a;
	SP_A->el0 = true;
	SP_A->vcpus[0].arch.regs.pc = 0x4000;
	struct ffa_value req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_ABORTED);
	assert_non_null(strstr(fake_console, "S-EL0 exception (ESR_EL1 0x94000000, FAR 0xbad, "
					     "PC 0x4444): partition stopped"));
}

/* --- the emulated console UART ---------------------------------------------------- */

/* A store (or load) of `size` bytes from/to x`rt` at offset `off` of the secure UART. */
static struct arch_exit uart_access(struct vcpu *v, uint64_t off, unsigned int size, bool write,
				    unsigned int rt, bool wide)
{
	unsigned int sas = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
	uint64_t ipa = plat.secure_uart_base + off;
	(void)v;
	return (struct arch_exit){.kind = EXIT_SYNC,
				  .esr = (uint64_t)ESR_EC_DABT_LOWER << 26 | 1U << 24 |
					 (uint64_t)sas << 22 | (uint64_t)rt << 16 |
					 (wide ? 1U << 15 : 0U) | (write ? 1U << 6 : 0U) | 0x7U,
				  .far = 0xFFFF0000 | (ipa & 0xFFF),
				  .hpfar_ipa = ALIGN_DOWN(ipa, PAGE_SIZE)};
}

static const char uart_text[] = "hi\tthere\r\n";

static struct arch_exit uart_sp(struct vcpu *v, unsigned int n)
{
	uint64_t *x = v->arch.regs.x;
	v->arch.regs.pc = 0x1000 + 4 * n;
	if (n < sizeof(uart_text) - 1) {
		if (n > 0) {
			assert_int_equal(v->arch.regs.pc, 0x1000 + 4 * n); /* stepped past */
		}
		x[3] = (uint64_t)(unsigned char)uart_text[n] | 0xABCD00ULL; /* DR takes bits 7:0 */
		return uart_access(v, 0, 4, true, 3, false);
	}
	switch (n - (sizeof(uart_text) - 1)) {
	case 0: /* FR: never busy, transmit FIFO empty, nothing received */
		x[5] = ~0ULL;
		return uart_access(v, 0x18, 4, false, 5, true);
	case 1:
		assert_int_equal(x[5], 0x90);
		x[5] = ~0ULL; /* the PrimeCell ID byte into a W register: upper half cleared */
		return uart_access(v, 0xFF0, 4, false, 5, false);
	case 2:
		assert_int_equal(x[5], 0x0D);
		/* Half a line, then a direct response: the half line stays buffered. */
		x[3] = 'x';
		return uart_access(v, 0, 1, true, 3, false);
	case 3:
		return smc(v, echo_of(v));
	case 4: /* a 64-bit access the PL011 does not take: the partition stops */
		return uart_access(v, 0, 8, true, 3, true);
	default:
		return unexpected(v, n);
	}
}

/*
 * A partition's device region on tzvisor's console: its accesses are
 * emulated (each one stepped past, reads into the register), whole lines
 * printed as "[name] line"; an access the PL011 refuses stops it.
 */
static void uart_emulated(void **state)
{
	(void)state;
	script[0] = uart_sp;
	SP_A->name = "op-tee";
	SP_A->uart_emulated = true;
	vuart_init(&SP_A->uart, SP_A->name);
	struct ffa_value req = nwd_req64(ID_A);
	struct ffa_value r = nwd_direct(&req);
	assert_int_equal((uint32_t)r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_string_equal(fake_console, "[op-tee] hi\tthere\r\n"); /* the console adds CR */
	assert_false(SP_A->aborted);

	/* Not emulated: the same access is a stage-2 fault that stops the partition. */
	fake_console_reset();
	req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_non_null(strstr(fake_console, "stage-2 data abort"));
}

static struct arch_exit uart_off_sp(struct vcpu *v, unsigned int n)
{
	return n == 0 ? uart_access(v, 0, 4, true, 3, false) : unexpected(v, n);
}

/* A partition without the emulated UART faults on it as on any unmapped page. */
static void uart_not_emulated(void **state)
{
	(void)state;
	script[0] = uart_off_sp;
	struct ffa_value req = nwd_req64(ID_A);
	assert_error(nwd_direct(&req), FFA_ABORTED);
	assert_true(SP_A->aborted);
	assert_null(strstr(fake_console, "[sp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(nwd_echo, setup),
		cmocka_unit_test_setup(req32_truncates, setup),
		cmocka_unit_test_setup(resp32_truncates, setup),
		cmocka_unit_test_setup(req2_keeps_x4_x17, setup),
		cmocka_unit_test_setup(nwd_invalid_parameters, setup),
		cmocka_unit_test_setup(receiver_without_receive_bit, setup),
		cmocka_unit_test_setup(aborted_receiver, setup),
		cmocka_unit_test_setup(busy_receiver, setup),
		cmocka_unit_test_setup(mp_and_up_vcpu_choice, setup),
		cmocka_unit_test_setup(sp_to_sp, setup),
		cmocka_unit_test_setup(loop_denied, setup),
		cmocka_unit_test_setup(loop_denied_deeper, setup),
		cmocka_unit_test_setup(sp_bad_requests, setup),
		cmocka_unit_test_setup(sender_without_send_bit, setup),
		cmocka_unit_test_setup(sp_bad_responses, setup),
		cmocka_unit_test_setup(resp_to_req2, setup),
		cmocka_unit_test_setup(wait_or_error_while_serving, setup),
		cmocka_unit_test_setup(abort_serving_nwd, setup),
		cmocka_unit_test_setup(abort_after_run, setup),
		cmocka_unit_test_setup(other_exits_abort, setup),
		cmocka_unit_test_setup(ns_interrupt_signaled, setup),
		cmocka_unit_test_setup(fp_trap_resumes, setup),
		cmocka_unit_test_setup(abort_in_chain, setup),
		cmocka_unit_test_setup(boot_exits, setup),
		cmocka_unit_test_setup(yield_and_resume, setup),
		cmocka_unit_test_setup(run_waiting, setup),
		cmocka_unit_test_setup(run_refused, setup),
		cmocka_unit_test_setup(yield_in_chain_denied, setup),
		cmocka_unit_test_setup(smc_and_hvc_pc, setup),
		cmocka_unit_test_setup(x8_x17_stay_with_their_owner, setup),
		cmocka_unit_test_setup(console_log, setup),
		cmocka_unit_test_setup(console_log_full_line, setup),
		cmocka_unit_test_setup(secondary_ep_register, setup),
		cmocka_unit_test_setup(calls_routed, setup),
		cmocka_unit_test_setup(notif_calls_routed, setup),
		cmocka_unit_test_setup(mem_calls_routed, setup),
		cmocka_unit_test_setup(mem_perm_routed, setup),
		cmocka_unit_test_setup(pm_message_answered, setup),
		cmocka_unit_test_setup(pm_message_not_delivered, setup),
		cmocka_unit_test_setup(pm_message_partition_faults, setup),
		cmocka_unit_test_setup(version_gates_calls, setup),
		cmocka_unit_test_setup(el0_partition, setup),
		cmocka_unit_test_setup(uart_emulated, setup),
		cmocka_unit_test_setup(uart_not_emulated, setup),
	};
	return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
