/* The register frame the exception vectors save (layout used by exception.S). */
#ifndef ARCH_AARCH64_EXCEPTION_H
#define ARCH_AARCH64_EXCEPTION_H

#include <stdint.h>

struct exc_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/* Vector slots, in VBAR order: 4 groups x (sync, irq, fiq, serror). */
enum exc_kind { EXC_SYNC, EXC_IRQ, EXC_FIQ, EXC_SERROR };

void exception_dump(const struct exc_frame *f, uint64_t slot);
/* tzvisor's stack ran into its guard: `sp` is the SP at the fault; reports and stops. */
void exception_stack_overflow(uint64_t sp);

#endif
