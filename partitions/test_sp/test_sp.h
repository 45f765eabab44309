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

/* Interrupts (irq.c): its commands, set-up at each context's start, FFA_INTERRUPT's wake-up. */
#ifdef SP_VM
/* A partition VM of the hypervisor's emulated SPMC has no interrupts of its own (irq.c). */
static inline bool irq_command(uint64_t cmd, const uint64_t *a, uint64_t *out)
{
	(void)cmd, (void)a, (void)out;
	return false;
}
static inline void irq_boot(void)
{
}
static inline void irq_woken(uint64_t id)
{
	(void)id;
}
static inline void irq_call_answer(struct ffa_value *v, uint16_t target)
{
	(void)v, (void)target;
}
#else
bool irq_command(uint64_t cmd, const uint64_t *a, uint64_t *out);
void irq_boot(void);
void irq_woken(uint64_t id);
/*
 * A direct request it sent to target came back FFA_INTERRUPT (its own
 * interrupt while the callee ran, taken as a vIRQ by now): FFA_RUN resumes
 * the callee (context 0: a UP partition) until its answer is in *v.
 */
void irq_call_answer(struct ffa_value *v, uint16_t target);
#endif

#endif
