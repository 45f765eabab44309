/*
 * An S-EL1 partition's own stage 1: built, turned on and changed by the
 * partition runtime.
 *
 * Identity-mapped (VA = IPA), a 39-bit VA space, 4 KiB pages, EL1 access
 * only, built with tzvisor's page-table library (core/mm.c, MM_STAGE1_EL1)
 * from a static pool of table pages in .bss:
 *   - text read-only executable, rodata read-only, data and .bss (stacks,
 *     the table pool) read-write execute-never, from the link (sp.ld.S);
 *   - the FF-A boot information and the manifest: read-only;
 *   - the manifest's memory regions by their attributes (read-only or
 *     read-write; executable only if read-only; NS: the Non-secure IPA
 *     space), except the image's own pages, whose mappings above stay; its
 *     device regions as Device-nGnRnE, never executable.
 * Context 0 maps the image and the first page of the boot information with
 * its MMU off (sp_mmu_init, from start.S). As in tzvisor's own boot, the
 * library's page allocator then takes its lock on Device memory, an atomic
 * that the architecture leaves IMPLEMENTATION DEFINED there (QEMU performs
 * it). With the MMU on it reads the boot information and the manifest and
 * maps the rest (sp_mmu_boot). Every context turns its MMU on with these
 * tables when it enters (start.S), also when CPU_ON restarts it.
 *
 * sp_map/sp_unmap (sp.h) change the tables at run time from any context,
 * under map_lock (then the page allocator's lock): replacing or removing a
 * live entry is break-before-make, with broadcast TLB invalidation (the
 * partition's other contexts run on other cores; the entries are global,
 * tagged with the partition's VMID by the SPMC's stage 2).
 */
#include <string.h>

#include "arch/aarch64/sysreg.h"
#include "core/mm.h"
#include "core/palloc.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "ffa/ffa.h"
#include "mmu_regs.h"
#include "sp.h"
#include "spmc/sp_manifest.h"

#define SP_VA_BITS 39U
#define SP_MMU_POOL_PAGES 16U
/* Invalidate page by page up to this many pages; the whole VMID's stage 1 beyond. */
#define TLBI_MAX_PAGES 16U
/* A boot information blob larger than this is not believed. */
#define BOOT_INFO_MAX (16U * 1024U)
#define SP_MAP_ATTRS (MM_W | MM_X | MM_DEVICE | MM_NC | MM_NS)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[];

