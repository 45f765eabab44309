/*
 * Host tests for the memory management descriptors (src/ffa/mem_desc.c):
 * send descriptors in the v1.0, v1.1 and v1.2 layouts and every refusal
 * (truncation, offsets and sizes that do not fit or wrap, reserved fields,
 * receiver rules, range rules: alignment, emptiness, wrap, total); retrieve
 * requests, hypervisor retrieve requests and relinquish descriptors; and
 * the response writer, read back by the parser in every layout and
 * fragment by fragment. Overlapping ranges are mem_share's to refuse (its
 * tests).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/mem_desc.h"

#define SENDER 0x0000U
#define RECV_A 0x8001U
#define RECV_B 0x8002U
#define MAX_RANGES 8U

static uint8_t d[1024];
static size_t dlen;
static struct ffa_mem_txn t;
static struct ffa_mem_range r[MAX_RANGES];
/* Where the standard descriptor put things, for tests that break them. */
static size_t emads_at, emad_sz, comp_at;

static void put16(size_t off, uint16_t v)
{
	d[off] = (uint8_t)v;
	d[off + 1] = (uint8_t)(v >> 8);
}

static void put32(size_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static void put64(size_t off, uint64_t v)
{
	put32(off, (uint32_t)v);
	put32(off + 4, (uint32_t)(v >> 32));
}

/*
 * A valid descriptor: `nrecv` receivers (RECV_A, RECV_B, ...) read-write,
 * `nranges` ranges of 2 pages each at 0x80000000 + i * 0x10000, written
 * in reverse address order.
 */
static void build(uint32_t version, unsigned int nrecv, unsigned int nranges, size_t emad_size)
{
	bool v10 = version < FFA_VERSION_1_1;
	memset(d, 0, sizeof(d));
	put16(0, SENDER);
	put16(2, 0x2F); /* normal memory, write-back, inner shareable */
	put32(4, 1U << 3); /* share */
	put64(16, 0x7A6); /* tag */
	put32(28, nrecv);
	emads_at = v10 ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1;
	emad_sz = emad_size;
	if (!v10) {
		put32(24, (uint32_t)emad_size);
		put32(32, (uint32_t)emads_at);
	}
	comp_at = emads_at + nrecv * emad_size;
	for (unsigned int i = 0; i < nrecv; i++) {
		size_t e = emads_at + i * emad_size;
		put16(e, (uint16_t)(RECV_A + i));
		d[e + 2] = FFA_MEM_PERM_DATA_RW;
		put32(e + 4, (uint32_t)comp_at);
		if (emad_size == FFA_MEM_EMAD_SIZE_V1_2) {
			put64(e + 16, 0x1111 * (i + 1));
			put64(e + 24, 0x2222 * (i + 1));
		}
	}
	put32(comp_at, 2 * nranges);
	put32(comp_at + 4, nranges);
	for (unsigned int i = 0; i < nranges; i++) {
		size_t c = comp_at + 16 + i * 16;
		put64(c, 0x80000000ULL + (uint64_t)(nranges - 1 - i) * 0x10000);
		put32(c + 8, 2);
	}
	dlen = comp_at + 16 + nranges * 16;
}

/* A whole descriptor in one fragment, as mem_share takes it: head, length, ranges, total. */
static int parse(uint32_t version)
{
	uint64_t pages = 0;
	int err = ffa_mem_desc_parse_head(d, dlen, version, &t);

	if (err != 0) {
		return err;
	}
	if ((uint64_t)t.ranges_offset + (uint64_t)t.range_count * FFA_MEM_CONSTITUENT_SIZE !=
	    dlen) {
		return FFA_INVALID_PARAMETERS;
	}
	assert_true(t.range_count <= MAX_RANGES);
	err = ffa_mem_desc_parse_ranges(d + t.ranges_offset, dlen - t.ranges_offset, r, &pages);
	if (err != 0) {
		return err;
	}
	return pages == t.total_pages ? 0 : FFA_INVALID_PARAMETERS;
}

static void valid_v1_1(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 2, 3, 16);
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
	assert_int_equal(t.sender, SENDER);
	assert_int_equal(t.attributes, 0x2F);
	assert_int_equal(t.flags, 1U << 3);
	assert_int_equal(t.tag, 0x7A6);
	assert_int_equal(t.handle, 0);
	assert_int_equal(t.receiver_count, 2);
	assert_int_equal(t.receivers[0].id, RECV_A);
	assert_int_equal(t.receivers[1].id, RECV_B);
	assert_int_equal(t.receivers[1].perms, FFA_MEM_PERM_DATA_RW);
	assert_int_equal(t.ranges_offset, comp_at + 16);
	assert_int_equal(t.total_pages, 6);
	assert_int_equal(t.range_count, 3);
	/* In the sender's order (a borrower maps them in that order). */
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(r[i].base, 0x80000000ULL + (2 - i) * 0x10000);
		assert_int_equal(r[i].pages, 2);
	}
	/* The same descriptor from a v1.2 caller. */
	assert_int_equal(parse(FFA_VERSION_1_2), 0);
}

