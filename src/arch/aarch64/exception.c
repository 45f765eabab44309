/*
 * Exceptions taken at EL2 while tzvisor itself runs are bugs: print a dump a
 * person can read (core, ESR with its class, FAR, ELR, SPSR, all GPRs) and stop.
 */
#include "arch/aarch64/exception.h"

#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00:
		return "unknown";
	case 0x01:
		return "WFI/WFE";
	case 0x07:
		return "FP/SIMD access";
	case 0x0E:
		return "illegal execution state";
	case 0x15:
		return "SVC64";
	case 0x16:
		return "HVC64";
	case 0x17:
		return "SMC64";
	case 0x18:
		return "MSR/MRS trap";
	case 0x20:
		return "instruction abort, lower EL";
	case 0x21:
		return "instruction abort, same EL";
	case 0x22:
		return "PC alignment";
	case 0x24:
		return "data abort, lower EL";
	case 0x25:
		return "data abort, same EL";
	case 0x26:
		return "SP alignment";
	case 0x2F:
		return "SError";
	case 0x3C:
		return "BRK";
	default:
		return "other";
	}
}

void exception_dump(const struct exc_frame *f, uint64_t slot)
{
	static const char *const kinds[] = {"sync", "IRQ", "FIQ", "SError"};
	static const char *const groups[] = {"EL2 SP0", "EL2 SPx", "lower EL AArch64",
					     "lower EL AArch32"};
	unsigned int ec = (unsigned int)((f->esr >> 26) & 0x3F);

	console_panic_mode();
	console_printf("\n[tzv c%u] PANIC: unexpected %s exception from %s\n",
		       cpu_index(cpu_this()), kinds[slot & 3], groups[(slot >> 2) & 3]);
	console_printf("  ESR_EL2  %016llx  (EC 0x%02x: %s, ISS 0x%07llx)\n",
		       (unsigned long long)f->esr, ec, ec_name(ec),
		       (unsigned long long)(f->esr & 0x1FFFFFF));
	console_printf("  FAR_EL2  %016llx\n  ELR_EL2  %016llx\n  SPSR_EL2 %016llx\n",
		       (unsigned long long)f->far, (unsigned long long)f->elr,
		       (unsigned long long)f->spsr);
	console_printf("  MPIDR    %016llx  SP %016llx\n", (unsigned long long)arch_mpidr(),
		       (unsigned long long)f->sp);
	for (unsigned int i = 0; i < 31; i += 2) {
		if (i + 1 < 31) {
			console_printf("  x%-2u %016llx  x%-2u %016llx\n", i,
				       (unsigned long long)f->x[i], i + 1,
				       (unsigned long long)f->x[i + 1]);
		} else {
			console_printf("  x%-2u %016llx\n", i, (unsigned long long)f->x[i]);
		}
	}
	arch_halt();
}

void exception_stack_overflow(uint64_t sp)
{
	uint64_t esr, far, elr;
	const char *base = cpu_stacks;

	__asm__ volatile("mrs %0, esr_el2\n\tmrs %1, far_el2\n\tmrs %2, elr_el2"
			 : "=r"(esr), "=r"(far), "=r"(elr));
	console_panic_mode();
	/* Whose: the slot the SP is in (its stack, or the guard just below it). */
	uint64_t slot = (sp - (uint64_t)(uintptr_t)base) / CPU_STACK_SLOT;
	if (sp < (uint64_t)(uintptr_t)base || slot >= MAX_CPUS) {
		console_printf("\n[tzv c%u] PANIC: stack overflow: SP %016llx is outside every "
			       "stack\n",
			       cpu_index(cpu_this()), (unsigned long long)sp);
	} else {
		console_printf("\n[tzv c%u] PANIC: stack overflow: CPU %llu's stack ran into its "
			       "guard (SP %016llx)\n",
			       cpu_index(cpu_this()), (unsigned long long)slot,
			       (unsigned long long)sp);
	}
	unsigned int ec = (unsigned int)((esr >> 26) & 0x3F);
	console_printf(
		"  ESR_EL2  %016llx  (EC 0x%02x: %s)\n  FAR_EL2  %016llx\n  ELR_EL2  %016llx\n",
		(unsigned long long)esr, ec, ec_name(ec), (unsigned long long)far,
		(unsigned long long)elr);
	arch_halt();
}
