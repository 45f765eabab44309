/*
 * Entering and leaving lower-EL vCPUs. EL1 state is switched lazily: the CPU
 * keeps the last vCPU's EL1 registers until another vCPU runs or the SPMC
 * returns to the normal world, whose EL1 registers are then put back (with
 * SPMD_SPM_AT_SEL2 EL3 switches only EL2 state between worlds).
 */
#include "arch/aarch64/vcpu.h"

#include <stdbool.h>
#include <string.h>

#include "arch/aarch64/sysreg.h"
#include "core/cpu.h"
#include "core/mm.h"

uint64_t arch_vcpu_enter(struct arch_regs *regs, uint64_t *host_ctx);
void arch_fpv_save(struct arch_fpv *f);
void arch_fpv_restore(const struct arch_fpv *f);
void arch_sve_save(struct arch_sve *s);
void arch_sve_restore(const struct arch_sve *s);

/*
 * CPTR_EL2 (non-VHE): its RES1 mask includes TZ (bit 8, SVE) and TSM (bit 12,
 * SME), which stay set for vCPUs: they get neither. TFP traps FP/SIMD at
 * EL0-EL2. arch_vcpu_run sets CPTR_EL2 on every entry (TFP unless the vCPU
 * owns the CPU's FP state: lazy switching); in between only the save and
 * restore code below uses FP (tzvisor is built general-regs-only), so it opens
 * FP and SVE for itself and leaves the closing to the next entry.
 */
#define CPTR_EL2_RES1 0x33FFULL
#define CPTR_EL2_TZ (1ULL << 8)
#define CPTR_EL2_TFP (1ULL << 10)
#define ID_AA64PFR0_SVE_SHIFT 32

static bool cpu_has_sve(void)
{
	return ((read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_SVE_SHIFT) & 0xF) != 0;
}

/* Lets EL2 itself use FP and SVE, to save and restore register files. */
static void fp_open(void)
{
	write_sysreg(cptr_el2, CPTR_EL2_RES1 & ~(CPTR_EL2_TFP | CPTR_EL2_TZ));
	isb();
}

/* The normal world's whole FP state: its SVE file when the CPU has SVE. */
static void nwd_fp_save(struct arch_cpu *c)
{
	if (cpu_has_sve()) {
		arch_sve_save(&c->nwd_fp.sve);
	} else {
		arch_fpv_save(&c->nwd_fp.fpv);
	}
}

static void nwd_fp_restore(struct arch_cpu *c)
{
	if (cpu_has_sve()) {
		arch_sve_restore(&c->nwd_fp.sve);
	} else {
		arch_fpv_restore(&c->nwd_fp.fpv);
	}
}

static void el1_save(struct arch_el1 *r)
{
	r->sctlr = read_sysreg(sctlr_el1);
	r->actlr = read_sysreg(actlr_el1);
	r->cpacr = read_sysreg(cpacr_el1);
	r->ttbr0 = read_sysreg(ttbr0_el1);
	r->ttbr1 = read_sysreg(ttbr1_el1);
	r->tcr = read_sysreg(tcr_el1);
	r->mair = read_sysreg(mair_el1);
	r->amair = read_sysreg(amair_el1);
	r->vbar = read_sysreg(vbar_el1);
	r->contextidr = read_sysreg(contextidr_el1);
	r->tpidr_el1 = read_sysreg(tpidr_el1);
	r->tpidr_el0 = read_sysreg(tpidr_el0);
	r->tpidrro_el0 = read_sysreg(tpidrro_el0);
	r->sp_el0 = read_sysreg(sp_el0);
	r->sp_el1 = read_sysreg(sp_el1);
	r->elr = read_sysreg(elr_el1);
	r->spsr = read_sysreg(spsr_el1);
	r->esr = read_sysreg(esr_el1);
	r->far = read_sysreg(far_el1);
	r->afsr0 = read_sysreg(afsr0_el1);
	r->afsr1 = read_sysreg(afsr1_el1);
	r->par = read_sysreg(par_el1);
	r->cntkctl = read_sysreg(cntkctl_el1);
	r->csselr = read_sysreg(csselr_el1);
	r->mdscr = read_sysreg(mdscr_el1);
	r->cntv_ctl = read_sysreg(cntv_ctl_el0);
	r->cntv_cval = read_sysreg(cntv_cval_el0);
}

static void el1_restore(const struct arch_el1 *r)
{
	write_sysreg(sctlr_el1, r->sctlr);
	write_sysreg(actlr_el1, r->actlr);
	write_sysreg(cpacr_el1, r->cpacr);
	write_sysreg(ttbr0_el1, r->ttbr0);
	write_sysreg(ttbr1_el1, r->ttbr1);
	write_sysreg(tcr_el1, r->tcr);
	write_sysreg(mair_el1, r->mair);
	write_sysreg(amair_el1, r->amair);
	write_sysreg(vbar_el1, r->vbar);
	write_sysreg(contextidr_el1, r->contextidr);
	write_sysreg(tpidr_el1, r->tpidr_el1);
	write_sysreg(tpidr_el0, r->tpidr_el0);
	write_sysreg(tpidrro_el0, r->tpidrro_el0);
	write_sysreg(sp_el0, r->sp_el0);
	write_sysreg(sp_el1, r->sp_el1);
	write_sysreg(elr_el1, r->elr);
	write_sysreg(spsr_el1, r->spsr);
	write_sysreg(esr_el1, r->esr);
	write_sysreg(far_el1, r->far);
	write_sysreg(afsr0_el1, r->afsr0);
	write_sysreg(afsr1_el1, r->afsr1);
	write_sysreg(par_el1, r->par);
	write_sysreg(cntkctl_el1, r->cntkctl);
	write_sysreg(csselr_el1, r->csselr);
	write_sysreg(mdscr_el1, r->mdscr);
	write_sysreg(cntv_ctl_el0, r->cntv_ctl);
	write_sysreg(cntv_cval_el0, r->cntv_cval);
}

