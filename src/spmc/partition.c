/*
 * Loading and booting secure partitions.
 *
 * BL2 has put each SP package (sptool.py format) at the load address the SPMC
 * manifest gives. For each one the SPMC checks the package header, copies
 * and parses the partition manifest, checks that its memory does not overlap
 * the SPMC or another SP, builds its stage-2 tables (secure IPA space: image,
 * manifest, memory and device regions; non-secure IPA space: NS regions),
 * writes the FF-A boot information blob over the package header, and creates
 * one vCPU per execution context.
 *
 * Supported: S-EL1 partitions, with one execution context (UP: migrates to
 * whichever CPU runs it) or one per CPU (MP: pinned); S-EL0 partitions (one
 * context) at EL0 of the EL1&0 regime, with stage-1 tables built by the SPMC
 * (identity-mapped, EL0 access) and the EL1 shim of el0_shim.S as VBAR_EL1.
 * At CPU_OFF, an MP partition that subscribed (power-management-messages bit
 * 0) is told on that CPU first (spmc_pm_message); its context then restarts
 * at the secondary entry when the CPU comes back.
 * Not yet: relocation (load-address is required), regions without an address.
 */
#include "spmc/partition.h"

#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/arch.h"
#include "core/cpu.h"
#include "core/console.h"
#include "core/fmt.h"
#include "core/panic.h"
#include "core/types.h"
#include "plat/plat.h"
#include "spmc/bench.h"
#include "spmc/discovery.h"
#include "spmc/boot_record.h"
#include "spmc/irq.h"
#include "spmc/run.h"
#include "spmc/sel2.h"
#include "spmc/sp_pkg.h"
#include "spmc/spmc.h"

#define S2_IPA_BITS 39U
/*
 * Table pages, per partition the SPMC manifest lists: for its two stage-2
 * trees (its own regions; memory it borrows, which prunes back when the
 * pool runs dry: spmc/mem.c), shared by all partitions in one pool; and for
 * an S-EL0 partition's stage 1, its own pool.
 */
#define S2_PAGES_PER_SP 24U
#define EL0_S1_PAGES 16U
#define SP_MANIFEST_MAX (16U * 1024U)
/* The GIC distributor's frame (GICv3: 64 KiB). */
#define GICD_SIZE 0x10000U

/* VTCR_EL2 / VSTCR_EL2: 39-bit IPA, 4 KiB granule, walk from level 1, 40-bit PA. */
#define VTCR_T0SZ(bits) (64ULL - (bits))
#define VTCR_SL0_L1 (1ULL << 6)
#define VTCR_WALK_WBWA_ISH ((1ULL << 8) | (1ULL << 10) | (3ULL << 12))
#define VTCR_PS_40BIT (2ULL << 16)
#define VTCR_RES1 (1ULL << 31)
/*
 * The non-secure IPA space: outputs in the non-secure PA space (NSA), its
 * tables walked in the secure PA space (NSW clear): tzvisor allocates them
 * from its own secure memory. (With NSW set the walk reads the same
 * addresses in the non-secure PA space: an external abort.)
 */
#define VTCR_NSA (1ULL << 30)

/*
 * HCR_EL2 for partitions. No HCR_EL2.DC: it would force the EL1&0 stage 1
 * off, and S-EL1 partitions (OP-TEE, Trusted Services, the test partitions)
 * run their own stage 1, which is also their only way to reach the
 * Non-secure IPA space (memory the normal world shares: descriptor NS bit).
 * S-EL0 partitions run under the stage 1 the SPMC builds (vcpu_start). So a
 * partition's accesses with its MMU off are what the architecture makes
 * them: data Device-nGnRnE, instructions Normal non-cacheable (SCTLR_EL1.I
 * clear): whatever the SPMC writes for it to read that early (the boot
 * information) is cleaned to the point of coherency first (write_boot_info).
 */
#define SP_HCR (HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW | HCR_API | HCR_APK | HCR_IMO | HCR_FMO)
/*
 * HCR_EL2.IMO and FMO: every physical interrupt that arrives while a
 * partition runs is tzvisor's (IRQ: Secure Group 1, its own or a partition's;
 * FIQ: the normal world's, or Group 0), and virtual ones are raised with
 * HCR_EL2.VI/VF (spmc/irq.c). EL1 accesses to the GIC's CPU interface go to
 * its virtual interface, which partitions do not use (the paravirtual
 * interface stands for it).
 */
/* CNTKCTL_EL1 of an S-EL0 partition: EL0 reads both counters and uses its physical timer. */
#define CNTKCTL_EL0_COUNTERS_TIMER ((1ULL << 0) | (1ULL << 1) | (1ULL << 9))

/* The boot information blob the SPMC writes: FF-A v1.2 section 5.4, one descriptor. */
struct boot_info_blob {
	struct ffa_boot_info_header h;
	struct ffa_boot_info_desc desc[1];
};

static struct palloc s2_pool;
/* Where partition slots, contexts and pools are carved from (the SPMC's free region). */
static struct palloc *carve_region;
extern char el0_shim_vectors[];
static uint8_t manifest_buf[SP_MANIFEST_MAX] __attribute__((aligned(8)));

/*
 * Memory for `bytes`, whole pages from the top of the SPMC's free region,
 * zeroed if asked (pools need not be: palloc zeroes each page it hands out);
 * NULL if the region is full.
 */
