/*
 * Secure partition packages as TF-A's sptool.py writes them and BL2 loads
 * them: a little-endian header, the manifest DTB at pm_offset and the image
 * at img_offset, both page-aligned.
 */
#ifndef SPMC_SP_PKG_H
#define SPMC_SP_PKG_H

#include <stddef.h>
#include <stdint.h>

#define SP_PKG_MAGIC 0x474B5053U /* "SPKG" */
#define SP_PKG_VERSION 2U
#define SP_PKG_MAX_SIZE (4U << 20) /* what BL2 reserves per package */

struct sp_pkg_header {
	uint32_t magic;
	uint32_t version;
	uint32_t pm_offset;
	uint32_t pm_size;
	uint32_t img_offset;
	uint32_t img_size;
};
_Static_assert(sizeof(struct sp_pkg_header) == 24, "sptool.py package header is 6 words");

enum sp_pkg_err {
	SP_PKG_OK = 0,
	SP_PKG_BAD_MAGIC,
	SP_PKG_BAD_VERSION,
	SP_PKG_BAD_LAYOUT, /* offsets unaligned, overlapping, empty or past the package */
};

/* Checks a header copied out of memory; `max_size` bounds the whole package. */
enum sp_pkg_err sp_pkg_check(const struct sp_pkg_header *h, uint64_t max_size);
const char *sp_pkg_strerror(enum sp_pkg_err e);

#endif
