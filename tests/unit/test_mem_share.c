/*
 * Host tests for memory sharing (src/ffa/mem_share.c, mem_ledger.c) with a
 * scripted role: the normal world owns [NS_BASE, NS_END), partitions A, B
 * and C own a few regions with their attributes, and the role's mappings
 * are recorded per endpoint so that tests can see who may touch what.
 * Every refusal is checked to change nothing: the core's tables (a digest)
 * and the recorded mappings are the same before and after, and the call
 * that would have been valid still is. A property test runs random
 * operations from five endpoints against invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/mm.h"
#include "fake_arch.h"
#include "ffa/mem_ledger.h"
#include "ffa/mem_share.h"
#include "fake_mem_role.h"

#define PG 4096ULL
#define NS_BASE 0x40000000ULL
#define NS_END 0x50000000ULL
#define A 0x8001U
#define B 0x8002U
#define C 0x8003U
#define NWD 0x0000U
#define VM1 0x0001U

/* --- the scripted role --------------------------------------------------------- */

/* A: image RWX, data RW; B: data RW; C: read-only data; each with RX/TX pages of its own. */
static const struct mem_piece pieces[] = {
	{0x0e300000, 0x0e340000, A, MM_W | MM_X}, {0x0e340000, 0x0e380000, A, MM_W},
	{0x0e400000, 0x0e440000, B, MM_W},	  {0x0e500000, 0x0e510000, C, 0},
	{0x0e510000, 0x0e520000, C, MM_W},
};

struct mapping {
	ffa_id_t who;
	uint64_t base, end;
	uint8_t attrs;
	bool lender_gone; /* a lender's own memory, unmapped while lent */
};
#define MAX_MAPPINGS 2048U
static struct mapping maps[MAX_MAPPINGS];
static unsigned int nmaps;
static int fail_map, fail_unmap, fail_zero; /* the next call of each fails */
static unsigned int zeroed_pages, remaps;
static uint64_t buffers[4][2] = {
	{NS_BASE + 0x100000, NS_BASE + 0x101000}, /* the normal world's TX, RX */
	{0x0e37e000, 0x0e37f000},
	{0x0e43e000, 0x0e43f000},
	{0x0e51e000, 0x0e51f000},
};

bool mem_role_is_partition(ffa_id_t id)
{
	return id == A || id == B || id == C;
}

bool mem_role_is_ns(uint64_t base, uint64_t size)
{
	return base >= NS_BASE && base < NS_END && size <= NS_END - base;
}

uint16_t mem_role_default_owner(uint32_t first, uint32_t end, uint8_t *attrs)
{
	uint64_t base = first * PG, limit = end * PG;

	if (mem_role_is_ns(base, limit - base)) {
		*attrs = MM_W;
		return MEM_OWNER_NWD;
	}
	ffa_id_t owner;
	return mem_piece_find(pieces, sizeof(pieces) / sizeof(pieces[0]), base, limit, &owner,
			      attrs)
		       ? owner
		       : MEM_OWNER_NONE;
}

bool mem_role_hits_buffers(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	const uint64_t *b = buffers[id == NWD || id == VM1 ? 0 : id - 0x8000U];

	for (uint32_t i = 0; i < n; i++) {
		for (unsigned int k = 0; k < 2; k++) {
			if (b[k] >= r[i].base && b[k] < r[i].base + r[i].pages * PG) {
				return true;
			}
		}
	}
	return false;
}

static void add_map(ffa_id_t who, uint64_t base, uint64_t end, uint8_t attrs, bool gone)
{
	assert_true(nmaps < MAX_MAPPINGS);
	maps[nmaps++] = (struct mapping){who, base, end, attrs, gone};
}

static void del_map(ffa_id_t who, uint64_t base, uint64_t end, bool gone)
{
	for (unsigned int i = 0; i < nmaps; i++) {
		if (maps[i].who == who && maps[i].base == base && maps[i].end == end &&
		    maps[i].lender_gone == gone) {
			maps[i] = maps[--nmaps];
			return;
		}
	}
	fail_msg("%x had no %s mapping [%llx, %llx)", who, gone ? "lent" : "borrowed",
		 (unsigned long long)base, (unsigned long long)end);
}

int mem_role_lender_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	if (!ffa_id_is_secure(id)) {
		return 0; /* as the SPMC: the normal world's stage 2 is not its */
	}
	if (fail_unmap) {
		fail_unmap = 0;
		return FFA_NO_MEMORY;
	}
	for (uint32_t i = 0; i < n; i++) {
		add_map(id, r[i].base, r[i].base + r[i].pages * PG, 0, true);
	}
	return 0;
}

void mem_role_lender_remap(ffa_id_t id, const struct ffa_mem_range *r, const uint8_t *attrs,
			   uint32_t n)
{
	if (!ffa_id_is_secure(id)) {
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t want = 0;
		uint64_t first = r[i].base / PG;
		mem_role_default_owner((uint32_t)first, (uint32_t)(first + r[i].pages), &want);
		assert_int_equal(attrs[i], want); /* what it had before */
		del_map(id, r[i].base, r[i].base + r[i].pages * PG, true);
	}
	remaps++;
}

int mem_role_borrower_map(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n, uint8_t attrs)
{
	if (fail_map != 0) {
		int e = fail_map;
		fail_map = 0;
		return e;
	}
	for (uint32_t i = 0; i < n; i++) {
		add_map(id, r[i].base, r[i].base + r[i].pages * PG, attrs, false);
	}
	return 0;
}

void mem_role_borrower_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		del_map(id, r[i].base, r[i].base + r[i].pages * PG, false);
	}
}

int mem_role_zero(const struct ffa_mem_range *r, uint32_t n)
{
	if (fail_zero) {
		fail_zero = 0;
		return FFA_NO_MEMORY;
	}
	for (uint32_t i = 0; i < n; i++) {
		zeroed_pages += r[i].pages;
	}
	return 0;
}

/* What a borrower has mapped of [base, end): its attributes, or -1. */
static int mapped(ffa_id_t who, uint64_t base)
{
	for (unsigned int i = 0; i < nmaps; i++) {
		if (maps[i].who == who && !maps[i].lender_gone && base >= maps[i].base &&
		    base < maps[i].end) {
			return maps[i].attrs;
		}
	}
	return -1;
}

static bool lent_away(ffa_id_t who, uint64_t base)
{
	for (unsigned int i = 0; i < nmaps; i++) {
		if (maps[i].who == who && maps[i].lender_gone && base >= maps[i].base &&
		    base < maps[i].end) {
			return true;
		}
	}
	return false;
}

/* --- callers and descriptors ------------------------------------------------------ */

static const struct mem_caller NW = {.id = NWD, .nwd = true, .version = FFA_VERSION_1_2};
static const struct mem_caller SA = {.id = A, .version = FFA_VERSION_1_1};
static const struct mem_caller SB = {.id = B, .version = FFA_VERSION_1_2};
static const struct mem_caller SC = {.id = C, .version = FFA_VERSION_1_0};

static uint8_t desc[65536];
static uint8_t rx[8192];
static struct ffa_mem_range ranges[1200];

/* A send descriptor: sender, receivers (id, perms), attributes, and ranges. */
struct send {
	ffa_id_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	unsigned int nrecv;
	struct ffa_mem_receiver recv[FFA_MEM_MAX_RECEIVERS];
	unsigned int nranges;
};

static uint32_t write_send(const struct send *s, uint32_t version)
{
	struct ffa_mem_txn t = {
		.sender = s->sender,
		.attributes = s->attributes,
		.flags = s->flags,
		.tag = s->tag,
		.receiver_count = s->nrecv,
		.range_count = s->nranges,
	};
	for (unsigned int i = 0; i < s->nrecv; i++) {
		t.receivers[i] = s->recv[i];
	}
	for (unsigned int i = 0; i < s->nranges; i++) {
		t.total_pages += ranges[i].pages;
	}
	return ffa_mem_desc_write(&t, ranges, version, 0, desc, sizeof(desc));
}

#define RW FFA_MEM_PERM_DATA_RW
#define RO FFA_MEM_PERM_DATA_RO
#define NX FFA_MEM_PERM_INSN_NX
#define XX FFA_MEM_PERM_INSN_X
#define WB FFA_MEM_ATTR_NORMAL_WB_ISH

static struct send share_to(ffa_id_t sender, ffa_id_t to, uint8_t perms, uint64_t base,
			    uint32_t pages)
{
	ranges[0] = (struct ffa_mem_range){base, pages};
	return (struct send){.sender = sender,
			     .attributes = WB,
			     .tag = 0x77,
			     .nrecv = 1,
			     .recv = {{.id = to, .perms = perms}},
			     .nranges = 1};
}

static uint64_t handle_of(struct ffa_value v)
{
	assert_int_equal(v.x[0], FFA_SUCCESS_32);
	return v.x[2] | v.x[3] << 32;
}

static struct ffa_value send(const struct mem_caller *c, enum ffa_mem_type type,
			     const struct send *s)
{
	uint32_t len = write_send(s, c->version);
	return mem_send(c, type, len, desc, len);
}

static uint64_t send_ok(const struct mem_caller *c, enum ffa_mem_type type, const struct send *s)
{
	return handle_of(send(c, type, s));
}

