/*
 * Secure partitions as the SPMC holds them: the parsed manifest, stage-2
 * tables for the secure and non-secure IPA spaces, the FF-A endpoint state
 * and one vCPU per execution context.
 */
#ifndef SPMC_PARTITION_H
#define SPMC_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/vcpu.h"
#include "core/mm.h"
#include "core/palloc.h"
#include "core/spinlock.h"
#include "dev/vuart.h"
#include "ffa/ffa_core.h"
#include "ffa/notif.h"
#include "ffa/rxtx.h"
#include "spmc/manifest.h"
#include "spmc/sp_manifest.h"
#include "spmc/vint.h"

enum vcpu_state {
	VCPU_OFF, /* not started on its CPU yet, or the CPU is off */
	VCPU_WAITING, /* in FFA_MSG_WAIT: can take a direct request */
	VCPU_RUNNING, /* running, or about to, on some CPU */
	VCPU_BLOCKED, /* sent a direct request, waits for the response */
	VCPU_PREEMPTED, /* yielded (FFA_YIELD) while serving a request: resumed by FFA_RUN */
	VCPU_INTERRUPTED, /* stopped by a non-secure interrupt: FFA_RUN resumes it untouched */
	VCPU_ABORTED, /* stopped after a fault or an FFA_ERROR at boot */
};

/*
 * Why a vCPU has the CPU (the partition runtime models of FF-A v1.2
 * chapter 7: RTM_SP_INIT, RTM_FFA_DIR_REQ, RTM_FFA_RUN, RTM_SEC_INTERRUPT).
 */
enum vcpu_rtm {
	RTM_NONE, /* waiting, off or stopped */
	RTM_INIT, /* booting, until its first FFA_MSG_WAIT */
	RTM_DIR_REQ, /* serving a direct request (normal-world scheduled) */
	RTM_FFA_RUN, /* given cycles by the normal world's FFA_RUN */
	RTM_SEC_INT, /* resumed by tzvisor to handle a virtual interrupt (SPMC scheduled) */
};

/* The partition's EL1 physical timer as tzvisor emulates it (spmc/vtimer.c). */
struct vtimer {
	uint64_t ctl; /* CNTP_CTL_EL0: ENABLE, IMASK (ISTATUS is computed) */
	uint64_t cval; /* CNTP_CVAL_EL0 */
	int armed_cpu; /* the CPU whose S-EL2 timer waits for it; -1: not armed */
};

struct partition;

struct vcpu {
	struct arch_vcpu arch; /* first */
	struct partition *sp;
	unsigned int index;
	enum vcpu_state state;
	/* The direct request being served: who sent it (ffa_id) and with which ABI. */
	bool serving;
	ffa_id_t req_from;
	uint32_t req_fid;
	/*
	 * The request is a framework message (power management from the SPMC,
	 * VM availability from the hypervisor): the w2 its response must have;
	 * 0 for any other request.
	 */
	uint32_t req_fwk;
	struct vcpu *caller; /* the SP vCPU blocked on this one, if the sender is an SP */
	enum vcpu_rtm rtm;
	/*
	 * The least permissive ns-interrupts-action of its call chain (FF-A
	 * v1.2 8.3.1): set when it takes a request (or FFA_RUN cycles).
	 */
	uint8_t ns_action;
	bool intr_signaled; /* told FFA_INTERRUPT; cleared when it takes an ID (GET) */
	unsigned int cpu; /* the CPU it runs on (or last ran on) */
	struct vcpu *preempted; /* RTM_SEC_INT: the vCPU it preempted on this CPU, if any */
	/*
	 * Blocked in a call chain, resumed with FFA_INTERRUPT to handle its own
	 * interrupt (FF-A v1.2 8.3, a blocked owner): the chain's running vCPU it
	 * preempted, which its FFA_RUN of its callee resumes.
	 */
	struct vcpu *chain_preempted;
	struct vint vint; /* its virtual interrupts, under sp->lock */
	struct vtimer timer;
};

