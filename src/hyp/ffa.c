/*
 * FF-A for guests: the calls both configurations answer alike (see
 * hyp/ffa.h), and the routing of the rest.
 *
 * Supported here: FFA_VERSION, FFA_FEATURES, FFA_ID_GET, FFA_SPM_ID_GET
 * (the FF-A core's, per VM endpoint); FFA_RXTX_MAP (32, 64), FFA_RXTX_UNMAP,
 * FFA_RX_RELEASE: buffers are IPAs of the VM's own RAM, 1-16 pages, pages it
 * holds in no memory transaction, translated to physical addresses, which
 * tzvisor reads and writes through its identity map; FFA_PARTITION_INFO_GET
 * and _REGS over the partitions guests see; FFA_MSG_SEND2 between VMs (the
 * message copied out of the sender's TX buffer and checked there, then into
 * the receiver's RX buffer); notifications between VMs (BIND, UNBIND, SET,
 * GET, INFO_GET for a normal VM's own ID) with the RX-buffer-full framework
 * notification; the schedule-receiver interrupt (SGI 8) injected into a
 * normal VM through its virtual GIC, a partition VM run instead (FFA_RUN out
 * of its FFA_MSG_WAIT, as the SPMC does for its partitions).
 * Not for guests (NOT_SUPPORTED): FFA_NOTIFICATION_BITMAP_CREATE/DESTROY
 * (tzvisor creates every VM's bitmap itself), FFA_RX_ACQUIRE, FFA_MSG_POLL,
 * FFA_MSG_SEND, FFA_SECONDARY_EP_REGISTER (VMs start vCPUs with PSCI),
 * FFA_MEM_PERM_GET/SET, FFA_NORMAL_WORLD_RESUME, FFA_EL3_INTR_HANDLE.
 *
 * Locks: the VM's (vCPU FF-A states) -> hyp_ffa.notif_lock -> RX/TX pair.
 * A CPU holds one VM's lock at a time.
 */
#include "hyp/ffa.h"

#include <string.h>

#include "arch/aarch64/vcpu.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/types.h"
#include "ffa/indirect.h"
#include "ffa/mem_share.h"
#include "hyp/ffa_internal.h"
#include "hyp/hyp.h"
#include "hyp/vm.h"

struct hyp_ffa hyp_ffa;

/* Indirect messages pass through here (one per CPU: the sender's copy, checked). */
static uint8_t bounce[MAX_CPUS][FFA_MSG_MAX_TOTAL] __attribute__((aligned(16)));

/* --- who is who ---------------------------------------------------------------------- */

struct vm *hyp_ffa_vm(ffa_id_t id)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		if (vms[i].ffa.ep.id == id) {
			return &vms[i];
		}
	}
	return NULL;
}

struct ffa_xlate hyp_ffa_xlate(const struct vm *vm)
{
	return (struct ffa_xlate){vm->mem_ipa, vm->mem_pa, vm->mem_size,
				  hyp_ffa.mode == HYP_FFA_EMULATED};
}

void hyp_ffa_answer(struct vcpu *v, const struct ffa_value *r)
{
	ffa_answer(v->arch.regs.x, r);
}

enum hyp_ffa_mode hyp_ffa_mode(void)
{
	return hyp_ffa.mode;
}

bool hyp_ffa_owns(uint32_t fid)
{
	uint32_t f = fid & ~SMCCC_SVE_HINT, n = f & 0xFFFFU;

	return ((f & 0xFFFF0000U) == 0x84000000U || (f & 0xFFFF0000U) == 0xC4000000U) &&
	       n >= FFA_FUNC_NUM_MIN && n <= FFA_FUNC_NUM_MAX;
}

/* --- what guests are offered (FFA_FEATURES; ffa/ffa_core.h) ---------------------------- */

