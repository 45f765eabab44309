/*
 * Test-and-set spinlock built on compiler atomics (LDAXR/STXR or SWPA on
 * AArch64; plain atomics on the host). Lock order across tzvisor is written
 * once, in core/lock_order.h.
 */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdint.h>

#include "arch/arch.h"

struct spinlock {
	uint32_t locked;
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void sl_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1U, __ATOMIC_ACQUIRE) != 0U) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0U) {
			arch_cpu_relax();
		}
	}
}

static inline void sl_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0U, __ATOMIC_RELEASE);
}

#endif /* CORE_SPINLOCK_H */
