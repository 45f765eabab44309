#!/usr/bin/env python3
"""Summarise an xtest run recorded in build/test-report.txt as a Markdown table.

    scripts/xtest_table.py [--report build/test-report.txt] [--log LOG] [--name optee_full]

One row per group of cases (regression 1xxx, 2xxx, ..., benchmark 1xxx, ...):
passed / failed / skipped and the failed or skipped case numbers. With --log
(the scenario's console log) the wall times xtest's /init printed are added.
"""
import argparse
import collections
import re
import sys

GROUPS = {
    ("regression", "1"): "OS features, TAs, shared memory, concurrency",
    ("regression", "2"): "sockets (tee-supplicant)",
    ("regression", "4"): "cryptography",
    ("regression", "5"): "GlobalPlatform TEE-internal checks",
    ("regression", "6"): "secure storage",
    ("regression", "7"): "GlobalPlatform client API",
    ("regression", "8"): "certificates, ASN.1, ftrace",
    ("benchmark", "1"): "benchmark: secure storage",
    ("benchmark", "2"): "benchmark: SHA and AES",
}

LINE = re.compile(r"^(PASS|FAIL|SKIP) qemu\.(\S+?)\.xtest\.(regression|benchmark)_(\d+)")
TIME = re.compile(r"tzv-init: xtest (regression|benchmark): (.*) in (\d+) s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", default="build/test-report.txt")
    ap.add_argument("--name", default="optee_full", help="scenario: qemu.NAME.xtest.*")
    ap.add_argument("--log", help="the scenario's console log, for xtest's wall times")
    args = ap.parse_args()

    rows = collections.OrderedDict()
    with open(args.report, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m or m.group(2) != args.name:
                continue
            verdict, suite, case = m.group(1), m.group(3), m.group(4)
            key = (suite, case[0])
            row = rows.setdefault(key, {"PASS": [], "FAIL": [], "SKIP": []})
            row[verdict].append(case)
    if not rows:
        print("no qemu.%s.xtest.* results in %s" % (args.name, args.report), file=sys.stderr)
        return 1

    print("| suite | group | passed | failed | skipped | failed or skipped cases |")
    print("|---|---|---|---|---|---|")
    total = collections.Counter()
    for (suite, digit), row in sorted(rows.items()):
        name = GROUPS.get((suite, digit), "%sxxx" % digit)
        odd = ["%s (failed)" % c for c in row["FAIL"]] + ["%s (skipped)" % c for c in row["SKIP"]]
        print("| %s | %sxxx: %s | %d | %d | %d | %s |" % (
            suite, digit, name, len(row["PASS"]), len(row["FAIL"]), len(row["SKIP"]),
            ", ".join(odd) or "-"))
        for v in ("PASS", "FAIL", "SKIP"):
            total[v] += len(row[v])
    print("| all (both suites) | | %d | %d | %d | |" % (total["PASS"], total["FAIL"], total["SKIP"]))

    if args.log:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = TIME.search(line)
                if m:
                    print("\nxtest -t %s: %s; %s s of wall time" % (
                        m.group(1), m.group(2).rstrip(";"), m.group(3)))
    return 1 if total["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
