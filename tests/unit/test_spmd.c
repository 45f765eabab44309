/* Host tests for the SPMC side of the SPMD protocol: framework messages and routing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "fake_arch.h"
#include "spmc/discovery.h"
#include "spmc/indirect.h"
#include "spmc/irq.h"
#include "spmc/run.h"
#include "spmc/mem.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

struct spmc spmc;

void arch_smc(struct ffa_value *v)
{
	(void)v;
	fail_msg("spmc_handle must not issue SMCs");
}

/* The partition layer needs hardware; these record what spmd.c asked of it. */
static unsigned int cpu_off_calls, direct_req_calls;

void partitions_cpu_off(unsigned int cpu_index)
{
	(void)cpu_index;
	cpu_off_calls++;
}

/* The interrupt layer (spmc/irq.c): what the SPMD loop asks of it. */
static unsigned int irq_cpu_off_calls, irq_physical_calls;

void irq_cpu_off(unsigned int cpu)
{
	(void)cpu;
	irq_cpu_off_calls++;
}

bool irq_physical(struct vcpu *cur)
{
	assert_null(cur); /* the normal world was running */
	irq_physical_calls++;
	return false;
}

void irq_leave_to_nwd(void)
{
}

void spmc_run_woken(void)
{
}

static unsigned int discovery_calls;

struct ffa_value spmc_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					 const struct ffa_value *args)
{
	(void)ep, (void)b, (void)args;
	discovery_calls++;
	return ffa_success_value(2);
}

struct ffa_value spmc_partition_info_get_regs(struct ffa_endpoint *ep, const struct ffa_value *args)
{
	(void)ep;
	discovery_calls++;
	if (args->x[3] == 99) {
		return ffa_error_value(FFA_INVALID_PARAMETERS); /* a start index past the end */
	}
	struct ffa_value r = {.x = {FFA_SUCCESS_64, 0, 3}};
	for (unsigned int i = 3; i < FFA_VALUE_REGS; i++) {
		r.x[i] = 0x5EC0000000000000ULL | i; /* descriptors in x3-x17 */
	}
	return r;
}

struct ffa_value spmc_rxtx_map(struct partition *sp, struct ffa_rxtx *b,
			       const struct ffa_value *args)
{
	(void)sp, (void)b, (void)args;
	discovery_calls++;
	return ffa_success_value(4);
}

struct ffa_value spmc_rxtx_unmap(struct ffa_endpoint *ep, struct ffa_rxtx *b,
				 const struct ffa_value *args)
{
	(void)ep, (void)b, (void)args;
	discovery_calls++;
	return ffa_success_value(5);
}

struct ffa_value spmc_rx_release(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args)
{
	(void)caller, (void)b, (void)args;
	discovery_calls++;
	return ffa_success_value(6);
}

struct ffa_value spmc_rx_acquire(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args)
{
	(void)caller, (void)b, (void)args;
	discovery_calls++;
	return ffa_success_value(7);
}

struct ffa_value spmc_msg_send2(struct ffa_endpoint *ep, struct ffa_rxtx *tx,
				const struct ffa_value *args)
{
	(void)ep, (void)tx, (void)args;
	discovery_calls++;
	return ffa_success_value(8);
}

static unsigned int mem_calls;

struct ffa_value spmc_mem_call(struct partition *sp, const struct ffa_value *args)
{
	assert_null(sp); /* the normal world */
	mem_calls++;
	return ffa_success_value(ffa_fid(args));
}

static unsigned int notif_calls;

struct ffa_value spmc_notif_call(struct vcpu *v, const struct ffa_value *args)
{
	assert_null(v); /* the normal world */
	notif_calls++;
	return ffa_success_value(ffa_fid(args));
}

uint32_t spmc_sri_delayed;

void spmc_sri_flush_slow(void)
{
}

void spmc_run_from_nwd(struct ffa_value *nwd)
{
	struct ffa_value r = ffa_success_value(9);
	discovery_calls++;
	ffa_answer(nwd->x, &r);
}

