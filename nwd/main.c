/*
 * On-target tests, run by the normal world against the SPMC through TF-A's
 * SPMD. Order matters for FFA_VERSION: the negotiated version locks at the
 * first FF-A call other than FFA_VERSION that reaches the SPMC.
 */
#include "core/fmt.h"
#include "nwd.h"
#include "plat/plat.h"
#include "test_cmd.h"

void nwd_secondary_entry(void);

static void t_error(const char *name, uint64_t x0, uint64_t x1, uint64_t x2, enum ffa_error code)
{
	test_ffa_error(name, ffa_call8(x0, x1, x2, 0), code);
}

static void t_success(const char *name, uint64_t x0, uint64_t x1, uint64_t w2_want)
{
	test_ffa_success(name, ffa_call8(x0, x1, 0, 0), w2_want);
}

/* FFA_VERSION answers in x0 alone; x1-x7 must be zero. */
static void t_version(const char *name, uint64_t requested, uint32_t want)
{
	struct ffa_value v = ffa_call8(FFA_VERSION_32, requested, 0, 0);
	if (!expect_u64(name, "x0", (uint32_t)v.x[0], want)) {
		return;
	}
	for (unsigned int i = 1; i < 8; i++) {
		if (v.x[i] != 0) {
			test_fail(name, "x%u = 0x%llx, want 0", i, (unsigned long long)v.x[i]);
			return;
		}
	}
	test_pass(name);
}

#define NOT_SUPP 0xFFFFFFFFU

static void suite_version(void)
{
	t_version("ffa.version.first_call", FFA_VERSION_1_2, FFA_VERSION_1_2);
	t_version("ffa.version.v1_2", FFA_VERSION_1_2, FFA_VERSION_1_2);
	t_version("ffa.version.v1_0_caller", FFA_VERSION_1_0, FFA_VERSION_1_2);
	t_version("ffa.version.v1_1_caller", FFA_VERSION_1_1, FFA_VERSION_1_2);
	t_version("ffa.version.bad.bit31", FFA_VERSION_MBZ_BIT | FFA_VERSION_1_2, NOT_SUPP);
	t_version("ffa.version.bad.higher_minor", FFA_VERSION_MAKE(1, 3), NOT_SUPP);
	t_version("ffa.version.bad.major2", FFA_VERSION_MAKE(2, 0), NOT_SUPP);
	t_version("ffa.version.bad.major0", FFA_VERSION_MAKE(0, 0), NOT_SUPP);
	t_version("ffa.version.bad.upper_bits_ignored", 0xFFFFFFFF00000000ULL | FFA_VERSION_1_2,
		  FFA_VERSION_1_2);
	/* Settle on v1.2; the next non-VERSION call locks it. */
	t_version("ffa.version.renegotiate_before_lock", FFA_VERSION_1_2, FFA_VERSION_1_2);
}

static void suite_id(void)
{
	t_success("ffa.id_get", FFA_ID_GET_32, 0, FFA_NWD_ENDPOINT_ID);
	t_success("ffa.spm_id_get", FFA_SPM_ID_GET_32, 0, 0x8000);
}

