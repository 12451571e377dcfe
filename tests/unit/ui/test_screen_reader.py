"""What screen readers are told of the window: each figure a group read by its whole
sentence, never a tooltip's markup, a cut text or a bar's raw value."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleActionInterface,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QAccessibleInterface,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.models import Credits, LimitSnapshot, UsageWindow
from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.ui.main_window import USAGE_PAGE, MainWindow
from codex_presence_gui.ui.usage_chart import ChartMode
from codex_presence_gui.ui.window_state import LayoutMode
from codex_presence_gui.viewmodels.session_table import Column
from codex_presence_gui.viewmodels.usage import usage_view
from codex_presence_gui.viewmodels.usage_table import UsageColumn
from tests.helpers.snapshots import NOW, dashboard, limits, session
from tests.unit.ui.test_keyboard import shown_window
from tests.unit.ui.test_status_details import problems
from tests.unit.viewmodels.test_usage import TODAY, recent, slot

HOUR = 3600.0


def spoken(widget: QWidget, text: QAccessible.Text = QAccessible.Text.Name) -> str:
    """What a screen reader is given for ``widget``."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(text)


def test_limit_rows_say_their_window_whole(qtbot: QtBot) -> None:
    """Each limit's row is a group named with the whole sentence; its bar says what it is and
    its value in percent ("64", not "640" of a range to 1,000); a model's own limit says the
    model's name (two rows read "5h limit" otherwise); the credits are a Tab stop too."""
    window = shown_window(qtbot)
    account = limits()._replace(credits=Credits(True, False, "12.25"))
    spark = LimitSnapshot(
        "codex_other", "GPT-5.3-Codex-Spark", None, NOW - 30, (UsageWindow(300, 50, NOW + HOUR),)
    )
    board = replace(dashboard((session("shop"),), limit=account), other_limits=(spark,))
    window.show_dashboard(board)
    five, weekly, model = window.limits.bars
    interface = QAccessible.queryAccessibleInterface(five)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    name = spoken(five)
    assert name.startswith("5h limit: 64% left, resets ")
    assert spoken(five, QAccessible.Text.Description) == "Resets in 2 hours 13 minutes"
    assert spoken(weekly).startswith("Weekly limit: 18% left, resets ")
    assert spoken(weekly, QAccessible.Text.Description).startswith("Resets in 3 days")
    assert spoken(model).startswith("GPT-5.3-Codex-Spark 5h limit: 50% left, resets ")
    assert spoken(five.bar) == "5h limit left"
    assert spoken(five.bar, QAccessible.Text.Value) == "64"
    # A model's parts say whose they are: read alone, "5h limit left" is the account's.
    assert spoken(model.bar) == "GPT-5.3-Codex-Spark 5h limit left"
    assert spoken(model.chart) == "GPT-5.3-Codex-Spark 5h: what was left over the window"
    (credits,) = window.limits.footers
    assert spoken(credits) == "12.25 credits"
    assert credits in window.limits.tab_stops()


def test_the_card_and_the_compact_line_are_read_whole(qtbot: QtBot) -> None:
    """The card is a group named with the session's sentence; the compact layout's day line
    by its whole text, its tooltip as plain text."""
    window = shown_window(qtbot, LayoutMode.COMPACT, (420, 600))
    interface = QAccessible.queryAccessibleInterface(window.card)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    assert spoken(window.card).startswith("Active session shop: Running cargo test")
    assert "session total 52.4K" in spoken(window.card)
    line = window.usage_line
    assert line.full_text == "today: 1.4M tokens · ~$3.60"
    assert spoken(line) == "today: 1.4 million tokens, about $3.60"  # whole, its cost in words
    description = spoken(line, QAccessible.Text.Description)
    assert description.startswith("Tokens Codex used today")
    assert "<" not in description


