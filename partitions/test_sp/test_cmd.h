/*
 * The test partitions' direct-message protocol, shared with the normal-world
 * payload. Request: w3 = command (x4 for DIRECT_REQ2), arguments after it.
 * Response: w3 = status (0 = ok), results in x4-x7.
 */
#ifndef PARTITIONS_TEST_CMD_H
#define PARTITIONS_TEST_CMD_H

#define TEST_CMD_ECHO 1U /* x4-x7 returned unchanged (x4-x17 for REQ2) */
#define TEST_CMD_WHOAMI 2U /* x4 = own ID, x5 = EC index, x6 = sender ID, x7 = boot info check */
/*
 * x4 = target ID, x5 = command for it, x6-x7 its arguments. Results: x4 = the
 * answer's x0; for FFA_ERROR x5 = the error code; for a response x5-x7 = its
 * w3 (status), x4, x5.
 */
#define TEST_CMD_CALL 3U
/*
 * Reads address x4 (x5 = 1: writes back the byte there instead): must stop
 * the partition. An S-EL1 partition whose own stage 1 does not map x4 maps
 * it first (read-only, or read-write for a write), so that the access
 * reaches the SPMC's stage 2; one that maps it read-only (its text) faults
 * at stage 1 on a write, and its runtime stops it.
 */
#define TEST_CMD_FAULT 4U
#define TEST_CMD_VERSION 5U /* x4 = FFA_VERSION(x4) */
#define TEST_CMD_COUNTER 6U /* x4 = how many requests this EC has served */
#define TEST_CMD_SPOOF 7U /* sends a DIRECT_RESP claiming sender x4: must be refused */

/*
 * The SP maps RX/TX buffers of its own (first trying the SPMC's memory) and
 * calls FFA_PARTITION_INFO_GET: x4 = error of the foreign map, x5 = count,
 * x6 = first descriptor's ID | EC count << 16, x7 = FFA_RX_RELEASE's x0.
 */
#define TEST_CMD_DISCOVER 8U

/* x4 = sender of the last indirect message, x5 = its size, x6 = its first 8 bytes, x7 = count. */
#define TEST_CMD_LAST_MSG 9U
/*
 * Sends an 8-byte indirect message (x5) to x4 [15:0] with MSG_SEND2 flags
 * x4 [47:16] (bit 1: delay the SRI): x4 = MSG_SEND2's x0, x5 = its w2.
 */
#define TEST_CMD_SEND_MSG 10U
/*
 * Calls FFA_YIELD with w1 = x7 (MBZ), w2/w3 = x5/x6 (its timeout in ns), then
 * answers: x4 = what FFA_YIELD returned in x0, x5 = microseconds it took,
 * x6 = its error code (0 if none).
 */
#define TEST_CMD_YIELD 11U

/*
 * Benchmark: x5 (<= 1024) DIRECT_REQ_64 echo round trips to x4, each timed
 * with CNTVCT: x4 = median, x5 = min, x6 = max (counter ticks).
 */
#define TEST_CMD_BENCH_CALL 12U

/* While serving: calls FFA_ERROR (x4 = x0, x5 = w2 of the answer) then FFA_MSG_WAIT (x6, x7). */
#define TEST_CMD_WRONG_EXIT 13U

/* Busy loop of x4 iterations: x4 = iterations done (for interrupt tests). */
#define TEST_CMD_SPIN 14U

/* Sets FP/SIMD D0 = x4, D31 = ~x4 and FPCR.RMode = x5 & 3 (lazily switched state). */
#define TEST_CMD_FP_SET 15U
/* x4 = D0, x5 = D31, x6 = FPCR.RMode, x7 = V0's upper 64 bits. */
#define TEST_CMD_FP_GET 16U
/* Sets D0 = x4, spins x5 iterations (to be preempted), then x4 = D0, x5 = iterations done. */
#define TEST_CMD_FP_SPIN 17U

/*
 * A notification call (BIND, UNBIND, SET, GET, or any other ID) made by the
 * partition: x4 = function ID, x5 = w1, x6 = w2, x7 = 64-bit bitmap (w3 low,
 * w4 high). Results: x4 = x0, x5 = w2 | w3 << 32, x6 = w4 | w5 << 32,
 * x7 = w6 | w7 << 32 (so GET gives SP, VM and framework bitmaps).
 */
#define TEST_CMD_NOTIF_CALL 18U
/*
 * What this execution context fetched with FFA_NOTIFICATION_GET when the
 * normal world last ran it (FFA_RUN): x4 = from partitions, x5 = from VMs, x6 = framework
 * | runs << 32, x7 = messages read because of RX-full; then forgotten.
 */
