/* Interrupts for partitions (see irq.c); the emulated timers are spmc/vtimer.h. */
#ifndef SPMC_IRQ_H
#define SPMC_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "spmc/partition.h"

/* The secure SGI that carries IPIs between a partition's contexts and kicks between CPUs. */
#define IRQ_KICK_SGI 9U
/* How long a partition may ignore a managed-exit request (counter ticks = ms * freq / 1000). */
#define IRQ_MANAGED_EXIT_MS 100U

/* Hafnium's paravirtual interrupt interface (HVC from S-EL1, SVC from S-EL0). */
#define HF_INTERRUPT_ENABLE 0xff03U
#define HF_INTERRUPT_GET 0xff04U
#define HF_INTERRUPT_DEACTIVATE 0xff08U
#define HF_INTERRUPT_RECONFIGURE 0xff09U
#define HF_INTERRUPT_SEND_IPI 0xff0aU
#define HF_CALL_FIRST 0xff00U
#define HF_CALL_LAST 0xffffU
/* HF_INTERRUPT_RECONFIGURE commands. */
#define HF_RECONFIGURE_TARGET_PE 0U
#define HF_RECONFIGURE_SEC_STATE 1U
#define HF_RECONFIGURE_ENABLE 2U

/* --- loading and power ----------------------------------------------------------- */

/* Nothing claimed, no CPU state (the primary, before it loads partitions). */
void irq_init(void);

/*
 * Claims the SPIs sp's manifest lists (none may be another partition's, or
 * beyond the GIC's lines) and declares each vCPU's virtual IDs. False, with
 * an error logged and nothing claimed, if it cannot.
 */
bool irq_partition_load(struct partition *sp);
/*
 * Once every partition is loaded (primary CPU, before any boots): each
 * claimed SPI configured (group, priority, trigger), routed to this CPU and
 * enabled.
 */
void irq_boot_config(void);
/* Per-CPU set-up, cold and warm boot: secure CPU interface, the timer PPI, the kick SGI. */
void irq_cpu_init(unsigned int cpu);
/* This CPU goes off: its SPIs are routed elsewhere, its armed timers move. */
void irq_cpu_off(unsigned int cpu);
/* An execution context stops (CPU off): its virtual interrupts and timer are dropped. */
void irq_vcpu_off(struct vcpu *v);
/* A partition stopped: its interrupts disabled, active ones deactivated, nothing pending. */
void irq_partition_stopped(struct partition *sp);

/* --- the run loop ---------------------------------------------------------------- */

/* Before every entry into v: HCR_EL2.VI/VF from its virtual interrupts, the priority mask. */
void irq_vcpu_entry(struct vcpu *v);
/*
 * Physical interrupts pending for the Secure side (an IRQ exit from cur, or
 * FFA_INTERRUPT from the SPMD with cur NULL): each acknowledged and handed
 * to its owner. True if cur must be preempted as a signaled non-secure
 * interrupt would (its chain ignored a managed exit for too long).
 */
bool irq_physical(struct vcpu *cur);

/* What a non-secure interrupt (an FIQ exit) does to the running vCPU. */
enum irq_ns_result {
	IRQ_NS_CONTINUE, /* masked, managed exit signalled, or a Group 0 interrupt handled */
	IRQ_NS_SIGNALED, /* preempt it: FFA_INTERRUPT to the normal world */
};
enum irq_ns_result irq_ns_interrupt(struct vcpu *cur);
/* v answered its direct request: a managed exit it was asked for is over. */
void irq_request_done(struct vcpu *v);
/* The CPU goes back to the normal world: its priority mask, a stale managed exit. */
void irq_leave_to_nwd(void);

/*
 * Waiting vCPUs this CPU claimed to handle a virtual interrupt (RUNNING,
 * RTM_SEC_INT, their registers holding FFA_INTERRUPT), oldest first.
 */
struct vcpu *irq_wake_pop(void);
bool irq_wake_pending(void);
/*
 * FFA_MSG_WAIT from v: the virtual interrupt to signal instead of waiting
 * (FFA_INTERRUPT, w2), or VINT_NONE. An S-EL0 partition's active interrupts
 * end here (its FFA_MSG_WAIT completes them).
 */
uint32_t irq_wait_check(struct vcpu *v);

/*
 * v answered its request and waits (its lock not held): an S-EL0 partition,
 * which has no vIRQ, with an interrupt that came while it ran is claimed
 * (irq_wake_pop) to be told of it with FFA_INTERRUPT, as if it had called
 * FFA_MSG_WAIT.
 */
void irq_resp_check(struct vcpu *v);

/*
 * Makes virtual ID vid pending for t and signals it: a waiting vCPU that
 * can run here is claimed (irq_wake_pop), one running or waiting on
 * another CPU gets that CPU kicked, any other keeps it pending until it
 * runs. False if t does not know vid or its partition stopped.
 */
bool irq_deliver(struct vcpu *t, uint32_t vid);
/*
 * A notification was set for sp (per_vcpu: for its context `vcpu`): the
 * notification-pending interrupt, if the partition takes notifications.
 */
void irq_notify(struct partition *sp, bool per_vcpu, unsigned int vcpu);
/*
 * The line of an interrupt tzvisor emulates for sp (its console UART's,
 * spmc/console_rx.c), which changed: high makes the virtual ID pending for
 * the context it is routed to, if sp has it enabled; low drops it from
 * pending where it was not yet taken. No-op for any other INTID.
 */
void irq_emulated_level(struct partition *sp, uint32_t intid, bool high);

/*
 * After an IRQ exit of cur: the S-EL1 vCPU blocked further up cur's call
 * chain (its caller, theirs, ...) that now has an enabled interrupt
 * pending, nearest first; NULL if none. It is resumed to handle it (FF-A
 * v1.2 8.3: a blocked target is signalled with FFA_INTERRUPT).
 */
struct vcpu *irq_blocked_owner(const struct vcpu *cur);
/* v has a virtual interrupt it took (GET) and has not deactivated. */
bool irq_any_active(struct vcpu *v);

/* x0 of an HVC (S-EL1) or SVC (S-EL0) is one of Hafnium's paravirtual calls. */
static inline bool irq_is_hf_call(uint64_t x0)
{
	return x0 >= HF_CALL_FIRST && x0 <= HF_CALL_LAST;
}
/* One paravirtual call from v (x = its x0-x3): the 64-bit result for x0 (-1: refused). */
int64_t irq_hf_call(struct vcpu *v, const uint64_t *x);

#endif /* SPMC_IRQ_H */
