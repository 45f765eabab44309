# The hypervisor role (NS-EL2): tzvisor-hyp.bin, booted by QEMU's -kernel with
# the VM manifest as its initrd, its bare-metal test guest and the test
# manifests. Included from the top Makefile.
#
#   make hyp          build the hypervisor, the test guest and the manifests
#   make run-hyp      boot the qemu.hyp.basic scenario (HYP_MANIFEST= another)

HYP_SRCS := src/hyp/entry.S src/hyp/boot.c src/hyp/machine.c src/hyp/manifest.c \
	src/hyp/ram.c src/hyp/guest_dtb.c src/hyp/vm.c src/hyp/sched.c src/hyp/psci.c src/hyp/smccc.c \
	src/hyp/run.c src/dev/vuart.c src/hyp/vgic.c src/hyp/vdev.c src/hyp/virtq.c \
	src/hyp/virtio_mmio.c src/hyp/virtio_blk.c src/hyp/virtio_net.c src/hyp/vswitch.c src/hyp/stage2.c src/core/fdt_blob.c src/arch/aarch64/gic_virt.c \
	src/hyp/ffa.c src/hyp/ffa_msg.c src/hyp/ffa_mem.c src/hyp/ffa_xlate.c src/hyp/ffa_fwd.c \
	src/hyp/ffa_fwd_mem.c $(FFA_SRCS) $(FFA_MEM_SRCS)
HYP_LIBFDT_SRCS := fdt.c fdt_ro.c fdt_check.c fdt_strerror.c fdt_sw.c fdt_rw.c fdt_wip.c \
	fdt_addresses.c
HYP_OBJS := $(patsubst %,$(BUILD)/hyp/%.o,$(CORE_SRCS) $(ARCH_SRCS) $(PLAT_SRCS) $(LIB_SRCS) \
	$(HYP_SRCS)) $(patsubst %,$(BUILD)/hyp/libfdt/%.o,$(HYP_LIBFDT_SRCS))
HYP_ELF := $(BUILD)/hyp/tzvisor-hyp.elf
HYP_BIN := $(BUILD)/hyp/tzvisor-hyp.bin

# The hypervisor logs at the same LOG_LEVEL as the SPMC (its own generated log_level.h).
$(BUILD)/hyp/gen/log_level.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define TZV_LOG_LEVEL $(LOG_LEVEL_NUM)' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(BUILD)/hyp/%.c.o: %.c | $(OFFSETS_H) $(VERSION_H) $(BUILD)/hyp/gen/log_level.h
	@mkdir -p $(dir $@)
	@echo "  CC     $< (hyp)"
	$(Q)$(CC) $(FW_CFLAGS) -I$(BUILD)/hyp/gen $(WARNINGS) $(LIBFDT_INC) -MMD -MP -c -o $@ $<

$(BUILD)/hyp/%.S.o: %.S $(OFFSETS_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/hyp/libfdt/%.c.o: $(DTC_SRC)/libfdt/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) $(LIBFDT_INC) -Wno-sign-compare -c -o $@ $<

# One set of objects, two links: for QEMU's -kernel (DRAM base + text_offset)
# and as TF-A's BL33 above the SPMC (make ... SECURE=1).
HYP_BL33_ELF := $(BUILD)/hyp/tzvisor-hyp-bl33.elf
HYP_BL33_BIN := $(BUILD)/hyp/tzvisor-hyp-bl33.bin

$(BUILD)/hyp/hyp-%.ld: src/hyp/hyp.ld.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DHYP_BASE=$* -o $@ $<

$(HYP_ELF): $(HYP_OBJS) $(BUILD)/hyp/hyp-0x40080000.ld
	@echo "  LD     $@"
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T $(BUILD)/hyp/hyp-0x40080000.ld -o $@ $(HYP_OBJS)

$(HYP_BL33_ELF): $(HYP_OBJS) $(BUILD)/hyp/hyp-0x60000000.ld
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T $(BUILD)/hyp/hyp-0x60000000.ld -o $@ $(HYP_OBJS)

