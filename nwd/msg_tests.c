/*
 * On-target tests of the normal world changing hands (a v1.0 boot loader,
 * then a v1.2 OS), indirect messaging (FFA_MSG_SEND2, RX ownership,
 * FFA_RX_ACQUIRE), and scheduling (FFA_RUN, FFA_YIELD).
 */
#include <string.h>

#include "nwd.h"
#include "test_cmd.h"

#define tx nwd_tx
#define rx nwd_rx

static uint64_t buf(void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A v1.0 boot loader uses FF-A and hands over; the OS then negotiates v1.2. */
void suite_handover(void)
{
	uint64_t t0 = read_cntpct();
	struct ffa_value v = ffa_call6(FFA_VERSION_32, FFA_VERSION_1_0, 0, 0, 0, 0);
	uint64_t t1 = read_cntpct();
	nwd_printf("nwd: first FF-A answer 0x%llx after %llu us of virtual time (call took %llu "
		   "ticks)\n",
		   (unsigned long long)v.x[0], (unsigned long long)(t1 * 1000000 / read_cntfrq()),
		   (unsigned long long)(t1 - t0));
	if (expect_u64("handover.bootloader.version_1_0", "x0", (uint32_t)v.x[0],
		       FFA_VERSION_1_2)) {
		test_pass("handover.bootloader.version_1_0");
	}
	test_ffa_success("handover.bootloader.rxtx_map",
			 ffa_call6(FFA_RXTX_MAP_64, buf(tx), buf(rx), 1, 0, 0), 0);
	/* A v1.0 caller gets 8-byte descriptors, properties [2:0] only, and no size in w3. */
	memset(rx, 0xEE, 64);
	v = ffa_call6(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
	const char *n = "handover.bootloader.v1_0_descriptors";
	uint16_t id1, id3;
	uint32_t props1;
	memcpy(&id1, rx, 2);
	memcpy(&props1, rx + 4, 4);
	memcpy(&id3, rx + 16, 2);
	if (expect_u64(n, "x0", (uint32_t)v.x[0], FFA_SUCCESS_32) &&
	    expect_u64(n, "count", v.x[2], 3) && expect_u64(n, "w3", v.x[3], 0) &&
	    expect_u64(n, "first ID", id1, TEST_SP1_ID) &&
	    expect_u64(n, "first properties", props1, 0x7) &&
	    expect_u64(n, "third ID at offset 16", id3, TEST_SP3_ID) &&
	    expect_u64(n, "byte after the last", rx[24], 0xEE)) {
		test_pass(n);
	}
	test_ffa_success("handover.bootloader.rx_release",
			 ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), 0);
	v = (struct ffa_value){
		.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(0, TEST_SP1_ID)}};
	nwd_smc(&v);
	test_ffa_error("handover.bootloader.no_v1_2_abis", v, FFA_NOT_SUPPORTED);
	/* v1.1 ABIs neither reported nor accepted (FFA_SPM_ID_GET itself is the SPMD's). */
	test_ffa_error("handover.bootloader.no_v1_1_features",
		       ffa_call6(FFA_FEATURES_32, FFA_SPM_ID_GET_32, 0, 0, 0, 0),
		       FFA_NOT_SUPPORTED);
	test_ffa_error("handover.bootloader.no_v1_1_abis",
		       ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0), FFA_NOT_SUPPORTED);
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_ECHO, 42, 0);
	if (expect_u64("handover.bootloader.direct_req", "echo", v.x[4], 42)) {
		test_pass("handover.bootloader.direct_req");
	}
	v = ffa_call6(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);
	if (expect_u64("handover.bootloader.locked", "x0", (uint32_t)v.x[0], 0xFFFFFFFFU)) {
		test_pass("handover.bootloader.locked");
	}
	test_ffa_success("handover.bootloader.rxtx_unmap",
			 ffa_call6(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0), 0);
	/* The OS: buffers gone, so the version may change. */
	v = ffa_call6(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);
	if (expect_u64("handover.os.version_1_2", "x0", (uint32_t)v.x[0], FFA_VERSION_1_2)) {
		test_pass("handover.os.version_1_2");
	}
}

static void header(uint16_t sender, uint16_t receiver, uint32_t offset, uint32_t size,
		   uint64_t payload)
{
	struct ffa_msg_header h = {
		.offset = offset, .sender = sender, .receiver = receiver, .size = size};
	memset(tx, 0, 128);
	memcpy(tx, &h, sizeof(h));
	memcpy(tx + 40, &payload, 8);
}

static bool last_msg(const char *name, uint16_t sp, uint64_t sender, uint64_t head, uint64_t count)
{
	struct ffa_value v = sp_cmd(sp, TEST_CMD_LAST_MSG, 0, 0);
	return expect_u64(name, "status", v.x[3], TEST_STATUS_OK) &&
	       expect_u64(name, "message sender", v.x[4], sender) &&
	       expect_u64(name, "message size", v.x[5], 8) &&
	       expect_u64(name, "message payload", v.x[6], head) &&
	       expect_u64(name, "messages received", v.x[7], count);
}

