/*
 * Host tests of the virtio models (src/hyp/virtq.c, virtio_mmio.c,
 * virtio_blk.c, virtio_net.c) over a fake guest RAM: the transport's
 * registers and feature negotiation, virtio-blk requests, virtio-net frames,
 * and hostile rings (indices, descriptors outside RAM, loops, wrong order),
 * each refused with its error and without touching memory outside the guest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/virtio_mmio.h"

#define RAM_IPA 0x40000000ULL
#define RAM_SIZE 0x20000ULL
#define DESC (RAM_IPA + 0x1000)
#define AVAIL (RAM_IPA + 0x2000)
#define USED (RAM_IPA + 0x3000)
#define DATA (RAM_IPA + 0x8000)
#define QN 8U

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t disk[64 * 512];
static struct guest_mem gm = {ram, RAM_IPA, RAM_SIZE};
static struct virtio_dev dev;

static void *at(uint64_t ipa)
{
	return &ram[ipa - RAM_IPA];
}

static void desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = at(DESC + 16U * i);
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static uint16_t avail_idx(void)
{
	uint16_t v;
	memcpy(&v, at(AVAIL + 2), 2);
	return v;
}

static void offer(uint16_t head)
{
	uint16_t idx = avail_idx();
	memcpy(at(AVAIL + 4 + 2U * (idx % QN)), &head, 2);
	idx++;
	memcpy(at(AVAIL + 2), &idx, 2);
}

static uint16_t used_idx(void)
{
	uint16_t v;
	memcpy(&v, at(USED + 2), 2);
	return v;
}

static uint32_t used_len(unsigned int i)
{
	uint32_t v;
	memcpy(&v, at(USED + 4 + 8U * (i % QN) + 4), 4);
	return v;
}

static uint32_t rd(uint64_t off)
{
	struct virtio_io io;
	uint64_t v = 0;
	assert_true(virtio_mmio(&dev, &gm, off, 4, false, &v, &io));
	return (uint32_t)v;
}

static struct virtio_io wr(uint64_t off, uint32_t val)
{
	struct virtio_io io;
	uint64_t v = val;
	assert_true(virtio_mmio(&dev, &gm, off, 4, true, &v, &io));
	return io;
}

/* A driver's set-up of queue q (Virtio 1.2, 3.1.1 and 4.2.3.2). */
static void driver_init(unsigned int nq)
{
	wr(0x70, 0);
	wr(0x70, 1 | 2);
	wr(0x24, 1);
	wr(0x20, 1); /* VERSION_1 */
	wr(0x70, 1 | 2 | 8);
	assert_int_equal(rd(0x70) & 8, 8);
	for (unsigned int q = 0; q < nq; q++) {
		uint64_t base = 0x4000ULL * q;
		wr(0x30, q);
		wr(0x38, QN);
		wr(0x80, (uint32_t)(DESC + base));
		wr(0x84, 0);
		wr(0x90, (uint32_t)(AVAIL + base));
		wr(0x94, 0);
		wr(0xA0, (uint32_t)(USED + base));
		wr(0xA4, 0);
		wr(0x44, 1);
		assert_int_equal(rd(0x44), 1);
	}
	wr(0x70, 1 | 2 | 8 | 4);
}

static int setup_blk(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	for (unsigned int i = 0; i < sizeof(disk); i++) {
		disk[i] = (uint8_t)(i / 512 + 1);
	}
	virtio_blk_init(&dev, disk, sizeof(disk));
	driver_init(1);
	return 0;
}

/* A blk request: header at DATA, data at DATA+0x100, status at DATA+0x80. */
static uint8_t blk_req(uint32_t type, uint64_t sector, uint32_t len, bool to_guest)
{
	uint8_t *h = at(DATA);
	memset(h, 0, 16);
	memcpy(h, &type, 4);
	memcpy(h + 8, &sector, 8);
	*(uint8_t *)at(DATA + 0x80) = 0xFF;
	desc(0, DATA, 16, 1, 1);
	desc(1, DATA + 0x100, len, (uint16_t)(1U | (to_guest ? 2U : 0U)), 2);
	desc(2, DATA + 0x80, 1, 2, 0);
	offer(0);
	assert_true(wr(0x50, 0).notify);
	assert_int_equal(virtio_blk_notify(&dev, &gm), VQ_OK);
	return *(uint8_t *)at(DATA + 0x80);
}