void spmc_direct_req_from_nwd(struct ffa_value *nwd)
{
	direct_req_calls++;
	struct ffa_value r = {
		.x = {FFA_MSG_SEND_DIRECT_RESP_32, nwd->x[1] >> 16 | nwd->x[1] << 16}};
	ffa_answer(nwd->x, &r);
}

/* A request from the SPMD, answered in place as spmc_serve does: the registers after. */
static struct ffa_value handle(const struct ffa_value *req)
{
	struct ffa_value v = *req;
	spmc_handle(&v);
	return v;
}

static int setup(void **state)
{
	(void)state;
	memset(&spmc, 0, sizeof(spmc));
	spmc.inst.spmc_id = 0x8000;
	ffa_endpoint_init(&spmc.nwd, FFA_NWD_ENDPOINT_ID);
	cpu_off_calls = 0;
	irq_cpu_off_calls = 0;
	discovery_calls = 0;
	notif_calls = 0;
	direct_req_calls = 0;
	cpus[2].index = 2;
	cpus[2].on = true;
	arch_cpu_local_set(&cpus[2]);
	fake_console_reset();
	return 0;
}

static struct ffa_value fwk(uint32_t type, uint64_t w3)
{
	struct ffa_value req = {.x = {FFA_MSG_SEND_DIRECT_REQ_32,
				      FFA_MSG_ENDPOINTS(FFA_SPMD_ENDPOINT_ID, 0x8000),
				      FFA_FWK_MSG_BIT | type, w3}};
	return handle(&req);
}

static void assert_fwk_resp(struct ffa_value v, uint32_t type, uint64_t w3)
{
	assert_int_equal(v.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
	/* Sender SPMC, receiver SPMD: what TF-A's spmd_is_spmc_message() checks. */
	assert_int_equal(v.x[1], (0x8000U << 16) | 0xFFFFU);
	assert_int_equal(v.x[2], FFA_FWK_MSG_BIT | type);
	assert_int_equal(v.x[3], w3);
	for (int i = 4; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(v.x[i], 0);
	}
}

/* The normal world's FFA_VERSION arrives as a framework message and is negotiated. */
static void version_request(void **state)
{
	(void)state;
	assert_fwk_resp(fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_1), FFA_FWK_MSG_VERSION_RESP,
			FFA_VERSION_1_2);
	assert_int_equal(ffa_endpoint_version(&spmc.nwd), FFA_VERSION_1_1);
	assert_fwk_resp(fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_MAKE(1, 5)),
			FFA_FWK_MSG_VERSION_RESP, 0xFFFFFFFFU);
	assert_int_equal(ffa_endpoint_version(&spmc.nwd), FFA_VERSION_1_1);
	assert_non_null(strstr(fake_console, "FFA_VERSION 1.5 -> NOT_SUPPORTED"));
}

/* Version requests after a normal-world call are locked to the negotiated one. */
static void version_locked_after_call(void **state)
{
	(void)state;
	fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_2);
	struct ffa_value req = {.x = {FFA_FEATURES_32, FFA_VERSION_32}};
	assert_int_equal(handle(&req).x[0], FFA_SUCCESS_32);
	assert_fwk_resp(fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_0), FFA_FWK_MSG_VERSION_RESP,
			0xFFFFFFFFU);
	assert_fwk_resp(fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_2), FFA_FWK_MSG_VERSION_RESP,
			FFA_VERSION_1_2);
}

/* PSCI CPU_OFF: PSCI_SUCCESS in w3 and the CPU marked off; other PSCI calls -1. */
static void psci_messages(void **state)
{
	(void)state;
	assert_fwk_resp(fwk(FFA_FWK_MSG_PSCI_REQ, 0x84000002), FFA_FWK_MSG_PSCI_RESP, 0);
	assert_false(cpus[2].on);
	assert_int_equal(cpu_off_calls, 1);
	assert_int_equal(irq_cpu_off_calls, 1); /* its SPIs and timers move off the CPU */
	assert_fwk_resp(fwk(FFA_FWK_MSG_PSCI_REQ, 0xC4000001), FFA_FWK_MSG_PSCI_RESP, 0xFFFFFFFFU);
	assert_non_null(strstr(fake_console, "[tzv c2] CPU_OFF: core 2 going down"));
}