$(BUILD)/hyp/%.bin: $(BUILD)/hyp/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# --- the bare-metal test guest -------------------------------------------------
HYP_GUEST_SRCS := tests/hyp/guest/start.S tests/hyp/guest/main.c tests/hyp/guest/gic_tests.c \
	tests/hyp/guest/virtio_tests.c tests/hyp/guest/smccc_tests.c tests/hyp/guest/ffa_tests.c \
	tests/target/smccc_check.c tests/target/mem_build.c \
	bench/hyp_bench_guest.c \
	src/core/fmt.c \
	src/lib/string.c src/plat/qemu/pl011.c
HYP_GUEST_OBJS := $(patsubst %,$(BUILD)/hyp-guest/%.o,$(HYP_GUEST_SRCS)) \
	$(patsubst %,$(BUILD)/hyp-guest/libfdt/%.o,fdt.c fdt_ro.c)
HYP_GUEST_BIN := $(BUILD)/hyp-guest/test-guest.bin
# Where QEMU's loader puts guest images: clear of tzvisor (0x40080000) and of
# QEMU's initrd slot (RAM base + 128 MiB) and the boot DTB after it.
HYP_GUEST_PA := 0x44000000

$(BUILD)/hyp-guest/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) $(WARNINGS) $(LIBFDT_INC) -Itests/hyp/guest -Itests/target \
		-Ipartitions/test_sp -MMD -MP -c -o $@ $<

$(BUILD)/hyp-guest/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/hyp-guest/libfdt/%.c.o: $(DTC_SRC)/libfdt/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) $(LIBFDT_INC) -Wno-sign-compare -c -o $@ $<

$(BUILD)/hyp-guest/test-guest.elf: $(HYP_GUEST_OBJS) tests/hyp/guest/guest.ld
	@echo "  LD     $@"
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T tests/hyp/guest/guest.ld -o $@ $(HYP_GUEST_OBJS)

$(HYP_GUEST_BIN): $(BUILD)/hyp-guest/test-guest.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# --- the test partition (partitions/test_sp) as a VM of the emulated SPMC ------------
# The same code as the secure test partitions, with the VM runtime
# (partitions/runtime/vm_start.S): an arm64 Image, its MMU off, FF-A over a
# trapped SMC. One image serves every partition VM: the manifest gives each
# its ID, UUID and vCPUs.
HYP_SP_VM_SRCS := partitions/runtime/vm_start.S src/arch/aarch64/smc.S partitions/runtime/lib.c \
	partitions/test_sp/main.c partitions/test_sp/mem.c src/core/fmt.c src/lib/string.c \
	src/lib/sort.c tests/target/smccc_check.c tests/target/mem_build.c
HYP_SP_VM_OBJS := $(patsubst %,$(BUILD)/hyp-sp/%.o,$(HYP_SP_VM_SRCS))
HYP_SP_VM_BIN := $(BUILD)/hyp-sp/test-sp-vm.bin
HYP_SP_VM_PA := 0x45000000
HYP_SP_VM_DEFS := -DSP_VM -DSP_NAME='"tzv-vm-sp"' -DSP_EXEC_CTX=8 -DSP_CANARY_OWNER=0x59U

$(BUILD)/hyp-sp/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SP_CFLAGS) $(HYP_SP_VM_DEFS) -MMD -MP -c -o $@ $<

$(BUILD)/hyp-sp/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SP_CFLAGS) $(HYP_SP_VM_DEFS) -MMD -MP -c -o $@ $<

$(BUILD)/hyp-sp/test-sp-vm.elf: $(HYP_SP_VM_OBJS) partitions/runtime/vm.ld
	@echo "  LD     $@"
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T partitions/runtime/vm.ld -o $@ $(HYP_SP_VM_OBJS)

