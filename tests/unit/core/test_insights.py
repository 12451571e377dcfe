"""Timelines, resets, pace, run-out and shares on logs whose answers are known."""

from __future__ import annotations

from datetime import UTC

import pytest

from codex_presence_gui.core.dashboard import insight_notes, session_shares
from codex_presence_gui.core.discovery import discover
from codex_presence_gui.core.formatting import format_reset_clock, pace_text
from codex_presence_gui.core.history import HistoryReader, UsageHistory
from codex_presence_gui.core.insights import (
    Insights,
    PaceState,
    WindowInsight,
    build_insights,
)
from codex_presence_gui.core.models import LimitSnapshot
from tests.helpers import rollout as r
from tests.helpers.quota import (
    FIVE_HOURS,
    WEEK,
    Turn,
    quota_dashboard,
    session_lines,
    steady_turns,
    write_session,
)
from tests.helpers.rollout import BASE, CodexHome

T0 = BASE + 3 * 86400  # the current 5h window starts here
RESETS = T0 + FIVE_HOURS
A = "019d0000-0000-7000-8000-00000000000a"
B = "019d0000-0000-7000-8000-00000000000b"


def history_of(home: CodexHome, now: float) -> UsageHistory:
    return HistoryReader(clock=lambda: now).refresh(discover([home.root]).files)


def latest_buckets(history: UsageHistory) -> list[LimitSnapshot]:
    newest: dict[str, LimitSnapshot] = {}
    for reading in history.readings:
        newest[reading.limits.limit_id] = reading.limits
    return list(newest.values())


def insights_of(home: CodexHome, now: float) -> Insights:
    history = history_of(home, now)
    return build_insights(history, latest_buckets(history), now)


def five_hour(insights: Insights, limit_id: str = "codex") -> WindowInsight:
    return next(w for w in insights.windows if w.key.limit_id == limit_id and w.key.minutes == 300)


def test_a_known_rate_runs_out_before_the_reset(codex_home: CodexHome) -> None:
    """2 % every 5 minutes is 24 %/h; at 48 % used two hours in, 52 % lasts 2 h 10 min."""
    turns = steady_turns(T0 + 300, T0 + 7200, 300, 1000, 2, 2)
    write_session(codex_home, A, turns, resets_at=RESETS)
    now = T0 + 7202  # the newest reading was logged at T0 + 7201
    window = five_hour(insights_of(codex_home, now))
    assert window.pace.state is PaceState.RUNS_OUT
    assert window.pace.rate_per_hour == pytest.approx(24.0)
    assert window.pace.runs_out_at == pytest.approx(now + 52 / 24 * 3600)
    assert len(window.periods) == 1  # duplicates and ±3 s jitter did not split the window
    assert window.current is not None
    assert window.current.start == pytest.approx(T0, abs=3)


def test_the_pace_line_says_only_what_the_reset_line_does_not(codex_home: CodexHome) -> None:
    """Under "resets in 3h 0m (14:00)": when it would run out, and how long before the reset
    that is; the reset's time is not said again ("runs out ~13:10 (resets 14:00)"). A limit
    reached is said without it too ("limit reached · resets 14:00")."""
    turns = steady_turns(T0 + 300, T0 + 7200, 300, 1000, 2, 2)
    write_session(codex_home, A, turns, resets_at=RESETS, jitter=False)
    now = T0 + 7202
    window = five_hour(insights_of(codex_home, now))
    text = pace_text(window, now, UTC)
    assert text == "at this pace: runs out ~13:10, 50m before the reset"
    # Screen readers are told it in words ("50m" can be read as metres, "~" as "tilde").
    assert pace_text(window, now, UTC, spoken=True) == (
        "at this pace: runs out about 13:10, 50 minutes before the reset"
    )
    assert format_reset_clock(RESETS, now, UTC) not in text
    # In whole minutes, as the two clock times differ: 48 %/h from 48 % at 10:00 runs out
    # at 11:05.
    fast = steady_turns(T0 + 300, T0 + 3600, 300, 1000, 4, 4)
    write_session(codex_home, A, fast, resets_at=RESETS, jitter=False)
    sooner = five_hour(insights_of(codex_home, T0 + 3602))
    assert pace_text(sooner, T0 + 3602, UTC) == (
        "at this pace: runs out ~11:05, 2h 55m before the reset"
    )
    assert pace_text(sooner, T0 + 3602, UTC, spoken=True).endswith(
        ", 2 hours 55 minutes before the reset"
    )
    used_up = [*turns, Turn(T0 + 7500, 1000, 100.0)]
    write_session(codex_home, A, used_up, resets_at=RESETS, jitter=False)
    reached = five_hour(insights_of(codex_home, T0 + 7600))
    assert reached.pace.state is PaceState.REACHED
    assert pace_text(reached, T0 + 7600, UTC) == "limit reached"


