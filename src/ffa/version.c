/*
 * FFA_VERSION (FF-A v1.2 section 13.2).
 *
 * Supported: negotiation per endpoint; callers of v1.0, v1.1 and v1.2 are
 * compatible (same major, minor not above ours). The answer is always the
 * implemented version, v1.2. The requested version is recorded and decides
 * which ABIs and descriptor layouts the endpoint sees.
 * Refused with NOT_SUPPORTED: bit 31 set, another major version, a higher
 * minor version, and a different version once the endpoint has made any
 * other FF-A call (the negotiated version is then locked).
 */
#include "ffa/ffa_core.h"

void ffa_endpoint_init(struct ffa_endpoint *ep, ffa_id_t id)
{
	ep->lock = (struct spinlock)SPINLOCK_INIT;
	ep->id = id;
	ep->version = FFA_VERSION_1_0;
	ep->version_locked = false;
	ep->mem_ns_bit = false;
	ep->virt_intids = false;
}

static bool version_compatible(uint32_t requested)
{
	return FFA_VERSION_MAJOR_OF(requested) == FFA_VERSION_MAJOR_OF(FFA_VERSION_IMPLEMENTED) &&
	       FFA_VERSION_MINOR_OF(requested) <= FFA_VERSION_MINOR_OF(FFA_VERSION_IMPLEMENTED);
}

struct ffa_value ffa_version(struct ffa_endpoint *ep, uint32_t requested)
{
	struct ffa_value ret = {.x = {(uint32_t)(int32_t)FFA_NOT_SUPPORTED}};

	if ((requested & FFA_VERSION_MBZ_BIT) != 0 || !version_compatible(requested)) {
		return ret;
	}
	sl_lock(&ep->lock);
	if (!ep->version_locked || ep->version == requested) {
		__atomic_store_n(&ep->version, requested, __ATOMIC_RELEASE);
		ret.x[0] = FFA_VERSION_IMPLEMENTED;
	}
	sl_unlock(&ep->lock);
	return ret;
}

uint32_t ffa_endpoint_version(struct ffa_endpoint *ep)
{
	sl_lock(&ep->lock);
	uint32_t v = ep->version;
	sl_unlock(&ep->lock);
	return v;
}