/* A retrieve request: the handle, the caller's EMAD with `perms`, flags and attributes. */
static uint32_t write_request(const struct mem_caller *c, ffa_id_t sender, uint64_t handle,
			      uint8_t perms, uint32_t flags)
{
	struct ffa_mem_txn t = {
		.sender = sender,
		.flags = flags,
		.handle = handle,
		.tag = 0x77,
		.receiver_count = 1,
		.receivers = {{.id = c->id, .perms = perms}},
		.range_count = 0,
	};
	uint32_t len = ffa_mem_desc_write(&t, ranges, c->version, 0, desc, sizeof(desc));
	/* A request has no composite: its EMAD points nowhere. */
	memset(desc + (c->version < FFA_VERSION_1_1 ? 32 : 48) + 4, 0, 4);
	return len - FFA_MEM_COMPOSITE_SIZE;
}

static struct ffa_value retrieve(const struct mem_caller *c, ffa_id_t sender, uint64_t handle,
				 uint8_t perms, uint32_t flags)
{
	uint32_t len = write_request(c, sender, handle, perms, flags);
	return mem_retrieve(c, desc, len, rx, 4096);
}

static void retrieve_ok(const struct mem_caller *c, ffa_id_t sender, uint64_t handle, uint8_t perms)
{
	struct ffa_value v = retrieve(c, sender, handle, perms, 0);
	assert_int_equal(v.x[0], FFA_MEM_RETRIEVE_RESP_32);
	assert_int_equal(v.x[1], v.x[2]); /* one fragment */
}

static struct ffa_value relinquish(const struct mem_caller *c, uint64_t handle, uint32_t flags,
				   ffa_id_t who)
{
	uint8_t d[18] = {0};
	for (unsigned int i = 0; i < 8; i++) {
		d[i] = (uint8_t)(handle >> (8 * i));
	}
	d[8] = (uint8_t)flags;
	d[12] = 1;
	d[16] = (uint8_t)who;
	d[17] = (uint8_t)(who >> 8);
	return mem_relinquish(c, d, sizeof(d));
}

static void assert_ok(struct ffa_value v)
{
	assert_int_equal(v.x[0], FFA_SUCCESS_32);
}

static void assert_err(struct ffa_value v, enum ffa_error e)
{
	if (v.x[0] != FFA_ERROR_32 || (int32_t)v.x[2] != e) {
		fail_msg("got x0 0x%llx w2 %d, want FFA_ERROR %d", (unsigned long long)v.x[0],
			 (int32_t)v.x[2], e);
	}
}

/* Nothing changed: the core's tables and every recorded mapping. */
static uint64_t digest_before;
static struct mapping maps_before[MAX_MAPPINGS];
static unsigned int nmaps_before;

static void snapshot(void)
{
	digest_before = mem_share_digest();
	memcpy(maps_before, maps, sizeof(maps));
	nmaps_before = nmaps;
}

static void assert_unchanged(void)
{
	assert_int_equal(mem_share_digest(), digest_before);
	assert_int_equal(nmaps, nmaps_before);
	assert_memory_equal(maps, maps_before, nmaps * sizeof(maps[0]));
}

static void assert_refused(struct ffa_value v, enum ffa_error e)
{
	assert_err(v, e);
	assert_unchanged();
}

static void assert_empty(void)
{
	struct mem_share_stats st;
	mem_share_stats(&st);
	assert_int_equal(st.txns, 0);
	assert_int_equal(st.ranges, 0);
	assert_int_equal(st.spans, 0);
	assert_int_equal(nmaps, 0);
}

static int setup(void **state)
{
	(void)state;
	mem_share_init();
	nmaps = 0;
	fail_map = fail_unmap = fail_zero = 0;
	zeroed_pages = remaps = 0;
	return 0;
}

/* Response fields, read back with the parser. */
static struct ffa_mem_txn parse_response(const struct mem_caller *c, uint32_t len,
					 struct ffa_mem_range *out)
{
	struct ffa_mem_txn t;
	uint64_t pages = 0;
	assert_int_equal(ffa_mem_desc_parse_head(rx, len, c->version, &t), 0);
	assert_int_equal(
		ffa_mem_desc_parse_ranges(rx + t.ranges_offset, len - t.ranges_offset, out, &pages),
		0);
	return t;
}

/* --- whole cycles ---------------------------------------------------------------- */

/* The normal world shares a page with A; A retrieves, reads the descriptor, relinquishes. */
static void share_cycle(void **state)
{
	(void)state;
	struct send s = share_to(NWD, A, RW, NS_BASE + 0x5000, 1);
	uint64_t h = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	assert_true(h != 0 && (h >> 63) == 0);
	assert_int_equal(nmaps, 0); /* the normal world keeps its access; A has none yet */

	struct ffa_value v = retrieve(&SA, NWD, h, RW, 0);
	assert_int_equal(v.x[0], FFA_MEM_RETRIEVE_RESP_32);
	uint32_t head = ffa_mem_desc_head_size(FFA_VERSION_1_1, 1);
	assert_int_equal(v.x[1], head + 16);
	assert_int_equal(v.x[2], head + 16);
	struct ffa_mem_range got[2];
	struct ffa_mem_txn t = parse_response(&SA, (uint32_t)v.x[2], got);
	assert_int_equal(t.sender, NWD);
	assert_int_equal(t.attributes, WB | FFA_MEM_ATTR_NS);
	assert_int_equal(t.flags, FFA_MEM_TYPE_SHARE << 3);
	assert_int_equal(t.handle, h);
	assert_int_equal(t.tag, 0x77);
	assert_int_equal(t.receiver_count, 1);
	assert_int_equal(t.receivers[0].id, A);
	assert_int_equal(t.receivers[0].perms, RW | NX);
	assert_int_equal(got[0].base, NS_BASE + 0x5000);
	assert_int_equal(got[0].pages, 1);
	assert_int_equal(mapped(A, NS_BASE + 0x5000), MM_W);

	/* Reclaim while A holds it: DENIED, nothing changed. */
	snapshot();
	assert_refused(mem_reclaim(&NW, h, 0), FFA_DENIED);
	assert_ok(relinquish(&SA, h, 0, A));
	assert_int_equal(mapped(A, NS_BASE + 0x5000), -1);
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
	/* The handle is gone. */
	assert_err(mem_reclaim(&NW, h, 0), FFA_INVALID_PARAMETERS);
}

/* A lends a page of its data to B: A loses it until it reclaims; B maps it as it asks. */
static void lend_sp_to_sp(void **state)
{
	(void)state;
	struct send s = share_to(A, B, RW, 0x0e341000, 2);
	s.attributes = 0; /* lend to one borrower: the borrower chooses */
	uint64_t h = send_ok(&SA, FFA_MEM_TYPE_LEND, &s);
	assert_true(lent_away(A, 0x0e341000) && lent_away(A, 0x0e342000));
	/* One borrower of a lend says what it wants to execute (here: nothing). */
	snapshot();
	assert_refused(retrieve(&SB, A, h, RW, 0), FFA_INVALID_PARAMETERS);
	/* Executable, from memory the lender could not execute: DENIED. */
	assert_refused(retrieve(&SB, A, h, RW | XX, 0), FFA_DENIED);
	retrieve_ok(&SB, A, h, RO | NX);
	assert_int_equal(mapped(B, 0x0e342000), 0); /* read-only, execute-never */
	assert_int_equal(mapped(A, 0x0e342000), -1);
	/* The response: attributes as mapped (the sender left them to the borrower). */
	struct ffa_mem_range got[1];
	struct ffa_mem_txn t =
		parse_response(&SB, ffa_mem_desc_head_size(FFA_VERSION_1_2, 1) + 16, got);
	assert_int_equal(t.attributes, WB);
	assert_int_equal(t.receivers[0].perms, RO | NX);
	assert_int_equal(t.flags, FFA_MEM_TYPE_LEND << 3);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&SA, h, 0));
	assert_int_equal(remaps, 1);
	assert_empty();
}

