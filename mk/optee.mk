# OP-TEE as a secure partition beside the test partitions, Linux in the normal world (issue #12).
#
#   make run-optee    set up, build and boot TF-A, tzvisor, OP-TEE and the test partitions and
#                     Linux; a scripted session: the partitions Linux found, a short xtest run
#   make test-optee   the whole `xtest -t regression` and `xtest -t benchmark` (over an hour here)
#   make test         runs the qemu.optee scenario (OPTEE_TEST=0 leaves it out): OP-TEE's
#                     driver and devices, tee-supplicant, the FF-A bus, tzv_ffa_test next to
#                     OP-TEE, CPU hotplug, and an xtest subset, one report line per case
#
# OPTEE=<folder> names an OP-TEE OS built as an S-EL1 FF-A partition (default: the
# fixture at ../shared/optee-sp/layout-0e600000, relative to the repository): its
# sp_layout.json (TF-A's SP layout entry, image and partition manifest named
# relative to it) and spmc_manifest_hypervisor.dtsi (its Hafnium vm node). Nothing
# of it is committed. Without it the OP-TEE scenarios are SKIP lines saying why.
#
# TF-A is built a third time (own folder): Linux as BL33 (as mk/linux.mk) with an
# SP layout of the test partitions and OP-TEE (scripts/optee_config.py layout) and
# tzvisor's SPMC manifest with OP-TEE's vm node added (... manifest).

OPTEE ?= ../shared/optee-sp/layout-0e600000
OPTEE_DIR := $(abspath $(OPTEE))
OPTEE_LAYOUT := $(OPTEE_DIR)/sp_layout.json
OPTEE_FRAGMENT := $(OPTEE_DIR)/spmc_manifest_hypervisor.dtsi
# Why the OP-TEE stack cannot be built; empty when it can.
OPTEE_MISSING := $(shell python3 scripts/optee_config.py check $(OPTEE_LAYOUT))
OPTEE_TEST ?= 1

OPTEE_OUT := $(BUILD)/optee
OPTEE_SP_LAYOUT := $(OPTEE_OUT)/sp_layout.json
OPTEE_SPMC_MANIFEST := $(OPTEE_OUT)/spmc_manifest.dts

$(OPTEE_SP_LAYOUT): $(SP_LAYOUT) $(OPTEE_LAYOUT) scripts/optee_config.py
	@mkdir -p $(dir $@)
	$(Q)python3 scripts/optee_config.py layout $@ $(SP_LAYOUT) $(OPTEE_LAYOUT)

$(OPTEE_SPMC_MANIFEST): config/spmc_manifest.dts $(OPTEE_FRAGMENT) scripts/optee_config.py
	@mkdir -p $(dir $@)
	$(Q)python3 scripts/optee_config.py manifest $@ config/spmc_manifest.dts $(OPTEE_FRAGMENT)

# --- TF-A: Linux as BL33, the test partitions and OP-TEE in the FIP --------------------
TFA_OPTEE_BUILD := $(abspath $(BUILD))/tfa-optee-$(shell echo '$(TFA_FEATURE_FLAGS) $(TFA_LINUX_FLAGS)' | md5sum | cut -c1-8)
TFA_OPTEE_OUT := $(TFA_OPTEE_BUILD)/qemu/release
TFA_OPTEE_FLAGS := $(filter-out BUILD_BASE=% ARM_BL2_SP_LIST_DTS=% SP_LAYOUT_FILE=% \
	QEMU_TOS_FW_CONFIG_DTS=%,$(TFA_FLAGS)) BUILD_BASE=$(TFA_OPTEE_BUILD) \
	ARM_BL2_SP_LIST_DTS=$(TFA_OPTEE_OUT)/sp_list_fragment.dts \
	SP_LAYOUT_FILE=$(abspath $(OPTEE_SP_LAYOUT)) \
	QEMU_TOS_FW_CONFIG_DTS=$(abspath $(OPTEE_SPMC_MANIFEST)) $(TFA_LINUX_FLAGS)

