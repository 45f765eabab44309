/*
 * Dispatch of guests' MMIO to the device models (vuart, vgic, virtio), one
 * plain switch on the kind; each model is in its own file and knows nothing
 * of the scheduler. Interrupt lines are recomputed after each access.
 */
#include "hyp/vdev.h"

#include "core/console.h"
#include "hyp/vswitch.h"

uint32_t vdev_virtio_irq(struct vm *vm, struct virtio_dev *dev)
{
	for (unsigned int i = 0; i < vm->dev_count; i++) {
		const struct vdev *d = &vm->devs[i];
		if (d->kind == VDEV_VIRTIO && &vm->virtio[d->idx] == dev) {
			return vgic_set_level(&vm->vgic, 0, d->intid, virtio_irq_level(dev));
		}
	}
	return 0;
}

void vdev_virtio_report(const struct vm *vm, const struct virtio_dev *dev, enum vq_err e)
{
	LOG_WARNING("VM %u (%s): virtio-%s: %s: device needs reset\n", vm->id, vm->cfg.name,
		    dev->device_id == VIRTIO_ID_BLK ? "blk" : "net", virtq_strerror(e));
}

bool vdev_access(struct vm *vm, struct vdev *d, uint64_t off, unsigned int size, bool write,
		 uint64_t *val)
{
	bool ok = false, net_tx = false;
	uint32_t wake = 0;
	enum vq_err e = VQ_OK;
	struct virtio_dev *vd = d->kind == VDEV_VIRTIO ? &vm->virtio[d->idx] : NULL;

	sl_lock(&vm->lock);
	switch (d->kind) {
	case VDEV_UART:
		ok = vuart_mmio(&vm->uart, off, size, write, val);
		/* Its interrupt line follows its state (a level-triggered SPI). */
		wake = vgic_set_level(&vm->vgic, 0, d->intid, vuart_irq_level(&vm->uart));
		break;
	case VDEV_GICD:
		ok = vgic_dist_mmio(&vm->vgic, off, size, write, val);
		break;
	case VDEV_GICR:
		ok = vgic_redist_mmio(&vm->vgic, off, size, write, val);
		break;
	case VDEV_VIRTIO: {
		struct guest_mem gm = vm_guest_mem(vm);
		struct virtio_io io;
		ok = virtio_mmio(vd, &gm, off, size, write, val, &io);
		if (io.notify && vd->device_id == VIRTIO_ID_BLK) {
			e = virtio_blk_notify(vd, &gm);
		} else if (io.notify && vd->device_id == VIRTIO_ID_NET && io.queue == VNET_TXQ) {
			net_tx = true; /* after the lock: the switch takes the receivers' */
		}
		if (e != VQ_OK) {
			virtio_fail(vd, e);
		}
		if (ok && write && vd->error != VQ_OK && e == VQ_OK &&
		    (vd->status & VIRTIO_STATUS_NEEDS_RESET) != 0 && off == 0x44) {
			e = vd->error; /* QueueReady refused the rings */
		}
		wake = vgic_set_level(&vm->vgic, 0, d->intid, virtio_irq_level(vd));
		break;
	}
	}
	sl_unlock(&vm->lock);
	if (e != VQ_OK) {
		vdev_virtio_report(vm, vd, e);
	}
	vm_wake(vm, wake);
	if (net_tx) {
		vswitch_tx(vm, vd);
	}
	return ok;
}
