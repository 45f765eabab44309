/*
 * Interrupts for partitions: secure interrupts they own, virtual interrupts,
 * the non-secure interrupt actions (FF-A v1.2 chapter 8), and Hafnium's
 * paravirtual interface, which partitions written for Hafnium (OP-TEE, TF-A's
 * test partitions) drive their interrupts with.
 *
 * Physical interrupts. tzvisor owns the Secure side of the GIC. A
 * partition's manifest claims SPIs (`interrupts` of its device regions;
 * SGIs, PPIs and an SPI another partition claimed are refused at load).
 * Each is made Secure Group 1 with the manifest's priority and trigger,
 * routed to the primary CPU and enabled before any partition boots. A
 * Secure Group 1 interrupt reaches tzvisor as an IRQ while a partition runs
 * (HCR_EL2.IMO), and through the SPMD while the normal world runs
 * (FFA_INTERRUPT, answered FFA_NORMAL_WORLD_RESUME; the normal world never
 * notices). Either way tzvisor acknowledges it (ICC_IAR1_EL1) and drops its
 * priority at once; the interrupt cannot fire again (a level-triggered
 * source still asserted) until the owner deactivates it
 * (HF_INTERRUPT_DEACTIVATE). (EOImode 1 and ICC_DIR_EL1 would do this, but
 * QEMU ignores ICC_DIR_EL1 at Secure EL2: gic.c holds the SPI disabled from
 * the drop to the deactivation instead; see gic.h.) Nothing is lost and
 * nothing delivered twice: one
 * physical activation is one pending-taken-deactivated round of the virtual
 * ID. tzvisor's own interrupts (the S-EL2 timer, the kick SGI) it
 * deactivates itself; a stopped partition's interrupts are disabled and
 * whatever it had not finished is deactivated.
 *
 * Virtual interrupts. Each vCPU has the state machine of spmc/vint.h, which
 * drives HCR_EL2.VI/VF at every entry (S-EL1 partitions; an S-EL0 one gets
 * its interrupts as FFA_INTERRUPT w2 when it waits, and ends them with its
 * next FFA_MSG_WAIT or with DEACTIVATE). Delivery (irq_deliver) depends on
 * the target's state (FF-A v1.2 8.2; Hafnium's table of the same): WAITING
 * on a CPU it can run on: resumed with FFA_INTERRUPT (w2 = the ID; an S-EL1
 * partition then takes it with GET) and run now, in the secure-interrupt
 * runtime model: whoever it preempted (the normal world, or a partition,
 * unaware) continues when it calls FFA_MSG_WAIT. RUNNING here: the vIRQ is
 * raised at its next entry. RUNNING or WAITING on another CPU: that CPU is
 * kicked (the secure SGI 9), and re-enters it with the vIRQ or wakes it.
 * BLOCKED, PREEMPTED, INTERRUPTED, OFF: pending until it runs again. A vCPU
 * that calls FFA_MSG_WAIT with something enabled pending is answered
 * FFA_INTERRUPT instead (once per signal: one that ignores it then waits).
 * While a partition handles a secure interrupt (SPMC scheduled) or boots,
 * the priority mask holds every other interrupt off (Hafnium does the same);
 * they are taken when it is done.
 *
 * Special virtual IDs: 3 the emulated EL1 physical timer (spmc/vtimer.c), 4
 * managed exit, 5 notification pending (NPI), 9 IPI from another context of
 * the partition. An SPI's virtual ID is its INTID, and its enable state is
 * the partition's (all its contexts): it fires on the CPU it is routed to,
 * for the context pinned there (MP) or the only one (UP).
 *
 * Non-secure interrupts (FIQs while a partition runs; HCR_EL2.FMO). The
 * action is the least permissive of the call chain (queued < managed exit
 * < signaled, FF-A v1.2 8.3.1): queued: the priority mask (ICC_PMR_EL1 =
 * 0x80) holds them off while the chain runs, restored before the CPU
 * returns to the normal world, which then takes them. Signaled: the running
 * vCPU is preempted (INTERRUPTED), FFA_INTERRUPT goes to the normal world,
 * FFA_RUN resumes it; callers stay blocked. Managed exit: the running vCPU,
 * if its own partition asked for managed exit, gets virtual ID 4 (a vFIQ,
 * or a vIRQ with `managed-exit-virq`); the interrupt is not acknowledged and
 * the mask (0x80) keeps it from being taken again meanwhile. The partition
 * answers its pending request with a direct response of its own making, and
 * tzvisor then drops ID 4 (also when the request completed normally). A
 * callee in such a chain that did not ask for managed exit runs masked (the
 * chain's managed exit comes when control is back with the partition that
 * asked for it). A partition that ignores a managed exit for
 * IRQ_MANAGED_EXIT_MS (the S-EL2 timer), twice in a row (the bound is armed
 * again when it first passes, as the CPU may not have run the partition at
 * all meanwhile under QEMU's single-thread TCG), gets the signaled action instead,
 * with a warning: the chain is preempted as above and resumable by FFA_RUN.
 * (FFA_RUN cycles have no request to answer: there managed exit acts as
 * signaled.) Group 0 interrupts go to EL3 (FFA_EL3_INTR_HANDLE).
 *
 * Emulated device interrupts. The SPI of tzvisor's console UART, claimed
 * by the partition that emulates the UART (spmc/console_rx.c), is
 * tzvisor's physically: configured and routed as claimed, but enabled for
 * good, taken by console_rx, which moves the input and drives the virtual
 * ID from the emulated device's line (irq_emulated_level). The partition's
 * enable and DEACTIVATE act on the virtual side only; a line still high at
 * DEACTIVATE makes it pending again (level-sensitive); SEC_STATE is refused.
 *
 * Other partitions' secure interrupts while a partition runs (FF-A v1.2
 * 8.3; `other-s-interrupts-action`, Hafnium's binding): signaled (1, the
 * default): the owner's waiting context preempts the running chain, which
 * continues, registers intact, when the owner waits again. An S-EL1 owner
 * blocked further up the running chain is signalled too (FF-A v1.2 8.3,
 * as Hafnium): its pending direct request returns FFA_INTERRUPT, it
 * handles the vIRQ and resumes its callee with FFA_RUN (spmc/run.c,
 * irq_blocked_owner); an S-EL0 owner, or one blocked elsewhere, gets it
 * when it runs again. Queued (0, only with
 * ns-interrupts-action queued): the priority mask holds every interrupt off
 * while that partition runs; they are taken when its chain is done.
 *
 * Routing: an SPI goes to the CPU its manifest's `interrupts-target` names
 * (checked at load: a CPU of the platform, and for an MP partition one it
 * has a context on); without one, to the CPU of the context that enabled it
 * last. HF_INTERRUPT_RECONFIGURE(TARGET_PE) moves either. A CPU going off
 * (PSCI CPU_OFF) sends its SPIs to the lowest CPU still on, where the
 * owner's context for that CPU (or its only one) takes them; pending ones
 * follow (the GIC re-evaluates the route), so none is lost or taken twice.
 * An SPI with an `interrupts-target` goes back to its CPU at its CPU_ON.
 *
 * Limits: SP_MAX_INTERRUPTS SPIs per partition, SPIs only, one secure
 * interrupt chain per CPU at a time; RECONFIGURE's SEC_STATE is refused
 * while the SPI is in service.
 */
