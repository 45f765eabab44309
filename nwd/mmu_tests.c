/*
 * On-target tests of the S-EL1 partitions' own stage 1 (partitions/runtime/
 * mmu.c): the MMU is on with the runtime's registers; every area has the
 * permissions and memory type it should, seen both in the partition's
 * tables and by the hardware (AT S1E1R/W, and accesses that report their
 * stage-1 fault instead of stopping the partition); sp_map/sp_unmap change
 * a live page (read-only, unmapped, read-write again, its contents kept)
 * and refuse what they must; sp1's NS page reaches the normal world's
 * memory and its device region the PL031. The SMP suite (main.c) checks the
 * MMU of every context after each CPU_ON, and that an unmap on core 0
 * reaches the TLBs of the others; the isolation suite a fatal write to text.
 */
#include "arch/aarch64/sysreg.h"
#include "core/mm.h"
#include "core/fmt.h"
#include "nwd.h"
#include "test_cmd.h"

/* PAR_EL1 (64-bit format). */
#define PAR_F 1ULL
#define PAR_FST(p) (((p) >> 1) & 0x3FU)
#define PAR_NS (1ULL << 9)
#define PAR_PA(p) ((p)&0x0000FFFFFFFFF000ULL)
#define PAR_ATTR(p) ((p) >> 56)
/* Fault status codes (PAR_EL1.FST, ESR_EL1.DFSC), at level 3. */
#define FSC_TRANSLATION_L3 0x07U
#define FSC_PERMISSION_L3 0x0FU
/* ESR_EL1 of a data abort taken from EL1 to EL1. */
#define ESR_EC(esr) (((esr) >> 26) & 0x3FU)
#define ESR_EC_DABT_CUR 0x25U
#define ESR_WNR (1ULL << 6)
#define ESR_DFSC(esr) ((esr)&0x3FU)
/* MAIR_EL1 attributes the runtime's MM_MAIR_VALUE gives the three memory types. */
#define MAIR_NORMAL_WB 0xFFU
#define MAIR_DEVICE 0x00U
#define MAIR_NC 0x44U

#define PAGE 4096U

/* A test-partition command with arguments in x4-x7 (DIRECT_REQ_64). */
static struct ffa_value cmd(uint16_t sp, uint64_t c, uint64_t a1, uint64_t a2, uint64_t a3,
			    uint64_t a4)
{
	struct ffa_value v = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, sp), 0, c, a1, a2, a3, a4}};
	nwd_smc(&v);
	return v;
}

static bool expect_ok(const char *name, const struct ffa_value *v)
{
	return expect_u64(name, "x0", (uint32_t)v->x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	       expect_u64(name, "status", v->x[3], TEST_STATUS_OK);
}

static const char *sp_name(uint16_t sp)
{
	return sp == TEST_SP1_ID ? "sp1" : "sp2";
}

static void t_state(uint16_t sp)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.state.%s", sp_name(sp));
	struct ffa_value v = cmd(sp, TEST_CMD_MMU_STATE, 0, 0, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "SCTLR_EL1", v.x[4], SCTLR_EL1_MMU_ON) &&
	    expect_u64(name, "TCR_EL1", v.x[5], TCR_EL1_39BIT) &&
	    expect_u64(name, "MAIR_EL1", v.x[6], MM_MAIR_VALUE) &&
	    expect_u64(name, "TTBR0_EL1 is the runtime's root", v.x[7] >> 32, 1) &&
	    expect_u64(name, "table pages in use, at least root, L2, L3", (v.x[7] & 0xFF) >= 3,
		       1)) {
		test_pass(name);
	}
}

/* What an area of a partition should look like at stage 1. */
struct area_want {
	const char *name;
	unsigned int area;
	unsigned int attrs; /* MM_*: MM_W, MM_X, MM_DEVICE, MM_NC, MM_NS */
};

