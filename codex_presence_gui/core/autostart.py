"""Launch at login, the way each system expects it: an XDG autostart entry on Linux, a
LaunchAgent on macOS, a ``Run`` registry value on Windows.

The entry names what to start, and that can go stale: the app is moved or updated, macOS ran
it from a translocated copy, or it was started through the Windows console twin. So the entry
is derived from the install, not from whatever ``sys.executable`` happens to be, and
``ensure_launch_at_login`` checks it at every start and rewrites it when it differs.

A copy that keeps its files in one folder (``--base-dir``, ``CODEX_PRESENCE_BASE_DIR``) passes
that folder on in the entry, as an argument: the only way that reaches the app on every
system (``open`` on macOS starts the app through Launch Services, which does not hand it the
environment of the agent, and a ``Run`` value is a bare command line).

NOTE: Qt-free. Each function takes the folder (or registry) it writes to, so tests can point
them anywhere.
"""

from __future__ import annotations

import os
import plistlib
import sys
from collections.abc import Sequence
from pathlib import Path, PureWindowsPath
from typing import Protocol

from codex_presence_gui import APP_ID, APP_NAME, paths

BUNDLE_ID = "io.github.codex-presence.gui"
#: Why no entry can be written without a home (its folder is in the home on Linux and macOS).
NO_HOME = (
    "there is no home folder to keep its entry in (HOME is not set to a full path, and this "
    "user account has none)."
)
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "CodexPresence"
# The Windows build ships a windowed program and a console twin for the commands
# (pyinstaller.spec); only the windowed one may start at login, or a console window opens.
WINDOWED_EXE = f"{APP_ID}.exe"
CONSOLE_TWIN_EXE = f"{APP_ID}-cli.exe"
# Gatekeeper runs a quarantined app opened from Downloads from a random read-only copy under
# this folder; the copy is gone after the next reboot, so its path must never be stored.
TRANSLOCATION_MARK = "/AppTranslocation/"
#: The option that gives the app its base folder (``cli``).
BASE_DIR_OPTION = "--base-dir"


def windowed_executable(executable: str) -> str:
    """The windowed program for ``executable``: the console twin maps to its sibling."""
    path = PureWindowsPath(executable)
    if path.name.lower() == CONSOLE_TWIN_EXE:
        return str(path.with_name(WINDOWED_EXE))
    return executable


def is_translocated(path: str) -> bool:
    """Whether ``path`` lies in a Gatekeeper translocation (``.../AppTranslocation/...``)."""
    return TRANSLOCATION_MARK in path


def macos_open_command(arguments: Sequence[str] = ("--minimized",)) -> list[str]:
    """Start the bundle by its identifier: Launch Services finds wherever it is installed now,
    so neither moving the app nor a translocated first start leaves a dead path behind."""
    return ["/usr/bin/open", "-b", BUNDLE_ID, "--args", *arguments]


def launch_command(
    executable: str | None = None,
    *,
    frozen: bool | None = None,
    platform: str | None = None,
    base_dir: str | None = None,
) -> list[str]:
    """How to start this app minimized at login, with this run's base folder if it has one.

    Frozen: the windowed executable on Windows (never the console twin), the bundle by its id
    on macOS, the executable on Linux. From source: this Python with ``-m``. The arguments
    default to this process (``base_dir`` to ``paths.base_dir()``); tests pass them.
    """
    executable = executable if executable is not None else sys.executable
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    platform = platform or sys.platform
    base_dir = base_dir if base_dir is not None else paths.base_dir()
    arguments = ["--minimized"]
    if base_dir is not None:
        arguments += [BASE_DIR_OPTION, base_dir]
    if not frozen:
        return [executable, "-m", "codex_presence_gui", *arguments]
    if platform == "win32":
        return [windowed_executable(executable), *arguments]
    if platform == "darwin":
        return macos_open_command(arguments)
    return [executable, *arguments]


