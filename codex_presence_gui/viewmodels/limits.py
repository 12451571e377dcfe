"""What the limits panel shows, as plain frozen data: one row per window, in every state."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import NamedTuple

from codex_presence_gui.core.dashboard import Dashboard, insight_notes
from codex_presence_gui.core.formatting import (
    NO_BREAK_SPACE,
    Level,
    as_of_text,
    capitalized,
    credits_text,
    format_age,
    format_percent_left,
    format_reset_clock,
    in_countdown,
    level_of,
    local_time,
    pace_text,
    reading_age_text,
    stale_text,
)
from codex_presence_gui.core.insights import PaceState, WindowInsight
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.sanitize import clean_text, project_label, shown_key
from codex_presence_gui.core.zones import unknown_zone_setting, unknown_zone_text
from codex_presence_gui.viewmodels.card import (
    blocked_sessions_folders,
    home_text,
    logs_folders_said,
    no_sessions_folder_text,
    sessions_folders,
)


class RowState(enum.Enum):
    """What a window's reading means now."""

    CURRENT = "current"  # a reading of the window in force
    REACHED = "reached"  # nothing left until the reset
    PAST_RESET = "past_reset"  # the reset time passed since the reading: most likely full again


class Spark(NamedTuple):
    """A window's use over its span, for the small chart beside its bar.

    ``steps`` go from the first reading through every rise to now, as percent *used*; the
    chart draws what is left (100 − used), as the bar does. ``origin`` is the window's start
    (0 % used) when known, joined to the first reading by a straight line because what
    happened between them was not seen. ``projection`` continues at the current pace to the
    reset or to 100 % used, whichever comes first. ``assumed`` marks a window that began after
    the reading (past its reset): nothing of it was seen yet.
    """

    start: float
    end: float  # the reset (or now, when the reset time is unknown)
    now: float
    origin: tuple[float, float] | None
    steps: tuple[tuple[float, float], ...]
    projection: tuple[tuple[float, float], ...]
    assumed: bool = False
    #: Whether the right edge is the reset (else now: the reset time is unknown) and the left
    #: edge the window's start (else its first reading: the window's length is unknown).
    reset_known: bool = True
    start_known: bool = True


def spark_tip(spark: Spark | None) -> str:
    """The small chart's tooltip, naming only what it draws: a window with no pace ahead (a
    stale reading, or one not yet known) had been promised a dashed line it did not have,
    and the dotted reset edge went unexplained."""
    if spark is None:
        return "No history of this window read yet."
    if spark.assumed:
        return (
            "A new window since the reset: full as far as is known (the dotted line), from\n"
            "its start (left edge) to now (the thin line)."
        )
    start = "its start" if spark.start_known else "its first reading"
    if spark.reset_known:
        lines = [
            f"What was left of this window, from {start} (left edge) to its reset (the",
            "dotted right edge); the thin line is now.",
        ]
    else:
        lines = [
            f"What was left of this window, from {start} (left edge) to now (right edge):",
            "its reset time is not known.",
        ]
    if spark.origin is not None:
        lines.append("The dotted slope joins its start to the first reading: nothing seen between.")
    if spark.projection:
        lines.append("The dashed line goes on at the current pace.")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class LimitRowView:
    """One window's row: the bar, the number, the status line and the pace line."""

    label: str  # ``5h``, ``Weekly``
    state: RowState
    percent_text: str  # ``64% left``, ``~100% left``
    level: Level
    left_fraction: float  # of the bar, 0..1
    dimmed: bool  # stale or past its reset: the value is kept, quieter
    status_text: str  # the reset, or ``Limit reached — …``, or the new window's note
    emphasis: bool  # the status line is the main news (limit reached): bold, coloured
    pace_text: str
    pace_warning: bool  # the pace runs out before the reset
    spoken: str  # for screen readers: what the row means (its name, see ``limit_row``)
    chart: Spark | None = None
    spoken_details: str = ""  # and what runs on with the clock (its description)
    whose: str = ""  # a model's limit: the model's name, said with the row's parts too
    #: The status and pace lines for screen readers, their durations in words ("resets in 2
    #: hours 13 minutes": "2h 13m" can be read as metres); empty: as shown.
    status_spoken: str = ""
    pace_spoken: str = ""


