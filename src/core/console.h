/*
 * The locked console: one line per call, prefixed with the CPU that printed it.
 *
 * Log levels are chosen at build time (make LOG_LEVEL=<name>), with TF-A's
 * names and numbers (TF-A include/common/debug.h). A message is compiled in
 * when its level is at most TZV_LOG_LEVEL; otherwise the call, its format
 * string and the evaluation of its arguments are all gone (the condition is
 * a constant), so a compiled-out line costs nothing. What goes where:
 *   error    a partition not loaded or stopped (manifest refused, fault,
 *            boot failure): a service is missing from then on;
 *   notice   the banner, the manifest summary and partition table, and the
 *            partitions' own FFA_CONSOLE_LOG lines;
 *   warning  something went wrong but everything still runs (a power message
 *            not answered, a framework message not supported);
 *   info     boot progress and power events (a context ready, a core up or
 *            going down, the boot's instruction counts);
 *   verbose  one line per successful call (FFA_VERSION, RX/TX maps,
 *            notifications): never in the default build (warning).
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#ifndef TZV_LOG_LEVEL
#include "log_level.h" /* generated from make LOG_LEVEL=...: TZV_LOG_LEVEL */
#endif

#define LOG_LEVEL_NONE 0
#define LOG_LEVEL_ERROR 10
#define LOG_LEVEL_NOTICE 20
#define LOG_LEVEL_WARNING 30
#define LOG_LEVEL_INFO 40
#define LOG_LEVEL_VERBOSE 50

/* True when messages of `level` are compiled in (for blocks that only print). */
#define LOG_ENABLED(level) ((level) <= TZV_LOG_LEVEL)

void console_write(const char *s, size_t len);
/*
 * Formats one message; lines are prefixed "[tzv cN] ", then "ERROR: " or
 * "WARNING: " for those levels. Use the LOG_* macros, not this.
 */
void log_print(unsigned int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raw formatted output, no prefix (banner tables, panic dumps), whatever the level. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After this, printing bypasses the lock: used once a CPU panics. */
void console_panic_mode(void);

#define LOG_AT(level, ...)                             \
	do {                                           \
		if (LOG_ENABLED(level)) {              \
			log_print(level, __VA_ARGS__); \
		}                                      \
	} while (0)
#define LOG_ERROR(...) LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_NOTICE(...) LOG_AT(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define LOG_WARNING(...) LOG_AT(LOG_LEVEL_WARNING, __VA_ARGS__)
#define LOG_INFO(...) LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_VERBOSE(...) LOG_AT(LOG_LEVEL_VERBOSE, __VA_ARGS__)

/* LOG() had no level: code that still uses it must choose one. */
#define LOG(...) _Static_assert(0, "LOG(): use LOG_ERROR/WARNING/NOTICE/INFO/VERBOSE")

#endif /* CORE_CONSOLE_H */
