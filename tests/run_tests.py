#!/usr/bin/env python3
"""Runs every tzvisor test and writes build/test-report.txt.

Three kinds of tests, one report line each (PASS suite.name / FAIL suite.name:
reason / SKIP suite.name: reason):
  host.*   cmocka unit tests (ASan + UBSan), read through their TAP output;
  qemu.*   on-target scenarios: QEMU boots the full stack, the normal-world
           payload prints "TEST PASS|FAIL name" lines and "TEST END <count>";
  style.*  clang-format over the tracked C sources.
A scenario fails as a whole on a tzvisor panic, a timeout, a missing
"TEST END", a count that does not match the lines seen, or QEMU not exiting
by itself. The last line printed is "N passed, N failed[, N skipped]".
"""
import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from qemu_console import QemuConsole  # noqa: E402

RESULTS = []  # (status, name, reason)


def record(status, name, reason=""):
    RESULTS.append((status, name, reason))


def run_host_tests(build):
    bins = sorted(glob.glob(os.path.join(build, "host", "test_*")))
    if not bins:
        record("FAIL", "host.binaries", "no host test binaries in %s/host" % build)
    os.makedirs(os.path.join(build, "logs"), exist_ok=True)
    for path in bins:
        group = os.path.basename(path)[len("test_"):]
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        try:
            p = subprocess.run([path], env=env, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            record("FAIL", "host.%s" % group, "timed out after 300 s")
            continue
        with open(os.path.join(build, "logs", "host-%s.log" % group), "w") as f:
            f.write(p.stdout + p.stderr)
        seen = 0
        lines = p.stdout.splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"(not ok|ok) \d+ - (\S+)", line)
            if not m:
                continue
            seen += 1
            name = "host.%s.%s" % (group, m.group(2))
            if m.group(1) == "ok":
                record("PASS", name)
            else:
                why = [l.lstrip("# ").strip() for l in lines[i + 1:i + 4] if l.startswith("#")]
                record("FAIL", name, "; ".join(why) or "failed")
        plan = re.search(r"^1\.\.(\d+)", p.stdout, re.M)
        if p.returncode != 0 and not any(s == "FAIL" and n.startswith("host.%s." % group)
                                         for s, n, _ in RESULTS):
            tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
            record("FAIL", "host.%s" % group, "exit %d: %s" % (p.returncode, tail))
        elif plan and int(plan.group(1)) != seen:
            record("FAIL", "host.%s" % group,
                   "planned %s tests, %d reported (crash?)" % (plan.group(1), seen))


def is_benign_tfa_poweroff_panic(src, line, poweroff_seen):
    """TF-A's qemu_system_off() pulls the power-off GPIO and calls el3_panic()
    if the CPU still runs; under multi-threaded TCG QEMU's shutdown lands a
    moment later, so "PANIC at PC" follows a requested SYSTEM_OFF on UART1.
    Only that one case is benign; the UARTs are read apart, so the power-off
    line may come just after it: the payload's TEST END stands in for it."""
    # QEMU may exit in the middle of that line: match what is left of it. tzvisor's
    # own panics start with "[tzv c" and are never benign.
    return (src == "swd" and poweroff_seen and "PANIC at" in line
            and not line.lstrip().startswith("[tzv"))


# What the default build (LOG_LEVEL warning) may print after its banner: the
# partitions' own FFA_CONSOLE_LOG lines, and errors and warnings.
SP_CONSOLE_LINE = re.compile(r"\[tzv c\d\] SP [0-9a-f]{4}: ")
TZV_TAGGED_LINE = re.compile(r"\[tzv c\d\] (ERROR|WARNING): ")


def check_quiet_console(name, tzv_lines, log_level, log_path):
    """At the default level nothing is printed per successful call: the smp
    scenario's tzvisor lines are its partitions' boot lines (one each), sp1's
    own report of the stage-1 fault it stops for, the three errors for the
    partitions it makes fault, and the one warning for the managed exit sp1
    is made to ignore (irq.managed_exit.ignored_*), nothing else."""
    tname = "qemu.%s.quiet_console" % name
    if log_level not in ("warning", "30"):
        record("SKIP", tname, "LOG_LEVEL=%s (the check is for the default, warning)" % log_level)
        return
    sp = [l for l in tzv_lines if SP_CONSOLE_LINE.match(l)]
    tagged = [l for l in tzv_lines if TZV_TAGGED_LINE.match(l)]
    other = [l for l in tzv_lines if l not in sp and l not in tagged]
    ignored_me = [l for l in tagged if l.startswith("[tzv c0] WARNING: SP 8001 EC 0 ignored a "
                                                    "managed exit")]
    tagged = [l for l in tagged if l not in ignored_me]
    stopped = [l for l in tagged if l.startswith("[tzv c0] ERROR: ") and
               l.endswith("partition stopped")]
    if other:
        record("FAIL", tname, "%d untagged line(s), first: %s (log: %s)"
               % (len(other), other[0], log_path))
    elif (len(sp) != 4 or sum("boot info ok" in l for l in sp) != 3 or
          sum("stage-1 permission fault" in l and l.endswith("stopping") for l in sp) != 1):
        record("FAIL", tname, "%d partition lines, want the 3 boot lines and sp1's fault "
               "(log: %s)" % (len(sp), log_path))
    elif len(ignored_me) != 1:
        record("FAIL", tname, "%d 'ignored a managed exit' warnings, want 1 (log: %s)"
               % (len(ignored_me), log_path))
    elif len(tagged) != 3 or len(stopped) != 3:
        record("FAIL", tname, "%d error/warning lines, want the 3 'partition stopped' "
               "(log: %s)" % (len(tagged), log_path))
    else:
        record("PASS", tname)


