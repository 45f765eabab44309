/*
 * A test partition. The same code is built as each test SP; the manifest
 * decides its ID, execution contexts and exception level. It serves
 * direct requests (test_cmd.h) until it is stopped. Built for S-EL1 it runs
 * its own stage 1 (runtime/mmu.c), which the TEST_CMD_MMU_* commands show
 * and change.
 */
#include <string.h>

#include "arch/arch.h"
#include "ffa/ffa.h"
#include "ffa/notif.h"
#include "sp.h"
#include "sort.h"
#include "test_cmd.h"
#include "test_sp.h"
#if SP_OWN_MMU
#include "arch/aarch64/sysreg.h"
#include "core/types.h"
#include "mmu_regs.h"
#include "spmc/sp_manifest.h"
#endif

/* FF-A boot information (FF-A v1.2 section 5.4): header, then descriptors. */
#define BOOT_INFO_SIGNATURE 0x0FFAU
#define BOOT_INFO_TYPE_FDT 0x0U

uint8_t sp_rx_buf[4096] __attribute__((aligned(4096)));
uint8_t sp_tx_buf[4096] __attribute__((aligned(4096)));
#define rx_buf sp_rx_buf
#define tx_buf sp_tx_buf
uint16_t sp_id;
static bool buffers_mapped;
static uint64_t boot_info_status;
static uint64_t msg_sender, msg_size, msg_head, msg_count;
static uint64_t bench_samples[1024];

static uint64_t counter(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/* An indirect message waits in the RX buffer: keep what the tests ask about, release it. */
static void read_message(void)
{
	const struct ffa_msg_header *h = (const struct ffa_msg_header *)(const void *)rx_buf;

	if (!buffers_mapped || h->size == 0 || h->offset + 8 > sizeof(rx_buf)) {
		return;
	}
	msg_sender = h->sender;
	msg_size = h->size;
	msg_head = *(const uint64_t *)(const void *)(rx_buf + h->offset);
	msg_count++;
	memset(rx_buf, 0, 64);
	sp_call(FFA_RX_RELEASE_32, 0, 0, 0);
} /* 0 = the blob and its manifest descriptor checked out */
static uint64_t served[8];
/* FFA_MEM_PERM_* while initialising (S-EL0 only): see TEST_CMD_MEM_PERM_RESULTS. */
static uint8_t perm_results[24];
static uint8_t scratch[2 * 4096] __attribute__((aligned(4096)));
static uint64_t boot_info_addr, manifest_addr;
/* What FFA_RUN fetched, per execution context (they run on different cores at once). */
static struct {
	uint64_t from_sp, from_vm, fwk, runs, rx_full_reads;
} seen[8];

static uint64_t check_boot_info(uint64_t addr)
{
	const uint32_t *hdr = (const uint32_t *)(uintptr_t)addr;

	if (addr == 0) {
		return 1;
	}
	if ((hdr[0] & 0xFFFF) != BOOT_INFO_SIGNATURE) {
		return 2;
	}
	/* The blob's version is the partition's FF-A version (all three manifests: v1.2). */
	if (hdr[1] != 0x00010002U) {
		return 6;
	}
	/* Header: signature, version, blob size, descriptor size, count, offset. */
	uint32_t count = hdr[4], offset = hdr[5];
	if (count < 1 || hdr[3] != 32) {
		return 3;
	}
	const uint8_t *desc = (const uint8_t *)(uintptr_t)(addr + offset);
	uint16_t type = (uint16_t)(desc[17] << 8 | desc[16]);
	uint64_t content = *(const uint64_t *)(const void *)(desc + 24);
	if ((type & 0x7F) != BOOT_INFO_TYPE_FDT || content == 0) {
		return 4;
	}
	/* The content is the manifest: an FDT (magic 0xd00dfeed, big-endian). */
	const uint8_t *fdt = (const uint8_t *)(uintptr_t)content;
	if (fdt[0] != 0xd0 || fdt[1] != 0x0d || fdt[2] != 0xfe || fdt[3] != 0xed) {
		return 5;
	}
	manifest_addr = content;
	return 0;
}

static uint16_t own_id(void)
{
	struct ffa_value v = sp_call(FFA_ID_GET_32, 0, 0, 0);
	return (uint32_t)v.x[0] == FFA_SUCCESS_32 ? (uint16_t)v.x[2] : 0xFFFF;
}

#define FPCR_RMODE_SHIFT 22

/* An S-EL1 partition opens FP/SIMD to itself (CPACR_EL1.FPEN); S-EL0 has it from the SPMC. */
static void fp_enable(void)
{
#ifndef SP_EL0
	__asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(3ULL << 20));
#endif
}

