"""The Discord worker: throttled, coalesced, reconnecting, honest about its state."""

from __future__ import annotations

import contextlib
import itertools
import random
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.presence import PresenceCard
from codex_presence_gui.services.discord_client import (
    AbortedError,
    ActivityRejectedError,
    ConnectionLostError,
    DiscordNotRunningError,
    InvalidClientIdError,
)
from codex_presence_gui.services.discord_worker import (
    DiscordPresence,
    DiscordState,
    DiscordStatus,
    retry_delay,
)
from codex_presence_gui.services.worker import join_parked, parked_threads
from tests.helpers.fake_presence import FakeClient, FakeDiscordSide

if TYPE_CHECKING:
    from tests.helpers.fake_discord import FakeDiscord

INTERVAL = 0.3  # seconds between frames in these tests (the app uses 4 s)


def card(details: str) -> PresenceCard:
    return PresenceCard(details, "gpt-5.5", "codex-logo", "Codex CLI", None, None, 1_777_885_200)


@pytest.fixture
def side() -> FakeDiscordSide:
    return FakeDiscordSide()


@pytest.fixture
def presence(side: FakeDiscordSide, qtbot: QtBot) -> Iterator[DiscordPresence]:
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    statuses: list[DiscordStatus] = []
    handle.status_changed.connect(statuses.append)
    handle.statuses = statuses  # type: ignore[attr-defined]
    with qtbot.waitSignal(handle.status_changed, timeout=3000):
        handle.start()
    # Connected, so that the tests' cards are not the ones queued while connecting (of
    # those, only the newest is sent: see test_wishes_made_while_connecting_…).
    qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
    yield handle
    assert handle.stop()


def states(handle: DiscordPresence) -> list[DiscordState]:
    return [s.state for s in handle.statuses]  # type: ignore[attr-defined]


def test_connects_and_sends_the_card(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """The first card goes out at once; the status says connected."""
    presence.set_card(card("Editing app.py · shop"))
    qtbot.waitUntil(lambda: side.sent() == [card("Editing app.py · shop")], timeout=3000)
    qtbot.waitUntil(lambda: presence.status.message == "Discord: connected", timeout=3000)
    assert DiscordState.CONNECTING in states(presence)


def test_bursts_are_coalesced_and_spaced(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Ten cards in a burst: the first at once, then only the newest after the interval."""
    for index in range(10):
        presence.set_card(card(f"Step {index}"))
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("Step 9")], timeout=3000)
    qtbot.wait(int(INTERVAL * 2000))
    sent = side.sent()
    assert sent[0] == card("Step 0")
    assert sent[-1] == card("Step 9")
    assert len(sent) == 2
    times = side.send_times()
    assert all(b - a >= INTERVAL - 0.01 for a, b in itertools.pairwise(times))


def test_connected_is_said_once_the_queue_before_it_is_held(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """When "connected" is said, the release of what was asked during the handshake is
    already queued: a card asked for once the window reads "connected" comes after it and
    goes out at once. Said first, a burst that came quickly was held with the handshake's
    wishes and only its newest sent (the test above failed so on a loaded machine)."""
    from PySide6.QtCore import Qt

    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    held_when_said: list[int] = []

    def said(status: DiscordStatus) -> None:  # in the worker's thread, as it is said
        if status.state is DiscordState.CONNECTED:
            held_when_said.append(handle._worker._holds)

    handle._worker.status_changed.connect(said, Qt.ConnectionType.DirectConnection)
    handle.start()
    try:
        qtbot.waitUntil(lambda: bool(held_when_said), timeout=3000)
    finally:
        assert handle.stop()
    assert held_when_said[0] == 1


def test_identical_cards_and_repeated_idle_are_not_resent(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """The same card again sends nothing; no session clears once, not every refresh."""
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: len(side.sent()) == 1, timeout=3000)
    for _ in range(5):
        presence.set_card(card("A"))
    presence.set_card(None)
    qtbot.waitUntil(lambda: side.sent() == [card("A"), None], timeout=3000)
    for _ in range(5):
        presence.set_card(None)
    qtbot.wait(int(INTERVAL * 3000))
    assert side.sent() == [card("A"), None]
    assert presence.status.message == "Discord: connected (nothing shown)"


def test_not_running_retries_with_backoff_then_resends(side: FakeDiscordSide, qtbot: QtBot) -> None:
    """Discord absent: 'not running, retrying in N s'; once it is back the card is sent."""
    side.connect_errors = [DiscordNotRunningError("Discord is not running")] * 2
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: card("A") in side.sent(), timeout=8000)
        retries = [s for s in seen if s.state is DiscordState.NOT_RUNNING]
        assert retries
        assert retries[0].message.startswith("Discord not running, retrying in ")
        assert retries[0].retry_in is not None
        assert side.names().count("connect") == 3
    finally:
        assert handle.stop()


def test_a_discord_out_of_reach_is_logged_as_such(
    side: FakeDiscordSide, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Only another user's socket: the log says "not reachable", as the status bar does;
    it had said "not running" (a Discord run with sudo, say, is running)."""
    from codex_presence_gui.services.discord_client import DiscordNotReachableError

    caplog.set_level("INFO", logger="codex_presence_gui.services.discord_worker")
    side.connect_errors = [DiscordNotReachableError("Discord is not reachable")]
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.NOT_RUNNING, timeout=3000)
        assert handle.status.message.startswith("Discord not reachable (permission denied), ")
    finally:
        assert handle.stop()
    said = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    assert said[0].startswith("Discord: not reachable (no socket found), retrying in "), said


def test_connection_lost_reconnects_and_resends(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A broken pipe while sending: reconnect, then the current card is sent again."""
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    side.update_errors = [ConnectionLostError("Discord closed the connection")]
    presence.set_card(card("B"))
    qtbot.waitUntil(lambda: DiscordState.LOST in states(presence), timeout=3000)
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("B")], timeout=8000)
    assert side.names().count("connect") == 2


def test_invalid_id_stops_retrying_until_the_id_changes(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A refused id is final; a new id is tried at once."""
    side.connect_errors = [InvalidClientIdError("Discord rejected the client id")]
    handle = DiscordPresence("bad", side.factory, min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.INVALID_ID, timeout=3000)
        # Named as Settings names it: "the client id (check the Discord application id)" had
        # said two names for one thing.
        assert handle.status.message == (
            "Discord: it rejected the application id (see Settings → Advanced)"
        )
        qtbot.wait(1500)
        assert side.names().count("connect") == 1
        handle.set_client_id("good")
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        assert side.client_ids == ["bad", "good"]
    finally:
        assert handle.stop()


def test_a_refused_id_saved_again_is_not_tried_again(side: FakeDiscordSide, qtbot: QtBot) -> None:
    """Every save of the settings sends the id: the refused one, sent again, had reconnected
    each time (an Apply of anything, or of the same wrong id again and again)."""
    side.connect_errors = [InvalidClientIdError("Discord rejected the client id")]
    handle = DiscordPresence("bad", side.factory, min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.INVALID_ID, timeout=3000)
        for _ in range(3):
            handle.set_client_id("bad")
        handle.set_client_id("good")  # queued after them: once it connects, they were read
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        assert side.client_ids == ["bad", "good"]
    finally:
        assert handle.stop()


def test_a_resume_tries_a_refused_id_again(side: FakeDiscordSide, qtbot: QtBot) -> None:
    """A pause and a resume are the user's "try again" (the application fixed in Discord's
    developer portal meanwhile): one handshake, and the status says how it went (it stayed
    "paused" while publishing was on, and the id was not tried until a restart)."""
    side.connect_errors = [InvalidClientIdError("Discord rejected the client id")]
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.INVALID_ID, timeout=3000)
        handle.set_enabled(False)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.PAUSED, timeout=3000)
        handle.set_enabled(True)
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
        assert side.client_ids == ["111", "111"]
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
    finally:
        assert handle.stop()


def test_rejected_card_is_reported_and_not_repeated(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Discord refusing the activity is shown with its reason; the same card is not resent."""
    side.update_errors = [ActivityRejectedError('"details" length must be at least 2')]
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: presence.status.state is DiscordState.REJECTED, timeout=3000)
    assert presence.status.message.startswith("Discord: rejected the card: ")
    presence.set_card(card("A"))
    qtbot.wait(int(INTERVAL * 2000))
    assert side.names().count("update-failed") == 1
    presence.set_card(card("B"))
    qtbot.waitUntil(lambda: side.sent() == [card("B")], timeout=3000)


def test_pause_clears_once_and_resume_sends_again(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Pausing removes the card and disconnects; resuming publishes the current card, the
    interval after the clear (it went out back to back with the clear)."""
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    qtbot.wait(int(INTERVAL * 1000) + 50)  # long enough after the card for a clear
    presence.set_enabled(False)
    qtbot.waitUntil(lambda: presence.status.state is DiscordState.PAUSED, timeout=3000)
    assert side.sent() == [card("A"), None]
    assert side.names()[-1] == "close"
    presence.set_enabled(True)
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("A")], timeout=3000)
    cleared, shown = side.send_times()[-2:]
    assert shown - cleared >= INTERVAL - 0.01


