/*
 * Host tests for one receiver's notification state (src/ffa/notif.c): bind,
 * unbind, set and get in both namespaces, per-vCPU notifications, framework
 * notifications, and the FFA_NOTIFICATION_INFO_GET lists. Every refused call
 * is checked to leave the state byte for byte as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_arch.h"
#include "ffa/notif.h"

#define SP_A 0x8001U
#define SP_B 0x8002U
#define VM0 0x0000U
#define VM1 0x0001U
#define BIT(n) (1ULL << (n))

static struct ffa_notif n, before;

static void fresh(unsigned int vcpus)
{
	memset(&n, 0xA5, sizeof(n)); /* enable must clear everything */
	ffa_notif_enable(&n, vcpus);
}

static void snapshot(void)
{
	before = n;
}

static void assert_unchanged(void)
{
	assert_memory_equal(&n, &before, sizeof(n));
}

static void get_all(unsigned int vcpu, uint64_t *sp, uint64_t *vm, uint32_t *spm)
{
	ffa_notif_get(&n, vcpu, FFA_NOTIF_GET_FLAGS_MASK, sp, vm, spm);
}

static void expect_get(unsigned int vcpu, uint64_t sp, uint64_t vm, uint32_t spm)
{
	uint64_t s, v;
	uint32_t f;
	get_all(vcpu, &s, &v, &f);
	assert_int_equal(s, sp);
	assert_int_equal(v, vm);
	assert_int_equal(f, spm);
}

static void disabled_refuses_all(void **state)
{
	(void)state;
	memset(&n, 0, sizeof(n));
	snapshot();
	assert_int_equal(ffa_notif_bind(&n, SP_A, 1, false), FFA_NOT_SUPPORTED);
	assert_int_equal(ffa_notif_unbind(&n, SP_A, 1), FFA_NOT_SUPPORTED);
	assert_int_equal(ffa_notif_set(&n, SP_A, 1, false, 0), FFA_NOT_SUPPORTED);
	assert_unchanged();
}

static void bind_set_get_global(void **state)
{
	(void)state;
	fresh(4);
	assert_false(ffa_notif_any_pending(&n));
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(0) | BIT(63), false), 0);
	assert_int_equal(ffa_notif_bind(&n, VM1, BIT(0), false), 0); /* the other namespace */
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(63), false, 0), 0);
	assert_int_equal(ffa_notif_set(&n, VM1, BIT(0), false, 0), 0);
	assert_true(ffa_notif_any_pending(&n));
	/* Only the bitmaps asked for are returned and cleared. */
	uint64_t s, v;
	uint32_t f;
	ffa_notif_get(&n, 0, FFA_NOTIF_GET_FROM_VM, &s, &v, &f);
	assert_int_equal(s, 0);
	assert_int_equal(v, BIT(0));
	assert_int_equal(f, 0);
	/* A global notification is seen from any vCPU, once. */
	expect_get(3, BIT(63), 0, 0);
	expect_get(0, 0, 0, 0);
	assert_false(ffa_notif_any_pending(&n));
}

static void bind_refusals(void **state)
{
	(void)state;
	fresh(1);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(5), false), 0);
	snapshot();
	assert_int_equal(ffa_notif_bind(&n, SP_A, 0, false), FFA_INVALID_PARAMETERS);
	/* Bound already, to another sender or to the same one. */
	assert_int_equal(ffa_notif_bind(&n, SP_B, BIT(5) | BIT(6), false), FFA_DENIED);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(5), false), FFA_DENIED);
	/* One vCPU: no per-vCPU notifications. */
	assert_int_equal(ffa_notif_bind(&n, SP_B, BIT(6), true), FFA_INVALID_PARAMETERS);
	assert_unchanged();
}

static void set_refusals(void **state)
{
	(void)state;
	fresh(4);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(1), false), 0);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(2), true), 0);
	snapshot();
	assert_int_equal(ffa_notif_set(&n, SP_A, 0, false, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(1), false, 1), FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(2), true, 4), FFA_INVALID_PARAMETERS);
	/* Not bound, bound to another sender, or to the same sender in the other namespace. */
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(3), false, 0), FFA_DENIED);
	assert_int_equal(ffa_notif_set(&n, SP_B, BIT(1), false, 0), FFA_DENIED);
	assert_int_equal(ffa_notif_set(&n, VM0, BIT(1), false, 0), FFA_DENIED);
	/* Global bit set per vCPU and the reverse; one bad bit spoils the set. */
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(1), true, 0), FFA_DENIED);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(2), false, 0), FFA_DENIED);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(1) | BIT(3), false, 0), FFA_DENIED);
	assert_unchanged();
}

