/*
 * EL2 exception vectors. Every slot saves a full frame and reports it; the
 * SPMC and hypervisor roles take over the lower-EL slots when they run
 * partitions or guests.
 */
#include "offsets.h"

/*
 * Every slot that uses SP_EL2 first checks it: an SP in the guard half of a
 * stack slot (see cpu.h) means tzvisor's own stack overflowed, and touching
 * it would fault again. The check needs a register: x0 is parked in SP and
 * brought back (sp + x0 - sp = x0), as Linux does.
 */
.macro vector slot
	.balign 0x80
	sub	sp, sp, #EXC_FRAME_SIZE
	add	sp, sp, x0
	sub	x0, sp, x0
	tbz	x0, #CPU_STACK_GUARD_BIT_ASM, stack_overflow
	sub	x0, sp, x0
	sub	sp, sp, x0
	stp	x0, x1, [sp, #0]
	mov	x1, #\slot
	b	exc_common
.endm

.macro guest_vector kind
	.balign 0x80
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\kind
	b	vcpu_exit
.endm

	.section .text.vectors, "ax"
	.balign 0x800
	.global exception_vectors
exception_vectors:
	vector 0
	vector 1
	vector 2
	vector 3
	vector 4
	vector 5
	vector 6
	vector 7
	/* Lower EL, AArch64: a vCPU stopped; go back to its run loop. */
	guest_vector 0
	guest_vector 1
	guest_vector 2
	guest_vector 3
	vector 12
	vector 13
	vector 14
	vector 15

/*
 * x0 = the overflowed SP (less the frame), sp = that + the interrupted x0.
 * Switch to this CPU's overflow stack and report; x0-x2 are lost.
 */
stack_overflow:
	mrs	x1, tpidr_el2
	ldr	w1, [x1, #CPU_INDEX]
	add	x1, x1, #1
	mov	x2, #CPU_OVERFLOW_STACK_SIZE
	mul	x1, x1, x2
	adrp	x2, cpu_overflow_stacks
	add	x2, x2, :lo12:cpu_overflow_stacks
	add	x1, x1, x2
	mov	sp, x1
	add	x0, x0, #EXC_FRAME_SIZE
	bl	exception_stack_overflow
	b	.

exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x2, sp, #EXC_FRAME_SIZE
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #EXC_FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #EXC_FRAME_ESR]
	mov	x0, sp
	bl	exception_dump
	b	.
