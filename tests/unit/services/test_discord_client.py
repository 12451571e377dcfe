"""The Discord connection against a fake peer: handshake, replies, errors, stale sockets."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from codex_presence_gui.core.presence import PresenceCard
from codex_presence_gui.services.discord_client import (
    AbortedError,
    ActivityNotShownError,
    ActivityRejectedError,
    ConnectionLostError,
    DiscordNotAnsweringError,
    DiscordNotRunningError,
    InvalidClientIdError,
    PypresenceClient,
    SocketTry,
    refused_as_invalid,
)
from tests.helpers.fake_discord import FakeDiscord, Mode, stale_socket, unaccepting_socket

pytestmark = pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")

CARD = PresenceCard(
    details="Editing app.py · shop",
    state="gpt-5.5 · 1.2K | 3.4K | 52.4K tokens",
    large_image="codex-logo",
    large_text="Codex CLI",
    small_image="openai",
    small_text="Editing",
    start=1_777_885_200,
)


def client(handshake_timeout: float = 1.0, **kwargs: Any) -> PypresenceClient:
    return PypresenceClient(
        "1234567890123456789", handshake_timeout=handshake_timeout, response_timeout=1.0, **kwargs
    )


def test_connect_update_clear_close(discord_dir: Path) -> None:
    """A whole cycle: the peer sees the handshake, the card, the clear and a goodbye."""
    peer = FakeDiscord(discord_dir).start()
    try:
        rpc = client()
        rpc.connect()
        reply = rpc.update(CARD)
        assert reply["data"]["details"] == "Editing app.py · shop"
        assert rpc.is_alive()
        rpc.clear()
        rpc.close()
        time.sleep(0.1)
        handshake = peer.frames[0]
        assert (handshake.op, handshake.data) == (0, {"v": 1, "client_id": "1234567890123456789"})
        activity, cleared = peer.activities()
        assert activity["assets"] == {
            "large_image": "codex-logo",
            "large_text": "Codex CLI",
            "small_image": "openai",
            "small_text": "Editing",
        }
        assert activity["timestamps"] == {"start": 1_777_885_200}
        assert cleared is None
        assert peer.frames[-1].op == 2
    finally:
        peer.stop()


def test_discord_not_running(discord_dir: Path) -> None:
    """No socket at all: a plain 'not running'."""
    with pytest.raises(DiscordNotRunningError, match="Discord is not running"):
        client().connect()


def test_stale_socket_does_not_hide_a_live_one(discord_dir: Path) -> None:
    """A crashed Discord's socket file (no listener) is skipped; the live one is found."""
    stale_socket(discord_dir / "discord-ipc-0")
    peer = FakeDiscord(discord_dir, index=3).start()
    try:
        rpc = client()
        rpc.connect()
        assert rpc.ipc_path == str(discord_dir / "discord-ipc-3")
        assert rpc.tried == [
            SocketTry(str(discord_dir / "discord-ipc-0"), "stale socket"),
            SocketTry(str(discord_dir / "discord-ipc-3"), "connected"),
        ]
        rpc.update(CARD)
        rpc.close()
    finally:
        peer.stop()


def test_stale_socket_alone_means_not_running(discord_dir: Path) -> None:
    """Only a stale file: 'not running', not a connection error."""
    stale_socket(discord_dir / "discord-ipc-0")
    with pytest.raises(DiscordNotRunningError):
        client().connect()


@pytest.mark.parametrize("kind", ["a file", "a folder"])
def test_what_is_no_socket_is_called_what_it_is(discord_dir: Path, kind: str) -> None:
    """A file or a folder of a socket's name is skipped as a stale socket would be, but
    called what it is (``discord-check`` lists it so): it had been called a stale socket."""
    path = discord_dir / "discord-ipc-0"
    if kind == "a file":
        path.write_text("not Discord")
    else:
        path.mkdir()
    peer = FakeDiscord(discord_dir, index=1).start()
    try:
        rpc = client()
        rpc.connect()
        assert rpc.tried == [
            SocketTry(str(path), f"{kind}, not a socket"),
            SocketTry(str(discord_dir / "discord-ipc-1"), "connected"),
        ]
        rpc.close()
    finally:
        peer.stop()


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a full listen queue fails connect with EAGAIN"
)


