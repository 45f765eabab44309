/*
 * The emulated SPMC's memory sharing between VMs (FF-A v1.2 chapter 11):
 * the FF-A memory ABIs for guests on top of the role-independent core
 * (ffa/mem_share.c), and the core's role functions (mem_role_*): who owns
 * memory and the VMs' stage-2 mappings.
 *
 * Addresses: a sender writes IPAs; its descriptor is copied out of its TX
 * buffer and every constituent translated to a physical address before the
 * core reads it (hyp/ffa_xlate.h), so that the ownership ledger works on
 * physical memory, one owner for each page: a VM owns its RAM (its endpoint
 * ID), and what was donated to it. Every endpoint of the emulated SPMC holds
 * memory in its own stage 2; a borrower maps what it retrieves at
 * IPA = PA + HYP_FFA_WINDOW, and the response it reads says so (the core's
 * response, written into a private buffer, is rewritten before it is copied
 * into the borrower's RX buffer: no physical address reaches a guest).
 *
 * Who may do what (the core's rules): normal VMs and partition VMs give
 * their own memory; partitions borrow (normal VMs cannot retrieve: Linux's
 * FF-A driver does not, and a VM is no hypervisor); lend and donate take the
 * memory out of the lender's stage 2 until it is reclaimed (broadcast TLB
 * invalidation). Memory of a normal VM is the emulated "non-secure" memory
 * (the NS bit in responses, never executable by a borrower); a partition
 * VM's own memory plays the secure memory.
 *
 * Locks: mem_share's lock around every call (the core's and the stage-2
 * changes), then the caller's RX/TX pair, then the table page pool.
 */
#include <string.h>

#include "arch/aarch64/vcpu.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/types.h"
#include "ffa/mem_ledger.h"
#include "ffa/mem_share.h"
#include "hyp/ffa_internal.h"

/* The sender's descriptor (a whole TX buffer at most), copied, then translated. */
static uint8_t desc_copy[FFA_RXTX_MAX_PAGES * PAGE_SIZE] NOINIT __attribute__((aligned(16)));
/* A borrower's response, written by the core, rewritten, then copied to its RX buffer. */
static uint8_t resp[FFA_RXTX_MAX_PAGES * PAGE_SIZE] NOINIT __attribute__((aligned(16)));
static struct ffa_mem_range
	ranges[FFA_RXTX_MAX_PAGES * PAGE_SIZE / FFA_MEM_CONSTITUENT_SIZE] NOINIT;

#define VM_RAM_ATTRS (MM_W | MM_X) /* how a VM holds its own RAM (vm_create maps it RWX) */

void hyp_ffa_mem_init(void)
{
	mem_share_init();
}

static uint64_t bytes(const struct ffa_mem_range *r)
{
	return (uint64_t)r->pages * PAGE_SIZE;
}

static bool in_ram(const struct vm *vm, uint64_t pa, uint64_t size)
{
	return pa >= vm->mem_pa && size <= vm->mem_size && pa - vm->mem_pa <= vm->mem_size - size;
}

/* Where VM `vm` holds physical page range r: its RAM, or the window. */
static uint64_t ipa_of(const struct vm *vm, const struct ffa_mem_range *r)
{
	return in_ram(vm, r->base, bytes(r)) ? r->base - vm->mem_pa + vm->mem_ipa
					     : r->base + HYP_FFA_WINDOW;
}

/* --- the role's part of the core ------------------------------------------------ */

bool mem_role_is_partition(ffa_id_t id)
{
	const struct vm *vm = hyp_ffa_vm(id);

	return vm != NULL && vm->cfg.ffa.partition;
}

bool mem_role_is_ns(uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		if (!vms[i].cfg.ffa.partition && in_ram(&vms[i], base, size)) {
			return true;
		}
	}
	return false;
}

uint16_t mem_role_default_owner(uint32_t first, uint32_t end, uint8_t *attrs)
{
	uint64_t base = (uint64_t)first * PAGE_SIZE, size = (uint64_t)(end - first) * PAGE_SIZE;

	for (unsigned int i = 0; i < vm_count; i++) {
		if (in_ram(&vms[i], base, size)) {
			*attrs = VM_RAM_ATTRS;
			return vms[i].ffa.ep.id;
		}
	}
	return MEM_OWNER_NONE; /* tzvisor's, a boot image's, free RAM: nobody may give it */
}

bool mem_role_hits_buffers(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct vm *vm = hyp_ffa_vm(id);
	struct ffa_rxtx *b;
	bool hit = false;

	if (vm == NULL) {
		return false;
	}
	b = &vm->ffa.rxtx;
	sl_lock(&b->lock);
	uint64_t size = (uint64_t)b->pages * PAGE_SIZE;
	for (uint32_t i = 0; i < n && b->mapped && !hit; i++) {
		uint64_t base = r[i].base, end = base + bytes(&r[i]);
		hit = (base < b->tx + size && b->tx < end) || (base < b->rx + size && b->rx < end);
	}
	sl_unlock(&b->lock);
	return hit;
}

