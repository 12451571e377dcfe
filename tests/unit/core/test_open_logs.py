"""Logs in use that a folder listing dates too old (Windows): kept followed, and found by the
sessions Codex's prompt history names."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from codex_presence_gui.core import prompted as prompted_module
from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core.discovery import Discovery
from codex_presence_gui.core.history import HistoryReader
from codex_presence_gui.core.prompted import HISTORY_FILE, TAIL_BYTES, PromptedSessions
from codex_presence_gui.core.reader import RECENT_FILE_SECONDS, CodexReader
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.special_files import unblocked

RESUMED = "019a0000-0000-7000-8000-0000000e0001"
TODAY = "019d0000-0000-7000-8000-0000000e0002"
DAY = 86400.0


@pytest.fixture
def listing_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The walk's times of the files named here, as a Windows folder listing gives them for a
    file held open: those of its last close, whatever was written since."""
    closed_at: dict[str, float] = {}
    walk = reader_module.discover

    def stale_walk(*args: object, **kwargs: object) -> Discovery:
        found = walk(*args, **kwargs)  # type: ignore[arg-type]
        for index, rollout in enumerate(found.files):
            mtime = closed_at.get(rollout.path.name)
            if mtime is not None:
                stale = rollout._replace(stat=rollout.stat._replace(mtime=mtime))
                found.files[index] = found.by_text[str(rollout.path)] = stale
        return found

    monkeypatch.setattr(reader_module, "discover", stale_walk)
    return closed_at


def write_history(home: Path, *entries: tuple[str, float], extra: bytes = b"") -> Path:
    path = home / HISTORY_FILE
    lines = [json.dumps({"session_id": sid, "ts": int(ts), "text": "go on"}) for sid, ts in entries]
    path.write_bytes(extra + "".join(line + "\n" for line in lines).encode())
    return path


def resumed_log(home: CodexHome, now: float) -> Path:
    """A session begun three days before ``now`` and resumed a minute before it, its log
    held open; beside it, a session running at this moment with limits (without one, an
    older log is read for its limits)."""
    r.running_session(home, TODAY)
    started = now - 3 * DAY
    path = home.write(
        RESUMED,
        [
            r.session_meta(started, RESUMED, cwd="/w/old"),
            r.turn_context(started + 1, cwd="/w/old"),
            r.token_count(started + 5, r.usage(1000, 0, 10), None, r.limits()),
        ],
        started=started,
        mtime=started + 5,
    )
    home.append(
        path, [r.token_count(now - 60, r.usage(5000, 0, 50), None, r.limits())], mtime=now - 60
    )
    return path


def session_ids(reader: CodexReader) -> set[str]:
    return {snapshot.session_id for snapshot in reader.refresh().snapshots}


def test_a_resumed_session_is_live_by_the_prompt_history(
    codex_home: CodexHome, listing_as_on_windows: dict[str, float]
) -> None:
    now = time.time()
    path = resumed_log(codex_home, now)
    listing_as_on_windows[path.name] = now - 3 * DAY + 5  # the listing: as of its last close
    reader = CodexReader([codex_home.root])
    assert RESUMED not in session_ids(reader)  # nothing tells it without the history

    write_history(codex_home.root, (RESUMED, now - 90))
    snapshots = {s.session_id: s for s in reader.refresh().snapshots}
    assert RESUMED in snapshots
    assert snapshots[RESUMED].file_mtime == pytest.approx(now - 60)
    assert snapshots[RESUMED].session_total_tokens == 5050

    # ``status`` reads the same way (one shot).
    assert RESUMED in session_ids(CodexReader([codex_home.root], one_shot=True))


def test_a_prompt_older_than_the_window_does_not_bring_a_log_back(
    codex_home: CodexHome, listing_as_on_windows: dict[str, float]
) -> None:
    now = time.time()
    path = resumed_log(codex_home, now - 2 * DAY)
    listing_as_on_windows[path.name] = now - 5 * DAY
    write_history(codex_home.root, (RESUMED, now - 2 * DAY))
    assert RESUMED not in session_ids(CodexReader([codex_home.root]))


def test_a_prompted_log_whose_own_time_is_old_stays_out(codex_home: CodexHome) -> None:
    """The history is a hint: the log's own time decides (an entry may be wrong)."""
    now = time.time()
    started = now - 3 * DAY
    codex_home.write(RESUMED, [r.session_meta(started, RESUMED)], started=started, mtime=started)
    write_history(codex_home.root, (RESUMED, now - 60))
    assert RESUMED not in session_ids(CodexReader([codex_home.root]))


