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
 * Memory sharing: Linux shares and lends its pages to the partitions through
 * the driver's mem_ops (see tzv_mem_tests()).
 */
#include <linux/arm-smccc.h>
#include <linux/arm_ffa.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <asm/arch_timer.h>

#include "test_cmd.h"

/* FF-A v1.1 partition properties (FF-A v1.2, table 6.2). */
#define PROP_DIRECT_RECV BIT(0)
#define PROP_DIRECT_SEND BIT(1)
#define PROP_INDIRECT BIT(2)
#define PROP_NOTIF_RECV BIT(3)
#define PROP_VM_CREATED BIT(6)
#define PROP_VM_DESTROYED BIT(7)
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
	{"sp3", TEST_SP3_ID, 1,
	 PROP_DIRECT_RECV | PROP_DIRECT_SEND | PROP_INDIRECT | PROP_VM_CREATED | PROP_VM_DESTROYED |
		 PROP_AARCH64,
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

/*
 * Linux as a guest of tzvisor's hypervisor role (tests/hyp/manifests/linux_ffa.dts,
 * linux_fwd.dts): its FF-A ID is its VM's (self_id), its addresses are IPAs that
 * no partition sees (a borrower's addresses come from its MEM_WHERE), and CPU
 * hotplug is tzvisor's PSCI emulation (no CPU_OFF messages to partitions).
 */
static bool guest;
module_param(guest, bool, 0444);
MODULE_PARM_DESC(guest, "Linux runs in a VM of tzvisor's hypervisor role");
static ushort self_id;
module_param(self_id, ushort, 0444);
MODULE_PARM_DESC(self_id, "this kernel's FF-A ID (0 in the normal world, the VM's in a guest)");
static uint sp1_ecs = 4;
module_param(sp1_ecs, uint, 0444);
MODULE_PARM_DESC(sp1_ecs, "sp1's execution contexts (4; a partition VM's: its vCPUs)");
static bool vm_sps;
module_param(vm_sps, bool, 0444);
MODULE_PARM_DESC(vm_sps, "the partitions are VMs of tzvisor's emulated SPMC (no boot information)");
static bool frag = true;
module_param(frag, bool, 0444);
MODULE_PARM_DESC(frag, "fragmented memory descriptors are expected to work");

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
		    !expect(name, "sender seen by the partition", w.d.data3, self_id) ||
		    /* A partition VM is entered as a kernel: no boot information (check 1). */
		    !expect(name, "boot info check", w.d.data4, vm_sps ? 1 : 0)) {
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
	if (sp_notif_call(name, sp1, NOTIF_SET, (u32)sp1->id << 16 | self_id, 0,
			  BIT(NOTIF_ID_FROM_SP))) {
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

	if (!sp_notif_call(name, sp1, NOTIF_BIND, (u32)self_id << 16 | sp1->id, 0,
			   BIT(NOTIF_ID_TO_SP)))
		return;
	if (vm_sps) {
		/*
		 * tzvisor's emulated SPMC schedules its partition VMs itself: it
		 * runs sp1's vCPU 0 out of its wait (FFA_RUN) when the bit is set,
		 * with no SRI to Linux; sp1 fetched it within a second.
		 */
		unsigned long end = jiffies + HZ;

		ret = ops->notify_send(sp1->dev, NOTIF_ID_TO_SP, false, 0);
		if (!expect_ok(name, "notify_send (FFA_NOTIFICATION_SET)", ret))
			goto unbind;
		/* BUSY while tzvisor runs sp1's vCPU 0 for the notification: asked again. */
		do {
			work_on_cpu(0, notif_seen_fn, &w);
		} while (((!w.ret && w.d.data0 == TEST_STATUS_OK && w.d.data2 == 0) ||
			  w.ret == -EBUSY) &&
			 time_before(jiffies, end) && !msleep_interruptible(10));
		if (expect_ok(name, "NOTIF_SEEN", w.ret) &&
		    expect(name, "fetched from VMs", w.d.data2, BIT(NOTIF_ID_TO_SP)))
			tzv_pass(name);
		goto unbind;
	}
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
	sp_notif_call("notif.linux_to_sp1.unbind", sp1, NOTIF_UNBIND, (u32)self_id << 16 | sp1->id,
		      0, BIT(NOTIF_ID_TO_SP));
}

/*
 * Memory sharing (FF-A v1.2 chapter 11) through the driver's mem_ops, the
 * test partitions borrowing (partitions/test_sp/mem.c; register protocol in
 * test_cmd.h). Linux (VM 0) shares or lends its own pages: the driver
 * writes the descriptor in the v1.1 layout, one address range per
 * scatterlist entry, into its 4 KiB TX buffer, and sends the rest in
 * fragments (FFA_MEM_FRAG_TX) when it is longer. A partition retrieves by
 * handle in its own version (v1.2), reading every fragment of the response
 * (FFA_MEM_FRAG_RX); sp1 (S-EL1) maps what it got in its own stage 1 (NS
 * memory in its NS IPA space), sp3 (S-EL0) gets it mapped by tzvisor; it
 * reads and writes, relinquishes; Linux reclaims. The driver turns FF-A
 * errors into errnos: INVALID_PARAMETERS -EINVAL, DENIED -EACCES.
 *
 * Under pKVM (kvm-arm.mode=protected) the kernel's hypervisor proxies these
 * calls (arch/arm64/kvm/hyp/nvhe/ffa.c): before it forwards a share or lend
 * (always as the 64-bit ABI) it marks the pages shared with FF-A in the
 * host's stage 2, and refuses itself (DENIED) pages that are in that state
 * already; before it forwards a reclaim it asks tzvisor for the whole
 * descriptor by handle (a hypervisor retrieve request, every fragment of
 * it) to learn which pages to take back. The checks below hold both ways.
 *
 * Pages are only given back to the allocator once reclaimed: a page that a
 * failed check leaves in a transaction is leaked on purpose.
 */
#define MEM_ATTRS_WB (FFA_MEM_NORMAL | FFA_MEM_WRITE_BACK | FFA_MEM_INNER_SHAREABLE)
#define MEM_ATTR_NS BIT(6) /* set by tzvisor in a v1.1+ borrower's response for NS memory */
#define MEM_RW_NX (FFA_MEM_RW | FFA_MEM_NO_EXEC)
#define RESP_ERR(e) (FFA_ERROR | (u64)(u32)(e) << 32) /* a partition's x4 for an FFA_ERROR */
#define PAR_F BIT_ULL(0) /* PAR_EL1: the AT instruction faulted */
#define PAR_NS BIT_ULL(9)
/*
 * The scattered buffer: 600 pages, one range each. The driver's descriptor
 * (a 48-byte header, one 16-byte EMAD, the 16-byte composite, then 16 bytes
 * a range) is 9,680 bytes: 4,096 + 4,096 + 1,488, i.e. FFA_MEM_SHARE and two
 * FFA_MEM_FRAG_TX. sp1's response (v1.2: a 32-byte EMAD) is 9,696 bytes in
 * its 4 KiB RX buffer: three fragments too.
 */
#define SCATTER_PAGES 600U
/*
 * sp1 maps them all at once in its own stage 1, a level-3 table for each
 * 2 MiB block: its table pool (16 pages, 6 of them for its image) has room
 * for 10 (tables that earlier borrowings left empty are freed when it runs
 * out). The pages come from whole blocks, every other page (3 blocks).
 */
#define SCATTER_BLOCKS 8U
#define FFA_BUF_SIZE 4096U /* the driver's TX buffer, a test partition's RX buffer */
#define DRV_DESC_HEAD 80U /* v1.1: header 48 + EMAD 16 + composite 16 */
#define SP_DESC_HEAD 96U /* v1.2: header 48 + EMAD 32 + composite 16 */

/* A buffer given as one scatterlist: n entries of 2^order pages. */
struct mem_buf {
	struct page **pages;
	struct scatterlist *sg;
	unsigned int n, order;
	u64 handle;
	bool out; /* in a transaction, not reclaimed: never freed */
	/* guest: the borrower's addresses of the first ranges (its MEM_WHERE) */
	u64 where[TEST_WHERE_RANGES];
};

static phys_addr_t mem_pa(const struct mem_buf *b, unsigned int i)
{
	return page_to_phys(b->pages[i]);
}

static u64 *mem_va(const struct mem_buf *b, unsigned int i)
{
	return page_address(b->pages[i]);
}

static size_t mem_entry_size(const struct mem_buf *b)
{
	return PAGE_SIZE << b->order;
}

/*
 * sp1's manifest has a normal-world page of its own (TEST_NS_MAILBOX), which
 * tzvisor will not map in its NS IPA space a second time: not given.
 */
static bool mem_hits_mailbox(struct page *p, unsigned int order)
{
	phys_addr_t pa = page_to_phys(p);

	return pa <= TEST_NS_MAILBOX && TEST_NS_MAILBOX < pa + (PAGE_SIZE << order);
}

static void mem_buf_free(struct mem_buf *b)
{
	unsigned int i;

	if (b->out)
		pr_info("tzv_ffa_test: %u x %zu bytes left in transaction 0x%llx: not freed\n",
			b->n, mem_entry_size(b), b->handle);
	for (i = 0; b->pages && i < b->n && !b->out; i++) {
		if (b->pages[i])
			__free_pages(b->pages[i], b->order);
	}
	kfree(b->pages);
	kfree(b->sg);
	b->pages = NULL;
	b->sg = NULL;
}

static void mem_free_aside(struct list_head *aside, unsigned int order)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, aside, lru)
	{
		list_del(&p->lru);
		__free_pages(p, order);
	}
}

