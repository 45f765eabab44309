/*
 * What the hypervisor keeps of each VM and vCPU as FF-A endpoints (see
 * hyp/ffa.h): part of struct vm and struct vcpu.
 */
#ifndef HYP_FFA_STATE_H
#define HYP_FFA_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa_core.h"
#include "ffa/notif.h"
#include "ffa/rxtx.h"

struct vcpu;

/* VM availability messages a partition VM may have waiting (more: dropped, with a warning). */
#define HYP_FFA_AVAIL_QUEUE 8U

/* Why a vCPU waits inside an FF-A call (it is not runnable meanwhile). */
enum vcpu_ffa_wait {
	VCPU_FFA_RUNNING = 0, /* in no FF-A wait */
	VCPU_FFA_WAITING, /* FFA_MSG_WAIT, or after a direct response: for the next message */
	VCPU_FFA_BLOCKED, /* sent a direct request: for its response */
	VCPU_FFA_YIELDED, /* FFA_YIELD with a timeout: until the counter reaches yield_until */
};

/* A vCPU's FF-A state; under its VM's lock, `wait` also read by the scheduler. */
struct vcpu_ffa {
	uint32_t wait; /* enum vcpu_ffa_wait (atomic) */
	bool serving; /* took a direct request it has not answered yet */
	ffa_id_t req_from; /* ... from this endpoint */
	uint32_t req_fid; /* ... with this ABI */
	struct vcpu *caller; /* the vCPU blocked on the answer */
	struct vcpu *peer; /* BLOCKED: the vCPU whose answer it waits for */
	/* Notifications or a message came while it did not wait: its next MSG_WAIT gets RUN. */
	bool run_pending;
	/* Serving a VM availability message of tzvisor's: the w2 its response must have. */
	uint32_t req_fwk;
	/* YIELDED: the physical counter value at which it runs again (FFA_YIELD's timeout). */
	uint64_t yield_until;
	/* Forwarding: w1 of the SPMC's FFA_INTERRUPT/FFA_YIELD answer (what FFA_RUN resumes). */
	uint32_t fwd_run;
};

/* A VM's FF-A endpoint. */
struct vm_ffa {
	struct ffa_endpoint ep; /* its ID: a partition's from the manifest, else the VM's number */
	/* RX/TX buffers: tx and rx are the pages' physical addresses (tzvisor's identity map). */
	struct ffa_rxtx rxtx;
	uint64_t tx_ipa, rx_ipa; /* as the guest gave them */
	/*
	 * As a notification receiver (under the hypervisor's notification lock):
	 * everything under the emulated SPMC; notifications from other VMs and
	 * the hypervisor's framework ones when forwarding (partitions' are the
	 * SPMC's).
	 */
	struct ffa_notif notif;
	/* Forwarding: what the SPMC's schedule-receiver interrupt said is pending for it. */
	bool fwd_pending_global;
	uint32_t fwd_pending_vcpus;
	bool fwd_known; /* its bitmap exists at the SPMC and partitions were told it exists */
	/* Forwarding: a partition's message for it waits in tzvisor's hold page (its RX is full).
	 */
	bool fwd_msg_held;
	/* Forwarding: the SPMC counts its RX buffer full (a partition's message, unreleased). */
	bool fwd_rx_claimed;
	/* Set once its stop has been handled (requesters answered, memory taken back). */
	bool torn_down;
	/* How many times it was reset: the high half of its VM handle (VM availability). */
	uint32_t life;
	/*
	 * Emulated SPMC, a partition VM that subscribes to VM availability
	 * messages: those not yet delivered to its vCPU 0 (under its VM's lock).
	 */
	struct {
		uint32_t type; /* FFA_FWK_MSG_VM_CREATED_REQ or _DESTROYED_REQ */
		uint16_t vm;
		uint64_t handle;
	} avail[HYP_FFA_AVAIL_QUEUE];
	unsigned int avail_first, avail_count;
	char log[128]; /* a partition VM's FFA_CONSOLE_LOG line */
	unsigned int log_len;
};

#endif
