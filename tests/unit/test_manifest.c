/* Host tests for the SPMC manifest parser, on DTBs built in memory with libfdt's sequential-write
 * API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "core/cpu.h"
#include "core/types.h"
#include "fake_arch.h"
#include "spmc/manifest.h"

#define COMPAT "arm,ffa-core-manifest-1.0"
#define MAX_OVERRIDES 3

/* One property of the "attribute" node: its name and 0..3 big-endian cells. */
struct prop {
	const char *name;
	int ncells;
	uint32_t cells[3];
};

/* The valid manifest every test starts from. */
static const struct prop defaults[] = {
	{"spmc_id", 1, {0x8000}},
	{"maj_ver", 1, {1}},
	{"min_ver", 1, {2}},
	{"exec_state", 1, {0}},
	{"load_address", 2, {0x0, 0x0e100000}},
	{"entrypoint", 2, {0x0, 0x0e100000}},
	{"binary_size", 1, {0x100000}},
};

static const struct spmc_manifest expected_default = {
	.spmc_id = 0x8000,
	.maj_ver = 1,
	.min_ver = 2,
	.exec_state = 0,
	.load_address = 0x0e100000,
	.entrypoint = 0x0e100000,
	.binary_size = 0x100000,
};

/* How a test changes the default manifest. */
struct opts {
	const char *drop; /* property left out */
	struct prop set[MAX_OVERRIDES]; /* properties written with other cells */
	const char *compat; /* root compatible; NULL: the right one */
	size_t compat_len; /* bytes of compat incl. NULs; 0: strlen + 1 */
	bool no_compat; /* no root compatible at all */
	const char *node; /* node name; NULL: "attribute" */
	void (*more)(void *fdt); /* writes more root subnodes (hypervisor, cpus) */
};

static uint64_t blob_storage[4096 / sizeof(uint64_t)]; /* 8-byte aligned, as a DTB must be */
static void *const blob = blob_storage;

#define FDT_OK(call) assert_int_equal((call), 0)

static void add_prop(void *fdt, const char *name, int ncells, const uint32_t *cells)
{
	fdt32_t be[3];
	assert_true(ncells >= 0 && ncells <= 3);
	for (int i = 0; i < ncells; i++) {
		be[i] = cpu_to_fdt32(cells[i]);
	}
	FDT_OK(fdt_property(fdt, name, be, ncells * (int)sizeof(fdt32_t)));
}

/* Builds the default manifest changed by *o into blob; returns fdt_totalsize. */
static size_t build(const struct opts *o)
{
	memset(blob_storage, 0, sizeof(blob_storage));
	FDT_OK(fdt_create(blob, (int)sizeof(blob_storage)));
	FDT_OK(fdt_finish_reservemap(blob));
	FDT_OK(fdt_begin_node(blob, ""));
	if (!o->no_compat) {
		const char *c = o->compat != NULL ? o->compat : COMPAT;
		size_t len = o->compat_len != 0 ? o->compat_len : strlen(c) + 1;
		FDT_OK(fdt_property(blob, "compatible", c, (int)len));
	}
	FDT_OK(fdt_begin_node(blob, o->node != NULL ? o->node : "attribute"));
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		const struct prop *p = &defaults[i];
		if (o->drop != NULL && strcmp(o->drop, p->name) == 0) {
			continue;
		}
		for (size_t j = 0; j < MAX_OVERRIDES; j++) {
			if (o->set[j].name != NULL && strcmp(o->set[j].name, p->name) == 0) {
				p = &o->set[j];
			}
		}
		add_prop(blob, p->name, p->ncells, p->cells);
	}
	FDT_OK(fdt_end_node(blob));
	if (o->more != NULL) {
		o->more(blob);
	}
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_finish(blob));
	assert_int_equal(fdt_check_full(blob, sizeof(blob_storage)), 0);
	return fdt_totalsize(blob);
}

static void expect_ok(const void *fdt, size_t size, const struct spmc_manifest *want)
{
	struct spmc_manifest m;
	const char *field = "unset";

	memset(&m, 0xA5, sizeof(m));
	assert_int_equal(spmc_manifest_parse(fdt, size, &m, &field), SPMC_MANIFEST_OK);
	assert_null(field);
	assert_int_equal(m.spmc_id, want->spmc_id);
	assert_int_equal(m.maj_ver, want->maj_ver);
	assert_int_equal(m.min_ver, want->min_ver);
	assert_int_equal(m.exec_state, want->exec_state);
	assert_int_equal(m.load_address, want->load_address);
	assert_int_equal(m.entrypoint, want->entrypoint);
	assert_int_equal(m.binary_size, want->binary_size);
}

