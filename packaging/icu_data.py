"""A smaller ICU data library for the Linux build: ICU's data less the parts Qt never reads.

Qt Core links ICU on Linux, and ICU's data library (``libicudata.so.NN``) is the largest file in
the build: 32 MB. Of ICU, the whole of Qt calls four services (the ICU symbols libQt6Core
imports, and no other library in the build imports any): collation (QCollator; the file dialog
sorts with it), legacy text codecs (QStringConverter), time zones (QTimeZone: canonical ids and
display names) and case mapping for a locale (QLocale::toUpper/toLower).

The data is one ICU common data package (format ``CmnD``: a table of named items, then the
items) behind one symbol, ``icudtNN_dat``. :func:`trimmed_library` keeps the package's header and
every item those services can load (the locale tree, collation, codecs, time zones, region
names, normalization, supplemental data) and drops the trees and files of the services Qt never
calls: break iteration, transliteration, spelled-out numbers, unit, currency and language
names, StringPrep profiles, spoof checks and character names. The cut package is linked into a
library of the same name that exports the same symbol, with the C compiler (``cc``).

Run it to see what it keeps: ``python packaging/icu_data.py path/to/libicudata.so.73``.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

# Item names start with the package name ("icudt73l/"); what follows is matched here.
DROPPED_TREES = ("brkitr/", "translit/", "rbnf/", "unit/", "curr/", "lang/")
DROPPED_SUFFIXES = (".spp", ".cfu")  # StringPrep (IDNA2003 and others), spoof checks
DROPPED_FILES = ("unames.icu",)  # character names (u_charName)

# The ICU functions Qt calls (those libQt6Core imports, less the version suffix) when the lists
# above were drawn up; tests/test_icu_data.py fails when a Qt update calls others.
AUDITED_QT_CALLS = frozenset(
    {
        "u_strToLower", "u_strToUpper",
        "ucal_close", "ucal_getCanonicalTimeZoneID", "ucal_getTimeZoneDisplayName", "ucal_open",
        "ucnv_cbFromUWriteUChars", "ucnv_cbToUWriteUChars", "ucnv_close", "ucnv_countAvailable",
        "ucnv_fromUCountPending", "ucnv_fromUnicode", "ucnv_getAvailableName",
        "ucnv_getFromUCallBack", "ucnv_getMaxCharSize", "ucnv_getName", "ucnv_getStandardName",
        "ucnv_getToUCallBack", "ucnv_open", "ucnv_reset", "ucnv_setFromUCallBack",
        "ucnv_setToUCallBack", "ucnv_toUCountPending", "ucnv_toUnicode",
        "UCNV_FROM_U_CALLBACK_SUBSTITUTE", "UCNV_TO_U_CALLBACK_SUBSTITUTE",
        "ucol_close", "ucol_getSortKey", "ucol_open", "ucol_setAttribute", "ucol_strcoll",
    }
)  # fmt: skip

ALIGN = 16  # ICU aligns every item, and the package itself, to 16 bytes


def kept(name: str) -> bool:
    """Whether the item called ``name`` (``icudt73l/coll/root.res``) stays."""
    _package, _, item = name.partition("/")
    return not (
        item.startswith(DROPPED_TREES) or item.endswith(DROPPED_SUFFIXES) or item in DROPPED_FILES
    )


def dynamic_symbols(library: bytes) -> dict[str, bytes | None]:
    """The dynamic symbols of a little-endian 64-bit ELF shared library: each defined one with
    its bytes, each one it imports with None."""
    if library[:4] != b"\x7fELF" or library[4] != 2 or library[5] != 1:
        raise ValueError("not a little-endian 64-bit ELF file")
    (shoff,) = struct.unpack_from("<Q", library, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", library, 0x3A)
    # name, type, flags, addr, offset, size, link, info, addralign, entsize
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * shentsize) for i in range(shnum)
    ]
    symbols: dict[str, bytes | None] = {}
    for section in sections:
        if section[1] != 11:  # SHT_DYNSYM
            continue
        strings = sections[section[6]]
        for offset in range(section[4] + section[9], section[4] + section[5], section[9]):
            st_name, _info, _other, shndx, value, size = struct.unpack_from(
                "<IBBHQQ", library, offset
            )
            start = strings[4] + st_name
            name = library[start : library.index(b"\0", start)].decode()
            if shndx == 0:  # undefined: imported
                symbols[name] = None
            elif shndx < len(sections):  # defined in a section (not absolute or common)
                home = sections[shndx]
                begin = home[4] + value - home[3]
                symbols[name] = library[begin : begin + size]
    return symbols


def icu_data_symbol(library: bytes) -> tuple[str, bytes]:
    """The name and bytes of the ICU data package a data library exports (``icudt73_dat``)."""
    found = [
        (name, data)
        for name, data in dynamic_symbols(library).items()
        if data is not None and re.fullmatch(r"icudt\d+_dat", name)
    ]
    if len(found) != 1:
        raise ValueError(f"{len(found)} ICU data symbols")
    return found[0]


def read_package(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Header and (name, item) pairs of an ICU common data package, items with their padding."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[16] != 1:
        raise ValueError("not an ICU common data package (CmnD, format 1)")
    if data[8] != 0:
        raise ValueError("a big-endian ICU package")
    toc = data[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [offset for _name, offset in entries[1:]] + [len(toc)]
    items = []
    for (name_at, data_at), end in zip(entries, ends, strict=True):
        name = toc[name_at : toc.index(b"\0", name_at)].decode("ascii")
        items.append((name, toc[data_at:end]))
    return data[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of these items, in the order given (ICU looks names up by
    binary search: keep them sorted as read)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _item in items)
    table_size = 4 + 8 * len(items)
    data_start = -(-(len(header) + table_size + len(names)) // ALIGN) * ALIGN - len(header)
    table = [struct.pack("<I", len(items))]
    name_at, data_at = table_size, data_start
    for name, item in items:
        table.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        data_at += len(item)
    padding = b"\xaa" * (data_start - table_size - len(names))  # as ICU pads
    return header + b"".join(table) + names + padding + b"".join(item for _name, item in items)


def trimmed_library(library: Path, folder: Path) -> Path | None:
    """``folder/<library's name>``: the ICU data library without what Qt never reads, or None
    when there is no C compiler to link it with."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    symbol, data = icu_data_symbol(library.read_bytes())
    header, items = read_package(data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "icudata.bin").write_bytes(write_package(header, [i for i in items if kept(i[0])]))
    (folder / "icudata.S").write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n"
        f"\t.type {symbol}, %object\n"
        f"\t.balign {ALIGN}\n"
        f"{symbol}:\n"
        '\t.incbin "icudata.bin"\n'
        f"\t.size {symbol}, . - {symbol}\n"
        '\t.section .note.GNU-stack,"",%progbits\n',
        encoding="ascii",
    )
    out = folder / library.name
    command = [compiler, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", out.name]
    subprocess.run([*command, "icudata.S"], cwd=folder, check=True)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    _symbol, data = icu_data_symbol(Path(argv[0]).read_bytes())
    _header, items = read_package(data)
    kept_bytes = sum(len(item) for name, item in items if kept(name))
    dropped: dict[str, int] = {}
    for name, item in items:
        if not kept(name):
            path = name.partition("/")[2]
            part = path.split("/")[0] + "/" if "/" in path else path
            part = part if part in DROPPED_FILES or "/" in part else "*" + Path(path).suffix
            dropped[part] = dropped.get(part, 0) + len(item)
    print(f"{len(items)} items, {len(data):,} bytes; kept {kept_bytes:,} bytes")
    for part, size in sorted(dropped.items(), key=lambda kv: -kv[1]):
        print(f"  dropped {size:>10,}  {part}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
