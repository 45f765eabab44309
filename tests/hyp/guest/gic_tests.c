/*
 * The virtual GICv3 as a guest OS sees it, on four vCPUs: distributor and
 * redistributor discovery, the virtual timer's interrupt, SGIs to one vCPU
 * and to all others, more pending interrupts than list registers (delivered
 * in priority order), a level-triggered SPI from the emulated UART routed to
 * different vCPUs, and hostile accesses that must be ignored.
 */
#include <stdint.h>

#include "core/fmt.h"
#include "guest.h"

#define GICD 0x08000000UL
#define GICR 0x080A0000UL
#define GICR_STRIDE 0x20000UL
#define SGI_BASE 0x10000UL
#define UART 0x09000000UL
#define UART_IMSC 0x038
#define UART_TXIM (1U << 5)
#define NCPUS 4U
#define PSCI_CPU_ON64 0xC4000003U
#define UART_INTID 33U

/* ICC registers by encoding. */
#define ICC_IAR1 "S3_0_C12_C12_0"
#define ICC_EOIR1 "S3_0_C12_C12_1"
#define ICC_PMR "S3_0_C4_C6_0"
#define ICC_IGRPEN1 "S3_0_C12_C12_7"
#define ICC_SRE "S3_0_C12_C12_5"
#define ICC_SGI1R "S3_0_C12_C11_5"

static volatile uint32_t count[NCPUS][96];
static volatile uint32_t order[16];
static volatile uint32_t order_len;
static volatile uint64_t timer_fired_at;
static volatile uint32_t ready;
static volatile uint32_t stop_secondaries;

static volatile uint32_t *reg32(uintptr_t a)
{
	return (volatile uint32_t *)a;
}

static unsigned int me(void)
{
	uint64_t m;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(m));
	return (unsigned int)(m & 0xFF);
}

static void sgi(uint64_t v)
{
	__asm__ volatile("msr " ICC_SGI1R ", %0\n\tisb" : : "r"(v) : "memory");
}

static void irqs_on(void)
{
	__asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}

static void irqs_off(void)
{
	__asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");
}

volatile int guest_bench_mode;

void guest_irq(void)
{
	unsigned int c = me();

	if (guest_bench_mode) {
		bench_irq();
		return;
	}
	for (;;) {
		uint64_t iar;
		__asm__ volatile("mrs %0, " ICC_IAR1 : "=r"(iar));
		uint32_t id = (uint32_t)(iar & 0xFFFFFF);
		if (id >= 1020) {
			break;
		}
		if (id == 27) {
			__asm__ volatile("mrs %0, cntvct_el0" : "=r"(timer_fired_at));
			__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb");
		} else if (id == UART_INTID) {
			*reg32(UART + UART_IMSC) = 0; /* the level drops */
		} else if (id == 1 && c != 0) {
			sgi((2ULL << 24) | 1U); /* answer vCPU 0 with SGI 2 */
		}
		if (id >= 3 && id <= 10 && order_len < 16) {
			order[order_len++] = id;
		}
		if (id < 96 && c < NCPUS) {
			count[c][id]++;
		}
		__asm__ volatile("msr " ICC_EOIR1 ", %0\n\tisb" : : "r"(iar));
	}
}

/* This vCPU's redistributor awake and its CPU interface on (Group 1, all priorities). */
void gic_cpu_init(void)
{
	uintptr_t rd = GICR + me() * GICR_STRIDE;
	uint64_t sre;

	*reg32(rd + 0x14) &= ~2U; /* WAKER.ProcessorSleep */
	for (unsigned int i = 0; i < 1000000 && (*reg32(rd + 0x14) & 4U) != 0; i++) {
	}
	*reg32(rd + SGI_BASE + 0x80) = 0xFFFFFFFFU; /* IGROUPR0: Group 1 */
	__asm__ volatile("mrs %0, " ICC_SRE : "=r"(sre));
	__asm__ volatile("msr " ICC_SRE ", %0\n\t"
			 "msr " ICC_PMR ", %1\n\t"
			 "msr " ICC_IGRPEN1 ", %2\n\tisb"
			 :
			 : "r"(sre | 1U), "r"(0xFFULL), "r"(1ULL));
}

void local_enable(unsigned int intid, uint8_t prio)
{
	uintptr_t rd = GICR + me() * GICR_STRIDE + SGI_BASE;

	*(volatile uint8_t *)(rd + 0x400 + intid) = prio;
	*reg32(rd + 0x100) = 1U << intid;
}

/*
 * Waits (2 s at most) until *p reaches want. With `wfi` the vCPU sleeps in
 * between, so only an interrupt wakes it: use it for what an interrupt
 * handler counts, not for flags other vCPUs set.
 */
