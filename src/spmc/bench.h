/*
 * Benchmark hooks of the instrumented build (make bench builds the SPMC a
 * second time with -DTZV_BENCH; every other build, the default one included,
 * compiles them to nothing). Per CPU, the SPMC counts the instructions
 * (CNTPCT under QEMU -icount shift=0) from a request's arrival (its SMC
 * returning) to its answer (the next SMC), and the part of that spent in
 * partitions.
 *
 * The query: FFA_FEATURES with w1 = TZV_BENCH_FEATURE_ID, w2 = a selector:
 *   TZV_BENCH_LAST_CALL        the previous request on the calling CPU:
 *                              w2 = total, w3 = inside partitions;
 *   TZV_BENCH_BOOT_STEP | s    x2 = the mark of boot step s (boot_record.h);
 *   TZV_BENCH_SP_LOADED | n    x2 = when manifest partition n was loaded,
 *                              x3 = its ID (0: refused, or no such entry);
 *   TZV_BENCH_SP_BOOTED | n    the n-th partition booted on the primary:
 *                              x2 = mark, x3 = ID (0: none), x4 = inside
 *                              partitions since boot began;
 *   TZV_BENCH_WARM | cpu       x2-x5 = the warm_step marks of that CPU's last
 *                              warm boot, x6 = its boots (cold one included);
 *   TZV_BENCH_POOL | p         table pool p (enum spmc_pool): x2 = pages
 *                              used, x3 = pages, x4 = most pages ever used.
 * Other selectors: NOT_SUPPORTED. The default build answers the feature ID
 * itself with NOT_SUPPORTED, which is how a payload tells the builds apart.
 */
#ifndef SPMC_BENCH_H
#define SPMC_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"

#define TZV_BENCH_FEATURE_ID 0x7FU
#define TZV_BENCH_LAST_CALL 0x000U
#define TZV_BENCH_BOOT_STEP 0x100U
#define TZV_BENCH_SP_LOADED 0x200U
#define TZV_BENCH_SP_BOOTED 0x300U
#define TZV_BENCH_WARM 0x400U
#define TZV_BENCH_POOL 0x500U
#define TZV_BENCH_SELECTOR_KIND 0xF00U

/* The table pools TZV_BENCH_POOL reports. */
enum spmc_pool {
	SPMC_POOL_STAGE1, /* tzvisor's own EL2 stage 1 (boot.c) */
	SPMC_POOL_SP_STAGE2, /* partitions' stage 2, both IPA spaces (partition.c) */
	SPMC_POOL_SP_EL0_STAGE1, /* S-EL0 partitions' stage 1 (partition.c) */
	SPMC_POOLS
};

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
/* Instructions spent inside partitions on this CPU since the last request began. */
static inline uint64_t bench_inside(void)
{
	return bench_this()->guest;
}
/* The query's answer (boot.c). */
struct ffa_value bench_query_answer(const struct ffa_value *req);
/* True (and *ret set) for the query above; inline, as it is asked of every call. */
static inline bool bench_query(const struct ffa_value *req, struct ffa_value *ret)
{
	if ((uint32_t)req->x[0] != FFA_FEATURES_32 || (uint32_t)req->x[1] != TZV_BENCH_FEATURE_ID) {
		return false;
	}
	*ret = bench_query_answer(req);
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
static inline uint64_t bench_inside(void)
{
	return 0;
}
static inline bool bench_query(const struct ffa_value *req, struct ffa_value *ret)
{
	(void)req;
	(void)ret;
	return false;
}
#endif

#endif /* SPMC_BENCH_H */
