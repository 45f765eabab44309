/*
 * FF-A memory transaction descriptors (FF-A v1.2 chapter 11, section 11.1):
 * the table a sender writes to its TX buffer for FFA_MEM_SHARE, LEND and
 * DONATE, and a borrower for FFA_MEM_RETRIEVE_REQ. This is the checking
 * parser only: it turns a private copy of one complete descriptor into a
 * struct ffa_mem_txn, or says which FF-A error the call gets. Ownership,
 * stage-2 state and the share state machine are the roles' business.
 *
 * Layouts: v1.0 has a 32-byte header with the endpoint memory access
 * descriptors (EMADs, 16 bytes) right after it; v1.1 and later have a
 * 48-byte header that gives the EMAD size (16, or 32 from v1.2 on with
 * 16 implementation-defined bytes), count and offset. Each EMAD points to a
 * composite memory region descriptor (16 bytes) followed by its constituents
 * (16 bytes each: address, page count).
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

/* Access permissions (EMAD byte 2): [1:0] data access, [3:2] instruction access. */
#define FFA_MEM_PERM_DATA_MASK 0x3U
#define FFA_MEM_PERM_DATA_RO 0x1U
#define FFA_MEM_PERM_DATA_RW 0x2U
#define FFA_MEM_PERM_INSN_MASK 0xCU
#define FFA_MEM_PERM_RESERVED 0xF0U

struct ffa_mem_receiver {
	ffa_id_t id;
	uint8_t perms;
	uint8_t flags;
	uint64_t impdef[2]; /* v1.2 32-byte EMADs only */
};

struct ffa_mem_range {
	uint64_t base;
	uint32_t pages;
};

struct ffa_mem_txn {
	ffa_id_t sender;
	uint16_t attributes; /* 8 bits in v1.0 */
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	unsigned int receiver_count;
	struct ffa_mem_receiver receivers[FFA_MEM_MAX_RECEIVERS];
	uint32_t composite_offset; /* where the constituents begin, less 16 */
	uint32_t total_pages;
	unsigned int range_count; /* ranges written to the caller's array */
};

/*
 * Parses the descriptor in buf[0, len) written by a caller speaking
 * `version`. Ranges go to ranges[0, max_ranges), sorted by address. Returns 0, or the FF-A
 * error with *t and ranges unspecified:
 *   INVALID_PARAMETERS: anything inconsistent (sizes, offsets, alignment,
 *     reserved fields, counts, duplicate or self receivers, receivers with
 *     different composites, unaligned, empty, wrapping or overlapping ranges,
 *     a total page count that is not the sum);
 *   NOT_SUPPORTED: more receivers than FFA_MEM_MAX_RECEIVERS;
 *   NO_MEMORY: more ranges than max_ranges.
 */
int ffa_mem_txn_parse(const uint8_t *buf, size_t len, uint32_t version, struct ffa_mem_txn *t,
		      struct ffa_mem_range *ranges, unsigned int max_ranges);

#endif /* FFA_MEM_DESC_H */
