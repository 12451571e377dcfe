"""The ``report`` command end to end: a temporary home and cache folder, every output form."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from codex_presence_gui.cli import _PLAIN_ERRORS, kind_first, main, plain_symbols
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000b001"


@pytest.fixture
def home(codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodexHome:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    total = 0
    for turn in range(3):
        total += 10_000
        lines.append(
            r.token_count(
                BASE + 10 + turn, r.usage(total, total // 2, 0), r.usage(10_000, 5_000, 0)
            )
        )
    codex_home.write(SID, lines)
    return codex_home


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def _warnings(err: str) -> list[str]:
    """The warnings said, each on one line again (they are wrapped to the width)."""
    return err.replace("\n  ", " ").splitlines()


def test_daily_json_then_a_repeat_from_the_index(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, out, err = _run(capsys, *args)
    assert status == 0, err
    data = json.loads(out)
    assert data["report"] == "daily"
    assert data["timezone"] == "UTC"
    assert data["totals"]["total_tokens"] == 30_000
    assert data["totals"]["cached_input_tokens"] == 15_000
    assert data["rows"][0]["key"] == "2026-05-04"
    again = _run(capsys, *args)
    assert json.loads(again[1]) == data


class _Writes(io.StringIO):
    """Standard output that keeps how long its longest write was."""

    longest = 0

    def write(self, text: str) -> int:
        self.longest = max(self.longest, len(text))
        return super().write(text)


def test_a_json_report_is_written_a_row_at_a_time(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never the whole document at once: with 100,000 sessions it is 72 MB, and its dicts
    and text had taken 400 MB (605 MB at the peak)."""
    from tests.helpers.usage import write_usage_session

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    for index in range(40):
        write_usage_session(codex_home, index, [(BASE + 600 * index, 1000, 500, 100)])
    out = _Writes()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["report", "session", "--json", "--codex-home", str(codex_home.root)]) == 0
    assert len(json.loads(out.getvalue())["rows"]) == 40
    assert out.longest < len(out.getvalue()) / 10


@pytest.mark.parametrize("form", [["--csv"], [], ["--breakdown"]])
def test_csv_and_text_reports_are_written_a_line_at_a_time(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: list[str]
) -> None:
    """As JSON is: a session report of 100,000 sessions is 14 MB of CSV, 8 MB of text."""
    from tests.helpers.usage import write_usage_session

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    monkeypatch.setenv("COLUMNS", "100")
    for index in range(40):
        write_usage_session(codex_home, index, [(BASE + 600 * index, 1000, 500, 100)])
    out = _Writes()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["report", "session", *form, "--codex-home", str(codex_home.root)]) == 0
    assert out.getvalue().count("\n") > 40
    assert out.longest < len(out.getvalue()) / 10