int mem_role_lender_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct vm *vm = hyp_ffa_vm(id);

	CHECK(vm != NULL);
	/* First make every unmap free of allocations (blocks split), then unmap: all or nothing. */
	for (uint32_t i = 0; i < n; i++) {
		if (mm_split_edges(&vm->s2, ipa_of(vm, &r[i]), bytes(&r[i])) != MM_OK) {
			return FFA_NO_MEMORY;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_unmap(&vm->s2, ipa_of(vm, &r[i]), bytes(&r[i])) == MM_OK);
	}
	return 0;
}

void mem_role_lender_remap(ffa_id_t id, const struct ffa_mem_range *r, const uint8_t *attrs,
			   uint32_t n)
{
	struct vm *vm = hyp_ffa_vm(id);

	CHECK(vm != NULL);
	/* The tables that held the pages are still there (mm_unmap keeps emptied ones). */
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_map(&vm->s2, ipa_of(vm, &r[i]), r[i].base, bytes(&r[i]), attrs[i]) ==
		      MM_OK);
	}
}

int mem_role_borrower_map(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n, uint8_t attrs)
{
	struct vm *vm = hyp_ffa_vm(id);

	CHECK(vm != NULL);
	for (uint32_t i = 0; i < n; i++) {
		if (r[i].base + bytes(&r[i]) > HYP_FFA_WINDOW_PA_LIMIT ||
		    mm_map(&vm->s2, r[i].base + HYP_FFA_WINDOW, r[i].base, bytes(&r[i]), attrs) !=
			    MM_OK) {
			/* Unmapping what this call mapped needs no table page. */
			for (uint32_t k = 0; k <= i; k++) {
				mm_unmap(&vm->s2, r[k].base + HYP_FFA_WINDOW, bytes(&r[k]));
			}
			LOG_WARNING("VM %u (%s): out of stage-2 table pages for borrowed memory\n",
				    vm->id, vm->cfg.name);
			return FFA_NO_MEMORY;
		}
	}
	return 0;
}

void mem_role_borrower_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	struct vm *vm = hyp_ffa_vm(id);

	CHECK(vm != NULL);
	for (uint32_t i = 0; i < n; i++) {
		CHECK(mm_unmap(&vm->s2, r[i].base + HYP_FFA_WINDOW, bytes(&r[i])) == MM_OK);
	}
}

int mem_role_zero(const struct ffa_mem_range *r, uint32_t n)
{
	/* Guests' RAM is in tzvisor's identity map; a guest may read it with its MMU off. */
	for (uint32_t i = 0; i < n; i++) {
		memset((void *)(uintptr_t)r[i].base, 0, bytes(&r[i]));
		arch_dcache_clean_range((uintptr_t)r[i].base, bytes(&r[i]));
	}
	return 0;
}

/* --- the ABIs -------------------------------------------------------------------- */

bool hyp_ffa_mem_owns(struct vm *vm, uint64_t pa, uint64_t size)
{
	return mem_owns(vm->ffa.ep.id, pa, size);
}

unsigned int hyp_ffa_mem_vm_stopped(struct vm *vm)
{
	struct mem_stopped st;
	struct mem_share_stats left;

	mem_share_lock();
	/* What it borrowed goes back to its lenders; what it gave comes back to it. */
	mem_endpoint_stopped(vm->ffa.ep.id);
	mem_sender_stopped(vm->ffa.ep.id, !vm->cfg.ffa.partition, &st);
	mem_share_stats(&left);
	mem_share_unlock();
	if (st.dropped + st.reclaimed + st.held != 0) {
		LOG_NOTICE(
			"VM %u (%s) stopped with memory given: %u transaction%s reclaimed, %u held "
			"by borrowers until they relinquish, %u unfinished dropped; %u left\n",
			vm->id, vm->cfg.name, st.reclaimed, st.reclaimed == 1 ? "" : "s", st.held,
			st.dropped, left.txns);
	}
	return st.held;
}

static struct mem_caller caller(struct vm *vm)
{
	return (struct mem_caller){
		.id = vm->ffa.ep.id,
		.nwd = !vm->cfg.ffa.partition,
		.version = ffa_endpoint_version(&vm->ffa.ep),
		.ns_bit = __atomic_load_n(&vm->ffa.ep.mem_ns_bit, __ATOMIC_RELAXED),
	};
}

/*
 * A retrieve response fragment into the VM's RX buffer, which must be free
 * (BUSY); written by the core into `resp`, its addresses moved into the
 * borrower's window, then copied. FULL after.
 */
