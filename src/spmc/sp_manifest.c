/*
 * SP manifest parsing (FF-A manifest binding, TF-A docs).
 *
 * Every property of the binding is read. Accepted: ffa-version 1.0-1.2; up
 * to SP_MAX_UUIDS uuids; id (a secure endpoint ID, bit 15 set: another value
 * is ignored and reported, as Hafnium does not read `id`); auxiliary-id;
 * execution-ctx-count 1..SP_MAX_EXEC_CTX; exception-level S-EL0 or S-EL1;
 * execution-state AArch64; xlat-granule 4K; load-address (mandatory here:
 * tzvisor does not relocate); entrypoint-offset; boot-order <= 0xFFFF;
 * messaging-method (bits 0-2, 9, 10); ns-interrupts-action 0-2 (or the
 * deprecated managed-exit flag: 1); other-s-interrupts-action 0-1 (0 only
 * with ns-interrupts-action 0); gp-register-num 0-3;
 * power-management-messages; vm-availability-messages; time-slice-mem;
 * notification-support; OP-TEE's mem-size; the boot-info node (Hafnium's:
 * ffa_manifest); the rx_tx-info node (Hafnium's name; rx-tx-buffer in the
 * binding), whose rx-buffer/tx-buffer phandles name two memory regions of
 * one size; memory-regions and device-regions nodes with pages-count,
 * attributes, base-address or load-address-relative-offset,
 * exclusive-access; a device region's `interrupts` (INTID, attributes
 * pairs: SPIs only, a secure one with a priority below 0x80;
 * SP_MAX_INTERRUPTS in all) and `interrupts-target` (INTID, MPIDR high,
 * MPIDR low triples: each INTID one of the region's interrupts, once, the
 * MPIDR affinity bits only; spmc/irq.c checks the PE exists and routes it).
 * Refused with the field named: anything else in those properties, regions
 * that are unaligned, empty or that wrap, has-primary-scheduler (only for a
 * normal-world VM), and DMA streams (smmu-id, stream-ids: tzvisor drives no
 * SMMU). Properties and nodes outside the binding are listed in `ignored`.
 */
#include "spmc/sp_manifest.h"

#include <libfdt.h>
#include <string.h>

#include "core/fmt.h"
#include "core/types.h"
#include "ffa/ffa.h"
#include "core/fdt_blob.h"

#define CHECK_FIELD(cond, err, name)                                  \
	do {                                                          \
		if (!(cond)) {                                        \
			fmt_snprintf(field, field_len, "%s", (name)); \
			return (err);                                 \
		}                                                     \
	} while (0)

struct ctx {
	const void *fdt;
	char *field;
	size_t field_len;
};

/* Reads a u32 property: 1 if present and well-formed, 0 if absent, -1 if malformed. */
static int get_u32(const struct fdt_props *props, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, name, &len);

	if (p == NULL) {
		return 0;
	}
	if (len != 4) {
		return -1;
	}
	*out = fdt32_to_cpu(p[0]);
	return 1;
}

/* As get_u32 for u64 properties (one or two cells). */
static int get_u64(const struct fdt_props *props, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, name, &len);

	if (p == NULL) {
		return 0;
	}
	if (len == 4) {
		*out = fdt32_to_cpu(p[0]);
	} else if (len == 8) {
		*out = ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
	} else {
		return -1;
	}
	return 1;
}

static void get_string(const struct fdt_props *props, const char *name, char *out, size_t out_len)
{
	int len;
	const char *s = fdt_props_get(props, name, &len);

	out[0] = '\0';
	if (s != NULL && len > 0 && memchr(s, '\0', (size_t)len) != NULL) {
		fmt_snprintf(out, out_len, "%s", s);
	}
}

