"""The session feed: file events reach the GUI thread as dashboards, without polling."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.services.session_feed import FeedWorker, SessionFeed, watch_targets
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.special_files import refuse_stat

SID = "019de1a2-0000-7000-8000-0000000000a1"
#: Long enough that only file events can explain an update within a test's wait.
NO_POLL_MS = 60_000


def live_lines(session_id: str = SID, total: int = 1000) -> list[str]:
    now = time.time()
    return [
        r.session_meta(now - 30, session_id, cwd=f"/w/{session_id[-4:]}"),
        r.turn_context(now - 29),
        r.token_count(now - 1, r.usage(total, 0, 0), None, r.limits()),
    ]


def total_of(board: Dashboard | None, session_id: str = SID) -> int | None:
    if board is None:
        return None
    for snapshot in board.sessions:
        if snapshot.session_id == session_id:
            return snapshot.session_total_tokens
    return None


def working_feed(home: CodexHome) -> tuple[FeedWorker, list[Dashboard]]:
    """A feed's worker run in the test's thread (no loop: its timers and events wait), its
    first read done, and the dashboards it emits."""
    worker = FeedWorker([home.root], poll_interval_ms=NO_POLL_MS)
    boards: list[Dashboard] = []
    worker.dashboard_ready.connect(boards.append)
    worker.work()
    return worker, boards


@pytest.fixture
def feed(codex_home: CodexHome, qtbot: QtBot) -> Iterator[SessionFeed]:
    feed = SessionFeed([codex_home.root], poll_interval_ms=NO_POLL_MS)
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000):
        feed.start()
    yield feed
    assert feed.stop()


def test_dashboards_arrive_in_the_gui_thread(codex_home: CodexHome, qtbot: QtBot) -> None:
    """The first read runs in the worker thread; results are delivered in the GUI thread."""
    codex_home.write(SID, live_lines())
    feed = SessionFeed([codex_home.root], poll_interval_ms=NO_POLL_MS)
    threads: list[threading.Thread] = []
    feed.dashboard_changed.connect(lambda _board: threads.append(threading.current_thread()))
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000) as blocker:
        feed.start()
    assert total_of(blocker.args[0]) == 1000
    assert blocker.args[0].insights is None  # the first view does not wait for the history
    # Then the seven-day history is read, and the next view carries what it says.
    qtbot.waitUntil(lambda: feed.dashboard is not None and feed.dashboard.insights is not None)
    assert set(threads) == {threading.main_thread()}
    assert feed.stop()
    assert not feed.running


def test_the_history_is_read_once_the_first_view_is_shown(
    codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI thread builds the first view (a row per session: 586 sessions today kept it
    0.15-0.2 s) before the worker begins the history's read, pure Python that took the GIL
    from it and made that 0.3 s when both ran at once."""
    from codex_presence_gui.core.history import HistoryReader

    codex_home.write(SID, live_lines())
    history_began: list[float] = []
    original = HistoryReader.refresh

    def refresh(reader: HistoryReader, *args: object, **kwargs: object) -> object:
        history_began.append(time.monotonic())
        return original(reader, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HistoryReader, "refresh", refresh)
    shown: list[float] = []

    def show(_board: Dashboard) -> None:
        if not shown:
            time.sleep(0.3)  # a first view that takes the GUI thread a while
            shown.append(time.monotonic())

    feed = SessionFeed([codex_home.root], poll_interval_ms=NO_POLL_MS)
    feed.dashboard_changed.connect(show)
    feed.start()
    try:
        qtbot.waitUntil(lambda: feed.dashboard is not None and feed.dashboard.insights is not None)
        assert history_began[0] >= shown[0]
    finally:
        assert feed.stop()


def test_new_file_appended_line_and_half_lines(
    feed: SessionFeed, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A new file in today's folder shows up; an append updates it; half a line waits."""
    path = codex_home.write(SID, live_lines(), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 1000, timeout=5000)
    CodexHome.append(path, [r.token_count(time.time(), r.usage(1500, 0, 0))])
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 1500, timeout=5000)
    line = r.token_count(time.time(), r.usage(2000, 0, 0))
    with open(path, "ab") as handle:
        handle.write(line[:50].encode())
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000):
        pass  # the half line wakes the feed, which must keep the old total
    assert total_of(feed.dashboard) == 1500
    with open(path, "ab") as handle:
        handle.write(line[50:].encode() + b"\n")
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 2000, timeout=5000)


