#!/usr/bin/env python3
"""`make bench`: deterministic instruction counts for tzvisor's hot paths.

QEMU runs with -icount shift=0,align=off,sleep=off: virtual time advances one
nanosecond per instruction executed, and QEMU virt's counter runs at 1 GHz,
so one counter tick is one instruction. The benchmark payload (bench/
bench_nwd.c) prints "BENCH name key=value" lines; this script runs it
`--runs` times, checks that the runs agree, prints a table and writes
build/bench.json. With --check it compares medians with a baseline file.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
from qemu_console import QemuConsole  # noqa: E402

NOT_YET = [
    ("mem_share_cycle", "memory sharing has not landed"),
]


def run_once(qemu, flash, build, n):
    con = QemuConsole(qemu, flash, os.path.join(build, "logs", "bench-uart1-%d.log" % n))
    results, attrs, errors, done = {}, {}, [], False
    log = open(os.path.join(build, "logs", "bench-%d.log" % n), "w")
    for src, line in con.lines(600):
        if line is None:
            continue
        log.write("%s| %s\n" % (src, line))
        if src != "nwd":
            continue
        m = re.match(r"BENCH (\S+) (.*)$", line)
        if m and m.group(1) != "END":
            results[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
        m = re.match(r"BENCH_ATTR (\S+) (.*)$", line)
        if m:
            attrs[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
        if line.startswith("BENCH_ERROR"):
            errors.append(line)
        if line.startswith("BENCH END"):
            done = True
    con.finish(grace=10)
    log.close()
    if not done:
        errors.append("run %d: no BENCH END (see build/logs/bench-%d.log)" % (n, n))
    return results, attrs, errors


def image_sizes(elf, cross):
    out = subprocess.run([cross + "size", "-A", elf], capture_output=True, text=True).stdout
    sec = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\.\w+)\s+(\d+)", out, re.M)}
    nm = subprocess.run([cross + "nm", elf], capture_output=True, text=True).stdout
    sym = {m.group(2): int(m.group(1), 16)
           for m in re.finditer(r"^([0-9a-f]+) \w (__image_start|__image_end)$", nm, re.M)}
    return {
        "spmc_text_bytes": sec.get(".text", 0),
        "spmc_rodata_bytes": sec.get(".rodata", 0),
        "spmc_data_bytes": sec.get(".data", 0),
        "spmc_bss_bytes": sec.get(".bss", 0),
        "spmc_secure_memory_bytes": sym.get("__image_end", 0) - sym.get("__image_start", 0),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--flash", required=True)
    ap.add_argument("--build", default="build")
    ap.add_argument("--elf", required=True, help="the benchmark SPMC ELF (sizes)")
    ap.add_argument("--cross", default="aarch64-linux-gnu-")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--flags", default="")
    ap.add_argument("--check", help="baseline JSON: fail if a median grows past --margin")
    ap.add_argument("--margin", type=float, default=0.05)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.build, "logs"), exist_ok=True)

    runs = [run_once(args.qemu, args.flash, args.build, i) for i in range(args.runs)]
    errors = [e for _, _, errs in runs for e in errs]
    results, attrs, _ = runs[0]
    # Reproducibility: the largest relative difference of any figure between runs.
    worst = 0.0
    for other, _, _ in runs[1:]:
        for name, vals in results.items():
            for k, v in vals.items():
                o = other.get(name, {}).get(k)
                if o is None:
                    errors.append("%s.%s missing from a later run" % (name, k))
                elif v != o:
                    worst = max(worst, abs(v - o) / max(v, 1))

    qemu_version = subprocess.run(args.qemu.split()[:1] + ["--version"], capture_output=True,
                                  text=True).stdout.splitlines()[0]
    sizes = image_sizes(args.elf, args.cross)
    table = []
    for name, vals in results.items():
        entry = {"name": name, "unit": "instructions",
                 "median": vals.get("median", vals.get("value")),
                 "min": vals.get("min", vals.get("value")),
                 "max": vals.get("max", vals.get("value")),
                 "samples": vals.get("samples", 1)}
        if name in attrs:
            entry["attribution"] = attrs[name]
        table.append(entry)
    for name, value in sizes.items():
        table.append({"name": name, "unit": "bytes", "median": value, "min": value,
                      "max": value, "samples": 1})
    doc = {
        "config": {"qemu": qemu_version, "tfa": "2.12.1 (Debian arm-trusted-firmware source)",
                   "qemu_flags": args.qemu, "build_flags": args.flags,
                   "runs": args.runs, "max_relative_difference_between_runs": worst},
        "benchmarks": table,
        "not_measured": [{"name": n, "reason": r} for n, r in NOT_YET],
    }
    with open(os.path.join(args.build, "bench.json"), "w") as f:
        json.dump(doc, f, indent=1)

    print("%-46s %10s %10s %10s %7s" % ("benchmark (instructions)", "median", "min", "max", "n"))
    for e in table:
        if e["unit"] == "instructions":
            print("%-46s %10d %10d %10d %7d" % (e["name"], e["median"], e["min"], e["max"],
                                                e["samples"]))
    print("\n%-46s %10s %10s %10s %10s" % ("attribution of one call", "total", "tzvisor",
                                          "partition", "EL3+NWd"))
    for name, a in attrs.items():
        print("%-46s %10d %10d %10d %10d" % (name, a["total"], a["tzvisor"], a["partition"],
                                              a["el3_nwd"]))
    print()
    for name, value in sizes.items():
        print("%-46s %10d bytes" % (name, value))
    for n, r in NOT_YET:
        print("%-46s not measured: %s" % (n, r))
    print("\n%d runs; largest difference between runs: %.4f%%; %s" %
          (args.runs, worst * 100, os.path.join(args.build, "bench.json")))

    rc = 0
    if errors:
        print("\n".join("error: " + e for e in errors))
        rc = 1
    if args.check:
        base = {e["name"]: e for e in json.load(open(args.check))["benchmarks"]}
        worse = []
        for e in table:
            b = base.get(e["name"])
            if b is not None and e["median"] > b["median"] * (1 + args.margin):
                worse.append("%s: %d > %d (+%.1f%%)" % (e["name"], e["median"], b["median"],
                                                         100.0 * (e["median"] / b["median"] - 1)))
        missing = sorted(set(base) - {e["name"] for e in table})
        if worse or missing:
            print("bench-check: FAILED (margin %.0f%%)" % (args.margin * 100))
            for w in worse:
                print("  worse: " + w)
            for m in missing:
                print("  missing: " + m)
            rc = 1
        else:
            print("bench-check: every median within %.0f%% of %s" % (args.margin * 100,
                                                                     args.check))
    return rc


if __name__ == "__main__":
    sys.exit(main())
