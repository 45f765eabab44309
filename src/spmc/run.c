/*
 * Running secure partitions, and direct messaging (FF-A v1.2 chapters 7, 15).
 *
 * A normal-world request runs on the CPU that received it: the SPMC enters
 * the receiver's vCPU and keeps running vCPUs (the receiver, any SP it sends
 * a direct request to, and so on) until a response goes back to the normal
 * world. The chain of blocked senders is explicit (vcpu.caller), so a request
 * to a partition already in the chain (A -> B -> A) is refused with DENIED
 * instead of deadlocking, and a busy receiver answers BUSY.
 *
 * A non-secure interrupt that preempts a partition whose manifest asks for
 * it to be signaled (ns-interrupts-action 2) stops the vCPU (PREEMPTED) and
 * returns FFA_INTERRUPT to the normal world, which takes its interrupt and
 * resumes the vCPU with FFA_RUN; a chain of blocked callers stays as it was.
 *
 * A secure interrupt for a partition blocked further up the running chain
 * (S-EL1) resumes it with FFA_INTERRUPT from its pending request; the
 * chain's running vCPU waits, untouched, until the partition has handled
 * it and resumes its callee with FFA_RUN (FF-A v1.2 8.3, Hafnium's
 * behaviour); meanwhile it may not answer, wait, yield or send requests.
 *
 * FFA_YIELD from a partition serving a normal-world request returns
 * FFA_YIELD to the normal world, which resumes it with FFA_RUN (the SP sees
 * FFA_SUCCESS); inside an SP-to-SP chain it is DENIED. FFA_RUN on a waiting
 * vCPU returns FFA_RUN from its FFA_MSG_WAIT (e.g. to read a message).
 *
 * SP calls handled here: FFA_MSG_WAIT, FFA_ERROR (at boot), FFA_YIELD,
 * FFA_MSG_SEND2,
 * FFA_MSG_SEND_DIRECT_REQ/RESP (32, 64), FFA_MSG_SEND_DIRECT_REQ2/RESP2,
 * FFA_CONSOLE_LOG (32, 64), FFA_SECONDARY_EP_REGISTER, the notification
 * ABIs (spmc/notif.c), the memory management ABIs (spmc/mem.c), and the common
 * ABIs of src/ffa (VERSION, FEATURES, ID_GET, SPM_ID_GET), and Hafnium's
 * interrupt calls by HVC (spmc/irq.c). Sender IDs are
 * checked against the caller's identity. A stage-2 fault or an unexpected
 * trap stops the partition; whoever waited on it gets FFA_ERROR(ABORTED).
 */
#include "spmc/run.h"

#include <string.h>

#include "core/console.h"
#include "core/cpu.h"
#include "spmc/bench.h"
#include "spmc/discovery.h"
#include "spmc/indirect.h"
#include "spmc/irq.h"
#include "spmc/mem.h"
#include "spmc/notif.h"
#include "spmc/spmc.h"
#include "spmc/vtimer.h"

/*
 * What the run loop does after an exit. Answers are written over the
 * registers of whoever made the call (ffa_answer): a vCPU's x0-x7, or those
 * of the normal world's call (`nwd`), so that everyone's x8-x17 stay theirs
 * unless the ABI returns results there.
 */
enum action {
	CONTINUE, /* run the same vCPU again, registers as they are */
	RESUME, /* give `ret` (x0-x7) to the same vCPU and run it again */
	SWITCH, /* run `next` (its registers are set) */
	LEAVE, /* stop: `ret` (x0-x7) goes to the normal world (or to the boot code) */
	ANSWERED, /* stop: the answer is already in *nwd (a direct response) */
};

static bool uuid_matches(const struct partition *sp, uint64_t lo, uint64_t hi)
{
	if (lo == 0 && hi == 0) {
		return true; /* the nil UUID: any service of the partition */
	}
	for (unsigned int i = 0; i < sp->m.uuid_count; i++) {
		const uint32_t *w = sp->m.uuids[i];
		if (lo == ((uint64_t)w[1] << 32 | w[0]) && hi == ((uint64_t)w[3] << 32 | w[2])) {
			return true;
		}
	}
	return false;
}

/* Makes a waiting vCPU RUNNING; returns the state it was in (WAITING: it is now ours). */
static enum vcpu_state claim_waiting(struct partition *sp, struct vcpu *v)
{
	sl_lock(&sp->lock);
	enum vcpu_state was = v->state;
	if (was == VCPU_WAITING) {
		v->state = VCPU_RUNNING;
	}
	sl_unlock(&sp->lock);
	return was;
}

