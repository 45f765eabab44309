/*
 * VMSAv8-64 translation tables, 4 KiB granule (Arm ARM D8.3). Blocks are used
 * at levels 1 and 2 whenever the range and the output address allow;
 * a block that is only partly remapped is split into the next level first.
 * Replacing a live entry goes through break-before-make (D8.14.1): write
 * invalid, invalidate the TLB (pt->tlb_inval), then write the new entry.
 */
#include "core/mm.h"

#include "core/panic.h"
#include "core/types.h"

#define DESC_VALID 0x1ULL
#define DESC_TABLE 0x3ULL /* table at levels 0-2, page at level 3 */
#define DESC_BLOCK 0x1ULL
#define DESC_TYPE_MASK 0x3ULL
#define DESC_OA_MASK 0x0000FFFFFFFFF000ULL
#define ENTRIES 512U

/* Stage 1 leaf fields (D8.3.2). */
#define S1_ATTRIDX(i) ((uint64_t)(i) << 2)
#define S1_ATTRIDX_MASK (0x7ULL << 2)
#define S1_NS BIT(5)
#define S1_AP_RES1 BIT(6) /* AP[1]: RES1 in regimes with one privilege level (EL2, EL3) */
#define S1_AP_EL0 BIT(6) /* AP[1] in the EL1&0 regime: EL0 has access */
#define S1_PXN BIT(53) /* EL1&0 regime: no execution at EL1 */
#define S1_AP_RO BIT(7)
#define S1_SH_INNER (0x3ULL << 8)
#define S1_SH_OUTER (0x2ULL << 8)
#define S1_AF BIT(10)
#define S1_XN BIT(54)

/* Stage 2 leaf fields (D8.3.3). The IPA space (secure or not) is chosen by
 * which root register holds the table, so MM_NS has no stage-2 encoding. */
#define S2_MEMATTR_DEVICE (0x0ULL << 2)
#define S2_MEMATTR_NC (0x5ULL << 2)
#define S2_MEMATTR_NORMAL (0xFULL << 2)
#define S2_MEMATTR_MASK (0xFULL << 2)
#define S2AP_R BIT(6)
#define S2AP_W BIT(7)
#define S2_SH_INNER (0x3ULL << 8)
#define S2_AF BIT(10)
#define S2_XN BIT(54)

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + 9U * (3U - level);
}

uint64_t mm_leaf_attrs(enum mm_stage stage, unsigned int attrs)
{
	uint64_t d;
	bool exec = (attrs & MM_X) != 0 && (attrs & MM_DEVICE) == 0;

	if (stage == MM_STAGE1 || stage == MM_STAGE1_EL1) {
		bool el1 = stage == MM_STAGE1_EL1;
		bool user = el1 && (attrs & MM_USER) != 0;
		d = S1_AF | (el1 ? (user ? S1_AP_EL0 : 0) : S1_AP_RES1);
		if ((attrs & MM_DEVICE) != 0) {
			d |= S1_ATTRIDX(MM_MAIR_DEVICE_IDX) | S1_SH_OUTER;
		} else if ((attrs & MM_NC) != 0) {
			d |= S1_ATTRIDX(MM_MAIR_NC_IDX) | S1_SH_OUTER;
		} else {
			d |= S1_ATTRIDX(MM_MAIR_NORMAL_IDX) | S1_SH_INNER;
		}
		if ((attrs & MM_W) == 0) {
			d |= S1_AP_RO;
		}
		if ((attrs & MM_NS) != 0) {
			d |= S1_NS;
		}
		/* EL2: XN. EL1&0: XN is UXN; code runs at EL0 or EL1, never both. */
		if (!exec || (el1 && !user)) {
			d |= S1_XN;
		}
		if (el1 && (!exec || user)) {
			d |= S1_PXN;
		}
	} else {
		d = S2_AF | S2AP_R;
		if ((attrs & MM_DEVICE) != 0) {
			d |= S2_MEMATTR_DEVICE;
		} else if ((attrs & MM_NC) != 0) {
			d |= S2_MEMATTR_NC | S2_SH_INNER;
		} else {
			d |= S2_MEMATTR_NORMAL | S2_SH_INNER;
		}
		if ((attrs & MM_W) != 0) {
			d |= S2AP_W;
		}
		if (!exec) {
			d |= S2_XN;
		}
	}
	return d;
}

