"""What the history says about each limit window: its timeline, its pace, when it would run
out, which sessions used it, and rises that no local session explains.

Pure functions of a ``UsageHistory`` and the clock; every estimate says when it has too little
data instead of guessing. The README's "How the estimates are made" explains each rule.
"""

from __future__ import annotations

import bisect
import copy
import enum
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from codex_presence_gui.core.history import (
    RESCAN_SLACK_S,
    Reading,
    Usage,
    UsageHistory,
    history_floor,
)
from codex_presence_gui.core.limits import RESET_TOLERANCE_S
from codex_presence_gui.core.models import (
    LimitSnapshot,
    UsageWindow,
    canonical_window_minutes,
    clamp_percent,
)

#: A fall of ``used_percent`` by at least this much, reset time unchanged, is a reset (an early
#: weekly reset); smaller falls are two sessions' readings arriving out of order.
RESET_DROP_POINTS = 5.0
#: A session's line is written when its reply ends, with the limits its request was answered
#: with: a reading can be up to this much older than its line (after an early reset, a reply
#: to a request sent before it can still bring the old window's use, and a reply to a request
#: answered a while ago can bring a lower use than newer readings).
LATE_READING_S = 20 * 60
#: The pace is measured over the last fifth of the window (1 h of a 5 h window).
PACE_SPAN_FRACTION = 1 / 5
#: A pace needs at least this fraction of the window observed (5 min of a 5 h window).
MIN_PACE_FRACTION = 1 / 60
#: Without a known length, the window is taken as 5 h for the spans above.
DEFAULT_WINDOW_S = 5 * 3600
#: A rise after this long without any local usage is counted as usage from elsewhere.
IDLE_GAP_S = 600
#: A session "burns much faster" with at least this share, and this many times the next one.
FAST_MIN_POINTS = 5.0
FAST_FACTOR = 2.0


def needed_since(buckets: Sequence[LimitSnapshot], now: float) -> float:
    """How far back the history must reach for these windows: to the start of the earliest
    current one (with a margin), or seven days when a window's start is not known."""
    starts = []
    for bucket in buckets:
        for window in bucket.windows:
            if window.resets_at is not None and window.is_past_reset(now):
                continue  # over: nothing to estimate until the next reading
            minutes = canonical_window_minutes(window.window_minutes)
            if window.resets_at is None or not minutes:
                return history_floor(now)
            starts.append(window.resets_at - minutes * 60 - RESCAN_SLACK_S)
    return max(min(starts), history_floor(now)) if starts else now


class WindowKey(NamedTuple):
    """Which window of which bucket: by canonical length (``slot`` only when it is unknown, or
    when the bucket has another window of that length)."""

    limit_id: str
    minutes: int | None
    slot: str


def window_key(
    limit_id: str, window: UsageWindow, windows: Sequence[UsageWindow] = ()
) -> WindowKey:
    """The key of ``window`` in bucket ``limit_id`` (299 and 300 minutes are the same window).

    ``windows``: all the windows of its reading. Two of one length (a 5h primary and a 5h
    secondary) are told apart by their slot: as one timeline, the second's use read as a
    rise of the first's, "without local activity", at every reading.
    """
    minutes = canonical_window_minutes(window.window_minutes)
    if minutes is not None and not any(
        other.slot != window.slot and canonical_window_minutes(other.window_minutes) == minutes
        for other in windows
    ):
        return WindowKey(limit_id, minutes, "")
    return WindowKey(limit_id, minutes, window.slot)


class Point(NamedTuple):
    """A reading where the window's use rose (or its first one)."""

    at: float
    used: float
    session_id: str


