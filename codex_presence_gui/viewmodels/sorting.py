"""Sorting the app's tables: groups and empty cells stay in place whichever way a column turns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

AnyIndex = QModelIndex | QPersistentModelIndex

#: How a cell sorts: its group (for the sessions: ended; for all: nothing to show), kept in
#: that order whichever way the column is turned; its value, which the direction turns round;
#: and what orders equal values, again the same both ways (see ``KeyedSortProxy``).
SortKey = tuple[tuple[bool, bool], Any, tuple[Any, ...]]


def sort_key(value: Any, ties: tuple[Any, ...] = (), *, later: bool = False) -> SortKey:
    """A cell's ``SortKey``: ``value`` None when the cell has nothing to show ("–"), which
    sorts it after the others of its group; ``later`` puts it in the group after (an ended
    session's row); ``ties`` orders equal values."""
    return ((later, value is None), value, ties)


class KeyedSortProxy(QSortFilterProxyModel):
    """Sorts rows by their cells' ``SortKey``s (the model's ``role``): the groups, and the
    cells with nothing to show, stay after the others whichever way the column is turned
    (the common desktop rule, and folders-first in file managers), and equal values keep
    one order both ways. A plain proxy turns the whole order round, groups and empty cells
    too (an unpriced cost of -1 came first), and cannot compare Python tuples at all."""

    def __init__(self, model: QAbstractItemModel, role: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.setSortRole(role)
        self._descending = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Kept for lessThan: asking Qt for it on each comparison made a sort of 3,000 rows
        # with many ties (one model) a fifth slower.
        self._descending = order is Qt.SortOrder.DescendingOrder
        super().sort(column, order)

    def key(self, index: AnyIndex) -> SortKey:
        """The ``SortKey`` of the source model's cell at ``index``."""
        key: SortKey = index.data(self.sortRole())
        return key

    def lessThan(self, source_left: AnyIndex, source_right: AnyIndex) -> bool:
        left = self.key(source_left)
        right = self.key(source_right)
        if left[1] != right[1] and left[0] == right[0]:
            return bool(left[1] < right[1])  # the one part the direction turns round
        # Descending, Qt asks lessThan(right, left) and puts the row found less below:
        # the group and the ties, which read the same both ways, are compared the other way.
        first, second = (right, left) if self._descending else (left, right)
        if first[0] != second[0]:
            return first[0] < second[0]
        return bool(first[2] < second[2])
