/*
 * GICv3 operations on the physical GIC. The SPMC uses the first few (giving
 * an SGI to the normal world and raising it there: FF-A's schedule-receiver
 * interrupt); the hypervisor role, which owns the GIC, the rest (distributor
 * and redistributor set-up, acknowledging interrupts, SGIs between CPUs).
 */
#ifndef ARCH_AARCH64_GIC_H
#define ARCH_AARCH64_GIC_H

#include <stdbool.h>
#include <stdint.h>

/* Redistributor frames of one CPU: RD_base, then SGI_base 64 KiB on. */
#define GICR_FRAME_STRIDE 0x20000U
#define GICR_SGI_OFFSET 0x10000U
#define GICD_SIZE 0x10000U

/* This CPU's EL2 uses the GIC system-register interface (ICC_SRE_EL2.SRE). */
void gic_cpu_init(void);
/*
 * Makes SGI `intid` of the redistributor at `gicr` (this CPU's RD_base) a
 * non-secure Group 1 interrupt, disabled. A secure access: EL3 configured
 * SGIs at boot (and again at each CPU_ON); the normal world enables and
 * prioritises it when its FF-A driver wants the interrupt.
 */
void gic_sgi_to_nonsecure(uint64_t gicr, unsigned int intid);
/* Raises SGI `intid` for the other Security state on this CPU (ICC_ASGI1R_EL1). */
void gic_raise_other_world_sgi(unsigned int intid);

/* ICC_IAR1_EL1 answers this when nothing is pending. */
#define GIC_INTID_SPURIOUS 1023U

/* The distributor with affinity routing and Group 1 on (a single-Security-state GIC). */
void gic_dist_init(uint64_t gicd);
/*
 * This CPU's redistributor (RD_base) in [gicr, gicr + size): the frame whose
 * GICR_TYPER affinity is this CPU's MPIDR; 0 if none.
 */
uint64_t gic_redist_find(uint64_t gicr, uint64_t size);
/* Wakes the redistributor and turns on this CPU's Group 1 interface (priority mask open). */
void gic_cpu_enable(uint64_t rd);
/* SGI or PPI `intid` of the redistributor `rd`: Group 1, priority 0x80, enabled. */
void gic_local_enable(uint64_t rd, unsigned int intid);
/* SGI or PPI `intid` of the redistributor `rd` disabled (it stays pending if it is). */
void gic_local_disable(uint64_t rd, unsigned int intid);
/* Acknowledges the highest-priority pending Group 1 interrupt (ICC_IAR1_EL1). */
unsigned int gic_ack(void);
/* End of interrupt: priority drop and deactivation (EOImode 0). */
void gic_eoi(unsigned int intid);
/* Sends Group 1 SGI `intid` to the CPU with affinity `mpidr` (ICC_SGI1R_EL1). */
void gic_send_sgi(uint64_t mpidr, unsigned int intid);

/*
 * The Secure side, for the SPMC at S-EL2 (secure accesses: Secure Group 1
 * is configured with IGROUPR clear and IGRPMODR set). An acknowledged
 * interrupt's priority is dropped at once (gic_priority_drop) and it is
 * deactivated apart (gic_deactivate), when its handler is done; until then
 * it cannot be signalled again. That is EOImode 1's split, but QEMU 10
 * ignores ICC_DIR_EL1 written at Secure EL2 for a secure interrupt (its
 * checks predate Secure EL2), which left each SPI active for good after its
 * first activation. So the secure CPU interface runs with EOImode 0
 * (ICC_EOIR1_EL1 drops and deactivates) and an SPI tzvisor configured is
 * held disabled in the distributor from its priority drop to its
 * deactivation: a level still asserted, or a new edge, is signalled when
 * it is re-enabled. SGIs and PPIs (tzvisor's own) are deactivated at once.
 */
#define GIC_PRIO_MASK_NS 0x80U /* ICC_PMR_EL1: masks every non-secure interrupt */
#define GIC_PRIO_MASK_ALL 0x00U /* ICC_PMR_EL1: masks every interrupt */

/* This CPU's secure CPU interface: EOImode 0, Group 1 on. */
void gic_secure_cpu_init(void);
/*
 * SGI or PPI `intid` of the redistributor `rd` (RD_base): Secure Group 1,
 * priority `prio`, level-sensitive (a PPI), enabled.
 */
void gic_local_to_secure(uint64_t rd, unsigned int intid, uint8_t prio);
/* How many INTIDs the distributor implements (GICD_TYPER.ITLinesNumber). */
unsigned int gic_lines(uint64_t gicd);
/* SPI `intid`: group (Secure Group 1 or non-secure Group 1), priority, trigger. */
void gic_spi_configure(uint64_t gicd, unsigned int intid, bool secure, uint8_t prio, bool level);
/* SPI `intid` routed to the CPU with affinity `mpidr` (GICD_IROUTER, no 1-of-N). */
void gic_spi_route(uint64_t gicd, unsigned int intid, uint64_t mpidr);
/* What software wants: applied at once, or at the deactivation of a held SPI. */
void gic_spi_enable(uint64_t gicd, unsigned int intid, bool on);
/* Clears an SPI's pending state (GICD_ICPENDR). */
void gic_spi_clear_pending(uint64_t gicd, unsigned int intid);
/* Acknowledges the highest-priority pending Secure Group 1 interrupt (ICC_IAR1_EL1). */
unsigned int gic_secure_ack(void);
/* Priority drop (ICC_EOIR1_EL1); an SPI stays held (disabled) until gic_deactivate. */
void gic_priority_drop(unsigned int intid);
/* Deactivation: a held SPI is enabled again if software wants it enabled. */
void gic_deactivate(unsigned int intid);
uint8_t gic_pmr_get(void);
void gic_pmr_set(uint8_t pmr);
/* The highest-priority pending Group 0 interrupt (ICC_HPPIR0_EL1), 1023 if none. */
unsigned int gic_group0_pending(void);

#endif /* ARCH_AARCH64_GIC_H */