#include "spmc/irq.h"

#include <string.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/timer.h"
#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "plat/plat.h"
#include "spmc/console_rx.h"
#include "spmc/spmc.h"
#include "spmc/vtimer.h"

#define INTID_SPECIAL_FIRST 1020U /* ICC_IAR1_EL1: 1020-1023 are no interrupt */

/* A claimed SPI. */
struct spi {
	uint16_t intid;
	uint8_t sp; /* index in partitions[] */
	uint8_t cpu; /* routed to */
	int8_t home; /* the manifest's interrupts-target CPU; -1: none */
	bool secure;
	bool enabled; /* physically; for an emulated one, its forwarding to the partition */
	uint8_t prio;
	bool level;
	bool emulated; /* the console UART's, emulated for its partition (console_rx.c) */
	bool line; /* emulated: the device's line (irq_emulated_level) */
};

#define MAX_SPIS (SPMC_MAX_SPS * SP_MAX_INTERRUPTS)

static struct spinlock irq_lock; /* spis[] and the distributor's shared registers */
static struct spi spis[MAX_SPIS];
static unsigned int spi_count;

/* Per CPU: what only that CPU touches. */
struct irq_cpu {
	struct vcpu *wake[SPMC_MAX_SPS]; /* claimed to handle a virtual interrupt, oldest first */
	unsigned int wakes;
	bool pmr_saved; /* the normal world's priority mask is in pmr_nwd */
	uint8_t pmr_nwd, pmr_now;
	struct vcpu *me_vcpu; /* asked for a managed exit (this CPU's chain) */
	bool me_rearmed; /* its bound passed once and was armed again */
};

static struct irq_cpu irq_cpus[MAX_CPUS];

static struct irq_cpu *this_cpu(void)
{
	return &irq_cpus[cpu_this()->index];
}

static struct spi *spi_find(uint32_t intid)
{
	for (unsigned int i = 0; i < spi_count; i++) {
		if (spis[i].intid == intid) {
			return &spis[i];
		}
	}
	return NULL;
}

static unsigned int sp_index(const struct partition *sp)
{
	return (unsigned int)(sp - partitions);
}

/* A CPU's affinity for routing: its own once it booted, else from its index (plat). */
static uint64_t cpu_mpidr(unsigned int cpu)
{
	if (cpus[cpu].boots != 0) {
		return cpus[cpu].mpidr;
	}
	return (uint64_t)(cpu / plat.cpus_per_cluster) << 8 | cpu % plat.cpus_per_cluster;
}

/* --- loading and power ----------------------------------------------------------- */

void irq_init(void)
{
	spi_count = 0;
	memset(irq_cpus, 0, sizeof(irq_cpus));
	vtimer_reset();
}