@linux_only
def test_a_discord_whose_queue_is_full_is_not_answering(discord_dir: Path) -> None:
    """A listener that accepts nothing, its queue full: asyncio took the EAGAIN of the
    connect for a connection under way, the write failed, and Discord, there all along,
    was called "not running", at once and on every later try. It is "not answering" now,
    said without waiting for any timeout."""
    path = discord_dir / "discord-ipc-0"
    with unaccepting_socket(path):
        for _ in range(3):
            rpc = client(handshake_timeout=2.0)
            started = time.monotonic()
            with pytest.raises(DiscordNotAnsweringError, match="Discord is not answering"):
                rpc.connect()
            assert time.monotonic() - started < 0.5
            assert rpc.tried == [SocketTry(str(path), "not accepting connections")]


@linux_only
def test_a_discord_that_fills_its_queue_is_not_answering_on_every_try(discord_dir: Path) -> None:
    """Its queue empty at first: the first try's connection gets in and waits, unanswered,
    and stays there, so that the queue is full for the next ones; the first and the later
    tries all say that Discord does not answer (the later ones had said "not running")."""
    path = discord_dir / "discord-ipc-0"
    with unaccepting_socket(path, filled=False):
        outcomes = []
        for _ in range(3):
            rpc = client(handshake_timeout=0.3)
            with pytest.raises(DiscordNotAnsweringError):
                rpc.connect()
            outcomes += [t.outcome for t in rpc.tried]
    assert outcomes == ["no answer to the handshake"] + ["not accepting connections"] * 2


@linux_only
def test_a_full_queue_does_not_hide_a_live_discord_nor_a_stale_socket_it(
    discord_dir: Path,
) -> None:
    """Skipped for the next socket as a silent one is; beside a stale socket only, it is
    what is said (someone listens there)."""
    busy = discord_dir / "discord-ipc-0"
    with unaccepting_socket(busy):
        peer = FakeDiscord(discord_dir, index=1).start()
        try:
            rpc = client()
            rpc.connect()
            assert rpc.tried == [
                SocketTry(str(busy), "not accepting connections"),
                SocketTry(str(peer.path), "connected"),
            ]
            assert rpc.update(CARD)["data"]["details"] == CARD.details
            rpc.close()
        finally:
            peer.stop()
        stale_socket(discord_dir / "discord-ipc-1")
        with pytest.raises(DiscordNotAnsweringError):
            client().connect()


def test_flatpak_location_is_searched(discord_dir: Path) -> None:
    """Discord's Flatpak puts its socket under app/com.discordapp.Discord."""
    folder = discord_dir / "app" / "com.discordapp.Discord"
    folder.mkdir(parents=True)
    peer = FakeDiscord(folder).start()
    try:
        rpc = client()
        rpc.connect()
        assert rpc.ipc_path == str(folder / "discord-ipc-0")
        rpc.close()
    finally:
        peer.stop()


def test_invalid_client_id(discord_dir: Path) -> None:
    """Discord's close frame for a bad id becomes a clear, final error."""
    peer = FakeDiscord(discord_dir, mode=Mode.INVALID_ID).start()
    try:
        with pytest.raises(InvalidClientIdError, match="rejected the client id"):
            client().connect()
    finally:
        peer.stop()


def test_handshake_that_never_answers_is_bounded(discord_dir: Path) -> None:
    """pypresence would wait forever; we give up after the handshake timeout."""
    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    try:
        start = time.monotonic()
        with pytest.raises(ConnectionLostError, match="did not answer"):
            client().connect()
        assert time.monotonic() - start < 2.5
    finally:
        peer.stop()


def test_rejected_activity_keeps_the_connection(discord_dir: Path) -> None:
    """A validation error names the reason; the same connection can still clear."""
    peer = FakeDiscord(discord_dir, mode=Mode.VALIDATION).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ActivityRejectedError, match="too long"):
            rpc.update(CARD)
        rpc.clear()
        rpc.close()
    finally:
        peer.stop()


