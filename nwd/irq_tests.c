/*
 * Non-secure interrupts while a partition runs (FF-A v1.2 chapter 8): the
 * normal world arms its EL2 physical timer (PPI 26, non-secure Group 1 in
 * core 0's redistributor) so that the interrupt is pending when it calls a
 * partition. A partition whose manifest queues such interrupts (sp3) runs to
 * its answer; one that has them signaled (sp2) is preempted: the normal world
 * gets FFA_INTERRUPT and resumes it with FFA_RUN, registers intact.
 */
#include "nwd.h"
#include "test_cmd.h"

#define HYP_TIMER_PPI 26U
#define SPIN 200000U

void timer_interrupt(bool on, uint64_t after)
{
	if (on) {
		/* The PPI's group is secure-only configuration: TF-A makes PPIs non-secure. */
		gic_nwd_init();
		gic_nwd_local_irq(HYP_TIMER_PPI, true);
		/* Expires `after` ticks from now; then stays asserted (level) until disabled. */
		__asm__ volatile("msr cnthp_tval_el2, %0\n\tmsr cnthp_ctl_el2, %1\n\tisb"
				 :
				 : "r"(after), "r"(1ULL));
	} else {
		__asm__ volatile("msr cnthp_ctl_el2, %0\n\tisb" : : "r"(0ULL));
		gic_nwd_local_irq(HYP_TIMER_PPI, false);
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

void suite_interrupts(void)
{
	uint64_t ctl;

	timer_interrupt(true, 0);
	__asm__ volatile("mrs %0, cnthp_ctl_el2" : "=r"(ctl));
	if (!expect_u64("irq.timer_pending", "CNTHP_CTL_EL2.ISTATUS", (ctl >> 2) & 1, 1)) {
		timer_interrupt(false, 0);
		return;
	}
	test_pass("irq.timer_pending");

	struct ffa_value v = sp_cmd(TEST_SP3_ID, TEST_CMD_SPIN, SPIN, 0);
	if (expect_u64("irq.queued.sp_finishes", "x0", (uint32_t)v.x[0],
		       FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64("irq.queued.sp_finishes", "iterations", v.x[4], SPIN)) {
		test_pass("irq.queued.sp_finishes");
	}

	v = sp_cmd(TEST_SP2_ID, TEST_CMD_SPIN, SPIN, 0);
	if (expect_u64("irq.signaled.preempts_sp", "x0", (uint32_t)v.x[0], FFA_INTERRUPT_32) &&
	    expect_u64("irq.signaled.preempts_sp", "w1 (SP, context)", v.x[1],
		       (uint64_t)TEST_SP2_ID << 16)) {
		test_pass("irq.signaled.preempts_sp");
	}
	/* Still pending: any request meets the interrupted context as busy. */
	v = sp_cmd(TEST_SP2_ID, TEST_CMD_ECHO, 0, 0);
	if (expect_ffa_error("irq.signaled.busy_while_interrupted", &v, FFA_BUSY)) {
		test_pass("irq.signaled.busy_while_interrupted");
	}
	/* "Handle" the interrupt, then resume the partition where it stopped. */
	timer_interrupt(false, 0);
	v = ffa_call8(FFA_RUN_32, (uint64_t)TEST_SP2_ID << 16, 0, 0);
	if (expect_u64("irq.signaled.run_resumes", "x0", (uint32_t)v.x[0],
		       FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64("irq.signaled.run_resumes", "status", v.x[3], TEST_STATUS_OK) &&
	    expect_u64("irq.signaled.run_resumes", "iterations", v.x[4], SPIN)) {
		test_pass("irq.signaled.run_resumes");
	}
}

/*
 * Interrupts for partitions (spmc/irq.c; test_cmd.h "Interrupts"): sp1 (S-EL1,
 * managed exit) owns the PL031's SPI (INTID 34, Secure Group 1) and takes its
 * virtual interrupts through Hafnium's paravirtual calls; its context 0 runs
 * on this core. Each delivery is checked by the partition's own counts.
 */
#define VINT_TIMER 3U
#define VINT_MANAGED_EXIT 4U
#define VINT_IPI 9U
#define HF_INTERRUPT_ENABLE 0xff03U
#define HF_INTERRUPT_GET 0xff04U
#define HF_INTERRUPT_DEACTIVATE 0xff08U
#define HF_INTERRUPT_RECONFIGURE 0xff09U
#define HF_INTERRUPT_SEND_IPI 0xff0aU
#define HF_REFUSED 0xFFFFFFFFFFFFFFFFULL /* -1 */

static struct ffa_value cmd4(uint16_t sp, uint64_t c, uint64_t a1, uint64_t a2, uint64_t a3,
			     uint64_t a4)
{
	struct ffa_value v = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, sp), 0, c, a1, a2, a3, a4}};
	nwd_smc(&v);
	return v;
}

static bool answered(const char *name, const struct ffa_value *v)
{
	return expect_u64(name, "x0", (uint32_t)v->x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	       expect_u64(name, "status", v->x[3], TEST_STATUS_OK);
}

/* One of Hafnium's calls made by sp: its result is `want`. */
static void t_hf(const char *name, uint16_t sp, uint64_t call, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t want)
{
	struct ffa_value v = cmd4(sp, TEST_CMD_HF_CALL, call, a1, a2, a3);
	if (answered(name, &v) && expect_u64(name, "result", v.x[4], want)) {
		test_pass(name);
	}
}

struct irq_stats {
	uint64_t count, wakes, errors, early;
};

static bool stats(const char *name, uint16_t sp, uint64_t id, uint64_t ctx, struct irq_stats *s)
{
	struct ffa_value v = cmd4(sp, TEST_CMD_IRQ_STATS, id, ctx, 0, 0);
	if (!answered(name, &v)) {
		return false;
	}
	*s = (struct irq_stats){v.x[4], v.x[5], v.x[6], v.x[7]};
	return true;
}

/* The normal world runs (sp1 waits) for `ticks`. */
static void nwd_loop(uint64_t ticks)
{
	uint64_t start = read_cntpct();
	while (read_cntpct() - start < ticks) {
	}
}

/* After one more interrupt `id` for sp's context ctx (woken from waiting or not): no error, none
 * early. */
static void t_one_more_of(const char *name, uint16_t sp, uint64_t id, uint64_t ctx,
			  const struct irq_stats *before, bool woken)
{
	struct irq_stats s;
	if (stats(name, sp, id, ctx, &s) &&
	    expect_u64(name, "handled", s.count, before->count + 1) &&
	    expect_u64(name, "FFA_INTERRUPT wake-ups", s.wakes, before->wakes + (woken ? 1 : 0)) &&
	    expect_u64(name, "errors", s.errors, 0) && expect_u64(name, "early", s.early, 0)) {
		test_pass(name);
	}
}

static void hostile_hf_calls(void)
{
	t_hf("irq.hf.get_none.sp1", TEST_SP1_ID, HF_INTERRUPT_GET, 0, 0, 0, 0xFFFFFFFFU);
	t_hf("irq.hf.bad.unknown_call.sp1", TEST_SP1_ID, 0xff77, 34, 1, 0, HF_REFUSED);
	t_hf("irq.hf.bad.enable_unknown_id.sp1", TEST_SP1_ID, HF_INTERRUPT_ENABLE, 77, 1, 0,
	     HF_REFUSED);
	t_hf("irq.hf.bad.enable_huge_id.sp1", TEST_SP1_ID, HF_INTERRUPT_ENABLE, 0x100000022ULL, 1,
	     0, HF_REFUSED);
	t_hf("irq.hf.bad.enable_value.sp1", TEST_SP1_ID, HF_INTERRUPT_ENABLE, TEST_RTC_SPI, 2, 0,
	     HF_REFUSED);
	t_hf("irq.hf.bad.enable_type.sp1", TEST_SP1_ID, HF_INTERRUPT_ENABLE, TEST_RTC_SPI, 1, 2,
	     HF_REFUSED);
	t_hf("irq.hf.bad.enable_others_spi.sp2", TEST_SP2_ID, HF_INTERRUPT_ENABLE, TEST_RTC_SPI, 0,
	     0, HF_REFUSED);
	t_hf("irq.hf.bad.deactivate_not_active.sp1", TEST_SP1_ID, HF_INTERRUPT_DEACTIVATE,
	     TEST_RTC_SPI, TEST_RTC_SPI, 0, HF_REFUSED);
	t_hf("irq.hf.bad.deactivate_timer_not_active.sp1", TEST_SP1_ID, HF_INTERRUPT_DEACTIVATE,
	     VINT_TIMER, VINT_TIMER, 0, HF_REFUSED);
	t_hf("irq.hf.bad.deactivate_mismatch.sp1", TEST_SP1_ID, HF_INTERRUPT_DEACTIVATE,
	     TEST_RTC_SPI, TEST_RTC_SPI + 1, 0, HF_REFUSED);
	t_hf("irq.hf.bad.deactivate_others_spi.sp2", TEST_SP2_ID, HF_INTERRUPT_DEACTIVATE,
	     TEST_RTC_SPI, TEST_RTC_SPI, 0, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_others_spi.sp2", TEST_SP2_ID, HF_INTERRUPT_RECONFIGURE,
	     TEST_RTC_SPI, 2, 0, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_unclaimed_spi.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE, 40,
	     2, 1, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_virtual_id.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE,
	     VINT_TIMER, 2, 1, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_command.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE,
	     TEST_RTC_SPI, 3, 0, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_enable_value.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE,
	     TEST_RTC_SPI, 2, 2, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_target_pe.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE,
	     TEST_RTC_SPI, 0, 99, HF_REFUSED);
	t_hf("irq.hf.bad.reconfigure_sec_state.sp1", TEST_SP1_ID, HF_INTERRUPT_RECONFIGURE,
	     TEST_RTC_SPI, 1, 2, HF_REFUSED);
	t_hf("irq.hf.bad.send_ipi_context.sp1", TEST_SP1_ID, HF_INTERRUPT_SEND_IPI, 4, 0, 0,
	     HF_REFUSED);
	t_hf("irq.hf.bad.send_ipi_context.sp2", TEST_SP2_ID, HF_INTERRUPT_SEND_IPI, 1, 0, 0,
	     HF_REFUSED);
	/* Nothing of that changed anything: no interrupt pending, none taken in error. */
	t_hf("irq.hf.get_none_after.sp1", TEST_SP1_ID, HF_INTERRUPT_GET, 0, 0, 0, 0xFFFFFFFFU);
}

static void t_one_more(const char *name, uint64_t id, const struct irq_stats *before, bool woken)
{
	t_one_more_of(name, TEST_SP1_ID, id, 0, before, woken);
}

/* HF_INTERRUPT_SEND_IPI to its own context: taken as a vIRQ before it answers. */
static void ipi(void)
{
	struct irq_stats s;
	const char *name = "irq.ipi.own_context.sp1";

	if (!stats(name, TEST_SP1_ID, VINT_IPI, 0, &s)) {
		return;
	}
	struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_HF_CALL, HF_INTERRUPT_SEND_IPI, 0, 0, 0);
	if (answered(name, &v) && expect_u64(name, "result", v.x[4], 0)) {
		t_one_more(name, VINT_IPI, &s, false);
	}
}

static void device_interrupt(uint64_t freq)
{
	struct irq_stats s;
	struct ffa_value v;

	/* While the normal world runs: the SPMD hands it over, sp1 is woken (FFA_INTERRUPT). */
	if (!stats("irq.spi.pl031_while_nwd_runs.sp1", TEST_SP1_ID, TEST_RTC_SPI, 0, &s)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_RTC_ARM, 0, 0, 0, 0);
	if (!answered("irq.spi.pl031_while_nwd_runs.sp1", &v)) {
		return;
	}
	nwd_loop(freq * 5 / 2); /* the alarm comes at the RTC's next second */
	t_one_more("irq.spi.pl031_while_nwd_runs.sp1", TEST_RTC_SPI, &s, true);

	/* While sp1 runs (spinning, IRQs unmasked): a vIRQ, no wake-up. */
	if (!stats("irq.spi.pl031_while_sp_runs.sp1", TEST_SP1_ID, TEST_RTC_SPI, 0, &s)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_RTC_ARM, 0, 0, 0, 0);
	if (!answered("irq.spi.pl031_while_sp_runs.sp1", &v)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_WAIT_IRQ, TEST_RTC_SPI, s.count + 1, freq * 3, 0);
	if (answered("irq.spi.pl031_while_sp_runs.sp1", &v) &&
	    expect_u64("irq.spi.pl031_while_sp_runs.sp1", "count", v.x[4], s.count + 1)) {
		t_one_more("irq.spi.pl031_while_sp_runs.sp1", TEST_RTC_SPI, &s, false);
	}
}

static void timer(uint64_t freq)
{
	struct irq_stats s;
	struct ffa_value v;

	if (!stats("irq.timer.while_nwd_runs.sp1", TEST_SP1_ID, VINT_TIMER, 0, &s)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, freq / 20, 0, 0, 0);
	if (!answered("irq.timer.while_nwd_runs.sp1", &v)) {
		return;
	}
	nwd_loop(freq / 2);
	t_one_more("irq.timer.while_nwd_runs.sp1", VINT_TIMER, &s, true);

	if (!stats("irq.timer.while_sp_runs.sp1", TEST_SP1_ID, VINT_TIMER, 0, &s)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, freq / 10, 0, 0, 0);
	if (!answered("irq.timer.while_sp_runs.sp1", &v)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_WAIT_IRQ, VINT_TIMER, s.count + 1, freq, 0);
	if (answered("irq.timer.while_sp_runs.sp1", &v) &&
	    expect_u64("irq.timer.while_sp_runs.sp1", "count", v.x[4], s.count + 1)) {
		t_one_more("irq.timer.while_sp_runs.sp1", VINT_TIMER, &s, false);
	}

	/* Disarmed before it fires: nothing comes. */
	if (!stats("irq.timer.disarmed.sp1", TEST_SP1_ID, VINT_TIMER, 0, &s)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, freq / 10, 0, 0, 0);
	struct ffa_value off = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, 0, 0, 0, 0);
	nwd_loop(freq / 5);
	struct irq_stats after;
	if (answered("irq.timer.disarmed.sp1", &v) && answered("irq.timer.disarmed.sp1", &off) &&
	    stats("irq.timer.disarmed.sp1", TEST_SP1_ID, VINT_TIMER, 0, &after) &&
	    expect_u64("irq.timer.disarmed.sp1", "handled", after.count, s.count) &&
	    expect_u64("irq.timer.disarmed.sp1", "wake-ups", after.wakes, s.wakes)) {
		test_pass("irq.timer.disarmed.sp1");
	}
}

