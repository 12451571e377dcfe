"""The ``status`` report: one structure for ``--json`` and the text the window would show."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from codex_presence_gui.core.dashboard import (
    Dashboard,
    SessionShare,
    build_dashboard,
    insight_notes,
    shares_by_session,
)
from codex_presence_gui.core.discovery import (
    SESSIONS_DIR,
    closed_homes_text,
    logs_folder_text,
    sessions_blocked_text,
    sessions_blocked_texts,
    sessions_missing_text,
    shown_home,
)
from codex_presence_gui.core.formatting import (
    activity_text,
    capitalized,
    credits_text,
    format_age,
    format_percent_left,
    format_tokens_compact,
    limit_label,
    model_name,
    pace_text,
    reset_phrase,
    share_text,
    stale_text,
    status_usage_text,
    text_bar,
    token_triplet_text,
)
from codex_presence_gui.core.history import UsageHistory
from codex_presence_gui.core.insights import PaceState, WindowInsight
from codex_presence_gui.core.models import (
    CodexSessionSnapshot,
    LimitSnapshot,
    TokenUsage,
    UsageWindow,
)
from codex_presence_gui.core.problems import path_text, said_problems
from codex_presence_gui.core.reader import ReadResult
from codex_presence_gui.core.sanitize import clean_text, project_label, shown_key
from codex_presence_gui.core.wrapping import fitted, packed, wrapped

#: 2: warnings are objects (text, kind, path) instead of strings.
SCHEMA_VERSION = 2


# Remembered: a report names the same few reset times (and each session's last activity
# twice) in every session, 300,000 stamps for 50,000 sessions.
@functools.lru_cache(maxsize=8192)
def rfc3339(epoch: float | None) -> str | None:
    """Unix seconds to ``2026-05-04T09:14:55.902Z``; None stays None."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _pace_json(
    board: Dashboard | None, limits: LimitSnapshot, window: UsageWindow, now: float
) -> dict[str, Any]:
    insight: WindowInsight | None = board.insight(limits, window) if board is not None else None
    if insight is None:
        return {
            "burn_rate_percent_per_hour": None,
            "runs_out_at": None,
            "pace": None,
            "pace_text": None,
        }
    pace = insight.pace_at(now)
    rate = pace.rate_per_hour
    return {
        "burn_rate_percent_per_hour": None if rate is None else round(rate, 3),
        # Only when it comes before the reset (or has come: the limit was reached).
        "runs_out_at": rfc3339(pace.runs_out_at)
        if pace.state in (PaceState.RUNS_OUT, PaceState.REACHED)
        else None,
        "pace": pace.state.value,
        "pace_text": pace_text(insight, now),
    }


def _limits_json(
    limits: LimitSnapshot,
    now: float,
    source_session_id: str | None,
    board: Dashboard | None = None,
) -> dict[str, Any]:
    credits = limits.credits
    return {
        "source_session_id": source_session_id,
        "observed_at": rfc3339(limits.observed_at),
        "stale": limits.is_stale(now),
        "limit_id": limits.limit_id,
        "limit_name": limits.limit_name,
        "plan_type": limits.plan_type,
        "windows": [
            {
                "label": window.label,
                "window_minutes": window.window_minutes,
                "used_percent": window.used_percent,
                # Past its reset the reading no longer says what is left: null, never a
                # number a script could take for the current figure (docs/development.md).
                "remaining_percent": None
                if window.is_past_reset(now)
                else window.remaining_percent,
                "resets_at": rfc3339(window.resets_at),
                "past_reset": window.is_past_reset(now),
                **_pace_json(board, limits, window, now),
            }
            for window in limits.windows
        ],
        "credits": None
        if credits is None
        else {
            "has_credits": credits.has_credits,
            "unlimited": credits.unlimited,
            "balance": credits.balance,
        },
    }


def _tokens_json(usage: TokenUsage | None) -> dict[str, int]:
    usage = usage or TokenUsage()
    return {
        "input": usage.input,
        "cached_input": usage.cached_input,
        "output": usage.output,
        "reasoning_output": usage.reasoning_output,
    }


