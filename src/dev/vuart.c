/* Emulated PL011 (ARM DDI 0183G): transmit to the console, receive what its owner feeds. */
#include "dev/vuart.h"

#include <string.h>

#include "core/console.h"

#define UART_DR 0x000
#define UART_RSR 0x004
#define UART_FR 0x018
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCR_H 0x02C
#define UART_CR 0x030
#define UART_IFLS 0x034
#define UART_IMSC 0x038
#define UART_RIS 0x03C
#define UART_MIS 0x040
#define UART_ICR 0x044
#define UART_DMACR 0x048
#define UART_ID 0xFE0 /* PeriphID0-3, then PCellID0-3 */

#define FR_RXFE (1U << 4)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)
#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)
#define LCR_H_FEN (1U << 4)
#define CR_UARTEN (1U << 0)
#define CR_RXE (1U << 9)

/* PL011 r1p5 PeriphID and the PrimeCell ID, as the AMBA bus probes them. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

void vuart_init(struct vuart *u, const char *prefix)
{
	memset(u, 0, sizeof(*u));
	u->prefix = prefix;
	u->cr = 0x300; /* TXE, RXE: the reset value */
}

static void flush_line(struct vuart *u)
{
	u->line[u->len] = '\0';
	console_printf("[%s] %s\n", u->prefix, u->line);
	u->len = 0;
}

static void put(struct vuart *u, char c)
{
	if (c == '\r') {
		return;
	}
	if (c == '\n') {
		flush_line(u);
		return;
	}
	/* Control characters other than tab are shown as '.': the console is shared. */
	u->line[u->len++] = (c == '\t' || (c >= 0x20 && c < 0x7F)) ? c : '.';
	if (u->len == VUART_LINE_MAX - 1) {
		flush_line(u);
	}
}

static uint32_t ris(const struct vuart *u)
{
	return INT_TX | u->rx_ris;
}

/* Entries of the receive FIFO: 32, or 1 in character mode (FIFOs disabled). */
static unsigned int rx_depth(const struct vuart *u)
{
	return (u->lcr_h & LCR_H_FEN) != 0 ? VUART_RX_FIFO : 1U;
}

/*
 * The receive trigger level: IFLS.RXIFLSEL (bits 5:3) 1/8, 1/4, 1/2, 3/4 or
 * 7/8 full (the reserved values as 1/2, the reset value); 1 in character mode.
 */
static unsigned int rx_trigger(const struct vuart *u)
{
	static const uint8_t eighths[8] = {1, 2, 4, 6, 7, 4, 4, 4};

	if ((u->lcr_h & LCR_H_FEN) == 0) {
		return 1U;
	}
	return VUART_RX_FIFO * eighths[(u->ifls >> 3) & 7U] / 8U;
}

unsigned int vuart_rx_room(const struct vuart *u)
{
	if ((u->cr & (CR_UARTEN | CR_RXE)) != (CR_UARTEN | CR_RXE) || u->rx_count >= rx_depth(u)) {
		return 0;
	}
	return rx_depth(u) - u->rx_count;
}

bool vuart_rx_push(struct vuart *u, uint8_t c)
{
	if (vuart_rx_room(u) == 0) {
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO] = c;
	u->rx_count++;
	if (u->rx_count >= rx_trigger(u)) {
		u->rx_ris |= INT_RX;
	}
	return true;
}

void vuart_rx_idle(struct vuart *u)
{
	if (u->rx_count != 0) {
		u->rx_ris |= INT_RT;
	}
}

/* A read of DR: the oldest byte (0 with an empty FIFO), interrupts updated. */
static uint32_t rx_pop(struct vuart *u)
{
	if (u->rx_count == 0) {
		return 0;
	}
	uint32_t c = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1U) % VUART_RX_FIFO);
	u->rx_count--;
	if (u->rx_count < rx_trigger(u)) {
		u->rx_ris &= ~INT_RX;
	}
	if (u->rx_count == 0) {
		u->rx_ris &= ~INT_RT;
	}
	return c;
}

bool vuart_irq_level(const struct vuart *u)
{
	return (ris(u) & u->imsc) != 0;
}

bool vuart_mmio(struct vuart *u, uint64_t off, unsigned int size, bool write, uint64_t *val)
{
	if (size > 4 || (off & (size - 1U)) != 0) {
		return false;
	}
	uint32_t v = (uint32_t)*val;
	if (write) {
		switch (off) {
		case UART_DR:
			put(u, (char)(v & 0xFFU));
			break;
		case UART_IBRD:
			u->ibrd = v & 0xFFFFU;
			break;
		case UART_FBRD:
			u->fbrd = v & 0x3FU;
			break;
		case UART_LCR_H:
			u->lcr_h = v & 0xFFU;
			break;
		case UART_CR:
			u->cr = v & 0xFFFFU;
			break;
		case UART_IFLS:
			u->ifls = v & 0x3FU;
			break;
		case UART_IMSC:
			u->imsc = v & 0x7FFU;
			break;
		case UART_ICR:
			u->rx_ris &= ~(v & (INT_RX | INT_RT)); /* TX stays: its FIFO is empty */
			break;
		default:
			break; /* RSR/DMACR and the rest: nothing to clear or keep */
		}
		return true;
	}
	switch (off) {
	case UART_DR:
		v = rx_pop(u); /* no error bits: nothing is lost on the way */
		break;
	case UART_FR:
		v = FR_TXFE | (u->rx_count == 0 ? FR_RXFE : 0U) |
		    (u->rx_count >= rx_depth(u) ? FR_RXFF : 0U);
		break;
	case UART_IBRD:
		v = u->ibrd;
		break;
	case UART_FBRD:
		v = u->fbrd;
		break;
	case UART_LCR_H:
		v = u->lcr_h;
		break;
	case UART_CR:
		v = u->cr;
		break;
	case UART_IFLS:
		v = u->ifls;
		break;
	case UART_IMSC:
		v = u->imsc;
		break;
	case UART_RIS:
		v = ris(u);
		break;
	case UART_MIS:
		v = ris(u) & u->imsc;
		break;
	default:
		v = off >= UART_ID && off < UART_ID + 0x20 && (off & 3U) == 0
			    ? pl011_id[(off - UART_ID) / 4]
			    : 0;
		break;
	}
	*val = v;
	return true;
}
