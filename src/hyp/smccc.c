/* Guests' SMCCC architecture calls and TRNG (see smccc.h). */
#include "hyp/smccc.h"

#include "arch/arch.h"

/* ID register fields (Arm ARM D19.2). */
#define PFR0_CSV2(v) (((v) >> 56) & 0xFU)
#define PFR1_SSBS(v) (((v) >> 4) & 0xFU)
#define MMFR1_ECBHB(v) (((v) >> 60) & 0xFU)
#define ISAR0_RNDR(v) (((v) >> 60) & 0xFU)

/*
 * tzvisor's TRNG implementation UUID (DEN0098 2.3: TRNG_GET_UUID),
 * 2521f964-a29b-490a-b1ba-75d7cd616823, as four words of its bytes in
 * order, the first byte in the low bits of w0 (the SMCCC UID convention).
 */
static const uint32_t trng_uuid[4] = {0x64f92125U, 0x0a499ba2U, 0xd775bab1U, 0x236861cdU};

#define RNDR_TRIES 16U

void smccc_caps_from_id(const struct smccc_id_regs *id, struct smccc_caps *caps)
{
	uint64_t csv2 = PFR0_CSV2(id->pfr0);

	/* Spectre v2: FEAT_CSV2 means branch targets do not leak across contexts. */
	caps->wa[0] = csv2 >= 1 ? SMCCC_WA_NOT_NEEDED : SMCCC_NOT_SUPPORTED;
	/* Speculative Store Bypass: with FEAT_SSBS the guest controls it itself (PSTATE.SSBS). */
	caps->wa[1] = PFR1_SSBS(id->pfr1) >= 1 ? SMCCC_WA_NOT_NEEDED : SMCCC_NOT_SUPPORTED;
	/* Spectre-BHB: FEAT_CSV2_3 or FEAT_ECBHB, and WORKAROUND_1's condition (it stands in). */
	caps->wa[2] = csv2 >= 1 && (csv2 >= 3 || MMFR1_ECBHB(id->mmfr1) >= 1) ? SMCCC_WA_NOT_NEEDED
									      : SMCCC_NOT_SUPPORTED;
	caps->trng = ISAR0_RNDR(id->isar0) >= 1;
}

bool smccc_owns(uint32_t fid)
{
	/* Fast calls of owner 0 (Arm architecture), SMC32; and the TRNG range of owner 4. */
	return (fid & 0xFFFF0000U) == 0x80000000U || (fid & ~0x4000000FU) == 0x84000050U;
}

static int64_t arch_features(const struct smccc_caps *caps, uint32_t fid)
{
	switch (fid) {
	case SMCCC_VERSION_FID:
	case SMCCC_ARCH_FEATURES_FID:
		return SMCCC_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_1:
		return caps->wa[0];
	case SMCCC_ARCH_WORKAROUND_2:
		return caps->wa[1];
	case SMCCC_ARCH_WORKAROUND_3:
		return caps->wa[2];
	default:
		return SMCCC_NOT_SUPPORTED;
	}
}

static int64_t trng_features(uint32_t fid)
{
	switch (fid) {
	case TRNG_VERSION:
	case TRNG_FEATURES:
	case TRNG_GET_UUID:
	case TRNG_RND32:
	case TRNG_RND64:
		return SMCCC_SUCCESS;
	default:
		return SMCCC_NOT_SUPPORTED;
	}
}

/* `bits` (1..192) of entropy into x[1..3], right-aligned in x[3], the rest zero. */
static int64_t trng_rnd(uint64_t x[4], uint64_t bits, unsigned int word_bits)
{
	uint64_t out[3] = {0, 0, 0}; /* x3, x2, x1 */

	for (unsigned int i = 0; i < 3 && bits > (uint64_t)i * word_bits; i++) {
		uint64_t v = 0;
		unsigned int tries = 0;
		while (!arch_rndr(&v)) {
			if (++tries == RNDR_TRIES) {
				return SMCCC_NO_ENTROPY;
			}
		}
		uint64_t left = bits - (uint64_t)i * word_bits;
		if (word_bits == 32) {
			v = (uint32_t)v;
		}
		out[i] = left < word_bits ? v & ((1ULL << left) - 1) : v;
	}
	x[1] = out[2];
	x[2] = out[1];
	x[3] = out[0];
	return SMCCC_SUCCESS;
}

void smccc_call(const struct smccc_caps *caps, uint64_t x[4])
{
	uint32_t fid = (uint32_t)x[0];
	int64_t r = SMCCC_NOT_SUPPORTED;

	switch (fid) {
	case SMCCC_VERSION_FID:
		r = SMCCC_VERSION_1_2;
		break;
	case SMCCC_ARCH_FEATURES_FID:
		r = arch_features(caps, (uint32_t)x[1]);
		break;
	case TRNG_VERSION:
		r = caps->trng ? (int64_t)TRNG_VERSION_1_0 : SMCCC_NOT_SUPPORTED;
		break;
	case TRNG_FEATURES:
		r = caps->trng ? trng_features((uint32_t)x[1]) : SMCCC_NOT_SUPPORTED;
		break;
	case TRNG_GET_UUID:
		if (caps->trng) {
			x[1] = trng_uuid[1];
			x[2] = trng_uuid[2];
			x[3] = trng_uuid[3];
			r = trng_uuid[0];
		}
		break;
	case TRNG_RND32:
	case TRNG_RND64: {
		bool is64 = fid == TRNG_RND64;
		uint64_t bits = is64 ? x[1] : (uint32_t)x[1];
		if (!caps->trng) {
			break;
		}
		if (bits == 0 || bits > (is64 ? TRNG_RND64_MAX_BITS : TRNG_RND32_MAX_BITS)) {
			r = SMCCC_INVALID_PARAMETERS;
			break;
		}
		r = trng_rnd(x, bits, is64 ? 64U : 32U);
		break;
	}
	default:
		break; /* the workaround calls too: none is offered */
	}
	x[0] = (uint64_t)r;
}
