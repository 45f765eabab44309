/*
 * Test-partition entry. The SPMC enters execution context 0 at the image
 * entry with x0 = the FF-A boot information blob (gp-register-num = 0), and
 * other contexts at the address registered with FFA_SECONDARY_EP_REGISTER
 * (also each time CPU_ON brings their core back). MPIDR_EL1 reads the SPMC's
 * VMPIDR_EL2: Aff0 is the execution context index.
 *
 * An S-EL1 partition runs its own stage 1 (mmu.c). Until it is on, data
 * accesses are Device-nGnRnE (the SPMC does not set HCR_EL2.DC) and bypass
 * the caches. Context 0 therefore drops any cache lines over .bss before and
 * after it writes .bss and the tables with its MMU off (stale lines must
 * neither be read once the caches are on nor be written back over what it
 * wrote); every context turns its MMU on before it touches its stack. An
 * S-EL0 partition runs under the stage 1 the SPMC built: none of this.
 */
#include "arch/aarch64/asm_macros.S"
#include "mmu_regs.h"

#define STACK_SIZE 8192
#define MAX_EC 8

	.section .text.head, "ax"
	.global _start
_start:
	mov	x19, x0
#ifdef SP_EL0
	zero_bss
	bl	set_stack
#else
	adr	x0, sp_vectors
	msr	vbar_el1, x0
	bl	bss_inval
	zero_bss
	bl	set_stack
	mov	x0, x19
	bl	sp_mmu_init		/* builds the tables (MMU off) */
	bl	bss_inval
	bl	sp_mmu_on
	mov	x0, x19
	bl	sp_mmu_boot		/* boot information, manifest, its regions */
#endif
	mov	x0, x19
	bl	sp_main
	b	.

	.global sp_secondary_entry
sp_secondary_entry:
#ifndef SP_EL0
	bl	sp_mmu_on
#endif
	bl	set_stack
	bl	sp_vcpu_index
	bl	sp_secondary_main
	b	.

/* sp = stacks + (Aff0 + 1) * STACK_SIZE (Aff0 checked against MAX_EC). */
set_stack:
#ifdef SP_EL0
	mov	x1, #0			/* one context; EL0 cannot read MPIDR_EL1 */
#else
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
#endif
	cmp	x1, #MAX_EC
	b.hs	.
	adrp	x2, sp_stacks
	add	x2, x2, :lo12:sp_stacks
	mov	x3, #STACK_SIZE
	madd	x1, x1, x3, x3
	add	sp, x2, x1
	ret

#ifndef SP_EL0
/*
 * Invalidates the data cache lines over [__bss_start, __bss_end) to the
 * point of coherency (at EL1 under a stage 2 the CPU may clean them too:
 * harmless, nothing has written them through the caches). No stack.
 */
bss_inval:
	mrs	x2, ctr_el0
	ubfx	x2, x2, #16, #4		/* DminLine: log2 of words */
	mov	x3, #4
	lsl	x2, x3, x2		/* line size in bytes */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret

/*
 * Turns this context's MMU and caches on with the tables context 0 built
 * (sp_mmu_regs, read with the MMU still off). The CPU may hold stage-1 TLB
 * entries of this partition's VMID from an earlier life of the context
 * (CPU_OFF, CPU_ON): dropped first. No stack; clobbers x0-x4.
 */
	.global sp_mmu_on