def test_cut_texts_are_read_whole_and_tooltips_without_markup(qtbot: QtBot) -> None:
    """A text cut to fit ("shop (feat…") is read whole; what a tooltip says is read as
    text: screen readers had read the tooltip's markup aloud ("<p style=...")."""
    window = shown_window(qtbot)
    status = window.feed_status
    assert spoken(status, QAccessible.Text.Description).startswith("Reading Codex logs in ")
    assert "<" not in spoken(status, QAccessible.Text.Description)
    window.resize(window.minimumWidth(), window.height())
    QApplication.processEvents()
    title = window.card.title
    title.set_full_text("a-project-with-a-very-long-name-that-cannot-fit-on-the-card")
    title.resize(60, title.height())
    assert title.text() != title.full_text
    assert spoken(title) == title.full_text
    assert "<" not in spoken(window.limits, QAccessible.Text.Description)
    assert spoken(window.limits, QAccessible.Text.Description).startswith("Reading from session")


def test_usage_totals_chart_and_table_cells_are_read_as_text(qtbot: QtBot) -> None:
    """Each period's total is a group named with its numbers, described by its tooltip's
    text; the chart says what it shows; a table's cell is described by its tooltip's text."""
    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    today = page.periods[0]
    interface = QAccessible.queryAccessibleInterface(today)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    # A cost in words: "~" is read out as "tilde", "+" as "plus".
    assert spoken(today) == "Today: 1.4 million tokens, about $3.60, estimated"
    assert spoken(page.periods[2]) == "30 days: 1.99 million tokens, about $4.02 or more, estimated"
    description = spoken(today, QAccessible.Text.Description)
    assert description.startswith("Today: 1,401,000 tokens")
    assert "<" not in description
    assert spoken(page.chart) == "Daily usage, last 30 days"
    assert "days with usage" in spoken(page.chart, QAccessible.Text.Description)
    cost = page.project_table.model().index(0, 2)
    assert cost.data() == "~$3.40"
    assert cost.data(Qt.ItemDataRole.AccessibleTextRole) == "about $3.40"
    cell = page.project_table.model().index(0, 0)
    described = cell.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert described
    assert "<" not in described
    row = window.model.index(0, Column.PROJECT)
    assert "Folder:" in row.data(Qt.ItemDataRole.AccessibleDescriptionRole)


def test_the_bars_mode_is_told_as_a_choice_of_two(qtbot: QtBot) -> None:
    """Tokens | Cost (est.) are two radio buttons, the one shown checked, each named by its
    text and described by its tooltip; pressed by a screen reader, one takes the place of the
    other. They had been told as two check boxes, as if both could be on."""
    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    tokens = QAccessible.queryAccessibleInterface(page.tokens_button)
    cost = QAccessible.queryAccessibleInterface(page.cost_button)
    assert tokens is not None
    assert cost is not None
    for interface in (tokens, cost):
        assert interface.role() == QAccessible.Role.RadioButton
        assert interface.state().checkable
    assert tokens.text(QAccessible.Text.Name) == "Tokens"
    assert cost.text(QAccessible.Text.Name) == "Cost (est.)"
    assert cost.text(QAccessible.Text.Description).startswith("Bars of ")
    assert tokens.state().checked
    assert not cost.state().checked
    actions = cost.actionInterface()
    assert actions is not None
    assert actions.actionNames()[0] == QAccessibleActionInterface.toggleAction()
    actions.doAction(QAccessibleActionInterface.toggleAction())
    assert page.cost_button.isChecked()
    assert cost.state().checked
    assert not tokens.state().checked
    assert page.chart.mode is ChartMode.COST
    page.cost_button.setEnabled(False)  # no prices: the choice cannot be made
    assert cost.state().disabled
    assert QAccessibleActionInterface.toggleAction() not in actions.actionNames()


