/* Assembly macros shared by the entry code of tzvisor, its payloads and partitions. */

/*
 * Zeroes [__bss_start, __bss_end) (64-byte aligned by the link scripts), 64
 * bytes an iteration: 7 instructions per 64 bytes, where 16 bytes a turn took
 * 16 (make bench: boot.tzvisor.cold.bss_and_stack). It runs with the MMU off,
 * so DC ZVA (Normal memory only) cannot be used. Clobbers x0, x1.
 */
.macro zero_bss
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
	b	2f
1:	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
2:	cmp	x0, x1
	b.lo	1b
.endm