static void valid_v1_0(void **state)
{
	(void)state;
	build(FFA_VERSION_1_0, 1, 1, 16);
	assert_int_equal(parse(FFA_VERSION_1_0), 0);
	assert_int_equal(t.attributes, 0x2F);
	assert_int_equal(t.receivers[0].id, RECV_A);
	assert_int_equal(t.ranges_offset, 64);
	/* Read as v1.1 it is garbage: emad_size (bytes 24-27) is 0. */
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	/* v1.0: byte 3 and bytes 24-27 are reserved. */
	d[3] = 1;
	assert_int_equal(parse(FFA_VERSION_1_0), FFA_INVALID_PARAMETERS);
	d[3] = 0;
	put32(24, 1);
	assert_int_equal(parse(FFA_VERSION_1_0), FFA_INVALID_PARAMETERS);
}

static void emad_32_bytes_from_v1_2(void **state)
{
	(void)state;
	build(FFA_VERSION_1_2, 2, 1, 32);
	assert_int_equal(parse(FFA_VERSION_1_2), 0);
	assert_int_equal(t.receivers[1].impdef[0], 0x2222);
	assert_int_equal(t.receivers[1].impdef[1], 0x4444);
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	put32(24, 24); /* neither 16 nor 32 */
	assert_int_equal(parse(FFA_VERSION_1_2), FFA_INVALID_PARAMETERS);
}

static void truncated(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 2, 2, 16);
	size_t full = dlen;
	for (dlen = 0; dlen < full; dlen++) {
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	dlen = full;
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
}

static void header_offsets_and_reserved(void **state)
{
	(void)state;
	static const uint32_t bad_offsets[] = {0, 40, 56, 0xFFFFFFF0U, 1024};
	for (unsigned int i = 0; i < 5; i++) {
		build(FFA_VERSION_1_1, 1, 1, 16);
		put32(32, bad_offsets[i]);
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	for (unsigned int b = 36; b < 48; b++) {
		build(FFA_VERSION_1_1, 1, 1, 16);
		d[b] = 0x80;
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	/* A gap between header and EMADs is allowed when aligned. */
	build(FFA_VERSION_1_1, 1, 1, 16);
	memmove(d + 64, d + 48, dlen - 48);
	memset(d + 48, 0, 16);
	put32(32, 64);
	put32(64 + 4, (uint32_t)comp_at + 16);
	dlen += 16;
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
}

static void receiver_counts(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 1, 1, 16);
	put32(28, 0);
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	build(FFA_VERSION_1_1, 4, 1, 16);
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
	put32(28, 5);
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_NOT_SUPPORTED);
	/* A huge count is refused before anything is read past the buffer. */
	put32(28, 0xFFFFFFFFU);
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_NOT_SUPPORTED);
}

