"""The status bar's details without a tooltip: the problems reading the logs (and the Usage
page's line about them) and the Discord status open a window that shows them whole, from the
keyboard, a click, the Help menu or a screen reader; that window is plain text, follows the
theme and fits a small screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.viewmodels.usage import TOOLTIP_PROBLEMS, UsageView, usage_view
from tests.helpers.snapshots import dashboard, limits, session
from tests.unit.ui.test_keyboard import shown_window, tab_walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from codex_presence_gui.ui.status_details import DetailsDialog

#: A log's name as hostile as a file name may be: markup, an escape sequence, a bidi override.
HOSTILE = "rollout-<b>bold</b>\x1b[31m-\u202eevil.jsonl"


def problems(count: int) -> tuple[Problem, ...]:
    """``count`` problems, the first about ``HOSTILE``, each naming a long path."""
    folder = "/home/dev/.codex/sessions/2026/01/" + "deeply-nested-folder-" * 4
    first = Problem(
        ProblemKind.MALFORMED_LINES,
        f"3 malformed lines skipped in {HOSTILE} (malformed JSON)",
        Path(HOSTILE),
    )
    rest = (
        Problem(
            ProblemKind.UNREADABLE,
            f"cannot read {folder}rollout-{n:02d}.jsonl: Permission denied",
            Path(f"{folder}rollout-{n:02d}.jsonl"),
        )
        for n in range(1, count)
    )
    return (first, *rest)


def with_problems(qtbot: QtBot, count: int) -> MainWindow:
    """A shown window whose logs had ``count`` problems."""
    window = shown_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits(), warnings=problems(count)))
    QApplication.processEvents()
    return window


def opened(window: MainWindow) -> DetailsDialog:
    dialog = window.problems_dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def test_the_problems_open_from_the_keyboard_each_one_whole(qtbot: QtBot) -> None:
    """The problems item is a Tab stop after the sessions table, ringed when the keyboard is
    on it; Enter opens a window listing every problem (the tooltip names the first few only),
    as plain text: markup shown as written, escape sequences and bidi controls gone. Copy
    puts the list where a paste can use it; Esc closes the window. A keyboard had no way to
    the tooltip, the only place the problems were named."""
    count = TOOLTIP_PROBLEMS + 4
    window = with_problems(qtbot, count)
    item = window.problems
    five, weekly = window.limits.bars
    assert tab_walk(qtbot, window) == [
        five,
        weekly,
        window.card,
        window.table,
        item,
        window.discord_status,
    ]
    assert "and 4 more (click to see them all)" in item.toolTip()
    assert "rollout-11.jsonl" not in item.toolTip()

    item.setFocus(Qt.FocusReason.TabFocusReason)
    ring = window.status_ring
    assert ring.isVisible()
    assert ring.geometry().contains(QRect(item.mapTo(window.statusBar(), QPoint()), item.size()))
    qtbot.keyClick(item, Qt.Key.Key_Return)
    dialog = opened(window)
    text = dialog.text.toPlainText()
    for n in range(1, count):
        assert f"rollout-{n:02d}.jsonl: Permission denied" in text
    assert "rollout-<b>bold</b>-evil.jsonl" in text
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert dialog.text.isReadOnly()
    assert dialog.text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert dialog.lead.text().startswith(f"{count} problems reading Codex's logs;")
    assert dialog.lead.textFormat() is Qt.TextFormat.PlainText
    assert dialog.windowTitle() == "Problems reading logs"

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == text
    assert dialog.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "&Copy", timeout=5000)

    qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    qtbot.keyClick(item, Qt.Key.Key_Space)
    assert opened(window) is dialog  # the same window again, not one more


def test_a_click_or_the_help_menu_opens_the_problems_too(qtbot: QtBot) -> None:
    """A click on the item opens the list (a touchpad barely reaches a tooltip); so does Help
    → Problems reading logs…, greyed out while there are none. Open, the list follows the
    logs: problems gone, it says so. At rest the item looks as a label does; under the
    pointer it is underlined, with a pointing hand."""
    window = shown_window(qtbot)
    assert window.problems.isHidden()
    assert not window.problems_action.isEnabled()
    item = window.problems
    assert not item.font().underline()
    assert item.cursor().shape() is Qt.CursorShape.PointingHandCursor

    window = with_problems(qtbot, 2)
    item = window.problems
    assert window.problems_action.isEnabled()
    qtbot.mouseClick(item, Qt.MouseButton.LeftButton)
    dialog = opened(window)
    assert "rollout-01.jsonl" in dialog.text.toPlainText()
    assert QApplication.focusWidget() is not item  # the click left the keyboard where it was
    dialog.close()
    window.problems_action.trigger()
    assert opened(window) is dialog

    three = (session("shop", age=5),)
    window.show_dashboard(dashboard(three, limit=limits(), warnings=problems(3)))
    assert "rollout-02.jsonl" in dialog.text.toPlainText()
    assert dialog.lead.text().startswith("3 problems")
    window.show_dashboard(dashboard(three, limit=limits()))
    assert dialog.lead.text() == "Every log is read now: no problems left."
    assert dialog.text.isHidden()
    assert dialog.copy_button.isHidden()
    assert window.problems.isHidden()
    assert not window.problems_action.isEnabled()


def test_the_keyboard_on_problems_that_go_moves_to_the_discord_item(qtbot: QtBot) -> None:
    """The keyboard on the problems item when the problems are gone (the logs read whole
    again) goes to the Discord item beside it, not back to the top of the page (as a page's
    widget hidden does: see test_keyboard)."""
    window = with_problems(qtbot, 2)
    window.problems.setFocus(Qt.FocusReason.TabFocusReason)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits()))
    assert QApplication.focusWidget() is window.discord_status


def test_the_item_is_underlined_under_the_pointer_only(qtbot: QtBot) -> None:
    """Under the pointer the item is underlined, as a link; the pointer gone, it is the
    label it was."""
    window = with_problems(qtbot, 1)
    item = window.problems
    size = item.sizeHint()
    item.enterEvent(None)  # type: ignore[arg-type]
    assert item.font().underline()
    assert item.sizeHint() == size  # nothing moves
    item.leaveEvent(None)  # type: ignore[arg-type]
    assert not item.font().underline()


def test_the_discord_status_opens_whole_with_what_friends_see(qtbot: QtBot) -> None:
    """The Discord item, cut to "Discord" in a narrow window, opens its whole status and
    what friends see, kept current while open (its tooltip was the only place for both)."""
    window = shown_window(qtbot)
    window.set_discord_status("Discord not running, retrying in 20 s")
    window.set_discord_preview(["Editing <b>cart</b>.py", "shop (feature/cart)"])
    window.resize(window.minimumWidth(), window.height())
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.discord_status.text() != window.discord_status.full_text)
    window.discord_status.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.discord_status, Qt.Key.Key_Enter)
    dialog = window.discord_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Discord status"
    assert dialog.text.toPlainText() == (
        "Discord not running, retrying in 20 s\n\n"
        "Friends on Discord would see:\nEditing <b>cart</b>.py\nshop (feature/cart)"
    )
    window.set_discord_status("Discord: connected", connected=True)
    assert dialog.text.toPlainText().startswith("Discord: connected\n\nFriends on Discord see:")


def test_screen_readers_press_the_status_items_as_buttons(qtbot: QtBot) -> None:
    """Both items are told as buttons named by what they say (the count, without its
    warning sign), which a screen reader can press to open their window (they were static
    text, their details in a description)."""
    window = with_problems(qtbot, 2)
    names = {window.problems: "2 problems reading logs", window.discord_status: "Discord: off"}
    for item, name in names.items():
        interface = QAccessible.queryAccessibleInterface(item)
        assert interface is not None
        assert interface.role() == QAccessible.Role.Button
        assert interface.text(QAccessible.Text.Name) == name
        assert interface.state().focusable
        actions = interface.actionInterface()
        assert actions is not None
        assert actions.actionNames()[0] == QAccessibleActionInterface.pressAction()
        actions.doAction(QAccessibleActionInterface.pressAction())
    assert opened(window).text.toPlainText()
    assert window.discord_dialog is not None
    assert window.discord_dialog.isVisible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_problems_window_fits_a_small_screen_in_both_themes(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """Light or dark, the window takes the theme's colours (its text readable on its
    background) and, as small as 300x200, nothing is cut or overlaps: the long paths wrap
    (no sideways scroll) and the list scrolls."""
    from codex_presence_gui.ui.layout_check import check_layout
    from codex_presence_gui.ui.theme import apply_theme, contrast_ratio, is_dark

    try:
        apply_theme(qapp, theme)
        window = with_problems(qtbot, 12)
        window.show_problems_details()
        dialog = opened(window)
        qtbot.waitExposed(dialog)
        screen = dialog.screen().availableGeometry()
        assert screen.contains(QRect(screen.topLeft(), dialog.size()))
        assert check_layout(dialog) == []
        dialog.resize(300, 200)
        QApplication.processEvents()
        assert dialog.size().width() == 300
        assert check_layout(dialog) == []
        assert dialog.text.horizontalScrollBar().maximum() == 0
        assert dialog.text.verticalScrollBar().maximum() > 0
        palette = dialog.text.palette()
        base = palette.color(QPalette.ColorRole.Base)
        assert is_dark(palette) is (theme == "dark")
        assert contrast_ratio(palette.color(QPalette.ColorRole.Text), base) >= 4.5
        lead = dialog.lead.palette()
        assert (
            contrast_ratio(lead.color(QPalette.ColorRole.WindowText), lead.window().color()) >= 4.5
        )
    finally:
        apply_theme(qapp, "system")


def usage_with_problems(count: int) -> UsageView:
    """The Usage page's numbers, with ``count`` problems met reading the logs."""
    from tests.unit.viewmodels.test_usage import TODAY, recent, slot

    said = tuple(str(problem) for problem in problems(count)) if count else ()
    return usage_view(recent([slot(TODAY, 1000)], problems=said))