/* What the binding defines (TF-A docs/components/ffa-manifest-binding.rst), and extensions. */
static const char *const ROOT_PROPS[] = {
	"compatible",
	"ffa-version",
	"uuid",
	"id",
	"auxiliary-id",
	"description",
	"execution-ctx-count",
	"exception-level",
	"execution-state",
	"load-address",
	"entrypoint-offset",
	"xlat-granule",
	"boot-order",
	"messaging-method",
	"managed-exit",
	"managed-exit-virq",
	"ns-interrupts-action",
	"other-s-interrupts-action",
	"has-primary-scheduler",
	"time-slice-mem",
	"gp-register-num",
	"power-management-messages",
	"vm-availability-messages",
	"notification-support",
	"mem-size", /* OP-TEE's */
};
static const char *const ROOT_NODES[] = {"memory-regions", "device-regions", "boot-info",
					 "rx_tx-info", "rx-tx-buffer"};
static const char *const MEM_REGION_PROPS[] = {
	"description",	 "base-address", "load-address-relative-offset",
	"pages-count",	 "attributes",	 "stream-ids",
	"smmu-id",	 "phandle",	 "stream-ids-access-permissions",
	"linux,phandle",
};
static const char *const DEV_REGION_PROPS[] = {
	"description", "base-address",	   "pages-count",   "attributes",
	"smmu-id",     "stream-ids",	   "interrupts",    "interrupts-target",
	"phandle",     "exclusive-access", "linux,phandle",
};
static const char *const COMPAT_ONLY[] = {"compatible"};
static const char *const BOOT_INFO_PROPS[] = {"compatible", "ffa_manifest"};
static const char *const RXTX_PROPS[] = {"compatible", "rx-buffer", "tx-buffer"};

/* A property that must be empty when present (a flag): 1 present, 0 absent, -1 malformed. */
static int get_flag(const struct fdt_props *props, const char *name)
{
	int len;

	if (fdt_props_get(props, name, &len) == NULL) {
		return 0;
	}
	return len == 0 ? 1 : -1;
}

/*
 * DMA streams of a region (smmu-id, stream-ids, stream-ids-access-permissions):
 * well-formed u32 (lists), or MISSING; present at all, UNSUPPORTED.
 */
static enum sp_manifest_err check_dma(const struct fdt_props *props, bool device, const char *what,
				      const char *name, char *field, size_t field_len)
{
	const char *const all[] = {"smmu-id", "stream-ids", "stream-ids-access-permissions"};

	for (size_t i = 0; i < (device ? 2U : 3U); i++) {
		int len;
		if (fdt_props_get(props, all[i], &len) == NULL) {
			continue;
		}
		fmt_snprintf(field, field_len, "%s/%s/%s", what, name, all[i]);
		if (len <= 0 || len % 4 != 0 || (i == 0 && len != 4)) {
			return SP_MANIFEST_MISSING;
		}
		return SP_MANIFEST_UNSUPPORTED; /* tzvisor drives no SMMU */
	}
	return SP_MANIFEST_OK;
}

/* A device region's `interrupts` pairs, appended to m->ints. */
static enum sp_manifest_err parse_interrupts(const struct fdt_props *props, struct sp_manifest *m)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, "interrupts", &len);

	if (p == NULL) {
		return SP_MANIFEST_OK;
	}
	if (len <= 0 || len % 8 != 0) {
		return SP_MANIFEST_MISSING;
	}
	for (int i = 0; i < len / 8; i++) {
		uint32_t id = fdt32_to_cpu(p[2 * i]), attrs = fdt32_to_cpu(p[2 * i + 1]);
		if (m->int_count == SP_MAX_INTERRUPTS) {
			return SP_MANIFEST_TOO_MANY;
		}
		if ((attrs & ~SP_INT_ATTRS_MASK) != 0 || id < SP_INT_SPI_FIRST ||
		    id > SP_INT_SPI_LAST || (attrs >> SP_INT_TYPE_SHIFT) != SP_INT_TYPE_SPI ||
		    ((attrs & SP_INT_SECURE) != 0 && (attrs & SP_INT_PRIO_MASK) >= 0x80U)) {
			return SP_MANIFEST_BAD_VALUE;
		}
		for (unsigned int j = 0; j < m->int_count; j++) {
			if (m->ints[j].id == id) {
				return SP_MANIFEST_BAD_VALUE; /* claimed twice */
			}
		}
		m->ints[m->int_count++] = (struct sp_interrupt){id, attrs, false, 0};
	}
	return SP_MANIFEST_OK;
}

