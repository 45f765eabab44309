/*
 * FFA_FEATURES (FF-A v1.2 section 13.3) and the table of what is implemented.
 *
 * Reports exactly the ABIs tzvisor implements for this caller (the role says
 * which beyond every_role_abi: ffa_role_abi; the normal world and partitions see different sets,
 * and so do the SPMC's and the hypervisor's callers), and only those that exist in the
 * FF-A version the caller negotiated. Feature IDs (bit 31
 * clear) must have bits [30:8] and the input property zero, else
 * NOT_SUPPORTED. Feature IDs: the schedule-receiver interrupt (SRI, 2) for
 * the normal world; the notification-pending interrupt (NPI, 1) and the
 * managed-exit interrupt (MEI, 3) for S-EL1 partitions (virtual IDs, as
 * Hafnium gives them: an S-EL0 partition gets its interrupts as
 * FFA_INTERRUPT, not as virtual interrupts). The memory ABIs: no dynamically allocated buffers
 * (w2 bit 0 clear); FFA_MEM_RETRIEVE_REQ takes and reports properties
 * (below); FFA_MEM_OP_PAUSE/RESUME and FFA_MEM_RETRIEVE_RESP (an answer,
 * not a call) are not supported.
 */
#include "ffa/ffa_core.h"
#include "ffa/rxtx.h"

uint32_t ffa_abi_since(uint32_t fid)
{
	switch (fid) {
	case FFA_ERROR_32:
	case FFA_SUCCESS_32:
	case FFA_SUCCESS_64:
	case FFA_INTERRUPT_32:
	case FFA_VERSION_32:
	case FFA_FEATURES_32:
	case FFA_RX_RELEASE_32:
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
	case FFA_RXTX_UNMAP_32:
	case FFA_PARTITION_INFO_GET_32:
	case FFA_ID_GET_32:
	case FFA_MSG_POLL_32:
	case FFA_MSG_WAIT_32:
	case FFA_YIELD_32:
	case FFA_RUN_32:
	case FFA_MSG_SEND_32:
	case FFA_MSG_SEND_DIRECT_REQ_32:
	case FFA_MSG_SEND_DIRECT_REQ_64:
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_RETRIEVE_RESP_32:
	case FFA_MEM_RELINQUISH_32:
	case FFA_MEM_RECLAIM_32:
	case FFA_MEM_FRAG_RX_32:
	case FFA_MEM_FRAG_TX_32:
		return FFA_VERSION_1_0;
	case FFA_NORMAL_WORLD_RESUME_32:
	case FFA_NOTIFICATION_BITMAP_CREATE_32:
	case FFA_NOTIFICATION_BITMAP_DESTROY_32:
	case FFA_NOTIFICATION_BIND_32:
	case FFA_NOTIFICATION_UNBIND_32:
	case FFA_NOTIFICATION_SET_32:
	case FFA_NOTIFICATION_GET_32:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
	case FFA_RX_ACQUIRE_32:
	case FFA_SPM_ID_GET_32:
	case FFA_MSG_SEND2_32:
	case FFA_SECONDARY_EP_REGISTER_64:
	case FFA_MEM_PERM_GET_32:
	case FFA_MEM_PERM_SET_32:
		return FFA_VERSION_1_1;
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
	case FFA_PARTITION_INFO_GET_REGS_64:
	case FFA_EL3_INTR_HANDLE_32:
	case FFA_MSG_SEND_DIRECT_REQ2_64:
	case FFA_MSG_SEND_DIRECT_RESP2_64:
		return FFA_VERSION_1_2;
	default:
		return 0;
	}
}

/*
 * FFA_MEM_RETRIEVE_REQ's properties (FF-A v1.2 table 13.17). Input: bit 1,
 * the caller handles the NS bit in retrieve responses (from v1.1 it must;
 * a v1.0 caller asks for it this way); [31:2] and bit 0 MBZ. Output w2:
 * bit 0 clear (no buffers other than the TX buffer), bit 1 the NS bit is
 * set for non-secure memory, bit 2 hypervisor retrieve requests answered.
 */
#define RETRIEVE_NS_BIT (1U << 1)
#define RETRIEVE_HYP_REQUESTS (1U << 2)

