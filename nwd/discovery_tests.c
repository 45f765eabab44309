/*
 * On-target tests of setup and discovery: FFA_PARTITION_INFO_GET_REGS,
 * FFA_RXTX_MAP/UNMAP, FFA_RX_RELEASE and FFA_PARTITION_INFO_GET from the
 * normal world, hostile arguments included, and the same ABIs used by a
 * partition on its own buffers.
 */
#include <string.h>

#include "nwd.h"
#include "test_cmd.h"

#define tx nwd_tx
#define rx nwd_rx

#define SP1_UUID0 0x1d5e7a01U
#define SP2_UUID0 0x1d5e7a02U
#define SP3_UUID0 0x1d5e7a03U
#define UUID1 0xee114c2fU
#define UUID2 0x42022b9aU
#define UUID3 0x0200a1acU
/*
 * The test SPs: direct REQ/REQ2 send and receive, indirect messages, AArch64;
 * sp1 and sp2 also receive notifications (bit 3), sp3 has no notification-support but
 * takes VM created and destroyed messages (bits 6, 7).
 */
static uint64_t test_sp_props(uint64_t id)
{
	return id == TEST_SP3_ID ? 0x7C7ULL : 0x70FULL; /* sp3: VM created/destroyed messages */
}

static bool regs_entry(const char *name, const struct ffa_value *v, unsigned int slot, uint64_t id,
		       uint64_t ec, uint32_t uuid0, bool with_uuid)
{
	uint64_t lo = with_uuid ? ((uint64_t)UUID1 << 32 | uuid0) : 0;
	uint64_t hi = with_uuid ? ((uint64_t)UUID3 << 32 | UUID2) : 0;
	return expect_u64(name, "ID/ECs/properties", v->x[3 + 3 * slot],
			  id | ec << 16 | test_sp_props(id) << 32) &&
	       expect_u64(name, "UUID low", v->x[4 + 3 * slot], lo) &&
	       expect_u64(name, "UUID high", v->x[5 + 3 * slot], hi);
}

