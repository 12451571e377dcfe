"""Every state shown after every other in one window that stays open: still laid out (rows
and lines that appear while the window shows must get their room; notices that come while
it shows are in ``test_main_window``), and the compact table never a repeat of the card."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.app import read_usage_view, settle
from codex_presence_gui.core.dashboard import Dashboard, build_dashboard, history_since
from codex_presence_gui.core.history import HistoryReader
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.ui.layout_check import check_layout
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.window_state import LayoutMode
from codex_presence_gui.viewmodels.card import lists_only_the_card
from codex_presence_gui.viewmodels.usage import UsageView
from tests.helpers.layout_states import write_states


def every_transition(names: list[str]) -> list[str]:
    """An order of showing ``names`` that goes from each to each other exactly once (an
    Euler circuit of the complete directed graph, found by Hierholzer's method)."""
    left = {name: [other for other in names if other != name] for name in names}
    stack, circuit = [names[0]], []
    while stack:
        here = stack[-1]
        if left[here]:
            stack.append(left[here].pop())
        else:
            circuit.append(stack.pop())
    return circuit[::-1]


def test_every_transition_is_listed_once() -> None:
    order = every_transition(["a", "b", "c", "d"])
    steps = list(pairwise(order))
    assert len(steps) == len(set(steps)) == 4 * 3


def views(homes: dict[str, Path]) -> dict[str, tuple[Dashboard, UsageView]]:
    """Each state's dashboard and Usage view, as the feeds deliver them."""
    shown = {}
    for name, home in homes.items():
        reader = CodexReader([home])
        result = reader.refresh()
        found = reader.discovery
        history = HistoryReader().refresh(
            found.files if found is not None else (), since=history_since(result)
        )
        shown[name] = (build_dashboard(result, history=history), read_usage_view([home]))
    return shown


@pytest.mark.slow
@pytest.mark.parametrize(("layout", "size"), [("compact", (340, 400)), ("auto", (420, 420))])
def test_each_state_after_each_other_lays_out(
    qtbot: QtBot, tmp_path: Path, layout: str, size: tuple[int, int]
) -> None:
    shown = views(write_states(tmp_path / "homes"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_layout_mode(LayoutMode(layout))
    window.resize(*size)
    window.show()
    found = []
    order = every_transition(list(shown))
    before = None
    tables = 0  # states shown compact with the table: the check above had something to see
    for state in order:
        board, usage = shown[state]
        window.show_dashboard(board)
        window.show_usage(usage)
        settle()
        found += [f"{before} → {state}: {problem}" for problem in check_layout(window)]
        if window.compact and window.table.isVisible() and lists_only_the_card(board):
            found.append(f"{before} → {state}: the table repeats the card's one session")
        tables += window.compact and window.table.isVisible()
        before = state
    assert not found, "\n".join(found[:20])
    assert layout == "compact" or tables > 0