static void suite_features(void)
{
	t_success("ffa.features.version", FFA_FEATURES_32, FFA_VERSION_32, 0);
	t_success("ffa.features.features", FFA_FEATURES_32, FFA_FEATURES_32, 0);
	t_success("ffa.features.id_get", FFA_FEATURES_32, FFA_ID_GET_32, 0);
	t_success("ffa.features.spm_id_get", FFA_FEATURES_32, FFA_SPM_ID_GET_32, 0);
	t_success("ffa.features.error", FFA_FEATURES_32, FFA_ERROR_32, 0);
	t_success("ffa.features.success64", FFA_FEATURES_32, FFA_SUCCESS_64, 0);
	t_success("ffa.features.sve_hint_masked", FFA_FEATURES_32 | SMCCC_SVE_HINT, FFA_VERSION_32,
		  0);
	t_success("ffa.features.w1_upper_bits_ignored", FFA_FEATURES_32,
		  0xDEAD000000000000ULL | FFA_VERSION_32, 0);
	t_error("ffa.features.bad.unknown_fid", FFA_FEATURES_32, 0x84000099, 0, FFA_NOT_SUPPORTED);
	t_success("ffa.features.mem_share", FFA_FEATURES_32, FFA_MEM_SHARE_64, 0);
	t_success("ffa.features.mem_lend", FFA_FEATURES_32, FFA_MEM_LEND_32, 0);
	t_success("ffa.features.mem_donate", FFA_FEATURES_32, FFA_MEM_DONATE_64, 0);
	t_success("ffa.features.mem_reclaim", FFA_FEATURES_32, FFA_MEM_RECLAIM_32, 0);
	t_success("ffa.features.mem_frag_tx", FFA_FEATURES_32, FFA_MEM_FRAG_TX_32, 0);
	t_success("ffa.features.mem_frag_rx", FFA_FEATURES_32, FFA_MEM_FRAG_RX_32, 0);
	/* The normal world retrieves only as a hypervisor (by handle); NS bit support required. */
	test_ffa_success("ffa.features.mem_retrieve_req",
			 ffa_call8(FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_64, 2, 0), 6);
	t_error("ffa.features.bad.mem_retrieve_req_without_ns_bit", FFA_FEATURES_32,
		FFA_MEM_RETRIEVE_REQ_32, 0, FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.mem_relinquish_from_nwd", FFA_FEATURES_32, FFA_MEM_RELINQUISH_32,
		0, FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.mem_op_pause", FFA_FEATURES_32, 0x84000078, 0, FFA_NOT_SUPPORTED);
	t_success("ffa.features.rxtx_map_properties", FFA_FEATURES_32, FFA_RXTX_MAP_64, 16U << 16);
	t_error("ffa.features.bad.msg_wait_from_nwd", FFA_FEATURES_32, FFA_MSG_WAIT_32, 0,
		FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.feature_npi", FFA_FEATURES_32, FFA_FEATURE_NPI, 0,
		FFA_NOT_SUPPORTED);
	t_success("ffa.features.feature_sri", FFA_FEATURES_32, FFA_FEATURE_SRI, 8);
	t_error("ffa.features.bad.feature_mei", FFA_FEATURES_32, FFA_FEATURE_MEI, 0,
		FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.feature_reserved_bits", FFA_FEATURES_32, 0x00000102, 0,
		FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.input_property", FFA_FEATURES_32, FFA_VERSION_32, 1,
		FFA_NOT_SUPPORTED);
	t_error("ffa.features.bad.smc64_of_32bit_abi", FFA_FEATURES_32, 0xC4000063, 0,
		FFA_NOT_SUPPORTED);
}

static void suite_version_lock(void)
{
	t_version("ffa.version.locked.other_refused", FFA_VERSION_1_1, NOT_SUPP);
	t_version("ffa.version.locked.v1_0_refused", FFA_VERSION_1_0, NOT_SUPP);
	t_version("ffa.version.locked.same_accepted", FFA_VERSION_1_2, FFA_VERSION_1_2);
	/* The refused attempts changed nothing: v1.1 ABIs are still visible. */
	t_success("ffa.version.locked.state_unchanged", FFA_FEATURES_32, FFA_SPM_ID_GET_32, 0);
}

static void suite_unsupported(void)
{
	static const struct {
		const char *name;
		uint32_t fid;
	} calls[] = {
		{"ffa.unsupported.mem_op_pause", 0x84000078},
		{"ffa.unsupported.mem_op_resume", 0x84000079},
		{"ffa.unsupported.mem_relinquish_from_nwd", FFA_MEM_RELINQUISH_32},
		{"ffa.unsupported.msg_wait_from_nwd", FFA_MSG_WAIT_32},
	};
	for (unsigned int i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		t_error(calls[i].name, calls[i].fid, 0, 0, FFA_NOT_SUPPORTED);
	}
	/* A normal-world sender ID with bit 15 set is a spoof: the SPMD refuses it. */
	t_error("ffa.bad.direct_req_spoofed_secure_sender", FFA_MSG_SEND_DIRECT_REQ_32,
		FFA_MSG_ENDPOINTS(0x8000, 0x8000), 0, FFA_INVALID_PARAMETERS);
	/* Posing as the SPMD with a framework message never reaches the SPMC's handler. */
	t_error("ffa.bad.direct_req_posing_as_spmd", FFA_MSG_SEND_DIRECT_REQ_32,
		FFA_MSG_ENDPOINTS(0xFFFF, 0x8000), FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_REQ,
		FFA_INVALID_PARAMETERS);
	/* Outside the FF-A range (0x60-0x8E) TF-A itself answers SMC_UNK (SMCCC). */
	struct ffa_value v = ffa_call8(0x84000099, 0, 0, 0);
	if (expect_u64("smccc.unknown_fid_outside_ffa_range", "x0", v.x[0], ~0ULL)) {
		test_pass("smccc.unknown_fid_outside_ffa_range");
	}
	t_success("ffa.bad.spmc_alive_after_hostile_calls", FFA_ID_GET_32, 0, 0);
}

/* --- SMP: PSCI CPU_ON / CPU_OFF cycles with FF-A calls on every core --- */

#define SECONDARIES 3U
#define ROUNDS 3U
#define HAMMER 64U

struct core_slot {
	volatile uint32_t round; /* written by the primary before CPU_ON */
	volatile uint32_t done; /* round+1 when the results below are valid */
	volatile uint32_t release; /* round+1 when the core may turn itself off */
	volatile uint64_t version, id, spm_id, features, unknown, hammer_bad;
	volatile uint64_t sp1_ec, sp1_id, sp2_ec, sp2_id, sp2_busy, notif_step;
	volatile uint64_t sp1_sctlr, watch_fault, watch_reads, mem_failure;
};

static struct core_slot slots[8];

static void barrier(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

void nwd_secondary_main(uint64_t index);
void nwd_secondary_main(uint64_t index)
{
	struct core_slot *s = &slots[index];
	struct ffa_value v;
	uint64_t bad = 0;

	if (nwd_irq_core_mode) {
		irq_core_loop(index); /* the interrupt tests' helper core (irq_tests.c) */
	}

	v = ffa_call8(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0);
	s->version = v.x[0];
	v = ffa_call8(FFA_ID_GET_32, 0, 0, 0);
	s->id = (uint32_t)v.x[0] == FFA_SUCCESS_32 ? v.x[2] : ~0ULL;
	v = ffa_call8(FFA_SPM_ID_GET_32, 0, 0, 0);
	s->spm_id = (uint32_t)v.x[0] == FFA_SUCCESS_32 ? v.x[2] : ~0ULL;
	v = ffa_call8(FFA_FEATURES_32, FFA_VERSION_32, 0, 0);
	s->features = v.x[0];
	v = ffa_call8(FFA_FEATURES_32, 0x84000099, 0, 0);
	s->unknown = (uint32_t)v.x[0] == FFA_ERROR_32 ? (uint32_t)v.x[2] : 0;
	/* Concurrent calls from all cores at once. */
	for (unsigned int i = 0; i < HAMMER; i++) {
		v = ffa_call8(FFA_FEATURES_32, FFA_SPM_ID_GET_32, 0, 0);
		bad += (uint32_t)v.x[0] != FFA_SUCCESS_32;
	}
	s->hammer_bad = bad;
	/* sp1 has one pinned execution context per core; sp2's single one migrates here. */
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_WHOAMI, 0, 0);
	s->sp1_id = v.x[4];
	s->sp1_ec = (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ? v.x[5] : ~0ULL;
	/* Cores race for sp2's one context: a loser gets BUSY and retries, as a driver would. */
	for (unsigned int tries = 0; tries < 1000; tries++) {
		v = sp_cmd(TEST_SP2_ID, TEST_CMD_WHOAMI, 0, 0);
		if ((uint32_t)v.x[0] != FFA_ERROR_32 || (int32_t)v.x[2] != FFA_BUSY) {
			break;
		}
		s->sp2_busy++;
	}
	s->sp2_id = v.x[4];
	s->sp2_ec = (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ? v.x[5] : ~0ULL;
	s->notif_step = notif_on_core((unsigned int)index);
	s->mem_failure = mem_on_core((unsigned int)index, s->round);
	/* sp1's context here turned its MMU on when it (re)started on this core. */
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_MMU_STATE, 0, 0);
	s->sp1_sctlr = (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ? v.x[4] : ~0ULL;
	/* Until core 0 unmaps the page (mmu_smp_unmap). */
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_MMU_WATCH, TEST_AREA_MAP_PAGE, s->round + 1);
	bool watched = (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64;
	s->watch_fault = watched ? v.x[4] : ~0ULL;
	s->watch_reads = watched ? v.x[5] : ~0ULL;
	barrier();
	s->done = s->round + 1;
	barrier();
	while (s->release != s->round + 1) {
		barrier();
	}
	v = ffa_call8(PSCI_CPU_OFF, 0, 0, 0);
	/* CPU_OFF only returns on failure. */
	s->hammer_bad = 0xDEAD;
	for (;;) {
	}
}

static bool wait_until(volatile uint32_t *p, uint32_t want, uint64_t timeout_us)
{
	uint64_t end = read_cntpct() + timeout_us * (read_cntfrq() / 1000000);

	while (*p != want) {
		barrier();
		if (read_cntpct() > end) {
			return false;
		}
	}
	return true;
}

static void suite_smp(void)
{
	char name[64];
	uint64_t entry = (uint64_t)(uintptr_t)nwd_secondary_entry;

	notif_smp_setup(true);
	/* sp1 takes CPU_OFF messages; on the first, each EC first tries three wrong answers. */
	sp_cmd(TEST_SP1_ID, TEST_CMD_PM_MISBEHAVE, 0, 0);

	for (uint32_t round = 0; round < ROUNDS; round++) {
		mmu_smp_round_start();
		for (uint32_t c = 1; c <= SECONDARIES; c++) {
			struct core_slot *s = &slots[c];
			s->round = round;
			barrier();
			fmt_snprintf(name, sizeof(name), "psci.cpu_on.core%u.round%u", c, round);
			struct ffa_value v = ffa_call8(PSCI_CPU_ON, c, entry, c);
			if (!expect_u64(name, "PSCI return", v.x[0], PSCI_E_SUCCESS)) {
				continue;
			}
			test_pass(name);
		}
		mmu_smp_unmap(SECONDARIES, round);
		for (uint32_t c = 1; c <= SECONDARIES; c++) {
			struct core_slot *s = &slots[c];
			fmt_snprintf(name, sizeof(name), "ffa.smp.core%u.round%u", c, round);
			if (!wait_until(&s->done, round + 1, 5000000)) {
				test_fail(name, "core %u did not report in 5 s", c);
				continue;
			}
			if (expect_u64(name, "FFA_VERSION", s->version, FFA_VERSION_1_2) &&
			    expect_u64(name, "FFA_ID_GET", s->id, 0) &&
			    expect_u64(name, "FFA_SPM_ID_GET", s->spm_id, 0x8000) &&
			    expect_u64(name, "FFA_FEATURES", s->features, FFA_SUCCESS_32) &&
			    expect_u64(name, "FEATURES(unknown)", s->unknown,
				       (uint32_t)FFA_NOT_SUPPORTED) &&
			    expect_u64(name, "bad answers under load", s->hammer_bad, 0) &&
			    expect_u64(name, "sp1 ID", s->sp1_id, TEST_SP1_ID) &&
			    expect_u64(name, "sp1 EC (pinned to the core)", s->sp1_ec, c) &&
			    expect_u64(name, "sp2 ID", s->sp2_id, TEST_SP2_ID) &&
			    expect_u64(name, "sp2 EC (migrated)", s->sp2_ec, 0)) {
				test_pass(name);
			}
			fmt_snprintf(name, sizeof(name), "notif.smp.per_vcpu.core%u.round%u", c,
				     round);
			if (expect_u64(name, "first failed step (0: none)", s->notif_step, 0)) {
				test_pass(name);
			}
			fmt_snprintf(name, sizeof(name),
				     "mem.smp.share_lend_reclaim.core%u.round%u", c, round);
			if (expect_u64(name, "first failure (step | cycle << 8 | answer << 16)",
				       s->mem_failure, 0)) {
				test_pass(name);
			}
			mmu_smp_check(c, round, s->sp1_sctlr, s->watch_fault, s->watch_reads);
			/* While it waits for release the core is on: CPU_ON must say so. */
			fmt_snprintf(name, sizeof(name), "psci.cpu_on_already_on.core%u.round%u", c,
				     round);
			struct ffa_value v = ffa_call8(PSCI_CPU_ON, c, entry, c);
			if (expect_u64(name, "PSCI return", v.x[0],
				       (uint64_t)(int64_t)PSCI_E_ALREADY_ON)) {
				test_pass(name);
			}
			s->release = round + 1;
			barrier();
		}
		for (uint32_t c = 1; c <= SECONDARIES; c++) {
			fmt_snprintf(name, sizeof(name), "psci.cpu_off.core%u.round%u", c, round);
			uint64_t end = read_cntpct() + 5 * read_cntfrq();
			struct ffa_value v;
			do {
				v = ffa_call8(PSCI_AFFINITY_INFO, c, 0, 0);
			} while (v.x[0] != 1 /* OFF */ && read_cntpct() < end);
			if (expect_u64(name, "AFFINITY_INFO", v.x[0], 1)) {
				test_pass(name);
			}
		}
		mmu_smp_round_end(round);
	}
	uint64_t busy = 0;
	for (uint32_t c = 1; c <= SECONDARIES; c++) {
		busy += slots[c].sp2_busy;
	}
	nwd_printf("nwd: %llu BUSY answers (retried) while cores raced for sp2's one context\n",
		   (unsigned long long)busy);
	notif_smp_setup(false);
	for (uint32_t c = 0; c <= SECONDARIES; c++) {
		fmt_snprintf(name, sizeof(name), "sp.pm.cpu_off_messages.ec%u", c);
		struct ffa_value v = sp_cmd(TEST_SP1_ID, TEST_CMD_PM_QUERY, c, 0);
		bool off = c != 0; /* core 0 never goes off */
		if (expect_u64(name, "status", v.x[3], TEST_STATUS_OK) &&
		    expect_u64(name, "CPU_OFF messages", v.x[4], off ? ROUNDS : 0) &&
		    expect_u64(name, "plain DIRECT_RESP refused", v.x[5],
			       off ? (uint32_t)FFA_INVALID_PARAMETERS : 0) &&
		    expect_u64(name, "FFA_YIELD refused", v.x[6], off ? (uint32_t)FFA_DENIED : 0) &&
		    expect_u64(name, "request to sp2 refused", v.x[7],
			       off ? (uint32_t)FFA_DENIED : 0)) {
			test_pass(name);
		}
	}
	/* After all the power cycles the SPMC still answers on the primary. */
	t_success("ffa.smp.primary_after_cycles", FFA_SPM_ID_GET_32, 0, 0x8000);
	mem_no_leaks();
}

void nwd_main(void);
void nwd_main(void)
{
	plat_console_init(plat.ns_uart_base);
	nwd_printf("\nnwd: tzvisor normal-world test payload at NS-EL2\n");
	suite_handover();
	suite_version();
	suite_id();
	suite_features();
	suite_version_lock();
	suite_unsupported();
	suite_discovery();
	suite_messaging();
	suite_interrupts();
	suite_partition_interrupts();
	suite_fp();
	suite_notifications();
	suite_mem_perm();
	suite_memory();
	suite_partitions();
	suite_mmu();
	suite_smccc();
	suite_smp();
	suite_interrupts_after_smp();
	suite_smccc_partitions_report(); /* before the isolation tests stop the partitions */
	suite_isolation();
	suite_smccc_nwd_report();
	nwd_printf("TEST END %u\n", tests_count());
	struct ffa_value v = {.x = {PSCI_SYSTEM_OFF}};
	nwd_smc(&v);
	test_fail("psci.system_off", "SYSTEM_OFF returned 0x%llx", (unsigned long long)v.x[0]);
	for (;;) {
	}
}