@pytest.mark.parametrize(
    "error",
    [
        {"code": 1000, "message": "Unknown Error"},
        {"code": 5001, "message": "Timed out"},
        {"code": 4002, "message": "You are being rate limited."},
        {"message": "Something went wrong"},
    ],
)
def test_an_error_that_may_pass_is_told_apart_from_a_refusal(
    discord_dir: Path, error: dict[str, Any]
) -> None:
    """Discord's error answer without "invalid" in its code (or about a rate limit) says the
    card was not shown this time, not that it never will be; the connection still works and
    the same card goes through next time (it had been taken for a refusal, never sent again)."""
    peer = FakeDiscord(discord_dir, mode=Mode.ERROR_ONCE, error=error).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ActivityNotShownError) as raised:
            rpc.update(CARD)
        assert not isinstance(raised.value, ActivityRejectedError)
        assert str(raised.value) == error["message"]
        assert rpc.update(CARD)["data"]["details"] == CARD.details
        rpc.close()
    finally:
        peer.stop()


@pytest.mark.parametrize(
    ("code", "message", "invalid"),
    [
        (4000, 'child "activity" fails because "details" is too long', True),
        (4002, "Invalid command", True),
        (4999, "", True),
        (4002, "Rate limited", False),
        (1000, "Unknown Error", False),
        (5000, "OAuth2 error", False),
        (None, "", False),
    ],
)
def test_which_answers_refuse_a_card_for_good(code: object, message: str, invalid: bool) -> None:
    assert refused_as_invalid(code, message) is invalid


def test_dropped_connection(discord_dir: Path) -> None:
    """The peer resets the socket: connection lost, and is_alive says so."""
    peer = FakeDiscord(discord_dir, mode=Mode.DROP_ON_UPDATE).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ConnectionLostError):
            rpc.update(CARD)
        rpc.close()
    finally:
        peer.stop()


def test_discord_quitting_while_idle_is_noticed(discord_dir: Path) -> None:
    """Nothing is sent while idle, yet a closed peer is seen by the liveness check."""
    peer = FakeDiscord(discord_dir).start()
    rpc = client()
    rpc.connect()
    assert rpc.is_alive()
    peer.stop()
    assert not rpc.is_alive()
    rpc.close()


@pytest.mark.parametrize("mode", [Mode.PING_FIRST, Mode.SPLIT_REPLY])
def test_pings_and_split_replies_do_not_desynchronise(discord_dir: Path, mode: str) -> None:
    """A PING is answered and skipped; a reply in two pieces is read whole."""
    peer = FakeDiscord(discord_dir, mode=mode).start()
    try:
        rpc = client()
        rpc.connect()
        for _ in range(3):
            assert rpc.update(CARD)["data"]["state"] == CARD.state
        rpc.close()
        if mode == Mode.PING_FIRST:
            deadline = time.monotonic() + 2
            while peer.pongs < 3 and time.monotonic() < deadline:
                time.sleep(0.01)  # the peer reads our last answer in its own thread
            assert peer.pongs == 3
    finally:
        peer.stop()


def test_abort_cancels_a_waiting_call(discord_dir: Path) -> None:
    """Quitting must not wait for a handshake that hangs."""
    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    rpc = PypresenceClient("1", handshake_timeout=30.0, response_timeout=30.0)
    errors: list[Exception] = []

    def connect() -> None:
        try:
            rpc.connect()
        except Exception as error:
            errors.append(error)

    thread = threading.Thread(target=connect)
    start = time.monotonic()
    thread.start()
    time.sleep(0.3)
    rpc.abort()
    thread.join(2)
    assert not thread.is_alive()
    assert time.monotonic() - start < 1.5
    assert isinstance(errors[0], AbortedError)
    peer.stop()


def test_an_abort_before_the_connect_still_holds(discord_dir: Path) -> None:
    """A quit that comes just before the handshake starts: the connect ends at once, no
    handshake goes out (it used to forget the abort and wait out its timeout)."""
    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    try:
        rpc = PypresenceClient("1", handshake_timeout=2.0)
        rpc.abort()
        started = time.monotonic()
        with pytest.raises(AbortedError):
            rpc.connect()
        assert time.monotonic() - started < 1.0
    finally:
        peer.stop()
    assert peer.handshake_times() == []


