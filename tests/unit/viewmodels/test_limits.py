"""The limits panel's rows in every state, as plain data (no widgets needed)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from codex_presence_gui.core.dashboard import Dashboard, build_dashboard
from codex_presence_gui.core.formatting import Level, reading_age_text, stale_text
from codex_presence_gui.core.models import Credits, LimitSnapshot, UsageWindow
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import build_report, render_text
from codex_presence_gui.viewmodels.card import dashboard_card
from codex_presence_gui.viewmodels.glance import glance
from codex_presence_gui.viewmodels.limits import (
    NO_LIMITS_IN_REPLIES_MESSAGE,
    NO_READING_MESSAGE,
    RowState,
    limit_row,
    limits_view,
    new_window_spark,
    spark_tip,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.snapshots import reading, session
from tests.helpers.special_files import refuse_stat

UTC = UTC
NOW = datetime(2026, 11, 26, 14, 27, tzinfo=UTC).timestamp()  # a Thursday


def board(*buckets: LimitSnapshot, homes: tuple[Path, ...] = (Path("/h"),)) -> Dashboard:
    return Dashboard(
        generated_at=NOW,
        homes=homes,
        missing_homes=(),
        sessions=(),
        active=None,
        limits=buckets[0] if buckets else None,
        limits_source=None,
        other_limits=buckets[1:],
        warnings=(),
        sessions_read=0,
    )


def test_fresh_row() -> None:
    """A fresh reading shows what is left, coloured by level, the countdown and the clock."""
    window = UsageWindow(300, 36.0, NOW + 2 * 3600 + 13 * 60)
    row = limit_row(window, reading(NOW - 40, window), NOW, UTC)
    assert (row.label, row.percent_text, row.level) == ("5h", "64% left", Level.GOOD)
    assert row.state is RowState.CURRENT
    assert row.status_text == "resets in 2h 13m (16:40)"
    assert not row.dimmed
    assert not row.emphasis
    assert row.left_fraction == 0.64
    assert reading_age_text(reading(NOW - 40, window), NOW) == "updated 40s ago"


def test_a_row_in_its_reset_s_last_second_says_it_resets_now() -> None:
    """The panel's status line and its screen-reader words at the instant of a reset: "resets
    now", never "resets in now"."""
    window = UsageWindow(300, 36.0, NOW + 0.4)
    row = limit_row(window, reading(NOW - 40, window), NOW, UTC)
    assert row.status_text.startswith("resets now (")
    assert row.status_spoken.startswith("resets now (")
    assert "Resets now" in row.spoken_details
    assert "in now" not in row.status_text + row.status_spoken + row.spoken_details


def test_a_reset_clock_is_kept_on_one_line() -> None:
    """A weekly reset's clock ("Thu 09:00") is one piece where the line wraps: "(Thu" /
    "09:00)" had read as two things."""
    window = UsageWindow(10080, 71.0, NOW + 2 * 86400, slot="secondary")
    row = limit_row(window, reading(NOW - 40, window), NOW, UTC)
    clock = row.status_text[row.status_text.index("(") :]
    assert " " not in clock
    assert "\N{NO-BREAK SPACE}" in clock  # the day and the time, joined


def test_stale_row_keeps_its_value_dimmed() -> None:
    """After 15 minutes the value stays, quieter, and the panel says how old it is."""
    window = UsageWindow(10080, 82.0, NOW + 3 * 86400)
    limits = reading(NOW - 35 * 60, window)
    row = limit_row(window, limits, NOW, UTC)
    assert row.dimmed
    assert (row.label, row.percent_text, row.level) == ("Weekly", "18% left", Level.LOW)
    assert row.spoken.endswith(", reading may be out of date")
    assert "as of 35 minutes ago" in row.spoken_details
    assert stale_text(limits, NOW) == (
        "As of 35m ago: may be out of date until your next Codex turn."
    )
    assert limits_view(board(limits)).stale_text == stale_text(limits, NOW)


