# Linux normal world (issue #12): Debian's arm64 kernel as BL33 over tzvisor.
#
#   make run-linux-nwd   set up, build and boot Linux interactively (a shell at the end)
#   make linux-nwd       build the pieces: modules, initramfs, TF-A with the kernel as BL33
#   make test            runs the qemu.linux scenario too (LINUX_TEST=0 leaves it out)
#
# scripts/setup-linux.sh fetches the kernel, headers, the FF-A/TEE driver
# sources and an arm64 userland into $(TZV_CACHE)/linux-nwd. Out of tree against
# the headers: ffa-core/ffa-module (drivers/firmware/arm_ffa), tee/optee
# (drivers/tee, with OP-TEE's FF-A ABI) and our tzv_ffa_test (linux/). TF-A is
# built again, in its own folder, with ARM_LINUX_KERNEL_AS_BL33=1: BL31 enters
# the kernel at 0x60000000 with x0 = the DTB, which QEMU's -device loader and
# -dtb have put in memory (BL2 adds the PSCI node to that DTB).

LINUX_CACHE := $(TZV_CACHE)/linux-nwd
LINUX_STAMP := $(LINUX_CACHE)/.tzv-ok
LINUX_KDIR := $(LINUX_CACHE)/kdir
LINUX_IMAGE := $(LINUX_CACHE)/Image
LINUX_OUT := $(BUILD)/linux
LINUX_MODS := $(LINUX_OUT)/modules

# The load addresses: the kernel where TF-A enters it, the initramfs in between
# the DTB QEMU puts at the base of RAM (0x40000000) and the kernel.
LINUX_KERNEL_ADDR := 0x60000000
LINUX_INITRD_ADDR := 0x48000000
# Linux boots in ~8 s with one TCG thread and several times slower with one
# thread per vCPU on this 2-core host (idle vCPUs spin in WFE/hold-pen loops).
LINUX_QEMU_ACCEL ?= tcg,thread=single
QEMU_LINUX_MACHINE = -machine virt,secure=on,virtualization=on,gic-version=3 -cpu max -smp 4 \
	-m 1G -nic none -accel $(LINUX_QEMU_ACCEL)
LINUX_BOOTARGS := console=ttyAMA0 earlycon rdinit=/init panic=-1
LINUX_TEST ?= 1
# The pKVM variant (qemu.linux_pkvm): the same checks with the kernel's
# hypervisor in protected mode proxying FF-A; needs tzvisor to preserve the
# caller's x8-x17 (SMCCC v1.2), as it does since issue #11. LINUX_PKVM_TEST=0 leaves it out.
LINUX_PKVM_TEST ?= 1

.PHONY: linux-setup linux-nwd run-linux-nwd
linux-setup: setup
	@scripts/setup-linux.sh

# --- modules -----------------------------------------------------------------------
# Kbuild writes next to the sources, so each set is copied into build/ first.
# BTF for modules needs pahole and is of no use here: off.
KBUILD_MAKE = $(MAKE) --no-print-directory -C $(LINUX_KDIR) CONFIG_DEBUG_INFO_BTF_MODULES=

# $(1): the folder, $(2): extra make arguments
kbuild = $(KBUILD_MAKE) M=$(abspath $(1)) $(2) modules >$(1)/build.log 2>&1 \
	|| { tail -20 $(1)/build.log; exit 1; }
FFA_SYMVERS = KBUILD_EXTRA_SYMBOLS=$(abspath $(LINUX_MODS))/arm_ffa/Module.symvers

