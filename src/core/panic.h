/* Fatal errors. CHECK() guards invariants, never input from another world. */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			panic("CHECK failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
		}                                                                     \
	} while (0)

#endif /* CORE_PANIC_H */
