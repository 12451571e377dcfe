"""The sessions table model: one row per session, updated in place by session id."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from codex_presence_gui.core.dashboard import Dashboard, SessionShare, shares_by_session
from codex_presence_gui.core.formatting import (
    counted,
    doing_text,
    format_age,
    format_count,
    local_time,
    quiet_call_seconds,
    share_text,
    token_triplet_text,
)
from codex_presence_gui.core.models import ActivityKind, CodexSessionSnapshot
from codex_presence_gui.core.sanitize import tooltip_html
from codex_presence_gui.viewmodels.icons import activity_icon

SortRole = Qt.ItemDataRole.UserRole + 1
SessionRole = Qt.ItemDataRole.UserRole + 2
ActiveRole = Qt.ItemDataRole.UserRole + 3
EndedRole = Qt.ItemDataRole.UserRole + 4
#: True for the share of the session that burns a window fastest (the view colours it).
FastestRole = Qt.ItemDataRole.UserRole + 5
#: A shorter form of a cell's text, drawn (elided if need be) where the whole does not fit:
#: the project without its branch, which tells sessions of one project apart less.
ShortTextRole = Qt.ItemDataRole.UserRole + 6

_ROLES_CHANGED = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    SortRole,
    SessionRole,
    ActiveRole,
    EndedRole,
    FastestRole,
    ShortTextRole,
]
_HIGHLIGHT = QColor(59, 130, 246, 38)  # a light tint that reads on light and dark palettes
_DASH = "–"
# A plain number sorts reliably in the proxy (a tuple of bool and float did not): ended rows'
# last-activity key is pushed below every live one by an offset far beyond any real age.
_ENDED_SORT_OFFSET = 1e10

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    """The table's columns, in order."""

    PROJECT = 0
    ACTIVITY = 1
    MODEL = 2
    TOKENS = 3
    CONTEXT = 4
    SHARE = 5
    LAST_ACTIVITY = 6


HEADERS = {
    Column.PROJECT: "Project",
    Column.ACTIVITY: "Activity",
    Column.MODEL: "Model",
    Column.TOKENS: "Tokens\nupdate | last | total",
    Column.CONTEXT: "Context",
    Column.SHARE: "Share of\nlimits",
    Column.LAST_ACTIVITY: "Last\nactivity",
}
#: The columns of numbers, aligned right (their headers too).
_RIGHT_ALIGNED = frozenset({Column.TOKENS, Column.CONTEXT, Column.SHARE, Column.LAST_ACTIVITY})
_RIGHT = Qt.AlignmentFlag.AlignRight
_MIDDLE = Qt.AlignmentFlag.AlignVCenter
HEADER_TIPS = {
    Column.TOKENS: (
        "This update: tokens since Codex's previous usage report.\n"
        "Last response: tokens of the model's last response.\n"
        "Total: everything this session has used so far."
    ),
    Column.CONTEXT: "How much of the model's context window is still free.",
    Column.SHARE: (
        "How much of each limit window's use since its last reset came from this session:\n"
        "each rise of the reading is shared among the sessions that used tokens just before\n"
        "it, in proportion to their tokens."
    ),
}


@dataclass(frozen=True, slots=True)
class RowView:
    """Everything one row shows, computed once per refresh."""

    snapshot: CodexSessionSnapshot
    active: bool
    display: tuple[str, ...]
    tooltip: tuple[str, ...]
    sort: tuple[Any, ...]
    fastest: bool = False  # burns its shortest window much faster than the other sessions
    ended: bool = False  # no longer active, listed for today's totals


def _project_tooltip(s: CodexSessionSnapshot, project: str) -> str:
    lines = [project, f"Folder: {s.cwd}"]
    if s.git_branch:
        lines.append(f"Branch: {s.git_branch}")
    lines.append(f"Runs in: {s.surface}" + (f" (Codex {s.cli_version})" if s.cli_version else ""))
    if s.started_at is not None:
        lines.append(f"Started: {local_time(s.started_at).strftime('%Y-%m-%d %H:%M')}")
    lines.append(f"Session: {s.session_id}")
    lines.append(f"Log file: {s.file}")
    return "\n".join(lines)


def _tokens_tooltip(s: CodexSessionSnapshot) -> str:
    def exact(value: int | None) -> str:
        return f"{format_count(value)} tokens" if value is not None else "not reported yet"

    lines = [
        f"This update: {exact(s.session_delta_tokens)}",
        f"Last response: {exact(s.last_turn_tokens)}",
        f"Session total: {exact(s.session_total_tokens)}",
    ]
    if s.tokens is not None:
        t = s.tokens
        lines.append(
            f"Input {format_count(t.input)} ({format_count(t.cached_input)} from cache) · "
            f"output {format_count(t.output)} ({format_count(t.reasoning_output)} reasoning)"
        )
    if s.inherited_tokens:
        lines.append(
            f"Of the total, {format_count(s.inherited_tokens)} came with the parent session."
        )
    return "\n".join(lines)


