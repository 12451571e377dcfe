"""Keep the usage index current and deliver the period's usage (the last 7, 30 or 90 days), from a
worker thread.

The worker owns the index (an SQLite connection belongs to the thread that opened it) and the
prices (kept in the index; the price library is imported, about 0.4 s, only for a model or a
library version the index has no price of): the GUI thread only asks for updates and
receives what the injected ``build`` makes of each ``RecentUsage`` (the composition root passes
``viewmodels.usage.usage_view``, so a frozen view arrives ready to show). An update reads only
what Codex appended since the last one, in this process (no worker processes from the
window), and builds the reports again only when something was read or the day changed.

Updates come when the session feed sees tokens move (at most one per ``MIN_GAP_MS``), and
every ``REFRESH_INTERVAL_MS`` as a safety net that also turns the day over at midnight. A new
period (``UsageFeed.set_days``) is read at once, in the worker's thread too; each view goes out
with the period it was read for, and the feed lets through only the period last asked for.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.discovery import (
    FileStat,
    capped_homes,
    sessionless_homes,
    sessions_not_a_folder,
    too_many_homes,
    walk_homes,
)
from codex_presence_gui.core.formatting import capitalized
from codex_presence_gui.core.pricing import Pricer
from codex_presence_gui.core.problems import DATING_KINDS, Problem, outside_closed_homes
from codex_presence_gui.core.usage_index import (
    INDEX_ROOM_BYTES,
    ReadProgress,
    UsageIndex,
    WaitStoppedError,
    busy_wait_text,
    default_index_path,
    index_problem,
    is_busy,
    is_damage,
)
from codex_presence_gui.core.usage_recent import RECENT_DAYS, RecentUsage, read_recent
from codex_presence_gui.core.zones import local_zone
from codex_presence_gui.paths import os_problem
from codex_presence_gui.services.worker import Worker, WorkerHandle

log = logging.getLogger(__name__)

#: The safety net: an update this often even when the session feed saw nothing.
REFRESH_INTERVAL_MS = 60_000
#: How often a window counting in memory (its index file had failed: a full disk, a folder
#: that could not be written) tries the file again: it had stayed in memory until restarted.
FILE_RETRY_S = 300.0
#: The free room a try of the file asks for first: a disk still full had been filled to its
#: last byte at every try, until the try failed and rolled back (Codex's logs need that room).
#: What a new index asks for too.
FILE_RETRY_ROOM = INDEX_ROOM_BYTES
#: Updates asked for by the session feed are at least this far apart.
MIN_GAP_MS = 5_000
#: An update's fixed cost (the walk of the homes, the index's look at every file: 0.3-0.45 s
#: of CPU for 20,000 old logs) takes at most this share of the time while sessions write ...
UPDATE_SHARE = 0.05
#: ... and this share of it when nothing else asks (the safety net's updates).
IDLE_UPDATE_SHARE = 0.005
#: How often the page is told how far a first reading of the logs is.
PROGRESS_EVERY_S = 0.25

Build = Callable[[RecentUsage], object]


class _Walk(NamedTuple):
    """What ``discover`` finds, each file as ``walk_homes`` gives it (its path as text)."""

    files: list[tuple[str, FileStat, Path, bool]]
    missing_homes: list[Path]
    errors: list[Problem]
    unsearched: list[str]
    sessionless: list[Path]
    closed: list[tuple[Path, str]]  # the homes that cannot be entered, each with why


def _walk(homes: Sequence[Path]) -> _Walk:
    """Walk ``homes`` as ``discover`` does, without making a path object of each file."""
    found = _Walk([], [], [], [], [], [])
    found.files.extend(
        walk_homes(
            homes,
            found.missing_homes,
            found.errors,
            unsearched=found.unsearched,
            closed=found.closed,
        )
    )
    found.sessionless.extend(sessionless_homes(homes, found.missing_homes))
    return found


def usage_key(board: Dashboard) -> tuple[tuple[str, int | None], ...]:
    """What changes when a session used tokens: each listed session's running total."""
    return tuple(
        sorted((s.session_id, s.session_total_tokens) for s in (*board.sessions, *board.ended))
    )


def _unchanged(recent: RecentUsage) -> RecentUsage:
    return recent


