# tzvisor: AArch64 firmware hypervisor (FF-A SPMC at S-EL2; hypervisor at NS-EL2).
#
#   make            build everything: SPMC (BL32), test payload (BL33), TF-A, flash.bin, host tests
#   make run        set up, build and boot the stack in QEMU (BL33=<image> swaps the normal world)
#   make test       set up, build and run all tests; summary line "N passed, N failed"
#   make debug      boot QEMU halted with a gdb stub on :1234 (LOG_LEVEL verbose)
#   make bench      benchmark the build make run boots (bench/run_bench.py)
#   make format     reformat the tree with clang-format
#
# Downloaded sources live outside git, in $(TZV_CACHE) (see scripts/setup.sh).
#
# LOG_LEVEL=<level> chooses what tzvisor prints (TF-A's names, or its numbers):
#   error (10) < notice (20) < warning (30, the default) < info (40) < verbose (50).
# The default build says nothing per successful call; see src/core/console.h.

CROSS_COMPILE ?= aarch64-linux-gnu-
TZV_CACHE ?= $(HOME)/.cache/tzvisor
TFA_SRC ?= $(TZV_CACHE)/arm-trusted-firmware-2.12.1
DTC_SRC ?= $(TZV_CACHE)/device-tree-compiler-1.7.2
BUILD ?= build
QEMU ?= qemu-system-aarch64

CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
SIZE := $(CROSS_COMPILE)size
HOSTCC ?= gcc

LOG_LEVEL ?= warning
DEBUG_LOG_LEVEL ?= verbose
LOG_LEVEL_MAP := none:0 error:10 notice:20 warning:30 info:40 verbose:50
# $(1): a level's name or number -> its number; empty if it is neither.
log_level_num = $(or $(patsubst $(1):%,%,$(filter $(1):%,$(LOG_LEVEL_MAP))),$(if \
	$(filter %:$(1),$(LOG_LEVEL_MAP)),$(1)))
LOG_LEVEL_NUM := $(call log_level_num,$(LOG_LEVEL))
DEBUG_LOG_LEVEL_NUM := $(call log_level_num,$(DEBUG_LOG_LEVEL))
ifeq ($(and $(LOG_LEVEL_NUM),$(DEBUG_LOG_LEVEL_NUM)),)
$(error LOG_LEVEL=$(LOG_LEVEL) DEBUG_LOG_LEVEL=$(DEBUG_LOG_LEVEL): each must be one of \
	none error notice warning info verbose, or 0 10 20 30 40 50)
endif

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wconversion -Wno-sign-conversion -Wformat=2 -Wundef -Wcast-align
LIBFDT_INC := -isystem $(DTC_SRC)/libfdt

# Firmware: freestanding, no FP/SIMD (EL3 does not switch FP state; secure-world
# FP traps), strict alignment (code runs before the MMU is on).
FW_ARCH := -march=armv8.4-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics
FW_CFLAGS := -std=gnu11 -O2 -g $(FW_ARCH) -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -fno-stack-protector -fno-pie \
	-fno-pic -ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns \
	-fno-common -Isrc -Iinclude -Isrc/lib/include -I$(BUILD)/gen
FW_LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

# --- object lists, one per folder ------------------------------------------
CORE_SRCS := src/core/fmt.c src/core/console.c src/core/panic.c src/core/cpu.c \
	src/core/palloc.c src/core/mm.c
FFA_SRCS := src/ffa/version.c src/ffa/features.c src/ffa/dispatch.c src/ffa/partition_info.c \
	src/ffa/rxtx.c src/ffa/indirect.c src/ffa/notif.c
# Memory sharing: the core calls the role's mem_role_* functions (src/spmc/mem.c).
FFA_MEM_SRCS := src/ffa/mem_desc.c src/ffa/mem_ledger.c src/ffa/mem_share.c
ARCH_SRCS := src/arch/aarch64/arch.c src/arch/aarch64/exception.c \
	src/arch/aarch64/exception.S src/arch/aarch64/smc.S src/arch/aarch64/cpu_entry.S \
	src/arch/aarch64/vcpu.c src/arch/aarch64/vcpu.S src/arch/aarch64/fp.S \
	src/arch/aarch64/gic.c src/arch/aarch64/timer.c
PLAT_SRCS := src/plat/qemu/plat.c src/plat/qemu/pl011.c src/plat/qemu/plat_asm.S
LIB_SRCS := src/lib/string.c
SPMC_SRCS := src/spmc/entry.S src/spmc/boot.c src/spmc/spmd.c src/spmc/manifest.c \
	src/spmc/sp_manifest.c src/spmc/sp_pkg.c src/spmc/partition.c \
	src/spmc/partition_table.c src/spmc/run.c src/spmc/discovery.c src/spmc/el0_shim.S \
	src/spmc/indirect.c src/spmc/notif.c src/core/fdt_blob.c src/spmc/mem.c src/spmc/sel2.c \
	src/dev/vuart.c src/spmc/vint.c src/spmc/irq.c src/spmc/vtimer.c src/spmc/abi.c \
	src/spmc/console_rx.c
