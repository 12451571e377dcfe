"""Talk to Discord's local IPC socket: the only module that imports pypresence.

pypresence 4.6.2 builds the activity frames; this module opens the socket itself and adds
what pypresence lacks (see docs: discord-ipc): discovery that tries every candidate socket in
order and skips the ones that are stale, forbidden or silent, a handshake that cannot hang,
replies read exactly (also when Discord pings first or splits a frame), a close that leaks
neither socket nor event loop, and exceptions that say what happened in plain words.
Every method blocks: call them from the Discord worker's thread only (``abort`` excepted).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import stat
import struct
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from codex_presence_gui.core.presence import PresenceCard
from codex_presence_gui.core.sanitize import clean_text
from codex_presence_gui.paths import kind_of

T = TypeVar("T")

HANDSHAKE_TIMEOUT_S = 3.0
RESPONSE_TIMEOUT_S = 3.0
_OP_HANDSHAKE, _OP_FRAME, _OP_CLOSE, _OP_PING, _OP_PONG = 0, 1, 2, 3, 4
_MAX_FRAME_BYTES = 1 << 20
#: What of a peer's own words (an error's message, a close code) goes on: the status bar
#: shows it, and a broken or hostile peer may send a megabyte.
_MAX_PEER_TEXT = 200
_SUBDIRS = (
    "",
    "snap.discord",
    "app/com.discordapp.Discord",
    "app/com.discordapp.DiscordPTB",
    "app/com.discordapp.DiscordCanary",
    ".flatpak/dev.vencord.Vesktop/xdg-run",
)


class DiscordIPCError(Exception):
    """Base of what talking to Discord can end in; ``str()`` is a plain-language message."""


class DiscordNotRunningError(DiscordIPCError):
    """No Discord (or compatible) client is listening."""


class DiscordNotReachableError(DiscordNotRunningError):
    """The only sockets found may not be opened (another user's Discord, one started with
    sudo): Discord may run, but not for this app."""


class InvalidClientIdError(DiscordIPCError):
    """Discord refused the application (client) id: retrying will not help."""


class ActivityRejectedError(DiscordIPCError):
    """Discord refused the activity as invalid (a field too long, say): the same card would be
    refused again. The connection is still fine."""


class ActivityNotShownError(DiscordIPCError):
    """Discord answered the activity with an error that may pass (an unknown error, a rate
    limit, a timeout on its side): the same card may be taken later. The connection is fine."""


class ConnectionLostError(DiscordIPCError):
    """The connection broke or Discord stopped answering; reconnect."""


class DiscordNotAnsweringError(ConnectionLostError):
    """Discord runs (it listens on its socket) but does not answer: it takes no connection
    off its queue, or answers no handshake. Hung or too busy: it may recover; retry."""


class AbortedError(DiscordIPCError):
    """The app is quitting: the call was cancelled."""


class PresenceClient(Protocol):
    """What the worker needs from a Discord connection (tests use fakes of this).

    After ``connect()``, ``ipc_path`` is the socket in use (None when none answered) and
    ``tried`` every socket that attempt tried, in order, with its outcome.
    """

    ipc_path: str | None
    tried: list[SocketTry]

    def connect(self) -> None:
        """Open the connection and complete the handshake."""

    def update(self, card: PresenceCard) -> dict[str, Any]:
        """Set the activity; returns Discord's reply."""

    def clear(self, timeout: float | None = None) -> dict[str, Any]:
        """Remove the activity (also after ``abort``, for quitting); returns Discord's reply."""

    def is_alive(self) -> bool:
        """Check, without sending anything, that Discord is still there."""

    def close(self) -> None:
        """Close quietly; never raises."""

    def abort(self) -> None:
        """Cancel a call in progress from another thread (the app is quitting)."""

    def interrupt(self) -> None:
        """From another thread: end a ``connect()`` in progress (raising ``AbortedError``),
        and nothing else (a pause: the calls after it work)."""


#: Look for Discord's socket only in this folder (an unusual setup, or a test's private peer).
IPC_DIR_ENV = "CODEX_DISCORD_IPC_DIR"


