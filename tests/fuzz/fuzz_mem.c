/*
 * Fuzz target: sequences of memory-sharing calls (src/ffa/mem_share.c) from
 * the normal world and three partitions, well-formed, corrupted and random,
 * with the role faked and failing on demand, against a model of what must
 * hold after every call:
 *   - a refused call changes nothing: the core's tables (mem_share_digest)
 *     and every mapping the role was asked for;
 *   - the role is never asked to map what is mapped or unmap what is not;
 *   - a call succeeds only when the model says it may (a retrieve by a
 *     borrower not holding the memory, a relinquish by one holding it, a
 *     reclaim by the sender when nobody holds it, a fragment in sequence);
 *   - memory is in at most one live transaction;
 *   - a borrower's mappings exist exactly while it holds a transaction; a
 *     lending partition's memory is unmapped exactly while lent or donated;
 *   - a retrieve response describes the transaction as it was sent;
 *   - at the end, with every partition stopped and everything reclaimed,
 *     the tables are empty and only donations are left mapped.
 * A violation aborts (ASan and UBSan catch the rest). make test runs it
 * under the deterministic driver over tests/fuzz/seeds_mem/; make fuzz under
 * libFuzzer. The model learns each transaction by parsing the descriptor
 * the core accepted (the parser has its own tests and fuzz target).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mm.h"
#include "ffa/mem_ledger.h"
#include "ffa/mem_share.h"
#include "fake_mem_role.h"

#define PG 4096ULL
#define NS_BASE 0x40000000ULL
#define NS_END 0x50000000ULL
#define A 0x8001U
#define B 0x8002U
#define C 0x8003U
#define NWD1 0x0001U /* a second normal-world endpoint */
#define DONATED 0xFFFFU /* a mapping that is its holder's own now */

#define CHECK_THAT(c)            \
	do {                     \
		if (!(c)) {      \
			abort(); \
		}                \
	} while (0)

/* The input, a byte at a time (zeros past its end). */
static const uint8_t *in;
static size_t in_len, in_at;

static uint8_t byte(void)
{
	return in_at < in_len ? in[in_at++] : 0;
}

/* --- the role: who owns what, and the mappings it was asked for ------------------- */

static const struct mem_piece pieces[] = {
	{0x0e300000, 0x0e340000, A, MM_W | MM_X}, /* code and data, then data */
	{0x0e340000, 0x0e380000, A, MM_W},	  {0x0e400000, 0x0e480000, B, MM_W},
	{0x0e500000, 0x0e508000, C, 0}, /* read-only */
	{0x0e508000, 0x0e580000, C, MM_W},
};

/*
 * Where each endpoint's ranges start: across attribute edges (sp A's
 * memory stops being executable at page 12, C's read-only ends at page 4)
 * and buffers (page BUF_PAGE).
 */
#define BUF_PAGE 40U
static uint64_t window(uint16_t owner)
{
	switch (owner) {
	case A:
		return 0x0e334000;
	case B:
		return 0x0e440000;
	case C:
		return 0x0e504000;
	default:
		return NS_BASE + 0x30000;
	}
}

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
	uint64_t buf = window(ffa_id_is_secure(id) ? id : 0) + BUF_PAGE * PG;

	for (uint32_t i = 0; i < n; i++) {
		if (buf >= r[i].base && buf - r[i].base < r[i].pages * PG) {
			return true;
		}
	}
	return false;
}

#define MAX_MAPS 2048U
struct map {
	uint16_t who;
	bool lent; /* a lender's memory, taken away (else: a borrower's mapping) */
	uint64_t base, end;
};
static struct map maps[MAX_MAPS];
static unsigned int nmaps;
/* Failure injection: the role's fail_in-th call from now fails, with NO_MEMORY or DENIED. */
static unsigned int fail_in;
static bool fail_denied;