static void test_transport_registers(void **state)
{
	(void)state;
	assert_int_equal(rd(0x000), 0x74726976);
	assert_int_equal(rd(0x004), 2);
	assert_int_equal(rd(0x008), VIRTIO_ID_BLK);
	wr(0x14, 1);
	assert_int_equal(rd(0x10), 1); /* VERSION_1 in the high word */
	uint64_t v;
	struct virtio_io io;
	assert_true(virtio_mmio(&dev, &gm, 0x100, 4, false, &v, &io));
	assert_int_equal(v, 64); /* capacity in sectors */
	assert_false(virtio_mmio(&dev, &gm, 0x000, 8, false, &v, &io)); /* 64-bit: refused */
	assert_false(virtio_mmio(&dev, &gm, 0x002, 4, false, &v, &io)); /* unaligned */
	assert_false(virtio_mmio(&dev, &gm, 0x200, 4, false, &v, &io)); /* outside */
	/* Queue registers are frozen while the queue is ready. */
	wr(0x30, 0);
	wr(0x38, 4);
	wr(0x30, 5); /* no queue 5 */
	assert_int_equal(rd(0x34), 0);
	assert_int_equal(rd(0x44), 0);
	assert_false(wr(0x50, 5).notify);
}

static void test_feature_negotiation(void **state)
{
	(void)state;
	wr(0x70, 0);
	wr(0x70, 3);
	wr(0x24, 0);
	wr(0x20, 1U << 28); /* a feature not offered */
	wr(0x24, 1);
	wr(0x20, 1);
	wr(0x70, 3 | 8);
	assert_int_equal(rd(0x70) & 8, 0); /* FEATURES_OK does not stick */
	wr(0x70, 0);
	wr(0x70, 3);
	wr(0x24, 1);
	wr(0x20, 0); /* a legacy driver: no VERSION_1 */
	wr(0x70, 3 | 8);
	assert_int_equal(rd(0x70) & 8, 0);
}

static void test_blk_requests(void **state)
{
	(void)state;
	assert_int_equal(blk_req(0, 3, 1024, true), 0); /* IN sectors 3-4 */
	assert_int_equal(*(uint8_t *)at(DATA + 0x100), 4);
	assert_int_equal(*(uint8_t *)at(DATA + 0x100 + 600), 5);
	assert_int_equal(used_len(0), 1025);
	memset(at(DATA + 0x100), 0xAB, 512);
	assert_int_equal(blk_req(1, 10, 512, false), 0); /* OUT sector 10 */
	assert_int_equal(disk[10 * 512], 0xAB);
	assert_int_equal(disk[11 * 512], 12);
	assert_int_equal(blk_req(0, 63, 1024, true), 1); /* past the end: IOERR */
	assert_int_equal(blk_req(0, UINT64_MAX / 256, 512, true), 1); /* overflows: IOERR */
	assert_int_equal(blk_req(0, 0, 100, true), 1); /* not whole sectors */
	assert_int_equal(blk_req(99, 0, 512, true), 2); /* UNSUPP */
	assert_int_equal(blk_req(4, 0, 512, false), 0); /* FLUSH */
	assert_int_equal(blk_req(8, 0, 20, true), 0); /* GET_ID */
	assert_memory_equal(at(DATA + 0x100), "tzvisor-ramdisk", 15);
	assert_int_equal(used_idx(), 8);
	assert_true(virtio_irq_level(&dev));
	wr(0x64, 1);
	assert_false(virtio_irq_level(&dev));
}

static void expect_broken(enum vq_err want)
{
	assert_int_equal(virtio_blk_notify(&dev, &gm), want);
	virtio_fail(&dev, want);
	assert_true((rd(0x70) & VIRTIO_STATUS_NEEDS_RESET) != 0);
	assert_true((rd(0x60) & VIRTIO_ISR_CONFIG) != 0);
	assert_false(wr(0x50, 0).notify); /* ignored until reset */
	wr(0x70, 0);
	assert_int_equal(rd(0x70), 0);
}

static void test_hostile_rings(void **state)
{
	(void)state;
	uint16_t idx = 100; /* avail index 100 ahead of a queue of 8 */
	memcpy(at(AVAIL + 2), &idx, 2);
	expect_broken(VQ_EIDX);

	setup_blk(state);
	offer(9); /* head beyond the queue */
	expect_broken(VQ_EDESC);

	setup_blk(state);
	desc(0, 0x1000, 16, 0, 0); /* buffer outside guest RAM */
	offer(0);
	expect_broken(VQ_EDESC);

	setup_blk(state);
	desc(0, RAM_IPA + RAM_SIZE - 8, 16, 0, 0); /* straddles the end of RAM */
	offer(0);
	expect_broken(VQ_EDESC);

	setup_blk(state);
	desc(0, DATA, 16, 1, 1);
	desc(1, DATA, 16, 1, 0); /* a loop */
	offer(0);
	expect_broken(VQ_ECHAIN);

	setup_blk(state);
	desc(0, DATA, 1, 3, 1); /* writable, then readable */
	desc(1, DATA, 16, 0, 0);
	offer(0);
	expect_broken(VQ_ECHAIN);

	setup_blk(state);
	desc(0, DATA, 16, 4, 0); /* indirect: not negotiated */
	offer(0);
	expect_broken(VQ_EINDIRECT);

	setup_blk(state);
	desc(0, DATA, 16, 1, 200); /* next out of range */
	offer(0);
	expect_broken(VQ_EDESC);

	/* A request without a status byte: IOERR is not even writable; used length 0. */
	setup_blk(state);
	desc(0, DATA, 16, 0, 0);
	offer(0);
	assert_int_equal(virtio_blk_notify(&dev, &gm), VQ_OK);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), 0);
}

