/* SMCCC register rules checked by callers on target (see smccc_check.h). */
#include "smccc_check.h"

#include <stdbool.h>

#define PSCI_FID_BASE32 0x84000000U
#define PSCI_FID_BASE64 0xC4000000U
#define PSCI_FID_LAST 0x1FU

static bool is_ffa(uint32_t fid)
{
	uint32_t top = fid & 0xFFFF0000U, num = fid & 0xFFFFU;

	return (top == 0x84000000U || top == 0xC4000000U) && num >= FFA_FUNC_NUM_MIN &&
	       num <= FFA_FUNC_NUM_MAX;
}

/*
 * Argument registers per ABI (FF-A v1.2 chapters 10-16; PSCI 1.1): the
 * registers a caller sets, reserved ones included where the ABI has
 * arguments after them. Everything above gets a canary.
 */
unsigned int smccc_args(uint32_t fid)
{
	fid &= ~SMCCC_SVE_HINT;
	if (!is_ffa(fid)) {
		uint32_t base = fid & 0xFFFFFF00U;
		if ((base == PSCI_FID_BASE32 || base == PSCI_FID_BASE64) &&
		    (fid & 0xFFU) <= PSCI_FID_LAST) {
			return 3; /* PSCI: up to three arguments (CPU_ON) */
		}
		return 7; /* unknown: leave x1-x7 as the caller set them */
	}
	switch (fid) {
	case FFA_ID_GET_32:
	case FFA_SPM_ID_GET_32:
	case FFA_MEM_RELINQUISH_32:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
	case FFA_EL3_INTR_HANDLE_32:
		return 0;
	case FFA_VERSION_32:
	case FFA_RX_RELEASE_32:
	case FFA_RX_ACQUIRE_32:
	case FFA_RXTX_UNMAP_32:
	case FFA_RUN_32:
	case FFA_NOTIFICATION_BITMAP_DESTROY_32:
	case FFA_SECONDARY_EP_REGISTER_64:
		return 1;
	case FFA_ERROR_32:
	case FFA_FEATURES_32:
	case FFA_MSG_WAIT_32:
	case FFA_MSG_SEND2_32:
	case FFA_NOTIFICATION_BITMAP_CREATE_32:
	case FFA_NOTIFICATION_GET_32:
	case FFA_MEM_PERM_GET_32:
		return 2;
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
	case FFA_YIELD_32:
	case FFA_MEM_RECLAIM_32:
	case FFA_MEM_PERM_SET_32:
	case FFA_PARTITION_INFO_GET_REGS_64:
		return 3;
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_RETRIEVE_RESP_32:
	case FFA_MEM_FRAG_RX_32:
	case FFA_MEM_FRAG_TX_32:
	case FFA_NOTIFICATION_BIND_32:
	case FFA_NOTIFICATION_UNBIND_32:
	case FFA_NOTIFICATION_SET_32:
		return 4;
	case FFA_PARTITION_INFO_GET_32:
		return 5;
	case FFA_MSG_SEND_DIRECT_REQ2_64:
	case FFA_MSG_SEND_DIRECT_RESP2_64:
	case FFA_CONSOLE_LOG_64:
		return 17;
	default:
		return 7; /* direct messages, CONSOLE_LOG_32, and anything unknown */
	}
}

/*
 * Result registers of an answer: x1-x7 for FF-A (unused ones zero), x1-x17
 * for the v1.2 ABIs that return results there; none for PSCI and SMCCC
 * calls answered by EL3 (x0 only).
 */
unsigned int smccc_results(uint32_t call_fid, uint32_t answer_fid)
{
	call_fid &= ~SMCCC_SVE_HINT;
	if (!is_ffa(call_fid)) {
		return 0;
	}
	if (answer_fid == FFA_MSG_SEND_DIRECT_REQ2_64 ||
	    answer_fid == FFA_MSG_SEND_DIRECT_RESP2_64 ||
	    (call_fid == FFA_PARTITION_INFO_GET_REGS_64 && answer_fid == FFA_SUCCESS_64)) {
		return 17;
	}
	return 7;
}

static uint64_t canary(uint8_t owner, uint64_t seq, unsigned int reg)
{
	return (uint64_t)SMCCC_CANARY_TAG << 48 | (uint64_t)owner << 40 |
	       (seq & 0xFFFFFFFFULL) << 8 | reg;
}

static bool foreign_canary(uint64_t x, uint8_t owner)
{
	return (x >> 48) == SMCCC_CANARY_TAG && (uint8_t)(x >> 40) != owner;
}

unsigned int smccc_checked_call(struct ffa_value *v, void (*conduit)(struct ffa_value *),
				uint8_t owner, struct smccc_check_stats *stats)
{
	uint32_t fid = (uint32_t)v->x[0] & ~SMCCC_SVE_HINT;
	unsigned int in = smccc_args(fid), bad = 0;
	uint64_t seq = ++stats->calls;
	uint64_t sent[FFA_VALUE_REGS];

	for (unsigned int i = in + 1; i < FFA_VALUE_REGS; i++) {
		v->x[i] = canary(owner, seq, i);
	}
	for (unsigned int i = 0; i < FFA_VALUE_REGS; i++) {
		sent[i] = v->x[i];
	}
	conduit(v);
	uint32_t answer = (uint32_t)v->x[0];
	unsigned int out = smccc_results(fid, answer);
	for (unsigned int i = 1; i < FFA_VALUE_REGS; i++) {
		uint64_t x = v->x[i];
		bool ok;
		if (foreign_canary(x, owner)) {
			ok = false; /* another endpoint's register leaked in */
		} else if (i > out) {
			ok = x == sent[i]; /* not a result: preserved */
		} else if (i > in) {
			ok = x != sent[i]; /* a result (or MBZ zero), never our stale value */
		} else {
			ok = true;
		}
		if (!ok && bad++ == 0 && stats->violations == 0) {
			stats->first_fid = fid;
			stats->first_answer = answer;
			stats->first_reg = i;
			stats->first_value = x;
		}
	}
	stats->violations += bad != 0;
	return bad;
}

void smccc_check_sum(const struct smccc_check_stats *each, unsigned int n,
		     struct smccc_check_stats *sum)
{
	*sum = (struct smccc_check_stats){0};
	for (unsigned int i = 0; i < n; i++) {
		if (each[i].violations != 0 && sum->violations == 0) {
			sum->first_fid = each[i].first_fid;
			sum->first_answer = each[i].first_answer;
			sum->first_reg = each[i].first_reg;
			sum->first_value = each[i].first_value;
		}
		sum->calls += each[i].calls;
		sum->violations += each[i].violations;
	}
}