/*
 * Parses and requires error `err` naming `field` (NULL: any non-NULL name),
 * with the output struct left exactly as it was.
 */
static void expect_err(const void *fdt, size_t size, enum spmc_manifest_err err,
		       const char *want_field)
{
	struct spmc_manifest m, untouched;
	const char *field = NULL;

	memset(&m, 0xA5, sizeof(m));
	memset(&untouched, 0xA5, sizeof(untouched));
	assert_int_equal(spmc_manifest_parse(fdt, size, &m, &field), err);
	assert_non_null(field);
	if (want_field != NULL) {
		assert_string_equal(field, want_field);
	}
	assert_memory_equal(&m, &untouched, sizeof(m));
}

static void build_expect_err(const struct opts *o, enum spmc_manifest_err err, const char *field)
{
	size_t size = build(o);
	expect_err(blob, size, err, field);
}

static void build_expect_ok(const struct opts *o, const struct spmc_manifest *want)
{
	size_t size = build(o);
	expect_ok(blob, size, want);
}

/* The reference manifest parses to exactly the expected struct, also with a larger size argument.
 */
static void valid_manifest(void **state)
{
	(void)state;
	const struct opts o = {0};
	size_t size = build(&o);
	expect_ok(blob, size, &expected_default);
	expect_ok(blob, sizeof(blob_storage), &expected_default);
}

/* load_address, entrypoint and binary_size take one or two cells; the high cell counts. */
static void one_or_two_cells(void **state)
{
	(void)state;
	struct spmc_manifest want = expected_default;

	const struct opts one_cell_load = {.set = {{"load_address", 1, {0x0e100000}}}};
	build_expect_ok(&one_cell_load, &want);

	const struct opts all_other_widths = {.set = {{"load_address", 1, {0x0e100000}},
						      {"entrypoint", 1, {0x0e100000}},
						      {"binary_size", 2, {0x0, 0x100000}}}};
	build_expect_ok(&all_other_widths, &want);

	const struct opts high = {.set = {{"load_address", 2, {0x1, 0x0}},
					  {"entrypoint", 2, {0x1, 0x1000}},
					  {"binary_size", 2, {0x0, 0x200000}}}};
	want.load_address = 0x100000000ULL;
	want.entrypoint = 0x100001000ULL;
	want.binary_size = 0x200000;
	build_expect_ok(&high, &want);
}

/* Accepted edge values: min_ver 0, the largest secure ID, the entry point at the image's last byte.
 */
static void accepted_edges(void **state)
{
	(void)state;
	struct spmc_manifest want = expected_default;

	const struct opts min0 = {.set = {{"min_ver", 1, {0}}}};
	want.min_ver = 0;
	build_expect_ok(&min0, &want);

	const struct opts id = {.set = {{"spmc_id", 1, {0xFFFE}}}};
	want = expected_default;
	want.spmc_id = 0xFFFE;
	build_expect_ok(&id, &want);

	const struct opts last = {.set = {{"entrypoint", 2, {0x0, 0x0e1FFFFF}}}};
	want = expected_default;
	want.entrypoint = 0x0e1FFFFF;
	build_expect_ok(&last, &want);
}

/* Every required property, when missing, is SPMC_MANIFEST_MISSING naming that property. */
static void missing_property(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		const struct opts o = {.drop = defaults[i].name};
		build_expect_err(&o, SPMC_MANIFEST_MISSING, defaults[i].name);
	}
}

