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

/* sp = stacks + (x0 + 1) * STACK_SIZE; clobbers x1, x2. */
set_stack:
	adrp	x1, guest_stacks
	add	x1, x1, :lo12:guest_stacks
	mov	x2, #STACK_SIZE
	madd	x2, x0, x2, x2
	add	sp, x1, x2
	ret

/* Any exception in the guest: report it (guest_exception powers the VM off). */
	.balign 0x800
guest_vectors:
	.rept 16
	.balign 0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	guest_exception
	.endr

	.section .bss.stacks, "aw", %nobits
	.balign 16
guest_stacks:
	.space	STACK_SIZE * MAX_VCPUS