static struct ffa_value to_rx(struct vm *vm, const struct mem_caller *c, bool first,
			      uint64_t handle, uint32_t offset, uint32_t w4, uint32_t req_len)
{
	struct ffa_rxtx *b = &vm->ffa.rxtx;
	struct ffa_value r;

	sl_lock(&b->lock);
	if (!b->mapped) {
		r = ffa_error_value(FFA_INVALID_PARAMETERS);
	} else if (b->rx_state != FFA_RX_EMPTY) {
		r = ffa_error_value(FFA_BUSY);
	} else {
		uint32_t size = ffa_rxtx_size(b), len;
		if (first) {
			r = mem_retrieve(c, desc_copy, req_len, resp, size);
			len = (uint32_t)r.x[2];
		} else {
			r = mem_retrieve_continue(c, handle, offset, w4, resp, size);
			len = (uint32_t)r.x[3];
		}
		if ((uint32_t)r.x[0] != FFA_ERROR_32) {
			/* One EMAD, then constituents (later fragments: constituents only). */
			ffa_xlate_to_window(resp, first ? ffa_mem_desc_head_size(c->version, 1) : 0,
					    len);
			memcpy((void *)(uintptr_t)b->rx, resp, len);
			b->rx_state = FFA_RX_FULL;
		}
	}
	sl_unlock(&b->lock);
	return r;
}

/* A fragment of a send descriptor, copied and translated: 0 or the FF-A error. */
static int take_fragment(struct vm *vm, const struct mem_caller *c, uint32_t len, bool first)
{
	struct ffa_xlate x = hyp_ffa_xlate(vm);
	struct ffa_mem_txn t;
	uint32_t n;
	uint64_t pages = 0;
	int err = ffa_tx_copy(&vm->ffa.rxtx, desc_copy, len);

	if (err != 0) {
		return err;
	}
	return ffa_xlate_send(&x, desc_copy, len, first, c->version, c->id, &t, ranges,
			      sizeof(ranges) / sizeof(ranges[0]), &n, &pages);
}

static struct ffa_value call(struct vm *vm, const struct ffa_value *args, uint32_t fid)
{
	struct mem_caller c = caller(vm);
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
		if (addr != 0 || ffa_w(args, 4) != 0 || ffa_w(args, 2) > ffa_w(args, 1)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		err = take_fragment(vm, &c, ffa_w(args, 2), true);
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: mem_send(&c, ffa_mem_send_type(fid), ffa_w(args, 1), desc_copy,
					   ffa_w(args, 2));
	}
	case FFA_MEM_FRAG_TX_32: {
		/*
		 * w1/w2 = handle, w3 = fragment length, w4 MBZ (only a hypervisor
		 * names a sender there): tzvisor names the normal VM itself, as the
		 * core expects from a normal world acting for its VMs.
		 */
		if (ffa_w(args, 4) != 0) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		uint32_t w4 = c.nwd ? (uint32_t)c.id << 16 : 0U;
		err = take_fragment(vm, &c, ffa_w(args, 3), false);
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: mem_send_continue(&c, ffa_mem_handle_arg(args), w4, desc_copy,
						    ffa_w(args, 3));
	}
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64: {
		/* w1 = total length = w2 = fragment length (not fragmented); no buffer. */
		uint64_t addr = smc64 ? args->x[3] : ffa_w(args, 3);
		if (addr != 0 || ffa_w(args, 4) != 0 || ffa_w(args, 1) != ffa_w(args, 2)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		err = ffa_tx_copy(&vm->ffa.rxtx, desc_copy, ffa_w(args, 1));
		return err != 0 ? ffa_error_value((enum ffa_error)err)
				: to_rx(vm, &c, true, 0, 0, 0, ffa_w(args, 1));
	}
	case FFA_MEM_FRAG_RX_32:
		/* w1/w2 = handle, w3 = offset, w4 = 0. */
		return to_rx(vm, &c, false, ffa_mem_handle_arg(args), ffa_w(args, 3),
			     ffa_w(args, 4), 0);
	case FFA_MEM_RELINQUISH_32: {
		/* The descriptor: handle, flags, count, one endpoint ID. */
		err = ffa_tx_copy(&vm->ffa.rxtx, desc_copy, FFA_MEM_RELINQUISH_HEADER_SIZE + 2);
		if (err != 0) {
			return ffa_error_value((enum ffa_error)err);
		}
		unsigned int before = mem_share_orphans();
		struct ffa_value r =
			mem_relinquish(&c, desc_copy, FFA_MEM_RELINQUISH_HEADER_SIZE + 2);
		if (mem_share_orphans() < before) {
			struct mem_share_stats after;
			mem_share_stats(&after);
			/* It was the last borrower of a stopped VM's memory (mem_sender_stopped).
			 */
			LOG_NOTICE(
				"VM %u (%s): relinquished the last hold on a stopped VM's memory: "
				"reclaimed for it, %u transaction%s left\n",
				vm->id, vm->cfg.name, after.txns, after.txns == 1 ? "" : "s");
		}
		return r;
	}
	case FFA_MEM_RECLAIM_32:
		return mem_reclaim(&c, ffa_mem_handle_arg(args), ffa_w(args, 3));
	default:
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
}

struct ffa_value hyp_ffa_mem_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	mem_share_lock();
	struct ffa_value r = call(v->vm, args, fid);
	mem_share_unlock();
	if ((uint32_t)r.x[0] == FFA_ERROR_32) {
		LOG_VERBOSE("VM %u (%s): memory ABI 0x%x refused: %d\n", v->vm->id, v->vm->cfg.name,
			    fid, (int)(int32_t)r.x[2]);
	}
	return r;
}
