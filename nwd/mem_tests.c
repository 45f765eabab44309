/*
 * Memory sharing on target (FF-A v1.2 chapter 11): the normal world shares,
 * lends and donates its memory to the test partitions, partitions give
 * theirs to each other, borrowers retrieve (in fragments too), read and
 * write, relinquish; lenders reclaim. Data written through one mapping is
 * read back through the other. Hostile input gets its exact error and
 * leaves the transaction that was there as it was.
 *
 * The normal world's memory to give is a window of non-secure DRAM the
 * payload does not otherwise use (SHARE_BASE). The payload runs with its
 * MMU off, so its accesses are non-cacheable; QEMU does not model caches,
 * so no maintenance is needed to see the partitions' cacheable writes.
 * Borrowers: sp3 (S-EL0, whose stage 1 tzvisor maps), sp1 and sp2 (S-EL1,
 * which map what they retrieve in their own stage 1, normal-world memory
 * in their non-secure IPA space). The normal world speaks v1.2, and v1.0
 * and v1.1 for a while (versions()); on four cores at once in the SMP
 * suite (mem_on_core).
 */
#include <string.h>

#include "core/fmt.h"
#include "mem_build.h"
#include "nwd.h"
#include "test_cmd.h"

#define SHARE_BASE 0x70000000ULL /* 16 MiB of non-secure DRAM for shares */
#define PG 4096ULL
#define NWD_ID 0U

static uint8_t big[65536] __attribute__((aligned(16))); /* a whole descriptor before fragmenting */

static volatile uint64_t *word(uint64_t addr)
{
	return (volatile uint64_t *)(uintptr_t)addr;
}

/* A direct request with x3-x7 (a test command and four arguments). */
static struct ffa_value cmd(uint16_t sp, uint64_t c, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct ffa_value v = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(NWD_ID, sp), 0, c, a1, a2, a3}};
	nwd_smc(&v);
	return v;
}

/*
 * Sends descriptor d (written for `version`) with ABI fid: the first 4 KiB
 * fragment, then FFA_MEM_FRAG_TX for the rest. *frags counts the fragments.
 */
static struct ffa_value send_frags(uint32_t fid, const struct mb_desc *d, uint32_t version,
				   unsigned int *frags)
{
	uint32_t total = mb_write(big, version, d), at = total < 4096 ? total : 4096;
	memcpy(nwd_tx, big, at);
	struct ffa_value v = ffa_call6(fid, total, at, 0, 0, 0);
	*frags = 1;
	while ((uint32_t)v.x[0] == FFA_MEM_FRAG_RX_32 && v.x[3] == at) {
		uint32_t n = total - at < 4096 ? total - at : 4096;
		memcpy(nwd_tx, big + at, n);
		v = ffa_call6(FFA_MEM_FRAG_TX_32, v.x[1], v.x[2], n, 0, 0);
		at += n;
		(*frags)++;
	}
	return v;
}

static struct ffa_value send1(uint32_t fid, const struct mb_desc *d)
{
	unsigned int frags;
	return send_frags(fid, d, FFA_VERSION_1_2, &frags);
}

static uint64_t handle_of(const struct ffa_value *v)
{
	return (uint32_t)v->x[0] == FFA_SUCCESS_32 ? (v->x[2] & 0xFFFFFFFFU) | v->x[3] << 32 : 0;
}

/* A descriptor of one range with one receiver. */
static struct mb_desc one(const struct mb_range *r, uint16_t to, uint8_t perms, uint16_t attrs)
{
	return (struct mb_desc){.sender = NWD_ID,
				.attrs = attrs,
				.nrecv = 1,
				.recv = {{.id = to, .perms = perms}},
				.ranges = r,
				.nranges = 1};
}

static bool expect_handle(const char *name, const struct ffa_value *v, uint64_t *h)
{
	*h = handle_of(v);
	return expect_u64(name, "x0", (uint32_t)v->x[0], FFA_SUCCESS_32) &&
	       expect_u64(name, "handle allocated by the SPMC (bit 63 clear)", *h >> 63, 0) &&
	       expect_u64(name, "handle non-zero", *h != 0, 1);
}

/* sp's retrieve: the answer, total pages, ranges, attributes and permissions it saw. */
static bool expect_retrieved(const char *name, const struct ffa_value *v, uint32_t pages,
			     uint32_t ranges, uint16_t attrs, uint8_t perms)
{
	return expect_u64(name, "status", v->x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "retrieve answer", v->x[4], FFA_MEM_RETRIEVE_RESP_32) &&
	       expect_u64(name, "pages | ranges << 32", v->x[5], pages | (uint64_t)ranges << 32) &&
	       expect_u64(name, "attributes | permissions << 16", v->x[6] & 0xFFFFFFFFU,
			  attrs | (uint32_t)perms << 16);
}

static bool expect_sp_ok(const char *name, const struct ffa_value *v, uint64_t x4)
{
	return expect_u64(name, "status", v->x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "x4", v->x[4], x4);
}

static void t_sp_ok(const char *name, struct ffa_value v, uint64_t x4)
{
	if (expect_sp_ok(name, &v, x4)) {
		test_pass(name);
	}
}

#define RESP_ERR(e) (FFA_ERROR_32 | (uint64_t)(uint32_t)(e) << 32)

/* --- the normal world gives, an S-EL0 partition borrows --------------------------- */

