/*
 * The FF-A ABI (Arm Firmware Framework for A-profile, DEN0077, v1.2):
 * function IDs, error codes, version encoding and the register block that
 * every call takes and returns. Shared by tzvisor, its partitions and tests;
 * it has no dependency beyond <stdint.h>.
 */
#ifndef FFA_FFA_H
#define FFA_FFA_H

#include <stdbool.h>
#include <stdint.h>

/* Version encoding (FF-A v1.2 section 13.2.1): bit 31 MBZ, major [30:16], minor [15:0]. */
#define FFA_VERSION_MAKE(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))
#define FFA_VERSION_MAJOR_OF(v) (((v) >> 16) & 0x7fffU)
#define FFA_VERSION_MINOR_OF(v) ((v)&0xffffU)
#define FFA_VERSION_MBZ_BIT (1U << 31)
#define FFA_VERSION_1_0 FFA_VERSION_MAKE(1, 0)
#define FFA_VERSION_1_1 FFA_VERSION_MAKE(1, 1)
#define FFA_VERSION_1_2 FFA_VERSION_MAKE(1, 2)
#define FFA_VERSION_IMPLEMENTED FFA_VERSION_1_2

/* SMCCC function IDs (FF-A v1.2 table 13.1 onwards). */
#define FFA_SMC32(n) (0x84000000U | (n))
#define FFA_SMC64(n) (0xC4000000U | (n))
#define FFA_FUNC_NUM_MIN 0x60U
#define FFA_FUNC_NUM_MAX 0x8EU
/* SMCCC v1.3 SVE hint (bit 16 of the function ID): callers may set it; mask it when decoding. */
#define SMCCC_SVE_HINT (1U << 16)

#define FFA_ERROR_32 FFA_SMC32(0x60)
#define FFA_SUCCESS_32 FFA_SMC32(0x61)
#define FFA_SUCCESS_64 FFA_SMC64(0x61)
#define FFA_INTERRUPT_32 FFA_SMC32(0x62)
#define FFA_VERSION_32 FFA_SMC32(0x63)
#define FFA_FEATURES_32 FFA_SMC32(0x64)
#define FFA_RX_RELEASE_32 FFA_SMC32(0x65)
#define FFA_RXTX_MAP_32 FFA_SMC32(0x66)
#define FFA_RXTX_MAP_64 FFA_SMC64(0x66)
#define FFA_RXTX_UNMAP_32 FFA_SMC32(0x67)
#define FFA_PARTITION_INFO_GET_32 FFA_SMC32(0x68)
#define FFA_ID_GET_32 FFA_SMC32(0x69)
#define FFA_MSG_POLL_32 FFA_SMC32(0x6A)
#define FFA_MSG_WAIT_32 FFA_SMC32(0x6B)
#define FFA_YIELD_32 FFA_SMC32(0x6C)
#define FFA_RUN_32 FFA_SMC32(0x6D)
#define FFA_MSG_SEND_32 FFA_SMC32(0x6E)
#define FFA_MSG_SEND_DIRECT_REQ_32 FFA_SMC32(0x6F)
#define FFA_MSG_SEND_DIRECT_REQ_64 FFA_SMC64(0x6F)
#define FFA_MSG_SEND_DIRECT_RESP_32 FFA_SMC32(0x70)
#define FFA_MSG_SEND_DIRECT_RESP_64 FFA_SMC64(0x70)
#define FFA_MEM_DONATE_32 FFA_SMC32(0x71)
#define FFA_MEM_DONATE_64 FFA_SMC64(0x71)
#define FFA_MEM_LEND_32 FFA_SMC32(0x72)
#define FFA_MEM_LEND_64 FFA_SMC64(0x72)
#define FFA_MEM_SHARE_32 FFA_SMC32(0x73)
#define FFA_MEM_SHARE_64 FFA_SMC64(0x73)
#define FFA_MEM_RETRIEVE_REQ_32 FFA_SMC32(0x74)
#define FFA_MEM_RETRIEVE_REQ_64 FFA_SMC64(0x74)
#define FFA_MEM_RETRIEVE_RESP_32 FFA_SMC32(0x75)
#define FFA_MEM_RELINQUISH_32 FFA_SMC32(0x76)
#define FFA_MEM_RECLAIM_32 FFA_SMC32(0x77)
#define FFA_MEM_FRAG_RX_32 FFA_SMC32(0x7A)
#define FFA_MEM_FRAG_TX_32 FFA_SMC32(0x7B)
#define FFA_NORMAL_WORLD_RESUME_32 FFA_SMC32(0x7C)
#define FFA_NOTIFICATION_BITMAP_CREATE_32 FFA_SMC32(0x7D)
#define FFA_NOTIFICATION_BITMAP_DESTROY_32 FFA_SMC32(0x7E)
#define FFA_NOTIFICATION_BIND_32 FFA_SMC32(0x7F)
#define FFA_NOTIFICATION_UNBIND_32 FFA_SMC32(0x80)
#define FFA_NOTIFICATION_SET_32 FFA_SMC32(0x81)
#define FFA_NOTIFICATION_GET_32 FFA_SMC32(0x82)
#define FFA_NOTIFICATION_INFO_GET_32 FFA_SMC32(0x83)
#define FFA_NOTIFICATION_INFO_GET_64 FFA_SMC64(0x83)
#define FFA_RX_ACQUIRE_32 FFA_SMC32(0x84)
#define FFA_SPM_ID_GET_32 FFA_SMC32(0x85)
#define FFA_MSG_SEND2_32 FFA_SMC32(0x86)
#define FFA_SECONDARY_EP_REGISTER_64 FFA_SMC64(0x87)
#define FFA_MEM_PERM_GET_32 FFA_SMC32(0x88)
#define FFA_MEM_PERM_SET_32 FFA_SMC32(0x89)
#define FFA_CONSOLE_LOG_32 FFA_SMC32(0x8A)
#define FFA_CONSOLE_LOG_64 FFA_SMC64(0x8A)
#define FFA_PARTITION_INFO_GET_REGS_64 FFA_SMC64(0x8B)
#define FFA_EL3_INTR_HANDLE_32 FFA_SMC32(0x8C)
#define FFA_MSG_SEND_DIRECT_REQ2_64 FFA_SMC64(0x8D)
#define FFA_MSG_SEND_DIRECT_RESP2_64 FFA_SMC64(0x8E)

