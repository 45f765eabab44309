#!/usr/bin/env bash
# Guest kernel and user space for the hypervisor role (make run-linux): the
# same Debian kernel package and busybox-static as the Linux normal world.
# scripts/setup-linux.sh fetches them once, into the cache (never into git),
# through its private apt configuration; this step takes out what the guests
# need. Idempotent: a second run checks the unpacked files and prints "ok".
#
#   TZV_CACHE   cache folder (default ~/.cache/tzvisor)
# Output: $TZV_CACHE/hyp-linux/Image (raw arm64 Image), .../busybox (static),
# .../modules/*.ko: the kernel's own modules the guests' initramfs loads
# (virtio-mmio, virtio-blk, virtio-net, ext4), uncompressed for busybox insmod.
set -euo pipefail

CACHE=${TZV_CACHE:-$HOME/.cache/tzvisor}
NWD=$CACHE/linux-nwd
OUT=$CACHE/hyp-linux
step() { printf '[hyp-linux] %s\n' "$*"; }
die() { printf '[hyp-linux] error: %s\n' "$*" >&2; exit 1; }

# In load order: each after the modules it depends on (modinfo "depends=").
MODULES="crypto/crc32c_generic lib/crc16 fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4 drivers/virtio/virtio_mmio
	drivers/block/virtio_blk net/core/failover drivers/net/net_failover drivers/net/virtio_net"

"$(dirname "$0")/setup-linux.sh"
# What setup-linux.sh unpacked: "kernel linux-image-<release> <version>", "userland busybox-static <version>".
kernel=$(awk '$1 == "kernel" {print $2 "=" $3}' "$NWD/manifest.txt")
busybox=$(awk '$1 == "userland" && $2 == "busybox-static" {print $2 "=" $3}' "$NWD/manifest.txt")
[ -n "$kernel" ] && [ -n "$busybox" ] || die "no kernel or busybox in $NWD/manifest.txt"
stamp="$kernel $busybox modules:$(echo $MODULES)"
if [ -f "$OUT/.tzv-ok" ] && [ "$(cat "$OUT/.tzv-ok")" = "$stamp" ] && [ -f "$OUT/Image" ] &&
	[ -f "$OUT/busybox" ] && [ -f "$OUT/modules/order" ]; then
	step "guest kernel and busybox: ok ($OUT)"
	exit 0
fi

deb=$(ls "$NWD/dl/${kernel%%=*}"_*_arm64.deb 2>/dev/null | sort -V | tail -1)
[ -n "$deb" ] || die "no ${kernel%%=*} package in $NWD/dl"
rm -rf "$OUT" && mkdir -p "$OUT/x" "$OUT/modules"
cp "$NWD/Image" "$OUT/Image"
cp "$NWD/userland/usr/bin/busybox" "$OUT/busybox"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$OUT/x" --wildcards './lib/modules/*/kernel/*'
order=
for m in $MODULES; do
	src=$(ls "$OUT"/x/lib/modules/*/kernel/"$m".ko* | head -1)
	[ -n "$src" ] || die "module $m not in $deb"
	case "$src" in
	*.xz) xz -dc "$src" >"$OUT/modules/$(basename "$m").ko" ;;
	*) cp "$src" "$OUT/modules/$(basename "$m").ko" ;;
	esac
	order="$order $(basename "$m").ko"
done
echo $order >"$OUT/modules/order"
rm -rf "$OUT/x"
printf '%s' "$stamp" >"$OUT/.tzv-ok"
step "guest kernel ${kernel%%=*}, ${busybox%%=*}: $OUT"
