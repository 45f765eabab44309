/*
 * Host tests of the hypervisor's address rewriting in FF-A memory
 * descriptors (src/hyp/ffa_xlate.c): IPA -> PA for a VM's RAM and the
 * emulated SPMC's borrowed-memory window, every edge refused (outside,
 * straddling, wrapping), the sender check, constituents of later
 * fragments, and PA -> window IPA in a borrower's response. Descriptors
 * are written by the tests' own builder (tests/target/mem_build.c), not
 * by tzvisor's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/ffa.h"
#include "hyp/ffa_xlate.h"
#include "mem_build.h"

#define RAM_IPA 0x40000000ULL
#define RAM_PA 0x7F000000ULL
#define RAM_SIZE 0x01000000ULL
#define SENDER 1U

static const struct ffa_xlate emul = {RAM_IPA, RAM_PA, RAM_SIZE, true};
static const struct ffa_xlate fwd = {RAM_IPA, RAM_PA, RAM_SIZE, false};

static void test_to_pa(void **state)
{
	uint64_t pa = 0x1234;

	(void)state;
	assert_int_equal(ffa_xlate_to_pa(&emul, RAM_IPA, 1, &pa), 0);
	assert_int_equal(pa, RAM_PA);
	assert_int_equal(ffa_xlate_to_pa(&emul, RAM_IPA + RAM_SIZE - 4096, 1, &pa), 0);
	assert_int_equal(pa, RAM_PA + RAM_SIZE - 4096);
	assert_int_equal(ffa_xlate_to_pa(&emul, RAM_IPA, RAM_SIZE / 4096, &pa), 0);
	assert_int_equal(pa, RAM_PA);
	/* The window: IPA = PA + HYP_FFA_WINDOW, only while emulating. */
	assert_int_equal(ffa_xlate_to_pa(&emul, HYP_FFA_WINDOW + 0x50000000, 2, &pa), 0);
	assert_int_equal(pa, 0x50000000);
	pa = 0x1234;
	assert_int_equal(ffa_xlate_to_pa(&fwd, HYP_FFA_WINDOW + 0x50000000, 2, &pa), FFA_DENIED);
	assert_int_equal(pa, 0x1234);

	/* Refused, *pa untouched. */
	static const struct {
		uint64_t ipa, pages;
	} bad[] = {
		{RAM_IPA - 4096, 1}, /* below RAM */
		{RAM_IPA - 4096, 2}, /* straddles its start */
		{RAM_IPA + RAM_SIZE, 1}, /* just past */
		{RAM_IPA + RAM_SIZE - 4096, 2}, /* straddles its end */
		{RAM_IPA, 0}, /* empty */
		{RAM_IPA, 1ULL << 32}, /* more pages than a constituent holds */
		{0xFFFFFFFFFFFFF000ULL, 2}, /* wraps */
		{0, 1},
		{HYP_FFA_WINDOW - 4096, 2}, /* straddles the window's start */
		{HYP_FFA_WINDOW + HYP_FFA_WINDOW_PA_LIMIT - 4096, 2}, /* and its end */
		{HYP_FFA_WINDOW + HYP_FFA_WINDOW_PA_LIMIT, 1},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pa = 0x1234;
		if (ffa_xlate_to_pa(&emul, bad[i].ipa, bad[i].pages, &pa) != FFA_DENIED) {
			fail_msg("case %zu accepted", i);
		}
		assert_int_equal(pa, 0x1234);
	}
}

static uint8_t buf[8192];

static uint32_t write_desc(uint16_t sender, const struct mb_range *r, unsigned int n)
{
	struct mb_desc d = {.sender = sender,
			    .attrs = MB_NORMAL_WB_ISH,
			    .nrecv = 1,
			    .recv = {{.id = 0x8001, .perms = MB_RW}},
			    .ranges = r,
			    .nranges = n};

	memset(buf, 0, sizeof(buf));
	return mb_write(buf, FFA_VERSION_1_2, &d);
}

