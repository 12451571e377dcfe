"""Watch the Codex homes; deliver a fresh ``Dashboard`` when Codex writes or the clock moves.

All file reading happens in a worker thread: a ``QFileSystemWatcher`` on the session folders and
the followed files triggers a quick debounced refresh, a ``QTimer`` poll is the safety net that
also re-evaluates activity and staleness against the clock, and the GUI thread only receives
immutable ``Dashboard`` values through a queued signal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from codex_presence_gui.core.dashboard import Dashboard, build_dashboard, for_display, history_since
from codex_presence_gui.core.discovery import ARCHIVED_DIR, SESSIONS_DIR
from codex_presence_gui.core.history import HistoryReader, UsageHistory
from codex_presence_gui.core.insights import InsightsCache
from codex_presence_gui.core.reader import RECENT_FILE_SECONDS, CodexReader
from codex_presence_gui.services.worker import Worker, WorkerHandle

#: Default safety poll; also how often ages and idle states move on screen.
POLL_INTERVAL_MS = 2000
#: File events arrive in bursts (one per write); they are coalesced for this long.
DEBOUNCE_MS = 15
#: Every this many polls, the homes are walked for new or moved files even without events
#: (a session resumed in an old day folder is found so).
FULL_SCAN_EVERY_POLLS = 5
#: Directory events trigger a walk of the homes at most this often.
MIN_DISCOVERY_INTERVAL_S = 0.25
#: Walks take at most this share of the feed's time: the walks without events (a home of
#: 20,000 old logs costs 0.15-0.3 s of CPU a walk: every 30-60 s, not every 10 s) ...
POLL_WALK_SHARE = 0.005
#: ... and those that folder events ask for (a burst of new sessions beside those logs).
EVENT_WALK_SHARE = 0.1
#: A walk without events comes at least this often, however costly: an old session resumed
#: is found within it.
MAX_POLL_WALK_GAP_S = 120.0
#: The watch list is made again when what it is made of changed (see
#: ``FeedWorker._sync_watches``), and at least this often: a path the system refused to
#: watch (its limit reached) is tried again.
WATCH_RESYNC_S = 60.0


def nearest_existing(path: Path) -> Path | None:
    """``path`` or its closest existing ancestor (to notice a folder being created)."""
    for candidate in (path, *path.parents):
        try:
            if candidate.is_dir():
                return candidate
        except OSError:
            # A folder we may not enter (another user's, 0700): Python 3.11 raises
            # for it, which had stopped the feed for good ("Reading your Codex logs..."
            # ever after). What cannot be read is said by the walk.
            continue
    return None


def watch_targets(homes: Sequence[Path], files: Sequence[Path], now: float) -> set[str]:
    """The directories and files worth a notification.

    Each home's ``sessions/`` tree down to today's and yesterday's day folder (new folders and
    files appear there), ``archived_sessions/``, the folders of the followed files (resume
    appends to old folders), and the followed files themselves. A missing folder is replaced by
    its nearest existing parent, so its creation is noticed.
    """
    targets: set[str] = set()

    def add_dir(path: Path) -> None:
        existing = nearest_existing(path)
        if existing is not None:
            targets.add(str(existing))

    for home in homes:
        sessions = home / SESSIONS_DIR
        add_dir(home)
        add_dir(sessions)
        add_dir(home / ARCHIVED_DIR)
        for moment in (now, now - 86400):
            day = time.localtime(moment)
            add_dir(sessions / f"{day.tm_year:04d}")
            add_dir(sessions / f"{day.tm_year:04d}" / f"{day.tm_mon:02d}")
            add_dir(sessions / f"{day.tm_year:04d}" / f"{day.tm_mon:02d}" / f"{day.tm_mday:02d}")
    for path in files:
        targets.add(str(path.parent))
        targets.add(str(path))
    return targets


def watched_days(now: float) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The local days whose folders ``watch_targets`` watches at ``now`` (today, yesterday)."""
    today, yesterday = time.localtime(now), time.localtime(now - 86400)
    return (today[:3], yesterday[:3])