/* Error codes, returned in w2 of FFA_ERROR (FF-A v1.2 table 12.1). */
enum ffa_error {
	FFA_NOT_SUPPORTED = -1,
	FFA_INVALID_PARAMETERS = -2,
	FFA_NO_MEMORY = -3,
	FFA_BUSY = -4,
	FFA_INTERRUPTED = -5,
	FFA_DENIED = -6,
	FFA_RETRY = -7,
	FFA_ABORTED = -8,
	FFA_NO_DATA = -9,
	FFA_NOT_READY = -10,
};

/* Endpoint IDs (FF-A v1.2 section 6.1): bit 15 set means the secure world. */
typedef uint16_t ffa_id_t;
#define FFA_ID_SECURE_BIT 0x8000U
#define FFA_NWD_ENDPOINT_ID 0U /* the normal world when no hypervisor is present */
#define FFA_SPMD_ENDPOINT_ID 0xFFFFU

static inline bool ffa_id_is_secure(ffa_id_t id)
{
	return (id & FFA_ID_SECURE_BIT) != 0;
}

/* FFA_FEATURES: bit 31 of w1 clear means a feature ID, not a function ID. */
#define FFA_FEATURES_FUNC_BIT (1U << 31)
#define FFA_FEATURE_NPI 0x1U
#define FFA_FEATURE_SRI 0x2U
#define FFA_FEATURE_MEI 0x3U

/*
 * Framework messages (FF-A v1.2 section 18.3): direct messages between the
 * SPMD and the SPMC, flagged by bit 31 of w2 with the message type in [7:0].
 */
#define FFA_FWK_MSG_BIT (1U << 31)
#define FFA_FWK_MSG_TYPE_MASK 0xFFU
#define FFA_FWK_MSG_PSCI_REQ 0x0U
#define FFA_FWK_MSG_PSCI_RESP 0x2U
/* VM availability messages (FF-A v1.2 18.3): hypervisor to subscribed partitions. */
#define FFA_FWK_MSG_VM_CREATED_REQ 0x4U
#define FFA_FWK_MSG_VM_CREATED_RESP 0x5U
#define FFA_FWK_MSG_VM_DESTROYED_REQ 0x6U
#define FFA_FWK_MSG_VM_DESTROYED_RESP 0x7U
#define FFA_FWK_MSG_VERSION_REQ 0x8U
#define FFA_FWK_MSG_VERSION_RESP 0x9U

/* Direct messages: w1 = sender ID [31:16] | receiver ID [15:0]. */
#define FFA_MSG_ENDPOINTS(sender, receiver) (((uint32_t)(sender) << 16) | (uint32_t)(receiver))
#define FFA_MSG_SENDER(w1) ((ffa_id_t)(((w1) >> 16) & 0xFFFFU))
#define FFA_MSG_RECEIVER(w1) ((ffa_id_t)((w1)&0xFFFFU))

/*
 * Indirect message header at the start of a TX/RX buffer (FF-A v1.2 table
 * 6.2): 20 bytes up to v1.1, 40 with the v1.2 reserved word and UUID.
 */