def test_a_slower_rate_lasts_until_the_reset(codex_home: CodexHome) -> None:
    turns = steady_turns(T0 + 300, T0 + 7200, 300, 1000, 1, 1)
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 7202))
    assert window.pace.state is PaceState.LASTS
    assert window.pace.rate_per_hour == pytest.approx(12.0)


def test_a_pause_slows_the_pace(codex_home: CodexHome) -> None:
    """Measured up to now: an idle half hour halves the pace of the hour before it."""
    turns = steady_turns(T0 + 300, T0 + 5400, 300, 1000, 2, 2)
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 7202))
    # used 36 at T0+1h30 (the newest); 1h ago (T0+1h) it was 24: 12 points in an hour.
    assert window.pace.rate_per_hour == pytest.approx(12.0)


def test_too_little_data_says_so(codex_home: CodexHome) -> None:
    write_session(codex_home, A, [Turn(T0 + 60, 1000, 3.0)], resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 120))
    assert window.pace.state is PaceState.NOT_ENOUGH_DATA
    assert window.pace.rate_per_hour is None


def test_without_a_reset_time_two_readings_far_enough_apart_are_needed(
    codex_home: CodexHome,
) -> None:
    turns = [Turn(T0 + 60, 1000, 3.0, resets_at=None), Turn(T0 + 180, 1000, 4.0, resets_at=None)]
    write_session(codex_home, A, turns, resets_at=None, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 240))
    assert window.pace.state is PaceState.NOT_ENOUGH_DATA


def test_a_reset_in_the_middle_starts_a_new_period(codex_home: CodexHome) -> None:
    """The previous window ran to 80 %; the new one is measured on its own."""
    before = steady_turns(T0 - 3600, T0 - 600, 300, 1000, 60, 2)
    before = [Turn(t.at, t.tokens, t.used, resets_at=T0) for t in before]
    after = steady_turns(T0 + 300, T0 + 7200, 300, 1000, 2, 2)
    write_session(codex_home, A, before + after, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 7202))
    assert len(window.periods) == 2
    assert window.periods[0].used == pytest.approx(80.0)
    assert window.pace.rate_per_hour == pytest.approx(24.0)
    assert window.attribution is not None
    assert window.attribution.share_of(A) == pytest.approx(48.0)


def test_an_early_reset_and_out_of_order_readings(codex_home: CodexHome) -> None:
    """A fall from 60 % to 2 % is a reset; 42 then 41 is two sessions racing, not a reset."""
    turns = [
        Turn(T0 + 300, 1000, 40.0),
        Turn(T0 + 600, 1000, 42.0),
        Turn(T0 + 900, 1000, 41.0),
        Turn(T0 + 1200, 1000, 60.0),
        Turn(T0 + 1500, 1000, 2.0),
    ]
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 1600))
    assert [period.used for period in window.periods] == [60.0, 2.0]
    assert [point.used for point in window.periods[0].points] == [40.0, 42.0, 60.0]


