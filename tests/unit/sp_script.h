/*
 * The scripted-partition harness shared by the run-loop host tests
 * (sp_script.c): three partitions, scripts that play them, a trace of every
 * entry, stubs for the modules the run loop calls, and checks.
 */
#ifndef TESTS_SP_SCRIPT_H
#define TESTS_SP_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"
#include "spmc/partition.h"

#define ID_A 0x8001U /* UP: sends and receives REQ and REQ2 */
#define ID_B 0x8002U /* MP, 4 vCPUs: sends and receives REQ and REQ2 */
#define ID_C 0x8003U /* UP: receives REQ only, sends nothing */
#define SP_A (&partitions[0])
#define SP_B (&partitions[1])
#define SP_C (&partitions[2])
#define NUM_SPS 3U

#define IMAGE_BASE 0x10000U
#define IMAGE_END 0x20000U

/* A's UUIDs as manifest cells, and as the x2/x3 of a DIRECT_REQ2. */
#define A_UUID_LO 0x2222222211111111ULL
#define A_UUID_HI 0x4444444433333333ULL
#define A_UUID2_LO 0x6666666655555555ULL
#define A_UUID2_HI 0x8888888877777777ULL
#define B_UUID_LO 0xBBBBBBBBAAAAAAAAULL
#define B_UUID_HI 0xDDDDDDDDCCCCCCCCULL

#define MSG_ALL                                                                      \
	(SP_MSG_DIRECT_REQ_RECV | SP_MSG_DIRECT_REQ_SEND | SP_MSG_DIRECT_REQ2_RECV | \
	 SP_MSG_DIRECT_REQ2_SEND)

#define CALL(...) ((struct ffa_value){.x = {__VA_ARGS__}})

/* What a partition does when entered for the n-th time (n counts per partition). */
typedef struct arch_exit (*sp_script)(struct vcpu *v, unsigned int n);
extern sp_script script[NUM_SPS];
extern unsigned int entries[NUM_SPS];

/* Every entry into a vCPU, with the registers it found. */
struct trace_entry {
	ffa_id_t id;
	unsigned int index;
	uint64_t x[FFA_VALUE_REGS];
	uint64_t pc;
	uint64_t hcr; /* HCR_EL2 it ran under (VI, VF) */
};
#define TRACE_MAX 64U
extern struct trace_entry trace[TRACE_MAX];
extern unsigned int trace_len;
extern unsigned int restore_calls;

/* Stubs of the modules the run loop calls: what they were asked. */
extern unsigned int mem_calls;
extern const struct partition *mem_stopped[NUM_SPS];
extern unsigned int mem_stops;
extern uint64_t el1_esr, el1_far, el1_elr; /* the EL1 shim's registers (S-EL0) */
extern const struct arch_vcpu *fp_claimed[TRACE_MAX];
extern unsigned int fp_claims;
extern unsigned int stub_calls;
extern const struct ffa_endpoint *stub_ep;
extern unsigned int notif_calls;
extern const struct vcpu *notif_caller;
extern unsigned int mem_perm_calls;
/* The last call each vCPU made (its x8-x17 must survive the answer). */
extern struct ffa_value last_call[NUM_SPS][SP_MAX_EXEC_CTX];

/* The SP's next call, as a trap of class `ec` (SMC, HVC), an SMC, an HVC. */
struct arch_exit trap(struct vcpu *v, unsigned int ec, struct ffa_value call);
struct arch_exit smc(struct vcpu *v, struct ffa_value call);
struct arch_exit hvc(struct vcpu *v, struct ffa_value call);
/* A stage-2 data abort (write, DFSC translation fault level 3). */
struct arch_exit data_abort(void);
/* The direct response that echoes the request v holds in its registers. */
struct ffa_value echo_of(const struct vcpu *v);
/* Normal-world calls, answered in place over the caller's registers: the registers after. */
struct ffa_value nwd_direct(const struct ffa_value *req);
struct ffa_value nwd_run(const struct ffa_value *req);
/* Runs a vCPU as the boot code does (the answer over zeroed registers). */
struct ffa_value run_vcpu(struct vcpu *v);
/* A script called more often than it expects: fails the test. */
struct arch_exit unexpected(const struct vcpu *v, unsigned int n);
/* Answers every request with its echo. */
struct arch_exit echo_sp(struct vcpu *v, unsigned int n);

void assert_regs(const uint64_t *x, struct ffa_value expect);
void assert_value(struct ffa_value v, struct ffa_value expect);
/* Exactly FFA_ERROR(err): w1 and x3-x17 zero. */
void assert_error_regs(const uint64_t *x, enum ffa_error err);
void assert_error(struct ffa_value v, enum ffa_error err);
/* What the vCPU just found in its registers (its latest entry). */
const uint64_t *seen(void);
/* The answer the entering vCPU sees to its last call: x0-x7, its own x8-x17 kept. */
void assert_answer(struct ffa_value expect);
void assert_idle(struct vcpu *v);
extern struct partition snapshot[SPMC_MAX_SPS];
void take_snapshot(void);
void assert_unchanged(const struct partition *sp);
/* A refused normal-world request: the error, no partition run and nothing changed. */
void assert_nwd_refused(struct ffa_value req, enum ffa_error err);
void assert_run_refused(uint32_t w1, enum ffa_error err);
/* Eight characters, little-endian, as FFA_CONSOLE_LOG_64 takes them. */
uint64_t chars(const char *s);
void set_cpu(unsigned int index);
void init_partition(struct partition *sp, ffa_id_t id, uint32_t msg, unsigned int vcpus);
/* Three partitions (A UP, B MP with 4 vCPUs, C UP), all waiting, on CPU 0. */
int setup(void **state);
struct ffa_value nwd_req64(ffa_id_t receiver);

/* Interrupts (host.irq, host.console_rx). */
/* A paravirtual call made by v, as the run loop would make it; and the same from a script (HVC). */
int64_t hf(struct vcpu *v, uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3);
struct arch_exit hf_hvc(struct vcpu *v, uint64_t id, uint64_t a1, uint64_t a2);
/* The last entry ran with a virtual IRQ / FIQ pending (HCR_EL2.VI / VF). */
bool vi(void);
bool vf(void);
/* The answer to the normal world's request, after calls that left other values in x0-x7. */
struct arch_exit answer_nwd(struct vcpu *v);

#endif