/* A normal-world interrupt while sp1 (managed exit) spins with FIQs unmasked, and masked. */
static void managed_exit(uint64_t freq)
{
	struct irq_stats s;
	const char *name = "irq.managed_exit.sp_yields.sp1";

	if (!stats(name, TEST_SP1_ID, VINT_MANAGED_EXIT, 0, &s)) {
		return;
	}
	timer_interrupt(true, 0);
	struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_SPIN_TIME, freq * 2, 1, 0, 0);
	timer_interrupt(false, 0);
	if (answered(name, &v) && expect_u64(name, "ended by a managed exit", v.x[5], 1) &&
	    expect_u64(name, "spun less than asked", v.x[4] < freq * 2, 1)) {
		struct irq_stats after;
		if (stats(name, TEST_SP1_ID, VINT_MANAGED_EXIT, 0, &after) &&
		    expect_u64(name, "managed exits", after.count, s.count + 1)) {
			test_pass(name);
		}
	}
	/* The managed exit was dropped with the response: the next request runs to its end. */
	v = cmd4(TEST_SP1_ID, TEST_CMD_SPIN_TIME, freq / 50, 1, 0, 0);
	if (answered("irq.managed_exit.dropped_after.sp1", &v) &&
	    expect_u64("irq.managed_exit.dropped_after.sp1", "managed exit", v.x[5], 0) &&
	    expect_u64("irq.managed_exit.dropped_after.sp1", "spun", v.x[4] >= freq / 50, 1)) {
		test_pass("irq.managed_exit.dropped_after.sp1");
	}

	/*
	 * Ignored (FIQs masked for a second): after the bound (100 ms, twice) the chain is
	 * preempted as if signaled; FFA_RUN resumes it and it finishes intact.
	 */
	name = "irq.managed_exit.ignored_becomes_signaled.sp1";
	timer_interrupt(true, 0);
	v = cmd4(TEST_SP1_ID, TEST_CMD_SPIN_TIME, freq, 0, 0, 0);
	timer_interrupt(false, 0);
	if (expect_u64(name, "x0", (uint32_t)v.x[0], FFA_INTERRUPT_32) &&
	    expect_u64(name, "w1 (SP, context)", v.x[1], (uint64_t)TEST_SP1_ID << 16)) {
		test_pass(name);
	}
	name = "irq.managed_exit.ignored_run_resumes.sp1";
	v = ffa_call8(FFA_RUN_32, (uint64_t)TEST_SP1_ID << 16, 0, 0);
	if (answered(name, &v) && expect_u64(name, "spun the whole time", v.x[4] >= freq, 1) &&
	    expect_u64(name, "managed exit taken", v.x[5], 0)) {
		test_pass(name);
	}
}