static void t_area(uint16_t sp, const struct area_want *w)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.s1.%s.%s", w->name, sp_name(sp));
	struct ffa_value v = cmd(sp, TEST_CMD_MMU_QUERY, w->area, 0, 0, 0);
	uint64_t va = v.x[4], r = v.x[5], wr = v.x[6];
	uint64_t attr = (w->attrs & MM_DEVICE) != 0 ? MAIR_DEVICE
			: (w->attrs & MM_NC) != 0   ? MAIR_NC
						    : MAIR_NORMAL_WB;
	if (!expect_ok(name, &v) || !expect_u64(name, "area exists", va != TEST_AREA_NONE, 1) ||
	    !expect_u64(name, "attributes in its tables", v.x[7], w->attrs | TEST_MMU_MAPPED) ||
	    !expect_u64(name, "AT S1E1R fault", r & PAR_F, 0) ||
	    !expect_u64(name, "AT S1E1R output (VA = IPA)", PAR_PA(r),
			va & ~(uint64_t)(PAGE - 1)) ||
	    !expect_u64(name, "AT S1E1R memory type", PAR_ATTR(r), attr) ||
	    !expect_u64(name, "AT S1E1R NS", (r & PAR_NS) != 0, (w->attrs & MM_NS) != 0)) {
		return;
	}
	if ((w->attrs & MM_W) != 0) {
		if (!expect_u64(name, "AT S1E1W fault", wr & PAR_F, 0)) {
			return;
		}
	} else if (!expect_u64(name, "AT S1E1W fault", wr & PAR_F, 1) ||
		   !expect_u64(name, "AT S1E1W fault status", PAR_FST(wr), FSC_PERMISSION_L3)) {
		return;
	}
	test_pass(name);
}

/* A probe: a byte read, a write back of it (1) or a write of `byte` (2). */
static struct ffa_value probe(uint16_t sp, uint64_t area, unsigned int how, uint8_t byte)
{
	return cmd(sp, TEST_CMD_MMU_PROBE, area, how, byte, 0);
}

/* The probe's result is a stage-1 data abort at EL1 with this fault status. */
static bool expect_fault(const char *name, uint64_t got, unsigned int fsc, bool write)
{
	return expect_u64(name, "faulted", (got & TEST_PROBE_FAULT) != 0, 1) &&
	       expect_u64(name, "ESR_EL1.EC", ESR_EC(got), ESR_EC_DABT_CUR) &&
	       expect_u64(name, "ESR_EL1.WnR", (got & ESR_WNR) != 0, write) &&
	       expect_u64(name, "ESR_EL1.DFSC", ESR_DFSC(got), fsc);
}

/* how: 1 writes back the byte there (harmless if it worked), 2 writes 0 without a read. */
static void t_write_faults(uint16_t sp, const char *what, unsigned int area, unsigned int how)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.probe.%s_write_faults.%s", what, sp_name(sp));
	struct ffa_value v = probe(sp, area, how, 0);
	if (expect_ok(name, &v) && expect_fault(name, v.x[4], FSC_PERMISSION_L3, true)) {
		test_pass(name);
	}
}

static void t_access_works(uint16_t sp, const char *what, unsigned int area, unsigned int how)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.probe.%s_%s_works.%s", what,
		     how == 0 ? "read" : "write", sp_name(sp));
	struct ffa_value v = probe(sp, area, how, 0);
	if (expect_ok(name, &v) && expect_u64(name, "faulted", v.x[4] >> 63, 0)) {
		test_pass(name);
	}
}

static struct ffa_value map(uint16_t sp, bool on, uint64_t area, uint64_t pages, unsigned int attrs)
{
	return cmd(sp, TEST_CMD_MMU_MAP, on, area, pages, attrs);
}

static void t_map_result(const char *name, struct ffa_value v, int want)
{
	if (expect_ok(name, &v) && expect_u64(name, "result", v.x[4], (uint64_t)(int64_t)want)) {
		test_pass(name);
	}
}

/*
 * A page of the partition's own .bss, live: read-only, unmapped, read-write
 * again; the hardware sees each change at once (break-before-make and TLB
 * maintenance), and the page keeps what was written into it.
 */