def test_the_usage_page_s_problems_open_from_the_keyboard_each_one_whole(
    qtbot: QtBot,
) -> None:
    """The Usage page's "⚠ N problems in Codex's logs…" is a Tab stop after Export CSV…,
    ringed when the keyboard is on it; Enter opens the same plain window as the status bar's,
    listing every problem whole (the tooltip names the first few only); Esc closes it. It had
    been a label with a tooltip, which no key reaches."""
    from codex_presence_gui.core.formatting import Level
    from codex_presence_gui.ui.main_window import USAGE_PAGE
    from codex_presence_gui.ui.theme import level_text_color

    count = TOOLTIP_PROBLEMS + 4
    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    window.show_usage(usage_with_problems(count))
    QApplication.processEvents()
    line = page.problems
    assert line.text() == f"⚠ {count} problems in Codex's logs: some calls may be missing here."
    assert not line.font().underline()  # at rest, the warning line it was
    color = line.palette().color(QPalette.ColorRole.WindowText)
    assert color == level_text_color(Level.WARN, page.palette())
    assert "and 4 more (click to see them all)" in line.toolTip()
    stops = tab_walk(qtbot, window)
    assert stops[:4] == [page.period, page.export_button, line, page.periods[0]]

    line.setFocus(Qt.FocusReason.TabFocusReason)
    assert page.focus_ring.isVisible()
    ring = page.focus_ring.geometry()
    assert ring.contains(QRect(line.mapTo(page.content, QPoint()), line.size()))
    qtbot.keyClick(line, Qt.Key.Key_Return)
    dialog = page.problems_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Problems in Codex's logs"
    assert dialog.lead.text().startswith(f"{count} problems in Codex's logs: ")
    text = dialog.text.toPlainText()
    for n in range(1, count):
        assert f"rollout-{n:02d}.jsonl: Permission denied" in text
    assert "rollout-<b>bold</b>-evil.jsonl" in text
    assert "\x1b" not in text
    qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    qtbot.keyClick(line, Qt.Key.Key_Space)
    assert page.problems_dialog is dialog
    assert dialog.isVisible()


