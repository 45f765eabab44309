/*
 * void arch_smc(struct ffa_value *v): SMC #0 with x0-x17 in and out (SMCCC
 * v1.2). Built with -DCONDUIT_SVC for S-EL0 partitions, whose FF-A calls are
 * SVCs.
 */
#ifdef CONDUIT_SVC
#define CONDUIT svc #0
#else
#define CONDUIT smc #0
#endif
	.section .text.smc, "ax"
	.global arch_smc
	.type arch_smc, %function
arch_smc:
	stp	x29, x30, [sp, #-48]!
	stp	x19, x20, [sp, #16]
	str	x0, [sp, #32]
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
	CONDUIT
	ldr	x19, [sp, #32]
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	stp	x4, x5, [x19, #32]
	stp	x6, x7, [x19, #48]
	stp	x8, x9, [x19, #64]
	stp	x10, x11, [x19, #80]
	stp	x12, x13, [x19, #96]
	stp	x14, x15, [x19, #112]
	stp	x16, x17, [x19, #128]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #48
	ret
	.size arch_smc, . - arch_smc
