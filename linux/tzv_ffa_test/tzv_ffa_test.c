// SPDX-License-Identifier: GPL-2.0-only
/*
 * tzv_ffa_test: tzvisor's test partitions driven from Linux, through the
 * kernel's own FF-A driver (drivers/firmware/arm_ffa) as a real client.
 *
 * An FF-A driver for the UUIDs of the three test partitions (sp1: S-EL1, one
 * execution context per CPU; sp2: S-EL1, one migrating context; sp3: S-EL0),
 * speaking their direct-message protocol (partitions/test_sp/test_cmd.h) with
 * the driver's msg_ops, and checking exact answers.
 *
 * Results are kernel log lines in the project's test protocol: "TEST PASS
 * <name>", "TEST FAIL <name>: <reason>", "TEST SKIP <name>: <reason>",
 * counted in the read-only parameters passed, failed and skipped (the init
 * script adds its own results and prints "TEST END <n>"). The suite runs when
 * the module is loaded and again each time a phase name is written to
 * /sys/module/tzv_ffa_test/parameters/run; test names after the first phase
 * carry the phase as prefix ("after_hotplug.sp1.echo64").
 *
 * The driver is the FF-A v1.1 one of Linux 6.12: it negotiates v1.1 with
 * tzvisor's v1.2, so DIRECT_REQ2 (v1.2) is not offered and must be refused.
 * Memory sharing: see tzv_mem_tests(), the place for it once tzvisor has it.
 */
#include <linux/arm-smccc.h>
#include <linux/arm_ffa.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include "test_cmd.h"

/* FF-A v1.1 partition properties (FF-A v1.2, table 6.2). */
#define PROP_DIRECT_RECV BIT(0)
#define PROP_DIRECT_SEND BIT(1)
#define PROP_INDIRECT BIT(2)
#define PROP_NOTIF_RECV BIT(3)
#define PROP_AARCH64 BIT(8)

#define CONCURRENT_ROUNDS 64
#define MAX_CPUS 8

/*
 * A partition's UUID as Linux holds it: the bytes of the four little-endian
 * words of FFA_PARTITION_INFO_GET, i.e. of the manifest's four cells
 * (sp1: <0x1d5e7a01 0xee114c2f 0x42022b9a 0x0200a1ac>).
 */
