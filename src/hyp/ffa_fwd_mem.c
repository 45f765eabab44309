/*
 * Forwarding guests' memory sharing to a real SPMC (see hyp/ffa.h,
 * ffa_fwd.c): FFA_MEM_SHARE, LEND, DONATE (32, 64) in one fragment or in
 * several (FFA_MEM_FRAG_TX), and FFA_MEM_RECLAIM.
 *
 * The guest's descriptor is copied out of its TX buffer and checked whole
 * (hyp/ffa_xlate.h): the sender must be the VM itself and every
 * constituent pages of its own RAM (anything else DENIED), which are
 * rewritten to physical addresses; its RX/TX buffer pages may not be given
 * (DENIED). The rewritten copy goes through tzvisor's own TX buffer to the
 * SPMC, whose ownership ledger refuses pages already in a transaction. A
 * lend or donate takes the pages out of the VM's stage 2 first (broadcast
 * TLB invalidation; put back if the SPMC refuses), until the VM reclaims
 * the lend; donated pages never come back. tzvisor remembers each
 * transaction's VM, so that only that VM may reclaim it (the SPMC sees one
 * normal world), and which pages it holds (RX/TX buffers may not be among
 * them).
 *
 * Fragments (FF-A v1.2 section 11.3): Linux sends a descriptor longer than
 * its TX buffer as FFA_MEM_SHARE/LEND/DONATE with the first fragment, then
 * FFA_MEM_FRAG_TX for each next one, the SPMC answering FFA_MEM_FRAG_RX
 * (how much it has) until the last, answered SUCCESS with the handle. Each
 * fragment is copied and checked as it comes (whole constituents, of the
 * VM's RAM, not its buffers; a lend's pages leave its stage 2 before the
 * fragment goes on) and forwarded. One fragmented send at a time per VM,
 * FWD_MEM_BIG at once (else BUSY); a refused fragment is not forwarded and
 * the VM may send it again; an error from the SPMC ends the transaction
 * (the VM gets its pages back). A VM that stops in the middle gives up its
 * place: tzvisor reclaims the unfinished handle at the SPMC, which drops
 * its part of the descriptor, and the pages go back to the VM.
 *
 * Limits: FWD_MEM_BIG_RANGES constituents in a transaction, and at most
 * FWD_MEM_BIG transactions with more than FWD_MEM_RANGES at a time (else
 * NOT_SUPPORTED, NO_MEMORY); buffers other than the TX buffer
 * (INVALID_PARAMETERS).
 *
 * A VM that stops (or resets) with memory out: tzvisor reclaims each of
 * its lends and shares at the SPMC for it (lent pages back in its stage 2);
 * one a partition still holds (the SPMC answers DENIED) becomes an orphan:
 * it stays out of the VM's stage 2 and buffers, nobody may reclaim it
 * (also not the VM after a reset: INVALID_PARAMETERS), and tzvisor asks
 * the SPMC again after each forwarded call that let partitions run (a
 * direct request, FFA_RUN, a memory call) until the partitions have
 * relinquished it. Donations stay donated.
 */
#include <string.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "ffa/mem_desc.h"
#include "hyp/ffa_internal.h"

#define FWD_MEM_TXNS 32U
#define FWD_MEM_RANGES 64U
#define FWD_MEM_BIG 4U
#define FWD_MEM_BIG_RANGES 1024U

struct fwd_txn {
	bool used;
	bool donated; /* never reclaimed: the slot keeps the pages out of the VM's buffers */
	bool lent; /* unmapped from the VM's stage 2 until reclaimed */
	bool orphan; /* its VM stopped while a partition held it: reclaimed when they let go */
	uint64_t handle;
	const struct vm *vm;
	uint32_t nranges;
	struct ffa_mem_range *ranges; /* physical: small, or one of big[] */
	struct ffa_mem_range small[FWD_MEM_RANGES];
};

/*
 * Everything below, and tzvisor's TX buffer, under fwd_mem_lock; it is
 * taken before a VM's RX/TX lock (also by FFA_RXTX_MAP, ffa.c).
 */