def _system_temp_dir() -> str | None:
    """Where Discord puts its socket when no variable names a folder: /tmp, by name.
    ``tempfile.gettempdir()`` first writes a file there, and raises when it can write one
    nowhere (a full disk, a read-only /tmp): the search would have ended before it began."""
    if os.name == "posix":
        return "/tmp"
    try:
        return tempfile.gettempdir()
    except OSError:
        return None


def _runtime_dirs() -> Iterator[Path]:
    only = os.environ.get(IPC_DIR_ENV, "").strip()
    if only:
        yield Path(only)
        return
    seen: set[str] = set()
    candidates = [os.environ.get(name) for name in ("XDG_RUNTIME_DIR", "TMPDIR", "TMP", "TEMP")]
    if hasattr(os, "getuid"):
        candidates.append(f"/run/user/{os.getuid()}")
    candidates.append(_system_temp_dir())
    for value in candidates:
        if not value:
            continue
        # The same folder spelt twice (macOS's TMPDIR ends with "/", gettempdir()'s does
        # not; a symbolic link) is searched once: a silent socket there would otherwise cost
        # each connect attempt one handshake timeout per spelling.
        key = os.path.realpath(value)
        if key not in seen:
            seen.add(key)
            yield Path(value)


def socket_candidates() -> Iterator[Path]:
    """Every place Discord (stable, PTB, Canary, Flatpak, Snap, Vesktop) may listen, in order:
    each runtime folder, each packaging sub-folder, ``discord-ipc-0`` to ``9``."""
    for base in _runtime_dirs():
        for sub in _SUBDIRS:
            folder = base / sub if sub else base
            if not os.path.isdir(folder):  # False, not PermissionError, for a closed folder
                continue
            for index in range(10):
                yield folder / f"discord-ipc-{index}"


def socket_marks() -> frozenset[tuple[str, int, int]]:
    """Each socket in Discord's places now, with its inode and modification time: a Discord
    that starts makes its socket anew (a new inode where a stale one was left)."""
    marks = []
    for candidate in socket_candidates():
        try:
            info = os.stat(candidate)
        except (OSError, ValueError):
            continue
        if stat.S_ISSOCK(info.st_mode):
            marks.append((str(candidate), info.st_ino, info.st_mtime_ns))
    return frozenset(marks)


# What happened at each socket a connect attempt tried (``PypresenceClient.tried``).
CONNECTED = "connected"
STALE = "stale socket"  # a file left by a Discord that quit or crashed: nobody listens
PERMISSION_DENIED = "permission denied"  # another user's Discord (on Windows: an elevated one)
REFUSED = "refused"  # could not be opened, or closed / garbled before READY
NO_ANSWER = "no answer to the handshake"  # accepted, then silent until the timeout
# Linux: its queue of connections waiting to be accepted is full, and nobody takes them off
NOT_ACCEPTING = "not accepting connections"
INVALID_ID = "invalid client id"