$(HYP_SP_VM_BIN): $(BUILD)/hyp-sp/test-sp-vm.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# --- VM manifests: DTS with the images' addresses and sizes filled in by cpp ---
HYP_MANIFESTS := basic gic bench ffa ffa_fwd bench_ffa bench_fwd
HYP_MANIFEST_DTBS := $(patsubst %,$(BUILD)/hyp/manifest-%.dtb,$(HYP_MANIFESTS))

$(HYP_MANIFEST_DTBS): $(BUILD)/hyp/manifest-%.dtb: tests/hyp/manifests/%.dts $(HYP_GUEST_BIN) \
		$(HYP_SP_VM_BIN)
	@mkdir -p $(dir $@)
	$(Q)cpp -P -nostdinc -undef -x assembler-with-cpp -DGUEST_PA=$(HYP_GUEST_PA) \
		-DGUEST_SIZE=$$(stat -c %s $(HYP_GUEST_BIN)) -DSP_VM_PA=$(HYP_SP_VM_PA) \
		-DSP_VM_SIZE=$$(stat -c %s $(HYP_SP_VM_BIN)) $< | dtc -q -I dts -O dtb -o $@ -

.PHONY: hyp run-hyp
hyp: $(HYP_BIN) $(HYP_GUEST_BIN) $(HYP_SP_VM_BIN) $(HYP_MANIFEST_DTBS)
all: hyp

# QEMU without a secure world: tzvisor is entered at NS-EL2 like a Linux kernel.
HYP_QEMU := $(QEMU) -machine virt,virtualization=on,gic-version=3 -cpu max -smp 4 -m 1G \
	-nic none -accel $(QEMU_ACCEL) -display none -monitor none -serial stdio
HYP_MANIFEST ?= basic
hyp_qemu_args = -kernel $(HYP_BIN) -initrd $(BUILD)/hyp/manifest-$(1).dtb \
	-device loader,file=$(HYP_GUEST_BIN),addr=$(HYP_GUEST_PA),force-raw=on \
	-device loader,file=$(HYP_SP_VM_BIN),addr=$(HYP_SP_VM_PA),force-raw=on

run-hyp: setup
	@$(MAKE) --no-print-directory hyp
	$(HYP_QEMU) $(call hyp_qemu_args,$(HYP_MANIFEST))

# Handed to tests/run_tests.py by `make test`.
HYP_TEST_ARGS = --hyp-qemu "$(HYP_QEMU)" \
	--hyp-scenario "basic=$(call hyp_qemu_args,basic)" \
	--hyp-scenario "gic=$(call hyp_qemu_args,gic)" \
	--hyp-scenario "ffa=$(call hyp_qemu_args,ffa)" \
	--hyp-linux-qemu "$(HYP_LINUX_QEMU)" --hyp-linux "linux=$(call hyp_linux_args,linux)" \
	--hyp-linux "linux2vm=$(call hyp_linux_args,linux2vm)" \
	--hyp-secure-qemu "$(HYP_SECURE_QEMU)" \
	--hyp-secure "secure_basic=$(call hyp_secure_guest_args,basic)" \
	--hyp-secure "secure_ffa_fwd=$(call hyp_secure_guest_args,ffa_fwd)" \
	--hyp-secure "secure_linux=$(call hyp_secure_linux_args,linux)"

# --- host tests (cmocka, ASan + UBSan), picked up by tests/run_tests.py ------------
# QEMU's own virt DTB, as the hypervisor sees it at boot: input of test_hyp_boot_data.
HYP_QEMU_DTB := $(BUILD)/hyp/qemu-virt.dtb
$(HYP_QEMU_DTB):
	@mkdir -p $(dir $@)
	$(Q)$(QEMU) -machine virt,virtualization=on,gic-version=3,dumpdtb=$@ -cpu max -smp 4 \
		-m 1G -nic none -display none >/dev/null 2>&1

