/*
 * Notifications (FF-A v1.2 chapter 10) from the normal world as VM 0 with no
 * hypervisor: its own bitmap, bindings both ways with sp1/sp2, the
 * schedule-receiver interrupt (SGI 8, taken here by reading ICC_IAR1_EL1 with
 * interrupts masked, as a handler would), FFA_NOTIFICATION_INFO_GET, the
 * RX-buffer-full framework notification of indirect messages, and the
 * delayed SRI that keeps a signaled partition from being preempted.
 * sp3 has no notification-support in its manifest.
 */
#include <string.h>

#include "ffa/notif.h"
#include "nwd.h"
#include "test_cmd.h"

#define SRI 8U
#define SPURIOUS 1023U
#define B(n) (1ULL << (n))
#define VM0 0U
#define SP1 TEST_SP1_ID
#define SP2 TEST_SP2_ID
#define SP3 TEST_SP3_ID
#define GET_NWD (FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_SPM)

/* The SRI on this core: the CPU interface, then the SGI in its own redistributor. */
static void sri_enable(bool on)
{
	if (on) {
		gic_nwd_init();
		*gicr_sgi_frame(GICR_ICPENDR0) = 1U
						 << SRI; /* whatever earlier suites left pending */
	}
	gic_nwd_local_irq(SRI, on);
}

/* Takes every pending SRI (acknowledge + end of interrupt): how many there were. */
static unsigned int sri_take(void)
{
	unsigned int n = 0;

	for (;;) {
		uint64_t intid;
		__asm__ volatile("isb\n\tmrs %0, icc_iar1_el1" : "=r"(intid));
		intid &= 0xFFFFFF;
		if (intid == SPURIOUS) {
			return n;
		}
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" : : "r"(intid));
		if (intid == SRI) {
			n++;
		}
	}
}

static void test_sri(const char *name, unsigned int want)
{
	if (expect_u64(name, "SRIs taken", sri_take(), want)) {
		test_pass(name);
	}
}

static struct ffa_value nwd_notif(uint32_t fid, uint32_t w1, uint32_t w2, uint64_t bits)
{
	return ffa_call6(fid, w1, w2, (uint32_t)bits, bits >> 32, 0);
}

/* The partition's call answered FFA_SUCCESS_32 (want_err 0) or FFA_ERROR(want_err). */
static void test_sp_result(const char *name, struct ffa_value v, enum ffa_error want_err)
{
	if (!expect_u64(name, "x0 (direct response)", (uint32_t)v.x[0],
			FFA_MSG_SEND_DIRECT_RESP_64) ||
	    !expect_u64(name, "status", v.x[3], TEST_STATUS_OK)) {
		return;
	}
	if (want_err == 0) {
		if (expect_u64(name, "partition's x0", v.x[4], FFA_SUCCESS_32)) {
			test_pass(name);
		}
	} else if (expect_u64(name, "partition's x0", v.x[4], FFA_ERROR_32) &&
		   expect_u64(name, "error", (uint32_t)v.x[5], (uint32_t)want_err)) {
		test_pass(name);
	}
}

