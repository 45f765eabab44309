/*
 * Indirect messaging at the SPMC (FF-A v1.2 chapter 15): FFA_MSG_SEND2 from
 * the normal world to a partition, between partitions, and from a partition
 * to the normal world. A hypervisor sends for its VMs (w1 [31:16] = the VM,
 * which must then be the header's sender) from its own TX buffer; messages
 * to its VMs (those it created a notification bitmap for) go to its RX
 * buffer, with the VM's RX-full notification pending.
 *
 * The message (header and payload) is checked on a private copy, taken from
 * the sender's TX buffer into a per-CPU bounce page under the sender's buffer
 * lock; it is then copied into the receiver's RX buffer under the receiver's
 * lock, so no two buffer locks are ever held together. The receiver owns its
 * RX buffer until FFA_RX_RELEASE; a second message meanwhile gets BUSY.
 * A hypervisor's VM has an RX state of its own: the hypervisor copies the
 * message out of its RX buffer and releases that at once; the VM's stays
 * full (BUSY for the next message to that VM, and to that VM only) until
 * the hypervisor releases it for the VM (FFA_RX_RELEASE, w1 = the VM).
 * A receiver that takes notifications gets the RX-buffer-full framework
 * notification and the normal world the schedule-receiver interrupt (which a
 * sending partition may delay, w2 bit 1), see spmc/notif.c; the normal
 * world's scheduler then runs the receiver, which reads its message.
 */
#include "spmc/indirect.h"

#include <string.h>

#include "core/cpu.h"
#include "ffa/indirect.h"
#include "spmc/notif.h"
#include "spmc/partition.h"
#include "spmc/spmc.h"

static uint8_t bounce[MAX_CPUS][FFA_MSG_MAX_TOTAL] __attribute__((aligned(16)));

/* The receiver's buffer pair, or NULL with the error. */
static struct ffa_rxtx *receiver_buffers(ffa_id_t sender, ffa_id_t receiver, enum ffa_error *err)
{
	*err = FFA_INVALID_PARAMETERS;
	if (receiver == sender) {
		return NULL;
	}
	if (!ffa_id_is_secure(receiver)) {
		/*
		 * Only partitions send to the normal world: to the one endpoint it
		 * is, or to a VM its hypervisor made known (it created the VM's
		 * notification bitmap). Both land in the normal world's RX buffer,
		 * the hypervisor's, with the VM named in the header.
		 */
		if (!ffa_id_is_secure(sender) ||
		    (receiver != spmc.nwd.id && !spmc_notif_vm_known(receiver))) {
			return NULL;
		}
		return &spmc.nwd_rxtx;
	}
	struct partition *sp = partition_find(receiver);
	if (sp == NULL) {
		return NULL;
	}
	*err = FFA_DENIED;
	if ((sp->m.messaging_method & SP_MSG_INDIRECT) == 0) {
		return NULL;
	}
	*err = FFA_ABORTED;
	return sp->aborted ? NULL : &sp->rxtx;
}

struct ffa_value spmc_msg_send2(struct ffa_endpoint *ep, struct ffa_rxtx *tx,
				const struct ffa_value *args)
{
	uint8_t *buf = bounce[cpu_this()->index];
	uint32_t w1 = ffa_w(args, 1);
	ffa_id_t sender = ep->id;
	struct ffa_msg_header h;
	enum ffa_error err;

	/* w1 [31:16]: the VM a hypervisor sends for, [15:0] MBZ; w2: only bit 1 (delay SRI). */
	if ((w1 & 0xFFFFU) != 0 || (ffa_w(args, 2) & ~2U) != 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if ((w1 >> 16) != 0) {
		if (ffa_id_is_secure(ep->id) || ffa_id_is_secure((ffa_id_t)(w1 >> 16))) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		sender = (ffa_id_t)(w1 >> 16);
	}
	if (ffa_id_is_secure(ep->id)) {
		struct partition *self = partition_find(ep->id);
		if (self == NULL || (self->m.messaging_method & SP_MSG_INDIRECT) == 0) {
			return ffa_error_value(FFA_DENIED);
		}
	}
	int bad = ffa_msg_take(tx, sender, ffa_endpoint_version(ep), buf, &h);
	if (bad != 0) {
		return ffa_error_value((enum ffa_error)bad);
	}
	struct ffa_rxtx *rx = receiver_buffers(sender, h.receiver, &err);
	if (rx == NULL) {
		return ffa_error_value(err);
	}
	bool vm = !ffa_id_is_secure(h.receiver) && h.receiver != spmc.nwd.id;
	if (vm && (bad = spmc_notif_vm_rx_claim(h.receiver)) != 0) {
		return ffa_error_value((enum ffa_error)bad);
	}
	bad = ffa_msg_put(rx, buf, &h);
	if (bad != 0) {
		if (vm) {
			spmc_notif_vm_rx_unclaim(h.receiver);
		}
		return ffa_error_value((enum ffa_error)bad);
	}
	spmc_notif_rx_full(sender, h.receiver, (ffa_w(args, 2) & FFA_NOTIF_FLAG_DELAY_SRI) != 0);
	return ffa_success_value(0);
}
