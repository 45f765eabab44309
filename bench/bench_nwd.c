/*
 * The benchmark payload (BL33 of `make bench`). Under QEMU -icount
 * shift=0,align=off,sleep=off the counter advances one tick per instruction
 * executed, so every figure is an instruction count from the normal world's
 * point of view: the SMC wrapper, EL3 (TF-A's SPMD), tzvisor and the SP.
 *
 * make bench boots it twice: over the default tzvisor (the headline figures)
 * and over the instrumented one (-DTZV_BENCH), whose FFA_FEATURES query
 * (src/spmc/bench.h) splits each call into tzvisor / partition / EL3 and
 * gives boot's steps. The default build answers that query NOT_SUPPORTED:
 * the first line says which build this is ("BENCH_BUILD ...").
 *
 * Core 0 measures first, alone; then it starts cores 1-3 for the scaling
 * benchmark (all four cores at once), turns cores 1, 2 and itself off, and
 * core 3 measures alone and powers the machine off. Output: "BENCH name
 * key=value ..." lines, parsed by bench/run_bench.py. Timed calls use the raw
 * conduit (arch_smc), not the test payload's register-checking nwd_smc().
 */
#include <string.h>

#include "arch/arch.h"
#include "core/fmt.h"
#include "mem_build.h"
#include "nwd.h"
#include "plat/plat.h"
#include "sort.h"
#include "spmc/bench.h"
#include "spmc/boot_record.h"
#include "test_cmd.h"

#define N 1000U
#define BENCH_FEATURE TZV_BENCH_FEATURE_ID
#define CORES 4U
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

extern uint64_t nwd_entry_ticks;
void nwd_secondary_entry(void);

static uint64_t samples[N];
static uint8_t mem_bench_desc[4096] __attribute__((aligned(16)));

static void report(const char *name, uint64_t *s, unsigned int n)
{
	sort_u64(s, n);
	nwd_printf("BENCH %s median=%llu min=%llu max=%llu samples=%u\n", name,
		   (unsigned long long)s[n / 2], (unsigned long long)s[0],
		   (unsigned long long)s[n - 1], n);
}

/* The instrumented build's query (bench.h); false in the default build. */
static bool query(uint32_t selector, struct ffa_value *q)
{
	*q = (struct ffa_value){.x = {FFA_FEATURES_32, BENCH_FEATURE, selector}};
	nwd_smc(q);
	return (uint32_t)q->x[0] == FFA_SUCCESS_32;
}

