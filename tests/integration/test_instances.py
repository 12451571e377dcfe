"""Real processes (offscreen): one instance per user, activation, takeover, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.special_files import run_offscreen

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals"),
]


def shows_the_running_one(launch: subprocess.Popen[str]) -> None:
    """``launch`` showed the running instance's window and exited 0."""
    out, err = launch.communicate(timeout=20)
    assert launch.returncode == 0, err
    assert "already running: showed its window" in out


def one_left(processes: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    """The one of ``processes`` left running once the others have exited, each with 0 and no
    traceback."""
    deadline = time.monotonic() + 40
    while sum(p.poll() is None for p in processes) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    running = [p for p in processes if p.poll() is None]
    assert len(running) == 1
    for process in processes:
        if process is not running[0]:
            _out, err = process.communicate(timeout=5)
            assert process.returncode == 0, err
            assert "Traceback" not in err
    return running[0]


class Launcher:
    """Starts app processes that share one private configuration (hence one instance lock)."""

    def __init__(self, base: Path, home: Path) -> None:
        self.base = base
        self.home = home
        self.processes: list[subprocess.Popen[str]] = []

    @property
    def log(self) -> Path:
        return self.base / "log" / "codex-presence.log"

    def launch(self, *extra: str) -> subprocess.Popen[str]:
        return self.launch_with_home(self.home, *extra)

    def launch_with_home(
        self, home: Path, *extra: str, from_environment: bool = False
    ) -> subprocess.Popen[str]:
        """Launch reading ``home``: given with ``--codex-home``, or in ``CODEX_HOME``."""
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "CODEX_PRESENCE_BASE_DIR": str(self.base),
        }
        env.pop("CODEX_HOME", None)
        if from_environment:
            env["CODEX_HOME"] = str(home)
        named = [] if from_environment else ["--codex-home", str(home)]
        process = subprocess.Popen(
            [sys.executable, "-m", "codex_presence_gui", "--no-discord", *named, *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        return process

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def wait_primary(self, process: subprocess.Popen[str], timeout: float = 15.0) -> float:
        """Seconds until ``process`` logged that it runs as the primary instance."""
        start = time.monotonic()
        needle = f"(primary instance, pid {process.pid})"
        while time.monotonic() - start < timeout:
            if needle in self.log_text():
                return time.monotonic() - start
            if process.poll() is not None:
                raise AssertionError(
                    f"exited early ({process.returncode}): {process.communicate()}"
                )
            time.sleep(0.02)
        raise AssertionError(f"not primary after {timeout} s:\n{self.log_text()[-3000:]}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.terminate()
            try:
                process.communicate(timeout=10)  # also closes the pipes
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


@pytest.fixture
def launcher(tmp_path: Path, codex_home: CodexHome) -> Iterator[Launcher]:
    instance = Launcher(tmp_path / "base", codex_home.root)
    yield instance
    instance.stop_all()


def test_second_launch_shows_the_first_and_exits(launcher: Launcher) -> None:
    """The second launch asks the first to show its window, then exits 0."""
    first = launcher.launch()
    launcher.wait_primary(first)
    second = launcher.launch()
    out, err = second.communicate(timeout=20)
    assert second.returncode == 0, err
    assert "already running" in out
    # The same folders as the running instance's: nothing more to say (it had said to quit
    # it to read them).
    assert "--codex-home" not in out
    # Other folders given on the command line are not taken over: said, with what to do.
    other = launcher.home.parent / "other-codex-home"
    (other / "sessions").mkdir(parents=True)
    third = launcher.launch_with_home(other)
    out, err = third.communicate(timeout=20)
    assert third.returncode == 0, err
    assert "to read the --codex-home given here, quit it first or add --replace." in out
    # So is a CODEX_HOME naming other folders (it had been passed over unsaid), but not one
    # naming the folder the running instance reads.
    fourth = launcher.launch_with_home(other, from_environment=True)
    out, err = fourth.communicate(timeout=20)
    assert fourth.returncode == 0, err
    assert "to read the CODEX_HOME given here, quit it first or add --replace." in out
    fifth = launcher.launch_with_home(launcher.home, from_environment=True)
    out, err = fifth.communicate(timeout=20)
    assert fifth.returncode == 0, err
    assert "already running" in out
    assert "quit it first" not in out
    # Said once, on standard output: the log's console (at INFO with -v) does not repeat it.
    sixth = launcher.launch("-v")
    out, err = sixth.communicate(timeout=20)
    assert sixth.returncode == 0, err
    assert (out + err).count("already running") == 1, (out, err)
    deadline = time.monotonic() + 5
    while "another launch asked to show the window" not in launcher.log_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert first.poll() is None


def test_a_killed_instance_does_not_block_the_next(launcher: Launcher) -> None:
    """kill -9 leaves a stale lock and socket; the next launch takes them over at once,
    without the 5 s wait for a hung instance. (Bounded at 4 s, not 2: the time includes
    Python and Qt starting, over 2 s on a loaded two-core machine.)"""
    first = launcher.launch()
    launcher.wait_primary(first)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(5)
    second = launcher.launch()
    assert launcher.wait_primary(second, timeout=5) < 4.0


@pytest.mark.parametrize("damage", ["deleted", "a folder"])
def test_a_lock_lost_while_running_still_leaves_one_instance(
    launcher: Launcher, damage: str
) -> None:
    """The lock file deleted, or a folder put in its place, while the first runs: the next
    launch shows the first (it had become a second instance, and the first's quitting then
    deleted its lock, for a third), and --replace still hands over."""
    first = launcher.launch()
    launcher.wait_primary(first)
    lock = launcher.base / "state" / "instance.lock"
    lock.unlink()
    if damage == "a folder":
        lock.mkdir()
    second = launcher.launch()
    out, err = second.communicate(timeout=20)
    assert second.returncode == 0, err
    assert "already running" in out
    assert first.poll() is None
    third = launcher.launch("--replace")
    launcher.wait_primary(third)
    assert first.wait(10) == 0
    time.sleep(0.5)  # the first's last steps are done: its lock's removal among them
    assert lock.is_file()
    fourth = launcher.launch()
    out, err = fourth.communicate(timeout=20)
    assert fourth.returncode == 0, err
    assert "already running" in out
    assert third.poll() is None


def test_replace_hands_over(launcher: Launcher) -> None:
    """--replace: the old instance quits gracefully and the new one takes over."""
    first = launcher.launch()
    launcher.wait_primary(first)
    second = launcher.launch("--replace")
    launcher.wait_primary(second)
    assert first.wait(10) == 0
    assert "another launch replaces this instance" in launcher.log_text()
    assert second.poll() is None


def test_a_hung_instance_is_reported_not_waited_on(launcher: Launcher) -> None:
    """An owner that does not answer: the new launch says so and gives up."""
    first = launcher.launch()
    launcher.wait_primary(first)
    os.kill(first.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        second = launcher.launch("--replace")
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert err.count("does not answer") == 1, err  # printed, not logged again
        assert time.monotonic() - started < 15
    finally:
        os.kill(first.pid, signal.SIGCONT)


def test_ten_launches_at_once_leave_one_instance(launcher: Launcher) -> None:
    """A burst of launches: exactly one keeps running; the others exit 0 quietly."""
    launcher.wait_primary(one_left([launcher.launch() for _ in range(10)]))


def test_startup_check_paints_reads_and_quits(launcher: Launcher) -> None:
    """``--startup-check`` opens the real window, reports paint and data times, exits 0."""
    now = time.time()
    session_id = "019de1a2-0000-7000-8000-0000000000c5"
    CodexHome(launcher.home).write(
        session_id,
        [
            r.session_meta(now - 60, session_id),
            r.turn_context(now - 59),
            r.token_count(now - 5, r.usage(1000, 0, 10), None, r.limits()),
        ],
        started=now - 60,
        mtime=now - 5,
    )
    launched = time.time()
    process = launcher.launch("--startup-check")
    out, err = process.communicate(timeout=40)
    assert process.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert launched < report["first_paint"] < launched + 30
    assert launched < report["first_data"] < launched + 30
    assert report["sessions"] == 1
    assert report["platform"] == "offscreen"
    assert report["icon"] is True
    assert "stopped in" in launcher.log_text()  # the normal, clean shutdown ran


def test_startup_check_fails_when_it_only_woke_another_instance(launcher: Launcher) -> None:
    """With an instance already running, nothing was checked: exit 1, not a false pass."""
    first = launcher.launch()
    launcher.wait_primary(first)
    check = launcher.launch("--startup-check")
    out, err = check.communicate(timeout=20)
    assert check.returncode == 1, (out, err)
    assert "already running" in out


#: Runs the app's own entry point with the arguments given (``python -c``: argv[0] is "-c").
_ENTRY = "from codex_presence_gui.cli import entry; entry()"


@pytest.mark.parametrize("through", ["option", "variable"])
def test_a_base_folder_that_is_a_file_is_said_in_words(
    tmp_path: Path, codex_home: CodexHome, through: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--base-dir`` (or the variable) naming a file: the window says once that it cannot
    keep its files there and why, naming both ways to choose the folder, and exits 1 (it had
    ended in a traceback from making the state folder, and then said it twice: printed, and
    again by the log's console)."""
    base = tmp_path / "portable"
    base.write_text("a file, not a folder")
    given = ["--base-dir", str(base)] if through == "option" else []
    if through == "variable":
        monkeypatch.setenv("CODEX_PRESENCE_BASE_DIR", str(base))
    done = run_offscreen(
        _ENTRY,
        *given,
        "--no-discord",
        "--codex-home",
        str(codex_home.root),
        hung="the window's refusal of a base folder that is a file hung",
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    said = (
        f"Cannot create the lock file {base}/state/instance.lock: {base} is not a folder. "
        f"This copy keeps its files in {base} (--base-dir or CODEX_PRESENCE_BASE_DIR): "
        "choose a folder you can write to."
    )
    assert [said in line for line in done.stderr.splitlines()].count(True) == 1
    assert base.read_text() == "a file, not a folder"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_STATE_HOME is Linux's")
def test_a_system_state_folder_it_cannot_use_is_said_with_a_way_on(
    tmp_path: Path, codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No base folder, and the system's state folder cannot be made (XDG_STATE_HOME names a
    file; a read-only home is the same): the refusal says how to start anyway. It had said
    only what was wrong, as if nothing could be done."""
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("a file where the state folders go")
    monkeypatch.delenv("CODEX_PRESENCE_BASE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    done = run_offscreen(
        _ENTRY,
        "--no-discord",
        "--codex-home",
        str(codex_home.root),
        hung="the window's refusal of a state folder it cannot make hung",
    )
    assert done.returncode == 1
    said = (
        f"Cannot create the lock file {blocker}/codex-presence-gui/instance.lock: {blocker} "
        "is not a folder. To start anyway, keep the app's files in a folder you can write "
        "to: --base-dir DIR (or CODEX_PRESENCE_BASE_DIR=DIR)."
    )
    assert [said in line for line in done.stderr.splitlines()].count(True) == 1, done.stderr


@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-vv"]])
def test_a_refusal_is_said_once_and_kept_in_the_log(
    tmp_path: Path, codex_home: CodexHome, verbosity: list[str]
) -> None:
    """A lock that cannot be made where the log can be: the refusal is on the terminal once
    (at any verbosity) and in the log file once."""
    base = tmp_path / "portable"
    base.mkdir()
    (base / "state").write_text("a file where the state folder goes")
    done = run_offscreen(
        _ENTRY,
        *verbosity,
        "--base-dir",
        str(base),
        "--no-discord",
        "--codex-home",
        str(codex_home.root),
        hung="the window's refusal of a lock it cannot make hung",
    )
    assert done.returncode == 1
    said = f"Cannot create the lock file {base}/state/instance.lock: {base}/state is not a folder."
    assert [said in line for line in done.stderr.splitlines()].count(True) == 1, done.stderr
    log = (base / "log" / "codex-presence.log").read_text(encoding="utf-8")
    assert [said in line for line in log.splitlines()].count(True) == 1


def test_a_temporary_folder_that_is_gone_still_lets_a_launch_reach_the_first(
    launcher: Launcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$TMPDIR names a folder that is gone (or read-only), where Qt puts the channel to the
    running instance: the first listens elsewhere, and the second launch shows its window.
    It had been told the first "does not answer; it may be hung", to end a healthy app."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "gone"))
    first = launcher.launch()
    launcher.wait_primary(first)
    shows_the_running_one(launcher.launch())
    assert first.poll() is None


def test_a_channel_name_taken_by_a_folder_still_lets_a_launch_reach_the_first(
    launcher: Launcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is at the channel's name in the temporary folder, and at its fallback in /tmp
    (anyone can work the name out: another user's file, a folder): the first listens beside
    its lock, and the second launch shows its window. It had waited, then said the healthy
    first "does not answer; it may be hung"."""
    from codex_presence_gui.services.single_instance import fallback_server, server_name

    temporary = tmp_path / "tmp"
    monkeypatch.setenv("TMPDIR", str(temporary))
    name = server_name(launcher.base / "config")
    (temporary / name).mkdir(parents=True)
    fallback = fallback_server(name)
    assert fallback is not None
    os.mkdir(fallback)
    try:
        first = launcher.launch()
        launcher.wait_primary(first)
        shows_the_running_one(launcher.launch())
        assert first.poll() is None
        assert f"listening on {launcher.base / 'state' / 'instance.socket'}" in launcher.log_text()
    finally:
        os.rmdir(fallback)


def test_a_hung_instance_going_again_stays_when_its_replacement_gave_up(
    launcher: Launcher,
) -> None:
    """``--replace`` gave up on a stopped instance ("it may be hung") and took nothing over:
    once going again, the instance stays. It had read the waiting request and quit, leaving
    no instance running."""
    first = launcher.launch()
    launcher.wait_primary(first)
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = launcher.launch("--replace")
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert "does not answer" in err
    finally:
        os.kill(first.pid, signal.SIGCONT)
    deadline = time.monotonic() + 15
    while "gave up waiting: staying" not in launcher.log_text():
        assert first.poll() is None, "the instance quit for a launch that had given up"
        assert time.monotonic() < deadline, launcher.log_text()[-3000:]
        time.sleep(0.05)
    assert first.poll() is None
    shows_the_running_one(launcher.launch())


def test_a_launch_with_another_settings_folder_reaches_the_one_holding_the_lock(
    tmp_path: Path, codex_home: CodexHome
) -> None:
    """``XDG_CONFIG_HOME`` set in a terminal but not in the desktop session: both launches
    take the one lock in the state folder, but name the channel after their settings folder.
    The second had found no channel and called the healthy first "hung"."""
    base = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    base.pop("CODEX_PRESENCE_BASE_DIR", None)
    command = [sys.executable, "-m", "codex_presence_gui", "--no-discord"]
    command += ["--codex-home", str(codex_home.root)]

    def launch(config: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            command,
            env={**base, "XDG_CONFIG_HOME": str(tmp_path / config)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    log = tmp_path / "state" / "codex-presence-gui" / "log" / "codex-presence.log"
    first = launch("desktop-config")
    try:
        deadline = time.monotonic() + 15
        needle = f"(primary instance, pid {first.pid})"
        while not (log.exists() and needle in log.read_text("utf-8", "replace")):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first launch did not start"
            time.sleep(0.02)
        shows_the_running_one(launch("terminal-config"))
        assert first.poll() is None
    finally:
        first.terminate()
        first.communicate(timeout=10)


def test_five_replacing_launches_at_once_replace_the_instance_once(launcher: Launcher) -> None:
    """Five ``--replace`` launches at once (a double-clicked shortcut with --replace, a
    script run twice): the running instance is replaced once, by one of them; the others
    show that one's window and exit 0, instead of waiting 8 s and calling it hung, or
    replacing each other in turn."""
    first = launcher.launch()
    launcher.wait_primary(first)
    launches = [launcher.launch("--replace") for _ in range(5)]
    assert first.wait(20) == 0
    launcher.wait_primary(one_left(launches))
    assert launcher.log_text().count("another launch replaces this instance") == 1
