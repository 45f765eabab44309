/*
 * Virtual machines and their vCPUs as the hypervisor role holds them.
 *
 * A VM has one contiguous block of RAM at IPA 0x40000000 (the layout of
 * QEMU's virt machine, so that guests need no port), mapped at stage 2 with
 * block mappings to physical memory tzvisor set aside for it, and emulated
 * devices at the virt machine's addresses (vdev). Each vCPU runs on one
 * physical CPU, chosen when the VM is created (hyp/sched.h).
 *
 * Lock order (core/lock_order.h): vm.lock -> console. A CPU holds at most one
 * VM's lock at a time.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/vcpu.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "hyp/ffa_state.h"
#include "hyp/guest_dtb.h"
#include "hyp/vgic.h"
#include "hyp/virtio_mmio.h"
#include "dev/vuart.h"

#define VM_MAX 4U
#define VM_MAX_VCPUS 8U
#define VM_NAME_MAX 16U
#define VM_BOOTARGS_MAX 256U
#define VM_MAX_DEVS 8U

/* The guest's physical address map (QEMU virt's). */
#define VM_RAM_IPA 0x40000000ULL
#define VM_UART_IPA 0x09000000ULL
#define VM_RTC_IPA 0x09010000ULL
#define VM_VIRTIO_IPA 0x0A000000ULL /* + 0x200 per device, SPI 16 + n */
#define VM_VIRTIO_INTID 48U
#define VM_MAX_VIRTIO 2U

enum vcpu_power { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

struct vm;

struct vcpu {
	struct arch_vcpu arch; /* first: the arch layer's view */
	struct vm *vm;
	unsigned int index; /* in its VM: also its MPIDR Aff0 */
	unsigned int pcpu; /* the physical CPU it runs on */
	enum vcpu_power power; /* under vm->lock */
	uint64_t on_entry, on_context; /* CPU_ON's arguments while ON_PENDING */
	bool blocked; /* in WFI or CPU_SUSPEND until an interrupt is pending */
	struct vcpu_ffa ffa; /* waiting in an FF-A call, serving a direct request */
	uint64_t exits; /* statistics for the closing report */
};

enum vdev_kind { VDEV_UART, VDEV_GICD, VDEV_GICR, VDEV_VIRTIO };

/* An emulated device: an IPA range and the state of its model. */
struct vdev {
	enum vdev_kind kind;
	uint64_t base, size;
	unsigned int intid; /* its interrupt (SPI) in the guest */
	unsigned int idx; /* VDEV_VIRTIO: which of vm->virtio */
};

enum vm_state { VM_RUNNING, VM_STOPPED };

#define VM_FFA_MAX_UUIDS 4U

/*
 * A VM that is an FF-A partition of tzvisor's emulated SPMC (manifest node
 * ffa-partition): its endpoint ID (bit 15 set, as a secure partition's),
 * its UUIDs, messaging methods (the SP_MSG_* bits of the FF-A manifest
 * binding, spmc/sp_manifest.h) and whether it takes notifications.
 */
struct vm_ffa_config {
	bool partition;
	uint16_t id;
	unsigned int uuid_count;
	uint32_t uuid[VM_FFA_MAX_UUIDS][4];
	uint32_t messaging;
	bool notifications;
	uint32_t vm_availability; /* bit 0: VM created messages, bit 1: VM destroyed */
};

/* What the manifest says of one VM (hyp/manifest.h parses it). */
struct vm_config {
	char name[VM_NAME_MAX];
	unsigned int vcpus;
	uint64_t mem_size;
	uint64_t kernel_pa, kernel_size; /* where QEMU's loader put the kernel Image */
	uint64_t initrd_pa, initrd_size; /* 0 if none */
	char bootargs[VM_BOOTARGS_MAX];
	bool poweroff_ends_machine; /* its SYSTEM_OFF powers the machine off */
	uint64_t disk_pa, disk_size; /* virtio-blk backed by this image; size 0: none */
	bool net; /* a virtio-net port on tzvisor's switch */
	bool rtc; /* the machine's PL031 RTC, passed through */
	bool ffa_scheduler; /* forwarding: it schedules the SPMC's partitions (FFA_RUN) */
	struct vm_ffa_config ffa;
};

struct vm {
	struct spinlock lock; /* state, vCPU power states, device models */
	unsigned int id; /* 1-based, in manifest order */
	struct vm_config cfg;
	uint16_t vmid;
	struct mm_ptable s2;
	uint64_t vttbr; /* vm_vttbr(): the stage-2 TLB hook's context */
	uint64_t mem_ipa, mem_size, mem_pa;
	uint64_t entry, dtb_ipa, initrd_ipa;
	unsigned int vcpu_count;
	struct vcpu vcpus[VM_MAX_VCPUS];
	enum vm_state state;
	struct vdev devs[VM_MAX_DEVS];
	unsigned int dev_count;
	struct vuart uart;
	struct vgic vgic;
	struct virtio_dev virtio[VM_MAX_VIRTIO];
	unsigned int virtio_count;
	struct guest_dtb_info dtb_info; /* what its DTB describes */
	struct vm_ffa ffa; /* as an FF-A endpoint (hyp/ffa.h) */
};

extern struct vm vms[VM_MAX];
extern unsigned int vm_count;

/* VTTBR_EL2 of a VM: its stage-2 root and VMID. */
uint64_t vm_vttbr(const struct vm *vm);
/* The VM's RAM as tzvisor reaches it (identity-mapped physical memory). */
struct guest_mem vm_guest_mem(const struct vm *vm);
/* The emulated device at `ipa`, or NULL. */
struct vdev *vm_find_dev(struct vm *vm, uint64_t ipa);
/*
 * Stops a VM for `why` (logged once, with the vCPU that caused it if any):
 * its vCPUs run no more; the other VMs go on. Takes vm->lock.
 */
void vm_stop(struct vm *vm, const struct vcpu *by, const char *why);
/* Unblocks the vCPUs of `mask` and makes their CPUs look at them (after an injection). */
void vm_wake(struct vm *vm, uint32_t mask);
/* Reloads the VM's images and restarts its first vCPU (PSCI SYSTEM_RESET). */
void vm_reset(struct vm *vm);

#endif
