/*
 * plat_cpu_index_asm: x0 = MPIDR in, linear index out, or ~0 when Aff0 is not
 * a QEMU core number (same rule as plat_cpu_index in plat.c). Clobbers x1.
 */
	.section .text.entry, "ax"
	.global plat_cpu_index_asm
plat_cpu_index_asm:
	and	x1, x0, #0xff		/* Aff0 */
	cmp	x1, #8			/* 8 cores per cluster */
	b.hs	1f
	ubfx	x0, x0, #8, #8		/* Aff1 */
	add	x0, x1, x0, lsl #3
	ret
1:	mov	x0, #-1
	ret
