"""Quitting the real app while its threads are busy: the process exits 0, never with SIGABRT
("QThread: Destroyed while thread … is still running")."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codex_presence_gui.services.discord_client import IPC_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.fake_discord import FakeDiscord, Mode
from tests.helpers.rollout import CodexHome

SID = "019de1a2-0000-7000-8000-0000000000b7"

#: Runs the app (``cli.main``) with the second read of the feed made slow: that read starts
#: right after the first view is out, and asks the app to quit as it begins, as a user
#: choosing Quit while the reader is busy. argv: home, seconds, and what is slow: the read
#: ("read-cooperative", "read-plain"), the usage index's update ("usage-cooperative",
#: "usage-plain") or the Discord handshake ("discord-hung", "discord-stubborn").
APP_QUITTING_DURING_A_READ = r"""
import sys, time
from codex_presence_gui.core import reader
from codex_presence_gui.services import discord_client, discord_worker

home, seconds, kind = sys.argv[1], float(sys.argv[2]), sys.argv[3]


def quit_soon(what):
    from PySide6.QtCore import QCoreApplication, QMetaObject, Qt

    print(what, "started", file=sys.stderr, flush=True)
    queued = Qt.ConnectionType.QueuedConnection
    QMetaObject.invokeMethod(QCoreApplication.instance(), "quit", queued)


original = reader.CodexReader.refresh
calls = []

def slow_read(self, *, discover_files=True, **options):
    calls.append(1)
    if len(calls) == 2 and kind.startswith("read"):
        quit_soon("slow read")
        should_stop = options.get("should_stop")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (should_stop and should_stop()):
            time.sleep(0.01)
        print("slow read ended", file=sys.stderr, flush=True)
    return original(self, discover_files=discover_files)

if kind == "read-plain":
    # A read that ignores should_stop (a blocking call deep in the file system, say): it
    # cannot be cut short, and the quit must still end cleanly once it returns.
    def plain(self, *, discover_files=True, should_stop=None):
        return slow_read(self, discover_files=discover_files)
    reader.CodexReader.refresh = plain
else:
    reader.CodexReader.refresh = slow_read

from codex_presence_gui.core import usage_index

original_update = usage_index.UsageIndex.update

def slow_update(self, homes, **options):
    if kind.startswith("usage"):
        quit_soon("slow usage update")
        # "usage-plain": an update that cannot be cut short (a long write, say).
        should_stop = options.get("should_stop") if kind == "usage-cooperative" else None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (should_stop and should_stop()):
            time.sleep(0.01)
        print("slow usage update ended", file=sys.stderr, flush=True)
    return original_update(self, homes, **options)

usage_index.UsageIndex.update = slow_update

real_connect = discord_client.PypresenceClient.connect

def connect(self):
    if kind == "discord-hung":
        # With a peer that accepts and never answers; the quit comes once the handshake is
        # on its way (the window's loop, idle, would otherwise quit before it is sent).
        import threading

        threading.Timer(0.3, quit_soon, ("handshake",)).start()
        self.handshake_timeout = seconds
        return real_connect(self)
    if kind == "discord-stubborn":
        quit_soon("handshake")  # a blocking call that the abort cannot cancel
        time.sleep(seconds)
        print("handshake ended", file=sys.stderr, flush=True)
        raise discord_client.DiscordNotRunningError("gone")
    return real_connect(self)

discord_client.PypresenceClient.connect = connect

from codex_presence_gui import cli