/*
 * Another partition's secure interrupt while a partition runs (FF-A v1.2
 * 8.3, `other-s-interrupts-action`; spmc/irq.c): sp1's emulated timer (its
 * context 0, this core) fires while a partition spins in TEST_CMD_REG_SPIN,
 * holding a pattern in x9-x15 and x19-x28.
 */
struct spin {
	uint64_t bad, end, start;
};

static bool reg_spin(const char *name, uint16_t sp, uint64_t ticks, uint64_t seed, struct spin *r)
{
	struct ffa_value v = cmd4(sp, TEST_CMD_REG_SPIN, ticks, seed, 0, 0);
	if (!answered(name, &v)) {
		return false;
	}
	*r = (struct spin){v.x[4], v.x[5], v.x[6]};
	return expect_u64(name, "registers changed (bit n: xn)", r->bad, 0) &&
	       expect_u64(name, "spun the whole time", r->end - r->start >= ticks, 1);
}

/* sp1's last timer interrupt: t[0] deadline, t[1] handler start, t[2] handler end. */
static bool timer_times(const char *name, uint64_t *t)
{
	struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_IRQ_TIMES, 0, 0, 0, 0);
	if (!answered(name, &v)) {
		return false;
	}
	t[0] = v.x[4], t[1] = v.x[5], t[2] = v.x[6];
	return true;
}

