#!/usr/bin/env python3
"""Writes valid FF-A memory transaction descriptors (fuzzing seeds for
src/ffa/mem_desc.c): v1.0 and v1.1 layouts with 16-byte EMADs, v1.2 with
32-byte EMADs. Usage: gen_mem_seeds.py OUT_DIR."""
import os
import struct
import sys


def descriptor(v10, receivers, ranges, emad_size=16):
    header = 32 if v10 else 48
    comp = header + len(receivers) * emad_size
    out = bytearray()
    if v10:
        out += struct.pack("<HBBIQQII", 0, 0x2F, 0, 1 << 3, 0, 0x7A6, 0, len(receivers))
    else:
        out += struct.pack("<HHIQQIIIIQ", 0, 0x2F, 1 << 3, 0, 0x7A6, emad_size,
                           len(receivers), header, 0, 0)
    for rid in receivers:
        out += struct.pack("<HBBIQ", rid, 0x2, 0, comp, 0)
        if emad_size == 32:
            out += struct.pack("<QQ", 0x1111, 0x2222)
    out += struct.pack("<IIQ", sum(p for _, p in ranges), len(ranges), 0)
    for base, pages in ranges:
        out += struct.pack("<QII", base, pages, 0)
    return bytes(out)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    seeds = {
        "mem_v1_0": descriptor(True, [0x8001], [(0x80000000, 4)]),
        "mem_v1_1": descriptor(False, [0x8001, 0x8002], [(0x80004000, 1), (0x80000000, 2)]),
        "mem_v1_2": descriptor(False, [0x8003], [(0x80000000, 1), (0x90000000, 3)], 32),
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name + ".bin"), "wb") as f:
            f.write(data)


main()