/* Executable memory: A lends part of its image to B, which may execute it. */
static void lend_executable(void **state)
{
	(void)state;
	struct send s = share_to(A, B, RW, 0x0e310000, 1);
	s.attributes = 0;
	uint64_t h = send_ok(&SA, FFA_MEM_TYPE_LEND, &s);
	retrieve_ok(&SB, A, h, RW | XX);
	assert_int_equal(mapped(B, 0x0e310000), MM_W | MM_X);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&SA, h, 0));
	/* Normal-world memory is never executable in the secure world. */
	s = share_to(NWD, A, RW, NS_BASE, 1);
	s.attributes = 0;
	h = send_ok(&NW, FFA_MEM_TYPE_LEND, &s);
	snapshot();
	assert_refused(retrieve(&SA, NWD, h, RW | XX, 0), FFA_INVALID_PARAMETERS);
	retrieve_ok(&SA, NWD, h, RW | NX);
	assert_ok(relinquish(&SA, h, 0, A));
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* A donates to B: once B has retrieved it the memory is B's, the handle gone. */
static void donate(void **state)
{
	(void)state;
	struct send s = share_to(A, B, 0, 0x0e350000, 4);
	s.attributes = 0;
	uint64_t h = send_ok(&SA, FFA_MEM_TYPE_DONATE, &s);
	retrieve_ok(&SB, A, h, RW | NX);
	assert_err(mem_reclaim(&SA, h, 0), FFA_INVALID_PARAMETERS);
	assert_err(relinquish(&SB, h, 0, B), FFA_INVALID_PARAMETERS);
	/* B gives it on (to C); A cannot give it any more. */
	struct send on = share_to(B, C, RO, 0x0e351000, 2);
	uint64_t h2 = send_ok(&SB, FFA_MEM_TYPE_SHARE, &on);
	struct send back = share_to(A, C, RO, 0x0e352000, 1);
	snapshot();
	assert_refused(send(&SA, FFA_MEM_TYPE_SHARE, &back), FFA_DENIED);
	/* Nor can B give more than it was given... */
	assert_ok(mem_reclaim(&SB, h2, 0));
	/* ...and what C does not own it cannot give. */
	struct send stolen = share_to(C, A, RO, 0x0e350000, 1);
	snapshot();
	assert_refused(send(&SC, FFA_MEM_TYPE_SHARE, &stolen), FFA_DENIED);
	struct mem_share_stats st;
	mem_share_stats(&st);
	assert_int_equal(st.txns, 0);
	assert_int_equal(st.spans, 1); /* B owns [0x0e350000, +4 pages) now */
	assert_true(mem_owns(B, 0x0e350000, 4 * PG));
	assert_false(mem_owns(A, 0x0e350000, PG));
}

/*
 * Found by fuzz_mem: two constituents side by side, each in one piece of A's
 * memory but the pieces of different kinds (image RWX, data RW). The ledger
 * merges them into one entry while lent; the reclaim must still leave A its
 * memory as it was (it once asked the role who owned the merged entry, got
 * MEM_OWNER_NONE, and kept an entry that made A's image page read-only data).
 */
static void lend_across_kinds(void **state)
{
	(void)state;
	struct send s = share_to(A, B, RW, 0x0e33f000, 1);
	ranges[1] = (struct ffa_mem_range){0x0e340000, 1};
	s.nranges = 2;
	s.attributes = 0;
	snapshot();
	uint64_t h = send_ok(&SA, FFA_MEM_TYPE_LEND, &s);
	retrieve_ok(&SB, A, h, RW | NX);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&SA, h, 0));
	assert_empty();
	assert_true(mem_owns(A, 0x0e33f000, PG) && mem_owns(A, 0x0e340000, PG));
	/* Its image page still executable: lent alone, B may execute it. */
	s = share_to(A, B, RW, 0x0e33f000, 1);
	s.attributes = 0;
	h = send_ok(&SA, FFA_MEM_TYPE_LEND, &s);
	retrieve_ok(&SB, A, h, RW | XX);
	assert_int_equal(mapped(B, 0x0e33f000), MM_W | MM_X);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&SA, h, 0));
	assert_empty();
}

/* A donation back to the default owner with fewer rights leaves it those rights. */
static void donate_back_read_only(void **state)
{
	(void)state;
	struct send s = share_to(A, B, 0, 0x0e350000, 1);
	s.attributes = 0;
	retrieve_ok(&SB, A, send_ok(&SA, FFA_MEM_TYPE_DONATE, &s), RW | NX);
	s = share_to(B, A, 0, 0x0e350000, 1);
	s.attributes = 0;
	retrieve_ok(&SA, B, send_ok(&SB, FFA_MEM_TYPE_DONATE, &s), RO | NX);
	assert_true(mem_owns(A, 0x0e350000, PG));
	struct mem_share_stats st;
	mem_share_stats(&st);
	assert_int_equal(st.spans, 1); /* A's, read-only: not as it was by default */
	/* A can give it read-only, not read-write. */
	struct send rw = share_to(A, C, RW, 0x0e350000, 1);
	snapshot();
	assert_refused(send(&SA, FFA_MEM_TYPE_SHARE, &rw), FFA_DENIED);
	struct send ro = share_to(A, C, RO, 0x0e350000, 1);
	assert_ok(mem_reclaim(&SA, send_ok(&SA, FFA_MEM_TYPE_SHARE, &ro), 0));
	mem_share_stats(&st);
	assert_int_equal(st.spans, 1);
}

