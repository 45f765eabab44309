/*
 * Forwarding guests' FF-A calls to a real SPMC (see hyp/ffa.h): tzvisor at
 * NS-EL2 as TF-A's BL33, above an SPMC at S-EL2 (SECURE=1).
 *
 * At boot tzvisor asks the firmware for FFA_VERSION 1.2 over SMC; an answer
 * of v1.1 or later means an SPMC is there. tzvisor then maps RX/TX buffers
 * of its own with it (one page each, physical addresses of its image) and
 * reads the partitions with FFA_PARTITION_INFO_GET: guests' discovery is
 * answered from that copy (ffa.c), never by passing a guest's buffers on.
 *
 * Forwarded, with the VM's own endpoint ID (its VM number, 1..N; tzvisor
 * itself is the normal world's ID 0): FFA_MSG_SEND_DIRECT_REQ (32, 64) and
 * REQ2 to a partition the SPMC reported, the sender checked to be the
 * calling VM (a spoofed ID, a VM or unknown receiver, a framework message:
 * INVALID_PARAMETERS, nothing sent); the SPMC's answer goes back into the
 * vCPU's registers (a direct response only if it is addressed to that VM).
 * FFA_INTERRUPT or FFA_YIELD from the SPMC is passed to the guest, which
 * resumes that partition's context with FFA_RUN: tzvisor forwards an
 * FFA_RUN only for the context this vCPU was given back (else
 * INVALID_PARAMETERS), so that no VM resumes another's request.
 *
 * Notifications with partitions: at boot tzvisor creates each VM's bitmap
 * at the SPMC (FFA_NOTIFICATION_BITMAP_CREATE); a VM's BIND/UNBIND of a
 * partition's notifications, its SET to a partition, and its GET of the
 * partitions' and the SPM's bitmaps go to the SPMC (ffa.c checked that the
 * VM names itself). The SPMC's schedule-receiver interrupt (SGI 8, made
 * non-secure by the SPMC) is enabled on every CPU; when it comes tzvisor
 * asks the SPMC for FFA_NOTIFICATION_INFO_GET (outside interrupt context),
 * notes what is pending for each VM listed (the VM's own INFO_GET reports
 * it until its GET) and injects the virtual SRI into it.
 *
 * FFA_MSG_SEND2 from a VM to a partition: through tzvisor's TX buffer, sent
 * for the VM. From a partition to a VM: the SPMC puts it in tzvisor's RX
 * buffer with the VM's RX-full notification; at the SRI tzvisor takes that
 * notification for each VM listed and copies the message (checked: a known
 * partition's, for that VM, within the page) into the VM's RX buffer, where
 * the VM finds it with RX-full pending. tzvisor releases its own RX buffer
 * at once; each VM has its own RX state at the SPMC (full from the message
 * until the VM releases it: tzvisor's FFA_RX_RELEASE with the VM's ID), so
 * a VM that does not read its messages makes partitions' sends to it BUSY,
 * and nobody else's. If the VM's RX buffer is full of something else when
 * the message comes (another VM's message, discovery), tzvisor holds it in
 * a page of the VM's until the VM's FFA_RX_RELEASE.
 *
 * VM availability (FF-A v1.2 18.3): tzvisor, the hypervisor (ID 0), sends
 * "VM created" for each VM once every VM exists, and "VM destroyed" when
 * one stops (after its memory was reclaimed where nobody held it; then
 * again for what partitions let go of meanwhile), "created" again after a
 * reset, to each partition whose properties (bits 6, 7) say it subscribes:
 * DIRECT_REQ_32 with w2 = bit 31 | 4 or 6, w3/w4 = the VM's handle (its ID,
 * its reset count << 32), w5 = its ID; the partition's framework response
 * (5 or 7, w3 = status) is logged. Guests cannot send framework messages.
 *
 * Partitions with notifications pending (a VM's SET to one, FFA_MSG_SEND2
 * to one) need cycles from the normal world's scheduler: the VM whose
 * manifest says ffa-scheduler. Those the SPMC's INFO_GET lists are in that
 * VM's next INFO_GET (once), it gets the SRI, and it may FFA_RUN a context
 * listed, once per listing. tzvisor never lets it resume another vCPU's
 * request: a context another vCPU was handed back (its FFA_RUN token), or
 * any context while another vCPU's call that runs partitions is in flight
 * (its answer may be such a token, not yet recorded), is BUSY; the listing
 * stays and the scheduler gets the SRI again when another such call ends.
 * Without a scheduler VM those partitions see their notifications at their
 * next run (logged once). A VM that stops with a request preempted in a
 * partition: tzvisor resumes it for the VM and drops the answer
 * (orphan_runs), else that context would stay preempted for everyone.
 *
 * Memory sharing: ffa_fwd_mem.c.
 */
#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/types.h"
#include "ffa/indirect.h"
#include "ffa/notif.h"
#include "ffa/mem_share.h"
#include "hyp/ffa_internal.h"
#include "hyp/hyp.h"