#define TZV_SP_UUID(n) \
	UUID_INIT(0x0##n##7a5e1d, 0x2f4c, 0x11ee, 0x9a, 0x2b, 0x02, 0x42, 0xac, 0xa1, 0x00, 0x02)

struct tzv_sp {
	const char *name;
	u16 id;
	u16 ecs; /* execution contexts: one per CPU, or one that migrates */
	u32 props;
	uuid_t uuid;
	struct ffa_device *dev;
	/* sp1 only: CPU_OFF messages per EC when the first phase ran */
	u64 cpu_off_base[MAX_CPUS];
};

static struct tzv_sp sps[] = {
	{"sp1", TEST_SP1_ID, 4,
	 PROP_DIRECT_RECV | PROP_DIRECT_SEND | PROP_INDIRECT | PROP_NOTIF_RECV | PROP_AARCH64,
	 TZV_SP_UUID(1)},
	{"sp2", TEST_SP2_ID, 1,
	 PROP_DIRECT_RECV | PROP_DIRECT_SEND | PROP_INDIRECT | PROP_NOTIF_RECV | PROP_AARCH64,
	 TZV_SP_UUID(2)},
	{"sp3", TEST_SP3_ID, 1, PROP_DIRECT_RECV | PROP_DIRECT_SEND | PROP_INDIRECT | PROP_AARCH64,
	 TZV_SP_UUID(3)},
};

static const struct ffa_device_id tzv_ids[] = {
	{TZV_SP_UUID(1)},
	{TZV_SP_UUID(2)},
	{TZV_SP_UUID(3)},
	{},
};

static int passed, failed, skipped;
module_param(passed, int, 0444);
MODULE_PARM_DESC(passed, "tests passed so far");
module_param(failed, int, 0444);
MODULE_PARM_DESC(failed, "tests failed so far");
module_param(skipped, int, 0444);
MODULE_PARM_DESC(skipped, "tests skipped so far");

static DEFINE_MUTEX(run_lock); /* one suite at a time; guards mode_32bit flips */
static const char *phase = ""; /* test-name prefix of the running suite */
static bool first_phase_done;
/* CPU offline events seen by this module, per CPU (hotplug callbacks). */
static atomic_t cpu_offlined[MAX_CPUS];
static enum cpuhp_state hp_state;

static void tzv_pass(const char *name)
{
	passed++;
	pr_info("TEST PASS %s%s\n", phase, name);
}

static __printf(2, 3) void tzv_fail(const char *name, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	failed++;
	pr_info("TEST FAIL %s%s: %pV\n", phase, name, &vaf);
	va_end(args);
}

static void tzv_skip(const char *name, const char *why)
{
	skipped++;
	pr_info("TEST SKIP %s%s: %s\n", phase, name, why);
}

/* Reports the first mismatch of `what`; true when got == want. */
static bool expect(const char *name, const char *what, u64 got, u64 want)
{
	if (got == want)
		return true;
	tzv_fail(name, "%s: got 0x%llx, want 0x%llx", what, got, want);
	return false;
}

static bool expect_ok(const char *name, const char *what, int err)
{
	if (!err)
		return true;
	tzv_fail(name, "%s failed: %d", what, err);
	return false;
}

static void name_of(char *buf, size_t len, const struct tzv_sp *sp, const char *test)
{
	snprintf(buf, len, "%s.%s", sp->name, test);
}

/*
 * One direct request: d[0] = command (w3), d[1..4] = x4-x7. 32-bit requests
 * use the driver's mode_32bit switch, which has no way back: the flag is
 * restored by hand (this module is the partitions' only client).
 */
static int sp_req(struct tzv_sp *sp, bool wide, struct ffa_send_direct_data *d)
{
	bool was_32bit = sp->dev->mode_32bit;
	int ret;

	if (!wide)
		sp->dev->ops->msg_ops->mode_32bit_set(sp->dev);
	ret = sp->dev->ops->msg_ops->sync_send_receive(sp->dev, d);
	sp->dev->mode_32bit = was_32bit;
	return ret;
}

static int sp_cmd(struct tzv_sp *sp, u64 cmd, u64 a1, u64 a2, struct ffa_send_direct_data *d)
{
	*d = (struct ffa_send_direct_data){cmd, a1, a2, 0, 0};
	return sp_req(sp, true, d);
}

/* x4-x7 come back unchanged; for SMC32 only their low 32 bits travel. */
static void t_echo(struct tzv_sp *sp, bool wide)
{
	static const u64 a[4] = {0x1111222233334444ULL, 0x5555666677778888ULL,
				 0x99990000AAAABBBBULL, 0xCCCCDDDDEEEEFFFFULL};
	struct ffa_send_direct_data d = {TEST_CMD_ECHO, a[0], a[1], a[2], a[3]};
	unsigned long out[4];
	char name[48];
	int i;

	name_of(name, sizeof(name), sp, wide ? "echo64" : "echo32");
	if (!expect_ok(name, "sync_send_receive", sp_req(sp, wide, &d)) ||
	    !expect(name, "status (w3)", d.data0, TEST_STATUS_OK))
		return;
	out[0] = d.data1;
	out[1] = d.data2;
	out[2] = d.data3;
	out[3] = d.data4;
	for (i = 0; i < 4; i++) {
		if (!expect(name, "echoed x4-x7", out[i], wide ? a[i] : (u32)a[i]))
			return;
	}
	tzv_pass(name);
}

struct whoami {
	struct tzv_sp *sp;
	struct ffa_send_direct_data d;
	int ret;
};

static long whoami_fn(void *arg)
{
	struct whoami *w = arg;

	w->ret = sp_cmd(w->sp, TEST_CMD_WHOAMI, 0, 0, &w->d);
	return 0;
}

/*
 * WHOAMI from every online CPU: the partition's own ID, the sender (Linux is
 * VM 0), the boot-information check, and the execution context: sp1's is the
 * CPU's index (one pinned EC per core), sp2's and sp3's single EC is 0.
 */
static void t_whoami_each_cpu(struct tzv_sp *sp)
{
	char name[48];
	unsigned int cpu, n = 0;

	name_of(name, sizeof(name), sp, "whoami_each_cpu");
	cpus_read_lock();
	for_each_online_cpu(cpu)
	{
		struct whoami w = {.sp = sp};
		char what[32];

		work_on_cpu(cpu, whoami_fn, &w);
		snprintf(what, sizeof(what), "EC on CPU %u", cpu);
		if (!expect_ok(name, "sync_send_receive", w.ret) ||
		    !expect(name, "status (w3)", w.d.data0, TEST_STATUS_OK) ||
		    !expect(name, "partition's ID", w.d.data1, sp->id) ||
		    !expect(name, what, w.d.data2, sp->ecs > 1 ? cpu : 0) ||
		    !expect(name, "sender seen by the partition", w.d.data3, 0) ||
		    !expect(name, "boot info check", w.d.data4, 0)) {
			cpus_read_unlock();
			return;
		}
		n++;
	}
	cpus_read_unlock();
	if (expect(name, "online CPUs asked", n, num_online_cpus()))
		tzv_pass(name);
}

/* FFA_PARTITION_INFO_GET by UUID through the driver's info_ops. */
static void t_partition_info(struct tzv_sp *sp)
{
	struct ffa_partition_info *info;
	char name[48], uuid[UUID_STRING_LEN + 1];
	int ret;

	name_of(name, sizeof(name), sp, "partition_info");
	/* Room for more than one answer: the driver copies all it is given. */
	info = kcalloc(16, sizeof(*info), GFP_KERNEL);
	if (!info) {
		tzv_fail(name, "no memory");
		return;
	}
	snprintf(uuid, sizeof(uuid), "%pUb", &sp->uuid);
	ret = sp->dev->ops->info_ops->partition_info_get(uuid, info);
	if (expect_ok(name, "partition_info_get", ret) && expect(name, "ID", info->id, sp->id) &&
	    expect(name, "execution contexts", info->exec_ctxt, sp->ecs) &&
	    expect(name, "properties (v1.1)", info->properties, sp->props))
		tzv_pass(name);
	kfree(info);
}

/* A command the partition does not know: status TEST_STATUS_UNKNOWN_CMD. */
static void t_unknown_cmd(struct tzv_sp *sp)
{
	struct ffa_send_direct_data d;
	char name[48];

	name_of(name, sizeof(name), sp, "unknown_cmd");
	if (expect_ok(name, "sync_send_receive", sp_cmd(sp, 0x7fff, 0, 0, &d)) &&
	    expect(name, "status (w3)", d.data0, TEST_STATUS_UNKNOWN_CMD))
		tzv_pass(name);
}

/* The EC's request counter grows by exactly the requests sent (itself included). */
static void t_counter(struct tzv_sp *sp)
{
	struct ffa_send_direct_data d;
	char name[48];
	u64 before;
	int i;

	name_of(name, sizeof(name), sp, "counter_exact");
	if (!expect_ok(name, "COUNTER", sp_cmd(sp, TEST_CMD_COUNTER, 0, 0, &d)))
		return;
	before = d.data1;
	for (i = 0; i < 10; i++) {
		if (!expect_ok(name, "ECHO", sp_cmd(sp, TEST_CMD_ECHO, i, 0, &d)))
			return;
	}
	if (expect_ok(name, "COUNTER", sp_cmd(sp, TEST_CMD_COUNTER, 0, 0, &d)) &&
	    expect(name, "requests served", d.data1 - before, 11))
		tzv_pass(name);
}

/* SP to SP from inside a request: `sp` asks `to` who it is. */
static void t_sp_to_sp(struct tzv_sp *sp, struct tzv_sp *to)
{
	struct ffa_send_direct_data d;
	char name[48];

	snprintf(name, sizeof(name), "%s.call_%s", sp->name, to->name);
	if (expect_ok(name, "sync_send_receive",
		      sp_cmd(sp, TEST_CMD_CALL, to->id, TEST_CMD_WHOAMI, &d)) &&
	    expect(name, "status (w3)", d.data0, TEST_STATUS_OK) &&
	    expect(name, "callee's answer", d.data1, FFA_MSG_SEND_DIRECT_RESP) &&
	    expect(name, "callee's status", d.data2, TEST_STATUS_OK) &&
	    expect(name, "callee's ID", d.data3, to->id))
		tzv_pass(name);
}

/*
 * DIRECT_REQ2: this kernel's driver offers it only when FFA_FEATURES says so,
 * which tzvisor does for v1.2 callers; at v1.1 the call must be refused
 * (-EOPNOTSUPP) without reaching the partition.
 */
static void t_req2(struct tzv_sp *sp)
{
	struct ffa_send_direct_data2 d = {{TEST_CMD_ECHO, 0xA5, 0x5A}};
	u32 version = sp->dev->ops->info_ops->api_version_get();
	char name[48];
	int ret;

	if (!sp->dev->ops->msg_ops->sync_send_receive2) {
		name_of(name, sizeof(name), sp, "req2");
		tzv_skip(name, "this kernel's FF-A driver has no DIRECT_REQ2");
		return;
	}
	ret = sp->dev->ops->msg_ops->sync_send_receive2(sp->dev, &sp->uuid, &d);
	if (version < FFA_PACK_VERSION_INFO(1, 2)) {
		name_of(name, sizeof(name), sp, "req2_refused_at_v1_1");
		if (expect(name, "sync_send_receive2", (u64)(s64)ret, (u64)(s64)-EOPNOTSUPP))
			tzv_pass(name);
		return;
	}
	name_of(name, sizeof(name), sp, "req2_echo");
	if (expect_ok(name, "sync_send_receive2", ret) &&
	    expect(name, "status (x4)", d.data[0], TEST_STATUS_OK) &&
	    expect(name, "echo x5", d.data[1], 0xA5) && expect(name, "echo x6", d.data[2], 0x5A))
		tzv_pass(name);
}

/* All online CPUs at once, CONCURRENT_ROUNDS echoes each. */
struct burst {
	struct work_struct work;
	struct tzv_sp *sp;
	unsigned int cpu;
	int bad, busy, err;
	u64 bad_got, bad_want;
};

static void burst_fn(struct work_struct *work)
{
	struct burst *b = container_of(work, struct burst, work);
	int i;

	for (i = 0; i < CONCURRENT_ROUNDS; i++) {
		u64 tag = (u64)b->cpu << 32 | i;
		struct ffa_send_direct_data d = {TEST_CMD_ECHO, tag, ~tag, 0, 0};
		int ret = b->sp->dev->ops->msg_ops->sync_send_receive(b->sp->dev, &d);

		if (ret == -EBUSY && b->busy < 100000) { /* single EC busy elsewhere: FFA_BUSY */
			b->busy++;
			i--;
			cond_resched();
			continue;
		}
		if (ret) {
			b->err = ret;
			return;
		}
		if (d.data0 != TEST_STATUS_OK || d.data1 != tag || d.data2 != ~tag) {
			b->bad++;
			b->bad_got = d.data1;
			b->bad_want = tag;
		}
	}
}

static void t_concurrent(struct tzv_sp *sp)
{
	struct burst *b;
	char name[48];
	unsigned int cpu, busy = 0;
	bool ok = true;

	name_of(name, sizeof(name), sp, "concurrent_all_cpus");
	b = kcalloc(nr_cpu_ids, sizeof(*b), GFP_KERNEL);
	if (!b) {
		tzv_fail(name, "no memory");
		return;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu)
	{
		INIT_WORK(&b[cpu].work, burst_fn);
		b[cpu].sp = sp;
		b[cpu].cpu = cpu;
		queue_work_on(cpu, system_highpri_wq, &b[cpu].work);
	}
	for_each_online_cpu(cpu)
	{
		flush_work(&b[cpu].work);
		busy += b[cpu].busy;
		if (ok && b[cpu].err) {
			tzv_fail(name, "CPU %u: sync_send_receive failed: %d", cpu, b[cpu].err);
			ok = false;
		} else if (ok && b[cpu].bad) {
			tzv_fail(name, "CPU %u: %d wrong echoes (got 0x%llx, want 0x%llx)", cpu,
				 b[cpu].bad, b[cpu].bad_got, b[cpu].bad_want);
			ok = false;
		}
	}
	cpus_read_unlock();
	kfree(b);
	if (ok) {
		pr_info("tzv_ffa_test: %s: %u x %d echoes, %u FFA_BUSY retried\n", name,
			num_online_cpus(), CONCURRENT_ROUNDS, busy);
		tzv_pass(name);
	}
}

/*
 * Power management: sp1 subscribes to CPU_OFF, so each time Linux takes a CPU
 * offline (PSCI CPU_OFF -> EL3's SPMD -> tzvisor), the EC of that CPU gets a
 * framework message. Its count must have grown by exactly the offline events
 * this module saw since the first phase.
 */
static void t_cpu_off_messages(struct tzv_sp *sp, bool snapshot)
{
	struct ffa_send_direct_data d;
	char name[48], what[48];
	unsigned int ec;

	name_of(name, sizeof(name), sp, "cpu_off_messages");
	for (ec = 0; ec < sp->ecs && ec < MAX_CPUS; ec++) {
		if (!expect_ok(name, "PM_QUERY", sp_cmd(sp, TEST_CMD_PM_QUERY, ec, 0, &d)))
			return;
		if (snapshot) {
			sp->cpu_off_base[ec] = d.data1;
			continue;
		}
		snprintf(what, sizeof(what), "CPU_OFF messages to EC %u", ec);
		if (!expect(name, what, d.data1 - sp->cpu_off_base[ec],
			    atomic_read(&cpu_offlined[ec])))
			return;
	}
	if (!snapshot)
		tzv_pass(name);
}

/*
 * Notifications through the driver's notifier_ops, both ways with sp1 (FF-A
 * v1.2 chapter 10; tzvisor raises the schedule-receiver interrupt, SGI 8, on
 * the CPU that set a notification; the driver takes it, calls
 * FFA_NOTIFICATION_INFO_GET and the scheduler callbacks).
 */
#define FFA_SUCCESS_32 0x84000061U
#define NOTIF_BIND 0x8400007FU
#define NOTIF_UNBIND 0x84000080U
#define NOTIF_SET 0x84000081U
#define NOTIF_ID_FROM_SP 3
#define NOTIF_ID_TO_SP 5

static struct completion notif_done;
static int notif_got = -1;
static int sched_cpu = -1, sched_run_ret;

static void notif_cb(int notify_id, void *data)
{
	notif_got = notify_id;
	complete(&notif_done);
}

/* A partition's call made through TEST_CMD_NOTIF_CALL: its x0, FFA_SUCCESS_32 expected. */
static bool sp_notif_call(const char *name, struct tzv_sp *sp, u32 fid, u32 w1, u32 w2, u64 bits)
{
	struct ffa_send_direct_data d = {TEST_CMD_NOTIF_CALL, fid, w1, w2, bits};
	char what[48];

	snprintf(what, sizeof(what), "partition's call 0x%x: x0", fid);
	return expect_ok(name, "sync_send_receive", sp_req(sp, true, &d)) &&
	       expect(name, "status (w3)", d.data0, TEST_STATUS_OK) &&
	       expect(name, what, d.data1, FFA_SUCCESS_32);
}

/* sp1 sets a global notification for Linux (VM 0): the driver must call us back. */
static void t_notif_sp_to_linux(struct tzv_sp *sp1)
{
	const struct ffa_notifier_ops *ops = sp1->dev->ops->notifier_ops;
	const char *name = "notif.sp1_to_linux";
	int ret;

	init_completion(&notif_done);
	notif_got = -1;
	ret = ops->notify_request(sp1->dev, false, notif_cb, NULL, NOTIF_ID_FROM_SP);
	if (!expect_ok(name, "notify_request (FFA_NOTIFICATION_BIND)", ret))
		return;
	if (sp_notif_call(name, sp1, NOTIF_SET, (u32)sp1->id << 16 | 0, 0, BIT(NOTIF_ID_FROM_SP))) {
		if (!wait_for_completion_timeout(&notif_done, 5 * HZ))
			tzv_fail(name, "no callback within 5 s (SRI, INFO_GET, GET)");
		else if (expect(name, "notification ID", notif_got, NOTIF_ID_FROM_SP))
			tzv_pass(name);
	}
	ret = ops->notify_relinquish(sp1->dev, NOTIF_ID_FROM_SP);
	if (expect_ok("notif.relinquish", "notify_relinquish (FFA_NOTIFICATION_UNBIND)", ret))
		tzv_pass("notif.relinquish");
}

/*
 * The scheduler's side: INFO_GET listed sp1, the driver calls this; run sp1's
 * EC on this CPU (FFA_RUN), so that it fetches its notifications.
 */
static void sched_cb(u16 vcpu, bool is_per_vcpu, void *data)
{
	struct tzv_sp *sp = data;
	int cpu = get_cpu();

	sched_run_ret = sp->dev->ops->cpu_ops->run(sp->dev, sp->ecs > 1 ? cpu : 0);
	sched_cpu = cpu;
	put_cpu();
	complete(&notif_done);
}

static long notif_seen_fn(void *arg)
{
	struct whoami *w = arg;

	w->ret = sp_cmd(w->sp, TEST_CMD_NOTIF_SEEN, 0, 0, &w->d);
	return 0;
}

/* Linux notifies sp1 (bound by sp1); Linux as scheduler runs it; sp1 saw the bit. */
static void t_notif_linux_to_sp(struct tzv_sp *sp1)
{
	const struct ffa_notifier_ops *ops = sp1->dev->ops->notifier_ops;
	const char *name = "notif.linux_to_sp1";
	struct whoami w = {.sp = sp1};
	int ret;

	if (!sp_notif_call(name, sp1, NOTIF_BIND, 0 << 16 | sp1->id, 0, BIT(NOTIF_ID_TO_SP)))
		return;
	init_completion(&notif_done);
	sched_cpu = -1;
	ret = ops->sched_recv_cb_register(sp1->dev, sched_cb, sp1);
	if (!expect_ok(name, "sched_recv_cb_register", ret))
		goto unbind;
	ret = ops->notify_send(sp1->dev, NOTIF_ID_TO_SP, false, 0);
	if (!expect_ok(name, "notify_send (FFA_NOTIFICATION_SET)", ret))
		goto unregister;
	if (!wait_for_completion_timeout(&notif_done, 5 * HZ)) {
		tzv_fail(name, "no scheduler callback within 5 s (SRI, INFO_GET)");
		goto unregister;
	}
	if (!expect_ok(name, "FFA_RUN from the callback", sched_run_ret))
		goto unregister;
	work_on_cpu(sched_cpu, notif_seen_fn, &w);
	if (expect_ok(name, "NOTIF_SEEN", w.ret) &&
	    expect(name, "fetched from VMs", w.d.data2, BIT(NOTIF_ID_TO_SP)))
		tzv_pass(name);
unregister:
	ops->sched_recv_cb_unregister(sp1->dev);
unbind:
	sp_notif_call("notif.linux_to_sp1.unbind", sp1, NOTIF_UNBIND, 0 << 16 | sp1->id, 0,
		      BIT(NOTIF_ID_TO_SP));
}

/*
 * Memory sharing: tzvisor does not implement it yet (FFA_MEM_SHARE answers
 * NOT_SUPPORTED, which the driver turns into -EOPNOTSUPP).
 *
 * >>> MEMORY SHARING TESTS GO HERE <<<
 * Once tzvisor (and the test partition) support it: share, then lend, one
 * page with sp1 through mem_ops (struct ffa_mem_ops_args: one receiver
 * attribute {sp1, FFA_MEM_RW}, the page in a scatterlist, use_txbuf), ask sp1
 * by direct request to retrieve it with the returned g_handle, write a
 * pattern and relinquish; check the pattern here; memory_reclaim() must then
 * succeed (and fail while sp1 still holds the page).
 */
static void tzv_mem_tests(struct tzv_sp *sp1)
{
	struct ffa_mem_region_attributes attr = {.receiver = sp1->id, .attrs = FFA_MEM_RW};
	struct ffa_mem_ops_args args = {.use_txbuf = true, .nattrs = 1, .attrs = &attr};
	struct scatterlist sg;
	struct page *page;
	int ret;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page) {
		tzv_fail("mem.share_sp1", "no memory");
		return;
	}
	sg_init_table(&sg, 1);
	sg_set_page(&sg, page, PAGE_SIZE, 0);
	args.sg = &sg;
	ret = sp1->dev->ops->mem_ops->memory_share(&args);
	if (ret == -EOPNOTSUPP) {
		tzv_skip("mem.share_sp1",
			 "tzvisor has no memory sharing yet (FFA_MEM_SHARE: NOT_SUPPORTED)");
	} else if (ret) {
		tzv_fail("mem.share_sp1",
			 "memory_share: %d (want 0, or -EOPNOTSUPP until implemented)", ret);
	} else {
		/* Shared: the retrieve/relinquish round trip with sp1 belongs here. */
		ret = sp1->dev->ops->mem_ops->memory_reclaim(args.g_handle, 0);
		if (expect_ok("mem.share_sp1", "memory_reclaim", ret))
			tzv_pass("mem.share_sp1");
	}
	if (ret == 0 || ret == -EOPNOTSUPP)
		__free_page(page);
	/* else the page may still be shared: never give it back to the allocator */
}

