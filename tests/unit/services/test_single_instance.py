"""The instance lock on a hostile or unlucky disk: what is in the lock's place, a folder that
cannot be made, a lock that cannot be written. Each is said in words, at once; none is taken
for a running instance, and none hangs."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLockFile

from codex_presence_gui.services import single_instance
from codex_presence_gui.services.single_instance import Outcome, SingleInstance, server_name
from tests.helpers.special_files import device_node, run_offscreen


@pytest.fixture(autouse=True)
def _application(qapp: object) -> None:
    """The local server the primary listens on needs an application's event dispatcher."""


def instance(lock: Path) -> SingleInstance:
    return SingleInstance(lock, f"test-{os.getpid()}-{time.monotonic_ns()}")


def started(lock: Path) -> tuple[Outcome, str]:
    owner = instance(lock)
    result = owner.start()
    owner.release()
    return result.outcome, result.message


@pytest.mark.parametrize("blocker", ["file", "link to nowhere"])
def test_a_state_folder_that_cannot_be_made_is_said_not_raised(
    tmp_path: Path, blocker: str
) -> None:
    """A file (or a dangling link) where the state folder should be: the launch is told
    which path is in the way (it had ended in a traceback from ``mkdir``)."""
    state = tmp_path / "state"
    if blocker == "file":
        state.write_text("not a folder")
    else:
        state.symlink_to(tmp_path / "nowhere" / "at-all")
    outcome, message = started(state / "instance.lock")
    assert outcome is Outcome.LOCK_ERROR
    assert message == (
        f"Cannot create the lock file {state / 'instance.lock'}: {state} is not a folder."
    )


def test_a_lock_that_cannot_be_written_is_said_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full (or read-only) disk fails Qt's lock with an error other than "held": that is
    said, with the disk's reason, not taken for a running instance that does not answer (5 s
    later, "it may be hung")."""

    class FullDisk:
        def tryLock(self, timeout: int) -> bool:
            return False

        def error(self) -> QLockFile.LockError:
            return QLockFile.LockError.UnknownError

    def no_space(*args: object) -> int:
        raise OSError(28, "No space left on device")

    owner = instance(tmp_path / "state" / "instance.lock")
    owner._lock = FullDisk()  # type: ignore[assignment]
    monkeypatch.setattr(single_instance.os, "write", no_space)
    begun = time.monotonic()
    result = owner.start()
    assert time.monotonic() - begun < 1
    assert result.outcome is Outcome.LOCK_ERROR
    assert result.message == (
        f"Cannot create the lock file {owner.lock_path}: No space left on device."
    )
    assert os.listdir(owner.lock_path.parent) == []  # the check left nothing behind


#: Starts an instance on the lock given, in a process of its own (Qt reading a FIFO or a
#: device would hang the tests): prints the outcome and the message.
_START = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a runaway read fails, not the box
from pathlib import Path
from typing import Any
from PySide6.QtCore import QCoreApplication
from codex_presence_gui.services.single_instance import SingleInstance
app = QCoreApplication([])
owner = SingleInstance(Path(sys.argv[1]), sys.argv[2])
result = owner.start()
owner.release()
print(result.outcome.name, result.message)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs, device nodes and rlimits of Linux")
@pytest.mark.parametrize("kind", ["fifo", "folder", "link loop", "device", "huge file"])
def test_what_cannot_be_a_lock_is_kept_aside_and_the_lock_taken(tmp_path: Path, kind: str) -> None:
    """Qt reads the lock it finds (to see whether its owner lives): a FIFO waited for a
    writer for ever, a zero device and a huge file were read without end, and a folder or a
    link loop was taken for a running instance ("it may be hung"). Each is moved aside, as a
    damaged settings file is, and the launch goes on."""
    lock = tmp_path / "state" / "instance.lock"
    lock.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(lock)
    elif kind == "folder":
        lock.mkdir()
        (lock / "inside").write_text("kept")
    elif kind == "link loop":
        lock.symlink_to(lock)
    elif kind == "device":
        device_node(lock, "zero")
    else:
        with lock.open("wb") as file:
            file.truncate(single_instance.MAX_LOCK_BYTES + 1)
    name = f"test-{os.getpid()}-{time.monotonic_ns()}"
    done = run_offscreen(_START, str(lock), name, hung=f"starting on a lock that is a {kind} hung")
    assert done.stdout.strip() == "PRIMARY", done.stderr
    [kept] = [p for p in lock.parent.iterdir() if p.name.startswith("instance.lock.corrupt-")]
    if kind == "folder":
        assert (kept / "inside").read_text() == "kept"


def test_a_lock_naming_no_process_is_taken_once_nothing_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text that is no lock (Qt cannot tell its owner, so never calls it stale): once no
    instance answers, it is kept aside and the lock taken (it had said "already running but
    does not answer" at every launch, until the file was deleted by hand)."""
    monkeypatch.setattr(single_instance, "CONNECT_PATIENCE_S", 0.2)
    lock = tmp_path / "instance.lock"
    lock.write_text("{not a lock}")
    assert started(lock) == (Outcome.PRIMARY, "")
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("instance.lock.corrupt-")]
    assert kept.read_text() == "{not a lock}"


