"""What the window shows, computed once per refresh: ranked sessions, the account's limits, and
the plain-words rows of the limits panel. Shared by the window and the ``status`` command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.formatting import (
    Level,
    format_countdown,
    format_percent_left,
    format_reset_clock,
    level_of,
    pace_text,
)
from codex_presence_gui.core.history import UsageHistory
from codex_presence_gui.core.insights import (
    Insights,
    InsightsCache,
    PaceState,
    WindowInsight,
    build_insights,
    needed_since,
)
from codex_presence_gui.core.models import CodexSessionSnapshot, LimitSnapshot, UsageWindow
from codex_presence_gui.core.reader import ReadResult
from codex_presence_gui.core.selection import (
    account_buckets,
    latest_limits_source,
    select_ended,
    select_sessions,
)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One refresh's worth of everything the window needs; immutable, safe across threads.

    Attributes:
        sessions: the sessions to list, best first (active ones, or all with ``include_all``).
        active: the top-ranked active session, if any.
        limits: the account's freshest limit reading; ``limits_source`` is its session.
        other_limits: newest readings of the other buckets (model-specific limits).
        insights: what the seven-day history says about each window (None until it is read).
        ended: sessions no longer active that showed life today (since ``ended_since``),
            newest first; the window lists them after ``sessions``, muted. ``status`` ignores
            them, and with ``include_all`` they are in ``sessions`` as well.
    """

    generated_at: float
    homes: tuple[Path, ...]
    missing_homes: tuple[Path, ...]
    sessions: tuple[CodexSessionSnapshot, ...]
    active: CodexSessionSnapshot | None
    limits: LimitSnapshot | None
    limits_source: CodexSessionSnapshot | None
    other_limits: tuple[LimitSnapshot, ...]
    warnings: tuple[str, ...]
    sessions_read: int
    insights: Insights | None = None
    ended: tuple[CodexSessionSnapshot, ...] = ()

    @property
    def no_home(self) -> bool:
        """True when none of the Codex homes exists."""
        return bool(self.homes) and len(self.missing_homes) == len(self.homes)

    @property
    def buckets(self) -> tuple[LimitSnapshot, ...]:
        """Every bucket shown: the account's first, then the model-specific ones."""
        return ((self.limits,) if self.limits is not None else ()) + self.other_limits

    def insight(self, bucket: LimitSnapshot, window: UsageWindow) -> WindowInsight | None:
        """What the history says about one shown window."""
        if self.insights is None:
            return None
        return self.insights.for_window(bucket.limit_id, window)


def build_dashboard(
    result: ReadResult,
    *,
    include_all: bool = False,
    history: UsageHistory | None = None,
    insights_cache: InsightsCache | None = None,
    zone: tzinfo | None = None,
) -> Dashboard:
    """Rank the sessions and pick the limits of one reader refresh; with ``history``, add what
    it says about each window (pace, run-out, shares). ``zone`` decides when "today" began
    (local time when None)."""
    now = result.generated_at
    active = select_sessions(result.snapshots, now)
    listed = select_sessions(result.snapshots, now, include_all=True) if include_all else active
    source, limits, others = _shown_limits(result)
    return Dashboard(
        generated_at=now,
        homes=result.homes,
        missing_homes=result.missing_homes,
        sessions=tuple(listed),
        active=active[0] if active else None,
        limits=limits,
        limits_source=source,
        other_limits=others,
        warnings=result.warnings,
        sessions_read=len(result.snapshots),
        insights=None
        if history is None
        else build_insights(history, ((limits,) if limits else ()) + others, now, insights_cache),
        ended=tuple(select_ended(result.snapshots, now, zone)),
    )


def _shown_limits(
    result: ReadResult,
) -> tuple[CodexSessionSnapshot | None, LimitSnapshot | None, tuple[LimitSnapshot, ...]]:
    """The session the account's limits come from, those limits, and the other buckets."""
    source = latest_limits_source(result.snapshots)
    limits = source.limits if source is not None else None
    others = tuple(
        bucket
        for bucket in account_buckets(result.snapshots)
        if limits is None or bucket.limit_id != limits.limit_id
    )
    return source, limits, others


def history_since(result: ReadResult) -> float:
    """How far back the history must be read for the windows this refresh shows."""
    _source, limits, others = _shown_limits(result)
    return needed_since(((limits,) if limits else ()) + others, result.generated_at)


class LimitRow(NamedTuple):
    """One row of the limits panel, in plain words."""

    label: str
    remaining: float | None  # None once the reset has passed
    percent_text: str
    level: Level
    reset_text: str
    stale: bool
    past_reset: bool
    pace_text: str = ""
    runs_out: bool = False  # the pace says the window runs out before it resets


