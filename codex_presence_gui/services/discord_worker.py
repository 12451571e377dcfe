"""Publish the Discord card from a worker thread: polite to Discord, never silent about errors.

The GUI thread only says which card it wants (or none) and when to stop; the worker owns the
connection, sends at most one activity every 4 s (the newest wins), never repeats a card
Discord already shows or refused as invalid, sends again one it failed to show for a reason
that may pass, reconnects with a growing, jittered delay, opens no two connections closer
than 4 s apart (whatever opens them), and reports every state in plain words.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import logging
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal, Slot

from codex_presence_gui.core.formatting import format_duration
from codex_presence_gui.core.presence import PresenceCard, withholds
from codex_presence_gui.services.discord_client import (
    CONNECTED,
    AbortedError,
    ActivityNotShownError,
    ActivityRejectedError,
    DiscordIPCError,
    DiscordNotAnsweringError,
    DiscordNotReachableError,
    DiscordNotRunningError,
    InvalidClientIdError,
    PresenceClient,
    PypresenceClient,
    SocketTry,
    socket_marks,
)
from codex_presence_gui.services.worker import Worker, WorkerThread

log = logging.getLogger(__name__)

#: Discord accepts about 5 activity updates per 20 s; one per 4 s stays within it.
MIN_SEND_INTERVAL_S = 4.0
FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0
#: The backoff starts over only after a connection stayed healthy this long: its card was
#: acknowledged and nothing failed since. A handshake alone proves little: a Discord that
#: answers READY and then stalls would otherwise be reconnected to every few seconds forever.
HEALTHY_AFTER_S = 60.0
#: While connected, check this often that Discord is still there (nothing else is read): a
#: Discord killed or restarted is noticed within it, and the card comes back soon after (at
#: 15 s, the status said "connected" for a quarter of a minute after Discord was gone). A
#: check is a turn of the worker's event loop: nothing for the GUI thread.
LIVENESS_INTERVAL_MS = 5_000
#: While a retry waits, Discord's socket folders are looked at this often (about 0.1 ms of
#: stats): a Discord started meanwhile is connected to within it, not at the retry, up to
#: 30 s later.
SOCKET_LOOK_MS = 1_000
#: Quitting may wait this long for Discord to confirm the card is gone.
FINAL_CLEAR_TIMEOUT_S = 0.5

ClientFactory = Callable[[str], PresenceClient]

#: Connected, and the card not yet taken by Discord (sent, or waiting for the interval).
SENDING = "Discord: connected, sending the card…"


class DiscordState(enum.Enum):
    """Where the connection stands."""

    OFF = "off"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NOT_RUNNING = "discord not running"
    NOT_ANSWERING = "discord not answering"  # it listens, but takes no connection or handshake
    INVALID_ID = "invalid client id"
    REJECTED = "rejected"
    NOT_SHOWN = "card not shown"  # Discord answered with an error that may pass: sent again
    LOST = "connection lost"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class DiscordStatus:
    """A state and the sentence the window shows for it."""

    state: DiscordState
    message: str
    retry_in: float | None = None

    @property
    def seen(self) -> bool:
        """Friends see what Discord shows of us now: connected, and not still sending the
        card (until Discord has taken it, they see nothing yet)."""
        return self.state is DiscordState.CONNECTED and self.message != SENDING


P = ParamSpec("P")
W = TypeVar("W", bound="DiscordWorker")


def reported(method: Callable[Concatenate[W, P], None]) -> Callable[Concatenate[W, P], None]:
    """For everything the event loop calls on the worker (slots, timers): an unexpected
    exception is logged here, on the worker's thread, and reported through ``status_changed``.
    Left alone it would reach ``sys.excepthook`` on this thread, where no widget may be built,
    and leave the status at whatever it said last ("connecting…", for good)."""

    @functools.wraps(method)
    def guarded(self: W, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(self, *args, **kwargs)
        except Exception as error:
            self._unexpected(error)

    return guarded


def socket_name(path: str) -> str:
    """``discord-ipc-0`` from a socket path or a Windows pipe name."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def describe_tries(tried: list[SocketTry]) -> str:
    """The sockets that did not work, e.g. ``discord-ipc-0: no answer to the handshake``."""
    return ", ".join(f"{socket_name(t.path)}: {t.outcome}" for t in tried if t.outcome != CONNECTED)


