/*
 * Partitions' EL1 physical timers, emulated (see vtimer.c), and tzvisor's
 * own deadline, all on each CPU's S-EL2 physical timer.
 */
#ifndef SPMC_VTIMER_H
#define SPMC_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "spmc/partition.h"

/* No timer armed on any CPU (boot). */
void vtimer_reset(void);
/* A vCPU starts with its timer off. */
void vtimer_init(struct vtimer *t);
/*
 * A trapped MRS/MSR (ESR_EL2 EC 0x18) from v: true if it was one of
 * CNTP_CTL/CVAL/TVAL_EL0, now emulated (v's PC moved past it).
 */
bool vtimer_sysreg(struct vcpu *v, uint64_t esr);
/*
 * The S-EL2 timer fired on this CPU: expired partition timers deliver
 * their interrupt (virtual ID 3). True if tzvisor's own deadline passed
 * (it is then cleared).
 */
bool vtimer_fire(void);
/* tzvisor's deadline on this CPU (counter value; 0: none). */
void vtimer_set_deadline(uint64_t when);
/* Programs this CPU's S-EL2 timer for the nearest deadline (after a kick). */
void vtimer_reprogram(void);
/* v stops (CPU off, partition stopped): its timer is disarmed. */
void vtimer_vcpu_off(struct vcpu *v);
/* This CPU goes off: the timers armed here move to CPU `to` (which is kicked). */
void vtimer_cpu_off(unsigned int cpu, unsigned int to);

#endif /* SPMC_VTIMER_H */