static void *carve(size_t bytes, bool zero)
{
	void *p = (void *)palloc_take_top(carve_region, ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);

	if (p != NULL && zero) {
		memset(p, 0, bytes);
	}
	return p;
}

struct range {
	uint64_t base, end;
};

static bool overlaps(struct range a, struct range b)
{
	return a.base < b.end && b.base < a.end;
}

static bool inside(struct range a, uint64_t base, uint64_t size)
{
	return a.base >= base && a.end <= base + size;
}

/* Every secure range SPs already own, to refuse overlaps. */
static struct range claimed[SPMC_MAX_SPS * (SP_MAX_MEM_REGIONS + 2)];
static unsigned int claimed_count;

static bool claim(struct range r)
{
	for (unsigned int i = 0; i < claimed_count; i++) {
		if (overlaps(claimed[i], r)) {
			return false;
		}
	}
	if (claimed_count == ARRAY_SIZE(claimed)) {
		return false;
	}
	claimed[claimed_count++] = r;
	return true;
}

static unsigned int region_attrs(uint32_t a, bool device)
{
	unsigned int attrs = MM_R;

	attrs |= (a & SP_REGION_W) != 0 ? MM_W : 0U;
	attrs |= (a & SP_REGION_X) != 0 && !device ? MM_X : 0U;
	attrs |= device ? MM_DEVICE : 0U;
	return attrs;
}

/*
 * Maps a range at stage 2 and, for an S-EL0 partition, in the stage 1 the
 * SPMC keeps for it (EL0 access). NS ranges go to the NS IPA space.
 */
static bool sp_map(struct partition *sp, bool ns, uint64_t base, uint64_t size, unsigned int attrs)
{
	if (mm_map(ns ? &sp->s2_ns : &sp->s2, base, base, size, attrs) != MM_OK) {
		return false;
	}
	return !sp->el0 ||
	       mm_map(&sp->s1, base, base, size, attrs | MM_USER | (ns ? MM_NS : 0U)) == MM_OK;
}

/*
 * The EL1 side of an S-EL0 partition: the shim page (EL1 execute only) and
 * its stage-1 table pool, which the table walk reads through the partition's
 * stage 2 (read-only there; EL0 cannot reach it: its stage 1 does not map it,
 * and EL1 runs only the shim). Each S-EL0 partition has a pool of its own.
 */
static bool el0_map_shim(struct partition *sp)
{
	uint64_t shim = (uint64_t)(uintptr_t)el0_shim_vectors;
	uint64_t pool = sp->el0_pool.base;

	return mm_map(&sp->s1, shim, shim, PAGE_SIZE, MM_RX) == MM_OK &&
	       mm_map(&sp->s2, shim, shim, PAGE_SIZE, MM_RX) == MM_OK &&
	       mm_map(&sp->s2, pool, pool, (uint64_t)sp->el0_pool.pages * PAGE_SIZE, MM_R) == MM_OK;
}

/*
 * The blob's version: the partition's FF-A version (its manifest's: it has
 * not called FFA_VERSION yet), v1.1 at least, where the blob first appears
 * (FF-A v1.1 5.4.1). OP-TEE wants exactly 0x10001 from a v1.1 partition.
 */
static uint32_t boot_info_version(uint32_t ffa_version)
{
	return ffa_version < FFA_VERSION_1_1 ? FFA_VERSION_1_1 : ffa_version;
}

static void write_boot_info(struct partition *sp, uint64_t manifest_pa, uint32_t manifest_size)
{
	struct boot_info_blob *b = (struct boot_info_blob *)(uintptr_t)sp->load_address;

	memset(b, 0, sizeof(*b));
	b->h.signature = FFA_BOOT_INFO_SIGNATURE;
	b->h.version = boot_info_version(sp->m.ffa_version);
	b->h.blob_size = sizeof(*b);
	b->h.desc_size = sizeof(struct ffa_boot_info_desc);
	b->h.desc_count = 1;
	b->h.desc_offset = offsetof(struct boot_info_blob, desc);
	memcpy(b->desc[0].name, "manifest", 9);
	b->desc[0].type = FFA_BOOT_INFO_TYPE_FDT;
	b->desc[0].flags = FFA_BOOT_INFO_FLAG_CONTENT_ADDR;
	b->desc[0].size = manifest_size;
	b->desc[0].content = manifest_pa;
	/* The partition may read it with its MMU off (uncached): push it to memory. */
	arch_dcache_clean_range((uintptr_t)b, sizeof(*b));
	sp->boot_info = sp->load_address;
}

/*
 * Device regions partitions map: a region marked exclusive-access may not
 * overlap any other partition's, nor another's an exclusive one.
 */
static struct {
	struct range r;
	bool exclusive;
	const struct partition *sp;
} dev_claims[SPMC_MAX_SPS * SP_MAX_DEV_REGIONS];
static unsigned int dev_claim_count;

static bool dev_claim(const struct partition *sp, struct range r, bool exclusive)
{
	for (unsigned int i = 0; i < dev_claim_count; i++) {
		if (dev_claims[i].sp != sp && overlaps(dev_claims[i].r, r) &&
		    (exclusive || dev_claims[i].exclusive)) {
			return false;
		}
	}
	if (dev_claim_count == ARRAY_SIZE(dev_claims)) {
		return false;
	}
	dev_claims[dev_claim_count].r = r;
	dev_claims[dev_claim_count].exclusive = exclusive;
	dev_claims[dev_claim_count].sp = sp;
	dev_claim_count++;
	return true;
}

