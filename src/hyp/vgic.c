/* Virtual GICv3 for guests (see vgic.h). Offsets: GICv3 spec, chapter 12. */
#include "hyp/vgic.h"

#include <string.h>

/* Distributor. */
#define GICD_CTLR 0x0000U
#define GICD_TYPER 0x0004U
#define GICD_IIDR 0x0008U
#define GICD_IGROUPR 0x0080U
#define GICD_ISENABLER 0x0100U
#define GICD_ICENABLER 0x0180U
#define GICD_ISPENDR 0x0200U
#define GICD_ICPENDR 0x0280U
#define GICD_ISACTIVER 0x0300U
#define GICD_ICACTIVER 0x0380U
#define GICD_IPRIORITYR 0x0400U
#define GICD_ICFGR 0x0C00U
#define GICD_IROUTER 0x6000U
#define GICD_PIDR2 0xFFE8U
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_DS (1U << 6)
#define PIDR2_ARCH_GICV3 0x30U
/* Redistributor: RD_base, then SGI_base 64 KiB on. */
#define GICR_CTLR 0x0000U
#define GICR_IIDR 0x0004U
#define GICR_TYPER 0x0008U
#define GICR_WAKER 0x0014U
#define GICR_PIDR2 0xFFE8U
#define GICR_SGI_BASE 0x10000U
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_WAKER_SLEEP (1U << 1)
#define GICR_WAKER_ASLEEP (1U << 2)
#define IIDR_TZVISOR 0x0000074BU /* implementer 0x74B: not a registered JEP106 code */

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_TARGETS(v) ((uint32_t)((v)&0xFFFFU))
#define SGI1R_AFF1(v) (((v) >> 16) & 0xFFU)
#define SGI1R_INTID(v) ((uint32_t)((v) >> 24) & 0xFU)
#define SGI1R_AFF2(v) (((v) >> 32) & 0xFFU)
#define SGI1R_IRM (1ULL << 40)
#define SGI1R_RS(v) (((v) >> 44) & 0xFU)
#define SGI1R_AFF3(v) (((v) >> 48) & 0xFFU)

void vgic_init(struct vgic *g, unsigned int vcpus, unsigned int nr_lrs)
{
	memset(g, 0, sizeof(*g));
	g->vcpus = vcpus > VGIC_MAX_VCPUS ? VGIC_MAX_VCPUS : vcpus;
	g->nr_lrs = nr_lrs > GICV_MAX_LRS ? GICV_MAX_LRS : nr_lrs;
	for (unsigned int c = 0; c < g->vcpus; c++) {
		g->cpu[c].sleep = true;
		for (unsigned int i = 0; i < 16; i++) {
			g->cpu[c].local[i].edge = true; /* SGIs */
		}
		g->cpu[c].hw.hcr = ICH_HCR_EN;
	}
}

/* The state of `intid` as seen by `vcpu` (SGIs and PPIs are per vCPU); NULL if none. */
static struct vgic_irq *irq_of(struct vgic *g, unsigned int vcpu, uint32_t intid)
{
	if (intid < 32) {
		return vcpu < g->vcpus ? &g->cpu[vcpu].local[intid] : NULL;
	}
	return intid < VGIC_NR_IRQS ? &g->spi[intid - 32] : NULL;
}

static unsigned int spi_target(const struct vgic *g, const struct vgic_irq *q)
{
	return q->target < g->vcpus ? q->target : 0;
}

static bool deliverable(const struct vgic *g, const struct vgic_irq *q)
{
	return q->pending && q->enabled && q->group1 && (g->ctlr & GICD_CTLR_ENABLE_G1A) != 0;
}

/* After any change to q's pending or active state: the hot bitmaps follow. */
static void note(struct vgic *g, unsigned int vcpu, uint32_t intid, const struct vgic_irq *q)
{
	bool hot = q->pending || q->active;

	if (intid < 32) {
		uint32_t *m = &g->cpu[vcpu].hot, bit = 1U << intid;
		*m = hot ? *m | bit : *m & ~bit;
	} else {
		uint64_t bit = 1ULL << (intid - 32);
		g->spi_hot = hot ? g->spi_hot | bit : g->spi_hot & ~bit;
	}
}

