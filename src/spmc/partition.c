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

#include "arch/arch.h"
#include "core/console.h"
#include "core/fmt.h"
#include "core/panic.h"
#include "core/types.h"
#include "plat/plat.h"
#include "spmc/bench.h"
#include "spmc/boot_record.h"
#include "spmc/irq.h"
#include "spmc/run.h"
#include "spmc/sel2.h"
#include "spmc/sp_pkg.h"
#include "spmc/spmc.h"

#define S2_IPA_BITS 39U
#define S2_POOL_PAGES 96U
#define EL0_S1_POOL_PAGES 16U
#define SP_MANIFEST_MAX (16U * 1024U)

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
/*
 * Stage-1 tables of S-EL0 partitions. The table walk reads them through the
 * partition's stage 2, so the pool is mapped read-only there; EL0 cannot
 * reach it (its stage 1 does not map it) and EL1 runs only the shim.
 */
static struct palloc el0_pool;
static uint8_t el0_pages[EL0_S1_POOL_PAGES][PAGE_SIZE] NOINIT __attribute__((aligned(PAGE_SIZE)));
extern char el0_shim_vectors[];
static uint8_t s2_pages[S2_POOL_PAGES][PAGE_SIZE] NOINIT __attribute__((aligned(PAGE_SIZE)));
static uint8_t manifest_buf[SP_MANIFEST_MAX] __attribute__((aligned(8)));

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

/* The EL1 side of an S-EL0 partition: the shim page (EL1 execute only) and the table pool. */
static bool el0_map_shim(struct partition *sp)
{
	uint64_t shim = (uint64_t)(uintptr_t)el0_shim_vectors;
	uint64_t pool = (uint64_t)(uintptr_t)el0_pages;

	return mm_map(&sp->s1, shim, shim, PAGE_SIZE, MM_RX) == MM_OK &&
	       mm_map(&sp->s2, shim, shim, PAGE_SIZE, MM_RX) == MM_OK &&
	       mm_map(&sp->s2, pool, pool, sizeof(el0_pages), MM_R) == MM_OK;
}

