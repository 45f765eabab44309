#!/usr/bin/env python3
"""Builds the guests' initramfs: a gzip'd "newc" cpio archive (the format
Linux unpacks, see Documentation/driver-api/early-userspace) holding a static
busybox, an /init script and the kernel modules in MODULES_DIR (listed in
load order in MODULES_DIR/order), written here without the cpio tool.

    hyp_rootfs.py OUT.cpio.gz BUSYBOX INIT MODULES_DIR
"""
import gzip
import os
import stat
import sys


def entry(name, mode, data=b"", rdev=(0, 0), ino=[1]):
    ino[0] += 1
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0))
    out = hdr.encode() + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def main():
    out, busybox, init, modules = sys.argv[1:5]
    parts = []
    for d in ("bin", "dev", "proc", "sys", "tmp", "mnt", "etc", "root"):
        parts.append(entry(d, stat.S_IFDIR | 0o755))
    parts.append(entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)))
    parts.append(entry("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3)))
    parts.append(entry("bin/busybox", stat.S_IFREG | 0o755, open(busybox, "rb").read()))
    parts.append(entry("bin/sh", stat.S_IFLNK | 0o777, b"busybox"))
    parts.append(entry("init", stat.S_IFREG | 0o755, open(init, "rb").read()))
    parts.append(entry("lib", stat.S_IFDIR | 0o755))
    parts.append(entry("lib/modules", stat.S_IFDIR | 0o755))
    order = open(os.path.join(modules, "order")).read().split()
    parts.append(entry("lib/modules/order", stat.S_IFREG | 0o644, (" ".join(order) + "\n").encode()))
    for m in order:
        parts.append(entry("lib/modules/" + m, stat.S_IFREG | 0o644,
                           open(os.path.join(modules, m), "rb").read()))
    parts.append(entry("TRAILER!!!", 0))
    blob = b"".join(parts)
    blob += b"\0" * (-len(blob) % 512)
    tmp = out + ".tmp"
    # mtime=0: the same inputs give the same archive.
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as z:
        z.write(blob)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