static void suite_indirect(void)
{
	/* The discovery suite left the buffers mapped. Normal world -> sp1. */
	header(0, TEST_SP1_ID, 40, 8, 0x1122334455667788ULL);
	test_ffa_success("msg.send2.nwd_to_sp", ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0), 0);
	test_ffa_error("msg.send2.bad.receiver_rx_full", ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0),
		       FFA_BUSY);
	/* FFA_RUN gives sp1's context 0 cycles: it reads and releases the message, then waits. */
	struct ffa_value v = ffa_call6(FFA_RUN_32, (uint32_t)TEST_SP1_ID << 16, 0, 0, 0, 0);
	if (expect_u64("msg.run_delivers", "x0", (uint32_t)v.x[0], FFA_MSG_WAIT_32)) {
		test_pass("msg.run_delivers");
	}
	if (last_msg("msg.received_by_sp", TEST_SP1_ID, 0, 0x1122334455667788ULL, 1)) {
		test_pass("msg.received_by_sp");
	}
	header(0, TEST_SP1_ID, 40, 8, 0xCAFE);
	test_ffa_success("msg.send2.again_after_release",
			 ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0), 0);
	if (last_msg("msg.received_second", TEST_SP1_ID, 0, 0xCAFE, 2)) {
		test_pass("msg.received_second");
	}

	/* Partition to partition (S-EL1 to S-EL0). */
	v = sp_cmd(TEST_SP2_ID, TEST_CMD_SEND_MSG, TEST_SP3_ID, 0xBEEF);
	if (expect_u64("msg.send2.sp_to_sp", "MSG_SEND2", v.x[4], FFA_SUCCESS_32) &&
	    last_msg("msg.send2.sp_to_sp", TEST_SP3_ID, TEST_SP2_ID, 0xBEEF, 1)) {
		test_pass("msg.send2.sp_to_sp");
	}
	/* Partition to the normal world: it lands in our RX buffer, ours until released. */
	memset(rx, 0, 64);
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_SEND_MSG, 0, 0xD00D);
	struct ffa_msg_header h;
	uint64_t payload;
	memcpy(&h, rx, sizeof(h));
	memcpy(&payload, rx + 40, 8);
	if (expect_u64("msg.send2.sp_to_nwd", "MSG_SEND2", v.x[4], FFA_SUCCESS_32) &&
	    expect_u64("msg.send2.sp_to_nwd", "sender", h.sender, TEST_SP1_ID) &&
	    expect_u64("msg.send2.sp_to_nwd", "receiver", h.receiver, 0) &&
	    expect_u64("msg.send2.sp_to_nwd", "size", h.size, 8) &&
	    expect_u64("msg.send2.sp_to_nwd", "payload", payload, 0xD00D)) {
		test_pass("msg.send2.sp_to_nwd");
	}
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_SEND_MSG, 0, 1);
	if (expect_u64("msg.send2.sp_to_nwd_busy", "error", v.x[5], (uint32_t)FFA_BUSY)) {
		test_pass("msg.send2.sp_to_nwd_busy");
	}
	test_ffa_success("msg.rx_release", ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), 0);
	/* RX_ACQUIRE: the normal world takes its empty RX buffer; messages then wait. */
	test_ffa_success("msg.rx_acquire", ffa_call6(FFA_RX_ACQUIRE_32, 0, 0, 0, 0, 0), 0);
	test_ffa_error("msg.rx_acquire.bad.twice", ffa_call6(FFA_RX_ACQUIRE_32, 0, 0, 0, 0, 0),
		       FFA_DENIED);
	test_ffa_error("msg.rx_acquire.bad.other_id", ffa_call6(FFA_RX_ACQUIRE_32, 5, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_SEND_MSG, 0, 2);
	if (expect_u64("msg.send2.to_acquired_rx_busy", "error", v.x[5], (uint32_t)FFA_BUSY)) {
		test_pass("msg.send2.to_acquired_rx_busy");
	}
	test_ffa_success("msg.rx_release_after_acquire",
			 ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0), 0);

	/* Hostile messages from the normal world: each refused, nothing delivered. */
	static const struct {
		const char *name;
		uint16_t sender, receiver;
		uint32_t offset, size, flags;
		enum ffa_error err;
	} bad[] = {
		{"msg.send2.bad.spoofed_sender", TEST_SP2_ID, TEST_SP1_ID, 40, 8, 0,
		 FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.unknown_receiver", 0, 0x8009, 40, 8, 0, FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.receiver_is_spmc", 0, 0x8000, 40, 8, 0, FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.receiver_is_self", 0, 0, 40, 8, 0, FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.offset_inside_header", 0, TEST_SP1_ID, 20, 8, 0,
		 FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.past_tx_buffer", 0, TEST_SP1_ID, 40, 4096, 0,
		 FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.size_overflow", 0, TEST_SP1_ID, 40, 0xFFFFFFF0U, 0,
		 FFA_INVALID_PARAMETERS},
		{"msg.send2.bad.flags", 0, TEST_SP1_ID, 40, 8, 1, FFA_INVALID_PARAMETERS},
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		header(bad[i].sender, bad[i].receiver, bad[i].offset, bad[i].size, 0xBAD);
		memcpy(tx, &bad[i].flags, 4);
		test_ffa_error(bad[i].name, ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0), bad[i].err);
	}
	header(0, TEST_SP1_ID, 40, 8, 0xBAD);
	test_ffa_error("msg.send2.bad.w1_sender_id",
		       ffa_call6(FFA_MSG_SEND2_32, 1U << 16, 0, 0, 0, 0), FFA_INVALID_PARAMETERS);
	test_ffa_error("msg.send2.bad.reserved_flag_bits",
		       ffa_call6(FFA_MSG_SEND2_32, 0, 1, 0, 0, 0), FFA_INVALID_PARAMETERS);
	if (last_msg("msg.send2.bad.nothing_delivered", TEST_SP1_ID, 0, 0xCAFE, 2)) {
		test_pass("msg.send2.bad.nothing_delivered");
	}
}

