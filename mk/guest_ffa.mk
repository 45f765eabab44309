# Linux's FF-A driver in a guest of tzvisor's hypervisor role (issue #14).
# Included after mk/linux.mk, mk/optee.mk and mk/hyp.mk.
#
#   qemu.hyp.linux_ffa          emulated SPMC: the Linux normal world's initramfs
#                               (linux/initramfs: ffa-core, ffa-module, tzv_ffa_test)
#                               in VM 1, the test partition as VMs sp1, sp2, sp3
#   qemu.hyp.secure_linux_fwd   forwarded: the same initramfs in a VM above TF-A,
#                               tzvisor's SPMC, OP-TEE and the test partitions
#                               (mk/optee.mk's flash, tzvisor-hyp as the preloaded
#                               BL33); OP-TEE's driver, tee-supplicant, xtest subset.
#                               A SKIP line without OP-TEE (OPTEE=), as qemu.optee.
#   make run-linux-ffa          the first, interactively (Ctrl-a x quits)
#   make run-linux-fwd          the second
#
# The initramfs is mk/linux.mk's (its kernel is the guests' kernel); QEMU's
# loader puts it where the guests' initramfs goes (HYP_INITRD_PA).

GUEST_FFA_MANIFESTS := linux_ffa linux_fwd bench_linux_fwd
GUEST_FFA_DTBS := $(patsubst %,$(BUILD)/hyp/manifest-%.dtb,$(GUEST_FFA_MANIFESTS))

$(GUEST_FFA_DTBS): $(BUILD)/hyp/manifest-%.dtb: tests/hyp/manifests/%.dts \
		$(LINUX_OUT)/initramfs.cpio $(HYP_SP_VM_BIN) $(HYP_LINUX_DIR)/.tzv-ok
	@mkdir -p $(dir $@)
	$(Q)cpp -P -nostdinc -undef -x assembler-with-cpp -DKERNEL_PA=$(HYP_LINUX_PA) \
		-DKERNEL_SIZE=$$(stat -c %s $(HYP_LINUX_IMAGE)) -DINITRD_PA=$(HYP_INITRD_PA) \
		-DINITRD_SIZE=$$(stat -c %s $(LINUX_OUT)/initramfs.cpio) -DSP_VM_PA=$(HYP_SP_VM_PA) \
		-DSP_VM_SIZE=$$(stat -c %s $(HYP_SP_VM_BIN)) $< | dtc -q -I dts -O dtb -o $@ -

guest_ffa_images = -device loader,file=$(HYP_LINUX_IMAGE),addr=$(HYP_LINUX_PA),force-raw=on \
	-device loader,file=$(LINUX_OUT)/initramfs.cpio,addr=$(HYP_INITRD_PA),force-raw=on

# Emulated SPMC: QEMU without a secure world, as qemu.hyp.linux.
GUEST_FFA_ARGS = -kernel $(HYP_BIN) -initrd $(BUILD)/hyp/manifest-linux_ffa.dtb \
	$(guest_ffa_images) -device loader,file=$(HYP_SP_VM_BIN),addr=$(HYP_SP_VM_PA),force-raw=on

# Forwarded: mk/optee.mk's flash (BL33 preloaded at 0x60000000, where
# tzvisor-hyp-bl33 is linked), the DTB with /chosen pointing at the VM manifest.
GUEST_FWD_ARGS = -bios $(LINUX_OUT)/flash-optee.bin -dtb $(BUILD)/hyp/secure-linux_fwd.dtb \
	-device loader,file=$(BUILD)/hyp/manifest-linux_fwd.dtb,addr=$(HYP_MANIFEST_PA),force-raw=on \
	-device loader,file=$(HYP_BL33_BIN),addr=0x60000000,force-raw=on $(guest_ffa_images)

# make bench (linux_ffa.guest_fwd): the same above flash-hyp.bin (the test partitions, no
# OP-TEE), tzv_ffa_test timing instead of testing (tzv.bench).
BENCH_LINUX_FWD_ARGS = -bios $(BUILD)/flash-hyp.bin -dtb $(BUILD)/hyp/secure-bench_linux_fwd.dtb \
	-device loader,file=$(BUILD)/hyp/manifest-bench_linux_fwd.dtb,addr=$(HYP_MANIFEST_PA),force-raw=on \
	$(guest_ffa_images)

.PHONY: guest-ffa run-linux-ffa run-linux-fwd
guest-ffa: hyp $(GUEST_FFA_DTBS) $(HYP_BL33_BIN) $(BUILD)/hyp/secure-linux_fwd.dtb \
	$(BUILD)/hyp/secure-bench_linux_fwd.dtb

run-linux-ffa: linux-setup
	@$(MAKE) --no-print-directory linux-nwd guest-ffa
	$(GUEST_FFA_QEMU) $(GUEST_FFA_ARGS)

run-linux-fwd: linux-setup
ifneq ($(OPTEE_MISSING),)
	$(error run-linux-fwd: $(OPTEE_MISSING))
endif
	@$(MAKE) --no-print-directory linux-nwd optee-stack guest-ffa
	$(GUEST_FWD_QEMU) $(GUEST_FWD_ARGS)

# One TCG thread (LINUX_QEMU_ACCEL), as the Linux normal world: with a thread
# per vCPU the guest's idle vCPUs and tzvisor's waits share 2 host cores badly.
GUEST_FFA_QEMU = $(subst -accel $(QEMU_ACCEL),-accel $(LINUX_QEMU_ACCEL),$(HYP_LINUX_QEMU))
GUEST_FWD_QEMU = $(subst -accel $(QEMU_ACCEL),-accel $(LINUX_QEMU_ACCEL),$(HYP_SECURE_QEMU))

# make test: after the other qemu.hyp scenarios (tests/run_tests.py --hyp-linux/--hyp-secure).
ifeq ($(LINUX_TEST),1)
LINUX_TEST_BUILD += guest-ffa
HYP_TEST_ARGS += --hyp-linux "linux_ffa=$(GUEST_FFA_ARGS)" \
	--hyp-scenario-qemu "linux_ffa=$(GUEST_FFA_QEMU)"
ifeq ($(and $(filter 1,$(OPTEE_TEST)),$(if $(OPTEE_MISSING),,1)),1)
HYP_TEST_ARGS += --hyp-secure "secure_linux_fwd=$(GUEST_FWD_ARGS)" \
	--hyp-scenario-qemu "secure_linux_fwd=$(GUEST_FWD_QEMU)" \
	--hyp-scenario-timeout secure_linux_fwd=$(OPTEE_TEST_TIMEOUT)
else
HYP_TEST_ARGS += --hyp-skip "secure_linux_fwd=$(if $(OPTEE_MISSING),$(OPTEE_MISSING),OPTEE_TEST=0)"
endif
endif