static void receiver_rules(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 2, 1, 16);
	put16(emads_at + emad_sz, RECV_A); /* duplicate */
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	build(FFA_VERSION_1_1, 2, 1, 16);
	put16(emads_at, SENDER); /* to itself */
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	build(FFA_VERSION_1_1, 2, 1, 16);
	d[emads_at + 2] = 0x10; /* reserved permission bits */
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	for (unsigned int b = 8; b < 16; b++) {
		build(FFA_VERSION_1_1, 1, 1, 16);
		d[emads_at + b] = 1; /* EMAD reserved bytes */
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	/* Two composites for two receivers. */
	build(FFA_VERSION_1_1, 2, 1, 16);
	put32(emads_at + emad_sz + 4, (uint32_t)comp_at + 8);
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
}

static void composite_offsets(void **state)
{
	(void)state;
	static const uint32_t bad[] = {0, 48, 60, 68, 1016, 1024, 0xFFFFFFF8U};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(FFA_VERSION_1_1, 1, 1, 16);
		put32(emads_at + 4, bad[i]);
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	/* Moved by 16 bytes it is fine; by 4 or 8, only its alignment (16) is wrong. */
	for (unsigned int shift = 4; shift <= 16; shift += 4) {
		build(FFA_VERSION_1_1, 1, 1, 16);
		memmove(d + comp_at + shift, d + comp_at, dlen - comp_at);
		memset(d + comp_at, 0, shift);
		put32(emads_at + 4, (uint32_t)(comp_at + shift));
		dlen += shift;
		assert_int_equal(parse(FFA_VERSION_1_1), shift == 16 ? 0 : FFA_INVALID_PARAMETERS);
	}
	build(FFA_VERSION_1_1, 1, 1, 16);
	d[comp_at + 8] = 1; /* composite reserved bytes */
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
}

static void range_rules(void **state)
{
	(void)state;
	const size_t c0 = 16; /* first constituent, from the composite */
	struct {
		size_t off;
		uint64_t v;
		unsigned int width;
	} bad[] = {
		{c0 + 8, 0, 32}, /* empty range (and the total no longer matches) */
		{c0, 0x80000800ULL, 64}, /* unaligned */
		{c0 + 12, 1, 32}, /* constituent reserved bytes */
		{c0, 0xFFFFFFFFFFFFF000ULL, 64}, /* wraps */
		{0, 5, 32}, /* total is not the sum */
		{4, 0, 32}, /* no ranges */
		{4, 0xFFFFFFFFU, 32}, /* more than the buffer holds */
		{0, 0, 32}, /* no pages at all */
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(FFA_VERSION_1_1, 1, 2, 16);
		if (bad[i].width == 64) {
			put64(comp_at + bad[i].off, bad[i].v);
		} else {
			put32(comp_at + bad[i].off, (uint32_t)bad[i].v);
		}
		assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
	}
	/* Adjacent ranges are fine. */
	build(FFA_VERSION_1_1, 1, 2, 16);
	put64(comp_at + c0, 0x80002000ULL);
	put64(comp_at + c0 + 16, 0x80000000ULL);
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
}

/* EMAD flags: bit 0 (non-retrieval borrower) only. */
static void emad_flags(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 1, 1, 16);
	d[emads_at + 3] = FFA_MEM_EMAD_FLAG_NON_RETRIEVAL;
	assert_int_equal(parse(FFA_VERSION_1_1), 0);
	assert_int_equal(t.receivers[0].flags, FFA_MEM_EMAD_FLAG_NON_RETRIEVAL);
	d[emads_at + 3] = 2;
	assert_int_equal(parse(FFA_VERSION_1_1), FFA_INVALID_PARAMETERS);
}