def test_no_warnings_about_leaked_loops_or_sockets(
    discord_dir: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """Reconnecting many times leaks no event loop or transport."""
    import gc

    peer = FakeDiscord(discord_dir).start()
    try:
        for _ in range(5):
            rpc = client()
            rpc.connect()
            rpc.update(CARD)
            rpc.close()
        gc.collect()
    finally:
        peer.stop()
    leaks = [w for w in recwarn if issubclass(w.category, ResourceWarning)]
    assert leaks == []


def test_standard_locations_are_searched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without an override: XDG_RUNTIME_DIR, TMPDIR, … each with Flatpak, Snap and Vesktop."""
    from codex_presence_gui.services import discord_client

    monkeypatch.delenv(discord_client.IPC_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    for folder in ("run", "run/snap.discord", "run/.flatpak/dev.vencord.Vesktop/xdg-run", "tmp"):
        (tmp_path / folder).mkdir(parents=True)
    candidates = [
        str(p.relative_to(tmp_path))
        for p in discord_client.socket_candidates()
        if tmp_path in p.parents
    ]
    assert candidates[0] == "run/discord-ipc-0"
    assert "run/snap.discord/discord-ipc-9" in candidates
    assert "run/.flatpak/dev.vencord.Vesktop/xdg-run/discord-ipc-0" in candidates
    assert "tmp/discord-ipc-0" in candidates


def test_a_folder_named_twice_is_searched_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """TMPDIR with a trailing "/" (as macOS sets it), TMP through a symbolic link, both the
    XDG_RUNTIME_DIR: its sockets are tried once, not once per spelling (a silent one cost a
    handshake timeout each time)."""
    from codex_presence_gui.services import discord_client

    run = tmp_path / "run"
    run.mkdir()
    (tmp_path / "link").symlink_to(run)
    monkeypatch.delenv(discord_client.IPC_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv("TMPDIR", f"{run}/")
    monkeypatch.setenv("TMP", str(tmp_path / "link"))
    monkeypatch.setenv("TEMP", f"{run}/.")
    names = [p.name for p in discord_client.socket_candidates() if tmp_path in p.parents]
    assert names == [f"discord-ipc-{index}" for index in range(10)]


def test_a_silent_socket_does_not_hide_a_live_one(discord_dir: Path) -> None:
    """discord-ipc-0 accepts and never answers, Discord listens on -1: after the handshake
    timeout the same attempt moves on to -1 and connects there."""
    silent = FakeDiscord(discord_dir, index=0, mode=Mode.HANG_HANDSHAKE).start()
    live = FakeDiscord(discord_dir, index=1).start()
    try:
        rpc = client(handshake_timeout=0.5)
        start = time.monotonic()
        rpc.connect()
        assert time.monotonic() - start < 1.5  # one handshake timeout, not forever
        assert rpc.ipc_path == str(live.path)
        assert rpc.tried == [
            SocketTry(str(silent.path), "no answer to the handshake"),
            SocketTry(str(live.path), "connected"),
        ]
        assert rpc.update(CARD)["data"]["details"] == CARD.details
        rpc.close()
    finally:
        silent.stop()
        live.stop()


def test_a_silent_socket_is_tried_again_on_the_next_attempt(discord_dir: Path) -> None:
    """Skipping is for one attempt only: a Discord that was slow may answer the next time."""
    silent = FakeDiscord(discord_dir, index=0, mode=Mode.HANG_HANDSHAKE).start()
    live = FakeDiscord(discord_dir, index=1).start()
    try:
        rpc = client(handshake_timeout=0.5)
        for _ in range(2):
            rpc.connect()
            assert [t.outcome for t in rpc.tried] == ["no answer to the handshake", "connected"]
        rpc.close()
        assert [f.op for f in silent.frames] == [0, 0]  # a handshake each time
    finally:
        silent.stop()
        live.stop()


def test_only_silent_sockets_mean_no_answer(discord_dir: Path) -> None:
    """Every socket silent: 'did not answer', after trying each of them once."""
    peers = [FakeDiscord(discord_dir, index=i, mode=Mode.HANG_HANDSHAKE).start() for i in (0, 1)]
    try:
        rpc = client(handshake_timeout=0.3)
        with pytest.raises(ConnectionLostError, match="did not answer"):
            rpc.connect()
        assert [t.outcome for t in rpc.tried] == ["no answer to the handshake"] * 2
        assert rpc.ipc_path is None
    finally:
        for peer in peers:
            peer.stop()


def test_an_invalid_id_ends_the_attempt(discord_dir: Path) -> None:
    """Discord judged the id: another socket would not judge it differently."""
    refusing = FakeDiscord(discord_dir, index=0, mode=Mode.INVALID_ID).start()
    live = FakeDiscord(discord_dir, index=1).start()
    try:
        rpc = client()
        with pytest.raises(InvalidClientIdError):
            rpc.connect()
        assert rpc.tried == [SocketTry(str(refusing.path), "invalid client id")]
        assert live.frames == []
    finally:
        refusing.stop()
        live.stop()


def test_abort_while_skipping_stops_the_whole_attempt(discord_dir: Path) -> None:
    """Quitting during a silent socket's handshake must not go on to the next socket."""
    silent = FakeDiscord(discord_dir, index=0, mode=Mode.HANG_HANDSHAKE).start()
    live = FakeDiscord(discord_dir, index=1).start()
    rpc = client(handshake_timeout=30.0)
    timer = threading.Timer(0.3, rpc.abort)
    timer.start()
    try:
        with pytest.raises(AbortedError):
            rpc.connect()
        assert live.frames == []
    finally:
        timer.join()
        silent.stop()
        live.stop()


def refused_then_connected(discord_dir: Path, **refusing: Any) -> None:
    """A peer made with ``refusing`` at discord-ipc-0 is tried and refused, and the live one
    at discord-ipc-1 connected to: one bad socket does not hide Discord."""
    bad = FakeDiscord(discord_dir, index=0, **refusing).start()
    live = FakeDiscord(discord_dir, index=1).start()
    try:
        rpc = client()
        rpc.connect()
        assert rpc.tried == [
            SocketTry(str(bad.path), "refused"),
            SocketTry(str(live.path), "connected"),
        ]
        rpc.close()
    finally:
        bad.stop()
        live.stop()


def test_a_frame_too_deep_to_read_does_not_hide_a_live_socket(discord_dir: Path) -> None:
    """A peer at discord-ipc-0 answers with a frame nested 100,000 deep: Python's parser
    raised RecursionError, which ended the whole attempt ("connecting to Discord failed
    (RecursionError: maximum recursion depth exceeded …)") before Discord at -1 was tried."""
    refused_then_connected(discord_dir, mode=Mode.DEEP_HANDSHAKE)
    alone = FakeDiscord(discord_dir, index=0, mode=Mode.DEEP_HANDSHAKE).start()
    try:
        with pytest.raises(ConnectionLostError) as raised:
            client().connect()
        assert str(raised.value) == "Discord sent a frame nested too deeply to read"
    finally:
        alone.stop()


def test_what_a_peer_says_is_passed_on_as_one_short_line(discord_dir: Path) -> None:
    """A refusal's message goes to the status bar: on one line, without the bidi override
    that would turn the line round, and not the 5,000 characters the peer sent."""
    peer = FakeDiscord(discord_dir, mode=Mode.LOUD_ERROR).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ActivityNotShownError) as raised:  # a rate limit may pass
            rpc.update(CARD)
        rpc.close()
    finally:
        peer.stop()
    message = str(raised.value)
    assert message.startswith("rate limited try later xxx")
    assert message.endswith("…")
    assert len(message) <= 200


