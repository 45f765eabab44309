/*
 * Host tests of guests' SMCCC calls (src/hyp/smccc.c): SMCCC_VERSION 1.2,
 * SMCCC_ARCH_FEATURES with the workaround answers derived from ID register
 * values, the TRNG interface with and without RNDR, its argument checks and
 * the bits it returns, and NOT_SUPPORTED for everything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_arch.h"
#include "hyp/smccc.h"

#define CSV2(v) ((uint64_t)(v) << 56)
#define SSBS(v) ((uint64_t)(v) << 4)
#define ECBHB(v) ((uint64_t)(v) << 60)
#define RNDR(v) ((uint64_t)(v) << 60)

/* QEMU -cpu max: CSV2_3, SSBS, ECBHB, RNDR. */
static const struct smccc_id_regs qemu_max = {CSV2(3), SSBS(2), ECBHB(1), RNDR(1)};
static const struct smccc_id_regs old_cpu = {0, 0, 0, 0};

static int64_t call(const struct smccc_caps *c, uint64_t x0, uint64_t x1, uint64_t out[4])
{
	out[0] = x0;
	out[1] = x1;
	out[2] = 0xAAAA;
	out[3] = 0xBBBB;
	smccc_call(c, out);
	return (int64_t)out[0];
}

static void test_ownership(void **state)
{
	(void)state;
	assert_true(smccc_owns(SMCCC_VERSION_FID));
	assert_true(smccc_owns(SMCCC_ARCH_WORKAROUND_1));
	assert_true(smccc_owns(0x8000FFFFU));
	assert_true(smccc_owns(TRNG_VERSION));
	assert_true(smccc_owns(TRNG_RND64));
	assert_true(smccc_owns(0x8400005FU));
	assert_false(smccc_owns(0x84000000U)); /* PSCI */
	assert_false(smccc_owns(0x84000063U)); /* FF-A */
	assert_false(smccc_owns(0xC0000000U)); /* SMC64 of owner 0: no such calls */
	assert_false(smccc_owns(0x84000060U));
	assert_false(smccc_owns(0x86000000U)); /* vendor hypervisor service */
}

static void test_version_and_features(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];

	smccc_caps_from_id(&qemu_max, &c);
	assert_int_equal(call(&c, SMCCC_VERSION_FID, 0, x), 0x10002);
	assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_VERSION_FID, x), 0);
	assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_FEATURES_FID, x), 0);
	assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_SOC_ID_FID, x), -1);
	assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, 0x8000FFFFU, x), -1);
	assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, 0x84000000U, x), -1);
	/* Only w0 and w1 count. */
	assert_int_equal(call(&c, 0xFFFFFFFF00000000ULL | SMCCC_ARCH_FEATURES_FID,
			      0xFFFFFFFF00000000ULL | SMCCC_VERSION_FID, x),
			 0);
	/* Results only in x0: x2, x3 untouched. */
	assert_int_equal(x[2], 0xAAAA);
	assert_int_equal(x[3], 0xBBBB);
	assert_int_equal(call(&c, SMCCC_ARCH_SOC_ID_FID, 0, x), -1);
	assert_int_equal(call(&c, 0x8000FFFFU, 0, x), -1);
}

static void test_workarounds_follow_id_registers(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];
	struct {
		struct smccc_id_regs id;
		int32_t wa1, wa2, wa3;
	} cases[] = {
		{qemu_max, 1, 1, 1},
		{old_cpu, -1, -1, -1},
		{{CSV2(1), 0, 0, 0}, 1, -1, -1}, /* CSV2 without CSV2_3 or ECBHB: BHB affected */
		{{CSV2(1), 0, ECBHB(1), 0}, 1, -1, 1},
		{{CSV2(2), SSBS(1), 0, 0}, 1, 1, -1},
		{{CSV2(3), 0, 0, 0}, 1, -1, 1},
		{{0, SSBS(1), ECBHB(1), 0}, -1, 1, -1}, /* WORKAROUND_3 stands in for _1 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		smccc_caps_from_id(&cases[i].id, &c);
		assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_WORKAROUND_1, x),
				 cases[i].wa1);
		assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_WORKAROUND_2, x),
				 cases[i].wa2);
		assert_int_equal(call(&c, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_WORKAROUND_3, x),
				 cases[i].wa3);
		/* No workaround is ever offered as a call. */
		assert_int_equal(call(&c, SMCCC_ARCH_WORKAROUND_1, 0, x), -1);
		assert_int_equal(call(&c, SMCCC_ARCH_WORKAROUND_2, 1, x), -1);
		assert_int_equal(call(&c, SMCCC_ARCH_WORKAROUND_3, 0, x), -1);
	}
}

