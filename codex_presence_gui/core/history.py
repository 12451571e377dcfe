"""The last seven days of rate-limit readings and usage from every rollout file, kept current.

Each file modified within the history span is read once: entered where its lines reach the
span (found by halving on line times), its usage lines found by a byte search in large
blocks and only they decoded; after that only appended bytes are read. The accounting rules of
``SessionAccumulator`` apply unchanged (duplicates, synthetic fills and a fork's replayed
history add nothing), so every usage event is real usage and every reading the session's own.
"""

from __future__ import annotations

import bisect
import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from codex_presence_gui.core.discovery import RolloutFile
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.jsonl import (
    TIMESTAMP_PROBE_BYTES,
    USAGE_NEEDLE,
    TokenCountRecord,
    has_token_info,
    is_usage_hit,
    line_timestamp,
    parse_line,
)
from codex_presence_gui.core.models import LimitSnapshot
from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.core.session import EventRecorder, SessionAccumulator, is_synthetic
from codex_presence_gui.core.tail import (
    Change,
    FollowedFile,
    Identity,
    NotARegularFileError,
    Stopped,
    describe,
    header_lines,
    identity_of,
    is_compressed,
    open_regular,
)

HISTORY_DAYS = 7
HISTORY_SECONDS = HISTORY_DAYS * 86400
#: The history's oldest moment moves on in steps of this much, not with the clock: a start
#: that moved at every write (a monthly window, one without a reset time) made the history
#: lose a reading at its front each time, and its insights were made again from the whole
#: week instead of going on from the refresh before.
FLOOR_STEP_S = 3600
#: How far back one file is read for its history (a session of a week is far smaller).
HISTORY_BUDGET_BYTES = 256 * 1024 * 1024
#: The search for a file's first line in the span stops within this many bytes of it.
_CUT_PRECISION = 64 * 1024
#: How far to read for one line's start or time while searching.
_PROBE_BYTES = 1024 * 1024
#: The base line is looked for this far before the cut.
_BASE_SEARCH_BYTES = 4 * 1024 * 1024
#: Blocks of the scan for usage lines.
_SCAN_BLOCK_BYTES = 8 * 1024 * 1024
#: No usage line is longer (they are 1-3 KB): a longer partial line is a tool's output.
_LONGEST_USAGE_LINE = 64 * 1024
#: The needed span may reach back this much further than what is kept before it is read again
#: (reset times jitter by seconds; a margin of this size is part of ``needed_since``).
RESCAN_SLACK_S = 600


class Reading(NamedTuple):
    """One rate-limit reading of one bucket, as a session logged it."""

    at: float
    session_id: str
    limits: LimitSnapshot


class Usage(NamedTuple):
    """New usage of one session: tokens as Codex's ``/status`` counts them."""

    at: float
    session_id: str
    tokens: int


@dataclass(frozen=True, slots=True)
class UsageHistory:
    """Readings and usage since ``since``, each sorted by time; immutable."""

    since: float
    readings: tuple[Reading, ...]
    usage: tuple[Usage, ...]
    files: int

    @classmethod
    def empty(cls, since: float = 0.0) -> UsageHistory:
        """No history (not read yet)."""
        return cls(since, (), (), 0)


@dataclass(slots=True)
class _File:
    tail: FollowedFile
    session: SessionAccumulator
    recorder: EventRecorder
    rollout: RolloutFile


def _new_session(path: Path) -> tuple[SessionAccumulator, EventRecorder]:
    session = SessionAccumulator(path)
    recorder = EventRecorder()
    session.recorder = recorder
    return session, recorder


def _read(handle: IO[bytes], offset: int, size: int) -> bytes:
    handle.seek(offset)
    return handle.read(size)


def _after_headers(handle: IO[bytes], count: int, end: int) -> int:
    """The offset just after the first ``count`` lines."""
    offset = 0
    for _ in range(count):
        block = _read(handle, offset, min(_PROBE_BYTES, end - offset))
        newline = block.find(b"\n")
        if newline < 0:
            return end
        offset += newline + 1
    return offset


