"""Runs QEMU with the normal world's UART0 and the secure world's UART1 apart,
and hands back whole lines from both, so that output from the two worlds can
never interleave inside a line.

UART0 (TF-A, the normal world) is QEMU's stdout; UART1 (tzvisor's SPMC, TF-A's
crash console) goes to a file that is read as it grows. With uart1_input, UART1
also receives what send_uart1() writes (a FIFO QEMU reads as the chardev's input).
"""
import os
import selectors
import shlex
import subprocess
import time


class QemuConsole:
    def __init__(self, qemu_cmd, flash, uart1_path, extra=(), uart1_input=None):
        self.uart1_path = uart1_path
        open(uart1_path, "wb").close()
        uart1 = ["-serial", "file:" + uart1_path]
        self.uart1_in = None
        if uart1_input:
            if os.path.exists(uart1_input):
                os.unlink(uart1_input)
            os.mkfifo(uart1_input)
            # Held open read-write: QEMU's open of it never blocks, and it never
            # reads end-of-file while the scenario runs.
            self.uart1_in = os.open(uart1_input, os.O_RDWR)
            uart1 = ["-chardev", "file,id=uart1,path=%s,input-path=%s" % (uart1_path, uart1_input),
                     "-serial", "chardev:uart1"]
        cmd = shlex.split(qemu_cmd) + ["-bios", flash, "-display", "none",
                                       "-monitor", "none", "-serial", "stdio"] + uart1 + list(extra)
        self.cmd = cmd
        self.start = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.uart1 = open(uart1_path, "rb")
        self.bufs = {"nwd": b"", "swd": b""}
        self.stdout_open = True

    def elapsed(self):
        return time.monotonic() - self.start

    def _split(self, src, data):
        self.bufs[src] += data
        out = []
        while b"\n" in self.bufs[src]:
            raw, self.bufs[src] = self.bufs[src].split(b"\n", 1)
            out.append((src, raw.decode("utf-8", "replace").rstrip("\r")))
        return out

    def lines(self, timeout):
        """Yields (source, line) with source "nwd" (UART0) or "swd" (UART1)
        until QEMU exits or `timeout` seconds have passed since start; while
        nothing arrives it yields (None, None) every 0.1 s so that callers
        can give up early."""
        last = time.monotonic()
        while True:
            got = []
            if self.stdout_open and self.sel.select(timeout=0.02):
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if chunk:
                    got += self._split("nwd", chunk)
                else:
                    self.stdout_open = False
            got += self._split("swd", self.uart1.read())
            for item in got:
                yield item
            if got:
                last = time.monotonic()
            elif time.monotonic() - last > 0.1:
                last = time.monotonic()
                yield None, None
            if not got:
                if self.proc.poll() is not None and not self.stdout_open:
                    for src in self.bufs:  # flush unterminated tails
                        if self.bufs[src]:
                            yield src, self.bufs[src].decode("utf-8", "replace")
                            self.bufs[src] = b""
                    return
                if self.elapsed() > timeout:
                    return
                if not self.stdout_open:
                    time.sleep(0.02)

    def send_uart1(self, data):
        """Bytes for UART1's receiver (needs uart1_input)."""
        os.write(self.uart1_in, data)

    def finish(self, grace):
        """Waits up to `grace` s for QEMU to exit; kills it otherwise. True if it exited."""
        try:
            self.proc.wait(timeout=grace)
            exited = True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            exited = False
        self.uart1.close()
        if self.uart1_in is not None:
            os.close(self.uart1_in)
        return exited