@dataclass(frozen=True, slots=True)
class Period:
    """One window between two resets, as the readings saw it.

    Attributes:
        start: when the window began (reset time minus its length), if known.
        resets_at: the newest reset time reported for it, if any.
        points: the first reading and every rise, oldest first (falls are ignored).
        seen: the times of every reading, duplicates included, oldest first.
        sessions: the sessions that reported this window.
        held_until: when a line last carried the newest value: a session's usage line
            repeats the limits its request was answered with (read then, not at the line's
            time, so not in ``seen``), which says the value held until about then.
        late: in the newest period only, the sessions whose newest line (with its time)
            says a value taken for a late one: a reply to a request sent before an early
            reset, a fall not known to be a reset, a reading of the window before, or a line
            repeating one of these. The window shows none of them as the current state.
    """

    start: float | None
    resets_at: float | None
    points: tuple[Point, ...]
    seen: tuple[float, ...]
    sessions: frozenset[str]
    held_until: float = 0.0
    late: frozenset[tuple[str, float]] = frozenset()

    @property
    def used(self) -> float:
        """The highest use seen."""
        return self.points[-1].used

    @property
    def last_seen(self) -> float:
        """When the newest reading was logged."""
        return self.seen[-1]


def _period(
    resets_at: float | None,
    length_s: float | None,
    points: list[Point],
    seen: list[float],
    sessions: set[str],
    held_until: float = 0.0,
    late: Mapping[str, float] | None = None,
) -> Period:
    start = resets_at - length_s if resets_at is not None and length_s is not None else None
    return Period(
        start,
        resets_at,
        tuple(points),
        tuple(seen),
        frozenset(sessions),
        max(held_until, seen[-1]),
        frozenset((late or {}).items()),
    )


class Sample(NamedTuple):
    """One window of one reading."""

    at: float
    session_id: str
    window: UsageWindow


def samples_by_window(readings: Sequence[Reading]) -> dict[WindowKey, list[Sample]]:
    """Every reading's windows, grouped by window and kept in time order (one pass)."""
    grouped: dict[WindowKey, list[Sample]] = {}
    _group_into(grouped, {}, readings)
    return grouped


def _group_into(
    grouped: dict[WindowKey, list[Sample]],
    keys: dict[tuple[str, tuple[int | None, ...], int], WindowKey],
    readings: Sequence[Reading],
) -> None:
    """Add ``readings``' windows to ``grouped``; ``keys`` keeps each distinct window's key (by
    its reading's lengths and its place among them), as readings name a handful of windows
    hundreds of thousands of times over a week of many sessions."""
    for reading in readings:
        limit_id = reading.limits.limit_id
        windows = reading.limits.windows
        lengths = tuple(window.window_minutes for window in windows)
        for place, window in enumerate(windows):
            sample = Sample(reading.at, reading.session_id, window)
            raw = (limit_id, lengths, place)
            key = keys.get(raw)
            if key is None:
                key = keys[raw] = window_key(limit_id, window, windows)
            grouped.setdefault(key, []).append(sample)


def timeline(samples: Sequence[Sample], length_s: float | None) -> tuple[Period, ...]:
    """The periods of one window, oldest first, from its samples in time order.

    A fall of ``RESET_DROP_POINTS`` or more at the same reset time is an early reset only
    once it is known not to be a late reading (``_fell``); until then, and when a reading
    that must be newer is back at the old use, the highest use seen stands.
    """
    fold = TimelineFold(length_s)
    fold.feed(samples)
    return fold.periods()


