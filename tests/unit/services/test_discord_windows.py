"""The Windows discovery branch, run here with a fake pipe opener.

Named pipes cannot be opened on Linux, so the client pretends to be on Windows
(``platform="win32"``) and gets an opener that fails like Windows does (``PermissionError``
when Discord runs elevated, ``FileNotFoundError`` when no pipe has that name) or connects to a
fake Discord on a Unix socket instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.presence import PresenceCard
from codex_presence_gui.services.discord_client import (
    ConnectionLostError,
    DiscordNotRunningError,
    PypresenceClient,
    SocketTry,
    StreamPair,
    ipc_candidates,
)
from codex_presence_gui.services.discord_worker import DiscordPresence, DiscordState
from tests.helpers.fake_discord import FakeDiscord

pytestmark = pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")

PIPE = r"\\.\pipe\discord-ipc-"
CARD = PresenceCard("Editing app.py · shop", "gpt-5.5", "codex-logo", "Codex CLI", None, None, 1)


class FakePipes:
    """Pipe ``discord-ipc-N`` behaves as ``pipes[N]`` says: an exception to raise, or a fake
    Discord to connect to; indexes not listed do not exist."""

    def __init__(self, pipes: dict[int, BaseException | FakeDiscord]) -> None:
        self.pipes = pipes
        self.opened: list[str] = []

    async def __call__(self, path: str) -> StreamPair:
        self.opened.append(path)
        assert path.startswith(PIPE), path
        what = self.pipes.get(int(path[len(PIPE) :]))
        if what is None:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        if isinstance(what, BaseException):
            raise what
        return await asyncio.open_unix_connection(str(what.path))


def denied() -> PermissionError:
    return PermissionError(13, "Access is denied")


@pytest.fixture
def peer(discord_dir: Path) -> Iterator[FakeDiscord]:
    fake = FakeDiscord(discord_dir).start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _no_pypresence_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery must not go through pypresence's pipe test (it let PermissionError out)."""
    import pypresence.baseclient
    import pypresence.utils

    def forbidden(pipe: object = None) -> None:
        raise AssertionError("pypresence's get_ipc_path was used")

    monkeypatch.setattr(pypresence.utils, "get_ipc_path", forbidden)
    monkeypatch.setattr(pypresence.baseclient, "get_ipc_path", forbidden)


def windows_client(opener: FakePipes) -> PypresenceClient:
    return PypresenceClient(
        "1234567890123456789",
        handshake_timeout=1.0,
        response_timeout=1.0,
        opener=opener,
        platform="win32",
    )


def test_windows_candidates_are_the_ten_pipes() -> None:
    assert list(ipc_candidates("win32")) == [f"{PIPE}{i}" for i in range(10)]


def test_permission_denied_on_pipe_0_moves_on_to_pipe_1(peer: FakeDiscord) -> None:
    """An elevated Discord's pipe (PermissionError) means "not running there": pipe 1 is used."""
    pipes = FakePipes({0: denied(), 1: peer})
    rpc = windows_client(pipes)
    rpc.connect()
    try:
        assert rpc.ipc_path == f"{PIPE}1"
        assert rpc.tried == [
            SocketTry(f"{PIPE}0", "permission denied"),
            SocketTry(f"{PIPE}1", "connected"),
        ]
        assert pipes.opened == [f"{PIPE}0", f"{PIPE}1"]
        assert rpc.update(CARD)["data"]["details"] == CARD.details
    finally:
        rpc.close()


def test_permission_denied_everywhere_means_not_running_and_resets() -> None:
    """Every pipe refuses: "not reachable", each pipe tried once, nothing left open, and the
    next attempt really opens the pipes again."""
    pipes = FakePipes({i: denied() for i in range(10)})
    rpc = windows_client(pipes)
    with pytest.raises(DiscordNotRunningError, match="permission denied"):
        rpc.connect()
    assert rpc.tried == [SocketTry(f"{PIPE}{i}", "permission denied") for i in range(10)]
    assert rpc.ipc_path is None
    assert not rpc.is_alive()
    with pytest.raises(DiscordNotRunningError):
        rpc.connect()
    assert len(pipes.opened) == 20


def test_other_os_errors_mean_not_running_there(peer: FakeDiscord) -> None:
    """A busy pipe (ERROR_PIPE_BUSY is a plain OSError) is skipped like a forbidden one."""
    busy = OSError(22, "All pipe instances are busy")
    rpc = windows_client(FakePipes({0: busy, 2: peer}))
    rpc.connect()
    try:
        assert rpc.tried == [SocketTry(f"{PIPE}0", "refused"), SocketTry(f"{PIPE}2", "connected")]
    finally:
        rpc.close()


def test_any_exception_resets_the_client_and_the_next_attempt_tries_again(
    peer: FakeDiscord,
) -> None:
    """An unforeseen error (not an OSError) ends the attempt as a DiscordIPCError, the only
    kind the worker handles, leaves nothing open, and does not stop the next attempt."""
    pipes = FakePipes({0: RuntimeError("unexpected")})
    rpc = windows_client(pipes)
    with pytest.raises(ConnectionLostError, match="RuntimeError: unexpected"):
        rpc.connect()
    assert not rpc.is_alive()
    pipes.pipes[0] = peer
    rpc.connect()
    try:
        assert rpc.ipc_path == f"{PIPE}0"
        assert pipes.opened == [f"{PIPE}0", f"{PIPE}0"]
        assert rpc.is_alive()
    finally:
        rpc.close()


def test_worker_does_not_stick_at_connecting(peer: FakeDiscord, qtbot: QtBot) -> None:
    """The issue's Windows failure end to end: the worker's first attempt meets an elevated
    Discord and an unexpected error, says so and retries; the retry connects and sends."""
    pipes = FakePipes({0: denied(), 1: RuntimeError("unexpected")})
    presence = DiscordPresence(
        "1234567890123456789",
        lambda cid: PypresenceClient(cid, handshake_timeout=1.0, opener=pipes, platform="win32"),
    )
    presence.set_card(CARD)
    presence.start()
    try:
        qtbot.waitUntil(lambda: presence.status.state is DiscordState.LOST, timeout=3000)
        assert "retrying in" in presence.status.message
        pipes.pipes[1] = peer
        qtbot.waitUntil(lambda: presence.status.state is DiscordState.CONNECTED, timeout=5000)
        qtbot.waitUntil(
            lambda: [a and a["details"] for a in peer.activities()] == [CARD.details],
            timeout=3000,
        )
    finally:
        assert presence.stop()
    assert pipes.opened[:3] == [f"{PIPE}0", f"{PIPE}1", f"{PIPE}0"]