/* A property of the wrong length is MISSING (malformed), naming it. */
static void wrong_length(void **state)
{
	(void)state;
	const struct opts id8 = {.set = {{"spmc_id", 2, {0x0, 0x8000}}}};
	build_expect_err(&id8, SPMC_MANIFEST_MISSING, "spmc_id");
	const struct opts maj_empty = {.set = {{"maj_ver", 0, {0}}}};
	build_expect_err(&maj_empty, SPMC_MANIFEST_MISSING, "maj_ver");
	const struct opts exec8 = {.set = {{"exec_state", 2, {0, 0}}}};
	build_expect_err(&exec8, SPMC_MANIFEST_MISSING, "exec_state");
	const struct opts load3 = {.set = {{"load_address", 3, {0x0, 0x0, 0x0e100000}}}};
	build_expect_err(&load3, SPMC_MANIFEST_MISSING, "load_address");
	const struct opts size0 = {.set = {{"binary_size", 0, {0}}}};
	build_expect_err(&size0, SPMC_MANIFEST_MISSING, "binary_size");
}

/* A root compatible other than arm,ffa-core-manifest-1.0, or none, is BAD_COMPAT; a list holding it
 * is fine. */
static void compatible(void **state)
{
	(void)state;
	const struct opts newer = {.compat = "arm,ffa-core-manifest-1.1"};
	build_expect_err(&newer, SPMC_MANIFEST_BAD_COMPAT, "compatible");
	const struct opts prefix = {.compat = "arm,ffa-core-manifest"};
	build_expect_err(&prefix, SPMC_MANIFEST_BAD_COMPAT, "compatible");
	const struct opts none = {.no_compat = true};
	build_expect_err(&none, SPMC_MANIFEST_BAD_COMPAT, "compatible");

	static const char list[] = "vendor,spmc\0" COMPAT; /* two strings, NUL-separated */
	const struct opts in_list = {.compat = list, .compat_len = sizeof(list)};
	build_expect_ok(&in_list, &expected_default);
}

/* Without a node called "attribute" the manifest is NO_ATTRIBUTE. */
static void no_attribute_node(void **state)
{
	(void)state;
	const struct opts other = {.node = "attributes"};
	build_expect_err(&other, SPMC_MANIFEST_NO_ATTRIBUTE, "attribute");
	const struct opts misc = {.node = "spmc"};
	build_expect_err(&misc, SPMC_MANIFEST_NO_ATTRIBUTE, "attribute");
}

/* spmc_id must be a 16-bit secure endpoint ID (bit 15) and not the SPMD's 0xFFFF. */
static void bad_spmc_id(void **state)
{
	(void)state;
	const uint32_t bad[] = {0x0001, 0x0000, 0x7FFF, 0xFFFF, 0x18000, 0x10000, 0xFFFF8000};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct opts o = {.set = {{"spmc_id", 1, {bad[i]}}}};
		build_expect_err(&o, SPMC_MANIFEST_BAD_VALUE, "spmc_id");
	}
}

/* maj_ver must be 1, min_ver at most 2 (FF-A v1.2), exec_state 0 (AArch64). */
static void bad_versions_and_state(void **state)
{
	(void)state;
	const struct opts maj2 = {.set = {{"maj_ver", 1, {2}}}};
	build_expect_err(&maj2, SPMC_MANIFEST_BAD_VALUE, "maj_ver");
	const struct opts maj0 = {.set = {{"maj_ver", 1, {0}}}};
	build_expect_err(&maj0, SPMC_MANIFEST_BAD_VALUE, "maj_ver");
	const struct opts min3 = {.set = {{"min_ver", 1, {3}}}};
	build_expect_err(&min3, SPMC_MANIFEST_BAD_VALUE, "min_ver");
	const struct opts min_big = {.set = {{"min_ver", 1, {0xFFFFFFFF}}}};
	build_expect_err(&min_big, SPMC_MANIFEST_BAD_VALUE, "min_ver");
	const struct opts exec1 = {.set = {{"exec_state", 1, {1}}}};
	build_expect_err(&exec1, SPMC_MANIFEST_BAD_VALUE, "exec_state");
}

/* The entry point must lie in [load_address, load_address + binary_size). */
static void bad_entrypoint(void **state)
{
	(void)state;
	const struct opts before = {.set = {{"entrypoint", 2, {0x0, 0x0e0FF000}}}};
	build_expect_err(&before, SPMC_MANIFEST_BAD_VALUE, "entrypoint");
	const struct opts just_before = {.set = {{"entrypoint", 2, {0x0, 0x0e0FFFFF}}}};
	build_expect_err(&just_before, SPMC_MANIFEST_BAD_VALUE, "entrypoint");
	const struct opts at_end = {.set = {{"entrypoint", 2, {0x0, 0x0e200000}}}};
	build_expect_err(&at_end, SPMC_MANIFEST_BAD_VALUE, "entrypoint");
	const struct opts high_word = {.set = {{"entrypoint", 2, {0x1, 0x0e100000}}}};
	build_expect_err(&high_word, SPMC_MANIFEST_BAD_VALUE, "entrypoint");
}