class TimelineFold:
    """``timeline`` as a fold that can be fed more samples: a week of readings is gone over
    once, and each refresh adds only the new ones.

    Every step depends only on the samples before it and on the answer of ``_fell``, which
    looks at later samples; an answer given for want of later samples (``undecided``) may
    change once more arrive, so ``feed`` then goes back to the state before the batch that
    asked it (kept as ``_settled``) and goes over the samples from there.
    """

    def __init__(self, length_s: float | None) -> None:
        self.length_s = length_s
        self.fed = 0  # how many samples the state has taken in
        self.undecided = False  # a fall in the samples fed was judged for want of later ones
        self._closed: list[Period] = []
        self._points: list[Point] = []
        self._seen: list[float] = []
        self._sessions: set[str] = set()
        self._resets_at: float | None = None
        self._last_said: dict[str, tuple[float, float | None]] = {}
        # When each session last said something new: its next request was sent after that
        # line was written, so its next reading was read after it.
        self._heard: dict[str, float] = {}
        self._held_until = 0.0
        # The use the period before reached, if it reset early.
        self._early_top: float | None = None
        # The sessions whose newest line says a value set aside as late, and that line's time.
        self._late: dict[str, float] = {}
        self._settled: TimelineFold | None = None

    #: What ``feed`` goes back to: every part of the state, the fold's settings aside.
    _STATE = (
        *("fed", "undecided", "_closed", "_points", "_seen", "_sessions", "_resets_at"),
        *("_last_said", "_heard", "_held_until", "_early_top", "_late"),
    )

    def _copy(self) -> TimelineFold:
        twin = TimelineFold(self.length_s)
        twin._take_state(self)
        return twin

    def _take_state(self, other: TimelineFold) -> None:
        """Take ``other``'s state as copies: its lists, sets and dicts stay its own."""
        for name in self._STATE:
            setattr(self, name, copy.copy(getattr(other, name)))

    def feed(self, samples: Sequence[Sample]) -> None:
        """Take in ``samples[self.fed:]``: ``samples`` is the sequence fed before, grown at its
        end (in time order)."""
        if self.fed >= len(samples):
            return  # nothing new: the same answers
        if self.undecided:
            assert self._settled is not None
            self._take_state(self._settled)  # kept: the batch may be undecided again
        else:
            self._settled = self._copy()
        self._feed(samples, self.fed)

    def _feed(self, samples: Sequence[Sample], start: int) -> None:
        # The state in locals: the loop runs a week of readings on a first view.
        length_s = self.length_s
        periods, points, seen = self._closed, self._points, self._seen
        sessions, resets_at = self._sessions, self._resets_at
        last_said, heard, late = self._last_said, self._heard, self._late
        held_until, early_top = self._held_until, self._early_top
        undecided = self.undecided
        new_window_after = max((length_s or DEFAULT_WINDOW_S) / 2, RESET_TOLERANCE_S)
        for index in range(start, len(samples)):
            reading = samples[index]
            window = reading.window
            used = clamp_percent(window.used_percent)
            reset = window.resets_at
            if reset is not None and reset < reading.at - RESET_TOLERANCE_S:
                # A window that had already ended when the line was written: Codex repeats the
                # last known limits with new usage, so this is an old reading, not a new one.
                continue
            said = last_said.get(reading.session_id)
            last_said[reading.session_id] = (used, reset)
            if said is not None and said[0] == used and _same_reset(said[1], reset):
                # The session repeating what it last said (a usage line carries the limits known
                # before it): no news, and its time is not when the value was read; but the value
                # held until about then, if it is the newest one (of this window, not a late
                # reading of the one before).
                late_one = (
                    reset is not None
                    and resets_at is not None
                    and resets_at - reset > new_window_after
                )
                if points and used == points[-1].used and not late_one:
                    held_until = max(held_until, reading.at)
                if reading.session_id in late:
                    late[reading.session_id] = reading.at  # the late value, said again
                continue
            read_after = _read_after(heard.get(reading.session_id), reading.at)
            heard[reading.session_id] = reading.at
            if (
                early_top is not None
                and read_after < points[0].at
                and used > early_top - RESET_DROP_POINTS
                and used >= points[-1].used + RESET_DROP_POINTS
                and _same_reset(reset, resets_at)
            ):
                # Back up to the old use in a reading that may have been read before the early
                # reset (its session not heard since, its line less than 20 minutes after the
                # first reading of the new window): its reply to a request sent before the reset,
                # logged late. Taken as a rise, the next reading of the new window would look
                # like a second reset. At most one per session: its next request was sent after.
                late[reading.session_id] = reading.at
                continue
            late.pop(reading.session_id, None)
            if points:
                ended = resets_at is not None and reading.at > resets_at + RESET_TOLERANCE_S
                moved_on = (
                    reset is not None
                    and resets_at is not None
                    and reset - resets_at > new_window_after
                )
                if (
                    reset is not None
                    and resets_at is not None
                    and resets_at - reset > new_window_after
                ):
                    late[reading.session_id] = reading.at
                    continue  # a late reading of the previous window, logged out of order
                dropped = used <= points[-1].used - RESET_DROP_POINTS
                if (
                    dropped
                    and not (ended or moved_on)
                    and not (
                        told := _fell(
                            samples,
                            index,
                            read_after,
                            points,
                            resets_at,
                            new_window_after,
                            last_said,
                            heard,
                        )
                    )
                ):
                    if told is None:
                        undecided = True
                    # Perhaps a late reading, lower than newer ones (a reply to a request answered
                    # a while ago): no reset is announced on it, and the highest use stands.
                    late[reading.session_id] = reading.at
                    dropped = False
                if ended or moved_on or dropped:
                    # An early reset keeps the reset time: what the window had reached tells a
                    # late reading of it from the new window.
                    early_top = points[-1].used if dropped and not (ended or moved_on) else None
                    periods.append(_period(resets_at, length_s, points, seen, sessions, held_until))
                    points, seen, sessions = [], [], set()
                    held_until = 0.0
            seen.append(reading.at)
            sessions.add(reading.session_id)
            if reset is not None:
                resets_at = reset  # the newest report wins: the server may move a reset
            elif not points:
                resets_at = None
            if not points or used > points[-1].used:
                points.append(Point(reading.at, used, reading.session_id))
        self.fed = len(samples)
        self.undecided = undecided
        self._points, self._seen, self._sessions, self._resets_at = (
            points,
            seen,
            sessions,
            resets_at,
        )
        self._held_until, self._early_top = held_until, early_top

    def periods(self) -> tuple[Period, ...]:
        """The periods of the samples fed, oldest first."""
        if not self._points:
            return tuple(self._closed)
        current = _period(
            self._resets_at,
            self.length_s,
            self._points,
            self._seen,
            self._sessions,
            self._held_until,
            self._late,
        )
        return (*self._closed, current)