/* sp1's timer armed to fire once, `ticks` from now; its counts before in *s. */
static bool timer_during(const char *name, struct irq_stats *s, uint64_t ticks)
{
	if (!stats(name, TEST_SP1_ID, VINT_TIMER, 0, s)) {
		return false;
	}
	struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, ticks, 0, 0, 0);
	return answered(name, &v);
}

/* Counter value a came before b, comparing their low 32 bits (no wrap within 2^31 ticks). */
static bool before32(uint64_t a, uint64_t b)
{
	return (int32_t)((uint32_t)b - (uint32_t)a) > 0;
}

/*
 * sp2's TEST_CMD_REG_SPIN as relayed by the partition that called it
 * (TEST_CMD_CALL): x4 = the answer's x0 (DIRECT_RESP_32: the partitions call
 * each other with 32-bit requests), x5 = its status, x6 = the changed
 * registers, x7 = the low 32 bits of the counter at sp2's end. It arrived
 * intact, and sp1's timer (times in t) was handled before sp2 ended.
 */
static bool relayed_spin_intact(const char *name, const struct ffa_value *v, uint64_t *t)
{
	return answered(name, v) &&
	       expect_u64(name, "sp2's answer", v->x[4], FFA_MSG_SEND_DIRECT_RESP_32) &&
	       expect_u64(name, "sp2's status", v->x[5], TEST_STATUS_OK) &&
	       expect_u64(name, "sp2's registers changed", v->x[6], 0) && timer_times(name, t) &&
	       expect_u64(name, "handled before sp2 ended", before32(t[2], v->x[7]), 1);
}

