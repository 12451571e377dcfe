"""The main window: limits on top, the active session, the sessions table, and a status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QResizeEvent,
    QWindow,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui import APP_NAME, __version__
from codex_presence_gui.core.dashboard import Dashboard, session_shares
from codex_presence_gui.ui.limits_panel import LimitsPanel
from codex_presence_gui.ui.session_card import SessionCard
from codex_presence_gui.ui.theme import scaled_font, set_muted
from codex_presence_gui.ui.window_state import LayoutMode, WindowState
from codex_presence_gui.viewmodels.session_table import Column, SessionTableModel, SortRole

#: Below this width or height the automatic layout turns compact.
COMPACT_BELOW_WIDTH = 560
COMPACT_BELOW_HEIGHT = 400
DEFAULT_SIZE = (820, 580)


def home_text(path: Path) -> str:
    """A home folder as people write it (``~/.codex``)."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


class MainWindow(QMainWindow):
    """The window; it shows what it is given and asks for nothing but refreshes.

    Signals:
        refresh_requested(): the user asked to re-read the logs now.
        always_on_top_changed(bool): the user pinned or unpinned the window.
        discord_paused_changed(bool): the user paused or resumed the Discord status.
        settings_requested(): the user asked for the settings dialog.
        quit_requested(): the user asked to quit the app (not just to close the window).
    """

    refresh_requested = Signal()
    always_on_top_changed = Signal(bool)
    discord_paused_changed = Signal(bool)
    settings_requested = Signal()
    quit_requested = Signal()

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
        #: Where the log file lives, for Help → Open log folder.
        self.log_folder: Path | None = None
        self.dashboard: Dashboard | None = None
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(300, 220)

        self.limits = LimitsPanel()
        self.card = SessionCard()
        self.sessions_title = QLabel("Sessions")
        self.sessions_title.setFont(scaled_font(self, 1.1, bold=True))
        self.model = SessionTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Codex sessions")
        header = self.table.horizontalHeader()
        # Sized to the contents when rows come or go, not on every refresh: measuring every
        # cell each time the ages tick would cost more than everything else together.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.ACTIVITY, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.model.rowsInserted.connect(self._fit_columns)
        self.model.rowsRemoved.connect(self._fit_columns)
        header.setHighlightSections(False)
        self._fit_columns()  # no rows yet: at least every title fits

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(10)
        layout.addWidget(self.limits)
        layout.addWidget(self.card)
        layout.addWidget(self.sessions_title)
        layout.addWidget(self.table, 1)
        self.spacer = QWidget()
        layout.addWidget(self.spacer, 1)
        self.setCentralWidget(body)

        self.feed_status = QLabel("Loading…")
        self.problems = QLabel()
        self.discord_status = QLabel()
        self.statusBar().addWidget(self.feed_status, 1)
        self.statusBar().addPermanentWidget(self.problems)
        self.statusBar().addPermanentWidget(self.discord_status)
        self.set_discord_status("Discord: off")
        self.problems.hide()

        self._build_actions()
        self._compact: bool | None = None
        self._layout_mode = state.layout_mode if state is not None else LayoutMode.AUTO
        self._always_on_top = always_on_top
        self.layout_actions[self._layout_mode].setChecked(True)
        self.on_top_action.setChecked(self._always_on_top)
        if self._always_on_top:
            # Before the first show the widget flag is the only one there is.
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        if state is None or not state.restore_geometry(self):
            self.resize(*DEFAULT_SIZE)
        self._update_layout()

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
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self._quit)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.settings_requested)
        self.pause_discord_action = QAction("&Pause Discord status", self)
        self.pause_discord_action.setCheckable(True)
        self.pause_discord_action.setToolTip("Stop showing your Codex work on Discord for now")
        self.pause_discord_action.toggled.connect(self.discord_paused_changed)
        self.log_folder_action = QAction("Open &log folder", self)
        self.log_folder_action.triggered.connect(self._open_log_folder)
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

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.refresh_action)
        menu.addAction(self.pause_discord_action)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.on_top_action)
        view.addSeparator()
        for action in self.layout_actions.values():
            view.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.log_folder_action)
        about = help_menu.addAction(f"&About {APP_NAME}")
        about.triggered.connect(self._about)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.on_top_action)
        toolbar.addAction(self.compact_action)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _quit(self) -> None:
        if self.receivers(self.quit_requested) > 0:  # type: ignore[arg-type]
            self.quit_requested.emit()
        else:
            self.close()

    def _open_log_folder(self) -> None:
        if self.log_folder is None:
            return
        self.log_folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_folder)))

    def bring_to_front(self) -> None:
        """Show the window, restored from minimized or hidden, raised and focused."""
        if self.isMinimized() or not self.isVisible():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def _fit_columns(self) -> None:
        for column in Column:
            if column is not Column.ACTIVITY:
                self.table.resizeColumnToContents(column)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nShows what is left of your Codex limits and what each "
            "Codex session is doing, from Codex's own logs on this computer.",
        )

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

    def set_layout_mode(self, mode: LayoutMode) -> None:
        """Choose compact, full, or automatic (by window size)."""
        self._layout_mode = mode
        self.layout_actions[mode].setChecked(True)
        if self.state is not None:
            self.state.layout_mode = mode
        self._update_layout()

    def _update_layout(self) -> None:
        if self._layout_mode is LayoutMode.AUTO:
            compact = self.width() < COMPACT_BELOW_WIDTH or self.height() < COMPACT_BELOW_HEIGHT
        else:
            compact = self._layout_mode is LayoutMode.COMPACT
        self.compact_action.setChecked(compact)
        if compact == self._compact:
            return
        self._compact = compact
        self.card.set_compact(compact)
        self.limits.set_compact(compact)
        self.sessions_title.setVisible(not compact)
        self.table.setVisible(not compact)
        self.spacer.setVisible(compact)
        self.toolbar.setVisible(not compact)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_layout()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state is not None:
            self.state.save_geometry(self)
        if self.close_to_tray:
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)

    # -- content ------------------------------------------------------------------------

    def set_discord_status(self, text: str) -> None:
        """The Discord line in the status bar (the Discord worker emits it)."""
        self.discord_status.setText(text)
        self.discord_status.setAccessibleName(text)

    def set_discord_preview(self, lines: list[str]) -> None:
        """What friends see on Discord, in the Discord line's tooltip."""
        self.discord_status.setToolTip("Friends on Discord see:\n" + "\n".join(lines))

    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Show one refresh of the feed."""
        self.dashboard = dashboard
        self.limits.show_dashboard(dashboard)
        homes = ", ".join(home_text(home) for home in dashboard.homes)
        if dashboard.no_home:
            self.card.show_message(
                f"Codex's folder was not found (looked in {homes}). Run Codex once, set the "
                "CODEX_HOME environment variable, or start this app with --codex-home DIR."
            )
        elif dashboard.active is None:
            self.card.show_message(
                "No Codex session is running right now. Start `codex` in a terminal (or in "
                "your editor) and it shows up here."
            )
        else:
            self.card.show_session(
                dashboard.active, session_shares(dashboard, dashboard.active.session_id)
            )
        active_id = dashboard.active.session_id if dashboard.active is not None else None
        shares = {s.session_id: session_shares(dashboard, s.session_id) for s in dashboard.sessions}
        self.model.update(dashboard.sessions, active_id, dashboard.generated_at, shares)
        count = len(dashboard.sessions)
        if dashboard.no_home:
            self.feed_status.setText(f"Waiting for {homes} to appear")
        else:
            noun = "session" if count == 1 else "sessions"
            self.feed_status.setText(f"{count} active {noun}")
        self.feed_status.setToolTip(f"Reading Codex logs in {homes}")
        self._show_problems(dashboard.warnings)

    def _show_problems(self, warnings: tuple[str, ...]) -> None:
        problems = [w for w in warnings if not w.startswith("Codex home not found")]
        self.problems.setVisible(bool(problems))
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            self.problems.setText(f"⚠ {len(problems)} {noun} reading logs")
            self.problems.setToolTip("\n".join(problems))
            set_muted(self.problems, False)
