"""The seven-day history: what is read, what is not counted, and how it stays current."""

from __future__ import annotations

import os
from pathlib import Path

from codex_presence_gui.core.discovery import discover
from codex_presence_gui.core.history import HistoryReader, UsageHistory
from tests.helpers import rollout as r
from tests.helpers.quota import FIVE_HOURS, Turn, steady_turns, write_session
from tests.helpers.rollout import BASE, CodexHome

NOW = BASE + 10 * 86400


def read(home: CodexHome, now: float = NOW, reader: HistoryReader | None = None) -> UsageHistory:
    reader = reader or HistoryReader(clock=lambda: now)
    return reader.refresh(discover([home.root]).files)


def test_usage_and_readings_without_duplicates(codex_home: CodexHome) -> None:
    """Each turn is one usage event and one new reading; Codex's re-emissions add nothing."""
    turns = steady_turns(NOW - 3600, NOW - 600, 300, 1000, 10, 2)
    write_session(codex_home, "019d0000-0000-7000-8000-000000000001", turns, resets_at=NOW + 3600)
    history = read(codex_home)
    assert [event.tokens for event in history.usage] == [1000] * len(turns)
    assert [event.at for event in history.usage] == [turn.at for turn in turns]
    # Re-emissions are readings too (they may carry new limits), at their own time.
    assert len(history.readings) == 2 * len(turns)
    assert history.files == 1


def test_only_the_last_seven_days(codex_home: CodexHome) -> None:
    """Old files are not read; a long session contributes only its last seven days."""
    old = [Turn(NOW - 9 * 86400, 500, 5.0)]
    write_session(codex_home, "019d0000-0000-7000-8000-00000000000a", old, resets_at=NOW)
    turns = [Turn(NOW - 8 * 86400 + i * 3600, 100 * (i + 1), 1.0) for i in range(3)]
    turns += [Turn(NOW - 3600, 7000, 2.0)]
    write_session(codex_home, "019d0000-0000-7000-8000-00000000000b", turns, resets_at=NOW)
    history = read(codex_home)
    assert history.files == 1
    assert [(event.tokens, event.at) for event in history.usage] == [(7000, NOW - 3600)]
    assert history.since == NOW - 7 * 86400


def test_appended_lines_are_read_incrementally(codex_home: CodexHome) -> None:
    session_id = "019d0000-0000-7000-8000-00000000000c"
    turns = steady_turns(NOW - 1800, NOW - 900, 300, 1000, 10, 1)
    path = write_session(codex_home, session_id, turns, resets_at=NOW + 3600)
    reader = HistoryReader(clock=lambda: NOW)
    first = read(codex_home, reader=reader)
    CodexHome.append(
        path,
        [r.token_count(NOW - 60, r.usage(6500, 0, 0), r.usage(2500, 0, 0), r.limits())],
    )
    again = reader.refresh()  # no walk of the homes: the followed files are checked
    assert len(again.usage) == len(first.usage) + 1
    assert again.usage[-1].tokens == 2500
    assert reader.refresh() is again  # nothing new: the same value, not rebuilt


def test_a_fork_does_not_count_its_parents_history(codex_home: CodexHome) -> None:
    """The replayed start of a fork is the parent's usage; only the fork's own turns count."""
    parent = "019d0000-0000-7000-8000-0000000000aa"
    child = "019d0000-0000-7000-8000-0000000000bb"
    start = NOW - 3600
    lines = [r.session_meta(start, child, forked_from_id=parent)]
    # Codex copies the parent's lines with fresh times, within a second of the fork's header.
    for index in range(1, 5):
        total, last = r.usage(900 * index), r.usage(900)
        lines.append(
            r.token_count(start + 0.1 * index, total, last, r.limits((float(index), 300, NOW)))
        )
    lines.append(
        r.token_count(start + 120, r.usage(4600), r.usage(1000), r.limits((5.0, 300, NOW)))
    )
    codex_home.write(child, lines, started=start, mtime=start + 121)
    history = read(codex_home)
    assert [(event.session_id, event.tokens) for event in history.usage] == [(child, 1000)]
    assert [reading.at for reading in history.readings] == [start + 120]


def test_a_missing_file_is_dropped(codex_home: CodexHome, tmp_path: Path) -> None:
    turns = [Turn(NOW - 600, 1000, 4.0)]
    path = write_session(
        codex_home, "019d0000-0000-7000-8000-00000000000d", turns, resets_at=NOW + 3600
    )
    reader = HistoryReader(clock=lambda: NOW)
    assert read(codex_home, reader=reader).files == 1
    path.unlink()
    assert reader.refresh().files == 0


def test_events_leave_the_span_as_the_clock_moves(codex_home: CodexHome) -> None:
    turns = [Turn(NOW - 6 * 86400, 1000, 4.0), Turn(NOW - 3600, 2000, 5.0)]
    write_session(
        codex_home, "019d0000-0000-7000-8000-00000000000e", turns, resets_at=NOW + FIVE_HOURS
    )
    clock = [NOW]
    reader = HistoryReader(clock=lambda: clock[0])
    assert len(reader.refresh(discover([codex_home.root]).files).usage) == 2
    clock[0] = NOW + 2 * 86400
    assert [event.tokens for event in reader.refresh().usage] == [2000]


