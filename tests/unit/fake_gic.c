/* Host fakes for the GIC's Secure side and the generic timer (see fake_gic.h). */
#include "fake_gic.h"

#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/timer.h"
#include "arch/arch.h"
#include "ffa/ffa.h"

struct fake_gic fake_gic;

void fake_gic_reset(void)
{
	memset(&fake_gic, 0, sizeof(fake_gic));
	fake_gic.pmr = 0xFF;
	fake_gic.group0 = GIC_INTID_SPURIOUS;
	fake_gic.counter = 1000000;
}

void fake_gic_raise(unsigned int intid)
{
	if (fake_gic.npending < sizeof(fake_gic.pending) / sizeof(fake_gic.pending[0])) {
		fake_gic.pending[fake_gic.npending++] = intid;
	}
}

void gic_cpu_init(void)
{
}

void gic_send_sgi(uint64_t mpidr, unsigned int intid)
{
	if (fake_gic.sgis < 64) {
		fake_gic.sgi_mpidr[fake_gic.sgis] = mpidr;
		fake_gic.sgi_id[fake_gic.sgis] = intid;
	}
	fake_gic.sgis++;
}

void gic_secure_cpu_init(void)
{
}

void gic_local_to_secure(uint64_t rd, unsigned int intid, uint8_t prio)
{
	(void)rd;
	fake_gic.secure[intid] = true;
	fake_gic.prio[intid] = prio;
	fake_gic.enabled[intid] = true;
}

unsigned int gic_lines(uint64_t gicd)
{
	(void)gicd;
	return FAKE_GIC_LINES;
}

void gic_spi_configure(uint64_t gicd, unsigned int intid, bool secure, uint8_t prio, bool level)
{
	(void)gicd;
	fake_gic.secure[intid] = secure;
	fake_gic.prio[intid] = prio;
	fake_gic.level[intid] = level;
	fake_gic.configures++;
}

void gic_spi_route(uint64_t gicd, unsigned int intid, uint64_t mpidr)
{
	(void)gicd;
	fake_gic.route[intid] = mpidr;
	fake_gic.routes++;
}

void gic_spi_enable(uint64_t gicd, unsigned int intid, bool on)
{
	(void)gicd;
	fake_gic.enabled[intid] = on;
	fake_gic.enables++;
}

void gic_spi_clear_pending(uint64_t gicd, unsigned int intid)
{
	(void)gicd;
	(void)intid;
}

unsigned int gic_secure_ack(void)
{
	if (fake_gic.npending == 0) {
		return GIC_INTID_SPURIOUS;
	}
	unsigned int id = fake_gic.pending[0];
	fake_gic.npending--;
	memmove(&fake_gic.pending[0], &fake_gic.pending[1],
		fake_gic.npending * sizeof(fake_gic.pending[0]));
	fake_gic.active[id] = true;
	fake_gic.acks++;
	return id;
}

void gic_priority_drop(unsigned int intid)
{
	if (!fake_gic.active[intid]) {
		fake_gic.dropped_not_acked++;
	}
	fake_gic.drops++;
}

void gic_deactivate(unsigned int intid)
{
	if (!fake_gic.active[intid]) {
		fake_gic.bad_deactivations++;
	}
	fake_gic.active[intid] = false;
	fake_gic.deactivations++;
}

uint8_t gic_pmr_get(void)
{
	return fake_gic.pmr;
}

void gic_pmr_set(uint8_t pmr)
{
	fake_gic.pmr = pmr;
	fake_gic.pmr_writes++;
}

unsigned int gic_group0_pending(void)
{
	return fake_gic.group0;
}

uint64_t arch_counter(void)
{
	return fake_gic.counter;
}

uint64_t arch_counter_freq(void)
{
	return 1000000000ULL;
}

void arch_sel2_timer_set(uint64_t cval)
{
	fake_gic.cval = cval;
	fake_gic.timer_on = true;
	fake_gic.timer_sets++;
}

void arch_sel2_timer_off(void)
{
	fake_gic.timer_on = false;
}

void arch_ptimer_trap_init(void)
{
}

void arch_smc(struct ffa_value *v)
{
	/* The only SMC the interrupt layer makes: Group 0 to EL3, which handles it. */
	if ((uint32_t)v->x[0] == FFA_EL3_INTR_HANDLE_32) {
		fake_gic.el3_calls++;
		fake_gic.group0 = GIC_INTID_SPURIOUS;
		v->x[0] = FFA_SUCCESS_32;
	}
}
