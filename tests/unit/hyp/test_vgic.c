/*
 * Host tests of the virtual GICv3 model (src/hyp/vgic.c): distributor and
 * redistributor registers, injection and wake-up masks, SGI targets, the
 * choice of list registers (active first, then priority, underflow
 * maintenance when they do not fit), the state taken back from them, and
 * level-triggered lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/vgic.h"

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	vgic_init(&g, 4, 4);
	return 0;
}

static uint64_t dread(uint64_t off, unsigned int size)
{
	uint64_t v = 0xDEAD;
	assert_true(vgic_dist_mmio(&g, off, size, false, &v));
	return v;
}

static void dwrite(uint64_t off, unsigned int size, uint64_t v)
{
	assert_true(vgic_dist_mmio(&g, off, size, true, &v));
}

static uint64_t rread(unsigned int cpu, uint64_t off, unsigned int size)
{
	uint64_t v = 0xDEAD;
	assert_true(vgic_redist_mmio(&g, cpu * VGIC_GICR_STRIDE + off, size, false, &v));
	return v;
}

static void rwrite(unsigned int cpu, uint64_t off, uint64_t v)
{
	assert_true(vgic_redist_mmio(&g, cpu * VGIC_GICR_STRIDE + off, 4, true, &v));
}

/* An OS's set-up: distributor on, SGIs/PPIs of `cpu` Group 1 and those in `mask` enabled. */
static void os_setup(unsigned int cpu, uint32_t mask)
{
	dwrite(0x0, 4, 0x12);
	rwrite(cpu, 0x14, 0);
	rwrite(cpu, 0x10080, 0xFFFFFFFF);
	rwrite(cpu, 0x10100, mask);
}

static void test_dist_registers(void **state)
{
	(void)state;
	assert_int_equal(dread(0xFFE8, 4), 0x30);
	assert_int_equal(dread(0x4, 4) & 0x1F, 2);
	dwrite(0x0, 4, 0xFFFFFFFF);
	assert_int_equal(dread(0x0, 4), 0x52); /* EnableGrp1A, ARE, DS */
	dwrite(0x84, 4, 0xF0F0F0F0); /* IGROUPR1 */
	assert_int_equal(dread(0x84, 4), 0xF0F0F0F0);
	dwrite(0x104, 4, 0x3); /* ISENABLER1: INTIDs 32, 33 */
	dwrite(0x184, 4, 0x1); /* ICENABLER1: 32 off */
	assert_int_equal(dread(0x104, 4), 0x2);
	assert_int_equal(dread(0x184, 4), 0x2);
	dwrite(0x400 + 33, 1, 0xA0); /* IPRIORITYR byte */
	assert_int_equal(dread(0x420, 4), 0xA000);
	dwrite(0xC08, 4, 0x8); /* ICFGR2: INTID 33 edge */
	assert_int_equal(dread(0xC08, 4), 0x8);
	dwrite(0x6000 + 8 * 33, 8, 3); /* IROUTER33 -> vCPU 3 */
	assert_int_equal(dread(0x6000 + 8 * 33, 8), 3);
	assert_int_equal(dread(0x6000 + 8 * 33 + 4, 4), 0);
	/* SGI/PPI banks, reserved space and SGI routers: RAZ/WI. */
	dwrite(0x100, 4, 0xFFFFFFFF);
	assert_int_equal(dread(0x100, 4), 0);
	dwrite(0x9000, 4, 0xFFFFFFFF);
	assert_int_equal(dread(0x9000, 4), 0);
	assert_int_equal(dread(0x6000, 8), 0);
	/* Beyond the implemented INTIDs. */
	dwrite(0x108, 4, 0xFFFFFFFF); /* INTIDs 64-95 exist */
	assert_int_equal(dread(0x108, 4), 0xFFFFFFFF);
	assert_int_equal(dread(0x10C, 4), 0); /* 96-127 do not */
}

static void test_refused_accesses(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_false(vgic_dist_mmio(&g, 0x2, 4, false, &v)); /* unaligned */
	assert_false(vgic_dist_mmio(&g, 0x104, 2, false, &v)); /* halfword on a bit bank */
	assert_false(vgic_dist_mmio(&g, 0x6000 + 8 * 40, 2, false, &v));
	assert_false(vgic_dist_mmio(&g, VGIC_GICD_SIZE, 4, false, &v));
	assert_false(vgic_redist_mmio(&g, 4 * VGIC_GICR_STRIDE, 4, false, &v)); /* no vCPU 4 */
	assert_false(vgic_redist_mmio(&g, 0x10101, 1, true, &v));
}