bool irq_partition_load(struct partition *sp)
{
	const struct sp_manifest *m = &sp->m;
	unsigned int lines = gic_lines(plat.gicd_base);

	if (spi_count + m->int_count > MAX_SPIS) {
		LOG_ERROR("SP %s: manifest: interrupts: more than the %u SPIs tzvisor holds\n",
			  sp->name, MAX_SPIS);
		return false;
	}
	int home[SP_MAX_INTERRUPTS];
	for (unsigned int i = 0; i < m->int_count; i++) {
		const struct spi *other = spi_find(m->ints[i].id);
		if (other != NULL) {
			LOG_ERROR("SP %s: manifest: interrupts: INTID %u is %s's\n", sp->name,
				  m->ints[i].id, partitions[other->sp].name);
			return false;
		}
		if (m->ints[i].id >= lines) {
			LOG_ERROR("SP %s: manifest: interrupts: INTID %u is beyond the GIC's %u\n",
				  sp->name, m->ints[i].id, lines);
			return false;
		}
		/* interrupts-target: a CPU of this platform; for an MP partition one it has a
		 * context on (the context pinned there takes it). */
		uint64_t mpidr = m->ints[i].target_mpidr;
		home[i] = !m->ints[i].has_target ? -1
			  : (mpidr >> 24) == 0	 ? cpu_index_from_mpidr(mpidr)
						 : -1;
		if (m->ints[i].has_target &&
		    (home[i] < 0 ||
		     (m->exec_ctx_count > 1 && (unsigned int)home[i] >= m->exec_ctx_count))) {
			LOG_ERROR(
				"SP %s: manifest: interrupts-target: INTID %u: MPIDR 0x%llx is no "
				"CPU %s\n",
				sp->name, m->ints[i].id, (unsigned long long)mpidr,
				home[i] < 0 ? "of this platform"
					    : "the partition has a context on");
			return false;
		}
	}
	for (unsigned int i = 0; i < m->int_count; i++) {
		uint32_t a = m->ints[i].attrs;
		spis[spi_count++] = (struct spi){
			.intid = (uint16_t)m->ints[i].id,
			.sp = (uint8_t)sp_index(sp),
			.cpu = (uint8_t)(home[i] >= 0 ? (unsigned int)home[i] : cpu_this()->index),
			.home = (int8_t)home[i],
			.secure = (a & SP_INT_SECURE) != 0,
			.enabled = true,
			.prio = (uint8_t)(a & SP_INT_PRIO_MASK),
			.level = (a & SP_INT_LEVEL) != 0,
			.emulated = sp->uart_emulated && m->ints[i].id == plat.secure_uart_intid,
		};
	}
	/* Special IDs: managed exit (a vFIQ unless asked for a vIRQ) and NPI on from the start. */
	for (unsigned int c = 0; c < m->exec_ctx_count; c++) {
		struct vint *s = &sp->vcpus[c].vint;
		vint_init(s);
		vint_declare(s, VINT_TIMER, false, false);
		vint_declare(s, VINT_MANAGED_EXIT, true, !m->managed_exit_virq);
		vint_declare(s, VINT_NPI, true, false);
		vint_declare(s, VINT_IPI, false, false);
		/* An S-EL0 partition has no HVC to enable them: its own are on from the start. */
		for (unsigned int i = 0; i < m->int_count; i++) {
			CHECK(vint_declare(s, m->ints[i].id, sp->el0, false));
		}
		vtimer_init(&sp->vcpus[c].timer);
	}
	return true;
}

void irq_boot_config(void)
{
	for (unsigned int i = 0; i < spi_count; i++) {
		const struct spi *s = &spis[i];
		gic_spi_configure(plat.gicd_base, s->intid, s->secure, s->prio, s->level);
		gic_spi_route(plat.gicd_base, s->intid, cpu_mpidr(s->cpu));
		gic_spi_enable(plat.gicd_base, s->intid, true);
	}
}

void irq_cpu_init(unsigned int cpu)
{
	uint64_t rd = plat.gicr_base + (uint64_t)cpu * GICR_FRAME_STRIDE;

	gic_secure_cpu_init();
	/* TF-A makes PPIs non-secure at each CPU's boot: the S-EL2 timer is tzvisor's. */
	gic_local_to_secure(rd, ARCH_SEL2_TIMER_PPI, 0x00);
	gic_local_to_secure(rd, IRQ_KICK_SGI, 0x00);
	arch_ptimer_trap_init();
	arch_sel2_timer_off();
	irq_cpus[cpu].wakes = 0;
	irq_cpus[cpu].pmr_saved = false;
	irq_cpus[cpu].me_vcpu = NULL;
	/* The SPIs whose manifest targets this CPU come back from where CPU_OFF sent them. */
	sl_lock(&irq_lock);
	for (unsigned int i = 0; i < spi_count; i++) {
		if (spis[i].home == (int)cpu && spis[i].cpu != cpu) {
			spis[i].cpu = (uint8_t)cpu;
			gic_spi_route(plat.gicd_base, spis[i].intid, cpu_mpidr(cpu));
			LOG_INFO("INTID %u routed back to core %u (interrupts-target)\n",
				 spis[i].intid, cpu);
		}
	}
	sl_unlock(&irq_lock);
}

