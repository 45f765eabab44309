/* Host tests for the role-independent FF-A core: version negotiation, FEATURES, dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/ffa_core.h"

static const struct ffa_instance inst = {.spmc_id = 0x8000};

static struct ffa_value call(struct ffa_endpoint *ep, uint64_t x0, uint64_t x1, uint64_t x2)
{
	struct ffa_value args = {.x = {x0, x1, x2}};
	return ffa_call(&inst, ep, &args);
}

static void assert_error(struct ffa_value v, enum ffa_error code)
{
	assert_int_equal(v.x[0], FFA_ERROR_32);
	assert_int_equal(v.x[1], 0);
	assert_int_equal((int32_t)v.x[2], code);
	for (int i = 3; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(v.x[i], 0);
	}
}

static void assert_success(struct ffa_value v, uint64_t w2)
{
	assert_int_equal(v.x[0], FFA_SUCCESS_32);
	assert_int_equal(v.x[1], 0);
	assert_int_equal(v.x[2], w2);
	for (int i = 3; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(v.x[i], 0);
	}
}

/* An endpoint that never called FFA_VERSION is treated as v1.0 and unlocked. */
static void endpoint_defaults(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 7);
	assert_int_equal(ep.id, 7);
	assert_int_equal(ffa_endpoint_version(&ep), FFA_VERSION_1_0);
	assert_false(ep.version_locked);
}

/* Compatible requests (1.0, 1.1, 1.2) are answered with 1.2 and recorded. */
static void version_compatible(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	const uint32_t ok[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
	for (size_t i = 0; i < 3; i++) {
		struct ffa_value v = call(&ep, FFA_VERSION_32, ok[i], 0);
		assert_int_equal(v.x[0], FFA_VERSION_1_2);
		for (int r = 1; r < FFA_VALUE_REGS; r++) {
			assert_int_equal(v.x[r], 0);
		}
		assert_int_equal(ffa_endpoint_version(&ep), ok[i]);
		assert_false(ep.version_locked);
	}
}

/* Bit 31, another major, a higher minor: NOT_SUPPORTED in x0, version unchanged. */
static void version_refused(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_1, 0);
	const uint32_t bad[] = {FFA_VERSION_MBZ_BIT | FFA_VERSION_1_2, FFA_VERSION_MAKE(1, 3),
				FFA_VERSION_MAKE(2, 0), FFA_VERSION_MAKE(0, 0),
				FFA_VERSION_MAKE(0x7FFF, 0xFFFF)};
	for (size_t i = 0; i < 5; i++) {
		struct ffa_value v = call(&ep, FFA_VERSION_32, bad[i], 0);
		assert_int_equal(v.x[0], (uint32_t)FFA_NOT_SUPPORTED);
		assert_int_equal(ffa_endpoint_version(&ep), FFA_VERSION_1_1);
	}
}

/* The upper half of x1 is ignored for the SMC32 FFA_VERSION. */
static void version_smc32_upper_bits(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	struct ffa_value v = call(&ep, FFA_VERSION_32, 0xFFFFFFFF00000000ULL | FFA_VERSION_1_1, 0);
	assert_int_equal(v.x[0], FFA_VERSION_1_2);
	assert_int_equal(ffa_endpoint_version(&ep), FFA_VERSION_1_1);
}

/* Any other call locks the version: a different one is refused, the same one answered. */
static void version_lock(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	assert_success(call(&ep, FFA_ID_GET_32, 0, 0), 0);
	assert_true(ep.version_locked);
	assert_int_equal(call(&ep, FFA_VERSION_32, FFA_VERSION_1_1, 0).x[0],
			 (uint32_t)FFA_NOT_SUPPORTED);
	assert_int_equal(ffa_endpoint_version(&ep), FFA_VERSION_1_2);
	assert_int_equal(call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0).x[0], FFA_VERSION_1_2);
}

/* Even a refused call (unknown function) locks the version. */
static void version_lock_by_failed_call(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	assert_error(call(&ep, 0x84000078, 0, 0), FFA_NOT_SUPPORTED);
	assert_true(ep.version_locked);
	assert_int_equal(call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0).x[0],
			 (uint32_t)FFA_NOT_SUPPORTED);
	assert_int_equal(ffa_endpoint_version(&ep), FFA_VERSION_1_0);
}