#define TEST_CMD_NOTIF_SEEN 19U

/*
 * Power-management messages (sp1 subscribes to CPU_OFF): x4 = EC index;
 * answers x4 = CPU_OFF messages that EC received, and, if the EC was told
 * to misbehave, the errors it got for a plain DIRECT_RESP (x5), FFA_YIELD
 * (x6) and a direct request to sp2 (x7) while handling the message.
 */
#define TEST_CMD_PM_QUERY 20U
/* Every EC's next CPU_OFF message: try the three wrong things first (see above). */
#define TEST_CMD_PM_MISBEHAVE 21U

/*
 * S-EL0 partition (sp3): what FFA_MEM_PERM_GET/SET answered while it
 * initialised, one byte per call (w2 for GET, 0 for SET, or the error code
 * as a signed byte), 8 per register in x4-x6 (test order in main.c); x7 =
 * the error of one more FFA_MEM_PERM_SET, made now that it runs (DENIED).
 */
#define TEST_CMD_MEM_PERM_RESULTS 22U

/*
 * The SMCCC register checks of every call this partition made, over all its
 * execution contexts (tests/target/smccc_check.h): x4 = calls, x5 = calls
 * that broke a rule | the first one's register << 56, x6 = that call's
 * function ID | its answer's x0 << 32, x7 = the register's value.
 */
#define TEST_CMD_SMCCC_STATS 23U
/* x4 = 0 turns those checks off in every context (benchmarks), 1 on again. */
#define TEST_CMD_SMCCC_CHECKS 24U

/*
 * Memory sharing (partitions/test_sp/mem.c), the partition retrieving in its
 * own version (v1.2):
 * MEM_RETRIEVE: x4 = handle, x5 = sender | permissions << 16, x6 = retrieve
 *   flags: FFA_MEM_RETRIEVE_REQ and every fragment (FFA_MEM_FRAG_RX):
 *   x4 = the answer's x0 | error << 32, x5 = total pages | ranges << 32,
 *   x6 = attributes | permissions << 16 | fragments << 32,
 *   x7 = the first range's address ^ (sum of address + pages) << 20.
 * MEM_CYCLE: x4 = handle, x5 = sender | permissions << 16: retrieve, then
 *   relinquish, touching nothing (benchmarks): x4 = retrieve's x0 | error
 *   << 32, x5 = relinquish's, x6 = pages | ranges << 32.
 * MEM_RELINQUISH: x4 = handle, x5 = flags (and TEST_MEM_KEEP_MAPPING: an
 *   S-EL1 partition leaves the memory in its stage 1): x4 = x0, x5 = error.
 * MEM_READ: x4 = address: x4 = the 64-bit value there (a fault stops it).
 * MEM_WRITE: x4 = address, x5 = value.
 * MEM_PAGE: x4 = i: x4 = the address of its i-th page to give (0 beyond).
 * MEM_GIVE: x4 = the ABI, x5 = receiver | receiver2 << 16 | permissions
 *   << 32 | permissions2 << 40 | attributes << 48, x6 = first page | pages
 *   << 16 | flags << 32, x7 = 0, or the address to give instead of its
 *   pages (memory donated to it): x4 = x0, x5 = the handle or the error.
 * MEM_RECLAIM: x4 = handle, x5 = flags: x4 = x0, x5 = error.
 */
#define TEST_CMD_MEM_RETRIEVE 25U
#define TEST_CMD_MEM_CYCLE 26U
#define TEST_CMD_MEM_RELINQUISH 27U
#define TEST_CMD_MEM_READ 28U
#define TEST_CMD_MEM_WRITE 29U
#define TEST_CMD_MEM_PAGE 30U
#define TEST_CMD_MEM_GIVE 31U
#define TEST_CMD_MEM_RECLAIM 32U
#define TEST_SHARE_PAGES 16U
/*
 * MEM_WHERE: x4 = i: x4 = the address of range i of the last MEM_RETRIEVE
 * this context made (as the partition sees it: a VM of the emulated SPMC in
 * its borrowed-memory window, a secure partition the physical address), x5 =
 * its pages, x6 = the ranges that retrieve had (0: none recorded; only the
 * first TEST_WHERE_RANGES are kept).
 */
#define TEST_CMD_MEM_WHERE 50U
/*
 * VM availability messages it was sent (FF-A v1.2 18.3): x4 = a VM ID:
 * x4 = 1 if that VM is available (created, not destroyed), x5 = "VM
 * created" messages | "VM destroyed" messages << 32, x6 = the last one's
 * sender, x7 = its VM handle (w3 | w4 << 32).
 */