def test_a_pause_right_after_a_card_sends_no_clear_too_soon(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Paused within the interval of the card: no clear back to back with it (the close
    takes the card away: Discord drops it with the connection), and the card comes back
    after a resume once the interval since the pause has passed, not at once."""
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    asked = time.monotonic()
    presence.set_enabled(False)
    qtbot.waitUntil(lambda: presence.status.state is DiscordState.PAUSED, timeout=3000)
    assert side.sent() == [card("A")]
    assert side.names()[-1] == "close"
    presence.set_enabled(True)
    qtbot.waitUntil(lambda: side.sent() == [card("A"), card("A")], timeout=3000)
    assert side.send_times()[-1] - asked >= INTERVAL - 0.01


def private_card() -> PresenceCard:
    return PresenceCard(
        "Using Codex", "In a coding session", "codex-logo", "Codex", None, None, 1, private=True
    )


def test_private_mode_does_not_wait_for_the_interval(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Private mode ticked right after a card went out: the card is taken away at once by
    closing the connection, no frame sent too soon, and Private's card goes out on a new
    connection once the interval has passed. It had left the full card up for up to the
    interval (4 s)."""
    presence.set_card(card("Editing secret.py · acquisition"))
    qtbot.waitUntil(lambda: len(side.sent()) == 1, timeout=3000)
    shown_at = side.send_times()[0]
    presence.set_card(private_card())
    qtbot.waitUntil(lambda: "close" in side.names(), timeout=3000)
    closed_at = next(at for name, _value, at in side.calls if name == "close")
    assert closed_at - shown_at < INTERVAL / 2, "taken away only once the interval passed"
    assert side.sent() == [card("Editing secret.py · acquisition")]
    qtbot.waitUntil(lambda: side.sent()[-1:] == [private_card()], timeout=3000)
    assert side.names().count("connect") == 2
    shown, again = side.send_times()
    assert again - shown >= INTERVAL - 0.01
    qtbot.waitUntil(lambda: presence.status.message == "Discord: connected", timeout=3000)


@pytest.mark.parametrize("failure", ["not shown", "rejected"])
def test_private_mode_failing_to_show_still_takes_the_full_card_away(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot, failure: str
) -> None:
    """Private ticked once the interval had passed goes out as any card; when Discord does
    not show it (an error that may pass) or refuses it, the full card is taken away at once
    all the same. It had stayed up until the retry (up to 30 s), or for good."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    presence.set_card(card("Editing secret.py"))
    qtbot.waitUntil(lambda: len(side.sent()) == 1, timeout=3000)
    qtbot.wait(int(INTERVAL * 1000) + 50)
    error = ActivityNotShownError("Unknown Error")
    side.update_errors = [error if failure == "not shown" else ActivityRejectedError("bad")]
    asked = time.monotonic()
    presence.set_card(private_card())
    qtbot.waitUntil(lambda: "close" in side.names(), timeout=3000)
    closed = next(at for name, _value, at in side.calls if name == "close")
    assert closed - asked < INTERVAL / 2
    # On the new connection, Private's card is sent the interval after the failed one.
    qtbot.waitUntil(lambda: side.sent()[-1:] == [private_card()], timeout=3000)
    qtbot.waitUntil(lambda: presence.status.message == "Discord: connected", timeout=3000)
    frames = [at for name, _v, at in side.calls if name.startswith(("update", "clear"))]
    assert all(b - a >= INTERVAL - 0.01 for a, b in itertools.pairwise(frames))


def test_a_new_connection_does_not_wait_out_the_old_ones_retry(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A card Discord failed to show waits for its retry; Private then closes that
    connection, and its card goes out on the new one as soon as the interval allows, not
    when the old connection's retry was due (up to 30 s later)."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: len(side.sent()) == 1, timeout=3000)
    qtbot.wait(int(INTERVAL * 1000) + 50)
    side.update_errors = [ActivityNotShownError("Unknown Error")] * 3
    presence.set_card(card("B"))
    qtbot.waitUntil(lambda: side.names().count("update-failed") == 3, timeout=10_000)
    # The third failure in a row: the next try waits about 4 intervals (1.2 s here).
    asked = time.monotonic()
    presence.set_card(private_card())
    qtbot.waitUntil(lambda: side.sent()[-1:] == [private_card()], timeout=5000)
    assert "close" in side.names()
    assert side.send_times()[-1] - asked < 2 * INTERVAL


def test_a_card_that_tells_as_much_waits_its_turn_on_the_same_connection(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Only Private's card closes the connection: a new session card inside the interval
    waits for it, and so do a card after Private's (it tells more) and a clear."""
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: len(side.sent()) == 1, timeout=3000)
    presence.set_card(card("B"))
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("B")], timeout=3000)
    qtbot.wait(int(INTERVAL * 1000) + 50)
    presence.set_card(private_card())
    qtbot.waitUntil(lambda: side.sent()[-1:] == [private_card()], timeout=3000)
    assert "close" not in side.names()  # the interval had passed: sent as any card
    presence.set_card(card("C"))
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("C")], timeout=3000)
    presence.set_card(None)  # the session ended: the clear waits its turn
    qtbot.waitUntil(lambda: side.sent()[-1:] == [None], timeout=3000)
    assert "close" not in side.names()
    assert side.names().count("connect") == 1
    gaps = [b - a for a, b in itertools.pairwise(side.send_times())]
    assert all(gap >= INTERVAL - 0.01 for gap in gaps), gaps