/* A device region may not reach memory, nor the GIC tzvisor drives. */
static bool device_allowed(struct range rr)
{
	const struct plat_region *ram[] = {&plat.secure_dram, &plat.ns_dram, &plat.secure_sram};

	for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
		if (overlaps(rr, (struct range){ram[i]->base, ram[i]->base + ram[i]->size})) {
			return false;
		}
	}
	return !overlaps(rr, (struct range){plat.gicd_base, plat.gicd_base + GICD_SIZE}) &&
	       !overlaps(rr,
			 (struct range){plat.gicr_base,
					plat.gicr_base + (uint64_t)MAX_CPUS * GICR_FRAME_STRIDE});
}

/* The secure UART tzvisor logs on (a secure device region over it is emulated). */
static bool is_console_uart(struct range rr, bool ns)
{
	return !ns && overlaps(rr, (struct range){plat.secure_uart_base,
						  plat.secure_uart_base + PAGE_SIZE});
}

/* How many execution contexts: the manifest's, capped by vcpu_count and, for MP, the CPUs. */
static uint16_t context_count(const struct spmc_sp_entry *e, const struct sp_manifest *m)
{
	unsigned int ncpus = spmc.manifest.cpu_count != 0 ? spmc.manifest.cpu_count : MAX_CPUS;
	unsigned int n = m->exec_ctx_count;

	if (e->vcpu_count != 0 && e->vcpu_count < n) {
		n = e->vcpu_count;
	}
	if (n > 1 && n > ncpus) {
		n = ncpus; /* pinned contexts beyond the last CPU would never run */
	}
	return (uint16_t)n;
}

/* Where the vm node and the manifest must agree; logs and returns false otherwise. */
static bool vm_node_agrees(const struct spmc_sp_entry *e, const struct partition *sp,
			   uint64_t *mem_size)
{
	const struct sp_manifest *m = &sp->m;

	if (e->exception_level_present && e->exception_level != m->exception_level) {
		LOG_ERROR("SP %s: exception-level %u in the SPMC manifest, %u in its own\n",
			  sp->name, e->exception_level, m->exception_level);
		return false;
	}
	/* The partition manifest's execution-state is AArch64 (sp_manifest.c takes nothing else).
	 */
	if (e->execution_state_present && e->execution_state != 0) {
		LOG_ERROR("SP %s: execution-state %u in the SPMC manifest, 0 in its own\n",
			  sp->name, e->execution_state);
		return false;
	}
	*mem_size = m->mem_size != 0 ? m->mem_size : e->mem_size;
	if (m->mem_size != 0 && e->mem_size != 0 && m->mem_size != e->mem_size) {
		LOG_ERROR(
			"SP %s: mem_size 0x%llx in the SPMC manifest, mem-size 0x%llx in its own\n",
			sp->name, (unsigned long long)e->mem_size, (unsigned long long)m->mem_size);
		return false;
	}
	return true;
}

/* Maps [base, end) but for the console UART's page (emulated instead). */
static bool map_device(struct partition *sp, bool ns, struct range rr, unsigned int attrs)
{
	if (!is_console_uart(rr, ns)) {
		return sp_map(sp, ns, rr.base, rr.end - rr.base, attrs);
	}
	uint64_t uart = plat.secure_uart_base;
	sp->uart_emulated = true;
	return (rr.base == uart || sp_map(sp, ns, rr.base, uart - rr.base, attrs)) &&
	       (rr.end == uart + PAGE_SIZE ||
		sp_map(sp, ns, uart + PAGE_SIZE, rr.end - uart - PAGE_SIZE, attrs));
}

