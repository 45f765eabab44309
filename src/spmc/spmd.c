/*
 * The SPMC side of TF-A's SPMD protocol (TF-A services/std_svc/spmd).
 *
 * Each CPU ends its initialisation with FFA_MSG_WAIT; the SMC returns with the
 * next request, and every answer is the next SMC. Requests are either
 * normal-world FF-A calls forwarded by the SPMD, or framework messages from
 * the SPMD itself: direct requests with sender 0xFFFF and bit 31 of w2 set
 * (FF-A v1.2 section 18.3):
 *   - FFA_VERSION on behalf of the normal world (w3 = requested version),
 *   - PSCI CPU_OFF for this CPU (w3 = PSCI function ID).
 * A secure interrupt taken while the normal world ran arrives as
 * FFA_INTERRUPT: spmc/irq.c hands it to its owner, which may run (a waiting
 * partition), and the answer is FFA_NORMAL_WORLD_RESUME.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "spmc/bench.h"
#include "spmc/discovery.h"
#include "spmc/indirect.h"
#include "spmc/irq.h"
#include "spmc/mem.h"
#include "spmc/notif.h"
#include "spmc/partition.h"
#include "spmc/run.h"
#include "spmc/spmc.h"

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)

static struct ffa_value framework_resp(uint32_t type, uint64_t w3)
{
	struct ffa_value r = {.x = {FFA_MSG_SEND_DIRECT_RESP_32,
				    FFA_MSG_ENDPOINTS(spmc.inst.spmc_id, FFA_SPMD_ENDPOINT_ID),
				    FFA_FWK_MSG_BIT | type, w3}};
	return r;
}

static struct ffa_value framework_msg(const struct ffa_value *req)
{
	uint32_t type = ffa_w(req, 2) & FFA_FWK_MSG_TYPE_MASK;
	uint32_t w3 = ffa_w(req, 3);

	switch (type) {
	case FFA_FWK_MSG_VERSION_REQ: {
		struct ffa_value v = ffa_version(&spmc.nwd, w3);
		LOG_VERBOSE("normal world FFA_VERSION %u.%u -> %s\n", FFA_VERSION_MAJOR_OF(w3),
			    FFA_VERSION_MINOR_OF(w3),
			    (uint32_t)v.x[0] == FFA_VERSION_IMPLEMENTED ? "1.2" : "NOT_SUPPORTED");
		return framework_resp(FFA_FWK_MSG_VERSION_RESP, (uint32_t)v.x[0]);
	}
	case FFA_FWK_MSG_PSCI_REQ:
		if (w3 == PSCI_CPU_OFF_FID) {
			struct cpu *c = cpu_this();
			c->on = false;
			partitions_cpu_off(c->index);
			irq_cpu_off(c->index);
			LOG_INFO("CPU_OFF: core %u going down\n", c->index);
			return framework_resp(FFA_FWK_MSG_PSCI_RESP, PSCI_SUCCESS);
		}
		LOG_WARNING("PSCI framework message 0x%x not supported\n", w3);
		return framework_resp(FFA_FWK_MSG_PSCI_RESP, (uint32_t)PSCI_NOT_SUPPORTED);
	default:
		LOG_WARNING("unknown framework message type 0x%x\n", type);
		return ffa_error_value(FFA_INVALID_PARAMETERS);
	}
}

static bool is_framework_msg(const struct ffa_value *req)
{
	uint32_t fid = ffa_fid(req);

	return (fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_REQ_64) &&
	       (ffa_w(req, 2) & FFA_FWK_MSG_BIT) != 0 &&
	       FFA_MSG_SENDER(ffa_w(req, 1)) == FFA_SPMD_ENDPOINT_ID &&
	       FFA_MSG_RECEIVER(ffa_w(req, 1)) == spmc.inst.spmc_id;
}

static struct ffa_value spmc_nwd_call(const struct ffa_value *req);

void spmc_handle(struct ffa_value *v)
{
	uint32_t fid = ffa_fid(v);
	struct ffa_value r;

	if (is_framework_msg(v)) {
		r = framework_msg(v);
	} else if (fid == FFA_INTERRUPT_32) {
		/* Handled (spmc_serve runs the partitions it woke), then the normal world resumes.
		 */
		irq_physical(NULL);
		r = (struct ffa_value){.x = {FFA_NORMAL_WORLD_RESUME_32}};
	} else if (bench_query(v, &r)) {
		/* r holds the benchmark figures */
	} else if (!ffa_call_begin(&spmc.nwd, fid)) {
		r = ffa_error_value(FFA_NOT_SUPPORTED);
	} else {
		switch (fid) {
		/* Calls that run partitions: the answer comes from wherever they stop. */
		case FFA_MSG_SEND_DIRECT_REQ_32:
		case FFA_MSG_SEND_DIRECT_REQ_64:
		case FFA_MSG_SEND_DIRECT_REQ2_64:
			spmc_direct_req_from_nwd(v);
			return;
		case FFA_RUN_32:
			spmc_run_from_nwd(v);
			return;
		case FFA_PARTITION_INFO_GET_REGS_64:
			r = spmc_partition_info_get_regs(&spmc.nwd, v);
			if ((uint32_t)r.x[0] == FFA_SUCCESS_64) {
				ffa_answer_wide(v->x, &r); /* results in x3-x17 */
				return;
			}
			break;
		default:
			r = spmc_nwd_call(v);
			break;
		}
	}
	ffa_answer(v->x, &r);
}

/* A normal-world FF-A call (not a framework message) that runs no partition. */
static struct ffa_value spmc_nwd_call(const struct ffa_value *req)
{
	uint32_t fid = ffa_fid(req);

	switch (fid) {
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		return spmc_rxtx_map(NULL, &spmc.nwd_rxtx, req);
	case FFA_RXTX_UNMAP_32:
		return spmc_rxtx_unmap(&spmc.nwd, &spmc.nwd_rxtx, req);
	case FFA_RX_RELEASE_32:
		return spmc_rx_release(spmc.nwd.id, &spmc.nwd_rxtx, req);
	case FFA_PARTITION_INFO_GET_32:
		return spmc_partition_info_get(&spmc.nwd, &spmc.nwd_rxtx, req);
	case FFA_RX_ACQUIRE_32:
		return spmc_rx_acquire(spmc.nwd.id, &spmc.nwd_rxtx, req);
	case FFA_MSG_SEND2_32:
		return spmc_msg_send2(&spmc.nwd, &spmc.nwd_rxtx, req);
	default:
		break;
	}
	if (ffa_is_notification_fid(fid)) {
		return spmc_notif_call(NULL, req);
	}
	if (ffa_is_mem_fid(fid)) {
		return spmc_mem_call(NULL, req);
	}
	return ffa_call(&spmc.inst, &spmc.nwd, req);
}

void spmc_serve(void)
{
	struct ffa_value v = {.x = {FFA_MSG_WAIT_32}};

	for (;;) {
		spmc_run_woken(); /* partitions woken to handle an interrupt (or a notification) */
		irq_leave_to_nwd();
		spmc_sri_flush();
		bench_request_end();
		arch_smc(&v);
		bench_request_begin();
		spmc_handle(&v);
	}
}