/* Lowest-numbered CPU that is on, other than `not`; `not` if none. */
static unsigned int other_cpu_on(unsigned int not )
{
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (i != not &&cpus[i].on) {
			return i;
		}
	}
	return not ;
}

void irq_cpu_off(unsigned int cpu)
{
	unsigned int to = other_cpu_on(cpu);

	/* Interrupts routed here would wait for the CPU to come back: route them on. */
	sl_lock(&irq_lock);
	for (unsigned int i = 0; i < spi_count && to != cpu; i++) {
		if (spis[i].cpu == cpu) {
			spis[i].cpu = (uint8_t)to;
			gic_spi_route(plat.gicd_base, spis[i].intid, cpu_mpidr(to));
			LOG_INFO("CPU_OFF: INTID %u routed from core %u to core %u\n",
				 spis[i].intid, cpu, to);
		}
	}
	sl_unlock(&irq_lock);
	vtimer_cpu_off(cpu, to);
	if (to != cpu) {
		gic_send_sgi(cpu_mpidr(to), IRQ_KICK_SGI); /* reprograms its timer */
	}
}

/* Ends the physical side of every SPI v still has pending or active (its lock held). */
static void end_physical(struct vcpu *v)
{
	const struct sp_manifest *m = &v->sp->m;

	for (unsigned int i = 0; i < m->int_count; i++) {
		uint32_t id = m->ints[i].id;
		if (vint_is_pending(&v->vint, id) || vint_is_active(&v->vint, id)) {
			gic_deactivate(id);
		}
		vint_withdraw(&v->vint, id);
	}
}

static void withdraw_all(struct vcpu *v)
{
	end_physical(v);
	vint_withdraw(&v->vint, VINT_TIMER);
	vint_withdraw(&v->vint, VINT_MANAGED_EXIT);
	vint_withdraw(&v->vint, VINT_NPI);
	vint_withdraw(&v->vint, VINT_IPI);
}

void irq_vcpu_off(struct vcpu *v)
{
	sl_lock(&v->sp->lock);
	withdraw_all(v);
	sl_unlock(&v->sp->lock);
	vtimer_vcpu_off(v);
}

void irq_partition_stopped(struct partition *sp)
{
	sl_lock(&irq_lock);
	for (unsigned int i = 0; i < spi_count; i++) {
		if (&partitions[spis[i].sp] == sp && spis[i].enabled) {
			if (!spis[i].emulated) {
				gic_spi_enable(plat.gicd_base, spis[i].intid, false);
			}
			spis[i].enabled = false;
		}
	}
	sl_unlock(&irq_lock);
	for (unsigned int c = 0; c < sp->vcpu_count; c++) {
		irq_vcpu_off(&sp->vcpus[c]);
	}
	struct irq_cpu *me = this_cpu();
	if (me->me_vcpu != NULL && me->me_vcpu->sp == sp) {
		me->me_vcpu = NULL;
		vtimer_set_deadline(0);
	}
}

/* --- delivery -------------------------------------------------------------------- */

static void wake_push(struct vcpu *v)
{
	struct irq_cpu *c = this_cpu();

	CHECK(c->wakes < SPMC_MAX_SPS);
	c->wake[c->wakes++] = v;
}

bool irq_wake_pending(void)
{
	return this_cpu()->wakes != 0;
}

struct vcpu *irq_wake_pop(void)
{
	struct irq_cpu *c = this_cpu();

	if (c->wakes == 0) {
		return NULL;
	}
	struct vcpu *v = c->wake[0];
	c->wakes--;
	for (unsigned int i = 0; i < c->wakes; i++) {
		c->wake[i] = c->wake[i + 1];
	}
	return v;
}

/*
 * The ID a vCPU is told of with FFA_INTERRUPT (its lock held): an S-EL1
 * partition's stays pending for GET; an S-EL0 partition has no GET, so it is
 * taken now.
 */
static uint32_t signal_id(struct vcpu *v)
{
	uint32_t id = v->sp->el0 ? vint_take(&v->vint) : vint_peek(&v->vint);

	v->intr_signaled = true;
	return id;
}

/* A waiting vCPU becomes this CPU's, to handle its interrupt (its lock held). */
static void claim(struct vcpu *v)
{
	struct ffa_value r = {.x = {FFA_INTERRUPT_32, 0, signal_id(v)}};

	v->state = VCPU_RUNNING;
	v->rtm = RTM_SEC_INT;
	v->preempted = NULL;
	ffa_answer(v->arch.regs.x, &r);
	wake_push(v);
}

/* A waiting vCPU with something to handle can run on this CPU: MP pinned here, or UP. */
static bool runs_here(const struct vcpu *v, unsigned int here)
{
	return v->sp->vcpu_count == 1 || v->index == here;
}

