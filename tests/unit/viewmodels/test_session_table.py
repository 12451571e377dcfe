"""The sessions table model: valid for Qt, updated in place, sortable on raw values."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.models import Activity, ActivityKind
from codex_presence_gui.viewmodels.session_table import (
    ActiveRole,
    Column,
    SessionRole,
    SessionTableModel,
    SortRole,
)
from tests.helpers.snapshots import NOW, session

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
    tip = model.data(model.index(0, Column.TOKENS), Qt.ItemDataRole.ToolTipRole)
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
    model.update([replace(snap)], "a", NOW + 60)
    assert text(model, 0, Column.LAST_ACTIVITY) == "1 min ago"
