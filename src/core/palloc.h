/*
 * A page allocator for tzvisor's own tables: a fixed pool of 4 KiB pages and
 * a bitmap. Pages come back zeroed. Thread-safe (palloc.lock, see lock_order.h).
 */
#ifndef CORE_PALLOC_H
#define CORE_PALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/spinlock.h"

#define PALLOC_MAX_PAGES 1024U

struct palloc {
	struct spinlock lock;
	uintptr_t base; /* page-aligned */
	size_t pages;
	size_t used;
	size_t peak; /* the most pages ever used at once */
	size_t next; /* where the next search starts */
	uint64_t bitmap[PALLOC_MAX_PAGES / 64];
};

/* Returns 0, or -1 if base is unaligned or pages is 0 or too many. */
int palloc_init(struct palloc *p, uintptr_t base, size_t pages);
void *palloc_alloc(struct palloc *p);
/* Frees a page that palloc_alloc returned; anything else is a bug (CHECK). */
void palloc_free(struct palloc *p, void *page);
size_t palloc_used(struct palloc *p);
size_t palloc_peak(struct palloc *p);
/*
 * Takes the top `n` pages of the pool out of it for good (boot-time
 * carving: memory sized from what the manifests ask for): their address,
 * or 0 if any of them is in use or the pool would be left empty. Not zeroed
 * (a page pool built on them zeroes each page it hands out).
 */
uintptr_t palloc_take_top(struct palloc *p, size_t n);

#endif /* CORE_PALLOC_H */