/* Loads one package; on failure logs why (naming the SP and the field) and returns false. */
static bool load_one(const struct spmc_sp_entry *e, struct mm_ptable *stage1, struct partition *sp)
{
	const struct plat_region *sd = &plat.secure_dram;
	const struct spmc_manifest *sm = &spmc.manifest;
	const struct range spmc_mem = {sm->load_address, sm->load_address + sm->binary_size};
	const struct range sdram = {sd->base, sd->base + sd->size};
	struct sp_pkg_header h;
	char field[64];
	uint64_t load = e->load_address;

	sp->name = e->debug_name;
	sp->load_address = load;
	if (load < sd->base || load >= sd->base + sd->size ||
	    overlaps((struct range){load, load + PAGE_SIZE}, spmc_mem)) {
		LOG_ERROR("SP %s: package address 0x%llx is not free secure memory\n",
			  e->debug_name, (unsigned long long)load);
		return false;
	}
	if (mm_map(stage1, load, load, PAGE_SIZE, MM_RW) != MM_OK) {
		LOG_ERROR("SP %s: cannot map its package header\n", e->debug_name);
		return false;
	}
	memcpy(&h, (const void *)(uintptr_t)load, sizeof(h));
	uint64_t room = sd->base + sd->size - load;
	enum sp_pkg_err pe = sp_pkg_check(&h, room < SP_PKG_MAX_SIZE ? room : SP_PKG_MAX_SIZE);
	if (pe != SP_PKG_OK) {
		LOG_ERROR("SP %s: package at 0x%llx: %s\n", e->debug_name, (unsigned long long)load,
			  sp_pkg_strerror(pe));
		return false;
	}
	uint64_t img_end = load + h.img_offset + ALIGN_UP((uint64_t)h.img_size, PAGE_SIZE);
	if (h.pm_size > SP_MANIFEST_MAX ||
	    mm_map(stage1, load, load, img_end - load, MM_RW) != MM_OK) {
		LOG_ERROR("SP %s: manifest too big or package not mappable\n", e->debug_name);
		return false;
	}
	/* The manifest is input: parse a private copy. */
	memcpy(manifest_buf, (const void *)(uintptr_t)(load + h.pm_offset), h.pm_size);
	enum sp_manifest_err me =
		sp_manifest_parse(manifest_buf, h.pm_size, &sp->m, field, sizeof(field));
	if (me != SP_MANIFEST_OK) {
		LOG_ERROR("SP %s: manifest: %s: %s\n", e->debug_name, field,
			  sp_manifest_strerror(me));
		return false;
	}
	const struct sp_manifest *m = &sp->m;
	if (m->description[0] != '\0') {
		sp->name = m->description;
	}
	if (m->load_address != load) {
		LOG_ERROR(
			"SP %s: manifest: load-address 0x%llx differs from the package's 0x%llx\n",
			sp->name, (unsigned long long)m->load_address, (unsigned long long)load);
		return false;
	}
	uint64_t mem_size;
	if (!vm_node_agrees(e, sp, &mem_size)) {
		return false;
	}
	sp->el0 = m->exception_level == SP_EL_S_EL0;
	sp->image_base = load + h.img_offset;
	sp->image_end = img_end;
	sp->entry = load + m->entrypoint_offset;
	if (sp->entry < sp->image_base || sp->entry >= load + h.img_offset + h.img_size) {
		LOG_ERROR("SP %s: manifest: entrypoint-offset: entry 0x%llx is outside the image\n",
			  sp->name, (unsigned long long)sp->entry);
		return false;
	}
	/* Its memory: the package, or the mem_size region holding it. */
	struct range own = {load, img_end};
	if (mem_size != 0) {
		own.end = load + mem_size; /* does not wrap: both parsers checked */
		if (own.end < img_end) {
			LOG_ERROR(
				"SP %s: mem_size 0x%llx does not hold its package (0x%llx bytes)\n",
				sp->name, (unsigned long long)mem_size,
				(unsigned long long)(img_end - load));
			return false;
		}
	}
	if (!inside(own, sd->base, sd->size) || overlaps(own, spmc_mem)) {
		LOG_ERROR("SP %s: memory 0x%llx-0x%llx is not free secure memory\n", sp->name,
			  (unsigned long long)own.base, (unsigned long long)own.end);
		return false;
	}
	sp->ro_end = mem_size != 0 ? load : sp->image_base;
	sp->mem_end = own.end;
	/* An ID from the manifest, or one given once every partition is loaded (assign_ids). */
	sp->id = m->id_present ? m->id : 0;
	if (m->id_present && (sp->id == spmc.inst.spmc_id || partition_find(sp->id) != NULL)) {
		LOG_ERROR("SP %s: manifest: id: 0x%x is already taken\n", sp->name, sp->id);
		return false;
	}
	for (unsigned int i = 0; i < partition_count; i++) {
		if (m->boot_order_present && partitions[i].m.boot_order_present &&
		    partitions[i].m.boot_order == m->boot_order) {
			LOG_ERROR("SP %s: manifest: boot-order: %u is also %s's\n", sp->name,
				  m->boot_order, partitions[i].name);
			return false;
		}
	}

	/* Memory: its own, then each region, all disjoint from everything claimed. */
	unsigned int claimed_before = claimed_count, dev_before = dev_claim_count;
	if (!claim(own)) {
		LOG_ERROR("SP %s: memory 0x%llx-0x%llx overlaps another partition\n", sp->name,
			  (unsigned long long)own.base, (unsigned long long)own.end);
		return false;
	}
	for (unsigned int i = 0; i < m->mem_count + m->dev_count; i++) {
		bool dev = i >= m->mem_count;
		const struct sp_region *r = dev ? &m->dev[i - m->mem_count] : &m->mem[i];
		struct range rr = {r->base, r->base + (uint64_t)r->pages * PAGE_SIZE};
		bool ns = (r->attrs & SP_REGION_NS) != 0;
		bool ok;
		if (dev) {
			ok = device_allowed(rr) && dev_claim(sp, rr, r->exclusive);
		} else if (ns) {
			ok = inside(rr, plat.ns_dram.base, plat.ns_dram.size);
		} else if (mem_size != 0 && inside(rr, own.base, own.end - own.base)) {
			ok = true; /* a part of its own memory, with other attributes */
		} else {
			ok = inside(rr, sdram.base, sdram.end - sdram.base) &&
			     !overlaps(rr, spmc_mem) && claim(rr);
		}
		if (!ok) {
			LOG_ERROR("SP %s: manifest: %s/%s: 0x%llx+%u pages is not %s it may own\n",
				  sp->name, dev ? "device-regions" : "memory-regions", r->name,
				  (unsigned long long)r->base, r->pages,
				  dev ? "a device" : "memory");
			claimed_count = claimed_before;
			dev_claim_count = dev_before;
			return false;
		}
	}

	/* Its execution contexts and, at S-EL0, its stage-1 table pool: as many as it needs. */
	void *el0_pages = sp->el0 ? carve((size_t)EL0_S1_PAGES * PAGE_SIZE, false) : NULL;
	sp->vcpu_count = context_count(e, m);
	sp->vcpus = carve((size_t)sp->vcpu_count * sizeof(struct vcpu), true);
	if (sp->vcpus == NULL || (sp->el0 && el0_pages == NULL)) {
		LOG_ERROR("SP %s: the SPMC's region has no room for its contexts\n", sp->name);
		claimed_count = claimed_before;
		dev_claim_count = dev_before;
		return false;
	}
	if (sp->el0) {
		CHECK(palloc_init(&sp->el0_pool, (uintptr_t)el0_pages, EL0_S1_PAGES) == 0);
	}
	/* Stage 2: identity-mapped IPAs (IPA == PA), so SPs see real addresses. */
	if (mm_init(&sp->s2, MM_STAGE2, S2_IPA_BITS, &s2_pool) != MM_OK ||
	    mm_init(&sp->s2_ns, MM_STAGE2, S2_IPA_BITS, &s2_pool) != MM_OK ||
	    (sp->el0 && (mm_init(&sp->s1, MM_STAGE1_EL1, S2_IPA_BITS, &sp->el0_pool) != MM_OK ||
			 !el0_map_shim(sp))) ||
	    (sp->ro_end > load && !sp_map(sp, false, load, sp->ro_end - load, MM_R)) ||
	    !sp_map(sp, false, sp->ro_end, sp->mem_end - sp->ro_end, MM_RW | MM_X)) {
		LOG_ERROR("SP %s: out of stage-2 table pages\n", sp->name);
		claimed_count = claimed_before;
		dev_claim_count = dev_before;
		return false;
	}
	for (unsigned int i = 0; i < m->mem_count + m->dev_count; i++) {
		bool dev = i >= m->mem_count;
		const struct sp_region *r = dev ? &m->dev[i - m->mem_count] : &m->mem[i];
		struct range rr = {r->base, r->base + (uint64_t)r->pages * PAGE_SIZE};
		bool ns = (r->attrs & SP_REGION_NS) != 0;
		unsigned int attrs = region_attrs(r->attrs, dev);
		if (!(dev ? map_device(sp, ns, rr, attrs)
			  : sp_map(sp, ns, rr.base, rr.end - rr.base, attrs))) {
			LOG_ERROR("SP %s: out of stage-2 table pages\n", sp->name);
			claimed_count = claimed_before;
			dev_claim_count = dev_before;
			return false;
		}
	}
	/* Its interrupts: the SPIs it claims (no one else's) and its vCPUs' virtual IDs. */
	if (!irq_partition_load(sp)) {
		claimed_count = claimed_before;
		dev_claim_count = dev_before;
		return false;
	}
	write_boot_info(sp, load + h.pm_offset, h.pm_size);

	sp->vmid = (uint16_t)(partition_count + 1);
	sp->ctx_asked = sp->vcpu_count != m->exec_ctx_count ? m->exec_ctx_count : 0;
	if (sp->uart_emulated) {
		vuart_init(&sp->uart, sp->name);
	}
	for (unsigned int i = 0; i < sp->vcpu_count; i++) {
		sp->vcpus[i].sp = sp;
		sp->vcpus[i].index = i;
		sp->vcpus[i].state = VCPU_OFF;
	}
	return true;
}

