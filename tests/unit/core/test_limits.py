"""Every rate_limits era normalises to the same windows, labelled by length."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.limits import (
    MAX_LISTED_WINDOWS,
    normalize_rate_limits,
    preferred_bucket,
)
from codex_presence_gui.core.models import LimitSnapshot, ReadingKind, UsageWindow, window_name
from tests.helpers.strategies import json_values as any_json

LINE_TS = 1_759_940_411.532  # 2025-10-08T16:20:11.532Z


def test_r1_flat_with_relative_resets_and_weekly_names() -> None:
    """R1: flat fields; pre-rename builds said weekly_*; resets relative to the line."""
    snapshot = normalize_rate_limits(
        {
            "primary_used_percent": 8.0,
            "weekly_used_percent": 22.0,
            "primary_to_weekly_ratio_percent": 35.0,
            "primary_window_minutes": 299,
            "weekly_window_minutes": 10079,
            "primary_reset_after_seconds": 600,
        },
        LINE_TS,
    )
    assert snapshot is not None
    primary, secondary = snapshot.windows
    assert (primary.label, primary.remaining_percent, primary.resets_at) == (
        "5h",
        92.0,
        LINE_TS + 600,
    )
    assert (secondary.label, secondary.remaining_percent, secondary.resets_at) == (
        "Weekly",
        78.0,
        None,
    )
    assert snapshot.limit_id == "codex"


def test_r2_resets_in_seconds_is_relative_to_the_line_timestamp() -> None:
    """R2: nested windows, resets_in_seconds added to the line's time."""
    snapshot = normalize_rate_limits(
        {
            "primary": {"used_percent": 12.0, "window_minutes": 299, "resets_in_seconds": 9120},
            "secondary": {"used_percent": 35.0, "window_minutes": 10079, "resets_in_seconds": 1},
        },
        LINE_TS,
    )
    assert snapshot is not None
    assert [w.resets_at for w in snapshot.windows] == [LINE_TS + 9120, LINE_TS + 1]
    assert [w.label for w in snapshot.windows] == ["5h", "Weekly"]


def test_r5_r6_fields_and_weekly_only_account() -> None:
    """R6 weekly-only: the primary slot holds the weekly window; it must say Weekly."""
    snapshot = normalize_rate_limits(
        {
            "limit_id": "codex",
            "limit_name": None,
            "primary": {"used_percent": 12.0, "window_minutes": 10080, "resets_at": 1786300000},
            "secondary": None,
            "credits": {"has_credits": True, "unlimited": False, "balance": "0"},
            "individual_limit": None,
            "plan_type": "pro",
            "rate_limit_reached_type": None,
            "spend_control_reached": False,
        },
        LINE_TS,
    )
    assert snapshot is not None
    (window,) = snapshot.windows
    assert (window.label, window.short_label, window.remaining_percent) == ("Weekly", "7d", 88.0)
    assert snapshot.plan_type == "pro"
    assert snapshot.credits is not None
    assert snapshot.credits.balance == "0"


def test_empty_snapshot_means_no_data() -> None:
    """A bucket without any window (local models) is not a reading."""
    assert normalize_rate_limits({"limit_id": "codex", "primary": None}, LINE_TS) is None
    assert normalize_rate_limits(None, LINE_TS) is None
    assert normalize_rate_limits([], LINE_TS) is None


def test_a_default_window_of_nothing_used_nowhere_is_no_reading() -> None:
    """``{used 0, no length, no reset}`` is what Codex drops from its headers (format doc
    §7.6), so ``/status`` never shows it: not a reading that replaces a good one with "Usage
    limit 100% left". Used above 0, or with a length or a reset, it stays."""
    empty = {"used_percent": 0, "window_minutes": None, "resets_at": None}
    assert normalize_rate_limits({"limit_id": "codex", "primary": empty}, LINE_TS) is None
    for kept in ({"used_percent": 3}, {"used_percent": 0, "window_minutes": 300}):
        snapshot = normalize_rate_limits({"primary": {**empty, **kept}}, LINE_TS)
        assert snapshot is not None
        assert len(snapshot.windows) == 1
    snapshot = normalize_rate_limits(
        {"primary": {"used_percent": 0, "resets_at": int(LINE_TS) + 600}}, LINE_TS
    )
    assert snapshot is not None


@pytest.mark.parametrize("used", [None, "12", True, float("nan"), float("inf"), {"x": 1}], ids=repr)
def test_windows_without_a_finite_used_percent_are_dropped(used: object) -> None:
    """Never fabricate 0 % used from a missing or hostile value."""
    snapshot = normalize_rate_limits(
        {"primary": {"used_percent": used, "window_minutes": 300, "resets_at": 1}}, LINE_TS
    )
    assert snapshot is None


def test_hostile_values_are_clamped_or_ignored() -> None:
    """Used above 100 leaves 0 % and below 0 leaves 100 %; absurd lengths and resets vanish."""
    snapshot = normalize_rate_limits(
        {
            "primary": {"used_percent": 250.0, "window_minutes": -5, "resets_at": 1e300},
            "secondary": {"used_percent": -40.0, "window_minutes": 10**12, "resets_at": "soon"},
        },
        LINE_TS,
    )
    assert snapshot is not None
    first, second = snapshot.windows
    assert (first.remaining_percent, first.window_minutes, first.resets_at) == (0.0, None, None)
    assert (second.remaining_percent, second.window_minutes) == (100.0, None)
    assert (first.label, second.label) == ("Usage", "Secondary usage")


