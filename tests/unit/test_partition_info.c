/*
 * Host tests for partition information encoding: descriptor sizes, properties
 * per caller version, selection by UUID, the RX buffer layout and the
 * FFA_PARTITION_INFO_GET_REGS register encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/partition_info.h"

#define ALL_PROPS                                                                      \
	(FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ_SEND | FFA_PROP_INDIRECT_MSG | \
	 FFA_PROP_NOTIFICATIONS | FFA_PROP_AARCH64 | FFA_PROP_DIRECT_REQ2_RECV |       \
	 FFA_PROP_DIRECT_REQ2_SEND | FFA_PROP_VM_CREATED | FFA_PROP_VM_DESTROYED)

#define SENTINEL 0xA5U

/*
 * Partitions as a role lists them: 0x8002 has two UUIDs (two adjacent
 * entries), 0x8003 and 0x8004 share one UUID.
 */
static const struct ffa_partition_desc parts[] = {
	{.id = 0x8001,
	 .exec_ctx_count = 4,
	 .props = ALL_PROPS,
	 .uuid = {0x11223344, 0x55667788, 0x99AABBCC, 0xDDEEFF00}},
	{.id = 0x8002,
	 .exec_ctx_count = 1,
	 .props = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_AARCH64,
	 .uuid = {0xA0A0A0A0, 0xA1A1A1A1, 0xA2A2A2A2, 0xA3A3A3A3}},
	{.id = 0x8002,
	 .exec_ctx_count = 1,
	 .props = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_AARCH64,
	 .uuid = {0xB0B0B0B0, 0xB1B1B1B1, 0xB2B2B2B2, 0xB3B3B3B3}},
	{.id = 0x8003,
	 .exec_ctx_count = 2,
	 .props = FFA_PROP_INDIRECT_MSG | FFA_PROP_DIRECT_REQ2_RECV,
	 .uuid = {0xC0C0C0C0, 0xC1C1C1C1, 0xC2C2C2C2, 0xC3C3C3C3}},
	{.id = 0x8004,
	 .exec_ctx_count = 8,
	 .props = FFA_PROP_DIRECT_REQ_SEND | FFA_PROP_DIRECT_REQ2_SEND,
	 .uuid = {0xC0C0C0C0, 0xC1C1C1C1, 0xC2C2C2C2, 0xC3C3C3C3}},
};
#define NPARTS ((unsigned int)(sizeof(parts) / sizeof(parts[0])))

static void assert_desc_equal(const struct ffa_partition_desc *a,
			      const struct ffa_partition_desc *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->exec_ctx_count, b->exec_ctx_count);
	assert_int_equal(a->props, b->props);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(a->uuid[i], b->uuid[i]);
	}
}