static int find_map(uint16_t who, bool lent, uint64_t base, uint64_t end)
{
	for (unsigned int i = 0; i < nmaps; i++) {
		if (maps[i].who == who && maps[i].lent == lent && maps[i].base < end &&
		    base < maps[i].end) {
			return (int)i;
		}
	}
	return -1;
}

static void add(uint16_t who, bool lent, const struct ffa_mem_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].pages * PG;
		CHECK_THAT(find_map(who, lent, r[i].base, end) < 0); /* mapped twice */
		CHECK_THAT(nmaps < MAX_MAPS);
		maps[nmaps++] = (struct map){who, lent, r[i].base, end};
	}
}

static void del(uint16_t who, bool lent, const struct ffa_mem_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].pages * PG;
		int k = find_map(who, lent, r[i].base, end);
		/* Unmapping what is not mapped, or a part of a mapping. */
		CHECK_THAT(k >= 0 && maps[k].base == r[i].base && maps[k].end == end);
		maps[k] = maps[--nmaps];
	}
}

static int injected(bool denied_possible)
{
	if (fail_in == 0 || --fail_in != 0) {
		return 0;
	}
	return fail_denied && denied_possible ? FFA_DENIED : FFA_NO_MEMORY;
}

/* Now and then, one of the next call's role calls fails. */
static void maybe_fail(void)
{
	uint8_t b = byte();

	fail_in = b >= 240 ? 1U + (b & 3) : 0;
	fail_denied = (b & 4) != 0;
}

int mem_role_lender_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	if (!ffa_id_is_secure(id)) {
		return 0; /* as the SPMC: the normal world's stage 2 is not its */
	}
	int err = injected(false);
	if (err == 0) {
		add(id, true, r, n);
	}
	return err;
}

void mem_role_lender_remap(ffa_id_t id, const struct ffa_mem_range *r, const uint8_t *attrs,
			   uint32_t n)
{
	if (!ffa_id_is_secure(id)) {
		return;
	}
	(void)attrs;
	del(id, true, r, n);
}

int mem_role_borrower_map(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n, uint8_t attrs)
{
	(void)attrs;
	int err = injected(true);
	if (err == 0) {
		add(id, false, r, n);
	}
	return err;
}

void mem_role_borrower_unmap(ffa_id_t id, const struct ffa_mem_range *r, uint32_t n)
{
	del(id, false, r, n);
}

int mem_role_zero(const struct ffa_mem_range *r, uint32_t n)
{
	(void)r;
	(void)n;
	return injected(false);
}

/* --- the model ---------------------------------------------------------------------- */

enum { IDLE, RETRIEVING, RETRIEVED };

#define DESC_MAX 512U
#define RANGES_MAX (DESC_MAX / 16U)

struct live {
	uint64_t handle;
	uint16_t sender;
	bool nwd, complete;
	uint8_t type;
	uint32_t version; /* the sender's */
	uint8_t desc[DESC_MAX]; /* as sent */
	uint32_t total, sent;
	/* Known once complete: */
	unsigned int nb;
	uint16_t borrower[FFA_MEM_MAX_RECEIVERS];
	uint8_t state[FFA_MEM_MAX_RECEIVERS];
	uint32_t next[FFA_MEM_MAX_RECEIVERS], resp_total[FFA_MEM_MAX_RECEIVERS];
	uint32_t nr;
	struct ffa_mem_range r[RANGES_MAX];
};
static struct live live[MEM_MAX_TXNS];
static unsigned int nlive;
static uint8_t buf[DESC_MAX], rx[4096];

static const struct mem_caller callers[] = {
	{.id = 0, .nwd = true, .version = FFA_VERSION_1_2},
	{.id = A, .version = FFA_VERSION_1_1},
	{.id = B, .version = FFA_VERSION_1_2},
	{.id = C, .version = FFA_VERSION_1_0},
	{.id = 0, .nwd = true, .version = FFA_VERSION_1_0},
};
#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

static const struct mem_caller *caller(void)
{
	return &callers[byte() % NCALLERS];
}

