/*
 * FF-A memory descriptors as a client writes and reads them (FF-A v1.2
 * chapter 11), for the on-target test programs (normal-world payload, test
 * partitions). Written apart from tzvisor's own src/ffa/mem_desc.c so that
 * the tests do not share the implementation they check.
 */
#ifndef TESTS_TARGET_MEM_BUILD_H
#define TESTS_TARGET_MEM_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#define MB_PAGE 4096U
#define MB_NORMAL_WB_ISH 0x2FU /* Normal memory, write-back, inner shareable */
#define MB_ATTR_NS 0x40U
#define MB_RW 0x2U
#define MB_RO 0x1U
#define MB_NX 0x4U
#define MB_X 0x8U
#define MB_TYPE_SHARE (1U << 3)
#define MB_TYPE_LEND (2U << 3)
#define MB_TYPE_DONATE (3U << 3)

struct mb_recv {
	uint16_t id;
	uint8_t perms;
	uint8_t flags;
};

struct mb_range {
	uint64_t base;
	uint32_t pages;
};

/* The fields of a descriptor, layout aside. */
struct mb_desc {
	uint16_t sender;
	uint16_t attrs;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	unsigned int nrecv;
	struct mb_recv recv[4];
	const struct mb_range *ranges;
	unsigned int nranges; /* 0: a retrieve request (no composite) */
};

/*
 * Writes d in `version`'s layout (v1.0: 32-byte header; v1.1: 48; v1.2:
 * 48 with 32-byte EMADs) to buf; returns its length.
 */
uint32_t mb_write(uint8_t *buf, uint32_t version, const struct mb_desc *d);

/* A relinquish descriptor for one endpoint: 18 bytes. */
uint32_t mb_relinquish(uint8_t *buf, uint64_t handle, uint32_t flags, uint16_t endpoint);

/*
 * Reads a retrieve response's head (the first fragment): sender,
 * attributes, flags, handle, the first EMAD's ID and permissions, total
 * pages and range count, and where the ranges start. False if it does not
 * hold together.
 */
struct mb_resp {
	uint16_t sender, attrs;
	uint32_t flags;
	uint64_t handle;
	unsigned int nrecv;
	uint16_t recv_id;
	uint8_t recv_perms;
	uint32_t total_pages, nranges, ranges_at;
};
bool mb_read(const uint8_t *buf, uint32_t len, uint32_t version, struct mb_resp *r);
/* Constituent i of a buffer that starts at a constituent. */
struct mb_range mb_range_at(const uint8_t *buf, uint32_t i);

#endif