/* An unknown framework message type gets INVALID_PARAMETERS. */
static void unknown_framework_type(void **state)
{
	(void)state;
	struct ffa_value v = fwk(0x55, 0);
	assert_int_equal(v.x[0], FFA_ERROR_32);
	assert_int_equal((int32_t)v.x[2], FFA_INVALID_PARAMETERS);
}

/* Partition messages from the normal world go to the partition layer and lock the version. */
static void direct_request_routed(void **state)
{
	(void)state;
	fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_2);
	struct ffa_value req = {.x = {FFA_MSG_SEND_DIRECT_REQ_64 | SMCCC_SVE_HINT,
				      FFA_MSG_ENDPOINTS(0, 0x8001), 0, 7}};
	struct ffa_value v = handle(&req);
	assert_int_equal(direct_req_calls, 1);
	assert_int_equal(v.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
	assert_true(spmc.nwd.version_locked);
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ2_64;
	handle(&req);
	assert_int_equal(direct_req_calls, 2);
	assert_int_equal(cpu_off_calls, 0);
}

/* Bit 31 of w2 from anyone but the SPMD, or to another receiver, is not a framework message. */
static void framework_bit_from_others(void **state)
{
	(void)state;
	struct ffa_value req = {.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(0, 0x8000),
				      FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_REQ, 0x84000002}};
	/* Not a framework message: an ordinary request (the partition layer refuses w2 != 0). */
	handle(&req);
	req.x[1] = FFA_MSG_ENDPOINTS(FFA_SPMD_ENDPOINT_ID, 0x8001);
	handle(&req);
	assert_int_equal(direct_req_calls, 2);
	assert_int_equal(cpu_off_calls, 0);
	assert_true(cpus[2].on);
	assert_null(strstr(fake_console, "CPU_OFF"));
}

/* Discovery ABIs are routed to the SPMC's handlers, only when the caller's version has them. */
static void discovery_routed_by_version(void **state)
{
	(void)state;
	fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_1);
	struct ffa_value req = {.x = {FFA_PARTITION_INFO_GET_32}};
	assert_int_equal(handle(&req).x[2], 2);
	req.x[0] = FFA_RXTX_MAP_64;
	assert_int_equal(handle(&req).x[2], 4);
	req.x[0] = FFA_RXTX_UNMAP_32;
	assert_int_equal(handle(&req).x[2], 5);
	req.x[0] = FFA_RX_RELEASE_32;
	assert_int_equal(handle(&req).x[2], 6);
	assert_int_equal(discovery_calls, 4);
	/* PARTITION_INFO_GET_REGS and DIRECT_REQ2 are v1.2 ABIs: a v1.1 caller is refused. */
	req.x[0] = FFA_PARTITION_INFO_GET_REGS_64;
	struct ffa_value v = handle(&req);
	assert_int_equal(v.x[0], FFA_ERROR_32);
	assert_int_equal((int32_t)v.x[2], FFA_NOT_SUPPORTED);
	req.x[0] = FFA_MSG_SEND_DIRECT_REQ2_64;
	v = handle(&req);
	assert_int_equal((int32_t)v.x[2], FFA_NOT_SUPPORTED);
	assert_int_equal(discovery_calls, 4);
	assert_int_equal(direct_req_calls, 0);
}