def record_test_line(name, text, seen):
    """A "TEST PASS|FAIL|SKIP <test>[: reason]" line as qemu.<name>.<test>; twice is a failure."""
    m = re.match(r"TEST (PASS|FAIL|SKIP) (\S+?)(?:: (.*))?$", text)
    if m:
        tname = "qemu.%s.%s" % (name, m.group(2))
        if tname in seen:
            record("FAIL", tname, "reported twice")
        seen[tname] = True
        record(m.group(1), tname, m.group(3) or "")


def record_completion(name, who, failure, end_count, seen, exited, returncode, log_path):
    """The verdict on a scenario whose console ends with "TEST END <n>"."""
    scenario = "qemu.%s.completed" % name
    if failure:
        record("FAIL", scenario, "%s (log: %s)" % (failure, log_path))
    elif end_count is None:
        record("FAIL", scenario, "no TEST END line: results missing (log: %s)" % log_path)
    elif end_count != seen:
        record("FAIL", scenario, "%s reported %d tests, %d lines seen" % (who, end_count, seen))
    elif not exited:
        record("FAIL", scenario, "QEMU did not exit by itself after TEST END")
    elif returncode != 0:
        record("FAIL", scenario, "QEMU exit code %d" % returncode)
    else:
        record("PASS", scenario)


# Input for tzvisor's console UART (UART1) while a scenario runs: (the console
# line that triggers it, the bytes). Without a partition that takes the UART's
# input (qemu.smp) tzvisor leaves it in the UART and the scenario must pass as
# ever; with OP-TEE (qemu.optee), whose emulated PL011 receives it, OP-TEE's
# console interrupt handler must log each byte ("read_console:N got 0xHH"),
# all of them, once each and in order. The second burst comes while xtest
# keeps OP-TEE busy, the first while it is mostly waiting.
SMP_UART1_INPUT = [("first FF-A answer", bytes(range(0x20, 0x7f)) + b"\r\n" * 8)]
OPTEE_UART1_INPUT = [("TEST PASS init.optee.supplicant", b"tzvisor secure UART input\r\n"),
                     ("* regression_1003", b"\x00\x01burst two: 0123456789abcdef\x7f\xff\n")]
OPTEE_GOT = re.compile(r"\[op-tee\] .*read_console:\d+ got 0x([0-9a-f]{1,2})$")


class Uart1Input:
    """Sends each burst once its trigger line shows up (uart1_input's list)."""

    def __init__(self, con, bursts):
        self.con, self.bursts, self.sent = con, list(bursts), []

    def line(self, text):
        if self.bursts and self.bursts[0][0] in text:
            data = self.bursts.pop(0)[1]
            self.con.send_uart1(data)
            self.sent.append(data)

    def record_sent(self, name):
        tname = "qemu.%s.uart1_input.sent" % name
        if self.bursts:
            record("FAIL", tname, "trigger %r never seen: %d burst(s) not sent"
                   % (self.bursts[0][0], len(self.bursts)))
        else:
            record("PASS", tname)


def record_optee_uart1_input(name, sent, swd_lines, log_path):
    """OP-TEE logged exactly the bytes sent to its console, each once, in order."""
    want = b"".join(sent)
    got = bytes(int(m.group(1), 16) for m in map(OPTEE_GOT.search, swd_lines) if m)
    tname = "qemu.%s.uart1_input.optee_got_each_byte_once" % name
    if got == want:
        record("PASS", tname)
    else:
        record("FAIL", tname, "OP-TEE logged %d byte(s) %r, sent %d: %r (log: %s)"
               % (len(got), got[:48], len(want), want[:48], log_path))


def run_qemu_scenario(name, qemu, flash, build, timeout, log_level, uart1_input=None):
    """Boots one flash image; returns timing facts for the closing report."""
    log_path = os.path.join(build, "logs", "qemu-%s.log" % name)
    con = QemuConsole(qemu, flash, os.path.join(build, "logs", "qemu-%s-uart1.log" % name),
                      uart1_input=os.path.join(build, "logs", "qemu-%s-uart1.in" % name)
                      if uart1_input else None)
    feeder = Uart1Input(con, uart1_input or [])
    facts = {}
    seen = {}
    end_count = None
    failure = None
    fail_at = None
    poweroff_seen = False
    tzv_lines = []
    with open(log_path, "w") as log:
        log.write("# %s\n" % " ".join(con.cmd))
        for src, line in con.lines(timeout):
            now = con.elapsed()
            if fail_at is not None and now - fail_at > 1.0:
                break  # the dump had a second to arrive
            if line is None:
                continue
            log.write("%s| %s\n" % (src, line))
            if is_benign_tfa_poweroff_panic(src, line, poweroff_seen):
                continue
            if "PANIC" in line and failure is None:
                failure = "panic: " + line.strip()
                fail_at = now
            if "System Power off" in line:
                poweroff_seen = True
            if src == "swd" and line.startswith("[tzv c"):
                tzv_lines.append(line)
            if src != "nwd":
                continue
            feeder.line(line)
            if "first FF-A answer" in line and "first_ffa_s" not in facts:
                facts["first_ffa_s"] = round(now, 3)
            record_test_line(name, line, seen)
            m = re.match(r"TEST END (\d+)", line)
            if m:
                end_count = int(m.group(1))
                poweroff_seen = True  # SYSTEM_OFF follows TEST END
                facts["test_end_s"] = round(now, 3)
        if failure is None and con.proc.poll() is None and end_count is None:
            failure = "timed out after %d s" % timeout
    exited = con.finish(grace=10 if end_count is not None and not failure else 0.5)
    facts["wall_s"] = round(con.elapsed(), 3)
    record_completion(name, "payload", failure, end_count, len(seen), exited,
                      con.proc.returncode, log_path)
    if uart1_input:
        feeder.record_sent(name)
    check_quiet_console(name, tzv_lines, log_level, log_path)
    return facts


