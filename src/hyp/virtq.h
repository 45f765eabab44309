/*
 * Split virtqueues (Virtio 1.2, section 2.7) as a device sees them, over the
 * guest's RAM. Everything in a ring is input from the guest: every index,
 * address and length is checked before use. Pure logic (host-tested).
 *
 * Supported: descriptor chains of at most VQ_MAX_CHAIN buffers, readable
 * buffers first then writable ones. Not supported (never offered):
 * indirect descriptors, event index, packed rings.
 */
#ifndef HYP_VIRTQ_H
#define HYP_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VQ_MAX_SIZE 256U
#define VQ_MAX_CHAIN 16U

/* The guest's RAM as the hypervisor reaches it. */
struct guest_mem {
	uint8_t *host; /* where IPA `ipa` is mapped in tzvisor */
	uint64_t ipa, size;
};

/* A host pointer to [ipa, ipa+len) if all of it is guest RAM, else NULL. */
void *gmem_ptr(const struct guest_mem *m, uint64_t ipa, uint64_t len);

struct virtq {
	uint16_t num; /* the driver's queue size */
	bool ready;
	uint64_t desc, avail, used; /* IPAs of the three areas */
	uint16_t last_avail; /* the next available entry to take */
	uint16_t used_idx;
};

struct vq_buf {
	uint64_t ipa;
	uint32_t len;
	bool write; /* device-writable */
};

struct vq_chain {
	uint16_t head;
	unsigned int n;
	struct vq_buf buf[VQ_MAX_CHAIN];
	uint32_t in_len, out_len; /* bytes readable by the device, writable by it */
};

enum vq_err {
	VQ_OK = 0,
	VQ_EMPTY, /* nothing available */
	VQ_ERING, /* the rings are not in guest RAM, or the size is not a power of two */
	VQ_EIDX, /* the available index moved by more than the queue size */
	VQ_EDESC, /* a descriptor index out of range, or a buffer outside guest RAM */
	VQ_ECHAIN, /* a chain too long or looping, or readable after writable */
	VQ_EINDIRECT, /* an indirect descriptor (not negotiated) */
};

/* The queue's areas are in guest RAM and its size is valid (checked when it is enabled). */
enum vq_err virtq_check(const struct virtq *q, const struct guest_mem *m);
/* Takes the next available chain into *c; VQ_EMPTY when there is none. */
enum vq_err virtq_pop(struct virtq *q, const struct guest_mem *m, struct vq_chain *c);
/* Returns chain `head` to the driver with `written` bytes written into it. */
enum vq_err virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written);
const char *virtq_strerror(enum vq_err e);

/* Copies between a chain's buffers and flat memory; return bytes copied. */
uint32_t vq_read(const struct guest_mem *m, const struct vq_chain *c, uint32_t off, void *dst,
		 uint32_t len);
uint32_t vq_write(const struct guest_mem *m, const struct vq_chain *c, uint32_t off,
		  const void *src, uint32_t len);

#endif
