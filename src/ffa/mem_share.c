/*
 * FF-A memory sharing, role-independent (see mem_share.h).
 *
 * A transaction keeps its descriptor's head as sent, its borrowers' state
 * and a slice of the range pool with the address ranges in the sender's
 * order (a borrower maps them in that order: OP-TEE builds its buffer from
 * them). The ledger (mem_ledger.c) says who owns what and which pages are
 * in a transaction; retrieve responses are written from the transaction for
 * each reader's version (mem_desc.c), one fragment at a time.
 *
 * Error codes follow the FF-A specification and, where it leaves a choice,
 * Hafnium's: INVALID_PARAMETERS for malformed or inconsistent input, unknown
 * handles and wrong endpoints; DENIED for memory the sender may not give,
 * permissions a borrower may not have, and operations in the wrong state;
 * NO_MEMORY when a table is full or a mapping needs table pages that are
 * not there; BUSY (from the role) when an RX buffer is not free.
 */
#include "ffa/mem_share.h"

#include <string.h>

#include "core/mm.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "ffa/mem_ledger.h"

enum borrower_state {
	B_IDLE, /* has not retrieved (or has relinquished) */
	B_RETRIEVING, /* mapped; fragments of the response still to read */
	B_RETRIEVED, /* mapped */
};

struct borrower {
	struct ffa_mem_receiver sent; /* as the sender described it */
	uint8_t state;
	uint8_t granted; /* permissions mapped */
	bool zero_after; /* its retrieve request asked for zeroing at relinquish */
	bool ns_bit; /* its response carries the NS bit */
	uint32_t version; /* the layout of its response */
	uint32_t next; /* offset of its next response fragment */
};

struct txn {
	uint64_t handle; /* 0: free */
	uint8_t type;
	bool complete; /* every fragment received and the transaction made */
	bool nwd_sender;
	/*
	 * Its sender stopped while borrowers held it (mem_sender_stopped): it
	 * is reclaimed for the sender when the last one leaves; nobody may
	 * retrieve or reclaim it meanwhile.
	 */
	bool orphan;
	struct ffa_mem_txn h; /* the head as sent */
	struct borrower b[FFA_MEM_MAX_RECEIVERS];
	uint32_t first; /* its ranges: pool[first, first + h.range_count) */
	uint32_t filled; /* ranges received */
	uint64_t pages; /* their pages */
	uint32_t total, received; /* descriptor bytes */
	uint32_t hyp_next; /* a hypervisor retrieve's next fragment offset; 0: none going on */
	uint32_t hyp_version;
};

static struct spinlock lock;
/*
 * Not zeroed at boot (NOINIT): mem_share_init clears the transaction table;
 * everything else is written before it is read.
 */
static struct txn txns[MEM_MAX_TXNS] NOINIT;
static struct ffa_mem_range pool[MEM_MAX_RANGES] NOINIT;
static uint8_t pool_attrs[MEM_MAX_RANGES] NOINIT; /* the lender's mapping of each range */
static struct mem_span spans_a[MEM_MAX_SPANS] NOINIT, spans_b[MEM_MAX_SPANS] NOINIT;
static struct mem_ledger ledger;
static uint64_t next_generation;
static unsigned int orphans; /* transactions with orphan set */
/* Scratch for one operation (under the lock): a transaction's ranges sorted by address. */
static uint16_t order[MEM_MAX_RANGES] NOINIT;
static struct mem_pfns sorted[MEM_MAX_RANGES] NOINIT;
static uint8_t sorted_attrs[MEM_MAX_RANGES] NOINIT;

void mem_share_init(void)
{
	memset(txns, 0, sizeof(txns));
	mem_ledger_init(&ledger, spans_a, spans_b, MEM_MAX_SPANS);
	next_generation = 1;
	orphans = 0;
}

void mem_share_lock(void)
{
	sl_lock(&lock);
}

void mem_share_unlock(void)
{
	sl_unlock(&lock);
}

static struct ffa_value error(enum ffa_error e)
{
	return ffa_error_value(e);
}

/*
 * May caller c act as normal-world endpoint `id`? The normal world's ID 0
 * (VM 0, or a hypervisor for its VMs) speaks for every normal-world
 * endpoint; a VM with an ID of its own (under tzvisor's emulated SPMC) only
 * for itself.
 */
static bool nwd_acts_for(const struct mem_caller *c, ffa_id_t id)
{
	return c->nwd && !ffa_id_is_secure(id) && (c->id == FFA_NWD_ENDPOINT_ID || c->id == id);
}

/* Handles: bit 63 clear (the SPMC allocated it), a generation, the slot in [15:0]. */
static struct txn *find(uint64_t handle)
{
	uint64_t slot = handle & 0xFFFFU;

