/*
 * Host tests for a vCPU's virtual interrupt state machine (src/spmc/vint.c):
 * enable, inject, take (HF_INTERRUPT_GET), deactivate, withdraw, the FIFO
 * order, the IRQ/FIQ lines, and that every refusal leaves the state as it
 * was; then random sequences against a simple model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spmc/vint.h"

/* The special IDs and three SPIs, as a partition's vCPU would have them. */
static void declare_usual(struct vint *s)
{
	vint_init(s);
	assert_true(vint_declare(s, VINT_TIMER, false, false));
	assert_true(vint_declare(s, VINT_MANAGED_EXIT, true, true));
	assert_true(vint_declare(s, VINT_NPI, true, false));
	assert_true(vint_declare(s, VINT_IPI, false, false));
	assert_true(vint_declare(s, 34, false, false));
	assert_true(vint_declare(s, 40, false, false));
	assert_true(vint_declare(s, 41, false, false));
}

/* A refused call must leave every byte of the state as it was. */
#define ASSERT_REFUSED(s, call)                                    \
	do {                                                       \
		struct vint before__ = *(s);                       \
		assert_false(call);                                \
		assert_memory_equal(&before__, (s), sizeof(*(s))); \
	} while (0)

static void declare_limits(void **state)
{
	(void)state;
	struct vint s;

	vint_init(&s);
	for (uint32_t i = 0; i < VINT_MAX_IDS; i++) {
		assert_true(vint_declare(&s, 100 + i, false, false));
	}
	ASSERT_REFUSED(&s, vint_declare(&s, 7, false, false)); /* full */
	vint_init(&s);
	assert_true(vint_declare(&s, 34, false, false));
	ASSERT_REFUSED(&s, vint_declare(&s, 34, true, true)); /* twice */
	assert_true(vint_knows(&s, 34));
	assert_false(vint_knows(&s, 35));
}

static void unknown_ids_refused(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	assert_true(vint_inject(&s, 34));
	ASSERT_REFUSED(&s, vint_inject(&s, 35));
	ASSERT_REFUSED(&s, vint_enable(&s, 35, true, false));
	ASSERT_REFUSED(&s, vint_deactivate(&s, 35));
	ASSERT_REFUSED(&s, vint_inject(&s, VINT_NONE));
	struct vint before = s;
	vint_withdraw(&s, 99); /* unknown: nothing */
	assert_memory_equal(&before, &s, sizeof(s));
}

static void disabled_stays_pending(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	assert_true(vint_inject(&s, 34));
	assert_true(vint_is_pending(&s, 34));
	assert_false(vint_ready(&s));
	assert_int_equal(vint_peek(&s), VINT_NONE);
	assert_int_equal(vint_take(&s), VINT_NONE);
	assert_true(vint_is_pending(&s, 34)); /* taking nothing changed nothing */
	assert_true(vint_enable(&s, 34, true, false));
	assert_true(vint_ready(&s));
	assert_int_equal(s.ready_irq, 1);
	assert_int_equal(vint_take(&s), 34);
	assert_false(vint_is_pending(&s, 34));
	assert_true(vint_is_active(&s, 34));
	assert_false(vint_ready(&s));
}

static void fifo_order(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	vint_enable(&s, 40, true, false);
	vint_enable(&s, 41, true, false);
	vint_enable(&s, VINT_TIMER, true, false);
	assert_true(vint_inject(&s, 41));
	assert_true(vint_inject(&s, 34)); /* disabled: keeps its place */
	assert_true(vint_inject(&s, VINT_TIMER));
	assert_true(vint_inject(&s, 40));
	assert_true(vint_inject(&s, 41)); /* again: no second entry */
	assert_int_equal(s.queued, 4);
	assert_int_equal(vint_peek(&s), 41);
	assert_int_equal(vint_take(&s), 41);
	vint_enable(&s, 34, true, false); /* older than the timer */
	assert_int_equal(vint_take(&s), 34);
	assert_int_equal(vint_take(&s), VINT_TIMER);
	assert_int_equal(vint_take(&s), 40);
	assert_int_equal(vint_take(&s), VINT_NONE);
	assert_int_equal(s.queued, 0);
}