/* The first fragment only: head and composite header inside it, the ranges later. */
static void first_fragment(void **state)
{
	(void)state;
	build(FFA_VERSION_1_1, 1, 4, 16);
	size_t head = comp_at + 16;
	assert_int_equal(ffa_mem_desc_parse_head(d, head, FFA_VERSION_1_1, &t), 0);
	assert_int_equal(t.range_count, 4);
	assert_int_equal(t.ranges_offset, head);
	assert_int_equal(ffa_mem_desc_parse_head(d, head - 1, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
	/* Ranges come in whole constituents. */
	uint64_t pages = 0;
	assert_int_equal(ffa_mem_desc_parse_ranges(d + head, 24, r, &pages),
			 FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_mem_desc_parse_ranges(d + head, 32, r, &pages), 0);
	assert_int_equal(pages, 4);
	assert_int_equal(ffa_mem_desc_parse_ranges(d + head + 32, 32, r + 2, &pages), 0);
	assert_int_equal(pages, 8);
}

/* A retrieve request: header and EMADs, exactly; 16- or 32-byte EMADs by version. */
static size_t build_request(uint32_t version, unsigned int nrecv, size_t emad_size)
{
	build(version, nrecv, 1, emad_size);
	put64(8, 0x1234500000007ULL); /* the handle */
	for (unsigned int i = 0; i < nrecv; i++) {
		put32(emads_at + i * emad_size + 4, 0); /* no composite */
	}
	return comp_at;
}

static void retrieve_requests(void **state)
{
	(void)state;
	size_t len = build_request(FFA_VERSION_1_1, 2, 16);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len, FFA_VERSION_1_1, &t), 0);
	assert_int_equal(t.handle, 0x1234500000007ULL);
	assert_int_equal(t.receiver_count, 2);
	assert_int_equal(t.receivers[1].id, RECV_B);
	/* Exactly header and EMADs: not shorter, not longer. */
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len - 16, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len + 16, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
	/* A composite offset is an address hint: not supported. */
	put32(emads_at + 4, (uint32_t)len);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
	len = build_request(FFA_VERSION_1_0, 1, 16);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len, FFA_VERSION_1_0, &t), 0);
	assert_int_equal(len, 48);
	len = build_request(FFA_VERSION_1_2, 1, 32);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len, FFA_VERSION_1_2, &t), 0);
	assert_int_equal(t.receivers[0].impdef[0], 0x1111);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, len, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
}

/* A hypervisor's: the handle and every other byte zero. */
static void hypervisor_requests(void **state)
{
	(void)state;
	static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
	for (unsigned int v = 0; v < 3; v++) {
		memset(d, 0, sizeof(d));
		put64(8, 0x77);
		for (size_t len = 48; len <= 64; len += 16) {
			assert_int_equal(ffa_mem_retrieve_req_parse(d, len, versions[v], &t), 0);
			assert_int_equal(t.receiver_count, 0);
			assert_int_equal(t.handle, 0x77);
		}
		for (size_t b = 0; b < 64; b++) {
			if (b >= 8 && b < 16) {
				continue; /* the handle */
			}
			d[b] = 1;
			int err = ffa_mem_retrieve_req_parse(d, 64, versions[v], &t);
			if (b >= 28 && b < 32) {
				/* A receiver count: a borrower's request, and a broken one. */
				assert_true(err == FFA_INVALID_PARAMETERS ||
					    err == FFA_NOT_SUPPORTED);
			} else {
				assert_int_equal(err, FFA_INVALID_PARAMETERS);
			}
			d[b] = 0;
		}
	}
	/* v1.0: the 32-byte header alone too. */
	assert_int_equal(ffa_mem_retrieve_req_parse(d, 32, FFA_VERSION_1_0, &t), 0);
	assert_int_equal(ffa_mem_retrieve_req_parse(d, 32, FFA_VERSION_1_1, &t),
			 FFA_INVALID_PARAMETERS);
}

static void relinquish_descriptors(void **state)
{
	(void)state;
	struct ffa_mem_relinquish rel;
	memset(d, 0, sizeof(d));
	put64(0, 0xABCD0001);
	put32(8, 1);
	put32(12, 1);
	put16(16, RECV_B);
	assert_int_equal(ffa_mem_relinquish_parse(d, 18, &rel), 0);
	assert_int_equal(rel.handle, 0xABCD0001);
	assert_int_equal(rel.flags, 1);
	assert_int_equal(rel.endpoint, RECV_B);
	assert_int_equal(ffa_mem_relinquish_parse(d, 17, &rel), FFA_INVALID_PARAMETERS);
	put32(12, 2); /* stream endpoints: not supported */
	assert_int_equal(ffa_mem_relinquish_parse(d, 18, &rel), FFA_INVALID_PARAMETERS);
	put32(12, 0);
	assert_int_equal(ffa_mem_relinquish_parse(d, 18, &rel), FFA_INVALID_PARAMETERS);
}

