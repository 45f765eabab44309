/*
 * The test partition's interrupts (test_cmd.h, "Interrupts"): handlers for
 * the virtual interrupts the SPMC raises, through Hafnium's paravirtual
 * interface, as OP-TEE and TF-A's test partitions use it; per-context
 * counts the normal world reads back; the PL031's alarm (sp1's device
 * region and SPI), the emulated EL1 physical timer, managed exit.
 *
 * An S-EL1 context runs with IRQs unmasked (virtual interrupts taken when
 * they come: sp_irq) and FIQs masked but for TEST_CMD_SPIN_TIME's body (a
 * vFIQ is a managed-exit request: sp_fiq). An S-EL0 partition gets each
 * interrupt as FFA_INTERRUPT's w2 when it waits (irq_woken).
 */
#include <string.h>

#include "arch/arch.h"
#include "ffa/ffa.h"
#include "ffa/notif.h"
#include "sp.h"
#include "test_cmd.h"
#include "test_sp.h"
#ifndef SP_EL0
#include "spmc/sp_manifest.h"
#endif

#define VINT_TIMER 3U
#define VINT_MANAGED_EXIT 4U
#define VINT_NPI 5U
#define VINT_IPI 9U

/* The PL031 (sp1's device region), registers by offset. */
#define RTC_BASE 0x09010000UL
#define RTC_DR 0x00U
#define RTC_MR 0x04U
#define RTC_IMSC 0x10U
#define RTC_ICR 0x1CU

#define PSTATE_F (1ULL << 6)
#define CNTP_CTL_ENABLE 1ULL

enum { SLOT_TIMER, SLOT_ME, SLOT_NPI, SLOT_IPI, SLOT_RTC, SLOT_OTHER, SLOTS };

static struct {
	uint64_t count[SLOTS];
	uint64_t wakes; /* FFA_INTERRUPT from FFA_MSG_WAIT */
	uint64_t deadline; /* of the armed timer */
	uint64_t npis, npi_from_sp, npi_from_vm;
	uint64_t timer_deadline, timer_start, timer_done; /* the last timer interrupt's */
	volatile uint64_t managed_exit; /* a vFIQ came while spinning */
} ctx[8];
static uint64_t errors, early;
static uint64_t call_interrupts[8]; /* TEST_CMD_CALL requests answered FFA_INTERRUPT */
static volatile bool npi_fetch;
static uint64_t boot_results[3];

static unsigned int ec(void)
{
	return sp_vcpu_index() & 7;
}

static unsigned int slot(uint64_t id)
{
	switch (id) {
	case VINT_TIMER:
		return SLOT_TIMER;
	case VINT_MANAGED_EXIT:
		return SLOT_ME;
	case VINT_NPI:
		return SLOT_NPI;
	case VINT_IPI:
		return SLOT_IPI;
	case TEST_RTC_SPI:
		return SLOT_RTC;
	default:
		return SLOT_OTHER;
	}
}

static uint64_t cntpct(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v));
	return v;
}

/*
 * The EL1 physical timer: each access traps to the SPMC, which emulates it.
 * Off first: an enabled timer with a past CVAL would fire at once.
 */
static void timer_write(uint64_t cval, uint64_t ctl)
{
	__asm__ volatile("msr cntp_ctl_el0, xzr\n\tmsr cntp_cval_el0, %0\n\t"
			 "msr cntp_ctl_el0, %1\n\tisb"
			 :
			 : "r"(cval), "r"(ctl)
			 : "memory");
}

/* A count the interrupt handlers change under the spinning code's feet. */
static uint64_t count_of(unsigned int e, unsigned int s)
{
	return __atomic_load_n(&ctx[e].count[s], __ATOMIC_RELAXED);
}

static volatile uint32_t *rtc(unsigned int off)
{
	return (volatile uint32_t *)(RTC_BASE + off);
}

