/*
 * FF-A from a guest under tzvisor's emulated SPMC (bootargs "ffa"; scenario
 * qemu.hyp.ffa): this VM (ID 1) is a normal-world endpoint; two VMs run the
 * test partition (partitions/test_sp, built as a VM: its direct-message
 * protocol is partitions/test_sp/test_cmd.h) as partitions 0x8001 (two
 * vCPUs) and 0x8002 (one). Every call goes through the SMCCC register
 * checks (tests/target/smccc_check.h). Covered: discovery and setup,
 * RX/TX buffers, direct messages both ways through partition chains (and a
 * loop refused), requests from two vCPUs at once, indirect messages both
 * ways, memory sharing, lending and donating with retrieval, fragments,
 * zeroing and re-gifting donated memory, notifications both ways with the
 * schedule-receiver interrupt, and each hostile input with its exact error.
 */
#include <stdint.h>
#include <string.h>

#include "core/fmt.h"
#include "ffa/ffa.h"
#include "guest.h"
#include "mem_build.h"
#include "smccc_check.h"
#include "test_cmd.h"

#define SP_MP 0x8001U /* two vCPUs */
#define SP_UP 0x8002U /* one vCPU */
#define NOBODY 0x8009U
#define PSCI_CPU_ON64 0xC4000003U
#define PROPS_V1_2 0x70FU /* messaging 0x607, notifications, AArch64 */
#define PROPS_VM_AVAIL 0xC0U /* VM created and destroyed messages (sp-mp subscribes) */
#define RAM_IPA 0x40000000UL
#define RAM_SIZE 0x01000000UL
#define WINDOW (1ULL << 38)
#define SRI 8U
#define ICC_IAR1 "S3_0_C12_C12_0"
#define ICC_EOIR1 "S3_0_C12_C12_1"
#define OWNER 0x61U
/* FF-A v1.2 constants, written here apart from tzvisor's own headers. */
#define FFA_PARTITION_INFO_COUNT_ONLY 1U
#define FFA_NOTIF_GET_FROM_SP (1U << 0)
#define FFA_NOTIF_GET_FROM_VM (1U << 1)
#define FFA_NOTIF_GET_FROM_SPM (1U << 2)
#define FFA_NOTIF_FWK_RX_FULL 1U
#define FFA_MEM_FLAG_ZERO 1U

/* The partitions' UUIDs, as the manifest's four cells (sp1's and sp2's). */
static const uint32_t uuid_mp[4] = {0x1d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac};
static const uint32_t uuid_up[4] = {0x2d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac};

static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));
static uint8_t pages[64][4096] __attribute__((aligned(4096)));
static uint8_t big[16384] __attribute__((aligned(16)));
static struct mb_range scattered[300];
static uint16_t self;
static struct smccc_check_stats stats[8];

static unsigned int vcpu(void)
{
	uint64_t m;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(m));
	return (unsigned int)(m & 7);
}

static struct ffa_value call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			     uint64_t x5)
{
	struct ffa_value v = {.x = {x0, x1, x2, x3, x4, x5}};

	smccc_checked_call(&v, guest_hvc18, OWNER, &stats[vcpu()]);
	return v;
}

static struct ffa_value call_smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct ffa_value v = {.x = {x0, x1, x2, x3}};

	smccc_checked_call(&v, guest_smc18, OWNER, &stats[vcpu()]);
	return v;
}

/* FFA_SUCCESS (any width) -> 0; FFA_ERROR -> its code; anything else -> 0x7777. */
static int64_t err(const struct ffa_value *v)
{
	uint32_t x0 = (uint32_t)v->x[0];

	if (x0 == FFA_SUCCESS_32 || x0 == FFA_SUCCESS_64) {
		return 0;
	}
	return x0 == FFA_ERROR_32 ? (int32_t)v->x[2] : 0x7777;
}

/* Requests that came back FFA_INTERRUPT (a partition preempted) and were resumed with FFA_RUN. */
static unsigned int resumed[8];

/*
 * A test partition command (test_cmd.h) over DIRECT_REQ_64; BUSY (it is
 * serving) retried; FFA_INTERRUPT (a non-secure interrupt preempted a
 * partition that asks to be signaled) resumed with FFA_RUN, as a driver
 * does.
 */
static struct ffa_value sp_cmd(uint16_t sp, uint64_t cmd, uint64_t a1, uint64_t a2, uint64_t a3,
			       uint64_t a4)
{
	struct ffa_value v;

	for (unsigned int i = 0; i < 100000; i++) {
		v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     FFA_MSG_ENDPOINTS(self, sp), 0, cmd, a1, a2, a3, a4}};
		smccc_checked_call(&v, guest_hvc18, OWNER, &stats[vcpu()]);
		for (unsigned int k = 0; k < 1000 && (uint32_t)v.x[0] == FFA_INTERRUPT_32; k++) {
			resumed[vcpu()]++;
			v = (struct ffa_value){.x = {FFA_RUN_32, (uint32_t)v.x[1]}};
			smccc_checked_call(&v, guest_hvc18, OWNER, &stats[vcpu()]);
		}
		if (err(&v) != FFA_BUSY) {
			break;
		}
	}
	return v;
}

/*
 * TEST_CMD_YIELD (no timeout) to partition `sp`, BUSY retried: under the SPMC
 * the answer is its FFA_YIELD, w1 the context to resume with FFA_RUN, which
 * is left to the caller.
 */
static struct ffa_value yielding_request(uint16_t sp)
{
	struct ffa_value v;

	for (unsigned int i = 0; i < 100000; i++) {
		v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, sp), 0, TEST_CMD_YIELD,
			 0, 0);
		if (err(&v) != FFA_BUSY) {
			break;
		}
	}
	return v;
}

/* The answer to sp_cmd was a response with status OK. */
static bool ok(const struct ffa_value *v)
{
	return (uint32_t)v->x[0] == FFA_MSG_SEND_DIRECT_RESP_64 && v->x[3] == TEST_STATUS_OK;
}

/* --- setup and discovery -------------------------------------------------------------- */

static void discovery(void)
{
	struct ffa_value v = call(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);

	expect("ffa.version", (int64_t)v.x[0], 0x10002);
	v = call(FFA_ID_GET_32, 0, 0, 0, 0, 0);
	self = (uint16_t)v.x[2];
	expect("ffa.id_get", (int64_t)(v.x[2] | (uint64_t)err(&v) << 32), 1);
	v = call_smc(FFA_SPM_ID_GET_32, 0, 0, 0);
	expect("ffa.spm_id_get_smc", (int64_t)v.x[2], 0x8000);
	/* FEATURES: what a normal VM may call, and the schedule-receiver interrupt. */
	v = call(FFA_FEATURES_32, FFA_RXTX_MAP_64, 0, 0, 0, 0);
	expect("ffa.features.rxtx_map", (int64_t)(err(&v) == 0 ? v.x[2] : 1), 16 << 16);
	v = call(FFA_FEATURES_32, FFA_FEATURE_SRI, 0, 0, 0, 0);
	expect("ffa.features.sri", (int64_t)(err(&v) == 0 ? v.x[2] : 1), SRI);
	v = call(FFA_FEATURES_32, FFA_FEATURE_NPI, 0, 0, 0, 0);
	expect("ffa.features.npi", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_FEATURES_32, FFA_MSG_WAIT_32, 0, 0, 0, 0);
	expect("ffa.features.msg_wait_partitions_only", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_FEATURES_32, FFA_NOTIFICATION_BITMAP_CREATE_32, 0, 0, 0, 0);
	expect("ffa.features.bitmap_create_hypervisors", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_FEATURES_32, FFA_MEM_RETRIEVE_REQ_64, 2, 0, 0, 0);
	expect("ffa.features.retrieve_partitions_only", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_FEATURES_32, FFA_MEM_LEND_64, 0, 0, 0, 0);
	expect("ffa.features.mem_lend", err(&v), 0);
	v = call(FFA_NOTIFICATION_BITMAP_CREATE_32, self, 2, 0, 0, 0);
	expect("ffa.bitmap_create_refused", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_MSG_WAIT_32, 0, 0, 0, 0, 0);
	expect("ffa.msg_wait_refused", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(self, SP_MP), 0, 0, 0, 0);
	expect("ffa.direct_resp_refused", err(&v), FFA_NOT_SUPPORTED);
	v = call(FFA_VERSION_32, FFA_VERSION_1_1, 0, 0, 0, 0);
	expect("ffa.version_locked", (int32_t)v.x[0], FFA_NOT_SUPPORTED);
}

static void buffers(void)
{
	uint64_t t = (uintptr_t)tx, r = (uintptr_t)rx;
	struct ffa_value v;

	/* Hostile: nothing maps but its own RAM, page-aligned, apart. */
	v = call(FFA_RXTX_MAP_64, 0x1000, r, 1, 0, 0);
	expect("ffa.rxtx.outside_ram", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, RAM_IPA + RAM_SIZE, r, 1, 0, 0);
	expect("ffa.rxtx.past_ram", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, RAM_IPA + RAM_SIZE - 0x1000, r, 2, 0, 0);
	expect("ffa.rxtx.straddles_ram_end", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, WINDOW, r, 1, 0, 0);
	expect("ffa.rxtx.window_not_its", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, t + 8, r, 1, 0, 0);
	expect("ffa.rxtx.unaligned", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, t, t, 1, 0, 0);
	expect("ffa.rxtx.same_page", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, t, r, 17, 0, 0);
	expect("ffa.rxtx.too_many_pages", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0);
	expect("ffa.rxtx.unmap_nothing", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, t, r, 1, 0, 0);
	expect("ffa.rxtx.map", err(&v), 0);
	v = call(FFA_RXTX_MAP_64, t, r, 1, 0, 0);
	expect("ffa.rxtx.map_twice", err(&v), FFA_DENIED);
	v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	expect("ffa.rx_release_empty", err(&v), FFA_DENIED);
	v = call(FFA_RXTX_UNMAP_32, (uint32_t)SP_MP << 16, 0, 0, 0, 0);
	expect("ffa.rxtx.unmap_someone_else", err(&v), FFA_INVALID_PARAMETERS);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void partition_info(void)
{
	struct ffa_value v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);

	expect("ffa.info.count", (int64_t)(err(&v) == 0 ? v.x[2] | v.x[3] << 32 : 0),
	       2 | 24ULL << 32);
	bool good = le32(rx) == (SP_MP | 2U << 16) &&
		    le32(rx + 4) == (PROPS_V1_2 | PROPS_VM_AVAIL) &&
		    memcmp(rx + 8, uuid_mp, 16) == 0 && le32(rx + 24) == (SP_UP | 1U << 16) &&
		    le32(rx + 28) == PROPS_V1_2 && memcmp(rx + 32, uuid_up, 16) == 0;
	expect("ffa.info.descriptors", good, true);
	v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
	expect("ffa.info.rx_busy", err(&v), FFA_BUSY);
	v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	expect("ffa.info.rx_release", err(&v), 0);
	v = call(FFA_PARTITION_INFO_GET_32, uuid_up[0], uuid_up[1], uuid_up[2], uuid_up[3], 0);
	expect("ffa.info.by_uuid",
	       (int64_t)(err(&v) == 0 && v.x[2] == 1 && le32(rx) == (SP_UP | 1U << 16)), true);
	call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, FFA_PARTITION_INFO_COUNT_ONLY);
	expect("ffa.info.count_only", (int64_t)v.x[2], 2);
	v = call(FFA_PARTITION_INFO_GET_32, 1, 2, 3, 4, 0);
	expect("ffa.info.unknown_uuid", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 2);
	expect("ffa.info.flags_mbz", err(&v), FFA_INVALID_PARAMETERS);
	/* The register-based form: two descriptors in x3-x8. */
	struct ffa_value g = {.x = {FFA_PARTITION_INFO_GET_REGS_64}};
	smccc_checked_call(&g, guest_hvc18, OWNER, &stats[vcpu()]);
	expect("ffa.info_regs",
	       (uint32_t)g.x[0] == FFA_SUCCESS_64 && (g.x[2] & 0xFFFF) == 1 &&
		       (uint32_t)g.x[3] == (SP_MP | 2U << 16) &&
		       g.x[3] >> 32 == (PROPS_V1_2 | PROPS_VM_AVAIL) &&
		       (uint32_t)g.x[6] == (SP_UP | 1U << 16) &&
		       g.x[4] == ((uint64_t)uuid_mp[1] << 32 | uuid_mp[0]),
	       true);
}

