"""Choosing a folder: the dialog opens near the folders already named, and lists hidden ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.folders import choose_folder
from codex_presence_gui.ui.main_window import SetupPanel


def test_the_folder_dialog_starts_near_the_folder_looked_in_and_lists_hidden_ones(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From "Codex's folder was not found", the dialog opened wherever the app was started
    from, and Codex's own folder (~/.codex, hidden) could only be typed."""
    (tmp_path / ".codex").mkdir()
    seen: dict[str, object] = {}

    def accept(dialog: QFileDialog) -> int:
        seen["folder"] = dialog.directory().absolutePath()
        seen["hidden"] = bool(dialog.filter() & QDir.Filter.Hidden)
        seen["roomy"] = dialog.width() >= 760 and dialog.height() >= 480  # not too narrow
        dialog.selectFile(str(tmp_path / ".codex"))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QFileDialog, "exec", accept)
    panel = SetupPanel()
    qtbot.addWidget(panel)
    panel.show_homes(str(tmp_path / ".codex"), [str(tmp_path / ".codex")])
    with qtbot.waitSignal(panel.folder_chosen) as chosen:
        panel.choose.click()
    assert seen == {"folder": str(tmp_path), "hidden": True, "roomy": True}
    assert chosen.args == [str(tmp_path / ".codex")]


def test_a_cancelled_dialog_chooses_nothing(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected.value)
    assert choose_folder(None, "Choose", []) == ""