static void test_trng_without_rndr(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];

	smccc_caps_from_id(&old_cpu, &c);
	assert_false(c.trng);
	assert_int_equal(call(&c, TRNG_VERSION, 0, x), -1);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_RND64, x), -1);
	assert_int_equal(call(&c, TRNG_GET_UUID, 0, x), -1);
	assert_int_equal(call(&c, TRNG_RND64, 64, x), -1);
	assert_int_equal(x[1], 64); /* nothing returned */
	assert_int_equal(call(&c, TRNG_RND32, 32, x), -1);
}

static void test_trng_discovery(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];

	smccc_caps_from_id(&qemu_max, &c);
	assert_true(c.trng);
	assert_int_equal(call(&c, TRNG_VERSION, 0, x), 0x10000);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_VERSION, x), 0);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_FEATURES, x), 0);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_GET_UUID, x), 0);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_RND32, x), 0);
	assert_int_equal(call(&c, TRNG_FEATURES, TRNG_RND64, x), 0);
	assert_int_equal(call(&c, TRNG_FEATURES, 0x84000054U, x), -1);
	assert_int_equal(call(&c, TRNG_FEATURES, 0xC4000050U, x), -1);
	assert_int_equal(call(&c, 0x84000054U, 0, x), -1);
	assert_int_equal(call(&c, TRNG_GET_UUID, 0, x), 0x64f92125);
	assert_int_equal(x[1], 0x0a499ba2);
	assert_int_equal(x[2], 0xd775bab1);
	assert_int_equal(x[3], 0x236861cd);
}

static void test_trng_bits(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];

	smccc_caps_from_id(&qemu_max, &c);
	/* Wrong sizes: INVALID_PARAMETERS, nothing returned. */
	assert_int_equal(call(&c, TRNG_RND64, 0, x), -2);
	assert_int_equal(call(&c, TRNG_RND64, 193, x), -2);
	assert_int_equal(x[2], 0xAAAA);
	assert_int_equal(call(&c, TRNG_RND32, 97, x), -2);
	assert_int_equal(call(&c, TRNG_RND32, 0, x), -2);
	/* SMC32: w1 counts; 0x1_00000040 is 64 bits. */
	assert_int_equal(call(&c, TRNG_RND32, 0x100000040ULL, x), 0);

	fake_rndr_next = 0xFEDCBA9876543210ULL;
	assert_int_equal(call(&c, TRNG_RND64, 192, x), 0);
	assert_int_equal(x[3], 0xFEDCBA9876543210ULL); /* the first word goes to x3 */
	assert_true(x[2] != 0 && x[1] != 0 && x[1] != x[2]);

	fake_rndr_next = 0xFEDCBA9876543210ULL;
	assert_int_equal(call(&c, TRNG_RND64, 70, x), 0);
	assert_int_equal(x[3], 0xFEDCBA9876543210ULL);
	assert_true(x[2] < 64); /* 6 bits */
	assert_int_equal(x[1], 0);

	fake_rndr_next = 0xFEDCBA9876543210ULL;
	assert_int_equal(call(&c, TRNG_RND64, 12, x), 0);
	assert_int_equal(x[3], 0x210);
	assert_int_equal(x[2], 0);
	assert_int_equal(x[1], 0);

	/* RND32: 32-bit words, w3 the lowest. */
	fake_rndr_next = 0xFEDCBA9876543210ULL;
	assert_int_equal(call(&c, TRNG_RND32, 40, x), 0);
	assert_int_equal(x[3], 0x76543210);
	assert_true(x[2] < 256);
	assert_int_equal(x[1], 0);

	fake_rndr_next = 0xFEDCBA9876543210ULL;
	assert_int_equal(call(&c, TRNG_RND32, 96, x), 0);
	assert_true(x[1] <= UINT32_MAX && x[2] <= UINT32_MAX && x[3] == 0x76543210);
}

static void test_trng_no_entropy(void **state)
{
	(void)state;
	struct smccc_caps c;
	uint64_t x[4];

	smccc_caps_from_id(&qemu_max, &c);
	fake_rndr_failures = 3; /* a few failures: tried again */
	assert_int_equal(call(&c, TRNG_RND64, 64, x), 0);
	fake_rndr_failures = 1000; /* none at all */
	assert_int_equal(call(&c, TRNG_RND64, 64, x), -3);
	fake_rndr_failures = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ownership),
		cmocka_unit_test(test_version_and_features),
		cmocka_unit_test(test_workarounds_follow_id_registers),
		cmocka_unit_test(test_trng_without_rndr),
		cmocka_unit_test(test_trng_discovery),
		cmocka_unit_test(test_trng_bits),
		cmocka_unit_test(test_trng_no_entropy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
