"""Every place the app keeps files: config, state, logs, cache, and bundled resources.

NOTE: Qt-free. Only this module asks platformdirs; tests and portable setups point everything
at one folder with ``CODEX_PRESENCE_BASE_DIR`` or ``override_base_dir``.
"""

from __future__ import annotations

import os
import stat  # imported by os already: free
import sys

from codex_presence_gui import APP_ID

TYPE_CHECKING = False  # typing (and re) are not imported: see core.records
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BASE_DIR_ENV = "CODEX_PRESENCE_BASE_DIR"
_base_override: Path | None = None


def override_base_dir(path: Path | None) -> None:
    """Keep config, state, logs and cache under ``path`` (None: back to the platform's dirs)."""
    global _base_override
    _base_override = path


def _base() -> str | None:
    if _base_override is not None:
        return os.fspath(_base_override)
    value = os.environ.get(BASE_DIR_ENV, "").strip()
    if value.startswith("~"):
        from pathlib import Path  # raises, as it always did, when there is no home to expand

        return str(Path(value).expanduser())
    return value or None


def base_dir() -> str | None:
    """The one folder this run keeps everything in (``--base-dir``,
    ``CODEX_PRESENCE_BASE_DIR`` or ``override_base_dir``), absolute; None when the platform's
    folders are used. Absolute because a relative one would mean another folder for a start
    from elsewhere, such as the log-in entry (``core.autostart``)."""
    base = _base()
    return os.path.abspath(base) if base is not None else None


#: Linux's XDG base folders (variable, default under the home) of each kind, as platformdirs
#: has them; the log folder is ``log`` in the state folder.
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "state": ("XDG_STATE_HOME", ".local/state"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "log": ("XDG_STATE_HOME", ".local/state"),
}