/*
 * VM availability: sp-mp subscribes; tzvisor, the hypervisor (ID 0), told
 * it of both normal VMs at boot (handle = VM ID); sp-up subscribes to
 * nothing; guests cannot send these messages.
 */
static void vm_availability(void)
{
	struct ffa_value v = sp_cmd(SP_MP, TEST_CMD_VM_AVAIL, self, 0, 0, 0);

	expect("ffa.vm_avail.created",
	       ok(&v) && v.x[4] == 1 && (uint32_t)v.x[5] == 2 && v.x[6] == 0, true);
	v = sp_cmd(SP_UP, TEST_CMD_VM_AVAIL, self, 0, 0, 0);
	expect("ffa.vm_avail.only_subscribers", ok(&v) && v.x[4] == 0 && v.x[5] == 0, true);
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SP_MP),
		 FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_REQ, 0, 0, self);
	expect("ffa.vm_avail.guest_cannot_send", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(0, SP_MP),
		 FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_REQ, 0, 0, self);
	expect("ffa.vm_avail.guest_cannot_be_hypervisor", err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SP_MP, TEST_CMD_VM_AVAIL, self, 0, 0, 0);
	expect("ffa.vm_avail.refusals_delivered_nothing", ok(&v) && v.x[4] == 1 && v.x[5] == 2,
	       true);
}

/* --- direct messages -------------------------------------------------------------------- */

static void direct(void)
{
	struct ffa_value v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, SP_MP), 0,
				  TEST_CMD_ECHO, 0x1111222233334444ULL, 0x5555666677778888ULL);
	expect("ffa.direct.echo64",
	       (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 &&
		       v.x[1] == FFA_MSG_ENDPOINTS(SP_MP, self) && v.x[3] == 0 &&
		       v.x[4] == 0x1111222233334444ULL && v.x[5] == 0x5555666677778888ULL,
	       true);
	v = call_smc(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SP_UP), 0, TEST_CMD_ECHO);
	expect("ffa.direct.echo32_smc", (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_32, true);
	/* REQ2: the service by UUID, a message in x4-x17. */
	struct ffa_value r2 = {.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(self, SP_UP),
				     (uint64_t)uuid_up[1] << 32 | uuid_up[0],
				     (uint64_t)uuid_up[3] << 32 | uuid_up[2], TEST_CMD_ECHO}};
	for (unsigned int i = 5; i < 18; i++) {
		r2.x[i] = 0xAB00 + i;
	}
	smccc_checked_call(&r2, guest_hvc18, OWNER, &stats[vcpu()]);
	expect("ffa.direct.req2_echo",
	       (uint32_t)r2.x[0] == FFA_MSG_SEND_DIRECT_RESP2_64 && r2.x[4] == 0 &&
		       r2.x[5] == 0xAB05 && r2.x[17] == 0xAB11,
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	expect("ffa.direct.whoami", ok(&v) && v.x[4] == SP_MP && v.x[5] == vcpu() && v.x[6] == self,
	       true);
	/* A partition asks another one (SP to SP), and a chain back to itself is refused. */
	v = sp_cmd(SP_MP, TEST_CMD_CALL, SP_UP, TEST_CMD_WHOAMI, 0, 0);
	expect("ffa.direct.sp_to_sp",
	       ok(&v) && v.x[4] == FFA_MSG_SEND_DIRECT_RESP_32 && v.x[6] == SP_UP, true);
	v = sp_cmd(SP_MP, TEST_CMD_CALL, SP_UP, TEST_CMD_CALL, SP_MP, TEST_CMD_ECHO);
	expect("ffa.direct.loop_denied",
	       ok(&v) && v.x[4] == FFA_MSG_SEND_DIRECT_RESP_32 && v.x[5] == TEST_STATUS_OK &&
		       v.x[6] == FFA_ERROR_32 && v.x[7] == (uint32_t)FFA_DENIED,
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_CALL, SP_MP, TEST_CMD_ECHO, 0, 0);
	expect("ffa.direct.to_itself", ok(&v) && v.x[5] == (uint32_t)FFA_INVALID_PARAMETERS, true);
	/* The partition's own wrong answers are refused (and it answers properly after). */
	v = sp_cmd(SP_MP, TEST_CMD_SPOOF, 0x8055, 0, 0, 0);
	expect("ffa.direct.partition_spoofs_response",
	       ok(&v) && v.x[4] == FFA_ERROR_32 && v.x[5] == (uint32_t)FFA_INVALID_PARAMETERS,
	       true);
	v = sp_cmd(SP_UP, TEST_CMD_WRONG_EXIT, 0, 0, 0, 0);
	expect("ffa.direct.partition_must_answer",
	       ok(&v) && v.x[4] == FFA_ERROR_32 && v.x[6] == FFA_ERROR_32 &&
		       v.x[7] == (uint32_t)FFA_DENIED,
	       true);
	v = sp_cmd(SP_UP, TEST_CMD_YIELD, 0, 0, 0, 0);
	expect("ffa.direct.yield", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	/* A timeout (3 ms): the partition is not run again before it has passed (< 2 s). */
	v = sp_cmd(SP_UP, TEST_CMD_YIELD, 3000000, 0, 0, 0);
	expect("ffa.direct.yield_timeout",
	       ok(&v) && v.x[4] == FFA_SUCCESS_32 && v.x[5] >= 3000 && v.x[5] < 2000000 &&
		       v.x[6] == 0,
	       true);
	/*
	 * w1 MBZ: refused at once, nothing waited. A 1 s timeout, so that waiting
	 * it out cannot pass for a loaded host's delay (< 0.5 s asserted).
	 */
	v = sp_cmd(SP_UP, TEST_CMD_YIELD, 1000000000, 0, 1, 0);
	expect("ffa.bad.yield_w1",
	       ok(&v) && v.x[4] == FFA_ERROR_32 && v.x[6] == (uint32_t)FFA_INVALID_PARAMETERS &&
		       v.x[5] < 500000,
	       true);
	/* Hostile requests: nothing reaches a partition. */
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(2, SP_MP), 0, TEST_CMD_ECHO, 0, 0);
	expect("ffa.direct.spoofed_sender", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(SP_UP, SP_MP), 0, TEST_CMD_ECHO, 0,
		 0);
	expect("ffa.direct.sender_a_partition", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, NOBODY), 0, 0, 0, 0);
	expect("ffa.direct.no_such_partition", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, self), 0, 0, 0, 0);
	expect("ffa.direct.to_itself_or_a_vm", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SP_MP), FFA_FWK_MSG_BIT | 4, 0,
		 0, 0);
	expect("ffa.direct.framework_message", err(&v), FFA_INVALID_PARAMETERS);
	struct ffa_value bad2 = {.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(self, SP_UP),
				       (uint64_t)uuid_mp[1] << 32 | uuid_mp[0],
				       (uint64_t)uuid_mp[3] << 32 | uuid_mp[2]}};
	smccc_checked_call(&bad2, guest_hvc18, OWNER, &stats[vcpu()]);
	expect("ffa.direct.req2_wrong_uuid", err(&bad2), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SP_MP, TEST_CMD_COUNTER, 0, 0, 0, 0);
	expect("ffa.direct.still_served", ok(&v), true);
}

/* vCPU 1 keeps the one-vCPU partition busy while vCPU 0 asks it too: BUSY, never a wrong answer. */
#define SECOND_ROUNDS 10U
#define SECOND_SPIN 1000000U
static volatile uint32_t second_state;
static volatile uint64_t second_busy, second_done;

/* What vCPU 1 does when it comes on: 0 the BUSY test below, 1 tx_race's flipper. */
static volatile uint32_t second_job;
static void flipper(void);

void ffa_secondary_main(uint64_t index);
void ffa_secondary_main(uint64_t index)
{
	(void)index;
	if (second_job == 1) {
		flipper();
	}
	__atomic_store_n(&second_state, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < SECOND_ROUNDS; i++) {
		struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					    FFA_MSG_ENDPOINTS(self, SP_UP), 0, TEST_CMD_SPIN,
					    SECOND_SPIN}};
		smccc_checked_call(&v, guest_hvc18, OWNER, &stats[vcpu()]);
		if (err(&v) == FFA_BUSY) {
			second_busy++;
		} else if ((uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 &&
			   v.x[4] == SECOND_SPIN) {
			second_done++;
		}
	}
	/* From vCPU 1: the two-vCPU partition's second vCPU serves it. */
	struct ffa_value w = sp_cmd(SP_MP, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	__atomic_store_n(&second_state, ok(&w) && w.x[5] == 1 ? 2U : 3U, __ATOMIC_RELEASE);
	hvc(0x84000002U, 0, 0, 0); /* CPU_OFF */
	for (;;) {
	}
}

static void two_vcpus(void)
{
	extern char ffa_secondary_entry[];
	uint64_t busy = 0, answered = 0, t0 = counter(), limit = frequency() * 20;

	expect("ffa.vcpu1.cpu_on", hvc(PSCI_CPU_ON64, 1, (uintptr_t)ffa_secondary_entry, 1), 0);
	while (__atomic_load_n(&second_state, __ATOMIC_ACQUIRE) == 0 && counter() - t0 < limit) {
	}
	while (__atomic_load_n(&second_state, __ATOMIC_ACQUIRE) < 2 && counter() - t0 < limit) {
		struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					    FFA_MSG_ENDPOINTS(self, SP_UP), 0, TEST_CMD_ECHO, 42}};
		smccc_checked_call(&v, guest_hvc18, OWNER, &stats[vcpu()]);
		if (err(&v) == FFA_BUSY) {
			busy++;
		} else if ((uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 && v.x[4] == 42) {
			answered++;
		} else {
			break;
		}
	}
	gprintf("two vCPUs: vCPU 0 busy %llu answered %llu, vCPU 1 busy %llu done %llu\n",
		(unsigned long long)busy, (unsigned long long)answered,
		(unsigned long long)second_busy, (unsigned long long)second_done);
	expect("ffa.vcpu1.whoami_on_partition_vcpu1", second_state, 2);
	expect("ffa.vcpus.busy_while_serving_the_other", busy + second_busy > 0, true);
	expect("ffa.vcpus.every_request_answered", second_done + second_busy, SECOND_ROUNDS);
}

/* --- indirect messages ------------------------------------------------------------------ */

static struct ffa_value send2(uint16_t sender, uint16_t receiver, uint32_t size, uint64_t word,
			      uint64_t w1)
{
	struct ffa_msg_header *h = (struct ffa_msg_header *)(void *)tx;

	memset(h, 0, sizeof(*h));
	h->offset = sizeof(*h);
	h->sender = sender;
	h->receiver = receiver;
	h->size = size;
	memcpy(tx + sizeof(*h), &word, sizeof(word));
	return call(FFA_MSG_SEND2_32, w1, 0, 0, 0, 0);
}

static uint32_t sri_pending(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, " ICC_IAR1 : "=r"(iar));
	if ((iar & 0xFFFFFF) < 1020) {
		__asm__ volatile("msr " ICC_EOIR1 ", %0\n\tisb" : : "r"(iar));
	}
	return (uint32_t)(iar & 0xFFFFFF);
}

/* The schedule-receiver interrupt arrives (polled with interrupts masked), 2 s at most. */
static bool wait_sri(void)
{
	uint64_t t0 = counter();

	while (counter() - t0 < frequency() * 2) {
		if (sri_pending() == SRI) {
			return true;
		}
	}
	return false;
}