/*
 * A device region's `interrupts-target` triples: each INTID one of this
 * region's interrupts (m->ints[first..]), named once, with an MPIDR of
 * affinity bits only.
 */
static enum sp_manifest_err parse_targets(const struct fdt_props *props, struct sp_manifest *m,
					  unsigned int first)
{
	int len;
	const fdt32_t *p = fdt_props_get(props, "interrupts-target", &len);

	if (p == NULL) {
		return SP_MANIFEST_OK;
	}
	if (len <= 0 || len % 12 != 0) {
		return SP_MANIFEST_MISSING;
	}
	for (int i = 0; i < len / 12; i++) {
		uint32_t id = fdt32_to_cpu(p[3 * i]);
		uint64_t mpidr =
			(uint64_t)fdt32_to_cpu(p[3 * i + 1]) << 32 | fdt32_to_cpu(p[3 * i + 2]);
		struct sp_interrupt *in = NULL;
		for (unsigned int j = first; j < m->int_count; j++) {
			if (m->ints[j].id == id) {
				in = &m->ints[j];
			}
		}
		if (in == NULL || in->has_target || (mpidr & ~SP_INT_MPIDR_AFF_MASK) != 0) {
			return SP_MANIFEST_BAD_VALUE; /* not its interrupt, named twice, bad MPIDR
						       */
		}
		in->has_target = true;
		in->target_mpidr = mpidr;
	}
	return SP_MANIFEST_OK;
}

/* Names the field a region's check failed on: "<what>/<region>/<property>". */
static enum sp_manifest_err region_error(enum sp_manifest_err e, char *field, size_t field_len,
					 const char *what, const char *name, const char *prop)
{
	fmt_snprintf(field, field_len, "%s/%s%s%s", what, name, prop[0] != '\0' ? "/" : "", prop);
	return e;
}

/*
 * The memory-regions or device-regions node of the root (offset `parent`,
 * negative if there is none). The field is named only when a check fails:
 * formatting it for every property is a good part of the parse.
 */