def test_a_click_opens_the_usage_page_s_problems_which_follow_the_logs(qtbot: QtBot) -> None:
    """A click on the line opens the list and leaves the keyboard where it was; open, the
    list follows the page's updates, and says so when the problems are gone."""
    from codex_presence_gui.ui.main_window import USAGE_PAGE

    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    window.show_usage(usage_with_problems(2))
    QApplication.processEvents()
    assert page.problems.cursor().shape() is Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(page.problems, Qt.MouseButton.LeftButton)
    dialog = page.problems_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert "rollout-01.jsonl" in dialog.text.toPlainText()
    assert QApplication.focusWidget() is not page.problems
    window.show_usage(usage_with_problems(3))
    assert "rollout-02.jsonl" in dialog.text.toPlainText()
    window.show_usage(usage_with_problems(0))
    assert page.problems.isHidden()
    assert dialog.lead.text() == "Every log is read now: no problems left."
    assert dialog.text.isHidden()


def reading(qtbot: QtBot, first: str) -> tuple[DetailsDialog, str]:
    """A details window shown small, its text ``first`` then many lines (one naming a path),
    and the text."""
    from codex_presence_gui.ui.status_details import DetailsDialog

    dialog = DetailsDialog("Discord status")
    qtbot.addWidget(dialog)
    lines = [f"line {n:02d} of what friends see" for n in range(60)]
    lines[40] = "cannot read /home/dev/.codex/sessions/rollout-40.jsonl"
    text = "\n".join([first, "", *lines])
    dialog.show_text("", text)
    dialog.resize(400, 240)
    dialog.present()
    qtbot.waitExposed(dialog)
    return dialog, text


