/*
 * The common FF-A call path: decode x0, lock the caller's version on its
 * first call other than FFA_VERSION, refuse ABIs newer than the caller's
 * version, and answer the setup/discovery ABIs that need no role knowledge.
 * Everything else is NOT_SUPPORTED here; roles route the calls they own
 * before they reach this function.
 */
#include "ffa/ffa_core.h"

void ffa_endpoint_lock_version(struct ffa_endpoint *ep)
{
	sl_lock(&ep->lock);
	__atomic_store_n(&ep->version_locked, true, __ATOMIC_RELEASE);
	sl_unlock(&ep->lock);
}

bool ffa_call_begin(struct ffa_endpoint *ep, uint32_t fid)
{
	if (fid == FFA_VERSION_32) {
		return true;
	}
	/*
	 * Hot path (every call): once locked, the version changes only after an
	 * RXTX_UNMAP by the same endpoint, so one atomic load replaces the lock.
	 */
	if (!__atomic_load_n(&ep->version_locked, __ATOMIC_ACQUIRE)) {
		ffa_endpoint_lock_version(ep);
	}
	uint32_t since = ffa_abi_since(fid);
	return since != 0 && since <= __atomic_load_n(&ep->version, __ATOMIC_ACQUIRE);
}

struct ffa_value ffa_call(const struct ffa_instance *inst, struct ffa_endpoint *ep,
			  const struct ffa_value *args)
{
	uint32_t fid = ffa_fid(args);

	if (!ffa_call_begin(ep, fid)) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	switch (fid) {
	case FFA_VERSION_32:
		return ffa_version(ep, ffa_w(args, 1));
	case FFA_FEATURES_32:
		return ffa_features(inst, ep, ffa_w(args, 1), ffa_w(args, 2));
	case FFA_ID_GET_32:
		return ffa_success_value(ep->id);
	case FFA_SPM_ID_GET_32:
		return ffa_success_value(inst->spmc_id);
	default:
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
}