/* INFO_GET_64 answers one list per ID in `ids` (vCPU counts in `sizes`), nothing more pending. */
static void test_info(const char *name, unsigned int lists, const uint8_t *sizes,
		      const uint16_t *ids, unsigned int nids)
{
	struct ffa_value v = ffa_call6(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	uint64_t w2 = (uint64_t)lists << FFA_NOTIF_INFO_LISTS_SHIFT;
	uint64_t x3[5] = {0};

	for (unsigned int l = 0; l < lists; l++) {
		w2 |= (uint64_t)sizes[l] << (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * l);
	}
	for (unsigned int i = 0; i < nids; i++) {
		x3[i / 4] |= (uint64_t)ids[i] << (16 * (i % 4));
	}
	if (!expect_u64(name, "x0", v.x[0], FFA_SUCCESS_64) ||
	    !expect_u64(name, "x2", v.x[2], w2)) {
		return;
	}
	for (unsigned int r = 0; r < 5; r++) {
		if (!expect_u64(name, "ID registers x3-x7", v.x[3 + r], x3[r])) {
			return;
		}
	}
	test_pass(name);
}

/* FFA_RUN of sp's context 0; then what it fetched (TEST_CMD_NOTIF_SEEN). */
static bool run_and_seen(const char *name, uint16_t sp, uint64_t from_sp, uint64_t from_vm,
			 uint64_t fwk, uint64_t msgs)
{
	struct ffa_value v = ffa_call6(FFA_RUN_32, (uint32_t)sp << 16, 0, 0, 0, 0);
	if (!expect_u64(name, "FFA_RUN x0", (uint32_t)v.x[0], FFA_MSG_WAIT_32)) {
		return false;
	}
	v = sp_cmd(sp, TEST_CMD_NOTIF_SEEN, 0, 0);
	return expect_u64(name, "from partitions", v.x[4], from_sp) &&
	       expect_u64(name, "from VMs", v.x[5], from_vm) &&
	       expect_u64(name, "framework | runs << 32", v.x[6], fwk | 1ULL << 32) &&
	       expect_u64(name, "messages read on RX-full", v.x[7], msgs);
}

/* The normal world's GET: x2-x7 exactly as given. */
static void test_nwd_get(const char *name, uint32_t flags, uint64_t from_sp, uint32_t fwk)
{
	struct ffa_value v = nwd_notif(FFA_NOTIFICATION_GET_32, VM0, flags, 0);
	if (expect_u64(name, "x0", v.x[0], FFA_SUCCESS_32) &&
	    expect_u64(name, "w2 (SPs, low)", v.x[2], (uint32_t)from_sp) &&
	    expect_u64(name, "w3 (SPs, high)", v.x[3], from_sp >> 32) &&
	    expect_u64(name, "w4/w5 (VMs)", v.x[4] | v.x[5], 0) &&
	    expect_u64(name, "w6 (SPM framework)", v.x[6], fwk) &&
	    expect_u64(name, "w7 (hypervisor framework)", v.x[7], 0)) {
		test_pass(name);
	}
}

static void setup_and_bitmaps(void)
{
	test_ffa_success("notif.features.sri_is_sgi_8",
			 ffa_call6(FFA_FEATURES_32, FFA_FEATURE_SRI, 0, 0, 0, 0), SRI);
	test_ffa_success("notif.features.bitmap_create",
			 ffa_call6(FFA_FEATURES_32, FFA_NOTIFICATION_BITMAP_CREATE_32, 0, 0, 0, 0),
			 0);
	test_ffa_error("notif.bad.bind_before_bitmap",
		       nwd_notif(FFA_NOTIFICATION_BIND_32, SP1 << 16 | VM0, 0, B(1)),
		       FFA_NOT_SUPPORTED);
	test_ffa_error("notif.bad.get_before_bitmap",
		       nwd_notif(FFA_NOTIFICATION_GET_32, VM0, GET_NWD, 0), FFA_NOT_SUPPORTED);
	test_ffa_success("notif.bitmap_create",
			 ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, VM0, 4, 0, 0, 0), 0);
	test_ffa_error("notif.bad.bitmap_create_twice",
		       ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, VM0, 4, 0, 0, 0), FFA_DENIED);
	test_ffa_error("notif.bad.bitmap_create_secure_id",
		       ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, SP1, 1, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("notif.bad.bitmap_create_no_vcpus",
		       ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, 5, 0, 0, 0, 0),
		       FFA_INVALID_PARAMETERS);
	/* Eight VMs fit (VM 0 and 1..7); a ninth is NO_MEMORY; all but VM 0 go again. */
	bool ok = true;
	for (uint32_t id = 1; id < 8 && ok; id++) {
		struct ffa_value r = ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, id, 2, 0, 0, 0);
		ok = expect_ffa_success("notif.bitmap_table_full", &r, 0);
	}
	if (ok) {
		test_ffa_error("notif.bitmap_table_full",
			       ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, 8, 2, 0, 0, 0),
			       FFA_NO_MEMORY);
	}
	for (uint32_t id = 1; id < 8; id++) {
		ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, id, 0, 0, 0, 0);
	}
	test_ffa_success("notif.bitmap_create_other_vm",
			 ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, 5, 1, 0, 0, 0), 0);
	test_ffa_success("notif.bitmap_destroy_other_vm",
			 ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, 5, 0, 0, 0, 0), 0);
	test_ffa_error("notif.bad.bitmap_destroy_twice",
		       ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, 5, 0, 0, 0, 0), FFA_DENIED);
	test_sp_result("notif.bad.bitmap_create_from_sp",
		       sp_notif_call(SP1, FFA_NOTIFICATION_BITMAP_CREATE_32, 7, 1, 0),
		       FFA_NOT_SUPPORTED);
	test_sp_result("notif.bad.info_get_from_sp",
		       sp_notif_call(SP1, FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0),
		       FFA_NOT_SUPPORTED);
}

