/*
 * The SPMC manifest (TOS_FW_CONFIG): TF-A's "arm,ffa-core-manifest-1.0"
 * binding, node "attribute". Parsed with libfdt from a private copy.
 */
#ifndef SPMC_MANIFEST_H
#define SPMC_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPMC_MANIFEST_MAX_SIZE 4096U
#define SPMC_MAX_SPS 8U
#define SPMC_SP_NAME_LEN 32U
#define SPMC_IGNORED_LEN 96U

/*
 * One secure partition, a child of the "hypervisor" node in Hafnium's
 * convention (Hafnium's manifest.c, TF-A's and OP-TEE's SPMC manifests for
 * Hafnium): is_ffa_partition; load_address, where BL2 put its package;
 * mem_size, its memory [load_address, load_address + mem_size) (package,
 * image, and the rest for .bss, stacks and heap); vcpu_count, the most
 * execution contexts it gets; exception-level and execution-state, which
 * must agree with its own manifest; debug_name.
 */
struct spmc_sp_entry {
	uint64_t load_address;
	uint64_t mem_size; /* 0: not given */
	uint16_t vcpu_count; /* 0: not given */
	bool exception_level_present;
	bool execution_state_present;
	uint32_t exception_level;
	uint32_t execution_state;
	char debug_name[SPMC_SP_NAME_LEN];
	/* Properties of the node tzvisor does not use (Hafnium's VM-only ones, typos), for the log.
	 */
	char ignored[SPMC_IGNORED_LEN];
};

struct spmc_manifest {
	uint16_t spmc_id;
	uint32_t maj_ver;
	uint32_t min_ver;
	uint32_t exec_state;
	uint64_t load_address;
	uint64_t entrypoint;
	uint64_t binary_size;
	struct spmc_sp_entry sps[SPMC_MAX_SPS];
	unsigned int sp_count;
	/* Children of /cpus with device_type "cpu" (Hafnium reads the same); 0: no such node. */
	unsigned int cpu_count;
};

enum spmc_manifest_err {
	SPMC_MANIFEST_OK = 0,
	SPMC_MANIFEST_BAD_FDT, /* header, size or structure */
	SPMC_MANIFEST_BAD_COMPAT, /* root compatible is not arm,ffa-core-manifest-1.0 */
	SPMC_MANIFEST_NO_ATTRIBUTE, /* no /attribute node */
	SPMC_MANIFEST_MISSING, /* a required property is absent or malformed */
	SPMC_MANIFEST_BAD_VALUE, /* a property has a value tzvisor cannot accept */
};

/*
 * Parses a manifest blob of at most `size` bytes. On error returns the code
 * and sets *field to the offending property (or node) name.
 */
enum spmc_manifest_err spmc_manifest_parse(const void *fdt, size_t size, struct spmc_manifest *m,
					   const char **field);
const char *spmc_manifest_strerror(enum spmc_manifest_err e);

#endif /* SPMC_MANIFEST_H */
