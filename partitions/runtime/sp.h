/*
 * The tzvisor test-partition runtime: entry, FF-A calls (SMC from S-EL1,
 * SVC from S-EL0), console output through FFA_CONSOLE_LOG.
 */
#ifndef PARTITIONS_SP_H
#define PARTITIONS_SP_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "smccc_check.h"

/*
 * One FF-A call: x0-x17 in and out, the SMCCC register rules checked
 * (registers above its arguments get this partition's canaries).
 */
void sp_ffa(struct ffa_value *v);
/* What the checks found so far, over all execution contexts. */
void sp_smccc_stats(struct smccc_check_stats *sum);
/* The checks are on unless turned off (make bench: not what is measured). */
extern bool sp_smccc_checks;
struct ffa_value sp_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
void sp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned int sp_vcpu_index(void);

/* Implemented by each partition. */
void sp_main(uint64_t boot_info);
void sp_secondary_main(unsigned int vcpu);

/* Entry of secondary execution contexts (runtime/start.S). */
void sp_secondary_entry(void);

#endif