static void other_partitions(uint64_t freq)
{
	struct irq_stats s;
	struct spin r;
	uint64_t t[3];
	const char *name = "irq.other_sp.signaled_preempts_sp2.sp1";

	/*
	 * sp2 (signaled, the default): sp1's waiting context preempts it, handles
	 * its timer, and sp2 goes on, registers intact, to its answer.
	 */
	if (timer_during(name, &s, freq / 10) &&
	    reg_spin(name, TEST_SP2_ID, freq, 0x5a5a0000ULL, &r) && timer_times(name, t) &&
	    expect_u64(name, "handled after sp2 started", t[1] > r.start, 1) &&
	    expect_u64(name, "handled before sp2 ended", t[2] < r.end, 1)) {
		t_one_more_of(name, TEST_SP1_ID, VINT_TIMER, 0, &s, true);
	}

	/*
	 * sp3 (other-s-interrupts-action 0, queued): nothing interrupts it; sp1
	 * handles its timer once sp3 has answered and the normal world runs.
	 */
	name = "irq.other_sp.queued_while_sp3.sp1";
	if (timer_during(name, &s, freq / 10) &&
	    reg_spin(name, TEST_SP3_ID, freq, 0x3c3c0000ULL, &r) && timer_times(name, t) &&
	    expect_u64(name, "handled after sp3 ended", t[1] > r.end, 1)) {
		t_one_more_of(name, TEST_SP1_ID, VINT_TIMER, 0, &s, true);
	}

	/*
	 * In a chain, normal world -> sp3 -> sp2: sp2 (signaled) is preempted
	 * by sp1 as above; sp2's answer reaches sp3, sp3's the normal world.
	 */
	name = "irq.other_sp.preempts_chain_sp3_sp2.sp1";
	if (timer_during(name, &s, freq / 10)) {
		struct ffa_value v =
			cmd4(TEST_SP3_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_REG_SPIN, freq, 7);
		if (relayed_spin_intact(name, &v, t)) {
			t_one_more_of(name, TEST_SP1_ID, VINT_TIMER, 0, &s, true);
		}
	}

	/*
	 * Normal world -> sp1 -> sp2, sp1's own timer while sp2 runs: sp1 is
	 * blocked in the chain; its request returns FFA_INTERRUPT, it handles
	 * the vIRQ and resumes sp2 with FFA_RUN (FF-A v1.2 8.3, as Hafnium).
	 */
	name = "irq.chain.blocked_owner_signaled.sp1";
	struct ffa_value c0 = cmd4(TEST_SP1_ID, TEST_CMD_CALL_STATS, 0, 0, 0, 0);
	if (answered(name, &c0) && timer_during(name, &s, freq / 10)) {
		struct ffa_value v =
			cmd4(TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_REG_SPIN, freq, 9);
		if (relayed_spin_intact(name, &v, t)) {
			struct ffa_value c1 = cmd4(TEST_SP1_ID, TEST_CMD_CALL_STATS, 0, 0, 0, 0);
			if (answered(name, &c1) &&
			    expect_u64(name, "requests answered FFA_INTERRUPT", c1.x[4],
				       c0.x[4] + 1)) {
				t_one_more_of(name, TEST_SP1_ID, VINT_TIMER, 0, &s, false);
			}
		}
	}

	/*
	 * The same, sp1 with IRQs masked: before it resumes sp2 it may not
	 * resume it with the ID still active (DENIED), answer its requester
	 * (DENIED), send another request (DENIED), or run anyone else (INVALID).
	 */
	name = "irq.chain.blocked_owner_refusals.sp1";
	if (timer_during(name, &s, freq / 10)) {
		struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_CHAIN_IRQ, TEST_SP2_ID,
					  TEST_CMD_REG_SPIN, freq, 13);
		uint64_t want = (uint64_t)(uint8_t)FFA_DENIED | (uint64_t)(uint8_t)FFA_DENIED << 8 |
				(uint64_t)(uint8_t)FFA_DENIED << 16 |
				(uint64_t)(uint8_t)FFA_INVALID_PARAMETERS << 24;
		if (answered(name, &v) &&
		    expect_u64(name, "sp2's answer", v.x[4], FFA_MSG_SEND_DIRECT_RESP_32) &&
		    expect_u64(name, "errors (RUN, RESP, REQ, RUN other)", v.x[6], want) &&
		    expect_u64(name, "FFA_INTERRUPTs | sp2's status, registers changed", v.x[7],
			       1) &&
		    timer_times(name, t) &&
		    expect_u64(name, "taken before sp2 ended", before32(t[1], v.x[5]), 1)) {
			t_one_more_of(name, TEST_SP1_ID, VINT_TIMER, 0, &s, false);
		}
	}
}

