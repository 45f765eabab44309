/*
 * On-target tests of secure partitions: direct messaging from the normal
 * world to each test SP and between SPs, the call-chain loop check, sender
 * checks, hostile requests, and isolation (a faulting SP is stopped while
 * everything else keeps running). See partitions/test_sp/test_cmd.h.
 */
#include "core/fmt.h"
#include "mem_build.h"
#include "nwd.h"
#include "test_cmd.h"

#define NWD_ID 0U
#define UUID_SP1_LO 0xee114c2f1d5e7a01ULL /* the manifest's cells 0 and 1 */
#define UUID_SP1_HI 0x0200a1ac42022b9aULL /* cells 2 and 3 */

/* Registers of the last req() that broke the SMCCC rules (smccc_check.h). */
static unsigned int req_smccc_bad;

static struct ffa_value req(uint32_t fid, uint16_t to, uint64_t cmd, uint64_t a1, uint64_t a2,
			    uint64_t a3, uint64_t a4)
{
	struct ffa_value v = {.x = {fid, FFA_MSG_ENDPOINTS(NWD_ID, to), 0, cmd, a1, a2, a3, a4}};
	req_smccc_bad = nwd_smc_checked(&v);
	return v;
}

/*
 * A DIRECT_RESP from `from` with status 0, over our own x8-x17 (SMCCC: the
 * response carries nothing there; the partition's own are never seen).
 */
static bool expect_resp(const char *name, const struct ffa_value *v, uint32_t fid, uint16_t from)
{
	return expect_u64(name, "x0", (uint32_t)v->x[0], fid) &&
	       expect_u64(name, "w1 (endpoints)", v->x[1], FFA_MSG_ENDPOINTS(from, NWD_ID)) &&
	       expect_u64(name, "w2", v->x[2], 0) &&
	       expect_u64(name, "status (w3)", v->x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "registers breaking the SMCCC rules", req_smccc_bad, 0);
}

static void t_echo(const char *name, uint32_t fid, uint16_t sp, bool wide)
{
	const uint64_t a[4] = {0x1111222233334444ULL, 0x5555666677778888ULL, 0x99990000AAAABBBBULL,
			       0xCCCCDDDDEEEEFFFFULL};
	struct ffa_value v = req(fid, sp, TEST_CMD_ECHO, a[0], a[1], a[2], a[3]);
	uint32_t resp = fid == FFA_MSG_SEND_DIRECT_REQ_32 ? FFA_MSG_SEND_DIRECT_RESP_32
							  : FFA_MSG_SEND_DIRECT_RESP_64;
	if (!expect_resp(name, &v, resp, sp)) {
		return;
	}
	for (unsigned int i = 0; i < 4; i++) {
		/* SMC32: the partition sees, and answers, only the low 32 bits. */
		if (!expect_u64(name, "echoed", v.x[4 + i], wide ? a[i] : (uint32_t)a[i])) {
			return;
		}
	}
	test_pass(name);
}

/* DIRECT_REQ2 (FF-A v1.2): UUID in x2/x3, 14 payload registers x4-x17. */
static void t_echo2(const char *name, uint16_t sp, uint64_t uuid_lo, uint64_t uuid_hi)
{
	struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(NWD_ID, sp),
				    uuid_lo, uuid_hi, TEST_CMD_ECHO}};
	for (unsigned int i = 5; i < 18; i++) {
		v.x[i] = 0xA000000000000000ULL | i;
	}
	nwd_smc(&v);
	if (!expect_u64(name, "x0", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP2_64) ||
	    !expect_u64(name, "w1", v.x[1], FFA_MSG_ENDPOINTS(sp, NWD_ID)) ||
	    !expect_u64(name, "x2", v.x[2], 0) || !expect_u64(name, "x3", v.x[3], 0) ||
	    !expect_u64(name, "status (x4)", v.x[4], TEST_STATUS_OK)) {
		return;
	}
	for (unsigned int i = 5; i < 18; i++) {
		if (!expect_u64(name, "echoed x5-x17", v.x[i], 0xA000000000000000ULL | i)) {
			return;
		}
	}
	test_pass(name);
}

static void t_req_error(const char *name, struct ffa_value v, enum ffa_error code)
{
	nwd_smc(&v);
	if (expect_ffa_error(name, &v, code)) {
		test_pass(name);
	}
}

