/* The hypervisor's per-CPU loop: run vCPUs, handle their exits, idle (see run.c). */
#ifndef HYP_RUN_H
#define HYP_RUN_H

/* Per-CPU EL2 set-up for running guests (stage 2, timers, GIC interface). */
void hyp_cpu_init(void);
/* Runs this CPU's vCPUs until the machine is powered off. */
__attribute__((noreturn)) void hyp_cpu_loop(void);

#endif
