/* Split virtqueues over guest RAM (see virtq.h). */
#include "hyp/virtq.h"

#include <string.h>

#include "core/types.h"

#define VIRTQ_DESC_F_NEXT 1U
#define VIRTQ_DESC_F_WRITE 2U
#define VIRTQ_DESC_F_INDIRECT 4U

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "Virtio 1.2, 2.7.5");

void *gmem_ptr(const struct guest_mem *m, uint64_t ipa, uint64_t len)
{
	uint64_t end;

	if (ipa < m->ipa || !range_end(ipa, len, &end) || end > m->ipa + m->size) {
		return NULL;
	}
	return m->host + (ipa - m->ipa);
}

enum vq_err virtq_check(const struct virtq *q, const struct guest_mem *m)
{
	uint64_t n = q->num;

	if (n == 0 || n > VQ_MAX_SIZE || (n & (n - 1)) != 0 || !IS_ALIGNED(q->desc, 16) ||
	    !IS_ALIGNED(q->avail, 2) || !IS_ALIGNED(q->used, 4) ||
	    gmem_ptr(m, q->desc, 16 * n) == NULL || gmem_ptr(m, q->avail, 6 + 2 * n) == NULL ||
	    gmem_ptr(m, q->used, 6 + 8 * n) == NULL) {
		return VQ_ERING;
	}
	return VQ_OK;
}

static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

enum vq_err virtq_pop(struct virtq *q, const struct guest_mem *m, struct vq_chain *c)
{
	if (virtq_check(q, m) != VQ_OK) {
		return VQ_ERING;
	}
	const uint8_t *avail = gmem_ptr(m, q->avail, 4 + 2U * q->num);
	const struct virtq_desc *desc = gmem_ptr(m, q->desc, 16U * q->num);
	uint16_t idx = load16(avail + 2);
	uint16_t pending = (uint16_t)(idx - q->last_avail);

	if (pending == 0) {
		return VQ_EMPTY;
	}
	if (pending > q->num) {
		return VQ_EIDX;
	}
	uint16_t head = load16(avail + 4 + 2U * (q->last_avail % q->num));
	if (head >= q->num) {
		return VQ_EDESC;
	}
	memset(c, 0, sizeof(*c));
	c->head = head;
	uint16_t i = head;
	bool writable_seen = false;
	for (;;) {
		struct virtq_desc d;
		memcpy(&d, &desc[i], sizeof(d)); /* one snapshot: the guest may change it */
		if ((d.flags & VIRTQ_DESC_F_INDIRECT) != 0) {
			return VQ_EINDIRECT;
		}
		if (c->n == VQ_MAX_CHAIN) {
			return VQ_ECHAIN; /* also what a loop ends as */
		}
		bool w = (d.flags & VIRTQ_DESC_F_WRITE) != 0;
		if ((writable_seen && !w) || (d.len != 0 && gmem_ptr(m, d.addr, d.len) == NULL)) {
			return writable_seen && !w ? VQ_ECHAIN : VQ_EDESC;
		}
		writable_seen = writable_seen || w;
		c->buf[c->n++] = (struct vq_buf){d.addr, d.len, w};
		if (w) {
			c->in_len += d.len;
		} else {
			c->out_len += d.len;
		}
		if ((d.flags & VIRTQ_DESC_F_NEXT) == 0) {
			break;
		}
		if (d.next >= q->num) {
			return VQ_EDESC;
		}
		i = d.next;
	}
	q->last_avail++;
	return VQ_OK;
}

enum vq_err virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written)
{
	if (virtq_check(q, m) != VQ_OK) {
		return VQ_ERING;
	}
	uint8_t *used = gmem_ptr(m, q->used, 4 + 8U * q->num);
	uint8_t *e = used + 4 + 8U * (q->used_idx % q->num);
	uint32_t id = head;

	memcpy(e, &id, 4);
	memcpy(e + 4, &written, 4);
	q->used_idx++;
	/* The element before the index: the driver reads them in that order. */
	__atomic_store_n((uint16_t *)(void *)(used + 2), q->used_idx, __ATOMIC_RELEASE);
	return VQ_OK;
}

static uint32_t copy(const struct guest_mem *m, const struct vq_chain *c, uint32_t off,
		     uint8_t *flat, uint32_t len, bool to_guest)
{
	uint32_t done = 0;

	for (unsigned int i = 0; i < c->n && done < len; i++) {
		const struct vq_buf *b = &c->buf[i];
		if (b->write != to_guest) {
			continue;
		}
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		uint32_t n = b->len - off < len - done ? b->len - off : len - done;
		uint8_t *g = gmem_ptr(m, b->ipa + off, n); /* checked when popped */
		if (g == NULL) {
			break;
		}
		if (to_guest) {
			memcpy(g, flat + done, n);
		} else {
			memcpy(flat + done, g, n);
		}
		done += n;
		off = 0;
	}
	return done;
}

uint32_t vq_read(const struct guest_mem *m, const struct vq_chain *c, uint32_t off, void *dst,
		 uint32_t len)
{
	return copy(m, c, off, dst, len, false);
}

uint32_t vq_write(const struct guest_mem *m, const struct vq_chain *c, uint32_t off,
		  const void *src, uint32_t len)
{
	return copy(m, c, off, (uint8_t *)(uintptr_t)src, len, true);
}

const char *virtq_strerror(enum vq_err e)
{
	switch (e) {
	case VQ_OK:
		return "ok";
	case VQ_EMPTY:
		return "empty";
	case VQ_ERING:
		return "rings outside guest RAM or bad queue size";
	case VQ_EIDX:
		return "available index moved by more than the queue size";
	case VQ_EDESC:
		return "descriptor index out of range or buffer outside guest RAM";
	case VQ_ECHAIN:
		return "descriptor chain too long, looping, or readable after writable";
	case VQ_EINDIRECT:
		return "indirect descriptor (not negotiated)";
	}
	return "unknown error";
}