/* tzvisor's part of the last call on this core (instrumented build only). */
static void attribute_last(const char *name, uint64_t total)
{
	struct ffa_value q;
	if (!query(TZV_BENCH_LAST_CALL, &q)) {
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

/*
 * The memory-sharing cycle: the normal world shares memory with sp1
 * (FFA_MEM_SHARE), sp1 retrieves and relinquishes it inside one direct
 * request (TEST_CMD_MEM_CYCLE: every fragment of the response read, nothing
 * touched), the normal world reclaims it. Each step and the whole cycle
 * timed; the descriptor is written to the TX buffer untimed. Three shapes:
 * one page, 1,024 contiguous pages in one 2 MiB-aligned range (block
 * mappings), 64 scattered pages (64 ranges).
 */
#define MEM_BENCH_BASE 0x70000000ULL
#define MEM_BENCH_N 200U
static struct mb_range mem_ranges[64];

/* One cycle; with a name, each step's split (instrumented build) right after it. */
static bool mem_cycle(uint32_t len, uint64_t *t, const char *attr)
{
	char name[80];

	memcpy(nwd_tx, (const void *)mem_bench_desc, len);
	uint64_t t0 = read_cntpct();
	struct ffa_value v = {.x = {FFA_MEM_SHARE_64, len, len}};
	arch_smc(&v);
	uint64_t t1 = read_cntpct();
	uint64_t h = (v.x[2] & 0xFFFFFFFFU) | v.x[3] << 32;
	if ((uint32_t)v.x[0] != FFA_SUCCESS_32) {
		nwd_printf("BENCH_ERROR mem_share_cycle: share x0 0x%llx w2 %d\n",
			   (unsigned long long)v.x[0], (int)(int32_t)v.x[2]);
		return false;
	}
	if (attr != NULL) {
		fmt_snprintf(name, sizeof(name), "%s.share", attr);
		attribute_last(name, t1 - t0);
		t1 = read_cntpct(); /* the query is not part of the cycle */
	}
	v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, TEST_SP1_ID),
				     0, TEST_CMD_MEM_CYCLE, h, 0 | MB_RW << 16}};
	arch_smc(&v);
	uint64_t t2 = read_cntpct();
	bool ok = v.x[4] == FFA_MEM_RETRIEVE_RESP_32 && v.x[5] == FFA_SUCCESS_32;
	if (attr != NULL) {
		fmt_snprintf(name, sizeof(name), "%s.retrieve_relinquish", attr);
		attribute_last(name, t2 - t1);
		t2 = read_cntpct();
	}
	v = (struct ffa_value){.x = {FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32}};
	uint64_t t2b = read_cntpct();
	arch_smc(&v);
	uint64_t t3 = read_cntpct();
	if (attr != NULL) {
		fmt_snprintf(name, sizeof(name), "%s.reclaim", attr);
		attribute_last(name, t3 - t2b);
	}
	if (!ok || (uint32_t)v.x[0] != FFA_SUCCESS_32) {
		nwd_printf("BENCH_ERROR mem_share_cycle: retrieve/relinquish/reclaim failed\n");
		return false;
	}
	t[0] = t3 - t0;
	t[1] = t1 - t0;
	t[2] = t2 - t1;
	t[3] = t3 - t2;
	return true;
}

