"""The usage feed: the index is updated and the reports built in a worker thread; the GUI
thread receives finished views, stays free meanwhile, and can stop the feed at any moment."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import itertools
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.usage_index import UsageIndex
from codex_presence_gui.core.usage_recent import RecentUsage
from codex_presence_gui.services.usage_feed import UsageFeed, UsageWorker, usage_key
from codex_presence_gui.viewmodels.usage import (
    BUILDING_MESSAGE,
    WAITING_MESSAGE,
    UsageState,
    UsageView,
    usage_view,
)
from tests.helpers.rollout import CodexHome
from tests.helpers.usage import call_lines, summed, write_usage_session

UTC = UTC
#: Long enough that only a request (or the first update) explains an update within a test.
NO_POLL_MS = 60_000


def utc() -> timezone:
    return UTC


def noon_now() -> timezone:
    """A fixed zone in which it is about noon now: calls written a minute or two ago are
    today's, and stay so for the test, whenever it runs. In UTC the tests that count today's
    tokens failed within two minutes of midnight UTC (the calls were yesterday's), and in
    the seconds before it (the view was made on the next day)."""
    return timezone(timedelta(minutes=round((43_200 - time.time() % 86_400) / 60)))


def make_feed(home: CodexHome, tmp_path: Path, **options: Any) -> UsageFeed:
    zone = noon_now()
    settings: dict[str, Any] = {
        "index_path": tmp_path / "index" / "usage.sqlite3",
        "build": usage_view,
        "interval_ms": NO_POLL_MS,
        "min_gap_ms": 10,
        "zone": lambda: zone,
    }
    settings.update(options)
    return UsageFeed([home.root], **settings)


@pytest.fixture
def stopper() -> Iterator[list[UsageFeed]]:
    """Feeds a test started; stopped (and checked stopped in time) at its end."""
    feeds: list[UsageFeed] = []
    yield feeds
    for feed in feeds:
        assert feed.stop(5000)


def views(feed: UsageFeed) -> list[UsageView]:
    seen: list[UsageView] = []
    feed.usage_changed.connect(seen.append)
    return seen


def ready(seen: list[UsageView]) -> UsageView | None:
    return next((view for view in reversed(seen) if view.state is UsageState.READY), None)


def ready_view(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> UsageView:
    """The first ready view of a feed started on ``codex_home``."""
    return first_ready_view(make_feed(codex_home, tmp_path), qtbot, stopper)


def first_ready_view(feed: UsageFeed, qtbot: QtBot, stopper: list[UsageFeed]) -> UsageView:
    """Start ``feed`` (stopped after the test) and wait for its first ready view."""
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    view = ready(seen)
    assert view is not None
    return view


def test_first_build_then_the_numbers(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """A new index says it is being built, then the view arrives, in the GUI thread; the
    reading and the building happened in the worker's thread."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    built_in: list[threading.Thread] = []

    def build(recent: RecentUsage) -> UsageView:
        built_in.append(threading.current_thread())
        return usage_view(recent)

    feed = make_feed(codex_home, tmp_path, build=build)
    stopper.append(feed)
    seen = views(feed)
    delivered_in: list[threading.Thread] = []
    feed.usage_changed.connect(lambda _view: delivered_in.append(threading.current_thread()))
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    assert [view.state for view in seen] == [UsageState.BUILDING, UsageState.READY]
    view = ready(seen)
    assert view is not None
    assert view.compact_line.startswith("today: 1.2M tokens")
    # The report of older days, that both views point to, is said to read the feed's home.
    assert {view.home_options for view in seen} == {f" --codex-home {codex_home.root}"}
    assert feed.latest is view
    assert set(delivered_in) == {threading.main_thread()}
    assert built_in
    assert threading.main_thread() not in built_in


def test_the_first_build_says_how_far_it_is_and_later_updates_do_not(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first reading of every log sends how far it is as it goes (here after each log:
    the page's "21% of 20,000 logs read"), never its end, which the numbers are; an update
    of an index with numbers says nothing of its reading."""
    from codex_presence_gui.services import usage_feed

    monkeypatch.setattr(usage_feed, "PROGRESS_EVERY_S", 0.0)
    now = time.time()
    for number in (1, 2, 3):
        write_usage_session(codex_home, number, [(now - 60 * number, 1000 * number, 0, 0)])
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    messages = [view.message for view in seen if view.state is UsageState.BUILDING]
    assert messages[0] == BUILDING_MESSAGE
    assert len(messages) == 4  # before the reading, and before each of its three logs
    told = [message.split("… ")[1].split(" read.")[0] for message in messages[1:]]
    assert all(text.endswith("% of 3 logs") for text in told)
    percents = [int(text.split("%")[0]) for text in told]
    assert percents[0] == 0
    assert percents == sorted(percents)
    assert 0 < percents[-1] < 100
    assert [view.state for view in seen][-1] is UsageState.READY
    write_usage_session(codex_home, 4, [(now - 30, 500, 0, 0)])
    later = views(feed)
    feed.request_update()
    qtbot.waitUntil(lambda: ready(later) is not None, timeout=10_000)
    assert [view.state for view in later] == [UsageState.READY]


def _showing_a_call_then_one_more_written(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> UsageFeed:
    """A started feed that shows one call (10,100 tokens), after which Codex wrote another
    (5,050 more) that no update has read yet."""
    now = time.time()
    first = [(now - 120, 10_000, 0, 100)]
    path = write_usage_session(codex_home, 1, first)
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    assert seen[-1].totals[0].tokens == 10_100
    CodexHome.append(path, call_lines([(now - 5, 5000, 0, 50)], before=summed(first)))
    return feed


def test_appended_calls_are_read_and_nothing_new_says_nothing(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """Asked again after Codex wrote, the view has the new calls; asked with nothing new,
    the index is checked and nothing is sent."""
    feed = _showing_a_call_then_one_more_written(codex_home, tmp_path, qtbot, stopper)
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    assert blocker.args[0].totals[0].tokens == 15_150
    worker = feed.worker
    assert worker is not None
    updates = worker.updates
    with qtbot.assertNotEmitted(feed.usage_changed, wait=300):
        feed.request_update()
    assert worker.updates == updates + 1


def test_a_new_day_is_shown_without_new_calls(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """At midnight today's total starts again from zero, though nothing was written."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    clock = [now]
    feed = make_feed(codex_home, tmp_path, clock=lambda: clock[0])
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    assert seen[-1].compact_line.startswith("today: 10K tokens")
    clock[0] = now + 86400
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    assert blocker.args[0].compact_line == "today: 0 tokens"
    assert blocker.args[0].totals[1].tokens == 10_000  # still within the 7 days


class NamelessZone(tzinfo):
    """The machine's zone as a window sees it when the system names none (``SystemZone``
    with no key): the same ``repr`` whatever its offset, which may change while it runs."""

    def __init__(self, offset: timedelta) -> None:
        super().__init__()
        self.offset = offset

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self.offset

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "LMT"

    def __repr__(self) -> str:
        return "SystemZone(None)"


def test_a_zone_changed_while_the_window_runs_counts_the_days_again(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The machine's zone moved while the window runs (a laptop that travelled): the next
    update counts the days in the new zone, though nothing was written and the zone has no
    name to tell it by (its ``repr`` alone had been compared: nothing was sent)."""
    now = time.time()
    # About 23:30 yesterday where it is about noon now, and a minute ago.
    write_usage_session(codex_home, 1, [(now - 12.5 * 3600, 5_000, 0, 0), (now - 60, 10_000, 0, 0)])
    zone = NamelessZone(noon_now().utcoffset(None) or timedelta(0))
    feed = make_feed(codex_home, tmp_path, zone=lambda: zone)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    assert seen[-1].compact_line.startswith("today: 10K tokens")
    zone.offset += timedelta(hours=1)  # still today, and the first call is today's too
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    assert blocker.args[0].compact_line.startswith("today: 15K tokens")


def test_tokens_moving_in_the_live_view_ask_for_an_update(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The session feed's refreshes come every few seconds; only a change of a session's
    tokens asks the usage feed for an update."""
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    with qtbot.waitSignal(feed.usage_changed, timeout=10_000):
        feed.start()  # an empty home: nothing recorded yet
    worker = feed.worker
    assert worker is not None

    def board(total: int) -> Any:
        session = SimpleNamespace(session_id="s1", session_total_tokens=total)
        return SimpleNamespace(sessions=(session,), ended=())

    qtbot.waitUntil(lambda: worker.updates == 1)
    feed.note_dashboard(board(100))
    qtbot.waitUntil(lambda: worker.updates == 2)
    feed.note_dashboard(board(100))  # the same tokens: an idle refresh
    qtbot.wait(100)
    assert worker.updates == 2
    feed.note_dashboard(board(250))
    qtbot.waitUntil(lambda: worker.updates == 3)
    assert usage_key(board(250)) == (("s1", 250),)


def test_requests_in_a_burst_make_one_update(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """Within the least gap between updates, many requests are one update."""
    feed = make_feed(codex_home, tmp_path, min_gap_ms=400)
    stopper.append(feed)
    with qtbot.waitSignal(feed.usage_changed, timeout=10_000):
        feed.start()
    worker = feed.worker
    assert worker is not None
    for _ in range(20):
        feed.request_update()
    qtbot.waitUntil(lambda: worker.updates == 2, timeout=3000)
    qtbot.wait(600)
    assert worker.updates == 2


def test_the_gui_thread_runs_while_an_update_is_slow(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """A second-long build in the worker leaves the GUI thread's timers running."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])

    def slow(recent: RecentUsage) -> UsageView:
        if not recent.building:
            time.sleep(1.0)
        return usage_view(recent)

    feed = make_feed(codex_home, tmp_path, build=slow)
    stopper.append(feed)
    seen = views(feed)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    timer.stop()
    assert time.monotonic() - started >= 1.0
    assert len(ticks) >= 20  # about 50 were due; a blocked GUI thread would have none
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) < 0.5


def slow_update(seconds: float) -> Callable[..., Any]:
    """``UsageIndex.update`` made slow; it ends early when asked to stop."""
    original = UsageIndex.update

    def update(self: UsageIndex, homes: Any, **options: Any) -> Any:
        should_stop = options.get("should_stop")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (should_stop and should_stop()):
            time.sleep(0.01)
        return original(self, homes, **options)

    return update


def test_stop_during_an_update(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop while the index is being read ends the read at once, and nothing half-read is
    delivered."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    monkeypatch.setattr(UsageIndex, "update", slow_update(30.0))
    feed = make_feed(codex_home, tmp_path)
    seen = views(feed)
    with qtbot.waitSignal(feed.usage_changed, timeout=10_000):
        feed.start()  # "being built": the slow update has begun
    assert seen[-1].state is UsageState.BUILDING
    started = time.monotonic()
    assert feed.stop(3000)
    assert time.monotonic() - started < 2.0
    assert not feed.running
    qtbot.wait(100)
    assert [view.state for view in seen] == [UsageState.BUILDING]


class _SlowLoader(importlib.abc.Loader):
    """A module's own loader, made to take ``seconds`` before running it (a busy machine's
    import); ``started`` is set as the wait begins."""

    def __init__(self, real: Any, seconds: float, started: threading.Event) -> None:
        self.real, self.seconds, self.started = real, seconds, started

    def create_module(self, spec: Any) -> Any:
        return self.real.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.started.set()
        time.sleep(self.seconds)
        self.real.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # (resource readers: the package's data)
        return getattr(self.real, name)


class _SlowPriceLibrary(importlib.abc.MetaPathFinder):
    """Finds a module of the price library (``name``) as Python would, with a
    ``_SlowLoader``."""

    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self.started = threading.Event()

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            spec.loader = _SlowLoader(spec.loader, self.seconds, self.started)
        return spec


@pytest.mark.parametrize("module", ["genai_prices", "genai_prices.data"])
def test_a_quit_while_the_price_library_is_imported_ends_in_time(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
) -> None:
    """The first prices of a new index import the price library, and its data with the first
    price (0.5 s; 1.2 s seen on a busy machine): a stop meanwhile ends the thread within the
    900 ms the window gives it, which had waited for them and outlived it. Nothing is
    delivered after the stop."""
    from codex_presence_gui.app import STOP_TIMEOUT_MS
    from codex_presence_gui.core import pricing
    from codex_presence_gui.services.worker import join_parked

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    for name in [name for name in sys.modules if name.partition(".")[0] == "genai_prices"]:
        monkeypatch.delitem(sys.modules, name)  # (put back after the test)
    slow = _SlowPriceLibrary(module, seconds=3.0)
    monkeypatch.setattr(sys, "meta_path", [slow, *sys.meta_path])
    monkeypatch.setattr(pricing, "_importing", None, raising=False)
    feed = make_feed(codex_home, tmp_path)
    seen = views(feed)
    feed.start()
    try:
        qtbot.waitUntil(slow.started.is_set, timeout=10_000)
        started = time.monotonic()
        feed.abort()  # as the window quits
        assert feed.stop(STOP_TIMEOUT_MS)
        assert time.monotonic() - started < STOP_TIMEOUT_MS / 1000
        qtbot.wait(100)
        assert [view.state for view in seen] == [UsageState.BUILDING]
    finally:
        feed.stop(0)
        assert join_parked(10.0)
        # The import given up ends on its own: not after the test has put the modules back.
        for thread in threading.enumerate():
            if thread.name == "genai-prices-import":
                thread.join(10.0)


def test_an_index_that_cannot_be_kept_is_read_into_memory_and_said(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A cache folder that is a file (or read-only, or full): the page still shows the
    numbers, read into memory, and says why the index is not kept; the log says it in a
    line (a traceback had gone to the log and to the terminal the window was started in)."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("")
    feed = make_feed(codex_home, tmp_path, index_path=blocker_file / "usage.sqlite3")
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert view.notice == (
        f"The usage index cannot be kept in {blocker_file / 'usage.sqlite3'} ({blocker_file} "
        "is not a folder): usage is read from the logs into memory until the index can be "
        "kept there."
    )
    assert blocker_file.read_text() == ""
    [failed] = [r for r in caplog.records if "could not be updated" in r.getMessage()]
    assert not failed.exc_info


def test_a_folder_in_the_index_s_place_is_named_and_left_alone(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A folder (or a FIFO, a device, a socket) where the index goes: the page still shows
    the numbers, read into memory, and says what is in the index's place, which stays as it
    was ("unable to open database file" had been all it said); the log says it in the same
    plain words (it had read "[Errno 0] a folder is there…")."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    path = tmp_path / "cache" / "usage.sqlite3"
    (path / "theirs").mkdir(parents=True)
    feed = make_feed(codex_home, tmp_path, index_path=path)
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert view.notice == (
        f"The usage index cannot be kept in {path} (a folder is there instead of a file; it "
        "is left as it is): usage is read from the logs into memory until the index can be "
        "kept there."
    )
    assert [child.name for child in path.iterdir()] == ["theirs"]
    [failed] = [r.getMessage() for r in caplog.records if "could not be updated" in r.getMessage()]
    assert failed == (
        f"the usage index could not be updated: the usage index cannot be kept in {path} "
        "(a folder is there instead of a file; it is left as it is)"
    )


def test_a_folder_in_the_lock_s_place_is_named_and_left_alone(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """A folder (or a FIFO, a device, a socket) where the index's ``.lock`` goes: as in the
    index's own place, the page still shows the numbers, read into memory, and says what is
    there, which stays as it was (a folder had been "Is a directory", a FIFO taken for the
    lock)."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    path = tmp_path / "cache" / "usage.sqlite3"
    lock = tmp_path / "cache" / "usage.sqlite3.lock"
    (lock / "theirs").mkdir(parents=True)
    feed = make_feed(codex_home, tmp_path, index_path=path)
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert view.notice == (
        f"The usage index cannot be kept in {path} (a folder is at {lock} instead of a file; "
        "it is left as it is): usage is read from the logs into memory until the index can be "
        "kept there."
    )
    assert [child.name for child in lock.iterdir()] == ["theirs"]
    assert not path.exists()


def _shown_without_failing(qtbot: QtBot, feed: UsageFeed) -> UsageView:
    """Start ``feed``: its numbers (one session, 1.2M tokens today) arrive, and no view
    on the way was a failure."""
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    view = ready(seen)
    assert view is not None
    assert view.compact_line.startswith("today: 1.2M tokens")
    assert all(view.state is not UsageState.FAILED for view in seen)
    return view


def test_a_busy_index_is_tried_again_not_given_up(tmp_path: Path) -> None:
    """Another process holding the file is no reason to leave it for the whole run."""
    import sqlite3

    from codex_presence_gui.core.usage_index import IndexBusyError, is_busy

    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("INSERT INTO t VALUES (1)")
    holder.close()
    other.close()
    assert is_busy(busy.value)
    assert is_busy(IndexBusyError("another process has held the lock for 60 s"))
    assert not is_busy(sqlite3.OperationalError("attempt to write a readonly database"))
    assert not is_busy(NotADirectoryError(20, "Not a directory"))


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_held_lock_is_said_and_the_file_tried_again(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index's opening lock held by another process past the wait: said on the page,
    and the file (not memory) is used once the lock is free."""
    import fcntl

    import codex_presence_gui.core.usage_index as usage_index

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 0.3)
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    path = tmp_path / "index" / "usage.sqlite3"
    path.parent.mkdir()
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        feed = make_feed(codex_home, tmp_path)
        stopper.append(feed)
        seen = views(feed)
        feed.start()
        _failed_with(
            qtbot,
            seen,
            "another Codex Presence (a report, or a second window) has kept the usage index in "
            f"{path} busy for 0.3s; it is tried again soon",
        )
    _ready_from_the_file(qtbot, feed, seen, path)


def _failed_with(qtbot: QtBot, seen: list[UsageView], said: str) -> None:
    """The feed's last view is a failure that says ``said``."""
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].state is UsageState.FAILED, timeout=10_000)
    assert said in seen[-1].message


def _ready_from_the_file(qtbot: QtBot, feed: UsageFeed, seen: list[UsageView], path: Path) -> None:
    """The next update shows the numbers, read into the index file (not into memory)."""
    feed.request_update()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    view = ready(seen)
    assert view is not None
    assert "memory" not in view.notice
    assert path.is_file()


def test_a_home_that_cannot_be_walked_does_not_send_the_index_to_memory(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error outside the index (here the walk of the homes, out of file handles) is
    said, and the next update uses the file again."""
    import codex_presence_gui.services.usage_feed as usage_feed

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    real = usage_feed._walk
    failures = [OSError(24, "Too many open files")]

    def discover(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(usage_feed, "_walk", discover)
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    _failed_with(qtbot, seen, "Too many open files")
    _ready_from_the_file(qtbot, feed, seen, tmp_path / "index" / "usage.sqlite3")


def test_without_a_builder_the_reports_themselves_arrive(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The feed is usable alone: it delivers ``RecentUsage``."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    feed = UsageFeed([codex_home.root], index_path=tmp_path / "usage.sqlite3", zone=utc)
    stopper.append(feed)
    seen: list[RecentUsage] = []
    feed.usage_changed.connect(seen.append)
    feed.start()
    qtbot.waitUntil(lambda: any(not r.building for r in seen), timeout=10_000)
    recent = seen[-1]
    assert recent.daily is not None
    assert recent.daily.totals.tally.total == 10_000


def test_damage_found_while_reading_is_rebuilt_and_shown_once(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The sums' table is damaged under a window that opened the index fine: the next update
    rebuilds it, the page says so, and the numbers come back (not an error for good)."""
    from tests.unit.core.test_usage_index import _damage_table

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    path = tmp_path / "index" / "usage.sqlite3"
    path.parent.mkdir()
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    _damage_table(path, "usage")
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    notice = _shown_without_failing(qtbot, feed).notice
    assert notice.startswith("The usage index could not be read (")
    assert notice.endswith("; it was rebuilt from the logs.")


def test_a_missing_home_is_said_on_the_page(
    tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    missing = tmp_path / "no-codex-here"
    feed = UsageFeed(
        [missing],
        index_path=tmp_path / "index" / "usage.sqlite3",
        build=usage_view,
        interval_ms=NO_POLL_MS,
        min_gap_ms=10,
        zone=utc,
    )
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[-1].state is UsageState.EMPTY
    assert str(missing) in seen[-1].message


def test_a_home_that_cannot_be_entered_is_said_on_the_page_once(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Codex folder of mode 000 (for a user who is not root): the page says it cannot be
    opened and what to do, not "No usage recorded yet", and its config.toml, which cannot be
    read either, is not said as a problem of its own."""
    from tests.helpers.special_files import close_folder

    root = str(codex_home.root)
    (codex_home.root / "config.toml").mkdir()  # (root reads a closed home's file: this it cannot)
    close_folder(monkeypatch, root)
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].state is UsageState.EMPTY, timeout=10_000)
    view = seen[-1]
    assert view.message == (
        f"No usage can be counted: cannot open {root} (Permission denied): let this user read "
        "it, or choose another Codex folder."
    )
    assert view.message_paths == (root,)
    assert view.problems == (f"cannot open the Codex folder {root}: Permission denied",)


def test_calls_another_process_put_in_the_index_are_shown(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """``report`` shares the index: when it reads Codex's new lines first, the window's next
    update finds nothing left to read in the logs, and must still show the calls the other
    process put in the index (the page had kept the old numbers until Codex wrote again)."""
    feed = _showing_a_call_then_one_more_written(codex_home, tmp_path, qtbot, stopper)
    with UsageIndex(feed.index_path) as other:  # the report command, in its own process
        assert other.update([codex_home.root]).read == 1
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    assert blocker.args[0].totals[0].tokens == 15_150
    # Its own writes are not taken for another's: nothing new says nothing, again.
    with qtbot.assertNotEmitted(feed.usage_changed, wait=300):
        feed.request_update()


def test_problems_in_the_logs_reach_the_view_and_stay(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """A log with a line that cannot be read: the view says so, and still says so after an
    update that read nothing new (the index keeps what it found)."""
    now = time.time()
    path = write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    with path.open("a") as handle:
        handle.write('{"timestamp":"2026-05-04T09:01:02.000Z","type":"event_msg","payload":{\n')

    def first_view() -> UsageView:
        return ready_view(codex_home, tmp_path, qtbot, stopper)

    view = first_view()
    assert view.problems_text.startswith("⚠ 1 problem")
    assert "1 malformed line skipped in" in view.problems_tooltip
    # Another start: the index holds the file, read before, and says what it found.
    assert "1 malformed line skipped in" in first_view().problems_tooltip


def test_calls_dated_by_guess_are_said_on_the_page(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """A call whose line has no usable time, and no dated line before it: the page's
    problems say how it was dated (the index had dated it to its clock, unsaid), and that
    its day may be wrong, not that it may be missing: its tokens are counted."""
    now = time.time()
    path = write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[2:]).replace('"timestamp":"', '"timestamp":"x') + "\n")
    view = ready_view(codex_home, tmp_path, qtbot, stopper)
    assert view.totals[-1].tokens == 1_200_000
    assert (
        view.problems_text
        == "⚠ 1 problem in Codex's logs: some calls may be on the wrong day here."
    )
    assert view.problems_dating == 1
    assert "1 call in " in view.problems_tooltip
    assert "dated to the time in its file name" in view.problems_tooltip


def test_an_archived_sessions_that_is_a_file_is_said_on_the_page(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """As ``report`` says it (it had gone unsaid), with the numbers of ``sessions``."""
    write_usage_session(codex_home, 1, [(time.time() - 60, 1_000_000, 200_000, 200_000)])
    archived = codex_home.root / "archived_sessions"
    archived.write_text("")
    view = ready_view(codex_home, tmp_path, qtbot, stopper)
    assert view.problems == (
        f"{archived} is a file, not a folder: Codex cannot archive its logs there",
    )


def test_an_index_deleted_under_the_window_is_made_again_and_said(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The cache folder cleaned while the window runs: the next update makes the index again
    from the logs (a report then finds it), the page says so once and keeps its numbers. It
    says it as done: "it is being rebuilt" had stayed under the numbers read from it."""
    feed = _showing_a_call_then_one_more_written(codex_home, tmp_path, qtbot, stopper)
    shutil.rmtree(feed.index_path.parent)
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    view = blocker.args[0]
    assert view.totals[0].tokens == 15_150
    assert view.notice == "The usage index was deleted; it was rebuilt from the logs."
    assert feed.index_path.exists()
    with qtbot.assertNotEmitted(feed.usage_changed, wait=300):
        feed.request_update()


def test_a_file_put_where_the_missing_sessions_folder_goes_is_said(
    tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The sessions folder missing, then a file put in its place: the page says so at the
    next update (with nothing else new, the update had sent nothing, and the page had kept
    saying that Codex would make the folder again)."""
    home = CodexHome(tmp_path / "codex")
    home.root.mkdir()
    feed = make_feed(home, tmp_path)
    stopper.append(feed)
    seen = views(feed)
    feed.start()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].state is UsageState.EMPTY, timeout=10_000)
    assert "is missing" in seen[-1].message
    (home.root / "sessions").write_text("")
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.request_update()
    assert blocker.args[0].message == (
        f"No usage to show: {home.root / 'sessions'} is a file, not a folder: Codex cannot "
        "write its logs there."
    )


def test_folders_past_the_most_read_are_said_on_the_page(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of folders: the first MAX_HOMES are walked (each of them at every update)
    and asked of the index (one SQL parameter each, five times), and the page says the
    others are not read."""
    from codex_presence_gui.core.discovery import MAX_HOMES, too_many_homes_message
    from codex_presence_gui.services import usage_feed

    walked: list[int] = []
    walk = usage_feed._walk

    def walking(homes: Any) -> Any:
        walked.append(len(homes))
        return walk(homes)

    monkeypatch.setattr(usage_feed, "_walk", walking)

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    others = [tmp_path / f"nowhere-{number}" for number in range(40_000)]
    zone = noon_now()
    feed = UsageFeed(
        [codex_home.root, *others],
        index_path=tmp_path / "index" / "usage.sqlite3",
        build=usage_view,
        interval_ms=NO_POLL_MS,
        min_gap_ms=10,
        zone=lambda: zone,
    )
    view = first_ready_view(feed, qtbot, stopper)
    assert too_many_homes_message(40_001 - MAX_HOMES) in view.problems_tooltip
    assert walked
    assert set(walked) == {MAX_HOMES}


#: Holds the index at argv[1] as another Codex Presence process may (argv[2]: "write lock", a
#: ``report`` or a second window in its update; "opening lock", the ``.lock`` one takes while it
#: opens or rebuilds the file; "exclusive", a program that keeps even readers out), says
#: "held" and lets go once its standard input closes.
_HOLDER = r"""
import sqlite3, sys
path, kind = sys.argv[1], sys.argv[2]
if kind == "opening lock":
    import fcntl

    lock = open(path + ".lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
else:
    db = sqlite3.connect(path, isolation_level=None)
    if kind == "exclusive":
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("UPDATE meta SET value = value WHERE key = 'schema'")
print("held", flush=True)
sys.stdin.read()
if kind != "opening lock":
    db.execute("ROLLBACK")
"""


@contextmanager
def _held(path: Path, kind: str) -> Iterator[None]:
    """The index at ``path`` held by another process (see ``_HOLDER``) within."""
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        try:
            assert holder.stdout.readline() == "held\n"
            yield
        finally:
            holder.stdin.close()
            assert holder.wait(10) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.parametrize("kind", ["write lock", "opening lock", "exclusive"])
def test_a_quit_while_another_process_holds_the_index_ends_in_time(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """A ``report`` (or a second window) holds the index while the window's update waits for
    it (up to 60 s): a quit meanwhile ends the usage thread within the 900 ms the window
    gives it (the wait had not asked whether to stop, and outlived the quit). Nothing is
    delivered after the stop, nothing is logged as a failure, and the index is whole once
    the other process lets go."""
    from codex_presence_gui.services.worker import join_parked

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    path = tmp_path / "index" / "usage.sqlite3"
    UsageIndex(path).close()
    with _held(path, kind):
        _quit_while_updating(qtbot, make_feed(codex_home, tmp_path))
    assert join_parked(10.0)
    assert not [record for record in caplog.records if record.levelname != "DEBUG"]
    with UsageIndex(path) as index:
        assert index._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        index.update([codex_home.root])
        assert sum(item.calls for item in index.slots([codex_home.root])) == 1


def _quit_while_updating(qtbot: QtBot, feed: UsageFeed) -> None:
    """Start ``feed``, let its first update begin, then quit as the window does: the usage
    thread ends within the time the window gives it, and nothing is delivered after the
    stop."""
    from codex_presence_gui.app import STOP_TIMEOUT_MS

    seen = views(feed)
    feed.start()
    try:
        qtbot.waitUntil(lambda: feed.worker is not None and feed.worker.updates > 0)
        qtbot.wait(300)  # into the update's wait or long step
        started = time.monotonic()
        feed.abort()  # as the window quits
        assert feed.stop(STOP_TIMEOUT_MS)
        assert time.monotonic() - started < STOP_TIMEOUT_MS / 1000
        qtbot.wait(100)
        assert all(view.state is UsageState.BUILDING for view in seen)
    finally:
        feed.stop(0)


def test_a_quit_during_the_index_s_check_of_itself_ends_in_time(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite's check of a large index (0.3 s at 100,000 files, more past them) is given up
    between its steps at a quit: the usage thread ends within the 900 ms the window gives
    it, nothing delivered after the stop, nothing logged as a failure."""
    from codex_presence_gui.core import usage_index
    from codex_presence_gui.services.worker import join_parked

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    path = tmp_path / "index" / "usage.sqlite3"
    UsageIndex(path).close()
    long_look = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000000)"
        " SELECT 1 FROM n WHERE x < 0 LIMIT 1"
    )
    monkeypatch.setattr(usage_index, "_UNMATCHED", long_look)
    _quit_while_updating(qtbot, make_feed(codex_home, tmp_path))
    assert join_parked(10.0)
    assert not [record for record in caplog.records if record.levelname != "DEBUG"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.parametrize("kind", ["write lock", "opening lock"])
def test_the_page_says_what_it_waits_for_while_another_process_holds_the_index(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, kind: str
) -> None:
    """A ``report`` (or a second window) holds the index before the page has numbers: after
    a second the page says it waits for another Codex Presence (it had said "Reading…", or
    nothing at all behind the index's lock, for up to a minute), and shows the numbers once
    the other process lets go."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    path = tmp_path / "index" / "usage.sqlite3"
    UsageIndex(path).close()
    feed = make_feed(codex_home, tmp_path)
    seen = views(feed)
    try:
        with _held(path, kind):
            feed.start()
            qtbot.waitUntil(
                lambda: any(view.message == WAITING_MESSAGE for view in seen), timeout=5000
            )
            assert ready(seen) is None
        qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
        assert ready(seen).totals[2].tokens == 10_000  # type: ignore[union-attr]
    finally:
        feed.stop(5000)


@contextmanager
def _feed_showing_numbers(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> Iterator[tuple[UsageFeed, list[UsageView], Path, float]]:
    """A feed started on a session of 10,000 tokens a minute ago, once the page has its
    numbers: the feed, the views it sent, its index's path, and the time it was started."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    feed = make_feed(codex_home, tmp_path)
    seen = views(feed)
    feed.start()
    try:
        qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
        yield feed, seen, tmp_path / "index" / "usage.sqlite3", now
    finally:
        feed.stop(5000)


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_numbers_shown_stay_while_another_process_holds_the_index(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """Once the page has numbers, a later update that waits for another process keeps them:
    no "Waiting…" over them."""
    with _feed_showing_numbers(codex_home, tmp_path, qtbot) as (feed, seen, path, now):
        shown = len(seen)
        with _held(path, "write lock"):
            write_usage_session(codex_home, 2, [(now - 30, 5_000, 0, 0)])
            feed.request_update()
            qtbot.wait(1600)  # past the second after which a wait is told
            assert len(seen) == shown
        qtbot.waitUntil(lambda: ready(seen).totals[2].tokens == 15_000, timeout=10_000)  # type: ignore[union-attr]
        assert all(view.message != WAITING_MESSAGE for view in seen)


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_numbers_shown_stay_when_the_wait_for_another_process_runs_out(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the index past the wait (a long ``report``): the page keeps its
    numbers and its compact line, and says why they are not new (it had replaced them with
    "The usage history cannot be read: …", the compact line gone); a second wait does not
    put "Waiting…" over them; once the other process lets go, the new calls are shown and
    the notice goes."""
    import codex_presence_gui.core.usage_index as usage_index

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 1.5)
    with _feed_showing_numbers(codex_home, tmp_path, qtbot) as (feed, seen, path, now):
        shown = len(seen)
        with _held(path, "write lock"):
            write_usage_session(codex_home, 2, [(now - 30, 5_000, 0, 0)])
            feed.request_update()
            qtbot.waitUntil(lambda: len(seen) > shown, timeout=10_000)
            kept = seen[-1]
            assert kept.state is UsageState.READY
            assert kept.totals[2].tokens == 10_000
            assert kept.compact_line.startswith("today: 10K tokens")
            assert kept.notice == (
                "Another Codex Presence (a report, or a second window) has kept the usage "
                f"index in {path} busy for 1s; it is tried again soon: these are the last "
                "numbers read."
            )
            feed.request_update()  # waits again, then runs out again
            qtbot.wait(2500)
            assert all(view.state is UsageState.READY for view in seen[shown:])
        feed.request_update()
        qtbot.waitUntil(lambda: seen[-1].totals[2].tokens == 15_000, timeout=10_000)
        assert seen[-1].notice == ""


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_yesterdays_numbers_are_not_kept_as_today_s_while_another_process_holds_the_index(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Midnight passes while another process holds the index past the wait: the last numbers
    read are the day before's, and are not kept as the new day's (the compact line had read
    "today: 10K tokens" of yesterday, the chart's last bar "Today" with yesterday's date);
    the page says why it has none, and the new day's numbers come once it lets go."""
    import codex_presence_gui.core.usage_index as usage_index

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 1.5)
    now = time.time()
    # A zone in which it is 23:59 now: two minutes on, it is the next day.
    minutes = round((86_340 - now % 86_400) / 60) % 1440
    zone = timezone(timedelta(minutes=minutes if minutes <= 720 else minutes - 1440))
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    clock = [now]
    feed = make_feed(codex_home, tmp_path, zone=lambda: zone, clock=lambda: clock[0])
    seen = views(feed)
    feed.start()
    try:
        qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
        assert seen[-1].compact_line.startswith("today: 10K tokens")
        with _held(tmp_path / "index" / "usage.sqlite3", "write lock"):
            clock[0] = now + 120
            write_usage_session(codex_home, 2, [(now - 30, 5_000, 0, 0)])
            shown = len(seen)
            feed.request_update()
            qtbot.waitUntil(lambda: len(seen) > shown, timeout=10_000)
            assert seen[-1].state is UsageState.FAILED
            assert "busy for 1s; it is tried again soon" in seen[-1].message
            assert seen[-1].compact_line == ""
        feed.request_update()
        qtbot.waitUntil(lambda: seen[-1].state is UsageState.READY, timeout=10_000)
        assert seen[-1].compact_line == "today: 0 tokens"
        assert seen[-1].totals[1].tokens == 15_000
    finally:
        feed.stop(5000)


def test_an_index_failing_at_its_first_read_of_prices_is_read_into_memory(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new index on a disk with room for its tables but not for SQLite's -shm fails at its
    first read, the prices' ("disk I/O error"): the page shows the numbers, read into
    memory, and says why, as for any file that cannot be kept; no traceback in the log (the
    page had said "The usage history cannot be read: disk I/O error" for the whole run)."""
    import sqlite3

    original = UsageIndex.load_prices

    def failing(self: UsageIndex, library: str) -> Any:
        if self.kept:
            error = sqlite3.OperationalError("disk I/O error")
            error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
            raise error
        return original(self, library)

    monkeypatch.setattr(UsageIndex, "load_prices", failing)
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert view.notice.startswith(
        f"The usage index cannot be kept in {feed.index_path} (disk I/O error"
    )
    assert view.notice.endswith(
        "usage is read from the logs into memory until the index can be kept there."
    )
    assert not [record for record in caplog.records if record.exc_info]


def test_a_window_on_a_nearly_full_disk_counts_in_memory_and_says_why(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Less than 64 MiB free on the cache's disk at the window's first start: its index had
    filled the disk to its last byte, its -wal left there, without a word. The page shows the
    numbers, read into memory, says why, and no index file is made."""
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10**9, 10**9 - 4096, 4096))
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    feed = make_feed(codex_home, tmp_path)
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert view.compact_line.startswith("today: 1.2M tokens")
    assert view.notice == (
        f"The usage index cannot be kept in {feed.index_path} (the disk is nearly full: "
        "4 KiB free, where a new index asks for 64 MiB): usage is read from the logs into "
        "memory until the index can be kept there."
    )
    assert not feed.index_path.exists()


def test_a_window_counting_in_memory_goes_back_to_the_file_once_it_can(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index file failed (here its folder was a file; a full disk, a read-only folder
    alike): once it can be used again, the window keeps its index there at its next try,
    the numbers the same and the notice gone (it had counted in memory until restarted,
    its work lost at every close). It is tried every ``FILE_RETRY_S``, and not on a disk
    without ``FILE_RETRY_ROOM`` free (each try had filled a full disk to its last byte)."""
    import codex_presence_gui.services.usage_feed as usage_feed

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1_000_000, 200_000, 200_000)])
    blocker = tmp_path / "cache"
    blocker.write_text("")
    index_path = blocker / "usage.sqlite3"
    feed = make_feed(codex_home, tmp_path, index_path=index_path)
    stopper.append(feed)
    view = _shown_without_failing(qtbot, feed)
    assert "into memory" in view.notice
    seen = views(feed)
    blocker.unlink()
    blocker.mkdir()
    feed.request_update()  # the file not tried yet: FILE_RETRY_S since it failed
    qtbot.wait(500)
    assert seen == []
    assert not index_path.exists()
    monkeypatch.setattr(usage_feed, "FILE_RETRY_S", 0.0)
    full = shutil.disk_usage(blocker)._replace(free=usage_feed.FILE_RETRY_ROOM - 1)
    monkeypatch.setattr(usage_feed.shutil, "disk_usage", lambda _: full)
    feed.request_update()  # not tried on a disk without room: it would fill it
    qtbot.wait(500)
    assert seen == []
    assert not index_path.exists()
    monkeypatch.undo()
    monkeypatch.setattr(usage_feed, "FILE_RETRY_S", 0.0)
    feed.request_update()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=10_000)
    view = ready(seen)
    assert view is not None
    assert view.notice == ""
    assert view.compact_line.startswith("today: 1.2M tokens")
    assert index_path.is_file()


def test_a_file_put_where_the_index_s_folder_was_is_said_while_the_window_runs(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The cache folder removed and a file put in its place while the window runs: the page
    says the index cannot be kept there and keeps counting, in memory (it had said nothing,
    writing on into the unlinked file, lost at the window's close, that no report saw)."""
    feed = _showing_a_call_then_one_more_written(codex_home, tmp_path, qtbot, stopper)
    folder = feed.index_path.parent
    shutil.rmtree(folder)
    folder.write_text("")
    seen = views(feed)
    feed.request_update()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=5000)
    view = ready(seen)
    assert view is not None
    assert view.totals[0].tokens == 15_150
    assert view.notice == (
        f"The usage index cannot be kept in {feed.index_path} ({folder} is not a folder): "
        "usage is read from the logs into memory until the index can be kept there."
    )
    assert folder.read_text() == ""


def test_numbers_shown_stay_while_the_index_is_read_again_into_memory(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """The index file failing while the window runs (here a folder put in its place): the
    page keeps its numbers while the logs are read into memory, then shows the new ones
    with the reason ("Reading your Codex logs for the first time… This happens once" had
    replaced them meanwhile, true neither of a page that had numbers nor of an index in
    memory, read again at every start)."""
    feed = _showing_a_call_then_one_more_written(codex_home, tmp_path, qtbot, stopper)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{feed.index_path}{suffix}").unlink(missing_ok=True)
    feed.index_path.mkdir()
    seen = views(feed)
    feed.request_update()
    qtbot.waitUntil(lambda: ready(seen) is not None, timeout=5000)
    qtbot.wait(200)
    assert [view.state for view in seen] == [UsageState.READY]
    assert seen[0].totals[0].tokens == 15_150
    assert "memory" in seen[0].notice


@contextmanager
def updated_by_hand(
    codex_home: CodexHome, tmp_path: Path
) -> Iterator[tuple[UsageWorker, list[UsageView]]]:
    """A worker on ``codex_home`` in this thread whose updates the test makes (its timers
    stopped), and the views it delivers."""
    zone = noon_now()
    worker = UsageWorker(
        [codex_home.root],
        tmp_path / "index" / "usage.sqlite3",
        usage_view,
        interval_ms=NO_POLL_MS,
        min_gap_ms=10,
        clock=time.time,
        zone=lambda: zone,
    )
    shown: list[UsageView] = []
    worker.usage_ready.connect(lambda _days, view: shown.append(view))
    worker.work()
    try:
        assert worker._timer is not None
        worker._timer.stop()
        yield worker, shown
    finally:
        worker.cleanup()


def test_updates_of_a_costly_home_come_less_often(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """An update's fixed cost (the walk and the index's look at every file: 0.3-0.45 s for
    20,000 old logs) is measured on an update that found nothing to read; asked for while
    sessions write, updates then take at most 5 % of the time (a gap of 20 s for a cost of
    1 s, not 5 s), and the safety net's updates 0.5 % (none before 200 s)."""
    write_usage_session(codex_home, 1, [(time.time() - 60, 10_000, 0, 0)])
    with updated_by_hand(codex_home, tmp_path) as (worker, _):
        assert worker._timer is not None
        worker._update()  # reads the new log: not the fixed cost
        assert worker.fixed_cost_s == 0.0
        worker._update()  # nothing new
        assert worker.fixed_cost_s > 0.0
        worker.fixed_cost_s = 1.0
        worker.request_update()
        assert 19_000 <= worker._timer.remainingTime() <= 20_000
        worker._timer.stop()
        worker._poll_tick()
        assert not worker._timer.isActive()
        worker._last_update -= 201
        worker._poll_tick()
        assert worker._timer.isActive()


def test_the_feed_s_walk_makes_no_path_object_of_each_log(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed's walk hands the index each log's path as text, as the index takes it: a path
    object for each of 20,000 old logs had been 6 MB more at the first build's peak, and
    0.15-0.2 s of each update. The logs are read and counted all the same."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 10_000, 0, 0)])
    write_usage_session(codex_home, 2, [(now - 120, 5_000, 0, 0)])
    handed: list[object] = []
    update = UsageIndex.update

    def watched(index: UsageIndex, *args: Any, **options: Any) -> Any:
        handed.extend(options["files"])
        return update(index, *args, **options)

    monkeypatch.setattr(UsageIndex, "update", watched)
    with updated_by_hand(codex_home, tmp_path) as (worker, shown):
        worker._update()
    assert len(handed) == 2
    assert not any(isinstance(file[0], Path) for file in handed)  # type: ignore[index]
    assert [view.totals[0].tokens for view in shown if view.state is UsageState.READY] == [15_000]


def test_the_walk_s_files_are_let_go_before_the_reports_are_made(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the index has them, the walk's files are not held while the reports are made: a
    first build prices its calls there (the price library's import, its peak), and 20,000
    logs' entries had been held through it, 11 MB."""
    import weakref

    from codex_presence_gui.services import usage_feed

    class Files(list[Any]):
        """A list that can be watched for being let go."""

    walk, read = usage_feed._walk, usage_feed.read_recent
    walked: list[weakref.ref[Files]] = []
    held_while_reading: list[bool] = []

    def walking(homes: Any) -> Any:
        found = walk(homes)
        files = Files(found.files)
        walked.append(weakref.ref(files))
        return found._replace(files=files)

    def reading(*args: Any, **options: Any) -> Any:
        held_while_reading.append(walked[-1]() is not None)
        return read(*args, **options)

    monkeypatch.setattr(usage_feed, "_walk", walking)
    monkeypatch.setattr(usage_feed, "read_recent", reading)
    write_usage_session(codex_home, 1, [(time.time() - 60, 10_000, 0, 0)])
    with updated_by_hand(codex_home, tmp_path) as (worker, shown):
        worker._update()
    assert held_while_reading == [False]
    assert [view.totals[0].tokens for view in shown if view.state is UsageState.READY] == [10_000]


def test_a_new_period_is_read_in_the_worker_and_replaces_the_old(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """``set_days`` reads the new period at once, though nothing new was written, in the
    worker's thread; until it arrives the feed's latest stays the old period's, and nothing
    in between (no "Reading…") is delivered."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1000, 0, 0)])
    write_usage_session(codex_home, 2, [(now - 50 * 86400, 7000, 0, 0)], cwd="/w/old")
    built_in: list[tuple[int, threading.Thread]] = []

    def build(recent: RecentUsage) -> UsageView:
        built_in.append((recent.days, threading.current_thread()))
        return usage_view(recent)

    feed = make_feed(codex_home, tmp_path, build=build)
    month = first_ready_view(feed, qtbot, stopper)
    assert (month.days, month.totals[2].tokens) == (30, 1000)
    seen = views(feed)
    feed.set_days(90)
    assert feed.latest is month  # the old period stays shown while the new one is read
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert [(view.state, view.days) for view in seen] == [(UsageState.READY, 90)]
    assert seen[0].totals[2].label == "90 days"
    assert seen[0].totals[2].tokens == 8000
    assert seen[0].chart is not None
    assert len(seen[0].chart.days) == 90
    assert feed.latest is seen[0]
    assert threading.main_thread() not in {thread for days, thread in built_in if days == 90}
    with qtbot.waitSignal(feed.usage_changed, timeout=5000) as blocker:
        feed.set_days(7)
    assert blocker.args[0].days == 7
    assert [total.label for total in blocker.args[0].totals] == ["Today", "7 days"]


def test_a_view_of_the_old_period_arriving_after_a_switch_is_not_shown(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, stopper: list[UsageFeed]
) -> None:
    """An update of the 30 days already under way when 90 are asked for ends after the
    switch: its view is dropped, not shown as the 90 days', and the 90 days' follows."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1000, 0, 0)])
    holding = threading.Event()
    release = threading.Event()
    hold = [False]

    def build(recent: RecentUsage) -> UsageView:
        if hold[0] and recent.days == 30:
            holding.set()
            release.wait(10)
        return usage_view(recent)

    feed = make_feed(codex_home, tmp_path, build=build)
    first_ready_view(feed, qtbot, stopper)
    seen = views(feed)
    hold[0] = True
    write_usage_session(codex_home, 2, [(now - 30, 2000, 0, 0)])
    feed.request_update()
    qtbot.waitUntil(holding.is_set, timeout=10_000)  # the 30 days' view is being built
    feed.set_days(90)
    release.set()
    # The worker sends in order: the 30 days' view, queued first, has been delivered (or
    # dropped) by the time the 90 days' arrives.
    qtbot.waitUntil(lambda: any(view.days == 90 for view in seen), timeout=10_000)
    assert [view.days for view in seen] == [90]
    assert seen[0].totals[2].tokens == 3000


def test_a_period_switch_shows_the_index_at_once_and_the_update_follows(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A switch reads the new period from the index as the last update left it, with no
    walk of the logs first (0.3 s at 20,000 logs, each time a period was picked); the walk
    and the update follow by themselves, and a call written meanwhile comes with them."""
    from codex_presence_gui.services import usage_feed

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1000, 0, 0)])
    write_usage_session(codex_home, 2, [(now - 50 * 86400, 7000, 0, 0)], cwd="/w/old")
    walked: list[int] = []
    real_walk = usage_feed._walk

    def counted_walk(homes: Any) -> Any:
        walked.append(1)
        return real_walk(homes)

    monkeypatch.setattr(usage_feed, "_walk", counted_walk)
    feed = make_feed(codex_home, tmp_path)
    first_ready_view(feed, qtbot, stopper)
    walks_before = len(walked)
    write_usage_session(codex_home, 3, [(now - 40, 500, 0, 0)])  # not asked for: no update
    seen = views(feed)
    walks_at_switch: list[int] = []
    feed.usage_changed.connect(lambda _view: walks_at_switch.append(len(walked)))
    feed.set_days(90)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=10_000)
    assert [(view.days, view.totals[-1].tokens) for view in seen[:2]] == [(90, 8000), (90, 8500)]
    assert walks_at_switch[0] == walks_before  # the first view came before any walk
    assert walks_at_switch[1] == walks_before + 1


def test_damage_met_by_a_period_switch_s_read_is_rebuilt_and_read_in_full(
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    stopper: list[UsageFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The switch's read of the index as it stands meets damage: the index is rebuilt from
    the logs and the new period read in full (walked and updated), said once on the page."""
    from codex_presence_gui.services import usage_feed

    now = time.time()
    write_usage_session(codex_home, 1, [(now - 60, 1000, 0, 0)])
    write_usage_session(codex_home, 2, [(now - 50 * 86400, 7000, 0, 0)], cwd="/w/old")
    feed = make_feed(codex_home, tmp_path)
    first_ready_view(feed, qtbot, stopper)
    real_read = usage_feed.read_recent
    damaged = [True]

    def read_once_damaged(*args: Any, **kwargs: Any) -> RecentUsage:
        if damaged and kwargs.get("days") == 90:
            damaged.clear()
            raise sqlite3.OperationalError("Could not decode to UTF-8 column 'model'")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(usage_feed, "read_recent", read_once_damaged)
    seen = views(feed)
    feed.set_days(90)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert not damaged
    assert (seen[0].days, seen[0].totals[-1].tokens) == (90, 8000)
    assert seen[0].notice is not None
    assert "rebuilt from the logs" in seen[0].notice


def test_a_period_switch_just_after_the_file_failed_waits_for_the_memory_index(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """A period picked while the index file fails (the switch queued behind the failing
    update): the index then read into memory is filled before the period is read from it
    (the switch's quick read of the index as it stands had shown the empty new one, "no
    usage", for an update's time)."""
    write_usage_session(codex_home, 1, [(time.time() - 60, 10_000, 0, 0)])
    with updated_by_hand(codex_home, tmp_path) as (worker, shown):
        worker._update()
        assert shown[-1].totals[-1].tokens == 10_000
        index_path = tmp_path / "index" / "usage.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index_path}{suffix}").unlink(missing_ok=True)
        index_path.mkdir()
        worker._update()  # fails: the next one reads into memory
        assert worker._memory_reason is not None
        worker.set_days(90)
        before = len(shown)
        worker._update()
        after = shown[before:]
        assert after
        assert [(view.days, view.totals[-1].tokens) for view in after] == [(90, 10_000)]


def test_a_period_switch_after_a_busy_error_reads_the_reopened_index_at_once(
    codex_home: CodexHome, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period picked while a report holds the index's write lock, after an update gave up
    waiting for it: the file, reopened, is read for the new period at once (a read does not
    wait for the lock), where the switch had waited out the lock again and then shown that
    the usage history cannot be read, its numbers gone."""
    from codex_presence_gui.core import usage_index

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 1.0)
    write_usage_session(codex_home, 1, [(time.time() - 60, 10_000, 0, 0)])
    with updated_by_hand(codex_home, tmp_path) as (worker, shown):
        worker._update()
        assert shown[-1].totals[-1].tokens == 10_000
        with _held(tmp_path / "index" / "usage.sqlite3", "write lock"):  # a report building
            write_usage_session(codex_home, 2, [(time.time() - 30, 5_000, 0, 0)])  # to write
            worker._update()  # busy: the numbers stay, the index is closed
            assert worker._index is None
            worker.set_days(90)
            before = len(shown)
            began = time.monotonic()
            worker._update()
            assert time.monotonic() - began < 0.9  # not another wait for the lock
        after = shown[before:]
        assert [(view.state, view.days, view.totals[-1].tokens) for view in after] == [
            (UsageState.READY, 90, 10_000)
        ]