/* Partitions notify the normal world. */
static void sp_to_nwd(void)
{
	test_ffa_success("notif.bind.nwd_from_sp1",
			 nwd_notif(FFA_NOTIFICATION_BIND_32, SP1 << 16 | VM0, 0, B(1) | B(40)), 0);
	static const struct {
		const char *name;
		uint32_t w1, w2;
		uint64_t bits;
		enum ffa_error err;
	} bad[] = {
		{"notif.bad.bind_bit_bound_to_other", SP2 << 16 | VM0, 0, B(1), FFA_DENIED},
		{"notif.bad.bind_sender_is_receiver", VM0 << 16 | VM0, 0, B(2),
		 FFA_INVALID_PARAMETERS},
		{"notif.bad.bind_vm_sender_from_nwd", 3U << 16 | VM0, 0, B(2),
		 FFA_INVALID_PARAMETERS},
		{"notif.bad.bind_for_sp_from_nwd", SP1 << 16 | SP2, 0, B(2),
		 FFA_INVALID_PARAMETERS},
		{"notif.bad.bind_unknown_sp_sender", 0x8009U << 16 | VM0, 0, B(2),
		 FFA_INVALID_PARAMETERS},
		{"notif.bad.bind_no_bits", SP2 << 16 | VM0, 0, 0, FFA_INVALID_PARAMETERS},
		{"notif.bad.bind_reserved_flags", SP2 << 16 | VM0, 2, B(2), FFA_INVALID_PARAMETERS},
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_ffa_error(
			bad[i].name,
			nwd_notif(FFA_NOTIFICATION_BIND_32, bad[i].w1, bad[i].w2, bad[i].bits),
			bad[i].err);
	}

	test_sri("notif.sri.quiet_before", 0);
	test_sp_result("notif.sp_to_nwd.set",
		       sp_notif_call(SP1, FFA_NOTIFICATION_SET_32, SP1 << 16 | VM0, 0, B(40)), 0);
	test_sri("notif.sp_to_nwd.sri_raised_once", 1);
	static const uint16_t nwd_ids[] = {VM0};
	static const uint8_t no_vcpu[] = {0};
	test_info("notif.info_get.lists_nwd", 1, no_vcpu, nwd_ids, 1);
	test_ffa_error("notif.info_get.reported_once",
		       ffa_call6(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0), FFA_NO_DATA);
	test_ffa_error("notif.bad.get_vm_bitmap_from_nwd",
		       nwd_notif(FFA_NOTIFICATION_GET_32, VM0, FFA_NOTIF_GET_FROM_VM, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("notif.bad.get_vcpu_out_of_range",
		       nwd_notif(FFA_NOTIFICATION_GET_32, 4U << 16 | VM0, GET_NWD, 0),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("notif.bad.get_reserved_flags",
		       nwd_notif(FFA_NOTIFICATION_GET_32, VM0, 1U << 4, 0), FFA_INVALID_PARAMETERS);
	test_nwd_get("notif.sp_to_nwd.get", GET_NWD, B(40), 0);
	test_nwd_get("notif.sp_to_nwd.get_cleared", GET_NWD, 0, 0);

	static const struct {
		const char *name;
		uint16_t sp;
		uint32_t w1, w2;
		uint64_t bits;
		enum ffa_error err;
	} bad_set[] = {
		{"notif.bad.set_unbound_bit", SP1, SP1 << 16 | VM0, 0, B(2), FFA_DENIED},
		{"notif.bad.set_bit_bound_to_other_sp", SP2, SP2 << 16 | VM0, 0, B(1), FFA_DENIED},
		{"notif.bad.set_spoofed_sender", SP2, SP1 << 16 | VM0, 0, B(1),
		 FFA_INVALID_PARAMETERS},
		{"notif.bad.set_to_itself", SP1, SP1 << 16 | SP1, 0, B(1), FFA_INVALID_PARAMETERS},
		{"notif.bad.set_reserved_flags", SP1, SP1 << 16 | VM0, 1U << 4, B(1),
		 FFA_INVALID_PARAMETERS},
	};
	for (unsigned int i = 0; i < sizeof(bad_set) / sizeof(bad_set[0]); i++) {
		test_sp_result(bad_set[i].name,
			       sp_notif_call(bad_set[i].sp, FFA_NOTIFICATION_SET_32, bad_set[i].w1,
					     bad_set[i].w2, bad_set[i].bits),
			       bad_set[i].err);
	}
	test_sri("notif.bad.refused_sets_raise_no_sri", 0);
	test_nwd_get("notif.bad.refused_sets_pend_nothing", GET_NWD, 0, 0);
}

/* The normal world notifies partitions, which learn of it when it runs them. */
static void nwd_to_sp(void)
{
	test_sp_result("notif.bind.sp1_from_nwd",
		       sp_notif_call(SP1, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP1, 0, B(3)), 0);
	test_sp_result("notif.bind.sp1_per_vcpu_from_nwd",
		       sp_notif_call(SP1, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP1,
				     FFA_NOTIF_FLAG_PER_VCPU, B(4)),
		       0);
	test_sp_result("notif.bad.sp_binds_for_another",
		       sp_notif_call(SP1, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP2, 0, B(5)),
		       FFA_INVALID_PARAMETERS);
	test_sp_result("notif.bad.per_vcpu_bind_on_up_sp",
		       sp_notif_call(SP2, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP2,
				     FFA_NOTIF_FLAG_PER_VCPU, B(5)),
		       FFA_INVALID_PARAMETERS);
	test_sp_result("notif.bad.sp3_has_no_notifications",
		       sp_notif_call(SP3, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP3, 0, B(5)),
		       FFA_NOT_SUPPORTED);
	test_ffa_error("notif.bad.set_to_sp3",
		       nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP3, 0, B(5)),
		       FFA_NOT_SUPPORTED);
	test_ffa_error("notif.bad.set_to_unknown_sp",
		       nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | 0x8009, 0, B(3)),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error("notif.bad.nwd_set_as_sp",
		       nwd_notif(FFA_NOTIFICATION_SET_32, SP2 << 16 | SP1, 0, B(3)),
		       FFA_INVALID_PARAMETERS);
	test_ffa_error(
		"notif.bad.set_global_bit_per_vcpu",
		nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, FFA_NOTIF_FLAG_PER_VCPU, B(3)),
		FFA_DENIED);
	test_ffa_error("notif.bad.set_per_vcpu_out_of_range",
		       nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1,
				 4U << 16 | FFA_NOTIF_FLAG_PER_VCPU, B(4)),
		       FFA_INVALID_PARAMETERS);
	test_sri("notif.bad.refused_nwd_sets_raise_no_sri", 0);

	test_ffa_success("notif.nwd_to_sp.set",
			 nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, 0, B(3)), 0);
	test_sri("notif.nwd_to_sp.sri_raised", 1);
	static const uint16_t sp1_ids[] = {SP1};
	static const uint8_t no_vcpu[] = {0};
	struct ffa_value i32 = ffa_call6(FFA_NOTIFICATION_INFO_GET_32, 0, 0, 0, 0, 0);
	if (expect_u64("notif.info_get_32", "x0", i32.x[0], FFA_SUCCESS_32) &&
	    expect_u64("notif.info_get_32", "w2", i32.x[2], 1U << FFA_NOTIF_INFO_LISTS_SHIFT) &&
	    expect_u64("notif.info_get_32", "w3", i32.x[3], SP1) &&
	    expect_u64("notif.info_get_32", "w4", i32.x[4], 0)) {
		test_pass("notif.info_get_32");
	}
	/* Listed once: set again to have it listed for the 64-bit call. */
	nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, 0, B(3));
	sri_take();
	test_info("notif.info_get.lists_sp1", 1, no_vcpu, sp1_ids, 1);
	if (run_and_seen("notif.nwd_to_sp.run_fetches", SP1, 0, B(3), 0, 0)) {
		test_pass("notif.nwd_to_sp.run_fetches");
	}

	test_ffa_success("notif.nwd_to_sp.set_per_vcpu",
			 nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1,
				   0U << 16 | FFA_NOTIF_FLAG_PER_VCPU, B(4)),
			 0);
	test_sri("notif.nwd_to_sp.per_vcpu_sri", 1);
	static const uint16_t sp1_vcpu0[] = {SP1, 0};
	static const uint8_t one_vcpu[] = {1};
	test_info("notif.info_get.lists_sp1_vcpu0", 1, one_vcpu, sp1_vcpu0, 2);
	if (run_and_seen("notif.nwd_to_sp.per_vcpu_run_fetches", SP1, 0, B(4), 0, 0)) {
		test_pass("notif.nwd_to_sp.per_vcpu_run_fetches");
	}

	/* Unbinding: not while pending, only by the bound sender. */
	test_ffa_success("notif.nwd_to_sp.set_again",
			 nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, 0, B(3)), 0);
	test_sp_result("notif.bad.unbind_pending",
		       sp_notif_call(SP1, FFA_NOTIFICATION_UNBIND_32, VM0 << 16 | SP1, 0, B(3)),
		       FFA_DENIED);
	struct ffa_value v = sp_notif_call(SP1, FFA_NOTIFICATION_GET_32, 0U << 16 | SP1,
					   FFA_NOTIF_GET_FROM_VM, 0);
	if (expect_u64("notif.sp_get_from_vm", "partition's x0", v.x[4], FFA_SUCCESS_32) &&
	    expect_u64("notif.sp_get_from_vm", "VM bitmap", v.x[6], B(3))) {
		test_pass("notif.sp_get_from_vm");
	}
	test_sp_result("notif.bad.sp_get_other_vcpu",
		       sp_notif_call(SP1, FFA_NOTIFICATION_GET_32, 1U << 16 | SP1,
				     FFA_NOTIF_GET_FROM_VM, 0),
		       FFA_INVALID_PARAMETERS);
	test_sp_result("notif.bad.unbind_wrong_sender",
		       sp_notif_call(SP1, FFA_NOTIFICATION_UNBIND_32, 7U << 16 | SP1, 0, B(3)),
		       FFA_DENIED);
	test_sp_result(
		"notif.unbind",
		sp_notif_call(SP1, FFA_NOTIFICATION_UNBIND_32, VM0 << 16 | SP1, 0, B(3) | B(4)), 0);
	test_ffa_error("notif.bad.set_after_unbind",
		       nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, 0, B(3)), FFA_DENIED);
	sri_take();
	test_ffa_error("notif.nothing_left_pending",
		       ffa_call6(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0), FFA_NO_DATA);
}

