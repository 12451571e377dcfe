"""The tables' "Sort by" menu: every shown column and both orders, from the Menu key, Shift+F10
and a right click, sorting as a click on a title does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.sessions_table import SessionsTable
from codex_presence_gui.ui.sort_menu import MENU_NAME, column_title, sort_menu
from codex_presence_gui.ui.usage_view import UsageTable
from codex_presence_gui.viewmodels.session_table import Column
from codex_presence_gui.viewmodels.usage_table import UsageColumn, UsageTableModel
from tests.unit.ui.test_sessions_table import shown_table


def texts(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions() if action.text()]


def checked(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions() if action.isChecked()]


def pick(menu: QMenu, text: str) -> None:
    (action,) = [action for action in menu.actions() if action.text() == text]
    action.trigger()


def open_menus(table: SessionsTable | UsageTable) -> list[QMenu]:
    return [menu for menu in table.findChildren(QMenu, MENU_NAME) if menu.isVisible()]


def test_the_menu_names_every_shown_column_on_one_line(qtbot: QtBot) -> None:
    table = shown_table(qtbot, 1100)
    menu = sort_menu(table)
    qtbot.addWidget(menu)
    names = [column_title(table, column) for column in Column]
    assert names == [
        "Project",
        "Activity",
        "Model",
        "Tokens",
        "Context",
        "Share of limits",
        "Last activity",
    ]
    shown = [column_title(table, column) for column in Column if not table.isColumnHidden(column)]
    assert texts(menu) == ["Sort by", *shown, "Ascending", "Descending"]
    assert checked(menu) == ["Last activity", "Descending"]  # as the table is sorted


def test_a_column_chosen_sorts_as_a_click_on_its_title(qtbot: QtBot) -> None:
    """Names from A, numbers and times from the largest, as a first click on the title;
    then the order turned round from the menu."""
    table = shown_table(qtbot, 1100)
    header = table.horizontalHeader()
    pick(sort_menu(table), "Project")
    assert header.sortIndicatorSection() == Column.PROJECT
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    assert table.model().index(0, Column.PROJECT).data().startswith("a-very-long")  # A first
    pick(sort_menu(table), "Descending")
    assert header.sortIndicatorSection() == Column.PROJECT
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    pick(sort_menu(table), "Tokens")
    assert header.sortIndicatorSection() == Column.TOKENS
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder  # largest first
    menu = sort_menu(table)
    assert checked(menu) == ["Tokens", "Descending"]
    menu.close()


def test_the_menu_key_and_shift_f10_open_it_where_the_keyboard_is(qtbot: QtBot) -> None:
    """The only way to sort had been a click on a title, which no key reaches."""
    table = shown_table(qtbot, 1100)
    table.setFocus()
    table.setCurrentIndex(table.model().index(1, Column.PROJECT))
    for key, modifiers in (
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ):
        press = QKeyEvent(QEvent.Type.KeyPress, key, modifiers)
        QApplication.sendEvent(table, press)
        (menu,) = open_menus(table)
        cell = table.visualRect(table.currentIndex())
        assert menu.geometry().topLeft() == table.viewport().mapToGlobal(cell.bottomLeft())
        menu.close()
        qtbot.waitUntil(lambda: not open_menus(table))
    # F10 alone is not the menu's.
    QApplication.sendEvent(
        table, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F10, Qt.KeyboardModifier.NoModifier)
    )
    assert not open_menus(table)


def test_a_right_click_on_the_rows_or_the_titles_opens_it(qtbot: QtBot) -> None:
    table = shown_table(qtbot, 1100)
    for widget in (table.viewport(), table.horizontalHeader().viewport()):
        at = QPoint(10, 5)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, widget.mapToGlobal(at))
        QApplication.sendEvent(widget, event)
        (menu,) = open_menus(table)
        assert menu.geometry().topLeft() == widget.mapToGlobal(at)
        menu.close()
        qtbot.waitUntil(lambda: not open_menus(table))


def test_the_usage_tables_have_it_too(qtbot: QtBot) -> None:
    table = UsageTable(UsageTableModel("Project"))
    qtbot.addWidget(table)
    table.resize(500, 200)
    table.show()
    menu = sort_menu(table)
    qtbot.addWidget(menu)
    assert texts(menu)[0] == "Sort by"
    assert checked(menu) == [column_title(table, UsageColumn.TOKENS), "Descending"]
    pick(menu, column_title(table, UsageColumn.NAME))
    assert table.horizontalHeader().sortIndicatorSection() == UsageColumn.NAME