def test_quick_pauses_and_resumes_keep_every_frame_spaced(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Pause, resume, pause … a few times a second while the card changes: no two frames
    (cards or clears) closer than the interval (clear and card had alternated back to back),
    and the newest card is the one shown in the end."""
    presence.set_card(card("Start"))
    qtbot.waitUntil(lambda: side.sent() == [card("Start")], timeout=3000)
    # On for a moment or for longer than the interval: some pauses come soon after a card,
    # some late enough for a clear.
    for index, on_for in enumerate([0.2, 1.5, 2.5, 0.5, 2.5, 0.1]):
        presence.set_enabled(False)
        presence.set_card(card(f"Step {index}"))
        qtbot.wait(int(INTERVAL * 100))
        presence.set_enabled(True)
        qtbot.wait(int(INTERVAL * 1000 * on_for))
    qtbot.waitUntil(lambda: side.sent()[-1:] == [card("Step 5")], timeout=5000)
    qtbot.wait(int(INTERVAL * 2000))
    assert side.sent()[-1] == card("Step 5")
    assert None in side.sent()
    gaps = [b - a for a, b in itertools.pairwise(side.send_times())]
    assert all(gap >= INTERVAL - 0.01 for gap in gaps), gaps


class SlowClient(FakeClient):
    """A connect that takes a while (a silent socket skipped before Discord's own)."""

    def connect(self) -> None:
        self.side.record("connect-started")
        time.sleep(0.5)
        super().connect()


@pytest.mark.parametrize("wish", ["pause", "hide"])
def test_wishes_made_while_connecting_come_before_the_first_send(qtbot: QtBot, wish: str) -> None:
    """A pause (or a card the rules now hide) asked for while the handshake blocks the worker:
    the card it forbids never goes out. It used to be sent as soon as the handshake ended,
    then cleared."""
    side = FakeDiscordSide()
    handle = DiscordPresence("111", lambda _cid: SlowClient(side), min_interval_s=INTERVAL)
    handle.set_card(card("Secret project"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: "connect-started" in side.names(), timeout=3000)
        if wish == "pause":
            handle.set_enabled(False)
            qtbot.waitUntil(lambda: handle.status.state is DiscordState.PAUSED, timeout=3000)
        else:
            handle.set_card(None)
            qtbot.waitUntil(lambda: "connect" in side.names(), timeout=3000)
            qtbot.wait(int(INTERVAL * 2000))
        assert card("Secret project") not in side.sent()
    finally:
        assert handle.stop()


@pytest.mark.parametrize("second", ["client-id", "pause-and-resume"])
def test_a_hidden_card_waits_for_the_last_handshakes_release(qtbot: QtBot, second: str) -> None:
    """A second handshake right after the first (another client id, or a pause and a resume
    asked for during the first): the first's release, queued before the wishes of the
    second, had ended the second's hold, and the card the rules now hide went out (a review
    found it)."""
    side = FakeDiscordSide()
    handle = DiscordPresence("111", lambda _cid: SlowClient(side), min_interval_s=INTERVAL)
    handle.set_card(card("Secret project"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: side.names().count("connect-started") == 1, timeout=3000)
        if second == "client-id":
            handle.set_client_id("222")
        else:
            handle.set_enabled(False)  # (the fake's connect does not end on an interrupt)
            handle.set_enabled(True)
        qtbot.waitUntil(lambda: side.names().count("connect-started") == 2, timeout=3000)
        handle.set_card(None)
        qtbot.wait(int(INTERVAL * 4000))
        assert card("Secret project") not in side.sent()
        handle.set_card(card("Open project"))  # and the next card still goes out
        qtbot.waitUntil(lambda: side.sent()[-1:] == [card("Open project")], timeout=3000)
    finally:
        assert handle.stop()


def test_a_pause_ends_a_connect_waiting_on_silent_sockets(discord_dir: Path, qtbot: QtBot) -> None:
    """Two silent sockets before Discord's own: a pause asked for meanwhile took effect only
    once both had been waited for (3 s each here, the status saying "connecting…"), and
    the card never went out; now the wait ends at once, and nothing is sent."""
    import time

    from tests.helpers.fake_discord import FakeDiscord, Mode

    silent = [FakeDiscord(discord_dir, n, mode=Mode.HANG_HANDSHAKE).start() for n in (0, 1)]
    discord = FakeDiscord(discord_dir, 2).start()
    handle = real_presence(3.0)
    handle.set_card(card("Secret project"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(silent[0].handshake_times()) == 1, timeout=3000)
        asked = time.monotonic()
        handle.set_enabled(False)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.PAUSED, timeout=5000)
        assert time.monotonic() - asked < 1.0
        qtbot.wait(300)
        assert discord.handshake_times() == []  # no socket tried after the pause
        assert discord.activities() == []
        handle.set_enabled(True)  # a resume connects again, skipping the silent ones
        qtbot.waitUntil(lambda: discord.activities()[-1:] != [], timeout=10_000)
    finally:
        assert handle.stop()
        discord.stop()
        for peer in silent:
            peer.stop()


def test_stop_clears_and_finishes_quickly(side: FakeDiscordSide, qtbot: QtBot) -> None:
    """Quitting clears the card and the thread ends within a second."""
    import time

    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    handle.start()
    handle.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    start = time.monotonic()
    assert handle.stop()
    assert time.monotonic() - start < 1.0
    assert side.sent() == [card("A"), None]
    assert side.names()[-1] == "close"
    assert handle.status.state is DiscordState.OFF


def test_delays_are_said_in_whole_seconds_from_one() -> None:
    """0.96 s had been "1.0 s" where 1.02 s is "1 s"; written as every other duration is
    ("retrying in 25 s" had stood beside "as of 35m ago")."""
    from codex_presence_gui.services.discord_worker import seconds

    assert [seconds(d) for d in (0.4, 0.94, 0.96, 1.02, 8.4)] == [
        "0.4s",
        "0.9s",
        "1s",
        "1s",
        "8s",
    ]


def test_backoff_grows_to_thirty_seconds_with_jitter() -> None:
    """1 s, 2 s, 4 s … capped at 30 s, each within ±20 %."""
    rng = random.Random(4)
    delays = [retry_delay(attempt, rng) for attempt in range(8)]
    for attempt, delay in enumerate(delays):
        base = min(2**attempt, 30)
        assert base * 0.8 <= delay <= min(base * 1.2, 30)
    assert delays[-1] <= 30


@pytest.mark.parametrize("check_ms", [100, None])
def test_discord_quitting_while_idle_is_noticed(
    side: FakeDiscordSide, qtbot: QtBot, check_ms: int | None
) -> None:
    """Nothing to send, yet the periodic check sees Discord gone and starts reconnecting;
    with the default check within seconds (at 15 s, a Discord killed while idle had shown
    "connected" for a quarter of a minute, and a restarted one got the card back only then)."""
    options = {} if check_ms is None else {"liveness_interval_ms": check_ms}
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL, **options)
    handle.start()
    try:
        handle.set_card(card("A"))
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
        side.alive = False
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.LOST, timeout=6000)
        assert handle.status.message.startswith(
            "Discord connection lost: Discord closed the connection while idle, retrying in "
        )
        side.alive = True
        qtbot.waitUntil(
            lambda: side.sent()[-1:] == [card("A")] and len(side.sent()) == 2, timeout=5000
        )
    finally:
        assert handle.stop()


def test_quitting_during_a_hung_handshake(discord_dir: Path, qtbot: QtBot) -> None:
    """Discord accepts and never answers: stop cancels the handshake and returns in time."""
    import time

    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import FakeDiscord, Mode

    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    try:
        handle = DiscordPresence("111", lambda cid: PypresenceClient(cid, handshake_timeout=30.0))
        handle.start()
        qtbot.waitUntil(lambda: any(f.op == 0 for f in peer.frames), timeout=3000)
        started = time.monotonic()
        assert handle.stop(1000)
        assert time.monotonic() - started < 1.0
        assert handle.status.state is DiscordState.OFF
        assert parked_threads() == []
    finally:
        peer.stop()


def test_quitting_while_the_client_is_made(discord_dir: Path, qtbot: QtBot) -> None:
    """The stop lands after the worker's last look at it and before its client exists, so
    the abort has nothing to cancel: the handshake is not started, and stop returns in time
    (it used to send it and wait out its 30 s on a silent Discord, the thread kept)."""
    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import FakeDiscord, Mode

    making = threading.Event()
    stopping = threading.Event()

    def slow_factory(cid: str) -> PypresenceClient:
        making.set()
        stopping.wait(5)
        time.sleep(0.1)  # the stop's abort has come and gone by now
        return PypresenceClient(cid, handshake_timeout=30.0)

    peer = FakeDiscord(discord_dir, mode=Mode.HANG_HANDSHAKE).start()
    try:
        handle = DiscordPresence("111", slow_factory)
        handle.start()
        qtbot.waitUntil(making.is_set, timeout=3000)
        stopping.set()
        assert handle.stop(1000)
        assert parked_threads() == []
    finally:
        join_parked(35.0)
        peer.stop()
    assert peer.handshake_times() == []


class StubbornClient(FakeClient):
    """A connect that ignores the abort and blocks for 0.8 s (a call that cannot be
    cancelled)."""

    def connect(self) -> None:
        self.side.record("connect-started")
        time.sleep(0.8)
        super().connect()


def test_a_connect_that_ignores_the_abort_keeps_its_thread(qtbot: QtBot) -> None:
    """stop gives up at its timeout and the thread is kept until the call returns; then the
    worker still clears and closes, and nothing else is sent."""
    import gc

    side = FakeDiscordSide()
    handle = DiscordPresence("111", lambda _cid: StubbornClient(side), min_interval_s=INTERVAL)
    handle.set_card(card("A"))
    handle.start()
    qtbot.waitUntil(lambda: "connect-started" in side.names(), timeout=3000)
    started = time.monotonic()
    assert not handle.stop(100)
    assert time.monotonic() - started < 0.5
    assert parked_threads() == ["discord"]
    del handle
    gc.collect()  # the old handle's thread would now be destroyed while running: SIGABRT
    assert join_parked(5.0)
    assert side.sent() == []  # the abort came first: the card never went out
    assert side.names()[-1] == "close"


# -- backoff: it starts over only after a healthy period -------------------------------------

FIRST = 0.2  # the first retry delay in these tests (the app waits 1 s)
CAP = 1.6  # the longest (the app: 30 s)


def real_presence(
    handshake_s: float,
    response_s: float = 3.0,
    first: float = FIRST,
    cap: float = CAP,
    interval: float = 0.05,
) -> DiscordPresence:
    """The worker with the real IPC client and short timings (sends 50 ms apart)."""
    from codex_presence_gui.services.discord_client import PypresenceClient

    return DiscordPresence(
        "111",
        lambda cid: PypresenceClient(
            cid, handshake_timeout=handshake_s, response_timeout=response_s
        ),
        min_interval_s=interval,
        first_retry_s=first,
        max_retry_s=cap,
    )


def base_delay(attempt: int) -> float:
    return min(FIRST * 2**attempt, CAP)


def handshake_gaps(
    peer: FakeDiscord, handle: DiscordPresence, qtbot: QtBot, handshakes: int, timeout_ms: int
) -> list[float]:
    """Show a card through ``handle`` against ``peer`` until it has taken ``handshakes``
    handshakes, stop both, and return the gaps between them."""
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(peer.handshake_times()) >= handshakes, timeout=timeout_ms)
    finally:
        assert handle.stop()
        peer.stop()
    return [b - a for a, b in itertools.pairwise(peer.handshake_times())]


def retries(seen: list[DiscordStatus]) -> list[float]:
    return [s.retry_in for s in seen if s.retry_in is not None]


def test_a_handshake_alone_does_not_reset_the_backoff(side: FakeDiscordSide, qtbot: QtBot) -> None:
    """Every connect works but every send fails: the delays grow as if nothing connected."""
    side.update_errors = [ConnectionLostError("Discord stopped answering")] * 4
    handle = DiscordPresence(
        "111", side.factory, min_interval_s=0.05, first_retry_s=FIRST, max_retry_s=CAP
    )
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=10_000)
        delays = retries(seen)
        assert len(delays) == 4
        for attempt, delay in enumerate(delays):
            assert base_delay(attempt) * 0.8 <= delay <= base_delay(attempt) * 1.2
    finally:
        assert handle.stop()


