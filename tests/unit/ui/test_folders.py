"""Choosing a folder: the dialog opens near the folders already named, and lists hidden ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.folders import choose_folder, choose_save_file
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


@pytest.mark.parametrize("kind", ["folder", "save"])
def test_the_file_dialogs_leave_the_rest_of_the_app_free(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Modal to their window only: an app-modal dialog took every click away from the tray
    icon too (X11), so the app could not be put away or quit from it."""
    modality: list[Qt.WindowModality] = []

    def look(dialog: QFileDialog) -> int:
        modality.append(dialog.windowModality())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QFileDialog, "exec", look)
    window = QWidget()
    qtbot.addWidget(window)
    if kind == "folder":
        choose_folder(window, "Choose", [])
    else:
        choose_save_file(window, "Export", "", "usage.csv", ["CSV files (*.csv)"])
    assert modality == [Qt.WindowModality.WindowModal]


def test_a_cancelled_dialog_chooses_nothing(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected.value)
    assert choose_folder(None, "Choose", []) == ""


_OPEN_PROC = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from codex_presence_gui.ui.folders import choose_save_file

app = QApplication([])

def look_in_proc(dialog):
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.show()
    dialog.setDirectory("/proc")  # lists /proc/kmsg, whose reading never ends
    QTimer.singleShot(1500, app.quit)
    app.exec()
    return QDialog.DialogCode.Rejected.value

QFileDialog.exec = look_in_proc
print(repr(choose_save_file(None, "Export", "/tmp", "x.csv", ["CSV files (*.csv)"])))
"""


@pytest.mark.skipif(
    not os.access("/proc/kmsg", os.R_OK), reason="needs a readable /proc/kmsg (Linux, as root)"
)
def test_a_folder_of_endless_files_does_not_freeze_the_dialog(tmp_path: Path) -> None:
    """Qt's own dialog asked each listed file's content for its type, on the GUI thread: in
    /proc, /proc/kmsg never ends, and the app froze for good (SIGTERM did nothing)."""
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_PROC], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "''"


def test_the_save_dialog_s_columns_hold_their_texts(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Qt's own widths had cut the size, type and date ("344…tes", "CSV…ent")."""
    from PySide6.QtWidgets import QHeaderView, QTreeView

    from codex_presence_gui.ui.folders import choose_save_file

    widths: list[tuple[int, int]] = []

    def measure(dialog: QFileDialog) -> int:
        view = dialog.findChild(QTreeView)
        assert view is not None
        metrics = view.fontMetrics()
        for column, sample in enumerate(("1,023.9 KiB", "CSV document"), start=1):
            widths.append((view.header().sectionSize(column), metrics.horizontalAdvance(sample)))
        # The names take what is left (Qt had left a blank band right of the dates).
        assert view.header().sectionResizeMode(0) is QHeaderView.ResizeMode.Stretch
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QFileDialog, "exec", measure)
    assert choose_save_file(None, "Export", str(tmp_path), "x.csv", ["CSV files (*.csv)"]) == ""
    assert widths
    assert all(size > needed for size, needed in widths)


def test_a_dialog_is_gone_once_answered(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Owned by the window, each dialog (its file model and watcher with it) had stayed
    until the window closed: one more for every export or folder chosen."""
    from PySide6.QtWidgets import QWidget

    from codex_presence_gui.ui.folders import choose_save_file

    window = QWidget()
    qtbot.addWidget(window)
    answers = iter([QDialog.DialogCode.Rejected.value, QDialog.DialogCode.Accepted.value] * 2)
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: next(answers))
    for _ in range(2):
        choose_save_file(window, "Export", "/tmp", "x.csv", ["CSV files (*.csv)"])
        choose_folder(window, "Choose", [])
    assert window.findChildren(QFileDialog) == []


def _typing(monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    """Make each file dialog Qt's own, type ``typed`` as the name, and press Save."""

    def type_and_save(dialog: QFileDialog) -> int:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.show()
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert edit is not None
        edit.setText(typed)
        dialog.accept()
        dialog.hide()
        return dialog.result()

    monkeypatch.setattr(QFileDialog, "exec", type_and_save)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ('my"report.csv', 'my"report.csv'),
        ('my "best" week', 'my "best" week.csv'),
        ('"a.csv" "b.csv"', '"a.csv" "b.csv"'),
    ],
)
def test_a_name_typed_with_a_double_quote_is_saved_as_typed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str, saved: str
) -> None:
    """Qt's own dialog read the quotes as around names to open: ``my"report.csv`` came back
    as ``report.csv``, and ``"a.csv" "b.csv"`` as ``a.csv``, without a word."""
    _typing(monkeypatch, typed)
    chosen = choose_save_file(None, "Export", str(tmp_path), "usage.csv", ["CSV files (*.csv)"])
    assert chosen == str(tmp_path / saved)


@pytest.mark.parametrize("replace", [True, False])
def test_a_name_typed_with_a_double_quote_asks_before_replacing_a_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    (tmp_path / 'my"report.csv').write_text("the user's own")
    asked: list[str] = []

    def answer(parent: QWidget, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        return yes if replace else no

    monkeypatch.setattr(QMessageBox, "warning", answer)
    _typing(monkeypatch, 'my"report')
    chosen = choose_save_file(None, "Export", str(tmp_path), "usage.csv", ["CSV files (*.csv)"])
    assert asked == ['my"report.csv already exists.\nDo you want to replace it?']
    assert chosen == (str(tmp_path / 'my"report.csv') if replace else "")


def test_a_name_typed_without_a_double_quote_is_qt_s_to_read(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a name with a quote is taken as typed: the others (a folder, an extension
    added) go on as Qt's own dialog reads them."""
    _typing(monkeypatch, "week 48")
    chosen = choose_save_file(None, "Export", str(tmp_path), "usage.csv", ["CSV files (*.csv)"])
    assert chosen == str(tmp_path / "week 48.csv")
