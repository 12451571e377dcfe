"""Launch at login, the way each system expects it: an XDG autostart entry on Linux, a
LaunchAgent on macOS, a ``Run`` registry value on Windows.

NOTE: Qt-free. Each function takes the folder (or registry) it writes to, so tests can point
them anywhere.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from codex_presence_gui import APP_ID, APP_NAME

BUNDLE_ID = "io.github.codex-presence.gui"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "CodexPresence"


def launch_command() -> list[str]:
    """How to start this app minimized: the frozen executable, or this Python with ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--minimized"]
    return [sys.executable, "-m", "codex_presence_gui", "--minimized"]


def xdg_autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def desktop_entry(command: Sequence[str]) -> str:
    """An XDG autostart ``.desktop`` entry for ``command``."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Codex limits, sessions and Discord presence\n"
        f"Exec={shlex.join(command)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_linux(enabled: bool, command: Sequence[str], folder: Path | None = None) -> Path:
    """Create or remove ``codex-presence-gui.desktop`` in the autostart folder."""
    path = (folder or xdg_autostart_dir()) / f"{APP_ID}.desktop"
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(desktop_entry(command), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return path


def set_macos(enabled: bool, command: Sequence[str], folder: Path | None = None) -> Path:
    """Create or remove the LaunchAgent plist in ``~/Library/LaunchAgents``."""
    path = (folder or Path.home() / "Library" / "LaunchAgents") / f"{BUNDLE_ID}.plist"
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        agent = {"Label": BUNDLE_ID, "ProgramArguments": list(command), "RunAtLoad": True}
        path.write_bytes(plistlib.dumps(agent))
    else:
        path.unlink(missing_ok=True)
    return path


class Registry(Protocol):
    """The part of ``winreg`` used here (a fake in tests)."""

    def set_run_value(self, name: str, command: str) -> None: ...

    def delete_run_value(self, name: str) -> None: ...


class _WinRegistry:
    """``HKEY_CURRENT_USER\\...\\Run`` through ``winreg`` (Windows only)."""

    def set_run_value(self, name: str, command: str) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, command)  # type: ignore[attr-defined,unused-ignore]

    def delete_run_value(self, name: str) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:  # type: ignore[attr-defined,unused-ignore]
                winreg.DeleteValue(key, name)  # type: ignore[attr-defined,unused-ignore]
        except FileNotFoundError:
            pass


def windows_command(command: Sequence[str]) -> str:
    """A command line as Windows parses it (each part quoted)."""
    return " ".join(f'"{part}"' for part in command)


def set_windows(enabled: bool, command: Sequence[str], registry: Registry | None = None) -> str:
    """Create or remove the ``CodexPresence`` value under the user's ``Run`` key."""
    registry = registry or _WinRegistry()
    if enabled:
        registry.set_run_value(RUN_VALUE, windows_command(command))
    else:
        registry.delete_run_value(RUN_VALUE)
    return rf"HKEY_CURRENT_USER\{RUN_KEY}\{RUN_VALUE}"


def set_launch_at_login(enabled: bool, command: Sequence[str] | None = None) -> str | None:
    """Apply the choice for this system; a plain message when it could not be done."""
    command = list(command or launch_command())
    try:
        if sys.platform == "win32":
            set_windows(enabled, command)
        elif sys.platform == "darwin":
            set_macos(enabled, command)
        else:
            set_linux(enabled, command)
    except OSError as error:
        return f"Could not change launching at login: {error.strerror or error}"
    return None