sp_mmu_on:
	adr	x0, sp_vectors
	msr	vbar_el1, x0
	adrp	x0, sp_mmu_regs
	add	x0, x0, :lo12:sp_mmu_regs
	ldr	x1, [x0, #(SP_MMU_MAIR * 8)]
	ldr	x2, [x0, #(SP_MMU_TCR * 8)]
	ldr	x3, [x0, #(SP_MMU_TTBR0 * 8)]
	ldr	x4, [x0, #(SP_MMU_SCTLR * 8)]
	msr	mair_el1, x1
	msr	tcr_el1, x2
	msr	ttbr0_el1, x3
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x4
	isb
	ret

/*
 * uint64_t sp_probe_read(uintptr_t va): the byte at va, or ESR_EL1 | 1 << 63
 * if the load takes a stage-1 fault. uint64_t sp_probe_write(uintptr_t va,
 * uint8_t byte): 0 once the byte is stored, or ESR_EL1 | 1 << 63. The
 * vector below recognises their two access instructions and resumes after
 * them instead of stopping the partition. A stage-2 fault still goes to the
 * SPMC, which stops the partition.
 */
	.global sp_probe_read
sp_probe_read:
	mov	x1, x0
probe_load:
	ldrb	w0, [x1]
	ret

	.global sp_probe_write
sp_probe_write:
	mov	x2, x0
	mov	x0, #0
probe_store:
	strb	w1, [x2]
	ret

/*
 * EL1 exception vectors. The partition runs at EL1h. A synchronous
 * exception from EL1 on SP_EL1 is fatal (reported, then the partition
 * stops) unless it is a probe above. Virtual interrupts from EL1 (the SPMC
 * raises them with HCR_EL2.VI/VF) go to sp_irq() and sp_fiq(spsr), with
 * every register the C code may clobber saved around them; sp_fiq may set
 * the F bit of the interrupted context's SPSR (it keeps FIQs masked there).
 */
.macro vfatal n
	.balign 0x80
	mov	x0, #\n
	b	vector_fatal
.endm

	.balign 0x800
	.global sp_vectors
sp_vectors:
	vfatal	0
	vfatal	1
	vfatal	2
	vfatal	3
	.balign 0x80
	b	sync_el1
	.balign 0x80
	b	irq_el1
	.balign 0x80
	b	fiq_el1
	vfatal	7
	vfatal	8
	vfatal	9
	vfatal	10
	vfatal	11
	vfatal	12
	vfatal	13
	vfatal	14
	vfatal	15

/* x0-x18, x29, x30, ELR_EL1, SPSR_EL1: 192 bytes on the interrupted stack. */
#define IRQ_FRAME 192
.macro irq_save
	sub	sp, sp, #IRQ_FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	stp	x30, x0, [sp, #160]
	mrs	x0, spsr_el1
	str	x0, [sp, #176]
.endm

irq_restore:
	ldr	x0, [sp, #176]
	msr	spsr_el1, x0
	ldp	x30, x0, [sp, #160]
	msr	elr_el1, x0
	ldp	x18, x29, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #IRQ_FRAME
	eret

irq_el1:
	irq_save
	bl	sp_irq
	b	irq_restore

fiq_el1:
	irq_save
	add	x0, sp, #176		/* the saved SPSR_EL1 */
	bl	sp_fiq
	b	irq_restore

/* x16/x17 are dead at a probe instruction (a call clobbers them); elsewhere we stop. */
sync_el1:
	mrs	x16, elr_el1
	adr	x17, probe_load
	cmp	x16, x17
	b.eq	1f
	adr	x17, probe_store
	cmp	x16, x17
	b.ne	2f
1:	add	x16, x16, #4
	msr	elr_el1, x16
	mrs	x0, esr_el1
	orr	x0, x0, #(1 << 63)
	eret
2:	mov	x0, #4
	b	vector_fatal

/*
 * x0 = vector index. sp_exception reports and stops; a fault while it runs
 * (TPIDR_EL1 set: the SPMC gives every context a zeroed one) stops at once.
 */
vector_fatal:
	mrs	x1, tpidr_el1
	cbnz	x1, sp_abort
	mov	x1, #1
	msr	tpidr_el1, x1
	mrs	x1, esr_el1
	mrs	x2, far_el1
	mrs	x3, elr_el1
	bl	sp_exception
	b	sp_abort

/*
 * void sp_abort(void): stops the partition for good. FF-A v1.2 gives a
 * partition no call for that once it has initialised (FFA_ERROR ends only
 * initialisation), but the SPMC stops a partition on any stage-2 fault: with
 * its stage 1 off (code and stack are identity-mapped: execution carries
 * on) it writes to its package header, the boot information, which the
 * SPMC maps read-only at stage 2.
 */
	.global sp_abort
sp_abort:
	msr	daifset, #0xf
	mrs	x0, sctlr_el1
	bic	x0, x0, #1		/* M */
	msr	sctlr_el1, x0
	isb
	adrp	x0, __package_start
	str	xzr, [x0]
1:	wfe
	b	1b
#endif

	.section .bss.stacks, "aw", %nobits
	.balign 16
sp_stacks:
	.space	STACK_SIZE * MAX_EC