LIBFDT_SRCS := fdt.c fdt_ro.c fdt_check.c fdt_strerror.c

SPMC_OBJS := $(patsubst %,$(BUILD)/spmc/%.o,$(CORE_SRCS) $(FFA_SRCS) $(FFA_MEM_SRCS) $(ARCH_SRCS) \
	$(PLAT_SRCS) $(LIB_SRCS) $(SPMC_SRCS)) \
	$(patsubst %,$(BUILD)/spmc/libfdt/%.o,$(LIBFDT_SRCS))
SPMC_ELF := $(BUILD)/spmc/tzvisor-spmc.elf
SPMC_BIN := $(BUILD)/spmc/tzvisor-spmc.bin

NWD_SRCS := nwd/start.S nwd/main.c nwd/lib.c nwd/sp_tests.c nwd/discovery_tests.c nwd/msg_tests.c \
	nwd/irq_tests.c nwd/fp_tests.c nwd/notif_tests.c nwd/smccc_tests.c nwd/mem_tests.c nwd/mmu_tests.c \
	tests/target/smccc_check.c tests/target/mem_build.c \
	src/core/fmt.c src/lib/string.c src/plat/qemu/plat.c src/plat/qemu/pl011.c src/arch/aarch64/smc.S
NWD_OBJS := $(patsubst %,$(BUILD)/nwd/%.o,$(NWD_SRCS))
NWD_ELF := $(BUILD)/nwd/nwd-test.elf
NWD_BIN := $(BUILD)/nwd/nwd-test.bin
BL33 ?= $(NWD_BIN)

OFFSETS_H := $(BUILD)/gen/offsets.h
VERSION_H := $(BUILD)/gen/version.h

V ?= 0
Q := $(if $(filter 1,$(V)),,@)
comma := ,
empty :=
space := $(empty) $(empty)

.PHONY: all firmware partitions run test debug bench bench-check bench-baseline fuzz format FORCE \
	format-check host-tests setup clean size
all: firmware host-tests $(BUILD)/flash-panic.bin $(BUILD)/flash-overflow.bin

firmware: $(BUILD)/flash.bin size

partitions: $(SP_BINS)

# --- SPMC ---------------------------------------------------------------------
$(OFFSETS_H): src/arch/aarch64/offsets.c src/arch/aarch64/exception.h src/core/cpu.h \
	src/arch/aarch64/vcpu.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -S -o $(BUILD)/gen/offsets.s $<
	$(Q)sed -n 's/.*->\([A-Za-z0-9_]*\) [#$$]*\([0-9]*\).*/#define \1 \2/p' $(BUILD)/gen/offsets.s > $@.tmp
	$(Q)mv $@.tmp $@

# The banner's version: rewritten only when `git describe` changes, so that
# boot.c is rebuilt exactly then.
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@echo '#define TZV_VERSION "$(shell git describe --always --dirty 2>/dev/null || echo unknown)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
FORCE:

# SPMC builds, each in its own folder with its own generated log_level.h
# (rewritten only when the level changes, so that exactly the files that log
# are rebuilt then):
#   spmc        the default build: make run boots it, make test tests it,
#               make bench measures it (LOG_LEVEL);
#   spmc-bench  the same with -DTZV_BENCH, whose counters split each call into
#               tzvisor / partition / EL3 (make bench runs it second);
#   spmc-debug  make debug's, at DEBUG_LOG_LEVEL.
# $(1): folder, $(2): log level number, $(3): extra flags
define spmc_build
$(1)_OBJS := $$(patsubst $(BUILD)/spmc/src/%,$(BUILD)/$(1)/src/%,$$(SPMC_OBJS))
$(1)_ELF := $(BUILD)/$(1)/tzvisor-$(1).elf
$(1)_BIN := $(BUILD)/$(1)/tzvisor-$(1).bin

$(BUILD)/$(1)/gen/log_level.h: FORCE
	@mkdir -p $$(dir $$@)
	@echo '#define TZV_LOG_LEVEL $(2)' > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm $$@.tmp || mv $$@.tmp $$@

$(BUILD)/$(1)/src/%.c.o: src/%.c | $(OFFSETS_H) $(VERSION_H) $(BUILD)/$(1)/gen/log_level.h
	@mkdir -p $$(dir $$@)
	@echo "  CC     $$< ($(1))"
	$$(Q)$$(CC) $$(FW_CFLAGS) -I$(BUILD)/$(1)/gen $$(WARNINGS) $$(LIBFDT_INC) $(3) -MMD -MP -c -o $$@ $$<

$(BUILD)/$(1)/src/%.S.o: src/%.S $(OFFSETS_H)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(FW_CFLAGS) $(3) -MMD -MP -c -o $$@ $$<