def _session_json(
    snapshot: CodexSessionSnapshot, now: float, active: bool, shares: tuple[SessionShare, ...]
) -> dict[str, Any]:
    context = snapshot.context
    activity = snapshot.activity
    return {
        "session_id": snapshot.session_id,
        "file": path_text(snapshot.file),
        "project": snapshot.project,
        "cwd": snapshot.cwd,
        "git_branch": snapshot.git_branch,
        "model": snapshot.model,
        "originator": snapshot.originator,
        "surface": snapshot.surface,
        "cli_version": snapshot.cli_version,
        "started_at": rfc3339(snapshot.started_at),
        "last_activity_at": rfc3339(snapshot.last_activity_at),
        "last_token_event_at": rfc3339(snapshot.last_token_event_at),
        "session_total_tokens": snapshot.session_total_tokens,
        "last_turn_tokens": snapshot.last_turn_tokens,
        "session_delta_tokens": snapshot.session_delta_tokens,
        "inherited_tokens": snapshot.inherited_tokens,
        "tokens": _tokens_json(snapshot.tokens),
        "context": None
        if context is None
        else {
            "used_tokens": context.used_tokens,
            "window_tokens": context.window_tokens,
            "left_percent": context.left_percent,
        },
        "activity": None
        if activity is None
        else {"kind": activity.kind.value, "target": activity.target, "text": activity.text},
        "pending_calls": snapshot.pending_calls,
        "active": active,
        "limits": None
        if snapshot.limits is None
        else _limits_json(snapshot.limits, now, snapshot.session_id),
        # Percentage points of each window's current period this session used, by window.
        "share_percent": {share.label: round(share.percent, 2) for share in shares},
        "burns_fastest": [share.label for share in shares if share.fastest],
    }


def build_report(
    result: ReadResult,
    *,
    include_all: bool = False,
    history: UsageHistory | None = None,
    lazy: bool = False,
) -> dict[str, Any]:
    """The ``status --json`` document (schema 2; pace, shares and notes need ``history``).

    With ``lazy``, ``sessions`` is an iterator that makes each session's part as it is asked
    for (see ``cli.write_report_json``), not a list.
    """
    board = build_dashboard(result, include_all=include_all, history=history)
    now = board.generated_at
    source = board.limits_source
    active_id = board.active.session_id if board.active is not None else None
    # Every session's shares in one pass over the windows (one search per session was
    # quadratic: 150 s for 50,000 sessions).
    shares = shares_by_session(board)
    sessions = (
        _session_json(s, now, s.session_id == active_id, shares.get(s.session_id, ()))
        for s in board.sessions
    )
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": rfc3339(now),
        "codex_homes": [path_text(home) for home in board.homes],
        "limits": None
        if board.limits is None or source is None
        else _limits_json(board.limits, now, source.session_id, board),
        "limits_reasons": _no_limits_reasons(board) if board.limits is None else [],
        "other_limits": [
            _limits_json(bucket, now, bucket.source_session_id, board)
            for bucket in board.other_limits
        ],
        "sessions": (sessions if lazy else list(sessions)),
        "notes": list(insight_notes(board)),
        "warnings": [warning.to_json() for warning in board.warnings],
    }


#: The text's width when none is given (a terminal's, by default).
TEXT_WIDTH = 80


def columns(text: str) -> int:
    """The terminal columns ``text`` takes (``sanitize.text_cells``)."""
    from codex_presence_gui.core.sanitize import text_cells

    return text_cells(text)


#: The columns a reset or pace needs beside the limits' labels ("resets in 2d 18h" and a
#: little room); narrower, the lines under a bar start at the left.
UNDER_BAR_LEAST = 20


