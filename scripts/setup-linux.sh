#!/usr/bin/env bash
# tzvisor Linux normal-world stack: fetches and unpacks, outside git, what the
# Linux scenario needs from Debian's archive (nothing downloaded is committed):
#
#   - Debian's arm64 kernel (bookworm-backports, pinned below): its Image, the
#     matching headers (+ -common) and linux-kbuild (amd64: its host tools run
#     here), to build modules out of tree;
#   - Debian's own `linux` source of the same version, of which only
#     drivers/firmware/arm_ffa and drivers/tee are unpacked (the FF-A transport
#     and OP-TEE's FF-A ABI are off in Debian's config: we build them as modules);
#   - arm64 userland from trixie: busybox-static, tee-supplicant, libteec2,
#     libckteec0t64, optee-test-qemu (xtest and its TAs) and their libraries.
#
# arm64 and trixie packages come through a private apt configuration under the
# cache (own lists, status and archives; APT::Architectures amd64 + arm64;
# trixie as a binary source with Debian's keyring), fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`: the host's apt sources
# and architectures are never changed.
#
# Idempotent: a second run only checks and prints "ok" lines. Needs the host
# set-up of scripts/setup.sh (cross compiler, dtc, apt sources) first.
#
#   TZV_CACHE          cache root (default ~/.cache/tzvisor); this script uses $TZV_CACHE/linux-nwd
#   LINUX_PKGVER       override the pinned kernel package version (bookworm-backports
#                      keeps only its newest kernel: bump the pin when it moves on)
set -euo pipefail

LINUX_PKGVER=${LINUX_PKGVER:-6.12.95-1~bpo12+1}
LINUX_UPSTREAM=${LINUX_PKGVER%%-*}                 # 6.12.95
LINUX_ABI=${LINUX_UPSTREAM}+deb12                  # 6.12.95+deb12
LINUX_FLAVOUR=${LINUX_ABI}-arm64                   # the kernel release (uname -r)
# trixie arm64 userland (the newest version in trixie, recorded in manifest.txt)
USERLAND_PKGS="busybox-static tee-supplicant libteec2 libckteec0t64 optee-test-qemu
	libc6 libssl3t64 zlib1g libzstd1"
# linux-kbuild's host tools (modpost, ...) link libelf, libcrypto (libssl3) and zlib.
HOST_PKGS="cpio gcc-12-aarch64-linux-gnu device-tree-compiler xz-utils make libelf1 libssl3"

CACHE=${TZV_CACHE:-$HOME/.cache/tzvisor}
L=$CACHE/linux-nwd
APT_DIR=$L/apt
DL=$L/dl
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR=http://deb.debian.org/debian