bool ffa_role_abi(uint32_t fid, const struct ffa_endpoint *ep)
{
	bool partition = ffa_id_is_secure(ep->id);
	bool emulated = hyp_ffa.mode == HYP_FFA_EMULATED;

	switch (fid) {
	/* A normal VM asks what is pending for itself; when forwarding, it resumes partitions. */
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		return !partition;
	case FFA_RUN_32:
		return !partition && !emulated;
	/* The emulated SPMC's partitions wait, answer, yield, log and borrow. */
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
	case FFA_MSG_SEND_DIRECT_RESP2_64:
	case FFA_MSG_WAIT_32:
	case FFA_YIELD_32:
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_FRAG_RX_32:
	case FFA_MEM_RELINQUISH_32:
		return partition && emulated;
	default:
		return false;
	}
}

/* --- boot and VM life -------------------------------------------------------------------- */

void hyp_ffa_boot(void)
{
	hyp_ffa.notif_lock = (struct spinlock)SPINLOCK_INIT;
	hyp_ffa.inst.sri_intid = HYP_FFA_VSRI;
	if (hyp_ffa_fwd_probe()) {
		hyp_ffa.mode = HYP_FFA_FORWARD;
		hyp_ffa_fwd_mem_init();
	} else {
		hyp_ffa.mode = HYP_FFA_EMULATED;
		hyp_ffa.inst.spmc_id = HYP_FFA_EMUL_SPMC_ID;
		hyp_ffa_mem_init();
	}
}

/* One descriptor per UUID of a partition VM (the emulated SPMC's discovery). */
static bool add_descs(const struct vm *vm)
{
	const struct vm_ffa_config *c = &vm->cfg.ffa;

	if (c->uuid_count > FFA_PARTITION_INFO_MAX - hyp_ffa.ndescs) {
		return false;
	}
	for (unsigned int u = 0; u < c->uuid_count; u++) {
		struct ffa_partition_desc *d = &hyp_ffa.descs[hyp_ffa.ndescs++];
		d->id = c->id;
		d->exec_ctx_count = (uint16_t)vm->vcpu_count;
		d->props = ffa_partition_props(c->messaging, c->notifications);
		d->props |= (c->vm_availability & 1U) != 0 ? FFA_PROP_VM_CREATED : 0U;
		d->props |= (c->vm_availability & 2U) != 0 ? FFA_PROP_VM_DESTROYED : 0U;
		memcpy(d->uuid, c->uuid[u], sizeof(d->uuid));
	}
	return true;
}

static void endpoint_reset(struct vm *vm)
{
	struct vm_ffa *f = &vm->ffa;
	bool partition = vm->cfg.ffa.partition;

	ffa_endpoint_init(&f->ep, partition ? vm->cfg.ffa.id : (ffa_id_t)vm->id);
	f->rxtx.lock = (struct spinlock)SPINLOCK_INIT;
	ffa_rxtx_clear(&f->rxtx);
	f->tx_ipa = f->rx_ipa = 0;
	sl_lock(&hyp_ffa.notif_lock);
	/* Every normal VM takes notifications; a partition if its manifest says so. */
	if (!partition || vm->cfg.ffa.notifications) {
		ffa_notif_enable(&f->notif, vm->vcpu_count);
	} else {
		ffa_notif_disable(&f->notif);
	}
	f->fwd_pending_global = false;
	f->fwd_pending_vcpus = 0;
	sl_unlock(&hyp_ffa.notif_lock);
	__atomic_store_n(&f->torn_down, false, __ATOMIC_RELEASE);
	f->avail_first = f->avail_count = 0;
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].ffa.wait == VCPU_FFA_YIELDED) {
			__atomic_sub_fetch(&hyp_ffa_yielded, 1, __ATOMIC_RELAXED);
		}
		vm->vcpus[i].ffa = (struct vcpu_ffa){0};
	}
}

bool hyp_ffa_vm_init(struct vm *vm, const char **why)
{
	if (vm->cfg.ffa.partition && hyp_ffa.mode != HYP_FFA_EMULATED) {
		*why = "an FF-A partition VM needs the emulated SPMC (a real SPMC is present)";
		return false;
	}
	if (vm->cfg.ffa.partition && hyp_ffa_vm(vm->cfg.ffa.id) != NULL) {
		*why = "its FF-A partition ID is another VM's";
		return false;
	}
	endpoint_reset(vm);
	if (vm->cfg.ffa.partition && !add_descs(vm)) {
		*why = "more FF-A partition UUIDs than tzvisor's discovery holds";
		return false;
	}
	return true;
}