static void nwd_share_with_sp3(void)
{
	const char *n = "mem.nwd_share.sp3.retrieve";
	struct mb_range r = {SHARE_BASE, 1};
	struct mb_desc d = one(&r, TEST_SP3_ID, MB_RW, MB_NORMAL_WB_ISH);
	*word(SHARE_BASE) = 0x5EED0001;
	*word(SHARE_BASE + PG - 8) = 0x5EED0002;
	struct ffa_value v = send1(FFA_MEM_SHARE_64, &d);
	uint64_t h;
	if (!expect_handle("mem.nwd_share.sp3.send", &v, &h)) {
		return;
	}
	test_pass("mem.nwd_share.sp3.send");
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RW << 16, 0);
	if (expect_retrieved(n, &v, 1, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX) &&
	    expect_u64(n, "fragments", v.x[6] >> 32, 1) &&
	    expect_u64(n, "the range", v.x[7], SHARE_BASE ^ (SHARE_BASE + 1) << 20)) {
		test_pass(n);
	}
	/* Each side reads what the other wrote. */
	t_sp_ok("mem.nwd_share.sp3.reads_nwd_data",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, SHARE_BASE + PG - 8, 0, 0), 0x5EED0002);
	cmd(TEST_SP3_ID, TEST_CMD_MEM_WRITE, SHARE_BASE + 8, 0xB0B0CAFE, 0);
	if (expect_u64("mem.nwd_share.nwd_reads_sp3_data", "value", *word(SHARE_BASE + 8),
		       0xB0B0CAFE)) {
		test_pass("mem.nwd_share.nwd_reads_sp3_data");
	}
	/* Retrieved twice, reclaimed while retrieved: refused, nothing changes. */
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RW << 16, 0);
	t_sp_ok("mem.bad.retrieve_twice", v, RESP_ERR(FFA_DENIED));
	test_ffa_error("mem.bad.reclaim_while_retrieved",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), FFA_DENIED);
	t_sp_ok("mem.bad.refusals_changed_nothing",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, SHARE_BASE, 0, 0), 0x5EED0001);
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
	t_sp_ok("mem.nwd_share.sp3.relinquish", v, FFA_SUCCESS_32);
	test_ffa_success("mem.nwd_share.reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), 0);
	test_ffa_error("mem.bad.reclaim_twice",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
}

/* A loan that asks for the memory to be zeroed: the borrower finds zeros. */
static void nwd_lend_zeroed(void)
{
	struct mb_range r = {SHARE_BASE + 2 * PG, 2};
	struct mb_desc d = one(&r, TEST_SP3_ID, MB_RW, 0);
	d.flags = 1; /* zero the memory before the borrower gets it */
	for (unsigned int i = 0; i < 2 * PG / 8; i++) {
		*word(SHARE_BASE + 2 * PG + i * 8) = 0xFFFFFFFFFFFFFFFFULL;
	}
	struct ffa_value v = send1(FFA_MEM_LEND_32, &d);
	uint64_t h;
	if (!expect_handle("mem.nwd_lend.zeroed.send", &v, &h)) {
		return;
	}
	test_pass("mem.nwd_lend.zeroed.send");
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved("mem.nwd_lend.zeroed.retrieve", &v, 2, 1,
			     MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX)) {
		test_pass("mem.nwd_lend.zeroed.retrieve");
	}
	t_sp_ok("mem.nwd_lend.zeroed.first_word",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, SHARE_BASE + 2 * PG, 0, 0), 0);
	t_sp_ok("mem.nwd_lend.zeroed.last_word",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, SHARE_BASE + 4 * PG - 8, 0, 0), 0);
	cmd(TEST_SP3_ID, TEST_CMD_MEM_WRITE, SHARE_BASE + 3 * PG, 0x5EC2E7, 0);
	/* Relinquished with the zero flag: the secret does not come back. */
	t_sp_ok("mem.nwd_lend.zeroed.relinquish_zero",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, h, 1, 0), FFA_SUCCESS_32);
	test_ffa_success("mem.nwd_lend.reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), 0);
	if (expect_u64("mem.nwd_lend.zeroed_after_relinquish", "word", *word(SHARE_BASE + 3 * PG),
		       0)) {
		test_pass("mem.nwd_lend.zeroed_after_relinquish");
	}
}

/* --- the normal world gives, S-EL1 partitions borrow ----------------------------- */

/* A loan of two pages to sp1: it maps them itself (non-secure IPA space), reads, writes. */
static void nwd_lend_to_sp1(void)
{
	const char *n = "mem.nwd_lend.sp1.retrieve";
	uint64_t base = SHARE_BASE + 0x20000;
	struct mb_range r = {base, 2};
	struct mb_desc d = one(&r, TEST_SP1_ID, MB_RW, 0);
	*word(base) = 0x5E1A0001;
	*word(base + 2 * PG - 8) = 0x5E1A0002;
	struct ffa_value v = send1(FFA_MEM_LEND_64, &d);
	uint64_t h;
	if (!expect_handle("mem.nwd_lend.sp1.send", &v, &h)) {
		return;
	}
	test_pass("mem.nwd_lend.sp1.send");
	v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved(n, &v, 2, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX) &&
	    expect_u64(n, "the range", v.x[7], base ^ (base + 2) << 20)) {
		test_pass(n);
	}
	t_sp_ok("mem.nwd_lend.sp1.reads_first_page",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, base, 0, 0), 0x5E1A0001);
	t_sp_ok("mem.nwd_lend.sp1.reads_last_word",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, base + 2 * PG - 8, 0, 0), 0x5E1A0002);
	cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, base + PG, 0x5E1A0003, 0);
	test_ffa_error("mem.nwd_lend.sp1.reclaim_while_held",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), FFA_DENIED);
	t_sp_ok("mem.nwd_lend.sp1.relinquish", cmd(TEST_SP1_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0),
		FFA_SUCCESS_32);
	test_ffa_success("mem.nwd_lend.sp1.reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), 0);
	if (expect_u64("mem.nwd_lend.sp1.nwd_reads_sp1_data", "value", *word(base + PG),
		       0x5E1A0003)) {
		test_pass("mem.nwd_lend.sp1.nwd_reads_sp1_data");
	}
}