static struct live *find_live(uint64_t h)
{
	for (unsigned int i = 0; i < nlive; i++) {
		if (live[i].handle == h) {
			return &live[i];
		}
	}
	return NULL;
}

static int borrower_of(const struct live *l, uint16_t id)
{
	for (unsigned int i = 0; l != NULL && i < l->nb; i++) {
		if (l->borrower[i] == id) {
			return (int)i;
		}
	}
	return -1;
}

static void drop(struct live *l)
{
	*l = live[--nlive];
}

/* A handle: usually a live one, else one a bit off, or anything. */
static uint64_t pick_handle(void)
{
	uint8_t b = byte();

	if (nlive > 0 && b < 200) {
		return live[b % nlive].handle;
	}
	if (nlive > 0 && b < 230) {
		return live[0].handle ^ (1ULL << (b % 64));
	}
	return (uint64_t)b << 16 | (b & 7);
}

static uint64_t maps_digest(void)
{
	uint64_t h = 0xCBF29CE484222325ULL;
	const uint8_t *p = (const uint8_t *)maps;

	for (size_t i = 0; i < nmaps * sizeof(maps[0]); i++) {
		h = (h ^ p[i]) * 0x100000001B3ULL;
	}
	return h ^ nmaps;
}

/* The state before a call, to check that a refusal changed nothing. */
struct before {
	uint64_t core, maps;
};

static struct before now(void)
{
	return (struct before){mem_share_digest(), maps_digest()};
}

static bool refused(struct ffa_value v, struct before b)
{
	if ((uint32_t)v.x[0] != FFA_ERROR_32) {
		return false;
	}
	CHECK_THAT((int32_t)v.x[2] < 0);
	CHECK_THAT(mem_share_digest() == b.core && maps_digest() == b.maps);
	return true;
}

static bool ranges_overlap(const struct live *x, const struct live *y)
{
	for (uint32_t a = 0; a < x->nr; a++) {
		for (uint32_t b = 0; b < y->nr; b++) {
			if (x->r[a].base < y->r[b].base + y->r[b].pages * PG &&
			    y->r[b].base < x->r[a].base + x->r[a].pages * PG) {
				return true;
			}
		}
	}
	return false;
}

/* The core accepted l's whole descriptor: the model learns it. */
static void learn(struct live *l)
{
	struct ffa_mem_txn t;
	uint64_t pages = 0;

	CHECK_THAT(ffa_mem_desc_parse_head(l->desc, l->total, l->version, &t) == 0);
	CHECK_THAT(t.range_count <= RANGES_MAX && t.sender == l->sender);
	CHECK_THAT(ffa_mem_desc_parse_ranges(l->desc + t.ranges_offset, l->total - t.ranges_offset,
					     l->r, &pages) == 0);
	CHECK_THAT(pages == t.total_pages);
	l->nr = t.range_count;
	l->nb = t.receiver_count;
	for (unsigned int i = 0; i < t.receiver_count; i++) {
		l->borrower[i] = t.receivers[i].id;
		l->state[i] = IDLE;
		CHECK_THAT(!ffa_id_is_secure(t.receivers[i].id) ||
			   mem_role_is_partition(t.receivers[i].id));
	}
	/* Lend and donate are to partitions only, donate to one. */
	for (unsigned int i = 0; l->type != FFA_MEM_TYPE_SHARE && i < l->nb; i++) {
		CHECK_THAT(mem_role_is_partition(l->borrower[i]));
	}
	CHECK_THAT(l->type != FFA_MEM_TYPE_DONATE || l->nb == 1);
	l->complete = true;
	for (unsigned int i = 0; i < nlive; i++) {
		CHECK_THAT(&live[i] == l || !live[i].complete || !ranges_overlap(l, &live[i]));
	}
}