/*
 * A claimed vCPU takes direct request `req` from endpoint `from`: the message
 * in its registers and what its response will be checked against. `caller`
 * is the sending SP vCPU (NULL: the normal world or the SPMC), `fwk` is the w2
 * a framework message's response must have (0: not a framework message).
 */
static void start_request(struct vcpu *v, const struct ffa_value *req, ffa_id_t from,
			  struct vcpu *caller, uint32_t fwk)
{
	uint8_t own = (uint8_t)v->sp->m.ns_interrupts_action;

	ffa_direct_msg_write(req, v->arch.regs.x);
	v->serving = true;
	v->req_from = from;
	v->req_fid = ffa_fid(req);
	v->req_fwk = fwk;
	v->caller = caller;
	v->rtm = RTM_DIR_REQ;
	/* The least permissive action of the chain applies (FF-A v1.2 8.3.1). */
	v->ns_action = caller != NULL && caller->ns_action < own ? caller->ns_action : own;
}

/*
 * A framework message in a direct request (w2 bit 31): only the VM
 * availability messages (FF-A v1.2 18.3, "VM created" 4 and "VM destroyed"
 * 6), only from the hypervisor (the normal world's ID 0; the SPMD forwards
 * any normal-world request, and a VM's ID is not the hypervisor's), only to
 * a partition whose manifest subscribes to that message
 * (vm-availability-messages), for a VM ID of the normal world other than
 * the hypervisor's own; w3/w4 the VM's handle (passed on), w5 [31:16] and
 * w6-w7 MBZ. Anything else: INVALID_PARAMETERS, nothing delivered (as
 * Hafnium does for partitions that did not subscribe). *fwk: the w2 of
 * the response the partition must give.
 */
static int vm_availability_check(const struct ffa_value *args, const struct vcpu *from_sp,
				 const struct partition *target, uint32_t *fwk)
{
	uint32_t w2 = ffa_w(args, 2), w5 = ffa_w(args, 5);
	ffa_id_t vm = (ffa_id_t)w5;
	uint32_t want;

	if (from_sp != NULL || FFA_MSG_SENDER(ffa_w(args, 1)) != spmc.nwd.id ||
	    ffa_fid(args) != FFA_MSG_SEND_DIRECT_REQ_32) {
		return FFA_INVALID_PARAMETERS;
	}
	switch (w2) {
	case FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_CREATED_REQ:
		want = SP_VM_CREATED;
		*fwk = FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_CREATED_RESP;
		break;
	case FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_REQ:
		want = SP_VM_DESTROYED;
		*fwk = FFA_FWK_MSG_BIT | FFA_FWK_MSG_VM_DESTROYED_RESP;
		break;
	default:
		return FFA_INVALID_PARAMETERS;
	}
	if ((target->m.vm_availability_messages & want) == 0 || (w5 >> 16) != 0 || vm == 0 ||
	    ffa_id_is_secure(vm) || ffa_w(args, 6) != 0 || ffa_w(args, 7) != 0) {
		*fwk = 0;
		return FFA_INVALID_PARAMETERS;
	}
	return 0;
}

/*
 * Checks a direct request to `target` and, if it can be delivered, makes
 * the target's vCPU for this CPU serve it. `from_sp` is the sending vCPU,
 * NULL for the normal world. Returns the receiving vCPU, or NULL with the
 * FF-A error in *err and nothing changed.
 */
static struct vcpu *deliver_request(const struct ffa_value *args, struct vcpu *from_sp,
				    enum ffa_error *err)
{
	uint32_t fid = ffa_fid(args);
	uint32_t w1 = ffa_w(args, 1);
	ffa_id_t sender = FFA_MSG_SENDER(w1);
	struct partition *target = partition_find(FFA_MSG_RECEIVER(w1));
	bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2_64;