static void suite_info_regs(void)
{
	const char *n = "discovery.info_get_regs.all";
	struct ffa_value v = ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, 0, 0, 0, 0, 0);
	if (expect_u64(n, "x0", (uint32_t)v.x[0], FFA_SUCCESS_64) &&
	    expect_u64(n, "x2 (size, current, last)", v.x[2], 24ULL << 48 | 2ULL << 16 | 2) &&
	    regs_entry(n, &v, 0, TEST_SP1_ID, 4, SP1_UUID0, true) &&
	    regs_entry(n, &v, 1, TEST_SP2_ID, 1, SP2_UUID0, true) &&
	    regs_entry(n, &v, 2, TEST_SP3_ID, 1, SP3_UUID0, true) &&
	    expect_u64(n, "x12 (unused)", v.x[12], 0) && expect_u64(n, "x17", v.x[17], 0)) {
		test_pass(n);
	}
	n = "discovery.info_get_regs.by_uuid";
	v = ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, (uint64_t)UUID1 << 32 | SP2_UUID0,
		      (uint64_t)UUID3 << 32 | UUID2, 0, 0, 0);
	if (expect_u64(n, "x0", (uint32_t)v.x[0], FFA_SUCCESS_64) &&
	    expect_u64(n, "x2", v.x[2], 24ULL << 48) &&
	    regs_entry(n, &v, 0, TEST_SP2_ID, 1, 0, false)) {
		test_pass(n);
	}
	n = "discovery.info_get_regs.start_index";
	v = ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, 0, 0, 2, 0, 0);
	if (expect_u64(n, "x2", v.x[2], 24ULL << 48 | 2ULL << 16 | 2) &&
	    regs_entry(n, &v, 0, TEST_SP3_ID, 1, SP3_UUID0, true) &&
	    expect_u64(n, "x6", v.x[6], 0)) {
		test_pass(n);
	}
	test_ffa_error("discovery.info_get_regs.bad.start_past_end",
		       ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, 0, 0, 3, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.info_get_regs.bad.tag",
		       ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, 0, 0, 1U << 16, 0, 0), FFA_RETRY);
	test_ffa_error("discovery.info_get_regs.bad.unknown_uuid",
		       ffa_call6(FFA_PARTITION_INFO_GET_REGS_64, 0x1234, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
}

static bool rx_desc(const char *name, unsigned int i, uint16_t id, uint16_t ec, uint32_t uuid0)
{
	const uint8_t *d = rx + 24 * i;
	uint32_t want_uuid[4] = {uuid0, UUID1, UUID2, UUID3};
	uint16_t got_id, got_ec;
	uint32_t props;
	memcpy(&got_id, d, 2);
	memcpy(&got_ec, d + 2, 2);
	memcpy(&props, d + 4, 4);
	if (!expect_u64(name, "descriptor ID", got_id, id) ||
	    !expect_u64(name, "descriptor ECs", got_ec, ec) ||
	    !expect_u64(name, "descriptor properties", props, test_sp_props(id))) {
		return false;
	}
	if (memcmp(d + 8, uuid0 != 0 ? (const void *)want_uuid : (const void *)(uint32_t[4]){0},
		   16) != 0) {
		test_fail(name, "descriptor %u UUID bytes differ", i);
		return false;
	}
	return true;
}

static void suite_rxtx(void)
{
	uint64_t t = (uint64_t)(uintptr_t)tx, r = (uint64_t)(uintptr_t)rx;

	/* Before any buffer: the count works, the descriptors cannot be written. */
	struct ffa_value v = ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 1);
	if (expect_u64("discovery.info_get.count_only", "x0", (uint32_t)v.x[0], FFA_SUCCESS_32) &&
	    expect_u64("discovery.info_get.count_only", "count", v.x[2], 3) &&
	    expect_u64("discovery.info_get.count_only", "size", v.x[3], 24)) {
		test_pass("discovery.info_get.count_only");
	}
	test_ffa_error("discovery.info_get.bad.no_rx_buffer",
		       ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0), FFA_BUSY);
	test_ffa_error("discovery.rx_release.bad.not_mapped",
		       ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), FFA_DENIED);
	test_ffa_error("discovery.rxtx_unmap.bad.not_mapped",
		       ffa_call6(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0), FFA_INVALID_PARAMETERS);

	/* Hostile maps: each refused with INVALID_PARAMETERS, none leaves a mapping. */
	test_ffa_error("discovery.rxtx_map.bad.unaligned",
		       ffa_call6(FFA_RXTX_MAP_64, t + 8, r, 1, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.same_buffer",
		       ffa_call6(FFA_RXTX_MAP_64, t, t, 1, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.overlapping",
		       ffa_call6(FFA_RXTX_MAP_64, t, t + 4096, 2, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.secure_memory",
		       ffa_call6(FFA_RXTX_MAP_64, 0x0e300000, r, 1, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.spmc_image",
		       ffa_call6(FFA_RXTX_MAP_64, t, 0x0e100000, 1, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.zero_pages",
		       ffa_call6(FFA_RXTX_MAP_64, t, r, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.too_many_pages",
		       ffa_call6(FFA_RXTX_MAP_64, t, r, 17, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.reserved_w3_bits",
		       ffa_call6(FFA_RXTX_MAP_64, t, r, 1 | 1U << 6, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.wrapping",
		       ffa_call6(FFA_RXTX_MAP_64, 0xFFFFFFFFFFFFF000ULL, r, 2, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.null", ffa_call6(FFA_RXTX_MAP_64, 0, r, 1, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.outside_dram",
		       ffa_call6(FFA_RXTX_MAP_64, 0x100000000000ULL, r, 1, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.rxtx_map.bad.left_nothing_mapped",
		       ffa_call6(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0), FFA_INVALID_PARAMETERS);

	test_ffa_success("discovery.rxtx_map.ok", ffa_call6(FFA_RXTX_MAP_64, t, r, 1, 0, 0), 0);
	test_ffa_error("discovery.rxtx_map.bad.double_map",
		       ffa_call6(FFA_RXTX_MAP_64, t, r, 1, 0, 0), FFA_DENIED);

	memset(rx, 0xEE, sizeof(rx));
	v = ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
	if (expect_u64("discovery.info_get.all", "x0", (uint32_t)v.x[0], FFA_SUCCESS_32) &&
	    expect_u64("discovery.info_get.all", "count", v.x[2], 3) &&
	    expect_u64("discovery.info_get.all", "size", v.x[3], 24) &&
	    rx_desc("discovery.info_get.all", 0, TEST_SP1_ID, 4, SP1_UUID0) &&
	    rx_desc("discovery.info_get.all", 1, TEST_SP2_ID, 1, SP2_UUID0) &&
	    rx_desc("discovery.info_get.all", 2, TEST_SP3_ID, 1, SP3_UUID0)) {
		test_pass("discovery.info_get.all");
	}
	/* The RX buffer is ours until released: a second query is BUSY and writes nothing. */
	memset(rx, 0x5A, 72);
	test_ffa_error("discovery.info_get.bad.rx_not_released",
		       ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0), FFA_BUSY);
	if (rx[0] == 0x5A && rx[71] == 0x5A) {
		test_pass("discovery.info_get.busy_wrote_nothing");
	} else {
		test_fail("discovery.info_get.busy_wrote_nothing", "RX changed: 0x%x", rx[0]);
	}
	test_ffa_error("discovery.rx_release.bad.other_id",
		       ffa_call6(FFA_RX_RELEASE_32, 0x1234, 0, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_success("discovery.rx_release.ok", ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), 0);
	test_ffa_error("discovery.rx_release.bad.twice",
		       ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), FFA_DENIED);

	v = ffa_call6(FFA_PARTITION_INFO_GET_32, SP1_UUID0, UUID1, UUID2, UUID3, 0);
	if (expect_u64("discovery.info_get.by_uuid", "count", v.x[2], 1) &&
	    rx_desc("discovery.info_get.by_uuid", 0, TEST_SP1_ID, 4, 0)) {
		test_pass("discovery.info_get.by_uuid");
	}
	ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	test_ffa_error("discovery.info_get.bad.unknown_uuid",
		       ffa_call6(FFA_PARTITION_INFO_GET_32, 1, 2, 3, 4, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("discovery.info_get.bad.reserved_flags",
		       ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 2), FFA_INVALID_PARAMETERS);
	/* The refused calls left the buffer free. */
	v = ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
	if (expect_u64("discovery.info_get.after_refusals", "count", v.x[2], 3)) {
		test_pass("discovery.info_get.after_refusals");
	}
	ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);

	test_ffa_error("discovery.rxtx_unmap.bad.other_id",
		       ffa_call6(FFA_RXTX_UNMAP_32, 5U << 16, 0, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_success("discovery.rxtx_unmap.ok", ffa_call6(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0), 0);
	test_ffa_error("discovery.info_get.bad.after_unmap",
		       ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0), FFA_BUSY);
	test_ffa_success("discovery.rxtx_map.again_after_unmap",
			 ffa_call6(FFA_RXTX_MAP_64, t, r, 1, 0, 0), 0);
}

static void suite_sp_discovery(void)
{
	const char *n = "discovery.from_sp";
	struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, TEST_SP1_ID),
				    0, TEST_CMD_DISCOVER}};
	nwd_smc(&v);
	if (expect_u64(n, "x0", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64(n, "map of SPMC memory", v.x[4], (uint32_t)FFA_INVALID_PARAMETERS) &&
	    expect_u64(n, "count", v.x[5], 3) &&
	    expect_u64(n, "first descriptor", v.x[6], TEST_SP1_ID | 4U << 16) &&
	    expect_u64(n, "RX_RELEASE", v.x[7], FFA_SUCCESS_32)) {
		test_pass(n);
	}
}

void suite_discovery(void)
{
	suite_info_regs();
	suite_rxtx();
	suite_sp_discovery();
}
