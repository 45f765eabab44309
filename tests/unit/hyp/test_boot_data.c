/*
 * Host tests of what the hypervisor reads and writes at boot: machine
 * discovery from QEMU's own virt DTB (dumped by the build) and from broken
 * ones, the VM manifest parser, guest RAM carving, the guest DTB writer and
 * the emulated PL011.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "fake_arch.h"
#include "hyp/guest_dtb.h"
#include "hyp/machine.h"
#include "hyp/manifest.h"
#include "hyp/ram.h"
#include "dev/vuart.h"

static uint8_t blob[1 << 20];

static size_t load_file(const char *path, void *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

/* --- machine discovery ------------------------------------------------------- */

static void test_machine_qemu_virt(void **state)
{
	(void)state;
	struct machine m;
	const char *where;
	size_t n = load_file(QEMU_VIRT_DTB, blob, sizeof(blob));

	assert_int_equal(machine_parse(blob, n, &m, &where), MACHINE_OK);
	assert_int_equal(m.mem_count, 1);
	assert_int_equal(m.mem[0].base, 0x40000000);
	assert_int_equal(m.mem[0].size, 0x40000000);
	assert_int_equal(m.cpu_count, 4);
	assert_int_equal(m.cpu_mpidr[3], 3);
	assert_int_equal(m.gicd.base, 0x08000000);
	assert_int_equal(m.gicr.base, 0x080A0000);
	assert_int_equal(m.gic_maint_intid, 25);
	assert_int_equal(m.uart.base, 0x09000000);
	assert_int_equal(m.uart_intid, 33);
	assert_int_equal(m.rtc.base, 0x09010000);
	assert_int_equal(m.timer_intid[TIMER_VIRT], 27);
	assert_int_equal(m.timer_intid[TIMER_HYP_PHYS], 26);
	assert_int_equal(m.psci, PSCI_CONDUIT_SMC);
	assert_true(m.psci_0_2);
}

/* Removes a node or property from the QEMU DTB and expects `err`. */
static void broken(const char *path, const char *prop, enum machine_err err)
{
	struct machine m;
	const char *where;
	size_t n = load_file(QEMU_VIRT_DTB, blob, sizeof(blob));
	int node = fdt_path_offset(blob, path);

	assert_true(node >= 0);
	if (prop == NULL) {
		assert_int_equal(fdt_del_node(blob, node), 0);
	} else {
		assert_int_equal(fdt_delprop(blob, node, prop), 0);
	}
	assert_int_equal(machine_parse(blob, n, &m, &where), err);
	assert_true(err == MACHINE_OK || where != NULL);
	assert_true(machine_strerror(err)[0] != '\0');
}

static void test_machine_broken(void **state)
{
	(void)state;
	broken("/psci", "method", MACHINE_ENOPSCI);
	broken("/psci", NULL, MACHINE_ENOPSCI);
	broken("/memory@40000000", NULL, MACHINE_ENOMEM);
	broken("/cpus", NULL, MACHINE_ENOCPU);
	broken("/cpus/cpu@0", "reg", MACHINE_ENOCPU);
	broken("/intc@8000000", "reg", MACHINE_ENOGIC);
	broken("/pl011@9000000", NULL, MACHINE_ENOUART);
	broken("/pl011@9000000", "interrupts", MACHINE_EINTR);
	broken("/timer", NULL, MACHINE_ENOTIMER);
	/* Without #address-cells the default (2) holds; 3 is refused. */
	broken("/", "#address-cells", MACHINE_OK);
	struct machine m;
	const char *where;
	size_t n = load_file(QEMU_VIRT_DTB, blob, sizeof(blob));
	assert_int_equal(fdt_setprop_u32(blob, 0, "#address-cells", 3), 0);
	assert_int_equal(machine_parse(blob, n, &m, &where), MACHINE_ECELLS);
}

static void test_machine_not_a_dtb(void **state)
{
	(void)state;
	struct machine m;
	const char *where;
	size_t n = load_file(QEMU_VIRT_DTB, blob, sizeof(blob));

	assert_int_equal(machine_parse(blob, 16, &m, &where), MACHINE_EBLOB);
	blob[0] ^= 0xFF;
	assert_int_equal(machine_parse(blob, n, &m, &where), MACHINE_EBLOB);
	memset(blob, 0, 4096);
	assert_int_equal(machine_parse(blob, 4096, &m, &where), MACHINE_EBLOB);
}