	*err = FFA_INVALID_PARAMETERS;
	if (target == NULL || (from_sp != NULL && target == from_sp->sp)) {
		return NULL;
	}
	if (from_sp != NULL ? sender != from_sp->sp->id : ffa_id_is_secure(sender)) {
		return NULL; /* spoofed sender */
	}
	if (from_sp != NULL && (from_sp->req_fwk || from_sp->rtm == RTM_SEC_INT)) {
		/* No requests while handling a power-management message or an interrupt. */
		*err = FFA_DENIED;
		return NULL;
	}
	/* w2 of DIRECT_REQ is MBZ for partition messages (bit 31 = framework message). */
	uint32_t fwk = 0;
	if (!req2 && (ffa_w(args, 2) & FFA_FWK_MSG_BIT) != 0) {
		int bad = vm_availability_check(args, from_sp, target, &fwk);
		if (bad != 0) {
			*err = (enum ffa_error)bad;
			return NULL;
		}
	} else if (!req2 && ffa_w(args, 2) != 0) {
		return NULL;
	}
	if (req2 && !uuid_matches(target, args->x[2], args->x[3])) {
		return NULL;
	}
	*err = FFA_DENIED;
	uint32_t recv_bit = req2 ? SP_MSG_DIRECT_REQ2_RECV : SP_MSG_DIRECT_REQ_RECV;
	uint32_t send_bit = req2 ? SP_MSG_DIRECT_REQ2_SEND : SP_MSG_DIRECT_REQ_SEND;
	if ((target->m.messaging_method & recv_bit) == 0 ||
	    (from_sp != NULL && (from_sp->sp->m.messaging_method & send_bit) == 0)) {
		return NULL;
	}
	if (target->aborted) {
		*err = FFA_ABORTED;
		return NULL;
	}
	struct vcpu *tv = partition_vcpu_for_cpu(target, cpu_this()->index);
	if (tv == NULL) {
		*err = FFA_INVALID_PARAMETERS;
		return NULL;
	}
	/* Call-chain loop: the target already waits further up this chain. */
	for (struct vcpu *c = from_sp; c != NULL; c = c->caller) {
		if (c->sp == target) {
			*err = FFA_DENIED;
			return NULL;
		}
	}
	enum vcpu_state was = claim_waiting(target, tv);
	if (was != VCPU_WAITING) {
		*err = was == VCPU_ABORTED ? FFA_ABORTED : FFA_BUSY;
		return NULL;
	}
	start_request(tv, args, sender, from_sp, fwk);
	if (from_sp != NULL) {
		from_sp->state = VCPU_BLOCKED;
	}
	return tv;
}

/* Where the answer to v's requester goes: the normal world's (*nwd) or the calling SP's registers.
 */
static uint64_t *requester_regs(struct vcpu *v, struct ffa_value *nwd)
{
	return v->caller != NULL ? v->caller->arch.regs.x : nwd->x;
}

/*
 * The answer has been written to requester_regs(v): continue with the
 * requester. One whose partition stopped while it waited is not run: its
 * own requester gets FFA_ERROR(ABORTED), and so on up the chain.
 */
static enum action resume_requester(struct vcpu *v, struct ffa_value *nwd, struct vcpu **next)
{
	struct vcpu *c = v->caller;

	v->caller = NULL;
	while (c != NULL && __builtin_expect(c->sp->aborted, 0)) {
		struct ffa_value err = ffa_error_value(FFA_ABORTED);
		struct vcpu *up = c->caller;
		sl_lock(&c->sp->lock);
		c->state = VCPU_ABORTED;
		c->rtm = RTM_NONE;
		sl_unlock(&c->sp->lock);
		c->serving = false;
		c->chain_preempted = NULL;
		ffa_answer(requester_regs(c, nwd), &err);
		c->caller = NULL;
		c = up;
	}
	if (c == NULL) {
		return ANSWERED;
	}
	c->state = VCPU_RUNNING;
	*next = c;
	return SWITCH;
}

/*
 * v handled its virtual interrupt (FFA_MSG_WAIT) or stopped: whatever it
 * preempted on this CPU continues, its registers as they were; if it
 * preempted the normal world, the run ends (the caller answers it).
 */
static enum action sec_int_done(struct vcpu *v, struct ffa_value *ret, struct vcpu **next)
{
	struct vcpu *p = v->preempted;

	v->preempted = NULL;
	if (p != NULL) {
		*next = p;
		return SWITCH;
	}
	*ret = (struct ffa_value){.x = {FFA_MSG_WAIT_32}};
	return LEAVE;
}

/* A non-secure interrupt preempts v (signaled): FFA_INTERRUPT to the normal world, FFA_RUN resumes.
 */
static enum action interrupted(struct vcpu *v, struct ffa_value *ret)
{
	struct partition *sp = v->sp;

	sl_lock(&sp->lock);
	v->state = VCPU_INTERRUPTED;
	sl_unlock(&sp->lock);
	*ret = (struct ffa_value){.x = {FFA_INTERRUPT_32, (uint32_t)sp->id << 16 | v->index}};
	return LEAVE;
}