/* Indirect messages pend RX-buffer-full; the receiver reads when its scheduler runs it. */
static void rx_full(void)
{
	struct ffa_msg_header h = {.offset = 40, .sender = 0, .receiver = SP1, .size = 8};
	uint64_t payload = 0x5EED;

	memset(nwd_tx, 0, 128);
	memcpy(nwd_tx, &h, sizeof(h));
	memcpy(nwd_tx + 40, &payload, 8);
	test_ffa_success("notif.rx_full.nwd_to_sp_send", ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0),
			 0);
	test_sri("notif.rx_full.sri", 1);
	static const uint16_t sp1_ids[] = {SP1};
	static const uint8_t no_vcpu[] = {0};
	test_info("notif.rx_full.info_get_lists_sp1", 1, no_vcpu, sp1_ids, 1);
	if (run_and_seen("notif.rx_full.sp_reads_on_run", SP1, 0, 0, FFA_NOTIF_FWK_RX_FULL, 1)) {
		struct ffa_value v = sp_cmd(SP1, TEST_CMD_LAST_MSG, 0, 0);
		if (expect_u64("notif.rx_full.sp_reads_on_run", "sender", v.x[4], 0) &&
		    expect_u64("notif.rx_full.sp_reads_on_run", "payload", v.x[6], 0x5EED)) {
			test_pass("notif.rx_full.sp_reads_on_run");
		}
	}

	/* Partition to the normal world: RX-full in the SPM framework bitmap. */
	struct ffa_value v = sp_cmd(SP1, TEST_CMD_SEND_MSG, VM0, 0xF00D);
	if (expect_u64("notif.rx_full.sp_to_nwd_send", "MSG_SEND2", v.x[4], FFA_SUCCESS_32)) {
		test_pass("notif.rx_full.sp_to_nwd_send");
	}
	test_sri("notif.rx_full.sp_to_nwd_sri", 1);
	static const uint16_t nwd_ids[] = {VM0};
	test_info("notif.rx_full.info_get_lists_nwd", 1, no_vcpu, nwd_ids, 1);
	test_nwd_get("notif.rx_full.nwd_get_framework", GET_NWD, 0, FFA_NOTIF_FWK_RX_FULL);
	memcpy(&payload, nwd_rx + 40, 8);
	if (expect_u64("notif.rx_full.nwd_reads", "payload", payload, 0xF00D)) {
		test_pass("notif.rx_full.nwd_reads");
	}
	test_ffa_success("notif.rx_full.nwd_release", ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0),
			 0);
	/* Released before GET: the stale RX-full notification is gone. */
	v = sp_cmd(SP1, TEST_CMD_SEND_MSG, VM0, 0xF00E);
	sri_take();
	test_ffa_success("notif.rx_full.release_first", ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0),
			 0);
	test_nwd_get("notif.rx_full.release_clears", GET_NWD, 0, 0);
	/* No RX-full for sp3 (no notification support), and no SRI. */
	h.receiver = SP3;
	memcpy(nwd_tx, &h, sizeof(h));
	test_ffa_success("notif.rx_full.to_sp3_send", ffa_call6(FFA_MSG_SEND2_32, 0, 0, 0, 0, 0),
			 0);
	test_sri("notif.rx_full.to_sp3_no_sri", 0);
	v = sp_cmd(SP3, TEST_CMD_LAST_MSG, 0, 0);
	if (expect_u64("notif.rx_full.sp3_reads_on_request", "payload", v.x[6], 0x5EED)) {
		test_pass("notif.rx_full.sp3_reads_on_request");
	}
	sri_take();
}

