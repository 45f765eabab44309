/*
 * Hypervisor boot. The primary CPU maps its own image and the boot DTB,
 * turns the EL2 MMU on, discovers the machine from the DTB (hyp/machine.h),
 * maps RAM and devices, sets up the GIC, reads the VM manifest (QEMU's
 * "initrd"), builds the VMs, prints the banner and starts the other CPUs
 * with PSCI CPU_ON through the conduit the DTB names. Every CPU then runs
 * its vCPUs (hyp/run.h).
 */
#include <libfdt.h>
#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/fmt.h"
#include "core/cpu.h"
#include "core/mm.h"
#include "core/palloc.h"
#include "core/panic.h"
#include "core/types.h"
#include "ffa/ffa.h"
#include "hyp/ffa.h"
#include "hyp/hyp.h"
#include "hyp/manifest.h"
#include "hyp/psci.h"
#include "hyp/run.h"
#include "hyp/sched.h"
#include "hyp/vm.h"
#include "hyp/vm_create.h"
#include "plat/plat.h"

#include "version.h" /* generated: TZV_VERSION */

#define STAGE1_VA_BITS 39U
#define STAGE1_POOL_PAGES 64U
#define STAGE2_POOL_PAGES 128U
#define DTB_MAX (64U * 1024U)
#define MANIFEST_MAX (16U * 1024U)
#define FDT_MAGIC_BE 0xEDFE0DD0U /* 0xd00dfeed read little-endian */

struct hyp hyp;

