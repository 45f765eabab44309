/*
 * Host tests for the RX/TX buffer pair: FFA_RXTX_MAP argument checks and the
 * mapped / RX ownership state machine (RXTX_UNMAP, RX_RELEASE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "core/types.h"
#include "ffa/rxtx.h"

#define PG ((uint64_t)PAGE_SIZE)
#define BASE 0x80000000ULL
#define SIZE 0x100000ULL /* 1 MiB */
#define END (BASE + SIZE)
#define TX BASE
#define RX (BASE + 0x80000) /* 128 pages apart: no overlap up to 17 pages */
#define NO_PAGES 0xDEADU

/* map_check on an unmapped pair; *pages must stay untouched on failure. */
static int check(uint64_t tx, uint64_t rx, uint32_t w3, uint64_t base, uint64_t size,
		 uint32_t *pages)
{
	struct ffa_rxtx b;
	memset(&b, 0, sizeof(b));
	*pages = NO_PAGES;
	return ffa_rxtx_map_check(&b, tx, rx, w3, base, size, pages);
}

static void assert_invalid(uint64_t tx, uint64_t rx, uint32_t w3, uint64_t base, uint64_t size)
{
	uint32_t pages;
	assert_int_equal(check(tx, rx, w3, base, size, &pages), FFA_INVALID_PARAMETERS);
	assert_int_equal(pages, NO_PAGES);
}

static void assert_valid(uint64_t tx, uint64_t rx, uint32_t w3, uint64_t base, uint64_t size)
{
	uint32_t pages;
	assert_int_equal(check(tx, rx, w3, base, size, &pages), 0);
	assert_int_equal(pages, w3);
}

static void map_valid(void **state)
{
	(void)state;
	assert_valid(TX, RX, 2, BASE, SIZE);
	assert_valid(TX, RX, 1, BASE, SIZE);
	assert_valid(TX, RX, FFA_RXTX_MAX_PAGES, BASE, SIZE);
	/* RX below TX, adjacent buffers. */
	assert_valid(RX, TX, 2, BASE, SIZE);
	assert_valid(TX, TX + 2 * PG, 2, BASE, SIZE);
	assert_valid(TX + 2 * PG, TX, 2, BASE, SIZE);
	/* Buffers ending exactly at the end of the allowed range. */
	assert_valid(END - 2 * PG, TX, 2, BASE, SIZE);
	assert_valid(TX, END - 2 * PG, 2, BASE, SIZE);
	assert_valid(END - 16 * PG, END - 32 * PG, 16, BASE, SIZE);
	/* An allowed range of exactly the two buffers. */
	assert_valid(BASE, BASE + PG, 1, BASE, 2 * PG);
}

/* The buffer pair's whole state: mapped or not, addresses, page count, RX state. */
static void assert_pair(const struct ffa_rxtx *b, bool mapped, uint64_t tx, uint64_t rx,
			uint32_t pages, enum ffa_rx_state rx_state)
{
	assert_int_equal(b->mapped, mapped);
	assert_int_equal(b->tx, tx);
	assert_int_equal(b->rx, rx);
	assert_int_equal(b->pages, pages);
	assert_int_equal(b->rx_state, rx_state);
}

/* Already mapped: DENIED, before any argument check. */
static void map_denied_when_mapped(void **state)
{
	(void)state;
	struct ffa_rxtx b;
	uint32_t pages = NO_PAGES;

	memset(&b, 0, sizeof(b));
	ffa_rxtx_set(&b, TX, RX, 2);
	assert_int_equal(ffa_rxtx_map_check(&b, TX + 4 * PG, RX + 4 * PG, 2, BASE, SIZE, &pages),
			 FFA_DENIED);
	assert_int_equal(ffa_rxtx_map_check(&b, 0, 0, 0, BASE, SIZE, &pages), FFA_DENIED);
	assert_int_equal(ffa_rxtx_map_check(&b, TX + 1, TX + 1, 0xFFFFFFFFU, 0, ~0ULL, &pages),
			 FFA_DENIED);
	assert_int_equal(pages, NO_PAGES);
	/* The state is unchanged by the refusals. */
	assert_pair(&b, true, TX, RX, 2, FFA_RX_EMPTY);
}