/*
 * The next hot INTID of `vcpu` from `*locals` (its SGIs and PPIs) and then
 * `*spis`, in INTID order, taking it out of the copies; VGIC_NR_IRQS when
 * there is none.
 */
static uint32_t next_hot(uint32_t *locals, uint64_t *spis)
{
	if (*locals != 0) {
		uint32_t id = (uint32_t)__builtin_ctz(*locals);
		*locals &= *locals - 1;
		return id;
	}
	if (*spis != 0) {
		uint32_t id = 32U + (uint32_t)__builtin_ctzll(*spis);
		*spis &= *spis - 1;
		return id;
	}
	return VGIC_NR_IRQS;
}

/* --- injection ------------------------------------------------------------------- */

uint32_t vgic_inject(struct vgic *g, unsigned int vcpu, uint32_t intid)
{
	struct vgic_irq *q = irq_of(g, vcpu, intid);

	if (q == NULL) {
		return 0;
	}
	q->pending = true;
	note(g, vcpu, intid, q);
	/* Only an interrupt the vCPU could take wakes it (WFI wake-up, GICv3 12.2). */
	return deliverable(g, q) ? 1U << (intid < 32 ? vcpu : spi_target(g, q)) : 0U;
}

uint32_t vgic_set_level(struct vgic *g, unsigned int vcpu, uint32_t intid, bool level)
{
	struct vgic_irq *q = irq_of(g, vcpu, intid);

	if (q == NULL || intid < 16) {
		return 0; /* SGIs have no line */
	}
	q->has_line = true;
	q->level = level;
	if (q->edge) {
		/* Configured edge: a rising line makes it pending once. */
		bool rise = level && !q->pending && !q->active;
		q->pending = q->pending || rise;
		note(g, vcpu, intid, q);
		return rise && deliverable(g, q) ? 1U << (intid < 32 ? vcpu : spi_target(g, q))
						 : 0U;
	}
	q->pending = level && !q->active;
	note(g, vcpu, intid, q);
	return q->pending && deliverable(g, q) ? 1U << (intid < 32 ? vcpu : spi_target(g, q)) : 0U;
}

bool vgic_busy(const struct vgic *g, unsigned int vcpu, uint32_t intid)
{
	const struct vgic_irq *q = irq_of((struct vgic *)g, vcpu, intid);
	const struct vgic_cpu *c = &g->cpu[vcpu < g->vcpus ? vcpu : 0];

	if (q == NULL) {
		return false;
	}
	for (unsigned int n = 0; n < c->lr_used; n++) {
		if (c->lr_intid[n] == intid) {
			return true;
		}
	}
	return q->pending || q->active;
}

uint32_t vgic_sgi(struct vgic *g, unsigned int from, uint64_t v)
{
	uint32_t targets = 0, woken = 0;

	if ((v & SGI1R_IRM) != 0) {
		targets = ((1U << g->vcpus) - 1U) & ~(1U << from);
	} else if (SGI1R_AFF1(v) == 0 && SGI1R_AFF2(v) == 0 && SGI1R_AFF3(v) == 0 &&
		   SGI1R_RS(v) == 0) {
		/* Our vCPUs are Aff0 0..n-1 in one cluster; other affinities name nobody. */
		targets = SGI1R_TARGETS(v) & ((1U << g->vcpus) - 1U);
	}
	for (unsigned int c = 0; c < g->vcpus; c++) {
		if ((targets & (1U << c)) != 0) {
			woken |= vgic_inject(g, c, SGI1R_INTID(v));
		}
	}
	return woken;
}

/* --- list registers ---------------------------------------------------------------- */

static bool belongs(const struct vgic *g, unsigned int vcpu, uint32_t intid,
		    const struct vgic_irq *q)
{
	return intid < 32 || spi_target(g, q) == vcpu;
}

bool vgic_has_pending(const struct vgic *g, unsigned int vcpu)
{
	if (vcpu >= g->vcpus) {
		return false;
	}
	uint32_t locals = g->cpu[vcpu].hot;
	uint64_t spis = g->spi_hot;
	for (uint32_t i = next_hot(&locals, &spis); i < VGIC_NR_IRQS;
	     i = next_hot(&locals, &spis)) {
		const struct vgic_irq *q = irq_of((struct vgic *)g, vcpu, i);
		if (belongs(g, vcpu, i, q) && deliverable(g, q)) {
			return true;
		}
	}
	return false;
}

