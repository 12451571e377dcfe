"""Kept reports: used only for the same key, the same index mark and quarter hour, whole."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core import report_cache
from codex_presence_gui.core.report_cache import (
    FOLDER_NAME,
    MAX_KEPT,
    MAX_KEPT_CHARS,
    code_stamp,
    keep_report,
    keep_sums,
    kept_report,
    kept_sums,
    report_key,
)

NOW = 1_780_000_400.0  # 200 s into a quarter hour
KEY = report_key(["daily", "json", "/home/me/.codex"])
TEXT = '{"schema": 1, "rows": []}\n'


def _kept_files(folder: Path) -> list[Path]:
    return sorted((folder / FOLDER_NAME).glob("*.report"))


def test_a_report_kept_is_given_back_for_its_key_and_mark(tmp_path: Path) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    assert kept_report(str(tmp_path), KEY, "m1", NOW + 1) == TEXT


@pytest.mark.parametrize(
    ("key", "mark", "now"),
    [
        (report_key(["daily", "json", "/home/me/.codex2"]), "m1", NOW),  # another key
        (KEY, "m2", NOW),  # the index written since
        (KEY, None, NOW),  # an index never written with a mark
        (KEY, "m1", NOW + 700),  # the next quarter hour
        (KEY, "m1", NOW - 300),  # a clock set back past the quarter hour
    ],
)
def test_nothing_is_given_back_for_another_key_mark_or_quarter_hour(
    tmp_path: Path, key: bytes, mark: str | None, now: float
) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    assert kept_report(str(tmp_path), key, mark, now) is None


@given(st.lists(st.text(max_size=6), max_size=4), st.lists(st.text(max_size=6), max_size=4))
def test_two_lists_of_fields_have_one_key_only_when_they_are_the_same(
    first: list[str], second: list[str]
) -> None:
    assert (report_key(first) == report_key(second)) == (first == second)


def test_a_field_with_a_lone_surrogate_has_a_key_of_its_own() -> None:
    """Windows names folders, and gives ``TZ``, in UTF-16, which may hold a surrogate with no
    pair (a folder's name on NTFS need not be valid Unicode): the key of a report for such a
    home had raised UnicodeEncodeError, and the report with it. Its key is apart from any
    other's, also from a name with escaped bytes (``\\udcc3\\udca9``, not ``é``)."""
    fields = [["C:\\Users\\\ud800codex"], ["C:\\Users\\\ud801codex"], ["\udcc3\udca9"], ["é"]]
    assert len({report_key(field) for field in fields}) == len(fields)


def test_the_code_stamp_of_an_executable_with_a_lone_surrogate_in_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen app's stamp is its executable's, whose path on Windows may hold a surrogate
    with no pair: it had raised UnicodeEncodeError, and every report with it."""
    executable = "C:\\Apps\\\ud800\\app.exe"
    made = os.stat_result((0o100755, 1, 1, 1, 0, 0, 4096, 0, 0, 0))
    real_stat = os.stat

    def stat(path: object, **options: object) -> os.stat_result:
        # (Windows finds it; POSIX cannot even name it.)
        return made if path == executable else real_stat(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(report_cache.sys, "executable", executable)
    monkeypatch.setattr(report_cache.os, "stat", stat)
    assert code_stamp(str(tmp_path / "no-such-package"))


def test_text_of_any_kind_comes_back_the_same(tmp_path: Path) -> None:
    text = "caf\u00e9 \u202e\U0001f600 \ud800 \x00\n" * 3  # a lone surrogate, a NUL
    keep_report(str(tmp_path), KEY, "m1", NOW, text)
    assert kept_report(str(tmp_path), KEY, "m1", NOW) == text


@pytest.mark.parametrize("cut", [0, 10, 40, -1])
def test_a_damaged_or_cut_file_is_not_used(tmp_path: Path, cut: int) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    (path,) = _kept_files(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:cut] if cut >= 0 else data[:-3] + b"X" + data[-2:])
    assert kept_report(str(tmp_path), KEY, "m1", NOW) is None


def test_a_fifo_or_a_link_where_a_report_is_kept_is_not_read(tmp_path: Path) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    (path,) = _kept_files(tmp_path)
    elsewhere = tmp_path / "elsewhere.report"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert kept_report(str(tmp_path), KEY, "m1", NOW) is None
    path.unlink()
    os.mkfifo(path)
    found: list[str | None] = []
    reader = threading.Thread(
        target=lambda: found.append(kept_report(str(tmp_path), KEY, "m1", NOW))
    )
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "a FIFO was waited on"
    assert found == [None]


def test_a_report_too_long_is_not_kept(tmp_path: Path) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, "x" * (MAX_KEPT_CHARS + 1))
    assert _kept_files(tmp_path) == []


def test_at_most_max_kept_reports_stay_the_newest(tmp_path: Path) -> None:
    keys = [report_key(["daily", str(number)]) for number in range(MAX_KEPT + 3)]
    for number, key in enumerate(keys):
        keep_report(str(tmp_path), key, "m1", NOW, TEXT)
        for path in _kept_files(tmp_path):  # (one second apart, whatever the file system)
            if path.name == f"{report_cache.zlib.crc32(key):08x}.report":
                os.utime(path, ns=(number * 10**9, number * 10**9))
    assert len(_kept_files(tmp_path)) == MAX_KEPT
    assert kept_report(str(tmp_path), keys[-2], "m1", NOW) == TEXT
    assert kept_report(str(tmp_path), keys[0], "m1", NOW) is None


def test_a_folder_that_cannot_be_written_keeps_nothing_and_says_nothing(tmp_path: Path) -> None:
    (tmp_path / FOLDER_NAME).write_text("a file where the folder would be")
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)  # no exception
    assert kept_report(str(tmp_path), KEY, "m1", NOW) is None


def test_a_piece_left_by_a_report_that_ended_while_writing_goes_after_an_hour(
    tmp_path: Path,
) -> None:
    folder = tmp_path / FOLDER_NAME
    folder.mkdir()
    old, new = folder / "00000000.report.1.part", folder / "00000001.report.2.part"
    old.write_text("x")
    new.write_text("x")
    os.utime(old, (NOW - 7200, NOW - 7200))
    os.utime(new, (NOW - 60, NOW - 60))
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    assert not old.exists()
    assert new.exists()


def test_the_code_stamp_changes_with_a_module(tmp_path: Path) -> None:
    (tmp_path / "core").mkdir()
    module = tmp_path / "core" / "usage_report.py"
    module.write_text("A = 1\n")
    before = code_stamp(str(tmp_path))
    module.write_text("A = 22\n")
    assert code_stamp(str(tmp_path)) != before


def test_a_folder_where_a_report_is_kept_is_neither_read_nor_replaced(tmp_path: Path) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    (path,) = _kept_files(tmp_path)
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("mine")
    assert kept_report(str(tmp_path), KEY, "m1", NOW) is None
    keep_report(str(tmp_path), KEY, "m2", NOW, TEXT)  # no exception, nothing left behind
    assert (path / "inside").read_text() == "mine"
    assert sorted(p.name for p in (tmp_path / FOLDER_NAME).iterdir()) == [path.name]


def test_a_report_kept_from_another_mark_is_not_read_past_its_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an append the index has a new mark: the last report (up to megabytes) is known
    to be out of date from its first line, and is not read whole for nothing."""
    keep_report(str(tmp_path), KEY, "m1", NOW, "x" * (MAX_KEPT_CHARS // 2))
    read = [0]
    real = os.read

    def counted(fd: int, count: int) -> bytes:
        data = real(fd, count)
        read[0] += len(data)
        return data

    monkeypatch.setattr(report_cache.os, "read", counted)
    assert kept_report(str(tmp_path), KEY, "m2", NOW) is None
    assert read[0] <= 4096
    assert kept_report(str(tmp_path), KEY, "m1", NOW) == "x" * (MAX_KEPT_CHARS // 2)


def test_the_price_library_s_stamp_changes_with_its_data_not_only_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable or patched install changes its prices in its data module, its version
    left as it was: a report kept with the old prices is not printed after it."""
    from codex_presence_gui.core.report_cache import library_stamp

    package = tmp_path / "fake_prices_lib"
    package.mkdir()
    (package / "__init__.py").write_text("")
    data = package / "data.py"
    data.write_text("PRICE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = library_stamp("fake_prices_lib")
    assert before
    data.write_text("PRICE = 22\n")
    assert library_stamp("fake_prices_lib") != before
    assert library_stamp("no_such_package_here") == ""


@pytest.mark.parametrize("name", ["genai_prices", "sqlite3", "json", "sys", "no_such_package_here"])
def test_an_installed_module_is_found_where_importlib_finds_it(name: str) -> None:
    """``installed_spec`` asks the finders ``importlib.util.find_spec`` asks (sparing a
    report its import): the same place for a package, a module, a built-in and none."""
    import importlib.util

    from codex_presence_gui.core.pricing import installed_spec

    ours, theirs = installed_spec(name), importlib.util.find_spec(name)
    assert (ours and ours.origin) == (theirs and theirs.origin)
    assert installed_spec("json.decoder") is None  # a dotted name: not looked for
    assert installed_spec("") is None


def test_sums_are_kept_beside_the_report_and_never_taken_for_it(tmp_path: Path) -> None:
    keep_report(str(tmp_path), KEY, "m1", NOW, TEXT)
    keep_sums(str(tmp_path), KEY, "m1", NOW, '{"sums": 1}')
    assert kept_report(str(tmp_path), KEY, "m1", NOW) == TEXT
    assert kept_sums(str(tmp_path), KEY, "m1", NOW) == '{"sums": 1}'
    assert kept_sums(str(tmp_path), KEY, "m2", NOW) is None  # the index written since
    assert kept_sums(str(tmp_path), KEY, "m1", NOW + 700) is None  # the next quarter hour
    (report,) = _kept_files(tmp_path)
    (sums,) = (tmp_path / FOLDER_NAME).glob("*.sums")
    # A report's file where the sums are (or the other way round) is not read as such.
    sums.write_bytes(report.read_bytes())
    assert kept_sums(str(tmp_path), KEY, "m1", NOW) is None
    keep_sums(str(tmp_path), KEY, "m1", NOW, TEXT)
    report.write_bytes(sums.read_bytes())
    assert kept_report(str(tmp_path), KEY, "m1", NOW) is None


def test_a_fifo_where_sums_are_kept_is_not_waited_on(tmp_path: Path) -> None:
    keep_sums(str(tmp_path), KEY, "m1", NOW, TEXT)
    (path,) = (tmp_path / FOLDER_NAME).glob("*.sums")
    path.unlink()
    os.mkfifo(path)
    found: list[str | None] = []
    reader = threading.Thread(target=lambda: found.append(kept_sums(str(tmp_path), KEY, "m1", NOW)))
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "a FIFO was waited on"
    assert found == [None]


def test_at_most_max_kept_sums_stay_besides_as_many_reports(tmp_path: Path) -> None:
    for number in range(MAX_KEPT + 2):
        key = report_key(["daily", str(number)])
        keep_report(str(tmp_path), key, "m1", NOW, TEXT)
        keep_sums(str(tmp_path), key, "m1", NOW, TEXT)
    assert len(_kept_files(tmp_path)) == MAX_KEPT
    assert len(list((tmp_path / FOLDER_NAME).glob("*.sums"))) == MAX_KEPT


def test_only_files_named_as_kept_ones_are_ever_removed(tmp_path: Path) -> None:
    """A ``report-cache`` that is a link to a folder of the user's (or holds files the app did
    not make) loses none of them: only ``<crc32>.report``, ``.sums`` and their pieces go."""
    folder = tmp_path / FOLDER_NAME
    folder.mkdir()
    theirs = [folder / f"notes-{number}.report" for number in range(MAX_KEPT + 2)]
    theirs += [folder / "budget.sums", folder / "draft.report.12.part", folder / "0.report"]
    for path in theirs:
        path.write_text("mine")
        os.utime(path, (NOW - 7200, NOW - 7200))
    for number in range(MAX_KEPT + 2):
        keep_report(str(tmp_path), report_key(["daily", str(number)]), "m1", NOW, TEXT)
    assert all(path.read_text() == "mine" for path in theirs)
    ours = [path for path in _kept_files(tmp_path) if path not in theirs]
    assert len(ours) == MAX_KEPT
