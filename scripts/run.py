#!/usr/bin/env python3
"""`make run`: boots the stack in QEMU and prints both worlds' consoles,
line by line. Exits with QEMU when the payload powers the machine off."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_console import QemuConsole  # noqa: E402


def main():
    qemu, flash, build = sys.argv[1], sys.argv[2], sys.argv[3]
    timeout = float(os.environ.get("TZV_RUN_TIMEOUT", "300"))
    con = QemuConsole(qemu, flash, os.path.join(build, "uart1-secure.log"))
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
        passed += line.startswith("TEST PASS")
        failed += line.startswith("TEST FAIL")
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
