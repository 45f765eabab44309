/*
 * Host tests for the secure partition manifest parser (TF-A's FF-A manifest binding,
 * "arm,ffa-manifest-1.0"), on DTBs built in memory with libfdt's sequential-write API.
 * Every test starts from partitions/test_sp/sp1.dts and changes one thing.
 */
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

#include "core/types.h"
#include "fake_arch.h"
#include "spmc/sp_manifest.h"

#define COMPAT "arm,ffa-manifest-1.0"
#define MEM_COMPAT "arm,ffa-manifest-memory-regions"
#define DEV_COMPAT "arm,ffa-manifest-device-regions"
#define MAX_CELLS 24 /* enough for 6 UUIDs */
#define MAX_DROP 10
#define MAX_SET 4
#define MAX_REGIONS 12

/* One root property: a string (str != NULL) or 0..MAX_CELLS big-endian cells. */
struct prop {
	const char *name;
	int ncells;
	uint32_t cells[MAX_CELLS];
	const char *str;
	size_t str_len; /* bytes of str incl. NULs; 0: strlen + 1 */
};

/* The root properties of sp1.dts, in its order (compatible is written separately). */
static const struct prop sp1_props[] = {
	{"ffa-version", 1, {0x00010002}, NULL, 0},
	{"uuid", 4, {0x1d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac}, NULL, 0},
	{"id", 1, {0x8001}, NULL, 0},
	{"description", 0, {0}, "tzv-sp-mp", 0},
	{"execution-ctx-count", 1, {4}, NULL, 0},
	{"exception-level", 1, {2}, NULL, 0},
	{"execution-state", 1, {0}, NULL, 0},
	{"load-address", 1, {0xe300000}, NULL, 0},
	{"entrypoint-offset", 1, {0x4000}, NULL, 0},
	{"xlat-granule", 1, {0}, NULL, 0},
	{"boot-order", 1, {1}, NULL, 0},
	{"messaging-method", 1, {0x603}, NULL, 0},
	{"ns-interrupts-action", 1, {0}, NULL, 0},
	{"gp-register-num", 1, {0}, NULL, 0},
	{"power-management-messages", 1, {0}, NULL, 0},
};

static const char *const mandatory[] = {
	"ffa-version",	   "uuid",	   "execution-ctx-count", "exception-level",
	"execution-state", "load-address", "messaging-method",
};

/* One memory-regions or device-regions subnode. */
struct region {
	const char *node;
	const char *desc; /* NULL: no description property */
	int base_cells; /* base-address: 0 absent, 1 or 2 cells, 3: malformed (12 bytes) */
	uint64_t base;
	int off_cells; /* load-address-relative-offset, as base_cells */
	uint64_t off;
	bool no_pages;
	uint32_t pages;
	bool no_attrs;
	uint32_t attrs;
	struct prop extra[3]; /* more properties (name NULL: none) */
	int int_cells; /* cells of `interrupts` (0: absent) */
	uint32_t ints[2 * 17 + 1];
};

/* sp1.dts's memory region. */
static const struct region sp1_mem = {
	.node = "rw-data",
	.desc = "rw-data",
	.base_cells = 2,
	.base = 0x0e340000,
	.pages = 64,
	.attrs = 0x3,
};

/* A UART-like device region. */
static const struct region uart_dev = {
	.node = "uart",
	.desc = "uart0",
	.base_cells = 2,
	.base = 0x09040000,
	.pages = 1,
	.attrs = 0x3,
};

/* How a test changes sp1.dts. */
struct opts {
	const char *drop[MAX_DROP]; /* root properties left out */
	struct prop set[MAX_SET]; /* root properties replaced (or added when not in sp1.dts) */
	const char *compat; /* root compatible; NULL: the right one */
	size_t compat_len; /* bytes of compat incl. NULs; 0: strlen + 1 */
	bool no_compat;
	bool no_mem; /* no memory-regions node */
	const char *mem_compat; /* NULL: the right one */
	bool no_mem_compat;
	const struct region *mem; /* NULL: sp1's one region */
	size_t nmem;
	bool dev_node; /* write a device-regions node */
	const char *dev_compat; /* NULL: the right one */
	const struct region *dev;
	size_t ndev;
	void (*nodes)(void *fdt); /* writes more root subnodes */
};

static uint64_t blob_storage[16384 / sizeof(uint64_t)]; /* 8-byte aligned, as a DTB must be */
static void *const blob = blob_storage;

#define FDT_OK(call) assert_int_equal((call), 0)

static void add_prop(void *fdt, const struct prop *p)
{
	if (p->str != NULL) {
		size_t len = p->str_len != 0 ? p->str_len : strlen(p->str) + 1;
		FDT_OK(fdt_property(fdt, p->name, p->str, (int)len));
		return;
	}
	fdt32_t be[MAX_CELLS];
	assert_true(p->ncells >= 0 && p->ncells <= MAX_CELLS);
	for (int i = 0; i < p->ncells; i++) {
		be[i] = cpu_to_fdt32(p->cells[i]);
	}
	FDT_OK(fdt_property(fdt, p->name, be, p->ncells * (int)sizeof(fdt32_t)));
}

/* fdt_property_string, without its size_t-to-int conversion. */
static void add_string(void *fdt, const char *name, const char *str)
{
	FDT_OK(fdt_property(fdt, name, str, (int)(strlen(str) + 1)));
}

/* A u64 property in 1, 2 or (malformed) 3 cells; nothing for 0 cells. */
static void add_u64(void *fdt, const char *name, int ncells, uint64_t v)
{
	struct prop p = {name, ncells, {0}, NULL, 0};
	uint32_t hi = (uint32_t)(v >> 32), lo = (uint32_t)v;

	if (ncells == 0) {
		return;
	}
	if (ncells == 1) {
		assert_int_equal(hi, 0);
		p.cells[0] = lo;
	} else {
		p.cells[ncells - 2] = hi;
		p.cells[ncells - 1] = lo;
	}
	add_prop(fdt, &p);
}