def _line_time(handle: IO[bytes], offset: int, end: int) -> tuple[float | None, int]:
    """The time of the first line starting at or after ``offset``, and where that line starts
    (``end`` when none starts within a probe's reach: treated as recent, which reads more)."""
    start = offset
    if offset > 0:
        block = _read(handle, offset - 1, min(_PROBE_BYTES, end - offset + 1))
        newline = block.find(b"\n")
        if newline < 0:
            return None, end
        start = offset + newline
    return line_timestamp(_read(handle, start, min(TIMESTAMP_PROBE_BYTES, end - start))), start


def _cut(handle: IO[bytes], first: int, end: int, since: float) -> int:
    """The start of the first line from ``since`` on, searched by halving (a log is written in
    time order); lines without a readable time count as recent, which only reads more."""
    low, high = first, end
    while high - low > _CUT_PRECISION:
        middle = (low + high) // 2
        moment, line_start = _line_time(handle, middle, end)
        if moment is not None and moment < since and line_start < high:
            low = line_start
        else:
            high = middle
    return low


def _has_real_total(line: bytes) -> bool:
    """A total the accounting keeps (not a fill Codex writes on context overflow)."""
    try:
        record = parse_line(line)
    except ParseError:
        return False
    total = record.total if isinstance(record, TokenCountRecord) else None
    return total is not None and not is_synthetic(total)


def _base_line(handle: IO[bytes], first: int, cut: int) -> bytes | None:
    """The last usage total shortly before the cut: the base the first one after it grows
    from (looked for in the few megabytes before it only)."""
    start = max(first, cut - _BASE_SEARCH_BYTES)
    data = _read(handle, start, cut - start)
    stop = len(data)
    while True:
        position = data.rfind(USAGE_NEEDLE, 0, stop)
        if position < 0:
            return None
        line_start = data.rfind(b"\n", 0, position) + 1
        line_end = data.find(b"\n", position)
        if line_start == 0 and start > first:
            return None  # the line began before what was read: too far back
        if line_end > 0 and is_usage_hit(data, position, line_start):
            line = data[line_start:line_end].removesuffix(b"\r")
            if has_token_info(line) and _has_real_total(line):
                return line
        stop = line_start


def _usage_lines(
    handle: IO[bytes], start: int, end: int, should_stop: Callable[[], bool] | None = None
) -> tuple[list[bytes], int]:
    """The usage lines from ``start`` (a line start) to ``end``, in file order, and the offset
    just past the last complete line.

    Read in blocks and searched with ``bytes.find``, so that the lines in between (nearly all
    of a log's bytes) are never split into lines by Python. A line longer than any usage line
    is not kept across blocks: its hits can only be inside a tool's output.

    Raises:
        Stopped: ``should_stop`` (asked between blocks) said so.
    """
    found: list[bytes] = []
    carry = b""
    skipping = False  # inside an over-long line: drop bytes up to its end
    offset = start
    complete = start
    while offset < end:
        if should_stop is not None and should_stop():
            raise Stopped
        block = _read(handle, offset, min(_SCAN_BLOCK_BYTES, end - offset))
        if not block:
            break  # the file shrank meanwhile: what was read stands
        offset += len(block)
        data = carry + block
        carry_start = offset - len(data)
        begin = 0
        if skipping:
            newline = data.find(b"\n")
            if newline < 0:
                continue
            begin, skipping = newline + 1, False
        last = data.rfind(b"\n")
        if last < begin:
            carry = data[begin:]
        else:
            complete = carry_start + last + 1
            position = data.find(USAGE_NEEDLE, begin, last)
            while position >= 0:
                line_start = data.rfind(b"\n", begin, position) + 1 or begin
                line_end = data.find(b"\n", position, last + 1)
                if is_usage_hit(data, position, line_start):
                    found.append(data[line_start:line_end].removesuffix(b"\r"))
                position = data.find(USAGE_NEEDLE, line_end, last)
            carry = data[last + 1 :]
        if len(carry) > _LONGEST_USAGE_LINE:
            carry, skipping = b"", True
    return found, complete


