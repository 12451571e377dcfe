"""Against a real Discord IPC peer (arRPC): the card arrives, survives restarts, is spaced
politely, is cleared on quit, and never carries secrets from the logs."""

from __future__ import annotations

import itertools
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.cli import main
from codex_presence_gui.core.dashboard import build_dashboard
from codex_presence_gui.core.presence import (
    DEFAULT_CLIENT_ID,
    PresenceCard,
    PresenceSettings,
    ProjectRule,
    RuleAction,
    compose_card,
)
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.settings import Settings, save_settings
from codex_presence_gui.services.discord_client import ActivityNotShownError, PypresenceClient
from codex_presence_gui.services.discord_worker import DiscordPresence, DiscordState
from tests.helpers import rollout as r
from tests.helpers.arrpc import ArRPC, missing_reason
from tests.helpers.rollout import CodexHome

pytestmark = [
    pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or ""),
    pytest.mark.slow,
]


def card(details: str) -> PresenceCard:
    return PresenceCard(
        details,
        "gpt-5.5 · 1.2K | 3.4K | 52.4K tokens",
        "codex-logo",
        "Codex CLI",
        "openai",
        "Editing",
        1_777_885_200,
    )


@pytest.fixture
def arrpc(discord_dir: Path) -> Iterator[ArRPC]:
    peer = ArRPC(discord_dir, DEFAULT_CLIENT_ID).start()
    yield peer
    peer.stop()