$$($(1)_ELF): $$($(1)_OBJS) src/spmc/spmc.ld
	@echo "  LD     $$@"
	$$(Q)$$(CC) $$(FW_CFLAGS) $$(FW_LDFLAGS) -T src/spmc/spmc.ld -o $$@ $$($(1)_OBJS)

$$($(1)_BIN): $$($(1)_ELF)
	$$(Q)$$(OBJCOPY) -O binary $$< $$@
endef
$(eval $(call spmc_build,spmc,$(LOG_LEVEL_NUM),))
$(eval $(call spmc_build,spmc-bench,$(LOG_LEVEL_NUM),-DTZV_BENCH))
$(eval $(call spmc_build,spmc-debug,$(DEBUG_LOG_LEVEL_NUM),))

# libfdt is a dependency (Debian's device-tree-compiler source), built with its own warnings.
# It only runs with the MMU on (Normal memory), so without -mstrict-align: its
# byte-by-byte big-endian loads (fdt32_ld) become one load each, which more than
# halved the cost of reading the four manifests at boot (make bench).
$(BUILD)/spmc/libfdt/%.c.o: $(DTC_SRC)/libfdt/%.c Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -mno-strict-align $(LIBFDT_INC) -Wno-sign-compare -c -o $@ $<

# Self-test images: identical but for boot.c, which after the banner either
# reads an unmapped address (panic) or recurses until the stack hits its guard
# (overflow), so that the test runner can check the dumps.
SELFTEST_FAULT_ADDR := 0x0dead000

define selftest_image # $(1): name, $(2): boot.c's extra flags
$(1)_ELF := $(BUILD)/spmc-$(1)/tzvisor-spmc-$(1).elf
$(1)_BIN := $(BUILD)/spmc-$(1)/tzvisor-spmc-$(1).bin
$(1)_OBJS := $(filter-out $(BUILD)/spmc/src/spmc/boot.c.o,$(SPMC_OBJS)) \
	$(BUILD)/spmc-$(1)/boot.c.o

$(BUILD)/spmc-$(1)/boot.c.o: src/spmc/boot.c | $(OFFSETS_H) $(VERSION_H) \
	$(BUILD)/spmc/gen/log_level.h
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(FW_CFLAGS) -I$(BUILD)/spmc/gen $$(WARNINGS) $$(LIBFDT_INC) $(2) -MMD -MP -c \
		-o $$@ $$<

$$($(1)_ELF): $$($(1)_OBJS) src/spmc/spmc.ld
	$$(Q)$$(CC) $$(FW_CFLAGS) $$(FW_LDFLAGS) -T src/spmc/spmc.ld -o $$@ $$($(1)_OBJS)

$$($(1)_BIN): $$($(1)_ELF)
	$$(Q)$$(OBJCOPY) -O binary $$< $$@
endef
$(eval $(call selftest_image,panic,-DTZV_SELFTEST_PANIC=$(SELFTEST_FAULT_ADDR)))
$(eval $(call selftest_image,overflow,-DTZV_SELFTEST_STACK))

# --- normal-world test payload ------------------------------------------------
$(BUILD)/nwd/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) $(WARNINGS) -Inwd -Ipartitions/test_sp -Itests/target -MMD -MP -c -o $@ $<