def _xdg_dir(kind: str) -> str | None:
    """The folder platformdirs gives on Linux, worked out without importing it (which takes
    longer than a repeat ``report`` itself); None where its answer is not this plain rule:
    other systems, Android, no absolute ``$HOME``."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    if not base.startswith("/"):  # unset, empty or relative: platformdirs ignores it
        home = os.environ.get("HOME", "")
        if not home.startswith("/"):
            return None
        base = os.path.join(home.rstrip("/") or "/", default)
    path = os.path.join(base, APP_ID)
    return os.path.join(path, "log") if kind == "log" else path


class NoHomeError(RuntimeError):
    """No home folder to find a folder in: ``HOME`` is unset or not a full path, and the user
    database has none for this user either (a container run as a user it does not list)."""


#: Said when there is no home: what to do about it.
NO_HOME = (
    "there is no home folder: HOME is not set to a full path, and this user account has "
    "none. Set HOME, or choose the folders: --base-dir DIR for this app's files, "
    "--codex-home DIR for Codex's."
)


def _platform_dir(kind: str) -> str:
    path = _xdg_dir(kind)
    if path is not None:
        return path
    import platformdirs  # imported on demand: the headless `status` path never needs it

    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    try:
        return str(getattr(dirs, f"user_{kind}_dir"))
    except RuntimeError as error:  # platformdirs' "could not determine the home directory"
        raise NoHomeError(NO_HOME) from error


def folder(kind: str) -> str:
    """The folder of ``kind`` (``config``, ``state``, ``log`` or ``cache``) as text: for a
    repeat ``report``, which makes no path object (see ``core.discovery.home_texts``)."""
    base = _base()
    return os.path.join(base, kind) if base is not None else _platform_dir(kind)


def _dir(kind: str) -> Path:
    from pathlib import Path

    return Path(folder(kind))


def config_dir() -> Path:
    """Settings and window state (``ui.ini``)."""
    return _dir("config")


def state_dir() -> Path:
    """Lock files and notification history."""
    return _dir("state")


def log_dir() -> Path:
    """The rotating log file."""
    return _dir("log")


def cache_dir() -> Path:
    """Disposable caches."""
    return _dir("cache")


def resource_path(relative: str) -> Path:
    """A file under ``resources/``, in a source checkout or in the frozen app.

    Raises:
        ValueError: ``relative`` is absolute or climbs out with ``..``.
    """
    from pathlib import Path, PurePosixPath

    parts = PurePosixPath(relative.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or not parts.parts:
        raise ValueError(f"not a resource name: {relative!r}")
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[1]
    return root / "resources" / Path(*parts.parts)


#: The settings file in the config folder (``core.settings.SETTINGS_FILE``; a test keeps the
#: two the same).
SETTINGS_FILE = "settings.json"
#: How much of the settings file the quick look below reads (the file is a few KiB).
_SETTINGS_PEEK_BYTES = 1024 * 1024


def configured_homes() -> list[str]:
    """The Codex folders chosen in Settings → General (see ``settings_homes``)."""
    return settings_homes()[0]


#: Byte-order marks of UTF-16 and UTF-32, in which the key is not found as bytes.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")


def settings_homes() -> tuple[list[str], str | None]:
    """The Codex folders chosen in Settings → General, for a command run without
    ``--codex-home``, and why they cannot be read when the file may name some but cannot be
    used (a command then reads the default folder, which must not go unsaid). The file is
    only read, never moved aside (``core.settings.peek_settings``), and parsed only when it
    may name folders: a plain ``report`` then stays as quick as before."""
    path = os.path.join(folder("config"), SETTINGS_FILE)
    try:
        data = read_kept(path, _SETTINGS_PEEK_BYTES)
    except FileNotFoundError:
        return [], None
    except OSError as error:
        return [], _unread(f"Could not use your settings ({path}: {os_problem(error)}).")
    key = data.find(b'"codex_homes"')
    if key < 0 and not data.startswith(_WIDE_BOMS):
        return [], None
    if key >= 0:
        value = data[key + len(b'"codex_homes"') :].lstrip().removeprefix(b":").lstrip()
        if value.startswith(b"[") and value[1:].lstrip().startswith(b"]"):
            return [], None  # none chosen (the file's other faults are the window's to say)
    from pathlib import Path

    from codex_presence_gui.core.settings import LEFT_OUT, peek_settings

    loaded = peek_settings(Path(path))
    if loaded.message is None:
        return list(loaded.settings.codex_homes), None
    if not loaded.problems:  # the file as a whole cannot be used
        return [], _unread(loaded.message.removesuffix("; using the defaults.") + ".")
    # "codex_homes: 5 must be a list of folders; using the default (none).", or of one folder
    # among others "codex_homes: x is not a full path: …; left out.": what is wrong.
    about_homes = [
        problem.partition("; using ")[0].removesuffix(f"; {LEFT_OUT}")
        for problem in loaded.problems
        if problem.startswith("codex_homes:")
    ]
    kept = list(loaded.settings.codex_homes)
    if not about_homes:
        return kept, None
    if kept:
        return kept, _printable(
            f"Some Codex folders in your settings ({path}) are left out: "
            f"{'; '.join(about_homes)}. The others are read."
        )
    return [], _printable(
        f"The Codex folders in your settings ({path}) cannot be used: "
        f"{'; '.join(about_homes)}. The default one is read."
    )


def _unread(why: str) -> str:
    return _printable(
        f"{why} The Codex folders chosen in Settings are not read; the default one is."
    )


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # Windows has none, and no FIFOs either
_BINARY = getattr(os, "O_BINARY", 0)


class NotAFileError(OSError):
    """A FIFO, device, socket or folder where one of the app's own files was expected
    (``why`` says so in other words where the caller knows better)."""

    def __init__(self, path: str, why: str = "it is not a regular file") -> None:
        super().__init__(0, why, path)

    def __str__(self) -> str:
        # Without OSError's "[Errno 0]": no system call failed, the app refused.
        return f"{self.filename}: {self.strerror}"


def kind_of(mode: int) -> str:
    """What a file of ``mode`` (``st_mode``) is, in plain words: ``a file``, ``a folder``,
    ``a named pipe``, ``a device``, ``a socket`` (or ``a special file``)."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_kept(path: str | os.PathLike[str], limit: int) -> bytes:
    """The first ``limit`` bytes of one of the app's own files (the settings, the
    notification history): see ``read_regular``.

    Raises:
        OSError: the file cannot be opened or read; ``NotAFileError`` for no regular file.
    """
    return read_regular(path, limit)[1]


def read_regular(path: str | os.PathLike[str], limit: int) -> tuple[os.stat_result, bytes]:
    """The stat of a regular file and its first ``limit`` bytes (fewer at its end), in one
    read with no buffered file object, without waiting on what is no file: opening a FIFO
    waits for a writer for ever, and a device such as ``/dev/zero`` never ends. The one
    such read, for the app's own files and the logs' (``core.tail.read_start``).

    Raises:
        OSError: the file cannot be opened or read; ``NotAFileError`` for no regular file.
    """
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(os.fsdecode(path))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        chunks = []
        while limit > 0:
            chunk = os.read(fd, limit)  # a short read is allowed: go on to the end
            if not chunk:
                break
            chunks.append(chunk)
            limit -= len(chunk)
    finally:
        os.close(fd)
    return info, chunks[0] if len(chunks) == 1 else b"".join(chunks)