def test_the_card_arrives_with_its_fields(arrpc: ArRPC) -> None:
    """What we send is what arRPC received, field by field; then a clear."""
    client = PypresenceClient(DEFAULT_CLIENT_ID)
    client.connect()
    reply = client.update(card("Editing app.py · shop"))
    client.clear()
    client.close()
    assert reply["data"]["name"] == "Codex"
    deadline = time.monotonic() + 10  # a busy machine logs the clear late
    while len(arrpc.set_activities()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    (_, sent), (_, cleared) = arrpc.set_activities()
    assert sent is not None
    assert sent["details"] == "Editing app.py · shop"
    assert sent["state"] == "gpt-5.5 · 1.2K | 3.4K | 52.4K tokens"
    assert sent["timestamps"] == {"start": 1_777_885_200}
    assert sent["assets"] == {
        "large_image": "codex-logo",
        "large_text": "Codex CLI",
        "small_image": "openai",
        "small_text": "Editing",
    }
    assert cleared is None


def test_killed_and_restarted_peer_gets_the_card_back(arrpc: ArRPC, qtbot: QtBot) -> None:
    """Discord quits: the status says so and retries; it returns: the card is sent again."""
    presence = DiscordPresence(DEFAULT_CLIENT_ID)
    messages: list[str] = []
    presence.status_changed.connect(lambda status: messages.append(status.message))
    presence.set_card(card("Editing app.py · shop"))
    presence.start()
    try:
        qtbot.waitUntil(lambda: len(arrpc.set_activities()) == 1, timeout=5000)
        arrpc.stop(signal.SIGKILL)
        presence.set_card(card("Running cargo test · shop"))  # the send finds the pipe broken
        qtbot.waitUntil(
            lambda: any(
                m.startswith(("Discord connection lost: ", "Discord not running, retrying in"))
                for m in messages
            ),
            timeout=8000,
        )
        assert presence.status.state in (DiscordState.LOST, DiscordState.NOT_RUNNING)
        arrpc.start()
        qtbot.waitUntil(
            lambda: any(
                a and a["details"] == "Running cargo test · shop" for _, a in arrpc.set_activities()
            ),
            timeout=40000,
        )
        qtbot.waitUntil(lambda: presence.status.state is DiscordState.CONNECTED, timeout=3000)
    finally:
        assert presence.stop()


class TimedClient(PypresenceClient):
    """A real client that notes when each frame (a card or a clear) went out, by the worker's
    clock: arRPC's own log times carry its delays in reading the socket, which a loaded
    machine stretches or shrinks by more than the spacing's slack."""

    sent_at: ClassVar[list[float]] = []

    def update(self, card: PresenceCard) -> dict[str, Any]:
        TimedClient.sent_at.append(time.monotonic())
        return super().update(card)

    def clear(self, timeout: float | None = None) -> dict[str, Any]:
        TimedClient.sent_at.append(time.monotonic())
        return super().clear(timeout)


def test_rapid_updates_are_spaced_four_seconds_apart(arrpc: ArRPC, qtbot: QtBot) -> None:
    """Ten cards in a burst while connecting: only the newest goes out once connected (the
    stale first one used to be sent as well). Ten more: one frame, the newest, at least 4 s
    after the first."""
    TimedClient.sent_at = []
    presence = DiscordPresence(DEFAULT_CLIENT_ID, TimedClient)
    presence.start()

    def sent(details: str) -> bool:
        return any(a and a["details"] == details for _, a in arrpc.set_activities())

    try:
        for index in range(10):
            presence.set_card(card(f"Step {index} · shop"))
        qtbot.waitUntil(lambda: sent("Step 9 · shop"), timeout=9000)
        for index in range(10, 20):
            presence.set_card(card(f"Step {index} · shop"))
        qtbot.waitUntil(lambda: sent("Step 19 · shop"), timeout=9000)
        qtbot.wait(1000)
        frames = arrpc.set_activities()
        assert [a["details"] for _, a in frames if a] == ["Step 9 · shop", "Step 19 · shop"]
        times = TimedClient.sent_at
        assert len(times) == 2
        assert times[1] - times[0] >= 4.0 - 0.05, times
    finally:
        assert presence.stop()


def test_a_pause_and_a_resume_keep_frames_four_seconds_apart(arrpc: ArRPC, qtbot: QtBot) -> None:
    """A pause clears the card; a resume right after it shows the card again 4 s after the
    clear, not at once (the clear did not count, and the two frames went out back to back)."""
    TimedClient.sent_at = []
    presence = DiscordPresence(DEFAULT_CLIENT_ID, TimedClient)
    presence.set_card(card("Editing app.py · shop"))
    presence.start()
    try:
        qtbot.waitUntil(lambda: len(arrpc.set_activities()) == 1, timeout=5000)
        qtbot.wait(4200)  # long enough for the clear to go out
        presence.set_enabled(False)
        presence.set_enabled(True)
        qtbot.waitUntil(lambda: len(arrpc.set_activities()) >= 3, timeout=9000)
    finally:
        assert presence.stop()
    frames = arrpc.set_activities()[:3]
    details = [activity and activity["details"] for _, activity in frames]
    assert details == ["Editing app.py · shop", None, "Editing app.py · shop"]
    times = TimedClient.sent_at[:3]
    assert all(b - a >= 4.0 - 0.05 for a, b in itertools.pairwise(times)), times


class ErrorAnswerOnce(PypresenceClient):
    """arRPC never answers a card with an error: this client sends the first card for real,
    then reports Discord's "unknown error" as if that had been the answer. It notes when each
    card went out, by the worker's clock."""

    failed = False
    sent_at: ClassVar[list[float]] = []

    def update(self, card: PresenceCard) -> dict[str, Any]:
        ErrorAnswerOnce.sent_at.append(time.monotonic())
        reply = super().update(card)
        if not ErrorAnswerOnce.failed:
            ErrorAnswerOnce.failed = True
            raise ActivityNotShownError("Unknown Error")
        return reply


def test_a_card_discord_failed_to_show_reaches_it_again_unchanged(
    arrpc: ArRPC, qtbot: QtBot
) -> None:
    """An unchanging card Discord answered with an error that may pass: the same card goes
    again 4 s later (Discord's spacing), on the same connection, and the status says it is
    shown (it had stayed refused: friends saw nothing until the card changed)."""
    ErrorAnswerOnce.failed = False
    ErrorAnswerOnce.sent_at = []
    presence = DiscordPresence(DEFAULT_CLIENT_ID, ErrorAnswerOnce)
    messages: list[str] = []
    presence.status_changed.connect(lambda status: messages.append(status.message))
    presence.set_card(card("Idle · shop"))
    presence.start()
    try:
        qtbot.waitUntil(lambda: len(arrpc.set_activities()) == 2, timeout=12_000)
        qtbot.waitUntil(lambda: presence.status.message == "Discord: connected", timeout=3000)
    finally:
        assert presence.stop()
    (_, failed), (_, shown) = arrpc.set_activities()[:2]
    assert failed == shown
    assert shown is not None
    assert shown["details"] == "Idle · shop"
    # When the worker sent each, not when arRPC logged it: a first line logged late on a
    # busy machine had shrunk the gap below what the worker kept (4 s from its own clock
    # reading before each send; the 0.05 s is the moment from that reading to the call).
    failed_at, shown_at = ErrorAnswerOnce.sent_at[:2]
    assert shown_at - failed_at >= 4.0 - 0.05
    assert any(
        m.startswith("Discord did not show the card (Unknown Error), retrying in ")
        for m in messages
    )
    assert arrpc.raw_log().count("handshake:") == 1


def test_quit_clears_the_card(arrpc: ArRPC, qtbot: QtBot) -> None:
    """Stopping sends a clear (and finishes within a second)."""
    presence = DiscordPresence(DEFAULT_CLIENT_ID)
    presence.set_card(card("Editing app.py · shop"))
    presence.start()
    qtbot.waitUntil(lambda: len(arrpc.set_activities()) == 1, timeout=5000)
    start = time.monotonic()
    assert presence.stop()
    assert time.monotonic() - start < 1.0
    # arRPC logs what it got a little later, later still on a busy machine: wait for the clear.
    deadline = time.monotonic() + 5
    while arrpc.set_activities()[-1][1] is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert arrpc.set_activities()[-1][1] is None


def test_secrets_in_the_logs_never_reach_discord(
    arrpc: ArRPC, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Commands with tokens, URLs with credentials and private paths stay on this computer."""
    now = time.time()
    session_id = "019de1a2-0000-7000-8000-00000000beef"
    codex_home.write(
        session_id,
        [
            r.session_meta(now - 100, session_id, cwd="/home/alice/acme-secret-merger"),
            r.turn_context(now - 99, cwd="/home/alice/acme-secret-merger"),
            r.token_count(now - 50, r.usage(1000, 0, 10), None, r.limits()),
            r.exec_call(
                now - 40,
                "c1",
                "curl -H 'Authorization: Bearer sk-live-SECRET123' https://user:pw@internal.example.com/api",
            ),
            r.call_output(now - 39, "c1", "TOKEN=SECRET123"),
            r.exec_call(now - 5, "c2", "cat /home/alice/acme-secret-merger/.env"),
        ],
        started=now - 100,
        mtime=now - 5,
    )
    board = build_dashboard(CodexReader([codex_home.root]).refresh())
    settings = PresenceSettings(show_project=False)
    composed = compose_card(board.active, board.limits, settings, board.generated_at)
    presence = DiscordPresence(DEFAULT_CLIENT_ID)
    presence.set_card(composed)
    presence.start()
    try:
        qtbot.waitUntil(lambda: len(arrpc.set_activities()) == 1, timeout=5000)
    finally:
        assert presence.stop()
    received = json.dumps([m for _, m in arrpc.poll()])
    assert "Reading" in received
    for secret in (
        "SECRET123",
        "sk-live",
        "internal.example.com",
        "alice",
        "acme-secret",
        ".env",
        "pw@",
    ):
        assert secret not in received


def test_discord_check_round_trip(
    arrpc: ArRPC, codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """`discord-check` sends the current card, reads Discord's answer, clears, exits 0."""
    r.running_session(codex_home, "019de1a2-0000-7000-8000-00000000c0de")
    code = main(["discord-check", "--json", "--codex-home", str(codex_home.root)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["ok"] is True
    assert report["sent"]["details"] == "Running cargo test · shop (main)"
    assert report["reply"]["name"] == "Codex"
    assert report["cleared"] is True
    deadline = time.monotonic() + 10  # a busy machine logs the clear late
    frames: list[bool] = []
    while frames[-2:] != [False, True] and time.monotonic() < deadline:
        frames = [a is None for _, a in arrpc.set_activities()]
        time.sleep(0.05)
    # The card, then the clear (a clear left over from an earlier test may come first).
    assert frames[-2:] == [False, True]


def test_the_app_publishes_the_active_session(
    arrpc: ArRPC, codex_home: CodexHome, qtbot: QtBot, tmp_path: Path
) -> None:
    """The whole app as it runs: the card follows the session; quitting clears it."""
    from codex_presence_gui import paths
    from codex_presence_gui.app import AppShell, application
    from codex_presence_gui.cli import build_parser
    from codex_presence_gui.services.single_instance import SingleInstance

    session_id = "019de1a2-0000-7000-8000-00000000feed"
    path = r.running_session(codex_home, session_id)
    paths.override_base_dir(tmp_path / "app")
    try:
        args = build_parser().parse_args(["--codex-home", str(codex_home.root)])
        instance = SingleInstance(
            paths.state_dir() / "instance.lock", f"arrpc-{time.monotonic_ns()}"
        )
        shell = AppShell(application(), args, instance, None)
        qtbot.addWidget(shell.window)
        shell.start()
        try:
            qtbot.waitUntil(
                lambda: any(
                    a and a["details"] == "Running cargo test · shop (main)"
                    for _, a in arrpc.set_activities()
                ),
                timeout=8000,
            )
            qtbot.waitUntil(
                lambda: shell.window.discord_status.full_text == "Discord: connected", timeout=3000
            )
            assert "Running cargo test · shop (main)" in shell.window.discord_status.toolTip()
            CodexHome.append(
                path, [r.call_output(time.time(), "c1"), r.assistant(time.time(), "done")]
            )
            qtbot.waitUntil(
                lambda: any(
                    a and a["details"] == "Waiting for input · shop (main)"
                    for _, a in arrpc.set_activities()
                ),
                timeout=10000,
            )
        finally:
            shell.shutdown()
        deadline = time.monotonic() + 10  # a busy machine logs the clear late
        while arrpc.set_activities()[-1][1] is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert arrpc.set_activities()[-1][1] is None
    finally:
        paths.override_base_dir(None)


def test_a_silent_socket_does_not_hide_arrpc(
    discord_dir: Path,
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """discord-ipc-0 accepts and never answers; arRPC (which skips it too: its own PING goes
    unanswered) listens on -1. `discord-check` and the app both reach arRPC there."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    # Both wait out the silent socket with the default handshake timeout (3 s): shorten it.
    monkeypatch.setitem(PypresenceClient.__init__.__kwdefaults__, "handshake_timeout", 1.0)
    silent = FakeDiscord(discord_dir, index=0, mode=Mode.HANG_HANDSHAKE).start()
    peer = ArRPC(discord_dir, DEFAULT_CLIENT_ID)
    try:
        peer.start()
        live = str(discord_dir / "discord-ipc-1")
        assert f"listening at {live}" in peer.raw_log()
        r.running_session(codex_home, "019de1a2-0000-7000-8000-00000000d1ce", tokens=False)
        code = main(["discord-check", "--json", "--codex-home", str(codex_home.root)])
        report = json.loads(capsys.readouterr().out)
        assert code == 0
        assert report["socket"] == live
        assert report["tried"] == [
            {"socket": str(silent.path), "outcome": "no answer to the handshake"},
            {"socket": live, "outcome": "connected"},
        ]
        assert report["reply"]["name"] == "Codex"

        presence = DiscordPresence(DEFAULT_CLIENT_ID)
        presence.set_card(card("Editing app.py · shop"))
        presence.start()
        try:
            qtbot.waitUntil(
                lambda: any(
                    a and a["details"] == "Editing app.py · shop" for _, a in peer.set_activities()
                ),
                timeout=8000,
            )
        finally:
            assert presence.stop()
    finally:
        peer.stop()
        silent.stop()


def _private_session(codex_home: CodexHome, session_id: str) -> None:
    r.running_session(codex_home, session_id, cwd="/w/clients/acme-secret-merger")


def _save_rules(base: Path, *rules: ProjectRule) -> None:
    save_settings(base / "config" / "settings.json", Settings(project_rules=rules))


def test_discord_check_never_sends_a_hidden_project(
    arrpc: ArRPC,
    codex_home: CodexHome,
    settings_base: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rule hides the project: `discord-check` sends only a clear, and nothing arRPC
    received names the project; an alias rule sends the alias in its place."""
    _private_session(codex_home, "019de1a2-0000-7000-8000-0000000c1a55")
    _save_rules(settings_base, ProjectRule("/W/Clients/*", RuleAction.HIDE))
    code = main(["discord-check", "--json", "--codex-home", str(codex_home.root)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["sent"] is None
    assert report["cleared"] is True
    time.sleep(0.5)  # arRPC logs what it received a moment later
    assert "acme" not in arrpc.raw_log().lower()

    _save_rules(settings_base, ProjectRule("acme-*", RuleAction.ALIAS, "Client work"))
    assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sent"]["details"] == "Running command · Client work"
    deadline = time.monotonic() + 10  # a busy machine logs it late
    while time.monotonic() < deadline and not any(
        a and a["details"] == "Running command · Client work" for _, a in arrpc.set_activities()
    ):
        time.sleep(0.05)
    assert any(
        a and a["details"] == "Running command · Client work" for _, a in arrpc.set_activities()
    )
    assert "acme" not in arrpc.raw_log().lower()


def test_the_app_never_publishes_a_hidden_project(
    arrpc: ArRPC, codex_home: CodexHome, qtbot: QtBot, settings_base: Path
) -> None:
    """The whole app with a rule that hides the project: arRPC gets a clear, never the name,
    and the window's preview says why."""
    from codex_presence_gui import paths
    from codex_presence_gui.app import AppShell, application
    from codex_presence_gui.cli import build_parser
    from codex_presence_gui.services.single_instance import SingleInstance

    _private_session(codex_home, "019de1a2-0000-7000-8000-0000000c1a56")
    _save_rules(settings_base, ProjectRule("acme-secret-*", RuleAction.HIDE))
    args = build_parser().parse_args(["--codex-home", str(codex_home.root)])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"arrpc-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    shell.start()
    try:
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text == "Discord: connected (nothing shown)",
            timeout=8000,
        )
        qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
        assert shell.dashboard is not None
        assert shell.dashboard.active is not None
        assert "Hidden by the rule acme-secret-*" in shell.window.discord_status.toolTip()
        qtbot.wait(1000)  # several refreshes, each composing the card again
    finally:
        shell.shutdown()
    time.sleep(0.5)  # arRPC logs the close a moment later
    log = arrpc.raw_log()
    assert "handshake" in log  # the app did connect, and sent nothing (or only a clear)
    assert all(activity is None for _, activity in arrpc.set_activities())
    assert "acme" not in log.lower()