# Kernel log lines carry a timestamp ("[    5.309701] TEST PASS ..."): the
# test module's results come that way, the init script's without.
KERNEL_TS = re.compile(r"^\[\s*\d+\.\d+\] ")
KERNEL_TS_INSIDE = re.compile(r"\[\s*\d+\.\d+\] ")
KERNEL_FAILURES = ("Kernel panic", "Internal error:", "Unable to handle kernel",
                   "BUG:", "WARNING:", "Call trace:", "rcu_preempt detected stalls")


def run_linux_scenario(name, qemu, flash, extra, build, timeout, uart1_input=None):
    """Boots Debian's kernel over tzvisor with the initramfs of linux/: the
    init script and tzv_ffa_test.ko print the TEST lines (UART0). Fails as a
    whole on a tzvisor panic (UART1), a kernel oops, warning or panic, a
    timeout, a missing or wrong TEST END, or QEMU not exiting by itself.
    uart1_input: bursts for the console UART, which OP-TEE must log."""
    log_path = os.path.join(build, "logs", "qemu-%s.log" % name)
    con = QemuConsole(qemu, flash, os.path.join(build, "logs", "qemu-%s-uart1.log" % name),
                      extra=shlex.split(extra),
                      uart1_input=os.path.join(build, "logs", "qemu-%s-uart1.in" % name)
                      if uart1_input else None)
    feeder = Uart1Input(con, uart1_input or [])
    swd_lines = []
    facts = {}
    seen = {}
    end_count = None
    failure = None
    fail_at = None
    poweroff_seen = False
    with open(log_path, "w") as log:
        log.write("# %s\n" % " ".join(con.cmd))
        for src, line in con.lines(timeout):
            now = con.elapsed()
            if fail_at is not None and now - fail_at > 2.0:
                break  # the oops or dump had two seconds to arrive
            if line is None:
                continue
            log.write("%s| %s\n" % (src, line))
            if is_benign_tfa_poweroff_panic(src, line, poweroff_seen):
                continue
            if src == "swd" and "PANIC" in line and failure is None:
                failure = "tzvisor or TF-A panic: " + line.strip()
                fail_at = now
            if "System Power off" in line or "reboot: Power down" in line:
                poweroff_seen = True
            if src != "nwd":
                swd_lines.append(line)
                continue
            feeder.line(line)
            if "Booting Linux" in line and "kernel_s" not in facts:
                facts["kernel_s"] = round(now, 3)
            if "tzv-init:" in line and "init_s" not in facts:
                facts["init_s"] = round(now, 3)
            # The kernel writes its console messages straight to the UART,
            # so one can land in the middle of a line init is writing
            # ("TEST PASS x[   19.9] psci: CPU1 killed"): the line init
            # wrote is the part before the kernel's timestamp.
            text = KERNEL_TS.sub("", line)
            cut = KERNEL_TS_INSIDE.search(text)
            if cut:
                text = text[:cut.start()]
            if failure is None and any(text.startswith(k) or (" " + k) in text
                                       for k in KERNEL_FAILURES):
                failure = "kernel: " + text.strip()
                fail_at = now
            record_test_line(name, text, seen)
            m = re.match(r"tzv-init: xtest (\w+): (\d+) subtests of which (\d+) failed;"
                         r"(\d+) test cases of which (\d+) failed;.* in (\d+) s", text)
            if m:
                facts["xtest_" + m.group(1)] = {
                    "subtests": int(m.group(2)), "subtests_failed": int(m.group(3)),
                    "cases": int(m.group(4)), "cases_failed": int(m.group(5)),
                    "wall_s": int(m.group(6))}
            m = re.match(r"TEST END (\d+)", text)
            if m:
                end_count = int(m.group(1))
                facts["test_end_s"] = round(now, 3)
        if failure is None and con.proc.poll() is None and end_count is None:
            failure = "timed out after %d s" % timeout
    exited = con.finish(grace=15 if end_count is not None and not failure else 0.5)
    facts["wall_s"] = round(con.elapsed(), 3)
    record_completion(name, "init", failure, end_count, len(seen), exited,
                      con.proc.returncode, log_path)
    if uart1_input:
        feeder.record_sent(name)
        record_optee_uart1_input(name, feeder.sent, swd_lines, log_path)
    return facts


def collect_dump(qemu, flash, build, name, timeout=60):
    """Boots a self-test image; returns tzvisor's panic dump (text) and the log path."""
    log_path = os.path.join(build, "logs", "qemu-%s.log" % name)
    con = QemuConsole(qemu, flash, os.path.join(build, "logs", "qemu-%s-uart1.log" % name))
    dump = []
    with open(log_path, "w") as log:
        for src, line in con.lines(timeout):
            if line is None:
                if dump and con.elapsed() > dump_at + 1.0:
                    break
                continue
            log.write("%s| %s\n" % (src, line))
            if src == "swd" and (dump or "PANIC" in line):
                if not dump:
                    dump_at = con.elapsed()
                dump.append(line)
    con.finish(grace=0.1)
    return "\n".join(dump), log_path


def record_dump_checks(checks, log_path):
    for name, ok in checks:
        record("PASS" if ok else "FAIL", name,
               "" if ok else "not in the dump (log: %s)" % log_path)


