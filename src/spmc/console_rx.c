/*
 * Input on tzvisor's console: the secure UART (QEMU virt's UART1, a PL011,
 * INTID 40).
 *
 * Who owns what. tzvisor owns the physical UART: it logs on it, and a
 * partition whose manifest maps the UART's page as a device region gets an
 * emulated PL011 there instead (dev/vuart.c), whose output tzvisor prints
 * one whole line at a time as "[name] line", so that neither output is cut
 * (OP-TEE's manifest does this, as its console is that UART). If that
 * partition also claims the UART's interrupt, the input is its own:
 *
 *   - the physical receive interrupts (RX and receive timeout) are on; the
 *     SPI is Secure Group 1 with the partition's priority and routed as its
 *     claim says (irq.c, which calls console_rx_interrupt when it fires, on
 *     whichever side it arrives: an IRQ exit or FFA_INTERRUPT from the SPMD);
 *   - tzvisor moves the received bytes into the emulated receive FIFO and
 *     then drives the emulated interrupt line (RIS & IMSC of the emulated
 *     PL011) into the partition's virtual INTID 40 as a level-sensitive
 *     interrupt (irq_emulated_level): pending when the line rises, no
 *     longer pending when the partition's own reads or mask bring it low,
 *     pending again at its deactivation if the line is still high. irq.c
 *     delivers it as any other: a vIRQ to a running context, FFA_INTERRUPT
 *     to a waiting one;
 *   - nothing is lost: when the emulated FIFO is full (32 entries, or the
 *     one holding register in the PL011's character mode, which OP-TEE
 *     uses) the physical receive interrupts are masked and the rest waits
 *     in the UART, whose FIFO then holds off its source (QEMU stops reading
 *     the chardev); each access of the partition refills the emulated FIFO
 *     from there, and the interrupts come back on once the UART is empty.
 *
 * Without such a partition the physical receive interrupts stay off and
 * input is ignored: it waits in the UART and nothing else changes.
 *
 * Locks: the owner's uart_lock covers the emulated device, `paused` and
 * `line`; it is taken before the partition's lock (irq_emulated_level),
 * see core/lock_order.h.
 */
#include "spmc/console_rx.h"

#include "core/console.h"
#include "core/spinlock.h"
#include "plat/plat.h"
#include "spmc/irq.h"

static struct partition *owner;
static bool paused; /* the physical receive interrupts are off: the emulated FIFO filled up */
static bool line; /* the emulated interrupt line, as last passed to irq.c */

static bool claims_intid(const struct partition *sp, unsigned int intid)
{
	for (unsigned int i = 0; i < sp->m.int_count; i++) {
		if (sp->m.ints[i].id == intid) {
			return true;
		}
	}
	return false;
}

void console_rx_init(void)
{
	owner = NULL;
	paused = false;
	line = false;
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		if (sp->uart_emulated && !sp->aborted && claims_intid(sp, plat.secure_uart_intid)) {
			owner = sp;
			break;
		}
	}
	if (owner != NULL) {
		LOG_INFO("console input goes to SP %04x %s (its UART's INTID %u)\n", owner->id,
			 owner->name, plat.secure_uart_intid);
	}
	plat_console_rx_irq(owner != NULL);
}

struct partition *console_rx_owner(void)
{
	return owner;
}

/*
 * Moves what the UART holds into the emulated FIFO while it has room
 * (uart_lock held); how many bytes.
 */
static unsigned int fill(struct partition *sp)
{
	unsigned int n = 0;

	while (vuart_rx_room(&sp->uart) != 0) {
		int c = plat_console_getc();
		if (c < 0) {
			/* The UART is empty: the line is idle, interrupts on for the next byte. */
			vuart_rx_idle(&sp->uart);
			if (paused) {
				paused = false;
				plat_console_rx_irq(true);
			}
			return n;
		}
		vuart_rx_push(&sp->uart, (uint8_t)c);
		n++;
	}
	/* Full: the rest waits in the UART until the partition reads. */
	if (!paused) {
		paused = true;
		plat_console_rx_irq(false);
	}
	return n;
}

/* The emulated line into the partition's virtual interrupt, on a change (uart_lock held). */
static void sync_line(struct partition *sp)
{
	bool level = vuart_irq_level(&sp->uart);

	if (level != line) {
		line = level;
		irq_emulated_level(sp, plat.secure_uart_intid, level);
	}
}

void console_rx_interrupt(void)
{
	struct partition *sp = owner;

	if (sp == NULL) {
		plat_console_rx_irq(false); /* nobody's input: leave it in the UART */
		return;
	}
	sl_lock(&sp->uart_lock);
	unsigned int n = fill(sp);
	bool held = paused;
	sync_line(sp);
	sl_unlock(&sp->uart_lock);
	LOG_VERBOSE("console input: %u byte(s) for SP %04x%s\n", n, sp->id,
		    held ? ", the rest held in the UART" : "");
}

void console_rx_access(struct partition *sp)
{
	if (sp != owner) {
		return;
	}
	if (paused && vuart_rx_room(&sp->uart) != 0) {
		(void)fill(sp);
	}
	sync_line(sp);
}
