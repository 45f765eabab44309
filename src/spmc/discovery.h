/* Setup and discovery at the SPMC (see discovery.c). `sp` NULL means the normal world. */
#ifndef SPMC_DISCOVERY_H
#define SPMC_DISCOVERY_H

#include "ffa/ffa_core.h"
#include "ffa/partition_info.h"
#include "ffa/rxtx.h"

struct partition;

struct ffa_value spmc_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					 const struct ffa_value *args);
struct ffa_value spmc_partition_info_get_regs(struct ffa_endpoint *ep,
					      const struct ffa_value *args);
struct ffa_value spmc_rxtx_map(struct partition *sp, struct ffa_rxtx *b,
			       const struct ffa_value *args);
/* Also ends a normal world's version lock: see discovery.c. */
struct ffa_value spmc_rxtx_unmap(struct ffa_endpoint *ep, struct ffa_rxtx *b,
				 const struct ffa_value *args);
/* FFA_RX_ACQUIRE (normal world): the SPMC hands its RX ownership to the caller. */
struct ffa_value spmc_rx_acquire(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args);
struct ffa_value spmc_rx_release(ffa_id_t caller, struct ffa_rxtx *b, const struct ffa_value *args);

#endif