def test_a_followed_log_stays_followed_while_the_listing_dates_it_old(
    codex_home: CodexHome, listing_as_on_windows: dict[str, float]
) -> None:
    """A session running for more than a day: its log was found while young, and the
    listing's time for it stays that of its creation."""
    now = time.time()
    path = codex_home.write(
        TODAY,
        [r.session_meta(now - 100, TODAY), r.turn_context(now - 99)],
        started=now - 100,
        mtime=now - 90,
    )
    clock = [now]
    reader = CodexReader([codex_home.root], clock=lambda: clock[0])
    assert TODAY in session_ids(reader)

    clock[0] = now + 2 * DAY
    listing_as_on_windows[path.name] = now - 90
    # Another session with limits then: without one, an older log is read for its limits.
    r.running_session(codex_home, "019d0000-0000-7000-8000-0000000e0003", now=clock[0])
    codex_home.append(
        path, [r.token_count(clock[0] - 5, r.usage(700, 0, 7), None, r.limits())], mtime=clock[0]
    )
    snapshots = {s.session_id: s for s in reader.refresh().snapshots}
    assert TODAY in snapshots
    assert snapshots[TODAY].session_total_tokens == 707
    assert path in reader.followed_files

    # Once it is idle for longer than the window by its own time too, it is let go.
    clock[0] += RECENT_FILE_SECONDS + 60
    reader.refresh()
    assert path not in reader.followed_files