def make_folder(path: str | os.PathLike[str]) -> None:
    """Make the folder ``path`` with the folders missing above it, each for this user only
    (0700, as the XDG base directory specification asks of the folders an app makes): the
    settings, logs and usage index name the user's projects and folders. Folders already
    there keep their permissions.

    Raises:
        OSError: as ``os.makedirs`` (``FileExistsError`` when a file is in the way).
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent and parent != path:
        make_folder(parent)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        if not os.path.isdir(path):  # made meanwhile by another process: fine; a file: not
            raise


def keep_aside(path: str | os.PathLike[str]) -> str | None:
    """Rename whatever is at ``path`` (a file, a folder, a FIFO, a link) to
    ``<name>.corrupt-<date>-<time>`` beside it, never over another; the new name, or None
    when it could not be moved."""
    import time

    where = os.fspath(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = f"{where}.corrupt-{stamp}"
    counter = 1
    while os.path.lexists(backup):
        backup = f"{where}.corrupt-{stamp}-{counter}"
        counter += 1
    try:
        os.replace(where, backup)
    except OSError:
        return None
    return backup


def _on_read_only_mount(path: str) -> bool:
    """Whether ``path`` is on a file system mounted read-only (False where that cannot be
    asked: Windows)."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:
        return False
    try:
        return bool(statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def save_text(
    path: str | os.PathLike[str],
    text: str,
    *,
    cancelled: Callable[[], bool] | None = None,
    made: Callable[[str], None] | None = None,
) -> None:
    """Write ``text`` (UTF-8, line ends as they are) to the file ``path`` the user chose,
    whole or not at all: into a new file beside it, then renamed over it, so that a full disk
    or a failing write leaves the file that was there as it was. A link is followed (the
    file it names gets the text), and a file written over keeps its permissions.

    ``cancelled`` is asked before the new file is made and again before it is renamed over
    ``path`` (the app quitting while a slow folder takes the text): once it says yes, the new
    file is removed and what was at ``path`` stays as it was. (In a folder this user may not
    add to, a file they may write is written in place, once ``cancelled`` was asked again.)
    ``made`` is told the new file's
    path as soon as it exists, so that whoever gives the save up can remove the file even
    while the write hangs (the rename then fails: it never replaces ``path``).

    Raises:
        OSError: the text could not be written (what was at ``path`` is untouched), or
            ``path`` is a pipe or a device (opening a pipe waits for a reader, for good);
            ``SaveCancelledError`` when ``cancelled`` said so.
    """
    import errno

    def check() -> None:
        if cancelled is not None and cancelled():
            raise SaveCancelledError(os.fspath(path))

    target = os.path.realpath(path)
    try:
        kind: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
    if kind is not None and not stat.S_ISREG(kind):
        raise OSError(errno.EINVAL, "not a file (a pipe or a device)", os.fspath(path))
    if kind is not None and not os.access(target, os.W_OK):
        # A read-only file stays so (renamed over, it would be replaced all the same). On a
        # read-only mount it is said so: "Permission denied" had sent the user to the file's
        # permissions, which allowed the write.
        if _on_read_only_mount(target):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
    data = text.encode("utf-8")
    folder, name = os.path.split(target)
    check()
    try:
        handle, temporary = _new_file_beside(folder, name)
    except PermissionError:
        if kind is None:
            raise
        # A folder this user may not add to, holding a file they may write: written in place
        # (a failure there can leave the file half written, as any editor would). Not once
        # the save was given up while the folder refused (slowly): the app may be leaving.
        check()
        with open(target, "wb") as file:
            file.write(data)
        return
    try:
        with os.fdopen(handle, "wb") as file:
            if made is not None:
                made(temporary)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if kind is not None:
            os.chmod(temporary, stat.S_IMODE(kind))
        check()
        try:
            os.replace(temporary, target)
        except PermissionError as error:
            if os.name != "nt" or kind is None:
                raise
            # Windows refuses to replace a file another program holds open (a spreadsheet
            # showing the last export): "Access is denied" alone did not say what to do.
            said = error.strerror or "Access is denied"
            raise PermissionError(
                error.errno,
                f"{said}: it may be open in another program (a spreadsheet?); close it "
                "there, or save under another name",
                os.fspath(path),
            ) from error
    except BaseException:
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class SaveCancelledError(OSError):
    """A save given up before its file was renamed into place (``save_text``'s
    ``cancelled``): what was at the path is as it was."""

    def __init__(self, path: str) -> None:
        import errno

        super().__init__(errno.ECANCELED, "the save was cancelled", path)


def _new_file_beside(folder: str, name: str) -> tuple[int, str]:
    """A new empty file ``.<name>.<random>.tmp`` in ``folder`` (open for writing) and its
    path, with the permissions a new file gets (``mkstemp``'s are for this user only)."""
    import secrets

    # As much of the name as the file system takes (255 bytes, in most): a name of 250
    # that can be written must not fail for the longer one beside it.
    while len(os.fsencode(f".{name}.00000000.tmp")) > 255 and name:
        name = name[:-1]
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def os_problem(error: OSError) -> str:
    """``error`` in plain words, without Python's ``[Errno N]`` and repeated path: its
    description, or, for a folder that could not be made or opened because something in the
    way is no folder (``mkdir`` says "File exists" of a file where the folder should be),
    which path that is."""
    named = getattr(error, "filename", None)
    if isinstance(error, FileExistsError | NotADirectoryError) and named is not None:
        path = os.fsdecode(named)
        while True:
            if os.path.lexists(path) and not os.path.isdir(path):
                return f"{path} is not a folder"
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return error.strerror or str(error)


def _printable(text: str) -> str:
    """``text`` with nothing a terminal would act on (a folder's name may hold anything)."""
    from codex_presence_gui.core.sanitize import clean_text

    return clean_text(text)