def test_a_late_reading_of_the_window_before_an_early_reset_is_set_aside(
    codex_home: CodexHome,
) -> None:
    """B reads 2 % after an early reset; A's reply to a request sent before it is logged 30 s
    later with the old 81 %, then B reads 3 %: one reset, not a period at 81 % and a second
    one. A's next reply, of the new window, counts."""
    write_session(
        codex_home,
        A,
        [Turn(T0 + 300, 1000, 80.0), Turn(T0 + 1230, 1000, 81.0), Turn(T0 + 1400, 1000, 6.0)],
        resets_at=RESETS,
        jitter=False,
    )
    write_session(
        codex_home,
        B,
        [Turn(T0 + 1200, 1000, 2.0), Turn(T0 + 1260, 1000, 3.0)],
        resets_at=RESETS,
        jitter=False,
    )
    window = five_hour(insights_of(codex_home, T0 + 1500))
    assert [period.used for period in window.periods] == [80.0, 6.0]
    assert [point.used for point in window.periods[1].points] == [2.0, 3.0, 6.0]


def test_a_late_lower_reading_is_no_early_reset(codex_home: CodexHome) -> None:
    """B's fall from 80 % to 70 % is a late reply (its request was answered a while ago):
    A's 81 % may be late too, but A's 84 % was read after B's line was written, so the use
    never fell. One period; B's reading is set aside, never shown as the window's state."""
    write_session(
        codex_home,
        A,
        [Turn(T0 + 300, 1000, 80.0), Turn(T0 + 1230, 1000, 81.0), Turn(T0 + 1400, 1000, 84.0)],
        resets_at=RESETS,
        jitter=False,
    )
    write_session(codex_home, B, [Turn(T0 + 1200, 1000, 70.0)], resets_at=RESETS, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 1500))
    assert [period.used for period in window.periods] == [84.0]
    assert [point.used for point in window.periods[0].points] == [80.0, 81.0, 84.0]
    assert window.periods[0].late == {(B, T0 + 1201)}  # its newest line: a repeat


def test_a_fall_not_yet_known_to_be_a_reset_is_no_period(codex_home: CodexHome) -> None:
    """A reads 50 %, then 80 %; B (not heard from since before it) reads 70 % a minute
    later: a late reply or an early reset, nothing tells yet (no reading 20 minutes older is
    higher). The window stays at 80 % until a reading read after B's tells: A's 81 % may be
    older than B's, and says nothing; A's next reading, 82 %, says B's was late."""
    turns = [Turn(T0 + 1200, 1000, 50.0), Turn(T0 + 2400, 1000, 80.0)]
    write_session(codex_home, A, turns, resets_at=RESETS, jitter=False)
    write_session(codex_home, B, [Turn(T0 + 2460, 1000, 70.0)], resets_at=RESETS, jitter=False)
    for more, used in (([], 80.0), ([Turn(T0 + 2520, 1000, 81.0)], 81.0)):
        write_session(codex_home, A, turns + more, resets_at=RESETS, jitter=False)
        window = five_hour(insights_of(codex_home, T0 + 2600))
        assert [period.used for period in window.periods] == [used]
        assert window.periods[0].late == {(B, T0 + 2461)}
    later = [*turns, Turn(T0 + 2520, 1000, 81.0), Turn(T0 + 2700, 1000, 82.0)]
    write_session(codex_home, A, later, resets_at=RESETS, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 2800))
    assert [period.used for period in window.periods] == [82.0]


