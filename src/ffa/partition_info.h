/*
 * Partition information descriptors (FF-A v1.2 section 6.2.x and 13.8/13.9):
 * what FFA_PARTITION_INFO_GET writes into the caller's RX buffer and what
 * FFA_PARTITION_INFO_GET_REGS returns in registers, in the layout of the
 * caller's FF-A version.
 */
#ifndef FFA_PARTITION_INFO_H
#define FFA_PARTITION_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "ffa/ffa_core.h"
#include "ffa/rxtx.h"

/* Partition properties (FF-A v1.2 table 6.2). */
#define FFA_PROP_DIRECT_REQ_RECV (1U << 0)
#define FFA_PROP_DIRECT_REQ_SEND (1U << 1)
#define FFA_PROP_INDIRECT_MSG (1U << 2)
#define FFA_PROP_NOTIFICATIONS (1U << 3)
#define FFA_PROP_ID_TYPE_PE (0U << 4)
/* v1.1 on: the partition is told of each VM the hypervisor creates / destroys. */
#define FFA_PROP_VM_CREATED (1U << 6)
#define FFA_PROP_VM_DESTROYED (1U << 7)
#define FFA_PROP_AARCH64 (1U << 8)
#define FFA_PROP_DIRECT_REQ2_RECV (1U << 9)
#define FFA_PROP_DIRECT_REQ2_SEND (1U << 10)

/* FFA_PARTITION_INFO_GET flags (w5): bit 0 = return the count only (v1.1+). */
#define FFA_PARTITION_INFO_COUNT_ONLY 1U

#define FFA_PARTITION_INFO_V1_0_SIZE 8U
#define FFA_PARTITION_INFO_V1_1_SIZE 24U
/* PARTITION_INFO_GET_REGS: x3-x17 hold five 24-byte descriptors. */
#define FFA_PARTITION_INFO_REGS_MAX 5U

/* What a role knows of one partition (one entry per UUID of the partition). */
struct ffa_partition_desc {
	ffa_id_t id;
	uint16_t exec_ctx_count;
	uint32_t props; /* full v1.2 set: trimmed per caller version */
	uint32_t uuid[4];
};

struct ffa_uuid_arg {
	uint32_t w[4]; /* as passed in w1-w4 (FFA_PARTITION_INFO_GET) */
};

/*
 * The properties of a partition from its FF-A manifest's messaging-method
 * (the binding's bits: 0 direct requests in, 1 out, 2 indirect messages,
 * 9 and 10 DIRECT_REQ2 in and out) and notification-support.
 */
#define FFA_MANIFEST_MSG_DIRECT_REQ_RECV (1U << 0)
#define FFA_MANIFEST_MSG_DIRECT_REQ_SEND (1U << 1)
#define FFA_MANIFEST_MSG_INDIRECT (1U << 2)
#define FFA_MANIFEST_MSG_DIRECT_REQ2_RECV (1U << 9)
#define FFA_MANIFEST_MSG_DIRECT_REQ2_SEND (1U << 10)
uint32_t ffa_partition_props(uint32_t messaging_method, bool notifications);

size_t ffa_partition_info_desc_size(uint32_t caller_version);
uint32_t ffa_partition_props_for(uint32_t props, uint32_t caller_version);

/*
 * Picks the descriptors matching `uuid` (nil: all; a caller before v1.2 gets
 * one entry per partition, its first UUID) into out[] (at most max).
 * Returns the count, 0 for no match.
 */
unsigned int ffa_partition_info_select(const struct ffa_partition_desc *all, unsigned int n,
				       const struct ffa_uuid_arg *uuid, uint32_t caller_version,
				       struct ffa_partition_desc *out, unsigned int max);

/*
 * Writes `n` descriptors in the caller's layout into buf (size bytes); the
 * UUID field is written only for a nil-UUID query (FF-A v1.2 13.8.2).
 * Returns the bytes written, or 0 if they do not fit.
 */
size_t ffa_partition_info_write(const struct ffa_partition_desc *d, unsigned int n,
				uint32_t caller_version, bool with_uuid, void *buf, size_t size);

/* The most descriptors (partitions times UUIDs) an instance reports. */
#define FFA_PARTITION_INFO_MAX 32U

/*
 * FFA_PARTITION_INFO_GET from `ep` over all[0, n) (n <= FFA_PARTITION_INFO_MAX):
 * w1-w4 the UUID (nil: all), w5 the flags (count only). The descriptors go
 * to the caller's RX buffer, written through b->rx (tzvisor's address of
 * it), which must be mapped and empty (BUSY) and then belongs to the caller.
 * SUCCESS (w2 = count, w3 = descriptor size from v1.1), or INVALID_PARAMETERS
 * (flags, no match), BUSY, NO_MEMORY (they do not fit).
 */
struct ffa_value ffa_partition_info_get(struct ffa_endpoint *ep, struct ffa_rxtx *b,
					const struct ffa_partition_desc *all, unsigned int n,
					const struct ffa_value *args);
/*
 * FFA_PARTITION_INFO_GET_REGS over all[0, n): x1/x2 the UUID, x3 [15:0] the
 * start index, [31:16] the UUID tag (not supported: RETRY).
 */
struct ffa_value ffa_partition_info_get_regs(const struct ffa_partition_desc *all, unsigned int n,
					     const struct ffa_value *args);

/* FFA_PARTITION_INFO_GET_REGS answer for d[0..n) from `start`; INVALID_PARAMETERS if start >= n. */
struct ffa_value ffa_partition_info_regs(const struct ffa_partition_desc *d, unsigned int n,
					 unsigned int start, bool with_uuid);

#endif
