/*
 * The benchmark payload (BL33 of `make bench`). Under QEMU -icount
 * shift=0,align=off,sleep=off the counter advances one tick per instruction
 * executed, so every figure is an instruction count from the normal world's
 * point of view: the SMC wrapper, EL3 (TF-A's SPMD), tzvisor and the SP.
 * For calls that reach tzvisor a bench-only FFA_FEATURES query (bench.h)
 * gives the part spent in tzvisor and in partitions for the last call.
 *
 * Core 0 measures first; then it starts core 3 and turns itself off, so that
 * nothing else runs (the counter is shared by all cores) while core 3
 * measures and powers the machine off. Output: "BENCH name key=value ...".
 * Timed calls use the raw conduit (arch_smc), not the test payload's
 * register-checking nwd_smc().
 */
#include "arch/arch.h"
#include "core/fmt.h"
#include "nwd.h"
#include "plat/plat.h"
#include "sort.h"
#include "test_cmd.h"

#define N 1000U
#define BENCH_FEATURE 0x7FU

extern uint64_t nwd_entry_ticks;
void nwd_secondary_entry(void);

static uint64_t samples[N];

static void report(const char *name, uint64_t *s, unsigned int n)
{
	sort_u64(s, n);
	nwd_printf("BENCH %s median=%llu min=%llu max=%llu samples=%u\n", name,
		   (unsigned long long)s[n / 2], (unsigned long long)s[0],
		   (unsigned long long)s[n - 1], n);
}

/* tzvisor's part of the last call on this core (bench builds only). */
static void attribute_last(const char *name, uint64_t total)
{
	struct ffa_value q = {.x = {FFA_FEATURES_32, BENCH_FEATURE}};
	arch_smc(&q);
	if ((uint32_t)q.x[0] != FFA_SUCCESS_32) {
		return;
	}
	nwd_printf("BENCH_ATTR %s total=%llu tzvisor=%llu partition=%llu el3_nwd=%llu\n", name,
		   (unsigned long long)total, (unsigned long long)(q.x[2] - q.x[3]),
		   (unsigned long long)q.x[3], (unsigned long long)(total - q.x[2]));
}

/* Times N calls of `tmpl`; the first answer must start with x0 == want. */
static void bench(const char *name, struct ffa_value tmpl, uint32_t want, bool attr)
{
	struct ffa_value v;
	for (unsigned int i = 0; i < N; i++) {
		v = tmpl;
		uint64_t t0 = read_cntpct();
		arch_smc(&v);
		samples[i] = read_cntpct() - t0;
		if (i == 0 && (uint32_t)v.x[0] != want) {
			nwd_printf("BENCH_ERROR %s: x0 = 0x%llx, want 0x%x\n", name,
				   (unsigned long long)v.x[0], want);
			return;
		}
	}
	uint64_t last = samples[N - 1];
	report(name, samples, N);
	if (attr) {
		attribute_last(name, last);
	}
}

static struct ffa_value direct(uint32_t fid, uint16_t sp)
{
	struct ffa_value v = {.x = {fid, FFA_MSG_ENDPOINTS(0, sp), 0, TEST_CMD_ECHO, 1, 2, 3, 4}};
	if (fid == FFA_MSG_SEND_DIRECT_REQ2_64) {
		v.x[2] = 0;
		v.x[3] = 0;
		v.x[4] = TEST_CMD_ECHO;
	}
	return v;
}

static void bench_direct(const char *core)
{
	char name[64];
	static const struct {
		const char *what;
		uint32_t fid, resp;
	} kinds[] = {
		{"req32", FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_SEND_DIRECT_RESP_32},
		{"req64", FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_SEND_DIRECT_RESP_64},
		{"req2", FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_SEND_DIRECT_RESP2_64},
	};
	for (unsigned int k = 0; k < 3; k++) {
		fmt_snprintf(name, sizeof(name), "direct_req_roundtrip.%s.sp1.%s", kinds[k].what,
			     core);
		bench(name, direct(kinds[k].fid, TEST_SP1_ID), kinds[k].resp, true);
	}
	fmt_snprintf(name, sizeof(name), "direct_req_roundtrip.req64.sp2_up.%s", core);
	bench(name, direct(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID), FFA_MSG_SEND_DIRECT_RESP_64,
	      true);
	fmt_snprintf(name, sizeof(name), "direct_req_roundtrip.req64.sp3_el0.%s", core);
	bench(name, direct(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID), FFA_MSG_SEND_DIRECT_RESP_64,
	      true);
}

