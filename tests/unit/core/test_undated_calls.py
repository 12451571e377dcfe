"""Calls whose line has no usable time, with no dated line before them: the usage index dates
them by the file alone (never by its clock, so that every run puts them on the same day) and
says how many it dated so, wherever its other problems are said."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from codex_presence_gui.cli import main
from codex_presence_gui.core.problems import ProblemKind, said_problems
from codex_presence_gui.core.session import start_from_name
from codex_presence_gui.core.usage_index import SLOT_SECONDS, UsageIndex
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000c001"
#: When the session began: the time in its file name, days before either clock below.
STARTED = BASE - 3 * 86400 + 1234
#: Two runs of the index, four weeks apart.
CLOCKS = (BASE + 86400, BASE + 29 * 86400)

#: A line time that cannot be used, as written into the log (None: no time at all).
STAMPS = {
    "garbage": "garbage",
    "before 2000": "1999-12-31T23:59:59.000Z",
    "year 1": "0001-01-01T00:00:00Z",
    "control characters": "\\u001b[2J\\u0000",
    "missing": None,
}


def _restamped(line: str, at: float, stamp: str | None) -> str:
    """``line`` (written at ``at``) with its time replaced by ``stamp``, or dropped."""
    if stamp is None:
        return line.replace(f'"timestamp":"{r.iso(at)}",', "")
    return line.replace(r.iso(at), stamp)


def _undated_log(stamp: str | None, *, header: str = "none") -> list[str]:
    """Two calls whose lines have no usable time and none before them, then one dated call.
    ``header``: none (a log whose first lines were lost), a session_meta line whose times are
    both unusable, or one stamped in the future (a clock that ran ahead)."""
    lines = []
    if header == "future":
        lines.append(r.session_meta(BASE + 400 * 86400, SID))
    elif header == "undated":
        meta = r.session_meta(STARTED, SID)
        lines.append(_restamped(_restamped(meta, STARTED, stamp), STARTED, stamp))
    lines.append(_restamped(r.turn_context(STARTED + 1), STARTED + 1, stamp))
    for n, at in enumerate((STARTED + 2, STARTED + 3), start=1):
        count = r.token_count(at, r.usage(1000 * n, 0, 10 * n), r.usage(1000, 0, 10))
        lines.append(_restamped(count, at, stamp))
    lines.append(r.token_count(STARTED + 7200, r.usage(3000, 0, 30), r.usage(1000, 0, 10)))
    return lines


def _named_time(path: Path) -> float:
    """The time in the log's name, read as Codex writes it: in local time."""
    stamp = path.name.removeprefix("rollout-")[:19]
    return datetime.strptime(stamp, "%Y-%m-%dT%H-%M-%S").timestamp()


def _calls(index: UsageIndex, home: Path) -> dict[int, int]:
    """Calls by quarter hour."""
    found: dict[int, int] = {}
    for item in index.slots([home]):
        found[item.slot] = found.get(item.slot, 0) + item.calls
    return found