void hyp_ffa_vms_ready(void)
{
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		hyp_ffa_fwd_vms_ready();
		return;
	}
	for (unsigned int i = 0; i < vm_count; i++) {
		if (!vms[i].cfg.ffa.partition) {
			hyp_ffa_msg_vm_availability(&vms[i], FFA_FWK_MSG_VM_CREATED_REQ);
		}
	}
}

void hyp_ffa_cpu_init(uint64_t redist)
{
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		hyp_ffa_fwd_cpu_init(redist);
	}
}

bool hyp_ffa_irq(unsigned int intid)
{
	return hyp_ffa.mode == HYP_FFA_FORWARD && hyp_ffa_fwd_irq(intid);
}

void hyp_ffa_poll(void)
{
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		hyp_ffa_fwd_poll();
	}
}

/* The VM's FF-A state torn down: how many of its memory transactions others still hold. */
static unsigned int vm_stopped(struct vm *vm)
{
	unsigned int held;

	if (hyp_ffa.mode == HYP_FFA_EMULATED) {
		hyp_ffa_msg_vm_stopped(vm);
		held = hyp_ffa_mem_vm_stopped(vm);
		if (!vm->cfg.ffa.partition) {
			hyp_ffa_msg_vm_availability(vm, FFA_FWK_MSG_VM_DESTROYED_REQ);
		}
	} else {
		held = hyp_ffa_fwd_vm_stopped(vm);
	}
	/* Senders now get ABORTED (until then BUSY): everything above is done. */
	__atomic_store_n(&vm->ffa.torn_down, true, __ATOMIC_RELEASE);
	return held;
}

void hyp_ffa_vm_stopped(struct vm *vm)
{
	(void)vm_stopped(vm);
}

bool hyp_ffa_vm_reset(struct vm *vm)
{
	/*
	 * Reloading its images writes its RAM by physical address: not while
	 * others still hold pages of it (the caller stops it instead).
	 */
	if (vm_stopped(vm) != 0) {
		return false;
	}
	vm->ffa.life++;
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		hyp_ffa_fwd_vm_reset(vm);
	} else if (!vm->cfg.ffa.partition) {
		hyp_ffa_msg_vm_availability(vm, FFA_FWK_MSG_VM_CREATED_REQ);
	}
	endpoint_reset(vm);
	return true;
}

/* --- signalling a receiver ------------------------------------------------------------- */

void hyp_ffa_signal(struct vm *vm, int vcpu)
{
	unsigned int target = vcpu >= 0 ? (unsigned int)vcpu : 0U;

	if (target >= vm->vcpu_count) {
		return;
	}
	if (vm->cfg.ffa.partition) {
		hyp_ffa_msg_run(vm, target);
		return;
	}
	/* The first vCPU that is on, unless a per-vCPU notification names one. */
	sl_lock(&vm->lock);
	for (unsigned int i = 0; vcpu < 0 && i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].power == VCPU_ON) {
			target = i;
			break;
		}
	}
	uint32_t wake = vgic_inject(&vm->vgic, target, HYP_FFA_VSRI);
	sl_unlock(&vm->lock);
	vm_wake(vm, wake);
}

/* --- RX/TX buffers ----------------------------------------------------------------------- */

static struct ffa_value rxtx_map(struct vm *vm, const struct ffa_value *args)
{
	struct vm_ffa *f = &vm->ffa;
	bool wide = ffa_fid(args) == FFA_RXTX_MAP_64;
	uint64_t tx = wide ? args->x[1] : ffa_w(args, 1);
	uint64_t rx = wide ? args->x[2] : ffa_w(args, 2);
	uint32_t pages = 0;
	bool emulated = hyp_ffa.mode == HYP_FFA_EMULATED;