/*
 * n zeroed allocations of 2^order pages each, in one scatterlist (one
 * holding the partition's mailbox page is put aside and freed at the end).
 */
static bool mem_buf_alloc(struct mem_buf *b, unsigned int n, unsigned int order)
{
	unsigned int i, tries = 0;
	struct page *p = NULL;
	LIST_HEAD(aside);

	*b = (struct mem_buf){.n = n, .order = order};
	b->pages = kcalloc(n, sizeof(*b->pages), GFP_KERNEL);
	b->sg = kcalloc(n, sizeof(*b->sg), GFP_KERNEL);
	if (!b->pages || !b->sg)
		goto fail;
	sg_init_table(b->sg, n);
	for (i = 0; i < n; tries++) {
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!p || tries > 16 * n)
			goto fail_page;
		if (mem_hits_mailbox(p, order)) {
			list_add(&p->lru, &aside);
			continue;
		}
		b->pages[i] = p;
		sg_set_page(&b->sg[i], p, mem_entry_size(b), 0);
		i++;
	}
	mem_free_aside(&aside, order);
	return true;
fail_page:
	if (p)
		__free_pages(p, order);
	mem_free_aside(&aside, order);
fail:
	mem_buf_free(b);
	return false;
}

/*
 * n single pages, no two adjacent (a range each), in at most max_blocks
 * 2 MiB blocks: whole blocks allocated, every other page of each kept, the
 * rest freed. (Taking pages one by one as the allocator hands them out
 * sometimes found fewer than 600 free in the first 8 blocks it touched.)
 */
static bool mem_buf_alloc_spread(struct mem_buf *b, unsigned int n, unsigned int max_blocks)
{
	const unsigned int order = get_order(SZ_2M), per_block = 1U << order;
	unsigned int i = 0, blk, k;

	*b = (struct mem_buf){.n = n, .order = 0};
	b->pages = kcalloc(n, sizeof(*b->pages), GFP_KERNEL);
	b->sg = kcalloc(n, sizeof(*b->sg), GFP_KERNEL);
	if (!b->pages || !b->sg)
		goto fail;
	sg_init_table(b->sg, n);
	for (blk = 0; i < n; blk++) {
		struct page *p;

		if (blk == max_blocks)
			goto fail;
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
		if (!p)
			goto fail;
		split_page(p, order);
		for (k = 0; k < per_block; k++) {
			if (k % 2 == 0 && i < n && !mem_hits_mailbox(p + k, 0)) {
				b->pages[i] = p + k;
				sg_set_page(&b->sg[i], p + k, PAGE_SIZE, 0);
				i++;
			} else {
				__free_page(p + k);
			}
		}
	}
	return true;
fail:
	mem_buf_free(b);
	return false;
}

/* memory_share or memory_lend of the whole buffer to one partition. */
static int mem_give(struct mem_buf *b, struct tzv_sp *to, bool lend, u8 perms, u32 flags)
{
	struct ffa_mem_region_attributes attr = {.receiver = to->id, .attrs = perms};
	struct ffa_mem_ops_args args = {
		.use_txbuf = true, .nattrs = 1, .flags = flags, .attrs = &attr, .sg = b->sg};
	const struct ffa_mem_ops *ops = to->dev->ops->mem_ops;
	int ret = lend ? ops->memory_lend(&args) : ops->memory_share(&args);

	if (!ret) {
		b->handle = args.g_handle;
		b->out = true;
	} else if (b->n > (FFA_BUF_SIZE - DRV_DESC_HEAD) / 16) {
		/*
		 * A fragmented send that failed half way: what tzvisor or pKVM
		 * kept of it is unknown here (the driver reports -ENXIO for any
		 * fragment's error and does not reclaim).
		 */
		b->out = true;
	}
	return ret;
}

static int mem_reclaim(struct tzv_sp *sp, u64 handle)
{
	return sp->dev->ops->mem_ops->memory_reclaim(handle, 0);
}

