"""Launch at login on each system: written where that system looks, removed cleanly."""

from __future__ import annotations

import os
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
        self.writes = 0

    def get_run_value(self, name: str) -> str | None:
        return self.values.get(name)

    def set_run_value(self, name: str, command: str) -> None:
        self.writes += 1
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


INSTALL = r"C:\Users\ada\AppData\Local\Programs\Codex Presence"
WINDOWED = rf"{INSTALL}\codex-presence-gui.exe"
TWIN = rf"{INSTALL}\codex-presence-gui-cli.exe"
TRANSLOCATED = (
    "/private/var/folders/xy/abc123/T/AppTranslocation/0F1E2D3C/d/"
    "Codex Presence.app/Contents/MacOS/codex-presence-gui"
)


def test_frozen_commands_per_system() -> None:
    """The windowed program on Windows, the bundle id on macOS, the executable on Linux."""
    assert autostart.launch_command(WINDOWED, frozen=True, platform="win32") == [
        WINDOWED,
        "--minimized",
    ]
    assert autostart.launch_command(TRANSLOCATED, frozen=True, platform="darwin") == [
        "/usr/bin/open",
        "-b",
        "io.github.codex-presence.gui",
        "--args",
        "--minimized",
    ]
    assert autostart.launch_command(
        "/opt/codex-presence-gui/codex-presence-gui", frozen=True, platform="linux"
    ) == [
        "/opt/codex-presence-gui/codex-presence-gui",
        "--minimized",
    ]


def test_console_twin_maps_to_the_windowed_program() -> None:
    """Started through codex-presence-gui-cli.exe, the entry still names the windowed .exe."""
    assert autostart.windowed_executable(TWIN) == WINDOWED
    assert autostart.windowed_executable(TWIN.upper()).endswith("codex-presence-gui.exe")
    assert autostart.windowed_executable(WINDOWED) == WINDOWED
    registry = FakeRegistry()
    command = autostart.launch_command(TWIN, frozen=True, platform="win32")
    assert (
        autostart.ensure_launch_at_login(True, command, platform="win32", registry=registry) is None
    )
    assert registry.values["CodexPresence"] == f'"{WINDOWED}" "--minimized"'
    assert "-cli" not in registry.values["CodexPresence"]


def test_windows_stale_entry_is_rewritten_and_a_correct_one_left_alone() -> None:
    registry = FakeRegistry()
    registry.values["CodexPresence"] = r'"C:\Old place\codex-presence-gui-cli.exe" "--minimized"'
    command = [WINDOWED, "--minimized"]
    autostart.ensure_launch_at_login(True, command, platform="win32", registry=registry)
    assert registry.values["CodexPresence"] == f'"{WINDOWED}" "--minimized"'
    assert registry.writes == 1
    autostart.ensure_launch_at_login(True, command, platform="win32", registry=registry)
    assert registry.writes == 1  # already right: not written again


def test_windows_missing_entry_is_written_but_off_touches_nothing() -> None:
    registry = FakeRegistry()
    autostart.ensure_launch_at_login(False, [WINDOWED], platform="win32", registry=registry)
    assert registry.values == {}
    registry.values["CodexPresence"] = '"elsewhere.exe"'
    autostart.ensure_launch_at_login(False, [WINDOWED], platform="win32", registry=registry)
    assert registry.values == {"CodexPresence": '"elsewhere.exe"'}  # removal is the toggle's job
    registry.values.clear()
    autostart.ensure_launch_at_login(True, [WINDOWED], platform="win32", registry=registry)
    assert registry.values == {"CodexPresence": f'"{WINDOWED}"'}


def test_macos_stale_agent_is_rewritten_by_bundle_id(tmp_path: Path) -> None:
    """An agent from an older install (a path that moved) becomes `open -b <bundle id>`."""
    path = autostart.set_macos(
        True,
        ["/Users/ada/Downloads/Codex Presence.app/Contents/MacOS/codex-presence-gui"],
        tmp_path,
    )
    command = autostart.launch_command(TRANSLOCATED, frozen=True, platform="darwin")
    assert (
        autostart.ensure_launch_at_login(True, command, platform="darwin", folder=tmp_path) is None
    )
    agent = plistlib.loads(path.read_bytes())
    assert agent["ProgramArguments"][:3] == ["/usr/bin/open", "-b", autostart.BUNDLE_ID]
    assert agent["RunAtLoad"] is True
    path.write_bytes(plistlib.dumps(agent, fmt=plistlib.FMT_BINARY))  # re-serialized elsewhere
    before = path.read_bytes()
    autostart.ensure_launch_at_login(True, command, platform="darwin", folder=tmp_path)
    assert path.read_bytes() == before  # the same agent: left alone


def test_macos_translocated_path_is_never_written(tmp_path: Path) -> None:
    """Even when asked to store a translocated path, the agent names the bundle id."""
    assert autostart.is_translocated(TRANSLOCATED)
    path = autostart.set_macos(True, [TRANSLOCATED, "--minimized"], tmp_path)
    assert "AppTranslocation" not in path.read_text()
    autostart.ensure_launch_at_login(
        True, [TRANSLOCATED, "--minimized"], platform="darwin", folder=tmp_path
    )
    agent = plistlib.loads(path.read_bytes())
    assert agent["ProgramArguments"] == autostart.macos_open_command()


def test_macos_damaged_agent_is_rewritten(tmp_path: Path) -> None:
    path = autostart.macos_agent_path(tmp_path)
    path.write_bytes(b"not a plist")
    autostart.ensure_launch_at_login(
        True, autostart.macos_open_command(), platform="darwin", folder=tmp_path
    )
    assert plistlib.loads(path.read_bytes())["Label"] == autostart.BUNDLE_ID


def test_linux_stale_entry_is_rewritten_and_a_correct_one_left_alone(tmp_path: Path) -> None:
    path = autostart.set_linux(True, ["/old/place/codex-presence-gui", "--minimized"], tmp_path)
    command = ["/opt/codex presence/codex-presence-gui", "--minimized"]
    autostart.ensure_launch_at_login(True, command, platform="linux", folder=tmp_path)
    assert "Exec='/opt/codex presence/codex-presence-gui' --minimized" in path.read_text()
    path.touch()
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))
    autostart.ensure_launch_at_login(True, command, platform="linux", folder=tmp_path)
    assert path.stat().st_mtime_ns == stamp - 10**9  # not rewritten


def test_ensure_reports_a_write_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    problem = autostart.ensure_launch_at_login(
        True, ["/x"], platform="linux", folder=blocker / "autostart"
    )
    assert problem is not None
    assert problem.startswith("Could not update launching at login")


def test_whether_this_install_starts_at_login(tmp_path: Path) -> None:
    """This install's own entry, on each system; another copy's entry is not this one's."""
    ours, other = ["/opt/app/codex-presence-gui"], ["/home/dev/checkout/.venv/bin/python"]
    for platform in ("linux", "darwin"):
        folder = tmp_path / platform
        assert not autostart.launches_at_login(ours, platform=platform, folder=folder)
        if platform == "linux":
            autostart.set_linux(True, ours, folder)
        else:
            autostart.set_macos(True, ours, folder)
        assert autostart.launches_at_login(ours, platform=platform, folder=folder)
        assert not autostart.launches_at_login(other, platform=platform, folder=folder)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert not autostart.launches_at_login(ours, platform="linux", folder=blocker / "x")
