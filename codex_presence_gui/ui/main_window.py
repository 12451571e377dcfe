"""The main window: limits on top, the active session, the sessions table, and a status bar;
the Usage page beside them."""

from __future__ import annotations

import enum
import itertools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    SIGNAL,
    QEvent,
    QMargins,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QHideEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMoveEvent,
    QResizeEvent,
    QShowEvent,
    QWindow,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizeGrip,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui import APP_NAME, __version__
from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import Level, capitalized, format_duration
from codex_presence_gui.core.presence import TOMORROW_HOUR, tomorrow_morning
from codex_presence_gui.core.problems import ProblemKind, counted_past_cap, homes_cap_text
from codex_presence_gui.core.sanitize import clean_text, tooltip_html
from codex_presence_gui.core.usage_report import spoken_costs
from codex_presence_gui.paths import make_folder, resource_path
from codex_presence_gui.ui.accessible import (
    FocusRing,
    RingsKept,
    make_figure,
    press_on_enter,
    read_as_choices,
    read_as_group,
)
from codex_presence_gui.ui.folders import choose_folder
from codex_presence_gui.ui.info_bar import InfoBar
from codex_presence_gui.ui.labels import (
    QWIDGETSIZE_MAX,
    ElidedLabel,
    show_as_written,
    wrappable,
    wrapped_label,
)
from codex_presence_gui.ui.limits_panel import LimitsPanel
from codex_presence_gui.ui.live_page import LiveBody, LivePage
from codex_presence_gui.ui.session_card import SessionCard
from codex_presence_gui.ui.sessions_table import COMPACT_LEAST_ROWS, SessionsTable, sort_again
from codex_presence_gui.ui.status_details import DetailsDialog, StatusLink
from codex_presence_gui.ui.theme import scaled_font, set_muted
from codex_presence_gui.ui.usage_chart import ChartMode
from codex_presence_gui.ui.usage_view import UsagePage
from codex_presence_gui.ui.window_state import (
    LayoutMode,
    WindowState,
    bring_to_front,
    focus_within,
    frame_margins,
    frame_room,
    framed_after_showing,
    kept_centre,
    open_dialogs,
    placed_before_growing,
    shown_unframed,
)
from codex_presence_gui.viewmodels.card import (
    CardView,
    blocked_sessions_text,
    dashboard_card,
    home_text,
    lists_only_the_card,
    missing_sessions_text,
    not_folders_text,
)
from codex_presence_gui.viewmodels.glance import window_title
from codex_presence_gui.viewmodels.limits import LimitsView, limits_view, shows_seconds
from codex_presence_gui.viewmodels.session_table import Column, SessionRole, SessionTableModel
from codex_presence_gui.viewmodels.usage import TOOLTIP_PROBLEMS, UsageState, UsageView
from codex_presence_gui.viewmodels.usage_table import UsageColumn

DEFAULT_SIZE = (820, 580)
#: Between the sessions' title and their table, which it names: closer than the page's gaps.
TITLE_GAP = 4
#: The compact layout's first size (chosen, with no size saved): its height is the layout's
#: own, the width one the limits and the card read well at (the README's picture's).
COMPACT_SIZE = (340, 380)
#: How long a new window is on the screen, still where it stood as it showed (X11), before
#: it takes that for the place the window manager gave it: the place it is given comes
#: sooner (see ``MainWindow._unplaced``).
LEFT_WHERE_IT_STOOD_MS = 500
#: How long after the last move or resize the window's place and size are saved (a drag is
#: dozens of moves): saved only at quit, they were lost to a crash or a ``kill -9``, and a
#: layout chosen since came back at the size of another.
SAVE_PLACE_AFTER_MS = 1500
#: The app's icon in Help → About, as QMessageBox.about draws it (at 100 %).
ABOUT_ICON = 64
#: The pages of the full layout (the compact layout shows only the live one).
LIVE_PAGE = "live"
USAGE_PAGE = "usage"
DIGIT = re.compile(r"\d")
NO_FILE_MANAGER = "No file manager could be opened here."
#: A retry's countdown at the end of the Discord status ("…, retrying in 5s", "…, retrying
#: now"), as the worker says it and the application counts it down (see ``format_duration``).
RETRY_COUNTDOWN = re.compile(r", (retrying (?:in ([0-9.]+)s|now))$")
#: How the Discord status starts while a connection is being tried.
CONNECTING = "Discord: connecting"


def discord_spoken(text: str, told: str = "") -> tuple[str, str]:
    """What screen readers are told of the Discord status ``text`` (``told``: the name they
    were told until now): its name, the state it means ("Discord not running, retrying"),
    and its description, the countdown in words ("Retrying in 5 seconds"). A focused
    widget's new name is read out: with the countdown in it, the item was read again every
    second. The try a countdown ends in keeps the name of the state it may leave (read out
    twice a try, every half minute while Discord is not running, otherwise); what comes of
    it is named anew when it is something else."""
    countdown = RETRY_COUNTDOWN.search(text)
    if countdown is not None:
        said = countdown.group(1)
        if countdown.group(2) is not None:  # "5s" might be read "5 s", or not at all
            said = f"retrying in {format_duration(float(countdown.group(2)), spoken=True)}"
        return text[: countdown.start()] + ", retrying", capitalized(said)
    if text.startswith(CONNECTING) and told.endswith(", retrying"):
        return told, "Trying again now"
    return text, ""


def problems_spoken(count: int) -> str:
    """The problems item's name: how many there are, without the warning sign the bar
    shows (read out as "warning sign" before each count)."""
    return f"{count:,} {'problem' if count == 1 else 'problems'} reading logs"


def problems_item_texts(reading: int, capped: bool) -> tuple[str, tuple[str, ...], str]:
    """The status bar's problems item (its text, shorter forms, and what is read out) for
    ``reading`` problems met reading logs, and the notice that the folders past 64 are not
    read, when ``capped`` (``counted_past_cap``): that is said in its own words, not counted
    as a problem reading logs (a settings file naming 70 folders had read "⚠ 1 problem
    reading logs")."""
    noun = "problem" if reading == 1 else "problems"
    cap, short = homes_cap_text(), homes_cap_text(short=True)
    if not reading:
        return f"⚠ {cap}", (f"⚠ {short}",), cap
    if not capped:
        shorter: tuple[str, ...] = (f"⚠ {reading:,} {noun}", f"⚠ {reading:,}")
        return f"⚠ {reading:,} {noun} reading logs", shorter, problems_spoken(reading)
    cap, short = homes_cap_text(within=True), homes_cap_text(short=True, within=True)
    shorter = (
        f"⚠ {reading:,} {noun} reading logs; {short}",
        f"⚠ {reading:,} {noun}; {short}",
        f"⚠ {reading:,} {noun}",
        f"⚠ {reading:,}",
    )
    said = f"{problems_spoken(reading)}; {cap}"
    return f"⚠ {said}", shorter, said


def room_key(limits: LimitsView, card: CardView) -> tuple[object, ...]:
    """What decides how much room the panel and the card take.

    Left out: what never changes a size (the charts, which carry the clock; the age, on one
    elided line), and the digits' values: a countdown ticks every refresh, and measuring the
    layouts each time cost more than the rest of an idle window (digits are equally wide).
    """
    rows = tuple(
        (
            group.heading,
            group.footer,
            *(
                (r.label, r.percent_text, r.status_text, r.pace_text, r.emphasis)
                for r in group.rows
            ),
        )
        for group in limits.groups
    )
    texts = (
        limits.message,
        limits.stale_text,
        rows,
        limits.notes,
        replace(card, spoken="", spoken_details=""),
    )
    return (DIGIT.sub("0", repr(texts)),)


class SetupPanel(QFrame):
    """First run without Codex's folder: what is missing, and a button to choose it.

    Signals:
        folder_chosen(str): the user picked a folder.
    """

    folder_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = wrapped_label(1.0)
        self.heading.setFont(scaled_font(self.heading, 1.15, bold=True))
        self.heading.setText("Codex's folder was not found")
        # A group named by its heading: a frame is told as one, which AT-SPI keeps for
        # windows, and its button had been read with nothing of what it is about.
        read_as_group(self)
        self.setAccessibleName(self.heading.text())
        self.body = wrapped_label(1.0)
        #: The folders the logs were looked for in (see ``show_homes``).
        self.looked_in: list[str] = []
        self.choose = QPushButton()
        show_as_written(self.choose, (self.choose.setText, "Choose Codex folder…"))
        self.choose.clicked.connect(self._choose)
        press_on_enter(self.choose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignLeft)

    def show_homes(self, homes: str, looked_in: Sequence[str] = (), not_folders: str = "") -> None:
        """Say where Codex's logs were looked for (``homes``, as text; ``looked_in``: those
        folders, where the folder dialog starts), or what was found there instead of a
        folder (``not_folders``: waiting for Codex would not help)."""
        self.looked_in = list(looked_in)
        self.heading.setText(
            "The folder given for Codex is not a folder"
            if not_folders
            else "Codex's folder was not found"
        )
        self.setAccessibleName(self.heading.text())
        if not_folders:
            text = (
                f"{APP_NAME} reads the logs that Codex keeps in its folder on this computer, "
                f"but {not_folders}. Choose Codex's folder (usually ~/.codex)."
            )
        else:
            text = (
                f"{APP_NAME} reads the logs that Codex keeps in its folder on this computer, "
                f"and found none in {homes}. If Codex keeps its folder somewhere else, choose "
                "that folder. If you have not used Codex on this computer yet, run it once: "
                "this window fills in by itself."
            )
        # A long folder's name breaks rather than widen the window: whole, a Windows folder
        # ("C:\Users\…\profiles\work") made the window 421 px wide, also behind the Usage
        # page, on a 360 px screen.
        self.body.setText(wrappable(text))
        self.body.setAccessibleName(text)

    def _choose(self) -> None:
        folder = choose_folder(self, "Choose Codex's folder", self.looked_in)
        if folder:
            self.folder_chosen.emit(folder)


