"""The layering holds: the core imports no Qt, and widgets live only in the UI layer."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import codex_presence_gui.core

PACKAGE = Path(__file__).parents[1] / "codex_presence_gui"


def test_core_imports_neither_qt_nor_pypresence() -> None:
    """Importing every core module in a fresh interpreter loads no PySide6 or pypresence."""
    modules = [
        f"codex_presence_gui.core.{m.name}"
        for m in pkgutil.iter_modules(codex_presence_gui.core.__path__)
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + (
            "banned = ('PySide6', 'shiboken6', 'pypresence')\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned)\n"
            "print(','.join(bad))\n"
        )
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert len(modules) >= 10
    assert result.stdout.strip() == ""


def test_qtwidgets_only_in_the_ui_layer() -> None:
    """Only ui/ and the composition root (app.py) may touch QtWidgets."""
    allowed = {PACKAGE / "app.py"}
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "QtWidgets" in path.read_text(encoding="utf-8")
        and path not in allowed
        and PACKAGE / "ui" not in path.parents
    ]
    assert offenders == []


def test_core_sources_name_no_qt_module() -> None:
    """A textual check as well: no import line in core/ mentions Qt or pypresence."""
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|pypresence)", re.M)
    offenders = [
        p.name
        for p in (PACKAGE / "core").glob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