static void tzv_run_suite(void)
{
	struct tzv_sp *sp1 = &sps[0];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sps); i++) {
		char name[48];

		name_of(name, sizeof(name), &sps[i], "probed");
		if (!sps[i].dev) {
			tzv_fail(name, "no FF-A device with this partition's UUID was probed");
			continue;
		}
		if (!first_phase_done) {
			if (expect(name, "vm_id", sps[i].dev->vm_id, sps[i].id) &&
			    expect(name, "mode_32bit (AArch64 partition)", sps[i].dev->mode_32bit,
				   false))
				tzv_pass(name);
			t_partition_info(&sps[i]);
		}
		t_echo(&sps[i], true);
		t_echo(&sps[i], false);
		t_whoami_each_cpu(&sps[i]);
		if (!first_phase_done) {
			t_unknown_cmd(&sps[i]);
			t_req2(&sps[i]);
		}
	}
	if (!sp1->dev || !sps[1].dev || !sps[2].dev)
		return;
	t_counter(sp1);
	t_sp_to_sp(sp1, &sps[1]);
	t_sp_to_sp(&sps[2], sp1);
	t_concurrent(sp1);
	t_concurrent(&sps[1]);
	t_cpu_off_messages(sp1, !first_phase_done);
	if (!first_phase_done) {
		u32 v = sp1->dev->ops->info_ops->api_version_get();

		/* Linux 6.12's driver is v1.1; tzvisor (v1.2) must let it downgrade. */
		if (expect("ffa.version", "negotiated version", v, FFA_PACK_VERSION_INFO(1, 1)))
			tzv_pass("ffa.version");
		t_notif_sp_to_linux(sp1);
		t_notif_linux_to_sp(sp1);
		tzv_mem_tests(sp1);
	}
}