#define TEST_CMD_VM_AVAIL 54U
#define TEST_WHERE_RANGES 4U
#define TEST_MEM_KEEP_MAPPING (1U << 31)

/*
 * The own stage 1 of an S-EL1 partition (partitions/runtime/mmu.c). An
 * "area" argument is a TEST_AREA_* index, or an address (>= 0x1000).
 */
#define TEST_AREA_TEXT 0U /* the entry page (_start): read-only, executable */
#define TEST_AREA_RODATA 1U
#define TEST_AREA_DATA 2U
#define TEST_AREA_BSS 3U /* a .bss page of the test partition */
#define TEST_AREA_STACK 4U /* this context's stack */
#define TEST_AREA_BOOT_INFO 5U
#define TEST_AREA_MANIFEST 6U
#define TEST_AREA_TABLES 7U /* the stage-1 tables' pool */
#define TEST_AREA_DEVICE 8U /* the manifest's first device region */
#define TEST_AREA_NS 9U /* the manifest's first NS memory region */
#define TEST_AREA_MAP_PAGE 10U /* a .bss page that only the map tests change */
#define TEST_AREA_COUNT 11U
#define TEST_AREA_NONE 0xFFFFFFFFU /* the partition has no such area */

/* x4 = SCTLR_EL1, x5 = TCR_EL1, x6 = MAIR_EL1, x7 = table pages used | TTBR0 is the root << 32. */
#define TEST_CMD_MMU_STATE 33U
/*
 * Area x4: x4 = its address (or TEST_AREA_NONE), x5 = PAR_EL1 after AT
 * S1E1R, x6 = after AT S1E1W, x7 = its MM_* attributes (core/mm.h) in the
 * partition's tables | TEST_MMU_MAPPED, or 0 if they do not map it.
 */
#define TEST_CMD_MMU_QUERY 34U
#define TEST_MMU_MAPPED (1ULL << 32)
/*
 * An access to area x4 that reports a stage-1 fault instead of stopping
 * the partition (sp_probe_read/write): x5 = 0 reads a byte, 1 writes back
 * the byte there (read first), 2 writes byte x6. x4 = the byte read (0 for
 * a write) or TEST_PROBE_FAULT | ESR_EL1 of the access that faulted.
 */
#define TEST_CMD_MMU_PROBE 35U
#define TEST_PROBE_FAULT (1ULL << 63)
/* sp_map (x4 = 1, attributes x7) or sp_unmap (x4 = 0) of x6 pages at area x5: x4 = its result. */
#define TEST_CMD_MMU_MAP 36U
/*
 * Reads area x4 until a read takes a stage-1 fault (another context
 * unmapped it), for at most 10 s. Once the first read worked it writes x5
 * into its slot of the NS mailbox (TEST_NS_MAILBOX_WATCH + EC): the page
 * is in this core's TLB. x4 = that fault (TEST_PROBE_FAULT | ESR_EL1),
 * or 0 on a timeout; x5 = reads that worked.
 */
#define TEST_CMD_MMU_WATCH 37U
/*
 * The first device region, through the partition's Device mapping: x4 = its
 * PrimeCell ID (CID0-3 at 0xFF0-0xFFC, one byte each, CID0 lowest), x5 =
 * its peripheral ID (PeriphID0-3 at 0xFE0-0xFEC).
 */
#define TEST_CMD_DEVICE_ID 38U
/* Word 0 of the first NS memory region, read through the NS mapping: x4; ~x4 goes to word 1. */
#define TEST_CMD_NS_READ 39U

