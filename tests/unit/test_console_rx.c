/*
 * Host tests for input on tzvisor's console UART (src/spmc/console_rx.c)
 * and the emulated PL011's receive side (src/dev/vuart.c), with the run
 * loop and interrupts of test_irq.c: partition A plays OP-TEE (it emulates
 * the UART and claims its INTID 40), a fake UART hands out the bytes
 * (fake_arch.h) and a fake GIC raises its interrupt (fake_gic.h). Every
 * byte reaches the partition once and in order, the virtual interrupt
 * follows the emulated line, the physical one is always ended by tzvisor,
 * and a full FIFO holds the rest in the UART.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "dev/vuart.h"
#include "fake_arch.h"
#include "fake_gic.h"
#include "plat/plat.h"
#include "sp_script.h"
#include "spmc/console_rx.h"
#include "spmc/irq.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

#define UART_INTID 40U
#define UART_ATTRS 0xB01U /* OP-TEE's manifest: priority 1, secure, level, SPI */
#define DR 0x000U
#define FR 0x018U
#define LCR_H 0x02CU
#define MIS 0x040U
#define ICR 0x044U
#define FR_EMPTY 0x90U /* TXFE | RXFE */
#define FR_DATA 0x80U /* TXFE */
#define FR_FULL1 0xC0U /* TXFE | RXFF: character mode, holding register full */
#define RXIM (1U << 4)
#define RTIM (1U << 6)

static const struct arch_exit irq_exit = {.kind = EXIT_IRQ};

/* An access to the emulated UART at offset off with register rt (32-bit). */
static struct arch_exit uart(uint64_t off, bool write, unsigned int rt)
{
	uint64_t ipa = plat.secure_uart_base + off;
	return (struct arch_exit){.kind = EXIT_SYNC,
				  .esr = (uint64_t)ESR_EC_DABT_LOWER << 26 | 1U << 24 | 2ULL << 22 |
					 (uint64_t)rt << 16 | (write ? 1U << 6 : 0U) | 0x7U,
				  .far = 0xFFFF0000 | (ipa & 0xFFF),
				  .hpfar_ipa = ALIGN_DOWN(ipa, PAGE_SIZE)};
}

static struct arch_exit uart_write(struct vcpu *v, uint64_t off, uint32_t val)
{
	v->arch.regs.x[3] = val;
	return uart(off, true, 3);
}

static void input(const char *s)
{
	size_t n = strlen(s);
	memcpy(fake_uart_rx, s, n);
	fake_uart_rx_len = (unsigned int)n;
	fake_uart_rx_pos = 0;
}

/* Each acknowledged physical interrupt ended once, nothing ended that was not active. */
static void assert_gic_clean(void)
{
	assert_int_equal(fake_gic.bad_deactivations, 0);
	assert_int_equal(fake_gic.dropped_not_acked, 0);
	assert_int_equal(fake_gic.drops, fake_gic.acks);
	assert_int_equal(fake_gic.deactivations, fake_gic.acks);
}

/*
 * A as OP-TEE: the UART emulated, INTID 40 claimed, the UART set up as
 * OP-TEE's pl011_init leaves it (8 bits, FIFOs off, RX interrupt unmasked,
 * enabled), and 40 enabled by the partition.
 */
static int setup_rx(void **state)
{
	setup(state);
	SP_A->name = "op-tee";
	SP_A->uart_emulated = true;
	vuart_init(&SP_A->uart, SP_A->name);
	SP_A->uart.lcr_h = 0x60;
	SP_A->uart.imsc = RXIM;
	SP_A->uart.cr = 0x301;
	SP_A->m.ints[0] = (struct sp_interrupt){.id = UART_INTID, .attrs = UART_ATTRS};
	SP_A->m.int_count = 1;
	irq_init();
	for (unsigned int i = 0; i < NUM_SPS; i++) {
		assert_true(irq_partition_load(&partitions[i]));
	}
	irq_boot_config();
	irq_cpu_init(0);
	fake_uart_rx_irq = false;
	fake_uart_rx_irq_writes = 0;
	fake_uart_getc_calls = 0;
	input("");
	console_rx_init();
	assert_int_equal(hf(&SP_A->vcpus[0], HF_INTERRUPT_ENABLE, UART_INTID, 1, 0), 0);
	return 0;
}

