/*
 * Notifications (FF-A v1.2 chapter 10): one receiver's bindings and pending
 * bitmaps, and the list FFA_NOTIFICATION_INFO_GET returns. Pure state: the
 * role decides who may call what, locks, and signals the schedule-receiver
 * interrupt.
 *
 * A receiver has two namespaces of 64 notifications, one for senders in the
 * secure world (partitions) and one for the normal world (VMs); each bit is
 * bound to one sender, globally or per vCPU. Framework notifications (bit 0:
 * RX buffer full) are pended by the partition manager itself.
 */
#ifndef FFA_NOTIF_H
#define FFA_NOTIF_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"

#define FFA_NOTIF_MAX_VCPUS 8U

/* FFA_NOTIFICATION_BIND/SET w2. */
#define FFA_NOTIF_FLAG_PER_VCPU (1U << 0)
#define FFA_NOTIF_FLAG_DELAY_SRI (1U << 1) /* SET only */
#define FFA_NOTIF_SET_VCPU_SHIFT 16
/* FFA_NOTIFICATION_GET w2: which bitmaps to return (and clear). */
#define FFA_NOTIF_GET_FROM_SP (1U << 0)
#define FFA_NOTIF_GET_FROM_VM (1U << 1)
#define FFA_NOTIF_GET_FROM_SPM (1U << 2)
#define FFA_NOTIF_GET_FROM_HYP (1U << 3)
#define FFA_NOTIF_GET_FLAGS_MASK 0xFU
/* Framework notifications (the SPM's and the hypervisor's bitmaps). */
#define FFA_NOTIF_FWK_RX_FULL (1U << 0)

/* FFA_NOTIFICATION_INFO_GET: at most 20 IDs in x3-x7 (SMC64), 10 in w3-w7 (SMC32). */
#define FFA_NOTIF_INFO_MAX_IDS 20U
#define FFA_NOTIF_INFO_MAX_IDS_32 10U
#define FFA_NOTIF_INFO_MORE (1U << 0)
#define FFA_NOTIF_INFO_LISTS_SHIFT 7
#define FFA_NOTIF_INFO_SIZES_SHIFT 12
#define FFA_NOTIF_INFO_MAX_VCPUS_PER_LIST 3U

/* The notifications one receiver takes from one world. */
struct ffa_notif_bank {
	uint64_t bound; /* bits bound to some sender */
	uint64_t per_vcpu; /* of those, bound as per-vCPU notifications */
	uint64_t pending; /* global notifications set and not yet retrieved */
	uint64_t vcpu_pending[FFA_NOTIF_MAX_VCPUS];
	ffa_id_t sender[64]; /* for each bound bit */
};

struct ffa_notif {
	bool enabled; /* bitmap created (VMs) / notification-support (partitions) */
	unsigned int vcpu_count;
	struct ffa_notif_bank from_sp, from_vm;
	uint32_t fwk_pending; /* framework notifications from the SPM */
	/* Listed by INFO_GET since last pended: not listed again. */
	bool reported;
	uint32_t vcpu_reported;
};

/* Enables (and empties) a receiver with vcpu_count (1..FFA_NOTIF_MAX_VCPUS) vCPUs. */
void ffa_notif_enable(struct ffa_notif *n, unsigned int vcpu_count);
void ffa_notif_disable(struct ffa_notif *n);
/* Anything pending: global, per vCPU, framework. */
bool ffa_notif_any_pending(const struct ffa_notif *n);

/*
 * BIND: every bit of `bits` to `sender`. 0 or the FF-A error, nothing changed
 * on error: INVALID_PARAMETERS (no bits; per-vCPU for a one-vCPU receiver),
 * NOT_SUPPORTED (not enabled), DENIED (a bit already bound).
 */
int ffa_notif_bind(struct ffa_notif *n, ffa_id_t sender, uint64_t bits, bool per_vcpu);
/* UNBIND: DENIED if a bit is not bound to `sender` or is pending. */
int ffa_notif_unbind(struct ffa_notif *n, ffa_id_t sender, uint64_t bits);
/*
 * SET: pends `bits` from `sender`, globally or for one vCPU.
 * INVALID_PARAMETERS (no bits; vCPU out of range, or not 0 for a global
 * set), NOT_SUPPORTED, DENIED (a bit not bound to sender in that mode).
 */
int ffa_notif_set(struct ffa_notif *n, ffa_id_t sender, uint64_t bits, bool per_vcpu,
		  unsigned int vcpu);
/* GET for vCPU `vcpu` (checked by the caller): returns and clears the bitmaps `flags` names. */
void ffa_notif_get(struct ffa_notif *n, unsigned int vcpu, uint32_t flags, uint64_t *from_sp,
		   uint64_t *from_vm, uint32_t *from_spm);
/* Framework notifications pended by the partition manager itself (no binding). */
void ffa_notif_fwk_set(struct ffa_notif *n, uint32_t bits);
void ffa_notif_fwk_clear(struct ffa_notif *n, uint32_t bits);

/* The answer of FFA_NOTIFICATION_INFO_GET, built receiver by receiver. */
struct ffa_notif_info {
	unsigned int max_ids;
	unsigned int ids_count;
	unsigned int lists;
	bool more;
	uint16_t ids[FFA_NOTIF_INFO_MAX_IDS];
	uint8_t list_size[FFA_NOTIF_INFO_MAX_IDS]; /* vCPU IDs after each list's endpoint ID */
};

void ffa_notif_info_init(struct ffa_notif_info *info, unsigned int max_ids);
/*
 * Adds receiver `id`'s unreported pending notifications: one list with no
 * vCPU for global ones, lists of up to 3 vCPU IDs for per-vCPU ones. What
 * fits is marked reported; what does not sets `more`.
 */
void ffa_notif_info_add(struct ffa_notif_info *info, struct ffa_notif *n, ffa_id_t id);
/* FFA_SUCCESS(_64) with the lists, or FFA_ERROR(NO_DATA) when empty. */
struct ffa_value ffa_notif_info_result(const struct ffa_notif_info *info, bool smc64);

#endif /* FFA_NOTIF_H */