def scan_history(
    session: SessionAccumulator,
    path: Path,
    since: float,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, Identity]:
    """Fold a file's usage and readings from ``since`` on into ``session``.

    Returns the offset to tail from (just past the last complete line) and the identity of
    the file as it was read. Only usage lines are decoded, except in a fork (every line: its
    rules look at its output too). A file that began before
    ``since`` is entered where its lines reach ``since`` (plus the usage line just before, as
    the base of the next). Plain reads only: a file cut short meanwhile ends the scan early.

    Raises:
        OSError: not a regular file (``NotARegularFileError``), or it cannot be read.
        Stopped: ``should_stop`` said so; ``session`` is then incomplete.
    """
    with open_regular(path) as handle:
        identity = identity_of(handle)
        end = identity.stat.size
        headers = header_lines(handle)
        for header in headers:
            session.line(header)
        first = _after_headers(handle, len(headers), end)
        if session.is_fork and end - first <= HISTORY_BUDGET_BYTES:
            # A fork's rules look at its output too (an ``exec fork``'s first total is its
            # parent's plus its first response only once that response's output was seen):
            # every line, from the start, with the one file follower.
            follower = FollowedFile(path)
            follower.resume(first, identity)
            follower.read(session, should_stop=should_stop)
            if should_stop is not None and should_stop():
                raise Stopped
            assert follower.identity is not None
            return follower.line_end, follower.identity
        start = max(first, end - HISTORY_BUDGET_BYTES)
        lines = []
        moment, _ = _line_time(handle, start, end)
        if moment is not None and moment < since:
            start = _cut(handle, start, end, since)
            base = _base_line(handle, first, start)
            if base is not None:
                lines.append(base)
        found, complete = _usage_lines(handle, start, end, should_stop)
        for line in lines + found:
            session.line(line)
    return complete, identity


def history_floor(now: float, span: float = HISTORY_SECONDS) -> float:
    """The oldest moment a history of ``span`` seconds keeps at ``now``: ``now - span``,
    moved back to a whole step (up to ``FLOOR_STEP_S`` more)."""
    return (now - span) // FLOOR_STEP_S * FLOOR_STEP_S


