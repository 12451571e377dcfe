"""The glance: each window's mark, percent and menu line, the most limiting one, the title."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.viewmodels.glance import (
    TOOLTIP_MAX,
    Glance,
    glance,
    window_mark,
    window_title,
)
from tests.helpers.snapshots import NOW, dashboard, limits, session

UTC = UTC
HOUR = 3600.0


def look(limit: LimitSnapshot | None, *, now: float = NOW) -> Glance:
    return glance(dashboard((session("a"),), limit=limit, now=now), zone=UTC)


def bucket(*windows: UsageWindow, observed: float = NOW - 40) -> LimitSnapshot:
    return LimitSnapshot("codex", None, "plus", observed, windows)


def test_fresh_reading() -> None:
    """Marks, percents, levels and lines of both windows; the weekly one limits most."""
    view = look(limits((36.0, 71.0)))  # resets: 5h 10:13 today, weekly Mon 08:00
    five, week = view.windows
    assert (five.mark, five.percent, five.level) == ("5h", 64, Level.GOOD)
    assert (week.mark, week.percent, week.level) == ("W", 29, Level.LOW)
    assert five.line == "5h: 64% left · resets 10:13"
    assert week.line == "Weekly: 29% left · resets Mon 08:00"
    assert (five.stale, five.past_reset, five.reached, five.tentative) == (False,) * 4
    assert view.limiting == week
    assert (view.stale, view.waiting) == (False, "")
    assert view.tooltip.splitlines() == [
        "Codex Presence",
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
    ]
    assert view.title == "5h: 64% left · Weekly: 29% left — Codex Presence"


def test_stale_reading_keeps_its_value() -> None:
    """Older than 15 minutes: the numbers stay, flagged, and the lines say how old they are."""
    view = look(limits((36.0, 71.0), observed=NOW - 35 * 60))
    five, week = view.windows
    assert (five.percent, week.percent) == (64, 29)
    assert (five.stale, week.stale, five.tentative) == (True, True, True)
    assert view.limiting == week
    assert five.line == "5h: 64% left · resets 10:13 · as of 35m ago"
    assert week.line == "Weekly: 29% left · resets Mon 08:00 · as of 35m ago"
    assert (view.stale, view.age) == (True, "35m ago")
    # The tooltip says the age once, to stay within what Windows shows.
    assert view.tooltip.splitlines()[1:] == [
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "as of 35m ago",
    ]
    assert len(view.tooltip) < 128
    # The title says the reading is not fresh: a minimized window shows nothing else.
    assert view.title == ("5h: 64% left · Weekly: 29% left · as of 35m ago — Codex Presence")


def test_one_window_past_its_reset() -> None:
    """A passed reset reads ~100 and flagged; the other window limits most."""
    limit = bucket(
        UsageWindow(300, 90.0, NOW - 19 * 60),  # reset at 07:41
        UsageWindow(10080, 40.0, NOW + 3 * 86400, slot="secondary"),
        observed=NOW - 2 * HOUR,
    )
    view = look(limit)
    five, week = view.windows
    assert (five.percent, five.past_reset, five.tentative) == (100, True, True)
    assert five.percent_text == "~100%"
    assert five.line == "5h: ~100% left · new window since 07:41"
    assert week.line == "Weekly: 60% left · resets Mon 08:00 · as of 2h ago"
    assert view.limiting == week
    assert view.title == "5h: ~100% left · Weekly: 60% left · as of 2h ago — Codex Presence"


def test_both_windows_past_their_reset() -> None:
    """Every reset passed: the first window stands for both, at ~100."""
    limit = bucket(
        UsageWindow(300, 90.0, NOW - 8 * 86400),
        UsageWindow(10080, 95.0, NOW - 60, slot="secondary"),
        observed=NOW - 9 * 86400,
    )
    view = look(limit)
    assert view.limiting == view.windows[0]
    assert all(w.past_reset and w.percent == 100 for w in view.windows)
    assert view.windows[1].line == "Weekly: ~100% left · new window since 07:59"
    assert view.title == "5h: ~100% left · Weekly: ~100% left — Codex Presence"
    assert view.tooltip.splitlines()[-1] == "as of 9d ago"


def test_limit_reached() -> None:
    """Nothing left: said in words, red, and it limits most."""
    view = look(limits((100.0, 50.0)))
    five = view.windows[0]
    assert (five.percent, five.reached, five.level) == (0, True, Level.LOW)
    assert five.line == "5h: limit reached · resets 10:13"
    assert view.limiting == five
    # Said as the menu line says it: "5h 0% until 10:13" had read as a puzzle in the taskbar.
    assert view.title == "5h: limit reached (resets 10:13) · Weekly: 50% left — Codex Presence"
    last = look(limits((50.0, 100.0)))
    assert last.title == (
        "5h: 50% left · Weekly: limit reached (resets Mon 08:00) — Codex Presence"
    )
    unknown = look(bucket(UsageWindow(300, 100.0, None)))
    assert unknown.title == "5h: limit reached — Codex Presence"


def test_weekly_only_account() -> None:
    """A single weekly window (sent as primary) is named and marked as weekly."""
    view = look(bucket(UsageWindow(10080, 12.0, NOW + 2 * 86400)))
    (week,) = view.windows
    assert (week.label, week.mark, week.percent) == ("Weekly", "W", 88)
    assert week.line == "Weekly: 88% left · resets Sun 08:00"
    assert view.limiting == week
    assert view.title == "Weekly: 88% left — Codex Presence"


def test_full_window_reads_100() -> None:
    """100 % left stays 100 (not 99); halves round to even as in Codex (99.5 → 100), 99.4 → 99."""
    view = look(limits((0.0, 0.5)))
    assert [w.percent for w in view.windows] == [100, 100]
    assert view.windows[0].line == "5h: 100% left · resets 10:13"
    assert view.title == "5h: 100% left · Weekly: 100% left — Codex Presence"
    assert [w.percent for w in look(limits((0.4, 0.6))).windows] == [100, 99]


def test_ties_go_to_the_first_window() -> None:
    """Equal percents: the shorter (first) window is the one shown."""
    view = look(limits((50.0, 50.0)))
    assert view.limiting == view.windows[0]


def test_no_reading() -> None:
    """Before the first refresh, and without any limit reading: the app's name alone."""
    for board, waiting in (
        (None, "Reading your Codex logs…"),
        (dashboard((session("a"),)), "No limit reading yet"),
        (dashboard((session("a"),), limit=bucket()), "No limit reading yet"),
    ):
        view = glance(board)
        assert (view.windows, view.limiting, view.stale, view.age) == ((), None, False, "")
        assert view.waiting == waiting
        assert view.tooltip == f"Codex Presence: {waiting}"
        assert view.title == "Codex Presence"
        assert window_title(board) == "Codex Presence"