class FeedWorker(Worker):
    """Lives in the feed's thread: owns the reader, the watcher and the timers.

    A stop request is checked before each refresh and, through ``should_stop``, between the
    files of a read (where the readers accept it); an aborted read delivers nothing.

    Signals:
        dashboard_ready(Dashboard): a new view of the homes (emitted after every refresh).
    """

    dashboard_ready = Signal(object)

    def __init__(
        self,
        homes: Sequence[Path],
        poll_interval_ms: int,
        max_age: float | None = RECENT_FILE_SECONDS,
    ) -> None:
        super().__init__()
        self._homes = tuple(homes)
        self._poll_interval_ms = poll_interval_ms
        self._max_age = max_age
        self._reader: CodexReader | None = None
        self._history: HistoryReader | None = None
        self._insights = InsightsCache()
        self._watcher: QFileSystemWatcher | None = None
        self._debounce: QTimer | None = None
        self._poll: QTimer | None = None
        self._polls = 0
        self._discovery_due = False
        self._last_discovery = 0.0
        #: What the watch list was last made from (the days and the followed files), whether
        #: an event says it may be out of date, and when it was made (monotonic seconds).
        self._watched_for: object = None
        self._watches_due = True
        self._watches_made = 0.0

    def work(self) -> None:
        """Create the thread-bound objects and do the first full read."""
        self._reader = CodexReader(self._homes, max_age=self._max_age)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_changed)
        self._watcher.directoryChanged.connect(self._directory_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._debounced_refresh)
        self._poll = QTimer(self)
        self._poll.setInterval(self._poll_interval_ms)
        self._poll.timeout.connect(self._poll_tick)
        self._refresh(discover_files=True)
        self._poll.start()

    @Slot()
    def start_history(self) -> None:
        """Read the seven-day history (pace, shares) and follow it from now on: asked for
        once the first view is shown (see ``SessionFeed._deliver``)."""
        if self._reader is None or self._history is not None or self.should_stop():
            return
        self._history = HistoryReader()
        self._refresh(discover_files=False, walk_history=True)

    @Slot()
    def refresh_now(self) -> None:
        """Walk the homes and refresh at once (the user pressed Refresh)."""
        if self._reader is not None:
            self._refresh(discover_files=True)

    def cleanup(self) -> None:
        """Stop timers and watching (the recipe then ends the thread's loop)."""
        for timer in (self._debounce, self._poll):
            if timer is not None:
                timer.stop()
        if self._watcher is not None:
            watched = self._watcher.files() + self._watcher.directories()
            if watched:
                self._watcher.removePaths(watched)

    @Slot(str)
    def _file_changed(self, path: str) -> None:
        # A write leaves the watch list as it is. A followed file renamed, replaced or removed
        # is one Qt stops watching: the list is made again, whether or not its folder's event
        # comes (a folder the system refused to watch, a network folder).
        assert self._watcher is not None
        if path not in self._watcher.files():
            self._watches_due = True
        self._coalesce()

    @Slot(str)
    def _directory_changed(self, path: str) -> None:
        self._discovery_due = True
        # A folder made or removed changes which folders are there to watch, and a file
        # renamed, replaced or removed in a followed file's folder may be one the watcher
        # dropped.
        self._watches_due = True
        self._coalesce()

    def _coalesce(self) -> None:
        """Refresh once the burst's window has passed; a window already open is not pushed
        back, or writes closer together than ``DEBOUNCE_MS`` would wait for the poll."""
        assert self._debounce is not None
        if not self._debounce.isActive():
            self._debounce.start()

    @Slot()
    def _debounced_refresh(self) -> None:
        discover = False
        if self._discovery_due:
            assert self._reader is not None
            gap = max(MIN_DISCOVERY_INTERVAL_S, self._reader.walk_seconds / EVENT_WALK_SHARE)
            wait = gap - (time.monotonic() - self._last_discovery)
            if wait > 0:
                # A burst of folder events: walk the homes once it has settled.
                assert self._debounce is not None
                self._debounce.start(max(int(wait * 1000), DEBOUNCE_MS))
            else:
                discover = True
        self._refresh(discover_files=discover)

    @Slot()
    def _poll_tick(self) -> None:
        assert self._reader is not None
        self._polls += 1
        gap = min(self._reader.walk_seconds / POLL_WALK_SHARE, MAX_POLL_WALK_GAP_S)
        walk = (
            self._polls >= FULL_SCAN_EVERY_POLLS and time.monotonic() - self._last_discovery >= gap
        )
        self._refresh(discover_files=walk)

    def _refresh(self, *, discover_files: bool, walk_history: bool = False) -> None:
        assert self._reader is not None
        if self.should_stop():
            return  # a timer or file event that was queued before the stop request
        if discover_files:
            self._discovery_due = False
            self._last_discovery = time.monotonic()
            self._polls = 0  # the polls since the last walk
        result = self._reader.refresh(discover_files=discover_files, should_stop=self.should_stop)
        if self.should_stop():
            return  # the read may have been cut short: nothing half-read goes out
        self._sync_watches(result.generated_at, discovered=discover_files)
        history: UsageHistory | None = None
        if self._history is not None:
            found = self._reader.discovery if discover_files or walk_history else None
            history = self._history.refresh(
                found.files if found is not None else None,
                since=history_since(result),
                should_stop=self.should_stop,
            )
            if self.should_stop():
                return
        board = for_display(build_dashboard(result, history=history, insights_cache=self._insights))
        self.dashboard_ready.emit(board)

    def _sync_watches(self, now: float, *, discovered: bool) -> None:
        """Re-add what the watcher dropped (renamed or replaced files) and drop what is old.

        Only when something the list is made of may have changed: the followed files, the
        day (its folders), an event from a watched folder (a folder made or removed, a
        followed file replaced), a followed file the watcher dropped, or ``WATCH_RESYNC_S``
        since it was made. Made at every poll, the list of 64 homes had cost about 7 ms of
        the worker's time each time.

        A folder that appeared since the last walk (a home or day folder created) may have
        taken the place of a watched parent whose event has not arrived yet: walk again.
        """
        assert self._watcher is not None
        assert self._reader is not None
        followed = self._reader.followed_files
        made_for = (watched_days(now), followed)
        moment = time.monotonic()
        if (
            not self._watches_due
            and made_for == self._watched_for
            and moment - self._watches_made < WATCH_RESYNC_S
        ):
            return
        self._watches_due = False
        self._watched_for = made_for
        self._watches_made = moment
        # The homes read (the first MAX_HOMES of those given: see CodexReader).
        wanted = watch_targets(self._reader.homes, followed, now)
        current = set(self._watcher.files()) | set(self._watcher.directories())
        stale = sorted(current - wanted)
        if stale:
            self._watcher.removePaths(stale)
        missing = sorted(wanted - current)
        if missing:
            self._watcher.addPaths(missing)
            # os.path's test: ``Path.is_dir`` raises for a folder we may not enter (3.11).
            if not discovered and any(os.path.isdir(path) for path in missing):
                assert self._debounce is not None
                self._discovery_due = True
                self._debounce.start()


