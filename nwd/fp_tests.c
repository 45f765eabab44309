/*
 * FP/SIMD and SVE state across partitions (switched lazily by the SPMC): the
 * normal world fills its SVE Z0 and V31 with patterns at the full vector
 * length, partitions load their own FP registers, and every side must find
 * exactly what it left, with nothing leaking from one to another.
 */
#include "nwd.h"
#include "test_cmd.h"

#define ID_AA64PFR0_SVE_SHIFT 32
#define CPTR_EL2_NWD 0x32FFULL /* RES1 without TZ (bit 8); TFP (bit 10) clear */
#define ZCR_LEN_MAX 0xFULL
#define ZREG_MAX 256U /* bytes at the largest vector length */
#define NWD_V31 0x0123456789ABCDEFULL
#define FP_SPIN 5000000U

#define PREG_MAX (ZREG_MAX / 8U)

static uint8_t zbuf[ZREG_MAX] __attribute__((aligned(16)));
static uint8_t pbuf[3][PREG_MAX] __attribute__((aligned(16)));

static bool has_sve(void)
{
	uint64_t pfr0;
	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return ((pfr0 >> ID_AA64PFR0_SVE_SHIFT) & 0xF) != 0;
}

/*
 * Z0 = 0x5A in every byte, V31 = NWD_V31 (the low half; the rest of Z31
 * zeroed); with SVE also P0 = every halfword (0x55 per byte), P15 = every word
 * (0x11), FFR all true (0xFF): tzvisor borrows P0 to save FFR.
 */
static void nwd_fill(bool sve)
{
	__asm__ volatile("fmov d31, %0" : : "r"(NWD_V31));
	if (sve) {
		__asm__ volatile(".arch_extension sve\n\tdup z0.b, #0x5a\n\tptrue p0.h\n\t"
				 "ptrue p15.s\n\tsetffr" ::
					 : "memory");
	} else {
		__asm__ volatile("movi v0.16b, #0x5a" ::: "memory");
	}
}

/* Every byte of P0, P15 and FFR (vector length / 8 bytes each) as nwd_fill left it. */
static bool nwd_p_intact(const char *name)
{
	uint64_t vl;
	__asm__ volatile(".arch_extension sve\n\trdvl %0, #1\n\tstr p0, [%1]\n\t"
			 "str p15, [%2]\n\trdffr p1.b\n\tstr p1, [%3]"
			 : "=&r"(vl)
			 : "r"(pbuf[0]), "r"(pbuf[1]), "r"(pbuf[2])
			 : "memory");
	static const uint8_t want[3] = {0x55, 0x11, 0xFF};
	uint64_t good = 0, len = vl / 8U;
	for (unsigned int r = 0; r < 3; r++) {
		for (uint64_t i = 0; i < len && i < PREG_MAX; i++) {
			good += pbuf[r][i] == want[r];
		}
	}
	return expect_u64(name, "normal world P0/P15/FFR bytes intact", good, 3 * len);
}

/* How many bytes of Z0 still hold 0x5A, out of the vector length. */
static bool nwd_intact(const char *name, bool sve)
{
	uint64_t vl = 16, d31;
	__asm__ volatile("fmov %0, d31" : "=r"(d31));
	if (sve) {
		__asm__ volatile(".arch_extension sve\n\trdvl %0, #1\n\tstr z0, [%1]"
				 : "=&r"(vl)
				 : "r"(zbuf)
				 : "memory");
	} else {
		__asm__ volatile("str q0, [%0]" : : "r"(zbuf) : "memory");
	}
	uint64_t good = 0;
	for (uint64_t i = 0; i < vl && i < ZREG_MAX; i++) {
		good += zbuf[i] == 0x5A;
	}
	return expect_u64(name, "normal world Z0 bytes intact", good, vl) &&
	       expect_u64(name, "normal world D31", d31, NWD_V31);
}