@dataclass(frozen=True, slots=True)
class LimitGroupView:
    """A bucket's rows under its heading (None for the account's own limits)."""

    heading: str | None
    rows: tuple[LimitRowView, ...]
    footer: str = ""  # the account's credits, said with its own limits
    key: str = ""  # the bucket's ``limit_id``: which limit the rows are, whatever their text
    whose: str = ""  # the model's name in ``heading``, drawn in its own direction


@dataclass(frozen=True, slots=True)
class LimitsView:
    """Everything the limits panel shows for one refresh."""

    message: str | None = None  # instead of bars: why there are none
    age_text: str = ""  # "updated 4m ago"
    age_short: str = ""  # "4m ago", where the whole does not fit
    age_spoken: str = ""  # "updated 4 minutes ago", for screen readers
    stale_text: str = ""  # a stale reading says so on its own line
    stale_spoken: str = ""  # the same, its age in words
    groups: tuple[LimitGroupView, ...] = ()
    notes: tuple[str, ...] = ()
    tooltip: str = ""


NO_READING_MESSAGE = (
    "No limit reading yet. Codex records your limits with every reply: "
    "start a turn in Codex and they appear here."
)
#: Replies were read, and none carried limits: "start a turn and they appear" had stood
#: above a card counting the tokens of the turns that did not bring them.
NO_LIMITS_IN_REPLIES_MESSAGE = (
    "No limits in Codex's replies so far: an API key or a local model has no plan limits. "
    "They appear here with the first reply that carries them."
)
LOADING_MESSAGE = "Reading your Codex logs…"
#: A home is there but its ``sessions`` folder is not (deleted while the app runs, or never
#: made): "no reading yet, start a turn" would not say what is wrong.
#: What follows the missing ``sessions`` folders (``no_sessions_folder_text``).
NO_SESSIONS_FOLDER_THEN = (
    "The limits appear here by themselves once Codex makes {it}, when a session starts."
)


