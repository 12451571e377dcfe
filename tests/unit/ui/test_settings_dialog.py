"""The settings dialog: tabs that fit a small screen, values round-trip, problems are said, the
card preview follows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFrame, QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.presence import DEFAULT_CLIENT_ID, PresenceSettings
from codex_presence_gui.core.settings import Settings
from codex_presence_gui.ui.settings_dialog import SettingsDialog


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


def test_blocking_problems_disable_ok_and_are_explained(qtbot: QtBot, tmp_path: Path) -> None:
    """A bad client id blocks saving with a reason; a missing folder is only flagged."""
    dialog = make(qtbot, Settings())
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.client_id.setText("my-app")
    assert not ok.isEnabled()
    assert "Advanced: The Discord application id is a number of 17 to 20 digits" in (
        dialog.problems.text()
    )
    assert dialog.apply() is False
    dialog.client_id.setText("1470480085453770854")
    dialog.homes.setPlainText(str(tmp_path / "not-yet"))
    assert ok.isEnabled()
    assert "does not exist yet" in dialog.problems.text()
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply()
    assert applied.args[0].codex_homes == (str(tmp_path / "not-yet"),)


def test_preview_follows_privacy(qtbot: QtBot) -> None:
    """The card preview changes as privacy is switched; toggles grey out under privacy."""
    dialog = make(qtbot, Settings())
    assert dialog.preview.text() == "Editing app.py · shop"
    dialog.privacy.setChecked(True)
    assert dialog.preview.text() == "Using Codex"
    assert not dialog.toggles["show_project"].isEnabled()
    dialog.discord_enabled.setChecked(False)
    assert not dialog.client_id.isEnabled()


def test_close_to_tray_needs_a_tray(qtbot: QtBot) -> None:
    """Without a tray the choice is off and explained."""
    dialog = make(qtbot, Settings(close_to_tray=True), tray=False)
    assert not dialog.close_to_tray.isEnabled()
    assert dialog.value().close_to_tray is False


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
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    for bad in ("25, ten", "25, ²", "100", "25, -5"):  # ² is a digit to Python, not to int()
        dialog.thresholds.setText(bad)
        assert not ok.isEnabled(), bad
    assert "percentages left, from 0 to 99" in dialog.problems.text()
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
    assert dialog.problems.text().count("<br>") == 1
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
    text = dialog.problems.text()
    assert "does not exist yet" in text
    assert "<a href" not in text
    assert "&lt;a href=&quot;https:/evil.example&quot;&gt;x&lt;/a&gt;" in text
    assert "\x1b" not in text
    assert "\u202e" not in text
