/*
 * Firmware calls from guests (SMC or HVC, SMCCC): PSCI 1.1 and the SMCCC
 * architecture calls, answered by tzvisor itself. Pure logic on the VM's
 * vCPU power states, so that host tests drive the state machine.
 *
 * Supported (PSCI 1.1, DEN0022D): PSCI_VERSION, PSCI_FEATURES, CPU_ON,
 * CPU_OFF, CPU_SUSPEND (any state is entered as standby: the call returns
 * SUCCESS when the vCPU is woken, which the spec allows), AFFINITY_INFO
 * (level 0 only), MIGRATE_INFO_TYPE (2: no Trusted OS to migrate),
 * SYSTEM_OFF, SYSTEM_RESET. Everything else answers NOT_SUPPORTED: the
 * SMCCC's own calls and the TRNG are hyp/smccc.h's, FF-A is hyp/ffa.h's.
 */
#ifndef HYP_PSCI_H
#define HYP_PSCI_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

#define PSCI_0_2_FN(n) (0x84000000U + (n))
#define PSCI_0_2_FN64(n) (0xC4000000U + (n))
#define PSCI_VERSION PSCI_0_2_FN(0)
#define PSCI_CPU_SUSPEND PSCI_0_2_FN(1)
#define PSCI_CPU_SUSPEND64 PSCI_0_2_FN64(1)
#define PSCI_CPU_OFF PSCI_0_2_FN(2)
#define PSCI_CPU_ON PSCI_0_2_FN(3)
#define PSCI_CPU_ON64 PSCI_0_2_FN64(3)
#define PSCI_AFFINITY_INFO PSCI_0_2_FN(4)
#define PSCI_AFFINITY_INFO64 PSCI_0_2_FN64(4)
#define PSCI_MIGRATE_INFO_TYPE PSCI_0_2_FN(6)
#define PSCI_SYSTEM_OFF PSCI_0_2_FN(8)
#define PSCI_SYSTEM_RESET PSCI_0_2_FN(9)
#define PSCI_FEATURES PSCI_0_2_FN(10)
#define SMCCC_VERSION 0x80000000U /* PSCI_FEATURES reports it (hyp/smccc.h answers it) */

#define PSCI_VERSION_1_1 0x10001U

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_INVALID_ADDRESS (-9)

/* AFFINITY_INFO answers. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/* What the run loop does after a firmware call. */
enum psci_action {
	PSCI_ACT_RETURN, /* write x0 back and resume the caller */
	PSCI_ACT_WAKE, /* the same, and kick `wake` (CPU_ON): it may run now */
	PSCI_ACT_SUSPEND, /* x0 = SUCCESS, but the caller waits for an interrupt first */
	PSCI_ACT_CPU_OFF, /* the caller is off: it runs no more until a CPU_ON */
	PSCI_ACT_SYSTEM_OFF, /* the VM powered itself off */
	PSCI_ACT_SYSTEM_RESET, /* the VM asked to be reset */
};

struct psci_result {
	enum psci_action action;
	uint64_t x0;
	struct vcpu *wake;
};

/*
 * A firmware call from `caller` with x0-x3 in `x` (the function ID in w0;
 * SMC32 calls see only the low 32 bits of their arguments). The caller's VM
 * lock must be held: CPU_ON changes another vCPU's power state. Arguments are
 * checked before anything changes.
 */
struct psci_result psci_call(struct vcpu *caller, const uint64_t x[4]);

/* The vCPU of `vm_vcpu_count` a PSCI target MPIDR names (Aff0 = index), or -1. */
int psci_mpidr_to_index(uint64_t mpidr, unsigned int vm_vcpu_count);

#endif
