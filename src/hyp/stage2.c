/*
 * The hypervisor's stage-2 roots: a VM has one IPA space, in VTTBR_EL2.
 * Implements the arch layer's role hook role_stage2_load (arch/aarch64/vcpu.h);
 * VSTTBR_EL2 does not exist at NS-EL2.
 */
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/vcpu.h"

void role_stage2_load(const struct arch_vcpu_cfg *cfg)
{
	write_sysreg(vttbr_el2, cfg->vttbr);
}