def test_window_title_follows_the_dashboard() -> None:
    """The function the window calls gives the glance's title."""
    assert (
        window_title(dashboard(limit=limits((36.0, 71.0))))
        == "5h: 64% left · Weekly: 29% left — Codex Presence"
    )


def test_now_moves_the_glance_on() -> None:
    """At a later ``now`` the same reading turns stale, then its 5h window resets."""
    board = dashboard(limit=limits((36.0, 71.0)))
    later = glance(board, now=NOW + 20 * 60, zone=UTC)
    assert (later.stale, later.windows[0].percent) == (True, 64)
    assert later.windows[0].line.endswith(" · as of 20m ago")
    reset = glance(board, now=NOW + 3 * HOUR, zone=UTC)
    assert reset.windows[0].past_reset


def test_marks() -> None:
    """Named windows get a letter; other lengths their duration; unknown ones an initial."""
    assert window_mark(UsageWindow(300, 0, None)) == "5h"
    assert window_mark(UsageWindow(10080, 0, None)) == "W"
    assert window_mark(UsageWindow(1440, 0, None)) == "D"
    assert window_mark(UsageWindow(43200, 0, None)) == "M"
    assert window_mark(UsageWindow(90, 0, None)) == "90m"
    assert window_mark(UsageWindow(None, 0, None)) == "U"