static void indirect(void)
{
	struct ffa_value v = sp_cmd(SP_MP, TEST_CMD_LAST_MSG, 0, 0, 0, 0);
	uint64_t before = v.x[7];

	v = send2(self, SP_MP, 8, 0xFEEDFACE12345678ULL, 0);
	expect("ffa.indirect.to_partition", err(&v), 0);
	v = sp_cmd(SP_MP, TEST_CMD_LAST_MSG, 0, 0, 0, 0);
	expect("ffa.indirect.partition_read_it",
	       ok(&v) && v.x[4] == self && v.x[5] == 8 && v.x[6] == 0xFEEDFACE12345678ULL &&
		       v.x[7] == before + 1,
	       true);
	/* The partition to this VM: into its RX buffer, the RX-full notification and the SRI. */
	v = sp_cmd(SP_UP, TEST_CMD_SEND_MSG, self, 0xC0FFEE, 0, 0);
	expect("ffa.indirect.from_partition", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	expect("ffa.indirect.sri", wait_sri(), true);
	const struct ffa_msg_header *h = (const struct ffa_msg_header *)(const void *)rx;
	uint64_t word;
	memcpy(&word, rx + h->offset, sizeof(word));
	expect("ffa.indirect.message_in_rx",
	       h->sender == SP_UP && h->receiver == self && h->size == 8 && word == 0xC0FFEE, true);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("ffa.indirect.info_get_lists_self",
	       (uint32_t)v.x[0] == FFA_SUCCESS_64 && (uint16_t)v.x[3] == self, true);
	v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SPM, 0, 0, 0);
	expect("ffa.indirect.rx_full_notification", (int64_t)v.x[6], FFA_NOTIF_FWK_RX_FULL);
	v = sp_cmd(SP_UP, TEST_CMD_SEND_MSG, self, 1, 0, 0);
	expect("ffa.indirect.receiver_busy", ok(&v) && v.x[5] == (uint32_t)FFA_BUSY, true);
	v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	expect("ffa.indirect.release", err(&v), 0);
	/* Hostile headers: spoofed sender, beyond the buffer, nobody, flags. */
	v = send2(2, SP_MP, 8, 0, 0);
	expect("ffa.indirect.spoofed_sender", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, SP_MP, 4096, 0, 0);
	expect("ffa.indirect.too_big", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, NOBODY, 8, 0, 0);
	expect("ffa.indirect.no_such_receiver", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, SP_MP, 8, 0, (uint32_t)self << 16);
	expect("ffa.indirect.w1_mbz", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, self, 8, 0, 0);
	expect("ffa.indirect.to_itself", err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SP_MP, TEST_CMD_LAST_MSG, 0, 0, 0, 0);
	expect("ffa.indirect.refusals_delivered_nothing", ok(&v) && v.x[7] == before + 1, true);
}

/* --- memory ------------------------------------------------------------------------------- */

static void stopped_lender(const char *pfx, bool forwarded);

static uint64_t page_ipa(unsigned int i)
{
	return (uintptr_t)pages[i];
}

/* Sends a one-descriptor transaction (fits in TX): the answer. */
static struct ffa_value give(uint32_t fid, uint16_t sender, uint16_t to, uint8_t perms,
			     uint32_t flags, const struct mb_range *r, unsigned int n)
{
	struct mb_desc d = {.sender = sender,
			    .attrs = fid == FFA_MEM_SHARE_64 ? MB_NORMAL_WB_ISH : 0,
			    .flags = flags,
			    .nrecv = 1,
			    .recv = {{.id = to, .perms = perms}},
			    .ranges = r,
			    .nranges = n};
	uint32_t len = mb_write(tx, FFA_VERSION_1_2, &d);

	return call(fid, len, len, 0, 0, 0);
}

static uint64_t handle(const struct ffa_value *v)
{
	return (uint64_t)(uint32_t)v->x[3] << 32 | (uint32_t)v->x[2];
}

static struct ffa_value reclaim(uint64_t h, uint32_t flags)
{
	return call(FFA_MEM_RECLAIM_32, (uint32_t)h, h >> 32, flags, 0, 0);
}

/* The partition retrieves h; x4 of its answer = x0 | error << 32 (test_cmd.h). */
static struct ffa_value retrieve(uint16_t sp, uint64_t h, uint8_t perms, uint32_t flags)
{
	return sp_cmd(sp, TEST_CMD_MEM_RETRIEVE, h, self | (uint64_t)perms << 16, flags, 0);
}

static void mem_share(void)
{
	struct mb_range r = {page_ipa(0), 1};
	uint64_t *p = (uint64_t *)(void *)pages[0];

	p[0] = 0x5A5A0001ULL;
	p[1] = 0;
	struct ffa_value v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &r, 1);
	uint64_t h = handle(&v);
	expect("ffa.mem.share", err(&v), 0);
	v = retrieve(SP_MP, h, MB_RW, 0);
	expect("ffa.mem.share.retrieve",
	       ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32 &&
		       v.x[5] == (1 | 1ULL << 32) &&
		       (v.x[6] & 0xFFFFFFFF) ==
			       (MB_NORMAL_WB_ISH | MB_ATTR_NS | (MB_RW | MB_NX) << 16),
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	uint64_t at = v.x[4];
	expect("ffa.mem.share.borrower_window", ok(&v) && at >= WINDOW && (at & 0xFFF) == 0, true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_READ, at, 0, 0, 0);
	expect("ffa.mem.share.borrower_reads", ok(&v) && v.x[4] == 0x5A5A0001ULL, true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_WRITE, at + 8, 0xB0B0CAFE, 0, 0);
	expect("ffa.mem.share.lender_sees_write", ok(&v) && p[1] == 0xB0B0CAFE, true);
	/* Hostile while it is out: the same page again, a reclaim while borrowed. */
	v = give(FFA_MEM_LEND_64, self, SP_UP, MB_RW, 0, &r, 1);
	expect("ffa.mem.hostile.page_already_shared", err(&v), FFA_DENIED);
	v = reclaim(h, 0);
	expect("ffa.mem.hostile.reclaim_while_borrowed", err(&v), FFA_DENIED);
	v = retrieve(SP_UP, h, MB_RW, 0);
	expect("ffa.mem.hostile.retrieve_by_stranger",
	       ok(&v) &&
		       v.x[4] == (FFA_ERROR_32 | (uint64_t)(uint32_t)FFA_INVALID_PARAMETERS << 32),
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	expect("ffa.mem.share.relinquish", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = reclaim(h, 0);
	expect("ffa.mem.share.reclaim", err(&v), 0);
	v = reclaim(h, 0);
	expect("ffa.mem.share.reclaim_twice", err(&v), FFA_INVALID_PARAMETERS);
}

static void mem_lend(void)
{
	struct mb_range r = {page_ipa(2), 2};
	uint64_t *p = (uint64_t *)(void *)pages[2];

	p[0] = 0x1E4D0002ULL;
	struct ffa_value v = give(FFA_MEM_LEND_64, self, SP_UP, MB_RO, 0, &r, 1);
	uint64_t h = handle(&v);
	expect("ffa.mem.lend", err(&v), 0);
	v = retrieve(SP_UP, h, MB_RO | MB_NX, 0);
	expect("ffa.mem.lend.retrieve_ro",
	       ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32 && v.x[5] == (2 | 1ULL << 32),
	       true);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	uint64_t at = v.x[4];
	v = sp_cmd(SP_UP, TEST_CMD_MEM_READ, at, 0, 0, 0);
	expect("ffa.mem.lend.borrower_reads", ok(&v) && v.x[4] == 0x1E4D0002ULL, true);
	/* Executable: only memory a partition lends (this VM's is "non-secure"). */
	v = sp_cmd(SP_UP, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	expect("ffa.mem.lend.relinquish", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = retrieve(SP_UP, h, MB_RO | MB_X, 0);
	expect("ffa.mem.lend.no_execute_of_vm_memory",
	       ok(&v) &&
		       v.x[4] == (FFA_ERROR_32 | (uint64_t)(uint32_t)FFA_INVALID_PARAMETERS << 32),
	       true);
	v = reclaim(h, 0);
	expect("ffa.mem.lend.reclaim", err(&v), 0);
	/* Back in this VM's stage 2 (a fault here would stop the VM). */
	p[1] = 7;
	expect("ffa.mem.lend.mapped_again", p[0] == 0x1E4D0002ULL && p[1] == 7, true);
	/* Lend with zeroing: the borrower sees zeros, and so does the lender after. */
	p[0] = 0xDEAD;
	v = give(FFA_MEM_LEND_64, self, SP_UP, MB_RW, FFA_MEM_FLAG_ZERO, &r, 1);
	h = handle(&v);
	expect("ffa.mem.lend_zeroed", err(&v), 0);
	v = retrieve(SP_UP, h, MB_RW | MB_NX, FFA_MEM_FLAG_ZERO);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_READ, v.x[4], 0, 0, 0);
	expect("ffa.mem.lend_zeroed.borrower_sees_zero", ok(&v) && v.x[4] == 0, true);
	sp_cmd(SP_UP, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	v = reclaim(h, 0);
	expect("ffa.mem.lend_zeroed.reclaim", err(&v) == 0 && p[0] == 0, true);
}

static void mem_donate(void)
{
	struct mb_range r = {page_ipa(5), 1};
	uint64_t *p = (uint64_t *)(void *)pages[5];

	p[0] = 0xD0D0;
	struct ffa_value v = give(FFA_MEM_DONATE_64, self, SP_MP, 0, 0, &r, 1);
	uint64_t h = handle(&v);
	expect("ffa.mem.donate", err(&v), 0);
	v = retrieve(SP_MP, h, MB_RW | MB_NX, 0);
	expect("ffa.mem.donate.retrieve", ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32,
	       true);
	v = reclaim(h, 0);
	expect("ffa.mem.donate.gone_for_good", err(&v), FFA_INVALID_PARAMETERS);
	/* The new owner gives it on, from its window, to the other partition. */
	v = sp_cmd(SP_MP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	uint64_t at = v.x[4];
	v = sp_cmd(SP_MP, TEST_CMD_MEM_GIVE, FFA_MEM_SHARE_64,
		   SP_UP | (uint64_t)MB_RW << 32 | (uint64_t)MB_NORMAL_WB_ISH << 48, 1U << 16, at);
	uint64_t h2 = v.x[5];
	expect("ffa.mem.donate.new_owner_shares_it", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_RETRIEVE, h2, SP_MP | (uint64_t)MB_RW << 16, 0, 0);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_READ, v.x[4], 0, 0, 0);
	expect("ffa.mem.donate.third_party_reads", ok(&v) && v.x[4] == 0xD0D0, true);
	/* Not this VM's transaction: it may not reclaim it. */
	v = reclaim(h2, 0);
	expect("ffa.mem.hostile.reclaim_someone_elses", err(&v), FFA_INVALID_PARAMETERS);
	sp_cmd(SP_UP, TEST_CMD_MEM_RELINQUISH, h2, 0, 0, 0);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_RECLAIM, h2, 0, 0, 0);
	expect("ffa.mem.donate.new_owner_reclaims", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	/* The donated page is no longer this VM's to give. */
	v = give(FFA_MEM_SHARE_64, self, SP_UP, MB_RW, 0, &r, 1);
	expect("ffa.mem.hostile.donated_page", err(&v), FFA_DENIED);
}

/* 300 scattered pages (every other 4 KiB of two of its own blocks): descriptors in fragments. */
static void mem_fragments(void)
{
	for (unsigned int i = 0; i < 300; i++) {
		/* Pages of its RAM well past its image: 4 MiB .. 6.4 MiB, every other one. */
		scattered[i] = (struct mb_range){RAM_IPA + 0x400000 + 2ULL * i * 4096, 1};
	}
	struct mb_desc d = {.sender = self,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = SP_MP, .perms = MB_RW}},
			    .ranges = scattered,
			    .nranges = 300};
	uint32_t total = mb_write(big, FFA_VERSION_1_2, &d), sent = 4080;
	memcpy(tx, big, sent);
	struct ffa_value v = call(FFA_MEM_SHARE_64, total, sent, 0, 0, 0);
	expect("ffa.mem.frag.first_wants_more",
	       (uint32_t)v.x[0] == FFA_MEM_FRAG_RX_32 && v.x[3] == sent, true);
	uint64_t h = (uint64_t)(uint32_t)v.x[2] << 32 | (uint32_t)v.x[1];
	/* A fragment that is not whole constituents is refused; the transaction waits. */
	memcpy(tx, big + sent, 24);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 24, 0, 0);
	expect("ffa.mem.frag.partial_constituent", err(&v), FFA_INVALID_PARAMETERS);
	/* w4 names a sender only when a hypervisor calls: MBZ from a VM. */
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, total - sent, (uint32_t)self << 16, 0);
	expect("ffa.mem.frag.w4_mbz", err(&v), FFA_INVALID_PARAMETERS);
	/* A constituent outside its RAM in a later fragment: DENIED, the transaction still waits.
	 */
	memcpy(tx, big + sent, total - sent);
	memcpy(tx + 16, &(uint64_t){0x10000000ULL}, 8);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, total - sent, 0, 0);
	expect("ffa.mem.frag.constituent_outside_ram", err(&v), FFA_DENIED);
	memcpy(tx, big + sent, total - sent);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, total - sent, 0, 0);
	expect("ffa.mem.frag.complete", err(&v) == 0 && handle(&v) == h, true);
	v = retrieve(SP_MP, h, MB_RW, 0);
	expect("ffa.mem.frag.retrieve_in_fragments",
	       ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32 &&
		       v.x[5] == (300 | 300ULL << 32) && (v.x[6] >> 32) >= 2,
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_WHERE, 1, 0, 0, 0);
	expect("ffa.mem.frag.second_range_in_window",
	       ok(&v) && v.x[4] >= WINDOW && v.x[5] == 1 && v.x[6] == 300, true);
	sp_cmd(SP_MP, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	v = reclaim(h, 0);
	expect("ffa.mem.frag.reclaim", err(&v), 0);
}