static void t_whoami(const char *name, uint16_t sp, uint64_t ec)
{
	struct ffa_value v = req(FFA_MSG_SEND_DIRECT_REQ_64, sp, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	if (expect_resp(name, &v, FFA_MSG_SEND_DIRECT_RESP_64, sp) &&
	    expect_u64(name, "SP's FFA_ID_GET", v.x[4], sp) &&
	    expect_u64(name, "execution context", v.x[5], ec) &&
	    expect_u64(name, "sender seen by SP", v.x[6], NWD_ID) &&
	    expect_u64(name, "boot info check", v.x[7], 0)) {
		test_pass(name);
	}
}

void suite_partitions(void)
{
	t_echo("sp.direct_req32.echo.sp1", FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, false);
	t_echo("sp.direct_req64.echo.sp1", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, true);
	t_echo("sp.direct_req32.echo.sp2", FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP2_ID, false);
	t_echo("sp.direct_req64.echo.sp2", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, true);
	t_echo2("sp.direct_req2.echo.sp1_by_uuid", TEST_SP1_ID, UUID_SP1_LO, UUID_SP1_HI);
	t_echo2("sp.direct_req2.echo.sp2_nil_uuid", TEST_SP2_ID, 0, 0);
	t_whoami("sp.whoami.sp1_core0", TEST_SP1_ID, 0);
	t_whoami("sp.whoami.sp2_core0", TEST_SP2_ID, 0);
	/* The S-EL0 partition: the same protocol through SVC and the SPMC's EL1 shim. */
	t_echo("sp.el0.direct_req32.echo", FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP3_ID, false);
	t_echo("sp.el0.direct_req64.echo", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, true);
	t_echo2("sp.el0.direct_req2.echo", TEST_SP3_ID, 0, 0);
	t_whoami("sp.el0.whoami", TEST_SP3_ID, 0);

	/* The partition's own FF-A calls work from inside a request. */
	struct ffa_value v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_VERSION,
				 FFA_VERSION_1_2, 0, 0, 0);
	if (expect_resp("sp.version_from_sp", &v, FFA_MSG_SEND_DIRECT_RESP_32, TEST_SP1_ID) &&
	    expect_u64("sp.version_from_sp", "FFA_VERSION", v.x[4], FFA_VERSION_1_2)) {
		test_pass("sp.version_from_sp");
	}

	/* SP to SP: sp1 asks sp2 who it is. */
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID,
		TEST_CMD_WHOAMI, 0, 0);
	if (expect_resp("sp.sp_to_sp.whoami", &v, FFA_MSG_SEND_DIRECT_RESP_32, TEST_SP1_ID) &&
	    expect_u64("sp.sp_to_sp.whoami", "sp2's answer", v.x[4], FFA_MSG_SEND_DIRECT_RESP_32) &&
	    expect_u64("sp.sp_to_sp.whoami", "sp2's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sp.sp_to_sp.whoami", "sp2's ID", v.x[6], TEST_SP2_ID) &&
	    expect_u64("sp.sp_to_sp.whoami", "sp2's EC", v.x[7], 0)) {
		test_pass("sp.sp_to_sp.whoami");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP2_ID, TEST_CMD_CALL, TEST_SP1_ID, TEST_CMD_ECHO,
		0xFEED, 0);
	if (expect_resp("sp.sp_to_sp.echo_up_to_mp", &v, FFA_MSG_SEND_DIRECT_RESP_32,
			TEST_SP2_ID) &&
	    expect_u64("sp.sp_to_sp.echo_up_to_mp", "sp1's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sp.sp_to_sp.echo_up_to_mp", "echo", v.x[6], 0xFEED)) {
		test_pass("sp.sp_to_sp.echo_up_to_mp");
	}

	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP3_ID, TEST_CMD_CALL, TEST_SP1_ID,
		TEST_CMD_WHOAMI, 0, 0);
	if (expect_resp("sp.el0.sp_to_sp.el0_to_el1", &v, FFA_MSG_SEND_DIRECT_RESP_32,
			TEST_SP3_ID) &&
	    expect_u64("sp.el0.sp_to_sp.el0_to_el1", "sp1's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sp.el0.sp_to_sp.el0_to_el1", "sp1's ID", v.x[6], TEST_SP1_ID)) {
		test_pass("sp.el0.sp_to_sp.el0_to_el1");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_CALL, TEST_SP3_ID,
		TEST_CMD_WHOAMI, 0, 0);
	if (expect_resp("sp.el0.sp_to_sp.el1_to_el0", &v, FFA_MSG_SEND_DIRECT_RESP_32,
			TEST_SP1_ID) &&
	    expect_u64("sp.el0.sp_to_sp.el1_to_el0", "sp3's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sp.el0.sp_to_sp.el1_to_el0", "sp3's ID", v.x[6], TEST_SP3_ID)) {
		test_pass("sp.el0.sp_to_sp.el1_to_el0");
	}
	/* A -> B -> A: sp2's request back to sp1 (blocked up the chain) is DENIED. */
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_CALL,
		TEST_SP1_ID, TEST_CMD_ECHO);
	if (expect_resp("sp.sp_to_sp.loop_denied", &v, FFA_MSG_SEND_DIRECT_RESP_32, TEST_SP1_ID) &&
	    expect_u64("sp.sp_to_sp.loop_denied", "sp2's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sp.sp_to_sp.loop_denied", "sp2's call result", v.x[6], FFA_ERROR_32) &&
	    expect_u64("sp.sp_to_sp.loop_denied", "error code", v.x[7], (uint32_t)FFA_DENIED)) {
		test_pass("sp.sp_to_sp.loop_denied");
	}
	/* A partition sending to itself. */
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_CALL, TEST_SP1_ID, TEST_CMD_ECHO,
		0, 0);
	if (expect_resp("sp.bad.request_to_self", &v, FFA_MSG_SEND_DIRECT_RESP_32, TEST_SP1_ID) &&
	    expect_u64("sp.bad.request_to_self", "result", v.x[4], FFA_ERROR_32) &&
	    expect_u64("sp.bad.request_to_self", "code", v.x[5],
		       (uint32_t)FFA_INVALID_PARAMETERS)) {
		test_pass("sp.bad.request_to_self");
	}
	/* A response claiming another sender is refused; the SP then answers truthfully. */
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_SPOOF, TEST_SP2_ID, 0, 0, 0);
	if (expect_resp("sp.bad.spoofed_response", &v, FFA_MSG_SEND_DIRECT_RESP_32, TEST_SP1_ID) &&
	    expect_u64("sp.bad.spoofed_response", "result", v.x[4], FFA_ERROR_32) &&
	    expect_u64("sp.bad.spoofed_response", "code", v.x[5],
		       (uint32_t)FFA_INVALID_PARAMETERS)) {
		test_pass("sp.bad.spoofed_response");
	}
	/* FFA_ERROR or FFA_MSG_WAIT instead of the response: DENIED, and the SP carries on. */
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_WRONG_EXIT, 0, 0, 0, 0);
	if (expect_resp("sp.bad.error_or_wait_while_serving", &v, FFA_MSG_SEND_DIRECT_RESP_64,
			TEST_SP2_ID) &&
	    expect_u64("sp.bad.error_or_wait_while_serving", "FFA_ERROR's answer", v.x[4],
		       FFA_ERROR_32) &&
	    expect_u64("sp.bad.error_or_wait_while_serving", "its code", v.x[5],
		       (uint32_t)FFA_DENIED) &&
	    expect_u64("sp.bad.error_or_wait_while_serving", "FFA_MSG_WAIT's answer", v.x[6],
		       FFA_ERROR_32) &&
	    expect_u64("sp.bad.error_or_wait_while_serving", "its code", v.x[7],
		       (uint32_t)FFA_DENIED)) {
		test_pass("sp.bad.error_or_wait_while_serving");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, 0x7777, 0, 0, 0, 0);
	if (expect_u64("sp.unknown_command_answered", "status", v.x[3], TEST_STATUS_UNKNOWN_CMD)) {
		test_pass("sp.unknown_command_answered");
	}

	/* Hostile requests from the normal world: exact error, nothing changed. */
	struct ffa_value bad = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(0, 0x8009), 0, TEST_CMD_ECHO}};
	t_req_error("sp.bad.unknown_receiver", bad, FFA_INVALID_PARAMETERS);
	bad.x[1] = FFA_MSG_ENDPOINTS(0, 0x8000);
	t_req_error("sp.bad.receiver_is_spmc", bad, FFA_INVALID_PARAMETERS);
	bad.x[1] = FFA_MSG_ENDPOINTS(0, 0);
	t_req_error("sp.bad.receiver_is_nwd", bad, FFA_INVALID_PARAMETERS);
	bad.x[1] = FFA_MSG_ENDPOINTS(0, TEST_SP1_ID);
	bad.x[2] = 1;
	t_req_error("sp.bad.w2_not_zero", bad, FFA_INVALID_PARAMETERS);
	bad.x[0] = FFA_MSG_SEND_DIRECT_REQ2_64;
	bad.x[2] = UUID_SP1_LO;
	bad.x[3] = UUID_SP1_HI + 1;
	t_req_error("sp.bad.req2_wrong_uuid", bad, FFA_INVALID_PARAMETERS);
	bad.x[1] = FFA_MSG_ENDPOINTS(0, TEST_SP2_ID);
	bad.x[2] = UUID_SP1_LO; /* sp1's UUID sent to sp2 */
	bad.x[3] = UUID_SP1_HI;
	t_req_error("sp.bad.req2_other_sps_uuid", bad, FFA_INVALID_PARAMETERS);
	/* A normal-world caller may not answer as if it were a partition. */
	bad = (struct ffa_value){
		.x = {FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(TEST_SP1_ID, 0)}};
	t_req_error("sp.bad.direct_resp_from_nwd", bad, FFA_NOT_SUPPORTED);
	bad.x[0] = FFA_MSG_WAIT_32;
	t_req_error("sp.bad.msg_wait_from_nwd", bad, FFA_NOT_SUPPORTED);
	/* After all that, both partitions answer as before. */
	t_echo("sp.after_hostile.sp1", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, true);
	t_echo("sp.after_hostile.sp2", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, true);
	t_echo("sp.after_hostile.sp3", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, true);
}