/* Stops v's partition; the requester it was serving, if any, gets ABORTED. */
static enum action abort_vcpu(struct vcpu *v, struct ffa_value *nwd, struct ffa_value *ret,
			      struct vcpu **next)
{
	struct partition *sp = v->sp;
	struct ffa_value err = ffa_error_value(FFA_ABORTED);
	enum vcpu_rtm rtm = v->rtm;

	sl_lock(&sp->lock);
	bool first = !sp->aborted;
	sp->aborted = true;
	v->state = VCPU_ABORTED;
	v->rtm = RTM_NONE;
	sl_unlock(&sp->lock);
	if (first) {
		spmc_mem_partition_stopped(sp); /* its lenders can reclaim */
		irq_partition_stopped(sp); /* its interrupts off, what it held ended */
	}
	if (rtm == RTM_SEC_INT) {
		return sec_int_done(v, ret, next);
	}
	if (v->chain_preempted != NULL) {
		/* Its callees go on; their answer to it becomes ABORTED for its requester. */
		*next = v->chain_preempted;
		v->chain_preempted = NULL;
		return SWITCH;
	}
	if (!v->serving) {
		*ret = err;
		return LEAVE;
	}
	v->serving = false;
	ffa_answer(requester_regs(v, nwd), &err);
	return resume_requester(v, nwd, next);
}

static enum action direct_resp(struct vcpu *v, const struct ffa_value *args, struct ffa_value *nwd,
			       struct ffa_value *ret, struct vcpu **next)
{
	uint32_t fid = ffa_fid(args);
	uint32_t w1 = ffa_w(args, 1);
	bool resp2 = fid == FFA_MSG_SEND_DIRECT_RESP2_64;

	if (!v->serving) {
		*ret = ffa_error_value(FFA_DENIED);
		return RESUME;
	}
	/* Only to whoever sent the request, with the matching ABI, as itself. */
	if (FFA_MSG_SENDER(w1) != v->sp->id || FFA_MSG_RECEIVER(w1) != v->req_from ||
	    resp2 != (v->req_fid == FFA_MSG_SEND_DIRECT_REQ2_64)) {
		*ret = ffa_error_value(FFA_INVALID_PARAMETERS);
		return RESUME;
	}
	/* A framework request takes a framework response; anything else has w2 zero. */
	bool bad = __builtin_expect(v->req_fwk != 0, 0)
			   ? fid != FFA_MSG_SEND_DIRECT_RESP_32 || ffa_w(args, 2) != v->req_fwk
			   : !resp2 && ffa_w(args, 2) != 0;
	if (bad) {
		*ret = ffa_error_value(FFA_INVALID_PARAMETERS);
		return RESUME;
	}
	ffa_direct_msg_write(args, requester_regs(v, nwd));
	v->serving = false;
	v->req_fwk = 0;
	irq_request_done(v); /* a managed exit asked of it is over */
	sl_lock(&v->sp->lock);
	v->state = VCPU_WAITING;
	v->rtm = RTM_NONE;
	sl_unlock(&v->sp->lock);
	if (__builtin_expect(v->sp->el0, 0)) {
		irq_resp_check(v); /* what came while it ran, signalled now */
	}
	return resume_requester(v, nwd, next);
}

/*
 * A vCPU blocked in the running chain (a, S-EL1) has an interrupt of its
 * own (FF-A v1.2 8.3: a blocked target is signalled; Hafnium's "scenario
 * 1"): its pending direct request returns FFA_INTERRUPT (w2 = the ID, its
 * vIRQ pending) and it runs now; l, the chain's running vCPU, stays as it is
 * (registers untouched) until a resumes its callee with FFA_RUN. Meanwhile
 * a may not answer, wait, yield or send requests (DENIED).
 */
static enum action signal_blocked_owner(struct vcpu *a, struct vcpu *l, struct vcpu **next)
{
	struct ffa_value r = {.x = {FFA_INTERRUPT_32, 0, 0}};

	sl_lock(&a->sp->lock);
	r.x[2] = vint_peek(&a->vint);
	a->state = VCPU_RUNNING;
	a->chain_preempted = l;
	sl_unlock(&a->sp->lock);
	ffa_answer(a->arch.regs.x, &r);
	*next = a;
	return SWITCH;
}

/*
 * FFA_RUN from v, whose chain it preempted (signal_blocked_owner): w1 must
 * name its callee (the vCPU it sent its request to); it must have
 * deactivated what it took. The chain's preempted vCPU continues where it
 * was; v is blocked again and gets its callee's answer.
 */