/* tzvisor's own RX/TX buffers with the SPMC. */
static uint8_t fwd_tx[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t fwd_rx[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

uint8_t *hyp_ffa_fwd_tx(void)
{
	return fwd_tx;
}

/* A partition information descriptor of v1.1 on: ID, contexts, properties, UUID. */
#define FWD_DESC_SIZE 24U

static struct ffa_value firmware(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
				 uint64_t x5)
{
	struct ffa_value v = {.x = {x0, x1, x2, x3, x4, x5}};

	arch_smc(&v);
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The SPMC's partitions, read once through tzvisor's RX buffer. */
static void read_partitions(void)
{
	struct ffa_value v = firmware(FFA_PARTITION_INFO_GET_32, 0, 0, 0, 0, 0);

	if ((uint32_t)v.x[0] != FFA_SUCCESS_32) {
		LOG_ERROR("FF-A: the SPMC refused FFA_PARTITION_INFO_GET (%d): guests see no "
			  "partitions\n",
			  (int)(int32_t)v.x[2]);
		return;
	}
	uint32_t count = (uint32_t)v.x[2], size = (uint32_t)v.x[3];
	/* What it says is checked like any other input: sizes within the one page read. */
	if (size < FWD_DESC_SIZE || size > PAGE_SIZE || count > PAGE_SIZE / size) {
		LOG_ERROR("FF-A: the SPMC's partition information does not fit (%u x %u bytes)\n",
			  count, size);
		count = 0;
	}
	for (uint32_t i = 0; i < count && hyp_ffa.ndescs < FFA_PARTITION_INFO_MAX; i++) {
		const uint8_t *p = fwd_rx + (size_t)i * size;
		struct ffa_partition_desc *d = &hyp_ffa.descs[hyp_ffa.ndescs];
		d->id = (ffa_id_t)le32(p);
		d->exec_ctx_count = (uint16_t)(le32(p) >> 16);
		d->props = le32(p + 4);
		for (unsigned int w = 0; w < 4; w++) {
			d->uuid[w] = le32(p + 8 + 4 * w);
		}
		if (ffa_id_is_secure(d->id)) {
			hyp_ffa.ndescs++;
		}
	}
	firmware(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
}

bool hyp_ffa_fwd_probe(void)
{
	struct ffa_value v = firmware(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0, 0, 0);
	uint32_t version = (uint32_t)v.x[0];

	/* NOT_SUPPORTED (bit 31) without a secure world; a v1.0 SPMC is not enough. */
	if ((version & (1U << 31)) != 0 || version < FFA_VERSION_1_1 || (version >> 16) != 1) {
		return false;
	}
	v = firmware(FFA_SPM_ID_GET_32, 0, 0, 0, 0, 0);
	hyp_ffa.inst.spmc_id =
		(uint32_t)v.x[0] == FFA_SUCCESS_32 ? (ffa_id_t)v.x[2] : HYP_FFA_EMUL_SPMC_ID;
	v = firmware(FFA_RXTX_MAP_64, (uintptr_t)fwd_tx, (uintptr_t)fwd_rx, 1, 0, 0);
	if ((uint32_t)v.x[0] == FFA_SUCCESS_32) {
		read_partitions();
	} else {
		LOG_ERROR("FF-A: the SPMC refused tzvisor's RX/TX buffers (%d): guests see no "
			  "partitions\n",
			  (int)(int32_t)v.x[2]);
	}
	LOG_NOTICE("FF-A: SPMC 0x%04x below (v%u.%u), %u partition descriptor%s: guests' calls "
		   "forwarded\n",
		   hyp_ffa.inst.spmc_id, version >> 16, version & 0xFFFFU, hyp_ffa.ndescs,
		   hyp_ffa.ndescs == 1 ? "" : "s");
	return true;
}

static void give_back(struct vcpu *v, const struct ffa_value *r);

/* tzvisor refuses a call: the error is v's answer, nothing reached the SPMC. */
static void refuse(struct vcpu *v, enum ffa_error e)
{
	struct ffa_value r = ffa_error_value(e);

	hyp_ffa_answer(v, &r);
}

/* The index of partition `id`'s first descriptor, or -1. */
static int desc_index(ffa_id_t id)
{
	for (unsigned int i = 0; i < hyp_ffa.ndescs; i++) {
		if (hyp_ffa.descs[i].id == id) {
			return (int)i;
		}
	}
	return -1;
}

static bool known_partition(ffa_id_t id)
{
	return desc_index(id) >= 0;
}

/* --- the scheduler VM ---------------------------------------------------------------------- */

/* What the SPMC's INFO_GET listed of one partition, for the scheduler VM. */
struct sched_entry {
	bool report_global, run_global; /* listed without contexts: any one may run */
	uint32_t report_vcpus, run_vcpus; /* listed contexts */
};

/* Under hyp_ffa.notif_lock: */
static struct sched_entry sched[FFA_PARTITION_INFO_MAX]; /* by hyp_ffa.descs index */
static unsigned int running_calls; /* forwarded calls that run partitions, in flight */
static bool resignal; /* the scheduler was told BUSY: SRI again when another call ends */

static struct vm *scheduler; /* set once, at boot */
static bool unscheduled_warned;

/* A forwarded call that runs partitions starts: counted until running_end. */
static void running_begin(void)
{
	sl_lock(&hyp_ffa.notif_lock);
	running_calls++;
	sl_unlock(&hyp_ffa.notif_lock);
}

/*
 * A call that ran partitions ended (notif_lock held): if the scheduler was
 * told BUSY, what it may still run is listed again; true: give it the SRI.
 */
static bool take_resignal(void)
{
	bool again = false;

	for (unsigned int i = 0; resignal && i < hyp_ffa.ndescs; i++) {
		sched[i].report_global |= sched[i].run_global;
		sched[i].report_vcpus |= sched[i].run_vcpus;
		again = again || sched[i].run_global || sched[i].run_vcpus != 0;
	}
	resignal = false; /* what ran meanwhile is not listed again */
	return again;
}

/* ... and ended (its FFA_RUN token recorded): a scheduler told BUSY gets its SRI again. */
static void running_end(void)
{
	sl_lock(&hyp_ffa.notif_lock);
	running_calls--;
	bool again = take_resignal();
	sl_unlock(&hyp_ffa.notif_lock);
	if (again) {
		hyp_ffa_signal(scheduler, -1);
	}
}

/* The SPMC listed partition `id` (globally, or contexts `vcpus`): the scheduler's to run. */
static void listed_partition(ffa_id_t id, bool global, uint32_t vcpus)
{
	int i = desc_index(id);

	if (i < 0) {
		return; /* not one the SPMC reported at boot: nobody could run it */
	}
	if (scheduler == NULL) {
		if (!unscheduled_warned) {
			unscheduled_warned = true;
			LOG_WARNING(
				"FF-A: partition 0x%04x has notifications pending and no VM "
				"schedules partitions (ffa-scheduler): it sees them at its next "
				"run\n",
				id);
		}
		return;
	}
	sl_lock(&hyp_ffa.notif_lock);
	sched[i].report_global |= global;
	sched[i].run_global |= global;
	sched[i].report_vcpus |= vcpus;
	sched[i].run_vcpus |= vcpus;
	sl_unlock(&hyp_ffa.notif_lock);
	/* A listed context's own vCPU of the scheduler, if it has one (its CPU runs it). */
	int target = vcpus != 0 ? __builtin_ctz(vcpus) : -1;
	hyp_ffa_signal(scheduler, target < (int)scheduler->vcpu_count ? target : -1);
}

void hyp_ffa_fwd_sched_info(const struct vm *vm, struct ffa_notif_info *info)
{
	if (vm != scheduler) {
		return;
	}
	for (unsigned int i = 0; i < hyp_ffa.ndescs; i++) {
		struct sched_entry *e = &sched[i];
		if (!e->report_global && e->report_vcpus == 0) {
			continue;
		}
		unsigned int n = hyp_ffa.descs[i].exec_ctx_count;
		struct ffa_notif shadow = {
			.enabled = true,
			.vcpu_count = n < FFA_NOTIF_MAX_VCPUS ? n : FFA_NOTIF_MAX_VCPUS};
		shadow.from_sp.pending = e->report_global ? 1U : 0U;
		for (unsigned int k = 0; k < shadow.vcpu_count; k++) {
			shadow.from_sp.vcpu_pending[k] = (e->report_vcpus >> k) & 1U;
		}
		ffa_notif_info_add(info, &shadow, hyp_ffa.descs[i].id);
		/* Each listing once; what did not fit is in the next INFO_GET. */
		e->report_global = e->report_global && !shadow.reported;
		e->report_vcpus &= ~shadow.vcpu_reported;
	}
}

/*
 * Requests of stopped VMs left preempted in a partition (their vCPUs' FFA_RUN
 * tokens): tzvisor finishes each on the CPU the vCPU ran on (an MP
 * partition's context is pinned there), one FFA_RUN per pass of that CPU's
 * loop (an interrupt that preempts it again is taken in between), and drops
 * the answer; the context then serves others again. Under notif_lock.
 */
#define FWD_ORPHAN_RUNS 16U
static struct orphan_run {
	bool used;
	uint32_t target; /* what to resume: w1 of the SPMC's FFA_INTERRUPT/FFA_YIELD */
	unsigned int pcpu;
	const struct vm *vm;
} orphan_runs[FWD_ORPHAN_RUNS];
static unsigned int orphan_run_count; /* also read without the lock */

/* Was context `target` handed back preempted to a vCPU other than `v` (its FFA_RUN token)? */
static bool token_held(const struct vcpu *v, uint32_t target)
{
	for (unsigned int i = 0; i < FWD_ORPHAN_RUNS; i++) {
		if (orphan_runs[i].used && orphan_runs[i].target == target) {
			return true; /* a stopped VM's, which tzvisor finishes */
		}
	}
	for (unsigned int i = 0; i < vm_count; i++) {
		for (unsigned int k = 0; k < vms[i].vcpu_count; k++) {
			const struct vcpu *o = &vms[i].vcpus[k];
			if (o != v &&
			    __atomic_load_n(&o->ffa.fwd_run, __ATOMIC_RELAXED) == target) {
				return true;
			}
		}
	}
	return false;
}

/*
 * FFA_RUN from the scheduler VM for a context the SPMC listed: DENIED if not
 * listed (or already run for this listing), BUSY as the header says.
 */
static void sched_run(struct vcpu *v, uint32_t target)
{
	int i = desc_index((ffa_id_t)(target >> 16));
	unsigned int ctx = target & 0xFFFFU;

	if (i < 0 || ctx >= hyp_ffa.descs[i].exec_ctx_count) {
		refuse(v, FFA_INVALID_PARAMETERS);
		return;
	}
	struct sched_entry *e = &sched[i];
	sl_lock(&hyp_ffa.notif_lock);
	if (ctx >= 32 || (!e->run_global && ((e->run_vcpus >> ctx) & 1U) == 0)) {
		sl_unlock(&hyp_ffa.notif_lock);
		refuse(v, FFA_DENIED);
		return;
	}
	if (running_calls != 0 || token_held(v, target)) {
		resignal = true;
		sl_unlock(&hyp_ffa.notif_lock);
		refuse(v, FFA_BUSY);
		return;
	}
	running_calls++;
	sl_unlock(&hyp_ffa.notif_lock);
	struct ffa_value r = firmware(FFA_RUN_32, target, 0, 0, 0, 0);
	give_back(v, &r);
	sl_lock(&hyp_ffa.notif_lock);
	running_calls--;
	bool again = false;
	if ((uint32_t)r.x[0] == FFA_ERROR_32 && (int32_t)r.x[2] == FFA_BUSY) {
		resignal = true; /* running or blocked for someone: when another call ends */
	} else {
		if ((uint32_t)r.x[0] != FFA_ERROR_32) {
			e->run_global = false; /* it ran: this listing is used */
			e->run_vcpus &= ~(1U << ctx);
		}
		again = take_resignal(); /* another vCPU of the scheduler waited for this one */
	}
	sl_unlock(&hyp_ffa.notif_lock);
	if (again) {
		hyp_ffa_signal(scheduler, -1);
	}
}

/* The SPMC's answer to a forwarded request or FFA_RUN, into v's registers. */
static void give_back(struct vcpu *v, const struct ffa_value *r)
{
	uint32_t fid = ffa_fid(r);
	struct ffa_value bad = ffa_error_value(FFA_ABORTED);

	if (ffa_is_direct_resp(fid)) {
		/* Only a response addressed to this VM reaches it. */
		if (FFA_MSG_RECEIVER(ffa_w(r, 1)) != v->vm->ffa.ep.id) {
			LOG_WARNING("VM %u (%s): a direct response for endpoint 0x%x: dropped\n",
				    v->vm->id, v->vm->cfg.name, FFA_MSG_RECEIVER(ffa_w(r, 1)));
			hyp_ffa_answer(v, &bad);
			return;
		}
		ffa_direct_msg_write(r, v->arch.regs.x);
		return;
	}
	if (fid == FFA_INTERRUPT_32 || fid == FFA_YIELD_32) {
		/* w1: the partition and context the guest may resume with FFA_RUN. */
		__atomic_store_n(&v->ffa.fwd_run, ffa_w(r, 1), __ATOMIC_RELAXED);
	}
	hyp_ffa_answer(v, r);
}

/* Each of these answers v itself: tzvisor's refusal, or the SPMC's answer (give_back). */
static void direct_req(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	uint32_t w1 = ffa_w(args, 1);
	ffa_id_t to = FFA_MSG_RECEIVER(w1);

	/* As itself, to a partition the SPMC has; no framework messages from guests. */
	if (FFA_MSG_SENDER(w1) != v->vm->ffa.ep.id || !ffa_id_is_secure(to) ||
	    !known_partition(to) ||
	    (fid != FFA_MSG_SEND_DIRECT_REQ2_64 && (ffa_w(args, 2) & FFA_FWK_MSG_BIT) != 0)) {
		refuse(v, FFA_INVALID_PARAMETERS);
		return;
	}
	struct ffa_value r = *args;
	r.x[0] = fid; /* the SVE hint masked */
	r.x[1] = w1;
	running_begin();
	arch_smc(&r);
	give_back(v, &r);
	running_end();
}

/* FFA_RUN: the context this vCPU was handed back, or (the scheduler VM) one the SPMC listed. */
static void run(struct vcpu *v, const struct ffa_value *args)
{
	uint32_t target = ffa_w(args, 1);

	if (v->ffa.fwd_run == 0 || target != v->ffa.fwd_run) {
		if (v->vm == scheduler) {
			sched_run(v, target);
			return;
		}
		refuse(v, FFA_INVALID_PARAMETERS);
		return;
	}
	__atomic_store_n(&v->ffa.fwd_run, 0, __ATOMIC_RELAXED);
	running_begin();
	struct ffa_value r = firmware(FFA_RUN_32, target, 0, 0, 0, 0);
	give_back(v, &r);
	running_end();
}

bool hyp_ffa_fwd_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct ffa_value r;

	if (ffa_is_mem_fid(fid)) {
		r = hyp_ffa_fwd_mem_call(v, args, fid);
		hyp_ffa_answer(v, &r);
		return true;
	}
	if (ffa_is_direct_req(fid) || fid == FFA_RUN_32) {
		if (fid == FFA_RUN_32) {
			run(v, args);
		} else {
			direct_req(v, args, fid);
		}
	} else {
		r = ffa_error_value(FFA_NOT_SUPPORTED);
		hyp_ffa_answer(v, &r);
		return true;
	}
	hyp_ffa_fwd_mem_retry(); /* partitions ran: they may have let a stopped VM's memory go */
	return true;
}

/* --- notifications with partitions ------------------------------------------------------- */

/* The SPMC's schedule-receiver interrupt came on this CPU; hyp_ffa_fwd_poll reads why. */
static uint32_t sri_seen;

/*
 * A VM availability message (FFA_FWK_MSG_VM_CREATED_REQ or _DESTROYED_REQ)
 * about `vm` to every partition that subscribes to it: the SPMC runs the
 * partition now; an FFA_INTERRUPT or FFA_YIELD on the way is resumed with
 * FFA_RUN (bounded), BUSY retried (bounded).
 */
static void vm_availability(struct vm *vm, uint32_t type)
{
	uint32_t prop =
		type == FFA_FWK_MSG_VM_CREATED_REQ ? FFA_PROP_VM_CREATED : FFA_PROP_VM_DESTROYED;
	uint64_t handle = (uint64_t)vm->ffa.life << 32 | vm->ffa.ep.id;

	for (unsigned int i = 0; i < hyp_ffa.ndescs; i++) {
		const struct ffa_partition_desc *d = &hyp_ffa.descs[i];
		bool dup = false;
		for (unsigned int k = 0; k < i; k++) {
			dup = dup || hyp_ffa.descs[k].id == d->id; /* one message per partition */
		}
		if ((d->props & prop) == 0 || dup) {
			continue;
		}
		struct ffa_value r;
		running_begin();
		for (unsigned int tries = 0; tries < 1000; tries++) {
			r = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_32,
						     FFA_MSG_ENDPOINTS(FFA_NWD_ENDPOINT_ID, d->id),
						     FFA_FWK_MSG_BIT | type, (uint32_t)handle,
						     handle >> 32, vm->ffa.ep.id}};
			arch_smc(&r);
			for (unsigned int k = 0;
			     k < 1000 && ((uint32_t)r.x[0] == FFA_INTERRUPT_32 ||
					  (uint32_t)r.x[0] == FFA_YIELD_32);
			     k++) {
				r = firmware(FFA_RUN_32, ffa_w(&r, 1), 0, 0, 0, 0);
			}
			if ((uint32_t)r.x[0] != FFA_ERROR_32 || (int32_t)r.x[2] != FFA_BUSY) {
				break;
			}
		}
		running_end();
		bool answered = (uint32_t)r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 &&
				ffa_w(&r, 1) == FFA_MSG_ENDPOINTS(d->id, FFA_NWD_ENDPOINT_ID) &&
				ffa_w(&r, 2) == (FFA_FWK_MSG_BIT | (type + 1U));
		const char *what = type == FFA_FWK_MSG_VM_CREATED_REQ ? "created" : "destroyed";
		if (answered && ffa_w(&r, 3) == 0) {
			LOG_INFO("VM %u (%s): partition 0x%04x told it was %s\n", vm->id,
				 vm->cfg.name, d->id, what);
		} else {
			LOG_WARNING("VM %u (%s): partition 0x%04x did not take \"VM %s\": x0 0x%x "
				    "w2 0x%x w3 %d\n",
				    vm->id, vm->cfg.name, d->id, what, (uint32_t)r.x[0],
				    ffa_w(&r, 2), (int)(int32_t)r.x[answered ? 3 : 2]);
		}
	}
}

void hyp_ffa_fwd_vms_ready(void)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		if (vms[i].cfg.ffa_scheduler) {
			scheduler = &vms[i];
			LOG_NOTICE("FF-A: VM %u (%s) schedules the SPMC's partitions "
				   "(ffa-scheduler)\n",
				   vms[i].id, vms[i].cfg.name);
		}
	}
	/* Every normal VM gets a bitmap at the SPMC: partitions may notify it. */
	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		struct ffa_value r = firmware(FFA_NOTIFICATION_BITMAP_CREATE_32, vm->ffa.ep.id,
					      vm->vcpu_count, 0, 0, 0);
		vm->ffa.fwd_known = (uint32_t)r.x[0] == FFA_SUCCESS_32;
		if (!vm->ffa.fwd_known) {
			LOG_WARNING("VM %u (%s): the SPMC refused its notification bitmap (%d)\n",
				    vm->id, vm->cfg.name, (int)(int32_t)r.x[2]);
		}
		vm_availability(vm, FFA_FWK_MSG_VM_CREATED_REQ);
	}
}

