#!/usr/bin/env python3
"""`make run` (and `make run-optee`): boots the stack in QEMU and prints both
worlds' consoles, line by line. Exits with QEMU when the payload powers the
machine off.

    run.py QEMU_COMMAND FLASH BUILD_DIR [MORE_QEMU_ARGS]"""
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_console import QemuConsole  # noqa: E402


KERNEL_TS = re.compile(r"^\[\s*\d+\.\d+\] ")


def main():
    qemu, flash, build = sys.argv[1], sys.argv[2], sys.argv[3]
    timeout = float(os.environ.get("TZV_RUN_TIMEOUT", "300"))
    extra = shlex.split(sys.argv[4]) if len(sys.argv) > 4 else []
    con = QemuConsole(qemu, flash, os.path.join(build, "uart1-secure.log"), extra=extra)
    print("  QEMU   %s" % " ".join(con.cmd), flush=True)
    powered_off = False
    passed = failed = 0
    for src, line in con.lines(timeout):
        if line is None:
            continue
        if src == "swd" and "PANIC at" in line and not line.startswith("[tzv") and powered_off:
            # TF-A's qemu_system_off() panics if QEMU has not stopped the CPU yet.
            print("(TF-A: CPU still ran after the power-off GPIO; QEMU is shutting down)")
            continue
        powered_off = powered_off or "System Power off" in line or line.startswith("TEST END")
        print(line, flush=True)
        text = KERNEL_TS.sub("", line)  # Linux's test module reports through the kernel log
        passed += text.startswith("TEST PASS")
        failed += text.startswith("TEST FAIL")
    exited = con.finish(grace=5)
    if passed or failed:
        print("run: the payload reported %d tests passed, %d failed" % (passed, failed))
    if not exited:
        print("run: QEMU did not power off within %d s; stopped it" % timeout)
        return 1
    print("run: QEMU exited (%d) after %.2f s" % (con.proc.returncode, con.elapsed()))
    return con.proc.returncode


if __name__ == "__main__":
    sys.exit(main())
