/*
 * Host tests of the guests' PSCI 1.1 state machine (src/hyp/psci.c): answers,
 * CPU_ON/OFF/AFFINITY_INFO transitions, and wrong arguments refused with
 * the exact PSCI error and no change of state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/psci.h"
#include "hyp/vm.h"

static struct vm vm;

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.vcpu_count = 4;
	vm.mem_ipa = 0x40000000;
	vm.mem_size = 0x10000000;
	for (unsigned int i = 0; i < vm.vcpu_count; i++) {
		vm.vcpus[i].vm = &vm;
		vm.vcpus[i].index = i;
	}
	vm.vcpus[0].power = VCPU_ON;
	return 0;
}

static struct psci_result call(unsigned int from, uint64_t x0, uint64_t x1, uint64_t x2,
			       uint64_t x3)
{
	uint64_t x[4] = {x0, x1, x2, x3};
	return psci_call(&vm.vcpus[from], x);
}

static int64_t ret(unsigned int from, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct psci_result r = call(from, x0, x1, x2, x3);
	return (int64_t)r.x0;
}

static void powers(enum vcpu_power p0, enum vcpu_power p1, enum vcpu_power p2, enum vcpu_power p3)
{
	assert_int_equal(vm.vcpus[0].power, p0);
	assert_int_equal(vm.vcpus[1].power, p1);
	assert_int_equal(vm.vcpus[2].power, p2);
	assert_int_equal(vm.vcpus[3].power, p3);
}

static void test_discovery(void **state)
{
	(void)state;
	assert_int_equal(ret(0, PSCI_VERSION, 0, 0, 0), 0x10001);
	assert_int_equal(ret(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	assert_int_equal(ret(0, PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), 0);
	assert_int_equal(ret(0, PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0), 0);
	assert_int_equal(ret(0, PSCI_FEATURES, PSCI_CPU_SUSPEND, 0, 0), 0);
	assert_int_equal(ret(0, PSCI_FEATURES, 0x84000012U, 0, 0), PSCI_NOT_SUPPORTED);
	assert_int_equal(ret(0, PSCI_FEATURES, SMCCC_VERSION, 0, 0), 0);
	/* The SMCCC's own calls are hyp/smccc.c's: not PSCI's. */
	assert_int_equal(ret(0, SMCCC_VERSION, 0, 0, 0), PSCI_NOT_SUPPORTED);
	assert_int_equal(ret(0, 0xC2000000U, 0, 0, 0), PSCI_NOT_SUPPORTED);
	assert_int_equal(ret(0, 0x0, 0, 0, 0), PSCI_NOT_SUPPORTED);
	/* Upper 32 bits of the function ID are ignored (SMCCC: w0). */
	assert_int_equal(ret(0, 0xFFFFFFFF00000000ULL | PSCI_VERSION, 0, 0, 0), 0x10001);
	powers(VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

static void test_cpu_on_cycle(void **state)
{
	(void)state;
	struct psci_result r = call(0, PSCI_CPU_ON64, 2, 0x40080000, 0xABCDEF0123ULL);
	assert_int_equal(r.action, PSCI_ACT_WAKE);
	assert_int_equal((int64_t)r.x0, PSCI_SUCCESS);
	assert_ptr_equal(r.wake, &vm.vcpus[2]);
	assert_int_equal(vm.vcpus[2].on_entry, 0x40080000);
	assert_int_equal(vm.vcpus[2].on_context, 0xABCDEF0123ULL);
	powers(VCPU_ON, VCPU_OFF, VCPU_ON_PENDING, VCPU_OFF);
	assert_int_equal(ret(0, PSCI_AFFINITY_INFO64, 2, 0, 0), PSCI_AFF_ON_PENDING);
	assert_int_equal(ret(0, PSCI_CPU_ON64, 2, 0x40080000, 0), PSCI_ON_PENDING);
	vm.vcpus[2].power = VCPU_ON; /* the run loop started it */
	assert_int_equal(ret(0, PSCI_AFFINITY_INFO64, 2, 0, 0), PSCI_AFF_ON);
	assert_int_equal(ret(0, PSCI_CPU_ON64, 2, 0x40080000, 0), PSCI_ALREADY_ON);
	r = call(2, PSCI_CPU_OFF, 0, 0, 0);
	assert_int_equal(r.action, PSCI_ACT_CPU_OFF);
	vm.vcpus[2].power = VCPU_OFF; /* the run loop's part */
	assert_int_equal(ret(1 - 1, PSCI_AFFINITY_INFO64, 2, 0, 0), PSCI_AFF_OFF);
}

static void test_cpu_on_smc32_truncates(void **state)
{
	(void)state;
	/* SMC32: only w1-w3 count; the upper halves are ignored. */
	struct psci_result r = call(0, PSCI_CPU_ON, 0xFFFFFFFF00000003ULL, 0xFFFFFFFF40100000ULL,
				    0x1234500000007ULL);
	assert_int_equal((int64_t)r.x0, PSCI_SUCCESS);
	assert_int_equal(vm.vcpus[3].on_entry, 0x40100000);
	assert_int_equal(vm.vcpus[3].on_context, 7);
}

static void test_bad_arguments_change_nothing(void **state)
{
	(void)state;
	struct {
		uint64_t x0, x1, x2, x3;
		int64_t want;
	} bad[] = {
		{PSCI_CPU_ON64, 4, 0x40080000, 0, PSCI_INVALID_PARAMETERS}, /* no vCPU 4 */
		{PSCI_CPU_ON64, 0x100, 0x40080000, 0, PSCI_INVALID_PARAMETERS}, /* Aff1 */
		{PSCI_CPU_ON64, 0x100000000ULL, 0x40080000, 0, PSCI_INVALID_PARAMETERS}, /* Aff3 */
		{PSCI_CPU_ON64, 1ULL << 31, 0x40080000, 0, PSCI_INVALID_PARAMETERS}, /* RES1 bit */
		{PSCI_CPU_ON64, 1, 0x0, 0, PSCI_INVALID_ADDRESS},
		{PSCI_CPU_ON64, 1, 0x3FFFFFFC, 0, PSCI_INVALID_ADDRESS},
		{PSCI_CPU_ON64, 1, 0x50000000, 0, PSCI_INVALID_ADDRESS}, /* just past RAM */
		{PSCI_CPU_ON64, 1, 0x40080002, 0, PSCI_INVALID_ADDRESS}, /* unaligned */
		{PSCI_CPU_ON64, 1, UINT64_MAX, 0, PSCI_INVALID_ADDRESS},
		{PSCI_CPU_ON64, 0, 0x40080000, 0, PSCI_ALREADY_ON},
		{PSCI_AFFINITY_INFO64, 1, 1, 0, PSCI_INVALID_PARAMETERS}, /* level 1 */
		{PSCI_AFFINITY_INFO64, 1, 3, 0, PSCI_INVALID_PARAMETERS},
		{PSCI_AFFINITY_INFO64, 9, 0, 0, PSCI_INVALID_PARAMETERS},
		{PSCI_CPU_SUSPEND, 0x04000000, 0, 0, PSCI_INVALID_PARAMETERS}, /* reserved bit */
		{PSCI_CPU_SUSPEND64, 1ULL << 40, 0, 0, PSCI_INVALID_PARAMETERS},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct psci_result r = call(0, bad[i].x0, bad[i].x1, bad[i].x2, bad[i].x3);
		assert_int_equal(r.action, PSCI_ACT_RETURN);
		if ((int64_t)r.x0 != bad[i].want) {
			fail_msg("case %zu: got %lld, want %lld", i, (long long)r.x0,
				 (long long)bad[i].want);
		}
		powers(VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
		assert_int_equal(vm.vcpus[1].on_entry, 0);
	}
}

static void test_system_calls(void **state)
{
	(void)state;
	assert_int_equal(call(0, PSCI_SYSTEM_OFF, 0, 0, 0).action, PSCI_ACT_SYSTEM_OFF);
	assert_int_equal(call(0, PSCI_SYSTEM_RESET, 0, 0, 0).action, PSCI_ACT_SYSTEM_RESET);
	struct psci_result r = call(0, PSCI_CPU_SUSPEND, 0x10000, 0x40080000, 0);
	assert_int_equal(r.action, PSCI_ACT_SUSPEND);
	assert_int_equal((int64_t)r.x0, PSCI_SUCCESS);
}

static void test_mpidr_to_index(void **state)
{
	(void)state;
	assert_int_equal(psci_mpidr_to_index(0, 1), 0);
	assert_int_equal(psci_mpidr_to_index(7, 8), 7);
	assert_int_equal(psci_mpidr_to_index(8, 8), -1);
	assert_int_equal(psci_mpidr_to_index(0x80000000ULL, 8), -1);
	assert_int_equal(psci_mpidr_to_index(0x10000, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_discovery, setup),
		cmocka_unit_test_setup(test_cpu_on_cycle, setup),
		cmocka_unit_test_setup(test_cpu_on_smc32_truncates, setup),
		cmocka_unit_test_setup(test_bad_arguments_change_nothing, setup),
		cmocka_unit_test_setup(test_system_calls, setup),
		cmocka_unit_test_setup(test_mpidr_to_index, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
