#!/usr/bin/env python3
"""Lets TorchSharp's libLibTorchSharp.so load on Debian 12 (GCC 12's libstdc++, up to GLIBCXX_3.4.30).

The library is built with GCC 13, whose <iostream> emits a bare `.globl _ZSt21ios_base_library_initv`:
a marker that asks for GLIBCXX_3.4.32 but has no relocation, so nothing ever calls or binds it. Only the
loader's version check fails ("version `GLIBCXX_3.4.32' not found"). This script marks that one version
requirement weak (VER_FLG_WEAK in .gnu.version_r), which the loader tolerates when the version is
missing; every other requirement stays strict. It refuses if any relocation uses the weakened version.

usage: weaken_glibcxx.py LIBRARY [VERSION ...]   (default version: GLIBCXX_3.4.32); patches in place,
idempotent; prints what it did.
"""
import struct
import sys

SHT_DYNSYM, SHT_RELA = 11, 4
SHT_GNU_VERNEED, SHT_GNU_VERSYM = 0x6FFFFFFE, 0x6FFFFFFF
VER_FLG_WEAK = 0x2


def sections(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit("weaken_glibcxx: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    result = []
    for i in range(shnum):
        name, stype, _, _, offset, size, link, _, _, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", elf, shoff + i * shentsize)
        result.append({"type": stype, "offset": offset, "size": size, "link": link, "entsize": entsize})
    return result


def cstring(elf, offset):
    return elf[offset:elf.index(b"\0", offset)].decode()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path, wanted = sys.argv[1], set(sys.argv[2:] or ["GLIBCXX_3.4.32"])
    with open(path, "rb") as f:
        elf = bytearray(f.read())
    secs = sections(elf)
    verneed = next((s for s in secs if s["type"] == SHT_GNU_VERNEED), None)
    if verneed is None:
        sys.exit(f"weaken_glibcxx: {path} has no .gnu.version_r section")
    strtab = secs[verneed["link"]]["offset"]

    # Elf64_Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next; Elf64_Vernaux: hash, flags, other, name, next.
    weakened = {}  # version index (vna_other) -> name
    entry = verneed["offset"]
    while True:
        _, count, file_off, aux_off, next_off = struct.unpack_from("<HHIII", elf, entry)
        aux = entry + aux_off
        for _ in range(count):
            _, flags, other, name_off, aux_next = struct.unpack_from("<IHHII", elf, aux)
            name = cstring(elf, strtab + name_off)
            if name in wanted:
                weakened[other] = name
                struct.pack_into("<H", elf, aux + 4, flags | VER_FLG_WEAK)
                state = "already weak" if flags & VER_FLG_WEAK else "now weak"
                print(f"weaken_glibcxx: {path}: {name} (from {cstring(elf, strtab + file_off)}) {state}")
            aux += aux_next
        if next_off == 0:
            break
        entry += next_off

    if not weakened:
        print(f"weaken_glibcxx: {path} needs none of {', '.join(sorted(wanted))}; nothing to do")
        return
    check_unbound(elf, secs, weakened, path)
    with open(path, "r+b") as f:
        f.write(elf)


def check_unbound(elf, secs, weakened, path):
    """A weak version is safe only if no relocation binds a symbol of that version."""
    dynsym = next(s for s in secs if s["type"] == SHT_DYNSYM)
    versym = next(s for s in secs if s["type"] == SHT_GNU_VERSYM)
    dynstr = secs[dynsym["link"]]["offset"]
    for rela in (s for s in secs if s["type"] == SHT_RELA and s["link"] == secs.index(dynsym)):
        for off in range(rela["offset"], rela["offset"] + rela["size"], 24):
            info, = struct.unpack_from("<Q", elf, off + 8)
            sym = info >> 32
            if sym == 0:
                continue
            version, = struct.unpack_from("<H", elf, versym["offset"] + 2 * sym)
            if version & 0x7FFF in weakened:
                name_off, = struct.unpack_from("<I", elf, dynsym["offset"] + sym * dynsym["entsize"])
                sys.exit(f"weaken_glibcxx: {path}: symbol {cstring(elf, dynstr + name_off)} of "
                         f"{weakened[version & 0x7FFF]} is relocated; weakening it would break at run time")


if __name__ == "__main__":
    main()