bool irq_deliver(struct vcpu *t, uint32_t vid)
{
	struct partition *sp = t->sp;
	unsigned int here = cpu_this()->index;
	int kick = -1;

	sl_lock(&sp->lock);
	if (sp->aborted || !vint_inject(&t->vint, vid)) {
		sl_unlock(&sp->lock);
		return false;
	}
	if (vint_ready(&t->vint)) {
		if (t->state == VCPU_WAITING) {
			if (runs_here(t, here)) {
				claim(t);
			} else {
				kick = (int)t->index;
			}
		} else if (t->state == VCPU_RUNNING && t->cpu != here) {
			kick = (int)t->cpu;
		}
	}
	sl_unlock(&sp->lock);
	if (kick >= 0) {
		gic_send_sgi(cpu_mpidr((unsigned int)kick), IRQ_KICK_SGI);
	}
	return true;
}

/* The kick SGI: claim this CPU's waiting vCPUs that have something to handle. */
static void kicked(unsigned int here)
{
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *sp = &partitions[i];
		struct vcpu *v = partition_vcpu_for_cpu(sp, here);
		if (v == NULL) {
			continue;
		}
		sl_lock(&sp->lock);
		if (!sp->aborted && v->state == VCPU_WAITING && vint_ready(&v->vint)) {
			claim(v);
		}
		sl_unlock(&sp->lock);
	}
	vtimer_reprogram();
}

void irq_notify(struct partition *sp, bool per_vcpu, unsigned int vcpu)
{
	if (!sp->m.notification_support) {
		return;
	}
	/* A global notification: the context that can run here now (a UP partition's only one). */
	struct vcpu *t = per_vcpu ? (vcpu < sp->vcpu_count ? &sp->vcpus[vcpu] : NULL)
				  : partition_vcpu_for_cpu(sp, cpu_this()->index);
	if (t == NULL) {
		t = &sp->vcpus[0];
	}
	irq_deliver(t, VINT_NPI);
}

/* The context an SPI is delivered to: the one for the CPU it is routed to, or the only one. */
static struct vcpu *spi_target(const struct spi *s)
{
	struct partition *sp = &partitions[s->sp];
	struct vcpu *t = partition_vcpu_for_cpu(sp, s->cpu);

	return t != NULL ? t : &sp->vcpus[0];
}

void irq_emulated_level(struct partition *sp, uint32_t intid, bool high)
{
	struct spi *s = spi_find(intid);

	if (s == NULL || !s->emulated || &partitions[s->sp] != sp) {
		return;
	}
	__atomic_store_n(&s->line, high, __ATOMIC_RELAXED);
	if (high) {
		if (__atomic_load_n(&s->enabled, __ATOMIC_RELAXED)) {
			irq_deliver(spi_target(s), intid);
		}
		return;
	}
	/* Low before it was taken: no longer pending (what was taken stays active). */
	sl_lock(&sp->lock);
	for (unsigned int i = 0; i < sp->vcpu_count; i++) {
		struct vcpu *v = &sp->vcpus[i];
		vint_unpend(&v->vint, intid);
		if (!vint_ready(&v->vint)) {
			v->intr_signaled = false; /* what it was told of is gone */
		}
	}
	sl_unlock(&sp->lock);
}

void irq_resp_check(struct vcpu *v)
{
	if (!v->sp->el0) {
		return; /* its vIRQ is raised at its next entry */
	}
	sl_lock(&v->sp->lock);
	if (!v->sp->aborted && v->state == VCPU_WAITING && vint_ready(&v->vint) &&
	    !v->intr_signaled) {
		claim(v);
	}
	sl_unlock(&v->sp->lock);
}

struct vcpu *irq_blocked_owner(const struct vcpu *cur)
{
	for (struct vcpu *c = cur->caller; c != NULL; c = c->caller) {
		if (!c->sp->el0 && c->state == VCPU_BLOCKED && c->chain_preempted == NULL &&
		    __atomic_load_n(&c->vint.ready_irq, __ATOMIC_RELAXED) != 0) {
			return c;
		}
	}
	return NULL;
}

bool irq_any_active(struct vcpu *v)
{
	bool active = false;

	sl_lock(&v->sp->lock);
	for (unsigned int i = 0; i < v->vint.count && !active; i++) {
		active = (v->vint.flags[i] & VINT_F_ACTIVE) != 0;
	}
	sl_unlock(&v->sp->lock);
	return active;
}

uint32_t irq_wait_check(struct vcpu *v)
{
	uint32_t id = VINT_NONE;

	sl_lock(&v->sp->lock);
	if (v->sp->el0) {
		/* Its FFA_MSG_WAIT completes what it handled (FF-A's completion for S-EL0). */
		for (unsigned int i = 0; i < v->sp->m.int_count; i++) {
			uint32_t spi = v->sp->m.ints[i].id;
			if (vint_deactivate(&v->vint, spi)) {
				gic_deactivate(spi);
			}
		}
		vint_deactivate(&v->vint, VINT_TIMER);
		vint_deactivate(&v->vint, VINT_NPI);
		vint_deactivate(&v->vint, VINT_IPI);
		v->intr_signaled = false;
	}
	if (vint_ready(&v->vint) && !v->intr_signaled) {
		id = signal_id(v);
	}
	sl_unlock(&v->sp->lock);
	return id;
}

/* --- physical interrupts --------------------------------------------------------- */

