/* The SPMC role: state shared by its boot code and its SPMD loop. */
#ifndef SPMC_SPMC_H
#define SPMC_SPMC_H

#include <stdint.h>

#include "core/mm.h"
#include "core/spinlock.h"
#include "ffa/ffa_core.h"
#include "ffa/rxtx.h"
#include "spmc/manifest.h"

struct spmc {
	struct spmc_manifest manifest;
	struct ffa_instance inst;
	/* The normal world as one FF-A endpoint (ID 0: no hypervisor yet). */
	struct ffa_endpoint nwd;
	struct ffa_rxtx nwd_rxtx;
	/* tzvisor's own EL2 stage-1 tables; changed at run time under stage1_lock. */
	struct mm_ptable *stage1;
	struct spinlock stage1_lock;
};

extern struct spmc spmc;

#define PSCI_CPU_OFF_FID 0x84000002U

/* Per-CPU loop: ends initialisation with FFA_MSG_WAIT, then serves requests forever. */
__attribute__((noreturn)) void spmc_serve(void);

/*
 * One request from the SPMD (normal-world call or framework message),
 * answered in place: x0-x7 written, x8-x17 kept unless the ABI returns
 * results there (the SPMD passes x0-x17 through both ways).
 */
void spmc_handle(struct ffa_value *v);

/* Entry points (entry.S). */
void spmc_entry(void);
void spmc_secondary_entry(void);

#endif /* SPMC_SPMC_H */
