/*
 * Memory sharing at the SPMC: the FF-A memory management ABIs for the
 * normal world and partitions (decoding, TX/RX buffers, locks) on top of the
 * role-independent core (ffa/mem_share.c), and the core's role functions:
 * who owns memory, and the stage-2 (and S-EL0 stage-1) mappings.
 *
 * Memory: the normal world owns non-secure DRAM; a partition owns its
 * package and the secure memory regions of its manifest (read-only where
 * the manifest says so), and what was donated to it. A borrower gets the
 * memory identity-mapped: non-secure memory in its non-secure IPA space
 * (which an S-EL1 partition reaches with stage-1 NS=1 mappings), secure
 * memory in its secure IPA space; an S-EL0 partition also in the stage 1
 * the SPMC keeps for it. A lender's stage 2 loses lent and donated memory
 * until it reclaims it; the normal world's stage 2 is not the SPMC's, so
 * there the ledger alone refuses what conflicts.
 *
 * Descriptors are copied out of the caller's TX buffer into a private
 * buffer before they are read; responses go to its RX buffer, which then
 * belongs to the caller until FFA_RX_RELEASE. Supported: descriptors in the
 * TX buffer only (the address and page count arguments MBZ), fragments up
 * to the TX buffer's size.
 *
 * Locks: mem_share's lock, then the caller's RX/TX pair, then tzvisor's
 * stage 1 (zeroing) and the table page pool (see core/lock_order.h).
 */
#include "spmc/mem.h"

#include <string.h>

#include "core/console.h"
#include "core/panic.h"
#include "core/types.h"
#include "ffa/mem_ledger.h"
#include "ffa/mem_share.h"
#include "plat/plat.h"
#include "spmc/spmc.h"

/* A private copy of the largest fragment: a whole TX buffer. */
static uint8_t desc_copy[FFA_RXTX_MAX_PAGES * PAGE_SIZE] NOINIT __attribute__((aligned(16)));

/* The tables prune_borrowed_ns may free in an S-EL0 stage 1: level 3, each a 2 MiB block. */
#define PRUNE_BLOCK (2ULL << 20)

/* Zeroing goes through a 2 MiB window of tzvisor's stage 1, away from its identity maps. */
#define ZERO_WINDOW_VA (1ULL << 38)
#define ZERO_WINDOW_SIZE (2ULL << 20)

/* --- the role's part of the core ------------------------------------------------ */

bool mem_role_is_partition(ffa_id_t id)
{
	return partition_find(id) != NULL;
}

bool mem_role_is_ns(uint64_t base, uint64_t size)
{
	uint64_t end;

	return range_end(base, size, &end) && base >= plat.ns_dram.base &&
	       end <= plat.ns_dram.base + plat.ns_dram.size;
}

uint16_t mem_role_default_owner(uint32_t first, uint32_t end, uint8_t *attrs)
{
	uint64_t base = (uint64_t)first * PAGE_SIZE, limit = (uint64_t)end * PAGE_SIZE;

	if (mem_role_is_ns(base, limit - base)) {
		*attrs = MM_W;
		return MEM_OWNER_NWD;
	}
	/* Partition memory: one partition's, with the same attributes all along. */
	uint16_t owner = MEM_OWNER_NONE;
	for (uint64_t pos = base; pos < limit;) {
		ffa_id_t id;
		uint64_t piece_end;
		uint8_t a;
		if (!partition_memory_at(pos, &id, &piece_end, &a) ||
		    (pos != base && (id != owner || a != *attrs))) {
			return MEM_OWNER_NONE;
		}
		owner = id;
		*attrs = a;
		pos = piece_end;
	}
	return owner;
}

static bool overlaps_buffer(const struct ffa_rxtx *b, uint64_t base, uint64_t end)
{
	uint64_t size = (uint64_t)b->pages * PAGE_SIZE;

	return b->mapped &&
	       ((base < b->tx + size && b->tx < end) || (base < b->rx + size && b->rx < end));
}

