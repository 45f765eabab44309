/*
 * Host tests for the one-pass property reads (fdt_props_*): every lookup must
 * give exactly what libfdt's fdt_getprop gives (value pointer, length, or the
 * same error), with duplicate names, empty properties, absent ones, and nodes
 * too big to cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "fake_arch.h"
#include "core/fdt_blob.h"

static uint64_t blob_storage[8192 / sizeof(uint64_t)];
static void *const blob = blob_storage;

#define FDT_OK(call) assert_int_equal((call), 0)

/* Root: compatible (two strings), a duplicate "id" (first 1, then 2), a flag; node "big": n props.
 */
static void build(unsigned int big_props)
{
	static const char compat[] = "vendor,first\0arm,ffa-manifest-1.0";
	char name[16];

	memset(blob_storage, 0, sizeof(blob_storage));
	FDT_OK(fdt_create(blob, (int)sizeof(blob_storage)));
	FDT_OK(fdt_finish_reservemap(blob));
	FDT_OK(fdt_begin_node(blob, ""));
	FDT_OK(fdt_property(blob, "compatible", compat, sizeof(compat)));
	FDT_OK(fdt_property_u32(blob, "id", 1));
	FDT_OK(fdt_property(blob, "flag", "", 0));
	FDT_OK(fdt_property_u32(blob, "id", 2));
	FDT_OK(fdt_property_u64(blob, "load-address", 0x0e300000ULL));
	FDT_OK(fdt_begin_node(blob, "big"));
	for (unsigned int i = 0; i < big_props; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		FDT_OK(fdt_property_u32(blob, name, i));
	}
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_finish(blob));
	assert_true(fdt_blob_ok(blob, sizeof(blob_storage)));
}

/* fdt_props_get(name) and fdt_getprop(node, name) agree on pointer and length. */
static void expect_same(const struct fdt_props *p, int node, const char *name)
{
	int want_len = 12345, got_len = 54321;
	const void *want = fdt_getprop(blob, node, name, &want_len);
	const void *got = fdt_props_get(p, name, &got_len);

	assert_ptr_equal(got, want);
	assert_int_equal(got_len, want_len);
	assert_ptr_equal(fdt_props_get(p, name, NULL), want);
}

static void root_lookups_match_libfdt(void **state)
{
	(void)state;
	struct fdt_props p;
	int len;

	build(3);
	fdt_props_read(blob, 0, &p);
	assert_true(p.complete);
	assert_int_equal(p.count, 5);
	static const char *const names[] = {"compatible", "id", "flag", "load-address",
					    "absent",	  "i",	"ids",	""};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		expect_same(&p, 0, names[i]);
	}
	/* The first of two properties of one name, as fdt_getprop. */
	const fdt32_t *id = fdt_props_get(&p, "id", &len);
	assert_int_equal(len, 4);
	assert_int_equal(fdt32_to_cpu(*id), 1);
	/* An empty property is present, with length 0. */
	assert_non_null(fdt_props_get(&p, "flag", &len));
	assert_int_equal(len, 0);
	assert_null(fdt_props_get(&p, "absent", &len));
	assert_int_equal(len, -FDT_ERR_NOTFOUND);
}

static void compatible_lists(void **state)
{
	(void)state;
	struct fdt_props p;
	int big;

	build(1);
	fdt_props_read(blob, 0, &p);
	assert_true(fdt_props_compatible(&p, "arm,ffa-manifest-1.0"));
	assert_true(fdt_props_compatible(&p, "vendor,first"));
	assert_false(fdt_props_compatible(&p, "arm,ffa-manifest"));
	static const char *const tries[] = {"arm,ffa-manifest-1.0", "vendor,first", "vendor",
					    "arm,ffa-manifest-1.00", "first"};
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		assert_int_equal(fdt_props_compatible(&p, tries[i]),
				 fdt_node_check_compatible(blob, 0, tries[i]) == 0);
	}
	big = fdt_subnode_offset(blob, 0, "big");
	assert_true(big > 0);
	fdt_props_read(blob, big, &p);
	assert_false(fdt_props_compatible(&p, "arm,ffa-manifest-1.0")); /* no compatible */
	assert_int_equal(fdt_node_check_compatible(blob, big, "arm,ffa-manifest-1.0") != 0, 1);
}

