/* A small, bounded vsnprintf for freestanding code (host-tested against libc). */
#ifndef CORE_FMT_H
#define CORE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supports %% %c %s %d %i %u %x %X %p with flags '-', '0', '#', a width,
 * and length modifiers l, ll, z. Always NUL-terminates when size > 0.
 * Returns the length the full output would have had (like C99 vsnprintf).
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* CORE_FMT_H */
