/*
 * An emulated PL011: what the lower EL writes goes to the physical console
 * one line at a time, prefixed with its owner's name (a VM of the
 * hypervisor role, a partition of the SPMC). Registers a driver probes
 * (flags, control, interrupt mask, the PrimeCell IDs) read back sensibly;
 * input is not supported yet (the receive FIFO stays empty). The caller
 * serialises accesses (the VM's or the partition's lock).
 */
#ifndef DEV_VUART_H
#define DEV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_SIZE 0x1000U
#define VUART_LINE_MAX 160U

struct vuart {
	const char *prefix; /* the VM's name */
	uint32_t cr, imsc, ibrd, fbrd, lcr_h, ifls;
	char line[VUART_LINE_MAX];
	unsigned int len;
};

void vuart_init(struct vuart *u, const char *prefix);
/*
 * One access at offset `off` of the device (size in bytes, 1-8). Returns
 * false for an access the device refuses (unaligned or wider than 32 bits);
 * unknown registers read as zero and ignore writes, as on the real device.
 */
bool vuart_mmio(struct vuart *u, uint64_t off, unsigned int size, bool write, uint64_t *val);
/* The interrupt line: the transmit FIFO is always empty, so TX when unmasked. */
bool vuart_irq_level(const struct vuart *u);

#endif