struct partition {
	struct spinlock lock; /* vCPU states, see lock_order.h */
	ffa_id_t id;
	const char *name;
	struct sp_manifest m;
	uint64_t load_address;
	uint64_t image_base, image_end; /* the image as BL2 loaded it (the entry lies inside) */
	/*
	 * Its memory, [load_address, mem_end), claimed and identity-mapped at
	 * stage 2: the package (header and manifest) and the image; with a
	 * mem_size (the SPMC manifest's vm node or the manifest's mem-size,
	 * Hafnium's and OP-TEE's convention) the whole region, .bss, stacks and
	 * heap past the image included. Read-only up to ro_end (the package
	 * header of a partition without mem_size: a test reads it back), then
	 * read-write-execute Normal memory.
	 */
	uint64_t ro_end, mem_end;
	uint64_t entry;
	uint64_t secondary_ep; /* 0: use entry */
	uint64_t boot_info; /* IPA of the FF-A boot information blob */
	struct mm_ptable s2; /* secure IPA space (VSTTBR_EL2) */
	struct mm_ptable s2_ns; /* non-secure IPA space (VTTBR_EL2) */
	struct mm_ptable s1; /* S-EL0 partitions: their EL1&0 stage 1, built by the SPMC */
	struct palloc el0_pool; /* S-EL0 partitions: the pages of s1 (carved at load) */
	/*
	 * Ranges of normal-world memory (donated to it) this partition has lent
	 * or donated away and may reclaim: while any are out, the tables that
	 * held them stay (no pruning of its NS mappings), so the remap at
	 * reclaim needs no table page. Under mem_share's lock.
	 */
	uint32_t mem_ns_lent;
	uint16_t vmid;
	uint64_t vttbr; /* VTTBR_EL2: s2_ns and the VMID (the secure stage 2 shares the VMID) */
	struct ffa_endpoint ep;
	struct ffa_rxtx rxtx;
	struct ffa_notif notif; /* under notif_lock (spmc/notif.c) */
	struct vcpu *vcpus; /* vcpu_count of them, carved at load from the SPMC's region */
	unsigned int vcpu_count;
	bool aborted;
	bool initialised; /* has waited for messages once (FFA_MEM_PERM_SET is refused since) */
	bool el0; /* runs at S-EL0 behind the EL1 shim (el0_shim.S) */
	char log[128]; /* FFA_CONSOLE_LOG line buffer */
	unsigned int log_len;
	/*
	 * A device region on tzvisor's own console (the secure UART): not
	 * mapped, its accesses trap and are emulated (a PL011 whose lines
	 * tzvisor prints as "[name] line"), so that neither output is cut.
	 */
	bool uart_emulated;
	struct spinlock uart_lock; /* a leaf, before the console's */
	struct vuart uart;
	/* Why it got fewer execution contexts than its manifest asks for (0: it did not). */
	uint16_t ctx_asked;
};

/* The partitions, as many slots as the SPMC manifest lists (carved at load). */
extern struct partition *partitions;
extern unsigned int partition_count;

/* Per-CPU EL2 set-up for running partitions (stage-2 control registers). */
void partitions_cpu_init(void);
/*
 * Loads every SP the SPMC manifest lists; failures are logged and skip the
 * SP. The partition slots, their execution contexts and their table pools
 * are sized from the manifests and carved from `region` (the SPMC's free
 * memory past its image: boot.c).
 */
void partitions_load(const struct spmc_manifest *m, struct mm_ptable *stage1,
		     struct palloc *region);
/* Boots each SP's execution context for this CPU, in boot order (cold and warm boot). */
void partitions_boot_cpu(unsigned int cpu_index, bool cold);
/* The power-off of this CPU: its pinned execution contexts stop. */
void partitions_cpu_off(unsigned int cpu_index);
void partitions_print_table(void);
/*
 * Pages of SPMC_POOL_SP_STAGE2 or SPMC_POOL_SP_EL0_STAGE1 (bench.h) for make
 * bench: in use, in all, the peak (S-EL0: summed over the partitions' pools).
 */
void partitions_pool_stats(unsigned int which, size_t *used, size_t *pages, size_t *peak);

struct partition *partition_find(ffa_id_t id);
/*
 * FFA_MEM_PERM_GET (w1 = VA) and FFA_MEM_PERM_SET (w1 = VA, w2 = pages,
 * w3 = permissions; only while the partition initialises) for an S-EL0
 * partition's own pages, in the stage 1 the SPMC keeps for it.
 */
struct ffa_value partition_mem_perm(struct vcpu *v, const struct ffa_value *args);
/*
 * Partition memory (a package, or a secure memory region of a manifest)
 * holding addr: its owner, where the piece ends, and its attributes (MM_W,
 * MM_X). False for memory that is no partition's.
 */
bool partition_memory_at(uint64_t addr, ffa_id_t *owner, uint64_t *end, uint8_t *attrs);
/* Does [base, end) overlap one of sp's non-secure memory or device regions? */
bool partition_ns_region_overlaps(const struct partition *sp, uint64_t base, uint64_t end);
/*
 * A stage-2 data abort on the emulated console UART (uart_emulated): the
 * access done for the vCPU (ESR_EL2 syndrome), true; false if it is not
 * that device or not an access the emulation takes.
 */
bool partition_uart_access(struct vcpu *v, uint64_t esr, uint64_t ipa);
/* The execution context that runs on this CPU: pinned (MP) or the only one (UP). */
struct vcpu *partition_vcpu_for_cpu(struct partition *sp, unsigned int cpu_index);

#endif /* SPMC_PARTITION_H */
