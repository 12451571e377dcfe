"""Launch at login on each system: written where that system looks, removed cleanly."""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codex_presence_gui import paths
from codex_presence_gui.cli import build_parser
from codex_presence_gui.core import autostart
from codex_presence_gui.core.sanitize import clean_text
from tests.helpers.special_files import unblocked


@pytest.fixture(autouse=True)
def _no_base_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As a plain install runs: no base folder (the test session sets one for every test)."""
    monkeypatch.delenv(paths.BASE_DIR_ENV, raising=False)
    paths.override_base_dir(None)
    yield
    paths.override_base_dir(None)


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
    assert plistlib.loads(path.read_bytes())["ProgramArguments"] == autostart.macos_open_command()
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
    assert 'Exec="/opt/codex presence/codex-presence-gui" --minimized' in path.read_text()
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


def test_a_failure_names_the_entry_it_is_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder, or a link to nowhere (dotfiles moved), where the entry goes: the message
    names it. It had said "Is a directory" or "No such file or directory", and no more."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    entry = autostart.linux_entry_path()
    entry.parent.mkdir()
    entry.symlink_to(tmp_path / "dotfiles" / entry.name)
    problem = autostart.set_launch_at_login(True, ["/x"])
    assert problem == (f"Could not change launching at login ({entry}): No such file or directory")
    entry.unlink()
    entry.mkdir()
    for enabled in (True, False):
        problem = autostart.set_launch_at_login(enabled, ["/x"])
        assert problem is not None
        assert problem.startswith(f"Could not change launching at login ({entry}): ")


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


#: A portable copy's folder with what a command line or a desktop file treats specially.
ODD = "/media/ada/USB stick/Codex \"Presence\" 'portable' $HOME `id` back\\slash 100% ~ é 名前 #;|&"
#: The same without the backslash, which a Linux entry refuses (see ``_EXEC_UNWRITABLE``).
LINUX_ODD = ODD.replace("back\\slash", "back/slash")


def exec_words(value: str) -> list[str]:
    """``Exec``'s arguments as the Desktop Entry Specification reads them: the string
    escapes undone, then the double-quoted words, then ``%%``."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    text, index = [], 0
    while index < len(value):
        if value[index] == "\\" and index + 1 < len(value):
            text.append(escapes[value[index + 1]])
            index += 2
        else:
            text.append(value[index])
            index += 1
    words: list[str] = []
    word: list[str] | None = None
    quoted = False
    chars = iter(text)
    for char in chars:
        if quoted and char == "\\":
            following = next(chars)
            assert following in '"`$\\', following  # nothing else may be escaped
            word = [*(word or []), following]
        elif char == '"':
            quoted = not quoted
            word = word or []
        elif char == " " and not quoted:
            if word is not None:
                words.append("".join(word))
            word = None
        else:
            assert quoted or char not in "\t\n\"'\\><~|&;$*?#()`", char
            word = [*(word or []), char]
    assert not quoted
    if word is not None:
        words.append("".join(word))
    for part in words:
        assert "%" not in part.replace("%%", ""), part  # a lone % is a field code
    return [part.replace("%%", "%") for part in words]


