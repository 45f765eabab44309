/*
 * PL011 UART: output polled; input read when its receive interrupt fires
 * (the SPMC's console, spmc/console_rx.c). QEMU's UART needs no baud set-up.
 */
#include <stdbool.h>
#include <stdint.h>

#include "plat/plat.h"

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_LCR_H 0x02C
#define UART_CR 0x030
#define UART_IMSC 0x038
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define LCR_H_FEN (1U << 4)
#define IMSC_RX (1U << 4)
#define IMSC_RT (1U << 6)
#define CR_UARTEN (1U << 0)
#define CR_TXE (1U << 8)

static uint64_t uart_base;

static volatile uint32_t *uart_reg(uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(uart_base + off);
}

void plat_console_init(uint64_t base)
{
	uart_base = base;
	*uart_reg(UART_CR) |= CR_UARTEN | CR_TXE;
}

void plat_console_putc(char c)
{
	if (uart_base == 0) {
		return;
	}
	while ((*uart_reg(UART_FR) & FR_TXFF) != 0) {
	}
	*uart_reg(UART_DR) = (uint32_t)(unsigned char)c;
}

void plat_console_rx_irq(bool on)
{
	if (uart_base == 0) {
		return;
	}
	uint32_t lcr_h = *uart_reg(UART_LCR_H);
	if (on && (lcr_h & LCR_H_FEN) == 0) {
		*uart_reg(UART_LCR_H) = lcr_h | LCR_H_FEN; /* a FIFO, not one holding register */
	}
	uint32_t imsc = *uart_reg(UART_IMSC);
	*uart_reg(UART_IMSC) = on ? imsc | IMSC_RX | IMSC_RT : imsc & ~(IMSC_RX | IMSC_RT);
}

int plat_console_getc(void)
{
	if (uart_base == 0 || (*uart_reg(UART_FR) & FR_RXFE) != 0) {
		return -1;
	}
	return (int)(*uart_reg(UART_DR) & 0xFFU); /* bits 11:8 are error flags */
}
