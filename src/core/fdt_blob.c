#include "core/fdt_blob.h"

#include <libfdt.h>

#include "core/types.h"

bool fdt_blob_ok(const void *fdt, size_t size)
{
	return size >= sizeof(struct fdt_header) && fdt_check_header(fdt) == 0 &&
	       fdt_totalsize(fdt) <= size && IS_ALIGNED(fdt_off_dt_struct(fdt), 4) &&
	       IS_ALIGNED(fdt_off_mem_rsvmap(fdt), 8) &&
	       fdt_check_full(fdt, fdt_totalsize(fdt)) == 0;
}
