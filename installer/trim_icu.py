"""A smaller ICU data library for the Linux bundle (used by chatlog-tray.spec).

PySide6's Linux wheels ship ICU, and its data library (libicudata.so.NN, 31 MB) is a third
of the whole bundle. Qt Core calls ICU for four things only (check with
`nm -D --undefined-only libQt6Core.so.6 | grep _NN`):

- case mapping (u_strToUpper/Lower): the case tables are compiled into libicuuc;
- collation (ucol_*, QCollator and locale-aware sorting): needs coll/;
- time zone names (ucal_getTimeZoneDisplayName): needs zone/ and the calendar data;
- legacy codecs (ucnv_*, QStringDecoder for e.g. GBK): needs the *.cnv tables. The app
  decodes text in Python, never through Qt, and UTF-8/16/32 and Latin-1 are built in.

So the trimmed package keeps the locale-independent data (normalization, properties,
supplemental data, time zones), the converter alias table, and for locales only root,
English and Chinese (the languages the app ships), in the main tree and in coll/ and
zone/. Other locales fall back to root (root collation, English zone names). Dropped
entirely: converters, break iterators (Qt has its own), transliteration, display names
of languages/regions/currencies/units, spell-out rules.

The new library is linked with binutils (`ld` and `objcopy`, which PyInstaller's strip
already needs); without them the spec keeps the original library.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

KEEP_LANGUAGES = ("en", "zh")
KEEP_TREES = ("coll", "zone")
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")
NOT_LOCALES = {"res_index", "pool", "root"}


def _rodata(elf: bytes) -> tuple[int, int]:
    """File offset and size of the .rodata section of a 64-bit little-endian ELF file."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    names = sections[shstrndx][4]
    for name, _type, _flags, _addr, offset, size, *_ in sections:
        if elf[names + name : elf.index(b"\0", names + name)] == b".rodata":
            return offset, size
    raise ValueError("no .rodata section")


def _items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, data) items of an ICU common data package ("CmnD")."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", package, toc)
    entries = [struct.unpack_from("<II", package, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        start = toc + name_offset
        name = package[start : package.index(b"\0", start)].decode("ascii")
        end = toc + entries[i + 1][1] if i + 1 < count else len(package)
        items.append((name, package[toc + data_offset : end]))
    return package[:header_size], items


def _pack(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package: header, table of contents, names, 16-byte aligned items."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    first = (toc_size + len(names) + 15) // 16 * 16
    offsets, name_offset, data, data_offset = [], toc_size, b"", first
    for name, item in items:
        offsets.append((name_offset, data_offset))
        name_offset += len(name) + 1
        padded = item + b"\0" * (-len(item) % 16)
        data += padded
        data_offset += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(struct.pack("<II", *o) for o in offsets)
    table = toc + names
    return header + table + b"\0" * (first - len(table)) + data


def wanted(name: str) -> bool:
    """Whether the package item `name` ("icudt73l/coll/zh.res") stays."""
    path = name.split("/", 1)[1]
    tree, _, leaf = path.rpartition("/")
    if tree and tree not in KEEP_TREES:
        return False
    if leaf.endswith(".cnv"):
        return False
    stem = leaf.rsplit(".", 1)[0]
    if not leaf.endswith(".res") or stem in NOT_LOCALES or not LOCALE.fullmatch(stem):
        return True
    return stem.split("_")[0] in KEEP_LANGUAGES


def trim(library: Path, out_dir: Path) -> Path:
    """Write a trimmed copy of `library` (libicudata.so.NN) into `out_dir`; returns its path."""
    elf = library.read_bytes()
    offset, size = _rodata(elf)
    header, items = _items(elf[offset : offset + size])
    kept = [(name, data) for name, data in items if wanted(name)]
    package = _pack(header, kept)
    # The data symbol is icudtNN_dat; NN is the library's major version.
    major = library.name.rsplit(".", 1)[1]
    symbol = f"icudt{major}_dat"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / library.name
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "icudata.bin").write_bytes(package)
        run = lambda *command: subprocess.run(command, cwd=work, check=True)  # noqa: E731
        run("ld", "-r", "-b", "binary", "-o", "blob.o", "icudata.bin")
        run(
            "objcopy",
            "--rename-section", ".data=.rodata,alloc,load,readonly,data,contents",
            "--set-section-alignment", ".rodata=16",
            "--redefine-sym", f"_binary_icudata_bin_start={symbol}",
            "--strip-symbol", "_binary_icudata_bin_end",
            "--strip-symbol", "_binary_icudata_bin_size",
            "blob.o",
        )  # fmt: skip
        run("ld", "-shared", "-soname", library.name, "-z", "noexecstack", "-o", "lib.so",
            "blob.o")  # fmt: skip
        shutil.copyfile(work / "lib.so", target)
    target.chmod(0o755)
    return target


def available() -> bool:
    return all(shutil.which(tool) for tool in ("ld", "objcopy"))


if __name__ == "__main__":
    import sys

    source, destination = Path(sys.argv[1]), Path(sys.argv[2])
    result = trim(source, destination)
    size = f"{source.stat().st_size / 1e6:.1f} MB -> {result.stat().st_size / 1e6:.1f} MB"
    print(f"{size}: {result}")  # noqa: T201
