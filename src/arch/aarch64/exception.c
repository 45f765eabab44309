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