/* ID_GET answers the caller's own ID; SPM_ID_GET the SPMC's. */
static void id_get(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0x8123);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	assert_success(call(&ep, FFA_ID_GET_32, 0, 0), 0x8123);
	assert_success(call(&ep, FFA_SPM_ID_GET_32, 0, 0), 0x8000);
}

/* SPM_ID_GET is a v1.1 ABI: a v1.0 caller neither sees nor may call it. */
static void v1_0_caller_sees_no_v1_1_abi(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_0, 0);
	assert_error(call(&ep, FFA_FEATURES_32, FFA_SPM_ID_GET_32, 0), FFA_NOT_SUPPORTED);
	assert_error(call(&ep, FFA_SPM_ID_GET_32, 0, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_ID_GET_32, 0), 0);
}

/* FEATURES reports exactly the implemented ABIs, masking the SVE hint. */
static void features_functions(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	const uint32_t yes[] = {FFA_ERROR_32,	 FFA_SUCCESS_32, FFA_SUCCESS_64,   FFA_VERSION_32,
				FFA_FEATURES_32, FFA_ID_GET_32,	 FFA_SPM_ID_GET_32};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_success(call(&ep, FFA_FEATURES_32, yes[i], 0), 0);
		assert_success(call(&ep, FFA_FEATURES_32, yes[i] | SMCCC_SVE_HINT, 0), 0);
	}
	const uint32_t no[] = {FFA_MSG_WAIT_32,
			       FFA_MEM_RETRIEVE_RESP_32,
			       FFA_MSG_SEND_DIRECT_RESP_32,
			       FFA_CONSOLE_LOG_64,
			       FFA_YIELD_32,
			       FFA_MEM_RELINQUISH_32,
			       0x84000078,
			       0xC4000063,
			       0x84000099,
			       0x80000000,
			       0x84000079};
	/* Setup and discovery: implemented; RXTX_MAP reports 4 KiB minimum, 16 pages at most. */
	assert_success(call(&ep, FFA_FEATURES_32, FFA_RXTX_MAP_64, 0), 16U << 16);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_RXTX_MAP_32, 0), 16U << 16);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_RXTX_UNMAP_32, 0), 0);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_RX_RELEASE_32, 0), 0);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_PARTITION_INFO_GET_32, 0), 0);
	assert_success(call(&ep, FFA_FEATURES_32, FFA_PARTITION_INFO_GET_REGS_64, 0), 0);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_error(call(&ep, FFA_FEATURES_32, no[i], 0), FFA_NOT_SUPPORTED);
	}
}

