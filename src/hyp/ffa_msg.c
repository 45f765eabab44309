/*
 * The emulated SPMC's messaging between VMs (FF-A v1.2 chapters 14-15):
 * FFA_MSG_SEND_DIRECT_REQ/RESP (32, 64) and REQ2/RESP2, FFA_MSG_WAIT,
 * FFA_YIELD and FFA_CONSOLE_LOG for partition VMs, and FFA_RUN into a
 * partition's FFA_MSG_WAIT when a notification or message is pending for it.
 *
 * A partition VM's vCPU that calls FFA_MSG_WAIT (or answers a request) waits
 * in tzvisor, not runnable. A direct request from any VM's vCPU goes to the
 * receiver's vCPU with the same index (one vCPU: its only one), which must be
 * waiting (else BUSY): the request is written into its registers, it becomes
 * runnable and its physical CPU is kicked, and the sender waits instead
 * until the response is written into its registers. A request to a
 * partition already waiting further up the same chain of requests (A -> B
 * -> A) is DENIED rather than a deadlock. Sender IDs must be the caller's
 * own; a partition's manifest says whether it takes and sends requests. If
 * a partition VM stops while serving, its requester gets FFA_ERROR(ABORTED).
 *
 * FFA_ERROR from a partition VM that serves no request (its initialisation
 * failed) stops it; while it serves one, DENIED.
 *
 * FFA_YIELD (FF-A v1.2 14.3): tzvisor is the scheduler that gave the
 * partition its cycles, so it honours the timeout itself: w2/w3 (low/high)
 * a timeout in nanoseconds; 0: SUCCESS at once (the CPU's time slices share
 * it anyway); otherwise the vCPU is not run again before the timeout has
 * passed (it stays BUSY for direct requests meanwhile), then its FFA_YIELD
 * returns SUCCESS. w1 MBZ (INVALID_PARAMETERS).
 * VM availability messages (FF-A v1.2 18.3): tzvisor, as the hypervisor
 * (ID 0), tells partition VMs whose manifest subscribes
 * (vm-availability-messages) of each normal VM created (at boot, after a
 * reset) and destroyed (when it stops): DIRECT_REQ_32, w2 = bit 31 | 4 or
 * 6, w3/w4 = the VM's handle (its ID, its reset count << 32), w5 = its ID,
 * to the partition's vCPU 0 when it waits (queued until then, at most
 * HYP_FFA_AVAIL_QUEUE). The partition must answer with DIRECT_RESP_32, w1 =
 * itself << 16 | 0, w2 = bit 31 | 5 or 7 (else INVALID_PARAMETERS); w3, its
 * status, is logged.
 * Not supported: framework messages from guests (w2 bit 31; INVALID).
 */
#include <string.h>

#include "arch/aarch64/sysreg.h"
#include "core/console.h"
#include "hyp/ffa_internal.h"
#include "hyp/hyp.h"
#include "hyp/sched.h"

static bool uuid_matches(const struct vm *vm, uint64_t lo, uint64_t hi)
{
	const struct vm_ffa_config *c = &vm->cfg.ffa;

	if (lo == 0 && hi == 0) {
		return true; /* the nil UUID: any service of the partition */
	}
	for (unsigned int i = 0; i < c->uuid_count; i++) {
		const uint32_t *w = c->uuid[i];
		if (lo == ((uint64_t)w[1] << 32 | w[0]) && hi == ((uint64_t)w[3] << 32 | w[2])) {
			return true;
		}
	}
	return false;
}

/* FFA_RUN as the return of a waiting partition vCPU's FFA_MSG_WAIT (its VM's lock held). */
static void give_run(struct vcpu *v)
{
	struct ffa_value r = {.x = {FFA_RUN_32, (uint32_t)v->vm->ffa.ep.id << 16 | v->index}};

	hyp_ffa_answer(v, &r);
	v->ffa.run_pending = false;
}

/*
 * A partition VM's vCPU 0 that waits takes its next VM availability message,
 * if one is queued (its VM's lock held): true if it did (it runs).
 */