	/* The ledger's lock first: the pages must stay the VM's while they are its buffers. */
	if (emulated) {
		mem_share_lock();
	} else {
		hyp_ffa_fwd_mem_lock();
	}
	sl_lock(&f->rxtx.lock);
	/* IPAs of its RAM (the core checks alignment, sizes, overlap), then pages it holds. */
	int err = ffa_rxtx_map_check(&f->rxtx, tx, rx, ffa_w(args, 3), vm->mem_ipa, vm->mem_size,
				     &pages);
	uint64_t len = (uint64_t)pages * PAGE_SIZE;
	uint64_t tx_pa = tx - vm->mem_ipa + vm->mem_pa, rx_pa = rx - vm->mem_ipa + vm->mem_pa;
	if (err == 0) {
		bool owns = emulated ? hyp_ffa_mem_owns(vm, tx_pa, len) &&
					       hyp_ffa_mem_owns(vm, rx_pa, len)
				     : hyp_ffa_fwd_mem_owns(vm, tx_pa, len) &&
					       hyp_ffa_fwd_mem_owns(vm, rx_pa, len);
		err = owns ? 0 : FFA_INVALID_PARAMETERS; /* lent or shared away */
	}
	if (err == 0) {
		ffa_rxtx_set(&f->rxtx, tx_pa, rx_pa, pages);
		f->tx_ipa = tx;
		f->rx_ipa = rx;
	}
	sl_unlock(&f->rxtx.lock);
	if (emulated) {
		mem_share_unlock();
	} else {
		hyp_ffa_fwd_mem_unlock();
	}
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	LOG_VERBOSE("VM %u (%s): FF-A RX/TX buffers at IPA 0x%llx/0x%llx, %u page%s\n", vm->id,
		    vm->cfg.name, (unsigned long long)tx, (unsigned long long)rx, pages,
		    pages == 1 ? "" : "s");
	return ffa_success_value(0);
}

static struct ffa_value rxtx_unmap(struct vm *vm, const struct ffa_value *args)
{
	struct vm_ffa *f = &vm->ffa;
	ffa_id_t id = (ffa_id_t)(ffa_w(args, 1) >> 16);

	/* w1 [31:16]: its own ID or 0 (it speaks for no other endpoint); [15:0] MBZ. */
	if ((ffa_w(args, 1) & 0xFFFFU) != 0 || (id != 0 && id != f->ep.id)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&f->rxtx.lock);
	int err = ffa_rxtx_unmap_check(&f->rxtx);
	if (err == 0) {
		ffa_rxtx_clear(&f->rxtx);
		f->tx_ipa = f->rx_ipa = 0;
	}
	sl_unlock(&f->rxtx.lock);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	/* As at the SPMC: a boot loader hands over to an OS, which negotiates again. */
	sl_lock(&f->ep.lock);
	__atomic_store_n(&f->ep.version_locked, false, __ATOMIC_RELEASE);
	sl_unlock(&f->ep.lock);
	return ffa_success_value(0);
}

static struct ffa_value rx_release(struct vm *vm, const struct ffa_value *args)
{
	struct vm_ffa *f = &vm->ffa;
	ffa_id_t id = (ffa_id_t)(ffa_w(args, 1) & 0xFFFFU);

	if (id != 0 && id != f->ep.id) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&f->rxtx.lock);
	int err = ffa_rx_release(&f->rxtx);
	sl_unlock(&f->rxtx.lock);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	sl_lock(&hyp_ffa.notif_lock);
	ffa_notif_fwk_clear(&f->notif, FFA_NOTIF_FWK_RX_FULL);
	sl_unlock(&hyp_ffa.notif_lock);
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		hyp_ffa_fwd_rx_released(vm);
	}
	return ffa_success_value(0);
}

/* --- indirect messages ------------------------------------------------------------------- */

static struct ffa_value msg_send2(struct vm *vm, const struct ffa_value *args)
{
	struct vm_ffa *f = &vm->ffa;
	uint8_t *buf = bounce[cpu_this()->index];
	struct ffa_msg_header h;
	uint32_t flags = ffa_w(args, 2);

