"""The settings dialog: tabs that fit a small screen, values round-trip, problems are said under
their fields, the card preview follows."""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QTextDocument, QTextLayout, QTextOption, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.formatting import unbroken
from codex_presence_gui.core.models import Activity, ActivityKind
from codex_presence_gui.core.presence import (
    DEFAULT_CLIENT_ID,
    PRESETS,
    PresenceSettings,
    ProjectRule,
    RuleAction,
    compose_card,
)
from codex_presence_gui.core.sanitize import tooltip_html
from codex_presence_gui.core.settings import Settings, edited_over, save_settings
from codex_presence_gui.services.settings_store import SettingsStore
from codex_presence_gui.ui import settings_dialog
from codex_presence_gui.ui.folders import start_folder
from codex_presence_gui.ui.labels import WRAP_POINT
from codex_presence_gui.ui.settings_dialog import SettingsDialog
from tests.helpers.snapshots import NOW, limits, session


def preview(settings: PresenceSettings) -> list[str]:
    return ["Using Codex"] if settings.privacy_mode else ["Editing app.py · shop"]


def make(qtbot: QtBot, settings: Settings, *, tray: bool = True) -> SettingsDialog:
    dialog = SettingsDialog(settings, preview, tray_available=tray)
    qtbot.addWidget(dialog)
    return dialog


def test_values_round_trip(qtbot: QtBot, tmp_path: Path) -> None:
    """Opening and taking the value gives back the same settings; edits show up."""
    original = Settings(
        codex_homes=(str(tmp_path),), theme="dark", show_tokens=False, refresh_interval_s=3.5
    )
    dialog = make(qtbot, original)
    assert dialog.value() == original
    dialog.homes.setPlainText(f"{tmp_path}\n\n  {tmp_path / 'b'}  \n")
    dialog.toggles["show_model"].setChecked(False)
    dialog.launch_at_login.setChecked(True)
    value = dialog.value()
    assert value.codex_homes == (str(tmp_path), str(tmp_path / "b"))
    assert value.show_model is False
    assert value.launch_at_login is True


ID_PROBLEM = (
    "The Discord application id is a number of 17 to 20 digits "
    "(Discord Developer Portal → your application → Application ID)."
)


def test_a_refused_value_is_said_under_its_field(qtbot: QtBot, tmp_path: Path) -> None:
    """A bad client id is said under the id, on its tab (marked), and in the field's
    accessible description; OK then goes there instead of closing; corrected, all is gone.
    A missing folder is only flagged, under the folders."""
    dialog = make(qtbot, Settings())
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    advanced = dialog.tabs.widget(3)
    dialog.client_id.setText("my-app")
    assert dialog.client_id_messages.texts() == [ID_PROBLEM]
    assert advanced.isAncestorOf(dialog.client_id_messages)
    assert dialog.client_id.accessibleDescription() == ID_PROBLEM
    assert not dialog.tabs.tabIcon(3).isNull()
    assert dialog.tabs.tabIcon(0).isNull()
    assert dialog.problems.isHidden()  # nothing at the dialog's foot
    assert ok.isEnabled()  # pressed, it shows where the problem is

    with qtbot.assertNotEmitted(dialog.applied):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is advanced
    qtbot.waitUntil(dialog.client_id.hasFocus)
    assert dialog.client_id_messages.isVisible()

    dialog.client_id.setText("1470480085453770854")
    assert dialog.client_id_messages.texts() == []
    assert dialog.client_id_messages.isHidden()
    assert dialog.client_id.accessibleDescription() == ""
    assert dialog.tabs.tabIcon(3).isNull()
    dialog.homes.setPlainText(str(tmp_path / "not-yet"))
    assert any("does not exist yet" in text for text in dialog.homes_messages.texts())
    assert dialog.tabs.tabIcon(0).isNull()  # said, not refused
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply()
    assert applied.args[0].codex_homes == (str(tmp_path / "not-yet"),)


