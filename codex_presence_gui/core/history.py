"""The last seven days of rate-limit readings and usage from every rollout file, kept current.

Each file modified within the history span is read once: entered where its lines reach the
span (found by halving on line times), its usage lines found by a byte search and only they
decoded; after that only appended bytes are read. The accounting rules of
``SessionAccumulator`` apply unchanged (duplicates, synthetic fills and a fork's replayed
history add nothing), so every usage event is real usage and every reading the session's own.
"""

from __future__ import annotations

import gc
import mmap
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.discovery import RolloutFile
from codex_presence_gui.core.jsonl import parse_timestamp
from codex_presence_gui.core.models import LimitSnapshot
from codex_presence_gui.core.reader import header_lines
from codex_presence_gui.core.session import SessionAccumulator
from codex_presence_gui.core.tail import Change, LineTail, is_compressed

HISTORY_DAYS = 7
HISTORY_SECONDS = HISTORY_DAYS * 86400
#: How far back one file is read for its history (a session of a week is far smaller).
HISTORY_BUDGET_BYTES = 256 * 1024 * 1024
_WANTED = (b'"token_count"', b'"token_usage_record"')
_NEEDLE = b'"token_'  # what both start with: one pass over the bytes finds either
_TIMESTAMP = re.compile(rb'\{"timestamp":"([^"]{10,64})"')
#: The search for a file's first line in the span stops within this many bytes of it.
_CUT_PRECISION = 64 * 1024
#: How many usage lines before the span are tried for a base with a total.
_BASE_TRIES = 20
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


class _Recorder:
    """The ``HistoryRecorder`` of one file: its events in file order (nearly sorted by time)."""

    def __init__(self) -> None:
        self.usage_events: list[tuple[float, int]] = []
        self.readings: list[tuple[float, LimitSnapshot]] = []

    def usage(self, ts: float | None, tokens: int) -> None:
        if ts is not None:
            self.usage_events.append((ts, tokens))

    def reading(self, ts: float | None, limits: LimitSnapshot) -> None:
        if ts is not None:
            self.readings.append((ts, limits))

    @property
    def size(self) -> tuple[int, int]:
        return len(self.usage_events), len(self.readings)

    def prune(self, since: float) -> None:
        """Forget events before ``since``."""
        if self.usage_events and self.usage_events[0][0] < since:
            self.usage_events = [event for event in self.usage_events if event[0] >= since]
        if self.readings and self.readings[0][0] < since:
            self.readings = [event for event in self.readings if event[0] >= since]


@dataclass(slots=True)
class _File:
    tail: LineTail
    session: SessionAccumulator
    recorder: _Recorder
    rollout: RolloutFile


def _new_session(path: Path) -> tuple[SessionAccumulator, _Recorder]:
    session = SessionAccumulator(path)
    recorder = _Recorder()
    session.recorder = recorder
    return session, recorder


def _first_content(headers: list[bytes]) -> int:
    """The offset just after the header lines (each ended by LF, maybe CR LF)."""
    return sum(len(header) + 1 for header in headers)


def _line_time(view: mmap.mmap, offset: int, end: int) -> tuple[float | None, int]:
    """The time of the first line starting at or after ``offset``, and where that line starts."""
    start = offset if offset == 0 else view.find(b"\n", offset, end) + 1
    if start <= 0 or start >= end:
        return None, end
    match = _TIMESTAMP.match(view, start, min(start + 100, end))
    return (parse_timestamp(match.group(1).decode("ascii")) if match else None), start


def _cut(view: mmap.mmap, first: int, end: int, since: float) -> int:
    """The start of the first line from ``since`` on, searched by halving (a log is written in
    time order); lines without a readable time count as recent, which only reads more."""
    low, high = first, end
    while high - low > _CUT_PRECISION:
        middle = (low + high) // 2
        moment, line_start = _line_time(view, middle, end)
        if moment is not None and moment < since:
            low = line_start
        else:
            high = middle
    return low


def _usage_lines(view: mmap.mmap, start: int, end: int) -> list[tuple[int, int]]:
    """Where the usage lines between ``start`` and ``end`` are, in file order. Found with a
    byte search, so that the lines in between (nearly all of a log's bytes) are never
    touched by Python; a hit counts only in the first bytes of its line (the envelope's type),
    not inside a tool's output."""
    spans = []
    position = view.find(_NEEDLE, start, end)
    while position >= 0:
        line_start = view.rfind(b"\n", start, position) + 1 or start
        line_end = view.find(b"\n", position, end)
        if line_end < 0:
            break
        if position - line_start < 160 and view[position : position + 20].startswith(_WANTED):
            spans.append((line_start, line_end))
        position = view.find(_NEEDLE, line_end, end)
    return spans


def _base_line(view: mmap.mmap, first: int, cut: int) -> tuple[int, int] | None:
    """The last usage total before the cut: the base the first one after it grows from."""
    end = cut
    for _ in range(_BASE_TRIES):
        position = view.rfind(_WANTED[0], first, end)
        if position < 0:
            return None
        line_start = view.rfind(b"\n", first, position) + 1 or first
        line_end = view.find(b"\n", position, cut)
        if position - line_start < 160 and line_end > 0 and b'"info":{' in view[position:line_end]:
            return line_start, line_end
        end = line_start
    return None