/* tzvisor owns the interrupt: Secure, as claimed, enabled for good; the UART's RX on. */
static void owner_and_physical_setup(void **state)
{
	(void)state;
	assert_ptr_equal(console_rx_owner(), SP_A);
	assert_true(fake_uart_rx_irq);
	assert_true(fake_gic.secure[UART_INTID]);
	assert_true(fake_gic.level[UART_INTID]);
	assert_int_equal(fake_gic.prio[UART_INTID], 1);
	assert_true(fake_gic.enabled[UART_INTID]);
	/* The partition's disable and enable leave the physical interrupt alone. */
	unsigned int enables = fake_gic.enables;
	assert_int_equal(hf(&SP_A->vcpus[0], HF_INTERRUPT_ENABLE, UART_INTID, 0, 0), 0);
	assert_int_equal(hf(&SP_A->vcpus[0], HF_INTERRUPT_RECONFIGURE, UART_INTID, 2, 0), 0);
	assert_int_equal(fake_gic.enables, enables);
	assert_true(fake_gic.enabled[UART_INTID]);
}

/* OP-TEE's console handler, woken from FFA_MSG_WAIT: GET, read while FR says data, DEACTIVATE. */
static char got[64];
static unsigned int got_len;

static struct arch_exit optee_waiting(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		assert_int_equal(seen()[0], FFA_INTERRUPT_32);
		assert_int_equal(seen()[2], UART_INTID);
		assert_true(vi());
		assert_int_equal(v->rtm, RTM_SEC_INT);
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 1:
		assert_int_equal(seen()[0], UART_INTID);
		assert_false(vi()); /* taken: active, not pending again while the line holds */
		return uart(FR, false, 5);
	case 2:
	case 4:
		assert_int_equal(seen()[5], FR_FULL1); /* a byte in the holding register */
		return uart(DR, false, 6);
	case 3:
	case 5:
		got[got_len++] = (char)seen()[6];
		return uart(FR, false, 5);
	case 6:
		assert_int_equal(seen()[5], FR_EMPTY);
		assert_false(vi());
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID);
	case 7:
		assert_int_equal(seen()[0], 0);
		assert_false(vi());
		return smc(v, CALL(FFA_MSG_WAIT_32));
	default:
		return unexpected(v, n);
	}
}

static void waiting_partition_reads_all(void **state)
{
	(void)state;
	got_len = 0;
	script[0] = optee_waiting;
	input("ab");
	fake_gic_raise(UART_INTID);
	assert_false(irq_physical(NULL)); /* FFA_INTERRUPT from the SPMD: the normal world ran */
	/* One byte in the holding register, the other held in the UART, its RX interrupt off. */
	assert_int_equal(fake_uart_rx_pos, 1);
	assert_false(fake_uart_rx_irq);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_RUNNING); /* claimed by this CPU */
	spmc_run_woken();
	irq_leave_to_nwd();
	assert_int_equal(got_len, 2);
	assert_memory_equal(got, "ab", 2);
	assert_int_equal(SP_A->vcpus[0].state, VCPU_WAITING);
	assert_int_equal(fake_uart_rx_pos, 2);
	assert_true(fake_uart_rx_irq); /* empty again: interrupts back on */
	assert_false(vint_is_pending(&SP_A->vcpus[0].vint, UART_INTID));
	assert_false(vint_is_active(&SP_A->vcpus[0].vint, UART_INTID));
	assert_int_equal(fake_gic.acks, 1);
	assert_gic_clean();
}

/*
 * FIFO mode while the partition runs a request: three bytes stay below the
 * trigger level (RX), the line goes idle (receive timeout): a vIRQ; MIS
 * says RT; reading all clears it.
 */