/* --- the VM manifest ----------------------------------------------------------- */

/* An ffa-partition node: cells < 0 leave a property out. */
struct mffa {
	int64_t id;
	int uuid_cells;
	uint32_t uuid[20];
	int64_t messaging;
	bool notifications;
	int vm_avail_cells; /* vm-availability-messages: 0 leaves it out, else its size in cells */
	uint32_t vm_avail;
};

/* Test VMs leave the fields after the ones they set zero (no ffa-partition node). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct mvm {
	const char *name;
	int vcpus; /* < 0: leave out */
	uint64_t mem;
	uint64_t kernel[2];
	uint64_t initrd[2];
	const char *bootargs;
	const struct mffa *ffa;
	bool scheduler; /* ffa-scheduler */
};

static size_t make_manifest(const char *compat, const struct mvm *list, unsigned int n)
{
	assert_int_equal(fdt_create(blob, 65536), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(fdt_property_string(blob, "compatible", compat), 0);
	for (unsigned int i = 0; i < n; i++) {
		char node[16];
		snprintf(node, sizeof(node), "vm@%u", i + 1);
		assert_int_equal(fdt_begin_node(blob, node), 0);
		assert_int_equal(fdt_property_string(blob, "compatible", "tzvisor,vm"), 0);
		if (list[i].name != NULL) {
			assert_int_equal(fdt_property_string(blob, "vm-name", list[i].name), 0);
		}
		if (list[i].vcpus >= 0) {
			assert_int_equal(fdt_property_u32(blob, "vcpus", (uint32_t)list[i].vcpus),
					 0);
		}
		assert_int_equal(fdt_property_u64(blob, "memory-size", list[i].mem), 0);
		fdt64_t k[2] = {cpu_to_fdt64(list[i].kernel[0]), cpu_to_fdt64(list[i].kernel[1])};
		if (list[i].kernel[1] != 0) {
			assert_int_equal(fdt_property(blob, "kernel", k, sizeof(k)), 0);
		}
		fdt64_t r[2] = {cpu_to_fdt64(list[i].initrd[0]), cpu_to_fdt64(list[i].initrd[1])};
		if (list[i].initrd[1] != 0) {
			assert_int_equal(fdt_property(blob, "initrd", r, sizeof(r)), 0);
		}
		if (list[i].bootargs != NULL) {
			assert_int_equal(fdt_property_string(blob, "bootargs", list[i].bootargs),
					 0);
		}
		if (list[i].scheduler) {
			assert_int_equal(fdt_property(blob, "ffa-scheduler", "", 0), 0);
		}
		const struct mffa *f = list[i].ffa;
		if (f != NULL) {
			assert_int_equal(fdt_begin_node(blob, "ffa-partition"), 0);
			if (f->id >= 0) {
				assert_int_equal(fdt_property_u32(blob, "id", (uint32_t)f->id), 0);
			}
			if (f->uuid_cells >= 0) {
				fdt32_t cells[20];
				for (int c = 0; c < f->uuid_cells; c++) {
					cells[c] = cpu_to_fdt32(f->uuid[c]);
				}
				assert_int_equal(
					fdt_property(blob, "uuid", cells, (int)(4 * f->uuid_cells)),
					0);
			}
			if (f->messaging >= 0) {
				assert_int_equal(fdt_property_u32(blob, "messaging-method",
								  (uint32_t)f->messaging),
						 0);
			}
			if (f->notifications) {
				assert_int_equal(fdt_property(blob, "notification-support", "", 0),
						 0);
			}
			if (f->vm_avail_cells > 0) {
				fdt32_t c[2] = {cpu_to_fdt32(f->vm_avail), 0};
				assert_int_equal(fdt_property(blob, "vm-availability-messages", c,
							      4 * f->vm_avail_cells),
						 0);
			}
			assert_int_equal(fdt_end_node(blob), 0);
		}
		assert_int_equal(fdt_end_node(blob), 0);
	}
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	return fdt_totalsize(blob);
}

#define GOOD                                                                            \
	{                                                                               \
		"linux", 4, 0x10000000, {0x44000000, 0x100000}, {0x46000000, 0x200000}, \
			"console=x"                                                     \
	}
static const char *compat = "tzvisor,hyp-manifest-1.0";

static enum manifest_err parse_one(struct mvm v, char *where)
{
	struct vm_config cfg[VM_MAX];
	unsigned int count;
	size_t n = make_manifest(compat, &v, 1);
	return manifest_parse(blob, n, cfg, &count, where, 64);
}

static void test_manifest_good(void **state)
{
	(void)state;
	struct mvm v[2] = {GOOD, {"vm2", 2, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL}};
	struct vm_config cfg[VM_MAX];
	unsigned int count;
	char where[64];
	size_t n = make_manifest(compat, v, 2);

	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)), MANIFEST_OK);
	assert_int_equal(count, 2);
	assert_string_equal(cfg[0].name, "linux");
	assert_int_equal(cfg[0].vcpus, 4);
	assert_int_equal(cfg[0].mem_size, 0x10000000);
	assert_int_equal(cfg[0].kernel_pa, 0x44000000);
	assert_int_equal(cfg[0].initrd_size, 0x200000);
	assert_string_equal(cfg[0].bootargs, "console=x");
	assert_string_equal(cfg[1].name, "vm2");
	assert_int_equal(cfg[1].initrd_size, 0);
	assert_string_equal(cfg[1].bootargs, "");
}