/* PARTITION_INFO_GET writes into the RX buffer: each call timed, each RX_RELEASE not. */
static void bench_partition_info_get(void)
{
	struct ffa_value v = {.x = {FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)nwd_tx,
				    (uint64_t)(uintptr_t)nwd_rx, 1}};
	arch_smc(&v);
	for (unsigned int i = 0; i < N; i++) {
		v = (struct ffa_value){.x = {FFA_PARTITION_INFO_GET_32}};
		uint64_t t0 = read_cntpct();
		arch_smc(&v);
		samples[i] = read_cntpct() - t0;
		if ((uint32_t)v.x[0] != FFA_SUCCESS_32) {
			nwd_printf("BENCH_ERROR partition_info_get: x0 = 0x%llx\n",
				   (unsigned long long)v.x[0]);
			return;
		}
		if (i == N - 1) {
			attribute_last("partition_info_get", samples[i]);
		}
		v = (struct ffa_value){.x = {FFA_RX_RELEASE_32}};
		arch_smc(&v);
	}
	report("partition_info_get", samples, N);
}

/*
 * Notifications between the normal world (VM 0) and sp1: SET to sp1, the
 * INFO_GET that lists it, and GET of one that sp1 set (sp1's SET untimed).
 */
static void bench_notifications(void)
{
	struct ffa_value v = {.x = {FFA_NOTIFICATION_BITMAP_CREATE_32, 0, 1}};
	arch_smc(&v);
	v = (struct ffa_value){.x = {FFA_NOTIFICATION_BIND_32, (uint32_t)TEST_SP1_ID << 16, 0, 2}};
	arch_smc(&v);
	v = sp_notif_call(TEST_SP1_ID, FFA_NOTIFICATION_BIND_32, TEST_SP1_ID, 0, 1ULL << 3);
	if (v.x[4] != FFA_SUCCESS_32) {
		nwd_printf("BENCH_ERROR notifications: sp1 bind x0 = 0x%llx\n",
			   (unsigned long long)v.x[4]);
		return;
	}
	static uint64_t set[N], info[N]; /* 16 KiB: not on the stack */
	for (unsigned int i = 0; i < N; i++) {
		v = (struct ffa_value){.x = {FFA_NOTIFICATION_SET_32, TEST_SP1_ID, 0, 1U << 3}};
		uint64_t t0 = read_cntpct();
		arch_smc(&v);
		set[i] = read_cntpct() - t0;
		struct ffa_value q = {.x = {FFA_NOTIFICATION_INFO_GET_64}};
		t0 = read_cntpct();
		arch_smc(&q);
		info[i] = read_cntpct() - t0;
		if ((uint32_t)v.x[0] != FFA_SUCCESS_32 || q.x[0] != FFA_SUCCESS_64) {
			nwd_printf("BENCH_ERROR notifications: set 0x%llx, info_get 0x%llx\n",
				   (unsigned long long)v.x[0], (unsigned long long)q.x[0]);
			return;
		}
	}
	v = (struct ffa_value){.x = {FFA_NOTIFICATION_SET_32, TEST_SP1_ID, 0, 1U << 3}};
	uint64_t t0 = read_cntpct();
	arch_smc(&v);
	attribute_last("notification_set.vm_to_sp", read_cntpct() - t0);
	report("notification_set.vm_to_sp", set, N);
	report("notification_info_get.one_list", info, N);
	for (unsigned int i = 0; i < N; i++) {
		sp_notif_call(TEST_SP1_ID, FFA_NOTIFICATION_SET_32, (uint32_t)TEST_SP1_ID << 16, 0,
			      2);
		v = (struct ffa_value){.x = {FFA_NOTIFICATION_GET_32, 0, 1U | 4U}};
		t0 = read_cntpct();
		arch_smc(&v);
		samples[i] = read_cntpct() - t0;
		if ((uint32_t)v.x[0] != FFA_SUCCESS_32 || v.x[2] != 2) {
			nwd_printf("BENCH_ERROR notification_get: x0 0x%llx, w2 0x%llx\n",
				   (unsigned long long)v.x[0], (unsigned long long)v.x[2]);
			return;
		}
		if (i == N - 1) {
			attribute_last("notification_get.vm", samples[i]);
		}
	}
	report("notification_get.vm", samples, N);
}

