/*
 * Host fakes for arch/ and plat/: console output goes into a buffer the tests
 * can read, and a panic (arch_halt) jumps back into the test that expects it.
 */
#ifndef TESTS_FAKE_ARCH_H
#define TESTS_FAKE_ARCH_H

#include <setjmp.h>
#include <stddef.h>

extern char fake_console[16384];
extern size_t fake_console_len;
extern jmp_buf *fake_halt_jmp;

void fake_console_reset(void);

/* Runs stmt, which must panic; fails the test if it returns normally. */
#define EXPECT_PANIC(stmt)                                       \
	do {                                                     \
		jmp_buf jb__;                                    \
		fake_halt_jmp = &jb__;                           \
		if (setjmp(jb__) == 0) {                         \
			stmt;                                    \
			fake_halt_jmp = NULL;                    \
			fail_msg("expected a panic: %s", #stmt); \
		}                                                \
		fake_halt_jmp = NULL;                            \
	} while (0)

#endif
