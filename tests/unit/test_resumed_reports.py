"""A ``report`` after an append goes on from the sums kept with the last one, reading only the
index's rows of its last hour, and prints what a report made from nothing prints."""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_presence_gui.cli import main
from codex_presence_gui.core import report_cache, usage_report
from codex_presence_gui.core.report_cache import FOLDER_NAME
from codex_presence_gui.core.usage_index import INDEX_NAME, SLOT_SECONDS, UsageIndex
from codex_presence_gui.core.usage_report import RESUMABLE_KINDS
from codex_presence_gui.paths import BASE_DIR_ENV
from codex_presence_gui.usage_commands import RESUMED_SECONDS
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.usage import Call, call_lines, usage_lines, usage_session_id

#: Two sessions over two days; the second's last call is the index's last.
FIRST: list[Call] = [(BASE + 60 * n, 9_000 + 100 * n, 4_000, 300 + n) for n in range(4)]
SECOND: list[Call] = [(BASE + 86_400 + 900 * n, 20_000, 15_000 + n, 700) for n in range(6)]
LAST_AT = SECOND[-1][0]


class Reports:
    """Runs ``report`` and records how each one was made from the index."""

    def __init__(self, home: CodexHome, base: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self.base = base
        self.capsys = capsys
        self.made: list[dict[str, Any]] = []  # report_from_rows' options, each time

    def run(self, kind: str, *options: str, base: Path | None = None) -> str:
        os.environ[BASE_DIR_ENV] = str(base or self.base)
        status = main(["report", kind, *options, "--codex-home", str(self.home.root)])
        out = self.capsys.readouterr()
        assert status == 0, out.err
        assert out.err == ""
        return out.out

    def fresh(self, kind: str, *options: str) -> str:
        """The report made from nothing: a new index, no kept report nor sums."""
        made = len(self.made)
        fresh_base = self.base.parent / f"fresh-{made}"
        try:
            return self.run(kind, *options, base=fresh_base)
        finally:
            del self.made[made:]
            shutil.rmtree(fresh_base)

    def made_whole(self, kind: str, *options: str) -> str:
        """Run a report that must be made from all the rows: what a fresh one prints."""
        made = self.run(kind, *options)
        assert not self.resumed()
        assert made == self.fresh(kind, *options)
        return made

    def resumed(self) -> bool:
        """Whether the last report made went on from kept sums."""
        return self.made[-1]["resume"] is not None


@pytest.fixture
def reports(
    codex_home: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Reports:
    # Kept sums hold far longer than a quarter hour here (see test_kept_reports).
    monkeypatch.setattr(report_cache, "VALID_SECONDS", 1 << 40)
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    codex_home.write(
        usage_session_id(1), usage_lines(usage_session_id(1), FIRST, cwd="/w/shop", model="gpt-5")
    )
    second = usage_lines(usage_session_id(2), SECOND, cwd="/w/docs", model="gpt-5.3-codex")
    codex_home.write(usage_session_id(2), second, started=SECOND[0][0] - 60)
    found = Reports(codex_home, tmp_path / "app", capsys)
    make = usage_report.report_from_rows

    def recording(*args: Any, **kwargs: Any) -> Any:
        rows = list(args[1])
        found.made.append({"resume": kwargs.get("resume"), "rows": len(rows)})
        return make(args[0], rows, *args[2:], **kwargs)

    monkeypatch.setattr(usage_report, "report_from_rows", recording)
    return found


def _append(home: CodexHome, index: int, calls: list[Call], after: list[Call]) -> None:
    """New calls at the end of a session's file (totals going on from ``after``'s)."""
    path = next(p for p in home.files if usage_session_id(index) in p.name)
    before = (
        0.0,
        sum(c[1] for c in after),
        sum(c[2] for c in after),
        sum(c[3] for c in after),
    )
    home.append(path, call_lines(calls, before=before))


#: Calls after the index's last: in its last quarter hour, and in the ones after it.
LATER: list[Call] = [(LAST_AT + 30, 31_000, 30_000, 900), (LAST_AT + 2_000, 7_001, 3, 11)]


@pytest.mark.parametrize("kind", RESUMABLE_KINDS)
@pytest.mark.parametrize("form", ["--json", "--csv", ""])
def test_a_report_after_an_append_goes_on_from_the_kept_sums(
    reports: Reports, kind: str, form: str
) -> None:
    options = (form,) if form else ()
    first = reports.run(kind, *options)
    assert reports.made[-1]["rows"] == 1 + 6
    assert not reports.resumed()
    assert list((reports.base / "cache" / FOLDER_NAME).glob("*.sums"))
    _append(reports.home, 2, LATER, SECOND)
    after = reports.run(kind, *options)
    assert after != first
    assert reports.resumed()
    # The rows of the hour before the index's last call and its own, and the new quarter hour.
    assert reports.made[-1]["rows"] == 5 + 1
    assert after == reports.fresh(kind, *options)
    # And again, from the sums kept by the report that went on.
    more = [(LAST_AT + 4_000, 5, 0, 1)]
    _append(reports.home, 2, more, SECOND + LATER)
    assert reports.run(kind, *options) == reports.fresh(kind, *options)
    assert reports.resumed()


def test_a_report_within_dates_goes_on_from_its_own_sums(reports: Reports) -> None:
    options = ("--json", "--since", "2026-05-05", "--timezone", "Asia/Kathmandu")
    reports.run("daily", *options)
    reports.run("weekly", "--json")  # kept under its own key
    _append(reports.home, 2, LATER, SECOND)
    assert reports.run("daily", *options) == reports.fresh("daily", *options)
    assert reports.resumed()


def _copy_of_the_second_session(home: CodexHome) -> None:
    """A second file of the second session (a copy, as a fork may leave one)."""
    lines = usage_lines(usage_session_id(2), SECOND[:2], cwd="/w/docs", model="gpt-5.3-codex")
    home.write(usage_session_id(2), lines, started=SECOND[0][0] + 7)


def _new_session(home: CodexHome) -> None:
    calls = [(LAST_AT + 100, 1_000, 0, 10)]
    home.write(usage_session_id(3), usage_lines(usage_session_id(3), calls, cwd="/w/x", model="o3"))


def _calls_dated_before_the_kept_sums(home: CodexHome) -> None:
    early = LAST_AT - RESUMED_SECONDS - 2 * SLOT_SECONDS
    _append(home, 1, [(early, 5_000, 0, 50)], FIRST)


def _written_by_another_process(home: CodexHome) -> None:
    _append(home, 2, LATER, SECOND)
    index = Path(os.environ[BASE_DIR_ENV]) / "cache" / INDEX_NAME
    with UsageIndex(index) as window:
        assert window.update([str(home.root)]).read == 1


def _damaged_sums(home: CodexHome) -> None:
    (kept,) = (Path(os.environ[BASE_DIR_ENV]) / "cache" / FOLDER_NAME).glob("*.sums")
    text = kept.read_bytes()
    kept.write_bytes(text.replace(b'"first_slot":', b'"first_slot":-', 1))
    _append(home, 2, LATER, SECOND)


def _written_again_with_later_calls_only(home: CodexHome) -> None:
    """The file replaced: its calls before the kept sums' quarter hour are gone."""
    path = next(p for p in home.files if usage_session_id(2) in p.name)
    lines = usage_lines(usage_session_id(2), LATER, cwd="/w/docs", model="gpt-5.3-codex")
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "change",
    [
        _copy_of_the_second_session,
        _new_session,
        _calls_dated_before_the_kept_sums,
        _written_by_another_process,
        _damaged_sums,
        _written_again_with_later_calls_only,
    ],
)
@pytest.mark.parametrize("kind", ["daily", "model"])
def test_a_report_after_any_other_change_is_made_from_all_the_rows(
    reports: Reports, change: Any, kind: str
) -> None:
    reports.run(kind, "--json")
    change(reports.home)
    reports.made_whole(kind, "--json")


def test_an_append_to_a_session_with_a_copy_is_counted_from_all_the_rows(
    reports: Reports,
) -> None:
    """Of two files of one session, a report counts the one with more calls: an append to
    the other can have it counted instead, its earlier calls too."""
    calls = [(SECOND[0][0], 99_999, 0, 1), *SECOND[1:4]]
    lines = usage_lines(usage_session_id(2), calls, cwd="/w/docs", model="gpt-5.3-codex")
    copy = reports.home.write(usage_session_id(2), lines, started=SECOND[0][0] - 60, archived=True)
    first = reports.run("daily", "--json")
    assert "99999" not in first.replace(" ", "")  # the copy has fewer calls
    totals = (0.0, sum(c[1] for c in calls), sum(c[2] for c in calls), sum(c[3] for c in calls))
    reports.home.append(copy, call_lines([*LATER, (LAST_AT + 2_100, 1, 0, 1)], before=totals))
    reports.made_whole("daily", "--json")


def test_an_append_without_calls_that_names_another_session_is_counted_from_all_the_rows(
    reports: Reports,
) -> None:
    """A file without its header takes its session id from its name until one comes: its
    earlier calls then count for the session the header names (here one of another file)."""
    at = SECOND[0][0] + 10
    lines = [r.turn_context(at - 5, model="gpt-5", cwd="/w/x"), *call_lines([(at, 1_000, 0, 10)])]
    path = reports.home.write(usage_session_id(3), lines, started=at - 60)
    reports.run("daily", "--json")
    header = r.session_meta(at + 5_000, usage_session_id(2), cwd="/w/x", branch=None)
    reports.home.append(path, [header])  # no call
    reports.made_whole("daily", "--json")


def test_an_append_without_calls_to_a_copy_is_counted_from_all_the_rows(
    reports: Reports,
) -> None:
    """Of two files of one session with as many calls, the one read furthest counts: lines
    without calls appended to the other have it counted instead, its earlier calls too."""
    calls = [(SECOND[0][0], 99_999, 0, 1), *SECOND[1:]]
    lines = usage_lines(usage_session_id(2), calls, cwd="/w/docs", model="gpt-5.3-codex")
    copy = reports.home.write(usage_session_id(2), lines, started=SECOND[0][0] - 60, archived=True)
    first = reports.run("daily", "--json")
    assert "99999" not in first.replace(" ", "")  # the other file is read further
    reports.home.append(copy, [r.assistant(LAST_AT + 10, "x" * 5_000)] * 3)
    reports.made_whole("daily", "--json")


def test_a_write_by_another_process_after_the_reports_update_is_counted(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window may write between the report's update and its reading of the sums."""
    reports.run("daily", "--json")
    update = UsageIndex.update

    def then_the_window(index: UsageIndex, *args: Any, **kwargs: Any) -> Any:
        result = update(index, *args, **kwargs)
        path = next(p for p in reports.home.files if usage_session_id(1) in p.name)
        calls = [(FIRST[0][0], 123_456, 0, 7)]
        lines = usage_lines(usage_session_id(1), calls, cwd="/w/shop", model="gpt-5")
        path.write_text("\n".join(lines) + "\n")  # its earlier calls replaced
        with UsageIndex(index.path) as window:
            assert update(window, [str(reports.home.root)]).read == 1
        return result

    monkeypatch.setattr(UsageIndex, "update", then_the_window)
    _append(reports.home, 2, LATER, SECOND)
    after = reports.run("daily", "--json")
    assert not reports.resumed()
    monkeypatch.setattr(UsageIndex, "update", update)
    assert after == reports.fresh("daily", "--json")


def test_sums_are_kept_for_their_quarter_hour_only(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_cache, "VALID_SECONDS", report_cache.VALID_SECONDS)
    clock = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: clock[0])
    reports.run("daily", "--json")
    clock[0] += report_cache.VALID_SECONDS
    _append(reports.home, 2, LATER, SECOND)
    reports.made_whole("daily", "--json")


def test_session_and_project_reports_keep_no_sums(reports: Reports) -> None:
    for kind in ("session", "project"):
        reports.run(kind, "--json")
    assert not list((reports.base / "cache" / FOLDER_NAME).glob("*.sums"))


def test_an_update_says_from_which_quarter_hour_it_only_added_calls(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    codex_home.write(
        usage_session_id(2),
        usage_lines(usage_session_id(2), SECOND, cwd="/w/docs", model="gpt-5.3-codex"),
        started=SECOND[0][0] - 60,
    )
    homes = [str(codex_home.root)]
    with UsageIndex(tmp_path / INDEX_NAME) as index:
        first = index.update(homes)
        assert first.changed_from is None  # a new file: not an append
        assert first.mark_before is None
        assert first.mark_after == index.written_mark()
        nothing = index.update(homes)
        assert (nothing.changed_from, nothing.mark_before, nothing.mark_after) == (None,) * 3
        _append(codex_home, 2, LATER[1:], SECOND)
        appended = index.update(homes)
        assert appended.mark_before == first.mark_after
        assert appended.mark_after == index.written_mark() != first.mark_after
        assert appended.changed_from == int(LATER[1][0]) // SLOT_SECONDS * SLOT_SECONDS
        assert appended.changed_from == index.last_slot()


#: A step between two reports, to a session and one of its files: calls appended, this many
#: seconds after the last call of all (before it: dated in the past); lines without calls; a
#: copy of the file made (with its first calls only, as a copy taken earlier); the file
#: written again with its last call only; a new session.
_after = st.one_of(st.integers(0, 4_000), st.integers(-5_400, 0))
_step = st.tuples(
    st.sampled_from(["calls", "calls", "no calls", "copy", "rewrite", "new"]),
    st.integers(0, 4),
    st.integers(0, 1),
    _after,
    st.integers(1, 3),
)


class _Files:
    """A home's sessions, each with its files and the calls written to each."""

    def __init__(self, home: CodexHome, seed: int) -> None:
        self.home = home
        self.seed = seed
        self.sessions: dict[int, list[tuple[Path, list[Call]]]] = {}

    @property
    def latest(self) -> float:
        return max(c[0] for files in self.sessions.values() for _, made in files for c in made)

    def start(self, number: int, at: float, count: int) -> None:
        # 40 minutes apart: a session's calls on both sides of the sums kept an hour before
        # the last call.
        made = [(at + 2_400 * n, 1_000 + 37 * (self.seed + n), 10 * n, 7 + n) for n in range(count)]
        self.sessions[number] = [(self._write(number, made, archived=False), made)]

    def _write(self, number: int, made: list[Call], *, archived: bool) -> Path:
        session = usage_session_id(number)
        lines = usage_lines(session, made, cwd=f"/w/p{number % 2}", model="gpt-5.3-codex")
        # (The same name for every file of a session: copies of one another.)
        return self.home.write(session, lines, started=BASE + number, archived=archived)

    def step(self, what: str, number: int, which: int, after: float, count: int) -> None:
        if what == "new" or number not in self.sessions:
            if number not in self.sessions:
                self.start(number, self.latest + after, count)
            return
        files = self.sessions[number]
        path, made = files[which % len(files)]
        last = max(call[0] for call in made)
        if what == "calls":
            at = max(last, self.latest + after)
            new = [(at + 1_000 * n, 500 + self.seed + n, n, 3 + n) for n in range(count)]
            self.home.append(path, call_lines(new, before=_summed(made)))
            made += new
        elif what == "no calls":
            self.home.append(path, [r.assistant(last + 5, "done")])
        elif what == "copy" and len(files) == 1:
            files.append((self._write(number, made[:count], archived=True), made[:count]))
        elif what == "rewrite":
            files[which % len(files)] = (path, made[-1:])
            path.unlink()
            self._write(number, made[-1:], archived="archived" in path.parts)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(_step, min_size=1, max_size=5),
    kind=st.sampled_from(RESUMABLE_KINDS),
    seed=st.integers(0, 1_000),
)
def test_every_report_after_any_changes_is_what_a_new_index_prints(
    steps: list[tuple[str, int, int, int, int]], kind: str, seed: int, tmp_path_factory: Any
) -> None:
    """Whatever happened between two reports, resumed or not, each prints what a report from
    a new index prints."""
    folder = tmp_path_factory.mktemp("steps")
    home = CodexHome(folder / "home")
    (home.root / "sessions").mkdir(parents=True)
    base, fresh = folder / "app", folder / "fresh"

    def report(at: Path) -> str:
        os.environ[BASE_DIR_ENV] = str(at)
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["report", kind, "--json", "--codex-home", str(home.root)]) == 0
        return out.getvalue()

    files = _Files(home, seed)
    for number in range(3):
        files.start(number, BASE + 86_400 * number, 4)
    try:
        report(base)
        for step in steps:
            files.step(*step)
            resumed = report(base)
            shutil.rmtree(fresh, ignore_errors=True)
            assert resumed == report(fresh)
    finally:
        os.environ.pop(BASE_DIR_ENV, None)


def _summed(calls: list[Call]) -> tuple[float, int, int, int]:
    return (0.0, sum(c[1] for c in calls), sum(c[2] for c in calls), sum(c[3] for c in calls))
