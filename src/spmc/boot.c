/*
 * SPMC boot. The primary core builds tzvisor's EL2 stage-1 map, turns the MMU
 * on, copies and parses the manifest, registers the secondary entry point
 * and tells the SPMD it is ready. Secondary cores (CPU_ON) reuse the map.
 */
#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/mm.h"
#include "core/palloc.h"
#include "core/panic.h"
#include "core/types.h"
#include "ffa/mem_share.h"
#include "plat/plat.h"
#include "spmc/bench.h"
#include "spmc/boot_record.h"
#include "spmc/console_rx.h"
#include "spmc/irq.h"
#include "spmc/notif.h"
#include "spmc/partition.h"
#include "spmc/spmc.h"

#include "version.h" /* generated: TZV_VERSION */

#define STAGE1_VA_BITS 39U
/* The most table pages the stage-1 map built at boot may take (checked). */
#define STAGE1_BOOT_PAGES 16U

struct spmc spmc;
struct boot_record boot_record;

/*
 * tzvisor's stage-1 tables: pages of the SPMC's own memory past its image,
 * [__image_end, __spmc_region_end), handed out as needed (palloc zeroes each).
 * The pool is the memory the manifest gives the SPMC, not a fixed array: what
 * tzvisor takes is its image plus the pages its mappings need (9 with the
 * test partitions after the normal world maps its buffers; make bench).
 */
static struct palloc table_pool;
static struct mm_ptable stage1;
static uint8_t manifest_copy[SPMC_MANIFEST_MAX_SIZE] __attribute__((aligned(8)));

extern char __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[],
	__data_start[], __noinit_start[], __image_end[], __bss_start[], __bss_end[],
	__spmc_region_end[];

/*
 * What the primary core writes with the MMU off and reads with it on: .data,
 * .bss, its own stack and the first `table_bytes` of the stage-1 table pool
 * (palloc hands a fresh pool out from its start; never written before). Invalidated before the
 * tables are written (no dirty line may be written back over them later)
 * and again before the MMU goes on (no stale line may be read). Only these
 * ranges: the whole image was ~20,000 lines, ~150,000 instructions for the
 * two passes (make bench, boot.tzvisor.cold.stage1_and_mmu).
 */
static void boot_dcache_inval(unsigned int index, size_t table_bytes)
{
	uintptr_t stack = (uintptr_t)cpu_stacks + (uintptr_t)index * CPU_STACK_SLOT;

	arch_dcache_inval_range((uintptr_t)__data_start,
				(uintptr_t)__noinit_start - (uintptr_t)__data_start);
	arch_dcache_inval_range((uintptr_t)__bss_start,
				(uintptr_t)__bss_end - (uintptr_t)__bss_start);
	arch_dcache_inval_range(stack + CPU_STACK_BYTES, CPU_STACK_BYTES);
	arch_dcache_inval_range((uintptr_t)__image_end, table_bytes);
}

static void map_or_panic(uint64_t base, uint64_t size, unsigned int attrs, const char *what)
{
	int rc = mm_map(&stage1, base, base, size, attrs);

	if (rc != MM_OK) {
		panic("stage-1 map of %s [0x%llx, +0x%llx) failed: %d", what,
		      (unsigned long long)base, (unsigned long long)size, rc);
	}
}

