/*
 * Forwarding guests' memory sharing to a real SPMC: not there yet. Guests
 * get NOT_SUPPORTED (and FFA_FEATURES says so); their RX/TX buffers are
 * pages of their own RAM, which no transaction can hold while nothing is
 * forwarded.
 */
#include "hyp/ffa_internal.h"

struct ffa_value hyp_ffa_fwd_mem_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	(void)v;
	(void)args;
	(void)fid;
	return ffa_error_value(FFA_NOT_SUPPORTED);
}

bool hyp_ffa_fwd_mem_owns(struct vm *vm, uint64_t pa, uint64_t size)
{
	(void)vm;
	(void)pa;
	(void)size;
	return true;
}

void hyp_ffa_fwd_mem_init(void)
{
}
