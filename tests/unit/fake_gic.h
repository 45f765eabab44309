/*
 * Host fakes for the GIC's Secure side and the generic timer (arch/aarch64
 * gic.h and timer.h), recording what spmc/irq.c and spmc/vtimer.c do.
 */
#ifndef TESTS_FAKE_GIC_H
#define TESTS_FAKE_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_GIC_LINES 288U
#define FAKE_GIC_INTIDS 1024U

struct fake_gic {
	/* Interrupts ICC_IAR1_EL1 hands out next, in order (then 1023). */
	unsigned int pending[64];
	unsigned int npending;
	bool active[FAKE_GIC_INTIDS]; /* acknowledged, not yet deactivated */
	unsigned int acks, drops, deactivations;
	unsigned int bad_deactivations; /* of an interrupt that was not active */
	unsigned int dropped_not_acked; /* priority drops of what was not acknowledged */
	bool secure[FAKE_GIC_INTIDS], enabled[FAKE_GIC_INTIDS], level[FAKE_GIC_INTIDS];
	uint8_t prio[FAKE_GIC_INTIDS];
	uint64_t route[FAKE_GIC_INTIDS];
	unsigned int configures, routes, enables;
	uint8_t pmr;
	unsigned int pmr_writes;
	/* SGIs sent: target affinity and INTID. */
	uint64_t sgi_mpidr[64];
	unsigned int sgi_id[64];
	unsigned int sgis;
	unsigned int group0; /* ICC_HPPIR0_EL1 */
	unsigned int el3_calls; /* FFA_EL3_INTR_HANDLE */
	/* The generic timer. */
	uint64_t counter;
	uint64_t cval; /* the S-EL2 timer's compare value, when on */
	bool timer_on;
	unsigned int timer_sets;
};

extern struct fake_gic fake_gic;

void fake_gic_reset(void);
/* INTID `intid` becomes pending: the next acknowledge returns it (FIFO). */
void fake_gic_raise(unsigned int intid);

#endif