static void add_regions(void *fdt, const char *node, const char *compat, const struct region *r,
			size_t n)
{
	FDT_OK(fdt_begin_node(fdt, node));
	if (compat != NULL) {
		add_string(fdt, "compatible", compat);
	}
	for (size_t i = 0; i < n; i++) {
		FDT_OK(fdt_begin_node(fdt, r[i].node));
		if (r[i].desc != NULL) {
			add_string(fdt, "description", r[i].desc);
		}
		add_u64(fdt, "base-address", r[i].base_cells, r[i].base);
		add_u64(fdt, "load-address-relative-offset", r[i].off_cells, r[i].off);
		if (!r[i].no_pages) {
			FDT_OK(fdt_property_u32(fdt, "pages-count", r[i].pages));
		}
		if (!r[i].no_attrs) {
			FDT_OK(fdt_property_u32(fdt, "attributes", r[i].attrs));
		}
		for (size_t j = 0; j < ARRAY_SIZE(r[i].extra) && r[i].extra[j].name != NULL; j++) {
			add_prop(fdt, &r[i].extra[j]);
		}
		if (r[i].int_cells > 0) {
			uint32_t be[ARRAY_SIZE(r[i].ints)];
			assert_true((size_t)r[i].int_cells <= ARRAY_SIZE(be));
			for (int c = 0; c < r[i].int_cells; c++) {
				be[c] = cpu_to_fdt32(r[i].ints[c]);
			}
			FDT_OK(fdt_property(fdt, "interrupts", be,
					    r[i].int_cells * (int)sizeof(uint32_t)));
		}
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

static bool dropped(const struct opts *o, const char *name)
{
	for (size_t i = 0; i < MAX_DROP; i++) {
		if (o->drop[i] != NULL && strcmp(o->drop[i], name) == 0) {
			return true;
		}
	}
	return false;
}

/* Builds sp1.dts changed by *o into blob; returns fdt_totalsize. */
static size_t build(const struct opts *o)
{
	bool used[MAX_SET] = {false};

	memset(blob_storage, 0, sizeof(blob_storage));
	FDT_OK(fdt_create(blob, (int)sizeof(blob_storage)));
	FDT_OK(fdt_finish_reservemap(blob));
	FDT_OK(fdt_begin_node(blob, ""));
	if (!o->no_compat) {
		const char *c = o->compat != NULL ? o->compat : COMPAT;
		size_t len = o->compat_len != 0 ? o->compat_len : strlen(c) + 1;
		FDT_OK(fdt_property(blob, "compatible", c, (int)len));
	}
	for (size_t i = 0; i < ARRAY_SIZE(sp1_props); i++) {
		const struct prop *p = &sp1_props[i];
		if (dropped(o, p->name)) {
			continue;
		}
		for (size_t j = 0; j < MAX_SET; j++) {
			if (o->set[j].name != NULL && strcmp(o->set[j].name, p->name) == 0) {
				p = &o->set[j];
				used[j] = true;
			}
		}
		add_prop(blob, p);
	}
	for (size_t j = 0; j < MAX_SET; j++) {
		if (o->set[j].name != NULL && !used[j]) {
			add_prop(blob, &o->set[j]);
		}
	}
	if (!o->no_mem) {
		add_regions(blob, "memory-regions",
			    o->no_mem_compat ? NULL : (o->mem_compat ? o->mem_compat : MEM_COMPAT),
			    o->mem != NULL ? o->mem : &sp1_mem, o->mem != NULL ? o->nmem : 1);
	}
	if (o->dev_node) {
		add_regions(blob, "device-regions", o->dev_compat ? o->dev_compat : DEV_COMPAT,
			    o->dev, o->ndev);
	}
	if (o->nodes != NULL) {
		o->nodes(blob);
	}
	FDT_OK(fdt_end_node(blob));
	FDT_OK(fdt_finish(blob));
	assert_int_equal(fdt_check_full(blob, sizeof(blob_storage)), 0);
	return fdt_totalsize(blob);
}

/* What sp1.dts parses to. */
static struct sp_manifest sp1_expected(void)
{
	struct sp_manifest m;

	memset(&m, 0, sizeof(m));
	strcpy(m.description, "tzv-sp-mp");
	m.ffa_version = 0x00010002;
	m.uuids[0][0] = 0x1d5e7a01;
	m.uuids[0][1] = 0xee114c2f;
	m.uuids[0][2] = 0x42022b9a;
	m.uuids[0][3] = 0x0200a1ac;
	m.uuid_count = 1;
	m.id_present = true;
	m.id = 0x8001;
	m.exec_ctx_count = 4;
	m.exception_level = SP_EL_S_EL1;
	m.load_address = 0xe300000;
	m.entrypoint_offset = 0x4000;
	m.boot_order_present = true;
	m.boot_order = 1;
	m.messaging_method = SP_MSG_DIRECT_REQ_RECV | SP_MSG_DIRECT_REQ_SEND |
			     SP_MSG_DIRECT_REQ2_RECV | SP_MSG_DIRECT_REQ2_SEND;
	m.ns_interrupts_action = 0;
	m.gp_register_present = true;
	m.gp_register_num = 0;
	m.power_management_messages = 0;
	m.notification_support = false;
	m.other_s_interrupts_action = SP_OTHER_S_INT_SIGNALED;
	strcpy(m.mem[0].name, "rw-data");
	m.mem[0].base = 0x0e340000;
	m.mem[0].pages = 64;
	m.mem[0].attrs = SP_REGION_R | SP_REGION_W;
	m.mem_count = 1;
	m.dev_count = 0;
	return m;
}

static void assert_region_equal(const struct sp_region *got, const struct sp_region *want)
{
	assert_string_equal(got->name, want->name);
	assert_int_equal(got->base, want->base);
	assert_int_equal(got->pages, want->pages);
	assert_int_equal(got->attrs, want->attrs);
	assert_int_equal(got->relative, want->relative);
	assert_int_equal(got->exclusive, want->exclusive);
}

/* Every field, including the unused table entries (zero in *want). */
static void assert_manifest_equal(const struct sp_manifest *got, const struct sp_manifest *want)
{
	assert_string_equal(got->description, want->description);
	assert_int_equal(got->ffa_version, want->ffa_version);
	for (size_t i = 0; i < SP_MAX_UUIDS; i++) {
		for (size_t w = 0; w < 4; w++) {
			assert_int_equal(got->uuids[i][w], want->uuids[i][w]);
		}
	}
	assert_int_equal(got->uuid_count, want->uuid_count);
	assert_int_equal(got->id_present, want->id_present);
	assert_int_equal(got->id, want->id);
	assert_int_equal(got->exec_ctx_count, want->exec_ctx_count);
	assert_int_equal(got->exception_level, want->exception_level);
	assert_int_equal(got->load_address, want->load_address);
	assert_int_equal(got->entrypoint_offset, want->entrypoint_offset);
	assert_int_equal(got->boot_order_present, want->boot_order_present);
	assert_int_equal(got->boot_order, want->boot_order);
	assert_int_equal(got->messaging_method, want->messaging_method);
	assert_int_equal(got->ns_interrupts_action, want->ns_interrupts_action);
	assert_int_equal(got->gp_register_present, want->gp_register_present);
	assert_int_equal(got->gp_register_num, want->gp_register_num);
	assert_int_equal(got->power_management_messages, want->power_management_messages);
	assert_int_equal(got->notification_support, want->notification_support);
	assert_int_equal(got->auxiliary_id_present, want->auxiliary_id_present);
	assert_int_equal(got->auxiliary_id, want->auxiliary_id);
	assert_int_equal(got->other_s_interrupts_action, want->other_s_interrupts_action);
	assert_int_equal(got->vm_availability_messages, want->vm_availability_messages);
	assert_int_equal(got->time_slice_mem, want->time_slice_mem);
	assert_int_equal(got->mem_size, want->mem_size);
	assert_int_equal(got->boot_info_node, want->boot_info_node);
	assert_int_equal(got->boot_info_manifest, want->boot_info_manifest);
	assert_int_equal(got->rxtx_present, want->rxtx_present);
	assert_int_equal(got->rx_region, want->rx_region);
	assert_int_equal(got->tx_region, want->tx_region);
	assert_string_equal(got->ignored, want->ignored);
	assert_int_equal(got->managed_exit_virq, want->managed_exit_virq);
	assert_int_equal(got->int_count, want->int_count);
	for (size_t i = 0; i < SP_MAX_INTERRUPTS; i++) {
		assert_int_equal(got->ints[i].id, want->ints[i].id);
		assert_int_equal(got->ints[i].attrs, want->ints[i].attrs);
		assert_int_equal(got->ints[i].has_target, want->ints[i].has_target);
		assert_int_equal(got->ints[i].target_mpidr, want->ints[i].target_mpidr);
	}
	assert_int_equal(got->mem_count, want->mem_count);
	for (size_t i = 0; i < SP_MAX_MEM_REGIONS; i++) {
		assert_region_equal(&got->mem[i], &want->mem[i]);
	}
	assert_int_equal(got->dev_count, want->dev_count);
	for (size_t i = 0; i < SP_MAX_DEV_REGIONS; i++) {
		assert_region_equal(&got->dev[i], &want->dev[i]);
	}
}

static void expect_ok(const void *fdt, size_t size, const struct sp_manifest *want)
{
	struct sp_manifest m;
	char field[96] = "unset";

	memset(&m, 0xA5, sizeof(m));
	assert_int_equal(sp_manifest_parse(fdt, size, &m, field, sizeof(field)), SP_MANIFEST_OK);
	assert_string_equal(field, "");
	assert_manifest_equal(&m, want);
}

/*
 * Parses and requires error `err` naming exactly `want_field`, with the output struct left
 * exactly as it was.
 */
static void expect_err(const void *fdt, size_t size, enum sp_manifest_err err,
		       const char *want_field)
{
	struct sp_manifest m, untouched;
	char field[96] = "unset";

	memset(&m, 0xA5, sizeof(m));
	memset(&untouched, 0xA5, sizeof(untouched));
	assert_int_equal(sp_manifest_parse(fdt, size, &m, field, sizeof(field)), err);
	assert_string_equal(field, want_field);
	assert_memory_equal(&m, &untouched, sizeof(m));
}

static void build_expect_err(const struct opts *o, enum sp_manifest_err err, const char *field)
{
	size_t size = build(o);
	expect_err(blob, size, err, field);
}

static void build_expect_ok(const struct opts *o, const struct sp_manifest *want)
{
	size_t size = build(o);
	expect_ok(blob, size, want);
}

/* Sets one u32 root property to v and requires err naming that property. */
static void u32_err(const char *name, uint32_t v, enum sp_manifest_err err)
{
	const struct opts o = {.set = {{name, 1, {v}, NULL, 0}}};
	build_expect_err(&o, err, name);
}

/* Sets one u32 root property to v and requires success with *want. */
static void u32_ok(const char *name, uint32_t v, const struct sp_manifest *want)
{
	const struct opts o = {.set = {{name, 1, {v}, NULL, 0}}};
	build_expect_ok(&o, want);
}

/* Parses sp1 with one memory region r; requires err naming memory-regions/<node>/<suffix>. */
static void mem_err(const struct region *r, enum sp_manifest_err err, const char *suffix)
{
	const struct opts o = {.mem = r, .nmem = 1};
	char want[96];
	snprintf(want, sizeof(want), "memory-regions/%s/%s", r->node, suffix);
	build_expect_err(&o, err, want);
}

static void dev_err(const struct region *r, enum sp_manifest_err err, const char *suffix)
{
	const struct opts o = {.dev_node = true, .dev = r, .ndev = 1};
	char want[96];
	snprintf(want, sizeof(want), "device-regions/%s/%s", r->node, suffix);
	build_expect_err(&o, err, want);
}

/* sp1.dts parses to exactly the expected struct, also with a larger size argument. */
static void valid_sp1(void **state)
{
	(void)state;
	const struct opts o = {0};
	const struct sp_manifest want = sp1_expected();
	size_t size = build(&o);

	expect_ok(blob, size, &want);
	expect_ok(blob, sizeof(blob_storage), &want);
}

/* sp2.dts: one execution context, other addresses, boot-order 2. */
static void valid_sp2(void **state)
{
	(void)state;
	struct region mem = sp1_mem;
	mem.base = 0x0e440000;
	const struct opts o = {
		.set = {{"uuid", 4, {0x1d5e7a02, 0xee114c2f, 0x42022b9a, 0x0200a1ac}, NULL, 0},
			{"id", 1, {0x8002}, NULL, 0},
			{"description", 0, {0}, "tzv-sp-up", 0},
			{"execution-ctx-count", 1, {1}, NULL, 0}},
		.mem = &mem,
		.nmem = 1,
	};
	const struct opts o2 = {
		.set = {{"load-address", 1, {0xe400000}, NULL, 0}, {"boot-order", 1, {2}, NULL, 0}},
	};
	struct sp_manifest want = sp1_expected();

	/* Two passes: build() takes at most MAX_SET overrides, sp2 differs in six. */
	want.uuids[0][0] = 0x1d5e7a02;
	want.id = 0x8002;
	strcpy(want.description, "tzv-sp-up");
	want.exec_ctx_count = 1;
	want.mem[0].base = 0x0e440000;
	build_expect_ok(&o, &want);

	want = sp1_expected();
	want.load_address = 0xe400000;
	want.boot_order = 2;
	build_expect_ok(&o2, &want);
}

/* Up to four UUIDs, in order; five is TOO_MANY; a length not a multiple of 16 is MISSING. */
static void uuids(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	const struct opts two = {.set = {{"uuid",
					  8,
					  {0x1d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac,
					   0x11111111, 0x22222222, 0x33333333, 0x44444444},
					  NULL,
					  0}}};
	want.uuid_count = 2;
	want.uuids[1][0] = 0x11111111;
	want.uuids[1][1] = 0x22222222;
	want.uuids[1][2] = 0x33333333;
	want.uuids[1][3] = 0x44444444;
	build_expect_ok(&two, &want);

	struct opts four = {.set = {{"uuid", 16, {0}, NULL, 0}}};
	want = sp1_expected();
	want.uuid_count = 4;
	for (uint32_t i = 0; i < 16; i++) {
		four.set[0].cells[i] = 0x10000000U * (i / 4 + 1) + i;
		want.uuids[i / 4][i % 4] = four.set[0].cells[i];
	}
	build_expect_ok(&four, &want);

	struct opts five = {.set = {{"uuid", 20, {0}, NULL, 0}}};
	for (int i = 0; i < 20; i++) {
		five.set[0].cells[i] = 0x1000U + (uint32_t)i;
	}
	build_expect_err(&five, SP_MANIFEST_TOO_MANY, "uuid");

	const struct opts twelve = {.set = {{"uuid", 3, {1, 2, 3}, NULL, 0}}};
	build_expect_err(&twelve, SP_MANIFEST_MISSING, "uuid");
	const struct opts twenty = {.set = {{"uuid", 5, {1, 2, 3, 4, 5}, NULL, 0}}};
	build_expect_err(&twenty, SP_MANIFEST_MISSING, "uuid");
	const struct opts empty = {.set = {{"uuid", 0, {0}, NULL, 0}}};
	build_expect_err(&empty, SP_MANIFEST_MISSING, "uuid");
}

/* The nil UUID (it means "all partitions" in FFA_PARTITION_INFO_GET) is rejected anywhere. */
static void nil_uuid(void **state)
{
	(void)state;
	const struct opts nil = {.set = {{"uuid", 4, {0, 0, 0, 0}, NULL, 0}}};
	build_expect_err(&nil, SP_MANIFEST_BAD_VALUE, "uuid");
	const struct opts second = {
		.set = {{"uuid",
			 8,
			 {0x1d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac, 0, 0, 0, 0},
			 NULL,
			 0}}};
	build_expect_err(&second, SP_MANIFEST_BAD_VALUE, "uuid");

	/* Only all-zero is nil. */
	struct sp_manifest want = sp1_expected();
	const struct opts almost = {.set = {{"uuid", 4, {0, 0, 0, 1}, NULL, 0}}};
	memset(want.uuids[0], 0, sizeof(want.uuids[0]));
	want.uuids[0][3] = 1;
	build_expect_ok(&almost, &want);
}

/* Every mandatory property, when missing, is MISSING naming that property. */
static void missing_mandatory(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mandatory); i++) {
		const struct opts o = {.drop = {mandatory[i]}};
		build_expect_err(&o, SP_MANIFEST_MISSING, mandatory[i]);
	}
}