/* Partition to partition: sp2 binds sp1 as a sender; sp1 sets; sp2 fetches when run. */
static void sp_to_sp(void)
{
	test_sp_result("notif.sp_to_sp.bind",
		       sp_notif_call(SP2, FFA_NOTIFICATION_BIND_32, SP1 << 16 | SP2, 0, B(9)), 0);
	test_sp_result("notif.bad.sp_to_sp.bind_unknown_sender",
		       sp_notif_call(SP2, FFA_NOTIFICATION_BIND_32, 0x8009U << 16 | SP2, 0, B(10)),
		       FFA_INVALID_PARAMETERS);
	test_sp_result("notif.bad.sp_to_sp.set_by_unbound_sp",
		       sp_notif_call(SP3, FFA_NOTIFICATION_SET_32, SP3 << 16 | SP2, 0, B(9)),
		       FFA_DENIED);
	test_sp_result("notif.sp_to_sp.set",
		       sp_notif_call(SP1, FFA_NOTIFICATION_SET_32, SP1 << 16 | SP2, 0, B(9)), 0);
	test_sri("notif.sp_to_sp.sri", 1);
	static const uint16_t sp2_ids[] = {SP2};
	static const uint8_t no_vcpu[] = {0};
	test_info("notif.sp_to_sp.info_get_lists_sp2", 1, no_vcpu, sp2_ids, 1);
	if (run_and_seen("notif.sp_to_sp.run_fetches", SP2, B(9), 0, 0, 0)) {
		test_pass("notif.sp_to_sp.run_fetches");
	}
	test_sp_result("notif.sp_to_sp.unbind",
		       sp_notif_call(SP2, FFA_NOTIFICATION_UNBIND_32, SP1 << 16 | SP2, 0, B(9)), 0);
}

