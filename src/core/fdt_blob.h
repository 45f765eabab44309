/* Checks on a device-tree blob before libfdt may walk it (manifests are input), and one-pass reads.
 */
#ifndef CORE_FDT_BLOB_H
#define CORE_FDT_BLOB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A complete, well-formed blob of at most `size` bytes: header, total size,
 * the structure block 4-byte and the reservation map 8-byte aligned (libfdt
 * reads them with aligned loads but does not check it: found by fuzzing),
 * and libfdt's full structural check.
 */
bool fdt_blob_ok(const void *fdt, size_t size);

/*
 * The properties of one node, read in one pass. libfdt's fdt_getprop walks
 * the node's properties (checking each) on every call: the twenty-odd
 * lookups of a partition manifest cost about 120,000 instructions that way
 * (make bench, boot.tzvisor.cold.load.*), a few thousand with this. Lookups
 * give what fdt_getprop gives: the first property of that name. A node with
 * more than FDT_PROPS_MAX properties (or one libfdt cannot read) is not
 * cached: its lookups are fdt_getprop's.
 */
#define FDT_PROPS_MAX 32U
struct fdt_props {
	const void *fdt;
	int node;
	unsigned int count;
	bool complete; /* every property of the node is in the arrays */
	const char *name[FDT_PROPS_MAX];
	const void *val[FDT_PROPS_MAX];
	int len[FDT_PROPS_MAX];
};

/* Reads node `node` of a blob that passed fdt_blob_ok. */
void fdt_props_read(const void *fdt, int node, struct fdt_props *p);
/* As fdt_getprop: the value and *len (if len is not NULL), or NULL if absent. */
const void *fdt_props_get(const struct fdt_props *p, const char *name, int *len);
/* As fdt_node_check_compatible() == 0: "compatible" lists `compat`. */
bool fdt_props_compatible(const struct fdt_props *p, const char *compat);

/*
 * The properties (and subnodes) a binding defines for one node, for
 * fdt_list_unknown. nodes == NULL: subnodes are not looked at.
 */
struct fdt_known {
	const char *const *props;
	size_t nprops;
	const char *const *nodes;
	size_t nnodes;
};

/*
 * Appends to `out` (a NUL-terminated list, separated by ", ") each property
 * of the node read into `p` that `known` does not name, as
 * "<prefix><sub>/<name>" ("<prefix><name>" when sub is NULL), and each such
 * subnode with a "/" after it. A list that does not fit in out_len bytes ends
 * in "...". For reporting what a manifest has that tzvisor ignores.
 */
void fdt_list_unknown(const struct fdt_props *p, const char *prefix, const char *sub,
		      const struct fdt_known *known, char *out, size_t out_len);

/*
 * The offsets of parent's subnodes named names[0..n) (as fdt_subnode_offset:
 * "name" also matches "name@unit"), found in one walk; -FDT_ERR_NOTFOUND for
 * those absent, the first match for a name given twice.
 */
void fdt_find_subnodes(const void *fdt, int parent, const char *const *names, int *offs, size_t n);

#endif