def test_steady_writes_closer_than_the_debounce_still_show(
    feed: SessionFeed, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A session written every few milliseconds, without a pause: the window keeps up (the
    coalescing window is not pushed back by every event, which left only the safety poll)."""
    path = codex_home.write(SID, live_lines(), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 1000, timeout=5000)
    stop = threading.Event()

    def write() -> None:
        total = 1000
        with open(path, "ab", buffering=0) as handle:
            while not stop.is_set():
                total += 10
                handle.write(r.token_count(time.time(), r.usage(total, 0, 0)).encode() + b"\n")
                time.sleep(0.004)

    seen: list[int | None] = []
    feed.dashboard_changed.connect(lambda board: seen.append(total_of(board)))
    writer = threading.Thread(target=write)
    writer.start()
    try:
        qtbot.wait(1500)
    finally:
        stop.set()
        writer.join()
    assert len(set(seen)) >= 5, seen


def test_truncated_and_deleted_files(
    feed: SessionFeed, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A rewritten file is read again from the start; a deleted one leaves the list."""
    path = codex_home.write(SID, live_lines(total=5000), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 5000, timeout=5000)
    path.write_text("\n".join(live_lines(total=300)) + "\n")
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 300, timeout=5000)
    path.unlink()
    qtbot.waitUntil(
        lambda: feed.dashboard is not None and not feed.dashboard.sessions, timeout=5000
    )


def test_a_sessions_folder_deleted_and_made_again(
    feed: SessionFeed, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """The whole ``sessions`` folder deleted while the app runs: the dashboard says which
    home lost it (the window names it), and a new one made by Codex is read again."""
    codex_home.write(SID, live_lines(), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 1000, timeout=5000)
    shutil.rmtree(codex_home.root / "sessions")
    qtbot.waitUntil(
        lambda: feed.dashboard is not None and feed.dashboard.no_sessions_folder, timeout=5000
    )
    assert feed.dashboard is not None
    assert feed.dashboard.sessionless == (codex_home.root,)
    codex_home.write(SID, live_lines(total=2000), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 2000, timeout=5000)
    assert not feed.dashboard.no_sessions_folder


def test_new_day_folder_and_a_home_created_later(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """Folders that do not exist yet are noticed when Codex creates them."""
    late_home = tmp_path / "later" / ".codex"
    feed = SessionFeed([late_home], poll_interval_ms=NO_POLL_MS)
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000) as first:
        feed.start()
    assert first.args[0].no_home
    try:
        day = time.strftime("%Y/%m/%d")
        folder = late_home / "sessions" / day
        folder.mkdir(parents=True)
        qtbot.waitUntil(
            lambda: feed.dashboard is not None and not feed.dashboard.no_home, timeout=5000
        )
        (folder / f"rollout-2026-01-01T00-00-00-{SID}.jsonl").write_text(
            "\n".join(live_lines()) + "\n"
        )
        qtbot.waitUntil(lambda: total_of(feed.dashboard) == 1000, timeout=5000)
    finally:
        assert feed.stop()


def test_replaced_file_is_watched_again(
    feed: SessionFeed, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """An atomic replace drops the watch on the file; the feed re-adds it."""
    path = codex_home.write(SID, live_lines(total=100), started=time.time())
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 100, timeout=5000)
    temp = path.with_suffix(".tmp")
    temp.write_text("\n".join(live_lines(total=200)) + "\n")
    os.replace(temp, path)
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 200, timeout=5000)
    CodexHome.append(path, [r.token_count(time.time(), r.usage(250, 0, 0))])
    qtbot.waitUntil(lambda: total_of(feed.dashboard) == 250, timeout=5000)


