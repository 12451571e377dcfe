"""The window's plain-words rows: levels, reset clocks, stale and past-reset readings, credits."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from codex_presence_gui.core.formatting import (
    Level,
    credits_text,
    format_reset_clock,
    level_of,
)
from codex_presence_gui.core.models import Credits, LimitSnapshot, UsageWindow

UTC = timezone.utc
NOW = datetime(2026, 11, 26, 14, 27, tzinfo=UTC).timestamp()  # a Thursday


def reading(
    observed: float, *windows: UsageWindow, credits: Credits | None = None
) -> LimitSnapshot:
    return LimitSnapshot("codex", None, "plus", observed, windows, credits)


@pytest.mark.parametrize(
    ("remaining", "level"),
    [
        (100, Level.GOOD),
        (60, Level.GOOD),
        (59.9, Level.WARN),
        (30, Level.WARN),
        (29.9, Level.LOW),
        (0, Level.LOW),
    ],
)
def test_levels(remaining: float, level: Level) -> None:
    """Green from 60 % left, amber from 30 %, red below."""
    assert level_of(remaining) is level


def test_reset_clock_today_this_week_and_later() -> None:
    """Today a time; within a week the weekday; further away the date."""
    assert format_reset_clock(NOW + 2 * 3600 + 13 * 60, NOW, UTC) == "16:40"
    assert format_reset_clock(NOW + 86400 - 5 * 3600 - 27 * 60, NOW, UTC) == "Fri 09:00"
    assert format_reset_clock(NOW + 12 * 86400, NOW, UTC) == "8 Dec 14:27"


def test_credits() -> None:
    """Credits show when there are some; nothing otherwise."""
    window = UsageWindow(300, 1.0, None)
    assert (
        credits_text(reading(NOW, window, credits=Credits(True, True, None))) == "unlimited credits"
    )
    assert (
        credits_text(reading(NOW, window, credits=Credits(True, False, "1234.6")))
        == "1,234.6 credits"
    )
    assert credits_text(reading(NOW, window, credits=Credits(False, False, "0"))) is None
    assert credits_text(reading(NOW, window)) is None


@pytest.mark.parametrize(
    ("balance", "expected"),
    [
        ("12.25", "12.25 credits"),
        ("12.50", "12.5 credits"),
        ("12", "12 credits"),
        ("1e3", "1,000 credits"),
        ("0.01", "0.01 credits"),
        ("-3", None),
        ("nan", None),
        ("lots", None),
    ],
)
def test_credits_keep_the_exact_balance(balance: str, expected: str | None) -> None:
    """The balance is said as Codex logged it, not rounded to a whole number."""
    window = UsageWindow(300, 1.0, None)
    limits = reading(NOW, window, credits=Credits(True, False, balance))
    assert credits_text(limits) == expected
