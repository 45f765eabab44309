#!/usr/bin/env bash
# Builds the Linux normal world's initramfs (an uncompressed newc cpio: QEMU
# loads it into memory as it is, and the kernel need not decompress it, which
# under TCG costs more than the extra megabytes):
#
#   mk-linux-initramfs.sh OUT.cpio USERLAND_DIR INIT MODULE.ko...
#
# USERLAND_DIR is the unpacked arm64 packages (scripts/setup-linux.sh):
# busybox-static, glibc and the libraries of tee-supplicant and xtest, the
# TAs. The tree is merged-/usr like trixie (/bin, /sbin, /lib are links into
# /usr). Modules go to /lib/modules/tzvisor, INIT to /init.
set -euo pipefail

out=$1 userland=$2 init=$3
shift 3
root=$(realpath -m "$out.d")
rm -rf "$root"
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,proc,sys,dev,tmp,run,root,etc,var/lib}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"

# busybox (static) and the programs of the OP-TEE client and test packages.
cp "$userland/usr/bin/busybox" "$root/usr/bin/"
ln -s busybox "$root/usr/bin/sh"
cp "$userland/usr/bin/xtest" "$root/usr/bin/"
cp "$userland/usr/sbin/tee-supplicant" "$root/usr/sbin/"
cp -r "$userland/usr/lib/tee-supplicant" "$root/usr/lib/"
# Trusted applications: /lib/optee_armtz (= /usr/lib/optee_armtz).
cp -r "$userland/usr/lib/optee_armtz" "$root/usr/lib/"
# Shared libraries: everything the packages put in the multiarch folder except
# glibc's charset converters and OpenSSL's engines (nothing here loads them).
mkdir -p "$root/usr/lib/aarch64-linux-gnu"
for f in "$userland"/usr/lib/aarch64-linux-gnu/*.so*; do
	cp -a "$f" "$root/usr/lib/aarch64-linux-gnu/"
done
cp -a "$userland/usr/lib/ld-linux-aarch64.so.1" "$root/usr/lib/"
mkdir -p "$root/etc/ld.so.conf.d"
cp "$userland/etc/ld.so.conf.d/aarch64-linux-gnu.conf" "$root/etc/ld.so.conf.d/"
echo "include /etc/ld.so.conf.d/*.conf" >"$root/etc/ld.so.conf"
mkdir -p "$root/var/lib/optee-client/data/tee"

mkdir -p "$root/lib/modules/tzvisor"
for m in "$@"; do
	cp "$m" "$root/lib/modules/tzvisor/"
done
install -m 0755 "$init" "$root/init"

# Same bytes for the same inputs: sorted names, fixed owner and times.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --reproducible --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
