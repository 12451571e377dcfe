"""The running app: settings applied live and remembered, a broken settings file kept, the
window pinned across restarts, and a quit that stops everything quickly."""

from __future__ import annotations

import json
import locale
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from pytestqt.qtbot import QtBot

from codex_presence_gui import app as app_module
from codex_presence_gui import paths
from codex_presence_gui.app import LAUNCH_ACTIVATION_S, AppShell, application
from codex_presence_gui.cli import build_parser
from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.notifications import Notice, by_urgency, one_message
from codex_presence_gui.core.settings import Settings, load_settings, save_settings
from codex_presence_gui.services.discord_client import IPC_DIR_ENV
from codex_presence_gui.services.discord_worker import DiscordState
from codex_presence_gui.services.single_instance import SingleInstance
from codex_presence_gui.services.worker import join_parked
from codex_presence_gui.ui.notifier import Channel
from codex_presence_gui.viewmodels.usage import UsageState
from tests.helpers.rollout import CodexHome, running_session
from tests.helpers.usage import write_usage_session


@pytest.fixture
def base_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Config, state and logs in a temporary folder; no real Discord is found."""
    base = tmp_path / "app"
    paths.override_base_dir(base)
    (tmp_path / "ipc").mkdir()
    monkeypatch.setenv(IPC_DIR_ENV, str(tmp_path / "ipc"))
    yield base
    paths.override_base_dir(None)


def make_shell(qtbot: QtBot, home: CodexHome, *argv: str) -> AppShell:
    args = build_parser().parse_args(["--codex-home", str(home.root), *argv])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    shell.start()
    return shell


def make_shell_with(qtbot: QtBot, *argv: str) -> AppShell:
    """A started shell of the command line ``argv`` (no Codex folder of its own)."""
    args = build_parser().parse_args(list(argv))
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    shell.start()
    return shell


def stop(shell: AppShell) -> None:
    shell.shutdown()


def test_the_window_names_days_as_the_command_line_does_whatever_the_locale(
    qtbot: QtBot,
) -> None:
    """Qt takes the C library's locale from the environment as it starts: the window's day
    and month names had followed it ("Mo 9 Nov" under the chart, "Today, Mittwoch 2 Dezember
    2026", "resets … (Sa 07:28)") in its English, where the command line says "Mon 9 Nov"."""
    for name in ("de_DE.UTF-8", "C.UTF-8"):  # as the environment can set it, then as Qt does
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no locale but C here")
    try:
        application()
        assert locale.setlocale(locale.LC_TIME) == "C"
        assert f"{date(2026, 12, 2):%a %d %b}" == "Wed 02 Dec"
    finally:
        locale.setlocale(locale.LC_TIME, "C")


def test_the_app_freezes_what_lives_once_the_week_s_history_is_shown(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's own process (not a test's shell) freezes the cycle collector's objects once,
    at the first view with the seven-day history: full collections then pass over only what
    came after, not the 200,000 objects that live on (115-176 ms stalls every 15-20 s with a
    thousand sessions)."""
    frozen: list[Dashboard | None] = []
    monkeypatch.setattr(app_module.gc, "freeze", lambda: frozen.append(shell.dashboard))
    running_session(codex_home, "019d0000-0000-7000-8000-0000000000f1")
    args = build_parser().parse_args(["--codex-home", str(codex_home.root), "--no-discord"])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None, freeze_collector=True)
    qtbot.addWidget(shell.window)
    try:
        shell.start()
        qtbot.waitUntil(lambda: bool(frozen), timeout=10_000)
        assert frozen == [None] or frozen[0].insights is None  # the view before the history
        assert shell.dashboard is not None
        assert shell.dashboard.insights is not None
        with qtbot.waitSignal(shell.feed.dashboard_changed, timeout=5000):
            shell.feed.refresh_now()
        assert len(frozen) == 1  # once
    finally:
        stop(shell)
    plain = make_shell(qtbot, codex_home)  # a test's shell: nothing frozen
    try:
        qtbot.waitUntil(
            lambda: plain.dashboard is not None and plain.dashboard.insights is not None,
            timeout=10_000,
        )
        assert len(frozen) == 1
    finally:
        stop(plain)


def test_always_on_top_survives_a_restart(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Pinned in one run, pinned in the next: the choice lives in the settings file."""
    shell = make_shell(qtbot, codex_home)
    shell.window.on_top_action.trigger()
    stop(shell)
    assert load_settings(paths.config_dir() / "settings.json").settings.always_on_top
    again = make_shell(qtbot, codex_home)
    try:
        assert again.window.always_on_top
        assert again.window.on_top_action.isChecked()
    finally:
        stop(again)


def test_corrupt_settings_are_kept_and_said(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A broken settings file: defaults, a backup, and a message in the window."""
    config = paths.config_dir()
    config.mkdir(parents=True)
    (config / "settings.json").write_text("{ this is not json")
    shell = make_shell(qtbot, codex_home)
    try:
        backups = list(config.glob("settings.json.corrupt-*"))
        assert len(backups) == 1
        assert backups[0].read_text() == "{ this is not json"
        assert any(str(backups[0]) in text for text in shell.window.info_bar.texts())
        # The notice shows the backup itself, a click away.
        [notice] = [n for n in shell.window.info_bar.notices if n.file is not None]
        assert notice.file == backups[0]
        assert notice.show_button is not None
        assert notice.show_button.isVisibleTo(notice)
        assert shell.store.settings == Settings()
    finally:
        stop(shell)


def test_settings_apply_live(
    base_dir: Path, codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """Homes, refresh interval, Discord on/off, pinning: all take effect without a restart."""
    args = build_parser().parse_args([])  # no --codex-home: the settings decide
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    shell.start()
    try:
        other = tmp_path / "other-home"
        (other / "sessions").mkdir(parents=True)
        replaced: list[str] = []
        shell.feed.destroyed.connect(lambda: replaced.append("feed"))
        shell.usage.destroyed.connect(lambda: replaced.append("usage"))
        new = Settings(codex_homes=(str(other),), refresh_interval_s=5.0, discord_enabled=False)
        assert shell.store.update(new) is None
        assert shell.feed.homes == (other,)
        # The feeds of the old homes are deleted, not kept for the rest of the run.
        qtbot.waitUntil(lambda: sorted(replaced) == ["feed", "usage"], timeout=3000)
        assert shell.feed.poll_interval_ms == 5000
        assert shell.presence is not None
        qtbot.waitUntil(lambda: shell.presence.status.state is DiscordState.PAUSED, timeout=3000)
        assert shell.window.discord_status.full_text == "Discord: off (turned off in Settings)"
        shell.store.update(Settings(codex_homes=(str(other),), always_on_top=True))
        assert shell.window.always_on_top
        saved = json.loads((paths.config_dir() / "settings.json").read_text())
        assert saved["always_on_top"] is True
    finally:
        stop(shell)


def test_no_tray_means_the_window_does_it_all(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Offscreen has no tray: close-to-tray cannot hide the window away."""
    shell = make_shell(qtbot, codex_home)
    try:
        assert shell.tray is None
        shell.store.update(Settings(close_to_tray=True))
        assert shell.window.close_to_tray is False
    finally:
        stop(shell)


# The offscreen platform has no tray window to follow; the icon is shown all the same.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_a_tray_that_appears_after_the_start_gets_the_icon(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started at log-in before the desktop's panel, the app found no tray; once the panel
    is up, the icon is put in it, with the numbers, its messages and closing to the tray. It
    had stayed without an icon for the whole run."""
    tray_there = False
    monkeypatch.setattr(app_module, "tray_available", lambda: tray_there)
    monkeypatch.setattr(app_module, "TRAY_CHECK_MS", 20, raising=False)
    running_session(codex_home, "019ad000-0000-7000-8000-000000000001")
    save_settings(paths.config_dir() / "settings.json", Settings(close_to_tray=True))
    shell = make_shell(qtbot, codex_home)
    try:
        qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
        assert shell.tray is None
        assert shell.window.close_to_tray is False
        tray_there = True
        qtbot.waitUntil(lambda: shell.tray is not None, timeout=3000)
        assert shell.tray is not None
        assert shell.notifier.tray is shell.tray.icon
        assert shell.window.close_to_tray is True
        assert shell.tray.icon.isVisible()
        assert "left" in shell.tray.icon.toolTip()  # the numbers already read
    finally:
        stop(shell)


@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_a_window_hidden_to_a_tray_that_goes_comes_back(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel quits (or crashes) while the window is hidden to its tray: the window is
    shown. It had stayed hidden, with no icon and no taskbar entry to bring it back."""
    tray_there = True
    monkeypatch.setattr(app_module, "tray_available", lambda: tray_there)
    monkeypatch.setattr(app_module, "TRAY_CHECK_MS", 20)
    save_settings(paths.config_dir() / "settings.json", Settings(close_to_tray=True))
    shell = make_shell(qtbot, codex_home)
    try:
        assert shell.tray is not None
        shell.window.show()
        qtbot.waitExposed(shell.window)
        shell.window.hide()  # closed to the tray
        qtbot.wait(100)
        assert not shell.window.isVisible()  # the tray is there: it stays hidden
        tray_there = False
        qtbot.waitUntil(shell.window.isVisible, timeout=3000)
    finally:
        stop(shell)
    assert not shell._tray_gone_check.isActive()


def test_a_desktop_without_a_tray_is_asked_less_often_after_the_first_minutes(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the minutes a panel takes to start, a desktop still without a tray is asked
    once a minute: the app left open all day wakes up no more than it must."""
    monkeypatch.setattr(app_module, "tray_available", lambda: False)
    monkeypatch.setattr(app_module, "TRAY_CHECK_MS", 20)
    monkeypatch.setattr(app_module, "TRAY_CHECK_FAST_S", 0.0)
    shell = make_shell(qtbot, codex_home)
    try:
        assert shell.tray is None
        slow = app_module.TRAY_CHECK_SLOW_MS
        qtbot.waitUntil(lambda: shell._tray_check.interval() == slow, timeout=3000)
        assert shell._tray_check.isActive()
    finally:
        stop(shell)
    assert not shell._tray_check.isActive()


def test_quit_stops_everything_within_two_seconds(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """With the feed and the Discord worker running (and retrying), quitting is quick."""
    shell = make_shell(qtbot, codex_home)
    assert shell.presence is not None
    qtbot.waitUntil(lambda: shell.presence.status.state is DiscordState.NOT_RUNNING, timeout=5000)
    qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
    started = time.monotonic()
    stop(shell)
    assert time.monotonic() - started < 2.0
    assert not shell.feed.running
    assert not shell.usage.running
    assert shell.presence.status.state is DiscordState.OFF


def test_quit_takes_the_window_and_the_tray_away_before_waiting_for_threads(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A read stuck on a share that stopped answering holds the exit while its thread is
    waited for: the window and the tray icon are gone before that wait begins (the window
    had stayed drawn, frozen, for the 10 s of it)."""
    shell = make_shell(qtbot, codex_home, "--no-discord")
    shell.window.show()
    qtbot.waitUntil(shell.window.isVisible, timeout=3000)
    on_screen: list[tuple[bool, bool]] = []
    stop_feed = shell.feed.stop

    def stopping(timeout_ms: int = 3000) -> bool:
        tray = shell.tray is not None and shell.tray.isVisible()
        on_screen.append((shell.window.isVisible(), tray))
        return stop_feed(timeout_ms)

    shell.feed.stop = stopping  # type: ignore[method-assign]
    stop(shell)
    assert on_screen == [(False, False)]


def test_quitting_while_an_export_hangs_is_quick_and_keeps_the_users_file(
    base_dir: Path,
    codex_home: CodexHome,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Export CSV… into a folder that hangs (a network share) while the new file takes the
    text, then Quit: the app stops as quickly as ever (the save's thread is kept until the
    folder answers, never destroyed while it runs), the file the save was to replace is left
    whole, and the half-written new file beside it is removed at once (the process may leave
    without the hung thread)."""
    entered, released = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def hung(handle: int) -> None:
        if QThread.currentThread().objectName() == "file-save":
            entered.set()
            released.wait(10)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", hung)
    write_usage_session(codex_home, 1, [(time.time() - 60, 1000, 100, 0)])
    shell = make_shell(qtbot, codex_home)
    page = shell.window.usage_page
    qtbot.waitUntil(page.export_button.isEnabled, timeout=10_000)
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    try:
        assert page.export_csv(target)
        qtbot.waitUntil(entered.is_set)
        assert len(list(tmp_path.glob(".usage.csv.*.tmp"))) == 1
        started = time.monotonic()
        stop(shell)
        assert time.monotonic() - started < 2.5
        assert not page.saving
        assert [path.name for path in tmp_path.glob("*usage.csv*")] == ["usage.csv"]
    finally:
        released.set()
        assert join_parked(5.0)
    assert target.read_text() == "kept,1\n"
    assert [path.name for path in tmp_path.glob("*usage.csv*")] == ["usage.csv"]


def test_usage_view_follows_the_live_view(
    base_dir: Path, codex_home: CodexHome, tmp_path: Path, qtbot: QtBot
) -> None:
    """The usage feed starts after the first live view, fills the Usage page and the compact
    line, follows the Codex homes of the settings, and stops with the app."""
    now = time.time()
    used_at = now - 120
    write_usage_session(codex_home, 1, [(used_at, 1_000_000, 0, 200_000)])
    # The homes come from the settings (the command line's would win over them).
    save_settings(
        paths.config_dir() / "settings.json", Settings(codex_homes=(str(codex_home.root),))
    )
    args = build_parser().parse_args(["--no-discord"])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    shell.start()
    try:
        assert not shell.usage.running  # waits for the first live view
        qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
        assert shell.usage.running
        page = shell.window.usage_page
        qtbot.waitUntil(
            lambda: page.view is not None and page.view.state is UsageState.READY, timeout=10_000
        )
        assert page.view is not None
        # Run in the first two minutes after midnight, the use was yesterday's (the test had
        # failed then): the day is the one the view was made on, which a run just before
        # midnight may also have crossed.
        read_on = datetime.fromtimestamp(page.view.generated_at).date()
        today = "1.2M" if datetime.fromtimestamp(used_at).date() == read_on else "0"
        assert page.view.compact_line.startswith(f"today: {today} tokens")
        assert page.view.totals[1].tokens == 1_200_000  # the last 7 days, whatever the day
        assert shell.window.usage_line.full_text == page.view.compact_line
        other = tmp_path / "other-home"
        (other / "sessions").mkdir(parents=True)
        shell.store.update(Settings(codex_homes=(str(other),)))
        assert shell.usage.homes == (other,)
        assert shell.usage.running
        qtbot.waitUntil(
            lambda: page.view is not None and page.view.state is UsageState.EMPTY, timeout=10_000
        )
    finally:
        stop(shell)
    assert not shell.usage.running


def test_refresh_reads_the_usage_index_again_too(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """F5 brings the Usage page up to date as well: a log that changed without moving a live
    session's tokens (here an old session's file, which the live view leaves out) is read
    at once, not at the page's next once-a-minute look."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 120, 1_000_000, 0, 200_000)])
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        page = shell.window.usage_page
        qtbot.waitUntil(
            lambda: page.view is not None and page.view.state is UsageState.READY, timeout=10_000
        )
        assert page.view is not None
        assert page.view.totals[1].tokens == 1_200_000  # the last 7 days
        write_usage_session(codex_home, 2, [(now - 3 * 86_400, 5_000_000, 0, 100_000)])
        shell.window.refresh_action.trigger()
        qtbot.waitUntil(
            lambda: page.view is not None and page.view.totals[1].tokens == 6_300_000,
            timeout=10_000,
        )
    finally:
        stop(shell)


def test_the_period_chosen_on_the_usage_page_is_read_and_kept(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """90 days chosen on the Usage page are read by the usage feed (the call 50 days back
    comes in) and kept: the next start's feed reads 90."""
    now = time.time()
    write_usage_session(codex_home, 1, [(now - 120, 1_000_000, 0, 0)])
    write_usage_session(codex_home, 2, [(now - 50 * 86_400, 4_000_000, 0, 0)])
    shell = make_shell(qtbot, codex_home, "--no-discord")
    page = shell.window.usage_page
    try:
        qtbot.waitUntil(lambda: page.view is not None and page.view.ready, timeout=10_000)
        assert page.view is not None
        assert (page.view.days, page.view.totals[2].tokens) == (30, 1_000_000)
        page.period.setCurrentIndex(page.period.findData(90))
        page.period.activated.emit(page.period.currentIndex())
        qtbot.waitUntil(lambda: page.view is not None and page.view.days == 90, timeout=10_000)
        assert page.view.totals[2].tokens == 5_000_000
        assert page.view.totals[2].label == "90 days"
    finally:
        stop(shell)
    again = make_shell(qtbot, codex_home, "--no-discord")
    try:
        assert again.window.usage_page.days == 90
        assert again.usage.days == 90
    finally:
        stop(again)


def test_no_discord_flag(base_dir: Path, codex_home: CodexHome, qtbot: QtBot) -> None:
    """--no-discord: no worker at all, and the status bar says why."""
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        assert shell.presence is None
        assert shell.window.discord_status.full_text == "Discord: off (started with --no-discord)"
    finally:
        stop(shell)


def test_discord_turned_off_in_settings_is_off_not_paused(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Settings → Discord unticked: the status bar says it is off (it had said "Discord:
    paused", as if a pause would end), and the Pause submenu, which has nothing to pause or
    resume then, is greyed out until it is ticked again."""
    shell = make_shell(qtbot, codex_home)
    pause_menu = shell.window.pause_menu.menuAction()
    try:
        assert shell.presence is not None
        assert pause_menu.isEnabled()
        shell.store.update(replace(shell.store.settings, discord_enabled=False))
        qtbot.waitUntil(lambda: shell.presence.status.state is DiscordState.PAUSED, timeout=3000)
        qtbot.waitUntil(
            lambda: (
                shell.window.discord_status.full_text == "Discord: off (turned off in Settings)"
            ),
            timeout=3000,
        )
        assert not pause_menu.isEnabled()
        # A pause chosen before is kept, but the line says what stops the status: Settings.
        shell.pause_discord(time.time() + 3600)
        assert shell.window.discord_status.full_text == "Discord: off (turned off in Settings)"
        shell.pause_discord(0.0)
        shell.store.update(replace(shell.store.settings, discord_enabled=True))
        assert pause_menu.isEnabled()
        qtbot.waitUntil(
            lambda: not shell.window.discord_status.full_text.startswith("Discord: off"),
            timeout=3000,
        )
    finally:
        stop(shell)


def test_discord_off_in_settings_at_start_is_said(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Started with Discord off in Settings: "off", with the Pause submenu greyed out."""
    save_settings(paths.config_dir() / "settings.json", Settings(discord_enabled=False))
    shell = make_shell(qtbot, codex_home)
    try:
        qtbot.waitUntil(
            lambda: (
                shell.window.discord_status.full_text == "Discord: off (turned off in Settings)"
            ),
            timeout=3000,
        )
        assert not shell.window.pause_menu.menuAction().isEnabled()
    finally:
        stop(shell)


def test_a_closed_settings_dialog_is_gone(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Owned by the window, every Settings dialog opened had stayed until the window closed."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        for _ in range(3):
            shell.open_settings()
            (dialog,) = shell.window.findChildren(SettingsDialog)
            dialog.reject()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        assert shell.window.findChildren(SettingsDialog) == []
    finally:
        stop(shell)


def test_settings_asked_for_while_open_brings_that_dialog_back(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """The tray's Settings… while the window's dialog is open: that dialog, not a second one
    over it (whose OK saved its own copy over what the first had applied)."""
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        shell.open_settings()
        (first,) = shell.window.findChildren(SettingsDialog)
        qtbot.waitExposed(first)
        shell.open_settings()
        assert shell.window.findChildren(SettingsDialog) == [first]
        first.reject()
        qtbot.waitUntil(lambda: shell.window.findChildren(SettingsDialog) == [], timeout=3000)
        shell.open_settings()  # closed: a new one opens
        (again,) = shell.window.findChildren(SettingsDialog)
        again.reject()
    finally:
        stop(shell)


def test_settings_hidden_with_the_window_come_back_with_it(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """The window hidden to the tray with Settings open: the tray's Settings… brings back
    the window and that dialog, not a second dialog over a hidden one."""
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        shell.window.show()
        shell.open_settings()
        (first,) = shell.window.findChildren(SettingsDialog)
        qtbot.waitExposed(first)
        shell.window.hide()
        assert not first.isVisible()
        shell.open_settings()
        assert shell.window.isVisible()
        assert first.isVisible()
        assert shell.window.findChildren(SettingsDialog) == [first]
        first.reject()
    finally:
        stop(shell)


def test_the_settings_dialog_saves_only_what_was_changed_in_it(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A pause and always on top chosen from the tray while the dialog is open stay after
    its OK: it had saved the values it showed when it opened, the pause ended unasked."""
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home)
    try:
        shell.open_settings()
        (dialog,) = shell.window.findChildren(SettingsDialog)
        until = time.time() + 3600
        shell.pause_discord(until)  # the tray's Pause Discord status → For 1 hour
        shell.window.on_top_action.trigger()  # the tray's Always on top
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        assert dialog.apply()
        dialog.reject()
        settings = shell.store.settings
        assert settings.discord_paused_until == until
        assert settings.always_on_top
        assert settings.theme == "dark"
    finally:
        stop(shell)


def test_the_settings_dialog_shows_a_tray_toggle_made_while_it_is_open(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Always on top toggled from the tray while Settings is open: its box follows, as the
    window does; it had gone on showing the value it opened with, and its OK (with another
    change) had put back the value it showed. Ticked in the dialog, then from the tray, it
    is no change of the dialog's any more: the tray's next toggle shows too."""
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        shell.open_settings()
        (dialog,) = shell.window.findChildren(SettingsDialog)
        assert not dialog.on_top.isChecked()
        shell.window.on_top_action.trigger()  # the tray's Always on top
        assert shell.store.settings.always_on_top
        assert dialog.on_top.isChecked()
        shell.window.on_top_action.trigger()
        assert not dialog.on_top.isChecked()
        dialog.on_top.setChecked(True)
        shell.window.on_top_action.trigger()  # on, as in the dialog
        shell.window.on_top_action.trigger()  # off: the latest choice
        assert not dialog.on_top.isChecked()
        assert dialog.changed_elsewhere.isHidden()
        dialog.start_minimized.setChecked(True)
        shell.window.on_top_action.trigger()
        assert dialog.on_top.isChecked()
        assert dialog.apply()
        assert shell.store.settings.always_on_top
        assert shell.store.settings.start_minimized
        dialog.reject()
    finally:
        stop(shell)


def test_settings_ok_keeps_the_dialogs_value_over_a_hand_edit_of_it(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """settings.json edited while Settings is open: the fields the user has not changed show
    the edit, and OK keeps it; a field they changed keeps their value, which OK saves over
    the edit (said in the dialog first)."""
    from PySide6.QtWidgets import QDialogButtonBox

    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        shell.open_settings()
        (dialog,) = shell.window.findChildren(SettingsDialog)
        dialog.refresh.setValue(5.0)
        path = shell.store.path
        document = json.loads(path.read_text()) if path.exists() else {}
        document.update({"refresh_interval_s": 10.0, "notify_resets": False})
        path.write_text(json.dumps(document))
        qtbot.waitUntil(lambda: not dialog.changed_elsewhere.isHidden(), timeout=5000)
        assert "is now 10s there" in dialog.changed_elsewhere.accessibleName()
        assert not dialog.notify_resets.isChecked()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        settings = shell.store.settings
        assert (settings.refresh_interval_s, settings.notify_resets) == (5.0, False)
        saved = json.loads(path.read_text())
        assert (saved["refresh_interval_s"], saved["notify_resets"]) == (5.0, False)
    finally:
        stop(shell)


def test_card_settings_apply_live(base_dir: Path, codex_home: CodexHome, qtbot: QtBot) -> None:
    """Switching privacy on changes the card at once (the preview in the status bar shows it)."""
    from tests.helpers import rollout as r

    now = time.time()
    codex_home.write(
        "019de1a2-0000-7000-8000-0000000000aa",
        [
            r.session_meta(now - 60, "019de1a2-0000-7000-8000-0000000000aa", cwd="/w/shop"),
            r.exec_call(now - 2, "c1", "cargo test"),
        ],
        started=now - 60,
        mtime=now - 2,
    )
    shell = make_shell(qtbot, codex_home)
    try:
        qtbot.waitUntil(
            lambda: "Running cargo test · shop (main)" in shell.window.discord_status.toolTip(),
            timeout=5000,
        )
        shell.store.update(Settings(privacy_mode=True))
        assert "Using Codex" in shell.window.discord_status.toolTip()
        assert "cargo" not in shell.window.discord_status.toolTip()
        shell.store.update(Settings(theme="dark"))
        from codex_presence_gui.ui.theme import is_dark

        assert is_dark(shell.app.palette())
    finally:
        stop(shell)
        from codex_presence_gui.ui.theme import apply_theme

        apply_theme(shell.app, "system")


def test_startup_check_fails_when_the_window_never_gets_data(
    base_dir: Path,
    codex_home: CodexHome,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No data before the deadline: the check says so in its JSON and exits with 1."""
    from codex_presence_gui import app as app_module

    monkeypatch.setattr(app_module, "STARTUP_CHECK_TIMEOUT_MS", 50)
    args = build_parser().parse_args(["--codex-home", str(codex_home.root), "--startup-check"])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None)
    qtbot.addWidget(shell.window)
    codes: list[int] = []
    monkeypatch.setattr(shell.app, "exit", codes.append)
    app_module.StartupCheck(shell)  # the shell is never started: no paint, no data
    try:
        qtbot.waitUntil(lambda: bool(codes), timeout=5000)
        assert codes == [1]
        report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert report["first_data"] is None
        assert report["sessions"] is None
    finally:
        stop(shell)


def test_the_app_has_its_icon(qtbot: QtBot) -> None:
    """The window icon comes from resources/ at every shipped size."""
    icon = application().windowIcon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 256} <= sizes


def recorder(said: list[str], keys: list[str] | None = None) -> Callable[..., Channel | None]:
    """Stands in for ``Notifier.notify_all``: notes the message's title (and in ``keys``, the
    limit windows its notices are about, the most urgent first)."""

    def notify_all(notices: Sequence[Notice]) -> Channel | None:
        message = one_message(notices)
        if message is None:
            return None
        said.append(message[0])
        if keys is not None:
            keys.extend(notice.topic for notice in by_urgency(notices))
        return Channel.TRAY

    return notify_all


def notified(
    qtbot: QtBot, home: CodexHome, *boards: Dashboard, keys: list[str] | None = None
) -> list[str]:
    """The titles one run of the app notifies, shown ``boards`` in turn (their keys put in
    ``keys``)."""
    said: list[str] = []
    shell = make_shell(qtbot, home, "--no-discord")
    shell.notifier.notify_all = recorder(said, keys)  # type: ignore[method-assign]
    try:
        for board in boards:
            shell._show(board)
    finally:
        stop(shell)
    return said


def test_notifications_once_across_restarts(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A crossing is announced once; after a restart the app remembers it."""
    from codex_presence_gui.core.insights import Insights
    from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
    from tests.helpers.snapshots import NOW, dashboard

    limits = LimitSnapshot("codex", None, None, NOW - 30, (UsageWindow(300, 91.0, NOW + 600),))
    # Notifications wait for the history (an empty one here).
    board = replace(dashboard(limit=limits), insights=Insights(NOW, (), 0))
    assert dashboard(limit=limits).insights is None
    said = notified(qtbot, codex_home, board, board) + notified(qtbot, codex_home, board)
    assert said == ["Codex: 10% or less of your 5h limit left"]


def test_crossings_seen_together_are_one_notification(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Two windows crossing in the same look send one message (a tray replaces a message with
    the next one at once), led by the more urgent."""
    from codex_presence_gui.core.insights import Insights
    from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
    from tests.helpers.snapshots import NOW, dashboard

    windows = (UsageWindow(10_080, 76.0, NOW + 86_400), UsageWindow(300, 92.0, NOW + 600))
    limits = LimitSnapshot("codex", None, None, NOW - 30, windows)
    board = replace(dashboard(limit=limits), insights=Insights(NOW, (), 0))
    keys: list[str] = []
    assert notified(qtbot, codex_home, board, keys=keys) == [
        "Codex: 10% or less of your 5h limit left"
    ]
    # Each about its own window: in the window, each is replaced by its window's next news.
    assert keys == ["limit/codex/300/", "limit/codex/10080/"]


def test_notifications_can_be_turned_off(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    from codex_presence_gui.core.insights import Insights
    from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
    from tests.helpers.snapshots import NOW, dashboard

    limits = LimitSnapshot("codex", None, None, NOW - 30, (UsageWindow(300, 91.0, NOW + 600),))
    said: list[str] = []
    shell = make_shell(qtbot, codex_home, "--no-discord")
    shell.notifier.notify_all = recorder(said)  # type: ignore[method-assign]
    try:
        shell.store.update(replace(shell.store.settings, notifications_enabled=False))
        shell._show(replace(dashboard(limit=limits), insights=Insights(NOW, (), 0)))
    finally:
        stop(shell)
    assert said == []


def test_choosing_the_codex_folder_saves_it(
    base_dir: Path, tmp_path: Path, qtbot: QtBot, codex_home: CodexHome
) -> None:
    """The first-run panel's folder goes into the settings file and is read at once."""
    shell = make_shell_with(qtbot)
    try:
        shell.window.setup_panel.folder_chosen.emit(str(codex_home.root))
        assert shell.store.settings.codex_homes == (str(codex_home.root),)
        saved = load_settings(paths.config_dir() / "settings.json")
        assert saved.settings.codex_homes == (str(codex_home.root),)
        qtbot.waitUntil(lambda: shell.feed.homes == (codex_home.root,), timeout=3000)
    finally:
        stop(shell)


def test_choosing_the_folder_codex_keeps_its_logs_in_saves_the_one_above(
    base_dir: Path, tmp_path: Path, qtbot: QtBot, codex_home: CodexHome
) -> None:
    """Codex's ``sessions`` folder chosen on the first-run panel (its logs are in it): the
    folder above is Codex's, and is saved and read. The window had read the one chosen, and
    said it waited for Codex to make ``sessions/sessions``."""
    shell = make_shell_with(qtbot)
    try:
        shell.window.setup_panel.folder_chosen.emit(str(codex_home.root / "sessions"))
        assert shell.store.settings.codex_homes == (str(codex_home.root),)
        qtbot.waitUntil(lambda: shell.feed.homes == (codex_home.root,), timeout=3000)
    finally:
        stop(shell)


def test_a_folder_chosen_in_a_window_started_with_codex_home_is_read(
    base_dir: Path, tmp_path: Path, qtbot: QtBot, codex_home: CodexHome
) -> None:
    """Started with ``--codex-home`` naming a folder that is not there, the first-run panel
    offers to choose Codex's folder: the one chosen is read at once, in this run, and saved.
    It had been saved only: the window went on saying that no folder was found."""
    shell = make_shell_with(qtbot, "--codex-home", str(tmp_path / "nowhere"))
    try:
        shell.window.setup_panel.folder_chosen.emit(str(codex_home.root))
        qtbot.waitUntil(lambda: shell.feed.homes == (codex_home.root,), timeout=3000)
        assert shell.usage.homes == (codex_home.root,)
        assert shell.store.settings.codex_homes == (str(codex_home.root),)
        # Chosen again (the settings name it already), it is still the one read.
        shell.window.setup_panel.folder_chosen.emit(str(codex_home.root))
        assert shell.feed.homes == (codex_home.root,)
    finally:
        stop(shell)


def test_notifications_use_the_users_percent_left(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Thresholds set in % left reach the notification logic as the matching % used."""
    from codex_presence_gui.core.insights import Insights
    from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
    from tests.helpers.snapshots import NOW, dashboard

    limits = LimitSnapshot("codex", None, None, NOW - 30, (UsageWindow(300, 62.0, NOW + 600),))
    said: list[str] = []
    shell = make_shell(qtbot, codex_home, "--no-discord")
    shell.notifier.notify_all = recorder(said)  # type: ignore[method-assign]
    try:
        shell.store.update(replace(shell.store.settings, notify_left_thresholds=(40,)))
        shell._show(replace(dashboard(limit=limits), insights=Insights(NOW, (), 0)))
    finally:
        stop(shell)
    assert said == ["Codex: 40% or less of your 5h limit left"]


class ExitRecorder:
    """Stands in for ``QApplication.exit`` (a real one would end the test's own loops)."""

    def __init__(self) -> None:
        self.codes: list[int] = []

    def exit(self, code: int = 0) -> None:
        self.codes.append(code)


@pytest.mark.parametrize(
    ("how", "code"),
    [
        (lambda shell: shell.window.quit_action.trigger(), 0),
        (lambda shell: shell.request_exit("SIGINT", 130), 130),
        (lambda shell: shell.request_exit("SIGTERM", 0), 0),
        (lambda shell: shell._session_ending(None), 0),  # commitDataRequest
    ],
    ids=["file-quit", "sigint", "sigterm", "session-end"],
)
def test_every_way_out_stops_everything_first(
    how: Callable[[AppShell], None],
    code: int,
    base_dir: Path,
    codex_home: CodexHome,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """File → Quit, a signal and the session's end: stopped and saved, then the exit code."""
    shell = make_shell(qtbot, codex_home)
    assert shell.presence is not None
    qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
    exits = ExitRecorder()
    shell.app = exits  # type: ignore[assignment]
    with caplog.at_level(logging.INFO), qtbot.waitSignal(shell.stopped, timeout=3000):
        how(shell)
    assert exits.codes == [code]
    assert not shell.feed.running
    assert shell.presence.status.state is DiscordState.OFF
    assert (paths.config_dir() / "ui.ini").is_file()
    assert "stopped in" in caplog.text
    shell.request_exit("SIGTERM", 0)  # a second request changes nothing
    assert exits.codes == [code, code]
    assert caplog.text.count("stopped in") == 1


def test_the_session_end_is_wired(base_dir: Path, codex_home: CodexHome, qtbot: QtBot) -> None:
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        signature = "2commitDataRequest(QSessionManager&)"
        assert shell.app.receivers(signature) >= 1
    finally:
        stop(shell)


def mac_shell(qtbot: QtBot, home: CodexHome, platform: str) -> AppShell:
    args = build_parser().parse_args(["--codex-home", str(home.root), "--no-discord"])
    instance = SingleInstance(paths.state_dir() / "instance.lock", f"test-{time.monotonic_ns()}")
    shell = AppShell(application(), args, instance, None, platform=platform)
    qtbot.addWidget(shell.window)
    shell.start()
    return shell


def activate(shell: AppShell) -> None:
    """What macOS does when the app is opened again from Finder, the Dock or Spotlight."""
    shell.app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    shell.app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)


def test_macos_reopen_shows_a_window_hidden_to_the_tray(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    shell = mac_shell(qtbot, codex_home, "darwin")
    try:
        shell.window.hide()  # closed to the tray
        activate(shell)
        assert shell.window.isVisible()
    finally:
        stop(shell)


def test_reopen_is_left_alone_elsewhere(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Other systems start a second process, which hands over to this one instead."""
    shell = mac_shell(qtbot, codex_home, "linux")
    try:
        shell.window.hide()
        activate(shell)
        assert not shell.window.isVisible()
    finally:
        stop(shell)


def test_macos_launch_activation_keeps_a_tray_only_start_hidden(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """Started in the tray only (no tray offscreen, so played here): macOS activates the new
    app, which is not a re-open; a later activation is."""
    shell = mac_shell(qtbot, codex_home, "darwin")
    try:
        shell.window.hide()
        shell._started_hidden = True
        activate(shell)
        assert not shell.window.isVisible()
        shell._started_at -= LAUNCH_ACTIVATION_S
        activate(shell)
        assert shell.window.isVisible()
    finally:
        stop(shell)


def test_launch_at_login_is_checked_at_every_start(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the setting is on, each start makes sure the entry points at this app."""
    from codex_presence_gui import app as app_module

    calls: list[bool] = []
    monkeypatch.setattr(
        app_module, "ensure_launch_at_login", lambda enabled: calls.append(enabled) or None
    )
    config = paths.config_dir()
    config.mkdir(parents=True)
    save_settings(config / "settings.json", replace(Settings(), launch_at_login=True))
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        assert calls == [True]
    finally:
        stop(shell)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG autostart entries")
def test_start_at_log_in_turned_off_by_the_desktop_stays_off(
    base_dir: Path,
    codex_home: CodexHome,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """XFCE's "Application Autostart" unticks an app by writing ``Hidden=true`` into its
    entry: each start had rewritten the entry, and the app came back at every log-in. The
    setting follows the desktop, the entry stays as the desktop left it, and it is said."""
    from codex_presence_gui import app as app_module
    from codex_presence_gui.core import autostart

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    ensured: list[bool] = []
    monkeypatch.setattr(
        app_module, "ensure_launch_at_login", lambda enabled: ensured.append(enabled) or None
    )
    entry = autostart.set_linux(True, autostart.launch_command())
    turned_off = entry.read_text("utf-8") + "Hidden=true\n"
    entry.write_text(turned_off, encoding="utf-8")
    config = paths.config_dir()
    config.mkdir(parents=True)
    save_settings(config / "settings.json", replace(Settings(), launch_at_login=True))
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        assert ensured == []
        assert not shell.store.settings.launch_at_login
        [notice] = [n for n in shell.window.info_bar.notices if n.file == entry]
        assert "turned off in your desktop's startup settings" in notice.text
        assert entry.read_text("utf-8") == turned_off
    finally:
        stop(shell)
    assert not load_settings(config / "settings.json").settings.launch_at_login


def test_an_entry_the_settings_do_not_know_shows_ticked_and_unticking_removes_it(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings reset (a damaged file kept aside) while this install still starts at log-in:
    the box had shown unticked, and unticking it, no change to the settings, left the entry
    for good. Other saves (a pause from the menu) never touch it."""
    from codex_presence_gui import app as app_module
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    entry = [True]
    monkeypatch.setattr(app_module, "launches_at_login", lambda: entry[0])

    def set_entry(enabled: bool) -> None:
        entry[0] = enabled

    monkeypatch.setattr(app_module, "set_launch_at_login", set_entry)
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        assert not shell.store.settings.launch_at_login
        shell._save_settings(replace(shell.store.settings, theme="dark"))  # another save
        assert entry == [True]
        shell.open_settings()
        (dialog,) = shell.window.findChildren(SettingsDialog)
        assert dialog.launch_at_login.isChecked()
        dialog.launch_at_login.setChecked(False)
        assert dialog.apply()
        dialog.reject()
        assert entry == [False]
        assert not shell.store.settings.launch_at_login
    finally:
        stop(shell)


def test_start_at_log_in_that_could_not_be_set_is_not_kept(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Start when I log in" ticked where no entry can be written (a portable folder with a
    backslash in its name, a read-only autostart folder): said once, and the box goes back
    to what happens at log-in. It had been saved ticked: the box said the app starts at
    log-in, and every start tried again and said the same message again."""
    from codex_presence_gui import app as app_module
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    calls: list[bool] = []
    refused = "Could not change launching at login: no room."

    def set_entry(enabled: bool) -> str:
        calls.append(enabled)
        return refused

    monkeypatch.setattr(app_module, "set_launch_at_login", set_entry)
    monkeypatch.setattr(app_module, "launches_at_login", lambda: False)
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        shell.open_settings()
        (dialog,) = shell.window.findChildren(SettingsDialog)
        dialog.launch_at_login.setChecked(True)
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        assert dialog.apply()
        # The dialog knows what is in use: the refusal's save is announced within the save
        # of its Apply, whose announcement (ticked) comes to the dialog after it.
        assert not dialog.in_use.launch_at_login
        assert dialog.in_use.theme == "dark"
        # And says so: the box shows what happens at log-in, with why below the tabs (the
        # box had stayed ticked, the reason only in the window behind the dialog).
        assert not dialog.launch_at_login.isChecked()
        assert not dialog.problems.isHidden()
        assert refused in dialog.problems.text()
        assert dialog.value() == dialog.in_use  # nothing left for OK to try again
        dialog.reject()
        assert calls == [True]
        assert [text for text in shell.window.info_bar.texts() if text == refused] == [refused]
        assert not shell.store.settings.launch_at_login
        assert shell.store.settings.theme == "dark"  # the rest is kept
    finally:
        stop(shell)
    saved = load_settings(paths.config_dir() / "settings.json").settings
    assert not saved.launch_at_login
    assert saved.theme == "dark"


def test_a_timed_pause_survives_a_restart_and_ends_by_itself(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """File → Pause Discord status → For 1 hour: kept in the settings, so the next start is
    paused too; once the time has come the pause ends on its own and is saved as ended."""
    shell = make_shell(qtbot, codex_home)
    try:
        start = time.time()
        shell.window.clock = lambda: start
        shell.window.pause_hour_action.trigger()
        assert shell.store.settings.discord_paused_until == start + 3600
        assert shell.window.resume_discord_action.isEnabled()
        assert "(paused until " in shell.window.pause_menu.title()
        assert not shell.window.pause_discord_action.isChecked()
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text.startswith("Discord: paused until "),
            timeout=3000,
        )
    finally:
        stop(shell)
    saved = load_settings(paths.config_dir() / "settings.json").settings
    assert saved.discord_paused_until == start + 3600
    # The next run: paused at once; a pause ending in a moment ends by itself.
    save_settings(
        paths.config_dir() / "settings.json", replace(saved, discord_paused_until=time.time() + 1.0)
    )
    again = make_shell(qtbot, codex_home)
    try:
        assert again.presence is not None
        qtbot.waitUntil(
            lambda: again.window.discord_status.full_text.startswith("Discord: paused until "),
            timeout=3000,
        )
        qtbot.waitUntil(lambda: again.store.settings.discord_paused_until == 0.0, timeout=4000)
        assert not again.window.resume_discord_action.isEnabled()
        assert again.window.pause_menu.title() == "&Pause Discord status"
        qtbot.waitUntil(
            lambda: not again.window.discord_status.full_text.startswith("Discord: paused"),
            timeout=3000,
        )
    finally:
        stop(again)
    assert load_settings(paths.config_dir() / "settings.json").settings.discord_paused_until == 0


def test_a_pause_that_ended_meanwhile_leaves_a_file_with_unusable_values_as_it_is(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """A file with a value the defaults stand in for ("the file stays as it is until you
    save") and a timed pause that ended while the app was closed: the pause is over, and
    the file is not rewritten with the defaults over the user's values at the start."""
    config = paths.config_dir()
    config.mkdir(parents=True)
    path = config / "settings.json"
    text = json.dumps({"refresh_interval_s": "5", "discord_paused_until": time.time() - 60})
    path.write_text(text)
    shell = make_shell(qtbot, codex_home)
    try:
        assert shell.store.load_message is not None
        assert not shell.window.resume_discord_action.isEnabled()
        assert shell.presence is not None
        qtbot.waitUntil(
            lambda: not shell.window.discord_status.full_text.startswith("Discord: paused"),
            timeout=3000,
        )
        assert path.read_text() == text
        shell.window.on_top_action.trigger()  # the user's own change is saved
        assert load_settings(path).settings.always_on_top
        assert load_settings(path).settings.discord_paused_until == 0
    finally:
        stop(shell)


def test_pause_until_resumed_and_resume_now(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """ "Until I resume" is checked and kept; Resume now ends any pause; the card preview
    says the pause."""
    shell = make_shell(qtbot, codex_home)
    try:
        shell.window.pause_discord_action.trigger()
        assert shell.store.settings.discord_paused_until == -1.0
        assert shell.window.pause_discord_action.isChecked()
        assert shell.window.pause_menu.title() == "&Pause Discord status (paused until you resume)"
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text == "Discord: paused until you resume",
            timeout=3000,
        )
        qtbot.waitUntil(lambda: shell.dashboard is not None, timeout=5000)
        qtbot.waitUntil(
            lambda: "(Paused until you resume.)" in shell.window.discord_status.toolTip(),
            timeout=5000,
        )
        shell.window.pause_tomorrow_action.trigger()  # from one pause to another
        assert shell.store.settings.discord_paused_until > time.time() + 3000
        assert not shell.window.pause_discord_action.isChecked()
        shell.window.resume_discord_action.trigger()
        assert shell.store.settings.discord_paused_until == 0.0
        assert not shell.window.resume_discord_action.isEnabled()
    finally:
        stop(shell)


def test_the_environments_discord_id_outlasts_a_change_of_settings(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CODEX_DISCORD_CLIENT_ID overrides the settings' id for the whole run: pausing Discord
    (or any other change of the settings) used to switch the worker to the settings' id."""
    monkeypatch.setenv("CODEX_DISCORD_CLIENT_ID", "3333333333333333333")
    shell = make_shell(qtbot, codex_home)
    try:
        assert shell.presence is not None
        worker = shell.presence._worker
        assert worker._client_id == "3333333333333333333"
        shell.window.pause_discord_action.trigger()
        shell.window.resume_discord_action.trigger()
        shell.store.update(replace(shell.store.settings, always_on_top=True))
        qtbot.wait(200)  # the worker's queued slots have run
        assert worker._client_id == "3333333333333333333"
        # A new id in Settings → Advanced does not win over the environment either.
        shell.store.update(replace(shell.store.settings, discord_client_id="4444444444444444444"))
        qtbot.wait(200)
        assert worker._client_id == "3333333333333333333"
    finally:
        stop(shell)


def test_closing_the_window_is_said_in_the_log_as_every_way_out(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Closed (not to the tray), the window makes Qt quit by itself: the log says why, as it
    does for File → Quit, a signal or a log-out (it had said nothing), and only once."""
    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        with caplog.at_level(logging.INFO), qtbot.waitSignal(shell.stopped, timeout=3000):
            shell.app.aboutToQuit.emit()
        assert caplog.text.count("quitting: the window was closed") == 1
        shell.app.aboutToQuit.emit()
        assert caplog.text.count("quitting:") == 1
    finally:
        stop(shell)


def test_the_retry_countdown_never_says_zero_seconds() -> None:
    """Half a second left rounds to even, 0: "retrying in 0s" had shown for a moment."""
    from codex_presence_gui.app import _countdown

    assert _countdown(0.5) == "retrying in 1s"
    assert _countdown(0.49) == "retrying now"
    assert _countdown(9.6) == "retrying in 10s"
    assert _countdown(18.6) == "retrying in 20s"


def test_the_discord_retry_counts_down(base_dir: Path, codex_home: CodexHome, qtbot: QtBot) -> None:
    """ "retrying in 30s" goes down as time passes (while the window can be seen), then says
    "retrying now", instead of standing still until the next try."""
    from codex_presence_gui.services.discord_worker import DiscordStatus

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        now = [1_000_000.0]
        shell.monotonic = lambda: now[0]
        reason = "Discord: not running (no socket), "
        # The wall clock set back an hour changes nothing: the worker's timer does not see it.
        shell.clock = lambda: now[0] - 3600
        shell._discord_status(
            DiscordStatus(DiscordState.NOT_RUNNING, f"{reason}retrying in 30s", retry_in=30.4)
        )
        assert shell.window.discord_status.full_text == f"{reason}retrying in 30s"
        now[0] += 12.2  # in steps of 5 s (fewer repaints) down to 10 s
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text == f"{reason}retrying in 20s",
            timeout=3000,
        )
        now[0] += 10  # then each second
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text == f"{reason}retrying in 8s",
            timeout=3000,
        )
        shell.window.showMinimized()  # nothing drawn while it cannot be seen
        now[0] += 3
        qtbot.wait(1100)
        assert shell.window.discord_status.full_text == f"{reason}retrying in 8s"
        shell.window.showNormal()
        now[0] += 20
        qtbot.waitUntil(
            lambda: shell.window.discord_status.full_text == f"{reason}retrying now",
            timeout=3000,
        )
        # A wait that is no step of the countdown is said in its steps from the first figure:
        # "19s" had turned to "20s" a second later.
        shell._discord_status(
            DiscordStatus(DiscordState.NOT_RUNNING, f"{reason}retrying in 19s", retry_in=18.6)
        )
        assert shell.window.discord_status.full_text == f"{reason}retrying in 20s"
        shell._discord_status(DiscordStatus(DiscordState.CONNECTED, "Discord: connected"))
        now[0] += 5
        qtbot.wait(1100)
        assert shell.window.discord_status.full_text == "Discord: connected"
    finally:
        stop(shell)


def test_the_discord_card_is_said_seen_only_while_connected(
    base_dir: Path, codex_home: CodexHome, qtbot: QtBot
) -> None:
    """With Discord not running, the Discord item's tooltip and its window say what friends
    *would* see (as ``preview`` does); "Friends on Discord see:" had been said of a card
    nobody saw. Connected, they see it once Discord has taken it; lost again, they would."""
    from codex_presence_gui.services.discord_worker import SENDING, DiscordStatus

    shell = make_shell(qtbot, codex_home, "--no-discord")
    try:
        item = shell.window.discord_status
        qtbot.waitUntil(lambda: "Friends on Discord" in item.toolTip())
        shell._discord_status(DiscordStatus(DiscordState.NOT_RUNNING, "Discord not running"))
        assert "Friends on Discord would see:" in item.toolTip()
        # Connected, the card on its way: nobody sees it until Discord has taken it.
        shell._discord_status(DiscordStatus(DiscordState.CONNECTED, SENDING))
        assert "Friends on Discord would see:" in item.toolTip()
        shell._discord_status(DiscordStatus(DiscordState.CONNECTED, "Discord: connected"))
        assert "Friends on Discord see:" in item.toolTip()
        shell.window.show_discord_details()
        dialog = shell.window.discord_dialog
        assert dialog is not None
        assert "Friends on Discord see:" in dialog.text.toPlainText()
        shell._discord_status(
            DiscordStatus(DiscordState.LOST, "Discord connection lost, retrying in 2s", 2.0)
        )
        assert "Friends on Discord would see:" in item.toolTip()
        assert "Friends on Discord would see:" in dialog.text.toPlainText()
    finally:
        stop(shell)
    # Stopped, nothing counts down in a window that may be gone before the shell (a later
    # test had met the count of this one's retry in a deleted window).
    assert not shell._retry_tick.isActive()
    shell._discord_status(
        DiscordStatus(DiscordState.LOST, "Discord connection lost, retrying in 2s", 2.0)
    )
    assert not shell._retry_tick.isActive()


def test_a_launch_knows_whether_the_running_instance_reads_its_folders() -> None:
    """The running instance's answer lists its folders: the same ones (in any order) need no
    "quit it first"; other ones, or an instance that says nothing (an older version), do."""
    from codex_presence_gui.app import _folders_read, _reads_the_same

    homes = (Path("/srv/a"), Path("/srv/b"))
    assert _reads_the_same('["/srv/b", "/srv/a"]', homes)
    assert not _reads_the_same('["/srv/a"]', homes)
    assert not _reads_the_same("", homes)
    assert not _reads_the_same("{not json", homes)
    assert not _reads_the_same('{"a": 1}', homes)
    assert not _reads_the_same("[1, 2]", homes)
    assert not _reads_the_same("[" * 100_000, homes)  # had raised RecursionError
    # Relative folders are compared whole: ".codex" here is not ".codex" elsewhere.
    assert not _reads_the_same('[".codex"]', (Path(".codex"),))
    assert _reads_the_same(_folders_read([Path(".codex")]), (Path(".codex"),))


def test_a_link_to_the_folder_read_is_that_folder(tmp_path: Path) -> None:
    """A launch naming a link to the running instance's folder is told nothing more (it had
    been told to quit the instance to read "another" folder)."""
    from codex_presence_gui.app import _folders_read, _reads_the_same

    real = tmp_path / "codex"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert _reads_the_same(_folders_read([real]), (link,))


def test_the_running_instance_answers_whatever_its_details_say(tmp_path: Path) -> None:
    """Text that cannot be sent as it is, or details that fail, still give an answer (the
    launch had said the instance does not answer, "it may be hung")."""
    from codex_presence_gui.services.single_instance import SingleInstance

    instance = SingleInstance(tmp_path / "instance.lock", "unused")
    instance.details = lambda: "/home/u/\udcff-folder"
    assert instance._details() == b"/home/u/?-folder"
    instance.details = lambda: "one\ntwo"
    assert instance._details() == b"one two"

    def broken() -> str:
        raise OSError("gone")

    instance.details = broken
    assert instance._details() == b""


#: A launch that finds an instance that does not answer, with a display: its warning box
#: (a stand-in that waits as the modal box does, 5 s at most) gets a SIGTERM.
_REFUSED_LAUNCH = """
import os, signal, sys, time
from PySide6.QtCore import QEventLoop, QTimer
from codex_presence_gui import app, cli
from codex_presence_gui.services import single_instance

def no_answer(self, replace=False):
    return single_instance.StartResult(single_instance.Outcome.NO_ANSWER, "does not answer")

def box(*_args):
    started = time.monotonic()
    loop = QEventLoop()
    QTimer.singleShot(100, lambda: os.kill(os.getpid(), signal.SIGTERM))
    QTimer.singleShot(5000, loop.quit)
    loop.exec()
    print(f"box closed after {time.monotonic() - started:.2f} s", flush=True)

single_instance.SingleInstance.start = no_answer
app.offscreen = lambda: False
app.QMessageBox.warning = box
sys.exit(cli.main(["--codex-home", sys.argv[1]]))
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_a_signal_closes_the_box_of_a_launch_that_cannot_run(tmp_path: Path) -> None:
    """The box saying an instance runs but does not answer (or that the lock cannot be made)
    closes on SIGTERM or Ctrl+C, and the launch ends (1): nothing had listened, and a log-out
    or Ctrl+C left it waiting for its OK."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CODEX_PRESENCE_BASE_DIR": str(tmp_path / "base"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _REFUSED_LAUNCH, str(tmp_path / "home")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    said = float(done.stdout.split("box closed after ")[1].split()[0])
    assert said < 2.0, done.stdout
    assert "Traceback" not in done.stderr


def test_the_menu_says_a_pause_as_the_discord_preview_does() -> None:
    """The File and tray menus and the status bar: a pause beyond the week says its date (one
    set by hand for the year 2286 had read "until Sat 17:46")."""
    from datetime import datetime

    from codex_presence_gui.app import _pause_text

    now = datetime(2027, 3, 10, 9, 0).timestamp()
    assert _pause_text(datetime(2027, 3, 10, 17, 46).timestamp(), now) == "until 17:46"
    assert _pause_text(datetime(2027, 3, 13, 17, 46).timestamp(), now) == "until Sat 17:46"
    assert _pause_text(datetime(2286, 11, 20, 17, 46).timestamp(), now) == (
        "until 20 Nov 2286 17:46"
    )
    assert _pause_text(now - 60, now) is None
