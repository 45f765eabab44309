/* The virtio-mmio transport, version 2 (Virtio 1.2, 4.2.2; see virtio_mmio.h). */
#include "hyp/virtio_mmio.h"

#include <string.h>

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_VENDOR_ID 0x00C
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC_LOW 0x080
#define REG_QUEUE_DESC_HIGH 0x084
#define REG_QUEUE_DRIVER_LOW 0x090
#define REG_QUEUE_DRIVER_HIGH 0x094
#define REG_QUEUE_DEVICE_LOW 0x0A0
#define REG_QUEUE_DEVICE_HIGH 0x0A4
#define REG_CONFIG_GENERATION 0x0FC
#define REG_CONFIG 0x100

#define MAGIC_VIRT 0x74726976U /* "virt" */
#define VENDOR_TZVISOR 0x564D5A54U /* "TZMV": not PCI's, the spec leaves it free */

void virtio_reset(struct virtio_dev *d)
{
	d->driver_features = 0;
	d->features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->status = 0;
	d->isr = 0;
	d->error = VQ_OK;
	memset(d->q, 0, sizeof(d->q));
}

static void common_init(struct virtio_dev *d, uint32_t id, unsigned int nq, uint64_t features)
{
	memset(d, 0, sizeof(*d));
	d->device_id = id;
	d->nq = nq;
	d->features = features | VIRTIO_F_VERSION_1;
}

void virtio_blk_init(struct virtio_dev *d, uint8_t *disk, uint64_t size)
{
	common_init(d, VIRTIO_ID_BLK, 1, 0);
	d->u.blk.disk = disk;
	d->u.blk.size = size;
}

#define VIRTIO_NET_F_MAC (1ULL << 5)

void virtio_net_init(struct virtio_dev *d, const uint8_t mac[6])
{
	common_init(d, VIRTIO_ID_NET, 2, VIRTIO_NET_F_MAC);
	memcpy(d->u.net.mac, mac, 6);
}

bool virtio_irq_level(const struct virtio_dev *d)
{
	return d->isr != 0;
}

void virtio_fail(struct virtio_dev *d, enum vq_err e)
{
	d->error = e;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	d->isr |= VIRTIO_ISR_CONFIG;
}

/* The device's configuration space: blk capacity in sectors, net MAC. */
static uint32_t config_read(const struct virtio_dev *d, uint64_t off, unsigned int size)
{
	uint8_t cfg[8] = {0};

	if (d->device_id == VIRTIO_ID_BLK) {
		uint64_t sectors = d->u.blk.size / 512U;
		memcpy(cfg, &sectors, 8);
	} else {
		memcpy(cfg, d->u.net.mac, 6);
	}
	uint32_t v = 0;
	for (unsigned int i = 0; i < size && off + i < sizeof(cfg); i++) {
		v |= (uint32_t)cfg[off + i] << (8 * i);
	}
	return v;
}

static struct virtq *selected(struct virtio_dev *d)
{
	return d->queue_sel < d->nq ? &d->q[d->queue_sel] : NULL;
}

static void set_half(uint64_t *r, bool high, uint32_t v)
{
	*r = high ? (*r & 0xFFFFFFFFULL) | ((uint64_t)v << 32) : (*r & ~0xFFFFFFFFULL) | v;
}

static uint32_t reg_read(struct virtio_dev *d, uint64_t off)
{
	struct virtq *q = selected(d);

	switch (off) {
	case REG_MAGIC:
		return MAGIC_VIRT;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return d->device_id;
	case REG_VENDOR_ID:
		return VENDOR_TZVISOR;
	case REG_DEVICE_FEATURES:
		return d->features_sel < 2 ? (uint32_t)(d->features >> (32 * d->features_sel)) : 0;
	case REG_QUEUE_NUM_MAX:
		return q != NULL ? VIRTIO_QUEUE_MAX : 0;
	case REG_QUEUE_READY:
		return q != NULL && q->ready ? 1 : 0;
	case REG_INTERRUPT_STATUS:
		return d->isr;
	case REG_STATUS:
		return d->status;
	case REG_CONFIG_GENERATION:
		return d->config_gen;
	default:
		return 0; /* write-only and reserved registers */
	}
}

