"""Sessions whose names differ only in what would not show (a bidi override, a zero-width
space, a no-break space) read differently in the window's table, card and limits panel."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from codex_presence_gui.core.dashboard import for_display
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.presence import PresenceSettings, ProjectRule, RuleAction, compose_card
from codex_presence_gui.core.sanitize import BIDI_CONTROLS, clean_text
from codex_presence_gui.viewmodels.card import card_view
from codex_presence_gui.viewmodels.limits import limits_view
from codex_presence_gui.viewmodels.session_table import (
    Column,
    SessionTableModel,
    ShortTextRole,
    row_view,
)
from tests.helpers.snapshots import NOW, dashboard, limits, session

pytestmark = pytest.mark.usefixtures("qapp")

#: Three sessions that read the same once cleaned: "shop", on gpt-5.
SESSIONS = (
    session("a", project="shop", model="gpt-5"),
    session("b", project="\u202eshop", model="gpt-5\u200b", git_branch=None),
    session("c\u202e", project="shop\u2060", model="gpt\u20605"),
)


def _hidden(text: str) -> bool:
    return any(char in BIDI_CONTROLS or not char.isprintable() for char in text if char != "\n")


def test_the_table_tells_look_alike_sessions_apart(qtmodeltester: ModelTester) -> None:
    model = SessionTableModel()
    model.show_dashboard(for_display(dashboard(SESSIONS)))
    qtmodeltester.check(model, force_py=True)
    for column in (Column.PROJECT, Column.MODEL):
        shown = [model.data(model.index(row, column)) for row in range(model.rowCount())]
        assert len(set(shown)) == len(SESSIONS), shown
        assert not any(_hidden(text) for text in shown)
    projects = {model.data(model.index(row, Column.PROJECT)) for row in range(3)}
    assert {"shop (main)", "\\u202eshop", "shop\\u2060 (main)"} == projects
    models = {model.data(model.index(row, Column.MODEL)) for row in range(3)}
    assert models == {"gpt-5", "gpt-5\\u200b", "gpt\\u20605"}
    for row in range(3):
        tips = [
            model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole) for column in Column
        ]
        short = model.data(model.index(row, Column.PROJECT), ShortTextRole)
        assert not any(_hidden(text) for text in (*tips, short or ""))


def test_a_session_id_is_shown_escaped_in_its_tooltip() -> None:
    row = row_view(SESSIONS[2], False, NOW)
    assert "Session: c\\u202e" in row.tooltip[Column.PROJECT]


def test_the_card_names_the_session_as_the_table_does() -> None:
    view = card_view(for_display(dashboard(SESSIONS[1:2])).sessions[0], now=NOW)
    assert view.project == "\\u202eshop"
    assert view.details.startswith("gpt-5\\u200b · ")
    assert "\\u202eshop" in view.spoken


def test_the_limits_panel_tells_look_alike_buckets_apart() -> None:
    windows = (UsageWindow(300, 10.0, NOW + 3600),)
    plain = LimitSnapshot("codex_a", "GPT-5", None, NOW - 40, windows)
    forged = LimitSnapshot("codex_b", "\u202eGPT-5", None, NOW - 40, windows)
    assert plain.display_name != forged.display_name == "\\u202eGPT-5"
    board = replace(dashboard(SESSIONS[2:], limit=limits()), other_limits=(plain, forged))
    view = limits_view(for_display(board))
    headings = [group.heading for group in view.groups]
    assert headings == [None, "GPT-5 limits", "\\u202eGPT-5 limits"]
    assert "session shop\\u2060 (c\\u202e)" in view.tooltip
    assert not _hidden(view.tooltip)


def test_discord_still_cleans_the_names_and_rules_still_match_them() -> None:
    """Discord's card has the names cleaned, and a rule for "shop" hides "\\u202eshop" too,
    from the window's board (names left as they are) as from ``discord preview``'s."""
    for board in (dashboard(SESSIONS[1:2]), for_display(dashboard(SESSIONS[1:2]))):
        card = compose_card(board.active, None, PresenceSettings(), NOW)
        assert card is not None
        assert "shop" in (card.details or "")
        said = (card.details or "") + (card.state or "")
        assert clean_text(said) == said  # as Discord's card cleans every text
        hidden = PresenceSettings(rules=(ProjectRule("shop", RuleAction.HIDE),))
        assert compose_card(board.active, None, hidden, NOW) is None
