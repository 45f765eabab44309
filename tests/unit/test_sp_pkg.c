/* Host tests for the SP package header check (sptool.py's format, version 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/types.h"
#include "fake_arch.h"
#include "spmc/sp_pkg.h"

#define MIB (1ULL << 20)

/* The header every test starts from: manifest page at 4K, image at 16K. */
static struct sp_pkg_header valid(void)
{
	return (struct sp_pkg_header){
		.magic = 0x474B5053,
		.version = 2,
		.pm_offset = 0x1000,
		.pm_size = 0x200,
		.img_offset = 0x4000,
		.img_size = 0x10000,
	};
}

static void expect(const struct sp_pkg_header *h, uint64_t max, enum sp_pkg_err want)
{
	struct sp_pkg_header copy = *h;

	assert_int_equal(sp_pkg_check(h, max), want);
	assert_memory_equal(h, &copy, sizeof(copy)); /* input untouched */
}

/* The reference header passes; so does one with the header's own constants. */
static void valid_header(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	expect(&h, 4 * MIB, SP_PKG_OK);
	expect(&h, SP_PKG_MAX_SIZE, SP_PKG_OK);
	assert_int_equal(SP_PKG_MAGIC, 0x474B5053U);
	assert_int_equal(SP_PKG_VERSION, 2);
	assert_int_equal(SP_PKG_MAX_SIZE, 4 * MIB);
	/* "SPKG" as little-endian bytes, as sptool.py writes it. */
	const uint8_t bytes[4] = {'S', 'P', 'K', 'G'};
	uint32_t magic;
	memcpy(&magic, bytes, sizeof(magic));
	h.magic = magic;
	expect(&h, 4 * MIB, SP_PKG_OK);
}

/* Any other magic is BAD_MAGIC, checked before the version. */
static void bad_magic(void **state)
{
	(void)state;
	const uint32_t bad[] = {0, 0x474B5054, 0x53504B47, 0xFFFFFFFF, 0x474B5052};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sp_pkg_header h = valid();
		h.magic = bad[i];
		expect(&h, 4 * MIB, SP_PKG_BAD_MAGIC);
		h.version = 1;
		expect(&h, 4 * MIB, SP_PKG_BAD_MAGIC);
	}
}

/* Only version 2 (version 1 has no image offset/size pair we understand). */
static void bad_version(void **state)
{
	(void)state;
	const uint32_t bad[] = {0, 1, 3, 0x200, 0xFFFFFFFF};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sp_pkg_header h = valid();
		h.version = bad[i];
		expect(&h, 4 * MIB, SP_PKG_BAD_VERSION);
		h.pm_size = 0; /* the version is checked before the layout */
		expect(&h, 4 * MIB, SP_PKG_BAD_VERSION);
	}
}

/* pm_offset and img_offset are page-aligned. */
static void unaligned_offsets(void **state)
{
	(void)state;
	const uint32_t deltas[] = {1, 4, 0x200, 0x800, 0xFFF};
	for (size_t i = 0; i < ARRAY_SIZE(deltas); i++) {
		struct sp_pkg_header h = valid();
		h.pm_offset += deltas[i];
		expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
		h = valid();
		h.img_offset += deltas[i];
		expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	}
}

/* The manifest does not overlap the 24-byte header: pm_offset 0 is rejected. */
static void manifest_over_header(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	h.pm_offset = 0;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h.pm_offset = 16; /* below 24 and unaligned */
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h.pm_offset = 24;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
}

/* Neither part may be empty. */
static void empty_parts(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	h.pm_size = 0;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.img_size = 0;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.pm_size = 1;
	h.img_size = 1;
	expect(&h, 4 * MIB, SP_PKG_OK);
}

/* The manifest ends at or before the image; the image never comes first. */
static void overlap(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	h.pm_size = 0x3000; /* ends exactly at img_offset */
	expect(&h, 4 * MIB, SP_PKG_OK);
	h.pm_size = 0x3001;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.img_offset = 0x1000; /* same page as the manifest */
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.pm_offset = 0x8000; /* manifest after the image start */
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.img_offset = 0; /* image over the header */
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
}

