"""The sessions table model: valid for Qt, updated in place, sortable on raw values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.models import Activity, ActivityKind, CodexSessionSnapshot
from codex_presence_gui.viewmodels.session_table import (
    ActiveRole,
    Column,
    EndedRole,
    SessionRole,
    SessionTableModel,
    SortRole,
)
from tests.helpers.snapshots import NOW, dashboard, session, tooltip_text

# Icons are pixmaps: they need the (offscreen) application.
pytestmark = pytest.mark.usefixtures("qapp")


def text(model: SessionTableModel, row: int, column: Column) -> str:
    return str(model.data(model.index(row, column)))


def test_model_passes_the_qt_model_tester(qtmodeltester: ModelTester) -> None:
    """Qt's own consistency checks hold before and during updates."""
    model = SessionTableModel()
    model.update([session("a"), session("b", age=30)], "a", NOW)
    qtmodeltester.check(model, force_py=True)
    model.update([session("b", age=31), session("c")], "c", NOW + 1)
    model.update([], None, NOW + 2)
    model.update([session("d")], "d", NOW + 3)


def test_rows_show_the_triplet_and_plain_words() -> None:
    """Display text, tooltips with exact numbers, and the active row's highlight."""
    model = SessionTableModel()
    model.update(
        [session("shop"), session("docs", age=600, activity=Activity(ActivityKind.WAITING))],
        "shop",
        NOW,
    )
    assert text(model, 0, Column.PROJECT) == "shop (main)"
    assert text(model, 0, Column.ACTIVITY) == "Running cargo test"
    assert text(model, 0, Column.TOKENS) == "26.4K | 26.4K | 52.4K"
    assert text(model, 0, Column.CONTEXT) == "94% left"
    assert text(model, 0, Column.LAST_ACTIVITY) == "5 s ago"
    assert text(model, 1, Column.LAST_ACTIVITY) == "10 min ago"
    tip = tooltip_text(model.data(model.index(0, Column.TOKENS), Qt.ItemDataRole.ToolTipRole))
    assert "Session total: 52,414 tokens" in tip
    assert "Input 51,234 (40,960 from cache) · output 1,180 (640 reasoning)" in tip
    assert str(Path("/home/dev/.codex/sessions")) in model.data(
        model.index(0, Column.PROJECT), Qt.ItemDataRole.ToolTipRole
    )
    assert model.data(model.index(0, 0), ActiveRole) is True
    assert model.data(model.index(1, 0), ActiveRole) is False
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, Column.ACTIVITY), Qt.ItemDataRole.DecorationRole) is not None
    assert (
        model.headerData(Column.TOKENS, Qt.Orientation.Horizontal)
        == "Tokens\nupdate | last | total"
    )


def test_updates_never_reset_the_model(qtbot: QtBot) -> None:
    """Rows change in place (dataChanged with roles); comings and goings insert and remove."""
    model = SessionTableModel()
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.update([session("a"), session("b")], "a", NOW)
    kept = QPersistentModelIndex(model.index(1, Column.TOKENS))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update([session("a"), session("b", session_total_tokens=60000)], "a", NOW)
    top_left, bottom_right, roles = changed.args
    assert (top_left.row(), top_left.column(), bottom_right.column()) == (
        1,
        Column.TOKENS,
        Column.TOKENS,
    )
    assert Qt.ItemDataRole.DisplayRole in roles
    with qtbot.waitSignals([model.rowsRemoved, model.rowsInserted]):
        model.update([session("b", session_total_tokens=60000), session("c")], "c", NOW)
    assert model.session_ids() == ["b", "c"]
    assert kept.isValid()
    assert kept.row() == 0
    assert model.data(kept, SessionRole).session_id == "b"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.update([session("b", session_total_tokens=60000), session("c")], "c", NOW)
    assert resets == []


def test_sorting_uses_raw_values() -> None:
    """9.4K sorts below 52.4K, and 2 min ago below 40 s ago, whatever the text says."""
    model = SessionTableModel()
    model.update(
        [
            session("big", session_total_tokens=52414, age=120),
            session("small", session_total_tokens=9400, age=40),
            session("none", session_total_tokens=None, age=3),
        ],
        None,
        NOW,
    )
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, Column.PROJECT).data() for r in range(3)] == [
        "big (main)",
        "small (main)",
        "none (main)",
    ]
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, Column.PROJECT).data() for r in range(3)] == [
        "none (main)",
        "small (main)",
        "big (main)",
    ]


def test_ages_move_with_the_clock() -> None:
    """The same snapshot a minute later says so."""
    model = SessionTableModel()
    snap = session("a", age=5)
    model.update([snap], "a", NOW)
    model.update([snap._replace()], "a", NOW + 60)
    assert text(model, 0, Column.LAST_ACTIVITY) == "1 min ago"


