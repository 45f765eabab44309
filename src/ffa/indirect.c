#include "ffa/indirect.h"

#include "core/types.h"

int ffa_msg_check(const struct ffa_msg_header *h, size_t tx_size, ffa_id_t caller, uint32_t version)
{
	uint32_t hdr =
		version >= FFA_VERSION_1_2 ? FFA_MSG_HEADER_SIZE_V1_2 : FFA_MSG_HEADER_SIZE_V1_1;
	uint64_t end;

	if (h->flags != 0 || h->sender != caller || h->offset < hdr ||
	    !range_end(h->offset, h->size, &end) || end > tx_size || end > FFA_MSG_MAX_TOTAL) {
		return FFA_INVALID_PARAMETERS;
	}
	return 0;
}

size_t ffa_msg_total(const struct ffa_msg_header *h)
{
	return (size_t)h->offset + h->size;
}
