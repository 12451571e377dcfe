"""Where a build for this machine goes: ``dist/<os>/<arch>/`` and the executable inside it.

Shared by ``pyinstaller.spec``, the smoke test and the release workflow
(``python packaging/layout.py dist`` prints the folder to archive).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from pathlib import Path

APP_NAME = "Codex Presence"
EXECUTABLE = "codex-presence-gui"
BUNDLE_ID = "io.github.codex-presence.gui"
ROOT = Path(__file__).resolve().parents[1]


def target_os() -> str:
    """windows, macos or linux."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform.startswith("linux"):
        return "linux"
    raise SystemExit(f"no release layout for {sys.platform}")


def target_arch() -> str:
    """x64 or arm64."""
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64", "x64"):
        return "x64"
    if machine in ("arm64", "aarch64"):
        return "arm64"
    raise SystemExit(f"no release layout for the {machine} processor")


def dist_dir(distpath: Path | None = None) -> Path:
    """``<distpath>/<os>/<arch>``: everything that ships for this platform."""
    return (distpath or ROOT / "dist") / target_os() / target_arch()


def app_path(distpath: Path | None = None) -> Path:
    """What the user opens: the .app on macOS, the app folder elsewhere."""
    name = f"{APP_NAME}.app" if target_os() == "macos" else EXECUTABLE
    return dist_dir(distpath) / name


def executable(distpath: Path | None = None) -> Path:
    """The frozen program itself."""
    app = app_path(distpath)
    if target_os() == "macos":
        return app / "Contents" / "MacOS" / EXECUTABLE
    return app / (f"{EXECUTABLE}.exe" if target_os() == "windows" else EXECUTABLE)


def console_executable(distpath: Path | None = None) -> Path | None:
    """The Windows console twin beside the windowed program (the README sends terminal users
    to it); None on the other systems, where the one executable serves both."""
    if target_os() != "windows":
        return None
    return app_path(distpath) / f"{EXECUTABLE}-cli.exe"


def package_version() -> str:
    """The version in codex_presence_gui/__init__.py (read, not imported: no Qt needed)."""
    import re

    text = (ROOT / "codex_presence_gui" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise SystemExit("no __version__ in codex_presence_gui/__init__.py")
    return match.group(1)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "dist"
    values: dict[str, Callable[[], str]] = {
        "dist": lambda: dist_dir().relative_to(ROOT).as_posix(),
        "os": target_os,
        "arch": target_arch,
        "version": package_version,
        "app": lambda: app_path().relative_to(ROOT).as_posix(),
        "executable": lambda: executable().relative_to(ROOT).as_posix(),
    }
    if what not in values:
        raise SystemExit(f"usage: layout.py [{'|'.join(values)}]")
    print(values[what]())