/* One interrupt, whichever way it came: count it and quiet its source. */
static void handle_id(uint64_t id)
{
	unsigned int e = ec();

	ctx[e].count[slot(id)]++;
	switch (id) {
	case TEST_RTC_SPI:
		*rtc(RTC_ICR) = 1; /* the level drops before the SPMC deactivates it */
		__asm__ volatile("dsb sy" ::: "memory");
		break;
	case VINT_TIMER:
		ctx[e].timer_deadline = ctx[e].deadline;
		ctx[e].timer_start = cntpct();
		if (ctx[e].timer_start < ctx[e].deadline) {
			early++;
		}
		timer_write(0, 0);
		break;
	case VINT_NPI:
		ctx[e].npis++;
		if (npi_fetch) {
			/* Raw: the SMCCC checks' bookkeeping is the interrupted code's. */
			struct ffa_value g = {.x = {FFA_NOTIFICATION_GET_32,
						    (uint64_t)e << 16 | sp_id,
						    FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM}};
			arch_smc(&g);
			if ((uint32_t)g.x[0] == FFA_SUCCESS_32) {
				ctx[e].npi_from_sp |= (uint32_t)g.x[2] | g.x[3] << 32;
				ctx[e].npi_from_vm |= (uint32_t)g.x[4] | g.x[5] << 32;
			} else {
				errors++;
			}
		}
		break;
	case VINT_IPI:
		break;
	default:
		errors++;
		break;
	}
}

void sp_irq(void)
{
	int64_t id = sp_hf(HF_INTERRUPT_GET, 0, 0, 0);

	if ((uint64_t)id == HF_INVALID_INTID) {
		errors++; /* a vIRQ with nothing pending */
		return;
	}
	handle_id((uint64_t)id);
	if (sp_hf(HF_INTERRUPT_DEACTIVATE, (uint64_t)id, (uint64_t)id, 0) != 0) {
		errors++;
	}
	if (id == VINT_TIMER) {
		ctx[ec()].timer_done = cntpct();
	}
}

void sp_fiq(uint64_t *spsr)
{
	unsigned int e = ec();

	/* A managed exit: not taken with GET (as OP-TEE); the SPMC drops it at the response. */
	ctx[e].count[SLOT_ME]++;
	ctx[e].managed_exit = 1;
	*spsr |= PSTATE_F;
}

void irq_woken(uint64_t id)
{
	ctx[ec()].wakes++;
#ifdef SP_EL0
	/* No vIRQ at EL0: the ID is here, taken already; FFA_MSG_WAIT ends it. */
	handle_id(id);
#else
	(void)id; /* the vIRQ was taken on the way back from FFA_MSG_WAIT */
#endif
}

void irq_boot(void)
{
	unsigned int e = ec();

#ifndef SP_EL0
	/* OP-TEE's calls at boot, for the interrupts of its manifest. */
	const struct sp_manifest *m = sp_own_manifest();
	for (unsigned int i = 0; e == 0 && m != NULL && i < m->int_count; i++) {
		boot_results[0] |= (uint64_t)sp_hf(HF_INTERRUPT_ENABLE, m->ints[i].id, 1, 0);
		boot_results[1] |= (uint64_t)sp_hf(HF_INTERRUPT_RECONFIGURE, m->ints[i].id, 2, 1);
	}
	boot_results[2] |= (uint64_t)sp_hf(HF_INTERRUPT_ENABLE, VINT_IPI, 1, 0);
#endif
	boot_results[2] |= (uint64_t)sp_hf(HF_INTERRUPT_ENABLE, VINT_TIMER, 1, 0);
	ctx[e].managed_exit = 0;
#ifndef SP_EL0
	__asm__ volatile("msr daifclr, #2" ::: "memory"); /* IRQs on; FIQs stay masked */
#endif
}

/* Spins for `ticks`; with FIQs unmasked a managed-exit request ends it early. */
static void spin_time(uint64_t ticks, bool fiq, uint64_t *out)
{
	unsigned int e = ec();
	uint64_t start = cntpct(), n = 0;

	ctx[e].managed_exit = 0;
#ifndef SP_EL0
	if (fiq) {
		__asm__ volatile("msr daifclr, #1" ::: "memory");
	}
#else
	(void)fiq; /* no managed exit at S-EL0 */
#endif
	while (cntpct() - start < ticks && ctx[e].managed_exit == 0) {
		n++;
	}
#ifndef SP_EL0
	__asm__ volatile("msr daifset, #1" ::: "memory");
#endif
	out[1] = cntpct() - start;
	out[2] = ctx[e].managed_exit;
	out[3] = n;
	ctx[e].managed_exit = 0;
}

