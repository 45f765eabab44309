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
 * Memory sharing: ffa_fwd_mem.c. Not forwarded yet (NOT_SUPPORTED,
 * FFA_FEATURES says so): FFA_MSG_SEND2 to partitions, notifications from or to partitions (the
 * SPMC's per-VM bitmaps), VM creation and destruction messages, the SPMC's
 * schedule-receiver interrupt.
 */
#include <string.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/types.h"
#include "hyp/ffa_internal.h"

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

void hyp_ffa_fwd_vms_ready(void)
{
}

void hyp_ffa_fwd_cpu_init(uint64_t redist)
{
	(void)redist;
}

static bool known_partition(ffa_id_t id)
{
	for (unsigned int i = 0; i < hyp_ffa.ndescs; i++) {
		if (hyp_ffa.descs[i].id == id) {
			return true;
		}
	}
	return false;
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
		v->ffa.fwd_run = ffa_w(r, 1);
	}
	hyp_ffa_answer(v, r);
}

static struct ffa_value direct_req(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	uint32_t w1 = ffa_w(args, 1);
	ffa_id_t to = FFA_MSG_RECEIVER(w1);

	/* As itself, to a partition the SPMC has; no framework messages from guests. */
	if (FFA_MSG_SENDER(w1) != v->vm->ffa.ep.id || !ffa_id_is_secure(to) ||
	    !known_partition(to) ||
	    (fid != FFA_MSG_SEND_DIRECT_REQ2_64 && (ffa_w(args, 2) & FFA_FWK_MSG_BIT) != 0)) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	struct ffa_value r = *args;
	r.x[0] = fid; /* the SVE hint masked */
	r.x[1] = w1;
	arch_smc(&r);
	return r;
}

static struct ffa_value run(struct vcpu *v, const struct ffa_value *args)
{
	uint32_t target = ffa_w(args, 1);

	if (v->ffa.fwd_run == 0 || target != v->ffa.fwd_run) {
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
	v->ffa.fwd_run = 0;
	return firmware(FFA_RUN_32, target, 0, 0, 0, 0);
}

bool hyp_ffa_fwd_call(struct vcpu *v, const struct ffa_value *args, uint32_t fid)
{
	struct ffa_value r;

	if (hyp_ffa_is_mem_fid(fid)) {
		r = hyp_ffa_fwd_mem_call(v, args, fid);
		hyp_ffa_answer(v, &r);
		return true;
	}
	if (ffa_is_direct_req(fid)) {
		r = direct_req(v, args, fid);
	} else if (fid == FFA_RUN_32) {
		r = run(v, args);
	} else {
		r = ffa_error_value(FFA_NOT_SUPPORTED);
		hyp_ffa_answer(v, &r);
		return true;
	}
	if ((uint32_t)r.x[0] == FFA_ERROR_32) {
		hyp_ffa_answer(v, &r);
	} else {
		give_back(v, &r);
	}
	return true;
}

struct ffa_value hyp_ffa_fwd_notif(struct vm *vm, const struct ffa_value *args)
{
	(void)vm;
	(void)args;
	return ffa_error_value(FFA_NOT_SUPPORTED);
}

struct ffa_value hyp_ffa_fwd_send2(struct vm *vm, const uint8_t *msg, uint32_t w2)
{
	(void)vm;
	(void)msg;
	(void)w2;
	return ffa_error_value(FFA_NOT_SUPPORTED);
}

bool hyp_ffa_fwd_irq(unsigned int intid)
{
	(void)intid;
	return false;
}

void hyp_ffa_fwd_poll(void)
{
}

void hyp_ffa_fwd_vm_stopped(struct vm *vm)
{
	(void)vm;
}

void hyp_ffa_fwd_vm_reset(struct vm *vm)
{
	(void)vm;
}

void hyp_ffa_fwd_rx_released(struct vm *vm)
{
	(void)vm;
}
