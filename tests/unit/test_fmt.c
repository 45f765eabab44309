/* Host tests for fmt_snprintf: output and return value must match the host's C99 snprintf. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "core/fmt.h"
#include "fake_arch.h"

#define BUF 256
#define SENTINEL 'Z'

/*
 * Formats with fmt_vsnprintf and the host vsnprintf into sentinel-filled
 * buffers, for every buffer size from 0 to (full length + 2), and requires
 * identical return values and identical buffers (so also identical
 * truncation, NUL placement and no writes past `size`).
 */
__attribute__((format(printf, 1, 2))) static void expect_same(const char *f, ...)
{
	char want_full[BUF];
	va_list ap;

	va_start(ap, f);
	int full = vsnprintf(want_full, sizeof(want_full), f, ap);
	va_end(ap);
	assert_true(full >= 0 && full < BUF - 2);

	for (size_t size = 0; size <= (size_t)full + 2; size++) {
		char got[BUF];
		char want[BUF];
		memset(got, SENTINEL, sizeof(got));
		memset(want, SENTINEL, sizeof(want));

		va_start(ap, f);
		int got_n = fmt_vsnprintf(got, size, f, ap);
		va_end(ap);
		va_start(ap, f);
		int want_n = vsnprintf(want, size, f, ap);
		va_end(ap);

		if (got_n != want_n || memcmp(got, want, sizeof(got)) != 0) {
			fail_msg("format \"%s\", size %zu: got \"%.*s\" (ret %d), want \"%.*s\" "
				 "(ret %d)",
				 f, size, (int)(size > 0 ? size - 1 : 0), got, got_n,
				 (int)(size > 0 ? size - 1 : 0), want, want_n);
		}
	}
}

/* Plain text, "%%" and an empty format are copied literally. */
static void literal_text(void **state)
{
	(void)state;
	expect_same("plain text");
	expect_same("%s", "");
	expect_same("100%%");
	expect_same("%%%%");
	expect_same("a%%b%dc", 7);
	expect_same("tab\there\nnewline");
}

/* %d and %i: zero, positive, negative, INT_MIN, INT_MAX. */
static void signed_int(void **state)
{
	(void)state;
	expect_same("%d", 0);
	expect_same("%d", 42);
	expect_same("%d", -42);
	expect_same("%d", INT_MAX);
	expect_same("%d", INT_MIN);
	expect_same("%i", -7);
	expect_same("%i", 123456789);
}

/* %u %x %X: zero, ordinary values and the 32-bit maximum. */
static void unsigned_int(void **state)
{
	(void)state;
	expect_same("%u", 0U);
	expect_same("%u", 3000000000U);
	expect_same("%u", UINT_MAX);
	expect_same("%x", 0U);
	expect_same("%x", 0xdeadbeefU);
	expect_same("%X", 0xdeadbeefU);
	expect_same("%x", UINT_MAX);
	expect_same("%X", 0xA5U);
}

/* '#' adds 0x/0X except for zero, also together with width, '0' and '-'. */
static void alternate_form(void **state)
{
	(void)state;
	expect_same("%#x", 0x2aU);
	expect_same("%#X", 0x2aU);
	expect_same("%#x", 0U);
	expect_same("%#10x|", 0x2aU);
	expect_same("%#010x", 0x2aU);
	expect_same("%#010x", 0U);
	expect_same("%-#10x|", 0x2aU);
	expect_same("%#llx", 0xFFFFFFFFFFFFFFFFULL);
}

/* Width pads on the left with spaces, '-' pads on the right, '0' pads with zeros after the sign. */
static void width_and_flags(void **state)
{
	(void)state;
	expect_same("[%5d]", 42);
	expect_same("[%-5d]", 42);
	expect_same("[%05d]", 42);
	expect_same("[%05d]", -42);
	expect_same("[%5d]", -42);
	expect_same("[%-5d]", -42);
	expect_same("[%1d]", 12345);
	expect_same("[%08x]", 0xabcU);
	expect_same("[%-8X]", 0xabcU);
	expect_same("[%8u]", 0U);
	expect_same("[%08u]", 0U);
	expect_same("[%020llu]", 0xFFFFFFFFFFFFFFFFULL);
	expect_same("[%30lld]", (long long)INT64_MIN);
	expect_same("[%-30lld]", (long long)INT64_MIN);
	expect_same("[%030lld]", (long long)INT64_MIN);
	expect_same("[%100d]", 1);
}