def test_poll_re_evaluates_the_clock(codex_home: CodexHome, qtbot: QtBot) -> None:
    """With no file event at all, the poll still delivers fresh dashboards."""
    codex_home.write(SID, live_lines())
    feed = SessionFeed([codex_home.root], poll_interval_ms=50)
    feed.start()
    try:
        boards: list[Dashboard] = []
        feed.dashboard_changed.connect(boards.append)
        qtbot.waitUntil(lambda: len(boards) >= 3, timeout=5000)
        assert boards[-1].generated_at > boards[0].generated_at
    finally:
        assert feed.stop()


def test_watch_targets(tmp_path: Path) -> None:
    """Today's folders (or their nearest existing parents), the archive and followed files."""
    home = tmp_path / ".codex"
    (home / "sessions").mkdir(parents=True)
    followed = home / "sessions" / "2020" / "01" / "02" / "rollout-x.jsonl"
    targets = watch_targets([home], [followed], time.time())
    assert str(home / "sessions") in targets
    assert str(home) in targets  # archived_sessions/ does not exist yet
    assert str(followed) in targets
    assert str(followed.parent) in targets
    assert watch_targets([tmp_path / "none" / ".codex"], [], time.time()) == {str(tmp_path)}


def test_watch_targets_of_a_home_that_cannot_be_entered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Codex folder of another user's (0700): its own folder is watched, not looked into.
    ``Path.is_dir`` raised PermissionError there, which stopped the feed for good (found by
    a helper running the app as a normal user with such a folder)."""
    home = tmp_path / "theirs"
    (home / "sessions").mkdir(parents=True)
    refuse_stat(monkeypatch, lambda path: path.startswith(str(home) + os.sep))
    assert watch_targets([home], [], time.time()) == {str(home)}


def test_the_watch_list_is_made_again_only_when_what_it_is_made_of_changed(
    codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polls that find nothing new leave the watch list as it is (it had been made again at
    every poll: about 7 ms of the worker's time with 64 homes); a new file, a new day and a
    file replaced make it again."""
    from codex_presence_gui.services import session_feed

    made: list[float] = []

    def counted(homes: Sequence[Path], files: Sequence[Path], now: float) -> set[str]:
        made.append(now)
        return watch_targets(homes, files, now)

    monkeypatch.setattr(session_feed, "watch_targets", counted)
    path = codex_home.write(SID, live_lines(), started=time.time())
    feed = SessionFeed([codex_home.root], poll_interval_ms=20)
    boards: list[Dashboard] = []
    feed.dashboard_changed.connect(boards.append)
    feed.start()
    try:
        # Past a walk of the homes (every fifth poll) and the history's first read.
        qtbot.waitUntil(lambda: len(boards) >= 12, timeout=10_000)
        assert len(made) == 1
        # A new session's file: followed, and so watched.
        other = "019de1a2-0000-7000-8000-0000000000a2"
        codex_home.write(other, live_lines(other), started=time.time())
        qtbot.waitUntil(lambda: total_of(feed.dashboard, other) == 1000, timeout=5000)
        qtbot.waitUntil(lambda: len(made) >= 2, timeout=5000)
        # A file replaced (the watcher drops it) is watched again: the list is made again,
        # nothing it is made of having changed.
        replaced = len(made)
        temp = path.with_suffix(".tmp")
        temp.write_text("\n".join(live_lines(total=200)) + "\n")
        os.replace(temp, path)
        qtbot.waitUntil(lambda: total_of(feed.dashboard) == 200, timeout=5000)
        qtbot.waitUntil(lambda: len(made) > replaced, timeout=5000)
        settled = len(made)
        seen = len(boards)
        qtbot.waitUntil(lambda: len(boards) >= seen + 6, timeout=10_000)
        assert len(made) == settled
    finally:
        assert feed.stop()