def test_unknown_reset_time() -> None:
    """No reset time: the line says only what is left."""
    view = look(bucket(UsageWindow(300, 20.0, None)))
    assert view.windows[0].line == "5h: 80% left"


def test_what_rounds_to_nothing_left_reads_limit_reached_as_in_the_panel() -> None:
    """0.4% left is "0% left" rounded: the limits panel and the Discord card say "limit
    reached"; the title and the tray had said "5h: 0% left"."""
    view = glance(dashboard(limit=limits((99.6, 82.0))))
    assert view.windows[0].reached
    assert view.windows[0].text.startswith("5h: limit reached")
    assert view.title.startswith("5h: limit reached (resets ")


SPARK = "GPT-5.3-Codex-Spark"


def spark(
    used: tuple[float, float] = (62.0, 18.0), *, observed: float = NOW - 40, name: str = SPARK
) -> LimitSnapshot:
    """A model's own 5h and weekly limits, as Codex reports them beside the account's."""
    return LimitSnapshot(
        "codex_bengalfox",
        name,
        "plus",
        observed,
        (
            UsageWindow(300, used[0], NOW + 3 * HOUR),
            UsageWindow(10080, used[1], NOW + 5 * 86400, slot="secondary"),
        ),
    )


def with_models(limit: LimitSnapshot, *models: LimitSnapshot, platform: str = "win32") -> Glance:
    """The glance with models' limits too, its tooltip as Windows shows it (unless told)."""
    board = replace(dashboard((session("a"),), limit=limit), other_limits=models)
    return glance(board, zone=UTC, platform=platform)


def test_a_models_limits_are_glanced_too_after_the_accounts() -> None:
    """The window shows a model's limits under the account's: the menu's lines list them too,
    named as the window reads them ("GPT-5.3-Codex-Spark 5h"), one line per window; the
    icon and the title stay with the account's, which bind whatever the model."""
    view = with_models(limits((36.0, 71.0)), spark())
    assert [w.line for w in view.windows] == [
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
    ]
    assert [(w.whose, w.line) for w in view.others] == [
        (SPARK, "5h: 38% left · resets 11:00"),
        (SPARK, "Weekly: 82% left · resets Wed 08:00"),
    ]
    assert view.limiting == view.windows[1]
    assert view.title == "5h: 64% left · Weekly: 29% left — Codex Presence"
    # The tooltip: a line per model, in a model's marks where the whole would pass what
    # Windows shows; elsewhere, whole.
    assert view.tooltip.splitlines() == [
        "Codex Presence",
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "GPT-5.3-Codex-Spark 5h 38% · W 82%",
    ]
    assert len(view.tooltip) <= 127
    assert with_models(limits((36.0, 71.0)), spark(), platform="linux").tooltip.splitlines()[
        -1
    ] == ("GPT-5.3-Codex-Spark 5h: 38% left · Weekly: 82% left")
    assert look(limits((36.0, 71.0))).others == ()


def test_a_models_limits_shown_alone_are_named() -> None:
    """No reading of the account's limits anywhere, only a model's (a Spark turn logs its
    model's bucket alone): the title and the tooltip name the model, as the limits panel
    does; unnamed, its "5h" had read as the account's."""
    view = glance(dashboard((session("a"),), limit=spark()), zone=UTC, platform="linux")
    assert [w.whose for w in view.windows] == [SPARK, SPARK]
    assert view.title == f"{SPARK} 5h: 38% left · Weekly: 82% left — Codex Presence"
    assert view.tooltip.splitlines()[1:] == [
        f"{SPARK} 5h: 38% left · resets 11:00",
        f"{SPARK} Weekly: 82% left · resets Wed 08:00",
    ]


def test_the_tooltip_keeps_the_resets_when_a_models_line_fits() -> None:
    view = with_models(limits((36.0, 71.0)), spark(name="Spark"))
    assert view.tooltip.splitlines() == [
        "Codex Presence",
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "Spark 5h: 38% left · Weekly: 82% left",
    ]
    assert len(view.tooltip) <= 127


