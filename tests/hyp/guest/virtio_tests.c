/*
 * Hostile virtio from a bare-metal guest: the VM's virtio-net device (the
 * first virtio-mmio slot) is given rings that break the rules. tzvisor must
 * mark the device DEVICE_NEEDS_RESET, raise a configuration interrupt, keep
 * the VM running, and serve the device again after the driver resets it.
 */
#include <stdint.h>
#include <string.h>

#include "guest.h"

#define VIO 0x0A000000UL
#define QN 8U
#define STATUS_ACK 1U
#define STATUS_DRIVER 2U
#define STATUS_DRIVER_OK 4U
#define STATUS_FEATURES_OK 8U
#define STATUS_NEEDS_RESET 0x40U

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc ring_desc[QN] __attribute__((aligned(16)));
static volatile uint16_t ring_avail[2 + QN] __attribute__((aligned(4)));
static volatile uint16_t ring_used[2 + 4 * QN] __attribute__((aligned(4)));
static uint8_t frame[12 + 60] __attribute__((aligned(8)));

static volatile uint32_t *reg(unsigned long off)
{
	return (volatile uint32_t *)(VIO + off);
}

/* Reset, negotiate VERSION_1, set up the TX queue (1), DRIVER_OK. */
static bool net_init(void)
{
	*reg(0x70) = 0;
	*reg(0x70) = STATUS_ACK | STATUS_DRIVER;
	*reg(0x24) = 1;
	*reg(0x20) = 1;
	*reg(0x24) = 0;
	*reg(0x20) = 0;
	*reg(0x70) = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK;
	if ((*reg(0x70) & STATUS_FEATURES_OK) == 0) {
		return false;
	}
	memset(ring_desc, 0, sizeof(ring_desc));
	for (unsigned int i = 0; i < 2 + QN; i++) {
		ring_avail[i] = 0;
	}
	for (unsigned int i = 0; i < 2 + 4 * QN; i++) {
		ring_used[i] = 0;
	}
	*reg(0x30) = 1;
	*reg(0x38) = QN;
	*reg(0x80) = (uint32_t)(uintptr_t)ring_desc;
	*reg(0x84) = 0;
	*reg(0x90) = (uint32_t)(uintptr_t)ring_avail;
	*reg(0x94) = 0;
	*reg(0xA0) = (uint32_t)(uintptr_t)ring_used;
	*reg(0xA4) = 0;
	*reg(0x44) = 1;
	*reg(0x70) = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
	return *reg(0x44) == 1;
}

/* One TX buffer at `addr` offered as avail entry `idx`-1 (idx: the new index). */
static void offer(uint64_t addr, uint32_t len, uint16_t idx)
{
	ring_desc[0] = (struct desc){addr, len, 0, 0};
	ring_avail[2 + (uint16_t)(idx - 1) % QN] = 0;
	__asm__ volatile("dmb sy" ::: "memory");
	ring_avail[1] = idx;
	__asm__ volatile("dmb sy" ::: "memory");
	*reg(0x50) = 1;
}

void suite_virtio_hostile(void)
{
	expect("virtio.net.magic", *reg(0x00), 0x74726976);
	expect("virtio.net.version2", *reg(0x04), 2);
	expect("virtio.net.device_id", *reg(0x08), 1);
	expect("virtio.net.init", net_init(), true);

	/* A frame the switch takes (broadcast, nobody else on it): used entry 1. */
	memset(frame, 0, sizeof(frame));
	memset(frame + 12, 0xFF, 6);
	offer((uintptr_t)frame, sizeof(frame), 1);
	expect("virtio.net.tx_used", ring_used[1], 1);

	offer(0x1000, 64, 2); /* a buffer outside the VM's RAM */
	expect("virtio.hostile.desc_outside_ram_needs_reset", *reg(0x70) & STATUS_NEEDS_RESET,
	       STATUS_NEEDS_RESET);
	expect("virtio.hostile.config_interrupt", *reg(0x60) & 2U, 2);
	expect("virtio.hostile.nothing_used", ring_used[1], 1);
	offer((uintptr_t)frame, sizeof(frame), 3);
	expect("virtio.hostile.ignored_until_reset", ring_used[1], 1);

	expect("virtio.hostile.reset_and_init", net_init(), true);
	expect("virtio.hostile.status_clean", *reg(0x70) & STATUS_NEEDS_RESET, 0);
	offer((uintptr_t)frame, sizeof(frame), 1);
	expect("virtio.hostile.works_after_reset", ring_used[1], 1);

	ring_avail[1] = 100; /* the available index 99 entries ahead of a ring of 8 */
	__asm__ volatile("dmb sy" ::: "memory");
	*reg(0x50) = 1;
	expect("virtio.hostile.index_jump_needs_reset", *reg(0x70) & STATUS_NEEDS_RESET,
	       STATUS_NEEDS_RESET);

	*reg(0x70) = 0;
	*reg(0x70) = STATUS_ACK | STATUS_DRIVER;
	*reg(0x30) = 1;
	*reg(0x38) = QN;
	*reg(0x80) = 0x2000; /* descriptor table outside RAM */
	*reg(0x84) = 0;
	*reg(0x44) = 1;
	expect("virtio.hostile.queue_not_enabled", *reg(0x44), 0);
	*reg(0x70) = 0;
}