static bool start_availability(struct vcpu *v)
{
	struct vm_ffa *f = &v->vm->ffa;

	if (v->index != 0 || f->avail_count == 0 || v->ffa.serving || v->power != VCPU_ON ||
	    __atomic_load_n(&v->ffa.wait, __ATOMIC_ACQUIRE) != VCPU_FFA_WAITING) {
		return false;
	}
	unsigned int at = f->avail_first;
	struct ffa_value req = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_32, FFA_MSG_ENDPOINTS(FFA_NWD_ENDPOINT_ID, f->ep.id),
		      FFA_FWK_MSG_BIT | f->avail[at].type, (uint32_t)f->avail[at].handle,
		      f->avail[at].handle >> 32, f->avail[at].vm}};
	f->avail_first = (at + 1) % HYP_FFA_AVAIL_QUEUE;
	f->avail_count--;
	ffa_direct_msg_write(&req, v->arch.regs.x);
	v->ffa.serving = true;
	v->ffa.req_from = FFA_NWD_ENDPOINT_ID;
	v->ffa.req_fid = FFA_MSG_SEND_DIRECT_REQ_32;
	v->ffa.req_fwk = FFA_FWK_MSG_BIT | (f->avail[at].type + 1U);
	v->ffa.caller = NULL;
	__atomic_store_n(&v->ffa.wait, VCPU_FFA_RUNNING, __ATOMIC_RELEASE);
	return true;
}

void hyp_ffa_msg_vm_availability(struct vm *about, uint32_t type)
{
	uint32_t bit = type == FFA_FWK_MSG_VM_CREATED_REQ ? 1U : 2U;
	uint64_t handle = (uint64_t)about->ffa.life << 32 | about->ffa.ep.id;

	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *p = &vms[i];
		struct vm_ffa *f = &p->ffa;
		if (!p->cfg.ffa.partition || (p->cfg.ffa.vm_availability & bit) == 0) {
			continue;
		}
		sl_lock(&p->lock);
		bool queued = f->avail_count < HYP_FFA_AVAIL_QUEUE;
		if (queued) {
			unsigned int at = (f->avail_first + f->avail_count++) % HYP_FFA_AVAIL_QUEUE;
			f->avail[at].type = type;
			f->avail[at].vm = about->ffa.ep.id;
			f->avail[at].handle = handle;
		}
		bool kick = p->state == VM_RUNNING && start_availability(&p->vcpus[0]);
		sl_unlock(&p->lock);
		if (!queued) {
			LOG_WARNING("VM %u (%s): too many VM availability messages waiting: one "
				    "about VM %u dropped\n",
				    p->id, p->cfg.name, about->id);
		}
		if (kick) {
			hyp_kick(p->vcpus[0].pcpu);
		}
	}
}

/*
 * The vCPU waits for its next message, unless a run is pending for it: then
 * it gets FFA_RUN now; or a VM availability message is: then it gets that
 * (true: resume it).
 */
static bool wait_next(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool resume;

	sl_lock(&vm->lock);
	resume = v->ffa.run_pending;
	if (resume) {
		give_run(v);
	} else {
		__atomic_store_n(&v->ffa.wait, VCPU_FFA_WAITING, __ATOMIC_RELEASE);
		resume = start_availability(v);
	}
	sl_unlock(&vm->lock);
	return resume;
}

/* Takes v's requester away (whoever does this first answers it), or NULL. */
static struct vcpu *take_caller(struct vcpu *v)
{
	struct vm *vm = v->vm;

	sl_lock(&vm->lock);
	struct vcpu *c = v->ffa.serving ? v->ffa.caller : NULL;
	v->ffa.serving = false;
	v->ffa.caller = NULL;
	v->ffa.req_fwk = 0;
	sl_unlock(&vm->lock);
	return c;
}

/*
 * The answer to c's request goes into its registers (a direct message, or
 * an error as an ordinary answer) if c still waits on `from`; then it runs.
 */
