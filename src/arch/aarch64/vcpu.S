/*
 * uint64_t arch_vcpu_enter(struct arch_regs *regs, uint64_t *host_ctx)
 *
 * Saves the run loop's callee-saved registers and stack pointer in host_ctx,
 * loads the vCPU's registers and erets into it. The lower-EL vectors
 * (exception.S) come back through vcpu_exit, which stores the vCPU's
 * registers and returns from arch_vcpu_enter with the exit kind.
 */
#include "offsets.h"

	.section .text.vcpu, "ax"
	.global arch_vcpu_enter
	.type arch_vcpu_enter, %function
arch_vcpu_enter:
	stp	x19, x20, [x1, #0]
	stp	x21, x22, [x1, #16]
	stp	x23, x24, [x1, #32]
	stp	x25, x26, [x1, #48]
	stp	x27, x28, [x1, #64]
	stp	x29, x30, [x1, #80]
	mov	x2, sp
	str	x2, [x1, #96]
	ldp	x2, x3, [x0, #REGS_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret
	.size arch_vcpu_enter, . - arch_vcpu_enter

/* In: x0 = exit kind; the vCPU's x0 and x1 at [sp]. */
	.global vcpu_exit
vcpu_exit:
	mrs	x1, tpidr_el2
	ldr	x1, [x1, #CPU_GUEST_REGS]
	stp	x2, x3, [x1, #16]
	stp	x4, x5, [x1, #32]
	stp	x6, x7, [x1, #48]
	stp	x8, x9, [x1, #64]
	stp	x10, x11, [x1, #80]
	stp	x12, x13, [x1, #96]
	stp	x14, x15, [x1, #112]
	stp	x16, x17, [x1, #128]
	stp	x18, x19, [x1, #144]
	stp	x20, x21, [x1, #160]
	stp	x22, x23, [x1, #176]
	stp	x24, x25, [x1, #192]
	stp	x26, x27, [x1, #208]
	stp	x28, x29, [x1, #224]
	str	x30, [x1, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #REGS_PC]
	mrs	x1, tpidr_el2
	add	x1, x1, #CPU_HOST_CTX
	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x2, [x1, #96]
	mov	sp, x2
	ret