static void tzv_run(const char *name)
{
	mutex_lock(&run_lock);
	phase = name;
	pr_info("tzv_ffa_test: suite \"%s\" on %u CPUs\n", name[0] ? name : "boot",
		num_online_cpus());
	tzv_run_suite();
	first_phase_done = true;
	phase = "";
	pr_info("tzv_ffa_test: %d passed, %d failed, %d skipped so far\n", passed, failed, skipped);
	mutex_unlock(&run_lock);
}

/* Writing a phase name to the `run` parameter runs the suite again. */
static char run_phase[32];

static int run_set(const char *val, const struct kernel_param *kp)
{
	size_t n = strcspn(val, "\n");

	if (n == 0 || n >= sizeof(run_phase) - 1)
		return -EINVAL;
	memcpy(run_phase, val, n);
	run_phase[n] = '.';
	run_phase[n + 1] = '\0';
	tzv_run(run_phase);
	return 0;
}

static const struct kernel_param_ops run_ops = {
	.set = run_set,
	.get = param_get_string,
};
static struct kparam_string run_str = {.maxlen = sizeof(run_phase), .string = run_phase};
module_param_cb(run, &run_ops, &run_str, 0644);
MODULE_PARM_DESC(run, "write a phase name to run the suite again");

static int tzv_probe(struct ffa_device *dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sps); i++) {
		if (uuid_equal(&dev->uuid, &sps[i].uuid)) {
			sps[i].dev = dev;
			dev_info(&dev->dev, "tzv_ffa_test: %s is partition 0x%x\n", sps[i].name,
				 dev->vm_id);
			return 0;
		}
	}
	return -ENODEV;
}