static void answer_caller(struct vcpu *c, const struct vcpu *from, const struct ffa_value *r,
			  bool msg)
{
	struct vm *vm = c->vm;
	bool wake;

	sl_lock(&vm->lock);
	wake = __atomic_load_n(&c->ffa.wait, __ATOMIC_ACQUIRE) == VCPU_FFA_BLOCKED &&
	       c->ffa.peer == from;
	if (wake) {
		if (msg) {
			ffa_direct_msg_write(r, c->arch.regs.x);
		} else {
			hyp_ffa_answer(c, r);
		}
		c->ffa.peer = NULL;
		__atomic_store_n(&c->ffa.wait, VCPU_FFA_RUNNING, __ATOMIC_RELEASE);
	}
	sl_unlock(&vm->lock);
	if (wake) {
		hyp_kick(c->pcpu);
	}
}

/* Is partition VM `to` waiting further up the chain of requests that v serves? */
static bool in_chain(const struct vcpu *v, const struct vm *to)
{
	for (const struct vcpu *c = v; c != NULL && c->ffa.serving; c = c->ffa.caller) {
		if (c->ffa.caller != NULL && c->ffa.caller->vm == to) {
			return true;
		}
	}
	return false;
}

static bool direct_req(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct vm *from = v->vm, *to;
	uint32_t w1 = ffa_w(args, 1);
	bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2_64;
	enum ffa_error err = FFA_INVALID_PARAMETERS;
	struct ffa_value r;

	to = hyp_ffa_vm(FFA_MSG_RECEIVER(w1));
	/* As itself (no spoofed sender), to another VM that is a partition; w2 MBZ but for REQ2. */
	if (FFA_MSG_SENDER(w1) != from->ffa.ep.id || to == NULL || to == from ||
	    !to->cfg.ffa.partition || (!req2 && ffa_w(args, 2) != 0) ||
	    (req2 && !uuid_matches(to, args->x[2], args->x[3]))) {
		goto refuse;
	}
	uint32_t recv_bit =
		req2 ? FFA_MANIFEST_MSG_DIRECT_REQ2_RECV : FFA_MANIFEST_MSG_DIRECT_REQ_RECV;
	uint32_t send_bit =
		req2 ? FFA_MANIFEST_MSG_DIRECT_REQ2_SEND : FFA_MANIFEST_MSG_DIRECT_REQ_SEND;
	err = FFA_DENIED;
	if ((to->cfg.ffa.messaging & recv_bit) == 0 ||
	    (from->cfg.ffa.partition && (from->cfg.ffa.messaging & send_bit) == 0) ||
	    in_chain(v, to)) {
		goto refuse;
	}
	unsigned int idx = to->vcpu_count > 1 ? v->index : 0U;
	err = FFA_INVALID_PARAMETERS;
	if (idx >= to->vcpu_count) {
		goto refuse; /* no vCPU of that index to take it */
	}
	struct vcpu *tv = &to->vcpus[idx];
	sl_lock(&to->lock);
	if (to->state != VM_RUNNING) {
		err = FFA_ABORTED;
	} else if (tv->power != VCPU_ON || tv->ffa.serving ||
		   __atomic_load_n(&tv->ffa.wait, __ATOMIC_ACQUIRE) != VCPU_FFA_WAITING) {
		err = FFA_BUSY;
	} else {
		ffa_direct_msg_write(args, tv->arch.regs.x);
		tv->ffa.serving = true;
		tv->ffa.req_from = from->ffa.ep.id;
		tv->ffa.req_fid = fid;
		tv->ffa.caller = v;
		/* The sender waits before the receiver can answer. */
		v->ffa.peer = tv;
		__atomic_store_n(&v->ffa.wait, VCPU_FFA_BLOCKED, __ATOMIC_RELEASE);
		__atomic_store_n(&tv->ffa.wait, VCPU_FFA_RUNNING, __ATOMIC_RELEASE);
		err = 0;
	}
	sl_unlock(&to->lock);
	if (err == 0) {
		hyp_kick(tv->pcpu);
		return false;
	}
refuse:
	r = ffa_error_value(err);
	hyp_ffa_answer(v, &r);
	return true;
}