def test_a_models_reading_says_its_own_age_and_state() -> None:
    """A model's reading older than the account's says how old, on its lines and in the
    tooltip; nothing left there reads "limit reached" with its reset, as the panel says."""
    view = with_models(limits((36.0, 71.0)), spark((100.0, 18.0), observed=NOW - 2 * HOUR))
    five, week = view.others
    assert five.line == "5h: limit reached · resets 11:00 · as of 2h ago"
    assert week.line == "Weekly: 82% left · resets Wed 08:00 · as of 2h ago"
    whole = with_models(
        limits((36.0, 71.0)), spark((100.0, 18.0), observed=NOW - 2 * HOUR), platform="linux"
    )
    assert whole.tooltip.splitlines()[-1] == (
        "GPT-5.3-Codex-Spark 5h: limit reached (resets 11:00) · Weekly: 82% left · as of 2h ago"
    )
    # Where Windows shows 127 characters: the model's windows in marks, its age left out
    # (its reset clock is what the limit reached needs); the account's resets all there.
    assert view.tooltip.splitlines()[1:] == [
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "GPT-5.3-Codex-Spark 5h 0% (resets 11:00) · W 82%",
    ]
    assert len(view.tooltip) <= TOOLTIP_MAX
    # Read with the account's (the same age): said once, at the end.
    both = with_models(
        limits((36.0, 71.0), observed=NOW - HOUR), spark(observed=NOW - HOUR)
    ).tooltip.splitlines()
    assert both[-2:] == ["GPT-5.3-Codex-Spark 5h 38% · W 82%", "as of 1h ago"]


def test_a_model_named_right_to_left_keeps_its_numbers_in_the_tooltip() -> None:
    """A Hebrew model name is isolated in the tooltip: "5h" after it stays after it."""
    line = with_models(limits((36.0, 71.0)), spark(name="מודל")).tooltip.splitlines()[-1]
    assert line == "\u2068מודל\u2069 5h: 38% left · Weekly: 82% left"


def test_the_tooltip_of_two_long_named_models_stays_within_what_windows_shows() -> None:
    """Windows shows 127 characters of a tray icon's tooltip. Two models with long names
    and readings older than the account's pass it: the models' lines say less, in a fixed
    order, until it fits (the words of their windows, long names as far as needed, their
    ages, a reached limit's clock, then the names further, in whole words), then the last
    ones go, counted; the account's lines stay whole (their resets had been the first to
    go). Both models keep their line: the second had given way to "+1 more model"."""
    long_name = "GPT-5.3-Codex-Spark-Preview-Long"
    models = (
        spark((100.0, 18.0), observed=NOW - 2 * HOUR, name=long_name),
        spark(observed=NOW - 3 * HOUR, name=long_name + "-2")._replace(limit_id="codex_two"),
    )
    view = with_models(limits((36.0, 71.0)), *models)
    assert view.tooltip.splitlines() == [
        "Codex Presence",
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "GPT…Long 5h 0% · W 82%",
        "GPT…Long-2 5h 38% · W 82%",
    ]
    assert len(view.tooltip) == TOOLTIP_MAX
    assert [w.whose for w in view.others] == [long_name] * 2 + [long_name + "-2"] * 2
    # Only as far as needed: one such model keeps its name whole.
    one = with_models(limits((36.0, 71.0)), models[0]).tooltip
    assert one.splitlines()[-1] == f"{long_name} 5h 0% · W 82%"
    assert len(one) <= TOOLTIP_MAX
    # The account's lines longer: one model's line fits, the other is counted.
    reached = with_models(limits((100.0, 71.0)), *models).tooltip
    assert reached.splitlines() == [
        "Codex Presence",
        "5h: limit reached · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
        "…Preview-Long 5h 0% · W 82%",
        "+1 more model",
    ]
    # Elsewhere, whole.
    whole = with_models(limits((36.0, 71.0)), *models, platform="linux").tooltip
    assert whole.splitlines()[-1] == (
        f"{long_name}-2 5h: 38% left · Weekly: 82% left · as of 3h ago"
    )


