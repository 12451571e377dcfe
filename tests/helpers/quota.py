"""Rollout files with a known quota story: usage and limit readings at chosen times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

if TYPE_CHECKING:
    from codex_presence_gui.core.dashboard import Dashboard

FIVE_HOURS = 5 * 3600
WEEK = 7 * 86400


@dataclass(frozen=True)
class Turn:
    """One response of a session: ``tokens`` new (non-cached input) tokens at ``at``, then the
    next request's reading a second later: the 5h window at ``used`` % (``None``: the account
    has only the weekly window, sent as the primary one) and the weekly one at ``weekly``.
    ``tokens=0`` is a reading with no new usage (a request whose response is still running).
    """

    at: float
    tokens: int
    used: float | None
    weekly: float | None = None
    resets_at: float | None = None  # the 5h reset; default: the scenario's
    weekly_resets_at: float | None = None
    limit_id: str = "codex"


def _wobble(value: float | None, index: int, jitter: bool) -> float | None:
    if value is None or not jitter:
        return value
    return value + (-3, 0, 2, 3, -1)[index % 5]


def session_lines(
    session_id: str,
    started: float,
    turns: Sequence[Turn],
    *,
    resets_at: float | None,
    weekly_resets_at: float | None = None,
    jitter: bool = True,
) -> list[str]:
    """The lines of one session as Codex writes them: per turn, the usage ``token_count``
    (carrying the limits known before it), then a second later the same usage again with the
    new reading. With ``jitter``, reset times wobble by up to 3 s as Codex's do."""
    lines = [r.session_meta(started, session_id), r.turn_context(started + 1)]
    total = 0
    known = None
    for index, turn in enumerate(turns):
        weekly = None
        if turn.weekly is not None:
            weekly_reset = _wobble(turn.weekly_resets_at or weekly_resets_at, index, jitter)
            weekly = (turn.weekly, 10080, weekly_reset)
        if turn.used is None:
            limits = r.limits(weekly, None, limit_id=turn.limit_id)
        else:
            five_reset = _wobble(turn.resets_at or resets_at, index, jitter)
            limits = r.limits((turn.used, 300, five_reset), weekly, limit_id=turn.limit_id)
        last = r.usage(turn.tokens, 0, 0)
        if turn.tokens:
            total += turn.tokens
            lines.append(r.token_count(turn.at, r.usage(total, 0, 0), last, known or limits))
        usage = r.usage(total, 0, 0) if total else None
        lines.append(r.token_count(turn.at + 1, usage, last if total else None, limits))
        known = limits
    return lines


def write_session(
    home: CodexHome,
    session_id: str,
    turns: Sequence[Turn],
    *,
    resets_at: float | None,
    weekly_resets_at: float | None = None,
    **options: bool,
) -> Path:
    """Write one session's file, its mtime at its last turn."""
    started = turns[0].at - 60
    lines = session_lines(
        session_id,
        started,
        turns,
        resets_at=resets_at,
        weekly_resets_at=weekly_resets_at,
        **options,
    )
    return home.write(session_id, lines, started=started, mtime=turns[-1].at + 2)


def steady_turns(
    start: float, end: float, step: float, tokens: int, used_from: float, used_step: float
) -> list[Turn]:
    """Turns every ``step`` seconds from ``start`` to ``end``, use rising by ``used_step``."""
    turns = []
    at, used = start, used_from
    while at <= end + 1e-6:
        turns.append(Turn(at, tokens, used))
        at += step
        used += used_step
    return turns


def quota_dashboard(home: CodexHome, now: float) -> Dashboard:
    """The dashboard the window would get for ``home`` at ``now``, history included."""
    from codex_presence_gui.core.dashboard import build_dashboard
    from codex_presence_gui.core.history import HistoryReader
    from codex_presence_gui.core.reader import CodexReader

    reader = CodexReader([home.root], clock=lambda: now)
    result = reader.refresh()
    assert reader.discovery is not None
    history = HistoryReader(clock=lambda: now).refresh(reader.discovery.files)
    return build_dashboard(result, history=history)


def two_sessions(home: CodexHome, now: float, a: str, b: str) -> float:
    """Two hours of a 5h window at 3 % per 5 minutes (runs out before the reset); B uses
    three times A's tokens, and the newest rise came after 40 quiet minutes (from elsewhere),
    just before B's newest turn.
    Returns the reset time."""
    start = now - 7200 - 2
    resets = start + FIVE_HOURS
    turns = steady_turns(start + 300, start + 4800, 300, 1000, 3, 3)
    b_turns = [Turn(turn.at - 30, 3000, turn.used - 3) for turn in turns[1:]]
    turns.append(Turn(now - 60, 0, turns[-1].used + 6))
    b_turns.append(Turn(now - 30, 3000, turns[-1].used))  # B is back at work after it
    write_session(home, a, turns, resets_at=resets, jitter=False)
    write_session(home, b, b_turns, resets_at=resets, jitter=False)
    return resets