static bool direct_resp(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	uint32_t w1 = ffa_w(args, 1);
	bool resp2 = fid == FFA_MSG_SEND_DIRECT_RESP2_64;
	struct ffa_value r;

	if (!v->ffa.serving) {
		r = ffa_error_value(FFA_DENIED);
		hyp_ffa_answer(v, &r);
		return true;
	}
	/*
	 * Only to whoever sent the request, with the matching ABI, as itself; w2 MBZ
	 * but RESP2, and a framework request's framework response (DIRECT_RESP_32).
	 */
	uint32_t fwk = v->ffa.req_fwk;
	if (FFA_MSG_SENDER(w1) != v->vm->ffa.ep.id || FFA_MSG_RECEIVER(w1) != v->ffa.req_from ||
	    resp2 != (v->ffa.req_fid == FFA_MSG_SEND_DIRECT_REQ2_64) ||
	    (fwk != 0 ? fid != FFA_MSG_SEND_DIRECT_RESP_32 || ffa_w(args, 2) != fwk
		      : !resp2 && ffa_w(args, 2) != 0)) {
		r = ffa_error_value(FFA_INVALID_PARAMETERS);
		hyp_ffa_answer(v, &r);
		return true;
	}
	if (fwk != 0) {
		const char *what = fwk == (FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_CREATED_RESP)
					   ? "created"
					   : "destroyed";
		if (ffa_w(args, 3) == 0) {
			LOG_INFO("VM %u (%s): took a \"VM %s\" message\n", v->vm->id,
				 v->vm->cfg.name, what);
		} else {
			LOG_WARNING("VM %u (%s): answered a \"VM %s\" message with status %d\n",
				    v->vm->id, v->vm->cfg.name, what, (int)(int32_t)ffa_w(args, 3));
		}
	}
	/*
	 * It waits for its next message before its caller runs on: a request the
	 * caller sends it next must not find it still busy with this response.
	 */
	struct vcpu *c = take_caller(v);
	bool resume = wait_next(v);
	if (c != NULL) {
		answer_caller(c, v, args, true);
	}
	return resume;
}

static bool msg_wait(struct vcpu *v)
{
	if (v->ffa.serving) {
		/* A direct request must be answered with a direct response. */
		struct ffa_value r = ffa_error_value(FFA_DENIED);
		hyp_ffa_answer(v, &r);
		return true;
	}
	return wait_next(v);
}

/* FFA_CONSOLE_LOG: w1 = count; characters in x2.. (4 per register for SMC32). */
static struct ffa_value console_log(struct vm *vm, const struct ffa_value *args)
{
	bool wide = ffa_fid(args) == FFA_CONSOLE_LOG_64;
	uint32_t per_reg = wide ? 8U : 4U;
	uint32_t count = ffa_w(args, 1);
	struct vm_ffa *f = &vm->ffa;

