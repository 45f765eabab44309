/*
 * Notifications at the SPMC (FF-A v1.2 chapter 10).
 *
 * Receivers: partitions whose manifest has `notification-support`, and
 * normal-world VMs once the normal world (a hypervisor, or an OS as VM 0)
 * has created their bitmap. Who may do what:
 *   - BITMAP_CREATE/DESTROY and INFO_GET: the normal world only.
 *   - BIND/UNBIND: a partition for itself (senders: other partitions or any
 *     VM); the normal world for a VM (senders: partitions).
 *   - SET: a partition as itself (to another partition or a VM); the normal
 *     world as a VM (to a partition). VM-to-VM is a hypervisor's business.
 *   - GET: a partition for itself and its own vCPU; the normal world for a
 *     VM (only partitions' and the SPM's bitmaps).
 * Unknown partitions are INVALID_PARAMETERS; a receiver without notifications
 * is NOT_SUPPORTED; see src/ffa/notif.c for bits and bindings.
 *
 * The schedule-receiver interrupt (SRI, FFA_FEATURES feature 2) is SGI 8,
 * which TF-A's QEMU port makes secure: the SPMC makes it non-secure Group 1
 * in each CPU's redistributor and raises it (ICC_ASGI1R_EL1) on the CPU that
 * set a notification, or that delivered an indirect message to a receiver
 * with notifications (RX buffer full). A partition may ask to delay it until
 * the CPU returns to the normal world (SET w2 bit 1, MSG_SEND2 w2 bit 1);
 * otherwise a partition that has non-secure interrupts signaled is preempted
 * by it, as by any non-secure interrupt. A partition receiver with
 * notification support also gets the notification-pending interrupt (NPI,
 * virtual ID 5, spmc/irq.c): a waiting one runs at once to fetch them; it
 * may also wait to be run by the normal world (FFA_RUN after INFO_GET).
 *
 * All notification state is under one lock (notif_lock, see lock_order.h):
 * no other lock is taken while it is held.
 */
#include "spmc/notif.h"

#include "arch/aarch64/gic.h"
#include "core/console.h"
#include "core/cpu.h"
#include "ffa/notif.h"
#include "plat/plat.h"
#include "spmc/irq.h"

struct nwd_vm {
	bool used;
	ffa_id_t id;
	/*
	 * A partition's message for this VM went to its hypervisor's RX buffer
	 * and the VM has not released it yet (spmc_notif_vm_rx_claim): the
	 * VM's own RX buffer, as the SPMC sees it, is full. Per VM, so that one
	 * VM that does not read its messages blocks nobody else's.
	 */
	bool rx_full;
	struct ffa_notif notif;
};

static struct spinlock notif_lock;
static struct nwd_vm vms[SPMC_MAX_VMS];
uint32_t spmc_sri_delayed;

#define NOTIF_SET_FLAGS_MBZ 0xFFFCU /* w2 [15:2] */

_Static_assert(SP_MAX_EXEC_CTX <= FFA_NOTIF_MAX_VCPUS, "a partition's vCPUs fit the bitmaps");

void spmc_notif_cpu_init(unsigned int cpu_index)
{
	gic_cpu_init();
	gic_sgi_to_nonsecure(plat.gicr_base + (uint64_t)cpu_index * GICR_FRAME_STRIDE,
			     SPMC_SRI_INTID);
	__atomic_and_fetch(&spmc_sri_delayed, ~(1U << cpu_index), __ATOMIC_RELAXED);
}

static void sri_raise(bool delay)
{
	uint32_t bit = 1U << cpu_this()->index;

	if (delay) {
		__atomic_or_fetch(&spmc_sri_delayed, bit, __ATOMIC_RELAXED);
	} else {
		__atomic_and_fetch(&spmc_sri_delayed, ~bit, __ATOMIC_RELAXED);
		gic_raise_other_world_sgi(SPMC_SRI_INTID);
	}
}

void spmc_sri_flush_slow(void)
{
	uint32_t bit = 1U << cpu_this()->index;

	if ((__atomic_fetch_and(&spmc_sri_delayed, ~bit, __ATOMIC_RELAXED) & bit) != 0) {
		gic_raise_other_world_sgi(SPMC_SRI_INTID);
	}
}

