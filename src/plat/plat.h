/*
 * The platform, described as data (one struct) plus the few functions that
 * touch its devices. src/plat/qemu implements it for QEMU's virt machine.
 */
#ifndef PLAT_PLAT_H
#define PLAT_PLAT_H

#include <stdbool.h>
#include <stdint.h>

struct plat_region {
	uint64_t base;
	uint64_t size;
};

struct plat_desc {
	const char *name;
	uint64_t ns_uart_base; /* PL011 of the normal world (and of the hypervisor role) */
	uint64_t secure_uart_base; /* secure-only PL011: the SPMC role's console */
	unsigned int secure_uart_intid; /* its interrupt (an SPI) */
	struct plat_region secure_sram;
	struct plat_region secure_dram;
	struct plat_region ns_dram;
	uint64_t gicd_base;
	uint64_t gicr_base;
	unsigned int cpus_per_cluster;
};

extern const struct plat_desc plat;

/* Selects and enables the PL011 at base; output before this is dropped. */
void plat_console_init(uint64_t base);
void plat_console_putc(char c);
/*
 * The console's receive interrupts (RX and receive timeout) on or off (the
 * first time, its FIFOs on). While they are off, input waits in the UART.
 */
void plat_console_rx_irq(bool on);
/* The console's next received byte; -1 if its receive FIFO is empty. */
int plat_console_getc(void);
/* Linear CPU index of an MPIDR value (may be out of range: callers check). */
int plat_cpu_index(uint64_t mpidr);

#endif /* PLAT_PLAT_H */