static bool wait_until(volatile uint32_t *p, uint32_t want, bool wfi)
{
	uint64_t t0 = counter(), limit = frequency() * 2;

	if (wfi) {
		/* A watchdog: the virtual timer wakes the WFI at the limit at the latest. */
		__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
				 :
				 : "r"(t0 + limit), "r"(1ULL));
	}
	while (*p < want) {
		if (counter() - t0 > limit) {
			return false;
		}
		if (wfi) {
			__asm__ volatile("wfi");
		}
	}
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb");
	return true;
}

static bool wait_for(volatile uint32_t *p, uint32_t want)
{
	return wait_until(p, want, true);
}

void gic_ack_all(void)
{
	for (;;) {
		uint64_t iar;
		__asm__ volatile("mrs %0, " ICC_IAR1 : "=r"(iar));
		if ((iar & 0xFFFFFF) >= 1020) {
			return;
		}
		__asm__ volatile("msr " ICC_EOIR1 ", %0\n\tisb" : : "r"(iar));
	}
}

void gic_secondary_main(void);
void gic_secondary_main(void)
{
	gic_cpu_init();
	local_enable(1, 0x80);
	irqs_on();
	__atomic_add_fetch(&ready, 1, __ATOMIC_RELEASE);
	while (!stop_secondaries) {
		__asm__ volatile("wfi"); /* blocks in tzvisor until an interrupt is pending */
	}
	irqs_off();
	for (;;) {
		__asm__ volatile("wfi");
	}
}

static void discovery(void)
{
	uint32_t typer = *reg32(GICD + 0x4);
	expect("gic.dist.pidr2_gicv3", (*reg32(GICD + 0xFFE8) >> 4) & 0xF, 3);
	expect("gic.dist.typer_it_lines", typer & 0x1F, 2);
	expect("gic.dist.typer_no_lpis", (typer >> 17) & 1, 0);
	*reg32(GICD) = 0x12; /* ARE | EnableGrp1A */
	expect("gic.dist.ctlr_are_grp1", *reg32(GICD) & 0x12, 0x12);
	for (unsigned int c = 0; c < NCPUS; c++) {
		uint64_t t = *(volatile uint64_t *)(GICR + c * GICR_STRIDE + 0x8);
		char name[48];
		fmt_snprintf(name, sizeof(name), "gic.redist%u.typer", c);
		expect(name, (int64_t)((t >> 32) << 8 | (t & 0x10)),
		       (int64_t)(c << 8 | (c == NCPUS - 1 ? 0x10U : 0)));
	}
	gic_cpu_init();
	expect("gic.redist0.awake", *reg32(GICR + 0x14) & 6U, 0);
}

static void vtimer(void)
{
	uint64_t f = frequency(), cval = counter() + f / 1000;

	local_enable(27, 0x80);
	__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
			 :
			 : "r"(cval), "r"(1ULL));
	/*
	 * WFI with PSTATE.I set, then a window to take what woke it: taken with
	 * interrupts open, the timer (its handler turns it off) could fire just
	 * before the WFI, which would then wait for nothing.
	 */
	bool ok = false;
	for (uint64_t t0 = counter(); !ok && counter() - t0 < f * 2;) {
		__asm__ volatile("wfi");
		irqs_on();
		irqs_off();
		ok = count[0][27] == 1;
	}
	expect("gic.vtimer.interrupt", ok, true);
	expect("gic.vtimer.after_deadline", timer_fired_at >= cval, true);
	gprintf("BENCH vtimer_latency_ticks %llu\n", (unsigned long long)(timer_fired_at - cval));
}