/* Ordering for the LRs: active first (they must be there to be deactivated), then priority. */
static bool better(const struct vgic_irq *a, uint32_t ia, const struct vgic_irq *b, uint32_t ib)
{
	if (a->active != b->active) {
		return a->active;
	}
	if (a->prio != b->prio) {
		return a->prio < b->prio;
	}
	return ia < ib;
}

void vgic_flush(struct vgic *g, unsigned int vcpu)
{
	struct vgic_cpu *c = &g->cpu[vcpu];
	/* The best nr_lrs candidates so far, in order (one pass: this runs at every entry). */
	struct vgic_irq *best[GICV_MAX_LRS];
	uint32_t best_id[GICV_MAX_LRS];
	unsigned int n = 0;
	bool left_over = false;

	uint32_t locals = c->hot;
	uint64_t spis = g->spi_hot;

	/* Only the hot ones (pending or active), in INTID order as a scan of all would. */
	for (uint32_t id = next_hot(&locals, &spis); id < VGIC_NR_IRQS;
	     id = next_hot(&locals, &spis)) {
		struct vgic_irq *q = id < 32 ? &c->local[id] : &g->spi[id - 32];
		if ((id >= 32 && spi_target(g, q) != vcpu) || !(q->active || deliverable(g, q))) {
			continue;
		}
		unsigned int at = n;
		while (at > 0 && better(q, id, best[at - 1], best_id[at - 1])) {
			at--;
		}
		if (at == g->nr_lrs) {
			left_over = true; /* worse than every one kept */
			continue;
		}
		if (n == g->nr_lrs) {
			left_over = true; /* the last one kept falls out */
			n--;
		}
		for (unsigned int k = n; k > at; k--) {
			best[k] = best[k - 1];
			best_id[k] = best_id[k - 1];
		}
		best[at] = q;
		best_id[at] = id;
		n++;
	}
	/* What the last flush used (vgic_sync empties it: then nothing). */
	for (unsigned int i = 0; i < c->lr_used; i++) {
		c->hw.lr[i] = 0;
		c->lr_intid[i] = 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct vgic_irq *q = best[i];
		unsigned int state = (q->pending && deliverable(g, q) ? ICH_LR_PENDING : 0U) |
				     (q->active ? ICH_LR_ACTIVE : 0U);
		/* Level-triggered: hear about the deactivation, to look at the line again. */
		c->hw.lr[i] = gicv_lr(best_id[i], q->prio, state, !q->edge);
		c->lr_intid[i] = best_id[i];
		q->pending = q->pending && (state & ICH_LR_PENDING) == 0;
		q->active = false;
		note(g, vcpu, best_id[i], q);
	}
	c->lr_used = n;
	c->hw.hcr = ICH_HCR_EN | (left_over ? ICH_HCR_UIE : 0);
}

void vgic_sync(struct vgic *g, unsigned int vcpu)
{
	struct vgic_cpu *c = &g->cpu[vcpu];

	for (unsigned int n = 0; n < c->lr_used; n++) {
		uint32_t intid = c->lr_intid[n];
		struct vgic_irq *q = irq_of(g, vcpu, intid);
		unsigned int state = gicv_lr_state(c->hw.lr[n]);
		if (q == NULL) {
			continue;
		}
		q->pending = q->pending || (state & ICH_LR_PENDING) != 0;
		q->active = (state & ICH_LR_ACTIVE) != 0;
		if (!q->edge && q->has_line) {
			/* Level: pending exactly while the line is high and it is not active. */
			q->pending = q->level && !q->active;
		}
		note(g, vcpu, intid, q);
		c->hw.lr[n] = 0;
		c->lr_intid[n] = 0;
	}
	c->lr_used = 0;
	c->hw.hcr = ICH_HCR_EN;
}

/* --- MMIO -------------------------------------------------------------------------- */

