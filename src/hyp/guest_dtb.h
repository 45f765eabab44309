/*
 * The device tree a guest boots with, written by tzvisor with libfdt:
 * memory, vCPUs (PSCI over HVC), the guest's GICv3 and timer, its PL011,
 * and /chosen with bootargs, stdout-path and the initrd.
 */
#ifndef HYP_GUEST_DTB_H
#define HYP_GUEST_DTB_H

#include <stddef.h>
#include <stdint.h>

/* The guest's interrupt controller and timer, at QEMU virt's addresses. */
#define GUEST_GICD_IPA 0x08000000ULL
#define GUEST_GICD_SIZE 0x10000ULL
#define GUEST_GICR_IPA 0x080A0000ULL
#define GUEST_GICR_STRIDE 0x20000ULL
#define GUEST_UART_INTID 33U /* SPI 1 */

struct guest_dtb_info {
	unsigned int vcpus;
	uint64_t mem_ipa, mem_size;
	uint64_t uart_ipa;
	uint64_t initrd_ipa, initrd_size; /* size 0: none */
	const char *bootargs;
	unsigned int virtio_count;
	uint64_t virtio_ipa[2];
	unsigned int virtio_intid[2];
	uint64_t rtc_ipa; /* 0: none */
};

/* Writes the DTB into buf; returns its size, or a negative libfdt error. */
int guest_dtb_build(const struct guest_dtb_info *g, void *buf, size_t size);

#endif