static struct arch_exit fifo_running(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		v->arch.regs.x[9] = 0x1234;
		fake_gic_raise(UART_INTID);
		return irq_exit;
	case 1:
		assert_true(vi());
		assert_int_equal(v->arch.regs.x[9], 0x1234);
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 2:
		assert_int_equal(seen()[0], UART_INTID);
		return uart(MIS, false, 5);
	case 3:
		assert_int_equal(seen()[5], RTIM); /* timeout, not the (1/2 full) RX level */
		return uart(DR, false, 6);
	case 4:
	case 5:
	case 6:
		got[got_len++] = (char)seen()[6];
		return n < 6 ? uart(DR, false, 6) : uart(MIS, false, 5);
	case 7:
		assert_int_equal(seen()[5], 0);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID);
	case 8:
		assert_int_equal(seen()[0], 0);
		assert_false(vi());
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void running_partition_fifo_mode(void **state)
{
	(void)state;
	got_len = 0;
	SP_A->uart.lcr_h = 0x70; /* FEN */
	SP_A->uart.imsc = RXIM | RTIM;
	script[0] = fifo_running;
	input("xyz");
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(got_len, 3);
	assert_memory_equal(got, "xyz", 3);
	assert_true(fake_uart_rx_irq);
	assert_gic_clean();
}

/* It polls the byte before taking the interrupt: the line fell, nothing pending any more. */
static struct arch_exit polls_first(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		fake_gic_raise(UART_INTID);
		return irq_exit;
	case 1:
		assert_true(vi());
		return uart(DR, false, 6);
	case 2:
		assert_int_equal(seen()[6], 'q');
		assert_false(vi());
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 3:
		assert_int_equal(seen()[0], VINT_NONE);
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void line_low_unpends(void **state)
{
	(void)state;
	script[0] = polls_first;
	input("q");
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_false(vint_is_pending(&SP_A->vcpus[0].vint, UART_INTID));
	assert_gic_clean();
}

/*
 * Level-sensitive: it deactivates with the line still high (it masked
 * nothing and read nothing): pending again, taken again; then it masks RX
 * (IMSC 0, as OP-TEE's handler does with asynchronous notifications), the
 * byte stays in the FIFO and nothing more comes until it unmasks.
 */
static struct arch_exit leaves_line_high(struct vcpu *v, unsigned int n)
{
	switch (n) {
	case 0:
		fake_gic_raise(UART_INTID);
		return irq_exit;
	case 1:
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 2:
		assert_int_equal(seen()[0], UART_INTID);
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID);
	case 3:
		assert_true(vi()); /* still high: again */
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 4:
		assert_int_equal(seen()[0], UART_INTID);
		return uart_write(v, 0x038, 0); /* IMSC: RX masked */
	case 5:
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID);
	case 6:
		assert_false(vi());
		return uart(FR, false, 5);
	case 7:
		assert_int_equal(seen()[5], FR_FULL1); /* the byte waits */
		return uart_write(v, 0x038, RXIM); /* unmasked: high again */
	case 8:
		assert_true(vi());
		return hf_hvc(v, HF_INTERRUPT_GET, 0, 0);
	case 9:
		return uart(DR, false, 6);
	case 10:
		assert_int_equal(seen()[6], 'L');
		return hf_hvc(v, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID);
	case 11:
		assert_false(vi());
		return answer_nwd(v);
	default:
		return unexpected(v, n);
	}
}

static void level_sensitive(void **state)
{
	(void)state;
	script[0] = leaves_line_high;
	input("L");
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(entries[0], 12);
	assert_gic_clean();
}

/*
 * More than the FIFO holds (32 in FIFO mode): the rest waits in the UART
 * with its receive interrupt off, each read refills, all arrive in order.
 */
static struct arch_exit reads_forty(struct vcpu *v, unsigned int n)
{
	if (n == 0) {
		fake_gic_raise(UART_INTID);
		return irq_exit;
	}
	if (n == 1) {
		assert_int_equal(fake_uart_rx_pos, VUART_RX_FIFO);
		assert_false(fake_uart_rx_irq);
		return uart(DR, false, 6);
	}
	if (got_len < 40) {
		got[got_len++] = (char)seen()[6];
		return got_len < 40 ? uart(DR, false, 6) : uart(FR, false, 5);
	}
	if (n == 42) {
		assert_int_equal(seen()[5], FR_EMPTY);
		return answer_nwd(v);
	}
	return unexpected(v, n);
}