/* Several borrowers with their own permissions; reclaim waits for all of them. */
static void several_borrowers(void **state)
{
	(void)state;
	struct send s = share_to(NWD, A, RW, NS_BASE + 0x10000, 3);
	s.nrecv = 3;
	s.recv[1] = (struct ffa_mem_receiver){.id = B, .perms = RO};
	s.recv[2] = (struct ffa_mem_receiver){.id = VM1, .perms = RW};
	uint64_t h = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	snapshot();
	/* B may not have more than it was given. */
	assert_refused(retrieve(&SB, NWD, h, RW, 0), FFA_DENIED);
	retrieve_ok(&SB, NWD, h, 0);
	retrieve_ok(&SA, NWD, h, RW);
	assert_int_equal(mapped(B, NS_BASE + 0x11000), 0);
	assert_int_equal(mapped(A, NS_BASE + 0x12000), MM_W);
	/* C is not a borrower. */
	snapshot();
	assert_refused(retrieve(&SC, NWD, h, 0, 0), FFA_INVALID_PARAMETERS);
	assert_ok(relinquish(&SA, h, 0, A));
	snapshot();
	assert_refused(mem_reclaim(&NW, h, 0), FFA_DENIED);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* A retrieve request with t's EMADs (no composite). */
static uint32_t request_of(const struct ffa_mem_txn *t, uint32_t version)
{
	uint32_t len = ffa_mem_desc_write(t, ranges, version, 0, desc, sizeof(desc));
	uint32_t emad = version >= FFA_VERSION_1_2 ? 32 : 16;
	for (unsigned int i = 0; i < t->receiver_count; i++) {
		memset(desc + 48 + i * emad + 4, 0, 4);
	}
	return len - FFA_MEM_COMPOSITE_SIZE;
}

/* A request naming every borrower (in another order) is as good as one naming itself. */
static void request_with_all_borrowers(void **state)
{
	(void)state;
	struct send s = share_to(NWD, A, RW, NS_BASE, 1);
	s.nrecv = 2;
	s.recv[1] = (struct ffa_mem_receiver){.id = B, .perms = RW};
	uint64_t h = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	struct ffa_mem_txn t = {.sender = NWD,
				.handle = h,
				.tag = 0x77,
				.receiver_count = 2,
				.receivers = {{.id = B, .perms = RW}, {.id = A, .perms = RO}}};
	uint32_t len = request_of(&t, FFA_VERSION_1_1);
	assert_int_equal(mem_retrieve(&SA, desc, len, rx, 4096).x[0], FFA_MEM_RETRIEVE_RESP_32);
	assert_int_equal(mapped(A, NS_BASE), 0); /* its own EMAD: read-only */
	/* Two of three, or a stranger among them: INVALID. */
	t.receivers[0].id = C;
	len = request_of(&t, FFA_VERSION_1_2);
	snapshot();
	assert_refused(mem_retrieve(&SB, desc, len, rx, 4096), FFA_INVALID_PARAMETERS);
	assert_ok(relinquish(&SA, h, 0, A));
	assert_ok(mem_reclaim(&NW, h, 0));
}

/* --- fragments -------------------------------------------------------------------------- */

/* 1,000 scattered pages, one range each, sent in fragments of 4 KiB (as Linux does). */
static void fragments_both_ways(void **state)
{
	(void)state;
	enum { N = 1000 };
	for (unsigned int i = 0; i < N; i++) {
		/* Every other page, backwards: the order is the sender's. */
		ranges[i] = (struct ffa_mem_range){NS_BASE + 0x1800000 - 2 * PG * i, 1};
	}
	struct send s = {.sender = NWD,
			 .attributes = WB,
			 .tag = 0x77,
			 .nrecv = 1,
			 .recv = {{.id = A, .perms = RW}},
			 .nranges = N};
	uint32_t total = write_send(&s, NW.version);
	uint32_t frag = 4096, at = frag;
	struct ffa_value v = mem_send(&NW, FFA_MEM_TYPE_SHARE, total, desc, frag);
	while (v.x[0] == FFA_MEM_FRAG_RX_32) {
		uint64_t h = v.x[1] | v.x[2] << 32;
		assert_int_equal(v.x[3], at); /* bytes received so far */
		assert_int_equal(v.x[4], (uint32_t)NWD << 16);
		/* Hostile fragments change nothing: misaligned, too long, wrong sender or handle.
		 */
		snapshot();
		assert_refused(mem_send_continue(&NW, h, 0, desc + at, 8), FFA_INVALID_PARAMETERS);
		assert_refused(mem_send_continue(&NW, h, 0, desc + at, total - at + 16),
			       FFA_INVALID_PARAMETERS);
		assert_refused(mem_send_continue(&NW, h, (uint32_t)VM1 << 16, desc + at, 16),
			       FFA_INVALID_PARAMETERS);
		assert_refused(mem_send_continue(&NW, h + 0x10000, 0, desc + at, 16),
			       FFA_INVALID_PARAMETERS);
		assert_refused(mem_send_continue(&SA, h, 0, desc + at, 16), FFA_INVALID_PARAMETERS);
		uint32_t n = total - at < frag ? total - at : frag;
		v = mem_send_continue(&NW, h, 0, desc + at, n);
		at += n;
	}
	uint64_t h = handle_of(v);
	assert_int_equal(at, total);
	/* Replayed after completion: the handle is no longer being sent. */
	snapshot();
	assert_refused(mem_send_continue(&NW, h, 0, desc, 16), FFA_INVALID_PARAMETERS);

	/* A retrieves with a 4 KiB RX buffer: the response in fragments, FFA_MEM_FRAG_RX. */
	v = retrieve(&SA, NWD, h, RW, 0);
	assert_int_equal(v.x[0], FFA_MEM_RETRIEVE_RESP_32);
	uint32_t rtotal = (uint32_t)v.x[1], got = (uint32_t)v.x[2];
	assert_int_equal(rtotal, ffa_mem_desc_head_size(SA.version, 1) + N * 16);
	static uint8_t whole[20000];
	memcpy(whole, rx, got);
	/* Relinquish before the whole response was read: INVALID. */
	snapshot();
	assert_refused(relinquish(&SA, h, 0, A), FFA_INVALID_PARAMETERS);
	while (got < rtotal) {
		snapshot();
		assert_refused(mem_retrieve_continue(&SA, h, got + 16, 0, rx, 4096),
			       FFA_INVALID_PARAMETERS);
		assert_refused(mem_retrieve_continue(&SA, h, got, 1U << 16, rx, 4096),
			       FFA_INVALID_PARAMETERS);
		assert_refused(mem_retrieve_continue(&SB, h, got, 0, rx, 4096),
			       FFA_INVALID_PARAMETERS);
		v = mem_retrieve_continue(&SA, h, got, 0, rx, 4096);
		assert_int_equal(v.x[0], FFA_MEM_FRAG_TX_32);
		assert_int_equal(v.x[1] | v.x[2] << 32, h);
		memcpy(whole + got, rx, v.x[3]);
		got += (uint32_t)v.x[3];
	}
	assert_int_equal(got, rtotal);
	/* Read back: the same ranges in the sender's order. */
	struct ffa_mem_txn t;
	assert_int_equal(ffa_mem_desc_parse_head(whole, rtotal, SA.version, &t), 0);
	static struct ffa_mem_range back[N];
	uint64_t pages = 0;
	assert_int_equal(ffa_mem_desc_parse_ranges(whole + t.ranges_offset, N * 16, back, &pages),
			 0);
	assert_int_equal(pages, N);
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(back[i].base, ranges[i].base);
	}
	/* Retrieved: no more fragments to give. */
	snapshot();
	assert_refused(mem_retrieve_continue(&SA, h, got, 0, rx, 4096), FFA_INVALID_PARAMETERS);
	assert_ok(relinquish(&SA, h, 0, A));
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* A sender may give up a fragmented descriptor by reclaiming its handle. */
static void abandoned_fragments(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 300; i++) {
		ranges[i] = (struct ffa_mem_range){NS_BASE + PG * 2 * i, 1};
	}
	struct send s = {.sender = A,
			 .attributes = WB,
			 .nrecv = 1,
			 .recv = {{.id = B, .perms = RW}},
			 .nranges = 300};
	/* From A, normal-world memory: accepted fragment by fragment, refused as a whole. */
	uint32_t total = write_send(&s, SA.version);
	struct ffa_value v = mem_send(&SA, FFA_MEM_TYPE_SHARE, total, desc, 4096);
	assert_int_equal(v.x[0], FFA_MEM_FRAG_RX_32);
	assert_int_equal(v.x[4], 0); /* no sender ID for a partition */
	uint64_t h = v.x[1] | v.x[2] << 32;
	assert_err(mem_send_continue(&SA, h, 0, desc + 4096, total - 4096), FFA_DENIED);
	assert_empty(); /* the whole transaction went */
	/* Given up half way: reclaim frees it. */
	s.sender = NWD;
	s.recv[0].id = A;
	total = write_send(&s, NW.version);
	v = mem_send(&NW, FFA_MEM_TYPE_SHARE, total, desc, 4096);
	h = v.x[1] | v.x[2] << 32;
	snapshot();
	assert_refused(retrieve(&SA, NWD, h, RW, 0), FFA_INVALID_PARAMETERS); /* not sent yet */
	assert_refused(mem_reclaim(&SA, h, 0), FFA_INVALID_PARAMETERS); /* not A's */
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* --- hostile senders ----------------------------------------------------------------- */

struct bad_send {
	const char *what;
	const struct mem_caller *c;
	enum ffa_mem_type type;
	void (*mutate)(struct send *s);
	enum ffa_error err;
};

static void m_sender_other_sp(struct send *s)
{
	s->sender = C;
}
static void m_sender_secure_from_nwd(struct send *s)
{
	s->sender = C;
}
static void m_time_slice(struct send *s)
{
	s->flags = FFA_MEM_FLAG_TIME_SLICE;
}
static void m_zero_flag(struct send *s)
{
	s->flags = FFA_MEM_FLAG_ZERO;
}
static void m_type_flag(struct send *s)
{
	s->flags = FFA_MEM_TYPE_SHARE << 3;
}
static void m_two_receivers(struct send *s)
{
	s->nrecv = 2;
	s->recv[1] = (struct ffa_mem_receiver){.id = C};
}
static void m_unknown_sp(struct send *s)
{
	s->recv[0].id = 0x8009;
}
static void m_nwd_receiver(struct send *s)
{
	s->recv[0].id = VM1;
}
static void m_nwd_coborrower(struct send *s)
{
	s->nrecv = 2;
	s->recv[1] = (struct ffa_mem_receiver){.id = VM1, .perms = RW};
}
static void m_no_data_perm(struct send *s)
{
	s->recv[0].perms = 0;
}
static void m_insn_perm(struct send *s)
{
	s->recv[0].perms = RW | NX;
}
static void m_reserved_perm(struct send *s)
{
	s->recv[0].perms = 3;
}
static void m_data_perm(struct send *s)
{
	s->recv[0].perms = RW;
}
static void m_ns_attr(struct send *s)
{
	s->attributes |= FFA_MEM_ATTR_NS;
}
static void m_reserved_attr(struct send *s)
{
	s->attributes |= 0x100;
}
static void m_type_attr(struct send *s)
{
	s->attributes = WB;
}
static void m_uncached(struct send *s)
{
	s->attributes = FFA_MEM_ATTR_TYPE_NORMAL | 0x4 | FFA_MEM_ATTR_SHARE_INNER;
}
static void m_outer(struct send *s)
{
	s->attributes = FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_CACHE_WB | 0x2;
}
static void m_device(struct send *s)
{
	s->attributes = FFA_MEM_ATTR_TYPE_DEVICE;
}
static void m_unspecified(struct send *s)
{
	s->attributes = 0;
}
static void m_overlap(struct send *s)
{
	s->nranges = 2;
	ranges[1] = (struct ffa_mem_range){ranges[0].base + PG, 1}; /* inside the first */
	ranges[0].pages = 2;
}
static void m_secure_from_nwd(struct send *s)
{
	ranges[0].base = 0x0e340000;
	(void)s;
}
static void m_other_sps(struct send *s)
{
	ranges[0].base = 0x0e400000;
	(void)s;
}
static void m_nobodys(struct send *s)
{
	ranges[0].base = 0x0e100000; /* the SPMC's */
	(void)s;
}
static void m_huge_address(struct send *s)
{
	ranges[0].base = 1ULL << 50;
	(void)s;
}
static void m_mixed_security(struct send *s)
{
	s->nranges = 2;
	ranges[1] = (struct ffa_mem_range){NS_BASE, 1};
}
static void m_spans_kinds(struct send *s)
{
	ranges[0] = (struct ffa_mem_range){0x0e33f000, 2}; /* image (RWX) and data (RW) */
	(void)s;
}
static void m_readonly_rw(struct send *s)
{
	ranges[0] = (struct ffa_mem_range){0x0e500000, 1}; /* C's read-only memory */
	(void)s;
}
static void m_own_buffer(struct send *s)
{
	ranges[0] = (struct ffa_mem_range){NS_BASE + 0x101000, 1}; /* its RX buffer */
	(void)s;
}
static void m_unaligned(struct send *s)
{
	ranges[0].base += 8;
	(void)s;
}
static void m_empty_range(struct send *s)
{
	ranges[0].pages = 0;
	(void)s;
}
static void m_wraps(struct send *s)
{
	ranges[0] = (struct ffa_mem_range){0xFFFFFFFFFFFFF000ULL, 2};
	(void)s;
}
static void m_self(struct send *s)
{
	s->recv[0].id = s->sender;
}
static void m_duplicate(struct send *s)
{
	s->nrecv = 2;
	s->recv[1] = s->recv[0];
}

static void hostile_sends(void **state)
{
	(void)state;
	const struct bad_send bad[] = {
		{"a partition sending as another", &SA, FFA_MEM_TYPE_SHARE, m_sender_other_sp,
		 FFA_DENIED},
		{"the normal world sending as a partition", &NW, FFA_MEM_TYPE_SHARE,
		 m_sender_secure_from_nwd, FFA_DENIED},
		{"time slicing", &NW, FFA_MEM_TYPE_SHARE, m_time_slice, FFA_INVALID_PARAMETERS},
		{"zeroing shared memory", &NW, FFA_MEM_TYPE_SHARE, m_zero_flag,
		 FFA_INVALID_PARAMETERS},
		{"a type in the send flags", &NW, FFA_MEM_TYPE_SHARE, m_type_flag,
		 FFA_INVALID_PARAMETERS},
		{"a donation to two", &NW, FFA_MEM_TYPE_DONATE, m_two_receivers,
		 FFA_INVALID_PARAMETERS},
		{"an unknown partition", &NW, FFA_MEM_TYPE_SHARE, m_unknown_sp,
		 FFA_INVALID_PARAMETERS},
		{"a loan to the normal world", &NW, FFA_MEM_TYPE_LEND, m_nwd_receiver, FFA_DENIED},
		{"a partition sharing with a VM", &SA, FFA_MEM_TYPE_SHARE, m_nwd_coborrower,
		 FFA_DENIED},
		{"share without data access", &NW, FFA_MEM_TYPE_SHARE, m_no_data_perm,
		 FFA_INVALID_PARAMETERS},
		{"instruction access by the sender", &NW, FFA_MEM_TYPE_SHARE, m_insn_perm,
		 FFA_INVALID_PARAMETERS},
		{"reserved data access", &NW, FFA_MEM_TYPE_SHARE, m_reserved_perm,
		 FFA_INVALID_PARAMETERS},
		{"a donation with data access", &NW, FFA_MEM_TYPE_DONATE, m_data_perm,
		 FFA_INVALID_PARAMETERS},
		{"the NS bit from a sender", &NW, FFA_MEM_TYPE_SHARE, m_ns_attr,
		 FFA_INVALID_PARAMETERS},
		{"reserved attribute bits", &NW, FFA_MEM_TYPE_SHARE, m_reserved_attr,
		 FFA_INVALID_PARAMETERS},
		{"attributes for one borrower of a lend", &NW, FFA_MEM_TYPE_LEND, m_type_attr,
		 FFA_INVALID_PARAMETERS},
		{"non-cacheable", &NW, FFA_MEM_TYPE_SHARE, m_uncached, FFA_DENIED},
		{"outer shareable", &NW, FFA_MEM_TYPE_SHARE, m_outer, FFA_DENIED},
		{"device memory", &NW, FFA_MEM_TYPE_SHARE, m_device, FFA_DENIED},
		{"unspecified attributes in a share", &NW, FFA_MEM_TYPE_SHARE, m_unspecified,
		 FFA_DENIED},
		{"overlapping ranges", &NW, FFA_MEM_TYPE_SHARE, m_overlap, FFA_INVALID_PARAMETERS},
		{"secure memory from the normal world", &NW, FFA_MEM_TYPE_SHARE, m_secure_from_nwd,
		 FFA_DENIED},
		{"another partition's memory", &SA, FFA_MEM_TYPE_SHARE, m_other_sps, FFA_DENIED},
		{"nobody's memory", &SA, FFA_MEM_TYPE_SHARE, m_nobodys, FFA_DENIED},
		{"beyond any memory", &NW, FFA_MEM_TYPE_SHARE, m_huge_address, FFA_DENIED},
		{"secure and non-secure together", &SA, FFA_MEM_TYPE_SHARE, m_mixed_security,
		 FFA_DENIED},
		{"a range over memory of two kinds", &SA, FFA_MEM_TYPE_SHARE, m_spans_kinds,
		 FFA_DENIED},
		{"read-only memory given read-write", &SC, FFA_MEM_TYPE_SHARE, m_readonly_rw,
		 FFA_DENIED},
		{"its own RX buffer", &NW, FFA_MEM_TYPE_SHARE, m_own_buffer, FFA_DENIED},
		{"an unaligned range", &NW, FFA_MEM_TYPE_SHARE, m_unaligned,
		 FFA_INVALID_PARAMETERS},
		{"an empty range", &NW, FFA_MEM_TYPE_SHARE, m_empty_range, FFA_INVALID_PARAMETERS},
		{"a range that wraps", &NW, FFA_MEM_TYPE_SHARE, m_wraps, FFA_INVALID_PARAMETERS},
		{"sharing with oneself", &SA, FFA_MEM_TYPE_SHARE, m_self, FFA_INVALID_PARAMETERS},
		{"a receiver twice", &NW, FFA_MEM_TYPE_SHARE, m_duplicate, FFA_INVALID_PARAMETERS},
	};
	/* Something in a transaction already, so that refusals have state to keep. */
	struct send keep = share_to(NWD, B, RW, NS_BASE + 0x200000, 4);
	uint64_t kept = send_ok(&NW, FFA_MEM_TYPE_SHARE, &keep);
	retrieve_ok(&SB, NWD, kept, RW);

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct mem_caller *c = bad[i].c;
		ffa_id_t self = c->nwd ? NWD : c->id;
		uint64_t base = c->nwd ? NS_BASE + 0x7000 : c->id == A ? 0x0e344000 : 0x0e510000;
		bool single = bad[i].type != FFA_MEM_TYPE_SHARE;
		struct send s = share_to(self, self == A ? B : A,
					 bad[i].type == FFA_MEM_TYPE_DONATE ? 0 : RW, base, 1);
		s.attributes = single ? 0 : WB;
		bad[i].mutate(&s);
		snapshot();
		struct ffa_value v = send(c, bad[i].type, &s);
		if (v.x[0] != FFA_ERROR_32 || (int32_t)v.x[2] != bad[i].err) {
			fail_msg("%s: x0 0x%llx w2 %d, want %d", bad[i].what,
				 (unsigned long long)v.x[0], (int32_t)v.x[2], bad[i].err);
		}
		assert_unchanged();
	}
	/* The same memory twice: DENIED (it is in a transaction). */
	keep = share_to(NWD, B, RW, NS_BASE + 0x200000, 4);
	snapshot();
	assert_refused(send(&NW, FFA_MEM_TYPE_SHARE, &keep), FFA_DENIED);
	keep = share_to(NWD, A, RW, NS_BASE + 0x203000, 2); /* one page of it */
	keep.attributes = 0;
	assert_refused(send(&NW, FFA_MEM_TYPE_LEND, &keep), FFA_DENIED);
	/* Lengths: a fragment longer than the total, not in 16-byte units, a wrong total. */
	struct send s = share_to(NWD, A, RW, NS_BASE, 1);
	uint32_t len = write_send(&s, NW.version);
	assert_refused(mem_send(&NW, FFA_MEM_TYPE_SHARE, len - 16, desc, len),
		       FFA_INVALID_PARAMETERS);
	assert_refused(mem_send(&NW, FFA_MEM_TYPE_SHARE, len + 8, desc, len + 8),
		       FFA_INVALID_PARAMETERS);
	assert_refused(mem_send(&NW, FFA_MEM_TYPE_SHARE, len + 16, desc, len + 16),
		       FFA_INVALID_PARAMETERS);
	/* A total page count that is not the sum. */
	desc[ffa_mem_desc_head_size(NW.version, 1) - 16] = 2;
	assert_refused(mem_send(&NW, FFA_MEM_TYPE_SHARE, len, desc, len), FFA_INVALID_PARAMETERS);
	/* A handle in the send descriptor. */
	s = share_to(NWD, A, RW, NS_BASE, 1);
	len = write_send(&s, NW.version);
	desc[8] = 1;
	assert_refused(mem_send(&NW, FFA_MEM_TYPE_SHARE, len, desc, len), FFA_INVALID_PARAMETERS);
	/* After all that, the valid one still goes. */
	s = share_to(NWD, A, RW, NS_BASE, 1);
	uint64_t h = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_ok(relinquish(&SB, kept, 0, B));
	assert_ok(mem_reclaim(&NW, kept, 0));
	assert_empty();
}

