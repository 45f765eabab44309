/*
 * The machine as the hypervisor finds it in the DTB it was booted with:
 * memory, CPUs, GICv3, UART, timer, RTC and how to call PSCI. Parsing is
 * pure (no hardware access), so that host tests feed it real and broken DTBs.
 */
#ifndef HYP_MACHINE_H
#define HYP_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#define MACHINE_MAX_MEM 4U
#define MACHINE_MAX_CPUS 8U

enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

struct machine_region {
	uint64_t base, size;
};

struct machine {
	struct machine_region mem[MACHINE_MAX_MEM];
	unsigned int mem_count;
	uint64_t cpu_mpidr[MACHINE_MAX_CPUS]; /* from each /cpus/cpu@N "reg" */
	unsigned int cpu_count;
	struct machine_region gicd, gicr; /* GICv3: distributor, redistributor range */
	unsigned int gic_maint_intid; /* maintenance interrupt (a PPI INTID) */
	struct machine_region uart; /* the first arm,pl011 */
	unsigned int uart_intid;
	struct machine_region rtc; /* arm,pl031, size 0 if none */
	unsigned int rtc_intid;
	/* arm,armv8-timer PPIs as INTIDs: secure phys, phys, virt, hyp phys. */
	unsigned int timer_intid[4];
	enum psci_conduit psci;
	bool psci_0_2; /* arm,psci-0.2 or later: function IDs are the standard ones */
	uint64_t initrd_start, initrd_end; /* /chosen linux,initrd-*: 0, 0 if absent */
};

enum machine_timer { TIMER_SEC_PHYS, TIMER_PHYS, TIMER_VIRT, TIMER_HYP_PHYS };

enum machine_err {
	MACHINE_OK = 0,
	MACHINE_EBLOB, /* not a well-formed DTB */
	MACHINE_ECELLS, /* #address-cells / #size-cells other than 1 or 2 */
	MACHINE_ENOMEM, /* no usable memory node */
	MACHINE_ENOCPU, /* no cpu nodes, or too many */
	MACHINE_ENOGIC, /* no arm,gic-v3 node with distributor and redistributor */
	MACHINE_ENOUART, /* no arm,pl011 */
	MACHINE_ENOTIMER, /* no arm,armv8-timer with four PPIs */
	MACHINE_ENOPSCI, /* no usable /psci node */
	MACHINE_EINTR, /* an interrupt specifier that is not a GIC SPI or PPI */
};

/*
 * Fills *m from the blob at fdt (at most size bytes). On failure returns
 * the error and sets *where to the node or property at fault.
 */
enum machine_err machine_parse(const void *fdt, uint64_t size, struct machine *m,
			       const char **where);
const char *machine_strerror(enum machine_err e);

#endif
