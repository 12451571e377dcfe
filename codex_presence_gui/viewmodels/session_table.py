"""The sessions table model: one row per session, updated in place by session id."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, tzinfo
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont

from codex_presence_gui.core.dashboard import Dashboard, SessionShare, shares_by_session
from codex_presence_gui.core.discovery import shown_home
from codex_presence_gui.core.formatting import (
    counted,
    doing_text,
    ended_text,
    format_age,
    format_count,
    local_time,
    model_name,
    quiet_call_seconds,
    share_text,
    status_usage_text,
    token_triplet_spoken,
    token_triplet_text,
)
from codex_presence_gui.core.models import ActivityKind, CodexSessionSnapshot
from codex_presence_gui.core.sanitize import NO_VALUE, project_label, shown_key, tooltip_html
from codex_presence_gui.viewmodels.icons import activity_icon
from codex_presence_gui.viewmodels.sorting import KeyedSortProxy, SortKey, sort_key

#: A cell's ``SortKey``; compared by a ``SessionSortProxy`` (a plain proxy cannot).
SortRole = Qt.ItemDataRole.UserRole + 1
SessionRole = Qt.ItemDataRole.UserRole + 2
ActiveRole = Qt.ItemDataRole.UserRole + 3
EndedRole = Qt.ItemDataRole.UserRole + 4
#: True for the share of the session that burns a window fastest (the view colours it).
FastestRole = Qt.ItemDataRole.UserRole + 5
#: A shorter form of a cell's text, drawn (elided if need be) where the whole does not fit:
#: the project without its branch, which tells sessions of one project apart less.
ShortTextRole = Qt.ItemDataRole.UserRole + 6
#: The names from the logs inside a cell's text of the app's, in their order: the file or
#: command of "Editing app.py" (None: none). Each is drawn in its own direction.
NamesRole = Qt.ItemDataRole.UserRole + 7

_ROLES_CHANGED = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
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
    NamesRole,
]
#: The active session's row: a light tint that reads on light and dark palettes.
ACTIVE_ROW_TINT = QColor(59, 130, 246, 38)

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


#: What a cell with nothing to show ("–") says to screen readers, by column: the dash alone
#: was read out as "en dash", or as nothing at all.
DASH_SPOKEN = {
    Column.CONTEXT: "not reported yet",
    Column.SHARE: "no share measured yet",
    Column.LAST_ACTIVITY: "not known",
}


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
#: Titles as screen readers say them, where the drawn one is a layout ("update | last |
#: total" under "Tokens"): the others are read as drawn, on one line.
HEADERS_SPOKEN = {Column.TOKENS: "Tokens: this update, last response, session total"}
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
        "How much of each limit window this session has used since its last reset, in\n"
        "points of the limit (≈ 12% of 5h: 12 of the window's 100%): each rise of the\n"
        "reading is shared among the sessions that used tokens since the rise before, in\n"
        "proportion to their tokens. Use from another device or the web is not counted."
    ),
}


@dataclass(frozen=True, slots=True)
class RowView:
    """Everything one row shows, computed once per refresh."""

    snapshot: CodexSessionSnapshot
    active: bool
    display: tuple[str, ...]
    tooltip: tuple[str, ...]
    sort: tuple[SortKey, ...]
    fastest: bool = False  # burns its shortest window much faster than the other sessions
    ended: bool = False  # no longer active, listed for today's totals
    #: The Last activity cell in words, for screen readers ("12 minutes ago": "12m" can be
    #: read as metres), and its description, led by those words too.
    last_spoken: str = ""
    last_described: str = ""
    #: The Activity cell's description with how long a running call has been quiet in words
    #: ("no word in the log for 25 minutes"), as the card's; empty: its tooltip's text.
    activity_described: str = ""
    #: The Tokens and Share cells as screen readers say them (see ``token_triplet_spoken``
    #: and ``share_spoken``); empty: the cell's text.
    tokens_spoken: str = ""
    share_spoken: str = ""

    @property
    def icon_kind(self) -> ActivityKind | None:
        """The activity whose icon the Activity cell shows, if any (an ended row's is over)."""
        if self.ended:
            return ActivityKind.IDLE
        activity = self.snapshot.activity
        return activity.kind if activity else None

    def bold(self, column: int) -> bool:
        """Whether ``column``'s cell is drawn bold: the active row's are, but for a Model cell
        that says no model is logged yet (the app's placeholder, not a name). In bold it had
        been 5 px wider than Codex's own model name, and hid the Model column at 820x580."""
        return self.active and not (column == Column.MODEL and not self.snapshot.model)

    @property
    def activity_names(self) -> tuple[str, ...]:
        """The file or command in the Activity cell's text, if any (an ended row says when it
        ended, and no name)."""
        activity = self.snapshot.activity
        if self.ended or activity is None or not activity.target:
            return ()
        return (activity.target,)


def _project_tooltip(s: CodexSessionSnapshot, project: str) -> str:
    lines = [project, f"Folder: {s.cwd}"]
    if s.git_branch:
        lines.append(f"Branch: {s.git_branch}")
    lines.append(f"Runs in: {s.surface}" + (f" (Codex {s.cli_version})" if s.cli_version else ""))
    if s.started_at is not None:
        lines.append(f"Started: {local_time(s.started_at).strftime('%Y-%m-%d %H:%M')}")
    lines.append(f"Session: {shown_key(s.session_id)}")
    lines.append(f"Log file: {shown_home(s.file)}")  # a file's name can hold anything too
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
        lines.append(f"Codex's /status says: Token usage {status_usage_text(t)}")
    if s.inherited_tokens:
        lines.append(
            f"Of the total, {format_count(s.inherited_tokens)} came with the parent session."
        )
    return "\n".join(lines)


def share_cell(percent: float, label: str, *, fastest: bool = False) -> str:
    """A Share cell: ``≈ 12% of 5h``, with ``▲`` first for the session that burns fastest."""
    amount = "< 1" if percent < 1 else f"≈ {percent:.0f}"
    return ("▲ " if fastest else "") + f"{amount}% of {label}"


def share_spoken(share: SessionShare) -> str:
    """A Share cell as a screen reader says it: ``about 12% of the 5h window, the fastest``
    (``≈`` and ``▲`` are read out as symbols, "black up-pointing triangle")."""
    amount = "less than 1" if share.percent < 1 else f"about {share.percent:.0f}"
    said = share.name or f"the {share.label} window"
    return f"{amount}% of {said}" + (
        ", burning it much faster than the others" if share.fastest else ""
    )


def _share_texts(shares: Sequence[SessionShare]) -> tuple[str, str]:
    """The cell (the shortest window's share) and its tooltip (every window's)."""
    if not shares:
        return NO_VALUE, "No share of a limit window measured for this session yet."
    first = shares[0]
    cell = share_cell(first.percent, first.label, fastest=first.fastest)
    lines = [f"{share_text(share)} ({share.percent:.1f} points)" for share in shares]
    lines += [
        f"Burns the {share.said} window much faster than the other sessions."
        for share in shares
        if share.fastest
    ]
    return cell, "\n".join(lines)


def _with_display(display: str, tip: str) -> str:
    """The tooltip, led by the full cell text unless it already holds it (an elided cell is
    read in full there)."""
    if not tip:
        return display
    return tip if display in tip else f"{display}\n{tip}"


class _ClockCells(NamedTuple):
    """The cells the clock moves, each as (text, tip), and what screen readers are told of
    them in words where they hold a duration (see ``RowView``)."""

    activity: tuple[str, str]
    last: tuple[str, str]
    last_spoken: str
    last_described: str
    activity_described: str


def _clock_cells(
    s: CodexSessionSnapshot, now: float, ended: bool, zone: tzinfo | None
) -> _ClockCells:
    last = s.last_activity_at
    activity_described = ""
    if ended:
        activity_text = ended_text(last if last is not None else s.recency, now, zone)
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
                silent = f"{activity_tip}, no word in the log for "
                activity_tip = silent + format_age(quiet).removesuffix(" ago")
                # In words for screen readers, as the card says it: "25m" can be read as metres.
                spoken = silent + format_age(quiet, spoken=True).removesuffix(" ago")
                activity_described = _with_display(activity_text, spoken)
    last_text = format_age(now - last) if last is not None else NO_VALUE
    last_spoken = format_age(now - last, spoken=True) if last is not None else ""
    last_tip = (
        local_time(last, zone).strftime("Last sign of life at %H:%M:%S on %Y-%m-%d") if last else ""
    )
    last_described = _with_display(last_spoken, last_tip) if last_spoken else ""
    return _ClockCells(
        (activity_text, activity_tip),
        (last_text, last_tip),
        last_spoken,
        last_described,
        activity_described,
    )


def _ties(s: CodexSessionSnapshot) -> tuple[Any, ...]:
    """What orders sessions a column cannot tell apart: the newest started first. Fixed for a
    session, so tied rows never swap as they write (nor with what was sorted before)."""
    started = s.started_at
    return (started is None, -started if started is not None else 0.0, s.session_id)


def _key(
    ended: bool, value: Any, ties: tuple[Any, ...], *, within: tuple[Any, ...] = ()
) -> SortKey:
    """A cell's ``SortKey``: an ended session's after the live ones (see ``sort_key``)."""
    return sort_key(value, (*within, *ties), later=ended)


def _activity_sort(s: CodexSessionSnapshot, ended: bool, text: str) -> SortKey:
    """What the Activity column sorts by: how busy the session is (working, waiting, idle),
    then its text A to Z; an ended one by when it ended (it is after the live ones anyway);
    no activity known yet ("No activity yet") after the others."""
    ties = _ties(s)
    if ended:
        last = s.last_activity_at
        return _key(True, last if last is not None else s.recency, ties)
    activity = s.activity
    rank = activity.kind.priority if activity is not None else None
    return _key(False, rank, ties, within=(text.casefold(),))


#: Model's cell of a session whose log has not named its model yet: ``model_name``'s words
#: under the column's title, which says the first ("model not logged yet" had been cut to
#: "model…d yet" at 820 px, in a column as wide as "gpt-5.3-codex").
NO_MODEL_CELL = model_name(None).removeprefix("model ")


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
    # The names that tell sessions apart, with what would not show escaped (``shown_key``):
    # cleaned, "\u202egpt-5" had read as "gpt-5".
    model = model_name(s.model) if s.model else None
    project = project_label(s.project) + (f" ({s.git_branch})" if s.git_branch else "")
    clock = _clock_cells(s, now, ended, zone)
    (activity_text, activity_tip), (last_text, last_tip) = clock.activity, clock.last
    context = s.context
    context_text = f"{context.left_percent}% left" if context else NO_VALUE
    context_tip = (
        f"{format_count(context.used_tokens)} of {format_count(context.window_tokens)} tokens "
        "in use (Codex keeps 12,000 for itself)"
        if context
        else "Not reported yet"
    )
    share_cell, share_tip = _share_texts(shares)
    display = (
        project,
        activity_text,
        model or NO_MODEL_CELL,
        token_triplet_text(s.session_delta_tokens, s.last_turn_tokens, s.session_total_tokens),
        context_text,
        share_cell,
        last_text,
    )
    tips = (
        _project_tooltip(s, project),
        activity_tip,
        f"Model: {model or NO_MODEL_CELL}",
        _tokens_tooltip(s),
        context_tip,
        share_tip,
        last_tip,
    )
    tooltip = tuple(_with_display(text, tip) for text, tip in zip(display, tips, strict=True))
    # Live sessions lead the list whatever the column and direction, as file managers keep
    # folders first: the greyed ended ones are today's record, and a session waiting for its
    # user should not sink below them when a column is turned round (oldest first by last
    # activity, they had all come first).
    ties = _ties(s)
    sort = (
        _key(ended, project.casefold(), ties),
        _activity_sort(s, ended, activity_text),
        _key(ended, model.casefold() if model else None, ties),
        _key(ended, s.session_total_tokens, ties),
        _key(ended, context.left_percent if context else None, ties),
        _key(ended, shares[0].percent if shares else None, ties),
        _key(ended, s.last_activity_at, ties),
    )
    fastest = bool(shares) and shares[0].fastest
    return RowView(
        s,
        active,
        display,
        tooltip,
        sort,
        fastest,
        ended,
        clock.last_spoken,
        clock.last_described,
        clock.activity_described,
        token_triplet_spoken(s.session_delta_tokens, s.last_turn_tokens, s.session_total_tokens),
        share_spoken(shares[0]) if shares else "",
    )


def retimed(row: RowView, now: float, zone: tzinfo | None = None) -> RowView:
    """``row`` as of ``now`` when nothing else it shows changed: only the cells the clock
    moves are built again (a third of the whole row's cost)."""
    s = row.snapshot
    clock = _clock_cells(s, now, row.ended, zone)
    display, tooltip, sort = list(row.display), list(row.tooltip), list(row.sort)
    for column, (text, tip) in (
        (Column.ACTIVITY, clock.activity),
        (Column.LAST_ACTIVITY, clock.last),
    ):
        display[column], tooltip[column] = text, _with_display(text, tip)
    sort[Column.ACTIVITY] = _activity_sort(s, row.ended, clock.activity[0])
    return replace(
        row,
        display=tuple(display),
        tooltip=tuple(tooltip),
        sort=tuple(sort),
        last_spoken=clock.last_spoken,
        last_described=clock.last_described,
        activity_described=clock.activity_described,
    )


def clock_key(snapshot: CodexSessionSnapshot, now: float, today: date | None) -> tuple[Any, ...]:
    """What of the clock ``row_view`` reads: the same row at two moments with equal keys
    shows the same texts. The age as shown, whether a tool call has gone quiet (its time is
    told in the same unit as the age), and for an ended row the local day (``today``; None
    for a live row): an idle refresh rebuilds only the rows whose shown age moved."""
    last = snapshot.last_activity_at
    return (
        format_age(now - last) if last is not None else None,
        quiet_call_seconds(snapshot, now) is not None,
        today,
    )


#: A row an update changes: its number, what it shows now, and the columns that changed.
_Change = tuple[int, RowView, list[int]]


def _runs(changes: Sequence[_Change]) -> Iterator[Sequence[_Change]]:
    """``changes`` (in row order) in runs of adjacent rows."""
    start = 0
    for end in range(1, len(changes) + 1):
        if end == len(changes) or changes[end][0] != changes[end - 1][0] + 1:
            yield changes[start:end]
            start = end


#: New rows are put in the table a batch per turn of the event loop (see ``SessionTableModel``):
#: the first batch of an update this many, the next as many as the one before put in within
#: ``TURN_BUDGET_S`` (building, measuring and sorting them), never fewer than this.
MIN_ROWS_PER_TURN = 100
TURN_BUDGET_S = 0.06
#: What a row was built from, and its clock key (see ``SessionTableModel.update``).
_BuiltFrom = tuple[tuple[Any, ...], tuple[Any, ...]]


class SessionTableModel(QAbstractTableModel):
    """Sessions as rows; ``update`` diffs by session id so views keep selection and scroll.

    Rows stay in arrival order (new sessions are appended); sort through a
    ``SessionSortProxy``, which compares their ``SortKey``s (raw values: numbers, times). A
    refresh builds again only the rows whose session, standing or shown age changed, and
    signals only those.

    New rows come a batch per turn of the event loop (``pending`` until the last; see
    ``MIN_ROWS_PER_TURN``): a first view of a thousand sessions today had the GUI thread
    build, measure and sort them all in one go (381 ms; 3,000 rows 778 ms). The next update
    takes over from what is still to come.

    Signals:
        cells_changed(list): after an update's ``dataChanged``, the cells it changed (text,
            tooltip, order or font), as (row, columns) pairs: a view that keeps each cell's
            measured width (``row`` gives what a row shows) measures these alone.
        updated(): an update is over (and each later batch of its new rows is in).
    """

    cells_changed = Signal(list)
    #: An update is over (its rows removed, changed and added): for work done once per update.
    updated = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowView] = []
        #: What each row was built from, and its clock key (see ``update``); None to build
        #: it again.
        self._built_from: list[_BuiltFrom | None] = []
        self._zone: tzinfo | None = None
        #: New rows of the last update not put in yet, and how that update builds a row.
        self._later: list[CodexSessionSnapshot] = []
        self._build: Callable[[CodexSessionSnapshot], tuple[RowView, _BuiltFrom]] | None = None
        self._next = MIN_ROWS_PER_TURN  # the size of the next batch
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._add_later)

    @property
    def pending(self) -> bool:
        """Whether new rows of the last update are still to come."""
        return bool(self._later)

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
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return HEADERS_SPOKEN.get(column, HEADERS[column].replace("\n", " "))
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
        if role == Qt.ItemDataRole.AccessibleTextRole:
            spoken = {
                Column.LAST_ACTIVITY: row.last_spoken,
                Column.TOKENS: row.tokens_spoken,
                Column.SHARE: row.share_spoken,
            }.get(Column(column))
            if not spoken and row.display[column] == NO_VALUE:
                spoken = DASH_SPOKEN.get(Column(column))
            return spoken or None  # None: the cell's text
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            if column == Column.LAST_ACTIVITY and row.last_described:
                return row.last_described
            if column == Column.ACTIVITY and row.activity_described:
                return row.activity_described
            return row.tooltip[column] or None  # what the tooltip says, read as text
        if role == SortRole:
            return row.sort[column]
        if role == SessionRole:
            return row.snapshot
        if role == ActiveRole:
            return row.active
        if role == EndedRole:
            return row.ended
        if role == Qt.ItemDataRole.DecorationRole and column == Column.ACTIVITY:
            kind = row.icon_kind
            return activity_icon(kind) if kind is not None else None
        if role == Qt.ItemDataRole.FontRole and row.bold(column):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and row.active:
            return ACTIVE_ROW_TINT
        # An ended row is drawn quieter, and the fastest share in amber, in colours the view
        # takes from its palette (readable on its rows in either theme).
        if role == FastestRole:
            return column == Column.SHARE and row.fastest and not row.ended
        if role == ShortTextRole:
            branched = column == Column.PROJECT and bool(row.snapshot.git_branch)
            return project_label(row.snapshot.project) if branched else None
        if role == NamesRole and column == Column.ACTIVITY:
            return row.activity_names or None
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

    def row(self, number: int) -> RowView:
        """What row ``number`` shows."""
        return self._rows[number]

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
        self._more.stop()
        self._later = []  # this update adds what is still missing
        if zone != self._zone:  # every time shown reads otherwise
            self._zone = zone
            self._built_from = [None] * len(self._rows)
        today = local_time(now, zone).date()

        def inputs(s: CodexSessionSnapshot) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
            """All a row is built from, and the clock's part: equal inputs, equal row."""
            session_id = s.session_id
            is_ended = session_id in ended
            return (
                (s, session_id == active_id, tuple(shares.get(session_id, ())), is_ended),
                clock_key(s, now, today if is_ended else None),
            )

        def view(s: CodexSessionSnapshot, given: tuple[Any, ...]) -> RowView:
            return row_view(s, given[1], now, given[2], ended=given[3], zone=zone)

        wanted = {s.session_id: s for s in sessions}
        self._remove_gone(wanted)
        moving: list[_Change] = []  # rows whose sort values changed
        staying: list[_Change] = []
        present = set()
        for index, old in enumerate(self._rows):
            session_id = old.snapshot.session_id
            present.add(session_id)
            snapshot = wanted[session_id]
            given, clock = inputs(snapshot)
            built = self._built_from[index]
            same = built is not None and given == built[0]
            if same and built is not None and clock == built[1]:
                continue
            self._built_from[index] = (given, clock)
            new = retimed(old, now, zone) if same else view(snapshot, given)
            if new == old:
                continue
            columns = [
                c
                for c in range(len(Column))
                if new.display[c] != old.display[c]
                or new.tooltip[c] != old.tooltip[c]
                or new.sort[c] != old.sort[c]
            ]
            restyled = new.active != old.active or new.ended != old.ended
            if restyled or (new.snapshot != old.snapshot and not columns):
                columns = list(range(len(Column)))
            (moving if new.sort != old.sort else staying).append((index, new, columns))
        # A sorting proxy places the rows of a signal among the others, which must all be
        # where it put them: each run of rows that may move is stored just before it is
        # signalled. Then the others, whose order the proxy checks but finds unchanged.
        for run in _runs(moving):
            for index, new, _ in run:
                self._rows[index] = new
            self._signal_run(run)
        for index, new, _ in staying:
            self._rows[index] = new
        for run in _runs(staying):
            self._signal_run(run)
        changed = sorted((index, columns) for index, _, columns in moving + staying if columns)
        if changed:
            self.cells_changed.emit(changed)

        def build(s: CodexSessionSnapshot) -> tuple[RowView, _BuiltFrom]:
            given, clock = inputs(s)
            return view(s, given), (given, clock)

        self._build = build
        self._later = [s for s in sessions if s.session_id not in present]
        self._add_batch(MIN_ROWS_PER_TURN)
        self.updated.emit()

    def _add_batch(self, count: int) -> None:
        """Put in the next ``count`` new rows; the rest wait for the next turn of the loop,
        as many as fit in ``TURN_BUDGET_S`` at this batch's pace."""
        if not self._later or self._build is None:
            return
        begun = time.perf_counter()
        built = [self._build(s) for s in self._later[:count]]
        self._later = self._later[len(built) :]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(built) - 1)
        for row, inputs in built:
            self._rows.append(row)
            self._built_from.append(inputs)
        self.endInsertRows()  # the views measure and sort them in it
        if self._later:
            per_row = max(time.perf_counter() - begun, 1e-6) / len(built)
            self._next = max(MIN_ROWS_PER_TURN, int(TURN_BUDGET_S / per_row))
            self._more.start()

    @Slot()
    def _add_later(self) -> None:
        self._add_batch(self._next)
        self.updated.emit()

    def _remove_gone(self, wanted: Mapping[str, CodexSessionSnapshot]) -> None:
        """Remove the rows of sessions not ``wanted``, each run of adjacent ones at once."""
        index = len(self._rows)
        while index > 0:
            index -= 1
            if self._rows[index].snapshot.session_id in wanted:
                continue
            last = index
            while index > 0 and self._rows[index - 1].snapshot.session_id not in wanted:
                index -= 1
            self.beginRemoveRows(QModelIndex(), index, last)
            del self._rows[index : last + 1]
            del self._built_from[index : last + 1]
            self.endRemoveRows()

    def _signal_run(self, run: Sequence[_Change]) -> None:
        """One ``dataChanged`` for a run of adjacent rows, over the columns changed in it.

        Not one span from the first changed row to the last: a sorting proxy checks the order
        of every row of a span that holds its sort column (Python ``data`` calls), and sorts
        them all again when one moved: ten sessions that wrote, among 3,000, took 70 ms as one
        span.
        """
        columns = [column for _, _, changed in run for column in changed]
        if columns:
            self.dataChanged.emit(
                self.index(run[0][0], min(columns)),
                self.index(run[-1][0], max(columns)),
                _ROLES_CHANGED,
            )

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


class SessionSortProxy(KeyedSortProxy):
    """Sorts the rows of a ``SessionTableModel`` by their ``SortKey``s (see ``KeyedSortProxy``):
    live sessions before ended ones whichever way a column is turned, and equal values the
    newest started first, both ways."""

    def __init__(self, model: SessionTableModel, parent: Any = None) -> None:
        super().__init__(model, SortRole, parent)
        # Read straight from the model's list of rows (the same list for its life): a sort
        # of 3,000 rows compares some 35,000 pairs, each call costs.
        self._rows = model._rows

    def key(self, index: AnyIndex) -> SortKey:
        return self._rows[index.row()].sort[index.column()]
