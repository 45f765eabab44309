/* Building VMs at boot (vm.c), and the pieces of it the run loop reuses. */
#ifndef HYP_VM_CREATE_H
#define HYP_VM_CREATE_H

#include <stdbool.h>

#include "core/palloc.h"
#include "hyp/ram.h"
#include "hyp/vm.h"

#define VM_IPA_BITS 39U /* VTCR_EL2.T0SZ in run.c matches */

/* Creates VM number vm_count + 1 from c; false with *why if it cannot be built. */
bool vm_create(const struct vm_config *c, struct ram *ram, const char **why);
/* A vCPU that CPU_ON made ON_PENDING starts at its entry with x0 = context (vm->lock held). */
void vcpu_start_pending(struct vcpu *v);
/* The page pool stage-2 tables come from (boot.c). */
struct palloc *vm_table_pool(void);

#endif
