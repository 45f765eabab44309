/* A vCPU's virtual interrupt state machine (see vint.h). */
#include "spmc/vint.h"

#include <string.h>

/* The slot of an ID, or -1. */
static int slot_of(const struct vint *s, uint32_t id)
{
	for (unsigned int i = 0; i < s->count; i++) {
		if (s->id[i] == id) {
			return (int)i;
		}
	}
	return -1;
}

static bool ready(uint8_t f)
{
	return (f & (VINT_F_ENABLED | VINT_F_PENDING)) == (VINT_F_ENABLED | VINT_F_PENDING);
}

/* Keeps the line counters in step with one slot's flags changing from `was` to its new value. */
static void account(struct vint *s, unsigned int slot, uint8_t was)
{
	uint8_t now = s->flags[slot];

	if (ready(was)) {
		if ((was & VINT_F_FIQ) != 0) {
			s->ready_fiq--;
		} else {
			s->ready_irq--;
		}
	}
	if (ready(now)) {
		if ((now & VINT_F_FIQ) != 0) {
			s->ready_fiq++;
		} else {
			s->ready_irq++;
		}
	}
}

static void set_flags(struct vint *s, unsigned int slot, uint8_t flags)
{
	uint8_t was = s->flags[slot];

	s->flags[slot] = flags;
	account(s, slot, was);
}

/* Removes a slot from the pending order (it must be there). */
static void unqueue(struct vint *s, unsigned int slot)
{
	for (unsigned int i = 0; i < s->queued; i++) {
		if (s->order[i] == slot) {
			memmove(&s->order[i], &s->order[i + 1], s->queued - i - 1U);
			s->queued--;
			return;
		}
	}
}

void vint_init(struct vint *s)
{
	memset(s, 0, sizeof(*s));
}

bool vint_declare(struct vint *s, uint32_t id, bool enabled, bool fiq)
{
	if (s->count == VINT_MAX_IDS || slot_of(s, id) >= 0) {
		return false;
	}
	s->id[s->count] = id;
	s->flags[s->count] = (uint8_t)((enabled ? VINT_F_ENABLED : 0U) | (fiq ? VINT_F_FIQ : 0U));
	s->count++;
	return true;
}

bool vint_knows(const struct vint *s, uint32_t id)
{
	return slot_of(s, id) >= 0;
}

bool vint_enable(struct vint *s, uint32_t id, bool enable, bool fiq)
{
	int i = slot_of(s, id);

	if (i < 0) {
		return false;
	}
	uint8_t f = s->flags[i] & (uint8_t) ~(VINT_F_ENABLED | VINT_F_FIQ);
	set_flags(s, (unsigned int)i,
		  (uint8_t)(f | (enable ? VINT_F_ENABLED : 0U) | (fiq ? VINT_F_FIQ : 0U)));
	return true;
}

bool vint_inject(struct vint *s, uint32_t id)
{
	int i = slot_of(s, id);

	if (i < 0) {
		return false;
	}
	if ((s->flags[i] & VINT_F_PENDING) == 0) {
		s->order[s->queued++] = (uint8_t)i;
		set_flags(s, (unsigned int)i, s->flags[i] | VINT_F_PENDING);
	}
	return true;
}

/* The position in order[] of the oldest enabled pending ID, or -1. */
static int first_ready(const struct vint *s)
{
	for (unsigned int i = 0; i < s->queued; i++) {
		if (ready(s->flags[s->order[i]])) {
			return (int)i;
		}
	}
	return -1;
}

uint32_t vint_peek(const struct vint *s)
{
	int q = first_ready(s);

	return q < 0 ? VINT_NONE : s->id[s->order[q]];
}

uint32_t vint_take(struct vint *s)
{
	int q = first_ready(s);

	if (q < 0) {
		return VINT_NONE;
	}
	unsigned int slot = s->order[q];
	unqueue(s, slot);
	set_flags(s, slot, (uint8_t)((s->flags[slot] & ~VINT_F_PENDING) | VINT_F_ACTIVE));
	return s->id[slot];
}

bool vint_deactivate(struct vint *s, uint32_t id)
{
	int i = slot_of(s, id);

	if (i < 0 || (s->flags[i] & VINT_F_ACTIVE) == 0) {
		return false;
	}
	set_flags(s, (unsigned int)i, s->flags[i] & (uint8_t)~VINT_F_ACTIVE);
	return true;
}

void vint_withdraw(struct vint *s, uint32_t id)
{
	int i = slot_of(s, id);

	if (i < 0) {
		return;
	}
	if ((s->flags[i] & VINT_F_PENDING) != 0) {
		unqueue(s, (unsigned int)i);
	}
	set_flags(s, (unsigned int)i, s->flags[i] & (uint8_t) ~(VINT_F_PENDING | VINT_F_ACTIVE));
}

void vint_unpend(struct vint *s, uint32_t id)
{
	int i = slot_of(s, id);

	if (i >= 0 && (s->flags[i] & VINT_F_PENDING) != 0) {
		unqueue(s, (unsigned int)i);
		set_flags(s, (unsigned int)i, s->flags[i] & (uint8_t)~VINT_F_PENDING);
	}
}

static bool has(const struct vint *s, uint32_t id, uint8_t flag)
{
	int i = slot_of(s, id);

	return i >= 0 && (s->flags[i] & flag) != 0;
}

bool vint_is_pending(const struct vint *s, uint32_t id)
{
	return has(s, id, VINT_F_PENDING);
}

bool vint_is_active(const struct vint *s, uint32_t id)
{
	return has(s, id, VINT_F_ACTIVE);
}

bool vint_is_enabled(const struct vint *s, uint32_t id)
{
	return has(s, id, VINT_F_ENABLED);
}
