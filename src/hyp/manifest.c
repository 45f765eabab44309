/* VM manifest parsing (binding in manifest.h). Input is untrusted: every field is checked. */
#include "hyp/manifest.h"

#include <libfdt.h>
#include <string.h>

#include "core/fdt_blob.h"
#include "core/fmt.h"
#include "core/types.h"
#include "spmc/sp_manifest.h"

#define SZ_2M 0x200000ULL
#define MAX_MEM_SIZE (64ULL << 30)

static uint64_t be64(const fdt32_t *p)
{
	return (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
}

static bool name_ok(const char *s, int len)
{
	/* len includes the NUL libfdt stores. */
	if (len < 2 || len > (int)VM_NAME_MAX || s[len - 1] != '\0') {
		return false;
	}
	for (int i = 0; i < len - 1; i++) {
		bool ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			  (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_';
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* A <pa size> pair of 64-bit values: page-aligned PA, non-zero size, no wrap. */
static enum manifest_err region(const void *fdt, int node, const char *prop, bool required,
				uint64_t *pa, uint64_t *size)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
	uint64_t end;

	*pa = 0;
	*size = 0;
	if (p == NULL) {
		return required ? MANIFEST_EMISSING : MANIFEST_OK;
	}
	if (len != 16) {
		return MANIFEST_EMISSING;
	}
	*pa = be64(p);
	*size = be64(p + 2);
	if (*size == 0 || !IS_ALIGNED(*pa, PAGE_SIZE) || !range_end(*pa, *size, &end)) {
		return MANIFEST_ERANGE;
	}
	return MANIFEST_OK;
}

/* The ffa-partition subnode, if any: an FF-A partition of the emulated SPMC. */
static enum manifest_err parse_ffa(const void *fdt, int node, struct vm_ffa_config *f,
				   const char **prop)
{
	int len, sub = fdt_subnode_offset(fdt, node, "ffa-partition");

	memset(f, 0, sizeof(*f));
	if (sub < 0) {
		return MANIFEST_OK;
	}
	f->partition = true;
	*prop = "ffa-partition/id";
	const fdt32_t *v = fdt_getprop(fdt, sub, "id", &len);
	if (v == NULL || len != 4) {
		return MANIFEST_EMISSING;
	}
	uint32_t id = fdt32_to_cpu(*v);
	/* A partition's ID: bit 15 set; not the SPMC's (0x8000) nor the SPMD's (0xFFFF). */
	if (id > 0xFFFFU || (id & 0x8000U) == 0 || id == 0x8000U || id == 0xFFFFU) {
		return MANIFEST_ERANGE;
	}
	f->id = (uint16_t)id;
	*prop = "ffa-partition/uuid";
	v = fdt_getprop(fdt, sub, "uuid", &len);
	if (v == NULL || len <= 0 || len % 16 != 0) {
		return MANIFEST_EMISSING;
	}
	if ((unsigned int)len / 16U > VM_FFA_MAX_UUIDS) {
		return MANIFEST_ERANGE;
	}
	f->uuid_count = (unsigned int)len / 16U;
	for (unsigned int u = 0; u < f->uuid_count; u++) {
		for (unsigned int w = 0; w < 4; w++) {
			f->uuid[u][w] = fdt32_to_cpu(v[4 * u + w]);
		}
		if ((f->uuid[u][0] | f->uuid[u][1] | f->uuid[u][2] | f->uuid[u][3]) == 0) {
			return MANIFEST_ERANGE; /* the nil UUID names no service */
		}
	}
	*prop = "ffa-partition/messaging-method";
	v = fdt_getprop(fdt, sub, "messaging-method", &len);
	if (v == NULL || len != 4) {
		return MANIFEST_EMISSING;
	}
	f->messaging = fdt32_to_cpu(*v);
	if ((f->messaging & ~SP_MSG_VALID_MASK) != 0) {
		return MANIFEST_ERANGE;
	}
	f->notifications = fdt_getprop(fdt, sub, "notification-support", NULL) != NULL;
	*prop = "ffa-partition/vm-availability-messages";
	v = fdt_getprop(fdt, sub, "vm-availability-messages", &len);
	if (v != NULL && len != 4) {
		return MANIFEST_EMISSING;
	}
	f->vm_availability = v != NULL ? fdt32_to_cpu(*v) : 0U;
	if ((f->vm_availability & ~3U) != 0) {
		return MANIFEST_ERANGE;
	}
	return MANIFEST_OK;
}

static enum manifest_err parse_vm(const void *fdt, int node, struct vm_config *c, const char **prop)
{
	int len;
	enum manifest_err e;

	memset(c, 0, sizeof(*c));
	*prop = "compatible";
	if (fdt_node_check_compatible(fdt, node, "tzvisor,vm") != 0) {
		return MANIFEST_ECOMPAT;
	}
	*prop = "vm-name";
	const char *name = fdt_getprop(fdt, node, "vm-name", &len);
	if (name == NULL) {
		return MANIFEST_EMISSING;
	}
	if (!name_ok(name, len)) {
		return MANIFEST_ENAME;
	}
	memcpy(c->name, name, (size_t)len);
	*prop = "vcpus";
	const fdt32_t *v = fdt_getprop(fdt, node, "vcpus", &len);
	if (v == NULL || len != 4) {
		return MANIFEST_EMISSING;
	}
	c->vcpus = fdt32_to_cpu(*v);
	if (c->vcpus == 0 || c->vcpus > VM_MAX_VCPUS) {
		return MANIFEST_ERANGE;
	}
	*prop = "memory-size";
	v = fdt_getprop(fdt, node, "memory-size", &len);
	if (v == NULL || len != 8) {
		return MANIFEST_EMISSING;
	}
	c->mem_size = be64(v);
	if (c->mem_size == 0 || !IS_ALIGNED(c->mem_size, SZ_2M) || c->mem_size > MAX_MEM_SIZE) {
		return MANIFEST_ERANGE;
	}
	*prop = "kernel";
	if ((e = region(fdt, node, "kernel", true, &c->kernel_pa, &c->kernel_size)) !=
	    MANIFEST_OK) {
		return e;
	}
	*prop = "initrd";
	if ((e = region(fdt, node, "initrd", false, &c->initrd_pa, &c->initrd_size)) !=
	    MANIFEST_OK) {
		return e;
	}
	/* Kernel, initrd and the 2 MiB DTB slot must fit in the VM's memory. */
	if (c->kernel_size + c->initrd_size + 2 * SZ_2M + 0x80000 > c->mem_size) {
		*prop = "memory-size";
		return MANIFEST_ERANGE;
	}
	*prop = "bootargs";
	const char *args = fdt_getprop(fdt, node, "bootargs", &len);
	if (args != NULL) {
		if (len < 1 || len > (int)VM_BOOTARGS_MAX || args[len - 1] != '\0') {
			return MANIFEST_ERANGE;
		}
		memcpy(c->bootargs, args, (size_t)len);
	}
	c->poweroff_ends_machine = fdt_getprop(fdt, node, "poweroff-ends-machine", NULL) != NULL;
	*prop = "disk";
	if ((e = region(fdt, node, "disk", false, &c->disk_pa, &c->disk_size)) != MANIFEST_OK) {
		return e;
	}
	if (c->disk_size % 512U != 0) {
		return MANIFEST_ERANGE;
	}
	c->net = fdt_getprop(fdt, node, "net", NULL) != NULL;
	c->rtc = fdt_getprop(fdt, node, "rtc", NULL) != NULL;
	if ((e = parse_ffa(fdt, node, &c->ffa, prop)) != MANIFEST_OK) {
		return e;
	}
	*prop = "ffa-scheduler";
	c->ffa_scheduler = fdt_getprop(fdt, node, "ffa-scheduler", NULL) != NULL;
	if (c->ffa_scheduler && c->ffa.partition) {
		return MANIFEST_ERANGE; /* a partition is scheduled, it does not schedule */
	}
	*prop = NULL;
	return MANIFEST_OK;
}

enum manifest_err manifest_parse(const void *fdt, size_t size, struct vm_config *cfg,
				 unsigned int *count, char *where, size_t where_len)
{
	int node;
	const char *prop = NULL;

	*count = 0;
	fmt_snprintf(where, where_len, "header");
	if (!fdt_blob_ok(fdt, size)) {
		return MANIFEST_EBLOB;
	}
	fmt_snprintf(where, where_len, "/compatible");
	if (fdt_node_check_compatible(fdt, 0, "tzvisor,hyp-manifest-1.0") != 0) {
		return MANIFEST_ECOMPAT;
	}
	fdt_for_each_subnode (node, fdt, 0) {
		const char *nname = fdt_get_name(fdt, node, NULL);
		if ((strnlen(nname, 3) < 3 || memcmp(nname, "vm@", 3) != 0) &&
		    strcmp(nname, "vm") != 0) {
			continue;
		}
		if (*count == VM_MAX) {
			fmt_snprintf(where, where_len, "/%s", nname);
			return MANIFEST_ETOOMANY;
		}
		enum manifest_err e = parse_vm(fdt, node, &cfg[*count], &prop);
		for (unsigned int i = 0; e == MANIFEST_OK && i < *count; i++) {
			if (cfg[*count].ffa.partition && cfg[i].ffa.partition &&
			    cfg[i].ffa.id == cfg[*count].ffa.id) {
				prop = "ffa-partition/id";
				e = MANIFEST_ERANGE; /* two partitions with one ID */
			}
			if (cfg[*count].ffa_scheduler && cfg[i].ffa_scheduler) {
				prop = "ffa-scheduler";
				e = MANIFEST_ERANGE; /* one scheduler */
			}
		}
		if (e != MANIFEST_OK) {
			fmt_snprintf(where, where_len, "/%s/%s", nname, prop);
			return e;
		}
		(*count)++;
	}
	if (*count == 0) {
		fmt_snprintf(where, where_len, "/");
		return MANIFEST_ETOOMANY;
	}
	fmt_snprintf(where, where_len, "-");
	return MANIFEST_OK;
}

const char *manifest_strerror(enum manifest_err e)
{
	switch (e) {
	case MANIFEST_OK:
		return "ok";
	case MANIFEST_EBLOB:
		return "not a well-formed device tree";
	case MANIFEST_ECOMPAT:
		return "compatible is missing or not tzvisor's";
	case MANIFEST_EMISSING:
		return "missing, or of the wrong size";
	case MANIFEST_ERANGE:
		return "out of range";
	case MANIFEST_ETOOMANY:
		return "no VM, or more VMs than supported";
	case MANIFEST_ENAME:
		return "name is empty, too long or has characters other than [A-Za-z0-9_-]";
	}
	return "unknown error";
}