bool mem_role_hits_buffers(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct partition *sp = ffa_id_is_secure(id) ? partition_find(id) : NULL;
	struct ffa_rxtx *b = sp != NULL ? &sp->rxtx : &spmc.nwd_rxtx;
	bool hit = false;

	sl_lock(&b->lock);
	for (uint32_t i = 0; i < n && !hit; i++) {
		hit = overlaps_buffer(b, r[i].base, r[i].base + (uint64_t)r[i].pages * PAGE_SIZE);
	}
	sl_unlock(&b->lock);
	return hit;
}

static uint64_t bytes(const struct ffa_mem_range *r)
{
	return (uint64_t)r->pages * PAGE_SIZE;
}

/* Unmapping the range afterwards needs no table page (core/mm.h); NO_MEMORY if the pool is dry. */
static int split_edges(struct mm_ptable *pt, uint64_t base, uint64_t size)
{
	return mm_split_edges(pt, base, size) == MM_OK ? 0 : FFA_NO_MEMORY;
}

static unsigned int prune_borrowed_ns(void);

/*
 * The stage 2 a lender holds ranges [0, n) in: its secure IPA space for
 * its own memory, its non-secure one for normal-world memory donated to it
 * (all ranges of a transaction are of one kind: mem_share checks).
 */
static struct mm_ptable *lender_s2(struct partition *sp, const struct ffa_mem_range *r, bool *ns)
{
	*ns = mem_role_is_ns(r[0].base, bytes(&r[0]));
	return *ns ? &sp->s2_ns : &sp->s2;
}

static int split_all(struct partition *sp, struct mm_ptable *s2, const struct ffa_mem_range *r,
		     uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (split_edges(s2, r[i].base, bytes(&r[i])) != 0 ||
		    (sp->el0 && split_edges(&sp->s1, r[i].base, bytes(&r[i])) != 0)) {
			return FFA_NO_MEMORY;
		}
	}
	return 0;
}

int mem_role_lender_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct partition *sp = partition_find(id);
	bool ns;

	if (!ffa_id_is_secure(id)) {
		return 0; /* the normal world's stage 2 is its hypervisor's, not ours */
	}
	CHECK(sp != NULL);
	struct mm_ptable *s2 = lender_s2(sp, r, &ns);
	/* First make every unmap free of allocations, then unmap: nothing half done. */
	int err = split_all(sp, s2, r, n);
	if (err != 0 && prune_borrowed_ns() > 0) {
		err = split_all(sp, s2, r, n); /* the pools share pages with borrowers' tables */
	}
	if (err != 0) {
		return err;
	}
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_unmap(s2, r[i].base, bytes(&r[i])) == MM_OK);
		if (sp->el0) {
			CHECK(mm_unmap(&sp->s1, r[i].base, bytes(&r[i])) == MM_OK);
		}
	}
	sp->mem_ns_lent += ns ? n : 0U;
	return 0;
}

void mem_role_lender_remap(ffa_id_t id, const struct ffa_mem_range *r, const uint8_t *attrs,
			   uint32_t n)
{
	struct partition *sp = partition_find(id);
	bool ns;

	if (!ffa_id_is_secure(id)) {
		return; /* nothing was unmapped */
	}
	CHECK(sp != NULL);
	struct mm_ptable *s2 = lender_s2(sp, r, &ns);
	/*
	 * The same entries as before the lend: the tables that held them are
	 * still there (unmapping frees only tables it empties whole, and then
	 * the range maps back as the block it covered; NS ones are not pruned
	 * while lent: mem_ns_lent).
	 */
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_map(s2, r[i].base, r[i].base, bytes(&r[i]), attrs[i]) == MM_OK);
		if (sp->el0) {
			CHECK(mm_map(&sp->s1, r[i].base, r[i].base, bytes(&r[i]),
				     attrs[i] | MM_USER | (ns ? MM_NS : 0U)) == MM_OK);
		}
	}
	if (ns) {
		CHECK(sp->mem_ns_lent >= n);
		sp->mem_ns_lent -= n;
	}
}