/* FDT_PROPS_MAX properties are cached; one more and every lookup is fdt_getprop's. */
static void node_too_big_falls_back(void **state)
{
	(void)state;
	struct fdt_props p;
	char name[16];

	for (unsigned int n = FDT_PROPS_MAX - 1; n <= FDT_PROPS_MAX + 2; n++) {
		build(n);
		int big = fdt_subnode_offset(blob, 0, "big");
		assert_true(big > 0);
		fdt_props_read(blob, big, &p);
		assert_int_equal(p.complete, n <= FDT_PROPS_MAX);
		for (unsigned int i = 0; i < n + 1; i++) {
			snprintf(name, sizeof(name), "p%u", i);
			expect_same(&p, big, name);
		}
		int len;
		const fdt32_t *last = fdt_props_get(&p, name, &len); /* p<n>: absent */
		assert_null(last);
		snprintf(name, sizeof(name), "p%u", n - 1);
		last = fdt_props_get(&p, name, &len);
		assert_non_null(last);
		assert_int_equal(fdt32_to_cpu(*last), n - 1);
	}
}

/* Root with subnodes "mem", "dev@1", "mem" again, one nested inside "dev@1". */
static void build_nodes(void)
{
	memset(blob_storage, 0, sizeof(blob_storage));
	FDT_OK(fdt_create(blob, (int)sizeof(blob_storage)));
	FDT_OK(fdt_finish_reservemap(blob));
	FDT_OK(fdt_begin_node(blob, ""));
	FDT_OK(fdt_begin_node(blob, "mem"));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_begin_node(blob, "dev@1"));
	FDT_OK(fdt_begin_node(blob, "inner"));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_begin_node(blob, "mem"));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_finish(blob));
	assert_true(fdt_blob_ok(blob, sizeof(blob_storage)));
}

/* One walk finds what fdt_subnode_offset finds, name by name (unit addresses, nesting, absence). */
static void find_subnodes_match_libfdt(void **state)
{
	(void)state;
	static const char *const names[] = {"mem", "dev",  "dev@1", "inner",
					    "me",  "memo", "dev@2", ""};
	int offs[sizeof(names) / sizeof(names[0])];

	build_nodes();
	fdt_find_subnodes(blob, 0, names, offs, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int want = fdt_subnode_offset(blob, 0, names[i]);
		assert_int_equal(offs[i], want < 0 ? -FDT_ERR_NOTFOUND : want);
	}
	assert_true(offs[0] > 0 && offs[1] > 0 && offs[1] == offs[2]);
	assert_int_equal(offs[3], -FDT_ERR_NOTFOUND); /* a grandchild is no subnode */
}

/* Unknown properties listed the same from the cached names and from a node too big to cache. */
static void list_unknown_both_paths(void **state)
{
	(void)state;
	static const char *const known_big[] = {"p0", "p2"};
	static const char *const known_root[] = {"compatible", "id", "flag"};
	static const char *const known_nodes[] = {"other"};
	const struct fdt_known kb = {known_big, 2, NULL, 0};
	const struct fdt_known kr = {known_root, 3, known_nodes, 1};
	struct fdt_props p;
	char out[64];

	build(4);
	int big = fdt_subnode_offset(blob, 0, "big");
	fdt_props_read(blob, big, &p);
	assert_true(p.complete);
	out[0] = '\0';
	fdt_list_unknown(&p, "x/", "big", &kb, out, sizeof(out));
	assert_string_equal(out, "x/big/p1, x/big/p3");

	build(FDT_PROPS_MAX + 1);
	big = fdt_subnode_offset(blob, 0, "big");
	fdt_props_read(blob, big, &p);
	assert_false(p.complete);
	out[0] = '\0';
	fdt_list_unknown(&p, "", NULL, &kb, out, 24);
	assert_string_equal(out, "p1, p3, p4, p5, p6, ..."); /* cut to fit 24 bytes */

	fdt_props_read(blob, 0, &p);
	out[0] = '\0';
	fdt_list_unknown(&p, "", NULL, &kr, out, sizeof(out));
	assert_string_equal(out, "load-address, big/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_lookups_match_libfdt),
		cmocka_unit_test(compatible_lists),
		cmocka_unit_test(node_too_big_falls_back),
		cmocka_unit_test(find_subnodes_match_libfdt),
		cmocka_unit_test(list_unknown_both_paths),
	};
	return cmocka_run_group_tests_name("fdt_blob", tests, NULL, NULL);
}
