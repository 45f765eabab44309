#include "core/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/fmt.h"

void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	console_panic_mode();
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("\n[tzv c%u] PANIC: %s\n", cpu_index(cpu_this()), buf);
	arch_halt();
}