/* Partitions and the normal world see different ABIs; v1.2 ABIs need a v1.2 caller. */
static void features_by_caller(void **state)
{
	(void)state;
	struct ffa_endpoint nwd, sp, sp11;
	ffa_endpoint_init(&nwd, 0);
	ffa_endpoint_init(&sp, 0x8001);
	ffa_endpoint_init(&sp11, 0x8002);
	call(&nwd, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	call(&sp, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	call(&sp11, FFA_VERSION_32, FFA_VERSION_1_1, 0);
	const uint32_t both[] = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_SEND_DIRECT_REQ_64,
				 FFA_MSG_SEND_DIRECT_REQ2_64};
	const uint32_t sp_only[] = {FFA_MSG_SEND_DIRECT_RESP_32,  FFA_MSG_SEND_DIRECT_RESP_64,
				    FFA_MSG_SEND_DIRECT_RESP2_64, FFA_MSG_WAIT_32,
				    FFA_CONSOLE_LOG_32,		  FFA_CONSOLE_LOG_64,
				    FFA_SECONDARY_EP_REGISTER_64};
	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		assert_success(call(&nwd, FFA_FEATURES_32, both[i], 0), 0);
		assert_success(call(&sp, FFA_FEATURES_32, both[i], 0), 0);
	}
	for (size_t i = 0; i < sizeof(sp_only) / sizeof(sp_only[0]); i++) {
		assert_error(call(&nwd, FFA_FEATURES_32, sp_only[i], 0), FFA_NOT_SUPPORTED);
		assert_success(call(&sp, FFA_FEATURES_32, sp_only[i], 0), 0);
	}
	/* Scheduling: the normal world runs partitions; partitions yield. Both send messages. */
	assert_success(call(&nwd, FFA_FEATURES_32, FFA_RUN_32, 0), 0);
	assert_error(call(&sp, FFA_FEATURES_32, FFA_RUN_32, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&nwd, FFA_FEATURES_32, FFA_RX_ACQUIRE_32, 0), 0);
	assert_error(call(&sp, FFA_FEATURES_32, FFA_RX_ACQUIRE_32, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&sp, FFA_FEATURES_32, FFA_YIELD_32, 0), 0);
	assert_error(call(&nwd, FFA_FEATURES_32, FFA_YIELD_32, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&nwd, FFA_FEATURES_32, FFA_MSG_SEND2_32, 0), 0);
	assert_success(call(&sp, FFA_FEATURES_32, FFA_MSG_SEND2_32, 0), 0);
	/* Memory permissions: a partition's ABI (S-EL0 ones; S-EL1 ones are DENIED). */
	assert_success(call(&sp, FFA_FEATURES_32, FFA_MEM_PERM_GET_32, 0), 0);
	assert_success(call(&sp11, FFA_FEATURES_32, FFA_MEM_PERM_SET_32, 0), 0);
	assert_error(call(&nwd, FFA_FEATURES_32, FFA_MEM_PERM_SET_32, 0), FFA_NOT_SUPPORTED);
	/* Notifications: both bind, set and get; the normal world manages bitmaps and asks. */
	const uint32_t notif_both[] = {FFA_NOTIFICATION_BIND_32, FFA_NOTIFICATION_UNBIND_32,
				       FFA_NOTIFICATION_SET_32, FFA_NOTIFICATION_GET_32};
	const uint32_t notif_nwd[] = {FFA_NOTIFICATION_BITMAP_CREATE_32,
				      FFA_NOTIFICATION_BITMAP_DESTROY_32,
				      FFA_NOTIFICATION_INFO_GET_32, FFA_NOTIFICATION_INFO_GET_64};
	for (size_t i = 0; i < 4; i++) {
		assert_success(call(&nwd, FFA_FEATURES_32, notif_both[i], 0), 0);
		assert_success(call(&sp11, FFA_FEATURES_32, notif_both[i], 0), 0);
		assert_success(call(&nwd, FFA_FEATURES_32, notif_nwd[i], 0), 0);
		assert_error(call(&sp, FFA_FEATURES_32, notif_nwd[i], 0), FFA_NOT_SUPPORTED);
	}
	/* REQ2/RESP2 and CONSOLE_LOG are FF-A v1.2: a v1.1 partition does not see them. */
	assert_error(call(&sp11, FFA_FEATURES_32, FFA_MSG_SEND_DIRECT_REQ2_64, 0),
		     FFA_NOT_SUPPORTED);
	assert_error(call(&sp11, FFA_FEATURES_32, FFA_CONSOLE_LOG_64, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&sp11, FFA_FEATURES_32, FFA_SECONDARY_EP_REGISTER_64, 0), 0);
	assert_success(call(&sp11, FFA_FEATURES_32, FFA_MSG_SEND_DIRECT_REQ_64, 0), 0);
	/* The v1.1 view of RXTX_MAP has no maximum page count field. */
	assert_success(call(&sp11, FFA_FEATURES_32, FFA_RXTX_MAP_64, 0), 0);
	assert_error(call(&sp11, FFA_FEATURES_32, FFA_PARTITION_INFO_GET_REGS_64, 0),
		     FFA_NOT_SUPPORTED);
}

/* Feature IDs (bit 31 clear) and a non-zero input property are not supported. */
static void features_feature_ids_and_input(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	for (uint32_t id = 0; id < 8; id++) {
		assert_error(call(&ep, FFA_FEATURES_32, id, 0), FFA_NOT_SUPPORTED);
	}
	assert_error(call(&ep, FFA_FEATURES_32, 0x102, 0), FFA_NOT_SUPPORTED);
	assert_error(call(&ep, FFA_FEATURES_32, FFA_VERSION_32, 1), FFA_NOT_SUPPORTED);
	/* SMC32: the upper halves of x1 and x2 are ignored. */
	assert_success(call(&ep, FFA_FEATURES_32, 0xDEAD000000000000ULL | FFA_VERSION_32,
			    0xFFFFFFFF00000000ULL),
		       0);
}

