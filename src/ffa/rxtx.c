#include "ffa/rxtx.h"

#include <string.h>

#include "core/types.h"

int ffa_rxtx_map_check(const struct ffa_rxtx *b, uint64_t tx, uint64_t rx, uint32_t w3,
		       uint64_t allowed_base, uint64_t allowed_size, uint32_t *pages)
{
	uint64_t n = w3 & FFA_RXTX_PAGES_MASK;
	uint64_t size, tx_end, rx_end, allowed_end;

	if (b->mapped) {
		return FFA_DENIED;
	}
	if ((w3 & ~FFA_RXTX_PAGES_MASK) != 0 || n == 0 || n > FFA_RXTX_MAX_PAGES) {
		return FFA_INVALID_PARAMETERS;
	}
	size = n * PAGE_SIZE;
	if (tx == 0 || rx == 0 || !IS_ALIGNED(tx, PAGE_SIZE) || !IS_ALIGNED(rx, PAGE_SIZE) ||
	    !range_end(tx, size, &tx_end) || !range_end(rx, size, &rx_end) ||
	    !range_end(allowed_base, allowed_size, &allowed_end)) {
		return FFA_INVALID_PARAMETERS;
	}
	if (tx < rx_end && rx < tx_end) {
		return FFA_INVALID_PARAMETERS; /* overlapping buffers */
	}
	if (tx < allowed_base || tx_end > allowed_end || rx < allowed_base ||
	    rx_end > allowed_end) {
		return FFA_INVALID_PARAMETERS;
	}
	*pages = (uint32_t)n;
	return 0;
}

void ffa_rxtx_set(struct ffa_rxtx *b, uint64_t tx, uint64_t rx, uint32_t pages)
{
	b->mapped = true;
	b->tx = tx;
	b->rx = rx;
	b->pages = pages;
	b->rx_state = FFA_RX_EMPTY;
}

int ffa_rxtx_unmap_check(const struct ffa_rxtx *b)
{
	return b->mapped ? 0 : FFA_INVALID_PARAMETERS;
}

void ffa_rxtx_clear(struct ffa_rxtx *b)
{
	b->mapped = false;
	b->tx = b->rx = 0;
	b->pages = 0;
	b->rx_state = FFA_RX_EMPTY;
}

int ffa_rx_release(struct ffa_rxtx *b)
{
	if (!b->mapped || b->rx_state != FFA_RX_FULL) {
		return FFA_DENIED;
	}
	b->rx_state = FFA_RX_EMPTY;
	return 0;
}

int ffa_tx_copy(struct ffa_rxtx *b, void *dst, uint32_t len)
{
	int err = 0;

	sl_lock(&b->lock);
	if (!b->mapped || len > ffa_rxtx_size(b)) {
		err = FFA_INVALID_PARAMETERS;
	} else {
		memcpy(dst, (const void *)(uintptr_t)b->tx, len);
	}
	sl_unlock(&b->lock);
	return err;
}