static struct spinlock fwd_mem_lock = SPINLOCK_INIT;
static struct fwd_txn txns[FWD_MEM_TXNS];
static uint8_t desc[PAGE_SIZE] __attribute__((aligned(16)));
static struct ffa_mem_range scratch[FWD_MEM_BIG_RANGES];
static unsigned int orphans; /* how many slots are orphans (read without the lock first) */
/* Constituent lists of the transactions with more than FWD_MEM_RANGES. */
static struct ffa_mem_range big[FWD_MEM_BIG][FWD_MEM_BIG_RANGES];
static bool big_used[FWD_MEM_BIG];

/* A VM's fragmented send in progress: the SPMC has `sent` of `total` bytes. */
struct fwd_frag {
	bool active;
	struct vm *vm;
	uint32_t fid, total, sent;
	uint64_t handle;
	struct fwd_txn *slot; /* reserved (used, no VM) until the last fragment */
	uint32_t n;
	struct ffa_mem_range ranges[FWD_MEM_BIG_RANGES];
};
static struct fwd_frag frags[FWD_MEM_BIG];

static struct fwd_frag *frag_of(const struct vm *vm)
{
	for (unsigned int i = 0; i < FWD_MEM_BIG; i++) {
		if (frags[i].active && frags[i].vm == vm) {
			return &frags[i];
		}
	}
	return NULL;
}

static struct fwd_frag *frag_free(void)
{
	for (unsigned int i = 0; i < FWD_MEM_BIG; i++) {
		if (!frags[i].active) {
			return &frags[i];
		}
	}
	return NULL;
}

static uint64_t bytes(const struct ffa_mem_range *r)
{
	return (uint64_t)r->pages * PAGE_SIZE;
}

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

void hyp_ffa_fwd_mem_init(void)
{
}

void hyp_ffa_fwd_mem_lock(void)
{
	sl_lock(&fwd_mem_lock);
}

void hyp_ffa_fwd_mem_unlock(void)
{
	sl_unlock(&fwd_mem_lock);
}

bool hyp_ffa_fwd_mem_owns(struct vm *vm, uint64_t pa, uint64_t size)
{
	bool free = true;

	for (unsigned int i = 0; i < FWD_MEM_TXNS && free; i++) {
		const struct fwd_txn *t = &txns[i];
		for (uint32_t k = 0; t->used && t->vm == vm && k < t->nranges && free; k++) {
			free = !overlaps(pa, size, t->ranges[k].base, bytes(&t->ranges[k]));
		}
	}
	/* And what its fragmented send in progress has given so far. */
	for (unsigned int i = 0; i < FWD_MEM_BIG && free; i++) {
		const struct fwd_frag *f = &frags[i];
		for (uint32_t k = 0; f->active && f->vm == vm && k < f->n && free; k++) {
			free = !overlaps(pa, size, f->ranges[k].base, bytes(&f->ranges[k]));
		}
	}
	return free;
}

static uint64_t ipa_of(const struct vm *vm, uint64_t pa)
{
	return pa - vm->mem_pa + vm->mem_ipa;
}

/* Takes ranges out of the VM's stage 2: all or nothing (NO_MEMORY if a block cannot split). */
static int unmap_ranges(struct vm *vm, const struct ffa_mem_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (mm_split_edges(&vm->s2, ipa_of(vm, r[i].base), bytes(&r[i])) != MM_OK) {
			return FFA_NO_MEMORY;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_unmap(&vm->s2, ipa_of(vm, r[i].base), bytes(&r[i])) == MM_OK);
	}
	return 0;
}

static void remap_ranges(struct vm *vm, const struct ffa_mem_range *r, uint32_t n)
{
	/* The tables that held them are still there (mm_unmap keeps emptied ones). */
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_map(&vm->s2, ipa_of(vm, r[i].base), r[i].base, bytes(&r[i]),
			     MM_RW | MM_X) == MM_OK);
	}
}

/* Do the ranges touch the VM's own RX/TX buffers (physical addresses)? */
static bool hits_buffers(struct vm *vm, const struct ffa_mem_range *r, uint32_t n)
{
	struct ffa_rxtx *b = &vm->ffa.rxtx;
	bool hit = false;

	sl_lock(&b->lock);
	uint64_t size = (uint64_t)b->pages * PAGE_SIZE;
	for (uint32_t i = 0; i < n && b->mapped && !hit; i++) {
		hit = overlaps(r[i].base, bytes(&r[i]), b->tx, size) ||
		      overlaps(r[i].base, bytes(&r[i]), b->rx, size);
	}
	sl_unlock(&b->lock);
	return hit;
}