/*
 * Reclaimed memory can be shared again (under pKVM: its reclaim took the
 * pages out of the shared state in the host's stage 2, using the
 * descriptor it read back from tzvisor), and reclaimed at once.
 */
static void t_give_again(const char *name, struct mem_buf *b, struct tzv_sp *to)
{
	if (expect_ok(name, "memory_share", mem_give(b, to, false, FFA_MEM_RW, 0)) &&
	    expect_ok(name, "memory_reclaim", mem_reclaim(to, b->handle))) {
		b->out = false;
		tzv_pass(name);
	}
}

/* A memory command to a partition: x4-x6 = a1-a3. */
static int sp_mem(struct tzv_sp *sp, u64 cmd, u64 a1, u64 a2, u64 a3,
		  struct ffa_send_direct_data *d)
{
	*d = (struct ffa_send_direct_data){cmd, a1, a2, a3, 0};
	return sp_req(sp, true, d);
}

static int sp_retrieve(struct tzv_sp *sp, u64 handle, u16 sender, u8 perms,
		       struct ffa_send_direct_data *d)
{
	return sp_mem(sp, TEST_CMD_MEM_RETRIEVE, handle, sender | (u64)perms << 16, 0, d);
}

/* The partition's status OK and its x4 as wanted. */
static bool expect_sp(const char *name, const char *what, int ret,
		      const struct ffa_send_direct_data *d, u64 x4)
{
	return expect_ok(name, "sync_send_receive", ret) &&
	       expect(name, "status (w3)", d->data0, TEST_STATUS_OK) &&
	       expect(name, what, d->data1, x4);
}

static void t_sp(const char *name, const char *what, int ret, const struct ffa_send_direct_data *d,
		 u64 x4)
{
	if (expect_sp(name, what, ret, d, x4))
		tzv_pass(name);
}

/* A driver call that must fail with exactly this errno. */
static void t_errno(const char *name, const char *what, int ret, int want)
{
	if (expect(name, what, (u64)(s64)ret, (u64)(s64)want))
		tzv_pass(name);
}

/* What MEM_RETRIEVE must answer for the whole buffer. */
static bool expect_retrieved(const char *name, int ret, const struct ffa_send_direct_data *d,
			     const struct mem_buf *b, u16 attrs, u8 perms, u64 frags)
{
	u64 pages = (u64)b->n << b->order, sum = 0;
	unsigned int i;

	/* The partition's check: the first range ^ the sum of base + pages over all, << 20. */
	for (i = 0; i < b->n; i++)
		sum += mem_pa(b, i) + (1U << b->order);
	return expect_sp(name, "retrieve's x0 | error << 32", ret, d, FFA_MEM_RETRIEVE_RESP) &&
	       expect(name, "total pages | ranges << 32", d->data2, pages | (u64)b->n << 32) &&
	       expect(name, "attributes | permissions << 16", d->data3 & 0xFFFFFFFFU,
		      attrs | (u32)perms << 16) &&
	       expect(name, "response fragments read", d->data3 >> 32, frags) &&
	       (guest ||
		expect(name, "every range, in order (check)", d->data4, mem_pa(b, 0) ^ sum << 20));
}

/*
 * The address the borrower reads range i at: Linux's physical address in the
 * normal world; in a guest, what the borrower's MEM_WHERE said (mem_where()).
 */
static u64 sp_addr(const struct mem_buf *b, unsigned int i)
{
	return guest ? b->where[i] : mem_pa(b, i);
}

/*
 * In a guest, after a retrieve: the borrower's own addresses of the first
 * ranges (a partition VM's borrowed-memory window, or the physical address a
 * secure partition got from tzvisor's rewriting), each range's pages and the
 * range count. Nothing to do in the normal world.
 */
static bool mem_where(const char *name, struct tzv_sp *sp, struct mem_buf *b)
{
	struct ffa_send_direct_data d;
	unsigned int i;

	for (i = 0; guest && i < b->n && i < TEST_WHERE_RANGES; i++) {
		d = (struct ffa_send_direct_data){TEST_CMD_MEM_WHERE, i, 0, 0, 0};
		if (!expect_ok(name, "MEM_WHERE", sp_req(sp, true, &d)) ||
		    !expect(name, "MEM_WHERE status", d.data0, TEST_STATUS_OK) ||
		    !expect(name, "MEM_WHERE pages", d.data2, 1U << b->order) ||
		    !expect(name, "MEM_WHERE ranges", d.data3, b->n) ||
		    !expect(name, "MEM_WHERE address in a page", d.data1 & ~PAGE_MASK, 0))
			return false;
		b->where[i] = d.data1;
	}
	return true;
}

/* sp1's own stage 1 at pa: mapped read-write in the NS IPA space, or not at all. */
static void t_sp1_mapping(const char *name, struct tzv_sp *sp1, phys_addr_t pa, bool mapped)
{
	struct ffa_send_direct_data d;

	if (guest) /* sp1's own stage 1 is the secure test partition's: not checked from a VM */
		return;
	if (!expect_sp(name, "queried address", sp_mem(sp1, TEST_CMD_MMU_QUERY, pa, 0, 0, &d), &d,
		       pa))
		return;
	if (mapped ? expect(name, "mapped (x7)", d.data4 & TEST_MMU_MAPPED, TEST_MMU_MAPPED) &&
			     expect(name, "AT S1E1R fault", d.data2 & PAR_F, 0) &&
			     expect(name, "AT S1E1R NS", d.data2 & PAR_NS, PAR_NS) &&
			     expect(name, "AT S1E1R output (VA = IPA)",
				    d.data2 & GENMASK_ULL(47, 12), pa) &&
			     expect(name, "AT S1E1W fault", d.data3 & PAR_F, 0)
		   : expect(name, "mapped (x7)", d.data4, 0) &&
			     expect(name, "AT S1E1R fault", d.data2 & PAR_F, PAR_F))
		tzv_pass(name);
}

static u64 sp1_table_pages(struct tzv_sp *sp1)
{
	struct ffa_send_direct_data d;

	if (sp_mem(sp1, TEST_CMD_MMU_STATE, 0, 0, 0, &d) || d.data0 != TEST_STATUS_OK)
		return 0;
	return d.data4 & 0xFFFFFFFFU;
}

struct sp_read {
	struct tzv_sp *sp;
	u64 addr;
	struct ffa_send_direct_data d;
	int ret;
};

static long sp_read_fn(void *arg)
{
	struct sp_read *r = arg;

	r->ret = sp_mem(r->sp, TEST_CMD_MEM_READ, r->addr, 0, 0, &r->d);
	return 0;
}

