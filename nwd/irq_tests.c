/*
 * Non-secure interrupts while a partition runs (FF-A v1.2 chapter 8): the
 * normal world arms its EL2 physical timer (PPI 26, non-secure Group 1 in
 * core 0's redistributor) so that the interrupt is pending when it calls a
 * partition. A partition whose manifest queues such interrupts (sp1) runs to
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

	struct ffa_value v = sp_cmd(TEST_SP1_ID, TEST_CMD_SPIN, SPIN, 0);
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