/* Copies len bytes of the VM's TX buffer into desc (INVALID without buffers or beyond them). */
static int copy_tx(struct vm *vm, uint32_t len)
{
	struct ffa_rxtx *b = &vm->ffa.rxtx;
	int err = 0;

	sl_lock(&b->lock);
	if (!b->mapped || len == 0 || len > b->pages * PAGE_SIZE) {
		err = FFA_INVALID_PARAMETERS;
	} else if (len > sizeof(desc)) {
		err = FFA_NOT_SUPPORTED; /* more than tzvisor's own TX buffer holds */
	} else {
		memcpy(desc, (const void *)(uintptr_t)b->tx, len);
	}
	sl_unlock(&b->lock);
	return err;
}

static struct fwd_txn *free_slot(void)
{
	for (unsigned int i = 0; i < FWD_MEM_TXNS; i++) {
		if (!txns[i].used) {
			return &txns[i];
		}
	}
	return NULL;
}

/* Where slot t keeps n ranges: its own array, or a free big one (NULL: none). */
static struct ffa_mem_range *ranges_for(struct fwd_txn *t, uint32_t n)
{
	if (n <= FWD_MEM_RANGES) {
		return t->small;
	}
	for (unsigned int i = 0; i < FWD_MEM_BIG; i++) {
		if (!big_used[i]) {
			big_used[i] = true;
			return big[i];
		}
	}
	return NULL;
}

static void slot_free(struct fwd_txn *t)
{
	for (unsigned int i = 0; i < FWD_MEM_BIG; i++) {
		if (t->ranges == big[i]) {
			big_used[i] = false;
		}
	}
	*t = (struct fwd_txn){0};
}

/* The SPMC's SUCCESS for a whole descriptor: slot t is the VM's transaction. */
static void record(struct fwd_txn *t, struct vm *vm, uint32_t fid, const struct ffa_value *r,
		   const struct ffa_mem_range *ranges, uint32_t n)
{
	t->used = true;
	t->donated = fid == FFA_MEM_DONATE_32 || fid == FFA_MEM_DONATE_64;
	t->lent = fid == FFA_MEM_LEND_32 || fid == FFA_MEM_LEND_64;
	t->handle = (uint64_t)ffa_w(r, 3) << 32 | ffa_w(r, 2);
	t->vm = vm;
	t->nranges = n;
	memcpy(t->ranges, ranges, n * sizeof(ranges[0]));
}

static bool gives_away(uint32_t fid)
{
	return fid == FFA_MEM_LEND_32 || fid == FFA_MEM_LEND_64 || fid == FFA_MEM_DONATE_32 ||
	       fid == FFA_MEM_DONATE_64;
}

/* FFA_MEM_RECLAIM of `handle` at the SPMC, by tzvisor for a VM: its answer. */
static struct ffa_value spmc_reclaim(uint64_t handle)
{
	struct ffa_value r = {.x = {FFA_MEM_RECLAIM_32, (uint32_t)handle, handle >> 32, 0}};

	arch_smc(&r);
	return r;
}

static struct ffa_value send(struct vm *vm, const struct ffa_value *args, uint32_t fid)
{
	bool smc64 = (fid & 0x40000000U) != 0;
	uint64_t addr = smc64 ? args->x[3] : ffa_w(args, 3);
	uint32_t total = ffa_w(args, 1), len = ffa_w(args, 2);
	bool lend = fid == FFA_MEM_LEND_32 || fid == FFA_MEM_LEND_64;
	bool donate = fid == FFA_MEM_DONATE_32 || fid == FFA_MEM_DONATE_64;
	struct ffa_xlate x = hyp_ffa_xlate(vm);
	struct ffa_mem_txn t;
	uint32_t n = 0;
	uint64_t pages = 0;

	bool first_of_more = len < total;
	struct fwd_frag *frag = first_of_more ? frag_free() : NULL;
	struct ffa_mem_range *out = frag != NULL ? frag->ranges : scratch;

