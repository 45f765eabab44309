/* Host tests for the page allocator: init checks, zeroed distinct pages, exhaustion, free checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/palloc.h"
#include "core/types.h"
#include "fake_arch.h"

#define POOL_PAGES 8U

static void *pool_new(size_t pages)
{
	void *pool = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
	assert_non_null(pool);
	memset(pool, 0xCC, pages * PAGE_SIZE); /* dirty, so zeroing is observable */
	return pool;
}

static bool page_is_zero(const void *page)
{
	const uint8_t *b = page;
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
}

/* An unaligned base, 0 pages or more than PALLOC_MAX_PAGES pages are refused with -1. */
static void init_errors(void **state)
{
	(void)state;
	struct palloc p;
	uintptr_t base = 0x40000000U;

	assert_int_equal(palloc_init(&p, base + 1, 4), -1);
	assert_int_equal(palloc_init(&p, base + PAGE_SIZE / 2, 4), -1);
	assert_int_equal(palloc_init(&p, base + PAGE_SIZE - 1, 4), -1);
	assert_int_equal(palloc_init(&p, base, 0), -1);
	assert_int_equal(palloc_init(&p, base, PALLOC_MAX_PAGES + 1), -1);
	assert_int_equal(palloc_init(&p, base, (size_t)-1), -1);
	/* The limits themselves are accepted (init touches no pool memory). */
	assert_int_equal(palloc_init(&p, base, PALLOC_MAX_PAGES), 0);
	assert_int_equal(palloc_used(&p), 0);
	assert_int_equal(palloc_init(&p, base, 1), 0);
	assert_int_equal(palloc_used(&p), 0);
}

/* Pages are distinct, page-aligned, zeroed and inside the pool; then NULL once exhausted. */
static void alloc_until_exhausted(void **state)
{
	(void)state;
	uint8_t *pool = pool_new(POOL_PAGES);
	struct palloc p;
	void *pages[POOL_PAGES];
	bool seen[POOL_PAGES] = {false};

	assert_int_equal(palloc_init(&p, (uintptr_t)pool, POOL_PAGES), 0);
	for (size_t i = 0; i < POOL_PAGES; i++) {
		pages[i] = palloc_alloc(&p);
		assert_non_null(pages[i]);
		uintptr_t a = (uintptr_t)pages[i];
		assert_true(IS_ALIGNED(a, PAGE_SIZE));
		assert_true(a >= (uintptr_t)pool && a < (uintptr_t)pool + POOL_PAGES * PAGE_SIZE);
		size_t idx = (a - (uintptr_t)pool) / PAGE_SIZE;
		assert_false(seen[idx]);
		seen[idx] = true;
		assert_true(page_is_zero(pages[i]));
		memset(pages[i], 0x5A, PAGE_SIZE); /* must not disturb the other pages */
		assert_int_equal(palloc_used(&p), i + 1);
	}
	assert_null(palloc_alloc(&p));
	assert_null(palloc_alloc(&p));
	assert_int_equal(palloc_used(&p), POOL_PAGES);
	for (size_t i = 0; i < POOL_PAGES; i++) {
		const uint8_t *b = pages[i];
		assert_int_equal(b[0], 0x5A);
		assert_int_equal(b[PAGE_SIZE - 1], 0x5A);
	}
	free(pool);
}

/* Freed pages are counted down and handed out again, zeroed, also when the pool was full. */
static void free_then_realloc(void **state)
{
	(void)state;
	uint8_t *pool = pool_new(4);
	struct palloc p;
	void *pages[4];

	assert_int_equal(palloc_init(&p, (uintptr_t)pool, 4), 0);
	for (size_t i = 0; i < 4; i++) {
		pages[i] = palloc_alloc(&p);
		assert_non_null(pages[i]);
		memset(pages[i], 0x77, PAGE_SIZE);
	}
	assert_null(palloc_alloc(&p));

	palloc_free(&p, pages[1]);
	assert_int_equal(palloc_used(&p), 3);
	assert_int_equal(palloc_peak(&p), 4); /* the high-water mark stays */
	void *again = palloc_alloc(&p);
	assert_ptr_equal(again, pages[1]); /* the only free page */
	assert_true(page_is_zero(again));
	assert_int_equal(palloc_used(&p), 4);
	assert_null(palloc_alloc(&p));

	/* Free everything (in an order different from allocation), then allocate all again. */
	palloc_free(&p, pages[3]);
	palloc_free(&p, pages[0]);
	palloc_free(&p, pages[2]);
	palloc_free(&p, pages[1]);
	assert_int_equal(palloc_used(&p), 0);
	assert_int_equal(palloc_peak(&p), 4);
	bool seen[4] = {false};
	for (size_t i = 0; i < 4; i++) {
		uint8_t *pg = palloc_alloc(&p);
		assert_non_null(pg);
		size_t idx = (size_t)(pg - pool) / PAGE_SIZE;
		assert_true(idx < 4);
		assert_false(seen[idx]);
		seen[idx] = true;
		assert_true(page_is_zero(pg));
	}
	assert_int_equal(palloc_used(&p), 4);
	assert_null(palloc_alloc(&p));
	free(pool);
}