static struct nwd_vm *vm_find(ffa_id_t id)
{
	for (unsigned int i = 0; i < SPMC_MAX_VMS; i++) {
		if (vms[i].used && vms[i].id == id) {
			return &vms[i];
		}
	}
	return NULL;
}

/* A receiver's state, or NULL with the error (nothing there / no notifications). */
static struct ffa_notif *receiver(ffa_id_t id, enum ffa_error *err)
{
	struct ffa_notif *n;

	if (ffa_id_is_secure(id)) {
		struct partition *sp = partition_find(id);
		if (sp == NULL) {
			*err = FFA_INVALID_PARAMETERS;
			return NULL;
		}
		n = &sp->notif;
	} else {
		struct nwd_vm *vm = vm_find(id);
		n = vm != NULL ? &vm->notif : NULL;
	}
	if (n == NULL || !n->enabled) {
		*err = FFA_NOT_SUPPORTED;
		return NULL;
	}
	return n;
}

static struct ffa_value result(int err)
{
	return err == 0 ? ffa_success_value(0) : ffa_error_value((enum ffa_error)err);
}

static struct ffa_value bitmap_create(const struct ffa_value *args)
{
	uint32_t w1 = ffa_w(args, 1), vcpus = ffa_w(args, 2);
	ffa_id_t id = (ffa_id_t)w1;
	int err = 0;

	if ((w1 >> 16) != 0 || ffa_id_is_secure(id) || vcpus == 0 || vcpus > FFA_NOTIF_MAX_VCPUS) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&notif_lock);
	struct nwd_vm *slot = NULL;
	for (unsigned int i = 0; i < SPMC_MAX_VMS && slot == NULL; i++) {
		slot = vms[i].used ? NULL : &vms[i];
	}
	if (vm_find(id) != NULL) {
		err = FFA_DENIED; /* created before */
	} else if (slot == NULL) {
		err = FFA_NO_MEMORY;
	} else {
		slot->used = true;
		slot->id = id;
		slot->rx_full = false;
		ffa_notif_enable(&slot->notif, vcpus);
	}
	sl_unlock(&notif_lock);
	if (err == 0) {
		LOG_VERBOSE("notification bitmap created for VM 0x%x (%u vCPU%s)\n", id, vcpus,
			    vcpus == 1 ? "" : "s");
	}
	return result(err);
}

static struct ffa_value bitmap_destroy(const struct ffa_value *args)
{
	uint32_t w1 = ffa_w(args, 1);
	int err = 0;

	if ((w1 >> 16) != 0 || ffa_id_is_secure((ffa_id_t)w1)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&notif_lock);
	struct nwd_vm *vm = vm_find((ffa_id_t)w1);
	if (vm == NULL || ffa_notif_any_pending(&vm->notif)) {
		err = FFA_DENIED;
	} else {
		ffa_notif_disable(&vm->notif);
		vm->used = false;
	}
	sl_unlock(&notif_lock);
	if (err == 0) {
		LOG_VERBOSE("notification bitmap destroyed for VM 0x%x\n", w1);
	}
	return result(err);
}

/* The 64-bit notification bitmap of BIND, UNBIND and SET: w3 low, w4 high. */
static uint64_t notif_bits(const struct ffa_value *args)
{
	return (uint64_t)ffa_w(args, 4) << 32 | ffa_w(args, 3);
}

/* FFA_NOTIFICATION_BIND and UNBIND: w1 = sender << 16 | receiver, w2 = flags, w3/w4 = bitmap. */
static struct ffa_value update_bindings(struct vcpu *v, const struct ffa_value *args, bool bind)
{
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	ffa_id_t sender = FFA_MSG_SENDER(w1), recv = FFA_MSG_RECEIVER(w1);
	uint64_t bits = notif_bits(args);
	enum ffa_error err = FFA_INVALID_PARAMETERS;
	int rc;