def run_panic_scenario(qemu, flash, build, fault_addr):
    """The self-test SPMC reads an unmapped address after its banner: the
    dump must name the exception, the data-abort class, FAR and all GPRs."""
    text, log_path = collect_dump(qemu, flash, build, "panic")
    want = int(fault_addr, 16)
    checks = [
        ("qemu.panic.dump_header", "PANIC: unexpected sync exception from EL2 SPx" in text),
        ("qemu.panic.esr_data_abort_same_el",
         re.search(r"ESR_EL2\s+[0-9a-f]{16}\s+\(EC 0x25: data abort, same EL", text) is not None),
        ("qemu.panic.far", re.search(r"FAR_EL2\s+%016x" % want, text) is not None),
        ("qemu.panic.elr_in_image",
         re.search(r"ELR_EL2\s+000000000e1[0-9a-f]{5}", text) is not None),
        ("qemu.panic.all_gprs", all(re.search(r"\bx%-2d [0-9a-f]{16}" % i, text)
                                    for i in range(31))),
    ]
    record_dump_checks(checks, log_path)


def run_overflow_scenario(qemu, flash, build):
    """The second self-test SPMC recurses without end on core 0: the stack
    must run into its unmapped guard and the dump say so (not hang, not
    corrupt another CPU's stack), with the abort's ESR and a FAR in the guard."""
    text, log_path = collect_dump(qemu, flash, build, "overflow")
    m = re.search(r"PANIC: stack overflow: CPU (\d+)'s stack ran into its guard \(SP ([0-9a-f]{16})\)",
                  text)
    far = re.search(r"FAR_EL2\s+([0-9a-f]{16})", text)
    guard_far = False
    if m and far:
        # A 32 KiB slot: the guard is its lower half, the stack the upper; SP is in the slot.
        sp, fault = int(m.group(2), 16), int(far.group(1), 16)
        guard_far = (fault >> 15) == (sp >> 15) and ((fault >> 14) & 1) == 0
    checks = [
        ("qemu.overflow.dump_header", m is not None and m.group(1) == "0"),
        ("qemu.overflow.esr_data_abort_same_el",
         re.search(r"ESR_EL2\s+[0-9a-f]{16}\s+\(EC 0x25: data abort, same EL", text) is not None),
        ("qemu.overflow.far_in_guard", guard_far),
    ]
    record_dump_checks(checks, log_path)


