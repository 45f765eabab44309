/* The generic timer for the SPMC (see timer.h). */
#include "arch/aarch64/timer.h"

#include "arch/aarch64/sysreg.h"

/* CNTHPS_CTL_EL2 / CNTHPS_CVAL_EL2 by encoding (op1 4, CRn 14, CRm 5). */
#define CNTHPS_CTL_EL2 S3_4_C14_C5_1
#define CNTHPS_CVAL_EL2 S3_4_C14_C5_2
#define CNT_CTL_ENABLE 1ULL
/* CNTHCTL_EL2 (non-VHE): bit 0 EL1PCTEN (counter readable), bit 1 EL1PCEN (timer). */
#define CNTHCTL_EL1PCTEN (1ULL << 0)
#define CNTHCTL_EL1PCEN (1ULL << 1)

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void arch_sel2_timer_set(uint64_t cval)
{
	write_sysreg(CNTHPS_CVAL_EL2, cval);
	write_sysreg(CNTHPS_CTL_EL2, CNT_CTL_ENABLE);
	isb();
}

void arch_sel2_timer_off(void)
{
	write_sysreg(CNTHPS_CTL_EL2, 0);
	isb();
}

void arch_ptimer_trap_init(void)
{
	uint64_t v = read_sysreg(cnthctl_el2);

	write_sysreg(cnthctl_el2, (v | CNTHCTL_EL1PCTEN) & ~CNTHCTL_EL1PCEN);
	isb();
}