/* One page shared with sp1 (read-write) and sp2 (read-only): each sees the other's view. */
static void nwd_share_with_sp1_sp2(void)
{
	const char *n = "mem.nwd_share.sp1_sp2.send";
	uint64_t base = SHARE_BASE + 0x30000;
	struct mb_range r = {base, 1};
	struct mb_desc d = one(&r, TEST_SP1_ID, MB_RW, MB_NORMAL_WB_ISH);
	d.nrecv = 2;
	d.recv[1] = (struct mb_recv){.id = TEST_SP2_ID, .perms = MB_RO};
	*word(base) = 0x5A5A0001;
	struct ffa_value v = send1(FFA_MEM_SHARE_32, &d);
	uint64_t h;
	if (!expect_handle(n, &v, &h)) {
		return;
	}
	test_pass(n);
	v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RW << 16, 0);
	if (expect_retrieved("mem.nwd_share.sp1_sp2.sp1", &v, 1, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS,
			     MB_RW | MB_NX)) {
		test_pass("mem.nwd_share.sp1_sp2.sp1");
	}
	v = cmd(TEST_SP2_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RO << 16, 0);
	if (expect_retrieved("mem.nwd_share.sp1_sp2.sp2", &v, 1, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS,
			     MB_RO | MB_NX)) {
		test_pass("mem.nwd_share.sp1_sp2.sp2");
	}
	cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, base + 8, 0x5A5A0002, 0);
	t_sp_ok("mem.nwd_share.sp1_sp2.sp2_reads_sp1_write",
		cmd(TEST_SP2_ID, TEST_CMD_MEM_READ, base + 8, 0, 0), 0x5A5A0002);
	t_sp_ok("mem.nwd_share.sp1_sp2.sp2_reads_nwd_data",
		cmd(TEST_SP2_ID, TEST_CMD_MEM_READ, base, 0, 0), 0x5A5A0001);
	*word(base + 16) = 0x5A5A0003; /* the sender keeps access to shared memory */
	t_sp_ok("mem.nwd_share.sp1_sp2.sp1_reads_nwd_write",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, base + 16, 0, 0), 0x5A5A0003);
	cmd(TEST_SP2_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
	test_ffa_error("mem.nwd_share.sp1_sp2.reclaim_while_sp1_holds",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), FFA_DENIED);
	cmd(TEST_SP1_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
	test_ffa_success("mem.nwd_share.sp1_sp2.reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), 0);
}

/*
 * Normal-world memory donated to sp1 is sp1's: it lends it on to sp3 (its
 * non-secure IPA space loses it meanwhile), reclaims it, and has it back;
 * the normal world may not give it any more.
 */
static void nwd_donate_then_sp_lends(void)
{
	const char *n = "mem.nwd_donate.sp1_lends_on";
	uint64_t p = SHARE_BASE + 0xF00000; /* outside every other test's pages: it stays sp1's */
	struct mb_range r = {p, 1};
	struct mb_desc d =
		one(&r, TEST_SP1_ID, 0, 0); /* a donation leaves access to the borrower */
	*word(p) = 0xD0A7E001;
	struct ffa_value v = send1(FFA_MEM_DONATE_64, &d);
	uint64_t h;
	if (!expect_handle("mem.nwd_donate.send", &v, &h)) {
		return;
	}
	test_pass("mem.nwd_donate.send");
	v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved("mem.nwd_donate.sp1_retrieves", &v, 1, 1,
			     MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX)) {
		test_pass("mem.nwd_donate.sp1_retrieves");
	}
	t_sp_ok("mem.nwd_donate.sp1_reads", cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, p, 0, 0),
		0xD0A7E001);
	test_ffa_error("mem.nwd_donate.nwd_reclaim_refused",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	d = one(&r, TEST_SP3_ID, MB_RO, MB_NORMAL_WB_ISH);
	test_ffa_error("mem.nwd_donate.nwd_cannot_give_it", send1(FFA_MEM_SHARE_32, &d),
		       FFA_DENIED);
	struct ffa_value x = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
				    FFA_MSG_ENDPOINTS(NWD_ID, TEST_SP1_ID), 0, TEST_CMD_MEM_GIVE,
				    FFA_MEM_LEND_64, TEST_SP3_ID | (uint64_t)MB_RW << 32,
				    0 | 1U << 16, p}};
	nwd_smc(&x);
	uint64_t h2 = x.x[5];
	if (!expect_sp_ok(n, &x, FFA_SUCCESS_32)) {
		return;
	}
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h2, TEST_SP1_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved(n, &v, 1, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX) &&
	    expect_u64(n, "the range", v.x[7], p ^ (p + 1) << 20)) {
		test_pass(n);
	}
	t_sp_ok("mem.nwd_donate.sp3_reads", cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, p, 0, 0),
		0xD0A7E001);
	cmd(TEST_SP3_ID, TEST_CMD_MEM_WRITE, p + 8, 0xD0A7E002, 0);
	t_sp_ok("mem.nwd_donate.sp3_relinquishes",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, h2, 0, 0), FFA_SUCCESS_32);
	t_sp_ok("mem.nwd_donate.sp1_reclaims", cmd(TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h2, 0, 0),
		FFA_SUCCESS_32);
	t_sp_ok("mem.nwd_donate.sp1_reads_sp3_write",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, p + 8, 0, 0), 0xD0A7E002);
}

/* --- the normal world in v1.0 and v1.1 -------------------------------------------- */

static bool rxtx_version(const char *name, uint32_t version)
{
	struct ffa_value v = ffa_call6(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0);
	if (!expect_u64(name, "RXTX_UNMAP", (uint32_t)v.x[0], FFA_SUCCESS_32)) {
		return false;
	}
	v = ffa_call6(FFA_VERSION_32, version, 0, 0, 0, 0);
	if (!expect_u64(name, "FFA_VERSION", (uint32_t)v.x[0], FFA_VERSION_1_2)) {
		return false;
	}
	v = ffa_call6(FFA_RXTX_MAP_64, (uintptr_t)nwd_tx, (uintptr_t)nwd_rx, 1, 0, 0);
	return expect_u64(name, "RXTX_MAP", (uint32_t)v.x[0], FFA_SUCCESS_32);
}

/*
 * The normal world as a v1.0 and a v1.1 caller (buffers unmapped, version
 * renegotiated, buffers mapped again): its descriptors in its layout, the
 * hypervisor retrieve answered in it, the partition (v1.2) unaffected.
 */