def _read_after(heard: float | None, at: float) -> float:
    """A time before which a reading logged at ``at`` cannot have been read: when its session
    last said something new (its request was sent after), and no more than
    ``LATE_READING_S`` before its line."""
    earliest = at - LATE_READING_S
    return earliest if heard is None or heard < earliest else heard


def _use_read_by(points: Sequence[Point], moment: float) -> float | None:
    """The highest use of readings logged by ``moment`` (read before it), if any."""
    index = bisect.bisect_right(points, moment, key=lambda point: point.at)
    return points[index - 1].used if index else None


def _fell(
    samples: Sequence[Sample],
    index: int,
    read_after: float,
    points: Sequence[Point],
    resets_at: float | None,
    new_window_after: float,
    last_said: Mapping[str, tuple[float, float | None]],
    heard: Mapping[str, float],
) -> bool | None:
    """Whether the fall of ``samples[index]`` is known to be an early reset: a reading that
    must have been read after a higher one (logged before it was read) is lower by
    ``RESET_DROP_POINTS`` or more, this one or a later one.

    A later reading that must have been read after this one decides: near the old use, this
    one was a late reading (its request answered a while ago); well below, the use fell.
    Later readings that may be older (a session not heard since, its line written within
    ``LATE_READING_S``) decide nothing unless they prove the fall themselves. With nothing
    decided by the last sample, or by the window's end, the fall is not taken for a reset:
    the readings read later will tell, at the latest the first one logged ``LATE_READING_S``
    after it. That answer, given for want of later samples, is None (false, but not final).
    """
    drop = samples[index]
    used = clamp_percent(drop.window.used_percent)
    before = _use_read_by(points, read_after)
    if before is not None and used <= before - RESET_DROP_POINTS:
        return True
    top = points[-1].used
    said: dict[str, tuple[float, float | None]] = {}
    heard_since: dict[str, float] = {}
    for later in itertools.islice(samples, index + 1, None):
        # Each sample is told apart as ``timeline`` does.
        reset = later.window.resets_at
        if reset is not None and reset < later.at - RESET_TOLERANCE_S:
            continue  # an old reading repeated
        value = clamp_percent(later.window.used_percent)
        session = later.session_id
        previous = said.get(session) or last_said.get(session)
        said[session] = (value, reset)
        if previous is not None and previous[0] == value and _same_reset(previous[1], reset):
            continue  # a repeat: not read anew
        after = _read_after(heard_since.get(session, heard.get(session)), later.at)
        heard_since[session] = later.at
        if resets_at is not None and later.at > resets_at + RESET_TOLERANCE_S:
            return False  # the window ended before anything told
        if reset is not None and resets_at is not None:
            if reset - resets_at > new_window_after:
                return False  # the next window began before anything told
            if resets_at - reset > new_window_after:
                continue  # a late reading of the window before
        if after >= drop.at:
            return value <= top - RESET_DROP_POINTS
        before = _use_read_by(points, after)
        if before is not None and value <= before - RESET_DROP_POINTS:
            return True
    return None


