/*
 * Host fakes for arch/ and plat/, and checks shared by the host tests: console
 * output goes into a buffer the tests can read, and a panic (arch_halt) jumps
 * back into the test that expects it.
 */
#ifndef TESTS_FAKE_ARCH_H
#define TESTS_FAKE_ARCH_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern char fake_console[16384];
extern size_t fake_console_len;
extern jmp_buf *fake_halt_jmp;

void fake_console_reset(void);

/* The console UART's input: plat_console_getc hands out fake_uart_rx[pos..len), then -1. */
extern uint8_t fake_uart_rx[256];
extern unsigned int fake_uart_rx_len, fake_uart_rx_pos, fake_uart_getc_calls;
extern bool fake_uart_rx_irq; /* its receive interrupts, as plat_console_rx_irq last set them */
extern unsigned int fake_uart_rx_irq_writes;

/* arch_rndr: fails this many times first, then returns fake_rndr_next (an LCG sequence). */
extern unsigned int fake_rndr_failures;
extern uint64_t fake_rndr_next;

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

/*
 * A strerror-style function gives a non-empty message for each code in the
 * array `codes`, and no two codes the same message.
 */
#define ASSERT_MESSAGES_DISTINCT(strerror_fn, codes)                                     \
	do {                                                                             \
		for (size_t i__ = 0; i__ < sizeof(codes) / sizeof((codes)[0]); i__++) {  \
			const char *s__ = strerror_fn((codes)[i__]);                     \
			assert_non_null(s__);                                            \
			assert_true(s__[0] != '\0');                                     \
			for (size_t j__ = 0; j__ < i__; j__++) {                         \
				assert_string_not_equal(s__, strerror_fn((codes)[j__])); \
			}                                                                \
		}                                                                        \
	} while (0)

#endif