/*
 * An S-EL0 partition's own interrupts (sp3): its EL1 physical timer (CNTP
 * from EL0, emulated), an IPI to itself; each comes as FFA_INTERRUPT (w2 =
 * the ID) when it waits, and its next FFA_MSG_WAIT ends it.
 */
static void el0_interrupts(uint64_t freq)
{
	struct irq_stats s;
	struct spin r;
	struct ffa_value v;
	const char *name = "irq.el0.timer_while_nwd_runs.sp3";

	if (stats(name, TEST_SP3_ID, VINT_TIMER, 0, &s)) {
		v = cmd4(TEST_SP3_ID, TEST_CMD_TIMER_ARM, freq / 20, 0, 0, 0);
		if (answered(name, &v)) {
			nwd_loop(freq / 2);
			t_one_more_of(name, TEST_SP3_ID, VINT_TIMER, 0, &s, true);
		}
	}
	/* While it runs (everything masked: queued): after its answer, woken. */
	name = "irq.el0.timer_while_sp3_runs.sp3";
	if (stats(name, TEST_SP3_ID, VINT_TIMER, 0, &s)) {
		v = cmd4(TEST_SP3_ID, TEST_CMD_TIMER_ARM, freq / 20, 0, 0, 0);
		if (answered(name, &v) &&
		    reg_spin(name, TEST_SP3_ID, freq / 5, 0x77ULL << 32, &r)) {
			t_one_more_of(name, TEST_SP3_ID, VINT_TIMER, 0, &s, true);
		}
	}
	/* An IPI to itself while it serves a request: signalled as soon as it has answered. */
	t_hf("irq.el0.enable_ipi_by_svc.sp3", TEST_SP3_ID, HF_INTERRUPT_ENABLE, VINT_IPI, 1, 0, 0);
	name = "irq.el0.ipi_to_itself.sp3";
	if (stats(name, TEST_SP3_ID, VINT_IPI, 0, &s)) {
		v = cmd4(TEST_SP3_ID, TEST_CMD_HF_CALL, HF_INTERRUPT_SEND_IPI, 0, 0, 0);
		if (answered(name, &v) && expect_u64(name, "result", v.x[4], 0)) {
			t_one_more_of(name, TEST_SP3_ID, VINT_IPI, 0, &s, true);
		}
	}
	/* Hostile: nothing active to end, nothing left pending, someone else's SPI. */
	t_hf("irq.el0.bad.deactivate_timer_not_active.sp3", TEST_SP3_ID, HF_INTERRUPT_DEACTIVATE,
	     VINT_TIMER, VINT_TIMER, 0, HF_REFUSED);
	t_hf("irq.el0.bad.enable_others_spi.sp3", TEST_SP3_ID, HF_INTERRUPT_ENABLE, TEST_RTC_SPI, 1,
	     0, HF_REFUSED);
	t_hf("irq.el0.bad.send_ipi_context.sp3", TEST_SP3_ID, HF_INTERRUPT_SEND_IPI, 1, 0, 0,
	     HF_REFUSED);
	t_hf("irq.el0.get_none_after.sp3", TEST_SP3_ID, HF_INTERRUPT_GET, 0, 0, 0, 0xFFFFFFFFU);
}