/* The schedule-receiver interrupt: for a v1.1+ normal world of an instance that has one. */
static void features_sri(void **state)
{
	(void)state;
	const struct ffa_instance with_sri = {.spmc_id = 0x8000, .sri_intid = 8};
	struct ffa_endpoint nwd, nwd10, sp;
	ffa_endpoint_init(&nwd, 0);
	ffa_endpoint_init(&nwd10, 0);
	ffa_endpoint_init(&sp, 0x8001);
	ffa_version(&nwd, FFA_VERSION_1_1);
	ffa_version(&sp, FFA_VERSION_1_2);
	assert_success(ffa_features(&with_sri, &nwd, FFA_FEATURE_SRI, 0), 8);
	assert_error(ffa_features(&with_sri, &nwd, FFA_FEATURE_SRI, 1), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with_sri, &nwd10, FFA_FEATURE_SRI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with_sri, &sp, FFA_FEATURE_SRI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with_sri, &nwd, FFA_FEATURE_NPI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with_sri, &nwd, FFA_FEATURE_MEI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&inst, &nwd, FFA_FEATURE_SRI, 0), FFA_NOT_SUPPORTED);
}

/*
 * The notification-pending (1) and managed-exit (3) interrupts: their virtual
 * IDs, for a v1.1+ partition that takes virtual interrupts (S-EL1) only.
 */
static void features_npi_mei(void **state)
{
	(void)state;
	const struct ffa_instance with = {
		.spmc_id = 0x8000, .sri_intid = 8, .npi_intid = 5, .mei_intid = 4};
	struct ffa_endpoint nwd, sel1, sel1_10, sel0;
	ffa_endpoint_init(&nwd, 0);
	ffa_endpoint_init(&sel1, 0x8001);
	ffa_endpoint_init(&sel1_10, 0x8002);
	ffa_endpoint_init(&sel0, 0x8003);
	ffa_version(&nwd, FFA_VERSION_1_2);
	ffa_version(&sel1, FFA_VERSION_1_2);
	ffa_version(&sel0, FFA_VERSION_1_2);
	sel1.virt_intids = true;
	sel1_10.virt_intids = true;
	nwd.virt_intids = false;
	sel0.virt_intids = false;
	assert_success(ffa_features(&with, &sel1, FFA_FEATURE_NPI, 0), 5);
	assert_success(ffa_features(&with, &sel1, FFA_FEATURE_MEI, 0), 4);
	assert_error(ffa_features(&with, &sel1, FFA_FEATURE_SRI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel1, FFA_FEATURE_NPI, 1), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel1, FFA_FEATURE_MEI, 0x100), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel1, 0x4, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel1_10, FFA_FEATURE_NPI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel0, FFA_FEATURE_NPI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &sel0, FFA_FEATURE_MEI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &nwd, FFA_FEATURE_NPI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&with, &nwd, FFA_FEATURE_MEI, 0), FFA_NOT_SUPPORTED);
	assert_success(ffa_features(&with, &nwd, FFA_FEATURE_SRI, 0), 8);
	/* An instance without them (the hypervisor role). */
	assert_error(ffa_features(&inst, &sel1, FFA_FEATURE_NPI, 0), FFA_NOT_SUPPORTED);
	assert_error(ffa_features(&inst, &sel1, FFA_FEATURE_MEI, 0), FFA_NOT_SUPPORTED);
}