/* out[from..to) must still hold the 0xA5 fill. */
static void assert_untouched(const void *p, size_t from, size_t to)
{
	const uint8_t *b = p;
	for (size_t i = from; i < to; i++) {
		assert_int_equal(b[i], SENTINEL);
	}
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/* The expected descriptor, built byte by byte (little-endian). */
static void expect_desc(uint8_t *p, size_t dsz, uint16_t id, uint16_t ec, uint32_t props,
			const uint32_t *uuid)
{
	memset(p, 0, dsz);
	put16(p, id);
	put16(p + 2, ec);
	put32(p + 4, props);
	if (uuid != NULL) {
		for (int i = 0; i < 4; i++) {
			put32(p + 8 + 4 * i, uuid[i]);
		}
	}
}

static void desc_size(void **state)
{
	(void)state;
	assert_int_equal(ffa_partition_info_desc_size(FFA_VERSION_1_0), 8);
	assert_int_equal(ffa_partition_info_desc_size(FFA_VERSION_1_1), 24);
	assert_int_equal(ffa_partition_info_desc_size(FFA_VERSION_1_2), 24);
	assert_int_equal(FFA_PARTITION_INFO_V1_0_SIZE, 8);
	assert_int_equal(FFA_PARTITION_INFO_V1_1_SIZE, 24);
}

/* v1.0 knows bits [2:0] only. */
static void props_v1_0(void **state)
{
	(void)state;
	assert_int_equal(ffa_partition_props_for(ALL_PROPS, FFA_VERSION_1_0), 0x7);
	assert_int_equal(ffa_partition_props_for(0xFFFFFFFFU, FFA_VERSION_1_0), 0x7);
	assert_int_equal(
		ffa_partition_props_for(FFA_PROP_NOTIFICATIONS | FFA_PROP_AARCH64, FFA_VERSION_1_0),
		0);
	assert_int_equal(ffa_partition_props_for(FFA_PROP_INDIRECT_MSG, FFA_VERSION_1_0),
			 FFA_PROP_INDIRECT_MSG);
}

/* v1.1 loses DIRECT_REQ2 (bits 9, 10) only. */
static void props_v1_1(void **state)
{
	(void)state;
	assert_int_equal(ffa_partition_props_for(ALL_PROPS, FFA_VERSION_1_1), 0x1CF);
	assert_int_equal(
		ffa_partition_props_for(FFA_PROP_AARCH64 | FFA_PROP_NOTIFICATIONS, FFA_VERSION_1_1),
		FFA_PROP_AARCH64 | FFA_PROP_NOTIFICATIONS);
	assert_int_equal(ffa_partition_props_for(FFA_PROP_DIRECT_REQ2_RECV, FFA_VERSION_1_1), 0);
	assert_int_equal(ffa_partition_props_for(FFA_PROP_DIRECT_REQ2_SEND, FFA_VERSION_1_1), 0);
	assert_int_equal(ffa_partition_props_for(0xFFFFFFFFU, FFA_VERSION_1_1), 0xFFFFF9FFU);
}

static void props_v1_2(void **state)
{
	(void)state;
	assert_int_equal(ffa_partition_props_for(ALL_PROPS, FFA_VERSION_1_2), 0x7CF);
	assert_int_equal(ffa_partition_props_for(0xFFFFFFFFU, FFA_VERSION_1_2), 0xFFFFFFFFU);
	assert_int_equal(ffa_partition_props_for(0, FFA_VERSION_1_2), 0);
}

/* Nil UUID: every partition; a v1.0/v1.1 caller sees 0x8002 once (first UUID). */
static void select_nil_before_v1_2(void **state)
{
	(void)state;
	const struct ffa_uuid_arg nil = {{0, 0, 0, 0}};
	const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1};
	for (size_t v = 0; v < 2; v++) {
		struct ffa_partition_desc out[8];
		memset(out, SENTINEL, sizeof(out));
		unsigned int n =
			ffa_partition_info_select(parts, NPARTS, &nil, versions[v], out, 8);
		assert_int_equal(n, 4);
		assert_desc_equal(&out[0], &parts[0]);
		assert_desc_equal(&out[1], &parts[1]);
		assert_desc_equal(&out[2], &parts[3]);
		assert_desc_equal(&out[3], &parts[4]);
		assert_untouched(out, 4 * sizeof(out[0]), sizeof(out));
	}
}

/*
 * Selecting u at `version` (room for 8) gives exactly parts[first .. first +
 * count - 1], in order, and writes nothing after them.
 */
static void expect_selected(const struct ffa_uuid_arg *u, uint32_t version, unsigned int first,
			    unsigned int count)
{
	struct ffa_partition_desc out[8];
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, NPARTS, u, version, out, 8), count);
	for (unsigned int i = 0; i < count; i++) {
		assert_desc_equal(&out[i], &parts[first + i]);
	}
	assert_untouched(out, count * sizeof(out[0]), sizeof(out));
}

static void uuid_of(struct ffa_uuid_arg *u, unsigned int part)
{
	memcpy(u->w, parts[part].uuid, sizeof(u->w));
}

/* Nil UUID, v1.2: one entry per UUID, so 0x8002 twice. */
static void select_nil_v1_2(void **state)
{
	(void)state;
	const struct ffa_uuid_arg nil = {{0, 0, 0, 0}};
	expect_selected(&nil, FFA_VERSION_1_2, 0, NPARTS);
}

static void select_by_uuid(void **state)
{
	(void)state;
	const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
	for (size_t v = 0; v < 3; v++) {
		struct ffa_uuid_arg u;

		/* One partition's only UUID. */
		uuid_of(&u, 0);
		expect_selected(&u, versions[v], 0, 1);
		/* The second UUID of 0x8002: that entry, whatever the version. */
		uuid_of(&u, 2);
		expect_selected(&u, versions[v], 2, 1);
		/* A UUID two partitions share: both. */
		uuid_of(&u, 3);
		expect_selected(&u, versions[v], 3, 2);
	}
}

/* No match (including one differing only in its last or first word): 0, out untouched. */
static void select_no_match(void **state)
{
	(void)state;
	struct ffa_uuid_arg u[3];
	uuid_of(&u[0], 0);
	u[0].w[3] ^= 1;
	uuid_of(&u[1], 0);
	u[1].w[0] ^= 0x80000000U;
	u[2] = (struct ffa_uuid_arg){{1, 2, 3, 4}};
	for (size_t i = 0; i < 3; i++) {
		expect_selected(&u[i], FFA_VERSION_1_2, 0, 0);
	}
	/* No partitions at all. */
	const struct ffa_uuid_arg nil = {{0, 0, 0, 0}};
	struct ffa_partition_desc out[1];
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, 0, &nil, FFA_VERSION_1_2, out, 1), 0);
	assert_untouched(out, 0, sizeof(out));
}