static void t_remap(uint16_t sp)
{
	char name[64];
	const char *s = sp_name(sp);
	struct ffa_value v;

	fmt_snprintf(name, sizeof(name), "sp.mmu.map.write_rw.%s", s);
	v = probe(sp, TEST_AREA_MAP_PAGE, 2, 0x5A);
	if (expect_ok(name, &v) && expect_u64(name, "result", v.x[4], 0)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.read_only.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 1, MM_R), MM_OK);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.read_only_state.%s", s);
	v = cmd(sp, TEST_CMD_MMU_QUERY, TEST_AREA_MAP_PAGE, 0, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "attributes", v.x[7], TEST_MMU_MAPPED) &&
	    expect_u64(name, "AT S1E1R fault", v.x[5] & PAR_F, 0) &&
	    expect_u64(name, "AT S1E1W fault", v.x[6] & PAR_F, 1) &&
	    expect_u64(name, "AT S1E1W fault status", PAR_FST(v.x[6]), FSC_PERMISSION_L3)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.read_only_write_faults.%s", s);
	v = probe(sp, TEST_AREA_MAP_PAGE, 2, 0x11);
	if (expect_ok(name, &v) && expect_fault(name, v.x[4], FSC_PERMISSION_L3, true)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.read_only_keeps_contents.%s", s);
	v = probe(sp, TEST_AREA_MAP_PAGE, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "byte", v.x[4], 0x5A)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.unmap.%s", s);
	t_map_result(name, map(sp, false, TEST_AREA_MAP_PAGE, 1, 0), MM_OK);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.unmapped_state.%s", s);
	v = cmd(sp, TEST_CMD_MMU_QUERY, TEST_AREA_MAP_PAGE, 0, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "attributes (unmapped)", v.x[7], 0) &&
	    expect_u64(name, "AT S1E1R fault", v.x[5] & PAR_F, 1) &&
	    expect_u64(name, "AT S1E1R fault status", PAR_FST(v.x[5]), FSC_TRANSLATION_L3)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.unmapped_read_faults.%s", s);
	v = probe(sp, TEST_AREA_MAP_PAGE, 0, 0);
	if (expect_ok(name, &v) && expect_fault(name, v.x[4], FSC_TRANSLATION_L3, false)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.read_write_again.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 1, MM_RW), MM_OK);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.contents_kept.%s", s);
	v = probe(sp, TEST_AREA_MAP_PAGE, 0, 0);
	struct ffa_value w = probe(sp, TEST_AREA_MAP_PAGE, 2, 0xA5);
	struct ffa_value r = probe(sp, TEST_AREA_MAP_PAGE, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "byte", v.x[4], 0x5A) &&
	    expect_u64(name, "write", w.x[4], 0) &&
	    expect_u64(name, "byte written", r.x[4], 0xA5)) {
		test_pass(name);
	}

	/* Refused, and nothing changed: W^X, EL0 access, unaligned, the tables' own pages. */
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.writable_executable.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 1, MM_W | MM_X), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.el0_access.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 1, MM_RW | MM_USER), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.device_executable.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 1, MM_DEVICE | MM_X), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.no_pages.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_MAP_PAGE, 0, MM_R), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.tables.%s", s);
	t_map_result(name, map(sp, true, TEST_AREA_TABLES, 1, MM_R), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.unmap_tables.%s", s);
	t_map_result(name, map(sp, false, TEST_AREA_TABLES, 1, 0), MM_EINVAL);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.bad.beyond_va_space.%s", s);
	t_map_result(name, map(sp, true, 1ULL << 39, 1, MM_R), MM_EINVAL);
	v = cmd(sp, TEST_CMD_MMU_QUERY, TEST_AREA_MAP_PAGE, 0, 0, 0);
	fmt_snprintf(name, sizeof(name), "sp.mmu.map.refusals_changed_nothing.%s", s);
	if (expect_ok(name, &v) && expect_u64(name, "attributes", v.x[7], MM_W | TEST_MMU_MAPPED)) {
		test_pass(name);
	}
}