/* A u32 property of the wrong length, mandatory or optional, is MISSING (malformed). */
static void wrong_length(void **state)
{
	(void)state;
	const char *const u32_props[] = {
		"ffa-version",
		"id",
		"execution-ctx-count",
		"exception-level",
		"execution-state",
		"xlat-granule",
		"boot-order",
		"messaging-method",
		"ns-interrupts-action",
		"gp-register-num",
		"power-management-messages",
	};
	for (size_t i = 0; i < ARRAY_SIZE(u32_props); i++) {
		const struct opts two = {.set = {{u32_props[i], 2, {0, 1}, NULL, 0}}};
		build_expect_err(&two, SP_MANIFEST_MISSING, u32_props[i]);
		const struct opts none = {.set = {{u32_props[i], 0, {0}, NULL, 0}}};
		build_expect_err(&none, SP_MANIFEST_MISSING, u32_props[i]);
	}
	const struct opts load3 = {.set = {{"load-address", 3, {0, 0, 0xe300000}, NULL, 0}}};
	build_expect_err(&load3, SP_MANIFEST_MISSING, "load-address");
	const struct opts ep0 = {.set = {{"entrypoint-offset", 0, {0}, NULL, 0}}};
	build_expect_err(&ep0, SP_MANIFEST_MISSING, "entrypoint-offset");
}

/* ffa-version: major 1, minor 0..2, bit 31 clear. */
static void ffa_version(void **state)
{
	(void)state;
	const uint32_t bad[] = {0x00020000, 0x00010003, 0x00000002, 0x80010002, 0x0001FFFF};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		u32_err("ffa-version", bad[i], SP_MANIFEST_BAD_VALUE);
	}
	struct sp_manifest want = sp1_expected();
	want.ffa_version = 0x00010000;
	u32_ok("ffa-version", 0x00010000, &want);
	want.ffa_version = 0x00010001;
	u32_ok("ffa-version", 0x00010001, &want);
}

/*
 * id: a 16-bit secure endpoint ID (bit 15), not the SPMD's 0xFFFF; absent is
 * fine. Any other value is ignored (tzvisor picks the ID, as Hafnium, which
 * does not read `id`: OP-TEE's manifest says id = <1>), and reported.
 */
static void partition_id(void **state)
{
	(void)state;
	const uint32_t bad[] = {0x0001, 0x0000, 0x7FFF, 0xFFFF, 0x18001, 0x10000, 0xFFFF8001};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sp_manifest ign = sp1_expected();
		ign.id_present = false;
		ign.id = 0;
		snprintf(ign.ignored, sizeof(ign.ignored), "id (0x%x: not a partition ID)", bad[i]);
		u32_ok("id", bad[i], &ign);
	}
	struct sp_manifest want = sp1_expected();
	want.id = 0xFFFE;
	u32_ok("id", 0xFFFE, &want);
	want.id = 0x8000;
	u32_ok("id", 0x8000, &want);

	const struct opts no_id = {.drop = {"id"}};
	want = sp1_expected();
	want.id_present = false;
	want.id = 0;
	build_expect_ok(&no_id, &want);
}

/* execution-ctx-count 1..8; exception-level S-EL0 or S-EL1; S-EL0 has exactly one context. */
static void contexts_and_level(void **state)
{
	(void)state;
	u32_err("execution-ctx-count", 0, SP_MANIFEST_BAD_VALUE);
	u32_err("execution-ctx-count", 9, SP_MANIFEST_BAD_VALUE);
	u32_err("execution-ctx-count", 0x10001, SP_MANIFEST_BAD_VALUE);
	struct sp_manifest want = sp1_expected();
	want.exec_ctx_count = 8;
	u32_ok("execution-ctx-count", 8, &want);
	want.exec_ctx_count = 1;
	u32_ok("execution-ctx-count", 1, &want);

	u32_err("exception-level", 0, SP_MANIFEST_BAD_VALUE);
	u32_err("exception-level", 3, SP_MANIFEST_BAD_VALUE);

	/* More than one context is wrong for S-EL0, and execution-ctx-count is named. */
	const struct opts sel0_mp = {.set = {{"exception-level", 1, {SP_EL_S_EL0}, NULL, 0},
					     {"execution-ctx-count", 1, {2}, NULL, 0}}};
	build_expect_err(&sel0_mp, SP_MANIFEST_BAD_VALUE, "execution-ctx-count");
	const struct opts sel0_up = {.set = {{"exception-level", 1, {SP_EL_S_EL0}, NULL, 0},
					     {"execution-ctx-count", 1, {1}, NULL, 0}}};
	want = sp1_expected();
	want.exception_level = SP_EL_S_EL0;
	want.exec_ctx_count = 1;
	build_expect_ok(&sel0_up, &want);
}

/* AArch32 and 16K/64K granules are valid in the binding but not implemented. */
static void unsupported_state_and_granule(void **state)
{
	(void)state;
	u32_err("execution-state", 1, SP_MANIFEST_UNSUPPORTED);
	u32_err("xlat-granule", 1, SP_MANIFEST_UNSUPPORTED);
	u32_err("xlat-granule", 2, SP_MANIFEST_UNSUPPORTED);
}

