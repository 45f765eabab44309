/*
 * The emulated devices of a VM as the run loop reaches them: one MMIO entry
 * point that dispatches on the device kind, and the helpers virtio models
 * share with the switch.
 */
#ifndef HYP_VDEV_H
#define HYP_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "hyp/vm.h"

/*
 * One guest access of `size` bytes at `off` in device `d` of `vm` (takes
 * the VM's lock). False when the device refuses it: the VM is then stopped.
 */
bool vdev_access(struct vm *vm, struct vdev *d, uint64_t off, unsigned int size, bool write,
		 uint64_t *val);
/* The interrupt line of a virtio device follows its ISR (vm->lock held): vCPUs to wake. */
uint32_t vdev_virtio_irq(struct vm *vm, struct virtio_dev *dev);
/* Logs a ring error that made a virtio device need a reset (no lock held). */
void vdev_virtio_report(const struct vm *vm, const struct virtio_dev *dev, enum vq_err e);

#endif