static struct palloc s1_pool, s2_pool;
static struct mm_ptable stage1;
static uint8_t s1_pages[STAGE1_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t s2_pages[STAGE2_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t dtb_copy[DTB_MAX] __attribute__((aligned(8)));
static uint8_t manifest_copy[MANIFEST_MAX] __attribute__((aligned(8)));
static struct vm_config vm_cfgs[VM_MAX];

extern char __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[],
	__data_start[], __image_end[];

struct palloc *vm_table_pool(void)
{
	return &s2_pool;
}

static void map_or_panic(uint64_t base, uint64_t size, unsigned int attrs, const char *what)
{
	uint64_t b = ALIGN_DOWN(base, PAGE_SIZE), e = ALIGN_UP(base + size, PAGE_SIZE);
	int rc = mm_map(&stage1, b, b, e - b, attrs);

	if (rc != MM_OK) {
		panic("stage-1 map of %s [0x%llx, +0x%llx) failed: %d", what, (unsigned long long)b,
		      (unsigned long long)(e - b), rc);
	}
}

/* Big-endian 32-bit header field of a DTB, read with an aligned load (MMU off). */
static uint32_t fdt_hdr(uintptr_t dtb, unsigned int word)
{
	return __builtin_bswap32(((volatile uint32_t *)dtb)[word]);
}

static void stage1_build(uintptr_t dtb)
{
	uintptr_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start;
	uintptr_t data = (uintptr_t)__data_start, end = (uintptr_t)__image_end;

	CHECK(palloc_init(&s1_pool, (uintptr_t)s1_pages, STAGE1_POOL_PAGES) == 0);
	CHECK(mm_init(&stage1, MM_STAGE1, STAGE1_VA_BITS, &s1_pool) == MM_OK);
	map_or_panic(text, (uintptr_t)__text_end - text, MM_RX, "text");
	map_or_panic(rodata, (uintptr_t)__rodata_end - rodata, MM_R, "rodata");
	map_or_panic(data, end - data, MM_RW, "data/bss");
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		CHECK(mm_unmap(&stage1, (uintptr_t)cpu_stacks + (uintptr_t)i * CPU_STACK_SLOT,
			       CPU_STACK_BYTES) == MM_OK);
	}
	/* The boot DTB, read-only, until it is copied. */
	if (dtb == 0 || !IS_ALIGNED(dtb, 8) || fdt_hdr(dtb, 0) != 0xd00dfeedU) {
		arch_halt(); /* no console yet: nothing to say it with */
	}
	map_or_panic(dtb, fdt_hdr(dtb, 1), MM_R, "boot DTB");
	stage1.tlb_inval = arch_mm_tlb_inval;
	hyp.stage1 = &stage1;
}

/* RAM the DTB lists, around tzvisor's image (whose mappings stay as they are). */
static void map_ram(void)
{
	uint64_t img = (uintptr_t)__image_start, img_end = (uintptr_t)__image_end;

	for (unsigned int i = 0; i < hyp.m.mem_count; i++) {
		uint64_t b = hyp.m.mem[i].base, e = b + hyp.m.mem[i].size;
		if (b < img) {
			map_or_panic(b, (e < img ? e : img) - b, MM_RW, "RAM");
		}
		if (e > img_end) {
			uint64_t s = b > img_end ? b : img_end;
			map_or_panic(s, e - s, MM_RW, "RAM");
		}
	}
}

static void discover(uintptr_t dtb)
{
	const char *where;
	uint32_t size = fdt_hdr(dtb, 1);

	/*
	 * QEMU pads its DTB to 1 MiB: copy only what is used (header, blocks,
	 * strings last) and let the copy say so, so that the original's memory
	 * can go to guests. machine_parse checks the copy in full.
	 */
	uint32_t used = fdt_hdr(dtb, 3) + fdt_hdr(dtb, 8); /* off_dt_strings + size_dt_strings */
	if (used > sizeof(dtb_copy) || used > size) {
		arch_halt(); /* no console yet: nothing to say it with */
	}
	memcpy(dtb_copy, (const void *)dtb, used);
	fdt_set_totalsize(dtb_copy, used);
	enum machine_err e = machine_parse(dtb_copy, used, &hyp.m, &where);
	if (e != MACHINE_OK) {
		if (hyp.m.uart.base != 0) { /* found before the error: say it there */
			map_or_panic(hyp.m.uart.base, PAGE_SIZE, MM_RW | MM_DEVICE, "UART");
			plat_console_init(hyp.m.uart.base);
		}
		panic("boot DTB at 0x%llx (%u bytes): %s: %s", (unsigned long long)dtb, size, where,
		      machine_strerror(e));
	}
}

static int64_t firmware_psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct ffa_value v = {.x = {fid, a1, a2, a3}};

	arch_smc(&v);
	return (int64_t)v.x[0];
}

void hyp_machine_off(const char *why)
{
	static bool once;

	if (__atomic_exchange_n(&once, true, __ATOMIC_ACQ_REL)) {
		arch_halt(); /* another CPU is powering the machine off */
	}
	LOG_NOTICE("powering the machine off: %s\n", why);
	for (unsigned int i = 0; i < vm_count; i++) {
		const struct vm *vm = &vms[i];
		uint64_t exits = 0;
		for (unsigned int j = 0; j < vm->vcpu_count; j++) {
			exits += vm->vcpus[j].exits;
		}
		LOG_NOTICE("  VM %u (%s): %s, %llu exits\n", vm->id, vm->cfg.name,
			   vm->state == VM_RUNNING ? "running" : "stopped",
			   (unsigned long long)exits);
	}
	firmware_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	panic("PSCI SYSTEM_OFF returned");
}

/* What guests' SMCCC discovery and TRNG calls answer, from this CPU's ID registers. */
static void smccc_init(void)
{
	static const char *const cve[3] = {"CVE-2017-5715 (WORKAROUND_1)",
					   "CVE-2018-3639 (WORKAROUND_2)",
					   "CVE-2022-23960 (WORKAROUND_3)"};
	struct smccc_id_regs id = {
		.pfr0 = read_sysreg(id_aa64pfr0_el1),
		.pfr1 = read_sysreg(id_aa64pfr1_el1),
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.isar0 = read_sysreg(id_aa64isar0_el1),
	};

	smccc_caps_from_id(&id, &hyp.smccc);
	for (unsigned int i = 0; i < 3; i++) {
		if (hyp.smccc.wa[i] != SMCCC_WA_NOT_NEEDED) {
			LOG_WARNING("this CPU is affected by %s and tzvisor offers no firmware "
				    "mitigation: guests are told NOT_SUPPORTED\n",
				    cve[i]);
		}
	}
}