def _slot(at: float) -> int:
    return int(at // SLOT_SECONDS) * SLOT_SECONDS


@pytest.mark.parametrize("stamp", list(STAMPS.values()), ids=list(STAMPS))
@pytest.mark.parametrize("header", ["none", "future"])
def test_calls_dated_by_no_line_land_on_the_same_day_in_every_run(
    codex_home: CodexHome, tmp_path: Path, stamp: str | None, header: str
) -> None:
    """Dated to the time in the file's name, whenever the index reads them (they had been
    dated to the index's clock: the same log on another day in each run)."""
    path = codex_home.write(SID, _undated_log(stamp, header=header), started=STARTED)
    found = []
    for n, clock in enumerate(CLOCKS):
        with UsageIndex(tmp_path / f"index{n}.sqlite3", clock=lambda clock=clock: clock) as index:
            result = index.update([codex_home.root])
            found.append((_calls(index, codex_home.root), [str(p) for p in result.problems]))
    assert found[0] == found[1]
    calls, problems = found[0]
    assert calls == {_slot(_named_time(path)): 2, _slot(STARTED + 7200): 1}
    said = [p for p in problems if "no usable time" in p]
    assert said == [
        f"2 calls in {path.name} with no usable time and no dated line before: "
        "dated to the time in its file name"
    ]


def test_the_session_meta_start_is_taken_first(codex_home: CodexHome, tmp_path: Path) -> None:
    """A header whose line time is unusable but whose session start is not: the calls go to
    the session's start, as said."""
    meta = r.session_meta(STARTED, SID)
    line_time = f'"timestamp":"{r.iso(STARTED)}","type"'
    lines = _undated_log("garbage")
    lines.insert(0, meta.replace(line_time, '"timestamp":"garbage","type"'))
    path = codex_home.write(SID, lines, started=STARTED - 86400)  # a name a day off
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        result = index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(STARTED): 2, _slot(STARTED + 7200): 1}
    (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
    assert said.path == path
    assert str(said).endswith("dated to the session's start")


def test_without_a_time_in_the_file_the_last_change_of_the_file_is_taken(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A log not named as Codex names them, with no usable time anywhere before its calls:
    the file's last change, not the index's clock."""
    path = codex_home.write(SID, _undated_log(None)[:-1], started=STARTED)
    renamed = path.with_name(f"rollout-backup-{SID}.jsonl")
    path.rename(renamed)
    changed = STARTED + 600
    os.utime(renamed, (changed, changed))
    for clock in CLOCKS:
        store = tmp_path / f"index{clock}.sqlite3"
        with UsageIndex(store, clock=lambda clock=clock: clock) as index:
            result = index.update([codex_home.root])
            assert _calls(index, codex_home.root) == {_slot(changed): 2}
        (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
        assert str(said).endswith("dated to the file's last change")


@pytest.mark.parametrize(
    "changed", [CLOCKS[1] + 400 * 86400, 0.0], ids=["in the future", "before 2000"]
)
def test_a_last_change_that_cannot_be_is_passed_over_as_the_other_times_are(
    codex_home: CodexHome, tmp_path: Path, changed: float
) -> None:
    """Every time the file gives unusable (a clock set back since Codex wrote it: its start,
    its name and its last change all in the future; or a last change of 1970): the calls
    are dated to when the index read them, and said so. A last change in the future had put
    them on a day to come, past every page and report of the days so far."""
    lines = [r.session_meta(BASE + 400 * 86400, SID), *_undated_log(None)[:-1]]
    path = codex_home.write(SID, lines, started=BASE + 400 * 86400)
    os.utime(path, (changed, changed))
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        result = index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(CLOCKS[1]): 2}
    (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
    assert str(said).endswith("dated to when it was read (the file gives no usable time)")


def test_an_append_and_a_repeat_say_the_count_a_first_build_says(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The count goes on across appended reads, and an update that reads nothing says it
    again (the index keeps it, as it keeps skipped lines)."""
    lines = _undated_log(None)
    path = codex_home.write(SID, lines[:2], started=STARTED)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[0]) as index:
        index.update([codex_home.root])
        CodexHome.append(path, lines[2:])
        grown = [str(p) for p in index.update([codex_home.root]).problems]
        again = [str(p) for p in index.update([codex_home.root]).problems]
    with UsageIndex(tmp_path / "fresh.sqlite3", clock=lambda: CLOCKS[0]) as fresh:
        build = [str(p) for p in fresh.update([codex_home.root]).problems]
    assert grown == again == build
    assert len(build) == 1
    assert build[0].startswith("2 calls in ")


def test_dated_calls_say_nothing(codex_home: CodexHome, tmp_path: Path) -> None:
    """A call without a time of its own after a dated line takes that line's time, unsaid;
    and a clean log has no such problem."""
    lines = [r.session_meta(STARTED, SID), *_undated_log("garbage")]
    codex_home.write(SID, lines, started=STARTED)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[0]) as index:
        result = index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(STARTED): 2, _slot(STARTED + 7200): 1}
    assert result.problems == []