static void test_redist_registers(void **state)
{
	(void)state;
	for (unsigned int c = 0; c < 4; c++) {
		uint64_t t = rread(c, 0x8, 8);
		assert_int_equal(t >> 32, c);
		assert_int_equal((t >> 8) & 0xFFFF, c);
		assert_int_equal((t & 0x10) != 0, c == 3);
		assert_int_equal(rread(c, 0xFFE8, 4), 0x30);
		assert_int_equal(rread(c, 0x14, 4), 6); /* asleep until woken */
	}
	rwrite(1, 0x14, 0);
	assert_int_equal(rread(1, 0x14, 4), 0);
	assert_int_equal(rread(0, 0x14, 4), 6);
	rwrite(2, 0x10400 + 24, 0x11223344); /* IPRIORITYR6: INTIDs 24-27 */
	assert_int_equal(rread(2, 0x10418, 4), 0x11223344);
	assert_int_equal(rread(1, 0x10418, 4), 0);
	rwrite(2, 0x10C00, 0); /* ICFGR0: SGIs stay edge */
	assert_int_equal(rread(2, 0x10C00, 4), 0xAAAAAAAA);
}

static void test_inject_wakes_only_deliverable(void **state)
{
	(void)state;
	assert_int_equal(vgic_inject(&g, 1, 27), 0); /* distributor off */
	assert_false(vgic_has_pending(&g, 1));
	os_setup(1, 1U << 27);
	assert_true(vgic_has_pending(&g, 1)); /* pending all along, now deliverable */
	assert_int_equal(vgic_inject(&g, 1, 27), 1U << 1);
	assert_int_equal(vgic_inject(&g, 1, 26), 0); /* PPI 26 not enabled */
	assert_int_equal(vgic_inject(&g, 9, 27), 0); /* no such vCPU */
	assert_int_equal(vgic_inject(&g, 0, 200), 0); /* no such INTID */
	assert_false(vgic_has_pending(&g, 0));
}

static void test_sgi_targets(void **state)
{
	(void)state;
	for (unsigned int c = 0; c < 4; c++) {
		os_setup(c, 0xFFFF);
	}
	assert_int_equal(vgic_sgi(&g, 0, (5ULL << 24) | 0x6), 0x6); /* list: 1, 2 */
	assert_true(g.cpu[1].local[5].pending && g.cpu[2].local[5].pending);
	assert_false(g.cpu[3].local[5].pending);
	assert_int_equal(vgic_sgi(&g, 2, (1ULL << 40) | (7ULL << 24)), 0xB); /* IRM: not 2 */
	assert_false(g.cpu[2].local[7].pending);
	assert_int_equal(vgic_sgi(&g, 0, (3ULL << 24) | (1ULL << 16) | 1), 0); /* Aff1 = 1 */
	assert_int_equal(vgic_sgi(&g, 0, (3ULL << 24) | (1ULL << 44) | 1), 0); /* RS = 1 */
	assert_int_equal(vgic_sgi(&g, 0, (3ULL << 24) | 0xFFF0), 0); /* nobody there */
}