	if (count == 0 || count > per_reg * (wide ? 16U : 6U)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	sl_lock(&vm->lock);
	for (uint32_t i = 0; i < count; i++) {
		char c = (char)(args->x[2 + i / per_reg] >> (8 * (i % per_reg)));
		/* A newline ends the line; a full buffer is printed before it grows. */
		if (c == '\n' || f->log_len == sizeof(f->log) - 1) {
			f->log[f->log_len] = '\0';
			LOG_NOTICE("[%s] %s\n", vm->cfg.name, f->log);
			f->log_len = 0;
		}
		if (c != '\n') {
			f->log[f->log_len++] = (c >= 0x20 && c < 0x7F) ? c : '?';
		}
	}
	sl_unlock(&vm->lock);
	return ffa_success_value(0);
}

uint32_t hyp_ffa_yielded;

static uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

/* FFA_YIELD: w1 MBZ; w2/w3 the timeout (ns). true: resume now (no timeout). */
static bool yield(struct vcpu *v, const struct ffa_value *args)
{
	uint64_t ns = (uint64_t)ffa_w(args, 3) << 32 | ffa_w(args, 2);
	struct ffa_value r;

	if (ffa_w(args, 1) != 0) {
		r = ffa_error_value(FFA_INVALID_PARAMETERS);
		hyp_ffa_answer(v, &r);
		return true;
	}
	r = ffa_success_value(0);
	hyp_ffa_answer(v, &r); /* what it finds when it runs again */
	if (ns == 0) {
		return true;
	}
	uint64_t t = counter_now(), ticks = sched_ns_to_ticks(ns, hyp.cntfrq);
	struct vm *vm = v->vm;
	sl_lock(&vm->lock);
	v->ffa.yield_until = ticks > UINT64_MAX - t ? UINT64_MAX : t + ticks;
	__atomic_add_fetch(&hyp_ffa_yielded, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&v->ffa.wait, VCPU_FFA_YIELDED, __ATOMIC_RELEASE);
	sl_unlock(&vm->lock);
	LOG_VERBOSE("VM %u (%s): vCPU %u yields for %llu ns\n", vm->id, vm->cfg.name, v->index,
		    (unsigned long long)ns);
	return false;
}

uint64_t hyp_ffa_yield_expire(struct vcpu *v, uint64_t t)
{
	struct vm *vm = v->vm;
	uint64_t next = 0;

	if (__atomic_load_n(&v->ffa.wait, __ATOMIC_ACQUIRE) != VCPU_FFA_YIELDED) {
		return 0;
	}
	sl_lock(&vm->lock);
	if (v->ffa.wait == VCPU_FFA_YIELDED) {
		if (v->ffa.yield_until <= t) {
			__atomic_sub_fetch(&hyp_ffa_yielded, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&v->ffa.wait, VCPU_FFA_RUNNING, __ATOMIC_RELEASE);
		} else {
			next = v->ffa.yield_until;
		}
	}
	sl_unlock(&vm->lock);
	return next;
}

bool hyp_ffa_msg_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct ffa_value r;

	if (ffa_is_direct_req(fid)) {
		return direct_req(v, args, fid);
	}
	if (ffa_is_direct_resp(fid)) {
		return direct_resp(v, args, fid);
	}
	switch (fid) {
	case FFA_MSG_WAIT_32:
		return msg_wait(v);
	case FFA_ERROR_32:
		if (!v->ffa.serving) {
			/* A partition that fails its initialisation stops (as at the SPMC). */
			vm_stop(v->vm, v, "FFA_ERROR from a partition VM");
			return false;
		}
		r = ffa_error_value(FFA_DENIED); /* a request must be answered */
		break;
	case FFA_YIELD_32:
		return yield(v, args);
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
		r = console_log(v->vm, args);
		break;
	default:
		r = ffa_error_value(FFA_NOT_SUPPORTED);
		break;
	}
	hyp_ffa_answer(v, &r);
	return true;
}

void hyp_ffa_msg_run(struct vm *vm, unsigned int vcpu)
{
	struct vcpu *v = &vm->vcpus[vcpu];
	bool kick = false;

	sl_lock(&vm->lock);
	if (!v->ffa.serving &&
	    __atomic_load_n(&v->ffa.wait, __ATOMIC_ACQUIRE) == VCPU_FFA_WAITING) {
		give_run(v);
		__atomic_store_n(&v->ffa.wait, VCPU_FFA_RUNNING, __ATOMIC_RELEASE);
		kick = true;
	} else {
		v->ffa.run_pending = true; /* at its next FFA_MSG_WAIT */
	}
	sl_unlock(&vm->lock);
	if (kick) {
		hyp_kick(v->pcpu);
	}
}

void hyp_ffa_msg_vm_stopped(struct vm *vm)
{
	const struct ffa_value aborted = ffa_error_value(FFA_ABORTED);

	/* Whoever waits on a vCPU of this VM gets ABORTED (as at the SPMC). */
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *c = take_caller(&vm->vcpus[i]);
		if (c != NULL) {
			answer_caller(c, &vm->vcpus[i], &aborted, false);
		}
	}
}