/* --- hostile borrowers ---------------------------------------------------------------- */

static void hostile_retrieves(void **state)
{
	(void)state;
	struct send s = share_to(NWD, A, RO, NS_BASE + 0x20000, 1);
	uint64_t share = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	s = share_to(NWD, A, RW, NS_BASE + 0x30000, 1);
	s.attributes = 0;
	uint64_t lend = send_ok(&NW, FFA_MEM_TYPE_LEND, &s);
	snapshot();
	assert_refused(retrieve(&SA, NWD, 0x123450000ULL | 7, RO, 0), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share | 1ULL << 63, RO, 0), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, VM1, share, RO, 0), FFA_DENIED); /* wrong sender */
	assert_refused(retrieve(&SA, NWD, share, RW, 0), FFA_DENIED); /* more than given */
	assert_refused(retrieve(&SA, NWD, share, RO | NX, 0), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, 3, 0), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, FFA_MEM_TYPE_LEND << 3),
		       FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, FFA_MEM_FLAG_ZERO), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, FFA_MEM_FLAG_ZERO_AFTER_RELINQUISH),
		       FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, 1U << 9 | 1U << 5), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, FFA_MEM_FLAG_TIME_SLICE),
		       FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, NWD, share, RO, 1U << 12), FFA_INVALID_PARAMETERS);
	/* Zeroing before retrieval is for the lender to allow. */
	assert_refused(retrieve(&SA, NWD, lend, RW | NX, FFA_MEM_FLAG_ZERO), FFA_DENIED);
	/* The normal world is no borrower here; a partition is no hypervisor. */
	assert_refused(retrieve(&NW, NWD, share, RO, 0), FFA_INVALID_PARAMETERS);
	memset(desc, 0, 48);
	memcpy(desc + 8, &share, 8);
	assert_refused(mem_retrieve(&SA, desc, 48, rx, 4096), FFA_INVALID_PARAMETERS);
	/* The NS bit, or attributes tzvisor does not map, in the request. */
	uint32_t len = write_request(&SA, NWD, share, RO, 0);
	desc[2] = FFA_MEM_ATTR_NS;
	assert_refused(mem_retrieve(&SA, desc, len, rx, 4096), FFA_INVALID_PARAMETERS);
	desc[2] = FFA_MEM_ATTR_TYPE_DEVICE;
	assert_refused(mem_retrieve(&SA, desc, len, rx, 4096), FFA_DENIED);
	desc[2] = WB;
	assert_int_equal(mem_retrieve(&SA, desc, len, rx, 4096).x[0], FFA_MEM_RETRIEVE_RESP_32);
	/* Twice: DENIED. */
	snapshot();
	assert_refused(retrieve(&SA, NWD, share, RO, 0), FFA_DENIED);
	/* A borrower marking itself a non-retrieval borrower: INVALID. */
	len = write_request(&SA, NWD, lend, RW | NX, 0);
	desc[ffa_mem_desc_head_size(SA.version, 1) - 16 - 16 + 3] = 1;
	assert_refused(mem_retrieve(&SA, desc, len, rx, 4096), FFA_INVALID_PARAMETERS);
	/* The role cannot map: NO_MEMORY, or DENIED (its IPA space is taken); nothing changes. */
	fail_map = FFA_NO_MEMORY;
	assert_refused(retrieve(&SA, NWD, lend, RW | NX, 0), FFA_NO_MEMORY);
	fail_map = FFA_DENIED;
	assert_refused(retrieve(&SA, NWD, lend, RW | NX, 0), FFA_DENIED);
	retrieve_ok(&SA, NWD, lend, RW | NX);

	/* Relinquish: by a borrower holding it, as itself, one endpoint, valid flags. */
	snapshot();
	assert_refused(relinquish(&SB, share, 0, B), FFA_INVALID_PARAMETERS);
	assert_refused(relinquish(&SA, share, 0, B), FFA_INVALID_PARAMETERS);
	assert_refused(relinquish(&NW, share, 0, NWD), FFA_INVALID_PARAMETERS);
	assert_refused(relinquish(&SA, share, 4, A), FFA_INVALID_PARAMETERS);
	assert_refused(relinquish(&SA, share, FFA_MEM_FLAG_TIME_SLICE, A), FFA_INVALID_PARAMETERS);
	assert_refused(relinquish(&SA, share, FFA_MEM_RELINQUISH_FLAG_ZERO, A),
		       FFA_INVALID_PARAMETERS); /* shared: the sender still has it */
	assert_refused(relinquish(&SA, 0x99, 0, A), FFA_INVALID_PARAMETERS);
	fail_zero = 1;
	assert_refused(relinquish(&SA, lend, FFA_MEM_RELINQUISH_FLAG_ZERO, A), FFA_NO_MEMORY);
	assert_ok(relinquish(&SA, lend, FFA_MEM_RELINQUISH_FLAG_ZERO, A));
	assert_int_equal(zeroed_pages, 1);
	snapshot();
	assert_refused(relinquish(&SA, lend, 0, A), FFA_INVALID_PARAMETERS); /* twice */

	/* Reclaim: the sender's own, valid flags. */
	assert_refused(mem_reclaim(&SA, share, 0), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&NW, share, 4), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&NW, share, FFA_MEM_FLAG_TIME_SLICE), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&NW, share, 0), FFA_DENIED); /* A still has it */
	assert_ok(relinquish(&SA, share, 0, A));
	fail_zero = 1;
	snapshot();
	assert_refused(mem_reclaim(&NW, share, FFA_MEM_RELINQUISH_FLAG_ZERO), FFA_NO_MEMORY);
	assert_ok(mem_reclaim(&NW, share, FFA_MEM_RELINQUISH_FLAG_ZERO));
	assert_ok(mem_reclaim(&NW, lend, 0));
	assert_empty();
}