/* sp1 lends its i-th page to sp2, which retrieves it: the handle (0 on failure). */
static uint64_t lend_to_sp2(unsigned int i)
{
	struct ffa_value v =
		req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_GIVE, FFA_MEM_LEND_64,
		    TEST_SP2_ID | (uint64_t)MB_RW << 32, i | 1U << 16, 0);
	uint64_t h = v.x[5];
	if (v.x[3] != TEST_STATUS_OK || v.x[4] != FFA_SUCCESS_32) {
		return 0;
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_MEM_RETRIEVE, h,
		TEST_SP1_ID | (MB_RW | MB_NX) << 16, 0, 0);
	return v.x[4] == FFA_MEM_RETRIEVE_RESP_32 ? h : 0;
}

static bool sp1_reclaims(const char *name, uint64_t h)
{
	struct ffa_value v =
		req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0, 0);
	return expect_u64(name, "status", v.x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "reclaim", v.x[4], FFA_SUCCESS_32);
}

/*
 * Runs last: it stops sp2, then sp1, then sp3. A partition stops once and
 * for good, so the two S-EL1 partitions carry two fatal faults: sp2 one at
 * the SPMC's stage 2 (memory it relinquished), sp1 one at its own stage 1
 * (a write to its text). The SPMC's memory, absent from every partition's
 * stage 2 like anything else a partition does not own, is left to the
 * S-EL0 case.
 */
