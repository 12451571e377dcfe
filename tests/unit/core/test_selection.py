"""Which sessions are listed and ranked, and whose limits the account shows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    LimitSnapshot,
    UsageWindow,
)
from codex_presence_gui.core.selection import (
    account_buckets,
    dedupe,
    is_listed,
    latest_limits_source,
    select_sessions,
)

NOW = 1_800_000_000.0


def snap(
    session_id: str, age: float, kind: ActivityKind | None = None, **extra: object
) -> CodexSessionSnapshot:
    base = CodexSessionSnapshot(
        session_id=session_id,
        file=Path(f"{session_id}.jsonl"),
        cwd="/p",
        project="p",
        recency=NOW - age,
        activity=Activity(kind) if kind else None,
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def limits(observed: float, limit_id: str = "codex") -> LimitSnapshot:
    return LimitSnapshot(limit_id, None, None, observed, (UsageWindow(300, 10.0, None),))


def test_listing_rules() -> None:
    """Recent: listed. Up to an hour: only while working, waiting or with pending calls."""
    assert is_listed(snap("a", 89, ActivityKind.IDLE), NOW)
    assert not is_listed(snap("a", 91, ActivityKind.IDLE), NOW)
    assert not is_listed(snap("a", 91), NOW)
    assert is_listed(snap("a", 1800, ActivityKind.WAITING), NOW)
    assert is_listed(snap("a", 1800, ActivityKind.IDLE, pending_calls=1), NOW)
    assert not is_listed(snap("a", 3601, ActivityKind.RUNNING), NOW)


def test_ranking_and_dedupe() -> None:
    """Newest first; ties by pending calls, then activity; one row per session id."""
    older = snap("x", 50, ActivityKind.THINKING)
    newer_same_id = snap("x", 10, ActivityKind.IDLE)
    tie_a = snap("a", 20, ActivityKind.IDLE)
    tie_b = snap("b", 20, ActivityKind.RUNNING)
    ranked = dedupe([older, newer_same_id, tie_a, tie_b])
    assert [s.session_id for s in ranked] == ["x", "b", "a"]
    assert ranked[0] is newer_same_id
    assert [s.session_id for s in select_sessions([tie_a, snap("old", 10**5)], NOW)] == ["a"]
    assert len(select_sessions([tie_a, snap("old", 10**5)], NOW, include_all=True)) == 2


def test_latest_limits_source() -> None:
    """The freshest account reading wins; model buckets never beat it; ties go to newer files."""
    a = snap("a", 5, limits=limits(NOW - 60), file_mtime=1.0)
    b = snap("b", 500, limits=limits(NOW - 30), file_mtime=1.0)
    model = snap("m", 1, limits=limits(NOW - 1, "codex_bengalfox"))
    assert latest_limits_source([a, b, model]) is b
    tie = snap("c", 5, limits=limits(NOW - 30), file_mtime=2.0)
    assert latest_limits_source([a, b, tie]) is tie
    assert latest_limits_source([snap("n", 1)]) is None
    assert latest_limits_source([model]) is model


def test_account_buckets_are_newest_per_id() -> None:
    """Each bucket's newest reading, the account bucket first."""
    old, new = limits(NOW - 100), limits(NOW - 10)
    spark = limits(NOW - 50, "codex_bengalfox")
    one = snap("a", 1, limit_buckets=(old, spark))
    two = snap("b", 1, limit_buckets=(new,))
    assert account_buckets([one, two]) == [new, spark]