/*
 * sp2 has non-secure interrupts signaled: an SRI raised while it runs
 * preempts it (FFA_INTERRUPT), unless it asks for the SRI to be delayed.
 */
static void delayed_sri(void)
{
	test_ffa_success("notif.bind.nwd_from_sp2",
			 nwd_notif(FFA_NOTIFICATION_BIND_32, SP2 << 16 | VM0, 0, B(7)), 0);
	struct ffa_value v = sp_notif_call(SP2, FFA_NOTIFICATION_SET_32, SP2 << 16 | VM0, 0, B(7));
	if (expect_u64("notif.sri.preempts_signaled_sp", "x0", (uint32_t)v.x[0],
		       FFA_INTERRUPT_32) &&
	    expect_u64("notif.sri.preempts_signaled_sp", "SRIs", sri_take(), 1)) {
		test_pass("notif.sri.preempts_signaled_sp");
	}
	v = ffa_call6(FFA_RUN_32, (uint32_t)SP2 << 16, 0, 0, 0, 0);
	test_sp_result("notif.sri.resumed_sp_set_succeeded", v, 0);

	v = sp_notif_call(SP2, FFA_NOTIFICATION_SET_32, SP2 << 16 | VM0, FFA_NOTIF_FLAG_DELAY_SRI,
			  B(7));
	test_sp_result("notif.sri.delayed_no_preemption", v, 0);
	if ((uint32_t)v.x[0] == FFA_INTERRUPT_32) {
		/* Failed: let sp2 finish so that later tests see it waiting. */
		sri_take();
		ffa_call6(FFA_RUN_32, (uint32_t)SP2 << 16, 0, 0, 0, 0);
	}
	test_sri("notif.sri.delayed_raised_on_return", 1);
	/* The same for an indirect message with MSG_SEND2's delay flag. */
	v = sp_cmd(SP2, TEST_CMD_SEND_MSG, VM0 | (uint64_t)FFA_NOTIF_FLAG_DELAY_SRI << 16, 0xD1);
	if (expect_u64("notif.sri.msg_send2_delayed", "x0", (uint32_t)v.x[0],
		       FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64("notif.sri.msg_send2_delayed", "MSG_SEND2", v.x[4], FFA_SUCCESS_32) &&
	    expect_u64("notif.sri.msg_send2_delayed", "SRIs", sri_take(), 1)) {
		test_pass("notif.sri.msg_send2_delayed");
	}
	test_nwd_get("notif.sri.get_both", GET_NWD, B(7), FFA_NOTIF_FWK_RX_FULL);
	ffa_call6(FFA_RX_RELEASE_32, 0, 0, 0, 0, 0);
}

static void teardown(void)
{
	test_sp_result("notif.sp_to_nwd.set_before_destroy",
		       sp_notif_call(SP1, FFA_NOTIFICATION_SET_32, SP1 << 16 | VM0, 0, B(1)), 0);
	test_ffa_error("notif.bad.bitmap_destroy_pending",
		       ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, VM0, 0, 0, 0, 0), FFA_DENIED);
	test_ffa_error("notif.bad.unbind_nwd_pending",
		       nwd_notif(FFA_NOTIFICATION_UNBIND_32, SP1 << 16 | VM0, 0, B(1)), FFA_DENIED);
	test_nwd_get("notif.get_before_destroy", GET_NWD, B(1), 0);
	test_ffa_error("notif.bad.unbind_nwd_wrong_sender",
		       nwd_notif(FFA_NOTIFICATION_UNBIND_32, SP2 << 16 | VM0, 0, B(1)), FFA_DENIED);
	test_ffa_success("notif.unbind_nwd",
			 nwd_notif(FFA_NOTIFICATION_UNBIND_32, SP1 << 16 | VM0, 0, B(1) | B(40)),
			 0);
	test_ffa_success("notif.bitmap_destroy",
			 ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, VM0, 0, 0, 0, 0), 0);
	sri_take(); /* pending, it would preempt sp2 */
	test_sp_result("notif.bad.set_after_destroy",
		       sp_notif_call(SP2, FFA_NOTIFICATION_SET_32, SP2 << 16 | VM0, 0, B(7)),
		       FFA_NOT_SUPPORTED);
	sri_take();
	sri_enable(false);
}

