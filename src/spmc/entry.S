/*
 * SPMC entry points. TF-A's SPMD enters at EL2h with the MMU off and all
 * interrupts masked:
 *   cold boot (primary core): x0 = TOS_FW_CONFIG (manifest), x1 = HW_CONFIG,
 *                             x4 = core linear ID;
 *   CPU_ON (any core):        at the address registered with
 *                             FFA_SECONDARY_EP_REGISTER; registers undefined.
 */
#include "arch/aarch64/asm_macros.S"

	.section .text.head, "ax"
	.global spmc_entry
spmc_entry:
	mrs	x22, cntpct_el0		/* boot_record.h: the first instruction's count */
	mov	x19, x0
	mov	x20, x1
	mov	x21, x4
	/* Zero .bss (holds the stacks: do it before any stack use). */
	zero_bss
	bl	arch_entry_cpu_setup
	mov	x3, x0
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x4, x22
	bl	spmc_boot_primary
	b	.

	.global spmc_secondary_entry
spmc_secondary_entry:
	mrs	x19, cntpct_el0
	bl	arch_entry_cpu_setup
	mov	x1, x19
	bl	spmc_boot_secondary
	b	.