static enum sp_manifest_err parse_regions(const void *fdt, int parent, bool device,
					  struct sp_manifest *m, struct sp_region *out,
					  unsigned int *count, uint32_t *phandles, char *field,
					  size_t field_len)
{
	const char *compat =
		device ? "arm,ffa-manifest-device-regions" : "arm,ffa-manifest-memory-regions";
	const char *what = device ? "device-regions" : "memory-regions";
	const char *prefix = device ? "device-regions/" : "memory-regions/";
	const struct fdt_known known = {
		device ? DEV_REGION_PROPS : MEM_REGION_PROPS,
		device ? ARRAY_SIZE(DEV_REGION_PROPS) : ARRAY_SIZE(MEM_REGION_PROPS), NULL, 0};
	int node;
	struct fdt_props props;

	if (parent < 0) {
		return SP_MANIFEST_OK; /* optional */
	}
	fdt_props_read(fdt, parent, &props);
	if (!fdt_props_compatible(&props, compat)) {
		fmt_snprintf(field, field_len, "%s/compatible", what);
		return SP_MANIFEST_BAD_COMPAT;
	}
	const struct fdt_known parent_known = {COMPAT_ONLY, ARRAY_SIZE(COMPAT_ONLY), NULL, 0};
	fdt_list_unknown(&props, prefix, NULL, &parent_known, m->ignored, sizeof(m->ignored));
	*count = 0;
	fdt_for_each_subnode (node, fdt, parent) {
		const char *name = fdt_get_name(fdt, node, NULL);
		unsigned int max = device ? SP_MAX_DEV_REGIONS : SP_MAX_MEM_REGIONS;
		struct sp_region r;
		uint64_t base = 0, off = 0, end;
		int has_base, has_off;

		if (name == NULL) {
			name = "?";
		}
		if (*count >= max) {
			return region_error(SP_MANIFEST_TOO_MANY, field, field_len, what, name, "");
		}
		memset(&r, 0, sizeof(r));
		fdt_props_read(fdt, node, &props);
		get_string(&props, "description", r.name, sizeof(r.name));
		if (r.name[0] == '\0') {
			fmt_snprintf(r.name, sizeof(r.name), "%s", name);
		}
		if (get_u32(&props, "pages-count", &r.pages) != 1) {
			return region_error(SP_MANIFEST_MISSING, field, field_len, what, name,
					    "pages-count");
		}
		if (get_u32(&props, "attributes", &r.attrs) != 1) {
			return region_error(SP_MANIFEST_MISSING, field, field_len, what, name,
					    "attributes");
		}
		has_base = get_u64(&props, "base-address", &base);
		has_off = device ? 0 : get_u64(&props, "load-address-relative-offset", &off);
		if (has_base < 0 || has_off < 0 || (has_base == 1 && has_off == 1) ||
		    (has_off == 1 && !range_end(m->load_address, off, &base))) {
			return region_error(SP_MANIFEST_BAD_VALUE, field, field_len, what, name,
					    "base-address");
		}
		if (has_base == 0 && has_off == 0) {
			/* Regions the SPMC would place itself are not implemented. */
			return region_error(device ? SP_MANIFEST_MISSING : SP_MANIFEST_UNSUPPORTED,
					    field, field_len, what, name, "base-address");
		}
		r.base = base;
		r.relative = has_off == 1;
		if (r.pages == 0 || !range_end(r.base, (uint64_t)r.pages * PAGE_SIZE, &end)) {
			return region_error(SP_MANIFEST_BAD_VALUE, field, field_len, what, name,
					    "pages-count");
		}
		if (!IS_ALIGNED(r.base, PAGE_SIZE)) {
			return region_error(SP_MANIFEST_BAD_VALUE, field, field_len, what, name,
					    "base-address");
		}
		if ((r.attrs & ~(SP_REGION_R | SP_REGION_W | SP_REGION_X | SP_REGION_NS)) != 0 ||
		    (r.attrs & SP_REGION_R) == 0 || (device && (r.attrs & SP_REGION_X) != 0)) {
			return region_error(SP_MANIFEST_BAD_VALUE, field, field_len, what, name,
					    "attributes");
		}
		enum sp_manifest_err e = check_dma(&props, device, what, name, field, field_len);
		if (e != SP_MANIFEST_OK) {
			return e;
		}
		int flag = device ? get_flag(&props, "exclusive-access") : 0;
		if (flag < 0) {
			return region_error(SP_MANIFEST_MISSING, field, field_len, what, name,
					    "exclusive-access");
		}
		r.exclusive = flag == 1;
		/* Its phandle, for rx_tx-info (0: none; dtc never gives 0 or 0xffffffff). */
		uint32_t ph = 0;
		if (get_u32(&props, "phandle", &ph) < 0) {
			return region_error(SP_MANIFEST_MISSING, field, field_len, what, name,
					    "phandle");
		}
		if (phandles != NULL) {
			phandles[*count] = ph;
		}
		fdt_list_unknown(&props, prefix, name, &known, m->ignored, sizeof(m->ignored));
		if (device) {
			unsigned int first = m->int_count;
			e = parse_interrupts(&props, m);
			if (e != SP_MANIFEST_OK) {
				return region_error(e, field, field_len, what, name, "interrupts");
			}
			e = parse_targets(&props, m, first);
			if (e != SP_MANIFEST_OK) {
				return region_error(e, field, field_len, what, name,
						    "interrupts-target");
			}
		}
		out[(*count)++] = r;
	}
	return SP_MANIFEST_OK;
}