/* The eight notification ABIs go to spmc/notif.c, for v1.1 callers and later only. */
static void notifications_routed_by_version(void **state)
{
	(void)state;
	static const uint32_t fids[] = {
		FFA_NOTIFICATION_BITMAP_CREATE_32, FFA_NOTIFICATION_BITMAP_DESTROY_32,
		FFA_NOTIFICATION_BIND_32,	   FFA_NOTIFICATION_UNBIND_32,
		FFA_NOTIFICATION_SET_32,	   FFA_NOTIFICATION_GET_32,
		FFA_NOTIFICATION_INFO_GET_32,	   FFA_NOTIFICATION_INFO_GET_64,
	};
	fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_0);
	for (unsigned int i = 0; i < 8; i++) {
		struct ffa_value req = {.x = {fids[i]}};
		struct ffa_value v = handle(&req);
		assert_int_equal(v.x[0], FFA_ERROR_32);
		assert_int_equal((int32_t)v.x[2], FFA_NOT_SUPPORTED);
	}
	assert_int_equal(notif_calls, 0);
	spmc.nwd.version_locked = false;
	fwk(FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_1);
	for (unsigned int i = 0; i < 8; i++) {
		struct ffa_value req = {.x = {fids[i]}};
		assert_int_equal(handle(&req).x[2], fids[i]);
	}
	assert_int_equal(notif_calls, 8);
}

/* A secure interrupt with no partition to run resumes the normal world. */
static void interrupt_resumes_nwd(void **state)
{
	(void)state;
	struct ffa_value req = {.x = {FFA_INTERRUPT_32}};
	unsigned int before = irq_physical_calls;
	struct ffa_value v = handle(&req);
	assert_int_equal(irq_physical_calls, before + 1); /* handed to the interrupt layer */
	assert_int_equal(v.x[0], FFA_NORMAL_WORLD_RESUME_32);
	for (int i = 1; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(v.x[i], 0);
	}
}

/*
 * SMCCC v1.1+: answers leave the caller's x8-x17 alone, whatever the path
 * (framework message, setup and discovery, notifications, errors, partitions
 * run, secure interrupts); PARTITION_INFO_GET_REGS returns results there.
 */
static void answers_keep_x8_x17(void **state)
{
	(void)state;
	const struct ffa_value calls[] = {
		{.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(FFA_SPMD_ENDPOINT_ID, 0x8000),
		       FFA_FWK_MSG_BIT | FFA_FWK_MSG_VERSION_REQ, FFA_VERSION_1_2}},
		{.x = {FFA_FEATURES_32, FFA_VERSION_32}},
		{.x = {FFA_ID_GET_32}},
		{.x = {FFA_RXTX_MAP_64, 0x1000, 0x2000, 1}},
		{.x = {FFA_NOTIFICATION_GET_32}},
		{.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, 0x8001)}},
		{.x = {FFA_RUN_32, 0x80010000}},
		{.x = {FFA_INTERRUPT_32}},
		{.x = {FFA_MEM_SHARE_64}},
		{.x = {FFA_PARTITION_INFO_GET_REGS_64, 0, 0, 99}}, /* refused: not a result */
		{.x = {0x8400007F | 0x1000}},
	};
	for (unsigned int c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		struct ffa_value req = calls[c];
		for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
			req.x[i] = 0xCA9A000000000000ULL | (uint64_t)c << 8 | i;
		}
		struct ffa_value v = handle(&req);
		for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
			assert_int_equal(v.x[i], req.x[i]);
		}
	}
	assert_int_equal(direct_req_calls, 1);
	struct ffa_value req = {.x = {FFA_PARTITION_INFO_GET_REGS_64}};
	for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
		req.x[i] = 0xCA9A000000000000ULL | i;
	}
	struct ffa_value v = handle(&req);
	assert_int_equal(v.x[0], FFA_SUCCESS_64);
	for (unsigned int i = 3; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(v.x[i], 0x5EC0000000000000ULL | i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(version_request, setup),
		cmocka_unit_test_setup(notifications_routed_by_version, setup),
		cmocka_unit_test_setup(version_locked_after_call, setup),
		cmocka_unit_test_setup(psci_messages, setup),
		cmocka_unit_test_setup(unknown_framework_type, setup),
		cmocka_unit_test_setup(direct_request_routed, setup),
		cmocka_unit_test_setup(framework_bit_from_others, setup),
		cmocka_unit_test_setup(discovery_routed_by_version, setup),
		cmocka_unit_test_setup(interrupt_resumes_nwd, setup),
		cmocka_unit_test_setup(answers_keep_x8_x17, setup),
	};
	return cmocka_run_group_tests_name("spmd", tests, NULL, NULL);
}
