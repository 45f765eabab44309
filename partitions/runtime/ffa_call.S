/* void sp_ffa(struct ffa_value *v): an FF-A call with x0-x17 in and out. */
#ifdef SP_EL0
#define CONDUIT svc #0
#else
#define CONDUIT smc #0
#endif
	.section .text.ffa, "ax"
	.global sp_ffa
sp_ffa:
	stp	x29, x30, [sp, #-32]!
	str	x0, [sp, #16]
	mov	x18, x0
	ldp	x0, x1, [x18, #0]
	ldp	x2, x3, [x18, #16]
	ldp	x4, x5, [x18, #32]
	ldp	x6, x7, [x18, #48]
	ldp	x8, x9, [x18, #64]
	ldp	x10, x11, [x18, #80]
	ldp	x12, x13, [x18, #96]
	ldp	x14, x15, [x18, #112]
	ldp	x16, x17, [x18, #128]
	CONDUIT
	ldr	x18, [sp, #16]
	stp	x0, x1, [x18, #0]
	stp	x2, x3, [x18, #16]
	stp	x4, x5, [x18, #32]
	stp	x6, x7, [x18, #48]
	stp	x8, x9, [x18, #64]
	stp	x10, x11, [x18, #80]
	stp	x12, x13, [x18, #96]
	stp	x14, x15, [x18, #112]
	stp	x16, x17, [x18, #128]
	ldp	x29, x30, [sp], #32
	ret
