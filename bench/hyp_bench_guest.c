/*
 * Benchmark suite of the hypervisor's bare-metal test guest (bootargs
 * "bench"): under QEMU's -icount one counter tick is one instruction, so
 * these are instruction counts, guest and tzvisor together.
 *   hvc_roundtrip        an HVC (PSCI_VERSION) and its answer, 1,000 calls
 *   vtimer_latency_spin  the virtual timer's deadline to the guest's IRQ handler,
 *                        the vCPU running (interrupts enabled), 100 times
 *   vtimer_latency_wfi   the same with the vCPU blocked in WFI in tzvisor
 *   mmio_roundtrip       a read of an emulated register (the UART's flags), 1,000 reads
 * Each prints "BENCH name median=N min=N max=N samples=N".
 */
#include <stdint.h>

#include "guest.h"

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
