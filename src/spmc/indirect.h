#ifndef SPMC_INDIRECT_H
#define SPMC_INDIRECT_H

#include "ffa/ffa_core.h"
#include "ffa/rxtx.h"

/* FFA_MSG_SEND2 from the endpoint `ep` whose buffer pair is `tx`. */
struct ffa_value spmc_msg_send2(struct ffa_endpoint *ep, struct ffa_rxtx *tx,
				const struct ffa_value *args);

#endif
