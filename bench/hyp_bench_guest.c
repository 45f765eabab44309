/*
 * Benchmark suite of the hypervisor's bare-metal test guest (bootargs
 * "bench"): under QEMU's -icount one counter tick is one instruction, so
 * these are instruction counts, guest and tzvisor together.
 *   hvc_roundtrip        an HVC (PSCI_VERSION) and its answer, 1,000 calls
 *   vtimer_latency_spin  the virtual timer's deadline to the guest's IRQ handler,
 *                        the vCPU running (interrupts enabled), 100 times
 *   vtimer_latency_wfi   the same with the vCPU blocked in WFI in tzvisor
 *   mmio_roundtrip       a read of an emulated register (the UART's flags), 1,000 reads
 * Bootargs "bench-ffa" (tzvisor's emulated SPMC, QEMU -smp 1: the partition
 * VM on the same CPU) and "bench-fwd" (forwarded to tzvisor's SPMC, SECURE=1):
 *   ffa_id_get            FFA_ID_GET answered by tzvisor, 1,000 calls
 *   ffa_direct_req64      DIRECT_REQ_64 (TEST_CMD_ECHO) to partition 0x8001 and
 *                         its response, 1,000 round trips (make bench's nwd
 *                         suite measures the same request from NS-EL2 itself:
 *                         direct_req_roundtrip.req64.sp1.core0)
 *   ffa_mem_share_cycle_1page  FFA_MEM_SHARE of one page with 0x8001, which
 *                         retrieves and relinquishes it in one request
 *                         (TEST_CMD_MEM_CYCLE), FFA_MEM_RECLAIM; 200 cycles
 *                         (the SPMC suite's mem_share_cycle.1page from NS-EL2)
 * Each prints "BENCH name median=N min=N max=N samples=N".
 */
#include <stdint.h>

#include "ffa/ffa.h"
#include "guest.h"
#include "mem_build.h"
#include "test_cmd.h"

#define ICC_IAR1 "S3_0_C12_C12_0"
#define ICC_EOIR1 "S3_0_C12_C12_1"
#define SAMPLES 100U

static volatile uint64_t handler_at;
static volatile uint32_t handled;

void bench_irq(void);
void bench_irq(void)
{
	uint64_t iar, t;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
	__asm__ volatile("mrs %0, " ICC_IAR1 : "=r"(iar));
	if ((iar & 0xFFFFFF) == 27) {
		handler_at = t;
		handled++;
		__asm__ volatile("msr cntv_ctl_el0, xzr");
	}
	__asm__ volatile("msr " ICC_EOIR1 ", %0\n\tisb" : : "r"(iar));
}

static void sort(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
}

static void report(const char *name, uint64_t *v, unsigned int n)
{
	sort(v, n);
	gprintf("BENCH %s median=%llu min=%llu max=%llu samples=%u\n", name,
		(unsigned long long)v[n / 2], (unsigned long long)v[0],
		(unsigned long long)v[n - 1], n);
}

static void vtimer_latency(const char *name, bool wfi)
{
	static uint64_t lat[SAMPLES];

	for (unsigned int i = 0; i < SAMPLES; i++) {
		uint32_t before = handled;
		uint64_t cval = counter() + 20000;
		__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
				 :
				 : "r"(cval), "r"(1ULL));
		__asm__ volatile("msr daifclr, #2" ::: "memory");
		while (handled == before) {
			if (wfi) {
				__asm__ volatile("wfi");
			}
		}
		__asm__ volatile("msr daifset, #2" ::: "memory");
		lat[i] = handler_at - cval;
	}
	report(name, lat, SAMPLES);
}

void suite_bench(void)
{
	static uint64_t v[1000];

	for (unsigned int i = 0; i < 1000; i++) {
		uint64_t t0 = counter();
		hvc(0x84000000U, 0, 0, 0);
		v[i] = counter() - t0;
	}
	report("hvc_roundtrip", v, 1000);
	for (unsigned int i = 0; i < 1000; i++) {
		uint64_t t0 = counter();
		(void)*(volatile uint32_t *)0x09000018UL;
		v[i] = counter() - t0;
	}
	report("mmio_roundtrip", v, 1000);
	*(volatile uint32_t *)0x08000000UL = 0x12; /* GICD_CTLR: ARE, EnableGrp1A */
	gic_cpu_init();
	local_enable(27, 0x80);
	vtimer_latency("vtimer_latency_spin", false);
	vtimer_latency("vtimer_latency_wfi", true);
	gprintf("BENCH END\n");
}