/*
 * Spins for `ticks` with x9 = seed and x10-x15, x19-x28 = seed + their
 * number: the registers found changed at the end (bit n for xn). Whatever
 * preempts the spin (an interrupt, another partition) must leave them.
 */
static uint64_t reg_spin(uint64_t ticks, uint64_t seed, uint64_t *start, uint64_t *end)
{
	uint64_t bad, t0, t1;

	__asm__ volatile("mov x9, %[s]\n"
			 ".irp r,10,11,12,13,14,15,19,20,21,22,23,24,25,26,27,28\n"
			 "add x\\r, x9, #\\r\n"
			 ".endr\n"
			 "isb\n"
			 "mrs %[t0], cntpct_el0\n"
			 "1: isb\n"
			 "mrs %[t1], cntpct_el0\n"
			 "sub %[b], %[t1], %[t0]\n"
			 "cmp %[b], %[t]\n"
			 "b.lo 1b\n"
			 "mov %[b], #0\n"
			 "cmp x9, %[s]\n"
			 "b.eq 2f\n"
			 "orr %[b], %[b], #(1 << 9)\n"
			 "2:\n"
			 ".irp r,10,11,12,13,14,15,19,20,21,22,23,24,25,26,27,28\n"
			 "sub x16, x\\r, x9\n"
			 "cmp x16, #\\r\n"
			 "b.eq 3f\n"
			 "mov x17, #1\n"
			 "lsl x17, x17, #\\r\n"
			 "orr %[b], %[b], x17\n"
			 "3:\n"
			 ".endr\n"
			 : [b] "=&r"(bad), [t0] "=&r"(t0), [t1] "=&r"(t1)
			 : [s] "r"(seed), [t] "r"(ticks)
			 : "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x19",
			   "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "cc",
			   "memory");
	*start = t0;
	*end = t1;
	return bad;
}

void irq_call_answer(struct ffa_value *v, uint16_t target)
{
	while ((uint32_t)v->x[0] == FFA_INTERRUPT_32) {
		call_interrupts[ec()]++;
		*v = (struct ffa_value){.x = {FFA_RUN_32, (uint64_t)target << 16}};
		sp_ffa(v);
	}
}

/* An FF-A call's error code as a byte (0x7F: it was no error). */
static uint64_t err_byte(const struct ffa_value *v)
{
	return (uint32_t)v->x[0] == FFA_ERROR_32 ? (uint8_t)v->x[2] : 0x7FU;
}

/* What a partition whose chain it preempted may not do before FFA_RUN of its callee. */
static uint64_t try_in_preempted_chain(uint16_t target)
{
	struct ffa_value t[4] = {
		{.x = {FFA_RUN_32, (uint64_t)target << 16}},
		{.x = {FFA_MSG_SEND_DIRECT_RESP_64, FFA_MSG_ENDPOINTS(sp_id, 0)}},
		{.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(sp_id, 0x8003), 0,
		       TEST_CMD_ECHO}},
		{.x = {FFA_RUN_32, 0x8003ULL << 16}},
	};
	uint64_t errs = 0;

	for (unsigned int i = 0; i < 4; i++) {
		sp_ffa(&t[i]);
		errs |= err_byte(&t[i]) << (8 * i);
	}
	return errs;
}

static void chain_irq(const uint64_t *a, uint64_t *out)
{
	uint16_t target = (uint16_t)a[1];
	struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(sp_id, target), 0,
				    a[2], a[3], a[4]}};
	uint64_t errs = 0, n = 0;

#ifndef SP_EL0
	__asm__ volatile("msr daifset, #2" ::: "memory");