# What tzvisor's hypervisor role must print in each QEMU scenario (qemu.hyp.*):
# test name -> regular expression over its console (guests' lines included).
HYP_EXPECT = {
    "basic": [
        ("banner", r"tzvisor \S+ -- hypervisor at NS-EL2"),
        ("dtb.cpus", r"^  cpus 4 \(MPIDR 0x0 0x1 0x2 0x3\), PSCI 0\.2\+ via smc"),
        ("dtb.gic", r"GICv3 distributor 0x8000000, redistributors 0x80a0000"),
        ("cores_up", r"(?s)(?=.*core 1 up)(?=.*core 2 up)(?=.*core 3 up)"),
        ("vm_table", r"(?s)1   tests .*2   mmio .*3   devbad .*4   spin "),
        ("hostile.mmio_outside_stopped",
         r"VM 2 \(mmio\): vCPU 0: data abort at IPA 0xa000000 .*outside its memory and "
         r"devices: VM stopped"),
        ("hostile.device_refused_stopped",
         r"VM 3 \(devbad\): vCPU 0: MMIO read of 8 bytes at IPA 0x9000000 refused by the "
         r"device .*VM stopped"),
        ("hostile.spinner_shared_its_cpu", r"VM 4 \(spin\): running, \d+ exits"),
        ("psci.system_reset", r"VM 1 \(tests\): reset: images reloaded, vCPU 0 restarts"),
        ("psci.system_off", r"VM 1 \(tests\): powered off \(PSCI SYSTEM_OFF from vCPU 0\)"),
        ("machine_off", r"powering the machine off: a VM marked poweroff-ends-machine"),
    ],
    "linux": [
        ("vm_table", r"1   linux            4     0,1,2,3 "),
        ("kernel_booted", r"\[linux\] \[ *[0-9.]+\] Run /init as init process"),
        ("four_cpus", r"\[linux\] .*smp: Brought up 1 node, 4 CPUs"),
        ("devices", r"devices: virtio-blk \(disk image\) PL031 RTC \(passed through\)"),
        ("virtio_blk_probed", r"\[linux\] .*virtio_blk virtio0: \[vda\] 16384 512-byte logical blocks"),
        ("powered_off", r"VM 1 \(linux\): powered off \(PSCI SYSTEM_OFF from vCPU \d\)"),
        ("machine_off", r"powering the machine off"),
    ],
    "linux2vm": [
        ("vm_table", r"(?s)1   linux1           4     0,1,2,3 .*2   linux2           2     0,1 "),
        ("vm1_booted", r"\[linux1\] \[ *[0-9.]+\] Run /init as init process"),
        ("vm2_booted", r"\[linux2\] \[ *[0-9.]+\] Run /init as init process"),
        ("switch_ports", r"(?s)linux1 .*devices: virtio-net \(switch port\).*linux2 .*devices: "
         r"virtio-net \(switch port\)"),
        ("vm1_powered_off", r"VM 1 \(linux1\): powered off \(PSCI SYSTEM_OFF"),
        ("vm2_powered_off", r"VM 2 \(linux2\): powered off \(PSCI SYSTEM_OFF"),
        ("machine_off", r"powering the machine off: every VM has stopped"),
    ],
    "ffa": [
        ("emulated_spmc", r"FF-A for guests: emulated SPMC \(no secure world\)"),
        ("partition_table",
         r"(?s)2   sp-mp .*FF-A partition 0x8001, UUID 1d5e7a01 ee114c2f 42022b9a 0200a1ac, "
         r"messaging 0x607, notifications.*4   sp-up .*FF-A partition 0x8002, UUID 2d5e7a01"),
        ("partitions_booted",
         r"(?s)(?=.*\[sp-mp\] tzv-vm-sp: id 0x8001, FF-A 0x10002)"
         r"(?=.*\[sp-up\] tzv-vm-sp: id 0x8002, FF-A 0x10002)"),
        ("stopped_lender.reclaimed_and_held",
         r"VM 3 \(lender\) stopped with memory given: 1 transaction reclaimed, 1 held by "
         r"borrowers until they relinquish, 1 unfinished dropped"),
        ("stopped_lender.reset_refused_stopped",
         r"VM 3 \(lender\): reset while partitions hold memory it gave \(its images would "
         r"overwrite it\): VM stopped"),
        ("stopped_lender.reclaimed_at_relinquish_nothing_left",
         r"VM 2 \(sp-mp\): relinquished the last hold on a stopped VM's memory: reclaimed for "
         r"it, 0 transactions left"),
        ("partitions_still_running", r"(?s)VM 2 \(sp-mp\): running.*VM 4 \(sp-up\): running"),
        ("system_off", r"VM 1 \(client\): powered off \(PSCI SYSTEM_OFF from vCPU 0\)"),
    ],
    "ffa_fwd": [
        ("forwarding", r"FF-A: SPMC 0x8000 below \(v1\.2\), 3 partition descriptors: guests' "
         r"calls forwarded"),
        ("mode_line", r"FF-A for guests: forwarded to the SPMC below"),
        ("vm1_powered_off", r"VM 1 \(fwd1\): powered off \(PSCI SYSTEM_OFF"),
        ("vm2_powered_off", r"VM 2 \(fwd2\): powered off \(PSCI SYSTEM_OFF"),
        ("hostile.lent_page_touched_stopped",
         r"VM 3 \(lender\): vCPU 0: data abort at IPA 0x[0-9a-f]+ .*outside its memory and "
         r"devices: VM stopped"),
        ("stopped_lender.reclaimed_and_held",
         r"VM 3 \(lender\) stopped with memory given: 1 transaction reclaimed, 1 held by "
         r"partitions until they relinquish, 1 unfinished dropped"),
        ("stopped_lender.reclaimed_after_relinquish",
         r"VM 3 \(lender\): memory 0x[0-9a-f]+ it gave before it stopped is back from the "
         r"partitions: reclaimed for it"),
        ("stopped_lender.preempted_request_finished",
         r"VM 3 \(lender\): its request preempted in partition 0x8002 finished for it, "
         r"answer dropped"),
        ("machine_off", r"powering the machine off: every VM has stopped"),
    ],
    "linux_ffa": [
        ("emulated_spmc", r"FF-A for guests: emulated SPMC \(no secure world\)"),
        ("partition_table",
         r"(?s)2   sp1 .*FF-A partition 0x8001, UUID 1d5e7a01 ee114c2f 42022b9a 0200a1ac, "
         r"messaging 0x607, notifications.*3   sp2 .*FF-A partition 0x8002, UUID 1d5e7a02.*"
         r"4   sp3 .*FF-A partition 0x8003, UUID 1d5e7a03"),
        ("partitions_booted",
         r"(?s)(?=.*\[sp1\] tzv-vm-sp: id 0x8001, FF-A 0x10002)"
         r"(?=.*\[sp2\] tzv-vm-sp: id 0x8002, FF-A 0x10002)"
         r"(?=.*\[sp3\] tzv-vm-sp: id 0x8003, FF-A 0x10002)"),
        ("kernel_booted", r"\[linux\] \[ *[0-9.]+\] Run /init as init process"),
        ("ffa_driver", r"\[linux\] \[ *[0-9.]+\] ARM FF-A: Driver version 1\.1"),
        ("powered_off", r"VM 1 \(linux\): powered off \(PSCI SYSTEM_OFF from vCPU \d\)"),
        ("machine_off", r"powering the machine off"),
    ],
    "linux_fwd": [
        ("forwarding", r"FF-A: SPMC 0x8000 below \(v1\.2\), 4 partition descriptors: guests' "
         r"calls forwarded"),
        ("mode_line", r"FF-A for guests: forwarded to the SPMC below"),
        ("kernel_booted", r"\[linux\] \[ *[0-9.]+\] Run /init as init process"),
        ("optee_driver", r"\[linux\] \[ *[0-9.]+\] optee: revision 4\.5"),
        ("powered_off", r"VM 1 \(linux\): powered off \(PSCI SYSTEM_OFF from vCPU \d\)"),
        ("machine_off", r"powering the machine off"),
    ],
    "gic": [
        ("vm_table", r"(?s)1   gic              4     0,1,2,3 .*2   spin             1     0 "),
        ("spinner_shared_cpu0", r"VM 2 \(spin\): running, \d+ exits"),
        ("hostile.virtio_desc_reported",
         r"VM 1 \(gic\): virtio-net: descriptor index out of range or buffer outside guest "
         r"RAM: device needs reset"),
        ("hostile.virtio_index_reported",
         r"VM 1 \(gic\): virtio-net: available index moved by more than the queue size"),
        ("hostile.virtio_rings_reported",
         r"VM 1 \(gic\): virtio-net: rings outside guest RAM or bad queue size"),
        ("system_off", r"VM 1 \(gic\): powered off \(PSCI SYSTEM_OFF from vCPU 0\)"),
    ],
}