static struct ffa_value retrieve_features(struct ffa_endpoint *ep, uint32_t input)
{
	if ((input & ~RETRIEVE_NS_BIT) != 0 ||
	    (ffa_endpoint_version(ep) >= FFA_VERSION_1_1 && (input & RETRIEVE_NS_BIT) == 0)) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	if ((input & RETRIEVE_NS_BIT) != 0) {
		__atomic_store_n(&ep->mem_ns_bit, true, __ATOMIC_RELAXED);
	}
	return ffa_success_value(RETRIEVE_NS_BIT | RETRIEVE_HYP_REQUESTS);
}

/*
 * What every role implements for every caller: setup and discovery, RX/TX,
 * direct and indirect requests, notifications, and giving memory and taking
 * it back (in one fragment or several). The roles add theirs
 * (ffa_role_abi).
 */
static bool every_role_abi(uint32_t fid)
{
	switch (fid) {
	case FFA_ERROR_32:
	case FFA_SUCCESS_32:
	case FFA_SUCCESS_64:
	case FFA_VERSION_32:
	case FFA_FEATURES_32:
	case FFA_ID_GET_32:
	case FFA_SPM_ID_GET_32:
	case FFA_MSG_SEND_DIRECT_REQ_32:
	case FFA_MSG_SEND_DIRECT_REQ_64:
	case FFA_MSG_SEND_DIRECT_REQ2_64:
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
	case FFA_RXTX_UNMAP_32:
	case FFA_RX_RELEASE_32:
	case FFA_PARTITION_INFO_GET_32:
	case FFA_PARTITION_INFO_GET_REGS_64:
	case FFA_MSG_SEND2_32:
	case FFA_NOTIFICATION_BIND_32:
	case FFA_NOTIFICATION_UNBIND_32:
	case FFA_NOTIFICATION_SET_32:
	case FFA_NOTIFICATION_GET_32:
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_RECLAIM_32:
	case FFA_MEM_FRAG_TX_32:
		return true;
	default:
		return false;
	}
}

bool ffa_abi_offered(uint32_t fid, const struct ffa_endpoint *ep)
{
	return every_role_abi(fid) || ffa_role_abi(fid, ep);
}

struct ffa_value ffa_features(const struct ffa_instance *inst, struct ffa_endpoint *ep, uint32_t id,
			      uint32_t input)
{
	if ((id & FFA_FEATURES_FUNC_BIT) == 0) {
		/*
		 * Feature IDs (v1.1 on): bits [30:8] and the input property MBZ. The
		 * schedule-receiver interrupt, for the normal world: w2 = its INTID.
		 */
		uint32_t intid = 0;
		if (id == FFA_FEATURE_SRI && !ffa_id_is_secure(ep->id)) {
			intid = inst->sri_intid;
		} else if ((id == FFA_FEATURE_NPI || id == FFA_FEATURE_MEI) && ep->virt_intids) {
			intid = id == FFA_FEATURE_NPI ? inst->npi_intid : inst->mei_intid;
		}
		if (intid != 0 && input == 0 && ffa_endpoint_version(ep) >= FFA_VERSION_1_1) {
			return ffa_success_value(intid);
		}
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	uint32_t fid = id & ~SMCCC_SVE_HINT;
	uint32_t since = ffa_abi_since(fid);
	if (since == 0 || !ffa_abi_offered(fid, ep) || since > ffa_endpoint_version(ep)) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	if (fid == FFA_MEM_RETRIEVE_REQ_32 || fid == FFA_MEM_RETRIEVE_REQ_64) {
		return retrieve_features(ep, input);
	}
	/* No other implemented ABI takes an input property: it must be zero. */
	if (input != 0) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	if (fid == FFA_RXTX_MAP_32 || fid == FFA_RXTX_MAP_64) {
		/* w2: minimum buffer 4 KiB ([1:0] = 0); v1.2 adds the maximum page count [31:16].
		 */
		bool v12 = ffa_endpoint_version(ep) >= FFA_VERSION_1_2;
		return ffa_success_value(v12 ? (uint64_t)FFA_RXTX_MAX_PAGES << 16 : 0);
	}
	return ffa_success_value(0);
}
