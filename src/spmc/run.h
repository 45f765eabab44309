/* Running partitions' vCPUs and direct messaging (see run.c). */
#ifndef SPMC_RUN_H
#define SPMC_RUN_H

#include "ffa/ffa.h"
#include "spmc/partition.h"

/*
 * Runs v, and whatever it hands control to, until an answer is due to the
 * normal world (a direct response, an error) or v waits (FFA_MSG_WAIT at
 * boot: the answer is then {FFA_MSG_WAIT_32}).
 */
struct ffa_value spmc_run(struct vcpu *v);

/* FFA_RUN from the normal world: resumes a yielded vCPU or gives a waiting one cycles. */
struct ffa_value spmc_run_from_nwd(const struct ffa_value *args);

/* FFA_MSG_SEND_DIRECT_REQ(2) from the normal world (not a framework message). */
struct ffa_value spmc_direct_req_from_nwd(const struct ffa_value *args);

#endif