/* load-address page-aligned, one or two cells; entrypoint-offset 4-byte aligned. */
static void addresses(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	u32_err("load-address", 0xe300800, SP_MANIFEST_BAD_VALUE);
	u32_err("load-address", 0xe300004, SP_MANIFEST_BAD_VALUE);
	const struct opts high_unaligned = {
		.set = {{"load-address", 2, {0x1, 0xe300001}, NULL, 0}}};
	build_expect_err(&high_unaligned, SP_MANIFEST_BAD_VALUE, "load-address");

	/* Two cells, high word counts (the region is absolute, so it does not move). */
	const struct opts high = {.set = {{"load-address", 2, {0x1, 0xe300000}, NULL, 0}}};
	want.load_address = 0x10e300000ULL;
	build_expect_ok(&high, &want);

	u32_err("entrypoint-offset", 2, SP_MANIFEST_BAD_VALUE);
	u32_err("entrypoint-offset", 0x4001, SP_MANIFEST_BAD_VALUE);
	const struct opts ep64 = {.set = {{"entrypoint-offset", 2, {0x1, 0x4}, NULL, 0}}};
	want = sp1_expected();
	want.entrypoint_offset = 0x100000004ULL;
	build_expect_ok(&ep64, &want);
	want.entrypoint_offset = 0x4004;
	u32_ok("entrypoint-offset", 0x4004, &want);
}

/* boot-order at most 0xFFFF; messaging-method only bits 0-2, 9, 10. */
static void boot_order_and_messaging(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	u32_err("boot-order", 0x10000, SP_MANIFEST_BAD_VALUE);
	u32_err("boot-order", 0xFFFFFFFF, SP_MANIFEST_BAD_VALUE);
	want.boot_order = 0xFFFF;
	u32_ok("boot-order", 0xFFFF, &want);
	want.boot_order = 0;
	u32_ok("boot-order", 0, &want);

	const uint32_t bad[] = {0x8, 0x10, 0x100, 0x800, 0x80000000, 0x60B};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		u32_err("messaging-method", bad[i], SP_MANIFEST_BAD_VALUE);
	}
	want = sp1_expected();
	want.messaging_method = SP_MSG_VALID_MASK;
	u32_ok("messaging-method", 0x607, &want);
	want.messaging_method = 0;
	u32_ok("messaging-method", 0, &want);
}

/* ns-interrupts-action 0..2; gp-register-num 0..3; power-management-messages bits 0-2. */
static void other_u32_ranges(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	u32_err("ns-interrupts-action", 3, SP_MANIFEST_BAD_VALUE);
	want.ns_interrupts_action = 2;
	u32_ok("ns-interrupts-action", 2, &want);

	want = sp1_expected();
	u32_err("gp-register-num", 4, SP_MANIFEST_BAD_VALUE);
	want.gp_register_num = 3;
	u32_ok("gp-register-num", 3, &want);

	want = sp1_expected();
	u32_err("power-management-messages", 8, SP_MANIFEST_BAD_VALUE);
	u32_err("power-management-messages", 0xF, SP_MANIFEST_BAD_VALUE);
	want.power_management_messages = 7;
	u32_ok("power-management-messages", 7, &want);
}

/* All optional properties and nodes absent: ok, with the *_present flags false. */
static void optional_absent(void **state)
{
	(void)state;
	const struct opts o = {
		.drop = {"id", "description", "entrypoint-offset", "xlat-granule", "boot-order",
			 "ns-interrupts-action", "gp-register-num", "power-management-messages"},
		.no_mem = true,
	};
	struct sp_manifest want = sp1_expected();

	want.description[0] = '\0';
	want.id_present = false;
	want.id = 0;
	want.entrypoint_offset = 0;
	want.boot_order_present = false;
	want.boot_order = 0;
	want.gp_register_present = false;
	memset(&want.mem[0], 0, sizeof(want.mem[0]));
	want.mem_count = 0;
	build_expect_ok(&o, &want);
}

/* notification-support (empty) sets the flag; the binding's other flags and their values. */
static void flags_and_unknown(void **state)
{
	(void)state;
	const struct opts o = {.set = {{"notification-support", 0, {0}, NULL, 0},
				       {"managed-exit", 0, {0}, NULL, 0},
				       {"vm-availability-messages", 1, {3}, NULL, 0},
				       {"time-slice-mem", 0, {0}, NULL, 0}}};
	struct sp_manifest want = sp1_expected();

	want.notification_support = true;
	want.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT; /* the v1.0 flag wins */
	want.vm_availability_messages = SP_VM_CREATED | SP_VM_DESTROYED;
	want.time_slice_mem = true;
	build_expect_ok(&o, &want);

	/* Flags carry no value; a value is malformed. */
	const char *const flags[] = {"managed-exit", "time-slice-mem"};
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const struct opts valued = {.set = {{flags[i], 1, {1}, NULL, 0}}};
		build_expect_err(&valued, SP_MANIFEST_MISSING, flags[i]);
	}
	u32_err("vm-availability-messages", 4, SP_MANIFEST_BAD_VALUE);
	u32_err("vm-availability-messages", 0x80000000, SP_MANIFEST_BAD_VALUE);
	const struct opts vm2 = {.set = {{"vm-availability-messages", 2, {0, 1}, NULL, 0}}};
	build_expect_err(&vm2, SP_MANIFEST_MISSING, "vm-availability-messages");

	/* The primary scheduler is a normal-world VM's role: refused, with or without a value. */
	const struct opts prim = {.set = {{"has-primary-scheduler", 0, {0}, NULL, 0}}};
	build_expect_err(&prim, SP_MANIFEST_BAD_VALUE, "has-primary-scheduler");
	const struct opts prim1 = {.set = {{"has-primary-scheduler", 1, {1}, NULL, 0}}};
	build_expect_err(&prim1, SP_MANIFEST_BAD_VALUE, "has-primary-scheduler");
}

/* auxiliary-id: any 16-bit value. */
static void auxiliary_id(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	want.auxiliary_id_present = true;
	want.auxiliary_id = 0x1234;
	u32_ok("auxiliary-id", 0x1234, &want);
	want.auxiliary_id = 0xFFFF;
	u32_ok("auxiliary-id", 0xFFFF, &want);
	u32_err("auxiliary-id", 0x10000, SP_MANIFEST_BAD_VALUE);
	const struct opts two = {.set = {{"auxiliary-id", 2, {0, 1}, NULL, 0}}};
	build_expect_err(&two, SP_MANIFEST_MISSING, "auxiliary-id");
}

/*
 * Managed exit (ns-interrupts-action 1 or the managed-exit flag) only for
 * S-EL1; other-s-interrupts-action 0-1, queued only with ns-interrupts-action
 * queued.
 */
static void interrupt_actions(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	want.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	u32_ok("ns-interrupts-action", 1, &want);
	const struct opts el0_me = {.set = {{"exception-level", 1, {SP_EL_S_EL0}, NULL, 0},
					    {"execution-ctx-count", 1, {1}, NULL, 0},
					    {"ns-interrupts-action", 1, {1}, NULL, 0}}};
	build_expect_err(&el0_me, SP_MANIFEST_BAD_VALUE, "ns-interrupts-action");
	const struct opts el0_flag = {.set = {{"exception-level", 1, {SP_EL_S_EL0}, NULL, 0},
					      {"execution-ctx-count", 1, {1}, NULL, 0},
					      {"managed-exit", 0, {0}, NULL, 0}}};
	build_expect_err(&el0_flag, SP_MANIFEST_BAD_VALUE, "managed-exit");

	want = sp1_expected();
	want.other_s_interrupts_action = SP_OTHER_S_INT_QUEUED; /* sp1 queues NS interrupts */
	u32_ok("other-s-interrupts-action", 0, &want);
	want.other_s_interrupts_action = SP_OTHER_S_INT_SIGNALED;
	u32_ok("other-s-interrupts-action", 1, &want);
	u32_err("other-s-interrupts-action", 2, SP_MANIFEST_BAD_VALUE);
	const struct opts queued_signaled = {
		.set = {{"ns-interrupts-action", 1, {2}, NULL, 0},
			{"other-s-interrupts-action", 1, {0}, NULL, 0}}};
	build_expect_err(&queued_signaled, SP_MANIFEST_BAD_VALUE, "other-s-interrupts-action");
	const struct opts two = {.set = {{"other-s-interrupts-action", 0, {0}, NULL, 0}}};
	build_expect_err(&two, SP_MANIFEST_MISSING, "other-s-interrupts-action");
}

/* OP-TEE's mem-size: one or two cells, page-aligned, non-zero, not wrapping past load-address. */
static void mem_size(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	want.mem_size = 0xa00000;
	u32_ok("mem-size", 0xa00000, &want);
	const struct opts two = {.set = {{"mem-size", 2, {0x1, 0x0}, NULL, 0}}};
	want.mem_size = 0x100000000ULL;
	build_expect_ok(&two, &want);

	u32_err("mem-size", 0, SP_MANIFEST_BAD_VALUE);
	u32_err("mem-size", 0xa00800, SP_MANIFEST_BAD_VALUE);
	const struct opts wrap = {.set = {{"mem-size", 2, {0xFFFFFFFF, 0xFFF00000}, NULL, 0}}};
	build_expect_err(&wrap, SP_MANIFEST_BAD_VALUE, "mem-size");
	const struct opts three = {.set = {{"mem-size", 3, {0, 0, 0x1000}, NULL, 0}}};
	build_expect_err(&three, SP_MANIFEST_MISSING, "mem-size");
	const struct opts empty = {.set = {{"mem-size", 0, {0}, NULL, 0}}};
	build_expect_err(&empty, SP_MANIFEST_MISSING, "mem-size");
}

static void unknown_nodes(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "vendor-extension"));
	FDT_OK(fdt_property_u32(fdt, "x", 1));
	FDT_OK(fdt_end_node(fdt));
}

