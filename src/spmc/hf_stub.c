/*
 * Hafnium's interrupt calls, answered minimally (see hf_stub.h).
 */
#include "spmc/hf_stub.h"

#include "core/console.h"

#define HF_FAIL ((uint64_t)(int64_t)-1)
#define GIC_MAX_INTID 1020U /* 1020-1023 are special IDs (GICv3 2.2.1) */

void hf_stub_call(uint16_t sp_id, bool *logged, const struct ffa_value *args, struct ffa_value *ret)
{
	uint64_t intid = args->x[1];
	bool ok = false;

	*ret = (struct ffa_value){.x = {HF_FAIL}};
	switch (args->x[0]) {
	case HF_STUB_INTERRUPT_ENABLE:
		ok = intid < GIC_MAX_INTID && args->x[2] <= 1U && args->x[3] <= 1U;
		break;
	case HF_STUB_INTERRUPT_RECONFIGURE:
		ok = intid < GIC_MAX_INTID && args->x[2] == HF_STUB_RECONFIGURE_ENABLE &&
		     args->x[3] <= 1U;
		break;
	case HF_STUB_INTERRUPT_GET:
		ret->x[0] = HF_STUB_NO_INTERRUPT;
		return;
	default: /* DEACTIVATE (nothing is active), SEND_IPI, and the rest */
		return;
	}
	if (!ok) {
		return;
	}
	ret->x[0] = 0;
	if (args->x[0] == HF_STUB_INTERRUPT_ENABLE && args->x[2] == 1U && !*logged) {
		*logged = true;
		LOG_NOTICE("SP %04x: HF_INTERRUPT_ENABLE(INTID %u) accepted, but secure interrupts "
			   "are not delivered to partitions yet\n",
			   sp_id, (unsigned int)intid);
	}
}