static void per_vcpu(void **state)
{
	(void)state;
	fresh(4);
	assert_int_equal(ffa_notif_bind(&n, VM0, BIT(7), true), 0);
	assert_int_equal(ffa_notif_set(&n, VM0, BIT(7), true, 2), 0);
	expect_get(0, 0, 0, 0); /* other vCPUs see nothing */
	expect_get(2, 0, BIT(7), 0);
	expect_get(2, 0, 0, 0);
}

static void unbind(void **state)
{
	(void)state;
	fresh(4);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(1) | BIT(2), false), 0);
	assert_int_equal(ffa_notif_bind(&n, SP_B, BIT(3), true), 0);
	assert_int_equal(ffa_notif_set(&n, SP_B, BIT(3), true, 1), 0);
	snapshot();
	assert_int_equal(ffa_notif_unbind(&n, SP_A, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(ffa_notif_unbind(&n, SP_B, BIT(1)), FFA_DENIED);
	assert_int_equal(ffa_notif_unbind(&n, SP_A, BIT(1) | BIT(4)), FFA_DENIED);
	assert_int_equal(ffa_notif_unbind(&n, SP_B, BIT(3)), FFA_DENIED); /* pending */
	assert_unchanged();
	assert_int_equal(ffa_notif_unbind(&n, SP_A, BIT(2)), 0);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(2), false, 0), FFA_DENIED);
	assert_int_equal(ffa_notif_bind(&n, SP_B, BIT(2), false), 0); /* free again */
	expect_get(1, BIT(3), 0, 0);
	assert_int_equal(ffa_notif_unbind(&n, SP_B, BIT(3)), 0);
}

static void framework(void **state)
{
	(void)state;
	fresh(1);
	ffa_notif_fwk_set(&n, FFA_NOTIF_FWK_RX_FULL);
	assert_true(ffa_notif_any_pending(&n));
	uint64_t s, v;
	uint32_t f;
	ffa_notif_get(&n, 0, FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM, &s, &v, &f);
	assert_int_equal(f, 0);
	assert_true(ffa_notif_any_pending(&n)); /* not asked for: still pending */
	expect_get(0, 0, 0, FFA_NOTIF_FWK_RX_FULL);
	ffa_notif_fwk_set(&n, FFA_NOTIF_FWK_RX_FULL);
	ffa_notif_fwk_clear(&n, FFA_NOTIF_FWK_RX_FULL);
	assert_false(ffa_notif_any_pending(&n));
}

static struct ffa_notif_info info;

static void info_global_then_nothing(void **state)
{
	(void)state;
	fresh(4);
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS);
	ffa_notif_info_add(&info, &n, SP_A);
	struct ffa_value r = ffa_notif_info_result(&info, true);
	assert_int_equal(r.x[0], FFA_ERROR_32);
	assert_int_equal((int32_t)r.x[2], FFA_NO_DATA);

	assert_int_equal(ffa_notif_bind(&n, VM0, BIT(9), false), 0);
	assert_int_equal(ffa_notif_set(&n, VM0, BIT(9), false, 0), 0);
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS);
	ffa_notif_info_add(&info, &n, SP_A);
	r = ffa_notif_info_result(&info, true);
	assert_int_equal(r.x[0], FFA_SUCCESS_64);
	assert_int_equal(r.x[2], 1U << FFA_NOTIF_INFO_LISTS_SHIFT); /* one list, no vCPU */
	assert_int_equal(r.x[3], SP_A);
	/* Reported once; pending again after a new set. */
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS);
	ffa_notif_info_add(&info, &n, SP_A);
	assert_int_equal(info.ids_count, 0);
	assert_int_equal(ffa_notif_set(&n, VM0, BIT(9), false, 0), 0);
	ffa_notif_info_add(&info, &n, SP_A);
	assert_int_equal(info.ids_count, 1);
}