def xdg_autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart``)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        # Unset, empty or relative: the XDG spec says to ignore a relative one (systemd's
        # generator does, and so do the app's own folders, see ``paths``); followed, the
        # entry went into the working folder, where no session looks.
        base = str(_home() / ".config")
    return Path(base) / "autostart"


def _home() -> Path:
    """The user's home folder; ``paths.NoHomeError`` when there is none (pathlib's own error
    had ended Settings' opening, which asks whether the entry is there, in a traceback)."""
    try:
        return Path.home()
    except RuntimeError as error:  # Path's "Could not determine home directory."
        raise paths.NoHomeError(paths.NO_HOME) from error


#: Characters that make an argument of ``Exec`` need quotes (Desktop Entry Specification,
#: "The Exec key").
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
#: Escaped inside those quotes.
_EXEC_ESCAPED = frozenset('"`$\\')
#: What no part of ``Exec`` may hold: control characters (tabs and line breaks too) and the
#: backslash. The specification has escapes for them, which GLib undoes, but systemd's
#: generator, which starts the autostart entries of GNOME and KDE sessions run by systemd,
#: undoes them a second time: a folder ``a\b`` became a backspace, and one ending in ``\``
#: left the entry out.
_EXEC_UNWRITABLE = frozenset(map(chr, (*range(32), 127))) | {"\\"}
#: Names the program of an ``Exec`` whose own path holds a ``%``: GLib and systemd's
#: generator look that program up before they undo its ``%%``, found no such file and
#: skipped the entry (an app kept in "100% done/" never started at log-in). An argument's
#: ``%%`` both read as ``%``, so the program goes after ``env``, which starts it.
_ENV = "/usr/bin/env"
#: The escape of every string value in a desktop file, undone before ``Exec`` is split: the
#: backslashes of the quoting's own escapes (``\"``, ``\$``).
_KEY_FILE_ESCAPES = {"\\": "\\\\"}


def desktop_exec(command: Sequence[str]) -> str:
    """``command`` as the value of ``Exec``, quoted as the Desktop Entry Specification says
    (GLib and KDE read it so; shell quoting with ``'`` is not part of it, and a ``%`` would
    be read as a field code).

    Raises:
        ValueError: a part holds a control character or a backslash, which not every
            reader of desktop files reads back (``_EXEC_UNWRITABLE``).
    """
    if command and "%" in command[0]:
        command = [_ENV, *command]
    words = []
    for part in command:
        if _EXEC_UNWRITABLE.intersection(part):
            raise ValueError(f"a desktop entry cannot hold {part!r}")
        if part and not _EXEC_RESERVED.intersection(part):
            word = part
        else:
            escaped = "".join(f"\\{char}" if char in _EXEC_ESCAPED else char for char in part)
            word = f'"{escaped}"'
        words.append(word.replace("%", "%%"))
    value = " ".join(words)
    return "".join(_KEY_FILE_ESCAPES.get(char, char) for char in value)