def _same_reset(first: float | None, second: float | None) -> bool:
    if first is None or second is None:
        return first is second
    return abs(first - second) <= RESET_TOLERANCE_S


class PaceState(enum.Enum):
    """What the pace estimate could say."""

    NOT_ENOUGH_DATA = "not_enough_data"
    LASTS = "lasts_until_reset"  # at this pace the window lasts until it resets
    RUNS_OUT = "runs_out_before_reset"
    REACHED = "limit_reached"
    RESET = "reset"  # the reset time has passed: no reading of the new window yet


@dataclass(frozen=True, slots=True)
class Pace:
    """The rate of use and the projected run-out time of the current window."""

    state: PaceState
    rate_per_hour: float | None = None
    runs_out_at: float | None = None
    measured_from: float | None = None  # the start of the span the rate was measured over
    #: Without enough data: when the span will be long enough (readings still needed then).
    known_at: float | None = None


def pace(period: Period | None, length_s: float | None, now: float) -> Pace:
    """How fast the window is being used, measured up to now over its recent span.

    The rate is the rise in use from the start of the span (the last fifth of the window; or
    from 0 % at the window's start when it began within the span; or, with no older reading,
    from the first reading) to now, per hour; hours without readings count, so a pause slows
    the pace. The run-out time assumes that rate continues from now.
    """
    if period is None or not period.points:
        return Pace(PaceState.NOT_ENOUGH_DATA)
    if period.resets_at is not None and now >= period.resets_at:
        return Pace(PaceState.RESET)
    used = period.used
    if used >= 100:
        return Pace(PaceState.REACHED, runs_out_at=_reached_at(period))
    window_s = length_s or DEFAULT_WINDOW_S
    span_start = now - window_s * PACE_SPAN_FRACTION
    times = [point.at for point in period.points]
    index = bisect.bisect_right(times, span_start) - 1
    if index >= 0:
        anchor_at, anchor_used = span_start, period.points[index].used
    elif period.start is not None and period.start >= span_start:
        # The window began within the span, at 0 % used: measure from there.
        anchor_at, anchor_used = period.start, 0.0
    else:
        # No reading before the span and the window began earlier: from the first reading.
        anchor_at, anchor_used = period.points[0].at, period.points[0].used
        if period.held_until - anchor_at < window_s * MIN_PACE_FRACTION:
            return Pace(
                PaceState.NOT_ENOUGH_DATA, known_at=anchor_at + window_s * MIN_PACE_FRACTION
            )
    elapsed = now - anchor_at
    if elapsed < window_s * MIN_PACE_FRACTION:
        known_at = anchor_at + window_s * MIN_PACE_FRACTION
        return Pace(PaceState.NOT_ENOUGH_DATA, measured_from=anchor_at, known_at=known_at)
    rate = max(used - anchor_used, 0.0) / (elapsed / 3600)
    if rate <= 0:
        return Pace(PaceState.LASTS, 0.0, None, anchor_at)
    runs_out = now + (100 - used) / rate * 3600
    # Without a reset time, a run-out beyond one window's length is not a run-out: the window
    # will have reset long before.
    last_moment = period.resets_at if period.resets_at is not None else now + window_s
    if runs_out >= last_moment:
        return Pace(PaceState.LASTS, rate, runs_out, anchor_at)
    return Pace(PaceState.RUNS_OUT, rate, runs_out, anchor_at)


def _reached_at(period: Period) -> float:
    return next(point.at for point in period.points if point.used >= 100)