static enum action resume_chain(struct vcpu *v, const struct ffa_value *args, struct ffa_value *ret,
				struct vcpu **next)
{
	struct vcpu *l = v->chain_preempted, *callee = l;
	uint32_t w1 = ffa_w(args, 1);

	while (callee->caller != v) {
		callee = callee->caller;
	}
	if ((w1 >> 16) != callee->sp->id || (w1 & 0xFFFFU) != callee->index) {
		*ret = ffa_error_value(FFA_INVALID_PARAMETERS);
		return RESUME;
	}
	if (irq_any_active(v)) {
		*ret = ffa_error_value(FFA_DENIED); /* HF_INTERRUPT_DEACTIVATE first */
		return RESUME;
	}
	sl_lock(&v->sp->lock);
	v->state = VCPU_BLOCKED;
	v->chain_preempted = NULL;
	sl_unlock(&v->sp->lock);
	*next = l;
	return SWITCH;
}

/* FFA_CONSOLE_LOG: w1 = count; characters in x2.. (4 per register for SMC32). */
static struct ffa_value console_log(struct partition *sp, const struct ffa_value *args)
{
	bool wide = ffa_fid(args) == FFA_CONSOLE_LOG_64;
	uint32_t per_reg = wide ? 8U : 4U;
	uint32_t count = ffa_w(args, 1);

	if (count == 0 || count > per_reg * (wide ? 16U : 6U)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	for (uint32_t i = 0; i < count; i++) {
		char c = (char)(args->x[2 + i / per_reg] >> (8 * (i % per_reg)));
		/* A newline ends the line; a full buffer is printed before it grows. */
		if (c == '\n' || sp->log_len == sizeof(sp->log) - 1) {
			sp->log[sp->log_len] = '\0';
			LOG_NOTICE("SP %04x: %s\n", sp->id, sp->log);
			sp->log_len = 0;
		}
		if (c != '\n') {
			sp->log[sp->log_len++] = (c >= 0x20 && c < 0x7F) ? c : '?';
		}
	}
	return ffa_success_value(0);
}

/* FFA_MSG_WAIT from a vCPU that serves no request. */
static enum action msg_wait(struct vcpu *v, struct ffa_value *ret, struct vcpu **next)
{
	struct partition *sp = v->sp;
	uint32_t id = irq_wait_check(v);

	if (id != VINT_NONE) {
		/* Something to handle first: FFA_INTERRUPT instead of waiting (w2: the ID). */
		*ret = (struct ffa_value){.x = {FFA_INTERRUPT_32, 0, id}};
		return RESUME;
	}
	sl_lock(&sp->lock);
	enum vcpu_rtm rtm = v->rtm;
	v->state = VCPU_WAITING;
	v->rtm = RTM_NONE;
	sl_unlock(&sp->lock);
	if (rtm == RTM_SEC_INT) {
		return sec_int_done(v, ret, next);
	}
	*ret = (struct ffa_value){.x = {FFA_MSG_WAIT_32}};
	return LEAVE;
}

static enum action sp_call(struct vcpu *v, const struct ffa_value *args, struct ffa_value *nwd,
			   struct ffa_value *ret, struct vcpu **next)
{
	struct partition *sp = v->sp;
	uint32_t fid = ffa_fid(args);
	enum ffa_error err;