static void bench_mem(void)
{
	static const char *const step[] = {"", ".share", ".retrieve_relinquish", ".reclaim"};
	static uint64_t times[4][MEM_BENCH_N];
	struct {
		const char *name;
		unsigned int nranges;
	} shapes[] = {{"1page", 1}, {"1024pages_1range", 1}, {"64pages_64ranges", 64}};
	char name[80];

	for (unsigned int k = 0; k < 3; k++) {
		for (unsigned int i = 0; i < shapes[k].nranges; i++) {
			mem_ranges[i] =
				(struct mb_range){MEM_BENCH_BASE + 0x800000 + i * 0x3000, 1};
		}
		if (k < 2) {
			mem_ranges[0] = (struct mb_range){MEM_BENCH_BASE, k == 0 ? 1U : 1024U};
		}
		struct mb_desc d = {.sender = 0,
				    .attrs = MB_NORMAL_WB_ISH,
				    .nrecv = 1,
				    .recv = {{.id = TEST_SP1_ID, .perms = MB_RW}},
				    .ranges = mem_ranges,
				    .nranges = shapes[k].nranges};
		uint32_t len = mb_write(mem_bench_desc, FFA_VERSION_1_2, &d);
		uint64_t t[4];
		for (unsigned int i = 0; i < MEM_BENCH_N; i++) {
			fmt_snprintf(name, sizeof(name), "mem_share_cycle.%s", shapes[k].name);
			if (!mem_cycle(len, t, i == MEM_BENCH_N - 1 ? name : NULL)) {
				return;
			}
			for (unsigned int j = 0; j < 4; j++) {
				times[j][i] = t[j];
			}
		}
		for (unsigned int j = 0; j < 4; j++) {
			fmt_snprintf(name, sizeof(name), "mem_share_cycle.%s%s", shapes[k].name,
				     step[j]);
			report(name, times[j], MEM_BENCH_N);
		}
	}
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

/*
 * Interrupts (spmc/irq.c). sp1 arms its EL1 physical timer (emulated, backed
 * by the S-EL2 timer) while the normal world spins reading the counter: the
 * interrupt is a gap in the readings. Latency to the handler: the handler's
 * first counter read less the deadline (EL3, the SPMD's FFA_INTERRUPT, the
 * SPMC, sp1 resumed with FFA_INTERRUPT, its vIRQ, HF_INTERRUPT_GET); back:
 * the normal world's first reading after the gap less the handler's last
 * (HF_INTERRUPT_DEACTIVATE, FFA_MSG_WAIT, FFA_NORMAL_WORLD_RESUME).
 */
#define IRQ_BENCH_N 20U
#define IRQ_BENCH_AFTER 200000U /* ticks from TIMER_ARM to the deadline */
#define NS_TIMER_PPI 26U

static void bench_interrupts(void)
{
	static uint64_t to_handler[IRQ_BENCH_N], back[IRQ_BENCH_N], me[IRQ_BENCH_N];

	for (unsigned int i = 0; i < IRQ_BENCH_N; i++) {
		struct ffa_value v = sp_cmd(TEST_SP1_ID, TEST_CMD_TIMER_ARM, IRQ_BENCH_AFTER, 0);
		if ((uint32_t)v.x[0] != FFA_MSG_SEND_DIRECT_RESP_64) {
			nwd_printf("BENCH_ERROR irq: TIMER_ARM x0 0x%llx\n",
				   (unsigned long long)v.x[0]);
			return;
		}
		uint64_t deadline = v.x[4], prev = read_cntpct(), resumed = 0;
		while (prev < deadline + 4 * IRQ_BENCH_AFTER) {
			uint64_t now = read_cntpct();
			if (now - prev > 2000U && resumed == 0) {
				resumed = now; /* the first reading after the gap */
			}
			prev = now;
		}
		v = sp_cmd(TEST_SP1_ID, TEST_CMD_IRQ_TIMES, 0, 0);
		if (resumed == 0 || v.x[4] != deadline || v.x[5] < deadline || v.x[6] > resumed) {
			nwd_printf("BENCH_ERROR irq: deadline %llu (sp %llu, x0 %llx), handler "
				   "%llu-%llu, resumed %llu\n",
				   (unsigned long long)deadline, (unsigned long long)v.x[4],
				   (unsigned long long)v.x[0], (unsigned long long)v.x[5],
				   (unsigned long long)v.x[6], (unsigned long long)resumed);
			return;
		}
		to_handler[i] = v.x[5] - deadline;
		back[i] = resumed - v.x[6];
	}
	report("irq_latency.sel2_timer_to_sp_handler.nwd_running", to_handler, IRQ_BENCH_N);
	report("irq_latency.sp_handler_to_nwd", back, IRQ_BENCH_N);

	/*
	 * Managed exit: a normal-world interrupt (its EL2 timer, pending) when it
	 * calls sp1, which spins with FIQs unmasked: the call to sp1's response
	 * (entry, FIQ exit, managed-exit vFIQ, sp1's handler, its DIRECT_RESP).
	 */
	gic_nwd_init();
	gic_nwd_local_irq(NS_TIMER_PPI, true);
	for (unsigned int i = 0; i < IRQ_BENCH_N; i++) {
		__asm__ volatile("msr cnthp_tval_el2, %0\n\tmsr cnthp_ctl_el2, %1\n\tisb"
				 :
				 : "r"(0ULL), "r"(1ULL));
		struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					    FFA_MSG_ENDPOINTS(0, TEST_SP1_ID), 0,
					    TEST_CMD_SPIN_TIME, 1000000000ULL, 1}};
		uint64_t t0 = read_cntpct();
		arch_smc(&v);
		me[i] = read_cntpct() - t0;
		__asm__ volatile("msr cnthp_ctl_el2, %0\n\tisb" : : "r"(0ULL));
		if ((uint32_t)v.x[0] != FFA_MSG_SEND_DIRECT_RESP_64 || v.x[5] != 1) {
			nwd_printf("BENCH_ERROR managed_exit: x0 0x%llx, managed exit %llu\n",
				   (unsigned long long)v.x[0], (unsigned long long)v.x[5]);
			gic_nwd_local_irq(NS_TIMER_PPI, false);
			return;
		}
	}
	gic_nwd_local_irq(NS_TIMER_PPI, false);
	report("managed_exit_round_trip.sp1", me, IRQ_BENCH_N);
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