def test_the_backoff_starts_over_after_a_healthy_period(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A failure soon after recovering keeps growing the delay; one after the card was
    acknowledged and nothing failed for the healthy period starts again from the first."""
    lost = ConnectionLostError("Discord stopped answering")
    side.update_errors = [lost] * 3
    handle = DiscordPresence(
        "111",
        side.factory,
        min_interval_s=0.05,
        first_retry_s=FIRST,
        max_retry_s=CAP,
        healthy_after_s=1.0,
    )
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=10_000)
        assert len(retries(seen)) == 3
        # At once, well within the healthy period: the fourth delay, not the first.
        side.update_errors = [lost]
        handle.set_card(card("B"))
        qtbot.waitUntil(lambda: side.sent()[-1:] == [card("B")], timeout=10_000)
        assert base_delay(3) * 0.8 <= retries(seen)[-1] <= base_delay(3) * 1.2
        qtbot.wait(1300)  # healthy for longer than the period
        side.update_errors = [lost]
        handle.set_card(card("C"))
        qtbot.waitUntil(lambda: side.sent()[-1:] == [card("C")], timeout=10_000)
        assert FIRST * 0.8 <= retries(seen)[-1] <= FIRST * 1.2
    finally:
        assert handle.stop()


@pytest.mark.parametrize("mode", ["stall_after_ready", "cut_reply"])
def test_attempts_against_a_peer_that_fails_after_ready_get_further_apart(
    discord_dir: Path, qtbot: QtBot, mode: str
) -> None:
    """A peer that answers READY, then stalls (or cuts its reply): the spacing of connection
    attempts doubles up to the cap instead of staying constant (it used to be about 4 s
    forever, 24 connections in 95 s)."""
    from tests.helpers.fake_discord import FakeDiscord

    response_timeout = 0.1
    peer = FakeDiscord(discord_dir, mode=mode).start()
    handle = real_presence(1.0, response_timeout)
    gaps = handshake_gaps(peer, handle, qtbot, 7, 20_000)[:6]
    print(f"{mode}: gaps between connection attempts {[round(g, 3) for g in gaps]}")
    # Each gap is the retry delay (±20 %; Qt's coarse timers may fire up to 5 % early) plus
    # the failed exchange: the reply's timeout when the peer stalls, next to nothing otherwise.
    for attempt, gap in enumerate(gaps):
        assert base_delay(attempt) * 0.8 * 0.95 <= gap
        assert gap <= base_delay(attempt) * 1.2 + response_timeout + 0.3
    uncapped = [gap for attempt, gap in enumerate(gaps) if base_delay(attempt) < CAP]
    assert all(b > a for a, b in itertools.pairwise(uncapped)), gaps
    assert gaps[3] >= 3 * gaps[0], gaps


class SlowReplyClient(FakeClient):
    """Discord receives the card but its reply is slow: quitting cancels the wait."""

    def __init__(self, side: FakeDiscordSide) -> None:
        super().__init__(side)
        self.aborted = threading.Event()

    def update(self, card: PresenceCard) -> dict[str, Any]:
        self.side.record("update", card)
        self.aborted.wait(5)
        raise AbortedError("stopped")

    def abort(self) -> None:
        super().abort()
        self.aborted.set()


class LateReplyClient(FakeClient):
    """Discord takes the handshake, then answers the first card only when let."""

    answer = threading.Event()

    def update(self, card: PresenceCard) -> dict[str, Any]:
        self.answer.wait(5)
        return super().update(card)


def test_connected_is_said_alone_once_discord_took_the_card(qtbot: QtBot) -> None:
    """Between the handshake and Discord's answer to the card, the status says the card is
    on its way: "connected" alone had been said while a Discord that stalled after the
    handshake showed nothing."""
    from codex_presence_gui.services.discord_worker import SENDING

    side = FakeDiscordSide()
    LateReplyClient.answer.clear()
    handle = DiscordPresence("111", lambda _cid: LateReplyClient(side), min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        handle.set_card(card("A"))
        qtbot.waitUntil(lambda: handle.status.message == SENDING, timeout=3000)
        qtbot.wait(200)
        assert handle.status.message == SENDING
        LateReplyClient.answer.set()
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
        assert side.sent() == [card("A")]
    finally:
        LateReplyClient.answer.set()
        assert handle.stop()


def test_sending_is_not_said_once_the_card_waiting_to_go_is_no_longer_wanted(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Resumed, the card waits for the interval ("sending the card…"); the session then
    ends: nothing is to be sent, and the status had said "sending" until the next card."""
    from codex_presence_gui.services.discord_worker import SENDING

    statuses: list[DiscordStatus] = presence.statuses  # type: ignore[attr-defined]
    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    presence.set_enabled(False)
    qtbot.waitUntil(lambda: presence.status.state is DiscordState.PAUSED, timeout=3000)
    said = len(statuses)
    presence.set_enabled(True)
    # (Read from the statuses said: on a loaded machine the card may have gone already.)
    qtbot.waitUntil(lambda: SENDING in [s.message for s in statuses[said:]], timeout=3000)
    presence.set_card(None)
    qtbot.waitUntil(
        lambda: presence.status.message == "Discord: connected (nothing shown)", timeout=3000
    )
    qtbot.wait(int(INTERVAL * 2000))
    assert presence.status.message == "Discord: connected (nothing shown)"


def test_quitting_while_waiting_for_the_reply_still_clears(qtbot: QtBot) -> None:
    """The frame went out before the stop: the card may be shown, so it is cleared."""
    side = FakeDiscordSide()
    handle = DiscordPresence("111", lambda _cid: SlowReplyClient(side), min_interval_s=INTERVAL)
    handle.set_card(card("A"))
    handle.start()
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    assert handle.stop()
    assert side.sent() == [card("A"), None]


class SlowCheckClient(FakeClient):
    """The liveness check's turn of the event loop is under way when the app quits: the
    abort cancels it, and the real client's ``is_alive`` then answers False."""

    def __init__(self, side: FakeDiscordSide) -> None:
        super().__init__(side)
        self.checking = threading.Event()
        self.aborted = threading.Event()

    def is_alive(self) -> bool:
        self.checking.set()
        return not self.aborted.wait(5)

    def abort(self) -> None:
        super().abort()
        self.aborted.set()


def test_quitting_during_the_liveness_check_still_clears(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A quit that lands in the check's 50 ms had been taken for Discord gone: "connection
    lost (Discord closed the connection while idle), retrying in 1s" in the log, and the
    card left to Discord's own clean-up instead of cleared (about one quit in a hundred)."""
    caplog.set_level("INFO", logger=WORKER_LOG)
    side = FakeDiscordSide()
    clients: list[SlowCheckClient] = []

    def factory(_cid: str) -> SlowCheckClient:
        clients.append(SlowCheckClient(side))
        return clients[-1]

    handle = DiscordPresence("111", factory, min_interval_s=INTERVAL, liveness_interval_ms=200)
    handle.set_card(card("A"))
    handle.start()
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    qtbot.waitUntil(lambda: clients[-1].checking.is_set(), timeout=3000)
    assert handle.stop()
    assert side.sent() == [card("A"), None]
    assert not [line for line in info_lines(caplog) if "lost" in line]


# -- what the log says -----------------------------------------------------------------------

WORKER_LOG = "codex_presence_gui.services.discord_worker"


def info_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == WORKER_LOG and r.levelname == "INFO"
    ]


def test_each_change_of_the_connection_is_logged_once_with_socket_and_reason(
    discord_dir: Path, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A silent discord-ipc-0 beside a discord-ipc-1 that answers READY and then stalls:
    connected and lost alternate, each said once, with the socket, what was skipped, and
    why the connection was lost."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    caplog.set_level("DEBUG", logger=WORKER_LOG)
    silent = FakeDiscord(discord_dir, 0, mode=Mode.HANG_HANDSHAKE).start()
    stalling = FakeDiscord(discord_dir, 1, mode=Mode.STALL_AFTER_READY).start()
    handle = real_presence(0.3, 0.1)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(stalling.handshake_times()) >= 3, timeout=10_000)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.LOST, timeout=3000)
    finally:
        assert handle.stop()
        stalling.stop()
        silent.stop()
    lines = info_lines(caplog)
    print("\n".join(lines))
    assert lines[-1] == "Discord: off"
    changes = lines[:-1]
    connects = len(stalling.handshake_times())
    connected = (
        f"Discord: connected at {stalling.path} (skipped discord-ipc-0: no answer to the handshake)"
    )
    lost = (
        f"Discord: connection lost at {stalling.path} (reading the reply timed out), retrying in "
    )
    assert changes[0::2] == [connected] * connects
    assert len(changes[1::2]) == connects
    assert all(line.startswith(lost) for line in changes[1::2])


