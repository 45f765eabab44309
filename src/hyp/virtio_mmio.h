/*
 * Virtio devices over the virtio-mmio transport (Virtio 1.2, section 4.2.2,
 * version 2 "modern" only): the register file, feature negotiation, queue
 * set-up, and the two device models behind it, each in its own file:
 * virtio_blk.c (a disk in memory) and virtio_net.c (a port of tzvisor's
 * virtual switch). Pure logic over guest RAM (host-tested); the caller
 * holds the VM's lock and raises the interrupt line (virtio_irq_level).
 *
 * A guest that breaks a ring (bad index, descriptor outside its RAM, a loop)
 * gets the device marked DEVICE_NEEDS_RESET with a configuration-change
 * interrupt (Virtio 1.2, 2.1.2); the device then ignores the queues until
 * the driver resets it. tzvisor logs why; the VM goes on.
 */
#ifndef HYP_VIRTIO_MMIO_H
#define HYP_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "hyp/virtq.h"

#define VIRTIO_MMIO_SIZE 0x200U
#define VIRTIO_ID_NET 1U
#define VIRTIO_ID_BLK 2U
#define VIRTIO_MAX_QUEUES 2U
#define VIRTIO_QUEUE_MAX 256U

#define VIRTIO_STATUS_DRIVER_OK 4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U
#define VIRTIO_ISR_QUEUE 1U
#define VIRTIO_ISR_CONFIG 2U
#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VNET_RXQ 0U
#define VNET_TXQ 1U
#define VNET_HDR_LEN 12U /* struct virtio_net_hdr_v1, no offloads negotiated */
#define VNET_MTU_FRAME 1514U

struct virtio_dev {
	uint32_t device_id;
	uint64_t features; /* offered */
	uint64_t driver_features;
	uint32_t features_sel, driver_features_sel, queue_sel;
	uint32_t status, isr, config_gen;
	unsigned int nq;
	struct virtq q[VIRTIO_MAX_QUEUES];
	enum vq_err error; /* what broke the device (NEEDS_RESET); VQ_OK if nothing */
	union {
		struct {
			uint8_t *disk; /* tzvisor's view of the image */
			uint64_t size; /* bytes, a multiple of 512 */
		} blk;
		struct {
			uint8_t mac[6];
		} net;
	} u;
};

/* What an access asks of the caller beyond the register file. */
struct virtio_io {
	bool notify; /* QueueNotify for queue `queue` of a live device */
	unsigned int queue;
};

void virtio_blk_init(struct virtio_dev *d, uint8_t *disk, uint64_t size);
void virtio_net_init(struct virtio_dev *d, const uint8_t mac[6]);
/* Back to the state after init (Status written 0). */
void virtio_reset(struct virtio_dev *d);

/* A register access; false for one the transport refuses (size, alignment). */
bool virtio_mmio(struct virtio_dev *d, const struct guest_mem *m, uint64_t off, unsigned int size,
		 bool write, uint64_t *val, struct virtio_io *io);
bool virtio_irq_level(const struct virtio_dev *d);
/* A queue error: DEVICE_NEEDS_RESET and a configuration-change interrupt. */
void virtio_fail(struct virtio_dev *d, enum vq_err e);

/* virtio-blk: serves every available request of its queue. VQ_OK, or the ring error. */
enum vq_err virtio_blk_notify(struct virtio_dev *d, const struct guest_mem *m);

/* One Ethernet frame between switch ports. */
struct vnet_frame {
	uint32_t len;
	uint8_t data[VNET_MTU_FRAME];
};
/* virtio-net: takes up to `max` frames the guest transmitted (headers dropped). */
unsigned int virtio_net_tx(struct virtio_dev *d, const struct guest_mem *m, struct vnet_frame *f,
			   unsigned int max, enum vq_err *err);
/* virtio-net: one frame into the guest's next receive buffer; false if none (dropped). */
bool virtio_net_rx(struct virtio_dev *d, const struct guest_mem *m, const struct vnet_frame *f,
		   enum vq_err *err);

#endif