/* binary_size must be non-zero and load_address + binary_size must not wrap. */
static void bad_image_range(void **state)
{
	(void)state;
	const struct opts zero = {.set = {{"binary_size", 1, {0}}}};
	build_expect_err(&zero, SPMC_MANIFEST_BAD_VALUE, "binary_size");
	const struct opts wraps = {.set = {{"load_address", 2, {0xFFFFFFFF, 0xFFFFF000}},
					   {"entrypoint", 2, {0xFFFFFFFF, 0xFFFFF000}}}};
	build_expect_err(&wraps, SPMC_MANIFEST_BAD_VALUE, "binary_size");
	/* Ending exactly at 2^64 also wraps (the end is not representable). */
	const struct opts to_top = {.set = {{"load_address", 2, {0xFFFFFFFF, 0xFFF00000}},
					    {"entrypoint", 2, {0xFFFFFFFF, 0xFFF00000}}}};
	build_expect_err(&to_top, SPMC_MANIFEST_BAD_VALUE, "binary_size");
}

/* A size argument smaller than the header or than fdt_totalsize is BAD_FDT (no read past it). */
static void truncated_blob(void **state)
{
	(void)state;
	const struct opts o = {0};
	size_t size = build(&o);

	expect_err(blob, 0, SPMC_MANIFEST_BAD_FDT, NULL);
	expect_err(blob, sizeof(struct fdt_header) - 1, SPMC_MANIFEST_BAD_FDT, NULL);
	expect_err(blob, sizeof(struct fdt_header), SPMC_MANIFEST_BAD_FDT, NULL);
	expect_err(blob, size - 1, SPMC_MANIFEST_BAD_FDT, NULL);
	expect_err(blob, size / 2, SPMC_MANIFEST_BAD_FDT, NULL);

	/* A heap copy of exactly size - 1 bytes: ASan catches any read past the stated size. */
	void *copy = malloc(size - 1);
	assert_non_null(copy);
	memcpy(copy, blob, size - 1);
	expect_err(copy, size - 1, SPMC_MANIFEST_BAD_FDT, NULL);
	free(copy);
}

/*
 * A structure block at an unaligned offset (the blob shifted one byte after
 * the header, offsets adjusted) is BAD_FDT before libfdt walks it: libfdt
 * would read its tags with misaligned loads. Found by tests/fuzz.
 */
static void misaligned_structure_block(void **state)
{
	(void)state;
	const struct opts o = {0};
	size_t size = build(&o);
	static uint8_t shifted[sizeof(blob_storage) + 8];
	uint32_t hdr = (uint32_t)sizeof(struct fdt_header);

	memcpy(shifted, blob, hdr);
	memcpy(shifted + hdr + 1, (const uint8_t *)blob + hdr, size - hdr);
	fdt_set_totalsize(shifted, (uint32_t)size + 1);
	fdt_set_off_dt_struct(shifted, fdt_off_dt_struct(blob) + 1);
	fdt_set_off_dt_strings(shifted, fdt_off_dt_strings(blob) + 1);
	fdt_set_off_mem_rsvmap(shifted, fdt_off_mem_rsvmap(blob) + 1);
	expect_err(shifted, size + 1, SPMC_MANIFEST_BAD_FDT, NULL);
	/* Only the struct offset misaligned (the reservation map moved by 8): still refused. */
	memcpy(shifted, blob, hdr);
	memcpy(shifted + hdr + 8, (const uint8_t *)blob + hdr, size - hdr);
	fdt_set_totalsize(shifted, (uint32_t)size + 8);
	fdt_set_off_mem_rsvmap(shifted, fdt_off_mem_rsvmap(blob) + 8);
	fdt_set_off_dt_struct(shifted, fdt_off_dt_struct(blob) + 8);
	fdt_set_off_dt_strings(shifted, fdt_off_dt_strings(blob) + 8);
	struct spmc_manifest m;
	const char *field;
	assert_int_equal(spmc_manifest_parse(shifted, size + 8, &m, &field), SPMC_MANIFEST_OK);
	fdt_set_off_dt_struct(shifted, fdt_off_dt_struct(shifted) + 2);
	expect_err(shifted, size + 8, SPMC_MANIFEST_BAD_FDT, NULL);
}