static void write_boot_info(struct partition *sp, uint64_t manifest_pa, uint32_t manifest_size)
{
	struct boot_info_blob *b = (struct boot_info_blob *)(uintptr_t)sp->load_address;

	memset(b, 0, sizeof(*b));
	b->h.signature = FFA_BOOT_INFO_SIGNATURE;
	b->h.version = FFA_VERSION_1_1;
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

/* Loads one package; on failure logs why (naming the SP and the field) and returns false. */
static bool load_one(const struct spmc_sp_entry *e, struct mm_ptable *stage1, struct partition *sp)
{
	const struct plat_region *sd = &plat.secure_dram;
	const struct spmc_manifest *sm = &spmc.manifest;
	struct sp_pkg_header h;
	char field[64];
	uint64_t load = e->load_address;

	sp->name = e->debug_name;
	sp->load_address = load;
	if (load < sd->base || load >= sd->base + sd->size ||
	    overlaps((struct range){load, load + PAGE_SIZE},
		     (struct range){sm->load_address, sm->load_address + sm->binary_size})) {
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
	sp->el0 = m->exception_level == SP_EL_S_EL0;
	sp->image_base = load + h.img_offset;
	sp->image_end = img_end;
	sp->entry = load + m->entrypoint_offset;
	if (sp->entry < sp->image_base || sp->entry >= load + h.img_offset + h.img_size) {
		LOG_ERROR("SP %s: manifest: entrypoint-offset: entry 0x%llx is outside the image\n",
			  sp->name, (unsigned long long)sp->entry);
		return false;
	}
	sp->id = m->id_present ? m->id : (ffa_id_t)(0x8001U + partition_count);
	if (sp->id == spmc.inst.spmc_id || partition_find(sp->id) != NULL) {
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

	/* Memory: the package, then each region, all disjoint from everything claimed. */
	unsigned int claimed_before = claimed_count;
	if (!claim((struct range){load, img_end})) {
		LOG_ERROR("SP %s: package overlaps another partition\n", sp->name);
		return false;
	}
	for (unsigned int i = 0; i < m->mem_count + m->dev_count; i++) {
		bool dev = i >= m->mem_count;
		const struct sp_region *r = dev ? &m->dev[i - m->mem_count] : &m->mem[i];
		struct range rr = {r->base, r->base + (uint64_t)r->pages * PAGE_SIZE};
		bool ns = (r->attrs & SP_REGION_NS) != 0;
		bool ok;
		if (dev) {
			/* Devices: never RAM, never the secure SRAM. */
			ok = !overlaps(rr, (struct range){sd->base, sd->base + sd->size}) &&
			     !overlaps(rr, (struct range){plat.ns_dram.base,
							  plat.ns_dram.base + plat.ns_dram.size}) &&
			     !overlaps(rr, (struct range){plat.secure_sram.base,
							  plat.secure_sram.base +
								  plat.secure_sram.size});
		} else if (ns) {
			ok = inside(rr, plat.ns_dram.base, plat.ns_dram.size);
		} else {
			ok = inside(rr, sd->base, sd->size) &&
			     !overlaps(rr, (struct range){sm->load_address,
							  sm->load_address + sm->binary_size}) &&
			     claim(rr);
		}
		if (!ok) {
			LOG_ERROR("SP %s: manifest: %s/%s: 0x%llx+%u pages is not memory "
				  "it may own\n",
				  sp->name, dev ? "device-regions" : "memory-regions", r->name,
				  (unsigned long long)r->base, r->pages);
			claimed_count = claimed_before;
			return false;
		}
	}

	/* Stage 2: identity-mapped IPAs (IPA == PA), so SPs see real addresses. */
	if (mm_init(&sp->s2, MM_STAGE2, S2_IPA_BITS, &s2_pool) != MM_OK ||
	    mm_init(&sp->s2_ns, MM_STAGE2, S2_IPA_BITS, &s2_pool) != MM_OK ||
	    (sp->el0 && (mm_init(&sp->s1, MM_STAGE1_EL1, S2_IPA_BITS, &el0_pool) != MM_OK ||
			 !el0_map_shim(sp))) ||
	    !sp_map(sp, false, load, h.img_offset, MM_R) ||
	    !sp_map(sp, false, sp->image_base, img_end - sp->image_base, MM_RW | MM_X)) {
		LOG_ERROR("SP %s: out of stage-2 table pages\n", sp->name);
		claimed_count = claimed_before;
		return false;
	}
	for (unsigned int i = 0; i < m->mem_count + m->dev_count; i++) {
		bool dev = i >= m->mem_count;
		const struct sp_region *r = dev ? &m->dev[i - m->mem_count] : &m->mem[i];
		if (!sp_map(sp, (r->attrs & SP_REGION_NS) != 0, r->base,
			    (uint64_t)r->pages * PAGE_SIZE, region_attrs(r->attrs, dev))) {
			LOG_ERROR("SP %s: out of stage-2 table pages\n", sp->name);
			claimed_count = claimed_before;
			return false;
		}
	}
	/* Its interrupts: the SPIs it claims (no one else's) and its vCPUs' virtual IDs. */
	if (!irq_partition_load(sp)) {
		claimed_count = claimed_before;
		return false;
	}
	write_boot_info(sp, load + h.pm_offset, h.pm_size);

	sp->vmid = (uint16_t)(partition_count + 1);
	sp->vcpu_count = m->exec_ctx_count;
	if (m->notification_support) {
		ffa_notif_enable(&sp->notif, sp->vcpu_count);
	}
	ffa_endpoint_init(&sp->ep, sp->id);
	/* Until it calls FFA_VERSION, a partition speaks its manifest's version. */
	sp->ep.version = m->ffa_version;
	/* FFA_FEATURES tells an S-EL1 partition the NPI and managed-exit IDs. */
	sp->ep.virt_intids = !sp->el0;
	for (unsigned int i = 0; i < sp->vcpu_count; i++) {
		sp->vcpus[i].sp = sp;
		sp->vcpus[i].index = i;
		sp->vcpus[i].state = VCPU_OFF;
	}
	return true;
}

struct palloc *partitions_pool(unsigned int which)
{
	return which == SPMC_POOL_SP_STAGE2 ? &s2_pool : &el0_pool;
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

void partitions_load(const struct spmc_manifest *m, struct mm_ptable *stage1)
{
	CHECK(palloc_init(&s2_pool, (uintptr_t)s2_pages, S2_POOL_PAGES) == 0);
	CHECK(palloc_init(&el0_pool, (uintptr_t)el0_pages, EL0_S1_POOL_PAGES) == 0);
	for (unsigned int i = 0; i < m->sp_count; i++) {
		struct partition *sp = &partitions[partition_count];
		memset(sp, 0, sizeof(*sp));
		if (load_one(&m->sps[i], stage1, sp)) {
			partition_count++;
			boot_mark_loaded(i, sp->id);
		} else {
			LOG_ERROR("SP %s: not loaded\n", m->sps[i].debug_name);
			boot_mark_loaded(i, 0);
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
			sp->name, uuid, sp->el0 ? "S-EL0" : "S-EL1", m->exec_ctx_count,
			(unsigned long long)sp->load_address, (unsigned long long)sp->entry,
			(m->messaging_method & SP_MSG_DIRECT_REQ_RECV) != 0 ? "req-recv " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ_SEND) != 0 ? "req-send " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ2_RECV) != 0 ? "req2-recv " : "",
			(m->messaging_method & SP_MSG_DIRECT_REQ2_SEND) != 0 ? "req2-send " : "",
			(m->messaging_method & SP_MSG_INDIRECT) != 0 ? "indirect" : "",
			m->notification_support ? " notif" : "",
			(m->power_management_messages & SP_PM_CPU_OFF) != 0 ? " cpu-off" : "");
	}
}
