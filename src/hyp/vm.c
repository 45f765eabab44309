/*
 * Creating VMs from their manifest entries: guest RAM, stage 2, the
 * images QEMU's loader placed, the guest DTB and the vCPUs (see vm.h).
 */
#include "hyp/vm.h"

#include <libfdt.h>
#include <string.h>

#include "arch/aarch64/gic_virt.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/types.h"
#include "hyp/ffa.h"
#include "hyp/guest_dtb.h"
#include "hyp/hyp.h"
#include "hyp/sched.h"
#include "hyp/vm_create.h"
#include "hyp/vswitch.h"

#define SZ_2M 0x200000ULL
#define LINUX_MAGIC 0x644D5241U /* "ARM\x64" at offset 0x38 of an arm64 Image */
#define DTB_MAX SZ_2M

struct vm vms[VM_MAX];
unsigned int vm_count;

/* Guest HCR_EL2: stage 2, interrupts and SErrors to EL2, traps of SMC and WFI,
 * broadcast TLB maintenance and barriers (vCPUs may move between CPUs). */
#define GUEST_HCR                                                                          \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | \
	 HCR_TSC | HCR_RW | HCR_APK | HCR_API)

uint64_t vm_vttbr(const struct vm *vm)
{
	return (uint64_t)(uintptr_t)vm->s2.root | ((uint64_t)vm->vmid << 48);
}

struct guest_mem vm_guest_mem(const struct vm *vm)
{
	return (struct guest_mem){(uint8_t *)(uintptr_t)vm->mem_pa, vm->mem_ipa, vm->mem_size};
}

struct vdev *vm_find_dev(struct vm *vm, uint64_t ipa)
{
	for (unsigned int i = 0; i < vm->dev_count; i++) {
		struct vdev *d = &vm->devs[i];
		if (ipa >= d->base && ipa - d->base < d->size) {
			return d;
		}
	}
	return NULL;
}

static void add_dev(struct vm *vm, enum vdev_kind kind, uint64_t base, uint64_t size,
		    unsigned int intid)
{
	CHECK(vm->dev_count < VM_MAX_DEVS);
	vm->devs[vm->dev_count++] = (struct vdev){kind, base, size, intid, vm->virtio_count};
}

/* The next virtio-mmio slot (QEMU virt's layout: 0x0a000000 + 0x200 n, SPI 16 + n). */
static struct virtio_dev *add_virtio(struct vm *vm, struct guest_dtb_info *g)
{
	unsigned int n = vm->virtio_count;

	CHECK(n < VM_MAX_VIRTIO);
	add_dev(vm, VDEV_VIRTIO, VM_VIRTIO_IPA + n * VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SIZE,
		VM_VIRTIO_INTID + n);
	g->virtio_ipa[n] = VM_VIRTIO_IPA + n * VIRTIO_MMIO_SIZE;
	g->virtio_intid[n] = VM_VIRTIO_INTID + n;
	g->virtio_count = ++vm->virtio_count;
	return &vm->virtio[n];
}

/* Image header fields (Linux Documentation/arch/arm64/booting.rst). */
struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags, res2, res3, res4;
	uint32_t magic, res5;
};

