/*
 * What only S-EL2 has (FEAT_SEL2): the secure IPA space's stage-2 registers
 * VSTCR_EL2 and VSTTBR_EL2. Their accesses are UNDEFINED at NS-EL2, so they
 * live in the SPMC role, not in the shared arch layer.
 */
#ifndef SPMC_SEL2_H
#define SPMC_SEL2_H

#include <stdint.h>

/* Per CPU: VSTCR_EL2 (the secure IPA space's translation control). */
void sel2_stage2_cpu_init(uint64_t vstcr);

#endif