/*
 * SMP (nwd/main.c): the bindings the secondary cores use, each round; per
 * core c, per-vCPU notifications to VM 0's vCPU c and to sp1's context c.
 */
void notif_smp_setup(bool on)
{
	if (on) {
		ffa_call6(FFA_NOTIFICATION_BITMAP_CREATE_32, VM0, 4, 0, 0, 0);
		nwd_notif(FFA_NOTIFICATION_BIND_32, SP1 << 16 | VM0, FFA_NOTIF_FLAG_PER_VCPU,
			  B(20));
		sp_notif_call(SP1, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP1,
			      FFA_NOTIF_FLAG_PER_VCPU, B(4));
	} else {
		sp_notif_call(SP1, FFA_NOTIFICATION_UNBIND_32, VM0 << 16 | SP1, 0, B(4));
		nwd_notif(FFA_NOTIFICATION_UNBIND_32, SP1 << 16 | VM0, 0, B(20));
		ffa_call6(FFA_NOTIFICATION_BITMAP_DESTROY_32, VM0, 0, 0, 0, 0);
	}
}

/* On core c: 0 if all went as expected, else the number of the first step that did not. */
unsigned int notif_on_core(unsigned int c)
{
	unsigned int step = 0;

	sri_enable(true);
	struct ffa_value v = sp_notif_call(SP1, FFA_NOTIFICATION_SET_32, SP1 << 16 | VM0,
					   c << 16 | FFA_NOTIF_FLAG_PER_VCPU, B(20));
	if (v.x[0] != FFA_MSG_SEND_DIRECT_RESP_64 || v.x[4] != FFA_SUCCESS_32) {
		step = 1;
	} else if (sri_take() != 1) {
		step = 2; /* raised on this core's redistributor, after its CPU_OFF/ON */
	} else if ((v = nwd_notif(FFA_NOTIFICATION_GET_32, c << 16 | VM0, GET_NWD, 0)).x[0] !=
			   FFA_SUCCESS_32 ||
		   v.x[2] != (uint32_t)B(20) || v.x[3] != 0) {
		step = 3;
	} else if (nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1,
			     c << 16 | FFA_NOTIF_FLAG_PER_VCPU, B(4))
			   .x[0] != FFA_SUCCESS_32) {
		step = 4;
	} else if (sri_take() != 1) {
		step = 5;
	} else if (ffa_call6(FFA_RUN_32, (uint32_t)SP1 << 16 | c, 0, 0, 0, 0).x[0] !=
		   FFA_MSG_WAIT_32) {
		step = 6;
	} else if ((v = sp_cmd(SP1, TEST_CMD_NOTIF_SEEN, 0, 0)).x[5] != B(4) ||
		   v.x[6] != 1ULL << 32) {
		step = 7;
	}
	sri_enable(false);
	return step;
}

