/* What the test partition's files share. */
#ifndef PARTITIONS_TEST_SP_H
#define PARTITIONS_TEST_SP_H

#include <stdbool.h>
#include <stdint.h>

/* Its RX/TX pair (FFA_RXTX_MAP at boot) and its own ID. */
extern uint8_t sp_rx_buf[4096];
extern uint8_t sp_tx_buf[4096];
extern uint16_t sp_id;

/* The memory-sharing commands (mem.c): false for a command that is not one of them. */
bool mem_command(uint64_t cmd, const uint64_t *a, uint64_t *out);

#endif