def windows_words(line: str) -> list[str]:
    """A command line's arguments after the program's, as the C runtime splits them: a run of
    backslashes is plain unless a quote follows it, where pairs make one backslash and an odd
    one out makes the quote a plain one."""
    assert line.startswith('"')
    program_end = line.index('"', 1)
    words: list[str] = [line[1:program_end]]
    rest, index = line[program_end + 1 :], 0
    word: list[str] | None = None
    quoted = False
    while index < len(rest):
        char = rest[index]
        if char == "\\":
            run = len(rest[index:]) - len(rest[index:].lstrip("\\"))
            index += run
            if index < len(rest) and rest[index] == '"':
                word = [*(word or []), "\\" * (run // 2)]
                if run % 2:
                    word.append('"')
                    index += 1
            else:
                word = [*(word or []), "\\" * run]
            continue
        if char == '"':
            quoted = not quoted
            word = word or []
        elif char in " \t" and not quoted:
            if word is not None:
                words.append("".join(word))
            word = None
        else:
            word = [*(word or []), char]
        index += 1
    if word is not None:
        words.append("".join(word))
    return words


def test_each_entry_passes_on_this_copy_s_base_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started with its own folder, the copy's entry starts it with that folder again, on
    each system; the app's own parser reads the folder back from the entry's arguments."""
    monkeypatch.setenv(paths.BASE_DIR_ENV, LINUX_ODD)
    linux = autostart.launch_command("/opt/app/codex-presence-gui", frozen=True, platform="linux")
    assert linux == ["/opt/app/codex-presence-gui", "--minimized", "--base-dir", LINUX_ODD]
    assert build_parser().parse_args(linux[1:]).base_dir == LINUX_ODD
    source = autostart.launch_command("/usr/bin/python3", frozen=False, platform="linux")
    assert source[-2:] == ["--base-dir", LINUX_ODD]

    entry = autostart.set_linux(True, linux, tmp_path / "autostart")
    (exec_line,) = [line for line in entry.read_text("utf-8").splitlines() if "Exec=" in line]
    assert exec_words(exec_line.removeprefix("Exec=")) == linux

    monkeypatch.setenv(paths.BASE_DIR_ENV, ODD)

    mac = autostart.launch_command(TRANSLOCATED, frozen=True, platform="darwin")
    agent = plistlib.loads(autostart.set_macos(True, mac, tmp_path / "agents").read_bytes())
    assert agent["ProgramArguments"] == [
        *("/usr/bin/open", "-b", autostart.BUNDLE_ID, "--args"),
        *("--minimized", "--base-dir", ODD),
    ]
    # A translocated program named directly is started by the bundle id, arguments kept.
    direct = autostart.launch_agent([TRANSLOCATED, "--minimized", "--base-dir", ODD])
    assert direct["ProgramArguments"] == agent["ProgramArguments"]

    registry = FakeRegistry()
    windows = [WINDOWED, "--minimized", "--base-dir", r"E:\Codex Presence\data"]
    autostart.set_windows(True, windows, registry)
    assert windows_words(registry.values["CodexPresence"]) == windows


@pytest.mark.parametrize(
    "folder",
    [
        "E:\\",  # a drive's root: its backslash had escaped the closing quote
        r"E:\Codex Presence\data\\",
        r"\\nas\share\Codex Presence",
        'E:\\odd "quoted" name\\',
        "E:\\Ünïcode 名前 100% $HOME",
    ],
)
def test_a_windows_command_line_reads_back_as_written(folder: str) -> None:
    command = [WINDOWED, "--minimized", "--base-dir", folder]
    assert windows_words(autostart.windows_command(command)) == command


def test_a_plain_install_s_entries_are_unchanged() -> None:
    """Without a base folder nothing is added, so entries written before stay this install's."""
    assert autostart.windows_command([WINDOWED, "--minimized"]) == f'"{WINDOWED}" "--minimized"'
    assert autostart.launch_command(WINDOWED, frozen=True, platform="win32") == [
        WINDOWED,
        "--minimized",
    ]
    assert autostart.desktop_exec(["/opt/app/codex-presence-gui", "--minimized"]) == (
        "/opt/app/codex-presence-gui --minimized"
    )


def test_the_entry_written_with_a_base_folder_is_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``launches_at_login`` knows the entry this copy wrote (with its folder), and another
    copy's (another folder, or none) is not this one's."""
    base = tmp_path / "Portable copy é"
    paths.override_base_dir(base)
    for platform in ("linux", "darwin", "win32"):
        folder, registry = tmp_path / platform, FakeRegistry()
        where = {"platform": platform, "folder": folder, "registry": registry}
        assert autostart.ensure_launch_at_login(True, **where) is None
        assert autostart.launches_at_login(**where), platform
        paths.override_base_dir(tmp_path / "another copy")
        assert not autostart.launches_at_login(**where), platform
        paths.override_base_dir(None)
        assert not autostart.launches_at_login(**where), platform
        paths.override_base_dir(base)
    assert str(base) in (tmp_path / "linux" / "codex-presence-gui.desktop").read_text("utf-8")


def test_a_relative_base_folder_is_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At log-in the app starts in another folder: a relative base folder is passed on as
    the absolute folder it means now."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(paths.BASE_DIR_ENV, "portable-data")
    command = autostart.launch_command("/opt/app/codex-presence-gui", frozen=True, platform="linux")
    assert command[-1] == str(tmp_path / "portable-data")


def test_a_folder_no_entry_can_hold_is_said_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A control character (or bytes that are not UTF-8) in the folder's name: a message,
    and no half-written entry."""
    for odd in ("/media/bad\x01name", "/media/not-utf8-\udcff"):
        paths.override_base_dir(Path(odd))
        folder = tmp_path / "autostart"
        problem = autostart.ensure_launch_at_login(True, platform="linux", folder=folder)
        assert problem is not None
        assert "cannot hold" in problem
        assert not autostart.linux_entry_path(folder).exists()
        assert not autostart.launches_at_login(platform="linux", folder=folder)
        problem = autostart.ensure_launch_at_login(True, platform="darwin", folder=folder)
        assert problem is not None
        assert "cannot hold" in problem
    # A backslash or a tab: the specification escapes them, but systemd's generator (which
    # starts the entries of GNOME and KDE sessions run by systemd) undoes the escapes twice.
    for odd in ("/media/back\\slash", "/media/ends\\", "/media/a\ttab"):
        paths.override_base_dir(Path(odd))
        folder = tmp_path / "autostart"
        problem = autostart.ensure_launch_at_login(True, platform="linux", folder=folder)
        assert problem is not None
        assert "cannot hold" in problem
        assert paths.BASE_DIR_ENV in problem
        assert f"folder {clean_text(odd)} (" in problem  # named, as it is cleaned
        assert not autostart.linux_entry_path(folder).exists()


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("gio") is None, reason="GLib's gio reads the entry"
)
def test_glib_starts_the_entry_with_the_folder_as_written(tmp_path: Path) -> None:
    """GLib (``gio launch``, as desktops without systemd start autostart entries) hands the
    app the arguments as written: spaces, quotes, $, %, a backtick, non-ASCII."""
    out = tmp_path / "argv.txt"
    script = tmp_path / "dump.py"
    script.write_text(
        "import json, sys\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write(json.dumps(sys.argv[2:]))\n",
        encoding="utf-8",
    )
    folder = LINUX_ODD
    command = [sys.executable, str(script), str(out), "--minimized", "--base-dir", folder]
    entry = autostart.set_linux(True, command, tmp_path / "autostart")
    subprocess.run(["gio", "launch", str(entry)], check=True, timeout=30, capture_output=True)
    deadline = time.monotonic() + 30
    while not (out.exists() and out.read_text("utf-8")):
        assert time.monotonic() < deadline, "the entry's program did not run"
        time.sleep(0.05)
    assert json.loads(out.read_text("utf-8")) == ["--minimized", "--base-dir", folder]


def _argument_dump(folder: Path, out: Path) -> Path:
    """A program in ``folder`` that writes the arguments it is given to ``out``, as JSON."""
    folder.mkdir(parents=True)
    program = folder / "codex-presence-gui"
    program.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"open({str(out)!r}, 'w', encoding='utf-8').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    program.chmod(0o755)
    return program


def test_a_program_whose_path_holds_a_percent_sign_is_started_through_env(
    tmp_path: Path,
) -> None:
    """The readers look the program up before undoing its ``%%``: it is ``env``'s argument
    (whose ``%%`` they undo), and the path is written whole."""
    program = "/opt/100% done/codex-presence-gui"
    value = autostart.desktop_exec([program, "--minimized"])
    assert value.startswith("/usr/bin/env ")
    assert exec_words(value) == ["/usr/bin/env", program, "--minimized"]
    # Other programs are named first, as before.
    assert exec_words(autostart.desktop_exec(["/opt/app/x", "50%"])) == ["/opt/app/x", "50%"]


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("gio") is None, reason="GLib's gio reads the entry"
)
def test_glib_starts_a_program_whose_path_holds_a_percent_sign(tmp_path: Path) -> None:
    """GLib had refused the entry ("Unable to load application information"): it looked for
    a program named with ``%%``."""
    out = tmp_path / "argv.txt"
    program = _argument_dump(tmp_path / "100% done é", out)
    entry = autostart.set_linux(True, [str(program), "--minimized"], tmp_path / "autostart")
    subprocess.run(["gio", "launch", str(entry)], check=True, timeout=30, capture_output=True)
    deadline = time.monotonic() + 30
    while not (out.exists() and out.read_text("utf-8")):
        assert time.monotonic() < deadline, "the entry's program did not run"
        time.sleep(0.05)
    assert json.loads(out.read_text("utf-8")) == ["--minimized"]