HANDSHAKE_ERROR = {
    "cmd": "DISPATCH",
    "evt": "ERROR",
    "nonce": None,
    "data": {"code": 4000, "message": "Unsupported version"},
}


def test_a_handshake_answered_with_an_error_is_no_connection(discord_dir: Path) -> None:
    """A peer answers the handshake with an ERROR event instead of READY: that socket
    refused us (the next one is tried), not "connected" (the status had said connected, and
    the card went on being sent to a peer that had turned it away)."""
    refusing = FakeDiscord(discord_dir, index=0, ready=dict(HANDSHAKE_ERROR)).start()
    try:
        with pytest.raises(ConnectionLostError) as raised:
            client().connect()
    finally:
        refusing.stop()
    assert str(raised.value) == "Discord refused the connection (4000: Unsupported version)"
    refused_then_connected(discord_dir, ready=dict(HANDSHAKE_ERROR))


@pytest.mark.parametrize(
    ("detail", "said"),
    [
        (None, "no reason given"),
        ({}, "no reason given"),
        ({"code": 4000}, "4000"),
        ({"message": "Not now"}, "Not now"),
        ({"code": None, "message": ""}, "no reason given"),
    ],
)
def test_a_handshake_error_without_its_code_or_words_says_what_it_has(
    discord_dir: Path, detail: object, said: str
) -> None:
    """An ERROR in READY's place that leaves out its code or message: the refusal says
    what came, not "refused the connection (None)"."""
    peer = FakeDiscord(discord_dir, ready={**HANDSHAKE_ERROR, "data": detail}).start()
    try:
        with pytest.raises(ConnectionLostError) as raised:
            client().connect()
    finally:
        peer.stop()
    assert str(raised.value) == f"Discord refused the connection ({said})"