def test_a_live_instance_is_still_found(tmp_path: Path) -> None:
    """What is kept aside is only what cannot be a lock: a held one is not touched."""
    lock = tmp_path / "instance.lock"
    owner = instance(lock)
    assert owner.start().outcome is Outcome.PRIMARY
    try:
        second = SingleInstance(lock, owner.name)
        result = second.start()
        # The owner's event loop does not run here, so it cannot answer: "no answer",
        # naming its process, and the lock stays where it is.
        assert result.outcome is Outcome.NO_ANSWER
        assert f"(process {os.getpid()})" in result.message
        # (with the channel the owner listens on beside it: nothing was kept aside)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["instance.lock", "instance.socket"]
    finally:
        owner.release()


@pytest.mark.skipif(sys.platform != "linux", reason="names of any bytes are a Linux thing")
def test_a_folder_whose_name_is_not_utf8(tmp_path: Path) -> None:
    """Python keeps such a name (surrogateescape); hashing it for the socket's name had
    raised, and Qt, which names files in UTF-8, would lock another file: it is said."""
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/bad\xff"))
    assert server_name(folder).startswith("codex-presence-")
    outcome, message = started(folder / "state" / "instance.lock")
    assert outcome is Outcome.LOCK_ERROR
    assert "its folder's name is not UTF-8 text" in message


def _asked(owner: SingleInstance, qtbot: Any, command: bytes) -> bytes:
    """Send ``command`` to the primary ``owner`` as a launch would; its answer."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(owner.name)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState)
    socket.write(command + b"\n")
    answer = bytearray()

    def answered() -> bool:
        answer.extend(bytes(socket.readAll().data()))
        return b"\n" in answer

    qtbot.waitUntil(answered)
    socket.abort()
    return bytes(answer).strip()


@pytest.mark.parametrize(
    ("by_monotonic", "by_wall", "answer", "replaced"),
    [
        (-60.0, -60.0, b"newer", False),  # launched before this instance took the lock: stays
        (+60.0, +60.0, b"bye", True),  # launched after: replaced, as asked
        # The clocks disagree (one was set back, or counts otherwise): replaced, as asked.
        (-60.0, +60.0, b"bye", True),
        (+60.0, -60.0, b"bye", True),
    ],
)
def test_a_replace_from_a_launch_older_than_the_instance_shows_it_instead(
    tmp_path: Path, qtbot: Any, by_monotonic: float, by_wall: float, answer: bytes, replaced: bool
) -> None:
    """Several ``--replace`` launches at once: the one that took over is not replaced by the
    others in turn (it began after them, by both clocks); it shows its window. A launch
    begun after it replaces it, and so does one the two clocks do not agree on."""
    owner = instance(tmp_path / "instance.lock")
    assert owner.start().outcome is Outcome.PRIMARY
    try:
        with qtbot.waitSignal(
            owner.replace_requested if replaced else owner.activate_requested, timeout=2000
        ):
            launched = (time.monotonic() + by_monotonic, time.time() + by_wall)
            said = _asked(owner, qtbot, b"replace-unless-newer %r %r" % launched)
        assert said.split(b" ", 1)[0] == answer
    finally:
        owner.release()


@pytest.mark.parametrize(
    "when", [b"soon", b"nan", b"inf", b"1e999", b"1 soon", b"1 nan", b"1 2 3", b"1  2", b"-1"]
)
def test_a_replace_whose_time_cannot_be_read_replaces(
    tmp_path: Path, qtbot: Any, when: bytes
) -> None:
    owner = instance(tmp_path / "instance.lock")
    assert owner.start().outcome is Outcome.PRIMARY
    try:
        with qtbot.waitSignal(owner.replace_requested, timeout=2000):
            assert _asked(owner, qtbot, b"replace-unless-newer " + when) == b"bye"
    finally:
        owner.release()


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix socket beside the lock")
def test_a_replace_sent_to_an_older_version_is_said_as_it_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instance of an older version, still running after an update, knows only "replace"
    (it answers "?" to the rest): the launch asks again in its words."""
    import socket
    import threading

    monkeypatch.setattr(single_instance, "HANDOVER_TIMEOUT_S", 0.3)
    lock = tmp_path / "instance.lock"
    holder = QLockFile(str(lock))  # held, as the old instance holds it
    assert holder.tryLock(100)
    heard: list[bytes] = []
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "instance.socket"))
    listener.listen(4)

    def old_version() -> None:
        for _ in range(2):
            connection, _address = listener.accept()
            with connection:
                command = connection.makefile("rb").readline().strip()
                heard.append(command)
                connection.sendall(b"bye\n" if command == b"replace" else b"?\n")

    answering = threading.Thread(target=old_version, daemon=True)
    answering.start()
    try:
        result = instance(lock).start(replace=True)
    finally:
        holder.unlock()
        listener.close()
    answering.join(5)
    assert [command.split(b" ")[0] for command in heard] == [b"replace-unless-newer", b"replace"]
    assert result.outcome is Outcome.NO_ANSWER  # (the lock was kept here: it never quit)
    assert "agreed to quit but has not finished" in result.message