@pytest.mark.parametrize("confirmed_by", [A, B])
def test_an_early_reset_is_taken_once_a_newer_reading_confirms_it(
    codex_home: CodexHome, confirmed_by: str
) -> None:
    """A reads 78 %, then 80 %; B reads 2 % a minute later: not yet known to be a reset (B's
    request may have been answered before A's). A newer reading well below, from A (its
    request sent after its 80 % was written) or from B (after its 2 %), confirms it: the new
    period begins with B's 2 %."""
    turns = [Turn(T0 + 1200, 1000, 78.0), Turn(T0 + 1800, 1000, 80.0)]
    b_turns = [Turn(T0 + 1860, 1000, 2.0)]
    write_session(codex_home, A, turns, resets_at=RESETS, jitter=False)
    write_session(codex_home, B, b_turns, resets_at=RESETS, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 1900))
    assert [period.used for period in window.periods] == [80.0]
    confirming = [Turn(T0 + 1920, 1000, 3.0)]
    if confirmed_by == A:
        write_session(codex_home, A, turns + confirming, resets_at=RESETS, jitter=False)
    else:
        write_session(codex_home, B, b_turns + confirming, resets_at=RESETS, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 1930))
    assert [period.used for period in window.periods] == [80.0, 3.0]
    assert [point.used for point in window.periods[1].points] == [2.0, 3.0]


def test_a_fall_below_what_was_read_20_minutes_before_is_a_reset_at_once(
    codex_home: CodexHome,
) -> None:
    """A reading is never more than 20 minutes older than its line: B's 2 % is below the
    78 % A read 25 minutes before it, so the use fell, whoever else answers later."""
    turns = [Turn(T0 + 300, 1000, 78.0), Turn(T0 + 1700, 1000, 80.0)]
    write_session(codex_home, A, turns, resets_at=RESETS, jitter=False)
    write_session(codex_home, B, [Turn(T0 + 1800, 1000, 2.0)], resets_at=RESETS, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 1900))
    assert [period.used for period in window.periods] == [80.0, 2.0]


def test_a_reading_of_an_ended_window_is_ignored(codex_home: CodexHome) -> None:
    """Codex repeats the last known limits with new usage; after the reset they are old."""
    turns = [
        Turn(T0 - 600, 1000, 70.0, resets_at=T0),
        Turn(T0 + 600, 1000, 70.0, resets_at=T0),  # written after T0: the old window's reading
        Turn(T0 + 900, 1000, 3.0),
    ]
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 1000))
    assert window.current is not None
    assert [point.used for point in window.current.points] == [3.0]


def test_shares_follow_the_tokens(codex_home: CodexHome) -> None:
    """Two sessions over the same hour, B with three times A's tokens: 25 % and 75 % of each
    rise; B burns much faster."""
    a = steady_turns(T0 + 300, T0 + 3600, 300, 1000, 4, 4)
    b = [Turn(t.at + 30, 3000, t.used + 0) for t in a]
    # Both report the same readings; B's come 30 s later and show the same use.
    write_session(codex_home, A, a, resets_at=RESETS)
    write_session(codex_home, B, b, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 3700))
    assert window.attribution is not None
    shares = dict(window.attribution.shares)
    assert sum(shares.values()) == pytest.approx(48.0)
    # The first rise (0 -> 4 at T0+300) happened before B's first tokens: all A's.
    assert shares[A] == pytest.approx(4 + 44 * 0.25)
    assert shares[B] == pytest.approx(44 * 0.75)
    assert window.attribution.fastest == B


@pytest.mark.parametrize(
    ("first_use_after", "share"),
    [
        (3600, 3.0),  # begun elsewhere: only the 3 points the session moved it by
        (300, 16.0),  # begun here: the window's use is the session's
        (900, 16.0),  # a first reply logged 15 minutes in (logged as it ends): begun here
    ],
)
def test_a_window_begun_elsewhere_is_not_charged_to_the_first_local_response(
    codex_home: CodexHome, first_use_after: float, share: float
) -> None:
    """A ``codex exec`` run whose first reading (13 %) comes on its first usage line, an hour
    into the window with no local use before: the window was begun elsewhere, and the
    session is charged the 3 points it moved the window by, not 16 (as the real 0.171 logs
    had shown)."""
    turns = [Turn(T0 + first_use_after + 10 * i, 10_000, 13.0 + i) for i in range(4)]
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 3700))
    assert window.attribution is not None
    assert window.attribution.share_of(A) == pytest.approx(share)