def test_retries_while_discord_stays_away_are_not_repeated_at_info(
    discord_dir: Path, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Only a stale socket: "not running" once at INFO (the retries at DEBUG); then Discord
    starts on the next index and the connection says which socket it skipped."""
    from tests.helpers.fake_discord import FakeDiscord, stale_socket

    caplog.set_level("DEBUG", logger=WORKER_LOG)
    stale_socket(discord_dir / "discord-ipc-0")
    handle = real_presence(0.3, first=0.05, cap=0.1)
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.start()
    peer = None
    try:
        qtbot.waitUntil(
            lambda: len([s for s in seen if s.state is DiscordState.NOT_RUNNING]) >= 4,
            timeout=5000,
        )
        peer = FakeDiscord(discord_dir, 1).start()
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
    finally:
        assert handle.stop()
        if peer is not None:
            peer.stop()
    not_running = "Discord: not running (no socket answered: discord-ipc-0: stale socket)"
    lines = info_lines(caplog)
    assert len(lines) == 3, lines
    assert lines[0].startswith(not_running + ", retrying in ")
    assert lines[1] == f"Discord: connected at {peer.path} (skipped discord-ipc-0: stale socket)"
    assert lines[2] == "Discord: off"
    debug = [r.getMessage() for r in caplog.records if r.levelname == "DEBUG"]
    assert sum(line.startswith(not_running) for line in debug) >= 3


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a full listen queue fails connect with EAGAIN"
)
@pytest.mark.parametrize("filled", [True, False])
def test_a_discord_that_accepts_no_connection_is_said_not_answering(
    discord_dir: Path, qtbot: QtBot, caplog: pytest.LogCaptureFixture, filled: bool
) -> None:
    """A Discord that listens and accepts nothing, its queue full (or filled by the first
    try's own connection, left waiting): every try had said "Discord not running" (the first
    of an unfilled one "connection failed"), though Discord was there. Now each says it does
    not answer, with the backoff, the log saying why once; and quitting is not held up."""
    from tests.helpers.fake_discord import unaccepting_socket

    caplog.set_level("DEBUG", logger=WORKER_LOG)
    path = discord_dir / "discord-ipc-0"
    with unaccepting_socket(path, filled=filled):
        handle = real_presence(0.3, first=0.05, cap=0.1)
        seen: list[DiscordStatus] = []
        handle.status_changed.connect(seen.append)
        handle.set_card(card("A"))
        handle.start()
        try:
            qtbot.waitUntil(lambda: len([s for s in seen if s.retry_in]) >= 4, timeout=5000)
        finally:
            started = time.monotonic()
            stopped = handle.stop()
            took = time.monotonic() - started
    assert stopped
    assert took < 1.0
    assert parked_threads() == []
    retries = [s for s in seen if s.retry_in]
    assert [s.message.rpartition(" in ")[0] for s in retries] == [
        "Discord not answering, retrying"
    ] * len(retries)
    assert {s.state for s in retries} == {DiscordState.NOT_ANSWERING}
    said = "Discord: not answering (discord-ipc-0: {}), retrying in "
    lines = info_lines(caplog)
    first = [] if filled else [said.format("no answer to the handshake")]
    assert [line.rpartition(" in ")[0] + " in " for line in lines[:-1]] == [
        *first,
        said.format("not accepting connections"),
    ]
    assert lines[-1] == "Discord: off"


def test_a_rejected_client_id_is_logged(
    side: FakeDiscordSide, caplog: pytest.LogCaptureFixture, qtbot: QtBot
) -> None:
    caplog.set_level("INFO", logger=WORKER_LOG)
    side.connect_errors = [InvalidClientIdError("Discord rejected the client id")]
    handle = DiscordPresence("bad", side.factory, min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.INVALID_ID, timeout=3000)
    finally:
        assert handle.stop()
    assert info_lines(caplog) == [
        "Discord: client id rejected at /fake/discord-ipc-0",
        "Discord: off",
    ]


class SurprisingClient(FakeClient):
    """An update that fails in a way no one planned for (not a DiscordIPCError), once."""

    def update(self, card: PresenceCard) -> dict[str, Any]:
        if "surprise" not in self.side.names():
            self.side.record("surprise")
            raise ValueError("boom")
        return super().update(card)


def test_an_unexpected_error_is_logged_on_the_worker_thread_and_reported(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not left to sys.excepthook on the worker's thread (the app's hook would build a dialog
    there): logged with its traceback, reported as a status, then the worker reconnects."""
    import sys

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, error, _trace: hooked.append(error))
    caplog.set_level("INFO", logger=WORKER_LOG)
    side = FakeDiscordSide()
    handle = DiscordPresence(
        "111", lambda _cid: SurprisingClient(side), min_interval_s=0.05, first_retry_s=0.05
    )
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    finally:
        assert handle.stop()
    assert hooked == []
    assert any(
        s.state is DiscordState.LOST
        and s.message.startswith("Discord: unexpected error (ValueError: boom), retrying in ")
        for s in seen
    )
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    assert record.thread != threading.get_ident()  # logged where it happened
    assert side.names().count("connect") == 2


# -- the spacing, as the fake Discord receives it ---------------------------------------------

SPACED = 0.5  # the interval in these tests (the app: 4 s)
LATENCY = 0.05  # what the socket may take off a gap (the send is timed before its write)


def gaps_between_activity_frames(peer: Any) -> list[float]:
    """Gaps between the SET_ACTIVITY frames the peer received, but for the last: quitting
    clears at once, interval or not."""
    times = peer.command_times()[:-1]
    return [b - a for a, b in itertools.pairwise(times)]


@contextlib.contextmanager
def _showing_spaced(
    discord_dir: Path, qtbot: QtBot, details: str, seen: list[DiscordStatus] | None = None
) -> Iterator[tuple[FakeDiscord, DiscordPresence]]:
    """A fake Discord and a worker spaced by ``SPACED`` that has shown a card of ``details``
    (``seen``: its statuses); both stopped at the end."""
    from tests.helpers.fake_discord import FakeDiscord

    peer = FakeDiscord(discord_dir).start()
    handle = real_presence(1.0, interval=SPACED)
    if seen is not None:
        handle.status_changed.connect(seen.append)
    handle.set_card(card(details))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(peer.activities()) == 1, timeout=5000)
        yield peer, handle
    finally:
        assert handle.stop()
        peer.stop()


def test_quick_pauses_and_resumes_reach_discord_spaced(discord_dir: Path, qtbot: QtBot) -> None:
    """Each pause takes the card away (a clear, or right after a card the connection's
    close), each resume shows the newest card again, and Discord never gets two activity
    frames closer than the interval (a pause and a resume had sent a clear and the card back
    to back, faster than Discord allows)."""
    with _showing_spaced(discord_dir, qtbot, "Start") as (peer, handle):
        handle.set_enabled(False)
        # Taken away: the goodbye of the connection that showed it is the last frame.
        qtbot.waitUntil(lambda: peer.frames[-1].op == 2, timeout=3000)
        handle.set_enabled(True)
        for index, on_for in enumerate([0.2, 1.5, 2.5, 0.5, 2.5, 0.1]):  # as in the test above
            qtbot.wait(int(SPACED * 1000 * on_for))
            handle.set_enabled(False)
            handle.set_card(card(f"Step {index}"))
            qtbot.wait(int(SPACED * 100))
            handle.set_enabled(True)

        def newest_shown() -> bool:
            shown = peer.activities()[-1:]
            return shown != [None] and shown[0]["details"] == "Step 5"

        qtbot.waitUntil(newest_shown, timeout=5000)
        qtbot.wait(int(SPACED * 2000))
        assert newest_shown()
        assert None in peer.activities()  # some pauses came late enough for a clear
    gaps = gaps_between_activity_frames(peer)
    print(f"gaps between activity frames: {[round(g, 3) for g in gaps]}")
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps


