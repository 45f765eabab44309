/*
 * The VM manifest: a DTB (same style as the SPMC's manifests) that QEMU
 * hands over as the hypervisor's initrd. Binding:
 *
 *   / { compatible = "tzvisor,hyp-manifest-1.0";
 *       vm@N {                                   one per VM, in boot order
 *         compatible = "tzvisor,vm";
 *         vm-name = "linux";                     <= 15 characters
 *         vcpus = <4>;                           1..VM_MAX_VCPUS
 *         memory-size = <hi lo>;                 bytes, a multiple of 2 MiB
 *         kernel = <pa_hi pa_lo size_hi size_lo>;  where QEMU's loader put the Image
 *         initrd = <pa_hi pa_lo size_hi size_lo>;  optional
 *         bootargs = "...";                      optional
 *         poweroff-ends-machine;                 optional: its SYSTEM_OFF ends the run
 *         disk = <pa_hi pa_lo size_hi size_lo>;  optional: virtio-blk over this image
 *         net;                                   optional: virtio-net on tzvisor's switch
 *         rtc;                                   optional: the machine's PL031, passed through
 *         ffa-scheduler;                         optional, one VM, not a partition: it
 *                                                  gives the real SPMC's partitions cycles
 *                                                  (forwarding: their INFO_GET entries,
 *                                                  the SRI, FFA_RUN; hyp/ffa_fwd.c)
 *         ffa-partition {                        optional: an FF-A partition of the
 *           id = <0x8001>;                         emulated SPMC (no secure world):
 *           uuid = <u0 u1 u2 u3 ...>;              bit 15 set, unique; 1-4 UUIDs of
 *           messaging-method = <0x607>;            four cells; the FF-A manifest
 *           notification-support;                  binding's messaging bits
 *           vm-availability-messages = <3>;        optional: bit 0 "VM created",
 *         };                                       bit 1 "VM destroyed" (others: error)
 *       }; };
 */
#ifndef HYP_MANIFEST_H
#define HYP_MANIFEST_H

#include <stddef.h>

#include "hyp/vm.h"

enum manifest_err {
	MANIFEST_OK = 0,
	MANIFEST_EBLOB, /* not a well-formed DTB */
	MANIFEST_ECOMPAT, /* root or vm node compatible missing or wrong */
	MANIFEST_EMISSING, /* a required property is missing or has the wrong size */
	MANIFEST_ERANGE, /* a value out of range (vcpus, sizes, alignment, wrap) */
	MANIFEST_ETOOMANY, /* more VMs than VM_MAX, or none */
	MANIFEST_ENAME, /* name empty, too long or not printable */
};

/*
 * Parses the manifest at fdt (at most size bytes) into cfg[0..*count).
 * On failure returns the error and writes the node and property at fault
 * into where (NUL-terminated, truncated to where_len).
 */
enum manifest_err manifest_parse(const void *fdt, size_t size, struct vm_config *cfg,
				 unsigned int *count, char *where, size_t where_len);
const char *manifest_strerror(enum manifest_err e);

#endif
