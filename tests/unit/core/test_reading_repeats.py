"""A recorder read once drops its repeated readings, and the limit timeline stays the same."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.history import Reading
from codex_presence_gui.core.insights import samples_by_window, timeline
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.session import EventRecorder

START = 1_800_000_000.0
SESSIONS = ("019d0000-0000-7000-8000-00000000000a", "019d0000-0000-7000-8000-00000000000b")

#: One line's reading: session, seconds since its previous line (negative: logged out of
#: order), bucket, 5h use and reset, weekly use (None: no weekly window).
_event = st.tuples(
    st.sampled_from(range(len(SESSIONS))),
    st.sampled_from([-400.0, 0.0, 1.0, 30.0, 900.0, 9000.0, 20000.0]),
    st.sampled_from(["codex", "codex_other"]),
    st.sampled_from([0.0, 10.0, 11.0, 40.0, 100.0]),
    st.sampled_from([None, START + 18000, START + 18001, START + 36000]),
    st.sampled_from([None, 5.0, 6.0]),
)


def _limits(limit_id: str, used: float, reset: float | None, weekly: float | None, at: float):
    windows = [UsageWindow(300, used, reset, "primary")]
    if weekly is not None:
        windows.append(UsageWindow(10080, weekly, START + 7 * 86400, "secondary"))
    return LimitSnapshot(limit_id, None, None, at, tuple(windows))


@settings(max_examples=300, deadline=None)
@given(events=st.lists(_event, max_size=40))
# Repeats of a value set aside as late, the last one logged after its window's reset: the
# run's last repeat alone had said the late value was said again later than it was.
@example(
    events=[
        (0, -400.0, "codex", 0.0, None, None),
        (0, -400.0, "codex_other", 0.0, START + 36000, None),
        *[(0, 9000.0, "codex_other", 10.0, START + 18000, None)] * 3,
    ]
)
def test_the_timeline_is_the_same_without_repeats(
    events: list[tuple[int, float, str, float, float | None, float | None]],
) -> None:
    """Every period (points, reading times, sessions, reset) of every window is the same
    whether the timeline sees every reading or only those a recorder keeps; how long the
    newest value held is known as far as the kept repeats tell (never further)."""
    recorders = [EventRecorder(merges=False) for _ in SESSIONS]
    clocks = [START] * len(SESSIONS)
    every: list[list[Reading]] = [[] for _ in SESSIONS]
    for session, step, limit_id, used, reset, weekly in events:
        clocks[session] += step
        at = clocks[session]
        limits = _limits(limit_id, used, reset, weekly, at)
        recorders[session].reading(at, limits)
        every[session].append(Reading(at, SESSIONS[session], limits))
    for recorder in recorders:
        recorder.compact()
    kept = [
        [Reading(at, SESSIONS[index], limits) for at, limits in recorder.readings]
        for index, recorder in enumerate(recorders)
    ]
    # As the history orders them: file by file, then by time (a stable sort).
    all_readings = sorted((r for file in every for r in file), key=lambda r: r.at)
    kept_readings = sorted((r for file in kept for r in file), key=lambda r: r.at)
    grouped_all = samples_by_window(all_readings)
    grouped_kept = samples_by_window(kept_readings)
    assert grouped_all.keys() == grouped_kept.keys()
    for key, samples in grouped_all.items():
        length = key.minutes * 60.0 if key.minutes else None
        from_kept, from_all = timeline(grouped_kept[key], length), timeline(samples, length)
        assert [replace(p, held_until=0.0) for p in from_kept] == [
            replace(p, held_until=0.0) for p in from_all
        ]
        for kept_period, all_period in zip(from_kept, from_all, strict=True):
            assert all_period.last_seen <= kept_period.held_until <= all_period.held_until


def test_repeats_are_dropped_and_changes_kept() -> None:
    """A run of repeats keeps its last reading: it tells how long the value held."""
    recorder = EventRecorder(merges=False)
    for offset, limit_id, used in [
        (0.0, "codex", 10.0),
        (0.5, "codex", 10.0),  # a repeat, followed by another: dropped
        (1.0, "codex", 10.0),  # the run's last repeat: kept
        (2.0, "codex", 11.0),
        (3.0, "codex_other", 11.0),
        (4.0, "codex", 11.0),  # a repeat of the codex bucket (another bucket came between)
        (5.0, "codex", 11.0),  # the run's last repeat: kept
        (-100.0, "codex", 11.0),  # logged out of order: first in time, so kept
    ]:
        at = START + offset
        recorder.reading(at, _limits(limit_id, used, START + 18000, None, at))
    recorder.compact()
    assert [(at - START, limits.limit_id) for at, limits in recorder.readings] == [
        (-100.0, "codex"),
        (0.0, "codex"),
        (1.0, "codex"),
        (2.0, "codex"),
        (3.0, "codex_other"),
        (5.0, "codex"),
    ]


def test_a_repeated_reading_of_the_window_before_does_not_hold_the_new_one() -> None:
    """A session still repeating the previous window's value (logged late) says nothing of
    how long the current window's value held, even when the two numbers are the same."""
    from codex_presence_gui.core.insights import Sample

    new_reset, old_reset = START + 30000, START + 10000  # half a window apart and more
    current = UsageWindow(300, 10.0, new_reset, "primary")
    previous = UsageWindow(300, 10.0, old_reset, "primary")
    samples = [
        Sample(START + 100, SESSIONS[0], current),
        Sample(START + 200, SESSIONS[1], previous),  # late: the window before
        Sample(START + 900, SESSIONS[1], previous),  # that session repeating it
    ]
    [period] = timeline(samples, 300 * 60.0)
    assert period.held_until == START + 100
