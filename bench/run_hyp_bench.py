#!/usr/bin/env python3
"""`make bench`, the hypervisor part: tzvisor at NS-EL2 against Linux booted
natively by QEMU, and the costs of its trap and device paths.

QEMU runs with -icount shift=0,align=off,sleep=off: virtual time advances one
nanosecond per instruction and the counter runs at 1 GHz, so guest-side
times are instruction counts (tzvisor's and the guests' together) and do
not depend on the host's load. Wall times are the host's, for the record.

Runs (each once; -icount makes them repeatable):
  native   Debian's kernel and the same initramfs, booted by QEMU itself at EL1
  linux    the same kernel in a 4-vCPU VM under tzvisor (virtio-blk disk)
  linux2vm two VMs (4 + 2 vCPUs) connected by tzvisor's virtual switch
  guest    the bare-metal guest's suite (bench/hyp_bench_guest.c)
  guest_ffa  its FF-A round trips to tzvisor's emulated SPMC (-smp 1: the
           partition VM shares the guest's CPU)
  guest_fwd  the same forwarded by tzvisor (BL33, SECURE=1) to tzvisor's SPMC
  linux_nwd_ffa  Linux as the normal world above tzvisor's SPMC (mk/linux.mk):
           tzv_ffa_test times DIRECT_REQ_64 to sp1 and 1-page share cycles
           through Linux's FF-A driver (tzv.bench)
  linux_fwd_ffa  the same Linux and module in a VM, forwarded by tzvisor
Figures: boot to /init (the kernel's own printk clock at "Run /init", in
instructions since its clock started; and host seconds since QEMU started),
the ratio to native (target <= 1.3), HVC and MMIO round trips, virtual timer
latency, virtio-blk read throughput, virtio-net round trip between the VMs,
FFA_ID_GET and a DIRECT_REQ_64 round trip through tzvisor (emulated and
forwarded), and through Linux's FF-A driver, bare and in a forwarding VM
(the difference is what tzvisor at NS-EL2 adds). Results: a table and
build/bench-hyp.json.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

TARGET_RATIO = 1.3


def run(name, cmd, build, timeout=900):
    """Runs QEMU to its exit; returns (lines, {line index: host seconds})."""
    log_path = os.path.join(build, "logs", "bench-hyp-%s.log" % name)
    start = time.monotonic()
    p = subprocess.Popen(shlex.split(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    lines, stamps = [], {}
    with open(log_path, "w") as log:
        log.write("# %s\n" % cmd)
        for raw in p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            stamps[len(lines)] = time.monotonic() - start
            lines.append(line)
            log.write(line + "\n")
            if time.monotonic() - start > timeout:
                p.kill()
                break
    p.wait()
    return lines, stamps


def boot_to_init(lines, stamps):
    for i, line in enumerate(lines):
        m = re.search(r"\[ *([0-9]+\.[0-9]+)\] Run /init as init process", line)
        if m:
            return int(round(float(m.group(1)) * 1e9)), stamps[i]
    return None, None


def bench_lines(lines):
    out = {}
    for line in lines:
        m = re.search(r"BENCH (\w+) (.*)$", line)
        if m and m.group(1) != "END":
            out[m.group(1)] = {k: v for k, v in re.findall(r"(\w+)=(\S+)", m.group(2))}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--native", required=True, help="QEMU command booting Linux natively")
    ap.add_argument("--linux", required=True, help="QEMU command: Linux under tzvisor")
    ap.add_argument("--linux2vm", required=True, help="QEMU command: two VMs under tzvisor")
    ap.add_argument("--guest", required=True, help="QEMU command: the bare-metal suite")
    ap.add_argument("--guest-ffa", required=True,
                    help="QEMU command: FF-A round trips to the emulated SPMC (-smp 1)")
    ap.add_argument("--guest-fwd", required=True,
                    help="QEMU command: FF-A round trips forwarded to the SPMC (SECURE=1)")
    ap.add_argument("--linux-nwd-ffa", required=True,
                    help="QEMU command: Linux's FF-A driver as the normal world (tzv.bench)")
    ap.add_argument("--linux-fwd-ffa", required=True,
                    help="QEMU command: the same in a VM forwarded by tzvisor (tzv.bench)")
    args = ap.parse_args()
    os.makedirs(os.path.join(args.build, "logs"), exist_ok=True)

    results, problems = [], []

    def add(name, value, unit, note=""):
        results.append({"name": name, "value": value, "unit": unit, "note": note})

    out = {}
    for cfg in ("native", "linux", "linux2vm", "guest", "guest_ffa", "guest_fwd",
                "linux_nwd_ffa", "linux_fwd_ffa"):
        out[cfg] = run(cfg, getattr(args, cfg), args.build)
    n_insn, n_wall = boot_to_init(*out["native"])
    h_insn, h_wall = boot_to_init(*out["linux"])
    if n_insn is None or h_insn is None:
        problems.append("no 'Run /init' line (logs: build/logs/bench-hyp-*.log)")
    else:
        add("linux_boot_to_init.native", n_insn, "instructions", "%.1f s wall" % n_wall)
        add("linux_boot_to_init.tzvisor", h_insn, "instructions", "%.1f s wall" % h_wall)
        ratio = h_insn / n_insn
        add("linux_boot_to_init.ratio", round(ratio, 3), "x native",
            "target <= %.1f: %s" % (TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "MISSED"))
        add("linux_boot_to_init.wall_ratio", round(h_wall / n_wall, 2), "x native",
            "host seconds to the line, -icount")
    g = bench_lines(out["guest"][0])
    for key, unit in (("hvc_roundtrip", "instructions"), ("mmio_roundtrip", "instructions"),
                      ("vtimer_latency_spin", "instructions"),
                      ("vtimer_latency_wfi", "instructions")):
        if key in g:
            add(key, int(g[key]["median"]), unit,
                "median of %s (min %s, max %s)" % (g[key]["samples"], g[key]["min"], g[key]["max"]))
        else:
            problems.append("guest suite: no %s" % key)
    # FF-A through tzvisor: the emulated SPMC (partition VM on the same CPU), and
    # forwarded to the SPMC; make bench's SPMC suite measures the same request
    # from NS-EL2 itself (direct_req_roundtrip.req64.sp1.core0).
    for cfg, prefix, what in (("guest_ffa", "ffa_emulated", "emulated SPMC, partition VM "
                               "on the same CPU"),
                              ("guest_fwd", "ffa_forwarded", "forwarded to tzvisor's SPMC, "
                               "secure partition sp1")):
        f = bench_lines(out[cfg][0])
        for key, label in (("ffa_id_get", "FFA_ID_GET answered by tzvisor"),
                           ("ffa_direct_req64", "DIRECT_REQ_64 echo round trip"),
                           ("ffa_mem_share_cycle_1page", "1-page share, retrieve+relinquish, "
                            "reclaim")):
            if key in f:
                add("%s.%s" % (prefix, key), int(f[key]["median"]), "instructions",
                    "%s, %s; median of %s" % (label, what, f[key]["samples"]))
            else:
                problems.append("%s: no %s" % (cfg, key))
    # Through Linux's FF-A driver (tzv_ffa_test, tzv.bench): bare, then in a VM.
    lx = {}
    for cfg in ("linux_nwd_ffa", "linux_fwd_ffa"):
        f = bench_lines(out[cfg][0])
        error = next((l for l in out[cfg][0] if "BENCH ERROR" in l), None)
        if error is not None:
            problems.append("%s: %s" % (cfg, error))
        for key in ("linux_direct_req64", "linux_share_cycle"):
            if key in f:
                lx[(cfg, key)] = int(f[key]["insns"])
            else:
                problems.append("%s: no %s" % (cfg, key))
    for key, label in (("linux_direct_req64", "DIRECT_REQ_64 echo to sp1"),
                       ("linux_share_cycle", "1-page share, sp1 retrieve+relinquish, reclaim")):
        nwd, fwd = lx.get(("linux_nwd_ffa", key)), lx.get(("linux_fwd_ffa", key))
        if nwd is not None:
            add("%s.nwd" % key, nwd, "instructions", "%s, Linux as the normal world" % label)
        if fwd is not None:
            add("%s.guest_fwd" % key, fwd, "instructions", "%s, Linux in a VM, forwarded" % label)
        if nwd is not None and fwd is not None:
            add("%s.tzvisor_adds" % key, fwd - nwd, "instructions",
                "the forwarding hypervisor's share (%.2fx)" % (fwd / nwd))
    b = bench_lines(out["linux"][0]).get("virtio_blk_read")
    if b and int(b["centisec"]) > 0:
        kib_s = int(b["kib"]) * 100 // int(b["centisec"])
        add("virtio_blk_read", kib_s, "KiB/s", "%s KiB in %s centiseconds of guest time "
            "(1 ns = 1 instruction)" % (b["kib"], b["centisec"]))
    else:
        problems.append("linux: no virtio_blk_read figure")
    r = bench_lines(out["linux2vm"][0]).get("virtio_net_rtt")
    if r and r.get("avg_ms", "none") != "none":
        add("virtio_net_rtt", int(round(float(r["avg_ms"]) * 1000)), "us",
            "ping between the VMs, average of 20 (guest time)")
    else:
        problems.append("linux2vm: no virtio_net_rtt figure")

    print("\ntzvisor hypervisor role, QEMU -icount (1 instruction = 1 ns)")
    print("  %-34s %14s  %-13s %s" % ("figure", "value", "unit", ""))
    for r_ in results:
        print("  %-34s %14s  %-13s %s" % (r_["name"], r_["value"], r_["unit"], r_["note"]))
    for p in problems:
        print("  PROBLEM: %s" % p)
    with open(os.path.join(args.build, "bench-hyp.json"), "w") as f:
        json.dump({"results": results, "problems": problems,
                   "qemu": {k: getattr(args, k) for k in ("native", "linux", "linux2vm", "guest",
                                                          "guest_ffa", "guest_fwd",
                                                          "linux_nwd_ffa", "linux_fwd_ffa")}},
                  f, indent=1)
    print("  results: %s" % os.path.join(args.build, "bench-hyp.json"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