def seconds(delay: float) -> str:
    """A delay as the window and the log say it, as every duration is written: ``8s``,
    tenths below a second (``0.4s``, see ``format_duration``); to the nearest second, not
    down (a retry in 1.9 s is "2s")."""
    return format_duration(round(delay) if delay >= 1 else delay)


def timer_ms(delay: float) -> int:
    """A delay for a QTimer, in whole milliseconds and never short of it: a timer that
    fired a fraction of a millisecond early would find the handshake's turn not yet come."""
    return int(delay * 1000) + 1


def retry_delay(
    attempt: int, rng: random.Random, first: float = FIRST_RETRY_S, cap: float = MAX_RETRY_S
) -> float:
    """1 s, 2 s, 4 s … up to 30 s, each ±20 % so that many clients do not retry in step."""
    base: float = min(first * 2.0 ** min(attempt, 16), cap)
    return min(base * rng.uniform(0.8, 1.2), cap)


class DiscordWorker(Worker):
    """Owns the Discord connection; lives in its own thread (its timers are created there by
    ``work``). A stop request cancels a handshake or send in progress (``on_abort``) and is
    checked before each connect and send; ``cleanup`` then clears the card and closes.

    Signals:
        status_changed(DiscordStatus): every change of state, in plain words.
        finished(): the worker stopped (the card was cleared, the connection closed).
    """

    status_changed = Signal(object)

    def __init__(
        self,
        client_id: str,
        client_factory: ClientFactory | None = None,
        *,
        enabled: bool = True,
        min_interval_s: float = MIN_SEND_INTERVAL_S,
        liveness_interval_ms: int = LIVENESS_INTERVAL_MS,
        seed: int | None = None,
        first_retry_s: float = FIRST_RETRY_S,
        max_retry_s: float = MAX_RETRY_S,
        healthy_after_s: float = HEALTHY_AFTER_S,
        socket_look_ms: int = SOCKET_LOOK_MS,
        socket_quiet_s: float | None = None,
    ) -> None:
        super().__init__()
        self._socket_look_ms = socket_look_ms
        #: A new socket brought a retry forward, and that has not proved out yet (see
        #: ``_look_for_sockets``); when a look last found a socket made anew.
        self._wake_spent = False
        self._last_new_socket = -1e9
        self._socket_quiet = max_retry_s if socket_quiet_s is None else socket_quiet_s
        self._first_retry = first_retry_s
        self._max_retry = max_retry_s
        self._healthy_after_ms = int(healthy_after_s * 1000)
        self._liveness_interval_ms = liveness_interval_ms
        self._client_id = client_id
        self._factory: ClientFactory = client_factory or (lambda cid: PypresenceClient(cid))
        self._enabled = enabled
        self._min_interval = min_interval_s
        self._rng = random.Random(seed)
        self._client: PresenceClient | None = None
        self._desired: PresenceCard | None = None
        self._shown: PresenceCard | None = None  # what Discord shows now (None: nothing)
        self._last_send = -1e9
        #: A card Discord did not show (an error that may pass) is sent again no sooner than
        #: this, and each failure in a row doubles the wait (``_send_retry_delay``); both
        #: start over once the card is shown, or no longer wanted.
        self._send_not_before = -1e9
        self._send_failures = 0
        self._last_handshake = -1e9  # when the last handshake some socket took ended
        self._attempt = 0
        self._invalid_id = False
        self._send_timer: QTimer | None = None
        self._retry_timer: QTimer | None = None
        self._alive_timer: QTimer | None = None
        self._healthy_timer: QTimer | None = None
        self._socket_timer: QTimer | None = None
        self._sockets_seen: frozenset[tuple[str, int, int]] = frozenset()
        self._logged: tuple[DiscordState, str, str | None] | None = None
        #: Just connected: nothing is sent until the wishes queued meanwhile have been seen,
        #: one hold for each handshake whose release is still queued (a release of an
        #: earlier handshake must not end a later one's hold).
        self._holds = 0
        self.status = DiscordStatus(DiscordState.OFF, "Discord: off")

    # -- slots (queued from the GUI thread) --------------------------------------------

    @reported
    def work(self) -> None:
        """Create the thread's timers and connect (unless paused)."""
        self._send_timer = self._timer(self._flush, single=True)
        self._retry_timer = self._timer(self._connect, single=True)
        # It also holds every handshake back until the interval since the last one has
        # passed: a coarse timer may fire up to 5 % early.
        self._retry_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._alive_timer = self._timer(self._check_alive, single=False)
        self._alive_timer.setInterval(self._liveness_interval_ms)
        self._healthy_timer = self._timer(self._healthy, single=True)
        self._socket_timer = self._timer(self._look_for_sockets, single=False)
        self._socket_timer.setInterval(self._socket_look_ms)
        if self._enabled:
            self._connect()
        else:
            self._set_status(DiscordState.PAUSED, "Discord: paused")
            self._log_change(DiscordState.PAUSED, "Discord: paused")

    @Slot(object)
    @reported
    def set_card(self, card: PresenceCard | None) -> None:
        """The card friends should see now (None: nothing); sent when allowed, except that
        Private mode's card in place of a session's does not wait (``_withdraw``)."""
        self._desired = card
        if self._client is not None and withholds(card, self._shown) and self._send_wait() > 0:
            self._withdraw()
            return
        self._schedule()

    def _withdraw(self) -> None:
        """Take the shown card away now, inside the interval, without a frame Discord would
        count: by closing the connection (Discord drops an app's activity with it), then
        connecting again, whose first frame, the card wanted, waits for the interval. Private
        mode ticked had left the full card up for up to 4 s."""
        client = self._client
        path = client.ipc_path if client is not None else None
        log.info("Discord: the card was taken away at %s at once (the connection closed)", path)
        self._shutdown_connection()
        self._connect_when_spaced()

    @Slot(bool)
    @reported
    def set_enabled(self, enabled: bool) -> None:
        """Pause (clear once, disconnect) or resume publishing."""
        if enabled == self._enabled:
            return
        self._enabled = enabled
        if enabled:
            self._attempt = 0
            self._wake_spent = False
            # Resuming is the user's own "try again": a rejected id gets one more handshake
            # (the application may have been fixed in Discord's developer portal meanwhile).
            self._invalid_id = False
            self._connect_when_spaced()
        else:
            self._shutdown_connection()
            self._set_status(DiscordState.PAUSED, "Discord: paused")
            self._log_change(DiscordState.PAUSED, "Discord: paused")

    @Slot(str)
    @reported
    def set_client_id(self, client_id: str) -> None:
        """Use another Discord application (a new id is tried even after a refusal).

        The same id again changes nothing, even after Discord refused it: every save of the
        settings sends the id, and an Apply of something else must not reconnect (nor an
        Apply pressed again and again with the refused id). A pause and a resume try it again.
        """
        if client_id == self._client_id:
            return
        self._client_id = client_id
        self._invalid_id = False
        self._attempt = 0
        self._wake_spent = False
        self._shutdown_connection()
        if self._enabled:
            self._connect_when_spaced()

    @reported
    def cleanup(self) -> None:
        """Clear the card and close (the recipe then ends the thread's event loop)."""
        for timer in (
            self._send_timer,
            self._retry_timer,
            self._alive_timer,
            self._healthy_timer,
            self._socket_timer,
        ):
            if timer is not None:
                timer.stop()
        self._shutdown_connection(quitting=True)
        self._set_status(DiscordState.OFF, "Discord: off")
        self._log_change(DiscordState.OFF, "Discord: off")

    def on_abort(self) -> None:
        """Thread-safe: cancel a blocking call in progress (the app is quitting)."""
        client = self._client
        if client is not None:
            client.abort()

    def interrupt_connect(self) -> None:
        """Thread-safe: end a connect in progress, for a pause queued behind it (it waited up
        to 3 s for each silent socket, the status saying "connecting…" meanwhile)."""
        client = self._client
        if client is not None:
            client.interrupt()

    # -- internals ------------------------------------------------------------------------

    def _timer(self, slot: Callable[[], None], *, single: bool) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    def _set_status(self, state: DiscordState, message: str, retry_in: float | None = None) -> None:
        status = DiscordStatus(state, message, retry_in)
        if status != self.status:
            self.status = status
            self.status_changed.emit(status)

    def _log_change(
        self, state: DiscordState, line: str, reason: str = "", path: str | None = None
    ) -> None:
        """Log a change of the connection's state at INFO, once: the same state for the same
        reason at the same socket again (each retry while Discord stays away) goes to DEBUG,
        so that a day without Discord does not fill the log."""
        key = (state, reason, path)
        level = logging.DEBUG if key == self._logged else logging.INFO
        self._logged = key
        log.log(level, "%s", line)

    def _handshake_wait(self) -> float:
        """Seconds until another handshake may go out (0 or less: now). The one rule for
        every handshake, whatever opens it (a retry, a resume, a new id): the interval of
        activity frames since the last one, so that no cause, nor two causes one after the
        other, can make Discord take connections back to back."""
        return self._last_handshake + self._min_interval - time.monotonic()

    def _connect_when_spaced(self) -> None:
        """The user's connect (a resume, a new id): now, or "connecting…" until its turn
        (quick pause/resume toggles had made a handshake each, as fast as the user clicked).
        ``_connect`` keeps the turn; a pause or another id stops its wait, quitting too."""
        if self._handshake_wait() > 0:
            self._set_status(DiscordState.CONNECTING, "Discord: connecting…")
        self._connect()

    @reported
    def _connect(self) -> None:
        if self.should_stop():
            return  # a retry or resume queued before the stop request
        if not self._enabled or self._invalid_id or self._client is not None:
            return
        wait = self._handshake_wait()
        if wait > 0 and self._retry_timer is not None:
            # Not its turn yet (a resume or new id soon after a handshake; a timer a little
            # early): the status already says why it waits, "connecting…" or the countdown.
            log.debug("Discord: connecting in %s (handshakes are spaced)", seconds(wait))
            self._retry_timer.start(timer_ms(wait))
            return
        self._set_status(DiscordState.CONNECTING, "Discord: connecting…")
        log.debug("Discord: connecting (attempt %d)", self._attempt + 1)
        # The sockets as this attempt finds them: the retry after it (or after the loss of
        # the connection it makes) waits only for a socket made since. Taken again when the
        # retry began, they had hidden a Discord restarted before its loss was noticed (up
        # to 5 s): its new socket was already "seen", and the card waited the whole retry.
        self._sockets_seen = socket_marks() if sys.platform != "win32" else frozenset()
        client = self._factory(self._client_id)
        self._client = client  # reachable by abort() while connecting
        if self.should_stop():
            # The stop came while the client was made, and on_abort found none to cancel.
            self._client = None
            client.close()
            return
        try:
            self._handshake(client)
        except InvalidClientIdError:
            self._client = None
            self._invalid_id = True
            self._set_status(
                DiscordState.INVALID_ID,
                "Discord: it rejected the application id (see Settings → Advanced)",
            )
            where = client.tried[-1].path if client.tried else None
            line = "Discord: client id rejected" + (f" at {where}" if where else "")
            self._log_change(DiscordState.INVALID_ID, line, self._client_id, where)
            return
        except AbortedError:
            self._client = None
            return
        except DiscordNotRunningError as error:
            self._client = None
            tries = describe_tries(client.tried)
            reason = f"no socket answered: {tries}" if tries else "no socket found"
            what, said = "Discord not running", "not running"
            if isinstance(error, DiscordNotReachableError):
                what, said = "Discord not reachable (permission denied)", "not reachable"
            delay = self._retry(DiscordState.NOT_RUNNING, what)
            self._log_change(
                DiscordState.NOT_RUNNING,
                f"Discord: {said} ({reason}), retrying in {seconds(delay)}",
                reason,
            )
            return
        except DiscordNotAnsweringError as error:
            # Discord is there, hung or too busy: said as such on every try, not "not
            # running" once its queue is full (see discord_client.NOT_ACCEPTING).
            self._client = None
            reason = describe_tries(client.tried) or str(error)
            delay = self._retry(DiscordState.NOT_ANSWERING, "Discord not answering")
            self._log_change(
                DiscordState.NOT_ANSWERING,
                f"Discord: not answering ({reason}), retrying in {seconds(delay)}",
                reason,
            )
            return
        except DiscordIPCError as error:
            self._client = None
            tries = describe_tries(client.tried)
            reason = f"{error}; tried {tries}" if tries else str(error)
            # A colon, not parentheses: the reason often has its own ("… (4000: …)").
            delay = self._retry(DiscordState.LOST, f"Discord connection failed: {error}")
            self._log_change(
                DiscordState.LOST,
                f"Discord: connection failed ({reason}), retrying in {seconds(delay)}",
                reason,
            )
            return
        # Not a reason to start the backoff over: see HEALTHY_AFTER_S and _settled().
        self._shown = None  # a new connection shows nothing until we send
        # A failed send's wait was about the old connection; the interval still holds.
        self._send_not_before = -1e9
        self._send_failures = 0
        if self._send_timer is not None:
            # It may still wait out the old connection's retry: the new one sends when the
            # interval allows (Private's card, after ``_withdraw``, had waited up to 30 s).
            self._send_timer.stop()
        # The handshake blocked this thread, for seconds when a silent socket was skipped: a
        # pause or a card the rules now hide, asked for meanwhile, waits in the queue behind
        # the card it forbids. Nothing goes out until the queue has been seen: the release is
        # posted like those wishes (a zero timer may fire before posted events), so after them;
        # and before "connected" is said, so that a card asked for once it is comes after the
        # release and goes out at once (it had been held with the others, and only the newest
        # of a burst sent).
        self._holds += 1
        QMetaObject.invokeMethod(self, "_release", Qt.ConnectionType.QueuedConnection)
        self._set_connected()
        skipped = describe_tries(client.tried)
        line = f"Discord: connected at {client.ipc_path}"
        self._log_change(
            DiscordState.CONNECTED,
            line + (f" (skipped {skipped})" if skipped else ""),
            skipped,
            client.ipc_path,
        )
        assert self._alive_timer is not None
        self._alive_timer.start()

    def _handshake(self, client: PresenceClient) -> None:
        # Timed when it ends, however it ends (Discord has the handshake by then), unless no
        # socket took it: retries while Discord is not running keep their 1 s, 2 s, 4 s …
        reached = True
        try:
            client.connect()
        except DiscordNotRunningError:
            reached = False
            raise
        finally:
            if reached:
                self._last_handshake = time.monotonic()

    @Slot()
    @reported
    def _release(self) -> None:
        self._holds -= 1
        if self._holds == 0:  # the last handshake's: what was queued before it is read
            self._schedule()

    def _set_connected(self) -> None:
        if self._desired is None:
            self._set_status(DiscordState.CONNECTED, "Discord: connected (nothing shown)")
        elif self._shown is None:
            # Not "connected" alone until Discord has taken the card: a Discord that stalls
            # after the handshake had been said connected while it showed nothing for 20 s.
            self._set_status(DiscordState.CONNECTED, SENDING)
        else:
            self._set_status(DiscordState.CONNECTED, "Discord: connected")

    def _settled(self) -> None:
        """Discord shows what we want (acknowledged, or nothing was to be shown): if nothing
        fails before the healthy period ends, the backoff starts over."""
        timer = self._healthy_timer
        if timer is not None and not timer.isActive() and self._client is not None:
            timer.start(self._healthy_after_ms)

    def _unsettled(self) -> None:
        if self._healthy_timer is not None:
            self._healthy_timer.stop()

    @reported
    def _healthy(self) -> None:
        if self._client is None:
            return
        self._wake_spent = False  # the next new socket may be a Discord just started again
        if self._attempt:
            log.debug("Discord: healthy for %d ms, the backoff starts over", self._healthy_after_ms)
            self._attempt = 0

    def _retry(self, state: DiscordState, what: str) -> float:
        """Try again after the next backoff delay, or once the handshake's turn comes if that
        is later (a connection lost just after it was made: the first update failed, Discord
        restarted); the delay is returned, and the status counts it down."""
        self._unsettled()
        backoff = retry_delay(self._attempt, self._rng, self._first_retry, self._max_retry)
        delay = max(backoff, self._handshake_wait())
        self._attempt += 1
        self._set_status(state, f"{what}, retrying in {seconds(delay)}", retry_in=delay)
        assert self._retry_timer is not None
        self._retry_timer.start(timer_ms(delay))
        self._watch_sockets()
        return delay

    def _watch_sockets(self) -> None:
        """Look at Discord's socket folders while the retry waits: a Discord started (or
        restarted) meanwhile makes its socket anew, and is connected to at once. Not on
        Windows, where a pipe is found only by opening it, which Discord takes as a client.
        A socket counts as new against those the last connect attempt found."""
        if sys.platform == "win32" or self._socket_timer is None:
            return
        self._socket_timer.start()

    @reported
    def _look_for_sockets(self) -> None:
        """A new socket brings the retry forward once: a Discord just started is connected to
        at once. Again only once a connection proved healthy, or after no socket was made anew
        for the longest retry delay: a crash-looping Discord, or a stale socket some process
        keeps making, had cost a connect attempt per flap, the backoff notwithstanding."""
        retry, watch = self._retry_timer, self._socket_timer
        assert retry is not None
        assert watch is not None
        if not retry.isActive() or not self._enabled or self._client is not None:
            watch.stop()  # connected, connecting, paused or stopping: nothing to wait for
            return
        marks = socket_marks()
        new = marks - self._sockets_seen
        self._sockets_seen = marks
        if not new:
            return
        names = ", ".join(sorted(m[0] for m in new))
        now = time.monotonic()
        quiet = now - self._last_new_socket >= self._socket_quiet
        self._last_new_socket = now
        if self._wake_spent and not quiet:
            log.debug("Discord: %s made again, the retry keeps its time (a flapping socket)", names)
            return
        if retry.remainingTime() > self._socket_look_ms:
            log.debug("Discord: %s made, connecting now", names)
            self._wake_spent = True
            retry.stop()
            watch.stop()
            self._connect()  # at once, or when the handshakes' spacing allows

    def _send_wait(self) -> float:
        """Seconds until another frame may change the activity (0 or less: now)."""
        due = max(self._last_send + self._min_interval, self._send_not_before)
        return due - time.monotonic()

    def _send_retry_delay(self) -> float:
        """After a card Discord did not show, ``_send_failures`` failures in a row before it:
        the interval, then twice as long each time up to the cap, with jitter, never under the
        interval (Discord counts each try against its 5 updates per 20 s)."""
        first = max(self._first_retry, self._min_interval)
        delay = retry_delay(self._send_failures, self._rng, first, max(self._max_retry, first))
        return max(delay, self._min_interval)

    def _schedule(self) -> None:
        """Send the desired card now if allowed, else when the 4 s interval has passed."""
        if not self._enabled or self._send_timer is None:
            return
        if self._client is None or self._holds:
            return  # sent once connected (and the wishes queued meanwhile are seen)
        if self._desired == self._shown:
            self._send_timer.stop()
            if self.status.state is DiscordState.NOT_SHOWN or self.status.message == SENDING:
                # What failed, or was on its way, is no longer wanted: nothing to retry or
                # send ("sending the card…" had stayed with no card to send).
                self._set_connected()
            # Nothing waits to be retried: the next failure is a first one again (it had
            # waited twice as long), and its wait does not hold a new card back.
            self._send_not_before = -1e9
            self._send_failures = 0
            self._settled()
            return
        wait = self._send_wait()
        if wait > 0:
            if not self._send_timer.isActive():
                self._send_timer.start(timer_ms(wait))
            return
        self._flush()

    @reported
    def _flush(self) -> None:
        client = self._client
        if self.should_stop():
            return  # quitting: cleanup() clears the card, nothing else goes out
        if client is None or self._holds or not self._enabled or self._desired == self._shown:
            return
        wait = self._send_wait()
        if wait > 0:
            assert self._send_timer is not None
            self._send_timer.start(timer_ms(wait))
            return
        card = self._desired
        if card is not None and self._shown is None and self.status.state is DiscordState.CONNECTED:
            self._set_connected()  # "sending the card…" until Discord has taken it
        self._last_send = time.monotonic()
        try:
            if card is None:
                client.clear()
            else:
                client.update(card)
        except ActivityRejectedError as error:
            before = self._shown
            self._shown = card  # do not repeat a refused card; a new one is tried again
            self._unsettled()  # not acknowledged: the period starts at the next success
            self._set_status(DiscordState.REJECTED, f"Discord: rejected the card: {error}")
            self._log_change(
                DiscordState.REJECTED,
                f"Discord: the card was rejected at {client.ipc_path}: {error}",
                str(error),
                client.ipc_path,
            )
            if withholds(card, before):
                self._withdraw()  # the full card is still up: Private's refusal must not keep it
            return
        except ActivityNotShownError as error:
            # Not refused as invalid: the same card may be taken later, so it stays wanted and
            # not shown (an idle session's card would otherwise never be sent again).
            self._not_shown(client, card, str(error))
            return
        except AbortedError:
            # Quitting cancelled the wait for Discord's reply, not the frame: the card may be
            # shown already, so cleanup() must still clear it.
            self._shown = card
            return
        except DiscordIPCError as error:
            self._lost(str(error))
            return
        self._shown = card
        self._send_failures = 0
        if self.status.state in (DiscordState.REJECTED, DiscordState.NOT_SHOWN):
            self._log_change(DiscordState.CONNECTED, f"Discord: card accepted at {client.ipc_path}")
        self._set_connected()
        self._settled()

    def _not_shown(self, client: PresenceClient, card: PresenceCard | None, reason: str) -> None:
        """Send the wanted card (or clear) again after the next delay (a newer card goes then
        instead)."""
        self._unsettled()  # not acknowledged: the period starts at the next success
        if withholds(card, self._shown):
            self._withdraw()  # the full card is still up: it must not wait for the retry
            return
        self._send_not_before = self._last_send + self._send_retry_delay()
        self._send_failures += 1
        delay = max(self._send_wait(), 0.0)
        assert self._send_timer is not None
        self._send_timer.start(timer_ms(delay))
        what = "show the card" if card is not None else "take the card away"
        self._set_status(
            DiscordState.NOT_SHOWN,
            f"Discord did not {what} ({reason}), retrying in {seconds(delay)}",
            retry_in=delay,
        )
        done = "shown" if card is not None else "taken away"
        self._log_change(
            DiscordState.NOT_SHOWN,
            f"Discord: the card was not {done} at {client.ipc_path} ({reason}), "
            f"retrying in {seconds(delay)}",
            reason,
            client.ipc_path,
        )

    @reported
    def _check_alive(self) -> None:
        client = self._client
        if self.should_stop() or client is None or client.is_alive():
            return
        # A quit during the check's turn of the loop cancels it, which reads as "gone": then
        # cleanup() clears the card, as it would have had the check not been under way.
        if not self.should_stop():
            self._lost("Discord closed the connection while idle")

    def _unexpected(self, error: Exception) -> None:
        """A bug or a surprise from a library: log it with its traceback, drop the connection
        and, unless quitting or paused, reconnect after the next backoff delay."""
        log.exception("Discord: unexpected error on the worker thread")
        what = f"unexpected error ({type(error).__name__}: {error})"
        client = self._client
        path = client.ipc_path if client is not None else None
        self._client = None
        self._shown = None
        for timer in (self._send_timer, self._alive_timer, self._healthy_timer):
            if timer is not None:
                timer.stop()
        if client is not None:
            with contextlib.suppress(Exception):  # close() never raises, but this is a surprise
                client.close()
        if self.should_stop() or not self._enabled or self._retry_timer is None:
            self._set_status(DiscordState.LOST, f"Discord: {what}")
            return
        delay = self._retry(DiscordState.LOST, f"Discord: {what}")
        where = f" at {path}" if path else ""
        self._log_change(
            DiscordState.LOST,
            f"Discord: connection dropped{where} ({what}), retrying in {seconds(delay)}",
            what,
            path,
        )

    def _lost(self, reason: str) -> None:
        client = self._client
        path = client.ipc_path if client is not None else None
        self._client = None
        self._shown = None
        if self._alive_timer is not None:
            self._alive_timer.stop()
        if client is not None:
            client.close()
        # Why, in the status too (a colon: the reason may have its own parentheses); it had
        # been in the log only.
        delay = self._retry(DiscordState.LOST, f"Discord connection lost: {reason}")
        self._log_change(
            DiscordState.LOST,
            f"Discord: connection lost at {path} ({reason}), retrying in {seconds(delay)}",
            reason,
            path,
        )

    def _shutdown_connection(self, *, quitting: bool = False) -> None:
        """Take the card away and close (a pause, another client id, quitting).

        The card's removal counts toward the spacing like any send, so that a resume, or the
        connection of the new id, shows it again no sooner than the interval allows (a pause
        and a resume had sent a clear and the card back to back, and quick toggles a stream
        of them). A clear goes out only when the interval allows it; sooner, closing alone
        takes the card away (Discord drops an app's activity with its connection), without
        a frame Discord would count.
        """
        client = self._client
        self._client = None
        for timer in (self._alive_timer, self._retry_timer, self._socket_timer):
            if timer is not None:
                timer.stop()
        self._unsettled()
        if client is None:
            return
        if self._shown is not None:
            # Quitting clears at once, interval or not: it must not wait, and no frame follows.
            if quitting or self._send_wait() <= 0:
                # If Discord is gone already, it dropped the card with the connection anyway.
                with contextlib.suppress(DiscordIPCError):
                    client.clear(timeout=FINAL_CLEAR_TIMEOUT_S)
            self._last_send = time.monotonic()
        self._shown = None
        client.close()