	if (!ffa_call_begin(&sp->ep, fid)) {
		*ret = ffa_error_value(FFA_NOT_SUPPORTED);
		return RESUME;
	}
	if (__builtin_expect(v->chain_preempted != NULL, 0)) {
		if (fid == FFA_RUN_32) {
			return resume_chain(v, args, ret, next);
		}
		if (ffa_is_direct_req(fid) || ffa_is_direct_resp(fid) || fid == FFA_MSG_WAIT_32 ||
		    fid == FFA_YIELD_32) {
			*ret = ffa_error_value(FFA_DENIED); /* its callee first (FFA_RUN) */
			return RESUME;
		}
	}
	if (ffa_is_direct_req(fid)) {
		struct vcpu *tv = deliver_request(args, v, &err);
		if (tv == NULL) {
			*ret = ffa_error_value(err);
			return RESUME;
		}
		*next = tv;
		return SWITCH;
	}
	if (ffa_is_direct_resp(fid)) {
		return direct_resp(v, args, nwd, ret, next);
	}
	switch (fid) {
	case FFA_MSG_WAIT_32:
		if (v->serving) {
			/* A direct request must be answered with a direct response. */
			*ret = ffa_error_value(FFA_DENIED);
			return RESUME;
		}
		return msg_wait(v, ret, next);
	case FFA_ERROR_32:
		if (!v->serving) {
			LOG_ERROR("SP %04x: FFA_ERROR %d during initialisation\n", sp->id,
				  (int)(int32_t)args->x[2]);
			return abort_vcpu(v, nwd, ret, next);
		}
		*ret = ffa_error_value(FFA_DENIED);
		return RESUME;
	case FFA_YIELD_32:
		if (!v->serving || v->caller != NULL || v->req_fwk) {
			*ret = ffa_error_value(FFA_DENIED);
			return RESUME;
		}
		sl_lock(&sp->lock);
		v->state = VCPU_PREEMPTED;
		sl_unlock(&sp->lock);
		/* w1: who yielded; w2/w3: the optional timeout, passed on (FF-A v1.2 14.3). */
		*ret = (struct ffa_value){.x = {FFA_YIELD_32, (uint32_t)sp->id << 16 | v->index,
						ffa_w(args, 2), ffa_w(args, 3)}};
		return LEAVE;
	case FFA_MSG_SEND2_32:
		*ret = spmc_msg_send2(&sp->ep, &sp->rxtx, args);
		return RESUME;
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
		*ret = console_log(sp, args);
		return RESUME;
	case FFA_MEM_PERM_GET_32:
	case FFA_MEM_PERM_SET_32:
		*ret = partition_mem_perm(v, args);
		return RESUME;
	case FFA_SECONDARY_EP_REGISTER_64:
		/* Anywhere in its executable memory (OP-TEE may have relocated itself in it). */
		if (args->x[1] < sp->ro_end || args->x[1] >= sp->mem_end || (args->x[1] & 3) != 0) {
			*ret = ffa_error_value(FFA_INVALID_PARAMETERS);
			return RESUME;
		}
		sp->secondary_ep = args->x[1];
		*ret = (struct ffa_value){.x = {FFA_SUCCESS_64}};
		return RESUME;
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		*ret = spmc_rxtx_map(sp, &sp->rxtx, args);
		return RESUME;
	case FFA_RXTX_UNMAP_32:
		*ret = spmc_rxtx_unmap(&sp->ep, &sp->rxtx, args);
		return RESUME;
	case FFA_RX_RELEASE_32:
		*ret = spmc_rx_release(sp->id, &sp->rxtx, args);
		return RESUME;
	case FFA_PARTITION_INFO_GET_32:
		*ret = spmc_partition_info_get(&sp->ep, &sp->rxtx, args);
		return RESUME;
	case FFA_PARTITION_INFO_GET_REGS_64: {
		/* Results in x3-x17. */
		struct ffa_value r = spmc_partition_info_get_regs(&sp->ep, args);
		if ((uint32_t)r.x[0] != FFA_SUCCESS_64) {
			*ret = r;
			return RESUME;
		}
		ffa_answer_wide(v->arch.regs.x, &r);
		return CONTINUE;
	}
	default:
		if (ffa_is_mem_fid(fid)) {
			*ret = spmc_mem_call(sp, args);
			return RESUME;
		}
		*ret = ffa_is_notification_fid(fid) ? spmc_notif_call(v, args)
						    : ffa_call(&spmc.inst, &sp->ep, args);
		return RESUME;
	}
}

static enum action handle_exit(struct vcpu *v, const struct arch_exit *e, struct ffa_value *nwd,
			       struct ffa_value *ret, struct vcpu **next)
{
	unsigned int ec = (unsigned int)(e->esr >> 26) & 0x3FU;
	struct ffa_value args;