	/* w1 MBZ (a VM sends for nobody else); w2: only bit 1 (delay the SRI). */
	if (ffa_w(args, 1) != 0 || (flags & ~FFA_NOTIF_FLAG_DELAY_SRI) != 0) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (vm->cfg.ffa.partition && (vm->cfg.ffa.messaging & FFA_MANIFEST_MSG_INDIRECT) == 0) {
		return ffa_error_value(FFA_DENIED);
	}
	int err = ffa_msg_take(&f->rxtx, f->ep.id, ffa_endpoint_version(&f->ep), buf, &h);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	if (h.receiver == f->ep.id) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (hyp_ffa.mode == HYP_FFA_FORWARD && ffa_id_is_secure(h.receiver)) {
		return hyp_ffa_fwd_send2(vm, buf, flags);
	}
	struct vm *to = hyp_ffa_vm(h.receiver);
	if (to == NULL) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (to->cfg.ffa.partition && (to->cfg.ffa.messaging & FFA_MANIFEST_MSG_INDIRECT) == 0) {
		return ffa_error_value(FFA_DENIED);
	}
	if (__atomic_load_n(&to->state, __ATOMIC_ACQUIRE) != VM_RUNNING) {
		/* Stopping: BUSY until its FF-A state is torn down, then ABORTED. */
		bool gone = __atomic_load_n(&to->ffa.torn_down, __ATOMIC_ACQUIRE);
		return ffa_error_value(gone ? FFA_ABORTED : FFA_BUSY);
	}
	err = ffa_msg_put(&to->ffa.rxtx, buf, &h);
	if (err != 0) {
		return ffa_error_value((enum ffa_error)err);
	}
	sl_lock(&hyp_ffa.notif_lock);
	bool takes = to->ffa.notif.enabled;
	if (takes) {
		ffa_notif_fwk_set(&to->ffa.notif, FFA_NOTIF_FWK_RX_FULL);
	}
	sl_unlock(&hyp_ffa.notif_lock);
	/* A partition without notifications reads messages when it is run anyway. */
	if (takes || to->cfg.ffa.partition) {
		hyp_ffa_signal(to, -1);
	}
	return ffa_success_value(0);
}

/* --- notifications ----------------------------------------------------------------------- */

/* The 64-bit bitmap of BIND, UNBIND and SET: w3 low, w4 high. */
static uint64_t notif_bits(const struct ffa_value *args)
{
	return (uint64_t)ffa_w(args, 4) << 32 | ffa_w(args, 3);
}

static struct ffa_value result(int err)
{
	return err == 0 ? ffa_success_value(0) : ffa_error_value((enum ffa_error)err);
}

/* BIND and UNBIND: w1 = sender << 16 | receiver (the caller), w2 = flags. */
static struct ffa_value update_bindings(struct vm *vm, const struct ffa_value *args, bool bind)
{
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	ffa_id_t sender = FFA_MSG_SENDER(w1), recv = FFA_MSG_RECEIVER(w1);
	int err;

	if ((flags & ~(bind ? FFA_NOTIF_FLAG_PER_VCPU : 0U)) != 0 || sender == recv ||
	    recv != vm->ffa.ep.id) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (hyp_ffa.mode == HYP_FFA_FORWARD && ffa_id_is_secure(sender)) {
		return hyp_ffa_fwd_notif(vm, args); /* a partition's: the SPMC holds them */
	}
	if (hyp_ffa_vm(sender) == NULL) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&hyp_ffa.notif_lock);
	if (!vm->ffa.notif.enabled) {
		err = FFA_NOT_SUPPORTED;
	} else if (bind) {
		err = ffa_notif_bind(&vm->ffa.notif, sender, notif_bits(args),
				     (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0);
	} else {
		err = ffa_notif_unbind(&vm->ffa.notif, sender, notif_bits(args));
	}
	sl_unlock(&hyp_ffa.notif_lock);
	return result(err);
}