static void stage1_build(uintptr_t manifest_pa)
{
	uintptr_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start;
	uintptr_t data = (uintptr_t)__data_start, end = (uintptr_t)__image_end;

	CHECK(palloc_init(&table_pool, end, ((uintptr_t)__spmc_region_end - end) / PAGE_SIZE) == 0);
	CHECK(mm_init(&stage1, MM_STAGE1, STAGE1_VA_BITS, &table_pool) == MM_OK);
	map_or_panic(text, (uintptr_t)__text_end - text, MM_RX, "text");
	map_or_panic(rodata, (uintptr_t)__rodata_end - rodata, MM_R, "rodata");
	map_or_panic(data, (uintptr_t)__spmc_region_end - data, MM_RW, "data, bss, table pages");
	/* Stack guards (cpu.h): the lower half of each CPU's stack slot stays unmapped. */
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		CHECK(mm_unmap(&stage1, (uintptr_t)cpu_stacks + (uintptr_t)i * CPU_STACK_SLOT,
			       CPU_STACK_BYTES) == MM_OK);
	}
	/*
	 * The SPMC logs on the secure-only UART, so that its lines never
	 * interleave with the normal world's on UART0 (a secure device: NS=0).
	 */
	map_or_panic(plat.secure_uart_base, PAGE_SIZE, MM_RW | MM_DEVICE, "secure uart");
	/*
	 * The GIC: tzvisor configures the Secure side (partitions' interrupts,
	 * its own timer and SGIs: spmc/irq.c) and gives the normal world its
	 * SRI (spmc/notif.c).
	 */
	map_or_panic(plat.gicd_base, GICD_SIZE, MM_RW | MM_DEVICE, "GIC distributor");
	map_or_panic(plat.gicr_base, (uint64_t)MAX_CPUS * GICR_FRAME_STRIDE, MM_RW | MM_DEVICE,
		     "GIC redistributors");
	/* The manifest (read-only, may straddle a page). */
	uintptr_t m = ALIGN_DOWN(manifest_pa, PAGE_SIZE);
	map_or_panic(m, ALIGN_UP(manifest_pa + SPMC_MANIFEST_MAX_SIZE, PAGE_SIZE) - m, MM_R,
		     "manifest");
	stage1.tlb_inval = arch_mm_tlb_inval;
	spmc.stage1 = &stage1;
	CHECK(palloc_used(&table_pool) <= STAGE1_BOOT_PAGES);
}

static void manifest_load(uintptr_t manifest_pa)
{
	const char *field;
	uint64_t end;

	/* The manifest must lie in secure memory; copy it before parsing (it is input). */
	if (manifest_pa == 0 || !range_end(manifest_pa, SPMC_MANIFEST_MAX_SIZE, &end) ||
	    manifest_pa < plat.secure_sram.base ||
	    end > plat.secure_dram.base + plat.secure_dram.size) {
		panic("manifest address 0x%llx is not in secure memory",
		      (unsigned long long)manifest_pa);
	}
	memcpy(manifest_copy, (const void *)manifest_pa, sizeof(manifest_copy));
	enum spmc_manifest_err e =
		spmc_manifest_parse(manifest_copy, sizeof(manifest_copy), &spmc.manifest, &field);
	if (e != SPMC_MANIFEST_OK) {
		panic("SPMC manifest at 0x%llx: %s: %s", (unsigned long long)manifest_pa,
		      field != NULL ? field : "?", spmc_manifest_strerror(e));
	}
	/* Its memory must hold the image and the table pages past it (spmc.ld). */
	const struct spmc_manifest *m = &spmc.manifest;
	if (m->load_address > (uintptr_t)__image_start ||
	    m->load_address + m->binary_size < (uintptr_t)__spmc_region_end) {
		panic("SPMC manifest: load_address 0x%llx + binary_size 0x%llx does not cover "
		      "[0x%llx, 0x%llx), tzvisor's image and table pages",
		      (unsigned long long)m->load_address, (unsigned long long)m->binary_size,
		      (unsigned long long)(uintptr_t)__image_start,
		      (unsigned long long)(uintptr_t)__spmc_region_end);
	}
}

#ifdef TZV_SELFTEST_STACK
/* 256 bytes of frame per call, and a result the compiler cannot fold. */
static volatile uint64_t selftest_depth_limit = UINT64_MAX; /* never reached */

static __attribute__((noinline)) uint64_t selftest_recurse(uint64_t depth)
{
	volatile uint8_t frame[256];
	if (depth == selftest_depth_limit) {
		return 0;
	}
	frame[depth % sizeof(frame)] = (uint8_t)depth;
	return selftest_recurse(depth + 1) + frame[0];
}
#endif