/*
 * Properties and nodes outside the binding are ignored, not refused, and
 * listed in `ignored` (root, region nodes), which ends in "..." when full.
 */
static void unknown_listed(void **state)
{
	(void)state;
	struct region r = sp1_mem;
	r.extra[0] = (struct prop){"cacheable", 0, {0}, NULL, 0};
	const struct opts o = {
		.set = {{"vendor,speed", 1, {1}, NULL, 0}, {"lifecycle-support", 0, {0}, NULL, 0}},
		.mem = &r,
		.nmem = 1,
		.nodes = unknown_nodes};
	struct sp_manifest want = sp1_expected();
	strcpy(want.ignored, "vendor,speed, lifecycle-support, vendor-extension/, "
			     "memory-regions/rw-data/cacheable");
	build_expect_ok(&o, &want);

	/* With an ignored id first; then many unknown names: the list ends in "...". */
	const struct opts many = {
		.set = {{"id", 1, {1}, NULL, 0},
			{"a-rather-long-unknown-property-name-one", 0, {0}, NULL, 0},
			{"a-rather-long-unknown-property-name-two", 0, {0}, NULL, 0},
			{"a-rather-long-unknown-property-name-three", 0, {0}, NULL, 0}}};
	size_t size = build(&many);
	struct sp_manifest m;
	char field[96];
	assert_int_equal(sp_manifest_parse(blob, size, &m, field, sizeof(field)), SP_MANIFEST_OK);
	assert_false(m.id_present);
	assert_non_null(strstr(m.ignored, "id (0x1: not a partition ID), a-rather-long"));
	assert_true(strlen(m.ignored) < sizeof(m.ignored));
	assert_string_equal(m.ignored + strlen(m.ignored) - 3, "...");
}

static void boot_info_ok(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "boot-info"));
	add_string(fdt, "compatible", "arm,ffa-manifest-boot-info");
	FDT_OK(fdt_property(fdt, "ffa_manifest", "", 0));
	FDT_OK(fdt_end_node(fdt));
}

static void boot_info_no_flag(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "boot-info"));
	add_string(fdt, "compatible", "arm,ffa-manifest-boot-info");
	FDT_OK(fdt_property_u32(fdt, "odd", 1));
	FDT_OK(fdt_end_node(fdt));
}

static void boot_info_bad_compat(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "boot-info"));
	add_string(fdt, "compatible", "arm,ffa-manifest-memory-regions");
	FDT_OK(fdt_end_node(fdt));
}

static void boot_info_valued(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, "boot-info"));
	add_string(fdt, "compatible", "arm,ffa-manifest-boot-info");
	FDT_OK(fdt_property_u32(fdt, "ffa_manifest", 1));
	FDT_OK(fdt_end_node(fdt));
}

/* The boot-info node (Hafnium's, OP-TEE's manifest has it): compatible, the ffa_manifest flag. */
static void boot_info(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	const struct opts ok = {.nodes = boot_info_ok};
	want.boot_info_node = true;
	want.boot_info_manifest = true;
	build_expect_ok(&ok, &want);

	const struct opts no_flag = {.nodes = boot_info_no_flag};
	want.boot_info_manifest = false;
	strcpy(want.ignored, "boot-info/odd");
	build_expect_ok(&no_flag, &want);

	const struct opts bad = {.nodes = boot_info_bad_compat};
	build_expect_err(&bad, SP_MANIFEST_BAD_COMPAT, "boot-info/compatible");
	const struct opts valued = {.nodes = boot_info_valued};
	build_expect_err(&valued, SP_MANIFEST_MISSING, "boot-info/ffa_manifest");
}

/* rx_tx-info as the test writes it: node name, phandles (0: left out), compatible. */
static const char *rxtx_name = "rx_tx-info";
static uint32_t rxtx_rx = 0x10, rxtx_tx = 0x11;
static bool rxtx_second_node;

static void rxtx_nodes(void *fdt)
{
	FDT_OK(fdt_begin_node(fdt, rxtx_name));
	add_string(fdt, "compatible", "arm,ffa-manifest-rx_tx-buffer");
	if (rxtx_rx != 0) {
		FDT_OK(fdt_property_u32(fdt, "rx-buffer", rxtx_rx));
	}
	if (rxtx_tx != 0) {
		FDT_OK(fdt_property_u32(fdt, "tx-buffer", rxtx_tx));
	}
	FDT_OK(fdt_end_node(fdt));
	if (rxtx_second_node) {
		FDT_OK(fdt_begin_node(fdt, "rx-tx-buffer"));
		add_string(fdt, "compatible", "arm,ffa-manifest-rx_tx-buffer");
		FDT_OK(fdt_end_node(fdt));
	}
}

/*
 * rx_tx-info (or the binding's rx-tx-buffer): rx-buffer and tx-buffer are
 * phandles of two different secure read-write memory regions of one size.
 */
static void rxtx_regions(void **state)
{
	(void)state;
	struct region r[3] = {sp1_mem, sp1_mem, sp1_mem};
	r[1].node = "rx";
	r[1].desc = "rx";
	r[1].base = 0x0e380000;
	r[1].pages = 1;
	r[1].extra[0] = (struct prop){"phandle", 1, {0x10}, NULL, 0};
	r[2].node = "tx";
	r[2].desc = "tx";
	r[2].base = 0x0e381000;
	r[2].pages = 1;
	r[2].extra[0] = (struct prop){"phandle", 1, {0x11}, NULL, 0};
	const struct opts o = {.mem = r, .nmem = 3, .nodes = rxtx_nodes};
	struct sp_manifest want = sp1_expected();
	for (unsigned int i = 1; i < 3; i++) {
		strcpy(want.mem[i].name, r[i].desc);
		want.mem[i].base = r[i].base;
		want.mem[i].pages = 1;
		want.mem[i].attrs = SP_REGION_R | SP_REGION_W;
	}
	want.mem_count = 3;
	want.rxtx_present = true;
	want.rx_region = 1;
	want.tx_region = 2;
	build_expect_ok(&o, &want);
	rxtx_name = "rx-tx-buffer"; /* the binding's name */
	build_expect_ok(&o, &want);
	rxtx_name = "rx_tx-info";

	rxtx_second_node = true; /* both names: which one? */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx-tx-buffer");
	rxtx_second_node = false;
	rxtx_tx = 0x10; /* the same region twice */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/tx-buffer");
	rxtx_tx = 0x12; /* no such phandle */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/tx-buffer");
	rxtx_tx = 0;
	build_expect_err(&o, SP_MANIFEST_MISSING, "rx_tx-info/tx-buffer");
	rxtx_tx = 0x11;
	r[2].pages = 2; /* sizes differ */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/tx-buffer");
	r[2].pages = 1;
	r[1].attrs = 0x1; /* read-only */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/rx-buffer");
	r[1].attrs = 0xb; /* non-secure */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/rx-buffer");
	r[1].attrs = 0x7; /* executable */
	build_expect_err(&o, SP_MANIFEST_BAD_VALUE, "rx_tx-info/rx-buffer");
	r[1].attrs = 0x3;
	r[1].extra[0].ncells = 2; /* a malformed phandle */
	build_expect_err(&o, SP_MANIFEST_MISSING, "memory-regions/rx/phandle");
}

/* DMA streams (no SMMU here): refused as unsupported when well-formed, malformed otherwise. */
static void dma_streams(void **state)
{
	(void)state;
	struct region r = sp1_mem;
	r.extra[0] = (struct prop){"smmu-id", 1, {0}, NULL, 0};
	mem_err(&r, SP_MANIFEST_UNSUPPORTED, "smmu-id");
	r.extra[0] = (struct prop){"stream-ids", 2, {1, 2}, NULL, 0};
	mem_err(&r, SP_MANIFEST_UNSUPPORTED, "stream-ids");
	r.extra[0] = (struct prop){"stream-ids-access-permissions", 1, {3}, NULL, 0};
	mem_err(&r, SP_MANIFEST_UNSUPPORTED, "stream-ids-access-permissions");
	r.extra[0] = (struct prop){"smmu-id", 2, {0, 1}, NULL, 0};
	mem_err(&r, SP_MANIFEST_MISSING, "smmu-id");
	r.extra[0] = (struct prop){"stream-ids", 0, {0}, NULL, 0};
	mem_err(&r, SP_MANIFEST_MISSING, "stream-ids");

	struct region d = uart_dev;
	d.extra[0] = (struct prop){"stream-ids", 1, {7}, NULL, 0};
	dev_err(&d, SP_MANIFEST_UNSUPPORTED, "stream-ids");
	/* A memory-region-only property on a device region is not in the binding: ignored. */
	d.extra[0] = (struct prop){"stream-ids-access-permissions", 1, {3}, NULL, 0};
	const struct opts o = {.dev_node = true, .dev = &d, .ndev = 1};
	struct sp_manifest want = sp1_expected();
	strcpy(want.dev[0].name, "uart0");
	want.dev[0].base = 0x09040000;
	want.dev[0].pages = 1;
	want.dev[0].attrs = 0x3;
	want.dev_count = 1;
	strcpy(want.ignored, "device-regions/uart/stream-ids-access-permissions");
	build_expect_ok(&o, &want);
}