static void test_manifest_bad(void **state)
{
	(void)state;
	char where[64];
	struct {
		struct mvm v;
		enum manifest_err want;
		const char *where;
	} bad[] = {
		{{NULL, 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL},
		 MANIFEST_EMISSING,
		 "/vm@1/vm-name"},
		{{"", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL},
		 MANIFEST_ENAME,
		 "/vm@1/vm-name"},
		{{"a name", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL}, MANIFEST_ENAME, NULL},
		{{"waytoolongname16", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL},
		 MANIFEST_ENAME,
		 NULL},
		{{"x", -1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL},
		 MANIFEST_EMISSING,
		 "/vm@1/vcpus"},
		{{"x", 0, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL}, MANIFEST_ERANGE, NULL},
		{{"x", 9, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL}, MANIFEST_ERANGE, NULL},
		{{"x", 1, 0x801000, {0x44000000, 0x1000}, {0, 0}, NULL},
		 MANIFEST_ERANGE,
		 "/vm@1/memory-size"},
		{{"x", 1, 0, {0x44000000, 0x1000}, {0, 0}, NULL}, MANIFEST_ERANGE, NULL},
		{{"x", 1, 0x800000, {0, 0}, {0, 0}, NULL}, MANIFEST_EMISSING, "/vm@1/kernel"},
		{{"x", 1, 0x800000, {0x44000800, 0x1000}, {0, 0}, NULL},
		 MANIFEST_ERANGE,
		 "/vm@1/kernel"},
		{{"x", 1, 0x800000, {UINT64_MAX - 0xFFF, 0x2000}, {0, 0}, NULL},
		 MANIFEST_ERANGE,
		 NULL},
		{{"x", 1, 0x800000, {0x44000000, 0x1000}, {0x46000001, 0x10}, NULL},
		 MANIFEST_ERANGE,
		 "/vm@1/initrd"},
		/* Kernel + initrd + DTB slot larger than the VM's memory. */
		{{"x", 1, 0x800000, {0x44000000, 0x400000}, {0x46000000, 0x200000}, NULL},
		 MANIFEST_ERANGE,
		 "/vm@1/memory-size"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum manifest_err e = parse_one(bad[i].v, where);
		if (e != bad[i].want) {
			fail_msg("case %zu: got %s, want %s", i, manifest_strerror(e),
				 manifest_strerror(bad[i].want));
		}
		if (bad[i].where != NULL) {
			assert_string_equal(where, bad[i].where);
		}
	}
}

/* A VM that is an FF-A partition of the emulated SPMC. */
static void test_manifest_ffa_partition(void **state)
{
	(void)state;
	static const struct mffa sp = {0x8001, 8, {1, 2, 3, 4, 5, 6, 7, 8}, 0x607, true};
	struct mvm v[2] = {GOOD, {"sp", 2, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &sp}};
	struct vm_config cfg[VM_MAX];
	unsigned int count;
	char where[64];
	size_t n = make_manifest(compat, v, 2);

	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)), MANIFEST_OK);
	assert_false(cfg[0].ffa.partition);
	assert_true(cfg[1].ffa.partition);
	assert_int_equal(cfg[1].ffa.id, 0x8001);
	assert_int_equal(cfg[1].ffa.uuid_count, 2);
	assert_int_equal(cfg[1].ffa.uuid[0][0], 1);
	assert_int_equal(cfg[1].ffa.uuid[1][3], 8);
	assert_int_equal(cfg[1].ffa.messaging, 0x607);
	assert_true(cfg[1].ffa.notifications);
	assert_int_equal(cfg[1].ffa.vm_availability, 0); /* not subscribed unless it says so */
	static const struct mffa sub = {0x8001, 4, {1, 2, 3, 4}, 0x607, false, 1, 3};
	struct mvm vs[1] = {{"sp", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &sub}};
	n = make_manifest(compat, vs, 1);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)), MANIFEST_OK);
	assert_int_equal(cfg[0].ffa.vm_availability, 3);

	static const struct mffa bad[] = {
		{-1, 4, {1, 2, 3, 4}, 3, false}, /* no ID */
		{0x0001, 4, {1, 2, 3, 4}, 3, false}, /* not a partition's ID */
		{0x8000, 4, {1, 2, 3, 4}, 3, false}, /* the SPMC's */
		{0xFFFF, 4, {1, 2, 3, 4}, 3, false}, /* the SPMD's */
		{0x18001, 4, {1, 2, 3, 4}, 3, false},
		{0x8001, -1, {0}, 3, false}, /* no UUID */
		{0x8001, 5, {1, 2, 3, 4, 5}, 3, false},
		{0x8001, 20, {1}, 3, false}, /* five UUIDs */
		{0x8001, 4, {0, 0, 0, 0}, 3, false}, /* the nil UUID */
		{0x8001, 4, {1, 2, 3, 4}, -1, false}, /* no messaging method */
		{0x8001, 4, {1, 2, 3, 4}, 0x808, false}, /* bits the binding does not have */
		{0x8001, 4, {1, 2, 3, 4}, 3, false, 1, 4}, /* VM availability: bits 0-1 only */
		{0x8001, 4, {1, 2, 3, 4}, 3, false, 2, 1}, /* ... one cell */
	};
	static const char *const bad_where[] = {
		"/vm@1/ffa-partition/id",
		"/vm@1/ffa-partition/id",
		"/vm@1/ffa-partition/id",
		"/vm@1/ffa-partition/id",
		"/vm@1/ffa-partition/id",
		"/vm@1/ffa-partition/uuid",
		"/vm@1/ffa-partition/uuid",
		"/vm@1/ffa-partition/uuid",
		"/vm@1/ffa-partition/uuid",
		"/vm@1/ffa-partition/messaging-method",
		"/vm@1/ffa-partition/messaging-method",
		"/vm@1/ffa-partition/vm-availability-messages",
		"/vm@1/ffa-partition/vm-availability-messages",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mvm b = {"sp", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &bad[i]};
		enum manifest_err e = parse_one(b, where);
		if (e == MANIFEST_OK) {
			fail_msg("case %zu accepted", i);
		}
		assert_string_equal(where, bad_where[i]);
	}
	/* Two partitions with one ID. */
	struct mvm twice[2] = {{"a", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &sp},
			       {"b", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &sp}};
	n = make_manifest(compat, twice, 2);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ERANGE);
	assert_string_equal(where, "/vm@2/ffa-partition/id");
}

