"""Late readings around early resets: readings logged out of order never make a reset of a
use that never fell, and a real early reset among them is one reset."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.dashboard import build_dashboard
from codex_presence_gui.core.history import Reading, UsageHistory
from codex_presence_gui.core.insights import LATE_READING_S, Sample, timeline
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.notifications import NotificationLog, due_notices
from codex_presence_gui.core.reader import ReadResult
from tests.helpers.rollout import BASE
from tests.helpers.snapshots import session

WEEK_RESET = BASE + 3 * 86400


# One session's requests, one after the other: how long after its previous line it sent the
# next one, and how long after its request was answered its line was written (under 20 min).
_request = st.tuples(
    st.sampled_from([0.0, 1.0, 20.0, 90.0, 400.0]),
    st.sampled_from([1.0, 15.0, 60.0, 300.0, 900.0, LATE_READING_S - 1]),
)
_sessions = st.lists(st.lists(_request, min_size=1, max_size=6), min_size=1, max_size=4)
_starts = st.lists(st.sampled_from([0.0, 30.0, 500.0, 1500.0]), min_size=4, max_size=4)


def _logged(
    sessions: list[list[tuple[float, float]]],
    starts: list[float],
    use_at: Callable[[float], float],
) -> list[Sample]:
    """Every session's readings as logged: the use when its request was answered, at the
    time its reply ended, in the order of the lines' times (as the history orders them)."""
    samples = []
    for index, requests in enumerate(sessions):
        sent = BASE + starts[index]
        for wait, latency in requests:
            answered = sent + wait
            window = UsageWindow(10080, use_at(answered), WEEK_RESET, "primary")
            samples.append(Sample(answered + latency, f"s{index}", window))
            sent = answered + latency
    return sorted(samples, key=lambda sample: sample.at)


def _looks(samples: list[Sample], notes: NotificationLog) -> list[str]:
    """The notices due at each look, one look after each line, as the window would show it
    (each session's newest reading, the history up to then)."""
    titles = []
    for count in range(1, len(samples) + 1):
        newest: dict[str, LimitSnapshot] = {}
        readings = []
        for sample in samples[:count]:
            limits = LimitSnapshot(
                "codex",
                None,
                None,
                sample.at,
                (sample.window,),
                source_session_id=sample.session_id,
            )
            newest[sample.session_id] = limits
            readings.append(Reading(sample.at, sample.session_id, limits))
        snapshots = tuple(
            session(sid, limits=limits, limit_buckets=(limits,)) for sid, limits in newest.items()
        )
        now = samples[count - 1].at + 1
        history = UsageHistory(BASE - 3600, tuple(readings), (), len(snapshots))
        board = build_dashboard(ReadResult(snapshots, (), (), (), now), history=history)
        due = due_notices(board, (75,), notify_resets=True, notes=notes)
        titles += [notice.title for notice in due.notices]
    return titles


@settings(max_examples=150, deadline=None)
@given(
    sessions=_sessions,
    starts=_starts,
    rate=st.sampled_from([0.0, 3.0, 20.0, 60.0, 200.0]),
    base=st.sampled_from([0.0, 40.0, 76.0]),
)
def test_readings_out_of_order_never_make_a_reset_of_a_use_that_never_fell(
    sessions: list[list[tuple[float, float]]],
    starts: list[float],
    rate: float,
    base: float,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Whatever the sessions, their latencies and the pace of use (up to 200 points an hour,
    in whole percents), readings of a use that only rose, logged up to 20 minutes after they
    were read and so in any order, make one period whose use is the highest read; and no
    reset is announced at any look."""

    def use_at(moment: float) -> float:
        return float(min(int(base + rate * (moment - BASE) / 3600), 100))

    samples = _logged(sessions, starts, use_at)
    (period,) = timeline(samples, 10080 * 60.0)
    assert period.used == max(sample.window.used_percent for sample in samples)
    notes = NotificationLog(tmp_path_factory.mktemp("notes") / "notifications.json")
    assert "Codex: your weekly limit has reset" not in _looks(samples, notes)


@settings(max_examples=300, deadline=None)
@given(
    sessions=_sessions,
    starts=_starts,
    rate=st.sampled_from([0.0, 3.0, 10.0]),
    base=st.sampled_from([40.0, 76.0]),
    reset_after=st.sampled_from([60.0, 700.0, 1300.0, 3000.0]),
)
def test_an_early_reset_among_late_readings_is_one_reset(
    sessions: list[list[tuple[float, float]]],
    starts: list[float],
    rate: float,
    base: float,
    reset_after: float,
) -> None:
    """A weekly window used slowly (under 5 points in 20 minutes) resets early: whatever
    readings of the old window are logged after the first one of the new window, the
    timeline has two periods, the new one low, once a reading is logged 20 minutes after
    the rest and the reset (any reading then was read after all the others)."""
    reset = BASE + reset_after

    def use_at(moment: float) -> float:
        since = BASE if moment < reset else reset
        return float(int((base if moment < reset else 0.0) + rate * (moment - since) / 3600))

    first = Sample(BASE - 1, "before", UsageWindow(10080, base, WEEK_RESET, "primary"))
    samples = [first, *_logged(sessions, starts, use_at)]
    last = max(samples[-1].at, reset) + LATE_READING_S + 1
    samples.append(Sample(last, "after", UsageWindow(10080, use_at(last), WEEK_RESET, "primary")))
    old, new = timeline(samples, 10080 * 60.0)
    assert old.used >= base
    assert new.used < 35