def scan_history(session: SessionAccumulator, path: Path, size: int, since: float) -> int:
    """Fold a file's usage and readings from ``since`` on into ``session``; return the offset
    to tail from (just past the last complete line).

    Only usage lines are decoded. A file that began before ``since`` is entered where its
    lines reach ``since`` (plus the usage line just before, as the base of the next).
    """
    with open(path, "rb") as handle:
        headers = header_lines(handle)
        for header in headers:
            session.line(header)
        size = min(size, os.fstat(handle.fileno()).st_size)
        if size == 0:
            return 0
        with mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ) as view:
            end = view.rfind(b"\n") + 1
            first = min(_first_content(headers), end)
            start = max(first, end - HISTORY_BUDGET_BYTES)
            moment, _ = _line_time(view, start, end)
            spans = []
            if moment is not None and moment < since:
                start = _cut(view, start, end, since)
                base = _base_line(view, first, start)
                if base is not None:
                    spans.append(base)
            spans += _usage_lines(view, start, end)
            for line_start, line_end in spans:
                line = view[line_start:line_end]
                session.line(line[:-1] if line.endswith(b"\r") else line)
    return end


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
        self._cache: UsageHistory | None = None
        self._scanned_from: float | None = None
        self.warnings: list[str] = []

    def refresh(
        self, files: Sequence[RolloutFile] | None = None, *, since: float | None = None
    ) -> UsageHistory:
        """Read what changed and return the history as of now.

        Args:
            files: a fresh walk of the homes (newest first); files modified within the span
                are followed, the others dropped. None: only check the files followed.
            since: only this much is needed (see ``needed_since``); never more than ``days``.
        """
        now = self._clock()
        floor = now - self.span
        since = floor if since is None else min(max(since, floor), now)
        if self._scanned_from is not None and since < self._scanned_from - RESCAN_SLACK_S:
            # More is needed than was kept (a new window reaching further back): read again.
            self._files.clear()
            self._cache = None
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
            changed = self._update_all(files, since)
            cache = self._cache
            # Rebuilt when something was read, when the span moved back, and at least hourly
            # so that old events leave it.
            if changed or cache is None or not 0 <= since - cache.since <= 3600:
                self._cache = cache = self._build(since)
        finally:
            if collecting:
                gc.enable()
        return cache

    def _update_all(self, files: Sequence[RolloutFile] | None, since: float) -> bool:
        changed = False
        if files is not None:
            wanted = {f.path: f for f in files if f.stat.mtime >= since}
            for path in [p for p in self._files if p not in wanted]:
                del self._files[path]
                changed = True
            for path, rollout in wanted.items():
                changed |= self._update(path, rollout, since)
        else:
            for path, tracked in list(self._files.items()):
                changed |= self._update(path, tracked.rollout, since)
        return changed

    def _update(self, path: Path, rollout: RolloutFile, since: float) -> bool:
        """Bring one file up to date; True when it produced anything new."""
        tracked = self._files.get(path)
        if tracked is None:
            session, recorder = _new_session(path)
            tracked = _File(LineTail(path), session, recorder, rollout)
            self._files[path] = tracked
            change = Change.RESTART
        else:
            tracked.rollout = rollout
            change = tracked.tail.check()
        if change is Change.UNCHANGED:
            return False
        if change in (Change.MISSING, Change.ERROR):
            if change is Change.ERROR and tracked.tail.error:
                self.warnings.append(tracked.tail.error)
            del self._files[path]
            return True
        before = tracked.recorder.size
        try:
            if change is Change.RESTART:
                tracked.session, tracked.recorder = _new_session(path)
                if is_compressed(path):
                    tracked.tail.read(tracked.session, restart=True)
                else:
                    stat = rollout.stat
                    tracked.tail.reset(scan_history(tracked.session, path, stat.size, since))
                    tracked.tail.stat = stat
                before = (0, 0)
            else:
                tracked.tail.read(tracked.session)
        except ImportError:
            del self._files[path]  # .zst without zstandard: the reader already says so
            return False
        except OSError as error:
            self.warnings.append(f"cannot read {path}: {error.strerror or error}")
            return False
        except Exception as error:  # a corrupt .zst stream: drop the file, keep running
            self.warnings.append(f"cannot read {path}: {error}")
            del self._files[path]
            return True
        tracked.recorder.prune(since)
        return tracked.recorder.size != before

    def _build(self, since: float) -> UsageHistory:
        readings: list[Reading] = []
        usage: list[Usage] = []
        for tracked in self._files.values():
            session_id = tracked.session.session_id
            for at, tokens in tracked.recorder.usage_events:
                if at >= since:
                    usage.append(Usage(at, session_id, tokens))
            for at, limits in tracked.recorder.readings:
                if at >= since:
                    readings.append(Reading(at, session_id, limits))
        readings.sort(key=lambda reading: reading.at)
        usage.sort(key=lambda event: event.at)
        return UsageHistory(since, tuple(readings), tuple(usage), len(self._files))