/* Written for each version, read back by the parser, whole and in fragments. */
static void writer_round_trip(void **state)
{
	(void)state;
	static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
	struct ffa_mem_range in[5];
	struct ffa_mem_txn w = {
		.sender = 0x8003,
		.attributes = 0x6F, /* with the NS bit */
		.flags = 2U << 3,
		.handle = 0x4400000002ULL,
		.tag = 99,
		.receiver_count = 2,
		.receivers = {{.id = RECV_A, .perms = 6, .impdef = {1, 2}},
			      {.id = RECV_B, .perms = 5, .flags = 1}},
		.total_pages = 15,
		.range_count = 5,
	};
	for (unsigned int i = 0; i < 5; i++) {
		in[i] = (struct ffa_mem_range){0x90000000ULL - i * 0x100000ULL, i + 1};
	}
	for (unsigned int v = 0; v < 3; v++) {
		uint32_t head = ffa_mem_desc_head_size(versions[v], 2);
		uint32_t total = head + 5 * 16;
		memset(d, 0xEE, sizeof(d));
		assert_int_equal(ffa_mem_desc_write(&w, in, versions[v], 0, d, sizeof(d)), total);
		dlen = total;
		assert_int_equal(parse(versions[v]), 0);
		assert_int_equal(t.sender, 0x8003);
		assert_int_equal(t.attributes, 0x6F);
		assert_int_equal(t.flags, 2U << 3);
		assert_int_equal(t.handle, 0x4400000002ULL);
		assert_int_equal(t.tag, 99);
		assert_int_equal(t.receivers[0].perms, 6);
		assert_int_equal(t.receivers[1].flags, 1);
		assert_int_equal(t.receivers[0].impdef[1], versions[v] >= FFA_VERSION_1_2 ? 2 : 0);
		for (unsigned int i = 0; i < 5; i++) {
			assert_int_equal(r[i].base, in[i].base);
			assert_int_equal(r[i].pages, in[i].pages);
		}
		/* Fragments of the head and two constituents, then two, then one. */
		uint8_t frag[512];
		uint32_t size = head + 32, at = 0;
		for (unsigned int f = 0; f < 3; f++) {
			memset(frag, 0xEE, sizeof(frag));
			uint32_t n = ffa_mem_desc_write(&w, in, versions[v], at, frag, size);
			assert_int_equal(n, f == 0 ? head + 32 : f == 1 ? 32 : 16);
			assert_memory_equal(frag, d + at, n);
			at += n;
			size = 32;
		}
		assert_int_equal(at, total);
		/* Offsets that are not a fragment boundary, and a buffer too small for the head. */
		assert_int_equal(ffa_mem_desc_write(&w, in, versions[v], 8, frag, 64), 0);
		assert_int_equal(ffa_mem_desc_write(&w, in, versions[v], head + 8, frag, 64), 0);
		assert_int_equal(ffa_mem_desc_write(&w, in, versions[v], total, frag, 64), 0);
		assert_int_equal(ffa_mem_desc_write(&w, in, versions[v], 0, frag, head - 1), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_v1_1),
		cmocka_unit_test(valid_v1_0),
		cmocka_unit_test(emad_32_bytes_from_v1_2),
		cmocka_unit_test(truncated),
		cmocka_unit_test(header_offsets_and_reserved),
		cmocka_unit_test(receiver_counts),
		cmocka_unit_test(receiver_rules),
		cmocka_unit_test(composite_offsets),
		cmocka_unit_test(range_rules),
		cmocka_unit_test(emad_flags),
		cmocka_unit_test(first_fragment),
		cmocka_unit_test(retrieve_requests),
		cmocka_unit_test(hypervisor_requests),
		cmocka_unit_test(relinquish_descriptors),
		cmocka_unit_test(writer_round_trip),
	};
	return cmocka_run_group_tests_name("mem_desc", tests, NULL, NULL);
}