static void deactivate_rules(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	vint_enable(&s, 40, true, false);
	ASSERT_REFUSED(&s, vint_deactivate(&s, 40)); /* never taken */
	vint_inject(&s, 40);
	ASSERT_REFUSED(&s, vint_deactivate(&s, 40)); /* pending, not active */
	assert_int_equal(vint_take(&s), 40);
	/* A new event while it is active: pending and active at once. */
	vint_inject(&s, 40);
	assert_true(vint_is_active(&s, 40));
	assert_true(vint_is_pending(&s, 40));
	assert_true(vint_deactivate(&s, 40));
	ASSERT_REFUSED(&s, vint_deactivate(&s, 40)); /* only once */
	assert_int_equal(vint_take(&s), 40); /* and taken again */
	assert_true(vint_deactivate(&s, 40));
	assert_false(vint_is_active(&s, 40));
}

static void lines_follow_types(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	/* Managed exit: a vFIQ by default. */
	vint_inject(&s, VINT_MANAGED_EXIT);
	assert_int_equal(s.ready_fiq, 1);
	assert_int_equal(s.ready_irq, 0);
	vint_inject(&s, VINT_NPI);
	assert_int_equal(s.ready_irq, 1);
	/* Retyped while pending: the lines move with it. */
	assert_true(vint_enable(&s, VINT_MANAGED_EXIT, true, false));
	assert_int_equal(s.ready_fiq, 0);
	assert_int_equal(s.ready_irq, 2);
	assert_true(vint_enable(&s, VINT_NPI, false, false));
	assert_int_equal(s.ready_irq, 1);
	vint_withdraw(&s, VINT_MANAGED_EXIT);
	assert_int_equal(s.ready_irq, 0);
	assert_false(vint_is_pending(&s, VINT_MANAGED_EXIT));
	assert_int_equal(s.queued, 1); /* NPI, disabled, still queued */
	vint_enable(&s, VINT_NPI, true, true);
	assert_int_equal(s.ready_fiq, 1);
	assert_int_equal(vint_take(&s), VINT_NPI);
	assert_int_equal(s.ready_fiq, 0);
}

static void withdraw_active(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	vint_enable(&s, 34, true, false);
	vint_inject(&s, 34);
	vint_take(&s);
	vint_inject(&s, 34);
	vint_withdraw(&s, 34);
	assert_false(vint_is_active(&s, 34));
	assert_false(vint_is_pending(&s, 34));
	assert_int_equal(s.queued, 0);
	assert_false(vint_ready(&s));
}

/* Unpend: the pending state goes (and its place in the order), an active state stays. */
static void unpend_keeps_active(void **state)
{
	(void)state;
	struct vint s;

	declare_usual(&s);
	vint_enable(&s, 40, true, false);
	vint_enable(&s, 34, true, false);
	vint_inject(&s, 40);
	vint_inject(&s, 34);
	vint_unpend(&s, 40);
	assert_false(vint_is_pending(&s, 40));
	assert_int_equal(s.ready_irq, 1);
	assert_int_equal(vint_take(&s), 34); /* 40 left the order */
	vint_inject(&s, 40);
	assert_int_equal(vint_take(&s), 40);
	vint_inject(&s, 40); /* pending again while active */
	vint_unpend(&s, 40);
	assert_true(vint_is_active(&s, 40));
	assert_false(vint_is_pending(&s, 40));
	assert_int_equal(s.queued, 0);
	assert_false(vint_ready(&s));
	struct vint before = s;
	vint_unpend(&s, 40); /* not pending: nothing */
	vint_unpend(&s, 99); /* unknown: nothing */
	assert_memory_equal(&before, &s, sizeof(s));
	assert_true(vint_deactivate(&s, 40));
}

/* --- random sequences against a model ------------------------------------------------ */

#define MODEL_IDS 6U
static const uint32_t model_ids[MODEL_IDS] = {3, 4, 5, 9, 34, 40};