/*
 * The notification-pending interrupt (virtual ID 5): sp1 (notification-support)
 * waits; the normal world sets a notification for it; tzvisor wakes it with
 * FFA_INTERRUPT and the NPI, and its handler fetches the notification itself
 * (TEST_CMD_NPI_MODE 1) before the normal world runs it.
 */
static void npi(void)
{
	const char *name = "notif.npi.wakes_waiting_sp1";

	sp_cmd(SP1, TEST_CMD_NPI_SEEN, 0, 0); /* forget earlier NPIs */
	struct ffa_value v = sp_cmd(SP1, TEST_CMD_NPI_MODE, 1, 0);
	if (!expect_u64(name, "NPI_MODE", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP_64)) {
		return;
	}
	test_sp_result("notif.npi.bind.sp1",
		       sp_notif_call(SP1, FFA_NOTIFICATION_BIND_32, VM0 << 16 | SP1, 0, B(50)), 0);
	test_ffa_success("notif.npi.nwd_sets",
			 nwd_notif(FFA_NOTIFICATION_SET_32, VM0 << 16 | SP1, 0, B(50)), 0);
	v = sp_cmd(SP1, TEST_CMD_NPI_SEEN, 0, 0);
	if (expect_u64(name, "x0", (uint32_t)v.x[0], FFA_MSG_SEND_DIRECT_RESP_64) &&
	    expect_u64(name, "NPIs handled", v.x[4], 1) &&
	    expect_u64(name, "fetched from partitions", v.x[5], 0) &&
	    expect_u64(name, "fetched from VMs", v.x[6], B(50))) {
		test_pass(name);
	}
	/* Fetched already: nothing left for the normal world's scheduler to run sp1 for. */
	v = ffa_call6(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	if (expect_ffa_error("notif.npi.nothing_left_pending", &v, FFA_NO_DATA)) {
		test_pass("notif.npi.nothing_left_pending");
	}
	sri_take();
	sp_cmd(SP1, TEST_CMD_NPI_MODE, 0, 0);
	test_sp_result("notif.npi.unbind.sp1",
		       sp_notif_call(SP1, FFA_NOTIFICATION_UNBIND_32, VM0 << 16 | SP1, 0, B(50)),
		       0);
}

void suite_notifications(void)
{
	/* The buffers stay mapped from earlier suites; map them if not. */
	ffa_call6(FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)nwd_tx, (uint64_t)(uintptr_t)nwd_rx, 1, 0,
		  0);
	sri_enable(true);
	/* Earlier suites' messages left reports behind: start from a clean slate. */
	for (unsigned int i = 0; i < 4; i++) {
		ffa_call6(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0);
	}
	sri_take();
	sp_cmd(SP1, TEST_CMD_NOTIF_SEEN, 0, 0); /* what FFA_RUN fetched in earlier suites */
	sp_cmd(SP2, TEST_CMD_NOTIF_SEEN, 0, 0);
	setup_and_bitmaps();
	sp_to_nwd();
	nwd_to_sp();
	rx_full();
	sp_to_sp();
	delayed_sri();
	npi();
	teardown();
}