/* --- Boot: tzvisor's steps (instrumented build) ------------------------------- */

/* tzvisor's cold boot on the primary core, three test partitions included: the target. */
#define BOOT_TARGET 1000000U

static uint64_t boot_step(enum boot_step st)
{
	struct ffa_value q;
	return query(TZV_BENCH_BOOT_STEP | st, &q) ? q.x[2] : 0;
}

/*
 * The primary core's cold boot from tzvisor's first instruction to its first
 * FFA_MSG_WAIT, step by step (boot_record.h), each partition's loading and
 * booting apart; before and after it, TF-A. A step's figure is the counter
 * from the end of the step before: what that step cost.
 */
static void report_cold_boot(uint64_t nwd_entry)
{
	struct ffa_value q;
	uint64_t t[BOOT_STEPS];

	for (unsigned int i = 0; i < BOOT_STEPS; i++) {
		t[i] = boot_step((enum boot_step)i);
	}
	uint64_t cold = t[BOOT_MSG_WAIT] - t[BOOT_ENTRY];
	nwd_printf("BENCH boot.tzvisor.cold value=%llu\n", (unsigned long long)cold);
	if (cold >= BOOT_TARGET) {
		nwd_printf("BENCH_ERROR boot.tzvisor.cold: %llu instructions, the target is under "
			   "%u\n",
			   (unsigned long long)cold, BOOT_TARGET);
	}
	nwd_printf("BENCH boot.tfa.before_tzvisor value=%llu\n", (unsigned long long)t[BOOT_ENTRY]);
	nwd_printf("BENCH boot.tfa.after_tzvisor value=%llu\n",
		   (unsigned long long)(nwd_entry - t[BOOT_MSG_WAIT]));
	nwd_printf("BENCH boot.tzvisor.cold.bss_and_stack value=%llu\n",
		   (unsigned long long)(t[BOOT_C_ENTRY] - t[BOOT_ENTRY]));
	nwd_printf("BENCH boot.tzvisor.cold.stage1_and_mmu value=%llu\n",
		   (unsigned long long)(t[BOOT_STAGE1] - t[BOOT_C_ENTRY]));
	nwd_printf("BENCH boot.tzvisor.cold.manifest value=%llu\n",
		   (unsigned long long)(t[BOOT_MANIFEST] - t[BOOT_STAGE1]));
	uint64_t prev = t[BOOT_MANIFEST];
	for (unsigned int n = 0; n < SPMC_MAX_SPS && query(TZV_BENCH_SP_LOADED | n, &q); n++) {
		if (q.x[2] == 0) {
			break; /* no such manifest entry */
		}
		nwd_printf("BENCH boot.tzvisor.cold.load.sp%llx value=%llu\n",
			   (unsigned long long)q.x[3], (unsigned long long)(q.x[2] - prev));
		prev = q.x[2];
	}
	nwd_printf("BENCH boot.tzvisor.cold.banner value=%llu\n",
		   (unsigned long long)(t[BOOT_BANNER] - t[BOOT_LOADED]));
	nwd_printf("BENCH boot.tzvisor.cold.spmd_handshake value=%llu\n",
		   (unsigned long long)(t[BOOT_SPMD] - t[BOOT_BANNER]));
	prev = t[BOOT_SPMD];
	uint64_t inside_prev = 0;
	for (unsigned int n = 0; n < SPMC_MAX_SPS && query(TZV_BENCH_SP_BOOTED | n, &q); n++) {
		if (q.x[3] == 0) {
			break;
		}
		nwd_printf("BENCH boot.tzvisor.cold.boot.sp%llx value=%llu partition=%llu\n",
			   (unsigned long long)q.x[3], (unsigned long long)(q.x[2] - prev),
			   (unsigned long long)(q.x[4] - inside_prev));
		prev = q.x[2];
		inside_prev = q.x[4];
	}
	nwd_printf("BENCH boot.tzvisor.cold.rest value=%llu\n",
		   (unsigned long long)(t[BOOT_MSG_WAIT] - prev));
}