/* ffa-scheduler: on one normal VM; not on a partition, not on two VMs. */
static void test_manifest_ffa_scheduler(void **state)
{
	(void)state;
	static const struct mffa sp = {0x8001, 4, {1, 2, 3, 4}, 0x607, true};
	struct mvm v[3] = {
		GOOD, GOOD, {"sp", 1, 0x800000, {0x44000000, 0x1000}, {0, 0}, NULL, &sp}};
	struct vm_config cfg[VM_MAX];
	unsigned int count;
	char where[64];

	v[1].scheduler = true;
	size_t n = make_manifest(compat, v, 3);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)), MANIFEST_OK);
	assert_false(cfg[0].ffa_scheduler);
	assert_true(cfg[1].ffa_scheduler);
	assert_false(cfg[2].ffa_scheduler);
	v[0].scheduler = true; /* two */
	n = make_manifest(compat, v, 3);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ERANGE);
	assert_string_equal(where, "/vm@2/ffa-scheduler");
	v[0].scheduler = v[1].scheduler = false;
	v[2].scheduler = true; /* a partition */
	n = make_manifest(compat, v, 3);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ERANGE);
	assert_string_equal(where, "/vm@3/ffa-scheduler");
}

static void test_manifest_structure(void **state)
{
	(void)state;
	struct vm_config cfg[VM_MAX];
	unsigned int count;
	char where[64];
	struct mvm five[5] = {GOOD, GOOD, GOOD, GOOD, GOOD};
	size_t n = make_manifest(compat, five, 5);

	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ETOOMANY);
	n = make_manifest(compat, five, 0);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ETOOMANY);
	n = make_manifest("someone,else", five, 1);
	assert_int_equal(manifest_parse(blob, n, cfg, &count, where, sizeof(where)),
			 MANIFEST_ECOMPAT);
	assert_int_equal(manifest_parse(blob, 8, cfg, &count, where, sizeof(where)),
			 MANIFEST_EBLOB);
	enum manifest_err codes[] = {MANIFEST_OK,	MANIFEST_EBLOB,	 MANIFEST_ECOMPAT,
				     MANIFEST_EMISSING, MANIFEST_ERANGE, MANIFEST_ETOOMANY,
				     MANIFEST_ENAME};
	ASSERT_MESSAGES_DISTINCT(manifest_strerror, codes);
}