/* Copies the VM's images into its RAM and writes its DTB; false with *why on bad input. */
static bool load_images(struct vm *vm, const char **why)
{
	const struct vm_config *c = &vm->cfg;
	struct image_header h;
	uint8_t *ram = (uint8_t *)(uintptr_t)vm->mem_pa;

	memcpy(&h, (const void *)(uintptr_t)c->kernel_pa, sizeof(h));
	if (c->kernel_size < sizeof(h) || h.magic != LINUX_MAGIC) {
		*why = "kernel: no arm64 Image header (magic ARM\\x64)";
		return false;
	}
	/* Booting protocol: 2 MiB-aligned base + text_offset; image_size 0 means old kernels. */
	uint64_t text = h.image_size == 0 ? 0x80000 : h.text_offset;
	uint64_t span = h.image_size > c->kernel_size ? h.image_size : c->kernel_size;
	uint64_t dtb_off = vm->mem_size - DTB_MAX;
	if (text >= SZ_2M || text + span > dtb_off - c->initrd_size) {
		*why = "kernel: text_offset or image_size does not fit the VM's memory";
		return false;
	}
	memset(ram, 0, text + span);
	memcpy(ram + text, (const void *)(uintptr_t)c->kernel_pa, c->kernel_size);
	vm->entry = vm->mem_ipa + text;
	vm->dtb_ipa = vm->mem_ipa + dtb_off;
	vm->initrd_ipa = 0;
	if (c->initrd_size != 0) {
		uint64_t off = ALIGN_DOWN(dtb_off - c->initrd_size, PAGE_SIZE);
		memcpy(ram + off, (const void *)(uintptr_t)c->initrd_pa, c->initrd_size);
		vm->initrd_ipa = vm->mem_ipa + off;
	}
	struct guest_dtb_info g = vm->dtb_info;
	g.initrd_ipa = vm->initrd_ipa;
	g.initrd_size = c->initrd_size;
	int n = guest_dtb_build(&g, ram + dtb_off, DTB_MAX);
	if (n < 0) {
		*why = fdt_strerror(n);
		return false;
	}
	/* The guest starts with its MMU and caches off: what we wrote must be in memory. */
	arch_dcache_clean_range((uintptr_t)ram, text + span);
	if (c->initrd_size != 0) {
		arch_dcache_clean_range((uintptr_t)ram + (vm->initrd_ipa - vm->mem_ipa),
					c->initrd_size);
	}
	arch_dcache_clean_range((uintptr_t)ram + dtb_off, (uintptr_t)n);
	return true;
}

static void vcpu_power_on(struct vcpu *v, uint64_t pc, uint64_t x0)
{
	struct vm *vm = v->vm;
	struct arch_vcpu_cfg cfg = {
		.hcr = GUEST_HCR,
		.vttbr = vm_vttbr(vm),
		/* MPIDR_EL1 as the guest reads it: bit 31 RES1, Aff0 = vCPU index. */
		.vmpidr = (1ULL << 31) | v->index,
	};

	arch_vcpu_init(&v->arch, pc, &cfg);
	v->arch.regs.x[0] = x0;
	v->blocked = false;
	v->power = VCPU_ON;
}

void vcpu_start_pending(struct vcpu *v)
{
	vcpu_power_on(v, v->on_entry, v->on_context);
}

static void vcpus_init(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		v->power = VCPU_OFF;
		v->blocked = false;
	}
	/* The boot vCPU: the Linux protocol's x0 = DTB, x1-x3 = 0, MMU off, interrupts masked. */
	vcpu_power_on(&vm->vcpus[0], vm->entry, vm->dtb_ipa);
}

bool vm_create(const struct vm_config *c, struct ram *ram, const char **why)
{
	struct vm *vm = &vms[vm_count];

	memset(vm, 0, sizeof(*vm));
	vm->cfg = *c;
	vm->id = vm_count + 1;
	vm->vmid = (uint16_t)vm->id;
	vm->vcpu_count = c->vcpus;
	vm->mem_ipa = VM_RAM_IPA;
	vm->mem_size = c->mem_size;
	if (!ram_alloc(ram, vm->mem_size, SZ_2M, &vm->mem_pa)) {
		*why = "not enough free RAM for its memory-size";
		return false;
	}
	if (mm_init(&vm->s2, MM_STAGE2, VM_IPA_BITS, vm_table_pool()) != MM_OK ||
	    mm_map(&vm->s2, vm->mem_ipa, vm->mem_pa, vm->mem_size, MM_RW | MM_X) != MM_OK) {
		*why = "out of stage-2 table pages";
		return false;
	}
	vuart_init(&vm->uart, vm->cfg.name);
	vgic_init(&vm->vgic, vm->vcpu_count, gicv_lr_count());
	vm->dtb_info = (struct guest_dtb_info){
		.vcpus = vm->vcpu_count,
		.mem_ipa = vm->mem_ipa,
		.mem_size = vm->mem_size,
		.uart_ipa = VM_UART_IPA,
		.bootargs = vm->cfg.bootargs,
	};
	if (c->disk_size != 0) {
		virtio_blk_init(add_virtio(vm, &vm->dtb_info), (uint8_t *)(uintptr_t)c->disk_pa,
				c->disk_size);
	}
	if (c->net) {
		/* A locally administered MAC that names the VM: 02:00:00:00:00:<id>. */
		const uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)vm->id};
		virtio_net_init(add_virtio(vm, &vm->dtb_info), mac);
	}
	if (c->rtc && hyp.m.rtc.size != 0) {
		/* Passed through: the guest owns the device page (reads the time, sets alarms). */
		if (mm_map(&vm->s2, VM_RTC_IPA, hyp.m.rtc.base, PAGE_SIZE, MM_RW | MM_DEVICE) !=
		    MM_OK) {
			*why = "out of stage-2 table pages";
			return false;
		}
		vm->dtb_info.rtc_ipa = VM_RTC_IPA;
	}
	add_dev(vm, VDEV_UART, VM_UART_IPA, VUART_SIZE, GUEST_UART_INTID);
	add_dev(vm, VDEV_GICD, GUEST_GICD_IPA, VGIC_GICD_SIZE, 0);
	add_dev(vm, VDEV_GICR, GUEST_GICR_IPA, (uint64_t)vm->vcpu_count * VGIC_GICR_STRIDE, 0);
	if (!load_images(vm, why)) {
		return false;
	}
	/* From now on stage-2 changes (FF-A lend, donate, borrow) invalidate the VMID's TLB
	 * entries. */
	vm->vttbr = vm_vttbr(vm);
	vm->s2.tlb_inval = arch_stage2_tlb_inval;
	vm->s2.tlb_ctx = (uintptr_t)&vm->vttbr;
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].index = i;
	}
	if (!hyp_ffa_vm_init(vm, why)) {
		return false;
	}
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		sched_assign(&vm->vcpus[i]);
	}
	vcpus_init(vm);
	arch_stage2_tlb_flush(vm_vttbr(vm));
	vm->state = VM_RUNNING;
	for (unsigned int i = 0; i < vm->virtio_count; i++) {
		if (vm->virtio[i].device_id == VIRTIO_ID_NET) {
			vswitch_attach(vm, &vm->virtio[i]);
		}
	}
	vm_count++;
	return true;
}

