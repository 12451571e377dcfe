"""A layout that keeps its items in a list, for layouts that place them themselves."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout, QLayoutItem


class ItemListLayout(QLayout):
    """``QLayout``'s item bookkeeping (add, count, find and take, in the order added); a
    subclass places the items in ``setGeometry`` and says its sizes."""

    def __init__(self) -> None:
        super().__init__()
        self._items: list[QLayoutItem] = []

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None