static void test_send_first(void **state)
{
	struct mb_range r[3] = {{RAM_IPA + 0x3000, 2},
				{HYP_FFA_WINDOW + 0x60000000, 1},
				{RAM_IPA + RAM_SIZE - 4096, 1}};
	struct ffa_mem_range out[4];
	struct ffa_mem_txn t;
	uint32_t n = 99;
	uint64_t pages = 0;

	(void)state;
	uint32_t len = write_desc(SENDER, r, 3);
	assert_int_equal(ffa_xlate_send(&emul, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(pages, 4);
	assert_int_equal(out[0].base, RAM_PA + 0x3000);
	assert_int_equal(out[0].pages, 2);
	assert_int_equal(out[1].base, 0x60000000);
	assert_int_equal(out[2].base, RAM_PA + RAM_SIZE - 4096);
	/* Rewritten in place: what goes on holds physical addresses. */
	struct mb_range got = mb_range_at(buf + t.ranges_offset, 0);
	assert_int_equal(got.base, RAM_PA + 0x3000);
	assert_int_equal(got.pages, 2);
	got = mb_range_at(buf + t.ranges_offset, 2);
	assert_int_equal(got.base, RAM_PA + RAM_SIZE - 4096);
}

static void test_send_refused(void **state)
{
	struct ffa_mem_range out[4];
	struct ffa_mem_txn t;
	uint32_t n;
	uint64_t pages = 0;

	(void)state;
	/* Another sender's name: DENIED. */
	struct mb_range ok = {RAM_IPA, 1};
	uint32_t len = write_desc(2, &ok, 1);
	assert_int_equal(ffa_xlate_send(&emul, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_DENIED);
	/* A range past its RAM, behind a good one. */
	struct mb_range past[2] = {{RAM_IPA, 1}, {RAM_IPA + RAM_SIZE - 4096, 2}};
	len = write_desc(SENDER, past, 2);
	assert_int_equal(ffa_xlate_send(&emul, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_DENIED);
	assert_int_equal(n, 0);
	/* The window when forwarding (there is none). */
	struct mb_range win = {HYP_FFA_WINDOW + 0x60000000, 1};
	len = write_desc(SENDER, &win, 1);
	assert_int_equal(ffa_xlate_send(&fwd, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_DENIED);
	/* An unaligned constituent: the parser's INVALID. */
	struct mb_range odd = {RAM_IPA + 16, 1};
	len = write_desc(SENDER, &odd, 1);
	assert_int_equal(ffa_xlate_send(&emul, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_INVALID_PARAMETERS);
	/* More constituents than the caller's table: NO_MEMORY. */
	struct mb_range many[5] = {{RAM_IPA, 1},
				   {RAM_IPA + 0x2000, 1},
				   {RAM_IPA + 0x4000, 1},
				   {RAM_IPA + 0x6000, 1},
				   {RAM_IPA + 0x8000, 1}};
	len = write_desc(SENDER, many, 5);
	assert_int_equal(ffa_xlate_send(&emul, buf, len, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_NO_MEMORY);
	/* A truncated head. */
	len = write_desc(SENDER, &ok, 1);
	assert_int_equal(ffa_xlate_send(&emul, buf, 20, true, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_INVALID_PARAMETERS);
}

/* A later fragment: constituents only, whole 16-byte units. */
static void test_send_fragment(void **state)
{
	struct ffa_mem_range out[4];
	struct ffa_mem_txn t;
	uint32_t n;
	uint64_t pages = 0;
	uint8_t frag[48];

	(void)state;
	memset(frag, 0, sizeof(frag));
	for (unsigned int i = 0; i < 3; i++) {
		uint64_t ipa = RAM_IPA + 0x10000 + i * 0x2000;
		memcpy(frag + 16 * i, &ipa, 8);
		frag[16 * i + 8] = 1;
	}
	assert_int_equal(ffa_xlate_send(&emul, frag, 48, false, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(pages, 3);
	assert_int_equal(out[2].base, RAM_PA + 0x14000);
	assert_int_equal(mb_range_at(frag, 1).base, RAM_PA + 0x12000);
	assert_int_equal(ffa_xlate_send(&emul, frag, 40, false, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_INVALID_PARAMETERS);
	uint64_t outside = 0x10000000;
	memcpy(frag + 16, &outside, 8);
	assert_int_equal(ffa_xlate_send(&emul, frag, 48, false, FFA_VERSION_1_2, SENDER, &t, out, 4,
					&n, &pages),
			 FFA_DENIED);
}

static void test_to_window(void **state)
{
	uint8_t b[64];

	(void)state;
	memset(b, 0xEE, sizeof(b));
	uint64_t a = 0x7F003000, c = 0x50000000;
	memcpy(b + 16, &a, 8);
	memcpy(b + 32, &c, 8);
	/* From offset 16: two whole constituents; the 8 bytes left over are not one. */
	ffa_xlate_to_window(b, 16, 56);
	assert_int_equal(mb_range_at(b + 16, 0).base, HYP_FFA_WINDOW + 0x7F003000);
	assert_int_equal(mb_range_at(b + 16, 1).base, HYP_FFA_WINDOW + 0x50000000);
	assert_int_equal(b[0], 0xEE);
	assert_int_equal(b[15], 0xEE);
	assert_int_equal(b[48], 0xEE);
	assert_int_equal(b[63], 0xEE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_pa),	     cmocka_unit_test(test_send_first),
		cmocka_unit_test(test_send_refused), cmocka_unit_test(test_send_fragment),
		cmocka_unit_test(test_to_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
