"""Which sessions are listed and ranked, and whose limits the account shows."""

from __future__ import annotations

from datetime import UTC
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
        started_at=NOW - age - 60,
        activity=Activity(kind) if kind else None,
    )
    return base._replace(**extra)


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


def test_a_file_with_nothing_usable_is_no_session_to_list() -> None:
    """An empty or junk file named like a log, just written: no start, no activity known."""
    junk = snap("junk", 1, started_at=None, last_activity_at=None)
    assert not is_listed(junk, NOW)
    assert select_sessions([junk, snap("real", 30, ActivityKind.RUNNING)], NOW)[0].session_id == (
        "real"
    )
    assert is_listed(snap("new", 1, started_at=NOW - 1), NOW)  # a header is enough


def test_a_file_with_nothing_usable_is_no_ended_session_either() -> None:
    """An empty file, a sparse one of NULs, or a first line still being written, modified
    today: not an "ended" row ("(none) · Ended 00:09 · not logged yet") under the live ones."""
    from codex_presence_gui.core.selection import select_ended

    junk = snap("junk", 300, started_at=None, last_activity_at=None)
    done = snap("done", 300)
    assert [s.session_id for s in select_ended([junk, done], NOW, UTC)] == ["done"]


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


def test_thousands_of_limit_ids_show_the_newest_few_buckets() -> None:
    """A log naming a new limit id on every line (damaged or hostile) had put thousands of
    rows in the limits panel: the window took minutes to draw. The account's bucket and the
    most recently read model buckets are kept, up to ``MAX_BUCKETS``."""
    from codex_presence_gui.core.selection import MAX_BUCKETS

    window = (UsageWindow(300, 10.0, NOW + 3600),)
    many = tuple(
        LimitSnapshot(f"codex_m{i:04d}", None, None, NOW - 3000 + i, window) for i in range(2000)
    )
    account = LimitSnapshot("codex", None, None, NOW - 5000, window)
    shown = account_buckets([snap("a", 1, limit_buckets=(account, *many))])
    assert len(shown) == MAX_BUCKETS
    assert shown[0] is account
    newest = {f"codex_m{i:04d}" for i in range(2000 - MAX_BUCKETS + 1, 2000)}
    assert {bucket.limit_id for bucket in shown[1:]} == newest


def test_ended_sessions_are_kept_since_midnight_or_twelve_hours() -> None:
    """Ended today (or in the last 12 h while the day is young): kept, newest first; active
    ones are not "ended"; older ones are gone."""
    from datetime import datetime, timedelta, timezone

    from codex_presence_gui.core.selection import ended_since, select_ended

    zone = timezone(timedelta(hours=2))
    evening = datetime(2027, 1, 15, 20, 0, tzinfo=zone).timestamp()
    midnight = datetime(2027, 1, 15, 0, 0, tzinfo=zone).timestamp()
    assert ended_since(evening, zone) == midnight
    early = datetime(2027, 1, 16, 1, 0, tzinfo=zone).timestamp()
    assert ended_since(early, zone) == early - 12 * 3600  # 13:00 the day before

    def at(
        session_id: str, when: float, kind: ActivityKind = ActivityKind.IDLE
    ) -> CodexSessionSnapshot:
        return snap(session_id, 0, kind)._replace(recency=when)

    snapshots = [
        at("now", evening - 10),  # recent: active, not ended
        at("busy", evening - 1800, ActivityKind.RUNNING),  # sticky: active, not ended
        at("afternoon", midnight + 13 * 3600),
        at("dawn", midnight + 60),
        at("yesterday", midnight - 60),
    ]
    ended = select_ended(snapshots, evening, zone)
    assert [s.session_id for s in ended] == ["afternoon", "dawn"]
    # Just after midnight the last 12 hours (from 12:05) still count: the afternoon stays.
    after = midnight + 86400 + 300
    ended = select_ended(snapshots, after, zone)
    assert [s.session_id for s in ended] == ["now", "busy", "afternoon"]
    # The active choice is untouched.
    assert [s.session_id for s in select_sessions(snapshots, evening)] == ["now", "busy"]


def test_dashboard_lists_ended_sessions_apart_from_the_active_ones() -> None:
    """``sessions`` (what ``status`` prints) and ``active`` are as before; ``ended`` adds
    today's finished sessions."""

    from codex_presence_gui.core.dashboard import build_dashboard
    from codex_presence_gui.core.reader import ReadResult

    snapshots = (snap("live", 10, ActivityKind.IDLE), snap("done", 4000, ActivityKind.IDLE))
    result = ReadResult(
        snapshots=snapshots, warnings=(), missing_homes=(), homes=(), generated_at=NOW
    )
    board = build_dashboard(result, zone=UTC)
    assert [s.session_id for s in board.sessions] == ["live"]
    assert board.active is not None
    assert board.active.session_id == "live"
    assert [s.session_id for s in board.ended] == ["done"]
    everything = build_dashboard(result, include_all=True, zone=UTC)
    assert [s.session_id for s in everything.sessions] == ["live", "done"]
