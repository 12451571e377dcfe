"""Where notifications go: the tray, else the system's notifier, else the window."""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.notifications import Notice, Said
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.notifier import Channel, Notifier, system_command
from tests.helpers.snapshots import NOW


def test_system_commands() -> None:
    found = {"notify-send": "/usr/bin/notify-send", "osascript": "/usr/bin/osascript"}
    linux = system_command("Title", "Body", "linux", found.get)
    assert linux is not None
    assert linux[0] == "/usr/bin/notify-send"
    assert linux[-2:] == ["Title", "Body"]
    assert "--app-name=Codex Presence" in linux
    mac = system_command('Say "hi"', "a\\b", "darwin", found.get)
    assert mac == [
        "/usr/bin/osascript",
        "-e",
        'display notification "a\\\\b" with title "Say \\"hi\\""',
    ]
    assert system_command("T", "B", "linux", {}.get) is None
    assert system_command("T", "B", "win32", found.get) is None


class VisibleTray(QSystemTrayIcon):
    """A tray icon that says it is shown (the offscreen platform has no tray)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def isVisible(self) -> bool:
        return True

    def showMessage(self, title: str, body: str, *args: object) -> None:  # type: ignore[override]
        self.messages.append((title, body))


def at_0947() -> float:
    """A clock at 09:47 local time today."""
    moment = time.localtime()
    return time.mktime((*moment[:3], 9, 47, 0, 0, 0, -1))


def test_the_tray_first(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    tray = VisibleTray()
    started: list[list[str]] = []
    notifier = Notifier(
        window, tray, start=lambda p, a: started.append([p, *a]) or True, tray_shown=lambda: True
    )
    assert notifier.notify("T", "B") is Channel.TRAY
    assert tray.messages == [("T", "B")]
    assert started == []


def test_not_the_tray_once_it_has_gone(qtbot: QtBot) -> None:
    # The panel holding the icon went away (restarted, or its tray turned off): the icon
    # still says it is visible, but a message shown there would be seen by no one.
    window = MainWindow()
    qtbot.addWidget(window)
    tray = VisibleTray()
    notifier = Notifier(
        window, tray, command=lambda title, body: None, tray_shown=lambda: False, clock=at_0947
    )
    assert notifier.notify("T", "B") is Channel.WINDOW
    assert tray.messages == []
    assert window.info_bar.texts() == ["09:47 · T: B"]


def test_the_system_notifier_without_a_tray(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    started: list[list[str]] = []
    notifier = Notifier(
        window,
        None,
        command=lambda title, body: ["notify-send", title, body],
        start=lambda program, args: started.append([program, *args]) is None,
    )
    assert notifier.notify("T", "B") is Channel.SYSTEM
    assert started == [["notify-send", "T", "B"]]


def test_the_window_when_nothing_else_works(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(window, None, command=lambda title, body: None, clock=at_0947)
    assert notifier.notify("Codex: less than 10 %", "Body") is Channel.WINDOW
    # A notice in the window, whole, until dismissed (a status-bar message was cut and went),
    # with the time it was given: "in 2 h" in it reads from then.
    assert window.info_bar.texts() == ["09:47 · Codex: less than 10 %: Body"]
    assert window.info_bar.isVisibleTo(window)
    notifier.notify("Codex: less than 10 %", "Body again")
    assert window.info_bar.texts() == ["09:47 · Codex: less than 10 %: Body again"]
    window.info_bar.notices[0].close_button.click()
    assert window.info_bar.texts() == []
    assert not window.info_bar.isVisibleTo(window)


def limit_notice(title: str, body: str, minutes: int, event: str) -> Notice:
    return Notice(title, body, Said("codex", minutes, "", NOW + 3600, event, NOW))


def test_news_about_the_same_window_replaces_its_notice_and_goes_last(qtbot: QtBot) -> None:
    """A limit reached, then reset early, then reached again, told in the window: one notice
    for that window, saying the newest news, below the notices given before it (it had
    stayed above a later one, so the second "reached" looked like nothing new)."""
    window = MainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(window, None, command=lambda title, body: None, clock=at_0947)
    reached = limit_notice("Codex: your weekly limit is reached", "All used.", 10080, "used_100")
    reset_5h = limit_notice("Codex: your 5h limit has reset", "It was 95% used.", 300, "reset")
    reset = limit_notice("Codex: your weekly limit has reset", "It was 100% used.", 10080, "reset")
    for notice in (reached, reset_5h, reset):
        assert notifier.notify_all([notice]) is Channel.WINDOW
    assert window.info_bar.texts() == [
        "09:47 · Codex: your 5h limit has reset: It was 95% used.",
        "09:47 · Codex: your weekly limit has reset: It was 100% used.",
    ]
    notifier.notify_all([replace(reached, body="All used again.")])
    assert window.info_bar.texts() == [
        "09:47 · Codex: your 5h limit has reset: It was 95% used.",
        "09:47 · Codex: your weekly limit is reached: All used again.",
    ]
    last = window.info_bar.notices[-1]
    assert last.accessibleName() == last.text
    layout = window.info_bar.layout()
    assert [layout.itemAt(i).widget() for i in range(layout.count())] == window.info_bar.notices
    assert notifier.notify_all([]) is None


def test_notices_due_together_are_one_message_but_a_notice_each_in_the_window(
    qtbot: QtBot,
) -> None:
    """A tray shows one message at a time: one, the most urgent first. The window keeps a
    notice for each limit window, so that the next news about one (its reset) does not take
    away what was said of the other (a message kept under the first one's name had)."""
    weekly = limit_notice(
        "Codex: 25% or less of your weekly limit left", "76% used.", 10080, "used_75"
    )
    five = limit_notice("Codex: your 5h limit is reached", "All used.", 300, "used_100")
    tray = VisibleTray()
    notifier = Notifier(MainWindow(), tray, tray_shown=lambda: True)
    qtbot.addWidget(notifier.window)
    assert notifier.notify_all([weekly, five]) is Channel.TRAY
    assert tray.messages == [
        (five.title, "All used.\nAlso: 25% or less of your weekly limit left.")
    ]
    window = MainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(window, None, command=lambda title, body: None, clock=at_0947)
    notifier.notify_all([weekly, five])
    assert window.info_bar.texts() == [
        "09:47 · Codex: your 5h limit is reached: All used.",
        "09:47 · Codex: 25% or less of your weekly limit left: 76% used.",
    ]
    reset = limit_notice("Codex: your 5h limit has reset", "It was 100% used.", 300, "reset")
    notifier.notify_all([reset])
    assert window.info_bar.texts() == [
        "09:47 · Codex: 25% or less of your weekly limit left: 76% used.",
        "09:47 · Codex: your 5h limit has reset: It was 100% used.",
    ]


def test_a_reset_due_with_news_of_the_new_window_does_not_hide_that_news(
    qtbot: QtBot,
) -> None:
    """A window that reset, then ran low again, seen at one look (the app started after
    both, or a look that saw both): its notice in the window says where it stands now, not
    the reset before it (told in urgency order, the reset came last and replaced "limit
    reached" with "has reset: ... Codex now reports 100% used")."""
    reached = limit_notice("Codex: your 5h limit is reached", "All used.", 300, "used_100")
    reset = limit_notice(
        "Codex: your 5h limit has reset",
        "It was 100% used. Codex now reports 100% used.",
        300,
        "reset",
    )
    low = limit_notice(
        "Codex: 25% or less of your weekly limit left", "80% used.", 10080, "used_75"
    )
    weekly_reset = limit_notice(
        "Codex: your weekly limit has reset", "It was 96% used.", 10080, "reset"
    )
    window = MainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(window, None, command=lambda title, body: None, clock=at_0947)
    assert notifier.notify_all([reset, weekly_reset, low, reached]) is Channel.WINDOW
    assert window.info_bar.texts() == [
        "09:47 · Codex: your 5h limit is reached: All used.",
        "09:47 · Codex: 25% or less of your weekly limit left: 80% used.",
    ]
    # A tray shows one message: the most urgent, the others named in it.
    tray = VisibleTray()
    notifier = Notifier(MainWindow(), tray, tray_shown=lambda: True)
    qtbot.addWidget(notifier.window)
    notifier.notify_all([reset, weekly_reset, low, reached])
    [(title, body)] = tray.messages
    assert title == reached.title
    assert "your 5h limit has reset" in body
    assert "your weekly limit has reset" in body


def test_a_notice_that_goes_last_is_last_for_the_keyboard_too(qtbot: QtBot) -> None:
    """News about a window whose notice is not the last: the new notice is after the others
    in the Tab order and for screen readers too, not only on screen."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.info_bar
    window.show_notice("A: first", key="a")
    window.show_notice("B: second", key="b")
    window.show_notice("A: news", key="a")
    assert bar.texts() == ["B: second", "A: news"]
    first, last = bar.notices
    order = [child for child in bar.children() if child in bar.notices]
    assert order == bar.notices
    first.close_button.setFocus()
    qtbot.waitUntil(first.close_button.hasFocus)
    chain = first.close_button
    for _ in range(5):  # the next notice's button comes after, not before
        chain = chain.nextInFocusChain()
        if chain is last.close_button:
            break
    assert chain is last.close_button
