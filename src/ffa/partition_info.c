/*
 * Partition information encoding. Layouts: v1.0 (8 bytes: ID, execution
 * context count, properties) and v1.1+ (24 bytes: the same, then the UUID).
 * Properties a caller's version does not know are cleared: bits [2:0] only
 * for v1.0; no DIRECT_REQ2 bits before v1.2.
 */
#include "ffa/partition_info.h"

#include <string.h>

#include "core/panic.h"
#include "core/types.h"

uint32_t ffa_partition_props(uint32_t mm, bool notifications)
{
	uint32_t p = FFA_PROP_AARCH64 | FFA_PROP_ID_TYPE_PE;

	p |= (mm & FFA_MANIFEST_MSG_DIRECT_REQ_RECV) != 0 ? FFA_PROP_DIRECT_REQ_RECV : 0U;
	p |= (mm & FFA_MANIFEST_MSG_DIRECT_REQ_SEND) != 0 ? FFA_PROP_DIRECT_REQ_SEND : 0U;
	p |= (mm & FFA_MANIFEST_MSG_INDIRECT) != 0 ? FFA_PROP_INDIRECT_MSG : 0U;
	p |= (mm & FFA_MANIFEST_MSG_DIRECT_REQ2_RECV) != 0 ? FFA_PROP_DIRECT_REQ2_RECV : 0U;
	p |= (mm & FFA_MANIFEST_MSG_DIRECT_REQ2_SEND) != 0 ? FFA_PROP_DIRECT_REQ2_SEND : 0U;
	/* Bit 3 (v1.1 on): the partition can receive notifications (its manifest says so). */
	p |= notifications ? FFA_PROP_NOTIFICATIONS : 0U;
	return p;
}

size_t ffa_partition_info_desc_size(uint32_t caller_version)
{
	return caller_version >= FFA_VERSION_1_1 ? FFA_PARTITION_INFO_V1_1_SIZE
						 : FFA_PARTITION_INFO_V1_0_SIZE;
}

uint32_t ffa_partition_props_for(uint32_t props, uint32_t caller_version)
{
	if (caller_version < FFA_VERSION_1_1) {
		return props & (FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ_SEND |
				FFA_PROP_INDIRECT_MSG);
	}
	if (caller_version < FFA_VERSION_1_2) {
		return props & ~(FFA_PROP_DIRECT_REQ2_RECV | FFA_PROP_DIRECT_REQ2_SEND);
	}
	return props;
}

static bool uuid_is_nil(const struct ffa_uuid_arg *u)
{
	return (u->w[0] | u->w[1] | u->w[2] | u->w[3]) == 0;
}

unsigned int ffa_partition_info_select(const struct ffa_partition_desc *all, unsigned int n,
				       const struct ffa_uuid_arg *uuid, uint32_t caller_version,
				       struct ffa_partition_desc *out, unsigned int max)
{
	bool any = uuid_is_nil(uuid);
	unsigned int count = 0;

	for (unsigned int i = 0; i < n && count < max; i++) {
		/* Entries of one partition are adjacent; before v1.2 only its first counts. */
		bool repeat = i > 0 && all[i].id == all[i - 1].id;
		if (any ? (repeat && caller_version < FFA_VERSION_1_2)
			: memcmp(all[i].uuid, uuid->w, sizeof(uuid->w)) != 0) {
			continue;
		}
		out[count++] = all[i];
	}
	return count;
}

size_t ffa_partition_info_write(const struct ffa_partition_desc *d, unsigned int n,
				uint32_t caller_version, bool with_uuid, void *buf, size_t size)
{
	size_t dsz = ffa_partition_info_desc_size(caller_version);
	uint8_t *p = buf;

	if (n == 0 || size / dsz < n) {
		return 0;
	}
	for (unsigned int i = 0; i < n; i++, p += dsz) {
		uint32_t props = ffa_partition_props_for(d[i].props, caller_version);
		memset(p, 0, dsz);
		memcpy(p, &d[i].id, 2);
		memcpy(p + 2, &d[i].exec_ctx_count, 2);
		memcpy(p + 4, &props, 4);
		if (dsz == FFA_PARTITION_INFO_V1_1_SIZE && with_uuid) {
			memcpy(p + 8, d[i].uuid, 16);
		}
	}
	return n * dsz;
}

