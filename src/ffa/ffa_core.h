/*
 * The role-independent FF-A core: per-endpoint state and the ABI handlers
 * that both the SPMC and the hypervisor role answer the same way. Handlers
 * take and return one struct ffa_value, decode and check every argument
 * before changing anything (validate first, then commit).
 */
#ifndef FFA_CORE_H
#define FFA_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "ffa/ffa.h"

/* What one FF-A endpoint (the normal world, a VM or a partition) has negotiated. */
struct ffa_endpoint {
	struct spinlock lock;
	ffa_id_t id;
	/* Version the endpoint asked for; v1.0 until it calls FFA_VERSION. */
	uint32_t version;
	/* Set by the first FF-A call other than FFA_VERSION (FF-A v1.2 13.2.1). */
	bool version_locked;
	/* A v1.0 endpoint asked for the NS bit in retrieve responses (FFA_FEATURES). */
	bool mem_ns_bit;
	/* An S-EL1 partition: FFA_FEATURES gives it the NPI and managed-exit interrupt IDs. */
	bool virt_intids;
};

/* The FF-A instance tzvisor implements for a caller. */
struct ffa_instance {
	ffa_id_t spmc_id; /* answered by FFA_SPM_ID_GET */
	uint32_t sri_intid; /* the schedule-receiver interrupt for the normal world; 0: none */
	uint32_t npi_intid; /* the notification-pending interrupt for partitions; 0: none */
	uint32_t mei_intid; /* the managed-exit interrupt for partitions; 0: none */
};

void ffa_endpoint_init(struct ffa_endpoint *ep, ffa_id_t id);

/* FFA_VERSION: negotiates and answers with the implemented version or NOT_SUPPORTED. */
struct ffa_value ffa_version(struct ffa_endpoint *ep, uint32_t requested);
uint32_t ffa_endpoint_version(struct ffa_endpoint *ep);
/* Ends version negotiation: called for every FF-A call other than FFA_VERSION. */
void ffa_endpoint_lock_version(struct ffa_endpoint *ep);

/* FFA_FEATURES (FF-A v1.2 13.3). */
struct ffa_value ffa_features(const struct ffa_instance *inst, struct ffa_endpoint *ep, uint32_t id,
			      uint32_t input);

/*
 * The role's part (src/spmc/abi.c, src/hyp/ffa.c): does this instance
 * implement ABI `fid` for caller `ep` (the normal world, a VM, a partition),
 * beyond what every role implements for everyone (features.c)?
 */
bool ffa_role_abi(uint32_t fid, const struct ffa_endpoint *ep);

/* Implemented for `ep`: what every role offers (features.c), or what this role adds. */
bool ffa_abi_offered(uint32_t fid, const struct ffa_endpoint *ep);

/* The version of FF-A that introduced an ABI, or 0 for IDs tzvisor does not know. */
uint32_t ffa_abi_since(uint32_t fid);

/*
 * The prologue of every FF-A call: ends version negotiation (any call but
 * FFA_VERSION) and says whether the ABI exists in the caller's version. Roles
 * call it before routing the ABIs they own; false means NOT_SUPPORTED.
 */
bool ffa_call_begin(struct ffa_endpoint *ep, uint32_t fid);

/*
 * Handles one call from an endpoint. Role code routes the calls it owns
 * (framework messages, messaging, memory) before falling back to this.
 */
struct ffa_value ffa_call(const struct ffa_instance *inst, struct ffa_endpoint *ep,
			  const struct ffa_value *args);

/* Decodes x0: masks the SMCCC SVE hint. */
static inline uint32_t ffa_fid(const struct ffa_value *args)
{
	return (uint32_t)args->x[0] & ~SMCCC_SVE_HINT;
}

/* SMC32 calls carry 32-bit arguments: the upper halves are ignored (SMCCC 2.6). */
static inline uint32_t ffa_w(const struct ffa_value *args, unsigned int n)
{
	return (uint32_t)args->x[n];
}

static inline bool ffa_is_direct_req(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
	       fid == FFA_MSG_SEND_DIRECT_REQ2_64;
}

static inline bool ffa_is_direct_resp(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_RESP_32 || fid == FFA_MSG_SEND_DIRECT_RESP_64 ||
	       fid == FFA_MSG_SEND_DIRECT_RESP2_64;
}

/*
 * Writes a direct message (request or response) over its destination's
 * registers: x0-x7, and x8-x17 only for the v1.2 REQ2/RESP2, which carry a
 * message there; otherwise the destination keeps its own x8-x17 (SMCCC).
 * SMC32 arguments are cut to 32 bits. Inline: the hot path (make bench).
 */
static inline void ffa_direct_msg_write(const struct ffa_value *args, uint64_t *dst)
{
	uint32_t fid = ffa_fid(args);
	bool wide = fid == FFA_MSG_SEND_DIRECT_REQ2_64 || fid == FFA_MSG_SEND_DIRECT_RESP2_64;
	bool w32 = fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_RESP_32;

	dst[0] = fid;
	for (unsigned int i = 1; i < FFA_ANSWER_REGS; i++) {
		dst[i] = w32 ? (uint32_t)args->x[i] : args->x[i];
	}
	if (wide) {
		for (unsigned int i = FFA_ANSWER_REGS; i < FFA_VALUE_REGS; i++) {
			dst[i] = args->x[i];
		}
	}
}

#endif /* FFA_CORE_H */
