/* What the hypervisor's FF-A files share (see hyp/ffa.h). */
#ifndef HYP_FFA_INTERNAL_H
#define HYP_FFA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "ffa/ffa_core.h"
#include "ffa/partition_info.h"
#include "hyp/ffa.h"
#include "hyp/ffa_xlate.h"
#include "hyp/vm.h"

struct ffa_notif_info;

/* The schedule-receiver interrupt guests get (FFA_FEATURES feature 2): SGI 8, as the SPMC's. */
#define HYP_FFA_VSRI 8U
/* The real SPMC's schedule-receiver interrupt at NS-EL2 (forwarding): SGI 8. */
#define HYP_FFA_SPMC_SRI 8U
/* The emulated SPMC's own endpoint ID (FFA_SPM_ID_GET), as the real one's. */
#define HYP_FFA_EMUL_SPMC_ID 0x8000U

struct hyp_ffa {
	enum hyp_ffa_mode mode;
	struct ffa_instance inst; /* what guests are told: the SPMC's ID, the SRI */
	/* Notification state of every VM (vm_ffa.notif), and the forwarding records. */
	struct spinlock notif_lock;
	/* The partitions guests discover: the partition VMs, or the real SPMC's (read at boot). */
	struct ffa_partition_desc descs[FFA_PARTITION_INFO_MAX];
	unsigned int ndescs;
};

extern struct hyp_ffa hyp_ffa;

/* The VM that is endpoint `id`, or NULL. */
struct vm *hyp_ffa_vm(ffa_id_t id);
/* How the VM's addresses translate (its RAM; the borrowed-memory window when emulating). */
struct ffa_xlate hyp_ffa_xlate(const struct vm *vm);
/* Writes an answer into v's x0-x7 (x8-x17 kept). */
void hyp_ffa_answer(struct vcpu *v, const struct ffa_value *r);

/*
 * A notification or a message is pending for VM `vm` (vCPU `vcpu`, or -1
 * for any): a normal VM gets the schedule-receiver interrupt, a partition
 * VM is run (FFA_RUN out of its FFA_MSG_WAIT). Takes the VM's lock.
 */
void hyp_ffa_signal(struct vm *vm, int vcpu);

/* --- the emulated SPMC's messaging (ffa_msg.c) ---------------------------------------- */
bool hyp_ffa_msg_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid);
/* A partition VM's vCPU gets FFA_RUN (now if it waits, else at its next FFA_MSG_WAIT). */
void hyp_ffa_msg_run(struct vm *vm, unsigned int vcpu);
void hyp_ffa_msg_vm_stopped(struct vm *vm);
/*
 * A VM availability message (FFA_FWK_MSG_VM_CREATED_REQ or _DESTROYED_REQ)
 * about normal VM `about`, from tzvisor as the hypervisor (ID 0), to every
 * partition VM that subscribes: its vCPU 0 gets it now if it waits, else at
 * its next FFA_MSG_WAIT.
 */
void hyp_ffa_msg_vm_availability(struct vm *about, uint32_t type);

/* --- the emulated SPMC's memory sharing (ffa_mem.c) --------------------------------- */
struct ffa_value hyp_ffa_mem_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid);
/* Are [pa, pa + size) the VM's own pages in no transaction (for its RX/TX buffers)? */
bool hyp_ffa_mem_owns(struct vm *vm, uint64_t pa, uint64_t size);
/* Returns how many of its transactions borrowers still hold. */
unsigned int hyp_ffa_mem_vm_stopped(struct vm *vm);
void hyp_ffa_mem_init(void);

/* --- forwarding to the real SPMC (ffa_fwd.c, ffa_fwd_mem.c) ---------------------------- */
/* Asks the firmware for FF-A; true if an SPMC answered (and tzvisor is set up with it). */
bool hyp_ffa_fwd_probe(void);
void hyp_ffa_fwd_vms_ready(void);
void hyp_ffa_fwd_cpu_init(uint64_t redist);
bool hyp_ffa_fwd_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid);
/* Notifications the SPMC holds for VM `vm`: BIND/UNBIND/SET to partitions, GET's SP/SPM part. */
struct ffa_value hyp_ffa_fwd_notif(struct vm *vm, const struct ffa_value *args);
/* FFA_MSG_SEND2 to a partition: the checked message in `msg`. */
struct ffa_value hyp_ffa_fwd_send2(struct vm *vm, const uint8_t *msg, uint32_t w2);
/* The scheduler VM's INFO_GET: the partitions the SPMC listed since (notif_lock held). */
void hyp_ffa_fwd_sched_info(const struct vm *vm, struct ffa_notif_info *info);
bool hyp_ffa_fwd_irq(unsigned int intid);
void hyp_ffa_fwd_poll(void);
/* Returns how many of its transactions partitions still hold. */
unsigned int hyp_ffa_fwd_vm_stopped(struct vm *vm);
void hyp_ffa_fwd_vm_reset(struct vm *vm);
/* After the VM released its RX buffer: a message the SPMC sent it may be waiting. */
void hyp_ffa_fwd_rx_released(struct vm *vm);
/* tzvisor's own TX buffer with the SPMC (ffa_fwd.c); used under the forwarded-memory lock. */
uint8_t *hyp_ffa_fwd_tx(void);
struct ffa_value hyp_ffa_fwd_mem_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid);
/* The lock of forwarded transactions: taken before a VM's RX/TX lock. */
void hyp_ffa_fwd_mem_lock(void);
void hyp_ffa_fwd_mem_unlock(void);
/* Are [pa, pa + size) in none of the VM's forwarded transactions? (The lock held.) */
bool hyp_ffa_fwd_mem_owns(struct vm *vm, uint64_t pa, uint64_t size);
void hyp_ffa_fwd_mem_init(void);
/* The VM stopped: its forwarded transactions are reclaimed for it (orphans if held). */
void hyp_ffa_fwd_mem_vm_stopped(struct vm *vm);
/* How many of the VM's forwarded transactions partitions still hold (orphans). */
unsigned int hyp_ffa_fwd_mem_held(const struct vm *vm);
/* Partitions ran: reclaim the orphans they may have relinquished (cheap if there are none). */
void hyp_ffa_fwd_mem_retry(void);

#endif