static void mem_hostile(void)
{
	struct mb_range r = {page_ipa(8), 1};
	struct ffa_value v = give(FFA_MEM_SHARE_64, 2, SP_MP, MB_RW, 0, &r, 1);

	expect("ffa.mem.hostile.spoofed_sender", err(&v), FFA_DENIED);
	struct mb_range outside = {0x10000000, 1};
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &outside, 1);
	expect("ffa.mem.hostile.outside_its_ram", err(&v), FFA_DENIED);
	struct mb_range past = {RAM_IPA + RAM_SIZE - 4096, 2};
	v = give(FFA_MEM_LEND_64, self, SP_MP, MB_RW, 0, &past, 1);
	expect("ffa.mem.hostile.straddles_ram_end", err(&v), FFA_DENIED);
	struct mb_range window = {WINDOW + 0x40000000, 1};
	v = give(FFA_MEM_LEND_64, self, SP_MP, MB_RW, 0, &window, 1);
	expect("ffa.mem.hostile.window_not_owned", err(&v), FFA_DENIED);
	struct mb_range bufs = {(uintptr_t)rx, 1};
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &bufs, 1);
	expect("ffa.mem.hostile.own_rx_buffer", err(&v), FFA_DENIED);
	struct mb_range twice[2] = {{page_ipa(8), 2}, {page_ipa(9), 1}};
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, twice, 2);
	expect("ffa.mem.hostile.overlapping_ranges", err(&v), FFA_INVALID_PARAMETERS);
	struct mb_range unaligned = {page_ipa(8) + 16, 1};
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &unaligned, 1);
	expect("ffa.mem.hostile.unaligned", err(&v), FFA_INVALID_PARAMETERS);
	v = give(FFA_MEM_LEND_64, self, self, MB_RW, 0, &r, 1);
	expect("ffa.mem.hostile.to_itself", err(&v), FFA_INVALID_PARAMETERS);
	v = give(FFA_MEM_LEND_64, self, NOBODY, MB_RW, 0, &r, 1);
	expect("ffa.mem.hostile.no_such_borrower", err(&v), FFA_INVALID_PARAMETERS);
	/* Lengths that do not add up, and a buffer outside TX. */
	struct mb_desc d = {.sender = self,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = SP_MP, .perms = MB_RW}},
			    .ranges = &r,
			    .nranges = 1};
	uint32_t len = mb_write(tx, FFA_VERSION_1_2, &d);
	v = call(FFA_MEM_SHARE_64, len + 16, len + 16, 0, 0, 0);
	expect("ffa.mem.hostile.total_mismatch", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_SHARE_64, len, len, (uintptr_t)pages[10], 1, 0);
	expect("ffa.mem.hostile.buffer_outside_tx", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_SHARE_64, 8192, 8192, 0, 0, 0);
	expect("ffa.mem.hostile.longer_than_tx", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0);
	expect("ffa.mem.hostile.vm_retrieve", err(&v), FFA_NOT_SUPPORTED);
	v = reclaim(0x1234, 0);
	expect("ffa.mem.hostile.unknown_handle", err(&v), FFA_INVALID_PARAMETERS);
	/* After all that, the page is still its own to give. */
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &r, 1);
	uint64_t h = handle(&v);
	struct ffa_value back = reclaim(h, 0);
	expect("ffa.mem.hostile.nothing_changed", err(&v) == 0 && err(&back) == 0, true);
}

/* --- notifications ----------------------------------------------------------------------- */

/* --- a descriptor that changes while tzvisor reads it -------------------------------------- */

#define RACE_WORD 0x5AFE5AFE00000001ULL
#define LENT_WORD 0x1E4D1E4D00000002ULL
static volatile uint64_t *flip_at;
static uint64_t flip_a, flip_b;
static volatile uint32_t flip_stop;
static volatile uint64_t flips;

/* vCPU 1: the descriptor's one constituent switches between two pages until told to stop. */
static void flipper(void)
{
	while (!__atomic_load_n(&flip_stop, __ATOMIC_ACQUIRE)) {
		*flip_at = flip_b; /* briefly: most sends should see A */
		for (volatile unsigned int i = 0; i < 16; i++) {
		}
		*flip_at = flip_a;
		for (volatile unsigned int i = 0; i < 1024; i++) {
		}
		flips++;
	}
	hvc(0x84000002U, 0, 0, 0); /* CPU_OFF */
	for (;;) {
	}
}

/*
 * FFA_MEM_SHARE of page A to `borrower` while vCPU 1 rewrites the
 * constituent in the TX buffer between A and page B, which this VM lent to
 * `lent_to` (not its to share: DENIED). A and B differ in one byte of their
 * address, so any copy of it is A or B. Each share must be DENIED, or share
 * A: the borrower must read A's word, never B's (tzvisor copies the
 * descriptor before it checks it, and shares what it checked). Emulated
 * and forwarded (sp-mp/sp-up, sp1/sp2: the same IDs).
 */
static void tx_race(const char *pfx, uint16_t borrower, uint16_t lent_to)
{
	extern char ffa_secondary_entry[];
	char name[64];
#define TR_NAME(n) (fmt_snprintf(name, sizeof(name), "%s.mem.hostile.tx_race." n, pfx), name)
	unsigned int a = 0;
	struct ffa_value v;

	/* Two pages in one 64 KiB block: their addresses differ in bits 12-15 only. */
	while (a + 1 < 64 && (page_ipa(a) >> 16) != (page_ipa(a + 1) >> 16)) {
		a++;
	}
	struct mb_range ra = {page_ipa(a), 1}, rb = {page_ipa(a + 1), 1};
	uint64_t *page_a = (uint64_t *)(void *)pages[a], *page_b = (uint64_t *)(void *)pages[a + 1];
	page_a[0] = RACE_WORD;
	page_b[0] = LENT_WORD;
	v = give(FFA_MEM_LEND_64, self, lent_to, MB_RW, 0, &rb, 1);
	uint64_t h_lent = handle(&v);
	expect(TR_NAME("lend_b"), err(&v), 0);
	struct mb_desc d = {.sender = self,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = borrower, .perms = MB_RW}},
			    .ranges = &ra,
			    .nranges = 1};
	uint32_t len = mb_write(tx, FFA_VERSION_1_2, &d);
	flip_at = (volatile uint64_t *)(void *)(tx + len - 16); /* the constituent's address */
	flip_a = ra.base;
	flip_b = rb.base;
	expect(TR_NAME("constituent_found"), *flip_at == flip_a, true);
	second_job = 1;
	uint64_t t0 = counter(), limit = frequency() * 10;
	int32_t on;
	do {
		on = (int32_t)hvc(PSCI_CPU_ON64, 1, (uintptr_t)ffa_secondary_entry, 1);
	} while (on == -4 && counter() - t0 < limit); /* ALREADY_ON: still going off */
	expect(TR_NAME("flipper_on"), on, 0);
	while (flips == 0 && counter() - t0 < limit) {
	}
	unsigned int shared = 0, denied = 0, wrong = 0, other = 0, i;
	for (i = 0; i < 2000 && (i < 64 || shared == 0 || denied == 0) && counter() - t0 < limit &&
		    other == 0;
	     i++) {
		v = call(FFA_MEM_SHARE_64, len, len, 0, 0, 0);
		if (err(&v) == FFA_DENIED) {
			denied++;
			continue;
		}
		uint64_t h = handle(&v);
		if (err(&v) != 0) {
			other++;
			break;
		}
		v = retrieve(borrower, h, MB_RW, 0);
		struct ffa_value w = sp_cmd(borrower, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
		struct ffa_value rd = sp_cmd(borrower, TEST_CMD_MEM_READ, w.x[4], 0, 0, 0);
		if (!ok(&rd) || rd.x[4] != RACE_WORD) {
			wrong++;
		} else {
			shared++;
		}
		v = sp_cmd(borrower, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
		struct ffa_value back = reclaim(h, 0);
		if (!ok(&v) || v.x[4] != FFA_SUCCESS_32 || err(&back) != 0) {
			other++;
		}
	}
	__atomic_store_n(&flip_stop, 1, __ATOMIC_RELEASE);
	gprintf("tx race: %u shares, %u DENIED, %u wrong, %u other, %llu flips\n", shared, denied,
		wrong, other, (unsigned long long)flips);
	expect(TR_NAME("never_the_lent_page"), wrong, 0);
	expect(TR_NAME("shared_or_denied_only"), other, 0);
	expect(TR_NAME("both_seen"), shared > 0 && denied > 0, true);
	v = reclaim(h_lent, 0);
	expect(TR_NAME("lend_b_reclaimed"), err(&v), 0);
	expect(TR_NAME("b_untouched"), (int64_t)page_b[0], (int64_t)LENT_WORD);
#undef TR_NAME
}

static void notifications(void)
{
	struct ffa_value v;

	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("ffa.notif.info_get_nothing", err(&v), FFA_NO_DATA);
	/* From the partition to this VM: bound, set, the SRI, INFO_GET, GET. */
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(SP_MP, self), 0, 1U << 3, 0, 0);
	expect("ffa.notif.bind", err(&v), 0);
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(SP_UP, self), 0, 1U << 3, 0, 0);
	expect("ffa.notif.bind_taken_bit", err(&v), FFA_DENIED);
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(SP_MP, 2), 0, 1U << 4, 0, 0);
	expect("ffa.notif.bind_for_another_vm", err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SP_UP, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_SET_32,
		   FFA_MSG_ENDPOINTS(SP_UP, self), 0, 1U << 3);
	expect("ffa.notif.set_by_unbound_sender",
	       ok(&v) && v.x[4] == FFA_ERROR_32 && (uint32_t)v.x[5] == (uint32_t)FFA_DENIED, true);
	v = sp_cmd(SP_MP, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_SET_32,
		   FFA_MSG_ENDPOINTS(SP_MP, self), 0, 1U << 3);
	expect("ffa.notif.partition_sets", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	expect("ffa.notif.sri_injected", wait_sri(), true);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("ffa.notif.info_get",
	       (uint32_t)v.x[0] == FFA_SUCCESS_64 && ((v.x[2] >> 7) & 0x1F) == 1 &&
		       (uint16_t)v.x[3] == self,
	       true);
	v = call(FFA_NOTIFICATION_GET_32, 5U << 16 | self, FFA_NOTIF_GET_FROM_SP, 0, 0, 0);
	expect("ffa.notif.get_no_such_vcpu", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_NOTIFICATION_GET_32, SP_MP, FFA_NOTIF_GET_FROM_SP, 0, 0, 0);
	expect("ffa.notif.get_someone_elses", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM, 0, 0,
		 0);
	expect("ffa.notif.get", (int64_t)(v.x[2] | v.x[4] << 32), 1U << 3);
	v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SP, 0, 0, 0);
	expect("ffa.notif.get_cleared", (int64_t)v.x[2], 0);
	v = call(FFA_NOTIFICATION_UNBIND_32, FFA_MSG_ENDPOINTS(SP_MP, self), 0, 1U << 3, 0, 0);
	expect("ffa.notif.unbind", err(&v), 0);
	/* From this VM to the partition: it binds, this VM sets, it is run and reads it. */
	v = sp_cmd(SP_MP, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_BIND_32,
		   FFA_MSG_ENDPOINTS(self, SP_MP), 0, 1U << 5);
	expect("ffa.notif.partition_binds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	sp_cmd(SP_MP, TEST_CMD_NOTIF_SEEN, 0, 0, 0, 0);
	v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(2, SP_MP), 0, 1U << 5, 0, 0);
	expect("ffa.notif.set_spoofed_sender", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, SP_MP), 0, 1U << 6, 0, 0);
	expect("ffa.notif.set_unbound", err(&v), FFA_DENIED);
	v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, SP_MP), 0, 1U << 5, 0, 0);
	expect("ffa.notif.vm_sets", err(&v), 0);
	/* The partition's vCPU 0 ran (FFA_RUN) and fetched it; asked from vCPU 0 here. */
	uint64_t t0 = counter();
	do {
		v = sp_cmd(SP_MP, TEST_CMD_NOTIF_SEEN, 0, 0, 0, 0);
	} while (ok(&v) && v.x[5] == 0 && counter() - t0 < frequency());
	expect("ffa.notif.partition_ran_and_got_it",
	       ok(&v) && v.x[5] == 1U << 5 && (v.x[6] >> 32) >= 1, true);
	v = sp_cmd(SP_MP, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_UNBIND_32,
		   FFA_MSG_ENDPOINTS(self, SP_MP), 0, 1U << 5);
	expect("ffa.notif.partition_unbinds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
}