void nwd_main(void);
void nwd_main(void)
{
	plat_console_init(plat.ns_uart_base);
	uint64_t entry = nwd_entry_ticks;
	struct ffa_value v = {.x = {FFA_VERSION_32, FFA_VERSION_1_2}};
	arch_smc(&v);
	uint64_t first = read_cntpct();
	nwd_printf(
		"\nnwd: tzvisor benchmark payload (counter ticks = instructions under -icount)\n");
	nwd_printf("BENCH boot.reset_to_nwd_entry value=%llu\n", (unsigned long long)entry);
	nwd_printf("BENCH boot.reset_to_first_ffa_answer value=%llu\n", (unsigned long long)first);

	/* The test partitions check SMCCC register rules on every call: not what is measured. */
	sp_cmd(TEST_SP1_ID, TEST_CMD_SMCCC_CHECKS, 0, 0);
	sp_cmd(TEST_SP2_ID, TEST_CMD_SMCCC_CHECKS, 0, 0);
	sp_cmd(TEST_SP3_ID, TEST_CMD_SMCCC_CHECKS, 0, 0);

	bench("ffa_version", (struct ffa_value){.x = {FFA_VERSION_32, FFA_VERSION_1_2}},
	      FFA_VERSION_1_2, true);
	bench("ffa_id_get.spmd_only", (struct ffa_value){.x = {FFA_ID_GET_32}}, FFA_SUCCESS_32,
	      false);
	bench("ffa_features", (struct ffa_value){.x = {FFA_FEATURES_32, FFA_VERSION_32}},
	      FFA_SUCCESS_32, true);
	bench("partition_info_get_regs", (struct ffa_value){.x = {FFA_PARTITION_INFO_GET_REGS_64}},
	      FFA_SUCCESS_64, true);
	bench_partition_info_get();
	bench_notifications();
	bench_direct("core0");

	/* SP -> SP -> SP: sp1 times its own requests to sp2 (median/min/max from inside). */
	v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, TEST_SP1_ID),
				     0, TEST_CMD_BENCH_CALL, TEST_SP2_ID, N}};
	arch_smc(&v);
	nwd_printf("BENCH sp_to_sp_direct_req.sp1_to_sp2.core0 median=%llu min=%llu max=%llu "
		   "samples=%u\n",
		   (unsigned long long)v.x[4], (unsigned long long)v.x[5],
		   (unsigned long long)v.x[6], N);

	/* Core 3 next, with core 0 off. */
	v = (struct ffa_value){.x = {PSCI_CPU_ON, 3, (uint64_t)(uintptr_t)nwd_secondary_entry, 3}};
	arch_smc(&v);
	v = (struct ffa_value){.x = {PSCI_CPU_OFF}};
	arch_smc(&v);
	nwd_printf("BENCH_ERROR core 0 did not turn off\n");
	for (;;) {
	}
}

void nwd_secondary_main(uint64_t index);
void nwd_secondary_main(uint64_t index)
{
	struct ffa_value v;
	do {
		v = (struct ffa_value){.x = {PSCI_AFFINITY_INFO, 0}};
		arch_smc(&v);
	} while (v.x[0] != 1);
	if (index == 3) {
		bench_direct("core3");
	}
	nwd_printf("BENCH END\n");
	v = (struct ffa_value){.x = {PSCI_SYSTEM_OFF}};
	arch_smc(&v);
	for (;;) {
	}
}
