/* Checks on a device-tree blob before libfdt may walk it (manifests are input). */
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

#endif
