/*
 * Hypervisor entry points. The image starts with an arm64 Linux Image header,
 * so that QEMU's -kernel (and any loader that boots Linux) enters it the way
 * it enters Linux: at NS-EL2, MMU off, x0 = the machine's DTB.
 *   primary:   hyp_entry, x0 = DTB physical address;
 *   secondary: hyp_entry_secondary, through PSCI CPU_ON (x0 = context, unused).
 */
#include "arch/aarch64/asm_macros.S"

	.section .text.head, "ax"
	.global hyp_image_header
hyp_image_header:
	b	hyp_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset: loaded at a 2 MiB-aligned base + this */
	.quad	__image_size		/* image_size, bss included */
	.quad	0x2			/* flags: little-endian, 4 KiB pages, base near DRAM start */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

hyp_entry:
	mov	x19, x0
	/* Zero .bss (holds the stacks: do it before any stack use). */
	zero_bss
	bl	arch_entry_cpu_setup
	mov	x1, x0
	mov	x0, x19
	bl	hyp_boot_primary
	b	.

	.global hyp_entry_secondary
hyp_entry_secondary:
	bl	arch_entry_cpu_setup
	bl	hyp_boot_secondary
	b	.