/* An SPI fired on this CPU: its owner's context for this CPU (MP) or its only one. */
static void spi_fired(uint32_t intid)
{
	struct spi *s = spi_find(intid);

	if (s == NULL) {
		gic_deactivate(intid); /* not a partition's: nothing will end it */
		return;
	}
	if (s->emulated) {
		console_rx_interrupt(); /* the partition hears of it through its emulated UART */
		gic_deactivate(intid);
		return;
	}
	struct partition *sp = &partitions[s->sp];
	struct vcpu *t = partition_vcpu_for_cpu(sp, cpu_this()->index);
	if (!irq_deliver(t != NULL ? t : &sp->vcpus[0], intid)) {
		gic_deactivate(intid); /* its partition stopped */
	}
}

/* The managed-exit bound passed on this CPU: true if the running chain is to be preempted. */
static bool managed_exit_expired(struct vcpu *cur)
{
	struct irq_cpu *c = this_cpu();
	struct vcpu *v = c->me_vcpu;

	if (v == NULL) {
		return false;
	}
	if (!c->me_rearmed) {
		/*
		 * The first bound may pass while this CPU did not run at all (QEMU's
		 * single-thread TCG gives each vCPU up to 100 ms in turn): the
		 * partition gets a second one, counted from now, while it runs.
		 */
		c->me_rearmed = true;
		vtimer_set_deadline(arch_counter() +
				    arch_counter_freq() * IRQ_MANAGED_EXIT_MS / 1000U);
		return false;
	}
	LOG_WARNING("SP %04x EC %u ignored a managed exit for 2 x %u ms: preempted as signaled\n",
		    v->sp->id, v->index, IRQ_MANAGED_EXIT_MS);
	sl_lock(&v->sp->lock);
	vint_withdraw(&v->vint, VINT_MANAGED_EXIT);
	sl_unlock(&v->sp->lock);
	c->me_vcpu = NULL;
	return cur != NULL && (cur->rtm == RTM_DIR_REQ || cur->rtm == RTM_FFA_RUN);
}

bool irq_physical(struct vcpu *cur)
{
	unsigned int here = cpu_this()->index;
	bool preempt = false;

	/* Everything pending now, bounded: a storm cannot keep tzvisor here. */
	for (unsigned int n = 0; n < 32U; n++) {
		unsigned int id = gic_secure_ack();
		if (id >= INTID_SPECIAL_FIRST) {
			break;
		}
		gic_priority_drop(id);
		if (id == ARCH_SEL2_TIMER_PPI) {
			/* Reprogrammed before it is deactivated: a level that still holds would
			 * refire. */
			if (vtimer_fire()) {
				preempt = managed_exit_expired(cur) || preempt;
			}
			gic_deactivate(id);
		} else if (id == IRQ_KICK_SGI) {
			gic_deactivate(id);
			kicked(here);
		} else if (id >= SP_INT_SPI_FIRST) {
			spi_fired(id);
		} else {
			gic_deactivate(id); /* a secure SGI or PPI nobody claimed */
		}
	}
	return preempt;
}

/* --- non-secure interrupts and the priority mask ------------------------------------ */

/* What the running vCPU's chain does with a non-secure interrupt right now. */
enum ns_policy { NS_MASK_ALL, NS_MASK, NS_MANAGED_EXIT, NS_SIGNALED };

static enum ns_policy ns_policy(const struct vcpu *v, const struct irq_cpu *c)
{
	if (v->rtm != RTM_DIR_REQ && v->rtm != RTM_FFA_RUN) {
		return NS_MASK_ALL; /* booting, or handling a secure interrupt */
	}
	if (v->sp->m.other_s_interrupts_action == SP_OTHER_S_INT_QUEUED) {
		/* other-s-interrupts-action 0: other partitions' interrupts wait too (Hafnium). */
		return NS_MASK_ALL;
	}
	if (v->req_fwk || c->me_vcpu != NULL || v->chain_preempted != NULL) {
		/* A power message; a managed exit under way; its chain preempted for its
		 * own interrupt (it cannot answer its requester now). */
		return NS_MASK;
	}
	switch (v->ns_action) {
	case SP_NS_INT_SIGNALED:
		return NS_SIGNALED;
	case SP_NS_INT_MANAGED_EXIT:
		/* Signalled to the partition that asked for it; its callees run masked. */
		return v->sp->m.ns_interrupts_action == SP_NS_INT_MANAGED_EXIT ? NS_MANAGED_EXIT
									       : NS_MASK;
	default:
		return NS_MASK;
	}
}

static void pmr_mask(struct irq_cpu *c, uint8_t mask)
{
	if (!c->pmr_saved) {
		c->pmr_nwd = gic_pmr_get();
		c->pmr_now = c->pmr_nwd;
		c->pmr_saved = true;
	}
	if (c->pmr_now != mask) {
		gic_pmr_set(mask);
		c->pmr_now = mask;
	}
}

/* The normal world's own mask back (if tzvisor changed it). */
static void pmr_open(struct irq_cpu *c)
{
	if (c->pmr_saved && c->pmr_now != c->pmr_nwd) {
		gic_pmr_set(c->pmr_nwd);
		c->pmr_now = c->pmr_nwd;
	}
}