def test_a_new_day_makes_the_watch_list_again(codex_home: CodexHome, qtbot: QtBot) -> None:
    """Today's folders are watched: at midnight, the new day's (no event says so)."""

    worker, _boards = working_feed(codex_home)
    try:
        assert worker._watcher is not None
        now = time.time()
        tomorrow = (
            codex_home.root / "sessions" / time.strftime("%Y/%m/%d", time.localtime(now + 86400))
        )
        tomorrow.mkdir(parents=True)  # made while no event is taken (no loop runs here)
        worker._sync_watches(now, discovered=False)
        assert str(tomorrow) not in worker._watcher.directories()
        worker._sync_watches(now + 86400, discovered=False)
        assert str(tomorrow) in worker._watcher.directories()
    finally:
        worker.cleanup()


def test_a_watched_folder_closed_meanwhile_does_not_stop_the_feed(
    codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that became one we may not look at between the watch list and the test of
    what it added (its permissions changed): ``Path.is_dir`` raised there (Python 3.11),
    out of the feed's worker, which then stopped for good."""
    from codex_presence_gui.services import session_feed

    worker, _boards = working_feed(codex_home)
    try:
        assert worker._watcher is not None
        closed = codex_home.root / "closed"
        closed.mkdir()
        targets = session_feed.watch_targets
        monkeypatch.setattr(
            session_feed, "watch_targets", lambda *args: targets(*args) | {str(closed)}
        )
        refuse_stat(monkeypatch, lambda path: path == str(closed))
        worker._sync_watches(time.time() + 86400, discovered=False)  # no exception
        assert str(closed) in worker._watcher.directories()
    finally:
        worker.cleanup()


def test_a_followed_file_replaced_unseen_by_its_folder_is_watched_again(
    codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A followed file replaced where its folder's event does not reach us (the folder not
    watched: the system's limit on watches reached, a network folder): the watcher's own
    word that it dropped the file makes the list again, and its next append is seen at once
    rather than at the next poll, or only once the list was made again a minute later."""

    path = codex_home.write(SID, live_lines(), started=time.time())
    worker, boards = working_feed(codex_home)
    try:
        watcher = worker._watcher
        assert watcher is not None
        assert str(path) in watcher.files()
        watcher.removePath(str(path.parent))  # its folder's events do not come
        temp = path.with_suffix(".tmp")
        temp.write_text("\n".join(live_lines(total=200)) + "\n")
        os.replace(temp, path)
        qtbot.waitUntil(lambda: total_of(boards[-1]) == 200, timeout=5000)
        qtbot.waitUntil(lambda: str(path) in watcher.files(), timeout=5000)
        CodexHome.append(path, [r.token_count(time.time(), r.usage(300, 0, 0), None, None)])
        qtbot.waitUntil(lambda: total_of(boards[-1]) == 300, timeout=5000)
    finally:
        worker.cleanup()


class SlowRead:
    """Stands in for ``CodexReader.refresh``: the first read is quick, the next takes up to
    ``seconds`` in small steps, ending early once ``should_stop`` says so."""

    def __init__(self, seconds: float) -> None:
        from codex_presence_gui.core.reader import CodexReader

        self.seconds = seconds
        self.original = CodexReader.refresh
        self.calls = 0
        self.slow_started = threading.Event()
        self.cut_short = threading.Event()

    def method(self) -> Callable[..., object]:
        """A function, so that it binds as a method of the reader."""

        def refresh(
            reader: object, *, discover_files: bool = True, should_stop: object = None
        ) -> object:
            self.calls += 1
            if self.calls >= 2:
                self.slow_started.set()
                deadline = time.monotonic() + self.seconds
                while time.monotonic() < deadline:
                    if callable(should_stop) and should_stop():
                        self.cut_short.set()
                        break
                    time.sleep(0.01)
            return self.original(reader, discover_files=discover_files)  # type: ignore[arg-type]

        return refresh


def test_quitting_during_a_long_read_cuts_it_short(
    codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop while a read is busy: the read sees the abort between files, stop returns at once
    and nothing more is delivered (the old feed waited, then dropped the running thread:
    "QThread: Destroyed while thread 'session-feed' is still running", SIGABRT)."""
    from codex_presence_gui.core.reader import CodexReader

    codex_home.write(SID, live_lines())
    slow = SlowRead(seconds=20.0)
    monkeypatch.setattr(CodexReader, "refresh", slow.method())
    feed = SessionFeed([codex_home.root], poll_interval_ms=NO_POLL_MS)
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000):
        feed.start()
    assert slow.slow_started.wait(5)  # the history read that follows the first view
    boards: list[Dashboard] = []
    feed.dashboard_changed.connect(boards.append)
    started = time.monotonic()
    assert feed.stop(2000)
    assert time.monotonic() - started < 1.0
    assert slow.cut_short.is_set()
    assert not feed.running
    qtbot.wait(50)
    assert boards == []  # the cut-short read delivers no half view


def test_too_many_homes_the_first_are_watched_and_the_rest_said(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 folders in the settings kept the feed at a core's worth of work: their watch
    list was made again at every poll. The first MAX_HOMES are read and watched; the status
    bar's problems say the others are not read."""
    from codex_presence_gui.core.discovery import MAX_HOMES, too_many_homes_message
    from codex_presence_gui.services import session_feed

    homes = [tmp_path / f"codex-{number}" for number in range(MAX_HOMES + 100)]
    for home in homes:
        (home / "sessions").mkdir(parents=True)
    watched: list[int] = []

    def watching(homes: Sequence[Path], files: Sequence[Path], now: float) -> set[str]:
        watched.append(len(homes))
        return watch_targets(homes, files, now)

    monkeypatch.setattr(session_feed, "watch_targets", watching)
    feed = SessionFeed(homes, poll_interval_ms=NO_POLL_MS)
    with qtbot.waitSignal(feed.dashboard_changed, timeout=5000) as blocker:
        feed.start()
    try:
        board = blocker.args[0]
        assert [w.detail for w in board.warnings] == [too_many_homes_message(100)]
        assert watched
        assert set(watched) == {MAX_HOMES}
    finally:
        assert feed.stop()


def test_a_costly_walk_is_made_less_often_without_events(
    codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Without folder events, the homes are walked every fifth poll while a walk is cheap; a
    walk that costs much (a home of 20,000 old logs) waits until walks take 0.5 % of the
    time, and never longer than two minutes: a session resumed in an old day folder is
    found then, not every 10 s at the cost of a core's 3 %."""
    from codex_presence_gui.services import session_feed

    worker, boards = working_feed(codex_home)
    try:
        reader = worker._reader
        assert reader is not None
        assert reader.walk_seconds > 0

        def resumed(n: int) -> bool:
            # Written where no watched folder's event tells (the worker's loop does not run).
            codex_home.write(f"{SID[:-2]}{n:02d}", live_lines(f"{SID[:-2]}{n:02d}"), started=BASE)
            for _ in range(session_feed.FULL_SCAN_EVERY_POLLS):
                worker._poll_tick()
            return total_of(boards[-1], f"{SID[:-2]}{n:02d}") == 1000

        reader.walk_seconds = 0.001  # 0.2 s at 0.5 %: the fifth poll walks
        worker._last_discovery -= 0.2
        assert resumed(1)
        reader.walk_seconds = 0.3  # 60 s
        assert not resumed(2)
        worker._last_discovery -= 61
        assert resumed(3)
        reader.walk_seconds = 5.0  # 1,000 s: capped
        assert not resumed(4)
        worker._last_discovery -= session_feed.MAX_POLL_WALK_GAP_S + 1
        assert resumed(5)
    finally:
        worker.cleanup()


def test_folder_events_walk_a_costly_home_at_most_a_tenth_of_the_time(
    codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A burst of new sessions beside 20,000 old logs (a walk of 0.2 s): the events make one
    walk a second and wait for the next, not four a second (80 % of a core)."""

    worker, _boards = working_feed(codex_home)
    try:
        assert worker._reader is not None
        assert worker._debounce is not None
        worker._reader.walk_seconds = 0.2
        walked = worker._last_discovery
        worker._directory_changed(str(codex_home.root / "sessions"))
        worker._debounced_refresh()
        assert worker._last_discovery == walked  # not walked yet: waiting
        assert 1500 <= worker._debounce.interval() <= 2000
        worker._last_discovery -= 2
        worker._debounced_refresh()
        assert worker._last_discovery > walked
    finally:
        worker.cleanup()