def test_a_minute_later_the_rows_and_the_card_keep_their_names(qtbot: QtBot) -> None:
    """A refresh a minute later (the countdowns, a quiet call's minutes) leaves the accessible
    names of the limit rows and the card as they were: screen readers read a changed name
    out again, each minute. The countdown is in the description, held while the keyboard is
    on the row (a new description is read out too) and given when it leaves. A real change
    (the percentage left) renames the row at once, focused or not."""
    window = shown_window(qtbot)
    quiet = session("shop", age=90, pending_calls=1)

    def board(at: float, used: tuple[float, float] = (36.0, 82.0)) -> Dashboard:
        return dashboard((quiet,), limit=limits(used), now=at)

    window.show_dashboard(board(NOW))
    five, weekly = window.limits.bars
    names = [spoken(five), spoken(weekly), spoken(window.card)]
    assert "2h 13m" not in names[0]
    assert spoken(five, QAccessible.Text.Description) == "Resets in 2 hours 13 minutes"
    assert "1 minute" not in names[2]
    card_description = spoken(window.card, QAccessible.Text.Description)
    assert card_description == "No word in the log from the call for 1 minute"
    window.show_dashboard(board(NOW + 60))
    assert [spoken(five), spoken(weekly), spoken(window.card)] == names
    assert spoken(five, QAccessible.Text.Description) == "Resets in 2 hours 12 minutes"
    assert spoken(window.card, QAccessible.Text.Description).endswith("for 2 minutes")
    # The keyboard on the row: its description waits, its name follows real changes.
    five.setFocus(Qt.FocusReason.TabFocusReason)
    window.show_dashboard(board(NOW + 120))
    assert spoken(five) == names[0]
    assert spoken(five, QAccessible.Text.Description) == "Resets in 2 hours 12 minutes"
    window.show_dashboard(board(NOW + 180, used=(40.0, 82.0)))
    assert spoken(five).startswith("5h limit: 60% left, resets ")
    assert spoken(five).removeprefix("5h limit: 60%") == names[0].removeprefix("5h limit: 64%")
    window.table.setFocus(Qt.FocusReason.TabFocusReason)
    assert spoken(five, QAccessible.Text.Description) == "Resets in 2 hours 10 minutes"


def test_a_retry_s_countdown_leaves_the_focused_discord_item_as_it_was(qtbot: QtBot) -> None:
    """The Discord item is named by the state ("…, retrying"), its countdown in the
    description: counted down each second, the item the keyboard is on keeps its name and
    its description (it had been read out again each second), and the try it ends in keeps
    them too. Connected, it is renamed at once; its description follows when the keyboard
    leaves."""
    window = shown_window(qtbot)
    item = window.discord_status
    window.set_discord_preview(["Editing cart.py"])
    window.set_discord_status("Discord not running, retrying in 20s")
    assert spoken(item) == "Discord not running, retrying"
    assert spoken(item, QAccessible.Text.Description) == (
        "Retrying in 20 seconds\nFriends on Discord would see:\nEditing cart.py"
    )
    window.set_discord_status("Discord not running, retrying in 15s")
    assert spoken(item, QAccessible.Text.Description).startswith("Retrying in 15 seconds\n")
    item.setFocus(Qt.FocusReason.TabFocusReason)
    assert item.hasFocus()
    for left in ("10s", "9s", "8s"):
        window.set_discord_status(f"Discord not running, retrying in {left}")
        assert item.full_text.endswith(left)  # what the bar shows counts down
        assert spoken(item) == "Discord not running, retrying"
        assert spoken(item, QAccessible.Text.Description).startswith("Retrying in 15 seconds\n")
    for text in ("Discord not running, retrying now", "Discord: connecting…"):
        window.set_discord_status(text)
        assert spoken(item) == "Discord not running, retrying"
        assert spoken(item, QAccessible.Text.Description).startswith("Retrying in 15 seconds\n")
    window.set_discord_status("Discord: connected", connected=True)
    assert spoken(item) == "Discord: connected"
    assert spoken(item, QAccessible.Text.Description).startswith("Retrying in 15 seconds\n")
    window.table.setFocus(Qt.FocusReason.TabFocusReason)
    assert spoken(item, QAccessible.Text.Description) == "Friends on Discord see:\nEditing cart.py"
    # Lost again: another state, named at once, focused or not.
    item.setFocus(Qt.FocusReason.TabFocusReason)
    window.set_discord_status("Discord connection lost, retrying in 1.2s")
    assert spoken(item) == "Discord connection lost, retrying"
    window.set_discord_status("Discord: connecting…")
    window.set_discord_status("Discord: connection failed (refused), retrying in 2s")
    assert spoken(item) == "Discord: connection failed (refused), retrying"


