/* Running partitions' vCPUs and direct messaging (see run.c). */
#ifndef SPMC_RUN_H
#define SPMC_RUN_H

#include <stdint.h>

#include "ffa/ffa.h"
#include "spmc/partition.h"

/*
 * Runs v, and whatever it hands control to, until an answer is due to the
 * normal world (a direct response, an error) or v waits (FFA_MSG_WAIT at
 * boot: the answer is then {FFA_MSG_WAIT_32}). The answer is written over
 * *nwd, the normal world's call (ffa_answer: x0-x7, and x8-x17 only for
 * ABIs with results there).
 */
void spmc_run(struct vcpu *v, struct ffa_value *nwd);

/* FFA_RUN from the normal world (*nwd): resumes a yielded vCPU or gives a waiting one cycles. */
void spmc_run_from_nwd(struct ffa_value *nwd);

/*
 * A power-management framework message (FF-A v1.2 section 18.2) to a
 * waiting vCPU on this CPU: DIRECT_REQ_32 from the SPMC's ID, w2 = bit 31 |
 * PSCI request, w3 = the PSCI function ID. The partition must answer with
 * DIRECT_RESP_32, w2 = bit 31 | PSCI response, w3 = its PSCI status, which is
 * returned; it may not yield or send requests meanwhile.
 */
#define SPMC_PM_NOT_DELIVERED INT32_MIN /* the vCPU was not waiting */
#define SPMC_PM_NOT_ANSWERED (INT32_MIN + 1) /* stopped, interrupted, ... instead */
int32_t spmc_pm_message(struct vcpu *v, uint32_t psci_fid);

/*
 * Runs the vCPUs this CPU claimed to handle a virtual interrupt
 * (irq_wake_pop), each until it waits again: called before the CPU goes
 * back to the normal world, whose answer is already written.
 */
void spmc_run_woken(void);

/* FFA_MSG_SEND_DIRECT_REQ(2) from the normal world (not a framework message), answered in place. */
void spmc_direct_req_from_nwd(struct ffa_value *nwd);

#endif