/* Every known-but-unimplemented ABI and every unknown ID is NOT_SUPPORTED. */
static void dispatch_unsupported(void **state)
{
	(void)state;
	struct ffa_endpoint ep;
	ffa_endpoint_init(&ep, 0);
	call(&ep, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	for (uint32_t n = 0x60; n <= 0x8F; n++) {
		for (int wide = 0; wide < 2; wide++) {
			uint32_t fid = (wide ? 0xC4000000U : 0x84000000U) | n;
			if (fid == FFA_VERSION_32 || fid == FFA_FEATURES_32 ||
			    fid == FFA_ID_GET_32 || fid == FFA_SPM_ID_GET_32) {
				continue;
			}
			assert_error(call(&ep, fid, 0, 0), FFA_NOT_SUPPORTED);
		}
	}
	assert_int_equal(ffa_abi_since(0x84000099), 0);
	assert_int_equal(ffa_abi_since(FFA_MSG_SEND_DIRECT_REQ2_64), FFA_VERSION_1_2);
	assert_int_equal(ffa_abi_since(FFA_SPM_ID_GET_32), FFA_VERSION_1_1);
	assert_int_equal(ffa_abi_since(FFA_MEM_SHARE_64), FFA_VERSION_1_0);
}

/*
 * Memory management: both worlds send, reclaim and fragment; only partitions
 * relinquish; FFA_MEM_RETRIEVE_REQ takes and reports its properties (NS
 * bit: required from v1.1, how a v1.0 caller asks for it; hypervisor
 * retrieve requests answered); no dynamic buffers; no pause/resume.
 */
static void features_memory(void **state)
{
	(void)state;
	struct ffa_endpoint nwd, sp, sp10;
	ffa_endpoint_init(&nwd, 0);
	ffa_endpoint_init(&sp, 0x8001);
	ffa_endpoint_init(&sp10, 0x8002);
	call(&nwd, FFA_VERSION_32, FFA_VERSION_1_2, 0);
	call(&sp, FFA_VERSION_32, FFA_VERSION_1_1, 0);
	call(&sp10, FFA_VERSION_32, FFA_VERSION_1_0, 0);
	const uint32_t both[] = {FFA_MEM_SHARE_32,   FFA_MEM_SHARE_64,	 FFA_MEM_LEND_32,
				 FFA_MEM_LEND_64,    FFA_MEM_DONATE_32,	 FFA_MEM_DONATE_64,
				 FFA_MEM_FRAG_TX_32, FFA_MEM_FRAG_RX_32, FFA_MEM_RECLAIM_32};
	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		assert_success(call(&nwd, FFA_FEATURES_32, both[i], 0), 0);
		assert_success(call(&sp, FFA_FEATURES_32, both[i], 0), 0);
		assert_success(call(&sp10, FFA_FEATURES_32, both[i], 0), 0);
		assert_error(call(&sp, FFA_FEATURES_32, both[i], 1), FFA_NOT_SUPPORTED);
	}
	assert_success(call(&sp, FFA_FEATURES_32, FFA_MEM_RELINQUISH_32, 0), 0);
	assert_error(call(&nwd, FFA_FEATURES_32, FFA_MEM_RELINQUISH_32, 0), FFA_NOT_SUPPORTED);
	/* Retrieve: NS bit (input bit 1) required from v1.1; reported with hypervisor requests. */
	assert_error(call(&sp, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 0), FFA_NOT_SUPPORTED);
	assert_success(call(&sp, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_64, 2), 6);
	assert_success(call(&nwd, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 2), 6);
	assert_error(call(&sp, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 3), FFA_NOT_SUPPORTED);
	assert_error(call(&sp, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 1U << 31),
		     FFA_NOT_SUPPORTED);
	/* A v1.0 caller: without bit 1 it gets no NS bit; asking for it is recorded. */
	assert_success(call(&sp10, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 0), 6);
	assert_false(sp10.mem_ns_bit);
	assert_success(call(&sp10, FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 2), 6);
	assert_true(sp10.mem_ns_bit);
	/* Answers and pause/resume are not calls tzvisor takes. */
	assert_error(call(&sp, FFA_FEATURES_32, FFA_MEM_RETRIEVE_RESP_32, 0), FFA_NOT_SUPPORTED);
	assert_error(call(&nwd, FFA_FEATURES_32, 0x84000078, 0), FFA_NOT_SUPPORTED);
	assert_error(call(&nwd, FFA_FEATURES_32, 0x84000079, 0), FFA_NOT_SUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(endpoint_defaults),
		cmocka_unit_test(version_compatible),
		cmocka_unit_test(version_refused),
		cmocka_unit_test(version_smc32_upper_bits),
		cmocka_unit_test(version_lock),
		cmocka_unit_test(version_lock_by_failed_call),
		cmocka_unit_test(id_get),
		cmocka_unit_test(v1_0_caller_sees_no_v1_1_abi),
		cmocka_unit_test(features_functions),
		cmocka_unit_test(features_by_caller),
		cmocka_unit_test(features_memory),
		cmocka_unit_test(features_sri),
		cmocka_unit_test(features_npi_mei),
		cmocka_unit_test(features_feature_ids_and_input),
		cmocka_unit_test(dispatch_unsupported),
	};
	return cmocka_run_group_tests_name("ffa", tests, NULL, NULL);
}
