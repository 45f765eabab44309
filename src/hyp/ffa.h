/*
 * FF-A for guests: tzvisor at NS-EL2 as its VMs' firmware (FF-A v1.2).
 *
 * Two configurations, chosen at boot by asking the firmware below for
 * FFA_VERSION:
 *
 *   Emulated SPMC (no secure world: QEMU without secure=on). tzvisor is the
 *   SPMC its guests talk to, built from the same FF-A core as the SPMC role
 *   (src/ffa). VMs whose manifest has an ffa-partition node are its
 *   partitions (IDs with bit 15 set); every other VM is a normal-world
 *   endpoint with its VM number as ID. See ffa.c, ffa_msg.c, ffa_mem.c.
 *
 *   Forwarding (tzvisor as TF-A's BL33 above a real SPMC, SECURE=1). Guests'
 *   calls go to the SPMC with their VM IDs (1..N; tzvisor stands in for the
 *   normal world's VM 0); tzvisor maps its own RX/TX buffers with the SPMC
 *   and answers discovery from what it read there. Forwarded: direct
 *   messages (and FFA_RUN after FFA_INTERRUPT/FFA_YIELD), memory share, lend,
 *   donate (one fragment, descriptors rewritten from IPA to PA, lent pages
 *   out of the VM's stage 2 until reclaimed) and reclaim; not yet: indirect
 *   messages and notifications with partitions (NOT_SUPPORTED). See
 *   ffa_fwd.c, ffa_fwd_mem.c.
 *
 * Common to both (ffa.c): FFA_VERSION, FFA_FEATURES, FFA_ID_GET,
 * FFA_SPM_ID_GET, RX/TX buffers (guest IPAs in the VM's RAM, translated and
 * checked, never trusted), partition discovery, and notifications between
 * VMs. Calls arrive over HVC and over SMC trapped by HCR_EL2.TSC.
 *
 * A vCPU can wait inside a call (FFA_MSG_WAIT; a direct request to another
 * VM): it is then not runnable (struct vcpu_ffa.wait) until the answer is
 * written into its registers and its physical CPU is kicked.
 */
#ifndef HYP_FFA_H
#define HYP_FFA_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

enum hyp_ffa_mode {
	HYP_FFA_EMULATED, /* tzvisor is its guests' SPMC */
	HYP_FFA_FORWARD, /* a real SPMC below: calls are passed on */
};

/* Once at boot, before VMs are created: finds out which configuration this is. */
void hyp_ffa_boot(void);
enum hyp_ffa_mode hyp_ffa_mode(void);
/* A VM is created (its endpoint, buffers and notifications reset); false with *why if refused. */
bool hyp_ffa_vm_init(struct vm *vm, const char **why);
/* Every VM exists: forwarding tells the SPMC and its partitions about them. */
void hyp_ffa_vms_ready(void);
/* Per physical CPU, after hyp_cpu_init: the SPMC's schedule-receiver interrupt, if any. */
void hyp_ffa_cpu_init(uint64_t redist);

/* Is w0 an FF-A function ID (the SVE hint masked)? */
bool hyp_ffa_owns(uint32_t fid);
/*
 * An FF-A call from v (x0-x17 in its registers). true: the answer is in its
 * registers, resume it; false: it waits (not runnable until answered).
 */
bool hyp_ffa_call(struct vcpu *v);
/* A physical interrupt this module owns (the SPMC's SRI): true if it was one. */
bool hyp_ffa_irq(unsigned int intid);
/* Work an interrupt left for this CPU (forwarding: the SRI's INFO_GET); not in IRQ context. */
void hyp_ffa_poll(void);

/*
 * A partition vCPU that yielded with a timeout (FFA_YIELD) runs again once
 * the physical counter reaches its deadline: called with the counter value
 * t by the CPU that runs v; returns the deadline still ahead (0: none).
 */
uint64_t hyp_ffa_yield_expire(struct vcpu *v, uint64_t t);
/* How many vCPUs wait out an FFA_YIELD timeout (0: the run loop need not look). */
extern uint32_t hyp_ffa_yielded;

/* The VM stopped (fault, power off): its requesters get ABORTED, its borrowings end. */
void hyp_ffa_vm_stopped(struct vm *vm);
/*
 * The VM is reset (PSCI SYSTEM_RESET): as if destroyed and created again;
 * false if others still hold memory it gave (then it must stop instead:
 * its FF-A state is torn down as for hyp_ffa_vm_stopped).
 */
bool hyp_ffa_vm_reset(struct vm *vm);

#endif
