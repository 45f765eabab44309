/*
 * Memory management descriptors (see mem_desc.h). Fields are read and
 * written with explicit little-endian accesses at checked offsets: the
 * input is another world's data, copied but not trusted, and may be
 * misaligned.
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

static void st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16(p + 2, (uint16_t)(v >> 16));
}

static void st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
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

static bool is_v1_0(uint32_t version)
{
	return version < FFA_VERSION_1_1;
}

/* Header fields common to both layouts; where the EMADs are and how big. */
static int parse_header(const uint8_t *buf, size_t len, uint32_t version, struct ffa_mem_txn *t,
			uint64_t *emad_off, uint32_t *emad_size)
{
	if (len < (is_v1_0(version) ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1)) {
		return FFA_INVALID_PARAMETERS;
	}
	t->sender = ld16(buf);
	t->flags = ld32(buf + 4);
	t->handle = ld64(buf + 8);
	t->tag = ld64(buf + 16);
	t->receiver_count = ld32(buf + 28);
	if (is_v1_0(version)) {
		/* Byte 2: attributes; byte 3 and bytes 24-27 reserved. */
		t->attributes = buf[2];
		if (buf[3] != 0 || ld32(buf + 24) != 0) {
			return FFA_INVALID_PARAMETERS;
		}
		*emad_off = FFA_MEM_HEADER_SIZE_V1_0;
		*emad_size = FFA_MEM_EMAD_SIZE_V1_0;
		return 0;
	}
	t->attributes = ld16(buf + 2);
	*emad_size = ld32(buf + 24);
	*emad_off = ld32(buf + 32);
	/* Bytes 36-47 reserved. */
	return all_zero(buf + 36, 12) ? 0 : FFA_INVALID_PARAMETERS;
}

/* The EMAD array's size and place: the caller's version, 16-byte aligned, after the header. */
static bool emads_valid(uint32_t version, uint64_t emad_off, uint32_t emad_size)
{
	if (is_v1_0(version)) {
		return true;
	}
	return (emad_size == FFA_MEM_EMAD_SIZE_V1_0 ||
		(emad_size == FFA_MEM_EMAD_SIZE_V1_2 && version >= FFA_VERSION_1_2)) &&
	       emad_off >= FFA_MEM_HEADER_SIZE_V1_1 && (emad_off & 15) == 0;
}

