/*
 * Memory sharing from a test partition's side (FF-A v1.2 chapter 11): it
 * retrieves what it is given, reading every fragment of the response, reads
 * and writes the memory, relinquishes it, and gives memory of its own
 * (share_pages) to others and takes it back. The commands are in
 * test_cmd.h; the normal-world payload drives them (nwd/mem_tests.c).
 *
 * The partition has one RX/TX pair for all its execution contexts: they
 * take turns (buffer_lock), and a retrieve that finds the RX buffer still
 * owned (BUSY: another context has not released it yet) tries again.
 *
 * An S-EL1 partition runs its own stage 1: what it retrieves it maps there
 * itself (sp_map: read-write or read-only, executable if granted, the NS
 * bit choosing the IPA space) and unmaps once it has relinquished it. (The
 * SPMC maps an S-EL0 partition's stage 1 for it.) MEM_CYCLE, the benchmark's
 * command, maps nothing: it measures the SPMC.
 */
#include <string.h>

#include "arch/arch.h"
#include "ffa/ffa.h"
#include "mem_build.h"
#include "sp.h"
#include "test_cmd.h"
#include "test_sp.h"

/* Memory this partition may give: in its rw-data region, page-aligned, untouched otherwise. */
static uint8_t share_pages[TEST_SHARE_PAGES][MB_PAGE] __attribute__((aligned(MB_PAGE)));
static uint32_t buffer_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&buffer_lock, 1U, __ATOMIC_ACQUIRE) != 0) {
	}
}

static void unlock(void)
{
	__atomic_store_n(&buffer_lock, 0U, __ATOMIC_RELEASE);
}

static uint32_t my_version(void)
{
	return FFA_VERSION_1_2; /* what sp_main negotiated */
}

/* What a retrieve saw, in the test command's terms. */
struct seen {
	uint64_t x0; /* RETRIEVE_RESP, or FFA_ERROR (or 0: a response it could not read) */
	uint64_t err; /* FFA_ERROR's code; or the first sp_map failure | 1 << 31 */
	uint32_t pages, ranges, fragments;
	uint16_t attrs;
	uint8_t perms;
	bool donated;
	uint64_t first, check; /* the first range's address; sum of base + pages over all */
};

/* The first ranges of each context's last retrieve (TEST_CMD_MEM_WHERE). */
static struct {
	uint64_t base[TEST_WHERE_RANGES];
	uint32_t pages[TEST_WHERE_RANGES];
	uint32_t n;
} last[8];

struct held;
#if SP_OWN_MMU
/*
 * What it holds mapped, by handle, to unmap after relinquishing: each
 * transaction's ranges as page frames, in one pool shared by all (Linux
 * gives a scattered buffer as one range a page: hundreds of them).
 */
#define HELD_MAX 4U
#define HELD_POOL 1024U
static struct held {
	uint64_t handle; /* 0: free */
	uint32_t first, cap, n; /* room for cap ranges at held_pool[first]; n recorded */
} held[HELD_MAX];
static struct held_range {
	uint32_t pfn, pages;
} held_pool[HELD_POOL];

static struct held *held_slot(uint64_t handle)
{
	for (unsigned int i = 0; i < HELD_MAX; i++) {
		if (held[i].handle == handle) {
			return &held[i];
		}
	}
	return NULL;
}

/* A slot for `handle` with room for n ranges (first fit in the pool), or NULL. */
static struct held *held_new(uint64_t handle, uint32_t n)
{
	struct held *h = held_slot(0);
	uint32_t at = 0;

	if (h == NULL || n > HELD_POOL) {
		return NULL;
	}
	for (;;) {
		const struct held *clash = NULL;
		for (unsigned int i = 0; i < HELD_MAX; i++) {
			if (held[i].handle != 0 && held[i].first < at + n &&
			    at < held[i].first + held[i].cap) {
				clash = &held[i];
			}
		}
		if (clash == NULL) {
			break;
		}
		at = clash->first + clash->cap; /* past it, and try again */
	}
	if (at > HELD_POOL - n) {
		return NULL;
	}
	*h = (struct held){.handle = handle, .first = at, .cap = n};
	return h;
}

/* The stage-1 attributes of retrieved memory: never writable and executable at once. */
static unsigned int map_attrs(const struct seen *s)
{
	unsigned int a = (s->perms & 3U) == MB_RW ? MM_W : 0U;

	if ((s->perms & 0xCU) == MB_X) {
		a = MM_X;
	}
	return a | ((s->attrs & MB_ATTR_NS) != 0 ? MM_NS : 0U);
}
#endif

