"""A table's "Sort by" menu: its columns and the two orders, opened from the keyboard (the
Menu key, Shift+F10) and by a right click on its rows or titles, since a title's click is
the only other way to sort and no key reaches a table's titles."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent
from PySide6.QtWidgets import QMenu, QTableView

#: The menu's object name (tests and style sheets find it by it).
MENU_NAME = "sortMenu"


def column_title(view: QTableView, section: int) -> str:
    """A column's title on one line, as a menu item: a title drawn on two lines is one
    phrase ("Share of limits"), unless its second line is a key to the numbers ("update |
    last | total" under "Tokens"), which a menu has no room for."""
    model = view.model()
    title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
    first, _, rest = title.partition("\n")
    return first if "|" in rest else " ".join(title.split())


def sort_menu(view: QTableView) -> QMenu:
    """The menu of ``view``'s shown columns and orders, the current ones checked: a column
    chosen sorts as a click on its title does (largest first for numbers and times)."""
    header = view.horizontalHeader()
    menu = QMenu(view)
    menu.setObjectName(MENU_NAME)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.setTitle("Sort by")
    menu.addSection("Sort by")
    columns = QActionGroup(menu)
    current = header.sortIndicatorSection()
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        action = QAction(column_title(view, section), menu)
        action.setCheckable(True)
        action.setChecked(section == current)
        action.triggered.connect(lambda _checked=False, s=section: _sort_by(view, s))
        columns.addAction(action)
        menu.addAction(action)
    menu.addSeparator()
    orders = QActionGroup(menu)
    for text, order in (
        ("Ascending", Qt.SortOrder.AscendingOrder),
        ("Descending", Qt.SortOrder.DescendingOrder),
    ):
        action = QAction(text, menu)
        action.setCheckable(True)
        action.setChecked(header.sortIndicatorOrder() == order)
        action.triggered.connect(
            lambda _checked=False, o=order: view.sortByColumn(header.sortIndicatorSection(), o)
        )
        orders.addAction(action)
        menu.addAction(action)
    return menu


def _sort_by(view: QTableView, section: int) -> None:
    header = view.horizontalHeader()
    if section != header.sortIndicatorSection():
        # As a first click on the title: ascending, which the view's own handler turns round
        # for the columns it sorts largest first (see ``sorted_rows_view``).
        view.sortByColumn(section, Qt.SortOrder.AscendingOrder)


def open_sort_menu(view: QTableView, at: QPoint | None = None) -> QMenu:
    """Show ``view``'s menu at ``at`` (global), else by the keyboard's row (its current
    cell, or the top of the rows); returns it, open."""
    if at is None:
        index = view.currentIndex()
        rect = view.visualRect(index) if index.isValid() else view.viewport().rect()
        at = view.viewport().mapToGlobal(rect.bottomLeft() if index.isValid() else QPoint(0, 0))
    menu = sort_menu(view)
    menu.popup(at)
    return menu


class _MenuKeys(QObject):
    """Opens a table's menu on the Menu key and Shift+F10 (taken here, so that a platform
    that also makes a context menu event of the Menu key does not open a second one)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QTableView):
            assert isinstance(event, QKeyEvent)
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            menu_key = (
                event.key() == Qt.Key.Key_Menu and modifiers == Qt.KeyboardModifier.NoModifier
            )
            shift_f10 = (
                event.key() == Qt.Key.Key_F10 and modifiers == Qt.KeyboardModifier.ShiftModifier
            )
            if menu_key or shift_f10:
                open_sort_menu(watched)
                return True
        return False


def add_sort_menu(view: QTableView) -> None:
    """Give ``view`` its "Sort by" menu: the Menu key and Shift+F10 on the table, and a
    right click on its rows or titles."""
    keys = _MenuKeys(view)
    view.installEventFilter(keys)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(
        lambda pos: open_sort_menu(view, view.viewport().mapToGlobal(pos))
    )
    header = view.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(
        lambda pos: open_sort_menu(view, header.viewport().mapToGlobal(pos))
    )