#: A ``--replace`` launch in a process of its own whose wall clock was set back an hour
#: after the running instance started (a wrong clock put right): prints its outcome.
_REPLACE_AFTER_CLOCK_SET_BACK = """
import sys, time
real = time.time
time.time = lambda: real() - 3600
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from codex_presence_gui.services.single_instance import SingleInstance
app = QCoreApplication([])
print(SingleInstance(Path(sys.argv[1]), sys.argv[2]).start(replace=True).outcome.name)
"""


def test_a_replace_after_the_clock_was_set_back_replaces(tmp_path: Path, qtbot: Any) -> None:
    """The wall clock set back after the running instance started: a ``--replace`` launch
    still replaces it. (Compared by the wall clock, the instance seemed to have begun after
    the launch, and every ``--replace`` for an hour only showed its window.)"""
    import subprocess

    owner = instance(tmp_path / "instance.lock")
    assert owner.start().outcome is Outcome.PRIMARY
    owner.replace_requested.connect(owner.release)  # quits, as the app does
    try:
        launch = subprocess.Popen(
            [sys.executable, "-c", _REPLACE_AFTER_CLOCK_SET_BACK, str(owner.lock_path), owner.name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        qtbot.waitUntil(lambda: launch.poll() is not None, timeout=20_000)
        out, err = launch.communicate()
    finally:
        owner.release()
    assert out.strip() == "PRIMARY", err


def test_a_launch_taken_over_from_as_it_was_answered_asks_the_new_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another ``--replace`` launch took the lock from the instance asked to quit between its
    "bye" and this launch's first look at the lock: the one waited for is the instance asked,
    so the new owner is asked in turn (and shows its window), not waited on as if it were
    quitting and called hung."""
    monkeypatch.setattr(single_instance, "HANDOVER_TIMEOUT_S", 0.5)
    lock = tmp_path / "instance.lock"
    holder = QLockFile(str(lock))  # held: by the instance asked, then by the launch that won
    assert holder.tryLock(100)
    launch = instance(lock)
    owners = iter([111, 111])  # the instance asked (named, then asked); later, the winner

    def owner() -> int:
        return next(owners, 222)

    sent: list[bytes] = []

    def send(command: bytes) -> bytes:
        sent.append(command)
        return b"bye" if len(sent) == 1 else b"newer"

    monkeypatch.setattr(launch, "_owner", owner)
    monkeypatch.setattr(launch, "_send", send)
    try:
        result = launch.start(replace=True)
    finally:
        holder.unlock()
    assert result.outcome is Outcome.ACTIVATED, result.message
    assert len(sent) == 2
