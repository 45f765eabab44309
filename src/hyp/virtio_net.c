/*
 * virtio-net (Virtio 1.2, 5.1): one receive and one transmit queue, the MAC
 * in the configuration space, no offloads (every frame carries a 12-byte
 * virtio_net_hdr_v1 of zeros). Frames go between VMs through tzvisor's
 * virtual switch (vswitch.c).
 */
#include <string.h>

#include "hyp/virtio_mmio.h"

unsigned int virtio_net_tx(struct virtio_dev *d, const struct guest_mem *m, struct vnet_frame *f,
			   unsigned int max, enum vq_err *err)
{
	struct virtq *q = &d->q[VNET_TXQ];
	struct vq_chain c;
	unsigned int n = 0;

	*err = VQ_OK;
	while (n < max) {
		enum vq_err e = virtq_pop(q, m, &c);
		if (e != VQ_OK) {
			*err = e == VQ_EMPTY ? VQ_OK : e;
			break;
		}
		/* A frame: header, then 14 to VNET_MTU_FRAME bytes; others are dropped. */
		uint32_t len = c.out_len > VNET_HDR_LEN ? c.out_len - VNET_HDR_LEN : 0;
		if (len >= 14 && len <= VNET_MTU_FRAME) {
			f[n].len = vq_read(m, &c, VNET_HDR_LEN, f[n].data, len);
			n++;
		}
		if ((*err = virtq_push(q, m, c.head, 0)) != VQ_OK) {
			break;
		}
		d->isr |= VIRTIO_ISR_QUEUE;
	}
	return n;
}

bool virtio_net_rx(struct virtio_dev *d, const struct guest_mem *m, const struct vnet_frame *f,
		   enum vq_err *err)
{
	struct virtq *q = &d->q[VNET_RXQ];
	struct vq_chain c;
	static const uint8_t hdr[VNET_HDR_LEN] = {[10] = 1}; /* num_buffers = 1 */

	*err = VQ_OK;
	if (!q->ready || (d->status & VIRTIO_STATUS_DRIVER_OK) == 0 ||
	    (d->status & VIRTIO_STATUS_NEEDS_RESET) != 0) {
		return false;
	}
	enum vq_err e = virtq_pop(q, m, &c);
	if (e != VQ_OK) {
		*err = e == VQ_EMPTY ? VQ_OK : e;
		return false;
	}
	uint32_t n = 0;
	if (c.in_len >= VNET_HDR_LEN + f->len) {
		n = vq_write(m, &c, 0, hdr, VNET_HDR_LEN);
		n += vq_write(m, &c, VNET_HDR_LEN, f->data, f->len);
	}
	if ((*err = virtq_push(q, m, c.head, n)) != VQ_OK) {
		return false;
	}
	d->isr |= VIRTIO_ISR_QUEUE;
	return n != 0;
}