$(BUILD)/nwd/%.S.o: %.S $(OFFSETS_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(NWD_ELF): $(NWD_OBJS) nwd/nwd.ld
	@echo "  LD     $@"
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T nwd/nwd.ld -o $@ $(NWD_OBJS)

$(NWD_BIN): $(NWD_ELF)
	$(Q)$(OBJCOPY) -O binary $< $@

size: $(SPMC_ELF)
	@$(SIZE) $(SPMC_ELF) | tail -1 | awk '{printf "SPMC image: text %d, data %d, bss %d bytes\n", $$1, $$2, $$3}'

# --- test partitions ---------------------------------------------------------
# Each test SP is the same code (partitions/test_sp) linked at its own load
# address; its manifest (partitions/test_sp/spN.dts) says what it is. TF-A's
# SP_LAYOUT_FILE machinery packs them (sptool.py) into the FIP and lists them
# for BL2 in TB_FW_CONFIG; tzvisor finds them through its own manifest.
SP_NAMES := sp1 sp2 sp3
sp1_LOAD := 0x0e300000
sp1_EC := 4
sp1_NAME := tzv-sp-mp
sp2_LOAD := 0x0e400000
sp2_EC := 1
sp2_NAME := tzv-sp-up
sp2_EXTRA := -DSP_MANIFEST_RXTX
sp3_LOAD := 0x0e500000
sp3_EC := 1
sp3_NAME := tzv-sp-el0
sp3_EXTRA := -DSP_EL0 -DCONDUIT_SVC
SP_PM_OFFSET := 0x1000
SP_IMG_OFFSET := 0x4000
SP_BSS_OFFSET := 0x40000
SP_BSS_SIZE := 0x40000
SP_SRCS := partitions/runtime/start.S src/arch/aarch64/smc.S partitions/runtime/lib.c \
	partitions/test_sp/main.c partitions/test_sp/mem.c partitions/test_sp/irq.c src/core/fmt.c src/lib/string.c \
	src/lib/sort.c tests/target/smccc_check.c tests/target/mem_build.c
# S-EL1 partitions run their own stage 1: the project's page tables and page
# allocator, and the SPMC's manifest parser (with libfdt) to find its regions.
SP_S1_SRCS := partitions/runtime/mmu.c src/core/mm.c src/core/palloc.c \
	src/spmc/sp_manifest.c src/core/fdt_blob.c
SP_LIBFDT_SRCS := fdt.c fdt_ro.c fdt_check.c
# The manifest a partition reads is the one the SPMC checked in full before
# it loaded the partition, in the partition's own package, read-only to it at
# stage 2: its libfdt may assume a valid blob (ASSUME_VALID_DTB | _INPUT),
# which spares each property lookup a scan of the strings block (make bench:
# some 110,000-130,000 instructions of each S-EL1 partition's boot).
SP_LIBFDT_ASSUME := -DFDT_ASSUME_MASK=0x3
SP_CFLAGS = $(FW_CFLAGS) $(WARNINGS) -Ipartitions/runtime -Ipartitions/test_sp -Isrc/lib \
	-Itests/target $(LIBFDT_INC)

define sp_rules # $(1): SP name
$(1)_OBJS := $$(patsubst %,$(BUILD)/sp/$(1)/%.o,$(SP_SRCS) \
	$$(if $$(filter -DSP_EL0,$$($(1)_EXTRA)),,$(SP_S1_SRCS))) \
	$$(if $$(filter -DSP_EL0,$$($(1)_EXTRA)),,$$(patsubst \
	%,$(BUILD)/sp/$(1)/libfdt/%.o,$(SP_LIBFDT_SRCS)))
$(1)_DEFS := -DSP_NAME='"$$($(1)_NAME)"' -DSP_EXEC_CTX=$$($(1)_EC) $$($(1)_EXTRA) \
	-DSP_CANARY_OWNER=0x5$(subst sp,,$(1))U

$(BUILD)/sp/$(1)/%.c.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  CC     $$< ($(1))"
	$$(Q)$$(CC) $$(SP_CFLAGS) $$($(1)_DEFS) -MMD -MP -c -o $$@ $$<

$(BUILD)/sp/$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(SP_CFLAGS) $$($(1)_DEFS) -MMD -MP -c -o $$@ $$<

$(BUILD)/sp/$(1)/libfdt/%.o: $(DTC_SRC)/libfdt/%
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(FW_CFLAGS) $$(LIBFDT_INC) $(SP_LIBFDT_ASSUME) -Wno-sign-compare -c -o $$@ $$<

$(BUILD)/sp/$(1)/$(1).ld: partitions/runtime/sp.ld.S Makefile
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) -E -P -x c -DSP_LOAD_ADDRESS=$$($(1)_LOAD) -DSP_IMG_OFFSET=$(SP_IMG_OFFSET) \
		-DSP_BSS_OFFSET=$(SP_BSS_OFFSET) -DSP_BSS_SIZE=$(SP_BSS_SIZE) -o $$@ $$<

$(BUILD)/sp/$(1).elf: $$($(1)_OBJS) $(BUILD)/sp/$(1)/$(1).ld
	@echo "  LD     $$@"
	$$(Q)$$(CC) $$(FW_CFLAGS) $$(FW_LDFLAGS) -T $(BUILD)/sp/$(1)/$(1).ld -o $$@ $$($(1)_OBJS)

$(BUILD)/sp/$(1).bin: $(BUILD)/sp/$(1).elf
	$$(Q)$$(OBJCOPY) -O binary $$< $$@
endef
$(foreach sp,$(SP_NAMES),$(eval $(call sp_rules,$(sp))))

SP_BINS := $(patsubst %,$(BUILD)/sp/%.bin,$(SP_NAMES))
SP_DTS := $(patsubst %,partitions/test_sp/%.dts,$(SP_NAMES))
SP_LAYOUT := $(BUILD)/sp/sp_layout.json

# TF-A's SP layout: image and manifest per SP, with the package offsets.
$(SP_LAYOUT): Makefile
	@mkdir -p $(dir $@)
	$(Q)python3 -c 'import json, sys; out, img, pm = sys.argv[1:4]; \
		json.dump({sp: {"image": {"file": "%s/%s.bin" % (img, sp), "offset": "$(SP_IMG_OFFSET)"}, \
		"pm": {"file": "%s/%s.dts" % (pm, sp), "offset": "$(SP_PM_OFFSET)"}, "owner": "SiP"} \
		for sp in sys.argv[4:]}, open(out, "w"), indent=1)' \
		$@ $(abspath $(BUILD))/sp $(abspath partitions/test_sp) $(SP_NAMES)