class HistoryReader:
    """Keeps ``UsageHistory`` of the last ``days`` current across refreshes.

    Args:
        days: how far back to keep readings and usage.
        clock: returns the current Unix time (tests inject a fixed clock).
    """

    def __init__(self, days: float = HISTORY_DAYS, clock: Callable[[], float] = time.time) -> None:
        self.span = days * 86400
        self._clock = clock
        self._files: dict[Path, _File] = {}
        # Files the reader recorded whole (see ``CodexReader.record_days``): not read here.
        self._adopted: dict[Path, tuple[str, EventRecorder]] = {}
        self._cache: UsageHistory | None = None
        self._scanned_from: float | None = None
        self._floor: float | None = None  # the oldest moment kept at the last refresh
        self._rebuild = True  # a file was dropped or read afresh: put it all together again
        self.warnings: list[Problem] = []

    def refresh(
        self,
        files: Sequence[RolloutFile] | None = None,
        *,
        since: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        shared: Mapping[Path, tuple[str, EventRecorder]] | None = None,
    ) -> UsageHistory:
        """Read what changed and return the history as of now.

        Args:
            files: a fresh walk of the homes (newest first); files modified within the span
                are followed, the others dropped. None: only check the files followed.
            since: only this much is needed (see ``needed_since``); never more than ``days``.
            should_stop: asked between files and between big blocks of one file; once it
                says True the history of what was read so far is returned (a file whose
                first read was cut short is left out, and read again next time).
            shared: files another reader already holds every event of (``CodexReader.
                recorded``), by path: their session id and recorder. They are taken as they
                are, not read again.
        """
        now = self._clock()
        floor = history_floor(now, self.span)
        kept = self._floor
        if kept is not None and floor < kept <= now - self.span + RESCAN_SLACK_S:
            # The clock set back a little across a whole step: the start stays. A step back
            # had read the week again, and a refresh without a walk had left it empty.
            floor = kept
        self._floor = floor
        since = floor if since is None else min(max(since, floor), now)
        reread: list[RolloutFile] | None = None
        if self._scanned_from is not None and since < self._scanned_from - RESCAN_SLACK_S:
            # More is needed than was kept (a new window reaching further back): read again.
            # Without a walk, the files followed are (older ones come with the next walk): a
            # poll's refresh had left the history empty until then.
            reread = [tracked.rollout for tracked in self._files.values()]
            self._files.clear()
            self._cache = None
            self._rebuild = True
            self._scanned_from = None
        # What the followed files hold is complete from here on (older events are dropped).
        self._scanned_from = since if self._scanned_from is None else max(self._scanned_from, since)
        changed = False
        self.warnings = []
        # The scan makes tens of thousands of small objects and no reference cycles: pausing
        # the cycle collector spares it walking them again and again (a third of the time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            changed = self._adopt(shared or {}, files, since)
            followed = reread if files is None else files
            changed |= self._update_all(followed, since, should_stop, shared or {})
            cache = self._cache
            # Rebuilt when something was read, when the span moved back, and at least hourly
            # so that old events leave it.
            if changed or cache is None or not 0 <= since - cache.since <= 3600:
                if self._rebuild or cache is None or since < cache.since:
                    self._cache = cache = self._build(since)
                else:
                    self._cache = cache = self._merge(cache, since)
        finally:
            if collecting:
                gc.enable()
        return cache

    def _update_all(
        self,
        files: Sequence[RolloutFile] | None,
        since: float,
        should_stop: Callable[[], bool] | None,
        shared: Mapping[Path, object],
    ) -> bool:
        changed = False
        if files is not None:
            wanted = {f.path: f for f in files if f.stat.mtime >= since}
            for path in [p for p in self._files if p not in wanted or p in shared]:
                self._drop(path)
                changed = True
            todo = [(path, rollout) for path, rollout in wanted.items() if path not in shared]
        else:
            for path in [p for p in self._files if p in shared]:
                self._drop(path)
                changed = True
            todo = [(path, tracked.rollout) for path, tracked in self._files.items()]
        for path, rollout in todo:
            if should_stop is not None and should_stop():
                break
            changed |= self._update(path, rollout, since, should_stop)
        return changed

    def _adopt(
        self,
        shared: Mapping[Path, tuple[str, EventRecorder]],
        files: Sequence[RolloutFile] | None,
        since: float,
    ) -> bool:
        """Take over the shared recorders of files within the span; True when that changed
        anything (a file taken, let go or replaced, or new events in one)."""
        if files is not None:
            recent = {f.path for f in files if f.stat.mtime >= since}
            shared = {path: value for path, value in shared.items() if path in recent}
        changed = False
        for path in [p for p in self._adopted if p not in shared]:
            del self._adopted[path]
            self._rebuild = changed = True
        for path, (session_id, recorder) in shared.items():
            previous = self._adopted.get(path)
            if previous is None or previous[1] is not recorder:
                self._adopted[path] = (session_id, recorder)
                self._rebuild = changed = True
            elif recorder.new_usage or recorder.new_readings:
                changed = True
            recorder.prune(since)
        return changed

    def _sources(self) -> list[tuple[str, EventRecorder]]:
        """Every file's session id and events: those read here and those taken over."""
        own = [(tracked.session.session_id, tracked.recorder) for tracked in self._files.values()]
        return own + list(self._adopted.values())

    def _drop(self, path: Path) -> None:
        del self._files[path]
        self._rebuild = True

    def _update(
        self,
        path: Path,
        rollout: RolloutFile,
        since: float,
        should_stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Bring one file up to date; True when it produced anything new."""
        tracked = self._files.get(path)
        if tracked is None:
            session, recorder = _new_session(path)
            tracked = _File(FollowedFile(path), session, recorder, rollout)
            self._files[path] = tracked
            change = Change.RESTART
        else:
            tracked.rollout = rollout
            change = tracked.tail.check()
        if change is Change.UNCHANGED:
            return False
        if change in (Change.MISSING, Change.ERROR):
            if change is Change.ERROR and tracked.tail.problem is not None:
                self.warnings.append(tracked.tail.problem)
            self._drop(path)
            return True
        before = tracked.recorder.size
        try:
            if change is Change.RESTART:
                self._rebuild = True  # what the file gave before is dropped with it
                tracked.session, tracked.recorder = _new_session(path)
                if is_compressed(path):
                    tracked.tail.read(tracked.session, restart=True, should_stop=should_stop)
                    if should_stop is not None and should_stop():
                        raise Stopped
                else:
                    # What was read, not what the last walk saw: the file may have changed.
                    offset, identity = scan_history(
                        tracked.session, path, since, should_stop=should_stop
                    )
                    tracked.tail.resume(offset, identity)
                before = (0, 0)
            else:
                tracked.tail.read(tracked.session, should_stop=should_stop)
        except Stopped:
            self._drop(path)  # half read: read afresh next time
            return True
        except ImportError:
            self._drop(path)  # .zst without zstandard: the reader already says so
            return False
        except NotARegularFileError as error:
            self.warnings.append(describe(path, error))
            self._drop(path)
            return True
        except OSError as error:
            self.warnings.append(describe(path, error))
            return False
        except Exception as error:  # a corrupt .zst stream: drop the file, keep running
            self.warnings.append(
                Problem(ProblemKind.UNREADABLE, f"cannot read {path}: {error}", path)
            )
            self._drop(path)
            return True
        tracked.recorder.prune(since)
        return tracked.recorder.size != before

    def _build(self, since: float) -> UsageHistory:
        """Everything the followed files hold, sorted."""
        readings: list[Reading] = []
        usage: list[Usage] = []
        self._rebuild = False
        sources = self._sources()
        for session_id, recorder in sources:
            recorder.take_new()
            for at, tokens in recorder.usage_events:
                if at >= since:
                    usage.append(Usage(at, session_id, tokens))
            for at, limits in recorder.readings:
                if at >= since:
                    readings.append(Reading(at, session_id, limits))
        readings.sort(key=lambda reading: reading.at)
        usage.sort(key=lambda event: event.at)
        return UsageHistory(since, tuple(readings), tuple(usage), len(sources))

    def _merge(self, previous: UsageHistory, since: float) -> UsageHistory:
        """The previous history, less what left the span, plus what came since (appended lines
        are nearly always the newest, so this is a cheap concatenation)."""
        readings: list[Reading] = []
        usage: list[Usage] = []
        sources = self._sources()
        for session_id, recorder in sources:
            new_usage, new_readings = recorder.take_new()
            usage += [Usage(at, session_id, n) for at, n in new_usage if at >= since]
            readings += [
                Reading(at, session_id, limits) for at, limits in new_readings if at >= since
            ]
        return UsageHistory(
            since,
            _joined(previous.readings, readings, since),
            _joined(previous.usage, usage, since),
            len(sources),
        )


def _joined(old: tuple[Any, ...], new: list[Any], since: float) -> tuple[Any, ...]:
    """``old`` from ``since`` on and ``new``, sorted by time (both carry ``at`` first)."""
    first = bisect.bisect_left(old, since, key=lambda item: item[0])
    kept = old[first:]
    if not new:
        return kept
    new.sort(key=lambda item: item[0])
    if not kept or new[0][0] >= kept[-1][0]:
        return kept + tuple(new)
    return tuple(sorted(kept + tuple(new), key=lambda item: item[0]))