/* Unmaps ranges [0, n) of a borrower (after a retrieve, or a failed one). */
static void borrower_unmap(struct partition *sp, const struct ffa_mem_range *r, uint32_t n, bool ns)
{
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_unmap(ns ? &sp->s2_ns : &sp->s2, r[i].base, bytes(&r[i])) == MM_OK);
		if (sp->el0) {
			CHECK(mm_unmap(&sp->s1, r[i].base, bytes(&r[i])) == MM_OK);
		}
	}
}

/*
 * Frees the tables that borrowed normal-world memory left empty, in every
 * partition: unmapping a borrower's pages (mm_unmap) keeps the tables, and
 * normal-world memory comes from anywhere in its DRAM, so without this every
 * 2 MiB block ever borrowed from would hold a table page for good and the
 * pools would run dry. Only where no mapping of a partition's own is ever
 * taken away (a lender's unmapped tables must stay, for its remap at
 * reclaim to need no page): all of a non-secure IPA space, and the whole
 * 2 MiB blocks of non-secure DRAM in an S-EL0 partition's stage 1, of
 * partitions that have no donated normal-world memory lent out. Run when
 * a pool is dry, so that retrieve and relinquish cost nothing more
 * otherwise. Returns the table pages freed.
 */
static unsigned int prune_borrowed_ns(void)
{
	uint64_t lo = ALIGN_UP(plat.ns_dram.base, PRUNE_BLOCK);
	uint64_t hi = ALIGN_DOWN(plat.ns_dram.base + plat.ns_dram.size, PRUNE_BLOCK);
	unsigned int freed = 0;

	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		if (sp->mem_ns_lent > 0) {
			continue; /* its lent normal-world memory maps back into these tables */
		}
		int n = sp->s2_ns.root != NULL
				? mm_prune(&sp->s2_ns, 0, (uint64_t)1 << sp->s2_ns.va_bits)
				: 0;
		freed += n > 0 ? (unsigned int)n : 0U;
		if (sp->el0 && sp->s1.root != NULL && hi > lo) {
			n = mm_prune(&sp->s1, lo, hi - lo);
			freed += n > 0 ? (unsigned int)n : 0U;
		}
	}
	return freed;
}

/* Maps ranges [0, n) for a borrower; on a dry pool, unmaps them again: NO_MEMORY. */
static int borrower_map(struct partition *sp, const struct ffa_mem_range *r, uint32_t n,
			uint8_t attrs, bool ns)
{
	for (uint32_t i = 0; i < n; i++) {
		unsigned int s1 = attrs | MM_USER | (ns ? MM_NS : 0U);
		bool s2_ok = mm_map(ns ? &sp->s2_ns : &sp->s2, r[i].base, r[i].base, bytes(&r[i]),
				    attrs) == MM_OK;
		bool ok = s2_ok;
		if (ok && sp->el0) {
			ok = mm_map(&sp->s1, r[i].base, r[i].base, bytes(&r[i]), s1) == MM_OK;
		}
		if (!ok) {
			/* Unmapping what this call mapped needs no table page. */
			borrower_unmap(sp, r, i + 1, ns);
			return s2_ok ? -1 : -2;
		}
	}
	return 0;
}