$(TFA_OPTEE_OUT)/.stamp: $(TFA_INPUTS) $(OPTEE_SP_LAYOUT) $(OPTEE_SPMC_MANIFEST) \
		$(wildcard $(OPTEE_DIR)/*) mk/optee.mk mk/linux.mk | $(SPMC_BIN)
	@echo "  TF-A   building BL1 + FIP with OP-TEE ($(OPTEE)) and Linux as BL33"
	$(Q)rm -f $(TFA_OPTEE_OUT)/fdts/tb_fw_config.dtb
	$(Q)$(MAKE) -s -C $(TFA_SRC) -j$(shell nproc) $(TFA_OPTEE_FLAGS) \
		BL32=$(abspath $(SPMC_BIN)) all fip >$(TFA_OPTEE_BUILD).log 2>&1 \
		|| { tail -30 $(TFA_OPTEE_BUILD).log; exit 1; }
	$(Q)touch $@

$(LINUX_OUT)/flash-optee.bin: $(TFA_OPTEE_OUT)/.stamp $(SPMC_BIN)
	@echo "  FLASH  $@ (BL32 $(SPMC_BIN), OP-TEE and the test partitions, BL33 = Linux)"
	@mkdir -p $(dir $@)
	$(Q)cp $(TFA_OPTEE_OUT)/fip.bin $@.fip
	$(Q)$(FIPTOOL) update --tos-fw $(SPMC_BIN) $@.fip >/dev/null
	$(Q)cp $(TFA_OPTEE_OUT)/bl1.bin $@.tmp
	$(Q)dd if=$@.fip of=$@.tmp bs=64k seek=4 conv=notrunc status=none
	$(Q)rm $@.fip
	$(Q)mv $@.tmp $@

# --- Linux command lines (linux/initramfs/init reads tzv.*) -------------------------------------
# qemu.optee: the quick xtest subset; test-optee: everything; run-optee: the scripted session.
OPTEE_XTEST_QUICK := 1001 1002 1003 1004 4001 4002 6001
$(eval $(call linux_dtb,optee,tzv.optee=1 tzv.xtest=$(subst $(space),$(comma),$(OPTEE_XTEST_QUICK))))
$(eval $(call linux_dtb,optee-full,tzv.optee=1 tzv.xtest=full tzv.cycles=1))
$(eval $(call linux_dtb,optee-run,tzv.optee=1 tzv.session=1 tzv.xtest=1001$(comma)1002$(comma)1003$(comma)4001 tzv.cycles=1 $(LINUX_CMDLINE),FORCE))

.PHONY: optee-stack run-optee test-optee
optee-stack: linux-nwd $(LINUX_OUT)/flash-optee.bin $(LINUX_OUT)/linux-optee.dtb \
	$(LINUX_OUT)/linux-optee-full.dtb $(LINUX_OUT)/linux-optee-run.dtb

# Both consoles line by line (scripts/run.py): Linux on UART0, tzvisor and OP-TEE's
# lines ("[op-tee] ...") on UART1. The session powers off at its end.
run-optee: linux-setup
ifneq ($(OPTEE_MISSING),)
	$(error run-optee: $(OPTEE_MISSING))
endif
	@$(MAKE) --no-print-directory firmware optee-stack
	@TZV_RUN_TIMEOUT=600 python3 scripts/run.py "$(QEMU) $(QEMU_LINUX_MACHINE)" \
		$(LINUX_OUT)/flash-optee.bin $(LINUX_OUT) "$(call linux_qemu_args,optee-run)"

# For make test (tests/run_tests.py --optee-*).
OPTEE_TEST_TIMEOUT ?= 420
OPTEE_FULL_TIMEOUT ?= 7200
ifeq ($(and $(filter 1,$(LINUX_TEST)),$(filter 1,$(OPTEE_TEST))),1)
ifeq ($(OPTEE_MISSING),)
LINUX_TEST_BUILD += optee-stack
OPTEE_TEST_ARGS = --optee-flash $(LINUX_OUT)/flash-optee.bin \
	--optee-args "$(call linux_qemu_args,optee)" --optee-timeout $(OPTEE_TEST_TIMEOUT)
else
OPTEE_TEST_ARGS = --optee-skip "$(OPTEE_MISSING)"
endif
endif

# The whole regression suite and the benchmarks: qemu.optee_full.* in build/test-report.txt,
# a table per group of cases in build/xtest-table.md (scripts/xtest_table.py).
test-optee: linux-setup
ifneq ($(OPTEE_MISSING),)
	$(error test-optee: $(OPTEE_MISSING))
endif
	@$(MAKE) --no-print-directory firmware optee-stack
	@python3 tests/run_tests.py --build $(BUILD) --qemu "$(QEMU) $(QEMU_MACHINE)" --only-linux \
		--linux-qemu "$(QEMU) $(QEMU_LINUX_MACHINE)" --optee-name optee_full \
		--optee-flash $(LINUX_OUT)/flash-optee.bin \
		--optee-args "$(call linux_qemu_args,optee-full)" --optee-timeout $(OPTEE_FULL_TIMEOUT); \
	rc=$$?; python3 scripts/xtest_table.py --report $(BUILD)/test-report.txt \
		--log $(BUILD)/logs/qemu-optee_full.log | tee $(BUILD)/xtest-table.md; exit $$rc