/* A loop of n iterations that the compiler cannot drop; returns how many ran. */
static uint64_t spin(uint64_t n)
{
	volatile uint64_t i = 0;
	while (i < n) {
		i = i + 1;
	}
	return i;
}

#define PSCI_CPU_OFF 0x84000002U

static struct {
	uint64_t cpu_off, misbehave, plain_err, yield_err, req_err;
} pm[8];

/* A 64-bit value FF-A returns in two 32-bit registers (bitmaps: low word first). */
static uint64_t join32(uint64_t lo, uint64_t hi)
{
	return (uint32_t)lo | hi << 32;
}

static uint64_t error_of(const struct ffa_value *v)
{
	return (uint32_t)v->x[0] == FFA_ERROR_32 ? (uint32_t)v->x[2] : 0;
}

/* A framework message from the SPMC: the PSCI event, answered with a PSCI status. */
static struct ffa_value power_message(const struct ffa_value *req)
{
	uint16_t spmc_id = FFA_MSG_SENDER(req->x[1]), me = FFA_MSG_RECEIVER(req->x[1]);
	unsigned int ec = sp_vcpu_index() & 7;

	if ((req->x[2] & FFA_FWK_MSG_TYPE_MASK) != FFA_FWK_MSG_PSCI_REQ ||
	    (uint32_t)req->x[3] != PSCI_CPU_OFF) {
		sp_log("unexpected framework message w2 0x%llx w3 0x%llx\n",
		       (unsigned long long)req->x[2], (unsigned long long)req->x[3]);
	} else {
		pm[ec].cpu_off++;
	}
	if (pm[ec].misbehave != 0) {
		pm[ec].misbehave = 0;
		struct ffa_value v = {
			.x = {FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(me, spmc_id)}};
		sp_ffa(&v);
		pm[ec].plain_err = error_of(&v);
		v = (struct ffa_value){.x = {FFA_YIELD_32}};
		sp_ffa(&v);
		pm[ec].yield_err = error_of(&v);
		v = (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     FFA_MSG_ENDPOINTS(me, TEST_SP2_ID), 0, TEST_CMD_ECHO}};
		sp_ffa(&v);
		pm[ec].req_err = error_of(&v);
	}
	return (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(me, spmc_id),
					FFA_FWK_MSG_BIT | FFA_FWK_MSG_PSCI_RESP, 0}};
}

/*
 * VM availability messages from a hypervisor (FF-A v1.2 18.3): a VM is
 * available from its "created" message to its "destroyed" one; any other
 * transition is answered with INVALID_PARAMETERS as its status (as
 * Hafnium's test service does). Queried with TEST_CMD_VM_AVAIL.
 */
#define TEST_VMS 16U
static struct {
	uint16_t id; /* 0: free */
	bool available;
} vms[TEST_VMS];
static uint64_t vm_created_msgs, vm_destroyed_msgs, vm_last_sender, vm_last_handle;

static struct ffa_value vm_availability(const struct ffa_value *req)
{
	uint16_t sender = FFA_MSG_SENDER(req->x[1]), me = FFA_MSG_RECEIVER(req->x[1]);
	uint32_t type = (uint32_t)req->x[2] & FFA_FWK_MSG_TYPE_MASK;
	uint16_t vm = (uint16_t)req->x[5];
	bool created = type == FFA_FWK_MSG_VM_CREATED_REQ;
	unsigned int at = TEST_VMS, free_at = TEST_VMS;
	uint32_t status = 0;

	for (unsigned int i = 0; i < TEST_VMS; i++) {
		if (vms[i].id == vm) {
			at = i;
		} else if (vms[i].id == 0 && free_at == TEST_VMS) {
			free_at = i;
		}
	}
	bool available = at < TEST_VMS && vms[at].available;
	if (created == available) {
		status = (uint32_t)FFA_INVALID_PARAMETERS; /* created twice, or destroyed unknown */
	} else if (at == TEST_VMS && free_at == TEST_VMS) {
		status = (uint32_t)FFA_NO_MEMORY;
	} else {
		at = at < TEST_VMS ? at : free_at;
		vms[at].id = vm;
		vms[at].available = created;
	}
	if (created) {
		vm_created_msgs++;
	} else {
		vm_destroyed_msgs++;
	}
	vm_last_sender = sender;
	vm_last_handle = (uint32_t)req->x[3] | (uint64_t)(uint32_t)req->x[4] << 32;
	return (struct ffa_value){.x = {FFA_MSG_SEND_DIRECT_RESP_32, FFA_MSG_ENDPOINTS(me, sender),
					FFA_FWK_MSG_BIT | (type + 1U), status}};
}

