/* The virtual switch between VMs' virtio-net devices (see vswitch.h). */
#include "hyp/vswitch.h"

#include <string.h>

#include "core/console.h"
#include "core/cpu.h"
#include "hyp/hyp.h"
#include "hyp/vdev.h"

#define BATCH 8U

struct port {
	struct vm *vm;
	struct virtio_dev *dev;
};

static struct port ports[VSWITCH_MAX_PORTS];
static unsigned int nports;
static unsigned long long forwarded, dropped;
/* Per CPU: frames between leaving the sender and entering the receivers. */
static struct vnet_frame staging[MAX_CPUS][BATCH];

void vswitch_attach(struct vm *vm, struct virtio_dev *dev)
{
	if (nports < VSWITCH_MAX_PORTS) {
		ports[nports++] = (struct port){vm, dev};
	}
}

static void deliver(const struct port *p, const struct vnet_frame *f)
{
	struct vm *vm = p->vm;
	struct guest_mem gm = vm_guest_mem(vm);
	enum vq_err e;

	sl_lock(&vm->lock);
	bool ok = vm->state == VM_RUNNING && virtio_net_rx(p->dev, &gm, f, &e);
	if (e != VQ_OK) {
		virtio_fail(p->dev, e);
	}
	uint32_t wake = vdev_virtio_irq(vm, p->dev);
	sl_unlock(&vm->lock);
	if (e != VQ_OK) {
		vdev_virtio_report(vm, p->dev, e);
	}
	vm_wake(vm, wake);
	__atomic_add_fetch(ok ? &forwarded : &dropped, 1, __ATOMIC_RELAXED);
}

void vswitch_tx(struct vm *vm, struct virtio_dev *dev)
{
	struct vnet_frame *f = staging[cpu_this()->index];
	struct guest_mem gm = vm_guest_mem(vm);
	enum vq_err e;

	for (;;) {
		sl_lock(&vm->lock);
		unsigned int n = virtio_net_tx(dev, &gm, f, BATCH, &e);
		if (e != VQ_OK) {
			virtio_fail(dev, e);
		}
		uint32_t wake = vdev_virtio_irq(vm, dev);
		sl_unlock(&vm->lock);
		vm_wake(vm, wake);
		if (e != VQ_OK) {
			vdev_virtio_report(vm, dev, e);
		}
		for (unsigned int i = 0; i < n; i++) {
			bool group = (f[i].data[0] & 1U) != 0; /* broadcast or multicast */
			const struct port *to = NULL;
			for (unsigned int p = 0; p < nports && !group; p++) {
				if (memcmp(ports[p].dev->u.net.mac, f[i].data, 6) == 0) {
					to = &ports[p];
				}
			}
			for (unsigned int p = 0; p < nports; p++) {
				if (ports[p].dev != dev && (to == NULL || to == &ports[p])) {
					deliver(&ports[p], &f[i]);
				}
			}
		}
		if (n < BATCH) {
			return;
		}
	}
}

void vswitch_stats(unsigned long long *fw, unsigned long long *dr)
{
	*fw = __atomic_load_n(&forwarded, __ATOMIC_RELAXED);
	*dr = __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