/* exclusive-access (device regions): a flag. */
static void exclusive_access(void **state)
{
	(void)state;
	struct region d = uart_dev;
	d.extra[0] = (struct prop){"exclusive-access", 0, {0}, NULL, 0};
	const struct opts o = {.dev_node = true, .dev = &d, .ndev = 1};
	struct sp_manifest want = sp1_expected();
	strcpy(want.dev[0].name, "uart0");
	want.dev[0].base = 0x09040000;
	want.dev[0].pages = 1;
	want.dev[0].attrs = 0x3;
	want.dev[0].exclusive = true;
	want.dev_count = 1;
	build_expect_ok(&o, &want);
	d.extra[0].ncells = 1;
	dev_err(&d, SP_MANIFEST_MISSING, "exclusive-access");
}

/* description: truncated to SP_NAME_LEN - 1; not NUL-terminated reads as empty. */
static void description(void **state)
{
	(void)state;
	struct sp_manifest want = sp1_expected();

	const struct opts longer = {
		.set = {{"description", 0, {0}, "a-description-longer-than-31-bytes", 0}}};
	strcpy(want.description, "a-description-longer-than-31-by");
	build_expect_ok(&longer, &want);

	const struct opts unterminated = {.set = {{"description", 0, {0}, "tzv-sp-mp", 9}}};
	want.description[0] = '\0';
	build_expect_ok(&unterminated, &want);
}

/* A root compatible other than arm,ffa-manifest-1.0, or none, is BAD_COMPAT. */
static void root_compatible(void **state)
{
	(void)state;
	const struct opts newer = {.compat = "arm,ffa-manifest-1.1"};
	build_expect_err(&newer, SP_MANIFEST_BAD_COMPAT, "compatible");
	const struct opts core = {.compat = "arm,ffa-core-manifest-1.0"};
	build_expect_err(&core, SP_MANIFEST_BAD_COMPAT, "compatible");
	const struct opts none = {.no_compat = true};
	build_expect_err(&none, SP_MANIFEST_BAD_COMPAT, "compatible");

	static const char list[] = "vendor,sp\0" COMPAT;
	const struct opts in_list = {.compat = list, .compat_len = sizeof(list)};
	const struct sp_manifest want = sp1_expected();
	build_expect_ok(&in_list, &want);
}

/* load-address-relative-offset is resolved against load-address; one or two cells. */
static void mem_relative_offset(void **state)
{
	(void)state;
	struct region r = sp1_mem;
	struct sp_manifest want = sp1_expected();

	r.base_cells = 0;
	r.off_cells = 1;
	r.off = 0x40000;
	const struct opts o = {.mem = &r, .nmem = 1};
	want.mem[0].base = 0xe300000 + 0x40000;
	want.mem[0].relative = true;
	build_expect_ok(&o, &want);

	r.off_cells = 2;
	r.off = 0x100000000ULL;
	want.mem[0].base = 0x10e300000ULL;
	build_expect_ok(&o, &want);

	/* Offset 0 is the load address itself. */
	r.off = 0;
	want.mem[0].base = 0xe300000;
	build_expect_ok(&o, &want);
}

/* Exactly one of base-address and load-address-relative-offset. */
static void mem_base_choice(void **state)
{
	(void)state;
	struct region r = sp1_mem;

	r.off_cells = 2;
	r.off = 0x40000;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");

	r.base_cells = 0;
	r.off_cells = 0;
	mem_err(&r, SP_MANIFEST_UNSUPPORTED, "base-address");

	r.base_cells = 3; /* 12 bytes */
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");

	r.base_cells = 0;
	r.off_cells = 3;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");
}

/* pages-count and attributes are mandatory and checked. */
static void mem_pages_and_attrs(void **state)
{
	(void)state;
	struct region r = sp1_mem;

	r.pages = 0;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");
	r = sp1_mem;
	r.no_pages = true;
	mem_err(&r, SP_MANIFEST_MISSING, "pages-count");
	r = sp1_mem;
	r.no_attrs = true;
	mem_err(&r, SP_MANIFEST_MISSING, "attributes");

	const uint32_t bad_attrs[] = {0x10, 0x13, 0x0, 0x2, 0x4, 0x6, 0x8, 0xE, 0x80000001};
	for (size_t i = 0; i < ARRAY_SIZE(bad_attrs); i++) {
		r = sp1_mem;
		r.attrs = bad_attrs[i];
		mem_err(&r, SP_MANIFEST_BAD_VALUE, "attributes");
	}

	/* Every combination with read is accepted for memory, execute included. */
	struct sp_manifest want = sp1_expected();
	for (uint32_t a = 1; a <= 0xF; a += 2) {
		r = sp1_mem;
		r.attrs = a;
		const struct opts o = {.mem = &r, .nmem = 1};
		want.mem[0].attrs = a;
		build_expect_ok(&o, &want);
	}
}

/* Bases are page-aligned; base + pages * 4K must not wrap (ending at 2^64 wraps). */
static void mem_alignment_and_wrap(void **state)
{
	(void)state;
	struct region r = sp1_mem;

	r.base = 0x0e340800;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");
	r.base = 0x0e340001;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");

	r = sp1_mem;
	r.base_cells = 0;
	r.off_cells = 1;
	r.off = 0x40010;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");

	r = sp1_mem;
	r.base = 0xFFFFFFFFFFFF0000ULL;
	r.pages = 0x11;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");
	r.pages = 0x10; /* ends exactly at 2^64 */
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");
	r.pages = 0xFFFFFFFF;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");

	/* One page below the top is fine. */
	r.pages = 0xF;
	const struct opts top = {.mem = &r, .nmem = 1};
	struct sp_manifest want = sp1_expected();
	want.mem[0].base = 0xFFFFFFFFFFFF0000ULL;
	want.mem[0].pages = 0xF;
	build_expect_ok(&top, &want);

	/* load-address + offset wrapping is the base address's fault. */
	r = sp1_mem;
	r.base_cells = 0;
	r.off_cells = 2;
	r.off = 0xFFFFFFFFF1D00000ULL; /* + 0xe300000 = 2^64 */
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");
	r.off = 0xFFFFFFFFF1CFF000ULL; /* + 0xe300000 = 2^64 - 4K: the page itself wraps */
	r.pages = 2;
	mem_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");
}

/* Up to eight memory regions, in order; the ninth is TOO_MANY naming it. */
static void mem_too_many(void **state)
{
	(void)state;
	static const char *const names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"};
	struct region r[9];
	struct sp_manifest want = sp1_expected();

	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		r[i] = sp1_mem;
		r[i].node = names[i];
		r[i].desc = NULL; /* the name is then the node name */
		r[i].base = 0x0e340000 + i * 0x10000;
		r[i].pages = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < SP_MAX_MEM_REGIONS; i++) {
		strcpy(want.mem[i].name, names[i]);
		want.mem[i].base = r[i].base;
		want.mem[i].pages = r[i].pages;
		want.mem[i].attrs = 0x3;
	}
	want.mem_count = SP_MAX_MEM_REGIONS;
	const struct opts eight = {.mem = r, .nmem = 8};
	build_expect_ok(&eight, &want);

	const struct opts nine = {.mem = r, .nmem = 9};
	build_expect_err(&nine, SP_MANIFEST_TOO_MANY, "memory-regions/r8");

	/* An empty memory-regions node is fine. */
	const struct opts none = {.mem = r, .nmem = 0};
	want = sp1_expected();
	memset(&want.mem[0], 0, sizeof(want.mem[0]));
	want.mem_count = 0;
	build_expect_ok(&none, &want);
}

/* The memory-regions and device-regions nodes need their compatible strings. */
static void region_compatibles(void **state)
{
	(void)state;
	const struct opts dev_compat = {.mem_compat = DEV_COMPAT};
	build_expect_err(&dev_compat, SP_MANIFEST_BAD_COMPAT, "memory-regions/compatible");
	const struct opts rxtx = {.mem_compat = "arm,ffa-manifest-rx_tx-buffer"};
	build_expect_err(&rxtx, SP_MANIFEST_BAD_COMPAT, "memory-regions/compatible");
	const struct opts none = {.no_mem_compat = true};
	build_expect_err(&none, SP_MANIFEST_BAD_COMPAT, "memory-regions/compatible");

	const struct opts dev_wrong = {
		.dev_node = true, .dev_compat = MEM_COMPAT, .dev = &uart_dev, .ndev = 1};
	build_expect_err(&dev_wrong, SP_MANIFEST_BAD_COMPAT, "device-regions/compatible");
}

/* Device regions: base-address mandatory, never executable, no relative offsets. */
static void device_regions(void **state)
{
	(void)state;
	struct region d[2] = {uart_dev, uart_dev};
	struct sp_manifest want = sp1_expected();

	d[1].node = "rtc";
	d[1].desc = NULL;
	d[1].base = 0x09010000;
	d[1].pages = 2;
	d[1].attrs = SP_REGION_R | SP_REGION_W | SP_REGION_NS;
	const struct opts two = {.dev_node = true, .dev = d, .ndev = 2};
	strcpy(want.dev[0].name, "uart0");
	want.dev[0].base = 0x09040000;
	want.dev[0].pages = 1;
	want.dev[0].attrs = 0x3;
	strcpy(want.dev[1].name, "rtc");
	want.dev[1].base = 0x09010000;
	want.dev[1].pages = 2;
	want.dev[1].attrs = 0xB;
	want.dev_count = 2;
	build_expect_ok(&two, &want);

	struct region r = uart_dev;
	r.attrs = 0x7;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "attributes");
	r.attrs = 0x5;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "attributes");
	r.attrs = 0x2;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "attributes");

	r = uart_dev;
	r.base_cells = 0;
	dev_err(&r, SP_MANIFEST_MISSING, "base-address");
	r.off_cells = 1; /* ignored for devices: still no base */
	r.off = 0x1000;
	dev_err(&r, SP_MANIFEST_MISSING, "base-address");

	r = uart_dev;
	r.pages = 0;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "pages-count");
	r = uart_dev;
	r.no_attrs = true;
	dev_err(&r, SP_MANIFEST_MISSING, "attributes");
	r = uart_dev;
	r.base = 0x09040004;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "base-address");

	struct region nine[9];
	static const char *const names[] = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"};
	for (size_t i = 0; i < ARRAY_SIZE(nine); i++) {
		nine[i] = uart_dev;
		nine[i].node = names[i];
	}
	const struct opts too_many = {.dev_node = true, .dev = nine, .ndev = 9};
	build_expect_err(&too_many, SP_MANIFEST_TOO_MANY, "device-regions/d8");
}