static void sgis(void)
{
	local_enable(2, 0x80);
	for (uint64_t c = 1; c < NCPUS; c++) {
		hvc(PSCI_CPU_ON64, c, (uintptr_t)gic_secondary_entry, c);
	}
	expect("gic.sgi.secondaries_ready", wait_until(&ready, NCPUS - 1, false), true);
	irqs_on();
	for (unsigned int c = 1; c < NCPUS; c++) {
		char name[48];
		uint32_t before = count[0][2];
		sgi((1ULL << 24) | (1U << c));
		bool ok = wait_for(&count[0][2], before + 1);
		fmt_snprintf(name, sizeof(name), "gic.sgi.to_vcpu%u_and_back", c);
		if (!ok || count[c][1] != 1) {
			gprintf("vCPU %u: SGI 1 seen %u times; SGI 2 back %u (want %u)\n", c,
				count[c][1], count[0][2], before + 1);
		}
		expect(name, ok && count[c][1] == 1, true);
	}
	sgi((1ULL << 40) | (1ULL << 24)); /* IRM: every vCPU but this one */
	bool all = true;
	for (unsigned int c = 1; c < NCPUS; c++) {
		all = all && wait_until(&count[c][1], 2, false);
	}
	expect("gic.sgi.broadcast_irm", all, true);
	expect("gic.sgi.broadcast_not_self", count[0][1], 0);
	/* Their answers (SGI 2 to vCPU 0) may merge: an SGI pending is pending once. */
	uint64_t t1 = counter();
	while (counter() - t1 < frequency() / 100) {
	}
	uint32_t before = count[0][2];
	/* Hostile: a target that does not exist, and another cluster: nobody gets them. */
	sgi((1ULL << 24) | (1U << 9));
	sgi((1ULL << 24) | (1ULL << 16) | 1U);
	uint64_t t0 = counter();
	while (counter() - t0 < frequency() / 100) {
	}
	expect("gic.sgi.no_such_target_ignored", count[0][2], (int64_t)before);
	expect("gic.sgi.no_such_target_secondaries", count[1][1] + count[2][1] + count[3][1], 6);
	irqs_off();
}

static void lr_overflow(void)
{
	/* Eight SGIs pending at once: more than the list registers hold (QEMU: 4). */
	for (unsigned int i = 3; i <= 10; i++) {
		local_enable(i, (uint8_t)(0xA0 - i * 8)); /* SGI 10 the most urgent */
	}
	order_len = 0;
	for (unsigned int i = 3; i <= 10; i++) {
		sgi(((uint64_t)i << 24) | 1U);
	}
	irqs_on();
	bool ok = wait_for(&order_len, 8);
	irqs_off();
	expect("gic.lr.eight_pending_all_delivered", ok, true);
	bool sorted = true;
	for (unsigned int i = 0; i < order_len; i++) {
		sorted = sorted && order[i] == 10 - i;
	}
	expect("gic.lr.priority_order", sorted, true);
}

static void spi_uart(void)
{
	volatile uint64_t *irouter = (volatile uint64_t *)(GICD + 0x6000 + 8 * UART_INTID);

	*(volatile uint8_t *)(GICD + 0x400 + UART_INTID) = 0x80;
	*reg32(GICD + 0x80 + 4) = 0xFFFFFFFFU; /* IGROUPR1: Group 1 */
	*irouter = 0;
	*reg32(GICD + 0x100 + 4) = 1U << (UART_INTID - 32); /* ISENABLER1 */
	irqs_on();
	*reg32(UART + UART_IMSC) = UART_TXIM; /* TX FIFO empty and unmasked: line high */
	bool ok = wait_for(&count[0][UART_INTID], 1);
	uint64_t t0 = counter();
	while (counter() - t0 < frequency() / 100) {
	}
	irqs_off();
	expect("gic.spi.uart_level_to_vcpu0", ok, true);
	expect("gic.spi.level_low_no_refire", count[0][UART_INTID], 1);
	*irouter = 2; /* to vCPU 2 */
	expect("gic.spi.irouter_reads_back", (int64_t)*irouter, 2);
	*reg32(UART + UART_IMSC) = UART_TXIM;
	expect("gic.spi.routed_to_vcpu2", wait_for(&count[2][UART_INTID], 1), true);
	expect("gic.spi.not_on_vcpu0", count[0][UART_INTID], 1);
}

static void hostile(void)
{
	*reg32(GICD + 0x9000) = 0xFFFFFFFFU;
	expect("gic.hostile.reserved_raz_wi", *reg32(GICD + 0x9000), 0);
	*reg32(GICD + 0x100) = 0xFFFFFFFFU; /* SGI/PPI enables live in the redistributors */
	expect("gic.hostile.dist_sgi_bank_raz", *reg32(GICD + 0x100), 0);
	*(volatile uint64_t *)(GICD + 0x6000 + 8 * 40) = 0xFFFFFFFFFFFFFFFFULL;
	expect("gic.hostile.irouter_garbage_kept", *(volatile uint32_t *)(GICD + 0x6000 + 8 * 40),
	       (int64_t)0xFFFFFFFFU);
	*reg32(GICD + 0x6000) = 5; /* IROUTER of an SGI: reserved */
	expect("gic.hostile.irouter_sgi_raz", *reg32(GICD + 0x6000), 0);
}

void suite_gic(void)
{
	discovery();
	vtimer();
	sgis();
	lr_overflow();
	spi_uart();
	hostile();
	stop_secondaries = 1;
	sgi((1ULL << 40) | (1ULL << 24)); /* wake them to see it */
}
