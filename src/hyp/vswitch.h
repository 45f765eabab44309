/*
 * tzvisor's virtual Ethernet switch: every VM with a virtio-net device is a
 * port. A frame goes to the port whose MAC it is addressed to, or to every
 * other port when it is broadcast, multicast or unknown. A port without a
 * free receive buffer drops it (as a full NIC would).
 *
 * Lock order: a CPU holds one VM's lock at a time: frames are copied out of
 * the sender under its lock, then into each receiver under the receiver's.
 */
#ifndef HYP_VSWITCH_H
#define HYP_VSWITCH_H

#include "hyp/vm.h"

#define VSWITCH_MAX_PORTS VM_MAX

/* Adds the VM's virtio-net device `dev` as a port. */
void vswitch_attach(struct vm *vm, struct virtio_dev *dev);
/* Moves every frame the VM transmitted to its destinations (no lock held). */
void vswitch_tx(struct vm *vm, struct virtio_dev *dev);
/* Frames switched and dropped so far (the closing report). */
void vswitch_stats(unsigned long long *forwarded, unsigned long long *dropped);

#endif