/* Each secondary's last warm boot (CPU_ON): entry to FFA_MSG_WAIT, and its steps. */
static void report_warm_boot(unsigned int core)
{
	struct ffa_value q;

	if (!query(TZV_BENCH_WARM | core, &q) || q.x[2 + WARM_STEPS] == 0) {
		return;
	}
	uint64_t *w = &q.x[2];
	nwd_printf("BENCH boot.tzvisor.warm.core%u value=%llu mmu=%llu partitions=%llu "
		   "rest=%llu\n",
		   core, (unsigned long long)(w[WARM_MSG_WAIT] - w[WARM_ENTRY]),
		   (unsigned long long)(w[WARM_MMU] - w[WARM_ENTRY]),
		   (unsigned long long)(w[WARM_BOOTED] - w[WARM_MMU]),
		   (unsigned long long)(w[WARM_MSG_WAIT] - w[WARM_BOOTED]));
}

/* tzvisor's table pools: pages used now, the most ever used, and the pool's size. */
static void report_pools(void)
{
	static const char *const names[SPMC_POOLS] = {"tzvisor_stage1", "sp_stage2",
						      "sp_el0_stage1"};
	struct ffa_value q;

	for (unsigned int p = 0; p < SPMC_POOLS; p++) {
		if (query(TZV_BENCH_POOL | p, &q)) {
			nwd_printf("BENCH_POOL %s used=%llu peak=%llu pages=%llu\n", names[p],
				   (unsigned long long)q.x[2], (unsigned long long)q.x[4],
				   (unsigned long long)q.x[3]);
		}
	}
}

/* --- Scaling: all four cores at once -------------------------------------------- */

/*
 * Each core sends SCALE_N direct requests (DIRECT_REQ_64, echo) to one
 * partition, first core 0 alone, then all four cores at once: to sp1, which
 * has a context per core, and to sp2, whose one context they share (a request
 * that finds it serving another core gets BUSY and is sent again, as a driver
 * would; the BUSY answers are counted).
 *
 * What a per-core figure means under -icount: QEMU runs the vCPUs one at a
 * time, round robin, and the counter advances with every instruction of any
 * of them. A request's counter delta is therefore its own instructions only
 * if no other core ran in the middle of it. Each core keeps every request's
 * delta: the median is the core's own cost per request (as long as fewer than
 * half of them were cut by another core's turn), and "cut" counts the
 * requests whose delta exceeds the one-core maximum (another core's turn
 * fell inside). The throughput figure needs no such assumption: over the
 * window in which all four cores are inside their loops, the counter's
 * advance is the sum of all four cores' instructions; divided by the requests
 * answered in the window it is the instructions per request, contention and
 * BUSY retries included.
 */
#define SCALE_N 500U
/* A request is "cut" when its delta exceeds the one-core maximum by more than this. */
#define SCALE_CUT_SLACK 64U
#define SCALE_TAG 0x5CA1E000ULL

struct scale_core {
	volatile uint32_t cmd; /* primary -> core: a phase to run (generation) */
	volatile uint32_t done; /* core -> primary: the generation it finished */
	volatile uint32_t off; /* primary -> core: power yourself off */
	volatile uint32_t ready; /* core -> primary: up and waiting for phases */
	volatile uint16_t target;
	uint64_t start, end; /* counter before the first request and after the last */
	uint64_t lat[SCALE_N]; /* each request's counter delta (the answered attempt) */
	uint64_t at[SCALE_N]; /* the counter when each answer came */
	uint64_t busy, bad, served;
};
static struct scale_core scale[CORES];

/*
 * QEMU's round robin under -icount gives a vCPU the CPU until the next timer
 * deadline (or until it waits): with no timer armed, one core would run all
 * its requests before the next one starts, and nothing would overlap. So
 * each core arms its EL2 physical timer, masked (no interrupt), SCALE_SLICE
 * ticks ahead before each request: the cores then take turns within
 * requests, as cores running at once would interleave. An armed timer costs
 * EL3 some instructions per call (about 80 at 300 ticks, measured: the
 * one-core figure here is above direct_req_roundtrip's), so the 4-core
 * figures are compared with the one-core figure taken the same way.
 */