/* Notice level: the banner, the manifest summary and the partition table. */
static void banner(uintptr_t manifest_pa, uint64_t core_id)
{
	const struct spmc_manifest *m = &spmc.manifest;

	if (!LOG_ENABLED(LOG_LEVEL_NOTICE)) {
		return;
	}
	console_printf(
		"\n"
		"tzvisor %s -- FF-A v%u.%u SPMC at S-EL2 (%s)\n"
		"  entered on core %llu (TF-A core id %llu), image 0x%llx-0x%llx (%llu KiB)\n",
		TZV_VERSION, FFA_VERSION_MAJOR_OF(FFA_VERSION_IMPLEMENTED),
		FFA_VERSION_MINOR_OF(FFA_VERSION_IMPLEMENTED), plat.name,
		(unsigned long long)cpu_index(cpu_this()), (unsigned long long)core_id,
		(unsigned long long)(uintptr_t)__image_start,
		(unsigned long long)(uintptr_t)__image_end,
		(unsigned long long)(((uintptr_t)__image_end - (uintptr_t)__image_start) / 1024));
	console_printf("  manifest @0x%llx: spmc_id 0x%04x, FF-A %u.%u, exec_state %u,\n"
		       "    load_address 0x%llx, entrypoint 0x%llx, binary_size 0x%llx\n",
		       (unsigned long long)manifest_pa, m->spmc_id, m->maj_ver, m->min_ver,
		       m->exec_state, (unsigned long long)m->load_address,
		       (unsigned long long)m->entrypoint, (unsigned long long)m->binary_size);
	console_printf(
		"  stage-1: %u-bit VA, %zu table pages used, taken from the %zu free past the "
		"image\n",
		STAGE1_VA_BITS, palloc_used(&table_pool), table_pool.pages);
	console_printf("  notifications: schedule-receiver interrupt SGI %u (non-secure), "
		       "bitmaps for up to %u VMs\n",
		       SPMC_SRI_INTID, SPMC_MAX_VMS);
	partitions_print_table();
}

/* A call to the SPMD during initialisation; panics on an FFA_ERROR answer. */
static struct ffa_value spmd_call(uint64_t fid, uint64_t x1, const char *what)
{
	struct ffa_value v = {.x = {fid, x1}};

	arch_smc(&v);
	if ((uint32_t)v.x[0] == FFA_ERROR_32) {
		panic("%s refused by the SPMD: error %d", what, (int)(int32_t)v.x[2]);
	}
	return v;
}

static void cpu_up(unsigned int index, bool cold)
{
	struct cpu *c = &cpus[index];

	c->index = index;
	c->mpidr = arch_mpidr();
	c->on = true;
	c->boots++;
	(void)cold;
}

#ifdef TZV_BENCH
struct spmc_bench_cpu spmc_bench[MAX_CPUS];

struct ffa_value bench_query_answer(const struct ffa_value *req)
{
	uint32_t sel = (uint32_t)req->x[2], n = sel & ~TZV_BENCH_SELECTOR_KIND;
	const struct boot_record *rec = &boot_record;
	const struct spmc_bench_cpu *b = bench_this();
	struct ffa_value ans = {.x = {FFA_SUCCESS_32}};

