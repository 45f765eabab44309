/* Guest device tree generation (see guest_dtb.h), with libfdt's sequential writer. */
#include "hyp/guest_dtb.h"

#include <libfdt.h>
#include <string.h>

#include "core/fmt.h"

#define PHANDLE_GIC 1U
#define PHANDLE_CLK 2U
#define GIC_SPI 0U
#define GIC_PPI 1U
#define IRQ_LEVEL_HIGH 4U

/* Stops at the first error: every step below is `TRY(fdt_...)`. */
#define TRY(call)                    \
	do {                         \
		int rc__ = (call);   \
		if (rc__ < 0) {      \
			return rc__; \
		}                    \
	} while (0)

/* libfdt's fdt_property_string, without its size_t-to-int conversion. */
static int prop_str(void *fdt, const char *name, const char *s)
{
	return fdt_property(fdt, name, s, (int)strlen(s) + 1);
}

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t r[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", r, sizeof(r));
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char n[48];

	fmt_snprintf(n, sizeof(n), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, n);
}

static int cpus(void *fdt, unsigned int n)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < n; i++) {
		TRY(begin_node_at(fdt, "cpu", i));
		TRY(prop_str(fdt, "device_type", "cpu"));
		TRY(prop_str(fdt, "compatible", "arm,armv8"));
		TRY(prop_str(fdt, "enable-method", "psci"));
		TRY(fdt_property_u32(fdt, "reg", i));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int gic(void *fdt, unsigned int vcpus)
{
	fdt64_t r[4] = {cpu_to_fdt64(GUEST_GICD_IPA), cpu_to_fdt64(GUEST_GICD_SIZE),
			cpu_to_fdt64(GUEST_GICR_IPA),
			cpu_to_fdt64((uint64_t)vcpus * GUEST_GICR_STRIDE)};

	TRY(begin_node_at(fdt, "intc", GUEST_GICD_IPA));
	TRY(prop_str(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property(fdt, "interrupt-controller", "", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(fdt_property(fdt, "reg", r, sizeof(r)));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	return fdt_end_node(fdt);
}

static int timer(void *fdt)
{
	/* Secure phys, non-secure phys, virtual, hypervisor: PPIs 13, 14, 11, 10. */
	static const uint32_t ppi[4] = {13, 14, 11, 10};
	fdt32_t irqs[12];

	for (unsigned int i = 0; i < 4; i++) {
		irqs[i * 3] = cpu_to_fdt32(GIC_PPI);
		irqs[i * 3 + 1] = cpu_to_fdt32(ppi[i]);
		irqs[i * 3 + 2] = cpu_to_fdt32(IRQ_LEVEL_HIGH);
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(prop_str(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	TRY(fdt_property(fdt, "always-on", "", 0));
	return fdt_end_node(fdt);
}

static int uart(void *fdt, uint64_t base)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clk_names[] = "uartclk\0apb_pclk";
	fdt32_t irq[3] = {cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(GUEST_UART_INTID - 32U),
			  cpu_to_fdt32(IRQ_LEVEL_HIGH)};
	fdt32_t clks[2] = {cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK)};

	/* The AMBA bus wants a clock; a fixed 24 MHz one, as QEMU describes. */
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(prop_str(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
	TRY(prop_str(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	TRY(begin_node_at(fdt, "pl011", base));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, base, 0x1000));
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	TRY(fdt_property(fdt, "clocks", clks, sizeof(clks)));
	TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
	return fdt_end_node(fdt);
}

static int virtio(void *fdt, uint64_t base, unsigned int intid)
{
	fdt32_t irq[3] = {cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(intid - 32U),
			  cpu_to_fdt32(IRQ_LEVEL_HIGH)};

	TRY(begin_node_at(fdt, "virtio_mmio", base));
	TRY(prop_str(fdt, "compatible", "virtio,mmio"));
	TRY(prop_reg(fdt, base, 0x200));
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	TRY(fdt_property(fdt, "dma-coherent", "", 0));
	return fdt_end_node(fdt);
}

static int rtc(void *fdt, uint64_t base)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	fdt32_t clk = cpu_to_fdt32(PHANDLE_CLK);

	TRY(begin_node_at(fdt, "pl031", base));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, base, 0x1000));
	TRY(fdt_property(fdt, "clocks", &clk, sizeof(clk)));
	TRY(prop_str(fdt, "clock-names", "apb_pclk"));
	return fdt_end_node(fdt);
}

static int chosen(void *fdt, const struct guest_dtb_info *g)
{
	char path[48];

	fmt_snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)g->uart_ipa);
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(prop_str(fdt, "bootargs", g->bootargs != NULL ? g->bootargs : ""));
	TRY(prop_str(fdt, "stdout-path", path));
	if (g->initrd_size != 0) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", g->initrd_ipa));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", g->initrd_ipa + g->initrd_size));
	}
	return fdt_end_node(fdt);
}

int guest_dtb_build(const struct guest_dtb_info *g, void *buf, size_t size)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";

	TRY(fdt_create(buf, (int)size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_begin_node(buf, ""));
	TRY(prop_str(buf, "compatible", "linux,dummy-virt"));
	TRY(prop_str(buf, "model", "tzvisor guest"));
	TRY(fdt_property_u32(buf, "#address-cells", 2));
	TRY(fdt_property_u32(buf, "#size-cells", 2));
	TRY(fdt_property_u32(buf, "interrupt-parent", PHANDLE_GIC));
	TRY(chosen(buf, g));
	TRY(begin_node_at(buf, "memory", g->mem_ipa));
	TRY(prop_str(buf, "device_type", "memory"));
	TRY(prop_reg(buf, g->mem_ipa, g->mem_size));
	TRY(fdt_end_node(buf));
	TRY(cpus(buf, g->vcpus));
	TRY(fdt_begin_node(buf, "psci"));
	TRY(fdt_property(buf, "compatible", psci_compat, sizeof(psci_compat)));
	TRY(prop_str(buf, "method", "hvc"));
	TRY(fdt_end_node(buf));
	TRY(gic(buf, g->vcpus));
	TRY(timer(buf));
	TRY(uart(buf, g->uart_ipa));
	for (unsigned int i = 0; i < g->virtio_count && i < 2; i++) {
		TRY(virtio(buf, g->virtio_ipa[i], g->virtio_intid[i]));
	}
	if (g->rtc_ipa != 0) {
		TRY(rtc(buf, g->rtc_ipa));
	}
	TRY(fdt_end_node(buf));
	TRY(fdt_finish(buf));
	return (int)fdt_totalsize(buf);
}