/* --- guest RAM ------------------------------------------------------------------ */

static void test_ram_carving(void **state)
{
	(void)state;
	struct ram r;
	uint64_t pa;

	ram_init(&r);
	assert_true(ram_add(&r, 0x40000000, 0x40000000));
	assert_true(ram_reserve(&r, 0x40000000, 0x200000)); /* tzvisor */
	assert_true(ram_reserve(&r, 0x44000000, 0x1000)); /* an image: splits the range */
	assert_int_equal(ram_free_bytes(&r), 0x40000000 - 0x200000 - 0x1000);
	assert_true(ram_alloc(&r, 0x10000000, 0x200000, &pa));
	assert_int_equal(pa, 0x70000000); /* from the top */
	assert_true(ram_alloc(&r, 0x800000, 0x200000, &pa));
	assert_int_equal(pa, 0x6F800000);
	/* What is left around the image: 0x40200000-0x44000000 and 0x44001000-0x6F800000. */
	assert_false(ram_alloc(&r, 0x40000000, 0x200000, &pa));
	assert_true(ram_alloc(&r, 0x2B600000, 0x200000, &pa));
	assert_int_equal(pa, 0x44200000);
	assert_false(ram_alloc(&r, 0x4000000, 0x200000, &pa));
	assert_true(ram_alloc(&r, 0x3E00000, 0x200000, &pa));
	assert_int_equal(pa, 0x40200000);
	assert_false(ram_alloc(&r, 0x1000, 3, &pa)); /* not a power of two */
	assert_false(ram_add(&r, UINT64_MAX - 10, 100)); /* wraps */
	assert_true(ram_reserve(&r, UINT64_MAX - 10, 100)); /* clamps */
}

/* --- guest DTB ------------------------------------------------------------------ */