@dataclass(frozen=True, slots=True)
class Unexplained:
    """A rise with no local usage behind it (another device, the web, Codex Cloud)."""

    rise: float
    since: float  # the last reading before it
    at: float  # the reading that showed it


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who used the current window: percentage points per session, and what is unexplained."""

    shares: tuple[tuple[str, float], ...]  # (session id, points), largest first
    unexplained: tuple[Unexplained, ...]
    fastest: str | None  # the session that burns much faster than the others, if one does
    # The same shares by session, made once: callers ask for every listed session in turn,
    # and a scan of ``shares`` per question made a refresh quadratic in the sessions.
    by_session: Mapping[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_session", dict(self.shares))

    def share_of(self, session_id: str) -> float | None:
        """The points ``session_id`` used, or None if it used none."""
        return self.by_session.get(session_id)


class UsageIndex:
    """The history's usage events, searchable by time."""

    def __init__(self, usage: Sequence[Usage], times: list[float] | None = None) -> None:
        self.usage = usage
        self.times = [event.at for event in usage] if times is None else times

    def grown(self, usage: Sequence[Usage]) -> UsageIndex:
        """The index of ``usage``: this index's events followed by new ones."""
        return UsageIndex(usage, self.times + [event.at for event in usage[len(self.times) :]])

    def between(self, start: float, end: float) -> Sequence[Usage]:
        """Events with ``start < at <= end``."""
        low = bisect.bisect_right(self.times, start)
        high = bisect.bisect_right(self.times, end)
        return self.usage[low:high]

    def from_until(self, start: float, end: float) -> Sequence[Usage]:
        """Events with ``start <= at <= end``."""
        low = bisect.bisect_left(self.times, start)
        high = bisect.bisect_right(self.times, end)
        return self.usage[low:high]


def attribute(
    period: Period, index: UsageIndex, *, account_bucket: bool, known_since: float
) -> Attribution:
    """Share each rise of the window among the sessions that used tokens since the previous
    rise, in proportion to their tokens.

    A rise that follows ten minutes or more without any local usage is unexplained: it came
    from somewhere else. Model-specific buckets count only the sessions that reported them. A
    request whose tokens were not logged (the limit-only line of a failed call or a
    compaction) is local activity: a rise after it with no tokens behind it goes to the
    sessions that made such requests, in equal parts.
    The use before the first reading (from 0 % at the window's start) is shared out only when
    the window began within the history (after ``known_since``), local sessions used tokens
    before that reading, and the first of them within twenty minutes of the window's start (a
    window is begun by its first request: begun later here, it was begun elsewhere); otherwise
    where it came from is not known, and it is left out.
    """
    tally = ShareTally(period, known_since)
    tally.add(period, index, account_bucket=account_bucket)
    return tally.result()