@pytest.mark.parametrize("form", ["--json", "--csv"])
def test_a_session_report_writes_its_first_sessions_before_it_has_made_the_others(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """Each session is written once its rows end: the report of 100,000 sessions had held a
    row, tallies and models for each (1 KB a session, 45 MB) until the end."""
    from codex_presence_gui.core.usage_report import UsageRow
    from tests.helpers.usage import usage_session_id, write_usage_session

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    for index in range(40):
        write_usage_session(codex_home, index, [(BASE + 3600 * index, 1000, 500, 100)])
    made: list[str] = []
    make = UsageRow.__init__

    def making(row: UsageRow, key: str, *args: object, **kwargs: object) -> None:
        made.append(key)
        make(row, key, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(UsageRow, "__init__", making)
    first = usage_session_id(0)

    class Out(io.StringIO):
        """Standard output that keeps how many rows had been made when the first was written."""

        made_then: int | None = None

        def write(self, text: str) -> int:
            if self.made_then is None and first in text:
                self.made_then = len(made)
            return super().write(text)

    out = Out()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["report", "session", form, "--codex-home", str(codex_home.root)]) == 0
    assert out.getvalue().count(first) == 1
    assert made.count(first) == 1
    assert len(made) > 40  # every session, and the totals
    assert out.made_then is not None
    assert out.made_then <= 3


def test_a_session_report_the_index_fails_to_give_to_the_end_is_said_cut_short(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its rows are read as it is written: should SQLite fail on the way (it reads them all
    before the first, as a rule), the report is not left to look whole."""
    import sqlite3

    from codex_presence_gui.core.usage_index import UsageIndex

    rows = UsageIndex.session_rows

    def failing(*args: object) -> object:
        yield from rows(*args)  # type: ignore[arg-type]
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(UsageIndex, "session_rows", failing)
    status, out, err = _run(capsys, "report", "session", "--json", "--codex-home", str(home.root))
    assert status == 1
    assert SID in out
    assert err.startswith("report: the usage index could not be read to the end (database disk")
    assert "cut short" in err


@pytest.mark.parametrize("kind", ["session", "project"])
def test_a_report_reads_the_index_as_it_was_at_one_moment(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """The window (or another report) may add a session in a new folder between the reads a
    report makes of the index: its projects' names, then its rows. Read at two moments, the
    row of a project not named had ended the report in a traceback (a session report: in
    the middle of what it had written)."""
    from codex_presence_gui.core.usage_index import INDEX_NAME, UsageIndex

    named = UsageIndex.slot_projects

    def named_then_written_elsewhere(index: UsageIndex, homes: list[str]) -> object:
        found = named(index, homes)
        late = "019d0000-0000-7000-8000-00000000b002"
        lines = [
            r.session_meta(BASE + 600, late, cwd="/w/elsewhere"),
            r.turn_context(BASE + 601, cwd="/w/elsewhere"),
            r.token_count(BASE + 602, r.usage(7_000, 0, 0), r.usage(7_000, 0, 0)),
        ]
        home.write(late, lines, started=BASE + 600)
        with UsageIndex(tmp_path / "app" / "cache" / INDEX_NAME) as other:
            other.update([str(home.root)], workers=1)
        return found

    monkeypatch.setattr(UsageIndex, "slot_projects", named_then_written_elsewhere)
    args = ("report", kind, "--json", "--codex-home", str(home.root))
    status, out, err = _run(capsys, *args)
    assert status == 0, err
    data = json.loads(out)
    assert data["totals"]["total_tokens"] == 30_000  # the index as the report named it
    assert "elsewhere" not in out


@pytest.mark.parametrize("form", [["--json"], ["--csv"], [], ["--breakdown"]])
def test_a_session_report_made_whole_when_it_cannot_be_written_as_it_is_read_is_the_same(
    codex_home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    form: list[str],
) -> None:
    """Quarter hours counted in too many runs (see ``counted_runs``) have the report made
    whole, from the rows read in one go: the same report."""
    from codex_presence_gui import usage_commands
    from codex_presence_gui.core.usage_index import UsageIndex
    from tests.helpers.usage import write_usage_session

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    for index in range(6):
        calls = [(BASE + 1300 * index + 97 * n, 1000 + index, 300, 40 + n) for n in range(3)]
        write_usage_session(codex_home, index, calls, cwd=f"/w/p{index % 2}")
    args = ("report", "session", *form, "--timezone", "UTC", "--codex-home", str(codex_home.root))
    streamed = _run(capsys, *args)
    monkeypatch.setattr(usage_commands, "STREAMED_RUNS_MAX", 0)
    monkeypatch.setattr(UsageIndex, "session_rows", None)  # (not asked for)
    assert _run(capsys, *args) == streamed
    assert streamed[0] == 0


def test_the_report_is_made_without_the_cycle_collector_and_it_is_back_after(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows and tallies of 100,000 sessions hold no cycle: Python's collector looked
    them over again and again for nothing (0.9 s of 5.3 s). The update before them (whose
    worker processes are forked) and whatever runs after the report keep it."""
    import gc

    from codex_presence_gui.core import usage_index, usage_report

    seen: list[tuple[str, bool]] = []
    update, build = usage_index.UsageIndex.update, usage_report._finish_session

    def updating(*args: object, **kwargs: object) -> object:
        seen.append(("update", gc.isenabled()))
        return update(*args, **kwargs)  # type: ignore[arg-type]

    def building(*args: object, **kwargs: object) -> object:
        seen.append(("report", gc.isenabled()))
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(usage_index.UsageIndex, "update", updating)
    # (A session row is made as the report is written: the collector is off until then.)
    monkeypatch.setattr(usage_report, "_finish_session", building)
    assert gc.isenabled()
    assert _run(capsys, "report", "session", "--codex-home", str(home.root))[0] == 0
    assert seen == [("update", True), ("report", False)]
    assert gc.isenabled()
    # Made again after damage found on the way (the index rebuilt): the update collects.
    seen.clear()

    def repaired(index: usage_index.UsageIndex, work: Callable[[], object]) -> object:
        work()
        index.notice = "the usage index was damaged"  # as the rebuild says
        return work()

    monkeypatch.setattr(usage_index.UsageIndex, "repaired", repaired)
    assert _run(capsys, "report", "session", "--codex-home", str(home.root))[0] == 0
    # (The first made is never written: its rows are never made.)
    assert seen == [("update", True), ("update", True), ("report", False)]
    assert gc.isenabled()


def test_a_log_name_that_is_not_utf8_is_said_alike_by_a_first_report_and_a_repeat(
    codex_home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its odd bytes written out (``\\xe9``), as the index keeps its problem for the reports
    after: the first had said "caf\ufffd", the later ones "caf\\xe9"."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    folder = codex_home.root / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    path = Path(os.fsdecode(os.fsencode(folder) + b"/rollout-caf\xe9.jsonl"))
    usage = r.usage(1000, 500, 0)
    lines = [r.session_meta(BASE, SID), r.token_count(BASE + 60, usage, usage), '{"time": torn']
    path.write_text("\n".join(lines) + "\n", errors="surrogateescape")
    args = ("report", "daily", "--codex-home", str(codex_home.root))
    first, again = _run(capsys, *args), _run(capsys, *args)
    assert first[0] == again[0] == 0
    said = _warnings(first[2])
    assert said == _warnings(again[2])
    assert len(said) == 1
    assert "rollout-caf\\xe9.jsonl" in said[0]


def test_text_and_csv(home: CodexHome, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "report", "project", "--codex-home", str(home.root))
    assert status == 0
    assert "shop" in out
    assert "API-equivalent" in out
    status, out, _ = _run(capsys, "report", "model", "--csv", "--codex-home", str(home.root))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "model"
    assert rows[1][0] == "gpt-5.3-codex"


@pytest.mark.parametrize(
    ("columns", "width"),
    [
        ("", 80),
        ("100", 100),
        ("40", 40),
        ("30", 40),
        ("999", 120),
        ("²", 80),
        ("9" * 5000, 80),
        ("-5", 80),
    ],
)
def test_text_takes_the_terminal_width_within_bounds(
    home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
    width: int,
) -> None:
    """``COLUMNS`` (or the terminal; 80 for a pipe) sets the table's width, from 40 to 120."""
    monkeypatch.setenv("COLUMNS", columns)
    status, out, _ = _run(capsys, "report", "daily", "--codex-home", str(home.root))
    assert status == 0
    rule = out.splitlines()[1]
    assert set(rule) == {"─"}
    assert len(rule) == width - 2


def test_bad_input_is_a_message(
    home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad zone, dates the wrong way round and a bad date are usage errors: exit status 2,
    as argparse gives for any bad argument (README, ``report``)."""
    status, _, err = _run(
        capsys, "report", "daily", "--timezone", "Mars/Olympus", "--codex-home", str(home.root)
    )
    assert status == 2
    assert "unknown time zone" in err
    status, _, err = _run(
        capsys,
        "report",
        "daily",
        "--since",
        "2026-12-01",
        "--until",
        "2026-11-01",
        "--codex-home",
        str(home.root),
    )
    assert status == 2
    assert "--since is after --until" in err
    status, _, err = _run(capsys, "report", "daily", "--codex-home", str(tmp_path / "nowhere"))
    assert status == 2
    assert "No Codex folder found" in err
    with pytest.raises(SystemExit) as stopped:
        main(["report", "daily", "--since", "yesterday"])
    assert stopped.value.code == 2


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Mars/Olympus", "unknown time zone 'Mars/Olympus': no zone of that name on this system"),
        (
            "Europe/" + "A" * 5000,
            "unknown time zone 'Europe/AAAAAAAAAAAAAAAAAAAAAA…AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA': "
            "no zone of that name on this system",
        ),
        (
            "../" + "B" * 5000,
            "unknown time zone '../BBBBBBBBBBBBBBBBBBBBBBBBBB…BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB': "
            "not a zone's name (a name such as Europe/Paris or UTC, not a path)",
        ),
        # zoneinfo's words had named its internals ("ZoneInfo keys may not be absolute
        # paths", "Invalid TZif file: magic not found").
        *(
            (
                name,
                f"unknown time zone {name!r}: not a zone's name (a name such as "
                "Europe/Paris or UTC, not a path)",
            )
            for name in ("/etc/localtime", "../../etc/passwd", "UTC/", "zone.tab")
        ),
    ],
)
def test_an_unknown_zone_is_said_once_and_cut(
    home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    """A zone's name of thousands of characters had been quoted twice, whole (zoneinfo's
    words repeat it): a screenful for a one-line mistake."""
    status, out, err = _run(
        capsys, "report", "daily", "--timezone", name, "--codex-home", str(home.root)
    )
    assert status == 2
    assert not out
    lines = err.splitlines()
    assert all(len(line) <= 80 for line in lines)  # wrapped, as the warnings are
    assert " ".join(line.strip() for line in lines) == f"report: {said}"


@pytest.mark.parametrize(
    ("option", "day", "label"),
    [
        (["--timezone=-09:30"], "2026-05-03", "UTC-09:30"),  # the calls are at 09:00 UTC
        # Without the "=" too: argparse had taken "-09:30" for an option ("expected one
        # argument").
        (["--timezone", "-09:30"], "2026-05-03", "UTC-09:30"),
        (["--timezone", "-10"], "2026-05-03", "UTC-10:00"),
        (["--timezone", "+0545"], "2026-05-04", "UTC+05:45"),
        (["--timezone", "+14"], "2026-05-04", "UTC+14:00"),
        (["--timezone=-00:00"], "2026-05-04", "UTC"),
    ],
)
def test_a_fixed_offset_counts_the_days_at_that_offset(
    home: CodexHome, capsys: pytest.CaptureFixture[str], option: list[str], day: str, label: str
) -> None:
    """``--timezone -09:30`` had been "no zone of that name on this system": an offset is
    what a user of a zone the system lacks, or of none, has to give."""
    status, out, err = _run(
        capsys, "report", "daily", "--json", *option, "--codex-home", str(home.root)
    )
    assert status == 0, err
    report = json.loads(out)
    assert [row["key"] for row in report["rows"]] == [day]
    assert report["timezone"] == label


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "UTC+3",
            "a zone's name takes no offset; for days 3 hours ahead of UTC, use --timezone "
            "+03:00, or the zone of a place, such as Europe/Paris",
        ),
        (
            "gmt-5:30",
            "a zone's name takes no offset; for days 5 hours 30 minutes behind UTC, use "
            "--timezone -05:30, or the zone of a place, such as Europe/Paris",
        ),
        ("UTC+0", "a zone's name takes no offset; for UTC's own days, use --timezone UTC"),
        ("+05:60", "an offset's minutes go up to 59"),
        ("+05:07", "an offset's minutes are 00, 15, 30 or 45"),
        ("+15", "no place is more than 14 hours ahead of UTC"),
        ("+14:15", "no place is more than 14 hours ahead of UTC"),
        ("-12:15", "no place is more than 12 hours behind UTC"),
        ("-14", "no place is more than 12 hours behind UTC"),
        ("+5:3", "an offset from UTC is written such as +05:30, +0530 or -08"),
        ("+", "an offset from UTC is written such as +05:30, +0530 or -08"),
    ],
)
def test_an_offset_that_is_no_zone_says_what_to_type(
    home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    """``UTC+3`` had been "no zone of that name on this system", as if another system had
    it; and POSIX's TZ reads its sign the other way, so the offset alone is what to give."""
    status, out, err = _run(
        capsys, "report", "daily", f"--timezone={name}", "--codex-home", str(home.root)
    )
    assert status == 2
    assert not out
    assert " ".join(line.strip() for line in err.splitlines()) == (
        f"report: unknown time zone {name!r}: {said}"
    )


def test_a_home_that_cannot_be_entered_is_said_once(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A home of mode 000, for a user who is not root: said once, by its name, with its
    sums kept (its walk's own "cannot open the Codex folder" is the same news, and so is its
    config.toml that cannot be read)."""
    from tests.helpers.special_files import close_folder

    status, first, _ = _run(capsys, "report", "daily", "--json", "--codex-home", str(home.root))
    assert status == 0
    root = str(home.root)
    (home.root / "config.toml").mkdir()  # (root reads a closed home's file: this it cannot)
    close_folder(monkeypatch, root)
    status, out, err = _run(capsys, "report", "daily", "--json", "--codex-home", root)
    assert status == 0
    assert json.loads(out)["totals"] == json.loads(first)["totals"]
    said = [line for line in _warnings(err) if root in line]
    assert said == [
        f"warning: cannot open {root}: Permission denied; what the index holds of it is kept"
    ]


@pytest.mark.parametrize(
    ("name", "key"), [("utc", "UTC"), ("Z", "UTC"), ("europe/paris", "Europe/Paris")]
)
def test_a_zone_is_found_in_any_case(
    home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, key: str
) -> None:
    """The help's ``UTC`` typed as ``utc`` (zone files are found by case on Linux only)."""
    status, out, err = _run(
        capsys, "report", "daily", "--json", "--timezone", name, "--codex-home", str(home.root)
    )
    assert status == 0, err
    assert json.loads(out)["timezone"] == key


def test_localtime_is_the_machines_zone_by_its_name(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Debian links ``localtime`` in its zone folder to /etc/localtime: the report had said
    "Days in the localtime time zone"."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        status, out, err = _run(
            capsys,
            "report",
            "daily",
            "--json",
            "--timezone",
            "localtime",
            "--codex-home",
            str(home.root),
        )
    finally:
        monkeypatch.undo()
        time.tzset()
    assert status == 0, err
    assert json.loads(out)["timezone"] == "Asia/Tokyo"


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_zone_is_refused_not_taken_for_the_local_one(
    home: CodexHome, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    status, out, err = _run(
        capsys, "report", "daily", "--timezone", name, "--codex-home", str(home.root)
    )
    assert status == 2
    assert not out
    assert "--timezone needs a zone's name, such as UTC or Europe/Paris" in err


@pytest.mark.parametrize(
    "text", ["2026-W19-1", "2026-124", "2026-5-4", "２０２６-05-04", "2026050", "2026-0504"]
)
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_date_is_only_yyyy_mm_dd(
    home: CodexHome, capsys: pytest.CaptureFixture[str], option: str, text: str
) -> None:
    """The forms the help names, not every ISO form ``date.fromisoformat`` takes."""
    with pytest.raises(SystemExit) as stopped:
        main(["report", "daily", option, text, "--codex-home", str(home.root)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"expected a date as YYYY-MM-DD or YYYYMMDD (such as 2026-11-29), not {text!r}" in err


def test_a_day_not_in_the_calendar_is_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    for text in ("2026-02-30", "20260230"):
        with pytest.raises(SystemExit):
            main(["report", "daily", "--since", text])
        assert f"no such day in the calendar: {text!r}" in capsys.readouterr().err


def test_a_day_may_be_written_as_ccusage_writes_it(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--since 20260504`` (ccusage's form, which its users type) is 2026-05-04."""
    reports = []
    for since, until in (("2026-05-04", "2026-05-05"), ("20260504", "20260505")):
        status, out, _ = _run(
            capsys,
            "report",
            "daily",
            "--json",
            "--since",
            since,
            "--until",
            until,
            "--codex-home",
            str(home.root),
        )
        assert status == 0
        reports.append(json.loads(out))
    assert reports[0] == reports[1]
    assert reports[0]["since"] == "2026-05-04"
    assert reports[0]["rows"]


def test_a_home_without_a_sessions_folder_is_said_with_the_folder_meant(
    home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sessions folder given for the home (by its name, or its year folders) gets its
    parent suggested; another folder without logs is said to have none; one warning each."""
    sessions = home.root / "sessions"
    copy = tmp_path / "copy"
    (copy / "2026" / "11").mkdir(parents=True)
    empty = tmp_path / "empty\x1b[2J"
    empty.mkdir()
    status, _, err = _run(
        capsys, "report", "daily", "--codex-home", str(sessions), str(copy), str(empty)
    )
    assert status == 0
    missing = "where Codex keeps its logs, is missing"
    assert _warnings(err) == [
        f"warning: {sessions}/sessions, {missing}; did you mean --codex-home {home.root}?",
        f"warning: {copy}/sessions, {missing}; did you mean --codex-home {tmp_path}?",
        # Escaped: neither acted on, nor read as a folder "empty" that is not there.
        f"warning: '{tmp_path}/empty\\x1b[2J/sessions', {missing}; is "
        f"'{tmp_path}/empty\\x1b[2J' a Codex folder?",
    ]
    status, _, err = _run(capsys, "report", "daily", "--codex-home", str(home.root))
    assert "sessions folder" not in err


def test_a_corrupt_index_is_said_once_and_rebuilt(
    home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from codex_presence_gui.core.usage_index import default_index_path

    path = default_index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0garbage" * 64)
    status, out, err = _run(capsys, "report", "daily", "--json", "--codex-home", str(home.root))
    assert status == 0
    # Said after the report, so as done by then (the warning wraps at the terminal's width).
    assert "; it was rebuilt from the logs." in " ".join(err.split())
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    status, _, err = _run(capsys, "report", "daily", "--json", "--codex-home", str(home.root))
    assert "rebuilt" not in err


@pytest.mark.parametrize("table", ["usage", "prices"])
def test_damage_found_after_opening_is_rebuilt_with_one_message(
    home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    """A damaged table that the opening check does not read (the sums, the prices) is found
    on the way: the report rebuilds the index, says so once, and prints the right numbers."""
    from codex_presence_gui.core.usage_index import INDEX_NAME
    from tests.unit.core.test_usage_index import _damage_table

    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, out, _ = _run(capsys, *args)
    assert status == 0
    expected = json.loads(out)
    _damage_table(tmp_path / "app" / "cache" / INDEX_NAME, table)
    status, out, err = _run(capsys, *args)
    assert status == 0, err
    assert json.loads(out) == expected
    assert err.count("rebuilt") == 1
    assert "Traceback" not in err


def test_a_relative_home_is_known_by_its_whole_path(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--codex-home codex`` from two folders names two homes: the index keeps both (they
    had replaced each other's files, each report reading everything again)."""
    from codex_presence_gui.core.usage_index import INDEX_NAME, UsageIndex

    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "codex").symlink_to(home.root, target_is_directory=True)
        monkeypatch.chdir(folder)
        status, _, err = _run(capsys, "report", "daily", "--json", "--codex-home", "codex")
        assert status == 0, err
    with UsageIndex(tmp_path / "app" / "cache" / INDEX_NAME) as index:
        assert index.sessions([str(first / "codex")])
        assert index.sessions([str(second / "codex")])


def test_a_cache_folder_that_cannot_be_used_still_gives_the_report(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cache folder that cannot be made (here a file is in its way; a read-only one is the
    same to the report): the report is read from the logs in memory, with what is wrong said
    once, and nothing is written."""
    blocker = tmp_path / "blocked"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv(BASE_DIR_ENV, str(blocker / "app"))
    monkeypatch.chdir(tmp_path)  # where a stray file would land
    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, out, err = _run(capsys, *args)
    err = " ".join(_warnings(err))  # as said, before its wrapping
    assert status == 0, err
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    assert err.count("report: the usage index cannot be kept in") == 1
    assert f"({blocker} is not a folder); this report is read from the logs in memory" in err
    assert "Traceback" not in err
    assert blocker.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "codex-home"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("place", ["index", "lock", "link to the lock"])
def test_a_fifo_in_the_index_s_place_is_named_and_the_report_still_made(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    place: str,
) -> None:
    """Something the app did not make where its index goes, or its ``.lock`` (a FIFO here,
    or a link to one; a device or a folder the same): the report is read from the logs in
    memory, what is there is said in plain words, and it stays as it was (a FIFO had been
    blamed on the disk, "disk I/O error", and one at the lock opened for writing and taken
    for the lock; a device node was replaced by a new file without a word)."""
    from codex_presence_gui.core.usage_index import INDEX_NAME

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    path = tmp_path / "app" / "cache" / INDEX_NAME
    lock = Path(f"{path}.lock")
    path.parent.mkdir(parents=True)
    taken = path if place == "index" else lock
    pipe = tmp_path / "their-pipe" if place == "link to the lock" else taken
    os.mkfifo(pipe)
    if pipe != taken:
        taken.symlink_to(pipe)
    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, out, err = _run(capsys, *args)
    err = " ".join(_warnings(err))  # as said, before its wrapping
    assert status == 0, err
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    where = "there" if place == "index" else f"at {lock}"
    assert (
        f"report: the usage index cannot be kept in {path} (a named pipe is {where} "
        "instead of a file; it is left as it is); this report is read from the logs in memory"
    ) in err
    assert stat.S_ISFIFO(os.stat(taken).st_mode)
    assert taken.is_symlink() == (pipe != taken)
    if place != "index":
        assert not path.exists()


@pytest.mark.parametrize("busy", [False, True])
def test_an_index_that_fails_on_the_way_falls_back_to_memory(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    busy: bool,
) -> None:
    """The file opens, then writing fails (a full disk, busy past the timeout): the same
    report, from memory; the file is kept as it was. Only a full disk makes repeats slow."""
    import sqlite3

    from codex_presence_gui.core.usage_index import INDEX_NAME, IndexBusyError, UsageIndex

    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, out, _ = _run(capsys, *args)
    expected = json.loads(out)
    path = tmp_path / "app" / "cache" / INDEX_NAME
    kept = path.read_bytes()
    home.append(home.files[0], [r.turn_context(BASE + 50, cwd="/w/shop")])
    real = UsageIndex.update

    def full(self: UsageIndex, *args: object, **kwargs: object) -> object:
        if self.kept and busy:
            raise IndexBusyError("another process has held the lock for 60 s")
        if self.kept:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(UsageIndex, "update", full)
    status, out, err = _run(capsys, *args)
    err = " ".join(_warnings(err))  # as said, before its wrapping
    assert status == 0, err
    assert json.loads(out) == expected
    if busy:
        assert "is busy (another process has held the lock for 60 s)" in err
        assert "repeat" not in err
    else:
        assert "cannot be kept in" in err
        assert "(database or disk is full)" in err
        assert "a repeat will not be faster" in err
    assert path.read_bytes() == kept


def test_a_nearly_full_disk_gets_no_new_index(
    home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first report with less than 64 MiB free on the cache's disk: made there, the index
    had filled the disk to its last byte and left its -wal beside it, unsaid. The report is
    read in memory and says why; nothing is written, and an index already made is kept on."""
    import shutil
    from collections import namedtuple

    from codex_presence_gui.core.usage_index import INDEX_NAME, INDEX_ROOM_BYTES

    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    usage = namedtuple("usage", "total used free")
    real = shutil.disk_usage
    free = 200 * 1024
    monkeypatch.setattr(
        shutil, "disk_usage", lambda where: usage(real(where).total, real(where).used, free)
    )
    status, out, err = _run(capsys, *args)
    err = " ".join(_warnings(err))  # as said, before its wrapping
    assert status == 0, err
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    cache = tmp_path / "app" / "cache"
    assert (
        f"the usage index cannot be kept in {cache / INDEX_NAME} (the disk is nearly full: "
        "200 KiB free, where a new index asks for 64 MiB); this report is read from the logs "
        "in memory, and a repeat will not be faster"
    ) in err
    made = [name for name in os.listdir(cache) if name.startswith(INDEX_NAME)]
    assert made == [f"{INDEX_NAME}.lock"]  # (the empty file whose lock the opening takes)
    free = INDEX_ROOM_BYTES
    assert _run(capsys, *args)[0] == 0
    assert (cache / INDEX_NAME).exists()
    free = 0  # made: it is used, not given up for want of room
    status, out, err = _run(capsys, *args)
    assert status == 0
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    assert "cannot be kept" not in err


def test_the_kind_may_follow_the_folders(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report --codex-home DIR daily``: the kind is not taken for one more folder."""
    given = ("--json", "--timezone", "UTC")
    status, out, err = _run(capsys, "report", "--codex-home", str(home.root), "daily", *given)
    assert status == 0, err
    assert json.loads(out)["report"] == "daily"
    assert json.loads(out)["totals"]["total_tokens"] == 30_000
    assert kind_first(["report", "--codex-home", "/a", "/b", "weekly", "--csv"]) == [
        "report",
        "weekly",
        "--codex-home",
        "/a",
        "/b",
        "--csv",
    ]
    for unchanged in (
        ["report", "daily", "--codex-home", "/a"],
        ["report", "--json", "daily"],  # argparse reads this one as it is
        ["status", "--codex-home", "daily"],  # a folder called daily
        ["report", "--codex-home", "/a"],  # no kind at all: argparse says so
        ["--codex-home", "report", "--codex-home", "daily"],  # folders called so
        ["status", "--codex-home", "report", "--codex-home", "daily"],
    ):
        assert kind_first(unchanged) == unchanged
    # A folder called "report" before the command is a folder.
    given = ["--codex-home", "report", "-v", "report", "--codex-home", "/d", "daily"]
    assert kind_first(given) == [*given[:4], "daily", "--codex-home", "/d"]
    # So is the base folder's value (a portable copy's folder called "report").
    given = ["--base-dir", "report", "report", "--codex-home", "/d", "daily"]
    assert kind_first(given) == [*given[:3], "daily", "--codex-home", "/d"]


def test_a_home_that_is_missing_beside_others_is_said_not_dropped_unsaid(
    home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in one of two homes would undercount: the report is made from the others, and
    each one left out is named."""
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    status, out, err = _run(
        capsys,
        "report",
        "daily",
        "--json",
        "--codex-home",
        str(home.root),
        str(tmp_path / "typo\x1b[31m"),
        str(a_file),
    )
    assert status == 0
    assert json.loads(out)["totals"]["total_tokens"] > 0
    assert _warnings(err) == [
        f"warning: Codex folder not found, left out: '{tmp_path}/typo\\x1b[31m'",  # escaped
        f"warning: Codex folder left out: {a_file} is a file, not a folder",
    ]


def test_a_home_that_cannot_be_opened_is_said_once_and_keeps_its_usage(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Codex folder there but not to be entered for a moment: one line says so (not "no
    sessions folder", nor a line for each folder in it), and the report keeps what the
    index holds of it."""
    import os

    args = ("report", "daily", "--json", "--timezone", "UTC", "--codex-home", str(home.root))
    status, before, _ = _run(capsys, *args)
    assert status == 0
    root = str(home.root)
    real_stat = os.stat

    def refusing(path: object, *rest: object, **options: object) -> os.stat_result:
        if os.fspath(path).startswith(root + os.sep):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[call-overload]
        return real_stat(path, *rest, **options)  # type: ignore[arg-type]

    real_listdir = os.listdir

    def unlisted(path: object) -> list[str]:
        if os.fspath(path) == root:  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", root)
        return real_listdir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "stat", refusing)
    monkeypatch.setattr(os, "listdir", unlisted)
    status, out, err = _run(capsys, *args)
    monkeypatch.setattr(os, "stat", real_stat)
    monkeypatch.setattr(os, "listdir", real_listdir)
    assert status == 0
    assert _warnings(err) == [
        f"warning: cannot open {root}: Permission denied; what the index holds of it is kept"
    ]
    assert json.loads(out)["rows"] == json.loads(before)["rows"]


def test_a_sessions_folder_that_cannot_be_opened_hides_nothing_else(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The home opens, its ``sessions`` does not (a link to itself here; a dead mount alike):
    that folder is named, and the archived logs' own problems are still said (a "cannot open"
    of the whole home had hidden them)."""
    import os

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    lines = [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1),
        '{"timestamp":"2026-05-04T09:01:02.000Z","type":"event_msg","payload":{',
        r.token_count(BASE + 10, r.usage(1000, 500, 0), r.usage(1000, 500, 0)),
    ]
    codex_home.write(SID, lines, archived=True)
    sessions = codex_home.root / "sessions"
    os.rmdir(sessions)
    os.symlink(sessions, sessions)
    status, out, err = _run(
        capsys, "report", "daily", "--json", "--codex-home", str(codex_home.root)
    )
    assert status == 0
    assert "1 malformed line skipped" in err
    assert f"cannot open {codex_home.root}:" not in err
    assert str(sessions) in err
    assert json.loads(out)["totals"]["input_tokens"] == 1000


def test_no_usage_found_where_logs_cannot_be_read_is_not_said_to_be_none(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing summed while a folder of logs cannot be read (left by ``sudo codex``, a dead
    mount; a link to itself here): not "No token usage recorded" with success, which a
    script took for a month without usage, but what could not be read, and exit code 1."""
    import os

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    sessions = codex_home.root / "sessions"
    os.rmdir(sessions)
    os.symlink(sessions, sessions)
    home = ("--codex-home", str(codex_home.root))
    status, out, err = _run(capsys, "report", "daily", *home)
    assert status == 1
    said = "No token usage could be read from these Codex logs: some of them cannot be read"
    assert out == f"{said} (below).\n"
    assert str(sessions) in err
    status, out, _ = _run(capsys, "report", "daily", "--json", *home)
    assert status == 1
    assert json.loads(out)["rows"] == []
    # Readable again, and still without usage: none recorded, and success.
    os.unlink(sessions)
    os.mkdir(sessions)
    status, out, err = _run(capsys, "report", "daily", *home)
    assert (status, out, err) == (0, "No token usage recorded in these Codex logs.\n", "")


@pytest.mark.parametrize("what", ["broken lines", "fifo"])
def test_no_usage_found_beside_a_log_not_read_is_not_said_to_be_none(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    what: str,
) -> None:
    """The only log one of broken lines, or a FIFO named like a log: what could not be read
    may hold usage, so not "No token usage recorded" with success (a script's clean zero),
    but "could be read" and exit code 1, as for a folder that cannot be read."""
    import os

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    if what == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        folder = codex_home.root / "sessions" / "2026" / "05" / "04"
        folder.mkdir(parents=True)
        os.mkfifo(folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl")
    else:
        codex_home.write(SID, ['{"timestamp": "2026-05-04T09:00:00Z", "type": broken'] * 3)
    status, out, err = _run(capsys, "report", "daily", "--codex-home", str(codex_home.root))
    assert status == 1
    assert out.startswith("No token usage could be read from these Codex logs")
    assert "malformed" in err if what != "fifo" else "not a regular file" in err


def test_a_config_toml_that_cannot_be_used_hides_no_usage(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A home's ``config.toml`` that cannot be used (told as "unreadable" too) leaves every
    log read: no usage there is none recorded, and success, not "could not be read" with
    exit code 1."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    (codex_home.root / "config.toml").write_text('model = "gpt-5\n[[[', encoding="utf-8")
    home = ("--codex-home", str(codex_home.root))
    status, out, err = _run(capsys, "report", "daily", *home)
    assert (status, out) == (0, "No token usage recorded in these Codex logs.\n")
    assert "cannot be used" in " ".join(err.split())


def test_a_link_not_followed_hides_no_usage(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A link inside the sessions folder back to it (or above it) is not followed, and said;
    every log is read all the same: no usage there is none recorded, and success, not "could
    not be read" with exit code 1."""
    import os

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    sessions = codex_home.root / "sessions"
    os.symlink(sessions, sessions / "back")
    home = ("--codex-home", str(codex_home.root))
    status, out, err = _run(capsys, "report", "daily", *home)
    assert (status, out) == (0, "No token usage recorded in these Codex logs.\n")
    assert "not followed" in err


def test_warnings_come_after_the_report_wrapped_to_its_width(
    home: CodexHome, tmp_path: Path
) -> None:
    """A warning follows the table (above it, a long table scrolled it out of sight), wrapped
    to the report's width like its notes, and a malformed line's fault is placed in that
    line ("line 1 column 15" had sent the user to the file's first line)."""
    import os
    import subprocess
    import sys

    log = next(home.root.rglob("*.jsonl"))
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"timestamp": broken json here\n')
    env = {**os.environ, "COLUMNS": "80", BASE_DIR_ENV: str(tmp_path / "other-app")}
    argv = [sys.executable, "-m", "codex_presence_gui", "report", "daily"]
    done = subprocess.run(
        [*argv, "--codex-home", str(home.root)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    first_warning = next(i for i, line in enumerate(lines) if line.startswith("warning:"))
    assert first_warning > next(i for i, line in enumerate(lines) if "Total" in line)
    assert all(len(line) <= 80 for line in lines[first_warning:])
    said = " ".join(line.strip() for line in lines[first_warning:])
    assert len(lines) > first_warning + 1  # wrapped: one line had run to 170 columns
    assert "1 malformed line skipped" in said
    assert "at column 15 of the line" in said
    assert "line 1 column" not in said


def test_breakdown_lists_the_models_under_each_row(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("report", "daily", "--breakdown", "--codex-home", str(home.root))
    status, out, err = _run(capsys, *args)
    assert status == 0, err
    lines = out.splitlines()
    day = next(i for i, line in enumerate(lines) if line.startswith("2026-05-04"))
    assert lines[day + 1].startswith("  ")


def test_a_tz_naming_no_zone_is_said_after_the_report(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Europe/Nowhere")
    time.tzset()
    try:
        status, out, err = _run(capsys, "report", "daily", "--codex-home", str(home.root))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert status == 0
    assert "Days in the UTC time zone" in out
    assert "TZ=Europe/Nowhere names a time zone this system does not have" in " ".join(err.split())


def test_many_damaged_files_are_counted_after_three(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each damaged file had its own warning, on every run: 3,000 files printed 12,000
    lines. Three are said, the rest counted, with how to list them (these folders)."""
    import time

    from tests.helpers import rollout as r

    now = time.time()
    for index in range(8):
        sid = f"019d0000-0000-7000-8000-{index:012d}"
        path = home.write(
            sid,
            [r.session_meta(now - 600, sid), r.token_count(now - 60, r.usage(1000, 0, 10), None)],
            started=now - 600 - index,
            mtime=now - 60,
        )
        with path.open("a") as log:
            log.write("{bad\n")
    for _ in range(2):  # the first run, and a repeat (which says them again)
        status, _, err = _run(capsys, "report", "daily", "--codex-home", str(home.root))
        assert status == 0
        said = " ".join(err.split())
        assert said.count("malformed line skipped") == 3
        assert (
            f"…and 5 more files with malformed lines (`status --all --json --codex-home "
            f"{home.root}` lists them all)." in said
        )


def test_look_alike_models_are_told_apart_in_every_form(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Models named "gpt-5", "\\u202egpt-5" (a right-to-left override first) and
    "gpt-5\\u200b" (a zero-width space after) are three lines that read differently in the
    text table and in --csv (what would not show written as an escape), and are exact in
    --json (escaped by JSON): cleaned, the three had read "gpt-5"."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    models = ["gpt-5", "\u202egpt-5", "gpt-5\u200b"]
    for n, model in enumerate(models):
        sid = f"019d0000-0000-7000-8000-00000000c00{n}"
        folder = f"/w/shop{'' if n == 0 else chr(0x2060) * n}"  # projects alike too
        lines = [r.session_meta(BASE, sid, cwd=folder), r.turn_context(BASE + 1, model, folder)]
        lines.append(r.token_count(BASE + 10, r.usage(1000 * (n + 1)), r.usage(1000 * (n + 1))))
        codex_home.write(sid, lines)
    where = ("--codex-home", str(codex_home.root))
    status, out, _ = _run(capsys, "report", "model", *where)
    assert status == 0
    rows = out.splitlines()[2:5]
    assert sorted(row.split()[0] for row in rows) == ["\\u202egpt-5", "gpt-5", "gpt-5\\u200b"]
    assert all(row.isprintable() and len(row) <= 80 for row in out.splitlines())
    _, out, _ = _run(capsys, "report", "project", *where)
    projects = sorted(row.split()[0] for row in out.splitlines()[2:5])
    assert projects == ["shop", "shop\\u2060", "shop\\u2060\\u2060"]
    _, out, _ = _run(capsys, "report", "model", "--csv", *where)
    cells = [row[0] for row in csv.reader(io.StringIO(out))][1:]
    assert sorted(cells) == ["\\u202egpt-5", "gpt-5", "gpt-5\\u200b"]
    _, out, _ = _run(capsys, "report", "model", "--json", *where)
    assert "\u202e" not in out  # escaped by JSON: a terminal shows "\u202e"
    assert sorted(row["key"] for row in json.loads(out)["rows"]) == sorted(models)


def test_a_sessions_that_is_a_file_is_said_to_be_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where ``sessions`` goes: one warning says what is there, as the window does
    ("has no sessions folder" and "cannot list …: Not a directory" had been said)."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    codex = tmp_path / "codex"
    codex.mkdir()
    (codex / "sessions").write_text("")
    status, _, err = _run(capsys, "report", "daily", "--codex-home", str(codex))
    assert status == 0
    assert _warnings(err) == [
        f"warning: {codex / 'sessions'} is a file, not a folder: Codex cannot write its logs there",
    ]


def test_an_archived_sessions_that_is_a_file_is_said_to_be_one(
    home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where ``archived_sessions`` goes: said as a ``sessions`` in its place is (it
    had been skipped unsaid), and the logs in ``sessions`` still counted; said again by a
    report from the index."""
    archived = home.root / "archived_sessions"
    archived.write_text("")
    args = ("report", "daily", "--json", "--codex-home", str(home.root))
    for _ in range(2):
        status, out, err = _run(capsys, *args)
        assert status == 0
        assert json.loads(out)["totals"]["total_tokens"] == 30_000
        assert _warnings(err) == [
            f"warning: {archived} is a file, not a folder: Codex cannot archive its logs there",
        ]


def test_sessions_without_a_folder_s_name_are_not_the_project_unknown_project(
    codex_home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A session in ``/`` is a project no folder can be called: "(none)" in the tables and
    the CSV (as a folder named "(none)" is not), "" in the JSON; it had been "unknown-project",
    counted as one with a real folder of that name."""
    import time

    from tests.helpers.usage import write_usage_session

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 3600, 1000, 0, 0)], cwd="/")
    write_usage_session(codex_home, 2, [(now - 3000, 2000, 0, 0)], cwd="/w/unknown-project")
    home = ("--codex-home", str(codex_home.root))
    _, out, _ = _run(capsys, "report", "project", "--json", *home)
    assert {row["key"]: row["total_tokens"] for row in json.loads(out)["rows"]} == {
        "unknown-project": 2000,
        "": 1000,
    }
    _, out, _ = _run(capsys, "report", "project", *home)
    names = [line.split()[0] for line in out.splitlines() if line[:1] in ("(", "u")]
    assert names == ["unknown-project", "(none)"]
    _, out, _ = _run(capsys, "report", "project", "--csv", *home)
    assert [row[0] for row in csv.reader(io.StringIO(out))][1:] == ["unknown-project", "(none)"]
    _, out, _ = _run(capsys, "report", "session", "--json", *home)
    assert [row["project"] for row in json.loads(out)["rows"]] == ["", "unknown-project"]
    _, out, _ = _run(capsys, "report", "session", "--csv", *home)
    assert [row[-3] for row in csv.reader(io.StringIO(out))][1:] == ["(none)", "unknown-project"]
    _, out, _ = _run(capsys, "report", "session", *home)
    assert "(none)" in out


@pytest.mark.parametrize("form", ["--json", "--csv"])
def test_json_and_csv_are_utf_8_whatever_the_output_s_encoding(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """Printed to a file or pipe of another encoding (a Windows redirect is cp1252; also
    PYTHONIOENCODING=ascii), --json and --csv are written in UTF-8, as status --json is: the
    project "naïve-日本語" had become "na?ve-???" (and two such projects one key), in a
    document that looked whole."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    cwd = "/w/naïve-日本語"
    lines = [r.session_meta(BASE, SID, cwd=cwd), r.turn_context(BASE + 1, cwd=cwd)]
    lines.append(r.token_count(BASE + 10, r.usage(1000, 0, 10), r.usage(1000, 0, 10)))
    codex_home.write(SID, lines)
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors="replace", newline="")
    monkeypatch.setattr("sys.stdout", out)
    status = main(["report", "project", form, "--codex-home", str(codex_home.root)])
    out.flush()
    assert status == 0
    text = raw.getvalue().decode("utf-8")
    if form == "--json":
        assert json.loads(text)["rows"][0]["key"] == "naïve-日本語"
    else:
        assert list(csv.reader(io.StringIO(text)))[1][0] == "naïve-日本語"


def test_the_text_table_escapes_what_the_output_s_encoding_cannot_hold(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text table keeps the output's encoding (it is read there): a name it cannot hold
    is written with escapes, measured as written, so its row keeps its columns and two names
    never read the same. Each character had become "?" after the table was laid out: a name
    in Chinese shifted the columns after it, and "日本語" and "日本人" both read "???"."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    for n, cwd in enumerate(["/w/日本語", "/w/日本人", "/w/naïve", "/w/plain"]):
        sid = SID[:-1] + str(n)
        lines = [r.session_meta(BASE, sid, cwd=cwd), r.turn_context(BASE + 1, cwd=cwd)]
        lines.append(r.token_count(BASE + 10, r.usage(1000, 0, 10), r.usage(1000, 0, 10)))
        codex_home.write(sid, lines)
    codecs.register_error(_PLAIN_ERRORS, plain_symbols)  # as the console entry point does
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors=_PLAIN_ERRORS, newline="")
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["report", "project", "--codex-home", str(codex_home.root)]) == 0
    out.flush()
    table = raw.getvalue().decode("ascii").splitlines()
    rows = [line for line in table if "1.01K" in line or line.startswith("Total ")]
    assert len(rows) == 5  # four projects and the total
    assert len({len(line) for line in [table[0], *rows]}) == 1, table  # in their columns
    names = [line.split("  ")[0] for line in rows[:-1]]
    assert sorted(names) == sorted(
        ["\\u65e5\\u672c\\u8a9e", "\\u65e5\\u672c\\u4eba", "na\\u00efve", "plain"]
    )
    assert "?" not in "".join(table)


def test_ctrl_c_during_the_update_keeps_the_logs_read(
    home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C while the index is brought up to date: the report stops after the log it is
    on, says so, and keeps what it read; the next report reads only the rest. (The whole
    update had been rolled back: a first build of a big home lost minutes of reading to
    one key press.)"""
    import signal

    from codex_presence_gui.core import usage_read
    from codex_presence_gui.core.usage_index import UsageIndex, default_index_path
    from tests.helpers.usage import write_usage_session

    for number in (1, 2):
        write_usage_session(home, number, [(BASE + 600 * number, 1_000, 100, 100)])
    real_read = usage_read._read_file
    reads = 0

    def read_then_ctrl_c(*args: object) -> object:
        nonlocal reads
        reads += 1
        if reads == 1:
            os.kill(os.getpid(), signal.SIGINT)  # heard on the way: the log is read whole
        return real_read(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(usage_read, "_read_file", read_then_ctrl_c)
    status, out, err = _run(capsys, "report", "daily", "--json", "--codex-home", str(home.root))
    assert (status, out, reads) == (130, "", 1)
    assert _warnings(err) == [
        "report: stopped (Ctrl+C); the 1 log read so far is kept in the usage index, and the "
        "next report goes on from there."
    ]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # given back
    with UsageIndex(default_index_path()) as index:
        assert index.update([home.root]).read == 2  # the two others


def test_the_first_ctrl_c_is_said_at_once_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """At a terminal, the first Ctrl+C says at once that the report is stopping (a worker on
    a stalled disk is waited for a few seconds, which had read as a key press not heard);
    a script's stderr gets nothing more than the line at the end. The second ends at once."""
    from codex_presence_gui.usage_commands import STOPPING_TEXT, _CtrlC

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stderr, said in ((Terminal(), STOPPING_TEXT + "\n"), (io.StringIO(), "")):
        monkeypatch.setattr(sys, "stderr", stderr)
        ctrl_c = _CtrlC()
        ctrl_c._press(2, None)
        assert ctrl_c()
        assert stderr.getvalue() == said
        with pytest.raises(KeyboardInterrupt):
            ctrl_c._press(2, None)
    closed = Terminal()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    _CtrlC()._press(2, None)  # a closed stderr: nothing said, nothing raised


class _Terminal(io.StringIO):
    """A stderr that is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_long_first_build_says_how_far_it_is_on_a_terminal_line_taken_back(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a terminal, a first build that lasts says how far it is on one line of stderr,
    written over, and takes it back at its end: the report and its warnings read as
    before. Elsewhere (a script's stderr), nothing is said of it."""
    from codex_presence_gui import usage_commands

    monkeypatch.setattr(usage_commands, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(usage_commands, "PROGRESS_EVERY_S", 0.0)
    for number in range(3):
        session = f"019d0000-0000-7000-8000-0000000c{number:04d}"
        lines = [
            r.session_meta(BASE, session),
            r.token_count(BASE + 1, r.usage(1000, 0, 10, 0), r.usage(1000, 0, 10, 0)),
        ]
        codex_home.write(session, lines, started=BASE + number)
    said = []
    for stderr in (_Terminal(), io.StringIO()):
        monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / f"app-{len(said)}"))  # a first build
        monkeypatch.setattr(sys, "stderr", stderr)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        assert main(["report", "daily", "--json", "--codex-home", str(codex_home.root)]) == 0
        assert json.loads(sys.stdout.getvalue())["totals"]["total_tokens"] == 3030
        said.append(stderr.getvalue())
    line = "report: reading your Codex logs into the usage index… {}% of 3 logs"
    # Before each of the three logs (not at their end), then taken back.
    written = said[0].split("\r")
    assert written[:2] == ["", line.format(0)]
    assert len(written) == 6
    assert all(text.startswith("report: reading") for text in written[1:4])
    assert written[-2] == " " * len(written[-3])  # the last line taken back
    assert written[-1] == ""  # the cursor back at the line's start
    assert said[1] == ""


def test_a_ctrl_c_takes_the_progress_line_back_and_it_stays_away() -> None:
    """Ctrl+C during a first build said at a terminal: the line of how far it is is taken
    back, the stop said on its own line, and the logs still given back say nothing more."""
    from codex_presence_gui.core.usage_index import ReadProgress
    from codex_presence_gui.usage_commands import STOPPING_TEXT, _CtrlC, _ProgressLine

    terminal = _Terminal()
    real = sys.stderr
    sys.stderr = terminal
    try:
        progress = _ProgressLine()
        progress.began = progress.told_at = 0.0  # long under way
        ctrl_c = _CtrlC()
        ctrl_c.progress = progress
        progress(ReadProgress(1, 4, 100, 400))
        ctrl_c._press(2, None)
        progress(ReadProgress(2, 4, 200, 400))
        progress.clear()
    finally:
        sys.stderr = real
    line = "report: reading your Codex logs into the usage index… 25% of 4 logs"
    assert terminal.getvalue() == f"\r{line}\r{' ' * len(line)}\r{STOPPING_TEXT}\n"