class _IndexFailedError(Exception):
    """Opening or writing the index file failed (its ``__cause__`` says how); not raised for
    damage, which the index rebuilds itself."""


@contextmanager
def _index_step() -> Iterator[None]:
    """Mark what fails in here as the index file's failing (see ``_IndexFailedError``): only
    that may send the index to memory, not a home that cannot be walked."""
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        if isinstance(error, sqlite3.DatabaseError) and is_damage(error):
            raise  # rebuilt by ``UsageIndex.repaired``
        raise _IndexFailedError(error) from error


class UsageWorker(Worker):
    """Lives in the usage feed's thread: owns the index, the pricer and the timers.

    Signals:
        usage_ready(int, object): the period it was read for, in days, and what ``build`` made
            of a ``RecentUsage`` (after each update that found something new, when the day
            or the period changed, and before a first build).
    """

    usage_ready = Signal(int, object)

    def __init__(
        self,
        homes: Sequence[Path],
        index_path: Path,
        build: Build,
        *,
        interval_ms: int,
        min_gap_ms: int,
        clock: Callable[[], float],
        zone: Callable[[], tzinfo],
        days: int = RECENT_DAYS,
    ) -> None:
        super().__init__()
        #: The period read, in days (``set_days``).
        self._days = days
        # The first MAX_HOMES: the page says the others are not read, as the status bar does.
        self._homes, self._homes_left_out = capped_homes(tuple(homes))
        self._home_texts = tuple(str(home) for home in self._homes)
        self._index_path = index_path
        self._build = build
        self._interval_ms = interval_ms
        self._min_gap_ms = min_gap_ms
        self._clock = clock
        self._zone = zone
        self._index: UsageIndex | None = None
        self._pricer: Pricer | None = None
        self._notice: str | None = None
        #: Why the index file cannot be used, once that is known (in words for the page): the
        #: index is then kept in memory, and the file tried again every ``FILE_RETRY_S``.
        self._memory_reason: str | None = None
        self._file_tried = 0.0  # when (monotonic) the file was last tried, in memory
        self._timer: QTimer | None = None
        self._poll: QTimer | None = None
        self._last_update = 0.0
        #: The CPU time of the last update that found nothing to read: what each costs.
        self.fixed_cost_s = 0.0
        #: The day, zone, problems, sessions folders (missing, a file) and closed homes of the
        #: last view sent.
        self._shown: (
            tuple[
                date,
                tuple[str, timedelta | None],
                tuple[str, ...],
                tuple[str, ...],
                tuple[str | None, ...],
                tuple[tuple[str, str], ...],
            ]
            | None
        ) = None
        #: The numbers last sent (read from the index), kept on the page while another
        #: process holds the index past the wait.
        self._last_read: RecentUsage | None = None
        #: The period was switched since the last update (``set_days``).
        self._period_changed = False
        self.updates = 0  # updates run (for tests)

    def work(self) -> None:
        """Create the timers and update at once."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._update)
        self._poll = QTimer(self)
        self._poll.setInterval(self._interval_ms)
        self._poll.timeout.connect(self._poll_tick)
        self._poll.start()
        self._timer.start(0)

    @Slot()
    def request_update(self) -> None:
        """Update as soon as the last update is ``min_gap_ms`` old (bursts make one), or old
        enough that updates take at most ``UPDATE_SHARE`` of the time."""
        if self._timer is None or self.should_stop() or self._timer.isActive():
            return
        gap_ms = max(self._min_gap_ms, self.fixed_cost_s / UPDATE_SHARE * 1000)
        since_ms = (time.monotonic() - self._last_update) * 1000
        self._timer.start(max(0, int(gap_ms - since_ms)))

    @Slot(int)
    def set_days(self, days: int) -> None:
        """Read a period of ``days`` days from now on, and at once (no gap waited for: the
        user asked); the index is brought up to date on the way, as by any update."""
        if days == self._days:
            return
        self._days = days
        self._period_changed = True  # read again, even with nothing new in the logs
        if self._timer is not None and not self.should_stop():
            self._timer.start(0)

    def _send(self, recent: RecentUsage) -> None:
        """Deliver what ``build`` makes of ``recent``, with its period."""
        self.usage_ready.emit(recent.days, self._build(recent))

    @Slot()
    def _poll_tick(self) -> None:
        if time.monotonic() - self._last_update >= self.fixed_cost_s / IDLE_UPDATE_SHARE:
            self.request_update()

    def cleanup(self) -> None:
        """Stop the timers and close the index (in the thread that opened it)."""
        for timer in (self._timer, self._poll):
            if timer is not None:
                timer.stop()
        if self._index is not None:
            self._index.close()
            self._index = None
            self._pricer = None

    @Slot()
    def _update(self) -> None:
        if self.should_stop():
            return  # a timer that fired before the stop request
        self._last_update = time.monotonic()
        self.updates += 1
        zone = self._zone()
        try:
            recent = self._read(zone)
        except Exception as error:  # an index that cannot be opened, written or read
            stopped = isinstance(error, WaitStoppedError)
            # (An interrupted statement outside those the index tries again says only that.)
            cut = self.should_stop() and isinstance(error.__cause__ or error, sqlite3.Error)
            if stopped or isinstance(error.__cause__, WaitStoppedError) or cut:
                # A quit while another process (a report, a second window) held the index, or
                # during a long step of its own (SQLite stops it between steps): nothing was
                # written, nothing is to be said.
                log.debug("the usage update was given up for a stop: %s", error)
                return
            # The file's failing (a read-only or full disk, a folder in its place) is said in
            # its words, which tell it all: a traceback only for what nobody expected.
            unexpected = not isinstance(error, _IndexFailedError)
            cause = error.__cause__ if isinstance(error, _IndexFailedError) else None
            # In plain words: an OSError of the app's own ("a folder is there instead of a
            # file") had read "[Errno 0] …" in the log.
            said = index_problem(self._index_path, cause) if cause is not None else error
            log.warning("the usage index could not be updated: %s", said, exc_info=unexpected)
            kept = self._index is None or self._index.kept
            if self._index is not None:
                self._index.close()
                self._index = None  # opened afresh (and checked) by the next update
                self._pricer = None
            if kept and self._memory_reason is None and cause is not None and not is_busy(cause):
                # A read-only or full cache folder: the page is not left empty for the whole
                # run; the next update, at once, reads the logs into an index in memory.
                self._memory_reason = index_problem(self._index_path, cause)
                self._file_tried = time.monotonic()  # tried again only after FILE_RETRY_S
                self._shown = None
                if self._timer is not None:
                    self._timer.start(0)
                return
            today = datetime.fromtimestamp(self._clock(), zone).date()
            if cause is not None and is_busy(cause):  # another process holds it, for now
                # (Said plainly: "is busy (database is locked)" had read as a fault.)
                reason = (
                    "another Codex Presence (a report, or a second window) has kept the usage "
                    f"index in {self._index_path} busy for {busy_wait_text()}; it is tried "
                    "again soon"
                )
                last = self._last_read
                if last is not None and last.today == today and last.days == self._days:
                    # The numbers shown stay, as they do during the wait, said to be the last
                    # update's: a long report had emptied the page and the compact line. Not
                    # past midnight: the day before's would read as today's; nor another
                    # period's, which would read as the one chosen.
                    notice = f"{capitalized(reason)}: these are the last numbers read."
                    recent = dataclasses.replace(last, notice=notice)
                    self._shown = None
                    if not self.should_stop():
                        self._send(recent)
                    return
            else:
                what = os_problem(cause) if isinstance(cause, OSError) else str(error)
                reason = f"{what or type(error).__name__} ({self._index_path})"
            recent = RecentUsage(today, zone, error=reason, homes=self._home_texts, days=self._days)
            self._shown = None
            self._last_read = None
        if recent is None or self.should_stop():
            return  # nothing new, or cut short: nothing half-read goes out
        if recent.error is None:
            self._last_read = recent
        self._send(recent)

    def _back_to_file(self) -> None:
        """Use the index file again if it can now be opened and brought up to date (the disk
        freed, the folder writable again); else stay in memory, until the next try."""
        self._file_tried = time.monotonic()
        try:
            room = shutil.disk_usage(self._index_path.parent).free
        except OSError:
            room = None  # no folder there (yet, or a file in its way): the try fails at once
        if room is not None and room < FILE_RETRY_ROOM:
            log.debug("the usage index file is not tried again: %d bytes free", room)
            return
        try:
            trial = UsageIndex(self._index_path, should_stop=self.should_stop)
        except Exception as error:  # still failing: said once already, when it first did
            if not self.should_stop():
                log.debug("the usage index file still cannot be used: %s", error)
            return
        try:
            trial.update(self._homes, should_stop=self.should_stop)
            pricer = Pricer(store=trial, should_stop=self.should_stop)
        except Exception as error:
            trial.close()
            if not self.should_stop():
                log.debug("the usage index file still cannot be updated: %s", error)
            return
        log.info("the usage index is kept in %s again", self._index_path)
        assert self._index is not None
        self._index.close()
        self._index, self._pricer = trial, pricer
        self._memory_reason = None
        self._notice = trial.notice
        self._shown = None  # sent again: without the notice that it is in memory

    def _waiting_for_index(self) -> None:
        """Another process has held the index for a second (a ``report`` building it, a
        second window): a page with nothing to show yet says what it waits for, rather than
        "Reading…" (or nothing) for up to a minute. Numbers already shown stay."""
        log.info("the usage index is held by another process: waiting for it")
        if self._shown is not None or self._last_read is not None or self.should_stop():
            return
        zone = self._zone()
        today = datetime.fromtimestamp(self._clock(), zone).date()
        waiting = RecentUsage(
            today,
            zone,
            waiting=True,
            notice=self._notice,
            homes=self._home_texts,
            days=self._days,
        )
        self._send(waiting)

    def _read(self, zone: tzinfo) -> RecentUsage | None:
        """Update the index; the reports when something changed, else None."""
        in_memory = self._memory_reason is not None and self._index is not None
        if in_memory and time.monotonic() - self._file_tried >= FILE_RETRY_S:
            self._back_to_file()
        # An index opened here may hold nothing yet (one in memory after the file failed, or
        # the file rebuilt): a period switch does not read it before the update, which had
        # shown "no usage" for a moment. (The file reopened after a busy error is read: the
        # update waits for the other process's write lock, a read does not.)
        opened_here = self._index is None
        if self._index is None:
            if self._memory_reason is None:
                with _index_step():
                    # Its waits for another process ask whether to stop: a quit ends them.
                    self._index = UsageIndex(
                        self._index_path,
                        waiting=self._waiting_for_index,
                        should_stop=self.should_stop,
                    )
                self._notice = self._index.notice
            else:
                self._index = UsageIndex.in_memory()
                reason = self._memory_reason
                self._notice = (
                    f"{capitalized(reason)}: usage is read from the logs into "
                    "memory until the index can be kept there."
                )
            # Prices found once are kept in the index: most runs never import the library.
            # A quit while the price library is imported gives the import up (it is not
            # waited for: see import_library).
            # It reads the index's prices: a failing file (a disk with room for the tables but
            # not for SQLite's -shm fails here first) is the index's, not a fault of the app's.
            with _index_step():
                self._pricer = Pricer(store=self._index, should_stop=self.should_stop)
            if self._notice:
                log.info("%s", self._notice)
        index = self._index
        started = time.thread_time()
        # A period switch reads the new period from the index as the last update left it,
        # at once: the walk and the update before it had held the page 0.3 s at 20,000 logs.
        # They follow, in the updates' rhythm (the next is asked for below).
        last = self._last_read
        fresh = False
        if opened_here and self._period_changed:
            with _index_step():  # (a damaged file met here is rebuilt: then it holds nothing)
                fresh = not index.repaired(lambda: index.has_sessions(self._homes))
        quick = self._period_changed and not fresh and last is not None and not last.building
        if self._period_changed and not quick:
            self._shown = None  # sent, even with nothing new in the logs
        self._period_changed = False
        # A walk of its own, not kept: lent to the next one (as the session feed's is), a walk
        # of 20,000 old logs would cost a third less but hold 8 MB more between updates that
        # come a minute or more apart. Its files stay texts, as the index takes them: a path
        # object for each of 20,000 logs had been 6 MB more at the first build's peak, and
        # 0.15-0.2 s of each update's CPU (0.45 s with them, for nothing new).
        walks = [] if quick else [_walk(self._homes)]
        now = self._clock()
        today = datetime.fromtimestamp(now, zone).date()

        # Numbers on the page stay while a new index is filled (one in memory, once the file
        # failed): "Reading your Codex logs for the first time…" had replaced them.
        numbers_shown = self._last_read is not None and self._last_read.recorded

        def read(
            missing: tuple[str, ...],
            problems: tuple[str, ...],
            dating: int,
            sessionless: tuple[str, ...],
            closed: tuple[tuple[str, str], ...],
        ) -> RecentUsage:
            """The period's reports from the index, with what a walk found around them."""
            return read_recent(
                index,
                self._homes,
                now=now,
                zone=zone,
                pricer=self._pricer,
                notice=self._notice,
                missing_homes=missing,
                problems=problems,
                dating_problems=dating,
                sessionless=sessionless,
                closed_homes=closed,
                days=self._days,
            )

        def update_and_read() -> RecentUsage | None:
            nonlocal quick
            if quick and last is not None:
                quick = False  # (run again after damage: a rebuilt index, read in full)
                with _index_step():
                    recent = read(
                        last.missing_homes,
                        last.problems,
                        last.dating_problems,
                        last.sessionless,
                        last.closed_homes,
                    )
                self.request_update()
                return recent
            # The walk made above; run again (the index rebuilt after damage), a walk anew.
            found = walks.pop() if walks else _walk(self._homes)
            building = bool(found.files) and not numbers_shown
            building = building and not index.has_sessions(self._homes)
            told_at = time.monotonic()

            def tell(progress: ReadProgress | None) -> None:
                """The page says how far the first reading is: at its start, then every
                ``PROGRESS_EVERY_S`` (each is a view made and drawn), not at its end."""
                nonlocal told_at
                if progress is not None:
                    done = progress.files_read >= progress.files_total
                    if done or time.monotonic() - told_at < PROGRESS_EVERY_S:
                        return
                if self.should_stop():
                    return
                told_at = time.monotonic()
                self._send(
                    RecentUsage(
                        today,
                        zone,
                        building=True,
                        progress=progress,
                        notice=self._notice,
                        homes=self._home_texts,
                        days=self._days,
                    )
                )

            if building:
                tell(None)  # nothing of these homes in the index yet: reading every log is long
            with _index_step():
                result = index.update(
                    self._homes,
                    files=found.files,
                    unsearched=found.unsearched,
                    should_stop=self.should_stop,
                    workers=1,
                    progress=tell if building else None,
                )
            # The files let go before the reports are made: a first build had held 20,000
            # logs' entries through the price library's import, the build's peak (11 MB).
            found = found._replace(files=[])
            if self.should_stop():
                return None
            if not result.read:
                self.fixed_cost_s = time.thread_time() - started
            log.debug(
                "usage index: %d of %d files read (%d bytes) in %.3f s",
                result.read,
                result.files,
                result.bytes_read,
                result.seconds,
            )
            if index.kept and index.notice != self._notice:  # rebuilt on the way: said once
                self._notice = index.notice
                self._shown = None
                log.info("%s", self._notice)
            # What the walk and the update found wrong: the page says it, as ``report`` does
            # (a change in it alone is worth a new view).
            not_read = [too_many_homes(self._homes_left_out)] if self._homes_left_out else []
            closed = tuple((str(home), why) for home, why in found.closed)
            # A closed home's config.toml cannot be read either: the home is said, once.
            found_wrong = (*not_read, *found.errors, *outside_closed_homes(result.problems, closed))
            problems = tuple(str(problem) for problem in found_wrong)
            dating = sum(problem.kind in DATING_KINDS for problem in found_wrong)
            # A sessions folder deleted or made again is said on the page, and a file put in
            # its place (which the page says is one).
            sessionless = tuple(str(home) for home in found.sessionless)
            blocked = tuple(sessions_not_a_folder(home) for home in sessionless)
            # The zone by its name and its offset now: the machine's, changed while the
            # window runs, may have no name (``SystemZone.key`` None) and must still re-bucket.
            said_zone = (repr(zone), zone.utcoffset(datetime.fromtimestamp(now, zone)))
            shown = (today, said_zone, problems, sessionless, blocked, closed)
            # ``report`` shares the index: calls it read first are in the index, not left in
            # the logs for this update to find.
            with _index_step():
                others = index.written_elsewhere()
            if not (result.read or result.removed or others) and shown == self._shown:
                return None
            missing = tuple(str(home) for home in found.missing_homes)
            recent = read(missing, problems, dating, sessionless, closed)
            self._shown = shown
            return recent

        # Damage met on the way (SQLite finds it page by page) is rebuilt, and read again.
        return index.repaired(update_and_read)


