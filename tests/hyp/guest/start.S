/*
 * Bare-metal test guest for the hypervisor role: an arm64 Image entered at
 * EL1 with the MMU off, x0 = its DTB (Linux boot protocol). Secondary vCPUs
 * arrive through PSCI CPU_ON with x0 = context = their index.
 */
#include "arch/aarch64/asm_macros.S"

#define STACK_SIZE 8192
#define MAX_VCPUS 8

	.section .text.head, "ax"
	.global _start
_start:
	b	primary
	.long	0
	.quad	0x80000			/* text_offset */
	.quad	__image_size
	.quad	0x2
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary:
	mov	x19, x0
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	zero_bss
	mov	x0, #0
	bl	set_stack
	mov	x0, x19
	bl	guest_main
	b	.

	.global guest_secondary_entry
guest_secondary_entry:
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	cmp	x0, #MAX_VCPUS
	b.hs	.
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	guest_secondary_main
	b	.

	.global gic_secondary_entry
gic_secondary_entry:
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	cmp	x0, #MAX_VCPUS
	b.hs	.
	bl	set_stack
	bl	gic_secondary_main
	b	.

	.global ffa_secondary_entry
ffa_secondary_entry:
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	cmp	x0, #MAX_VCPUS
	b.hs	.
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	ffa_secondary_main
	b	.

/*
 * void guest_hvc18(struct ffa_value *v), guest_smc18: the call with x0-x17
 * in and out (SMCCC v1.2). x19 holds the pointer across the call.
 */
.macro call18 insn
	stp	x29, x30, [sp, #-32]!
	str	x19, [sp, #16]
	mov	x19, x0
	ldp	x0, x1, [x19, #0]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	ldp	x8, x9, [x19, #64]
	ldp	x10, x11, [x19, #80]
	ldp	x12, x13, [x19, #96]
	ldp	x14, x15, [x19, #112]
	ldp	x16, x17, [x19, #128]
	\insn	#0
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	stp	x4, x5, [x19, #32]
	stp	x6, x7, [x19, #48]
	stp	x8, x9, [x19, #64]
	stp	x10, x11, [x19, #80]
	stp	x12, x13, [x19, #96]
	stp	x14, x15, [x19, #112]
	stp	x16, x17, [x19, #128]
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
.endm

	.global guest_hvc18
guest_hvc18:
	call18	hvc

	.global guest_smc18
guest_smc18:
	call18	smc

/* sp = stacks + (x0 + 1) * STACK_SIZE; clobbers x1, x2. */
set_stack:
	adrp	x1, guest_stacks
	add	x1, x1, :lo12:guest_stacks
	mov	x2, #STACK_SIZE
	madd	x2, x0, x2, x2
	add	sp, x1, x2
	ret

/*
 * IRQs at EL1 (current EL, SPx) go to guest_irq with the caller-saved
 * registers kept; any other exception is a failure (guest_exception reports
 * it and powers the VM off).
 */
.macro fatal
	.balign 0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	guest_exception
.endm
	.balign 0x800
guest_vectors:
	.rept 5
	fatal
	.endr
	.balign 0x80
	b	irq_entry
	.rept 10
	fatal
	.endr

irq_entry:
	stp	x0, x1, [sp, #-176]!
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	guest_irq
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldp	x0, x1, [sp], #176
	eret

	.section .bss.stacks, "aw", %nobits
	.balign 16
guest_stacks:
	.space	STACK_SIZE * MAX_VCPUS