/* Read-only borrowers cannot ask for their memory to be zeroed. */
static void zeroing(void **state)
{
	(void)state;
	struct send s = share_to(A, B, RW, 0x0e348000, 2);
	s.attributes = 0;
	s.flags = FFA_MEM_FLAG_ZERO;
	/* The zero flag on a loan: zeroed at the loan, after the lender lost it. */
	uint64_t h = send_ok(&SA, FFA_MEM_TYPE_LEND, &s);
	assert_int_equal(zeroed_pages, 2);
	retrieve_ok(&SB, A, h, RO | NX);
	snapshot();
	assert_refused(relinquish(&SB, h, FFA_MEM_RELINQUISH_FLAG_ZERO, B), FFA_DENIED);
	assert_ok(relinquish(&SB, h, 0, B));
	/* Asked for at retrieval (and allowed by the lender's flag): done at relinquish. */
	assert_int_equal(
		retrieve(&SB, A, h, RW | NX, FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER_RELINQUISH)
			.x[0],
		FFA_MEM_RETRIEVE_RESP_32);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_int_equal(zeroed_pages, 4);
	assert_ok(mem_reclaim(&SA, h, 0));
	/* A loan that cannot be zeroed, or unmapped, changes nothing. */
	fail_zero = 1;
	snapshot();
	assert_refused(send(&SA, FFA_MEM_TYPE_LEND, &s), FFA_NO_MEMORY);
	fail_unmap = 1;
	assert_refused(send(&SA, FFA_MEM_TYPE_LEND, &s), FFA_NO_MEMORY);
	assert_empty();
}

/* --- the hypervisor's view -------------------------------------------------------------- */

static void hypervisor_retrieve(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 400; i++) {
		ranges[i] = (struct ffa_mem_range){NS_BASE + 0x1000000 + i * 3 * PG, 2};
	}
	struct send s = {.sender = VM1,
			 .attributes = WB,
			 .tag = 5,
			 .nrecv = 2,
			 .recv = {{.id = A, .perms = RW}, {.id = B, .perms = RO}},
			 .nranges = 400};
	uint32_t total = write_send(&s, NW.version);
	struct ffa_value v = mem_send(&NW, FFA_MEM_TYPE_SHARE, total, desc, 4096);
	assert_int_equal(v.x[4], (uint32_t)VM1 << 16);
	uint64_t h = v.x[1] | v.x[2] << 32;
	v = mem_send_continue(&NW, h, (uint32_t)VM1 << 16, desc + 4096, total - 4096);
	assert_int_equal(handle_of(v), h);
	static uint8_t sent[8192];
	memcpy(sent, desc, total);

	/* The handle alone, everything else zero: the whole descriptor, as sent. */
	memset(desc, 0, 48);
	memcpy(desc + 8, &h, 8);
	v = mem_retrieve(&NW, desc, 48, rx, 4096);
	assert_int_equal(v.x[0], FFA_MEM_RETRIEVE_RESP_32);
	assert_int_equal(v.x[1], total);
	static uint8_t whole[8192];
	uint32_t got = (uint32_t)v.x[2];
	memcpy(whole, rx, got);
	/* One at a time. */
	snapshot();
	assert_refused(mem_retrieve(&NW, desc, 48, rx, 4096), FFA_DENIED);
	while (got < total) {
		assert_refused(mem_retrieve_continue(&NW, h, got, 0, rx, 4096),
			       FFA_INVALID_PARAMETERS); /* w4 names the sender */
		v = mem_retrieve_continue(&NW, h, got, (uint32_t)VM1 << 16, rx, 4096);
		assert_int_equal(v.x[0], FFA_MEM_FRAG_TX_32);
		assert_int_equal(v.x[4], (uint32_t)VM1 << 16);
		memcpy(whole + got, rx, v.x[3]);
		got += (uint32_t)v.x[3];
	}
	/* Identical but for the handle and the transaction type the relayer fills in. */
	assert_int_equal(whole[4], FFA_MEM_TYPE_SHARE << 3);
	whole[4] = 0;
	assert_memory_equal(whole + 8, &h, 8);
	memset(whole + 8, 0, 8);
	assert_memory_equal(whole, sent, total);
	/* Done: it may ask again. */
	assert_int_equal(mem_retrieve(&NW, desc, 48, rx, 4096).x[0], FFA_MEM_RETRIEVE_RESP_32);
	/* Not for a partition's transactions. */
	struct send sp = share_to(A, B, RW, 0x0e346000, 1);
	uint64_t hs = send_ok(&SA, FFA_MEM_TYPE_SHARE, &sp);
	memcpy(desc + 8, &hs, 8);
	snapshot();
	assert_refused(mem_retrieve(&NW, desc, 48, rx, 4096), FFA_INVALID_PARAMETERS);
	assert_ok(mem_reclaim(&SA, hs, 0));
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* Each reader in its own layout: v1.0 without the NS bit unless it asked, v1.2 EMADs of 32. */
static void versions(void **state)
{
	(void)state;
	const struct mem_caller nw10 = {.id = NWD, .nwd = true, .version = FFA_VERSION_1_0};
	struct send s = share_to(NWD, C, RW, NS_BASE + 0x40000, 1);
	s.recv[0].impdef[0] = 0xAB;
	uint64_t h = send_ok(&nw10, FFA_MEM_TYPE_SHARE, &s);
	struct ffa_value v = retrieve(&SC, NWD, h, RW, 0);
	struct ffa_mem_range got[1];
	struct ffa_mem_txn t = parse_response(&SC, (uint32_t)v.x[2], got);
	assert_int_equal(v.x[2], 32 + 16 + 16 + 16);
	assert_int_equal(t.attributes, WB); /* no NS bit for a v1.0 reader that did not ask */
	assert_ok(relinquish(&SC, h, 0, C));
	struct mem_caller c_ns = SC;
	c_ns.ns_bit = true;
	v = retrieve(&c_ns, NWD, h, RW, 0);
	t = parse_response(&c_ns, (uint32_t)v.x[2], got);
	assert_int_equal(t.attributes, WB | FFA_MEM_ATTR_NS);
	assert_ok(relinquish(&SC, h, 0, C));
	assert_ok(mem_reclaim(&nw10, h, 0));
	/* A v1.2 sender's impdef bytes reach a v1.2 reader. */
	s = share_to(NWD, B, RW, NS_BASE + 0x40000, 1);
	s.recv[0].impdef[0] = 0xAB;
	s.recv[0].impdef[1] = 0xCD;
	h = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	v = retrieve(&SB, NWD, h, RW, 0);
	t = parse_response(&SB, (uint32_t)v.x[2], got);
	assert_int_equal(v.x[2], 48 + 32 + 16 + 16);
	assert_int_equal(t.receivers[0].impdef[0], 0xAB);
	assert_int_equal(t.receivers[0].impdef[1], 0xCD);
	assert_ok(relinquish(&SB, h, 0, B));
	assert_ok(mem_reclaim(&NW, h, 0));
	assert_empty();
}