/* SET: w1 = sender (the caller) << 16 | receiver, w2 = vCPU << 16 | flags. */
static struct ffa_value notification_set(struct vm *vm, const struct ffa_value *args)
{
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	ffa_id_t sender = FFA_MSG_SENDER(w1), recv = FFA_MSG_RECEIVER(w1);
	bool per_vcpu = (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0;
	unsigned int vcpu = flags >> FFA_NOTIF_SET_VCPU_SHIFT;
	int err;

	/* w2 [15:2] MBZ. */
	if ((flags & 0xFFFCU) != 0 || sender != vm->ffa.ep.id || recv == sender) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (hyp_ffa.mode == HYP_FFA_FORWARD && ffa_id_is_secure(recv)) {
		return hyp_ffa_fwd_notif(vm, args);
	}
	struct vm *to = hyp_ffa_vm(recv);
	if (to == NULL) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&hyp_ffa.notif_lock);
	err = to->ffa.notif.enabled
		      ? ffa_notif_set(&to->ffa.notif, sender, notif_bits(args), per_vcpu, vcpu)
		      : FFA_NOT_SUPPORTED;
	sl_unlock(&hyp_ffa.notif_lock);
	if (err == 0) {
		LOG_VERBOSE("notification 0x%llx: %04x -> %04x\n",
			    (unsigned long long)notif_bits(args), sender, recv);
		hyp_ffa_signal(to, per_vcpu ? (int)vcpu : -1);
	}
	return result(err);
}

/* GET: w1 = vCPU << 16 | receiver (the caller), w2 = which bitmaps. */
static struct ffa_value notification_get(struct vcpu *v, const struct ffa_value *args)
{
	struct vm *vm = v->vm;
	uint32_t w1 = ffa_w(args, 1), flags = ffa_w(args, 2);
	unsigned int vcpu = w1 >> 16;
	uint64_t from_sp = 0, from_vm = 0;
	uint32_t from_spm = 0, from_hyp = 0;

	if ((flags & ~FFA_NOTIF_GET_FLAGS_MASK) != 0 || (ffa_id_t)w1 != vm->ffa.ep.id ||
	    vcpu >= vm->vcpu_count || (vm->cfg.ffa.partition && vcpu != v->index)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (hyp_ffa.mode == HYP_FFA_FORWARD &&
	    (flags & (FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_SPM)) != 0) {
		/* Partitions' and the SPM's bitmaps are the SPMC's. */
		struct ffa_value fwd = *args;
		fwd.x[2] = flags & (FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_SPM);
		struct ffa_value r = hyp_ffa_fwd_notif(vm, &fwd);
		if ((uint32_t)r.x[0] != FFA_SUCCESS_32) {
			return r;
		}
		from_sp = (uint64_t)(uint32_t)r.x[3] << 32 | (uint32_t)r.x[2];
		from_spm = (uint32_t)r.x[6];
		flags &= ~FFA_NOTIF_GET_FROM_SP;
	}
	sl_lock(&hyp_ffa.notif_lock);
	struct ffa_notif *n = &vm->ffa.notif;
	bool ok = n->enabled;
	if (ok) {
		uint64_t sp;
		uint32_t fwk;
		/* What tzvisor pended itself (RX full) is the framework's: the SPM's bitmap. */
		ffa_notif_get(n, vcpu, flags & ~FFA_NOTIF_GET_FROM_HYP, &sp, &from_vm, &fwk);
		from_sp |= sp;
		from_spm |= fwk;
		if (hyp_ffa.mode == HYP_FFA_FORWARD) {
			vm->ffa.fwd_pending_global = false;
			vm->ffa.fwd_pending_vcpus &= ~(1U << vcpu);
		}
	}
	sl_unlock(&hyp_ffa.notif_lock);
	if (!ok) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	/* w2/w3: from partitions, w4/w5: from VMs, w6: SPM framework, w7: hypervisor framework. */
	struct ffa_value r = {.x = {FFA_SUCCESS_32, 0, (uint32_t)from_sp, from_sp >> 32,
				    (uint32_t)from_vm, from_vm >> 32, from_spm, from_hyp}};
	return r;
}

/* INFO_GET from a normal VM: its own pending notifications, as lists of its ID and vCPUs. */
static struct ffa_value info_get(struct vm *vm, bool smc64)
{
	struct ffa_notif_info info;