/* The image ends within max_size: exactly at the limit passes, one byte over fails. */
static void max_size(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	h.img_size = (uint32_t)(4 * MIB) - 0x4000;
	expect(&h, 4 * MIB, SP_PKG_OK);
	h.img_size++;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);

	/* A smaller bound (the room left in secure DRAM). */
	h = valid();
	expect(&h, 0x14000, SP_PKG_OK);
	expect(&h, 0x13FFF, SP_PKG_BAD_LAYOUT);
	expect(&h, 0x1000, SP_PKG_BAD_LAYOUT);
	expect(&h, 0, SP_PKG_BAD_LAYOUT);

	/* A larger bound accepts a larger package (the bound is the argument, not 4 MiB). */
	h.img_size = (uint32_t)(8 * MIB);
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	expect(&h, 8 * MIB + 0x4000, SP_PKG_OK);
}

/* Sums that wrap in 32 bits must not pass: the check is done in 64 bits. */
static void overflow_32bit(void **state)
{
	(void)state;
	struct sp_pkg_header h = valid();

	/* 0xFFFFF000 + 0x2000 = 0x1000 in 32 bits. */
	h.img_offset = 0xFFFFF000;
	h.img_size = 0x2000;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	expect(&h, UINT32_MAX, SP_PKG_BAD_LAYOUT);
	expect(&h, 0x100000000ULL, SP_PKG_BAD_LAYOUT);
	expect(&h, 0x100001000ULL, SP_PKG_OK); /* the true end, if a bound allowed it */

	h = valid();
	h.img_size = 0xFFFFFFFF; /* 0x4000 + 0xFFFFFFFF wraps to 0x3FFF */
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	expect(&h, UINT32_MAX, SP_PKG_BAD_LAYOUT);

	/* pm_offset + pm_size wrapping below img_offset. */
	h = valid();
	h.pm_offset = 0xFFFFF000;
	h.pm_size = 0x2000;
	expect(&h, 4 * MIB, SP_PKG_BAD_LAYOUT);
	expect(&h, UINT64_MAX, SP_PKG_BAD_LAYOUT);
	h = valid();
	h.pm_size = 0xFFFFFFFF; /* 0x1000 + 0xFFFFFFFF wraps to 0xFFF */
	expect(&h, UINT64_MAX, SP_PKG_BAD_LAYOUT);

	/* Everything at the top of the 32-bit range with an unbounded max. */
	h.magic = SP_PKG_MAGIC;
	h.pm_offset = 0xFFFFE000;
	h.pm_size = 0x1000;
	h.img_offset = 0xFFFFF000;
	h.img_size = 0xFFFFFFFF;
	expect(&h, UINT64_MAX, SP_PKG_OK);
	expect(&h, 0xFFFFF000ULL + 0xFFFFFFFFULL - 1, SP_PKG_BAD_LAYOUT);
}

/* sp_pkg_strerror gives a non-empty, distinct string for every code (and unknown ones). */
static void strerror_strings(void **state)
{
	(void)state;
	const enum sp_pkg_err all[] = {SP_PKG_OK, SP_PKG_BAD_MAGIC, SP_PKG_BAD_VERSION,
				       SP_PKG_BAD_LAYOUT, (enum sp_pkg_err)99};
	ASSERT_MESSAGES_DISTINCT(sp_pkg_strerror, all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_header),
		cmocka_unit_test(bad_magic),
		cmocka_unit_test(bad_version),
		cmocka_unit_test(unaligned_offsets),
		cmocka_unit_test(manifest_over_header),
		cmocka_unit_test(empty_parts),
		cmocka_unit_test(overlap),
		cmocka_unit_test(max_size),
		cmocka_unit_test(overflow_32bit),
		cmocka_unit_test(strerror_strings),
	};
	return cmocka_run_group_tests_name("sp_pkg", tests, NULL, NULL);
}
