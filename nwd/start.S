/*
 * Normal-world test payload entry (BL33). TF-A enters the primary core at
 * NS-EL2 with the MMU off; secondaries arrive through PSCI CPU_ON with
 * x0 = context ID, which this payload sets to the core's index.
 */
#include "arch/aarch64/asm_macros.S"

#define STACK_SIZE 8192
#define MAX_CORES 8

	.section .text.head, "ax"
	.global _start
_start:
	mrs	x21, cntpct_el0		/* the first instruction: boot cost under -icount */
	adr	x1, nwd_vectors
	msr	vbar_el2, x1
	zero_bss
	adrp	x0, nwd_entry_ticks
	str	x21, [x0, :lo12:nwd_entry_ticks]
	mov	x0, #0
	bl	set_stack
	bl	nwd_main
	b	.

	.global nwd_secondary_entry
nwd_secondary_entry:
	adr	x1, nwd_vectors
	msr	vbar_el2, x1
	cmp	x0, #MAX_CORES
	b.hs	.
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	nwd_secondary_main
	b	.

/* sp = stacks + (x0 + 1) * STACK_SIZE; clobbers x1, x2. */
set_stack:
	adrp	x1, nwd_stacks
	add	x1, x1, :lo12:nwd_stacks
	mov	x2, #STACK_SIZE
	madd	x2, x0, x2, x2
	add	sp, x1, x2
	ret

/* Any exception in the payload is a test failure: report it and power off. */
	.balign 0x800
nwd_vectors:
	.rept 16
	.balign 0x80
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	b	nwd_exception
	.endr

	.section .bss
	.balign 8
	.global nwd_entry_ticks
nwd_entry_ticks:
	.space	8

	.section .bss.stacks, "aw", %nobits
	.balign 16
nwd_stacks:
	.space	STACK_SIZE * MAX_CORES