/* max bounds what is written into out[]. */
static void select_max(void **state)
{
	(void)state;
	const struct ffa_uuid_arg nil = {{0, 0, 0, 0}};
	struct ffa_partition_desc out[8];

	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, NPARTS, &nil, FFA_VERSION_1_2, out, 2),
			 2);
	assert_desc_equal(&out[0], &parts[0]);
	assert_desc_equal(&out[1], &parts[1]);
	assert_untouched(out, 2 * sizeof(out[0]), sizeof(out));

	/* Pre-v1.2: the skipped repeat does not count against max. */
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, NPARTS, &nil, FFA_VERSION_1_1, out, 3),
			 3);
	assert_desc_equal(&out[0], &parts[0]);
	assert_desc_equal(&out[1], &parts[1]);
	assert_desc_equal(&out[2], &parts[3]);
	assert_untouched(out, 3 * sizeof(out[0]), sizeof(out));

	struct ffa_uuid_arg u;
	uuid_of(&u, 3);
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, NPARTS, &u, FFA_VERSION_1_2, out, 1), 1);
	assert_desc_equal(&out[0], &parts[3]);
	assert_untouched(out, sizeof(out[0]), sizeof(out));

	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(ffa_partition_info_select(parts, NPARTS, &nil, FFA_VERSION_1_2, out, 0),
			 0);
	assert_untouched(out, 0, sizeof(out));
}

/* v1.1 and v1.2 with the UUID: 24 bytes each, nothing past n * 24. */
static void write_v1_1_with_uuid(void **state)
{
	(void)state;
	uint8_t buf[3 * 24 + 16], want[3 * 24];

	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(ffa_partition_info_write(parts, 3, FFA_VERSION_1_1, true, buf, 72), 72);
	expect_desc(want, 24, 0x8001, 4, 0x1CF, parts[0].uuid);
	expect_desc(want + 24, 24, 0x8002, 1, 0x101, parts[1].uuid);
	expect_desc(want + 48, 24, 0x8002, 1, 0x101, parts[2].uuid);
	assert_memory_equal(buf, want, sizeof(want));
	assert_untouched(buf, 72, sizeof(buf));
	/* Spot checks of the layout itself. */
	assert_int_equal(buf[0], 0x01);
	assert_int_equal(buf[1], 0x80);
	assert_int_equal(buf[2], 0x04);
	assert_int_equal(buf[3], 0x00);
	assert_int_equal(buf[4], 0xCF);
	assert_int_equal(buf[5], 0x01);
	assert_int_equal(buf[8], 0x44);
	assert_int_equal(buf[11], 0x11);
	assert_int_equal(buf[23], 0xDD);

	/* v1.2 keeps DIRECT_REQ2; buffer larger than needed. */
	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(
		ffa_partition_info_write(&parts[3], 2, FFA_VERSION_1_2, true, buf, sizeof(buf)),
		48);
	expect_desc(want, 24, 0x8003, 2, FFA_PROP_INDIRECT_MSG | FFA_PROP_DIRECT_REQ2_RECV,
		    parts[3].uuid);
	expect_desc(want + 24, 24, 0x8004, 8, FFA_PROP_DIRECT_REQ_SEND | FFA_PROP_DIRECT_REQ2_SEND,
		    parts[4].uuid);
	assert_memory_equal(buf, want, 48);
	assert_untouched(buf, 48, sizeof(buf));
	assert_int_equal(buf[24 + 5], 0x04); /* bit 10 */
}

/* Without the UUID (a query for one UUID): bytes 8..23 zero. */
static void write_v1_1_without_uuid(void **state)
{
	(void)state;
	uint8_t buf[2 * 24 + 8], want[2 * 24];
	const uint32_t versions[] = {FFA_VERSION_1_1, FFA_VERSION_1_2};

	for (size_t v = 0; v < 2; v++) {
		memset(buf, SENTINEL, sizeof(buf));
		assert_int_equal(ffa_partition_info_write(parts, 2, versions[v], false, buf, 48),
				 48);
		expect_desc(want, 24, 0x8001, 4, v == 0 ? 0x1CFU : 0x7CFU, NULL);
		expect_desc(want + 24, 24, 0x8002, 1, 0x101, NULL);
		assert_memory_equal(buf, want, sizeof(want));
		assert_untouched(buf, 48, sizeof(buf));
	}
}

