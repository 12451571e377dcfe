"""What the window shows, computed once per refresh: ranked sessions, the account's limits, and
the plain-words rows of the limits panel. Shared by the window and the ``status`` command."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.discovery import sessions_instead
from codex_presence_gui.core.formatting import (
    format_reset_clock,
)
from codex_presence_gui.core.history import UsageHistory
from codex_presence_gui.core.insights import (
    Insights,
    InsightsCache,
    WindowInsight,
    build_insights,
    needed_since,
)
from codex_presence_gui.core.models import CodexSessionSnapshot, LimitSnapshot, UsageWindow
from codex_presence_gui.core.problems import Problem
from codex_presence_gui.core.reader import ReadResult
from codex_presence_gui.core.sanitize import clean_text
from codex_presence_gui.core.selection import (
    ReadingKey,
    account_buckets,
    latest_limits_source,
    reading_key,
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
        not_folders: the homes there as something else than a folder, with what each is
            (see ``ReadResult``).
        sessionless: the homes there that hold no ``sessions`` folder (deleted, or not made
            yet: Codex makes it when a session starts).
        blocked_sessions: those of them with something else (a file) where ``sessions``
            goes, with what it is: Codex cannot make the folder while it is there.
        logs_folders: those of them that are Codex's sessions folder itself, each with the
            folder above, the Codex folder meant (``discovery.home_above``).
        closed_homes: the homes there that cannot be entered, each with why (see
            ``ReadResult``).
    """

    generated_at: float
    homes: tuple[Path, ...]
    missing_homes: tuple[Path, ...]
    sessions: tuple[CodexSessionSnapshot, ...]
    active: CodexSessionSnapshot | None
    limits: LimitSnapshot | None
    limits_source: CodexSessionSnapshot | None
    other_limits: tuple[LimitSnapshot, ...]
    warnings: tuple[Problem, ...]
    sessions_read: int
    insights: Insights | None = None
    ended: tuple[CodexSessionSnapshot, ...] = ()
    not_folders: tuple[tuple[Path, str], ...] = ()
    sessionless: tuple[Path, ...] = ()
    blocked_sessions: tuple[tuple[Path, str], ...] = ()
    closed_homes: tuple[tuple[Path, str], ...] = ()
    logs_folders: tuple[tuple[Path, Path], ...] = ()

    @property
    def all_closed(self) -> bool:
        """True when every Codex home that is there cannot be entered: no session can show
        up until it can ("start Codex and it shows up here" would promise what cannot
        happen)."""
        there = len(self.homes) - len(self.missing_homes)
        return there > 0 and len(self.closed_homes) >= there

    @property
    def no_home(self) -> bool:
        """True when none of the Codex homes exists."""
        return bool(self.homes) and len(self.missing_homes) == len(self.homes)

    @property
    def no_sessions_folder(self) -> bool:
        """True when some Codex home is there but none holds a ``sessions`` folder: no log
        can be written until Codex makes one again."""
        there = len(self.homes) - len(self.missing_homes)
        return there > 0 and len(self.sessionless) >= there

    @property
    def has_replies(self) -> bool:
        """True when a listed session has reported tokens of its own: Codex replied, so a
        missing limit reading is not for want of a turn (an API key or a local model has none).
        A fork's total copied from its parent is no reply here: its readings were the parent's,
        passed over, and it had been told "an API key … has no plan limits". An update of its
        own is, even below the copied part (a running total an older Codex began again)."""
        return any(
            s.session_delta_tokens is not None
            or (s.session_total_tokens is not None and s.session_total_tokens > s.inherited_tokens)
            for s in (*self.sessions, *self.ended)
        )

    @property
    def buckets(self) -> tuple[LimitSnapshot, ...]:
        """Every bucket shown: the account's first, then the model-specific ones."""
        return ((self.limits,) if self.limits is not None else ()) + self.other_limits

    def insight(self, bucket: LimitSnapshot, window: UsageWindow) -> WindowInsight | None:
        """What the history says about one shown window."""
        if self.insights is None:
            return None
        return self.insights.for_window(bucket.limit_id, window, bucket.windows)


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
    insights = None
    if history is not None:
        insights = build_insights(history, _buckets(limits, others), now, insights_cache)
        late = _late_readings(insights)
        if any(reading_key(bucket) in late for bucket in _buckets(limits, others)):
            # The newest reading is a late one (a reply to a request answered before an early
            # reset, or a fall not yet known to be one): the newest the timeline counts is
            # shown instead, in the window, the tray, Discord and ``status`` alike.
            source, limits, others = _shown_limits(result, late)
            insights = build_insights(history, _buckets(limits, others), now, insights_cache)
    blocked, logs_folders = sessions_instead(result.sessionless)
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
        insights=insights,
        ended=tuple(select_ended(result.snapshots, now, zone)),
        not_folders=result.not_folders,
        sessionless=result.sessionless,
        blocked_sessions=blocked,
        closed_homes=result.closed_homes,
        logs_folders=tuple((home, Path(above)) for home, above in logs_folders),
    )


#: The snapshot's texts that come from the logs and are shown. The session's names (its id,
#: project and model) are left as they are: they tell sessions apart, so the window shows
#: them with what would not show escaped (``shown_key``), where cleaning could make two
#: read the same; Discord's card cleans them, as it cleans all its text.
_LOG_TEXTS = ("cwd", "git_branch", "originator", "surface", "cli_version")