void arch_vcpu_init(struct arch_vcpu *v, uint64_t pc, const struct arch_vcpu_cfg *cfg)
{
	memset(&v->regs, 0, sizeof(v->regs));
	memset(&v->el1, 0, sizeof(v->el1));
	v->regs.pc = pc;
	v->regs.pstate = SPSR_EL1H_MASKED;
	v->el1.sctlr = SCTLR_EL1_RESET;
	v->el1_reset = true;
	v->cfg = *cfg;
}

void arch_vcpu_cpu_init(uint64_t vtcr)
{
	write_sysreg(vtcr_el2, vtcr);
	if (cpu_has_sve()) {
		/* The largest vector length: the normal world's Z registers are saved whole. */
		fp_open();
		write_sysreg(S3_4_C1_C2_0, 0xFULL); /* ZCR_EL2 */
	}
}

void arch_vcpu_fp_claim(struct arch_vcpu *v)
{
	struct arch_cpu *c = &cpu_this()->arch;

	fp_open();
	if (c->fp_owner == NULL) {
		nwd_fp_save(c);
	} else if (c->fp_owner != v) {
		arch_fpv_save(&c->fp_owner->fp);
	}
	arch_fpv_restore(&v->fp);
	c->fp_owner = v;
}

static void fp_restore_nwd(struct arch_cpu *c)
{
	if (c->fp_owner == NULL) {
		return;
	}
	fp_open();
	arch_fpv_save(&c->fp_owner->fp);
	nwd_fp_restore(c);
	c->fp_owner = NULL;
}

struct arch_exit arch_vcpu_run(struct arch_vcpu *v)
{
	struct arch_cpu *c = &cpu_this()->arch;
	struct arch_exit e;

	if (c->el1_owner != v || v->el1_reset) {
		if (c->el1_owner != v) {
			el1_save(c->el1_owner != NULL ? &c->el1_owner->el1 : &c->nwd_el1);
		}
		el1_restore(&v->el1);
		c->el1_owner = v;
		v->el1_reset = false;
	}
	/*
	 * HCR_EL2 stays as the last vCPU left it while EL2 runs (its traps and
	 * routing act on EL1/EL0 only, and EL2 runs with DAIF masked): written
	 * only when it changes. QEMU's TCG flushes the whole TLB whenever
	 * HCR_EL2.VM changes, so clearing it at every exit cost two full
	 * flushes per trap (a partition's emulated UART accesses, its FF-A
	 * calls): measured in README.md, "OP-TEE's speed".
	 */
	if (read_sysreg(hcr_el2) != v->cfg.hcr) {
		write_sysreg(hcr_el2, v->cfg.hcr);
	}
	role_stage2_load(&v->cfg);
	write_sysreg(vmpidr_el2, v->cfg.vmpidr);
	/* FP/SIMD only for the vCPU whose state the CPU holds; anyone else traps first. */
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | (c->fp_owner == v ? 0ULL : CPTR_EL2_TFP));
	isb();
	c->guest_regs = &v->regs;
	e.kind = (enum arch_exit_kind)arch_vcpu_enter(&v->regs, c->host_ctx);
	e.esr = read_sysreg(esr_el2);
	e.far = read_sysreg(far_el2);
	e.hpfar_ipa = (read_sysreg(hpfar_el2) >> 4) << 12;
	c->guest_regs = NULL;
	return e;
}

void arch_vcpu_restore_nwd(void)
{
	struct arch_cpu *c = &cpu_this()->arch;

	if (c->el1_owner != NULL) {
		el1_save(&c->el1_owner->el1);
		el1_restore(&c->nwd_el1);
		c->el1_owner = NULL;
	}
	fp_restore_nwd(c);
}

void arch_vcpu_el1_exception(uint64_t *esr, uint64_t *far, uint64_t *elr)
{
	*esr = read_sysreg(esr_el1);
	*far = read_sysreg(far_el1);
	*elr = read_sysreg(elr_el1);
}

void arch_stage2_tlb_flush(uint64_t vttbr)
{
	uint64_t saved = read_sysreg(vttbr_el2);

	dsb(ishst);
	write_sysreg(vttbr_el2, vttbr);
	isb();
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	write_sysreg(vttbr_el2, saved);
	isb();
}

void arch_stage2_tlb_inval(const struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	(void)va;
	(void)size;
	arch_stage2_tlb_flush(*(const uint64_t *)pt->tlb_ctx);
}