static volatile uint64_t *const mailbox = (volatile uint64_t *)TEST_NS_MAILBOX;

/* sp1 reads what the normal world wrote into its own page, and writes back. */
static void t_ns_read(const char *name, uint64_t pattern)
{
	mailbox[0] = pattern;
	mailbox[1] = 0;
	__asm__ volatile("dsb sy" ::: "memory");
	struct ffa_value v = cmd(TEST_SP1_ID, TEST_CMD_NS_READ, 0, 0, 0, 0);
	if (expect_ok(name, &v) && expect_u64(name, "read by sp1", v.x[4], pattern) &&
	    expect_u64(name, "written by sp1", mailbox[1], ~pattern)) {
		test_pass(name);
	}
}

void suite_mmu(void)
{
	static const struct area_want common[] = {
		{"text", TEST_AREA_TEXT, MM_X},		{"rodata", TEST_AREA_RODATA, MM_R},
		{"data", TEST_AREA_DATA, MM_W},		{"bss", TEST_AREA_BSS, MM_W},
		{"stack", TEST_AREA_STACK, MM_W},	{"boot_info", TEST_AREA_BOOT_INFO, MM_R},
		{"manifest", TEST_AREA_MANIFEST, MM_R}, {"tables", TEST_AREA_TABLES, MM_W},
	};
	static const struct area_want sp1_only[] = {
		{"device", TEST_AREA_DEVICE, MM_DEVICE | MM_W},
		{"ns_page", TEST_AREA_NS, MM_W | MM_NS | MM_NC},
	};
	static const uint16_t sps[] = {TEST_SP1_ID, TEST_SP2_ID};

	for (unsigned int i = 0; i < 2; i++) {
		uint16_t sp = sps[i];
		t_state(sp);
		for (unsigned int a = 0; a < sizeof(common) / sizeof(common[0]); a++) {
			t_area(sp, &common[a]);
		}
		t_access_works(sp, "text", TEST_AREA_TEXT, 0);
		t_access_works(sp, "data", TEST_AREA_DATA, 1);
		t_access_works(sp, "stack", TEST_AREA_STACK, 1);
		t_write_faults(sp, "text", TEST_AREA_TEXT, 1);
		t_write_faults(sp, "rodata", TEST_AREA_RODATA, 1);
		t_write_faults(sp, "boot_info", TEST_AREA_BOOT_INFO, 1);
		t_write_faults(sp, "manifest", TEST_AREA_MANIFEST, 1);
		t_remap(sp);
	}
	for (unsigned int a = 0; a < sizeof(sp1_only) / sizeof(sp1_only[0]); a++) {
		t_area(TEST_SP1_ID, &sp1_only[a]);
	}
	/*
	 * sp1 owns the PL031 read-write now (its alarm is the device interrupt of
	 * the interrupt tests): a byte written back to RTCDR, read-only, works.
	 */
	t_access_works(TEST_SP1_ID, "device", TEST_AREA_DEVICE, 1);

	/* The PL031's identification registers through the Device mapping. */
	struct ffa_value v = cmd(TEST_SP1_ID, TEST_CMD_DEVICE_ID, 0, 0, 0, 0);
	if (expect_ok("sp.mmu.device.pl031_id.sp1", &v) &&
	    expect_u64("sp.mmu.device.pl031_id.sp1", "PrimeCell ID", v.x[4], 0xB105F00D) &&
	    expect_u64("sp.mmu.device.pl031_id.sp1", "peripheral ID", v.x[5], 0x00141031)) {
		test_pass("sp.mmu.device.pl031_id.sp1");
	}

	/* The NS page: the normal world's memory, through sp1's NS mapping. */
	t_ns_read("sp.mmu.ns.shared_page.sp1", 0x0123456789ABCDEFULL);
	t_map_result("sp.mmu.ns.unmap.sp1", map(TEST_SP1_ID, false, TEST_AREA_NS, 1, 0), MM_OK);
	v = cmd(TEST_SP1_ID, TEST_CMD_MMU_QUERY, TEST_AREA_NS, 0, 0, 0);
	if (expect_ok("sp.mmu.ns.unmapped_state.sp1", &v) &&
	    expect_u64("sp.mmu.ns.unmapped_state.sp1", "attributes", v.x[7], 0)) {
		test_pass("sp.mmu.ns.unmapped_state.sp1");
	}
	t_map_result("sp.mmu.ns.map_again.sp1",
		     map(TEST_SP1_ID, true, TEST_AREA_NS, 1, MM_RW | MM_NS | MM_NC), MM_OK);
	static const struct area_want ns_again = {"ns_page_mapped_again", TEST_AREA_NS,
						  MM_W | MM_NS | MM_NC};
	t_area(TEST_SP1_ID, &ns_again);
	t_ns_read("sp.mmu.ns.shared_page_again.sp1", 0xFEDCBA9876543210ULL);

	/* sp2 has no NS page nor device; sp3 (S-EL0) no stage 1 of its own. */
	v = cmd(TEST_SP2_ID, TEST_CMD_NS_READ, 0, 0, 0, 0);
	if (expect_u64("sp.mmu.ns.none_in_sp2", "status", v.x[3], TEST_STATUS_UNKNOWN_CMD)) {
		test_pass("sp.mmu.ns.none_in_sp2");
	}
	v = cmd(TEST_SP3_ID, TEST_CMD_MMU_STATE, 0, 0, 0, 0);
	if (expect_u64("sp.mmu.el0_has_none", "status", v.x[3], TEST_STATUS_UNKNOWN_CMD)) {
		test_pass("sp.mmu.el0_has_none");
	}
}