/* Reads constituents [done, done + n) of the response in rx at `at`; maps them (S-EL1). */
static void take_ranges(struct seen *s, const uint8_t *at, uint32_t n, uint32_t done,
			struct held *h)
{
	for (uint32_t i = 0; i < n; i++) {
		struct mb_range r = mb_range_at(at, i);
		unsigned int ec = sp_vcpu_index() & 7;
		if (done + i == 0) {
			s->first = r.base;
			last[ec].n = 0;
		}
		if (done + i < TEST_WHERE_RANGES) {
			last[ec].base[done + i] = r.base;
			last[ec].pages[done + i] = r.pages;
		}
		last[ec].n = done + i + 1;
		s->check += r.base + r.pages;
		s->ranges++;
#if SP_OWN_MMU
		if (h == NULL) {
			continue;
		}
		/* A range it could not unmap later is not mapped at all (reported as no memory). */
		uint64_t pfn = r.base / MB_PAGE;
		bool room = h->n < h->cap && pfn <= UINT32_MAX;
		int err = room ? sp_map((uintptr_t)r.base, (size_t)r.pages * MB_PAGE, map_attrs(s))
			       : MM_ENOMEM;
		if (err != 0 && s->err == 0) {
			s->err = (uint32_t)err | 1U << 31;
		}
		if (room) {
			held_pool[h->first + h->n++] = (struct held_range){(uint32_t)pfn, r.pages};
		}
#else
		(void)h;
#endif
	}
}

/*
 * FFA_MEM_RETRIEVE_REQ for `handle` from `sender`, asking for `perms` with
 * `flags`; then FFA_MEM_FRAG_RX until the whole response is read. With
 * `map`, an S-EL1 partition maps the ranges in its stage 1.
 */
static struct seen retrieve(uint64_t handle, uint16_t sender, uint8_t perms, uint32_t flags,
			    bool map)
{
	struct seen s = {0};
	struct mb_desc d = {.sender = sender,
			    .flags = flags,
			    .handle = handle,
			    .nrecv = 1,
			    .recv = {{.id = sp_id, .perms = perms}}};
	struct ffa_value v;

	lock();
	uint32_t len = mb_write(sp_tx_buf, my_version(), &d);
	do {
		v = sp_call(FFA_MEM_RETRIEVE_REQ_32, len, len, 0);
	} while ((uint32_t)v.x[0] == FFA_ERROR_32 && (int32_t)v.x[2] == FFA_BUSY);
	s.x0 = (uint32_t)v.x[0];
	if (s.x0 != FFA_MEM_RETRIEVE_RESP_32) {
		s.err = (uint32_t)v.x[2];
		unlock();
		return s;
	}
	uint32_t total = (uint32_t)v.x[1], got = (uint32_t)v.x[2];
	struct mb_resp r;
	if (!mb_read(sp_rx_buf, got, my_version(), &r)) {
		s.x0 = 0;
		sp_call(FFA_RX_RELEASE_32, 0, 0, 0);
		unlock();
		return s;
	}
	s.pages = r.total_pages;
	s.attrs = r.attrs;
	s.perms = r.recv_perms;
	s.donated = (r.flags & MB_TYPE_DONATE) == MB_TYPE_DONATE;
	s.fragments = 1;
	struct held *h = NULL;
#if SP_OWN_MMU
	h = map ? held_new(handle, r.nranges) : NULL;
	if (map && h == NULL) {
		s.err = (uint32_t)MM_ENOMEM | 1U << 31; /* nowhere to note it: not mapped */
	}
#else
	(void)map;
#endif
	take_ranges(&s, sp_rx_buf + r.ranges_at, (got - r.ranges_at) / 16, 0, h);
	while (got < total) {
		sp_call(FFA_RX_RELEASE_32, 0, 0, 0);
		v = sp_call(FFA_MEM_FRAG_RX_32, (uint32_t)handle, handle >> 32, got);
		if ((uint32_t)v.x[0] != FFA_MEM_FRAG_TX_32 || v.x[3] == 0 || v.x[3] % 16 != 0) {
			s.x0 = (uint32_t)v.x[0];
			s.err = (uint32_t)v.x[2];
			break;
		}
		take_ranges(&s, sp_rx_buf, (uint32_t)v.x[3] / 16, s.ranges, h);
		got += (uint32_t)v.x[3];
		s.fragments++;
	}
	sp_call(FFA_RX_RELEASE_32, 0, 0, 0);
#if SP_OWN_MMU
	if (h != NULL && s.donated) {
		h->handle = 0; /* its own memory now, mapped for good */
	}
#endif
	unlock();
	return s;
}

/*
 * FFA_MEM_RELINQUISH; then (S-EL1) the ranges leave its stage 1, unless
 * the test keeps them (TEST_MEM_KEEP_MAPPING: to touch the memory after).
 */
