"""The Linux build's cut ICU data (packaging/icu_data.py) serves everything Qt asks ICU for."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "packaging"))

import icu_data


def qt_lib() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "lib"


def icu_library() -> Path:
    """PySide6's own ICU data library (Linux only: Qt uses no ICU on Windows and macOS)."""
    found = sorted(qt_lib().glob("libicudata.so.*")) if sys.platform.startswith("linux") else []
    if not found:
        pytest.skip("no ICU data library in this Qt (only Linux's has one)")
    return found[0]


def package(items: list[tuple[str, bytes]]) -> bytes:
    header = struct.pack(
        "<HBBHHBBBB4s4s4s", 32, 0xDA, 0x27, 20, 0, 0, 0, 2, 0, b"CmnD", b"\1\0\0\0", b"I\1\0\0"
    )
    return icu_data.write_package(header.ljust(32, b"\0"), items)


def test_the_cut_keeps_what_qt_reads_and_drops_the_rest() -> None:
    for name in ("coll/root.res", "coll/ucadata.icu", "ibm-943_P15A-2003.cnv", "cnvalias.icu"):
        assert icu_data.kept(f"icudt73l/{name}"), name
    for name in ("zone/de.res", "metaZones.res", "zoneinfo64.res", "en.res", "region/ja.res"):
        assert icu_data.kept(f"icudt73l/{name}"), name
    for name in ("brkitr/cjdict.dict", "translit/root.res", "curr/de.res", "lang/fr.res"):
        assert not icu_data.kept(f"icudt73l/{name}"), name
    for name in ("unit/en.res", "rbnf/en.res", "rfc3491.spp", "confusables.cfu", "unames.icu"):
        assert not icu_data.kept(f"icudt73l/{name}"), name


def test_a_package_reads_back_as_written_with_its_items_aligned() -> None:
    items = [
        ("icudt73l/a.res", b"A" * 16),
        ("icudt73l/b/c.res", b"BC" * 24),
        ("icudt73l/z.icu", b"Z" * 32),
    ]
    data = package(items)
    header, read = icu_data.read_package(data)
    assert read == items
    assert icu_data.write_package(header, read) == data
    (count,) = struct.unpack_from("<I", data, 32)
    offsets = [struct.unpack_from("<II", data, 36 + 8 * i)[1] for i in range(count)]
    assert all((32 + offset) % icu_data.ALIGN == 0 for offset in offsets)


def test_qt_calls_no_icu_service_beyond_the_audited_ones() -> None:
    """The dropped data belongs to ICU services Qt never called: a Qt that calls others must
    have the lists in packaging/icu_data.py checked again."""
    suffix = "_" + icu_library().name.rsplit(".", 1)[1]
    calls = {
        name.removesuffix(suffix)
        for lib in qt_lib().glob("libQt6*.so.6")
        for name, data in icu_data.dynamic_symbols(lib.read_bytes()).items()
        if data is None and name.endswith(suffix)
    }
    assert "ucol_open" in calls
    assert calls <= icu_data.AUDITED_QT_CALLS, sorted(calls - icu_data.AUDITED_QT_CALLS)


def test_the_real_package_reads_and_writes_back_byte_for_byte() -> None:
    _symbol, data = icu_data.icu_data_symbol(icu_library().read_bytes())
    header, items = icu_data.read_package(data)
    assert len(items) > 1000
    assert icu_data.write_package(header, items) == data


QT_ASKS_ICU = textwrap.dedent(
    """
    import functools
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QStringConverter, QTimeZone

    print(next(line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line))
    words = ["Äpfel", "apple", "zebra", "file10", "file9", "ångström", "öl", "中文", "ch", "cz"]
    for name in ["en_US", "de_DE", "sv_SE", "zh_CN", "cs_CZ", "tr_TR"]:
        collator = QCollator(QLocale(name))
        collator.setNumericMode(True)
        print(name, sorted(words, key=functools.cmp_to_key(collator.compare)))
    print(len(QStringConverter.availableCodecs()))
    for codec in ["Shift_JIS", "GB18030", "windows-1252", "EUC-KR", "Big5", "KOI8-R"]:
        print(codec, QStringDecoder(codec).isValid())
    standard = QTimeZone.TimeType.StandardTime
    for zone in [b"Europe/Berlin", b"US/Pacific", b"Asia/Kolkata"]:
        for name in ["en_US", "de_DE", "ja_JP"]:
            for kind in [QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName]:
                print(zone, name, QTimeZone(zone).displayName(standard, kind, QLocale(name)))
    for name in ["tr_TR", "lt_LT", "el_GR"]:
        print(name, QLocale(name).toUpper("iıstraße ά"), QLocale(name).toLower("IİΣΑΣ"))
    """
)


def test_qt_answers_the_same_with_the_cut_data(tmp_path: Path) -> None:
    """Collation in several languages, the legacy codecs, time zone names and case mapping give
    the same answers with the cut data library as with the whole one."""
    library = icu_library()
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler to link the cut ICU data with")
    cut = icu_data.trimmed_library(library, tmp_path / "icu")
    assert cut is not None
    assert cut.stat().st_size < library.stat().st_size * 0.6

    def ask(library_path: str | None) -> list[str]:
        env = dict(os.environ)
        if library_path:  # ahead of the RUNPATH of PySide6's ICU libraries
            env["LD_LIBRARY_PATH"] = library_path
        result = subprocess.run(
            [sys.executable, "-c", QT_ASKS_ICU],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stderr == ""
        return result.stdout.splitlines()

    whole, trimmed = ask(None), ask(str(cut.parent))
    assert whole[0] == str(library.resolve())
    assert trimmed[0] == str(cut.resolve())
    assert trimmed[1:] == whole[1:]
