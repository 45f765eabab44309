/*
 * The memory transaction descriptor parser (see mem_desc.h). Fields are read
 * with explicit little-endian loads at checked offsets: the input is another
 * world's data, copied but not trusted, and may be misaligned. Offsets and
 * sizes are computed in 64 bits, so no sum of 32-bit fields can wrap.
 */
#include "ffa/mem_desc.h"

#include <stdbool.h>
#include <string.h>

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

/* Does [off, off + size) lie inside a buffer of len bytes? (64-bit: no wrap.) */
static bool inside(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

/* Header fields common to both layouts, and where the EMADs are. */
static int parse_header(const uint8_t *buf, size_t len, uint32_t version, struct ffa_mem_txn *t,
			uint64_t *emad_off, uint32_t *emad_size)
{
	bool v10 = version < FFA_VERSION_1_1;

	if (len < (v10 ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1)) {
		return FFA_INVALID_PARAMETERS;
	}
	t->sender = ld16(buf);
	t->flags = ld32(buf + 4);
	t->handle = ld64(buf + 8);
	t->tag = ld64(buf + 16);
	uint32_t count = ld32(buf + 28);
	if (v10) {
		/* Byte 2: attributes; byte 3 and bytes 24-27 reserved. */
		t->attributes = buf[2];
		if (buf[3] != 0 || ld32(buf + 24) != 0) {
			return FFA_INVALID_PARAMETERS;
		}
		*emad_off = FFA_MEM_HEADER_SIZE_V1_0;
		*emad_size = FFA_MEM_EMAD_SIZE_V1_0;
	} else {
		t->attributes = ld16(buf + 2);
		*emad_size = ld32(buf + 24);
		*emad_off = ld32(buf + 32);
		bool size_ok = *emad_size == FFA_MEM_EMAD_SIZE_V1_0 ||
			       (*emad_size == FFA_MEM_EMAD_SIZE_V1_2 && version >= FFA_VERSION_1_2);
		/* The EMADs follow the header, 16-byte aligned; bytes 36-47 reserved. */
		if (!size_ok || *emad_off < FFA_MEM_HEADER_SIZE_V1_1 || (*emad_off & 15) != 0 ||
		    !all_zero(buf + 36, 12)) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	if (count == 0) {
		return FFA_INVALID_PARAMETERS;
	}
	if (count > FFA_MEM_MAX_RECEIVERS) {
		return FFA_NOT_SUPPORTED;
	}
	if (!inside(*emad_off, (uint64_t)count * *emad_size, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	t->receiver_count = count;
	return 0;
}

/* The EMADs: distinct receivers other than the sender, all sharing one composite. */
static int parse_receivers(const uint8_t *buf, size_t len, uint64_t emad_off, uint32_t emad_size,
			   struct ffa_mem_txn *t)
{
	for (unsigned int i = 0; i < t->receiver_count; i++) {
		const uint8_t *e = buf + emad_off + (uint64_t)i * emad_size;
		struct ffa_mem_receiver *r = &t->receivers[i];
		uint32_t comp = ld32(e + 4);

		r->id = ld16(e);
		r->perms = e[2];
		r->flags = e[3];
		r->impdef[0] = emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? ld64(e + 16) : 0;
		r->impdef[1] = emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? ld64(e + 24) : 0;
		if (!all_zero(e + 8, 8) || (r->perms & FFA_MEM_PERM_RESERVED) != 0 ||
		    r->id == t->sender) {
			return FFA_INVALID_PARAMETERS;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (t->receivers[j].id == r->id) {
				return FFA_INVALID_PARAMETERS;
			}
		}
		if (i == 0) {
			t->composite_offset = comp;
		} else if (comp != t->composite_offset) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	/* The composite lies after the EMADs, 8-byte aligned, and fits. */
	uint64_t emads_end = emad_off + (uint64_t)t->receiver_count * emad_size;
	if (t->composite_offset < emads_end || (t->composite_offset & 7) != 0 ||
	    !inside(t->composite_offset, FFA_MEM_COMPOSITE_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	return 0;
}

/* Insertion sort by base, as sort_u64 (src/lib) does for plain values; bounded by max_ranges. */
static void sort_ranges(struct ffa_mem_range *r, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct ffa_mem_range x = r[i];
		unsigned int j = i;
		while (j > 0 && r[j - 1].base > x.base) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = x;
	}
}

static int parse_ranges(const uint8_t *buf, size_t len, struct ffa_mem_txn *t,
			struct ffa_mem_range *ranges, unsigned int max_ranges)
{
	const uint8_t *c = buf + t->composite_offset;
	uint32_t count = ld32(c + 4);
	uint64_t sum = 0;

	t->total_pages = ld32(c);
	if (ld64(c + 8) != 0 || count == 0) {
		return FFA_INVALID_PARAMETERS;
	}
	uint64_t first = (uint64_t)t->composite_offset + FFA_MEM_COMPOSITE_SIZE;
	if (!inside(first, (uint64_t)count * FFA_MEM_CONSTITUENT_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	if (count > max_ranges) {
		return FFA_NO_MEMORY;
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = buf + first + (uint64_t)i * FFA_MEM_CONSTITUENT_SIZE;
		uint64_t base = ld64(e);
		uint32_t pages = ld32(e + 8);
		uint64_t bytes = (uint64_t)pages * FFA_MEM_PAGE_SIZE;
		if (pages == 0 || (base & (FFA_MEM_PAGE_SIZE - 1)) != 0 || ld32(e + 12) != 0 ||
		    base + bytes < base) {
			return FFA_INVALID_PARAMETERS;
		}
		ranges[i] = (struct ffa_mem_range){base, pages};
		sum += pages;
	}
	if (sum != t->total_pages) {
		return FFA_INVALID_PARAMETERS;
	}
	/* No page twice: sorted by base, each range ends before the next begins. */
	sort_ranges(ranges, count);
	for (uint32_t i = 1; i < count; i++) {
		if (ranges[i - 1].base + (uint64_t)ranges[i - 1].pages * FFA_MEM_PAGE_SIZE >
		    ranges[i].base) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	t->range_count = count;
	return 0;
}

int ffa_mem_txn_parse(const uint8_t *buf, size_t len, uint32_t version, struct ffa_mem_txn *t,
		      struct ffa_mem_range *ranges, unsigned int max_ranges)
{
	uint64_t emad_off;
	uint32_t emad_size;
	int err;

	memset(t, 0, sizeof(*t));
	err = parse_header(buf, len, version, t, &emad_off, &emad_size);
	if (err == 0) {
		err = parse_receivers(buf, len, emad_off, emad_size, t);
	}
	if (err == 0) {
		err = parse_ranges(buf, len, t, ranges, max_ranges);
	}
	return err;
}