/* The EMADs: distinct receivers other than the sender, reserved fields zero. */
static int parse_receivers(const uint8_t *buf, size_t len, uint64_t emad_off, uint32_t emad_size,
			   struct ffa_mem_txn *t)
{
	if (t->receiver_count > FFA_MEM_MAX_RECEIVERS) {
		return FFA_NOT_SUPPORTED;
	}
	if (!inside(emad_off, (uint64_t)t->receiver_count * emad_size, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	for (unsigned int i = 0; i < t->receiver_count; i++) {
		const uint8_t *e = buf + emad_off + (uint64_t)i * emad_size;
		struct ffa_mem_receiver *r = &t->receivers[i];

		r->id = ld16(e);
		r->perms = e[2];
		r->flags = e[3];
		r->composite_offset = ld32(e + 4);
		r->impdef[0] = emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? ld64(e + 16) : 0;
		r->impdef[1] = emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? ld64(e + 24) : 0;
		if (!all_zero(e + 8, 8) || (r->perms & FFA_MEM_PERM_RESERVED) != 0 ||
		    (r->flags & ~FFA_MEM_EMAD_FLAG_NON_RETRIEVAL) != 0 || r->id == t->sender) {
			return FFA_INVALID_PARAMETERS;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (t->receivers[j].id == r->id) {
				return FFA_INVALID_PARAMETERS;
			}
		}
	}
	return 0;
}

int ffa_mem_desc_parse_head(const uint8_t *buf, size_t len, uint32_t version, struct ffa_mem_txn *t)
{
	uint64_t emad_off;
	uint32_t emad_size;

	memset(t, 0, sizeof(*t));
	int err = parse_header(buf, len, version, t, &emad_off, &emad_size);
	if (err != 0 || !emads_valid(version, emad_off, emad_size) || t->receiver_count == 0) {
		return err != 0 ? err : FFA_INVALID_PARAMETERS;
	}
	err = parse_receivers(buf, len, emad_off, emad_size, t);
	if (err != 0) {
		return err;
	}
	/* One composite for all, after the EMADs, 16-byte aligned, inside this fragment. */
	uint32_t comp = t->receivers[0].composite_offset;
	for (unsigned int i = 1; i < t->receiver_count; i++) {
		if (t->receivers[i].composite_offset != comp) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	uint64_t emads_end = emad_off + (uint64_t)t->receiver_count * emad_size;
	if (comp < emads_end || (comp & 15) != 0 || !inside(comp, FFA_MEM_COMPOSITE_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	t->total_pages = ld32(buf + comp);
	t->range_count = ld32(buf + comp + 4);
	if (ld64(buf + comp + 8) != 0 || t->range_count == 0 || t->total_pages == 0) {
		return FFA_INVALID_PARAMETERS;
	}
	t->ranges_offset = comp + FFA_MEM_COMPOSITE_SIZE;
	return 0;
}

int ffa_mem_desc_parse_ranges(const uint8_t *buf, size_t len, struct ffa_mem_range *out,
			      uint64_t *pages)
{
	if (len % FFA_MEM_CONSTITUENT_SIZE != 0) {
		return FFA_INVALID_PARAMETERS;
	}
	for (size_t i = 0; i < len / FFA_MEM_CONSTITUENT_SIZE; i++) {
		const uint8_t *e = buf + i * FFA_MEM_CONSTITUENT_SIZE;
		uint64_t base = ld64(e);
		uint32_t n = ld32(e + 8);
		uint64_t bytes = (uint64_t)n * FFA_MEM_PAGE_SIZE;

		if (n == 0 || (base & (FFA_MEM_PAGE_SIZE - 1)) != 0 || ld32(e + 12) != 0 ||
		    base + bytes < base) {
			return FFA_INVALID_PARAMETERS;
		}
		out[i] = (struct ffa_mem_range){base, n};
		*pages += n;
	}
	return 0;
}

int ffa_mem_retrieve_req_parse(const uint8_t *buf, size_t len, uint32_t version,
			       struct ffa_mem_txn *t)
{
	uint64_t emad_off;
	uint32_t emad_size;

	memset(t, 0, sizeof(*t));
	int err = parse_header(buf, len, version, t, &emad_off, &emad_size);
	if (err != 0) {
		return err;
	}
	if (t->receiver_count == 0) {
		/*
		 * A hypervisor retrieve request: the handle and nothing else,
		 * every other byte zero (a v1.0 caller may send the 48 bytes
		 * of the v1.1 header too).
		 */
		return t->sender == 0 && t->attributes == 0 && t->flags == 0 && t->tag == 0 &&
				       all_zero(buf + 24, 4) && all_zero(buf + 32, len - 32)
			       ? 0
			       : FFA_INVALID_PARAMETERS;
	}
	if (!emads_valid(version, emad_off, emad_size)) {
		return FFA_INVALID_PARAMETERS;
	}
	err = parse_receivers(buf, len, emad_off, emad_size, t);
	if (err != 0) {
		return err;
	}
	/* No composite: no address hints; the request ends with its EMADs. */
	for (unsigned int i = 0; i < t->receiver_count; i++) {
		if (t->receivers[i].composite_offset != 0) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	return len == emad_off + (uint64_t)t->receiver_count * emad_size ? 0
									 : FFA_INVALID_PARAMETERS;
}

int ffa_mem_relinquish_parse(const uint8_t *buf, size_t len, struct ffa_mem_relinquish *r)
{
	/* Handle (8), flags (4), endpoint count (4), then the 16-bit endpoint IDs. */
	if (len < FFA_MEM_RELINQUISH_HEADER_SIZE + 2) {
		return FFA_INVALID_PARAMETERS;
	}
	r->handle = ld64(buf);
	r->flags = ld32(buf + 8);
	r->endpoint = ld16(buf + 16);
	/* One endpoint: the caller itself (tzvisor has no stream endpoints). */
	return ld32(buf + 12) == 1 ? 0 : FFA_INVALID_PARAMETERS;
}

uint32_t ffa_mem_desc_head_size(uint32_t version, unsigned int receivers)
{
	uint32_t header = is_v1_0(version) ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1;
	uint32_t emad =
		version >= FFA_VERSION_1_2 ? FFA_MEM_EMAD_SIZE_V1_2 : FFA_MEM_EMAD_SIZE_V1_0;

	return header + receivers * emad + FFA_MEM_COMPOSITE_SIZE;
}

/* Header, EMADs and composite header: head_size bytes at buf (zeroed by the caller). */
static void write_head(const struct ffa_mem_txn *t, uint32_t version, uint8_t *buf,
		       uint32_t head_size)
{
	bool v10 = is_v1_0(version);
	uint32_t emad_off = v10 ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1;
	uint32_t emad_size =
		version >= FFA_VERSION_1_2 ? FFA_MEM_EMAD_SIZE_V1_2 : FFA_MEM_EMAD_SIZE_V1_0;
	uint32_t comp = head_size - FFA_MEM_COMPOSITE_SIZE;

	st16(buf, t->sender);
	if (v10) {
		buf[2] = (uint8_t)t->attributes;
	} else {
		st16(buf + 2, t->attributes);
		st32(buf + 24, emad_size);
		st32(buf + 32, emad_off);
	}
	st32(buf + 4, t->flags);
	st64(buf + 8, t->handle);
	st64(buf + 16, t->tag);
	st32(buf + 28, t->receiver_count);
	for (unsigned int i = 0; i < t->receiver_count; i++) {
		uint8_t *e = buf + emad_off + i * emad_size;
		const struct ffa_mem_receiver *r = &t->receivers[i];
		st16(e, r->id);
		e[2] = r->perms;
		e[3] = r->flags;
		st32(e + 4, comp);
		if (emad_size == FFA_MEM_EMAD_SIZE_V1_2) {
			st64(e + 16, r->impdef[0]);
			st64(e + 24, r->impdef[1]);
		}
	}
	st32(buf + comp, t->total_pages);
	st32(buf + comp + 4, t->range_count);
}

uint32_t ffa_mem_desc_write(const struct ffa_mem_txn *t, const struct ffa_mem_range *ranges,
			    uint32_t version, uint32_t offset, uint8_t *buf, uint32_t size)
{
	uint32_t head = ffa_mem_desc_head_size(version, t->receiver_count);
	uint32_t first, n = 0;

	if (offset == 0) {
		if (size < head) {
			return 0;
		}
		memset(buf, 0, head);
		write_head(t, version, buf, head);
		first = 0;
	} else if (offset < head || (offset - head) % FFA_MEM_CONSTITUENT_SIZE != 0 ||
		   (offset - head) / FFA_MEM_CONSTITUENT_SIZE >= t->range_count) {
		return 0;
	} else {
		first = (offset - head) / FFA_MEM_CONSTITUENT_SIZE;
	}
	uint32_t at = offset == 0 ? head : 0;
	while (first + n < t->range_count && size - at >= FFA_MEM_CONSTITUENT_SIZE) {
		uint8_t *e = buf + at;
		st64(e, ranges[first + n].base);
		st32(e + 8, ranges[first + n].pages);
		st32(e + 12, 0);
		at += FFA_MEM_CONSTITUENT_SIZE;
		n++;
	}
	return at;
}