def test_private_mode_takes_the_card_off_a_real_peer_at_once(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Against a socket peer: Private ticked right after a card went out, the connection
    that showed it says goodbye at once (Discord drops its activity then), and the new
    connection's first frame, Private's card, comes the interval after the last one."""
    with _showing_spaced(discord_dir, qtbot, "Editing secret.py") as (peer, handle):
        asked = time.monotonic()
        handle.set_card(private_card())
        qtbot.waitUntil(lambda: any(f.op == 2 and f.at >= asked for f in peer.frames), timeout=3000)
        closed = next(f.at for f in peer.frames if f.op == 2 and f.at >= asked)
        assert closed - asked < SPACED / 2
        assert [a and a["details"] for a in peer.activities()] == ["Editing secret.py"]
        qtbot.waitUntil(lambda: len(peer.activities()) == 2, timeout=3000)
        assert peer.activities()[-1]["details"] == "Using Codex"  # type: ignore[index]
        assert len(peer.handshake_times()) == 2
    gaps = gaps_between_activity_frames(peer)
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps


def test_another_client_id_shows_the_card_no_sooner_than_the_interval(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """A new application id right after a card: the old connection's card is taken away and
    the new connection shows it the interval later (a clear and the card had followed the
    card at once)."""
    with _showing_spaced(discord_dir, qtbot, "A") as (peer, handle):
        handle.set_client_id("222")
        qtbot.waitUntil(lambda: len([a for a in peer.activities() if a]) == 2, timeout=5000)
    assert [f.data["client_id"] for f in peer.frames if f.op == 0] == ["111", "222"]
    gaps = gaps_between_activity_frames(peer)
    # The card; right after it no clear, the close of its connection; the card again.
    assert [a and a["details"] for a in peer.activities()] == ["A", "A", None]
    assert [f.op for f in peer.frames].count(2) == 2  # each connection's goodbye
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps


# -- handshakes are spaced like activity frames -----------------------------------------------


def test_a_burst_of_pauses_and_resumes_makes_one_handshake_per_interval(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Six quick pause/resume toggles within about one interval: each had opened a
    connection at once, six handshakes in half a second; now a resume waits for the interval
    since the last handshake ("connecting…"), a pause cancels the wait, and the burst ends
    connected with the newest card."""
    seen: list[DiscordStatus] = []
    with _showing_spaced(discord_dir, qtbot, "Start", seen) as (peer, handle):
        began = time.monotonic()
        for index in range(6):
            handle.set_enabled(False)
            handle.set_card(card(f"Step {index}"))
            qtbot.wait(int(SPACED * 100))
            handle.set_enabled(True)
            qtbot.wait(int(SPACED * 60))
        burst = time.monotonic() - began

        def newest_shown() -> bool:
            shown = peer.activities()[-1:]
            return shown != [None] and shown[0]["details"] == "Step 5"

        qtbot.waitUntil(newest_shown, timeout=5000)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        # After the last pause: "connecting…" while it waits its turn, then connected.
        last_pause = max(i for i, s in enumerate(seen) if s.state is DiscordState.PAUSED)
        # (Connected twice: sending the card, then with the card shown.)
        after = [state for state, _ in itertools.groupby(s.state for s in seen[last_pause + 1 :])]
        assert after == [DiscordState.CONNECTING, DiscordState.CONNECTED], after
    times = peer.handshake_times()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    print(f"burst {burst:.2f} s, gaps between handshakes: {[round(g, 3) for g in gaps]}")
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps
    assert len(times) <= 2 + int(burst / SPACED), gaps


def test_a_resume_after_a_long_pause_connects_at_once(discord_dir: Path, qtbot: QtBot) -> None:
    """Paused for longer than the interval: the resume does not wait."""
    with _showing_spaced(discord_dir, qtbot, "A") as (peer, handle):
        handle.set_enabled(False)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.PAUSED, timeout=3000)
        qtbot.wait(int(SPACED * 1500))
        asked = time.monotonic()
        handle.set_enabled(True)
        qtbot.waitUntil(lambda: len(peer.handshake_times()) == 2, timeout=3000)
        assert peer.handshake_times()[-1] - asked < SPACED / 2


def test_quick_client_id_changes_connect_once_with_the_newest(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """Two new ids right after connecting: one handshake, with the newest id, the
    interval after the first (each id had connected at once)."""
    handle = DiscordPresence("111", side.factory, min_interval_s=INTERVAL)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        handle.set_client_id("222")
        handle.set_client_id("333")
        qtbot.waitUntil(lambda: side.client_ids == ["111", "333"], timeout=3000)
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        qtbot.wait(int(INTERVAL * 2000))
        assert side.client_ids == ["111", "333"]
    finally:
        assert handle.stop()
    first, second = [at for name, _value, at in side.calls if name == "connect"]
    assert second - first >= INTERVAL - 0.01


def test_quitting_while_a_resume_waits_for_its_turn_does_not_wait(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A resume right after a handshake waits (here 5 s); quitting meanwhile ends at once,
    with no handshake more."""
    handle = DiscordPresence("111", side.factory, min_interval_s=5.0)
    handle.start()
    qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
    handle.set_enabled(False)
    handle.set_enabled(True)
    qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTING, timeout=3000)
    asked = time.monotonic()
    assert handle.stop()
    assert time.monotonic() - asked < 1.0
    assert side.names().count("connect") == 1


# -- reconnects keep the handshakes' spacing too ----------------------------------------------


def test_reconnects_after_dropped_connections_keep_handshakes_spaced(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Discord drops every connection at its first update: each reconnect waits for the
    interval since the last handshake when its backoff is shorter (they followed the backoff
    alone, 0.2 s, 0.4 s … here, 1 s, 2 s … in the app, closer than Discord's spacing), the
    status saying the real wait; the backoff still grows past the interval."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    peer = FakeDiscord(discord_dir, mode=Mode.DROP_ON_UPDATE).start()
    handle = real_presence(1.0, interval=SPACED)
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    gaps = handshake_gaps(peer, handle, qtbot, 4, 10_000)[:3]
    delays = retries(seen)[:3]
    print(f"gaps {[round(g, 3) for g in gaps]}, said {[round(d, 3) for d in delays]}")
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps
    for attempt, (gap, delay) in enumerate(zip(gaps, delays, strict=True)):
        assert delay >= base_delay(attempt) * 0.8  # the backoff, or the longer turn
        assert delay - LATENCY <= gap <= delay + 0.3  # the status says when it comes
    assert delays[2] >= base_delay(2) * 0.8 > SPACED  # grown past the interval


def test_a_new_id_right_after_a_reconnect_waits_its_turn(discord_dir: Path, qtbot: QtBot) -> None:
    """A connection lost at its first update, the reconnect, and at once another id: the
    new id's handshake comes the interval after the reconnect's, which came the interval
    after the first (the reconnect had followed the first 0.2 s later)."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    peer = FakeDiscord(discord_dir, mode=Mode.DROP_ON_UPDATE).start()
    handle = real_presence(1.0, interval=SPACED)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(peer.handshake_times()) == 2, timeout=5000)
        handle.set_client_id("222")
        qtbot.waitUntil(lambda: len(peer.handshake_times()) == 3, timeout=5000)
    finally:
        assert handle.stop()
        peer.stop()
    assert [f.data["client_id"] for f in peer.frames if f.op == 0] == ["111", "111", "222"]
    gaps = [b - a for a, b in itertools.pairwise(peer.handshake_times())]
    print(f"gaps between handshakes: {[round(g, 3) for g in gaps]}")
    assert all(gap >= SPACED - LATENCY for gap in gaps), gaps


@pytest.mark.parametrize("then", ["pause", "quit", "save"])
def test_a_reconnect_waiting_its_turn_says_so_and_a_pause_or_quit_ends_it(
    side: FakeDiscordSide, qtbot: QtBot, then: str
) -> None:
    """The first update fails right after the handshake: the retry comes the interval
    after it (here 2 s), not after the first backoff (50 ms here), and the status counts
    down those 2 s. A pause cancels it, quitting does not wait for it, and a save of
    unchanged settings (the id and "enabled" sent again) does not bring it forward."""
    side.update_errors = [ConnectionLostError("Discord closed the connection")]
    handle = DiscordPresence("111", side.factory, min_interval_s=2.0, first_retry_s=0.05)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.LOST, timeout=3000)
        status = handle.status
        assert status.retry_in is not None
        assert 1.8 <= status.retry_in <= 2.0, status
        assert status.message == (
            "Discord connection lost: Discord closed the connection, retrying in 2s"
        )
        if then == "pause":
            handle.set_enabled(False)
            qtbot.waitUntil(lambda: handle.status.state is DiscordState.PAUSED, timeout=3000)
        elif then == "save":
            handle.set_client_id("111")
            handle.set_enabled(True)
            qtbot.wait(300)
            assert handle.status == status  # still counting down the same wait
        if then != "quit":
            qtbot.wait(300)
            assert side.names().count("connect") == 1
    finally:
        asked = time.monotonic()
        assert handle.stop()
        assert time.monotonic() - asked < 1.0
    assert side.names().count("connect") == 1


def test_retries_while_discord_is_not_running_keep_their_backoff(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """No socket took a handshake: nothing to space from, so the retries follow the
    backoff alone (50 ms here, 1 s in the app), however long the interval."""
    side.connect_errors = [DiscordNotRunningError("Discord is not running")] * 2
    handle = DiscordPresence("111", side.factory, min_interval_s=5.0, first_retry_s=0.05)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=1500)
    finally:
        assert handle.stop()
    assert side.names().count("connect") == 3


# -- a card Discord did not show: sent again when the failure may pass -------------------------


