/*
 * FF-A memory management descriptors (FF-A v1.2 chapter 11, sections
 * 11.1-11.3): the checking parsers for what senders, borrowers and a
 * hypervisor write to their TX buffers, and the writer of the retrieve
 * responses the relayer puts in RX buffers. Pure functions on private
 * copies: ownership, stage-2 state and the transaction state machine are
 * mem_share.c's and the roles' business.
 *
 * Layouts. A memory transaction descriptor is a header, an array of
 * endpoint memory access descriptors (EMADs), a composite memory region
 * descriptor and its constituents (address ranges):
 *   v1.0  header 32 bytes, EMADs (16 bytes) right after it;
 *   v1.1  header 48 bytes giving the EMAD size (16), count and offset;
 *   v1.2  the same, EMADs of 32 bytes (16 implementation-defined bytes).
 *   composite (16): total page count, range count, reserved;
 *   constituent (16): address, page count, reserved.
 * Offsets and sizes are computed in 64 bits: no sum of 32-bit fields wraps.
 *
 * Fragments (FFA_MEM_FRAG_TX/RX): the first fragment holds everything up to
 * and including the composite header; every fragment is a multiple of 16
 * bytes, so later ones hold whole constituents.
 */
#ifndef FFA_MEM_DESC_H
#define FFA_MEM_DESC_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/ffa.h"

#define FFA_MEM_PAGE_SIZE 4096U
#define FFA_MEM_MAX_RECEIVERS 4U

#define FFA_MEM_HEADER_SIZE_V1_0 32U
#define FFA_MEM_HEADER_SIZE_V1_1 48U
#define FFA_MEM_EMAD_SIZE_V1_0 16U
#define FFA_MEM_EMAD_SIZE_V1_2 32U
#define FFA_MEM_COMPOSITE_SIZE 16U
#define FFA_MEM_CONSTITUENT_SIZE 16U
#define FFA_MEM_RELINQUISH_HEADER_SIZE 16U

/* Access permissions (EMAD byte 2): [1:0] data access, [3:2] instruction access. */
#define FFA_MEM_PERM_DATA_MASK 0x3U
#define FFA_MEM_PERM_DATA_NONE 0x0U /* not specified */
#define FFA_MEM_PERM_DATA_RO 0x1U
#define FFA_MEM_PERM_DATA_RW 0x2U
#define FFA_MEM_PERM_INSN_MASK 0xCU
#define FFA_MEM_PERM_INSN_NONE 0x0U /* not specified */
#define FFA_MEM_PERM_INSN_NX 0x4U
#define FFA_MEM_PERM_INSN_X 0x8U
#define FFA_MEM_PERM_RESERVED 0xF0U
/* EMAD flags (byte 3): bit 0 non-retrieval borrower; [7:1] MBZ. */
#define FFA_MEM_EMAD_FLAG_NON_RETRIEVAL 0x1U

/* Memory region attributes (v1.1: 16 bits; v1.0: the low 8). */
#define FFA_MEM_ATTR_SHARE_MASK 0x3U /* normal memory: 2 outer, 3 inner shareable */
#define FFA_MEM_ATTR_SHARE_INNER 0x3U
#define FFA_MEM_ATTR_CACHE_MASK 0xCU /* normal: 1 non-cacheable, 3 write-back */
#define FFA_MEM_ATTR_CACHE_WB 0xCU
#define FFA_MEM_ATTR_TYPE_MASK 0x30U
#define FFA_MEM_ATTR_TYPE_NONE 0x00U /* not specified */
#define FFA_MEM_ATTR_TYPE_DEVICE 0x10U
#define FFA_MEM_ATTR_TYPE_NORMAL 0x20U
#define FFA_MEM_ATTR_NS 0x40U /* set by the relayer in retrieve responses */
#define FFA_MEM_ATTR_RESERVED 0xFF80U
/* What tzvisor maps: Normal, write-back, inner shareable. */
#define FFA_MEM_ATTR_NORMAL_WB_ISH \
	(FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_CACHE_WB | FFA_MEM_ATTR_SHARE_INNER)

/*
 * Flags of the transaction descriptor. In FFA_MEM_SHARE/LEND/DONATE only
 * bit 0 (zero the memory before the borrower gets it; not for share) and
 * bit 1 (time slicing) exist. In retrieve requests and responses also bit 2
 * (zero after relinquish), [4:3] the transaction type, [8:5] and bit 9 an
 * address-range alignment hint; [31:10] MBZ.
 */
#define FFA_MEM_FLAG_ZERO 0x1U
#define FFA_MEM_FLAG_TIME_SLICE 0x2U
#define FFA_MEM_FLAG_ZERO_AFTER_RELINQUISH 0x4U
#define FFA_MEM_FLAG_TYPE_SHIFT 3U
#define FFA_MEM_FLAG_TYPE_MASK (0x3U << FFA_MEM_FLAG_TYPE_SHIFT)
#define FFA_MEM_FLAG_HINT_MASK (0x1FU << 5) /* [8:5] hint, bit 9 hint valid */
#define FFA_MEM_RETRIEVE_FLAGS_MASK 0x3FFU