void suite_ffa(void)
{
	*(volatile uint32_t *)0x08000000UL = 0x12; /* GICD_CTLR: ARE, EnableGrp1A */
	gic_cpu_init();
	local_enable(SRI, 0x80);
	discovery();
	buffers();
	partition_info();
	vm_availability();
	direct();
	two_vcpus();
	indirect();
	mem_share();
	mem_lend();
	mem_donate();
	mem_fragments();
	mem_hostile();
	tx_race("ffa", SP_MP, SP_UP);
	notifications();
	stopped_lender("ffa", false);
	struct smccc_check_stats all;
	smccc_check_sum(stats, 8, &all);
	gprintf("SMCCC checks: %llu calls, %llu broke a rule (first: fid 0x%x answer 0x%x x%u = "
		"0x%llx)\n",
		(unsigned long long)all.calls, (unsigned long long)all.violations, all.first_fid,
		all.first_answer, all.first_reg, (unsigned long long)all.first_value);
	expect("ffa.smccc_register_rules", (int64_t)all.violations, 0);
}

/*
 * VM "lender" (both configurations; the partitions' IDs are the same): once
 * VM 1 says it is done with the partitions (its notification 0), lends a
 * page to SP_UP (not retrieved) and shares another with SP_MP, which
 * retrieves it; tells VM 1 the handles and where SP_MP sees the page (an
 * indirect message), then touches the lent page. Its stage 2 no longer maps
 * it (or, with `reset`, asks for SYSTEM_RESET, which tzvisor must turn
 * into a stop: a partition holds its memory): tzvisor must stop it (the
 * scenario checks tzvisor's lines), reclaim
 * the lend for it and leave the share with SP_MP until it relinquishes
 * (stopped_lender checks that from VM 1). This function must not return.
 */
#define CLIENT_VM 1U
#define LENDER_VM 3U
#define LENDER_WORD 0x1E4D1E4D00C0FFEEULL

void suite_ffa_lender(bool reset)
{
	struct mb_range r0 = {page_ipa(0), 1}, r1 = {page_ipa(1), 1};
	uint64_t *p1 = (uint64_t *)(void *)pages[1];
	bool go = false;

	pages[0][0] = 1;
	struct ffa_value v = call(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);
	expect("lender.version", (int64_t)v.x[0], 0x10002);
	v = call(FFA_ID_GET_32, 0, 0, 0, 0, 0);
	self = (uint16_t)v.x[2];
	v = call(FFA_RXTX_MAP_64, (uintptr_t)tx, (uintptr_t)rx, 1, 0, 0);
	expect("lender.rxtx_map", err(&v), 0);
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(CLIENT_VM, self), 0, 1, 0, 0);
	expect("lender.bind_client", err(&v), 0);
	for (uint64_t t0 = counter(); !go && counter() - t0 < frequency() * 40;) {
		v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_VM, 0, 0, 0);
		go = err(&v) == 0 && (v.x[4] & 1) != 0;
	}
	expect("lender.client_ready", go, true);
	v = give(FFA_MEM_LEND_64, self, SP_UP, MB_RW, 0, &r0, 1);
	expect("lender.lend", err(&v), 0);
	uint64_t h_lend = handle(&v);
	p1[0] = LENDER_WORD;
	v = give(FFA_MEM_SHARE_64, self, SP_MP, MB_RW, 0, &r1, 1);
	expect("lender.share", err(&v), 0);
	uint64_t h_share = handle(&v);
	v = retrieve(SP_MP, h_share, MB_RW, 0);
	expect("lender.share_retrieved", ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32,
	       true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	uint64_t words[3] = {h_lend, h_share, v.x[4]};
	/*
	 * A lend of two pages to SP_UP in two fragments, of which it sends only
	 * the first: its stop must drop that send (the scenario checks the line).
	 */
	struct mb_range two[2] = {{page_ipa(4), 1}, {page_ipa(6), 1}};
	struct mb_desc fd = {.sender = self,
			     .nrecv = 1,
			     .recv = {{.id = SP_UP, .perms = MB_RW}},
			     .ranges = two,
			     .nranges = 2};
	uint32_t flen = mb_write(tx, FFA_VERSION_1_2, &fd);
	v = call(FFA_MEM_LEND_64, flen, flen - 16, 0, 0, 0);
	expect("lender.unfinished_send", (uint32_t)v.x[0], FFA_MEM_FRAG_RX_32);
	struct ffa_msg_header *h = (struct ffa_msg_header *)(void *)tx;
	memset(h, 0, sizeof(*h));
	h->offset = sizeof(*h);
	h->sender = self;
	h->receiver = CLIENT_VM;
	h->size = sizeof(words);
	memcpy(tx + sizeof(*h), words, sizeof(words));
	for (unsigned int i = 0; i < 100000; i++) {
		v = call(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0);
		if (err(&v) != FFA_BUSY) {
			break;
		}
	}
	expect("lender.told_client", err(&v), 0);
	if (reset) {
		/* Its images would be reloaded over what sp-mp holds: tzvisor stops it instead. */
		gprintf("lender: SYSTEM_RESET while sp-mp holds its page: tzvisor must stop it\n");
		hvc(0x84000009U, 0, 0, 0);
		expect("lender.reset_refused", false, true); /* not reached */
	}
	if (!reset) {
		/*
		 * Forwarded: a request that sp-up yields (FFA_YIELD comes back, not
		 * resumed here): tzvisor must finish it once this VM is stopped, or
		 * sp-up's one context stays preempted (VM 1's stopped_lender uses it).
		 */
		v = yielding_request(SP_UP);
		expect("lender.request_yielded", (uint32_t)v.x[0], FFA_YIELD_32);
	}
	gprintf("lender: reading the page it lent (IPA 0x%llx): tzvisor must stop this VM\n",
		(unsigned long long)page_ipa(0));
	(void)*(volatile uint8_t *)pages[0];
}

/*
 * VM 1's side: it is done with the partitions; the lender gives, tells it
 * what, and is stopped. Then: its lend is reclaimed for it (SP_UP cannot
 * retrieve it), SP_MP keeps the shared page (still reads the lender's
 * word), nobody else may take or reclaim it (emulated: the orphan refuses
 * new retrieves with INVALID_PARAMETERS; forwarded: the SPMC says DENIED to
 * a second retrieve), and when SP_MP relinquishes it, it is reclaimed for
 * the stopped lender (the handle is gone).
 */
static void stopped_lender(const char *pfx, bool forwarded)
{
	char name[64];
	struct ffa_value v;
	const volatile struct ffa_msg_header *mh =
		(const volatile struct ffa_msg_header *)(const volatile void *)rx;
	uint64_t t0 = counter(), limit = frequency() * 40;
	uint64_t words[3] = {0};
	bool told = false, stopped = false;

#define SL_NAME(n) (fmt_snprintf(name, sizeof(name), "%s.stopped_lender." n, pfx), name)
	/* The partition that subscribes to VM availability messages: sp3, or sp-mp. */
	uint16_t subscriber = forwarded ? 0x8003U : SP_MP;
	v = sp_cmd(subscriber, TEST_CMD_VM_AVAIL, LENDER_VM, 0, 0, 0);
	expect(SL_NAME("vm_available_before"), ok(&v) && v.x[4] == 1, true);
	do {
		v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, LENDER_VM), 0, 1, 0, 0);
	} while (err(&v) != 0 && counter() - t0 < limit);
	expect(SL_NAME("ready_set"), err(&v), 0);
	while (!told && counter() - t0 < limit) {
		told = mh->sender == LENDER_VM && mh->receiver == self && mh->size == sizeof(words);
	}
	expect(SL_NAME("message"), told, true);
	memcpy(words, rx + mh->offset, sizeof(words));
	v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	expect(SL_NAME("release"), err(&v), 0);
	/* Its messages are refused with ABORTED once it is stopped (at most one gets through). */
	while (!stopped && counter() - t0 < limit) {
		v = send2(self, LENDER_VM, 8, 0, 0);
		stopped = err(&v) == FFA_ABORTED;
	}
	expect(SL_NAME("stopped"), stopped, true);
	uint64_t as_lender = LENDER_VM | (uint64_t)MB_RW << 16;
	const uint64_t invalid = FFA_ERROR_32 | (uint64_t)(uint32_t)FFA_INVALID_PARAMETERS << 32;
	/*
	 * The subscriber was told by the hypervisor (forwarded: before this VM saw
	 * ABORTED; emulated: before its next request); forwarded, VM 2 may be gone too.
	 */
	v = sp_cmd(subscriber, TEST_CMD_VM_AVAIL, LENDER_VM, 0, 0, 0);
	expect(SL_NAME("vm_destroyed_message"),
	       ok(&v) && v.x[4] == 0 && v.x[6] == 0 &&
		       (forwarded ? v.x[5] >> 32 >= 1 && (uint32_t)v.x[5] == 3
				  : v.x[5] == (2 | 1ULL << 32) && v.x[7] == LENDER_VM),
	       true);
	v = sp_cmd(SP_UP, TEST_CMD_MEM_RETRIEVE, words[0], as_lender, 0, 0);
	expect(SL_NAME("lend_reclaimed"), ok(&v) && v.x[4] == invalid, true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_READ, words[2], 0, 0, 0);
	expect(SL_NAME("borrower_keeps_share"), ok(&v) && v.x[4] == LENDER_WORD, true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_RETRIEVE, words[1], as_lender, 0, 0);
	expect(SL_NAME("no_new_retrieve"),
	       ok(&v) && v.x[4] == (forwarded ? FFA_ERROR_32 | (uint64_t)(uint32_t)FFA_DENIED << 32
					      : invalid),
	       true);
	v = reclaim(words[1], 0);
	expect(SL_NAME("not_anybody_elses"), err(&v), FFA_INVALID_PARAMETERS);
	v = reclaim(words[0], 0);
	expect(SL_NAME("not_anybody_elses_lend"), err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_RELINQUISH, words[1], 0, 0, 0);
	expect(SL_NAME("last_relinquish"), ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = sp_cmd(SP_MP, TEST_CMD_MEM_RETRIEVE, words[1], as_lender, 0, 0);
	expect(SL_NAME("share_reclaimed"), ok(&v) && v.x[4] == invalid, true);
#undef SL_NAME
}

/* --- forwarded to the real SPMC (bootargs "ffa-fwd"; scenario qemu.hyp.secure_ffa_fwd) --- */