def _limit_lines(
    limits: LimitSnapshot, now: float, zone: tzinfo | None, board: Dashboard, width: int
) -> list[str]:
    lines = []
    label_width = max(len(limit_label(w)) for w in limits.windows)
    for window in limits.windows:
        label = limit_label(window).ljust(label_width)
        if window.is_past_reset(now):
            phrase = reset_phrase(window, now, limits.observed_at, zone)
            parts = [phrase, "likely full, confirmed on your next turn"]
            lines.extend(packed(parts, f"  {label}  ", f"  {' ' * label_width}  ", width, " — "))
            continue
        remaining = window.remaining_percent
        bar = f"  {label}  {text_bar(remaining)} {format_percent_left(remaining):>9}"
        phrase = reset_phrase(window, now, limits.observed_at, zone)
        under = f"  {' ' * label_width}  "
        if width - len(under) < UNDER_BAR_LEAST:
            # Too narrow under the bar (30 columns): from the left, as the label's lines are,
            # not "resets in 1h" with "32m" on a line of its own.
            under = "    "
        if columns(f"{bar}  {phrase}") <= width:
            lines.append(f"{bar}  {phrase}")
        else:  # a narrow terminal: the reset goes under the bar, with the pace
            lines.append(bar)
            # Narrower still, its clock time goes on a line of its own ("resets in 2d 18h",
            # then "(18:23 on 4 Dec)"): it had run past the edge, as only a bar may.
            head, paren, clock = phrase.partition(" (")
            for line in packed(
                [head, f"({clock}"] if paren else [phrase], under, under, width, " "
            ):
                fits = columns(line) <= width
                lines.extend([line] if fits else wrapped(line[len(under) :], width, under))
        insight = board.insight(limits, window)
        pace = pace_text(insight, now, zone) if insight is not None else ""
        if pace:
            # A narrow terminal breaks it after its comma ("runs out ~15:20," then "1h 20m
            # before the reset"), not in the middle of either part.
            *parts, last = pace.split(", ")
            for line in packed([f"{part}," for part in parts] + [last], under, under, width, " "):
                # A part longer than the line ("pace: shown once you use Codex again" in 50
                # columns) is wrapped at its spaces, not left to run past the edge.
                fits = columns(line) <= width
                lines.extend([line] if fits else wrapped(line[len(under) :], width, under))
    credits = credits_text(limits)
    if credits is not None:
        lines.append(f"  {credits}")
    return lines