	/* Only the TX buffer. */
	if (addr != 0 || ffa_w(args, 4) != 0 || len > total) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (first_of_more && (frag_of(vm) != NULL || frag == NULL)) {
		return ffa_error_value(FFA_BUSY); /* one at a time per VM, FWD_MEM_BIG in all */
	}
	int err = copy_tx(vm, len);
	if (err == 0) {
		err = ffa_xlate_send(&x, desc, len, true, ffa_endpoint_version(&vm->ffa.ep),
				     vm->ffa.ep.id, &t, out, FWD_MEM_BIG_RANGES, &n, &pages);
		if (err == FFA_NO_MEMORY) {
			err = FFA_NOT_SUPPORTED; /* more constituents than tzvisor keeps */
		}
	}
	if (err == 0 && ((n == 0 && !first_of_more) || hits_buffers(vm, out, n))) {
		err = n == 0 ? FFA_INVALID_PARAMETERS : FFA_DENIED;
	}
	struct fwd_txn *slot = err == 0 ? free_slot() : NULL;
	if (err == 0 && slot == NULL) {
		err = FFA_NO_MEMORY;
	}
	if (err == 0 && !first_of_more) {
		slot->ranges = ranges_for(slot, n);
		err = slot->ranges == NULL ? FFA_NO_MEMORY : 0;
	}
	/* A lender loses the pages before any borrower can have them. */
	if (err == 0 && (lend || donate)) {
		err = unmap_ranges(vm, out, n);
	}
	if (err != 0) {
		if (slot != NULL) {
			slot_free(slot);
		}
		return ffa_error_value((enum ffa_error)err);
	}
	memcpy(hyp_ffa_fwd_tx(), desc, len);
	struct ffa_value r = {.x = {fid, total, len}};
	arch_smc(&r);
	if (first_of_more && (uint32_t)r.x[0] == FFA_MEM_FRAG_RX_32 && ffa_w(&r, 3) == len) {
		slot->used = true; /* reserved: no VM owns it yet */
		frag->active = true;
		frag->vm = vm;
		frag->fid = fid;
		frag->total = total;
		frag->sent = len;
		frag->handle = (uint64_t)ffa_w(&r, 2) << 32 | ffa_w(&r, 1);
		frag->slot = slot;
		frag->n = n;
		LOG_VERBOSE("VM %u (%s): memory 0x%x, first fragment of %u bytes forwarded\n",
			    vm->id, vm->cfg.name, fid, total);
		return r;
	}
	if ((uint32_t)r.x[0] != FFA_SUCCESS_32 || first_of_more) {
		if (lend || donate) {
			remap_ranges(vm, out, n);
		}
		slot_free(slot);
		if ((uint32_t)r.x[0] != FFA_ERROR_32) {
			/* Not an answer to one whole descriptor (FRAG_RX?): nothing of it is ours.
			 */
			LOG_WARNING("VM %u (%s): the SPMC answered a memory send with 0x%x\n",
				    vm->id, vm->cfg.name, (uint32_t)r.x[0]);
			return ffa_error_value(FFA_ABORTED);
		}
		return r;
	}
	record(slot, vm, fid, &r, scratch, n);
	LOG_VERBOSE("VM %u (%s): memory 0x%x forwarded, handle 0x%llx, %llu pages\n", vm->id,
		    vm->cfg.name, fid, (unsigned long long)slot->handle, (unsigned long long)pages);
	return r;
}

/* The fragmented send in progress is over (an error, or the VM stopped): pages back. */
static void frag_abort(struct fwd_frag *frag)
{
	if (gives_away(frag->fid)) {
		remap_ranges(frag->vm, frag->ranges, frag->n);
	}
	slot_free(frag->slot);
	frag->active = false;
}

/* FFA_MEM_FRAG_TX: w1/w2 = handle, w3 = the fragment's length, w4 = 0 (MBZ for a VM). */
static struct ffa_value frag_tx(struct vm *vm, const struct ffa_value *args)
{
	uint64_t handle = (uint64_t)ffa_w(args, 2) << 32 | ffa_w(args, 1);
	uint32_t len = ffa_w(args, 3), sender = ffa_w(args, 4);
	struct ffa_xlate x = hyp_ffa_xlate(vm);
	uint32_t n = 0;
	uint64_t pages = 0;
	struct fwd_frag *frag = frag_of(vm);
	struct ffa_mem_txn head = {0}; /* unused: a later fragment has no head */

