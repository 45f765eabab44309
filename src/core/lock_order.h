/*
 * The lock order, written once. A CPU that holds several locks takes them in
 * this order and never the other way round:
 *
 *   partition (partition.lock, vCPU states)
 *   notifications (notif_lock in spmc/notif.c): a leaf but for the console
 *   RX/TX pair (ffa_rxtx.lock) -> stage-1 page table (spmc.stage1_lock)
 *   -> page allocator (palloc.lock) -> console (console_lock)
 *   a partition's emulated UART (partition.uart_lock) -> partition (its virtual
 *   interrupt, spmc/console_rx.c) -> console (console_lock)
 *
 * The console lock is a leaf: nothing is taken while it is held. The panic
 * path bypasses it (console_panic_mode) so that a CPU that dies while holding
 * it still gets its dump out.
 */
#ifndef CORE_LOCK_ORDER_H
#define CORE_LOCK_ORDER_H
#endif