static void versions(void)
{
	static const struct {
		uint32_t version;
		const char *name;
	} vs[] = {{FFA_VERSION_1_0, "v1_0"}, {FFA_VERSION_1_1, "v1_1"}};
	char n[80];

	for (unsigned int i = 0; i < 2; i++) {
		uint32_t ver = vs[i].version;
		uint64_t base = SHARE_BASE + 0x40000 + i * 0x10000;
		fmt_snprintf(n, sizeof(n), "mem.version.%s.renegotiate", vs[i].name);
		if (!rxtx_version(n, ver)) {
			break;
		}
		test_pass(n);
		/* FFA_FEATURES(RETRIEVE_REQ): the NS bit is the caller's to ask for in v1.0 only.
		 */
		fmt_snprintf(n, sizeof(n), "mem.version.%s.features_retrieve", vs[i].name);
		test_ffa_success(n, ffa_call6(FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_32, 2, 0, 0, 0),
				 6);
		struct mb_range r = {base, 3};
		struct mb_desc d = one(&r, TEST_SP1_ID, MB_RW, MB_NORMAL_WB_ISH);
		*word(base + PG) = 0x7E500000 + i;
		uint32_t len = mb_write(nwd_tx, ver, &d);
		struct ffa_value v = ffa_call6(FFA_MEM_SHARE_32, len, len, 0, 0, 0);
		uint64_t h;
		fmt_snprintf(n, sizeof(n), "mem.version.%s.share", vs[i].name);
		if (!expect_handle(n, &v, &h)) {
			continue;
		}
		test_pass(n);
		/*
		 * The hypervisor's view, in the caller's layout: a request that is
		 * a bare header, all zero but the handle (descriptor sizes and
		 * offsets too, as pKVM sends it).
		 */
		len = ver == FFA_VERSION_1_0 ? 32 : 48;
		memset(nwd_tx, 0, len);
		memcpy(nwd_tx + 8, &h, 8);
		v = ffa_call6(FFA_MEM_RETRIEVE_REQ_32, len, len, 0, 0, 0);
		struct mb_resp resp;
		fmt_snprintf(n, sizeof(n), "mem.version.%s.hypervisor_retrieve", vs[i].name);
		if (expect_u64(n, "x0", (uint32_t)v.x[0], FFA_MEM_RETRIEVE_RESP_32) &&
		    expect_u64(n, "total (the request's header, an EMAD, composite, range)", v.x[1],
			       len + 16 + 16 + 16) &&
		    expect_u64(n, "readable in the caller's layout",
			       mb_read(nwd_rx, (uint32_t)v.x[2], ver, &resp), 1) &&
		    expect_u64(n, "handle", resp.handle, h) &&
		    expect_u64(n, "receiver", resp.recv_id, TEST_SP1_ID) &&
		    expect_u64(n, "pages", resp.total_pages, 3) &&
		    expect_u64(n, "the range", mb_range_at(nwd_rx + resp.ranges_at, 0).base,
			       base)) {
			test_pass(n);
		}
		ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		fmt_snprintf(n, sizeof(n), "mem.version.%s.sp1_retrieves", vs[i].name);
		v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RW << 16, 0);
		if (expect_retrieved(n, &v, 3, 1, MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX)) {
			test_pass(n);
		}
		fmt_snprintf(n, sizeof(n), "mem.version.%s.sp1_reads", vs[i].name);
		t_sp_ok(n, cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, base + PG, 0, 0), 0x7E500000 + i);
		cmd(TEST_SP1_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
		fmt_snprintf(n, sizeof(n), "mem.version.%s.reclaim", vs[i].name);
		test_ffa_success(n, ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0),
				 0);
	}
	if (rxtx_version("mem.version.back_to_v1_2", FFA_VERSION_1_2)) {
		test_pass("mem.version.back_to_v1_2");
	}
}

/* --- partitions give to partitions ------------------------------------------------ */

static uint64_t sp_page(uint16_t sp, unsigned int i)
{
	return cmd(sp, TEST_CMD_MEM_PAGE, i, 0, 0).x[4];
}

/* sp1 lends a page to sp2 (both S-EL1): sp2 reads sp1's data, sp1 reads sp2's after. */
static void sp_lend_to_sp(void)
{
	uint64_t p = sp_page(TEST_SP1_ID, 0);
	cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, p, 0x51AB0001, 0);
	struct ffa_value v = cmd(TEST_SP1_ID, TEST_CMD_MEM_GIVE, FFA_MEM_LEND_64,
				 TEST_SP2_ID | (uint64_t)MB_RW << 32, 0 | 1U << 16);
	uint64_t h = v.x[5];
	if (!expect_sp_ok("mem.sp_lend.send", &v, FFA_SUCCESS_32)) {
		return;
	}
	test_pass("mem.sp_lend.send");
	v = cmd(TEST_SP2_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP1_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved("mem.sp_lend.retrieve", &v, 1, 1, MB_NORMAL_WB_ISH, MB_RW | MB_NX) &&
	    expect_u64("mem.sp_lend.retrieve", "the range", v.x[7], p ^ (p + 1) << 20)) {
		test_pass("mem.sp_lend.retrieve");
	}
	t_sp_ok("mem.sp_lend.borrower_reads", cmd(TEST_SP2_ID, TEST_CMD_MEM_READ, p, 0, 0),
		0x51AB0001);
	cmd(TEST_SP2_ID, TEST_CMD_MEM_WRITE, p + 16, 0x51AB0002, 0);
	/* The lender may not reclaim before the borrower relinquished; a stranger never. */
	v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0);
	t_sp_ok("mem.bad.sp_reclaim_while_lent", v, FFA_ERROR_32);
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0);
	if (expect_u64("mem.bad.reclaim_by_stranger", "error", v.x[5],
		       (uint32_t)FFA_INVALID_PARAMETERS)) {
		test_pass("mem.bad.reclaim_by_stranger");
	}
	test_ffa_error("mem.bad.nwd_reclaims_sp_handle",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP1_ID | (MB_RW | MB_NX) << 16, 0);
	t_sp_ok("mem.bad.retrieve_by_non_borrower", v, RESP_ERR(FFA_INVALID_PARAMETERS));
	t_sp_ok("mem.sp_lend.relinquish", cmd(TEST_SP2_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0),
		FFA_SUCCESS_32);
	t_sp_ok("mem.bad.relinquish_twice", cmd(TEST_SP2_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0),
		FFA_ERROR_32);
	t_sp_ok("mem.sp_lend.reclaim", cmd(TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0),
		FFA_SUCCESS_32);
	t_sp_ok("mem.sp_lend.lender_reads_borrower_data",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, p + 16, 0, 0), 0x51AB0002);
}

