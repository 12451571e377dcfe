"""The settings dialog: values round-trip, problems are said, the card preview follows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.presence import PresenceSettings
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
    assert "17 to 20 digits" in dialog.problems.text()
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
