/*
 * SPMC manifest parsing. Rules (TF-A docs, "SPMC manifest" and
 * plat_spmd_manifest.c): spmc_id must be a secure endpoint ID (bit 15 set);
 * maj_ver 1 and min_ver at most the FF-A minor version tzvisor implements;
 * exec_state 0 (AArch64); load_address, entrypoint and binary_size one or two
 * cells, with the entry point inside the image.
 * Optional node "hypervisor" (compatible "hafnium,hafnium"), as TF-A's and
 * OP-TEE's SPMC manifests give it to Hafnium: one child per SP package with
 * is_ffa_partition, load_address (page-aligned, non-zero) and optionally
 * debug_name, mem_size (page-aligned, non-zero, not wrapping), vcpu_count
 * (1-0xFFFF), exception-level (0-2) and execution-state (0-1); at most
 * SPMC_MAX_SPS, no two at the same address. Other properties of a vm node
 * (Hafnium's for normal-world VMs) are listed in `ignored`, not refused.
 * Optional node "cpus": its "cpu" children are counted (at most MAX_CPUS).
 */
#include "spmc/manifest.h"

#include <libfdt.h>
#include <string.h>

#include "core/cpu.h"
#include "core/fdt_blob.h"
#include "core/types.h"
#include "ffa/ffa.h"

static const char *const COMPATIBLE = "arm,ffa-core-manifest-1.0";

static bool read_u32(const struct fdt_props *props, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, name, &len);

	if (p == NULL || len != (int)sizeof(*p)) {
		return false;
	}
	*out = fdt32_to_cpu(*p);
	return true;
}

/* One cell or two (big-endian high word first), as TF-A's fdt_read_uint64 accepts. */
static bool read_u64(const struct fdt_props *props, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, name, &len);

	if (p == NULL) {
		return false;
	}
	if (len == 4) {
		*out = fdt32_to_cpu(p[0]);
	} else if (len == 8) {
		*out = ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
	} else {
		return false;
	}
	return true;
}

/* The properties of a vm node tzvisor reads; Hafnium's others (VM-only) are reported as ignored. */
static const char *const VM_PROPS[] = {"is_ffa_partition", "debug_name", "load_address",
				       "mem_size",	   "vcpu_count", "exception-level",
				       "execution-state",  "phandle"};

/* An optional u32: 1 if present and one cell, 0 if absent, -1 if malformed. */
static int opt_u32(const struct fdt_props *props, const char *name, uint32_t *out)
{
	if (fdt_props_get(props, name, NULL) == NULL) {
		return 0;
	}
	return read_u32(props, name, out) ? 1 : -1;
}

static enum spmc_manifest_err parse_vm(const void *fdt, int node, struct spmc_manifest *m,
				       struct spmc_sp_entry *sp, const char **field)
{
	struct fdt_props props;
	uint32_t v = 0;
	uint64_t end;
	int len, rc;