/* sp1 shares a page with sp2 (read-write) and sp3 (S-EL0, read-only) at once. */
static void sp_share_two_borrowers(void)
{
	uint64_t p = sp_page(TEST_SP1_ID, 1);
	cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, p, 0x2B0220, 0);
	struct ffa_value v = cmd(TEST_SP1_ID, TEST_CMD_MEM_GIVE, FFA_MEM_SHARE_32,
				 TEST_SP2_ID | (uint64_t)TEST_SP3_ID << 16 | (uint64_t)MB_RW << 32 |
					 (uint64_t)MB_RO << 40 | (uint64_t)MB_NORMAL_WB_ISH << 48,
				 1 | 1U << 16);
	uint64_t h = v.x[5];
	if (!expect_sp_ok("mem.sp_share.two_borrowers.send", &v, FFA_SUCCESS_32)) {
		return;
	}
	test_pass("mem.sp_share.two_borrowers.send");
	/* sp3 may not have more than read-only. */
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP1_ID | MB_RW << 16, 0);
	t_sp_ok("mem.bad.more_than_given", v, RESP_ERR(FFA_DENIED));
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP1_ID, 0);
	if (expect_retrieved("mem.sp_share.two_borrowers.sp3", &v, 1, 1, MB_NORMAL_WB_ISH,
			     MB_RO | MB_NX)) {
		test_pass("mem.sp_share.two_borrowers.sp3");
	}
	v = cmd(TEST_SP2_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP1_ID | MB_RW << 16, 0);
	if (expect_retrieved("mem.sp_share.two_borrowers.sp2", &v, 1, 1, MB_NORMAL_WB_ISH,
			     MB_RW | MB_NX)) {
		test_pass("mem.sp_share.two_borrowers.sp2");
	}
	cmd(TEST_SP2_ID, TEST_CMD_MEM_WRITE, p + 8, 0x2B0221, 0);
	t_sp_ok("mem.sp_share.sp3_reads_sp2_write",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, p + 8, 0, 0), 0x2B0221);
	t_sp_ok("mem.sp_share.sp3_reads_sp1_data", cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, p, 0, 0),
		0x2B0220);
	/* The sender still has shared memory. */
	t_sp_ok("mem.sp_share.sender_keeps_access",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, p + 8, 0, 0), 0x2B0221);
	cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
	t_sp_ok("mem.bad.reclaim_before_all_relinquished",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0), FFA_ERROR_32);
	cmd(TEST_SP2_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
	t_sp_ok("mem.sp_share.two_borrowers.reclaim",
		cmd(TEST_SP1_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0), FFA_SUCCESS_32);
}

/* sp2 donates a page to sp1: sp1 owns it once it has retrieved it; the handle is gone. */
static void sp_donate(void)
{
	uint64_t p = sp_page(TEST_SP2_ID, 0);
	struct ffa_value v =
		cmd(TEST_SP2_ID, TEST_CMD_MEM_GIVE, FFA_MEM_DONATE_32, TEST_SP1_ID, 0 | 1U << 16);
	uint64_t h = v.x[5];
	if (!expect_sp_ok("mem.sp_donate.send", &v, FFA_SUCCESS_32)) {
		return;
	}
	test_pass("mem.sp_donate.send");
	v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, TEST_SP2_ID | (MB_RW | MB_NX) << 16, 0);
	if (expect_retrieved("mem.sp_donate.retrieve", &v, 1, 1, MB_NORMAL_WB_ISH, MB_RW | MB_NX)) {
		test_pass("mem.sp_donate.retrieve");
	}
	v = cmd(TEST_SP2_ID, TEST_CMD_MEM_RECLAIM, h, 0, 0);
	if (expect_u64("mem.sp_donate.no_reclaim", "error", v.x[5],
		       (uint32_t)FFA_INVALID_PARAMETERS)) {
		test_pass("mem.sp_donate.no_reclaim");
	}
	cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, p, 0xD0, 0);
	t_sp_ok("mem.sp_donate.new_owner_uses_it", cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, p, 0, 0),
		0xD0);
}

/* --- fragments both ways --------------------------------------------------------- */

static struct mb_range scattered[1000];

/* 1,000 scattered pages (one range each, as Linux sends a scattered buffer) to sp3. */
static void fragments(void)
{
	const char *n = "mem.fragments.send_1000_ranges";
	uint64_t check = 0;
	for (unsigned int i = 0; i < 1000; i++) {
		/* Every other page, backwards: the borrower sees the sender's order. */
		scattered[i] = (struct mb_range){SHARE_BASE + 0x800000 - 2 * PG * i, 1};
		check += scattered[i].base + 1;
		*word(scattered[i].base) = 0xF0000000 + i;
	}
	struct mb_desc d = {.sender = NWD_ID,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = TEST_SP3_ID, .perms = MB_RW}},
			    .ranges = scattered,
			    .nranges = 1000};
	unsigned int frags;
	struct ffa_value v = send_frags(FFA_MEM_SHARE_32, &d, FFA_VERSION_1_2, &frags);
	uint64_t h;
	if (!expect_handle(n, &v, &h) || !expect_u64(n, "fragments", frags, 4)) {
		return;
	}
	test_pass(n);
	n = "mem.fragments.retrieve_1000_ranges";
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | MB_RW << 16, 0);
	if (expect_retrieved(n, &v, 1000, 1000, MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX) &&
	    expect_u64(n, "fragments read", v.x[6] >> 32, 4) &&
	    expect_u64(n, "every range, in order", v.x[7], scattered[0].base ^ check << 20)) {
		test_pass(n);
	}
	t_sp_ok("mem.fragments.first_page",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, scattered[0].base, 0, 0), 0xF0000000);
	t_sp_ok("mem.fragments.last_page",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, scattered[999].base, 0, 0), 0xF0000000 + 999);
	t_sp_ok("mem.fragments.relinquish", cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0),
		FFA_SUCCESS_32);
	test_ffa_success("mem.fragments.reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0), 0);
}