#define SEC_SP1 0x8001U /* tzv-sp-mp: S-EL1, a context per CPU */
#define SEC_SP2 0x8002U /* tzv-sp-up: S-EL1, one migrating context */
#define SEC_SP3 0x8003U /* tzv-sp-el0: S-EL0 */
#define FWD_PROPS 0x70FU /* messaging 0x607, notifications, AArch64 */

/*
 * tzvisor above tzvisor's SPMC (SECURE=1): this VM's calls go to the real
 * SPMC with its VM number as endpoint ID (`id`), and its secure test
 * partitions answer; memory it shares or lends reaches them at its physical
 * address. What is not forwarded yet must say NOT_SUPPORTED.
 */
/*
 * FFA_RUN from the scheduler VM (VM 1, ffa-scheduler): the FFA_INTERRUPT of a
 * tick resumed; tzvisor's BUSY (VM 2's call in flight) retried.
 */
static struct ffa_value sched_run(uint32_t target)
{
	struct ffa_value v;

	for (unsigned int i = 0; i < 100000; i++) {
		v = call(FFA_RUN_32, target, 0, 0, 0, 0);
		for (unsigned int k = 0; k < 1000 && (uint32_t)v.x[0] == FFA_INTERRUPT_32; k++) {
			v = call(FFA_RUN_32, (uint32_t)v.x[1], 0, 0, 0, 0);
		}
		if (err(&v) != FFA_BUSY) {
			break;
		}
	}
	return v;
}

/*
 * An FFA_NOTIFICATION_INFO_GET_64 answer's list of endpoint `id`: how many
 * vCPU IDs it has (0: global); -1 if `id` is not listed (or NO_DATA).
 */
static int info_lists(const struct ffa_value *v, uint16_t id)
{
	if ((uint32_t)v->x[0] != FFA_SUCCESS_64) {
		return -1;
	}
	unsigned int lists = (v->x[2] >> 7) & 0x1FU, at = 0;
	for (unsigned int l = 0; l < lists && at < 20; l++) {
		unsigned int n = (v->x[2] >> (12 + 2 * l)) & 3U;
		if ((uint16_t)(v->x[3 + at / 4] >> (16 * (at % 4))) == id) {
			return (int)n;
		}
		at += 1 + n;
	}
	return -1;
}

/*
 * This VM (the scheduler) set notification `bit` for sp1: the SPMC lists
 * sp1 to tzvisor, which lists it to this VM (SRI, INFO_GET, once); this VM
 * runs sp1's context `ec` (this CPU's), and sp1 fetches the bit. Only a
 * context listed, only once, only this CPU's (the SPMC's rule).
 */
static void scheduler(uint64_t ec, uint32_t bit)
{
	expect("fwd.sched.sri", wait_sri(), true);
	/* sp1 in a list of its own, global (no contexts); VM 2's messages may list sp3 too. */
	struct ffa_value v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("fwd.sched.info_get_lists_sp1", info_lists(&v, SEC_SP1), 0);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("fwd.sched.listed_once", info_lists(&v, SEC_SP1), -1);
	/* sp2: nobody has sent it anything yet (VM 1's messages to it come later). */
	v = call(FFA_RUN_32, (uint32_t)SEC_SP2 << 16, 0, 0, 0, 0);
	expect("fwd.sched.hostile.run_unlisted", err(&v), FFA_DENIED);
	v = call(FFA_RUN_32, (uint32_t)SEC_SP1 << 16 | 31, 0, 0, 0, 0);
	expect("fwd.sched.hostile.no_such_context", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RUN_32, (uint32_t)NOBODY << 16, 0, 0, 0, 0);
	expect("fwd.sched.hostile.no_such_partition", err(&v), FFA_INVALID_PARAMETERS);
	v = sched_run((uint32_t)SEC_SP1 << 16 | (uint32_t)(ec ^ 1));
	expect("fwd.sched.other_cpus_context_refused", err(&v), FFA_INVALID_PARAMETERS);
	v = sched_run((uint32_t)SEC_SP1 << 16 | (uint32_t)ec);
	expect("fwd.sched.run", (uint32_t)v.x[0], FFA_MSG_WAIT_32);
	v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_SEEN, 0, 0, 0, 0);
	expect("fwd.sched.partition_fetched_it", ok(&v) && v.x[5] == bit && (v.x[6] >> 32) >= 1,
	       true);
	v = call(FFA_RUN_32, (uint32_t)SEC_SP1 << 16 | (uint32_t)ec, 0, 0, 0, 0);
	expect("fwd.sched.hostile.run_twice", err(&v), FFA_DENIED);
	v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_SEEN, 0, 0, 0, 0);
	expect("fwd.sched.refusals_ran_nothing", ok(&v) && v.x[5] == 0 && (v.x[6] >> 32) == 0,
	       true);
}

/* Waits up to 40 s for notification `bit` from VMs (bound to the one VM that sets it). */
static bool wait_vm_notif(uint32_t bit)
{
	uint64_t t0 = counter();

	while (counter() - t0 < frequency() * 40) {
		struct ffa_value v =
			call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_VM, 0, 0, 0);
		if (err(&v) == 0 && (v.x[4] & bit) != 0) {
			return true;
		}
	}
	return false;
}

/* Sets notification `bit` for VM `to`, retried while `to` has not bound it yet (40 s). */
static int64_t set_vm_notif(uint16_t to, uint32_t bit)
{
	uint64_t t0 = counter();
	struct ffa_value v;

	do {
		v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, to), 0, bit, 0, 0);
	} while (err(&v) == FFA_DENIED && counter() - t0 < frequency() * 40);
	return err(&v);
}

#define SB_GO (1U << 6) /* VM 1 to VM 2: hold sp2 */
#define SB_HELD (1U << 6) /* VM 2 to VM 1: sp2 yielded, its context preempted for VM 2 */
#define SB_RESUME (1U << 7) /* VM 1 to VM 2: resume it */
#define SB_SP2_BIT (1U << 12) /* VM 1's notification for sp2 */

/*
 * The scheduler may not resume another VM's request: VM 2 leaves a request
 * that sp2 yielded unresumed (it holds the FFA_RUN token); VM 1 sets sp2 a
 * notification, is given sp2 (SRI, INFO_GET) and its FFA_RUN is BUSY; once
 * VM 2 has resumed its request, VM 1 gets the SRI again and runs sp2, which
 * fetches the bit. VM 1 and VM 2 step each other with notifications.
 */
static void sched_busy(void)
{
	struct ffa_value v;

	if (self == 2) {
		v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(1, self), 0, SB_GO | SB_RESUME,
			 0, 0);
		expect("fwd.sched.busy.vm2_binds", err(&v), 0);
		expect("fwd.sched.busy.vm2_go", wait_vm_notif(SB_GO), true);
		v = yielding_request(SEC_SP2);
		uint32_t token = (uint32_t)v.x[1];
		expect("fwd.sched.busy.vm2_request_yielded", (uint32_t)v.x[0], FFA_YIELD_32);
		expect("fwd.sched.busy.vm2_says_held", set_vm_notif(1, SB_HELD), 0);
		expect("fwd.sched.busy.vm2_resume", wait_vm_notif(SB_RESUME), true);
		v = call(FFA_RUN_32, token, 0, 0, 0, 0);
		expect("fwd.sched.busy.vm2_request_answered",
		       (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 &&
			       v.x[3] == TEST_STATUS_OK && v.x[4] == FFA_SUCCESS_32,
		       true);
		return;
	}
	v = sp_cmd(SEC_SP2, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_BIND_32,
		   FFA_MSG_ENDPOINTS(self, SEC_SP2), 0, SB_SP2_BIT);
	expect("fwd.sched.busy.sp2_binds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(2, self), 0, SB_HELD, 0, 0);
	expect("fwd.sched.busy.vm1_binds", err(&v), 0);
	expect("fwd.sched.busy.go", set_vm_notif(2, SB_GO), 0);
	expect("fwd.sched.busy.held", wait_vm_notif(SB_HELD), true);
	while (sri_pending() == SRI) { /* the SRIs VM 2's notification brought */
	}
	v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, SEC_SP2), 0, SB_SP2_BIT, 0, 0);
	expect("fwd.sched.busy.vm_sets", err(&v), 0);
	expect("fwd.sched.busy.sri", wait_sri(), true);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("fwd.sched.busy.lists_sp2", info_lists(&v, SEC_SP2) >= 0, true);
	v = call(FFA_RUN_32, (uint32_t)SEC_SP2 << 16, 0, 0, 0, 0);
	expect("fwd.sched.busy.run_busy_while_vm2_holds_it", err(&v), FFA_BUSY);
	expect("fwd.sched.busy.resume", set_vm_notif(2, SB_RESUME), 0);
	expect("fwd.sched.busy.sri_again", wait_sri(), true);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("fwd.sched.busy.lists_sp2_again", info_lists(&v, SEC_SP2) >= 0, true);
	v = sched_run((uint32_t)SEC_SP2 << 16);
	expect("fwd.sched.busy.runs_after", (uint32_t)v.x[0], FFA_MSG_WAIT_32);
	v = sp_cmd(SEC_SP2, TEST_CMD_NOTIF_SEEN, 0, 0, 0, 0);
	expect("fwd.sched.busy.sp2_fetched_it", ok(&v) && (v.x[5] & SB_SP2_BIT) != 0, true);
	v = sp_cmd(SEC_SP2, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_UNBIND_32,
		   FFA_MSG_ENDPOINTS(self, SEC_SP2), 0, SB_SP2_BIT);
	expect("fwd.sched.busy.sp2_unbinds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
}

