"""The Qt binding in use survives what our item models do all day."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_models_returning_none_do_not_corrupt_reference_counts() -> None:
    """An item model answers None for most roles; tens of thousands of such answers to Qt must
    not unbalance None's reference count (PySide6 6.12.0 did, and aborted Python 3.11)."""
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
        from PySide6.QtWidgets import QApplication

        app = QApplication([])

        class Model(QAbstractTableModel):
            def rowCount(self, parent=QModelIndex()):
                return 0 if parent.isValid() else 50

            def columnCount(self, parent=QModelIndex()):
                return 0 if parent.isValid() else 6

            def data(self, index, role=Qt.ItemDataRole.DisplayRole):
                return None

        model = Model()
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        before = sys.getrefcount(None)
        for i in range(20000):
            proxy.index(i % 50, i % 6).data(Qt.ItemDataRole.ToolTipRole)
        print(sys.getrefcount(None) - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) >= -10