/* A partition that stops gives back what it borrowed: its lenders can reclaim. */
static void stopped_borrower(void **state)
{
	(void)state;
	struct send s = share_to(NWD, A, RW, NS_BASE + 0x60000, 2);
	uint64_t h1 = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	s = share_to(B, A, RW, 0x0e410000, 1);
	s.attributes = 0;
	uint64_t h2 = send_ok(&SB, FFA_MEM_TYPE_LEND, &s);
	retrieve_ok(&SA, NWD, h1, RW);
	retrieve_ok(&SA, B, h2, RW | NX);
	/* A fragmented send of A's own, unfinished, goes too. */
	for (unsigned int i = 0; i < 300; i++) {
		ranges[i] = (struct ffa_mem_range){0x0e340000 + i * PG, 1};
	}
	struct send big = {.sender = A,
			   .attributes = WB,
			   .nrecv = 1,
			   .recv = {{.id = B, .perms = RW}},
			   .nranges = 300};
	uint32_t total = write_send(&big, SA.version);
	assert_int_equal(mem_send(&SA, FFA_MEM_TYPE_SHARE, total, desc, 4096).x[0],
			 FFA_MEM_FRAG_RX_32);
	mem_endpoint_stopped(A);
	assert_int_equal(mapped(A, NS_BASE + 0x60000), -1);
	assert_int_equal(mapped(A, 0x0e410000), -1);
	assert_ok(mem_reclaim(&NW, h1, 0));
	assert_ok(mem_reclaim(&SB, h2, 0));
	assert_empty();
}

/*
 * A sender that stops (mem_sender_stopped): what nobody holds is reclaimed
 * for it at once, what a borrower holds when the last borrower leaves;
 * meanwhile nobody retrieves it and nobody reclaims it; nothing is left.
 */
static void stopped_sender(void **state)
{
	(void)state;
	struct mem_stopped st;
	/* B lends A two pages: A retrieves the first. */
	struct send s = share_to(B, A, RW, 0x0e410000, 1);
	s.attributes = 0;
	uint64_t h1 = send_ok(&SB, FFA_MEM_TYPE_LEND, &s);
	s = share_to(B, A, RW, 0x0e411000, 1);
	s.attributes = 0;
	uint64_t h2 = send_ok(&SB, FFA_MEM_TYPE_LEND, &s);
	/* B shares a page with A and C: A retrieves it, C not yet. */
	s = share_to(B, A, RW, 0x0e412000, 1);
	s.nrecv = 2;
	s.recv[1] = (struct ffa_mem_receiver){.id = C, .perms = RO};
	uint64_t h3 = send_ok(&SB, FFA_MEM_TYPE_SHARE, &s);
	/* The normal world shares a page with A (retrieved) and lends one (not retrieved). */
	s = share_to(NWD, A, RW, NS_BASE + 0x70000, 1);
	uint64_t h4 = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	s = share_to(NWD, A, RW, NS_BASE + 0x71000, 1);
	s.attributes = 0;
	uint64_t h5 = send_ok(&NW, FFA_MEM_TYPE_LEND, &s);
	retrieve_ok(&SA, B, h1, RW | NX);
	retrieve_ok(&SA, B, h3, RW);
	retrieve_ok(&SA, NWD, h4, RW);
	assert_true(lent_away(B, 0x0e410000) && lent_away(B, 0x0e411000));

	/* A normal-world endpoint with B's ID is somebody else: nothing happens. */
	snapshot();
	mem_sender_stopped(B, true, &st);
	assert_int_equal(st.dropped + st.reclaimed + st.held, 0);
	assert_unchanged();

	mem_sender_stopped(B, false, &st);
	assert_int_equal(st.reclaimed, 1); /* h2: back in B's stage 2 */
	assert_int_equal(st.held, 2); /* h1, h3: A still has them */
	assert_int_equal(mem_share_orphans(), 2);
	assert_int_equal(st.dropped, 0);
	assert_false(lent_away(B, 0x0e411000));
	assert_true(lent_away(B, 0x0e410000));
	assert_int_equal(mapped(A, 0x0e410000), MM_W);
	assert_int_equal(mapped(A, 0x0e412000), MM_W);
	/* Orphans: no new borrower, no reclaim (also not by a B that comes back), h2 is gone. */
	snapshot();
	assert_refused(retrieve(&SC, B, h3, RO, 0), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&SB, h1, 0), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&SB, h3, 0), FFA_INVALID_PARAMETERS);
	assert_refused(retrieve(&SA, B, h2, RW, 0), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&SB, h2, 0), FFA_INVALID_PARAMETERS);
	/* Stopping again changes nothing (what borrowers hold is counted again). */
	mem_sender_stopped(B, false, &st);
	assert_int_equal(st.dropped + st.reclaimed, 0);
	assert_int_equal(st.held, 2);
	assert_unchanged();

	/* A gives h1 back: the last borrower, so B has the page again and the handle is gone. */
	assert_ok(relinquish(&SA, h1, 0, A));
	assert_int_equal(mem_share_orphans(), 1);
	assert_false(lent_away(B, 0x0e410000));
	assert_int_equal(mapped(A, 0x0e410000), -1);
	snapshot();
	assert_refused(retrieve(&SA, B, h1, RW, 0), FFA_INVALID_PARAMETERS);

	/* The normal world's turn: h5 reclaimed, h4 held by A. */
	mem_sender_stopped(NWD, true, &st);
	assert_int_equal(st.reclaimed, 1);
	assert_int_equal(st.held, 1);
	snapshot();
	assert_refused(mem_reclaim(&NW, h4, 0), FFA_INVALID_PARAMETERS);
	assert_refused(mem_reclaim(&NW, h5, 0), FFA_INVALID_PARAMETERS);
	/* A stops: it held h3 and h4, the last of each: nothing is left. */
	assert_int_equal(mem_share_orphans(), 2);
	mem_endpoint_stopped(A);
	assert_int_equal(mem_share_orphans(), 0);
	assert_empty();
}

/* A sender stopped in the middle of a fragmented send: the descriptor is dropped. */
static void stopped_sender_fragments(void **state)
{
	(void)state;
	struct mem_stopped st;
	for (unsigned int i = 0; i < 300; i++) {
		ranges[i] = (struct ffa_mem_range){NS_BASE + 0x200000 + i * 2 * PG, 1};
	}
	struct send big = {.sender = NWD,
			   .attributes = WB,
			   .nrecv = 1,
			   .recv = {{.id = A, .perms = RW}},
			   .nranges = 300};
	uint32_t total = write_send(&big, NW.version);
	struct ffa_value v = mem_send(&NW, FFA_MEM_TYPE_SHARE, total, desc, 4096);
	assert_int_equal(v.x[0], FFA_MEM_FRAG_RX_32);
	uint64_t h = v.x[1] | v.x[2] << 32;
	mem_sender_stopped(NWD, true, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.reclaimed + st.held, 0);
	snapshot();
	assert_refused(mem_send_continue(&NW, h, 0, desc + 4096, 4096), FFA_INVALID_PARAMETERS);
	assert_empty();
}