def test_only_as_far_back_as_needed_and_again_when_more_is(codex_home: CodexHome) -> None:
    turns = [Turn(NOW - 3 * 86400, 1000, 4.0), Turn(NOW - 600, 2000, 5.0)]
    write_session(
        codex_home, "019d0000-0000-7000-8000-00000000000f", turns, resets_at=NOW + FIVE_HOURS
    )
    reader = HistoryReader(clock=lambda: NOW)
    files = discover([codex_home.root]).files
    assert [e.tokens for e in reader.refresh(files, since=NOW - 3600).usage] == [2000]
    # A window reaching further back: the files are read again from there.
    assert [e.tokens for e in reader.refresh(files, since=NOW - 4 * 86400).usage] == [1000, 2000]
    # Needed from further back still, on a refresh without a walk (a poll's): the files
    # followed are read again from there, not dropped (the history had been empty).
    assert [e.tokens for e in reader.refresh(since=NOW - 5 * 86400).usage] == [1000, 2000]
    # Never more than the seven days.
    assert reader.refresh(files, since=NOW - 30 * 86400).since == NOW - 7 * 86400


def test_a_clock_set_back_a_little_across_a_whole_hour_keeps_the_history(
    codex_home: CodexHome,
) -> None:
    """The history's start moves on in whole hours: a clock set back two seconds just past
    one had moved it back an hour, which read the week again, and a refresh without a walk
    of the homes (a poll's) had then found no file to read: pace and shares were gone."""
    now = NOW + 7 * 86400 + 1  # the week's start 1 s past a whole hour (NOW is one)
    turns = [Turn(now - 3 * 86400, 1000, 4.0), Turn(now - 600, 2000, 5.0)]
    write_session(
        codex_home, "019d0000-0000-7000-8000-000000000011", turns, resets_at=now + FIVE_HOURS
    )
    clock = [now]
    reader = HistoryReader(clock=lambda: clock[0])
    first = reader.refresh(discover([codex_home.root]).files)
    assert len(first.usage) == 2
    clock[0] = now - 2
    assert reader.refresh() is first  # nothing read again, nothing lost
    clock[0] = now - 2 * 3600  # set back further: read again from two hours earlier
    again = reader.refresh(discover([codex_home.root]).files)
    assert len(again.usage) == 2
    assert again.since == first.since - 2 * 3600


def test_a_replaced_file_is_read_once_again_and_then_followed(codex_home: CodexHome) -> None:
    """Replaced between two walks: read again from its new content, once, then followed."""
    session_id = "019d0000-0000-7000-8000-000000000010"
    turns = steady_turns(NOW - 1800, NOW - 1200, 300, 1000, 10, 1)
    path = write_session(codex_home, session_id, turns, resets_at=NOW + 3600)
    reader = HistoryReader(clock=lambda: NOW)
    assert len(read(codex_home, reader=reader).usage) == 3
    longer = steady_turns(NOW - 1800, NOW - 300, 300, 1000, 10, 1)
    elsewhere = CodexHome(codex_home.root.parent / "elsewhere")
    written = write_session(elsewhere, session_id, longer, resets_at=NOW + 3600)
    os.replace(written, path)  # a new file (inode) under the same name
    history = reader.refresh()  # no walk: the followed file is checked
    assert len(history.usage) == 6
    assert reader.refresh() is history  # followed now: nothing is read again


def test_what_comes_later_is_merged_as_a_fresh_read_would_have_it(codex_home: CodexHome) -> None:
    """New lines in two files, one of them older than the newest event so far: the merged
    history equals what a new reader builds from scratch."""
    a = write_session(
        codex_home,
        "019d0000-0000-7000-8000-000000000011",
        steady_turns(NOW - 3000, NOW - 1200, 300, 1000, 10, 1),
        resets_at=NOW + 3600,
    )
    b = write_session(
        codex_home,
        "019d0000-0000-7000-8000-000000000012",
        steady_turns(NOW - 2900, NOW - 900, 300, 500, 10, 1),
        resets_at=NOW + 3600,
    )
    reader = HistoryReader(clock=lambda: NOW)
    read(codex_home, reader=reader)
    late = r.limits((40.0, 300, int(NOW + 3600)))
    CodexHome.append(a, [r.token_count(NOW - 100, r.usage(99_000), r.usage(90_000), late)])
    CodexHome.append(b, [r.token_count(NOW - 1000, r.usage(88_000), r.usage(80_000), late)])
    merged = reader.refresh()
    fresh = HistoryReader(clock=lambda: NOW).refresh(discover([codex_home.root]).files)
    assert merged.usage == fresh.usage
    assert merged.readings == fresh.readings