/* v1.0: 8 bytes each, properties [2:0] only, never a UUID. */
static void write_v1_0(void **state)
{
	(void)state;
	uint8_t buf[NPARTS * 8 + 24], want[NPARTS * 8];
	const bool with_uuid[] = {true, false};

	for (size_t w = 0; w < 2; w++) {
		memset(buf, SENTINEL, sizeof(buf));
		assert_int_equal(ffa_partition_info_write(parts, NPARTS, FFA_VERSION_1_0,
							  with_uuid[w], buf, sizeof(buf)),
				 NPARTS * 8);
		expect_desc(want, 8, 0x8001, 4, 0x7, NULL);
		expect_desc(want + 8, 8, 0x8002, 1, 0x1, NULL);
		expect_desc(want + 16, 8, 0x8002, 1, 0x1, NULL);
		expect_desc(want + 24, 8, 0x8003, 2, 0x4, NULL);
		expect_desc(want + 32, 8, 0x8004, 8, 0x2, NULL);
		assert_memory_equal(buf, want, sizeof(want));
		assert_untouched(buf, sizeof(want), sizeof(buf));
	}
}

/* One byte short: 0, nothing written. */
static void write_too_small(void **state)
{
	(void)state;
	uint8_t buf[3 * 24];
	const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};

	for (size_t v = 0; v < 3; v++) {
		size_t need = 3 * ffa_partition_info_desc_size(versions[v]);
		memset(buf, SENTINEL, sizeof(buf));
		assert_int_equal(
			ffa_partition_info_write(parts, 3, versions[v], true, buf, need - 1), 0);
		assert_untouched(buf, 0, sizeof(buf));
		assert_int_equal(ffa_partition_info_write(parts, 3, versions[v], true, buf, 0), 0);
		assert_untouched(buf, 0, sizeof(buf));
		assert_int_equal(ffa_partition_info_write(parts, 3, versions[v], true, buf, need),
				 need);
	}
}

/*
 * n * size must not wrap: 0x20000000 descriptors of 8 or 24 bytes are 0 mod
 * 2^32, UINT32_MAX ones are far beyond any buffer.
 */
static void write_overflow(void **state)
{
	(void)state;
	uint8_t buf[48];
	const unsigned int big[] = {0x20000000U, 0xAAAAAAABU, 0xFFFFFFFFU};
	const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_2};

	for (size_t v = 0; v < 2; v++) {
		for (size_t i = 0; i < 3; i++) {
			memset(buf, SENTINEL, sizeof(buf));
			assert_int_equal(ffa_partition_info_write(parts, big[i], versions[v], true,
								  buf, sizeof(buf)),
					 0);
			assert_untouched(buf, 0, sizeof(buf));
		}
	}
}

static uint64_t reg_props(const struct ffa_partition_desc *d)
{
	return (uint64_t)d->id | (uint64_t)d->exec_ctx_count << 16 | (uint64_t)d->props << 32;
}

static uint64_t reg_uuid_lo(const struct ffa_partition_desc *d)
{
	return (uint64_t)d->uuid[1] << 32 | d->uuid[0];
}

static uint64_t reg_uuid_hi(const struct ffa_partition_desc *d)
{
	return (uint64_t)d->uuid[3] << 32 | d->uuid[2];
}

static void regs_three(void **state)
{
	(void)state;
	struct ffa_value r = ffa_partition_info_regs(parts, 3, 0, true);

	assert_int_equal(r.x[0], FFA_SUCCESS_64);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)2 << 16 | 2);
	/* Literal values: id | ec << 16 | props << 32 (full v1.2 set). */
	assert_int_equal(r.x[3], 0x000007CF00048001ULL);
	assert_int_equal(r.x[4], 0x5566778811223344ULL);
	assert_int_equal(r.x[5], 0xDDEEFF0099AABBCCULL);
	assert_int_equal(r.x[6], 0x0000010100018002ULL);
	assert_int_equal(r.x[7], 0xA1A1A1A1A0A0A0A0ULL);
	assert_int_equal(r.x[8], 0xA3A3A3A3A2A2A2A2ULL);
	assert_int_equal(r.x[9], 0x0000010100018002ULL);
	assert_int_equal(r.x[10], 0xB1B1B1B1B0B0B0B0ULL);
	assert_int_equal(r.x[11], 0xB3B3B3B3B2B2B2B2ULL);
	for (int i = 12; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(r.x[i], 0);
	}
}