static bool vm_available(uint16_t vm)
{
	for (unsigned int i = 0; i < TEST_VMS; i++) {
		if (vms[i].id == vm) {
			return vms[i].available;
		}
	}
	return false;
}

#if SP_OWN_MMU
/* Only the map tests change its mapping (and TEST_CMD_MMU_WATCH's other side unmaps it). */
static uint8_t map_page[4096] __attribute__((aligned(4096)));

/* The base of the manifest's first device region, or of its first NS memory region. */
static uint64_t first_region(bool device)
{
	const struct sp_manifest *m = sp_own_manifest();

	if (m == NULL) {
		return TEST_AREA_NONE;
	}
	if (device) {
		return m->dev_count != 0 ? m->dev[0].base : TEST_AREA_NONE;
	}
	for (unsigned int i = 0; i < m->mem_count; i++) {
		if ((m->mem[i].attrs & SP_REGION_NS) != 0) {
			return m->mem[i].base;
		}
	}
	return TEST_AREA_NONE;
}

/* test_cmd.h: TEST_AREA_* or an address. */
static uint64_t area_addr(uint64_t area)
{
	extern char _start[], __rodata_start[], __data_start[];
	uint64_t sp;

	switch (area) {
	case TEST_AREA_TEXT:
		return (uintptr_t)_start;
	case TEST_AREA_RODATA:
		return (uintptr_t)__rodata_start;
	case TEST_AREA_DATA:
		return (uintptr_t)__data_start;
	case TEST_AREA_BSS:
		return (uintptr_t)scratch;
	case TEST_AREA_STACK:
		__asm__ volatile("mov %0, sp" : "=r"(sp));
		return ALIGN_DOWN(sp, PAGE_SIZE);
	case TEST_AREA_BOOT_INFO:
		return boot_info_addr != 0 ? boot_info_addr : TEST_AREA_NONE;
	case TEST_AREA_MANIFEST:
		return manifest_addr != 0 ? manifest_addr : TEST_AREA_NONE;
	case TEST_AREA_TABLES:
		return read_sysreg(ttbr0_el1) & 0x0000FFFFFFFFF000ULL; /* the root table */
	case TEST_AREA_DEVICE:
		return first_region(true);
	case TEST_AREA_NS:
		return first_region(false);
	case TEST_AREA_MAP_PAGE:
		return (uintptr_t)map_page;
	default:
		return area >= 0x1000 ? area : TEST_AREA_NONE;
	}
}

/* PAR_EL1 after a stage-1 address translation of va, for a read or a write at EL1. */
static uint64_t at_s1e1(uint64_t va, bool write)
{
	uint64_t par;

	if (write) {
		__asm__ volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1"
				 : "=r"(par)
				 : "r"(va)
				 : "memory");
	} else {
		__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1"
				 : "=r"(par)
				 : "r"(va)
				 : "memory");
	}
	return par;
}