static void reg_write(struct virtio_dev *d, const struct guest_mem *m, uint64_t off, uint32_t v,
		      struct virtio_io *io)
{
	struct virtq *q = selected(d);
	/* Queue registers may change only while the queue is not ready (4.2.3.2). */
	bool qw = q != NULL && !q->ready;

	switch (off) {
	case REG_DEVICE_FEATURES_SEL:
		d->features_sel = v;
		break;
	case REG_DRIVER_FEATURES:
		if ((d->status & VIRTIO_STATUS_FEATURES_OK) == 0 && d->driver_features_sel < 2) {
			set_half(&d->driver_features, d->driver_features_sel == 1, v);
		}
		break;
	case REG_DRIVER_FEATURES_SEL:
		d->driver_features_sel = v;
		break;
	case REG_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case REG_QUEUE_NUM:
		if (qw) {
			q->num = (uint16_t)(v <= VIRTIO_QUEUE_MAX ? v : 0);
		}
		break;
	case REG_QUEUE_READY:
		if (q != NULL && (v & 1U) != 0 && !q->ready) {
			if (virtq_check(q, m) != VQ_OK) {
				virtio_fail(d, VQ_ERING);
				break;
			}
			q->ready = true;
			q->last_avail = 0;
			q->used_idx = 0;
		} else if (q != NULL && (v & 1U) == 0) {
			q->ready = false;
		}
		break;
	case REG_QUEUE_NOTIFY:
		if (v < d->nq && d->q[v].ready && (d->status & VIRTIO_STATUS_DRIVER_OK) != 0 &&
		    (d->status & VIRTIO_STATUS_NEEDS_RESET) == 0) {
			io->notify = true;
			io->queue = v;
		}
		break;
	case REG_INTERRUPT_ACK:
		d->isr &= ~v;
		break;
	case REG_STATUS:
		if (v == 0) {
			virtio_reset(d);
		} else if ((v & VIRTIO_STATUS_FEATURES_OK) != 0 &&
			   (d->driver_features & ~d->features) != 0) {
			/* Features we did not offer: FEATURES_OK does not stick (3.1.1). */
			d->status = (v & ~VIRTIO_STATUS_FEATURES_OK) |
				    (d->status & VIRTIO_STATUS_NEEDS_RESET);
		} else if ((v & VIRTIO_STATUS_FEATURES_OK) != 0 &&
			   (d->driver_features & VIRTIO_F_VERSION_1) == 0) {
			d->status = v & ~VIRTIO_STATUS_FEATURES_OK; /* legacy drivers: no */
		} else {
			d->status = (v & 0xFFU & ~VIRTIO_STATUS_NEEDS_RESET) |
				    (d->status & VIRTIO_STATUS_NEEDS_RESET);
		}
		break;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		if (qw) {
			set_half(&q->desc, off == REG_QUEUE_DESC_HIGH, v);
		}
		break;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		if (qw) {
			set_half(&q->avail, off == REG_QUEUE_DRIVER_HIGH, v);
		}
		break;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		if (qw) {
			set_half(&q->used, off == REG_QUEUE_DEVICE_HIGH, v);
		}
		break;
	default:
		break; /* read-only and reserved: ignored */
	}
}

bool virtio_mmio(struct virtio_dev *d, const struct guest_mem *m, uint64_t off, unsigned int size,
		 bool write, uint64_t *val, struct virtio_io *io)
{
	io->notify = false;
	if (off >= VIRTIO_MMIO_SIZE || (off & (size - 1U)) != 0) {
		return false;
	}
	if (off >= REG_CONFIG) {
		/* Device configuration: byte, halfword and word reads; writes ignored. */
		if (size > 4) {
			return false;
		}
		if (!write) {
			*val = config_read(d, off - REG_CONFIG, size);
		}
		return true;
	}
	if (size != 4) {
		return false; /* the transport's registers are 32-bit (4.2.2) */
	}
	if (write) {
		reg_write(d, m, off, (uint32_t)*val, io);
	} else {
		*val = reg_read(d, off);
	}
	return true;
}
