"""Choosing a folder (where the dialog opens, with Codex's hidden ``.codex`` in view) or a file
to save, in dialogs roomy enough where Qt draws them."""

from __future__ import annotations

import os
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QDir, QFileInfo, QMimeDatabase, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFileIconProvider,
    QHeaderView,
    QLineEdit,
    QListView,
    QMessageBox,
    QSplitter,
    QTreeView,
    QWidget,
)

#: The least size of a file or folder dialog, where Qt draws it (not the desktop's own).
FOLDER_DIALOG_SIZE = (760, 480)


def start_folder(listed: Sequence[str]) -> str:
    """Where a folder dialog opens: in the folder holding the last listed one that exists,
    else the home folder (not wherever the app happened to be started from)."""
    for line in reversed(listed):
        if "\0" in line:
            continue  # no folder's name (and os.path refuses it)
        folder = os.path.expanduser(line.strip())
        parent = os.path.dirname(folder.rstrip("/\\")) if folder else ""
        if parent and os.path.isdir(parent):
            return parent
    return home_folder()


def home_folder() -> str:
    """The user's home folder, where the dialogs open by default; "" (the working folder)
    when there is none (no HOME, none for the user account: ``paths.NoHomeError``)."""
    home = os.path.expanduser("~")
    return "" if home.startswith("~") else home


def choose_folder(parent: QWidget | None, title: str, listed: Sequence[str]) -> str:
    """The folder the user chose (``start_folder`` of ``listed`` to begin with), or ""."""
    dialog = QFileDialog(parent, title, start_folder(listed))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    # Codex keeps its folder hidden (~/.codex): it had to be typed, not clicked.
    dialog.setFilter(dialog.filter() | QDir.Filter.Hidden)
    return _chosen(dialog)


def choose_save_file(
    parent: QWidget | None, title: str, folder: str, name: str, filters: Sequence[str]
) -> str:
    """The file the user chose to save to (offered as ``name`` in ``folder``), or "". A name
    typed without an extension gets ``name``'s (``report`` saves ``report.csv``), and an
    existing file is written over only once the user confirmed."""
    dialog = _SaveDialog(parent, title, folder)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(filters))
    suffix = os.path.splitext(name)[1].lstrip(".")
    if suffix:
        dialog.setDefaultSuffix(suffix)
    dialog.selectFile(name)
    return _chosen(dialog)


class _SaveDialog(QFileDialog):
    """A save dialog that takes a name typed with a double quote in it as it is. Qt's own
    dialog reads quotes as around several names, as when opening files: ``my"report.csv``
    was saved as ``report.csv``, and ``"a.csv" "b.csv"`` as ``a.csv``, without a word."""

    def __init__(self, parent: QWidget | None, title: str, folder: str) -> None:
        super().__init__(parent, title, folder)
        self.typed = ""  # the path of a name so typed, once accepted

    def accept(self) -> None:
        edit = self.findChild(QLineEdit, "fileNameEdit")  # (Qt's own dialog, not the desktop's)
        text = edit.text().strip() if edit is not None and edit.isVisible() else ""
        if '"' not in text:
            super().accept()
            return
        path = os.path.join(self.directory().absolutePath(), os.path.expanduser(text))
        if os.path.isdir(path):
            super().accept()  # (a folder: Qt opens it)
            return
        suffix = self.defaultSuffix()
        if suffix and not os.path.splitext(path)[1]:
            path = f"{path}.{suffix}"
        if os.path.lexists(path):
            answer = QMessageBox.warning(
                self,
                self.windowTitle(),
                f"{os.path.basename(path)} already exists.\nDo you want to replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.typed = path
        QDialog.accept(self)


class NamedIcons(QFileIconProvider):
    """Icons and type names told from a file's name and kind, never from its content: Qt's
    own dialog asked the content of every file listed, on the GUI thread, and a file that
    never ends (``/proc/kmsg``) froze the app for good once its folder was opened."""

    def __init__(self) -> None:
        super().__init__()
        self._mimes = QMimeDatabase()

    def icon(self, what: QFileInfo | QFileIconProvider.IconType) -> QIcon:
        if isinstance(what, QFileInfo):
            kind = (
                QFileIconProvider.IconType.Folder
                if what.isDir()
                else QFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        mime = self._mimes.mimeTypeForFile(info, QMimeDatabase.MatchMode.MatchExtension)
        return mime.comment() or mime.name()


def _chosen(dialog: QFileDialog) -> str:
    """Run ``dialog``, then delete it: the path chosen, or "" when cancelled."""
    provider = NamedIcons()
    dialog.setIconProvider(provider)  # kept alive by ``provider`` until the dialog is gone
    try:
        # Qt's own dialog (where the desktop has none) opened too narrow for its dates and
        # places.
        hint = dialog.sizeHint()
        dialog.resize(
            max(hint.width(), FOLDER_DIALOG_SIZE[0]), max(hint.height(), FOLDER_DIALOG_SIZE[1])
        )
        _fit_detail_columns(dialog)
        # Modal to its window only: an app-modal dialog took every click away from the tray
        # icon too (on X11). Hidden with its window to the tray, it ends as cancelled.
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return ""
        if isinstance(dialog, _SaveDialog) and dialog.typed:
            return dialog.typed
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen else ""
    finally:
        # Now, while ``provider`` lives: owned by its parent, each dialog had stayed until
        # the window closed (with its file model and watcher), one more for every export.
        shiboken6.delete(dialog)


#: What the detail view's Size, Type and Date columns must hold whole (Qt's own widths cut
#: them: "344…tes", "CSV…ent", "30 11 2…6 09:58"); the names take the rest.
_DETAIL_SAMPLES = ("1,023.9 KiB", "CSV document", "30/11/2026 09:58")


def _fit_detail_columns(dialog: QFileDialog) -> None:
    """Size Qt's own detail view's columns to what they show (from the font, not from every
    row: a folder of thousands of files costs nothing more)."""
    view = dialog.findChild(QTreeView)
    if view is None:
        return
    header = view.header()
    metrics = view.fontMetrics()
    padding = 3 * metrics.averageCharWidth()
    for column, sample in enumerate(_DETAIL_SAMPLES, start=1):
        if column < header.count():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + padding)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    # The places beside the files, wide enough for "Computer" ("Co…").
    splitter = dialog.findChild(QSplitter)
    sizes = splitter.sizes() if splitter is not None else []
    if splitter is not None and len(sizes) == 2:
        side = dialog.findChild(QListView, "sidebar")  # Qt's name for the places list
        icon = (side or view).iconSize().width()
        places = metrics.horizontalAdvance("Computer") + icon + padding * 3
        if sizes[0] < places:
            splitter.setSizes([places, max(sum(sizes) - places, 0)])