$(LINUX_MODS)/arm_ffa/.built: $(LINUX_STAMP) linux/kbuild/arm_ffa.Kbuild mk/linux.mk
	@echo "  KBUILD ffa-core, ffa-module (drivers/firmware/arm_ffa)"
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)cp $(LINUX_CACHE)/src/arm_ffa/*.[ch] $(@D)/ && cp linux/kbuild/arm_ffa.Kbuild $(@D)/Kbuild
	$(Q)$(call kbuild,$(@D))
	$(Q)touch $@

$(LINUX_MODS)/tee/.built: $(LINUX_MODS)/arm_ffa/.built linux/kbuild/tee.Kbuild \
		linux/kbuild/optee.Kbuild
	@echo "  KBUILD tee, optee (drivers/tee, with the FF-A ABI)"
	$(Q)rm -rf $(@D) && mkdir -p $(@D)/optee
	$(Q)cp $(LINUX_CACHE)/src/tee/*.[ch] $(@D)/ && cp linux/kbuild/tee.Kbuild $(@D)/Kbuild
	$(Q)cp $(LINUX_CACHE)/src/tee/optee/*.[ch] $(@D)/optee/ && \
		cp linux/kbuild/optee.Kbuild $(@D)/optee/Kbuild
	$(Q)$(call kbuild,$(@D),$(FFA_SYMVERS))
	$(Q)touch $@

$(LINUX_MODS)/tzv_ffa_test/.built: $(LINUX_MODS)/arm_ffa/.built linux/tzv_ffa_test/tzv_ffa_test.c \
		linux/tzv_ffa_test/Kbuild partitions/test_sp/test_cmd.h
	@echo "  KBUILD tzv_ffa_test (linux/tzv_ffa_test)"
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)cp $(filter-out %.built,$^) $(@D)/
	$(Q)$(call kbuild,$(@D),$(FFA_SYMVERS))
	$(Q)touch $@

# In the order init loads them (test module last).
LINUX_KOS := $(LINUX_MODS)/arm_ffa/ffa-core.ko $(LINUX_MODS)/arm_ffa/ffa-module.ko \
	$(LINUX_MODS)/tee/tee.ko $(LINUX_MODS)/tee/optee/optee.ko \
	$(LINUX_MODS)/tzv_ffa_test/tzv_ffa_test.ko
LINUX_MOD_STAMPS := $(patsubst %,$(LINUX_MODS)/%/.built,arm_ffa tee tzv_ffa_test)

# --- initramfs ------------------------------------------------------------------------
$(LINUX_OUT)/initramfs.cpio: $(LINUX_MOD_STAMPS) linux/initramfs/init scripts/mk-linux-initramfs.sh
	@echo "  CPIO   $@"
	$(Q)scripts/mk-linux-initramfs.sh $@ $(LINUX_CACHE)/userland linux/initramfs/init $(LINUX_KOS)

# --- TF-A with the kernel as BL33, and the flash image -----------------------------------------
TFA_LINUX_FLAGS := ARM_LINUX_KERNEL_AS_BL33=1 PRELOADED_BL33_BASE=$(LINUX_KERNEL_ADDR)
TFA_LINUX_BUILD := $(abspath $(BUILD))/tfa-linux-$(shell echo '$(TFA_FEATURE_FLAGS) $(TFA_LINUX_FLAGS)' | md5sum | cut -c1-8)
TFA_LINUX_OUT := $(TFA_LINUX_BUILD)/qemu/release

$(TFA_LINUX_OUT)/.stamp: $(TFA_INPUTS) mk/linux.mk | $(SPMC_BIN)
	@echo "  TF-A   building BL1 + FIP with the Linux kernel as BL33 ($(TFA_LINUX_FLAGS))"
	$(Q)rm -f $(TFA_LINUX_OUT)/fdts/tb_fw_config.dtb
	$(Q)$(MAKE) -s -C $(TFA_SRC) -j$(shell nproc) \
		$(filter-out BUILD_BASE=% ARM_BL2_SP_LIST_DTS=%,$(TFA_FLAGS)) \
		BUILD_BASE=$(TFA_LINUX_BUILD) ARM_BL2_SP_LIST_DTS=$(TFA_LINUX_OUT)/sp_list_fragment.dts \
		$(TFA_LINUX_FLAGS) BL32=$(abspath $(SPMC_BIN)) all fip >$(TFA_LINUX_BUILD).log 2>&1 \
		|| { tail -30 $(TFA_LINUX_BUILD).log; exit 1; }
	$(Q)touch $@

# BL1 + FIP with tzvisor (no BL33 in the FIP: the kernel is preloaded).
$(LINUX_OUT)/flash-linux.bin: $(TFA_LINUX_OUT)/.stamp $(SPMC_BIN)
	@echo "  FLASH  $@ (BL32 $(SPMC_BIN), BL33 = Linux at $(LINUX_KERNEL_ADDR))"
	@mkdir -p $(dir $@)
	$(Q)cp $(TFA_LINUX_OUT)/fip.bin $@.fip
	$(Q)$(FIPTOOL) update --tos-fw $(SPMC_BIN) $@.fip >/dev/null
	$(Q)cp $(TFA_LINUX_OUT)/bl1.bin $@.tmp
	$(Q)dd if=$@.fip of=$@.tmp bs=64k seek=4 conv=notrunc status=none
	$(Q)rm $@.fip
	$(Q)mv $@.tmp $@

# --- device tree ---------------------------------------------------------------------------
# QEMU's own DTB for exactly this machine, dumped with -bios as well: with
# firmware QEMU models no non-secure PL061 GPIO (an ACPI GED instead), and a DTB
# dumped without -bios lists one at 0x09030000, whose probe then takes a
# synchronous external abort. /chosen gets the command line and the initramfs.
$(LINUX_OUT)/qemu-virt.dtb: $(LINUX_OUT)/flash-linux.bin mk/linux.mk
	$(Q)$(QEMU) $(QEMU_LINUX_MACHINE) -machine dumpdtb=$@ -bios $< -display none

# $(1): variant, $(2): extra kernel command line, $(3): extra prerequisites
define linux_dtb
$(LINUX_OUT)/linux-$(1).dtb: $(LINUX_OUT)/qemu-virt.dtb $(LINUX_OUT)/initramfs.cpio mk/linux.mk $(3)
	$(Q)cp $$< $$@.tmp
	$(Q)fdtput -t s $$@.tmp /chosen bootargs "$(LINUX_BOOTARGS) $(2)"
	$(Q)fdtput -t x $$@.tmp /chosen linux,initrd-start 0 $(LINUX_INITRD_ADDR)
	$(Q)fdtput -t x $$@.tmp /chosen linux,initrd-end 0 \
		$$$$(printf '%x' $$$$(($(LINUX_INITRD_ADDR) + $$$$(stat -c %s $(LINUX_OUT)/initramfs.cpio))))
	$(Q)mv $$@.tmp $$@
endef
$(eval $(call linux_dtb,test,))
# LINUX_CMDLINE: more options for the interactive boot (e.g. tzv.optee=1); always rewritten.
$(eval $(call linux_dtb,shell,tzv.shell=1 $(LINUX_CMDLINE),FORCE))
# pKVM: the kernel's hypervisor at EL2 in protected mode proxies the host's FF-A calls.
$(eval $(call linux_dtb,pkvm,kvm-arm.mode=protected))
# make bench: tzv_ffa_test times LINUX_BENCH_ROUNDS direct requests to sp1 (and an
# eighth as many 1-page share cycles) instead of its suite (linux_ffa.nwd).
LINUX_BENCH_ROUNDS ?= 256
$(eval $(call linux_dtb,bench,tzv.bench=$(LINUX_BENCH_ROUNDS)))

linux-nwd: $(LINUX_OUT)/flash-linux.bin $(LINUX_OUT)/linux-test.dtb $(LINUX_OUT)/linux-shell.dtb \
	$(LINUX_OUT)/linux-pkvm.dtb $(LINUX_OUT)/linux-bench.dtb

# QEMU options for one variant's boot: the DTB, the kernel and the initramfs.
linux_qemu_args = -dtb $(LINUX_OUT)/linux-$(1).dtb \
	-device loader,file=$(LINUX_IMAGE),addr=$(LINUX_KERNEL_ADDR) \
	-device loader,file=$(LINUX_OUT)/initramfs.cpio,addr=$(LINUX_INITRD_ADDR) -no-reboot

# Interactive: UART0 on this terminal (Ctrl-a x quits QEMU), tzvisor's UART1 in a file.
run-linux-nwd: linux-setup
	@$(MAKE) --no-print-directory firmware linux-nwd
	@echo "  QEMU   Linux over tzvisor; tzvisor's console: $(LINUX_OUT)/uart1-secure.log (Ctrl-a x quits)"
	$(QEMU) $(QEMU_LINUX_MACHINE) -bios $(LINUX_OUT)/flash-linux.bin -display none \
		-serial mon:stdio -serial file:$(LINUX_OUT)/uart1-secure.log $(call linux_qemu_args,shell)

# For make test (tests/run_tests.py --linux-*).
ifeq ($(LINUX_TEST),1)
test: linux-setup
LINUX_TEST_BUILD := linux-nwd
LINUX_TEST_ARGS = --linux-qemu "$(QEMU) $(QEMU_LINUX_MACHINE)" \
	--linux-flash $(LINUX_OUT)/flash-linux.bin --linux-args "$(call linux_qemu_args,test)" \
	$(if $(filter 1,$(LINUX_PKVM_TEST)),--linux-pkvm-args "$(call linux_qemu_args,pkvm)")
endif

# The Linux scenarios alone: as make test runs it, and the pKVM variant.
.PHONY: test-linux-nwd test-linux-pkvm
LINUX_ONLY_ARGS = --build $(BUILD) --qemu "$(QEMU) $(QEMU_MACHINE)" --only-linux \
	--linux-qemu "$(QEMU) $(QEMU_LINUX_MACHINE)" --linux-flash $(LINUX_OUT)/flash-linux.bin
test-linux-nwd: linux-setup
	@$(MAKE) --no-print-directory firmware linux-nwd
	@python3 tests/run_tests.py $(LINUX_ONLY_ARGS) --linux-args "$(call linux_qemu_args,test)"

test-linux-pkvm: linux-setup
	@$(MAKE) --no-print-directory firmware linux-nwd
	@python3 tests/run_tests.py $(LINUX_ONLY_ARGS) --linux-args "$(call linux_qemu_args,test)" \
		--linux-pkvm-args "$(call linux_qemu_args,pkvm)"