def share_cell(percent: float, label: str, *, fastest: bool = False) -> str:
    """A Share cell: ``≈ 12% of 5h``, with ``▲`` first for the session that burns fastest."""
    amount = "< 1" if percent < 1 else f"≈ {percent:.0f}"
    return ("▲ " if fastest else "") + f"{amount}% of {label}"


def _share_texts(shares: Sequence[SessionShare]) -> tuple[str, str]:
    """The cell (the shortest window's share) and its tooltip (every window's)."""
    if not shares:
        return _DASH, "No share of a limit window measured for this session yet."
    first = shares[0]
    cell = share_cell(first.percent, first.label, fastest=first.fastest)
    lines = [f"{share_text(share)} ({share.percent:.1f} points)" for share in shares]
    lines += [
        f"Burns the {share.label} window much faster than the other sessions."
        for share in shares
        if share.fastest
    ]
    return cell, "\n".join(lines)


def _ended_text(when: float, now: float, zone: tzinfo | None) -> str:
    """``Ended 14:05`` today, ``Ended Thu 23:10`` on an earlier day (local time)."""
    end = local_time(when, zone)
    same_day = end.date() == local_time(now, zone).date()
    return "Ended " + end.strftime("%H:%M" if same_day else "%a %H:%M")


def _with_display(display: str, tip: str) -> str:
    """The tooltip, led by the full cell text unless it already holds it (an elided cell is
    read in full there)."""
    if not tip:
        return display
    return tip if display in tip else f"{display}\n{tip}"


def row_view(
    snapshot: CodexSessionSnapshot,
    active: bool,
    now: float,
    shares: Sequence[SessionShare] = (),
    *,
    ended: bool = False,
    zone: tzinfo | None = None,
) -> RowView:
    """The row of one session as of ``now``; an ``ended`` one reads ``Ended 14:05``."""
    s = snapshot
    activity = s.activity
    project = s.project + (f" ({s.git_branch})" if s.git_branch else "")
    last = s.last_activity_at
    if ended:
        activity_text = _ended_text(last if last is not None else s.recency, now, zone)
        activity_tip = f"{activity_text}; it was last: {doing_text(s, s.recency or now)}"
    else:
        # Without how long a call has been quiet: the Last activity column says it, and the
        # column keeps its room for what is being done.
        activity_text = doing_text(s, s.recency or now)
        activity_tip = activity_text
        if s.pending_calls:
            activity_tip += f"\n{counted(s.pending_calls, 'tool call')} running"
            quiet = quiet_call_seconds(s, now)
            if quiet is not None:
                activity_tip += f", no word in the log for {format_age(quiet).removesuffix(' ago')}"
    context = s.context
    context_text = f"{context.left_percent}% left" if context else _DASH
    context_tip = (
        f"{format_count(context.used_tokens)} of {format_count(context.window_tokens)} tokens "
        "in use (Codex keeps 12,000 for itself)"
        if context
        else "Not reported yet"
    )
    last_text = format_age(now - last) if last is not None else _DASH
    last_tip = (
        local_time(last, zone).strftime("Last sign of life at %H:%M:%S on %Y-%m-%d") if last else ""
    )
    share_cell, share_tip = _share_texts(shares)
    display = (
        project,
        activity_text,
        s.model or "unknown",
        token_triplet_text(s.session_delta_tokens, s.last_turn_tokens, s.session_total_tokens),
        context_text,
        share_cell,
        last_text,
    )
    tips = (
        _project_tooltip(s, project),
        activity_tip,
        f"Model: {s.model}" if s.model else "Model not reported yet",
        _tokens_tooltip(s),
        context_tip,
        share_tip,
        last_tip,
    )
    tooltip = tuple(_with_display(text, tip) for text, tip in zip(display, tips, strict=True))
    # Ended rows sort below every activity, and below live rows by last activity (the default
    # sort, descending), so the live sessions lead the list.
    sort = (
        project.casefold(),
        (-1 if ended else activity.kind.priority if activity else 0, activity_text.casefold()),
        (s.model or "").casefold(),
        s.session_total_tokens if s.session_total_tokens is not None else -1,
        context.left_percent if context else -1,
        shares[0].percent if shares else -1.0,
        s.recency - (_ENDED_SORT_OFFSET if ended else 0.0),
    )
    fastest = bool(shares) and shares[0].fastest
    return RowView(s, active, display, tooltip, sort, fastest, ended)


