/*
 * Secure partition manifests: TF-A's FF-A manifest binding
 * (docs/components/ffa-manifest-binding.rst, "arm,ffa-manifest-1.0").
 * Parsed with libfdt from the copy in the SP package; every field is checked
 * and a rejected manifest names the field.
 */
#ifndef SPMC_SP_MANIFEST_H
#define SPMC_SP_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SP_MAX_UUIDS 4U
#define SP_MAX_MEM_REGIONS 8U
#define SP_MAX_DEV_REGIONS 8U
#define SP_NAME_LEN 32U
#define SP_MAX_EXEC_CTX 8U
#define SP_IGNORED_LEN 128U
#define SP_MAX_INTERRUPTS 16U /* over all device regions */

/* exception-level values of the binding. */
#define SP_EL_EL1 0U /* a VM at (NS-)EL1: not a secure partition */
#define SP_EL_S_EL0 1U
#define SP_EL_S_EL1 2U

/* messaging-method bits (ffa/partition_info.h names them too: FFA_MANIFEST_MSG_*). */
#define SP_MSG_DIRECT_REQ_RECV (1U << 0)
#define SP_MSG_DIRECT_REQ_SEND (1U << 1)
#define SP_MSG_INDIRECT (1U << 2)
#define SP_MSG_DIRECT_REQ2_RECV (1U << 9)
#define SP_MSG_DIRECT_REQ2_SEND (1U << 10)
#define SP_MSG_VALID_MASK 0x607U

/* ns-interrupts-action values. */
#define SP_NS_INT_QUEUED 0U
#define SP_NS_INT_MANAGED_EXIT 1U
#define SP_NS_INT_SIGNALED 2U

/* other-s-interrupts-action values. */
#define SP_OTHER_S_INT_QUEUED 0U
#define SP_OTHER_S_INT_SIGNALED 1U

/* vm-availability-messages bits. */
#define SP_VM_CREATED (1U << 0)
#define SP_VM_DESTROYED (1U << 1)

/* Region attributes. */
#define SP_REGION_R 0x1U
#define SP_REGION_W 0x2U
#define SP_REGION_X 0x4U
#define SP_REGION_NS 0x8U

struct sp_region {
	char name[SP_NAME_LEN];
	uint64_t base; /* absolute: load-address-relative offsets are resolved */
	uint32_t pages;
	uint32_t attrs;
	bool relative; /* given as load-address-relative-offset */
	bool exclusive; /* device regions: exclusive-access (no other partition may map it) */
};

/*
 * A device region's `interrupts` pair: the INTID and its attributes (FF-A
 * manifest binding: [7:0] priority, bit 8 secure, bit 9 level-triggered (0:
 * edge), [11:10] type: 0 SGI, 1 PPI, 2 SPI). The parser takes SPIs only
 * (INTID 32-1019, type SPI); a secure one must have a priority in the
 * secure half (below 0x80), so that masking the normal world's interrupts
 * (priority mask 0x80) never masks it.
 */
#define SP_INT_PRIO_MASK 0xFFU
#define SP_INT_SECURE (1U << 8)
#define SP_INT_LEVEL (1U << 9)
#define SP_INT_TYPE_SHIFT 10
#define SP_INT_TYPE_SPI 2U
#define SP_INT_ATTRS_MASK 0xFFFU
#define SP_INT_SPI_FIRST 32U
#define SP_INT_SPI_LAST 1019U

/*
 * `interrupts-target` of the same device region (Hafnium's binding): <INTID
 * MPIDR-high MPIDR-low> triples, each naming one of the region's interrupts
 * and the PE it is routed to. Only affinity bits (Aff3 [39:32], Aff2-0
 * [23:0]) may be set; whether the PE exists is checked at load (spmc/irq.c).
 */
#define SP_INT_MPIDR_AFF_MASK 0xFF00FFFFFFULL

struct sp_interrupt {
	uint32_t id;
	uint32_t attrs;
	bool has_target; /* interrupts-target names it */
	uint64_t target_mpidr;
};

/* power-management-messages: which PSCI events the partition is told of. */
#define SP_PM_CPU_OFF (1U << 0)
#define SP_PM_CPU_SUSPEND (1U << 1)
#define SP_PM_CPU_SUSPEND_RESUME (1U << 2)

struct sp_manifest {
	char description[SP_NAME_LEN];
	uint32_t ffa_version;
	uint32_t uuids[SP_MAX_UUIDS][4]; /* as the four cells of the manifest */
	unsigned int uuid_count;
	bool id_present;
	uint16_t id;
	uint16_t exec_ctx_count;
	uint32_t exception_level;
	uint64_t load_address;
	uint64_t entrypoint_offset;
	bool boot_order_present;
	uint16_t boot_order;
	uint32_t messaging_method;
	uint32_t ns_interrupts_action;
	bool gp_register_present;
	uint32_t gp_register_num;
	uint32_t power_management_messages; /* SP_PM_* */
	bool notification_support;
	bool auxiliary_id_present;
	uint16_t auxiliary_id;
	uint32_t other_s_interrupts_action; /* SP_OTHER_S_INT_*; signaled unless given */
	uint32_t vm_availability_messages; /* SP_VM_* */
	bool time_slice_mem;
	/* OP-TEE's extension: the partition's memory [load-address, +mem-size); 0: not given. */
	uint64_t mem_size;
	/* boot-info node (Hafnium): ffa_manifest asks for the manifest in the boot information. */
	bool boot_info_node;
	bool boot_info_manifest;
	/* rx_tx-info node (Hafnium; the binding's rx-tx-buffer): buffers mapped at load. */
	bool rxtx_present;
	unsigned int rx_region, tx_region; /* indices into mem[] */
	bool managed_exit_virq; /* managed exit signalled by vIRQ instead of vFIQ */
	struct sp_region mem[SP_MAX_MEM_REGIONS];
	unsigned int mem_count;
	struct sp_region dev[SP_MAX_DEV_REGIONS];
	unsigned int dev_count;
	/*
	 * What the manifest has that tzvisor ignores instead of refusing the
	 * partition (reported in one boot line): properties and nodes outside
	 * the binding, and an `id` that is no secure partition ID (Hafnium
	 * does not read `id`; OP-TEE's manifest has id = <1>).
	 */
	char ignored[SP_IGNORED_LEN];
	struct sp_interrupt ints[SP_MAX_INTERRUPTS]; /* from every device region, in order */
	unsigned int int_count;
};

enum sp_manifest_err {
	SP_MANIFEST_OK = 0,
	SP_MANIFEST_BAD_FDT,
	SP_MANIFEST_BAD_COMPAT,
	SP_MANIFEST_MISSING, /* a mandatory property is absent or malformed */
	SP_MANIFEST_BAD_VALUE, /* a property has a value tzvisor cannot accept */
	SP_MANIFEST_UNSUPPORTED, /* valid in the binding, not implemented by tzvisor */
	SP_MANIFEST_TOO_MANY, /* more UUIDs or regions than tzvisor's tables hold */
};

/*
 * Parses the manifest blob (at most `size` bytes). On error *field names the
 * property, or "node/property" inside a region node.
 */
enum sp_manifest_err sp_manifest_parse(const void *fdt, size_t size, struct sp_manifest *m,
				       char *field, size_t field_len);
const char *sp_manifest_strerror(enum sp_manifest_err e);

#endif /* SPMC_SP_MANIFEST_H */