int mem_role_borrower_map(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n, uint8_t attrs)
{
	struct partition *sp = partition_find(id);
	bool ns = mem_role_is_ns(r[0].base, bytes(&r[0]));

	CHECK(sp != NULL);
	/* The IPA space must be free there: only the manifest's non-secure regions can clash. */
	for (uint32_t i = 0; i < n; i++) {
		if (ns && partition_ns_region_overlaps(sp, r[i].base, r[i].base + bytes(&r[i]))) {
			return FFA_DENIED;
		}
	}
	int rc = borrower_map(sp, r, n, attrs, ns);
	if (rc != 0 && prune_borrowed_ns() > 0) {
		rc = borrower_map(sp, r, n, attrs, ns); /* with the tables given back */
	}
	if (rc != 0) {
		LOG_WARNING("SP %04x: out of stage-%d table pages for borrowed memory\n", id,
			    rc == -1 ? 1 : 2);
		return FFA_NO_MEMORY;
	}
	return 0;
}

void mem_role_borrower_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct partition *sp = partition_find(id);

	CHECK(sp != NULL);
	borrower_unmap(sp, r, n, mem_role_is_ns(r[0].base, bytes(&r[0])));
}

int mem_role_zero(const struct ffa_mem_range *r, uint32_t n)
{
	bool ns = mem_role_is_ns(r[0].base, bytes(&r[0]));
	int err = 0;

	sl_lock(&spmc.stage1_lock);
	for (uint32_t i = 0; i < n && err == 0; i++) {
		for (uint64_t pa = r[i].base, end = r[i].base + bytes(&r[i]); pa < end;) {
			/* One 2 MiB-aligned window's worth at a time: one table page, reused. */
			uint64_t off = pa & (ZERO_WINDOW_SIZE - 1);
			uint64_t chunk = ZERO_WINDOW_SIZE - off < end - pa ? ZERO_WINDOW_SIZE - off
									   : end - pa;
			if (mm_map(spmc.stage1, ZERO_WINDOW_VA + off, pa, chunk,
				   MM_RW | (ns ? MM_NS : 0U)) != MM_OK) {
				err = FFA_NO_MEMORY;
				break;
			}
			memset((void *)(uintptr_t)(ZERO_WINDOW_VA + off), 0, chunk);
			CHECK(mm_unmap(spmc.stage1, ZERO_WINDOW_VA + off, chunk) == MM_OK);
			pa += chunk;
		}
	}
	sl_unlock(&spmc.stage1_lock);
	return err;
}

/* --- the ABIs -------------------------------------------------------------------- */

static struct mem_caller caller(struct partition *sp)
{
	struct ffa_endpoint *ep = sp != NULL ? &sp->ep : &spmc.nwd;

	return (struct mem_caller){
		.id = sp != NULL ? sp->id : FFA_NWD_ENDPOINT_ID,
		.nwd = sp == NULL,
		.version = ffa_endpoint_version(ep),
		.ns_bit = __atomic_load_n(&ep->mem_ns_bit, __ATOMIC_RELAXED),
	};
}

/* Runs an answer into the caller's RX buffer, which must be free (BUSY); FULL after. */
static struct ffa_value to_rx(struct ffa_rxtx *b, const struct mem_caller *c, bool first,
			      uint64_t handle, uint32_t offset, uint32_t w4, uint32_t req_len)
{
	struct ffa_value r;

	sl_lock(&b->lock);
	if (!b->mapped) {
		r = ffa_error_value(FFA_INVALID_PARAMETERS);
	} else if (b->rx_state != FFA_RX_EMPTY) {
		r = ffa_error_value(FFA_BUSY);
	} else {
		uint8_t *rx = (uint8_t *)(uintptr_t)b->rx;
		r = first ? mem_retrieve(c, desc_copy, req_len, rx, ffa_rxtx_size(b))
			  : mem_retrieve_continue(c, handle, offset, w4, rx, ffa_rxtx_size(b));
		if ((uint32_t)r.x[0] != FFA_ERROR_32) {
			b->rx_state = FFA_RX_FULL;
		}
	}
	sl_unlock(&b->lock);
	return r;
}