/*
 * Partitions without an `id` get the lowest free secure ID from 0x8001 on,
 * once every partition is loaded, so that no manifest's own ID is taken
 * first (Hafnium numbers its vm nodes; tzvisor keeps the manifests' IDs).
 * Then each partition's FF-A endpoint starts, speaking its manifest's
 * version until it calls FFA_VERSION.
 */
static void assign_ids(void)
{
	ffa_id_t next = 0x8001;

	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		if (sp->id == 0) {
			while (next == spmc.inst.spmc_id || partition_find(next) != NULL) {
				next++;
			}
			sp->id = next;
		}
		ffa_endpoint_init(&sp->ep, sp->id);
		sp->ep.version = sp->m.ffa_version;
		/* FFA_FEATURES tells an S-EL1 partition the NPI and managed-exit IDs. */
		sp->ep.virt_intids = !sp->el0;
		if (sp->m.notification_support) {
			ffa_notif_enable(&sp->notif, sp->vcpu_count);
		}
	}
}

/*
 * RX/TX buffers the manifest names (rx_tx-info): mapped as FFA_RXTX_MAP
 * would, now that the ledger knows every partition's memory. A failure
 * leaves the partition to map its buffers itself.
 */
static void map_manifest_rxtx(struct partition *sp)
{
	const struct sp_manifest *m = &sp->m;

	if (!m->rxtx_present) {
		return;
	}
	const struct ffa_value args = {.x = {FFA_RXTX_MAP_64, m->mem[m->tx_region].base,
					     m->mem[m->rx_region].base,
					     m->mem[m->rx_region].pages}};
	struct ffa_value r = spmc_rxtx_map(sp, &sp->rxtx, &args);
	if ((uint32_t)r.x[0] != FFA_SUCCESS_32) {
		LOG_ERROR("SP %04x %s: its manifest's RX/TX buffers: FFA_RXTX_MAP error %d\n",
			  sp->id, sp->name, (int)(int32_t)r.x[2]);
	}
}