	if (handle == 0 || (handle & FFA_MEM_HANDLE_HYPERVISOR) != 0 || slot >= MEM_MAX_TXNS ||
	    txns[slot].handle != handle) {
		return NULL;
	}
	return &txns[slot];
}

static uint16_t slot_of(const struct txn *t)
{
	return (uint16_t)(t - txns);
}

static const struct ffa_mem_range *ranges_of(const struct txn *t)
{
	return &pool[t->first];
}

/* First fit in the range pool, between the slices of live transactions. */
static bool pool_alloc(uint32_t count, uint32_t *first)
{
	uint32_t at = 0;

	for (;;) {
		uint32_t end = at + count;
		const struct txn *clash = NULL;
		for (unsigned int i = 0; i < MEM_MAX_TXNS && clash == NULL; i++) {
			const struct txn *t = &txns[i];
			if (t->handle != 0 && t->first < end && at < t->first + t->h.range_count) {
				clash = t;
			}
		}
		if (clash == NULL) {
			break;
		}
		at = clash->first + clash->h.range_count; /* past it, and try again */
	}
	if (count > MEM_MAX_RANGES || at > MEM_MAX_RANGES - count) {
		return false;
	}
	*first = at;
	return true;
}

static void txn_free(struct txn *t)
{
	memset(t, 0, sizeof(*t));
}

static bool nobody_holds(const struct txn *t)
{
	for (unsigned int i = 0; i < t->h.receiver_count; i++) {
		if (t->b[i].state != B_IDLE) {
			return false;
		}
	}
	return true;
}

/* A reclaim with nobody holding the memory: the lender has it back, the handle is gone. */
static void give_back(struct txn *t)
{
	if (t->type != FFA_MEM_TYPE_SHARE) {
		mem_role_lender_remap(t->h.sender, &pool[t->first], &pool_attrs[t->first],
				      t->h.range_count);
	}
	mem_ledger_release(&ledger, slot_of(t));
	orphans -= t->orphan ? 1U : 0U;
	txn_free(t);
}

unsigned int mem_share_orphans(void)
{
	return orphans;
}

/* A borrower left an orphaned transaction: the last one gives it back. True if it did. */
static bool orphan_done(struct txn *t)
{
	if (!t->orphan || !nobody_holds(t)) {
		return false;
	}
	give_back(t);
	return true;
}

static int borrower_index(const struct txn *t, ffa_id_t id)
{
	for (unsigned int i = 0; i < t->h.receiver_count; i++) {
		if (t->b[i].sent.id == id) {
			return (int)i;
		}
	}
	return -1;
}

/* --- sending ------------------------------------------------------------------ */

/* Receivers and their permissions, by the transaction type (FF-A v1.2 11.1.3, supplement 1.4). */
static int check_receivers(const struct mem_caller *c, enum ffa_mem_type type,
			   const struct ffa_mem_txn *h)
{
	if (type == FFA_MEM_TYPE_DONATE && h->receiver_count != 1) {
		return FFA_INVALID_PARAMETERS;
	}
	for (unsigned int i = 0; i < h->receiver_count; i++) {
		const struct ffa_mem_receiver *r = &h->receivers[i];
		uint8_t data = r->perms & FFA_MEM_PERM_DATA_MASK;
		uint8_t insn = r->perms & FFA_MEM_PERM_INSN_MASK;

		if (ffa_id_is_secure(r->id) && !mem_role_is_partition(r->id)) {
			return FFA_INVALID_PARAMETERS; /* no such partition */
		}
		if (!ffa_id_is_secure(r->id) &&
		    !(c->nwd && type == FFA_MEM_TYPE_SHARE && h->receiver_count > 1)) {
			/* Normal-world borrowers only as co-borrowers of a normal-world share. */
			return FFA_DENIED;
		}
		/* The sender leaves instruction access to the borrower; data access by type. */
		if (data == FFA_MEM_PERM_DATA_MASK || insn != FFA_MEM_PERM_INSN_NONE ||
		    (type == FFA_MEM_TYPE_DONATE) != (data == FFA_MEM_PERM_DATA_NONE)) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	return 0;
}

/* Memory region attributes (FF-A v1.2 11.1.2): what a sender may ask for. */
static int check_attributes(enum ffa_mem_type type, const struct ffa_mem_txn *h)
{
	if ((h->attributes & (FFA_MEM_ATTR_RESERVED | FFA_MEM_ATTR_NS)) != 0) {
		return FFA_INVALID_PARAMETERS;
	}
	/* Lend to one borrower and donate: the borrower chooses; the sender must not. */
	if (type == FFA_MEM_TYPE_DONATE || (type == FFA_MEM_TYPE_LEND && h->receiver_count == 1)) {
		return (h->attributes & FFA_MEM_ATTR_TYPE_MASK) == FFA_MEM_ATTR_TYPE_NONE
			       ? 0
			       : FFA_INVALID_PARAMETERS;
	}
	/* Otherwise what tzvisor maps: Normal, write-back, inner shareable. */
	return h->attributes == FFA_MEM_ATTR_NORMAL_WB_ISH ? 0 : FFA_DENIED;
}

/* Shell sort of the transaction's ranges by address into order[]. */
static void sort_ranges(const struct ffa_mem_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		order[i] = (uint16_t)i;
	}
	for (uint32_t gap = n / 2; gap > 0; gap /= 2) {
		for (uint32_t i = gap; i < n; i++) {
			uint16_t x = order[i];
			uint32_t j = i;
			while (j >= gap && r[order[j - gap]].base > r[x].base) {
				order[j] = order[j - gap];
				j -= gap;
			}
			order[j] = x;
		}
	}
}

