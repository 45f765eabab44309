/* QEMU virt (secure=on, virtualization=on, gic-version=3): memory map as data. */
#include "plat/plat.h"

const struct plat_desc plat = {
	.name = "qemu-virt",
	.ns_uart_base = 0x09000000,
	/* UART1 is secure-only with secure=on; TF-A uses it only as its crash console. */
	.secure_uart_base = 0x09040000,
	.secure_uart_intid = 40, /* SPI 8 */
	.secure_sram = {0x0e000000, 0x00100000},
	.secure_dram = {0x0e100000, 0x00f00000},
	.ns_dram = {0x40000000, 0xC0000000},
	.gicd_base = 0x08000000,
	.gicr_base = 0x080A0000,
	/* QEMU numbers cores in clusters of 8 (Aff0 0-7, then Aff1). */
	.cpus_per_cluster = 8,
};

int plat_cpu_index(uint64_t mpidr)
{
	uint64_t aff0 = mpidr & 0xFF;
	uint64_t aff1 = (mpidr >> 8) & 0xFF;

	if (aff0 >= plat.cpus_per_cluster || ((mpidr >> 16) & 0xFF) != 0) {
		return -1;
	}
	return (int)(aff1 * plat.cpus_per_cluster + aff0);
}
