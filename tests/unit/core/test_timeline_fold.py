"""The timeline fed in batches, as the live window feeds it, says what it says read at once;
and the insights cache that goes on from one refresh to the next agrees with a fresh one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.discovery import discover
from codex_presence_gui.core.history import HistoryReader, Reading, Usage, UsageHistory
from codex_presence_gui.core.insights import (
    LATE_READING_S,
    InsightsCache,
    Sample,
    TimelineFold,
    build_insights,
    timeline,
)
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

WEEK_S = 10080 * 60.0
RESET = BASE + 3 * 86400


def _sample(at: float, session: str, used: float, reset: float | None = RESET) -> Sample:
    return Sample(at, session, UsageWindow(10080, used, reset, "secondary"))


def _fed(samples: list[Sample], cuts: list[int]) -> TimelineFold:
    """A fold fed ``samples`` growing to each cut in turn, then whole."""
    fold = TimelineFold(WEEK_S)
    for cut in [*sorted(cuts), len(samples)]:
        fold.feed(samples[:cut])
    return fold


def test_a_fall_judged_for_want_of_later_readings_is_judged_again_when_they_come() -> None:
    """B's 10 % after A's 50 % may be a late reading: with nothing after it, the use stands
    (one period). C's 12 %, logged more than 20 minutes later, was read after B's: the use
    fell, an early reset (two periods). Fed one refresh at a time, the fold must go back to
    before B's reading and judge it again, not keep the first answer."""
    first = [_sample(BASE, "a", 50.0), _sample(BASE + 60, "b", 10.0)]
    later = [*first, _sample(BASE + 60 + LATE_READING_S + 100, "c", 12.0)]
    assert len(timeline(first, WEEK_S)) == 1
    assert len(timeline(later, WEEK_S)) == 2
    fold = TimelineFold(WEEK_S)
    fold.feed(first)
    assert len(fold.periods()) == 1
    assert fold.undecided
    fold.feed(later)
    assert fold.periods() == timeline(later, WEEK_S)
    assert not fold.undecided


_at_steps = st.sampled_from([0.0, 1.0, 30.0, 400.0, 1300.0, 3 * 3600.0])
_uses = st.sampled_from([0.0, 2.0, 10.0, 11.0, 40.0, 41.0, 80.0, 100.0])
_resets = st.sampled_from([RESET, RESET + 30, RESET + 86400 * 7, None, BASE - 86400])
_steps = st.lists(
    st.tuples(_at_steps, st.sampled_from("abc"), _uses, _resets), min_size=1, max_size=40
)


@settings(max_examples=400, deadline=None)
@given(steps=_steps, cuts=st.lists(st.integers(0, 40), max_size=5))
def test_a_timeline_fed_in_batches_is_the_timeline_read_at_once(
    steps: list[tuple[float, str, float, float | None]], cuts: list[int]
) -> None:
    """Rises, falls, repeats, late readings, moved and unknown resets and readings of windows
    already over, fed in any batches: the same periods as one pass over them all."""
    samples, at = [], BASE
    for step, session, used, reset in steps:
        at += step
        samples.append(_sample(at, session, used, reset))
    fold = _fed(samples, [min(cut, len(samples)) for cut in cuts])
    assert fold.periods() == timeline(samples, WEEK_S)


def _reading(at: float, session: str, used: float) -> Reading:
    window = UsageWindow(10080, used, RESET, "secondary")
    return Reading(at, session, LimitSnapshot("codex", None, None, at, (window,)))


def _history(readings: tuple[Reading, ...], usage: tuple[Usage, ...]) -> UsageHistory:
    return UsageHistory(BASE - 86400, readings, usage, 2)


def test_the_cache_goes_on_from_a_grown_history_and_starts_again_from_a_new_one() -> None:
    readings = tuple(_reading(BASE + i * 600, "ab"[i % 2], float(i)) for i in range(20))
    usage = tuple(Usage(BASE + i * 600 - 1, "ab"[i % 2], 1000) for i in range(20))
    buckets = [readings[-1].limits]
    cache = InsightsCache()
    now = BASE + 20 * 600
    build_insights(_history(readings[:10], usage[:10]), buckets, now, cache)
    grown = build_insights(_history(readings, usage), buckets, now, cache)
    assert grown.windows == build_insights(_history(readings, usage), buckets, now).windows
    # The oldest readings left the span: the timeline is made again from what is left.
    shorter = _history(readings[5:], usage[5:])
    again = build_insights(shorter, buckets, now, cache)
    assert again.windows == build_insights(shorter, buckets, now).windows
    assert again.windows[0].periods[0].points[0].at == readings[5].at