void suite_isolation(void)
{
	/*
	 * sp2 borrows two of sp1's pages, writes to the first, relinquishes it
	 * but keeps it in its own stage 1, and reads it: the SPMC's stage 2 no
	 * longer has the page, the fault stops sp2. sp1 then reclaims both,
	 * the one sp2 still held when it stopped too, and finds sp2's write.
	 */
	const char *n = "sp.isolation.read_after_relinquish_aborts_sp";
	uint64_t page =
		req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_PAGE, 6, 0, 0, 0).x[4];
	uint64_t gone = lend_to_sp2(6), held = lend_to_sp2(7);
	if (!expect_u64(n, "two pages lent and retrieved", gone != 0 && held != 0, 1)) {
		return;
	}
	req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_MEM_WRITE, page + 8, 0x600D, 0, 0);
	struct ffa_value v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_MEM_RELINQUISH,
				 gone, TEST_MEM_KEEP_MAPPING, 0, 0);
	if (!expect_u64(n, "relinquish", v.x[4], FFA_SUCCESS_32)) {
		return;
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_MEM_READ, page, 0, 0, 0);
	if (expect_ffa_error(n, &v, FFA_ABORTED)) {
		test_pass(n);
	}
	if (sp1_reclaims("sp.isolation.lender_reclaims_relinquished", gone)) {
		test_pass("sp.isolation.lender_reclaims_relinquished");
	}
	if (sp1_reclaims("sp.isolation.lender_reclaims_from_stopped_borrower", held)) {
		test_pass("sp.isolation.lender_reclaims_from_stopped_borrower");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_READ, page + 8, 0, 0, 0);
	if (expect_u64("sp.isolation.lender_reads_borrower_write", "value", v.x[4], 0x600D)) {
		test_pass("sp.isolation.lender_reads_borrower_write");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP2_ID, TEST_CMD_ECHO, 1, 2, 3, 4);
	if (expect_ffa_error("sp.isolation.stopped_sp_refuses", &v, FFA_ABORTED)) {
		test_pass("sp.isolation.stopped_sp_refuses");
	}
	/* sp1 and the SPMC carry on; sp1 sees sp2 as aborted. */
	t_echo("sp.isolation.other_sp_runs", FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, true);
	v = req(FFA_MSG_SEND_DIRECT_REQ_32, TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_ECHO,
		0, 0);
	if (expect_resp("sp.isolation.sp_to_stopped_sp", &v, FFA_MSG_SEND_DIRECT_RESP_32,
			TEST_SP1_ID) &&
	    expect_u64("sp.isolation.sp_to_stopped_sp", "result", v.x[4], FFA_ERROR_32) &&
	    expect_u64("sp.isolation.sp_to_stopped_sp", "code", v.x[5], (uint32_t)FFA_ABORTED)) {
		test_pass("sp.isolation.sp_to_stopped_sp");
	}
	/* Before it stops, sp1 lends sp3 a page (not retrieved) and shares another (retrieved). */
	uint64_t shared_page =
		req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_PAGE, 9, 0, 0, 0).x[4];
	req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_WRITE, shared_page, 0x5709ED, 0,
	    0);
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_GIVE, FFA_MEM_LEND_64,
		TEST_SP3_ID | (uint64_t)MB_RW << 32, 8 | 1U << 16, 0);
	uint64_t lent = v.x[4] == FFA_SUCCESS_32 ? v.x[5] : 0;
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_MEM_GIVE, FFA_MEM_SHARE_64,
		TEST_SP3_ID | (uint64_t)MB_RW << 32 | (uint64_t)MB_NORMAL_WB_ISH << 48,
		9 | 1U << 16, 0);
	uint64_t shared = v.x[4] == FFA_SUCCESS_32 ? v.x[5] : 0;
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, shared,
		TEST_SP1_ID | MB_RW << 16, 0, 0);
	uint64_t sp3_at =
		req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_WHERE, 0, 0, 0, 0).x[4];
	if (expect_u64("sp.stopped_lender.gave", "lent, shared, retrieved",
		       lent != 0 && shared != 0 && v.x[4] == FFA_MEM_RETRIEVE_RESP_32 &&
			       sp3_at != 0,
		       1)) {
		test_pass("sp.stopped_lender.gave");
	}
	/*
	 * The fault inside sp1's own EC, at its own stage 1: a write to its
	 * read-only text (its entry page, load-address + entrypoint-offset).
	 * Its runtime reports it and stops the partition (runtime/start.S).
	 */
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_FAULT, 0x0e304000, 1, 0, 0);
	if (expect_ffa_error("sp.isolation.text_write_aborts_sp", &v, FFA_ABORTED)) {
		test_pass("sp.isolation.text_write_aborts_sp");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP1_ID, TEST_CMD_ECHO, 1, 2, 3, 4);
	if (expect_ffa_error("sp.isolation.text_write_stopped_sp_refuses", &v, FFA_ABORTED)) {
		test_pass("sp.isolation.text_write_stopped_sp_refuses");
	}
	/*
	 * sp1 stopped: the lend nobody retrieved was reclaimed for it at once
	 * (gone); sp3 keeps the share and still reads sp1's word, but nobody
	 * retrieves it again; when sp3 relinquishes it, it is reclaimed too.
	 */
	const uint64_t invalid = FFA_ERROR_32 | (uint64_t)(uint32_t)FFA_INVALID_PARAMETERS << 32;
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, lent,
		TEST_SP1_ID | (MB_RW | MB_NX) << 16, 0, 0);
	if (expect_u64("sp.stopped_lender.lend_reclaimed", "retrieve", v.x[4], invalid)) {
		test_pass("sp.stopped_lender.lend_reclaimed");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_READ, sp3_at, 0, 0, 0);
	if (expect_u64("sp.stopped_lender.borrower_keeps_share", "word", v.x[4], 0x5709ED)) {
		test_pass("sp.stopped_lender.borrower_keeps_share");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, shared,
		TEST_SP1_ID | MB_RW << 16, 0, 0);
	if (expect_u64("sp.stopped_lender.no_new_retrieve", "retrieve", v.x[4], invalid)) {
		test_pass("sp.stopped_lender.no_new_retrieve");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, shared, 0, 0, 0);
	if (expect_u64("sp.stopped_lender.last_relinquish", "relinquish", v.x[4], FFA_SUCCESS_32)) {
		test_pass("sp.stopped_lender.last_relinquish");
	}
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, shared,
		TEST_SP1_ID | MB_RW << 16, 0, 0);
	if (expect_u64("sp.stopped_lender.share_reclaimed", "retrieve", v.x[4], invalid)) {
		test_pass("sp.stopped_lender.share_reclaimed");
	}
	/* The S-EL0 partition touching the SPMC: its stage 1 has no such page; the shim reports it.
	 */
	v = req(FFA_MSG_SEND_DIRECT_REQ_64, TEST_SP3_ID, TEST_CMD_FAULT, 0x0e100000, 0, 0, 0);
	if (expect_ffa_error("sp.isolation.el0_fault_aborts_sp", &v, FFA_ABORTED)) {
		test_pass("sp.isolation.el0_fault_aborts_sp");
	}
	struct ffa_value id = ffa_call8(FFA_SPM_ID_GET_32, 0, 0, 0);
	if (expect_ffa_success("sp.isolation.spmc_still_answers", &id, 0x8000)) {
		test_pass("sp.isolation.spmc_still_answers");
	}
}

