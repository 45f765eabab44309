/*
 * A virtual CPU at the lower EL: its registers, its EL1 system registers and
 * the EL2 configuration it runs under. The role decides what runs there (a
 * secure partition, a guest); this layer only enters it and reports why it
 * came back.
 */
#ifndef ARCH_AARCH64_VCPU_H
#define ARCH_AARCH64_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/sysreg.h"
struct mm_ptable;

/* General-purpose state; layout used by vcpu.S (offsets.c). */
struct arch_regs {
	uint64_t x[31];
	uint64_t pc;
	uint64_t pstate;
};

/* EL1 (and EL0) system registers: EL3 does not switch them between worlds. */
struct arch_el1 {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el1, tpidr_el0, tpidrro_el0, sp_el0, sp_el1, elr, spsr;
	uint64_t esr, far, afsr0, afsr1, par, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval;
};

/* FP/SIMD state of a vCPU: V0-V31, FPSR, FPCR (layout used by fp.S). */
struct arch_fpv {
	uint64_t q[64];
	uint64_t fpsr, fpcr;
};

/* The normal world's FP/SVE state on a CPU with SVE (fp.S): Z at the maximum VL, P, FFR. */
struct arch_sve {
	uint8_t z[32][256];
	uint8_t p[17][32]; /* P0-P15, then FFR */
	uint64_t fpsr, fpcr;
};

/* The EL2 controls a vCPU runs under. */
struct arch_vcpu_cfg {
	uint64_t hcr;
	uint64_t vttbr; /* non-secure IPA space */
	uint64_t vsttbr; /* secure IPA space: the SPMC role's only (see role_stage2_load) */
	uint64_t vmpidr;
};

struct arch_vcpu {
	struct arch_regs regs; /* first: vcpu.S stores through a pointer to it */
	struct arch_el1 el1;
	struct arch_vcpu_cfg cfg;
	struct arch_fpv fp;
	/*
	 * Set by arch_vcpu_init: the CPU may still hold this vCPU's EL1 state
	 * from before (a PSCI CPU_OFF/CPU_ON, a VM reset): the next run must
	 * load the reset state, not keep the stale one.
	 */
	bool el1_reset;
};

/* Per physical CPU. */
struct arch_cpu {
	uint64_t host_ctx[13]; /* x19-x30, sp of the run loop (vcpu.S) */
	struct arch_regs *guest_regs; /* the vCPU running now */
	struct arch_vcpu *el1_owner; /* whose EL1 state the CPU holds; NULL: the normal world's */
	struct arch_el1 nwd_el1; /* the normal world's EL1 state while a vCPU's is loaded */
	/* Whose FP/SIMD state the CPU holds; NULL: the normal world's. */
	struct arch_vcpu *fp_owner;
	union {
		struct arch_sve sve; /* the normal world's, with SVE */
		struct arch_fpv fpv; /* the normal world's, without */
	} nwd_fp;
};

/* Why a vCPU stopped. */
enum arch_exit_kind { EXIT_SYNC, EXIT_IRQ, EXIT_FIQ, EXIT_SERROR };

struct arch_exit {
	enum arch_exit_kind kind;
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar_ipa; /* faulting IPA for stage-2 aborts */
};

#define ESR_EC_WFX 0x01U
#define ESR_EC_FP 0x07U /* FP/SIMD access trapped (CPTR_EL2.TFP) */
#define ESR_EC_SVC64 0x15U
#define ESR_EC_HVC64 0x16U
#define ESR_EC_SMC64 0x17U
#define ESR_EC_SYSREG 0x18U
#define ESR_EC_IABT_LOWER 0x20U
#define ESR_EC_DABT_LOWER 0x24U

/*
 * An MMIO access a stage-2 data abort reports with a valid syndrome
 * (ESR_EL2 ISS, Arm ARM D17.2.37): its size, direction and register, and
 * for a write the value (cut to the size). Emulators of both roles use it.
 */
struct arch_mmio {
	unsigned int size; /* 1, 2, 4 or 8 bytes */
	unsigned int rt; /* 31: xzr */
	bool write;
	bool sign_extend; /* SSE */
	bool wide; /* SF: a 64-bit register */
	uint64_t val; /* a write's value */
};

#define ESR_ISS_DABT_ISV (1U << 24)