/*
 * Interrupts (partitions/test_sp/irq.c). Each context counts the virtual
 * interrupts it handled, by ID (3 timer, 4 managed exit, 5 NPI, 9 IPI, 34
 * the PL031's SPI), and how often it was woken from FFA_MSG_WAIT by
 * FFA_INTERRUPT. An S-EL1 partition takes them as vIRQs (HF_INTERRUPT_GET,
 * then HF_INTERRUPT_DEACTIVATE), an S-EL0 one as FFA_INTERRUPT's w2.
 *
 * HF_CALL: Hafnium's paravirtual call x4 with x5-x7: x4 = its 64-bit result.
 * IRQ_STATS: x4 = ID, x5 = context: x4 = that context's count of the ID,
 *   x5 = its FFA_INTERRUPT wake-ups, x6 = errors over all contexts (GET gave
 *   nothing, DEACTIVATE refused, an ID it does not expect), x7 = timer
 *   interrupts taken before their deadline, over all contexts.
 * RTC_ARM: the PL031 raises its interrupt at the next second (RTCMR =
 *   RTCDR + 1, interrupt unmasked): x4 = RTCDR. The handler clears it.
 * WAIT_IRQ: spins (interrupts on) until this context's count of ID x4
 *   reaches x5, for at most x6 counter ticks: x4 = the count, x5 = ticks.
 * TIMER_ARM: its EL1 physical timer (CNTP_CVAL/CTL, emulated by the SPMC)
 *   fires x4 ticks from now (0: off): x4 = the deadline. The handler turns
 *   it off and checks it did not fire early.
 * SPIN_TIME: spins for x4 counter ticks; x5 = 1 with FIQs unmasked, so that
 *   a managed exit (vFIQ) ends it early: x4 = ticks spun, x5 = 1 if a
 *   managed exit ended it, x6 = iterations.
 * NPI_MODE: x4 = 1: the NPI handler also fetches the notifications
 *   (FFA_NOTIFICATION_GET), 0: it only counts. NPI_SEEN: what the handler
 *   fetched on this context: x4 = NPIs, x5 = from partitions, x6 = from VMs;
 *   then forgotten.
 * BOOT_IRQ: what the boot's HF_INTERRUPT_ENABLE and RECONFIGURE (enable) of
 *   its interrupts returned, as OP-TEE does them: x4 = ENABLE's, x5 =
 *   RECONFIGURE's, x6 = enabling the timer and IPI IDs (OR of the results).
 */
#define TEST_CMD_HF_CALL 40U
#define TEST_CMD_IRQ_STATS 41U
#define TEST_CMD_RTC_ARM 42U
#define TEST_CMD_WAIT_IRQ 43U
#define TEST_CMD_TIMER_ARM 44U
#define TEST_CMD_SPIN_TIME 45U
#define TEST_CMD_NPI_MODE 46U
#define TEST_CMD_NPI_SEEN 47U
#define TEST_CMD_BOOT_IRQ 48U
/*
 * IRQ_TIMES (benchmarks): this context's last emulated-timer interrupt: x4 =
 * its deadline, x5 = the counter when its handler started, x6 = when the
 * handler had deactivated it (its last instruction before returning).
 */
#define TEST_CMD_IRQ_TIMES 49U
/*
 * REG_SPIN: spins x4 counter ticks with a pattern (seed x5) in x9-x15 and
 *   x19-x28: x4 = the registers that changed (bit n: xn; 0: none), x5 =
 *   the counter at its end, x6 = at its start.
 * RTC_ARM takes x4 = seconds ahead (0: 1). WAIT_IRQ with x7 != 0 first
 * writes x7 into sp1's NS mailbox (TEST_NS_MAILBOX_IRQ + EC): it runs now.
 */
#define TEST_CMD_REG_SPIN 51U
/*
 * CHAIN_IRQ: as CALL (x4 target, x5 command, x6-x7 its arguments), with IRQs
 *   masked. When the request returns FFA_INTERRUPT (its own interrupt while
 *   the callee runs) it takes the ID (GET) and, the first time, tries what
 *   it may not do before resuming its callee: FFA_RUN of it (the ID still
 *   active), a direct response to its requester, a request to sp3, FFA_RUN
 *   of sp3; then ends the ID and resumes the callee with FFA_RUN. x4 = the
 *   final answer's x0, x5 = its w5, x6 = the four errors (FFA error codes
 *   as bytes, first lowest; 0x7F: not an error), x7 = FFA_INTERRUPTs |
 *   the answer's w3 << 8 | its w4 << 32.
 */
#define TEST_CMD_CHAIN_IRQ 52U
/* CALL_STATS: x4 = how many of this context's CALL requests came back FFA_INTERRUPT (then FFA_RUN).
 */
#define TEST_CMD_CALL_STATS 53U
#define TEST_RTC_SPI 34U /* PL031: SPI 2 */

/*
 * sp1's NS memory region (manifest: ns-mailbox), a page of the normal
 * world's, which it reads and writes with its MMU off. Words: 0, 1 for
 * TEST_CMD_NS_READ, TEST_NS_MAILBOX_WATCH + EC for TEST_CMD_MMU_WATCH.
 */
#define TEST_NS_MAILBOX 0x7f000000UL
#define TEST_NS_MAILBOX_WATCH 8U
#define TEST_NS_MAILBOX_IRQ 16U

#define TEST_STATUS_OK 0U
#define TEST_STATUS_UNKNOWN_CMD 0xBADC0DEU

/* UUIDs of the test partitions, as the four cells of their manifests. */
#define TEST_SP1_ID 0x8001U
#define TEST_SP2_ID 0x8002U
#define TEST_SP3_ID 0x8003U /* S-EL0 */

#endif