static unsigned int attrs_from_leaf(enum mm_stage stage, uint64_t d)
{
	unsigned int a = MM_R;

	if (stage == MM_STAGE1 || stage == MM_STAGE1_EL1) {
		bool el1 = stage == MM_STAGE1_EL1;
		uint64_t idx = (d & S1_ATTRIDX_MASK) >> 2;
		a |= idx == MM_MAIR_DEVICE_IDX ? MM_DEVICE : idx == MM_MAIR_NC_IDX ? MM_NC : 0U;
		a |= (d & S1_AP_RO) == 0 ? MM_W : 0U;
		a |= (d & S1_NS) != 0 ? MM_NS : 0U;
		if (el1) {
			a |= (d & S1_AP_EL0) != 0 ? MM_USER : 0U;
			a |= (d & S1_XN) == 0 || (d & S1_PXN) == 0 ? MM_X : 0U;
		} else {
			a |= (d & S1_XN) == 0 ? MM_X : 0U;
		}
	} else {
		uint64_t m = d & S2_MEMATTR_MASK;
		a |= m == S2_MEMATTR_DEVICE ? MM_DEVICE : m == S2_MEMATTR_NC ? MM_NC : 0U;
		a |= (d & S2AP_W) != 0 ? MM_W : 0U;
		a |= (d & S2_XN) == 0 ? MM_X : 0U;
	}
	return a;
}

static uint64_t *table_of(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & DESC_OA_MASK);
}

static bool is_table(uint64_t desc, unsigned int level)
{
	return level < 3 && (desc & DESC_TYPE_MASK) == DESC_TABLE;
}

int mm_init(struct mm_ptable *pt, enum mm_stage stage, unsigned int va_bits, struct palloc *alloc)
{
	if (va_bits < 32 || va_bits > 48) {
		return MM_EINVAL;
	}
	unsigned int levels = (va_bits - PAGE_SHIFT + 8U) / 9U;
	pt->stage = stage;
	pt->va_bits = va_bits;
	pt->start_level = 4U - levels;
	pt->alloc = alloc;
	pt->tlb_inval = NULL;
	pt->tlb_ctx = 0;
	pt->root = palloc_alloc(alloc);
	return pt->root != NULL ? MM_OK : MM_ENOMEM;
}

static void free_table(struct mm_ptable *pt, uint64_t *table, unsigned int level)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		if (is_table(table[i], level)) {
			free_table(pt, table_of(table[i]), level + 1);
		}
	}
	palloc_free(pt->alloc, table);
}

/* Writes a new value into a possibly live entry, with break-before-make. */
static void set_entry(struct mm_ptable *pt, uint64_t *e, unsigned int level, uint64_t va,
		      uint64_t new)
{
	uint64_t old = *e;
	uint64_t size = (uint64_t)1 << level_shift(level);

	if (old == new) {
		return;
	}
	if ((old & DESC_VALID) != 0) {
		__atomic_store_n(e, 0, __ATOMIC_RELEASE);
		if (pt->tlb_inval != NULL) {
			pt->tlb_inval(pt, ALIGN_DOWN(va, size), size);
		}
		if (is_table(old, level)) {
			free_table(pt, table_of(old), level + 1);
		}
	}
	__atomic_store_n(e, new, __ATOMIC_RELEASE);
}

/*
 * Returns the next-level table behind *e, creating it if the entry is
 * invalid, or splitting the block it holds. NULL when out of pages.
 */
static uint64_t *subtable(struct mm_ptable *pt, uint64_t *e, unsigned int level, uint64_t va)
{
	uint64_t old = *e;

	if (is_table(old, level)) {
		return table_of(old);
	}
	uint64_t *t = palloc_alloc(pt->alloc);
	if (t == NULL) {
		return NULL;
	}
	if ((old & DESC_VALID) != 0) {
		/* Split a block: same attributes, next level's granularity. */
		uint64_t attrs = old & ~DESC_OA_MASK & ~DESC_TYPE_MASK;
		uint64_t type = level + 1 == 3 ? DESC_TABLE : DESC_BLOCK;
		uint64_t step = (uint64_t)1 << level_shift(level + 1);
		for (unsigned int i = 0; i < ENTRIES; i++) {
			t[i] = ((old & DESC_OA_MASK) + i * step) | attrs | type;
		}
	}
	set_entry(pt, e, level, va, (uint64_t)(uintptr_t)t | DESC_TABLE);
	return t;
}