static struct ffa_value relinquish(uint64_t handle, uint32_t flags)
{
	lock();
	mb_relinquish(sp_tx_buf, handle, flags & ~TEST_MEM_KEEP_MAPPING, sp_id);
	struct ffa_value v = sp_call(FFA_MEM_RELINQUISH_32, 0, 0, 0);
#if SP_OWN_MMU
	struct held *h = held_slot(handle);
	if ((flags & TEST_MEM_KEEP_MAPPING) != 0 && h != NULL && handle != 0) {
		h->handle = 0;
	} else if ((uint32_t)v.x[0] == FFA_SUCCESS_32 && h != NULL && handle != 0) {
		for (uint32_t i = 0; i < h->n; i++) {
			const struct held_range *r = &held_pool[h->first + i];
			sp_unmap((uintptr_t)r->pfn * MB_PAGE, (size_t)r->pages * MB_PAGE);
		}
		h->handle = 0;
	}
#endif
	unlock();
	return v;
}

static uint64_t error_or_zero(const struct ffa_value *v)
{
	return (uint32_t)v->x[0] == FFA_ERROR_32 ? (uint32_t)v->x[2] : 0;
}

/*
 * Gives pages [first, first + count) of share_pages with an ABI: to one or
 * two receivers, each with its permissions.
 */
static struct ffa_value give(uint32_t fid, const uint64_t *a)
{
	struct mb_range r = {a[4] != 0 ? a[4] : (uint64_t)(uintptr_t)share_pages[a[3] & 0xFFFF],
			     (uint32_t)(a[3] >> 16 & 0xFFFF)};
	struct mb_desc d = {
		.sender = sp_id,
		.attrs = (uint16_t)(a[2] >> 48),
		.flags = (uint32_t)(a[3] >> 32),
		.tag = 0,
		.nrecv = (a[2] >> 16 & 0xFFFF) != 0 ? 2U : 1U,
		.recv = {{.id = (uint16_t)a[2], .perms = (uint8_t)(a[2] >> 32)},
			 {.id = (uint16_t)(a[2] >> 16), .perms = (uint8_t)(a[2] >> 40)}},
		.ranges = &r,
		.nranges = 1};
	lock();
	uint32_t len = mb_write(sp_tx_buf, my_version(), &d);
	struct ffa_value v = sp_call(fid, len, len, 0);
	unlock();
	return v;
}

bool mem_command(uint64_t cmd, const uint64_t *a, uint64_t *out)
{
	switch (cmd) {
	case TEST_CMD_MEM_RETRIEVE: {
		struct seen s =
			retrieve(a[1], (uint16_t)a[2], (uint8_t)(a[2] >> 16), (uint32_t)a[3], true);
		out[1] = s.x0 | s.err << 32;
		out[2] = s.pages | (uint64_t)s.ranges << 32;
		out[3] = s.attrs | (uint64_t)s.perms << 16 | (uint64_t)s.fragments << 32;
		out[4] = s.first ^ s.check << 20;
		return true;
	}
	case TEST_CMD_MEM_CYCLE: {
		/* Retrieve and relinquish, touching nothing: what the benchmark measures. */
		struct seen s = retrieve(a[1], (uint16_t)a[2], (uint8_t)(a[2] >> 16), 0, false);
		struct ffa_value v = relinquish(a[1], 0);
		out[1] = s.x0 | s.err << 32;
		out[2] = (uint32_t)v.x[0] | error_or_zero(&v) << 32;
		out[3] = s.pages | (uint64_t)s.ranges << 32;
		return true;
	}
	case TEST_CMD_MEM_RELINQUISH: {
		struct ffa_value v = relinquish(a[1], (uint32_t)a[2]);
		out[1] = v.x[0];
		out[2] = error_or_zero(&v);
		return true;
	}
	case TEST_CMD_MEM_READ:
		out[1] = *(volatile uint64_t *)(uintptr_t)a[1];
		return true;
	case TEST_CMD_MEM_WRITE:
		*(volatile uint64_t *)(uintptr_t)a[1] = a[2];
		return true;
	case TEST_CMD_MEM_WHERE: {
		unsigned int ec = sp_vcpu_index() & 7;
		if (a[1] < TEST_WHERE_RANGES && a[1] < last[ec].n) {
			out[1] = last[ec].base[a[1]];
			out[2] = last[ec].pages[a[1]];
		}
		out[3] = last[ec].n;
		return true;
	}
	case TEST_CMD_MEM_PAGE:
		out[1] = a[1] < TEST_SHARE_PAGES ? (uint64_t)(uintptr_t)share_pages[a[1]] : 0;
		return true;
	case TEST_CMD_MEM_GIVE: {
		struct ffa_value v = give((uint32_t)a[1], a);
		out[1] = v.x[0];
		out[2] = (uint32_t)v.x[0] == FFA_SUCCESS_32 ? v.x[2] | v.x[3] << 32
							    : error_or_zero(&v);
		return true;
	}
	case TEST_CMD_MEM_RECLAIM: {
		struct ffa_value v = sp_call(FFA_MEM_RECLAIM_32, (uint32_t)a[1], a[1] >> 32, a[2]);
		out[1] = v.x[0];
		out[2] = error_or_zero(&v);
		return true;
	}
	default:
		return false;
	}
}