class ShareTally:
    """``attribute``'s sums, point by point: the live window adds the current period's new
    rises to them instead of sharing out the whole week again at every refresh."""

    def __init__(self, period: Period, known_since: float) -> None:
        self.known_since = known_since
        self.from_start = period.start is not None and period.start >= known_since
        self.shares: dict[str, float] = {}
        self.unexplained: list[Unexplained] = []
        if self.from_start and period.start is not None:
            self.previous_used, self.previous_rise_at = 0.0, period.start
            self.done = 0  # the points gone over
        else:
            self.previous_used, self.previous_rise_at = period.points[0].used, period.points[0].at
            self.done = 1

    def add(self, period: Period, index: UsageIndex, *, account_bucket: bool) -> None:
        """Share out the rises of ``period``'s points not gone over yet."""
        shares, from_start = self.shares, self.from_start
        previous_used, previous_rise_at = self.previous_used, self.previous_rise_at
        for position in range(self.done, len(period.points)):
            point = period.points[position]
            rise = point.used - previous_used
            seen_before = bisect.bisect_left(period.seen, point.at) - 1
            last_seen = period.seen[seen_before] if seen_before >= 0 else previous_rise_at
            recent = _local(index, last_seen, point.at)
            quiet = not recent and point.at - last_seen >= IDLE_GAP_S
            events = [] if quiet else _local(index, previous_rise_at, point.at)
            if not account_bucket:
                # Before the test below: a model's window is begun by a request to that model.
                events = [event for event in events if event.session_id in period.sessions]
            if (
                from_start
                and position == 0
                and events
                and min(event.at for event in events) - previous_rise_at >= LATE_READING_S
            ):
                # No local use logged in the window's first twenty minutes (a reply is logged
                # when it ends, up to that long after its request): the window was begun
                # elsewhere (Codex starts a window with its first request), and the use it
                # holds by the first local reading is not told apart from that reading's own.
                # It had all been charged to the first local responses (a ``codex exec`` run
                # began 1h43m into a window at 13 % and was shown as 16 % of it where it
                # moved it 3 points).
                events = []
            tokens = sum(event.tokens for event in events)
            if tokens > 0:
                for event in events:
                    shares[event.session_id] = (
                        shares.get(event.session_id, 0.0) + rise * event.tokens / tokens
                    )
            elif events and rise > 0:
                # Only requests whose tokens were not logged (limit-only lines: failed calls,
                # compactions) came before this rise: it is their sessions' use, in equal
                # parts, as nothing says how much each spent.
                requesters = sorted({event.session_id for event in events})
                for session_id in requesters:
                    shares[session_id] = shares.get(session_id, 0.0) + rise / len(requesters)
            elif rise > 0 and not (from_start and position == 0):
                self.unexplained.append(Unexplained(rise, last_seen, point.at))
            previous_used, previous_rise_at = point.used, point.at
        self.previous_used, self.previous_rise_at = previous_used, previous_rise_at
        self.done = max(self.done, len(period.points))

    def result(self) -> Attribution:
        """The shares so far, largest first, and the session that burns much faster."""
        ranked = tuple(sorted(self.shares.items(), key=lambda item: (-item[1], item[0])))
        fastest = None
        if (
            len(ranked) >= 2
            and ranked[0][1] >= FAST_MIN_POINTS
            and ranked[0][1] >= FAST_FACTOR * ranked[1][1]
        ):
            fastest = ranked[0][0]
        return Attribution(ranked, tuple(self.unexplained), fastest)


def _local(index: UsageIndex, start: float, end: float) -> Sequence[Usage]:
    """The local activity a reading at ``end`` can show since a reading at ``start``: usage
    logged after ``start`` up to ``end``, and requests whose tokens were not logged (0-token
    events) made from ``start`` on and before ``end``. A limit-only line's reading was taken
    as its request began, so that request's use shows only in later readings."""
    events = index.from_until(start, end)
    if all(event.tokens and event.at > start for event in events):
        return events
    return [
        event
        for event in events
        if (event.tokens and event.at > start) or (not event.tokens and event.at < end)
    ]


@dataclass(frozen=True, slots=True)
class WindowInsight:
    """Everything the history says about one window of one bucket."""

    key: WindowKey
    length_s: float | None
    periods: tuple[Period, ...]  # within the history span, oldest first
    current: Period | None  # the period the latest reading belongs to
    pace: Pace
    attribution: Attribution | None

    def pace_at(self, now: float) -> Pace:
        """The pace as of ``now``, for a view drawn after the history was read: hours with no
        reading since slow it, as they would have then, so it never shows a run-out time that
        has already passed without the limit being reached."""
        return pace(self.current, self.length_s, now)


@dataclass(frozen=True, slots=True)
class Insights:
    """The insights of every window the dashboard shows."""

    generated_at: float
    windows: tuple[WindowInsight, ...]
    history_files: int

    def for_window(
        self, limit_id: str, window: UsageWindow, windows: Sequence[UsageWindow] = ()
    ) -> WindowInsight | None:
        """The insight of one displayed window (of ``windows``, its bucket's), if the history
        has it."""
        key = window_key(limit_id, window, windows)
        return next((insight for insight in self.windows if insight.key == key), None)