SYSTEMD_GENERATOR = Path("/usr/lib/systemd/user-generators/systemd-xdg-autostart-generator")


@pytest.mark.skipif(not SYSTEMD_GENERATOR.exists(), reason="systemd's generator reads the entry")
def test_systemd_makes_a_unit_for_a_program_whose_path_holds_a_percent_sign(
    tmp_path: Path,
) -> None:
    """systemd's generator (GNOME and KDE sessions run by systemd) had made no unit: "Exec
    binary '…100%% done…' does not exist"."""
    program = _argument_dump(tmp_path / "100% done", tmp_path / "argv.txt")
    config = tmp_path / "config"
    autostart.set_linux(True, [str(program), "--minimized"], config / "autostart")
    units = tmp_path / "units"
    units.mkdir()
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(config),
        "XDG_CONFIG_DIRS": str(tmp_path / "none"),
        "XDG_CURRENT_DESKTOP": "GNOME",
    }
    subprocess.run(
        [str(SYSTEMD_GENERATOR), units, units, units],
        env=environment,
        check=True,
        timeout=30,
        capture_output=True,
    )
    made = [path.read_text("utf-8") for path in units.glob("app-codex*.service")]
    assert len(made) == 1
    assert f"{program.parent}/" in made[0].replace("%%", "%")