/* Freeing a pointer outside the pool, a misaligned one or NULL panics and changes nothing. */
static void free_bad_pointer_panics(void **state)
{
	(void)state;
	uint8_t *pool = pool_new(4);
	struct palloc p;

	assert_int_equal(palloc_init(&p, (uintptr_t)pool, 4), 0);
	void *a = palloc_alloc(&p);
	void *b = palloc_alloc(&p);
	assert_non_null(a);
	assert_non_null(b);

	uintptr_t base = (uintptr_t)pool;
	EXPECT_PANIC(palloc_free(&p, (void *)(base - PAGE_SIZE))); /* just below the pool */
	EXPECT_PANIC(palloc_free(&p, (void *)(base + 4 * PAGE_SIZE))); /* just past the pool */
	EXPECT_PANIC(palloc_free(&p, (void *)(base + 100 * PAGE_SIZE))); /* far past the pool */
	/* Past any page the bitmap could describe. */
	EXPECT_PANIC(palloc_free(&p, (void *)(base + 4 * PALLOC_MAX_PAGES * PAGE_SIZE)));
	EXPECT_PANIC(palloc_free(&p, (void *)((uintptr_t)a + 1))); /* misaligned */
	EXPECT_PANIC(palloc_free(&p, (void *)((uintptr_t)b + PAGE_SIZE / 2)));
	EXPECT_PANIC(palloc_free(&p, NULL));
	assert_int_equal(palloc_used(&p), 2);

	/* The allocator still works after the refused frees. */
	palloc_free(&p, a);
	palloc_free(&p, b);
	assert_int_equal(palloc_used(&p), 0);
	free(pool);
}

/* Freeing a page twice, or one never allocated, panics. */
static void double_free_panics(void **state)
{
	(void)state;
	uint8_t *pool = pool_new(4);
	struct palloc p;

	assert_int_equal(palloc_init(&p, (uintptr_t)pool, 4), 0);
	void *a = palloc_alloc(&p);
	assert_non_null(a);
	palloc_free(&p, a);
	assert_int_equal(palloc_used(&p), 0);
	/*
	 * The double-free CHECK fires while p.lock is held, and the panic never
	 * returns on target, so the allocator is not used again after this.
	 */
	EXPECT_PANIC(palloc_free(&p, a));

	struct palloc q;
	assert_int_equal(palloc_init(&q, (uintptr_t)pool, 4), 0);
	void *c = palloc_alloc(&q);
	assert_non_null(c);
	/* A page inside the pool that was never handed out. */
	EXPECT_PANIC(palloc_free(&q, pool + 3 * PAGE_SIZE));
	free(pool);
}

/*
 * Taking the top pages: out of the pool for good; refused (0, pool
 * unchanged) when one of them is in use, when nothing would be left, or for 0.
 */
static void take_top(void **state)
{
	(void)state;
	struct palloc p;
	uint8_t *pool = pool_new(POOL_PAGES);

	assert_int_equal(palloc_init(&p, (uintptr_t)pool, POOL_PAGES), 0);
	assert_int_equal(palloc_take_top(&p, 0), 0);
	assert_int_equal(palloc_take_top(&p, POOL_PAGES), 0);
	assert_int_equal(p.pages, POOL_PAGES);
	/* The first allocations come from the bottom: the top three are free to take. */
	void *a = palloc_alloc(&p);
	assert_ptr_equal(a, pool);
	uintptr_t top = palloc_take_top(&p, 3);
	assert_int_equal(top, (uintptr_t)pool + (POOL_PAGES - 3) * PAGE_SIZE);
	assert_int_equal(p.pages, POOL_PAGES - 3);
	/* The rest of the pool never hands them out. */
	size_t got = 1;
	while (palloc_alloc(&p) != NULL) {
		got++;
	}
	assert_int_equal(got, POOL_PAGES - 3);
	/* All in use now: nothing more can be taken, and the pool is as it was. */
	assert_int_equal(palloc_take_top(&p, 1), 0);
	assert_int_equal(p.pages, POOL_PAGES - 3);
	free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_errors),	      cmocka_unit_test(alloc_until_exhausted),
		cmocka_unit_test(free_then_realloc),  cmocka_unit_test(free_bad_pointer_panics),
		cmocka_unit_test(double_free_panics), cmocka_unit_test(take_top),
	};
	return cmocka_run_group_tests_name("palloc", tests, NULL, NULL);
}
