"""Quitting while the usage index reads one big log: the read stops within the file."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from codex_presence_gui.core.discovery import FileStat
from codex_presence_gui.core.usage_index import UsageIndex, _rollout
from codex_presence_gui.core.usage_read import read_all
from tests.helpers import rollout as r
from tests.helpers.fresh import fresh_output
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000b001"
#: Bigger than what is read before a stop is asked again (a few blocks of the file).
BIG_BYTES = 24 << 20


def big_log(home: CodexHome) -> Path:
    """One session with a usage line, then many megabytes of long messages."""
    filler = r.assistant(BASE + 2, "x" * 4000)
    count = BIG_BYTES // len(filler)
    lines = [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1, model="gpt-5.3-codex"),
        r.token_count(BASE + 1, r.usage(1000, 0, 10, 0), r.usage(1000, 0, 10, 0)),
        *([filler] * count),
    ]
    return home.write(SID, lines, started=BASE)


def test_a_stop_asked_during_a_big_log_ends_its_read(codex_home: CodexHome) -> None:
    """The stop is asked between blocks of the file, and what was read of it is not kept: a
    quit during the first read of a log of gigabytes had waited for its end (the exit held
    for seconds, and past its 10 s on a slow disk)."""
    path = big_log(codex_home)
    asked: list[float] = []

    def stop_once_started() -> bool:
        asked.append(time.monotonic())
        return len(asked) > 1  # the first ask is before the file: its read starts

    todo = [(_rollout(str(path), FileStat.of(path), str(codex_home.root), False), None)]
    assert list(read_all(todo, BASE, 1, stop_once_started)) == [None]
    assert len(asked) >= 2


def test_an_index_stopped_within_a_log_reads_it_whole_next_time(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The next update reads the log stopped in from its start and counts its use once."""
    big_log(codex_home)
    asked = [0]

    def stop_in_the_file() -> bool:
        asked[0] += 1
        return asked[0] > 2

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert index.update([codex_home.root], should_stop=stop_in_the_file).read == 0
        assert index.update([codex_home.root]).read == 1
        counted = [(item.calls, item.tokens.total) for item in index.slots([codex_home.root])]
    assert counted == [(1, 1010)]


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_while_the_workers_fork_is_raised_not_lost(codex_home: CodexHome) -> None:
    """Python ignores an interrupt met in a fork's clean-up ("Exception ignored in: <function
    _releaseLock>"): Ctrl+C then had no effect, and the report ran to its end (2 of 250
    interrupts of a first build). Held while the workers fork, it is raised after."""
    paths = []
    for number in (1, 2):
        sid = f"019d0000-0000-7000-8000-00000000b00{number}"
        lines = [
            r.session_meta(BASE, sid),
            r.turn_context(BASE + 1, model="gpt-5.3-codex"),
            r.token_count(BASE + 1, r.usage(1000, 0, 10, 0), r.usage(1000, 0, 10, 0)),
        ]
        paths.append(str(codex_home.write(sid, lines, started=BASE)))
    code = (
        "import os, signal\n"
        "from codex_presence_gui.core import usage_read\n"
        "from codex_presence_gui.core.discovery import FileStat\n"
        "from codex_presence_gui.core.usage_index import _rollout\n"
        "usage_read.POOL_MIN_BYTES = 0\n"
        f"todo = [(_rollout(p, FileStat.of(p), {str(codex_home.root)!r}, False), None)"
        f" for p in {paths!r}]\n"
        # Ctrl+C as the first worker is forked, in the parent's clean-up after the fork.
        "os.register_at_fork(after_in_parent=lambda: signal.raise_signal(signal.SIGINT))\n"
        "try:\n"
        f"    reads = list(usage_read.read_all(todo, {BASE}, 2, None))\n"
        "    print('read', len(reads))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    assert fresh_output(code) == "interrupted"


def test_a_stop_ends_the_log_each_worker_is_on(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C while two workers read: the one on a long log ends it within a few blocks,
    nothing of it kept, instead of reading it (and the rest of its chunk of the biggest
    logs) to the end first; what was read whole is kept. The log here is made slow, not big:
    its read waits for the stop, and would run whole where none can reach it."""
    from codex_presence_gui.core import usage_read

    slow = big_log(codex_home)
    for number in range(3):
        sid = f"019d0000-0000-7000-8000-00000000c00{number}"
        lines = [
            r.session_meta(BASE, sid),
            r.turn_context(BASE + 1, model="gpt-5.3-codex"),
            r.token_count(BASE + 1, r.usage(1000, 0, 10, 0), r.usage(1000, 0, 10, 0)),
        ]
        codex_home.write(sid, lines, started=BASE)
    real_read = usage_read._read_file

    def waits_for_the_stop(item: Any, clock: Any) -> Any:
        if str(item[0].path) == str(slow):
            deadline = time.monotonic() + 20
            while clock.should_stop is not None and time.monotonic() < deadline:
                if clock.should_stop():
                    return None  # as a read stopped within the file
                time.sleep(0.01)
        return real_read(item, clock)

    monkeypatch.setattr(usage_read, "_read_file", waits_for_the_stop)  # (forked: the workers')
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    pressed = threading.Event()
    threading.Timer(0.5, pressed.set).start()  # Ctrl+C while the workers read
    paths = sorted(codex_home.root.rglob("rollout-*.jsonl"))
    todo = [(_rollout(str(p), FileStat.of(p), str(codex_home.root), False), None) for p in paths]
    reads = list(read_all(todo, BASE, 2, pressed.is_set))
    assert reads[-1] is None
    kept = {str(read.rollout.path) for read in reads[:-1] if read is not None}
    assert str(slow) not in kept
    assert kept <= {str(p) for p in paths}


def _no_worker_left() -> bool:
    """Whether every worker process has ended, given a moment: the pool's own thread reaps
    the killed ones too, and one reaped there can still look alive here for an instant."""
    import multiprocessing

    deadline = time.monotonic() + 2
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not multiprocessing.active_children()


def _stuck_pool(codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Four logs for two workers, the big one's read stuck as on a stalled disk (it never
    asks whether to stop); the todo for ``read_all``."""
    from codex_presence_gui.core import usage_read

    stuck = big_log(codex_home)
    for number in range(3):
        sid = f"019d0000-0000-7000-8000-00000000d00{number}"
        lines = [
            r.session_meta(BASE, sid),
            r.token_count(BASE + 1, r.usage(1000, 0, 10, 0), r.usage(1000, 0, 10, 0)),
        ]
        codex_home.write(sid, lines, started=BASE)
    real_read = usage_read._read_file

    def stalls(item: Any, clock: Any) -> Any:
        if str(item[0].path) == str(stuck):
            time.sleep(60)
        return real_read(item, clock)

    monkeypatch.setattr(usage_read, "_read_file", stalls)  # (forked: the workers')
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    paths = sorted(codex_home.root.rglob("rollout-*.jsonl"))
    return [(_rollout(str(p), FileStat.of(p), str(codex_home.root), False), None) for p in paths]


def test_a_worker_that_does_not_end_when_asked_is_not_waited_for(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C while a worker's disk has stalled: the update ends once the workers' grace is
    over, what the others gave back kept, and the stuck worker is ended (the report had
    waited for it for ever)."""
    from codex_presence_gui.core import usage_read

    todo = _stuck_pool(codex_home, monkeypatch)
    monkeypatch.setattr(usage_read, "STOP_GRACE_S", 0.5)
    pressed = threading.Event()
    threading.Timer(0.5, pressed.set).start()
    began = time.monotonic()
    reads = list(read_all(todo, BASE, 2, pressed.is_set))
    assert time.monotonic() - began < 10
    assert reads[-1] is None
    kept = {str(read.rollout.path) for read in reads[:-1] if read is not None}
    # The other worker's three small logs, given back while the big one stalled, are kept
    # (they came after it, and had been dropped with it).
    assert kept == {str(path) for path, _ in _small_logs(todo)}
    assert _no_worker_left()


def _small_logs(todo: list[Any]) -> list[tuple[Path, Any]]:
    """The logs of ``_stuck_pool`` that do not stall."""
    return [(Path(str(item[0].path)), item) for item in todo if item[0].stat.size < BIG_BYTES]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_worker_dying_while_another_is_stuck_ends_the_pool_without_a_wait(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker killed (out of memory) while the other is stuck on a stalled disk, deaf to
    SIGTERM as a process in the kernel is: the broken pool is ended, not waited for (its
    shutdown had joined the stuck worker for ever), and every log is read in this process."""
    import multiprocessing
    import os

    from codex_presence_gui.core import usage_read

    real_read = usage_read._read_file
    todo = _stuck_pool(codex_home, monkeypatch)
    big = next(str(item[0].path) for item in todo if item[0].stat.size >= BIG_BYTES)
    parent = os.getpid()
    stuck_pid = tmp_path / "stuck.pid"

    def stalls_in_a_worker(item: Any, clock: Any) -> Any:
        if str(item[0].path) == big and os.getpid() != parent:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            part = stuck_pid.with_suffix(".part")
            part.write_text(str(os.getpid()))
            os.replace(part, stuck_pid)  # whole when seen
            time.sleep(60)
        return real_read(item, clock)

    monkeypatch.setattr(usage_read, "_read_file", stalls_in_a_worker)

    def kill_the_other_worker() -> None:
        deadline = time.monotonic() + 5
        while not stuck_pid.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        stuck = int(stuck_pid.read_text())
        other = next(w for w in multiprocessing.active_children() if w.pid != stuck)
        assert other.pid is not None
        os.kill(other.pid, signal.SIGKILL)

    began = time.monotonic()
    reads = list(read_all(todo, BASE, 2, None, while_reading=kill_the_other_worker))
    assert time.monotonic() - began < 10
    assert _no_worker_left()
    assert sorted(str(read.rollout.path) for read in reads if read is not None) == sorted(
        str(item[0].path) for item in todo
    )


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="SIGSTOP is POSIX")
def test_a_second_ctrl_c_ends_the_pool_at_once_even_with_workers_stopped(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second Ctrl+C, meant to end at once, while every worker is stopped (SIGSTOP, a
    debugger): they are killed, not waited for (the report had waited for ever: a stopped
    process keeps a SIGTERM pending), and none is left behind."""
    import multiprocessing
    import os

    todo = _stuck_pool(codex_home, monkeypatch)

    def stop_the_workers() -> None:
        for worker in multiprocessing.active_children():
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGSTOP)

    deadline = time.monotonic() + 0.3

    def pressed_twice() -> bool:
        if time.monotonic() > deadline:
            raise KeyboardInterrupt  # as ``_CtrlC`` does on the second press
        return False

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        list(read_all(todo, BASE, 2, pressed_twice, while_reading=stop_the_workers))
    assert time.monotonic() - began < 5
    assert _no_worker_left()
