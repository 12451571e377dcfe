"""A fake PresenceClient for worker tests: records calls, fails on demand."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from codex_presence_gui.core.presence import PresenceCard
from codex_presence_gui.services.discord_client import (
    CONNECTED,
    DiscordIPCError,
    DiscordNotRunningError,
    SocketTry,
)

FAKE_SOCKET = "/fake/discord-ipc-0"


@dataclass
class FakeDiscordSide:
    """What the fake clients report to, and how they should fail."""

    calls: list[tuple[str, Any, float]] = field(default_factory=list)
    connect_errors: list[DiscordIPCError] = field(default_factory=list)
    update_errors: list[DiscordIPCError] = field(default_factory=list)
    clear_errors: list[DiscordIPCError] = field(default_factory=list)
    alive: bool = True
    client_ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, value: Any = None) -> None:
        with self.lock:
            self.calls.append((name, value, time.monotonic()))

    def names(self) -> list[str]:
        with self.lock:
            return [name for name, _value, _at in self.calls]

    def sent(self) -> list[PresenceCard | None]:
        """Cards in order (None for a clear)."""
        with self.lock:
            return [value for name, value, _at in self.calls if name in ("update", "clear")]

    def send_times(self) -> list[float]:
        with self.lock:
            return [at for name, _value, at in self.calls if name in ("update", "clear")]

    def factory(self, client_id: str) -> FakeClient:
        self.client_ids.append(client_id)
        return FakeClient(self)


class FakeClient:
    """One connection attempt of the fake."""

    def __init__(self, side: FakeDiscordSide) -> None:
        self.side = side
        self.ipc_path: str | None = None
        self.tried: list[SocketTry] = []

    def connect(self) -> None:
        self.side.record("connect")
        if self.side.connect_errors:
            error = self.side.connect_errors.pop(0)
            if not isinstance(error, DiscordNotRunningError):
                self.tried = [SocketTry(FAKE_SOCKET, str(error))]
            raise error
        self.ipc_path = FAKE_SOCKET
        self.tried = [SocketTry(FAKE_SOCKET, CONNECTED)]

    def update(self, card: PresenceCard) -> dict[str, Any]:
        if self.side.update_errors:
            self.side.record("update-failed", card)
            raise self.side.update_errors.pop(0)
        self.side.record("update", card)
        return {"data": {}}

    def clear(self, timeout: float | None = None) -> dict[str, Any]:
        if self.side.clear_errors:
            self.side.record("clear-failed", None)
            raise self.side.clear_errors.pop(0)
        self.side.record("clear", None)
        return {"data": None}

    def is_alive(self) -> bool:
        return self.side.alive

    def close(self) -> None:
        self.side.record("close")

    def abort(self) -> None:
        self.side.record("abort")

    def interrupt(self) -> None:
        self.side.record("interrupt")