/* sp1's execution context of every online CPU reads the word at pa (one stage 1 for all). */
static void t_read_each_cpu(const char *name, struct tzv_sp *sp1, phys_addr_t pa, u64 want)
{
	unsigned int cpu, n = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu)
	{
		struct sp_read r = {.sp = sp1, .addr = pa};
		char what[40];

		work_on_cpu(cpu, sp_read_fn, &r);
		snprintf(what, sizeof(what), "word read on CPU %u", cpu);
		if (!expect_sp(name, what, r.ret, &r.d, want)) {
			cpus_read_unlock();
			return;
		}
		n++;
	}
	cpus_read_unlock();
	if (expect(name, "online CPUs", n, num_online_cpus()))
		tzv_pass(name);
}

/* After a failed check: the borrower gives the buffer back if it can, Linux reclaims. */
static void mem_abandon(struct mem_buf *b, struct tzv_sp *borrower)
{
	struct ffa_send_direct_data d;

	if (!b->out)
		return;
	sp_mem(borrower, TEST_CMD_MEM_RELINQUISH, b->handle, 0, 0, &d);
	if (!mem_reclaim(borrower, b->handle))
		b->out = false;
}

/*
 * One page shared with sp1 (read-write): sp1 reads what Linux wrote, from
 * every CPU, and writes; both keep access (a share). Refused on the way, each
 * with its exact error and nothing changed: a retrieve by a partition that
 * is not a receiver, with the wrong sender, a second retrieve, a relinquish
 * by a stranger or before retrieving, the page shared again, a reclaim while
 * sp1 holds it, a partition reclaiming Linux's handle, a reclaim with
 * reserved flags, a second reclaim.
 */