def test_the_focused_problems_item_keeps_its_name_until_the_count_changes(
    qtbot: QtBot,
) -> None:
    """The problems item is named by their count, its description (the problems) held while
    the keyboard is on it: a problem that says something new (a file's malformed lines
    counted again) is not read out over the user; another count renames it at once, and the
    description follows when the keyboard leaves."""
    window = shown_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    first, second = problems(2)

    def show(*warnings: Problem) -> None:
        window.show_dashboard(dashboard(three, limit=limits(), warnings=warnings))

    show(first, second)
    item = window.problems
    assert spoken(item) == "2 problems reading logs"
    said = spoken(item, QAccessible.Text.Description)
    assert said == f"{first}\n{second}"
    item.setFocus(Qt.FocusReason.TabFocusReason)
    assert item.hasFocus()
    more = Problem(first.kind, first.detail.replace("3 malformed", "4 malformed"), first.path)
    show(more, second)
    assert spoken(item) == "2 problems reading logs"
    assert spoken(item, QAccessible.Text.Description) == said
    third = Problem(ProblemKind.UNREADABLE, "cannot read /tmp/x.jsonl: Permission denied")
    show(more, second, third)
    assert item.full_text == "⚠ 3 problems reading logs"
    assert spoken(item) == "3 problems reading logs"
    assert spoken(item, QAccessible.Text.Description) == said
    window.table.setFocus(Qt.FocusReason.TabFocusReason)
    assert spoken(item, QAccessible.Text.Description) == f"{more}\n{second}\n{third}"


def test_the_usage_figures_are_told_again_only_when_usage_comes_in(qtbot: QtBot) -> None:
    """The Usage page's totals and the compact window's day line say nothing that runs on
    with the clock: the usage read again a minute later, the same, leaves their names and
    descriptions as they were (a focused figure's new name is read out); usage that comes in
    renames them at once."""
    window = shown_window(qtbot, LayoutMode.COMPACT, (420, 600))
    slots = [slot(TODAY, 1_075_000, 125_000), slot(TODAY - timedelta(days=3), 500_000, 2000)]
    window.show_usage(usage_view(recent(slots, generated_at=NOW)))
    line, periods = window.usage_line, window.usage_page.periods
    line.setFocus(Qt.FocusReason.TabFocusReason)
    assert line.hasFocus()

    def told() -> list[tuple[str, str]]:
        return [(spoken(w), spoken(w, QAccessible.Text.Description)) for w in (line, *periods)]

    before = told()
    assert before[0][0] == "today: 1.2 million tokens, about $3.40"
    window.show_usage(usage_view(recent(slots, generated_at=NOW + 60)))
    assert told() == before
    slots.append(slot(TODAY, 1_000_000, 0))
    window.show_usage(usage_view(recent(slots, generated_at=NOW + 120)))
    assert spoken(line).startswith("today: 2.2 million tokens")
    assert spoken(periods[0]).startswith("Today: 2.2 million tokens")


