"""Which desktop notifications are due: a limit window crossing a threshold, or resetting.

Each is said once per window period (a window is known by its bucket, its length and its
reset time, compared with tolerance for Codex's jitter), and what was said is kept in a small
file so that a restart never repeats it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import (
    capitalized,
    format_percent_left,
    format_reset_clock,
    in_countdown,
    pace_text,
)
from codex_presence_gui.core.insights import RESET_DROP_POINTS, PaceState, window_key
from codex_presence_gui.core.limits import RESET_TOLERANCE_S
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow, clamp_percent
from codex_presence_gui.core.settings import MAX_FILE_BYTES, SettingsError, decode_json
from codex_presence_gui.paths import make_folder, os_problem, read_kept

log = logging.getLogger(__name__)

NOTIFICATIONS_FILE = "notifications.json"
#: Entries about windows that reset longer ago than this are forgotten.
KEEP_SECONDS = 8 * 86400
#: A reset is announced only this soon after it happened (not days later, on a restart).
RESET_NEWS_SECONDS = 3600
RESET = "reset"


@dataclass(frozen=True, slots=True)
class Said:
    """One notification already given."""

    limit_id: str
    minutes: int | None
    slot: str
    resets_at: float
    event: str  # "used_75", "used_90", ... or "reset"
    at: float


@dataclass(frozen=True, slots=True)
class Notice:
    """A notification to show."""

    title: str
    body: str
    said: Said

    @property
    def topic(self) -> str:
        """The limit window it is about: a notice shown in the window replaces the last one
        about the same window (its reset after its "reached", and the other way round)."""
        said = self.said
        return f"limit/{said.limit_id}/{said.minutes}/{said.slot}"


class NotificationLog:
    """What was said, read from and written to ``path`` (atomically).

    A file that cannot be read is moved aside (``.corrupt-<time>``) and logging starts afresh:
    at worst one notification is repeated, and nothing the user wrote is lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Said] = []
        self.problem: str | None = None
        self._load()

    def _load(self) -> None:
        try:
            data = read_kept(self.path, MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return
        except OSError as error:
            self.problem = f"cannot read {self.path}: {os_problem(error)}"
            log.warning("%s", self.problem)
            return
        try:
            if len(data) > MAX_FILE_BYTES:  # a few KiB at most: not read whole into memory
                raise SettingsError(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
            # Shared with the settings: a BOM is skipped; deep nesting is refused, not a crash.
            document = decode_json(data)
            self.entries = [_said(entry) for entry in document["said"]]
        except (ValueError, TypeError, KeyError) as error:  # SettingsError is a ValueError
            backup = self.path.with_name(
                f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            try:
                os.replace(self.path, backup)
            except OSError:
                backup = self.path
            self.problem = f"the notification history could not be read ({error}); kept as {backup}"
            log.warning("%s", self.problem)
            self.entries = []

    def has(
        self,
        said: Said,
        *,
        since: float | None = None,
        after: float | None = None,
        any_reset: bool = False,
    ) -> bool:
        """True when the same event of the same window period was said already (and, with
        ``since``, said from then on; with ``after``, about a time later than that; with
        ``any_reset``, about whatever reset time: ``since`` alone tells the period)."""
        return any(
            entry.event == said.event
            and (entry.limit_id, entry.minutes, entry.slot)
            == (said.limit_id, said.minutes, said.slot)
            and (any_reset or abs(entry.resets_at - said.resets_at) <= RESET_TOLERANCE_S)
            and (since is None or entry.at >= since)
            and (after is None or entry.resets_at > after)
            for entry in self.entries
        )

    def record(self, said: Sequence[Said], now: float) -> None:
        """Remember ``said`` (and forget entries about long-gone windows), then save."""
        self.entries = [e for e in self.entries if e.resets_at >= now - KEEP_SECONDS]
        self.entries.extend(said)
        self._save()

    def _save(self) -> None:
        document: dict[str, Any] = {"schema": 1, "said": [asdict(e) for e in self.entries]}
        temporary = None
        try:
            make_folder(self.path.parent)
            handle, temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file, indent=1)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None:  # a full disk: no half-written file left for each try
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            # Not fatal: the notices were shown; a restart may repeat one.
            self.problem = f"cannot save {self.path}: {os_problem(error)}"
            log.warning("%s", self.problem)


def _said(entry: Any) -> Said:
    """One entry of the file, checked field by field (a bad one makes the file unreadable)."""
    if not isinstance(entry, dict):
        raise TypeError("an entry is not an object")
    said = Said(**entry)
    numbers = (said.resets_at, said.at)
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
        raise TypeError("a time is not a number")
    if not (isinstance(said.limit_id, str) and isinstance(said.slot, str)):
        raise TypeError("a window is not named")
    if not (said.minutes is None or type(said.minutes) is int) or not isinstance(said.event, str):
        raise TypeError("an entry has the wrong types")
    return said


def _name(bucket: LimitSnapshot, window: UsageWindow) -> str:
    """``5h``, ``weekly``, or ``<model bucket> 5h``: as in "your weekly limit"."""
    return window.name if bucket.is_account_bucket else f"{bucket.display_name} {window.name}"


@dataclass(frozen=True, slots=True)
class Due:
    """The notices to show now, and everything to record as said (with lower thresholds that
    the same look passed)."""

    notices: tuple[Notice, ...]
    said: tuple[Said, ...]


def due_notices(
    board: Dashboard,
    used_thresholds: Sequence[int],
    *,
    notify_resets: bool,
    notes: NotificationLog,
) -> Due:
    """The notifications ``board`` calls for that were not given yet.

    ``used_thresholds`` are in percent used (``Settings.notify_used_thresholds`` turns the
    user's "% left" into these), so the events recorded stay comparable across versions.

    A window that crossed several thresholds since the last look gets one notice, for the
    highest; the lower ones count as said. A reset is announced when the window had reached
    the lowest threshold, so that a quiet window's routine resets stay quiet: seen as the
    shown reading passing its reset time, or (with the history) as a new window beginning,
    also when the next reading came before a refresh could see the old one expire, and for an
    early reset that keeps the reset time.
    """
    now = board.generated_at
    notices: list[Notice] = []
    said_too: list[Said] = []
    levels = sorted(set(used_thresholds))
    for bucket in board.buckets:
        for window in bucket.windows:
            if window.resets_at is None:
                continue  # no way to tell one period from the next
            key = window_key(bucket.limit_id, window, bucket.windows)
            name = _name(bucket, window)
            insight = board.insight(bucket, window)
            periods = insight.periods if insight is not None else ()

            def said(event: str, resets_at: float, key: Any = key) -> Said:
                return Said(key.limit_id, key.minutes, key.slot, resets_at, event, now)

            # A reset: the reading itself expired, or the history saw a new window begin.
            ended: tuple[float, float] | None = None  # (when it reset, how much was used)
            confirmed = False  # a reading of the new window was seen
            earlier: float | None = None  # a reset said about a time up to this was another
            if window.is_past_reset(now):
                ended = (window.resets_at, clamp_percent(window.used_percent))
            elif len(periods) >= 2:
                confirmed = True
                previous, current = periods[-2], periods[-1]
                began = current.points[0].at
                moment = previous.resets_at
                if moment is None or moment > began + RESET_TOLERANCE_S:
                    moment = began  # an early reset: the reset time stayed, the use fell
                    # Its moment is the first reading after it, and the reset that began the
                    # period it ended can be less than the jitter's 2 minutes before: a reset
                    # said about a time nearer that period's start was that one.
                    started = previous.points[0].at
                    earlier = started + (moment - started) / 2 if started < moment else None
                ended = (moment, clamp_percent(previous.used))
            if ended is not None and notify_resets and levels and ended[1] >= levels[0]:
                event = said(RESET, ended[0])
                if notes.has(event, after=earlier):
                    pass
                elif now - ended[0] > RESET_NEWS_SECONDS:
                    said_too.append(event)  # old news: remember it, do not announce it
                else:
                    if confirmed:
                        # A reading of the new window says where it stands now.
                        left_now = 100 - clamp_percent(window.used_percent)
                        after = f"Codex now reports {format_percent_left(left_now)}."
                    else:
                        after = "It should be full again; your next Codex turn confirms it."
                    notices.append(
                        Notice(
                            f"Codex: your {name} limit has reset",
                            # What is left, as everything else says it ("It was 92% used"
                            # had spoken of use in an app that shows what is left).
                            f"It was down to {format_percent_left(100 - ended[1])}. {after}",
                            event,
                        )
                    )
            if window.is_past_reset(now):
                continue
            used = clamp_percent(window.used_percent)  # hostile readings: 0..100, as shown
            crossed = [level for level in levels if used >= level]
            if crossed and used >= 100 and crossed[-1] < 100:
                # The limit reached is news past any threshold set ("5% or less left" said
                # of a limit that is used up would understate it).
                crossed.append(100)
            if not crossed:
                continue
            # After an early reset the reset time is the old one: only what was said since
            # the new window began counts.
            since = None
            if len(periods) >= 2 and _same_window(periods[-2].resets_at, periods[-1].resets_at):
                since = periods[-1].points[0].at
                if (
                    bucket.source_session_id not in periods[-1].sessions
                    and used >= periods[-1].used + RESET_DROP_POINTS
                ):
                    # The reading shown is a late one of the window before (a reply to a
                    # request sent before the reset): the history set it aside.
                    continue
            highest = said(f"used_{crossed[-1]}", window.resets_at)
            if notes.has(highest, since=since):
                continue
            if periods and notes.has(highest, since=periods[-1].points[0].at, any_reset=True):
                # The server moved the reset time and the history kept one period across the
                # move: the crossing was said under the old time (a soak test heard it twice).
                continue
            notices.append(_threshold_notice(board, bucket, window, name, crossed[-1], highest))
            # The lower thresholds of the same period count as said with it.
            said_too.extend(said(f"used_{level}", window.resets_at) for level in crossed[:-1])
    everything = [notice.said for notice in notices] + [s for s in said_too if not notes.has(s)]
    return Due(tuple(notices), tuple(everything))


def _same_window(first: float | None, second: float | None) -> bool:
    return first is not None and second is not None and abs(first - second) <= RESET_TOLERANCE_S


def _threshold_notice(
    board: Dashboard,
    bucket: LimitSnapshot,
    window: UsageWindow,
    name: str,
    level: int,
    said: Said,
) -> Notice:
    now = board.generated_at
    assert window.resets_at is not None
    used = clamp_percent(window.used_percent)
    clock = format_reset_clock(window.resets_at, now)
    countdown = in_countdown(window.resets_at - now)
    # "It resets at 16:40, in 2h 13m", or in its last second "It resets now, at 16:40".
    when = (
        f"It resets now, at {clock}" if countdown == "now" else f"It resets at {clock}, {countdown}"
    )
    if level >= 100:
        return Notice(
            f"Codex: your {name} limit is reached",
            f"Nothing is left of your {name} limit. {when}.",
            said,
        )
    left = max(100 - used, 0)
    # Led by what is left, as the window and the tray say a limit ("You have used 91% of
    # your 5h limit (9% left)" had led with the use).
    body = f"{left:.0f}% of your {name} limit is left ({used:.0f}% used). {when}."
    insight = board.insight(bucket, window)
    if insight is not None and insight.pace_at(now).state is PaceState.RUNS_OUT:
        pace = pace_text(insight, now)
        body += f" {capitalized(pace)}."
    # "or less": the threshold is crossed at exactly its level (75% used is 25% left).
    return Notice(f"Codex: {100 - level}% or less of your {name} limit left", body, said)


def one_message(notices: Sequence[Notice]) -> tuple[str, str] | None:
    """One notification for everything due at once, the most urgent first (a reached limit,
    then the fewest % left, then resets): a tray shows one message at a time, and a second
    one sent straight after replaces the first before anyone could read it."""
    if not notices:
        return None
    first, *rest = by_urgency(notices)
    if not rest:
        return first.title, first.body
    also = "; ".join(notice.title.removeprefix("Codex: ") for notice in rest)
    return first.title, f"{first.body}\nAlso: {also}."


def by_urgency(notices: Sequence[Notice]) -> list[Notice]:
    """The notices, the most urgent first: the first leads ``one_message``."""
    return sorted(notices, key=_urgency, reverse=True)


def _urgency(notice: Notice) -> int:
    """The % used a threshold notice is about (100: reached); a reset comes last."""
    event = notice.said.event
    return int(event.removeprefix("used_")) if event.startswith("used_") else -1
