/*
 * Input on tzvisor's console, the secure UART, for the partition that
 * emulates it (see console_rx.c).
 */
#ifndef SPMC_CONSOLE_RX_H
#define SPMC_CONSOLE_RX_H

#include "spmc/partition.h"

/*
 * Once every partition is loaded and irq_boot_config ran (primary CPU):
 * the console's input goes to the partition that emulates the UART and
 * claims its interrupt, if one does (its physical receive interrupt on);
 * otherwise the input is ignored (the interrupt stays off).
 */
void console_rx_init(void);
/* The partition the input goes to; NULL if none. */
struct partition *console_rx_owner(void);
/*
 * The UART's physical interrupt fired on this CPU (acknowledged, priority
 * dropped; the caller deactivates it after): the received bytes moved into
 * the emulated FIFO, the emulated interrupt line updated.
 */
void console_rx_interrupt(void);
/*
 * After an access of sp to its emulated UART (sp->uart_lock held): the FIFO
 * refilled from the UART if it had been full, the emulated line updated.
 */
void console_rx_access(struct partition *sp);

#endif /* SPMC_CONSOLE_RX_H */