def select(dialog: DetailsDialog, part: str) -> None:
    """Select ``part`` in the window's text, as a reader would."""
    cursor = dialog.text.textCursor()
    start = dialog.text.toPlainText().index(part)
    cursor.setPosition(start)
    cursor.setPosition(start + len(part), cursor.MoveMode.KeepAnchor)
    dialog.text.setTextCursor(cursor)


def test_a_selection_stays_while_the_same_text_is_shown_again(qtbot: QtBot) -> None:
    """A refresh that says the same leaves the selection (and the scroll) as they were."""
    dialog, text = reading(qtbot, "Discord not running, retrying in 20 s")
    select(dialog, "/home/dev/.codex")
    bar = dialog.text.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    dialog.show_text("", text)
    assert dialog.text.textCursor().selectedText() == "/home/dev/.codex"
    assert bar.value() == bar.maximum() // 2


def test_a_countdown_keeps_the_reader_s_place_and_selection(qtbot: QtBot) -> None:
    """The Discord status counts down to its next try in the first line, every few seconds:
    a reader further down keeps their place, and a path they are selecting stays selected
    (each change had cleared it and scrolled back to the top). A selection of words that
    went keeps the same words where they are now; the caret stays put."""
    dialog, text = reading(qtbot, "Discord not running, retrying in 20 s")
    path = "/home/dev/.codex/sessions/rollout-40.jsonl"
    select(dialog, path)
    bar = dialog.text.verticalScrollBar()
    assert bar.maximum() > 20
    bar.setValue(bar.maximum() - 5)
    for left in (9, 10, 1):
        dialog.show_text("", text.replace("in 20 s", f"in {left} s"))
        assert dialog.text.textCursor().selectedText() == path
        assert bar.value() == bar.maximum() - 5
    # The countdown's own words, which change: the same words stay selected where they are.
    select(dialog, "retrying in 1 s")
    dialog.show_text("", f"Reconnecting…\n\n{text.replace('in 20 s', 'in 1 s')}")
    cursor = dialog.text.textCursor()
    assert cursor.selectedText() == "retrying in 1 s"
    assert cursor.selectionStart() == dialog.text.toPlainText().index("retrying in 1 s")
    # Gone altogether: nothing selected, and still no jump to the top.
    bar.setValue(bar.maximum())
    dialog.show_text("", "Discord: connected\n\n" + text.split("\n", 2)[2])
    assert not dialog.text.textCursor().hasSelection()
    assert bar.value() == bar.maximum()


def top_line(dialog: DetailsDialog) -> tuple[str, int]:
    """The text at the top of the window's view: its line's text and where in it the view's
    first row starts."""
    cursor = dialog.text.cursorForPosition(QPoint(4, 4))
    return cursor.block().text(), cursor.positionInBlock()


def test_a_line_above_that_wraps_anew_leaves_the_reader_on_their_line(qtbot: QtBot) -> None:
    """In a narrow window, a line above the reader's place that now wraps onto more rows (or
    fewer) leaves the view on the text the reader was on: it had kept the scroll bar's value,
    a count of rows, and the text under the reader shifted by the rows the line gained."""
    dialog, text = reading(qtbot, "Discord not running, retrying in 20 s")
    long_lines = [f"line {n:02d}: " + "what friends see, said at length " * 3 for n in range(40)]
    text = "\n".join(["Discord not running, retrying in 20 s", "", *long_lines])
    dialog.show_text("", text)
    dialog.resize(260, 240)
    QApplication.processEvents()
    bar = dialog.text.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    before = top_line(dialog)
    assert before[0].startswith("line ")
    longer = "Discord not running: " + "the client did not answer the handshake, " * 4
    dialog.show_text("", text.replace("Discord not running, retrying in 20 s", longer))
    assert top_line(dialog) == before
    dialog.show_text("", text.replace("retrying in 20 s", "retrying in 9 s"))
    assert top_line(dialog) == before
    # A line in view that changes: the view stays on the first line that did not.
    first = before[0]
    changed = text.replace(first, first.replace("said at length", "said at more length, wrapped"))
    dialog.show_text("", changed.replace("retrying in 20 s", "retrying in 8 s"))
    block = dialog.text.cursorForPosition(QPoint(4, 4)).block()
    assert block.text() == first.replace("said at length", "said at more length, wrapped")