static void suite_run_yield(void)
{
	/* sp2 yields while serving our request: we get FFA_YIELD and resume it with FFA_RUN. */
	struct ffa_value v = sp_cmd(TEST_SP2_ID, TEST_CMD_YIELD, 0, 0);
	if (expect_u64("sched.yield_returns_to_nwd", "x0", (uint32_t)v.x[0], FFA_YIELD_32) &&
	    expect_u64("sched.yield_returns_to_nwd", "w1 (SP, context)", v.x[1],
		       (uint64_t)TEST_SP2_ID << 16)) {
		test_pass("sched.yield_returns_to_nwd");
	}
	test_ffa_error("sched.bad.request_to_yielded_sp", sp_cmd(TEST_SP2_ID, TEST_CMD_ECHO, 1, 2),
		       FFA_BUSY);
	test_ffa_error("sched.bad.run_wrong_context",
		       ffa_call6(FFA_RUN_32, (uint32_t)TEST_SP2_ID << 16 | 1, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("sched.bad.run_unknown_sp", ffa_call6(FFA_RUN_32, 0x8009U << 16, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("sched.bad.run_other_cores_context",
		       ffa_call6(FFA_RUN_32, (uint32_t)TEST_SP1_ID << 16 | 2, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	v = ffa_call6(FFA_RUN_32, (uint32_t)TEST_SP2_ID << 16, 0, 0, 0, 0);
	if (expect_u64("sched.run_resumes_yielded", "x0", (uint32_t)v.x[0],
		       FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64("sched.run_resumes_yielded", "status", v.x[3], TEST_STATUS_OK) &&
	    expect_u64("sched.run_resumes_yielded", "FFA_YIELD returned", v.x[4], FFA_SUCCESS_32)) {
		test_pass("sched.run_resumes_yielded");
	}
	v = ffa_call6(FFA_RUN_32, (uint32_t)TEST_SP2_ID << 16, 0, 0, 0, 0);
	if (expect_u64("sched.run_waiting_sp", "x0", (uint32_t)v.x[0], FFA_MSG_WAIT_32)) {
		test_pass("sched.run_waiting_sp");
	}
	/* Inside an SP-to-SP chain a yield has nowhere to go: DENIED. */
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_CALL, TEST_SP2_ID, TEST_CMD_YIELD);
	if (expect_u64("sched.bad.yield_in_sp_chain", "sp2's status", v.x[5], TEST_STATUS_OK) &&
	    expect_u64("sched.bad.yield_in_sp_chain", "sp2's FFA_YIELD", v.x[6], FFA_ERROR_32)) {
		test_pass("sched.bad.yield_in_sp_chain");
	}
	v = sp_cmd(TEST_SP2_ID, TEST_CMD_ECHO, 7, 0);
	if (expect_u64("sched.sp_serves_again", "echo", v.x[4], 7)) {
		test_pass("sched.sp_serves_again");
	}
}

/*
 * VM availability messages (FF-A v1.2 18.3), this payload acting as a
 * hypervisor (ID 0): sp3 subscribes to both, sp1 and sp2 to none. The SPMC
 * delivers them only from ID 0, only to a subscriber, only for a normal-
 * world VM ID other than 0, only as DIRECT_REQ_32 with w5 [31:16], w6, w7
 * zero; sp3 answers with the framework response and its status.
 */
static struct ffa_value vm_avail(uint16_t from, uint16_t to, uint32_t type, uint64_t w5)
{
	return ffa_call6(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(from, to),
			 FFA_FWK_MSG_BIT | type, 0x1234, 0x5678, w5);
}

static void expect_vm_avail_resp(const char *name, const struct ffa_value *v, uint32_t type,
				 uint64_t status)
{
	if (expect_u64(name, "x0", (uint32_t)v->x[0], FFA_MSG_SEND_DIRECT_RESP_32) &&
	    expect_u64(name, "w1", v->x[1], FFA_MSG_ENDPOINTS(TEST_SP3_ID, 0)) &&
	    expect_u64(name, "w2", v->x[2], FFA_FWK_MSG_BIT | (type + 1U)) &&
	    expect_u64(name, "status", v->x[3], status)) {
		test_pass(name);
	}
}

static void suite_vm_availability(void)
{
	struct ffa_value v = vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, 5);

	expect_vm_avail_resp("vm_avail.created", &v, FFA_FWK_MSG_VM_CREATED_REQ, 0);
	v = sp_cmd(TEST_SP3_ID, TEST_CMD_VM_AVAIL, 5, 0);
	if (expect_u64("vm_avail.partition_saw_it", "available", v.x[4], 1) &&
	    expect_u64("vm_avail.partition_saw_it", "counts", v.x[5], 1) &&
	    expect_u64("vm_avail.partition_saw_it", "sender", v.x[6], 0) &&
	    expect_u64("vm_avail.partition_saw_it", "handle", v.x[7], 0x567800001234ULL)) {
		test_pass("vm_avail.partition_saw_it");
	}
	v = vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, 5);
	expect_vm_avail_resp("vm_avail.created_twice_partition_says_invalid", &v,
			     FFA_FWK_MSG_VM_CREATED_REQ, (uint32_t)FFA_INVALID_PARAMETERS);
	/* Refused by the SPMC: nothing reaches sp3. */
	test_ffa_error("vm_avail.bad.not_subscribed",
		       vm_avail(0, TEST_SP1_ID, FFA_FWK_MSG_VM_CREATED_REQ, 6),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.from_a_vm",
		       vm_avail(1, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, 6),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.vm_id_0",
		       vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.secure_vm_id",
		       vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, TEST_SP1_ID),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.w5_high_bits",
		       vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_REQ, 1U << 16 | 6),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.response_type_as_request",
		       vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_CREATED_RESP, 6),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.unknown_type", vm_avail(0, TEST_SP3_ID, 0x3, 6),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("vm_avail.bad.smc64",
		       ffa_call6(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, TEST_SP3_ID),
				 FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_CREATED_REQ, 0, 0, 6),
		       FFA_INVALID_PARAMETERS);
	v = sp_cmd(TEST_SP3_ID, TEST_CMD_VM_AVAIL, 6, 0);
	if (expect_u64("vm_avail.bad.nothing_delivered", "available", v.x[4], 0) &&
	    expect_u64("vm_avail.bad.nothing_delivered", "counts", v.x[5], 2)) {
		test_pass("vm_avail.bad.nothing_delivered");
	}
	v = sp_cmd(TEST_SP1_ID, TEST_CMD_VM_AVAIL, 6, 0);
	if (expect_u64("vm_avail.bad.not_subscribed_saw_nothing", "counts", v.x[5], 0)) {
		test_pass("vm_avail.bad.not_subscribed_saw_nothing");
	}
	v = vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_DESTROYED_REQ, 5);
	expect_vm_avail_resp("vm_avail.destroyed", &v, FFA_FWK_MSG_VM_DESTROYED_REQ, 0);
	v = vm_avail(0, TEST_SP3_ID, FFA_FWK_MSG_VM_DESTROYED_REQ, 5);
	expect_vm_avail_resp("vm_avail.destroyed_twice_partition_says_invalid", &v,
			     FFA_FWK_MSG_VM_DESTROYED_REQ, (uint32_t)FFA_INVALID_PARAMETERS);
	v = sp_cmd(TEST_SP3_ID, TEST_CMD_VM_AVAIL, 5, 0);
	if (expect_u64("vm_avail.gone", "available", v.x[4], 0) &&
	    expect_u64("vm_avail.gone", "counts", v.x[5], 2 | 2ULL << 32)) {
		test_pass("vm_avail.gone");
	}
	/* sp3 serves ordinary requests as before. */
	v = sp_cmd(TEST_SP3_ID, TEST_CMD_ECHO, 9, 0);
	if (expect_u64("vm_avail.partition_serves_again", "echo", v.x[4], 9)) {
		test_pass("vm_avail.partition_serves_again");
	}
}

void suite_messaging(void)
{
	suite_indirect();
	suite_run_yield();
	suite_vm_availability();
}