/* Borrowers' mappings while they hold; lending partitions' memory gone while lent. */
static void check_maps(void)
{
	unsigned int want = 0, donated = 0;

	for (unsigned int i = 0; i < nlive; i++) {
		const struct live *l = &live[i];
		if (!l->complete) {
			continue;
		}
		bool lent = l->type != FFA_MEM_TYPE_SHARE && !l->nwd;
		for (uint32_t k = 0; k < l->nr; k++) {
			uint64_t base = l->r[k].base, end = base + l->r[k].pages * PG;
			for (unsigned int b = 0; b < l->nb; b++) {
				if (l->state[b] != IDLE) {
					CHECK_THAT(find_map(l->borrower[b], false, base, end) >= 0);
					want++;
				}
			}
			if (lent) {
				CHECK_THAT(find_map(l->sender, true, base, end) >= 0);
				want++;
			}
		}
	}
	for (unsigned int i = 0; i < nmaps; i++) {
		donated += maps[i].who == DONATED;
	}
	CHECK_THAT(nmaps - donated == want);
}

/* A donation went through: both mappings stay, as the new owner's and the old one's loss. */
static void donation_done(struct live *l)
{
	for (uint32_t k = 0; k < l->nr; k++) {
		for (unsigned int i = 0; i < nmaps; i++) {
			if (maps[i].base == l->r[k].base &&
			    ((maps[i].who == l->borrower[0] && !maps[i].lent) ||
			     (maps[i].who == l->sender && maps[i].lent))) {
				maps[i].who = DONATED;
			}
		}
	}
	drop(l);
}

/* --- the calls -------------------------------------------------------------------- */

static void do_send(const struct mem_caller *c, enum ffa_mem_type type, uint32_t total,
		    uint32_t first)
{
	struct before b = now();
	struct ffa_value v = mem_send(c, type, total, buf, first);
	fail_in = 0;
	if (refused(v, b)) {
		return;
	}
	/* Accepted: a well-formed head at least, a new handle, the whole descriptor kept. */
	struct ffa_mem_txn h;
	CHECK_THAT(total <= DESC_MAX && ffa_mem_desc_parse_head(buf, first, c->version, &h) == 0);
	CHECK_THAT(nlive < MEM_MAX_TXNS);
	struct live *l = &live[nlive++];
	*l = (struct live){.sender = h.sender,
			   .nwd = c->nwd,
			   .type = (uint8_t)type,
			   .version = c->version,
			   .total = total,
			   .sent = first};
	memcpy(l->desc, buf, total);
	if ((uint32_t)v.x[0] == FFA_SUCCESS_32) {
		l->handle = (v.x[2] & 0xFFFFFFFFU) | v.x[3] << 32;
		CHECK_THAT(first == total);
	} else {
		CHECK_THAT((uint32_t)v.x[0] == FFA_MEM_FRAG_RX_32 && v.x[3] == first &&
			   first < total);
		CHECK_THAT(v.x[4] == (c->nwd ? (uint32_t)h.sender << 16 : 0U));
		l->handle = (v.x[1] & 0xFFFFFFFFU) | v.x[2] << 32;
	}
	CHECK_THAT((l->handle & FFA_MEM_HANDLE_HYPERVISOR) == 0);
	for (unsigned int i = 0; i + 1 < nlive; i++) {
		CHECK_THAT(live[i].handle != l->handle);
	}
	if (first == total) {
		learn(l);
	}
}

