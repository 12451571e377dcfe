"""Launch at login on each system: written where that system looks, removed cleanly."""

from __future__ import annotations

import plistlib
from pathlib import Path

from codex_presence_gui.core import autostart


def test_linux_desktop_entry(tmp_path: Path) -> None:
    """An XDG autostart entry that runs the app minimized."""
    command = ["/usr/bin/python3", "-m", "codex_presence_gui", "--minimized"]
    path = autostart.set_linux(True, command, tmp_path)
    text = path.read_text()
    assert path.name == "codex-presence-gui.desktop"
    assert "Exec=/usr/bin/python3 -m codex_presence_gui --minimized" in text
    assert "Type=Application" in text
    autostart.set_linux(False, command, tmp_path)
    assert not path.exists()
    autostart.set_linux(False, command, tmp_path)  # removing twice is fine


def test_macos_launch_agent(tmp_path: Path) -> None:
    """A LaunchAgent plist that runs at load."""
    path = autostart.set_macos(
        True, ["/Applications/Codex Presence.app/Contents/MacOS/app"], tmp_path
    )
    agent = plistlib.loads(path.read_bytes())
    assert agent["RunAtLoad"] is True
    assert agent["ProgramArguments"] == ["/Applications/Codex Presence.app/Contents/MacOS/app"]
    assert agent["Label"] == autostart.BUNDLE_ID
    autostart.set_macos(False, [], tmp_path)
    assert not path.exists()


class FakeRegistry:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def set_run_value(self, name: str, command: str) -> None:
        self.values[name] = command

    def delete_run_value(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_value() -> None:
    """A quoted command under the user's Run key."""
    registry = FakeRegistry()
    where = autostart.set_windows(
        True, [r"C:\Program Files\Codex Presence\codex-presence-gui.exe", "--minimized"], registry
    )
    assert (
        registry.values["CodexPresence"]
        == r'"C:\Program Files\Codex Presence\codex-presence-gui.exe" "--minimized"'
    )
    assert where.endswith(r"CurrentVersion\Run\CodexPresence")
    autostart.set_windows(False, [], registry)
    assert registry.values == {}


def test_launch_command_from_source() -> None:
    """From a source checkout: this Python with -m, minimized."""
    command = autostart.launch_command()
    assert command[1:] == ["-m", "codex_presence_gui", "--minimized"]