def _not_a_socket(path: str) -> str | None:
    """What is at ``path`` when it is no socket, e.g. ``a folder, not a socket`` (connecting
    to a file or folder of a socket's name is refused as at a stale socket); else None."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # gone meanwhile; a Windows pipe's name
        return None
    return None if stat.S_ISSOCK(mode) else f"{kind_of(mode)}, not a socket"


def _abandon(writer: asyncio.StreamWriter, loop: asyncio.AbstractEventLoop) -> None:
    """Drop a connection whatever its close left of it (nothing, after a clean one): a peer
    that reads nothing leaves what we wrote last unsent, and the socket stayed open, behind
    a closed event loop, for good."""
    if not loop.is_closed():
        with contextlib.suppress(Exception):
            writer.transport.abort()
            loop.run_until_complete(asyncio.sleep(0))  # the abort closes on the next turn


class SocketTry(NamedTuple):
    """One socket a connect attempt tried, and what came of it."""

    path: str
    outcome: str


StreamPair = tuple[asyncio.StreamReader, asyncio.StreamWriter]
#: Opens a connection to one socket path (tests inject fakes, e.g. for Windows pipes).
Opener = Callable[[str], Awaitable[StreamPair]]


#: Discord's named pipes on Windows: ``\\.\pipe\discord-ipc-0`` to ``9``.
WINDOWS_PIPE_PREFIX = r"\\.\pipe\discord-ipc-"


def ipc_candidates(platform: str = sys.platform) -> Iterator[str]:
    """The sockets a connect attempt tries, in order: on Windows every pipe name (opening
    one is the only way to learn whether it is there), elsewhere the files that exist."""
    if platform == "win32":
        for index in range(10):
            yield f"{WINDOWS_PIPE_PREFIX}{index}"
        return
    for candidate in socket_candidates():
        if os.path.exists(candidate):
            yield str(candidate)


async def open_unix_socket(path: str) -> StreamPair:
    """The Linux and macOS opener. Its connect never waits: on Linux a Discord that takes no
    connection off its full queue makes it fail at once with ``BlockingIOError`` (EAGAIN),
    raised here. asyncio's own connect took that error for a connection under way and
    handed back a socket connected to nothing, whose first write failed as if the socket
    were stale ("Discord not running")."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.connect(path)  # a Unix socket connects at once, or not at all
    except BaseException:
        sock.close()
        raise
    return await asyncio.open_unix_connection(sock=sock)


async def open_windows_pipe(path: str) -> StreamPair:
    r"""The Windows opener. Our own rather than pypresence's pipe test, which listed
    ``\\?\pipe\`` and let a ``PermissionError`` (Discord running elevated) escape: here
    every ``OSError`` reaches the caller, which reads it as "not running there"."""
    loop = asyncio.get_running_loop()
    # Only the proactor loop (Windows' default) has it; a selector loop cannot open pipes.
    create_pipe_connection = getattr(loop, "create_pipe_connection", None)
    if create_pipe_connection is None:
        raise OSError("this event loop cannot open named pipes")
    reader = asyncio.StreamReader()
    protocol = asyncio.StreamReaderProtocol(reader)
    transport, _ = await create_pipe_connection(lambda: protocol, path)
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)


def default_opener(platform: str = sys.platform) -> Opener:
    """How to open a candidate socket on this platform."""
    return open_windows_pipe if platform == "win32" else open_unix_socket


def activity_kwargs(card: PresenceCard) -> dict[str, Any]:
    """The card as keyword arguments of pypresence's activity builder."""
    return {
        "details": card.details,
        "state": card.state,
        "start": card.start,
        "large_image": card.large_image,
        "large_text": card.large_text,
        "small_image": card.small_image,
        "small_text": card.small_text,
    }


def refused_as_invalid(code: object, message: str) -> bool:
    """Whether Discord's error answer to a command says the command itself is wrong, so that
    sending it again would be refused again: RPC error codes 4000 to 4999 (4000 "invalid
    payload" is the validation error: a field too long or too short). Others may pass: 1000
    "unknown error", 5000 and up (Discord's own troubles, its timeouts), an answer without a
    code, and whatever speaks of a rate limit (a number that means "invalid" elsewhere, 4002,
    is Discord's close code for a rate limit)."""
    if "rate limit" in message.lower():
        return False
    return isinstance(code, int) and 4000 <= code < 5000


def _peer_text(value: object) -> str:
    """What a peer said, as one short line of plain text."""
    text = clean_text(str(value)).strip()
    return text if len(text) <= _MAX_PEER_TEXT else text[: _MAX_PEER_TEXT - 1] + "…"


def _reason_text(code: object, message: object = None) -> str:
    """A peer's error code and message as "code: message", leaving out what it did not send
    (a bare ERROR had read "refused the connection (None)")."""
    parts = [str(part) for part in (code, message) if part not in (None, "")]
    return _peer_text(": ".join(parts)) if parts else "no reason given"