/* TEST_CMD_MMU_* and the commands on the manifest's regions (test_cmd.h). */
static void mmu_command(const uint64_t *a, uint64_t *out, unsigned int ec)
{
	uint64_t va = area_addr(a[1]);
	unsigned int attrs;

	switch (a[0]) {
	case TEST_CMD_MMU_STATE:
		out[1] = read_sysreg(sctlr_el1);
		out[2] = read_sysreg(tcr_el1);
		out[3] = read_sysreg(mair_el1);
		out[4] = sp_mmu_table_pages() |
			 (uint64_t)(read_sysreg(ttbr0_el1) == sp_mmu_regs[SP_MMU_TTBR0]) << 32;
		break;
	case TEST_CMD_MMU_QUERY:
		out[1] = va;
		if (va != TEST_AREA_NONE) {
			out[2] = at_s1e1(va, false);
			out[3] = at_s1e1(va, true);
			out[4] = sp_mmu_lookup(va, &attrs) ? attrs | TEST_MMU_MAPPED : 0;
		}
		break;
	case TEST_CMD_MMU_PROBE:
		if (va == TEST_AREA_NONE) {
			out[1] = TEST_AREA_NONE;
		} else if (a[2] == 0) {
			out[1] = sp_probe_read(va);
		} else {
			/* 1: write back the byte there (harmless if it works); 2: byte x6. */
			uint64_t b = a[2] == 1 ? sp_probe_read(va) : a[3];
			out[1] = (b & SP_PROBE_FAULT) != 0 ? b : sp_probe_write(va, (uint8_t)b);
		}
		break;
	case TEST_CMD_MMU_MAP:
		va = area_addr(a[2]);
		out[1] = (uint64_t)(int64_t)(a[1] != 0 ? sp_map(va, a[3] * PAGE_SIZE,
								(unsigned int)a[4])
						       : sp_unmap(va, a[3] * PAGE_SIZE));
		break;
	case TEST_CMD_MMU_WATCH: {
		volatile uint64_t *mbox = (volatile uint64_t *)(uintptr_t)area_addr(TEST_AREA_NS);
		uint64_t r = va == TEST_AREA_NONE ? SP_PROBE_FAULT : sp_probe_read(va), n = 0;
		if ((r & SP_PROBE_FAULT) == 0 && (uintptr_t)mbox != TEST_AREA_NONE) {
			uint64_t freq, end;
			__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
			end = counter() + 10 * freq;
			n = 1;
			mbox[TEST_NS_MAILBOX_WATCH + (ec & 7)] = a[2];
			dsb(sy);
			while (((r = sp_probe_read(va)) & SP_PROBE_FAULT) == 0 && counter() < end) {
				n++;
			}
		}
		out[1] = (r & SP_PROBE_FAULT) != 0 ? r : 0;
		out[2] = n;
		break;
	}
	case TEST_CMD_DEVICE_ID: {
		uint64_t dev = area_addr(TEST_AREA_DEVICE);
		if (dev == TEST_AREA_NONE) {
			out[0] = TEST_STATUS_UNKNOWN_CMD;
			break;
		}
		/* 32-bit reads of the PrimeCell identification registers. */
		const volatile uint32_t *id = (const volatile uint32_t *)(uintptr_t)(dev + 0xFE0);
		for (unsigned int i = 0; i < 4; i++) {
			out[2] |= (uint64_t)(id[i] & 0xFF) << (8 * i);
			out[1] |= (uint64_t)(id[4 + i] & 0xFF) << (8 * i);
		}
		break;
	}
	case TEST_CMD_NS_READ: {
		volatile uint64_t *ns = (volatile uint64_t *)(uintptr_t)area_addr(TEST_AREA_NS);
		if ((uintptr_t)ns == TEST_AREA_NONE) {
			out[0] = TEST_STATUS_UNKNOWN_CMD;
			break;
		}
		out[1] = ns[0];
		ns[1] = ~out[1];
		dsb(sy);
		break;
	}
	default:
		break;
	}
}
#endif

static struct ffa_value handle(const struct ffa_value *req)
{
	uint32_t fid = (uint32_t)req->x[0];
	bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2_64;
	uint16_t sender = FFA_MSG_SENDER(req->x[1]), me = FFA_MSG_RECEIVER(req->x[1]);
	const uint64_t *a = req2 ? &req->x[4] : &req->x[3]; /* a[0] = command */
	struct ffa_value r = {.x = {0, FFA_MSG_ENDPOINTS(me, sender)}};
	uint64_t *out = req2 ? &r.x[4] : &r.x[3]; /* out[0] = status */
	unsigned int ec = sp_vcpu_index();

