"""The Usage view's tables: tokens, cost and share by project or by model over the period."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from codex_presence_gui.core.sanitize import NO_VALUE, tooltip_html
from codex_presence_gui.core.usage_report import COST_LABEL, cost_spoken, spoken_costs, spoken_lines
from codex_presence_gui.viewmodels.sorting import sort_key
from codex_presence_gui.viewmodels.usage import DAYS, TableRow

#: A cell's ``SortKey`` (see ``viewmodels.sorting``).
SortRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ROLES_CHANGED = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
    SortRole,
    RowRole,
]


class UsageColumn(enum.IntEnum):
    """The columns, in order."""

    NAME = 0
    TOKENS = 1
    COST = 2
    SHARE = 3


COST_HEADER = "Cost (est.)"
SHARE_HEADER = "Share"
#: Share's title while the page shows cost: what it is a share of, said where it shows, and
#: hardly wider than "Share" ("Cost share", twice as wide, had hidden the column beside a
#: model named "gpt-5.1-codex-mini" at the window's first size).
COST_SHARE_HEADER = "Cost %"


def header_tip(column: UsageColumn, days: int = DAYS) -> str | None:
    """What a column's title says when pointed at, of a period of ``days`` days."""
    return {
        UsageColumn.TOKENS: f"Tokens used in the last {days} days (input, cached input "
        "included, and output).",
        UsageColumn.COST: f"{COST_LABEL}: what these calls would cost on OpenAI's API.\n"
        "A ChatGPT plan does not charge per token.",
        UsageColumn.SHARE: f"Share of all tokens used in the last {days} days.",
    }.get(column)


#: What a dash in the Cost or Cost % column says to screen readers: the dash alone was read
#: out as "dash", or as nothing at all.
NO_PRICE_SPOKEN = "no known price"
NO_COST_SHARE_SPOKEN = "no share of the cost"


def cost_share_tip(days: int = DAYS) -> str:
    """Cost %'s title's tooltip, of a period of ``days`` days."""
    return (
        f"Share of the last {days} days' {COST_LABEL}.\nA dash: no known API price, so no "
        "share of the cost."
    )


class UsageTableModel(QAbstractTableModel):
    """Rows of ``TableRow``; ``show_rows`` updates in place when the names stay the same.

    Args:
        title: the first column's title (``Project`` or ``Model``).
    """

    def __init__(self, title: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.title = title
        self._rows: tuple[TableRow, ...] = ()
        self._partial = False
        #: Share is of the cost (the page shows cost), else of the tokens.
        self.cost_shares = False
        #: The period the rows cover, in days (the titles' tooltips say it).
        self.days = DAYS

    # -- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(UsageColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(UsageColumn):
            return None
        column = UsageColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                UsageColumn.NAME: self.title,
                UsageColumn.TOKENS: "Tokens",
                UsageColumn.COST: COST_HEADER,
                UsageColumn.SHARE: COST_SHARE_HEADER if self.cost_shares else SHARE_HEADER,
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == UsageColumn.SHARE and self.cost_shares:
                return cost_share_tip(self.days)
            return header_tip(column, self.days)
        if role == Qt.ItemDataRole.TextAlignmentRole:  # over its cells, as they are aligned
            return _LEFT if column == UsageColumn.NAME else _RIGHT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            share_text = row.cost_share_text if self.cost_shares else row.share_text
            return (row.name, row.tokens_text, row.cost_text, share_text)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(row.tooltip)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == UsageColumn.TOKENS:
            return spoken_costs(row.tokens_text)  # "1.2 million", not "1.2 M"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == UsageColumn.COST:
            if row.cost_text == NO_VALUE:
                return NO_PRICE_SPOKEN
            return cost_spoken(row.cost_text)  # "about $3.40", not "tilde"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == UsageColumn.SHARE:
            shown = row.cost_share_text if self.cost_shares else row.share_text
            return NO_COST_SHARE_SPOKEN if shown == NO_VALUE else None  # else as drawn
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            # What the tooltip says, read as text, its costs in words.
            return spoken_lines(row.tooltip) or None
        if role == SortRole:
            # An unpriced cost has nothing to show: after the priced ones both ways (as -1 it
            # came first, smallest first). Equal values by name, A to Z both ways.
            name = row.name.casefold()
            if column == UsageColumn.NAME:
                return sort_key(name)
            share = row.cost_share if self.cost_shares else row.share
            return sort_key((row.tokens, row.cost_usd, share)[column - 1], (name,))
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column != UsageColumn.NAME:
            return _RIGHT
        return None

    # -- updates ------------------------------------------------------------------------

    @property
    def partial_costs(self) -> bool:
        """True when some row's cost leaves unpriced tokens out (``~$3.40+``)."""
        return self._partial

    @property
    def rows(self) -> tuple[TableRow, ...]:
        """The rows shown, in model order."""
        return self._rows

    def show_cost_shares(self, cost: bool) -> None:
        """Share of the cost (``cost``: the page shows cost), or of the tokens."""
        if cost == self.cost_shares:
            return
        self.cost_shares = cost
        share = UsageColumn.SHARE
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, share, share)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, share), self.index(len(self._rows) - 1, share), _ROLES_CHANGED
            )

    def set_days(self, days: int) -> None:
        """The rows now cover ``days`` days: the titles' tooltips say so."""
        if days == self.days:
            return
        self.days = days
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(UsageColumn) - 1)

    def show_rows(self, rows: Sequence[TableRow]) -> None:
        """Show ``rows``: changed cells in place when the names are the same, else afresh."""
        rows = tuple(rows)
        if rows == self._rows:
            return
        self._partial = any(row.cost_text.endswith("+") for row in rows)
        if [row.name for row in rows] != [row.name for row in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        old, self._rows = self._rows, rows
        changed = [
            number
            for number, (before, after) in enumerate(zip(old, rows, strict=True))
            if before != after
        ]
        if changed:
            # One signal for the span: each one makes the table measure all its cells again.
            self.dataChanged.emit(
                self.index(changed[0], 0),
                self.index(changed[-1], len(UsageColumn) - 1),
                _ROLES_CHANGED,
            )