/*
 * A device region's `interrupts`: <INTID attributes> pairs over all regions,
 * in order; only SPIs (32-1019, type 2), a secure one with a priority below
 * 0x80, no INTID twice, SP_MAX_INTERRUPTS in all; malformed lists refused.
 */
static void device_interrupts(void **state)
{
	(void)state;
	struct region d[2] = {uart_dev, uart_dev};
	struct sp_manifest want = sp1_expected();

	d[0].int_cells = 4;
	d[0].ints[0] = 34;
	d[0].ints[1] = 0xb20; /* SPI, level, secure, priority 0x20 */
	d[0].ints[2] = 1019;
	d[0].ints[3] = 0x8a0; /* SPI, edge, non-secure, priority 0xa0 */
	d[1].node = "rtc";
	d[1].base = 0x09010000;
	d[1].int_cells = 2;
	d[1].ints[0] = 32;
	d[1].ints[1] = 0xb7f;
	const struct opts two = {.dev_node = true, .dev = d, .ndev = 2};
	for (unsigned int i = 0; i < 2; i++) {
		strcpy(want.dev[i].name, "uart0");
		want.dev[i].base = d[i].base;
		want.dev[i].pages = 1;
		want.dev[i].attrs = 0x3;
	}
	want.dev_count = 2;
	want.ints[0] = (struct sp_interrupt){34, 0xb20, false, 0};
	want.ints[1] = (struct sp_interrupt){1019, 0x8a0, false, 0};
	want.ints[2] = (struct sp_interrupt){32, 0xb7f, false, 0};
	want.int_count = 3;
	build_expect_ok(&two, &want);

	/* managed-exit-virq: a flag. */
	const struct opts virq = {.set = {{"managed-exit-virq", 0, {0}, NULL, 0}}};
	struct sp_manifest want_virq = sp1_expected();
	want_virq.managed_exit_virq = true;
	build_expect_ok(&virq, &want_virq);

	static const uint32_t bad[][2] = {
		{31, 0xb20}, /* a PPI's INTID */
		{16, 0xb20}, /* an SGI's */
		{1020, 0xb20}, /* special INTIDs */
		{0xFFFFFFFFU, 0xb20}, {34, 0x320}, /* type SGI */
		{34, 0x720}, /* type PPI */
		{34, 0xf20}, /* type 3 */
		{34, 0xb80}, /* secure with a non-secure priority */
		{34, 0xbff},	      {34, 0x1b20}, /* unknown attribute bits */
		{34, 0x80000b20U},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct region r = uart_dev;
		r.int_cells = 2;
		r.ints[0] = bad[i][0];
		r.ints[1] = bad[i][1];
		dev_err(&r, SP_MANIFEST_BAD_VALUE, "interrupts");
	}

	/* An odd number of cells: not pairs. */
	struct region r = uart_dev;
	r.int_cells = 3;
	r.ints[0] = 34;
	r.ints[1] = 0xb20;
	r.ints[2] = 35;
	dev_err(&r, SP_MANIFEST_MISSING, "interrupts");
	r.int_cells = 1;
	dev_err(&r, SP_MANIFEST_MISSING, "interrupts");

	/* The same INTID twice, in one region or in two. */
	r = uart_dev;
	r.int_cells = 4;
	r.ints[0] = 40;
	r.ints[1] = 0xb20;
	r.ints[2] = 40;
	r.ints[3] = 0xb10;
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "interrupts");
	struct region dup[2] = {uart_dev, uart_dev};
	dup[1].node = "rtc";
	dup[0].int_cells = dup[1].int_cells = 2;
	dup[0].ints[0] = dup[1].ints[0] = 40;
	dup[0].ints[1] = dup[1].ints[1] = 0xb20;
	const struct opts dup_two = {.dev_node = true, .dev = dup, .ndev = 2};
	build_expect_err(&dup_two, SP_MANIFEST_BAD_VALUE, "device-regions/rtc/interrupts");

	/* SP_MAX_INTERRUPTS fit; one more is too many. */
	r = uart_dev;
	want = sp1_expected();
	r.int_cells = 2 * (int)SP_MAX_INTERRUPTS;
	for (unsigned int i = 0; i < SP_MAX_INTERRUPTS; i++) {
		r.ints[2 * i] = 100 + i;
		r.ints[2 * i + 1] = 0xb20;
		want.ints[i] = (struct sp_interrupt){100 + i, 0xb20, false, 0};
	}
	want.int_count = SP_MAX_INTERRUPTS;
	strcpy(want.dev[0].name, "uart0");
	want.dev[0].base = 0x09040000;
	want.dev[0].pages = 1;
	want.dev[0].attrs = 0x3;
	want.dev_count = 1;
	const struct opts full = {.dev_node = true, .dev = &r, .ndev = 1};
	build_expect_ok(&full, &want);
	r.int_cells += 2;
	r.ints[2 * SP_MAX_INTERRUPTS] = 200;
	r.ints[2 * SP_MAX_INTERRUPTS + 1] = 0xb20;
	dev_err(&r, SP_MANIFEST_TOO_MANY, "interrupts");
}

/*
 * `interrupts-target` (Hafnium's binding): <INTID MPIDR-high MPIDR-low>
 * triples in the same device region; each INTID one of that region's
 * interrupts, named once; only affinity bits in the MPIDR. Anything else is
 * refused with the property named; without it no interrupt has a target.
 */
static void interrupts_target(void **state)
{
	(void)state;
	struct region d[2] = {uart_dev, uart_dev};
	struct sp_manifest want = sp1_expected();

	d[0].int_cells = 4;
	d[0].ints[0] = 34;
	d[0].ints[1] = 0xb20;
	d[0].ints[2] = 35;
	d[0].ints[3] = 0xb20;
	d[0].extra[0] =
		(struct prop){"interrupts-target", 6, {35, 0x1, 0x00000302, 34, 0, 1}, NULL, 0};
	d[1].node = "rtc";
	d[1].base = 0x09010000;
	d[1].int_cells = 2;
	d[1].ints[0] = 36;
	d[1].ints[1] = 0xb20;
	const struct opts two = {.dev_node = true, .dev = d, .ndev = 2};
	for (unsigned int i = 0; i < 2; i++) {
		strcpy(want.dev[i].name, "uart0");
		want.dev[i].base = d[i].base;
		want.dev[i].pages = 1;
		want.dev[i].attrs = 0x3;
	}
	want.dev_count = 2;
	want.ints[0] = (struct sp_interrupt){34, 0xb20, true, 0x1};
	want.ints[1] = (struct sp_interrupt){35, 0xb20, true, 0x100000302ULL};
	want.ints[2] = (struct sp_interrupt){36, 0xb20, false, 0};
	want.int_count = 3;
	build_expect_ok(&two, &want);

	/* Another region's interrupt, one it does not have, twice, bits beyond affinity. */
	struct region bad2[2] = {d[0], d[1]};
	bad2[1].extra[0] = (struct prop){"interrupts-target", 3, {34, 0, 1}, NULL, 0};
	const struct opts other = {.dev_node = true, .dev = bad2, .ndev = 2};
	build_expect_err(&other, SP_MANIFEST_BAD_VALUE, "device-regions/rtc/interrupts-target");
	static const uint32_t bad[][6] = {
		{40, 0, 1}, /* not an interrupt of the manifest */
		{34, 0, 1, 34, 0, 2}, /* the same INTID twice */
		{34, 0, 0x01000000U}, /* MT/U bits and Aff2's neighbour: not affinity */
		{34, 0, 0x40000000U}, /* MPIDR.U */
		{34, 0x100, 0}, /* beyond Aff3 */
		{34, 0x80000000U, 0},
	};
	static const int cells[] = {3, 6, 3, 3, 3, 3};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct region r = uart_dev;
		r.int_cells = 2;
		r.ints[0] = 34;
		r.ints[1] = 0xb20;
		r.extra[0] = (struct prop){"interrupts-target", cells[i], {0}, NULL, 0};
		memcpy(r.extra[0].cells, bad[i], sizeof(bad[i]));
		dev_err(&r, SP_MANIFEST_BAD_VALUE, "interrupts-target");
	}
	/* Not triples; empty; targets without interrupts. */
	struct region r = uart_dev;
	r.int_cells = 2;
	r.ints[0] = 34;
	r.ints[1] = 0xb20;
	r.extra[0] = (struct prop){"interrupts-target", 2, {34, 0}, NULL, 0};
	dev_err(&r, SP_MANIFEST_MISSING, "interrupts-target");
	r.extra[0] = (struct prop){"interrupts-target", 4, {34, 0, 0, 1}, NULL, 0};
	dev_err(&r, SP_MANIFEST_MISSING, "interrupts-target");
	r.extra[0] = (struct prop){"interrupts-target", 0, {0}, NULL, 0};
	dev_err(&r, SP_MANIFEST_MISSING, "interrupts-target");
	r.int_cells = 0;
	r.extra[0] = (struct prop){"interrupts-target", 3, {34, 0, 0}, NULL, 0};
	dev_err(&r, SP_MANIFEST_BAD_VALUE, "interrupts-target");
}