@pytest.mark.parametrize("mode", ["error_once", "drop_once"])
def test_an_unchanging_card_discord_failed_to_show_is_sent_again(
    discord_dir: Path, qtbot: QtBot, mode: str
) -> None:
    """An idle session's card (it does not change again) meets Discord's "unknown error", or
    a connection reset while it is sent: it is sent again the interval later, on the same
    connection after an error answer, and friends see it (after an error answer it had been
    taken for a refusal and never sent again). The status says what happened meanwhile."""
    from tests.helpers.fake_discord import FakeDiscord

    peer = FakeDiscord(discord_dir, mode=mode).start()
    handle = real_presence(1.0, interval=SPACED)
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("Idle · shop"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(peer.activities()) == 2, timeout=8000)
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
        qtbot.wait(int(SPACED * 3000))  # and nothing more once it is shown
    finally:
        assert handle.stop()
        peer.stop()
    first, again, cleared = peer.activities()
    assert first == again
    assert again is not None
    assert again["details"] == "Idle · shop"
    assert cleared is None  # quitting
    assert all(gap >= SPACED - LATENCY for gap in gaps_between_activity_frames(peer))
    failed = [s for s in seen if s.state in (DiscordState.NOT_SHOWN, DiscordState.LOST)]
    assert failed
    if mode == "error_once":
        assert len(peer.handshake_times()) == 1  # the connection was fine
        assert failed[0].message.startswith(
            "Discord did not show the card (Unknown Error), retrying in "
        )
        assert failed[0].retry_in is not None
        assert failed[0].retry_in >= SPACED - 0.01
    else:
        assert len(peer.handshake_times()) == 2
        assert failed[0].message.startswith("Discord connection lost: ")
        assert ", retrying in " in failed[0].message


def test_a_card_refused_as_invalid_is_not_sent_again_until_it_changes(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Discord's validation error (code 4000): the same card would be refused again, so it
    is not resent; the next card is sent."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    invalid = {"code": 4000, "message": 'child "activity" fails because "details" is too long'}
    peer = FakeDiscord(discord_dir, mode=Mode.ERROR_ONCE, error=invalid).start()
    handle = real_presence(1.0, interval=SPACED)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.REJECTED, timeout=5000)
        assert handle.status.message == f"Discord: rejected the card: {invalid['message']}"
        qtbot.wait(int(SPACED * 3000))
        assert len(peer.activities()) == 1
        handle.set_card(card("B"))
        qtbot.waitUntil(lambda: len(peer.activities()) == 2, timeout=3000)
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
    finally:
        assert handle.stop()
        peer.stop()
    assert [a and a["details"] for a in peer.activities()] == ["A", "B", None]


def test_failures_in_a_row_are_retried_further_and_further_apart(
    side: FakeDiscordSide, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord keeps failing to show the card: each try comes twice as long after the last
    (never sooner than the interval, with jitter), the status counting down each wait; the
    log says it once, and once more when the card is accepted."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    caplog.set_level("DEBUG", logger=WORKER_LOG)
    side.update_errors = [ActivityNotShownError("Unknown Error")] * 3
    handle = DiscordPresence(
        "111", side.factory, min_interval_s=0.2, first_retry_s=0.05, max_retry_s=CAP
    )
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=8000)
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
    finally:
        assert handle.stop()
    delays = retries(seen)
    assert len(delays) == 3
    for attempt, delay in enumerate(delays):
        base = min(0.2 * 2**attempt, CAP)
        assert max(base * 0.8, 0.2) - 0.01 <= delay <= base * 1.2
    times = [at for name, _card, at in side.calls if name.startswith("update")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    print(f"said {[round(d, 3) for d in delays]}, gaps {[round(g, 3) for g in gaps]}")
    for gap, delay in zip(gaps, delays, strict=True):
        # Never sooner than said. Later only by a timer that fired late, which a machine
        # busy with other work does by tenths of a second (0.3 s was too tight in CI): the
        # bound is loose, as the doubling is checked on the delays said above; it still
        # catches a retry that waits on something else than its own timer (the liveness
        # check, 5 s; a connection's backoff).
        assert delay - 0.01 <= gap <= delay + 1.0
    assert side.names().count("connect") == 1
    lines = info_lines(caplog)
    assert lines[1].startswith(
        "Discord: the card was not shown at /fake/discord-ipc-0 (Unknown Error), retrying in "
    )
    assert lines[2:] == ["Discord: card accepted at /fake/discord-ipc-0", "Discord: off"]


def test_a_card_wanted_while_a_failed_one_waits_goes_out_then(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A new card during the wait after a failure goes out when the wait ends, not at once
    (Discord may be rate limiting); and going back to what Discord shows ends the wait."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    # The waits are long enough (1.6 s at the least) that the test's next card reaches the
    # worker before a retry is due however late a loaded machine delivers it (with 0.8 s,
    # D's retry had gone out before C came back); a wait that was not kept shows all the same.
    first = 2.0
    handle = DiscordPresence("111", side.factory, min_interval_s=0.1, first_retry_s=first)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        handle.set_card(card("A"))
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
        side.update_errors = [ActivityNotShownError("Rate limited")]
        handle.set_card(card("B"))
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.NOT_SHOWN, timeout=3000)
        failed_at = side.calls[-1][2]
        handle.set_card(card("C"))
        qtbot.waitUntil(lambda: side.sent()[-1:] == [card("C")], timeout=int(first * 1200) + 3000)
        assert side.send_times()[-1] - failed_at >= first * 0.8 - 0.01
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
        side.update_errors = [ActivityNotShownError("Rate limited")]
        handle.set_card(card("D"))
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.NOT_SHOWN, timeout=3000)
        handle.set_card(card("C"))  # what Discord shows: nothing left to retry
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
        qtbot.wait(int(first * 1200) + 200)  # past D's retry: it is not sent
    finally:
        assert handle.stop()
    assert side.sent() == [card("A"), card("C"), None]
    assert side.names().count("update-failed") == 2


def test_a_failure_after_one_no_longer_wanted_waits_as_a_first_one(
    side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """A card Discord did not show, then no longer wanted (back to what it shows), leaves
    nothing to retry: the next failure, of another card, waits as a first one does, not
    twice as long as a second in a row (8 s rather than 4 s in the app)."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    handle = DiscordPresence(
        "111", side.factory, min_interval_s=0.1, first_retry_s=1.0, max_retry_s=8.0
    )
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.CONNECTED, timeout=3000)
        handle.set_card(card("A"))
        qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
        side.update_errors = [ActivityNotShownError("Unknown Error")]
        handle.set_card(card("B"))
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.NOT_SHOWN, timeout=3000)
        handle.set_card(card("A"))  # what Discord shows: B is dropped
        qtbot.waitUntil(lambda: handle.status.message == "Discord: connected", timeout=3000)
        side.update_errors = [ActivityNotShownError("Unknown Error")]
        handle.set_card(card("C"))
        qtbot.waitUntil(lambda: len(retries(seen)) == 2, timeout=5000)
    finally:
        assert handle.stop()
    assert side.names().count("update-failed") == 2
    # The first retry's wait (1 s ± 20 %, less the moment it took to say so), not the
    # second's (2 s ± 20 %).
    assert 0.7 <= retries(seen)[1] <= 1.2


def test_a_clear_discord_failed_to_make_is_made_again(
    presence: DiscordPresence, side: FakeDiscordSide, qtbot: QtBot
) -> None:
    """The session ended and Discord failed to take its card away: the clear goes again (the
    card had stayed on the profile), and the status says which it was."""
    from codex_presence_gui.services.discord_client import ActivityNotShownError

    presence.set_card(card("A"))
    qtbot.waitUntil(lambda: side.sent() == [card("A")], timeout=3000)
    side.clear_errors = [ActivityNotShownError("Unknown Error")]
    presence.set_card(None)
    qtbot.waitUntil(lambda: presence.status.state is DiscordState.NOT_SHOWN, timeout=3000)
    assert presence.status.message.startswith(
        "Discord did not take the card away (Unknown Error), retrying in "
    )
    qtbot.waitUntil(lambda: side.sent() == [card("A"), None], timeout=5000)
    qtbot.waitUntil(
        lambda: presence.status.message == "Discord: connected (nothing shown)", timeout=3000
    )
    assert side.names().count("clear-failed") == 1


def test_a_socket_it_may_not_open_is_said_as_such(discord_dir: Path, qtbot: QtBot) -> None:
    """The only socket belongs to another user (a Discord started with sudo): the status bar
    says Discord cannot be reached for lack of permission, not that it is not running."""
    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import stale_socket

    stale_socket(discord_dir / "discord-ipc-0")

    async def forbidden(path: str) -> Any:
        raise PermissionError(13, "Permission denied", path)

    handle = DiscordPresence("111", lambda cid: PypresenceClient(cid, opener=forbidden))
    seen: list[DiscordStatus] = []
    handle.status_changed.connect(seen.append)
    handle.start()
    try:
        qtbot.waitUntil(lambda: bool(seen) and seen[-1].retry_in is not None, timeout=5000)
        assert seen[-1].state is DiscordState.NOT_RUNNING
        assert seen[-1].message.startswith("Discord not reachable (permission denied), retrying")
    finally:
        assert handle.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows pipes are not looked at")
@pytest.mark.parametrize("left", ["nothing", "a stale socket"])
def test_a_discord_started_during_a_long_wait_is_connected_to_at_once(
    discord_dir: Path, qtbot: QtBot, left: str
) -> None:
    """Discord started while a retry waits (up to 30 s in the app): its socket is seen
    within a second, and the card shown then, not at the retry. A Discord that quit may have
    left its socket behind: the new one takes its place (a new inode)."""
    from tests.helpers.fake_discord import FakeDiscord, stale_socket

    if left == "a stale socket":
        stale_socket(discord_dir / "discord-ipc-0")
    handle = real_presence(handshake_s=1.0, first=20.0, cap=30.0)
    handle.set_card(card("A"))
    handle.start()
    peer = None
    try:
        qtbot.waitUntil(lambda: handle.status.retry_in is not None, timeout=5000)
        assert (handle.status.retry_in or 0) >= 15
        (discord_dir / "discord-ipc-0").unlink(missing_ok=True)  # as Discord does at start
        peer = FakeDiscord(discord_dir).start()
        started = time.monotonic()
        qtbot.waitUntil(lambda: len(peer.activities()) == 1, timeout=5000)
        assert time.monotonic() - started < 4
        shown = peer.activities()[0]
        assert shown is not None
        assert shown["details"] == "A"
    finally:
        assert handle.stop()
        if peer is not None:
            peer.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows pipes are not looked at")
def test_a_discord_restarted_before_its_loss_was_noticed_is_connected_to_at_once(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Discord quit and started again between two liveness checks (arRPC killed and started
    at once): the loss is noticed with the new socket already there, and that socket, made
    since the connection, is connected to within a second, not at the retry (16 s on)."""
    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import FakeDiscord

    handle = DiscordPresence(
        "111",
        lambda cid: PypresenceClient(cid, handshake_timeout=1.0, response_timeout=3.0),
        min_interval_s=0.05,
        first_retry_s=20.0,
        max_retry_s=30.0,
        liveness_interval_ms=600_000,  # the loss is noticed by the next send, below
    )
    first = FakeDiscord(discord_dir).start()
    second = None
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: len(first.activities()) == 1, timeout=5000)
        first.stop()
        second = FakeDiscord(discord_dir).start()
        handle.set_card(card("B"))
        qtbot.waitUntil(lambda: handle.status.retry_in is not None, timeout=5000)
        assert (handle.status.retry_in or 0) >= 15
        started = time.monotonic()
        qtbot.waitUntil(lambda: len(second.activities()) == 1, timeout=5000)
        assert time.monotonic() - started < 4
        shown = second.activities()[0]
        assert shown is not None
        assert shown["details"] == "B"
    finally:
        assert handle.stop()
        if second is not None:
            second.stop()


