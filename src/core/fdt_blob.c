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

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Appends ", <prefix><name><suffix>" (no comma first) to out; "..." once it no longer fits. */
static void list_append(char *out, size_t out_len, const char *prefix, const char *name,
			const char *suffix)
{
	size_t len = strlen(out);
	const char *parts[] = {len != 0 ? ", " : "", prefix, name, suffix};
	size_t need = 0;

	if (len >= 3 && strcmp(out + len - 3, "...") == 0) {
		return; /* already cut */
	}
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		need += strlen(parts[i]);
	}
	if (len + need + 1 > out_len) {
		if (out_len >= 4) {
			size_t at = len + 3 < out_len ? len : out_len - 4;
			memcpy(out + at, "...", 4);
		}
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		size_t l = strlen(parts[i]);
		memcpy(out + len, parts[i], l);
		len += l;
	}
	out[len] = '\0';
}

void fdt_list_unknown(const void *fdt, int node, const char *prefix, const struct fdt_known *known,
		      char *out, size_t out_len)
{
	int off;

	if (out_len == 0) {
		return;
	}
	fdt_for_each_property_offset (off, fdt, node) {
		const char *name = NULL;
		if (fdt_getprop_by_offset(fdt, off, &name, NULL) == NULL || name == NULL) {
			continue;
		}
		if (!listed(name, known->props, known->nprops)) {
			list_append(out, out_len, prefix, name, "");
		}
	}
	if (known->nodes == NULL) {
		return;
	}
	fdt_for_each_subnode (off, fdt, node) {
		const char *name = fdt_get_name(fdt, off, NULL);
		if (name != NULL && !listed(name, known->nodes, known->nnodes)) {
			list_append(out, out_len, prefix, name, "/");
		}
	}
}
