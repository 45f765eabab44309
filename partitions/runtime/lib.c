/* Partition runtime helpers: FF-A calls and FFA_CONSOLE_LOG output. */
#include <stdarg.h>
#include <string.h>

#include "arch/arch.h"
#include "core/fmt.h"
#include "sp.h"

/* Per execution context: the SMCCC register rules, checked on every call (smccc_check.h). */
static struct smccc_check_stats smccc_stats[8];
bool sp_smccc_checks = true;

void sp_ffa(struct ffa_value *v)
{
	if (!sp_smccc_checks) {
		arch_smc(v);
		return;
	}
	smccc_checked_call(v, arch_smc, SP_CANARY_OWNER, &smccc_stats[sp_vcpu_index() & 7]);
}

void sp_smccc_stats(struct smccc_check_stats *sum)
{
	smccc_check_sum(smccc_stats, 8, sum);
}

struct ffa_value sp_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct ffa_value v = {.x = {x0, x1, x2, x3}};
	sp_ffa(&v);
	return v;
}

unsigned int sp_vcpu_index(void)
{
#ifdef SP_EL0
	return 0; /* one execution context; MPIDR_EL1 is not readable at EL0 */
#endif
	uint64_t mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned int)(mpidr & 0xFF);
}

/*
 * FFA_CONSOLE_LOG_64 (FF-A v1.2 13.13): w1 = character count, the characters
 * packed little-endian in x2-x17 (up to 128 per call).
 */
void sp_log(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	for (size_t off = 0; off < len;) {
		struct ffa_value v = {.x = {FFA_CONSOLE_LOG_64}};
		size_t chunk = len - off < 128 ? len - off : 128;
		memcpy(&v.x[2], buf + off, chunk);
		v.x[1] = chunk;
		sp_ffa(&v);
		off += chunk;
	}
}
