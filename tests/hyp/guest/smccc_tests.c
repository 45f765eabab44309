/*
 * SMCCC for guests (hyp/smccc.h): SMCCC_ARCH_FEATURES answers for the
 * workaround calls as this CPU's ID registers say (read here independently),
 * the TRNG interface over both conduits, and calls nobody implements
 * answered NOT_SUPPORTED with the argument registers kept.
 */
#include <stdint.h>

#include "guest.h"

#define SMCCC_ARCH_FEATURES 0x80000001U
#define WA1 0x80008000U
#define WA2 0x80007FFFU
#define WA3 0x80003FFFU
#define TRNG_VERSION 0x84000050U
#define TRNG_FEATURES 0x84000051U
#define TRNG_GET_UUID 0x84000052U
#define TRNG_RND32 0x84000053U
#define TRNG_RND64 0xC4000053U

#define FIELD(v, shift) (((v) >> (shift)) & 0xFU)

static uint64_t id_reg(unsigned int which)
{
	uint64_t v = 0;

	switch (which) {
	case 0:
		__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
		break;
	case 1:
		__asm__ volatile("mrs %0, id_aa64pfr1_el1" : "=r"(v));
		break;
	case 2:
		__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(v));
		break;
	default:
		__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(v));
		break;
	}
	return v;
}

static void workarounds(void)
{
	uint64_t csv2 = FIELD(id_reg(0), 56), ssbs = FIELD(id_reg(1), 4);
	uint64_t ecbhb = FIELD(id_reg(2), 60);
	int64_t want1 = csv2 >= 1 ? 1 : -1, want2 = ssbs >= 1 ? 1 : -1;
	int64_t want3 = csv2 >= 1 && (csv2 >= 3 || ecbhb >= 1) ? 1 : -1;

	gprintf("smccc: CSV2 %llu SSBS %llu ECBHB %llu\n", (unsigned long long)csv2,
		(unsigned long long)ssbs, (unsigned long long)ecbhb);
	expect("smccc.features.arch_features", hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0),
	       0);
	expect("smccc.features.workaround_1", hvc(SMCCC_ARCH_FEATURES, WA1, 0, 0), want1);
	expect("smccc.features.workaround_2", smc(SMCCC_ARCH_FEATURES, WA2, 0, 0), want2);
	expect("smccc.features.workaround_3", hvc(SMCCC_ARCH_FEATURES, WA3, 0, 0), want3);
	expect("smccc.features.soc_id", hvc(SMCCC_ARCH_FEATURES, 0x80000002U, 0, 0), -1);
	/* QEMU's -cpu max is affected by none of them. */
	expect("smccc.qemu_max_needs_no_workaround", want1 == 1 && want2 == 1 && want3 == 1, true);
}

static void trng(void)
{
	bool rndr = FIELD(id_reg(3), 60) >= 1;
	uint64_t x[4] = {TRNG_VERSION, 0, 0, 0};

	hvc4(x);
	expect("trng.version", (int64_t)x[0], rndr ? 0x10000 : -1);
	if (!rndr) {
		expect("trng.rnd64_without_rndr", hvc(TRNG_RND64, 64, 0, 0), -1);
		return;
	}
	expect("trng.features.rnd64", hvc(TRNG_FEATURES, TRNG_RND64, 0, 0), 0);
	expect("trng.features.rnd32", smc(TRNG_FEATURES, TRNG_RND32, 0, 0), 0);
	expect("trng.features.unknown", hvc(TRNG_FEATURES, 0x84000054U, 0, 0), -1);
	x[0] = TRNG_GET_UUID;
	hvc4(x);
	expect("trng.uuid",
	       x[0] == 0x64f92125U && x[1] == 0x0a499ba2U && x[2] == 0xd775bab1U &&
		       x[3] == 0x236861cdU,
	       true);
	/* 192 bits twice: they differ, and none of the three words is stuck at zero. */
	uint64_t a[4] = {TRNG_RND64, 192, 0, 0}, b[4] = {TRNG_RND64, 192, 0, 0};
	hvc4(a);
	smc4(b);
	expect("trng.rnd64_192", (int64_t)a[0], 0);
	expect("trng.rnd64_192_smc", (int64_t)b[0], 0);
	expect("trng.rnd64_differ",
	       (a[1] != b[1] || a[2] != b[2] || a[3] != b[3]) && a[1] != 0 && a[2] != 0, true);
	/* 12 bits: right-aligned in x3, everything above zero. */
	uint64_t c[4] = {TRNG_RND64, 12, 0x55, 0x55};
	hvc4(c);
	expect("trng.rnd64_12_bits", c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] < 4096, true);
	uint64_t d[4] = {TRNG_RND32, 40, 0, 0};
	hvc4(d);
	expect("trng.rnd32_40_bits", d[0] == 0 && d[1] == 0 && d[2] < 256 && d[3] <= 0xFFFFFFFFU,
	       true);
	expect("trng.rnd64_too_many_bits", hvc(TRNG_RND64, 193, 0, 0), -2);
	expect("trng.rnd64_no_bits", smc(TRNG_RND64, 0, 0, 0), -2);
	expect("trng.rnd32_too_many_bits", hvc(TRNG_RND32, 97, 0, 0), -2);
}

/* Calls nobody implements: NOT_SUPPORTED, never passed on; x1-x3 as they were. */
static void unknown(void)
{
	static const uint32_t fids[] = {0x86000000U, 0xC6000001U, 0x83000000U, 0xC3000001U,
					0x8400005FU, 0xB0000000U, 0x8000FFFFU};
	bool ok = true;

	for (unsigned int i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		uint64_t x[4] = {fids[i], 0x1111, 0x2222, 0x3333};
		if (i % 2 == 0) {
			hvc4(x);
		} else {
			smc4(x);
		}
		if ((int64_t)x[0] != -1 || x[1] != 0x1111 || x[2] != 0x2222 || x[3] != 0x3333) {
			gprintf("smccc: 0x%x answered 0x%llx\n", fids[i], (unsigned long long)x[0]);
			ok = false;
		}
	}
	expect("smccc.unknown_not_supported", ok, true);
}

void suite_smccc(void)
{
	workarounds();
	trng();
	unknown();
}
