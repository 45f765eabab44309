/*
 * Test-partition entry. The SPMC enters execution context 0 at the image
 * entry with x0 = the FF-A boot information blob (gp-register-num = 0), and
 * other contexts at the address registered with FFA_SECONDARY_EP_REGISTER.
 * MPIDR_EL1 reads the SPMC's VMPIDR_EL2: Aff0 is the execution context index.
 */
#include "arch/aarch64/asm_macros.S"

#define STACK_SIZE 8192
#define MAX_EC 8

	.section .text.head, "ax"
	.global _start
_start:
	mov	x19, x0
	zero_bss
	bl	set_stack
	mov	x0, x19
	bl	sp_main
	b	.

	.global sp_secondary_entry
sp_secondary_entry:
	bl	set_stack
	bl	sp_vcpu_index
	bl	sp_secondary_main
	b	.

/* sp = stacks + (Aff0 + 1) * STACK_SIZE (Aff0 checked against MAX_EC). */
set_stack:
#ifdef SP_EL0
	mov	x1, #0			/* one context; EL0 cannot read MPIDR_EL1 */
#else
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
#endif
	cmp	x1, #MAX_EC
	b.hs	.
	adrp	x2, sp_stacks
	add	x2, x2, :lo12:sp_stacks
	mov	x3, #STACK_SIZE
	madd	x1, x1, x3, x3
	add	sp, x2, x1
	ret

	.section .bss.stacks, "aw", %nobits
	.balign 16
sp_stacks:
	.space	STACK_SIZE * MAX_EC
