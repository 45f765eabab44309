#!/usr/bin/env bash
# tzvisor setup: installs exactly what the build and tests need on Debian 12,
# and fetches TF-A's source from Debian's archive into a cache outside git.
# Idempotent: a second run only checks and prints "ok" lines.
#
#   TZV_CACHE   where downloaded sources go (default: ~/.cache/tzvisor)
#   --with-gdb  also install gdb-multiarch (for make debug)
#   --with-clang  also install clang and libFuzzer (for make fuzz)
set -euo pipefail

TFA_VERSION=2.12.1+dfsg-1
TFA_UPSTREAM=2.12.1
DTC_VERSION=1.7.2-2
DTC_UPSTREAM=1.7.2
CACHE=${TZV_CACHE:-$HOME/.cache/tzvisor}

step() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "run as root or install sudo"
	SUDO=sudo
fi

# --- apt sources -----------------------------------------------------------
# bookworm-backports as binary (QEMU 10); trixie as deb-src only (TF-A 2.12.1),
# pinned to -1 so that no trixie binary can ever be installed.
SRC=/etc/apt/sources.list.d/tzvisor.sources
PIN=/etc/apt/preferences.d/tzvisor-no-trixie
want_src=$(cat <<'S'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
S
)
want_pin=$(cat <<'S'
Package: *
Pin: release n=trixie
Pin-Priority: -1
S
)
need_update=0
if [ "$(cat "$SRC" 2>/dev/null)" != "$want_src" ]; then
	step "adding apt sources: bookworm-backports (deb), trixie (deb-src only)"
	printf '%s\n' "$want_src" | $SUDO tee "$SRC" >/dev/null
	need_update=1
else
	step "apt sources: ok"
fi
if [ "$(cat "$PIN" 2>/dev/null)" != "$want_pin" ]; then
	printf '%s\n' "$want_pin" | $SUDO tee "$PIN" >/dev/null
	need_update=1
fi

# --- packages --------------------------------------------------------------
PKGS="make gcc libc6-dev git python3 dpkg-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      device-tree-compiler libssl-dev libcmocka-dev clang-format cppcheck"
[ "${1:-}" = "--with-gdb" ] && PKGS="$PKGS gdb-multiarch"
[ "${1:-}" = "--with-clang" ] && PKGS="$PKGS clang-14 libclang-rt-14-dev"
BPO_PKGS="qemu-system-arm"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
qemu_ok=0
if command -v qemu-system-aarch64 >/dev/null; then
	qv=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${qv:-0}" -ge 10 ] && qemu_ok=1
fi
if [ -n "$missing" ] || [ $qemu_ok -eq 0 ] || [ $need_update -eq 1 ]; then
	step "apt-get update"
	$SUDO apt-get update -qq
fi
if [ -n "$missing" ]; then
	step "installing:$missing"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	step "host packages: ok"
fi
if [ $qemu_ok -eq 0 ]; then
	step "installing $BPO_PKGS from bookworm-backports (QEMU 10)"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports $BPO_PKGS >/dev/null
fi
step "qemu: $(qemu-system-aarch64 --version | head -1)"

# --- sources from Debian's archive -----------------------------------------
# apt-get source checks the tarballs against the hashes of the Sources index,
# whose Release file apt has verified (dpkg-source's own inline-signature
# check has no keyring here and only warns).
fetch_source() { # package version dir check-file
	local pkg=$1 ver=$2 dir=$3 check=$4
	if [ -f "$dir/.tzv-ok" ]; then
		step "$pkg source: ok ($dir)"
		return
	fi
	step "fetching $pkg $ver source (apt-get source)"
	mkdir -p "$CACHE/dl"
	rm -rf "$dir"
	(cd "$CACHE/dl" && apt-get source -qq --download-only "$pkg=$ver" \
		>"$CACHE/dl/$pkg.log" 2>&1 || true)
	if [ -f "$CACHE/dl/${pkg}_${ver}.dsc" ]; then
		step "unpacking $pkg source with Debian's patches"
		dpkg-source -x "$CACHE/dl/${pkg}_${ver}.dsc" "$dir" 2>&1 |
			grep -v -e gpgv -e "cannot verify" -e "^dpkg-source: info" || true
	else
		# The archive has been seen to answer 404 for a .dsc while serving the
		# upstream tarball: check that tarball against the SHA-256 in the
		# Sources record apt verified, and unpack it without Debian's patches.
		local orig sum
		orig=$(ls "$CACHE/dl/${pkg}_"*.orig.tar.* 2>/dev/null | head -1)
		[ -n "$orig" ] || die "apt-get source $pkg=$ver fetched nothing"
		sum=$(apt-cache showsrc "$pkg" | awk -v f="$(basename "$orig")" \
			'/^Checksums-Sha256:/{c=1;next} /^[^ ]/{c=0} c && $3==f {print $1; exit}')
		[ -n "$sum" ] || die "no SHA-256 for $(basename "$orig") in apt's Sources index"
		echo "$sum  $orig" | sha256sum -c --quiet - || die "$(basename "$orig"): checksum mismatch"
		step "unpacking verified $(basename "$orig") (the archive did not serve the .dsc)"
		mkdir -p "$dir"
		tar -xf "$orig" -C "$dir" --strip-components=1
	fi
	[ -f "$dir/$check" ] || die "$pkg tree incomplete: no $check"
	touch "$dir/.tzv-ok"
}
fetch_source arm-trusted-firmware "$TFA_VERSION" "$CACHE/arm-trusted-firmware-$TFA_UPSTREAM" \
	include/services/ffa_svc.h
fetch_source device-tree-compiler "$DTC_VERSION" "$CACHE/device-tree-compiler-$DTC_UPSTREAM" \
	libfdt/fdt_check.c
step "done"
