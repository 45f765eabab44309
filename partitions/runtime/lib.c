/* Partition runtime helpers: FF-A calls, FFA_CONSOLE_LOG output, fatal errors. */
#include <stdarg.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/aarch64/sysreg.h"
#include "core/fmt.h"
#include "core/panic.h"
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

int64_t sp_hf(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = id;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

#ifdef SP_EL0
	__asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
#else
	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
#endif
	return (int64_t)x0;
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

#ifdef SP_VM
#define PSCI_CPU_ON64 0xC4000003U
#define PSCI_INVALID_PARAMETERS (-2)

void sp_start_vcpus(void)
{
	/* Every vCPU the VM has: CPU_ON answers INVALID_PARAMETERS past the last one. */
	for (uint64_t i = 1; i < 8; i++) {
		struct ffa_value v = {.x = {PSCI_CPU_ON64, i, (uintptr_t)sp_secondary_entry, i}};
		arch_smc(&v);
		if ((int64_t)v.x[0] == PSCI_INVALID_PARAMETERS) {
			break;
		}
	}
}
#endif

/* The spinlock's back-off (core/spinlock.h). */
void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

#ifndef SP_EL0
/* CHECK() in the shared core code (page tables, page allocator): report, stop. */
void panic(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sp_log("EC %u: panic: %s: stopping\n", sp_vcpu_index(), buf);
	sp_abort();
}

#define ESR_EC_IABT_EL1 0x21U
#define ESR_EC_DABT_EL1 0x25U
#define ESR_WNR (1ULL << 6)

/* What a data or instruction abort's fault status code (ESR_ELx.DFSC/IFSC) says. */
static const char *fault_status(uint64_t esr)
{
	static const char *const kinds[] = {"address size", "translation", "access flag",
					    "permission"};
	unsigned int fsc = (unsigned int)esr & 0x3FU;

	return fsc < 16U ? kinds[fsc >> 2] : "other";
}

void sp_exception(uint64_t vector, uint64_t esr, uint64_t far, uint64_t elr)
{
	static const char *const from[] = {"EL1 on SP_EL0", "EL1", "EL0 (AArch64)",
					   "EL0 (AArch32)"};
	static const char *const kind[] = {"synchronous exception", "IRQ", "FIQ", "SError"};
	unsigned int ec = ESR_EC(esr);
	bool abort = ec == ESR_EC_IABT_EL1 || ec == ESR_EC_DABT_EL1;

	if (vector == 4 && abort) {
		sp_log("EC %u: stage-1 %s fault on %s at 0x%llx (ESR_EL1 0x%llx, ELR 0x%llx): "
		       "stopping\n",
		       sp_vcpu_index(), fault_status(esr),
		       ec == ESR_EC_IABT_EL1  ? "instruction fetch"
		       : (esr & ESR_WNR) != 0 ? "write"
					      : "read",
		       (unsigned long long)far, (unsigned long long)esr, (unsigned long long)elr);
	} else {
		sp_log("EC %u: %s from %s (ESR_EL1 0x%llx, FAR 0x%llx, ELR 0x%llx): stopping\n",
		       sp_vcpu_index(), kind[vector & 3], from[(vector >> 2) & 3],
		       (unsigned long long)esr, (unsigned long long)far, (unsigned long long)elr);
	}
	sp_abort();
}
#endif