def limit_row(
    window: UsageWindow,
    limits: LimitSnapshot,
    now: float,
    zone: tzinfo | None = None,
    insight: WindowInsight | None = None,
) -> LimitRow:
    """The panel row of one window: ``64% left``, ``resets in 2h 13m · 16:40``, and the pace
    when the history gives one."""
    stale = limits.is_stale(now)
    if window.resets_at is not None and window.is_past_reset(now):
        when = format_reset_clock(window.resets_at, now, zone)
        return LimitRow(
            label=window.label,
            remaining=None,
            percent_text="reset",
            level=Level.UNKNOWN,
            reset_text=f"reset at {when} — likely full, confirmed on your next turn",
            stale=stale,
            past_reset=True,
        )
    remaining = window.remaining_percent
    if window.resets_at is None:
        reset_text = "reset time not reported"
    else:
        countdown = format_countdown(window.seconds_until_reset(now))
        reset_text = f"resets in {countdown} · {format_reset_clock(window.resets_at, now, zone)}"
    return LimitRow(
        label=window.label,
        remaining=remaining,
        percent_text=format_percent_left(remaining),
        level=level_of(remaining),
        reset_text=reset_text,
        stale=stale,
        past_reset=False,
        pace_text=pace_text(insight, now, zone) if insight is not None else "",
        runs_out=insight is not None and insight.pace.state is PaceState.RUNS_OUT,
    )


class Spark(NamedTuple):
    """A window's use over its span, for the small chart beside its bar.

    ``steps`` go from the first reading through every rise to now; ``origin`` is the window's
    start (0 % used) when known, joined to the first reading by a straight line because what
    happened between them was not seen. ``projection`` continues at the current pace to the
    reset or to 100 %, whichever comes first.
    """

    start: float
    end: float  # the reset (or now, when the reset time is unknown)
    now: float
    origin: tuple[float, float] | None
    steps: tuple[tuple[float, float], ...]
    projection: tuple[tuple[float, float], ...]


def spark(insight: WindowInsight, now: float) -> Spark | None:
    """The chart of one window's current period, or None without readings."""
    current = insight.current
    if current is None:
        return None
    length = insight.length_s
    end = current.resets_at if current.resets_at is not None else now
    start = current.start
    if start is None:
        start = end - length if length else current.points[0].at
    if end <= start:
        return None
    clock = min(now, end)
    steps = [(point.at, point.used) for point in current.points if start <= point.at <= clock]
    if not steps:
        return None
    steps.append((clock, steps[-1][1]))
    origin = (start, 0.0) if current.start is not None else None
    projection: tuple[tuple[float, float], ...] = ()
    rate = insight.pace.rate_per_hour
    if rate and clock < end:
        used = steps[-1][1]
        stop = min(end, clock + (100 - used) / rate * 3600)
        projection = ((clock, used), (stop, min(100.0, used + rate * (stop - clock) / 3600)))
    return Spark(start, end, clock, origin, tuple(steps), projection)


def insight_notes(dashboard: Dashboard, zone: tzinfo | None = None) -> tuple[str, ...]:
    """Plain-words notes on the readings: use that rose with no local activity behind it."""
    notes = []
    now = dashboard.generated_at
    for bucket in dashboard.buckets:
        for window in bucket.windows:
            insight = dashboard.insight(bucket, window)
            if insight is None or insight.attribution is None:
                continue
            if not insight.attribution.unexplained or window.is_past_reset(now):
                continue
            latest = insight.attribution.unexplained[-1]
            prefix = (
                window.label
                if bucket.is_account_bucket
                else f"{bucket.display_name} {window.label}"
            )
            since = format_reset_clock(latest.since, now, zone)
            notes.append(
                f"{prefix}: used rose {latest.rise:.0f} % without local activity since {since}"
                " (another device, the web or Codex Cloud)"
            )
    return tuple(notes)


class SessionShare(NamedTuple):
    """A session's part of one window's use in its current period."""

    label: str  # the window: 5h, Weekly, or "<bucket> 5h"
    percent: float  # percentage points of the window
    fastest: bool  # it burns much faster than the other sessions


def session_shares(dashboard: Dashboard, session_id: str) -> tuple[SessionShare, ...]:
    """What ``session_id`` used of each shown window, shortest window first."""
    shares = []
    for bucket in dashboard.buckets:
        for window in bucket.windows:
            insight = dashboard.insight(bucket, window)
            if insight is None or insight.attribution is None:
                continue
            if window.resets_at is not None and window.is_past_reset(dashboard.generated_at):
                continue
            points = insight.attribution.share_of(session_id)
            if points is None or points < 0.05:
                continue
            label = (
                window.label
                if bucket.is_account_bucket
                else f"{bucket.display_name} {window.label}"
            )
            fastest = insight.attribution.fastest == session_id
            shares.append((insight.length_s or float("inf"), SessionShare(label, points, fastest)))
    shares.sort(key=lambda item: item[0])
    return tuple(share for _, share in shares)