void hyp_ffa_fwd_cpu_init(uint64_t redist)
{
	gic_local_enable(redist, HYP_FFA_SPMC_SRI);
}

bool hyp_ffa_fwd_irq(unsigned int intid)
{
	if (intid != HYP_FFA_SPMC_SRI) {
		return false;
	}
	__atomic_or_fetch(&sri_seen, 1U << cpu_this()->index, __ATOMIC_RELAXED);
	return true;
}

static void fetch_message(struct vm *vm);
static void release_at_spmc(struct vm *vm);

/* One INFO_GET answer's lists: the VMs named get their schedule-receiver interrupt. */
static bool take_info(const struct ffa_value *r)
{
	uint32_t w2 = ffa_w(r, 2);
	unsigned int lists = (w2 >> FFA_NOTIF_INFO_LISTS_SHIFT) & 0x1FU, at = 0;

	for (unsigned int l = 0; l < lists; l++) {
		unsigned int nvcpus = (w2 >> (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * l)) & 3U;
		if (at + 1 + nvcpus > FFA_NOTIF_INFO_MAX_IDS) {
			break; /* an answer that does not hold together: the rest is ignored */
		}
		ffa_id_t id = (ffa_id_t)(r->x[3 + at / 4] >> (16 * (at % 4)));
		struct vm *vm = ffa_id_is_secure(id) ? NULL : hyp_ffa_vm(id);
		at++;
		uint32_t vcpus = 0;
		for (unsigned int k = 0; k < nvcpus; k++, at++) {
			vcpus |= 1U << ((r->x[3 + at / 4] >> (16 * (at % 4))) & 31U);
		}
		if (vm == NULL) {
			if (ffa_id_is_secure(id)) {
				listed_partition(id, nvcpus == 0, vcpus);
			}
			continue;
		}
		fetch_message(vm);
		sl_lock(&hyp_ffa.notif_lock);
		if (nvcpus == 0) {
			vm->ffa.fwd_pending_global = true;
		}
		vm->ffa.fwd_pending_vcpus |= vcpus;
		sl_unlock(&hyp_ffa.notif_lock);
		int target = -1;
		for (unsigned int k = 0; k < vm->vcpu_count && vcpus != 0; k++) {
			if ((vcpus & (1U << k)) != 0) {
				target = (int)k;
				break;
			}
		}
		hyp_ffa_signal(vm, target);
	}
	return (w2 & FFA_NOTIF_INFO_MORE) != 0;
}

