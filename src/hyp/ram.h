/*
 * Physical RAM for guests: the memory the DTB describes, less what is
 * reserved (tzvisor's image, the images QEMU loaded for the VMs). VMs get
 * aligned blocks from the top down, so that stage 2 can use block mappings.
 */
#ifndef HYP_RAM_H
#define HYP_RAM_H

#include <stdbool.h>
#include <stdint.h>

#define RAM_MAX_RANGES 16U

struct ram_range {
	uint64_t base, end;
};

struct ram {
	struct ram_range free[RAM_MAX_RANGES]; /* disjoint, unordered */
	unsigned int count;
};

void ram_init(struct ram *r);
/* Adds [base, base+size) as free memory; false if the table is full or the range wraps. */
bool ram_add(struct ram *r, uint64_t base, uint64_t size);
/* Removes [base, base+size) from the free memory; false if the table would overflow. */
bool ram_reserve(struct ram *r, uint64_t base, uint64_t size);
/* Takes `size` bytes aligned to `align` (a power of two), highest first; false if none. */
bool ram_alloc(struct ram *r, uint64_t size, uint64_t align, uint64_t *pa);
uint64_t ram_free_bytes(const struct ram *r);

#endif
