/* Guests' firmware calls: PSCI 1.1 and SMCCC discovery (see psci.h). */
#include "hyp/psci.h"

#include "hyp/vm.h"

/* MPIDR affinity fields a PSCI target may carry: Aff3 [39:32], Aff2-Aff0 [23:0]. */
#define MPIDR_AFF_MASK 0xFF00FFFFFFULL

int psci_mpidr_to_index(uint64_t mpidr, unsigned int vm_vcpu_count)
{
	/* vCPUs are numbered by Aff0 in one cluster (VMPIDR_EL2 as set by vm.c). */
	if ((mpidr & ~MPIDR_AFF_MASK) != 0 || (mpidr & ~0xFFULL) != 0 || mpidr >= vm_vcpu_count) {
		return -1;
	}
	return (int)mpidr;
}

static struct psci_result ret(int64_t v)
{
	return (struct psci_result){PSCI_ACT_RETURN, (uint64_t)v, NULL};
}

static bool ipa_in_ram(const struct vm *vm, uint64_t ipa)
{
	return ipa >= vm->mem_ipa && ipa - vm->mem_ipa < vm->mem_size && (ipa & 3U) == 0;
}

static struct psci_result cpu_on(struct vcpu *caller, uint64_t target, uint64_t entry, uint64_t ctx,
				 bool is64)
{
	struct vm *vm = caller->vm;

	if (!is64) {
		target = (uint32_t)target;
		entry = (uint32_t)entry;
		ctx = (uint32_t)ctx;
	}
	int idx = psci_mpidr_to_index(target, vm->vcpu_count);
	if (idx < 0) {
		return ret(PSCI_INVALID_PARAMETERS);
	}
	struct vcpu *t = &vm->vcpus[idx];
	if (t->power == VCPU_ON) {
		return ret(PSCI_ALREADY_ON);
	}
	if (t->power == VCPU_ON_PENDING) {
		return ret(PSCI_ON_PENDING);
	}
	if (!ipa_in_ram(vm, entry)) {
		return ret(PSCI_INVALID_ADDRESS);
	}
	t->power = VCPU_ON_PENDING;
	t->on_entry = entry;
	t->on_context = ctx;
	return (struct psci_result){PSCI_ACT_WAKE, PSCI_SUCCESS, t};
}

static int64_t affinity_info(const struct vcpu *caller, uint64_t target, uint64_t level, bool is64)
{
	if (!is64) {
		target = (uint32_t)target;
		level = (uint32_t)level;
	}
	int idx = psci_mpidr_to_index(target, caller->vm->vcpu_count);
	if (idx < 0 || level != 0) {
		return PSCI_INVALID_PARAMETERS;
	}
	switch (caller->vm->vcpus[idx].power) {
	case VCPU_ON:
		return PSCI_AFF_ON;
	case VCPU_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	case VCPU_OFF:
		break;
	}
	return PSCI_AFF_OFF;
}

/* PSCI_FEATURES: 0 for what is implemented (CPU_SUSPEND: original format, no OSI). */
static int64_t features(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

/* CPU_SUSPEND power_state, original format: StateID [15:0], StateType [16], level [25:24]. */
#define PSTATE_VALID_MASK 0x0301FFFFULL

struct psci_result psci_call(struct vcpu *caller, const uint64_t x[4])
{
	uint32_t fid = (uint32_t)x[0];

	switch (fid) {
	case PSCI_VERSION:
		return ret(PSCI_VERSION_1_1);
	case PSCI_FEATURES:
		return ret(features((uint32_t)x[1]));
	case PSCI_CPU_ON:
	case PSCI_CPU_ON64:
		return cpu_on(caller, x[1], x[2], x[3], fid == PSCI_CPU_ON64);
	case PSCI_CPU_OFF:
		return (struct psci_result){PSCI_ACT_CPU_OFF, (uint64_t)PSCI_DENIED, NULL};
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
		return ret(affinity_info(caller, x[1], x[2], fid == PSCI_AFFINITY_INFO64));
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND64: {
		uint64_t pstate = fid == PSCI_CPU_SUSPEND ? (uint32_t)x[1] : x[1];
		if ((pstate & ~PSTATE_VALID_MASK) != 0) {
			return ret(PSCI_INVALID_PARAMETERS);
		}
		return (struct psci_result){PSCI_ACT_SUSPEND, PSCI_SUCCESS, NULL};
	}
	case PSCI_MIGRATE_INFO_TYPE:
		return ret(2);
	case PSCI_SYSTEM_OFF:
		return (struct psci_result){PSCI_ACT_SYSTEM_OFF, PSCI_SUCCESS, NULL};
	case PSCI_SYSTEM_RESET:
		return (struct psci_result){PSCI_ACT_SYSTEM_RESET, PSCI_SUCCESS, NULL};
	default:
		return ret(PSCI_NOT_SUPPORTED);
	}
}