/* Queues o for its CPU's next pass; false (logged) if every slot is taken. */
static bool orphan_run_queue(const struct orphan_run *o)
{
	bool queued = false;

	sl_lock(&hyp_ffa.notif_lock);
	for (unsigned int i = 0; i < FWD_ORPHAN_RUNS && !queued; i++) {
		if (!orphan_runs[i].used) {
			orphan_runs[i] = *o;
			orphan_runs[i].used = true;
			__atomic_store_n(&orphan_run_count, orphan_run_count + 1, __ATOMIC_RELAXED);
			queued = true;
		}
	}
	sl_unlock(&hyp_ffa.notif_lock);
	if (!queued) {
		LOG_WARNING("VM %u (%s): its request preempted in 0x%x stays so (no room)\n",
			    o->vm->id, o->vm->cfg.name, o->target);
	}
	return queued;
}

/* One FFA_RUN for a stopped VM's preempted request, if this CPU has one (see orphan_runs). */
static void finish_orphan_run(void)
{
	unsigned int me = cpu_this()->index;
	struct orphan_run o = {0};

	if (__atomic_load_n(&orphan_run_count, __ATOMIC_RELAXED) == 0) {
		return;
	}
	sl_lock(&hyp_ffa.notif_lock);
	for (unsigned int i = 0; i < FWD_ORPHAN_RUNS && !o.used; i++) {
		if (orphan_runs[i].used && orphan_runs[i].pcpu == me) {
			o = orphan_runs[i];
			orphan_runs[i].used = false;
			__atomic_store_n(&orphan_run_count, orphan_run_count - 1, __ATOMIC_RELAXED);
			running_calls++; /* in flight from here: the scheduler keeps off it */
		}
	}
	sl_unlock(&hyp_ffa.notif_lock);
	if (!o.used) {
		return;
	}
	struct ffa_value r = firmware(FFA_RUN_32, o.target, 0, 0, 0, 0);
	uint32_t fid = ffa_fid(&r);
	if (fid == FFA_INTERRUPT_32 || fid == FFA_YIELD_32) {
		o.target = ffa_w(&r, 1); /* preempted again: the next pass resumes it */
		orphan_run_queue(&o);
	} else if (ffa_is_direct_resp(fid)) {
		LOG_NOTICE("VM %u (%s): its request preempted in partition 0x%04x finished for "
			   "it, answer dropped\n",
			   o.vm->id, o.vm->cfg.name, FFA_MSG_SENDER(ffa_w(&r, 1)));
	} else {
		LOG_WARNING("VM %u (%s): resuming its preempted request (0x%x) got 0x%x (%d)\n",
			    o.vm->id, o.vm->cfg.name, o.target, fid, (int)(int32_t)r.x[2]);
	}
	running_end();
	hyp_ffa_fwd_mem_retry(); /* partitions ran */
}