static struct ffa_value call(struct partition *sp, const struct ffa_value *args)
{
	struct ffa_rxtx *b = sp != NULL ? &sp->rxtx : &spmc.nwd_rxtx;
	struct mem_caller c = caller(sp);
	uint32_t fid = ffa_fid(args);
	bool smc64 = (fid & 0x40000000U) != 0;
	int err;

	switch (fid) {
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64: {
		/* w1 = total length, w2 = fragment length, x3/w4 = a buffer: not supported. */
		uint64_t addr = smc64 ? args->x[3] : ffa_w(args, 3);
		if (addr != 0 || ffa_w(args, 4) != 0) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		err = ffa_tx_copy(b, desc_copy, ffa_w(args, 2));
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: mem_send(&c, ffa_mem_send_type(fid), ffa_w(args, 1), desc_copy,
					   ffa_w(args, 2));
	}
	case FFA_MEM_FRAG_TX_32:
		/* w1/w2 = handle, w3 = fragment length, w4 = sender (normal world) << 16. */
		err = ffa_tx_copy(b, desc_copy, ffa_w(args, 3));
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: mem_send_continue(&c, ffa_mem_handle_arg(args), ffa_w(args, 4),
						    desc_copy, ffa_w(args, 3));
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64: {
		/* w1 = total length = w2 = fragment length (not fragmented); no buffer. */
		uint64_t addr = smc64 ? args->x[3] : ffa_w(args, 3);
		if (addr != 0 || ffa_w(args, 4) != 0 || ffa_w(args, 1) != ffa_w(args, 2)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		err = ffa_tx_copy(b, desc_copy, ffa_w(args, 1));
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: to_rx(b, &c, true, 0, 0, 0, ffa_w(args, 1));
	}
	case FFA_MEM_FRAG_RX_32:
		/* w1/w2 = handle, w3 = offset, w4 = sender (hypervisor) << 16. */
		return to_rx(b, &c, false, ffa_mem_handle_arg(args), ffa_w(args, 3), ffa_w(args, 4),
			     0);
	case FFA_MEM_RELINQUISH_32:
		if (sp == NULL) {
			return ffa_error_value(FFA_NOT_SUPPORTED); /* it borrows nothing here */
		}
		/* The descriptor: handle, flags, count, one endpoint ID. */
		err = ffa_tx_copy(b, desc_copy, FFA_MEM_RELINQUISH_HEADER_SIZE + 2);
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: mem_relinquish(&c, desc_copy, FFA_MEM_RELINQUISH_HEADER_SIZE + 2);
	case FFA_MEM_RECLAIM_32:
		return mem_reclaim(&c, ffa_mem_handle_arg(args), ffa_w(args, 3));
	default:
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
}

struct ffa_value spmc_mem_call(struct partition *sp, const struct ffa_value *args)
{
	mem_share_lock();
	struct ffa_value r = call(sp, args);
	mem_share_unlock();
	if ((uint32_t)r.x[0] == FFA_ERROR_32) {
		LOG_VERBOSE("%s %04x: %s 0x%x refused: %d\n", sp != NULL ? "SP" : "normal world",
			    sp != NULL ? sp->id : 0, "memory ABI", ffa_fid(args),
			    (int)(int32_t)r.x[2]);
	}
	return r;
}

void spmc_mem_partition_stopped(struct partition *sp)
{
	struct mem_stopped st;

	mem_share_lock();
	/* What it borrowed goes back to its lenders; what it gave comes back to it. */
	mem_endpoint_stopped(sp->id);
	mem_sender_stopped(sp->id, false, &st);
	mem_share_unlock();
	/* Info: at the default level the stop's own error line is the one line. */
	if (st.dropped + st.reclaimed + st.held != 0) {
		LOG_INFO(
			"SP %04x stopped with memory given: %u transaction%s reclaimed, %u held by "
			"borrowers until they relinquish, %u unfinished dropped\n",
			sp->id, st.reclaimed, st.reclaimed == 1 ? "" : "s", st.held, st.dropped);
	}
}