/*
 * One warning line per partition at most, for what its manifests have that
 * tzvisor ignores: its own manifest's properties outside the FF-A manifest
 * binding and an `id` that is no partition ID; its vm node's properties
 * that are Hafnium's for normal-world VMs.
 */
static void report_ignored(const struct partition *sp, const struct spmc_sp_entry *e)
{
	bool man = sp->m.ignored[0] != '\0', vm = e->ignored[0] != '\0';

	if (man || vm) {
		LOG_WARNING("SP %04x %s: ignored (not in the FF-A manifest binding): %s%s%s%s%s\n",
			    sp->id, sp->name, man ? "manifest: " : "", sp->m.ignored,
			    man && vm ? "; " : "", vm ? "SPMC manifest vm node: " : "", e->ignored);
	}
}

void partitions_pool_stats(unsigned int which, size_t *used, size_t *pages, size_t *peak)
{
	if (which == SPMC_POOL_SP_STAGE2) {
		*used = palloc_used(&s2_pool);
		*pages = s2_pool.pages;
		*peak = palloc_peak(&s2_pool);
		return;
	}
	*used = *pages = *peak = 0;
	for (unsigned int i = 0; i < partition_count; i++) {
		struct palloc *p = &partitions[i].el0_pool;
		if (partitions[i].el0) {
			*used += palloc_used(p);
			*pages += p->pages;
			*peak += palloc_peak(p);
		}
	}
}

void partitions_cpu_init(void)
{
	arch_vcpu_cpu_init(VTCR_T0SZ(S2_IPA_BITS) | VTCR_SL0_L1 | VTCR_WALK_WBWA_ISH |
			   VTCR_PS_40BIT | VTCR_RES1 | VTCR_NSA);
	sel2_stage2_cpu_init(VTCR_T0SZ(S2_IPA_BITS) | VTCR_SL0_L1);
}

/* VTTBR_EL2 for a partition: its NS IPA space and its VMID (which tags its TLB entries). */
static uint64_t sp_vttbr(const struct partition *sp)
{
	return (uint64_t)(uintptr_t)sp->s2_ns.root | ((uint64_t)sp->vmid << 48);
}

void partitions_load(const struct spmc_manifest *m, struct mm_ptable *stage1, struct palloc *region)
{
	size_t s2_pages = (size_t)S2_PAGES_PER_SP * m->sp_count;
	void *s2_base;

	carve_region = region;
	if (m->sp_count == 0) {
		return;
	}
	partitions = carve((size_t)m->sp_count * sizeof(struct partition), true);
	s2_pages = s2_pages < PALLOC_MAX_PAGES ? s2_pages : PALLOC_MAX_PAGES;
	s2_base = carve(s2_pages * PAGE_SIZE, false);
	if (partitions == NULL || s2_base == NULL) {
		panic("SPMC region too small for %u partitions (slots, %zu stage-2 table pages)",
		      m->sp_count, s2_pages);
	}
	CHECK(palloc_init(&s2_pool, (uintptr_t)s2_base, s2_pages) == 0);
	const struct spmc_sp_entry *entry[SPMC_MAX_SPS];
	for (unsigned int i = 0; i < m->sp_count; i++) {
		struct partition *sp = &partitions[partition_count];
		memset(sp, 0, sizeof(*sp));
		if (load_one(&m->sps[i], stage1, sp)) {
			entry[partition_count++] = &m->sps[i];
		} else {
			LOG_ERROR("SP %s: not loaded\n", m->sps[i].debug_name);
		}
		boot_mark_loaded(i, 0); /* the ID once assign_ids has given them all */
	}
	assign_ids();
	for (unsigned int i = 0, p = 0; i < m->sp_count; i++) {
		bool loaded = p < partition_count && entry[p] == &m->sps[i];
		boot_record.loaded_id[i] = loaded ? partitions[p].id : 0;
		if (loaded) {
			report_ignored(&partitions[p], entry[p]);
			map_manifest_rxtx(&partitions[p]);
			p++;
		}
	}
	/*
	 * Stage-2 tables were written with plain stores: make them visible to
	 * walks. From now on changes (memory sharing) invalidate as they go.
	 */
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		sp->vttbr = sp_vttbr(sp);
		struct mm_ptable *tables[] = {&sp->s2, &sp->s2_ns, &sp->s1};
		for (unsigned int t = 0; t < (sp->el0 ? 3U : 2U); t++) {
			tables[t]->tlb_inval = arch_stage2_tlb_inval;
			tables[t]->tlb_ctx = (uintptr_t)&sp->vttbr;
		}
		arch_stage2_tlb_flush(sp->vttbr);
	}
}