def for_display(board: Dashboard) -> Dashboard:
    """``board`` with the texts from the logs made safe to draw (``clean_text``), but for
    the session's names (see above): a line separator in a branch must not add a line to
    the card. The window's view of a dashboard; ``status`` writes the raw values, escaped,
    and cleans its own text."""
    return replace(
        board,
        sessions=tuple(_displayable(s) for s in board.sessions),
        active=None if board.active is None else _displayable(board.active),
        limits_source=None if board.limits_source is None else _displayable(board.limits_source),
        ended=tuple(_displayable(s) for s in board.ended),
    )


def _displayable(snapshot: CodexSessionSnapshot) -> CodexSessionSnapshot:
    changes: dict[str, object] = {}
    for name in _LOG_TEXTS:
        value = getattr(snapshot, name)
        if value is not None and not value.isprintable():  # the usual case costs one scan
            changes[name] = clean_text(value)
    activity = snapshot.activity
    if activity is not None and activity.target and not activity.target.isprintable():
        changes["activity"] = activity._replace(target=clean_text(activity.target))
    return snapshot._replace(**changes) if changes else snapshot  # type: ignore[arg-type]


def _shown_limits(
    result: ReadResult, late: Container[ReadingKey] = ()
) -> tuple[CodexSessionSnapshot | None, LimitSnapshot | None, tuple[LimitSnapshot, ...]]:
    """The session the account's limits come from, those limits, and the other buckets
    (passing over the readings in ``late`` where another is there)."""
    source = latest_limits_source(result.snapshots, late)
    limits = source.limits if source is not None else None
    others = tuple(
        bucket
        for bucket in account_buckets(result.snapshots, late)
        if limits is None or bucket.limit_id != limits.limit_id
    )
    return source, limits, others


def _buckets(
    limits: LimitSnapshot | None, others: tuple[LimitSnapshot, ...]
) -> tuple[LimitSnapshot, ...]:
    return ((limits,) if limits else ()) + others


def _late_readings(insights: Insights) -> set[ReadingKey]:
    """The readings the timelines took for late ones in their windows' current periods."""
    return {
        (insight.key.limit_id, session_id, at)
        for insight in insights.windows
        if insight.current is not None
        for session_id, at in insight.current.late
    }


def history_since(result: ReadResult) -> float:
    """How far back the history must be read for the windows this refresh shows."""
    _source, limits, others = _shown_limits(result)
    return needed_since(((limits,) if limits else ()) + others, result.generated_at)


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
            # A sliver (readings with decimals) had read "used rose 0%".
            amount = "by less than 1" if latest.rise < 1 else f"{latest.rise:.0f}"
            notes.append(
                f"{prefix}: used rose {amount}% without local activity since {since}"
                " (another device, the web or Codex Cloud)"
            )
    return tuple(notes)


class SessionShare(NamedTuple):
    """A session's part of one window's use in its current period."""

    label: str  # the window: 5h, Weekly, or "<bucket> 5h"
    percent: float  # percentage points of the window
    fastest: bool  # it burns much faster than the other sessions
    name: str = ""  # the window within a sentence ("the weekly window"); "" reads ``label``

    @property
    def said(self) -> str:
        """The window as a sentence names it: ``weekly``, not ``Weekly``, mid-sentence."""
        return self.name or self.label


def session_shares(dashboard: Dashboard, session_id: str) -> tuple[SessionShare, ...]:
    """What ``session_id`` used of each shown window, shortest window first."""
    return shares_by_session(dashboard, (session_id,)).get(session_id, ())


def shares_by_session(
    dashboard: Dashboard, session_ids: Iterable[str] | None = None
) -> dict[str, tuple[SessionShare, ...]]:
    """What each session used of each shown window, shortest window first; only sessions
    with a share are keys. ``session_ids``: only these (default: every session with a share).

    One pass over each window's shares, so that listing n sessions costs O(n) in all, not n
    searches of every window's n shares.
    """
    wanted = None if session_ids is None else set(session_ids)
    found: dict[str, list[tuple[float, SessionShare]]] = {}
    for bucket in dashboard.buckets:
        for window in bucket.windows:
            insight = dashboard.insight(bucket, window)
            if insight is None or insight.attribution is None:
                continue
            if window.resets_at is not None and window.is_past_reset(dashboard.generated_at):
                continue
            label, name = window.label, window.name
            if any(o.slot != window.slot and o.label == label for o in bucket.windows):
                # Two windows of one length (no account has them yet): told apart by their
                # place, as their timelines are; ``status --json`` keys shares by label.
                label, name = f"{label} ({window.slot})", f"{name} ({window.slot})"
            if not bucket.is_account_bucket:
                label, name = f"{bucket.display_name} {label}", f"{bucket.display_name} {name}"
            length = insight.length_s or float("inf")
            fastest = insight.attribution.fastest
            if wanted is not None and len(wanted) < len(insight.attribution.shares):
                # A few sessions asked for (a card, one row): look them up, not every share.
                by_session = insight.attribution.by_session
                pairs = [(s, by_session[s]) for s in wanted if s in by_session]
            else:
                pairs = list(insight.attribution.shares)
            for session_id, points in pairs:
                if points < 0.05 or (wanted is not None and session_id not in wanted):
                    continue
                share = SessionShare(label, points, fastest == session_id, name)
                found.setdefault(session_id, []).append((length, share))
    # Stable sort by window length: windows of equal length keep the buckets' order.
    return {
        session_id: tuple(share for _, share in sorted(shares, key=lambda item: item[0]))
        for session_id, shares in found.items()
    }
