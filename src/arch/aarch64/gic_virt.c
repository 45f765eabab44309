/* GICv3 virtual CPU interface: list registers and state switch (see gic_virt.h). */
#include "arch/aarch64/gic_virt.h"

#include "arch/aarch64/sysreg.h"

/* ICH_* by encoding: the assembler knows them only with GICv3 enabled. */
#define ICH_AP0R_EL2(n) "S3_4_C12_C8_" #n
#define ICH_AP1R_EL2(n) "S3_4_C12_C9_" #n
#define ICH_HCR_EL2 "S3_4_C12_C11_0"
#define ICH_VTR_EL2 "S3_4_C12_C11_1"
#define ICH_VMCR_EL2 "S3_4_C12_C11_7"

#define RD(reg)                                               \
	({                                                    \
		uint64_t v__;                                 \
		__asm__ volatile("mrs %0, " reg : "=r"(v__)); \
		v__;                                          \
	})
#define WR(reg, val) __asm__ volatile("msr " reg ", %0" : : "r"((uint64_t)(val)) : "memory")

unsigned int gicv_lr_count(void)
{
	return (unsigned int)(RD(ICH_VTR_EL2) & 0x1FU) + 1U;
}

/* Active-priority registers in use: 1, 2 or 4, from ICH_VTR_EL2.PREbits. */
static unsigned int apr_count(void)
{
	unsigned int prebits = (unsigned int)(RD(ICH_VTR_EL2) >> 26) & 7U;

	return prebits >= 6 ? 4U : prebits == 5 ? 2U : 1U;
}

static uint64_t lr_read(unsigned int n)
{
	switch (n) {
	case 0:
		return RD("S3_4_C12_C12_0");
	case 1:
		return RD("S3_4_C12_C12_1");
	case 2:
		return RD("S3_4_C12_C12_2");
	case 3:
		return RD("S3_4_C12_C12_3");
	case 4:
		return RD("S3_4_C12_C12_4");
	case 5:
		return RD("S3_4_C12_C12_5");
	case 6:
		return RD("S3_4_C12_C12_6");
	case 7:
		return RD("S3_4_C12_C12_7");
	case 8:
		return RD("S3_4_C12_C13_0");
	case 9:
		return RD("S3_4_C12_C13_1");
	case 10:
		return RD("S3_4_C12_C13_2");
	case 11:
		return RD("S3_4_C12_C13_3");
	case 12:
		return RD("S3_4_C12_C13_4");
	case 13:
		return RD("S3_4_C12_C13_5");
	case 14:
		return RD("S3_4_C12_C13_6");
	default:
		return RD("S3_4_C12_C13_7");
	}
}

static void lr_write(unsigned int n, uint64_t v)
{
	switch (n) {
	case 0:
		WR("S3_4_C12_C12_0", v);
		break;
	case 1:
		WR("S3_4_C12_C12_1", v);
		break;
	case 2:
		WR("S3_4_C12_C12_2", v);
		break;
	case 3:
		WR("S3_4_C12_C12_3", v);
		break;
	case 4:
		WR("S3_4_C12_C12_4", v);
		break;
	case 5:
		WR("S3_4_C12_C12_5", v);
		break;
	case 6:
		WR("S3_4_C12_C12_6", v);
		break;
	case 7:
		WR("S3_4_C12_C12_7", v);
		break;
	case 8:
		WR("S3_4_C12_C13_0", v);
		break;
	case 9:
		WR("S3_4_C12_C13_1", v);
		break;
	case 10:
		WR("S3_4_C12_C13_2", v);
		break;
	case 11:
		WR("S3_4_C12_C13_3", v);
		break;
	case 12:
		WR("S3_4_C12_C13_4", v);
		break;
	case 13:
		WR("S3_4_C12_C13_5", v);
		break;
	case 14:
		WR("S3_4_C12_C13_6", v);
		break;
	default:
		WR("S3_4_C12_C13_7", v);
		break;
	}
}

static uint64_t apr_read(bool g1, unsigned int n)
{
	switch (n) {
	case 0:
		return g1 ? RD(ICH_AP1R_EL2(0)) : RD(ICH_AP0R_EL2(0));
	case 1:
		return g1 ? RD(ICH_AP1R_EL2(1)) : RD(ICH_AP0R_EL2(1));
	case 2:
		return g1 ? RD(ICH_AP1R_EL2(2)) : RD(ICH_AP0R_EL2(2));
	default:
		return g1 ? RD(ICH_AP1R_EL2(3)) : RD(ICH_AP0R_EL2(3));
	}
}

static void apr_write(bool g1, unsigned int n, uint64_t v)
{
	switch (n) {
	case 0:
		if (g1) {
			WR(ICH_AP1R_EL2(0), v);
		} else {
			WR(ICH_AP0R_EL2(0), v);
		}
		break;
	case 1:
		if (g1) {
			WR(ICH_AP1R_EL2(1), v);
		} else {
			WR(ICH_AP0R_EL2(1), v);
		}
		break;
	case 2:
		if (g1) {
			WR(ICH_AP1R_EL2(2), v);
		} else {
			WR(ICH_AP0R_EL2(2), v);
		}
		break;
	default:
		if (g1) {
			WR(ICH_AP1R_EL2(3), v);
		} else {
			WR(ICH_AP0R_EL2(3), v);
		}
		break;
	}
}

void gicv_cpu_init(void)
{
	unsigned int n = gicv_lr_count();

	for (unsigned int i = 0; i < n && i < GICV_MAX_LRS; i++) {
		lr_write(i, 0); /* their reset value is UNKNOWN */
	}
	WR(ICH_HCR_EL2, 0);
	isb();
}

void gicv_restore(const struct gicv_state *s, unsigned int used)
{
	unsigned int a = apr_count();

	for (unsigned int i = 0; i < a; i++) {
		apr_write(false, i, s->ap0r[i]);
		apr_write(true, i, s->ap1r[i]);
	}
	/* The others are empty: gicv_cpu_init emptied them, every gicv_save empties its own. */
	for (unsigned int i = 0; i < used && i < GICV_MAX_LRS; i++) {
		lr_write(i, s->lr[i]);
	}
	WR(ICH_VMCR_EL2, s->vmcr);
	WR(ICH_HCR_EL2, s->hcr);
	isb();
}

void gicv_save(struct gicv_state *s, unsigned int used)
{
	unsigned int a = apr_count();

	isb();
	for (unsigned int i = 0; i < used && i < GICV_MAX_LRS; i++) {
		s->lr[i] = lr_read(i);
		lr_write(i, 0);
	}
	for (unsigned int i = 0; i < a; i++) {
		s->ap0r[i] = apr_read(false, i);
		s->ap1r[i] = apr_read(true, i);
	}
	s->vmcr = RD(ICH_VMCR_EL2);
	WR(ICH_HCR_EL2, 0);
	isb();
}
