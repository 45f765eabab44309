/*
 * The guests' virtual GICv3: distributor and redistributors emulated for
 * MMIO (GICv3 spec chapter 12), SGIs from ICC_SGI1R_EL1 traps, and the
 * hand-over of pending interrupts to the hardware's list registers.
 *
 * Distributor and redistributor state is kept apart from list-register
 * management: vgic_flush() chooses what goes into the LRs before a vCPU
 * runs, vgic_sync() takes their state back after it stops. Pure logic, no
 * hardware access (host-tested); callers hold the VM's lock.
 *
 * Supported: 96 INTIDs (16 SGIs, 16 PPIs, 64 SPIs), Group 1, affinity
 * routing only (ARE), edge and level SPIs, priorities, active state, SGIs
 * with target lists or to all but self. Not supported: LPIs/ITS, Group 0
 * (reads as zero), 1-of-N SPI routing (goes to the IROUTER's vCPU, or vCPU 0),
 * GICv2 compatibility.
 */
#ifndef HYP_VGIC_H
#define HYP_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/gic_virt.h"

#define VGIC_NR_IRQS 96U
#define VGIC_NR_SPIS (VGIC_NR_IRQS - 32U)
#define VGIC_MAX_VCPUS 8U
#define VGIC_GICD_SIZE 0x10000U
#define VGIC_GICR_STRIDE 0x20000U
#define VGIC_INTID_MAINT 25U
#define VGIC_INTID_VTIMER 27U

struct vgic_irq {
	uint8_t prio;
	bool enabled, pending, active;
	bool group1;
	bool edge; /* ICFGR: edge-triggered (SGIs always) */
	bool level; /* the line, for interrupts a device model drives (has_line) */
	bool has_line; /* driven by vgic_set_level: its pending state follows the line */
	uint8_t target; /* SPIs: the vCPU IROUTER names */
	uint64_t irouter;
};

struct vgic_cpu {
	struct vgic_irq local[32]; /* SGIs and PPIs */
	bool sleep; /* GICR_WAKER.ProcessorSleep */
	struct gicv_state hw; /* its virtual CPU interface while it does not run */
	uint32_t lr_intid[GICV_MAX_LRS]; /* what vgic_flush put in each LR; 0 = none */
	unsigned int lr_used;
	uint32_t hot; /* its SGIs and PPIs that are pending or active, a bit each */
};

struct vgic {
	unsigned int vcpus;
	unsigned int nr_lrs; /* of the hardware */
	uint32_t ctlr; /* GICD_CTLR: EnableGrp1A */
	struct vgic_irq spi[VGIC_NR_SPIS];
	/* SPIs pending or active, a bit each: vgic_flush visits these, not every INTID. */
	uint64_t spi_hot;
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
};
_Static_assert(VGIC_NR_SPIS <= 64, "spi_hot has a bit per SPI");

void vgic_init(struct vgic *g, unsigned int vcpus, unsigned int nr_lrs);

/* MMIO: false for an access the model refuses (wrong size or alignment). */
bool vgic_dist_mmio(struct vgic *g, uint64_t off, unsigned int size, bool write, uint64_t *val);
/* `off` within the redistributor frames: frame off / VGIC_GICR_STRIDE is the vCPU. */
bool vgic_redist_mmio(struct vgic *g, uint64_t off, unsigned int size, bool write, uint64_t *val);

/*
 * Makes `intid` pending (an SGI or PPI for vCPU `vcpu`; an SPI for its
 * target). Returns the bit mask of vCPUs that may now have something to do.
 */
uint32_t vgic_inject(struct vgic *g, unsigned int vcpu, uint32_t intid);
/*
 * The line of a level-triggered interrupt a model drives: an SPI from a
 * device, or a PPI of vCPU `vcpu` (its virtual timer). While the line is
 * high and the interrupt not active, it is pending. Returns vCPUs to wake.
 */
uint32_t vgic_set_level(struct vgic *g, unsigned int vcpu, uint32_t intid, bool level);
/* Pending or active (in the model or a list register): the guest has not finished it. */
bool vgic_busy(const struct vgic *g, unsigned int vcpu, uint32_t intid);
/* An ICC_SGI1R_EL1 write by vCPU `from`; returns the vCPUs it made pending. */
uint32_t vgic_sgi(struct vgic *g, unsigned int from, uint64_t sgi1r);

/* Something pending and enabled for vcpu (what wakes it from WFI). */
bool vgic_has_pending(const struct vgic *g, unsigned int vcpu);
/*
 * Fills g->cpu[vcpu].hw's LRs from the pending and active interrupts of the
 * vCPU (active ones first, then pending by priority) and sets ICH_HCR_EL2:
 * underflow maintenance when some did not fit.
 */
void vgic_flush(struct vgic *g, unsigned int vcpu);
/* Takes the LRs' state back after the vCPU ran (hw saved by gicv_save). */
void vgic_sync(struct vgic *g, unsigned int vcpu);

#endif
