/* Memory sharing at the SPMC (see mem.c). `sp` NULL means the normal world. */
#ifndef SPMC_MEM_H
#define SPMC_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "ffa/mem_share.h" /* ffa_is_mem_fid */
#include "spmc/partition.h"

/*
 * FFA_MEM_SHARE/LEND/DONATE (32, 64), FFA_MEM_FRAG_TX, FFA_MEM_RETRIEVE_REQ
 * (32, 64), FFA_MEM_FRAG_RX, FFA_MEM_RELINQUISH, FFA_MEM_RECLAIM.
 */
struct ffa_value spmc_mem_call(struct partition *sp, const struct ffa_value *args);
/*
 * A partition stopped: what it borrowed goes back to its lenders; what it
 * gave comes back to it, at once where no borrower holds it, else when the
 * last borrower relinquishes (nobody retrieves it again meanwhile).
 */
void spmc_mem_partition_stopped(struct partition *sp);

#endif