static int walk_map(struct mm_ptable *pt, uint64_t *table, unsigned int level, uint64_t va,
		    uint64_t end, uint64_t pa, uint64_t leaf, bool unmap)
{
	unsigned int shift = level_shift(level);
	uint64_t size = (uint64_t)1 << shift;

	while (va < end) {
		uint64_t *e = &table[(va >> shift) & (ENTRIES - 1)];
		uint64_t chunk_end = ALIGN_DOWN(va, size) + size;
		if (chunk_end > end) {
			chunk_end = end;
		}
		bool whole = IS_ALIGNED(va, size) && chunk_end - va == size;

		if (whole && (unmap || level == 3 || (level >= 1 && IS_ALIGNED(pa, size)))) {
			uint64_t type = level == 3 ? DESC_TABLE : DESC_BLOCK;
			set_entry(pt, e, level, va, unmap ? 0 : (pa | leaf | type));
		} else if (!(unmap && (*e & DESC_VALID) == 0)) {
			uint64_t *t = subtable(pt, e, level, va);
			if (t == NULL) {
				return MM_ENOMEM;
			}
			int rc = walk_map(pt, t, level + 1, va, chunk_end, pa, leaf, unmap);
			if (rc != MM_OK) {
				return rc;
			}
		}
		pa += chunk_end - va;
		va = chunk_end;
	}
	return MM_OK;
}

static bool table_empty(const uint64_t *table)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		if ((table[i] & DESC_VALID) != 0) {
			return false;
		}
	}
	return true;
}

/* Frees the tables below `table` with no valid entry that lie wholly in [va, end). */
static unsigned int prune(struct mm_ptable *pt, uint64_t *table, unsigned int level, uint64_t va,
			  uint64_t end)
{
	uint64_t size = (uint64_t)1 << level_shift(level);
	unsigned int freed = 0;

	while (va < end) {
		uint64_t *e = &table[(va >> level_shift(level)) & (ENTRIES - 1)];
		uint64_t block = ALIGN_DOWN(va, size);
		uint64_t chunk_end = end - block > size ? block + size : end;

		if (is_table(*e, level)) {
			uint64_t *t = table_of(*e);
			freed += prune(pt, t, level + 1, va, chunk_end);
			if (va == block && chunk_end - block == size && table_empty(t)) {
				set_entry(pt, e, level, block,
					  0); /* break-before-make, then freed */
				freed++;
			}
		}
		va = chunk_end;
	}
	return freed;
}

static bool range_ok(const struct mm_ptable *pt, uint64_t va, uint64_t size, uint64_t *end)
{
	return size != 0 && IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) &&
	       range_end(va, size, end) && *end <= ((uint64_t)1 << pt->va_bits);
}

int mm_map(struct mm_ptable *pt, uint64_t va, uint64_t pa, uint64_t size, unsigned int attrs)
{
	uint64_t end, pa_end;

	if (!range_ok(pt, va, size, &end) || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    !range_end(pa, size, &pa_end) || pa_end > DESC_OA_MASK + PAGE_SIZE) {
		return MM_EINVAL;
	}
	return walk_map(pt, pt->root, pt->start_level, va, end, pa, mm_leaf_attrs(pt->stage, attrs),
			false);
}

int mm_unmap(struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	uint64_t end;

	if (!range_ok(pt, va, size, &end)) {
		return MM_EINVAL;
	}
	return walk_map(pt, pt->root, pt->start_level, va, end, 0, 0, true);
}

int mm_prune(struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	uint64_t end;

	if (!range_ok(pt, va, size, &end)) {
		return MM_EINVAL;
	}
	return (int)prune(pt, pt->root, pt->start_level, va, end);
}

int mm_split_edges(struct mm_ptable *pt, uint64_t va, uint64_t size)
{
	uint64_t edge[2] = {va, va + size - PAGE_SIZE};

	for (unsigned int i = 0; i < 2; i++) {
		uint64_t pa;
		unsigned int attrs, level;
		if (mm_lookup(pt, edge[i], &pa, &attrs, &level) && level < 3) {
			int rc = mm_map(pt, edge[i], pa, PAGE_SIZE, attrs);
			if (rc != MM_OK) {
				return rc;
			}
		}
	}
	return MM_OK;
}

bool mm_lookup(const struct mm_ptable *pt, uint64_t va, uint64_t *pa, unsigned int *attrs,
	       unsigned int *level)
{
	const uint64_t *table = pt->root;

	if (va >= ((uint64_t)1 << pt->va_bits)) {
		return false;
	}
	for (unsigned int l = pt->start_level; l <= 3; l++) {
		unsigned int shift = level_shift(l);
		uint64_t d = table[(va >> shift) & (ENTRIES - 1)];
		if ((d & DESC_VALID) == 0 || (l == 0 && !is_table(d, l))) {
			return false;
		}
		if (is_table(d, l)) {
			table = table_of(d);
			continue;
		}
		uint64_t mask = ((uint64_t)1 << shift) - 1;
		*pa = (d & DESC_OA_MASK & ~mask) | (va & mask);
		*attrs = attrs_from_leaf(pt->stage, d);
		*level = l;
		return true;
	}
	return false;
}

void mm_destroy(struct mm_ptable *pt)
{
	if (pt->root != NULL) {
		free_table(pt, pt->root, pt->start_level);
		pt->root = NULL;
	}
}
