"""A repeat ``report`` prints the report kept from the last one only when nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest

from codex_presence_gui.cli import main
from codex_presence_gui.core import report_cache, usage_report
from codex_presence_gui.core.report_cache import FOLDER_NAME
from codex_presence_gui.core.usage_index import INDEX_NAME, UsageIndex
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000c001"
#: The system's zone files (the tests that change them use copies).
ZONES = Path("/usr/share/zoneinfo")
needs_zone_files = pytest.mark.skipif(
    not (ZONES / "America" / "Indiana" / "Indianapolis").is_file(), reason="no zone files"
)
#: New York's 1 July 2005, Indianapolis's 30 June: two zones alike now (EST/EDT), but
#: Indianapolis kept no summer time before 2006.
NEW_YORK_JULY_FIRST = datetime(2005, 7, 1, 4, 30, tzinfo=UTC).timestamp()


@pytest.fixture
def home(codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodexHome:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    lines.append(r.token_count(BASE + 10, r.usage(10_000, 5_000, 0), r.usage(10_000, 5_000, 0)))
    codex_home.write(SID, lines)
    return codex_home


class Made:
    """Counts the reports made from the index (not given back as kept)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        make = usage_report.report_from_rows

        def counting(*args: object, **kwargs: object) -> object:
            self.count += 1
            return make(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(usage_report, "report_from_rows", counting)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    return Made(monkeypatch)


@pytest.fixture
def one_quarter_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept reports hold far longer than a quarter hour: a test whose repeats must print the
    kept report is not failed by one ending (UTC) between two of them."""
    monkeypatch.setattr(report_cache, "VALID_SECONDS", 1 << 40)


def _report(
    capsys: pytest.CaptureFixture[str], home: CodexHome, *options: str, kind: str = "daily"
) -> str:
    status = main(["report", kind, *options, "--codex-home", str(home.root)])
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


def _total(text: str) -> int:
    return int(json.loads(text)["totals"]["total_tokens"])


@pytest.mark.usefixtures("one_quarter_hour")
def test_a_repeat_with_nothing_new_prints_the_kept_report(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, tmp_path: Path
) -> None:
    first = _report(capsys, home, "--json")
    assert made.count == 1
    assert list((tmp_path / "app" / "cache" / FOLDER_NAME).glob("*.report"))
    for _ in range(3):
        assert _report(capsys, home, "--json") == first
    assert made.count == 1


def test_new_calls_in_a_log_make_the_report_again(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made
) -> None:
    assert _total(_report(capsys, home, "--json")) == 10_000
    more = r.token_count(BASE + 20, r.usage(15_000, 5_000, 0), r.usage(5_000, 0, 0))
    home.append(home.files[0], [more])
    assert _total(_report(capsys, home, "--json")) == 15_000
    assert made.count == 2


def test_a_log_written_by_another_process_between_two_reports_is_counted(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, tmp_path: Path
) -> None:
    """The window updates the same index: the report finds nothing new to read, yet the
    index holds more than when the report was kept (its mark has changed)."""
    assert _total(_report(capsys, home, "--json")) == 10_000
    more = r.token_count(BASE + 20, r.usage(12_000, 5_000, 0), r.usage(2_000, 0, 0))
    home.append(home.files[0], [more])
    with UsageIndex(tmp_path / "app" / "cache" / INDEX_NAME) as window:
        assert window.update([str(home.root)]).read == 1
    assert _total(_report(capsys, home, "--json")) == 12_000
    assert made.count == 2


@pytest.mark.parametrize(
    "other",
    [("--csv",), ("--timezone", "Asia/Tokyo", "--json"), ("--since", "2026-05-05", "--json")],
)
@pytest.mark.usefixtures("one_quarter_hour")
def test_another_command_line_is_not_given_this_report(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, other: tuple[str, ...]
) -> None:
    first = _report(capsys, home, "--json")
    assert _report(capsys, home, *other) != first
    assert made.count == 2
    assert _report(capsys, home, "--json") == first  # each kept under its own
    assert made.count == 2


def test_the_text_report_is_made_again_for_another_width(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    wide = _report(capsys, home)
    monkeypatch.setenv("COLUMNS", "60")
    narrow = _report(capsys, home)
    assert made.count == 2
    assert max(map(len, narrow.splitlines())) <= 60 < max(map(len, wide.splitlines()))


def test_the_machines_time_zone_changing_makes_the_report_again(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        _report(capsys, home, "--json")
        monkeypatch.setenv("TZ", "Pacific/Kiritimati")
        time.tzset()
        _report(capsys, home, "--json")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert made.count == 2


def test_a_report_is_kept_for_its_quarter_hour_only(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zone's abbreviation in force and the year a session report leaves out follow the
    clock: they change at most at a quarter hour."""
    import time

    now = [1_780_000_190.0]  # 10 s before a quarter hour ends
    monkeypatch.setattr(time, "time", lambda: now[0])
    _report(capsys, home, "--json")
    _report(capsys, home, "--json")
    assert made.count == 1
    now[0] += 30
    _report(capsys, home, "--json")
    assert made.count == 2


def test_a_report_with_warnings_is_not_kept(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, tmp_path: Path
) -> None:
    """Only the report is kept, not what is said beside it: each run says its own."""
    missing = tmp_path / "no-such-home"
    for _ in range(2):
        status = main(["report", "daily", "--json", "--codex-home", str(home.root), str(missing)])
        out = capsys.readouterr()
        assert status == 0
        assert "no-such-home" in out.err
    assert made.count == 2


@pytest.mark.usefixtures("one_quarter_hour")
def test_a_config_file_that_cannot_be_used_is_said_again_beside_a_kept_report(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made
) -> None:
    """A broken ``config.toml`` had kept every report from being kept while it lasted (0.15 s
    a repeat instead of 0.05 s): it is said with each run, kept report or not, and the tier
    the calls are priced in changes only with a write to the index."""
    config = home.root / "config.toml"
    config.write_text('service_tier = "fast"\n')
    priority = _report(capsys, home, "--json")
    config.write_text('service_tier = "fast\n')  # no closing quote
    outs = []
    for _ in range(3):
        status = main(["report", "daily", "--json", "--codex-home", str(home.root)])
        out = capsys.readouterr()
        assert status == 0
        said = " ".join(out.err.split())  # (wrapped to the width)
        assert "config.toml cannot be used" in said
        assert said.endswith("keep the one it last named, the API's priority tier")
        outs.append(out.out)
    # Priced in the tier last read in it, as a report of the broken file says.
    assert outs == [priority] * 3
    assert made.count == 2  # made again once for the broken file (a write), then kept
    config.write_text("")  # mended (the standard tier): made again, and nothing said
    status = main(["report", "daily", "--json", "--codex-home", str(home.root)])
    assert status == 0
    assert capsys.readouterr().err == ""
    assert made.count == 3


def test_a_rebuilt_index_makes_the_report_again(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, tmp_path: Path
) -> None:
    first = _report(capsys, home, "--json")
    index = tmp_path / "app" / "cache" / INDEX_NAME
    index.write_bytes(b"not a database" * 100)
    status = main(["report", "daily", "--json", "--codex-home", str(home.root)])
    out = capsys.readouterr()
    assert status == 0
    assert out.out == first
    assert "usage index" in out.err  # the rebuild is said
    assert made.count == 2


@pytest.mark.usefixtures("one_quarter_hour")
def test_a_kept_report_needs_none_of_the_reports_work(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _report(capsys, home, "--json")

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the report was made again")

    monkeypatch.setattr(usage_report, "report_from_rows", refused)
    monkeypatch.setattr(usage_report, "report_json_text", refused)
    assert _report(capsys, home, "--json") == first
    assert len(first) < report_cache.MAX_KEPT_CHARS


def _fresh(
    capsys: pytest.CaptureFixture[str], home: CodexHome, *options: str, kind: str = "daily"
) -> str:
    """The report as a run without any kept report makes it."""
    shutil.rmtree(Path(os.environ[BASE_DIR_ENV]) / "cache" / FOLDER_NAME, ignore_errors=True)
    return _report(capsys, home, *options, kind=kind)


def test_a_terminal_resized_while_the_report_is_made_keeps_it_for_the_width_written(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The width is read once: it had been read for the key, then again to write the table,
    and a report written 60 wide was kept as the one for 100 columns."""
    monkeypatch.setenv("COLUMNS", "100")
    make = usage_report.report_from_rows

    def resized(*args: object, **kwargs: object) -> object:
        monkeypatch.setenv("COLUMNS", "60")  # the terminal, resized meanwhile
        return make(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(usage_report, "report_from_rows", resized)
    _report(capsys, home)
    monkeypatch.setattr(usage_report, "report_from_rows", make)
    monkeypatch.setenv("COLUMNS", "100")
    assert _report(capsys, home) == _fresh(capsys, home)


@pytest.fixture
def zone_env() -> Iterator[pytest.MonkeyPatch]:
    """``TZ`` and ``TZDIR`` as a test sets them, put back after (and read again: tzset)."""
    with pytest.MonkeyPatch.context() as patch:
        yield patch
    time.tzset()


@pytest.fixture
def july_2005(codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodexHome:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    at = NEW_YORK_JULY_FIRST
    lines = [r.session_meta(at, SID, cwd="/w/shop"), r.turn_context(at + 1, cwd="/w/shop")]
    lines.append(r.token_count(at + 10, r.usage(10_000, 5_000, 0), r.usage(10_000, 5_000, 0)))
    codex_home.write(SID, lines, started=at)
    return codex_home


def _days(text: str) -> list[str]:
    return [row["key"] for row in json.loads(text)["rows"]]


@needs_zone_files
def test_a_zone_folder_of_its_own_makes_the_report_again(
    home: CodexHome, capsys: pytest.CaptureFixture[str], zone_env: pytest.MonkeyPatch
) -> None:
    """With ``TZDIR`` the zone is not known by its IANA name (the files may be any): the
    report says its abbreviations, where the one kept without it had said "Europe/Paris"."""
    zone_env.setenv("TZ", "Europe/Paris")
    time.tzset()
    assert json.loads(_report(capsys, home, "--json"))["timezone"] == "Europe/Paris"
    zone_env.setenv("TZDIR", str(ZONES))
    time.tzset()
    assert _report(capsys, home, "--json") == _fresh(capsys, home, "--json")


@needs_zone_files
def test_the_zone_file_tz_names_replaced_makes_the_report_again(
    july_2005: CodexHome,
    capsys: pytest.CaptureFixture[str],
    zone_env: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The zone's names and offsets now are alike; its file (a tzdata update, another zone
    copied there) counts the days of 2005 otherwise."""
    zone = tmp_path / "zone"
    shutil.copy(ZONES / "America" / "New_York", zone)
    zone_env.setenv("TZ", str(zone))
    time.tzset()
    assert _days(_report(capsys, july_2005, "--json")) == ["2005-07-01"]
    shutil.copy(ZONES / "America" / "Indiana" / "Indianapolis", tmp_path / "copy")
    os.replace(tmp_path / "copy", zone)
    zone_env.setenv("TZ", "UTC")  # (the C library reads a file again only for another TZ)
    time.tzset()
    zone_env.setenv("TZ", str(zone))
    time.tzset()
    again = _report(capsys, july_2005, "--json")
    assert again == _fresh(capsys, july_2005, "--json")
    assert _days(again) == ["2005-06-30"]


@needs_zone_files
def test_the_zone_file_a_timezone_option_names_replaced_makes_the_report_again(
    july_2005: CodexHome, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--timezone America/New_York`` read from another file (a tzdata update,
    ``PYTHONTZPATH``): the days of 2005 are counted otherwise."""
    import zoneinfo

    options = ("--json", "--timezone", "America/New_York")
    assert _days(_report(capsys, july_2005, *options)) == ["2005-07-01"]
    other = tmp_path / "zones" / "America"
    other.mkdir(parents=True)
    shutil.copy(ZONES / "America" / "Indiana" / "Indianapolis", other / "New_York")
    zoneinfo.reset_tzpath([str(tmp_path / "zones")])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        again = _report(capsys, july_2005, *options)
        assert again == _fresh(capsys, july_2005, *options)
        assert _days(again) == ["2005-06-30"]
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.skipif(not (ZONES / "right" / "UTC").is_file(), reason="no leap-second zones")
def test_a_new_year_past_a_quarter_hour_makes_the_report_again(
    home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    zone_env: pytest.MonkeyPatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the leap-second zones (``right/``) a report's clock turns the year most of a minute
    past a quarter hour (UTC): a session report kept a few seconds before had left the year
    out of its times past it, where a report made then shows it."""
    zone_env.setenv("TZ", "right/UTC")
    time.tzset()
    now = [datetime(2027, 1, 1, 0, 0, 10, tzinfo=UTC).timestamp()]  # still 2026 there

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:
            return cls.fromtimestamp(now[0], tz)

    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.setattr(usage_report, "datetime", Clock)
    before = _report(capsys, home, kind="session")
    now[0] += 60  # 2027 there, in the same quarter hour
    after = _report(capsys, home, kind="session")
    assert after == _fresh(capsys, home, kind="session")
    assert "2026" in after
    assert "2026" not in before


@pytest.mark.parametrize(
    ("module", "name"), [(sys, "version"), (sqlite3, "sqlite_version")], ids=["python", "sqlite"]
)
def test_another_python_or_sqlite_makes_the_report_again(
    home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    made: Made,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
) -> None:
    """They come with the interpreter, not with the app's modules (whose stamp is in the
    key): Python's Unicode tables measure a name's width in the table, SQLite orders what
    the index gives."""
    _report(capsys, home)
    monkeypatch.setattr(module, name, f"{getattr(module, name)} (another)")
    _report(capsys, home)
    assert made.count == 2


def test_a_report_made_without_the_price_library_is_not_kept(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library could not be imported (an install under way, a file unreadable for a
    moment): the next run, with it, prices the calls, where the report kept without any
    cost had been printed again."""
    from codex_presence_gui.core import pricing

    def broken(*_args: object) -> object:
        raise ImportError("genai_prices is half installed")

    with monkeypatch.context() as patch:
        patch.setattr(pricing, "import_library", broken)
        first = json.loads(_report(capsys, home, "--json"))
        assert "cannot be imported" in first["prices"]["source"]
    again = _report(capsys, home, "--json")
    assert again == _fresh(capsys, home, "--json")
    assert "cannot be imported" not in again


@pytest.mark.usefixtures("one_quarter_hour")
def test_a_price_library_changed_under_its_version_makes_the_report_again(
    home: CodexHome, capsys: pytest.CaptureFixture[str], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    _report(capsys, home, "--json")
    monkeypatch.setattr(report_cache, "library_stamp", lambda name: f"{name} patched")
    _report(capsys, home, "--json")
    assert made.count == 2
