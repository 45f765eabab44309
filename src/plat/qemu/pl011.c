/* PL011 UART, polled. QEMU's UART needs no baud set-up; enable TX only. */
#include <stdint.h>

#include "plat/plat.h"

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_CR 0x030
#define FR_TXFF (1U << 5)
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