static void regs_without_uuid(void **state)
{
	(void)state;
	struct ffa_value r = ffa_partition_info_regs(parts, 3, 0, false);

	assert_int_equal(r.x[0], FFA_SUCCESS_64);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)2 << 16 | 2);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(r.x[3 + 3 * i], reg_props(&parts[i]));
		assert_int_equal(r.x[4 + 3 * i], 0);
		assert_int_equal(r.x[5 + 3 * i], 0);
	}
	for (int i = 12; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(r.x[i], 0);
	}
}

/* Seven entries: five per call; the second call starts at 5. */
static void regs_paged(void **state)
{
	(void)state;
	struct ffa_partition_desc seven[7];
	for (unsigned int i = 0; i < 7; i++) {
		seven[i] = (struct ffa_partition_desc){
			.id = (ffa_id_t)(0x8010 + i),
			.exec_ctx_count = (uint16_t)(i + 1),
			.props = 0x700U | i,
			.uuid = {0x1000 + i, 0x2000 + i, 0x3000 + i, 0x4000 + i}};
	}

	struct ffa_value r = ffa_partition_info_regs(seven, 7, 0, true);
	assert_int_equal(r.x[0], FFA_SUCCESS_64);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)4 << 16 | 6);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(r.x[3 + 3 * i], reg_props(&seven[i]));
		assert_int_equal(r.x[4 + 3 * i], reg_uuid_lo(&seven[i]));
		assert_int_equal(r.x[5 + 3 * i], reg_uuid_hi(&seven[i]));
	}
	assert_int_equal(r.x[17], reg_uuid_hi(&seven[4]));
	assert_int_equal(r.x[17], 0x0000400400003004ULL);

	r = ffa_partition_info_regs(seven, 7, 5, true);
	assert_int_equal(r.x[0], FFA_SUCCESS_64);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)6 << 16 | 6);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(r.x[3 + 3 * i], reg_props(&seven[5 + i]));
		assert_int_equal(r.x[4 + 3 * i], reg_uuid_lo(&seven[5 + i]));
		assert_int_equal(r.x[5 + 3 * i], reg_uuid_hi(&seven[5 + i]));
	}
	assert_int_equal(r.x[3], 0x0000070500068015ULL);
	for (int i = 9; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(r.x[i], 0);
	}

	/* Exactly five: one call, current == last. */
	r = ffa_partition_info_regs(seven, 5, 0, true);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)4 << 16 | 4);
	assert_int_equal(r.x[15], reg_props(&seven[4]));

	/* The last entry alone. */
	r = ffa_partition_info_regs(seven, 7, 6, false);
	assert_int_equal(r.x[2], (uint64_t)24 << 48 | (uint64_t)6 << 16 | 6);
	assert_int_equal(r.x[3], reg_props(&seven[6]));
	for (int i = 4; i < FFA_VALUE_REGS; i++) {
		assert_int_equal(r.x[i], 0);
	}
}

/* start at or past the end (or no entries): INVALID_PARAMETERS, nothing read. */
static void regs_start_out_of_range(void **state)
{
	(void)state;
	struct ffa_partition_desc d[1] = {{.id = 0x8001, .exec_ctx_count = 1}};
	struct ffa_value v = ffa_partition_info_regs(d, 1, 1, true);
	assert_int_equal(v.x[0], FFA_ERROR_32);
	assert_int_equal((int32_t)v.x[2], FFA_INVALID_PARAMETERS);
	v = ffa_partition_info_regs(d, 0, 0, true);
	assert_int_equal(v.x[0], FFA_ERROR_32);
	assert_int_equal((int32_t)v.x[2], FFA_INVALID_PARAMETERS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regs_start_out_of_range),
		cmocka_unit_test(desc_size),
		cmocka_unit_test(props_v1_0),
		cmocka_unit_test(props_v1_1),
		cmocka_unit_test(props_v1_2),
		cmocka_unit_test(select_nil_before_v1_2),
		cmocka_unit_test(select_nil_v1_2),
		cmocka_unit_test(select_by_uuid),
		cmocka_unit_test(select_no_match),
		cmocka_unit_test(select_max),
		cmocka_unit_test(write_v1_1_with_uuid),
		cmocka_unit_test(write_v1_1_without_uuid),
		cmocka_unit_test(write_v1_0),
		cmocka_unit_test(write_too_small),
		cmocka_unit_test(write_overflow),
		cmocka_unit_test(regs_three),
		cmocka_unit_test(regs_without_uuid),
		cmocka_unit_test(regs_paged),
	};
	return cmocka_run_group_tests_name("partition_info", tests, NULL, NULL);
}
