/*
 * What boot costs, step by step: the counter (CNTPCT_EL0) at the end of each
 * step of the primary core's cold boot, of each partition's loading and
 * booting, and of each secondary core's last warm boot. Under QEMU -icount
 * shift=0 one tick is one instruction. Recorded in every build (a counter
 * read and a store per step, about 40 instructions in all, so the default
 * build boots the way it is measured); make bench reads the record through
 * the instrumented build's query (bench.h), and LOG_LEVEL=info prints the
 * primary's steps.
 */
#ifndef SPMC_BOOT_RECORD_H
#define SPMC_BOOT_RECORD_H

#include <stdint.h>

#include "arch/aarch64/sysreg.h"
#include "core/cpu.h"
#include "ffa/ffa.h"
#include "spmc/manifest.h"

/* The primary core's cold boot: each step ends at its mark. */
enum boot_step {
	BOOT_ENTRY, /* spmc_entry's first instruction */
	BOOT_C_ENTRY, /* .bss zeroed, stack and vectors set: the first C */
	BOOT_STAGE1, /* stage-1 tables built, caches invalidated, MMU on */
	BOOT_MANIFEST, /* SPMC manifest copied and parsed, per-CPU set-up */
	BOOT_LOADED, /* every partition loaded: package, manifest, stage 2 */
	BOOT_BANNER, /* banner, manifest summary and partition table printed */
	BOOT_SPMD, /* FFA_VERSION, FFA_ID_GET, FFA_SECONDARY_EP_REGISTER to the SPMD */
	BOOT_BOOTED, /* each partition's first context run to its FFA_MSG_WAIT */
	BOOT_MSG_WAIT, /* the first FFA_MSG_WAIT to the SPMD is next */
	BOOT_STEPS
};

/* A secondary core's warm boot (CPU_ON). */
enum warm_step {
	WARM_ENTRY, /* spmc_secondary_entry's first instruction */
	WARM_MMU, /* stack, vectors, MMU on */
	WARM_BOOTED, /* its partitions' contexts run to FFA_MSG_WAIT */
	WARM_MSG_WAIT, /* its FFA_MSG_WAIT to the SPMD is next */
	WARM_STEPS
};

struct boot_record {
	uint64_t step[BOOT_STEPS];
	/* Partition n of the manifest: the mark when its loading ended; its ID (0: refused). */
	uint64_t loaded[SPMC_MAX_SPS];
	ffa_id_t loaded_id[SPMC_MAX_SPS];
	/*
	 * Partition n in boot order on the primary core: the mark when its first
	 * context waited, and (instrumented build) the instructions spent inside
	 * partitions since boot began.
	 */
	uint64_t booted[SPMC_MAX_SPS];
	uint64_t booted_inside[SPMC_MAX_SPS];
	ffa_id_t booted_id[SPMC_MAX_SPS];
	struct {
		uint64_t step[WARM_STEPS];
		unsigned int boots;
	} warm[MAX_CPUS];
};

extern struct boot_record boot_record;

static inline uint64_t boot_ticks(void)
{
	return read_sysreg(cntpct_el0);
}

static inline void boot_mark(enum boot_step s)
{
	boot_record.step[s] = boot_ticks();
}

static inline void boot_mark_loaded(unsigned int n, ffa_id_t id)
{
	boot_record.loaded[n] = boot_ticks();
	boot_record.loaded_id[n] = id;
}

static inline void boot_mark_booted(unsigned int n, ffa_id_t id, uint64_t inside)
{
	boot_record.booted[n] = boot_ticks();
	boot_record.booted_inside[n] = inside;
	boot_record.booted_id[n] = id;
}

static inline void boot_mark_warm(unsigned int cpu, enum warm_step s)
{
	boot_record.warm[cpu].step[s] = boot_ticks();
}

#endif /* SPMC_BOOT_RECORD_H */