def limit_row(
    window: UsageWindow,
    limits: LimitSnapshot,
    now: float,
    zone: tzinfo | None = None,
    insight: WindowInsight | None = None,
) -> LimitRowView:
    """The row of one window as of ``now``."""
    stale = limits.is_stale(now)
    chart = spark(insight, now) if insight is not None else None
    if window.resets_at is not None and window.is_past_reset(now):
        since = format_reset_clock(window.resets_at, now, zone)
        status = f"new window since {since}, confirmed on your next turn"
        return LimitRowView(
            label=window.label,
            state=RowState.PAST_RESET,
            percent_text="~100% left",
            level=Level.GOOD,
            left_fraction=1.0,
            dimmed=True,
            status_text=status,
            emphasis=False,
            pace_text="",
            pace_warning=False,
            spoken=f"{window.label} limit: most likely full again, {status}",
            chart=new_window_spark(window, now),
        )
    remaining = window.remaining_percent
    percent = format_percent_left(remaining)
    reached = percent == "0% left"
    # Screen readers are given a name that says what the row means (the percentage, the
    # reset's clock time), and what runs on with the clock (the countdown, the pace, the
    # reading's age) as its description: a name that changed each minute was read out again
    # each minute, as a new name of the row the keyboard is on.
    details: list[str] = []
    if window.resets_at is None:
        reset = reset_spoken = when = "reset time not reported"
    else:
        left = window.seconds_until_reset(now)
        countdown = in_countdown(left)
        said = in_countdown(left, spoken=True)
        clock = format_reset_clock(window.resets_at, now, zone)
        when = f"resets {clock}"
        # The clock kept whole where the line wraps: "(Thu" / "04:11)" had read as two things.
        reset = f"resets {countdown} ({clock.replace(' ', NO_BREAK_SPACE)})"
        reset_spoken = f"resets {said} ({clock})"
        details.append(f"Resets {said}")
    status = f"Limit reached — {reset}" if reached else reset
    status_spoken = f"Limit reached — {reset_spoken}" if reached else reset_spoken
    pace = pace_text(insight, now, zone) if insight is not None else ""
    pace_spoken = pace_text(insight, now, zone, spoken=True) if insight is not None else ""
    state = insight.pace_at(now).state if insight is not None else None
    if reached or state is None or state is PaceState.REACHED:
        pace = pace_spoken = ""  # the status line says it already
    spoken = f"{window.label} limit: {percent}, " + ("limit reached, " if reached else "") + when
    if state is PaceState.RUNS_OUT and not reached:
        spoken += ", runs out before the reset at this pace"
    if pace:
        details.append(pace_spoken)
    if stale:
        spoken += ", reading may be out of date"
        details.append(as_of_text(limits, now, spoken=True))
    return LimitRowView(
        label=window.label,
        state=RowState.REACHED if reached else RowState.CURRENT,
        percent_text=percent,
        level=level_of(remaining),
        left_fraction=remaining / 100,
        dimmed=stale,
        status_text=status,
        emphasis=reached,
        pace_text=pace,
        pace_warning=state is PaceState.RUNS_OUT,
        spoken=spoken,
        chart=chart,
        spoken_details="; ".join(details),
        status_spoken=status_spoken,
        pace_spoken=pace_spoken,
    )


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
    rate = insight.pace_at(now).rate_per_hour
    if rate and clock < end:
        used = steps[-1][1]
        stop = min(end, clock + (100 - used) / rate * 3600)
        projection = ((clock, used), (stop, min(100.0, used + rate * (stop - clock) / 3600)))
    return Spark(
        start,
        end,
        clock,
        origin,
        tuple(steps),
        projection,
        reset_known=current.resets_at is not None,
        start_known=current.start is not None or bool(length),
    )


def new_window_spark(window: UsageWindow, now: float) -> Spark | None:
    """The chart of the window that began at the old reading's reset: full, nothing seen yet."""
    if window.resets_at is None or not window.window_minutes or window.window_minutes <= 0:
        return None
    start = window.resets_at
    length = window.window_minutes * 60.0
    # Windows that passed several resets since: start at the latest reset before now.
    if now - start >= length:
        start += (now - start) // length * length
    end = start + length
    return Spark(start, end, now, None, ((start, 0.0), (now, 0.0)), (), assumed=True)


def unknown_zone_note(zone: tzinfo | None) -> str:
    """With no ``zone`` given and ``TZ`` naming a zone the system does not have, the note
    that the clock times shown are UTC's (the C library counts in UTC then), in the words
    the Usage page and ``report`` say it of their days; else empty."""
    if zone is None and (setting := unknown_zone_setting()) is not None:
        return f"{unknown_zone_text(setting, 'times')}."
    return ""


#: A countdown shorter than this shows its seconds (``59m 10s``; ``1h 0m`` at an hour).
SECONDS_SHOWN_BELOW = 3600.0


def shows_seconds(dashboard: Dashboard | None, now: float) -> bool:
    """Whether the panel made at ``now`` counts down in seconds: a reset less than an hour
    away (or just now: its row changes once it has passed), whose countdown moves each
    second."""
    if dashboard is None or dashboard.no_home or dashboard.limits is None:
        return False
    return any(
        window.resets_at is not None and 0 <= window.resets_at - now < SECONDS_SHOWN_BELOW
        for bucket in dashboard.buckets
        for window in bucket.windows
    )