/* A descriptor from the input's choices, in the caller's layout. */
static void op_send(void)
{
	static const uint16_t attrs[] = {0x2F, 0, 0x10, 0x6F, 0x27, 0x2E};
	static const uint16_t ids[] = {A, B, C, NWD1};
	const struct mem_caller *c = caller();
	enum ffa_mem_type type = (enum ffa_mem_type)(1 + byte() % 3);
	uint8_t who = byte(), sel = byte();
	struct ffa_mem_txn t = {.sender = c->nwd ? (byte() & 1) : c->id};
	struct ffa_mem_range r[8];

	for (unsigned int i = 0; i < 4; i++) {
		if ((who >> i & 1) != 0) {
			t.receivers[t.receiver_count++] =
				(struct ffa_mem_receiver){.id = ids[i], .perms = byte() & 0xF};
		}
	}
	if (t.receiver_count == 0) {
		t.receivers[t.receiver_count++] = (struct ffa_mem_receiver){.id = A, .perms = 2};
	}
	t.attributes = attrs[(sel & 0xF) % 6];
	t.flags = (sel & 0x10) != 0 ? FFA_MEM_FLAG_ZERO : 0U;
	/*
	 * Ranges one after the other with gaps, mostly in the caller's own
	 * memory; now and then one jumps (to someone else's, or back, to overlap).
	 */
	t.range_count = 1 + byte() % 8;
	uint64_t at = window(c->nwd ? 0 : c->id);
	for (unsigned int i = 0; i < t.range_count; i++) {
		uint8_t x = byte();
		if ((x & 0xE0) == 0) {
			uint16_t owner = ids[x >> 3 & 3];
			at = window(owner == NWD1 ? 0 : owner) + (x & 7) * PG;
		} else {
			at += (x & 3) * PG;
		}
		r[i] = (struct ffa_mem_range){at, 1U + (x >> 2 & 3)};
		at += r[i].pages * PG;
		t.total_pages += r[i].pages;
	}
	if ((sel & 0x40) != 0 && t.range_count > 1) {
		struct ffa_mem_range x = r[0];
		r[0] = r[t.range_count - 1];
		r[t.range_count - 1] = x; /* out of order */
	}
	uint32_t total = ffa_mem_desc_write(&t, r, c->version, 0, buf, sizeof(buf));
	CHECK_THAT(total > 0 && total % 16 == 0);
	uint8_t corrupt = byte();
	if (corrupt >= 224) {
		buf[byte() % total] ^= (uint8_t)(1U << (corrupt & 7));
	}
	uint32_t split = (uint32_t)byte() * 16U; /* 0: all at once */
	uint32_t first = split == 0 || split > total ? total : split;
	maybe_fail();
	do_send(c, type, total, first);
}

static void op_continue(void)
{
	uint64_t h = pick_handle();
	struct live *l = find_live(h);
	uint8_t how = byte();
	/* Usually the sender, as the sender must call; now and then anyone. */
	const struct mem_caller *c = &callers[how % NCALLERS];
	if (l != NULL && how < 192) {
		c = l->nwd ? &callers[0] : &callers[l->sender - A + 1];
	}
	uint32_t w4 = c->nwd && l != NULL ? (uint32_t)l->sender << 16 : 0U;
	if (how >= 240) {
		w4 ^= 1U << (how & 31);
	}
	uint32_t len = 16U * (1U + (byte() & 15));
	uint32_t at = l != NULL ? l->sent : 0;
	memset(buf, 0, sizeof(buf));
	if (l != NULL && at < DESC_MAX) {
		memcpy(buf, l->desc + at, DESC_MAX - at);
	}
	if ((how & 0x30) == 0x30) {
		buf[byte() % 16] ^= 0x80; /* a corrupted constituent */
	}
	struct before b = now();
	struct mem_share_stats s0;
	mem_share_stats(&s0);
	struct ffa_value v = mem_send_continue(c, h, w4, buf, len);
	if ((uint32_t)v.x[0] == FFA_ERROR_32) {
		struct mem_share_stats s1;
		mem_share_stats(&s1);
		if (s1.txns + 1 == s0.txns) {
			/* The last fragment, and the whole was refused: the transaction is gone. */
			CHECK_THAT(l != NULL && !l->complete && l->sent + len == l->total);
			CHECK_THAT(maps_digest() == b.maps);
			drop(l);
			return;
		}
		(void)refused(v, b);
		return;
	}
	CHECK_THAT(l != NULL && !l->complete && c->nwd == l->nwd);
	l->sent += len;
	if ((uint32_t)v.x[0] == FFA_SUCCESS_32) {
		CHECK_THAT(l->sent == l->total && ((v.x[2] & 0xFFFFFFFFU) | v.x[3] << 32) == h);
		memcpy(l->desc + at, buf, len); /* what was sent, corrupted or not */
		learn(l);
	} else {
		CHECK_THAT((uint32_t)v.x[0] == FFA_MEM_FRAG_RX_32 && v.x[3] == l->sent);
		memcpy(l->desc + at, buf, len);
	}
}