def test_the_accounts_resets_are_the_last_to_go_from_a_windows_tooltip() -> None:
    """Windows: with a model's line, the account's reset clocks had been the first detail
    left out ("5h: 64% left" where the window says when it resets); each window of the
    account keeps its reset, stale or not, with one model or several."""
    for observed in (NOW - 40, NOW - 35 * 60):
        account = limits((36.0, 71.0), observed=observed)
        for models in ((spark(),), (spark(), spark(name="Other")._replace(limit_id="codex_o"))):
            lines = with_models(account, *models).tooltip.splitlines()
            assert lines[1:3] == [
                "5h: 64% left · resets 10:13",
                "Weekly: 29% left · resets Mon 08:00",
            ]
            assert lines[3] in (
                "GPT-5.3-Codex-Spark 5h 38% · W 82%",
                "…Codex-Spark 5h 38% · W 82%",  # beside "Other 5h 38% · W 82%"
                "Limits of 2 models in the menu",
            )
            assert len("\n".join(lines).encode("utf-16-le")) // 2 <= TOOLTIP_MAX


def test_an_account_of_many_windows_keeps_every_percent_in_a_windows_tooltip() -> None:
    """More windows than Codex lists now, with their clocks past 127 characters even
    alone: the clocks go, every window's percent stays (the cut had taken the last ones)."""
    minutes = (300, 1440, 10080, 43200, 525600)
    account = LimitSnapshot(
        "codex",
        None,
        "plus",
        NOW - 3 * HOUR,
        tuple(UsageWindow(m, 50.0, NOW + 3 * 86400) for m in minutes),
    )
    assert with_models(account, spark()).tooltip.splitlines() == [
        "Codex Presence",
        "5h: 50% left",
        "Daily: 50% left",
        "Weekly: 50% left",
        "Monthly: 50% left",
        "Annual: 50% left",
        "as of 3h ago",
    ]


def test_a_tooltip_that_still_passes_what_windows_shows_counts_the_models_left_out() -> None:
    """Many models (or wide characters, which Windows counts twice): the models that do not
    fit are counted on a last line, rather than a line cut through in its middle."""
    models = tuple(
        spark(name=f"מודל {index}")._replace(limit_id=f"codex_{index}") for index in range(4)
    )
    tooltip = with_models(limits((36.0, 71.0)), *models).tooltip
    assert tooltip.splitlines()[3:] == ["\u2068מודל 0\u2069 5h 38% · W 82%", "+3 more models"]
    assert len(tooltip.encode("utf-16-le")) // 2 <= TOOLTIP_MAX
    # A name of 60 emoji (120 units) is cut to its room, rather than its line counted.
    emoji = with_models(limits((36.0, 71.0)), spark(name="🚀" * 60)).tooltip
    assert emoji.splitlines()[-1] == f"\u2068{'🚀' * 8}…{'🚀' * 7}\u2069 5h 38% · W 82%"
    assert len(emoji.encode("utf-16-le")) // 2 == TOOLTIP_MAX


def test_a_waiting_tooltip_stays_within_what_windows_shows() -> None:
    """Folders with long names said missing: the tooltip is elided, not cut by Windows."""
    from pathlib import Path

    homes = tuple(Path(f"/home/someone/{'deep/' * 12}codex-{index}") for index in range(3))
    board = replace(dashboard(()), homes=homes, sessionless=homes)
    tooltip = glance(board).tooltip
    assert tooltip.startswith("Codex Presence: ")
    assert tooltip.endswith("…")
    assert len(tooltip) <= TOOLTIP_MAX


def test_a_long_tooltip_is_cut_with_a_few_measures(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tooltip of 64 long folder names (no reading yet) is cut to fit from its first
    characters: measured anew at each character from its end, 262,000 of them had held the
    GUI thread for seconds."""
    from codex_presence_gui.viewmodels import glance as glance_module

    measured: list[int] = []
    units = glance_module._tooltip_units

    def counting(text: str) -> int:
        measured.append(len(text))
        return units(text)

    monkeypatch.setattr(glance_module, "_tooltip_units", counting)
    text = glance_module._within_tooltip_max("x" * 262_144)
    assert text == "x" * (glance_module.TOOLTIP_MAX - 1) + "\u2026"
    assert len(measured) <= 3