	if (e->kind == EXIT_SYNC && v->sp->el0 && ec == ESR_EC_HVC64) {
		/* The EL1 shim: the EL0 exception is in ESR_EL1 (el0_shim.S). */
		uint64_t esr1, far1, elr1;
		arch_vcpu_el1_exception(&esr1, &far1, &elr1);
		if (((esr1 >> 26) & 0x3FU) == ESR_EC_SVC64) {
			if (irq_is_hf_call(v->arch.regs.x[0])) {
				v->arch.regs.x[0] = (uint64_t)irq_hf_call(v, v->arch.regs.x);
				return CONTINUE;
			}
			memcpy(&args, v->arch.regs.x, sizeof(args));
			return sp_call(v, &args, nwd, ret, next);
		}
		LOG_ERROR("SP %04x EC %u: S-EL0 exception (ESR_EL1 0x%llx, FAR 0x%llx, PC 0x%llx): "
			  "partition stopped\n",
			  v->sp->id, v->index, (unsigned long long)esr1, (unsigned long long)far1,
			  (unsigned long long)elr1);
		return abort_vcpu(v, nwd, ret, next);
	}
	if (e->kind == EXIT_SYNC && !v->sp->el0 && (ec == ESR_EC_SMC64 || ec == ESR_EC_HVC64)) {
		if (ec == ESR_EC_SMC64) {
			v->arch.regs.pc += 4; /* a trapped SMC returns to itself */
		} else if (irq_is_hf_call(v->arch.regs.x[0])) {
			/* Hafnium's paravirtual interface: the result in x0, nothing else touched.
			 */
			v->arch.regs.x[0] = (uint64_t)irq_hf_call(v, v->arch.regs.x);
			return CONTINUE;
		}
		memcpy(&args, v->arch.regs.x, sizeof(args));
		return sp_call(v, &args, nwd, ret, next);
	}
	if (e->kind == EXIT_SYNC && ec == ESR_EC_FP) {
		/* First FP/SIMD use since this CPU last held its state: switch, retry. */
		arch_vcpu_fp_claim(&v->arch);
		return CONTINUE;
	}
	if (e->kind == EXIT_IRQ) {
		/* Secure interrupts; true: a managed exit ignored too long, signaled instead. */
		if (irq_physical(v)) {
			return interrupted(v, ret);
		}
		struct vcpu *owner = irq_blocked_owner(v);
		return owner != NULL ? signal_blocked_owner(owner, v, next) : CONTINUE;
	}
	if (e->kind == EXIT_FIQ) {
		return irq_ns_interrupt(v) == IRQ_NS_SIGNALED ? interrupted(v, ret) : CONTINUE;
	}
	if (e->kind == EXIT_SYNC && ec == ESR_EC_SYSREG && vtimer_sysreg(v, e->esr)) {
		return CONTINUE; /* its EL1 physical timer, emulated */
	}
	if (e->kind == EXIT_SYNC && ec == ESR_EC_DABT_LOWER &&
	    partition_uart_access(v, e->esr, e->hpfar_ipa | (e->far & 0xFFF))) {
		return CONTINUE; /* the emulated console UART (partition.c) */
	}
	if (e->kind == EXIT_SYNC && (ec == ESR_EC_DABT_LOWER || ec == ESR_EC_IABT_LOWER)) {
		LOG_ERROR("SP %04x EC %u: stage-2 %s abort at IPA 0x%llx (VA 0x%llx, PC 0x%llx, "
			  "ESR 0x%llx): partition stopped\n",
			  v->sp->id, v->index, ec == ESR_EC_DABT_LOWER ? "data" : "instruction",
			  (unsigned long long)e->hpfar_ipa | (e->far & 0xFFF),
			  (unsigned long long)e->far, (unsigned long long)v->arch.regs.pc,
			  (unsigned long long)e->esr);
	} else {
		LOG_ERROR("SP %04x EC %u: unexpected exit (kind %u, ESR 0x%llx, PC 0x%llx): "
			  "partition stopped\n",
			  v->sp->id, v->index, e->kind, (unsigned long long)e->esr,
			  (unsigned long long)v->arch.regs.pc);
	}
	return abort_vcpu(v, nwd, ret, next);
}

/*
 * The next vCPU this CPU claimed to handle a virtual interrupt, skipping
 * those whose partition stopped meanwhile.
 */
static struct vcpu *next_woken(void)
{
	struct vcpu *w;