/* The partition's D0 (D31 = ~D0, or 0 in a fresh one), FPCR.RMode, and V0's upper half 0. */
static bool get_is(const char *name, uint16_t sp, uint64_t d0, uint64_t rmode)
{
	struct ffa_value v = sp_cmd(sp, TEST_CMD_FP_GET, 0, 0);
	return expect_u64(name, "x0", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	       expect_u64(name, "status", v.x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "SP D0", v.x[4], d0) &&
	       expect_u64(name, "SP D31", v.x[5], d0 == 0 ? 0 : ~d0) &&
	       expect_u64(name, "SP FPCR.RMode", v.x[6], rmode) &&
	       expect_u64(name, "SP V0[127:64]", v.x[7], 0);
}

/*
 * sp2 (non-secure interrupts signaled) loads D0 and is preempted mid-loop; the
 * normal world uses its own V0 and resumes it with FFA_RUN: each side finds
 * its own value.
 */
static void fp_preempted(bool sve)
{
	const char *name = "fp.preempted_partition_keeps_state";
	/*
	 * The interrupt comes 1 ms after the call, long after sp2 has loaded D0
	 * (a few hundred instructions) and long before its loop ends (tens of
	 * millions of instructions).
	 */
	timer_interrupt(true, read_cntfrq() / 1000U);
	struct ffa_value v = sp_cmd(TEST_SP2_ID, TEST_CMD_FP_SPIN, 0xFEEDFACECAFEBEEFULL, FP_SPIN);
	timer_interrupt(false, 0);
	if (!expect_u64(name, "x0", (uint32_t)v.x[0], FFA_INTERRUPT_32)) {
		return;
	}
	__asm__ volatile("movi v0.16b, #0x77" ::: "memory");
	v = ffa_call8(FFA_RUN_32, (uint64_t)TEST_SP2_ID << 16, 0, 0);
	uint64_t d0;
	__asm__ volatile("fmov %0, d0" : "=r"(d0));
	if (expect_u64(name, "x0 after FFA_RUN", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64(name, "SP D0", v.x[4], 0xFEEDFACECAFEBEEFULL) &&
	    expect_u64(name, "iterations", v.x[5], FP_SPIN) &&
	    expect_u64(name, "normal world D0", d0, 0x7777777777777777ULL)) {
		test_pass(name);
	}
	nwd_fill(sve); /* the normal world's patterns back for the checks after this */
}

void suite_fp(void)
{
	bool sve = has_sve();

	if (sve) {
		__asm__ volatile("msr cptr_el2, %0\n\tisb\n\tmsr S3_4_C1_C2_0, %1\n\tisb"
				 :
				 : "r"(CPTR_EL2_NWD), "r"(ZCR_LEN_MAX));
	} else {
		__asm__ volatile("msr cptr_el2, %0\n\tisb" : : "r"(CPTR_EL2_NWD | (1ULL << 8)));
	}
	nwd_fill(sve);

	/* A partition that never used FP starts from zeros, not the normal world's. */
	if (get_is("fp.fresh_partition_zeroed", TEST_SP3_ID, 0, 0) &&
	    nwd_intact("fp.fresh_partition_zeroed", sve)) {
		test_pass("fp.fresh_partition_zeroed");
	}
	struct ffa_value v = sp_cmd(TEST_SP1_ID, TEST_CMD_FP_SET, 0x1111222233334444ULL, 1);
	if (expect_u64("fp.set_keeps_nwd", "status", v.x[3], TEST_STATUS_OK) &&
	    nwd_intact("fp.set_keeps_nwd", sve)) {
		test_pass("fp.set_keeps_nwd");
	}
	v = sp_cmd(TEST_SP2_ID, TEST_CMD_FP_SET, 0xAAAABBBBCCCCDDDDULL, 2);
	if (expect_u64("fp.second_partition", "status", v.x[3], TEST_STATUS_OK) &&
	    nwd_intact("fp.second_partition", sve)) {
		test_pass("fp.second_partition");
	}
	v = sp_cmd(TEST_SP3_ID, TEST_CMD_FP_SET, 0x5555666677778888ULL, 3);
	if (expect_u64("fp.el0_partition", "status", v.x[3], TEST_STATUS_OK) &&
	    get_is("fp.el0_partition", TEST_SP3_ID, 0x5555666677778888ULL, 3)) {
		test_pass("fp.el0_partition");
	}
	/* Each kept its own across other partitions' and the normal world's use. */
	if (get_is("fp.persists.sp1", TEST_SP1_ID, 0x1111222233334444ULL, 1) &&
	    nwd_intact("fp.persists.sp1", sve)) {
		test_pass("fp.persists.sp1");
	}
	if (get_is("fp.persists.sp2", TEST_SP2_ID, 0xAAAABBBBCCCCDDDDULL, 2)) {
		test_pass("fp.persists.sp2");
	}
	/* sp1 asks sp2 (DIRECT_REQ_32) for its D0: both sets of registers survive the chain. */
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_FP_GET);
	if (expect_u64("fp.sp_to_sp", "inner answer", (uint32_t)v.x[4],
		       FFA_MSG_SEND_DIRECT_RESP_32) &&
	    expect_u64("fp.sp_to_sp", "sp2 D0 (32-bit answer)", v.x[6], 0xCCCCDDDDULL) &&
	    get_is("fp.sp_to_sp", TEST_SP1_ID, 0x1111222233334444ULL, 1) &&
	    nwd_intact("fp.sp_to_sp", sve)) {
		test_pass("fp.sp_to_sp");
	}
	fp_preempted(sve);
	if (!sve) {
		test_fail("fp.nwd_sve_predicates",
			  "no SVE on this CPU (the tests run on -cpu max)");
	} else if (nwd_p_intact("fp.nwd_sve_predicates")) {
		test_pass("fp.nwd_sve_predicates");
	}
}