def test_a_model_window_begun_elsewhere_is_not_charged_to_its_first_local_response(
    codex_home: CodexHome,
) -> None:
    """Spark's window begun elsewhere, its first local use an hour in: the other model's use
    here from the start did not begin it (a model's window is begun by a request to that
    model), so the Spark session is charged the 3 points it moved it by, not 16."""
    a = steady_turns(T0 + 300, T0 + 3900, 300, 1000, 2, 2)
    b = [Turn(T0 + 3600 + 10 * i, 10_000, 13.0 + i, limit_id="codex_bengalfox") for i in range(4)]
    write_session(codex_home, A, a, resets_at=RESETS)
    write_session(codex_home, B, b, resets_at=RESETS)
    model = five_hour(insights_of(codex_home, T0 + 4000), "codex_bengalfox")
    assert model.attribution is not None
    assert model.attribution.share_of(B) == pytest.approx(3.0)


def test_a_rise_without_local_usage_is_pointed_out(codex_home: CodexHome) -> None:
    """Idle here from T0+10 min; at T0+45 min the first new request finds 6 % more used."""
    turns = [
        Turn(T0 + 300, 1000, 10.0),
        Turn(T0 + 600, 1000, 12.0),
        Turn(T0 + 2700, 0, 18.0),  # the reading of the next request, before its response
        Turn(T0 + 2730, 1000, 18.0),
    ]
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 2800))
    assert window.attribution is not None
    (unexplained,) = window.attribution.unexplained
    assert unexplained.rise == pytest.approx(6.0)
    assert unexplained.since == pytest.approx(T0 + 601)
    assert unexplained.at == pytest.approx(T0 + 2701)
    assert window.attribution.share_of(A) == pytest.approx(12.0)


def test_buckets_are_kept_apart(codex_home: CodexHome) -> None:
    """A model bucket counts only the sessions that reported it."""
    a = steady_turns(T0 + 300, T0 + 1800, 300, 1000, 2, 2)
    b = [Turn(t.at + 30, 1000, t.used * 3, limit_id="codex_bengalfox") for t in a]
    write_session(codex_home, A, a, resets_at=RESETS)
    write_session(codex_home, B, b, resets_at=RESETS)
    insights = insights_of(codex_home, T0 + 1900)
    main, model = five_hour(insights), five_hour(insights, "codex_bengalfox")
    assert main.current is not None
    assert main.current.used == pytest.approx(12.0)
    assert model.current is not None
    assert model.current.used == pytest.approx(36.0)
    assert model.attribution is not None
    assert [session for session, _ in model.attribution.shares] == [B]
    assert main.attribution is not None
    assert {session for session, _ in main.attribution.shares} == {A, B}


def test_two_windows_of_one_length_are_two_timelines(codex_home: CodexHome) -> None:
    """A 5h primary and a 5h secondary: as one timeline, the secondary's use read as a rise of
    the primary's "without local activity" (a note for each window); each has its own."""
    lines = [r.session_meta(T0, A), r.turn_context(T0 + 1)]
    for i in range(4):
        limits = r.limits((10.0 + i, 300, int(RESETS)), (30.0 + 2 * i, 300, int(RESETS)))
        total = r.usage(1000 * (i + 1))
        lines.append(r.token_count(T0 + 300 * (i + 1), total, r.usage(1000), limits))
    codex_home.write(A, lines, started=T0, mtime=T0 + 1200)
    board = quota_dashboard(codex_home, T0 + 1300)
    assert insight_notes(board) == ()
    assert board.limits is not None
    primary, secondary = (board.insight(board.limits, w) for w in board.limits.windows)
    assert primary is not None
    assert secondary is not None
    assert primary.current is not None
    assert secondary.current is not None
    assert primary.current.used == pytest.approx(13.0)
    assert secondary.current.used == pytest.approx(36.0)
    # The session's shares of the two are told apart (``status --json`` keys them by label).
    shares = session_shares(board, A)
    assert [share.label for share in shares] == ["5h (primary)", "5h (secondary)"]
    assert [round(share.percent) for share in shares] == [13, 36]