static void test_guest_dtb(void **state)
{
	(void)state;
	struct guest_dtb_info g = {.vcpus = 4,
				   .mem_ipa = 0x40000000,
				   .mem_size = 0x10000000,
				   .uart_ipa = 0x09000000,
				   .initrd_ipa = 0x4e000000,
				   .initrd_size = 0x123456,
				   .bootargs = "console=ttyAMA0 rdinit=/init"};
	int n = guest_dtb_build(&g, blob, 65536);
	int len;

	assert_true(n > 0);
	assert_int_equal(fdt_check_full(blob, (size_t)n), 0);
	int chosen = fdt_path_offset(blob, "/chosen");
	assert_string_equal(fdt_getprop(blob, chosen, "bootargs", NULL), g.bootargs);
	assert_string_equal(fdt_getprop(blob, chosen, "stdout-path", NULL), "/pl011@9000000");
	const fdt64_t *ie = fdt_getprop(blob, chosen, "linux,initrd-end", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_to_cpu(*ie), 0x4e000000 + 0x123456);
	assert_true(fdt_path_offset(blob, "/cpus/cpu@3") >= 0);
	assert_true(fdt_path_offset(blob, "/cpus/cpu@4") < 0);
	int psci = fdt_path_offset(blob, "/psci");
	assert_string_equal(fdt_getprop(blob, psci, "method", NULL), "hvc");
	int gic = fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3");
	const fdt64_t *reg = fdt_getprop(blob, gic, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt64_to_cpu(reg[3]), 4 * GUEST_GICR_STRIDE);
	const fdt64_t *mem =
		fdt_getprop(blob, fdt_path_offset(blob, "/memory@40000000"), "reg", &len);
	assert_int_equal(fdt64_to_cpu(mem[1]), 0x10000000);
	/* Too small a buffer: a libfdt error, not an overflow. */
	assert_true(guest_dtb_build(&g, blob, 256) < 0);
	g.initrd_size = 0;
	n = guest_dtb_build(&g, blob, 65536);
	assert_null(
		fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "linux,initrd-start", NULL));
}

/* --- emulated PL011 ------------------------------------------------------------- */

static void test_vuart(void **state)
{
	(void)state;
	struct vuart u;
	uint64_t v;

	fake_console_reset();
	vuart_init(&u, "vm1");
	for (const char *s = "hello\r\nworld\x01\n"; *s != '\0'; s++) {
		v = (uint8_t)*s;
		assert_true(vuart_mmio(&u, 0, 4, true, &v));
	}
	assert_string_equal(fake_console, "[vm1] hello\r\n[vm1] world.\r\n");
	assert_true(vuart_mmio(&u, 0x18, 4, false, &v));
	assert_int_equal(v, 0x90); /* TXFE | RXFE */
	assert_true(vuart_mmio(&u, 0xFE0, 4, false, &v));
	assert_int_equal(v, 0x11);
	assert_true(vuart_mmio(&u, 0xFFC, 4, false, &v));
	assert_int_equal(v, 0xB1);
	assert_false(vuart_irq_level(&u));
	v = 1U << 5; /* TXIM */
	assert_true(vuart_mmio(&u, 0x38, 4, true, &v));
	assert_true(vuart_irq_level(&u));
	assert_false(vuart_mmio(&u, 0, 8, false, &v)); /* 64-bit: refused */
	assert_false(vuart_mmio(&u, 0x2, 4, false, &v)); /* unaligned: refused */
	assert_true(vuart_mmio(&u, 0x800, 4, false, &v)); /* unknown: reads zero */
	assert_int_equal(v, 0);
	/* A line longer than the buffer is cut, not overflowed. */
	fake_console_reset();
	for (unsigned int i = 0; i < 400; i++) {
		v = 'x';
		vuart_mmio(&u, 0, 1, true, &v);
	}
	assert_true(strlen(fake_console) > 300);
	assert_non_null(strstr(fake_console, "[vm1] xxx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machine_qemu_virt),
		cmocka_unit_test(test_machine_broken),
		cmocka_unit_test(test_machine_not_a_dtb),
		cmocka_unit_test(test_manifest_good),
		cmocka_unit_test(test_manifest_bad),
		cmocka_unit_test(test_manifest_ffa_partition),
		cmocka_unit_test(test_manifest_ffa_scheduler),
		cmocka_unit_test(test_manifest_structure),
		cmocka_unit_test(test_ram_carving),
		cmocka_unit_test(test_guest_dtb),
		cmocka_unit_test(test_vuart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