static void test_flush_order_and_underflow(void **state)
{
	(void)state;
	os_setup(0, 0xFFFF);
	for (unsigned int i = 0; i < 8; i++) {
		rwrite(0, 0x10400 + (i & ~3U), 0); /* word writes below set all four */
	}
	for (unsigned int i = 0; i < 8; i++) {
		uint64_t v = 0x80 - i * 8; /* SGI 7 the most urgent */
		assert_true(vgic_redist_mmio(&g, 0x10400 + i, 1, true, &v));
		vgic_inject(&g, 0, i);
	}
	g.cpu[0].local[0].pending = false;
	g.cpu[0].local[0].active = true; /* active: must be in an LR, and first */
	vgic_flush(&g, 0);
	struct vgic_cpu *c = &g.cpu[0];
	assert_int_equal(c->lr_used, 4);
	assert_int_equal(gicv_lr_intid(c->hw.lr[0]), 0);
	assert_int_equal(gicv_lr_state(c->hw.lr[0]), ICH_LR_ACTIVE);
	assert_int_equal(gicv_lr_intid(c->hw.lr[1]), 7);
	assert_int_equal(gicv_lr_intid(c->hw.lr[2]), 6);
	assert_int_equal(gicv_lr_intid(c->hw.lr[3]), 5);
	assert_int_equal(gicv_lr_state(c->hw.lr[1]), ICH_LR_PENDING);
	assert_true((c->hw.hcr & ICH_HCR_UIE) != 0); /* four more wait */
	assert_true((c->hw.hcr & ICH_HCR_EN) != 0);
	/* The guest took 7 and 6 and finished 0; 5 is still pending in its LR. */
	c->hw.lr[0] &= ~(3ULL << ICH_LR_STATE_SHIFT);
	c->hw.lr[1] &= ~(3ULL << ICH_LR_STATE_SHIFT);
	c->hw.lr[2] = (c->hw.lr[2] & ~(3ULL << ICH_LR_STATE_SHIFT)) |
		      ((uint64_t)ICH_LR_ACTIVE << ICH_LR_STATE_SHIFT);
	vgic_sync(&g, 0);
	assert_false(c->local[0].active);
	assert_false(c->local[7].pending || c->local[7].active);
	assert_true(c->local[6].active);
	assert_true(c->local[5].pending);
	vgic_flush(&g, 0);
	assert_int_equal(gicv_lr_intid(c->hw.lr[0]), 6); /* active first */
	assert_int_equal(gicv_lr_intid(c->hw.lr[1]), 5);
	assert_int_equal(gicv_lr_intid(c->hw.lr[2]), 4);
	assert_int_equal(gicv_lr_intid(c->hw.lr[3]), 3);
	assert_true((c->hw.hcr & ICH_HCR_UIE) != 0); /* 2 and 1 still wait */
	vgic_sync(&g, 0);
	/* Nothing was done by the guest: the same state comes back. */
	assert_true(c->local[6].active && c->local[5].pending && c->local[1].pending);
}

static void test_level_spi(void **state)
{
	(void)state;
	os_setup(0, 0);
	dwrite(0x84, 4, 0xFFFFFFFF);
	dwrite(0x104, 4, 0x2); /* INTID 33 */
	dwrite(0x6000 + 8 * 33, 8, 2); /* to vCPU 2 */
	assert_int_equal(vgic_set_level(&g, 0, 33, true), 1U << 2);
	assert_false(vgic_has_pending(&g, 0));
	vgic_flush(&g, 2);
	struct vgic_cpu *c = &g.cpu[2];
	assert_int_equal(c->lr_used, 1);
	assert_true((c->hw.lr[0] & ICH_LR_EOI) != 0); /* level: tell us when it is done */
	/* The guest acknowledged it (active) and its handler lowered the line. */
	c->hw.lr[0] = (c->hw.lr[0] & ~(3ULL << ICH_LR_STATE_SHIFT)) |
		      ((uint64_t)ICH_LR_ACTIVE << ICH_LR_STATE_SHIFT);
	vgic_sync(&g, 2);
	assert_int_equal(vgic_set_level(&g, 0, 33, false), 0);
	assert_true(g.spi[1].active);
	assert_false(g.spi[1].pending);
	/* Deactivated with the line low: nothing pending. */
	vgic_flush(&g, 2);
	c->hw.lr[0] &= ~(3ULL << ICH_LR_STATE_SHIFT);
	vgic_sync(&g, 2);
	assert_false(g.spi[1].pending || g.spi[1].active);
	/* Line still high at deactivation: pending again. */
	vgic_set_level(&g, 0, 33, true);
	vgic_flush(&g, 2);
	c->hw.lr[0] &= ~(3ULL << ICH_LR_STATE_SHIFT);
	vgic_sync(&g, 2);
	assert_true(g.spi[1].pending);
	/* Out-of-range lines are ignored. */
	assert_int_equal(vgic_set_level(&g, 0, 5, true), 0);
	assert_int_equal(vgic_set_level(&g, 0, 500, true), 0);
}

