/*
 * Test-partition entry when the partition is a VM of tzvisor's emulated
 * SPMC (-DSP_VM): an arm64 Image entered at EL1 with the MMU off, x0 = its
 * DTB (the Linux boot protocol), which it does not need. There is no FF-A
 * boot information (sp_main gets 0); its other vCPUs start with PSCI CPU_ON
 * (sp_start_vcpus) at sp_secondary_entry with x0 = their index. MPIDR_EL1
 * reads the hypervisor's VMPIDR_EL2: Aff0 is the vCPU index.
 *
 * It runs with its MMU off (data accesses are Device-nGnRnE: the code is
 * built with -mstrict-align), like the hypervisor's bare-metal test guest.
 * An unexpected exception is reported (sp_exception) and the VM powers
 * itself off.
 */
#include "arch/aarch64/asm_macros.S"

#define STACK_SIZE 8192
#define MAX_EC 8
#define PSCI_SYSTEM_OFF 0x84000008

	.section .text.head, "ax"
	.global _start
_start:
	b	primary
	.long	0
	.quad	0x80000			/* text_offset */
	.quad	__image_size
	.quad	0x2
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary:
	adr	x0, sp_vectors
	msr	vbar_el1, x0
	zero_bss
	bl	set_stack
	mov	x0, #0			/* no FF-A boot information */
	bl	sp_main
	b	.

	.global sp_secondary_entry
sp_secondary_entry:
	adr	x0, sp_vectors
	msr	vbar_el1, x0
	bl	set_stack
	bl	sp_vcpu_index
	bl	sp_secondary_main
	b	.

/* sp = stacks + (Aff0 + 1) * STACK_SIZE (Aff0 checked against MAX_EC). */
set_stack:
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	cmp	x1, #MAX_EC
	b.hs	.
	adrp	x2, sp_stacks
	add	x2, x2, :lo12:sp_stacks
	mov	x3, #STACK_SIZE
	madd	x1, x1, x3, x3
	add	sp, x2, x1
	ret

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
	vfatal	4
	vfatal	5
	vfatal	6
	vfatal	7
	vfatal	8
	vfatal	9
	vfatal	10
	vfatal	11
	vfatal	12
	vfatal	13
	vfatal	14
	vfatal	15

/* x0 = vector index. sp_exception reports and stops; a fault while it runs stops at once. */
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

/* void sp_abort(void): the VM powers itself off (PSCI SYSTEM_OFF); the hypervisor stops it. */
	.global sp_abort
sp_abort:
	msr	daifset, #0xf
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
1:	wfe
	b	1b

	.section .bss.stacks, "aw", %nobits
	.balign 16
sp_stacks:
	.space	STACK_SIZE * MAX_EC