static uint8_t mem_tx[4096] __attribute__((aligned(4096)));
static uint8_t mem_rx[4096] __attribute__((aligned(4096)));
static uint8_t mem_page[4096] __attribute__((aligned(4096)));

/* Share, the partition's retrieve and relinquish, reclaim: the descriptor written untimed. */
static void mem_cycle(uint16_t self, uint64_t *v)
{
	struct mb_range range = {(uintptr_t)mem_page, 1};
	struct mb_desc d = {.sender = self,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = 0x8001, .perms = MB_RW}},
			    .ranges = &range,
			    .nranges = 1};
	struct ffa_value r = {.x = {FFA_RXTX_MAP_64, (uintptr_t)mem_tx, (uintptr_t)mem_rx, 1}};
	unsigned int bad = 0;

	guest_hvc18(&r);
	for (unsigned int i = 0; i < 200; i++) {
		uint32_t len = mb_write(mem_tx, FFA_VERSION_1_2, &d);
		uint64_t t0 = counter();
		r = (struct ffa_value){.x = {FFA_MEM_SHARE_64, len, len}};
		guest_hvc18(&r);
		uint64_t h = (uint32_t)r.x[2] | r.x[3] << 32;
		bad += (uint32_t)r.x[0] != FFA_SUCCESS_32;
		r = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     FFA_MSG_ENDPOINTS(self, 0x8001), 0, TEST_CMD_MEM_CYCLE,
					     h, self | MB_RW << 16}};
		guest_hvc18(&r);
		bad += r.x[4] != FFA_MEM_RETRIEVE_RESP_32 || r.x[5] != FFA_SUCCESS_32;
		r = (struct ffa_value){.x = {FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32}};
		guest_hvc18(&r);
		v[i] = counter() - t0;
		bad += (uint32_t)r.x[0] != FFA_SUCCESS_32;
	}
	if (bad == 0) {
		report("ffa_mem_share_cycle_1page", v, 200);
	} else {
		gprintf("BENCH ffa_mem_share_cycle_1page failed: %u steps refused\n", bad);
	}
}

/* FF-A round trips through tzvisor: its emulated SPMC, or forwarded to the real one. */
void suite_bench_ffa(void)
{
	static uint64_t v[1000];
	struct ffa_value r = {.x = {FFA_VERSION_32, FFA_VERSION_1_2}};
	unsigned int bad = 0;

	guest_hvc18(&r);
	r = (struct ffa_value){.x = {FFA_ID_GET_32}};
	guest_hvc18(&r);
	uint16_t self = (uint16_t)r.x[2];
	for (unsigned int i = 0; i < 1000; i++) {
		r = (struct ffa_value){.x = {FFA_ID_GET_32}};
		uint64_t t0 = counter();
		guest_hvc18(&r);
		v[i] = counter() - t0;
	}
	report("ffa_id_get", v, 1000);
	/* The partition may still be booting: BUSY until it waits for messages. */
	for (unsigned int i = 0; i < 100000; i++) {
		r = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     FFA_MSG_ENDPOINTS(self, 0x8001), 0, TEST_CMD_ECHO}};
		guest_hvc18(&r);
		if ((uint32_t)r.x[0] == FFA_MSG_SEND_DIRECT_RESP_64) {
			break;
		}
	}
	for (unsigned int i = 0; i < 1000; i++) {
		r = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     FFA_MSG_ENDPOINTS(self, 0x8001), 0, TEST_CMD_ECHO, 1,
					     2, 3, 4}};
		uint64_t t0 = counter();
		guest_hvc18(&r);
		v[i] = counter() - t0;
		bad += (uint32_t)r.x[0] != FFA_MSG_SEND_DIRECT_RESP_64 || r.x[4] != 1;
	}
	if (bad == 0) {
		report("ffa_direct_req64", v, 1000);
	} else {
		gprintf("BENCH ffa_direct_req64 failed: %u of 1000 requests not answered\n", bad);
	}
	mem_cycle(self, v);
	gprintf("BENCH END\n");
}