def test_texts_kept_as_written_reach_screen_readers_without_marks(qtbot: QtBot) -> None:
    """The buttons' and menu items' texts kept as written in a right-to-left window ("Export
    CSV…", "Settings…") carry their left-to-right marks there only: a screen reader is given
    the marks too, and in a left-to-right window they had been in every such name. Turned
    right to left while open, the window draws them as written all the same."""
    from codex_presence_gui.core.settings import Settings
    from codex_presence_gui.ui.labels import LEFT_TO_RIGHT_MARK
    from codex_presence_gui.ui.settings_dialog import SettingsDialog
    from tests.unit.ui.test_tray import make_tray

    window = shown_window(qtbot)
    dialog = SettingsDialog(Settings(), lambda _presence: ["Using Codex"])
    qtbot.addWidget(dialog)
    tray = make_tray(qtbot)
    buttons = [window.usage_page.export_button, window.setup_panel.choose, dialog.add_folder]
    actions = [window.settings_action, window.problems_action, *tray.menu.actions()]
    menus = [action.menu() for action in window.menuBar().actions()]

    def told() -> list[str]:
        items = [
            item
            for menu in [*menus, tray.menu]
            if menu is not None and (interface := QAccessible.queryAccessibleInterface(menu))
            for item in (interface.child(index) for index in range(interface.childCount()))
        ]
        return [
            *(spoken(button) for button in buttons),
            *(item.text(QAccessible.Text.Name) for item in items),
            spoken(dialog.idle, QAccessible.Text.Value),
            *(dialog.idle.itemText(index) for index in range(dialog.idle.count())),
        ]

    names = told()
    assert {"Export CSV…", "Choose Codex folder…", "Add folder…", "Settings…"} <= set(names)
    assert not [name for name in names if LEFT_TO_RIGHT_MARK in name]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # as ``-reverse`` does
    try:
        marked = [button.text() for button in buttons] + [action.text() for action in actions]
        marked.append(dialog.idle.currentText())
        for text in [*marked[:5], marked[-1]]:
            assert text.startswith(LEFT_TO_RIGHT_MARK), text
            assert text.endswith(LEFT_TO_RIGHT_MARK), text
        # The window's and the tray's.
        assert marked.count(LEFT_TO_RIGHT_MARK + "&Settings…" + LEFT_TO_RIGHT_MARK) == 2
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    assert not [name for name in told() if LEFT_TO_RIGHT_MARK in name]


def _table_cell(window: MainWindow, row: int, column: int) -> QAccessibleInterface:
    """The accessible cell of the sessions table at ``row`` and ``column`` (by its place among
    the table's children: a row header, then a row's cells, after the column headers)."""
    table = QAccessible.queryAccessibleInterface(window.table)
    assert table is not None
    cells = [table.child(n) for n in range(table.childCount())]
    rows = [cell for cell in cells if cell.role() == QAccessible.Role.Cell]
    return rows[row * len(Column) + column]


def test_the_ticking_last_activity_cell_is_read_in_words(qtbot: QtBot) -> None:
    """The Last activity cell is read "12 minutes ago" ("12m" can be read as metres), as it
    ticks too; its description leads with the same words."""
    window = shown_window(qtbot)
    board = dashboard((session("shop", age=12 * 60 + 5),), limit=limits())
    window.show_dashboard(board)
    cell = _table_cell(window, 0, Column.LAST_ACTIVITY)
    assert window.model.index(0, Column.LAST_ACTIVITY).data() == "12m ago"
    assert cell.text(QAccessible.Text.Name) == "12 minutes ago"
    assert cell.text(QAccessible.Text.Description).startswith("12 minutes ago\nLast sign of ")
    window.show_dashboard(replace(board, generated_at=NOW + 2 * HOUR))  # only the clock moved
    cell = _table_cell(window, 0, Column.LAST_ACTIVITY)
    assert window.model.index(0, Column.LAST_ACTIVITY).data() == "2h ago"
    assert cell.text(QAccessible.Text.Name) == "2 hours ago"
    # The other cells are read as they show.
    assert _table_cell(window, 0, Column.CONTEXT).text(QAccessible.Text.Name) == "94% left"


def test_a_quiet_call_in_the_activity_cell_s_description_is_read_in_words(
    qtbot: QtBot,
) -> None:
    """The Activity cell's description says how long a running call has been quiet in words,
    as the card's does ("25m" can be read as metres), as the clock moves too; its tooltip
    writes it as every duration is written."""
    window = shown_window(qtbot)
    board = dashboard((session("shop", age=25 * 60, pending_calls=1),))
    window.show_dashboard(board)
    index = window.model.index(0, Column.ACTIVITY)
    assert "no word in the log for 25m" in index.data(Qt.ItemDataRole.ToolTipRole)
    described = _table_cell(window, 0, Column.ACTIVITY).text(QAccessible.Text.Description)
    assert described.endswith(", no word in the log for 25 minutes"), described
    window.show_dashboard(replace(board, generated_at=NOW + HOUR))  # only the clock moved
    described = _table_cell(window, 0, Column.ACTIVITY).text(QAccessible.Text.Description)
    assert described.endswith(", no word in the log for 1 hour"), described
    # A session without a running call is described as its tooltip says.
    window.show_dashboard(dashboard((session("shop"),)))
    index = window.model.index(0, Column.ACTIVITY)
    described = _table_cell(window, 0, Column.ACTIVITY).text(QAccessible.Text.Description)
    assert (
        described == index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "Running cargo test"
    )