def test_a_file_for_the_codex_folder_is_refused_under_the_folders(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A file had been "does not exist yet; it will be used once Codex creates it", and
    saved: the window then waited for it for good."""
    dialog = make(qtbot, Settings())
    a_file = tmp_path / "config.toml"
    a_file.write_text("")
    dialog.homes.setPlainText(str(a_file))
    assert dialog.homes_messages.texts() == [
        f"{a_file} is a file, not a folder: choose Codex's folder (usually ~/.codex)."
    ]
    assert not dialog.tabs.tabIcon(0).isNull()  # refused
    with qtbot.assertNotEmitted(dialog.applied):
        assert not dialog.apply()


def test_preview_follows_privacy(qtbot: QtBot) -> None:
    """The card preview changes as privacy is switched; toggles grey out under privacy."""
    dialog = make(qtbot, Settings())
    assert dialog.preview.text() == "Editing app.py · shop"
    dialog.privacy.setChecked(True)
    assert dialog.preview.text() == "Using Codex"
    assert not dialog.toggles["show_project"].isEnabled()
    dialog.discord_enabled.setChecked(False)
    assert not dialog.client_id.isEnabled()


def test_the_preview_shows_names_like_markup_as_they_are(qtbot: QtBot) -> None:
    """A file or project named like HTML is shown as named, as Discord shows it: Qt had read
    the preview as rich text, drawing <b>x</b> bold (and <img src=…> loading a file)."""
    named = "Editing <b>x</b>.py · <img src='/etc/passwd'>"
    dialog = SettingsDialog(Settings(), lambda _presence: [named, "Model gpt-5"])
    qtbot.addWidget(dialog)
    assert dialog.preview.textFormat() == Qt.TextFormat.PlainText
    assert dialog.preview.text() == f"{named}\nModel gpt-5"


def test_close_to_tray_needs_a_tray(qtbot: QtBot) -> None:
    """Without a tray the choice is off and explained, and kept as it was saved: a run
    without a tray (started before the desktop's panel, or on another desktop) had saved it
    off with whatever else was changed, and the next run with a tray quit on closing."""
    for saved in (True, False):
        dialog = make(qtbot, Settings(close_to_tray=saved), tray=False)
        assert not dialog.close_to_tray.isEnabled()
        assert not dialog.close_to_tray.isChecked()
        assert dialog.close_to_tray.toolTip() == "This desktop has no system tray."
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        assert dialog.value() == Settings(close_to_tray=saved, theme="dark")


def test_notification_thresholds(qtbot: QtBot) -> None:
    """Typed as percentages left; anything else blocks saving with a reason."""
    dialog = make(qtbot, Settings())
    assert dialog.thresholds.text() == "25, 10, 5"
    assert dialog.thresholds.placeholderText() == "25, 10, 5"
    form_labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Notify when a window has this much left (%):" in form_labels
    dialog.thresholds.setText("20 50, 20 %, 0")
    value = dialog.value()
    assert value.notify_left_thresholds == (50, 20, 0)
    assert value.notify_used_thresholds == (50, 80, 100)
    assert dialog.thresholds_messages.texts() == []
    for bad in ("25, ten", "25, ²", "100", "25, -5"):  # ² is a digit to Python, not to int()
        dialog.thresholds.setText(bad)
        assert dialog.apply() is False, bad
    (said,) = dialog.thresholds_messages.texts()
    assert said.startswith("Notification thresholds are percentages left, from 0 to 99")
    # Emptied, it means what it shows in grey: the defaults (it had saved none, and no
    # window running low was said again, the box still ticked).
    dialog.thresholds.setText("  ")
    assert dialog.thresholds_messages.texts() == []
    assert dialog.value().notify_left_thresholds == (25, 10, 5)
    dialog.notify.setChecked(False)
    assert not dialog.thresholds.isEnabled()
    assert dialog.value().notifications_enabled is False


def test_saved_thresholds_show_as_left(qtbot: QtBot) -> None:
    """Settings holding 30 and 0 % left show them as typed, highest first."""
    dialog = make(qtbot, Settings(notify_left_thresholds=(30, 0)))
    assert dialog.thresholds.text() == "30, 0"
    assert dialog.value() == Settings(notify_left_thresholds=(30, 0))


#: Each tab's name and the controls on it.
PAGES = {
    "General": (
        "homes",
        "add_folder",
        "refresh",
        "on_top",
        "start_minimized",
        "close_to_tray",
        "launch_at_login",
        "theme",
    ),
    "Discord": ("discord_enabled", "privacy", "idle", "preview"),
    "Notifications": ("notify", "thresholds", "notify_resets"),
    "Advanced": ("client_id", "default_client_id"),
}


def test_every_tab_holds_its_controls(qtbot: QtBot) -> None:
    """Four tabs, each a frameless scrolling page; problems and buttons stay below them."""
    dialog = make(qtbot, Settings())
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == list(PAGES)
    for index, names in enumerate(PAGES.values()):
        page = dialog.tabs.widget(index)
        assert isinstance(page, QScrollArea)
        assert page.widgetResizable()
        assert page.frameShape() == QFrame.Shape.NoFrame
        for name in names:
            assert page.isAncestorOf(getattr(dialog, name)), name
    discord = dialog.tabs.widget(1)
    assert all(discord.isAncestorOf(box) for box in dialog.toggles.values())
    assert not dialog.tabs.isAncestorOf(dialog.problems)
    assert not dialog.tabs.isAncestorOf(dialog.buttons)


def test_fits_a_small_laptop_screen(qtbot: QtBot) -> None:
    """1366x768 at 125 % leaves about 1093x614 logical pixels, less the task and title bars;
    squeezed smaller still, the pages scroll and the buttons stay in view."""
    dialog = make(qtbot, Settings())
    assert dialog.sizeHint().width() <= 640
    assert dialog.sizeHint().height() <= 540
    dialog.client_id.setText("x")
    dialog.homes.setPlainText("/no/such/codex/folder")
    assert len(dialog.client_id_messages.texts()) == len(dialog.homes_messages.texts()) == 1
    assert dialog.sizeHint().width() <= 640
    assert dialog.sizeHint().height() <= 540
    dialog.resize(480, 320)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    page = dialog.tabs.currentWidget()
    assert isinstance(page, QScrollArea)
    assert page.verticalScrollBar().maximum() > 0
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    corner = cancel.mapTo(dialog, cancel.rect().bottomRight())
    assert cancel.isVisible()
    assert dialog.rect().contains(corner)


def test_the_default_application_id_is_one_click_away(qtbot: QtBot) -> None:
    dialog = make(qtbot, Settings(discord_client_id="123456789012345678"))
    dialog.default_client_id.click()
    assert dialog.value().discord_client_id == DEFAULT_CLIENT_ID


def test_problems_show_user_paths_as_text(qtbot: QtBot, tmp_path: Path) -> None:
    """A folder named like markup or with control characters is shown, not rendered."""
    dialog = make(qtbot, Settings())
    hostile = tmp_path / '<a href="https://evil.example">x</a>\x1b[2J\u202e'
    dialog.homes.setPlainText(str(hostile))
    (label,) = dialog.homes_messages.labels
    assert label.textFormat() is Qt.TextFormat.PlainText
    (text,) = dialog.homes_messages.texts()
    assert "does not exist yet" in text
    assert '<a href="https:/evil.example">x</a>' in text  # shown as written
    for said in (text, dialog.homes.accessibleDescription()):
        assert "\x1b" not in said
        assert "\u202e" not in said


def rule_preview(settings: PresenceSettings) -> list[str]:
    """The real composer on a session in ~/clients/acme, as the app's preview does."""
    from codex_presence_gui.core.presence import card_note, compose_card, preview_lines
    from tests.helpers.snapshots import NOW, session

    active = session("acme", cwd="/home/dev/clients/acme")
    card = compose_card(active, None, settings, NOW)
    return preview_lines(card, card_note(active, settings, NOW))


def test_the_dialog_edits_project_rules(qtbot: QtBot) -> None:
    """Add, fill in, reorder and remove rules from the keyboard's reach; an empty pattern or
    a missing alias blocks OK; the preview follows each edit."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction

    dialog = SettingsDialog(Settings(), rule_preview)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.rules_list.count() == 0
    assert not dialog.rule_pattern.isEnabled()
    assert dialog.preview.text().startswith("Running cargo test · acme (main)")

    qtbot.mouseClick(dialog.add_rule, Qt.MouseButton.LeftButton)
    assert dialog.rule_pattern.isEnabled()
    # A new rule has no pattern yet: said under the rule's fields.
    assert dialog.rule_messages.texts() == [
        "A project rule needs a pattern (for example ~/clients/* or acme-*)."
    ]
    assert not dialog.tabs.tabIcon(1).isNull()
    qtbot.keyClicks(dialog.rule_pattern, "~/CLIENTS/*")
    assert dialog.rule_messages.texts() == []
    assert ok.isEnabled()
    assert dialog.rules_list.item(0).text() == "~/CLIENTS/* → hide the card"
    assert dialog.value().project_rules == (ProjectRule("~/CLIENTS/*", RuleAction.HIDE),)
    dialog.rule_pattern.clear()
    qtbot.keyClicks(dialog.rule_pattern, "/home/dev/clients/*")
    assert dialog.preview.text() == (
        "(nothing: your Discord status is cleared)\n(Hidden by the rule /home/dev/clients/*.)"
    )

    qtbot.mouseClick(dialog.add_rule, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.rule_pattern, "acme")
    dialog.rule_action.setCurrentIndex(dialog.rule_action.findData("alias"))
    dialog.rule_action.activated.emit(dialog.rule_action.currentIndex())
    assert dialog.rule_alias.isEnabled()
    assert dialog.rule_messages.texts() == ["The rule for acme needs the name to show instead."]
    qtbot.keyClicks(dialog.rule_alias, "Client work")
    assert dialog.rule_messages.texts() == []
    # Moved first, the alias rule decides for acme.
    qtbot.mouseClick(dialog.rule_up, Qt.MouseButton.LeftButton)
    assert dialog.rules_list.currentRow() == 0
    assert [dialog.rules_list.item(i).text() for i in range(2)] == [
        'acme → show as "Client work"',
        "/home/dev/clients/* → hide the card",
    ]
    assert dialog.preview.text().startswith("Running command · Client work")
    assert "(Shown as Client work by the rule acme.)" in dialog.preview.text()
    qtbot.mouseClick(dialog.rule_down, Qt.MouseButton.LeftButton)
    assert dialog.value().project_rules[1].alias == "Client work"
    qtbot.mouseClick(dialog.remove_rule, Qt.MouseButton.LeftButton)
    assert dialog.value().project_rules == (ProjectRule("/home/dev/clients/*", RuleAction.HIDE),)
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply()
    assert applied.args[0].project_rules == dialog.value().project_rules


def test_presets_set_the_boxes_and_follow_them(qtbot: QtBot) -> None:
    """Choosing a preset sets the boxes; changing a box shows "Your own choice"."""
    dialog = make(qtbot, Settings())
    assert dialog.preset.currentData() == "full"
    dialog.preset.setCurrentIndex(dialog.preset.findData("minimal"))
    dialog.preset.activated.emit(dialog.preset.currentIndex())
    assert not any(box.isChecked() for box in dialog.toggles.values())
    dialog.preset.setCurrentIndex(dialog.preset.findData("standard"))
    dialog.preset.activated.emit(dialog.preset.currentIndex())
    checked = {key for key, box in dialog.toggles.items() if box.isChecked()}
    assert checked == {"show_project", "show_activity_target", "show_model"}
    dialog.toggles["show_tokens"].setChecked(True)
    assert dialog.preset.currentText() == "Your own choice"
    dialog.toggles["show_tokens"].setChecked(False)
    assert dialog.preset.currentData() == "standard"


def test_the_idle_clear_minutes(qtbot: QtBot) -> None:
    """0 reads "Never"; the value round-trips."""
    dialog = make(qtbot, Settings(idle_clear_minutes=0))
    assert dialog.idle_clear.text() == "Never"
    assert dialog.value().idle_clear_minutes == 0
    dialog.idle_clear.setValue(5)
    assert dialog.value().idle_clear_minutes == 5


def test_durations_are_written_as_everywhere_else(qtbot: QtBot) -> None:
    """The spin boxes write their durations in the app's units ("10 min" and "2.0 s" had
    stood beside "no activity for 10m" and "retrying in 25s")."""
    dialog = make(qtbot, Settings(idle_clear_minutes=10, refresh_interval_s=2.5))
    assert dialog.idle_clear.text() == "10m"
    assert dialog.refresh.text() == "2.5s"


def _wheel(widget: QWidget, steps: int) -> None:
    """One turn of the wheel over ``widget``'s middle (``steps`` notches, down if negative)."""
    middle = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        middle,
        QPointF(widget.mapToGlobal(middle.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_scrolling_a_page_does_not_change_the_field_under_the_pointer(qtbot: QtBot) -> None:
    """A wheel turned over a number or a choice the user has not clicked scrolls the page;
    once the field has focus, the wheel changes it as usual."""
    dialog = SettingsDialog(Settings(idle_clear_minutes=30))
    qtbot.addWidget(dialog)
    dialog.resize(480, 300)  # the Discord page scrolls
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitExposed(dialog)
    page = dialog.tabs.currentWidget()
    assert isinstance(page, QScrollArea)
    dialog.buttons.setFocus()
    page.ensureWidgetVisible(dialog.idle_clear)
    scrolled = page.verticalScrollBar().value()
    assert page.verticalScrollBar().maximum() > scrolled  # room to scroll down
    _wheel(dialog.idle_clear, -3)
    _wheel(dialog.idle, -1)
    assert page.verticalScrollBar().value() > scrolled  # the page took the wheel
    assert dialog.idle_clear.value() == 30
    assert dialog.idle.currentIndex() == 0
    dialog.idle_clear.setFocus()
    qtbot.waitUntil(dialog.idle_clear.hasFocus)
    _wheel(dialog.idle_clear, 1)
    assert dialog.idle_clear.value() == 31


def test_folders_from_the_command_line_are_said_to_win(qtbot: QtBot, tmp_path: Path) -> None:
    """Started with --codex-home, the window reads those folders whatever is set here: the
    dialog says so, instead of a saved folder that seems to do nothing."""
    given = str(tmp_path / "from-the-command-line")
    dialog = SettingsDialog(Settings(), command_line_homes=[given])
    qtbot.addWidget(dialog)
    assert dialog.homes_overridden is not None
    assert given in dialog.homes_overridden.text()
    assert unbroken("--codex-home") in dialog.homes_overridden.text()  # kept on one line
    plain = SettingsDialog(Settings())
    qtbot.addWidget(plain)
    assert plain.homes_overridden is None


def test_each_problem_is_under_its_own_field(qtbot: QtBot) -> None:
    """Every problem the dialog can meet is said under the field it is about, on that
    field's tab; none is said at the foot or twice."""
    from codex_presence_gui.core.presence import ProjectRule

    dialog = make(qtbot, Settings(project_rules=(ProjectRule(""),)))
    dialog.homes.setPlainText("general-logs/.codex")
    dialog.thresholds.setText("25, ten")
    dialog.client_id.setText("1")
    said = {key: field.messages.texts() for key, field in dialog.fields.items()}
    assert said == {
        "codex_homes": [
            "general-logs/.codex is not a full path: write it from the top "
            "(/home/you/.codex) or from your home folder (~/.codex)."
        ],
        "refresh_interval_s": [],
        "project_rules": ["A project rule needs a pattern (for example ~/clients/* or acme-*)."],
        "idle_clear_minutes": [],
        "notify_left_thresholds": [
            "Notification thresholds are percentages left, from 0 to 99 (for example 25, 10, 5)."
        ],
        "discord_client_id": [ID_PROBLEM],
    }
    for key, field in dialog.fields.items():
        assert field.page.isAncestorOf(field.widget), key
        assert field.page.isAncestorOf(field.messages), key
    tabs = [dialog.tabs.widget(index) for index in range(dialog.tabs.count())]
    assert [field.page for field in dialog.fields.values()] == sorted(
        (field.page for field in dialog.fields.values()), key=tabs.index
    )  # in the tabs' order: a refused OK goes to the first
    assert dialog.problems.isHidden()


def test_a_problem_no_field_shows_is_said_below_the_tabs(qtbot: QtBot) -> None:
    """A pause's end is set from the tray, not here: a bad one is said at the foot."""
    dialog = make(qtbot, Settings(discord_paused_until=float("nan")))
    assert not dialog.problems.isHidden()
    assert dialog.problems.text() == "The pause does not end at a usable time."
    assert dialog.problems.textFormat() is Qt.TextFormat.PlainText
    assert dialog.apply() is False


def test_a_refused_ok_goes_to_the_field_to_correct(qtbot: QtBot) -> None:
    """The first field to correct in the tabs' order, or the one on the tab in view; a
    refused rule is selected, its empty alias focused; a field to correct stays editable
    though the box that governs it is off."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction

    rules = (ProjectRule("~/clients/*"), ProjectRule("acme", RuleAction.ALIAS))
    dialog = make(qtbot, Settings(project_rules=rules))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.thresholds.setText("200")
    dialog.notify.setChecked(False)
    assert dialog.thresholds.isEnabled()  # else it could not be corrected
    assert not dialog.notify_resets.isEnabled()
    dialog.tabs.setCurrentIndex(3)
    assert dialog.apply() is False
    assert dialog.tabs.currentIndex() == 1  # Discord before Notifications
    assert dialog.rules_list.currentRow() == 1
    qtbot.waitUntil(dialog.rule_alias.hasFocus)
    said = "The rule for acme needs the name to show instead."
    assert dialog.rule_alias.accessibleDescription() == said
    page = dialog.tabs.currentWidget()
    assert isinstance(page, QScrollArea)
    shown = page.viewport().rect()
    for widget in (dialog.rule_alias, dialog.rule_messages):
        corner = widget.mapTo(page.viewport(), widget.rect().bottomLeft())
        assert shown.contains(corner), widget

    dialog.tabs.setCurrentIndex(2)  # the thresholds' tab: its problem comes first
    assert dialog.apply() is False
    assert dialog.tabs.currentIndex() == 2
    qtbot.waitUntil(dialog.thresholds.hasFocus)
    dialog.thresholds.setText("20")
    assert dialog.thresholds.isEnabled()  # still typed in
    dialog.rule_alias.setFocus()
    qtbot.waitUntil(lambda: not dialog.thresholds.isEnabled())  # left: back under its box
    qtbot.keyClicks(dialog.rule_alias, "Client work")
    with qtbot.waitSignal(dialog.applied):
        assert dialog.apply()


#: A folder named by a hash: no space, slash or hyphen where its message could wrap.
LONG_FOLDER = "/srv/" + "0123456789abcdef" * 10 + "/.codex"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_messages_fit_a_small_dialog_in_both_themes(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """At 480x320, light or dark, every tab with its messages is laid out without a clipped
    text, an overlap or a sideways scroll (a long folder's name wraps); the messages keep a
    readable colour."""
    from codex_presence_gui.core.presence import ProjectRule
    from codex_presence_gui.ui.layout_check import check_layout
    from codex_presence_gui.ui.theme import apply_theme, contrast_ratio

    try:
        apply_theme(qapp, theme)
        dialog = make(qtbot, Settings(project_rules=(ProjectRule(""),)))
        dialog.homes.setPlainText(f"relative/.codex\n{LONG_FOLDER}")
        dialog.thresholds.setText("25, ten")
        dialog.client_id.setText("my-app")
        dialog.resize(480, 320)
        dialog.show()
        qtbot.waitExposed(dialog)
        for index in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            QApplication.processEvents()
            assert check_layout(dialog) == [], dialog.tabs.tabText(index)
            page = dialog.tabs.currentWidget()
            assert isinstance(page, QScrollArea)
            assert page.horizontalScrollBar().maximum() == 0, dialog.tabs.tabText(index)
        labels = [label for field in dialog.fields.values() for label in field.messages.labels]
        assert len(labels) == 5
        for label in labels:
            palette = label.palette()
            text = palette.color(label.foregroundRole())
            window = palette.color(label.backgroundRole())
            assert contrast_ratio(text, window) >= 4.5, label.text()
    finally:
        apply_theme(qapp, "system")


def settle(window: QWidget) -> None:
    """Let Qt finish laying ``window`` out: a layout asks its parent's again by a posted
    event, one level of widgets per turn of the event loop."""
    before: list[QRect] = []
    for _ in range(20):
        QApplication.processEvents()
        now = [child.geometry() for child in window.findChildren(QWidget)]
        if now == before:
            return
        before = now


@pytest.mark.parametrize("width", [None, 480, 560])  # None: the dialog's narrowest
@pytest.mark.parametrize("tab", list(PAGES))
def test_no_page_scrolls_sideways(qtbot: QtBot, tab: str, width: int | None) -> None:
    """From the dialog's narrowest width up, no tab scrolls sideways and nothing on it is cut
    or overlaps: long check box texts and labels wrap, the choices narrow, buttons go under
    their field (General and Discord had scrolled sideways at 380 pixels and below, every tab
    at the dialog's narrowest). The tabs marked for their problems are whole too."""
    from codex_presence_gui.core.presence import PRESETS, ProjectRule, RuleAction
    from codex_presence_gui.ui.layout_check import check_layout

    rules = (
        ProjectRule(""),
        ProjectRule("~/work/clients/acme-internal/*", RuleAction.ALIAS, "Acme client work"),
    )
    # The longest texts: the minimal preset's, the idle card's, a note, messages.
    settings = Settings(project_rules=rules, **PRESETS["minimal"])
    dialog = SettingsDialog(
        settings,
        preview,
        command_line_homes=["/home/me/.codex"],
        discord_note="Started with --private: only “Using Codex” is sent this run.",
    )
    qtbot.addWidget(dialog)
    dialog.homes.setPlainText(f"relative/.codex\n{LONG_FOLDER}")
    dialog.thresholds.setText("25, ten")
    dialog.client_id.setText("my-app")
    dialog.show()
    qtbot.waitExposed(dialog)
    wanted = dialog.minimumSizeHint().width() if width is None else width
    dialog.resize(wanted, 420)
    dialog.tabs.setCurrentIndex(list(PAGES).index(tab))
    page = dialog.tabs.currentWidget()
    assert isinstance(page, QScrollArea)
    settle(dialog)
    assert dialog.width() == wanted
    content = page.widget()
    assert content is not None
    assert content.minimumSizeHint().width() <= page.viewport().width()
    assert page.horizontalScrollBar().maximum() == 0
    assert check_layout(dialog) == []


def shown_dialog(qtbot: QtBot, state: str) -> SettingsDialog:
    """The dialog of the layout matrix in ``state`` (``settings``: on defaults;
    ``settings-long``: its longest texts, with messages), shown at the size it opens at."""
    from tests.helpers.layout_matrix_run import settings_dialog

    dialog = settings_dialog(state)
    assert isinstance(dialog, SettingsDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(dialog)
    return dialog


def lacks(page: QScrollArea) -> int:
    """The pixels the page's viewport lacks to show all its sections: the bottom of the
    lowest, and the margin under it, past the viewport's height."""
    content = page.widget()
    assert content is not None
    bottoms = [
        child.geometry().bottom() + 1
        for child in content.findChildren(QWidget)
        if child.parentWidget() is content and child.isVisible()
    ]
    margin = content.layout().contentsMargins().bottom()
    return max(max(bottoms) + margin - page.viewport().height(), 0)


def scroll_problems(
    dialog: SettingsDialog, sizes: list[tuple[int, int]], check_every: int = 1
) -> list[str]:
    """On each tab at each size (no less than the dialog's least), how the page's scroll
    range differs from what it lacks, and what the layout check finds there (at every
    ``check_every``-th size: it takes a while)."""
    from codex_presence_gui.app import settle as before_a_paint
    from codex_presence_gui.ui.layout_check import check_layout

    found = []
    least = dialog.minimumSizeHint()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        page = dialog.tabs.currentWidget()
        assert isinstance(page, QScrollArea)
        for number, (width, height) in enumerate(sizes):
            dialog.resize(max(width, least.width()), max(height, least.height()))
            before_a_paint()
            where = f"{dialog.width()}x{dialog.height()} {dialog.tabs.tabText(index)}"
            scrolls, needed = page.verticalScrollBar().maximum(), lacks(page)
            if scrolls != needed:
                found.append(f"{where}: scrolls {scrolls} px, lacks {needed} px")
            if 0 < scrolls < page.fontMetrics().height():
                found.append(f"{where}: scrolls by a sliver, {scrolls} px")
            if number % check_every == 0:
                found += [f"{where}: {problem}" for problem in check_layout(dialog)]
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("state", ["settings", "settings-long"])
def test_a_page_scrolls_by_what_it_lacks(
    qtbot: QtBot, qapp: QApplication, state: str, theme: str
) -> None:
    """From the least width up, a page scrolls by as much as it lacks to show its sections,
    nothing more, and not by a sliver (the layout check): the pages' least heights were
    those of their wrapped texts at the narrowest, so every page stayed that tall at any
    width (Notifications scrolled 5 px through empty room at 352x300, General 83 px at
    480x420), and the texts are never cut."""
    from codex_presence_gui.ui.theme import apply_theme

    try:
        apply_theme(qapp, theme)
        dialog = shown_dialog(qtbot, state)
        opened = (dialog.width(), dialog.height())
        sizes = [opened, (0, 300), (0, 420), (480, 420), (560, 300), (1000, 800)]
        assert scroll_problems(dialog, sizes) == []
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("tab", [0, 2])  # General, Notifications
def test_a_page_a_few_pixels_short_gives_them_up(qtbot: QtBot, tab: int) -> None:
    """A page short of less than a line takes the pixels from its margins and shows no
    scroll bar; short of a line or more, it scrolls by that much, its margins whole."""
    from codex_presence_gui.ui.layout_check import check_layout

    dialog = shown_dialog(qtbot, "settings")
    dialog.tabs.setCurrentIndex(tab)
    page = dialog.tabs.currentWidget()
    assert isinstance(page, QScrollArea)
    dialog.resize(480, 900)
    settle(dialog)
    room = page.maximumViewportSize()
    around = dialog.height() - room.height()
    needed = page.needed_height(room.width())
    line = page.fontMetrics().height()
    dialog.resize(480, needed + around - 5)
    settle(dialog)
    assert page.given_up == 5
    assert not page.verticalScrollBar().isVisible()
    assert lacks(page) == 0
    assert check_layout(dialog) == []
    dialog.resize(480, needed + around - line - 2)
    settle(dialog)
    assert page.given_up == 0
    assert page.verticalScrollBar().maximum() == lacks(page) >= line
    assert check_layout(dialog) == []


@pytest.mark.slow
@pytest.mark.parametrize("state", ["settings", "settings-long"])
def test_no_page_scrolls_by_a_sliver_at_any_size(qtbot: QtBot, state: str) -> None:
    """Widths from the least up, heights by 5 px (a sliver spans up to a line), growing then
    shrinking (a scroll bar shown stays while the page would not fit beside it): every tab
    scrolls by what it lacks, a line or more, or not at all, and nothing is cut."""
    dialog = shown_dialog(qtbot, state)
    heights = [*range(200, 821, 5), *range(820, 199, -5)]
    for width in (0, 480, 800):
        sizes = [(width, height) for height in heights]
        assert scroll_problems(dialog, sizes, check_every=23) == [], width


def test_the_dialog_narrows_to_its_tabs(qtbot: QtBot) -> None:
    """The dialog can be as narrow as its tabs need, each shown whole (OK, Cancel and Apply
    need less), and every page narrows as far: at its narrowest the tab bar had scrolled,
    showing "eneral" and hiding "Advanced" behind two arrows."""
    from codex_presence_gui.ui.layout_check import check_layout

    dialog = make(qtbot, Settings())
    margins = dialog.layout().contentsMargins()
    sides = margins.left() + margins.right()
    tabs = dialog.tabs.minimumSizeHint().width() + sides
    assert dialog.buttons.minimumSizeHint().width() + sides < tabs
    assert dialog.minimumSizeHint().width() == tabs
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.minimumSizeHint().width(), 420)
    settle(dialog)
    bar = dialog.tabs.tabBar()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        settle(dialog)
        assert all(bar.rect().contains(bar.tabRect(i)) for i in range(bar.count()))
        assert check_layout(dialog) == [], dialog.tabs.tabText(index)


def test_a_wrapping_check_box_is_one_control(qtbot: QtBot) -> None:
    """A check box whose text wraps is ticked by a click on its text too, says its text to a
    screen reader, and greys out whole."""
    dialog = make(qtbot, Settings(always_on_top=False))
    dialog.resize(dialog.minimumSizeHint().width(), 420)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.on_top
    label = box.findChild(QLabel)
    assert label is not None
    qtbot.waitUntil(lambda: label.height() > box.fontMetrics().height())  # wrapped
    assert box.accessibleName() == label.text() == "Keep the window above other windows"
    qtbot.mouseClick(
        label, Qt.MouseButton.LeftButton, pos=label.rect().bottomLeft() + QPoint(4, -4)
    )
    assert box.isChecked()
    assert dialog.value().always_on_top is True
    box.setEnabled(False)
    assert not label.isEnabled()


@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
def test_a_wrapping_check_box_keeps_its_text_off_its_box(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The text beside the box, in either direction: right to left, the text had been laid
    over the box (the style's text rectangle, already mirrored, was mirrored again), the box
    drawn over the last letters of "Git branch" and "Tokens"."""
    from PySide6.QtWidgets import QStyle, QStyleOptionButton

    dialog = make(qtbot, Settings())
    dialog.setLayoutDirection(direction)
    dialog.resize(560, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    settle(dialog)
    for box in [dialog.discord_enabled, *dialog.toggles.values()]:
        option = QStyleOptionButton()
        box.initStyleOption(option)
        option.rect = box.rect()
        indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        text = box.label.geometry()
        beside = text.left() > indicator.right() or text.right() < indicator.left()
        assert beside, (box.accessibleName(), text, indicator)
        assert box.rect().contains(text)


@pytest.mark.parametrize("width", [300, 340, 380, 420, 480])
def test_one_line_fields_show_their_value_in_a_narrow_dialog(qtbot: QtBot, width: int) -> None:
    """Narrowed, a form puts a long label above its field rather than squeeze the field
    beside it: the application id had shown two of its 19 digits at 340 pixels, and the
    thresholds "5, 1" at 380."""
    dialog = make(qtbot, Settings(notify_left_thresholds=(25, 10, 5, 0)))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(width, 420)
    for field in (dialog.thresholds, dialog.client_id):
        dialog.tabs.setCurrentWidget(dialog.tabs.widget(2 if field is dialog.thresholds else 3))
        QApplication.processEvents()
        # What the field needs besides its text: its size hint is 17 x's wide with it.
        metrics = field.fontMetrics()
        frame = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        needed = metrics.horizontalAdvance(field.text()) + frame
        assert field.width() >= needed, (field.accessibleName(), field.width(), needed)


def test_a_command_line_that_turns_discord_off_is_said_on_its_tab(qtbot: QtBot) -> None:
    """Started with --no-discord (or --private), the Discord tab says what the boxes there do
    for this run: it had shown "Show what I am doing" ticked, with nothing sent."""
    from codex_presence_gui.app import _discord_note
    from codex_presence_gui.cli import build_parser

    note = _discord_note(build_parser().parse_args(["--no-discord"]))
    assert f"started with {unbroken('--no-discord')}:" in note  # kept on one line
    assert f"started with {unbroken('--private')}:" in _discord_note(
        build_parser().parse_args(["--private"])
    )
    assert _discord_note(build_parser().parse_args([])) == ""
    dialog = SettingsDialog(Settings(), discord_note=note)
    qtbot.addWidget(dialog)
    assert dialog.discord_overridden is not None
    assert dialog.discord_overridden.text() == note
    plain = SettingsDialog(Settings())
    qtbot.addWidget(plain)
    assert plain.discord_overridden is None


def _lines(label: QLabel, width: int) -> list[str]:
    """The lines ``label``'s text wraps into at ``width`` pixels, as its word wrap breaks it."""
    text = label.text()
    layout = QTextLayout(text, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return lines


def test_an_option_named_in_a_note_is_never_broken(qtbot: QtBot) -> None:
    """The notes that name this run's command-line option keep it on one line at any width:
    the narrow dialog had read "started with --" / "codex-home", and "--" / "no-discord"."""
    from codex_presence_gui.app import _discord_note
    from codex_presence_gui.cli import build_parser
    from codex_presence_gui.core.formatting import NO_BREAK_HYPHEN

    for flag in ("--no-discord", "--private"):
        dialog = SettingsDialog(
            Settings(),
            preview,
            command_line_homes=["/home/me/.codex"],
            discord_note=_discord_note(build_parser().parse_args([flag])),
        )
        qtbot.addWidget(dialog)
        notes = {"--codex-home": dialog.homes_overridden, flag: dialog.discord_overridden}
        for option, note in notes.items():
            assert note is not None
            assert option in note.text().replace(NO_BREAK_HYPHEN, "-")  # reads as typed
            shown = unbroken(option)
            for width in range(note.fontMetrics().horizontalAdvance(shown), 600, 2):
                assert any(shown in line for line in _lines(note, width)), (option, width)


def test_add_folder_opens_beside_the_listed_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work" / ".codex").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert start_folder([str(tmp_path / "work" / ".codex")]) == str(tmp_path / "work")
    assert start_folder(["~/work/.codex/", ""]) == str(tmp_path / "work")
    assert start_folder([]) == str(tmp_path)  # nothing listed: the home folder
    assert start_folder(["/nowhere/at/all"]) == str(tmp_path)
    assert start_folder(["~/a\x00b/x"]) == str(tmp_path)  # had raised out of the slot


def test_add_folder_takes_the_folder_above_codexs_logs(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codex's ``sessions`` folder chosen with Add folder…: the folder that holds it is
    listed, the one Codex's logs are read from."""
    home = tmp_path / "codex"
    (home / "sessions" / "2026").mkdir(parents=True)
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "no-codex-here"))  # none to keep
    monkeypatch.setattr(settings_dialog, "choose_folder", lambda *args: str(home / "sessions"))
    dialog = make(qtbot, Settings())
    dialog.add_folder.click()
    assert dialog.homes.toPlainText() == str(home)


def test_add_folder_to_the_empty_list_keeps_the_folder_it_stood_for(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The empty list reads $CODEX_HOME (else ~/.codex); a folder added to it is a second
    one, so that folder is listed first. It had been replaced, and its sessions left the
    window at Apply (found by a helper adding a second Codex folder on a desktop)."""
    default, other = tmp_path / ".codex", tmp_path / "wsl" / ".codex"
    default.mkdir()
    other.mkdir(parents=True)
    monkeypatch.setenv("CODEX_HOME", str(default))
    monkeypatch.setattr(settings_dialog, "choose_folder", lambda *args: str(other))
    dialog = make(qtbot, Settings())
    dialog.add_folder.click()
    assert dialog.homes.toPlainText().splitlines() == [str(default), str(other)]
    dialog.add_folder.click()  # a list of its own: added to, as it is
    assert dialog.homes.toPlainText().splitlines() == [str(default), str(other), str(other)]
    monkeypatch.setattr(settings_dialog, "choose_folder", lambda *args: str(default))
    dialog = make(qtbot, Settings())
    dialog.add_folder.click()  # that very folder chosen: listed once
    assert dialog.homes.toPlainText() == str(default)


def test_opens_with_its_pages_in_view_where_the_screen_has_room(qtbot: QtBot) -> None:
    """Shown at no size of its own, the dialog grows to its tallest page (General had
    scrolled by a few pixels), within the screen; its size hint stays small."""
    dialog = make(qtbot, Settings())
    hint = dialog.sizeHint()
    dialog.show()
    qtbot.waitExposed(dialog)
    room = dialog.screen().availableGeometry()
    assert dialog.height() > hint.height()
    assert dialog.height() <= room.height()
    assert dialog.width() <= room.width()
    for index in (0, 2, 3):  # General, Notifications, Advanced
        dialog.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        page = dialog.tabs.currentWidget()
        assert isinstance(page, QScrollArea)
        assert page.verticalScrollBar().maximum() == 0, dialog.tabs.tabText(index)


def test_a_dialog_grown_to_its_pages_stays_on_the_screen(qtbot: QtBot) -> None:
    """Over a window near the screen's corner, the grown dialog is placed whole on screen
    (it had grown past the edge after Qt had placed it at its small size)."""
    parent = QWidget()
    qtbot.addWidget(parent)
    room = parent.screen().availableGeometry()
    parent.setGeometry(room.right() - 320, room.bottom() - 220, 300, 200)
    parent.show()
    qtbot.waitExposed(parent)
    dialog = SettingsDialog(Settings(), parent=parent)
    dialog.open()
    qtbot.waitExposed(dialog)
    frame = dialog.geometry()
    assert frame.height() > dialog.sizeHint().height()
    assert room.contains(frame), (room, frame)


def test_a_folder_name_is_shown_as_written(qtbot: QtBot) -> None:
    """A folder named like markup is text, not formatting."""
    dialog = make(qtbot, Settings())
    odd = "/data/<b>client</b>/codex"
    noted = SettingsDialog(Settings(), command_line_homes=[odd])
    qtbot.addWidget(noted)
    assert noted.homes_overridden is not None
    assert noted.homes_overridden.textFormat() is Qt.TextFormat.PlainText
    assert odd in noted.homes_overridden.text()
    assert dialog.homes_overridden is None


def test_tab_leaves_the_folders_box(qtbot: QtBot) -> None:
    """The folders box is one field among others: Tab moves on to the next one (Add folder…)
    instead of typing a tab into the box, which kept keyboard users in it."""
    dialog = make(qtbot, Settings(codex_homes=["/home/me/.codex"]))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.homes.setFocus()
    qtbot.waitUntil(dialog.homes.hasFocus)
    qtbot.keyClick(dialog.homes, Qt.Key.Key_Tab)
    assert dialog.homes.toPlainText() == "/home/me/.codex"
    assert not dialog.homes.hasFocus()
    assert dialog.add_folder.hasFocus()


def test_tab_goes_from_the_tabs_to_the_first_field_never_to_the_page(qtbot: QtBot) -> None:
    """On each tab, Tab from the tab bar reaches the page's first control, and Tab round the
    dialog stops only at controls: the scrolling page itself had been a stop, between the
    tab bar and the first field, where nothing showed the focus and a screen reader heard a
    nameless pane. The page is told by its tab's name."""
    dialog = make(qtbot, Settings())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    bar = dialog.tabs.tabBar()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        page = dialog.tabs.widget(index)
        assert isinstance(page, QScrollArea)
        assert page.accessibleName() == dialog.tabs.tabText(index)
        bar.setFocus(Qt.FocusReason.TabFocusReason)
        stops: list[QWidget] = []
        for _ in range(40):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            focused = QApplication.focusWidget()
            if focused is bar:
                break
            stops.append(focused)
        assert stops
        assert page.isAncestorOf(stops[0])
        assert all(not isinstance(stop, QScrollArea) for stop in stops)


@pytest.mark.parametrize("field", ["client_id", "thresholds"])
def test_a_refused_field_under_a_box_that_is_off_keeps_the_focus_while_corrected(
    qtbot: QtBot, field: str
) -> None:
    """Discord (or notifications) off, a refused id (or threshold): OK goes to the field,
    and the keys typed to correct it stay in it (the field was greyed and made editable
    again on each key, which sent the focus and the next keys to another control)."""
    dialog = make(qtbot, Settings(discord_enabled=False, notifications_enabled=False))
    dialog.show()
    qtbot.waitExposed(dialog)
    widget = getattr(dialog, field)
    bad, good = ("x", "1470480085453770854") if field == "client_id" else ("25, ten", "25, 10")
    widget.setText(bad)
    assert widget.isEnabled()  # refused: open to correct, though its box is off
    assert not dialog.apply()
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, good)
    assert widget.text() == good
    assert widget.hasFocus()
    assert dialog.apply()


def test_a_rule_message_is_about_the_rule_its_fields_show(qtbot: QtBot) -> None:
    """The fields show the selected rule: only its problem is said under them; another
    rule that cannot be saved is counted there and marked in the list (every rule's
    problem had been said under whichever rule was selected, and read out as its
    description)."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction

    rules = (ProjectRule("", RuleAction.HIDE), ProjectRule("~/ok/*", RuleAction.HIDE))
    dialog = make(qtbot, Settings(project_rules=rules))
    needs = "A project rule needs a pattern (for example ~/clients/* or acme-*)."
    assert dialog.rules_list.currentRow() == 0
    assert dialog.rule_messages.texts() == [needs]
    assert dialog.rules_list.item(0).toolTip() == tooltip_html(needs)  # marked, says why
    assert dialog.rules_list.item(1).toolTip() == ""
    dialog.rules_list.setCurrentRow(1)
    also = "Also another rule in the list cannot be saved yet (marked ⚠)."
    assert dialog.rule_messages.texts() == [also]
    assert dialog.rule_pattern.accessibleDescription() == also
    dialog.rules_list.setCurrentRow(0)
    qtbot.keyClicks(dialog.rule_pattern, "acme")
    assert dialog.rule_messages.texts() == []
    assert dialog.rules_list.item(0).icon().isNull()


def test_a_rule_marked_in_the_list_says_its_pattern_as_written(qtbot: QtBot) -> None:
    """The mark's tooltip quotes the pattern: one written like markup is shown as written
    (Qt had read the tooltip as rich text)."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction

    dialog = make(qtbot, Settings(project_rules=(ProjectRule("<b>acme</b>", RuleAction.ALIAS),)))
    tip = dialog.rules_list.item(0).toolTip()
    assert "&lt;b&gt;acme&lt;/b&gt;" in tip
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText() == "The rule for <b>acme</b> needs the name to show instead."


def test_an_alias_left_in_a_hidden_rule_is_neither_saved_nor_refused(qtbot: QtBot) -> None:
    """An alias typed, then the rule turned to Hide: the greyed alias is not refused (OK had
    gone to correct it in a field it had greyed) and not saved."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction

    dialog = make(qtbot, Settings(project_rules=(ProjectRule("acme", RuleAction.ALIAS, "x"),)))
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.rule_alias, "y" * 600)
    assert dialog.rule_messages.texts() != []  # too long for an alias
    dialog.rule_action.setCurrentIndex(dialog.rule_action.findData("hide"))
    dialog.rule_action.activated.emit(dialog.rule_action.currentIndex())
    assert not dialog.rule_alias.isEnabled()
    assert dialog.rule_messages.texts() == []
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply()
    assert applied.args[0].project_rules == (ProjectRule("acme", RuleAction.HIDE),)


class _NewRule:
    """A dialog ``width`` by ``height``, on its Discord tab, a rule just added: the keyboard
    is on its pattern, low on the page, to type it."""

    def __init__(self, qtbot: QtBot, width: int, height: int) -> None:
        self.dialog = dialog = make(qtbot, Settings())
        dialog.resize(width, height)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        dialog.tabs.setCurrentIndex(1)  # Discord: the rules' fields are at its bottom
        settle(dialog)
        dialog.add_rule.click()
        self.field = dialog.rule_pattern
        qtbot.waitUntil(self.field.hasFocus)
        page = dialog.tabs.currentWidget()
        assert isinstance(page, QScrollArea)
        self.page = page

    def in_sight(self, whole: bool = True) -> bool:
        """Whether the pattern shows (in part will do, unless ``whole``)."""
        viewport = self.page.viewport()
        field = QRect(self.field.mapTo(viewport, QPoint(0, 0)), self.field.size())
        return viewport.rect().contains(field) if whole else viewport.rect().intersects(field)


def test_a_dialog_made_smaller_keeps_the_field_being_typed_in_in_sight(qtbot: QtBot) -> None:
    """Shrunk with the keyboard on a field low on its page, the page scrolls to that field:
    it had kept its scroll, and the field went out of sight under the user's typing."""
    rule = _NewRule(qtbot, 560, 900)
    assert rule.in_sight()
    rule.dialog.resize(560, 320)
    settle(rule.dialog)
    qtbot.waitUntil(rule.in_sight, timeout=2000)


def test_an_added_rule_is_in_sight_and_the_users_own_scroll_is_kept(qtbot: QtBot) -> None:
    """A rule added low on a short page has its pattern, which has the keyboard, scrolled
    into sight (it had stayed below the page's edge). Scrolled away from it (with the wheel,
    to read the page's top), the page stays where the user put it when the dialog is made
    smaller: it had jumped back to the field."""
    rule = _NewRule(qtbot, 560, 420)
    qtbot.waitUntil(lambda: rule.in_sight(whole=False), timeout=2000)
    scroll = rule.page.verticalScrollBar()
    scroll.setValue(0)  # the user's wheel, to the page's top
    assert not rule.in_sight(whole=False)
    rule.dialog.resize(560, 320)
    settle(rule.dialog)
    qtbot.wait(50)
    assert rule.field.hasFocus()
    assert scroll.value() == 0


def test_a_dialog_made_narrower_keeps_the_field_being_typed_in_in_sight(qtbot: QtBot) -> None:
    """Narrowed, the sections above a rule's pattern wrap taller and push it down: the page
    scrolls with it (it had gone below the page's edge under the user's typing)."""
    rule = _NewRule(qtbot, 700, 420)
    qtbot.waitUntil(rule.in_sight, timeout=2000)
    rule.dialog.resize(rule.dialog.minimumSizeHint().width(), 420)
    settle(rule.dialog)
    qtbot.waitUntil(rule.in_sight, timeout=2000)


def test_texts_read_as_written_in_a_right_to_left_dialog(qtbot: QtBot) -> None:
    """Right to left, the buttons', the boxes' (and their lists') and the rules' texts read
    as written: "Add folder…", 'Show "Codex is open, no session running"' and "(no pattern
    yet) → hide the card" had been drawn "…Add folder", '"Show "Codex is open, no session
    running' and "hide the card → (no pattern yet)" (their ends took the window's
    direction); and so does a choice cut to fit its box, its "…" at its end."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction
    from codex_presence_gui.ui.labels import LEFT_TO_RIGHT_MARK
    from tests.helpers.bidi import reading_order

    rules = (ProjectRule(""), ProjectRule("~/work/clients/*", RuleAction.ALIAS, "Client work"))
    dialog = make(qtbot, Settings(project_rules=rules))
    dialog.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    dialog.resize(560, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    drawn: list[tuple[str, QWidget]] = []
    for button in dialog.findChildren(QPushButton):
        drawn.append((button.text().replace("&", ""), button))
    for box in dialog.findChildren(QComboBox):
        drawn += [(box.itemText(index), box) for index in range(box.count())]
    rules_view = dialog.rules_list
    for row in range(rules_view.count()):
        option = QStyleOptionViewItem()
        rules_view.initViewItemOption(option)
        index = rules_view.model().index(row, 0)
        rules_view.itemDelegateForIndex(index).initStyleOption(option, index)
        drawn.append((option.text, rules_view))
    idle = dialog.idle  # cut to fit its box, as it paints itself
    cut = idle.fontMetrics().elidedText(idle.itemText(0), Qt.TextElideMode.ElideRight, 90)
    assert cut.replace(LEFT_TO_RIGHT_MARK, "").endswith("…")
    drawn.append((cut, idle))
    written = set()
    for text, widget in drawn:
        assert widget.layoutDirection() == Qt.LayoutDirection.RightToLeft
        as_written = text.replace(LEFT_TO_RIGHT_MARK, "")
        shown = reading_order(text, widget.font(), widget.layoutDirection())
        assert shown == as_written, (type(widget).__name__, shown, as_written)
        written.add(as_written)
    assert {
        "Add folder…",
        'Show "Codex is open, no session running"',
        "(no pattern yet) → hide the card",
        '~/work/clients/* → show as "Client work"',
    } <= written


def test_what_the_minimal_and_private_choices_quote_is_on_their_cards(qtbot: QtBot) -> None:
    """Minimal had promised "Using Codex" and the kind of work, but its card says only
    "Editing" (Discord heads it with the application's name); "Using Codex" is the private
    card's. Each text a choice quotes is on the card it makes."""
    dialog = make(qtbot, Settings())
    editing = session(activity=Activity(ActivityKind.EDITING, "app.py"))
    on = PresenceSettings(enabled=True)
    choices = [
        (dialog.preset.itemText(dialog.preset.findData("minimal")), PRESETS["minimal"]),
        (dialog.privacy.accessibleName(), {"privacy_mode": True}),
    ]
    for label, changes in choices:
        card = compose_card(editing, limits(), replace(on, **changes), NOW)
        assert card is not None
        shown = " · ".join(part for part in (card.details, card.state) if part)
        quoted = re.findall(r'"([^"]+)"', label)
        assert quoted, label
        assert [text for text in quoted if text not in shown] == [], (label, shown)


def test_the_thresholds_note_says_zero_as_its_tooltip_does(qtbot: QtBot) -> None:
    """The thresholds are percentages left: their note had said "0 means all used" under a
    tooltip saying "0 means the limit is reached"."""
    dialog = make(qtbot, Settings())
    notes = [label.text() for label in dialog.findChildren(QLabel) if "0 means" in label.text()]
    assert notes == [
        "Separated by commas; each is said once per window. 0 means the limit is reached."
    ]
    assert dialog.thresholds.toolTip().endswith("0 means the limit is reached.")


def test_a_rule_added_from_the_keyboard_has_its_pattern_ringed(qtbot: QtBot) -> None:
    """Add pressed from the keyboard gives it to the new rule's pattern with its focus ring:
    Qt stops drawing rings at any move of the focus but Tab's, and the field had the
    keyboard with no sign of it."""
    from codex_presence_gui.ui.accessible import show_focus_rings

    dialog = make(qtbot, Settings())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.add_rule.setFocus(Qt.FocusReason.TabFocusReason)
    show_focus_rings(dialog)  # as Tab to the button leaves it
    qtbot.keyClick(dialog.add_rule, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.rule_pattern.hasFocus)
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)


def test_folders_past_the_most_read_are_said_not_read(qtbot: QtBot, tmp_path: Path) -> None:
    """A settings file naming thousands of folders: the first MAX_HOMES are read and looked
    at, the others are said not to be, in one message under the folders; not refused (a
    save keeps them all)."""
    from codex_presence_gui.core.discovery import MAX_HOMES

    homes = tuple(str(tmp_path / f"codex-{number}") for number in range(2000))
    for home in homes[:MAX_HOMES]:
        Path(home, "sessions").mkdir(parents=True)
    dialog = make(qtbot, Settings(codex_homes=homes))
    assert dialog.homes_messages.texts() == [
        f"Only the first {MAX_HOMES} Codex folders are read; the 1,936 folders after them are not."
    ]
    assert dialog.tabs.tabIcon(0).isNull()  # said, not refused
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply()
    assert applied.args[0].codex_homes == homes


# -- changes made elsewhere while the dialog is open ---------------------------------------

OTHER_ID = "123456789012345678"


def open_over(qtbot: QtBot, path: Path, settings: Settings) -> tuple[SettingsStore, SettingsDialog]:
    """A store on a settings file holding ``settings``, and a dialog on it told of each change,
    as the app wires them."""
    save_settings(path, settings)
    store = SettingsStore(path)
    dialog = SettingsDialog(store.settings, preview, in_use=store.settings)
    qtbot.addWidget(dialog)

    def changed() -> None:
        dialog.show_in_use(store.settings, by_hand=store.by_hand)

    store.changed.connect(changed)
    return store, dialog


def edit_by_hand(path: Path, change: dict[str, object]) -> None:
    """What a user does in an editor: the file read, changed and written in place."""
    document = json.loads(path.read_text())
    document.update(change)
    path.write_text(json.dumps(document, indent=2))


def test_a_hand_edit_shows_in_the_fields_not_changed_here(qtbot: QtBot, tmp_path: Path) -> None:
    """settings.json edited while the dialog is open: the fields the user has not changed show
    the new values (the field being typed in keeps the focus and its caret), the one they
    changed keeps theirs, and nothing is said: there is no clash. The dialog's OK then
    saves only its own change; it had shown the values it opened with, and the user took
    them for those in use."""
    path = tmp_path / "settings.json"
    store, dialog = open_over(qtbot, path, Settings(theme="light"))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.tabs.setCurrentIndex(3)
    dialog.client_id.setFocus()
    qtbot.waitUntil(dialog.client_id.hasFocus)
    dialog.client_id.setCursorPosition(4)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    store.watch()
    edit_by_hand(
        path,
        {"refresh_interval_s": 10.0, "discord_client_id": OTHER_ID, "show_model": False},
    )
    qtbot.waitUntil(lambda: dialog.refresh.value() == 10.0, timeout=5000)
    assert dialog.client_id.text() == OTHER_ID
    assert dialog.client_id.hasFocus()
    assert dialog.client_id.cursorPosition() == 4
    assert not dialog.toggles["show_model"].isChecked()
    assert dialog.theme.currentData() == "dark"  # the user's
    assert dialog.changed_elsewhere.isHidden()
    ok = edited_over(store.settings, dialog.in_use, dialog.value())
    assert ok == replace(store.settings, theme="dark")


def test_a_change_undone_in_the_dialog_is_no_change(qtbot: QtBot, tmp_path: Path) -> None:
    """A field changed in the dialog and changed back is one the user has not changed: a
    hand edit of it shows, and no clash is said."""
    path = tmp_path / "settings.json"
    store, dialog = open_over(qtbot, path, Settings(refresh_interval_s=2.0))
    dialog.refresh.setValue(5.0)
    dialog.refresh.setValue(2.0)
    edit_by_hand(path, {"refresh_interval_s": 10.0})
    assert store.take_hand_edits()
    assert dialog.refresh.value() == 10.0
    assert dialog.changed_elsewhere.isHidden()


def test_a_clash_is_said_and_ok_keeps_the_dialogs_value(qtbot: QtBot, tmp_path: Path) -> None:
    """A setting the user changed in the dialog, changed in the file too: the field keeps
    the user's value (the latest thing they did), and a note below the tabs says what the
    file holds and that OK saves theirs instead; had it not, the hand edit was lost unsaid.
    The user's value set as the file's again, nothing is said; Apply saves it."""
    path = tmp_path / "settings.json"
    store, dialog = open_over(qtbot, path, Settings(refresh_interval_s=2.0))
    dialog.refresh.setValue(5.0)
    edit_by_hand(path, {"refresh_interval_s": 10.0})
    assert store.take_hand_edits()
    assert dialog.refresh.value() == 5.0
    note = dialog.changed_elsewhere
    assert not note.isHidden()
    said = (
        'settings.json was changed while this dialog was open: "Check for changes at least '
        'every" is now 10s there. OK saves what you chose here instead; Cancel keeps it.'
    )
    assert note.accessibleName() == said
    assert note.text().replace(WRAP_POINT, "") == said
    dialog.refresh.setValue(10.0)
    assert note.isHidden()  # as in the file: nothing to say
    dialog.refresh.setValue(5.0)
    assert not note.isHidden()
    saved: list[Settings] = []

    def save(settings: Settings) -> None:  # as the app does
        saved.append(edited_over(store.settings, dialog.in_use, settings))
        store.update(saved[-1])

    dialog.applied.connect(save)
    assert dialog.apply()
    assert store.settings.refresh_interval_s == 5.0
    assert json.loads(path.read_text())["refresh_interval_s"] == 5.0
    assert note.isHidden()  # in use now


def test_an_unreadable_edit_leaves_the_dialog_as_it_was(qtbot: QtBot, tmp_path: Path) -> None:
    """An edit that leaves the file unreadable (a comma too many) changes nothing in the
    dialog, which says nothing of it (the store says it, once); fixed, it shows."""
    path = tmp_path / "settings.json"
    store, dialog = open_over(qtbot, path, Settings(refresh_interval_s=2.0))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    before = dialog.value()
    told: list[str] = []
    store.told.connect(lambda text, _file: told.append(text))
    text = json.dumps({**json.loads(path.read_text()), "refresh_interval_s": 10.0, "theme": "x"})
    path.write_text(text.replace("10.0,", "10.0,,"))
    assert not store.take_hand_edits()
    assert len(told) == 1
    assert dialog.value() == before
    assert dialog.in_use == store.settings
    assert dialog.changed_elsewhere.isHidden()
    edit_by_hand_text = text.replace('"theme": "x"', '"theme": "light"')
    path.write_text(edit_by_hand_text)
    assert store.take_hand_edits()
    assert dialog.refresh.value() == 10.0
    assert dialog.changed_elsewhere.accessibleName().startswith(
        'settings.json was changed while this dialog was open: "Colours" is now Light there.'
    )


def test_outside_changes_of_every_field_show_and_round_trip(qtbot: QtBot, tmp_path: Path) -> None:
    """Each setting the dialog shows, changed elsewhere, is shown in its field as it is in
    use: the dialog's value is then the new settings, and nothing is said."""
    start = Settings()
    dialog = make(qtbot, start)
    changed = Settings(
        codex_homes=(str(tmp_path / "a"), str(tmp_path / "b")),
        discord_enabled=False,
        discord_client_id=OTHER_ID,
        privacy_mode=True,
        show_project=False,
        show_branch=False,
        show_activity_target=False,
        show_model=False,
        show_tokens=False,
        show_limits=False,
        idle_action="clear",
        refresh_interval_s=7.5,
        always_on_top=True,
        start_minimized=True,
        close_to_tray=True,
        launch_at_login=True,
        theme="dark",
        notifications_enabled=False,
        notify_left_thresholds=(50, 20),
        notify_resets=False,
        project_rules=(ProjectRule("~/clients/*", RuleAction.ALIAS, "Client work"),),
        idle_clear_minutes=45,
        discord_paused_until=123.0,
    )
    assert {
        each.name
        for each in fields(Settings)
        if getattr(changed, each.name) == getattr(start, each.name)
    } == {"extra"}
    dialog.show_in_use(changed, by_hand=True)
    assert dialog.value() == changed
    assert dialog.rule_pattern.text() == "~/clients/*"
    assert dialog.changed_elsewhere.isHidden()
    dialog.show_in_use(start)  # and back
    assert dialog.value() == start
    assert dialog.rules_list.count() == 0


def test_a_clash_with_the_app_and_the_file_is_said_by_where_it_was_made(qtbot: QtBot) -> None:
    """Changes made in the app (the tray) are said apart from those made in the file; a
    long folder name wraps in the note."""
    dialog = make(qtbot, Settings())
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.homes.setPlainText("/home/me/.codex")
    dialog.show_in_use(Settings(theme="light"))
    folder = "/home/me/" + "averylongfoldernamewithoutabreak" * 3
    dialog.show_in_use(Settings(theme="light", codex_homes=(folder,)), by_hand=True)
    said = dialog.changed_elsewhere.accessibleName()
    assert said == (
        f'settings.json was changed while this dialog was open: "Codex folders" is now {folder} '
        'there. Changed elsewhere in the app while this dialog was open: "Colours" is now '
        "Light. OK saves what you chose here instead; Cancel keeps them."
    )
    assert WRAP_POINT in dialog.changed_elsewhere.text()


def test_rules_changed_elsewhere_keep_the_rule_being_typed_in(qtbot: QtBot) -> None:
    """The project rules changed elsewhere while the user is in the selected rule's alias
    (not changed here): the rule shows its new alias, the same rule selected, and the
    keyboard stays in the alias, its caret where it was. (The list, emptied to be filled
    again, had selected no rule for a moment, whose fields were disabled: the focus went
    on to a button.)"""
    rules = (
        ProjectRule("~/a/*", RuleAction.HIDE),
        ProjectRule("acme-*", RuleAction.ALIAS, "Client"),
    )
    dialog = make(qtbot, Settings(project_rules=rules))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.tabs.setCurrentIndex(1)
    dialog.rules_list.setCurrentRow(1)
    dialog.rule_alias.setFocus()
    qtbot.waitUntil(dialog.rule_alias.hasFocus)
    dialog.rule_alias.setCursorPosition(3)
    changed = (rules[0], ProjectRule("acme-*", RuleAction.ALIAS, "Clients"))
    dialog.show_in_use(Settings(project_rules=changed), by_hand=True)
    assert dialog.rules_list.currentRow() == 1
    assert dialog.rule_alias.text() == "Clients"
    assert dialog.rule_alias.hasFocus()
    assert dialog.rule_alias.cursorPosition() == 3
    assert dialog.value().project_rules == changed


@pytest.mark.parametrize(
    ("field", "change", "box"),
    [
        ("idle", {"discord_enabled": False}, "discord_enabled"),
        ("show_model", {"privacy_mode": True}, "privacy"),
        ("notify_resets", {"notifications_enabled": False}, "notify"),
    ],
)
def test_a_field_disabled_by_a_change_elsewhere_hands_the_keyboard_to_its_box(
    qtbot: QtBot, field: str, change: dict[str, bool], box: str
) -> None:
    """The keyboard on a field that a change made elsewhere disables (Discord turned off in
    the file while the user is on "When no session runs"): it goes to the box that turned
    it off, which says why. Qt had passed it on to the next field: the quiet minutes, then
    kept enabled, Discord off, for as long as it had the keyboard."""
    dialog = make(qtbot, Settings())
    widget = dialog.toggles.get(field) or getattr(dialog, field)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.tabs.setCurrentIndex(2 if field == "notify_resets" else 1)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    dialog.show_in_use(replace(Settings(), **change), by_hand=True)
    assert not widget.isEnabled()
    assert getattr(dialog, box).hasFocus()
    assert dialog.idle_clear.isEnabled() == dialog.discord_enabled.isChecked()


def test_a_rule_removed_elsewhere_hands_the_keyboard_to_the_list(qtbot: QtBot) -> None:
    """The keyboard in the pattern of a rule that the file no longer has: it goes to the list
    of rules, not to Discord's box (nor on to the next field, "Add")."""
    dialog = make(qtbot, Settings(project_rules=(ProjectRule("~/a/*", RuleAction.HIDE),)))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.tabs.setCurrentIndex(1)
    dialog.rule_pattern.setFocus()
    qtbot.waitUntil(dialog.rule_pattern.hasFocus)
    dialog.show_in_use(Settings(), by_hand=True)
    assert not dialog.rule_pattern.isEnabled()
    assert dialog.rules_list.hasFocus()


def test_a_finer_refresh_interval_set_by_hand_is_not_rounded_by_an_ok(qtbot: QtBot) -> None:
    """2.25 s written in settings.json shows as 2.3 s (a tenth is the field's step): an OK
    that changed nothing there keeps 2.25 (it had saved 2.3 over the user's value), and one
    edited by hand while the dialog is open likewise; a value chosen in the field is its own."""
    dialog = make(qtbot, Settings(refresh_interval_s=2.25))
    assert dialog.value().refresh_interval_s == 2.25
    dialog.show_in_use(Settings(refresh_interval_s=7.25), by_hand=True)
    assert round(dialog.refresh.value(), 1) == 7.3
    assert dialog.value().refresh_interval_s == 7.25
    dialog.refresh.setValue(3.0)
    assert dialog.value().refresh_interval_s == 3.0


def test_what_an_apply_could_not_do_is_shown_undone_and_said(qtbot: QtBot) -> None:
    """A log-in entry the system refused: the box shows what is in use again, the reason is
    said below the tabs, and the next Apply clears it."""
    dialog = make(qtbot, Settings())
    dialog.launch_at_login.setChecked(True)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    in_use = Settings(theme="dark")  # the theme applied, the entry not
    dialog.not_applied(in_use, "Could not change launching at login: no room.")
    assert not dialog.launch_at_login.isChecked()
    assert dialog.theme.currentData() == "dark"
    assert not dialog.problems.isHidden()
    assert dialog.problems.text() == "Could not change launching at login: no room."
    assert dialog.value() == in_use
    applied: list[Settings] = []
    dialog.applied.connect(applied.append)
    assert dialog.apply()
    assert dialog.problems.isHidden() or "launching at login" not in dialog.problems.text()