def test_every_tooltip_holds_the_full_cell_text() -> None:
    """An elided cell can always be read in full: its tooltip holds its display text; the
    project's starts with ``project (branch)``."""
    long_name = "p" * 150
    model = SessionTableModel()
    model.update(
        [
            session("a", project=long_name, git_branch="feature/" + "b" * 42),
            session("b", model=None, last_activity_at=None, context=None),
        ],
        "a",
        NOW,
    )
    # A tooltip's long line is broken at a space (no line runs off the screen): the text is
    # all there, with line breaks for some of its spaces.
    for row in range(model.rowCount()):
        for column in Column:
            index = model.index(row, column)
            shown = " ".join(index.data().split())
            tip = " ".join(tooltip_text(index.data(Qt.ItemDataRole.ToolTipRole)).split())
            assert shown in tip, (row, column)
    tip = tooltip_text(model.index(0, Column.PROJECT).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith(f"{long_name}\n(feature/{'b' * 42})\n")


def test_an_ended_row_is_muted_and_keeps_its_totals(qtmodeltester: ModelTester) -> None:
    """Marked ended: ``Ended 14:05`` (local time of its last activity), a muted colour, the
    same tokens; it turns live again in place."""
    zone = timezone(timedelta(hours=2))
    model = SessionTableModel()
    qtmodeltester.check(model, force_py=True)
    last = datetime(2027, 1, 15, 14, 5, tzinfo=zone).timestamp()
    now = last + 3 * 3600
    done = session("done", age=NOW - last)
    model.update([done], None, now, ended={"done"}, zone=zone)
    index = model.index(0, Column.ACTIVITY)
    assert index.data() == "Ended 14:05"
    assert "Running cargo test" in tooltip_text(index.data(Qt.ItemDataRole.ToolTipRole))
    assert model.index(0, 0).data(EndedRole) is True
    assert text(model, 0, Column.TOKENS) == "26.4K | 26.4K | 52.4K"
    for column in Column:  # the view draws it quieter, in a colour from its palette
        assert model.index(0, column).data(Qt.ItemDataRole.ForegroundRole) is None
    next_day = datetime(2027, 1, 16, 1, 0, tzinfo=zone).timestamp()
    model.update([done], None, next_day, ended={"done"}, zone=zone)
    assert model.index(0, Column.ACTIVITY).data() == "Ended Fri 14:05"
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.update([done], "done", next_day, zone=zone)
    assert model.index(0, Column.ACTIVITY).data() == "Running cargo test"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert resets == []


def test_show_dashboard_lists_live_sessions_then_ended_ones() -> None:
    """The dashboard's sessions and then its ended ones; the latter marked; the live ones
    sort first by last activity (the table's default sort)."""
    live = session("live", age=30)
    done = session("done", age=5 * 3600, activity=Activity(ActivityKind.IDLE))
    board = replace(dashboard((live,)), ended=(done,))
    model = SessionTableModel()
    model.show_dashboard(board, zone=UTC)
    assert model.session_ids() == ["live", "done"]
    assert model.index(1, 0).data(EndedRole) is True
    assert model.index(0, 0).data(EndedRole) is False
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, Column.PROJECT).data() == "live (main)"


def test_a_tool_call_quiet_for_minutes_says_for_how_long() -> None:
    """A build may run for minutes without a word in the log, and a call left open by a Codex
    that died stays open: past a minute the card says how long it has been quiet, and the
    table's tooltip (its Last activity column says it too); a call that just began, or a
    session waiting, says nothing more."""
    from codex_presence_gui.viewmodels.card import dashboard_card

    def card_text(snapshot: CodexSessionSnapshot) -> str:
        return dashboard_card(dashboard((snapshot,))).activity_text

    model = SessionTableModel()
    running = session("a", age=25 * 60, pending_calls=1)
    model.update([running], "a", NOW)
    assert text(model, 0, Column.ACTIVITY) == "Running cargo test"
    assert text(model, 0, Column.LAST_ACTIVITY) == "25 min ago"
    tip = tooltip_text(model.data(model.index(0, Column.ACTIVITY), Qt.ItemDataRole.ToolTipRole))
    assert "1 tool call running, no word in the log for 25 min" in tip
    assert card_text(running) == "Running cargo test · 25 min"
    assert card_text(session("a", age=30, pending_calls=1)) == "Running cargo test"
    waiting = session("a", age=25 * 60, activity=Activity(ActivityKind.WAITING))
    assert card_text(waiting) == "Waiting for input"
    several = session("a", age=3 * 3600, pending_calls=3)
    assert card_text(several) == "Running cargo test (+2 more) · 3 h"


def test_the_active_session_s_row_is_known() -> None:
    model = SessionTableModel()
    model.update([session("a"), session("b", age=60)], "b", NOW)
    assert model.active_row() == model.session_ids().index("b")
    model.update([session("a")], "gone", NOW)
    assert model.active_row() is None
