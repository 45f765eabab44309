/*
 * Fuzz target for the parsers that take input from the boot chain or other
 * worlds: SP manifests, the SPMC manifest, SP package headers and FF-A memory
 * transaction descriptors (as v1.0, v1.1 and v1.2 callers). Accepted
 * input must satisfy what the rest of tzvisor relies on; a violation aborts
 * (and ASan/UBSan catch memory and arithmetic errors on the way).
 * Built with libFuzzer (make fuzz) or with tests/fuzz/driver.c (make test).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/types.h"
#include "ffa/mem_desc.h"
#include "spmc/manifest.h"
#include "spmc/sp_manifest.h"
#include "spmc/sp_pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sp(const struct sp_manifest *m)
{
	uint64_t end;

	if (m->uuid_count < 1 || m->uuid_count > SP_MAX_UUIDS || m->exec_ctx_count < 1 ||
	    m->exec_ctx_count > SP_MAX_EXEC_CTX || m->mem_count > SP_MAX_MEM_REGIONS ||
	    m->dev_count > SP_MAX_DEV_REGIONS || !IS_ALIGNED(m->load_address, PAGE_SIZE) ||
	    (m->exception_level != SP_EL_S_EL1 && m->exception_level != SP_EL_S_EL0)) {
		abort();
	}
	for (unsigned int i = 0; i < m->mem_count + m->dev_count; i++) {
		const struct sp_region *r =
			i < m->mem_count ? &m->mem[i] : &m->dev[i - m->mem_count];
		if (r->pages == 0 || !IS_ALIGNED(r->base, PAGE_SIZE) ||
		    !range_end(r->base, (uint64_t)r->pages * PAGE_SIZE, &end) ||
		    memchr(r->name, '\0', sizeof(r->name)) == NULL) {
			abort();
		}
	}
	if (memchr(m->description, '\0', sizeof(m->description)) == NULL ||
	    memchr(m->ignored, '\0', sizeof(m->ignored)) == NULL ||
	    !IS_ALIGNED(m->mem_size, PAGE_SIZE) || !range_end(m->load_address, m->mem_size, &end) ||
	    (m->id_present && (m->id & 0x8000U) == 0) ||
	    (m->rxtx_present && (m->rx_region >= m->mem_count || m->tx_region >= m->mem_count ||
				 m->rx_region == m->tx_region)) ||
	    (m->ns_interrupts_action == SP_NS_INT_MANAGED_EXIT &&
	     m->exception_level != SP_EL_S_EL1)) {
		abort();
	}
}

static void check_spmc(const struct spmc_manifest *m)
{
	if ((m->spmc_id & 0x8000U) == 0 || m->sp_count > SPMC_MAX_SPS ||
	    m->entrypoint < m->load_address || m->entrypoint - m->load_address >= m->binary_size) {
		abort();
	}
	for (unsigned int i = 0; i < m->sp_count; i++) {
		const struct spmc_sp_entry *e = &m->sps[i];
		uint64_t end;
		if (!IS_ALIGNED(e->load_address, PAGE_SIZE) || e->load_address == 0 ||
		    memchr(e->debug_name, '\0', sizeof(e->debug_name)) == NULL ||
		    memchr(e->ignored, '\0', sizeof(e->ignored)) == NULL ||
		    !IS_ALIGNED(e->mem_size, PAGE_SIZE) ||
		    !range_end(e->load_address, e->mem_size, &end) ||
		    (e->exception_level_present && e->exception_level > 2) ||
		    (e->execution_state_present && e->execution_state > 1)) {
			abort();
		}
	}
}

/*
 * Accepted memory descriptors: distinct receivers, the head inside the
 * input, ranges aligned, non-empty, not wrapping; and whatever is accepted
 * reads back the same once written by the response writer.
 */
static void check_mem(const uint8_t *buf, size_t size)
{
	static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
	static uint8_t out[4096];
	struct ffa_mem_range r[16];
	struct ffa_mem_txn t, back;
	struct ffa_mem_relinquish rel;

	for (unsigned int v = 0; v < 3; v++) {
		if (ffa_mem_retrieve_req_parse(buf, size, versions[v], &t) == 0 &&
		    t.receiver_count > FFA_MEM_MAX_RECEIVERS) {
			abort();
		}
		(void)ffa_mem_relinquish_parse(buf, size, &rel);
		if (ffa_mem_desc_parse_head(buf, size, versions[v], &t) != 0) {
			continue;
		}
		if (t.receiver_count < 1 || t.receiver_count > FFA_MEM_MAX_RECEIVERS ||
		    t.range_count < 1 || t.ranges_offset > size || t.ranges_offset % 16 != 0) {
			abort();
		}
		for (unsigned int i = 0; i < t.receiver_count; i++) {
			for (unsigned int j = 0; j < i; j++) {
				if (t.receivers[i].id == t.receivers[j].id) {
					abort();
				}
			}
		}
		uint32_t n = (uint32_t)((size - t.ranges_offset) / 16);
		n = n < t.range_count ? n : t.range_count;
		n = n < 16 ? n : 16;
		uint64_t sum = 0;
		if (ffa_mem_desc_parse_ranges(buf + t.ranges_offset, n * 16U, r, &sum) != 0) {
			continue;
		}
		for (unsigned int i = 0; i < n; i++) {
			uint64_t end;
			if (r[i].pages == 0 || !IS_ALIGNED(r[i].base, PAGE_SIZE) ||
			    !range_end(r[i].base, (uint64_t)r[i].pages * PAGE_SIZE, &end)) {
				abort();
			}
		}
		/* Written back as a response with these n ranges, it parses to the same. */
		if (n == 0) {
			continue;
		}
		t.range_count = n;
		uint32_t len = ffa_mem_desc_write(&t, r, versions[v], 0, out, sizeof(out));
		if (len != ffa_mem_desc_head_size(versions[v], t.receiver_count) + n * 16U ||
		    ffa_mem_desc_parse_head(out, len, versions[v], &back) != 0 ||
		    back.sender != t.sender || back.handle != t.handle || back.tag != t.tag ||
		    back.range_count != n || back.receiver_count != t.receiver_count ||
		    back.receivers[0].id != t.receivers[0].id) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parsers see a private, 8-byte aligned copy, as in tzvisor. */
	uint8_t *buf = malloc(size + 1);
	char field[64];
	const char *f;
	struct sp_manifest sp;
	struct spmc_manifest spmc;
	struct sp_pkg_header h;

	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	if (sp_manifest_parse(buf, size, &sp, field, sizeof(field)) == SP_MANIFEST_OK) {
		check_sp(&sp);
	}
	if (spmc_manifest_parse(buf, size, &spmc, &f) == SPMC_MANIFEST_OK) {
		check_spmc(&spmc);
	}
	if (size >= sizeof(h)) {
		memcpy(&h, buf, sizeof(h));
		if (sp_pkg_check(&h, SP_PKG_MAX_SIZE) == SP_PKG_OK &&
		    ((uint64_t)h.img_offset + h.img_size > SP_PKG_MAX_SIZE ||
		     h.pm_offset + (uint64_t)h.pm_size > h.img_offset)) {
			abort();
		}
	}
	check_mem(buf, size);
	free(buf);
	return 0;
}