#endif
	sp_ffa(&v);
	while ((uint32_t)v.x[0] == FFA_INTERRUPT_32) {
		int64_t id = sp_hf(HF_INTERRUPT_GET, 0, 0, 0);
		if (n++ == 0) {
			errs = try_in_preempted_chain(target);
		}
		handle_id((uint64_t)id);
		if (sp_hf(HF_INTERRUPT_DEACTIVATE, (uint64_t)id, (uint64_t)id, 0) != 0) {
			errors++;
		}
		v = (struct ffa_value){.x = {FFA_RUN_32, (uint64_t)target << 16}};
		sp_ffa(&v);
	}
#ifndef SP_EL0
	__asm__ volatile("msr daifclr, #2" ::: "memory");
#endif
	out[1] = v.x[0];
	out[2] = (uint32_t)v.x[5];
	out[3] = errs;
	out[4] = n | (v.x[3] & 0xFFU) << 8 | (uint64_t)(uint32_t)v.x[4] << 32;
}

bool irq_command(uint64_t cmd, const uint64_t *a, uint64_t *out)
{
	unsigned int e = ec();

	switch (cmd) {
	case TEST_CMD_HF_CALL:
		out[1] = (uint64_t)sp_hf(a[1], a[2], a[3], a[4]);
		return true;
	case TEST_CMD_IRQ_STATS:
		out[1] = ctx[a[2] & 7].count[slot(a[1])];
		out[2] = ctx[a[2] & 7].wakes;
		out[3] = errors;
		out[4] = early;
		return true;
	case TEST_CMD_RTC_ARM: {
		uint32_t now = *rtc(RTC_DR);
		*rtc(RTC_ICR) = 1;
		*rtc(RTC_MR) = now + (a[1] != 0 ? (uint32_t)a[1] : 1U);
		*rtc(RTC_IMSC) = 1;
		__asm__ volatile("dsb sy" ::: "memory");
		out[1] = now;
		return true;
	}
	case TEST_CMD_WAIT_IRQ: {
		uint64_t start = cntpct();
		if (a[4] != 0) {
			/* Tell the normal world it runs now (sp1: its NS mailbox, identity-mapped).
			 */
			volatile uint64_t *mbox = (volatile uint64_t *)TEST_NS_MAILBOX;
			mbox[TEST_NS_MAILBOX_IRQ + (e & 7)] = a[4];
			__asm__ volatile("dsb sy" ::: "memory");
		}
		while (count_of(e, slot(a[1])) < a[2] && cntpct() - start < a[3]) {
		}
		out[1] = count_of(e, slot(a[1]));
		out[2] = cntpct() - start;
		return true;
	}
	case TEST_CMD_TIMER_ARM:
		ctx[e].deadline = a[1] != 0 ? cntpct() + a[1] : 0;
		timer_write(ctx[e].deadline, a[1] != 0 ? CNTP_CTL_ENABLE : 0);
		out[1] = ctx[e].deadline;
		return true;
	case TEST_CMD_SPIN_TIME:
		spin_time(a[1], a[2] != 0, out);
		return true;
	case TEST_CMD_NPI_MODE:
		npi_fetch = a[1] != 0;
		return true;
	case TEST_CMD_NPI_SEEN:
		out[1] = ctx[e].npis;
		out[2] = ctx[e].npi_from_sp;
		out[3] = ctx[e].npi_from_vm;
		ctx[e].npis = ctx[e].npi_from_sp = ctx[e].npi_from_vm = 0;
		return true;
	case TEST_CMD_IRQ_TIMES:
		out[1] = ctx[e].timer_deadline;
		out[2] = ctx[e].timer_start;
		out[3] = ctx[e].timer_done;
		return true;
	case TEST_CMD_CALL_STATS:
		out[1] = call_interrupts[e];
		return true;
	case TEST_CMD_CHAIN_IRQ:
		chain_irq(a, out);
		return true;
	case TEST_CMD_REG_SPIN:
		out[1] = reg_spin(a[1], a[2], &out[3], &out[2]);
		return true;
	case TEST_CMD_BOOT_IRQ:
		memcpy(&out[1], boot_results, sizeof(boot_results));
		return true;
	default:
		return false;
	}
}
