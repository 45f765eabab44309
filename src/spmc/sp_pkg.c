#include "spmc/sp_pkg.h"

#include "core/types.h"

enum sp_pkg_err sp_pkg_check(const struct sp_pkg_header *h, uint64_t max_size)
{
	uint64_t pm_end, img_end;

	if (h->magic != SP_PKG_MAGIC) {
		return SP_PKG_BAD_MAGIC;
	}
	if (h->version != SP_PKG_VERSION) {
		return SP_PKG_BAD_VERSION;
	}
	if (!IS_ALIGNED(h->pm_offset, PAGE_SIZE) || !IS_ALIGNED(h->img_offset, PAGE_SIZE) ||
	    h->pm_offset < sizeof(*h) || h->pm_size == 0 || h->img_size == 0 ||
	    !range_end(h->pm_offset, h->pm_size, &pm_end) || pm_end > h->img_offset ||
	    !range_end(h->img_offset, h->img_size, &img_end) || img_end > max_size) {
		return SP_PKG_BAD_LAYOUT;
	}
	return SP_PKG_OK;
}

const char *sp_pkg_strerror(enum sp_pkg_err e)
{
	switch (e) {
	case SP_PKG_OK:
		return "ok";
	case SP_PKG_BAD_MAGIC:
		return "no SPKG magic";
	case SP_PKG_BAD_VERSION:
		return "package version is not 2";
	case SP_PKG_BAD_LAYOUT:
		return "manifest/image offsets or sizes out of bounds";
	}
	return "unknown error";
}