/* Bytes that are not a DTB (random, zero, random after a valid magic) are BAD_FDT. */
static void garbage(void **state)
{
	(void)state;
	static uint32_t junk[64];
	uint32_t x = 0x12345678;

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		x = x * 1664525U + 1013904223U;
		junk[i] = x;
	}
	expect_err(junk, sizeof(junk), SPMC_MANIFEST_BAD_FDT, NULL);
	junk[0] = cpu_to_fdt32(FDT_MAGIC);
	expect_err(junk, sizeof(junk), SPMC_MANIFEST_BAD_FDT, NULL);
	memset(junk, 0, sizeof(junk));
	expect_err(junk, sizeof(junk), SPMC_MANIFEST_BAD_FDT, NULL);
	memset(junk, 0xFF, sizeof(junk));
	expect_err(junk, sizeof(junk), SPMC_MANIFEST_BAD_FDT, NULL);
}

static uint32_t peek(size_t off)
{
	fdt32_t w;
	memcpy(&w, (uint8_t *)blob + off, sizeof(w));
	return fdt32_to_cpu(w);
}

/* Writes a big-endian word at byte offset off of blob, after checking what was there. */
static void poke(size_t off, uint32_t expect_old, uint32_t new_val)
{
	assert_int_equal(peek(off), expect_old);
	fdt32_t w = cpu_to_fdt32(new_val);
	memcpy((uint8_t *)blob + off, &w, sizeof(w));
}

/* A valid header over a corrupted structure block is BAD_FDT. */
static void corrupted_structure(void **state)
{
	(void)state;
	const struct opts o = {0};
	size_t size;
	size_t sb; /* start of the structure block */
	size_t prop; /* first property of /attribute */

#define FRESH()                                                             \
	do {                                                                \
		size = build(&o);                                           \
		sb = fdt_off_dt_struct(blob);                               \
		int node_ = fdt_subnode_offset(blob, 0, "attribute");       \
		assert_true(node_ > 0);                                     \
		prop = sb + (size_t)fdt_first_property_offset(blob, node_); \
	} while (0)

	/* The root's FDT_BEGIN_NODE replaced by an unknown token. */
	FRESH();
	poke(sb, FDT_BEGIN_NODE, 0xDEADBEEF);
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SPMC_MANIFEST_BAD_FDT, NULL);

	/* A property length running far past the block. */
	FRESH();
	poke(prop, FDT_PROP, FDT_PROP);
	poke(prop + 4, 4, 0x7FFFFF00);
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SPMC_MANIFEST_BAD_FDT, NULL);

	/* A property name offset outside the strings block. */
	FRESH();
	poke(prop + 8, peek(prop + 8), 0x00100000);
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SPMC_MANIFEST_BAD_FDT, NULL);

	/* /attribute's FDT_END_NODE turned into FDT_NOP: nodes no longer balance. */
	FRESH();
	poke(sb + fdt_size_dt_struct(blob) - 12, FDT_END_NODE, FDT_NOP);
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SPMC_MANIFEST_BAD_FDT, NULL);

	/* The final FDT_END overwritten: the walk runs off the block. */
	FRESH();
	poke(sb + fdt_size_dt_struct(blob) - 4, FDT_END, FDT_NOP);
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SPMC_MANIFEST_BAD_FDT, NULL);
#undef FRESH
}

/*
 * The hypervisor node's vm children, as the tests write them: each has
 * is_ffa_partition and load_address unless told otherwise, and the cells
 * of the optional properties when non-zero.
 */
struct vm {
	const char *node;
	const char *debug_name; /* NULL: none */
	bool no_ffa;
	int load_cells; /* 0: absent; 1, 2; 3: malformed */
	uint64_t load;
	int mem_cells;
	uint64_t mem;
	int vcpu_cells; /* 0: absent, 1, 2: malformed */
	uint32_t vcpus;
	int el_cells, state_cells;
	uint32_t el, state;
	const char *extra; /* one more (empty) property */
};

#define MAX_VMS 10
static struct vm vms[MAX_VMS];
static size_t nvms;
static const char *hyp_compat = "hafnium,hafnium";