class SessionTableModel(QAbstractTableModel):
    """Sessions as rows; ``update`` diffs by session id so views keep selection and scroll.

    Rows stay in arrival order (new sessions are appended); sort through a proxy on
    ``SortRole``, which carries raw values (numbers, times).

    Signals:
        texts_grew(bool, list): the (column, text) pairs of a row whose text an update made
            longer (or, for names, changed), and whether the row is the active one (bold): a
            view that measures its columns only when rows come or go measures these texts,
            instead of every changed cell of every refresh.
    """

    texts_grew = Signal(bool, list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowView] = []

    # -- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:  # over its cells, as they are aligned
            right = column in _RIGHT_ALIGNED
            return int((_RIGHT if right else Qt.AlignmentFlag.AlignLeft) | _MIDDLE)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(row.tooltip[column])
        if role == SortRole:
            return row.sort[column]
        if role == SessionRole:
            return row.snapshot
        if role == ActiveRole:
            return row.active
        if role == EndedRole:
            return row.ended
        if role == Qt.ItemDataRole.DecorationRole and column == Column.ACTIVITY:
            activity = row.snapshot.activity
            if row.ended:
                return activity_icon(ActivityKind.IDLE)  # its last activity is over
            return activity_icon(activity.kind) if activity else None
        if role == Qt.ItemDataRole.FontRole and row.active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and row.active:
            return _HIGHLIGHT
        # An ended row is drawn quieter, and the fastest share in amber, in colours the view
        # takes from its palette (readable on its rows in either theme).
        if role == FastestRole:
            return column == Column.SHARE and row.fastest and not row.ended
        if role == ShortTextRole:
            branched = column == Column.PROJECT and bool(row.snapshot.git_branch)
            return row.snapshot.project if branched else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _RIGHT_ALIGNED:
            return int(_RIGHT | _MIDDLE)
        return None

    # -- updates ------------------------------------------------------------------------

    def session_ids(self) -> list[str]:
        """The session ids, in row order."""
        return [row.snapshot.session_id for row in self._rows]

    def active_row(self) -> int | None:
        """The active session's row, or None when it is not listed."""
        return next((number for number, row in enumerate(self._rows) if row.active), None)

    def update(
        self,
        sessions: Sequence[CodexSessionSnapshot],
        active_id: str | None,
        now: float,
        shares: Mapping[str, Sequence[SessionShare]] | None = None,
        *,
        ended: Collection[str] = (),
        zone: tzinfo | None = None,
    ) -> None:
        """Show ``sessions``: changed rows in place, gone rows removed, new rows appended.

        ``shares``: each session's part of the limit windows, by session id. ``ended``: the
        ids of sessions shown as ended (muted, ``Ended 14:05``).
        """
        shares = shares or {}

        def view(s: CodexSessionSnapshot) -> RowView:
            return row_view(
                s,
                s.session_id == active_id,
                now,
                shares.get(s.session_id, ()),
                ended=s.session_id in ended,
                zone=zone,
            )

        wanted = {s.session_id: s for s in sessions}
        for index in range(len(self._rows) - 1, -1, -1):
            if self._rows[index].snapshot.session_id not in wanted:
                self.beginRemoveRows(QModelIndex(), index, index)
                del self._rows[index]
                self.endRemoveRows()
        present = set()
        for index, old in enumerate(self._rows):
            session_id = old.snapshot.session_id
            present.add(session_id)
            new = view(wanted[session_id])
            if new == old:
                continue
            self._rows[index] = new
            changed = [
                c
                for c in range(len(Column))
                if new.display[c] != old.display[c]
                or new.tooltip[c] != old.tooltip[c]
                or new.sort[c] != old.sort[c]
            ]
            restyled = new.active != old.active or new.ended != old.ended
            if restyled or (new.snapshot != old.snapshot and not changed):
                changed = list(range(len(Column)))
            if changed:
                self.dataChanged.emit(
                    self.index(index, min(changed)), self.index(index, max(changed)), _ROLES_CHANGED
                )
                grew = [
                    c
                    for c in changed
                    if len(new.display[c]) > len(old.display[c])
                    or (c in (Column.PROJECT, Column.MODEL) and new.display[c] != old.display[c])
                ]
                if restyled:  # bold now: every text is wider
                    grew = list(range(len(Column)))
                if grew:
                    self.texts_grew.emit(new.active, [(c, new.display[c]) for c in grew])
        added = [s for s in sessions if s.session_id not in present]
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(view(s) for s in added)
            self.endInsertRows()

    def show_dashboard(self, dashboard: Dashboard, zone: tzinfo | None = None) -> None:
        """Show one refresh: the listed sessions, then the ones that ended today."""
        listed = list(dashboard.sessions)
        ids = {s.session_id for s in listed}
        listed += [s for s in dashboard.ended if s.session_id not in ids]
        active_id = dashboard.active.session_id if dashboard.active is not None else None
        # One pass over the windows' shares for every row (a search per row was quadratic).
        shares = shares_by_session(dashboard)
        ended = {s.session_id for s in dashboard.ended}
        self.update(listed, active_id, dashboard.generated_at, shares, ended=ended, zone=zone)
