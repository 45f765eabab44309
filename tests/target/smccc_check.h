/*
 * SMCCC register rules, checked from the caller's side on target (the
 * normal-world payload and the test partitions both funnel every call
 * through smccc_checked_call()).
 *
 * Before a call, every register the ABI does not take as an argument gets a
 * canary: the caller's owner byte, a per-call sequence number and the
 * register number. After it:
 *   - registers the answer has no results in (x8-x17 for every FF-A answer
 *     but DIRECT_REQ2/RESP2 and PARTITION_INFO_GET_REGS; x1-x17 for PSCI and
 *     SMCCC calls answered by EL3) must still hold the caller's canaries
 *     (SMCCC v1.1+: the callee preserves x4-x17 unless they hold results);
 *   - result registers (x1-x7 of an FF-A answer) must not: they hold a
 *     result, or zero where FF-A says MBZ, never the caller's stale value;
 *   - no register may hold another owner's canary: nothing of one world's or
 *     partition's registers leaks into another's.
 * The table of which ABI takes what and returns what is smccc_args() and
 * smccc_results() in smccc_check.c.
 */
#ifndef TESTS_TARGET_SMCCC_CHECK_H
#define TESTS_TARGET_SMCCC_CHECK_H

#include <stdint.h>

#include "ffa/ffa.h"

#define SMCCC_CANARY_TAG 0xCA17U /* bits [63:48] of every canary */

/* One failed rule: the first is kept. */
struct smccc_check_stats {
	uint64_t calls;
	uint64_t violations; /* calls that broke a rule */
	uint32_t first_fid; /* the call */
	uint32_t first_answer; /* its answer's x0 */
	uint32_t first_reg;
	uint64_t first_value;
};

/* Highest argument register of a call (its x0), and of results of its answer. */
unsigned int smccc_args(uint32_t fid);
unsigned int smccc_results(uint32_t call_fid, uint32_t answer_fid);

/*
 * Makes the call through `conduit` (SMC, HVC or SVC) with canaries in the
 * registers above its arguments, and checks the answer; `owner` tags this
 * caller's canaries (one byte). Returns the number of broken rules (0: all
 * held) and records them in *stats.
 */
unsigned int smccc_checked_call(struct ffa_value *v, void (*conduit)(struct ffa_value *),
				uint8_t owner, struct smccc_check_stats *stats);

/* The records of several callers (cores, execution contexts) as one; the first violation kept. */
void smccc_check_sum(const struct smccc_check_stats *each, unsigned int n,
		     struct smccc_check_stats *sum);

#endif
