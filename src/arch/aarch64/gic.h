/*
 * The few GICv3 operations the SPMC needs: giving an SGI to the normal world
 * and raising it there (the schedule-receiver interrupt of FF-A).
 */
#ifndef ARCH_AARCH64_GIC_H
#define ARCH_AARCH64_GIC_H

#include <stdint.h>

/* Redistributor frames of one CPU: RD_base, then SGI_base 64 KiB on. */
#define GICR_FRAME_STRIDE 0x20000U
#define GICR_SGI_OFFSET 0x10000U

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

#endif /* ARCH_AARCH64_GIC_H */
