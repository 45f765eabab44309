#include "ffa/indirect.h"

#include <string.h>

#include "core/types.h"

int ffa_msg_check(const struct ffa_msg_header *h, size_t tx_size, ffa_id_t caller, uint32_t version)
{
	uint32_t hdr =
		version >= FFA_VERSION_1_2 ? FFA_MSG_HEADER_SIZE_V1_2 : FFA_MSG_HEADER_SIZE_V1_1;
	uint64_t end;

	if (h->flags != 0 || h->sender != caller || h->offset < hdr ||
	    !range_end(h->offset, h->size, &end) || end > tx_size || end > FFA_MSG_MAX_TOTAL) {
		return FFA_INVALID_PARAMETERS;
	}
	return 0;
}

size_t ffa_msg_total(const struct ffa_msg_header *h)
{
	return (size_t)h->offset + h->size;
}

int ffa_msg_take(struct ffa_rxtx *tx, ffa_id_t sender, uint32_t version, uint8_t *bounce,
		 struct ffa_msg_header *h)
{
	int err;

	sl_lock(&tx->lock);
	if (!tx->mapped) {
		sl_unlock(&tx->lock);
		return FFA_DENIED;
	}
	memcpy(h, (const void *)(uintptr_t)tx->tx, sizeof(*h));
	err = ffa_msg_check(h, (size_t)tx->pages * PAGE_SIZE, sender, version);
	if (err == 0) {
		memcpy(bounce, (const void *)(uintptr_t)tx->tx, ffa_msg_total(h));
		memcpy(bounce, h, sizeof(*h)); /* the header that was checked, not a re-read */
	}
	sl_unlock(&tx->lock);
	return err;
}

int ffa_msg_put(struct ffa_rxtx *rx, const uint8_t *bounce, const struct ffa_msg_header *h)
{
	int err = 0;

	sl_lock(&rx->lock);
	if (!rx->mapped) {
		err = FFA_DENIED;
	} else if (rx->rx_state != FFA_RX_EMPTY) {
		err = FFA_BUSY;
	} else if (ffa_msg_total(h) > (size_t)rx->pages * PAGE_SIZE) {
		err = FFA_INVALID_PARAMETERS;
	} else {
		memcpy((void *)(uintptr_t)rx->rx, bounce, ffa_msg_total(h));
		rx->rx_state = FFA_RX_FULL;
	}
	sl_unlock(&rx->lock);
	return err;
}
