"""What the window shows, computed once per refresh: ranked sessions, the account's limits, and
the plain-words rows of the limits panel. Shared by the window and the ``status`` command."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.formatting import (
    format_age,
    format_countdown,
    format_percent_left,
    local_time,
)
from codex_presence_gui.core.models import CodexSessionSnapshot, LimitSnapshot, UsageWindow
from codex_presence_gui.core.reader import ReadResult
from codex_presence_gui.core.selection import account_buckets, latest_limits_source, select_sessions


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One refresh's worth of everything the window needs; immutable, safe across threads.

    Attributes:
        sessions: the sessions to list, best first (active ones, or all with ``include_all``).
        active: the top-ranked active session, if any.
        limits: the account's freshest limit reading; ``limits_source`` is its session.
        other_limits: newest readings of the other buckets (model-specific limits).
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

    @property
    def no_home(self) -> bool:
        """True when none of the Codex homes exists."""
        return bool(self.homes) and len(self.missing_homes) == len(self.homes)


def build_dashboard(result: ReadResult, *, include_all: bool = False) -> Dashboard:
    """Rank the sessions and pick the limits of one reader refresh."""
    now = result.generated_at
    active = select_sessions(result.snapshots, now)
    listed = select_sessions(result.snapshots, now, include_all=True) if include_all else active
    source = latest_limits_source(result.snapshots)
    limits = source.limits if source is not None else None
    others = tuple(
        bucket
        for bucket in account_buckets(result.snapshots)
        if limits is None or bucket.limit_id != limits.limit_id
    )
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
    )


class Level(enum.Enum):
    """How much of a window is left, for colour (always shown with the number too)."""

    GOOD = "good"  # 60 % or more left
    WARN = "warn"  # 30 % or more
    LOW = "low"  # below 30 %
    UNKNOWN = "unknown"  # reset passed: the reading no longer says


def level_of(remaining: float) -> Level:
    """Green from 60 % left, amber from 30 %, red below."""
    if remaining >= 60:
        return Level.GOOD
    if remaining >= 30:
        return Level.WARN
    return Level.LOW


def format_reset_clock(resets_at: float, now: float, zone: tzinfo | None = None) -> str:
    """``16:40`` today, ``Thu 09:00`` within the week, ``28 Nov 09:00`` further away."""
    reset = local_time(resets_at, zone)
    today = local_time(now, zone)
    clock = reset.strftime("%H:%M")
    days = (reset.date() - today.date()).days
    if days == 0:
        return clock
    if 0 < days < 7:
        return f"{reset.strftime('%a')} {clock}"
    return f"{reset.day} {reset.strftime('%b')} {clock}"


class LimitRow(NamedTuple):
    """One row of the limits panel, in plain words."""

    label: str
    remaining: float | None  # None once the reset has passed
    percent_text: str
    level: Level
    reset_text: str
    stale: bool
    past_reset: bool


def limit_row(
    window: UsageWindow, limits: LimitSnapshot, now: float, zone: tzinfo | None = None
) -> LimitRow:
    """The panel row of one window: ``64% left``, ``resets in 2h 13m · 16:40``."""
    stale = limits.is_stale(now)
    if window.resets_at is not None and window.is_past_reset(now):
        when = format_reset_clock(window.resets_at, now, zone)
        return LimitRow(
            label=window.label,
            remaining=None,
            percent_text="reset",
            level=Level.UNKNOWN,
            reset_text=f"reset at {when} — new reading on your next Codex turn",
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
    )


def reading_age_text(limits: LimitSnapshot, now: float) -> str:
    """``updated 40 s ago``, with a hint once the reading is stale."""
    text = f"updated {format_age(now - limits.observed_at)}"
    if limits.is_stale(now):
        text += " · may be out of date until your next Codex turn"
    return text


def credits_text(limits: LimitSnapshot) -> str | None:
    """``Credits: unlimited`` or ``Credits: 12 left``; None unless there is a positive balance."""
    credits = limits.credits
    if credits is None or not credits.has_credits:
        return None
    if credits.unlimited:
        return "Credits: unlimited"
    try:
        amount = float(credits.balance or "")
    except ValueError:
        return None
    if not math.isfinite(amount) or amount <= 0:
        return None
    return f"Credits: {round(amount):,} left"