struct model {
	bool enabled[MODEL_IDS], fiq[MODEL_IDS], pending[MODEL_IDS], active[MODEL_IDS];
	unsigned long order[MODEL_IDS]; /* injection stamp of a pending ID */
	unsigned long stamp;
};

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static int model_first(const struct model *m)
{
	int best = -1;
	for (unsigned int i = 0; i < MODEL_IDS; i++) {
		if (m->enabled[i] && m->pending[i] && (best < 0 || m->order[i] < m->order[best])) {
			best = (int)i;
		}
	}
	return best;
}

static void model_check(const struct model *m, const struct vint *s)
{
	unsigned int irq = 0, fiq = 0;
	for (unsigned int i = 0; i < MODEL_IDS; i++) {
		assert_int_equal(vint_is_enabled(s, model_ids[i]), m->enabled[i]);
		assert_int_equal(vint_is_pending(s, model_ids[i]), m->pending[i]);
		assert_int_equal(vint_is_active(s, model_ids[i]), m->active[i]);
		if (m->enabled[i] && m->pending[i]) {
			*(m->fiq[i] ? &fiq : &irq) += 1;
		}
	}
	assert_int_equal(s->ready_irq, irq);
	assert_int_equal(s->ready_fiq, fiq);
	int f = model_first(m);
	assert_int_equal(vint_peek(s), f < 0 ? VINT_NONE : model_ids[f]);
}

static void random_sequences(void **state)
{
	(void)state;

	for (unsigned int seq = 0; seq < 200; seq++) {
		struct vint s;
		struct model m;
		vint_init(&s);
		memset(&m, 0, sizeof(m));
		for (unsigned int i = 0; i < MODEL_IDS; i++) {
			assert_true(vint_declare(&s, model_ids[i], false, false));
		}
		for (unsigned int step = 0; step < 300; step++) {
			uint32_t r = next_rand();
			unsigned int i = (r >> 8) % (MODEL_IDS + 1); /* MODEL_IDS: an unknown ID */
			uint32_t id = i < MODEL_IDS ? model_ids[i] : 77;
			struct vint before = s;
			switch (r % 5) {
			case 0: {
				bool en = (r >> 16) & 1, fq = (r >> 17) & 1;
				bool ok = vint_enable(&s, id, en, fq);
				assert_int_equal(ok, i < MODEL_IDS);
				if (ok) {
					m.enabled[i] = en;
					m.fiq[i] = fq;
				}
				break;
			}
			case 1: {
				bool ok = vint_inject(&s, id);
				assert_int_equal(ok, i < MODEL_IDS);
				if (ok && !m.pending[i]) {
					m.pending[i] = true;
					m.order[i] = ++m.stamp;
				}
				break;
			}
			case 2: {
				int f = model_first(&m);
				uint32_t got = vint_take(&s);
				assert_int_equal(got, f < 0 ? VINT_NONE : model_ids[f]);
				if (f >= 0) {
					m.pending[f] = false;
					m.active[f] = true;
				}
				break;
			}
			case 3: {
				bool ok = vint_deactivate(&s, id);
				assert_int_equal(ok, i < MODEL_IDS && m.active[i]);
				if (ok) {
					m.active[i] = false;
				} else {
					assert_memory_equal(&before, &s, sizeof(s));
				}
				break;
			}
			default:
				vint_withdraw(&s, id);
				if (i < MODEL_IDS) {
					m.pending[i] = m.active[i] = false;
				}
				break;
			}
			/* A refusal (unknown ID, nothing to take or deactivate) changes nothing. */
			if (i == MODEL_IDS && r % 5 != 2) {
				assert_memory_equal(&before, &s, sizeof(s));
			}
			model_check(&m, &s);
			assert_true(s.queued <= MODEL_IDS);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declare_limits),	  cmocka_unit_test(unknown_ids_refused),
		cmocka_unit_test(disabled_stays_pending), cmocka_unit_test(fifo_order),
		cmocka_unit_test(deactivate_rules),	  cmocka_unit_test(lines_follow_types),
		cmocka_unit_test(withdraw_active),	  cmocka_unit_test(unpend_keeps_active),
		cmocka_unit_test(random_sequences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
