/*
 * Structure offsets for assembly, generated at build time: this file is
 * compiled to assembly and the "->NAME value" markers become offsets.h.
 */
#include <stddef.h>

#include "arch/aarch64/exception.h"
#include "core/cpu.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void offsets(void);
void offsets(void)
{
	DEFINE(EXC_FRAME_SIZE, sizeof(struct exc_frame));
	DEFINE(EXC_FRAME_SP, offsetof(struct exc_frame, sp));
	DEFINE(EXC_FRAME_ELR, offsetof(struct exc_frame, elr));
	DEFINE(EXC_FRAME_ESR, offsetof(struct exc_frame, esr));
	DEFINE(CPU_SIZE, sizeof(struct cpu));
	DEFINE(CPU_HOST_CTX, offsetof(struct cpu, arch.host_ctx));
	DEFINE(CPU_GUEST_REGS, offsetof(struct cpu, arch.guest_regs));
	DEFINE(REGS_PC, offsetof(struct arch_regs, pc));
	DEFINE(CPU_STACK_SIZE, CPU_STACK_BYTES);
	DEFINE(CPU_STACK_SLOT_SIZE, CPU_STACK_SLOT);
	DEFINE(CPU_STACK_GUARD_BIT_ASM, CPU_STACK_GUARD_BIT);
	DEFINE(CPU_OVERFLOW_STACK_SIZE, CPU_OVERFLOW_STACK_BYTES);
	DEFINE(CPU_INDEX, offsetof(struct cpu, index));
	DEFINE(MAX_CPUS_ASM, MAX_CPUS);
}