static void test_irouter_fallback(void **state)
{
	(void)state;
	os_setup(0, 0);
	dwrite(0x84, 4, 0xFFFFFFFF);
	dwrite(0x104, 4, 0x1); /* INTID 32 */
	dwrite(0x6000 + 8 * 32, 8, 0x80000000ULL); /* 1-of-N: not supported, vCPU 0 */
	assert_int_equal(vgic_inject(&g, 3, 32), 1U << 0);
	dwrite(0x6000 + 8 * 32, 8, 9); /* no vCPU 9: vCPU 0 */
	assert_int_equal(vgic_inject(&g, 3, 32), 1U << 0);
	dwrite(0x6000 + 8 * 32, 8, 0x100); /* Aff1: vCPU 0 */
	assert_int_equal(vgic_inject(&g, 3, 32), 1U << 0);
}

/* Every INTID's bit in the hot bitmaps is set exactly when it is pending or active. */
static void check_hot(void)
{
	for (unsigned int v = 0; v < g.vcpus; v++) {
		for (unsigned int i = 0; i < 32; i++) {
			const struct vgic_irq *q = &g.cpu[v].local[i];
			if (((g.cpu[v].hot >> i) & 1U) != (q->pending || q->active)) {
				fail_msg("vCPU %u INTID %u: hot bit %u, pending %d active %d", v, i,
					 (g.cpu[v].hot >> i) & 1U, q->pending, q->active);
			}
		}
	}
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++) {
		const struct vgic_irq *q = &g.spi[i];
		if (((g.spi_hot >> i) & 1U) != (q->pending || q->active)) {
			fail_msg("SPI %u: hot bit %u, pending %d active %d", 32 + i,
				 (unsigned int)((g.spi_hot >> i) & 1U), q->pending, q->active);
		}
	}
}

/*
 * vgic_flush visits only the INTIDs of the hot bitmaps: after any sequence of
 * injections, lines, register writes and LR round trips (the guest acking,
 * finishing or leaving each LR), they match the state, and a flush chooses
 * what a scan of every INTID would.
 */
static void test_hot_bitmaps_follow_state(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (unsigned int c = 0; c < 4; c++) {
		os_setup(c, 0xFFFFFFFF);
	}
	for (unsigned int i = 0; i < 2; i++) {
		dwrite(0x80 + 4 + 4 * i, 4, 0xFFFFFFFF); /* SPIs Group 1 */
		dwrite(0x100 + 4 + 4 * i, 4, 0xFFFFFFFF); /* and enabled */
	}
	for (unsigned int step = 0; step < 4000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned int v = (unsigned int)(x >> 8) % 4,
			     id = (unsigned int)(x >> 16) % VGIC_NR_IRQS;
		uint32_t bits = (uint32_t)(x >> 32);
		switch ((x >> 4) % 7) {
		case 0:
			vgic_inject(&g, v, id);
			break;
		case 1:
			vgic_set_level(&g, v, id, (x & 1) != 0);
			break;
		case 2: /* ISPENDR, ICPENDR, ISACTIVER, ICACTIVER of the SPIs */
			dwrite(0x200 + 0x80 * ((x >> 40) % 4) + 4 + 4 * ((x >> 44) % 2), 4, bits);
			break;
		case 3: /* the same for a vCPU's SGIs and PPIs */
			rwrite(v, 0x10200 + 0x80 * ((x >> 40) % 4), bits);
			break;
		case 4: /* ICFGR: some lines edge-triggered */
			dwrite(0xC08 + 4 * ((x >> 40) % 4), 4, bits & 0xAAAAAAAAU);
			break;
		default: { /* an entry and an exit: the guest does something with each LR */
			vgic_flush(&g, v);
			struct vgic_cpu *c = &g.cpu[v];
			for (unsigned int n = 0; n < c->lr_used; n++) {
				uint64_t st = (bits >> (2 * n)) & 3U;
				c->hw.lr[n] = (c->hw.lr[n] & ~(3ULL << ICH_LR_STATE_SHIFT)) |
					      st << ICH_LR_STATE_SHIFT;
			}
			vgic_sync(&g, v);
			break;
		}
		}
		check_hot();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dist_registers, setup),
		cmocka_unit_test_setup(test_refused_accesses, setup),
		cmocka_unit_test_setup(test_redist_registers, setup),
		cmocka_unit_test_setup(test_inject_wakes_only_deliverable, setup),
		cmocka_unit_test_setup(test_sgi_targets, setup),
		cmocka_unit_test_setup(test_flush_order_and_underflow, setup),
		cmocka_unit_test_setup(test_level_spi, setup),
		cmocka_unit_test_setup(test_irouter_fallback, setup),
		cmocka_unit_test_setup(test_hot_bitmaps_follow_state, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