def test_limit_reached_is_the_loudest_row() -> None:
    """Nothing left: the status line is the news, bold and coloured, with the reset."""
    window = UsageWindow(300, 100.0, NOW + 3600 + 59 * 60)
    row = limit_row(window, reading(NOW - 60, window), NOW, UTC)
    assert row.state is RowState.REACHED
    assert row.percent_text == "0% left"
    assert row.level is Level.LOW
    assert row.emphasis
    assert row.status_text == "Limit reached — resets in 1h 59m (16:26)"


def test_below_ten_percent_is_low() -> None:
    """A nearly used-up window is red and still says its reset."""
    window = UsageWindow(300, 93.0, NOW + 600)
    row = limit_row(window, reading(NOW - 60, window), NOW, UTC)
    assert (row.percent_text, row.level, row.emphasis) == ("7% left", Level.LOW, False)


def test_past_reset_reads_as_full_not_empty() -> None:
    """Past its reset the window is most likely full: a dimmed full bar, and a chart that
    starts the new window."""
    window = UsageWindow(300, 90.0, NOW - 60)
    row = limit_row(window, reading(NOW - 3 * 3600, window), NOW, UTC)
    assert row.state is RowState.PAST_RESET
    assert row.percent_text == "~100% left"
    assert row.left_fraction == 1.0
    assert row.dimmed
    assert row.status_text == "new window since 14:26, confirmed on your next turn"
    assert row.chart is not None
    assert row.chart.assumed
    assert row.chart.start == NOW - 60
    assert row.chart.end == NOW - 60 + 5 * 3600


def test_new_window_after_several_resets() -> None:
    """A reading days old: the chart starts at the latest reset before now."""
    window = UsageWindow(300, 50.0, NOW - 12 * 3600)
    chart = new_window_spark(window, NOW)
    assert chart is not None
    assert chart.start <= NOW < chart.end
    assert chart.end - chart.start == 5 * 3600


def test_unknown_reset() -> None:
    """A window without a reset time says so."""
    window = UsageWindow(300, 10.0, None)
    row = limit_row(window, reading(NOW, window), NOW, UTC)
    assert row.status_text == "reset time not reported"


def test_panel_with_a_model_bucket_and_credits() -> None:
    """The account's rows first, then each model bucket under its heading; credits with the
    account, exact."""
    account = reading(
        NOW - 30,
        UsageWindow(300, 10.0, NOW + 3600),
        UsageWindow(10080, 20.0, NOW + 86400),
        credits=Credits(True, False, "12.25"),
    )
    model = LimitSnapshot(
        "codex_other", "GPT-5.3-Codex-Spark", None, NOW - 30, (UsageWindow(300, 50, NOW + 60),)
    )
    view = limits_view(board(account, model))
    assert [g.heading for g in view.groups] == [None, "GPT-5.3-Codex-Spark limits"]
    assert [len(g.rows) for g in view.groups] == [2, 1]
    # With the account's own limits, not after the model's; the exact balance.
    assert view.groups[0].footer == "12.25 credits"
    assert view.groups[1].footer == ""
    assert view.message is None
    # Read one by one, a model's own window names the model: "5h limit" is the account's.
    assert view.groups[0].rows[0].spoken.startswith("5h limit: 90% left")
    assert view.groups[1].rows[0].spoken.startswith("GPT-5.3-Codex-Spark 5h limit: 50% left")


def test_a_model_s_limits_shown_alone_are_named() -> None:
    """No reading of the account's limits anywhere, only a model's (a Spark turn logs its
    model's bucket alone): its rows are named, not shown as the account's "5h"."""
    model = LimitSnapshot(
        "codex_bengalfox", "GPT-5.3-Codex-Spark", None, NOW - 30, (UsageWindow(300, 55, NOW + 60),)
    )
    view = limits_view(board(model))
    assert [g.heading for g in view.groups] == ["GPT-5.3-Codex-Spark limits"]
    assert view.groups[0].rows[0].spoken.startswith("GPT-5.3-Codex-Spark 5h limit: 45% left")