void suite_partition_interrupts(void)
{
	uint64_t freq = read_cntfrq();
	struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_BOOT_IRQ, 0, 0, 0, 0);

	/* OP-TEE's boot calls: ENABLE and RECONFIGURE(ENABLE) of its SPI, ENABLE of 3 and 9. */
	if (answered("irq.boot.hf_enable.sp1", &v) &&
	    expect_u64("irq.boot.hf_enable.sp1", "ENABLE", v.x[4], 0) &&
	    expect_u64("irq.boot.hf_enable.sp1", "RECONFIGURE", v.x[5], 0) &&
	    expect_u64("irq.boot.hf_enable.sp1", "timer, IPI", v.x[6], 0)) {
		test_pass("irq.boot.hf_enable.sp1");
	}
	v = cmd4(TEST_SP3_ID, TEST_CMD_BOOT_IRQ, 0, 0, 0, 0);
	if (answered("irq.boot.hf_enable_by_svc.sp3", &v) &&
	    expect_u64("irq.boot.hf_enable_by_svc.sp3", "timer", v.x[6], 0)) {
		test_pass("irq.boot.hf_enable_by_svc.sp3");
	}
	hostile_hf_calls();
	ipi();
	device_interrupt(freq);
	timer(freq);
	managed_exit(freq);
	other_partitions(freq);
	el0_interrupts(freq);
}

/*
 * A helper core (core 1, CPU_ON with nwd_irq_core_mode set) that runs what
 * core 0 posts: a command to sp1 (its context 1, pinned there), or CPU_OFF.
 */
volatile bool nwd_irq_core_mode;
void nwd_secondary_entry(void);

enum { CORE_SP1_CMD = 1, CORE_OFF = 2 };

static struct {
	volatile uint64_t cmd, a[5];
	volatile uint64_t seq, done;
	volatile uint64_t res[8];
} core1;

static void mb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

void irq_core_loop(uint64_t index)
{
	(void)index;
	for (;;) {
		while (core1.seq == core1.done) {
			mb();
		}
		if (core1.cmd == CORE_OFF) {
			core1.done = core1.seq;
			mb();
			ffa_call8(PSCI_CPU_OFF, 0, 0, 0);
			for (;;) {
			}
		}
		struct ffa_value v = cmd4(TEST_SP1_ID, core1.a[0], core1.a[1], core1.a[2],
					  core1.a[3], core1.a[4]);
		for (unsigned int i = 0; i < 8; i++) {
			core1.res[i] = v.x[i];
		}
		mb();
		core1.done = core1.seq;
		mb();
	}
}

static void core1_post(uint64_t cmd, uint64_t c, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	core1.cmd = cmd;
	core1.a[0] = c, core1.a[1] = a1, core1.a[2] = a2, core1.a[3] = a3, core1.a[4] = a4;
	mb();
	core1.seq++;
	mb();
}

static bool core1_wait(const char *name, uint64_t ticks, struct ffa_value *v)
{
	uint64_t start = read_cntpct();
	while (core1.done != core1.seq) {
		mb();
		if (read_cntpct() - start > ticks) {
			test_fail(name, "core 1 did not answer");
			return false;
		}
	}
	for (unsigned int i = 0; i < 8; i++) {
		v->x[i] = core1.res[i];
	}
	return true;
}

static volatile uint64_t *const irq_mailbox = (volatile uint64_t *)TEST_NS_MAILBOX;

/* Polls sp1's count of `id` on context ctx until it exceeds `count`, for at most `ticks`. */
static void wait_count(uint64_t id, uint64_t ctx, uint64_t count, uint64_t ticks)
{
	uint64_t start = read_cntpct();
	struct irq_stats s;
	while (read_cntpct() - start < ticks) {
		struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_IRQ_STATS, id, ctx, 0, 0);
		s.count = v.x[4];
		if ((uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 && s.count > count) {
			return;
		}
		nwd_loop(ticks / 50);
	}
}

/*
 * Core 1 on again: IPIs from sp1's context 0 (here) to its context 1 on
 * core 1, waiting there (the normal world runs: woken by FFA_INTERRUPT) and
 * running there (a vIRQ); then core 1 goes off (PSCI CPU_OFF) with sp1's
 * SPI routed to it and armed: the SPI moves to core 0 and arrives once.
 */
