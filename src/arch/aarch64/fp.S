/*
 * FP/SIMD and SVE register file save/restore (x0 = the save area).
 *
 * arch_fpv_save/restore: V0-V31 (as Q registers), then FPSR, FPCR
 *   (struct arch_fpv, 528 bytes): a partition's state.
 * arch_sve_save/restore: Z0-Z31 at 32 x 256 bytes, P0-P15 at 16 x 32, FFR,
 *   then FPSR, FPCR (struct arch_sve, sized for the architectural maximum
 *   vector length): the normal world's state on a CPU with SVE, saved at the
 *   full vector length (ZCR_EL2.LEN = max) so that no bit is lost; writing a
 *   V register would clear the upper bits of its Z register.
 * The caller has cleared CPTR_EL2.TFP (and TZ for SVE).
 */
	.arch armv8.4-a+sve
	.section .text.fp, "ax"

#define SVE_P_OFF (32 * 256)
#define SVE_FFR_OFF (SVE_P_OFF + 16 * 32)
#define SVE_FPSR_OFF (SVE_FFR_OFF + 32)
#define FPV_FPSR_OFF (32 * 16)

	.global arch_fpv_save
arch_fpv_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	add	x3, x0, #FPV_FPSR_OFF
	mrs	x1, fpsr
	mrs	x2, fpcr
	stp	x1, x2, [x3]
	ret

	.global arch_fpv_restore
arch_fpv_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x3, x0, #FPV_FPSR_OFF
	ldp	x1, x2, [x3]
	msr	fpsr, x1
	msr	fpcr, x2
	ret

	.global arch_sve_save
arch_sve_save:
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	z\n, [x0, #\n, mul vl]
	.endr
	add	x1, x0, #SVE_P_OFF
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	str	p\n, [x1, #\n, mul vl]
	.endr
	rdffr	p0.b
	str	p0, [x1, #16, mul vl]
	ldr	p0, [x1, #0, mul vl]
	mov	x1, #SVE_FPSR_OFF
	add	x1, x0, x1
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [x1]
	ret

	.global arch_sve_restore
arch_sve_restore:
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	z\n, [x0, #\n, mul vl]
	.endr
	add	x1, x0, #SVE_P_OFF
	ldr	p0, [x1, #16, mul vl]
	wrffr	p0.b
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	ldr	p\n, [x1, #\n, mul vl]
	.endr
	mov	x1, #SVE_FPSR_OFF
	add	x1, x0, x1
	ldp	x2, x3, [x1]
	msr	fpsr, x2
	msr	fpcr, x3
	ret
