/*
 * Machine discovery from the boot DTB (see machine.h). Follows the bindings
 * QEMU's virt machine and TF-A write: /memory (device_type "memory"),
 * /cpus/cpu@N (reg = MPIDR affinity), arm,gic-v3, arm,pl011, arm,pl031,
 * arm,armv8-timer, /psci (method "smc" or "hvc") and /chosen.
 */
#include "hyp/machine.h"

#include <libfdt.h>
#include <string.h>

#include "core/fdt_blob.h"

#define GIC_SPI 0U
#define GIC_PPI 1U

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

static bool cells_ok(int c)
{
	return c == 1 || c == 2;
}

/* The idx-th (address, size) pair of a node's "reg", in its parent's cells. */
static bool reg_get(const void *fdt, int node, int idx, struct machine_region *r)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	if (p == NULL || !cells_ok(ac) || !cells_ok(sc) ||
	    len < (idx + 1) * (ac + sc) * (int)sizeof(fdt32_t)) {
		return false;
	}
	p += idx * (ac + sc);
	r->base = read_cells(p, ac);
	r->size = read_cells(p + ac, sc);
	return r->size != 0 && r->base + r->size > r->base;
}

/* INTID of the idx-th three-cell GIC interrupt specifier of a node. */
static bool intid_get(const void *fdt, int node, int idx, unsigned int *intid)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (p == NULL || len < (idx + 1) * 3 * (int)sizeof(fdt32_t)) {
		return false;
	}
	uint32_t type = fdt32_to_cpu(p[idx * 3]), num = fdt32_to_cpu(p[idx * 3 + 1]);
	if (type == GIC_SPI && num < 988U) {
		*intid = num + 32U;
	} else if (type == GIC_PPI && num < 16U) {
		*intid = num + 16U;
	} else {
		return false;
	}
	return true;
}

static int first_compatible(const void *fdt, const char *compat)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);

	/* Skip nodes marked disabled (QEMU's secure-only devices). */
	while (node >= 0) {
		const char *st = fdt_getprop(fdt, node, "status", NULL);
		if (st == NULL || strcmp(st, "okay") == 0 || strcmp(st, "ok") == 0) {
			return node;
		}
		node = fdt_node_offset_by_compatible(fdt, node, compat);
	}
	return node;
}

static enum machine_err parse_memory(const void *fdt, struct machine *m, const char **where)
{
	int node;

	*where = "/memory";
	fdt_for_each_subnode (node, fdt, 0) {
		const char *t = fdt_getprop(fdt, node, "device_type", NULL);
		if (t == NULL || strcmp(t, "memory") != 0) {
			continue;
		}
		const char *st = fdt_getprop(fdt, node, "status", NULL);
		if (st != NULL && strcmp(st, "okay") != 0) {
			continue; /* secure memory QEMU describes as disabled */
		}
		for (int i = 0; m->mem_count < MACHINE_MAX_MEM; i++) {
			struct machine_region r;
			if (!reg_get(fdt, node, i, &r)) {
				break;
			}
			m->mem[m->mem_count++] = r;
		}
	}
	return m->mem_count != 0 ? MACHINE_OK : MACHINE_ENOMEM;
}

static enum machine_err parse_cpus(const void *fdt, struct machine *m, const char **where)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	*where = "/cpus";
	if (cpus < 0) {
		return MACHINE_ENOCPU;
	}
	int ac = fdt_address_cells(fdt, cpus);
	if (!cells_ok(ac)) {
		return MACHINE_ECELLS;
	}
	fdt_for_each_subnode (node, fdt, cpus) {
		const char *t = fdt_getprop(fdt, node, "device_type", NULL);
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (t == NULL || strcmp(t, "cpu") != 0) {
			continue;
		}
		if (reg == NULL || len < ac * (int)sizeof(fdt32_t) ||
		    m->cpu_count == MACHINE_MAX_CPUS) {
			return MACHINE_ENOCPU;
		}
		m->cpu_mpidr[m->cpu_count++] = read_cells(reg, ac);
	}
	return m->cpu_count != 0 ? MACHINE_OK : MACHINE_ENOCPU;
}

static enum machine_err parse_gic(const void *fdt, struct machine *m, const char **where)
{
	int node = first_compatible(fdt, "arm,gic-v3");

	*where = "arm,gic-v3";
	if (node < 0 || !reg_get(fdt, node, 0, &m->gicd) || !reg_get(fdt, node, 1, &m->gicr)) {
		return MACHINE_ENOGIC;
	}
	m->gic_maint_intid = 25; /* the architecture's recommendation if not described */
	int len;
	if (fdt_getprop(fdt, node, "interrupts", &len) != NULL &&
	    !intid_get(fdt, node, 0, &m->gic_maint_intid)) {
		return MACHINE_EINTR;
	}
	return MACHINE_OK;
}