static void cross_core(uint64_t freq)
{
	struct irq_stats s, s1;
	struct ffa_value v;
	const char *name = "irq.smp.core1_on";

	nwd_irq_core_mode = true;
	mb();
	v = ffa_call8(PSCI_CPU_ON, 1, (uint64_t)(uintptr_t)nwd_secondary_entry, 1);
	if (!expect_u64(name, "PSCI return", v.x[0], PSCI_E_SUCCESS)) {
		return;
	}
	/* Its first command proves it runs (sp1's context there answers). */
	core1_post(CORE_SP1_CMD, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	if (!core1_wait(name, freq * 5, &v) || !answered(name, &v) ||
	    !expect_u64(name, "sp1 context", v.x[5], 1)) {
		return;
	}
	test_pass(name);

	name = "irq.smp.ipi_to_waiting_context.sp1";
	if (stats(name, TEST_SP1_ID, VINT_IPI, 1, &s)) {
		v = cmd4(TEST_SP1_ID, TEST_CMD_HF_CALL, HF_INTERRUPT_SEND_IPI, 1, 0, 0);
		if (answered(name, &v) && expect_u64(name, "result", v.x[4], 0)) {
			wait_count(VINT_IPI, 1, s.count, freq * 2);
			t_one_more_of(name, TEST_SP1_ID, VINT_IPI, 1, &s, true);
		}
	}

	name = "irq.smp.ipi_to_running_context.sp1";
	if (stats(name, TEST_SP1_ID, VINT_IPI, 1, &s)) {
		irq_mailbox[TEST_NS_MAILBOX_IRQ + 1] = 0;
		mb();
		core1_post(CORE_SP1_CMD, TEST_CMD_WAIT_IRQ, VINT_IPI, s.count + 1, freq * 5,
			   0x1771);
		uint64_t start = read_cntpct();
		while (irq_mailbox[TEST_NS_MAILBOX_IRQ + 1] != 0x1771 &&
		       read_cntpct() - start < freq * 5) {
			mb();
		}
		if (expect_u64(name, "context 1 running", irq_mailbox[TEST_NS_MAILBOX_IRQ + 1],
			       0x1771)) {
			v = cmd4(TEST_SP1_ID, TEST_CMD_HF_CALL, HF_INTERRUPT_SEND_IPI, 1, 0, 0);
			struct ffa_value w;
			if (answered(name, &v) && expect_u64(name, "result", v.x[4], 0) &&
			    core1_wait(name, freq * 6, &w) && answered(name, &w) &&
			    expect_u64(name, "count it waited for", w.x[4], s.count + 1)) {
				t_one_more_of(name, TEST_SP1_ID, VINT_IPI, 1, &s, false);
			}
		} else {
			core1_wait(name, freq * 6, &v);
		}
	}

	/* The RTC's SPI to core 1, armed (it fires 2-3 s from now), then core 1 goes off. */
	name = "irq.smp.spi_follows_cpu_off.sp1";
	core1_post(CORE_SP1_CMD, TEST_CMD_HF_CALL, HF_INTERRUPT_RECONFIGURE, TEST_RTC_SPI,
		   0 /* TARGET_PE */, 1);
	if (!core1_wait(name, freq * 5, &v) || !answered(name, &v) ||
	    !expect_u64(name, "RECONFIGURE(TARGET_PE 1)", v.x[4], 0) ||
	    !stats(name, TEST_SP1_ID, TEST_RTC_SPI, 0, &s) ||
	    !stats(name, TEST_SP1_ID, TEST_RTC_SPI, 1, &s1)) {
		return;
	}
	v = cmd4(TEST_SP1_ID, TEST_CMD_RTC_ARM, 3, 0, 0, 0);
	if (!answered(name, &v)) {
		return;
	}
	core1_post(CORE_OFF, 0, 0, 0, 0, 0);
	uint64_t end = read_cntpct() + freq * 2;
	do {
		v = ffa_call8(PSCI_AFFINITY_INFO, 1, 0, 0);
	} while (v.x[0] != 1 /* OFF */ && read_cntpct() < end);
	if (!expect_u64(name, "core 1 off (AFFINITY_INFO)", v.x[0], 1)) {
		return;
	}
	/* Core 0's normal world runs: sp1's context 0 waits, and is woken for it. */
	nwd_loop(freq * 4);
	struct irq_stats after1;
	if (stats(name, TEST_SP1_ID, TEST_RTC_SPI, 1, &after1) &&
	    expect_u64(name, "context 1's count", after1.count, s1.count)) {
		t_one_more_of(name, TEST_SP1_ID, TEST_RTC_SPI, 0, &s, true);
	}
}

/* After the SMP suite's CPU_OFF/CPU_ON cycles: sp1's SPI and timer still reach it. */
void suite_interrupts_after_smp(void)
{
	uint64_t freq = read_cntfrq();
	struct irq_stats s;
	const char *name = "irq.after_cpu_off_on.pl031.sp1";

	if (stats(name, TEST_SP1_ID, TEST_RTC_SPI, 0, &s)) {
		struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_RTC_ARM, 0, 0, 0, 0);
		if (answered(name, &v)) {
			nwd_loop(freq * 5 / 2);
			t_one_more(name, TEST_RTC_SPI, &s, true);
		}
	}
	name = "irq.after_cpu_off_on.timer.sp1";
	if (stats(name, TEST_SP1_ID, VINT_TIMER, 0, &s)) {
		struct ffa_value v = cmd4(TEST_SP1_ID, TEST_CMD_TIMER_ARM, freq / 20, 0, 0, 0);
		if (answered(name, &v)) {
			nwd_loop(freq / 2);
			t_one_more(name, VINT_TIMER, &s, true);
		}
	}
	cross_core(freq);
}