discord = [] if kind.startswith("discord") else ["--no-discord"]
sys.exit(cli.main(["--codex-home", home, "-v", *discord]))
"""


def run_app(
    tmp_path: Path, home: CodexHome, seconds: float, kind: str, ipc_dir: Path | None = None
) -> tuple[int, str, float]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["CODEX_PRESENCE_BASE_DIR"] = str(tmp_path / "app")
    env[IPC_DIR_ENV] = str(ipc_dir or tmp_path)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", APP_QUITTING_DURING_A_READ, str(home.root), str(seconds), kind],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stderr, time.monotonic() - started


def write_session(home: CodexHome) -> None:
    now = time.time()
    home.write(
        SID,
        [
            r.session_meta(now - 30, SID, cwd="/w/shop"),
            r.turn_context(now - 29),
            r.token_count(now - 1, r.usage(1000, 0, 0), None, r.limits()),
        ],
    )


def log_text(tmp_path: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in (tmp_path / "app").rglob("*.log*"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX exit statuses")
def test_quit_during_a_read_that_cannot_be_cut_short(tmp_path: Path, codex_home: CodexHome) -> None:
    """A 3 s read that ignores the abort: stop gives up after its timeout,
    the thread is kept, and the process waits for it at exit, then exits 0."""
    write_session(codex_home)
    code, stderr, elapsed = run_app(tmp_path, codex_home, 3.0, "read-plain")
    assert code != -signal.SIGABRT, stderr
    assert "Destroyed while thread" not in stderr
    assert code == 0, stderr
    assert "slow read started" in stderr
    assert "slow read ended" in stderr
    assert elapsed >= 3.0  # it did wait for the read to end
    logged = log_text(tmp_path)
    assert "did not stop within" in logged
    assert "waiting for thread 'session-feed' to end before exiting" in logged


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX exit statuses")
def test_quit_during_a_read_that_checks_the_abort(tmp_path: Path, codex_home: CodexHome) -> None:
    """A read that takes ``should_stop`` ends at the quit: a prompt, clean exit."""
    write_session(codex_home)
    code, stderr, elapsed = run_app(tmp_path, codex_home, 30.0, "read-cooperative")
    assert code == 0, stderr
    assert "Destroyed while thread" not in stderr
    assert "slow read ended" in stderr
    assert elapsed < 15.0  # far below the 30 s read
    assert "did not stop within" not in log_text(tmp_path)


def stop_time_ms(tmp_path: Path) -> float:
    found = re.findall(r"stopped in (\d+) ms", log_text(tmp_path))
    assert found, log_text(tmp_path)
    return float(found[-1])


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets, POSIX exit statuses")
def test_quit_during_a_hung_discord_handshake(
    tmp_path: Path, codex_home: CodexHome, discord_dir: Path
) -> None:
    """Discord accepts and never answers (30 s handshake timeout): the quit cancels the
    handshake, the Discord thread stops within its budget, and the app within its 2 s, and
    exits 0 long before the handshake's timeout."""
    write_session(codex_home)
    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    try:
        code, stderr, elapsed = run_app(tmp_path, codex_home, 30.0, "discord-hung", discord_dir)
    finally:
        peer.stop()
    assert code == 0, stderr
    assert "handshake started" in stderr
    assert "Destroyed while thread" not in stderr
    assert any(f.op == 0 for f in peer.frames)  # the handshake really was under way
    assert stop_time_ms(tmp_path) < 2000
    # The Discord thread's alone: the quit comes 0.3 s into the handshake, when the
    # usage feed's first update may be importing the price library (a fresh index here), which
    # nothing can cut short: about 1 s under load, where that thread was kept past its 900 ms
    # (in 11 of 30 runs beside two busy loops) and the process waited for it, as it should.
    assert "thread 'discord' did not stop within" not in log_text(tmp_path)
    assert elapsed < 15.0  # far below the 30 s handshake


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX exit statuses")
def test_quit_during_a_handshake_that_ignores_the_abort(
    tmp_path: Path, codex_home: CodexHome
) -> None:
    """A 3 s call the abort cannot cancel: quitting still takes under 2 s, the Discord thread
    is kept until the call returns, and the process exits 0 (the old handle let go of it:
    SIGABRT)."""
    write_session(codex_home)
    code, stderr, elapsed = run_app(tmp_path, codex_home, 3.0, "discord-stubborn")
    assert code != -signal.SIGABRT, stderr
    assert "Destroyed while thread" not in stderr
    assert code == 0, stderr
    assert "handshake ended" in stderr
    assert elapsed >= 3.0
    assert stop_time_ms(tmp_path) < 2000
    logged = log_text(tmp_path)
    assert "thread 'discord' did not stop within" in logged
    assert "waiting for thread 'discord' to end before exiting" in logged


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX exit statuses")
def test_quit_during_a_usage_update(tmp_path: Path, codex_home: CodexHome) -> None:
    """The usage index is being updated (a first build of a big home, say) when the user
    quits: the update ends at the abort, everything stops within 2 s, exit 0."""
    write_session(codex_home)
    code, stderr, elapsed = run_app(tmp_path, codex_home, 30.0, "usage-cooperative")
    assert code == 0, stderr
    assert "slow usage update started" in stderr
    assert "slow usage update ended" in stderr
    assert "Destroyed while thread" not in stderr
    assert elapsed < 15.0  # far below the 30 s update
    assert stop_time_ms(tmp_path) < 2000
    assert "did not stop within" not in log_text(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX exit statuses")
def test_quit_during_a_usage_update_that_cannot_be_cut_short(
    tmp_path: Path, codex_home: CodexHome
) -> None:
    """A 3 s update that ignores the abort: the usage thread is kept until it ends, the
    process waits for it and exits 0 (never SIGABRT)."""
    write_session(codex_home)
    code, stderr, elapsed = run_app(tmp_path, codex_home, 3.0, "usage-plain")
    assert code != -signal.SIGABRT, stderr
    assert "Destroyed while thread" not in stderr
    assert code == 0, stderr
    assert "slow usage update ended" in stderr
    assert elapsed >= 3.0
    assert stop_time_ms(tmp_path) < 2000
    logged = log_text(tmp_path)
    assert "thread 'usage-feed' did not stop within" in logged
    assert "waiting for thread 'usage-feed' to end before exiting" in logged
