/*
 * Per-CPU set-up shared by every entry path of both roles: find this CPU's
 * linear index, switch to its own stack, point TPIDR_EL2 at its struct cpu
 * and install the exception vectors. Needs no stack and no MMU.
 *
 *   out: x0 = linear CPU index. Clobbers x1-x3. A CPU outside MAX_CPUS parks.
 */
#include "offsets.h"

	.section .text.entry, "ax"
	.global arch_entry_cpu_setup
	.type arch_entry_cpu_setup, %function
arch_entry_cpu_setup:
	adr	x1, exception_vectors
	msr	vbar_el2, x1
	isb
	mrs	x0, mpidr_el1
	mov	x3, x30
	bl	plat_cpu_index_asm
	mov	x30, x3
	cmp	x0, #MAX_CPUS_ASM
	b.hs	1f
	/* sp = cpu_stacks + (index + 1) * slot: the top of the slot's upper half */
	mov	x2, #CPU_STACK_SLOT_SIZE
	madd	x1, x0, x2, x2
	adrp	x2, cpu_stacks
	add	x2, x2, :lo12:cpu_stacks
	add	x1, x1, x2
	mov	sp, x1
	/* TPIDR_EL2 = &cpus[index] */
	adrp	x1, cpus
	add	x1, x1, :lo12:cpus
	mov	x2, #CPU_SIZE
	madd	x1, x0, x2, x1
	msr	tpidr_el2, x1
	ret
1:	wfe
	b	1b
	.size arch_entry_cpu_setup, . - arch_entry_cpu_setup

	/*
	 * Slots aligned to their size: the guard half is found by one address
	 * bit. Not zeroed at boot (.bss.noinit, see spmc.ld).
	 */
	.section .bss.noinit.stacks, "aw", %nobits
	.balign CPU_STACK_SLOT_SIZE
	.global cpu_stacks
	.type cpu_stacks, %object
cpu_stacks:
	.space	CPU_STACK_SLOT_SIZE * MAX_CPUS_ASM
	.size cpu_stacks, . - cpu_stacks
	/* Where a CPU whose stack overflowed prints its dump. */
	.balign 16
	.global cpu_overflow_stacks
	.type cpu_overflow_stacks, %object
cpu_overflow_stacks:
	.space	CPU_OVERFLOW_STACK_SIZE * MAX_CPUS_ASM
	.size cpu_overflow_stacks, . - cpu_overflow_stacks
