/* Indirect messaging (FFA_MSG_SEND2): the checks on a sender's message. */
#ifndef FFA_INDIRECT_H
#define FFA_INDIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "ffa/rxtx.h"

/* tzvisor copies a message through a one-page bounce buffer: header + payload <= 4 KiB. */
#define FFA_MSG_MAX_TOTAL 4096U

/*
 * Checks the header copied out of the sender's TX buffer (tx_size bytes long)
 * for a sender with `caller` ID speaking `version`: flags zero, the sender ID
 * the caller's own, payload after the version's header size and inside both
 * the TX buffer and FFA_MSG_MAX_TOTAL. Returns 0 or INVALID_PARAMETERS.
 */
int ffa_msg_check(const struct ffa_msg_header *h, size_t tx_size, ffa_id_t caller,
		  uint32_t version);
/* Total bytes to copy for a checked header: its offset plus the payload. */
size_t ffa_msg_total(const struct ffa_msg_header *h);

/*
 * FFA_MSG_SEND2's first half: the message in the sender's TX buffer (read
 * through tx->tx, tzvisor's address of it) is copied under the buffer's lock
 * into `bounce` (FFA_MSG_MAX_TOTAL bytes) and *h, and checked there for
 * `sender` speaking `version` (the header in the bounce buffer is the one
 * that was checked, not a second read). 0, DENIED (no buffers), or
 * INVALID_PARAMETERS.
 */
int ffa_msg_take(struct ffa_rxtx *tx, ffa_id_t sender, uint32_t version, uint8_t *bounce,
		 struct ffa_msg_header *h);
/*
 * The second half: a taken message into the receiver's RX buffer (through
 * rx->rx), which then belongs to the receiver. 0, DENIED (no buffers), BUSY
 * (it holds something), INVALID_PARAMETERS (the message does not fit).
 */
int ffa_msg_put(struct ffa_rxtx *rx, const uint8_t *bounce, const struct ffa_msg_header *h);

#endif
