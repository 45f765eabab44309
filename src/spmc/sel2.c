/*
 * The SPMC's stage-2 roots: a partition has a secure IPA space (VSTTBR_EL2)
 * beside its non-secure one (VTTBR_EL2). Implements the arch layer's role
 * hook role_stage2_load (arch/aarch64/vcpu.h).
 */
#include "spmc/sel2.h"

#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/vcpu.h"

void sel2_stage2_cpu_init(uint64_t vstcr)
{
	write_sysreg(vstcr_el2, vstcr);
}

void role_stage2_load(const struct arch_vcpu_cfg *cfg)
{
	write_sysreg(vttbr_el2, cfg->vttbr);
	write_sysreg(vsttbr_el2, cfg->vsttbr);
}
