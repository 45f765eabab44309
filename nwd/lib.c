/* Console, SMC and report helpers for the normal-world test payload. */
#include <stdarg.h>

#include "arch/arch.h"
#include "core/fmt.h"
#include "nwd.h"
#include "test_cmd.h"
#include "plat/plat.h"
#include "smccc_check.h"

void nwd_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		n = (int)sizeof(buf) - 1;
	}
	for (int i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			plat_console_putc('\r');
		}
		plat_console_putc(buf[i]);
	}
}

/* Every core's record of the SMCCC register rules (smccc_check.h), kept per core. */
static struct smccc_check_stats smccc_stats[8];

unsigned int nwd_smc_checked(struct ffa_value *v)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return smccc_checked_call(v, arch_smc, NWD_CANARY_OWNER, &smccc_stats[mpidr & 7]);
}

void nwd_smc(struct ffa_value *v)
{
	nwd_smc_checked(v);
}

void smccc_stats_sum(struct smccc_check_stats *sum)
{
	smccc_check_sum(smccc_stats, 8, sum);
}

struct ffa_value ffa_call6(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			   uint64_t x5)
{
	struct ffa_value v = {.x = {x0, x1, x2, x3, x4, x5}};
	nwd_smc(&v);
	return v;
}

struct ffa_value ffa_call8(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	return ffa_call6(x0, x1, x2, x3, 0, 0);
}

struct ffa_value sp_notif_call(uint16_t sp, uint32_t fid, uint32_t w1, uint32_t w2, uint64_t bits)
{
	struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, sp), 0,
				    TEST_CMD_NOTIF_CALL, fid, w1, w2, bits}};
	nwd_smc(&v);
	return v;
}

struct ffa_value sp_cmd(uint16_t sp, uint64_t cmd, uint64_t a1, uint64_t a2)
{
	return ffa_call6(FFA_MSG_SEND_DIRECT_REQ_64, FFA_MSG_ENDPOINTS(0, sp), 0, cmd, a1, a2);
}

void test_ffa_error(const char *name, struct ffa_value v, enum ffa_error code)
{
	if (expect_ffa_error(name, &v, code)) {
		test_pass(name);
	}
}

void test_ffa_success(const char *name, struct ffa_value v, uint64_t w2)
{
	if (expect_ffa_success(name, &v, w2)) {
		test_pass(name);
	}
}

uint64_t read_cntpct(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v));
	return v;
}

uint64_t read_cntfrq(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

uint8_t nwd_tx[4096] __attribute__((aligned(4096)));
uint8_t nwd_rx[4096] __attribute__((aligned(4096)));

static unsigned int tests_reported;

unsigned int tests_count(void)
{
	return tests_reported;
}

void test_pass(const char *name)
{
	tests_reported++;
	nwd_printf("TEST PASS %s\n", name);
}

void test_fail(const char *name, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tests_reported++;
	nwd_printf("TEST FAIL %s: %s\n", name, buf);
}

bool expect_u64(const char *name, const char *what, uint64_t got, uint64_t want)
{
	if (got != want) {
		test_fail(name, "%s = 0x%llx, want 0x%llx", what, (unsigned long long)got,
			  (unsigned long long)want);
		return false;
	}
	return true;
}

static bool rest_zero(const char *name, const struct ffa_value *v)
{
	if (v->x[1] != 0) {
		test_fail(name, "x1 = 0x%llx, want 0", (unsigned long long)v->x[1]);
		return false;
	}
	for (unsigned int i = 3; i < 8; i++) {
		if (v->x[i] != 0) {
			test_fail(name, "x%u = 0x%llx, want 0", i, (unsigned long long)v->x[i]);
			return false;
		}
	}
	return true;
}

bool expect_ffa_error(const char *name, const struct ffa_value *v, enum ffa_error code)
{
	if ((uint32_t)v->x[0] != FFA_ERROR_32) {
		test_fail(name, "x0 = 0x%llx (w2 0x%llx), want FFA_ERROR(%d)",
			  (unsigned long long)v->x[0], (unsigned long long)v->x[2], code);
		return false;
	}
	if ((int32_t)v->x[2] != code) {
		test_fail(name, "FFA_ERROR code %d, want %d", (int32_t)v->x[2], code);
		return false;
	}
	return rest_zero(name, v);
}

bool expect_ffa_success(const char *name, const struct ffa_value *v, uint64_t w2)
{
	if ((uint32_t)v->x[0] != FFA_SUCCESS_32) {
		test_fail(name, "x0 = 0x%llx (w2 %d), want FFA_SUCCESS_32",
			  (unsigned long long)v->x[0], (int32_t)v->x[2]);
		return false;
	}
	return expect_u64(name, "w2", v->x[2], w2) && rest_zero(name, v);
}

void nwd_exception(uint64_t esr, uint64_t elr, uint64_t far);
void nwd_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	nwd_printf("TEST FAIL nwd.exception: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		   (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	struct ffa_value v = {.x = {PSCI_SYSTEM_OFF}};
	nwd_smc(&v);
	for (;;) {
	}
}

void gic_nwd_init(void)
{
	/* CPU interface: system registers, non-secure Group 1 on, all priorities. */
	__asm__ volatile("msr icc_sre_el2, %0\n\tisb" : : "r"(0xFULL));
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"(0xFFULL));
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" : : "r"(1ULL));
	/*
	 * Distributor: non-secure Group 1 on (EnableGrp1A and EnableGrp1, written
	 * together as Linux does); TF-A leaves it to the normal world.
	 */
	volatile uint32_t *ctlr = (volatile uint32_t *)GICD_CTLR;
	*ctlr |= GICD_CTLR_ENABLE_G1NS;
	while ((*ctlr & GICD_CTLR_RWP) != 0) {
	}
}

volatile uint32_t *gicr_sgi_frame(unsigned long off)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (volatile uint32_t *)(GICR_SGI_BASE + (mpidr & 0xFF) * GICR_STRIDE + off);
}

void gic_nwd_local_irq(unsigned int intid, bool on)
{
	if (on) {
		((volatile uint8_t *)gicr_sgi_frame(GICR_IPRIORITYR))[intid] = 0x80;
		*gicr_sgi_frame(GICR_ISENABLER0) = 1U << intid;
	} else {
		*gicr_sgi_frame(GICR_ICENABLER0) = 1U << intid;
	}
	__asm__ volatile("dsb sy\n\tisb" ::: "memory");
}
