/*
 * FF-A memory sharing, role-independent (FF-A v1.2 chapter 11, and the
 * v1.2 memory management supplement): FFA_MEM_SHARE/LEND/DONATE with
 * FFA_MEM_FRAG_TX, FFA_MEM_RETRIEVE_REQ with FFA_MEM_FRAG_RX (borrowers,
 * and a normal-world hypervisor's retrieve request), FFA_MEM_RELINQUISH and
 * FFA_MEM_RECLAIM.
 *
 * Callers hand in private copies of what endpoints wrote to their TX
 * buffers and the RX buffer to answer in; they hold mem_share's lock
 * (mem_share_lock) around every call. Everything is validated before
 * anything changes: a refused call leaves every table and mapping as it was.
 * What touches hardware (stage-2 mappings, zeroing memory) is the role's,
 * through the mem_role_* functions below, each of which either completes or
 * fails with nothing changed.
 *
 * Who may do what (the supplement's section 1.4):
 *   - a partition gives its own memory to partitions;
 *   - the normal world gives non-secure memory to partitions; a share with
 *     several borrowers may also name normal-world endpoints (whose part
 *     is a hypervisor's business);
 *   - donate has one borrower; lend and donate only partitions.
 * The normal world's ID 0 (VM 0, or a hypervisor) acts for every one of its
 * endpoints (sends, fragments and reclaims as any VM, and alone may make a
 * hypervisor retrieve request); a VM with an ID of its own (tzvisor's
 * emulated SPMC hosts VMs as endpoints) only for itself.
 * Limits: MEM_MAX_TXNS transactions, MEM_MAX_RANGES address ranges and
 * MEM_MAX_SPANS ledger entries over all of them (NO_MEMORY beyond); time
 * slicing, FFA_MEM_OP_PAUSE/RESUME, buffers other than the TX buffer and
 * address-range hints are not supported.
 */
#ifndef FFA_MEM_SHARE_H
#define FFA_MEM_SHARE_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "ffa/mem_desc.h"

/* The memory-management ABIs: what a role routes to the functions below. */
static inline bool ffa_is_mem_fid(uint32_t fid)
{
	switch (fid) {
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_FRAG_TX_32:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_FRAG_RX_32:
	case FFA_MEM_RELINQUISH_32:
	case FFA_MEM_RECLAIM_32:
		return true;
	default:
		return false;
	}
}

/* FFA_MEM_SHARE/LEND/DONATE (32 or 64 bit): the transaction's type. */
static inline enum ffa_mem_type ffa_mem_send_type(uint32_t fid)
{
	switch (fid) {
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
		return FFA_MEM_TYPE_SHARE;
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
		return FFA_MEM_TYPE_LEND;
	default:
		return FFA_MEM_TYPE_DONATE;
	}
}

/* A handle passed in w1 (low half) and w2 (high half): FRAG_TX, FRAG_RX, RECLAIM. */
static inline uint64_t ffa_mem_handle_arg(const struct ffa_value *args)
{
	return (uint64_t)(uint32_t)args->x[2] << 32 | (uint32_t)args->x[1];
}

/* Table sizes (host tests build smaller ones to reach the limits). */
#ifndef MEM_MAX_TXNS
#define MEM_MAX_TXNS 128U
#endif
#ifndef MEM_MAX_RANGES
#define MEM_MAX_RANGES 4096U
#endif
#ifndef MEM_MAX_SPANS
#define MEM_MAX_SPANS 4096U
#endif

/* Who calls, as the role knows it. */
struct mem_caller {
	ffa_id_t id; /* a partition's ID; the normal world: 0, or a VM's own ID */
	bool nwd; /* the normal world (VM 0, a hypervisor for its VMs, or a VM) */
	uint32_t version; /* negotiated: the layout of its descriptors */
	bool ns_bit; /* a v1.0 caller asked for the NS bit (FFA_FEATURES) */
};

void mem_share_init(void);
void mem_share_lock(void);
void mem_share_unlock(void);

/*
 * FFA_MEM_SHARE/LEND/DONATE: the first fragment, frag[0, frag_len), of a
 * descriptor of `total` bytes. Answers FFA_SUCCESS (w2/w3 = handle),
 * FFA_MEM_FRAG_RX (w1/w2 = handle, w3 = bytes received, w4 = sender << 16
 * for the normal world) or FFA_ERROR.
 */
struct ffa_value mem_send(const struct mem_caller *c, enum ffa_mem_type type, uint32_t total,
			  const uint8_t *frag, uint32_t frag_len);