	r.x[0] = req2 ? FFA_MSG_SEND_DIRECT_RESP2_64
		      : (fid == FFA_MSG_SEND_DIRECT_REQ_64 ? FFA_MSG_SEND_DIRECT_RESP_64
							   : FFA_MSG_SEND_DIRECT_RESP_32);
	if (!req2 && (req->x[2] & FFA_FWK_MSG_BIT) != 0) {
		uint32_t type = (uint32_t)req->x[2] & FFA_FWK_MSG_TYPE_MASK;
		if (type == FFA_FWK_MSG_VM_CREATED_REQ || type == FFA_FWK_MSG_VM_DESTROYED_REQ) {
			return vm_availability(req);
		}
		return power_message(req);
	}
	served[ec & 7]++;
	out[0] = TEST_STATUS_OK;
	switch (a[0]) {
	case TEST_CMD_ECHO:
		for (unsigned int i = 1; i < (req2 ? 14U : 5U); i++) {
			out[i] = a[i];
		}
		break;
	case TEST_CMD_WHOAMI:
		out[1] = own_id();
		out[2] = ec;
		out[3] = sender;
		out[4] = boot_info_status;
		break;
	case TEST_CMD_CALL: {
		struct ffa_value v = {.x = {FFA_MSG_SEND_DIRECT_REQ_32,
					    FFA_MSG_ENDPOINTS(me, (uint16_t)a[1]), 0, a[2], a[3],
					    a[4]}};
		sp_ffa(&v);
		irq_call_answer(&v, (uint16_t)a[1]);
		out[1] = v.x[0];
		if ((uint32_t)v.x[0] == FFA_ERROR_32) {
			out[2] = (uint32_t)v.x[2];
		} else {
			out[2] = v.x[3];
			out[3] = v.x[4];
			out[4] = v.x[5];
		}
		break;
	}
	case TEST_CMD_FAULT: {
#if SP_OWN_MMU
		/* Past its own stage 1 (if that does not have the page), to the SPMC's stage 2. */
		unsigned int attrs;
		if (!sp_mmu_lookup(a[1], &attrs)) {
			sp_map(ALIGN_DOWN(a[1], PAGE_SIZE), PAGE_SIZE, a[2] == 1 ? MM_RW : MM_R);
		}
#endif
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)a[1];
		if (a[2] == 1) {
			uint8_t b = *p;
			*p = b;
		} else {
			out[1] = *(volatile uint64_t *)(uintptr_t)a[1];
		}
		break;
	}
	case TEST_CMD_VERSION:
		out[1] = sp_call(FFA_VERSION_32, a[1], 0, 0).x[0];
		break;
	case TEST_CMD_COUNTER:
		out[1] = served[ec & 7];
		break;
	case TEST_CMD_SPOOF: {
		/* A response claiming to come from someone else must be refused. */
		struct ffa_value v = r;
		v.x[1] = FFA_MSG_ENDPOINTS((uint16_t)a[1], sender);
		sp_ffa(&v);
		out[1] = v.x[0];
		out[2] = v.x[2];
		break;
	}
	case TEST_CMD_LAST_MSG:
		read_message();
		out[1] = msg_sender;
		out[2] = msg_size;
		out[3] = msg_head;
		out[4] = msg_count;
		break;
	case TEST_CMD_SEND_MSG: {
		struct ffa_msg_header *h = (struct ffa_msg_header *)(void *)tx_buf;
		memset(h, 0, sizeof(*h));
		h->offset = sizeof(*h);
		h->sender = me;
		h->receiver = (uint16_t)a[1];
		h->size = 8;
		*(uint64_t *)(void *)(tx_buf + sizeof(*h)) = a[2];
		struct ffa_value m = sp_call(FFA_MSG_SEND2_32, 0, (uint32_t)(a[1] >> 16), 0);
		out[1] = m.x[0];
		out[2] = (uint32_t)m.x[2];
		break;
	}
	case TEST_CMD_BENCH_CALL: {
		unsigned int n = a[2] > 1024 ? 1024U : (unsigned int)a[2];
		for (unsigned int i = 0; i < n; i++) {
			struct ffa_value b = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
						    FFA_MSG_ENDPOINTS(me, (uint16_t)a[1]), 0,
						    TEST_CMD_ECHO, i}};
			uint64_t t0 = counter();
			arch_smc(&b); /* raw: the register checks are not what is measured */
			bench_samples[i] = counter() - t0;
		}
		sort_u64(bench_samples, n);
		out[1] = n != 0 ? bench_samples[n / 2] : 0;
		out[2] = n != 0 ? bench_samples[0] : 0;
		out[3] = n != 0 ? bench_samples[n - 1] : 0;
		break;
	}
	case TEST_CMD_WRONG_EXIT: {
		/* A pending direct request must be answered with a direct response. */
		struct ffa_value e = sp_call(FFA_ERROR_32, 0, (uint32_t)FFA_ABORTED, 0);
		struct ffa_value w = sp_call(FFA_MSG_WAIT_32, 0, 0, 0);
		out[1] = e.x[0];
		out[2] = (uint32_t)e.x[2];
		out[3] = w.x[0];
		out[4] = (uint32_t)w.x[2];
		break;
	}
	case TEST_CMD_SPIN:
		out[1] = spin(a[1]);
		break;
	case TEST_CMD_FP_SET:
		fp_enable();
		__asm__ volatile("fmov d0, %0\n\tfmov d31, %1\n\tmsr fpcr, %2"
				 :
				 : "r"(a[1]), "r"(~a[1]), "r"((a[2] & 3U) << FPCR_RMODE_SHIFT)
				 : "memory");
		break;
	case TEST_CMD_FP_GET: {
		uint64_t fpcr;
		fp_enable();
		__asm__ volatile("fmov %0, d0\n\tfmov %1, d31\n\tmrs %2, fpcr\n\tmov %3, v0.d[1]"
				 : "=r"(out[1]), "=r"(out[2]), "=r"(fpcr), "=r"(out[4]));
		out[3] = (fpcr >> FPCR_RMODE_SHIFT) & 3U;
		break;
	}
	case TEST_CMD_FP_SPIN:
		fp_enable();
		__asm__ volatile("fmov d0, %0" : : "r"(a[1]) : "memory");
		out[2] = spin(a[2]);
		__asm__ volatile("fmov %0, d0" : "=r"(out[1]));
		break;
	case TEST_CMD_NOTIF_CALL: {
		struct ffa_value v = {
			.x = {a[1], (uint32_t)a[2], (uint32_t)a[3], (uint32_t)a[4], a[4] >> 32}};
		sp_ffa(&v);
		out[1] = v.x[0];
		out[2] = join32(v.x[2], v.x[3]);
		out[3] = join32(v.x[4], v.x[5]);
		out[4] = join32(v.x[6], v.x[7]);
		break;
	}
	case TEST_CMD_NOTIF_SEEN:
		out[1] = seen[ec & 7].from_sp;
		out[2] = seen[ec & 7].from_vm;
		out[3] = seen[ec & 7].fwk | seen[ec & 7].runs << 32;
		out[4] = seen[ec & 7].rx_full_reads;
		memset(&seen[ec & 7], 0, sizeof(seen[0]));
		break;
	case TEST_CMD_PM_QUERY:
		out[1] = pm[a[1] & 7].cpu_off;
		out[2] = pm[a[1] & 7].plain_err;
		out[3] = pm[a[1] & 7].yield_err;
		out[4] = pm[a[1] & 7].req_err;
		break;
	case TEST_CMD_PM_MISBEHAVE:
		for (unsigned int i = 0; i < 8; i++) {
			pm[i].misbehave = 1;
		}
		break;
	case TEST_CMD_MEM_PERM_RESULTS:
		for (unsigned int i = 0; i < sizeof(perm_results); i++) {
			out[1 + i / 8] |= (uint64_t)perm_results[i] << (8 * (i % 8));
		}
		out[4] =
			(uint32_t)sp_call(FFA_MEM_PERM_SET_32, (uint64_t)(uintptr_t)scratch, 1, 0x7)
				.x[2];
		break;
	case TEST_CMD_SMCCC_STATS: {
		struct smccc_check_stats st;
		sp_smccc_stats(&st);
		out[1] = st.calls;
		out[2] = st.violations | (uint64_t)st.first_reg << 56;
		out[3] = st.first_fid | (uint64_t)st.first_answer << 32;
		out[4] = st.first_value;
		break;
	}
	case TEST_CMD_SMCCC_CHECKS:
		sp_smccc_checks = a[1] != 0;
		break;
	case TEST_CMD_VM_AVAIL:
		out[1] = vm_available((uint16_t)a[1]) ? 1U : 0U;
		out[2] = vm_created_msgs | vm_destroyed_msgs << 32;
		out[3] = vm_last_sender;
		out[4] = vm_last_handle;
		break;
	case TEST_CMD_YIELD: {
		/* a[1]/a[2]: the timeout's low/high words (ns); a[3]: w1 (MBZ). */
		uint64_t freq, t0 = counter();
		struct ffa_value y = sp_call(FFA_YIELD_32, a[3], a[1], a[2]);
		uint64_t ticks = counter() - t0;
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
		out[1] = y.x[0];
		out[2] = freq != 0 ? ticks / freq * 1000000U + ticks % freq * 1000000U / freq : 0;
		out[3] = (uint32_t)y.x[0] == FFA_ERROR_32 ? (uint32_t)y.x[2] : 0;
		break;
	}
	case TEST_CMD_DISCOVER: {
		/* Memory the SP does not own cannot become its buffers (unmapped first). */
		sp_call(FFA_RXTX_UNMAP_32, 0, 0, 0);
		struct ffa_value m = sp_call(FFA_RXTX_MAP_64, 0x0e100000, 0x0e101000, 1);
		out[1] = (uint32_t)m.x[0] == FFA_ERROR_32 ? (uint32_t)m.x[2] : 0;
		m = sp_call(FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)tx_buf,
			    (uint64_t)(uintptr_t)rx_buf, 1);
		buffers_mapped = (uint32_t)m.x[0] == FFA_SUCCESS_32;
		m = sp_call(FFA_PARTITION_INFO_GET_32, 0, 0, 0);
		out[2] = (uint32_t)m.x[0] == FFA_SUCCESS_32 ? m.x[2] : 0;
		out[3] = (uint64_t)rx_buf[0] | (uint64_t)rx_buf[1] << 8 |
			 (uint64_t)rx_buf[2] << 16 | (uint64_t)rx_buf[3] << 24;
		out[4] = sp_call(FFA_RX_RELEASE_32, 0, 0, 0).x[0];
		break;
	}