@pytest.mark.parametrize(
    ("minutes", "name"),
    [
        (299, "5h"),
        (285, "5h"),
        (315, "5h"),
        (284, "284m"),
        (1440, "daily"),
        (10079, "weekly"),
        (10584, "weekly"),
        (43200, "monthly"),
        (43800, "monthly"),
        (525600, "annual"),
        (120, "2h"),
        (None, "usage"),
    ],
)
def test_window_names_follow_length_within_five_percent(minutes: int | None, name: str) -> None:
    """Codex 0.169 matches known lengths within ±5 %."""
    assert window_name(minutes) == name


def test_model_bucket_never_wins_over_the_account_bucket() -> None:
    """The account bucket is preferred even when a model bucket is newer."""
    account = normalize_rate_limits({"primary": {"used_percent": 1.0}}, 100.0)
    model = normalize_rate_limits(
        {"limit_id": "codex_bengalfox", "primary": {"used_percent": 50.0}}, 200.0
    )
    assert account is not None
    assert model is not None
    assert preferred_bucket([model, account]) is account
    assert preferred_bucket([model]) is model


def test_stale_and_reset_flags() -> None:
    """A reading is stale after 15 minutes and past its reset once now > resets_at."""
    snapshot = normalize_rate_limits(
        {"primary": {"used_percent": 1.0, "window_minutes": 300, "resets_at": 2000}}, 1000.0
    )
    assert snapshot is not None
    assert not snapshot.is_stale(1000.0 + 900)
    assert snapshot.is_stale(1000.0 + 901)
    window = snapshot.windows[0]
    assert not window.is_past_reset(2000)
    assert window.is_past_reset(2000.5)


json_values = any_json(finite_only=False, max_text=5, max_leaves=12)
window_dicts = st.fixed_dictionaries(
    {},
    optional={
        "used_percent": json_values,
        "window_minutes": json_values,
        "resets_at": json_values,
        "resets_in_seconds": json_values,
        "remaining_percent": json_values,
    },
)


@given(
    raw=st.fixed_dictionaries(
        {},
        optional={
            "limit_id": json_values,
            "primary": window_dicts | json_values,
            "secondary": window_dicts | json_values,
            "windows": st.lists(window_dicts, max_size=3),
            "primary_used_percent": json_values,
            "credits": json_values,
        },
    )
    | json_values,
    line_ts=st.none() | st.floats(min_value=0, max_value=4e9),
)
def test_any_input_gives_valid_windows_or_none(raw: object, line_ts: float | None) -> None:
    """Whatever the shape, windows have finite percentages within the display range."""
    snapshot = normalize_rate_limits(raw, line_ts)
    if snapshot is None:
        return
    assert snapshot.windows
    for window in snapshot.windows:
        assert isinstance(window, UsageWindow)
        assert math.isfinite(window.used_percent)
        assert 0.0 <= window.remaining_percent <= 100.0
        assert window.resets_at is None or math.isfinite(window.resets_at)
        assert window.label


@pytest.mark.parametrize("minutes", [0, 0.4, 0.5, -300, float("nan")])
def test_a_window_under_a_minute_long_has_no_length(minutes: float) -> None:
    """0.5 minutes rounds to 0: no length, as 0 itself (not a window "0 minutes" long)."""
    raw = {"primary": {"used_percent": 10.0, "window_minutes": minutes, "resets_at": 1.9e9}}
    limits = normalize_rate_limits(raw, LINE_TS)
    assert limits is not None
    assert limits.windows[0].window_minutes is None


def test_a_reading_is_the_same_value_whoever_folded_it() -> None:
    """Which line carried a reading and whose log it came from are not part of its value:
    ``==``, ``!=`` and the hash leave them out (a set of readings holds one of each)."""
    window = UsageWindow(300, 25.0, 1_800_000_000.0)
    reading = LimitSnapshot("codex", None, "plus", 1_700_000_000.0, (window,))
    folded = reading.folded(ReadingKind.USAGE, "019d0000-0000-7000-8000-000000000001")
    assert folded.reading is ReadingKind.USAGE
    assert reading.reading is None
    assert folded == reading
    assert (folded != reading) is False  # tuple's own != would see the folded fields
    assert hash(folded) == hash(reading)
    assert len({reading, folded}) == 1
    later = reading.observed(1_700_000_060.0)
    assert later != reading
    assert (later == reading) is False
    assert reading._replace(windows=()) != reading


def test_a_windows_list_gives_one_window_of_each_length_and_a_few_at_most() -> None:
    """A line listing one window 500 times had made a window 24,000 px tall, a title of 500
    limits and a Discord card of them: each length counts once (the first listed), and no
    more than ``MAX_LISTED_WINDOWS`` are read."""
    five = {"used_percent": 50, "window_minutes": 300, "resets_at": 2_000_000_000}
    week = {"used_percent": 20, "window_minutes": 10080, "resets_at": 2_000_000_000}
    snapshot = normalize_rate_limits(
        {"limit_id": "codex", "windows": [five] * 500 + [week, {**five, "used_percent": 90}]},
        LINE_TS,
    )
    assert snapshot is not None
    assert [(w.label, w.used_percent, w.slot) for w in snapshot.windows] == [
        ("5h", 50.0, "primary"),
        ("Weekly", 20.0, "secondary"),
    ]
    many = [{**five, "window_minutes": minutes} for minutes in range(60, 1260, 60)]
    capped = normalize_rate_limits({"windows": many}, LINE_TS)
    assert capped is not None
    assert len(capped.windows) == MAX_LISTED_WINDOWS