static enum machine_err parse_devices(const void *fdt, struct machine *m, const char **where)
{
	int node = first_compatible(fdt, "arm,pl011");

	*where = "arm,pl011";
	if (node < 0 || !reg_get(fdt, node, 0, &m->uart)) {
		return MACHINE_ENOUART;
	}
	if (!intid_get(fdt, node, 0, &m->uart_intid)) {
		return MACHINE_EINTR;
	}
	node = first_compatible(fdt, "arm,pl031");
	if (node >= 0 && reg_get(fdt, node, 0, &m->rtc) &&
	    !intid_get(fdt, node, 0, &m->rtc_intid)) {
		*where = "arm,pl031";
		return MACHINE_EINTR;
	}
	*where = "arm,armv8-timer";
	node = first_compatible(fdt, "arm,armv8-timer");
	if (node < 0) {
		return MACHINE_ENOTIMER;
	}
	for (int i = 0; i < 4; i++) {
		if (!intid_get(fdt, node, i, &m->timer_intid[i]) || m->timer_intid[i] >= 32U) {
			return MACHINE_ENOTIMER;
		}
	}
	return MACHINE_OK;
}

static enum machine_err parse_psci(const void *fdt, struct machine *m, const char **where)
{
	int node = fdt_path_offset(fdt, "/psci");

	*where = "/psci";
	if (node < 0) {
		return MACHINE_ENOPSCI;
	}
	const char *method = fdt_getprop(fdt, node, "method", NULL);
	if (method != NULL && strcmp(method, "smc") == 0) {
		m->psci = PSCI_CONDUIT_SMC;
	} else if (method != NULL && strcmp(method, "hvc") == 0) {
		m->psci = PSCI_CONDUIT_HVC;
	} else {
		return MACHINE_ENOPSCI;
	}
	m->psci_0_2 = fdt_node_check_compatible(fdt, node, "arm,psci-0.2") == 0 ||
		      fdt_node_check_compatible(fdt, node, "arm,psci-1.0") == 0;
	return MACHINE_OK;
}

static void parse_chosen(const void *fdt, struct machine *m)
{
	int node = fdt_path_offset(fdt, "/chosen"), l1, l2;

	if (node < 0) {
		return;
	}
	const fdt32_t *s = fdt_getprop(fdt, node, "linux,initrd-start", &l1);
	const fdt32_t *e = fdt_getprop(fdt, node, "linux,initrd-end", &l2);
	if (s == NULL || e == NULL || (l1 != 4 && l1 != 8) || (l2 != 4 && l2 != 8)) {
		return;
	}
	uint64_t start = read_cells(s, l1 / 4), end = read_cells(e, l2 / 4);
	if (end > start) {
		m->initrd_start = start;
		m->initrd_end = end;
	}
}

enum machine_err machine_parse(const void *fdt, uint64_t size, struct machine *m,
			       const char **where)
{
	enum machine_err e;

	memset(m, 0, sizeof(*m));
	*where = "header";
	if (!fdt_blob_ok(fdt, size)) {
		return MACHINE_EBLOB;
	}
	int root_ac = fdt_address_cells(fdt, 0), root_sc = fdt_size_cells(fdt, 0);
	if (!cells_ok(root_ac) || !cells_ok(root_sc)) {
		*where = "/";
		return MACHINE_ECELLS;
	}
	if ((e = parse_memory(fdt, m, where)) != MACHINE_OK ||
	    (e = parse_cpus(fdt, m, where)) != MACHINE_OK ||
	    (e = parse_gic(fdt, m, where)) != MACHINE_OK ||
	    (e = parse_devices(fdt, m, where)) != MACHINE_OK ||
	    (e = parse_psci(fdt, m, where)) != MACHINE_OK) {
		return e;
	}
	parse_chosen(fdt, m);
	*where = NULL;
	return MACHINE_OK;
}

const char *machine_strerror(enum machine_err e)
{
	switch (e) {
	case MACHINE_OK:
		return "ok";
	case MACHINE_EBLOB:
		return "not a well-formed device tree";
	case MACHINE_ECELLS:
		return "#address-cells or #size-cells is neither 1 nor 2";
	case MACHINE_ENOMEM:
		return "no memory node";
	case MACHINE_ENOCPU:
		return "no cpu nodes, a cpu without reg, or more cpus than supported";
	case MACHINE_ENOGIC:
		return "no GICv3 with distributor and redistributor regions";
	case MACHINE_ENOUART:
		return "no PL011 UART";
	case MACHINE_ENOTIMER:
		return "no arm,armv8-timer with four PPIs";
	case MACHINE_ENOPSCI:
		return "no /psci node with method smc or hvc";
	case MACHINE_EINTR:
		return "an interrupt is not a GIC SPI or PPI";
	}
	return "unknown error";
}
