/* AArch64 implementation of the small arch interface (arch/arch.h). */
#include "arch/arch.h"

#include "arch/aarch64/sysreg.h"
#include "core/types.h"
#include "core/mm.h"

void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

void arch_halt(void)
{
	for (;;) {
		__asm__ volatile("msr daifset, #0xf\n\twfi" ::: "memory");
	}
}

void *arch_cpu_local(void)
{
	return (void *)read_sysreg(tpidr_el2);
}

void arch_cpu_local_set(void *p)
{
	write_sysreg(tpidr_el2, (uintptr_t)p);
}

uint64_t arch_mpidr(void)
{
	return read_sysreg(mpidr_el1);
}

bool arch_rndr(uint64_t *v)
{
	uint64_t ok;

	/* RNDR (S3_3_C2_C4_0) sets NZCV to 0b0100 when it has no number for us. */
	__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(*v), "=r"(ok) : : "cc");
	return ok != 0;
}

void arch_mm_tlb_inval(const struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	(void)pt;
	dsb(ishst);
	if (size <= PAGE_SIZE) {
		__asm__ volatile("tlbi vae2is, %0" : : "r"(va >> 12) : "memory");
	} else {
		/* A block or a whole table went: cheaper and simpler to drop all of EL2's. */
		__asm__ volatile("tlbi alle2is" ::: "memory");
	}
	dsb(ish);
	isb();
}

/* The smallest data cache line (CTR_EL0.DminLine, a log2 of words). */
static uintptr_t dcache_line(void)
{
	return (uintptr_t)4 << ((read_sysreg(ctr_el0) >> 16) & 0xF);
}

void arch_dcache_inval_range(uintptr_t start, uintptr_t size)
{
	uintptr_t line = dcache_line();

	for (uintptr_t a = start & ~(line - 1); a < start + size; a += line) {
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	}
	dsb(sy);
}

void arch_dcache_clean_range(uintptr_t start, uintptr_t size)
{
	uintptr_t line = dcache_line();

	dsb(ish);
	for (uintptr_t a = start & ~(line - 1); a < start + size; a += line) {
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	}
	dsb(sy);
	__asm__ volatile("ic iallu" ::: "memory");
	dsb(sy);
	isb();
}

void arch_mm_enable(const struct mm_ptable *pt)
{
	/* Output size: what the CPU supports, capped at the 48 bits the tables encode. */
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xF;
	if (parange > 5) {
		parange = 5;
	}
	uint64_t tcr = TCR_EL2_RES1 | TCR_T0SZ(pt->va_bits) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
		       TCR_SH0_INNER | TCR_TG0_4K | (parange << TCR_PS_SHIFT);

	dsb(ish);
	write_sysreg(mair_el2, MM_MAIR_VALUE);
	write_sysreg(tcr_el2, tcr);
	write_sysreg(ttbr0_el2, (uintptr_t)pt->root);
	isb();
	__asm__ volatile("tlbi alle2\n\tdsb ish" ::: "memory");
	isb();
	write_sysreg(sctlr_el2,
		     SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN);
	isb();
}