def desktop_entry(command: Sequence[str]) -> str:
    """An XDG autostart ``.desktop`` entry for ``command``."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Codex limits, sessions and Discord presence\n"
        f"Exec={desktop_exec(command)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def linux_entry_path(folder: Path | None = None) -> Path:
    return (folder or xdg_autostart_dir()) / f"{APP_ID}.desktop"


def set_linux(enabled: bool, command: Sequence[str], folder: Path | None = None) -> Path:
    """Create or remove ``codex-presence-gui.desktop`` in the autostart folder."""
    path = linux_entry_path(folder)
    if enabled:
        entry = desktop_entry(command)
        # Checked before the file is written: a name UTF-8 cannot hold leaves no empty entry.
        entry.encode("utf-8")
        _write(path, entry)
    else:
        path.unlink(missing_ok=True)
    return path


def _write(path: Path, text: str) -> None:
    """``text`` as the entry at ``path``, whole or not at all (a full disk had left a cut
    entry, which started nothing), and never waiting on a named pipe put there (opened for
    writing, it waits for a reader for good). An error names ``path``, not the new file
    the text goes into first (beside it, or beside the file a link names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        paths.save_text(path, text)
    except OSError as error:
        if error.filename == str(path) or not error.errno:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from error


def macos_agent_path(folder: Path | None = None) -> Path:
    return (folder or _home() / "Library" / "LaunchAgents") / f"{BUNDLE_ID}.plist"


def launch_agent(command: Sequence[str]) -> dict[str, object]:
    """The LaunchAgent for ``command``; a translocated program is replaced by the bundle id
    (its arguments kept)."""
    arguments = list(command)
    if arguments and is_translocated(arguments[0]):
        arguments = macos_open_command(arguments[1:])
    elif any(is_translocated(part) for part in arguments):
        arguments = macos_open_command()
    return {"Label": BUNDLE_ID, "ProgramArguments": arguments, "RunAtLoad": True}


def set_macos(enabled: bool, command: Sequence[str], folder: Path | None = None) -> Path:
    """Create or remove the LaunchAgent plist in ``~/Library/LaunchAgents``."""
    path = macos_agent_path(folder)
    if enabled:
        _write(path, plistlib.dumps(launch_agent(command)).decode("utf-8"))  # XML, UTF-8
    else:
        path.unlink(missing_ok=True)
    return path


class Registry(Protocol):
    """The part of ``winreg`` used here (a fake in tests)."""

    def get_run_value(self, name: str) -> str | None: ...

    def set_run_value(self, name: str, command: str) -> None: ...

    def delete_run_value(self, name: str) -> None: ...


class _WinRegistry:
    """``HKEY_CURRENT_USER\\...\\Run`` through ``winreg`` (Windows only)."""

    def get_run_value(self, name: str) -> str | None:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
                value, _kind = winreg.QueryValueEx(key, name)  # type: ignore[attr-defined,unused-ignore]
        except FileNotFoundError:
            return None
        return value if isinstance(value, str) else None

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
    """A command line as Windows programs split it (``CommandLineToArgvW`` and the C
    runtime): each part in quotes, a quote in it escaped, and the backslashes before a quote
    (or before the closing one, as in ``C:\\``) doubled; other backslashes are plain."""
    return " ".join(_windows_argument(part) for part in command)


def _windows_argument(part: str) -> str:
    quoted = []
    backslashes = 0
    for char in part:
        if char == "\\":
            backslashes += 1
            continue
        if char == '"':
            quoted.append("\\" * (2 * backslashes + 1) + '"')
        else:
            quoted.append("\\" * backslashes + char)
        backslashes = 0
    quoted.append("\\" * (2 * backslashes))
    return f'"{"".join(quoted)}"'


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
        return _failed("change", error)
    except paths.NoHomeError:
        return f"Could not change launching at login: {NO_HOME}"
    except ValueError:  # a base folder's name no entry can hold (a control character)
        return _unwritable("change")
    return None


def _failed(verb: str, error: OSError) -> str:
    """Why the log-in entry could not be written or removed, naming the file it is about (a
    folder or a dangling link in its place had been told as "Is a directory", "No such file
    or directory", of no file the user could find); the registry's errors name none."""
    from codex_presence_gui.core.sanitize import clean_text

    named = error.filename
    where = f" ({clean_text(os.fsdecode(named))})" if isinstance(named, str | bytes) else ""
    return f"Could not {verb} launching at login{where}: {paths.os_problem(error)}"


def _unwritable(verb: str) -> str:
    """Why the log-in entry could not be written for this copy's folder, naming it (cleaned:
    its name may hold what a terminal or a label would act on)."""
    from codex_presence_gui.core.sanitize import clean_text

    folder = paths.base_dir()
    named = f" {clean_text(folder)}" if folder is not None else ""
    return (
        f"Could not {verb} launching at login: this copy's folder{named} "
        f"({BASE_DIR_OPTION} or {paths.BASE_DIR_ENV}) has a name the log-in entry cannot hold "
        "(a backslash or a control character)."
    )


#: Far more than an entry holds: a larger file is not this app's (and is not read whole).
MAX_ENTRY_BYTES = 64 * 1024


def _read_bytes(path: Path) -> bytes | None:
    """The entry at ``path`` (None: none there), read without waiting on what is no file:
    a named pipe put there had hung the window's start, and its Settings at opening.

    Raises:
        OSError: it cannot be read; ``paths.NotAFileError`` for no regular file.
    """
    try:
        return paths.read_kept(path, MAX_ENTRY_BYTES)
    except FileNotFoundError:
        return None


def _linux_current(command: Sequence[str], folder: Path | None) -> bool:
    return _read_bytes(linux_entry_path(folder)) == desktop_entry(command).encode("utf-8")


def _macos_current(command: Sequence[str], folder: Path | None) -> bool:
    data = _read_bytes(macos_agent_path(folder))
    if data is None:
        return False
    try:
        agent = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError):
        return False  # damaged: rewritten
    # Compared as data, not bytes: an agent another tool re-serialized still counts.
    return bool(agent == launch_agent(command))


