/*
 * The SMC Calling Convention's own services for guests (SMCCC v1.2, DEN0028,
 * and the TRNG firmware interface, DEN0098), over HVC and over SMC trapped by
 * HCR_EL2.TSC. tzvisor answers them itself, as a monitor would; nothing is
 * passed on to EL3.
 *
 * Supported:
 *   SMCCC_VERSION (1.2), SMCCC_ARCH_FEATURES;
 *   SMCCC_ARCH_WORKAROUND_1/2/3 (CVE-2017-5715, CVE-2018-3639,
 *   CVE-2022-23960) as discovery only: ARCH_FEATURES answers 1 ("not needed
 *   on this PE") when the CPU's ID registers say it is not affected (CSV2;
 *   SSBS; CSV2_3 or ECBHB), and NOT_SUPPORTED when it is, since tzvisor has
 *   no firmware mitigation to offer (a warning at boot says so). The
 *   workaround calls themselves are then NOT_SUPPORTED too.
 *   TRNG_VERSION (1.0), TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND32 (up to 96
 *   bits) and TRNG_RND64 (up to 192 bits) from the CPU's RNDR (FEAT_RNG),
 *   when ID_AA64ISAR0_EL1.RNDR says it has one; without it every TRNG call is
 *   NOT_SUPPORTED. RNDR failing (no entropy) answers NO_ENTROPY.
 * Anything else in these ranges is NOT_SUPPORTED. Pure logic on the
 * capabilities read once at boot (smccc_caps_from_id), so host tests drive it;
 * the entropy comes from arch_rndr().
 */
#ifndef HYP_SMCCC_H
#define HYP_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

#define SMCCC_VERSION_FID 0x80000000U
#define SMCCC_ARCH_FEATURES_FID 0x80000001U
#define SMCCC_ARCH_SOC_ID_FID 0x80000002U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007FFFU
#define SMCCC_ARCH_WORKAROUND_3 0x80003FFFU
#define SMCCC_VERSION_1_2 0x10002U

#define TRNG_VERSION 0x84000050U
#define TRNG_FEATURES 0x84000051U
#define TRNG_GET_UUID 0x84000052U
#define TRNG_RND32 0x84000053U
#define TRNG_RND64 0xC4000053U
#define TRNG_VERSION_1_0 0x10000U
#define TRNG_RND32_MAX_BITS 96U
#define TRNG_RND64_MAX_BITS 192U

#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_NOT_REQUIRED (-2)
#define SMCCC_INVALID_PARAMETERS (-2) /* TRNG's */
#define SMCCC_NO_ENTROPY (-3) /* TRNG's */
#define SMCCC_WA_NOT_NEEDED 1 /* ARCH_FEATURES of a workaround: this PE is not affected */

/* What the CPU offers, from its ID registers: the answers for guests. */
struct smccc_caps {
	int32_t wa[3]; /* ARCH_FEATURES of WORKAROUND_1, _2, _3 */
	bool trng; /* RNDR */
};

/* The ID register values smccc_caps_from_id reads. */
struct smccc_id_regs {
	uint64_t pfr0, pfr1, mmfr1, isar0;
};

void smccc_caps_from_id(const struct smccc_id_regs *id, struct smccc_caps *caps);
/* Is fid (w0) one of the calls this module answers (Arm architecture calls, TRNG)? */
bool smccc_owns(uint32_t fid);
/*
 * Answers one call: x[0..3] in, x[0..3] out (x1-x3 are results only for the
 * TRNG calls that return them; otherwise they are left as they were).
 */
void smccc_call(const struct smccc_caps *caps, uint64_t x[4]);

#endif
