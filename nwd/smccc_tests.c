/*
 * SMCCC register rules (SMCCC v1.1+, FF-A v1.2): an answer leaves the
 * caller's x4-x17 alone unless they hold results, and nothing of another
 * endpoint's registers reaches the caller. Every call of this payload and of
 * the test partitions goes through the checks of tests/target/smccc_check.c
 * (canaries above the arguments); these tests name the paths where another
 * world's or partition's registers could leak in, and the suite's end
 * reports what the checks found on every call made on every core.
 */
#include "core/fmt.h"
#include "nwd.h"
#include "smccc_check.h"
#include "test_cmd.h"

/* A call whose answer starts with want_x0 and broke no register rule. */
static bool clean(const char *name, struct ffa_value *v, uint32_t want_x0)
{
	unsigned int bad = nwd_smc_checked(v);
	return expect_u64(name, "x0", (uint32_t)v->x[0], want_x0) &&
	       expect_u64(name, "registers breaking the SMCCC rules", bad, 0);
}

static void t_clean(const char *name, struct ffa_value v, uint32_t want_x0)
{
	if (clean(name, &v, want_x0)) {
		test_pass(name);
	}
}

static const struct {
	const char *name;
	uint16_t id;
} sps[] = {{"sp1", TEST_SP1_ID}, {"sp2", TEST_SP2_ID}, {"sp3", TEST_SP3_ID}};

void suite_smccc(void)
{
	char name[64];

	for (unsigned int i = 0; i < 3; i++) {
		uint16_t sp = sps[i].id;
		/* The partition answers with its own canaries in x8-x17: we must see ours. */
		fmt_snprintf(name, sizeof(name), "smccc.no_leak.%s.req32", sps[i].name);
		t_clean(name,
			(struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_32,
						 FFA_MSG_ENDPOINTS(0, sp), 0, TEST_CMD_ECHO, 1, 2,
						 3, 4}},
			FFA_MSG_SEND_DIRECT_RESP_32);
		fmt_snprintf(name, sizeof(name), "smccc.no_leak.%s.req64", sps[i].name);
		t_clean(name,
			(struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
						 FFA_MSG_ENDPOINTS(0, sp), 0, TEST_CMD_WHOAMI}},
			FFA_MSG_SEND_DIRECT_RESP_64);
		/* REQ2/RESP2 carry the message in x4-x17: the echo, not anybody's canaries. */
		fmt_snprintf(name, sizeof(name), "smccc.req2_results_in_x8_x17.%s", sps[i].name);
		struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, sp),
					    0, 0, TEST_CMD_ECHO}};
		for (unsigned int r = 5; r < FFA_VALUE_REGS; r++) {
			v.x[r] = 0xEC40000000000000ULL | (uint64_t)sp << 16 | r;
		}
		struct ffa_value sent = v;
		if (clean(name, &v, FFA_MSG_SEND_DIRECT_RESP2_64)) {
			bool ok = true;
			for (unsigned int r = 5; r < FFA_VALUE_REGS && ok; r++) {
				ok = expect_u64(name, "echoed register", v.x[r], sent.x[r]);
			}
			if (ok) {
				test_pass(name);
			}
		}
	}
	/* FFA_YIELD and FFA_RUN: the partition's x4-x17 (its canaries) stay with it. */
	t_clean("smccc.no_leak.yield",
		(struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					 FFA_MSG_ENDPOINTS(0, TEST_SP2_ID), 0, TEST_CMD_YIELD}},
		FFA_YIELD_32);
	t_clean("smccc.no_leak.run_after_yield",
		(struct ffa_value){.x = {FFA_RUN_32, (uint32_t)TEST_SP2_ID << 16}},
		FFA_MSG_SEND_DIRECT_RESP_64);
	/* A partition's call to another partition, and its answer back. */
	t_clean("smccc.no_leak.sp_to_sp_chain",
		(struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					 FFA_MSG_ENDPOINTS(0, TEST_SP1_ID), 0, TEST_CMD_CALL,
					 TEST_SP3_ID, TEST_CMD_ECHO}},
		FFA_MSG_SEND_DIRECT_RESP_64);
	/* Answers that run no partition: SPMC errors, the SPMD's own, framework messages. */
	t_clean("smccc.kept.error_unknown_receiver",
		(struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, 0x8FFF)}},
		FFA_ERROR_32);
	t_clean("smccc.kept.version_framework_message",
		(struct ffa_value){.x = {FFA_VERSION_32, FFA_VERSION_1_2}}, FFA_VERSION_1_2);
	t_clean("smccc.kept.features", (struct ffa_value){.x = {FFA_FEATURES_32, FFA_RXTX_MAP_64}},
		FFA_SUCCESS_32);
	t_clean("smccc.kept.id_get_by_spmd", (struct ffa_value){.x = {FFA_ID_GET_32}},
		FFA_SUCCESS_32);
	t_clean("smccc.kept.notification_info_get_64",
		(struct ffa_value){.x = {FFA_NOTIFICATION_INFO_GET_64}}, FFA_ERROR_32);
	t_clean("smccc.results_in_x8_x17.partition_info_get_regs",
		(struct ffa_value){.x = {FFA_PARTITION_INFO_GET_REGS_64}}, FFA_SUCCESS_64);
	t_clean("smccc.kept.psci_version", (struct ffa_value){.x = {PSCI_VERSION}}, 0x10001);
}

static void report(const char *name, const struct smccc_check_stats *s)
{
	if (s->violations == 0 && s->calls != 0) {
		nwd_printf("nwd: %s: SMCCC register rules held on %llu calls\n", name,
			   (unsigned long long)s->calls);
		test_pass(name);
		return;
	}
	test_fail(name,
		  "%llu of %llu calls broke a rule; first: call 0x%x answered 0x%x, x%u = 0x%llx",
		  (unsigned long long)s->violations, (unsigned long long)s->calls, s->first_fid,
		  s->first_answer, s->first_reg, (unsigned long long)s->first_value);
}

void suite_smccc_partitions_report(void)
{
	char name[64];

	for (unsigned int i = 0; i < 3; i++) {
		struct ffa_value v = sp_cmd(sps[i].id, TEST_CMD_SMCCC_STATS, 0, 0);
		struct smccc_check_stats s = {
			.calls = v.x[4],
			.violations = v.x[5] & ((1ULL << 56) - 1),
			.first_fid = (uint32_t)v.x[6],
			.first_answer = (uint32_t)(v.x[6] >> 32),
			.first_reg = (uint32_t)(v.x[5] >> 56),
			.first_value = v.x[7],
		};
		fmt_snprintf(name, sizeof(name), "smccc.regs.all_calls.%s", sps[i].name);
		if (expect_u64(name, "status", v.x[3], TEST_STATUS_OK)) {
			report(name, &s);
		}
	}
}

void suite_smccc_nwd_report(void)
{
	struct smccc_check_stats s;

	smccc_stats_sum(&s);
	report("smccc.regs.all_calls.nwd", &s);
}