	memset(sp, 0, sizeof(*sp));
	fdt_props_read(fdt, node, &props);
	*field = "is_ffa_partition";
	if (fdt_props_get(&props, "is_ffa_partition", NULL) == NULL) {
		return SPMC_MANIFEST_MISSING;
	}
	*field = "load_address";
	if (!read_u64(&props, "load_address", &sp->load_address)) {
		return SPMC_MANIFEST_MISSING;
	}
	if (!IS_ALIGNED(sp->load_address, PAGE_SIZE) || sp->load_address == 0) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	for (unsigned int i = 0; i < m->sp_count; i++) {
		if (m->sps[i].load_address == sp->load_address) {
			return SPMC_MANIFEST_BAD_VALUE;
		}
	}
	*field = "mem_size";
	if (fdt_props_get(&props, "mem_size", NULL) != NULL) {
		if (!read_u64(&props, "mem_size", &sp->mem_size)) {
			return SPMC_MANIFEST_MISSING;
		}
		if (sp->mem_size == 0 || !IS_ALIGNED(sp->mem_size, PAGE_SIZE) ||
		    !range_end(sp->load_address, sp->mem_size, &end)) {
			return SPMC_MANIFEST_BAD_VALUE;
		}
	}
	*field = "vcpu_count";
	rc = opt_u32(&props, "vcpu_count", &v);
	if (rc < 0) {
		return SPMC_MANIFEST_MISSING;
	}
	if (rc == 1) {
		if (v == 0 || v > 0xFFFF) {
			return SPMC_MANIFEST_BAD_VALUE;
		}
		sp->vcpu_count = (uint16_t)v;
	}
	/* The binding's values (EL1, S-EL0, S-EL1; AArch64, AArch32): agreement is checked at load.
	 */
	*field = "exception-level";
	rc = opt_u32(&props, "exception-level", &sp->exception_level);
	if (rc < 0) {
		return SPMC_MANIFEST_MISSING;
	}
	if (rc == 1 && sp->exception_level > 2) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	sp->exception_level_present = rc == 1;
	*field = "execution-state";
	rc = opt_u32(&props, "execution-state", &sp->execution_state);
	if (rc < 0) {
		return SPMC_MANIFEST_MISSING;
	}
	if (rc == 1 && sp->execution_state > 1) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	sp->execution_state_present = rc == 1;
	const char *name = fdt_props_get(&props, "debug_name", &len);
	if (name == NULL || len <= 0 || memchr(name, '\0', (size_t)len) == NULL) {
		name = fdt_get_name(fdt, node, NULL);
	}
	for (size_t i = 0; name != NULL && name[i] != '\0' && i + 1 < sizeof(sp->debug_name); i++) {
		sp->debug_name[i] = name[i];
	}
	const struct fdt_known known = {VM_PROPS, ARRAY_SIZE(VM_PROPS), NULL, 0};
	fdt_list_unknown(&props, "", NULL, &known, sp->ignored, sizeof(sp->ignored));
	return SPMC_MANIFEST_OK;
}

static enum spmc_manifest_err parse_hypervisor(const void *fdt, struct spmc_manifest *m,
					       const char **field)
{
	int hyp = fdt_subnode_offset(fdt, 0, "hypervisor");
	int node;
	struct fdt_props props;

	if (hyp < 0) {
		return SPMC_MANIFEST_OK;
	}
	*field = "hypervisor";
	fdt_props_read(fdt, hyp, &props);
	if (!fdt_props_compatible(&props, "hafnium,hafnium")) {
		return SPMC_MANIFEST_BAD_COMPAT;
	}
	fdt_for_each_subnode (node, fdt, hyp) {
		*field = "hypervisor";
		if (m->sp_count >= SPMC_MAX_SPS) {
			return SPMC_MANIFEST_BAD_VALUE;
		}
		enum spmc_manifest_err e = parse_vm(fdt, node, m, &m->sps[m->sp_count], field);
		if (e != SPMC_MANIFEST_OK) {
			return e;
		}
		m->sp_count++;
	}
	return SPMC_MANIFEST_OK;
}

/* /cpus: its children of device_type "cpu", at most MAX_CPUS. No node: cpu_count 0. */
static enum spmc_manifest_err parse_cpus(const void *fdt, struct spmc_manifest *m,
					 const char **field)
{
	int cpus_node = fdt_subnode_offset(fdt, 0, "cpus");
	int node;

	if (cpus_node < 0) {
		return SPMC_MANIFEST_OK;
	}
	*field = "cpus";
	fdt_for_each_subnode (node, fdt, cpus_node) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (type == NULL || len != 4 || memcmp(type, "cpu", 4) != 0) {
			continue;
		}
		if (m->cpu_count == MAX_CPUS) {
			return SPMC_MANIFEST_BAD_VALUE;
		}
		m->cpu_count++;
	}
	return SPMC_MANIFEST_OK;
}

