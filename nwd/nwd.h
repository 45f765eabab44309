/* The normal-world test payload: SMC helpers and the test report protocol. */
#ifndef NWD_NWD_H
#define NWD_NWD_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/ffa.h"

/*
 * Every call of the payload: SMC with x0-x17 in and out, the SMCCC register
 * rules checked (tests/target/smccc_check.h; canaries owned by 'N').
 * nwd_smc_checked() returns how many registers broke them.
 */
#define NWD_CANARY_OWNER 0x4EU
void nwd_smc(struct ffa_value *v);
unsigned int nwd_smc_checked(struct ffa_value *v);
struct smccc_check_stats;
/* What the checks found on all cores so far. */
void smccc_stats_sum(struct smccc_check_stats *sum);
void nwd_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct ffa_value ffa_call8(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
struct ffa_value ffa_call6(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			   uint64_t x5);
/* A test partition command (test_cmd.h) as DIRECT_REQ_64 from the normal world. */
struct ffa_value sp_cmd(uint16_t sp, uint64_t cmd, uint64_t a1, uint64_t a2);
/* TEST_CMD_NOTIF_CALL: the partition calls `fid` with w1, w2 and the bitmap in w3/w4. */
struct ffa_value sp_notif_call(uint16_t sp, uint32_t fid, uint32_t w1, uint32_t w2, uint64_t bits);

/* Report protocol, parsed by tests/qemu/run.py: one line per test. */
void test_pass(const char *name);
/* How many PASS/FAIL lines were printed (the runner checks it against what it saw). */
unsigned int tests_count(void);
void test_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool expect_u64(const char *name, const char *what, uint64_t got, uint64_t want);
/* FFA_ERROR with w2 == code, x1 and x3..x7 zero. */
bool expect_ffa_error(const char *name, const struct ffa_value *v, enum ffa_error code);
/* FFA_SUCCESS_32 with w2 == w2, x1 and x3..x7 zero. */
bool expect_ffa_success(const char *name, const struct ffa_value *v, uint64_t w2);
/* PASS when v is that FFA_ERROR / FFA_SUCCESS (the expect_ functions), else their FAIL. */
void test_ffa_error(const char *name, struct ffa_value v, enum ffa_error code);
void test_ffa_success(const char *name, struct ffa_value v, uint64_t w2);

/* The normal world's one RX/TX buffer pair, shared by all suites. */
extern uint8_t nwd_tx[4096];
extern uint8_t nwd_rx[4096];

/* Test suites (nwd/sp_tests.c). */
void suite_partitions(void);
void suite_discovery(void);
void suite_handover(void);
void suite_messaging(void);
void suite_interrupts(void);
void suite_partition_interrupts(void);
void suite_interrupts_after_smp(void);
/* Set before CPU_ON: the secondary serves the interrupt tests (irq_core_loop) instead. */
extern volatile bool nwd_irq_core_mode;
void irq_core_loop(uint64_t index) __attribute__((noreturn));
void suite_isolation(void);
void suite_fp(void);
void suite_notifications(void);
void suite_mem_perm(void);
/* The S-EL1 partitions' own stage 1 (nwd/mmu_tests.c). */
void suite_mmu(void);
/* Its SMP part: watch words cleared, the page unmapped on core 0 once every watcher runs, */
void mmu_smp_round_start(void);
void mmu_smp_unmap(unsigned int cores, uint32_t round);
/* one secondary's results (sp1's SCTLR_EL1, its watch), the page mapped again. */
void mmu_smp_check(unsigned int core, uint32_t round, uint64_t sctlr, uint64_t fault,
		   uint64_t reads);
void mmu_smp_round_end(uint32_t round);
void suite_smccc(void);
void suite_memory(void);
/* Memory sharing on a secondary core (SMP suite): 0 or the first failure. */
uint64_t mem_on_core(unsigned int core, unsigned int round);
/* After the SMP suite: the SPMC's transaction table is empty again. */
void mem_no_leaks(void);
/* What the checks found on every call so far: in the partitions, in this payload. */
void suite_smccc_partitions_report(void);
void suite_smccc_nwd_report(void);
/* SMP: bitmap and per-vCPU bindings for the secondaries (on), and their removal (off). */
void notif_smp_setup(bool on);
/* A secondary core's per-vCPU notifications both ways: 0, or the step that failed. */
unsigned int notif_on_core(unsigned int c);
/* GICv3 as an OS driver sets it up: this CPU's interface and the distributor's Group 1. */
#define GICD_CTLR 0x08000000UL
#define GICD_CTLR_ENABLE_G1NS (3U << 0)
#define GICD_CTLR_RWP (1U << 31)
void gic_nwd_init(void);
/* This core's redistributor SGI/PPI frame (core 0's at GICR_SGI_BASE, the others 128 KiB on). */
#define GICR_SGI_BASE 0x080B0000UL
#define GICR_STRIDE 0x20000UL
#define GICR_ISENABLER0 0x100
#define GICR_ICENABLER0 0x180
#define GICR_ICPENDR0 0x280
#define GICR_IPRIORITYR 0x400
volatile uint32_t *gicr_sgi_frame(unsigned long off);
/* SGI/PPI `intid` of this core: priority 0x80 and enabled (on), or disabled. */
void gic_nwd_local_irq(unsigned int intid, bool on);
/* Core 0's EL2 physical timer interrupt: pending `after` ticks from now (on), or off. */
void timer_interrupt(bool on, uint64_t after);

uint64_t read_cntpct(void);
uint64_t read_cntfrq(void);

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON 0xC4000003U
#define PSCI_AFFINITY_INFO 0xC4000004U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_E_SUCCESS 0
#define PSCI_E_INVALID_PARAMS (-2)
#define PSCI_E_ALREADY_ON (-4)

#endif