void irq_vcpu_entry(struct vcpu *v)
{
	struct irq_cpu *c = this_cpu();
	uint64_t hcr = v->arch.cfg.hcr & ~(HCR_VI | HCR_VF);

	v->cpu = cpu_this()->index;
	if (!v->sp->el0) {
		/* Read without the lock: an injection from elsewhere kicks this CPU after. */
		hcr |= __atomic_load_n(&v->vint.ready_irq, __ATOMIC_RELAXED) != 0 ? HCR_VI : 0U;
		hcr |= __atomic_load_n(&v->vint.ready_fiq, __ATOMIC_RELAXED) != 0 ? HCR_VF : 0U;
	}
	v->arch.cfg.hcr = hcr;
	switch (ns_policy(v, c)) {
	case NS_MASK_ALL:
		pmr_mask(c, GIC_PRIO_MASK_ALL);
		break;
	case NS_MASK:
		pmr_mask(c, GIC_PRIO_MASK_NS);
		break;
	default:
		pmr_open(c);
		break;
	}
}

enum irq_ns_result irq_ns_interrupt(struct vcpu *cur)
{
	struct irq_cpu *c = this_cpu();

	if (gic_group0_pending() < INTID_SPECIAL_FIRST) {
		struct ffa_value r = {.x = {FFA_EL3_INTR_HANDLE_32}};
		arch_smc(&r); /* EL3 handles it and returns */
		return IRQ_NS_CONTINUE;
	}
	switch (ns_policy(cur, c)) {
	case NS_SIGNALED:
		return IRQ_NS_SIGNALED;
	case NS_MANAGED_EXIT:
		/*
		 * Not acknowledged: the mask (0x80 from the next entry on) keeps it
		 * pending for the normal world; the partition gets ID 4 instead.
		 */
		sl_lock(&cur->sp->lock);
		vint_inject(&cur->vint, VINT_MANAGED_EXIT);
		sl_unlock(&cur->sp->lock);
		c->me_vcpu = cur;
		c->me_rearmed = false;
		vtimer_set_deadline(arch_counter() +
				    arch_counter_freq() * IRQ_MANAGED_EXIT_MS / 1000U);
		return IRQ_NS_CONTINUE;
	default:
		return IRQ_NS_CONTINUE; /* taken before the mask was in place: it is now */
	}
}

/* The managed exit of this CPU's chain is over (its lock not held). */
static void managed_exit_end(struct irq_cpu *c)
{
	struct vcpu *v = c->me_vcpu;

	sl_lock(&v->sp->lock);
	vint_withdraw(&v->vint, VINT_MANAGED_EXIT);
	sl_unlock(&v->sp->lock);
	c->me_vcpu = NULL;
	vtimer_set_deadline(0);
}

void irq_request_done(struct vcpu *v)
{
	struct irq_cpu *c = this_cpu();

	if (__builtin_expect(c->me_vcpu == v, 0)) {
		managed_exit_end(c);
	}
}

void irq_leave_to_nwd(void)
{
	struct irq_cpu *c = this_cpu();

	if (__builtin_expect(c->me_vcpu != NULL, 0)) {
		managed_exit_end(c); /* preempted or yielded meanwhile: the request is stale */
	}
	if (c->pmr_saved) {
		pmr_open(c);
		c->pmr_saved = false;
	}
}

/* --- the paravirtual interface ------------------------------------------------------ */

/* HF_INTERRUPT_ENABLE: x1 = ID, x2 = 1 enable / 0 disable, x3 = 0 IRQ / 1 FIQ. */
static int64_t hf_enable(struct vcpu *v, uint64_t id, uint64_t enable, uint64_t type)
{
	struct partition *sp = v->sp;

	if (enable > 1 || type > 1 || id > UINT32_MAX || !vint_knows(&v->vint, (uint32_t)id)) {
		return -1;
	}
	struct spi *s = id >= SP_INT_SPI_FIRST ? spi_find((uint32_t)id) : NULL;
	sl_lock(&sp->lock);
	if (s == NULL) {
		vint_enable(&v->vint, (uint32_t)id, enable != 0, type != 0);
	} else {
		/* The partition's interrupt: the same for all its contexts. */
		for (unsigned int i = 0; i < sp->vcpu_count; i++) {
			vint_enable(&sp->vcpus[i].vint, (uint32_t)id, enable != 0, type != 0);
		}
	}
	sl_unlock(&sp->lock);
	if (s != NULL) {
		/* Physically too, and routed to the caller's CPU (Hafnium enables both) unless
		 * the manifest names its target. */
		sl_lock(&irq_lock);
		if (enable != 0 && s->home < 0 && s->cpu != v->cpu) {
			s->cpu = (uint8_t)v->cpu;
			gic_spi_route(plat.gicd_base, s->intid, cpu_mpidr(v->cpu));
		}
		if (s->enabled != (enable != 0)) {
			s->enabled = enable != 0;
			if (!s->emulated) {
				gic_spi_enable(plat.gicd_base, s->intid, s->enabled);
			}
		}
		sl_unlock(&irq_lock);
		if (s->emulated && s->enabled && __atomic_load_n(&s->line, __ATOMIC_RELAXED)) {
			irq_deliver(spi_target(s), s->intid); /* its line was already high */
		}
	}
	return 0;
}