def test_the_report_says_the_guess_and_counts_more_files_in_one_line(
    codex_home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    for n in range(4):
        session = f"019d0000-0000-7000-8000-00000000d00{n}"
        lines = [line.replace(SID, session) for line in _undated_log("garbage")]
        codex_home.write(session, lines, started=STARTED + n)
    status = main(["report", "daily", "--json", "--codex-home", str(codex_home.root)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert json.loads(out)["totals"]["total_tokens"] == 4 * 3030
    said = err.replace("\n  ", " ")
    assert said.count("with no usable time and no dated line before") == 3
    assert "…and 1 more file with calls of no usable time" in said


def test_a_time_in_a_name_that_cannot_be_is_no_time() -> None:
    assert start_from_name("rollout-2026-13-01T00-00-00-x.jsonl") is None
    assert start_from_name("rollout-1999-12-31T23-59-59-x.jsonl") is None
    assert start_from_name("rollout-9999-12-31T23-59-59-x.jsonl") is not None
    assert start_from_name("backup-2026-05-01T00-00-00-x.jsonl") is None
    named = start_from_name("/a/rollout-2026-05-01T10-20-30-x.jsonl.zst")
    assert named == datetime(2026, 5, 1, 10, 20, 30).timestamp()


def test_the_kind_is_counted_past_three() -> None:
    from codex_presence_gui.core.problems import Problem

    problems = [Problem(ProblemKind.UNDATED_CALLS, f"{n}") for n in range(5)]
    assert said_problems(problems)[-1].startswith("…and 2 more files with calls of no usable")


def test_a_log_of_undated_calls_looks_at_its_name_once(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not once per call: a hostile log of 200,000 such calls had taken twice as long."""
    from codex_presence_gui.core import session as session_module

    looked: list[str] = []
    original = session_module.start_from_name

    def looking(path: str | Path) -> float | None:
        looked.append(str(path))
        return original(path)

    monkeypatch.setattr(session_module, "start_from_name", looking)
    lines = []
    for n in range(1, 101):
        count = r.token_count(STARTED + n, r.usage(n * 10, 0, n), r.usage(10, 0, 1))
        lines.append(_restamped(count, STARTED + n, "garbage"))
    codex_home.write(SID, lines, started=STARTED)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[0]) as index:
        result = index.update([codex_home.root])
    assert str(result.problems[0]).startswith("100 calls in ")
    assert len(looked) == 1


def _unnamed_undated(codex_home: CodexHome, lines: list[str], changed: float) -> Path:
    """A log of ``lines`` not named as Codex names them (no time in its name), last changed
    at ``changed``."""
    path = codex_home.write(SID, lines, started=STARTED)
    renamed = path.with_name(f"rollout-backup-{SID}.jsonl")
    path.rename(renamed)
    os.utime(renamed, (changed, changed))
    return renamed


def _undated_calls(first: int, count: int) -> list[str]:
    """``count`` calls with no time at all, the running total going on from call ``first``."""
    lines = []
    for n in range(first, first + count):
        line = r.token_count(STARTED + n, r.usage(1000 * n, 0, 10 * n), r.usage(1000, 0, 10))
        lines.append(_restamped(line, STARTED + n, None))
    return lines


def _no_birth_time(monkeypatch: pytest.MonkeyPatch, born: float | None = None) -> None:
    """The system keeps no creation time of a file (Linux), or keeps ``born``."""
    from codex_presence_gui.core import session as session_module

    monkeypatch.setattr(session_module, "birth_time", lambda _found: born, raising=False)


def test_an_append_keeps_the_last_change_its_first_read_took(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls appended to a log dated by its last change go where its first calls went: the
    file's state keeps the guess. Each append had dated its calls to the newer last change,
    days apart in the same log."""
    _no_birth_time(monkeypatch)
    first_change = STARTED + 600
    path = _unnamed_undated(codex_home, _undated_calls(1, 2), first_change)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        index.update([codex_home.root])
        CodexHome.append(path, _undated_calls(3, 2), mtime=STARTED + 3 * 86400)
        result = index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(first_change): 4}
    (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
    assert str(said).startswith("4 calls in ")
    assert str(said).endswith("dated to the file's last change")


def test_a_dated_line_after_them_dates_them_in_every_build(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no creation time, a dated line later in the file dates the calls before it: it
    stays where it is, so a build after appends (which move the last change) gives what the
    first gave. A rebuilt index had dated them to the final last change, another day."""
    _no_birth_time(monkeypatch)
    dated_at = STARTED + 7200
    dated = r.token_count(dated_at, r.usage(3000, 0, 30), r.usage(1000, 0, 10))
    path = _unnamed_undated(codex_home, [*_undated_calls(1, 2), dated], STARTED + 7300)
    later = r.token_count(dated_at + 60, r.usage(4000, 0, 40), r.usage(1000, 0, 10))
    found = []
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        index.update([codex_home.root])
        CodexHome.append(path, [later], mtime=STARTED + 3 * 86400)
        grown = index.update([codex_home.root])
        found.append((_calls(index, codex_home.root), [str(p) for p in grown.problems]))
    with UsageIndex(tmp_path / "rebuilt.sqlite3", clock=lambda: CLOCKS[1]) as rebuilt:
        built = rebuilt.update([codex_home.root])
        found.append((_calls(rebuilt, codex_home.root), [str(p) for p in built.problems]))
    assert found[0] == found[1]
    calls, problems = found[1]
    assert calls == {_slot(dated_at): 4}
    assert [p for p in problems if "no usable time" in p] == [
        f"2 calls in {path.name} with no usable time and no dated line before: "
        "dated to the first dated line after them"
    ]


def test_a_creation_time_dates_them_before_appends_and_rebuilds_alike(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system keeps a file's creation (macOS, Windows), that time, which no append
    moves, dates the calls: a first build, an append and a rebuild agree."""
    born = STARTED + 300
    _no_birth_time(monkeypatch, born)
    path = _unnamed_undated(codex_home, _undated_calls(1, 2), STARTED + 600)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        index.update([codex_home.root])
        CodexHome.append(path, _undated_calls(3, 1), mtime=STARTED + 3 * 86400)
        index.update([codex_home.root])
        appended = _calls(index, codex_home.root)
    with UsageIndex(tmp_path / "rebuilt.sqlite3", clock=lambda: CLOCKS[1]) as rebuilt:
        result = rebuilt.update([codex_home.root])
        assert _calls(rebuilt, codex_home.root) == appended == {_slot(born): 3}
    (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
    assert str(said).endswith("dated to the file's creation")


def test_a_copy_that_kept_an_older_last_change_is_dated_by_it(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log restored from a backup was made today but kept its last change from when Codex
    wrote it: the earlier time is the calls' day."""
    _no_birth_time(monkeypatch, STARTED + 86400)
    changed = STARTED + 600
    _unnamed_undated(codex_home, _undated_calls(1, 2), changed)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(changed): 2}


def test_the_guess_is_saved_apart_from_the_count(codex_home: CodexHome) -> None:
    """The guess in force goes beside ``undated`` (two items, as every version reads it); a
    state saved without it resumes with none, and one that is no guess is passed over."""
    from codex_presence_gui.core.session import (
        START_FROM_CHANGE,
        START_FROM_NAME,
        SessionAccumulator,
    )

    def resumed(state: dict[str, object]) -> dict[str, object]:
        session = SessionAccumulator(codex_home.root / "x.jsonl", lambda: CLOCKS[0])
        session.resume(state)
        return session.continuation()

    older = resumed({"undated": [3, START_FROM_NAME]})
    assert (older["undated"], older["guessed"]) == ([3, START_FROM_NAME], None)
    kept = resumed({"undated": [3, START_FROM_CHANGE], "guessed": [STARTED, START_FROM_CHANGE]})
    assert (kept["undated"], kept["guessed"]) == (
        [3, START_FROM_CHANGE],
        [STARTED, START_FROM_CHANGE],
    )
    for wrong in ([True, START_FROM_CHANGE], [STARTED, "elsewhere"], [STARTED], "x"):
        assert resumed({"undated": [3, START_FROM_CHANGE], "guessed": wrong})["guessed"] is None


def test_a_header_between_them_dates_the_calls_after_it(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls before a late ``session_meta`` go to the dated line after them all; those after
    it to the session's start, as the warning says of the last."""
    _no_birth_time(monkeypatch)
    dated_at = STARTED + 7200
    lines = [
        *_undated_calls(1, 2),
        r.session_meta(STARTED, SID).replace(f'"timestamp":"{r.iso(STARTED)}",', "", 1),
        *_undated_calls(3, 1),
        r.token_count(dated_at, r.usage(4000, 0, 40), r.usage(1000, 0, 10)),
    ]
    _unnamed_undated(codex_home, lines, STARTED + 3 * 86400)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: CLOCKS[1]) as index:
        result = index.update([codex_home.root])
        assert _calls(index, codex_home.root) == {_slot(dated_at): 3, _slot(STARTED): 1}
    (said,) = [p for p in result.problems if p.kind is ProblemKind.UNDATED_CALLS]
    assert str(said).startswith("3 calls in ")
    assert str(said).endswith("dated to the session's start")