	switch (sel & TZV_BENCH_SELECTOR_KIND) {
	case TZV_BENCH_LAST_CALL:
		if (n != 0) {
			break;
		}
		ans.x[2] = b->last_total;
		ans.x[3] = b->last_guest;
		return ans;
	case TZV_BENCH_BOOT_STEP:
		if (n >= BOOT_STEPS) {
			break;
		}
		ans.x[2] = rec->step[n];
		return ans;
	case TZV_BENCH_SP_LOADED:
		if (n >= SPMC_MAX_SPS) {
			break;
		}
		ans.x[2] = rec->loaded[n];
		ans.x[3] = rec->loaded_id[n];
		return ans;
	case TZV_BENCH_SP_BOOTED:
		if (n >= SPMC_MAX_SPS) {
			break;
		}
		ans.x[2] = rec->booted[n];
		ans.x[3] = rec->booted_id[n];
		ans.x[4] = rec->booted_inside[n];
		return ans;
	case TZV_BENCH_WARM:
		if (n >= MAX_CPUS) {
			break;
		}
		for (unsigned int i = 0; i < WARM_STEPS; i++) {
			ans.x[2 + i] = rec->warm[n].step[i];
		}
		ans.x[2 + WARM_STEPS] = rec->warm[n].boots;
		return ans;
	case TZV_BENCH_POOL:
		if (n >= SPMC_POOLS) {
			break;
		}
		if (n == SPMC_POOL_STAGE1) {
			ans.x[2] = palloc_used(&table_pool);
			ans.x[3] = table_pool.pages;
			ans.x[4] = palloc_peak(&table_pool);
		} else {
			size_t used, pages, peak;
			partitions_pool_stats(n, &used, &pages, &peak);
			ans.x[2] = used;
			ans.x[3] = pages;
			ans.x[4] = peak;
		}
		return ans;
	default:
		break;
	}
	return ffa_error_value(FFA_NOT_SUPPORTED);
}
#endif

/* Info level: the primary's boot, step by step (counter ticks: instructions under -icount). */
static void boot_report(void)
{
	const uint64_t *t = boot_record.step;

	LOG_INFO("boot: %llu ticks from entry to FFA_MSG_WAIT: bss and stack %llu, stage 1 and "
		 "MMU %llu, manifest %llu, partitions loaded %llu, banner %llu, SPMD %llu, "
		 "partitions booted %llu, rest %llu\n",
		 (unsigned long long)(t[BOOT_MSG_WAIT] - t[BOOT_ENTRY]),
		 (unsigned long long)(t[BOOT_C_ENTRY] - t[BOOT_ENTRY]),
		 (unsigned long long)(t[BOOT_STAGE1] - t[BOOT_C_ENTRY]),
		 (unsigned long long)(t[BOOT_MANIFEST] - t[BOOT_STAGE1]),
		 (unsigned long long)(t[BOOT_LOADED] - t[BOOT_MANIFEST]),
		 (unsigned long long)(t[BOOT_BANNER] - t[BOOT_LOADED]),
		 (unsigned long long)(t[BOOT_SPMD] - t[BOOT_BANNER]),
		 (unsigned long long)(t[BOOT_BOOTED] - t[BOOT_SPMD]),
		 (unsigned long long)(t[BOOT_MSG_WAIT] - t[BOOT_BOOTED]));
}

void spmc_boot_primary(uintptr_t manifest_pa, uintptr_t hw_config, uint64_t core_id,
		       unsigned int index, uint64_t entry_ticks);
