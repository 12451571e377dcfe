"""Late readings around early resets: which reading the window shows, and that readings
logged out of order never make a reset of a use that never fell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.dashboard import build_dashboard, history_since
from codex_presence_gui.core.history import HISTORY_DAYS, HistoryReader, Reading, UsageHistory
from codex_presence_gui.core.insights import LATE_READING_S, Sample, timeline
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.notifications import NotificationLog, due_notices
from codex_presence_gui.core.reader import CodexReader, ReadResult
from codex_presence_gui.core.report import build_report, render_text
from tests.helpers.quota import Turn, quota_dashboard, write_session
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.snapshots import session

A = "019d0000-0000-7000-8000-00000000000a"
B = "019d0000-0000-7000-8000-00000000000b"
WEEK_RESET = BASE + 3 * 86400


def _weekly(at: float, used: float) -> Turn:
    return Turn(at, 1000, None, weekly=used, weekly_resets_at=WEEK_RESET)


def _status(root: Path, now: float) -> tuple[str, dict]:
    """What ``status`` prints and what ``status --json`` says, read as the command reads."""
    clock = lambda: now  # noqa: E731
    reader = CodexReader([root], clock=clock, record_days=HISTORY_DAYS, one_shot=True)
    result = reader.refresh()
    found = reader.discovery
    assert found is not None
    history = HistoryReader(clock=clock).refresh(
        found.files, since=history_since(result), shared=reader.recorded()
    )
    return render_text(result, history=history), build_report(result, history=history)


def test_a_late_reading_of_the_window_before_an_early_reset_is_not_shown(
    codex_home: CodexHome,
) -> None:
    """The weekly window reset early (A's 80 %, then B's 2 %); A's reply to a request sent
    before the reset is logged 30 s later with 81 %. It is the newest reading, but the window,
    the tray, Discord and ``status`` show B's 2 % (98 % left), the newest that counts."""
    write_session(
        codex_home,
        A,
        [_weekly(BASE + 600, 80.0), _weekly(BASE + 3630, 81.0)],
        resets_at=None,
        jitter=False,
    )
    write_session(codex_home, B, [_weekly(BASE + 3600, 2.0)], resets_at=None, jitter=False)
    now = BASE + 3640
    board = quota_dashboard(codex_home, now)
    assert board.limits is not None
    assert board.limits_source is not None
    assert board.limits.windows[0].used_percent == 2.0
    assert board.limits_source.session_id == board.limits.source_session_id == B
    insight = board.insight(board.limits, board.limits.windows[0])
    assert insight is not None
    assert insight.current is not None
    assert insight.current.used == 2.0
    text, report = _status(codex_home.root, now)
    assert "98% left" in text
    assert "19% left" not in text
    assert report["limits"]["source_session_id"] == B
    assert report["limits"]["windows"][0]["used_percent"] == 2.0
    # Once A reads the new window, its reading is the newest that counts.
    write_session(
        codex_home,
        A,
        [_weekly(BASE + 600, 80.0), _weekly(BASE + 3630, 81.0), _weekly(BASE + 3700, 4.0)],
        resets_at=None,
        jitter=False,
    )
    board = quota_dashboard(codex_home, BASE + 3710)
    assert board.limits is not None
    assert (board.limits.source_session_id, board.limits.windows[0].used_percent) == (A, 4.0)


def test_a_fall_not_yet_known_to_be_a_reset_is_not_shown(codex_home: CodexHome) -> None:
    """A reads 78 % and 80 %; B's 70 % a minute later may be a late reply: the window and
    ``status`` keep A's 80 % (20 % left) until a newer reading tells, rather than show 30 %
    left and then 20 % again. Model buckets are chosen the same way."""
    write_session(
        codex_home,
        A,
        [_weekly(BASE + 1200, 78.0), _weekly(BASE + 1800, 80.0)],
        resets_at=None,
        jitter=False,
    )
    write_session(codex_home, B, [_weekly(BASE + 1860, 70.0)], resets_at=None, jitter=False)
    now = BASE + 1870
    board = quota_dashboard(codex_home, now)
    assert board.limits is not None
    assert (board.limits.source_session_id, board.limits.windows[0].used_percent) == (A, 80.0)
    text, report = _status(codex_home.root, now)
    assert "20% left" in text
    assert report["limits"]["windows"][0]["used_percent"] == 80.0


def test_a_late_model_bucket_reading_is_not_shown() -> None:
    """The same choice for a model bucket (listed under the account's limits)."""
    now = BASE + 1870

    def bucket(at: float, used: float, session_id: str, limit_id: str) -> LimitSnapshot:
        window = UsageWindow(10080, used, WEEK_RESET, "primary")
        return LimitSnapshot(limit_id, None, None, at, (window,), source_session_id=session_id)

    account = {A: bucket(BASE + 1800, 10.0, A, "codex"), B: bucket(BASE + 1860, 10.0, B, "codex")}
    model = {
        A: [bucket(BASE + 1200, 78.0, A, "codex_x"), bucket(BASE + 1800, 80.0, A, "codex_x")],
        B: [bucket(BASE + 1860, 70.0, B, "codex_x")],
    }
    snapshots = tuple(
        session(sid, limits=account[sid], limit_buckets=(account[sid], model[sid][-1]))
        for sid in (A, B)
    )
    readings = sorted(
        (Reading(b.observed_at, sid, b) for sid in (A, B) for b in (account[sid], *model[sid])),
        key=lambda reading: reading.at,
    )
    history = UsageHistory(BASE, tuple(readings), (), 2)
    result = ReadResult(snapshots, (), (), (), now)
    board = build_dashboard(result, history=history)
    (other,) = board.other_limits
    assert (other.source_session_id, other.windows[0].used_percent) == (A, 80.0)


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


def test_a_reading_that_resets_in_ten_years_does_not_hold_the_panel(
    codex_home: CodexHome,
) -> None:
    """One reading whose 5h window "resets" ten years after its line (a damaged or hostile
    log): every later reading, of a sooner reset, had been taken for a late one, and the
    panel showed the impossible one ("resets in 3649d 23h") for the 7 days of the history.
    Its reset is unknown now, and the newest reading is shown."""
    reset = BASE + 4 * 3600
    write_session(
        codex_home,
        A,
        [Turn(BASE + 600, 1000, 40.0, resets_at=BASE + 10 * 365 * 86400)],
        resets_at=None,
        jitter=False,
    )
    turns = [
        Turn(BASE + 900 + 300 * n, 1000, used, resets_at=reset)
        for n, used in enumerate((45.0, 50.0, 60.0, 70.0))
    ]
    write_session(codex_home, B, turns, resets_at=None, jitter=False)
    now = BASE + 2400
    board = quota_dashboard(codex_home, now)
    assert board.limits is not None
    five = board.limits.windows[0]
    assert five.used_percent == 70.0
    assert five.resets_at is not None
    assert abs(five.resets_at - reset) < 5
    text, _report = _status(codex_home.root, now)
    assert "30% left" in text
    assert "3649d" not in text