void suite_ffa_fwd(uint16_t id)
{
	static const uint32_t uuid_sp1[4] = {0x1d5e7a01, 0xee114c2f, 0x42022b9a, 0x0200a1ac};
	*(volatile uint32_t *)0x08000000UL = 0x12; /* GICD_CTLR: ARE, EnableGrp1A */
	gic_cpu_init();
	local_enable(SRI, 0x80);
	struct ffa_value v = call(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);

	expect("fwd.version", (int64_t)v.x[0], 0x10002);
	v = call(FFA_ID_GET_32, 0, 0, 0, 0, 0);
	self = (uint16_t)v.x[2];
	expect("fwd.id_get", (int64_t)(v.x[2] | (uint64_t)err(&v) << 32), id);
	v = call_smc(FFA_SPM_ID_GET_32, 0, 0, 0);
	expect("fwd.spm_id_get", (int64_t)v.x[2], 0x8000);
	v = call(FFA_FEATURES_32, FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0);
	expect("fwd.features.direct_req", err(&v), 0);
	v = call(FFA_FEATURES_32, FFA_RUN_32, 0, 0, 0, 0);
	expect("fwd.features.run", err(&v), 0);
	v = call(FFA_FEATURES_32, FFA_MEM_LEND_64, 0, 0, 0, 0);
	expect("fwd.features.mem_lend", err(&v), 0);
	v = call(FFA_FEATURES_32, FFA_MEM_FRAG_TX_32, 0, 0, 0, 0);
	expect("fwd.features.frag_tx", err(&v), 0);
	v = call(FFA_FEATURES_32, FFA_MSG_SEND2_32, 0, 0, 0, 0);
	expect("fwd.features.msg_send2_between_vms", err(&v), 0);

	/* Discovery: the SPMC's three partitions, as tzvisor read them at boot. */
	v = call(FFA_RXTX_MAP_64, (uintptr_t)tx, (uintptr_t)rx, 1, 0, 0);
	expect("fwd.rxtx_map", err(&v), 0);
	v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
	expect("fwd.info.count", (int64_t)(err(&v) == 0 ? v.x[2] | v.x[3] << 32 : 0),
	       3 | 24ULL << 32);
	expect("fwd.info.descriptors",
	       (le32(rx) & 0xFFFF) == SEC_SP1 && le32(rx + 4) == FWD_PROPS &&
		       memcmp(rx + 8, uuid_sp1, 16) == 0 && (le32(rx + 24) & 0xFFFF) == SEC_SP2 &&
		       (le32(rx + 48) & 0xFFFF) == SEC_SP3,
	       true);
	v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	expect("fwd.info.rx_release", err(&v), 0);

	/*
	 * VM availability: sp3 subscribes (properties bits 6, 7); tzvisor, the hypervisor
	 * (ID 0), told it of each of the three VMs at boot; sp1 subscribes to nothing.
	 */
	expect("fwd.vm_avail.subscriber_props", le32(rx + 52) & 0xC0U, 0xC0U);
	v = sp_cmd(SEC_SP3, TEST_CMD_VM_AVAIL, self, 0, 0, 0);
	expect("fwd.vm_avail.created",
	       ok(&v) && v.x[4] == 1 && (uint32_t)v.x[5] == 3 && v.x[6] == 0, true);
	v = sp_cmd(SEC_SP1, TEST_CMD_VM_AVAIL, self, 0, 0, 0);
	expect("fwd.vm_avail.only_subscribers", ok(&v) && v.x[4] == 0 && v.x[5] == 0, true);
	/* A guest may not send them, not even as the hypervisor: nothing reaches sp3. */
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SEC_SP3),
		 FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_REQ, 0, 0, self);
	expect("fwd.vm_avail.guest_cannot_send", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(0, SEC_SP3),
		 FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_REQ, 0, 0, self);
	expect("fwd.vm_avail.guest_cannot_be_hypervisor", err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SEC_SP3, TEST_CMD_VM_AVAIL, self, 0, 0, 0);
	expect("fwd.vm_avail.refusals_delivered_nothing",
	       ok(&v) && v.x[4] == 1 && (uint32_t)v.x[5] == 3, true);

	/* Direct messages: answered by the secure partitions, which see this VM's ID. */
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, SEC_SP1), 0, TEST_CMD_ECHO,
		 0x1111222233334444ULL, 0x5555666677778888ULL);
	expect("fwd.direct.echo64",
	       (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 &&
		       v.x[1] == FFA_MSG_ENDPOINTS(SEC_SP1, self) && v.x[3] == 0 &&
		       v.x[4] == 0x1111222233334444ULL && v.x[5] == 0x5555666677778888ULL,
	       true);
	v = sp_cmd(SEC_SP1, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	expect("fwd.direct.partition_sees_vm_id", ok(&v) && v.x[4] == SEC_SP1 && v.x[6] == self,
	       true);
	/* sp3 has one context, which the other VM may be using: BUSY is retried. */
	for (unsigned int i = 0; i < 100000; i++) {
		v = call_smc(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SEC_SP3), 0,
			     TEST_CMD_ECHO);
		if (err(&v) != FFA_BUSY) {
			break;
		}
	}
	expect("fwd.direct.echo32_smc_el0",
	       (uint32_t)v.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 &&
		       v.x[1] == FFA_MSG_ENDPOINTS(SEC_SP3, self),
	       true);
	v = sp_cmd(SEC_SP2, TEST_CMD_WHOAMI, 0, 0, 0, 0);
	expect("fwd.direct.sp2_sees_vm_id", ok(&v) && v.x[4] == SEC_SP2 && v.x[6] == self, true);
	struct ffa_value r2 = {.x = {FFA_MSG_SEND_DIRECT_REQ2_64, FFA_MSG_ENDPOINTS(self, SEC_SP1),
				     (uint64_t)uuid_sp1[1] << 32 | uuid_sp1[0],
				     (uint64_t)uuid_sp1[3] << 32 | uuid_sp1[2], TEST_CMD_ECHO}};
	for (unsigned int i = 5; i < 18; i++) {
		r2.x[i] = 0xCD00 + i;
	}
	smccc_checked_call(&r2, guest_hvc18, OWNER, &stats[vcpu()]);
	expect("fwd.direct.req2_echo",
	       (uint32_t)r2.x[0] == FFA_MSG_SEND_DIRECT_RESP2_64 &&
		       r2.x[1] == FFA_MSG_ENDPOINTS(SEC_SP1, self) && r2.x[5] == 0xCD05 &&
		       r2.x[17] == 0xCD11,
	       true);
	/* A partition asks another one, on this VM's behalf. */
	for (unsigned int i = 0; i < 100000; i++) {
		v = sp_cmd(SEC_SP1, TEST_CMD_CALL, SEC_SP2, TEST_CMD_WHOAMI, 0, 0);
		if (!ok(&v) || v.x[4] != FFA_ERROR_32 || (uint32_t)v.x[5] != (uint32_t)FFA_BUSY) {
			break; /* sp2 (one context) was not serving the other VM */
		}
	}
	expect("fwd.direct.sp_to_sp", ok(&v) && v.x[4] == FFA_MSG_SEND_DIRECT_RESP_32, true);

	/* Hostile: nothing reaches the SPMC (sp1's request count on this CPU moves by one). */
	v = sp_cmd(SEC_SP1, TEST_CMD_COUNTER, 0, 0, 0, 0);
	uint64_t before = v.x[4];
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, SEC_SP1), 0, TEST_CMD_ECHO, 0, 0);
	expect("fwd.hostile.sender_hypervisor_id", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self ^ 3, SEC_SP1), 0, TEST_CMD_ECHO,
		 0, 0);
	expect("fwd.hostile.sender_other_vm", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, NOBODY), 0, TEST_CMD_ECHO, 0,
		 0);
	expect("fwd.hostile.unknown_partition", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(self, self ^ 3), 0, TEST_CMD_ECHO, 0,
		 0);
	expect("fwd.hostile.to_a_vm", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(self, SEC_SP1), FFA_FWK_MSG_BIT | 8,
		 0, 0, 0);
	expect("fwd.hostile.framework_message", err(&v), FFA_INVALID_PARAMETERS);
	/* VM 1 schedules partitions, but nothing is listed for it yet: DENIED. */
	int32_t not_yours = self == 1 ? FFA_DENIED : FFA_INVALID_PARAMETERS;
	v = call(FFA_RUN_32, (uint32_t)SEC_SP2 << 16, 0, 0, 0, 0);
	expect("fwd.hostile.run_nothing_preempted", err(&v), not_yours);
	v = call(FFA_RUN_32, (uint32_t)SEC_SP1 << 16 | vcpu(), 0, 0, 0, 0);
	expect("fwd.hostile.run_not_its_own", err(&v), not_yours);
	v = sp_cmd(SEC_SP1, TEST_CMD_COUNTER, 0, 0, 0, 0);
	expect("fwd.hostile.nothing_forwarded", ok(&v) && v.x[4] == before + 1, true);

	/* Memory: shared with sp1, which reads and writes it at its physical address. */
	uint64_t *p = (uint64_t *)(void *)pages[0];
	struct mb_range r = {page_ipa(0), 1};
	p[0] = 0x5A5A0000ULL | self;
	p[1] = 0;
	v = give(FFA_MEM_SHARE_64, self, SEC_SP1, MB_RW, 0, &r, 1);
	uint64_t h = handle(&v);
	expect("fwd.mem.share", err(&v), 0);
	v = retrieve(SEC_SP1, h, MB_RW, 0);
	expect("fwd.mem.share.retrieve", ok(&v) && (uint32_t)v.x[4] == FFA_MEM_RETRIEVE_RESP_32,
	       true);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	uint64_t at = v.x[4];
	expect("fwd.mem.share.physical_address_not_ipa",
	       ok(&v) && v.x[6] == 1 && at != page_ipa(0) && (at & 0xFFF) == 0, true);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_READ, at, 0, 0, 0);
	expect("fwd.mem.share.partition_reads", ok(&v) && v.x[4] == p[0], true);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_WRITE, at + 8, 0xB0B0CAFE, 0, 0);
	expect("fwd.mem.share.vm_sees_write", ok(&v) && p[1] == 0xB0B0CAFE, true);
	v = give(FFA_MEM_LEND_64, self, SEC_SP2, MB_RW, 0, &r, 1);
	expect("fwd.mem.hostile.page_already_shared", err(&v), FFA_DENIED);
	v = reclaim(h, 0);
	expect("fwd.mem.hostile.reclaim_while_borrowed", err(&v), FFA_DENIED);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	expect("fwd.mem.share.relinquish", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = reclaim(h, 0);
	expect("fwd.mem.share.reclaim", err(&v), 0);
	v = reclaim(h, 0);
	expect("fwd.mem.share.reclaim_twice", err(&v), FFA_INVALID_PARAMETERS);

	/* Lend: out of this VM's stage 2 until reclaimed, then back (a fault would stop it). */
	struct mb_range lent = {page_ipa(2), 2};
	uint64_t *q = (uint64_t *)(void *)pages[2];
	q[0] = 0x1E4D0000ULL | self;
	v = give(FFA_MEM_LEND_64, self, SEC_SP1, MB_RW, 0, &lent, 1);
	h = handle(&v);
	expect("fwd.mem.lend", err(&v), 0);
	v = retrieve(SEC_SP1, h, MB_RW | MB_NX, 0);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_WHERE, 0, 0, 0, 0);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_READ, v.x[4], 0, 0, 0);
	expect("fwd.mem.lend.partition_reads", ok(&v) && v.x[4] == (0x1E4D0000ULL | self), true);
	v = sp_cmd(SEC_SP1, TEST_CMD_MEM_RELINQUISH, h, 0, 0, 0);
	expect("fwd.mem.lend.relinquish", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	v = reclaim(h, 0);
	expect("fwd.mem.lend.reclaim", err(&v), 0);
	q[1] = 7;
	expect("fwd.mem.lend.mapped_again", q[0] == (0x1E4D0000ULL | self) && q[1] == 7, true);

	/*
	 * A descriptor in two fragments: the first (head and one range) answered
	 * FRAG_RX, hostile second fragments refused without ending it, the
	 * right one answered SUCCESS with the same handle.
	 */
	struct mb_range two[2] = {{page_ipa(12), 1}, {page_ipa(14), 1}};
	struct mb_desc fd = {.sender = self,
			     .attrs = MB_NORMAL_WB_ISH,
			     .nrecv = 1,
			     .recv = {{.id = SEC_SP1, .perms = MB_RW}},
			     .ranges = two,
			     .nranges = 2};
	uint32_t flen = mb_write(tx, FFA_VERSION_1_2, &fd);
	uint8_t last[16];
	memcpy(last, (uint8_t *)tx + flen - 16, 16);
	v = call(FFA_MEM_SHARE_64, flen, flen - 16, 0, 0, 0);
	h = (uint64_t)(uint32_t)v.x[2] << 32 | (uint32_t)v.x[1];
	expect("fwd.mem.frag.first_wants_more",
	       (uint32_t)v.x[0] == FFA_MEM_FRAG_RX_32 && (uint32_t)v.x[3] == flen - 16 && h != 0,
	       true);
	/* Pages of the send in progress are given: no RX/TX buffer there. */
	v = call(FFA_RXTX_UNMAP_32, 0, 0, 0, 0, 0);
	v = call(FFA_RXTX_MAP_64, page_ipa(12), (uintptr_t)rx, 1, 0, 0);
	expect("fwd.mem.frag.hostile.buffer_on_given_page", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_RXTX_MAP_64, (uintptr_t)tx, (uintptr_t)rx, 1, 0, 0);
	expect("fwd.mem.frag.buffers_mapped_again", err(&v), 0);
	uint64_t *c = (uint64_t *)(void *)tx;
	c[0] = 0x10000000;
	c[1] = 1;
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 16, 0, 0);
	expect("fwd.mem.frag.hostile.outside_its_ram", err(&v), FFA_DENIED);
	memcpy(tx, last, 16);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 16, self, 0);
	expect("fwd.mem.frag.hostile.w4_mbz", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h ^ 1, h >> 32, 16, 0, 0);
	expect("fwd.mem.frag.hostile.wrong_handle", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 32, 0, 0);
	expect("fwd.mem.frag.hostile.past_total", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 16, 0, 0);
	expect("fwd.mem.frag.complete", err(&v) == 0 && handle(&v) == h, true);
	v = reclaim(h, 0);
	expect("fwd.mem.frag.reclaim", err(&v), 0);
	v = call(FFA_MEM_FRAG_TX_32, (uint32_t)h, h >> 32, 16, 0, 0);
	expect("fwd.mem.frag.hostile.after_the_end", err(&v), FFA_INVALID_PARAMETERS);

	/* Hostile descriptors: refused before anything reaches the SPMC. */
	struct mb_range bad = {page_ipa(8), 1};
	v = give(FFA_MEM_SHARE_64, self ^ 3, SEC_SP1, MB_RW, 0, &bad, 1);
	expect("fwd.mem.hostile.spoofed_sender", err(&v), FFA_DENIED);
	v = give(FFA_MEM_SHARE_64, 0, SEC_SP1, MB_RW, 0, &bad, 1);
	expect("fwd.mem.hostile.sender_hypervisor_id", err(&v), FFA_DENIED);
	struct mb_range outside = {0x10000000, 1};
	v = give(FFA_MEM_SHARE_64, self, SEC_SP1, MB_RW, 0, &outside, 1);
	expect("fwd.mem.hostile.outside_its_ram", err(&v), FFA_DENIED);
	struct mb_range past = {RAM_IPA + RAM_SIZE - 4096, 2};
	v = give(FFA_MEM_LEND_64, self, SEC_SP1, MB_RW, 0, &past, 1);
	expect("fwd.mem.hostile.straddles_ram_end", err(&v), FFA_DENIED);
	struct mb_range window = {WINDOW + 0x40000000, 1};
	v = give(FFA_MEM_SHARE_64, self, SEC_SP1, MB_RW, 0, &window, 1);
	expect("fwd.mem.hostile.no_window_when_forwarding", err(&v), FFA_DENIED);
	struct mb_range bufs = {(uintptr_t)rx, 1};
	v = give(FFA_MEM_LEND_64, self, SEC_SP1, MB_RW, 0, &bufs, 1);
	expect("fwd.mem.hostile.own_rx_buffer", err(&v), FFA_DENIED);
	struct mb_range unaligned = {page_ipa(8) + 16, 1};
	v = give(FFA_MEM_SHARE_64, self, SEC_SP1, MB_RW, 0, &unaligned, 1);
	expect("fwd.mem.hostile.unaligned", err(&v), FFA_INVALID_PARAMETERS);
	struct mb_desc d = {.sender = self,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = SEC_SP1, .perms = MB_RW}},
			    .ranges = &bad,
			    .nranges = 1};
	uint32_t len = mb_write(tx, FFA_VERSION_1_2, &d);
	v = call(FFA_MEM_SHARE_64, len, len + 16, 0, 0, 0);
	expect("fwd.mem.hostile.fragment_longer_than_total", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_SHARE_64, len, len, (uintptr_t)pages[10], 1, 0);
	expect("fwd.mem.hostile.buffer_outside_tx", err(&v), FFA_INVALID_PARAMETERS);
	v = call(FFA_MEM_SHARE_64, 8192, 8192, 0, 0, 0);
	expect("fwd.mem.hostile.longer_than_tx", err(&v), FFA_INVALID_PARAMETERS);
	v = reclaim(0x1234, 0);
	expect("fwd.mem.hostile.unknown_handle", err(&v), FFA_INVALID_PARAMETERS);
	v = give(FFA_MEM_SHARE_64, self, SEC_SP1, MB_RW, 0, &bad, 1);
	h = handle(&v);
	struct ffa_value back = reclaim(h, 0);
	expect("fwd.mem.hostile.nothing_changed", err(&v) == 0 && err(&back) == 0, true);
	if (self == 2) { /* it has a second vCPU to rewrite its TX buffer with */
		tx_race("fwd", SEC_SP1, SEC_SP2);
	}

	/* Notifications: sp1 to this VM through the SPMC, the SRI tzvisor injects, GET. */
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(SEC_SP1, self), 0, 1U << 3, 0, 0);
	expect("fwd.notif.bind", err(&v), 0);
	v = call(FFA_NOTIFICATION_BIND_32, FFA_MSG_ENDPOINTS(SEC_SP1, self ^ 3), 0, 1U << 4, 0, 0);
	expect("fwd.notif.bind_for_another_vm", err(&v), FFA_INVALID_PARAMETERS);
	v = sp_cmd(SEC_SP2, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_SET_32,
		   FFA_MSG_ENDPOINTS(SEC_SP2, self), 0, 1U << 3);
	expect("fwd.notif.set_by_unbound_sender",
	       ok(&v) && v.x[4] == FFA_ERROR_32 && (uint32_t)v.x[5] == (uint32_t)FFA_DENIED, true);
	v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_SET_32,
		   FFA_MSG_ENDPOINTS(SEC_SP1, self), 0, 1U << 3);
	expect("fwd.notif.partition_sets", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	expect("fwd.notif.sri_injected", wait_sri(), true);
	v = call(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	expect("fwd.notif.info_get_lists_self",
	       (uint32_t)v.x[0] == FFA_SUCCESS_64 && (uint16_t)v.x[3] == self, true);
	v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SP, 0, 0, 0);
	expect("fwd.notif.get", (int64_t)(v.x[2] | (uint64_t)err(&v) << 32), 1U << 3);
	v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SP, 0, 0, 0);
	expect("fwd.notif.get_cleared", (int64_t)(v.x[2] | (uint64_t)err(&v) << 32), 0);
	v = call(FFA_NOTIFICATION_UNBIND_32, FFA_MSG_ENDPOINTS(SEC_SP1, self), 0, 1U << 3, 0, 0);
	expect("fwd.notif.unbind", err(&v), 0);
	v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_SET_32,
		   FFA_MSG_ENDPOINTS(SEC_SP1, self), 0, 1U << 3);
	expect("fwd.notif.set_after_unbind", ok(&v) && (uint32_t)v.x[5] == (uint32_t)FFA_DENIED,
	       true);
	/* This VM to sp1 (VM 1 only: sp1's bitmap of VMs' notifications is one for all). */
	if (self == 1) {
		uint32_t bit = 1U << 9;
		v = sp_cmd(SEC_SP1, TEST_CMD_WHOAMI, 0, 0, 0, 0);
		uint64_t ec = v.x[5];
		v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_BIND_32,
			   FFA_MSG_ENDPOINTS(self, SEC_SP1), 0, bit);
		expect("fwd.notif.partition_binds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
		v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(2, SEC_SP1), 0, bit, 0, 0);
		expect("fwd.notif.set_spoofed_sender", err(&v), FFA_INVALID_PARAMETERS);
		v = call(FFA_NOTIFICATION_SET_32, FFA_MSG_ENDPOINTS(self, SEC_SP1), 0, bit, 0, 0);
		expect("fwd.notif.vm_sets", err(&v), 0);
		scheduler(ec, bit);
		v = sp_cmd(SEC_SP1, TEST_CMD_NOTIF_CALL, FFA_NOTIFICATION_UNBIND_32,
			   FFA_MSG_ENDPOINTS(self, SEC_SP1), 0, bit);
		expect("fwd.notif.partition_unbinds", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
	}

	/* Indirect messages to a partition, sent for this VM: VM 1 to sp2, VM 2 to sp3 (no race).
	 */
	uint16_t partner = self == 1 ? SEC_SP2 : SEC_SP3;
	v = sp_cmd(partner, TEST_CMD_LAST_MSG, 0, 0, 0, 0);
	uint64_t count = v.x[7];
	v = send2(self, partner, 8, 0xFEED0000ULL | self, 0);
	expect("fwd.indirect.to_partition", err(&v), 0);
	v = sp_cmd(partner, TEST_CMD_LAST_MSG, 0, 0, 0, 0);
	expect("fwd.indirect.partition_read_it",
	       ok(&v) && v.x[4] == self && v.x[5] == 8 && v.x[6] == (0xFEED0000ULL | self) &&
		       v.x[7] > count,
	       true);
	/* From sp2 to VM 1: through tzvisor's RX buffer into this VM's, RX-full and the SRI. */
	if (self == 1) {
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE, 0, 0);
		expect("fwd.indirect.from_partition", ok(&v) && v.x[4] == FFA_SUCCESS_32, true);
		expect("fwd.indirect.from_partition_sri", wait_sri(), true);
		const struct ffa_msg_header *mh = (const struct ffa_msg_header *)(const void *)rx;
		uint64_t word;
		memcpy(&word, rx + mh->offset, sizeof(word));
		expect("fwd.indirect.message_in_rx",
		       mh->sender == SEC_SP2 && mh->receiver == self && mh->size == 8 &&
			       word == 0xC0FFEE,
		       true);
		v = call(FFA_NOTIFICATION_GET_32, self, FFA_NOTIF_GET_FROM_SPM, 0, 0, 0);
		expect("fwd.indirect.rx_full_notification", (int64_t)v.x[6], FFA_NOTIF_FWK_RX_FULL);
		/*
		 * A second one while this RX buffer is full: BUSY, for this VM only (its own
		 * RX state at the SPMC); sp2 to VM 3 (the lender, waiting) goes through.
		 */
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE02, 0, 0);
		expect("fwd.indirect.busy_while_rx_full",
		       ok(&v) && v.x[4] == FFA_ERROR_32 && v.x[5] == (uint32_t)FFA_BUSY, true);
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, 3, 0x3333, 0, 0);
		expect("fwd.indirect.other_vm_not_blocked", ok(&v) && v.x[4] == FFA_SUCCESS_32,
		       true);
		memcpy(&word, rx + mh->offset, sizeof(word));
		expect("fwd.indirect.rx_untouched_while_full", word, 0xC0FFEE);
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release", err(&v), 0);
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release_twice", err(&v), FFA_DENIED);
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE02, 0, 0);
		expect("fwd.indirect.accepted_after_release", ok(&v) && v.x[4] == FFA_SUCCESS_32,
		       true);
		expect("fwd.indirect.sri_again", wait_sri(), true);
		memcpy(&word, rx + mh->offset, sizeof(word));
		expect("fwd.indirect.delivered_after_release", word, 0xC0FFEE02);
		/*
		 * Its RX buffer full of something else (discovery, not released): the next
		 * message from sp2 is accepted and held by tzvisor until this VM releases.
		 */
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release_again", err(&v), 0);
		v = call(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.rx_filled_by_discovery", err(&v), 0);
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE03, 0, 0);
		expect("fwd.indirect.accepted_while_rx_busy", ok(&v) && v.x[4] == FFA_SUCCESS_32,
		       true);
		wait_sri();
		expect("fwd.indirect.held_while_rx_busy", (uint16_t)le32(rx) == SEC_SP1, true);
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE04, 0, 0);
		expect("fwd.indirect.busy_while_held",
		       ok(&v) && v.x[4] == FFA_ERROR_32 && v.x[5] == (uint32_t)FFA_BUSY, true);
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release_discovery", err(&v), 0);
		memcpy(&word, rx + mh->offset, sizeof(word));
		expect("fwd.indirect.held_delivered_at_release",
		       mh->sender == SEC_SP2 && mh->receiver == self && word == 0xC0FFEE03, true);
		expect("fwd.indirect.sri_for_held", wait_sri(), true);
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release_held", err(&v), 0);
		v = sp_cmd(SEC_SP2, TEST_CMD_SEND_MSG, self, 0xC0FFEE05, 0, 0);
		expect("fwd.indirect.accepted_after_held", ok(&v) && v.x[4] == FFA_SUCCESS_32,
		       true);
		wait_sri();
		memcpy(&word, rx + mh->offset, sizeof(word));
		expect("fwd.indirect.delivered_after_held", word, 0xC0FFEE05);
		v = call(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
		expect("fwd.indirect.release_last", err(&v), 0);
		/* sp2 asks to be signaled: the SRI preempted it, this VM resumed it with FFA_RUN.
		 */
		expect("fwd.run_after_interrupt", resumed[vcpu()] > 0, true);
	}
	v = send2(self ^ 3, SEC_SP2, 8, 0, 0);
	expect("fwd.indirect.spoofed_sender", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, NOBODY, 8, 0, 0);
	expect("fwd.indirect.no_such_partition", err(&v), FFA_INVALID_PARAMETERS);
	v = send2(self, SEC_SP2, 8, 0, (uint32_t)self << 16);
	expect("fwd.indirect.w1_mbz", err(&v), FFA_INVALID_PARAMETERS);
	if (id == 1) {
		stopped_lender("fwd", true);
	}
	sched_busy();

	struct smccc_check_stats all;
	smccc_check_sum(stats, 8, &all);
	expect("fwd.smccc_register_rules", (int64_t)all.violations, 0);
}