static void test_hostile_queue_setup(void **state)
{
	(void)state;
	wr(0x70, 0);
	wr(0x70, 3);
	wr(0x30, 0);
	wr(0x38, 3); /* not a power of two */
	wr(0x80, (uint32_t)DESC);
	wr(0x90, (uint32_t)AVAIL);
	wr(0xA0, (uint32_t)USED);
	wr(0x44, 1);
	assert_int_equal(rd(0x44), 0);
	assert_true((rd(0x70) & VIRTIO_STATUS_NEEDS_RESET) != 0);
	wr(0x70, 0);
	wr(0x30, 0);
	wr(0x38, QN);
	wr(0x80, 0x10); /* rings outside RAM */
	wr(0x84, 0);
	wr(0x90, (uint32_t)AVAIL);
	wr(0xA0, (uint32_t)USED);
	wr(0x44, 1);
	assert_int_equal(rd(0x44), 0);
	wr(0x70, 0);
	wr(0x38, 512); /* larger than the maximum */
	assert_int_equal(rd(0x44), 0);
}

static int setup_net(void **state)
{
	(void)state;
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 7};
	memset(ram, 0, sizeof(ram));
	virtio_net_init(&dev, mac);
	driver_init(2);
	return 0;
}

static void test_net_tx_rx(void **state)
{
	(void)state;
	uint64_t v;
	struct virtio_io io;
	assert_int_equal(rd(0x008), VIRTIO_ID_NET);
	assert_true(virtio_mmio(&dev, &gm, 0x105, 1, false, &v, &io));
	assert_int_equal(v, 7); /* the MAC's last byte */
	/* TX queue (1) at base + 0x4000: header then a 60-byte frame. */
	uint64_t tb = 0x4000;
	uint8_t *frame = at(DATA + 0x200);
	memset(frame, 0x5A, 60);
	uint64_t addr = DATA + 0x200 - VNET_HDR_LEN, txd = DESC + tb;
	uint32_t len = 60 + VNET_HDR_LEN;
	uint16_t fl = 0, nx = 0, head = 0, idx = 1;
	memcpy(at(txd), &addr, 8);
	memcpy(at(txd + 8), &len, 4);
	memcpy(at(txd + 12), &fl, 2);
	memcpy(at(txd + 14), &nx, 2);
	memcpy(at(AVAIL + tb + 4), &head, 2);
	memcpy(at(AVAIL + tb + 2), &idx, 2);
	struct vnet_frame f[4];
	enum vq_err e;
	assert_int_equal(virtio_net_tx(&dev, &gm, f, 4, &e), 1);
	assert_int_equal(e, VQ_OK);
	assert_int_equal(f[0].len, 60);
	assert_int_equal(f[0].data[59], 0x5A);
	/* RX without a buffer: dropped. */
	assert_false(virtio_net_rx(&dev, &gm, &f[0], &e));
	assert_int_equal(e, VQ_OK);
	/* RX into a 1526-byte buffer: header with num_buffers = 1, then the frame. */
	desc(0, DATA + 0x1000, 1526, 2, 0);
	offer(0);
	assert_true(virtio_net_rx(&dev, &gm, &f[0], &e));
	assert_int_equal(used_len(0), 60 + VNET_HDR_LEN);
	assert_int_equal(*(uint8_t *)at(DATA + 0x1000 + 10), 1);
	assert_int_equal(*(uint8_t *)at(DATA + 0x1000 + VNET_HDR_LEN), 0x5A);
	/* An RX buffer too small for the frame: returned empty. */
	desc(0, DATA + 0x1000, 20, 2, 0);
	offer(0);
	assert_false(virtio_net_rx(&dev, &gm, &f[0], &e));
	assert_int_equal(used_len(1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_transport_registers, setup_blk),
		cmocka_unit_test_setup(test_feature_negotiation, setup_blk),
		cmocka_unit_test_setup(test_blk_requests, setup_blk),
		cmocka_unit_test_setup(test_hostile_rings, setup_blk),
		cmocka_unit_test_setup(test_hostile_queue_setup, setup_blk),
		cmocka_unit_test_setup(test_net_tx_rx, setup_net),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