struct ffa_msg_header {
	uint32_t flags; /* MBZ */
	uint32_t reserved;
	uint32_t offset; /* of the payload, from the start of the header */
	uint16_t receiver;
	uint16_t sender;
	uint32_t size; /* of the payload */
	uint32_t reserved2;
	uint32_t uuid[4];
};
#define FFA_MSG_HEADER_SIZE_V1_1 20U
#define FFA_MSG_HEADER_SIZE_V1_2 40U
_Static_assert(sizeof(struct ffa_msg_header) == FFA_MSG_HEADER_SIZE_V1_2, "FF-A v1.2 table 6.2");

/*
 * FF-A boot information (FF-A v1.2 section 5.4): a header (table 5.9), then
 * desc_count descriptors of desc_size bytes from desc_offset (table 5.8).
 * The SPMC writes it for a partition that asks for it; the partition finds
 * its manifest there.
 */
struct ffa_boot_info_desc {
	char name[16];
	uint8_t type; /* bit 7: implementation defined; [6:0]: standard type */
	uint8_t reserved;
	uint16_t flags; /* [3:2]: content format (0: an address) */
	uint32_t size;
	uint64_t content;
};
struct ffa_boot_info_header {
	uint32_t signature; /* [15:0] FFA_BOOT_INFO_SIGNATURE */
	uint32_t version;
	uint32_t blob_size;
	uint32_t desc_size;
	uint32_t desc_count;
	uint32_t desc_offset;
	uint64_t reserved;
};
_Static_assert(sizeof(struct ffa_boot_info_desc) == 32, "FF-A v1.2 table 5.8");
_Static_assert(sizeof(struct ffa_boot_info_header) == 32, "FF-A v1.2 table 5.9");
#define FFA_BOOT_INFO_SIGNATURE 0x0FFAU
#define FFA_BOOT_INFO_TYPE_IMPDEF 0x80U
#define FFA_BOOT_INFO_TYPE_MASK 0x7FU
#define FFA_BOOT_INFO_TYPE_FDT 0x00U /* standard type 0: the partition manifest (an FDT) */
#define FFA_BOOT_INFO_FLAG_CONTENT_ADDR (0U << 2)
#define FFA_BOOT_INFO_FLAG_CONTENT_MASK (3U << 2)

/*
 * The register block of one FF-A call: x0 (function ID) to x17 (SMCCC v1.2).
 * Callers of v1.0/v1.1 interfaces only use x0-x7; the rest are zero.
 */
#define FFA_VALUE_REGS 18
struct ffa_value {
	uint64_t x[FFA_VALUE_REGS];
};

/*
 * Answers are written over the caller's registers: SMCCC v1.1 and later
 * (DEN0028) make the callee preserve x4-x17 unless they hold results. FF-A
 * answers use x0-x7, unused ones zero; only a few ABIs (DIRECT_REQ2/RESP2,
 * PARTITION_INFO_GET_REGS) return results in x8-x17, so every other answer
 * leaves the caller's x8-x17 as they were.
 */
#define FFA_ANSWER_REGS 8
static inline void ffa_answer(uint64_t *regs, const struct ffa_value *r)
{
	/* Unrolled: four register pairs on every answer path (make bench). */
	regs[0] = r->x[0];
	regs[1] = r->x[1];
	regs[2] = r->x[2];
	regs[3] = r->x[3];
	regs[4] = r->x[4];
	regs[5] = r->x[5];
	regs[6] = r->x[6];
	regs[7] = r->x[7];
}

/* An answer with results in x8-x17 too (DIRECT_REQ2/RESP2, PARTITION_INFO_GET_REGS). */
static inline void ffa_answer_wide(uint64_t *regs, const struct ffa_value *r)
{
	for (unsigned int i = 0; i < FFA_VALUE_REGS; i++) {
		regs[i] = r->x[i];
	}
}

static inline struct ffa_value ffa_error_value(enum ffa_error code)
{
	struct ffa_value v = {.x = {FFA_ERROR_32, 0, (uint32_t)(int32_t)code}};
	return v;
}

/* The eight notification ABIs (FF-A v1.2 chapter 10). */
static inline bool ffa_is_notification_fid(uint32_t fid)
{
	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE_32:
	case FFA_NOTIFICATION_BITMAP_DESTROY_32:
	case FFA_NOTIFICATION_BIND_32:
	case FFA_NOTIFICATION_UNBIND_32:
	case FFA_NOTIFICATION_SET_32:
	case FFA_NOTIFICATION_GET_32:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		return true;
	default:
		return false;
	}
}

static inline struct ffa_value ffa_success_value(uint64_t w2)
{
	struct ffa_value v = {.x = {FFA_SUCCESS_32, 0, w2}};
	return v;
}

#endif /* FFA_FFA_H */