static void vcpu_start(struct partition *sp, struct vcpu *v, uint64_t pc, uint64_t arg)
{
	struct arch_vcpu_cfg cfg = {
		.hcr = SP_HCR,
		.vttbr = sp->vttbr,
		.vsttbr = (uint64_t)(uintptr_t)sp->s2.root,
		/* MPIDR_EL1 as the SP reads it: bit 31 RES1, Aff0 = execution context. */
		.vmpidr = (1ULL << 31) | v->index,
	};

	arch_vcpu_init(&v->arch, pc, &cfg);
	if (sp->el0) {
		struct arch_el1 *e = &v->arch.el1;
		v->arch.regs.pstate = SPSR_EL0T_MASKED;
		e->sctlr = SCTLR_EL1_MMU_ON;
		e->tcr = TCR_EL1_39BIT;
		e->mair = MM_MAIR_VALUE;
		e->ttbr0 = (uint64_t)(uintptr_t)sp->s1.root;
		e->vbar = (uint64_t)(uintptr_t)el0_shim_vectors;
		e->cpacr = 3ULL << 20; /* FPEN: EL0 may use FP/SIMD (switched lazily at EL2) */
		e->cntkctl = CNTKCTL_EL0_COUNTERS_TIMER; /* its timer accesses trap to EL2 */
	}
	if (sp->m.gp_register_present) {
		v->arch.regs.x[sp->m.gp_register_num] = arg;
	}
}

/* Boot order: by boot-order, partitions without one last, in manifest order. */
static unsigned int boot_rank(const struct partition *sp)
{
	return sp->m.boot_order_present ? sp->m.boot_order : 0x10000U;
}

