/*
 * Hafnium's paravirtualised interrupt calls (HVC/SMC x0 = 0xff03..0xff09,
 * Hafnium's inc/vmapi/hf/call.h), answered minimally until secure
 * interrupts reach partitions (issue #10).
 *
 * OP-TEE built for Hafnium (CFG_CORE_HAFNIUM_INTC, core/drivers/hfic.c)
 * enables its console interrupt at boot with HF_INTERRUPT_ENABLE and
 * HF_INTERRUPT_RECONFIGURE and, in a DEBUG build, panics unless both return
 * 0. tzvisor delivers no secure interrupt to partitions yet, so:
 *
 *   HF_INTERRUPT_ENABLE      (x1 INTID < 1020, x2 0/1, x3 0 IRQ / 1 FIQ)  0
 *   HF_INTERRUPT_RECONFIGURE (x1 INTID < 1020, x2 2 = enable, x3 0/1)     0
 *   HF_INTERRUPT_GET                                  0xffffffff (none pending)
 *   HF_INTERRUPT_DEACTIVATE                           -1 (nothing is active)
 *
 * Anything else in 0xff00..0xffff, any argument out of range, and the
 * other RECONFIGURE commands (target PE, security state) are -1. Nothing
 * is recorded and the GIC is not touched: the calls change no state. The
 * first accepted ENABLE of a partition is logged (NOTICE), so a user sees
 * that its interrupt will not arrive.
 */
#ifndef SPMC_HF_STUB_H
#define SPMC_HF_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"

#define HF_STUB_INTERRUPT_ENABLE 0xff03U
#define HF_STUB_INTERRUPT_GET 0xff04U
#define HF_STUB_INTERRUPT_DEACTIVATE 0xff08U
#define HF_STUB_INTERRUPT_RECONFIGURE 0xff09U
#define HF_STUB_RECONFIGURE_ENABLE 2U
#define HF_STUB_NO_INTERRUPT 0xFFFFFFFFU

/* x0 of a Hafnium call (0xff00-0xffff, which no FF-A or SMCCC ID uses). */
static inline bool hf_stub_is_call(uint64_t x0)
{
	return x0 >= 0xff00U && x0 <= 0xffffU;
}

/*
 * Answers a Hafnium call of partition `sp_id` in ret->x[0] (the other
 * registers are zero). *logged says whether this partition's first
 * ENABLE was logged already (set here).
 */
void hf_stub_call(uint16_t sp_id, bool *logged, const struct ffa_value *args,
		  struct ffa_value *ret);

#endif /* SPMC_HF_STUB_H */
