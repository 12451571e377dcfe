"""The Model column of a session with no model logged yet: kept as with Codex's own model."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import build_dashboard
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.sessions_table import SessionsTable
from codex_presence_gui.viewmodels.session_table import Column, SessionTableModel
from tests.helpers import rollout as r
from tests.helpers.layout_states import HOUR, Session, write_session
from tests.helpers.rollout import CodexHome
from tests.helpers.snapshots import NOW, session

FONT = Qt.ItemDataRole.FontRole


def one_session_table(qtbot: QtBot, model: str | None) -> SessionsTable:
    rows = SessionTableModel()
    rows.update([session("shop", model=model)], "shop", NOW)
    table = SessionsTable(rows)
    qtbot.addWidget(table)
    table.resize(820, 260)
    table.show()
    qtbot.waitExposed(table)
    return table


def test_the_placeholder_keeps_the_model_column_wherever_a_model_name_would(
    qtbot: QtBot,
) -> None:
    """The active row's "not logged yet", measured bold, had needed 5 px more than Codex's own
    model name: at the widths between, the Model column was hidden for want of a model. At
    every width where a session of ``gpt-5.3-codex`` shows the column, it shows (drawn in
    the regular weight, the placeholder is the narrower: it may show where the name would
    not)."""
    placeholder = one_session_table(qtbot, None)
    named = one_session_table(qtbot, "gpt-5.3-codex")
    hidden_for_want_of_a_model = []
    for width in range(600, 1000):
        placeholder.fit_to(width)
        named.fit_to(width)
        hidden = Column.MODEL in placeholder.hidden_columns()
        if hidden and Column.MODEL not in named.hidden_columns():
            hidden_for_want_of_a_model.append(width)
    assert hidden_for_want_of_a_model == []


def test_the_placeholder_is_drawn_in_the_regular_weight_in_the_active_row(qtbot: QtBot) -> None:
    """Measured in the weight it is drawn in: the app's words, not a name, are not bold; the
    row's other cells are."""
    table = one_session_table(qtbot, None)
    rows = table.source_model
    fonts = {column: rows.data(rows.index(0, column), FONT) for column in Column}
    assert fonts.pop(Column.MODEL) is None
    assert all(isinstance(font, QFont) and font.bold() for font in fonts.values())


def test_a_window_of_the_first_size_shows_the_model_column_of_a_session_without_one(
    codex_home: CodexHome, qtbot: QtBot
) -> None:
    """At 820x580, one session whose log names no model yet (the Share column shown too):
    the table had hidden its Model column, where a session of ``gpt-5.3-codex`` shows it."""
    shown = {}
    for model in ("", "gpt-5.3-codex"):
        home = CodexHome(codex_home.root.parent / f"home-{model or 'none'}")
        (home.root / "sessions").mkdir(parents=True)
        now = time.time()
        reading = r.limits(
            (36.0, 300, int(now + 2 * HOUR)), (71.0, 10080, int(now + 50 * HOUR)), plan_type="plus"
        )
        write_session(home, 1, now, Session(model=model), [reading])
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(820, 580)
        window.show_dashboard(build_dashboard(CodexReader([home.root]).refresh()))
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda window=window: window.table.viewport().width() > 0)
        assert window.table.isVisible()
        shown[model] = window.table.hidden_columns()
    assert Column.MODEL not in shown[""]
    assert shown[""] == shown["gpt-5.3-codex"]