/* Parses the first n bytes of blob from a heap copy of exactly n bytes (freed before returning). */
static enum sp_manifest_err parse_copy(size_t n, struct sp_manifest *m, char *field,
				       size_t field_len)
{
	void *copy = malloc(n);
	enum sp_manifest_err e;

	assert_non_null(copy);
	memcpy(copy, blob, n);
	e = sp_manifest_parse(copy, n, m, field, field_len);
	free(copy);
	return e;
}

/* A size argument smaller than the header or than fdt_totalsize is BAD_FDT (no read past it). */
static void truncated_blob(void **state)
{
	(void)state;
	const struct opts o = {0};
	size_t size = build(&o);

	expect_err(blob, 0, SP_MANIFEST_BAD_FDT, "header");
	expect_err(blob, sizeof(struct fdt_header) - 1, SP_MANIFEST_BAD_FDT, "header");
	expect_err(blob, sizeof(struct fdt_header), SP_MANIFEST_BAD_FDT, "header");
	expect_err(blob, size - 1, SP_MANIFEST_BAD_FDT, "header");
	expect_err(blob, size / 2, SP_MANIFEST_BAD_FDT, "header");

	/* A heap copy of exactly size - 1 bytes: ASan catches any read past the stated size. */
	struct sp_manifest m, untouched;
	char field[96] = "unset";
	memset(&m, 0xA5, sizeof(m));
	memset(&untouched, 0xA5, sizeof(untouched));
	assert_int_equal(parse_copy(size - 1, &m, field, sizeof(field)), SP_MANIFEST_BAD_FDT);
	assert_string_equal(field, "header");
	assert_memory_equal(&m, &untouched, sizeof(m));

	/* And the exact-size copy parses. */
	const struct sp_manifest want = sp1_expected();
	assert_int_equal(parse_copy(size, &m, field, sizeof(field)), SP_MANIFEST_OK);
	assert_string_equal(field, "");
	assert_manifest_equal(&m, &want);
}

/* Bytes that are not a DTB are BAD_FDT; so is a corrupted structure block. */
static void garbage(void **state)
{
	(void)state;
	static uint32_t junk[64];
	uint32_t x = 0x12345678;

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		x = x * 1664525U + 1013904223U;
		junk[i] = x;
	}
	expect_err(junk, sizeof(junk), SP_MANIFEST_BAD_FDT, "header");
	junk[0] = cpu_to_fdt32(FDT_MAGIC);
	expect_err(junk, sizeof(junk), SP_MANIFEST_BAD_FDT, "header");
	memset(junk, 0, sizeof(junk));
	expect_err(junk, sizeof(junk), SP_MANIFEST_BAD_FDT, "header");
	memset(junk, 0xFF, sizeof(junk));
	expect_err(junk, sizeof(junk), SP_MANIFEST_BAD_FDT, "header");

	/* The final FDT_END of a valid blob overwritten: the header still checks. */
	const struct opts o = {0};
	size_t size = build(&o);
	size_t end = fdt_off_dt_struct(blob) + fdt_size_dt_struct(blob) - 4;
	fdt32_t w;
	memcpy(&w, (uint8_t *)blob + end, sizeof(w));
	assert_int_equal(fdt32_to_cpu(w), FDT_END);
	w = cpu_to_fdt32(FDT_NOP);
	memcpy((uint8_t *)blob + end, &w, sizeof(w));
	assert_int_equal(fdt_check_header(blob), 0);
	expect_err(blob, size, SP_MANIFEST_BAD_FDT, "header");
}

/*
 * A field buffer of 0 or 4 bytes is never overrun (stack arrays of exactly that size: ASan
 * checks), on errors with long field names and on success.
 */
static void short_field_buffer(void **state)
{
	(void)state;
	struct region r = sp1_mem;
	r.off_cells = 1; /* both: "memory-regions/rw-data/base-address" */
	const struct opts bad = {.mem = &r, .nmem = 1};
	const struct opts good = {0};
	struct sp_manifest m, untouched;
	char f4[4]; /* ASan puts redzones right after both */
	char f1[1];
	size_t size;

	memset(&untouched, 0xA5, sizeof(untouched));

	size = build(&bad);
	memset(&m, 0xA5, sizeof(m));
	memset(f4, 'x', 4);
	assert_int_equal(sp_manifest_parse(blob, size, &m, f4, 4), SP_MANIFEST_BAD_VALUE);
	assert_string_equal(f4, "mem");
	assert_memory_equal(&m, &untouched, sizeof(m));

	f1[0] = 'x';
	assert_int_equal(sp_manifest_parse(blob, size, &m, f1, 0), SP_MANIFEST_BAD_VALUE);
	assert_int_equal(f1[0], 'x');
	assert_memory_equal(&m, &untouched, sizeof(m));

	/* Root-level errors and BAD_FDT. */
	assert_int_equal(sp_manifest_parse(blob, 8, &m, f4, 4), SP_MANIFEST_BAD_FDT);
	assert_string_equal(f4, "hea");
	assert_int_equal(sp_manifest_parse(blob, 8, &m, f1, 0), SP_MANIFEST_BAD_FDT);
	assert_int_equal(f1[0], 'x');
	const struct opts root = {.drop = {"execution-ctx-count"}};
	size = build(&root);
	assert_int_equal(sp_manifest_parse(blob, size, &m, f4, 4), SP_MANIFEST_MISSING);
	assert_string_equal(f4, "exe");
	assert_int_equal(sp_manifest_parse(blob, size, &m, f1, 0), SP_MANIFEST_MISSING);
	assert_int_equal(f1[0], 'x');
	assert_memory_equal(&m, &untouched, sizeof(m));

	/* Success passes through the region code (which writes field) too. */
	const struct sp_manifest want = sp1_expected();
	size = build(&good);
	memset(f4, 'x', 4);
	assert_int_equal(sp_manifest_parse(blob, size, &m, f4, 4), SP_MANIFEST_OK);
	assert_string_equal(f4, "");
	assert_manifest_equal(&m, &want);
	memset(&m, 0xA5, sizeof(m));
	assert_int_equal(sp_manifest_parse(blob, size, &m, f1, 0), SP_MANIFEST_OK);
	assert_int_equal(f1[0], 'x');
	assert_manifest_equal(&m, &want);
}

/* sp_manifest_strerror gives a non-empty, distinct string for every code (and unknown ones). */
static void strerror_strings(void **state)
{
	(void)state;
	const enum sp_manifest_err all[] = {
		SP_MANIFEST_OK,	      SP_MANIFEST_BAD_FDT,	SP_MANIFEST_BAD_COMPAT,
		SP_MANIFEST_MISSING,  SP_MANIFEST_BAD_VALUE,	SP_MANIFEST_UNSUPPORTED,
		SP_MANIFEST_TOO_MANY, (enum sp_manifest_err)99,
	};
	ASSERT_MESSAGES_DISTINCT(sp_manifest_strerror, all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_sp1),
		cmocka_unit_test(valid_sp2),
		cmocka_unit_test(uuids),
		cmocka_unit_test(nil_uuid),
		cmocka_unit_test(missing_mandatory),
		cmocka_unit_test(wrong_length),
		cmocka_unit_test(ffa_version),
		cmocka_unit_test(partition_id),
		cmocka_unit_test(contexts_and_level),
		cmocka_unit_test(unsupported_state_and_granule),
		cmocka_unit_test(addresses),
		cmocka_unit_test(boot_order_and_messaging),
		cmocka_unit_test(other_u32_ranges),
		cmocka_unit_test(optional_absent),
		cmocka_unit_test(flags_and_unknown),
		cmocka_unit_test(auxiliary_id),
		cmocka_unit_test(interrupt_actions),
		cmocka_unit_test(mem_size),
		cmocka_unit_test(unknown_listed),
		cmocka_unit_test(boot_info),
		cmocka_unit_test(rxtx_regions),
		cmocka_unit_test(dma_streams),
		cmocka_unit_test(exclusive_access),
		cmocka_unit_test(description),
		cmocka_unit_test(root_compatible),
		cmocka_unit_test(mem_relative_offset),
		cmocka_unit_test(mem_base_choice),
		cmocka_unit_test(mem_pages_and_attrs),
		cmocka_unit_test(mem_alignment_and_wrap),
		cmocka_unit_test(mem_too_many),
		cmocka_unit_test(region_compatibles),
		cmocka_unit_test(device_regions),
		cmocka_unit_test(device_interrupts),
		cmocka_unit_test(interrupts_target),
		cmocka_unit_test(truncated_blob),
		cmocka_unit_test(garbage),
		cmocka_unit_test(short_field_buffer),
		cmocka_unit_test(strerror_strings),
	};
	return cmocka_run_group_tests_name("sp_manifest", tests, NULL, NULL);
}