static void add_cells(void *fdt, const char *name, int ncells, uint64_t v)
{
	uint32_t cells[3] = {0};
	if (ncells == 0) {
		return;
	}
	if (ncells == 1) {
		cells[0] = (uint32_t)v;
	} else {
		cells[ncells - 2] = (uint32_t)(v >> 32);
		cells[ncells - 1] = (uint32_t)v;
	}
	add_prop(fdt, name, ncells, cells);
}

static void write_hypervisor(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "hypervisor"));
	FDT_OK(fdt_property(fdt, "compatible", hyp_compat, (int)strlen(hyp_compat) + 1));
	for (size_t i = 0; i < nvms; i++) {
		const struct vm *v = &vms[i];
		FDT_OK(fdt_begin_node(fdt, v->node));
		if (!v->no_ffa) {
			FDT_OK(fdt_property(fdt, "is_ffa_partition", "", 0));
		}
		if (v->debug_name != NULL) {
			FDT_OK(fdt_property(fdt, "debug_name", v->debug_name,
					    (int)strlen(v->debug_name) + 1));
		}
		add_cells(fdt, "load_address", v->load_cells, v->load);
		add_cells(fdt, "mem_size", v->mem_cells, v->mem);
		add_cells(fdt, "vcpu_count", v->vcpu_cells, v->vcpus);
		add_cells(fdt, "exception-level", v->el_cells, v->el);
		add_cells(fdt, "execution-state", v->state_cells, v->state);
		if (v->extra != NULL) {
			FDT_OK(fdt_property(fdt, v->extra, "", 0));
		}
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

/* OP-TEE's vm node (shared/optee-sp/layout-0e600000) after the three test partitions'. */
static void reference_vms(void)
{
	const struct vm test = {.load_cells = 1};
	for (size_t i = 0; i < 3; i++) {
		vms[i] = test;
		vms[i].load = 0xe300000 + 0x100000 * i;
	}
	vms[0].node = "vm1";
	vms[0].debug_name = "tzv-sp-mp";
	vms[1].node = "vm2";
	vms[1].debug_name = "tzv-sp-up";
	vms[2].node = "vm3";
	vms[2].debug_name = "tzv-sp-el0";
	vms[3] = (struct vm){.node = "vm4",
			     .debug_name = "op-tee",
			     .load_cells = 1,
			     .load = 0xe600000,
			     .mem_cells = 1,
			     .mem = 0xa00000,
			     .vcpu_cells = 1,
			     .vcpus = 4};
	nvms = 4;
	hyp_compat = "hafnium,hafnium";
}

static void parse_vms(struct spmc_manifest *m)
{
	const struct opts o = {.more = write_hypervisor};
	size_t size = build(&o);
	const char *field = "unset";

	memset(m, 0xA5, sizeof(*m));
	assert_int_equal(spmc_manifest_parse(blob, size, m, &field), SPMC_MANIFEST_OK);
	assert_null(field);
}

static void vm_err(enum spmc_manifest_err err, const char *field)
{
	const struct opts o = {.more = write_hypervisor};
	build_expect_err(&o, err, field);
}

/*
 * Hafnium's vm nodes: load_address, and optionally mem_size, vcpu_count,
 * exception-level, execution-state, debug_name (else the node's name);
 * Hafnium's VM-only properties are listed as ignored, not refused.
 */
static void hypervisor_nodes(void **state)
{
	(void)state;
	struct spmc_manifest m;

	reference_vms();
	vms[3].el_cells = 1;
	vms[3].el = 2;
	vms[3].state_cells = 1;
	vms[3].extra = "hyp_loaded";
	vms[1].debug_name = NULL; /* the node's name then */
	parse_vms(&m);
	assert_int_equal(m.sp_count, 4);
	assert_int_equal(m.cpu_count, 0);
	assert_string_equal(m.sps[0].debug_name, "tzv-sp-mp");
	assert_string_equal(m.sps[1].debug_name, "vm2");
	assert_int_equal(m.sps[2].load_address, 0xe500000);
	assert_int_equal(m.sps[2].mem_size, 0);
	assert_int_equal(m.sps[2].vcpu_count, 0);
	assert_false(m.sps[2].exception_level_present);
	assert_false(m.sps[2].execution_state_present);
	assert_string_equal(m.sps[2].ignored, "");
	const struct spmc_sp_entry *op = &m.sps[3];
	assert_string_equal(op->debug_name, "op-tee");
	assert_int_equal(op->load_address, 0xe600000);
	assert_int_equal(op->mem_size, 0xa00000);
	assert_int_equal(op->vcpu_count, 4);
	assert_true(op->exception_level_present);
	assert_int_equal(op->exception_level, 2);
	assert_true(op->execution_state_present);
	assert_int_equal(op->execution_state, 0);
	assert_string_equal(op->ignored, "hyp_loaded");

	/* Two cells, and the largest values. */
	reference_vms();
	vms[3].mem_cells = 2;
	vms[3].mem = 0x100000000ULL;
	vms[3].vcpus = 0xFFFF;
	vms[3].el_cells = 1;
	vms[3].el = 0;
	vms[3].state_cells = 1;
	vms[3].state = 1;
	parse_vms(&m);
	assert_int_equal(m.sps[3].mem_size, 0x100000000ULL);
	assert_int_equal(m.sps[3].vcpu_count, 0xFFFF);
	assert_int_equal(m.sps[3].exception_level, 0);
	assert_int_equal(m.sps[3].execution_state, 1);

	/* No hypervisor node at all: no partitions. */
	const struct opts none = {0};
	size_t size = build(&none);
	const char *field;
	assert_int_equal(spmc_manifest_parse(blob, size, &m, &field), SPMC_MANIFEST_OK);
	assert_int_equal(m.sp_count, 0);
}

/* Hostile vm nodes: each refused with the property named, the output untouched. */
static void hypervisor_hostile(void **state)
{
	(void)state;
	reference_vms();
	hyp_compat = "hafnium,hafnium-2";
	vm_err(SPMC_MANIFEST_BAD_COMPAT, "hypervisor");

	reference_vms();
	vms[3].no_ffa = true;
	vm_err(SPMC_MANIFEST_MISSING, "is_ffa_partition");

	const struct {
		int cells;
		uint64_t v;
		enum spmc_manifest_err err;
	} loads[] = {{0, 0, SPMC_MANIFEST_MISSING},
		     {3, 0xe600000, SPMC_MANIFEST_MISSING},
		     {1, 0, SPMC_MANIFEST_BAD_VALUE},
		     {1, 0xe600800, SPMC_MANIFEST_BAD_VALUE},
		     {1, 0xe300000, SPMC_MANIFEST_BAD_VALUE}}; /* the last: vm1's address */
	for (size_t i = 0; i < ARRAY_SIZE(loads); i++) {
		reference_vms();
		vms[3].load_cells = loads[i].cells;
		vms[3].load = loads[i].v;
		vm_err(loads[i].err, "load_address");
	}

	const struct {
		int cells;
		uint64_t v;
		enum spmc_manifest_err err;
	} mems[] = {{1, 0, SPMC_MANIFEST_BAD_VALUE},
		    {1, 0xa00800, SPMC_MANIFEST_BAD_VALUE},
		    {2, 0xFFFFFFFFFFF00000ULL, SPMC_MANIFEST_BAD_VALUE}, /* wraps past 2^64 */
		    {3, 0xa00000, SPMC_MANIFEST_MISSING}};
	for (size_t i = 0; i < ARRAY_SIZE(mems); i++) {
		reference_vms();
		vms[3].mem_cells = mems[i].cells;
		vms[3].mem = mems[i].v;
		vm_err(mems[i].err, "mem_size");
	}

	reference_vms();
	vms[3].vcpus = 0;
	vm_err(SPMC_MANIFEST_BAD_VALUE, "vcpu_count");
	vms[3].vcpus = 0x10000;
	vm_err(SPMC_MANIFEST_BAD_VALUE, "vcpu_count");
	vms[3].vcpus = 4;
	vms[3].vcpu_cells = 2;
	vm_err(SPMC_MANIFEST_MISSING, "vcpu_count");

	reference_vms();
	vms[3].el_cells = 1;
	vms[3].el = 3;
	vm_err(SPMC_MANIFEST_BAD_VALUE, "exception-level");
	vms[3].el_cells = 2;
	vm_err(SPMC_MANIFEST_MISSING, "exception-level");
	reference_vms();
	vms[3].state_cells = 1;
	vms[3].state = 2;
	vm_err(SPMC_MANIFEST_BAD_VALUE, "execution-state");
	vms[3].state_cells = 2;
	vm_err(SPMC_MANIFEST_MISSING, "execution-state");

	/* More vm nodes than partition slots. */
	reference_vms();
	for (size_t i = 4; i < SPMC_MAX_SPS + 1; i++) {
		static char names[MAX_VMS][8];
		snprintf(names[i], sizeof(names[i]), "vm%zu", i + 1);
		vms[i] = (struct vm){
			.node = names[i], .load_cells = 1, .load = 0x10000000 * (i + 1)};
	}
	nvms = SPMC_MAX_SPS;
	struct spmc_manifest m;
	parse_vms(&m);
	assert_int_equal(m.sp_count, SPMC_MAX_SPS);
	nvms = SPMC_MAX_SPS + 1;
	vm_err(SPMC_MANIFEST_BAD_VALUE, "hypervisor");
}

static unsigned int ncpu_nodes;
static bool cpu_other_child;

static void write_cpus(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "cpus"));
	for (unsigned int i = 0; i < ncpu_nodes; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		FDT_OK(fdt_begin_node(fdt, name));
		FDT_OK(fdt_property(fdt, "device_type", "cpu", 4));
		FDT_OK(fdt_end_node(fdt));
	}
	if (cpu_other_child) {
		FDT_OK(fdt_begin_node(fdt, "cpu-map"));
		FDT_OK(fdt_property(fdt, "device_type", "cpus", 5));
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

/* /cpus: children with device_type "cpu" are counted, up to MAX_CPUS. */
static void cpus_node(void **state)
{
	(void)state;
	const struct opts o = {.more = write_cpus};
	struct spmc_manifest m;
	const char *field;

	ncpu_nodes = 4;
	cpu_other_child = true;
	size_t size = build(&o);
	assert_int_equal(spmc_manifest_parse(blob, size, &m, &field), SPMC_MANIFEST_OK);
	assert_int_equal(m.cpu_count, 4);
	ncpu_nodes = MAX_CPUS;
	size = build(&o);
	assert_int_equal(spmc_manifest_parse(blob, size, &m, &field), SPMC_MANIFEST_OK);
	assert_int_equal(m.cpu_count, MAX_CPUS);
	ncpu_nodes = MAX_CPUS + 1;
	build_expect_err(&o, SPMC_MANIFEST_BAD_VALUE, "cpus");
	ncpu_nodes = 0;
	size = build(&o);
	assert_int_equal(spmc_manifest_parse(blob, size, &m, &field), SPMC_MANIFEST_OK);
	assert_int_equal(m.cpu_count, 0);
}

/* spmc_manifest_strerror gives a non-empty, distinct string for every code (and for unknown ones).
 */
static void strerror_strings(void **state)
{
	(void)state;
	const enum spmc_manifest_err all[] = {SPMC_MANIFEST_OK,		 SPMC_MANIFEST_BAD_FDT,
					      SPMC_MANIFEST_BAD_COMPAT,	 SPMC_MANIFEST_NO_ATTRIBUTE,
					      SPMC_MANIFEST_MISSING,	 SPMC_MANIFEST_BAD_VALUE,
					      (enum spmc_manifest_err)99};
	ASSERT_MESSAGES_DISTINCT(spmc_manifest_strerror, all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_manifest),
		cmocka_unit_test(one_or_two_cells),
		cmocka_unit_test(accepted_edges),
		cmocka_unit_test(missing_property),
		cmocka_unit_test(wrong_length),
		cmocka_unit_test(compatible),
		cmocka_unit_test(no_attribute_node),
		cmocka_unit_test(bad_spmc_id),
		cmocka_unit_test(bad_versions_and_state),
		cmocka_unit_test(bad_entrypoint),
		cmocka_unit_test(bad_image_range),
		cmocka_unit_test(truncated_blob),
		cmocka_unit_test(misaligned_structure_block),
		cmocka_unit_test(garbage),
		cmocka_unit_test(corrupted_structure),
		cmocka_unit_test(hypervisor_nodes),
		cmocka_unit_test(hypervisor_hostile),
		cmocka_unit_test(cpus_node),
		cmocka_unit_test(strerror_strings),
	};
	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