/* The start of a response the borrower got: the transaction as sent, as it sees it. */
static void check_response(const struct mem_caller *c, const struct live *l, uint32_t len)
{
	struct ffa_mem_txn t;

	CHECK_THAT(ffa_mem_desc_parse_head(rx, len, c->version, &t) == 0);
	CHECK_THAT(t.handle == l->handle && t.sender == l->sender && t.receiver_count == 1);
	CHECK_THAT(t.receivers[0].id == c->id && t.range_count == l->nr);
	CHECK_THAT((t.flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT == l->type);
	uint32_t n = (len - t.ranges_offset) / 16U;
	struct ffa_mem_range r[RANGES_MAX];
	uint64_t pages = 0;
	CHECK_THAT(n <= l->nr && n > 0);
	CHECK_THAT(ffa_mem_desc_parse_ranges(rx + t.ranges_offset, n * 16U, r, &pages) == 0);
	for (uint32_t i = 0; i < n; i++) {
		CHECK_THAT(r[i].base == l->r[i].base && r[i].pages == l->r[i].pages);
	}
}

static void do_retrieve(const struct mem_caller *c, uint32_t len, uint32_t rx_size)
{
	struct ffa_mem_txn req;
	bool parsed = ffa_mem_retrieve_req_parse(buf, len, c->version, &req) == 0;
	struct before b = now();
	struct ffa_value v = mem_retrieve(c, buf, len, rx, rx_size);
	fail_in = 0;
	if (refused(v, b)) {
		return;
	}
	CHECK_THAT(parsed && (uint32_t)v.x[0] == FFA_MEM_RETRIEVE_RESP_32);
	uint32_t total = (uint32_t)v.x[1], frag = (uint32_t)v.x[2];
	struct live *l = find_live(req.handle);
	CHECK_THAT(l != NULL && l->complete && frag > 0 && frag <= total && frag <= rx_size);
	if (req.receiver_count == 0) {
		CHECK_THAT(c->nwd && l->nwd); /* a hypervisor's: the sender's view */
		return;
	}
	int i = borrower_of(l, c->id);
	CHECK_THAT(!c->nwd && i >= 0 && l->state[i] == IDLE);
	check_response(c, l, frag);
	l->resp_total[i] = total;
	l->next[i] = frag;
	l->state[i] = frag == total ? RETRIEVED : RETRIEVING;
	for (uint32_t k = 0; k < l->nr; k++) {
		CHECK_THAT(find_map(c->id, false, l->r[k].base, l->r[k].base + PG) >= 0);
	}
	if (l->type == FFA_MEM_TYPE_DONATE && l->state[i] == RETRIEVED) {
		donation_done(l);
	}
}

static void op_retrieve(void)
{
	const struct mem_caller *c = caller();
	uint64_t h = pick_handle();
	struct live *l = find_live(h);
	uint8_t how = byte(), perms = byte();
	struct ffa_mem_txn req = {.sender = l != NULL && how < 240 ? l->sender : byte(),
				  .handle = h,
				  .receiver_count = 1,
				  .receivers = {{.id = c->id, .perms = perms & 0xF}}};

	if (l != NULL && (how & 3) == 1) {
		req.flags = (uint32_t)l->type << FFA_MEM_FLAG_TYPE_SHIFT;
	} else if ((how & 3) == 2) {
		/* Zero before, after, time slicing; a type; now and then anything. */
		uint8_t f = byte();
		req.flags = f >= 240 ? f
				     : (f & 7U) | (l != NULL ? (uint32_t)l->type : f >> 3 & 3)
							  << FFA_MEM_FLAG_TYPE_SHIFT;
	}
	static const uint16_t attrs[] = {0, 0, 0, FFA_MEM_ATTR_NORMAL_WB_ISH, 0x6F, 0x10, 0x100};
	req.attributes = attrs[(how >> 4) % 7];
	if (l != NULL && l->complete && (how & 0xC) == 0x4) {
		/* Every borrower's EMAD, as the spec allows. */
		req.receiver_count = l->nb;
		for (unsigned int i = 0; i < l->nb; i++) {
			req.receivers[i] = (struct ffa_mem_receiver){
				.id = l->borrower[i],
				.perms = l->borrower[i] == c->id ? perms & 0xF : 0};
		}
	}
	if (c->nwd && (how & 0xC) == 0x8) {
		req = (struct ffa_mem_txn){.handle = h}; /* a hypervisor's request */
	}
	req.range_count = 0;
	uint32_t len = ffa_mem_desc_write(&req, NULL, c->version, 0, buf, sizeof(buf));
	CHECK_THAT(len >= FFA_MEM_COMPOSITE_SIZE);
	len -= FFA_MEM_COMPOSITE_SIZE; /* no composite: no address hints */
	uint32_t emads =
		c->version == FFA_VERSION_1_0 ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1;
	uint32_t emad_size =
		c->version >= FFA_VERSION_1_2 ? FFA_MEM_EMAD_SIZE_V1_2 : FFA_MEM_EMAD_SIZE_V1_0;
	for (unsigned int i = 0; i < req.receiver_count; i++) {
		memset(buf + emads + i * emad_size + 4, 0, 4); /* composite offsets */
	}
	maybe_fail();
	static const uint32_t sizes[] = {4096, 256, 128};
	/* Small RX buffers, to make fragments of small descriptors (a head still fits). */
	uint32_t rx_size = sizes[byte() % 3];
	do_retrieve(c, len, req.receiver_count == 0 && rx_size < 256 ? 256 : rx_size);
}

static void op_frag_rx(void)
{
	const struct mem_caller *c = caller();
	uint64_t h = pick_handle();
	struct live *l = find_live(h);
	int i = borrower_of(l, c->id);
	uint8_t how = byte();
	uint32_t offset = i >= 0 && how < 200 ? l->next[i] : (uint32_t)byte() * 16U;
	uint32_t w4 = how < 230 ? (c->nwd && l != NULL ? (uint32_t)l->sender << 16 : 0U) : how;
	struct before b = now();
	struct ffa_value v = mem_retrieve_continue(c, h, offset, w4, rx, 128);
	if (refused(v, b)) {
		return;
	}
	CHECK_THAT((uint32_t)v.x[0] == FFA_MEM_FRAG_TX_32 && v.x[3] > 0 && v.x[3] <= 128);
	CHECK_THAT(l != NULL && l->complete && v.x[3] % 16 == 0);
	if (c->nwd) {
		CHECK_THAT(l->nwd);
		return;
	}
	CHECK_THAT(i >= 0 && l->state[i] == RETRIEVING && offset == l->next[i]);
	l->next[i] += (uint32_t)v.x[3];
	CHECK_THAT(l->next[i] <= l->resp_total[i]);
	if (l->next[i] == l->resp_total[i]) {
		l->state[i] = RETRIEVED;
		if (l->type == FFA_MEM_TYPE_DONATE) {
			donation_done(l);
		}
	}
}

static void do_relinquish(const struct mem_caller *c, uint32_t len)
{
	struct ffa_mem_relinquish rel;
	bool parsed = ffa_mem_relinquish_parse(buf, len, &rel) == 0;
	struct before b = now();
	struct ffa_value v = mem_relinquish(c, buf, len);
	fail_in = 0;
	if (refused(v, b)) {
		return;
	}
	CHECK_THAT(parsed && (uint32_t)v.x[0] == FFA_SUCCESS_32 && rel.endpoint == c->id);
	struct live *l = find_live(rel.handle);
	int i = borrower_of(l, c->id);
	CHECK_THAT(!c->nwd && i >= 0 && l->state[i] == RETRIEVED);
	l->state[i] = IDLE;
}

static void op_relinquish(void)
{
	const struct mem_caller *c = caller();
	uint64_t h = pick_handle();
	uint8_t how = byte();
	uint16_t id = how < 240 ? c->id : (uint16_t)(A + how % 3);

	memset(buf, 0, 24);
	memcpy(buf, &h, 8);
	buf[8] = (uint8_t)(byte() & 7); /* flags: zero, time slicing, reserved */
	buf[12] = how >= 250 ? 2 : 1; /* endpoint count */
	buf[16] = (uint8_t)id;
	buf[17] = (uint8_t)(id >> 8);
	maybe_fail();
	do_relinquish(c, how >= 250 ? 20 : 18);
}

static void op_reclaim(void)
{
	const struct mem_caller *c = caller();
	uint64_t h = pick_handle();
	uint32_t flags = byte() & 7;
	struct live *l = find_live(h);

	maybe_fail();
	struct before b = now();
	struct ffa_value v = mem_reclaim(c, h, flags);
	fail_in = 0;
	if (refused(v, b)) {
		return;
	}
	CHECK_THAT((uint32_t)v.x[0] == FFA_SUCCESS_32 && l != NULL);
	CHECK_THAT(l->nwd == c->nwd && (c->nwd || l->sender == c->id));
	for (unsigned int i = 0; l->complete && i < l->nb; i++) {
		CHECK_THAT(l->state[i] == IDLE); /* nobody held it */
	}
	drop(l);
}

/* Raw bytes as a descriptor, request or relinquish descriptor. */
static void op_raw(void)
{
	const struct mem_caller *c = caller();
	uint8_t what = byte();
	uint32_t len = 16U * (byte() % 12U);

	for (uint32_t i = 0; i < len; i++) {
		buf[i] = byte();
	}
	switch (what % 3) {
	case 0:
		do_send(c, (enum ffa_mem_type)(1 + what / 3 % 3), len, len);
		break;
	case 1:
		do_retrieve(c, len, 4096);
		break;
	default:
		do_relinquish(c, len);
		break;
	}
}

static void stop(uint16_t id)
{
	mem_endpoint_stopped(id);
	for (unsigned int i = 0; i < nlive; i++) {
		if (!live[i].complete && !live[i].nwd && live[i].sender == id) {
			drop(&live[i--]);
			continue;
		}
		int b = borrower_of(&live[i], id);
		if (b >= 0) {
			live[i].state[b] = IDLE;
		}
	}
}

static void op_stop(void)
{
	stop((uint16_t)(A + byte() % 3));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_len = size;
	in_at = 0;
	nlive = 0;
	nmaps = 0;
	fail_in = 0;
	mem_share_init();
	while (in_at < in_len) {
		switch (byte() % 10) {
		case 0:
		case 1:
			op_send();
			break;
		case 2:
			op_continue();
			break;
		case 3:
		case 4:
			op_retrieve();
			break;
		case 5:
			op_frag_rx();
			break;
		case 6:
			op_relinquish();
			break;
		case 7:
			op_reclaim();
			break;
		case 8:
			op_raw();
			break;
		default:
			op_stop();
			break;
		}
		check_maps();
	}
	/* Every partition stops and every sender reclaims: nothing is left but donations. */
	for (uint16_t id = A; id <= C; id++) {
		stop(id);
	}
	while (nlive > 0) {
		struct live *l = &live[0];
		const struct mem_caller *c = l->nwd ? &callers[0] : &callers[l->sender - A + 1];
		CHECK_THAT((uint32_t)mem_reclaim(c, l->handle, 0).x[0] == FFA_SUCCESS_32);
		drop(l);
	}
	struct mem_share_stats st;
	mem_share_stats(&st);
	CHECK_THAT(st.txns == 0 && st.ranges == 0);
	for (unsigned int i = 0; i < nmaps; i++) {
		CHECK_THAT(maps[i].who == DONATED);
	}
	return 0;
}