def test_a_reading_from_a_session_without_a_folder_names_the_session() -> None:
    """The tooltip names such a session by its id: "session (none) (id)" had read as a
    session called "(none)"."""
    account = reading(NOW - 30, UsageWindow(300, 10.0, NOW + 3600))
    sid = "019de1a2-0000-7000-8000-0000000000c1"
    named = replace(board(account), limits_source=session(sid, project="shop"))
    assert limits_view(named).tooltip.startswith(f"Reading from session shop ({sid})\n")
    folderless = replace(board(account), limits_source=session(sid, project=""))
    assert limits_view(folderless).tooltip.startswith(f"Reading from session {sid}\n")


def test_weekly_only_account() -> None:
    """An account with only the weekly window shows one row."""
    limits = reading(NOW - 30, UsageWindow(10080, 40.0, NOW + 86400, slot="primary"))
    view = limits_view(board(limits))
    assert [row.label for row in view.groups[0].rows] == ["Weekly"]


def test_no_reading_and_no_folder_say_why() -> None:
    """Without a reading the panel is a sentence; without Codex's folder too."""
    assert limits_view(board()).message == NO_READING_MESSAGE
    missing = Dashboard(
        generated_at=NOW,
        homes=(Path("/nowhere"),),
        missing_homes=(Path("/nowhere"),),
        sessions=(),
        active=None,
        limits=None,
        limits_source=None,
        other_limits=(),
        warnings=(),
        sessions_read=0,
    )
    assert "not found" in (limits_view(missing).message or "")
    assert limits_view(None).message is not None


def test_replies_without_limits_are_not_told_to_start_a_turn() -> None:
    """A session whose replies were counted but carried no limits (an API key, a local
    model): "start a turn in Codex and they appear here" had stood above its card."""
    replied = replace(board(), sessions=(session("a"),))
    assert limits_view(replied).message == NO_LIMITS_IN_REPLIES_MESSAGE
    assert "start a turn" not in NO_LIMITS_IN_REPLIES_MESSAGE
    no_tokens = session("a", session_total_tokens=None, session_delta_tokens=None)
    quiet = replace(board(), sessions=(no_tokens,))
    assert limits_view(quiet).message == NO_READING_MESSAGE
    # A fork with only its parent's total (its readings were the parent's, passed over) has
    # not replied yet: no word of API keys.
    copied = session(
        "a", session_total_tokens=52_400, inherited_tokens=52_400, session_delta_tokens=None
    )
    assert limits_view(replace(board(), sessions=(copied,))).message == NO_READING_MESSAGE
    grown = session("a", session_total_tokens=53_000, inherited_tokens=52_400)
    assert limits_view(replace(board(), sessions=(grown,))).message == NO_LIMITS_IN_REPLIES_MESSAGE


def test_a_deleted_sessions_folder_is_named_and_its_return_picked_up(tmp_path: Path) -> None:
    """A home whose ``sessions`` folder is deleted while the app runs: the panel and the tray
    say that folder is missing (not "no reading yet, start a turn", as if all were well), and
    the limits come back once Codex makes it again."""
    home = CodexHome(tmp_path / ".codex")
    lines = [r.session_meta(BASE, "a"), r.turn_context(BASE + 1)]
    lines.append(r.token_count(BASE + 2, r.usage(1000, 0, 100), None, r.limits()))
    home.write("a", lines)
    reader = CodexReader([home.root], max_age=None, clock=lambda: BASE + 10)

    def refreshed() -> Dashboard:
        return build_dashboard(reader.refresh(discover_files=True))

    assert limits_view(refreshed()).groups
    shutil.rmtree(home.root / "sessions")
    gone = refreshed()
    sessions = str(home.root / "sessions")
    assert limits_view(gone).message == (
        f"No limits to show: {sessions}, where Codex keeps its logs, is missing. The limits "
        "appear here by themselves once Codex makes it, when a session starts."
    )
    assert glance(gone).waiting == f"{sessions} is missing"
    home.write("a", lines)
    assert limits_view(refreshed()).groups


