/*
 * An emulated PL011: what the lower EL writes goes to the physical console
 * one line at a time, prefixed with its owner's name (a VM of the
 * hypervisor role, a partition of the SPMC). Registers a driver probes
 * (flags, control, interrupt mask, the PrimeCell IDs) read back sensibly.
 * Input is what the owner of the device feeds with vuart_rx_push (the SPMC:
 * bytes received on its physical console, spmc/console_rx.c): a receive
 * FIFO of 32 entries (1 with LCR_H.FEN clear, the PL011's character mode)
 * with the PL011's receive interrupts (ARM DDI 0183G 2.8.5 and 3.3.13):
 *   RXRIS  set when the FIFO reaches the IFLS trigger level (character
 *          mode: when the holding register fills); cleared by reads below
 *          that level or by writing ICR bit 4;
 *   RTRIS  the receive timeout: set when the line goes idle (vuart_rx_idle)
 *          with data in the FIFO; cleared when reads empty it or by ICR bit 6.
 * The transmit interrupt is always raised (the transmit FIFO is never full).
 * The interrupt line is RIS & IMSC (vuart_irq_level). The caller serialises
 * accesses (the VM's or the partition's lock).
 */
#ifndef DEV_VUART_H
#define DEV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_SIZE 0x1000U
#define VUART_LINE_MAX 160U
#define VUART_RX_FIFO 32U /* entries of the PL011 r1p5's receive FIFO */

struct vuart {
	const char *prefix; /* the VM's name */
	uint32_t cr, imsc, ibrd, fbrd, lcr_h, ifls;
	char line[VUART_LINE_MAX];
	unsigned int len;
	uint8_t rx[VUART_RX_FIFO]; /* a ring: rx_count bytes from rx_head */
	uint8_t rx_head, rx_count;
	uint32_t rx_ris; /* RXRIS and RTRIS as latched */
};

void vuart_init(struct vuart *u, const char *prefix);
/*
 * One access at offset `off` of the device (size in bytes, 1-8). Returns
 * false for an access the device refuses (unaligned or wider than 32 bits);
 * unknown registers read as zero and ignore writes, as on the real device.
 */
bool vuart_mmio(struct vuart *u, uint64_t off, unsigned int size, bool write, uint64_t *val);
/* The interrupt line: an unmasked raw interrupt (TX, as its FIFO is always empty; RX, RT). */
bool vuart_irq_level(const struct vuart *u);
/*
 * Bytes the receive FIFO can take now: 0 while the UART or its receiver is
 * disabled (CR.UARTEN, CR.RXE), else the free entries (of 1 in character mode).
 */
unsigned int vuart_rx_room(const struct vuart *u);
/* One received byte into the FIFO; false (nothing changed) if it has no room. */
bool vuart_rx_push(struct vuart *u, uint8_t c);
/* No more input for now: the receive timeout (RTRIS) if the FIFO holds data. */
void vuart_rx_idle(struct vuart *u);

#endif