def test_the_limits_panel_s_durations_are_read_in_words(qtbot: QtBot) -> None:
    """The reset's countdown under a bar, the reading's age above the bars and the stale
    reading's line are read in words ("2 hours 13 minutes": "2h 13m" can be read as metres),
    and follow the clock."""
    window = shown_window(qtbot)
    board = dashboard((session("shop"),), limit=limits(observed=NOW - 35 * 60))
    window.show_dashboard(board)
    panel = window.limits
    five = panel.bars[0]
    assert five.status.text().startswith("resets in 2h 13m (")
    assert spoken(five.status).startswith("resets in 2 hours 13 minutes (")
    assert panel.age.full_text == "updated 35m ago"
    assert spoken(panel.age) == "updated 35 minutes ago"
    assert panel.stale.text().startswith("As of 35m ago: ")
    assert spoken(panel.stale).startswith("As of 35 minutes ago: may be out of date")
    window.show_dashboard(replace(board, generated_at=NOW + HOUR))
    assert spoken(five.status).startswith("resets in 1 hour 13 minutes (")
    assert spoken(panel.age) == "updated 1 hour ago"
    assert spoken(panel.stale).startswith("As of 1 hour ago: ")


def test_the_card_s_quiet_call_is_read_in_words(qtbot: QtBot) -> None:
    """The card's activity line shows how long a call has been quiet ("Running cargo test ·
    25m"); screen readers are told it in words."""
    window = shown_window(qtbot)
    window.show_dashboard(dashboard((session("shop", age=25 * 60, pending_calls=1),)))
    activity = window.card.activity
    assert activity.full_text == "Running cargo test · 25m"
    assert spoken(activity) == "Running cargo test, no word in the log for 25 minutes"
    window.show_dashboard(dashboard((session("shop"),)))  # a word in the log: as shown
    assert spoken(activity) == activity.full_text == "Running cargo test"


def test_a_notice_is_a_group_read_by_what_it_says(qtbot: QtBot) -> None:
    """A notice is told as a group named by its text, as the figures are: told as a "frame",
    which AT-SPI keeps for windows, a screen reader could take it for a window of its own."""
    window = shown_window(qtbot)
    window.show_notice("5h limit: 10% left", key="low")
    (notice,) = window.info_bar.notices
    interface = QAccessible.queryAccessibleInterface(notice)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    assert spoken(notice) == "5h limit: 10% left"
    assert spoken(notice.close_button) == "Dismiss this notice"


def test_the_first_run_panel_and_the_export_message_are_groups_named_by_what_they_say(
    qtbot: QtBot,
) -> None:
    """The first-run panel and the Usage page's export message are groups named by what they
    say, as a notice is (told as frames, with no name, their buttons had been read with
    nothing of what they are about: "Choose Codex folder…" alone)."""
    window = shown_window(qtbot)
    home = Path("/nowhere/.codex")
    window.show_dashboard(dashboard(homes=(home,), missing=(home,)))
    panel = window.setup_panel
    assert panel.isVisible()
    interface = QAccessible.queryAccessibleInterface(panel)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    assert spoken(panel) == "Codex's folder was not found"
    window.open_page(USAGE_PAGE)
    toast = window.usage_page.export_row
    toast.say("Saved /tmp/usage.csv", file=Path("/tmp/usage.csv"))
    interface = QAccessible.queryAccessibleInterface(toast)
    assert interface is not None
    assert interface.role() == QAccessible.Role.Grouping
    assert spoken(toast) == "Saved /tmp/usage.csv"


