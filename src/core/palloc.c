#include "core/palloc.h"

#include <stdbool.h>
#include <string.h>

#include "core/panic.h"
#include "core/types.h"

int palloc_init(struct palloc *p, uintptr_t base, size_t pages)
{
	if (!IS_ALIGNED(base, PAGE_SIZE) || pages == 0 || pages > PALLOC_MAX_PAGES) {
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->base = base;
	p->pages = pages;
	return 0;
}

void *palloc_alloc(struct palloc *p)
{
	void *page = NULL;

	sl_lock(&p->lock);
	for (size_t n = 0; n < p->pages; n++) {
		size_t i = (p->next + n) % p->pages;
		uint64_t bit = BIT(i % 64);
		if ((p->bitmap[i / 64] & bit) == 0) {
			p->bitmap[i / 64] |= bit;
			p->used++;
			p->peak = p->used > p->peak ? p->used : p->peak;
			p->next = i + 1;
			page = (void *)(p->base + i * PAGE_SIZE);
			break;
		}
	}
	sl_unlock(&p->lock);
	if (page != NULL) {
		memset(page, 0, PAGE_SIZE);
	}
	return page;
}

void palloc_free(struct palloc *p, void *page)
{
	uintptr_t a = (uintptr_t)page;

	CHECK(a >= p->base && IS_ALIGNED(a - p->base, PAGE_SIZE));
	size_t i = (a - p->base) / PAGE_SIZE;
	CHECK(i < p->pages);
	sl_lock(&p->lock);
	CHECK((p->bitmap[i / 64] & BIT(i % 64)) != 0);
	p->bitmap[i / 64] &= ~BIT(i % 64);
	p->used--;
	sl_unlock(&p->lock);
}

size_t palloc_peak(struct palloc *p)
{
	sl_lock(&p->lock);
	size_t peak = p->peak;
	sl_unlock(&p->lock);
	return peak;
}

size_t palloc_used(struct palloc *p)
{
	sl_lock(&p->lock);
	size_t used = p->used;
	sl_unlock(&p->lock);
	return used;
}

uintptr_t palloc_take_top(struct palloc *p, size_t n)
{
	uintptr_t base = 0;

	sl_lock(&p->lock);
	if (n > 0 && n < p->pages) {
		size_t first = p->pages - n;
		bool free = true;
		for (size_t i = first; i < p->pages && free; i++) {
			free = (p->bitmap[i / 64] & BIT(i % 64)) == 0;
		}
		if (free) {
			p->pages = first;
			p->next = p->next >= first ? 0 : p->next;
			base = p->base + first * PAGE_SIZE;
		}
	}
	sl_unlock(&p->lock);
	return base;
}
