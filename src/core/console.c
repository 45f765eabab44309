/*
 * Console output. Each call formats into a bounded buffer first and then
 * writes it under the console lock (a leaf lock), so lines from different
 * CPUs never interleave.
 */
#include "core/console.h"

#include <stdarg.h>

#include "core/cpu.h"
#include "core/fmt.h"
#include "core/spinlock.h"
#include "plat/plat.h"

static struct spinlock console_lock = SPINLOCK_INIT;
static bool panic_mode;

void console_panic_mode(void)
{
	__atomic_store_n(&panic_mode, true, __ATOMIC_RELEASE);
}

void console_write(const char *s, size_t len)
{
	bool locked = !__atomic_load_n(&panic_mode, __ATOMIC_ACQUIRE);

	if (locked) {
		sl_lock(&console_lock);
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			plat_console_putc('\r');
		}
		plat_console_putc(s[i]);
	}
	if (locked) {
		sl_unlock(&console_lock);
	}
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[256];
	int n = 0;

	if (prefix != NULL) {
		n = fmt_snprintf(buf, sizeof(buf), "[tzv c%u] %s", cpu_index(cpu_this()), prefix);
	}
	int m = fmt_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	size_t len = (size_t)n + (size_t)m;
	if (len >= sizeof(buf)) {
		len = sizeof(buf) - 1; /* truncated: keep the line end */
		buf[len - 1] = '\n';
	}
	console_write(buf, len);
}

void log_print(unsigned int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(level == LOG_LEVEL_ERROR	    ? "ERROR: "
	       : level == LOG_LEVEL_WARNING ? "WARNING: "
					    : "",
	       fmt, ap);
	va_end(ap);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(NULL, fmt, ap);
	va_end(ap);
}