def test_a_home_that_cannot_be_entered_is_said_instead_of_start_a_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Codex folder of mode 000 (or another user's) for a user who is not root: the panel
    had said "no limit reading yet: start a turn in Codex", the card "start Codex and it
    shows up here", which cannot happen while the folder cannot be read."""
    home = CodexHome(tmp_path / "codex")
    lines = [r.session_meta(BASE, "a"), r.turn_context(BASE + 1)]
    lines.append(r.token_count(BASE + 2, r.usage(1000, 0, 100), None, r.limits()))
    home.write("a", lines)
    reader = CodexReader([home.root], max_age=None, clock=lambda: BASE + 10)
    assert limits_view(build_dashboard(reader.refresh())).groups
    with monkeypatch.context() as closed:
        refuse_stat(closed, lambda path: path.startswith(str(home.root) + "/"))
        result = reader.refresh()
        board = build_dashboard(result)
    assert result.closed_homes == ((home.root, "Permission denied"),)
    shown = f"{home.root} (Permission denied)"
    assert limits_view(board).message == f"No limits to show: cannot open {shown}."
    assert dashboard_card(board).message == (
        f"No Codex session can show up here: cannot open {shown}: let this user read it, "
        "or choose another Codex folder."
    )
    text = render_text(result, width=200)
    assert f"Limits: none to show: cannot open {shown}." in text
    assert "Start `codex`" not in text
    assert build_report(result)["limits_reasons"] == [
        {
            "text": f"cannot open {shown}: let this user read it, or choose another Codex folder",
            "kind": "home_closed",
            "path": str(home.root),
        }
    ]
    # Readable again: the limits are back.
    assert limits_view(build_dashboard(reader.refresh())).groups


def test_a_minute_later_a_row_is_named_the_same() -> None:
    """A screen reader's name of a row holds what it means: the countdown, the reading's age
    (stale) are in its description, which a minute changes; the percentage renames it."""
    window = UsageWindow(300, 36.0, NOW + 7980)
    limits = reading(NOW - 35 * 60, window)
    row = limit_row(window, limits, NOW, UTC)
    later = limit_row(window, limits, NOW + 60, UTC)
    assert later.spoken == row.spoken
    assert later.spoken_details != row.spoken_details
    assert "Resets in 2 hours 12 minutes" in later.spoken_details
    assert "as of 36 minutes ago" in later.spoken_details
    used = window._replace(used_percent=40.0)
    assert limit_row(used, reading(NOW - 35 * 60, used), NOW + 60, UTC).spoken != row.spoken


def test_times_in_utc_for_a_tz_the_system_lacks_are_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """``TZ`` naming a zone the system does not have: the C library counts in UTC, so the
    reset clocks are UTC's, right but unsaid; the panel says so in ``report``'s words (a zone
    given, or a zone the system has, says nothing)."""
    limits = reading(NOW - 30, UsageWindow(300, 36.0, NOW + 2 * 3600 + 13 * 60))
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/Olympus")
    view = limits_view(board(limits))
    assert view.notes[-1] == (
        "TZ=Mars/Olympus names a time zone this system does not have; times are in UTC (as "
        "the system's clock counts them)."
    )
    assert not limits_view(board(limits), UTC).notes
    monkeypatch.setenv("TZ", "UTC")
    assert not limits_view(board(limits)).notes


def test_session_times_in_utc_are_said_without_a_limit_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``TZ`` naming a zone the system does not have, and no limit reading: the sessions'
    times (an ended one's "Ended 14:05", the tooltips' clocks) are UTC's, and the panel says
    so where it says it with a reading; the table had shown them unsaid. Nothing listed,
    no time shown: nothing said."""
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/Olympus")
    said = (
        "TZ=Mars/Olympus names a time zone this system does not have; times are in UTC (as "
        "the system's clock counts them)."
    )
    listed = replace(board(), sessions=(session("a"),))
    view = limits_view(listed)
    assert view.message == NO_LIMITS_IN_REPLIES_MESSAGE
    assert view.notes == (said,)
    ended = replace(board(), ended=(session("a", session_total_tokens=None),))
    assert limits_view(ended).notes == (said,)
    assert limits_view(board()).notes == ()
    assert limits_view(listed, UTC).notes == ()
    monkeypatch.setenv("TZ", "UTC")
    assert limits_view(listed).notes == ()


def test_a_sessions_that_is_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    """A file where ``sessions`` goes: the panel and the tray say what is there; "is
    missing … once Codex makes it again" had promised what Codex cannot do."""
    home = CodexHome(tmp_path / ".codex")
    home.root.mkdir()
    (home.root / "sessions").write_text("")
    board = build_dashboard(CodexReader([home.root], max_age=None).refresh(discover_files=True))
    sessions = str(home.root / "sessions")
    assert limits_view(board).message == (
        f"No limits to show: {sessions} is a file, not a folder: Codex cannot write its logs there."
    )
    assert glance(board).waiting == f"{sessions} is a file, not a folder"
    assert not board.warnings


def test_the_small_chart_s_tooltip_names_only_what_it_draws() -> None:
    """The dashed pace line is promised only where there is one (a stale reading has none);
    the dotted slope only where the window's start is known and joined to the first reading;
    the reset edge only where the reset is known; a new window says it is one."""
    from codex_presence_gui.viewmodels.limits import Spark

    steps = ((100.0, 10.0), (200.0, 40.0))
    plain = Spark(0.0, 1000.0, 200.0, None, steps, ())
    assert "dashed" not in spark_tip(plain)
    assert "dotted slope" not in spark_tip(plain)
    assert "to its reset (the\ndotted right edge)" in spark_tip(plain)
    paced = plain._replace(projection=((200.0, 40.0), (600.0, 100.0)), origin=(0.0, 0.0))
    assert "The dashed line goes on at the current pace." in spark_tip(paced)
    assert "The dotted slope joins its start to the first reading" in spark_tip(paced)
    unknown = plain._replace(reset_known=False, start_known=False)
    assert "reset" in spark_tip(unknown)
    assert "dotted right edge" not in spark_tip(unknown)
    assert "from its first reading (left edge) to now (right edge)" in spark_tip(unknown)
    assumed = Spark(0.0, 1000.0, 200.0, None, (), (), assumed=True)
    assert spark_tip(assumed).startswith("A new window since the reset")
    assert "right edge" not in spark_tip(assumed)
    assert spark_tip(None) == "No history of this window read yet."


def test_the_small_chart_knows_which_edges_it_has() -> None:
    """A window read without its reset time ends at now; one without its length starts at
    its first reading: the chart says so (its tooltip had named a reset edge)."""
    from codex_presence_gui.viewmodels.limits import spark

    class Period:
        start = None
        resets_at = None
        points = (SimpleNamespace(at=100.0, used=10.0), SimpleNamespace(at=150.0, used=20.0))

    class Insight:
        current = Period()
        length_s = 0.0

        @staticmethod
        def pace_at(_now: float) -> SimpleNamespace:
            return SimpleNamespace(rate_per_hour=None)

    chart = spark(Insight(), 200.0)  # type: ignore[arg-type]
    assert chart is not None
    assert (chart.reset_known, chart.start_known) == (False, False)
    Period.resets_at = 1000.0
    Insight.length_s = 900.0
    chart = spark(Insight(), 200.0)  # type: ignore[arg-type]
    assert chart is not None
    assert (chart.reset_known, chart.start_known) == (True, True)