	ffa_notif_info_init(&info, smc64 ? FFA_NOTIF_INFO_MAX_IDS : FFA_NOTIF_INFO_MAX_IDS_32);
	sl_lock(&hyp_ffa.notif_lock);
	ffa_notif_info_add(&info, &vm->ffa.notif, vm->ffa.ep.id);
	if (hyp_ffa.mode == HYP_FFA_FORWARD) {
		/* What the SPMC's schedule-receiver interrupt said, until the VM gets it. */
		struct ffa_notif shadow = {.enabled = true, .vcpu_count = vm->vcpu_count};
		shadow.from_sp.pending = vm->ffa.fwd_pending_global ? 1U : 0U;
		for (unsigned int i = 0; i < vm->vcpu_count && i < FFA_NOTIF_MAX_VCPUS; i++) {
			shadow.from_sp.vcpu_pending[i] = (vm->ffa.fwd_pending_vcpus >> i) & 1U;
		}
		ffa_notif_info_add(&info, &shadow, vm->ffa.ep.id);
		hyp_ffa_fwd_sched_info(vm, &info);
	}
	sl_unlock(&hyp_ffa.notif_lock);
	return ffa_notif_info_result(&info, smc64);
}

static struct ffa_value notif_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct vm *vm = v->vm;

	switch (fid) {
	case FFA_NOTIFICATION_BIND_32:
		return update_bindings(vm, args, true);
	case FFA_NOTIFICATION_UNBIND_32:
		return update_bindings(vm, args, false);
	case FFA_NOTIFICATION_SET_32:
		return notification_set(vm, args);
	case FFA_NOTIFICATION_GET_32:
		return notification_get(v, args);
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		if (!vm->cfg.ffa.partition) {
			return info_get(vm, fid == FFA_NOTIFICATION_INFO_GET_64);
		}
		return ffa_error_value(FFA_NOT_SUPPORTED);
	default:
		/* BITMAP_CREATE/DESTROY: tzvisor made every VM's bitmap; not the guests' to do. */
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
}

/* --- the call ------------------------------------------------------------------------------ */

bool hyp_ffa_call(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct ffa_value args, r;
	uint32_t fid;

	memcpy(&args, v->arch.regs.x, sizeof(args));
	fid = ffa_fid(&args);
	if (!ffa_call_begin(&vm->ffa.ep, fid) || !ffa_abi_offered(fid, &vm->ffa.ep)) {
		r = ffa_error_value(FFA_NOT_SUPPORTED);
		hyp_ffa_answer(v, &r);
		return true;
	}
	switch (fid) {
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		r = rxtx_map(vm, &args);
		break;
	case FFA_RXTX_UNMAP_32:
		r = rxtx_unmap(vm, &args);
		break;
	case FFA_RX_RELEASE_32:
		r = rx_release(vm, &args);
		break;
	case FFA_PARTITION_INFO_GET_32:
		r = ffa_partition_info_get(&vm->ffa.ep, &vm->ffa.rxtx, hyp_ffa.descs,
					   hyp_ffa.ndescs, &args);
		break;
	case FFA_PARTITION_INFO_GET_REGS_64:
		r = ffa_partition_info_get_regs(hyp_ffa.descs, hyp_ffa.ndescs, &args);
		if ((uint32_t)r.x[0] == FFA_SUCCESS_64) {
			ffa_answer_wide(v->arch.regs.x, &r); /* results in x3-x17 */
			return true;
		}
		break;
	case FFA_MSG_SEND2_32:
		r = msg_send2(vm, &args);
		break;
	case FFA_NOTIFICATION_BIND_32:
	case FFA_NOTIFICATION_UNBIND_32:
	case FFA_NOTIFICATION_SET_32:
	case FFA_NOTIFICATION_GET_32:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		r = notif_call(v, &args, fid);
		break;
	case FFA_VERSION_32:
	case FFA_FEATURES_32:
	case FFA_ID_GET_32:
	case FFA_SPM_ID_GET_32:
		r = ffa_call(&hyp_ffa.inst, &vm->ffa.ep, &args);
		break;
	default:
		if (hyp_ffa.mode == HYP_FFA_FORWARD) {
			return hyp_ffa_fwd_call(v, &args, fid);
		}
		if (ffa_is_mem_fid(fid)) {
			r = hyp_ffa_mem_call(v, &args, fid);
			break;
		}
		return hyp_ffa_msg_call(v, &args, fid);
	}
	hyp_ffa_answer(v, &r);
	return true;
}