class UsageFeed(WorkerHandle):
    """The GUI thread's handle on the usage worker: start it, ask for updates, stop it.

    Args:
        homes: the Codex homes whose usage is counted.
        index_path: the index file (default: the user cache folder's, shared with ``report``).
        build: what to make of each ``RecentUsage`` in the worker's thread (default: nothing,
            the ``RecentUsage`` itself is delivered).
        interval_ms: the safety net's interval.
        min_gap_ms: the least time between two updates asked for by ``note_dashboard``.
        clock, zone: the wall clock and the local time zone (tests fix them).
        days: the period read, in days (``set_days`` changes it).

    Signals:
        usage_changed(object): what ``build`` made of the period last asked for; only ever
            emitted in the GUI thread.
    """

    usage_changed = Signal(object)
    _update_requested = Signal()
    _days_requested = Signal(int)

    def __init__(
        self,
        homes: Sequence[Path],
        *,
        index_path: Path | None = None,
        build: Build = _unchanged,
        interval_ms: int = REFRESH_INTERVAL_MS,
        min_gap_ms: int = MIN_GAP_MS,
        clock: Callable[[], float] = time.time,
        zone: Callable[[], tzinfo] = local_zone,
        days: int = RECENT_DAYS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        #: The period asked for last: views of another arrive late and are dropped.
        self.days = days
        self.homes = tuple(homes)
        self.index_path = index_path if index_path is not None else default_index_path()
        self._build = build
        self._interval_ms = interval_ms
        self._min_gap_ms = min_gap_ms
        self._clock = clock
        self._zone = zone
        self._key: tuple[tuple[str, int | None], ...] | None = None
        self.latest: object | None = None

    @property
    def worker(self) -> UsageWorker | None:
        """The worker while the feed runs (tests read its counters)."""
        if self._owner is None:
            return None
        worker = self._owner.worker
        return worker if isinstance(worker, UsageWorker) else None

    def start(self) -> None:
        """Start the worker thread; its first update runs there at once."""
        if self._owner is not None:
            return
        worker = UsageWorker(
            self.homes,
            self.index_path,
            self._build,
            interval_ms=self._interval_ms,
            min_gap_ms=self._min_gap_ms,
            clock=self._clock,
            zone=self._zone,
            days=self.days,
        )
        worker.usage_ready.connect(self._deliver)
        self._update_requested.connect(worker.request_update)
        self._days_requested.connect(worker.set_days)
        self._launch(worker, "usage-feed")

    def request_update(self) -> None:
        """Ask for an update (it comes at most once per ``min_gap_ms``)."""
        self._update_requested.emit()

    def set_days(self, days: int) -> None:
        """Read a period of ``days`` days (the worker reads it at once, in its thread). The
        views already delivered stay the latest until the new period's arrives; those of the
        old period still on their way are dropped."""
        if days == self.days:
            return
        self.days = days
        self._days_requested.emit(days)

    @Slot(object)
    def note_dashboard(self, board: Dashboard) -> None:
        """The session feed's new view: an update when a session's tokens moved."""
        key = usage_key(board)
        if key != self._key:
            self._key = key
            self.request_update()

    def abort(self) -> None:
        """Ask a running update to end soon, without waiting (``stop`` follows)."""
        if self._owner is not None:
            self._owner.worker.request_abort()

    @Slot(int, object)
    def _deliver(self, days: int, view: object) -> None:
        if self._owner is None:
            return  # queued before stop
        if days != self.days:
            # Read for the period before a switch, queued before the worker heard of it:
            # shown, the old numbers would stand under the new period's name.
            log.debug("a view of %d days dropped: %d are asked for", days, self.days)
            return
        self.latest = view
        self.usage_changed.emit(view)
