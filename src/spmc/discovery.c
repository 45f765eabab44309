/*
 * Setup and discovery ABIs at the SPMC (FF-A v1.2 chapter 13):
 * FFA_RXTX_MAP (32, 64), FFA_RXTX_UNMAP, FFA_RX_RELEASE,
 * FFA_PARTITION_INFO_GET and FFA_PARTITION_INFO_GET_REGS, for the normal
 * world and for partitions.
 *
 * Buffers: the normal world's must lie in non-secure DRAM and are mapped
 * NS=1 in the SPMC's stage 1 (TX read-only, RX read-write); a partition's
 * must be pages it owns, read-write, at stage 2. FFA_RX_ACQUIRE (the
 * hypervisor's ABI) is answered for the normal world as one endpoint: an
 * empty RX buffer passes to it until FFA_RX_RELEASE.
 *
 * The normal world changing hands: a boot loader that used FF-A at one
 * version and an OS that then negotiates another. Version negotiation locks
 * at the first other call (FF-A v1.2 13.2.1); tzvisor unlocks it again when
 * the normal world unmaps its RX/TX buffers, the one point where it holds no
 * version-dependent state (descriptor layouts live in those buffers) and
 * which a boot loader passes when it hands over (U-Boot unmaps its buffers
 * before booting an OS).
 *
 * Not supported: UUID tags in FFA_PARTITION_INFO_GET_REGS (RETRY, as the
 * spec allows).
 */
#include "spmc/discovery.h"

#include "ffa/mem_share.h"

#include "core/console.h"
#include "core/types.h"
#include "plat/plat.h"
#include "spmc/notif.h"
#include "spmc/partition.h"
#include "spmc/spmc.h"

#define MAX_DESCS (SPMC_MAX_SPS * SP_MAX_UUIDS)
_Static_assert(MAX_DESCS <= FFA_PARTITION_INFO_MAX, "the core's limit");

static uint32_t sp_props(const struct partition *sp)
{
	uint32_t p = ffa_partition_props(sp->m.messaging_method, sp->m.notification_support);

	p |= (sp->m.vm_availability_messages & SP_VM_CREATED) != 0 ? FFA_PROP_VM_CREATED : 0U;
	p |= (sp->m.vm_availability_messages & SP_VM_DESTROYED) != 0 ? FFA_PROP_VM_DESTROYED : 0U;
	return p;
}

/* One descriptor per UUID of every partition, partitions in load order. */
static unsigned int all_descs(struct ffa_partition_desc *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < partition_count; i++) {
		const struct partition *sp = &partitions[i];
		for (unsigned int u = 0; u < sp->m.uuid_count && n < MAX_DESCS; u++) {
			out[n].id = sp->id;
			out[n].exec_ctx_count = (uint16_t)sp->vcpu_count;
			out[n].props = sp_props(sp);
			for (unsigned int w = 0; w < 4; w++) {
				out[n].uuid[w] = sp->m.uuids[u][w];
			}
			n++;
		}
	}
	return n;
}

struct ffa_value spmc_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					 const struct ffa_value *args)
{
	struct ffa_partition_desc all[MAX_DESCS];

	return ffa_partition_info_get(ep, b, all, all_descs(all), args);
}

struct ffa_value spmc_partition_info_get_regs(struct ffa_endpoint *ep, const struct ffa_value *args)
{
	struct ffa_partition_desc all[MAX_DESCS];

	(void)ep; /* a register-based ABI of v1.2: every caller gets the v1.2 view */
	return ffa_partition_info_get_regs(all, all_descs(all), args);
}

/*
 * Are [base, base+size) pages the partition owns and holds (not lent or
 * shared away: the SPMC writes there), writable, normal memory? Under
 * mem_share's lock.
 */
static bool sp_owns(const struct partition *sp, uint64_t base, uint64_t size)
{
	if (!mem_owns(sp->id, base, size)) {
		return false;
	}
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa;
		unsigned int attrs, level;
		if (!mm_lookup(&sp->s2, base + off, &pa, &attrs, &level) ||
		    (attrs & (MM_W | MM_DEVICE)) != MM_W) {
			return false;
		}
	}
	return true;
}

