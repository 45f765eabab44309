/* Assembly macros shared by the entry code of tzvisor, its payloads and partitions. */

/* Zeroes [__bss_start, __bss_end) (16-byte aligned by the link scripts). Clobbers x0, x1. */
.macro zero_bss
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
.endm
