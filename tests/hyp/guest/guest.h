/* The bare-metal test guest's helpers, shared by its suites. */
#ifndef HYP_GUEST_GUEST_H
#define HYP_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One "TEST PASS|FAIL name" line: got == want. */
void expect(const char *name, int64_t got, int64_t want);
/* SMCCC call over HVC: x0-x3 in, x0 out. */
int64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
/* The same over SMC (trapped by tzvisor: HCR_EL2.TSC). */
int64_t smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
/* x0-x3 in and out. */
void hvc4(uint64_t x[4]);
void smc4(uint64_t x[4]);
uint64_t counter(void);
uint64_t frequency(void);
/* "TEST END n", then PSCI SYSTEM_OFF. */
__attribute__((noreturn)) void power_off(void);

void suite_gic(void);
/* ffa_tests.c: FF-A under the emulated SPMC; the lender that touches what it lent. */
void suite_ffa(void);
void suite_ffa_lender(bool reset);
/* FF-A forwarded to the real SPMC (SECURE=1): this VM's endpoint ID is `id`. */
void suite_ffa_fwd(uint16_t id);
/* bench/hyp_bench_guest.c: FF-A round trips (bootargs bench-ffa, bench-fwd). */
void suite_bench_ffa(void);
/* Full-register calls (start.S): x0-x17 in and out. */
struct ffa_value;
void guest_hvc18(struct ffa_value *v);
void guest_smc18(struct ffa_value *v);
/* smccc_tests.c: SMCCC 1.2 discovery, the workaround answers, the TRNG, unknown calls. */
void suite_smccc(void);
/* virtio_tests.c: hostile rings on the VM's virtio-net device (first virtio slot). */
void suite_virtio_hostile(void);
/* bench/hyp_bench_guest.c: instruction counts under -icount. */
void suite_bench(void);
/* The IRQ handler while suite_bench runs. */
void bench_irq(void);
extern volatile int guest_bench_mode;
/* The distributor on (ARE, Group 1), this vCPU's redistributor awake, its interface on. */
void gic_cpu_init(void);
/* SGI or PPI `intid` of this vCPU enabled at priority `prio`. */
void local_enable(unsigned int intid, uint8_t prio);
/* Acknowledges and ends every pending interrupt (with PSTATE.I masked). */
void gic_ack_all(void);
/* IRQ vector (start.S): handles every pending interrupt. */
void guest_irq(void);
void gic_secondary_entry(void);

#endif
