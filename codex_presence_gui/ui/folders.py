"""Choosing a folder (where the dialog opens, with Codex's hidden ``.codex`` in view) or a file
to save, in dialogs roomy enough where Qt draws them."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

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
    return os.path.expanduser("~")


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
    dialog = QFileDialog(parent, title, folder)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(filters))
    suffix = os.path.splitext(name)[1].lstrip(".")
    if suffix:
        dialog.setDefaultSuffix(suffix)
    dialog.selectFile(name)
    return _chosen(dialog)


def _chosen(dialog: QFileDialog) -> str:
    """Run ``dialog``: the path chosen, or "" when cancelled."""
    # Qt's own dialog (where the desktop has none) opened too narrow for its dates and places.
    hint = dialog.sizeHint()
    dialog.resize(
        max(hint.width(), FOLDER_DIALOG_SIZE[0]), max(hint.height(), FOLDER_DIALOG_SIZE[1])
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""
