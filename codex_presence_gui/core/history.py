"""The last seven days of rate-limit readings and usage from every rollout file, kept current.

Each file modified within the history span is read once from its end backwards, decoding only
``token_count`` and ``token_usage_record`` lines, until a line older than the span; after that
only appended bytes are read. The accounting rules of ``SessionAccumulator`` apply unchanged
(duplicates, synthetic fills and a fork's replayed history add nothing), so every usage event
is real usage and every reading is the session's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.discovery import RolloutFile
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.jsonl import Record, TokenCountRecord, parse_line
from codex_presence_gui.core.models import LimitSnapshot
from codex_presence_gui.core.reader import header_lines
from codex_presence_gui.core.session import SessionAccumulator
from codex_presence_gui.core.tail import BackwardLines, Change, LineTail, LongLine, is_compressed

HISTORY_DAYS = 7
HISTORY_SECONDS = HISTORY_DAYS * 86400
#: How far back one file is read for its history (a session of a week is far smaller).
HISTORY_BUDGET_BYTES = 256 * 1024 * 1024
_WANTED = (b'"token_count"', b'"token_usage_record"')


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


def scan_history(session: SessionAccumulator, path: Path, size: int, since: float) -> int:
    """Fold a file's usage and readings back to ``since`` into ``session``; return the offset
    to tail from. Only usage lines are decoded; the scan stops at the first usage line older
    than ``since`` (kept as the base the next one's growth is measured from)."""
    with open(path, "rb") as handle:
        headers = header_lines(handle)
        for header in headers:
            session.line(header)
        records: list[Record] = []
        lines = BackwardLines(handle, size, budget=HISTORY_BUDGET_BYTES)
        for item in lines:
            if isinstance(item, LongLine) or item in headers:
                continue  # usage lines are small; a long line is a tool output or a blob
            head = item[:160]
            if _WANTED[0] not in head and _WANTED[1] not in head:
                continue
            try:
                record = parse_line(item)
            except ParseError as error:
                session.bad_lines += 1
                session.last_error = str(error)
                continue
            records.append(record)
            if (
                isinstance(record, TokenCountRecord)
                and record.total is not None
                and record.ts is not None
                and record.ts < since
            ):
                break
    for record in reversed(records):
        session.feed(record)
    return lines.line_end


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
        self.warnings: list[str] = []

    def refresh(self, files: Sequence[RolloutFile] | None = None) -> UsageHistory:
        """Read what changed and return the history as of now.

        Args:
            files: a fresh walk of the homes (newest first); files modified within the span
                are followed, the others dropped. None: only check the files followed.
        """
        now = self._clock()
        since = now - self.span
        changed = False
        self.warnings = []
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
        cache = self._cache
        # Rebuilt when something was read, and hourly so that old events leave the span.
        if changed or cache is None or since - cache.since > 3600:
            self._cache = cache = self._build(since)
        return cache

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
