/* Notifications at the SPMC (see notif.c). */
#ifndef SPMC_NOTIF_H
#define SPMC_NOTIF_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa_core.h"
#include "spmc/partition.h"

/* The schedule-receiver interrupt: SGI 8, made non-secure on every CPU (as Hafnium does). */
#define SPMC_SRI_INTID 8U
/* Normal-world VMs with a notification bitmap (FFA_NOTIFICATION_BITMAP_CREATE). */
#define SPMC_MAX_VMS 8U

/* Per-CPU set-up (cold and warm boot): the SRI becomes a non-secure SGI again. */
void spmc_notif_cpu_init(unsigned int cpu_index);
/*
 * FFA_NOTIFICATION_BITMAP_CREATE/DESTROY, BIND, UNBIND, SET, GET, INFO_GET
 * (32, 64) from the normal world (v == NULL) or from partition vCPU v.
 */
struct ffa_value spmc_notif_call(struct vcpu *v, const struct ffa_value *args);
/*
 * An indirect message from `sender` is in `receiver`'s RX buffer: pends the
 * RX-buffer-full framework notification if the receiver takes notifications,
 * and signals the SRI (a partition sender may ask for it to be delayed).
 */
void spmc_notif_rx_full(ffa_id_t sender, ffa_id_t receiver, bool delay_sri);
/* Has the normal world created a notification bitmap for VM `id` (a hypervisor's VM)? */
bool spmc_notif_vm_known(ffa_id_t id);
/* The receiver released its RX buffer: a pending RX-full notification is stale. */
void spmc_notif_rx_released(ffa_id_t receiver);
/* CPUs (bit per index) holding an SRI a partition asked to delay. */
extern uint32_t spmc_sri_delayed;
void spmc_sri_flush_slow(void);
/*
 * Raises an SRI a partition asked to delay; called as the CPU returns to the
 * normal world. On every request: one load when nothing is delayed.
 */
static inline void spmc_sri_flush(void)
{
	if (__atomic_load_n(&spmc_sri_delayed, __ATOMIC_RELAXED) != 0) {
		spmc_sri_flush_slow();
	}
}

#endif /* SPMC_NOTIF_H */
