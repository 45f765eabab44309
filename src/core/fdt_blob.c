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

/* Appends ", " (not first) and the parts to out; "..." once it no longer fits. */
static void list_append(char *out, size_t out_len, const char *const *parts, size_t nparts)
{
	size_t len = strlen(out), need = len != 0 ? 2 : 0;

	if (len >= 3 && strcmp(out + len - 3, "...") == 0) {
		return; /* already cut */
	}
	for (size_t i = 0; i < nparts; i++) {
		need += strlen(parts[i]);
	}
	if (len + need + 1 > out_len) {
		if (out_len >= 4) {
			size_t at = len + 3 < out_len ? len : out_len - 4;
			memcpy(out + at, "...", 4);
		}
		return;
	}
	if (len != 0) {
		memcpy(out + len, ", ", 2);
		len += 2;
	}
	for (size_t i = 0; i < nparts; i++) {
		size_t l = strlen(parts[i]);
		memcpy(out + len, parts[i], l);
		len += l;
	}
	out[len] = '\0';
}

static void list_unknown_one(char *out, size_t out_len, const char *prefix, const char *sub,
			     const char *name, const char *suffix)
{
	const char *parts[] = {prefix, sub != NULL ? sub : "", sub != NULL ? "/" : "", name,
			       suffix};

	list_append(out, out_len, parts, ARRAY_SIZE(parts));
}

void fdt_list_unknown(const struct fdt_props *p, const char *prefix, const char *sub,
		      const struct fdt_known *known, char *out, size_t out_len)
{
	int off;

	if (out_len == 0) {
		return;
	}
	if (p->complete) {
		/* The names fdt_props_read kept: no second walk of the node. */
		for (unsigned int i = 0; i < p->count; i++) {
			if (!listed(p->name[i], known->props, known->nprops)) {
				list_unknown_one(out, out_len, prefix, sub, p->name[i], "");
			}
		}
	} else {
		fdt_for_each_property_offset (off, p->fdt, p->node) {
			const char *name = NULL;
			if (fdt_getprop_by_offset(p->fdt, off, &name, NULL) != NULL &&
			    name != NULL && !listed(name, known->props, known->nprops)) {
				list_unknown_one(out, out_len, prefix, sub, name, "");
			}
		}
	}
	if (known->nodes == NULL) {
		return;
	}
	fdt_for_each_subnode (off, p->fdt, p->node) {
		const char *name = fdt_get_name(p->fdt, off, NULL);
		if (name != NULL && !listed(name, known->nodes, known->nnodes)) {
			list_unknown_one(out, out_len, prefix, sub, name, "/");
		}
	}
}

/* libfdt's rule: "name" names "name" and "name@<unit>". */
static bool node_name_is(const char *node, const char *name)
{
	size_t n = 0;

	while (name[n] != '\0' && node[n] == name[n]) {
		n++;
	}
	return name[n] == '\0' &&
	       (node[n] == '\0' || (node[n] == '@' && memchr(name, '@', n) == NULL));
}

void fdt_find_subnodes(const void *fdt, int parent, const char *const *names, int *offs, size_t n)
{
	int node;

	for (size_t i = 0; i < n; i++) {
		offs[i] = -FDT_ERR_NOTFOUND;
	}
	fdt_for_each_subnode (node, fdt, parent) {
		const char *name = fdt_get_name(fdt, node, NULL);
		for (size_t i = 0; name != NULL && i < n; i++) {
			if (offs[i] < 0 && node_name_is(name, names[i])) {
				offs[i] = node;
			}
		}
	}
}