static void load_manifest(void)
{
	const struct machine *m = &hyp.m;
	char where[64];
	unsigned int n;

	if (m->initrd_start == 0) {
		panic("no VM manifest: boot with the manifest DTB as the initrd (-initrd)");
	}
	uint64_t size = m->initrd_end - m->initrd_start;
	if (size > MANIFEST_MAX) {
		panic("VM manifest is %llu bytes, more than %u", (unsigned long long)size,
		      MANIFEST_MAX);
	}
	memcpy(manifest_copy, (const void *)(uintptr_t)m->initrd_start, size);
	enum manifest_err e =
		manifest_parse(manifest_copy, size, vm_cfgs, &n, where, sizeof(where));
	if (e != MANIFEST_OK) {
		panic("VM manifest: %s: %s", where, manifest_strerror(e));
	}
	/* Guest RAM: everything the DTB lists but tzvisor, the boot blobs and the images. */
	ram_init(&hyp.ram);
	for (unsigned int i = 0; i < m->mem_count; i++) {
		CHECK(ram_add(&hyp.ram, m->mem[i].base, m->mem[i].size));
	}
	bool ok = ram_reserve(&hyp.ram, m->mem[0].base, (uintptr_t)__image_end - m->mem[0].base) &&
		  ram_reserve(&hyp.ram, m->initrd_start, size);
	for (unsigned int i = 0; i < n; i++) {
		ok = ok && ram_reserve(&hyp.ram, vm_cfgs[i].kernel_pa, vm_cfgs[i].kernel_size) &&
		     ram_reserve(&hyp.ram, vm_cfgs[i].initrd_pa, vm_cfgs[i].initrd_size) &&
		     ram_reserve(&hyp.ram, vm_cfgs[i].disk_pa, vm_cfgs[i].disk_size);
	}
	CHECK(ok);
	sched_init(m->cpu_count < MAX_CPUS ? m->cpu_count : MAX_CPUS);
	for (unsigned int i = 0; i < n; i++) {
		const char *why = "?";
		if (!vm_create(&vm_cfgs[i], &hyp.ram, &why)) {
			LOG_ERROR("VM %u (%s): not created: %s\n", vm_count + 1, vm_cfgs[i].name,
				  why);
		}
	}
}

static const char *conduit_name(enum psci_conduit c)
{
	return c == PSCI_CONDUIT_SMC ? "smc" : c == PSCI_CONDUIT_HVC ? "hvc" : "none";
}