#if SP_OWN_MMU
	case TEST_CMD_MMU_STATE:
	case TEST_CMD_MMU_QUERY:
	case TEST_CMD_MMU_PROBE:
	case TEST_CMD_MMU_MAP:
	case TEST_CMD_MMU_WATCH:
	case TEST_CMD_DEVICE_ID:
	case TEST_CMD_NS_READ:
		mmu_command(a, out, ec);
		break;
#endif
	default:
		if (!mem_command(a[0], a, out) && !irq_command(a[0], a, out)) {
			out[0] = TEST_STATUS_UNKNOWN_CMD;
		}
		break;
	}
	return r;
}

/*
 * Run by the normal world's scheduler (after the schedule-receiver
 * interrupt): fetch this vCPU's notifications; RX-full means a message.
 * Without notification support, look for a message anyway.
 */
static void on_run(void)
{
	struct ffa_value g = {
		.x = {FFA_NOTIFICATION_GET_32, (uint64_t)sp_vcpu_index() << 16 | own_id(),
		      FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM | FFA_NOTIF_GET_FROM_SPM}};
	sp_ffa(&g);
	if ((uint32_t)g.x[0] != FFA_SUCCESS_32) {
		read_message();
		return;
	}
	unsigned int ec = sp_vcpu_index() & 7;
	seen[ec].runs++;
	seen[ec].from_sp |= join32(g.x[2], g.x[3]);
	seen[ec].from_vm |= join32(g.x[4], g.x[5]);
	seen[ec].fwk |= (uint32_t)g.x[6];
	if ((g.x[6] & FFA_NOTIF_FWK_RX_FULL) != 0) {
		uint64_t before = msg_count;
		read_message();
		seen[ec].rx_full_reads += msg_count - before;
	}
}