class MainWindow(QMainWindow):
    """The window; it shows what it is given and asks for nothing but refreshes.

    Its minimum size and the automatic switch to the compact layout are measured from what
    the layouts need for the data shown, never fixed numbers: a stale reading with two-line
    notes needs more room than a fresh one, and a larger font more than a smaller one.

    Signals:
        refresh_requested(): the user asked to re-read the logs now.
        always_on_top_changed(bool): the user pinned or unpinned the window.
        discord_paused_changed(bool): the user paused the Discord status until resumed, or
            resumed it ("Until I resume" checked or unchecked).
        discord_pause_requested(float): the user paused until a time (epoch seconds), or
            resumed (0.0), from the pause menu.
        settings_requested(): the user asked for the settings dialog.
        quit_requested(): the user asked to quit the app (not just to close the window).
        codex_folder_chosen(str): the user chose Codex's folder on the first-run panel.
    """

    refresh_requested = Signal()
    always_on_top_changed = Signal(bool)
    discord_paused_changed = Signal(bool)
    discord_pause_requested = Signal(float)
    settings_requested = Signal()
    quit_requested = Signal()
    codex_folder_chosen = Signal(str)

    def __init__(
        self,
        state: WindowState | None = None,
        parent: QWidget | None = None,
        *,
        always_on_top: bool = False,
    ) -> None:
        super().__init__(parent)
        self.state = state
        #: Closing hides the window instead (set when the user chose it and a tray exists).
        self.close_to_tray = False
        #: Whether a tray shows icons now: a panel restarted or removed takes the tray with
        #: it, and a window hidden to it then could only come back by starting the app again.
        self.tray_shown: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable
        #: Where the log file lives, for Help → Open log folder.
        self.log_folder: Path | None = None
        #: The wall clock the pause menu counts from (tests replace it).
        self.clock: Callable[[], float] = time.time
        #: True while a layout is tried out to be measured (see ``focusNextPrevChild``).
        self._measuring = False
        #: What had the keyboard as the window hid (see ``showEvent``).
        self._focus_when_hidden: QWidget | None = None
        self._rings_kept = RingsKept(self)  # after Settings, About, a file dialog
        self.dashboard: Dashboard | None = None
        self.setWindowTitle(APP_NAME)

        self.info_bar = InfoBar()
        self.info_bar.reveal.connect(self.reveal_file)
        # A notice closed gives its room back: the compact window chosen from the menu is
        # as tall as its contents (it had kept a blank band where the notice was).
        self.info_bar.closed.connect(self._content_changed)
        self.setup_panel = SetupPanel()
        self.setup_panel.folder_chosen.connect(self.codex_folder_chosen)
        self.setup_panel.hide()
        self.limits = LimitsPanel()
        # Compact only: today's tokens and estimated cost, under the limits.
        self.usage_line = ElidedLabel(min_chars=4)
        self.usage_line.setObjectName("usageLine")
        make_figure(self.usage_line)  # as the bars
        self.usage_line.setFont(scaled_font(self.usage_line, 0.9))
        self.usage_line.hide()
        self.usage_view: UsageView | None = None
        self.card = SessionCard()
        self.sessions_title = QLabel("Sessions")
        self.sessions_title.setFont(scaled_font(self, 1.1, bold=True))
        self.model = SessionTableModel(self)
        self.table = SessionsTable(self.model)
        self.table.setAccessibleName("Codex sessions")
        self.proxy = self.table.proxy
        #: The session picked in the table, which the card shows instead of the active one
        #: until the row is left (Esc, another row, the window left for another).
        self._chosen: str | None = None
        #: The card's width and least height while a pick holds it (see _hold_card_height).
        self._card_floor = (0, 0)
        self.table.row_picked.connect(self._row_picked)
        self.table.choice_left.connect(self._choice_left)
        # Any window's activation, not only this one's: from one of its dialogs (Settings)
        # the user may go on to another app's window.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._focus_moved)

        body = LiveBody()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(10)
        layout.addWidget(self.info_bar)
        layout.addWidget(self.setup_panel)
        # The day's line sits close under the limits it belongs with.
        limits_box = QVBoxLayout()
        limits_box.setSpacing(2)
        limits_box.addWidget(self.limits)
        limits_box.addWidget(self.usage_line)
        layout.addLayout(limits_box)
        layout.addWidget(self.card)
        # The title close over the table it names: one item of the page, a gap less.
        sessions_box = QVBoxLayout()
        sessions_box.setSpacing(TITLE_GAP)
        sessions_box.addWidget(self.sessions_title)
        sessions_box.addWidget(self.table, 1)
        layout.addLayout(sessions_box, 1)
        self.spacer = QWidget()
        layout.addWidget(self.spacer, 1)
        self.body_layout = layout
        self.body = body
        # Round the limit, the day's usage or the card the keyboard is on, in the margins.
        self.focus_ring = FocusRing(body)
        self.live_page = LivePage(body, layout)
        self.usage_page = UsagePage()
        self.usage_page.reveal.connect(self._reveal_export)
        if state is not None:
            self.usage_page.set_mode(state.chart_mode)
            self.usage_page.mode_chosen.connect(self._keep_chart_mode)
            self.usage_page.set_days(state.usage_days)
            self.usage_page.days_chosen.connect(self._keep_usage_days)
            self.usage_page.set_model_colors(state.model_colors)
            self.usage_page.colors_changed.connect(self._keep_model_colors)
            self._keep_sorts(state)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.live_page)
        self.pages.addWidget(self.usage_page)
        self._page = LIVE_PAGE
        #: The pinned compact window's size while the Usage page, asked for from it, shows:
        #: going back to the live view pins it again (see ``open_page``).
        self._compact_to_restore: QSize | None = None
        #: A window compact by its size that Ctrl+U grew: its size then, and the size it was
        #: grown to (back to the live view unresized since, it takes the first back).
        self._small_to_restore: tuple[QSize, QSize] | None = None
        #: Where the compact window stood before Ctrl+U grew it, and where it was moved to
        #: so that the grown window fits on the screen: back to the live view, a window not
        #: moved since goes back there too (see ``_fit_on_screen``).
        self._place_to_restore: tuple[QPoint, QPoint] | None = None
        #: The window's size when a compact layout was chosen over the full one shown.
        self._full_size: QSize | None = None
        #: The window was maximized (or full screen) when a compact layout was chosen: it is
        #: maximized again when the full one is.
        self._maximized_out_of_compact = False
        #: ``_full_size`` and ``_maximized_out_of_compact`` while the Usage page is shown out
        #: of a chosen compact layout.
        self._full_size_to_restore: tuple[QSize | None, bool] = (None, False)
        self.setCentralWidget(self.pages)

        self.feed_status = ElidedLabel("Loading…", min_chars=4)
        # Both open their details whole: a tooltip can only be hovered.
        self.problems = StatusLink()
        self.problems.clicked.connect(self.show_problems_details)
        self.discord_status = StatusLink()
        self.discord_status.clicked.connect(self.show_discord_details)
        self._align_status_bar()
        self._discord_preview = ""  # what friends see, in the Discord item's tooltip
        self._discord_lines: list[str] | None = None  # the card, as ``preview`` prints it
        self._discord_connected = False  # whether friends see it now, or would
        self._discord_text = ""  # the Discord item's whole text, the countdown in it
        #: The problems the status bar counts, each in full (see ``show_problems_details``).
        self.problem_texts: list[str] = []
        #: The windows the status bar's items open, made when first asked for.
        self.problems_dialog: DetailsDialog | None = None
        self.discord_dialog: DetailsDialog | None = None
        self.statusBar().addWidget(self.feed_status, 1)
        self.statusBar().addPermanentWidget(self.problems)
        self.statusBar().addPermanentWidget(self.discord_status)
        self.status_ring = FocusRing(self.statusBar())  # round the item the keyboard is on
        self.set_discord_status("Discord: off")
        self.problems.hide()

        self._build_actions()
        #: Whether a move to another screen measures the layouts again (see ``showEvent``).
        self._watches_screen = False
        self._compact: bool | None = None
        #: The automatic layout's compact form with the sessions table under it, where the
        #: window is too short for the full layout but tall enough for the table's rows (a
        #: blank band otherwise).
        self._table_in_compact = False
        self._needs: dict[tuple[bool, int, bool], QSize] = {}
        #: What the live page can give up from its margins and gaps when tightened, per key
        #: of ``_needs`` (see ``LivePage.tightens``).
        self._slack: dict[tuple[bool, int, bool], int] = {}
        #: The live page's Tab stops as last put in order (see ``_order_tabs``).
        self._tab_stops: tuple[QWidget, ...] = ()
        self._has_rows = False
        #: Whether the table lists more than the active session the card shows: the compact
        #: layout, short of room, leaves out a table that would repeat the card in one row.
        self._table_tells_more = False
        self._shape: tuple[object, ...] = ()
        self._card_view: CardView | None = None  # the card as last shown (see room_key)
        #: Each second while a countdown shows seconds (the last hour before a reset): the
        #: panel is made again between the feed's refreshes, 2 s apart by default and up to
        #: 60 s (a countdown's seconds had moved only with them).
        self._countdown_tick = QTimer(self)
        self._countdown_tick.setInterval(1000)
        self._countdown_tick.timeout.connect(self._tick_countdowns)
        self._layout_mode = state.layout_mode if state is not None else LayoutMode.AUTO
        kept = state.out_of_compact() if state is not None else None
        if self._layout_mode is LayoutMode.COMPACT and kept is not None:
            # Started compact: the full layout takes back the size it had before, not the
            # default one (a window kept compact beside the editor lost it at each log-in).
            self._full_size, self._maximized_out_of_compact = kept
        self._always_on_top = always_on_top
        self.layout_actions[self._layout_mode].setChecked(True)
        self.on_top_action.setChecked(self._always_on_top)
        if self._always_on_top:
            # Before the first show the widget flag is the only one there is.
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        #: The window manager's frame as the layouts were last fitted to the screen with it
        #: (None until the window is framed: ``FRAME_ROOM`` is kept for it till then; none
        #: for a window shown without one).
        self._frame_known: QMargins | None = None
        #: Whether the window, shown, had no frame round it (None: not shown yet), or was saved
        #: so (``NO_FRAME``) before it shows: it keeps no room for one.
        self._unframed: bool | None = None
        #: The size the window opened at, with ``FRAME_ROOM`` for the frame not known yet:
        #: the room the real frame leaves is taken once known, unless the size changed.
        self._first_sized: QSize | None = None
        #: Opened with no saved place, the window waits to be placed by the window manager
        #: (see ``_note_first_place``), which places it for its size when shown; the size it
        #: has by its own doing since (see ``_sized_itself``).
        self._awaits_place = False
        #: Where that window stood as it showed, on X11, before it is framed and placed
        #: (see ``_unplaced``).
        self._shown_at: QPoint | None = None
        self._shown_size = QSize()
        self._own_size = QSize()
        #: Where the window manager placed a window opened with no saved place, and its size
        #: then, while it stays so and its first readings are still to come: growing into
        #: them, it keeps its centre there (see ``_keep_first_centre``).
        self._first_place: QRect | None = None
        #: The dialogs that were open when the window was hidden to the tray, hidden with it
        #: and shown again with it (Settings had stayed on the screen, the window gone).
        self._put_away: list[tuple[QDialog, QPoint]] = []  # and where each stood
        #: The places and sizes that window had by the window manager's doing or its own (see
        #: ``_keep_first_centre``): whichever the window manager tells late is no user's move.
        self._had_places: set[tuple[int, int]] = set()
        self._had_sizes: set[tuple[int, int]] = set()
        #: The first readings that window grows into: the logs with their history, the usage.
        self._first_readings = {"logs", "usage"}
        #: Started as that window is on the screen, still unplaced (see ``_unplaced``).
        self._on_screen_a_while = QTimer(self)
        self._on_screen_a_while.setSingleShot(True)
        self._on_screen_a_while.setInterval(LEFT_WHERE_IT_STOOD_MS)
        self._on_screen_a_while.timeout.connect(
            partial(self._note_first_place, mapped_a_while=True)
        )
        self._save_place = QTimer(self)
        self._save_place.setSingleShot(True)
        self._save_place.setInterval(SAVE_PLACE_AFTER_MS)
        self._save_place.timeout.connect(self._place_moved)
        self._update_layout()
        if state is None or not state.restore_geometry(self):
            self.resize(self._first_size())
            self._first_sized = self.size()
            self._awaits_place = True
        self._update_layout()
        # The keyboard starts on the window itself: nothing drawn focused in a window that is
        # looked at more than typed in (a screen reader says its title, the limits in it),
        # and the first Tab goes to the first limit.
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- actions ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.on_top_action = QAction("Always on &top", self)
        self.on_top_action.setCheckable(True)
        self.on_top_action.setShortcut(QKeySequence("Ctrl+T"))
        self.on_top_action.setToolTip("Keep this window above your editor (Ctrl+T)")
        self.on_top_action.toggled.connect(self.set_always_on_top)
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setToolTip("Read the Codex logs again now (F5)")
        self.refresh_action.triggered.connect(self.refresh_requested)
        self.quit_action = QAction("&Quit", self)
        # The desktop's own key; Ctrl+Q where it has none (Windows, a bare X11), as the
        # README promises and the File menu then shows.
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcuts(quit_keys or [QKeySequence("Ctrl+Q")])
        self.quit_action.triggered.connect(self._quit)
        self.settings_action = QAction(self)
        # The desktop's own key for it (Cmd+, on macOS); Ctrl+, where it has none (X11).
        preferences = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
        self.settings_action.setShortcuts(preferences or [QKeySequence("Ctrl+,")])
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.settings_requested)
        # One submenu, shared by the File menu and the tray (a QMenu may sit in both).
        self.pause_menu = QMenu("&Pause Discord status", self)
        self.pause_menu.setToolTipsVisible(True)
        self.pause_hour_action = self.pause_menu.addAction("For 1 &hour")
        self.pause_hour_action.triggered.connect(self._pause_for_an_hour)
        self.pause_tomorrow_action = self.pause_menu.addAction(
            f"Until &tomorrow morning ({TOMORROW_HOUR:02d}:00)"
        )
        self.pause_tomorrow_action.triggered.connect(self._pause_until_tomorrow)
        self.pause_discord_action = QAction("Until I &resume", self)
        self.pause_discord_action.setCheckable(True)
        self.pause_discord_action.setToolTip("Stop showing your Codex work on Discord for now")
        # triggered, not toggled: only the user's choice counts, never set_discord_pause.
        self.pause_discord_action.triggered.connect(self.discord_paused_changed)
        self.pause_menu.addAction(self.pause_discord_action)
        self.pause_menu.addSeparator()
        self.resume_discord_action = self.pause_menu.addAction("Resume &now")
        self.resume_discord_action.triggered.connect(self._resume)
        self.set_discord_pause(None)
        self.log_folder_action = QAction("Open &log folder", self)
        self.log_folder_action.triggered.connect(self._open_log_folder)
        # What a pointer's hover shows (exact counts, a session's folder, each window's
        # share), for the figure or row the keyboard is on: tooltips alone never reach it.
        # Shift+F1, Qt's and KDE's "What's This?" key, and Ctrl+F1, GTK's for a focused
        # widget's tooltip (taken by KWin for the first desktop: hence both).
        self.details_action = QAction("Show &details", self)
        self.details_action.setShortcuts([QKeySequence("Shift+F1"), QKeySequence("Ctrl+F1")])
        self.details_action.setToolTip(
            "Show what hovering shows, for the figure or row the keyboard is on (Shift+F1)"
        )
        self.details_action.triggered.connect(self.show_details)
        self.problems_action = QAction(self)
        # A menu lays its items out in its own direction: right to left, an item's "…" is
        # kept at its end ("…Settings" had been drawn).
        show_as_written(
            self,
            (self.settings_action.setText, "&Settings…"),
            (self.problems_action.setText, "&Problems reading logs…"),
        )
        self.problems_action.setEnabled(False)  # until there are some
        self.problems_action.triggered.connect(self.show_problems_details)
        group = QActionGroup(self)
        self.layout_actions: dict[LayoutMode, QAction] = {}
        for mode, text, key in (
            (LayoutMode.AUTO, "&Automatic layout", "Ctrl+0"),
            (LayoutMode.FULL, "&Full layout", "Ctrl+1"),
            (LayoutMode.COMPACT, "&Compact layout", "Ctrl+2"),
        ):
            action = QAction(text, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, m=mode: self.set_layout_mode(m))
            self.layout_actions[mode] = action
        self.compact_action = QAction("Compact", self)
        self.compact_action.setCheckable(True)
        self.compact_action.setToolTip("Only the limits and the active session (Ctrl+2)")
        self.compact_action.triggered.connect(
            lambda checked: self.set_layout_mode(LayoutMode.COMPACT if checked else LayoutMode.AUTO)
        )
        pages = QActionGroup(self)
        self.live_action = QAction("&Live", self)
        self.live_action.setToolTip("Limits and sessions as they are now (Ctrl+L)")
        self.live_action.setShortcut(QKeySequence("Ctrl+L"))
        self.usage_action = QAction("&Usage", self)
        self.usage_action.setToolTip(
            "Tokens and API-equivalent cost of the last 7, 30 or 90 days, by day, project and "
            "model (Ctrl+U)"
        )
        self.usage_action.setShortcut(QKeySequence("Ctrl+U"))
        for action, page in ((self.live_action, LIVE_PAGE), (self.usage_action, USAGE_PAGE)):
            action.setCheckable(True)
            action.setActionGroup(pages)
            action.triggered.connect(lambda _checked=False, p=page: self.open_page(p))
        if self.state is not None and self.state.page == USAGE_PAGE:
            # The page left at the last quit (shown once the layout is chosen: the compact
            # layout shows the live view, and this page comes back with the full one).
            self._page = USAGE_PAGE
            self.usage_action.setChecked(True)
        else:
            self.live_action.setChecked(True)
        # The keys that go from tab to tab in browsers and tabbed editors go from page to
        # page here too: Ctrl+Tab (either way: there are two), Ctrl+PgUp and Ctrl+PgDown.
        # On the window itself, not in the menu, which says Ctrl+L and Ctrl+U.
        turns: list[tuple[tuple[QKeySequence.StandardKey | str, ...], str | None]] = [
            ((QKeySequence.StandardKey.NextChild, QKeySequence.StandardKey.PreviousChild), None),
            (("Ctrl+PgUp",), LIVE_PAGE),
            (("Ctrl+PgDown",), USAGE_PAGE),
        ]
        for keys, target in turns:
            turn = QAction(self)
            turn.setShortcuts([QKeySequence(key) for key in keys])
            turn.triggered.connect(lambda _checked=False, p=target: self._turn_page(p))
            self.addAction(turn)

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.refresh_action)
        menu.addMenu(self.pause_menu)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.live_action)
        view.addAction(self.usage_action)
        view.addSeparator()
        view.addAction(self.on_top_action)
        view.addSeparator()
        for action in self.layout_actions.values():
            view.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.details_action)
        help_menu.addSeparator()
        help_menu.addAction(self.problems_action)
        help_menu.addAction(self.log_folder_action)
        about = help_menu.addAction(f"&About {APP_NAME}")
        about.triggered.connect(self._about)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.live_action)
        toolbar.addAction(self.usage_action)
        toolbar.addSeparator()
        toolbar.addAction(self.on_top_action)
        toolbar.addAction(self.compact_action)
        toolbar.addAction(self.refresh_action)
        # The pages are one choice of two, told as radio buttons: a checkable tool button is
        # told as a check box, and "Usage, check box, not checked" read as a setting.
        buttons = [toolbar.widgetForAction(action) for action in pages.actions()]
        read_as_choices(*(b for b in buttons if isinstance(b, QAbstractButton)))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _pause_for_an_hour(self) -> None:
        self.discord_pause_requested.emit(self.clock() + 3600.0)

    def _pause_until_tomorrow(self) -> None:
        self.discord_pause_requested.emit(tomorrow_morning(self.clock()))

    def _resume(self) -> None:
        self.discord_pause_requested.emit(0.0)

    def set_discord_pause(self, paused: str | None) -> None:
        """Show the pause in the menu: None when publishing, else how long (for example
        "until 14:05"); the menu's own changes are not announced again."""
        self.pause_discord_action.setChecked(paused == "until you resume")
        self.resume_discord_action.setEnabled(paused is not None)
        title = "&Pause Discord status"
        self.pause_menu.setTitle(f"{title} (paused {paused})" if paused else title)

    def _quit(self) -> None:
        # PySide6 counts receivers only by the signal's signature string (a bound signal
        # raises TypeError, which left File → Quit doing nothing).
        if self.receivers(SIGNAL("quit_requested()")) > 0:
            self.quit_requested.emit()
        else:
            self.close()

    def show_details(self) -> None:
        """Show the tooltip of what the keyboard is on (a table's current row: its cell's) by
        it, as hovering it would; "No more details here." where it has none."""
        focused = QApplication.focusWidget()
        if focused is None or focused.window() is not self:
            return
        own = getattr(focused, "show_details", None)
        if callable(own):  # a widget that shows its own (the chart: the day it is on)
            own()
            return
        text, area = "", QRect()
        if isinstance(focused, QAbstractItemView):
            index = focused.currentIndex()
            if index.isValid():
                text = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
                area = focused.visualRect(index)
            host: QWidget = focused.viewport()
        else:
            # The nearest tooltip up from it, as hovering it shows (a limit's row shows its
            # panel's: where the reading came from).
            host = focused
            tipped: QWidget | None = focused
            while tipped is not None and tipped is not self and not tipped.toolTip():
                tipped = tipped.parentWidget()
            text = tipped.toolTip() if tipped is not None and tipped is not self else ""
        if not area.isValid():
            area = host.rect()
        QToolTip.showText(
            host.mapToGlobal(area.bottomLeft()),
            text or tooltip_html("No more details here."),
            host,
            area,
        )

    def _open_log_folder(self) -> None:
        if self.log_folder is None:
            return
        try:
            make_folder(self.log_folder)
        except OSError as error:
            self.show_notice(
                f"The log folder {self.log_folder} cannot be made: {error.strerror or error}",
                key="log-folder",
            )
            return
        self._open_folder(self.log_folder, f"The log folder is {self.log_folder}", "log-folder")

    def reveal_file(self, file: Path) -> None:
        """Open the folder that holds ``file`` (a notice's "Show file")."""
        self._open_folder(file.parent, f"The file is {file}", f"reveal:{file}", copy=str(file))

    def _keep_sorts(self, state: WindowState) -> None:
        """Each table sorted as it was last (a restart had put them back to their first
        orders), and each sort kept as it is chosen."""
        page = self.usage_page
        tables: tuple[tuple[str, QTableView, type[enum.IntEnum]], ...] = (
            ("sessions", self.table, Column),
            ("projects", page.project_table, UsageColumn),
            ("models", page.model_table, UsageColumn),
        )
        for name, view, columns in tables:
            kept = state.table_sort(name)
            if kept is not None and kept[0] in columns.__members__:
                sort_again(view, columns[kept[0]], kept[1])
            view.horizontalHeader().sortIndicatorChanged.connect(
                partial(self._keep_sort, name, columns)
            )

    def _keep_sort(
        self, table: str, columns: type[enum.IntEnum], section: int, order: Qt.SortOrder
    ) -> None:
        named = {int(column): column.name for column in columns}
        if self.state is not None and section in named:
            descending = order == Qt.SortOrder.DescendingOrder
            self.state.keep_table_sort(table, named[section], descending)

    def _keep_chart_mode(self, mode: ChartMode) -> None:
        if self.state is not None:
            self.state.chart_mode = mode

    def _keep_usage_days(self, days: int) -> None:
        if self.state is not None:
            self.state.usage_days = days

    def _keep_model_colors(self, colors: dict[str, int]) -> None:
        if self.state is not None:
            self.state.model_colors = colors

    def _reveal_export(self, file: Path) -> None:
        """The Usage page's "Show file": where no folder can be opened, the page says so (the
        notices are on the live page)."""
        if not self._opened(file.parent, str(file)):
            self.usage_page.say(
                f"{NO_FILE_MANAGER} The file is {file} (copied to the clipboard).",
                paths=(str(file),),
            )

    def _open_folder(self, folder: Path, where: str, key: str, copy: str | None = None) -> None:
        if not self._opened(folder, copy or str(folder)):
            self.show_notice(
                f"{NO_FILE_MANAGER} {where} (copied to the clipboard).",
                Level.GOOD,  # news, not a fault of the app
                key=key,
            )

    @staticmethod
    def _opened(folder: Path, copy: str) -> bool:
        """Open ``folder`` in the file manager; where none is registered (a bare desktop), put
        ``copy`` where a paste can use it, and return False."""
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            return True
        QApplication.clipboard().setText(copy)
        return False

    def bring_to_front(self) -> None:
        """Show the window, restored from minimized or hidden, raised and focused."""
        bring_to_front(self)

    def keeps_away(self, dialog: QDialog) -> bool:
        """Whether ``dialog`` was hidden with the window, to be shown again with it."""
        return any(kept is dialog for kept, _at in self._put_away)

    def _about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nShows what is left of your Codex limits and what each "
            "Codex session is doing, from Codex's own logs on this computer.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        # The app's icon from its file, for this window's scale, not the window's own icon
        # (QMessageBox.about's): once X11 has taken that one's pixmaps for the frame, it
        # answers any size with a small one, and at 150 % the box had shown a blurred 24 px.
        icon = QIcon(str(resource_path("icons/icon-256.png")))
        box.setIconPixmap(icon.pixmap(QSize(ABOUT_ICON, ABOUT_ICON), self.devicePixelRatioF()))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not one more kept each time
        # Modal to this window only, not run in a loop of its own: an app-modal box took
        # every click away from the tray icon too (on X11), and a box run by ``exec`` ends
        # as the window hides; this one goes to the tray with the window and comes back.
        box.open()

    # -- pin and layout -----------------------------------------------------------------

    @property
    def always_on_top(self) -> bool:
        """Whether the window is pinned above others."""
        return self._always_on_top

    def set_always_on_top(self, on: bool) -> None:
        """Pin or unpin without recreating the native window (no flicker)."""
        self._always_on_top = on
        handle: QWindow | None = self.windowHandle()  # None until first shown
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        else:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if self.on_top_action.isChecked() != on:
            self.on_top_action.setChecked(on)
        self.always_on_top_changed.emit(on)

    @property
    def layout_mode(self) -> LayoutMode:
        """The chosen layout mode."""
        return self._layout_mode

    @property
    def compact(self) -> bool:
        """Whether the compact layout is showing."""
        return bool(self._compact)

    def set_layout_mode(self, mode: LayoutMode, *, resize: bool = True) -> None:
        """Choose compact, full, or automatic (by window size). Out of a chosen compact
        layout, the window takes back the size it had before it (a comfortable one when it
        had none): the compact one fits its contents only (``resize``: False leaves the size
        to the caller, who sets another at once)."""
        pinned = self._layout_mode is LayoutMode.COMPACT
        if mode is LayoutMode.COMPACT and not pinned and self._compact is not None:
            # The size to take back (automatic and compact by size too: 330x600 with the
            # sessions table under it, not a size left from an earlier pinning).
            self._full_size = self.size()
            # Out of maximized (or full screen) first: a compact strip as wide as the screen
            # had stayed marked maximized, its title bar offering to restore what it was not.
            full = Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
            self._maximized_out_of_compact = bool(self.windowState() & full)
            if self._maximized_out_of_compact:
                self._full_size = self.normalGeometry().size()
                self.setWindowState(self.windowState() & ~full)
                # Its size from before it was maximized at once, not once the window manager
                # gets to it: the compact layout keeps the width it finds (the screen's).
                self.resize(self._full_size)
            self._keep_out_of_compact()
        self._compact_to_restore = None  # a layout chosen since is the one to keep
        self._small_to_restore = None
        self._first_place = None  # the size the user chose comes where the window stands
        self._place_to_restore = None
        self._layout_mode = mode
        self.layout_actions[mode].setChecked(True)
        if self.state is not None:
            self.state.layout_mode = mode
        self._update_layout()
        if pinned and mode is not LayoutMode.COMPACT and resize:
            self.resize(self._size_out_of_compact())
            if self._maximized_out_of_compact:
                self._maximized_out_of_compact = False
                self.showMaximized()  # as it was before the compact layout

    def _keep_out_of_compact(self) -> None:
        """Save the size (and maximized or not) the full layout takes back, for a restart."""
        if self.state is not None and self._full_size is not None:
            self.state.keep_out_of_compact(self._full_size, self._maximized_out_of_compact)

    def _first_size(self) -> QSize:
        """``DEFAULT_SIZE`` (``COMPACT_SIZE`` in a chosen compact layout, which had opened
        820 px wide with no size saved), smaller on a screen with less room (800x480, or a
        scale factor of 2 on 1920x1080, where the status bar had been below the screen's
        edge) with the window's frame (``FRAME_ROOM`` until it is known), never smaller than
        the layout needs."""
        pinned = self._layout_mode is LayoutMode.COMPACT
        size = QSize(*(COMPACT_SIZE if pinned else DEFAULT_SIZE))
        screen = self.screen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size().shrunkBy(self.frame_room()))
        return size.expandedTo(self.minimumSize())

    def _framed(self) -> None:
        """The window manager has framed the window (or framed it anew): what was fitted to
        the screen with ``FRAME_ROOM`` for the frame is fitted with the real one. Openbox's
        is 25 px tall, not 48: on 800x480 the first window had stayed 23 px shorter than the
        screen holds, and a chosen full layout's least height too, until something else made
        the window measure its layouts again."""
        frame = self._frame_margins()
        handle = self.windowHandle()
        if handle is not None and handle.isExposed():
            self._unframed = frame.isNull() and shown_unframed(self)
        if (frame.isNull() and not self._unframed) or frame == self._frame_known:
            return
        self._frame_known = frame
        first, self._first_sized = self._first_sized, None
        placed_by_manager = self.isMaximized() or self.isFullScreen()
        if first is not None and self.size() == first and not placed_by_manager:
            size = self._first_size()
            if size != first:
                self.resize(size)
                self._sized_itself(first)
                self._fit_on_screen()
            if frame.isNull():
                # Seen with none, it may have one the window system tells later (X11 does):
                # fitted again to that, unless its size changed meanwhile.
                self._first_sized = self.size()
        self._update_layout()

    def _size_out_of_compact(self, comfortable: bool = False) -> QSize:
        """The size to leave a compact layout at: the window's size before it was made
        compact (``DEFAULT_SIZE`` when it has none), ``comfortable`` at least that; never
        smaller than the window is now, nor larger than the screen has room for with its
        frame (nor, with the limits the layout sets, smaller than it needs)."""
        wanted = self._full_size if self._full_size is not None else QSize(*DEFAULT_SIZE)
        if comfortable:
            wanted = wanted.expandedTo(QSize(*DEFAULT_SIZE))
        wanted = wanted.expandedTo(self.size())
        screen = self.screen()
        if screen is not None:
            # Without the frame, a screen's worth of window had its title bar's height of
            # it (the status bar) below the screen's edge.
            room = screen.availableGeometry().size().shrunkBy(self._frame_margins())
            wanted = wanted.boundedTo(room)
        return wanted

    @property
    def page(self) -> str:
        """The page chosen for the full layout: ``LIVE_PAGE`` or ``USAGE_PAGE``."""
        return self._page

    def set_page(self, page: str) -> None:
        """Show the live view or the Usage page (the compact layout shows the live view, and
        the chosen page comes back with the full layout)."""
        if page not in (LIVE_PAGE, USAGE_PAGE):
            raise ValueError(f"no page {page!r}")
        self._page = page
        if self.state is not None and self.state.page != page:
            self.state.page = page  # the page the next start opens on
        action = self.usage_action if page == USAGE_PAGE else self.live_action
        if not action.isChecked():
            action.setChecked(True)
        self._show_page()
        self._update_layout()  # the pages need different heights

    def _turn_page(self, page: str | None) -> None:
        """Go to ``page`` (None: the other one) as the View menu would."""
        if page is None:
            page = LIVE_PAGE if self.page == USAGE_PAGE else USAGE_PAGE
        (self.live_action if page == LIVE_PAGE else self.usage_action).trigger()

    def open_page(self, page: str) -> None:
        """``set_page`` as the user asks it (the View menu, Ctrl+L, Ctrl+U): the Usage page
        asked for in the compact layout brings the full layout, where it is shown: a chosen
        compact layout goes back to automatic, and the window grows to the full layout's
        size (automatic is kept: the user may shrink it to compact again). Back to the live
        view from there, the compact window comes back at its size (chosen, or compact by
        its size while the window was not resized since), and at its place where it was
        moved to fit on the screen grown (and not moved since): a look at the Usage page does
        not undo a window kept small beside the editor."""
        if page == USAGE_PAGE and self._compact:
            small = self.size()
            pinned = small if self._layout_mode is LayoutMode.COMPACT else None
            # Roomy enough for the page's tables, whatever size the window had before; one
            # resize (a chosen compact layout's own size first made the window switch twice).
            roomy = self._size_out_of_compact(comfortable=True)
            full_size = (self._full_size, self._maximized_out_of_compact)
            if pinned is not None:
                self.set_layout_mode(LayoutMode.AUTO, resize=False)
            width = max(roomy.width(), self.needed_size(False, page=USAGE_PAGE).width())
            origin = self.pos()
            needed = self.needed_size(False, width, USAGE_PAGE)
            self.resize(width, max(roomy.height(), needed.height()))
            moved_to = self._fit_on_screen()
            self._place_to_restore = None if moved_to is None else (origin, moved_to)
            self._compact_to_restore = pinned
            self._full_size_to_restore = full_size
            self._small_to_restore = None if pinned is not None else (small, self.size())
        elif page == LIVE_PAGE and self._small_to_restore is not None:
            small, grown = self._small_to_restore
            self._small_to_restore = None
            if self.size() == grown:  # not resized since: the user kept the size it had
                self.resize(small)
                self._restore_place()
            self._place_to_restore = None
        elif page == LIVE_PAGE and self._compact_to_restore is not None:
            size, full_size = self._compact_to_restore, self._full_size_to_restore
            place = self._place_to_restore
            self.set_layout_mode(LayoutMode.COMPACT)
            # The size before the compact layout, not the Usage page's: a look at the page
            # does not change where Ctrl+0 or Ctrl+1 takes the window back to, nor whether
            # maximized (the page's window is not: "maximized" had been lost, and saved).
            self._full_size, self._maximized_out_of_compact = full_size
            self._keep_out_of_compact()
            self.resize(size)
            self._place_to_restore = place
            self._restore_place()
        self.set_page(page)

    def _fit_on_screen(self) -> QPoint | None:
        """Move the window, just grown, so that all of it (its frame too) is on its screen;
        where it was moved to, or None when it fitted. Done here rather than left to the
        window manager, which moves it as it likes (or not at all), so that the place the
        window came from can be taken back (``_restore_place``)."""
        placed = self._grown_frame()
        if placed is None:
            return None
        frame, room = placed
        x = max(min(frame.x(), room.right() + 1 - frame.width()), room.x())
        y = max(min(frame.y(), room.bottom() + 1 - frame.height()), room.y())
        if (x, y) == (frame.x(), frame.y()):
            return None
        self.move(x, y)
        return self.pos()

    def _grown_frame(self) -> tuple[QRect, QRect] | None:
        """The window's frame as it is at its new size (the window manager may not have
        answered the resize yet), and the room of its screen; None for a window the window
        manager places (maximized, full screen, or new and not placed yet) or on no screen."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return None
        if self._awaits_place and self._unplaced(mapped_a_while=False):
            # Told framed above the screen's top (its place still queued), it had been moved
            # onto the screen, there: openbox, told where, did not place it (CI).
            return None
        frame = self.frameGeometry()
        frame.setSize(self.size().grownBy(self._frame_margins()))
        return frame, screen.availableGeometry()

    def _frame_margins(self) -> QMargins:
        return frame_margins(self)

    def frame_room(self) -> QMargins:
        """The room the window keeps on its screen for the window manager's frame: the frame,
        none for a window shown without one (or saved so, until it shows), ``FRAME_ROOM``
        while it is not known. A window with no frame had kept 48 px of its screen."""
        frame = self._frame_margins()
        if frame.isNull():
            unframed = self._unframed
            if unframed is None:
                unframed = self.state is not None and self.state.saved_unframed()
            if unframed:
                return QMargins()
        return frame_room(frame)

    def _restore_place(self) -> None:
        """Back where the compact window stood before the Usage page grew it, unless it was
        moved since (by the user: it stands where ``_fit_on_screen`` put it otherwise)."""
        place, self._place_to_restore = self._place_to_restore, None
        if place is not None and self.pos() == place[1]:
            self.move(place[0])

    def _show_page(self) -> None:
        usage = self._page == USAGE_PAGE and not self._compact
        self.pages.setCurrentWidget(self.usage_page if usage else self.live_page)

    # -- measuring ----------------------------------------------------------------------

    def _mode_widgets(self, compact: bool, table: bool | None = None) -> dict[QWidget, bool]:
        """Which of the widgets that differ between the layouts each layout shows (``table``:
        the compact one with the sessions table; default: as it is now)."""
        table = self._table_in_compact if table is None else table
        has_home = not (self.dashboard is not None and self.dashboard.no_home)
        listed = has_home and self._has_rows and (not compact or table)
        line = self.usage_view is not None and bool(self.usage_view.compact_line)
        return {
            # Not over the table in the compact layout: its header says what it lists, and
            # the title's line lets two rows fit in a shorter window.
            self.sessions_title: listed and not compact,
            self.table: listed,
            self.spacer: not listed,
            self.toolbar: not compact,
            self.usage_line: compact and has_home and line,
        }

    def _apply_mode(self, compact: bool, table: bool | None = None) -> None:
        for widget, visible in self._mode_widgets(compact, table).items():
            widget.setVisible(visible)
        self.table.set_compact(compact)
        self.card.set_compact(compact)
        self.limits.set_compact(compact)

    def _invalidate_layouts(self) -> None:
        """Every layout of the body, not only its own: their cached heights-for-width may
        predate the texts just set or the rows just shown (they are renewed only when the
        event loop runs, and a layout whose size does not change is not asked again)."""
        for layout in self.body.findChildren(QLayout):
            layout.invalidate()
            container = layout.parentWidget()
            if container is not None:
                container.updateGeometry()  # drops the size its parent layout cached
        self.body_layout.invalidate()

    def _chrome_height(self, compact: bool, width: int) -> int:
        """Menu bar, tool bar and status bar: what the window needs besides its body."""
        menu = self.menuBar()
        height = menu.heightForWidth(width) if menu.hasHeightForWidth() else 0
        height = max(height, menu.sizeHint().height())
        if not compact:
            height += self.toolbar.sizeHint().height()
        return height + self.statusBar().sizeHint().height()

    def needed_size(
        self, compact: bool, width: int | None = None, page: str | None = None
    ) -> QSize:
        """The least width a layout needs, and the height it needs at ``width`` (default: that
        least width) with ``page`` (default: the chosen one) in the full layout. Measured by
        laying the body out in that layout, then put back. The Usage page scrolls: the full
        layout with it needs only the page's few lines in height, not the live view's."""
        usage = not compact and (self._page if page is None else page) == USAGE_PAGE
        key = (compact, -1 if width is None else width, usage)
        cached = self._needs.get(key)
        if cached is not None:
            return cached
        # Measured without the table in the compact layout: its least size is its own.
        shown = (self._compact if self._compact is not None else compact, self._table_in_compact)
        wanted = (compact, False)
        self.setUpdatesEnabled(False)
        self._measuring = True
        try:
            if shown != wanted:
                self._apply_mode(*wanted)
            self._invalidate_layouts()
            least = self.body_layout.minimumSize()
            least_width = max(least.width(), self.menuBar().minimumSizeHint().width())
            if not compact:
                least_width = max(least_width, self.toolbar.sizeHint().width())
                # The Usage page shares the full layout's width (it scrolls only downwards).
                least_width = max(least_width, self.usage_page.minimumSizeHint().width())
            at = max(width if width is not None else least_width, least_width)
            body_height = max(self.body_layout.totalMinimumHeightForWidth(at), least.height())
            # With its margins and gaps whole: a page a little short gives some up for now.
            body_height += self.live_page.given_up()
            # Counted with this layout's widgets shown: each gap between them gives some up.
            slack = 0 if usage else self.live_page.tightened_slack()
            if usage:
                # On a small screen (800x480) the live view's height had put the status bar
                # below the screen's edge, under a page that would have scrolled.
                body_height = self.usage_page.minimumSizeHint().height()
            if shown != wanted:
                self._apply_mode(*shown)
                self._invalidate_layouts()
        finally:
            self._measuring = False
            self.setUpdatesEnabled(True)
        size = QSize(least_width, body_height + self._chrome_height(compact, at))
        self._needs[key] = size
        self._slack[key] = slack
        return size

    def tightest_height(self, compact: bool, width: int | None = None) -> int:
        """``needed_size``'s height with the live page tightened (see ``LivePage.tightens``):
        the least height the automatic layout shows that layout at."""
        height = self.needed_size(compact, width).height()
        usage = not compact and self._page == USAGE_PAGE
        return height - self._slack[(compact, -1 if width is None else width, usage)]

    def focusNextPrevChild(self, next: bool) -> bool:
        if self._measuring:
            # The focused widget is hidden only while the other layout is measured (the
            # sessions table): it keeps the focus, and shows again at once. Qt would have
            # moved the keyboard on, at every refresh that changed a size.
            return True
        focused = QApplication.focusWidget()
        bar = self.statusBar()
        hidden = focused is not None and not focused.isVisible() and not bar.isAncestorOf(focused)
        moved = super().focusNextPrevChild(next)
        if hidden:
            # The page's widget the keyboard was on was hidden (the table by Ctrl+2, a page
            # left): on to what shows in the page, past the status bar's items that follow it
            # in Tab's order.
            for _ in (self.problems, self.discord_status):
                now = QApplication.focusWidget()
                if now is None or not bar.isAncestorOf(now):
                    break
                moved = super().focusNextPrevChild(next)
        now = QApplication.focusWidget()
        if now is not None and self.body.isAncestorOf(now):
            # Into sight on a page that scrolls (from the status bar too), its ring with it.
            margin = self.live_page.margins.top()
            self.live_page.ensureWidgetVisible(now, 0, margin)
        return moved

    def _update_layout(self) -> None:
        """Pick the layout for the window's size and mode, and the least size it needs."""
        if self._layout_mode is LayoutMode.AUTO:
            # Shown a little short, the full layout tightens its page's gaps rather than turn
            # compact: two sessions with two sets of limits, at the first size (820x580), had
            # lacked 22 px and shown the compact layout, no toolbar nor Usage page.
            full = self.needed_size(False, self.width())
            tightest = self.tightest_height(False, self.width())
            compact = self.width() < full.width() or self.height() < tightest
        else:
            compact = self._layout_mode is LayoutMode.COMPACT
        # The compact layout tightens too (chosen, where the screen holds less than it needs):
        # its page gives up pixels before it scrolls, never grows the window past the screen.
        tightens = self._layout_mode is LayoutMode.AUTO or compact
        if tightens != self.live_page.tightens:
            self.live_page.tightens = tightens
            self.live_page.fit_height()
        table = compact and self._layout_mode is LayoutMode.AUTO and self._room_for_table()
        self.compact_action.setChecked(compact)
        if compact != self._compact or table != self._table_in_compact:
            self._compact = compact
            self._table_in_compact = table
            self._apply_mode(compact)
            self._invalidate_layouts()
            # The page gives the body the other layout's width now, not at the next pass of
            # the event loop (till then, a compact body stays as wide as the full one).
            self.live_page.refit()
            self._show_page()
        # The automatic layout may always shrink to the compact one: its least size is the
        # window's; a chosen layout keeps its own.
        least = self.needed_size(self._layout_mode is not LayoutMode.FULL)
        if self._layout_mode is LayoutMode.AUTO:
            # Tightened, as the full layout before it turns compact.
            least = QSize(least.width(), self.tightest_height(True))
        if self._layout_mode is LayoutMode.COMPACT:
            # Pinned and compact: exactly as tall as its contents at the width it has, and
            # never taller than the screen (below).
            height = self.needed_size(True, max(self.width(), least.width())).height()
            fitted = self._within_screen(least, height, compact=True)
            self._set_limits(fitted, fitted.height())
        elif self._layout_mode is LayoutMode.AUTO:
            # As short as the compact layout at this width (wrapped texts need less height
            # than at the least width): compact by size, no blank band under its contents;
            # full, one drag down reaches the compact layout (its height at the least width
            # had stopped the first drag a hundred pixels short). Its page tightened: at
            # 360x480, two sets of limits need 496 px, and the window had grown to that, past
            # a screen of that size. Narrowed, the window is measured again and grows to what
            # its texts then need, never taller than the screen (below).
            height = self.tightest_height(True, max(self.width(), least.width()))
            self._set_limits(self._within_screen(least, height, compact=True), QWIDGETSIZE_MAX)
        else:
            # As tall as the full layout at the window's width (wider, texts wrap less), and
            # never taller than the screen (below).
            height = self.needed_size(False, max(self.width(), least.width())).height()
            self._set_limits(self._within_screen(least, height), QWIDGETSIZE_MAX)
        if self._chosen is not None and self.table.isHidden():
            # The table left out (Ctrl+2, a window made compact by its size): a pick nobody
            # can see nor undo there any more ends as Esc ends it, the card the active
            # session's again. Last, as the card's new contents measure the layouts again.
            self.table.forget_choice()

    def _within_screen(self, least: QSize, height: int, *, compact: bool = False) -> QSize:
        """The window's least size in the full layout (``compact``: the compact one), whose
        own least size is ``least`` and whose height at the window's width is ``height``: no
        taller than its screen has room for with the window's frame, where the live page
        scrolls down (on 800x480, or at a scale of 2 on 1920x1080, the status bar had been
        below the screen's edge; a narrow compact window with two sets of limits, 93 px
        below). Where the page scrolls at the layout's least width, the window is wider by
        the scroll bar (it scrolls sideways only in a window cut to a screen narrower than
        it): always, not only while it scrolls,
        or the least width would be one the window cannot have (narrowed to it, the page
        scrolled and the window grew by the bar). The Usage page needs less, and scrolls.

        Never wider than the screen's room either (see ``_fit_width``)."""
        screen = self.screen()
        room = QSize()  # on no screen: nothing to fit
        if screen is not None:
            # The frame not known yet (or none): its room is kept all the same.
            room = screen.availableGeometry().size().shrunkBy(self.frame_room())
        if room.isEmpty():
            return QSize(least.width(), height)
        if not compact and self._page != LIVE_PAGE:
            return QSize(self._fit_width(least.width(), room.width()), height)
        width = least.width()
        if least.height() > room.height():
            width += self.live_page.verticalScrollBar().sizeHint().width()
        width = self._fit_width(width, room.width())
        if height <= room.height():
            return QSize(width, height)
        # A few lines of it at least, as the Usage page (what its room is on a screen that
        # leaves less, rather than nothing).
        shortest = self._chrome_height(compact, width) + 6 * self.fontMetrics().height()
        return QSize(width, max(room.height(), shortest))

    def _fit_width(self, width: int, room: int) -> int:
        """The least ``width`` cut to a screen's ``room`` (frame kept): a full layout chosen on
        a screen 360 px wide had needed 361 px (the tool bar's whole width, and the live
        page's scroll bar), on one 320 px wide 45 px more than it had. Cut, the tool bar puts
        the actions it has no room for in its extension menu (») as Qt's tool bars do, the
        live page needs far less than it, and the Usage page's Export button goes under its
        title there (``usage_view.TitleRow``). A page still wider than its view would scroll
        sideways rather than be cut off: only there, where nothing else fits it."""
        fitted = min(width, room)
        sideways = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if fitted < width
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        for page in (self.live_page, self.usage_page):
            if page.horizontalScrollBarPolicy() != sideways:
                page.setHorizontalScrollBarPolicy(sideways)
        return fitted

    def _room_for_table(self) -> bool:
        """Whether the window, in the compact layout, has room below it for the table's
        header and one row (the others scroll) and its least width, and the table lists
        more than the card shows (the one session in the card once more took that room)."""
        if not self._table_tells_more or (self.dashboard is not None and self.dashboard.no_home):
            return False
        margins = self.body_layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if width < self.table.least_width(compact=True):
            return False
        # Its header is one line tall with the compact layout's columns, two with the full
        # layout's: a hidden table (behind the Usage page, or not yet shown) is given no
        # width until it shows, so its columns are fitted to this one now (no row had seemed
        # to fit). A shown table has been fitted to its own width already.
        self.table.set_compact(True)
        if not self.table.isVisible():
            self.table.fit_to(width)
        least = self.needed_size(True)
        compact = self.needed_size(True, max(self.width(), least.width())).height()
        spacing = max(self.live_page.spacing, 0)  # whole: a short page gives some up
        extra = self.table.height_for_rows(COMPACT_LEAST_ROWS) + spacing
        return self.height() >= compact + extra

    def _set_limits(self, least: QSize, most_height: int) -> None:
        # Only on change: every call goes to the window system (and the refresh runs often).
        # The least size first when the most goes down: a most height under the least one
        # set before leaves the window as tall as it was (a notice closed in the compact
        # window chosen from the menu had left a blank band where it was).
        before = self.size()
        if most_height < self.maximumHeight() and self.minimumSize() != least:
            self.setMinimumSize(least)
        if self.maximumHeight() != most_height:
            self.setMaximumHeight(most_height)
        if self.minimumSize() != least:
            self.setMinimumSize(least)
        self._sized_itself(before)
        if self.size() != before and self.isVisible():
            self._keep_first_centre(before)
        if self.height() > before.height() and self.isVisible():
            self._lift_foot_onto_screen()

    def _note_first_place(self, *, mapped_a_while: bool = False) -> None:
        """The window manager has placed the window opened with no saved place (it is shown
        and framed; unframed till then, it had not placed it): grown since it showed, it is
        moved back to the centre it was placed at; where, if its first readings are still to
        come. Minimized too (``--minimized``): it is placed at once, and would come back low,
        grown while minimized. Still where it stood (X11), it waits for its place, unless it
        has been on the screen a while (``mapped_a_while``): left there."""
        if not self._awaits_place or not self.isVisible():
            return
        if self._frame_margins().isNull():
            return
        if self._unplaced(mapped_a_while):
            return
        self._awaits_place = False
        own = (self.width(), self.height()) in self._had_sizes
        if not self._first_readings:
            self._had_sizes.clear()  # kept for this (see ``_first_read``)
        if self.size() != self._own_size and not own:
            return  # sized by the user before it was placed: theirs to place too
        placed = self._grown_frame()
        if placed is None:
            return
        frame, room = placed
        heard = self.pos()
        # Centred for the size it asked for last, which the window manager ends with: told
        # late with one it had before (a busy computer), the window had taken it for the
        # user's, stayed where it was placed and grown downward (its centre 139.5 px low).
        asked = self._own_size.grownBy(self._frame_margins())
        if self._own_size != self._shown_size:
            # Placed for the size it was shown at, which its first readings (all of them, on
            # a busy computer) have changed meanwhile: the window manager answers the
            # requests in turn, and Qt tells only its last answer. With all of them in, it
            # had stayed where it was placed, grown downward: its centre 172 px below the
            # screen's. Openbox may have moved it up onto the screen too, and that was taken
            # for its place: it ended 17.5 px above the centre.
            shown = self._shown_size.grownBy(self._frame_margins())
            self._move_frame(kept_centre(placed_before_growing(frame, shown, room), asked, room))
        if self._first_readings:
            self._first_place = QRect(self.pos(), self._own_size)
            self._had_places = {(heard.x(), heard.y()), (self.pos().x(), self.pos().y())}

    def _unplaced(self, mapped_a_while: bool) -> bool:
        """Whether all Qt has told of the window's place on X11 is where it stood as it
        showed (the screen's top left): openbox frames a new window there, then places it.
        On a busy computer Qt told its frame before its place: with the window inside it,
        or the frame's size alone, read at once while its place was still queued. Taken for
        its place, either had moved the window to the screen's top left corner. A window on
        the screen a while (``mapped_a_while``) is where the window manager left it, and one
        the app put somewhere is placed there."""
        stood = self._shown_at
        if stood is None or mapped_a_while or self.testAttribute(Qt.WidgetAttribute.WA_Moved):
            return False
        return stood in (self.pos(), self.geometry().topLeft())

    def _sized_itself(self, before: QSize) -> None:
        """The window gave itself its size (it had ``before``): one the user gave it
        meanwhile stays theirs (see ``_note_first_place``, ``_keep_first_centre``)."""
        if (before.width(), before.height()) in self._had_sizes:
            self._had_sizes.add((self.width(), self.height()))
        if self._awaits_place and self._own_size == before:
            self._own_size = self.size()

    def _keep_first_centre(self, before: QSize) -> None:
        """The window opened with no saved place, grown (or shrunk) from ``before`` by its
        first readings where the window manager placed it: moved by half the change, so that
        it keeps the centre it was placed at, within its screen's room. Openbox centres a
        new window at its height then, "Reading…"'s, and the compact one grew downward from
        there, low on the screen. A window the user moved or resized since stays put: one
        the window manager tells late (a busy computer) to be where, or as large as, it had
        been before is not; taken for the user's move, it had ended 140 px low."""
        place, self._first_place = self._first_place, None
        if place is None or (self.pos().x(), self.pos().y()) not in self._had_places:
            return
        if (before.width(), before.height()) not in self._had_sizes:
            return
        placed = self._grown_frame()
        if placed is None:
            return
        margins, (_, room) = self._frame_margins(), placed
        # From where it was put last and its size then (not what the window manager told
        # late): the place the window manager ends with is the last one asked for.
        last = QRect(place.topLeft(), place.size().grownBy(margins))
        moved_to = kept_centre(last, self.size().grownBy(margins), room)
        self._move_frame(moved_to)
        self._had_places.add((moved_to.x(), moved_to.y()))
        self._first_place = QRect(moved_to, self.size())

    def _move_frame(self, place: QPoint) -> None:
        if place != self.pos():  # a window's pos is its frame's
            self.move(place)

    def _first_read(self, reading: str) -> None:
        """One of the first readings is in: with both, the window has grown into its content,
        and what changes its size later (a notice, a session) leaves its place alone."""
        self._first_readings.discard(reading)
        if not self._first_readings:
            self._first_place = None
            self._had_places.clear()
            # Not placed yet (a busy computer), it keeps the centre it is placed at then; a
            # window no window manager frames is placed by none.
            if shown_unframed(self):
                self._awaits_place = False
            if not self._awaits_place:
                self._had_sizes.clear()  # else kept to tell its own sizes as it is placed

    def _lift_foot_onto_screen(self) -> None:
        """Move the window, just grown to what it needs (Ctrl+L from a short Usage window, a
        notice, texts wrapped in a narrower window), up as far as its foot, frame and status
        bar included, is below its screen's lower edge; only up, and not above the screen's
        top: the user's place is kept otherwise."""
        placed = self._grown_frame()
        if placed is None:
            return
        frame, room = placed
        below = frame.bottom() - room.bottom()
        if below > 0 and frame.y() > room.y():
            self.move(frame.x(), max(frame.y() - below, room.y()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_status_bar()
        self._update_layout()  # cheap: the needs are measured once per width and content
        self._save_place_soon()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        # Framed by the window manager, the window is moved into its frame (X11 tells the
        # frame's size no other way).
        self._framed()
        self._note_first_place()
        self._save_place_soon()

    def _save_place_soon(self) -> None:
        # Not before the window manager has placed a new window (see ``_unplaced``).
        if self.state is not None and self.isVisible() and not self._awaits_place:
            self._save_place.start()

    def _place_moved(self) -> None:
        if self.state is not None and self.isVisible():
            self.state.save_geometry(self)

    def _align_status_bar(self) -> None:
        """The session count at the bar's start, Discord and the problems at its end, given
        more room than their texts need (a short form) on the window's sides: a label aligns
        its text by the text's own direction, and in a right-to-left window the count had been
        drawn at its left, beside Discord, the far end of the bar empty."""
        start, end = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            start, end = end, start
        fixed = Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
        self.feed_status.setAlignment(start | fixed)
        for item in (self.problems, self.discord_status):
            item.setAlignment(end | fixed)

    def _status_bar_spacing(self) -> int:
        """The status bar's width besides its items' (the space between them, its size grip),
        in pixels as its layout has them: reckoned as two average characters each, it had
        grown with the font, and at 14 pt the texts that fit seemed not to."""
        shown = [
            item
            for item in (self.feed_status, self.problems, self.discord_status)
            if not item.isHidden()
        ]
        layout = self.statusBar().layout()
        if layout is None:
            return 0
        # Its layouts (the items sit in one within another) keep the sizes they last measured
        # until their next pass: read just after the items were given other widths (below),
        # the spacing had come out short by the difference, or as nothing, and the count been
        # cut beside Discord and the problems shown whole.
        for nested in (layout, *layout.findChildren(QLayout)):
            nested.invalidate()
        items = sum(min(item.sizeHint().width(), item.maximumWidth()) for item in shown)
        return max(layout.sizeHint().width() - items, 0)

    def _share_status_bar(self) -> None:
        """The status bar's items at its end (Discord, problems) show whole where every text
        fits. Where not, they take what the session count leaves them (at most half the bar),
        down to their short forms ("Discord not running", then "Discord"), before the count
        is cut: it is as much worth reading."""
        shown = [item for item in (self.discord_status, self.problems) if not item.isHidden()]
        count = max(len(shown), 1)
        half = max((self.width() // 2 - 8) // count, 40)
        room = self.width() - self.feed_status.full_width() - self._status_bar_spacing()
        # Its texts start where the window's content does (they sat against its edge), when
        # every text fits whole even so; on the right in a right-to-left window, where the
        # bar starts (its margins are not mirrored).
        indent = max(self.body_layout.contentsMargins().left() - 4, 0)
        # At its end, the size grip keeps the texts off the edge; without it (maximized, full
        # screen) Discord's text had touched the screen's edge: the same indent there.
        grip = self.statusBar().findChild(QSizeGrip)
        end_indent = indent if grip is None or grip.isHidden() else 0
        needed = sum(item.full_width() for item in shown)
        if room - indent - end_indent < needed:
            indent = end_indent = 0
        margins = QMargins(indent, 0, end_indent, 0)
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            margins = QMargins(end_indent, 0, indent, 0)
        bar = self.statusBar()
        if bar.contentsMargins() != margins:
            bar.setContentsMargins(margins)
        if room >= needed:
            caps = {item: item.full_width() for item in shown}
        else:
            caps = {
                item: max(item.shortest_width(), min(half, room // count), 40) for item in shown
            }
        for item in (self.discord_status, self.problems):
            cap = caps.get(item, half)
            if item.maximumWidth() != cap:
                item.setMaximumWidth(cap)

    def _row_picked(self, current: QModelIndex) -> None:
        """The card shows the session of the row the user picked, the active one's too: the
        highlighted row is always the card's."""
        snapshot = current.data(SessionRole)
        self._show_chosen(None if snapshot is None else snapshot.session_id)

    def _choice_left(self) -> None:
        self._show_chosen(None)

    def _show_chosen(self, chosen: str | None) -> None:
        if chosen != self._chosen:
            self._hold_card_height(chosen is not None)
            self._chosen = chosen
            if self.dashboard is not None:
                self.show_dashboard(self.dashboard)

    def _hold_card_height(self, hold: bool) -> None:
        """While rows are picked, the card keeps at least the height it had at this width:
        a picked session's shorter card would pull the table up under the pointer, and the
        next click would land on another row. Let go when the pick ends."""
        floor = 0
        if hold and self.card.isVisible():
            width, held = self._card_floor
            floor = max(self.card.height(), held if width == self.card.width() else 0)
            self._card_floor = (self.card.width(), floor)
        else:
            self._card_floor = (0, 0)
        if self.card.minimumHeight() != floor:
            self.card.setMinimumHeight(floor)

    def _focus_moved(self) -> None:
        if self._chosen is None:
            return
        if focus_within(self):
            return  # this window, or one of its dialogs (Settings): the user is still here
        # Back at work in another window: the card goes back to the active session, so that
        # a glance at the window never shows an old pick.
        self.table.forget_choice()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and QToolTip.isVisible():
            # What Show details or the chart's arrows showed, put away (the keyboard stays
            # where it is): Qt puts a tooltip away on a key only on macOS, and elsewhere it
            # had covered what is under it for ten seconds.
            QToolTip.hideText()
            return
        super().keyPressEvent(event)

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if not self.isVisible():
            return
        put_away, self._put_away = self._put_away, []
        for dialog, at in put_away:
            # As they were, edits kept; not one that ended meanwhile (hidden, a dialog run
            # modally returned as cancelled, and its caller deleted it). Only now, the window
            # itself shown (its showEvent comes before): on X11 the window manager took a
            # dialog shown before its window for one of no window, to be put under it.
            if shiboken6.isValid(dialog) and not dialog.isVisible():
                # Where it stood, its frame included: shown again without, a window
                # manager had put it one title bar lower (openbox: 20 px).
                dialog.move(at)
                dialog.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        kept, self._focus_when_hidden = self._focus_when_hidden, None
        if (
            kept is not None
            and shiboken6.isValid(kept)
            and kept is not self.focusWidget()
            and kept.isVisibleTo(self)
            and kept.isEnabled()
        ):
            # The keyboard back where it was: X11 activates the window as the tray's menu
            # that hid it closes, and Qt, finding the focused widget unseen, had handed the
            # keyboard on to the next one (from Export CSV… to the first total).
            kept.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        if self._awaits_place and not self._shown_size.isValid():
            self._shown_size = self._own_size = self.size()
            if framed_after_showing():
                self._shown_at = self.geometry().topLeft()
            self._had_sizes = {(self.width(), self.height())}
        self._note_first_place()  # placed and framed before it shows (not on X11)
        handle = self.windowHandle()
        if handle is not None and not self._watches_screen:
            # Moved to another screen, the window may have more room or less (a chosen full
            # layout is as tall as its screen holds): measured again, as for a resize.
            self._watches_screen = True
            handle.screenChanged.connect(self._update_layout)
            # Exposed, its frame is known, or known to be none (a window manager that draws
            # none moves no window into a frame, and tells it no other way).
            handle.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.windowHandle() and event.type() == QEvent.Type.Expose:
            self._framed()
            # Left where it stood, it tells no move. Not at once: what Qt has queued of its
            # place is told after its exposure. Counted from when it is on the screen again
            # (hidden meanwhile, its place may be queued anew).
            handle = self.windowHandle()
            if not (self._awaits_place and handle is not None and handle.isExposed()):
                self._on_screen_a_while.stop()
            elif not self._on_screen_a_while.isActive():
                self._on_screen_a_while.start()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.StyleChange,
            QEvent.Type.FontChange,
            QEvent.Type.ApplicationFontChange,
        ) and hasattr(self, "toolbar"):
            self._content_changed()  # another style or font: other sizes
        if event.type() == QEvent.Type.LayoutDirectionChange and hasattr(self, "toolbar"):
            self._align_status_bar()
            self._share_status_bar()
        if event.type() == QEvent.Type.WindowStateChange and hasattr(self, "toolbar"):
            self._share_status_bar()  # the size grip has just shown or hidden

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._focus_when_hidden = self.focusWidget()
        self._on_screen_a_while.stop()
        # Hidden to the tray: shown again, where it is put then. Minimized (the window
        # system's hide), it keeps its place: restored, it had come back low.
        if not event.spontaneous():
            self._first_place = None
            # Gone with the window, and back with it: a window manager minimizes a window's
            # dialogs with it, but a window hidden to the tray had left them on the screen.
            # One the app waits on (About, a file picker: run modally) is answered "cancel"
            # instead: shown again later, its answer would go to no one.
            self._put_away = []
            for dialog in open_dialogs(self):
                if dialog.windowModality() == Qt.WindowModality.ApplicationModal:
                    dialog.reject()
                else:
                    dialog.hide()
                    self._put_away.append((dialog, dialog.pos()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state is not None:
            self.state.save_geometry(self)
        if self.close_to_tray and self.tray_shown():
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)

    # -- content ------------------------------------------------------------------------

    def set_discord_status(self, text: str, *, connected: bool = False) -> None:
        """The Discord line in the status bar (the Discord worker emits it); in a narrow
        window, its part before a parenthesis or a comma ("Discord: off" for "Discord: off
        (started with --no-discord)", "Discord not running" for "Discord not running,
        retrying in 20s"), then its state before a reason ("Discord connection lost" for
        "Discord connection lost: …"), then just "Discord"; the tooltip keeps the whole text.
        ``connected``: friends see the card now (else they would, once connected)."""
        head = text.split(" (", 1)[0].split(", ", 1)[0]
        forms = [head] if head and head != text else []
        if not head.startswith("Discord: ") and ": " in head:
            # "Discord connection lost" before "Discord": the reason after it can be long
            # ("…: Discord closed the connection while idle").
            forms.append(head.split(": ", 1)[0])
        if len(head) > len("Discord: off"):
            forms.append("Discord")  # the state in the tooltip, where nothing more fits
        self._discord_text = text
        self._discord_connected = connected
        self._discord_preview = self._preview_text()
        self._show_discord(shorter=tuple(forms))
        self._share_status_bar()
        self._update_discord_details()

    def set_discord_preview(self, lines: list[str]) -> None:
        """What friends see on Discord, in the Discord line's tooltip."""
        self._discord_lines = lines
        self._discord_preview = self._preview_text()
        self._show_discord(shorter=self.discord_status.shorter)
        self._update_discord_details()

    def _preview_text(self) -> str:
        """The card under what it is: seen by friends while connected, else what they would
        see (as ``preview`` says it): "Friends on Discord see:" had been said of a card
        nobody saw, with Discord not running."""
        if self._discord_lines is None:
            return ""
        heading = (
            "Friends on Discord see:"
            if self._discord_connected
            else ("Friends on Discord would see:")
        )
        return heading + "\n" + "\n".join(self._discord_lines)

    def _show_discord(self, shorter: tuple[str, ...]) -> None:
        """The Discord item: its text and tooltip, and what screen readers are told of it
        (``discord_spoken``), the countdown and what friends see in its description."""
        label = self.discord_status
        name, countdown = discord_spoken(self._discord_text, label.accessibleName())
        details = "\n".join(part for part in (countdown, self._discord_preview) if part)
        label.set_full_text(
            self._discord_text,
            self._discord_preview,
            shorter=shorter,
            spoken=name,
            spoken_details=details,
        )

    def show_discord_details(self) -> None:
        """The Discord item's details in a window: how the connection stands, whole (the bar
        may show only "Discord"), and what friends see."""
        if self.discord_dialog is None:
            self.discord_dialog = DetailsDialog("Discord status", self)
        self._update_discord_details()
        self.discord_dialog.present()

    def _update_discord_details(self) -> None:
        dialog = self.discord_dialog
        if dialog is None:
            return
        status = clean_text(self.discord_status.full_text)
        preview = "\n".join(clean_text(line) for line in self._discord_preview.split("\n"))
        dialog.show_text("", f"{status}\n\n{preview}" if preview else status)

    def show_problems_details(self) -> None:
        """Every problem met reading the logs, whole, in a window (the status bar counts them,
        and its tooltip names the first few only)."""
        if self.problems_dialog is None:
            self.problems_dialog = DetailsDialog("Problems reading logs", self)
        self._update_problems_details()
        self.problems_dialog.present()

    def _update_problems_details(self) -> None:
        dialog = self.problems_dialog
        if dialog is None:
            return
        if not self.problem_texts:
            dialog.show_text("Every log is read now: no problems left.", "")
            return
        # The folders past 64 are listed too, but not counted as a problem reading a log.
        count, capped = counted_past_cap(self.problem_texts)
        if not count:
            lead = f"{homes_cap_text()}; their logs were read without a problem."
        else:
            noun = "problem" if count == 1 else "problems"
            lead = f"{count:,} {noun} reading Codex's logs; the other logs were read as usual."
            if capped:
                lead += f" {homes_cap_text()}."
        # A blank line between problems: each may wrap over several lines.
        dialog.show_text(lead, "\n\n".join(self.problem_texts))

    def show_notice(
        self,
        text: str,
        level: Level = Level.WARN,
        key: str | None = None,
        *,
        file: Path | None = None,
    ) -> None:
        """A notice inside the window that stays until the user dismisses it (with a "Show
        file" button when it is about ``file``)."""
        self.info_bar.add_notice(text, level, key, file=file)
        self._content_changed()

    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Show one refresh of the feed."""
        self.dashboard = dashboard
        # The numbers in the title: what the taskbar shows while the window is minimized.
        self.setWindowTitle(window_title(dashboard))
        homes = ", ".join(home_text(home) for home in dashboard.homes)
        not_folders = not_folders_text(dashboard) if dashboard.no_home else ""
        focus = QApplication.focusWidget()
        # The panel's button, focused as the folder was chosen, goes with the panel: Qt had
        # handed the focus (and its ring) on to the next item of the chain, the status bar's
        # Discord item; it goes to the top of what the panel leaves (see ``_focus_top``).
        leaves_focus = (
            not dashboard.no_home
            and self.setup_panel.isVisible()
            and focus is not None
            and (focus is self.setup_panel or self.setup_panel.isAncestorOf(focus))
        )
        self.setup_panel.setVisible(dashboard.no_home)
        self.setup_panel.show_homes(homes, [str(home) for home in dashboard.homes], not_folders)
        self.limits.setVisible(not dashboard.no_home)
        self.card.setVisible(not dashboard.no_home)
        listed = (*dashboard.sessions, *dashboard.ended)
        gone = self._chosen is not None and all(s.session_id != self._chosen for s in listed)
        if gone:
            self._chosen = None  # gone from the list: the active session again
            self._hold_card_height(False)
        panel_board = dashboard
        if self._countdown_tick.isActive() and dashboard.generated_at < (now := self.clock()):
            # Counting down each second: as of now, as the last tick was. As of the refresh's
            # read (a moment ago), a countdown the tick had shown had stepped back a second.
            panel_board = replace(dashboard, generated_at=now)
        limits, card = limits_view(panel_board), dashboard_card(dashboard, self._chosen)
        self.limits.show_view(limits)
        self._order_tabs()  # its rows may be new
        self.card.show_view(card)
        self._card_view = card
        self._follow_countdowns()
        if leaves_focus:
            self._focus_top()
        self.model.show_dashboard(dashboard)
        if gone:  # no highlight left on a neighbour nobody picked
            self.table.forget_choice()
        elif self._chosen is None:
            self.table.keyboard_to_active()
        self._has_rows = self.model.rowCount() > 0
        self._table_tells_more = self._has_rows and not lists_only_the_card(dashboard)
        self.table.set_lists_more(self._table_tells_more)
        shape = (
            room_key(limits, card),
            self._has_rows,
            self._table_tells_more,
            dashboard.no_home,
            homes,
            not_folders,
        )
        count = len(dashboard.sessions)
        if not_folders:  # waiting would not help: Codex does not replace a file
            status = not_folders
            shorter: tuple[str, ...] = ("Not a folder: choose Codex's folder", "Not a folder")
        elif dashboard.no_home:
            status = f"Waiting for {homes}"
            shorter = ("Waiting for the Codex folder", "Waiting for Codex")
        elif dashboard.no_sessions_folder and (blocked := blocked_sessions_text(dashboard)):
            status = blocked  # not "Waiting for": Codex cannot make its folder there
            shorter = ("Not a folder: the sessions folder", "Not a folder")
        elif dashboard.no_sessions_folder:
            status = f"Waiting for {missing_sessions_text(dashboard)}"
            shorter = ("Waiting for the sessions folder", "Waiting for Codex")
        else:
            noun = "session" if count == 1 else "sessions"
            status, shorter = f"{count} active {noun}", (f"{count} active",)
        self.feed_status.set_full_text(status, f"Reading Codex logs in {homes}", shorter=shorter)
        self._show_problems(dashboard)
        if shape != self._shape:
            # Measuring (both layouts, for the automatic switch) only when something that
            # takes room changed: the feed refreshes every few seconds.
            self._shape = shape
            self._content_changed()
        if dashboard.insights is not None:  # the history is read: the pace lines are in
            self._first_read("logs")

    def _follow_countdowns(self) -> None:
        ticking = shows_seconds(self.dashboard, self.clock())
        if ticking != self._countdown_tick.isActive():
            if ticking:
                self._countdown_tick.start()
            else:
                self._countdown_tick.stop()

    def _tick_countdowns(self) -> None:
        """The limits panel made again for this second, from the last refresh."""
        board, now = self.dashboard, self.clock()
        ticking = shows_seconds(board, now)
        if board is None or not self.isVisible() or self.isMinimized():
            # Not seen: made at the first tick once seen again, or by the next refresh (which
            # stops the tick past a reset). Stopped here, a reset passed while the window was
            # hidden had left its old countdown and percentage shown once it came back.
            return
        if not ticking:
            self._countdown_tick.stop()  # made once more, at the reset: its row changes
        if ticking and now - board.generated_at < 0.5:
            return  # just made by a refresh
        limits = limits_view(replace(board, generated_at=now))
        self.limits.show_view(limits)
        if self._shape and self._card_view is not None:
            room = room_key(limits, self._card_view)
            if room != self._shape[0]:  # "1m 0s" to "59s": measured, as a refresh would
                self._shape = (room, *self._shape[1:])
                self._content_changed()

    def show_usage(self, view: UsageView) -> None:
        """Show one update of the usage feed: the Usage page, and the compact line."""
        had_line = self.usage_view is not None and bool(self.usage_view.compact_line)
        page_least = self.usage_page.minimumSizeHint()
        self.usage_view = view
        self.usage_page.show_view(view)
        shorter = (view.compact_short,) if view.compact_short else ()
        self.usage_line.set_full_text(
            view.compact_line,
            view.compact_tooltip,
            shorter=shorter,
            spoken=spoken_costs(view.compact_line),  # "about $3.40", not "tilde"
        )
        set_muted(self.usage_line)
        if bool(view.compact_line) != had_line or self.usage_page.minimumSizeHint() != page_least:
            # The line came or went (the compact layout's height), or the page needs another
            # width or height (the full layout's): measure again.
            self._content_changed()
        if view.state not in (UsageState.LOADING, UsageState.BUILDING):
            self._first_read("usage")

    def _focus_top(self) -> None:
        """The keyboard on the live page's first item that takes it: a limit's row, else the
        card, else the table."""
        for stop in (*self.limits.tab_stops(), self.card, self.table):
            if stop.isVisibleTo(self) and stop.focusPolicy() != Qt.FocusPolicy.NoFocus:
                stop.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _order_tabs(self) -> None:
        """Tab goes down the live page as it reads: the notices, the first-run panel, each
        limit, the day's usage (compact), the card, the table; then the status bar's items
        that open their details, on either page. Rows and notices are made as they come, and
        Qt had put them last (after the table)."""
        stops = (
            *self.info_bar.tab_stops(),
            self.setup_panel.choose,
            *self.limits.tab_stops(),
            self.usage_line,
            self.card,
            self.table,
        )
        if stops != self._tab_stops:
            self._tab_stops = stops
            for first, second in itertools.pairwise(stops):
                QWidget.setTabOrder(first, second)
            # The status bar's items at the very end, after the Usage page's stops too.
            items: tuple[QWidget, ...] = (self.problems, self.discord_status)
            last: QWidget | None = self.previousInFocusChain()  # the chain goes round
            while last in items:
                last = last.previousInFocusChain() if last is not None else None
            for first, second in itertools.pairwise((last or self, *items)):
                QWidget.setTabOrder(first, second)

    def _content_changed(self) -> None:
        """What the window shows changed: measure the layouts again."""
        self._order_tabs()
        self._needs.clear()
        self._slack.clear()
        if self._compact is not None:
            for widget, visible in self._mode_widgets(self._compact).items():
                widget.setVisible(visible)
        self._update_layout()

    def _show_problems(self, dashboard: Dashboard) -> None:
        # A missing home has its own panel (or is one of several homes, waiting to appear);
        # one of several that is no folder will not appear: said with the others' problems.
        odd = set() if dashboard.no_home else {home for home, _ in dashboard.not_folders}
        shown = [
            w for w in dashboard.warnings if w.kind is not ProblemKind.HOME_MISSING or w.path in odd
        ]
        problems = [str(w) for w in shown]
        self.problems.setVisible(bool(problems))
        self.problems_action.setEnabled(bool(problems))
        if problems:
            # The first few in the tooltip: a thousand damaged files made one taller than the
            # screen. The window the item opens lists them all.
            said = problems[:TOOLTIP_PROBLEMS]
            if len(problems) > len(said):
                said.append(f"and {len(problems) - len(said):,} more (click to see them all)")
            text, shorter, spoken = problems_item_texts(*counted_past_cap(shown))
            self.problems.set_full_text(text, "\n".join(said), shorter=shorter, spoken=spoken)
            set_muted(self.problems, False)
        if problems != self.problem_texts:
            self.problem_texts = problems
            self._update_problems_details()
        self._share_status_bar()
