/* The locked console: one line per call, prefixed with the CPU that printed it. */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

void console_write(const char *s, size_t len);
/* Formats one message; lines are prefixed "[tzv cN] ". */
void log_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Raw formatted output, no prefix (banner tables, dumps). */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After this, printing bypasses the lock: used once a CPU panics. */
void console_panic_mode(void);

#define LOG(...) log_print(__VA_ARGS__)
/* Per-call events: compiled out of benchmark builds, where they would be measured. */
#ifdef TZV_BENCH
#define LOG_VERBOSE(...) \
	do {             \
	} while (0)
#else
#define LOG_VERBOSE(...) log_print(__VA_ARGS__)
#endif

#endif /* CORE_CONSOLE_H */