def launches_at_login(
    command: Sequence[str] | None = None,
    *,
    platform: str | None = None,
    folder: Path | None = None,
    registry: Registry | None = None,
) -> bool:
    """Whether this install's own entry is there (another copy's entry is not this one's:
    see ``ensure_launch_at_login``). False when it cannot be read."""
    command = list(command or launch_command(platform=platform))
    platform = platform or sys.platform
    try:
        if platform == "win32":
            registry = registry or _WinRegistry()
            return registry.get_run_value(RUN_VALUE) == windows_command(command)
        if platform == "darwin":
            return _macos_current(command, folder)
        return _linux_current(command, folder)
    except (OSError, ValueError, paths.NoHomeError):  # ValueError: a name no entry can hold
        return False  # (so none holds it); no home: no entry in it


def turned_off_by_desktop(platform: str | None = None, folder: Path | None = None) -> Path | None:
    """The log-in entry, when the desktop's own startup settings turned it off (None when
    not): XFCE and LXDE untick an app by writing ``Hidden=true`` into its entry, GNOME's
    older tool ``X-GNOME-Autostart-enabled=false``. Rewritten at the next start, the app
    had come back at every log-in the user had turned it off for. Linux only."""
    if (platform or sys.platform) in ("win32", "darwin"):
        return None
    try:
        path = linux_entry_path(folder)
        data = _read_bytes(path)
    except (OSError, paths.NoHomeError):
        return None
    if data is None:
        return None
    group = ""
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("["):
            group = line
            continue
        key, equals, value = line.partition("=")
        if not equals or group != "[Desktop Entry]":
            continue
        key, value = key.strip(), value.strip()
        if (key, value) in (("Hidden", "true"), ("X-GNOME-Autostart-enabled", "false")):
            return path
    return None


def ensure_launch_at_login(
    enabled: bool,
    command: Sequence[str] | None = None,
    *,
    platform: str | None = None,
    folder: Path | None = None,
    registry: Registry | None = None,
) -> str | None:
    """At start, while the setting is on: rewrite the entry when it is missing or differs.

    Returns a plain message when it could not be done, None otherwise. With the setting off
    it does nothing: removing is the settings change's job (``set_launch_at_login``), and a
    second copy of the app (a test build, a source checkout with its own settings) must not
    delete the entry the installed one keeps. ``platform``, ``folder`` and ``registry``
    default to this system; tests pass fakes.
    """
    if not enabled:
        return None
    command = list(command or launch_command(platform=platform))
    platform = platform or sys.platform
    try:
        if platform == "win32":
            registry = registry or _WinRegistry()
            if registry.get_run_value(RUN_VALUE) != windows_command(command):
                set_windows(True, command, registry)
        elif platform == "darwin":
            if not _macos_current(command, folder):
                set_macos(True, command, folder)
        elif not _linux_current(command, folder):
            set_linux(True, command, folder)
    except OSError as error:
        return _failed("update", error)
    except paths.NoHomeError:
        return f"Could not update launching at login: {NO_HOME}"
    except ValueError:
        return _unwritable("update")
    return None