static void info_per_vcpu_lists(void **state)
{
	(void)state;
	fresh(8);
	assert_int_equal(ffa_notif_bind(&n, VM0, BIT(0), true), 0);
	for (unsigned int v = 0; v < 5; v++) {
		assert_int_equal(ffa_notif_set(&n, VM0, BIT(0), true, v), 0);
	}
	ffa_notif_fwk_set(&n, FFA_NOTIF_FWK_RX_FULL);
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS);
	ffa_notif_info_add(&info, &n, SP_B);
	struct ffa_value r = ffa_notif_info_result(&info, true);
	/* [SP_B] [SP_B 0 1 2] [SP_B 3 4]: 3 lists, sizes 0, 3, 2, 8 IDs. */
	assert_int_equal(r.x[2], 3U << FFA_NOTIF_INFO_LISTS_SHIFT |
					 (0U | 3U << 2 | 2U << 4) << FFA_NOTIF_INFO_SIZES_SHIFT);
	assert_int_equal(r.x[3], (uint64_t)SP_B | (uint64_t)SP_B << 16 | 0ULL << 32 | 1ULL << 48);
	assert_int_equal(r.x[4], 2ULL | (uint64_t)SP_B << 16 | 3ULL << 32 | 4ULL << 48);
	assert_int_equal(r.x[5], 0);
	/* SMC32: two IDs per register. */
	r = ffa_notif_info_result(&info, false);
	assert_int_equal(r.x[0], FFA_SUCCESS_32);
	assert_int_equal(r.x[3], (uint64_t)SP_B | (uint64_t)SP_B << 16);
	assert_int_equal(r.x[4], 0ULL | 1ULL << 16);
	assert_int_equal(r.x[6], 3ULL | 4ULL << 16);
}

static void info_overflow_sets_more(void **state)
{
	(void)state;
	struct ffa_notif many[12];
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS_32);
	for (unsigned int i = 0; i < 12; i++) {
		ffa_notif_enable(&many[i], 2);
		assert_int_equal(ffa_notif_bind(&many[i], VM0, BIT(1), true), 0);
		assert_int_equal(ffa_notif_set(&many[i], VM0, BIT(1), true, 1), 0);
		ffa_notif_info_add(&info, &many[i], (ffa_id_t)(0x8001 + i));
	}
	/* Ten slots: five lists of [ID, vCPU]; the rest stay for the next call. */
	assert_int_equal(info.ids_count, 10);
	assert_int_equal(info.lists, 5);
	assert_true(info.more);
	struct ffa_value r = ffa_notif_info_result(&info, false);
	assert_int_equal(r.x[2] & FFA_NOTIF_INFO_MORE, FFA_NOTIF_INFO_MORE);
	assert_int_equal(many[5].vcpu_reported, 0);
	assert_int_equal(many[4].vcpu_reported, 1U << 1);
	ffa_notif_info_init(&info, FFA_NOTIF_INFO_MAX_IDS_32);
	for (unsigned int i = 0; i < 12; i++) {
		ffa_notif_info_add(&info, &many[i], (ffa_id_t)(0x8001 + i));
	}
	assert_int_equal(info.ids_count, 10);
	assert_int_equal(info.ids[0], 0x8006);
	assert_true(info.more);
}

static void disable_clears(void **state)
{
	(void)state;
	fresh(2);
	assert_int_equal(ffa_notif_bind(&n, SP_A, BIT(4), false), 0);
	ffa_notif_disable(&n);
	assert_false(n.enabled);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(4), false, 0), FFA_NOT_SUPPORTED);
	ffa_notif_enable(&n, 2);
	assert_int_equal(ffa_notif_set(&n, SP_A, BIT(4), false, 0), FFA_DENIED); /* unbound */
}

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A few bits, sometimes none, sometimes all: where the interesting refusals are. */
static uint64_t rnd_bits(void)
{
	switch (rnd() % 4) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	default:
		return 1ULL << (rnd() % 64) | ((rnd() % 2) != 0 ? 1ULL << (rnd() % 8) : 0);
	}
}