def test_weekly_only_accounts(codex_home: CodexHome) -> None:
    """A weekly window sent as the primary one is keyed and paced as weekly."""
    week_resets = T0 + 3 * 86400
    week_resets = T0 + 3 * 86400
    turns = [
        Turn(T0 - 86400 + i * 3600, 1000, None, weekly=30.0 + i, weekly_resets_at=week_resets)
        for i in range(25)
    ]
    write_session(codex_home, A, turns, resets_at=None, weekly_resets_at=week_resets)
    now = T0 + 2
    insights = insights_of(codex_home, now)
    (weekly,) = insights.windows
    assert weekly.key.minutes == 10080
    assert weekly.length_s == WEEK
    # The span (a fifth of a week, 33.6 h) reaches back before the first reading, and the
    # window began four days ago: the pace is measured from the first reading (30 % a day
    # ago), not from 0 % four days ago, which would hide today's 1 %/h.
    first_at = T0 - 86400  # the first usage line carries the reading
    assert weekly.pace.state is PaceState.RUNS_OUT
    assert weekly.pace.rate_per_hour == pytest.approx(24 / ((now - first_at) / 3600))
    assert weekly.pace.measured_from == pytest.approx(first_at)


def test_a_sessions_stale_limits_are_not_a_reset(codex_home: CodexHome) -> None:
    """B, idle for half an hour, logs new usage with the limits it last knew (16 points below A's
    newest reading): no reset, and B's old value is not read as new."""
    a = steady_turns(T0 + 300, T0 + 2700, 300, 1000, 2, 2)  # up to 18 %
    b = [Turn(T0 + 330, 1000, 2.0), Turn(T0 + 2730, 1000, 20.0)]
    write_session(codex_home, A, a, resets_at=RESETS)
    write_session(codex_home, B, b, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 2800))
    assert len(window.periods) == 1
    assert window.current is not None
    assert window.current.used == pytest.approx(20.0)


def test_use_before_the_first_reading_is_only_shared_when_seen(codex_home: CodexHome) -> None:
    """The window began an hour before the first reading with no local usage: its 30 % are
    neither given to a session nor called use from elsewhere; later rises are shared."""
    turns = [Turn(T0 + 3600, 0, 30.0), Turn(T0 + 3900, 1000, 32.0), Turn(T0 + 4200, 1000, 34.0)]
    write_session(codex_home, A, turns, resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 4300))
    assert window.attribution is not None
    assert window.attribution.unexplained == ()
    assert window.attribution.share_of(A) == pytest.approx(4.0)


def test_needed_since_reaches_the_earliest_current_window() -> None:
    from codex_presence_gui.core.insights import needed_since
    from codex_presence_gui.core.models import UsageWindow

    now = T0
    five = UsageWindow(300, 10.0, now + 3600)  # began 4h ago
    week = UsageWindow(10080, 10.0, now + 2 * 86400, slot="secondary")  # began 5d ago
    gone = UsageWindow(300, 10.0, now - 60)  # reset already: needs nothing
    bucket = LimitSnapshot("codex", None, None, now, (five, week))
    slack = 600
    assert needed_since([bucket], now) == pytest.approx(now - 5 * 86400 - slack)
    only_five = LimitSnapshot("codex", None, None, now, (five, gone))
    assert needed_since([only_five], now) == pytest.approx(now - 4 * 3600 - slack)
    unknown = LimitSnapshot("codex", None, None, now, (UsageWindow(None, 5.0, None),))
    assert needed_since([unknown], now) == pytest.approx(now - 7 * 86400)
    assert needed_since([], now) == now


def test_without_a_reset_time_a_far_run_out_is_no_run_out(codex_home: CodexHome) -> None:
    """1 %/h with 60 % left would run out in 60 h: beyond a 5h window, so it lasts."""
    turns = [Turn(T0 + i * 600, 1000, 40.0 - 6 + i * 0.1667, resets_at=None) for i in range(7)]
    write_session(codex_home, A, turns, resets_at=None, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 3602))
    assert window.pace.state is PaceState.LASTS