def test_the_live_window_s_insights_match_a_fresh_look_as_sessions_write(
    codex_home: CodexHome,
) -> None:
    """A session writes turn after turn, another starts beside it, the weekly window resets
    early: after each write the kept cache says what a fresh one says."""
    a, b = "019d0000-0000-7000-8000-00000000000a", "019d0000-0000-7000-8000-00000000000b"

    def line(at: float, used: float, total: int) -> str:
        return r.token_count(
            at, r.usage(total), r.usage(1000), r.limits(None, (used, 10080, int(RESET)))
        )

    path_a = codex_home.write(a, [r.session_meta(BASE, a), r.turn_context(BASE + 1)], started=BASE)
    clock = [BASE + 10]
    history = HistoryReader(clock=lambda: clock[0])
    cache = InsightsCache()
    path_b = None
    for step in range(1, 30):
        at = BASE + step * 300
        used = 60.0 + step if step < 20 else float(step - 19)  # an early reset at step 20
        codex_home.append(path_a, [line(at, used, step * 1000)], mtime=at)
        if step == 10:
            path_b = codex_home.write(b, [r.session_meta(at, b)], started=at, mtime=at)
        if path_b is not None and step % 3 == 0:
            codex_home.append(path_b, [line(at + 20, used, step * 500)], mtime=at + 20)
        clock[0] = at + 30
        current = history.refresh(discover([codex_home.root]).files)
        buckets = [current.readings[-1].limits]
        kept = build_insights(current, buckets, clock[0], cache)
        assert kept.windows == build_insights(current, buckets, clock[0]).windows
    assert len(kept.windows[0].periods) == 2


_events = st.lists(
    st.tuples(
        st.sampled_from([0.0, 5.0, 60.0, 700.0]),  # after the event before
        st.booleans(),  # a reading (else usage)
        st.sampled_from(["codex", "codex_bengalfox"]),
        st.sampled_from("abc"),
        st.sampled_from([0, 0, 1, 2, 5, 9]),  # the use's rise (readings), tokens (usage)
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(events=_events, cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60))))
def test_shares_kept_from_refresh_to_refresh_are_the_shares_made_afresh(
    events: list[tuple[float, bool, str, str, int]], cuts: list[tuple[int, int]]
) -> None:
    """Readings of the account's bucket and of a model's, and usage (limit-only requests
    included), each history holding more of both than the one before; usage may come in
    later than readings logged after it: the kept cache's shares, unexplained rises and
    periods are those of a fresh one, at every refresh."""
    readings: list[Reading] = []
    usage: list[Usage] = []
    at, used = BASE, {"codex": 0.0, "codex_bengalfox": 0.0}
    for gap, is_reading, bucket, session, amount in events:
        at += gap
        if is_reading:
            used[bucket] = min(used[bucket] + amount, 100.0)
            window = UsageWindow(300, used[bucket], BASE + 4 * 3600, "primary")
            limits = LimitSnapshot(bucket, None, None, at, (window,))
            readings.append(Reading(at, session, limits))
        else:
            usage.append(Usage(at, session, amount * 1000))
    cache = InsightsCache()
    steps = sorted((min(r, len(readings)), min(u, len(usage))) for r, u in cuts)
    grown = [
        (max(r for r, _ in steps[: i + 1]), max(u for _, u in steps[: i + 1]))
        for i in range(len(steps))
    ]
    for reading_count, usage_count in [*grown, (len(readings), len(usage))]:
        history = _history(tuple(readings[:reading_count]), tuple(usage[:usage_count]))
        buckets = [r.limits for r in {r.limits.limit_id: r for r in history.readings}.values()]
        kept = build_insights(history, buckets, at, cache)
        assert kept.windows == build_insights(history, buckets, at).windows


def test_a_history_whose_start_follows_the_clock_goes_on_from_the_refresh_before(
    codex_home: CodexHome,
) -> None:
    """A monthly window starts before the seven days kept, so the history reaches back seven
    days from now. Its start moves on in whole hours, not with each write: readings a minute
    apart at its far end had left it one per write, and each write made the week's insights
    again (30 of 30 writes, 33-52 ms each on a week of 10,080 readings)."""
    from codex_presence_gui.core.insights import needed_since

    a, b = "019d0000-0000-7000-8000-00000000000a", "019d0000-0000-7000-8000-00000000000b"
    now = 1_780_000_000 // 3600 * 3600 + 100.0  # just after a whole hour
    reset = int(now + 10 * 86400)

    def line(at: float, total: int, used: float) -> str:
        limits = r.limits((used, 43200, reset), None)
        return r.token_count(at, r.usage(total), r.usage(1000), limits)

    week_ago = now - 7 * 86400
    lines = [r.session_meta(week_ago - 1800, a)]
    lines += [line(week_ago - 1800 + n * 60, 1000 * (n + 1), 1 + n / 2) for n in range(90)]
    codex_home.write(a, lines, started=week_ago - 1800, mtime=week_ago + 1800)
    path = codex_home.write(b, [r.session_meta(now - 30, b)], started=now - 30, mtime=now - 30)
    clock = [now]
    history = HistoryReader(clock=lambda: clock[0])
    files = discover([codex_home.root]).files
    current = history.refresh(files)
    cache = InsightsCache()
    folds = []  # kept: an id() could be a dropped fold's again
    for step in range(10):
        clock[0] = now + step * 60
        codex_home.append(path, [line(clock[0], 1000 * (step + 1), 50 + step)], mtime=clock[0])
        buckets = [current.readings[-1].limits]
        current = history.refresh(since=needed_since(buckets, clock[0]))
        kept = build_insights(current, buckets, clock[0], cache)
        assert kept.windows == build_insights(current, buckets, clock[0]).windows
        folds.append(next(iter(cache._folds.values())))
    assert all(fold is folds[0] for fold in folds)
    assert current.readings[0].at < week_ago + 60  # the far end still there