# --- TF-A (BL1 + FIP) -----------------------------------------------------------
# TF-A is rebuilt only when its own inputs change; tzvisor and BL33 are put
# into a copy of its FIP with fiptool, so swapping either costs no TF-A build.
# FP/SVE/SME enabled for the secure world too: tzvisor switches that state
# itself (TF-A's defaults trap secure-world FP/SVE to EL3).
TFA_FEATURE_FLAGS := ENABLE_SVE_FOR_SWD=1 ENABLE_SME_FOR_NS=2 ENABLE_SME_FOR_SWD=1
# TF-A's make does not notice changed variables: one build folder per flag set.
TFA_BUILD := $(abspath $(BUILD))/tfa-$(shell echo '$(TFA_FEATURE_FLAGS)' | md5sum | cut -c1-8)
TFA_OUT := $(TFA_BUILD)/qemu/release
TFA_FLAGS := CROSS_COMPILE=$(CROSS_COMPILE) PLAT=qemu QEMU_USE_GIC_DRIVER=QEMU_GICV3 \
	SPD=spmd SPMD_SPM_AT_SEL2=1 $(TFA_FEATURE_FLAGS) \
	QEMU_TOS_FW_CONFIG_DTS=$(abspath config/spmc_manifest.dts) \
	QEMU_TB_FW_CONFIG_DTS=$(abspath config/tb_fw_config.dts) \
	SP_LAYOUT_FILE=$(abspath $(SP_LAYOUT)) BUILD_BASE=$(TFA_BUILD) \
	ARM_BL2_SP_LIST_DTS=$(TFA_OUT)/sp_list_fragment.dts
TFA_INPUTS := $(TFA_SRC)/.tzv-ok config/spmc_manifest.dts config/tb_fw_config.dts \
	$(SP_LAYOUT) $(SP_BINS) $(SP_DTS) Makefile
FIPTOOL := $(TFA_SRC)/tools/fiptool/fiptool

$(TFA_OUT)/.stamp: $(TFA_INPUTS) | $(SPMC_BIN) $(NWD_BIN)
	@echo "  TF-A   building BL1 + FIP (PLAT=qemu SPD=spmd SPMD_SPM_AT_SEL2=1)"
	@# TF-A's make does not see that TB_FW_CONFIG includes the generated SP list.
	$(Q)rm -f $(TFA_OUT)/fdts/tb_fw_config.dtb
	$(Q)$(MAKE) -s -C $(TFA_SRC) -j$(shell nproc) $(TFA_FLAGS) \
		BL32=$(abspath $(SPMC_BIN)) BL33=$(abspath $(NWD_BIN)) all fip >$(TFA_BUILD).log 2>&1 \
		|| { tail -30 $(TFA_BUILD).log; exit 1; }
	$(Q)touch $@

# flash image = BL1 at 0 + TF-A's FIP with our BL32 and BL33 at 256 KiB.
define make_flash # $(1) BL32 image, $(2) BL33 image
	@echo "  FLASH  $@ (BL32 $(1), BL33 $(2))"
	$(Q)cp $(TFA_OUT)/fip.bin $@.fip
	$(Q)$(FIPTOOL) update --tos-fw $(1) --nt-fw $(2) $@.fip >/dev/null
	$(Q)cp $(TFA_OUT)/bl1.bin $@.tmp
	$(Q)dd if=$@.fip of=$@.tmp bs=64k seek=4 conv=notrunc status=none
	$(Q)rm $@.fip
	$(Q)mv $@.tmp $@
endef

$(BUILD)/flash.bin: $(TFA_OUT)/.stamp $(SPMC_BIN) $(BL33)
	$(call make_flash,$(SPMC_BIN),$(BL33))

$(BUILD)/flash-panic.bin: $(TFA_OUT)/.stamp $(panic_BIN) $(NWD_BIN)
	$(call make_flash,$(panic_BIN),$(NWD_BIN))

$(BUILD)/flash-overflow.bin: $(TFA_OUT)/.stamp $(overflow_BIN) $(NWD_BIN)
	$(call make_flash,$(overflow_BIN),$(NWD_BIN))

# --- benchmark configuration (make bench) -------------------------------------
# The benchmark payload (bench/bench_nwd.c) as BL33, run twice over: with the
# default SPMC (every headline figure: the build make run boots) and with the
# instrumented one (spmc-bench: the split of each figure, and boot's steps).
BENCH_NWD_SRCS := nwd/start.S bench/bench_nwd.c nwd/lib.c src/core/fmt.c src/lib/string.c \
	src/lib/sort.c tests/target/smccc_check.c tests/target/mem_build.c \
	src/plat/qemu/plat.c src/plat/qemu/pl011.c src/arch/aarch64/smc.S