def test_the_cache_keeps_the_history_parts_and_recomputes_the_pace(codex_home: CodexHome) -> None:
    from codex_presence_gui.core.insights import InsightsCache

    write_session(
        codex_home, A, steady_turns(T0 + 300, T0 + 7200, 300, 1000, 2, 2), resets_at=RESETS
    )
    history = history_of(codex_home, T0 + 7202)
    cache = InsightsCache()
    first = build_insights(history, latest_buckets(history), T0 + 7202, cache)
    later = build_insights(history, latest_buckets(history), T0 + 9000, cache)
    assert later.windows[0].periods is first.windows[0].periods  # not recomputed
    assert later.windows[0].pace.rate_per_hour is not None
    assert later.windows[0].pace.rate_per_hour < first.windows[0].pace.rate_per_hour  # a pause


def _story_with_a_limit_only_line(home: CodexHome, at: float, used: float, rise_at: float) -> None:
    """A at work until T0+10 min (12 % used), then a limit-only line at ``at`` showing
    ``used`` (what a failed call or a compaction writes: the limits and ``info: null``), then
    at ``rise_at`` the next request's reading shows 16 %, and its response's usage follows."""
    turns = [Turn(T0 + 300, 1000, 10.0), Turn(T0 + 600, 1000, 12.0)]
    lines = session_lines(A, T0 + 240, turns, resets_at=RESETS, jitter=False)

    def limits(percent: float) -> dict[str, object]:
        return r.limits((percent, 300, int(RESETS)), None)

    lines += [
        r.token_count(at, None, None, limits(used)),
        r.token_count(rise_at, r.usage(2000), r.usage(1000), limits(16.0)),
        r.token_count(rise_at + 30, r.usage(3000), r.usage(1000), limits(16.0)),
    ]
    home.write(A, lines, started=T0 + 240, mtime=rise_at + 30)


def test_a_rise_after_a_limit_only_line_is_local_use(codex_home: CodexHome) -> None:
    """Issue 11: the 4 points that rose in the half hour after a compaction (logged with no
    tokens) are A's, not "used rose 4 % without local activity"."""
    _story_with_a_limit_only_line(codex_home, T0 + 900, 12.0, T0 + 2400)
    now = T0 + 2500
    window = five_hour(insights_of(codex_home, now))
    assert window.attribution is not None
    assert window.attribution.unexplained == ()
    assert window.attribution.share_of(A) == pytest.approx(16.0)
    assert insight_notes(quota_dashboard(codex_home, now)) == ()


def test_a_rise_shown_by_a_limit_only_line_after_a_quiet_half_hour_is_from_elsewhere(
    codex_home: CodexHome,
) -> None:
    """A limit-only line's reading was taken as its request began: the rise it shows after
    30 quiet minutes came from elsewhere; the rise after it (that request's use) is A's."""
    _story_with_a_limit_only_line(codex_home, T0 + 2400, 14.0, T0 + 2700)
    now = T0 + 2800
    window = five_hour(insights_of(codex_home, now))
    assert window.attribution is not None
    (unexplained,) = window.attribution.unexplained
    assert unexplained.rise == pytest.approx(2.0)
    assert unexplained.since == pytest.approx(T0 + 601)
    assert unexplained.at == pytest.approx(T0 + 2400)
    assert window.attribution.share_of(A) == pytest.approx(14.0)
    (note,) = insight_notes(quota_dashboard(codex_home, now))
    assert "used rose 2% without local activity" in note


def test_a_sliver_risen_from_elsewhere_is_not_called_a_rise_of_0(codex_home: CodexHome) -> None:
    """Readings with decimals: 0.4 points from elsewhere read "used rose 0%"."""
    _story_with_a_limit_only_line(codex_home, T0 + 2400, 12.4, T0 + 2700)
    now = T0 + 2800
    (note,) = insight_notes(quota_dashboard(codex_home, now))
    assert "used rose by less than 1% without local activity" in note


