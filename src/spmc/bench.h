/*
 * Benchmark hooks (make bench builds the SPMC with -DTZV_BENCH; every other
 * build compiles them to nothing). Per CPU, the SPMC counts the instructions
 * (CNTPCT under QEMU -icount shift=0) from a request's arrival (its SMC
 * returning) to its answer (the next SMC), and the part of that spent in
 * partitions. A bench-only FFA_FEATURES feature ID reads the figures of the
 * previous request on the calling CPU: w2 = total, w3 = inside partitions.
 */
#ifndef SPMC_BENCH_H
#define SPMC_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"

#define TZV_BENCH_FEATURE_ID 0x7FU

#ifdef TZV_BENCH
#include "arch/aarch64/sysreg.h"
#include "core/cpu.h"

struct spmc_bench_cpu {
	uint64_t arrival, guest_start, guest;
	uint64_t last_total, last_guest;
};
extern struct spmc_bench_cpu spmc_bench[MAX_CPUS];

static inline struct spmc_bench_cpu *bench_this(void)
{
	return &spmc_bench[cpu_this()->index];
}
static inline void bench_request_begin(void)
{
	struct spmc_bench_cpu *b = bench_this();
	b->arrival = read_sysreg(cntpct_el0);
	b->guest = 0;
}
static inline void bench_request_end(void)
{
	struct spmc_bench_cpu *b = bench_this();
	b->last_total = read_sysreg(cntpct_el0) - b->arrival;
	b->last_guest = b->guest;
}
static inline void bench_guest_begin(void)
{
	bench_this()->guest_start = read_sysreg(cntpct_el0);
}
static inline void bench_guest_end(void)
{
	struct spmc_bench_cpu *b = bench_this();
	b->guest += read_sysreg(cntpct_el0) - b->guest_start;
}
static inline bool bench_query(const struct ffa_value *req, struct ffa_value *ret)
{
	if ((uint32_t)req->x[0] != FFA_FEATURES_32 || (uint32_t)req->x[1] != TZV_BENCH_FEATURE_ID) {
		return false;
	}
	struct spmc_bench_cpu *b = bench_this();
	*ret = (struct ffa_value){.x = {FFA_SUCCESS_32, 0, b->last_total, b->last_guest}};
	return true;
}
#else
static inline void bench_request_begin(void)
{
}
static inline void bench_request_end(void)
{
}
static inline void bench_guest_begin(void)
{
}
static inline void bench_guest_end(void)
{
}
static inline bool bench_query(const struct ffa_value *req, struct ffa_value *ret)
{
	(void)req;
	(void)ret;
	return false;
}
#endif

#endif /* SPMC_BENCH_H */