static void serve(void)
{
	struct ffa_value v = {.x = {FFA_MSG_WAIT_32}};

	for (;;) {
		sp_ffa(&v);
		uint32_t fid = (uint32_t)v.x[0];
		if (fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
		    fid == FFA_MSG_SEND_DIRECT_REQ2_64) {
			v = handle(&v);
		} else if (fid == FFA_RUN_32) {
			/* Cycles from the normal world's scheduler: notifications, messages. */
			on_run();
			v = (struct ffa_value){.x = {FFA_MSG_WAIT_32}};
		} else if (fid == FFA_INTERRUPT_32) {
			/* Woken to handle an interrupt (w2: its ID): done, wait again. */
			irq_woken(v.x[2]);
			v = (struct ffa_value){.x = {FFA_MSG_WAIT_32}};
		} else {
			sp_log("unexpected message 0x%x\n", fid);
			v = (struct ffa_value){.x = {FFA_MSG_WAIT_32}};
		}
	}
}

#ifdef SP_EL0
static unsigned int perm_count;

static void perm_record(uint32_t fid, uint64_t va, uint64_t pages, uint64_t perm)
{
	struct ffa_value v = sp_call(fid, va, pages, perm);
	uint8_t b = (uint32_t)v.x[0] == FFA_ERROR_32 ? (uint8_t)(int8_t)(int32_t)v.x[2]
						     : (uint8_t)v.x[2];
	if (perm_count < sizeof(perm_results)) {
		perm_results[perm_count++] = b;
	}
}

static void mem_perm_tests(void)
{
	extern char _start[];
	uint64_t text = (uint64_t)(uintptr_t)_start; /* the entry page: code only */
	uint64_t data = (uint64_t)(uintptr_t)scratch;

	/* The image is mapped RWX until the partition sets its code read-only. */
	perm_record(FFA_MEM_PERM_GET_32, text + 8, 0, 0); /* 1: RW, executable */
	perm_record(FFA_MEM_PERM_SET_32, text, 1, 0x3); /* RO, executable: 0 */
	perm_record(FFA_MEM_PERM_GET_32, text, 0, 0); /* 3 */
	perm_record(FFA_MEM_PERM_GET_32, data, 0, 0); /* 5: RW, execute-never */
	perm_record(FFA_MEM_PERM_SET_32, data, 1, 0x7); /* RO, execute-never: 0 */
	perm_record(FFA_MEM_PERM_GET_32, data, 0, 0); /* 7 */
	perm_record(FFA_MEM_PERM_GET_32, data + 4096, 0, 0); /* 5: its neighbour untouched */
	perm_record(FFA_MEM_PERM_SET_32, data, 2, 0x5); /* back to RW: 0 */
	perm_record(FFA_MEM_PERM_GET_32, data, 0, 0); /* 5 */
	scratch[0] = 1; /* writable again (a fault would stop the partition) */
	perm_record(FFA_MEM_PERM_SET_32, data, 1, 0x1); /* RW and executable: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data, 1, 0x2); /* reserved data access: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data, 1, 0x0); /* no access: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data, 1, 0xD); /* bit 3: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data, 0, 0x7); /* no pages: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data + 8, 1, 0x7); /* unaligned: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, 0x0e100000, 1, 0x7); /* the SPMC's: INVALID */
	perm_record(FFA_MEM_PERM_SET_32, data, 0x100000, 0x7); /* runs off its memory: INVALID */
	perm_record(FFA_MEM_PERM_GET_32, 0x0e100000, 0, 0); /* not its page: INVALID */
	perm_record(FFA_MEM_PERM_GET_32, data, 0, 0); /* 5: the refusals changed nothing */
}
#else
static void mem_perm_tests(void)
{
}
#endif