	if ((flags & ~(bind ? FFA_NOTIF_FLAG_PER_VCPU : 0U)) != 0 || sender == recv) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (v != NULL ? recv != v->sp->id : ffa_id_is_secure(recv) || !ffa_id_is_secure(sender)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (ffa_id_is_secure(sender) && partition_find(sender) == NULL) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&notif_lock);
	struct ffa_notif *n = receiver(recv, &err);
	if (n == NULL) {
		rc = err;
	} else if (bind) {
		rc = ffa_notif_bind(n, sender, bits, (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0);
	} else {
		rc = ffa_notif_unbind(n, sender, bits);
	}
	sl_unlock(&notif_lock);
	return result(rc);
}

/* FFA_NOTIFICATION_SET: w1 = sender << 16 | receiver, w2 = vCPU << 16 | flags, w3/w4 = bitmap. */
static struct ffa_value notification_set(struct vcpu *v, const struct ffa_value *args)
{
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	ffa_id_t sender = FFA_MSG_SENDER(w1), recv = FFA_MSG_RECEIVER(w1);
	uint64_t bits = notif_bits(args);
	enum ffa_error err = FFA_INVALID_PARAMETERS;
	int rc;

	if ((flags & NOTIF_SET_FLAGS_MBZ) != 0 || sender == recv) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	/* A partition sends as itself; the normal world as a VM, to a partition. */
	if (v != NULL ? sender != v->sp->id : ffa_id_is_secure(sender) || !ffa_id_is_secure(recv)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&notif_lock);
	struct ffa_notif *n = receiver(recv, &err);
	rc = n == NULL ? (int)err
		       : ffa_notif_set(n, sender, bits, (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0,
				       flags >> FFA_NOTIF_SET_VCPU_SHIFT);
	sl_unlock(&notif_lock);
	if (rc == 0) {
		LOG_VERBOSE("notification 0x%llx: %04x -> %04x\n", (unsigned long long)bits, sender,
			    recv);
		sri_raise(v != NULL && (flags & FFA_NOTIF_FLAG_DELAY_SRI) != 0);
		if (ffa_id_is_secure(recv)) {
			/* The receiver learns of it now: the notification-pending interrupt. */
			irq_notify(partition_find(recv), (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0,
				   flags >> FFA_NOTIF_SET_VCPU_SHIFT);
		}
	}
	return result(rc);
}

/* FFA_NOTIFICATION_GET: w1 = vCPU << 16 | receiver, w2 = which bitmaps. */
static struct ffa_value notification_get(struct vcpu *v, const struct ffa_value *args)
{
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	ffa_id_t recv = (ffa_id_t)w1;
	unsigned int vcpu = w1 >> 16;
	enum ffa_error err = FFA_INVALID_PARAMETERS;
	uint64_t from_sp, from_vm;
	uint32_t from_spm;

	if ((flags & ~FFA_NOTIF_GET_FLAGS_MASK) != 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (v != NULL ? recv != v->sp->id || vcpu != v->index
		      : ffa_id_is_secure(recv) ||
				(flags & (FFA_NOTIF_GET_FROM_VM | FFA_NOTIF_GET_FROM_HYP)) != 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&notif_lock);
	struct ffa_notif *n = receiver(recv, &err);
	if (n != NULL && vcpu >= n->vcpu_count) {
		n = NULL;
		err = FFA_INVALID_PARAMETERS;
	}
	if (n != NULL) {
		ffa_notif_get(n, vcpu, flags, &from_sp, &from_vm, &from_spm);
	}
	sl_unlock(&notif_lock);
	if (n == NULL) {
		return ffa_error_value(err);
	}
	/* w2/w3: from partitions, w4/w5: from VMs, w6: SPM framework, w7: hypervisor (none). */
	struct ffa_value r = {.x = {FFA_SUCCESS_32, 0, (uint32_t)from_sp, from_sp >> 32,
				    (uint32_t)from_vm, from_vm >> 32, from_spm, 0}};
	return r;
}

static struct ffa_value info_get(bool smc64)
{
	struct ffa_notif_info info;

	ffa_notif_info_init(&info, smc64 ? FFA_NOTIF_INFO_MAX_IDS : FFA_NOTIF_INFO_MAX_IDS_32);
	sl_lock(&notif_lock);
	for (unsigned int i = 0; i < SPMC_MAX_VMS; i++) {
		if (vms[i].used) {
			ffa_notif_info_add(&info, &vms[i].notif, vms[i].id);
		}
	}
	for (unsigned int i = 0; i < partition_count; i++) {
		ffa_notif_info_add(&info, &partitions[i].notif, partitions[i].id);
	}
	sl_unlock(&notif_lock);
	return ffa_notif_info_result(&info, smc64);
}

struct ffa_value spmc_notif_call(struct vcpu *v, const struct ffa_value *args)
{
	switch (ffa_fid(args)) {
	case FFA_NOTIFICATION_BIND_32:
		return update_bindings(v, args, true);
	case FFA_NOTIFICATION_UNBIND_32:
		return update_bindings(v, args, false);
	case FFA_NOTIFICATION_SET_32:
		return notification_set(v, args);
	case FFA_NOTIFICATION_GET_32:
		return notification_get(v, args);
	default:
		break;
	}
	if (v != NULL) {
		return ffa_error_value(FFA_NOT_SUPPORTED); /* the normal world's ABIs */
	}
	switch (ffa_fid(args)) {
	case FFA_NOTIFICATION_BITMAP_CREATE_32:
		return bitmap_create(args);
	case FFA_NOTIFICATION_BITMAP_DESTROY_32:
		return bitmap_destroy(args);
	case FFA_NOTIFICATION_INFO_GET_32:
		return info_get(false);
	case FFA_NOTIFICATION_INFO_GET_64:
		return info_get(true);
	default:
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
}

void spmc_notif_rx_full(ffa_id_t sender, ffa_id_t recv, bool delay_sri)
{
	enum ffa_error err;

	sl_lock(&notif_lock);
	struct ffa_notif *n = receiver(recv, &err);
	if (n != NULL) {
		ffa_notif_fwk_set(n, FFA_NOTIF_FWK_RX_FULL);
	}
	sl_unlock(&notif_lock);
	if (n != NULL) {
		sri_raise(ffa_id_is_secure(sender) && delay_sri);
		if (ffa_id_is_secure(recv)) {
			irq_notify(partition_find(recv), false, 0);
		}
	}
}

bool spmc_notif_vm_known(ffa_id_t id)
{
	sl_lock(&notif_lock);
	bool known = vm_find(id) != NULL;
	sl_unlock(&notif_lock);
	return known;
}

int spmc_notif_vm_rx_claim(ffa_id_t id)
{
	sl_lock(&notif_lock);
	struct nwd_vm *vm = vm_find(id);
	int err = vm == NULL ? FFA_INVALID_PARAMETERS : vm->rx_full ? FFA_BUSY : 0;
	if (err == 0) {
		vm->rx_full = true;
	}
	sl_unlock(&notif_lock);
	return err;
}

void spmc_notif_vm_rx_unclaim(ffa_id_t id)
{
	sl_lock(&notif_lock);
	struct nwd_vm *vm = vm_find(id);
	if (vm != NULL) {
		vm->rx_full = false;
	}
	sl_unlock(&notif_lock);
}

int spmc_notif_vm_rx_release(ffa_id_t id)
{
	sl_lock(&notif_lock);
	struct nwd_vm *vm = vm_find(id);
	int err = vm == NULL ? FFA_INVALID_PARAMETERS : !vm->rx_full ? FFA_DENIED : 0;
	if (err == 0) {
		vm->rx_full = false;
		ffa_notif_fwk_clear(&vm->notif, FFA_NOTIF_FWK_RX_FULL);
	}
	sl_unlock(&notif_lock);
	return err;
}

void spmc_notif_rx_released(ffa_id_t id)
{
	enum ffa_error err;

	sl_lock(&notif_lock);
	struct ffa_notif *n = receiver(id, &err);
	if (n != NULL) {
		ffa_notif_fwk_clear(n, FFA_NOTIF_FWK_RX_FULL);
	}
	sl_unlock(&notif_lock);
}
