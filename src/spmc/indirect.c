/*
 * Indirect messaging at the SPMC (FF-A v1.2 chapter 15): FFA_MSG_SEND2 from
 * the normal world to a partition, between partitions, and from a partition
 * to the normal world.
 *
 * The message (header and payload) is checked on a private copy, taken from
 * the sender's TX buffer into a per-CPU bounce page under the sender's buffer
 * lock; it is then copied into the receiver's RX buffer under the receiver's
 * lock, so no two buffer locks are ever held together. The receiver owns its
 * RX buffer until FFA_RX_RELEASE; a second message meanwhile gets BUSY.
 * A receiver that takes notifications gets the RX-buffer-full framework
 * notification and the normal world the schedule-receiver interrupt (which a
 * sending partition may delay, w2 bit 1), see spmc/notif.c; the normal
 * world's scheduler then runs the receiver, which reads its message.
 */
#include "spmc/indirect.h"

#include <string.h>

#include "core/cpu.h"
#include "core/types.h"
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
		/* Only partitions send to the normal world: as the one endpoint it is. */
		if (!ffa_id_is_secure(sender) || receiver != spmc.nwd.id) {
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
	struct ffa_msg_header h;
	enum ffa_error err;

	/* w1 [31:16] names a VM only when a hypervisor forwards; w2: only bit 1 (delay SRI). */
	if (ffa_w(args, 1) != 0 || (ffa_w(args, 2) & ~2U) != 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (ffa_id_is_secure(ep->id)) {
		struct partition *self = partition_find(ep->id);
		if (self == NULL || (self->m.messaging_method & SP_MSG_INDIRECT) == 0) {
			return ffa_error_value(FFA_DENIED);
		}
	}
	sl_lock(&tx->lock);
	if (!tx->mapped) {
		sl_unlock(&tx->lock);
		return ffa_error_value(FFA_DENIED);
	}
	memcpy(&h, (const void *)(uintptr_t)tx->tx, sizeof(h));
	int bad =
		ffa_msg_check(&h, (size_t)tx->pages * PAGE_SIZE, ep->id, ffa_endpoint_version(ep));
	if (bad == 0) {
		memcpy(buf, (const void *)(uintptr_t)tx->tx, ffa_msg_total(&h));
		memcpy(buf, &h, sizeof(h)); /* the header that was checked, not a re-read */
	}
	sl_unlock(&tx->lock);
	if (bad != 0) {
		return ffa_error_value((enum ffa_error)bad);
	}

	struct ffa_rxtx *rx = receiver_buffers(ep->id, h.receiver, &err);
	if (rx == NULL) {
		return ffa_error_value(err);
	}
	sl_lock(&rx->lock);
	if (!rx->mapped) {
		err = FFA_DENIED;
	} else if (rx->rx_state != FFA_RX_EMPTY) {
		err = FFA_BUSY;
	} else if (ffa_msg_total(&h) > (size_t)rx->pages * PAGE_SIZE) {
		err = FFA_INVALID_PARAMETERS;
	} else {
		memcpy((void *)(uintptr_t)rx->rx, buf, ffa_msg_total(&h));
		rx->rx_state = FFA_RX_FULL;
		err = 0;
	}
	sl_unlock(&rx->lock);
	if (err != 0) {
		return ffa_error_value(err);
	}
	spmc_notif_rx_full(ep->id, h.receiver, (ffa_w(args, 2) & FFA_NOTIF_FLAG_DELAY_SRI) != 0);
	return ffa_success_value(0);
}