static void check_invariants(const struct ffa_notif *s)
{
	const struct ffa_notif_bank *banks[] = {&s->from_sp, &s->from_vm};
	for (unsigned int k = 0; k < 2; k++) {
		const struct ffa_notif_bank *b = banks[k];
		assert_int_equal(b->per_vcpu & ~b->bound, 0);
		/* Pending only where bound, in the mode it was bound in. */
		assert_int_equal(b->pending & ~(b->bound & ~b->per_vcpu), 0);
		for (unsigned int v = 0; v < FFA_NOTIF_MAX_VCPUS; v++) {
			assert_int_equal(b->vcpu_pending[v] & ~(b->bound & b->per_vcpu), 0);
			if (v >= s->vcpu_count) {
				assert_int_equal(b->vcpu_pending[v], 0);
			}
		}
	}
}

/*
 * 200,000 random operations from random senders: every refusal leaves the
 * state byte-identical, every success keeps the invariants, GET returns only
 * what SET pended since the last GET, and INFO_GET lists stay well-formed.
 */
static void random_operations(void **state)
{
	(void)state;
	static const ffa_id_t senders[] = {SP_A, SP_B, VM0, VM1};
	uint64_t expect_sp[FFA_NOTIF_MAX_VCPUS] = {0}, expect_vm[FFA_NOTIF_MAX_VCPUS] = {0};
	fresh(4);
	for (unsigned int i = 0; i < 200000; i++) {
		ffa_id_t s = senders[rnd() % 4];
		uint64_t bits = rnd_bits();
		bool per_vcpu = (rnd() % 2) != 0;
		unsigned int vcpu = (unsigned int)(rnd() % 6);
		int rc = 0;
		snapshot();
		switch (rnd() % 5) {
		case 0:
			rc = ffa_notif_bind(&n, s, bits, per_vcpu);
			break;
		case 1:
			rc = ffa_notif_unbind(&n, s, bits);
			break;
		case 2:
			rc = ffa_notif_set(&n, s, bits, per_vcpu, per_vcpu ? vcpu : 0);
			if (rc == 0) {
				uint64_t *e = ffa_id_is_secure(s) ? expect_sp : expect_vm;
				if (per_vcpu) {
					e[vcpu] |= bits;
				} else {
					for (unsigned int v = 0; v < 4; v++) {
						e[v] |= bits;
					}
				}
			}
			break;
		case 3: {
			uint64_t gs, gv;
			uint32_t gf;
			vcpu %= 4;
			ffa_notif_get(&n, vcpu, FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM, &gs,
				      &gv, &gf);
			/* What it got was pended; globals are gone for every vCPU. */
			assert_int_equal(gs & ~expect_sp[vcpu], 0);
			assert_int_equal(gv & ~expect_vm[vcpu], 0);
			for (unsigned int v = 0; v < 4; v++) {
				expect_sp[v] &= ~(before.from_sp.pending);
				expect_vm[v] &= ~(before.from_vm.pending);
			}
			expect_sp[vcpu] = expect_vm[vcpu] = 0;
			break;
		}
		default: {
			ffa_notif_info_init(&info,
					    1 + (unsigned int)(rnd() % FFA_NOTIF_INFO_MAX_IDS));
			ffa_notif_info_add(&info, &n, SP_A);
			assert_true(info.ids_count <= info.max_ids);
			unsigned int ids = 0;
			for (unsigned int l = 0; l < info.lists; l++) {
				assert_true(info.list_size[l] <= FFA_NOTIF_INFO_MAX_VCPUS_PER_LIST);
				ids += 1 + info.list_size[l];
			}
			assert_int_equal(ids, info.ids_count);
			break;
		}
		}
		if (rc != 0) {
			assert_unchanged();
		}
		check_invariants(&n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disabled_refuses_all),
		cmocka_unit_test(bind_set_get_global),
		cmocka_unit_test(bind_refusals),
		cmocka_unit_test(set_refusals),
		cmocka_unit_test(per_vcpu),
		cmocka_unit_test(unbind),
		cmocka_unit_test(framework),
		cmocka_unit_test(info_global_then_nothing),
		cmocka_unit_test(info_per_vcpu_lists),
		cmocka_unit_test(info_overflow_sets_more),
		cmocka_unit_test(disable_clears),
		cmocka_unit_test(random_operations),
	};
	return cmocka_run_group_tests_name("notif", tests, NULL, NULL);
}
