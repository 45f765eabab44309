/* Host tests for the FFA_MSG_SEND2 header checks (indirect messaging). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/indirect.h"

#define SENDER 0x8001U
#define RECEIVER 0x8002U
#define TX_SIZE 4096U

static struct ffa_msg_header hdr(uint32_t offset, uint32_t size)
{
	return (struct ffa_msg_header){
		.flags = 0,
		.offset = offset,
		.receiver = RECEIVER,
		.sender = SENDER,
		.size = size,
	};
}

static void valid_headers(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(FFA_MSG_HEADER_SIZE_V1_2, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2), 0);

	h = hdr(FFA_MSG_HEADER_SIZE_V1_1, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_1), 0);

	/* A v1.1 caller may leave a gap; an empty payload is a message too. */
	h = hdr(40, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_1), 0);
	h = hdr(64, 0);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2), 0);
}

/* The payload starts after the caller's version of the header. */
static void offset_below_header(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(20, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	h = hdr(39, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	h = hdr(19, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_1),
			 FFA_INVALID_PARAMETERS);
	h = hdr(0, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_1),
			 FFA_INVALID_PARAMETERS);
}

static void flags_mbz(void **state)
{
	(void)state;
	const uint32_t flags[] = {1, 0x80000000U, 0xFFFFFFFFU};
	for (size_t i = 0; i < 3; i++) {
		struct ffa_msg_header h = hdr(40, 100);
		h.flags = flags[i];
		assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
				 FFA_INVALID_PARAMETERS);
	}
}

static void sender_is_caller(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(40, 100);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, RECEIVER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, 0, FFA_VERSION_1_2), FFA_INVALID_PARAMETERS);
	h.sender = 0x0001; /* the caller's ID without the secure bit */
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
}

/* offset + size must fit in the TX buffer: at its end is fine, one byte past is not. */
static void tx_bounds(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(40, 1024 - 40);
	assert_int_equal(ffa_msg_check(&h, 1024, SENDER, FFA_VERSION_1_2), 0);
	h.size++;
	assert_int_equal(ffa_msg_check(&h, 1024, SENDER, FFA_VERSION_1_2), FFA_INVALID_PARAMETERS);

	h = hdr(40, TX_SIZE - 40);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2), 0);
	h.size++;
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);

	/* The offset alone past the buffer. */
	h = hdr(1024, 0);
	assert_int_equal(ffa_msg_check(&h, 1024, SENDER, FFA_VERSION_1_2), 0);
	h = hdr(1025, 0);
	assert_int_equal(ffa_msg_check(&h, 1024, SENDER, FFA_VERSION_1_2), FFA_INVALID_PARAMETERS);
}

/* At most FFA_MSG_MAX_TOTAL bytes, however large the TX buffer. */
static void max_total(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(40, FFA_MSG_MAX_TOTAL - 40);
	assert_int_equal(ffa_msg_check(&h, 2 * TX_SIZE, SENDER, FFA_VERSION_1_2), 0);
	h.size++;
	assert_int_equal(ffa_msg_check(&h, 2 * TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	h = hdr(20, FFA_MSG_MAX_TOTAL - 19);
	assert_int_equal(ffa_msg_check(&h, 16 * TX_SIZE, SENDER, FFA_VERSION_1_1),
			 FFA_INVALID_PARAMETERS);
	h = hdr(FFA_MSG_MAX_TOTAL + 40, 0);
	assert_int_equal(ffa_msg_check(&h, 16 * TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
}

/* offset + size beyond 32 bits: refused, not wrapped to a small total (here 39). */
static void size_overflow(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(40, 0xFFFFFFFFU);
	assert_int_equal(ffa_msg_check(&h, TX_SIZE, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_msg_check(&h, SIZE_MAX, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	h = hdr(0xFFFFFFFFU, 0xFFFFFFFFU);
	assert_int_equal(ffa_msg_check(&h, SIZE_MAX, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
	h = hdr(0xFFFFFFF0U, 0x20);
	assert_int_equal(ffa_msg_check(&h, SIZE_MAX, SENDER, FFA_VERSION_1_2),
			 FFA_INVALID_PARAMETERS);
}

static void total(void **state)
{
	(void)state;
	struct ffa_msg_header h = hdr(40, 100);
	assert_int_equal(ffa_msg_total(&h), 140);
	h = hdr(20, 0);
	assert_int_equal(ffa_msg_total(&h), 20);
	h = hdr(40, FFA_MSG_MAX_TOTAL - 40);
	assert_int_equal(ffa_msg_total(&h), FFA_MSG_MAX_TOTAL);
	/* Computed in size_t, not in 32 bits. */
	h = hdr(0xFFFFFFFFU, 0xFFFFFFFFU);
	assert_int_equal(ffa_msg_total(&h), 0x1FFFFFFFEULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_headers), cmocka_unit_test(offset_below_header),
		cmocka_unit_test(flags_mbz),	 cmocka_unit_test(sender_is_caller),
		cmocka_unit_test(tx_bounds),	 cmocka_unit_test(max_total),
		cmocka_unit_test(size_overflow), cmocka_unit_test(total),
	};
	return cmocka_run_group_tests_name("indirect", tests, NULL, NULL);
}