def test_a_view_drawn_later_never_shows_a_run_out_already_past(codex_home: CodexHome) -> None:
    """The history was read at T0 + 2 h (run-out due at about T0 + 4 h 10 min); the window is
    drawn again at T0 + 4 h 20 min with no reading since: the idle hours slow the pace, as
    they would have if the history were read now, instead of "runs out ~" a passed time."""

    turns = steady_turns(T0 + 300, T0 + 7200, 300, 1000, 2, 2)
    write_session(codex_home, A, turns, resets_at=RESETS)
    read_at = T0 + 7202
    window = five_hour(insights_of(codex_home, read_at))
    assert window.pace.state is PaceState.RUNS_OUT
    assert window.pace.runs_out_at is not None
    later = window.pace.runs_out_at + 600
    assert window.pace_at(later) == five_hour(insights_of(codex_home, later)).pace
    # No use in the last hour of the span: it lasts (the old text said "runs out ~" a time
    # 10 minutes gone).
    assert window.pace_at(later).state is PaceState.LASTS
    assert pace_text(window, later) == "on pace to last until the reset"


def test_too_little_data_says_when_the_pace_will_be_known(codex_home: CodexHome) -> None:
    """A pace needs readings over 1/60 of the window (5 min of 5 h, 2 h 48 min of a week):
    the text says when that is, not only "not enough readings", which many readings within
    those minutes would seem to contradict."""
    write_session(codex_home, A, [Turn(T0 + 60, 1000, 3.0)], resets_at=RESETS)
    window = five_hour(insights_of(codex_home, T0 + 120))
    known_at = window.pace.known_at
    assert known_at is not None
    assert T0 + 60 < known_at <= T0 + 60 + 5 * 60
    text = pace_text(window, T0 + 120, UTC)
    when = format_reset_clock(known_at, T0 + 120, UTC)
    # The time alone brings it: "known from your first reply after" had asked for a reply.
    assert text == f"pace: shown from {when}"
    # As promised: the window's start (0% used) and this reading make a pace from then on.
    assert pace_text(window, known_at + 1, UTC).startswith("at this pace: runs out")


def test_a_promised_pace_time_that_passes_without_a_reading_says_what_it_waits_for(
    codex_home: CodexHome,
) -> None:
    """Measured from the first reading (no reset time: no window start to measure from),
    the pace needs a reading from the promised time on: once that time has passed without
    one, the text says so instead of taking the promise back ("not enough readings yet")."""
    turns = [Turn(T0 + 60, 1000, 3.0, resets_at=None), Turn(T0 + 180, 1000, 4.0, resets_at=None)]
    write_session(codex_home, A, turns, resets_at=None, jitter=False)
    window = five_hour(insights_of(codex_home, T0 + 240))
    known_at = window.pace.known_at
    assert known_at is not None
    assert pace_text(window, T0 + 240, UTC) == (
        f"pace: shown once you use Codex after {format_reset_clock(known_at, T0 + 240, UTC)}"
    )
    later = five_hour(insights_of(codex_home, known_at + 600))
    assert later.pace.state is PaceState.NOT_ENOUGH_DATA
    assert pace_text(later, known_at + 600, UTC) == "pace: shown once you use Codex again"


def test_a_value_that_holds_while_codex_works_gives_a_pace(codex_home: CodexHome) -> None:
    """Codex works on while the window's use stays at 3 %: its usage lines repeat that value
    (not new readings, but it held until then). The pace is known once that covers the span
    it needs, instead of "shown once you use Codex again" while Codex is in use."""
    turns = [Turn(T0 + 60 + 120 * k, 1000, 3.0, resets_at=None) for k in range(10)]
    write_session(codex_home, A, turns, resets_at=None, jitter=False)
    now = T0 + 60 + 120 * 9 + 5
    window = five_hour(insights_of(codex_home, now))
    assert window.pace.state is PaceState.LASTS
    assert pace_text(window, now, UTC) == "on pace to last until the reset"