	if (frag == NULL || handle != frag->handle || sender != 0 || len == 0 ||
	    len > frag->total - frag->sent) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	int err = copy_tx(vm, len);
	if (err == 0) {
		err = ffa_xlate_send(&x, desc, len, false, ffa_endpoint_version(&vm->ffa.ep),
				     vm->ffa.ep.id, &head, frag->ranges + frag->n,
				     FWD_MEM_BIG_RANGES - frag->n, &n, &pages);
		if (err == FFA_NO_MEMORY) {
			err = FFA_NOT_SUPPORTED; /* more constituents than tzvisor keeps */
		}
	}
	if (err == 0 && hits_buffers(vm, frag->ranges + frag->n, n)) {
		err = FFA_DENIED;
	}
	if (err == 0 && gives_away(frag->fid)) {
		err = unmap_ranges(vm, frag->ranges + frag->n, n);
	}
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err); /* not forwarded: it may come again */
	}
	frag->n += n;
	memcpy(hyp_ffa_fwd_tx(), desc, len);
	/* To the SPMC, w4 names the sender tzvisor acts for (the VM). */
	struct ffa_value r = {.x = {FFA_MEM_FRAG_TX_32, ffa_w(args, 1), ffa_w(args, 2), len,
				    (uint32_t)vm->ffa.ep.id << 16}};
	arch_smc(&r);
	uint32_t fid = (uint32_t)r.x[0];
	if (fid == FFA_MEM_FRAG_RX_32 && ffa_w(&r, 3) == frag->sent + len &&
	    frag->sent + len < frag->total) {
		frag->sent += len;
		return r;
	}
	if (fid == FFA_SUCCESS_32 && frag->sent + len == frag->total) {
		struct fwd_txn *slot = frag->slot;
		slot->ranges = ranges_for(slot, frag->n);
		if (slot->ranges != NULL) {
			record(slot, vm, frag->fid, &r, frag->ranges, frag->n);
			frag->active = false;
			LOG_VERBOSE(
				"VM %u (%s): memory 0x%x forwarded in fragments, handle 0x%llx, "
				"%u ranges\n",
				vm->id, vm->cfg.name, frag->fid, (unsigned long long)slot->handle,
				frag->n);
			return r;
		}
		/* Nowhere to keep its pages: given back at once, refused for the VM. */
		struct ffa_value rc = spmc_reclaim((uint64_t)ffa_w(&r, 3) << 32 | ffa_w(&r, 2));
		LOG_WARNING(
			"VM %u (%s): no room for a transaction of %u ranges: reclaimed (0x%x)\n",
			vm->id, vm->cfg.name, frag->n, (uint32_t)rc.x[0]);
		frag_abort(frag);
		return ffa_error_value(FFA_NO_MEMORY);
	}
	if (fid != FFA_ERROR_32) {
		LOG_WARNING("VM %u (%s): the SPMC answered a memory fragment with 0x%x\n", vm->id,
			    vm->cfg.name, fid);
		r = ffa_error_value(FFA_ABORTED);
	}
	frag_abort(frag);
	return r;
}

static struct ffa_value reclaim(struct vm *vm, const struct ffa_value *args)
{
	uint64_t handle = (uint64_t)ffa_w(args, 2) << 32 | ffa_w(args, 1);
	struct fwd_txn *t = NULL;

	for (unsigned int i = 0; i < FWD_MEM_TXNS && t == NULL; i++) {
		if (txns[i].used && txns[i].handle == handle && txns[i].vm == vm) {
			t = &txns[i];
		}
	}
	/* Only the VM that gave it; a donation is gone for good; an orphan is tzvisor's to reclaim.
	 */
	if (t == NULL || t->donated || t->orphan) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	struct ffa_value r = {
		.x = {FFA_MEM_RECLAIM_32, ffa_w(args, 1), ffa_w(args, 2), ffa_w(args, 3)}};
	arch_smc(&r);
	if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
		if (t->lent) {
			remap_ranges(vm, t->ranges, t->nranges);
		}
		slot_free(t);
	}
	return r;
}

