/*
 * Notification state of one receiver (see notif.h). Every operation checks
 * all of its arguments before it changes anything.
 */
#include "ffa/notif.h"

#include <string.h>

static struct ffa_notif_bank *bank_of(struct ffa_notif *n, ffa_id_t sender)
{
	return ffa_id_is_secure(sender) ? &n->from_sp : &n->from_vm;
}

/* Are all `bits` bound to `sender`? */
static bool bound_to(const struct ffa_notif_bank *b, ffa_id_t sender, uint64_t bits)
{
	if ((b->bound & bits) != bits) {
		return false;
	}
	for (unsigned int i = 0; i < 64; i++) {
		if ((bits >> i & 1) != 0 && b->sender[i] != sender) {
			return false;
		}
	}
	return true;
}

static uint64_t bank_pending(const struct ffa_notif_bank *b, unsigned int vcpus)
{
	uint64_t p = b->pending;

	for (unsigned int i = 0; i < vcpus; i++) {
		p |= b->vcpu_pending[i];
	}
	return p;
}

void ffa_notif_enable(struct ffa_notif *n, unsigned int vcpu_count)
{
	memset(n, 0, sizeof(*n));
	n->enabled = true;
	n->vcpu_count = vcpu_count;
}

void ffa_notif_disable(struct ffa_notif *n)
{
	memset(n, 0, sizeof(*n));
}

bool ffa_notif_any_pending(const struct ffa_notif *n)
{
	return n->fwk_pending != 0 || bank_pending(&n->from_sp, n->vcpu_count) != 0 ||
	       bank_pending(&n->from_vm, n->vcpu_count) != 0;
}

int ffa_notif_bind(struct ffa_notif *n, ffa_id_t sender, uint64_t bits, bool per_vcpu)
{
	if (!n->enabled) {
		return FFA_NOT_SUPPORTED;
	}
	if (bits == 0 || (per_vcpu && n->vcpu_count < 2)) {
		return FFA_INVALID_PARAMETERS;
	}
	struct ffa_notif_bank *b = bank_of(n, sender);
	if ((b->bound & bits) != 0) {
		return FFA_DENIED;
	}
	for (unsigned int i = 0; i < 64; i++) {
		if ((bits >> i & 1) != 0) {
			b->sender[i] = sender;
		}
	}
	b->bound |= bits;
	b->per_vcpu = per_vcpu ? b->per_vcpu | bits : b->per_vcpu & ~bits;
	return 0;
}

int ffa_notif_unbind(struct ffa_notif *n, ffa_id_t sender, uint64_t bits)
{
	if (!n->enabled) {
		return FFA_NOT_SUPPORTED;
	}
	if (bits == 0) {
		return FFA_INVALID_PARAMETERS;
	}
	struct ffa_notif_bank *b = bank_of(n, sender);
	if (!bound_to(b, sender, bits) || (bank_pending(b, n->vcpu_count) & bits) != 0) {
		return FFA_DENIED;
	}
	b->bound &= ~bits;
	b->per_vcpu &= ~bits;
	return 0;
}

int ffa_notif_set(struct ffa_notif *n, ffa_id_t sender, uint64_t bits, bool per_vcpu,
		  unsigned int vcpu)
{
	if (!n->enabled) {
		return FFA_NOT_SUPPORTED;
	}
	if (bits == 0 || (per_vcpu ? vcpu >= n->vcpu_count : vcpu != 0)) {
		return FFA_INVALID_PARAMETERS;
	}
	struct ffa_notif_bank *b = bank_of(n, sender);
	uint64_t mode = per_vcpu ? b->per_vcpu : ~b->per_vcpu;
	if (!bound_to(b, sender, bits) || (mode & bits) != bits) {
		return FFA_DENIED;
	}
	if (per_vcpu) {
		b->vcpu_pending[vcpu] |= bits;
		n->vcpu_reported &= ~(1U << vcpu);
	} else {
		b->pending |= bits;
		n->reported = false;
	}
	return 0;
}