static uint8_t pool_pages[SP_MMU_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct palloc pool;
static struct mm_ptable s1;
static struct spinlock map_lock;
static struct sp_manifest manifest;
static bool manifest_ok;
/* Read by start.S with the MMU off: a cache line of its own. */
uint64_t sp_mmu_regs[SP_MMU_REGS] __attribute__((aligned(64)));

/*
 * The mm.c hook for break-before-make: the old entry is invalid in memory,
 * now drop what any core of this partition cached from it.
 */
static void tlb_inval(const struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	(void)pt;
	dsb(ishst);
	if (size <= TLBI_MAX_PAGES * PAGE_SIZE) {
		for (uint64_t a = va; a < va + size; a += PAGE_SIZE) {
			__asm__ volatile("tlbi vaae1is, %0" : : "r"(a >> PAGE_SHIFT) : "memory");
		}
	} else {
		__asm__ volatile("tlbi vmalle1is" ::: "memory");
	}
	dsb(ish);
	isb();
}

static uintptr_t addr(const char *sym)
{
	return (uintptr_t)sym;
}

/* [base, base + size) widened to pages; 0 (nothing) for an empty range. */
static int map_pages(uint64_t base, uint64_t size, unsigned int attrs)
{
	uint64_t end;

	if (size == 0) {
		return MM_OK;
	}
	if (!range_end(base, size, &end) || end > UINT64_MAX - PAGE_SIZE) {
		return MM_EINVAL;
	}
	base = ALIGN_DOWN(base, PAGE_SIZE);
	return mm_map(&s1, base, base, ALIGN_UP(end, PAGE_SIZE) - base, attrs);
}

static void boot_map(const char *what, uint64_t base, uint64_t size, unsigned int attrs)
{
	int rc = map_pages(base, size, attrs);

	if (rc != MM_OK) {
		panic("stage 1: cannot map the %s (0x%llx+0x%llx): error %d", what,
		      (unsigned long long)base, (unsigned long long)size, rc);
	}
}

void sp_mmu_init(uint64_t boot_info);
void sp_mmu_init(uint64_t boot_info)
{
	if (palloc_init(&pool, (uintptr_t)pool_pages, SP_MMU_POOL_PAGES) != 0 ||
	    mm_init(&s1, MM_STAGE1_EL1, SP_VA_BITS, &pool) != MM_OK) {
		panic("stage 1: no table pool");
	}
	s1.tlb_inval = tlb_inval;
	boot_map("text", addr(__text_start), addr(__text_end) - addr(__text_start), MM_RX);
	boot_map("rodata", addr(__rodata_start), addr(__rodata_end) - addr(__rodata_start), MM_R);
	boot_map("data", addr(__data_start), addr(__data_end) - addr(__data_start), MM_RW);
	boot_map("bss", addr(__bss_start), addr(__bss_end) - addr(__bss_start), MM_RW);
	if (boot_info != 0) {
		boot_map("boot information", boot_info, 1, MM_R);
	}
	sp_mmu_regs[SP_MMU_MAIR] = MM_MAIR_VALUE;
	sp_mmu_regs[SP_MMU_TCR] = TCR_EL1_39BIT;
	sp_mmu_regs[SP_MMU_TTBR0] = (uint64_t)(uintptr_t)s1.root;
	sp_mmu_regs[SP_MMU_SCTLR] = SCTLR_EL1_MMU_ON;
	/* The tables and the registers are in memory (Device stores) before any walk. */
	dsb(sy);
}

static unsigned int region_attrs(const struct sp_region *r, bool device)
{
	unsigned int a = MM_R;

	if ((r->attrs & SP_REGION_W) != 0) {
		a |= MM_W; /* never also executable */
	} else if ((r->attrs & SP_REGION_X) != 0 && !device) {
		a |= MM_X;
	}
	a |= device ? MM_DEVICE : 0U;
	a |= (r->attrs & SP_REGION_NS) != 0 ? MM_NS : 0U;
	return a;
}

/* A manifest region, but for the pages of the image (text to .bss), mapped above. */
static void map_region(const struct sp_region *r, bool device)
{
	uint64_t base = r->base, end = r->base + (uint64_t)r->pages * PAGE_SIZE;
	uint64_t img_base = addr(__text_start), img_end = addr(__bss_end);
	unsigned int attrs = region_attrs(r, device);
	int rc = MM_OK;

	if (base < img_base) {
		rc = map_pages(base, (end < img_base ? end : img_base) - base, attrs);
	}
	if (rc == MM_OK && end > img_end) {
		uint64_t from = base > img_end ? base : img_end;
		rc = map_pages(from, end - from, attrs);
	}
	if (rc != MM_OK) {
		sp_log("stage 1: %s region %s (0x%llx, %u pages) not mapped: error %d\n",
		       device ? "device" : "memory", r->name, (unsigned long long)r->base, r->pages,
		       rc);
	}
}

static void map_manifest(uint64_t fdt, uint32_t size)
{
	char field[64];

	boot_map("manifest", fdt, size, MM_R);
	enum sp_manifest_err e = sp_manifest_parse((const void *)(uintptr_t)fdt, size, &manifest,
						   field, sizeof(field));
	if (e != SP_MANIFEST_OK) {
		sp_log("manifest: %s: %s: its regions are not mapped\n", field,
		       sp_manifest_strerror(e));
		return;
	}
	manifest_ok = true;
	for (unsigned int i = 0; i < manifest.mem_count; i++) {
		map_region(&manifest.mem[i], false);
	}
	for (unsigned int i = 0; i < manifest.dev_count; i++) {
		map_region(&manifest.dev[i], true);
	}
}

void sp_mmu_boot(uint64_t boot_info);
void sp_mmu_boot(uint64_t boot_info)
{
	const struct ffa_boot_info_header *h = (const void *)(uintptr_t)boot_info;
	uint64_t descs_end;

	if (boot_info == 0 || (h->signature & 0xFFFFU) != FFA_BOOT_INFO_SIGNATURE ||
	    h->blob_size < sizeof(*h) || h->blob_size > BOOT_INFO_MAX ||
	    h->desc_size < sizeof(struct ffa_boot_info_desc) ||
	    !range_end(h->desc_offset, (uint64_t)h->desc_count * h->desc_size, &descs_end) ||
	    descs_end > h->blob_size) {
		sp_log("no FF-A boot information: manifest regions not mapped\n");
		return;
	}
	boot_map("boot information", boot_info, h->blob_size, MM_R);
	for (uint32_t i = 0; i < h->desc_count; i++) {
		const struct ffa_boot_info_desc *d =
			(const void *)(uintptr_t)(boot_info + h->desc_offset +
						  (uint64_t)i * h->desc_size);
		if ((d->type & FFA_BOOT_INFO_TYPE_IMPDEF) == 0 &&
		    (d->type & FFA_BOOT_INFO_TYPE_MASK) == FFA_BOOT_INFO_TYPE_FDT &&
		    (d->flags & FFA_BOOT_INFO_FLAG_CONTENT_MASK) ==
			    FFA_BOOT_INFO_FLAG_CONTENT_ADDR &&
		    d->content != 0 && d->size != 0) {
			map_manifest(d->content, d->size);
			return;
		}
	}
	sp_log("boot information names no manifest: its regions are not mapped\n");
}

const struct sp_manifest *sp_own_manifest(void)
{
	return manifest_ok ? &manifest : NULL;
}

static bool attrs_ok(unsigned int attrs)
{
	return (attrs & ~SP_MAP_ATTRS) == 0 && ((attrs & MM_W) == 0 || (attrs & MM_X) == 0) &&
	       ((attrs & MM_DEVICE) == 0 || (attrs & (MM_X | MM_NC)) == 0);
}

/* The pages the tables live in: remapping them would take the tables away. */
static bool touches_tables(uintptr_t va, size_t size)
{
	uintptr_t t = (uintptr_t)pool_pages;

	return va < t + sizeof(pool_pages) && t < va + size;
}

int sp_map(uintptr_t va, size_t size, unsigned int attrs)
{
	if (!attrs_ok(attrs) || touches_tables(va, size)) {
		return MM_EINVAL;
	}
	sl_lock(&map_lock);
	int rc = mm_map(&s1, va, va, size, attrs);
	/*
	 * Out of table pages: give back the tables that unmapping left empty
	 * (what it maps and unmaps is mostly borrowed memory, from anywhere)
	 * and try again.
	 */
	if (rc == MM_ENOMEM && mm_prune(&s1, 0, (uint64_t)1 << SP_VA_BITS) > 0) {
		rc = mm_map(&s1, va, va, size, attrs);
	}
	/* New entries visible to every walker before anyone is told (the lock's release). */
	dsb(ishst);
	isb();
	sl_unlock(&map_lock);
	return rc;
}

int sp_unmap(uintptr_t va, size_t size)
{
	if (touches_tables(va, size)) {
		return MM_EINVAL;
	}
	sl_lock(&map_lock);
	int rc = mm_unmap(&s1, va, size);
	dsb(ishst);
	isb();
	sl_unlock(&map_lock);
	return rc;
}

bool sp_mmu_lookup(uintptr_t va, unsigned int *attrs)
{
	uint64_t pa;
	unsigned int level;

	sl_lock(&map_lock);
	bool mapped = mm_lookup(&s1, va, &pa, attrs, &level);
	sl_unlock(&map_lock);
	return mapped;
}

size_t sp_mmu_table_pages(void)
{
	return palloc_used(&pool);
}
