"""A small fake Discord IPC peer for tests: a Unix socket speaking Discord's framing.

It runs an asyncio server in a background thread, records every frame it receives, and can
misbehave on purpose (see ``Mode``) to reproduce what real Discord clients do when they are
slow, strict, restarting or gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READY = {
    "cmd": "DISPATCH",
    "evt": "READY",
    "nonce": None,
    "data": {
        "v": 1,
        "config": {"environment": "production"},
        "user": {"id": "1", "username": "tester"},
    },
}


class Mode:
    """Behaviours of the fake peer."""

    OK = "ok"
    INVALID_ID = "invalid_id"  # op 2 {"code":4000,"message":"Invalid Client ID"} at handshake
    HANG_HANDSHAKE = "hang_handshake"  # accept, never answer
    VALIDATION = "validation"  # every SET_ACTIVITY with an activity gets evt ERROR
    DROP_ON_UPDATE = "drop_on_update"  # close the socket when a command arrives
    PING_FIRST = "ping_first"  # send a PING before each reply
    SPLIT_REPLY = "split_reply"  # send each reply in two chunks, 100 ms apart
    # READY at the handshake, then nothing: every SET_ACTIVITY waits for a reply in vain.
    STALL_AFTER_READY = "stall_after_ready"
    # READY at the handshake, then half of each reply and the socket closes.
    CUT_REPLY = "cut_reply"
    # Answers the handshake with a frame nested deeper than Python's JSON parser goes.
    DEEP_HANDSHAKE = "deep_handshake"
    # Refuses every SET_ACTIVITY with an error whose message is long, on several lines and
    # holds a bidi override (what a broken or hostile peer may say).
    LOUD_ERROR = "loud_error"
    # The first ``failures`` SET_ACTIVITY with an activity are answered with ``error`` (by
    # default Discord's "unknown error", one that may pass), the later ones work.
    ERROR_ONCE = "error_once"
    # The first ``failures`` SET_ACTIVITY with an activity reset the connection; the later
    # ones (on a new connection) work.
    DROP_ONCE = "drop_once"
    # Answers each command with PINGs of half a megabyte, without end, and reads nothing
    # more (a broken peer): what the client queues in reply is what it holds in memory.
    PING_FLOOD = "ping_flood"


UNKNOWN_ERROR = {"code": 1000, "message": "Unknown Error"}


@dataclass
class Frame:
    """One frame the peer received."""

    op: int
    data: dict[str, Any]
    at: float


@dataclass
class FakeDiscord:
    """A fake peer listening at ``<runtime_dir>/discord-ipc-<index>``."""

    runtime_dir: Path
    index: int = 0
    mode: str = Mode.OK
    frames: list[Frame] = field(default_factory=list)
    pongs: int = 0
    pings_sent: int = 0  # PING_FLOOD: the PINGs written out in full
    failures: int = 1  # how many sends ERROR_ONCE and DROP_ONCE fail
    error: dict[str, Any] = field(default_factory=lambda: dict(UNKNOWN_ERROR))
    ready: dict[str, Any] = field(default_factory=lambda: dict(READY))  # the handshake's answer
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.AbstractServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.runtime_dir / f"discord-ipc-{self.index}"

    def start(self) -> FakeDiscord:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._server = loop.run_until_complete(
                asyncio.start_unix_server(self._serve, str(self.path))
            )
            ready.set()
            loop.run_forever()
            self._server.close()
            # Like a quitting Discord: every open connection is closed too. One more turn
            # of the loop first lets connection handlers that are due start (and so close).
            loop.run_until_complete(asyncio.sleep(0.01))
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            for writer in self._writers:
                writer.close()
            loop.run_until_complete(asyncio.sleep(0.01))  # transports finish closing
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-discord", daemon=True)
        self._thread.start()
        assert ready.wait(5), "fake Discord did not start"
        return self

    def stop(self) -> None:
        # Connections the kernel accepted a moment ago are handed to the loop asynchronously:
        # give them a moment, so that stopping closes them instead of leaking them.
        time.sleep(0.05)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        self.path.unlink(missing_ok=True)

    # -- observations ------------------------------------------------------------------

    def commands(self) -> list[dict[str, Any]]:
        """Every SET_ACTIVITY command received, in order."""
        with self._lock:
            return [
                f.data for f in self.frames if f.op == 1 and f.data.get("cmd") == "SET_ACTIVITY"
            ]

    def activities(self) -> list[dict[str, Any] | None]:
        """The activity of each SET_ACTIVITY (None for a clear)."""
        return [c["args"].get("activity") for c in self.commands()]

    def handshake_times(self) -> list[float]:
        """When each handshake arrived: one per connection attempt (our client opens no
        probe connection, unlike pypresence's own discovery)."""
        with self._lock:
            return [f.at for f in self.frames if f.op == 0]

    def command_times(self) -> list[float]:
        with self._lock:
            return [f.at for f in self.frames if f.op == 1 and f.data.get("cmd") == "SET_ACTIVITY"]

    # -- protocol ------------------------------------------------------------------------

    @staticmethod
    def _pack(op: int, data: dict[str, Any]) -> bytes:
        return FakeDiscord._pack_body(op, json.dumps(data).encode())

    @staticmethod
    def _pack_body(op: int, body: bytes) -> bytes:
        return struct.pack("<II", op, len(body)) + body

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)  # so that shutdown closes it even if its task is cancelled
        try:
            while True:
                header = await reader.readexactly(8)
                op, length = struct.unpack("<II", header)
                data = json.loads(await reader.readexactly(length)) if length else {}
                with self._lock:
                    self.frames.append(Frame(op, data, time.monotonic()))
                if op == 0:
                    if self.mode == Mode.HANG_HANDSHAKE:
                        await asyncio.sleep(3600)
                    if self.mode == Mode.DEEP_HANDSHAKE:
                        writer.write(self._pack_body(1, b"[" * 100_000 + b"]" * 100_000))
                        await writer.drain()
                        continue
                    if self.mode == Mode.INVALID_ID:
                        writer.write(self._pack(2, {"code": 4000, "message": "Invalid Client ID"}))
                        await writer.drain()
                        break
                    writer.write(self._pack(1, self.ready))
                elif op == 1:
                    await self._reply(data, writer)
                elif op == 2:
                    break
                elif op == 4:
                    self.pongs += 1
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _fails_now(self, activity: dict[str, Any] | None) -> bool:
        """For ERROR_ONCE and DROP_ONCE: whether this send is one of those that fail."""
        if activity is None or self.failures <= 0:
            return False
        self.failures -= 1
        return True

    async def _reply(self, data: dict[str, Any], writer: asyncio.StreamWriter) -> None:
        activity = data.get("args", {}).get("activity")
        dropped = self.mode == Mode.DROP_ONCE and self._fails_now(activity)
        if self.mode == Mode.DROP_ON_UPDATE or dropped:
            writer.transport.abort()
            raise ConnectionResetError
        if self.mode == Mode.STALL_AFTER_READY:
            return  # keep reading, never answer
        if self.mode == Mode.PING_FLOOD:
            ping = self._pack(3, {"ping": "p" * 500_000})
            while True:  # until the client closes (a ConnectionError) or the peer stops
                writer.write(ping)
                await writer.drain()
                self.pings_sent += 1
        if self.mode == Mode.ERROR_ONCE and self._fails_now(activity):
            reply = {
                "cmd": "SET_ACTIVITY",
                "evt": "ERROR",
                "data": dict(self.error),
                "nonce": data.get("nonce"),
            }
        elif self.mode == Mode.LOUD_ERROR and activity is not None:
            reply = {
                "cmd": "SET_ACTIVITY",
                "evt": "ERROR",
                "data": {"code": 1000, "message": "rate limited\n\u202etry later " + "x" * 5000},
                "nonce": data.get("nonce"),
            }
        elif self.mode == Mode.VALIDATION and activity is not None:
            reply = {
                "cmd": "SET_ACTIVITY",
                "evt": "ERROR",
                "data": {
                    "code": 4000,
                    "message": 'child "activity" fails because "details" is too long',
                },
                "nonce": data.get("nonce"),
            }
        else:
            reply = {
                "cmd": "SET_ACTIVITY",
                "evt": None,
                "data": activity,
                "nonce": data.get("nonce"),
            }
        if self.mode == Mode.PING_FIRST:
            writer.write(self._pack(3, {"ping": 1}))
        packed = self._pack(1, reply)
        if self.mode == Mode.CUT_REPLY:
            writer.write(packed[: len(packed) // 2])
            await writer.drain()
            raise ConnectionResetError  # _serve closes the socket
        if self.mode == Mode.SPLIT_REPLY:
            writer.write(packed[:5])
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.write(packed[5:])
        else:
            writer.write(packed)


def private_runtime_dir() -> Path:
    """A short, private folder for sockets (Unix socket paths are limited to ~104 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="dipc-", dir="/tmp" if os.path.isdir("/tmp") else None))
    path.chmod(0o700)
    return path


def stale_socket(path: Path) -> None:
    """A socket file nobody listens on, as a crashed Discord leaves behind."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()


@contextlib.contextmanager
def unaccepting_socket(path: Path, *, filled: bool = True) -> Iterator[socket.socket]:
    """A Discord that listens at ``path`` and never accepts (hung, or too busy): the
    connections it is sent wait in its queue, ``listen(0)``'s one place. ``filled``: that
    place is taken already (by a connection of ours, as by an earlier client's), so that on
    Linux a connect fails at once with EAGAIN; else the first connect still gets in and waits
    there unanswered, and fills it."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    waiting: list[socket.socket] = []
    try:
        listener.bind(str(path))
        listener.listen(0)
        while filled and len(waiting) < 64:
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.setblocking(False)
            waiting.append(client)
            try:
                client.connect(str(path))
            except BlockingIOError:
                break
        yield listener
    finally:
        for client in waiting:
            client.close()
        listener.close()
        path.unlink(missing_ok=True)
