"""Which sessions are listed, which one is "active", and whose limits the account shows."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import datetime, tzinfo

from codex_presence_gui.core.models import (
    ActivityKind,
    CodexSessionSnapshot,
    LimitSnapshot,
    bucket_preference,
)

#: A session with a signal this recent is listed whatever it is doing.
STALE_SECONDS = 90.0
#: A working or waiting session stays listed this long after its last signal.
STICKY_SECONDS = 3600.0
#: The most buckets shown. Codex has the account's and a few model-specific ones (Spark's);
#: a log naming thousands of limit ids (damaged or hostile) had built panel rows for each,
#: and the window took minutes to draw its first view. The newest readings are kept.
MAX_BUCKETS = 8
#: An ended session stays in the window's list at least this long, and all day (see
#: ``ended_since``): what ran this morning and its totals stay in view until midnight.
ENDED_KEEP_SECONDS = 12 * 3600.0


def rank_key(snapshot: CodexSessionSnapshot) -> tuple[float, int, int, str]:
    """Sort key, higher first: recency, pending calls, activity priority, session id."""
    activity = snapshot.activity
    priority = activity.kind.priority if activity is not None else 0
    return (snapshot.recency, snapshot.pending_calls, priority, snapshot.session_id)


def is_listed(
    snapshot: CodexSessionSnapshot,
    now: float,
    *,
    stale_seconds: float = STALE_SECONDS,
    sticky_seconds: float = STICKY_SECONDS,
) -> bool:
    """Recent sessions are listed; older ones only while working, waiting or with pending calls.
    A file with no usable line at all (empty, or junk named like a log) is not a session to
    list, however fresh its mtime: nothing in it says when it started or did anything."""
    if _nothing_usable(snapshot):
        return False
    age = now - snapshot.recency
    if age <= stale_seconds:
        return True
    if age > max(sticky_seconds, 60.0):
        return False
    activity = snapshot.activity
    busy = activity is not None and activity.kind is not ActivityKind.IDLE
    return snapshot.pending_calls > 0 or busy


def _nothing_usable(snapshot: CodexSessionSnapshot) -> bool:
    """True for a file with no usable line (empty, junk, or a first line still unfinished):
    nothing says when it started or did anything."""
    return snapshot.started_at is None and snapshot.last_activity_at is None


def dedupe(snapshots: Iterable[CodexSessionSnapshot]) -> list[CodexSessionSnapshot]:
    """One snapshot per session id (the higher-ranked one), ranked best first."""
    best: dict[str, CodexSessionSnapshot] = {}
    for snapshot in snapshots:
        current = best.get(snapshot.session_id)
        if current is None or rank_key(snapshot) > rank_key(current):
            best[snapshot.session_id] = snapshot
    return sorted(best.values(), key=rank_key, reverse=True)


def select_sessions(
    snapshots: Iterable[CodexSessionSnapshot],
    now: float,
    *,
    include_all: bool = False,
    stale_seconds: float = STALE_SECONDS,
    sticky_seconds: float = STICKY_SECONDS,
) -> list[CodexSessionSnapshot]:
    """The sessions to show, best first; with ``include_all`` every session, newest first."""
    ranked = dedupe(snapshots)
    if include_all:
        return ranked
    return [
        s
        for s in ranked
        if is_listed(s, now, stale_seconds=stale_seconds, sticky_seconds=sticky_seconds)
    ]


def ended_since(now: float, zone: tzinfo | None = None) -> float:
    """The oldest last activity an ended session may have and still be listed: local midnight
    today, or ``ENDED_KEEP_SECONDS`` ago while the day is younger than that (the earlier of the
    two), so a session that ended at 23:50 does not vanish at midnight."""
    if zone is None:
        # Naive local time: ``timestamp()`` then resolves midnight with the offset in force at
        # midnight, which differs from now's on a daylight-saving day.
        midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        midnight = datetime.fromtimestamp(now, zone).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    return min(midnight.timestamp(), now - ENDED_KEEP_SECONDS)


def select_ended(
    snapshots: Iterable[CodexSessionSnapshot],
    now: float,
    zone: tzinfo | None = None,
    *,
    stale_seconds: float = STALE_SECONDS,
    sticky_seconds: float = STICKY_SECONDS,
) -> list[CodexSessionSnapshot]:
    """The sessions that are no longer listed as active but showed life since ``ended_since``,
    newest first: the window keeps them, muted, with their totals. A file with no usable
    line is no session that ended either (its mtime alone had listed it as "(none) · Ended")."""
    since = ended_since(now, zone)
    ended = [
        s
        for s in dedupe(snapshots)
        if s.recency >= since
        and not _nothing_usable(s)
        and not is_listed(s, now, stale_seconds=stale_seconds, sticky_seconds=sticky_seconds)
    ]
    return sorted(ended, key=lambda s: (s.recency, s.session_id), reverse=True)


def _limits_key(snapshot: CodexSessionSnapshot) -> tuple[int, float, float, str]:
    limits = snapshot.limits
    assert limits is not None
    return (
        bucket_preference(limits.limit_id),
        limits.observed_at,
        snapshot.file_mtime,
        snapshot.session_id,
    )


#: A reading as the limit timeline names it: its bucket, its session and its time.
ReadingKey = tuple[str, str | None, float]


def reading_key(limits: LimitSnapshot) -> ReadingKey:
    """How ``late`` sets below name ``limits``."""
    return (limits.limit_id, limits.source_session_id, limits.observed_at)


def latest_limits_source(
    snapshots: Sequence[CodexSessionSnapshot], late: Container[ReadingKey] = ()
) -> CodexSessionSnapshot | None:
    """The session whose limit reading is freshest; the account bucket beats model buckets.

    Ties on the reading's time go to the newer file, then the session id, so the choice is
    stable. Replayed fork lines never reach ``limits``, so their fresh timestamps cannot win.
    A reading in ``late`` (one the limit timeline took for a late one: see
    ``insights.Period.late``) is passed over while another session has one that is not.
    """
    candidates = [s for s in snapshots if s.limits is not None]
    if not candidates:
        return None
    if late:
        current = [s for s in candidates if s.limits is None or reading_key(s.limits) not in late]
        candidates = current or candidates
    return max(candidates, key=_limits_key)


def account_buckets(
    snapshots: Sequence[CodexSessionSnapshot], late: Container[ReadingKey] = ()
) -> list[LimitSnapshot]:
    """The newest reading of every bucket across all sessions, account bucket first; a
    reading in ``late`` only when the bucket has no other (see ``latest_limits_source``).
    At most ``MAX_BUCKETS``: the most preferred, then those read most recently."""
    newest: dict[str, LimitSnapshot] = {}
    for snapshot in snapshots:
        for bucket in snapshot.limit_buckets:
            current = newest.get(bucket.limit_id)
            if current is None or _fresher(bucket, current, late):
                newest[bucket.limit_id] = bucket
    kept = sorted(
        newest.values(),
        key=lambda b: (bucket_preference(b.limit_id), b.observed_at, b.limit_id),
        reverse=True,
    )[:MAX_BUCKETS]
    return sorted(kept, key=lambda b: (-bucket_preference(b.limit_id), b.display_name))


def _fresher(bucket: LimitSnapshot, current: LimitSnapshot, late: Container[ReadingKey]) -> bool:
    if late:
        bucket_late, current_late = reading_key(bucket) in late, reading_key(current) in late
        if bucket_late != current_late:
            return current_late
    return bucket.observed_at > current.observed_at
