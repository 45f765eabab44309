/*
 * Host tests for the minimal answers to Hafnium's interrupt calls
 * (src/spmc/hf_stub.c): exact x0, every other register zero, the
 * first-enable log flag, and -1 for every malformed call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "spmc/hf_stub.h"

#define FAIL UINT64_MAX

static uint64_t call(bool *logged, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct ffa_value a = {.x = {x0, x1, x2, x3}};
	struct ffa_value r;
	memset(&r, 0xA5, sizeof(r));
	hf_stub_call(0x8004, logged, &a, &r);
	for (unsigned int i = 1; i < sizeof(r.x) / sizeof(r.x[0]); i++) {
		assert_int_equal(r.x[i], 0);
	}
	return r.x[0];
}

static void is_call(void **state)
{
	(void)state;
	assert_true(hf_stub_is_call(0xff00));
	assert_true(hf_stub_is_call(0xff03));
	assert_true(hf_stub_is_call(0xffff));
	assert_false(hf_stub_is_call(0xfeff));
	assert_false(hf_stub_is_call(0x10000));
	assert_false(hf_stub_is_call(0x84000063)); /* FFA_VERSION */
	assert_false(hf_stub_is_call(0x80000000)); /* SMCCC_VERSION */
}

/* OP-TEE's boot sequence (core/drivers/hfic.c): both calls must return 0. */
static void optee_boot(void **state)
{
	(void)state;
	bool logged = false;
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 1, 0), 0);
	assert_true(logged);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 2, 1), 0);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 2, 0), 0);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 0, 0), 0);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 1019, 1, 1), 0);
	assert_true(logged);
}

static void disable_first_does_not_log(void **state)
{
	(void)state;
	bool logged = false;
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 0, 0), 0);
	assert_false(logged);
}

static void get_none_pending(void **state)
{
	(void)state;
	bool logged = false;
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_GET, 0, 0, 0), 0xFFFFFFFFU);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 1, 0), 0);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_GET, 0, 0, 0), 0xFFFFFFFFU);
}

static void bad_calls(void **state)
{
	(void)state;
	bool logged = false;
	/* Nothing was delivered, so nothing can be deactivated. */
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_DEACTIVATE, 40, 40, 0), FAIL);
	/* ENABLE: INTID 1020 and up, x2 or x3 beyond 1. */
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 1020, 1, 0), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, UINT64_MAX, 1, 0), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 1ULL << 32 | 40, 1, 0), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 2, 0), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_ENABLE, 40, 1, 2), FAIL);
	/* RECONFIGURE: only the enable command, with 0 or 1. */
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 0, 1), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 1, 0), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 3, 1), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 40, 2, 2), FAIL);
	assert_int_equal(call(&logged, HF_STUB_INTERRUPT_RECONFIGURE, 1020, 2, 1), FAIL);
	/* Other Hafnium calls (SEND_IPI, mailbox, ...). */
	assert_int_equal(call(&logged, 0xff0a, 0, 0, 0), FAIL);
	assert_int_equal(call(&logged, 0xff00, 0, 0, 0), FAIL);
	assert_int_equal(call(&logged, 0xffff, 0, 0, 0), FAIL);
	assert_false(logged); /* no refused call logs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(is_call),
		cmocka_unit_test(optee_boot),
		cmocka_unit_test(disable_first_does_not_log),
		cmocka_unit_test(get_none_pending),
		cmocka_unit_test(bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
