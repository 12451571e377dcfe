"""Codex homes with model calls on chosen days, for the usage index, the feed and the view."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

#: A model call: (Unix time, input tokens with cached ones, cached input, output).
Call = tuple[float, int, int, int]


def usage_session_id(index: int) -> str:
    """A session id of its own for each ``index``."""
    return f"019ad0b0-0000-7000-8000-{index:012x}"


def usage_lines(
    session_id: str, calls: Sequence[Call], *, cwd: str, model: str, first: int = 0
) -> list[str]:
    """A session's lines: its start, then one usage report per call (running totals)."""
    start = calls[0][0] - 60
    lines = [
        r.session_meta(start, session_id, cwd=cwd, branch=None),
        r.turn_context(start + 1, model=model, cwd=cwd),
    ]
    lines += call_lines(calls, first=first)
    return lines


def call_lines(calls: Sequence[Call], *, first: int = 0, before: Call | None = None) -> list[str]:
    """Usage reports for ``calls``, their totals going on from ``before`` (the calls so far,
    summed)."""
    total_in, total_cached, total_out = (before or (0, 0, 0, 0))[1:]
    lines = []
    for at, tokens_in, cached, out in calls:
        total_in += tokens_in
        total_cached += cached
        total_out += out
        lines.append(
            r.token_count(
                at,
                r.usage(total_in, total_cached, total_out),
                r.usage(tokens_in, cached, out),
            )
        )
    return lines


def write_usage_session(
    home: CodexHome,
    index: int,
    calls: Sequence[Call],
    *,
    cwd: str = "/home/dev/shop",
    model: str = "gpt-5.3-codex",
) -> Path:
    """A session (id from ``index``) in ``cwd`` making ``calls`` with ``model``."""
    session_id = usage_session_id(index)
    lines = usage_lines(session_id, calls, cwd=cwd, model=model)
    return home.write(session_id, lines, started=calls[0][0] - 60, mtime=calls[-1][0])


def summed(calls: Sequence[Call]) -> Call:
    """The calls' sums (the time is the last call's)."""
    return (
        calls[-1][0],
        sum(call[1] for call in calls),
        sum(call[2] for call in calls),
        sum(call[3] for call in calls),
    )