/*
 * The ranges as page frames, sorted: INVALID for ranges that overlap each
 * other, DENIED for addresses beyond any memory (more than 44 bits).
 */
static int sorted_pfns(const struct ffa_mem_range *r, uint32_t n)
{
	sort_ranges(r, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ffa_mem_range *x = &r[order[i]];
		uint64_t first = x->base / FFA_MEM_PAGE_SIZE;
		if (first + x->pages > UINT32_MAX) {
			return FFA_DENIED;
		}
		sorted[i] = (struct mem_pfns){(uint32_t)first, (uint32_t)(first + x->pages)};
		if (i > 0 && sorted[i - 1].end > sorted[i].first) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	return 0;
}

/* Are all ranges non-secure, or all secure (a region has one security state)? */
static bool ranges_ns(const struct ffa_mem_range *r, uint32_t n, bool *ns)
{
	*ns = mem_role_is_ns(r[0].base, (uint64_t)r[0].pages * FFA_MEM_PAGE_SIZE);
	for (uint32_t i = 1; i < n; i++) {
		if (mem_role_is_ns(r[i].base, (uint64_t)r[i].pages * FFA_MEM_PAGE_SIZE) != *ns) {
			return false;
		}
	}
	return true;
}

/* All fragments are in: check the memory and make the transaction, or change nothing. */
static int send_complete(struct txn *t)
{
	const struct ffa_mem_range *r = ranges_of(t);
	uint32_t n = t->h.range_count;
	bool ns;
	int err;

	if (t->pages != t->h.total_pages) {
		return FFA_INVALID_PARAMETERS;
	}
	err = sorted_pfns(r, n);
	if (err != 0) {
		return err;
	}
	if (!ranges_ns(r, n, &ns) || mem_role_hits_buffers(t->h.sender, r, n)) {
		return FFA_DENIED;
	}
	err = mem_ledger_check(&ledger, sorted, n, t->h.sender, sorted_attrs);
	if (err != 0) {
		return err;
	}
	/* A lender may not give more than it has: write access needs its own. */
	bool writable = true;
	for (uint32_t i = 0; i < n; i++) {
		pool_attrs[t->first + order[i]] = sorted_attrs[i];
		writable = writable && (sorted_attrs[i] & MM_W) != 0;
	}
	for (unsigned int i = 0; i < t->h.receiver_count; i++) {
		if ((t->h.receivers[i].perms & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_DATA_RW &&
		    !writable) {
			return FFA_DENIED;
		}
	}
	err = mem_ledger_claim(&ledger, sorted, n, slot_of(t));
	if (err != 0) {
		return err;
	}
	/* The role unmaps what it controls: a partition's stage 2, or a VM's under a hypervisor. */
	bool unmap = t->type != FFA_MEM_TYPE_SHARE;
	if (unmap) {
		err = mem_role_lender_unmap(t->h.sender, r, n);
	}
	if (err == 0 && (t->h.flags & FFA_MEM_FLAG_ZERO) != 0) {
		err = mem_role_zero(r, n);
		if (err != 0 && unmap) {
			mem_role_lender_remap(t->h.sender, r, &pool_attrs[t->first], n);
		}
	}
	if (err != 0) {
		mem_ledger_release(&ledger, slot_of(t));
		return err;
	}
	t->complete = true;
	return 0;
}

/* The answer to a fragment: more wanted (FRAG_RX), the handle (SUCCESS), or an error. */
static struct ffa_value after_fragment(struct txn *t)
{
	if (t->received < t->total) {
		return (struct ffa_value){.x = {FFA_MEM_FRAG_RX_32, (uint32_t)t->handle,
						t->handle >> 32, t->received,
						t->nwd_sender ? (uint32_t)t->h.sender << 16 : 0}};
	}
	int err = send_complete(t);
	if (err != 0) {
		txn_free(t); /* the whole descriptor was wrong: no transaction */
		return error((enum ffa_error)err);
	}
	return (struct ffa_value){.x = {FFA_SUCCESS_32, 0, (uint32_t)t->handle, t->handle >> 32}};
}

/* Constituents of one fragment into the transaction's slice: all or nothing. */
static int add_ranges(struct txn *t, const uint8_t *buf, uint32_t len)
{
	uint32_t n = len / FFA_MEM_CONSTITUENT_SIZE;
	uint64_t pages = 0;

	if (n > t->h.range_count - t->filled) {
		return FFA_INVALID_PARAMETERS;
	}
	int err = ffa_mem_desc_parse_ranges(buf, len, &pool[t->first + t->filled], &pages);
	if (err == 0) {
		t->filled += n;
		t->pages += pages;
	}
	return err;
}

struct ffa_value mem_send(const struct mem_caller *c, enum ffa_mem_type type, uint32_t total,
			  const uint8_t *frag, uint32_t frag_len)
{
	struct ffa_mem_txn h;
	int err;

	/* Whole constituents in every fragment (Hafnium's rule too): lengths of 16-byte units. */
	if (frag_len > total || frag_len % 16 != 0 || total % 16 != 0) {
		return error(FFA_INVALID_PARAMETERS);
	}
	err = ffa_mem_desc_parse_head(frag, frag_len, c->version, &h);
	if (err != 0) {
		return error((enum ffa_error)err);
	}
	if ((uint64_t)h.ranges_offset + (uint64_t)h.range_count * FFA_MEM_CONSTITUENT_SIZE !=
	    total) {
		return error(FFA_INVALID_PARAMETERS);
	}
	/* Only as oneself: a partition by its ID, the normal world as one of its endpoints. */
	if (c->nwd ? !nwd_acts_for(c, h.sender) : h.sender != c->id) {
		return error(FFA_DENIED);
	}
	/* No handle yet; flags: bit 0 (zero the memory, not for share) only. */
	if (h.handle != 0 || (h.flags & ~FFA_MEM_FLAG_ZERO) != 0 ||
	    (type == FFA_MEM_TYPE_SHARE && h.flags != 0)) {
		return error(FFA_INVALID_PARAMETERS);
	}
	err = check_receivers(c, type, &h);
	if (err == 0) {
		err = check_attributes(type, &h);
	}
	if (err != 0) {
		return error((enum ffa_error)err);
	}
	struct txn *t = NULL;
	for (unsigned int i = 0; i < MEM_MAX_TXNS && t == NULL; i++) {
		t = txns[i].handle == 0 ? &txns[i] : NULL;
	}
	uint32_t first;
	if (t == NULL || !pool_alloc(h.range_count, &first)) {
		return error(FFA_NO_MEMORY);
	}
	h.handle = next_generation++ << 16 | (uint64_t)(t - txns);
	*t = (struct txn){
		.handle = h.handle,
		.type = (uint8_t)type,
		.nwd_sender = c->nwd,
		.h = h,
		.first = first,
		.total = total,
		.received = frag_len,
	};
	for (unsigned int i = 0; i < h.receiver_count; i++) {
		t->b[i].sent = h.receivers[i];
	}
	err = add_ranges(t, frag + h.ranges_offset, frag_len - h.ranges_offset);
	if (err != 0) {
		txn_free(t);
		return error((enum ffa_error)err);
	}
	return after_fragment(t);
}

struct ffa_value mem_send_continue(const struct mem_caller *c, uint64_t handle, uint32_t w4,
				   const uint8_t *frag, uint32_t frag_len)
{
	struct txn *t = find(handle);

	/* The sender's own transaction, still being sent; w4 names it for the normal world. */
	if (t == NULL || t->complete || t->nwd_sender != c->nwd ||
	    (c->nwd ? w4 != (uint32_t)t->h.sender << 16 || !nwd_acts_for(c, t->h.sender)
		    : t->h.sender != c->id || w4 != 0)) {
		return error(FFA_INVALID_PARAMETERS);
	}
	if (frag_len == 0 || frag_len % 16 != 0 || frag_len > t->total - t->received) {
		return error(FFA_INVALID_PARAMETERS);
	}
	int err = add_ranges(t, frag, frag_len);
	if (err != 0) {
		return error(
			(enum ffa_error)err); /* this fragment refused; the transaction waits */
	}
	t->received += frag_len;
	return after_fragment(t);
}

/* --- retrieving ----------------------------------------------------------------- */

/*
 * The permissions a borrower gets: what it asks for within what the sender
 * gave (FF-A v1.2 11.1.3). Instruction access is the borrower's to ask for
 * in a lend or donate to one borrower, never in a share or a lend to
 * several (execute-never then). Returns the permissions (>= 0), or the
 * FF-A error (< 0).
 */
static int grant(const struct txn *t, uint8_t sent, uint8_t asked)
{
	uint8_t sd = sent & FFA_MEM_PERM_DATA_MASK, ad = asked & FFA_MEM_PERM_DATA_MASK;
	uint8_t ai = asked & FFA_MEM_PERM_INSN_MASK;
	bool single = t->h.receiver_count == 1 && t->type != FFA_MEM_TYPE_SHARE;
	uint8_t data, insn;

	if (ad == FFA_MEM_PERM_DATA_MASK || ai == FFA_MEM_PERM_INSN_MASK) {
		return FFA_INVALID_PARAMETERS; /* reserved encodings */
	}
	if (ad == FFA_MEM_PERM_DATA_NONE) {
		data = sd == FFA_MEM_PERM_DATA_RO ? FFA_MEM_PERM_DATA_RO : FFA_MEM_PERM_DATA_RW;
	} else if (ad == FFA_MEM_PERM_DATA_RW && sd == FFA_MEM_PERM_DATA_RO) {
		return FFA_DENIED; /* more than the sender gave */
	} else {
		data = ad;
	}
	if (!single) {
		if (ai != FFA_MEM_PERM_INSN_NONE) {
			return FFA_INVALID_PARAMETERS;
		}
		insn = FFA_MEM_PERM_INSN_NX;
	} else if (ai == FFA_MEM_PERM_INSN_NONE) {
		return FFA_INVALID_PARAMETERS; /* the borrower must say */
	} else {
		insn = ai;
	}
	return data | insn;
}

/* The descriptor a reader sees: a borrower (its one EMAD, as granted) or the sender's view. */
static void view(const struct txn *t, const struct borrower *b, struct ffa_mem_txn *v)
{
	*v = t->h;
	v->flags = t->h.flags | (uint32_t)t->type << FFA_MEM_FLAG_TYPE_SHIFT;
	if (b == NULL) {
		return; /* a hypervisor: everything as sent */
	}
	if ((v->attributes & FFA_MEM_ATTR_TYPE_MASK) == FFA_MEM_ATTR_TYPE_NONE) {
		v->attributes = FFA_MEM_ATTR_NORMAL_WB_ISH; /* what it is mapped as */
	}
	if (b->ns_bit) {
		v->attributes |= FFA_MEM_ATTR_NS;
	}
	v->receiver_count = 1;
	v->receivers[0] = b->sent;
	v->receivers[0].perms = b->granted;
}

static uint32_t desc_total(const struct txn *t, uint32_t version, unsigned int receivers)
{
	return ffa_mem_desc_head_size(version, receivers) +
	       t->h.range_count * FFA_MEM_CONSTITUENT_SIZE;
}

static void donation_done(struct txn *t, const struct borrower *b)
{
	uint8_t attrs = (b->granted & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_DATA_RW ? MM_W : 0U;

	attrs |= (b->granted & FFA_MEM_PERM_INSN_MASK) == FFA_MEM_PERM_INSN_X ? MM_X : 0U;
	mem_ledger_transfer(&ledger, slot_of(t), b->sent.id, attrs);
	txn_free(t); /* the memory is the borrower's; the handle is gone */
}

/* A hypervisor retrieve request: the whole transaction as the normal world sent it. */
static struct ffa_value hyp_retrieve(const struct mem_caller *c, const struct ffa_mem_txn *req,
				     uint8_t *rx, uint32_t rx_size)
{
	struct txn *t = find(req->handle);
	struct ffa_mem_txn v;

	/* Only the normal world's ID 0 is a hypervisor (a VM is refused like anybody). */
	if (!c->nwd || c->id != FFA_NWD_ENDPOINT_ID || t == NULL || !t->nwd_sender ||
	    !t->complete || t->orphan) {
		return error(FFA_INVALID_PARAMETERS);
	}
	if (t->hyp_next != 0) {
		return error(FFA_DENIED); /* one at a time */
	}
	view(t, NULL, &v);
	uint32_t total = desc_total(t, c->version, v.receiver_count);
	uint32_t len = ffa_mem_desc_write(&v, ranges_of(t), c->version, 0, rx, rx_size);
	CHECK(len != 0); /* an RX buffer holds a head: at least 4 KiB */
	if (len < total) {
		t->hyp_next = len;
		t->hyp_version = c->version;
	}
	return (struct ffa_value){.x = {FFA_MEM_RETRIEVE_RESP_32, total, len}};
}

/* The request against the transaction (FF-A v1.2 11.4.2; Hafnium's checks and codes). */
static int check_request(const struct mem_caller *c, const struct txn *t,
			 const struct ffa_mem_txn *req, int *index)
{
	uint32_t type = (req->flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT;

	if (req->sender != t->h.sender) {
		return FFA_DENIED;
	}
	if ((type != FFA_MEM_TYPE_ANY && type != t->type) || req->tag != t->h.tag) {
		return FFA_INVALID_PARAMETERS;
	}
	if ((req->flags & ~FFA_MEM_RETRIEVE_FLAGS_MASK) != 0 ||
	    (req->flags & (FFA_MEM_FLAG_HINT_MASK | 1U << 9 | FFA_MEM_FLAG_TIME_SLICE)) != 0) {
		return FFA_INVALID_PARAMETERS; /* no hints, no time slicing */
	}
	uint32_t zero = FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER_RELINQUISH;
	if (t->type == FFA_MEM_TYPE_SHARE && (req->flags & zero) != 0) {
		return FFA_INVALID_PARAMETERS; /* the sender still has shared memory */
	}
	if ((req->flags & FFA_MEM_FLAG_ZERO) != 0 && (t->h.flags & FFA_MEM_FLAG_ZERO) == 0) {
		return FFA_DENIED; /* zeroing before retrieval is the sender's to allow */
	}
	if ((req->attributes & (FFA_MEM_ATTR_RESERVED | FFA_MEM_ATTR_NS)) != 0) {
		return FFA_INVALID_PARAMETERS;
	}
	if ((req->attributes & FFA_MEM_ATTR_TYPE_MASK) != FFA_MEM_ATTR_TYPE_NONE &&
	    req->attributes != FFA_MEM_ATTR_NORMAL_WB_ISH) {
		return FFA_DENIED;
	}
	/* Its own EMAD, alone or with all the others (in any order). */
	if (req->receiver_count != 1 && req->receiver_count != t->h.receiver_count) {
		return FFA_INVALID_PARAMETERS;
	}
	*index = -1;
	for (unsigned int i = 0; i < req->receiver_count; i++) {
		int b = borrower_index(t, req->receivers[i].id);
		if (b < 0) {
			return FFA_INVALID_PARAMETERS;
		}
		if (req->receivers[i].id == c->id) {
			*index = i;
		}
	}
	if (*index < 0 || (req->receivers[*index].flags & FFA_MEM_EMAD_FLAG_NON_RETRIEVAL) != 0) {
		return FFA_INVALID_PARAMETERS;
	}
	return 0;
}

/* Writes the response fragment at `offset` for borrower b; advances its state. */
static uint32_t borrower_fragment(struct txn *t, struct borrower *b, uint32_t offset, uint8_t *rx,
				  uint32_t rx_size, uint32_t *total)
{
	struct ffa_mem_txn v;

	view(t, b, &v);
	*total = desc_total(t, b->version, 1);
	uint32_t len = ffa_mem_desc_write(&v, ranges_of(t), b->version, offset, rx, rx_size);
	CHECK(len != 0); /* offsets are checked; an RX buffer holds a head */
	b->next = offset + len;
	b->state = b->next < *total ? B_RETRIEVING : B_RETRIEVED;
	return len;
}

struct ffa_value mem_retrieve(const struct mem_caller *c, const uint8_t *buf, uint32_t len,
			      uint8_t *rx, uint32_t rx_size)
{
	struct ffa_mem_txn req;
	int err = ffa_mem_retrieve_req_parse(buf, len, c->version, &req);

	if (err != 0) {
		return error((enum ffa_error)err);
	}
	if (req.receiver_count == 0) {
		return hyp_retrieve(c, &req, rx, rx_size);
	}
	struct txn *t = find(req.handle);
	int ri;
	/* An orphan's sender is gone: as good as reclaimed for anyone new. */
	if (c->nwd || t == NULL || !t->complete || t->orphan) {
		return error(FFA_INVALID_PARAMETERS);
	}
	err = check_request(c, t, &req, &ri);
	if (err != 0) {
		return error((enum ffa_error)err);
	}
	struct borrower *b = &t->b[borrower_index(t, c->id)];
	int perms = grant(t, b->sent.perms, req.receivers[ri].perms);
	if (perms < 0) {
		return error((enum ffa_error)perms);
	}
	if (b->state != B_IDLE) {
		return error(FFA_DENIED); /* retrieved already */
	}
	const struct ffa_mem_range *r = ranges_of(t);
	bool ns;
	(void)ranges_ns(r, t->h.range_count, &ns); /* one state: checked at send */
	uint8_t attrs = (perms & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_DATA_RW ? MM_W : 0U;
	if ((perms & FFA_MEM_PERM_INSN_MASK) == FFA_MEM_PERM_INSN_X) {
		/* Executable only secure memory that the lender could execute itself. */
		if (ns) {
			return error(FFA_INVALID_PARAMETERS);
		}
		for (uint32_t i = 0; i < t->h.range_count; i++) {
			if ((pool_attrs[t->first + i] & MM_X) == 0) {
				return error(FFA_DENIED);
			}
		}
		attrs |= MM_X;
	}
	err = mem_role_borrower_map(c->id, r, t->h.range_count, attrs);
	if (err != 0) {
		return error((enum ffa_error)err);
	}
	b->granted = (uint8_t)perms;
	b->zero_after = (req.flags & FFA_MEM_FLAG_ZERO_AFTER_RELINQUISH) != 0;
	b->ns_bit = ns && (c->version >= FFA_VERSION_1_1 || c->ns_bit);
	b->version = c->version;
	uint32_t total, frag = borrower_fragment(t, b, 0, rx, rx_size, &total);
	if (b->state == B_RETRIEVED && t->type == FFA_MEM_TYPE_DONATE) {
		donation_done(t, b);
	}
	return (struct ffa_value){.x = {FFA_MEM_RETRIEVE_RESP_32, total, frag}};
}

struct ffa_value mem_retrieve_continue(const struct mem_caller *c, uint64_t handle, uint32_t offset,
				       uint32_t w4, uint8_t *rx, uint32_t rx_size)
{
	struct txn *t = find(handle);
	uint32_t len;

	if (t == NULL || !t->complete) {
		return error(FFA_INVALID_PARAMETERS);
	}
	if (c->nwd) {
		/* A hypervisor retrieve request going on, from where it stopped. */
		if (!t->nwd_sender || c->id != FFA_NWD_ENDPOINT_ID ||
		    w4 != (uint32_t)t->h.sender << 16 || t->hyp_next == 0 ||
		    offset != t->hyp_next) {
			return error(FFA_INVALID_PARAMETERS);
		}
		struct ffa_mem_txn v;
		view(t, NULL, &v);
		len = ffa_mem_desc_write(&v, ranges_of(t), t->hyp_version, offset, rx, rx_size);
		CHECK(len != 0);
		t->hyp_next += len;
		if (t->hyp_next == desc_total(t, t->hyp_version, v.receiver_count)) {
			t->hyp_next = 0;
		}
	} else {
		int i = borrower_index(t, c->id);
		if (w4 != 0 || i < 0 || t->b[i].state != B_RETRIEVING || offset != t->b[i].next) {
			return error(FFA_INVALID_PARAMETERS);
		}
		uint32_t total;
		len = borrower_fragment(t, &t->b[i], offset, rx, rx_size, &total);
		if (t->b[i].state == B_RETRIEVED && t->type == FFA_MEM_TYPE_DONATE) {
			donation_done(t, &t->b[i]);
		}
	}
	return (struct ffa_value){
		.x = {FFA_MEM_FRAG_TX_32, (uint32_t)handle, handle >> 32, len, w4}};
}

/* --- giving back ------------------------------------------------------------------ */

struct ffa_value mem_relinquish(const struct mem_caller *c, const uint8_t *buf, uint32_t len)
{
	struct ffa_mem_relinquish rel;
	int err = ffa_mem_relinquish_parse(buf, len, &rel);

	if (err != 0) {
		return error((enum ffa_error)err);
	}
	struct txn *t = find(rel.handle);
	int i = t != NULL ? borrower_index(t, c->id) : -1;
	if (c->nwd || t == NULL || !t->complete || rel.endpoint != c->id || i < 0 ||
	    t->b[i].state != B_RETRIEVED) {
		return error(FFA_INVALID_PARAMETERS); /* not a borrower holding it */
	}
	if ((rel.flags & ~FFA_MEM_RELINQUISH_FLAGS_MASK) != 0 ||
	    (rel.flags & FFA_MEM_FLAG_TIME_SLICE) != 0 ||
	    ((rel.flags & FFA_MEM_RELINQUISH_FLAG_ZERO) != 0 && t->type == FFA_MEM_TYPE_SHARE)) {
		return error(FFA_INVALID_PARAMETERS);
	}
	struct borrower *b = &t->b[i];
	/* Zeroing, when asked for now or at retrieve, is done by the last borrower to leave. */
	bool last = true;
	for (unsigned int k = 0; k < t->h.receiver_count; k++) {
		last = last && (k == (unsigned int)i || t->b[k].state == B_IDLE);
	}
	bool zero = last && ((rel.flags & FFA_MEM_RELINQUISH_FLAG_ZERO) != 0 || b->zero_after);
	if (zero && (b->granted & FFA_MEM_PERM_DATA_MASK) != FFA_MEM_PERM_DATA_RW) {
		return error(FFA_DENIED); /* it could not have written it */
	}
	const struct ffa_mem_range *r = ranges_of(t);
	if (zero) {
		err = mem_role_zero(r, t->h.range_count);
		if (err != 0) {
			return error((enum ffa_error)err);
		}
	}
	mem_role_borrower_unmap(c->id, r, t->h.range_count);
	b->state = B_IDLE;
	orphan_done(t);
	return ffa_success_value(0);
}

struct ffa_value mem_reclaim(const struct mem_caller *c, uint64_t handle, uint32_t flags)
{
	struct txn *t = find(handle);

	/* Only the sender's own: a partition by ID; the normal world for its endpoints. */
	if (t == NULL || t->orphan || t->nwd_sender != c->nwd ||
	    (c->nwd ? !nwd_acts_for(c, t->h.sender) : t->h.sender != c->id) ||
	    (flags & ~FFA_MEM_RELINQUISH_FLAGS_MASK) != 0 ||
	    (flags & FFA_MEM_FLAG_TIME_SLICE) != 0) {
		return error(FFA_INVALID_PARAMETERS);
	}
	if (!t->complete) {
		txn_free(t); /* the sender gives up sending a fragmented descriptor */
		return ffa_success_value(0);
	}
	for (unsigned int i = 0; i < t->h.receiver_count; i++) {
		if (t->b[i].state != B_IDLE) {
			return error(FFA_DENIED); /* a borrower still has it */
		}
	}
	const struct ffa_mem_range *r = ranges_of(t);
	if ((flags & FFA_MEM_RELINQUISH_FLAG_ZERO) != 0) {
		int err = mem_role_zero(r, t->h.range_count);
		if (err != 0) {
			return error((enum ffa_error)err);
		}
	}
	if (t->type != FFA_MEM_TYPE_SHARE) {
		mem_role_lender_remap(t->h.sender, r, &pool_attrs[t->first], t->h.range_count);
	}
	mem_ledger_release(&ledger, slot_of(t));
	txn_free(t);
	return ffa_success_value(0);
}

void mem_endpoint_stopped(ffa_id_t id)
{
	for (unsigned int k = 0; k < MEM_MAX_TXNS; k++) {
		struct txn *t = &txns[k];
		if (t->handle == 0) {
			continue;
		}
		if (!t->complete && !t->nwd_sender && t->h.sender == id) {
			txn_free(t);
			continue;
		}
		int i = borrower_index(t, id);
		if (t->complete && i >= 0 && t->b[i].state != B_IDLE) {
			mem_role_borrower_unmap(id, ranges_of(t), t->h.range_count);
			t->b[i].state = B_IDLE;
			orphan_done(t);
		}
	}
}

void mem_sender_stopped(ffa_id_t id, bool nwd, struct mem_stopped *out)
{
	*out = (struct mem_stopped){0};
	for (unsigned int k = 0; k < MEM_MAX_TXNS; k++) {
		struct txn *t = &txns[k];
		if (t->handle == 0 || t->nwd_sender != nwd || t->h.sender != id) {
			continue;
		}
		if (t->orphan) {
			out->held++; /* from an earlier stop, still held */
		} else if (!t->complete) {
			txn_free(t); /* a descriptor it will never finish */
			out->dropped++;
		} else if (nobody_holds(t)) {
			give_back(t);
			out->reclaimed++;
		} else {
			t->orphan = true;
			orphans++;
			out->held++;
		}
	}
}

bool mem_owns(ffa_id_t id, uint64_t base, uint64_t size)
{
	uint64_t first = base / FFA_MEM_PAGE_SIZE, end = first + size / FFA_MEM_PAGE_SIZE;

	if (size == 0 || end > UINT32_MAX || end <= first) {
		return false;
	}
	return mem_ledger_owned(&ledger, (struct mem_pfns){(uint32_t)first, (uint32_t)end}, id);
}

void mem_share_stats(struct mem_share_stats *s)
{
	*s = (struct mem_share_stats){0};
	for (unsigned int i = 0; i < MEM_MAX_TXNS; i++) {
		if (txns[i].handle != 0) {
			s->txns++;
			s->ranges += txns[i].h.range_count;
		}
	}
	s->spans = ledger.count;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h = (h ^ b[i]) * 0x100000001B3ULL;
	}
	return h;
}

uint64_t mem_share_digest(void)
{
	uint64_t h = fnv(0xCBF29CE484222325ULL, txns, sizeof(txns));

	/* The live parts of the range pool (what refused calls scribble past them is no state). */
	for (unsigned int i = 0; i < MEM_MAX_TXNS; i++) {
		const struct txn *t = &txns[i];
		if (t->handle != 0) {
			h = fnv(h, &pool[t->first], t->filled * sizeof(pool[0]));
			h = fnv(h, &pool_attrs[t->first], t->filled);
		}
	}
	h = fnv(h, &ledger.count, sizeof(ledger.count));
	return fnv(h, ledger.spans, ledger.count * sizeof(*ledger.spans));
}
