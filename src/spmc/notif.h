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
/*
 * Per-VM RX state of a hypervisor's VMs (FF-A v1.2 15.x: a receiver's RX
 * buffer is its own until it releases it). Claim: a partition's message
 * for VM `id` is about to go to the hypervisor's RX buffer: 0, BUSY if the
 * VM has not released the last one, INVALID_PARAMETERS if the VM is not
 * known. Unclaim: that message was not delivered after all. Release: the
 * hypervisor's FFA_RX_RELEASE for the VM (w1 = its ID): 0, DENIED if no
 * message of the VM's is unreleased, INVALID_PARAMETERS if not known.
 */
int spmc_notif_vm_rx_claim(ffa_id_t id);
void spmc_notif_vm_rx_unclaim(ffa_id_t id);
int spmc_notif_vm_rx_release(ffa_id_t id);
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