@pytest.mark.parametrize("variable", ["", "relative/config"])
def test_an_xdg_config_home_that_is_not_a_full_path_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """As the XDG spec says, and as the app's own settings folder has it: a relative
    ``XDG_CONFIG_HOME`` had put the entry under the working folder, never started at log-in
    and not found from another folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", variable)
    monkeypatch.chdir(tmp_path)
    entry = tmp_path / "home/.config/autostart/codex-presence-gui.desktop"
    assert autostart.linux_entry_path() == entry


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_no_home_at_all_is_no_entry_and_a_change_is_refused_in_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No home (no HOME, none for the user account), the window run with --base-dir and
    --codex-home: Settings asks whether this install starts at log-in as it opens, and
    pathlib's RuntimeError had ended that in the error box, Settings never shown."""
    import pwd

    def no_user(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_user)
    command = ["/usr/bin/codex-presence-gui", "--minimized"]
    assert not autostart.launches_at_login(command)
    assert autostart.set_launch_at_login(True, command) == (
        f"Could not change launching at login: {autostart.NO_HOME}"
    )
    assert autostart.ensure_launch_at_login(True, command) == (
        f"Could not update launching at login: {autostart.NO_HOME}"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_a_named_pipe_in_the_entrys_place_is_said_not_waited_on(
    tmp_path: Path, platform: str
) -> None:
    """Opening a FIFO waits for its other end for good: reading it (each start, and the
    Settings dialog's opening) and writing it had hung the window."""
    folder = tmp_path / "entries"
    folder.mkdir()
    entry = (
        autostart.linux_entry_path(folder)
        if platform == "linux"
        else autostart.macos_agent_path(folder)
    )
    os.mkfifo(entry)
    command = ["/opt/app/codex-presence-gui", "--minimized"]
    where = {"platform": platform, "folder": folder}
    set_entry = autostart.set_linux if platform == "linux" else autostart.set_macos
    with unblocked(entry) as hung:
        assert not autostart.launches_at_login(command, **where)
        problem = autostart.ensure_launch_at_login(True, command, **where)
        with pytest.raises(OSError, match="a pipe or a device") as raised:
            set_entry(True, command, folder)
    assert not hung
    assert problem == f"Could not update launching at login ({entry}): it is not a regular file"
    assert raised.value.filename == str(entry)
    set_entry(False, command, folder)  # turned off: the pipe is gone
    assert not entry.exists()


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_an_entry_that_cannot_be_written_whole_leaves_the_one_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    """A full disk fails the write: the entry there stays whole, and the error names the
    entry, not the new file the text went into first. Written in place, it had been cut
    short (an entry that starts nothing, or a half command)."""
    folder = tmp_path / "entries"
    old = ["/opt/old/codex-presence-gui", "--minimized"]
    set_entry = autostart.set_linux if platform == "linux" else autostart.set_macos
    entry = set_entry(True, old, folder)
    before = entry.read_bytes()
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    problem = autostart.ensure_launch_at_login(
        True, ["/opt/new/codex-presence-gui", "--minimized"], platform=platform, folder=folder
    )
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert problem == f"Could not update launching at login ({entry}): No space left on device"
    assert entry.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [entry.name]


@pytest.mark.parametrize(
    ("line", "off"),
    [
        ("Hidden=true", True),  # XFCE's and LXDE's untick
        ("X-GNOME-Autostart-enabled=false", True),
        ("Hidden = true", True),
        ("Hidden=false", False),
        ("X-GNOME-Autostart-enabled=true", False),
    ],
)
def test_an_entry_the_desktop_turned_off_is_told(tmp_path: Path, line: str, off: bool) -> None:
    folder = tmp_path / "autostart"
    entry = autostart.set_linux(True, ["/opt/app/codex-presence-gui", "--minimized"], folder)
    text = entry.read_text("utf-8").replace("X-GNOME-Autostart-enabled=true\n", "")
    entry.write_text(text + line + "\n", encoding="utf-8")
    assert autostart.turned_off_by_desktop("linux", folder) == (entry if off else None)
    # Not another group's key, and nothing on the other systems.
    entry.write_text(text + "[Desktop Action Quit]\n" + line + "\n", encoding="utf-8")
    assert autostart.turned_off_by_desktop("linux", folder) is None
    assert autostart.turned_off_by_desktop("darwin", folder) is None


def test_no_entry_or_one_that_cannot_be_read_is_not_turned_off(tmp_path: Path) -> None:
    folder = tmp_path / "autostart"
    assert autostart.turned_off_by_desktop("linux", folder) is None
    folder.mkdir()
    autostart.linux_entry_path(folder).mkdir()
    assert autostart.turned_off_by_desktop("linux", folder) is None