#define SCALE_SLICE 300U

static void slice_deadline(bool on)
{
	__asm__ volatile("msr cnthp_tval_el2, %0\n\tmsr cnthp_ctl_el2, %1\n\tisb"
			 :
			 : "r"((uint64_t)SCALE_SLICE), "r"(on ? 3ULL : 0ULL));
}

static void sev_all(void)
{
	__asm__ volatile("dsb sy\n\tsev" ::: "memory");
}

static uint64_t served_by(uint16_t sp)
{
	struct ffa_value v = sp_cmd(sp, TEST_CMD_COUNTER, 0, 0);
	return (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ? v.x[4] : ~0ULL;
}

/* One core's loop; checks each answer is this core's own request echoed back. */
static void scale_run(unsigned int core)
{
	struct scale_core *c = &scale[core];
	uint16_t sp = c->target;
	/* sp1's context on this core is this core's alone: its count is this core's requests. */
	uint64_t before = sp == TEST_SP1_ID ? served_by(sp) : 0;

	c->busy = 0;
	c->bad = 0;
	c->start = read_cntpct();
	for (unsigned int i = 0; i < SCALE_N; i++) {
		uint64_t tag = SCALE_TAG | (uint64_t)core << 16 | i;
		struct ffa_value v;
		uint64_t t0, t1;
		for (;;) {
			v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
						     FFA_MSG_ENDPOINTS(0, sp), 0, TEST_CMD_ECHO,
						     tag, ~tag, i, core}};
			slice_deadline(true);
			t0 = read_cntpct();
			arch_smc(&v);
			t1 = read_cntpct();
			if ((uint32_t)v.x[0] != FFA_ERROR_32 || (int32_t)v.x[2] != FFA_BUSY) {
				break;
			}
			c->busy++;
		}
		c->lat[i] = t1 - t0;
		c->at[i] = t1;
		c->bad += (uint32_t)v.x[0] != FFA_MSG_SEND_DIRECT_RESP_64 ||
			  v.x[1] != FFA_MSG_ENDPOINTS(sp, 0) || v.x[3] != TEST_STATUS_OK ||
			  v.x[4] != tag || v.x[5] != ~tag || v.x[6] != i || v.x[7] != core;
	}
	c->end = read_cntpct();
	slice_deadline(false);
	/* The partition's own count, less the COUNTER request that reads it. */
	c->served = sp == TEST_SP1_ID ? served_by(sp) - before - 1 : 0;
}

/* Cores 1-3: run each phase the primary posts, until told to turn off. */
static void scale_worker(unsigned int core)
{
	struct scale_core *c = &scale[core];
	uint32_t seen = 0;

	c->ready = 1;
	sev_all();
	for (;;) {
		while (c->cmd == seen && !c->off) {
			__asm__ volatile("wfe" ::: "memory");
		}
		if (c->off) {
			return;
		}
		seen = c->cmd;
		scale_run(core);
		c->done = seen;
		sev_all();
	}
}

static uint64_t median_of(const uint64_t *s, unsigned int n)
{
	static uint64_t tmp[SCALE_N];
	for (unsigned int i = 0; i < n; i++) {
		tmp[i] = s[i];
	}
	sort_u64(tmp, n);
	return tmp[n / 2];
}

/* Runs one phase on `cores` cores (core 0 and the first cores-1 secondaries). */
static uint64_t scale_phase(uint16_t sp, unsigned int cores)
{
	static uint32_t gen;
	uint64_t before = served_by(sp);

	gen++;
	for (unsigned int c = 0; c < cores; c++) {
		scale[c].target = sp;
	}
	for (unsigned int c = 1; c < cores; c++) {
		scale[c].cmd = gen;
	}
	sev_all();
	scale_run(0);
	for (unsigned int c = 1; c < cores; c++) {
		while (scale[c].done != gen) {
			__asm__ volatile("wfe" ::: "memory");
		}
	}
	/* What the partition served in all (its context on this core, for sp1), less the two reads.
	 */
	return served_by(sp) - before - 1;
}

