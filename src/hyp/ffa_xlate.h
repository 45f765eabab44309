/*
 * Addresses in FF-A memory descriptors, between a guest's view and the
 * machine's. A guest writes IPAs; what tzvisor hands on (to its own
 * memory-sharing core, or to the real SPMC) must be physical addresses, and
 * what a borrowing guest reads back must be IPAs of its own. Pure functions
 * on private copies (the caller has copied the guest's TX buffer first), so
 * that host tests drive them.
 *
 * A VM's RAM is one block: IPA [ram_ipa, +ram_size) is PA [ram_pa, +ram_size).
 * Under the emulated SPMC a VM also holds memory other endpoints lent, shared
 * or donated to it, in a window of its IPA space where IPA = PA + HYP_FFA_WINDOW
 * (so that a range of physical memory is a range there too). A range must lie
 * in one of the two: anything else is memory the VM cannot give (DENIED).
 */
#ifndef HYP_FFA_XLATE_H
#define HYP_FFA_XLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/mem_desc.h"

/* Borrowed memory at IPA = PA + HYP_FFA_WINDOW (under the 39-bit IPA space of VM_IPA_BITS). */
#define HYP_FFA_WINDOW (1ULL << 38)
#define HYP_FFA_WINDOW_PA_LIMIT (1ULL << 38) /* physical memory the window reaches */

struct ffa_xlate {
	uint64_t ram_ipa, ram_pa, ram_size;
	bool window; /* the emulated SPMC's borrowed-memory window exists */
};

/*
 * The PA of `pages` pages at `ipa`: 0, or DENIED (outside the VM's RAM and
 * window, or straddling their edge). Alignment and sizes are the caller's
 * (ffa_mem_desc_parse_ranges checked them).
 */
int ffa_xlate_to_pa(const struct ffa_xlate *x, uint64_t ipa, uint64_t pages, uint64_t *pa);

/*
 * The constituents of a send descriptor's fragment, in place: the first
 * fragment (first == true) is checked whole with ffa_mem_desc_parse_head for
 * a caller of `version` (its head to *t) and its sender must be `sender`
 * (else DENIED); its constituents from t->ranges_offset on, and every one of
 * a later fragment, are checked (ffa_mem_desc_parse_ranges: aligned,
 * non-empty, reserved zero) and their addresses rewritten from IPA to PA.
 * The ranges found go to out[0, *n) (at most max; NO_MEMORY beyond), their
 * pages added to *pages. 0 or the FF-A error of the first problem, with buf
 * then unspecified.
 */
int ffa_xlate_send(const struct ffa_xlate *x, uint8_t *buf, uint32_t len, bool first,
		   uint32_t version, ffa_id_t sender, struct ffa_mem_txn *t,
		   struct ffa_mem_range *out, uint32_t max, uint32_t *n, uint64_t *pages);

/*
 * A retrieve response fragment for a borrower under the emulated SPMC: the
 * constituents in buf[from, len) (whole 16-byte units) are rewritten from PA
 * to the borrower's window IPA.
 */
void ffa_xlate_to_window(uint8_t *buf, uint32_t from, uint32_t len);

#endif