/*
 * SMP (main.c, suite_smp): in every round each secondary core's sp1
 * context reads TEST_AREA_MAP_PAGE in a loop (TEST_CMD_MMU_WATCH) while
 * core 0's context unmaps it; each watcher must take the translation fault
 * soon after. With a TLB invalidation that reached only core 0 the other
 * cores would keep reading through their stale TLB entries until the watch
 * times out.
 */
void mmu_smp_round_start(void)
{
	for (unsigned int c = 0; c < 8; c++) {
		mailbox[TEST_NS_MAILBOX_WATCH + c] = 0;
	}
	__asm__ volatile("dsb sy" ::: "memory");
}

void mmu_smp_unmap(unsigned int cores, uint32_t round)
{
	char name[64];
	uint64_t end = read_cntpct() + 10 * read_cntfrq();

	/* Every watcher has read the page (its TLB holds it), or 10 s went by. */
	for (unsigned int c = 1; c <= cores; c++) {
		while (mailbox[TEST_NS_MAILBOX_WATCH + c] != round + 1 && read_cntpct() < end) {
			__asm__ volatile("dsb sy" ::: "memory");
		}
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.smp.unmap_on_core0.round%u", round);
	t_map_result(name, map(TEST_SP1_ID, false, TEST_AREA_MAP_PAGE, 1, 0), MM_OK);
}

void mmu_smp_check(unsigned int core, uint32_t round, uint64_t sctlr, uint64_t fault,
		   uint64_t reads)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.smp.state.core%u.round%u", core, round);
	if (expect_u64(name, "sp1's SCTLR_EL1 on this core", sctlr, SCTLR_EL1_MMU_ON)) {
		test_pass(name);
	}
	fmt_snprintf(name, sizeof(name), "sp.mmu.smp.tlb_shootdown.core%u.round%u", core, round);
	if (expect_u64(name, "reads before the unmap", reads != 0 && reads != ~0ULL, 1) &&
	    expect_fault(name, fault, FSC_TRANSLATION_L3, false)) {
		test_pass(name);
	}
}

void mmu_smp_round_end(uint32_t round)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "sp.mmu.smp.map_again.round%u", round);
	t_map_result(name, map(TEST_SP1_ID, true, TEST_AREA_MAP_PAGE, 1, MM_RW), MM_OK);
}