/* Hostile fragments: each refused with its error; the transaction waits for the right one. */
static void hostile_fragments(void)
{
	struct mb_desc d = {.sender = NWD_ID,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = TEST_SP3_ID, .perms = MB_RW}},
			    .ranges = scattered,
			    .nranges = 600}; /* 9,696 bytes: 4,096 + 4,096 + 1,504 */
	uint32_t total = mb_write(big, FFA_VERSION_1_2, &d);
	memcpy(nwd_tx, big, 4096);
	struct ffa_value v = ffa_call6(FFA_MEM_SHARE_32, total, 4096, 0, 0, 0);
	if (!expect_u64("mem.frag.first", "x0", (uint32_t)v.x[0], FFA_MEM_FRAG_RX_32) ||
	    !expect_u64("mem.frag.first", "offset", v.x[3], 4096) ||
	    !expect_u64("mem.frag.first", "sender << 16", v.x[4], 0)) {
		return;
	}
	test_pass("mem.frag.first");
	uint64_t lo = v.x[1], hi = v.x[2];
	memcpy(nwd_tx, big + 4096, 4096);
	test_ffa_error("mem.frag.bad.wrong_handle",
		       ffa_call6(FFA_MEM_FRAG_TX_32, lo + 1, hi, 4096, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.frag.bad.not_16_bytes",
		       ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, 4088, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.frag.bad.past_the_end",
		       ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, total, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.frag.bad.longer_than_tx",
		       ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, 8192, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.frag.bad.sender_id_mismatch",
		       ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, 4096, 1U << 16, 0),
		       FFA_INVALID_PARAMETERS);
	/* Not complete: nobody may retrieve it yet. */
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, lo | hi << 32, NWD_ID | MB_RW << 16, 0);
	t_sp_ok("mem.frag.bad.retrieve_incomplete", v, RESP_ERR(FFA_INVALID_PARAMETERS));
	/* After all that, the right fragments complete it. */
	v = ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, 4096, 0, 0);
	if (expect_u64("mem.frag.second", "x0", (uint32_t)v.x[0], FFA_MEM_FRAG_RX_32) &&
	    expect_u64("mem.frag.second", "offset", v.x[3], 8192)) {
		test_pass("mem.frag.second");
	}
	memcpy(nwd_tx, big + 8192, total - 8192);
	v = ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, total - 8192, 0, 0);
	uint64_t h;
	if (expect_handle("mem.frag.last", &v, &h) &&
	    expect_u64("mem.frag.last", "handle", h, lo | hi << 32)) {
		test_pass("mem.frag.last");
	}
	test_ffa_error("mem.frag.bad.replayed", ffa_call6(FFA_MEM_FRAG_TX_32, lo, hi, 16, 0, 0),
		       FFA_INVALID_PARAMETERS);
	/* The hypervisor's view: the whole descriptor back by handle, in fragments. */
	memset(nwd_tx, 0, 48);
	memcpy(nwd_tx + 8, &h, 8);
	v = ffa_call6(FFA_MEM_RETRIEVE_REQ_32, 48, 48, 0, 0, 0);
	uint32_t got = (uint32_t)v.x[2];
	bool same = (uint32_t)v.x[0] == FFA_MEM_RETRIEVE_RESP_32 && v.x[1] == total;
	big[4] = 1U << 3; /* the relayer adds the type... */
	memcpy(big + 8, &h, 8); /* ...and the handle */
	same = same && memcmp(nwd_rx, big, got) == 0;
	test_ffa_error("mem.hyp_retrieve.bad.rx_full",
		       ffa_call6(FFA_MEM_FRAG_RX_32, lo, hi, got, 0, 0), FFA_BUSY);
	while (same && got < total) {
		ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		v = ffa_call6(FFA_MEM_FRAG_RX_32, lo, hi, got, 0, 0);
		same = (uint32_t)v.x[0] == FFA_MEM_FRAG_TX_32 &&
		       memcmp(nwd_rx, big + got, v.x[3]) == 0;
		got += (uint32_t)v.x[3];
	}
	ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	if (expect_u64("mem.hyp_retrieve.whole_descriptor", "same as sent", same, 1)) {
		test_pass("mem.hyp_retrieve.whole_descriptor");
	}
	test_ffa_success("mem.frag.reclaim", ffa_call6(FFA_MEM_RECLAIM_32, lo, hi, 0, 0, 0), 0);
}

/* --- hostile senders and borrowers ------------------------------------------------ */