def test_a_handshake_error_that_names_the_client_id_is_a_refused_id(discord_dir: Path) -> None:
    said = {**HANDSHAKE_ERROR, "data": {"code": 4007, "message": "Invalid Client ID"}}
    peer = FakeDiscord(discord_dir, ready=said).start()
    try:
        with pytest.raises(InvalidClientIdError):
            client().connect()
    finally:
        peer.stop()


def test_a_peer_that_pings_without_end_and_reads_nothing_costs_no_memory(
    discord_dir: Path,
) -> None:
    """A broken peer answers a card with PINGs, one after the other, and reads nothing: a
    PONG went back for each all the same, queued in memory while the reply was waited for
    (about 500 MB in 3 s). Now a PONG waits for the peer to take the one before, and the
    wait for the reply times out as any."""
    peer = FakeDiscord(discord_dir, mode=Mode.PING_FLOOD).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ConnectionLostError, match="timed out"):
            rpc.update(CARD)
        rpc.close()
    finally:
        peer.stop()
    # The PINGs the client read, and those the socket's buffers hold: a few, not hundreds.
    assert peer.pings_sent <= 10, peer.pings_sent


def test_a_connection_to_a_peer_that_reads_nothing_is_closed_all_the_same(
    discord_dir: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """Its last PONG cannot be sent, so a polite close never completes: the socket is
    dropped then (it stayed open behind the closed event loop, found by the garbage
    collector as an unclosed transport)."""
    import gc

    peer = FakeDiscord(discord_dir, mode=Mode.PING_FLOOD).start()
    try:
        rpc = client()
        rpc.connect()
        with pytest.raises(ConnectionLostError):
            rpc.update(CARD)
        rpc.close()
        gc.collect()
    finally:
        peer.stop()
    leaks = [w for w in recwarn if issubclass(w.category, ResourceWarning)]
    assert leaks == []


def no_temporary_folder() -> str:
    """``tempfile.gettempdir()`` where it can write its test file nowhere (a full disk, a
    read-only /tmp): it raises this."""
    raise FileNotFoundError(2, "No usable temporary directory found in ['/tmp', '/var/tmp']")


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket folders")
def test_sockets_are_looked_for_without_a_writable_temporary_folder(
    monkeypatch: pytest.MonkeyPatch, discord_dir: Path
) -> None:
    """Looking for Discord's sockets writes nothing: with no temporary folder Python can
    write to, the places are still searched, /tmp among them (Discord's own last resort).
    The look had raised, each second, into the worker ("unexpected error", a traceback)."""
    import tempfile

    from codex_presence_gui.services import discord_client

    monkeypatch.setattr(tempfile, "gettempdir", no_temporary_folder)
    monkeypatch.delenv(discord_client.IPC_DIR_ENV, raising=False)
    for name in ("TMPDIR", "TMP", "TEMP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(discord_dir))
    stale_socket(discord_dir / "discord-ipc-0")
    candidates = list(discord_client.socket_candidates())
    assert candidates[0] == discord_dir / "discord-ipc-0"
    if os.path.isdir("/tmp"):
        assert Path("/tmp/discord-ipc-0") in candidates
    assert str(discord_dir / "discord-ipc-0") in {mark[0] for mark in discord_client.socket_marks()}
    with pytest.raises(DiscordNotRunningError):
        client().connect()