/* The boot-info node: compatible, and the ffa_manifest flag. */
static enum sp_manifest_err parse_boot_info(const void *fdt, int node, struct sp_manifest *m,
					    char *field, size_t field_len)
{
	struct fdt_props props;

	if (node < 0) {
		return SP_MANIFEST_OK;
	}
	fdt_props_read(fdt, node, &props);
	CHECK_FIELD(fdt_props_compatible(&props, "arm,ffa-manifest-boot-info"),
		    SP_MANIFEST_BAD_COMPAT, "boot-info/compatible");
	int flag = get_flag(&props, "ffa_manifest");
	CHECK_FIELD(flag >= 0, SP_MANIFEST_MISSING, "boot-info/ffa_manifest");
	m->boot_info_node = true;
	m->boot_info_manifest = flag == 1;
	const struct fdt_known known = {BOOT_INFO_PROPS, ARRAY_SIZE(BOOT_INFO_PROPS), NULL, 0};
	fdt_list_unknown(&props, "boot-info/", NULL, &known, m->ignored, sizeof(m->ignored));
	return SP_MANIFEST_OK;
}

/*
 * The RX/TX buffer node (Hafnium's rx_tx-info, or the binding's name
 * rx-tx-buffer): its rx-buffer and tx-buffer phandles must name two
 * different read-write, secure memory regions of the same size.
 */
static enum sp_manifest_err parse_rxtx(const void *fdt, const int *nodes, struct sp_manifest *m,
				       const uint32_t *phandles, char *field, size_t field_len)
{
	const char *names[] = {"rx_tx-info", "rx-tx-buffer"};
	int node = -1;
	const char *name = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int n = nodes[i];
		CHECK_FIELD(n < 0 || node < 0, SP_MANIFEST_BAD_VALUE, names[i]); /* both given */
		if (n >= 0) {
			node = n;
			name = names[i];
		}
	}
	if (node < 0) {
		return SP_MANIFEST_OK;
	}
	struct fdt_props props;
	fdt_props_read(fdt, node, &props);
	fmt_snprintf(field, field_len, "%s/compatible", name);
	if (!fdt_props_compatible(&props, "arm,ffa-manifest-rx_tx-buffer")) {
		return SP_MANIFEST_BAD_COMPAT;
	}
	const char *const props_names[] = {"rx-buffer", "tx-buffer"};
	unsigned int *idx[] = {&m->rx_region, &m->tx_region};
	for (size_t i = 0; i < 2; i++) {
		uint32_t ph = 0;
		fmt_snprintf(field, field_len, "%s/%s", name, props_names[i]);
		if (get_u32(&props, props_names[i], &ph) != 1) {
			return SP_MANIFEST_MISSING;
		}
		unsigned int r = 0;
		while (r < m->mem_count && (ph == 0 || phandles[r] != ph)) {
			r++;
		}
		if (r == m->mem_count) {
			return SP_MANIFEST_BAD_VALUE; /* names no memory region */
		}
		const struct sp_region *reg = &m->mem[r];
		if ((reg->attrs & (SP_REGION_W | SP_REGION_X | SP_REGION_NS)) != SP_REGION_W) {
			return SP_MANIFEST_BAD_VALUE;
		}
		*idx[i] = r;
	}
	if (m->rx_region == m->tx_region ||
	    m->mem[m->rx_region].pages != m->mem[m->tx_region].pages) {
		return SP_MANIFEST_BAD_VALUE;
	}
	m->rxtx_present = true;
	const struct fdt_known known = {RXTX_PROPS, ARRAY_SIZE(RXTX_PROPS), NULL, 0};
	fdt_list_unknown(&props, "", name, &known, m->ignored, sizeof(m->ignored));
	return SP_MANIFEST_OK;
}