void partitions_boot_cpu(unsigned int cpu_index, bool cold)
{
	struct partition *order[SPMC_MAX_SPS];

	/* Boot order: a stable insertion sort by rank (manifest order breaks ties). */
	for (unsigned int i = 0; i < partition_count; i++) {
		unsigned int j = i;
		while (j > 0 && boot_rank(order[j - 1]) > boot_rank(&partitions[i])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = &partitions[i];
	}
	for (unsigned int n = 0; n < partition_count; n++) {
		struct partition *sp = order[n];
		struct vcpu *v = partition_vcpu_for_cpu(sp, cpu_index);
		if (sp->aborted || v == NULL || v->state != VCPU_OFF) {
			continue; /* a UP partition boots once, on the primary CPU */
		}
		bool first = v->index == 0 && cold;
		uint64_t pc = first || sp->secondary_ep == 0 ? sp->entry : sp->secondary_ep;
		vcpu_start(sp, v, pc, first ? sp->boot_info : 0);
		v->state = VCPU_RUNNING;
		v->rtm = RTM_INIT;
		struct ffa_value r = {0};
		spmc_run(v, &r);
		if (cold) {
			boot_mark_booted(n, sp->id, bench_inside());
		}
		if ((uint32_t)r.x[0] == FFA_MSG_WAIT_32) {
			sp->initialised = true; /* FFA_MEM_PERM_SET is over for it */
			if (cold) {
				LOG_INFO("SP %04x %s: EC %u ready\n", sp->id, sp->name, v->index);
			}
		} else {
			LOG_ERROR("SP %04x %s: EC %u failed to boot (%s %d)\n", sp->id, sp->name,
				  v->index, (uint32_t)r.x[0] == FFA_ERROR_32 ? "FFA_ERROR" : "0x",
				  (int)(int32_t)r.x[2]);
		}
	}
	arch_vcpu_restore_nwd();
	spmc_run_woken(); /* interrupts for contexts that were waiting meanwhile */
}

/* FFA_MEM_PERM_* encoding: [1:0] data access (1 RW, 3 RO), bit 2 execute-never. */
#define PERM_DATA_MASK 0x3U
#define PERM_DATA_RW 0x1U
#define PERM_DATA_RO 0x3U
#define PERM_NX 0x4U

/* One page of an S-EL0 partition's own stage 1: mapped for EL0, or false. */
static bool user_page(const struct partition *sp, uint64_t va, uint64_t *pa, unsigned int *attrs)
{
	unsigned int level;

	return mm_lookup(&sp->s1, va, pa, attrs, &level) && (*attrs & MM_USER) != 0;
}

static uint32_t perm_of(unsigned int attrs)
{
	/* As mapped: the image starts read-write-execute until the partition sets it. */
	return ((attrs & MM_W) != 0 ? PERM_DATA_RW : PERM_DATA_RO) |
	       ((attrs & MM_X) != 0 ? 0U : PERM_NX);
}

struct ffa_value partition_mem_perm(struct vcpu *v, const struct ffa_value *args)
{
	struct partition *sp = v->sp;
	uint64_t va = ffa_w(args, 1), pa;
	unsigned int attrs;

	if (!sp->el0) {
		return ffa_error_value(FFA_DENIED); /* S-EL1 partitions own their stage 1 */
	}
	if (ffa_fid(args) == FFA_MEM_PERM_GET_32) {
		if (!user_page(sp, ALIGN_DOWN(va, PAGE_SIZE), &pa, &attrs)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
		return ffa_success_value(perm_of(attrs));
	}
	uint32_t pages = ffa_w(args, 2), perm = ffa_w(args, 3);
	uint64_t end;
	if (sp->initialised) {
		return ffa_error_value(FFA_DENIED); /* only while it initialises */
	}
	/* RW must be execute-never (W^X); RO either; no access and 0b10 are refused. */
	bool rw = (perm & PERM_DATA_MASK) == PERM_DATA_RW,
	     ro = (perm & PERM_DATA_MASK) == PERM_DATA_RO;
	if ((perm & ~(PERM_DATA_MASK | PERM_NX)) != 0 || !(ro || (rw && (perm & PERM_NX) != 0)) ||
	    pages == 0 || !IS_ALIGNED(va, PAGE_SIZE) ||
	    !range_end(va, (uint64_t)pages * PAGE_SIZE, &end)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	for (uint64_t p = va; p < end; p += PAGE_SIZE) {
		if (!user_page(sp, p, &pa, &attrs)) {
			return ffa_error_value(FFA_INVALID_PARAMETERS);
		}
	}
	/*
	 * Two passes so that a failure changes nothing: each page mapped again as
	 * it is (which splits blocks into pages: the only step that can run out
	 * of table pages), then the new permissions, which cannot fail.
	 */
	unsigned int set = (rw ? MM_W : 0U) | ((perm & PERM_NX) == 0 ? MM_X : 0U);
	for (unsigned int pass = 0; pass < 2; pass++) {
		for (uint64_t p = va; p < end; p += PAGE_SIZE) {
			user_page(sp, p, &pa, &attrs);
			unsigned int a = pass == 0 ? attrs : (attrs & ~(MM_W | MM_X)) | set;
			if (mm_map(&sp->s1, p, pa, PAGE_SIZE, a) != MM_OK) {
				LOG_WARNING("SP %04x: FFA_MEM_PERM_SET ran out of table pages\n",
					    sp->id);
				return ffa_error_value(FFA_NO_MEMORY);
			}
		}
	}
	arch_stage2_tlb_flush(sp->vttbr);
	return ffa_success_value(0);
}

void partitions_cpu_off(unsigned int cpu_index)
{
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		if (sp->vcpu_count < 2 || cpu_index >= sp->vcpu_count) {
			continue; /* pinned contexts only: a UP partition migrates */
		}
		struct vcpu *v = &sp->vcpus[cpu_index];
		bool unanswered = false;
		if ((sp->m.power_management_messages & SP_PM_CPU_OFF) != 0) {
			int32_t status = spmc_pm_message(v, PSCI_CPU_OFF_FID);
			if (status == SPMC_PM_NOT_DELIVERED || status == SPMC_PM_NOT_ANSWERED) {
				LOG_WARNING("SP %04x EC %u: CPU_OFF message %s\n", sp->id, v->index,
					    status == SPMC_PM_NOT_DELIVERED ? "not delivered (busy)"
									    : "not answered");
				unanswered = status == SPMC_PM_NOT_ANSWERED;
			} else if (status != 0) {
				LOG_WARNING("SP %04x EC %u: CPU_OFF answered with PSCI error %d\n",
					    sp->id, v->index, (int)status);
			}
		}
		sl_lock(&sp->lock);
		bool off = v->state == VCPU_WAITING ||
			   (unanswered &&
			    (v->state == VCPU_INTERRUPTED || v->state == VCPU_PREEMPTED));
		if (off) {
			/* Restarted at its secondary entry when the CPU comes back. */
			v->state = VCPU_OFF;
			v->serving = false;
			v->rtm = RTM_NONE;
		}
		sl_unlock(&sp->lock);
		if (off) {
			irq_vcpu_off(v); /* what it had pending dies with the context */
		}
	}
}

static void uuid_str(const uint32_t w[4], char *out, size_t len)
{
	/* The manifest's cells hold the UUID's bytes little-endian (TF-A's sp_mk_generator.py). */
	uint8_t b[16];
	for (unsigned int i = 0; i < 16; i++) {
		b[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
	}
	fmt_snprintf(out, len,
		     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		     b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		     b[13], b[14], b[15]);
}

void partitions_print_table(void)
{
	console_printf("  partitions: %u\n", partition_count);
	if (partition_count == 0) {
		return;
	}
	console_printf("    ID    name          UUID                                  EL     ECs "
		       "load        entry       messaging, notifications, power messages\n");
	for (unsigned int i = 0; i < partition_count; i++) {
		const struct partition *sp = &partitions[i];
		const struct sp_manifest *m = &sp->m;
		char uuid[40];
		uuid_str(m->uuids[0], uuid, sizeof(uuid));
		console_printf(
			"    %04x  %-12s  %s  %s  %3u 0x%08llx  0x%08llx  %s%s%s%s%s%s%s\n", sp->id,
			sp->name, uuid, sp->el0 ? "S-EL0" : "S-EL1", sp->vcpu_count,
			(unsigned long long)sp->load_address, (unsigned long long)sp->entry,
			(m->messaging_method & SP_MSG_DIRECT_REQ_RECV) != 0 ? "req-recv " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ_SEND) != 0 ? "req-send " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ2_RECV) != 0 ? "req2-recv " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ2_SEND) != 0 ? "req2-send " : "",
			(m->messaging_method & SP_MSG_INDIRECT) != 0 ? "indirect" : "",
			m->notification_support ? " notif" : "",
			(m->power_management_messages & SP_PM_CPU_OFF) != 0 ? " cpu-off" : "");
		if (sp->ctx_asked != 0) {
			console_printf("          %s: %u execution contexts (its manifest asks for "
				       "%u; capped by vcpu_count and the CPUs)\n",
				       sp->name, sp->vcpu_count, sp->ctx_asked);
		}
	}
}
