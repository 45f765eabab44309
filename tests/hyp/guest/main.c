/*
 * Bare-metal test guest for the hypervisor role. What it does is chosen by
 * the first word of its bootargs (written by tzvisor into its DTB from the
 * VM manifest):
 *   bench    instruction counts (bench/hyp_bench_guest.c); then SYSTEM_OFF
 *   gic      the virtual GICv3 on several vCPUs (gic_tests.c), then hostile
 *            rings on its virtio-net device (virtio_tests.c); then SYSTEM_OFF
 *   psci     PSCI and SMCCC answers, CPU_ON/OFF/AFFINITY_INFO cycles, wrong
 *            arguments, both conduits, WFI on the virtual timer; then
 *            SYSTEM_RESET, and after the restart SYSTEM_OFF
 *   ffa      FF-A under the emulated SPMC (ffa_tests.c); then SYSTEM_OFF
 *   ffa-lender  lends a page to a partition VM and touches it: must be stopped
 *   ffa-lender-reset  the same, but asks for SYSTEM_RESET: must be stopped too
 *   ffa-fwd1, ffa-fwd2  FF-A forwarded to the real SPMC as VM 1 or 2; then SYSTEM_OFF
 *   mmio     (hostile) reads an IPA outside its memory and devices
 *   devbad   (hostile) a 64-bit read of its UART, which the device refuses
 *   spin     (hostile) never yields: loops with interrupts masked forever
 * Results are "TEST PASS|FAIL name" lines on its console, then "TEST END n".
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/fmt.h"
#include "guest.h"
#include "plat/plat.h"

#define UART_IPA 0x09000000UL
#define RAM_IPA 0x40000000UL

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND 0x84000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON64 0xC4000003U
#define PSCI_CPU_ON 0x84000003U
#define PSCI_AFFINITY_INFO64 0xC4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU
#define SMCCC_VERSION 0x80000000U

void guest_main(uintptr_t dtb);
void guest_secondary_main(uint64_t index);
void guest_secondary_entry(void);
void guest_exception(uint64_t esr, uint64_t elr, uint64_t far);

static unsigned int passed, failed;
static volatile uint64_t secondary_boots;

void gprintf(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (int i = 0; i < n && i < (int)sizeof(buf) - 1; i++) {
		plat_console_putc(buf[i]);
	}
}

int64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t r0 __asm__("x0") = x0;
	register uint64_t r1 __asm__("x1") = x1;
	register uint64_t r2 __asm__("x2") = x2;
	register uint64_t r3 __asm__("x3") = x3;

	__asm__ volatile("hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	return (int64_t)r0;
}

/* A call with x0-x3 in and out (results in x1-x3 too). */
void hvc4(uint64_t x[4])
{
	register uint64_t r0 __asm__("x0") = x[0];
	register uint64_t r1 __asm__("x1") = x[1];
	register uint64_t r2 __asm__("x2") = x[2];
	register uint64_t r3 __asm__("x3") = x[3];

	__asm__ volatile("hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	x[0] = r0;
	x[1] = r1;
	x[2] = r2;
	x[3] = r3;
}

void smc4(uint64_t x[4])
{
	register uint64_t r0 __asm__("x0") = x[0];
	register uint64_t r1 __asm__("x1") = x[1];
	register uint64_t r2 __asm__("x2") = x[2];
	register uint64_t r3 __asm__("x3") = x[3];

	__asm__ volatile("smc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	x[0] = r0;
	x[1] = r1;
	x[2] = r2;
	x[3] = r3;
}

int64_t smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t r0 __asm__("x0") = x0;
	register uint64_t r1 __asm__("x1") = x1;
	register uint64_t r2 __asm__("x2") = x2;
	register uint64_t r3 __asm__("x3") = x3;

	__asm__ volatile("smc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	return (int64_t)r0;
}

void expect(const char *name, int64_t got, int64_t want)
{
	if (got == want) {
		passed++;
		gprintf("TEST PASS %s\n", name);
	} else {
		failed++;
		gprintf("TEST FAIL %s: got %lld, want %lld\n", name, (long long)got,
			(long long)want);
	}
}

void power_off(void)
{
	gprintf("TEST END %u\n", passed + failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;) {
	}
}

void guest_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	gprintf("TEST FAIL guest.exception: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		(unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	failed++;
	power_off();
}

uint64_t counter(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t frequency(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

void guest_secondary_main(uint64_t index)
{
	__atomic_add_fetch(&secondary_boots, 1, __ATOMIC_RELEASE);
	(void)index;
	hvc(PSCI_CPU_OFF, 0, 0, 0);
	gprintf("TEST FAIL psci.cpu_off_returned\n");
	for (;;) {
	}
}

/* Waits (bounded) until vCPU 1 reports `state` to AFFINITY_INFO. */
static int64_t wait_affinity(int64_t state)
{
	int64_t s = -100;

	for (unsigned int i = 0; i < 2000000U && s != state; i++) {
		s = hvc(PSCI_AFFINITY_INFO64, 1, 0, 0);
	}
	return s;
}

static bool wait_boots(uint64_t n)
{
	uint64_t t0 = counter(), limit = frequency() * 5; /* 5 s */

	while (__atomic_load_n(&secondary_boots, __ATOMIC_ACQUIRE) < n) {
		if (counter() - t0 > limit) {
			return false;
		}
	}
	return true;
}

static void suite_psci(void)
{
	uintptr_t entry = (uintptr_t)guest_secondary_entry;

	expect("psci.version", hvc(PSCI_VERSION, 0, 0, 0), 0x10001);
	expect("psci.version_smc", smc(PSCI_VERSION, 0, 0, 0), 0x10001);
	expect("smccc.version", hvc(SMCCC_VERSION, 0, 0, 0), 0x10002);
	expect("smccc.version_smc", smc(SMCCC_VERSION, 0, 0, 0), 0x10002);
	suite_smccc();
	expect("psci.features.cpu_on", hvc(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), 0);
	expect("psci.features.unknown", hvc(PSCI_FEATURES, 0x8400001FU, 0, 0), -1);
	expect("psci.migrate_info_type", hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	expect("psci.unknown_fid", hvc(0x8400001EU, 0, 0, 0), -1);
	expect("psci.unknown_fid_smc", smc(0xC2000001U, 0, 0, 0), -1);
	expect("psci.affinity.off", hvc(PSCI_AFFINITY_INFO64, 1, 0, 0), 1);
	expect("psci.affinity.self_on", hvc(PSCI_AFFINITY_INFO64, 0, 0, 0), 0);
	/* Wrong arguments: every one refused, nothing changed. */
	expect("psci.bad.cpu_on_no_such_cpu", hvc(PSCI_CPU_ON64, 7, entry, 1), -2);
	expect("psci.bad.cpu_on_aff1", hvc(PSCI_CPU_ON64, 0x100, entry, 1), -2);
	expect("psci.bad.cpu_on_entry_outside_ram", hvc(PSCI_CPU_ON64, 1, 0x1000, 1), -9);
	expect("psci.bad.cpu_on_entry_unaligned", hvc(PSCI_CPU_ON64, 1, entry + 2, 1), -9);
	expect("psci.bad.cpu_on_self", hvc(PSCI_CPU_ON64, 0, entry, 0), -4);
	expect("psci.bad.affinity_level", hvc(PSCI_AFFINITY_INFO64, 1, 1, 0), -2);
	expect("psci.bad.affinity_no_such_cpu", hvc(PSCI_AFFINITY_INFO64, 9, 0, 0), -2);
	expect("psci.bad.suspend_reserved_bits", hvc(PSCI_CPU_SUSPEND, 0x80000000U, 0, 0), -2);
	expect("psci.bad.changed_nothing", hvc(PSCI_AFFINITY_INFO64, 1, 0, 0), 1);
	/* Three CPU_ON / CPU_OFF cycles of vCPU 1 (its entry calls CPU_OFF). */
	for (uint64_t cycle = 1; cycle <= 3; cycle++) {
		char name[48];
		int64_t rc = cycle == 2 ? smc(PSCI_CPU_ON, 1, entry, 1)
					: hvc(PSCI_CPU_ON64, 1, entry, 1);
		fmt_snprintf(name, sizeof(name), "psci.cycle%llu.cpu_on",
			     (unsigned long long)cycle);
		expect(name, rc, 0);
		fmt_snprintf(name, sizeof(name), "psci.cycle%llu.booted",
			     (unsigned long long)cycle);
		expect(name, wait_boots(cycle), true);
		fmt_snprintf(name, sizeof(name), "psci.cycle%llu.off_again",
			     (unsigned long long)cycle);
		expect(name, wait_affinity(1), 1);
	}
	/*
	 * WFI blocks until the virtual timer's interrupt is pending, and no longer
	 * (interrupts stay masked by PSTATE.I: WFI wakes, nothing is taken).
	 */
	*(volatile uint32_t *)0x08000000UL = 0x12; /* GICD_CTLR: ARE, EnableGrp1A */
	gic_cpu_init();
	local_enable(27, 0x80);
	uint64_t f = frequency(), t0 = counter(), delay = f / 100; /* 10 ms */
	__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
			 :
			 : "r"(t0 + delay), "r"(1ULL));
	while ((counter() - t0) < delay) {
		__asm__ volatile("wfi");
	}
	uint64_t waited = counter() - t0;
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb");
	gic_ack_all();
	expect("wfi.vtimer_wakes", waited >= delay && waited < delay + f / 2, true);
	/* CPU_SUSPEND (standby) returns once an interrupt could be taken: the timer again. */
	t0 = counter();
	__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
			 :
			 : "r"(t0 + delay), "r"(1ULL));
	int64_t rc = hvc(PSCI_CPU_SUSPEND, 0, 0, 0);
	waited = counter() - t0;
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb");
	gic_ack_all();
	expect("psci.suspend_standby", rc, 0);
	expect("psci.suspend_waited_for_timer", waited >= delay, true);
}

/*
 * SYSTEM_RESET: tzvisor reloads the VM's images and restarts vCPU 0; RAM
 * beyond the image and the DTB keeps what was there. The first boot leaves
 * its counts at RESET_MARK and resets; the second finds them, reports that
 * it restarted and carries on to power off.
 */
#define RESET_MARK 0x40800000UL /* 8 MiB into RAM: past the image, below the DTB */
#define RESET_MAGIC 0x7E5E7B007ULL

struct reset_mark {
	uint64_t magic;
	uint64_t passed, failed;
};

static bool reset_survivor(void)
{
	volatile struct reset_mark *m = (volatile struct reset_mark *)RESET_MARK;

	if (m->magic != RESET_MAGIC) {
		return false;
	}
	passed = (unsigned int)m->passed;
	failed = (unsigned int)m->failed;
	m->magic = 0;
	expect("psci.system_reset_restarted", true, true);
	return true;
}

__attribute__((noreturn)) static void system_reset(void)
{
	volatile struct reset_mark *m = (volatile struct reset_mark *)RESET_MARK;

	m->passed = passed;
	m->failed = failed;
	m->magic = RESET_MAGIC;
	hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	gprintf("TEST FAIL psci.system_reset_returned\n");
	failed++;
	power_off();
}

static bool arg_is(const char *args, const char *word)
{
	size_t n = strlen(word);
	return strnlen(args, n) == n && memcmp(args, word, n) == 0 &&
	       (args[n] == '\0' || args[n] == ' ');
}

void guest_main(uintptr_t dtb)
{
	plat_console_init(UART_IPA);
	const void *fdt = (const void *)dtb;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
	if (args == NULL) {
		args = "";
	}
	gprintf("test guest: DTB @0x%llx, bootargs \"%s\"\n", (unsigned long long)dtb, args);
	if (arg_is(args, "psci")) {
		if (reset_survivor()) {
			power_off();
		}
		suite_psci();
		system_reset();
	} else if (arg_is(args, "bench")) {
		guest_bench_mode = 1;
		suite_bench();
		power_off();
	} else if (arg_is(args, "ffa")) {
		suite_ffa();
		power_off();
	} else if (arg_is(args, "bench-ffa") || arg_is(args, "bench-fwd")) {
		suite_bench_ffa();
		power_off();
	} else if (arg_is(args, "ffa-fwd1")) {
		suite_ffa_fwd(1);
		power_off();
	} else if (arg_is(args, "ffa-fwd2")) {
		suite_ffa_fwd(2);
		power_off();
	} else if (arg_is(args, "ffa-lender")) {
		suite_ffa_lender(false);
	} else if (arg_is(args, "ffa-lender-reset")) {
		suite_ffa_lender(true);
	} else if (arg_is(args, "gic")) {
		suite_gic();
		suite_virtio_hostile();
		power_off();
	} else if (arg_is(args, "mmio")) {
		gprintf("hostile: reading IPA 0x0a000000 (no device there)\n");
		(void)*(volatile uint32_t *)0x0a000000UL;
	} else if (arg_is(args, "devbad")) {
		gprintf("hostile: 64-bit read of the UART\n");
		(void)*(volatile uint64_t *)UART_IPA;
	} else if (arg_is(args, "spin")) {
		gprintf("hostile: spinning with interrupts masked, forever\n");
		for (;;) {
			__asm__ volatile("" ::: "memory");
		}
	}
	gprintf("TEST FAIL guest.still_running: \"%s\"\n", args);
	failed++;
	power_off();
}