def limits_view(dashboard: Dashboard | None, zone: tzinfo | None = None) -> LimitsView:
    """The panel for one refresh: the bars, or a sentence saying why there are none."""
    if dashboard is None:
        return LimitsView(message=LOADING_MESSAGE)
    limits = dashboard.limits
    if dashboard.no_home:
        # A file given as the folder is said as one, as the panel below says it.
        why = (
            "the folder given for Codex is not a folder"
            if dashboard.not_folders
            else "Codex's folder was not found"
        )
        return LimitsView(message=f"No limits to show: {why}.")
    if limits is None:
        # The sessions' times below (an ended one's "Ended 14:05", the tooltips' clocks) are
        # said to be UTC's here too, where the note stands with a reading: without one, the
        # table had shown them in UTC unsaid.
        shown = bool(dashboard.sessions or dashboard.ended)
        said_zone = unknown_zone_note(zone) if shown else ""
        notes_alone: tuple[str, ...] = (said_zone,) if said_zone else ()
        if dashboard.all_closed:
            # The card below gives the advice: said once.
            closed = "; ".join(f"{home_text(home)} ({why})" for home, why in dashboard.closed_homes)
            return LimitsView(message=f"No limits to show: cannot open {closed}.")
        if dashboard.no_sessions_folder:
            folders = sessions_folders(dashboard.sessionless)
            blocked = blocked_sessions_folders(dashboard.blocked_sessions)
            logs = logs_folders_said(dashboard.logs_folders)
            said = no_sessions_folder_text(
                "limits", folders, NO_SESSIONS_FOLDER_THEN, blocked, logs
            )
            return LimitsView(message=said, notes=notes_alone)
        replied = dashboard.has_replies
        message = NO_LIMITS_IN_REPLIES_MESSAGE if replied else NO_READING_MESSAGE
        return LimitsView(message=message, notes=notes_alone)
    now = dashboard.generated_at
    groups = []
    for bucket in dashboard.buckets:
        rows = tuple(
            limit_row(window, bucket, now, zone, dashboard.insight(bucket, window))
            for window in bucket.windows
        )
        footer = capitalized(credits_text(limits) or "") if bucket is limits else ""
        if bucket is limits and bucket.is_account_bucket:
            groups.append(LimitGroupView(None, rows, footer, key=bucket.limit_id))
        else:
            # Said with the model's name: read one by one, "5h limit" is the account's too.
            # So are a model's limits shown alone, where no reading of the account's is
            # found (a Spark turn logs its model's alone): unnamed, they read as the account's.
            named = tuple(
                replace(
                    row, spoken=f"{bucket.display_name} {row.spoken}", whose=bucket.display_name
                )
                for row in rows
            )
            heading = f"{bucket.display_name} limits"
            groups.append(
                LimitGroupView(
                    heading, named, footer, key=bucket.limit_id, whose=bucket.display_name
                )
            )
    tooltip = ""
    source = dashboard.limits_source
    if source is not None:
        when = local_time(limits.observed_at, zone).strftime("%H:%M:%S on %Y-%m-%d")
        plan = f" · plan: {clean_text(limits.plan_type)}" if limits.plan_type else ""
        # A session without a folder is named by its id alone: "session (none) (019d…)" had
        # read as a session called "(none)".
        session = shown_key(source.session_id)
        if source.project:
            session = f"{project_label(source.project)} ({session})"
        tooltip = f"Reading from session {session}\ntaken at {when}{plan}"
    notes = insight_notes(dashboard, zone)
    if zone_note := unknown_zone_note(zone):
        notes = (*notes, zone_note)
    return LimitsView(
        age_text=reading_age_text(limits, now),
        age_short=format_age(now - limits.observed_at),
        age_spoken=reading_age_text(limits, now, spoken=True),
        stale_text=stale_text(limits, now),
        stale_spoken=stale_text(limits, now, spoken=True),
        groups=tuple(groups),
        notes=notes,
        tooltip=tooltip,
    )
