"""Display helpers match Codex /status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from codex_presence_gui.core.formatting import (
    Level,
    bar_cells,
    compact_spoken,
    counted,
    credits_text,
    duration_unit,
    format_age,
    format_countdown,
    format_duration,
    format_percent_left,
    format_reset_clock,
    format_reset_time,
    format_tokens_compact,
    in_countdown,
    level_of,
    reset_phrase,
    status_usage_text,
    text_bar,
    token_triplet_spoken,
    token_triplet_text,
)
from codex_presence_gui.core.models import ContextUsage, Credits, TokenUsage, UsageWindow
from tests.helpers.snapshots import reading

UTC = UTC


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1K"),
        (1180, "1.18K"),
        (2250, "2.25K"),
        (11454, "11.5K"),
        (52414, "52.4K"),
        (258400, "258K"),
        (999_499, "999K"),
        (999_500, "1M"),
        (999_999, "1M"),
        (999_500_000, "1B"),
        (999_499_999_999, "999B"),
        (999_500_000_000, "1T"),
        (1_500_000, "1.5M"),
        (2_000_000_000, "2B"),
        (None, "–"),
    ],
)
def test_compact_tokens_match_codex(value: int | None, text: str) -> None:
    """Compact numbers use 2/1/0 decimals by magnitude and strip trailing zeros; a value that
    would round to 1000 of a unit is said in the next one."""
    assert format_tokens_compact(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (999, "999"),
        (1000, "1.00K"),
        (1_500_000, "1.50M"),
        (9_996, "10.0K"),  # three digits, not "10.00K"
        (99_960, "100K"),
        (999_500, "1.00M"),
    ],
)
def test_compact_tokens_for_a_column_keep_three_digits(value: int, text: str) -> None:
    assert format_tokens_compact(value, trailing_zeros=True) == text
    # The window's own text stays Codex's: 9,995 is 9.99K there, as in Codex.
    assert format_tokens_compact(9_995) == "9.99K"


@pytest.mark.parametrize(
    ("remaining", "text"), [(87.5, "88% left"), (12.5, "12% left"), (77.0, "77% left")]
)
def test_percent_left_rounds_half_to_even(remaining: float, text: str) -> None:
    """Codex prints `{:.0}`, which rounds ties to even."""
    assert format_percent_left(remaining) == text


def test_worked_example_of_the_spec() -> None:
    """§8.3: bars of 15 and 12 cells, 94% context left, resets 11:20 and 07:00 on 9 May."""
    five_hour = UsageWindow(300, 23.0, 1777893600)
    weekly = UsageWindow(10080, 41.0, 1778310000, slot="secondary")
    captured = 1777888800.0  # 2026-05-04 10:00 UTC
    assert bar_cells(five_hour.remaining_percent) == 15
    assert text_bar(weekly.remaining_percent) == "[" + "█" * 12 + "░" * 8 + "]"
    assert format_reset_time(1777893600, captured, UTC) == "11:20"
    assert format_reset_time(1778310000, captured, UTC) == "07:00 on 9 May"
    assert ContextUsage(26412, 258400).left_percent == 94
    assert format_percent_left(five_hour.remaining_percent) == "77% left"
    # "Token usage: 11.5K total  (10.3K input + 1.18K output)": (51234 − 40960) + 1180.
    usage = TokenUsage(51234, 40960, 1180, 640, 52414)
    assert status_usage_text(usage) == "11.5K total (10.3K input + 1.18K output)"


def test_context_baseline() -> None:
    """The first 12k tokens do not count; tiny windows show 0."""
    assert ContextUsage(12000, 258400).left_percent == 100
    assert ContextUsage(5000, 12000).left_percent == 0
    assert ContextUsage(10**9, 258400).left_percent == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "n/a"),
        (-5, "now"),
        (0, "now"),
        (42, "42s"),
        (310, "5m 10s"),
        (2 * 3600 + 13 * 60 + 5, "2h 13m"),
        (4 * 86400 + 21 * 3600, "4d 21h"),
    ],
)
def test_countdown(seconds: float | None, text: str) -> None:
    """Countdowns use the two largest units."""
    assert format_countdown(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text", "words"),
    [
        (0, "0s", "0 seconds"),
        (0.4, "0.4s", "0.4 seconds"),
        (0.96, "1s", "1 second"),  # not "1.0s"
        (42.9, "42s", "42 seconds"),
        (300, "5m 0s", "5 minutes"),  # a unit of nothing after the first is not said
        (310, "5m 10s", "5 minutes 10 seconds"),
        (3600 + 60, "1h 1m", "1 hour 1 minute"),
        (2 * 3600 + 13 * 60 + 5, "2h 13m", "2 hours 13 minutes"),
        (4 * 86400 + 21 * 3600, "4d 21h", "4 days 21 hours"),
    ],
)
def test_a_duration_is_written_one_way_and_said_in_words(
    seconds: float, text: str, words: str
) -> None:
    """Every duration the app writes comes from here, compact ("25 s" and "10 min" had stood
    beside "2h 12m"); screen readers are given it in words ("12m" can be read as metres)."""
    assert format_duration(seconds) == text
    assert format_duration(seconds, spoken=True) == words


def test_a_duration_in_whole_minutes_and_its_units() -> None:
    assert format_duration(10 * 60, least=60) == "10m"
    assert format_duration(93 * 60 + 59, least=60) == "1h 33m"
    assert format_duration(2 * 86400 + 5 * 3600, least=60, spoken=True) == "2 days 5 hours"
    assert format_duration(7980, parts=1) == "2h"
    assert (duration_unit(1), duration_unit(60), duration_unit(60, spoken=True)) == (
        "s",
        "m",
        "minutes",
    )
    assert format_countdown(None, spoken=True) == "unknown"
    assert format_countdown(-1, spoken=True) == "now"
    assert format_age(12 * 60 + 59, spoken=True) == "12 minutes ago"
    assert format_age(3600, spoken=True) == "1 hour ago"
    assert format_age(2, spoken=True) == "just now"


def test_age_and_reset_phrase() -> None:
    """Ages read naturally; a passed reset is said, not counted down."""
    assert format_age(2) == "just now"
    assert format_age(40) == "40s ago"
    assert format_age(12 * 60) == "12m ago"
    assert format_age(3 * 86400) == "3d ago"
    window = UsageWindow(300, 50.0, 1777893600)  # 2026-05-04 11:20 UTC
    captured = 1777893600 - 3600
    assert reset_phrase(window, captured, captured, UTC) == "resets in 1h 0m (11:20)"
    assert reset_phrase(window, 1777893600 + 1, captured, UTC) == "reset at 11:20"
    assert reset_phrase(UsageWindow(300, 1.0, None), 0, 0, UTC) == "reset time unknown"
    # The date is added relative to when the reading was taken, as Codex does.
    late = 1777852800 - 3600  # 2026-05-03 23:00 UTC
    assert reset_phrase(window, late + 7200, late, UTC) == "resets in 10h 20m (11:20 on 4 May)"


def test_a_reset_in_its_last_second_is_said_now() -> None:
    """In the second before a reset, and at its instant, the countdown is "now": it had read
    "resets in now (11:20)"."""
    window = UsageWindow(300, 50.0, 1777893600)  # 2026-05-04 11:20 UTC
    for now in (1777893600 - 0.5, 1777893600):
        assert reset_phrase(window, now, now - 60, UTC) == "resets now (11:20)"
    assert reset_phrase(window, 1777893600 - 1, 0, UTC).startswith("resets in 1s")
    assert in_countdown(0.2) == in_countdown(0.2, spoken=True) == "now"
    assert in_countdown(61) == "in 1m 1s"


def test_triplet_text() -> None:
    """The triplet reads this update | last response | session total."""
    assert token_triplet_text(1200, 3400, 52414) == "1.2K | 3.4K | 52.4K"
    assert token_triplet_text(None, None, None) == "none yet"


THURSDAY = datetime(2026, 11, 26, 14, 27, tzinfo=UTC).timestamp()


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
    assert format_reset_clock(THURSDAY + 2 * 3600 + 13 * 60, THURSDAY, UTC) == "16:40"
    assert format_reset_clock(THURSDAY + 86400 - 5 * 3600 - 27 * 60, THURSDAY, UTC) == "Fri 09:00"
    assert format_reset_clock(THURSDAY + 12 * 86400, THURSDAY, UTC) == "8 Dec 14:27"


def test_a_clock_half_a_year_off_in_another_year_says_the_year() -> None:
    """A Discord pause set by hand for the year 2286 had read as "until Sat 17:46"; a reset in
    early January seen in December needs no year."""
    from datetime import datetime

    december = datetime(2027, 12, 20, 12, 0, tzinfo=UTC).timestamp()
    january = datetime(2028, 1, 3, 9, 0, tzinfo=UTC).timestamp()
    assert format_reset_clock(january, december, UTC) == "3 Jan 09:00"
    far = datetime(2286, 11, 20, 17, 46, tzinfo=UTC).timestamp()
    assert format_reset_clock(far, december, UTC) == "20 Nov 2286 17:46"
    assert format_reset_clock(
        datetime(2028, 8, 1, 9, 0, tzinfo=UTC).timestamp(), december, UTC
    ) == ("1 Aug 2028 09:00")


def test_a_reset_clock_less_than_12_hours_ahead_is_the_clock_time_even_tomorrow() -> None:
    """At 22:16, "(Fri 00:28)" beside "resets in 2h 12m": the weekday had made the evening's
    lines longer than the day's (a compact window with two sets of limits had outgrown a
    small screen from 21:47 on). From 12 hours ahead, the weekday again."""
    evening = THURSDAY + 7 * 3600 + 49 * 60  # 22:16
    assert format_reset_clock(evening + 2 * 3600 + 12 * 60, evening, UTC) == "00:28"
    assert format_reset_clock(evening + 11 * 3600 + 59 * 60, evening, UTC) == "10:15"
    assert format_reset_clock(evening + 12 * 3600, evening, UTC) == "Fri 10:16"
    # Past times keep their day: a reset gone by yesterday is no time ahead.
    assert format_reset_clock(evening - 23 * 3600, evening, UTC) != "23:16"


def test_credits() -> None:
    """Credits show when there are some; nothing otherwise."""
    window = UsageWindow(300, 1.0, None)
    assert (
        credits_text(reading(THURSDAY, window, credits=Credits(True, True, None)))
        == "unlimited credits"
    )
    assert (
        credits_text(reading(THURSDAY, window, credits=Credits(True, False, "1234.6")))
        == "1,234.6 credits"
    )
    assert credits_text(reading(THURSDAY, window, credits=Credits(False, False, "0"))) is None
    assert credits_text(reading(THURSDAY, window)) is None


@pytest.mark.parametrize(
    ("balance", "expected"),
    [
        ("12.25", "12.25 credits"),
        ("12.50", "12.5 credits"),
        ("12", "12 credits"),
        ("1e3", "1,000 credits"),
        ("1e308", "1e+308 credits"),
        ("9" * 300, "1e+300 credits"),
        ("0.01", "0.01 credits"),
        ("-3", None),
        ("nan", None),
        ("lots", None),
    ],
)
def test_credits_keep_the_exact_balance(balance: str, expected: str | None) -> None:
    """The balance is said as Codex logged it, not rounded to a whole number."""
    window = UsageWindow(300, 1.0, None)
    limits = reading(THURSDAY, window, credits=Credits(True, False, balance))
    assert credits_text(limits) == expected


def test_odd_numbers_never_raise() -> None:
    """Values no real session has still format: a bound for huge counts, an empty bar for a
    percentage that is not a number."""
    from codex_presence_gui.core.formatting import bar_cells, format_tokens_compact, text_bar

    assert format_tokens_compact(999_499_999_999_999) == "999T"
    assert format_tokens_compact(2**64) == ">999T"
    assert format_tokens_compact(10**400) == ">999T"
    for value in (float("nan"), float("inf"), float("-inf")):
        assert bar_cells(value) == 0
        assert text_bar(value) == "[" + "░" * 20 + "]"


def test_counts_agree_with_their_noun() -> None:
    assert counted(1, "malformed line") == "1 malformed line"
    assert counted(0, "folder") == "0 folders"
    assert counted(2_048, "tool call") == "2,048 tool calls"
    assert counted(3, "entry", "entries") == "3 entries"


def test_capitalized_makes_a_clause_a_sentence_and_keeps_the_rest() -> None:
    from codex_presence_gui.core.formatting import capitalized

    assert capitalized("another Codex Presence holds the API's index") == (
        "Another Codex Presence holds the API's index"
    )
    assert capitalized("") == ""
    assert capitalized("é") == "É"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (999, "999"),
        (26_400, "26.4 thousand"),
        (1_200_000, "1.2 million"),
        (3_000_000_000, "3 billion"),
        (12_000_000_000_000, "12 trillion"),
        (10**18, "more than 999 trillion"),
    ],
)
def test_a_compact_count_is_given_to_screen_readers_in_words(value: int, said: str) -> None:
    """ "26.4K" is read "twenty-six point four K" (or "kelvin"): the unit is said as a word."""
    assert compact_spoken(format_tokens_compact(value)) == said


@pytest.mark.parametrize("text", ["K", "1.2.3M", "OK", "$", "", "-5K", "1.2x", "$$1M"])
def test_what_is_no_compact_count_is_left_as_it_is(text: str) -> None:
    assert compact_spoken(text) == text


def test_an_amount_in_millions_is_spoken_in_words() -> None:
    assert compact_spoken("$1.39M") == "$1.39 million"


def test_the_session_tokens_are_spoken_in_words() -> None:
    assert token_triplet_spoken(1200, None, 52_400) == (
        "this update 1.2 thousand, last response not known, session total 52.4 thousand"
    )