static uint64_t max_of(const uint64_t *s, unsigned int n)
{
	uint64_t m = 0;
	for (unsigned int i = 0; i < n; i++) {
		m = s[i] > m ? s[i] : m;
	}
	return m;
}

/* The one-core figures of a partition, which the four-core ones are compared with. */
struct scale_solo {
	uint64_t max, median, throughput;
};

/* The target for the partition with a context per core: within 10% of one core. */
#define SCALE_TARGET_PERCENT 10U

static bool within_target(uint64_t v, uint64_t solo)
{
	return v * 100U <= solo * (100U + SCALE_TARGET_PERCENT);
}

/*
 * One phase's figures: per core the median, min and max counter delta, the
 * requests cut by another core's turn (delta above the one-core maximum),
 * BUSY answers and wrong answers; then the throughput over the common window.
 * With cores == 1 it fills *solo; otherwise, if `target`, a median or the
 * throughput more than SCALE_TARGET_PERCENT above *solo's is an error.
 */
static void scale_report(const char *name, unsigned int cores, struct scale_solo *solo,
			 uint64_t served_up, bool target)
{
	uint64_t from = 0, to = ~0ULL, busy = 0, bad = 0, served = served_up, answered = 0;
	uint64_t worst_median = 0;

	if (cores == 1) {
		solo->max = max_of(scale[0].lat, SCALE_N);
		solo->median = median_of(scale[0].lat, SCALE_N);
	}

	for (unsigned int c = 0; c < cores; c++) {
		struct scale_core *s = &scale[c];
		unsigned int cut = 0;
		for (unsigned int i = 0; i < SCALE_N; i++) {
			cut += s->lat[i] > solo->max + SCALE_CUT_SLACK;
		}
		uint64_t med = median_of(s->lat, SCALE_N);
		worst_median = med > worst_median ? med : worst_median;
		sort_u64(s->lat, SCALE_N);
		nwd_printf("BENCH %s.core%u median=%llu min=%llu max=%llu samples=%u cut=%u "
			   "busy=%llu bad=%llu served=%llu\n",
			   name, c, (unsigned long long)med, (unsigned long long)s->lat[0],
			   (unsigned long long)s->lat[SCALE_N - 1], SCALE_N, cut,
			   (unsigned long long)s->busy, (unsigned long long)s->bad,
			   (unsigned long long)s->served);
		from = s->start > from ? s->start : from;
		to = s->end < to ? s->end : to;
		busy += s->busy;
		bad += s->bad;
		served += s->served;
	}
	for (unsigned int c = 0; c < cores; c++) {
		for (unsigned int i = 0; i < SCALE_N; i++) {
			answered += scale[c].at[i] > from && scale[c].at[i] <= to;
		}
	}
	if (bad != 0 || served != cores * SCALE_N) {
		nwd_printf("BENCH_ERROR %s: %llu wrong answers, %llu requests served for %u sent\n",
			   name, (unsigned long long)bad, (unsigned long long)served,
			   cores * SCALE_N);
	}
	uint64_t throughput = answered != 0 ? (to - from) / answered : 0;
	nwd_printf("BENCH %s.throughput value=%llu window=%llu answered=%llu busy=%llu bad=%llu "
		   "served=%llu sent=%u\n",
		   name, (unsigned long long)throughput, (unsigned long long)(to - from),
		   (unsigned long long)answered, (unsigned long long)busy, (unsigned long long)bad,
		   (unsigned long long)served, cores * SCALE_N);
	if (cores == 1) {
		solo->throughput = throughput;
	} else if (target && (answered == 0 || !within_target(throughput, solo->throughput) ||
			      !within_target(worst_median, solo->median))) {
		nwd_printf("BENCH_ERROR %s: throughput %llu or a median %llu more than %u%% above "
			   "one core's (%llu, %llu)\n",
			   name, (unsigned long long)throughput, (unsigned long long)worst_median,
			   SCALE_TARGET_PERCENT, (unsigned long long)solo->throughput,
			   (unsigned long long)solo->median);
	}
}