/* HF_INTERRUPT_DEACTIVATE: x1 = physical ID, x2 = virtual ID (the same), active for v. */
static int64_t hf_deactivate(struct vcpu *v, uint64_t pint, uint64_t vint)
{
	if (pint != vint || vint > UINT32_MAX) {
		return -1;
	}
	const struct spi *s = vint >= SP_INT_SPI_FIRST ? spi_find((uint32_t)vint) : NULL;
	bool emulated = s != NULL && s->emulated;
	sl_lock(&v->sp->lock);
	bool ok = vint_deactivate(&v->vint, (uint32_t)vint);
	if (ok && vint >= SP_INT_SPI_FIRST && !emulated) {
		gic_deactivate((uint32_t)vint); /* the physical interrupt can fire again */
	}
	sl_unlock(&v->sp->lock);
	if (ok && emulated && s->enabled && __atomic_load_n(&s->line, __ATOMIC_RELAXED)) {
		irq_deliver(spi_target(s), s->intid); /* level-sensitive: still high */
	}
	return ok ? 0 : -1;
}

/* Some context of sp has the SPI pending or active (sp's lock held). */
static bool spi_in_service(const struct partition *sp, uint32_t id)
{
	for (unsigned int i = 0; i < sp->vcpu_count; i++) {
		if (vint_is_pending(&sp->vcpus[i].vint, id) ||
		    vint_is_active(&sp->vcpus[i].vint, id)) {
			return true;
		}
	}
	return false;
}

/* HF_INTERRUPT_RECONFIGURE: x1 = the partition's SPI, x2 = command, x3 = value. */
static int64_t hf_reconfigure(struct vcpu *v, uint64_t id, uint64_t cmd, uint64_t value)
{
	struct partition *sp = v->sp;
	struct spi *s =
		id >= SP_INT_SPI_FIRST && id < INTID_SPECIAL_FIRST ? spi_find((uint32_t)id) : NULL;
	int64_t rc = -1;

	if (s == NULL || &partitions[s->sp] != sp) {
		return -1;
	}
	sl_lock(&sp->lock);
	sl_lock(&irq_lock);
	switch (cmd) {
	case HF_RECONFIGURE_TARGET_PE:
		/* A CPU that is on; for an MP partition, one it has a context for. */
		if (value < MAX_CPUS && cpus[value].on &&
		    (sp->vcpu_count == 1 || value < sp->vcpu_count)) {
			s->cpu = (uint8_t)value;
			gic_spi_route(plat.gicd_base, s->intid, cpu_mpidr((unsigned int)value));
			rc = 0;
		}
		break;
	case HF_RECONFIGURE_SEC_STATE:
		/* The console UART's interrupt stays tzvisor's, and secure. */
		if (value <= 1 && !s->emulated && !spi_in_service(sp, s->intid)) {
			s->secure = value == 1;
			gic_spi_configure(plat.gicd_base, s->intid, s->secure, s->prio, s->level);
			rc = 0;
		}
		break;
	case HF_RECONFIGURE_ENABLE:
		if (value <= 1) {
			s->enabled = value == 1;
			if (!s->emulated) {
				gic_spi_enable(plat.gicd_base, s->intid, s->enabled);
			}
			rc = 0;
		}
		break;
	default:
		break;
	}
	sl_unlock(&irq_lock);
	sl_unlock(&sp->lock);
	if (rc == 0 && cmd == HF_RECONFIGURE_ENABLE && s->emulated && s->enabled &&
	    __atomic_load_n(&s->line, __ATOMIC_RELAXED)) {
		irq_deliver(spi_target(s), s->intid); /* held while disabled, as the GIC does */
	}
	return rc;
}

int64_t irq_hf_call(struct vcpu *v, const uint64_t *x)
{
	switch (x[0]) {
	case HF_INTERRUPT_ENABLE:
		return hf_enable(v, x[1], x[2], x[3]);
	case HF_INTERRUPT_GET: {
		sl_lock(&v->sp->lock);
		uint32_t id = vint_take(&v->vint);
		v->intr_signaled = false;
		sl_unlock(&v->sp->lock);
		return id; /* VINT_NONE: 0xFFFFFFFF, as a 64-bit value */
	}
	case HF_INTERRUPT_DEACTIVATE:
		return hf_deactivate(v, x[1], x[2]);
	case HF_INTERRUPT_RECONFIGURE:
		return hf_reconfigure(v, x[1], x[2], x[3]);
	case HF_INTERRUPT_SEND_IPI:
		if (x[1] >= v->sp->vcpu_count) {
			return -1;
		}
		irq_deliver(&v->sp->vcpus[x[1]], VINT_IPI);
		return 0;
	default:
		return -1; /* SMCCC NOT_SUPPORTED */
	}
}