class DiscordPresence(QObject):
    """The GUI thread's handle on the worker: start, desired card, pause, stop.

    Signals:
        status_changed(DiscordStatus): forwarded from the worker, in the GUI thread.
    """

    status_changed = Signal(object)
    _card_wanted = Signal(object)
    _enabled_wanted = Signal(bool)
    _client_id_wanted = Signal(str)

    def __init__(
        self,
        client_id: str,
        client_factory: ClientFactory | None = None,
        *,
        parent: QObject | None = None,
        **options: Any,
    ) -> None:
        """``options`` go to ``DiscordWorker`` (``enabled``, ``min_interval_s``, …)."""
        super().__init__(parent)
        worker = DiscordWorker(client_id, client_factory, **options)
        worker.status_changed.connect(self._forward)
        # Connected now, so that wishes made before start() are delivered once it runs.
        self._card_wanted.connect(worker.set_card)
        self._enabled_wanted.connect(worker.set_enabled)
        self._client_id_wanted.connect(worker.set_client_id)
        self._worker = worker
        self._owner = WorkerThread(worker, "discord")
        self.status = worker.status

    def start(self) -> None:
        """Start the worker's thread (it connects there) from the event loop (see
        ``WorkerThread.start_soon``)."""
        self._owner.start_soon()

    def set_card(self, card: PresenceCard | None) -> None:
        """Ask for this card (None: nothing shown)."""
        self._card_wanted.emit(card)

    def set_enabled(self, enabled: bool) -> None:
        """Pause or resume publishing (a pause ends a connect in progress: the worker then
        reads the pause, queued before, and connects no more)."""
        self._enabled_wanted.emit(enabled)
        if not enabled:
            self._worker.interrupt_connect()

    def set_client_id(self, client_id: str) -> None:
        """Switch to another Discord application id."""
        self._client_id_wanted.emit(client_id)

    def stop(self, timeout_ms: int = 1500) -> bool:
        """Clear the card and close, waiting at most ``timeout_ms``; True when it finished.

        The abort cancels a handshake or send in progress, so that it does not hold up
        quitting; a call that ignores it leaves the thread running, kept by the recipe
        (``WorkerThread.stop``) until it returns.
        """
        finished = self._owner.stop(timeout_ms)
        if finished:
            # The worker's last status ("off") may still be queued: take it directly.
            self._forward(self._worker.status)
        return finished

    @Slot(object)
    def _forward(self, status: DiscordStatus) -> None:
        if status != self.status:
            self.status = status
            self.status_changed.emit(status)