/* A stopped VM's vCPUs' FFA_RUN tokens: their requests are finished for it. */
static void orphan_tokens(struct vm *vm)
{
	for (unsigned int k = 0; k < vm->vcpu_count; k++) {
		struct vcpu *v = &vm->vcpus[k];
		uint32_t target = __atomic_exchange_n(&v->ffa.fwd_run, 0, __ATOMIC_RELAXED);
		if (target == 0) {
			continue;
		}
		struct orphan_run o = {true, target, v->pcpu, vm};
		if (orphan_run_queue(&o)) {
			hyp_kick(v->pcpu);
		}
	}
}

void hyp_ffa_fwd_poll(void)
{
	uint32_t me = 1U << cpu_this()->index;

	finish_orphan_run();
	if ((__atomic_fetch_and(&sri_seen, ~me, __ATOMIC_RELAXED) & me) == 0) {
		return;
	}
	/* Bounded: a firmware that always says "more" does not hold this CPU. */
	for (unsigned int i = 0; i < 8; i++) {
		struct ffa_value r = firmware(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
		if ((uint32_t)r.x[0] != FFA_SUCCESS_64 || !take_info(&r)) {
			break;
		}
	}
}

/*
 * BIND/UNBIND (a partition's notifications to this VM), SET (this VM to a
 * partition), GET (the partitions' and the SPM's bitmaps of this VM): ffa.c
 * checked that the VM names itself; the SPMC checks the rest.
 */
struct ffa_value hyp_ffa_fwd_notif(struct vm *vm, const struct ffa_value *args)
{
	if (!vm->ffa.fwd_known) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	return firmware(ffa_fid(args), ffa_w(args, 1), ffa_w(args, 2), ffa_w(args, 3),
			ffa_w(args, 4), 0);
}

/*
 * FFA_MSG_SEND2 from a VM to a partition: the message ffa.c copied out of the
 * VM's TX buffer and checked (its sender is the VM) goes through tzvisor's
 * own TX buffer, sent for the VM (w1 [31:16]).
 */
struct ffa_value hyp_ffa_fwd_send2(struct vm *vm, const uint8_t *msg, uint32_t w2)
{
	const struct ffa_msg_header *h = (const struct ffa_msg_header *)(const void *)msg;
	size_t len = ffa_msg_total(h);

	if (!known_partition(h->receiver)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	if (len > sizeof(fwd_tx)) {
		return ffa_error_value(FFA_NOT_SUPPORTED);
	}
	hyp_ffa_fwd_mem_lock(); /* tzvisor's TX buffer */
	memcpy(fwd_tx, msg, len);
	struct ffa_value r = firmware(FFA_MSG_SEND2_32, (uint32_t)vm->ffa.ep.id << 16, w2, 0, 0, 0);
	hyp_ffa_fwd_mem_unlock();
	return r;
}

unsigned int hyp_ffa_fwd_vm_stopped(struct vm *vm)
{
	orphan_tokens(vm);
	hyp_ffa_fwd_mem_vm_stopped(vm);
	/* Partitions that subscribe let go of what is the VM's; then what they relinquished. */
	vm_availability(vm, FFA_FWK_MSG_VM_DESTROYED_REQ);
	hyp_ffa_fwd_mem_retry();
	/* Its RX buffer is nobody's now: partitions may send to it again (the next is dropped). */
	hyp_ffa_fwd_mem_lock();
	if (vm->ffa.fwd_msg_held) {
		vm->ffa.fwd_msg_held = false;
		LOG_WARNING("VM %u (%s): stopped with a partition's message held for it: dropped\n",
			    vm->id, vm->cfg.name);
	}
	release_at_spmc(vm);
	hyp_ffa_fwd_mem_unlock();
	return hyp_ffa_fwd_mem_held(vm);
}

void hyp_ffa_fwd_vm_reset(struct vm *vm)
{
	vm_availability(vm, FFA_FWK_MSG_VM_CREATED_REQ);
}

/* A partition's message per VM whose RX buffer was full when it came. */
static uint8_t held[VM_MAX][PAGE_SIZE] __attribute__((aligned(16)));

/* The SPMC counts the VM's RX buffer free again (FFA_RX_RELEASE for the VM). */
static void release_at_spmc(struct vm *vm)
{
	if (!vm->ffa.fwd_rx_claimed) {
		return;
	}
	vm->ffa.fwd_rx_claimed = false;
	struct ffa_value r = firmware(FFA_RX_RELEASE_32, vm->ffa.ep.id, 0, 0, 0, 0);
	if ((uint32_t)r.x[0] != FFA_SUCCESS_32) {
		LOG_WARNING("VM %u (%s): the SPMC refused to release its RX buffer (%d)\n", vm->id,
			    vm->cfg.name, (int)(int32_t)r.x[2]);
	}
}

/* A message (checked) into the VM's RX buffer with RX-full pending; false if it is full. */
static bool put_message(struct vm *vm, const uint8_t *msg)
{
	struct ffa_msg_header h;

	memcpy(&h, msg, sizeof(h));
	if (ffa_msg_put(&vm->ffa.rxtx, msg, &h) != 0) {
		return false;
	}
	sl_lock(&hyp_ffa.notif_lock);
	ffa_notif_fwk_set(&vm->ffa.notif, FFA_NOTIF_FWK_RX_FULL);
	sl_unlock(&hyp_ffa.notif_lock);
	return true;
}

/*
 * The message in tzvisor's RX buffer (the SPMC put it there for `vm`): copied
 * out, tzvisor's buffer released at once (the next partition's message, for
 * any VM, may come), then checked and put into the VM's RX buffer with its
 * RX-full notification. If the VM's buffer is full, the message waits in
 * the VM's hold page until the VM releases its buffer; the SPMC keeps
 * counting the VM's RX buffer full (BUSY for partitions sending to this
 * VM, and only to it) until the VM has released the message itself. True
 * if delivered. Under the forwarded-memory lock (tzvisor's buffers).
 */
static bool deliver_message(struct vm *vm)
{
	static uint8_t copy[PAGE_SIZE] __attribute__((aligned(16)));
	struct ffa_msg_header h;

	memcpy(copy, fwd_rx, sizeof(copy)); /* the SPMC's write is done: one read of it */
	firmware(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
	memcpy(&h, copy, sizeof(h));
	bool good = h.offset >= FFA_MSG_HEADER_SIZE_V1_1 && h.offset <= sizeof(copy) &&
		    h.size <= sizeof(copy) - h.offset && h.receiver == vm->ffa.ep.id &&
		    ffa_id_is_secure(h.sender) && known_partition(h.sender);
	bool running = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING;
	vm->ffa.fwd_rx_claimed = true; /* the SPMC counted it full when it sent */
	if (!good || !running || vm->ffa.fwd_msg_held) {
		LOG_WARNING("VM %u (%s): a message from the SPMC that %s: dropped\n", vm->id,
			    vm->cfg.name,
			    !good      ? "does not fit it"
			    : !running ? "came after it stopped"
				       : "came while one was held");
		if (!vm->ffa.fwd_msg_held) {
			release_at_spmc(vm);
		}
		return false;
	}
	if (put_message(vm, copy)) {
		return true;
	}
	memcpy(held[vm - vms], copy, sizeof(copy));
	vm->ffa.fwd_msg_held = true;
	return false;
}

/*
 * A partition's FFA_MSG_SEND2 to a VM lands in tzvisor's RX buffer, with the
 * VM's RX-full framework notification pending at the SPMC: tzvisor takes
 * that notification (it is the VM's again once delivered) and the message.
 */
static void fetch_message(struct vm *vm)
{
	hyp_ffa_fwd_mem_lock();
	struct ffa_value r =
		firmware(FFA_NOTIFICATION_GET_32, vm->ffa.ep.id, FFA_NOTIF_GET_FROM_SPM, 0, 0, 0);
	uint32_t fwk = (uint32_t)r.x[0] == FFA_SUCCESS_32 ? ffa_w(&r, 6) : 0U;
	if ((fwk & ~FFA_NOTIF_FWK_RX_FULL) != 0) {
		sl_lock(&hyp_ffa.notif_lock); /* others the VM's own GET reports */
		ffa_notif_fwk_set(&vm->ffa.notif, fwk & ~FFA_NOTIF_FWK_RX_FULL);
		sl_unlock(&hyp_ffa.notif_lock);
	}
	if ((fwk & FFA_NOTIF_FWK_RX_FULL) != 0) {
		deliver_message(vm);
	}
	hyp_ffa_fwd_mem_unlock();
}

void hyp_ffa_fwd_rx_released(struct vm *vm)
{
	bool delivered = false;

	hyp_ffa_fwd_mem_lock();
	if (vm->ffa.fwd_msg_held) {
		/* Its buffer is free: the held message goes in (the SPMC still counts it full). */
		delivered = put_message(vm, held[vm - vms]);
		vm->ffa.fwd_msg_held = !delivered;
	} else {
		release_at_spmc(vm);
	}
	hyp_ffa_fwd_mem_unlock();
	if (delivered) {
		hyp_ffa_signal(vm, -1);
	}
}
