/*
 * The SPMC manifest (TOS_FW_CONFIG): TF-A's "arm,ffa-core-manifest-1.0"
 * binding, node "attribute". Parsed with libfdt from a private copy.
 */
#ifndef SPMC_MANIFEST_H
#define SPMC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define SPMC_MANIFEST_MAX_SIZE 4096U
#define SPMC_MAX_SPS 8U
#define SPMC_SP_NAME_LEN 32U

/* One secure partition package, from the "hypervisor" node (Hafnium's convention). */
struct spmc_sp_entry {
	uint64_t load_address;
	char debug_name[SPMC_SP_NAME_LEN];
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