def test_folders_not_read_are_a_notice_not_a_problem_reading_logs(qtbot: QtBot) -> None:
    """Past 64 Codex folders, the others are not read: the status bar had counted that as
    "⚠ 1 problem reading logs" (and the problems' window had gone on to say that "the rest of
    them was read as usual"). It says it in its own words, and the window still lists it; the
    Usage page says it in the same words."""
    from codex_presence_gui.core.discovery import too_many_homes, too_many_homes_message
    from codex_presence_gui.viewmodels.usage import problems_details

    cap = "Only the first 64 Codex folders are read"
    window = shown_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), warnings=(too_many_homes(6),)))
    assert window.problems.full_text == f"⚠ {cap}"
    assert window.problems.accessibleName() == cap
    assert window.problems.shorter == ("⚠ Only 64 Codex folders read",)
    window.show_problems_details()
    dialog = opened(window)
    assert dialog.lead.text() == f"{cap}; their logs were read without a problem."
    assert too_many_homes_message(6) in dialog.text.toPlainText()
    # With a problem reading a log as well: that one is counted, the notice said beside it.
    window.show_dashboard(dashboard((session("shop"),), warnings=(too_many_homes(6), *problems(2))))
    assert window.problems.full_text == (
        "⚠ 2 problems reading logs; only the first 64 Codex folders are read"
    )
    assert window.problems.shorter[-2:] == ("⚠ 2 problems", "⚠ 2")
    assert dialog.lead.text() == (
        f"2 problems reading Codex's logs; the other logs were read as usual. {cap}."
    )
    window.show_dashboard(dashboard((session("shop"),), warnings=problems(1)))
    assert window.problems.full_text == "⚠ 1 problem reading logs"
    # The Usage page: its line and its window.
    notice = str(too_many_homes(6))
    assert problems_details((notice,))[0] == (
        f"{cap}: the calls in the others are missing from the usage. The logs of those read "
        "were counted as usual."
    )
    assert problems_details((notice, "a", "b"))[0] == (
        "2 problems in Codex's logs: the calls they hold may be missing from the usage; the "
        f"other logs were counted as usual. {cap}: the calls in the others are missing from "
        "the usage."
    )
    assert "rest" not in problems_details(("a", "b"))[0]
    from tests.unit.viewmodels.test_usage import TODAY, recent, slot

    page = usage_view(recent([slot(TODAY, 1000)], problems=(notice,)))
    assert page.problems_text == f"⚠ {cap}: calls in the others are missing here."
    assert page.problems_short == "⚠ Only 64 Codex folders read"
    page = usage_view(recent([slot(TODAY, 1000)], problems=(notice, "a")))
    assert page.problems_text == (
        "⚠ 1 problem in Codex's logs, and only the first 64 Codex folders are read: some calls "
        "are missing here."
    )


def test_the_usage_page_s_problems_window_says_calls_dated_by_guess_are_counted(
    qtbot: QtBot,
) -> None:
    """A call with no usable time is counted, on a day guessed from its file: the window the
    page's line opens says that, not that the calls "may be missing from the usage"."""
    from codex_presence_gui.ui.main_window import USAGE_PAGE
    from tests.unit.viewmodels.test_usage import TODAY, recent, slot

    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    said = ("1 call in rollout-a.jsonl with no usable time and no dated line before: dated to …",)
    window.show_usage(usage_view(recent([slot(TODAY, 1000)], problems=said, dating_problems=1)))
    QApplication.processEvents()
    qtbot.mouseClick(page.problems, Qt.MouseButton.LeftButton)
    dialog = page.problems_dialog
    assert dialog is not None
    assert dialog.lead.text().startswith(
        "1 problem in Codex's logs: the calls it holds are counted, but may be on the wrong day"
    )