class PypresenceClient:
    """A ``PresenceClient`` over pypresence, made safe (see the module docstring).

    Args:
        client_id: the Discord application id.
        handshake_timeout: seconds each socket gets to open and complete the handshake.
        response_timeout: seconds to wait for the reply to a command.
        opener: opens one socket path (default: ``default_opener(platform)``).
        platform: ``sys.platform`` to find sockets for (tests pretend to be Windows).

    After ``connect()``, ``tried`` lists every socket that attempt tried, in order, with its
    outcome (``SocketTry``), and ``ipc_path`` is the one in use (None when none answered).
    """

    def __init__(
        self,
        client_id: str,
        *,
        handshake_timeout: float = HANDSHAKE_TIMEOUT_S,
        response_timeout: float = RESPONSE_TIMEOUT_S,
        opener: Opener | None = None,
        platform: str = sys.platform,
    ) -> None:
        self.client_id = client_id
        self.handshake_timeout = handshake_timeout
        self.response_timeout = response_timeout
        self.ipc_path: str | None = None
        self.tried: list[SocketTry] = []
        self.ready: dict[str, Any] | None = None
        self._platform = platform
        self._opener: Opener = opener or default_opener(platform)
        self._rpc: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Future[Any] | None = None
        self._aborted = False
        #: A ``connect()`` runs, and ``interrupt()`` asked it to end.
        self._connecting = False
        self._interrupted = False

    # -- running coroutines, abortably ------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float, *, final: bool = False) -> T:
        loop = self._loop
        if loop is None or loop.is_closed():
            coroutine.close()
            raise ConnectionLostError("not connected to Discord")
        if self._stopping() and not final:
            coroutine.close()
            raise AbortedError("stopped")
        task = loop.create_task(asyncio.wait_for(coroutine, timeout))
        self._task = task
        if self._stopping() and not final:
            # Asked between the check above and the task's being reachable: cancelled here,
            # as abort() or interrupt() would have.
            task.cancel()
        try:
            return loop.run_until_complete(task)
        except asyncio.CancelledError:
            raise AbortedError("stopped") from None
        finally:
            self._task = None

    def _stopping(self) -> bool:
        """Quitting, or a connect asked to end."""
        return self._aborted or (self._interrupted and self._connecting)

    def abort(self) -> None:
        """Cancel the call in progress (thread-safe); later calls fail fast, except the final
        ``clear`` that quitting sends."""
        self._aborted = True
        self._cancel_task()

    def interrupt(self) -> None:
        """End a ``connect()`` in progress (thread-safe): a pause asked for while a silent
        socket is waited for (3 s each) takes effect now, not once every socket was tried.
        Outside a connect, nothing: the worker reads the pause before it sends again."""
        if self._connecting:
            self._interrupted = True
            self._cancel_task()

    def _cancel_task(self) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may have closed meanwhile
                loop.call_soon_threadsafe(task.cancel)

    # -- protocol -------------------------------------------------------------------------

    def connect(self) -> None:
        """Find Discord and complete the handshake: each candidate socket in order, each
        bounded in time; a socket that is stale, forbidden or silent is skipped for the next
        one. A later ``connect()`` starts again from the first (a silent Discord may have
        recovered by then)."""
        self.close()
        # Not ``_aborted``: an abort is for good, also one that came before this call (the
        # worker's stop can land between its check and the call, and a handshake it had
        # reset then waited its whole timeout on a silent Discord, holding up the quit).
        self._interrupted = False
        self.tried = []
        self.ipc_path = None
        self.ready = None
        # Whatever goes wrong, nothing half-open stays behind, so that the next attempt
        # really starts afresh; and only DiscordIPCError leaves, which the worker handles
        # (anything else used to escape it and leave its status at "connecting…" for good).
        self._connecting = True
        try:
            self._connect_first()
        except DiscordIPCError:
            self.close()
            raise
        except Exception as error:
            self.close()
            raise ConnectionLostError(
                f"connecting to Discord failed ({type(error).__name__}: {error})"
            ) from error
        except BaseException:
            self.close()
            raise
        finally:
            self._connecting = False

    def _connect_first(self) -> None:
        from pypresence.presence import Presence

        # The constructor creates the event loop of this thread; it is ours to close.
        presence: Any = Presence  # pypresence's constructor is untyped
        self._rpc = presence(
            self.client_id,
            connection_timeout=self.handshake_timeout,
            response_timeout=self.response_timeout,
        )
        self._loop = self._rpc.loop
        failure: DiscordIPCError = DiscordNotRunningError("Discord is not running")
        for path in ipc_candidates(self._platform):
            try:
                self.ready = self._run(self._handshake(path), self.handshake_timeout)
            except TimeoutError:  # distinct types before Python 3.11
                outcome = NO_ANSWER
                failure = DiscordNotAnsweringError("Discord did not answer the handshake")
            except BlockingIOError:
                outcome = NOT_ACCEPTING
                # Someone listens there: not "not running", even if later tries find the
                # same (a handshake left unanswered stays in the queue and fills it).
                if not isinstance(failure, ConnectionLostError):
                    failure = DiscordNotAnsweringError(
                        "Discord is not answering (it accepts no connections)"
                    )
            except FileNotFoundError:
                # No such pipe (Windows), or a file gone since it was listed: nobody there.
                self._drop_socket()
                continue
            except PermissionError:
                outcome = PERMISSION_DENIED
                if isinstance(failure, DiscordNotRunningError):
                    failure = DiscordNotReachableError(
                        "Discord is not reachable (permission denied)"
                    )
            except ConnectionRefusedError:
                outcome = _not_a_socket(path) or STALE
            except OSError:
                outcome = REFUSED
            except InvalidClientIdError:
                # Discord judged the id itself: every other socket would say the same.
                self.tried.append(SocketTry(path, INVALID_ID))
                raise
            except ConnectionLostError as error:
                outcome = REFUSED
                if not isinstance(failure, ConnectionLostError):
                    failure = error
            else:
                self.tried.append(SocketTry(path, CONNECTED))
                self.ipc_path = path
                return
            self.tried.append(SocketTry(path, outcome))
            self._drop_socket()
        raise failure

    async def _handshake(self, path: str) -> dict[str, Any]:
        reader, writer = await self._opener(path)
        self._rpc.sock_reader, self._rpc.sock_writer = reader, writer
        self._rpc.send_data(_OP_HANDSHAKE, {"v": 1, "client_id": self.client_id})
        op, data = await self._read_frame()
        if op == _OP_CLOSE or ("code" in data and "evt" not in data):
            code = data.get("code")
            message = str(data.get("message") or "")
            if code in (4000, 4003) or message == "Invalid Client ID":
                raise InvalidClientIdError("Discord rejected the client id")
            said = _reason_text(code, message)
            raise ConnectionLostError(f"Discord closed the connection ({said})")
        if data.get("evt") == "ERROR":
            # An error event in READY's place: this socket turned the handshake down.
            detail = data.get("data")
            error: dict[str, Any] = detail if isinstance(detail, dict) else {}
            code, message = error.get("code"), str(error.get("message") or "")
            if message == "Invalid Client ID":
                raise InvalidClientIdError("Discord rejected the client id")
            said = _reason_text(code, message)
            raise ConnectionLostError(f"Discord refused the connection ({said})")
        return data

    def _drop_socket(self) -> None:
        """Close the socket of a failed candidate, keeping the loop for the next one."""
        rpc, loop = self._rpc, self._loop
        writer = rpc.sock_writer if rpc is not None else None
        if rpc is not None:
            rpc.sock_reader = rpc.sock_writer = None
        if writer is None or loop is None or loop.is_closed():
            return
        with contextlib.suppress(Exception):  # best effort: the peer may be gone already
            writer.close()
            loop.run_until_complete(asyncio.wait_for(writer.wait_closed(), 0.5))
        _abandon(writer, loop)

    async def _read_frame(self) -> tuple[int, dict[str, Any]]:
        """One frame, read exactly; PINGs are answered and skipped."""
        reader = self._rpc.sock_reader
        while True:
            try:
                header = await reader.readexactly(8)
                op, length = struct.unpack("<II", header)
                if length > _MAX_FRAME_BYTES:
                    # (Said in a user's words: "an oversized frame" had read as jargon.)
                    raise ConnectionLostError(
                        "the program on Discord's socket sent a message Discord never sends"
                        " (far too big)"
                    )
                body = await reader.readexactly(length)
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                raise ConnectionLostError("Discord closed the connection") from error
            try:
                data = json.loads(body.decode("utf-8")) if body else {}
            except ValueError:
                raise ConnectionLostError(
                    "the program on Discord's socket sent a message Discord never sends (not JSON)"
                ) from None
            except RecursionError:  # a RuntimeError: it had ended the attempt, not the socket
                raise ConnectionLostError(
                    "Discord sent a frame nested too deeply to read"
                ) from None
            if not isinstance(data, dict):
                raise ConnectionLostError("Discord sent an unexpected frame")
            if op == _OP_PING:
                self._rpc.send_data(_OP_PONG, data)
                # Until the peer has taken it: one that pings and reads nothing would have
                # every PONG queued in memory (hundreds of megabytes before the timeout).
                await self._rpc.sock_writer.drain()
                continue
            return op, data

    async def _command(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._rpc.send_data(_OP_FRAME, payload)
        while True:
            op, data = await self._read_frame()
            if op == _OP_CLOSE:
                said = _reason_text(data.get("code"), data.get("message"))
                raise ConnectionLostError(f"Discord closed the connection ({said})")
            if data.get("nonce") not in (None, payload["nonce"]):
                continue  # a late reply to an earlier command
            if data.get("evt") == "ERROR":
                detail = data.get("data")
                error: dict[str, Any] = detail if isinstance(detail, dict) else {}
                said = _peer_text(error.get("message") or "Discord refused the activity")
                if refused_as_invalid(error.get("code"), said):
                    raise ActivityRejectedError(said)
                raise ActivityNotShownError(said)
            return data

    def _send(
        self, payload: dict[str, Any], timeout: float | None = None, *, final: bool = False
    ) -> dict[str, Any]:
        if self._rpc is None:
            raise ConnectionLostError("not connected to Discord")
        try:
            return self._run(self._command(payload), timeout or self.response_timeout, final=final)
        except TimeoutError:
            raise ConnectionLostError("reading the reply timed out") from None
        except (OSError, RuntimeError) as error:
            raise ConnectionLostError(f"connection to Discord failed ({error})") from None

    def update(self, card: PresenceCard) -> dict[str, Any]:
        """Send SET_ACTIVITY with the card; returns Discord's reply."""
        from pypresence.payloads import Payload

        payload = Payload.set_activity(pid=os.getpid(), **activity_kwargs(card)).data
        return self._send(payload)

    def clear(self, timeout: float | None = None) -> dict[str, Any]:
        """Send SET_ACTIVITY without an activity (Discord's "clear"); allowed after ``abort``
        so that quitting still removes the card."""
        from pypresence.payloads import Payload

        payload = Payload.set_activity(pid=os.getpid(), activity=None).data
        return self._send(payload, timeout, final=True)

    def is_alive(self) -> bool:
        """Let the event loop notice an end of file or reset that arrived while idle."""
        rpc, loop = self._rpc, self._loop
        if rpc is None or loop is None or loop.is_closed() or rpc.sock_reader is None:
            return False
        try:
            self._run(asyncio.sleep(0.05), 1.0)
        except DiscordIPCError:
            return False
        reader = rpc.sock_reader
        return not reader.at_eof() and reader.exception() is None

    def close(self) -> None:
        """Say goodbye, close the socket and the event loop; never raises."""
        rpc, loop = self._rpc, self._loop
        self._rpc = None
        self._loop = None
        if rpc is None or loop is None or loop.is_closed():
            return
        writer = rpc.sock_writer
        try:
            if writer is not None and not writer.is_closing():
                rpc.send_data(_OP_CLOSE, {"v": 1, "client_id": self.client_id})
                writer.close()
                loop.run_until_complete(asyncio.wait_for(writer.wait_closed(), 0.5))
        except Exception:  # closing is best effort: the peer may already be gone
            pass
        finally:
            if writer is not None:
                _abandon(writer, loop)
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
