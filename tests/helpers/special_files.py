"""Files that are no files, for hostile-disk tests: FIFOs (with a guard, so that code that
blocks on one fails its test instead of hanging it) and device nodes of a test's own."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


@contextmanager
def unblocked(fifo: Path, after: float = 3.0) -> Iterator[list[bool]]:
    """While the block still runs ``after`` seconds on, opens the other end of ``fifo`` as
    often as needed, which frees a reader or a writer stuck in ``open``: the list then holds
    True (the code under test waited on the FIFO), and the test fails instead of hanging."""
    hung: list[bool] = []
    done = threading.Event()

    def guard() -> None:
        if done.wait(after):
            return
        hung.append(True)
        while not done.is_set():
            try:  # a reader waiting in ``open``: a writer's end lets it read the end of it
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader: perhaps a writer waiting in ``open``
                reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                done.wait(0.2)
                os.close(reader)
            done.wait(0.05)

    thread = threading.Thread(target=guard, daemon=True)
    thread.start()
    try:
        yield hung
    finally:
        done.set()
        thread.join()


#: Linux's device numbers of the memory devices made by ``device_node``.
_DEVICES = {"null": (1, 3), "zero": (1, 5)}


def device_node(path: Path, kind: str = "null") -> None:
    """A character device at ``path`` of the test's own: ``null`` ends at once, ``zero``
    never ends. Never a link to ``/dev``: code that writes through a link (Qt's ``QSaveFile``
    does) replaced the machine's ``/dev/zero`` with a settings file when run as root.
    Skips the test where no node can be made (not root, not Linux)."""
    if not hasattr(os, "mknod") or os.geteuid() != 0:
        import pytest

        pytest.skip("making a device node needs root on Linux")
    major, minor = _DEVICES[kind]
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(major, minor))


def full_device() -> bool:
    """Whether ``/dev/full`` is the device that refuses every write: a sandbox may have a
    plain file there, which takes what is written, and opening a missing one for writing
    would make one."""
    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)
    except OSError:
        return False


def not_a_file(path: Path, kind: str) -> None:
    """Put at ``path`` what is no file: a ``fifo``, a ``device`` (see ``device_node``) or a
    ``folder``; skips the test where that cannot be made."""
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            import pytest

            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    elif kind == "device":
        device_node(path)
    else:
        path.mkdir()


def run_offscreen(code: str, *args: str, hung: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python of its own with Qt offscreen (a child, so that what it opens
    cannot take the test run with it); the test fails, saying ``hung``, when it does not end
    within 30 s."""
    import pytest

    try:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(hung)


def close_folder(monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    """``folder`` as a normal user meets a folder of mode 000: it cannot be listed, nor
    anything in it looked at (``refuse_stat``)."""
    refuse_stat(monkeypatch, lambda path: path.startswith(folder + os.sep))
    real_listdir = os.listdir

    def refusing_listdir(path: Any = ".") -> list[str]:
        if os.fspath(path) in (folder, folder + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", refusing_listdir)


def refuse_stat(monkeypatch: pytest.MonkeyPatch, refused: Callable[[str], bool]) -> None:
    """``os.stat`` and ``os.lstat`` of each path ``refused`` says yes to raise
    PermissionError, as they do for a normal user below a folder of another user's (0700):
    the tests run as root, whom no folder refuses (and Python 3.11's ``Path.is_dir`` lets
    that error out)."""
    for name in ("stat", "lstat"):
        real = getattr(os, name)

        def refusing(
            path: Any, *rest: Any, real: Callable[..., os.stat_result] = real, **options: Any
        ) -> os.stat_result:
            if refused(os.fspath(path)):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return real(path, *rest, **options)

        monkeypatch.setattr(os, name, refusing)