HYP_HOST_TESTS := psci smccc sched boot_data vgic virtio ffa_xlate
hyp_test_psci_SRCS := src/hyp/psci.c
hyp_test_smccc_SRCS := src/hyp/smccc.c
hyp_test_sched_SRCS := src/hyp/sched.c
hyp_test_ffa_xlate_SRCS := src/hyp/ffa_xlate.c src/ffa/mem_desc.c tests/target/mem_build.c
hyp_test_vgic_SRCS := src/hyp/vgic.c
hyp_test_virtio_SRCS := src/hyp/virtq.c src/hyp/virtio_mmio.c src/hyp/virtio_blk.c \
	src/hyp/virtio_net.c
hyp_test_boot_data_SRCS := src/hyp/machine.c src/hyp/manifest.c src/hyp/ram.c \
	src/hyp/guest_dtb.c src/dev/vuart.c src/core/fdt_blob.c
HYP_HOST_BINS := $(patsubst %,$(BUILD)/host/test_hyp_%,$(HYP_HOST_TESTS))

$(BUILD)/host/test_hyp_%: tests/unit/hyp/test_%.c $$(hyp_test_$$*_SRCS) $(HOST_COMMON) \
		tests/unit/fake_arch.h $(HYP_QEMU_DTB)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Itests/target -DQEMU_VIRT_DTB='"$(abspath $(HYP_QEMU_DTB))"' -o $@ $< \
		$(hyp_test_$*_SRCS) $(HOST_COMMON) $(HOST_LIBFDT) $(DTC_SRC)/libfdt/fdt_addresses.c \
		-Wno-sign-compare -Wno-conversion -Wno-cast-align $(HOST_LDLIBS)

host-tests: $(HYP_HOST_BINS)