step() { printf '[setup-linux] %s\n' "$*"; }
die() { printf '[setup-linux] error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "run as root or install sudo"
	SUDO=sudo
fi
t_start=$(date +%s)

# --- host packages ---------------------------------------------------------
missing=
for p in $HOST_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	step "installing host packages:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		$missing >/dev/null
else
	step "host packages: ok"
fi

# --- the whole stack is there already? -----------------------------------------
# The stamp names exactly what was fetched; any change of pin or package list
# redoes the fetch (downloads already in $DL are reused by apt).
want_stamp="kernel $LINUX_PKGVER; userland $(echo $USERLAND_PKGS)"
if [ -f "$L/.tzv-ok" ] && [ "$(cat "$L/.tzv-ok")" = "$want_stamp" ]; then
	step "kernel $LINUX_FLAVOUR ($LINUX_PKGVER), headers, FF-A/TEE sources: ok ($L)"
	step "trixie arm64 userland: ok ($(grep -c '^userland ' "$L/manifest.txt") packages)"
	step "done"
	exit 0
fi
rm -f "$L/.tzv-ok"

# --- private apt configuration ---------------------------------------------
mkdir -p "$APT_DIR/etc/sources.list.d" "$APT_DIR/etc/preferences.d" \
	"$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$DL"
touch "$APT_DIR/status"
cat >"$APT_DIR/etc/sources.list" <<EOF
deb [arch=amd64,arm64 signed-by=$KEYRING] $MIRROR bookworm-backports main
deb-src [signed-by=$KEYRING] $MIRROR bookworm-backports main
deb [arch=arm64 signed-by=$KEYRING] $MIRROR trixie main
EOF
cat >"$APT_DIR/apt.conf" <<EOF
Dir::State::Lists "$APT_DIR/lists";
Dir::State::status "$APT_DIR/status";
Dir::Cache "$APT_DIR/cache";
Dir::Etc::sourcelist "$APT_DIR/etc/sources.list";
Dir::Etc::sourceparts "$APT_DIR/etc/sources.list.d";
Dir::Etc::preferences "$APT_DIR/etc/preferences";
Dir::Etc::preferencesparts "$APT_DIR/etc/preferences.d";
APT::Architecture "amd64";
APT::Architectures { "amd64"; "arm64"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$APT_DIR/apt.conf

# Bytes that came over the network: the lists plus every file fetched below.
dl_before=$(du -sb "$DL" | cut -f1)
lists_before=$(du -sb "$APT_DIR/lists" | cut -f1)
step "apt-get update (private: bookworm-backports amd64+arm64 and sources, trixie arm64)"
apt-get update -qq >"$L/apt-update.log" 2>&1 || { tail -5 "$L/apt-update.log"; die "apt-get update failed"; }

apt-cache madison "linux-image-$LINUX_FLAVOUR:arm64" | grep -qF "| $LINUX_PKGVER |" ||
	die "linux-image-$LINUX_FLAVOUR $LINUX_PKGVER is not in bookworm-backports any more;
  available: $(apt-cache madison 'linux-image-6.12.*-arm64:arm64' 2>/dev/null | awk '{print $3}' | sort -u | tr '\n' ' ')
  bump LINUX_PKGVER in $0"

# --- downloads ----------------------------------------------------------------
KERNEL_DEBS="linux-image-$LINUX_FLAVOUR:arm64=$LINUX_PKGVER
	linux-headers-$LINUX_FLAVOUR:arm64=$LINUX_PKGVER
	linux-headers-$LINUX_ABI-common=$LINUX_PKGVER
	linux-kbuild-$LINUX_ABI:amd64=$LINUX_PKGVER"
step "downloading the kernel, headers and kbuild ($LINUX_PKGVER) and the trixie userland"
userland_args=
for p in $USERLAND_PKGS; do userland_args="$userland_args $p:arm64"; done
(cd "$DL" && apt-get download -qq $KERNEL_DEBS $userland_args >"$L/download.log" 2>&1) ||
	{ tail -5 "$L/download.log"; die "apt-get download failed"; }
step "downloading Debian's linux $LINUX_PKGVER source (apt-get source --download-only)"
(cd "$DL" && apt-get source -qq --download-only "linux=$LINUX_PKGVER" >>"$L/download.log" 2>&1) ||
	{ tail -5 "$L/download.log"; die "apt-get source linux failed"; }

deb_of() { # package-name arch: the one downloaded .deb
	local f
	f=$(ls "$DL/$1"_*_"$2".deb 2>/dev/null | sort -V | tail -1)
	[ -n "$f" ] || die "no $1 ($2) in $DL"
	echo "$f"
}

# --- kernel: Image and a relocatable headers tree --------------------------
step "unpacking the kernel Image and the headers"
rm -rf "$L/kroot" "$L/Image"
mkdir -p "$L/kroot"
dpkg-deb --fsys-tarfile "$(deb_of "linux-image-$LINUX_FLAVOUR" arm64)" |
	tar -x -C "$L/kroot" "./boot/vmlinuz-$LINUX_FLAVOUR" "./boot/config-$LINUX_FLAVOUR"
# Debian's arm64 vmlinuz is already a raw Image (the EFI stub's PE header is
# the Image header), loadable as it is at 0x60000000.
mv "$L/kroot/boot/vmlinuz-$LINUX_FLAVOUR" "$L/Image"
for p in "linux-headers-$LINUX_FLAVOUR arm64" "linux-headers-$LINUX_ABI-common all" \
	"linux-kbuild-$LINUX_ABI amd64"; do
	# shellcheck disable=SC2086
	dpkg-deb -x "$(deb_of $p)" "$L/kroot"
done
KDIR=$L/kroot/usr/src/linux-headers-$LINUX_FLAVOUR
# The flavour's Makefile includes the -common one by absolute path; the
# scripts/tools links are relative and work where the tree is.
sed -i "s|^include /usr/src/|include $L/kroot/usr/src/|" "$KDIR/Makefile"
grep -q "^# CONFIG_ARM_FFA_TRANSPORT is not set" "$KDIR/.config" ||
	step "note: Debian's config now sets CONFIG_ARM_FFA_TRANSPORT (ours are built anyway)"
ln -sfn "$KDIR" "$L/kdir"

# --- the FF-A and TEE drivers' sources -------------------------------------
step "unpacking drivers/firmware/arm_ffa and drivers/tee from linux_$LINUX_UPSTREAM.orig.tar.xz"
rm -rf "$L/src" && mkdir -p "$L/src"
tar -xJf "$DL/linux_$LINUX_UPSTREAM.orig.tar.xz" -C "$L/src" --strip-components=2 \
	"linux-$LINUX_UPSTREAM/drivers/firmware/arm_ffa" "linux-$LINUX_UPSTREAM/drivers/tee"
mv "$L/src/firmware/arm_ffa" "$L/src/arm_ffa" && rmdir "$L/src/firmware"
# Debian's own patches: none of this version's touches these two folders (checked
# here, so that a new pin that does cannot be built without them by mistake).
tar -xJf "$DL/linux_$LINUX_PKGVER.debian.tar.xz" -C "$L/src" debian/patches
touching=$(grep -l -E '^\+\+\+ [^ ]*/drivers/(firmware/arm_ffa|tee)/' -r "$L/src/debian/patches" || true)
[ -z "$touching" ] || die "Debian patches touch the FF-A/TEE drivers, apply them: $touching"
rm -rf "$L/src/debian"
[ -f "$L/src/arm_ffa/driver.c" ] && [ -f "$L/src/tee/optee/ffa_abi.c" ] ||
	die "arm_ffa or tee sources incomplete in $L/src"

# --- userland ------------------------------------------------------------------
step "unpacking the arm64 userland"
rm -rf "$L/userland" && mkdir -p "$L/userland"
: >"$L/manifest.txt.tmp"
for p in $USERLAND_PKGS; do
	f=$(deb_of "$p" arm64)
	dpkg-deb -x "$f" "$L/userland"
	echo "userland $p $(dpkg-deb -f "$f" Version)" >>"$L/manifest.txt.tmp"
done
{
	echo "kernel linux-image-$LINUX_FLAVOUR $LINUX_PKGVER"
	echo "headers linux-headers-$LINUX_FLAVOUR linux-headers-$LINUX_ABI-common linux-kbuild-$LINUX_ABI $LINUX_PKGVER"
	echo "source linux $LINUX_PKGVER (drivers/firmware/arm_ffa, drivers/tee)"
	cat "$L/manifest.txt.tmp"
} >"$L/manifest.txt"
rm "$L/manifest.txt.tmp"

dl_bytes=$(($(du -sb "$DL" | cut -f1) - dl_before + $(du -sb "$APT_DIR/lists" | cut -f1) - lists_before))
step "fetched $((dl_bytes / 1048576)) MiB (package lists and files) in $(($(date +%s) - t_start)) s"
echo "fetch $dl_bytes bytes, $(($(date +%s) - t_start)) s, $(date -u +%Y-%m-%dT%H:%MZ)" >>"$L/manifest.txt"
echo "$want_stamp" >"$L/.tzv-ok"
step "done"