static void t_mem_share_sp1(struct tzv_sp *sp1, struct tzv_sp *sp2)
{
	struct ffa_send_direct_data d;
	struct mem_buf b, again = {0};
	phys_addr_t pa;
	u64 *va;
	int ret;

	if (!mem_buf_alloc(&b, 1, 0)) {
		tzv_fail("mem.share_sp1.send", "no memory");
		return;
	}
	pa = mem_pa(&b, 0);
	va = mem_va(&b, 0);
	va[0] = 0x11A5ED0000000001ULL;
	va[PAGE_SIZE / 8 - 1] = 0x11A5ED0000000002ULL;
	ret = mem_give(&b, sp1, false, FFA_MEM_RW, 0);
	if (!expect_ok("mem.share_sp1.send", "memory_share", ret) ||
	    !expect("mem.share_sp1.send", "handle allocated by the SPMC (bit 63 clear)",
		    b.handle >> 63, 0) ||
	    !expect("mem.share_sp1.send", "handle non-zero", b.handle != 0, 1))
		goto out;
	tzv_pass("mem.share_sp1.send");

	/* Before sp1 retrieves: a stranger, the wrong sender, a relinquish of nothing. */
	t_sp("mem.bad.retrieve_not_a_receiver", "sp2's retrieve",
	     sp_retrieve(sp2, b.handle, self_id, FFA_MEM_RW, &d), &d,
	     RESP_ERR(FFA_RET_INVALID_PARAMETERS));
	t_sp("mem.bad.retrieve_wrong_sender", "sp1's retrieve naming sp2 as sender",
	     sp_retrieve(sp1, b.handle, sp2->id, FFA_MEM_RW, &d), &d, RESP_ERR(FFA_RET_DENIED));
	ret = sp_mem(sp1, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (expect_sp("mem.bad.relinquish_before_retrieve", "relinquish's x0", ret, &d,
		      FFA_ERROR) &&
	    expect("mem.bad.relinquish_before_retrieve", "error", d.data2,
		   (u32)FFA_RET_INVALID_PARAMETERS))
		tzv_pass("mem.bad.relinquish_before_retrieve");

	ret = sp_retrieve(sp1, b.handle, self_id, FFA_MEM_RW, &d);
	if (!expect_retrieved("mem.share_sp1.retrieve", ret, &d, &b, MEM_ATTRS_WB | MEM_ATTR_NS,
			      MEM_RW_NX, 1))
		goto abandon;
	tzv_pass("mem.share_sp1.retrieve");
	if (!mem_where("mem.share_sp1.retrieve", sp1, &b))
		goto abandon;
	pa = sp_addr(&b, 0); /* from here on: as sp1 sees it */
	t_sp1_mapping("mem.share_sp1.mapped_in_sp1_stage1", sp1, pa, true);
	if (expect_sp("mem.share_sp1.sp1_reads_linux_data", "first word",
		      sp_mem(sp1, TEST_CMD_MEM_READ, pa, 0, 0, &d), &d, va[0]) &&
	    expect_sp("mem.share_sp1.sp1_reads_linux_data", "last word",
		      sp_mem(sp1, TEST_CMD_MEM_READ, pa + PAGE_SIZE - 8, 0, 0, &d), &d,
		      va[PAGE_SIZE / 8 - 1]))
		tzv_pass("mem.share_sp1.sp1_reads_linux_data");
	t_read_each_cpu("mem.share_sp1.sp1_reads_on_every_cpu", sp1, pa, va[0]);
	sp_mem(sp1, TEST_CMD_MEM_WRITE, pa + 8, 0x5A1D0000000000A1ULL, 0, &d);
	sp_mem(sp1, TEST_CMD_MEM_WRITE, pa + PAGE_SIZE - 16, 0x5A1D0000000000A2ULL, 0, &d);
	/* Shared, not lent: Linux sees sp1's writes while sp1 holds the page. */
	if (expect("mem.share_sp1.linux_sees_sp1_write", "word 1", READ_ONCE(va[1]),
		   0x5A1D0000000000A1ULL))
		tzv_pass("mem.share_sp1.linux_sees_sp1_write");

	t_sp("mem.bad.retrieve_twice", "sp1's second retrieve",
	     sp_retrieve(sp1, b.handle, self_id, FFA_MEM_RW, &d), &d, RESP_ERR(FFA_RET_DENIED));
	/* The same page again, to sp2: tzvisor (or pKVM before it) refuses. */
	again.sg = b.sg;
	again.n = 1;
	t_errno("mem.bad.share_page_twice", "memory_share of a shared page",
		mem_give(&again, sp2, false, FFA_MEM_RW, 0), -EACCES);
	if (again.out && mem_reclaim(sp2, again.handle))
		goto abandon; /* shared twice and not taken back: b stays out */
	t_errno("mem.bad.reclaim_while_retrieved", "memory_reclaim", mem_reclaim(sp1, b.handle),
		-EACCES);
	ret = sp_mem(sp2, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (expect_sp("mem.bad.relinquish_not_a_receiver", "sp2's relinquish x0", ret, &d,
		      FFA_ERROR) &&
	    expect("mem.bad.relinquish_not_a_receiver", "error", d.data2,
		   (u32)FFA_RET_INVALID_PARAMETERS))
		tzv_pass("mem.bad.relinquish_not_a_receiver");
	ret = sp_mem(sp2, TEST_CMD_MEM_RECLAIM, b.handle, 0, 0, &d);
	if (expect_sp("mem.bad.partition_reclaims_linux_handle", "sp2's reclaim x0", ret, &d,
		      FFA_ERROR) &&
	    expect("mem.bad.partition_reclaims_linux_handle", "error", d.data2,
		   (u32)FFA_RET_INVALID_PARAMETERS))
		tzv_pass("mem.bad.partition_reclaims_linux_handle");
	/* After all of that sp1 still has the page as it was. */
	t_sp("mem.share_sp1.refusals_changed_nothing", "word 1",
	     sp_mem(sp1, TEST_CMD_MEM_READ, pa + 8, 0, 0, &d), &d, 0x5A1D0000000000A1ULL);

	ret = sp_mem(sp1, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (!expect_sp("mem.share_sp1.relinquish", "relinquish's x0", ret, &d, FFA_SUCCESS_32))
		goto abandon;
	tzv_pass("mem.share_sp1.relinquish");
	t_sp1_mapping("mem.share_sp1.unmapped_after_relinquish", sp1, pa, false);
	t_errno("mem.bad.reclaim_reserved_flags", "memory_reclaim with flags 0x4",
		sp1->dev->ops->mem_ops->memory_reclaim(b.handle, 0x4), -EINVAL);
	if (!expect_ok("mem.share_sp1.reclaim", "memory_reclaim", mem_reclaim(sp1, b.handle)))
		goto out;
	b.out = false;
	tzv_pass("mem.share_sp1.reclaim");
	if (expect("mem.share_sp1.linux_reads_sp1_data", "word 1", READ_ONCE(va[1]),
		   0x5A1D0000000000A1ULL) &&
	    expect("mem.share_sp1.linux_reads_sp1_data", "second last word",
		   READ_ONCE(va[PAGE_SIZE / 8 - 2]), 0x5A1D0000000000A2ULL) &&
	    expect("mem.share_sp1.linux_reads_sp1_data", "first word (Linux's)", READ_ONCE(va[0]),
		   0x11A5ED0000000001ULL))
		tzv_pass("mem.share_sp1.linux_reads_sp1_data");
	t_errno("mem.bad.reclaim_twice", "second memory_reclaim", mem_reclaim(sp1, b.handle),
		-EINVAL);
	t_give_again("mem.share_sp1.share_again_after_reclaim", &b, sp1);
	goto out;
abandon:
	mem_abandon(&b, sp1);
out:
	mem_buf_free(&b);
}

/*
 * Two contiguous pages (one range of two) lent to sp3 (S-EL0: tzvisor maps
 * them in its stage 1). A lend to one borrower leaves the memory type and
 * the instruction access to it: it must name the instruction access, and
 * may not execute normal-world memory. Linux does not touch the pages until
 * it has reclaimed them.
 */
static void t_mem_lend_sp3(struct tzv_sp *sp3)
{
	struct ffa_send_direct_data d;
	struct mem_buf b;
	phys_addr_t pa;
	u64 *va;
	int ret;

	if (!mem_buf_alloc(&b, 1, 1)) {
		tzv_fail("mem.lend_sp3.send", "no memory");
		return;
	}
	pa = mem_pa(&b, 0);
	va = mem_va(&b, 0);
	va[0] = 0x1E2D000000000001ULL;
	va[2 * PAGE_SIZE / 8 - 1] = 0x1E2D000000000002ULL;
	ret = mem_give(&b, sp3, true, FFA_MEM_RW, 0);
	if (!expect_ok("mem.lend_sp3.send", "memory_lend", ret))
		goto out;
	tzv_pass("mem.lend_sp3.send");
	t_sp("mem.bad.lend_retrieve_without_insn_access", "retrieve asking RW only",
	     sp_retrieve(sp3, b.handle, self_id, FFA_MEM_RW, &d), &d,
	     RESP_ERR(FFA_RET_INVALID_PARAMETERS));
	t_sp("mem.bad.lend_retrieve_executable_ns", "retrieve asking RW + X",
	     sp_retrieve(sp3, b.handle, self_id, FFA_MEM_RW | FFA_MEM_EXEC, &d), &d,
	     RESP_ERR(FFA_RET_INVALID_PARAMETERS));
	ret = sp_retrieve(sp3, b.handle, self_id, MEM_RW_NX, &d);
	/* The sender gave no attributes: the response has what it is mapped as. */
	if (!expect_retrieved("mem.lend_sp3.retrieve", ret, &d, &b, MEM_ATTRS_WB | MEM_ATTR_NS,
			      MEM_RW_NX, 1))
		goto abandon;
	tzv_pass("mem.lend_sp3.retrieve");
	if (!mem_where("mem.lend_sp3.retrieve", sp3, &b))
		goto abandon;
	pa = sp_addr(&b, 0); /* from here on: as sp3 sees it */
	if (expect_sp("mem.lend_sp3.sp3_reads_linux_data", "first word",
		      sp_mem(sp3, TEST_CMD_MEM_READ, pa, 0, 0, &d), &d, 0x1E2D000000000001ULL) &&
	    expect_sp("mem.lend_sp3.sp3_reads_linux_data", "last word of the second page",
		      sp_mem(sp3, TEST_CMD_MEM_READ, pa + 2 * PAGE_SIZE - 8, 0, 0, &d), &d,
		      0x1E2D000000000002ULL))
		tzv_pass("mem.lend_sp3.sp3_reads_linux_data");
	sp_mem(sp3, TEST_CMD_MEM_WRITE, pa + PAGE_SIZE, 0x5B3D0000000000B1ULL, 0, &d);
	t_errno("mem.bad.lend_reclaim_while_retrieved", "memory_reclaim",
		mem_reclaim(sp3, b.handle), -EACCES);
	ret = sp_mem(sp3, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (!expect_sp("mem.lend_sp3.relinquish", "relinquish's x0", ret, &d, FFA_SUCCESS_32))
		goto abandon;
	tzv_pass("mem.lend_sp3.relinquish");
	if (!expect_ok("mem.lend_sp3.reclaim", "memory_reclaim", mem_reclaim(sp3, b.handle)))
		goto out;
	b.out = false;
	tzv_pass("mem.lend_sp3.reclaim");
	if (expect("mem.lend_sp3.linux_reads_sp3_data", "first word of the second page",
		   READ_ONCE(va[PAGE_SIZE / 8]), 0x5B3D0000000000B1ULL))
		tzv_pass("mem.lend_sp3.linux_reads_sp3_data");
	goto out;
abandon:
	mem_abandon(&b, sp3);
out:
	mem_buf_free(&b);
}

/* A lend with FFA_MEM_CLEAR: tzvisor zeroes the page before sp3 may retrieve it. */
static void t_mem_lend_zeroed(struct tzv_sp *sp3)
{
	struct ffa_send_direct_data d;
	struct mem_buf b;
	phys_addr_t pa;
	u64 *va;
	int ret;

	if (!mem_buf_alloc(&b, 1, 0)) {
		tzv_fail("mem.lend_zeroed.send", "no memory");
		return;
	}
	pa = mem_pa(&b, 0);
	va = mem_va(&b, 0);
	memset(va, 0xA5, PAGE_SIZE);
	ret = mem_give(&b, sp3, true, FFA_MEM_RW, FFA_MEM_CLEAR);
	if (!expect_ok("mem.lend_zeroed.send", "memory_lend (FFA_MEM_CLEAR)", ret))
		goto out;
	tzv_pass("mem.lend_zeroed.send");
	ret = sp_retrieve(sp3, b.handle, self_id, MEM_RW_NX, &d);
	if (!expect_retrieved("mem.lend_zeroed.retrieve", ret, &d, &b, MEM_ATTRS_WB | MEM_ATTR_NS,
			      MEM_RW_NX, 1))
		goto abandon;
	tzv_pass("mem.lend_zeroed.retrieve");
	if (!mem_where("mem.lend_zeroed.retrieve", sp3, &b))
		goto abandon;
	pa = sp_addr(&b, 0); /* from here on: as sp3 sees it */
	if (expect_sp("mem.lend_zeroed.sp3_reads_zeros", "first word",
		      sp_mem(sp3, TEST_CMD_MEM_READ, pa, 0, 0, &d), &d, 0) &&
	    expect_sp("mem.lend_zeroed.sp3_reads_zeros", "last word",
		      sp_mem(sp3, TEST_CMD_MEM_READ, pa + PAGE_SIZE - 8, 0, 0, &d), &d, 0))
		tzv_pass("mem.lend_zeroed.sp3_reads_zeros");
	ret = sp_mem(sp3, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (!expect_sp("mem.lend_zeroed.reclaim", "relinquish's x0", ret, &d, FFA_SUCCESS_32))
		goto abandon;
	if (!expect_ok("mem.lend_zeroed.reclaim", "memory_reclaim", mem_reclaim(sp3, b.handle)))
		goto out;
	b.out = false;
	if (expect("mem.lend_zeroed.reclaim", "word 100 after reclaim", READ_ONCE(va[100]), 0))
		tzv_pass("mem.lend_zeroed.reclaim");
	goto out;
abandon:
	mem_abandon(&b, sp3);
out:
	mem_buf_free(&b);
}

/* Response fragments for n ranges after a head of `head` bytes, through a 4 KiB buffer. */
static u64 mem_frags(u32 head, u32 n)
{
	u32 first = (FFA_BUF_SIZE - head) / 16, per = FFA_BUF_SIZE / 16;

	return n <= first ? 1 : 1 + DIV_ROUND_UP(n - first, per);
}

static int cmp_pa(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* How many 2 MiB blocks the buffer's pages lie in (sp1 maps each with a level-3 table). */
static unsigned int mem_blocks(const struct mem_buf *b)
{
	phys_addr_t *blk = kcalloc(b->n, sizeof(*blk), GFP_KERNEL);
	unsigned int i, count = 0;

	if (!blk)
		return 0;
	for (i = 0; i < b->n; i++)
		blk[i] = mem_pa(b, i) & ~(phys_addr_t)(SZ_2M - 1);
	sort(blk, b->n, sizeof(*blk), cmp_pa, NULL);
	for (i = 0; i < b->n; i++)
		count += i == 0 || blk[i] != blk[i - 1];
	kfree(blk);
	return count;
}

/*
 * SCATTER_PAGES pages allocated one by one, shared with sp1 in one
 * scatterlist: one range per page, a descriptor longer than the driver's TX
 * buffer (which it sends in fragments: tzvisor refuses a fragment longer
 * than the buffer, so the share working is the proof) and a response longer
 * than sp1's RX buffer (sp1 counts the fragments it read). sp1 checks
 * every range in order, reads every page and writes the first and the last.
 */
static void t_mem_scatter_sp1(struct tzv_sp *sp1)
{
	const char *n = "mem.scatter_sp1.send";
	struct ffa_send_direct_data d;
	struct mem_buf b;
	u64 tables_before, tables_held;
	/* In a guest sp1 says where the first TEST_WHERE_RANGES pages are: those are read. */
	unsigned int i, checked = guest ? TEST_WHERE_RANGES : SCATTER_PAGES, last = checked - 1;
	int ret;

	if (!frag) {
		tzv_skip(n, "fragmented descriptors (FFA_MEM_FRAG_TX) are not forwarded yet");
		return;
	}
	if (!mem_buf_alloc_spread(&b, SCATTER_PAGES, SCATTER_BLOCKS)) {
		tzv_fail(n, "no memory for %u pages", SCATTER_PAGES);
		return;
	}
	for (i = 0; i < b.n; i++)
		mem_va(&b, i)[0] = 0x5CA7000000000000ULL | i;
	tables_before = sp1_table_pages(sp1);
	pr_info("tzv_ffa_test: %u pages in %u 2 MiB blocks; descriptor %u bytes, %llu fragments\n",
		b.n, mem_blocks(&b), DRV_DESC_HEAD + 16 * b.n, mem_frags(DRV_DESC_HEAD, b.n));
	ret = mem_give(&b, sp1, false, FFA_MEM_RW, 0);
	if (!expect_ok(n, "memory_share", ret))
		goto out;
	tzv_pass(n);
	ret = sp_retrieve(sp1, b.handle, self_id, FFA_MEM_RW, &d);
	if (!expect_retrieved("mem.scatter_sp1.retrieve", ret, &d, &b, MEM_ATTRS_WB | MEM_ATTR_NS,
			      MEM_RW_NX, mem_frags(SP_DESC_HEAD, b.n)))
		goto abandon;
	tzv_pass("mem.scatter_sp1.retrieve");
	if (!mem_where("mem.scatter_sp1.retrieve", sp1, &b))
		goto abandon;
	tables_held = sp1_table_pages(sp1);
	for (i = 0; i < checked; i++) {
		char what[32];

		snprintf(what, sizeof(what), "word 0 of page %u", i);
		if (!expect_sp("mem.scatter_sp1.sp1_reads_every_page", what,
			       sp_mem(sp1, TEST_CMD_MEM_READ, sp_addr(&b, i), 0, 0, &d), &d,
			       0x5CA7000000000000ULL | i))
			break;
	}
	if (i == checked)
		tzv_pass("mem.scatter_sp1.sp1_reads_every_page");
	sp_mem(sp1, TEST_CMD_MEM_WRITE, sp_addr(&b, 0) + 8, 0x5CA7F00000000000ULL, 0, &d);
	sp_mem(sp1, TEST_CMD_MEM_WRITE, sp_addr(&b, last) + 8, 0x5CA7F00000000000ULL | last, 0, &d);
	/* Under pKVM: its hypervisor retrieve reads the descriptor in three fragments first. */
	t_errno("mem.bad.scatter_reclaim_while_retrieved", "memory_reclaim",
		mem_reclaim(sp1, b.handle), -EACCES);
	ret = sp_mem(sp1, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
	if (!expect_sp("mem.scatter_sp1.relinquish", "relinquish's x0", ret, &d, FFA_SUCCESS_32))
		goto abandon;
	tzv_pass("mem.scatter_sp1.relinquish");
	/* sp1 unmapped every range, the last one included. */
	t_sp1_mapping("mem.scatter_sp1.first_unmapped", sp1, mem_pa(&b, 0), false);
	t_sp1_mapping("mem.scatter_sp1.last_unmapped", sp1, mem_pa(&b, last), false);
	if (!expect_ok("mem.scatter_sp1.reclaim", "memory_reclaim", mem_reclaim(sp1, b.handle)))
		goto out;
	b.out = false;
	tzv_pass("mem.scatter_sp1.reclaim");
	if (expect("mem.scatter_sp1.linux_reads_sp1_data", "first page, word 1",
		   READ_ONCE(mem_va(&b, 0)[1]), 0x5CA7F00000000000ULL) &&
	    expect("mem.scatter_sp1.linux_reads_sp1_data", "last page, word 1",
		   READ_ONCE(mem_va(&b, last)[1]), 0x5CA7F00000000000ULL | last))
		tzv_pass("mem.scatter_sp1.linux_reads_sp1_data");
	t_give_again("mem.scatter_sp1.share_again_after_reclaim", &b, sp1);
	/* Tables left empty stay in sp1's stage 1 until it runs out (then it prunes). */
	pr_info("tzv_ffa_test: sp1's stage-1 table pages: %llu before, %llu while it held them, "
		"%llu after\n",
		tables_before, tables_held, sp1_table_pages(sp1));
	goto out;
abandon:
	mem_abandon(&b, sp1);
out:
	mem_buf_free(&b);
}

/*
 * One page from each of MANY_BLOCKS different 2 MiB blocks, given, retrieved,
 * read, relinquished and reclaimed one after the other, as a long-running
 * Linux gives pages from all over its memory in time: every round must
 * work. Each block needs a level-3 table in the borrower's stage 2 (and in
 * sp3's stage 1, which tzvisor keeps, or in sp1's own), which unmapping at
 * relinquish leaves, empty: sp3 got NO_MEMORY at the 10th block, its 16-page
 * stage-1 pool dry, and every retrieve after. (tzvisor, and sp1's runtime,
 * now free such tables when a pool runs dry: mm_prune.)
 */
#define MANY_BLOCKS 40U
static void t_mem_many_blocks(struct tzv_sp *sp, bool lend)
{
	struct page **blk = kcalloc(MANY_BLOCKS, sizeof(*blk), GFP_KERNEL), *aside = NULL;
	struct ffa_send_direct_data d;
	unsigned int i, got = 0;
	char name[48];
	u8 perms = lend ? MEM_RW_NX : FFA_MEM_RW;

	snprintf(name, sizeof(name), "mem.%u_blocks_%s_%s", MANY_BLOCKS, lend ? "lent" : "shared",
		 sp->name);
	for (i = 0; blk && i < MANY_BLOCKS; i++) {
		blk[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, get_order(SZ_2M));
		if (blk[i] && !aside && mem_hits_mailbox(blk[i], get_order(SZ_2M))) {
			aside = blk[i];
			blk[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, get_order(SZ_2M));
		}
		if (!blk[i] || mem_hits_mailbox(blk[i], get_order(SZ_2M)))
			break;
		got++;
	}
	if (aside)
		__free_pages(aside, get_order(SZ_2M));
	if (got < MANY_BLOCKS) {
		tzv_fail(name, "only %u free 2 MiB blocks", got);
		goto out;
	}
	for (i = 0; i < MANY_BLOCKS; i++) {
		/* A page in the middle of the block, one block after the other. */
		struct page *p = blk[i] + 256 + i;
		struct mem_buf b = {.n = 1, .pages = &p};
		struct scatterlist sg;
		char what[48];
		int ret;

		sg_init_table(&sg, 1);
		sg_set_page(&sg, p, PAGE_SIZE, 0);
		b.sg = &sg;
		((u64 *)page_address(p))[0] = 0xB10C000000000000ULL | i;
		snprintf(what, sizeof(what), "block %u: %s", i,
			 lend ? "memory_lend" : "memory_share");
		ret = mem_give(&b, sp, lend, FFA_MEM_RW, 0);
		if (!expect_ok(name, what, ret))
			break;
		snprintf(what, sizeof(what), "block %u: retrieve", i);
		ret = sp_retrieve(sp, b.handle, self_id, perms, &d);
		if (!expect_sp(name, what, ret, &d, FFA_MEM_RETRIEVE_RESP)) {
			mem_reclaim(sp, b.handle); /* nothing retrieved */
			break;
		}
		snprintf(what, sizeof(what), "block %u: word read", i);
		ret = sp_mem(sp, TEST_CMD_MEM_READ, page_to_phys(p), 0, 0, &d);
		if (!expect_sp(name, what, ret, &d, 0xB10C000000000000ULL | i))
			break;
		snprintf(what, sizeof(what), "block %u: relinquish", i);
		ret = sp_mem(sp, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d);
		if (!expect_sp(name, what, ret, &d, FFA_SUCCESS_32))
			break;
		snprintf(what, sizeof(what), "block %u: memory_reclaim", i);
		if (!expect_ok(name, what, mem_reclaim(sp, b.handle)))
			break;
	}
	if (i == MANY_BLOCKS) {
		tzv_pass(name);
	} else {
		pr_info("tzv_ffa_test: %s: %u 2 MiB blocks left allocated\n", name, got);
		kfree(blk); /* the blocks may be in a transaction still: never freed */
		return;
	}
out:
	for (i = 0; blk && i < got; i++)
		__free_pages(blk[i], get_order(SZ_2M));
	kfree(blk);
}

/* Handles that are nobody's: the exact error, from tzvisor or (pKVM) its hypervisor retrieve. */
static void t_mem_bad_handles(struct tzv_sp *sp1)
{
	struct mem_buf b;

	t_errno("mem.bad.reclaim_unknown_handle", "memory_reclaim",
		mem_reclaim(sp1, 0x0000123400000077ULL), -EINVAL);
	t_errno("mem.bad.reclaim_handle_zero", "memory_reclaim", mem_reclaim(sp1, 0), -EINVAL);
	/* Bit 63: allocated by a hypervisor, never by tzvisor. */
	t_errno("mem.bad.reclaim_hypervisor_handle", "memory_reclaim",
		mem_reclaim(sp1, BIT_ULL(63) | 1), -EINVAL);
	/* A receiver that does not exist: refused, nothing kept (the page is free again). */
	if (!mem_buf_alloc(&b, 1, 0)) {
		tzv_fail("mem.bad.share_unknown_receiver", "no memory");
		return;
	}
	{
		struct tzv_sp nobody = {.id = 0x8009, .dev = sp1->dev};

		t_errno("mem.bad.share_unknown_receiver", "memory_share to 0x8009",
			mem_give(&b, &nobody, false, FFA_MEM_RW, 0), -EINVAL);
	}
	if (!b.out &&
	    expect_ok("mem.bad.share_after_refusal", "memory_share to sp1",
		      mem_give(&b, sp1, false, FFA_MEM_RW, 0)) &&
	    expect_ok("mem.bad.share_after_refusal", "memory_reclaim",
		      mem_reclaim(sp1, b.handle))) {
		b.out = false;
		tzv_pass("mem.bad.share_after_refusal");
	}
	mem_buf_free(&b);
}

static void tzv_mem_tests(void)
{
	t_mem_share_sp1(&sps[0], &sps[1]);
	t_mem_lend_sp3(&sps[2]);
	t_mem_lend_zeroed(&sps[2]);
	t_mem_scatter_sp1(&sps[0]);
	if (!guest) { /* 2 MiB blocks of physical memory: a guest's are IPAs */
		t_mem_many_blocks(&sps[0], false);
		t_mem_many_blocks(&sps[2], true);
	}
	t_mem_bad_handles(&sps[0]);
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
	if (!guest) /* a guest's CPU hotplug is tzvisor's PSCI emulation: no CPU_OFF messages */
		t_cpu_off_messages(sp1, !first_phase_done);
	if (!first_phase_done) {
		u32 v = sp1->dev->ops->info_ops->api_version_get();

		/* Linux 6.12's driver is v1.1; tzvisor (v1.2) must let it downgrade. */
		if (expect("ffa.version", "negotiated version", v, FFA_PACK_VERSION_INFO(1, 1)))
			tzv_pass("ffa.version");
		t_notif_sp_to_linux(sp1);
		t_notif_linux_to_sp(sp1);
		tzv_mem_tests();
	}
}

/*
 * tzv.bench=N (make bench): instead of the suite, N DIRECT_REQ_64 echo round
 * trips to sp1, then N/8 one-page share cycles with it (memory_share, sp1's
 * retrieve and relinquish, memory_reclaim), on CPU 0, each timed with ktime:
 * under QEMU's -icount shift=0 a nanosecond is one instruction. The BENCH
 * lines give the median (a timer tick lands in a few), less the cost of
 * reading the clock, in instructions per operation, everything included
 * (Linux's driver, tzvisor at NS-EL2 if any, the SPMD, the SPMC, sp1).
 */
static uint bench;
module_param(bench, uint, 0444);
MODULE_PARM_DESC(bench, "instead of the suite: N timed direct requests and N/8 share cycles");

struct bench_result {
	u64 *t; /* bench samples */
	u64 direct, share, clock; /* medians */
	unsigned int cycles;
	const char *failed; /* the step that failed, or NULL */
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *t, unsigned int n)
{
	sort(t, n, sizeof(*t), cmp_u64, NULL);
	return t[n / 2];
}

static long bench_fn(void *arg)
{
	struct bench_result *res = arg;
	struct tzv_sp *sp1 = &sps[0];
	struct ffa_send_direct_data d;
	struct mem_buf b;
	unsigned int i;
	u64 t0;

	for (i = 0; i < bench; i++) {
		t0 = ktime_get_ns();
		res->t[i] = ktime_get_ns() - t0;
	}
	res->clock = median(res->t, bench);
	for (i = 0; i < 16; i++) { /* warm: the driver's, tzvisor's and sp1's paths */
		if (sp_cmd(sp1, TEST_CMD_ECHO, i, 0, &d)) {
			res->failed = "warm-up request";
			return 0;
		}
	}
	for (i = 0; i < bench; i++) {
		d = (struct ffa_send_direct_data){TEST_CMD_ECHO, i};
		t0 = ktime_get_ns();
		if (sp_req(sp1, true, &d) || d.data1 != i) {
			res->failed = "direct request";
			return 0;
		}
		res->t[i] = ktime_get_ns() - t0;
	}
	res->direct = median(res->t, bench);
	if (!mem_buf_alloc(&b, 1, 0)) {
		res->failed = "page allocation";
		return 0;
	}
	res->cycles = max(bench / 8, 1U);
	for (i = 0; i < res->cycles && !res->failed; i++) {
		t0 = ktime_get_ns();
		if (mem_give(&b, sp1, false, FFA_MEM_RW, 0))
			res->failed = "memory_share";
		else if (sp_retrieve(sp1, b.handle, self_id, FFA_MEM_RW, &d) ||
			 d.data0 != TEST_STATUS_OK || (u32)d.data1 != FFA_MEM_RETRIEVE_RESP)
			res->failed = "sp1's retrieve";
		else if (sp_mem(sp1, TEST_CMD_MEM_RELINQUISH, b.handle, 0, 0, &d) ||
			 d.data0 != TEST_STATUS_OK || (u32)d.data1 != FFA_SUCCESS_32)
			res->failed = "sp1's relinquish";
		else if (mem_reclaim(sp1, b.handle))
			res->failed = "memory_reclaim";
		else
			b.out = false;
		res->t[i] = ktime_get_ns() - t0;
	}
	res->share = median(res->t, res->cycles);
	mem_buf_free(&b);
	return 0;
}

static void tzv_bench(void)
{
	struct bench_result res = {0};

	res.t = kcalloc(bench, sizeof(*res.t), GFP_KERNEL);
	if (!sps[0].dev || !res.t) {
		pr_info("BENCH ERROR %s\n", res.t ? "sp1 is not on the FF-A bus" : "no memory");
		kfree(res.t);
		return;
	}
	work_on_cpu(0, bench_fn, &res);
	kfree(res.t);
	if (res.failed) {
		pr_info("BENCH ERROR %s failed\n", res.failed);
		return;
	}
	pr_info("BENCH linux_direct_req64 insns=%llu rounds=%u\n", res.direct - res.clock, bench);
	pr_info("BENCH linux_share_cycle insns=%llu rounds=%u\n", res.share - res.clock,
		res.cycles);
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

	sps[0].ecs = sp1_ecs;

	/*
	 * The virtual counter when the module loads: under QEMU's
	 * -icount shift=0 one tick is one instruction, and with the kernel
	 * log's timestamps this dates earlier events (e.g. the first FF-A
	 * call, at ffa_core's load) in instructions since reset.
	 */
	pr_info("tzv_ffa_test: loaded at counter %llu\n",
		(unsigned long long)__arch_counter_get_cntvct());
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
	if (bench)
		tzv_bench();
	else
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