# --- Linux guests (make run-linux) -------------------------------------------------
# Debian's kernel and busybox come from scripts/hyp_fetch_linux.sh (cache, never
# git); the initramfs is built here. QEMU's loader puts the kernel at
# HYP_LINUX_PA and the initramfs at HYP_INITRD_PA (clear of tzvisor, of the
# manifest QEMU places at RAM base + 128 MiB and of the boot DTB after it).
HYP_LINUX_DIR := $(TZV_CACHE)/hyp-linux
HYP_LINUX_IMAGE := $(HYP_LINUX_DIR)/Image
HYP_INITRAMFS := $(BUILD)/hyp/linux/initramfs.cpio.gz
HYP_LINUX_PA := 0x50000000
HYP_INITRD_PA := 0x54000000
HYP_DISK_PA := 0x58000000
# The virtio-blk disk: an ext2 image of tests/hyp/linux/disk (mke2fs -d), 8 MiB.
HYP_DISK := $(BUILD)/hyp/linux/disk.img
HYP_DISK_FILES := $(wildcard tests/hyp/linux/disk/*)

$(HYP_DISK): $(HYP_DISK_FILES)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && mke2fs -q -t ext2 -b 1024 -E root_owner=0:0 -d tests/hyp/linux/disk $@ 8M

$(HYP_LINUX_DIR)/.tzv-ok: scripts/hyp_fetch_linux.sh
	@scripts/hyp_fetch_linux.sh

$(HYP_INITRAMFS): scripts/hyp_rootfs.py tests/hyp/linux/init $(HYP_LINUX_DIR)/.tzv-ok
	@mkdir -p $(dir $@)
	$(Q)python3 scripts/hyp_rootfs.py $@ $(HYP_LINUX_DIR)/busybox tests/hyp/linux/init \
		$(HYP_LINUX_DIR)/modules

HYP_LINUX_MANIFEST_DTBS := $(patsubst %,$(BUILD)/hyp/manifest-%.dtb,linux linux2vm bench-linux \
	bench-linux2vm)
$(HYP_LINUX_MANIFEST_DTBS): $(BUILD)/hyp/manifest-%.dtb: tests/hyp/manifests/%.dts $(HYP_INITRAMFS) \
		$(HYP_DISK)
	@mkdir -p $(dir $@)
	$(Q)cpp -P -nostdinc -undef -x assembler-with-cpp -DKERNEL_PA=$(HYP_LINUX_PA) \
		-DKERNEL_SIZE=$$(stat -c %s $(HYP_LINUX_IMAGE)) -DINITRD_PA=$(HYP_INITRD_PA) \
		-DINITRD_SIZE=$$(stat -c %s $(HYP_INITRAMFS)) -DDISK_PA=$(HYP_DISK_PA) \
		-DDISK_SIZE=$$(stat -c %s $(HYP_DISK)) $< | dtc -q -I dts -O dtb -o $@ -

.PHONY: hyp-linux run-linux run-linux-2vm
hyp-linux: hyp $(HYP_LINUX_MANIFEST_DTBS)
all: hyp-linux

HYP_LINUX_QEMU := $(subst -m 1G,-m 2G,$(HYP_QEMU))
hyp_linux_args = -kernel $(HYP_BIN) -initrd $(BUILD)/hyp/manifest-$(1).dtb \
	-device loader,file=$(HYP_LINUX_IMAGE),addr=$(HYP_LINUX_PA),force-raw=on \
	-device loader,file=$(HYP_INITRAMFS),addr=$(HYP_INITRD_PA),force-raw=on \
	-device loader,file=$(HYP_DISK),addr=$(HYP_DISK_PA),force-raw=on

# SECURE=1: the same VMs with tzvisor as TF-A's BL33 above its own SPMC.
SECURE ?= 0
hyp_run = $(if $(filter 1,$(SECURE)),$(HYP_SECURE_QEMU) $(call hyp_secure_linux_args,$(1)),\
	$(HYP_LINUX_QEMU) $(call hyp_linux_args,$(1)))

run-linux: setup
	@$(MAKE) --no-print-directory hyp-linux $(if $(filter 1,$(SECURE)),hyp-secure)
	$(call hyp_run,linux)

run-linux-2vm: setup
	@$(MAKE) --no-print-directory hyp-linux $(if $(filter 1,$(SECURE)),hyp-secure)
	$(call hyp_run,linux2vm)

# --- as TF-A's BL33 above tzvisor's SPMC (SECURE=1) ---------------------------------
# The secure stack's flash with tzvisor-hyp-bl33.bin as BL33. BL2 completes the
# DTB QEMU places at DRAM base with /psci; tzvisor finds it there (BL33 gets
# x0 = 0). That DTB is QEMU's own, dumped, with /chosen pointing at the VM
# manifest, which QEMU's loader puts at HYP_MANIFEST_PA (-bios takes no -initrd).
HYP_MANIFEST_PA := 0x48000000
HYP_SECURE_VIRT := virt,secure=on,virtualization=on,gic-version=3
HYP_SECURE_MACHINE := -machine $(HYP_SECURE_VIRT) -cpu max -smp 4 -m 2G -nic none
HYP_SECURE_QEMU := $(QEMU) $(HYP_SECURE_MACHINE) -accel $(QEMU_ACCEL) -display none \
	-monitor none -serial stdio -serial file:$(BUILD)/uart1-secure-hyp.log

$(BUILD)/flash-hyp.bin: $(TFA_OUT)/.stamp $(SPMC_BIN) $(HYP_BL33_BIN)
	$(call make_flash,$(SPMC_BIN),$(HYP_BL33_BIN))

$(BUILD)/hyp/secure-virt.dtb:
	@mkdir -p $(dir $@)
	$(Q)$(QEMU) -machine $(HYP_SECURE_VIRT),dumpdtb=$@ -cpu max -smp 4 -m 2G -nic none \
		-display none >/dev/null 2>&1

$(BUILD)/hyp/secure-%.dtb: $(BUILD)/hyp/manifest-%.dtb $(BUILD)/hyp/secure-virt.dtb
	$(Q)cp $(BUILD)/hyp/secure-virt.dtb $@.tmp
	$(Q)fdtput -t x $@.tmp /chosen linux,initrd-start 0 $(HYP_MANIFEST_PA)
	$(Q)fdtput -t x $@.tmp /chosen linux,initrd-end 0 \
		$$(printf '%x' $$(( $(HYP_MANIFEST_PA) + $$(stat -c %s $<) )))
	$(Q)mv $@.tmp $@

hyp_secure_args = -bios $(BUILD)/flash-hyp.bin -dtb $(BUILD)/hyp/secure-$(1).dtb \
	-device loader,file=$(BUILD)/hyp/manifest-$(1).dtb,addr=$(HYP_MANIFEST_PA),force-raw=on
hyp_secure_guest_args = $(call hyp_secure_args,$(1)) \
	-device loader,file=$(HYP_GUEST_BIN),addr=$(HYP_GUEST_PA),force-raw=on
hyp_secure_linux_args = $(call hyp_secure_args,$(1)) \
	-device loader,file=$(HYP_LINUX_IMAGE),addr=$(HYP_LINUX_PA),force-raw=on \
	-device loader,file=$(HYP_INITRAMFS),addr=$(HYP_INITRD_PA),force-raw=on \
	-device loader,file=$(HYP_DISK),addr=$(HYP_DISK_PA),force-raw=on

.PHONY: hyp-secure
hyp-secure: $(BUILD)/flash-hyp.bin $(patsubst %,$(BUILD)/hyp/secure-%.dtb,$(HYP_MANIFESTS)) \
	$(patsubst %,$(BUILD)/hyp/secure-%.dtb,linux linux2vm)
all: hyp-secure

# --- benchmarks (make bench runs these before the SPMC's) -------------------------
# -icount: one instruction per nanosecond of virtual time; bench/run_hyp_bench.py.
HYP_ICOUNT := -icount shift=0,align=off,sleep=off
HYP_BENCH_NATIVE_ARGS := console=ttyAMA0 rdinit=/init arm64.nosve arm64.nosme arm64.nopauth \
	tzv.cpus=4
.PHONY: bench-hyp
bench-hyp: setup linux-setup
	@$(MAKE) --no-print-directory hyp hyp-linux hyp-secure linux-nwd guest-ffa
	@python3 bench/run_hyp_bench.py --build $(BUILD) \
		--native "$(QEMU) -machine virt,gic-version=3 -cpu max -smp 4 -m 2G -nic none \
			-display none -monitor none -serial stdio $(HYP_ICOUNT) -kernel $(HYP_LINUX_IMAGE) \
			-initrd $(HYP_INITRAMFS) -append '$(HYP_BENCH_NATIVE_ARGS)'" \
		--linux "$(HYP_LINUX_QEMU) $(HYP_ICOUNT) $(call hyp_linux_args,bench-linux)" \
		--linux2vm "$(HYP_LINUX_QEMU) $(HYP_ICOUNT) $(call hyp_linux_args,bench-linux2vm)" \
		--guest "$(HYP_QEMU) $(HYP_ICOUNT) $(call hyp_qemu_args,bench)" \
		--guest-ffa "$(subst -smp 4,-smp 1,$(HYP_QEMU)) $(HYP_ICOUNT) \
			$(call hyp_qemu_args,bench_ffa)" \
		--guest-fwd "$(HYP_SECURE_QEMU) $(HYP_ICOUNT) $(call hyp_secure_guest_args,bench_fwd)" \
		--linux-nwd-ffa "$(QEMU) $(QEMU_LINUX_MACHINE) $(HYP_ICOUNT) -display none \
			-monitor none -serial stdio -serial file:$(BUILD)/logs/bench-linux-nwd-uart1.log \
			-bios $(LINUX_OUT)/flash-linux.bin $(call linux_qemu_args,bench)" \
		--linux-fwd-ffa "$(HYP_SECURE_QEMU) $(HYP_ICOUNT) $(BENCH_LINUX_FWD_ARGS)"
bench: bench-hyp
