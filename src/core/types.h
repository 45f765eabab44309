/* Basic types shared by tzvisor's core: typed addresses and size helpers. */
#ifndef CORE_TYPES_H
#define CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE ((size_t)1 << PAGE_SHIFT)
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (__typeof__(x))(a)-1, (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) ((uint64_t)1 << (n))
#define UNUSED(x) ((void)(x))
/*
 * Static memory that boot does not zero (spmc.ld: .noinit), for memory whose
 * users initialise it before use: page pools (palloc zeroes the pages it
 * hands out). Zeroing them cost more instructions than the rest of boot.
 */
#define NOINIT __attribute__((section(".bss.noinit")))

/*
 * Typed addresses, as in Hafnium: a physical address cannot be passed where a
 * virtual address (or, later, an intermediate physical address) is meant.
 */
typedef struct {
	uintptr_t pa;
} paddr_t;
typedef struct {
	uintptr_t va;
} vaddr_t;

static inline paddr_t pa_init(uintptr_t a)
{
	return (paddr_t){a};
}
static inline uintptr_t pa_addr(paddr_t a)
{
	return a.pa;
}
static inline vaddr_t va_init(uintptr_t a)
{
	return (vaddr_t){a};
}
static inline uintptr_t va_addr(vaddr_t a)
{
	return a.va;
}

/* Overflow-safe range end: false when base + size wraps. */
static inline bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	return !__builtin_add_overflow(base, size, end);
}

#endif /* CORE_TYPES_H */