	while ((w = irq_wake_pop()) != NULL) {
		sl_lock(&w->sp->lock);
		bool stopped = w->sp->aborted;
		if (stopped) {
			w->state = VCPU_ABORTED;
			w->rtm = RTM_NONE;
		}
		sl_unlock(&w->sp->lock);
		if (!stopped) {
			return w;
		}
	}
	return NULL;
}

void spmc_run(struct vcpu *v, struct ffa_value *nwd)
{
	struct ffa_value ret; /* written by whichever handler says RESUME or LEAVE */

	for (;;) {
		/* A waiting vCPU with an interrupt to handle preempts a normal-world scheduled one.
		 */
		if (__builtin_expect(irq_wake_pending(), 0) &&
		    (v->rtm == RTM_DIR_REQ || v->rtm == RTM_FFA_RUN)) {
			struct vcpu *w = next_woken();
			if (w != NULL) {
				w->preempted = v;
				v = w;
			}
		}
		irq_vcpu_entry(v);
		bench_guest_begin();
		struct arch_exit e = arch_vcpu_run(&v->arch);
		bench_guest_end();
		struct vcpu *next = v;

		switch (handle_exit(v, &e, nwd, &ret, &next)) {
		case CONTINUE:
			break;
		case RESUME:
			ffa_answer(v->arch.regs.x, &ret);
			break;
		case SWITCH:
			v = next;
			break;
		case LEAVE:
			ffa_answer(nwd->x, &ret);
			return;
		case ANSWERED:
			return;
		}
	}
}

void spmc_run_from_nwd(struct ffa_value *nwd)
{
	uint32_t w1 = ffa_w(nwd, 1);
	struct partition *sp = partition_find((ffa_id_t)(w1 >> 16));
	unsigned int idx = w1 & 0xFFFF;
	struct ffa_value r = {0};

	if (sp == NULL || idx >= sp->vcpu_count ||
	    (sp->vcpu_count > 1 && idx != cpu_this()->index)) {
		/* An MP partition's contexts are pinned: only this CPU's can run here. */
		r = ffa_error_value(FFA_INVALID_PARAMETERS);
		ffa_answer(nwd->x, &r);
		return;
	}
	struct vcpu *v = &sp->vcpus[idx];
	sl_lock(&sp->lock);
	enum vcpu_state was = v->state;
	if (sp->aborted || was == VCPU_ABORTED) {
		r = ffa_error_value(FFA_ABORTED);
	} else if (was == VCPU_PREEMPTED) {
		r.x[0] = FFA_SUCCESS_32; /* the return of its FFA_YIELD */
	} else if (was == VCPU_WAITING) {
		r.x[0] = FFA_RUN_32; /* the return of its FFA_MSG_WAIT */
		r.x[1] = w1;
	} else if (was != VCPU_INTERRUPTED) {
		r = ffa_error_value(FFA_BUSY);
	}
	if ((uint32_t)r.x[0] == FFA_ERROR_32) {
		sl_unlock(&sp->lock);
		ffa_answer(nwd->x, &r);
		return;
	}
	v->state = VCPU_RUNNING;
	if (was == VCPU_WAITING) {
		/* Cycles to spend as it likes: no request to exit from, so managed exit acts as
		 * signaled. */
		v->rtm = RTM_FFA_RUN;
		v->ns_action = sp->m.ns_interrupts_action == SP_NS_INT_MANAGED_EXIT
				       ? SP_NS_INT_SIGNALED
				       : (uint8_t)sp->m.ns_interrupts_action;
	}
	sl_unlock(&sp->lock);
	if (was != VCPU_INTERRUPTED) {
		ffa_answer(v->arch.regs.x, &r);
	} /* else: stopped between two instructions, its registers stay as they are */
	spmc_run(v, nwd);
	arch_vcpu_restore_nwd();
}

int32_t spmc_pm_message(struct vcpu *v, uint32_t psci_fid)
{
	struct ffa_value req = {.x = {FFA_MSG_SEND_DIRECT_REQ_32,
				      FFA_MSG_ENDPOINTS(spmc.inst.spmc_id, v->sp->id),
				      FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_REQ, psci_fid}};
	struct ffa_value r = {0};

	if (claim_waiting(v->sp, v) != VCPU_WAITING) {
		return SPMC_PM_NOT_DELIVERED;
	}
	start_request(v, &req, spmc.inst.spmc_id, NULL, FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_RESP);
	spmc_run(v, &r);
	arch_vcpu_restore_nwd();
	v->req_fwk = false;
	return (uint32_t)r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 ? (int32_t)r.x[3]
							       : SPMC_PM_NOT_ANSWERED;
}

void spmc_run_woken(void)
{
	struct vcpu *w = next_woken();

	if (w == NULL) {
		return;
	}
	do {
		struct ffa_value done = {0}; /* its FFA_MSG_WAIT: nobody to tell */
		spmc_run(w, &done);
	} while ((w = next_woken()) != NULL);
	arch_vcpu_restore_nwd();
}

void spmc_direct_req_from_nwd(struct ffa_value *nwd)
{
	enum ffa_error err;
	struct vcpu *tv = deliver_request(nwd, NULL, &err);

	if (tv == NULL) {
		struct ffa_value r = ffa_error_value(err);
		ffa_answer(nwd->x, &r);
		return;
	}
	spmc_run(tv, nwd);
	arch_vcpu_restore_nwd();
}
