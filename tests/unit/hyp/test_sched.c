/* Host tests of vCPU placement and round-robin choice (src/hyp/sched.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/sched.h"

static struct vm a, b;

static void make_vm(struct vm *vm, unsigned int n)
{
	memset(vm, 0, sizeof(*vm));
	vm->vcpu_count = n;
	vm->state = VM_RUNNING;
	for (unsigned int i = 0; i < n; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].index = i;
		vm->vcpus[i].power = VCPU_ON;
		sched_assign(&vm->vcpus[i]);
	}
}

static int setup(void **state)
{
	(void)state;
	sched_init(4);
	make_vm(&a, 4);
	make_vm(&b, 2);
	return 0;
}

static void test_placement_spreads(void **state)
{
	(void)state;
	/* VM a takes CPUs 0-3, VM b the two least loaded: 0 and 1 again. */
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(a.vcpus[i].pcpu, i);
	}
	assert_int_equal(b.vcpus[0].pcpu, 0);
	assert_int_equal(b.vcpus[1].pcpu, 1);
	assert_int_equal(sched_cpus[0].count, 2);
	assert_int_equal(sched_cpus[2].count, 1);
}

static void test_round_robin(void **state)
{
	(void)state;
	/* CPU 0 alternates between a's vCPU 0 and b's vCPU 0. */
	struct vcpu *first = sched_pick(0), *second = sched_pick(0), *third = sched_pick(0);
	assert_ptr_equal(first, &a.vcpus[0]);
	assert_ptr_equal(second, &b.vcpus[0]);
	assert_ptr_equal(third, &a.vcpus[0]);
	assert_int_equal(sched_runnable_count(0), 2);
	assert_ptr_equal(sched_pick(2), &a.vcpus[2]);
	assert_ptr_equal(sched_pick(2), &a.vcpus[2]);
}

static void test_blocked_off_and_stopped_skipped(void **state)
{
	(void)state;
	a.vcpus[0].blocked = true;
	assert_ptr_equal(sched_pick(0), &b.vcpus[0]);
	assert_ptr_equal(sched_pick(0), &b.vcpus[0]);
	assert_int_equal(sched_runnable_count(0), 1);
	b.state = VM_STOPPED;
	assert_null(sched_pick(0));
	assert_int_equal(sched_runnable_count(0), 0);
	a.vcpus[0].blocked = false;
	assert_ptr_equal(sched_pick(0), &a.vcpus[0]);
	a.vcpus[1].power = VCPU_OFF;
	assert_null(sched_pick(1));
	a.vcpus[1].power = VCPU_ON_PENDING; /* CPU_ON: runnable, it starts when picked */
	assert_ptr_equal(sched_pick(1), &a.vcpus[1]);
}

/* A partition vCPU that yielded with a timeout (VCPU_FFA_YIELDED) is not picked until it runs. */
static void test_yielded_not_picked(void **state)
{
	(void)state;
	/* CPU 2: a's vCPU 2 only. */
	a.vcpus[2].ffa.wait = VCPU_FFA_YIELDED;
	assert_false(sched_runnable(&a.vcpus[2]));
	assert_null(sched_pick(2));
	assert_int_equal(sched_runnable_count(2), 0);
	a.vcpus[2].ffa.wait = VCPU_FFA_RUNNING;
	assert_ptr_equal(sched_pick(2), &a.vcpus[2]);
}

/* FFA_YIELD's timeout in counter ticks: rounded up, exact, saturating, never overflowing. */
static void test_ns_to_ticks(void **state)
{
	(void)state;
	assert_int_equal(sched_ns_to_ticks(0, 62500000), 0);
	assert_int_equal(sched_ns_to_ticks(1, 62500000), 1); /* 0.0625 tick: rounded up */
	assert_int_equal(sched_ns_to_ticks(16, 62500000), 1);
	assert_int_equal(sched_ns_to_ticks(17, 62500000), 2);
	assert_int_equal(sched_ns_to_ticks(2000000, 62500000), 125000); /* 2 ms */
	assert_int_equal(sched_ns_to_ticks(2000000, 1000000000), 2000000); /* icount: 1 GHz */
	assert_int_equal(sched_ns_to_ticks(3000000001ULL, 1000000000), 3000000001ULL);
	assert_int_equal(sched_ns_to_ticks(1000000000ULL * 1000, 62500000), 62500000ULL * 1000);
	/* The largest timeout FFA_YIELD can carry: no wrap-around to a short wait. */
	assert_true(sched_ns_to_ticks(UINT64_MAX, 62500000) ==
		    UINT64_MAX / 1000000000ULL * 62500000ULL +
			    (UINT64_MAX % 1000000000ULL * 62500000ULL + 999999999ULL) /
				    1000000000ULL);
	assert_true(sched_ns_to_ticks(UINT64_MAX, UINT64_MAX) == UINT64_MAX);
	assert_true(sched_ns_to_ticks(1000000000ULL * 4, UINT64_MAX / 2) == UINT64_MAX);
	assert_int_equal(sched_ns_to_ticks(12345, 0), 0);
}

static void test_more_vcpus_than_cpus_all_get_turns(void **state)
{
	(void)state;
	unsigned int turns[2][4] = {{0}};
	for (unsigned int round = 0; round < 100; round++) {
		for (unsigned int c = 0; c < 4; c++) {
			struct vcpu *v = sched_pick(c);
			assert_non_null(v);
			turns[v->vm == &b][v->index]++;
		}
	}
	/* CPUs 0 and 1 are shared half and half; 2 and 3 give every turn to a. */
	assert_int_equal(turns[0][0], 50);
	assert_int_equal(turns[1][0], 50);
	assert_int_equal(turns[0][1], 50);
	assert_int_equal(turns[1][1], 50);
	assert_int_equal(turns[0][2], 100);
	assert_int_equal(turns[0][3], 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_placement_spreads, setup),
		cmocka_unit_test_setup(test_round_robin, setup),
		cmocka_unit_test_setup(test_blocked_off_and_stopped_skipped, setup),
		cmocka_unit_test_setup(test_more_vcpus_than_cpus_all_get_turns, setup),
		cmocka_unit_test_setup(test_yielded_not_picked, setup),
		cmocka_unit_test(test_ns_to_ticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
