/* Guest addresses in memory descriptors (see ffa_xlate.h). */
#include "hyp/ffa_xlate.h"

#include "core/types.h"

/* Little-endian 64-bit field of a (possibly misaligned) descriptor. */
static uint64_t ld64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

static void st64(uint8_t *p, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

int ffa_xlate_to_pa(const struct ffa_xlate *x, uint64_t ipa, uint64_t pages, uint64_t *pa)
{
	uint64_t size = pages * FFA_MEM_PAGE_SIZE, end;

	if (pages == 0 || pages > UINT32_MAX || !range_end(ipa, size, &end)) {
		return FFA_DENIED;
	}
	if (ipa >= x->ram_ipa && end <= x->ram_ipa + x->ram_size) {
		*pa = ipa - x->ram_ipa + x->ram_pa;
		return 0;
	}
	if (x->window && ipa >= HYP_FFA_WINDOW && end <= HYP_FFA_WINDOW + HYP_FFA_WINDOW_PA_LIMIT) {
		*pa = ipa - HYP_FFA_WINDOW;
		return 0;
	}
	return FFA_DENIED;
}

int ffa_xlate_send(const struct ffa_xlate *x, uint8_t *buf, uint32_t len, bool first,
		   uint32_t version, ffa_id_t sender, struct ffa_mem_txn *t,
		   struct ffa_mem_range *out, uint32_t max, uint32_t *n, uint64_t *pages)
{
	uint32_t at = 0;
	int err;

	*n = 0;
	if (first) {
		err = ffa_mem_desc_parse_head(buf, len, version, t);
		if (err != 0) {
			return err;
		}
		if (t->sender != sender) {
			return FFA_DENIED; /* only as itself */
		}
		at = t->ranges_offset;
	}
	if (at > len || (len - at) % FFA_MEM_CONSTITUENT_SIZE != 0) {
		return FFA_INVALID_PARAMETERS;
	}
	uint32_t count = (len - at) / FFA_MEM_CONSTITUENT_SIZE;
	if (count > max) {
		return FFA_NO_MEMORY;
	}
	err = ffa_mem_desc_parse_ranges(buf + at, len - at, out, pages);
	if (err != 0) {
		return err;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint64_t pa;
		err = ffa_xlate_to_pa(x, out[i].base, out[i].pages, &pa);
		if (err != 0) {
			return err;
		}
		out[i].base = pa;
		st64(buf + at + i * FFA_MEM_CONSTITUENT_SIZE, pa);
	}
	*n = count;
	return 0;
}

void ffa_xlate_to_window(uint8_t *buf, uint32_t from, uint32_t len)
{
	for (uint32_t at = from; at + FFA_MEM_CONSTITUENT_SIZE <= len;
	     at += FFA_MEM_CONSTITUENT_SIZE) {
		st64(buf + at, ld64(buf + at) + HYP_FFA_WINDOW);
	}
}