static void bench_scaling(void)
{
	static const struct {
		uint16_t sp;
		const char *name;
	} targets[] = {{TEST_SP1_ID, "sp1_mp"}, {TEST_SP2_ID, "sp2_up"}};
	char name[64];
	uint64_t entry = (uint64_t)(uintptr_t)nwd_secondary_entry;
	struct scale_solo solo[2];

	/* One core: before the others are on, so that nothing else runs. */
	for (unsigned int t = 0; t < 2; t++) {
		uint64_t served = scale_phase(targets[t].sp, 1);
		fmt_snprintf(name, sizeof(name), "scaling.%s.1core", targets[t].name);
		scale_report(name, 1, &solo[t], targets[t].sp == TEST_SP2_ID ? served : 0, false);
	}
	/* One at a time, so that each warm boot runs alone (boot.tzvisor.warm.*). */
	for (unsigned int c = 1; c < CORES; c++) {
		struct ffa_value v = {.x = {PSCI_CPU_ON, c, entry, c}};
		nwd_smc(&v);
		while (!scale[c].ready) {
			__asm__ volatile("wfe" ::: "memory");
		}
	}
	for (unsigned int t = 0; t < 2; t++) {
		uint64_t served = scale_phase(targets[t].sp, CORES);
		fmt_snprintf(name, sizeof(name), "scaling.%s.4cores", targets[t].name);
		/* The target holds for sp1; sp2's one context makes cores wait (BUSY). */
		scale_report(name, CORES, &solo[t], targets[t].sp == TEST_SP2_ID ? served : 0,
			     targets[t].sp == TEST_SP1_ID);
	}
	for (unsigned int c = 1; c < CORES; c++) {
		report_warm_boot(c);
	}
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
	struct ffa_value q;
	bool instrumented = query(TZV_BENCH_LAST_CALL, &q);
	nwd_printf("BENCH_BUILD %s\n", instrumented ? "instrumented" : "default");
	nwd_printf("BENCH boot.reset_to_nwd_entry value=%llu\n", (unsigned long long)entry);
	nwd_printf("BENCH boot.reset_to_first_ffa_answer value=%llu\n", (unsigned long long)first);
	if (instrumented) {
		report_cold_boot(entry);
	}

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
	bench_interrupts();
	bench_direct("core0");

	/* SP -> SP -> SP: sp1 times its own requests to sp2 (median/min/max from inside). */
	v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, TEST_SP1_ID),
				     0, TEST_CMD_BENCH_CALL, TEST_SP2_ID, N}};
	arch_smc(&v);
	nwd_printf("BENCH sp_to_sp_direct_req.sp1_to_sp2.core0 median=%llu min=%llu max=%llu "
		   "samples=%u\n",
		   (unsigned long long)v.x[4], (unsigned long long)v.x[5],
		   (unsigned long long)v.x[6], N);

	bench_mem();
	bench_scaling();
	report_pools();

	/* Core 3 next, alone: cores 1 and 2, then core 0, turn off. */
	scale[1].off = 1;
	scale[2].off = 1;
	sev_all();
	scale[3].off = 1;
	sev_all();
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

	scale_worker((unsigned int)index);
	if (index != 3) {
		v = (struct ffa_value){.x = {PSCI_CPU_OFF}};
		nwd_smc(&v);
		for (;;) {
		}
	}
	for (unsigned int c = 0; c < 3; c++) {
		do {
			v = (struct ffa_value){.x = {PSCI_AFFINITY_INFO, c}};
			nwd_smc(&v);
		} while (v.x[0] != 1);
	}
	bench_direct("core3");
	nwd_printf("BENCH END\n");
	v = (struct ffa_value){.x = {PSCI_SYSTEM_OFF}};
	arch_smc(&v);
	for (;;) {
	}
}