/* FFA_MEM_RECLAIM of t at the SPMC for its VM (the lock held): true if it is done with. */
static bool reclaim_for_vm(struct fwd_txn *t)
{
	if ((uint32_t)spmc_reclaim(t->handle).x[0] != FFA_SUCCESS_32) {
		return false;
	}
	if (t->lent) {
		remap_ranges((struct vm *)(uintptr_t)t->vm, t->ranges, t->nranges);
	}
	if (t->orphan) {
		orphans--;
	}
	slot_free(t); /* and its big constituent list, if it had one */
	return true;
}

/* Orphans the partitions may have let go of meanwhile (the lock held). */
static void retry_orphans(void)
{
	for (unsigned int i = 0; i < FWD_MEM_TXNS && orphans != 0; i++) {
		struct fwd_txn *t = &txns[i];
		if (t->used && t->orphan) {
			uint64_t handle = t->handle;
			const struct vm *vm = t->vm;
			if (reclaim_for_vm(t)) {
				LOG_NOTICE("VM %u (%s): memory 0x%llx it gave before it stopped is "
					   "back "
					   "from the partitions: reclaimed for it\n",
					   vm->id, vm->cfg.name, (unsigned long long)handle);
			}
		}
	}
}

void hyp_ffa_fwd_mem_retry(void)
{
	if (__atomic_load_n(&orphans, __ATOMIC_RELAXED) == 0) {
		return;
	}
	sl_lock(&fwd_mem_lock);
	retry_orphans();
	sl_unlock(&fwd_mem_lock);
}

void hyp_ffa_fwd_mem_vm_stopped(struct vm *vm)
{
	unsigned int reclaimed = 0, held = 0, dropped = 0;

	sl_lock(&fwd_mem_lock);
	/* A descriptor it was sending in fragments: the SPMC drops it at the sender's reclaim. */
	struct fwd_frag *frag = frag_of(vm);
	if (frag != NULL) {
		struct ffa_value r = spmc_reclaim(frag->handle);
		if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
			frag_abort(frag);
			dropped++;
		} else {
			LOG_WARNING("VM %u (%s): the SPMC kept the descriptor it was sending in "
				    "fragments (%d): its pages stay given\n",
				    vm->id, vm->cfg.name, (int)(int32_t)r.x[2]);
		}
	}
	for (unsigned int i = 0; i < FWD_MEM_TXNS; i++) {
		struct fwd_txn *t = &txns[i];
		if (!t->used || t->vm != vm || t->donated || t->orphan) {
			continue;
		}
		if (reclaim_for_vm(t)) {
			reclaimed++;
		} else {
			t->orphan = true;
			orphans++;
			held++;
		}
	}
	sl_unlock(&fwd_mem_lock);
	if (reclaimed + held + dropped != 0) {
		LOG_NOTICE("VM %u (%s) stopped with memory given: %u transaction%s reclaimed, %u "
			   "held by partitions until they relinquish, %u unfinished dropped\n",
			   vm->id, vm->cfg.name, reclaimed, reclaimed == 1 ? "" : "s", held,
			   dropped);
	}
}

unsigned int hyp_ffa_fwd_mem_held(const struct vm *vm)
{
	unsigned int held = 0;

	sl_lock(&fwd_mem_lock);
	for (unsigned int i = 0; i < FWD_MEM_TXNS; i++) {
		held += txns[i].used && txns[i].orphan && txns[i].vm == vm ? 1U : 0U;
	}
	sl_unlock(&fwd_mem_lock);
	return held;
}

struct ffa_value hyp_ffa_fwd_mem_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct ffa_value r;

	sl_lock(&fwd_mem_lock);
	retry_orphans();
	switch (fid) {
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
		r = send(v->vm, args, fid);
		break;
	case FFA_MEM_RECLAIM_32:
		r = reclaim(v->vm, args);
		break;
	case FFA_MEM_FRAG_TX_32:
		r = frag_tx(v->vm, args);
		break;
	default:
		r = ffa_error_value(FFA_NOT_SUPPORTED);
		break;
	}
	sl_unlock(&fwd_mem_lock);
	return r;
}