class Announcements:
    """What the app asks screen readers to say, with a reader listening (stood in for: no
    platform of the tests has one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.said: list[tuple[str, bool]] = []
        monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
        monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(self._update))

    def _update(self, event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            urgent = event.politeness() is QAccessible.AnnouncementPoliteness.Assertive
            self.said.append((event.message(), urgent))


def test_an_export_s_result_is_said_where_the_keyboard_is(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the keyboard on Export CSV…, the save's result shows over the page's foot: it is
    said too (a screen reader user had never learnt whether the file was written), a failure
    at once."""
    reader = Announcements(monkeypatch)
    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    window.show_usage(usage_view(recent([slot(TODAY, 1_075_000, 125_000)], generated_at=NOW)))
    target = tmp_path / "usage.csv"
    with qtbot.waitSignal(page.export_done, timeout=5000):
        assert page.export_csv(target)
    assert reader.said == [("Saving usage.csv…", False), (f"Saved {target}", False)]
    reader.said.clear()
    with qtbot.waitSignal(page.export_done, timeout=5000):
        assert page.export_csv(tmp_path)  # a folder
    ((message, urgent),) = reader.said[1:]
    assert message.startswith(f"Could not write {tmp_path}")
    assert urgent


def test_a_new_notice_is_said_once_and_again_only_when_it_says_something_new(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notice appears where the keyboard is not: it is said as it shows, a limit running
    low at once, and not again when a refresh shows it unchanged."""
    reader = Announcements(monkeypatch)
    window = shown_window(qtbot)
    window.show_notice("5h limit: 10% left", Level.LOW, key="low")
    window.show_notice("5h limit: 10% left", Level.LOW, key="low")
    window.show_notice("5h limit: 8% left", Level.LOW, key="low")
    window.show_notice("Discord is not running", Level.WARN, key="discord")
    assert reader.said == [
        ("5h limit: 10% left", True),
        ("5h limit: 8% left", True),
        ("Discord is not running", False),
    ]


def test_nothing_is_sent_with_no_screen_reader_listening(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[QAccessibleEvent] = []
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: False))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(sent.append))
    window = shown_window(qtbot)
    window.show_notice("5h limit: 10% left", Level.LOW, key="low")
    assert not any(isinstance(event, QAccessibleAnnouncementEvent) for event in sent)


def test_the_window_runs_on_a_qt_without_announcements() -> None:
    """PySide6 6.7, which the app supports, has no QAccessibleAnnouncementEvent (Qt 6.8):
    nothing is said, and the window works. Imported by name, it had kept every window and
    screenshot from starting (an ImportError)."""
    import os
    import subprocess
    import sys

    script = (
        "from PySide6 import QtGui\n"
        "QtGui.QAccessibleAnnouncementEvent  # (made on first use, then taken away)\n"
        "del QtGui.QAccessibleAnnouncementEvent\n"
        "from PySide6.QtGui import QAccessible\n"
        "from PySide6.QtWidgets import QApplication\n"
        "QAccessible.isActive = staticmethod(lambda: True)\n"
        "app = QApplication([])\n"
        "from codex_presence_gui.ui.info_bar import InfoBar\n"
        "bar = InfoBar()\n"
        "bar.add_notice('5h limit: 10% left')\n"
        "print(bar.notices[0].text)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "5h limit: 10% left\n"


def cell_spoken(table: QAbstractItemView, row: int, column: int) -> str:
    """What a screen reader is given for a table's cell, as the view lists it (its cells
    come after its titles, a row at a time)."""
    interface = QAccessible.queryAccessibleInterface(table)
    assert interface is not None
    children = (interface.child(n) for n in range(interface.childCount()))
    cells = [child for child in children if child.role() == QAccessible.Role.Cell]
    cell = cells[row * table.model().columnCount() + column]
    return cell.text(QAccessible.Text.Name)


def test_cells_with_nothing_to_show_are_read_in_words(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    """A dash in a cell (no share measured yet, no known price, so no share of the cost) is
    read as what it means: screen readers had read "en dash", "em dash", or nothing."""
    window = shown_window(qtbot)
    qtmodeltester.check(window.model, force_py=True)
    shop = window.table.model().index(0, Column.SHARE)
    assert shop.data() == "–"
    assert cell_spoken(window.table, 0, Column.SHARE) == "no share measured yet"
    assert cell_spoken(window.table, 0, Column.TOKENS).startswith("this update 26.4 thousand")
    window.open_page(USAGE_PAGE)
    table = window.usage_page.model_table
    model = table.model()
    names = [model.index(row, UsageColumn.NAME).data() for row in range(model.rowCount())]
    mystery = names.index("mystery")  # no known price
    assert model.index(mystery, UsageColumn.COST).data() == "–"
    assert cell_spoken(table, mystery, UsageColumn.COST) == "no known price"
    assert cell_spoken(table, mystery, UsageColumn.SHARE) == "5%"  # as drawn
    window.usage_page.set_mode(ChartMode.COST)  # the Share column: of the cost
    assert model.index(mystery, UsageColumn.SHARE).data() == "–"
    assert cell_spoken(table, mystery, UsageColumn.SHARE) == "no share of the cost"
    assert cell_spoken(table, 0, UsageColumn.COST).startswith("about $")
    source = window.usage_page.model_table.model()
    while hasattr(source, "sourceModel"):
        source = source.sourceModel()
    qtmodeltester.check(source, force_py=True)


def test_the_chart_the_cache_line_and_the_tables_say_costs_in_words(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    """The chart's summary and the day the keyboard is on, the cache's savings and a table
    row's lines by model say "about $3.60", "or more" and commas, as the totals do: screen
    readers had read "dot tilde dollar 3.60 plus" out of the tooltips' text."""
    window = shown_window(qtbot)
    window.open_page(USAGE_PAGE)
    page = window.usage_page
    chart = page.chart
    assert chart.hover_text(len(chart.chart.days) - 1).endswith("Total: 1.4M tokens · ~$3.60")
    summary = spoken(chart, QAccessible.Text.Description)
    assert summary.endswith("the most on Wed 20 May: Total: 1.4 million tokens, about $3.60")
    chart.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(chart, Qt.Key.Key_End)
    today = spoken(chart, QAccessible.Text.Description)
    assert today.endswith("\nTotal: 1.4 million tokens, about $3.60")
    assert "gpt-a: 1.2 million tokens, about $" in today
    assert not {"~", "·"} & set(today)
    page.set_mode(ChartMode.COST)
    assert not {"~", "·"} & set(spoken(chart, QAccessible.Text.Description))
    assert page.cache.text().endswith("which saved ~$0.60.")
    assert spoken(page.cache).endswith("which saved about $0.60.")
    model = page.project_table.model()
    qtmodeltester.check(model, force_py=True)
    for row in range(model.rowCount()):
        described = model.index(row, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
        assert "~$" not in described
        assert "·" not in described


def test_the_tool_bar_s_pages_are_told_as_a_choice_of_two(qtbot: QtBot) -> None:
    """Live | Usage are two radio buttons, the page shown checked, and pressed by a screen
    reader one opens its page; Always on top stays a check box, Refresh a button. The pages
    had been told as check boxes: "Usage, check box, not checked" read as a setting."""
    window = shown_window(qtbot)
    told = {}
    for action in (window.live_action, window.usage_action, window.on_top_action):
        interface = QAccessible.queryAccessibleInterface(window.toolbar.widgetForAction(action))
        assert interface is not None
        told[action] = interface
    live, usage = told[window.live_action], told[window.usage_action]
    assert live.role() == usage.role() == QAccessible.Role.RadioButton
    assert told[window.on_top_action].role() == QAccessible.Role.CheckBox
    refresh = QAccessible.queryAccessibleInterface(
        window.toolbar.widgetForAction(window.refresh_action)
    )
    assert refresh is not None
    assert refresh.role() == QAccessible.Role.Button
    assert live.text(QAccessible.Text.Name) == "Live"
    assert live.state().checked
    assert not usage.state().checked
    actions = usage.actionInterface()
    assert actions is not None
    actions.doAction(QAccessibleActionInterface.toggleAction())
    assert window.page == USAGE_PAGE
    assert usage.state().checked
    assert not live.state().checked