static void banner(uintptr_t dtb)
{
	const struct machine *m = &hyp.m;

	console_printf("\ntzvisor %s -- hypervisor at NS-EL2 (%s)\n", TZV_VERSION,
		       "QEMU virt, boot DTB");
	console_printf(
		"  image 0x%llx-0x%llx (%llu KiB), boot DTB @0x%llx, counter %llu Hz\n",
		(unsigned long long)(uintptr_t)__image_start,
		(unsigned long long)(uintptr_t)__image_end,
		(unsigned long long)(((uintptr_t)__image_end - (uintptr_t)__image_start) / 1024),
		(unsigned long long)dtb, (unsigned long long)hyp.cntfrq);
	for (unsigned int i = 0; i < m->mem_count; i++) {
		console_printf("  memory 0x%llx-0x%llx (%llu MiB)\n",
			       (unsigned long long)m->mem[i].base,
			       (unsigned long long)(m->mem[i].base + m->mem[i].size),
			       (unsigned long long)(m->mem[i].size >> 20));
	}
	console_printf("  cpus %u (MPIDR", m->cpu_count);
	for (unsigned int i = 0; i < m->cpu_count; i++) {
		console_printf(" 0x%llx", (unsigned long long)m->cpu_mpidr[i]);
	}
	console_printf("), PSCI %s via %s\n", m->psci_0_2 ? "0.2+" : "0.1", conduit_name(m->psci));
	console_printf("  GICv3 distributor 0x%llx, redistributors 0x%llx (+0x%llx), "
		       "maintenance INTID %u\n",
		       (unsigned long long)m->gicd.base, (unsigned long long)m->gicr.base,
		       (unsigned long long)m->gicr.size, m->gic_maint_intid);
	console_printf("  UART 0x%llx (INTID %u), timer INTIDs virt %u hyp %u, RTC %s0x%llx\n",
		       (unsigned long long)m->uart.base, m->uart_intid, m->timer_intid[TIMER_VIRT],
		       m->timer_intid[TIMER_HYP_PHYS], m->rtc.size != 0 ? "" : "none ",
		       (unsigned long long)m->rtc.base);
	console_printf("  stage-1: %u-bit VA, %zu table pages of %u; stage-2 pages %zu of %u\n",
		       STAGE1_VA_BITS, palloc_used(&s1_pool), STAGE1_POOL_PAGES,
		       palloc_used(&s2_pool), STAGE2_POOL_PAGES);
	console_printf(
		"  FF-A for guests: %s\n",
		hyp_ffa_mode() == HYP_FFA_FORWARD
			? "forwarded to the SPMC below (VM IDs 1..N)"
			: "emulated SPMC (no secure world): partition VMs are its partitions");
	console_printf("  VMs: %u (guest RAM left %llu MiB)\n", vm_count,
		       (unsigned long long)(ram_free_bytes(&hyp.ram) >> 20));
	if (vm_count != 0) {
		console_printf("    VM  name             vCPUs on CPUs    memory (IPA -> PA)"
			       "                  kernel entry  DTB         bootargs\n");
	}
	for (unsigned int i = 0; i < vm_count; i++) {
		const struct vm *vm = &vms[i];
		char where[32];
		int n = 0;
		for (unsigned int j = 0; j < vm->vcpu_count && n < (int)sizeof(where) - 3; j++) {
			n += fmt_snprintf(where + n, sizeof(where) - (size_t)n, "%s%u",
					  j != 0 ? "," : "", vm->vcpus[j].pcpu);
		}
		console_printf("    %-2u  %-15s  %-5u %-10s 0x%llx+%lluM -> 0x%llx  0x%llx  0x%llx "
			       " \"%s\"\n",
			       vm->id, vm->cfg.name, vm->vcpu_count, where,
			       (unsigned long long)vm->mem_ipa,
			       (unsigned long long)(vm->mem_size >> 20),
			       (unsigned long long)vm->mem_pa, (unsigned long long)vm->entry,
			       (unsigned long long)vm->dtb_ipa, vm->cfg.bootargs);
		if (vm->cfg.ffa.partition) {
			const uint32_t *u = vm->cfg.ffa.uuid[0];
			console_printf("        FF-A partition 0x%04x, UUID %08x %08x %08x %08x%s, "
				       "messaging 0x%x%s\n",
				       vm->cfg.ffa.id, u[0], u[1], u[2], u[3],
				       vm->cfg.ffa.uuid_count > 1 ? " (+more)" : "",
				       vm->cfg.ffa.messaging,
				       vm->cfg.ffa.notifications ? ", notifications" : "");
		}
		if (vm->virtio_count != 0 || vm->dtb_info.rtc_ipa != 0) {
			console_printf("        devices:%s%s%s\n",
				       vm->cfg.disk_size != 0 ? " virtio-blk (disk image)" : "",
				       vm->cfg.net ? " virtio-net (switch port)" : "",
				       vm->dtb_info.rtc_ipa != 0 ? " PL031 RTC (passed through)"
								 : "");
		}
	}
}