# The same scenarios as TF-A's BL33 above tzvisor's SPMC: their own checks,
# plus what shows that the secure stack is underneath.
HYP_SECURE_EXPECT = [
    ("tfa_bl31", r"NOTICE:  BL31: v2\.12"),
    ("dtb_from_dram_base", r"boot DTB @0x40000000"),
]


# Linux guests whose kernel log is on their console: an oops, warning or
# panic in it fails the scenario (as in run_linux_scenario).
HYP_KERNEL_CHECKED = ("linux_ffa", "secure_linux_fwd")


def hyp_expectations(name):
    if name.startswith("secure_"):
        return HYP_EXPECT.get(name[len("secure_"):], []) + HYP_SECURE_EXPECT
    return HYP_EXPECT.get(name, [])


def run_hyp_scenario(name, qemu, args, build, timeout):
    """Boots tzvisor's hypervisor role directly under QEMU (-kernel, no secure
    world) with one VM manifest. Guests print "TEST PASS|FAIL name" and
    "TEST END n" on their consoles ("[vm] ..." lines); each becomes
    qemu.hyp.<scenario>.<vm>.<name>. The hypervisor's own lines are checked
    against HYP_EXPECT. The scenario fails on a tzvisor panic, a timeout, a
    missing TEST END or QEMU not exiting by itself."""
    import shlex
    import selectors
    import time
    log_path = os.path.join(build, "logs", "qemu-hyp-%s.log" % name)
    cmd = shlex.split(qemu) + shlex.split(args)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    text, buf = [], b""
    failure = None
    fail_at = None
    ends = {}
    seen = {}
    with open(log_path, "w") as log:
        log.write("# %s\n" % " ".join(cmd))
        while True:
            if fail_at is not None and time.monotonic() - fail_at > 2.0:
                break  # the guest's oops had two seconds to arrive
            if time.monotonic() - start > timeout:
                failure = "timed out after %d s" % timeout
                break
            if not sel.select(timeout=0.1):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                log.write(line + "\n")
                text.append(line)
                if "PANIC" in line and failure is None:
                    failure = "panic: " + line.strip()
                # A Linux guest's kernel messages share its console with
                # init's lines (see run_linux_scenario): the kernel's
                # timestamp is dropped, and a line it cut is what came before.
                m = re.match(r"\[([A-Za-z0-9_-]+)\] (.*)$", line)
                if m:
                    gtext = KERNEL_TS.sub("", m.group(2))
                    cut = KERNEL_TS_INSIDE.search(gtext)
                    if cut:
                        gtext = gtext[:cut.start()]
                    line = "[%s] %s" % (m.group(1), gtext)
                    if (name in HYP_KERNEL_CHECKED and failure is None
                            and any(gtext.startswith(k) or (" " + k) in gtext
                                    for k in KERNEL_FAILURES)):
                        failure = "kernel in VM %s: %s" % (m.group(1), gtext.strip())
                        fail_at = time.monotonic()
                m = re.match(r"\[([A-Za-z0-9_-]+)\] TEST (PASS|FAIL|SKIP) (\S+?)(?:: (.*))?$", line)
                if m:
                    tname = "qemu.hyp.%s.%s.%s" % (name, m.group(1), m.group(3))
                    if tname in seen:
                        record("FAIL", tname, "reported twice")
                    seen[tname] = m.group(1)
                    record(m.group(2), tname, m.group(4) or "")
                m = re.match(r"\[([A-Za-z0-9_-]+)\] TEST END (\d+)", line)
                if m:
                    ends[m.group(1)] = int(m.group(2))
    try:
        proc.wait(timeout=10 if failure is None else 0.5)
        exited = True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        exited = False
    wall = time.monotonic() - start
    whole = "\n".join(text)
    for tname, pattern in hyp_expectations(name):
        ok = re.search(pattern, whole, re.M) is not None
        record("PASS" if ok else "FAIL", "qemu.hyp.%s.%s" % (name, tname),
               "" if ok else "no match for /%s/ (log: %s)" % (pattern, log_path))
    scenario = "qemu.hyp.%s.completed" % name
    counts = {}
    for vm in seen.values():
        counts[vm] = counts.get(vm, 0) + 1
    if failure:
        record("FAIL", scenario, "%s (log: %s)" % (failure, log_path))
    elif not ends:
        record("FAIL", scenario, "no TEST END line: results missing (log: %s)" % log_path)
    elif any(counts.get(vm, 0) != n for vm, n in ends.items()):
        record("FAIL", scenario, "TEST END counts %s, lines seen %s" % (ends, counts))
    elif not exited:
        record("FAIL", scenario, "QEMU did not exit by itself")
    else:
        record("PASS", scenario)
    return {"wall_s": round(wall, 3)}


def run_style(root):
    # Tracked files and new ones not yet added (but not ignored): a local run
    # must see what the next commit will carry.
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                            "*.c", "*.h"], cwd=root, capture_output=True,
                           text=True).stdout.split()
    if not files:
        record("SKIP", "style.clang-format", "not a git checkout")
        return
    p = subprocess.run(["clang-format", "--dry-run", "--Werror"] + files, cwd=root,
                       capture_output=True, text=True)
    bad = sorted(set(re.findall(r"^(\S+?):\d+:\d+: error", p.stderr, re.M)))
    if p.returncode == 0:
        record("PASS", "style.clang-format")
    else:
        record("FAIL", "style.clang-format", "needs 'make format': " + " ".join(bad[:10]))