enum sp_manifest_err sp_manifest_parse(const void *fdt, size_t size, struct sp_manifest *out,
				       char *field, size_t field_len)
{
	struct sp_manifest m;
	uint32_t v = 0;
	int rc, len;

	memset(&m, 0, sizeof(m));
	CHECK_FIELD(fdt_blob_ok(fdt, size), SP_MANIFEST_BAD_FDT, "header");
	struct fdt_props root;
	fdt_props_read(fdt, 0, &root);
	CHECK_FIELD(fdt_props_compatible(&root, "arm,ffa-manifest-1.0"), SP_MANIFEST_BAD_COMPAT,
		    "compatible");

	CHECK_FIELD(get_u32(&root, "ffa-version", &m.ffa_version) == 1, SP_MANIFEST_MISSING,
		    "ffa-version");
	CHECK_FIELD(FFA_VERSION_MAJOR_OF(m.ffa_version) == 1 &&
			    FFA_VERSION_MINOR_OF(m.ffa_version) <= 2 &&
			    (m.ffa_version & FFA_VERSION_MBZ_BIT) == 0,
		    SP_MANIFEST_BAD_VALUE, "ffa-version");

	const fdt32_t *u = fdt_props_get(&root, "uuid", &len);
	CHECK_FIELD(u != NULL && len > 0 && len % 16 == 0, SP_MANIFEST_MISSING, "uuid");
	CHECK_FIELD((unsigned int)len / 16 <= SP_MAX_UUIDS, SP_MANIFEST_TOO_MANY, "uuid");
	m.uuid_count = (unsigned int)len / 16;
	for (unsigned int i = 0; i < m.uuid_count; i++) {
		bool nil = true;
		for (unsigned int w = 0; w < 4; w++) {
			m.uuids[i][w] = fdt32_to_cpu(u[i * 4 + w]);
			nil = nil && m.uuids[i][w] == 0;
		}
		/* The nil UUID means "all partitions" in PARTITION_INFO_GET. */
		CHECK_FIELD(!nil, SP_MANIFEST_BAD_VALUE, "uuid");
	}

	rc = get_u32(&root, "id", &v);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "id");
	if (rc == 1 && v <= 0xFFFF && ffa_id_is_secure((ffa_id_t)v) && v != 0xFFFF) {
		m.id_present = true;
		m.id = (uint16_t)v;
	} else if (rc == 1) {
		/* No partition ID: ignored (tzvisor chooses one), as Hafnium ignores `id`. */
		fmt_snprintf(m.ignored, sizeof(m.ignored), "id (0x%x: not a partition ID)", v);
	}
	rc = get_u32(&root, "auxiliary-id", &v);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "auxiliary-id");
	CHECK_FIELD(rc == 0 || v <= 0xFFFF, SP_MANIFEST_BAD_VALUE, "auxiliary-id");
	m.auxiliary_id_present = rc == 1;
	m.auxiliary_id = (uint16_t)(rc == 1 ? v : 0);
	get_string(&root, "description", m.description, sizeof(m.description));

	CHECK_FIELD(get_u32(&root, "execution-ctx-count", &v) == 1, SP_MANIFEST_MISSING,
		    "execution-ctx-count");
	CHECK_FIELD(v >= 1 && v <= SP_MAX_EXEC_CTX, SP_MANIFEST_BAD_VALUE, "execution-ctx-count");
	m.exec_ctx_count = (uint16_t)v;

	CHECK_FIELD(get_u32(&root, "exception-level", &m.exception_level) == 1, SP_MANIFEST_MISSING,
		    "exception-level");
	CHECK_FIELD(m.exception_level == SP_EL_S_EL1 || m.exception_level == SP_EL_S_EL0,
		    SP_MANIFEST_BAD_VALUE, "exception-level");
	/* An S-EL0 partition has one execution context it migrates (FF-A v1.2 5.2.1). */
	CHECK_FIELD(m.exception_level != SP_EL_S_EL0 || m.exec_ctx_count == 1,
		    SP_MANIFEST_BAD_VALUE, "execution-ctx-count");

	CHECK_FIELD(get_u32(&root, "execution-state", &v) == 1, SP_MANIFEST_MISSING,
		    "execution-state");
	CHECK_FIELD(v == 0, SP_MANIFEST_UNSUPPORTED, "execution-state");

	rc = get_u32(&root, "xlat-granule", &v);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "xlat-granule");
	CHECK_FIELD(rc == 0 || v == 0, SP_MANIFEST_UNSUPPORTED, "xlat-granule");

	CHECK_FIELD(get_u64(&root, "load-address", &m.load_address) == 1, SP_MANIFEST_MISSING,
		    "load-address");
	CHECK_FIELD(IS_ALIGNED(m.load_address, PAGE_SIZE), SP_MANIFEST_BAD_VALUE, "load-address");
	rc = get_u64(&root, "entrypoint-offset", &m.entrypoint_offset);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "entrypoint-offset");
	CHECK_FIELD(IS_ALIGNED(m.entrypoint_offset, 4), SP_MANIFEST_BAD_VALUE, "entrypoint-offset");

	rc = get_u32(&root, "boot-order", &v);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "boot-order");
	if (rc == 1) {
		CHECK_FIELD(v <= 0xFFFF, SP_MANIFEST_BAD_VALUE, "boot-order");
		m.boot_order_present = true;
		m.boot_order = (uint16_t)v;
	}

	CHECK_FIELD(get_u32(&root, "messaging-method", &m.messaging_method) == 1,
		    SP_MANIFEST_MISSING, "messaging-method");
	CHECK_FIELD((m.messaging_method & ~SP_MSG_VALID_MASK) == 0, SP_MANIFEST_BAD_VALUE,
		    "messaging-method");

	rc = get_u32(&root, "ns-interrupts-action", &m.ns_interrupts_action);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "ns-interrupts-action");
	CHECK_FIELD(m.ns_interrupts_action <= 2, SP_MANIFEST_BAD_VALUE, "ns-interrupts-action");
	/* FF-A v1.0's flag: managed exit, whatever ns-interrupts-action says (as Hafnium). */
	rc = get_flag(&root, "managed-exit");
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "managed-exit");
	if (rc == 1) {
		m.ns_interrupts_action = SP_NS_INT_MANAGED_EXIT;
	}
	/* Managed exit is for S-EL1 partitions (an S-EL0 one has no vFIQ to take). */
	CHECK_FIELD(m.ns_interrupts_action != SP_NS_INT_MANAGED_EXIT ||
			    m.exception_level == SP_EL_S_EL1,
		    SP_MANIFEST_BAD_VALUE, rc == 1 ? "managed-exit" : "ns-interrupts-action");
	m.other_s_interrupts_action = SP_OTHER_S_INT_SIGNALED;
	rc = get_u32(&root, "other-s-interrupts-action", &m.other_s_interrupts_action);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "other-s-interrupts-action");
	/* Queueing other secure interrupts only makes sense if non-secure ones queue too. */
	CHECK_FIELD(m.other_s_interrupts_action == SP_OTHER_S_INT_SIGNALED ||
			    (m.other_s_interrupts_action == SP_OTHER_S_INT_QUEUED &&
			     m.ns_interrupts_action == SP_NS_INT_QUEUED),
		    SP_MANIFEST_BAD_VALUE, "other-s-interrupts-action");
	/* The primary scheduler is a normal-world VM (run-time EL1), never a partition. */
	CHECK_FIELD(get_flag(&root, "has-primary-scheduler") == 0, SP_MANIFEST_BAD_VALUE,
		    "has-primary-scheduler");
	rc = get_flag(&root, "time-slice-mem");
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "time-slice-mem");
	m.time_slice_mem = rc == 1;

	rc = get_u32(&root, "gp-register-num", &m.gp_register_num);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "gp-register-num");
	CHECK_FIELD(rc == 0 || m.gp_register_num <= 3, SP_MANIFEST_BAD_VALUE, "gp-register-num");
	m.gp_register_present = rc == 1;

	rc = get_u32(&root, "power-management-messages", &m.power_management_messages);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "power-management-messages");
	CHECK_FIELD((m.power_management_messages & ~0x7U) == 0, SP_MANIFEST_BAD_VALUE,
		    "power-management-messages");
	rc = get_u32(&root, "vm-availability-messages", &m.vm_availability_messages);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "vm-availability-messages");
	CHECK_FIELD((m.vm_availability_messages & ~(SP_VM_CREATED | SP_VM_DESTROYED)) == 0,
		    SP_MANIFEST_BAD_VALUE, "vm-availability-messages");
	m.notification_support = fdt_props_get(&root, "notification-support", NULL) != NULL;
	/* OP-TEE's memory size (read by OP-TEE itself too): one or two cells. */
	rc = get_u64(&root, "mem-size", &m.mem_size);
	CHECK_FIELD(rc >= 0, SP_MANIFEST_MISSING, "mem-size");
	uint64_t mem_end;
	CHECK_FIELD(rc == 0 || (m.mem_size != 0 && IS_ALIGNED(m.mem_size, PAGE_SIZE) &&
				range_end(m.load_address, m.mem_size, &mem_end)),
		    SP_MANIFEST_BAD_VALUE, "mem-size");
	const struct fdt_known known = {ROOT_PROPS, ARRAY_SIZE(ROOT_PROPS), ROOT_NODES,
					ARRAY_SIZE(ROOT_NODES)};
	fdt_list_unknown(&root, "", NULL, &known, m.ignored, sizeof(m.ignored));
	m.managed_exit_virq = fdt_props_get(&root, "managed-exit-virq", NULL) != NULL;

	/* The root's nodes, found in one walk of it (libfdt's lookup walks it each time). */
	static const char *const nodes[] = {"memory-regions", "device-regions", "boot-info",
					    "rx_tx-info", "rx-tx-buffer"};
	int at[ARRAY_SIZE(nodes)];
	fdt_find_subnodes(fdt, 0, nodes, at, ARRAY_SIZE(nodes));
	uint32_t phandles[SP_MAX_MEM_REGIONS] = {0};
	enum sp_manifest_err e = parse_regions(fdt, at[0], false, &m, m.mem, &m.mem_count, phandles,
					       field, field_len);
	if (e == SP_MANIFEST_OK) {
		e = parse_regions(fdt, at[1], true, &m, m.dev, &m.dev_count, NULL, field,
				  field_len);
	}
	if (e == SP_MANIFEST_OK) {
		e = parse_boot_info(fdt, at[2], &m, field, field_len);
	}
	if (e == SP_MANIFEST_OK) {
		e = parse_rxtx(fdt, &at[3], &m, phandles, field, field_len);
	}
	if (e != SP_MANIFEST_OK) {
		return e;
	}
	if (field_len > 0) {
		field[0] = '\0';
	}
	*out = m;
	return SP_MANIFEST_OK;
}

const char *sp_manifest_strerror(enum sp_manifest_err e)
{
	switch (e) {
	case SP_MANIFEST_OK:
		return "ok";
	case SP_MANIFEST_BAD_FDT:
		return "not a valid device tree";
	case SP_MANIFEST_BAD_COMPAT:
		return "wrong compatible";
	case SP_MANIFEST_MISSING:
		return "missing or malformed property";
	case SP_MANIFEST_BAD_VALUE:
		return "invalid value";
	case SP_MANIFEST_UNSUPPORTED:
		return "not supported by tzvisor";
	case SP_MANIFEST_TOO_MANY:
		return "more entries than tzvisor supports";
	}
	return "unknown error";
}
