/*
 * An endpoint's RX/TX buffer pair (FF-A v1.2 sections 6.x, 13.7, 13.10-13.12):
 * where it is, and who owns the RX buffer. Validation only; the role maps
 * and unmaps the memory.
 */
#ifndef FFA_RXTX_H
#define FFA_RXTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "core/types.h"
#include "ffa/ffa.h"

#define FFA_RXTX_MAX_PAGES 16U
/* FFA_RXTX_MAP w3: page count in [5:0]; [31:6] MBZ. */
#define FFA_RXTX_PAGES_MASK 0x3FU

enum ffa_rx_state {
	FFA_RX_EMPTY, /* the producer (tzvisor) may write it */
	FFA_RX_FULL, /* holds a message or descriptors: the endpoint owns it */
};

struct ffa_rxtx {
	struct spinlock lock;
	bool mapped;
	uint64_t tx, rx;
	uint32_t pages;
	enum ffa_rx_state rx_state;
};

/*
 * Checks FFA_RXTX_MAP arguments against the current state: addresses
 * page-aligned and non-zero, pages 1..FFA_RXTX_MAX_PAGES with w3 [31:6] zero,
 * buffers disjoint, both inside [allowed_base, allowed_base + allowed_size).
 * Returns 0 or the FF-A error: DENIED if already mapped, else INVALID_PARAMETERS.
 */
int ffa_rxtx_map_check(const struct ffa_rxtx *b, uint64_t tx, uint64_t rx, uint32_t w3,
		       uint64_t allowed_base, uint64_t allowed_size, uint32_t *pages);
void ffa_rxtx_set(struct ffa_rxtx *b, uint64_t tx, uint64_t rx, uint32_t pages);
/* FFA_RXTX_UNMAP: 0, or INVALID_PARAMETERS when nothing is mapped. */
int ffa_rxtx_unmap_check(const struct ffa_rxtx *b);
void ffa_rxtx_clear(struct ffa_rxtx *b);
/* FFA_RX_RELEASE: FULL -> EMPTY; DENIED when not mapped or already empty. */
int ffa_rx_release(struct ffa_rxtx *b);

/* The buffers' size in bytes. */
static inline uint32_t ffa_rxtx_size(const struct ffa_rxtx *b)
{
	return b->pages * PAGE_SIZE;
}

/*
 * Copies the first len bytes of the TX buffer to dst under the buffers'
 * lock: 0, or INVALID_PARAMETERS without buffers or for len beyond them.
 */
int ffa_tx_copy(struct ffa_rxtx *b, void *dst, uint32_t len);

#endif