def test_the_history_is_read_again_only_when_it_changes(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = time.time()
    history = write_history(codex_home.root, (RESUMED, now - 60), (TODAY, now - 30))
    reads: list[str] = []
    read = prompted_module.prompted_since

    def counted(path: str, cutoff: float) -> dict[str, float]:
        reads.append(path)
        return read(path, cutoff)

    monkeypatch.setattr(prompted_module, "prompted_since", counted)
    sessions = PromptedSessions()
    cutoff = now - DAY
    assert sessions.since([codex_home.root], cutoff) == {RESUMED, TODAY}
    assert sessions.since([codex_home.root], now - 45) == {TODAY}  # the same read, later
    assert len(reads) == 1
    with open(history, "a") as handle:
        handle.write(json.dumps({"session_id": RESUMED, "ts": int(now), "text": "x"}) + "\n")
    os.utime(history, (now + 1, now + 1))
    assert sessions.since([codex_home.root], now - 45) == {TODAY, RESUMED}
    assert len(reads) == 2


def test_a_history_that_could_not_be_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows Codex locks the history while it appends a prompt: a read refused then
    is tried again at the next walk, not taken for a history that names nobody."""
    now = time.time()
    write_history(tmp_path, (RESUMED, now - 60))
    read = prompted_module.prompted_since
    refusals = [PermissionError(13, "locked")]

    def locked_once(path: str, cutoff: float) -> dict[str, float]:
        if refusals:
            raise refusals.pop()
        return read(path, cutoff)

    monkeypatch.setattr(prompted_module, "prompted_since", locked_once)
    sessions = PromptedSessions()
    assert sessions.since([tmp_path], now - DAY) == frozenset()
    assert sessions.since([tmp_path], now - DAY) == {RESUMED}


def test_only_the_newest_prompts_are_looked_at(tmp_path: Path) -> None:
    """The history is read from its end, up to the first prompt well before the cutoff."""
    now = time.time()
    old = [(f"019a0000-0000-7000-8000-{n:012x}", now - 10 * DAY) for n in range(3)]
    history = write_history(tmp_path, *old, (RESUMED, now - 60))
    assert prompted_module.prompted_since(str(history), now - DAY) == {RESUMED: int(now - 60)}


@pytest.mark.parametrize(
    "garbage",
    [
        b"not json\n",
        b"[1, 2]\n",
        b'{"session_id": "' + RESUMED.encode() + b'", "ts": NaN}\n',
        b'{"session_id": "' + RESUMED.encode() + b'", "ts": true}\n',
        b'{"session_id": "' + RESUMED.encode() + b'", "ts": "1"}\n',
        b'{"session_id": "../../etc", "ts": 99999999999}\n',
        b'{"session_id": 5, "ts": 99999999999}\n',
        b"[" * 100_000 + b"\n",
        b"\x00\xff\xfe garbage \x1b[2J\n",
        b'{"session_id": "' + RESUMED.encode() + b'", "ts": 1e400}\n',
    ],
)
def test_a_hostile_history_names_nothing_it_should_not(tmp_path: Path, garbage: bytes) -> None:
    now = time.time()
    history = write_history(tmp_path, (TODAY, now - 60), extra=garbage)
    history.write_bytes(history.read_bytes() + garbage)  # before and after a good line
    assert prompted_module.prompted_since(str(history), now - DAY) == {TODAY: int(now - 60)}


def test_a_history_that_is_no_file_is_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / HISTORY_FILE)
    with unblocked(tmp_path / HISTORY_FILE) as hung:
        assert PromptedSessions().since([tmp_path], time.time() - DAY) == frozenset()
        with pytest.raises(OSError, match="not a regular file"):
            prompted_module.prompted_since(str(tmp_path / HISTORY_FILE), time.time() - DAY)
    assert not hung
    (tmp_path / HISTORY_FILE).unlink()
    (tmp_path / HISTORY_FILE).mkdir()
    assert PromptedSessions().since([tmp_path], time.time() - DAY) == frozenset()
    assert PromptedSessions().since([tmp_path / "missing"], time.time() - DAY) == frozenset()


def test_a_huge_history_is_read_from_its_end_only(tmp_path: Path) -> None:
    now = time.time()
    history = tmp_path / HISTORY_FILE
    with open(history, "wb") as handle:
        handle.truncate(8 * TAIL_BYTES)  # a sparse start: no prompt in it
        handle.seek(8 * TAIL_BYTES)
        handle.write(b"torn line\n")
        entry = {"session_id": RESUMED.upper(), "ts": now - 5, "text": "x" * 1000}
        handle.write(json.dumps(entry).encode() + b"\n")
    assert prompted_module.prompted_since(str(history), now - DAY) == {RESUMED: now - 5}


def test_the_many_logs_are_looked_through_once_for_the_same_prompts(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prompted sessions with no recent log here (``codex exec --ephemeral``, a deleted log,
    a history entry with a wrong time) must not make every walk look through every name."""
    now = time.time()
    for n in range(5):
        sid = f"019a0000-0000-7000-8000-{n:012x}"
        codex_home.write(
            sid, [r.session_meta(now - 9 * DAY, sid)], started=now - 9 * DAY, mtime=now - 9 * DAY
        )
    write_history(
        codex_home.root,
        ("019a0000-0000-7000-8000-000000000001", now - 90),  # its log is old by its own time
        ("019a0000-0000-7000-8000-0000000000ff", now - 60),  # no log
    )
    looked: list[str] = []
    name_of = reader_module.session_id_from_name

    def counted(path: str | Path) -> str:
        looked.append(os.fspath(path))
        return name_of(path)

    monkeypatch.setattr(reader_module, "session_id_from_name", counted)
    reader = CodexReader([codex_home.root])
    reader.refresh()
    assert any(path.endswith("000000000001.jsonl") for path in looked)
    first = len(looked)
    reader.refresh()
    reader.refresh()
    assert len(looked) == first  # the same prompts, the same logs: nothing looked at again


def test_a_walk_without_history_costs_no_stat_of_old_logs(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = time.time()
    for n in range(5):
        sid = f"019a0000-0000-7000-8000-{n:012x}"
        codex_home.write(
            sid, [r.session_meta(now - 9 * DAY, sid)], started=now - 9 * DAY, mtime=now - 9 * DAY
        )
    stats: list[Path] = []
    of = reader_module.FileStat.of

    def counted(path: Path) -> object:
        stats.append(path)
        return of(path)

    monkeypatch.setattr(reader_module.FileStat, "of", staticmethod(counted))
    CodexReader([codex_home.root]).refresh()
    assert stats == []


def test_a_prompted_log_written_after_the_walk_that_found_it_is_live(
    codex_home: CodexHome, listing_as_on_windows: dict[str, float]
) -> None:
    """Codex writes the prompt to the history and the turn to the log apart: a walk between
    the two finds the log still old by its own time. It is asked again at the next walk,
    not left out for as long as the history names the same sessions."""
    now = time.time()
    r.running_session(codex_home, TODAY)
    started = now - 3 * DAY
    path = codex_home.write(
        RESUMED,
        [r.session_meta(started, RESUMED), r.turn_context(started + 1)],
        started=started,
        mtime=started + 5,
    )
    listing_as_on_windows[path.name] = started + 5
    write_history(codex_home.root, (RESUMED, now - 2))
    reader = CodexReader([codex_home.root])
    assert RESUMED not in session_ids(reader)  # nothing written to it since: not yet

    codex_home.append(path, [r.token_count(now, r.usage(500, 0, 5), None, r.limits())], mtime=now)
    assert RESUMED in session_ids(reader)


def test_the_history_takes_a_resumed_log_by_its_own_time(
    codex_home: CodexHome, listing_as_on_windows: dict[str, float]
) -> None:
    """The seven-day history takes the logs of its span by what the walk found: with the
    listing's time, a log resumed ten days after it began was left out of it (its use
    missing from the shares, its rises said to come from elsewhere)."""
    now = time.time()
    path = resumed_log(codex_home, now)
    listing_as_on_windows[path.name] = now - 10 * DAY
    write_history(codex_home.root, (RESUMED, now - 90))
    reader = CodexReader([codex_home.root])
    assert RESUMED in session_ids(reader)
    assert reader.discovery is not None
    history = HistoryReader(clock=lambda: now).refresh(reader.discovery.files, since=now - DAY)
    assert RESUMED in {event.session_id for event in history.usage}