struct ffa_value spmc_rxtx_map(struct partition *sp, struct ffa_rxtx *b,
			       const struct ffa_value *args)
{
	bool wide = ffa_fid(args) == FFA_RXTX_MAP_64;
	uint64_t tx = wide ? args->x[1] : ffa_w(args, 1);
	uint64_t rx = wide ? args->x[2] : ffa_w(args, 2);
	uint64_t base = sp == NULL ? plat.ns_dram.base : 0;
	uint64_t size = sp == NULL ? plat.ns_dram.size : UINT64_MAX;
	unsigned int ns = sp == NULL ? MM_NS : 0U;
	uint32_t pages = 0;
	int err;

	/* Memory sharing's lock first: the buffers must stay the caller's while they are mapped. */
	mem_share_lock();
	sl_lock(&b->lock);
	err = ffa_rxtx_map_check(b, tx, rx, ffa_w(args, 3), base, size, &pages);
	uint64_t len = (uint64_t)pages * PAGE_SIZE;
	if (err == 0 && (sp != NULL ? !sp_owns(sp, tx, len) || !sp_owns(sp, rx, len)
				    : !mem_owns(FFA_NWD_ENDPOINT_ID, tx, len) ||
					      !mem_owns(FFA_NWD_ENDPOINT_ID, rx, len))) {
		err = FFA_INVALID_PARAMETERS; /* not its own, or lent or shared away */
	}
	if (err == 0) {
		sl_lock(&spmc.stage1_lock);
		if (mm_map(spmc.stage1, tx, tx, len, MM_R | ns) != MM_OK) {
			err = FFA_NO_MEMORY;
		} else if (mm_map(spmc.stage1, rx, rx, len, MM_RW | ns) != MM_OK) {
			mm_unmap(spmc.stage1, tx, len);
			err = FFA_NO_MEMORY;
		}
		sl_unlock(&spmc.stage1_lock);
	}
	if (err == 0) {
		ffa_rxtx_set(b, tx, rx, pages);
	}
	sl_unlock(&b->lock);
	mem_share_unlock();
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	LOG_VERBOSE("%s %04x: RX/TX buffers mapped (TX 0x%llx, RX 0x%llx, %u page%s)\n",
		    sp == NULL ? "normal world" : "SP", sp == NULL ? 0 : sp->id,
		    (unsigned long long)tx, (unsigned long long)rx, pages, pages == 1 ? "" : "s");
	return ffa_success_value(0);
}

struct ffa_value spmc_rxtx_unmap(struct ffa_endpoint *ep, struct ffa_rxtx *b,
				 const struct ffa_value *args)
{
	ffa_id_t caller = ep->id;
	/* w1 [31:16]: the endpoint whose buffers go; only its own ID (or 0) without a hypervisor.
	 */
	ffa_id_t id = (ffa_id_t)(ffa_w(args, 1) >> 16);

	if ((ffa_w(args, 1) & 0xFFFF) != 0 || (id != 0 && id != caller)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&b->lock);
	int err = ffa_rxtx_unmap_check(b);
	if (err == 0) {
		uint64_t bytes = (uint64_t)b->pages * PAGE_SIZE;
		sl_lock(&spmc.stage1_lock);
		mm_unmap(spmc.stage1, b->tx, bytes);
		mm_unmap(spmc.stage1, b->rx, bytes);
		sl_unlock(&spmc.stage1_lock);
		ffa_rxtx_clear(b);
	}
	sl_unlock(&b->lock);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	if (!ffa_id_is_secure(caller)) {
		sl_lock(&ep->lock);
		__atomic_store_n(&ep->version_locked, false, __ATOMIC_RELEASE);
		sl_unlock(&ep->lock);
		LOG_VERBOSE("normal world unmapped its buffers: FF-A version may be negotiated "
			    "again\n");
	}
	return ffa_success_value(0);
}

struct ffa_value spmc_rx_acquire(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args)
{
	if (ffa_w(args, 1) != caller) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&b->lock);
	int err = !b->mapped || b->rx_state != FFA_RX_EMPTY ? FFA_DENIED : 0;
	if (err == 0) {
		b->rx_state = FFA_RX_FULL;
	}
	sl_unlock(&b->lock);
	return err == 0 ? ffa_success_value(0) : ffa_error_value((enum ffa_error)err);
}

struct ffa_value spmc_rx_release(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args)
{
	ffa_id_t id = (ffa_id_t)(ffa_w(args, 1) & 0xFFFF);

	if (id != 0 && id != caller) {
		/* A hypervisor releases a VM's RX buffer (its messages came through its own). */
		if (ffa_id_is_secure(caller) || ffa_id_is_secure(id)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		int err = spmc_notif_vm_rx_release(id);
		return err == 0 ? ffa_success_value(0) : ffa_error_value((enum ffa_error)err);
	}
	sl_lock(&b->lock);
	int err = ffa_rx_release(b);
	sl_unlock(&b->lock);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	spmc_notif_rx_released(caller);
	return ffa_success_value(0);
}