/* Every table is bounded: full is NO_MEMORY, and nothing leaks. */
static void tables_full(void **state)
{
	(void)state;
	uint64_t h[MEM_MAX_TXNS];
	for (unsigned int i = 0; i < MEM_MAX_TXNS; i++) {
		struct send s = share_to(NWD, A, RW, NS_BASE + i * 2 * PG, 1);
		h[i] = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	}
	struct send s = share_to(NWD, A, RW, NS_BASE + 0x900000, 1);
	snapshot();
	assert_refused(send(&NW, FFA_MEM_TYPE_SHARE, &s), FFA_NO_MEMORY);
	for (unsigned int i = 0; i < MEM_MAX_TXNS; i++) {
		assert_ok(mem_reclaim(&NW, h[i], 0));
	}
	assert_empty();
	/* The range pool: MEM_MAX_RANGES in all (adjacent pages: one ledger entry). */
	for (unsigned int i = 0; i < MEM_MAX_RANGES; i++) {
		ranges[i] = (struct ffa_mem_range){NS_BASE + 0x2000000 + i * PG, 1};
	}
	s = (struct send){.sender = NWD,
			  .attributes = WB,
			  .nrecv = 1,
			  .recv = {{.id = A, .perms = RW}},
			  .nranges = MEM_MAX_RANGES};
	uint64_t all = send_ok(&NW, FFA_MEM_TYPE_SHARE, &s);
	s = share_to(NWD, A, RW, NS_BASE + 0x0f000000, 1);
	snapshot();
	assert_refused(send(&NW, FFA_MEM_TYPE_SHARE, &s), FFA_NO_MEMORY);
	assert_ok(mem_reclaim(&NW, all, 0));
	assert_empty();
	/*
	 * The ledger: donations leave entries behind (normal-world pages that are
	 * B's now); the one that needs an entry more is NO_MEMORY.
	 */
	unsigned int n = 0;
	for (;; n++) {
		struct send d = share_to(NWD, B, 0, NS_BASE + 0x4000000 + n * 2 * PG, 1);
		d.attributes = 0;
		struct ffa_value v = send(&NW, FFA_MEM_TYPE_DONATE, &d);
		if (v.x[0] == FFA_ERROR_32) {
			assert_err(v, FFA_NO_MEMORY);
			break;
		}
		retrieve_ok(&SB, NWD, handle_of(v), RW | NX);
		assert_true(n < MEM_MAX_SPANS);
	}
	struct mem_share_stats st;
	mem_share_stats(&st);
	assert_int_equal(st.txns, 0);
	assert_int_equal(st.spans, MEM_MAX_SPANS);
}

/* --- property test ------------------------------------------------------------------ */

static uint64_t rng = 0x243F6A8885A308D3ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct live {
	uint64_t handle;
	const struct mem_caller *sender;
	enum ffa_mem_type type;
	uint64_t base;
	uint32_t pages;
	ffa_id_t borrowers[2];
	unsigned int nb;
	bool holding[2];
};

/*
 * Random shares, lends, retrieves, relinquishes and reclaims from the
 * normal world and A, B, C over a small address window (so that they
 * collide), each checked against a model: the memory of live transactions
 * never overlaps, borrowers map exactly what they hold, lenders lose lent
 * memory, reclaim works exactly when nobody holds it. At the end
 * everything is reclaimed and nothing is left.
 */
static void property(void **state)
{
	(void)state;
	const struct mem_caller *who[] = {&NW, &SA, &SB, &SC};
	const uint64_t window[] = {NS_BASE, 0x0e340000, 0x0e400000, 0x0e510000};
	struct live live[64];
	unsigned int nlive = 0;

	for (unsigned int step = 0; step < 20000; step++) {
		unsigned int op = rnd(6);
		if (op <= 1 && nlive < MEM_MAX_TXNS) {
			/* Send: a random range of the sender's window (possibly in use). */
			unsigned int s = rnd(4);
			const struct mem_caller *c = who[s];
			enum ffa_mem_type type = op == 0 ? FFA_MEM_TYPE_SHARE : FFA_MEM_TYPE_LEND;
			ffa_id_t self = c->nwd ? NWD : c->id;
			ffa_id_t b0 = (ffa_id_t)(A + rnd(3));
			if (b0 == self) {
				continue;
			}
			struct send d = share_to(self, b0, c->id == C ? RO : RW,
						 window[s] + rnd(10) * PG, 1 + rnd(3));
			d.attributes = type == FFA_MEM_TYPE_SHARE ? WB : 0;
			uint64_t before = mem_share_digest();
			struct ffa_value v = send(c, type, &d);
			/* Expected: refused exactly when the memory is taken. */
			bool taken = false;
			for (unsigned int i = 0; i < nlive; i++) {
				uint64_t e = live[i].base + live[i].pages * PG;
				taken = taken ||
					(live[i].base < ranges[0].base + ranges[0].pages * PG &&
					 ranges[0].base < e);
			}
			if (v.x[0] == FFA_ERROR_32) {
				assert_err(v, FFA_DENIED);
				assert_true(taken);
				assert_int_equal(mem_share_digest(), before);
				continue;
			}
			assert_false(taken);
			live[nlive++] = (struct live){.handle = handle_of(v),
						      .sender = c,
						      .type = type,
						      .base = ranges[0].base,
						      .pages = ranges[0].pages,
						      .borrowers = {b0},
						      .nb = 1};
			if (type == FFA_MEM_TYPE_LEND && !c->nwd) {
				assert_true(lent_away(self, ranges[0].base));
			}
		} else if (op == 2 && nlive > 0) {
			struct live *l = &live[rnd(nlive)];
			const struct mem_caller *c = who[l->borrowers[0] - 0x8000U];
			uint8_t perms = l->type == FFA_MEM_TYPE_LEND ? (RO | NX) : 0;
			struct ffa_value v = retrieve(c, l->sender->nwd ? NWD : l->sender->id,
						      l->handle, perms, 0);
			assert_int_equal(v.x[0] == FFA_MEM_RETRIEVE_RESP_32, !l->holding[0]);
			l->holding[0] = true;
			assert_true(mapped(c->id, l->base) >= 0);
		} else if (op == 3 && nlive > 0) {
			struct live *l = &live[rnd(nlive)];
			const struct mem_caller *c = who[l->borrowers[0] - 0x8000U];
			struct ffa_value v = relinquish(c, l->handle, 0, c->id);
			assert_int_equal(v.x[0] == FFA_SUCCESS_32, l->holding[0]);
			l->holding[0] = false;
			assert_int_equal(mapped(c->id, l->base), -1);
		} else if (op >= 4 && nlive > 0) {
			unsigned int k = rnd(nlive);
			struct live *l = &live[k];
			struct ffa_value v = mem_reclaim(l->sender, l->handle, 0);
			assert_int_equal(v.x[0] == FFA_SUCCESS_32, !l->holding[0]);
			if (v.x[0] == FFA_SUCCESS_32) {
				assert_false(lent_away(l->sender->id, l->base));
				live[k] = live[--nlive];
			}
		}
		/* Invariants: the core's count matches the model; mappings are as held. */
		struct mem_share_stats st;
		mem_share_stats(&st);
		assert_int_equal(st.txns, nlive);
		unsigned int held = 0, lent = 0;
		for (unsigned int i = 0; i < nlive; i++) {
			held += live[i].holding[0];
			lent += live[i].type == FFA_MEM_TYPE_LEND && !live[i].sender->nwd;
		}
		assert_int_equal(nmaps, held + lent);
	}
	for (unsigned int i = 0; i < nlive; i++) {
		if (live[i].holding[0]) {
			const struct mem_caller *c = who[live[i].borrowers[0] - 0x8000U];
			assert_ok(relinquish(c, live[i].handle, 0, c->id));
		}
		assert_ok(mem_reclaim(live[i].sender, live[i].handle, 0));
	}
	assert_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(share_cycle, setup),
		cmocka_unit_test_setup(lend_sp_to_sp, setup),
		cmocka_unit_test_setup(lend_executable, setup),
		cmocka_unit_test_setup(donate, setup),
		cmocka_unit_test_setup(lend_across_kinds, setup),
		cmocka_unit_test_setup(donate_back_read_only, setup),
		cmocka_unit_test_setup(several_borrowers, setup),
		cmocka_unit_test_setup(request_with_all_borrowers, setup),
		cmocka_unit_test_setup(fragments_both_ways, setup),
		cmocka_unit_test_setup(abandoned_fragments, setup),
		cmocka_unit_test_setup(hostile_sends, setup),
		cmocka_unit_test_setup(hostile_retrieves, setup),
		cmocka_unit_test_setup(zeroing, setup),
		cmocka_unit_test_setup(hypervisor_retrieve, setup),
		cmocka_unit_test_setup(versions, setup),
		cmocka_unit_test_setup(stopped_borrower, setup),
		cmocka_unit_test_setup(stopped_sender, setup),
		cmocka_unit_test_setup(stopped_sender_fragments, setup),
		cmocka_unit_test_setup(tables_full, setup),
		cmocka_unit_test_setup(property, setup),
	};
	return cmocka_run_group_tests_name("mem_share", tests, NULL, NULL);
}
