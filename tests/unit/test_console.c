/*
 * Host tests for the console's build-time log levels. This file is built
 * with TZV_LOG_LEVEL = LOG_LEVEL_WARNING, the default build's level: errors,
 * notices and warnings print with their tags, info and verbose lines are
 * compiled out (no output, arguments not evaluated).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/console.h"
#include "fake_arch.h"

_Static_assert(TZV_LOG_LEVEL == LOG_LEVEL_WARNING, "built at the default level (Makefile)");

/* TF-A's numbers (include/common/debug.h), which make LOG_LEVEL=<number> also accepts. */
static void levels_are_tfa_numbers(void **state)
{
	(void)state;
	assert_int_equal(LOG_LEVEL_NONE, 0);
	assert_int_equal(LOG_LEVEL_ERROR, 10);
	assert_int_equal(LOG_LEVEL_NOTICE, 20);
	assert_int_equal(LOG_LEVEL_WARNING, 30);
	assert_int_equal(LOG_LEVEL_INFO, 40);
	assert_int_equal(LOG_LEVEL_VERBOSE, 50);
	assert_true(LOG_ENABLED(LOG_LEVEL_ERROR));
	assert_true(LOG_ENABLED(LOG_LEVEL_NOTICE));
	assert_true(LOG_ENABLED(LOG_LEVEL_WARNING));
	assert_false(LOG_ENABLED(LOG_LEVEL_INFO));
	assert_false(LOG_ENABLED(LOG_LEVEL_VERBOSE));
}

/* Each enabled level gives exactly one line, with its tag after the CPU prefix. */
static void enabled_levels_print_tagged_lines(void **state)
{
	(void)state;
	fake_console_reset();
	LOG_ERROR("partition %x stopped\n", 0x8001);
	assert_string_equal(fake_console, "[tzv c0] ERROR: partition 8001 stopped\r\n");

	fake_console_reset();
	LOG_WARNING("message %s\n", "not answered");
	assert_string_equal(fake_console, "[tzv c0] WARNING: message not answered\r\n");

	fake_console_reset();
	LOG_NOTICE("SP %04x: %s\n", 0x8002, "hello");
	assert_string_equal(fake_console, "[tzv c0] SP 8002: hello\r\n");

	fake_console_reset();
	console_printf("  partitions: %u\n", 3U);
	assert_string_equal(fake_console, "  partitions: 3\r\n");
}

static unsigned int evaluated;

static unsigned int side_effect(void)
{
	return ++evaluated;
}

/* Compiled out: nothing printed, and the arguments are not even evaluated. */
static void disabled_levels_cost_nothing(void **state)
{
	(void)state;
	fake_console_reset();
	evaluated = 0;
	LOG_INFO("core %u up\n", side_effect());
	LOG_VERBOSE("normal world FFA_VERSION %u\n", side_effect());
	assert_int_equal(fake_console_len, 0);
	assert_int_equal(evaluated, 0);

	LOG_WARNING("evaluated once: %u\n", side_effect());
	assert_int_equal(evaluated, 1);
	assert_string_equal(fake_console, "[tzv c0] WARNING: evaluated once: 1\r\n");
}

/* A line longer than the buffer is cut but keeps its line end, tag included. */
static void long_line_keeps_its_end(void **state)
{
	(void)state;
	char big[400];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_console_reset();
	LOG_ERROR("%s\n", big);
	assert_int_equal(fake_console_len, 255 + 1); /* 255 characters, '\n' as "\r\n" */
	assert_memory_equal(fake_console, "[tzv c0] ERROR: xxx", 19);
	assert_string_equal(fake_console + fake_console_len - 3, "x\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_are_tfa_numbers),
		cmocka_unit_test(enabled_levels_print_tagged_lines),
		cmocka_unit_test(disabled_levels_cost_nothing),
		cmocka_unit_test(long_line_keeps_its_end),
	};
	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