/* Transaction types, as in the flags' [4:3]. */
enum ffa_mem_type {
	FFA_MEM_TYPE_ANY = 0, /* retrieve requests: whatever the transaction is */
	FFA_MEM_TYPE_SHARE = 1,
	FFA_MEM_TYPE_LEND = 2,
	FFA_MEM_TYPE_DONATE = 3,
};

/* FFA_MEM_RELINQUISH and FFA_MEM_RECLAIM flags: bit 0 zero the memory, bit 1 time slicing. */
#define FFA_MEM_RELINQUISH_FLAG_ZERO 0x1U
#define FFA_MEM_RELINQUISH_FLAGS_MASK 0x3U

/* Handles: bit 63 set when a hypervisor allocated them, clear for the SPMC's. */
#define FFA_MEM_HANDLE_HYPERVISOR (1ULL << 63)

struct ffa_mem_receiver {
	ffa_id_t id;
	uint8_t perms;
	uint8_t flags;
	uint32_t composite_offset;
	uint64_t impdef[2]; /* 32-byte (v1.2) EMADs only */
};

struct ffa_mem_range {
	uint64_t base;
	uint32_t pages;
};

/* The fields of a descriptor's head, layout-independent. */
struct ffa_mem_txn {
	ffa_id_t sender;
	uint16_t attributes; /* 8 bits in v1.0 */
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	unsigned int receiver_count;
	struct ffa_mem_receiver receivers[FFA_MEM_MAX_RECEIVERS];
	uint32_t total_pages; /* composite header */
	uint32_t range_count; /* composite header */
	uint32_t ranges_offset; /* where the constituents start */
};

/*
 * The first fragment of a send descriptor, buf[0, len) written by a caller
 * speaking `version`: header, EMADs (1..FFA_MEM_MAX_RECEIVERS distinct
 * receivers, none the sender, all pointing to one composite) and the
 * composite header, all inside buf. Returns 0, or the FF-A error with *t
 * unspecified: INVALID_PARAMETERS for anything inconsistent (sizes, offsets,
 * alignment, reserved fields, counts, receivers); NOT_SUPPORTED for more
 * receivers than FFA_MEM_MAX_RECEIVERS. The descriptor's total length is
 * the caller's check: ranges_offset + 16 * range_count.
 */
int ffa_mem_desc_parse_head(const uint8_t *buf, size_t len, uint32_t version,
			    struct ffa_mem_txn *t);

/*
 * len / 16 constituents at buf (len a multiple of 16): page-aligned,
 * non-empty, not wrapping, reserved bytes zero. Writes them to out[] in
 * order and adds their pages to *pages. 0 or INVALID_PARAMETERS.
 */
int ffa_mem_desc_parse_ranges(const uint8_t *buf, size_t len, struct ffa_mem_range *out,
			      uint64_t *pages);

/*
 * A retrieve request (FFA_MEM_RETRIEVE_REQ), exactly len bytes: header and
 * EMADs, no composite (EMAD composite offsets zero: no address hints).
 * receiver_count 0 is a hypervisor retrieve request, valid only with every
 * field but the handle zero. 0, INVALID_PARAMETERS or NOT_SUPPORTED.
 */
int ffa_mem_retrieve_req_parse(const uint8_t *buf, size_t len, uint32_t version,
			       struct ffa_mem_txn *t);

/* An FFA_MEM_RELINQUISH descriptor: handle, flags, one endpoint (no stream endpoints). */
struct ffa_mem_relinquish {
	uint64_t handle;
	uint32_t flags;
	ffa_id_t endpoint;
};
int ffa_mem_relinquish_parse(const uint8_t *buf, size_t len, struct ffa_mem_relinquish *r);

/* Where the constituents start in a descriptor with `receivers` EMADs written for `version`. */
uint32_t ffa_mem_desc_head_size(uint32_t version, unsigned int receivers);

/*
 * Writes a descriptor (a retrieve response) for a reader speaking
 * `version`: t's head fields and receivers (whose composite offsets are
 * computed), and ranges[0, t->range_count). Fragments: offset 0 starts with
 * the head, any other offset must be the start of a constituent after it;
 * as many whole constituents as fit in `size` follow. Returns the bytes
 * written, or 0 for an offset that is not a fragment boundary.
 */
uint32_t ffa_mem_desc_write(const struct ffa_mem_txn *t, const struct ffa_mem_range *ranges,
			    uint32_t version, uint32_t offset, uint8_t *buf, uint32_t size);

#endif /* FFA_MEM_DESC_H */
