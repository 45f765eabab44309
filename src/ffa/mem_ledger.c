/* The memory ledger (see mem_ledger.h). */
#include "ffa/mem_ledger.h"

#include "core/panic.h"

void mem_ledger_init(struct mem_ledger *l, struct mem_span *spans, struct mem_span *scratch,
		     uint32_t max)
{
	l->spans = spans;
	l->scratch = scratch;
	l->count = 0;
	l->max = max;
}

/* The first span that ends after pfn (spans are sorted and disjoint). */
static uint32_t first_after(const struct mem_ledger *l, uint32_t pfn)
{
	uint32_t lo = 0, hi = l->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->spans[mid].end <= pfn) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* Folds one more piece's attributes into a range's: the same all along, or a mismatch. */
static bool same_attrs(bool *seen, uint8_t *attrs, uint8_t piece)
{
	if (*seen && *attrs != piece) {
		return false;
	}
	*seen = true;
	*attrs = piece;
	return true;
}

int mem_ledger_check(const struct mem_ledger *l, const struct mem_pfns *r, uint32_t n,
		     ffa_id_t giver, uint8_t *attrs)
{
	for (uint32_t k = 0; k < n; k++) {
		uint32_t pos = r[k].first, i = first_after(l, pos);
		bool seen = false;
		uint8_t a;

		while (pos < r[k].end) {
			const struct mem_span *s = i < l->count ? &l->spans[i] : NULL;
			if (s != NULL && s->first <= pos) {
				/* Covered by an entry: its owner's, in no transaction. */
				if (s->txn != MEM_NO_TXN || !mem_owner_is(s->owner, giver) ||
				    !same_attrs(&seen, &attrs[k], s->attrs)) {
					return FFA_DENIED;
				}
				pos = s->end;
				i++;
				continue;
			}
			/* A gap up to the next entry: the default owner's. */
			uint32_t gap_end = s != NULL && s->first < r[k].end ? s->first : r[k].end;
			if (!mem_owner_is(mem_role_default_owner(pos, gap_end, &a), giver) ||
			    !same_attrs(&seen, &attrs[k], a)) {
				return FFA_DENIED;
			}
			pos = gap_end;
		}
	}
	return 0;
}

/* Appends a span to the scratch array, merged with the previous one when they continue. */
static bool emit(struct mem_ledger *l, uint32_t *k, struct mem_span s)
{
	if (s.first == s.end) {
		return true;
	}
	if (*k > 0) {
		struct mem_span *p = &l->scratch[*k - 1];
		if (p->end == s.first && p->owner == s.owner && p->txn == s.txn &&
		    p->attrs == s.attrs) {
			p->end = s.end;
			return true;
		}
	}
	if (*k == l->max) {
		return false;
	}
	l->scratch[(*k)++] = s;
	return true;
}

static void commit(struct mem_ledger *l, uint32_t k)
{
	struct mem_span *t = l->spans;

	l->spans = l->scratch;
	l->scratch = t;
	l->count = k;
}

int mem_ledger_claim(struct mem_ledger *l, const struct mem_pfns *r, uint32_t n, uint16_t txn)
{
	uint32_t i = 0, j = 0, k = 0;
	struct mem_span s = {0};
	struct mem_pfns c = {0};
	bool have_s = l->count > 0, have_c = n > 0, ok = true;

	if (have_s) {
		s = l->spans[0];
	}
	if (have_c) {
		c = r[0];
	}
	/* Merge existing spans (s) with the claimed ranges (c), cutting where they meet. */
	while (ok && (have_s || have_c)) {
		struct mem_span out;
		if (have_s && (!have_c || s.end <= c.first)) {
			out = s; /* untouched */
			s.first = s.end;
		} else if (have_c && (!have_s || c.end <= s.first)) {
			out = (struct mem_span){c.first, c.end, MEM_OWNER_DEFAULT, txn, 0};
			c.first = c.end;
		} else if (s.first < c.first) {
			out = s;
			out.end = c.first;
			s.first = c.first;
		} else if (c.first < s.first) {
			out = (struct mem_span){c.first, s.first, MEM_OWNER_DEFAULT, txn, 0};
			c.first = s.first;
		} else {
			uint32_t e = s.end < c.end ? s.end : c.end;
			out = s;
			out.end = e;
			out.txn = txn;
			s.first = e;
			c.first = e;
		}
		ok = emit(l, &k, out);
		if (have_s && s.first == s.end && (have_s = ++i < l->count)) {
			s = l->spans[i];
		}
		if (have_c && c.first == c.end && (have_c = ++j < n)) {
			c = r[j];
		}
	}
	if (!ok) {
		return FFA_NO_MEMORY;
	}
	commit(l, k);
	return 0;
}

/* Takes txn's spans out of it (to new_owner when transferring), dropping what needs no entry. */
static void rewrite(struct mem_ledger *l, uint16_t txn, uint16_t new_owner, uint8_t attrs,
		    bool transfer)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < l->count; i++) {
		struct mem_span s = l->spans[i];
		if (s.txn == txn) {
			s.txn = MEM_NO_TXN;
			if (transfer) {
				s.owner = new_owner;
				s.attrs = attrs;
				uint8_t a = 0;
				if (mem_role_default_owner(s.first, s.end, &a) == new_owner &&
				    a == attrs) {
					continue; /* back with its default owner, as it was */
				}
			} else if (s.owner == MEM_OWNER_DEFAULT) {
				continue; /* its default owner's again */
			}
		}
		/* Merging only shrinks the array: emit cannot run out here. */
		CHECK(emit(l, &k, s));
	}
	commit(l, k);
}

void mem_ledger_release(struct mem_ledger *l, uint16_t txn)
{
	rewrite(l, txn, 0, 0, false);
}

void mem_ledger_transfer(struct mem_ledger *l, uint16_t txn, ffa_id_t new_owner, uint8_t attrs)
{
	rewrite(l, txn, new_owner, attrs, true);
}

bool mem_ledger_owned(const struct mem_ledger *l, struct mem_pfns r, ffa_id_t id)
{
	uint8_t attrs;

	return mem_ledger_check(l, &r, 1, id, &attrs) == 0;
}