struct ffa_value ffa_partition_info_regs(const struct ffa_partition_desc *d, unsigned int n,
					 unsigned int start, bool with_uuid)
{
	struct ffa_value r = {.x = {FFA_SUCCESS_64}};

	if (n == 0 || start >= n) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	unsigned int last = n - 1;
	unsigned int count = n - start;

	if (count > FFA_PARTITION_INFO_REGS_MAX) {
		count = FFA_PARTITION_INFO_REGS_MAX;
	}
	unsigned int current = start + count - 1;
	r.x[2] = (uint64_t)FFA_PARTITION_INFO_V1_1_SIZE << 48 | (uint64_t)current << 16 | last;
	for (unsigned int i = 0; i < count; i++) {
		const struct ffa_partition_desc *e = &d[start + i];
		uint64_t props = ffa_partition_props_for(e->props, FFA_VERSION_1_2);
		r.x[3 + 3 * i] = (uint64_t)e->id | (uint64_t)e->exec_ctx_count << 16 | props << 32;
		if (with_uuid) {
			r.x[4 + 3 * i] = (uint64_t)e->uuid[1] << 32 | e->uuid[0];
			r.x[5 + 3 * i] = (uint64_t)e->uuid[3] << 32 | e->uuid[2];
		}
	}
	return r;
}

struct ffa_value ffa_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					const struct ffa_partition_desc *all, unsigned int n,
					const struct ffa_value *args)
{
	struct ffa_partition_desc sel[FFA_PARTITION_INFO_MAX];
	struct ffa_uuid_arg uuid = {
		{ffa_w(args, 1), ffa_w(args, 2), ffa_w(args, 3), ffa_w(args, 4)}};
	uint32_t flags = ffa_w(args, 5);
	uint32_t version = ffa_endpoint_version(ep);
	bool nil = uuid_is_nil(&uuid);

	CHECK(n <= FFA_PARTITION_INFO_MAX);
	/* Bits [31:1] MBZ; a v1.0 caller has no flags at all. */
	if ((flags & ~FFA_PARTITION_INFO_COUNT_ONLY) != 0 ||
	    (version < FFA_VERSION_1_1 && flags != 0)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	unsigned int count =
		ffa_partition_info_select(all, n, &uuid, version, sel, FFA_PARTITION_INFO_MAX);
	if (count == 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	size_t dsz = ffa_partition_info_desc_size(version);
	struct ffa_value ok = ffa_success_value(count);
	ok.x[3] = version >= FFA_VERSION_1_1 ? dsz : 0;
	if ((flags & FFA_PARTITION_INFO_COUNT_ONLY) != 0) {
		return ok;
	}
	sl_lock(&b->lock);
	if (!b->mapped || b->rx_state != FFA_RX_EMPTY) {
		sl_unlock(&b->lock);
		return ffa_error_value(FFA_BUSY);
	}
	if (ffa_partition_info_write(sel, count, version, nil, (void *)(uintptr_t)b->rx,
				     (size_t)b->pages * PAGE_SIZE) == 0) {
		sl_unlock(&b->lock);
		return ffa_error_value(FFA_NO_MEMORY);
	}
	b->rx_state = FFA_RX_FULL;
	sl_unlock(&b->lock);
	return ok;
}

struct ffa_value ffa_partition_info_get_regs(const struct ffa_partition_desc *all, unsigned int n,
					     const struct ffa_value *args)
{
	struct ffa_partition_desc sel[FFA_PARTITION_INFO_MAX];
	uint64_t lo = args->x[1], hi = args->x[2];
	struct ffa_uuid_arg uuid = {
		{(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi, (uint32_t)(hi >> 32)}};
	unsigned int start = (unsigned int)(args->x[3] & 0xFFFF);
	unsigned int tag = (unsigned int)((args->x[3] >> 16) & 0xFFFF);

	CHECK(n <= FFA_PARTITION_INFO_MAX);
	if (tag != 0) {
		return ffa_error_value(FFA_RETRY);
	}
	/* A register-based ABI of v1.2: the caller gets the v1.2 view. */
	unsigned int count = ffa_partition_info_select(all, n, &uuid, FFA_VERSION_1_2, sel,
						       FFA_PARTITION_INFO_MAX);
	if (count == 0 || start >= count) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	return ffa_partition_info_regs(sel, count, start, (lo | hi) == 0);
}
