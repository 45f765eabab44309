/*
 * A vCPU's virtual interrupts: the state machine behind the paravirtual
 * interface partitions use (HF_INTERRUPT_ENABLE, GET, DEACTIVATE; see
 * spmc/irq.h) and behind HCR_EL2.VI/VF. No hardware here: host-tested
 * (tests/unit/test_vint.c).
 *
 * A vCPU knows a fixed set of virtual IDs, declared when its partition is
 * loaded: the special IDs tzvisor raises itself (the timer, managed exit,
 * the notification-pending interrupt, the IPI) and the partition's own
 * physical interrupts (SPIs), whose virtual ID is their INTID. Each ID is
 * enabled or not, of type IRQ or FIQ, pending or not, active or not:
 *   inject      pending (again: no change; an ID is never queued twice);
 *   take (GET)  the oldest enabled pending ID becomes active, no longer
 *               pending; the order is the order of injection (FIFO), and a
 *               disabled ID keeps its place until it is enabled;
 *   deactivate  an active ID becomes inactive; anything else is refused;
 *   withdraw    pending and active dropped (managed exit, a stopped vCPU);
 *   unpend      pending dropped, active kept (an emulated device's line fell).
 * An ID may be pending again while it is active (a new event before the
 * partition ended the last one): it is taken again after. Every refusal
 * (unknown ID, not active, table full) leaves the state as it was.
 *
 * The lines: VI is asserted while an enabled IRQ-type ID is pending, VF
 * while an enabled FIQ-type one is (counters kept as the state changes, so
 * that reading them at every vCPU entry costs two loads).
 */
#ifndef SPMC_VINT_H
#define SPMC_VINT_H

#include <stdbool.h>
#include <stdint.h>

#include "spmc/sp_manifest.h"

/* Virtual IDs raised by tzvisor (Hafnium's numbering, which partitions built for it use). */
#define VINT_TIMER 3U /* the partition's EL1 physical timer (emulated, spmc/vtimer.c) */
#define VINT_MANAGED_EXIT 4U /* managed exit (FF-A v1.2 8.3.1, FFA_FEATURES feature 3) */
#define VINT_NPI 5U /* notification pending (FFA_FEATURES feature 1) */
#define VINT_IPI 9U /* another context of the partition sent an IPI */
#define VINT_NONE 0xFFFFFFFFU /* HF_INTERRUPT_GET: nothing pending */

/* The special IDs plus the partition's own interrupts. */
#define VINT_MAX_IDS (4U + SP_MAX_INTERRUPTS)

struct vint {
	uint32_t id[VINT_MAX_IDS];
	uint8_t flags[VINT_MAX_IDS]; /* VINT_F_* */
	uint8_t order[VINT_MAX_IDS]; /* slots of the pending IDs, oldest first */
	uint8_t count; /* IDs declared */
	uint8_t queued; /* entries in order[] */
	uint8_t ready_irq, ready_fiq; /* enabled and pending, by type: the lines */
};

#define VINT_F_ENABLED 0x1U
#define VINT_F_PENDING 0x2U
#define VINT_F_ACTIVE 0x4U
#define VINT_F_FIQ 0x8U

void vint_init(struct vint *s);
/* Adds an ID (inactive, not pending). False: already there, or the table is full. */
bool vint_declare(struct vint *s, uint32_t id, bool enabled, bool fiq);
bool vint_knows(const struct vint *s, uint32_t id);
/* Enables or disables an ID and sets its type. False: an ID the vCPU does not know. */
bool vint_enable(struct vint *s, uint32_t id, bool enable, bool fiq);
/* Makes an ID pending. False: an ID the vCPU does not know. */
bool vint_inject(struct vint *s, uint32_t id);
/* The oldest enabled pending ID, or VINT_NONE; nothing changes. */
uint32_t vint_peek(const struct vint *s);
/* HF_INTERRUPT_GET: the oldest enabled pending ID, now active; VINT_NONE if none. */
uint32_t vint_take(struct vint *s);
/* HF_INTERRUPT_DEACTIVATE: false (and no change) unless the ID is active. */
bool vint_deactivate(struct vint *s, uint32_t id);
/* Drops an ID's pending and active state (no-op for an unknown ID). */
void vint_withdraw(struct vint *s, uint32_t id);
/* Drops an ID's pending state only: a level-sensitive source went low (no-op if unknown). */
void vint_unpend(struct vint *s, uint32_t id);
bool vint_is_pending(const struct vint *s, uint32_t id);
bool vint_is_active(const struct vint *s, uint32_t id);
bool vint_is_enabled(const struct vint *s, uint32_t id);
/* Something enabled is pending (a waiting vCPU has work). */
static inline bool vint_ready(const struct vint *s)
{
	return s->ready_irq != 0 || s->ready_fiq != 0;
}

#endif /* SPMC_VINT_H */
