#!/usr/bin/env bash
# Guest kernel and user space for the hypervisor role (make run-linux):
# Debian's own arm64 kernel from bookworm-backports and busybox-static, both
# downloaded as packages into the cache (never into git) with a private apt
# configuration: its own sources, lists, status and cache under the cache, so
# that the host's apt sources and architectures stay as they are.
# Idempotent: a second run checks the unpacked files and prints "ok".
#
#   TZV_CACHE   cache folder (default ~/.cache/tzvisor)
# Output: $TZV_CACHE/hyp-linux/Image (raw arm64 Image), .../busybox (static),
# .../modules/*.ko: the kernel's own modules the guests' initramfs loads
# (virtio-mmio, virtio-blk, virtio-net, ext4), uncompressed for busybox insmod.
set -euo pipefail

# Pinned: the newest linux-image-6.12.*-arm64 in bookworm-backports when this was written.
KERNEL_PKG=linux-image-6.12.95+deb12-arm64
KERNEL_VER=6.12.95-1~bpo12+1
BUSYBOX_PKG=busybox-static
BUSYBOX_VER=1:1.35.0-4+deb12u1+b1

CACHE=${TZV_CACHE:-$HOME/.cache/tzvisor}
APT=$CACHE/hyp-apt
OUT=$CACHE/hyp-linux
step() { printf '[hyp-linux] %s\n' "$*"; }
die() { printf '[hyp-linux] error: %s\n' "$*" >&2; exit 1; }

# In load order: each after the modules it depends on (modinfo "depends=").
MODULES="crypto/crc32c_generic lib/crc16 fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4 drivers/virtio/virtio_mmio
	drivers/block/virtio_blk net/core/failover drivers/net/net_failover drivers/net/virtio_net"
stamp="$KERNEL_PKG=$KERNEL_VER $BUSYBOX_PKG=$BUSYBOX_VER modules:$(echo $MODULES)"
if [ -f "$OUT/.tzv-ok" ] && [ "$(cat "$OUT/.tzv-ok")" = "$stamp" ] && [ -f "$OUT/Image" ] &&
	[ -f "$OUT/busybox" ] && [ -f "$OUT/modules/order" ]; then
	step "guest kernel and busybox: ok ($OUT)"
	exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc" "$OUT"
touch "$APT/status"
cat >"$APT/etc/sources.list" <<'S'
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
S
mkdir -p "$APT/etc/parts"
APT_OPTS=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o Dir::Etc::SourceList="$APT/etc/sources.list" -o Dir::Etc::SourceParts="$APT/etc/parts"
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APT/etc/parts"
	-o Dir::State::Lists="$APT/lists" -o Dir::State::status="$APT/status"
	-o Dir::Cache="$APT/cache" -o APT::Sandbox::User=root)

step "apt-get update (private arm64 lists in $APT)"
apt-get -qq "${APT_OPTS[@]}" update
mkdir -p "$CACHE/dl"
for p in "$KERNEL_PKG=$KERNEL_VER" "$BUSYBOX_PKG=$BUSYBOX_VER"; do
	# apt-get download names the file <package>_<version, ':' as %3a>_arm64.deb.
	deb="$CACHE/dl/${p%%=*}_$(echo "${p#*=}" | sed 's/:/%3a/')_arm64.deb"
	if [ -f "$deb" ]; then
		continue # apt-get download checked its hash when it fetched it
	fi
	step "downloading $p"
	(cd "$CACHE/dl" && apt-get -qq "${APT_OPTS[@]}" download "$p") ||
		die "apt-get download $p failed"
done

rm -rf "$OUT/x"
mkdir -p "$OUT/x"
dpkg-deb -x "$CACHE/dl/${KERNEL_PKG}_${KERNEL_VER/1:/}_arm64.deb" "$OUT/x" 2>/dev/null ||
	dpkg-deb -x "$(ls "$CACHE/dl/${KERNEL_PKG}_"*_arm64.deb | head -1)" "$OUT/x"
dpkg-deb -x "$(ls "$CACHE/dl/${BUSYBOX_PKG}_"*_arm64.deb | head -1)" "$OUT/x"
img=$(ls "$OUT"/x/boot/vmlinuz-* | head -1)
[ -n "$img" ] || die "no vmlinuz in $KERNEL_PKG"
# Debian's arm64 vmlinuz is a raw Image (magic "ARMd" at 0x38), or gzip on some releases.
if [ "$(od -An -c -j56 -N4 "$img" | tr -d ' ')" = "ARMd" ]; then
	cp "$img" "$OUT/Image"
else
	gzip -dc <"$img" >"$OUT/Image" || die "$img is neither a raw Image nor gzip"
fi
cp "$OUT/x/bin/busybox" "$OUT/busybox"
rm -rf "$OUT/modules"
mkdir -p "$OUT/modules"
order=
for m in $MODULES; do
	src=$(ls "$OUT"/x/lib/modules/*/kernel/"$m".ko* | head -1)
	[ -n "$src" ] || die "module $m not in $KERNEL_PKG"
	case "$src" in
	*.xz) xz -dc "$src" >"$OUT/modules/$(basename "$m").ko" ;;
	*) cp "$src" "$OUT/modules/$(basename "$m").ko" ;;
	esac
	order="$order $(basename "$m").ko"
done
echo $order >"$OUT/modules/order"
rm -rf "$OUT/x"
printf '%s' "$stamp" >"$OUT/.tzv-ok"
step "guest kernel $(basename "$img"), busybox: $OUT"