/*
 * A one-bit-per-INTID register bank (IGROUPR, I[SC]ENABLER, I[SC]PENDR,
 * I[SC]ACTIVER) at word `word` of the bank: read, or write with set/clear
 * semantics. `base` is the first INTID the bank may touch (32 in the
 * distributor: SGIs and PPIs live in the redistributors).
 */
enum bit_field { F_GROUP, F_ENABLE, F_PENDING, F_ACTIVE };

static bool *field(struct vgic_irq *q, enum bit_field f)
{
	switch (f) {
	case F_GROUP:
		return &q->group1;
	case F_ENABLE:
		return &q->enabled;
	case F_PENDING:
		return &q->pending;
	case F_ACTIVE:
		break;
	}
	return &q->active;
}

static uint32_t bits_access(struct vgic *g, unsigned int vcpu, uint32_t first, enum bit_field f,
			    int op, uint32_t v)
{
	uint32_t out = 0;

	for (uint32_t b = 0; b < 32; b++) {
		struct vgic_irq *q = irq_of(g, vcpu, first + b);
		if (q == NULL) {
			continue;
		}
		bool *p = field(q, f);
		if (op > 0 && (v & (1U << b)) != 0) {
			*p = true; /* set-bit register */
		} else if (op < 0 && (v & (1U << b)) != 0) {
			*p = false; /* clear-bit register */
		} else if (op == 0) {
			*p = (v & (1U << b)) != 0; /* plain register (IGROUPR) */
		}
		note(g, vcpu, first + b, q);
		out |= *p ? 1U << b : 0U;
	}
	return out;
}

/*
 * The per-INTID registers shared by the distributor (INTIDs 32+) and the
 * redistributors' SGI frame (INTIDs 0-31). Returns false if `off` is not one
 * of them; *ok says whether the access itself was acceptable.
 */
static bool irq_regs(struct vgic *g, unsigned int vcpu, uint32_t off, unsigned int size, bool write,
		     uint64_t *val, uint32_t lo, uint32_t hi, bool *ok)
{
	static const struct {
		uint32_t base;
		enum bit_field f;
		int op;
	} banks[] = {
		{GICD_IGROUPR, F_GROUP, 0},	{GICD_ISENABLER, F_ENABLE, 1},
		{GICD_ICENABLER, F_ENABLE, -1}, {GICD_ISPENDR, F_PENDING, 1},
		{GICD_ICPENDR, F_PENDING, -1},	{GICD_ISACTIVER, F_ACTIVE, 1},
		{GICD_ICACTIVER, F_ACTIVE, -1},
	};
	uint32_t v = (uint32_t)*val;

	for (unsigned int i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
		if (off < banks[i].base || off >= banks[i].base + 0x80U) {
			continue;
		}
		uint32_t first = (off - banks[i].base) * 8U;
		*ok = size == 4;
		if (*ok) {
			bool in = first >= lo && first < hi;
			uint32_t r = in ? bits_access(g, vcpu, first, banks[i].f,
						      write ? banks[i].op : 2, write ? v : 0)
					: 0;
			if (!write) {
				*val = r;
			}
		}
		return true;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400U) {
		uint32_t first = off - GICD_IPRIORITYR;
		*ok = size == 1 || size == 4;
		uint64_t r = 0;
		for (unsigned int b = 0; *ok && b < size; b++) {
			struct vgic_irq *q = first + b >= lo && first + b < hi
						     ? irq_of(g, vcpu, first + b)
						     : NULL;
			if (q != NULL && write) {
				q->prio = (uint8_t)(v >> (8 * b));
			}
			r |= q != NULL ? (uint64_t)q->prio << (8 * b) : 0;
		}
		if (*ok && !write) {
			*val = r;
		}
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100U) {
		uint32_t first = (off - GICD_ICFGR) * 4U;
		uint32_t r = 0;
		*ok = size == 4;
		for (unsigned int b = 0; *ok && b < 16; b++) {
			struct vgic_irq *q = first + b >= lo && first + b < hi
						     ? irq_of(g, vcpu, first + b)
						     : NULL;
			if (q == NULL) {
				continue;
			}
			if (write && first + b >= 16) { /* SGIs are edge, read-only */
				q->edge = (v & (2U << (2 * b))) != 0;
			}
			r |= q->edge ? 2U << (2 * b) : 0U;
		}
		if (*ok && !write) {
			*val = r;
		}
		return true;
	}
	return false;
}

