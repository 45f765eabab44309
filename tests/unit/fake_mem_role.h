/*
 * What the memory-sharing tests' fake roles (test_mem_share.c, fuzz_mem.c)
 * share: a table of who owns which piece of secure memory, with its
 * attributes, and the lookup mem_role_default_owner makes in it.
 */
#ifndef TESTS_FAKE_MEM_ROLE_H
#define TESTS_FAKE_MEM_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/ffa.h"

struct mem_piece {
	uint64_t base, end;
	ffa_id_t owner;
	uint8_t attrs;
};

/* The piece that holds all of [base, limit): its owner and attributes; false if none. */
static inline bool mem_piece_find(const struct mem_piece *p, size_t n, uint64_t base,
				  uint64_t limit, ffa_id_t *owner, uint8_t *attrs)
{
	for (size_t i = 0; i < n; i++) {
		if (base >= p[i].base && limit <= p[i].end) {
			*owner = p[i].owner;
			*attrs = p[i].attrs;
			return true;
		}
	}
	return false;
}

#endif