/*
 * FFA_MEM_PERM_GET/SET: sp3 (S-EL0) called them while it initialised
 * (partitions/test_sp/main.c, mem_perm_tests); each answer checked here.
 */
void suite_mem_perm(void)
{
	static const struct {
		const char *name;
		int8_t want; /* w2, 0 for SET, or the FF-A error */
	} calls[] = {
		{"sp.mem_perm.get_image_rwx", 1},
		{"sp.mem_perm.set_code_ro_x", 0},
		{"sp.mem_perm.get_code_ro_x", 3},
		{"sp.mem_perm.get_data_rw_nx", 5},
		{"sp.mem_perm.set_ro", 0},
		{"sp.mem_perm.get_after_set_ro", 7},
		{"sp.mem_perm.neighbour_untouched", 5},
		{"sp.mem_perm.set_back_rw_two_pages", 0},
		{"sp.mem_perm.get_after_set_rw", 5},
		{"sp.mem_perm.bad.rw_and_executable", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.reserved_data_access", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.no_access", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.reserved_bit", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.no_pages", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.unaligned", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.spmc_memory", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.beyond_its_memory", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.bad.get_not_its_page", FFA_INVALID_PARAMETERS},
		{"sp.mem_perm.refusals_changed_nothing", 5},
	};
	struct ffa_value v = sp_cmd(TEST_SP3_ID, TEST_CMD_MEM_PERM_RESULTS, 0, 0);
	if (!expect_u64("sp.mem_perm.results", "status", v.x[3], TEST_STATUS_OK)) {
		return;
	}
	for (unsigned int i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		uint8_t got = (uint8_t)(v.x[4 + i / 8] >> (8 * (i % 8)));
		if (expect_u64(calls[i].name, "answer (byte)", got, (uint8_t)calls[i].want)) {
			test_pass(calls[i].name);
		}
	}
	if (expect_u64("sp.mem_perm.bad.set_after_initialisation", "error", v.x[7],
		       (uint32_t)FFA_DENIED)) {
		test_pass("sp.mem_perm.bad.set_after_initialisation");
	}
	/* An S-EL1 partition keeps its own stage 1: DENIED. */
	v = sp_notif_call(TEST_SP1_ID, FFA_MEM_PERM_GET_32, 0x0e300000, 0, 0);
	if (expect_u64("sp.mem_perm.bad.s_el1_caller", "x0", v.x[4], FFA_ERROR_32) &&
	    expect_u64("sp.mem_perm.bad.s_el1_caller", "error", (uint32_t)v.x[5],
		       (uint32_t)FFA_DENIED)) {
		test_pass("sp.mem_perm.bad.s_el1_caller");
	}
}
