/*
 * The GICv3 virtual CPU interface as EL2 drives it (ICH_*_EL2, GICv3 spec
 * chapter 11): list registers, their encoding, and saving/restoring a vCPU's
 * interface state. Role-independent: any role that runs vCPUs with virtual
 * interrupts can use it. The encoding helpers are pure (host-testable).
 */
#ifndef ARCH_AARCH64_GIC_VIRT_H
#define ARCH_AARCH64_GIC_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#define GICV_MAX_LRS 16U
#define GICV_MAX_APRS 4U

/* ICH_LR<n>_EL2 fields. */
#define ICH_LR_VINTID_MASK 0xFFFFFFFFULL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_EOI (1ULL << 41) /* maintenance interrupt when deactivated (HW = 0) */
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_GROUP1 (1ULL << 60)
#define ICH_LR_HW (1ULL << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING 1U
#define ICH_LR_ACTIVE 2U

/* ICH_HCR_EL2 fields. */
#define ICH_HCR_EN (1ULL << 0)
#define ICH_HCR_UIE (1ULL << 1) /* maintenance when at most one LR is valid */

/* One vCPU's virtual CPU interface, as saved while it does not run. */
struct gicv_state {
	uint64_t lr[GICV_MAX_LRS];
	uint64_t vmcr; /* ICH_VMCR_EL2: the guest's PMR, BPR, group enables */
	uint64_t ap0r[GICV_MAX_APRS], ap1r[GICV_MAX_APRS]; /* active priorities */
	uint64_t hcr; /* ICH_HCR_EL2 while it runs */
};

static inline uint64_t gicv_lr(uint32_t intid, uint8_t prio, unsigned int state, bool eoi_maint)
{
	return (uint64_t)intid | ICH_LR_GROUP1 | ((uint64_t)prio << ICH_LR_PRIO_SHIFT) |
	       ((uint64_t)(state & 3U) << ICH_LR_STATE_SHIFT) | (eoi_maint ? ICH_LR_EOI : 0);
}

static inline unsigned int gicv_lr_state(uint64_t lr)
{
	return (unsigned int)(lr >> ICH_LR_STATE_SHIFT) & 3U;
}

static inline uint32_t gicv_lr_intid(uint64_t lr)
{
	return (uint32_t)(lr & ICH_LR_VINTID_MASK);
}

/* How many list registers this CPU has (ICH_VTR_EL2.ListRegs + 1). */
unsigned int gicv_lr_count(void);
/*
 * Empties every list register and disables the interface: once per CPU,
 * before gicv_restore. Between gicv_save and the next gicv_restore every LR
 * stays empty, so those two touch only the LRs a vCPU uses.
 */
void gicv_cpu_init(void);
/* Loads a vCPU's interface state: LRs 0..used-1, VMCR, APRs, HCR. */
void gicv_restore(const struct gicv_state *s, unsigned int used);
/* Saves it (LRs 0..used-1: what gicv_restore loaded), leaving every LR empty and the
 * interface disabled (ICH_HCR_EL2 = 0). */
void gicv_save(struct gicv_state *s, unsigned int used);

#endif
