"""Builders of session snapshots and dashboards for view tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    ContextUsage,
    Credits,
    LimitSnapshot,
    TokenUsage,
    UsageWindow,
)
from codex_presence_gui.core.problems import Problem

NOW = 1_800_000_000.0


def session(session_id: str = "s1", *, age: float = 5.0, **changes: Any) -> CodexSessionSnapshot:
    """A working session whose last sign of life was ``age`` seconds before ``NOW``."""
    base = CodexSessionSnapshot(
        session_id=session_id,
        file=Path(f"/home/dev/.codex/sessions/2027/01/15/rollout-{session_id}.jsonl"),
        cwd=f"/home/dev/{session_id}",
        project=session_id,
        git_branch="main",
        model="gpt-5.3-codex",
        surface="CLI",
        started_at=NOW - 600,
        last_activity_at=NOW - age,
        session_total_tokens=52414,
        last_turn_tokens=26412,
        session_delta_tokens=26412,
        tokens=TokenUsage(51234, 40960, 1180, 640, 52414),
        context=ContextUsage(26412, 258400),
        activity=Activity(ActivityKind.RUNNING, "cargo test"),
        recency=NOW - age,
    )
    return base._replace(**changes)


def limits(
    used: tuple[float, float] = (36.0, 82.0), *, observed: float = NOW - 40, resets_in: float = 7980
) -> LimitSnapshot:
    """The account bucket with a 5h and a weekly window."""
    return LimitSnapshot(
        "codex",
        None,
        "plus",
        observed,
        (
            UsageWindow(300, used[0], NOW + resets_in),
            UsageWindow(10080, used[1], NOW + 3 * 86400, slot="secondary"),
        ),
    )


def dashboard(
    sessions: tuple[CodexSessionSnapshot, ...] = (),
    *,
    limit: LimitSnapshot | None = None,
    homes: tuple[Path, ...] = (Path("/home/dev/.codex"),),
    missing: tuple[Path, ...] = (),
    warnings: tuple[Problem, ...] = (),
    now: float = NOW,
    not_folders: tuple[tuple[Path, str], ...] = (),
) -> Dashboard:
    """A dashboard as the feed delivers it."""
    return Dashboard(
        generated_at=now,
        homes=homes,
        missing_homes=missing,
        sessions=sessions,
        active=sessions[0] if sessions else None,
        limits=limit,
        limits_source=sessions[0] if sessions and limit else None,
        other_limits=(),
        warnings=warnings,
        sessions_read=len(sessions),
        not_folders=not_folders,
    )


def reading(
    observed: float,
    *windows: UsageWindow,
    credits: Credits | None = None,
    limit_id: str = "codex",
) -> LimitSnapshot:
    """A limit reading of ``windows`` taken at ``observed`` (plan ``plus``)."""
    return LimitSnapshot(limit_id, None, "plus", observed, windows, credits)


def tooltip_text(tooltip: str) -> str:
    """What a (rich-text) tooltip shows, as plain text."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()
