/* Guest RAM carving (see ram.h). */
#include "hyp/ram.h"

#include "core/types.h"

void ram_init(struct ram *r)
{
	r->count = 0;
}

bool ram_add(struct ram *r, uint64_t base, uint64_t size)
{
	uint64_t end;

	if (size == 0 || !range_end(base, size, &end) || r->count == RAM_MAX_RANGES) {
		return false;
	}
	r->free[r->count++] = (struct ram_range){base, end};
	return true;
}

static void drop(struct ram *r, unsigned int i)
{
	r->free[i] = r->free[--r->count];
}

bool ram_reserve(struct ram *r, uint64_t base, uint64_t size)
{
	uint64_t end;

	if (size == 0) {
		return true;
	}
	if (!range_end(base, size, &end)) {
		end = UINT64_MAX;
	}
	for (unsigned int i = 0; i < r->count;) {
		struct ram_range f = r->free[i];
		if (end <= f.base || base >= f.end) {
			i++;
			continue;
		}
		bool low = f.base < base, high = end < f.end;
		if (low && high) {
			if (r->count == RAM_MAX_RANGES) {
				return false;
			}
			r->free[i].end = base;
			r->free[r->count++] = (struct ram_range){end, f.end};
			i++;
		} else if (low) {
			r->free[i++].end = base;
		} else if (high) {
			r->free[i++].base = end;
		} else {
			drop(r, i); /* i now holds another range: look at it */
		}
	}
	return true;
}

bool ram_alloc(struct ram *r, uint64_t size, uint64_t align, uint64_t *pa)
{
	int best = -1;
	uint64_t best_pa = 0;

	if (size == 0 || align == 0 || (align & (align - 1)) != 0) {
		return false;
	}
	for (unsigned int i = 0; i < r->count; i++) {
		const struct ram_range *f = &r->free[i];
		if (f->end - f->base < size) {
			continue;
		}
		uint64_t a = ALIGN_DOWN(f->end - size, align);
		if (a >= f->base && (best < 0 || a > best_pa)) {
			best = (int)i;
			best_pa = a;
		}
	}
	if (best < 0) {
		return false;
	}
	*pa = best_pa;
	return ram_reserve(r, best_pa, size);
}

uint64_t ram_free_bytes(const struct ram *r)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < r->count; i++) {
		n += r->free[i].end - r->free[i].base;
	}
	return n;
}
