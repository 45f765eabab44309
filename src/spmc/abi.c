/*
 * The FF-A ABIs the SPMC answers, for the normal world and for partitions
 * (ffa_role_abi, ffa/ffa_core.h): what FFA_FEATURES reports to each.
 */
#include "ffa/ffa_core.h"

bool ffa_role_abi(uint32_t fid, const struct ffa_endpoint *ep)
{
	bool secure = ffa_id_is_secure(ep->id);

	switch (fid) {
	/* Borrowers retrieve; the normal world too, as a hypervisor (retrieve request by handle).
	 */
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_FRAG_RX_32:
		return true;
	/*
	 * The normal world schedules partitions, may take its RX buffer back,
	 * creates VMs' notification bitmaps and asks who has notifications.
	 */
	case FFA_RUN_32:
	case FFA_RX_ACQUIRE_32:
	case FFA_NOTIFICATION_BITMAP_CREATE_32:
	case FFA_NOTIFICATION_BITMAP_DESTROY_32:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		return !secure;
	/* Only partitions answer requests, wait for messages, log and register entries. */
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
	case FFA_MSG_SEND_DIRECT_RESP2_64:
	case FFA_MSG_WAIT_32:
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
	case FFA_SECONDARY_EP_REGISTER_64:
	case FFA_YIELD_32:
	case FFA_MEM_PERM_GET_32: /* S-EL0 partitions; S-EL1 ones get DENIED */
	case FFA_MEM_PERM_SET_32:
	case FFA_MEM_RELINQUISH_32: /* the normal world borrows nothing from the SPMC */
		return secure;
	default:
		return false;
	}
}
