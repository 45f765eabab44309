#include "core/fdt_blob.h"

#include <libfdt.h>
#include <string.h>

#include "core/types.h"

bool fdt_blob_ok(const void *fdt, size_t size)
{
	return size >= sizeof(struct fdt_header) && fdt_check_header(fdt) == 0 &&
	       fdt_totalsize(fdt) <= size && IS_ALIGNED(fdt_off_dt_struct(fdt), 4) &&
	       IS_ALIGNED(fdt_off_mem_rsvmap(fdt), 8) &&
	       fdt_check_full(fdt, fdt_totalsize(fdt)) == 0;
}

void fdt_props_read(const void *fdt, int node, struct fdt_props *p)
{
	int off;

	p->fdt = fdt;
	p->node = node;
	p->count = 0;
	p->complete = true;
	fdt_for_each_property_offset (off, fdt, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, off, &name, &len);
		if (val == NULL || p->count == FDT_PROPS_MAX) {
			p->complete = false;
			continue;
		}
		p->name[p->count] = name;
		p->val[p->count] = val;
		p->len[p->count] = len;
		p->count++;
	}
	if (off != -FDT_ERR_NOTFOUND) {
		p->complete = false; /* the walk stopped on an error */
	}
}

const void *fdt_props_get(const struct fdt_props *p, const char *name, int *len)
{
	if (!p->complete) {
		return fdt_getprop(p->fdt, p->node, name, len);
	}
	for (unsigned int i = 0; i < p->count; i++) {
		if (strcmp(p->name[i], name) == 0) {
			if (len != NULL) {
				*len = p->len[i];
			}
			return p->val[i];
		}
	}
	if (len != NULL) {
		*len = -FDT_ERR_NOTFOUND;
	}
	return NULL;
}

bool fdt_props_compatible(const struct fdt_props *p, const char *compat)
{
	int len;
	const char *list = fdt_props_get(p, "compatible", &len);

	return list != NULL && fdt_stringlist_contains(list, len, compat) != 0;
}