static void cpu_up(unsigned int index)
{
	struct cpu *c = &cpus[index];

	c->index = index;
	c->mpidr = arch_mpidr();
	c->on = true;
	c->boots++;
}

static void start_secondaries(void)
{
	uint64_t self = arch_mpidr() & 0xFF00FFFFFFULL;

	if (hyp.m.psci != PSCI_CONDUIT_SMC) {
		LOG_WARNING("PSCI conduit is %s: an EL2 cannot call it; running on one CPU\n",
			    conduit_name(hyp.m.psci));
		return;
	}
	for (unsigned int i = 0; i < hyp.m.cpu_count; i++) {
		uint64_t mpidr = hyp.m.cpu_mpidr[i];
		if (mpidr == self) {
			continue;
		}
		int64_t rc = firmware_psci(PSCI_CPU_ON64, mpidr, (uintptr_t)hyp_entry_secondary, 0);
		if (rc != PSCI_SUCCESS) {
			LOG_ERROR("CPU_ON of MPIDR 0x%llx failed: %lld\n",
				  (unsigned long long)mpidr, (long long)rc);
		}
	}
}

void hyp_boot_primary(uintptr_t dtb, unsigned int index);
void hyp_boot_primary(uintptr_t dtb, unsigned int index)
{
	cpu_up(index);
	/*
	 * x0 = 0: entered as TF-A's BL33 (which passes no DTB unless built for a
	 * Linux kernel); QEMU puts its DTB, which BL2 completes with /psci, at
	 * the start of DRAM.
	 */
	if (dtb == 0) {
		dtb = plat.ns_dram.base;
	}
	/* Tables are written with the MMU off; drop any stale cache lines first. */
	arch_dcache_inval_range((uintptr_t)__data_start,
				(uintptr_t)__image_end - (uintptr_t)__data_start);
	stage1_build(dtb);
	arch_dcache_inval_range((uintptr_t)__data_start,
				(uintptr_t)__image_end - (uintptr_t)__data_start);
	arch_mm_enable(&stage1);

	discover(dtb);
	const struct machine *m = &hyp.m;
	map_or_panic(m->uart.base, PAGE_SIZE, MM_RW | MM_DEVICE, "UART");
	plat_console_init(m->uart.base);
	if (cpu_index_from_mpidr(arch_mpidr()) < 0 || m->cpu_count > MAX_CPUS) {
		panic("%u CPUs: this build runs on at most %u", m->cpu_count, MAX_CPUS);
	}
	map_or_panic(m->gicd.base, m->gicd.size, MM_RW | MM_DEVICE, "GIC distributor");
	map_or_panic(m->gicr.base, m->gicr.size, MM_RW | MM_DEVICE, "GIC redistributors");
	map_ram();
	hyp.cntfrq = read_sysreg(cntfrq_el0);
	smccc_init();
	CHECK(palloc_init(&s2_pool, (uintptr_t)s2_pages, STAGE2_POOL_PAGES) == 0);

	gic_dist_init(m->gicd.base);
	hyp_ffa_boot();
	hyp_cpu_init();
	load_manifest();
	hyp_ffa_vms_ready();
	banner(dtb);
	hyp.cpus_on = 1;
	start_secondaries();
	hyp_cpu_loop();
}

void hyp_boot_secondary(unsigned int index);
void hyp_boot_secondary(unsigned int index)
{
	cpu_up(index);
	arch_mm_enable(&stage1);
	hyp_cpu_init();
	__atomic_add_fetch(&hyp.cpus_on, 1U, __ATOMIC_RELEASE);
	LOG_NOTICE("core %u up\n", index);
	hyp_cpu_loop();
}