/* False when the syndrome is not valid (no ISV: the instruction cannot be emulated). */
static inline bool arch_mmio_decode(uint64_t esr, const struct arch_regs *regs, struct arch_mmio *m)
{
	uint32_t iss = (uint32_t)esr & 0x1FFFFFFU;

	if ((iss & ESR_ISS_DABT_ISV) == 0) {
		return false;
	}
	m->size = 1U << ((iss >> 22) & 3U);
	m->rt = (iss >> 16) & 0x1FU;
	m->write = (iss & (1U << 6)) != 0;
	m->sign_extend = (iss & (1U << 21)) != 0;
	m->wide = (iss & (1U << 15)) != 0;
	m->val = m->write && m->rt != 31 ? regs->x[m->rt] : 0;
	if (m->write && m->size < 8) {
		m->val &= (1ULL << (m->size * 8)) - 1;
	}
	return true;
}

/* Completes an emulated access: a read's value into its register (extended), past the instruction.
 */
static inline void arch_mmio_complete(struct arch_regs *regs, const struct arch_mmio *m,
				      uint64_t val)
{
	if (!m->write && m->rt != 31) {
		if (m->sign_extend && m->size < 8 && (val & (1ULL << (m->size * 8 - 1))) != 0) {
			val |= ~((1ULL << (m->size * 8)) - 1);
		}
		regs->x[m->rt] = m->wide ? val : (uint32_t)val;
	}
	regs->pc += 4;
}

/* HCR_EL2 bits. */
#define HCR_VM (1ULL << 0)
#define HCR_SWIO (1ULL << 1)
#define HCR_FMO (1ULL << 3) /* physical FIQs (non-secure interrupts in the secure world) to EL2 */
#define HCR_IMO (1ULL << 4) /* physical IRQs to EL2; EL1's ICC_* accesses become virtual */
#define HCR_AMO (1ULL << 5) /* SErrors to EL2 */
#define HCR_VF (1ULL << 6) /* a virtual FIQ is pending (with FMO) */
#define HCR_VI (1ULL << 7) /* a virtual IRQ is pending (with IMO) */
#define HCR_FB (1ULL << 9) /* TLB and cache maintenance broadcast in the Inner Shareable domain */
#define HCR_BSU_IS (1ULL << 10) /* barriers upgraded to Inner Shareable */
#define HCR_DC (1ULL << 12)
#define HCR_TWI (1ULL << 13)
#define HCR_TSC (1ULL << 19)
#define HCR_RW (1ULL << 31)
#define HCR_APK (1ULL << 40)
#define HCR_API (1ULL << 41)

#define SPSR_EL1H_MASKED 0x3C5ULL /* EL1h, D, A, I, F masked */
#define SPSR_EL0T_MASKED 0x3C0ULL /* EL0t, D, A, I, F masked */

void arch_vcpu_init(struct arch_vcpu *v, uint64_t pc, const struct arch_vcpu_cfg *cfg);
/* Runs v on this CPU until it traps; loads its EL1 state if another one is live. */
struct arch_exit arch_vcpu_run(struct arch_vcpu *v);
/* Puts the normal world's EL1 state back (saving the vCPU's) before leaving for it. */
void arch_vcpu_restore_nwd(void);
/* Per-CPU EL2 set-up for running vCPUs (stage-2 control VTCR_EL2, FP traps). */
void arch_vcpu_cpu_init(uint64_t vtcr);
/*
 * Provided by the role, not by this layer: loads the stage-2 root registers
 * for cfg just before a vCPU runs. The SPMC (src/spmc/sel2.c) writes
 * VTTBR_EL2 and VSTTBR_EL2 (the secure IPA space); the hypervisor
 * (src/hyp/stage2.c) writes VTTBR_EL2 only: VSTTBR_EL2 is UNDEFINED at NS-EL2.
 */
void role_stage2_load(const struct arch_vcpu_cfg *cfg);
/* The lower EL's own exception registers, live while its EL1 state is loaded. */
void arch_vcpu_el1_exception(uint64_t *esr, uint64_t *far, uint64_t *elr);
/*
 * An FP/SIMD trap from v (CPTR_EL2.TFP): the CPU's FP state (the normal
 * world's, or another vCPU's) is saved, v's loaded; v then runs with FP.
 */
void arch_vcpu_fp_claim(struct arch_vcpu *v);
/* Invalidates all stage-1/2 TLB entries of the VMID in vttbr, on every CPU. */
void arch_stage2_tlb_flush(uint64_t vttbr);
/*
 * The struct mm_ptable hook for tables of a lower EL's regime (its stage 2
 * or the stage 1 tzvisor keeps for it): pt->tlb_ctx points to the owner's
 * VTTBR_EL2 value; all of that VMID's entries go, on every CPU.
 */
void arch_stage2_tlb_inval(const struct mm_ptable *pt, uint64_t va, uint64_t size);

#endif /* ARCH_AARCH64_VCPU_H */
