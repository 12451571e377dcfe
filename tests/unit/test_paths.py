"""The app's folders: the same as platformdirs gives, without importing it where we can."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from codex_presence_gui import APP_ID, paths

KINDS = ("config", "state", "log", "cache")
ENVIRONMENTS = [
    {},
    {"HOME": "/"},
    {"HOME": "/home/dev/"},
    {"HOME": "relative/home"},
    {"HOME": None},
    {"XDG_CACHE_HOME": "/var/cache/dev", "XDG_CONFIG_HOME": "/etc/dev"},
    {"XDG_STATE_HOME": "/srv/state/", "XDG_CACHE_HOME": "/"},
    {"XDG_CACHE_HOME": "relative", "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": " /x"},
    {"ANDROID_DATA": "/data", "ANDROID_ROOT": "/system"},
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_platform_dirs_are_platformdirs_own(
    environment: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    for kind in KINDS:
        try:
            expected = Path(getattr(dirs, f"user_{kind}_dir"))
        except RuntimeError:  # no home platformdirs can find: nor can we
            with pytest.raises(RuntimeError):
                paths._platform_dir(kind)
            continue
        assert Path(paths._platform_dir(kind)) == expected, kind


@pytest.mark.skipif(sys.platform != "linux", reason="the rule is Linux's")
def test_linux_needs_no_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/dev")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert paths._xdg_dir("cache") == f"/home/dev/.cache/{APP_ID}"
    assert paths._xdg_dir("log") == f"/home/dev/.local/state/{APP_ID}/log"


posix_modes = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@posix_modes
def test_folders_the_app_makes_are_its_users_alone(tmp_path: Path) -> None:
    """As the XDG base directory specification asks: each folder made, and each made above
    it, 0700; a folder already there keeps its permissions."""
    there = tmp_path / "there"
    there.mkdir(mode=0o755)
    there.chmod(0o755)
    paths.make_folder(there / "a" / "b")
    assert _mode(there) == 0o755
    assert _mode(there / "a") == 0o700
    assert _mode(there / "a" / "b") == 0o700
    paths.make_folder(there / "a" / "b")  # already there: nothing to do
    (there / "file").write_text("x")
    for blocked in (there / "file", there / "file" / "below"):
        with pytest.raises(FileExistsError) as raised:
            paths.make_folder(blocked)
        assert paths.os_problem(raised.value) == f"{there / 'file'} is not a folder"


@posix_modes
def test_the_settings_state_and_cache_folders_are_made_private(tmp_path: Path) -> None:
    """The settings, the notification history, the window's state and the usage index name
    projects and folders: on a shared machine, other users cannot list or read them."""
    from codex_presence_gui.core.notifications import NotificationLog
    from codex_presence_gui.core.settings import Settings, save_settings
    from codex_presence_gui.core.usage_index import UsageIndex
    from codex_presence_gui.ui.window_state import WindowState

    base = tmp_path / "base"
    save_settings(base / "config" / "settings.json", Settings())
    NotificationLog(base / "state" / "notifications.json").record([], 0.0)
    WindowState(base / "state2" / "ui.ini")
    UsageIndex(base / "cache" / "index.sqlite3").close()
    for folder in ("", "config", "state", "state2", "cache"):
        assert _mode(base / folder) == 0o700, folder


@posix_modes
def test_a_saved_file_keeps_its_permissions_and_its_link(tmp_path: Path) -> None:
    """Written over through a link, a file keeps its permissions and the link stays a link;
    a new file gets the permissions any new file gets; nothing else is left in the folder."""
    import os

    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    paths.save_text(link, "new\r\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\r\n"
    assert _mode(real) == 0o640
    paths.save_text(tmp_path / "fresh.csv", "é")
    umask = os.umask(0o022)
    os.umask(umask)
    assert _mode(tmp_path / "fresh.csv") == 0o666 & ~umask
    assert (tmp_path / "fresh.csv").read_bytes() == "é".encode()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fresh.csv", "link.csv", "real.csv"]


def test_a_file_another_program_holds_open_on_windows_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file a spreadsheet has open (the last export): the
    message says what to do, not only "Access is denied"; the file and folder stay as they
    were."""
    import os

    target = tmp_path / "usage.csv"
    target.write_text("old")

    def held(source: str, destination: str) -> None:
        raise PermissionError(13, "Access is denied", destination)

    monkeypatch.setattr(os, "name", "nt")
    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(PermissionError) as raised:
        paths.save_text(target, "new")
    assert paths.os_problem(raised.value) == (
        "Access is denied: it may be open in another program (a spreadsheet?); close it "
        "there, or save under another name"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]
    assert target.read_text() == "old"


@pytest.mark.parametrize("name", ["n" * 250 + ".csv", "é" * 125 + ".csv"])
def test_a_name_as_long_as_the_file_system_takes_is_saved(tmp_path: Path, name: str) -> None:
    """The new file written first beside it has a longer name: cut to fit, not refused."""
    paths.save_text(tmp_path / name, "x")
    assert [path.name for path in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("asked_before_the_rename", [False, True])
def test_a_cancelled_save_leaves_the_file_that_was_there(
    tmp_path: Path, asked_before_the_rename: bool
) -> None:
    """The app quitting during a save (asked before the new file is made, and again once it
    is written, before it takes the old one's place): the old file stays whole and nothing is
    left beside it."""
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    answers = iter([False, True] if asked_before_the_rename else [True])
    with pytest.raises(paths.SaveCancelledError):
        paths.save_text(target, "new,2\n", cancelled=lambda: next(answers))
    assert next(answers, None) is None  # asked as many times as said
    assert target.read_text() == "kept,1\n"
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]