class SessionFeed(WorkerHandle):
    """The GUI thread's handle on the feed: start it, ask for refreshes, stop it.

    Args:
        homes: the Codex homes to follow.
        poll_interval_ms: the safety poll (also how often ages move on screen).
        max_age: files idle for longer are not read (None: read every file).

    Signals:
        dashboard_changed(Dashboard): a new view; only ever emitted in the GUI thread.
    """

    dashboard_changed = Signal(object)
    _refresh_requested = Signal()
    _history_wanted = Signal()

    def __init__(
        self,
        homes: Sequence[Path],
        *,
        poll_interval_ms: int = POLL_INTERVAL_MS,
        max_age: float | None = RECENT_FILE_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.homes = tuple(homes)
        self._poll_interval_ms = poll_interval_ms
        self._max_age = max_age
        self.dashboard: Dashboard | None = None
        #: Whether the running worker was asked to read the history (after its first view).
        self._history_asked = False

    @property
    def poll_interval_ms(self) -> int:
        """The safety poll's interval."""
        return self._poll_interval_ms

    def start(self) -> None:
        """Start the worker thread; the first full read happens there."""
        if self._owner is not None:
            return
        worker = FeedWorker(self.homes, self._poll_interval_ms, self._max_age)
        worker.dashboard_ready.connect(self._deliver)
        self._refresh_requested.connect(worker.refresh_now)
        self._history_wanted.connect(worker.start_history)
        self._history_asked = False
        self._launch(worker, "session-feed")

    def refresh_now(self) -> None:
        """Ask for an immediate full refresh."""
        self._refresh_requested.emit()

    @Slot(object)
    def _deliver(self, dashboard: Dashboard) -> None:
        if self._owner is None:
            return  # queued before stop; a stopped feed (maybe of other homes) says nothing
        self.dashboard = dashboard
        self.dashboard_changed.emit(dashboard)
        if not self._history_asked:
            # Only now, the first view shown: the history's read is pure Python, and begun
            # as the view went out it took the GIL from the GUI thread building it (586
            # sessions today: the GUI thread's longest stall 0.33 s, now 0.18 s).
            self._history_asked = True
            self._history_wanted.emit()
