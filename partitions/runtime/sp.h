/*
 * The tzvisor test-partition runtime: entry, FF-A calls (SMC from S-EL1,
 * SVC from S-EL0), console output through FFA_CONSOLE_LOG, and for S-EL1
 * partitions their own stage 1 (mmu.c) and exception vectors (start.S).
 * Built with -DSP_VM, the same partition is a VM of the hypervisor's
 * emulated SPMC (vm_start.S): EL1 with its MMU off, FF-A over a trapped SMC.
 */
#ifndef PARTITIONS_SP_H
#define PARTITIONS_SP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "smccc_check.h"

/*
 * One FF-A call: x0-x17 in and out, the SMCCC register rules checked
 * (registers above its arguments get this partition's canaries).
 */
void sp_ffa(struct ffa_value *v);
/* What the checks found so far, over all execution contexts. */
void sp_smccc_stats(struct smccc_check_stats *sum);
/* The checks are on unless turned off (make bench: not what is measured). */
extern bool sp_smccc_checks;
struct ffa_value sp_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
void sp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned int sp_vcpu_index(void);

/*
 * Hafnium's paravirtual interrupt interface (the SPMC implements it): HVC
 * from S-EL1, SVC from S-EL0; the 64-bit result comes back in x0 (-1:
 * refused), no other register changes.
 */
#define HF_INTERRUPT_ENABLE 0xff03U
#define HF_INTERRUPT_GET 0xff04U
#define HF_INTERRUPT_DEACTIVATE 0xff08U
#define HF_INTERRUPT_RECONFIGURE 0xff09U
#define HF_INTERRUPT_SEND_IPI 0xff0aU
#define HF_INVALID_INTID 0xFFFFFFFFU
int64_t sp_hf(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3);

/* Implemented by each partition. */
void sp_main(uint64_t boot_info);
void sp_secondary_main(unsigned int vcpu);

/* Entry of secondary execution contexts (runtime/start.S). */
void sp_secondary_entry(void);
/* Virtual interrupt handlers (S-EL1): a vIRQ, and a vFIQ (may set F in *spsr). */
void sp_irq(void);
void sp_fiq(uint64_t *spsr);

#ifdef SP_VM
/* A VM's other vCPUs, started with PSCI CPU_ON (each then runs sp_secondary_main). */
void sp_start_vcpus(void);
#endif

/* S-EL1 partitions run their own stage 1; S-EL0 ones and VMs do not. */
#if !defined(SP_EL0) && !defined(SP_VM)
#define SP_OWN_MMU 1
#else
#define SP_OWN_MMU 0
#endif

#if SP_OWN_MMU
#include "core/mm.h"

/*
 * The partition's own stage 1 (S-EL1 only; runtime/mmu.c). Addresses are
 * identity-mapped: VA = IPA. attrs: the MM_* bits of core/mm.h: read-only
 * (0) or MM_W, MM_X (never with MM_W), MM_DEVICE (Device-nGnRnE, never
 * executable) or MM_NC (Normal non-cacheable; default Normal write-back),
 * MM_NS (the Non-secure IPA space: memory the normal world shares).
 * Returns 0, MM_EINVAL (unaligned, empty, outside the 39-bit VA space, bad
 * attributes, or the pages holding the tables) or MM_ENOMEM (out of table
 * pages: part of the range may be mapped). Safe from any execution context.
 * A live entry that changes goes through break-before-make: for a moment
 * the page is unmapped everywhere, and another context touching it then
 * takes a translation fault, which stops the partition. So change only what
 * no other context uses meanwhile (or use sp_probe_read/write there).
 */
int sp_map(uintptr_t va, size_t size, unsigned int attrs);
int sp_unmap(uintptr_t va, size_t size);
/* true and its MM_* attributes if va is mapped. */
bool sp_mmu_lookup(uintptr_t va, unsigned int *attrs);
size_t sp_mmu_table_pages(void);
/* The manifest as parsed at boot (NULL if the boot information had none that parsed). */
struct sp_manifest;
const struct sp_manifest *sp_own_manifest(void);

/*
 * Accesses that report a stage-1 fault instead of stopping the partition:
 * the byte at va (sp_probe_read) or 0 (sp_probe_write, which stores `byte`),
 * or SP_PROBE_FAULT | ESR_EL1. A stage-2 fault still stops the partition.
 */
#define SP_PROBE_FAULT (1ULL << 63)
uint64_t sp_probe_read(uintptr_t va);
uint64_t sp_probe_write(uintptr_t va, uint8_t byte);
#endif

#ifndef SP_EL0
/* Stops the partition for good (start.S); a fatal exception ends here after sp_exception. */
__attribute__((noreturn)) void sp_abort(void);
/* Reports an unexpected exception (vector 0-15, its ESR_EL1, FAR_EL1, ELR_EL1) and stops. */
__attribute__((noreturn)) void sp_exception(uint64_t vector, uint64_t esr, uint64_t far,
					    uint64_t elr);
#endif

#endif