static void map_bad_page_count(void **state)
{
	(void)state;
	assert_invalid(TX, RX, 0, BASE, SIZE);
	assert_invalid(TX, RX, FFA_RXTX_MAX_PAGES + 1, BASE, SIZE);
	assert_invalid(TX, RX, FFA_RXTX_PAGES_MASK, BASE, SIZE);
	/* w3 [31:6] MBZ, even with a valid count in [5:0]. */
	assert_invalid(TX, RX, (1U << 6) | 2, BASE, SIZE);
	assert_invalid(TX, RX, (1U << 31) | 2, BASE, SIZE);
	assert_invalid(TX, RX, 0xFFFFFFC0U | 2, BASE, SIZE);
	assert_invalid(TX, RX, 1U << 6, BASE, SIZE); /* 64 if the mask were ignored */
}

static void map_bad_addresses(void **state)
{
	(void)state;
	/* Unaligned. */
	assert_invalid(TX + 0x800, RX, 2, BASE, SIZE);
	assert_invalid(TX, RX + 0x800, 2, BASE, SIZE);
	assert_invalid(TX + 1, RX, 1, BASE, SIZE);
	assert_invalid(TX, RX + 8, 1, BASE, SIZE);
	/* Zero, in an allowed range that starts at 0 (so only the zero check refuses it). */
	assert_valid(PG, 4 * PG, 2, 0, SIZE);
	assert_invalid(0, 4 * PG, 2, 0, SIZE);
	assert_invalid(4 * PG, 0, 2, 0, SIZE);
	assert_invalid(0, 0, 2, 0, SIZE);
}

static void map_overlap(void **state)
{
	(void)state;
	assert_invalid(TX, TX, 1, BASE, SIZE);
	assert_invalid(TX, TX, 2, BASE, SIZE);
	assert_invalid(TX, TX + PG, 2, BASE, SIZE);
	assert_invalid(TX + PG, TX, 2, BASE, SIZE);
	assert_invalid(TX, TX + 15 * PG, 16, BASE, SIZE);
}

static void map_outside_allowed(void **state)
{
	(void)state;
	/* Below the base. */
	assert_invalid(BASE - PG, RX, 1, BASE, SIZE);
	assert_invalid(TX, BASE - PG, 1, BASE, SIZE);
	assert_invalid(BASE - 2 * PG, RX, 2, BASE, SIZE); /* ends at the base */
	/* Ending one page past the end. */
	assert_invalid(END - PG, TX, 2, BASE, SIZE);
	assert_invalid(TX, END - PG, 2, BASE, SIZE);
	/* Starting at the end. */
	assert_invalid(END, TX, 1, BASE, SIZE);
	assert_invalid(TX, END, 1, BASE, SIZE);
	/* Far away. */
	assert_invalid(0x40000000, RX, 1, BASE, SIZE);
	assert_invalid(TX, 0x100000000ULL, 1, BASE, SIZE);
	/* An empty allowed range. */
	assert_invalid(TX, RX, 1, BASE, 0);
}

static void map_wrapping(void **state)
{
	(void)state;
	const uint64_t top = 0xFFFFFFFFFFFFF000ULL;
	const uint64_t hi = 0xFFFFFFFFFFFF0000ULL;

	assert_invalid(top, RX, 2, BASE, SIZE);
	assert_invalid(TX, top, 2, BASE, SIZE);
	/*
	 * An allowed range up to the last byte: a wrapped end (0x1000) would
	 * pass the range and overlap checks, so only the wrap check refuses it.
	 */
	assert_valid(hi, hi + 4 * PG, 2, hi, 0xFFFF);
	assert_invalid(top, hi, 2, hi, 0xFFFF);
	assert_invalid(hi, top, 2, hi, 0xFFFF);
	/* The last page of the address space ends at 2^64: refused too. */
	assert_invalid(top, hi, 1, hi, 0xFFFF);
	/* An allowed range that wraps itself. */
	assert_invalid(hi, hi + 4 * PG, 2, hi, 0x20000);
	assert_invalid(TX, RX, 2, BASE, ~0ULL);
	assert_invalid(TX, RX, 2, BASE, 0ULL - BASE + 1);
}

/* Fresh (all zero): nothing mapped. */
static void state_unmapped(void **state)
{
	(void)state;
	struct ffa_rxtx b;
	memset(&b, 0, sizeof(b));
	assert_int_equal(ffa_rxtx_unmap_check(&b), FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_rx_release(&b), FFA_DENIED);
	/* Not mapped but (stale) FULL: still DENIED, and still FULL. */
	b.rx_state = FFA_RX_FULL;
	assert_int_equal(ffa_rx_release(&b), FFA_DENIED);
	assert_int_equal(b.rx_state, FFA_RX_FULL);
}