static uint64_t take(struct ffa_notif_bank *b, unsigned int vcpu)
{
	uint64_t p = b->pending | b->vcpu_pending[vcpu];

	b->pending = 0;
	b->vcpu_pending[vcpu] = 0;
	return p;
}

void ffa_notif_get(struct ffa_notif *n, unsigned int vcpu, uint32_t flags, uint64_t *from_sp,
		   uint64_t *from_vm, uint32_t *from_spm)
{
	*from_sp = (flags & FFA_NOTIF_GET_FROM_SP) != 0 ? take(&n->from_sp, vcpu) : 0;
	*from_vm = (flags & FFA_NOTIF_GET_FROM_VM) != 0 ? take(&n->from_vm, vcpu) : 0;
	*from_spm = (flags & FFA_NOTIF_GET_FROM_SPM) != 0 ? n->fwk_pending : 0;
	if ((flags & FFA_NOTIF_GET_FROM_SPM) != 0) {
		n->fwk_pending = 0;
	}
}

void ffa_notif_fwk_set(struct ffa_notif *n, uint32_t bits)
{
	n->fwk_pending |= bits;
	n->reported = false;
}

void ffa_notif_fwk_clear(struct ffa_notif *n, uint32_t bits)
{
	n->fwk_pending &= ~bits;
}

void ffa_notif_info_init(struct ffa_notif_info *info, unsigned int max_ids)
{
	memset(info, 0, sizeof(*info));
	info->max_ids = max_ids < FFA_NOTIF_INFO_MAX_IDS ? max_ids : FFA_NOTIF_INFO_MAX_IDS;
}

/* Starts a list with `id`; false (and `more`) if no room for it and `need` more IDs. */
static bool start_list(struct ffa_notif_info *info, ffa_id_t id, unsigned int need)
{
	if (info->ids_count + 1 + need > info->max_ids) {
		info->more = true;
		return false;
	}
	info->ids[info->ids_count++] = id;
	info->list_size[info->lists++] = 0;
	return true;
}

void ffa_notif_info_add(struct ffa_notif_info *info, struct ffa_notif *n, ffa_id_t id)
{
	if (!n->enabled) {
		return;
	}
	bool global = n->fwk_pending != 0 || n->from_sp.pending != 0 || n->from_vm.pending != 0;
	if (global && !n->reported && start_list(info, id, 0)) {
		n->reported = true;
	}
	bool open = false; /* a per-vCPU list of this receiver has room */
	for (unsigned int v = 0; v < n->vcpu_count; v++) {
		if ((n->from_sp.vcpu_pending[v] | n->from_vm.vcpu_pending[v]) == 0 ||
		    (n->vcpu_reported >> v & 1) != 0) {
			continue;
		}
		if (open && info->ids_count < info->max_ids &&
		    info->list_size[info->lists - 1] < FFA_NOTIF_INFO_MAX_VCPUS_PER_LIST) {
			info->list_size[info->lists - 1]++;
		} else if (start_list(info, id, 1)) {
			info->list_size[info->lists - 1] = 1;
			open = true;
		} else {
			return;
		}
		info->ids[info->ids_count++] = (uint16_t)v;
		n->vcpu_reported |= 1U << v;
	}
}

struct ffa_value ffa_notif_info_result(const struct ffa_notif_info *info, bool smc64)
{
	if (info->ids_count == 0) {
		return ffa_error_value(FFA_NO_DATA);
	}
	struct ffa_value r = {.x = {smc64 ? FFA_SUCCESS_64 : FFA_SUCCESS_32}};
	unsigned int per_reg = smc64 ? 4U : 2U;
	uint64_t w2 = (info->more ? FFA_NOTIF_INFO_MORE : 0U) |
		      (uint64_t)info->lists << FFA_NOTIF_INFO_LISTS_SHIFT;

	for (unsigned int l = 0; l < info->lists; l++) {
		w2 |= (uint64_t)info->list_size[l] << (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * l);
	}
	r.x[2] = w2;
	for (unsigned int i = 0; i < info->ids_count; i++) {
		r.x[3 + i / per_reg] |= (uint64_t)info->ids[i] << (16 * (i % per_reg));
	}
	return r;
}