static void tzv_remove(struct ffa_device *dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sps); i++) {
		if (sps[i].dev == dev)
			sps[i].dev = NULL;
	}
}

static struct ffa_driver tzv_driver = {
	.name = "tzv_ffa_test",
	.probe = tzv_probe,
	.remove = tzv_remove,
	.id_table = tzv_ids,
};

static int tzv_cpu_offline(unsigned int cpu)
{
	if (cpu < MAX_CPUS)
		atomic_inc(&cpu_offlined[cpu]);
	return 0;
}

static int __init tzv_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "tzv_ffa_test:online", NULL,
					tzv_cpu_offline);
	if (ret < 0)
		return ret;
	hp_state = ret;
	/* Devices already on the bus are probed before ffa_register() returns. */
	ret = ffa_register(&tzv_driver);
	if (ret) {
		cpuhp_remove_state_nocalls(hp_state);
		return ret;
	}
	tzv_run("");
	return 0;
}

static void __exit tzv_exit(void)
{
	ffa_unregister(&tzv_driver);
	cpuhp_remove_state_nocalls(hp_state);
}

module_init(tzv_init);
module_exit(tzv_exit);

MODULE_DESCRIPTION("tzvisor test partitions driven through the Linux FF-A driver");
MODULE_LICENSE("GPL");
