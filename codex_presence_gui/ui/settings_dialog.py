"""The settings dialog: plain-worded choices in tabs, checked as you type, the Discord card live."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMargins,
    QObject,
    QPoint,
    QRect,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFontDatabase,
    QIcon,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFocusRect,
    QStylePainter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.core.formatting import Level, duration_unit, unbroken
from codex_presence_gui.core.presence import (
    CLIENT_ID_ENV,
    DEFAULT_CLIENT_ID,
    MAX_IDLE_CLEAR_MINUTES,
    PRESETS,
    IdleAction,
    PresenceSettings,
    ProjectRule,
    RuleAction,
    preset_of,
)
from codex_presence_gui.core.sanitize import clean_text, tooltip_html
from codex_presence_gui.core.settings import (
    DEFAULT_LEFT_THRESHOLDS,
    MAX_REFRESH_S,
    MIN_REFRESH_S,
    Problem,
    Settings,
    codex_home_of,
    default_home_kept,
    rule_problem,
    validate,
)
from codex_presence_gui.ui.accessible import RingsKept, announce, give_focus
from codex_presence_gui.ui.folders import choose_folder
from codex_presence_gui.ui.item_layout import ItemListLayout
from codex_presence_gui.ui.labels import (
    WRAP_POINT,
    LeftToRightDelegate,
    path_drawn_in,
    show_as_written,
    wrappable,
)
from codex_presence_gui.ui.scrolling import least_height, page_room
from codex_presence_gui.ui.theme import set_level_color, set_muted

PreviewSource = Callable[[PresenceSettings], list[str]]

_THEMES = (("system", "Like the system"), ("light", "Light"), ("dark", "Dark"))
_IDLE = (
    (IdleAction.CARD.value, 'Show "Codex is open, no session running"'),
    (IdleAction.CLEAR.value, "Show nothing"),
)
_TOGGLES = (
    ("show_project", "Project name"),
    ("show_branch", "Git branch"),
    ("show_activity_target", "File or command being worked on"),
    ("show_model", "Model"),
    ("show_tokens", "Tokens"),
    ("show_limits", "Limits left"),
)
_PRESETS = (
    # Discord heads the card with the application's name ("Codex"); Minimal's card says
    # no more than the kind of work under it ("Using Codex" is the private card's text).
    ("minimal", 'Minimal: only the kind of work ("Editing")'),
    ("standard", "Standard: project, activity and model"),
    ("full", "Full: everything"),
)
_CUSTOM = "Your own choice"
_ACTIONS = (
    (RuleAction.HIDE, "Hide the card"),
    (RuleAction.NAME_ONLY, "Name only"),
    (RuleAction.ALIAS, "Show as alias"),
    (RuleAction.NORMAL, "Normal"),
)
_ACTION_TEXT = dict(_ACTIONS)
#: The least change the refresh interval's field shows: a tenth of a second.
REFRESH_STEP_S = 0.1
#: The settings the dialog has a field for (a pause is set from the tray, not here).
_SHOWN_KEYS = tuple(
    each.name for each in fields(Settings) if each.name not in ("extra", "discord_paused_until")
)
#: How a note names the settings whose field has no text of its own (a box says its own).
_NAMES = {
    "codex_homes": "Codex folders",
    "refresh_interval_s": "Check for changes at least every",
    "theme": "Colours",
    "idle_action": "When no session runs",
    "idle_clear_minutes": "Clear it when the session is quiet for",
    "project_rules": "Project rules",
    "notify_left_thresholds": "Notify when a window has this much left",
    "discord_client_id": "Discord application id",
}
#: The file a change made by hand is made in, as the note names it.
_SETTINGS_FILE = "settings.json"


class SettingsDialog(QDialog):
    """Edits a ``Settings`` value; nothing changes until Apply or OK.

    A field whose value is that of the settings in use (``in_use``) is one not changed here:
    a change made elsewhere while the dialog is open (``show_in_use``) shows in it. A field
    changed here keeps the user's value, which OK saves, and a note says what is in use.

    Signals:
        applied(Settings): the user applied valid settings.
    """

    applied = Signal(object)

    def __init__(
        self,
        settings: Settings,
        preview: PreviewSource | None = None,
        *,
        tray_available: bool = True,
        command_line_homes: Sequence[str] = (),
        discord_note: str = "",
        in_use: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._rings_kept = RingsKept(self)  # after the folder dialog of Add folder…
        self.setWindowTitle("Codex Presence settings")
        #: What the values no field shows are taken from (a pause, keys of a newer version).
        self._original = settings
        #: The settings in use, as last told (``show_in_use``; ``settings`` unless it shows
        #: other values, as the app's "Start when I log in" over an entry found at log-in):
        #: what differs from them is what OK saves.
        self.in_use = settings if in_use is None else in_use
        #: Whether the settings were changed by hand (True) or in the app (False), of each
        #: setting changed elsewhere while the user had changed it here.
        self._clashes: dict[str, bool] = {}
        #: Why what the last Apply asked could not all be done (``not_applied``), said below
        #: the tabs until the next Apply.
        self._not_applied = ""
        self._tray_available = tray_available
        self._preview_source = preview
        #: The folders ``--codex-home`` gave, which win over the ones set here for this run.
        self._command_line_homes = tuple(command_line_homes)
        #: What this run's command line does to Discord (--no-discord, --private), said on
        #: its tab: the boxes there would seem to act now.
        self._discord_note = discord_note

        general = _Page("General", *self._general(settings, tray_available))
        discord = _Page("Discord", *self._discord(settings))
        notifications = _Page("Notifications", *self._notifications(settings))
        advanced = _Page("Advanced", *self._advanced(settings))
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "General")
        self.tabs.addTab(discord, "Discord")
        self.tabs.addTab(notifications, "Notifications")
        self.tabs.addTab(advanced, "Advanced")
        # The dialog narrows no further than its tabs: scrolled, they had read "eneral" and
        # hidden "Advanced" behind two arrows (a problem's mark on a tab widens it too).
        self.tabs.setUsesScrollButtons(False)
        #: The field each setting a problem can be about is edited in, in the tabs' order:
        #: its problems are said under it (``messages``), and a refused OK goes to it.
        self.fields: dict[str, _Field] = {
            "codex_homes": _Field(general, self.homes, self.homes_messages),
            "refresh_interval_s": _Field(general, self.refresh, self.refresh_messages),
            "project_rules": _Field(discord, self.rules_list, self.rule_messages),
            "idle_clear_minutes": _Field(discord, self.idle_clear, self.idle_clear_messages),
            "notify_left_thresholds": _Field(
                notifications, self.thresholds, self.thresholds_messages
            ),
            "discord_client_id": _Field(advanced, self.client_id, self.client_id_messages),
        }

        #: The settings that are check boxes, which say their own names.
        self._boxes: dict[str, QCheckBox] = {
            "always_on_top": self.on_top,
            "start_minimized": self.start_minimized,
            "close_to_tray": self.close_to_tray,
            "launch_at_login": self.launch_at_login,
            "discord_enabled": self.discord_enabled,
            "privacy_mode": self.privacy,
            "notifications_enabled": self.notify,
            "notify_resets": self.notify_resets,
            **self.toggles,
        }

        # A setting changed elsewhere that the user has changed here too: said below the
        # tabs, whichever tab is in view.
        self.changed_elsewhere = QLabel()
        self.changed_elsewhere.setTextFormat(Qt.TextFormat.PlainText)
        self.changed_elsewhere.setWordWrap(True)
        set_level_color(self.changed_elsewhere, Level.WARN)
        self.changed_elsewhere.hide()
        # What no field here shows (a pause's end, set from the tray) is said below the tabs.
        self.problems = QLabel()
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply_button.clicked.connect(self.apply)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.changed_elsewhere)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        # Scrolling a page with the wheel must not change the number or choice that passes
        # under the pointer: those take the wheel only once clicked or tabbed into.
        self._wheel_guard = _WheelNeedsFocus(self)
        for field in (*self.findChildren(QAbstractSpinBox), *self.findChildren(QComboBox)):
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            field.installEventFilter(self._wheel_guard)

        for signal in (
            self.homes.textChanged,
            self.client_id.textChanged,
            self.refresh.valueChanged,
            self.idle.currentIndexChanged,
            self.discord_enabled.toggled,
            self.privacy.toggled,
            self.notify.toggled,
            self.thresholds.textChanged,
            self.idle_clear.valueChanged,
            *(box.toggled for box in self.toggles.values()),
            # Left (or Enter pressed): a field kept editable while typed in goes back under
            # its box once its value is taken.
            self.client_id.editingFinished,
            self.thresholds.editingFinished,
            self.idle_clear.editingFinished,
        ):
            signal.connect(self._refresh_state)
        #: The value of each field as it was filled from the settings in use: one that
        #: differs is changed here (a change undone, it is not).
        self._shown = self.value()
        self._refresh_state()

    # -- pages --------------------------------------------------------------------------

    def _general(self, settings: Settings, tray_available: bool) -> tuple[QWidget, ...]:
        self.homes = QPlainTextEdit("\n".join(settings.codex_homes))
        self.homes.setPlaceholderText("Empty: $CODEX_HOME, else ~/.codex")
        self.homes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.homes.setAccessibleName("Codex folders, one per line")
        # Tab moves on to the next field, as everywhere else in the dialog: a folder never
        # holds a tab, and keyboard users were kept in the box, typing tabs into it.
        self.homes.setTabChangesFocus(True)
        # Its "…" at its end in a right-to-left window too, where a button's text is laid out
        # from the right ("…Add folder").
        self.add_folder = QPushButton()
        show_as_written(self.add_folder, (self.add_folder.setText, "Add folder…"))
        self.add_folder.clicked.connect(self._add_folder)
        # The button beside the box where both fit, else under it.
        homes_row = _Reflow(2, self.homes, self.add_folder)
        self.refresh = QDoubleSpinBox()
        self.refresh.setRange(MIN_REFRESH_S, MAX_REFRESH_S)
        self.refresh.setDecimals(1)  # (``REFRESH_STEP_S``)
        self.refresh.setSingleStep(0.5)
        self.refresh.setSuffix(duration_unit(1))  # "2.5s", as every duration is written
        self.refresh.setValue(settings.refresh_interval_s)
        codex = QGroupBox("Codex")
        codex_form = _form(codex)
        codex_form.addRow(_FormLabel("Codex folders (one per line):", self.homes))
        codex_form.addRow(homes_row)
        self.homes_messages = _Messages(self.homes)
        codex_form.addRow(self.homes_messages)
        if self._command_line_homes:
            self.homes_overridden: QLabel | None = _note("")
            self._say_homes_overridden()
            codex_form.addRow(self.homes_overridden)
        else:
            self.homes_overridden = None
        self.refresh_messages = _Messages(self.refresh)
        codex_form.addRow(
            _labelled(
                _FormLabel("Check for changes at least every:", self.refresh),
                _with_messages(self.refresh, self.refresh_messages, narrow=True),
            )
        )

        self.on_top = _WrappingCheckBox("Keep the window above other windows")
        self.on_top.setChecked(settings.always_on_top)
        self.start_minimized = _WrappingCheckBox("Start minimized")
        self.start_minimized.setChecked(settings.start_minimized)
        self.close_to_tray = _WrappingCheckBox("Closing the window keeps the app in the tray")
        self.close_to_tray.setChecked(settings.close_to_tray and tray_available)
        self.close_to_tray.setEnabled(tray_available)
        if not tray_available:
            self.close_to_tray.setToolTip("This desktop has no system tray.")
        self.launch_at_login = _WrappingCheckBox("Start when I log in")
        self.launch_at_login.setChecked(settings.launch_at_login)
        self.theme = _ChoiceBox()
        for value, text in _THEMES:
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(self.theme.findData(settings.theme), 0))
        window = QGroupBox("Window")
        window_form = _form(window)
        for box in (self.on_top, self.start_minimized, self.close_to_tray, self.launch_at_login):
            window_form.addRow(box)
        window_form.addRow(_FormLabel("Colours:", self.theme), self.theme)
        return codex, window

    def _discord(self, settings: Settings) -> tuple[QWidget, ...]:
        self.discord_enabled = _WrappingCheckBox("Show what I am doing in my Discord status")
        self.discord_enabled.setChecked(settings.discord_enabled)
        self.privacy = _WrappingCheckBox('Private: only "Using Codex · In a coding session"')
        self.privacy.setChecked(settings.privacy_mode)
        self.toggles: dict[str, QCheckBox] = {}
        for key, text in _TOGGLES:
            self.toggles[key] = _WrappingCheckBox(text)
            self.toggles[key].setChecked(getattr(settings, key))
        # Two columns, their texts wrapping where the page is narrow (one column was tall).
        toggles = _Reflow(2, *self.toggles.values(), squeeze=True)
        # Sets the boxes at once; it follows them back ("Your own choice" when none fits).
        self.preset = _ChoiceBox()
        for value, text in _PRESETS:
            self.preset.addItem(text, value)
        self.preset.addItem(_CUSTOM, "")
        self.preset.setAccessibleName("Preset for what the card shows")
        self.preset.activated.connect(self._apply_preset)
        for box in self.toggles.values():
            box.toggled.connect(self._follow_preset)
        self._follow_preset()
        self.idle = _ChoiceBox()
        for value, text in _IDLE:
            self.idle.addItem(text, value)
        # Drawn as written in a right-to-left window too, in the box (cut or not: Qt's "…"
        # keeps the last mark) and in its list: its closing quote had gone first ('"Show
        # "Codex is open, no session running').
        show_as_written(
            self.idle,
            *(
                (functools.partial(self.idle.setItemText, index), text)
                for index, (_value, text) in enumerate(_IDLE)
            ),
        )
        self.idle.setCurrentIndex(max(self.idle.findData(settings.idle_action), 0))
        self.idle_clear = QSpinBox()
        self.idle_clear.setRange(0, MAX_IDLE_CLEAR_MINUTES)
        self.idle_clear.setSuffix(duration_unit(60))
        self.idle_clear.setSpecialValueText("Never")  # shown for 0
        self.idle_clear.setValue(settings.idle_clear_minutes)
        # The unit spelled out, as the suffix's letter names it ("m" can be read as metres).
        self.idle_clear.setAccessibleName(
            f"Clear the card after this many quiet {duration_unit(60, spoken=True)}"
        )
        self.preview = QLabel()
        # Plain: a file, branch or project named like markup (<b>x</b>, <img src=…>) is shown
        # as it is named, as Discord shows it (Qt guesses rich text from the first line).
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setFrameShape(QLabel.Shape.StyledPanel)
        self.preview.setMargin(6)
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setAccessibleName("What your Discord friends see")
        status = QGroupBox("Discord status")
        status_form = _form(status)
        self.discord_overridden: QLabel | None = None
        if self._discord_note:
            self.discord_overridden = _note(self._discord_note)
            status_form.addRow(self.discord_overridden)
        status_form.addRow(self.discord_enabled)
        status_form.addRow(self.privacy)
        # Labels above these wide fields: a form keeps a field beside its label as long as
        # the field's narrowest fits, and these can narrow a lot.
        status_form.addRow(_FormLabel("Preset:", self.preset))
        status_form.addRow(_at_its_width(self.preset))
        status_form.addRow(_FormLabel("Show:"))
        status_form.addRow(toggles)
        status_form.addRow(_FormLabel("When no session runs:", self.idle))
        status_form.addRow(_at_its_width(self.idle))
        self.idle_clear_messages = _Messages(self.idle_clear)
        status_form.addRow(
            _labelled(
                _FormLabel("Clear it when the session is quiet for:", self.idle_clear),
                _with_messages(self.idle_clear, self.idle_clear_messages, narrow=True),
            )
        )
        friends = QGroupBox("Friends see")
        friends_layout = QVBoxLayout(friends)
        friends_layout.addWidget(self.preview)
        return status, self._rules_box(settings), friends

    def _rules_box(self, settings: Settings) -> QGroupBox:
        """The project rules: a list in order, and the selected rule's fields below it.

        A list with fields rather than an editable table: every part is one Tab away, with
        its own label, which table cells are not.
        """
        self._rules: list[ProjectRule] = list(settings.project_rules)
        self.rules_list = QListWidget()
        self.rules_list.setAccessibleName("Project rules, the first that matches decides")
        self.rules_list.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        # A refused rule's mark no taller than its line: the four lines stay in view.
        side = self.fontMetrics().height()
        self.rules_list.setIconSize(QSize(side, side))
        # A rule longer than the list is wide wraps onto a second line, shown whole, instead
        # of the list scrolling sideways in a narrow dialog.
        self.rules_list.setWordWrap(True)
        self.rules_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rules_list.currentRowChanged.connect(self._show_rule)
        # A rule reads as written in a right-to-left window too: "(no pattern yet) → hide the
        # card" had been drawn "hide the card → (no pattern yet)".
        self.rules_list.setItemDelegate(LeftToRightDelegate(self.rules_list))
        self.add_rule = QPushButton("&Add")
        self.remove_rule = QPushButton("Remo&ve")
        self.rule_up = QPushButton("Move &up")
        self.rule_down = QPushButton("Move do&wn")
        self.add_rule.clicked.connect(self._add_rule)
        self.remove_rule.clicked.connect(self._remove_rule)
        self.rule_up.clicked.connect(self._rule_up)
        self.rule_down.clicked.connect(self._rule_down)
        # Under the list, the list as wide as the page: in one row, or two where it is narrow.
        buttons = _Reflow(4, self.add_rule, self.remove_rule, self.rule_up, self.rule_down)
        rules = QVBoxLayout()
        rules.addWidget(self.rules_list)
        rules.addLayout(buttons)
        self.rule_pattern = QLineEdit()
        self.rule_pattern.setPlaceholderText("~/clients/*  or  acme-*")
        self.rule_pattern.setAccessibleName("Project folder or name (a pattern)")
        self.rule_action = _ChoiceBox()
        for action, text in _ACTIONS:
            self.rule_action.addItem(text, action.value)
        self.rule_action.setAccessibleName("What the card shows for it")
        self.rule_alias = QLineEdit()
        self.rule_alias.setPlaceholderText("Client work")
        self.rule_alias.setAccessibleName("The name to show instead")
        self.rule_pattern.textEdited.connect(self._edit_rule)
        self.rule_alias.textEdited.connect(self._edit_rule)
        self.rule_action.activated.connect(self._edit_rule)
        box = QGroupBox("Project rules")
        form = _form(box)
        form.addRow(rules)
        form.addRow(_FormLabel("Folder or name:", self.rule_pattern), self.rule_pattern)
        form.addRow(_FormLabel("Then:", self.rule_action), self.rule_action)
        # Under the selected rule's fields: a refused OK selects the rule it is about.
        self.rule_messages = _Messages(self.rules_list, self.rule_pattern, self.rule_alias)
        form.addRow(
            _FormLabel("Alias:", self.rule_alias),
            _with_messages(self.rule_alias, self.rule_messages),
        )
        form.addRow(
            _note(
                "The first rule that matches the project's folder (or a folder above it) or its "
                "name decides. * and ? are wildcards; upper and lower case are alike. Rules "
                "never show more than the boxes above allow."
            )
        )
        for index in range(len(self._rules)):
            self.rules_list.addItem(_rule_text(self._rules[index]))
        self.rules_list.setCurrentRow(0 if self._rules else -1)
        self._show_rule(self.rules_list.currentRow())
        return box

    def _notifications(self, settings: Settings) -> tuple[QWidget, ...]:
        self.notify = _WrappingCheckBox("Tell me when a limit window runs low")
        self.notify.setChecked(settings.notifications_enabled)
        self.thresholds = QLineEdit(", ".join(str(v) for v in settings.notify_left_thresholds))
        self.thresholds.setPlaceholderText("25, 10, 5")
        _shows(self.thresholds, "25, 10, 5, 0")
        self.thresholds.setAccessibleName("Notify when a window has this much left, in percent")
        self.thresholds.setToolTip(
            "Percentages left, separated by commas. Each is announced once per window,\n"
            "like Codex's own warnings at 25, 10 and 5% left. 0 means the limit is reached."
        )
        self.notify_resets = _WrappingCheckBox("…and when such a window resets")
        self.notify_resets.setChecked(settings.notify_resets)
        box = QGroupBox("Notifications")
        form = _form(box)
        form.addRow(self.notify)
        self.thresholds_messages = _Messages(self.thresholds)
        form.addRow(
            _labelled(
                _FormLabel("Notify when a window has this much left (%):", self.thresholds),
                _with_messages(self.thresholds, self.thresholds_messages),
            )
        )
        form.addRow(
            _note(
                "Separated by commas; each is said once per window. 0 means the limit is reached."
            )
        )
        form.addRow(self.notify_resets)
        return (box,)

    def _advanced(self, settings: Settings) -> tuple[QWidget, ...]:
        self.client_id = QLineEdit(settings.discord_client_id)
        _shows(self.client_id, "0" * 20)  # the longest id Discord gives
        self.client_id.setAccessibleName("Discord application id")
        self.default_client_id = QPushButton("Use the default")
        self.default_client_id.clicked.connect(self._use_default_client_id)
        # The button beside the id where both fit, else under it.
        id_row = _Reflow(2, self.client_id, self.default_client_id)
        box = QGroupBox("Discord application")
        form = _form(box)
        self.client_id_messages = _Messages(self.client_id)
        # Above the id and its button, as the wide fields of the Discord tab.
        form.addRow(_FormLabel("Discord application id:", self.client_id))
        form.addRow(_with_messages(id_row, self.client_id_messages))
        form.addRow(
            _note(
                "Discord shows the status under the name and picture of this application. "
                "Change it only to use an application of your own from the Discord Developer "
                "Portal (its Application ID), for example for another name or picture. "
                f"The environment variable {CLIENT_ID_ENV} overrides it."
            )
        )
        return (box,)

    # -- values -------------------------------------------------------------------------

    def value(self) -> Settings:
        """The settings as edited (not yet validated)."""
        homes = tuple(
            line.strip() for line in self.homes.toPlainText().splitlines() if line.strip()
        )
        toggles: dict[str, Any] = {key: box.isChecked() for key, box in self.toggles.items()}
        refresh = round(self.refresh.value(), 1)
        exact = self.in_use.refresh_interval_s
        if abs(exact - refresh) <= REFRESH_STEP_S / 2 + 1e-9:
            # A finer value set by hand (2.25 s), shown to a tenth: kept as it is, not saved
            # over with the tenth (2.3 s) by an OK that changed nothing there.
            refresh = exact
        return replace(
            self._original,
            codex_homes=homes,
            refresh_interval_s=refresh,
            discord_enabled=self.discord_enabled.isChecked(),
            discord_client_id=self.client_id.text().strip(),
            privacy_mode=self.privacy.isChecked(),
            idle_action=str(self.idle.currentData()),
            always_on_top=self.on_top.isChecked(),
            start_minimized=self.start_minimized.isChecked(),
            # Without a tray the box is off and disabled; the choice stays for a run with one.
            close_to_tray=(
                self.close_to_tray.isChecked()
                if self.close_to_tray.isEnabled()
                else self._original.close_to_tray
            ),
            launch_at_login=self.launch_at_login.isChecked(),
            theme=str(self.theme.currentData()),
            notifications_enabled=self.notify.isChecked(),
            notify_left_thresholds=self._thresholds(),
            notify_resets=self.notify_resets.isChecked(),
            project_rules=tuple(self._rules),
            idle_clear_minutes=self.idle_clear.value(),
            **toggles,
        )

    def _thresholds(self) -> tuple[int, ...]:
        """The thresholds typed (% left), highest first; a word that is not a whole number
        reads as -1, which validation then refuses with its message. None typed: the
        defaults, which the empty field shows (it had saved none while showing "25, 10, 5",
        and no window running low was said again)."""
        values = set()
        for word in self.thresholds.text().replace(",", " ").replace("%", " ").split():
            values.add(int(word) if word.isascii() and word.isdigit() else -1)
        return tuple(sorted(values, reverse=True)) if values else DEFAULT_LEFT_THRESHOLDS

    # -- changes made elsewhere ---------------------------------------------------------

    def show_in_use(self, in_use: Settings, *, by_hand: bool = False) -> None:
        """The settings in use are now ``in_use``, changed elsewhere while the dialog is open
        (``by_hand``: in the file, else in the app: a tray toggle, the dialog's own Apply).

        Each field the user has not changed here shows the new value (the focus and caret
        stay where they are), so that OK saves nothing over it. A field the user has
        changed keeps their value, the latest thing they did, which OK saves; when it
        differs from the new one, a note below the tabs says what is in use now."""
        edited = self.value()
        outside = [key for key in _SHOWN_KEYS if getattr(in_use, key) != getattr(self.in_use, key)]
        filled = [key for key in outside if getattr(edited, key) == getattr(self._shown, key)]
        clashes = [
            key
            for key in outside
            if key not in filled and getattr(edited, key) != getattr(in_use, key)
        ]
        self.in_use = in_use
        self._original = in_use  # its pause and unknown keys now
        for key in outside:
            self._clashes.pop(key, None)
        self._clashes.update(dict.fromkeys(clashes, by_hand))
        focus = self.focusWidget()
        with _CaretKept(focus):
            for key in filled:
                self._fill(key, getattr(in_use, key))
        shown = self.value()
        # Compared from now on with what is in use: the user's value where they had changed
        # it (OK saves it as long as it differs), else the field's as filled.
        self._shown = replace(
            self._shown,
            **{key: getattr(shown if key in filled else in_use, key) for key in outside},
        )
        self._refresh_state()
        if focus is not None and not focus.isEnabled():
            self._focus_on_its_box(focus)
        if clashes:
            announce(self.changed_elsewhere, self.changed_elsewhere.accessibleName())

    def _focus_on_its_box(self, field: QWidget) -> None:
        """Give the keyboard to the box whose change elsewhere disabled ``field``, which had
        it: Qt had passed it on to the next field (the quiet minutes, then kept enabled for
        as long as it has it, Discord off), and a screen reader said nothing of why. A rule's
        field or button (its rule gone, or moved to the end) gives it to the list of rules."""
        rule_parts = (self.rule_pattern, self.rule_action, self.rule_alias, self.remove_rule)
        box: QWidget
        if field in (*rule_parts, self.rule_up, self.rule_down):
            box = self.rules_list
        elif field in (*self.toggles.values(), self.preset) and self.discord_enabled.isChecked():
            box = self.privacy
        elif field is self.notify_resets:
            box = self.notify
        elif field in (*self.toggles.values(), self.preset, self.privacy, self.idle):
            box = self.discord_enabled
        else:
            return
        give_focus(box)
        self._refresh_state()  # (the field the keyboard was passed on to, disabled now)

    def _fill(self, key: str, value: Any) -> None:
        """Show ``value`` in the field of the setting ``key``."""
        if key in self._boxes:
            # Without a tray, closing to it stays off and disabled (``value`` keeps it).
            on = bool(value) and (key != "close_to_tray" or self._tray_available)
            self._boxes[key].setChecked(on)
        elif key == "codex_homes":
            self.homes.setPlainText("\n".join(value))
        elif key == "refresh_interval_s":
            self.refresh.setValue(value)
        elif key == "theme":
            self.theme.setCurrentIndex(max(self.theme.findData(value), 0))
        elif key == "idle_action":
            self.idle.setCurrentIndex(max(self.idle.findData(value), 0))
        elif key == "idle_clear_minutes":
            self.idle_clear.setValue(value)
        elif key == "notify_left_thresholds":
            self.thresholds.setText(", ".join(str(left) for left in value))
        elif key == "discord_client_id":
            self.client_id.setText(value)
        elif key == "project_rules":
            row = self.rules_list.currentRow()
            self._rules = list(value)
            # Quiet while it is refilled: emptied, the list had selected no rule, whose fields
            # were disabled, and the keyboard left the pattern being typed in for a button.
            with QSignalBlocker(self.rules_list):
                self.rules_list.clear()
                for rule in self._rules:
                    self.rules_list.addItem(_rule_text(rule))
                # The same place in the list selected, or the last rule where it has fewer.
                self.rules_list.setCurrentRow(min(max(row, 0), len(self._rules) - 1))
            self._show_rule(self.rules_list.currentRow())

    def _named(self, key: str, value: Any) -> str:
        """A setting and its value, as the note says them: '"Colours" is now Dark'."""
        name = _NAMES.get(key) or self._boxes[key].accessibleName()
        if key in self.toggles:
            name = f"Show: {name}"
        if isinstance(value, bool):
            said = "on" if value else "off"
        elif key == "refresh_interval_s":
            said = f"{value:g}{duration_unit(1)}"
        elif key == "idle_clear_minutes":
            said = f"{value}{duration_unit(60)}" if value else self.idle_clear.specialValueText()
        elif key in ("theme", "idle_action"):
            choices = self.theme if key == "theme" else self.idle
            said = choices.itemText(max(choices.findData(value), 0))
        elif key == "notify_left_thresholds":
            said = ", ".join(f"{left}%" for left in value)
        elif key == "codex_homes":
            said = ", ".join(value) or "none ($CODEX_HOME, else ~/.codex)"
        elif key == "project_rules":
            said = f"{len(value)} {'rule' if len(value) == 1 else 'rules'}" if value else "none"
        else:
            said = str(value) or "empty"
        return f'"{name}" is now {clean_text(said)}'

    def _say_changed_elsewhere(self, edited: Settings) -> None:
        """The note of the settings changed elsewhere that the user has changed here too,
        to other values (one set here as it is now in use again is no longer said)."""
        clashing = [
            key
            for key in _SHOWN_KEYS
            if key in self._clashes and getattr(edited, key) != getattr(self.in_use, key)
        ]
        said = []
        for by_hand, where, there in (
            (True, f"{_SETTINGS_FILE} was changed while this dialog was open", " there"),
            (False, "Changed elsewhere in the app while this dialog was open", ""),
        ):
            named = [
                self._named(key, getattr(self.in_use, key)) + there
                for key in clashing
                if self._clashes[key] is by_hand
            ]
            if named:
                said.append(f"{where}: {'; '.join(named)}.")
        if said:
            kept = "it" if len(clashing) == 1 else "them"
            said.append(f"OK saves what you chose here instead; Cancel keeps {kept}.")
        text = " ".join(said)
        if text == self.changed_elsewhere.accessibleName():
            return
        self.changed_elsewhere.setText(wrappable(text))  # a long folder wraps
        self.changed_elsewhere.setAccessibleName(text)
        self.changed_elsewhere.setVisible(bool(text))

    def showEvent(self, event: QShowEvent) -> None:
        # Sized before Qt places it over its parent: grown afterwards, it could reach past
        # the screen's edge.
        if not self.testAttribute(Qt.WidgetAttribute.WA_Resized):
            self._fit_pages()
        super().showEvent(event)

    def _fit_pages(self) -> None:
        """Open large enough for the tallest page without scrolling, where the screen has
        the room (the size hint stays small: the dialog also fits a small laptop, scrolling)."""
        page = self.tabs.currentWidget()
        if not isinstance(page, QScrollArea):
            return
        tabs = [self.tabs.widget(i) for i in range(self.tabs.count())]
        # With the margins a page gives up when a few pixels short whole again.
        hints = [
            tab.content.sizeHint().grownBy(QMargins(0, 0, 0, tab.given_up))
            for tab in tabs
            if isinstance(tab, _Page)
        ]
        extra_w = self.width() - page.viewport().width()
        extra_h = self.height() - page.viewport().height()
        wanted = QSize(
            max(hint.width() for hint in hints) + extra_w,
            max(hint.height() for hint in hints) + extra_h,
        )
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            wanted = wanted.boundedTo(QSize(room.width() * 9 // 10, room.height() * 17 // 20))
        self.resize(wanted.expandedTo(self.size()))

    def apply(self) -> bool:
        """Emit ``applied`` when the settings are valid; False when something blocks, after
        showing the field it is about (its tab, and the focus in it)."""
        settings = self.value()
        blocking = [problem for problem in validate(settings) if problem.blocking]
        if blocking:
            self._refresh_state()
            self._go_to(blocking, settings)
            return False
        if self._not_applied:  # said of the Apply before: this one is said afresh
            self._not_applied = ""
            self._refresh_state()
        self.applied.emit(settings)
        return True

    def not_applied(self, in_use: Settings, why: str) -> None:
        """What Apply (or OK) asked could not all be done (a log-in entry the system
        refused): each field that differs from the settings in use, ``in_use``, shows them
        again, and ``why`` is said below the tabs. The box had stayed ticked, saying the app
        would start at log-in, and the reason went only to the window behind the dialog."""
        edited = self.value()
        self.in_use = in_use
        self._original = in_use
        differing = [key for key in _SHOWN_KEYS if getattr(edited, key) != getattr(in_use, key)]
        with _CaretKept(self.focusWidget()):
            for key in differing:
                self._clashes.pop(key, None)
                self._fill(key, getattr(in_use, key))
        self._shown = self.value()
        self._not_applied = why
        self._refresh_state()
        announce(self.problems, why)

    def _go_to(self, blocking: Sequence[Problem], settings: Settings) -> None:
        """The first field to correct: on the tab in view if it holds one, else in the tabs'
        order."""
        keys = [key for key in self.fields if any(p.key == key for p in blocking)]
        if not keys:
            return  # only what no field shows, said below the tabs
        here = [key for key in keys if self.fields[key].page is self.tabs.currentWidget()]
        field = self.fields[(here or keys)[0]]
        self.tabs.setCurrentWidget(field.page)
        widget = field.widget
        if field.widget is self.rules_list:
            widget = self._select_refused_rule(settings.project_rules)
        if isinstance(field.page, QScrollArea):
            field.page.ensureWidgetVisible(field.messages)
            field.page.ensureWidgetVisible(widget)
        give_focus(widget)  # ringed, if the user came to Save by the keyboard

    def _select_refused_rule(self, rules: Sequence[ProjectRule]) -> QWidget:
        """Select the first rule that cannot be saved; its field to correct."""
        row = next(index for index, rule in enumerate(rules) if rule_problem(rule))
        self.rules_list.setCurrentRow(row)
        rule = rules[row]
        pattern_only = ProjectRule(rule.pattern, RuleAction.HIDE)
        return self.rule_pattern if rule_problem(pattern_only) else self.rule_alias

    # -- internals ----------------------------------------------------------------------

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _apply_preset(self, index: int) -> None:
        values = PRESETS.get(str(self.preset.itemData(index)))
        if values is None:
            return  # "Your own choice" leaves the boxes as they are
        for key, checked in values.items():
            self.toggles[key].setChecked(checked)

    def _follow_preset(self) -> None:
        name = preset_of({key: box.isChecked() for key, box in self.toggles.items()})
        self.preset.setCurrentIndex(self.preset.findData(name or ""))

    # -- project rules ------------------------------------------------------------------

    def _show_rule(self, row: int) -> None:
        """Load the selected rule into the fields (all off when none is selected)."""
        selected = 0 <= row < len(self._rules)
        rule = self._rules[row] if selected else ProjectRule("")
        self.rule_pattern.setText(rule.pattern)
        self.rule_action.setCurrentIndex(self.rule_action.findData(rule.action.value))
        self.rule_alias.setText(rule.alias)
        for widget in (self.rule_pattern, self.rule_action, self.remove_rule):
            widget.setEnabled(selected)
        self.rule_alias.setEnabled(selected and rule.action is RuleAction.ALIAS)
        self.rule_up.setEnabled(selected and row > 0)
        self.rule_down.setEnabled(selected and row < len(self._rules) - 1)
        if hasattr(self, "fields"):  # built: the messages follow the selected rule
            self.fields["project_rules"].messages.show_problems(self._rule_problems())

    def _edit_rule(self) -> None:
        row = self.rules_list.currentRow()
        if not 0 <= row < len(self._rules):
            return
        action = RuleAction(self.rule_action.currentData())
        # The alias only of a rule that shows one: a hidden rule's (left in the greyed field
        # from before) is neither saved nor refused.
        alias = self.rule_alias.text() if action is RuleAction.ALIAS else ""
        rule = ProjectRule(self.rule_pattern.text(), action, alias)
        self._rules[row] = rule
        self.rules_list.item(row).setText(_rule_text(rule))
        self.rule_alias.setEnabled(action is RuleAction.ALIAS)
        self._refresh_state()

    def _add_rule(self) -> None:
        # Hide by default: a rule added and left half-done errs on the private side.
        self._rules.append(ProjectRule("", RuleAction.HIDE))
        self.rules_list.addItem(_rule_text(self._rules[-1]))
        self.rules_list.setCurrentRow(len(self._rules) - 1)
        give_focus(self.rule_pattern)
        self._refresh_state()
        # Its pattern, to type, in sight once laid out: low on a short page, it had been
        # out of it (the keyboard given to a field does not scroll a page to it).
        page = self.tabs.currentWidget()
        if isinstance(page, _Page):
            QTimer.singleShot(0, page, page.keep_focus_in_view)

    def _remove_rule(self) -> None:
        row = self.rules_list.currentRow()
        if not 0 <= row < len(self._rules):
            return
        del self._rules[row]
        self.rules_list.takeItem(row)
        self._show_rule(self.rules_list.currentRow())
        self._refresh_state()

    def _rule_up(self) -> None:
        self._move_rule(-1)

    def _rule_down(self) -> None:
        self._move_rule(1)

    def _move_rule(self, step: int) -> None:
        row = self.rules_list.currentRow()
        other = row + step
        if not (0 <= row < len(self._rules) and 0 <= other < len(self._rules)):
            return
        self._rules[row], self._rules[other] = self._rules[other], self._rules[row]
        for index in (row, other):
            self.rules_list.item(index).setText(_rule_text(self._rules[index]))
        self.rules_list.setCurrentRow(other)
        self._refresh_state()

    def _use_default_client_id(self) -> None:
        # A method, not a lambda: a lambda holding the dialog upsets PySide at teardown.
        self.client_id.setText(DEFAULT_CLIENT_ID)

    def _say_homes_overridden(self) -> None:
        """Which folders ``--codex-home`` gave, each drawn left to right in a window of
        either direction (``path_drawn_in``): "/home/פרויקט/שלב" had had its last two
        folders turned round. Screen readers are told the note unmarked."""
        note = getattr(self, "homes_overridden", None)  # not yet made: nothing to say
        if note is None:
            return

        def said(homes: Sequence[str]) -> str:
            return (
                f"This window was started with {unbroken('--codex-home')} and reads "
                f"{', '.join(homes)}. The folders set here are used when it starts without "
                "that option."
            )

        direction = self.layoutDirection()
        note.setText(said([path_drawn_in(direction, home) for home in self._command_line_homes]))
        note.setAccessibleName(said(self._command_line_homes))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._say_homes_overridden()  # the folders' marks follow the direction

    def _add_folder(self) -> None:
        folder = choose_folder(self, "Choose a Codex folder", self.homes.toPlainText().splitlines())
        if folder:
            folder = codex_home_of(folder)  # its logs' folder chosen: Codex's is the one above
            text = self.homes.toPlainText().rstrip() or default_home_kept(folder) or ""
            self.homes.setPlainText(f"{text}\n{folder}" if text else folder)

    def _refresh_state(self) -> None:
        settings = self.value()
        private = settings.privacy_mode
        enabled = settings.discord_enabled
        problems = validate(settings)
        refused = {problem.key for problem in problems if problem.blocking}

        def editable(widget: QWidget, box_on: bool, key: str) -> None:
            # A field holding a refused value stays editable though the box above it is off:
            # it must be corrected; and so does one being typed in ("1" of "10" is a value
            # it takes: greyed then, the "0" would go to another control). Each state is set
            # once: a field disabled even for a moment loses the focus.
            widget.setEnabled(box_on or key in refused or widget.hasFocus())

        for box in self.toggles.values():
            box.setEnabled(enabled and not private)
        for widget in (self.privacy, self.idle):
            widget.setEnabled(enabled)
        self.preset.setEnabled(enabled and not private)
        editable(self.client_id, enabled, "discord_client_id")
        editable(self.idle_clear, enabled, "idle_clear_minutes")
        notify = settings.notifications_enabled
        editable(self.thresholds, notify, "notify_left_thresholds")
        self.notify_resets.setEnabled(notify)
        self._show_problems(problems)
        self._say_changed_elsewhere(settings)
        if self._preview_source is not None:
            self.preview.setText("\n".join(self._preview_source(settings.presence())))
        else:
            self.preview.setText("(no Codex data yet)")

    def _show_problems(self, problems: Sequence[Problem]) -> None:
        """Each problem under its field, the tabs that hold one to correct marked; OK stays
        enabled and, when pressed, goes to the field (a greyed OK did not say where)."""
        for key, field in self.fields.items():
            said = [problem for problem in problems if problem.key == key]
            if key == "project_rules":
                said = self._rule_problems()
            field.messages.show_problems(said)
        rest = [problem for problem in problems if problem.key not in self.fields]
        lines = [clean_text(problem.message) for problem in rest]
        if self._not_applied:
            lines.append(clean_text(self._not_applied))
        self.problems.setText("\n".join(lines))
        set_level_color(self.problems, Level.LOW if any(p.blocking for p in rest) else Level.WARN)
        self.problems.setVisible(bool(lines))
        refused_pages = {
            self.fields[problem.key].page
            for problem in problems
            if problem.blocking and problem.key in self.fields
        }
        for index in range(self.tabs.count()):
            refused = self.tabs.widget(index) in refused_pages
            self.tabs.setTabIcon(index, self._refused_icon() if refused else QIcon())
            self.tabs.setTabToolTip(index, "Something here needs correcting." if refused else "")

    def _rule_problems(self) -> list[Problem]:
        """What is said under the rule's fields: the selected rule's problem, and how many
        other rules cannot be saved (marked in the list): the fields show one rule at a
        time, and a message under them is read as about that one."""
        row = self.rules_list.currentRow()
        said = []
        others = 0
        problems = [rule_problem(rule) for rule in self._rules]
        # With a rule marked, the others keep the mark's room: their texts stay in line.
        unmarked = _blank_icon(self.rules_list.iconSize()) if any(problems) else QIcon()
        for index, problem in enumerate(problems):
            item = self.rules_list.item(index)
            if item is not None:
                item.setIcon(self._refused_icon() if problem else unmarked)
                item.setToolTip(tooltip_html(problem or ""))  # it quotes the pattern
            if problem is None:
                continue
            if index == row:
                said.append(Problem("project_rules", problem, blocking=True))
            else:
                others += 1
        if others:
            rules = "rule" if others == 1 else "rules"
            marked = "another rule" if others == 1 else f"{others} other {rules}"
            said.append(
                Problem(
                    "project_rules",
                    f"Also {marked} in the list cannot be saved yet (marked ⚠).",
                    blocking=True,
                )
            )
        return said

    def _refused_icon(self) -> QIcon:
        return self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


@dataclass(frozen=True)
class _Field:
    """Where a setting is edited: its tab, its field, and the messages under the field."""

    page: QWidget
    widget: QWidget
    messages: _Messages


class _Messages(QWidget):
    """The problems of one field, under it, each in its level's colour; hidden when there is
    none. The accessible description of the field (and of ``also``, the other widgets the
    problems are about) says them too: a screen reader reads it when the focus comes; it
    is given back when they are gone."""

    def __init__(self, field: QWidget, *also: QWidget) -> None:
        super().__init__()
        self._described = {widget: widget.accessibleDescription() for widget in (field, *also)}
        self._shown: tuple[Problem, ...] = ()
        self.labels: list[QLabel] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        # As wide as the field's column (a wrapped label on its own asks for less).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.hide()

    def texts(self) -> list[str]:
        """The messages shown, as said (without the points where a long one may wrap)."""
        return [label.text().replace(WRAP_POINT, "") for label in self.labels]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        if tuple(problems) == self._shown:
            return  # unchanged as the user types: no labels made again
        self._shown = tuple(problems)
        for label in self.labels:
            self._layout.removeWidget(label)
            label.hide()  # at once: deleted only when the event loop comes back
            label.deleteLater()
        self.labels = []
        for problem in problems:
            # Messages quote what the user typed (folders): plain text, controls removed.
            label = QLabel(wrappable(clean_text(problem.message)))
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            set_level_color(label, Level.LOW if problem.blocking else Level.WARN)
            self._layout.addWidget(label)
            label.show()  # at once, not when Qt gets to it: measured with the dialog's page
            self.labels.append(label)
        self.setVisible(bool(problems))
        said = " ".join(clean_text(problem.message) for problem in problems)
        for widget, description in self._described.items():
            widget.setAccessibleDescription(said or description)


def _with_messages(
    field: QWidget | QLayout, messages: _Messages, *, narrow: bool = False
) -> QVBoxLayout:
    """``field`` with its messages under it, as one field of a form row (``narrow``: the
    field keeps its own width): the messages in the field's column, closer to it than the
    next row."""
    column = QVBoxLayout()
    column.setSpacing(3)
    if isinstance(field, QLayout):
        column.addLayout(field)
    elif narrow:
        column.addWidget(field, 0, Qt.AlignmentFlag.AlignLeft)
    else:
        column.addWidget(field)
    column.addWidget(messages)
    return column


class _CaretKept:
    """Puts the caret back where it was in ``widget`` (a text field being typed in) once
    its text is set again, as far as the new text goes: set, Qt moves it to the end."""

    def __init__(self, widget: QWidget | None) -> None:
        self._widget = widget
        self._caret: int | None = None

    def __enter__(self) -> None:
        widget = self._widget
        if isinstance(widget, QLineEdit):
            self._caret = widget.cursorPosition()
        elif isinstance(widget, QPlainTextEdit):
            self._caret = widget.textCursor().position()

    def __exit__(self, *_exception: object) -> None:
        widget, caret = self._widget, self._caret
        if caret is None:
            return
        if isinstance(widget, QLineEdit) and widget.cursorPosition() != caret:
            widget.setCursorPosition(min(caret, len(widget.text())))
        elif isinstance(widget, QPlainTextEdit) and widget.textCursor().position() != caret:
            cursor = widget.textCursor()
            cursor.setPosition(min(caret, widget.document().characterCount() - 1))
            widget.setTextCursor(cursor)


def _blank_icon(size: QSize) -> QIcon:
    """An icon that draws nothing, taking ``size``."""
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


def _rule_text(rule: ProjectRule) -> str:
    """One line of the rules list: ``~/clients/* → Show as "Client work"``."""
    pattern = clean_text(rule.pattern.strip()) or "(no pattern yet)"
    if rule.action is RuleAction.ALIAS:
        return f'{pattern} → show as "{clean_text(rule.alias.strip())}"'
    return f"{pattern} → {_ACTION_TEXT[rule.action].lower()}"


def _shows(field: QLineEdit, sample: str) -> None:
    """``field`` at least wide enough to show ``sample``: a form then puts a long label above
    it (``_form`` wraps long rows) instead of squeezing it beside the label, down to two
    digits of an application id in a narrowed dialog."""
    metrics = field.fontMetrics()
    # Its frame and margins: Qt makes a line edit's size hint 17 x's wide with them.
    frame = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
    field.setMinimumWidth(metrics.horizontalAdvance(sample) + max(frame, 0))


def _form(box: QGroupBox) -> _Form:
    """The rows of ``box``, as a form lays them out."""
    return _Form(box)


class _Form(QVBoxLayout):
    """A form's rows, one under another: a row spanning the width (``addRow(part)``), or a
    label beside its field (``addRow(label, field)``), the labels of consecutive pairs in
    one column and their fields in the next, each label above its field where the page is
    too narrow for both (a ``_Reflow`` of two columns).

    Not a QFormLayout: that lays its rows out at heights it measured for another width (its
    size hint's, asked for after the width it is laid out at), squeezing some rows and
    stretching others: under the rules list, the buttons had been drawn over the list, and
    wrapped messages had left gaps under them.
    """

    def __init__(self, box: QGroupBox) -> None:
        super().__init__(box)
        #: The label and field pairs the last rows added, while no spanning row follows.
        self._pairs: _Reflow | None = None

    def addRow(self, part: QWidget | QLayout, field: QWidget | QLayout | None = None) -> None:
        if field is None:
            self._pairs = None
            if isinstance(part, QLayout):
                self.addLayout(part)
            else:
                self.addWidget(part)
            return
        if self._pairs is None:
            self._pairs = _Reflow(2)
            self.addLayout(self._pairs)
        self._pairs.add(part)
        self._pairs.add(field)


class _FormLabel(QLabel):
    """A form's label, on one line where there is room, wrapped where there is not (put
    above its field, a long label no wider than the page had made it scroll sideways)."""

    def __init__(self, text: str, buddy: QWidget | None = None) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        if buddy is not None:
            self.setBuddy(buddy)

    def sizeHint(self) -> QSize:
        # A wrapping label asks for a balanced few lines; a form's label wants one.
        return self.fontMetrics().size(0, self.text()).grownBy(self.contentsMargins())


def _note(text: str) -> QLabel:
    """A quieter explanation under a setting."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is shown as it is
    label.setWordWrap(True)
    set_muted(label)
    return label


class _WheelNeedsFocus(QObject):
    """Hands a wheel turned over a field without focus to the page's scroll bar instead."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() != QEvent.Type.Wheel
            or not isinstance(watched, QWidget)
            or watched.hasFocus()
        ):
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            # Sent on, not left to propagate: Qt passes only a real wheel up to the parents.
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True


class _WrappingCheckBox(QCheckBox):
    """A check box whose text wraps onto more lines where the page is narrow: a QCheckBox's
    own text never wraps, and a long one had made the page scroll sideways.

    The text is a label inside the box (its own text stays empty, the accessible name says
    it): clicks on the label reach the box, and it greys out with the box."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.label = QLabel(text, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(text)
        # Narrower than its text (a check box's own policy is never narrower), taller then.
        policy = QSizePolicy(
            QSizePolicy.Policy.Preferred,
            QSizePolicy.Policy.Minimum,
            QSizePolicy.ControlType.CheckBox,
        )
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _option(self) -> QStyleOptionButton:
        """The style's option of a check box showing this text (the style sizes by it)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self.label.text()
        return option

    def _around(self, text: QSize) -> QSize:
        """The box's size around a text of size ``text``, as the style makes a check box."""
        style = self.style()
        return style.sizeFromContents(QStyle.ContentsType.CT_CheckBox, self._option(), text, self)

    def _one_line(self) -> int:
        """The height of the box with one line of text."""
        return self._around(QSize(0, self.label.fontMetrics().height())).height()

    def _text_rect(self) -> QRect:
        """Where the label goes: where the style puts a check box's text, its first line
        where a one-line text's is."""
        option = self._option()
        option.rect = QRect(0, 0, self.width(), self._one_line())
        style = self.style()
        contents = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, self)
        # The style gives it mirrored where the text runs right to left: where it starts is
        # read from it unmirrored (mirrored twice, the text had been laid over the box).
        left = QStyle.visualRect(self.layoutDirection(), option.rect, contents).left()
        top = (self._one_line() - self.label.fontMetrics().height()) // 2
        room = self.width() - self._around(QSize(0, 0)).width()  # as heightForWidth wraps
        rect = QRect(left, top, max(room, 0), max(self.height() - top, 0))
        return QStyle.visualRect(self.layoutDirection(), self.rect(), rect)

    def sizeHint(self) -> QSize:
        return self._around(self.label.fontMetrics().size(0, self.label.text()))

    def minimumSizeHint(self) -> QSize:
        # A word-wrapped label's minimum: its longest word.
        word = self.label.minimumSizeHint().width()
        return self._around(QSize(word, self.label.fontMetrics().height()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        room = width - self._around(QSize(0, 0)).width()
        return self._around(QSize(room, self.label.heightForWidth(room))).height()

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)  # the text too, not only the box

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self._text_rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)  # no text: the label draws it
        # The box beside the first line, as in a one-line check box.
        option.rect = QRect(0, 0, self.width(), self._one_line())
        style = self.style()
        box = QStyleOptionButton(option)
        box.rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, self)
        painter.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, box)
        if option.state & QStyle.StateFlag.State_HasFocus:
            # Round the text, as the style frames a focused check box's.
            frame = QStyleOptionFocusRect()
            frame.initFrom(self)
            text = self.label.geometry()
            laid_out = self.label.fontMetrics().boundingRect(
                QRect(0, 0, text.width(), text.height()),
                int(self.label.alignment().value) | Qt.TextFlag.TextWordWrap.value,
                self.label.text(),
            )
            place = QRect(text.topLeft(), laid_out.size())
            frame.rect = (
                QStyle.visualRect(self.layoutDirection(), text, place)
                .adjusted(-3, -1, 3, 1)
                .intersected(self.rect())
            )
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame)


class _ChoiceBox(QComboBox):
    """A combo box as wide as its longest choice where there is room, narrower where there
    is not (its text then elided, and said whole in its tooltip): sized to its longest
    choice, a combo had made the page scroll sideways."""

    #: How narrow it may get, in characters.
    SHORTEST = 10

    def __init__(self) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(self.SHORTEST)
        self.currentIndexChanged.connect(self._say_whole)

    def sizeHint(self) -> QSize:
        # With this policy Qt's own hint is the minimum: the longest choice's, as by default.
        metrics = self.fontMetrics()
        widths = [metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count())]
        text = QSize(max(widths, default=0), metrics.height())
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        hint = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, self)
        return hint.expandedTo(super().sizeHint())

    def _shown_text(self, option: QStyleOptionComboBox) -> str:
        """The current choice as it fits the box: elided ("…") where it is too long."""
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        # The style draws the text a pixel in from each side of that room.
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, room.width() - 2
        )

    def _say_whole(self) -> None:
        """The choice in the tooltip while it is shown elided."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        elided = self._shown_text(option) != self.currentText()
        self.setToolTip(self.currentText() if elided else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._say_whole()

    def paintEvent(self, event: QPaintEvent) -> None:
        # As QComboBox paints itself, but elided: the style would cut the text mid-letter.
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self._shown_text(option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


#: Wider than any screen: a layout's height at this width is its least.
_WIDEST = 1 << 15


class _Reflow(ItemListLayout):
    """Its items row by row in as many columns as the width holds, up to ``columns``: a row
    of controls that stacks where the page is narrow instead of making it scroll sideways.

    A column is as wide as its widest item asks; an item that expands (a text field) fills
    its column, and the room left goes to the columns holding one, else stays at the end.
    ``squeeze``: the columns stay while their items can narrow to fit (wrapping texts), the
    widest giving way first; else they stay only while the items fit as they ask.
    """

    def __init__(self, columns: int, *parts: QWidget | QLayout, squeeze: bool = False) -> None:
        super().__init__()
        self._columns = columns
        self._squeeze = squeeze
        self.setContentsMargins(0, 0, 0, 0)
        for part in parts:
            self.add(part)

    def add(self, part: QWidget | QLayout) -> None:
        """``part`` after the items there are."""
        if isinstance(part, QLayout):
            self.addChildLayout(part)
            self.addItem(part)
        else:
            self.addWidget(part)

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self) -> int:
        return max(self.spacing(), 0)

    @staticmethod
    def _expands(item: QLayoutItem) -> bool:
        return bool(item.expandingDirections() & Qt.Orientation.Horizontal)

    def expandingDirections(self) -> Qt.Orientation:
        if any(self._expands(item) for item in self._shown()):
            return Qt.Orientation.Horizontal
        return Qt.Orientation(0)

    @staticmethod
    def _widths(items: list[QLayoutItem], columns: int, *, narrowest: bool = False) -> list[int]:
        """Each column's width: its widest item's size hint (``narrowest``: minimum)."""
        widths = [0] * columns
        for index, item in enumerate(items):
            size = item.minimumSize() if narrowest else item.sizeHint()
            widths[index % columns] = max(widths[index % columns], size.width())
        return widths

    def _plan(self, width: int) -> tuple[list[QLayoutItem], list[int]]:
        """The items shown and the columns' widths for ``width``: the most columns that fit."""
        items = self._shown()
        gap = self._gap()

        def fits(columns: int) -> bool:
            widths = self._widths(items, columns, narrowest=self._squeeze)
            return sum(widths) + gap * (columns - 1) <= width

        most = min(self._columns, len(items))
        columns = next((n for n in range(most, 1, -1) if fits(n)), 1)
        if columns == 1:
            return items, [width]
        # As few columns as give that many rows: two rows of two buttons, not three and one.
        rows = -(-len(items) // columns)
        columns = -(-len(items) // rows)
        widths = self._widths(items, columns)
        room = width - sum(widths) - gap * (columns - 1)
        if room < 0:
            return items, _narrowed(widths, self._widths(items, columns, narrowest=True), -room)
        growing = [c for c in range(columns) if any(self._expands(i) for i in items[c::columns])]
        for column in growing:
            widths[column] += room // len(growing)
        return items, widths

    def _place(self, rect: QRect, apply: bool) -> int:
        """Lay the items out in ``rect`` (only measured unless ``apply``); the height taken."""
        items, widths = self._plan(rect.width())
        columns = len(widths)
        gap = self._gap()
        y = rect.y()
        for start in range(0, len(items), columns):
            row = items[start : start + columns]
            sizes = []
            for item, column_width in zip(row, widths, strict=False):
                wide = column_width if self._expands(item) else item.sizeHint().width()
                wide = max(min(wide, column_width), 0)
                high = item.heightForWidth(wide) if item.hasHeightForWidth() else -1
                sizes.append(QSize(wide, high if high >= 0 else item.sizeHint().height()))
            high = max(size.height() for size in sizes)
            if apply:
                x = rect.x()
                for item, size, column_width in zip(row, sizes, widths, strict=False):
                    top = y
                    if isinstance(item.widget(), QLabel):
                        # Level with a taller field's text, as a form's label (Qt's 7/4).
                        top += (min(high, size.height() * 7 // 4) - size.height()) // 2
                    place = QRect(x, top, size.width(), size.height())
                    item.setGeometry(QStyle.visualRect(self._direction(), rect, place))
                    x += column_width + gap
            y += high + gap
        return max(y - gap - rect.y(), 0)

    def _direction(self) -> Qt.LayoutDirection:
        widget = self.parentWidget()
        return widget.layoutDirection() if widget is not None else Qt.LayoutDirection.LeftToRight

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        items = self._shown()
        widths = self._widths(items, min(self._columns, len(items)) or 1)
        width = sum(widths) + self._gap() * (len(widths) - 1)
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        # One column: as narrow as its narrowest-possible widest item. As low as it gets at
        # any width, where nothing wraps or stacks (as a wrapping label's minimum is one
        # line): heightForWidth says the rest. Its height at its narrowest, this minimum
        # held the page that tall at every width (a scroll area keeps its content at least
        # at its minimum), scrolling the page through empty room.
        width = max((item.minimumSize().width() for item in self._shown()), default=0)
        return QSize(width, self.heightForWidth(_WIDEST))


def _at_its_width(field: QWidget) -> QHBoxLayout:
    """``field`` in a row of its own, as wide as it asks where there is room (a form stretches
    a field across the row)."""
    row = QHBoxLayout()
    row.addWidget(field)
    row.addStretch(1)
    return row


def _labelled(label: QLabel, field: QWidget | QLayout) -> _Reflow:
    """A form's row of ``label`` and ``field``: side by side where both fit as they ask, else
    the label above, wrapping (a form never wraps a label it puts above its field: it had
    reached past the page's edge)."""
    return _Reflow(2, label, field)


def _narrowed(widths: list[int], narrowest: list[int], excess: int) -> list[int]:
    """``widths`` less ``excess`` pixels in all, the widest giving way first, none below its
    ``narrowest``."""
    widths = list(widths)
    for _ in range(excess):
        can = [c for c in range(len(widths)) if widths[c] > narrowest[c]]
        if not can:
            break
        widths[max(can, key=lambda c: widths[c])] -= 1
    return widths


class _Page(QScrollArea):
    """A tab's sections, scrolling down when the screen is too small to show them all, never
    sideways: the page is never narrower than its sections can get, and so sets how narrow
    the dialog can get (at the usual font sizes, as narrow as its buttons).

    A page a few pixels short of room gives them up from its margins instead of scrolling
    by a sliver (``given_up``): it scrolls by a line or more, or not at all.
    """

    def __init__(self, spoken: str, *sections: QWidget) -> None:
        super().__init__()
        # No Tab stop, as the window's pages (``scrolling.make_page``): the keyboard goes from
        # control to control, each scrolled into sight; the page had been a stop before the
        # first, drawn as nothing and read as a nameless pane. A screen reader says its tab.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(spoken)
        content = QWidget()
        #: What scrolls: the sections, one under another.
        self.content = content
        self._layout = QVBoxLayout(content)
        for section in sections:
            self._layout.addWidget(section)
        self._layout.addStretch(1)
        #: Pixels taken off the top and bottom margins (``_fit_height``).
        self.given_up = 0
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(content)
        content.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = content.minimumSizeHint().width() + scroll_bar + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Made smaller (or narrower: the sections wrap taller), the page kept its scroll and
        # the field being typed in went out of sight: it is brought back once the sections
        # are laid out at the new size. Only if it was in sight: one the user scrolled away
        # from (to read the page) stays away.
        old, new = event.oldSize(), event.size()
        shrunk = old.height() - new.height()
        keep = (shrunk > 0 or new.width() < old.width()) and self._focus_in_sight(
            self.viewport().height() + max(shrunk, 0)
        )
        # Fitted before the scroll area reads the sections' height: once it shows a scroll
        # bar, it keeps it while the page does not fit beside it.
        self._fit_height()
        super().resizeEvent(event)
        if keep:
            QTimer.singleShot(0, self, self.keep_focus_in_view)

    def _focus_on_page(self) -> QWidget | None:
        """The field the keyboard is on, if on this page."""
        focus = self.window().focusWidget()
        return focus if focus is not None and self.content.isAncestorOf(focus) else None

    def _focus_in_sight(self, height: int) -> bool:
        """Whether the field the keyboard is on shows in the viewport's top ``height``
        pixels (in part will do: it is the one being typed in)."""
        focus = self._focus_on_page()
        if focus is None:
            return False
        top = focus.mapTo(self.viewport(), QPoint(0, 0)).y()
        return top < height and top + focus.height() > 0

    def keep_focus_in_view(self) -> None:
        """Scroll the field the keyboard is on (if on this page) into view."""
        focus = self._focus_on_page()
        if focus is not None:
            self.ensureWidgetVisible(focus)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            # The sections ask for other room (a message shown, a text wrapped anew).
            self._fit_height()
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        content = self.content
        if watched is content and event.type() == QEvent.Type.LayoutRequest:
            # Grown before the sections are laid out in it: laid out in the room they had
            # until the scroll area got to it, they were squeezed into each other a moment.
            needed = content.heightForWidth(content.width())
            if needed > content.height():
                content.resize(content.width(), needed)
        return super().eventFilter(watched, event)

    def needed_height(self, width: int) -> int:
        """The height the sections need at ``width``, with the margins whole."""
        return least_height(self._layout, width) + self.given_up

    def _fit_height(self) -> None:
        """Give up the pixels the page lacks from its top and bottom margins, when it lacks
        fewer than a line and the margins hold them: a scroll bar that moves the page by a
        sliver is no use. Lacking more, the page scrolls, by a line or more.

        The room is measured as the scroll area measures it: the page's whole width while
        it shows no scroll bar, else the width beside the bar (which it keeps while the page
        does not fit beside it)."""
        room = page_room(self)
        short = self.needed_height(room.width()) - room.height()
        margins = self._style_margins()
        can = margins.top() + margins.bottom()
        give = short if 0 < short < self.fontMetrics().height() and short <= can else 0
        if give == self.given_up:
            return
        self.given_up = give
        if not give:
            self._layout.unsetContentsMargins()
            return
        top = min(give // 2, margins.top())
        bottom = give - top
        if bottom > margins.bottom():
            top, bottom = give - margins.bottom(), margins.bottom()
        self._layout.setContentsMargins(
            margins.left(), margins.top() - top, margins.right(), margins.bottom() - bottom
        )

    def _style_margins(self) -> QMargins:
        """The margins the style gives the sections (read each time: they are a window's
        until the content is put in the page, and follow the style)."""
        content = self.content
        style = content.style()
        metric = QStyle.PixelMetric
        left, top, right, bottom = (
            style.pixelMetric(side, None, content)
            for side in (
                metric.PM_LayoutLeftMargin,
                metric.PM_LayoutTopMargin,
                metric.PM_LayoutRightMargin,
                metric.PM_LayoutBottomMargin,
            )
        )
        return QMargins(left, top, right, bottom)
