"""The history taken from the reader's recorders equals the history read on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_presence_gui.core import history as history_module
from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core.history import HISTORY_DAYS, HistoryReader, UsageHistory
from codex_presence_gui.core.reader import CodexReader
from tests.helpers import rollout as r
from tests.helpers.eras import FIXTURES, install_era
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-0000000000ab"


def _home_with(fixture: str, root: Path) -> tuple[Path, float]:
    target, now, _ = install_era(fixture, root)
    return target, now


def _plain(history: UsageHistory) -> tuple[object, ...]:
    readings = tuple(
        (r.at, r.session_id, r.limits.limit_id, r.limits.windows) for r in history.readings
    )
    return history.usage, readings, history.files


def _both(root: Path, now: float) -> tuple[UsageHistory, UsageHistory]:
    clock = lambda: now  # noqa: E731
    alone_reader = CodexReader([root], max_age=None, clock=clock)
    alone_reader.refresh()
    found = alone_reader.discovery
    assert found is not None
    since = now - HISTORY_DAYS * 86400
    alone = HistoryReader(clock=clock).refresh(found.files, since=since)
    sharing = CodexReader([root], max_age=None, clock=clock, record_days=HISTORY_DAYS)
    sharing.refresh()
    shared = HistoryReader(clock=clock).refresh(found.files, since=since, shared=sharing.recorded())
    return alone, shared


FORK_0171 = "real0171_exec_fork"
FORK_0171_ID = "01a22779-1232-7f13-b35c-53fb01f900a2"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_era_gives_the_same_history_read_once(
    fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, now = _home_with(fixture, tmp_path)
    alone, shared = _both(tmp_path, now)
    assert _plain(shared) == _plain(alone)
    if not fixture.startswith("legacy"):  # the legacy era logged no usage
        assert alone.usage or alone.readings


def _fork_usage(history: UsageHistory) -> list[tuple[str, int]]:
    return [(event.session_id, event.tokens) for event in history.usage]


def test_the_reader_records_a_real_exec_fork_s_own_response(tmp_path: Path) -> None:
    """The real 0.171 fork writes its first total after its first response: the parent's
    41,411 plus that response's 10,662. Its own use is the response alone, as ``/status``
    counts it: 10,599 input - 7,936 cached + 63 output = 2,726."""
    _, now = _home_with(FORK_0171, tmp_path)
    _, shared = _both(tmp_path, now)
    assert _fork_usage(shared) == [(FORK_0171_ID, 2726)]


def test_the_history_alone_records_a_real_exec_fork_s_own_response(tmp_path: Path) -> None:
    """The same fork read by ``HistoryReader`` alone gives the same usage (it once gave none:
    its scan decoded usage lines only, so the fork rule never saw the response's output)."""
    _, now = _home_with(FORK_0171, tmp_path)
    alone, _ = _both(tmp_path, now)
    assert _fork_usage(alone) == [(FORK_0171_ID, 2726)]


def _long_session(root: Path, turns: int = 300) -> float:
    """A session of ``turns`` turns (about 300 KB), each with its model, a usage report and a
    long answer; returns a time just after it."""
    lines = [r.session_meta(BASE, SID)]
    at, total = BASE, 0
    for turn in range(turns):
        at += 60
        total += 1000 + turn
        lines.append(r.turn_context(at))
        lines.append(
            r.token_count(
                at + 1,
                r.usage(total, 0, 10),
                r.usage(1000 + turn, 0, 10),
                r.limits((turn / 10, 300, int(at + 3600))),
            )
        )
        lines.append(r.assistant(at + 2, "done " * 150))
    CodexHome(root).write(SID, lines, mtime=at + 2)
    return at + 10


def test_shared_files_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is read once, by the reader; one past the whole-read size is scanned by the
    history as before (the reader's backward scan stopped short of its start)."""
    now = _long_session(tmp_path)
    monkeypatch.setattr(reader_module, "RECORD_WHOLE_BYTES", 1024 * 1024)
    monkeypatch.setattr(reader_module, "ONE_READ_BYTES", 1024 * 1024)
    scans: list[Path] = []
    original = history_module.scan_history
    monkeypatch.setattr(
        history_module,
        "scan_history",
        lambda session, path, since, **kw: (
            scans.append(path) or original(session, path, since, **kw)
        ),
    )
    alone, shared = _both(tmp_path, now)
    assert len(scans) == 1  # the history read alone; not when sharing
    assert _plain(shared) == _plain(alone)
    assert len(alone.usage) == 300
    scans.clear()
    monkeypatch.setattr(reader_module, "RECORD_WHOLE_BYTES", 64 * 1024)
    monkeypatch.setattr(reader_module, "ONE_READ_BYTES", 64 * 1024)
    alone, shared = _both(tmp_path, now)
    assert len(scans) == 2  # too big to be read whole: scanned by the history as before
    assert _plain(shared) == _plain(alone)


@pytest.mark.parametrize("idle_days", [0, HISTORY_DAYS + 3])
def test_appended_lines_reach_the_shared_history(tmp_path: Path, idle_days: float) -> None:
    """The live case: lines appended after the first read come through the reader's tail. A
    file last written before the span (not recorded) and written again is read by the
    history itself: its new usage and reading are not lost either."""
    now = _long_session(tmp_path, turns=5) + idle_days * 86400
    clock = lambda: now  # noqa: E731
    reader = CodexReader([tmp_path], max_age=None, clock=clock, record_days=HISTORY_DAYS)
    reader.refresh()
    found = reader.discovery
    assert found is not None
    history = HistoryReader(clock=clock)
    before = history.refresh(found.files, since=now - 86400, shared=reader.recorded())
    limits = r.limits((50.0, 300, int(now + 3600)))
    CodexHome.append(
        found.files[0].path,
        [r.token_count(now - 1, r.usage(99_999, 0, 10), r.usage(5, 0, 5), limits)],
    )
    reader.refresh()
    found = reader.discovery  # the file's new time
    assert found is not None
    after = history.refresh(found.files, since=now - 86400, shared=reader.recorded())
    assert len(after.usage) == len(before.usage) + 1
    assert len(after.readings) == len(before.readings) + 1
    assert after.readings[-1].limits.windows[0].used_percent == 50.0


def test_a_one_shot_reader_gives_the_same_snapshots_and_history(tmp_path: Path) -> None:
    """``one_shot`` lets each file go once read: the snapshots, warnings and the history
    taken from its recorders are those of a reader that keeps everything."""
    now = _long_session(tmp_path, turns=40)
    clock = lambda: now  # noqa: E731
    results = []
    for one_shot in (False, True):
        reader = CodexReader(
            [tmp_path], max_age=None, clock=clock, record_days=HISTORY_DAYS, one_shot=one_shot
        )
        result = reader.refresh()
        found = reader.discovery
        assert found is not None
        history = HistoryReader(clock=clock).refresh(
            found.files, since=now - 86400, shared=reader.recorded()
        )
        results.append((result.snapshots, result.warnings, _plain(history)))
        if one_shot:
            assert reader.followed_files == ()  # nothing kept but the recorders
    assert results[0] == results[1]


def test_a_file_last_written_before_the_span_is_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``status --all`` reads every session, but only those written within the history's
    span are recorded (read whole): an older one is scanned from its end as without a
    recorder. Recording a month of logs had made ``status --all`` six times slower."""
    ended = _long_session(tmp_path)
    now = ended + (HISTORY_DAYS + 3) * 86400
    decoded: list[bytes] = []
    original = reader_module.parse_line
    monkeypatch.setattr(
        reader_module, "parse_line", lambda line: decoded.append(line) or original(line)
    )
    clock = lambda: now  # noqa: E731
    plain = CodexReader([tmp_path], max_age=None, clock=clock).refresh()
    without = len(decoded)
    decoded.clear()
    reader = CodexReader([tmp_path], max_age=None, clock=clock, record_days=HISTORY_DAYS)
    assert reader.refresh().snapshots == plain.snapshots
    assert reader.recorded() == {}
    assert len(decoded) == without < 20  # of 901 lines