static void hostile(void)
{
	static const struct {
		const char *name;
		uint64_t base;
		uint32_t pages;
		uint16_t to;
		uint32_t fid;
		uint16_t attrs;
		enum ffa_error err;
	} bad[] = {
		{"mem.bad.secure_memory_from_nwd", 0x0e340000, 1, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_DENIED},
		{"mem.bad.spmc_memory", 0x0e100000, 1, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_DENIED},
		{"mem.bad.device_memory", 0x09000000, 1, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_DENIED},
		{"mem.bad.own_rx_buffer", 0, 1, TEST_SP3_ID, FFA_MEM_SHARE_64, MB_NORMAL_WB_ISH,
		 FFA_DENIED},
		{"mem.bad.unknown_receiver", SHARE_BASE, 1, 0x8009, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_INVALID_PARAMETERS},
		{"mem.bad.lend_to_a_vm", SHARE_BASE, 1, 5, FFA_MEM_LEND_64, 0, FFA_DENIED},
		{"mem.bad.unaligned_range", SHARE_BASE + 8, 1, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_INVALID_PARAMETERS},
		{"mem.bad.empty_range", SHARE_BASE, 0, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_INVALID_PARAMETERS},
		{"mem.bad.non_cacheable", SHARE_BASE, 1, TEST_SP3_ID, FFA_MEM_SHARE_64, 0x27,
		 FFA_DENIED},
		{"mem.bad.ns_bit_from_sender", SHARE_BASE, 1, TEST_SP3_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH | MB_ATTR_NS, FFA_INVALID_PARAMETERS},
		{"mem.bad.attributes_for_single_lend", SHARE_BASE, 1, TEST_SP3_ID, FFA_MEM_LEND_32,
		 MB_NORMAL_WB_ISH, FFA_INVALID_PARAMETERS},
		{"mem.bad.share_with_itself", SHARE_BASE, 1, NWD_ID, FFA_MEM_SHARE_64,
		 MB_NORMAL_WB_ISH, FFA_INVALID_PARAMETERS},
	};
	/* One transaction stays through all of this: it must come out intact. */
	struct mb_range keep = {SHARE_BASE + 0x100000, 4};
	struct mb_desc d = one(&keep, TEST_SP3_ID, MB_RW, MB_NORMAL_WB_ISH);
	struct ffa_value v = send1(FFA_MEM_SHARE_64, &d);
	uint64_t kept = handle_of(&v);

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mb_range r = {bad[i].base != 0 ? bad[i].base : (uint64_t)(uintptr_t)nwd_rx,
				     bad[i].pages};
		d = one(&r, bad[i].to, bad[i].fid == FFA_MEM_SHARE_64 ? MB_RW : MB_RW,
			bad[i].attrs);
		test_ffa_error(bad[i].name, send1(bad[i].fid, &d), bad[i].err);
	}
	struct mb_range two[2] = {{SHARE_BASE, 2}, {SHARE_BASE + PG, 1}};
	d = one(two, TEST_SP3_ID, MB_RW, MB_NORMAL_WB_ISH);
	d.nranges = 2;
	test_ffa_error("mem.bad.overlapping_ranges", send1(FFA_MEM_SHARE_64, &d),
		       FFA_INVALID_PARAMETERS);
	/* Memory already in a transaction, whole or in part. */
	struct mb_range part = {SHARE_BASE + 0x103000, 2};
	d = one(&part, TEST_SP1_ID, MB_RW, MB_NORMAL_WB_ISH);
	test_ffa_error("mem.bad.already_shared", send1(FFA_MEM_SHARE_64, &d), FFA_DENIED);
	/* The descriptor elsewhere than the TX buffer: not supported. */
	struct mb_range r = {SHARE_BASE, 1};
	d = one(&r, TEST_SP3_ID, MB_RW, MB_NORMAL_WB_ISH);
	uint32_t len = mb_write(nwd_tx, FFA_VERSION_1_2, &d);
	test_ffa_error("mem.bad.buffer_address",
		       ffa_call6(FFA_MEM_SHARE_64, len, len, SHARE_BASE, 1, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.bad.fragment_longer_than_total",
		       ffa_call6(FFA_MEM_SHARE_64, len - 16, len, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.bad.total_not_the_descriptor",
		       ffa_call6(FFA_MEM_SHARE_64, len + 16, len + 16, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	nwd_tx[len - 16 - 16 + 0] = 2; /* the composite's page count: not the sum */
	test_ffa_error("mem.bad.page_count_not_the_sum",
		       ffa_call6(FFA_MEM_SHARE_64, len, len, 0, 0, 0), FFA_INVALID_PARAMETERS);
	/* Handles that are not the caller's, or nobody's. */
	test_ffa_error("mem.bad.reclaim_unknown_handle",
		       ffa_call6(FFA_MEM_RECLAIM_32, 0x1234, 0x9, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error(
		"mem.bad.reclaim_hypervisor_handle",
		ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)kept, kept >> 32 | 1U << 31, 0, 0, 0),
		FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.bad.reclaim_flags",
		       ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)kept, kept >> 32, 4, 0, 0),
		       FFA_INVALID_PARAMETERS);
	/* The normal world retrieves only as a hypervisor; relinquishes never. */
	struct mb_desc req = {.sender = NWD_ID,
			      .handle = kept,
			      .nrecv = 1,
			      .recv = {{.id = TEST_SP3_ID, .perms = MB_RW}}};
	len = mb_write(nwd_tx, FFA_VERSION_1_2, &req);
	test_ffa_error("mem.bad.nwd_borrower_retrieve",
		       ffa_call6(FFA_MEM_RETRIEVE_REQ_32, len, len, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.bad.retrieve_fragmented_request",
		       ffa_call6(FFA_MEM_RETRIEVE_REQ_32, len, len - 16, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("mem.bad.nwd_relinquish", ffa_call6(FFA_MEM_RELINQUISH_32, 0, 0, 0, 0, 0),
		       FFA_NOT_SUPPORTED);
	/* Borrowers: a stranger, the wrong sender, time slicing, a relinquish before retrieve. */
	v = cmd(TEST_SP2_ID, TEST_CMD_MEM_RETRIEVE, kept, NWD_ID | MB_RW << 16, 0);
	t_sp_ok("mem.bad.retrieve_not_a_borrower", v, RESP_ERR(FFA_INVALID_PARAMETERS));
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, kept, 7 | MB_RW << 16, 0);
	t_sp_ok("mem.bad.retrieve_wrong_sender", v, RESP_ERR(FFA_DENIED));
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, kept, NWD_ID | MB_RW << 16, 2);
	t_sp_ok("mem.bad.retrieve_time_slicing", v, RESP_ERR(FFA_INVALID_PARAMETERS));
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, kept, NWD_ID | (MB_RW | MB_NX) << 16, 0);
	t_sp_ok("mem.bad.retrieve_insn_access_on_share", v, RESP_ERR(FFA_INVALID_PARAMETERS));
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, kept, 0, 0);
	t_sp_ok("mem.bad.relinquish_not_retrieved", v, FFA_ERROR_32);
	/* After all of it the kept transaction works as if nothing had happened. */
	*word(SHARE_BASE + 0x103000) = 0x1D1E;
	v = cmd(TEST_SP3_ID, TEST_CMD_MEM_RETRIEVE, kept, NWD_ID | MB_RW << 16, 0);
	if (expect_retrieved("mem.bad.kept_transaction_intact", &v, 4, 1,
			     MB_NORMAL_WB_ISH | MB_ATTR_NS, MB_RW | MB_NX)) {
		test_pass("mem.bad.kept_transaction_intact");
	}
	t_sp_ok("mem.bad.kept_data_intact",
		cmd(TEST_SP3_ID, TEST_CMD_MEM_READ, SHARE_BASE + 0x103000, 0, 0), 0x1D1E);
	cmd(TEST_SP3_ID, TEST_CMD_MEM_RELINQUISH, kept, 0, 0);
	test_ffa_success("mem.bad.kept_reclaim",
			 ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)kept, kept >> 32, 0, 0, 0), 0);
}