static void full_fifo_holds_the_rest(void **state)
{
	(void)state;
	static const char forty[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
	got_len = 0;
	SP_A->uart.lcr_h = 0x70;
	script[0] = reads_forty;
	input(forty);
	struct ffa_value req = nwd_req64(ID_A);
	assert_int_equal(nwd_direct(&req).x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	assert_int_equal(got_len, 40);
	assert_memory_equal(got, forty, 40);
	assert_true(fake_uart_rx_irq);
	/* The vIRQ it never took went with the data: the line is low. */
	assert_false(vint_is_pending(&SP_A->vcpus[0].vint, UART_INTID));
	assert_gic_clean();
}

/* Hostile or odd calls on the emulated ID: exact refusals, nothing changed. */
static void hostile_calls(void **state)
{
	(void)state;
	struct vcpu *a = &SP_A->vcpus[0];
	/* The console's interrupt stays Secure. */
	assert_int_equal(hf(a, HF_INTERRUPT_RECONFIGURE, UART_INTID, 1, 0), -1);
	assert_true(fake_gic.secure[UART_INTID]);
	/* Not active: nothing to deactivate. */
	assert_int_equal(hf(a, HF_INTERRUPT_DEACTIVATE, UART_INTID, UART_INTID, 0), -1);
	/* Another partition's (B, not the owner): refused. */
	assert_int_equal(hf(&SP_B->vcpus[0], HF_INTERRUPT_RECONFIGURE, UART_INTID, 2, 0), -1);
	assert_int_equal(hf(&SP_B->vcpus[0], HF_INTERRUPT_ENABLE, UART_INTID, 1, 0), -1);
	/* Forwarding off: bytes arrive, the partition is not woken; on again: it is. */
	assert_int_equal(hf(a, HF_INTERRUPT_RECONFIGURE, UART_INTID, 2, 0), 0);
	input("z");
	fake_gic_raise(UART_INTID);
	assert_false(irq_physical(NULL));
	assert_int_equal(a->state, VCPU_WAITING);
	assert_false(vint_is_pending(&a->vint, UART_INTID));
	assert_int_equal(fake_gic.deactivations, 1); /* tzvisor ended the physical one */
	assert_int_equal(hf(a, HF_INTERRUPT_RECONFIGURE, UART_INTID, 2, 1), 0);
	assert_true(vint_is_pending(&a->vint, UART_INTID));
	assert_int_equal(a->state, VCPU_RUNNING); /* claimed: FFA_INTERRUPT next */
	assert_gic_clean();
}

/* Nobody claims the UART's interrupt: input stays in the UART, its interrupt off. */
static void no_owner_ignores(void **state)
{
	setup(state);
	SP_A->uart_emulated = true; /* the UART, but not its interrupt */
	vuart_init(&SP_A->uart, "sp");
	fake_uart_rx_irq = true;
	fake_uart_getc_calls = 0;
	input("ignored");
	console_rx_init();
	assert_null(console_rx_owner());
	assert_false(fake_uart_rx_irq);
	console_rx_interrupt(); /* a stray one: leaves the input alone */
	assert_int_equal(fake_uart_rx_pos, 0);
	assert_int_equal(fake_uart_getc_calls, 0);
	/* Its emulated UART: nothing received. */
	uint64_t v = 0;
	SP_A->uart.cr = 0x301;
	assert_true(vuart_mmio(&SP_A->uart, FR, 4, false, &v));
	assert_int_equal(v, FR_EMPTY);
}

/* --- the emulated PL011's receive side ----------------------------------------------- */

static uint32_t rd(struct vuart *u, uint64_t off)
{
	uint64_t v = 0;
	assert_true(vuart_mmio(u, off, 4, false, &v));
	return (uint32_t)v;
}

static void wr(struct vuart *u, uint64_t off, uint32_t val)
{
	uint64_t v = val;
	assert_true(vuart_mmio(u, off, 4, true, &v));
}

static void vuart_receive(void **state)
{
	(void)state;
	struct vuart u;

	vuart_init(&u, "p");
	/* Reset: UART disabled, nothing can be received. */
	assert_int_equal(vuart_rx_room(&u), 0);
	assert_false(vuart_rx_push(&u, 'a'));
	wr(&u, 0x030, 0x301);
	/* Character mode: one holding register; RX when it fills, cleared by the read. */
	assert_int_equal(vuart_rx_room(&u), 1);
	wr(&u, 0x038, RXIM | RTIM);
	assert_true(vuart_rx_push(&u, 'a'));
	assert_false(vuart_rx_push(&u, 'b')); /* full: refused, nothing changed */
	assert_int_equal(rd(&u, FR), FR_FULL1);
	assert_int_equal(rd(&u, 0x03C) & 0x50U, RXIM);
	assert_true(vuart_irq_level(&u));
	assert_int_equal(rd(&u, DR), 'a');
	assert_false(vuart_irq_level(&u));
	assert_int_equal(rd(&u, FR), FR_EMPTY);
	assert_int_equal(rd(&u, DR), 0); /* empty: reads 0 */
	/* ICR clears RX while the byte stays. */
	assert_true(vuart_rx_push(&u, 'c'));
	wr(&u, ICR, RXIM);
	assert_false(vuart_irq_level(&u));
	assert_int_equal(rd(&u, FR), FR_FULL1);
	assert_int_equal(rd(&u, DR), 'c');

	/* FIFO mode, RX trigger 1/4 (8 of 32): RX from the 8th byte, cleared below it. */
	wr(&u, LCR_H, 0x70);
	wr(&u, 0x034, 1U << 3);
	for (unsigned int i = 0; i < 7; i++) {
		assert_true(vuart_rx_push(&u, (uint8_t)('0' + i)));
	}
	assert_int_equal(rd(&u, MIS), 0);
	assert_true(vuart_rx_push(&u, '7'));
	assert_int_equal(rd(&u, MIS), RXIM);
	assert_int_equal(rd(&u, DR), '0');
	assert_int_equal(rd(&u, MIS), 0); /* 7 left: below the level */
	vuart_rx_idle(&u);
	assert_int_equal(rd(&u, MIS), RTIM); /* the line went idle with data */
	wr(&u, ICR, RTIM);
	assert_int_equal(rd(&u, MIS), 0);
	vuart_rx_idle(&u);
	for (unsigned int i = 1; i < 8; i++) {
		assert_int_equal(rd(&u, DR), '0' + i);
	}
	assert_int_equal(rd(&u, MIS), 0); /* empty: the timeout cleared too */
	/* 32 entries, then full; the ring wraps in order. */
	for (unsigned int i = 0; i < VUART_RX_FIFO; i++) {
		assert_true(vuart_rx_push(&u, (uint8_t)i));
	}
	assert_int_equal(vuart_rx_room(&u), 0);
	assert_false(vuart_rx_push(&u, 0xEE));
	assert_int_equal(rd(&u, FR) & 0x40U, 0x40U); /* RXFF */
	for (unsigned int i = 0; i < VUART_RX_FIFO; i++) {
		assert_int_equal(rd(&u, DR), i);
	}
	/* Receiver off (CR.RXE clear): no room. */
	wr(&u, 0x030, 0x101);
	assert_int_equal(vuart_rx_room(&u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(owner_and_physical_setup, setup_rx),
		cmocka_unit_test_setup(waiting_partition_reads_all, setup_rx),
		cmocka_unit_test_setup(running_partition_fifo_mode, setup_rx),
		cmocka_unit_test_setup(line_low_unpends, setup_rx),
		cmocka_unit_test_setup(level_sensitive, setup_rx),
		cmocka_unit_test_setup(full_fifo_holds_the_rest, setup_rx),
		cmocka_unit_test_setup(hostile_calls, setup_rx),
		cmocka_unit_test(no_owner_ignores),
		cmocka_unit_test(vuart_receive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