class SocketFlapper:
    """A stale ``discord-ipc-0`` made anew every ``period_ms`` (a crash-looping Discord, or
    a process that keeps recreating a stale socket), from a timer of the test's thread."""

    def __init__(self, path: Path, period_ms: int) -> None:
        from PySide6.QtCore import QTimer

        self.path = path
        self.flaps = 0
        self._timer = QTimer()
        self._timer.setInterval(period_ms)
        self._timer.timeout.connect(self._flap)

    def _flap(self) -> None:
        from tests.helpers.fake_discord import stale_socket

        self.path.unlink(missing_ok=True)
        stale_socket(self.path)
        self.flaps += 1

    def start(self) -> SocketFlapper:
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.stop()
        self.path.unlink(missing_ok=True)


def counting_presence(connects: list[float], **options: Any) -> DiscordPresence:
    """The worker with the real IPC client; each connect attempt is noted in ``connects``."""
    from codex_presence_gui.services.discord_client import PypresenceClient

    class Counted(PypresenceClient):
        def connect(self) -> None:
            connects.append(time.monotonic())
            super().connect()

    return DiscordPresence(
        "111", lambda cid: Counted(cid, handshake_timeout=1.0), min_interval_s=0.05, **options
    )


@pytest.mark.skipif(sys.platform == "win32", reason="Windows pipes are not looked at")
def test_a_socket_that_keeps_reappearing_gets_no_connect_per_flap(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """A stale socket made anew again and again (a crash-looping Discord): the first new
    one is tried at once, as a Discord just started would be; the later ones wait for the
    backoff (it had cost one connect attempt per flap, twenty here, past a 20 s retry)."""
    connects: list[float] = []
    handle = counting_presence(connects, first_retry_s=20.0, max_retry_s=30.0, socket_look_ms=40)
    flapper = SocketFlapper(discord_dir / "discord-ipc-0", period_ms=120)
    handle.set_card(card("A"))
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.retry_in is not None, timeout=5000)
        flapper.start()
        qtbot.waitUntil(lambda: flapper.flaps >= 20, timeout=10_000)
        assert handle.status.state is DiscordState.NOT_RUNNING
        assert handle.status.message.startswith("Discord not running, retrying in")
    finally:
        flapper.stop()
        assert handle.stop()
    assert len(connects) == 2, f"{len(connects)} connect attempts for {flapper.flaps} flaps"


@pytest.mark.skipif(sys.platform == "win32", reason="Windows pipes are not looked at")
def test_a_discord_started_once_the_flapping_stopped_is_connected_to_at_once(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Once no socket has been made anew for a while (the longest retry delay in the app),
    a new one brings the retry forward again: a Discord that crash-looped, then was started
    for good later, is not left to the backoff."""
    from tests.helpers.fake_discord import FakeDiscord

    connects: list[float] = []
    handle = counting_presence(
        connects, first_retry_s=20.0, max_retry_s=30.0, socket_look_ms=40, socket_quiet_s=0.5
    )
    flapper = SocketFlapper(discord_dir / "discord-ipc-0", period_ms=120)
    handle.set_card(card("A"))
    handle.start()
    peer = None
    try:
        qtbot.waitUntil(lambda: handle.status.retry_in is not None, timeout=5000)
        flapper.start()
        qtbot.waitUntil(lambda: flapper.flaps >= 8, timeout=10_000)
        flapper.stop()
        assert len(connects) == 2
        qtbot.wait(700)  # quiet for longer than socket_quiet_s
        peer = FakeDiscord(discord_dir).start()
        started = time.monotonic()
        qtbot.waitUntil(lambda: len(peer.activities()) == 1, timeout=5000)
        assert time.monotonic() - started < 4
    finally:
        flapper.stop()
        assert handle.stop()
        if peer is not None:
            peer.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows pipes are not looked at")
def test_a_connection_that_proved_healthy_lets_the_next_new_socket_connect_at_once(
    discord_dir: Path, qtbot: QtBot
) -> None:
    """Discord started (its new socket connected to at once), showed the card, stayed: when
    it restarts later, its new socket is connected to at once again, however recently the
    last one was made (sockets made in quick succession wait for the backoff otherwise)."""
    from tests.helpers.fake_discord import FakeDiscord

    connects: list[float] = []
    handle = counting_presence(
        connects,
        first_retry_s=20.0,
        max_retry_s=30.0,
        socket_look_ms=40,
        socket_quiet_s=600.0,  # never quiet long enough here: only the health counts
        healthy_after_s=0.3,
        liveness_interval_ms=100,
    )
    handle.set_card(card("A"))
    handle.start()
    first = second = None
    try:
        qtbot.waitUntil(lambda: handle.status.retry_in is not None, timeout=5000)
        first = FakeDiscord(discord_dir).start()
        qtbot.waitUntil(lambda: len(first.activities()) == 1, timeout=4000)
        qtbot.wait(600)  # healthy for longer than healthy_after_s
        first.stop()
        first = None
        second = FakeDiscord(discord_dir).start()
        qtbot.waitUntil(lambda: len(second.activities()) == 1, timeout=4000)
    finally:
        assert handle.stop()
        for peer in (first, second):
            if peer is not None:
                peer.stop()


def test_a_refusal_is_said_with_its_reason_after_a_colon(discord_dir: Path, qtbot: QtBot) -> None:
    """The status says why a connection failed after a colon: in parentheses, the peer's own
    code and words nested in a second pair ("failed (Discord refused the connection (4000:
    …))")."""
    from tests.helpers.fake_discord import FakeDiscord

    refusal = {"cmd": "DISPATCH", "evt": "ERROR", "nonce": None}
    refusal["data"] = {"code": 4000, "message": "Unsupported version"}  # type: ignore[assignment]
    refusing = FakeDiscord(discord_dir, 0, ready=refusal).start()
    handle = real_presence(0.3)
    handle.start()
    try:
        qtbot.waitUntil(lambda: handle.status.state is DiscordState.LOST, timeout=5000)
        said, _, retry = handle.status.message.partition(", retrying in ")
        assert said == (
            "Discord connection failed: Discord refused the connection (4000: Unsupported version)"
        )
        assert retry
    finally:
        assert handle.stop()
        refusing.stop()