enum spmc_manifest_err spmc_manifest_parse(const void *fdt, size_t size, struct spmc_manifest *m,
					   const char **field)
{
	struct spmc_manifest tmp;
	uint32_t id = 0;
	uint64_t end;

	*field = "header";
	if (!fdt_blob_ok(fdt, size)) {
		return SPMC_MANIFEST_BAD_FDT;
	}
	*field = "compatible";
	struct fdt_props props;
	fdt_props_read(fdt, 0, &props);
	if (!fdt_props_compatible(&props, COMPATIBLE)) {
		return SPMC_MANIFEST_BAD_COMPAT;
	}
	memset(&tmp, 0, sizeof(tmp));
	*field = "attribute";
	int node = fdt_subnode_offset(fdt, 0, "attribute");
	if (node < 0) {
		return SPMC_MANIFEST_NO_ATTRIBUTE;
	}
	fdt_props_read(fdt, node, &props);

	const char *const u32_names[] = {"spmc_id", "maj_ver", "min_ver", "exec_state"};
	uint32_t *u32_dsts[] = {&id, &tmp.maj_ver, &tmp.min_ver, &tmp.exec_state};
	for (size_t i = 0; i < ARRAY_SIZE(u32_dsts); i++) {
		*field = u32_names[i];
		if (!read_u32(&props, u32_names[i], u32_dsts[i])) {
			return SPMC_MANIFEST_MISSING;
		}
	}
	const char *const u64_names[] = {"load_address", "entrypoint", "binary_size"};
	uint64_t *u64_dsts[] = {&tmp.load_address, &tmp.entrypoint, &tmp.binary_size};
	for (size_t i = 0; i < ARRAY_SIZE(u64_dsts); i++) {
		*field = u64_names[i];
		if (!read_u64(&props, u64_names[i], u64_dsts[i])) {
			return SPMC_MANIFEST_MISSING;
		}
	}

	*field = "spmc_id";
	if (id > 0xFFFF || !ffa_id_is_secure((ffa_id_t)id) || id == FFA_SPMD_ENDPOINT_ID) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	tmp.spmc_id = (uint16_t)id;
	*field = "maj_ver";
	if (tmp.maj_ver != FFA_VERSION_MAJOR_OF(FFA_VERSION_IMPLEMENTED)) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	*field = "min_ver";
	if (tmp.min_ver > FFA_VERSION_MINOR_OF(FFA_VERSION_IMPLEMENTED)) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	*field = "exec_state";
	if (tmp.exec_state != 0) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	*field = "binary_size";
	if (tmp.binary_size == 0 || !range_end(tmp.load_address, tmp.binary_size, &end)) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	*field = "entrypoint";
	if (tmp.entrypoint < tmp.load_address || tmp.entrypoint >= end) {
		return SPMC_MANIFEST_BAD_VALUE;
	}
	enum spmc_manifest_err e = parse_hypervisor(fdt, &tmp, field);
	if (e == SPMC_MANIFEST_OK) {
		e = parse_cpus(fdt, &tmp, field);
	}
	if (e != SPMC_MANIFEST_OK) {
		return e;
	}
	*field = NULL;
	*m = tmp;
	return SPMC_MANIFEST_OK;
}

const char *spmc_manifest_strerror(enum spmc_manifest_err e)
{
	switch (e) {
	case SPMC_MANIFEST_OK:
		return "ok";
	case SPMC_MANIFEST_BAD_FDT:
		return "not a valid device tree";
	case SPMC_MANIFEST_BAD_COMPAT:
		return "not an arm,ffa-core-manifest-1.0";
	case SPMC_MANIFEST_NO_ATTRIBUTE:
		return "no attribute node";
	case SPMC_MANIFEST_MISSING:
		return "missing or malformed property";
	case SPMC_MANIFEST_BAD_VALUE:
		return "unsupported value";
	}
	return "unknown error";
}