/* FFA_MEM_FRAG_TX: the next fragment (w4 = the sender ID << 16 from the normal world, else 0). */
struct ffa_value mem_send_continue(const struct mem_caller *c, uint64_t handle, uint32_t w4,
				   const uint8_t *frag, uint32_t frag_len);

/*
 * FFA_MEM_RETRIEVE_REQ: the request req[0, len); the response's first
 * fragment goes to rx[0, rx_size). Answers FFA_MEM_RETRIEVE_RESP (w1 =
 * total length, w2 = fragment length) or FFA_ERROR (rx untouched).
 */
struct ffa_value mem_retrieve(const struct mem_caller *c, const uint8_t *req, uint32_t len,
			      uint8_t *rx, uint32_t rx_size);
/* FFA_MEM_FRAG_RX: the fragment at `offset`. Answers FFA_MEM_FRAG_TX (w3 = its length). */
struct ffa_value mem_retrieve_continue(const struct mem_caller *c, uint64_t handle, uint32_t offset,
				       uint32_t w4, uint8_t *rx, uint32_t rx_size);

/* FFA_MEM_RELINQUISH: the descriptor desc[0, len). */
struct ffa_value mem_relinquish(const struct mem_caller *c, const uint8_t *desc, uint32_t len);
/* FFA_MEM_RECLAIM: w3 = flags (bit 0: zero the memory). */
struct ffa_value mem_reclaim(const struct mem_caller *c, uint64_t handle, uint32_t flags);

/* A partition stopped: everything it had retrieved is taken back (its lenders can reclaim). */
void mem_endpoint_stopped(ffa_id_t id);
/*
 * Sender `id` (a normal-world endpoint if nwd) stopped: what it had given is
 * taken back for it, so that nothing stays with it or leaks. Descriptors it
 * was still sending in fragments are dropped; transactions nobody holds are
 * reclaimed now (lent and donated pages remapped to it, as at FFA_MEM_RECLAIM);
 * the others become orphans: their borrowers keep the memory until they
 * relinquish (or stop), and the last one to leave reclaims it for the
 * sender. Nobody may retrieve an orphan meanwhile, and it cannot be
 * reclaimed (INVALID_PARAMETERS), also not by an endpoint that comes back
 * with the same ID.
 */
struct mem_stopped {
	unsigned int dropped, reclaimed; /* now */
	unsigned int held; /* its transactions borrowers hold (orphans, also earlier ones) */
};
void mem_sender_stopped(ffa_id_t id, bool nwd, struct mem_stopped *out);
/* How many orphans there are (the lock held): cheap, for callers that log their end. */
unsigned int mem_share_orphans(void);
/* Does `id` own [base, base + size) outside any transaction (e.g. for its RX/TX buffers)? */
bool mem_owns(ffa_id_t id, uint64_t base, uint64_t size);

/* Statistics for logs, tests and benchmarks. */
struct mem_share_stats {
	uint32_t txns, ranges, spans;
};
void mem_share_stats(struct mem_share_stats *s);
/* A hash of every table (tests: a refused call changes nothing). */
uint64_t mem_share_digest(void);

/*
 * The role's part (src/spmc/mem.c; a fake in host tests). Attributes are
 * MM_W and MM_X (core/mm.h); ranges are the transaction's, in the sender's
 * order. Each function either succeeds or changes nothing.
 */
/* Is id an endpoint this instance hosts (a partition), as a borrower? */
bool mem_role_is_partition(ffa_id_t id);
/* Is [base, base + size) non-secure memory (the normal world's RAM)? */
bool mem_role_is_ns(uint64_t base, uint64_t size);
/* Do the ranges touch the sender's own RX/TX buffers? */
bool mem_role_hits_buffers(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n);
/*
 * Lend and donate: the sender loses access. 0 or NO_MEMORY. A role that does
 * not hold the sender's mappings (the SPMC, for the normal world) does
 * nothing: the ledger alone then keeps the memory out of other transactions.
 */
int mem_role_lender_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n);
/* Reclaim: the sender gets its mapping back (range i with attrs[i]). Cannot fail. */
void mem_role_lender_remap(ffa_id_t id, const struct ffa_mem_range *r, const uint8_t *attrs,
			   uint32_t n);
/* A borrower's mapping: attrs for all ranges. 0, NO_MEMORY, or DENIED (its IPA space is taken). */
int mem_role_borrower_map(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n, uint8_t attrs);
void mem_role_borrower_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n);
/* Zeroes the memory. 0 or NO_MEMORY. */
int mem_role_zero(const struct ffa_mem_range *r, uint32_t n);

#endif /* FFA_MEM_SHARE_H */
