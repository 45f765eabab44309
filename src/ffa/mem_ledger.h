/*
 * The memory ledger: who owns which memory, and which memory is in a
 * memory transaction (FF-A v1.2 chapter 11), as disjoint page intervals
 * sorted by address. Memory without an entry belongs to its default owner
 * (the role says who: the normal world for non-secure RAM, a partition for
 * its own memory, nobody for anything else) and is in no transaction. An
 * entry exists while its pages are in a transaction (txn set) or, after a
 * donation, belong to someone other than their default owner or to it with
 * other attributes (owner set, txn MEM_NO_TXN).
 *
 * Operations rebuild the array in one merge pass into a scratch array of
 * the same size (O(entries + ranges)); one that would overflow it changes
 * nothing and reports NO_MEMORY. The role-independent memory-sharing code
 * (mem_share.c) is its only user and holds its lock.
 */
#ifndef FFA_MEM_LEDGER_H
#define FFA_MEM_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "ffa/mem_desc.h"

#define MEM_NO_TXN 0xFFFFU
#define MEM_OWNER_NONE 0xFFFFU /* nobody may give it (not RAM, tzvisor's own) */
#define MEM_OWNER_NWD 0xFFFEU /* the normal world (any of its endpoints) */
/*
 * In a transaction, and its default owner's before it: the transaction's
 * end takes the entry away. (Asking the role again then would be wrong:
 * adjacent pieces merge into one entry, and a range over two pieces of
 * memory has no single default owner.)
 */
#define MEM_OWNER_DEFAULT 0xFFFDU

struct mem_span {
	uint32_t first, end; /* page frame numbers, [first, end) */
	uint16_t owner;
	uint16_t txn;
	uint8_t attrs; /* the owner's mapping (MM_W, MM_X) when it is not the default owner */
};

struct mem_ledger {
	struct mem_span *spans;
	struct mem_span *scratch;
	uint32_t count;
	uint32_t max;
};

/* A range as page frames: [first, end). */
struct mem_pfns {
	uint32_t first, end;
};

/* Does `owner` (a ledger or default owner) stand for endpoint `id`? */
static inline bool mem_owner_is(uint16_t owner, ffa_id_t id)
{
	return owner == id || (owner == MEM_OWNER_NWD && !ffa_id_is_secure(id));
}

void mem_ledger_init(struct mem_ledger *l, struct mem_span *spans, struct mem_span *scratch,
		     uint32_t max);

/*
 * May `giver` give all of r[0, n) (sorted, disjoint)? Every page must be
 * its own and in no transaction: DENIED otherwise. The attributes it holds
 * the memory with, when the same over each range, go to attrs[i] (the
 * default owner's from the role, or a donation's); DENIED when a range
 * mixes memory of different kinds.
 */
int mem_ledger_check(const struct mem_ledger *l, const struct mem_pfns *r, uint32_t n,
		     ffa_id_t giver, uint8_t *attrs);

/* Puts r[0, n) (checked) into transaction txn. 0, or NO_MEMORY and nothing changed. */
int mem_ledger_claim(struct mem_ledger *l, const struct mem_pfns *r, uint32_t n, uint16_t txn);

/* Takes transaction txn's pages out of it: back to their owner. */
void mem_ledger_release(struct mem_ledger *l, uint16_t txn);

/* A donation completes: txn's pages now belong to new_owner, mapped with `attrs`. */
void mem_ledger_transfer(struct mem_ledger *l, uint16_t txn, ffa_id_t new_owner, uint8_t attrs);

/* Does `id` own all of [first, end) outside any transaction? */
bool mem_ledger_owned(const struct mem_ledger *l, struct mem_pfns r, ffa_id_t id);

/*
 * The role's part (src/spmc/mem.c; a fake in host tests): who owns
 * [first, end) by default, the same owner for all of it or MEM_OWNER_NONE,
 * and with which attributes (MM_W, MM_X) it is mapped for that owner.
 */
uint16_t mem_role_default_owner(uint32_t first, uint32_t end, uint8_t *attrs);

#endif /* FFA_MEM_LEDGER_H */