#if SP_OWN_MMU
/*
 * The normal world reads and writes the NS pages of the manifest with its
 * MMU off (non-cacheable): the same attributes here (the runtime mapped them
 * write-back), or on hardware neither side would see the other's writes.
 */
static void ns_regions_uncached(void)
{
	const struct sp_manifest *m = sp_own_manifest();

	for (unsigned int i = 0; m != NULL && i < m->mem_count; i++) {
		if ((m->mem[i].attrs & SP_REGION_NS) != 0) {
			int rc = sp_map(m->mem[i].base, (uint64_t)m->mem[i].pages * PAGE_SIZE,
					MM_RW | MM_NS | MM_NC);
			if (rc != MM_OK) {
				sp_log("cannot map %s non-cacheable: %d\n", m->mem[i].name, rc);
			}
		}
	}
}
#endif

void sp_main(uint64_t boot_info)
{
	boot_info_addr = boot_info;
	boot_info_status = check_boot_info(boot_info);
#if SP_OWN_MMU
	ns_regions_uncached();
#endif
	mem_perm_tests();
	struct ffa_value v = sp_call(FFA_VERSION_32, FFA_VERSION_1_2, 0, 0);
	uint16_t id = own_id();
	sp_id = id;
#if !defined(SP_EL0) && !defined(SP_VM)
	/*
	 * Buffers its manifest names (rx_tx-info) are mapped by the SPMC at load:
	 * a map is then DENIED, an unmap succeeds; the partition maps its own.
	 */
	const struct sp_manifest *own = sp_own_manifest();
#ifdef SP_MANIFEST_RXTX
	if (boot_info_status == 0 && (own == NULL || !own->rxtx_present)) {
		boot_info_status = 9; /* its manifest has rx_tx-info: the check must run */
	}
#endif
	if (own != NULL && own->rxtx_present && boot_info_status == 0) {
		struct ffa_value d = sp_call(FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)tx_buf,
					     (uint64_t)(uintptr_t)rx_buf, 1);
		struct ffa_value u = sp_call(FFA_RXTX_UNMAP_32, (uint64_t)id << 16, 0, 0);
		if ((uint32_t)d.x[0] != FFA_ERROR_32 || (int32_t)d.x[2] != FFA_DENIED) {
			boot_info_status = 7;
		} else if ((uint32_t)u.x[0] != FFA_SUCCESS_32) {
			boot_info_status = 8;
		}
	}
#endif
	struct ffa_value m = sp_call(FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)tx_buf,
				     (uint64_t)(uintptr_t)rx_buf, 1);
	buffers_mapped = (uint32_t)m.x[0] == FFA_SUCCESS_32;
#ifdef SP_VM
	/* A VM starts its other vCPUs itself, each of which then waits for messages. */
	sp_start_vcpus();
	sp_log("%s: id 0x%x, FF-A 0x%x, a VM of the emulated SPMC\n", SP_NAME, id,
	       (unsigned int)v.x[0]);
#else
	if (SP_EXEC_CTX > 1) {
		struct ffa_value r = sp_call(FFA_SECONDARY_EP_REGISTER_64,
					     (uint64_t)(uintptr_t)sp_secondary_entry, 0, 0);
		if ((uint32_t)r.x[0] != FFA_SUCCESS_32 && (uint32_t)r.x[0] != FFA_SUCCESS_64) {
			sp_log("FFA_SECONDARY_EP_REGISTER failed: %d\n", (int)(int32_t)r.x[2]);
		}
	}
#endif
#if !SP_OWN_MMU
#ifdef SP_EL0
	sp_log("%s: id 0x%x, EC 0, FF-A 0x%x, boot info %s\n", SP_NAME, id, (unsigned int)v.x[0],
	       boot_info_status == 0 ? "ok" : "BAD");
#endif
#else
	sp_log("%s: id 0x%x, EC 0, FF-A 0x%x, boot info %s, stage 1 on (%u table pages)\n", SP_NAME,
	       id, (unsigned int)v.x[0], boot_info_status == 0 ? "ok" : "BAD",
	       (unsigned int)sp_mmu_table_pages());
#endif
	irq_boot();
	serve();
}

void sp_secondary_main(unsigned int vcpu)
{
	(void)vcpu;
	irq_boot();
	serve();
}