def _session_title(project: str, branch: str | None, cells: int) -> str:
    """A session's project and branch, "shop (main)", in ``cells`` columns where they allow:
    a long branch gives way first, down to half of them, then the project."""
    if not branch:
        return fitted(project, cells)
    title = f"{project} ({branch})"
    if columns(title) <= cells:
        return title
    branch = fitted(branch, max(cells - 3 - columns(project), (cells - 3) // 2))
    return f"{fitted(project, cells - 3 - columns(branch))} ({branch})"


def _session_lines(
    snapshot: CodexSessionSnapshot,
    now: float,
    marker: str,
    shares: tuple[SessionShare, ...],
    width: int,
) -> list[str]:
    # The session's names as keys (``shown_key``): cleaned, two could read the same.
    title = _session_title(project_label(snapshot.project), snapshot.git_branch, width - 2)
    details = [
        activity_text(snapshot),
        fitted(model_name(snapshot.model), width - 4),
        fitted(snapshot.surface, width - 4),
    ]
    tokens = token_triplet_text(
        snapshot.session_delta_tokens, snapshot.last_turn_tokens, snapshot.session_total_tokens
    )
    lines = packed([title, *details], f"{marker} ", "    ", width)
    label = "    Tokens (this update | last response | session total):"
    if columns(f"{label} {tokens}") <= width:
        lines.append(f"{label} {tokens}")
    elif columns("    Tokens (update | last response | total):") <= width:
        # A narrow terminal: the numbers under their names, shortened if need be.
        short = "    Tokens (update | last response | total):"
        lines.extend((label if columns(label) <= width else short, f"      {tokens}"))
    elif tokens == token_triplet_text(None, None, None):
        lines.append(f"    Tokens: {tokens}")
    else:  # narrower still (40 columns): each number beside its name, one a line
        values = (
            snapshot.session_delta_tokens,
            snapshot.last_turn_tokens,
            snapshot.session_total_tokens,
        )
        lines.append("    Tokens:")
        for value, name in zip(values, ("this update", "last response", "total"), strict=True):
            lines.append(f"      {format_tokens_compact(value)} {name}")
    if snapshot.tokens is not None:  # the figure a user compares with Codex's own
        usage = f"/status token usage: {status_usage_text(snapshot.tokens)}"
        lines.extend(wrapped(usage, width, "    ", "      "))
    extras = []
    if snapshot.context is not None:
        context = snapshot.context
        extras.append(
            f"context {context.left_percent}% left ({format_tokens_compact(context.used_tokens)}"
            f" used / {format_tokens_compact(context.window_tokens)})"
        )
    if snapshot.last_activity_at is not None:
        extras.append(f"last activity {format_age(now - snapshot.last_activity_at)}")
    for share in shares:
        extras.append(share_text(share) + (" (burns fastest)" if share.fastest else ""))
    if extras:
        extras[0] = capitalized(extras[0])
        for line in packed(extras, "    ", "    ", width):
            # A part longer than the line ("≈ 25% of the 5h window (burns fastest)" at 40
            # columns) is broken between its words, as only a bar may run past the edge.
            fits = columns(line) <= width
            lines.extend([line] if fits else wrapped(line[4:], width, "    ", "      "))
    return lines


#: Why ``limits`` is null in ``status --json`` (``limits_reasons``): stable names, as the
#: warnings' kinds are.
SESSIONS_MISSING = "sessions_missing"
SESSIONS_NOT_A_FOLDER = "sessions_not_a_folder"
NO_PLAN_LIMITS = "no_plan_limits"
NO_READING_YET = "no_reading_yet"
HOME_CLOSED = "home_closed"

_NO_PLAN_LIMITS = "in Codex's replies so far (an API key or a local model has no plan limits)"
_NO_READING_YET = "(Codex writes one with every model response)"


def _missing_sessions_text(folders: list[str]) -> str:
    then = "it" if len(folders) == 1 else "them"
    return f"{sessions_missing_text(folders)} (Codex makes {then} when a session starts)"


def _logs_folders_said(board: Dashboard) -> dict[Path, str]:
    """What is said of each home that is Codex's logs folder itself, by home."""
    return {
        home: logs_folder_text(shown_home(home), shown_home(meant))
        for home, meant in board.logs_folders
    }


def _no_limits_reasons(board: Dashboard) -> list[dict[str, str | None]]:
    """Why there is no limit reading, for ``status --json``: what the text says, one object
    per cause, shaped as the warnings are (text, kind, path)."""
    if board.all_closed:
        return [
            {
                "text": closed_homes_text([(shown_home(home), why)]),
                "kind": HOME_CLOSED,
                "path": path_text(home),
            }
            for home, why in board.closed_homes
        ]
    if board.no_sessions_folder:
        kinds = dict(board.blocked_sessions)
        instead = _logs_folders_said(board)
        reasons: list[dict[str, str | None]] = []
        for home in board.sessionless:
            folder = home / SESSIONS_DIR
            if home in kinds:
                text = sessions_blocked_text(shown_home(folder), kinds[home])
                kind = SESSIONS_NOT_A_FOLDER
            elif home in instead:  # still missing, said as what was meant
                text, kind = instead[home], SESSIONS_MISSING
            else:
                text, kind = _missing_sessions_text([shown_home(folder)]), SESSIONS_MISSING
            reasons.append({"text": text, "kind": kind, "path": path_text(folder)})
        return reasons
    if board.has_replies:
        text, kind = f"No limits {_NO_PLAN_LIMITS}", NO_PLAN_LIMITS
    else:
        text, kind = f"No limit reading yet {_NO_READING_YET}", NO_READING_YET
    return [{"text": text, "kind": kind, "path": None}]


def _no_limits_text(board: Dashboard) -> str:
    """Why there is no limit reading, as the window's limits panel says it."""
    if board.all_closed:
        # Its advice is the sessions' line's (below): said once.
        closed = "; ".join(f"{shown_home(home)} ({why})" for home, why in board.closed_homes)
        return f"Limits: none to show: cannot open {closed}."
    if board.no_sessions_folder:
        kinds = dict(board.blocked_sessions)
        # A file where ``sessions`` goes is said as one: Codex cannot make the folder then.
        said = sessions_blocked_texts(
            [
                (shown_home(home / SESSIONS_DIR), kinds[home])
                for home in board.sessionless
                if home in kinds
            ]
        )
        instead = _logs_folders_said(board)
        said += [instead[home] for home in board.sessionless if home in instead]
        missing = [
            shown_home(home / SESSIONS_DIR)
            for home in board.sessionless
            if home not in kinds and home not in instead
        ]
        if missing:
            said.append(_missing_sessions_text(missing))
        return f"Limits: none to show: {'; '.join(said)}."
    if board.has_replies:
        return f"Limits: none {_NO_PLAN_LIMITS}."
    return f"Limits: no reading yet {_NO_READING_YET}."


def _source_text(source: CodexSessionSnapshot, cells: int) -> str:
    """Where the reading came from, in ``cells`` columns where a name allows: its session's
    project, or the session itself when that has no folder with a name (``project_label``'s
    "(none)" had read "from (none)")."""
    if source.project:
        return f"from {fitted(project_label(source.project), cells - 5)}"
    return f"from session {shown_key(source.session_id)}"


def _limits_title(
    limits: LimitSnapshot, now: float, width: int, heading: str, *after: str
) -> list[str]:
    """A bucket's heading with its reading's age (and ``after``), then, when it is stale, the
    limits panel's sentence on lines of its own as there (within a narrow terminal's width)."""
    title = packed(
        [heading, f"updated {format_age(now - limits.observed_at)}", *after], "", "  ", width
    )
    if stale := stale_text(limits, now):
        title.extend(wrapped(stale, width, "  "))
    return title


def render_text(
    result: ReadResult,
    *,
    include_all: bool = False,
    zone: tzinfo | None = None,
    history: UsageHistory | None = None,
    width: int = TEXT_WIDTH,
) -> str:
    """What the window would show, as plain text, safe to print to a terminal, in lines of
    at most ``width`` columns where its parts allow (a long name is shortened around an
    ellipsis; a word or a path longer than a line is kept whole).

    Every element of ``out`` is one line; each is cleaned as a whole (``clean_text``), so no
    field from the logs can add a line or reach the terminal as an escape sequence.
    """
    board = build_dashboard(result, include_all=include_all, history=history)
    now = board.generated_at
    out: list[str] = []
    if board.limits is None or board.limits_source is None:
        out.extend(wrapped(_no_limits_text(board), width))
    else:
        limits = board.limits
        source = _source_text(board.limits_source, width - 2)  # on a line of its own
        # A model's limits shown alone (no reading of the account's found) say whose they
        # are, as other models' limits do below: unnamed, they read as the account's.
        heading = "Limits" if limits.is_account_bucket else f"Limits · {limits.display_name}"
        out.extend(_limits_title(limits, now, width, heading, source))
        out.extend(_limit_lines(limits, now, zone, board, width))
        for bucket in board.other_limits:
            # Each with its own age: a model's limits read hours ago had stood under the
            # account's fresh ones without a word of it.
            out.extend(_limits_title(bucket, now, width, f"Limits · {bucket.display_name}"))
            out.extend(_limit_lines(bucket, now, zone, board, width))
        # Imported here: the usage report's module (its prices) is not needed otherwise.
        from codex_presence_gui.core.zones import unknown_zone_setting, unknown_zone_text

        notes = list(insight_notes(board, zone))
        if zone is None and (setting := unknown_zone_setting()) is not None:
            # The reset clocks follow the C library, which counts in UTC then: said, as the
            # window's limits panel says it.
            notes.append(f"{unknown_zone_text(setting, 'times')}.")
        for note in notes:
            out.extend(wrapped(f"Note: {note}", width, "  ", "    "))
    out.append("")
    heading = "All sessions" if include_all else "Active sessions"
    if not board.sessions and board.all_closed:
        # "Start `codex`" would not help: the folder its logs are in cannot be read.
        closed = [(shown_home(home), why) for home, why in board.closed_homes]
        out.extend(wrapped(f"{heading}: none can show up: {closed_homes_text(closed)}.", width))
    elif not board.sessions:
        out.extend(wrapped(f"{heading}: none. Start `codex` in a terminal to see it here.", width))
    else:
        out.append(f"{heading} ({len(board.sessions)}):")
        active_id = board.active.session_id if board.active is not None else None
        shares = shares_by_session(board)
        for snapshot in board.sessions:
            marker = "▶" if snapshot.session_id == active_id else " "
            shown = shares.get(snapshot.session_id, ())
            out.extend(_session_lines(snapshot, now, marker, shown, width))
    if board.warnings:
        out.append("")
        out.append("Warnings:")
        for warning in said_problems(board.warnings):
            out.extend(wrapped(f"- {warning}", width, "  ", "    "))
    return "\n".join(clean_text(line) for line in out)