/* --- four cores at once ------------------------------------------------------------ */

/* The normal world has one TX buffer for all its cores: they take turns writing to it. */
static uint32_t tx_lock;

#define SMP_ITERATIONS 6U
#define SMP_WINDOW (SHARE_BASE + 0xC00000)

/*
 * On a secondary core (SMP suite), SMP_ITERATIONS cycles: share or lend a
 * page of its own with sp1 (whose context on this core retrieves it, reads
 * the normal world's pattern, writes its own), a reclaim refused while sp1
 * holds it, relinquish, reclaim, the normal world reads sp1's pattern.
 * Other cores do the same at the same time. 0, or the first failure:
 * step | iteration << 8 | what the call answered << 16.
 */
uint64_t mem_on_core(unsigned int core, unsigned int round)
{
	for (unsigned int i = 0; i < SMP_ITERATIONS; i++) {
		uint64_t page = SMP_WINDOW + ((uint64_t)core * SMP_ITERATIONS + i) * 2 * PG;
		uint64_t mine = (uint64_t)core << 48 | (uint64_t)round << 40 | i;
		struct mb_range r = {page, 1};
		struct mb_desc d = one(&r, TEST_SP1_ID, MB_RW, i % 2 == 0 ? MB_NORMAL_WB_ISH : 0);
		*word(page) = mine;
		while (__atomic_exchange_n(&tx_lock, 1U, __ATOMIC_ACQUIRE) != 0) {
		}
		uint32_t len = mb_write(nwd_tx, FFA_VERSION_1_2, &d);
		struct ffa_value v = ffa_call6(i % 2 == 0 ? FFA_MEM_SHARE_64 : FFA_MEM_LEND_64, len,
					       len, 0, 0, 0);
		__atomic_store_n(&tx_lock, 0U, __ATOMIC_RELEASE);
		uint64_t h = handle_of(&v);
		if (h == 0) {
			return 1 | i << 8 | v.x[2] << 16;
		}
		uint8_t perms = i % 2 == 0 ? MB_RW : MB_RW | MB_NX;
		v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RETRIEVE, h, NWD_ID | (uint64_t)perms << 16, 0);
		if (v.x[3] != TEST_STATUS_OK || v.x[4] != FFA_MEM_RETRIEVE_RESP_32) {
			return 2 | i << 8 | v.x[4] << 16;
		}
		v = cmd(TEST_SP1_ID, TEST_CMD_MEM_READ, page, 0, 0);
		if (v.x[4] != mine) {
			return 3 | i << 8;
		}
		cmd(TEST_SP1_ID, TEST_CMD_MEM_WRITE, page + 8, ~mine, 0);
		v = ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0);
		if ((uint32_t)v.x[0] != FFA_ERROR_32 || (int32_t)v.x[2] != FFA_DENIED) {
			return 4 | i << 8 | v.x[0] << 16;
		}
		v = cmd(TEST_SP1_ID, TEST_CMD_MEM_RELINQUISH, h, 0, 0);
		if (v.x[4] != FFA_SUCCESS_32) {
			return 5 | i << 8 | v.x[5] << 16;
		}
		v = ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, 0, 0, 0);
		if ((uint32_t)v.x[0] != FFA_SUCCESS_32) {
			return 6 | i << 8 | v.x[2] << 16;
		}
		if (*word(page + 8) != ~mine) {
			return 7 | i << 8;
		}
	}
	return 0;
}

/*
 * After the SMP suite: nothing leaked. tzvisor holds MEM_MAX_TXNS (128)
 * transactions; with none left over, 128 one-page shares go through and
 * the 129th runs out.
 */
#define SPMC_MAX_TXNS 128U

void mem_no_leaks(void)
{
	static uint64_t handles[SPMC_MAX_TXNS];
	const char *n = "mem.smp.no_transactions_left";
	struct ffa_value v;
	unsigned int got = 0;

	for (; got < SPMC_MAX_TXNS; got++) {
		struct mb_range r = {SMP_WINDOW + 0x100000 + got * PG, 1};
		struct mb_desc d = one(&r, TEST_SP3_ID, MB_RO, MB_NORMAL_WB_ISH);
		v = send1(FFA_MEM_SHARE_32, &d);
		handles[got] = handle_of(&v);
		if (handles[got] == 0) {
			break;
		}
	}
	struct mb_range r = {SMP_WINDOW + 0x100000 + SPMC_MAX_TXNS * PG, 1};
	struct mb_desc d = one(&r, TEST_SP3_ID, MB_RO, MB_NORMAL_WB_ISH);
	struct ffa_value more = send1(FFA_MEM_SHARE_32, &d);
	unsigned int reclaimed = 0;
	for (unsigned int i = 0; i < got; i++) {
		v = ffa_call6(FFA_MEM_RECLAIM_32, (uint32_t)handles[i], handles[i] >> 32, 0, 0, 0);
		reclaimed += (uint32_t)v.x[0] == FFA_SUCCESS_32;
	}
	if (expect_u64(n, "transactions accepted", got, SPMC_MAX_TXNS) &&
	    expect_u64(n, "one more", (uint32_t)more.x[0], FFA_ERROR_32) &&
	    expect_u64(n, "its error", (uint32_t)more.x[2], (uint32_t)FFA_NO_MEMORY) &&
	    expect_u64(n, "reclaimed", reclaimed, got)) {
		test_pass(n);
	}
}

void suite_memory(void)
{
	nwd_share_with_sp3();
	nwd_lend_zeroed();
	nwd_lend_to_sp1();
	nwd_share_with_sp1_sp2();
	nwd_donate_then_sp_lends();
	versions();
	sp_lend_to_sp();
	sp_share_two_borrowers();
	sp_donate();
	fragments();
	hostile_fragments();
	hostile();
}