/* l, ll and z read 64-bit arguments: INT64_MIN, INT64_MAX, UINT64_MAX, SIZE_MAX. */
static void length_modifiers(void **state)
{
	(void)state;
	expect_same("%ld", LONG_MIN);
	expect_same("%ld", LONG_MAX);
	expect_same("%li", -1L);
	expect_same("%lu", ULONG_MAX);
	expect_same("%lx", 0x123456789abcdefUL);
	expect_same("%lX", 0x123456789abcdefUL);
	expect_same("%lld", (long long)INT64_MIN);
	expect_same("%lld", (long long)INT64_MAX);
	expect_same("%lld", 0LL);
	expect_same("%llu", (unsigned long long)UINT64_MAX);
	expect_same("%llx", (unsigned long long)UINT64_MAX);
	expect_same("%llX", 0x8000000000000000ULL);
	expect_same("%zu", (size_t)SIZE_MAX);
	expect_same("%zx", (size_t)0x1000);
	expect_same("%zd", (ssize_t)-5);
	expect_same("%zu", (size_t)0);
}

/* %s, %c and %p, with and without width. */
static void strings_chars_pointers(void **state)
{
	(void)state;
	int local = 0;
	expect_same("%s", "hello");
	expect_same("[%10s]", "hello");
	expect_same("[%-10s]", "hello");
	expect_same("[%2s]", "hello");
	expect_same("%s=%s", "key", "value");
	expect_same("%c", 'A');
	expect_same("[%3c]", 'x');
	expect_same("[%-3c]", 'x');
	expect_same("%c%c%c", 'a', 'b', 'c');
	expect_same("a%cb", '\0');
	expect_same("%p", (void *)0x1234);
	expect_same("%p", (void *)&local);
	expect_same("[%20p]", (void *)0xdeadbeef);
	expect_same("[%-20p]", (void *)0xdeadbeef);
}

/* A NULL %s prints "(null)" (padded like any string); a NULL %p prints "0x0" (glibc says "(nil)").
 */
static void null_arguments(void **state)
{
	(void)state;
	const char *volatile nul = NULL; /* volatile: keep the compiler from flagging a NULL %s */
	void *volatile nulp = NULL;
	char buf[32];

	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", nul), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "[%8s]", nul), 10);
	assert_string_equal(buf, "[  (null)]");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "[%-8s]", nul), 10);
	assert_string_equal(buf, "[(null)  ]");
	assert_int_equal(fmt_snprintf(buf, 4, "%s", nul), 6);
	assert_string_equal(buf, "(nu");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%p", nulp), 3);
	assert_string_equal(buf, "0x0");
}

/* Several conversions in one format, mixing sizes (argument fetching stays in step). */
static void mixed(void **state)
{
	(void)state;
	expect_same("x=%d y=%s z=%#x w=%llu c=%c", -1, "str", 0xbeefU,
		    (unsigned long long)UINT64_MAX, 'q');
	expect_same("%lld %d %lld %u", (long long)INT64_MIN, 5, (long long)INT64_MAX, 6U);
	expect_same("%zu|%-6s|%06d|%X", (size_t)77, "ab", -3, 0xfeU);
}

/* A small buffer is always NUL-terminated and the return value is the full length. */
static void truncation(void **state)
{
	(void)state;
	char buf[16];

	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 5, "hello world"), 11);
	assert_memory_equal(buf, "hell\0ZZZZZZZZZZZ", sizeof(buf));

	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 1, "%d", 12345), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], SENTINEL);

	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 6, "%08x", 0xabcU), 8);
	assert_memory_equal(buf, "00000\0ZZZZZZZZZZ", sizeof(buf));

	/* Exactly fitting: length + 1 bytes. */
	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 6, "%s", "abcde"), 5);
	assert_memory_equal(buf, "abcde\0ZZZZZZZZZZ", sizeof(buf));

	/* One short: the last character is dropped for the NUL. */
	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 5, "%s", "abcde"), 5);
	assert_memory_equal(buf, "abcd\0ZZZZZZZZZZZ", sizeof(buf));

	/* Output far longer than the buffer. */
	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 8, "%100d", 1), 100);
	assert_memory_equal(buf, "       \0ZZZZZZZZ", sizeof(buf));
}

/* Size 0 writes nothing (a NULL buffer is allowed) and still returns the full length. */
static void size_zero(void **state)
{
	(void)state;
	char buf[8];

	memset(buf, SENTINEL, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "hello %d", 42), 8);
	assert_memory_equal(buf, "ZZZZZZZZ", sizeof(buf));
	assert_int_equal(fmt_snprintf(NULL, 0, "%llu", (unsigned long long)UINT64_MAX), 20);
	assert_int_equal(fmt_snprintf(NULL, 0, "%s", ""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_text),
		cmocka_unit_test(signed_int),
		cmocka_unit_test(unsigned_int),
		cmocka_unit_test(alternate_form),
		cmocka_unit_test(width_and_flags),
		cmocka_unit_test(length_modifiers),
		cmocka_unit_test(strings_chars_pointers),
		cmocka_unit_test(null_arguments),
		cmocka_unit_test(mixed),
		cmocka_unit_test(truncation),
		cmocka_unit_test(size_zero),
	};
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