bool vgic_dist_mmio(struct vgic *g, uint64_t off64, unsigned int size, bool write, uint64_t *val)
{
	uint32_t off = (uint32_t)off64;
	bool ok = true;

	if (off64 >= VGIC_GICD_SIZE || (off & (size - 1U)) != 0) {
		return false;
	}
	if (irq_regs(g, 0, off, size, write, val, 32, VGIC_NR_IRQS, &ok)) {
		return ok;
	}
	if (off >= GICD_IROUTER + 32U * 8U && off < GICD_IROUTER + VGIC_NR_IRQS * 8U) {
		struct vgic_irq *q = &g->spi[(off - GICD_IROUTER) / 8U - 32U];
		unsigned int shift = (off & 4U) * 8U;
		if (size != 4 && size != 8) {
			return false;
		}
		uint64_t mask = size == 8 ? ~0ULL : 0xFFFFFFFFULL << shift;
		if (write) {
			q->irouter = (q->irouter & ~mask) | ((*val << shift) & mask);
			/* Aff0 names the vCPU; 1-of-N (bit 31) and others fall back to vCPU 0. */
			q->target = (q->irouter & ~0xFFULL) == 0 ? (uint8_t)q->irouter : 0;
		} else {
			*val = (q->irouter & mask) >> shift;
		}
		return true;
	}
	uint64_t r = 0;
	if (size != 4) {
		off = UINT32_MAX; /* no other register is wider or narrower: RAZ/WI */
	}
	switch (off) {
	case GICD_CTLR:
		if (write) {
			g->ctlr = (uint32_t)*val & GICD_CTLR_ENABLE_G1A;
		}
		r = g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		break;
	case GICD_TYPER:
		/* ITLinesNumber, 10 INTID bits, no LPIs, no security extension. */
		r = (VGIC_NR_IRQS / 32U - 1U) | (9U << 19);
		break;
	case GICD_IIDR:
		r = IIDR_TZVISOR;
		break;
	case GICD_PIDR2:
		r = PIDR2_ARCH_GICV3;
		break;
	default:
		break; /* reserved and unimplemented registers: RAZ/WI */
	}
	if (!write) {
		*val = r;
	}
	return true;
}

bool vgic_redist_mmio(struct vgic *g, uint64_t off64, unsigned int size, bool write, uint64_t *val)
{
	unsigned int vcpu = (unsigned int)(off64 / VGIC_GICR_STRIDE);
	uint32_t off = (uint32_t)(off64 % VGIC_GICR_STRIDE);
	bool ok = true;

	if (vcpu >= g->vcpus || (off & (size - 1U)) != 0) {
		return false;
	}
	struct vgic_cpu *c = &g->cpu[vcpu];
	if (off >= GICR_SGI_BASE) {
		return irq_regs(g, vcpu, off - GICR_SGI_BASE, size, write, val, 0, 32, &ok) ? ok
											    : true;
	}
	if (off == GICR_TYPER) {
		if (size != 8 && size != 4) {
			return false;
		}
		uint64_t t = (uint64_t)vcpu << 32 | (uint64_t)vcpu << 8 |
			     (vcpu + 1 == g->vcpus ? GICR_TYPER_LAST : 0);
		if (!write) {
			*val = size == 8 ? t : (uint32_t)t;
		}
		return true;
	}
	if (off == GICR_TYPER + 4 && size == 4) {
		if (!write) {
			*val = vcpu; /* the upper half: affinity */
		}
		return true;
	}
	uint64_t r = 0;
	if (size != 4) {
		off = UINT32_MAX; /* RAZ/WI, as for the distributor */
	}
	switch (off) {
	case GICR_WAKER:
		if (write) {
			c->sleep = (*val & GICR_WAKER_SLEEP) != 0;
		}
		r = c->sleep ? GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP : 0;
		break;
	case GICR_IIDR:
		r = IIDR_TZVISOR;
		break;
	case GICR_PIDR2:
		r = PIDR2_ARCH_GICV3;
		break;
	case GICR_CTLR:
	default:
		break; /* no LPIs: RAZ/WI */
	}
	if (!write) {
		*val = r;
	}
	return true;
}