BENCH_NWD_OBJS := $(patsubst %,$(BUILD)/bench-nwd/%.o,$(BENCH_NWD_SRCS))
BENCH_NWD_BIN := $(BUILD)/bench-nwd/bench-nwd.bin

$(BUILD)/bench-nwd/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) $(WARNINGS) -Inwd -Ipartitions/test_sp -Isrc/lib -Itests/target -MMD -MP -c -o $@ $<

$(BUILD)/bench-nwd/%.S.o: %.S $(OFFSETS_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/bench-nwd/bench-nwd.elf: $(BENCH_NWD_OBJS) nwd/nwd.ld
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -T nwd/nwd.ld -o $@ $(BENCH_NWD_OBJS)

$(BENCH_NWD_BIN): $(BUILD)/bench-nwd/bench-nwd.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/flash-bench.bin: $(TFA_OUT)/.stamp $(SPMC_BIN) $(BENCH_NWD_BIN)
	$(call make_flash,$(SPMC_BIN),$(BENCH_NWD_BIN))

$(BUILD)/flash-bench-instrumented.bin: $(TFA_OUT)/.stamp $(spmc-bench_BIN) $(BENCH_NWD_BIN)
	$(call make_flash,$(spmc-bench_BIN),$(BENCH_NWD_BIN))

$(BUILD)/flash-debug.bin: $(TFA_OUT)/.stamp $(spmc-debug_BIN) $(BL33)
	$(call make_flash,$(spmc-debug_BIN),$(BL33))

# -icount makes counts deterministic: one counter tick per instruction.
QEMU_BENCH := $(QEMU) -machine virt,secure=on,virtualization=on,gic-version=3 -cpu max -smp 4 \
	-m 1G -nic none -icount shift=0,align=off,sleep=off
BENCH_BASELINE := bench/baseline.json
BENCH_MARGIN ?= 0.05
BENCH_FLASH := $(BUILD)/flash-bench.bin $(BUILD)/flash-bench-instrumented.bin
BENCH_ARGS = --qemu "$(QEMU_BENCH)" --build $(BUILD) --cross $(CROSS_COMPILE) \
	--flash $(BUILD)/flash-bench.bin --elf $(SPMC_ELF) \
	--flash-instrumented $(BUILD)/flash-bench-instrumented.bin --elf-instrumented $(spmc-bench_ELF) \
	--flags "$(FW_ARCH) -O2" --log-level $(LOG_LEVEL_NUM)

# --- host unit tests (cmocka, ASan + UBSan) ----------------------------------
HOST_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Isrc -Iinclude -Itests/unit $(LIBFDT_INC) -DTZV_HOST_TEST \
	-DTZV_LOG_LEVEL=50 \
	$(WARNINGS) -Wno-missing-prototypes
HOST_LDLIBS := -lcmocka
HOST_COMMON := $(CORE_SRCS) tests/unit/fake_arch.c
HOST_LIBFDT := $(addprefix $(DTC_SRC)/libfdt/,fdt.c fdt_ro.c fdt_check.c fdt_strerror.c fdt_sw.c fdt_rw.c fdt_wip.c)
HOST_TESTS := fmt console palloc mm ffa spmd fdt_blob manifest sp_manifest sp_pkg partition_info \
	rxtx indirect notif mem_desc mem_share run vint irq console_rx

test_fmt_SRCS := src/core/fmt.c tests/unit/fake_arch.c
test_console_SRCS := $(HOST_COMMON)
# At the default build's level: the test checks what is compiled out.
test_console_CFLAGS := -UTZV_LOG_LEVEL -DTZV_LOG_LEVEL=30
test_palloc_SRCS := $(HOST_COMMON)
test_mm_SRCS := $(HOST_COMMON)
test_ffa_SRCS := $(HOST_COMMON) $(FFA_SRCS) src/spmc/abi.c
test_spmd_SRCS := $(HOST_COMMON) $(FFA_SRCS) src/spmc/abi.c src/spmc/spmd.c
test_fdt_blob_SRCS := $(HOST_COMMON) src/core/fdt_blob.c
test_manifest_SRCS := $(HOST_COMMON) src/spmc/manifest.c src/core/fdt_blob.c
test_sp_manifest_SRCS := $(HOST_COMMON) src/spmc/sp_manifest.c src/core/fdt_blob.c
test_sp_pkg_SRCS := $(HOST_COMMON) src/spmc/sp_pkg.c
test_partition_info_SRCS := $(HOST_COMMON) src/ffa/partition_info.c src/ffa/version.c
test_rxtx_SRCS := $(HOST_COMMON) src/ffa/rxtx.c
test_indirect_SRCS := $(HOST_COMMON) src/ffa/indirect.c
test_notif_SRCS := $(HOST_COMMON) src/ffa/notif.c
test_mem_desc_SRCS := $(HOST_COMMON) src/ffa/mem_desc.c
test_mem_share_SRCS := $(HOST_COMMON) $(FFA_MEM_SRCS)
# Small tables, so that the tests reach every limit.
test_mem_share_CFLAGS := -DMEM_MAX_TXNS=16U -DMEM_MAX_RANGES=1200U -DMEM_MAX_SPANS=1100U
test_run_SRCS := $(HOST_COMMON) $(FFA_SRCS) src/spmc/abi.c src/spmc/run.c src/spmc/partition_table.c \
	src/dev/vuart.c src/spmc/irq.c src/spmc/vint.c src/spmc/vtimer.c src/spmc/console_rx.c \
	tests/unit/fake_gic.c tests/unit/sp_script.c
test_irq_SRCS := $(test_run_SRCS)
test_console_rx_SRCS := $(test_run_SRCS)
test_vint_SRCS := src/spmc/vint.c

HOST_BINS := $(patsubst %,$(BUILD)/host/test_%,$(HOST_TESTS))
host-tests: $(HOST_BINS)

.SECONDEXPANSION:
$(BUILD)/host/test_%: tests/unit/test_%.c $$(test_$$*_SRCS) tests/unit/fake_arch.h tests/unit/fake_gic.h \
	tests/unit/sp_script.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(test_$*_CFLAGS) -o $@ $< $(test_$*_SRCS) \
		$(if $(filter fdt_blob manifest sp_manifest,$*),$(HOST_LIBFDT) -Wno-sign-compare -Wno-conversion -Wno-cast-align) \
		$(HOST_LDLIBS)

# --- fuzzing ------------------------------------------------------------------------
# tests/fuzz/fuzz_parsers.c: one target for the SP manifest, SPMC manifest and
# SP package parsers. make test runs it under a deterministic mutation driver
# (gcc, ASan, UBSan) over the project's real manifests; make fuzz runs it
# under libFuzzer (clang) for FUZZ_SECONDS.
FUZZ_SRCS := tests/fuzz/fuzz_parsers.c src/spmc/sp_manifest.c src/spmc/manifest.c \
	src/spmc/sp_pkg.c src/core/fdt_blob.c src/ffa/mem_desc.c $(HOST_COMMON)
FUZZ_SEED_DTS := $(SP_DTS) config/spmc_manifest.dts
FUZZ_MEM_SEEDS := $(patsubst %,$(BUILD)/fuzz/seeds/%.bin,mem_v1_0 mem_v1_1 mem_v1_2)
FUZZ_SEEDS := $(patsubst %.dts,$(BUILD)/fuzz/seeds/%.dtb,$(notdir $(FUZZ_SEED_DTS))) \
	$(FUZZ_MEM_SEEDS)
FUZZ_SECONDS ?= 60

define fuzz_seed_rule # $(1): a DTS file
$(BUILD)/fuzz/seeds/$(basename $(notdir $(1))).dtb: $(1)
	@mkdir -p $$(dir $$@)
	$$(Q)dtc -q -I dts -O dtb -o $$@ $$<
endef
$(foreach f,$(FUZZ_SEED_DTS),$(eval $(call fuzz_seed_rule,$(f))))

$(FUZZ_MEM_SEEDS) &: tests/fuzz/gen_mem_seeds.py
	$(Q)python3 tests/fuzz/gen_mem_seeds.py $(BUILD)/fuzz/seeds

$(BUILD)/gen/fuzz_seeds.h: $(FUZZ_SEEDS) tests/fuzz/gen_seeds.py
	@mkdir -p $(dir $@)
	$(Q)python3 tests/fuzz/gen_seeds.py $@ $(FUZZ_SEEDS)

$(BUILD)/host/test_fuzz: tests/fuzz/driver.c $(FUZZ_SRCS) $(BUILD)/gen/fuzz_seeds.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -I$(BUILD)/gen -o $@ tests/fuzz/driver.c $(FUZZ_SRCS) \
		$(HOST_LIBFDT) -Wno-sign-compare -Wno-conversion -Wno-cast-align

host-tests: $(BUILD)/host/test_fuzz

# tests/fuzz/fuzz_mem.c: sequences of memory-sharing calls against a model,
# over small tables (so that inputs reach every limit). Its seeds are a
# corpus libFuzzer found (tests/fuzz/seeds_mem/, minimised with -merge=1);
# make test mutates each FUZZ_MEM_ITERATIONS times.
FUZZ_MEM_SRCS := tests/fuzz/fuzz_mem.c $(FFA_MEM_SRCS) $(HOST_COMMON)
FUZZ_MEM_CFLAGS := -DMEM_MAX_TXNS=6U -DMEM_MAX_RANGES=24U -DMEM_MAX_SPANS=24U
FUZZ_MEM_CORPUS := $(sort $(wildcard tests/fuzz/seeds_mem/*))
FUZZ_MEM_ITERATIONS ?= 2000

$(BUILD)/gen/mem/fuzz_seeds.h: $(FUZZ_MEM_CORPUS) tests/fuzz/gen_seeds.py
	@mkdir -p $(dir $@)
	$(Q)python3 tests/fuzz/gen_seeds.py $@ $(FUZZ_MEM_CORPUS)

$(BUILD)/host/test_fuzz_mem: tests/fuzz/driver.c $(FUZZ_MEM_SRCS) $(BUILD)/gen/mem/fuzz_seeds.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(FUZZ_MEM_CFLAGS) -DFUZZ_ITERATIONS=$(FUZZ_MEM_ITERATIONS)U \
		-DFUZZ_CORPUS_NAME='"memory_sequences"' \
		-I$(BUILD)/gen/mem -o $@ tests/fuzz/driver.c $(FUZZ_MEM_SRCS)

host-tests: $(BUILD)/host/test_fuzz_mem

# make fuzz: both targets under libFuzzer, FUZZ_SECONDS each; new inputs land
# in $(BUILD)/fuzz/corpus*. Crashes stop the run with the input saved.
FUZZ_CLANG := clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude -Itests/unit $(LIBFDT_INC) \
	-DTZV_HOST_TEST -DTZV_LOG_LEVEL=50

fuzz: $(FUZZ_SEEDS)
	@scripts/setup.sh --with-clang
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/corpus_mem
	@cp $(FUZZ_SEEDS) $(BUILD)/fuzz/corpus/
	$(if $(FUZZ_MEM_CORPUS),@cp $(FUZZ_MEM_CORPUS) $(BUILD)/fuzz/corpus_mem/)
	$(FUZZ_CLANG) -o $(BUILD)/fuzz/fuzz_parsers $(FUZZ_SRCS) $(HOST_LIBFDT)
	$(FUZZ_CLANG) $(FUZZ_MEM_CFLAGS) -o $(BUILD)/fuzz/fuzz_mem $(FUZZ_MEM_SRCS)
	$(BUILD)/fuzz/fuzz_parsers -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/fuzz_mem -max_total_time=$(FUZZ_SECONDS) $(FUZZ_JOBS) $(BUILD)/fuzz/corpus_mem

# --- run, test, debug ---------------------------------------------------------------
# Multi-threaded TCG (QEMU's default) ran the SMP scenario ~9x faster than
# thread=single on a 2-core host; QEMU_ACCEL="tcg,thread=single" switches.
QEMU_ACCEL ?= tcg
QEMU_MACHINE := -machine virt,secure=on,virtualization=on,gic-version=3 -cpu max -smp 4 -m 1G \
	-nic none -accel $(QEMU_ACCEL)

setup:
	@scripts/setup.sh

run: setup
	@$(MAKE) --no-print-directory firmware
	@python3 scripts/run.py "$(QEMU) $(QEMU_MACHINE)" $(BUILD)/flash.bin $(BUILD)

test: setup
	@$(MAKE) --no-print-directory all $(LINUX_TEST_BUILD)
	@python3 tests/run_tests.py --build $(BUILD) --qemu "$(QEMU) $(QEMU_MACHINE)" \
		--panic-addr $(SELFTEST_FAULT_ADDR) --log-level $(LOG_LEVEL) $(LINUX_TEST_ARGS) \
		$(OPTEE_TEST_ARGS) $(HYP_TEST_ARGS)

bench: setup
	@$(MAKE) --no-print-directory firmware $(BENCH_FLASH)
	@python3 bench/run_bench.py $(BENCH_ARGS)

# Fails when a median is more than BENCH_MARGIN (5%) above bench/baseline.json.
bench-check: setup
	@$(MAKE) --no-print-directory firmware $(BENCH_FLASH)
	@python3 bench/run_bench.py $(BENCH_ARGS) --check $(BENCH_BASELINE) --margin $(BENCH_MARGIN)

# Records the current figures as the baseline (commit the result).
bench-baseline: bench
	cp $(BUILD)/bench.json $(BENCH_BASELINE)

# The default build at DEBUG_LOG_LEVEL (verbose: every call logged), in its own folders.
debug: setup
	@scripts/setup.sh --with-gdb
	@$(MAKE) --no-print-directory $(BUILD)/flash-debug.bin
	@echo "QEMU is halted at reset with a gdb stub on :1234. In another shell:"
	@echo "  gdb-multiarch $(spmc-debug_ELF) -ex 'target remote :1234' -ex 'add-symbol-file $(NWD_ELF)'"
	@echo "  (break spmc_boot_primary, continue). Quit QEMU with Ctrl-a x."
	@echo "  The SPMC's console (UART1) goes to $(BUILD)/uart1-secure.log: tail -f it."
	$(QEMU) $(QEMU_MACHINE) -bios $(BUILD)/flash-debug.bin -nographic -serial mon:stdio \
		-serial file:$(BUILD)/uart1-secure.log -s -S

FORMAT_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)

include mk/linux.mk
include mk/optee.mk
include mk/hyp.mk
include mk/guest_ffa.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
