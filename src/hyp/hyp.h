/* The hypervisor role: what its boot code, run loop and devices share. */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mm.h"
#include "hyp/machine.h"
#include "hyp/ram.h"
#include "hyp/smccc.h"

/* Physical interrupts tzvisor itself uses. */
#define HYP_SGI_KICK 0U /* another CPU changed something this CPU must look at */

struct hyp {
	struct machine m;
	struct ram ram;
	struct mm_ptable *stage1;
	unsigned int cpus_on; /* how many physical CPUs run the scheduler */
	uint64_t cntfrq;
	struct smccc_caps smccc; /* what guests' SMCCC_ARCH_FEATURES and TRNG calls get */
};

extern struct hyp hyp;

/* Powers the machine off (PSCI SYSTEM_OFF to the firmware below); does not return. */
__attribute__((noreturn)) void hyp_machine_off(const char *why);
/* Makes physical CPU `pcpu` look at its vCPUs again (an SGI; nothing if it is this CPU). */
void hyp_kick(unsigned int pcpu);

/* Entry points (entry.S). */
void hyp_entry_secondary(void);

#endif
