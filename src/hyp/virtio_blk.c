/*
 * virtio-blk (Virtio 1.2, 5.2) over a disk image in memory: requests IN,
 * OUT, FLUSH and GET_ID; anything else answers UNSUPP, anything out of the
 * disk IOERR. No feature beyond VERSION_1 is offered (one segment size, no
 * discard, no multiqueue).
 */
#include <string.h>

#include "hyp/virtio_mmio.h"

#define VIRTIO_BLK_T_IN 0U
#define VIRTIO_BLK_T_OUT 1U
#define VIRTIO_BLK_T_FLUSH 4U
#define VIRTIO_BLK_T_GET_ID 8U
#define VIRTIO_BLK_S_OK 0U
#define VIRTIO_BLK_S_IOERR 1U
#define VIRTIO_BLK_S_UNSUPP 2U
#define SECTOR 512U

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One request: its status, and how many bytes went into the guest's buffers. */
static uint8_t serve(struct virtio_dev *d, const struct guest_mem *m, const struct vq_chain *c,
		     uint32_t *written)
{
	struct blk_req_hdr h;
	/* Data: what follows the header (readable) or precedes the status byte (writable). */
	uint32_t out_data = c->out_len - (uint32_t)sizeof(h), in_data = c->in_len - 1U;
	uint64_t off, end;

	*written = 0;
	if (vq_read(m, c, 0, &h, sizeof(h)) != sizeof(h)) {
		return VIRTIO_BLK_S_IOERR;
	}
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		uint32_t len = h.type == VIRTIO_BLK_T_IN ? in_data : out_data;
		if (__builtin_mul_overflow(h.sector, SECTOR, &off) ||
		    __builtin_add_overflow(off, len, &end) || end > d->u.blk.size ||
		    len % SECTOR != 0) {
			return VIRTIO_BLK_S_IOERR;
		}
		if (h.type == VIRTIO_BLK_T_IN) {
			*written = vq_write(m, c, 0, d->u.blk.disk + off, len);
		} else if (vq_read(m, c, sizeof(h), d->u.blk.disk + off, len) != len) {
			return VIRTIO_BLK_S_IOERR;
		}
		return VIRTIO_BLK_S_OK;
	}
	case VIRTIO_BLK_T_FLUSH:
		return VIRTIO_BLK_S_OK; /* the disk is memory */
	case VIRTIO_BLK_T_GET_ID: {
		static const char id[20] = "tzvisor-ramdisk";
		*written = vq_write(m, c, 0, id, in_data < sizeof(id) ? in_data : sizeof(id));
		return VIRTIO_BLK_S_OK;
	}
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

enum vq_err virtio_blk_notify(struct virtio_dev *d, const struct guest_mem *m)
{
	struct virtq *q = &d->q[0];
	struct vq_chain c;
	enum vq_err e;

	while ((e = virtq_pop(q, m, &c)) == VQ_OK) {
		uint32_t written = 0;
		uint8_t status;
		/* At least the header (readable) and the status byte (writable, last). */
		if (c.out_len < sizeof(struct blk_req_hdr) || c.in_len < 1 ||
		    !c.buf[c.n - 1].write) {
			status = VIRTIO_BLK_S_IOERR;
		} else {
			status = serve(d, m, &c, &written);
		}
		if (c.in_len >= 1) {
			vq_write(m, &c, c.in_len - 1U, &status, 1);
			written += 1;
		}
		if ((e = virtq_push(q, m, c.head, written)) != VQ_OK) {
			return e;
		}
		d->isr |= VIRTIO_ISR_QUEUE;
	}
	return e == VQ_EMPTY ? VQ_OK : e;
}