void vm_stop(struct vm *vm, const struct vcpu *by, const char *why)
{
	sl_lock(&vm->lock);
	bool was_running = vm->state == VM_RUNNING;
	vm->state = VM_STOPPED;
	sl_unlock(&vm->lock);
	if (!was_running) {
		return;
	}
	if (by != NULL) {
		LOG_ERROR("VM %u (%s): vCPU %u: %s: VM stopped\n", vm->id, vm->cfg.name, by->index,
			  why);
	} else {
		LOG_ERROR("VM %u (%s): %s: VM stopped\n", vm->id, vm->cfg.name, why);
	}
	/* Its vCPUs on other CPUs stop at their next exit; make that soon. */
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		hyp_kick(vm->vcpus[i].pcpu);
	}
	hyp_ffa_vm_stopped(vm);
}

void vm_wake(struct vm *vm, uint32_t mask)
{
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		if ((mask & (1U << i)) != 0) {
			__atomic_store_n(&vm->vcpus[i].blocked, false, __ATOMIC_RELEASE);
			hyp_kick(vm->vcpus[i].pcpu);
		}
	}
}

void vm_reset(struct vm *vm)
{
	const char *why = NULL;

	if (!hyp_ffa_vm_reset(vm)) {
		/* Its FF-A state is torn down already: stopped without hyp_ffa_vm_stopped again. */
		sl_lock(&vm->lock);
		vm->state = VM_STOPPED;
		sl_unlock(&vm->lock);
		LOG_ERROR(
			"VM %u (%s): reset while partitions hold memory it gave (its images would "
			"overwrite it): VM stopped\n",
			vm->id, vm->cfg.name);
		for (unsigned int i = 0; i < vm->vcpu_count; i++) {
			hyp_kick(vm->vcpus[i].pcpu);
		}
		return;
	}
	sl_lock(&vm->lock);
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		vm->vcpus[i].power = VCPU_OFF;
	}
	bool ok = load_images(vm, &why);
	if (ok) {
		vgic_init(&vm->vgic, vm->vcpu_count, vm->vgic.nr_lrs);
		vuart_init(&vm->uart, vm->cfg.name);
		for (unsigned int i = 0; i < vm->virtio_count; i++) {
			virtio_reset(&vm->virtio[i]);
		}
		vcpus_init(vm);
	}
	sl_unlock(&vm->lock);
	if (!ok) {
		vm_stop(vm, NULL, why);
		return;
	}
	LOG_NOTICE("VM %u (%s): reset: images reloaded, vCPU 0 restarts\n", vm->id, vm->cfg.name);
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		hyp_kick(vm->vcpus[i].pcpu);
	}
}
