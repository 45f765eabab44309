/*
 * The generic timer as the SPMC uses it: the physical counter, and the
 * S-EL2 physical timer (CNTHPS, FEAT_SEL2; PPI 20 on QEMU's virt), which
 * backs the partitions' emulated EL1 physical timers and tzvisor's own
 * deadlines. The partitions' accesses to CNTP_CTL/CVAL/TVAL_EL0 trap to EL2
 * (CNTHCTL_EL2.EL1PCEN clear); the counter stays readable (EL1PCTEN).
 */
#ifndef ARCH_AARCH64_TIMER_H
#define ARCH_AARCH64_TIMER_H

#include <stdint.h>

#define ARCH_SEL2_TIMER_PPI 20U

/* CNTPCT_EL0, after an ISB (not read early). */
uint64_t arch_counter(void);
/* CNTFRQ_EL0: counter ticks per second. */
uint64_t arch_counter_freq(void);
/* CNTHPS fires when the counter reaches cval (enabled, unmasked). */
void arch_sel2_timer_set(uint64_t cval);
void arch_sel2_timer_off(void);
/* This CPU's EL1&0 physical timer registers trap to EL2; the physical counter does not. */
void arch_ptimer_trap_init(void);

#endif /* ARCH_AARCH64_TIMER_H */