class InsightsCache:
    """Keeps what depends on the history alone from one refresh to the next: each window's
    timeline goes on from where it was when the history only grew at its end (as it does
    while sessions write), and the timelines and shares are kept while the history is the
    same object, so that a refresh with nothing new recomputes only the pace."""

    def __init__(self) -> None:
        self._history: UsageHistory | None = None
        self._grouped: dict[WindowKey, list[Sample]] = {}
        self._keys: dict[tuple[str, tuple[int | None, ...], int], WindowKey] = {}
        self._folds: dict[WindowKey, TimelineFold] = {}
        self._index = UsageIndex(())
        self._index_made = 0  # counts the indexes made anew (not grown from the one before)
        self._parts: dict[
            tuple[WindowKey, bool], tuple[tuple[Period, ...], Attribution | None]
        ] = {}
        # Each window's shares of its current period, with that period, the index they were
        # made from (which one and how many events it held).
        self._tallies: dict[tuple[WindowKey, bool], tuple[ShareTally, Period, int, int]] = {}

    def _take(self, history: UsageHistory) -> None:
        """Bring the samples and the usage index up to ``history``."""
        previous = self._history
        self._history = history
        self._parts = {}
        old = previous.readings if previous is not None else ()
        if old and _grown(old, history.readings):
            _group_into(self._grouped, self._keys, history.readings[len(old) :])
        else:
            # Readings left the span or came in out of order: the timelines start again.
            self._grouped, self._folds = {}, {}
            _group_into(self._grouped, self._keys, history.readings)
        if previous is not None and _grown(previous.usage, history.usage):
            self._index = self._index.grown(history.usage)
        else:
            self._index = UsageIndex(history.usage)
            self._index_made += 1

    def parts(
        self, history: UsageHistory, key: WindowKey, length_s: float | None, account: bool
    ) -> tuple[tuple[Period, ...], Attribution | None]:
        """The periods and the attribution of one window."""
        if history is not self._history:
            self._take(history)
        found = self._parts.get((key, account))
        if found is None:
            fold = self._folds.get(key)
            if fold is None or fold.length_s != length_s:
                fold = self._folds[key] = TimelineFold(length_s)
            fold.feed(self._grouped.get(key, ()))
            periods = fold.periods()
            current = periods[-1] if periods else None
            attribution = (
                self._shares(key, account, current, history.since) if current is not None else None
            )
            found = self._parts[(key, account)] = (periods, attribution)
        return found

    def _shares(self, key: WindowKey, account: bool, period: Period, since: float) -> Attribution:
        """``attribute(period, …)``, going on from the shares of the refresh before when only
        new rises can change them: the same period grown at its end, and no usage new to the
        index at or before the last rise shared out."""
        index = self._index
        kept = self._tallies.get((key, account))
        if kept is not None:
            tally, before, made, events = kept
            if not (
                made == self._index_made
                and tally.known_since == since
                and _grown_period(before, period, account)
                and (events == len(index.times) or index.times[events] > before.points[-1].at)
            ):
                kept = None
        if kept is None:
            tally = ShareTally(period, since)
        tally.add(period, index, account_bucket=account)
        self._tallies[(key, account)] = (tally, period, self._index_made, len(index.times))
        return tally.result()


def _grown_period(before: Period, after: Period, account: bool) -> bool:
    """Whether ``after`` is ``before`` with more readings: the same start, its points and
    reading times followed by more (and, for a model's bucket, whose shares count only the
    sessions that reported it, the same sessions)."""
    return (
        after.start == before.start
        and _grown(before.points, after.points)
        and _grown(before.seen, after.seen)
        and (account or after.sessions == before.sessions)
    )


def _grown(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    """Whether ``new`` is ``old`` with more at its end (compared item by item in C: an item
    of both histories is the same object, so each comparison is an identity check)."""
    return len(new) >= len(old) and new[: len(old)] == old


def build_insights(
    history: UsageHistory,
    buckets: Sequence[LimitSnapshot],
    now: float,
    cache: InsightsCache | None = None,
) -> Insights:
    """Insights for every window of ``buckets`` (the limits the dashboard shows); ``cache``
    carries the history-only parts from one refresh to the next."""
    cache = cache or InsightsCache()
    windows = []
    for bucket in buckets:
        for window in bucket.windows:
            key = window_key(bucket.limit_id, window, bucket.windows)
            length_s = key.minutes * 60.0 if key.minutes else None
            periods, attribution = cache.parts(history, key, length_s, bucket.is_account_bucket)
            current = periods[-1] if periods else None
            windows.append(
                WindowInsight(
                    key=key,
                    length_s=length_s,
                    periods=periods,
                    current=current,
                    pace=pace(current, length_s, now),
                    attribution=attribution,
                )
            )
    return Insights(now, tuple(windows), history.files)