static void state_machine(void **state)
{
	(void)state;
	struct ffa_rxtx b;
	uint32_t pages = NO_PAGES;

	memset(&b, 0, sizeof(b));
	assert_int_equal(ffa_rxtx_map_check(&b, TX, RX, 3, BASE, SIZE, &pages), 0);
	assert_int_equal(pages, 3);
	ffa_rxtx_set(&b, TX, RX, pages);
	assert_pair(&b, true, TX, RX, 3, FFA_RX_EMPTY);
	assert_int_equal(ffa_rxtx_unmap_check(&b), 0);

	/* EMPTY: the endpoint does not own it. */
	assert_int_equal(ffa_rx_release(&b), FFA_DENIED);
	assert_int_equal(b.rx_state, FFA_RX_EMPTY);

	/* FULL -> EMPTY once. */
	b.rx_state = FFA_RX_FULL;
	assert_int_equal(ffa_rx_release(&b), 0);
	assert_int_equal(b.rx_state, FFA_RX_EMPTY);
	assert_int_equal(ffa_rx_release(&b), FFA_DENIED);
	assert_int_equal(b.rx_state, FFA_RX_EMPTY);
	assert_true(b.mapped);

	/* Unmap while FULL: everything zero. */
	b.rx_state = FFA_RX_FULL;
	ffa_rxtx_clear(&b);
	assert_pair(&b, false, 0, 0, 0, FFA_RX_EMPTY);
	assert_int_equal(ffa_rxtx_unmap_check(&b), FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_rx_release(&b), FFA_DENIED);

	/* Mappable again; a new mapping starts EMPTY. */
	pages = NO_PAGES;
	assert_int_equal(ffa_rxtx_map_check(&b, RX, TX, 1, BASE, SIZE, &pages), 0);
	assert_int_equal(pages, 1);
	b.rx_state = FFA_RX_FULL;
	ffa_rxtx_set(&b, RX, TX, pages);
	assert_pair(&b, true, RX, TX, 1, FFA_RX_EMPTY);
}

/* ffa_tx_copy: the TX buffer's first bytes, or INVALID (nothing written) unmapped or beyond it. */
static void tx_copy(void **state)
{
	(void)state;
	static uint8_t tx[2 * 4096] __attribute__((aligned(4096)));
	uint8_t dst[2 * 4096 + 1];
	struct ffa_rxtx b;

	memset(&b, 0, sizeof(b));
	for (unsigned int i = 0; i < sizeof(tx); i++) {
		tx[i] = (uint8_t)(i * 7 + 1);
	}
	memset(dst, 0xEE, sizeof(dst));
	assert_int_equal(ffa_tx_copy(&b, dst, 16), FFA_INVALID_PARAMETERS); /* no buffers */
	ffa_rxtx_set(&b, (uint64_t)(uintptr_t)tx, RX, 2);
	assert_int_equal(ffa_rxtx_size(&b), 2 * 4096);
	assert_int_equal(ffa_tx_copy(&b, dst, 2 * 4096 + 1), FFA_INVALID_PARAMETERS);
	for (unsigned int i = 0; i < sizeof(dst); i++) {
		assert_int_equal(dst[i], 0xEE); /* a refused copy writes nothing */
	}
	assert_int_equal(ffa_tx_copy(&b, dst, 2 * 4096), 0);
	assert_memory_equal(dst, tx, 2 * 4096);
	assert_int_equal(dst[2 * 4096], 0xEE);
	assert_int_equal(ffa_tx_copy(&b, dst, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_valid),	      cmocka_unit_test(map_denied_when_mapped),
		cmocka_unit_test(map_bad_page_count), cmocka_unit_test(map_bad_addresses),
		cmocka_unit_test(map_overlap),	      cmocka_unit_test(map_outside_allowed),
		cmocka_unit_test(map_wrapping),	      cmocka_unit_test(state_unmapped),
		cmocka_unit_test(state_machine),      cmocka_unit_test(tx_copy),
	};
	return cmocka_run_group_tests_name("rxtx", tests, NULL, NULL);
}