void spmc_boot_primary(uintptr_t manifest_pa, uintptr_t hw_config, uint64_t core_id,
		       unsigned int index, uint64_t entry_ticks)
{
	(void)hw_config;
	boot_record.step[BOOT_ENTRY] = entry_ticks;
	boot_mark(BOOT_C_ENTRY);
	cpu_up(index, true);
	plat_console_init(plat.secure_uart_base);

	boot_dcache_inval(index, STAGE1_BOOT_PAGES * PAGE_SIZE);
	stage1_build(manifest_pa);
	boot_dcache_inval(index, palloc_used(&table_pool) * PAGE_SIZE);
	arch_mm_enable(&stage1);
	boot_mark(BOOT_STAGE1);

	manifest_load(manifest_pa);
	spmc.inst.spmc_id = spmc.manifest.spmc_id;
	spmc.inst.sri_intid = SPMC_SRI_INTID;
	spmc.inst.npi_intid = VINT_NPI;
	spmc.inst.mei_intid = VINT_MANAGED_EXIT;
	ffa_endpoint_init(&spmc.nwd, FFA_NWD_ENDPOINT_ID);
	partitions_cpu_init();
	spmc_notif_cpu_init(index);
	irq_init();
	irq_cpu_init(index);
	mem_share_init();
	boot_mark(BOOT_MANIFEST);
	partitions_load(&spmc.manifest, &stage1, &table_pool);
	irq_boot_config();
	console_rx_init();
	boot_mark(BOOT_LOADED);
	banner(manifest_pa, core_id);
	boot_mark(BOOT_BANNER);
#ifdef TZV_SELFTEST_PANIC
	/* Self-test image only (make test): an unmapped read must give a readable dump. */
	LOG_NOTICE("self-test: reading unmapped address 0x%x\n", TZV_SELFTEST_PANIC);
	(void)*(volatile uint64_t *)(uintptr_t)TZV_SELFTEST_PANIC;
#endif
#ifdef TZV_SELFTEST_STACK
	/* Self-test image only (make test): runaway recursion must hit the guard and say so. */
	LOG_NOTICE("self-test: recursing until the stack overflows\n");
	selftest_recurse(0);
#endif

	struct ffa_value v = spmd_call(FFA_VERSION_32, FFA_VERSION_IMPLEMENTED, "FFA_VERSION");
	uint32_t spmd_version = (uint32_t)v.x[0];
	v = spmd_call(FFA_ID_GET_32, 0, "FFA_ID_GET");
	if ((uint16_t)v.x[2] != spmc.inst.spmc_id) {
		panic("SPMD reports SPMC ID 0x%x, manifest says 0x%x", (unsigned int)v.x[2],
		      spmc.inst.spmc_id);
	}
	spmd_call(FFA_SECONDARY_EP_REGISTER_64, (uintptr_t)spmc_secondary_entry,
		  "FFA_SECONDARY_EP_REGISTER");
	LOG_INFO("SPMD speaks FF-A %u.%u; secondary entry 0x%llx registered\n",
		 FFA_VERSION_MAJOR_OF(spmd_version), FFA_VERSION_MINOR_OF(spmd_version),
		 (unsigned long long)(uintptr_t)spmc_secondary_entry);
	boot_mark(BOOT_SPMD);
	partitions_boot_cpu(index, true);
	boot_mark(BOOT_BOOTED);
	LOG_INFO("core %u ready: FFA_MSG_WAIT\n", index);
	boot_mark(BOOT_MSG_WAIT);
	boot_report();
	spmc_serve();
}

void spmc_boot_secondary(unsigned int index, uint64_t entry_ticks);
void spmc_boot_secondary(unsigned int index, uint64_t entry_ticks)
{
	uintptr_t stack = (uintptr_t)cpu_stacks + (uintptr_t)index * CPU_STACK_SLOT;

	cpu_up(index, false);
	/*
	 * Its stack was written with the MMU off just now, and cached when this
	 * core last ran: no stale line of it may be read once the MMU is on.
	 */
	arch_dcache_inval_range(stack + CPU_STACK_BYTES, CPU_STACK_BYTES);
	arch_mm_enable(&stage1);
	/* Written once the MMU is on, so that no cached copy of the record goes stale. */
	boot_record.warm[index].step[WARM_ENTRY] = entry_ticks;
	boot_mark_warm(index, WARM_MMU);
	partitions_cpu_init();
	spmc_notif_cpu_init(index);
	irq_cpu_init(index);
	partitions_boot_cpu(index, false);
	boot_mark_warm(index, WARM_BOOTED);
	LOG_INFO("core %u up (boot #%u), FFA_MSG_WAIT\n", index, cpus[index].boots);
	boot_record.warm[index].boots = cpus[index].boots;
	boot_mark_warm(index, WARM_MSG_WAIT);
	spmc_serve();
}