def run_test_cmd_numbers(root):
    """The test partition's command numbers (partitions/test_sp/test_cmd.h) are unique.

    Two branches once gave the same number to two commands, and each test of
    one then ran the other; the compiler does not see it when the two are
    handled in different switches.
    """
    name = "style.test_cmd_numbers"
    seen, clash = {}, []
    with open(os.path.join(root, "partitions/test_sp/test_cmd.h"), encoding="utf-8") as f:
        for m in re.finditer(r"^#define (TEST_CMD_\w+) (\d+)U?$", f.read(), re.M):
            n = int(m.group(2))
            if n in seen:
                clash.append("%s = %s = %d" % (seen[n], m.group(1), n))
            seen[n] = m.group(1)
    if not seen:
        record("FAIL", name, "no TEST_CMD_ numbers found")
    elif clash:
        record("FAIL", name, "; ".join(clash))
    else:
        record("PASS", name)


def run_cppcheck(root, build):
    """Static analysis of the firmware sources (warnings, portability, performance)."""
    cmd = ["cppcheck", "--quiet", "--enable=warning,portability,performance", "--std=c11",
           "-Isrc", "-Iinclude", "-Isrc/lib/include", "-I" + os.path.join(build, "gen"),
           "--suppress=missingIncludeSystem", "--error-exitcode=1",
           "src", "nwd", "partitions", "bench", "linux"]
    try:
        p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        record("FAIL", "style.cppcheck", "cppcheck is not installed (scripts/setup.sh installs it)")
        return
    if p.returncode == 0:
        record("PASS", "style.cppcheck")
    else:
        first = (p.stderr.strip().splitlines() or ["failed"])[0]
        record("FAIL", "style.cppcheck", first)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", required=True, help="QEMU command with machine options")
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("--log-level", default="warning", help="the firmware's make LOG_LEVEL")
    ap.add_argument("--hyp-qemu", default=None,
                    help="QEMU command for the hypervisor role (no secure world)")
    ap.add_argument("--hyp-linux-qemu", default=None,
                    help="QEMU command for the Linux guest scenarios (more memory)")
    ap.add_argument("--hyp-linux", action="append", default=[],
                    help="NAME=QEMU arguments of one Linux guest scenario (repeatable)")
    ap.add_argument("--hyp-linux-timeout", type=int, default=240,
                    help="seconds a Linux guest scenario may take")
    ap.add_argument("--hyp-secure-qemu", default=None,
                    help="QEMU command for the scenarios above the secure stack (SECURE=1)")
    ap.add_argument("--hyp-secure", action="append", default=[],
                    help="NAME=QEMU arguments of one scenario above the secure stack")
    ap.add_argument("--hyp-timeout", type=int, default=60,
                    help="seconds a qemu.hyp scenario may take")
    ap.add_argument("--hyp-scenario", action="append", default=[],
                    help="NAME=QEMU arguments of one qemu.hyp scenario (repeatable)")
    ap.add_argument("--hyp-skip", action="append", default=[],
                    help="NAME=reason: qemu.hyp.NAME is a SKIP line (repeatable)")
    ap.add_argument("--hyp-scenario-timeout", action="append", default=[],
                    help="NAME=SECONDS: a longer bound for one qemu.hyp scenario")
    ap.add_argument("--hyp-scenario-qemu", action="append", default=[],
                    help="NAME=QEMU command: another QEMU command for one qemu.hyp scenario")
    ap.add_argument("--panic-addr", default=None,
                    help="address the self-test SPMC faults on (runs the panic scenario)")
    ap.add_argument("--linux-qemu", help="QEMU command for the Linux scenario (mk/linux.mk)")
    ap.add_argument("--linux-flash", help="flash image with TF-A, tzvisor, Linux as BL33")
    ap.add_argument("--linux-args", default="", help="QEMU options: DTB, kernel, initramfs")
    ap.add_argument("--linux-timeout", type=int, default=180)
    ap.add_argument("--linux-pkvm-args", default="",
                    help="QEMU options of the pKVM variant (kvm-arm.mode=protected): runs qemu.linux_pkvm")
    ap.add_argument("--optee-flash", help="flash image of mk/optee.mk: OP-TEE beside the test "
                    "partitions, Linux as BL33 (needs --linux-qemu)")
    ap.add_argument("--optee-args", default="", help="QEMU options of the OP-TEE scenario")
    ap.add_argument("--optee-timeout", type=int, default=420)
    ap.add_argument("--optee-name", default="optee",
                    help="scenario name: qemu.NAME.* (make test-optee: optee_full)")
    ap.add_argument("--optee-skip", default=None,
                    help="why the OP-TEE scenario cannot run: one SKIP line")
    ap.add_argument("--only-linux", action="store_true",
                    help="run the Linux scenario alone (make test-linux-nwd)")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(os.path.join(args.build, "logs"), exist_ok=True)

    facts = {}
    if not args.only_linux:
        run_host_tests(args.build)
        facts["smp"] = run_qemu_scenario("smp", args.qemu, os.path.join(args.build, "flash.bin"),
                                         args.build, args.timeout, args.log_level,
                                         uart1_input=SMP_UART1_INPUT)
    if args.panic_addr and not args.only_linux:
        run_panic_scenario(args.qemu, os.path.join(args.build, "flash-panic.bin"), args.build,
                           args.panic_addr)
        run_overflow_scenario(args.qemu, os.path.join(args.build, "flash-overflow.bin"),
                              args.build)
    if args.linux_qemu and args.linux_flash:
        facts["linux"] = run_linux_scenario("linux", args.linux_qemu, args.linux_flash,
                                            args.linux_args, args.build, args.linux_timeout)
    if args.linux_qemu and args.linux_pkvm_args:
        facts["linux_pkvm"] = run_linux_scenario("linux_pkvm", args.linux_qemu, args.linux_flash,
                                                 args.linux_pkvm_args, args.build,
                                                 args.linux_timeout)
    if args.optee_skip:
        record("SKIP", "qemu.%s" % args.optee_name, args.optee_skip)
    elif args.linux_qemu and args.optee_flash:
        facts[args.optee_name] = run_linux_scenario(args.optee_name, args.linux_qemu,
                                                    args.optee_flash, args.optee_args,
                                                    args.build, args.optee_timeout,
                                                    uart1_input=OPTEE_UART1_INPUT)
    # The hypervisor scenarios read its notice-level lines (a VM's life).
    if str(args.log_level) in ("none", "error", "0", "10"):
        for spec in args.hyp_scenario + args.hyp_secure + args.hyp_linux:
            record("SKIP", "qemu.hyp.%s" % spec.split("=", 1)[0],
                   "LOG_LEVEL=%s prints no VM lifecycle lines (notice)" % args.log_level)
        args.hyp_qemu = args.hyp_secure_qemu = args.hyp_linux_qemu = None
    hyp_timeouts = dict((k, int(v)) for k, v in
                        (spec.split("=", 1) for spec in args.hyp_scenario_timeout))
    hyp_qemus = dict(spec.split("=", 1) for spec in args.hyp_scenario_qemu)
    if not args.only_linux:
        for spec in args.hyp_skip:
            hname, why = spec.split("=", 1)
            record("SKIP", "qemu.hyp.%s" % hname, why)
    if not args.only_linux and args.hyp_qemu:
        for spec in args.hyp_scenario:
            hname, hargs = spec.split("=", 1)
            facts["hyp-" + hname] = run_hyp_scenario(hname, args.hyp_qemu, hargs, args.build,
                                                     args.hyp_timeout)
    if not args.only_linux and args.hyp_secure_qemu:
        for spec in args.hyp_secure:
            hname, hargs = spec.split("=", 1)
            facts["hyp-" + hname] = run_hyp_scenario(hname,
                                                     hyp_qemus.get(hname, args.hyp_secure_qemu),
                                                     hargs,
                                                     args.build,
                                                     hyp_timeouts.get(hname,
                                                                      args.hyp_linux_timeout))
    if not args.only_linux and args.hyp_linux_qemu:
        for spec in args.hyp_linux:
            hname, hargs = spec.split("=", 1)
            facts["hyp-" + hname] = run_hyp_scenario(hname,
                                                     hyp_qemus.get(hname, args.hyp_linux_qemu),
                                                     hargs,
                                                     args.build,
                                                     hyp_timeouts.get(hname,
                                                                      args.hyp_linux_timeout))
    if not args.only_linux:
        run_style(root)
        run_test_cmd_numbers(root)
        run_cppcheck(root, os.path.abspath(args.build))

    with open(os.path.join(args.build, "test-report.txt"), "w") as f:
        for status, name, reason in RESULTS:
            f.write("%s %s%s\n" % (status, name, (": " + reason) if reason else ""))
    with open(os.path.join(args.build, "test-facts.json"), "w") as f:
        json.dump(facts, f, indent=2)

    counts = {s: sum(1 for r in RESULTS if r[0] == s) for s in ("PASS", "FAIL", "SKIP")}
    by_suite = {}
    for status, name, _ in RESULTS:
        suite = ".".join(name.split(".")[:2])
        by_suite.setdefault(suite, [0, 0, 0])[("PASS", "FAIL", "SKIP").index(status)] += 1
    for suite, (p, f_, s) in sorted(by_suite.items()):
        print("  %-28s %3d passed %3d failed%s" % (suite, p, f_, (" %d skipped" % s) if s else ""))
    for status, name, reason in RESULTS:
        if status == "FAIL":
            print("FAIL %s: %s" % (name, reason))
    for key, f in sorted(facts.items()):
        if key.startswith("hyp-") and "wall_s" in f:
            print("  timing: qemu.%s %.1f s" % (key.replace("-", ".", 1), f["wall_s"]))
    smp = facts.get("smp", {})
    if "first_ffa_s" in smp:
        print("  timing: first FF-A answer %.2f s after QEMU start; scenario %.2f s"
              % (smp["first_ffa_s"], smp["wall_s"]))
    for key in ("linux", "linux_pkvm", args.optee_name):
        lx = facts.get(key, {})
        for suite in ("regression", "benchmark"):
            xt = lx.get("xtest_" + suite)
            if xt:
                print("  xtest: %s %s: %d cases (%d failed), %d subtests (%d failed) in %d s"
                      % (key, suite, xt["cases"], xt["cases_failed"], xt["subtests"],
                         xt["subtests_failed"], xt["wall_s"]))
        if "test_end_s" in lx:
            print("  timing: %s: kernel entered %.2f s, init %.2f s, TEST END %.2f s; "
                  "scenario %.2f s" % (key, lx.get("kernel_s", 0), lx.get("init_s", 0),
                                       lx["test_end_s"], lx["wall_s"]))
    print("report: %s" % os.path.join(args.build, "test-report.txt"))
    summary = "%d passed, %d failed" % (counts["PASS"], counts["FAIL"])
    if counts["SKIP"]:
        summary += ", %d skipped" % counts["SKIP"]
    print(summary)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