@pytest.mark.parametrize("existing", [True, False])
def test_a_save_whose_new_file_was_removed_never_replaces_the_path(
    tmp_path: Path, existing: bool
) -> None:
    """A save given up while its write hangs has its new file removed by whoever gave it up
    (``made`` tells the path): the rename that follows fails and what was at the path stays
    (or nothing is there), even with no ``cancelled`` asked."""
    target = tmp_path / "usage.csv"
    if existing:
        target.write_text("kept,1\n")
    made: list[str] = []

    def removed_at_once(path: str) -> None:
        made.append(path)
        os.unlink(path)

    with pytest.raises(FileNotFoundError):
        paths.save_text(target, "new,2\n", made=removed_at_once)
    assert [Path(path).parent for path in made] == [tmp_path]
    assert Path(made[0]).name.startswith(".usage.csv.")
    assert [path.name for path in tmp_path.iterdir()] == (["usage.csv"] if existing else [])
    if existing:
        assert target.read_text() == "kept,1\n"


def test_a_save_given_up_while_the_folder_refuses_a_new_file_leaves_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder this user may not add to has its file written in place; given up while the
    folder took its time to refuse the new file (the app quitting), the save no longer
    writes the user's file at all (a process leaving meanwhile had left it half written)."""
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    answers = iter([False, True])

    def refused(folder: str, name: str) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", folder)

    monkeypatch.setattr(paths, "_new_file_beside", refused)
    with pytest.raises(paths.SaveCancelledError):
        paths.save_text(target, "new,2\n", cancelled=lambda: next(answers))
    assert target.read_text() == "kept,1\n"
    paths.save_text(target, "new,2\n")  # not given up: written in place
    assert target.read_text() == "new,2\n"


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="statvfs is POSIX")
def test_a_file_on_a_read_only_mount_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving over a file on a file system mounted read-only says so ("Read-only file
    system", as a new file there does), not "Permission denied", which had sent the user to
    the file's own permissions; a file the user may not write still reads that way."""
    import errno

    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    statvfs = os.statvfs
    read_only = [True]

    class Mount:
        def __init__(self, path: str) -> None:
            self.f_flag = statvfs(path).f_flag | (os.ST_RDONLY if read_only[0] else 0)

    monkeypatch.setattr(os, "access", lambda path, mode, **_: False)
    monkeypatch.setattr(os, "statvfs", Mount)
    with pytest.raises(OSError, match="Read-only file system") as raised:
        paths.save_text(target, "new,2\n")
    assert raised.value.errno == errno.EROFS
    assert raised.value.strerror == "Read-only file system"
    read_only[0] = False
    with pytest.raises(PermissionError):
        paths.save_text(target, "new,2\n")
    assert target.read_text() == "kept,1\n"


def test_what_is_no_file_is_said_without_errno(tmp_path: Path) -> None:
    """The app's own refusal of what is no file reads in plain words: no system call failed,
    and "[Errno 0] a folder is there…" had gone to the log as it was."""
    from codex_presence_gui.paths import NotAFileError

    where = str(tmp_path / "usage.sqlite3")
    refused = NotAFileError(where, "a folder is there instead of a file")
    assert str(refused) == f"{where}: a folder is there instead of a file"
    assert refused.strerror == "a folder is there instead of a file"  # as os_problem says it


#: The app's entry point as a user without a home runs it: no HOME, and no home for the user
#: in the user database (a container run as a user it does not list).
_HOMELESS_ENTRY = (
    "import pwd\n"
    "def none(uid): raise KeyError(uid)\n"
    "pwd.getpwuid = none\n"
    "from codex_presence_gui.cli import entry; entry()"
)


def _run_homeless(tmp_path: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """The command line ``argv`` run as a user with no home (``_HOMELESS_ENTRY``), offscreen,
    without the test's own app folders."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("HOME", paths.BASE_DIR_ENV) and not name.startswith("XDG_")
    }
    return subprocess.run(
        [sys.executable, "-c", _HOMELESS_ENTRY, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, "QT_QPA_PLATFORM": "offscreen"},
        cwd=tmp_path,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
@pytest.mark.parametrize(
    "command",
    [["status"], ["report", "daily", "--codex-home", "CODEX"], ["screenshot", "OUT"]],
)
def test_no_home_at_all_is_said_in_words(tmp_path: Path, command: list[str]) -> None:
    """Each command that needs a folder of the home says there is none and what to do,
    exit 2: each had ended in platformdirs' (or pathlib's) traceback."""
    codex = tmp_path / "codex"
    (codex / "sessions").mkdir(parents=True)
    argv = [str(codex) if word == "CODEX" else word for word in command]
    argv = [str(tmp_path / "shot.png") if word == "OUT" else word for word in argv]
    done = _run_homeless(tmp_path, argv)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == f"codex-presence-gui: error: {paths.NO_HOME}\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_no_home_with_the_folders_given_shows_them(tmp_path: Path) -> None:
    """With --base-dir and --codex-home, a user without a home gets the window's picture: its
    Usage page had asked for ~/.codex, to leave out a --codex-home that named it."""
    codex = tmp_path / "codex"
    (codex / "sessions").mkdir(parents=True)
    out = tmp_path / "shot.png"
    given = ["--base-dir", str(tmp_path / "base"), "screenshot", str(out), "--tab", "usage"]
    done = _run_homeless(tmp_path, [*given, "--codex-home", str(codex)])
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
