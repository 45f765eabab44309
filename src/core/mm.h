/*
 * Translation tables for AArch64 VMSAv8-64 with the 4 KiB granule, for both
 * stage 1 (tzvisor's own EL2 mappings) and stage 2 (partitions and guests).
 * In the spirit of TF-A's xlat_tables_v2: an opaque context, attributes as
 * composable bits, documented error returns. Tables are identity-addressed
 * (table PA == VA in tzvisor's own map), which holds for tzvisor and for the
 * host tests alike.
 */
#ifndef CORE_MM_H
#define CORE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/palloc.h"

/* Attributes (combine with |). Memory is readable whenever it is mapped. */
#define MM_R 0x0U
#define MM_W 0x1U /* writable */
#define MM_X 0x2U /* executable */
#define MM_DEVICE 0x4U /* Device-nGnRnE (else normal write-back cacheable) */
#define MM_NC 0x8U /* normal non-cacheable */
#define MM_NS 0x10U /* non-secure PA space (stage 1 from the secure world) */
#define MM_USER 0x20U /* EL0 may access it (MM_STAGE1_EL1 only) */

#define MM_RW (MM_R | MM_W)
#define MM_RX (MM_R | MM_X)

/* MAIR_EL2 indices this library encodes; the arch layer programs MAIR to match. */
#define MM_MAIR_DEVICE_IDX 0U
#define MM_MAIR_NORMAL_IDX 1U
#define MM_MAIR_NC_IDX 2U
#define MM_MAIR_VALUE 0x44FF00ULL /* idx0 0x00, idx1 0xFF, idx2 0x44 */

/*
 * MM_STAGE1: the EL2 regime (one privilege level). MM_STAGE1_EL1: the EL1&0
 * regime tzvisor builds for S-EL0 partitions (EL0 access, UXN/PXN).
 * MM_STAGE2: a partition's or guest's IPA space.
 */
enum mm_stage { MM_STAGE1, MM_STAGE2, MM_STAGE1_EL1 };

/* Errors: negative; 0 is success. */
enum mm_err {
	MM_OK = 0,
	MM_EINVAL = -1, /* unaligned address or size, zero size, range wraps or is out of the VA
			   space */
	MM_ENOMEM = -2, /* the page allocator ran dry; the tables may hold part of the range */
};

struct mm_ptable {
	enum mm_stage stage;
	unsigned int va_bits; /* 32..48 */
	unsigned int start_level;
	uint64_t *root;
	struct palloc *alloc;
	/*
	 * Called after a live entry is invalidated (break-before-make), with the
	 * whole range the entry translated: a removed table covers every page
	 * below it. May be NULL.
	 */
	void (*tlb_inval)(const struct mm_ptable *pt, uint64_t va, uint64_t size);
	uintptr_t tlb_ctx; /* for the hook: e.g. the VTTBR_EL2 of a stage-2 table's owner */
};

int mm_init(struct mm_ptable *pt, enum mm_stage stage, unsigned int va_bits, struct palloc *alloc);
/* Maps [va, va+size) to [pa, pa+size), page-aligned; replaces existing mappings. */
int mm_map(struct mm_ptable *pt, uint64_t va, uint64_t pa, uint64_t size, unsigned int attrs);
/*
 * Unmaps [va, va+size). Tables it empties whole (an aligned block-sized
 * range) are freed; a table left with no valid entry by a smaller unmap
 * stays, so that mapping the range again as it was needs no table page.
 */
int mm_unmap(struct mm_ptable *pt, uint64_t va, uint64_t size);
/*
 * Splits any block mapping that straddles an edge of [va, va+size) by
 * mapping its first and last page again as they are (same PA, same
 * attributes): afterwards unmapping the range needs no table page. MM_OK,
 * or MM_ENOMEM with the mapping unchanged in meaning.
 */
int mm_split_edges(struct mm_ptable *pt, uint64_t va, uint64_t size);
/*
 * Frees every table below the root that has no valid entry and translates
 * only addresses in [va, va+size) (break-before-make on the entry that
 * pointed to it); returns how many table pages it freed, or MM_EINVAL.
 * For mappings that come and go all over an address space (borrowed
 * memory), whose emptied tables would otherwise stay until the pool is dry.
 */
int mm_prune(struct mm_ptable *pt, uint64_t va, uint64_t size);
/* Walks the table: true and *pa, *attrs, *level for a mapped address. */
bool mm_lookup(const struct mm_ptable *pt, uint64_t va, uint64_t *pa, unsigned int *attrs,
	       unsigned int *level);
/* Frees every table page, including the root. */
void mm_destroy(struct mm_ptable *pt);

/* Descriptor encoding, exposed for tests: attributes to the lower/upper bits of a leaf. */
uint64_t mm_leaf_attrs(enum mm_stage stage, unsigned int attrs);

#endif /* CORE_MM_H */
