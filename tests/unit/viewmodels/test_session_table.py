"""The sessions table model: valid for Qt, updated in place, sortable on raw values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import SessionShare
from codex_presence_gui.core.formatting import local_time
from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    ContextUsage,
)
from codex_presence_gui.viewmodels import session_table
from codex_presence_gui.viewmodels.session_table import (
    ActiveRole,
    Column,
    EndedRole,
    RowView,
    SessionRole,
    SessionSortProxy,
    SessionTableModel,
    SortKey,
    SortRole,
    row_view,
)
from tests.helpers.snapshots import NOW, dashboard, session, tooltip_text

# Icons are pixmaps: they need the (offscreen) application.
pytestmark = pytest.mark.usefixtures("qapp")


def text(model: SessionTableModel, row: int, column: Column) -> str:
    return str(model.data(model.index(row, column)))


def test_model_passes_the_qt_model_tester(qtmodeltester: ModelTester) -> None:
    """Qt's own consistency checks hold before and during updates."""
    model = SessionTableModel()
    model.update([session("a"), session("b", age=30)], "a", NOW)
    qtmodeltester.check(model, force_py=True)
    model.update([session("b", age=31), session("c")], "c", NOW + 1)
    model.update([], None, NOW + 2)
    model.update([session("d")], "d", NOW + 3)


@pytest.mark.parametrize("order", [Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder])
def test_the_sorting_proxy_passes_the_qt_model_tester(
    qtmodeltester: ModelTester, order: Qt.SortOrder
) -> None:
    """The proxy over the model stays consistent for Qt while it sorts every column both
    ways and rows change, end, come and go."""
    model = SessionTableModel()
    proxy = SessionSortProxy(model)
    model.update([session("a"), session("b", age=30, model=None)], "a", NOW)
    qtmodeltester.check(proxy, force_py=True)
    for column in Column:
        proxy.sort(column, order)
        model.update(
            [session("b", age=31, model=None), session("c", session_total_tokens=None)],
            "c",
            NOW + 1,
            ended={"b"},
        )
        model.update([session("a"), session("c", context=None)], "a", NOW + 2)


def test_rows_show_the_triplet_and_plain_words() -> None:
    """Display text, tooltips with exact numbers, and the active row's highlight."""
    model = SessionTableModel()
    model.update(
        [session("shop"), session("docs", age=600, activity=Activity(ActivityKind.WAITING))],
        "shop",
        NOW,
    )
    assert text(model, 0, Column.PROJECT) == "shop (main)"
    assert text(model, 0, Column.ACTIVITY) == "Running cargo test"
    assert text(model, 0, Column.TOKENS) == "26.4K | 26.4K | 52.4K"
    assert text(model, 0, Column.CONTEXT) == "94% left"
    assert text(model, 0, Column.LAST_ACTIVITY) == "5s ago"
    assert text(model, 1, Column.LAST_ACTIVITY) == "10m ago"
    tip = tooltip_text(model.data(model.index(0, Column.TOKENS), Qt.ItemDataRole.ToolTipRole))
    assert "Session total: 52,414 tokens" in tip
    assert "Input 51,234 (40,960 from cache) · output 1,180 (640 reasoning)" in tip
    # The figure of Codex's own /status, beside the total that counts the cache too.
    assert "Codex's /status says: Token usage 11.5K total (10.3K input + 1.18K output)" in tip
    assert str(Path("/home/dev/.codex/sessions")) in model.data(
        model.index(0, Column.PROJECT), Qt.ItemDataRole.ToolTipRole
    )
    assert model.data(model.index(0, 0), ActiveRole) is True
    assert model.data(model.index(1, 0), ActiveRole) is False
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, Column.ACTIVITY), Qt.ItemDataRole.DecorationRole) is not None
    assert (
        model.headerData(Column.TOKENS, Qt.Orientation.Horizontal)
        == "Tokens\nupdate | last | total"
    )


def test_updates_never_reset_the_model(qtbot: QtBot) -> None:
    """Rows change in place (dataChanged with roles); comings and goings insert and remove."""
    model = SessionTableModel()
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.update([session("a"), session("b")], "a", NOW)
    kept = QPersistentModelIndex(model.index(1, Column.TOKENS))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update([session("a"), session("b", session_total_tokens=60000)], "a", NOW)
    top_left, bottom_right, roles = changed.args
    assert (top_left.row(), top_left.column(), bottom_right.column()) == (
        1,
        Column.TOKENS,
        Column.TOKENS,
    )
    assert Qt.ItemDataRole.DisplayRole in roles
    with qtbot.waitSignals([model.rowsRemoved, model.rowsInserted]):
        model.update([session("b", session_total_tokens=60000), session("c")], "c", NOW)
    assert model.session_ids() == ["b", "c"]
    assert kept.isValid()
    assert kept.row() == 0
    assert model.data(kept, SessionRole).session_id == "b"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.update([session("b", session_total_tokens=60000), session("c")], "c", NOW)
    assert resets == []


def test_sorting_uses_raw_values() -> None:
    """9.4K sorts below 52.4K, and 2m ago below 40s ago, whatever the text says."""
    model = SessionTableModel()
    model.update(
        [
            session("big", session_total_tokens=52414, age=120),
            session("small", session_total_tokens=9400, age=40),
            session("none", session_total_tokens=None, age=3),
        ],
        None,
        NOW,
    )
    proxy = SessionSortProxy(model)
    proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, Column.PROJECT).data() for r in range(3)] == [
        "big (main)",
        "small (main)",
        "none (main)",
    ]
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, Column.PROJECT).data() for r in range(3)] == [
        "none (main)",
        "small (main)",
        "big (main)",
    ]


def test_ages_move_with_the_clock() -> None:
    """The same snapshot a minute later says so."""
    model = SessionTableModel()
    snap = session("a", age=5)
    model.update([snap], "a", NOW)
    model.update([snap._replace()], "a", NOW + 60)
    assert text(model, 0, Column.LAST_ACTIVITY) == "1m ago"


def test_every_tooltip_holds_the_full_cell_text() -> None:
    """An elided cell can always be read in full: its tooltip holds its display text; the
    project's starts with ``project (branch)``."""
    long_name = "p" * 150
    model = SessionTableModel()
    model.update(
        [
            session("a", project=long_name, git_branch="feature/" + "b" * 42),
            session("b", model=None, last_activity_at=None, context=None),
        ],
        "a",
        NOW,
    )
    # A tooltip's long line is broken at a space (no line runs off the screen): the text is
    # all there, with line breaks for some of its spaces.
    for row in range(model.rowCount()):
        for column in Column:
            index = model.index(row, column)
            shown = " ".join(index.data().split())
            tip = " ".join(tooltip_text(index.data(Qt.ItemDataRole.ToolTipRole)).split())
            assert shown in tip, (row, column)
    tip = tooltip_text(model.index(0, Column.PROJECT).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith(f"{long_name}\n(feature/{'b' * 42})\n")


def test_an_ended_row_is_muted_and_keeps_its_totals(qtmodeltester: ModelTester) -> None:
    """Marked ended: ``Ended 14:05`` (local time of its last activity), a muted colour, the
    same tokens; it turns live again in place."""
    zone = timezone(timedelta(hours=2))
    model = SessionTableModel()
    qtmodeltester.check(model, force_py=True)
    last = datetime(2027, 1, 15, 14, 5, tzinfo=zone).timestamp()
    now = last + 3 * 3600
    done = session("done", age=NOW - last)
    model.update([done], None, now, ended={"done"}, zone=zone)
    index = model.index(0, Column.ACTIVITY)
    assert index.data() == "Ended 14:05"
    assert "Running cargo test" in tooltip_text(index.data(Qt.ItemDataRole.ToolTipRole))
    assert model.index(0, 0).data(EndedRole) is True
    assert text(model, 0, Column.TOKENS) == "26.4K | 26.4K | 52.4K"
    for column in Column:  # the view draws it quieter, in a colour from its palette
        assert model.index(0, column).data(Qt.ItemDataRole.ForegroundRole) is None
    next_day = datetime(2027, 1, 16, 1, 0, tzinfo=zone).timestamp()
    model.update([done], None, next_day, ended={"done"}, zone=zone)
    assert model.index(0, Column.ACTIVITY).data() == "Ended Fri 14:05"
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.update([done], "done", next_day, zone=zone)
    assert model.index(0, Column.ACTIVITY).data() == "Running cargo test"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert resets == []


def test_show_dashboard_lists_live_sessions_then_ended_ones() -> None:
    """The dashboard's sessions and then its ended ones; the latter marked; the live ones
    sort first by last activity (the table's default sort)."""
    live = session("live", age=30)
    done = session("done", age=5 * 3600, activity=Activity(ActivityKind.IDLE))
    board = replace(dashboard((live,)), ended=(done,))
    model = SessionTableModel()
    model.show_dashboard(board, zone=UTC)
    assert model.session_ids() == ["live", "done"]
    assert model.index(1, 0).data(EndedRole) is True
    assert model.index(0, 0).data(EndedRole) is False
    proxy = SessionSortProxy(model)
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, Column.PROJECT).data() == "live (main)"


def test_a_tool_call_quiet_for_minutes_says_for_how_long() -> None:
    """A build may run for minutes without a word in the log, and a call left open by a Codex
    that died stays open: past a minute the card says how long it has been quiet, and the
    table's tooltip (its Last activity column says it too); a call that just began, or a
    session waiting, says nothing more."""
    from codex_presence_gui.viewmodels.card import dashboard_card

    def card_text(snapshot: CodexSessionSnapshot) -> str:
        return dashboard_card(dashboard((snapshot,))).activity_text

    model = SessionTableModel()
    running = session("a", age=25 * 60, pending_calls=1)
    model.update([running], "a", NOW)
    assert text(model, 0, Column.ACTIVITY) == "Running cargo test"
    assert text(model, 0, Column.LAST_ACTIVITY) == "25m ago"
    tip = tooltip_text(model.data(model.index(0, Column.ACTIVITY), Qt.ItemDataRole.ToolTipRole))
    assert "1 tool call running, no word in the log for 25m" in tip
    assert card_text(running) == "Running cargo test · 25m"
    assert card_text(session("a", age=30, pending_calls=1)) == "Running cargo test"
    waiting = session("a", age=25 * 60, activity=Activity(ActivityKind.WAITING))
    assert card_text(waiting) == "Waiting for input"
    several = session("a", age=3 * 3600, pending_calls=3)
    assert card_text(several) == "Running cargo test (+2 more) · 3h"


def test_the_active_session_s_row_is_known() -> None:
    model = SessionTableModel()
    model.update([session("a"), session("b", age=60)], "b", NOW)
    assert model.active_row() == model.session_ids().index("b")
    model.update([session("a")], "gone", NOW)
    assert model.active_row() is None


def test_a_refresh_builds_only_the_rows_that_changed(
    qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed sends every listed session every 2 s: a row is built again only when its
    session, standing or shown age changed (building all 3,000 rows took 80 ms per refresh
    while nothing happened), and an equal snapshot sent afresh is no change. When only its
    age moved, only the cells the clock moves are built again."""
    built: list[str] = []
    real, real_retimed = session_table.row_view, session_table.retimed

    def counted(snapshot: CodexSessionSnapshot, *args: Any, **kwargs: Any) -> RowView:
        built.append(snapshot.session_id)
        return real(snapshot, *args, **kwargs)

    def counted_retimed(row: RowView, *args: Any) -> RowView:
        built.append(f"{row.snapshot.session_id}'s clock")
        return real_retimed(row, *args)

    monkeypatch.setattr(session_table, "row_view", counted)
    monkeypatch.setattr(session_table, "retimed", counted_retimed)

    def sessions(**changed: CodexSessionSnapshot) -> list[CodexSessionSnapshot]:
        listed = [session(f"s{n}", age=3 * 3600 + n) for n in range(40)]
        return [changed.get(s.session_id, s) for s in listed]

    model = SessionTableModel()
    model.update(sessions(), "s0", NOW)
    qtmodeltester.check(model, force_py=True)
    built.clear()
    model.update(sessions(), "s0", NOW + 2)  # equal snapshots, built afresh by the feed
    assert built == []
    busy = session("s7", age=1, session_total_tokens=90_000)
    model.update(sessions(s7=busy), "s0", NOW + 4)
    assert built == ["s7"]
    built.clear()
    model.update(sessions(s7=busy), "s3", NOW + 6)  # another active session; s7's age moved
    assert sorted(built) == ["s0", "s3", "s7's clock"]
    assert text(model, 7, Column.LAST_ACTIVITY) == "7s ago"
    built.clear()
    model.update(sessions(s7=busy), "s3", NOW + 6, zone=timezone(timedelta(hours=5)))
    assert len(built) == 40  # another zone: every time shown reads otherwise


def test_a_refresh_signals_each_run_of_adjacent_rows_once(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    """Rows that change, or go, side by side are signalled together: one dataChanged or one
    removal per run of adjacent rows, not one per row; separate runs apart (a span from the
    first changed row to the last would have the sorting proxy check every row between)."""
    listed = [session(f"s{n}", age=3600 + n) for n in range(10)]
    model = SessionTableModel()
    model.update(listed, None, NOW)
    qtmodeltester.check(model, force_py=True)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles: spans.append((tl.row(), br.row(), tl.column(), br.column()))
    )
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    changed = list(listed)
    for n in (2, 3, 4):
        changed[n] = listed[n]._replace(session_total_tokens=70_000 + n)
    changed[7] = listed[7]._replace(model="gpt-5.5")
    model.update(changed, None, NOW)
    assert spans == [(2, 4, Column.TOKENS, Column.TOKENS), (7, 7, Column.MODEL, Column.MODEL)]
    kept = [s for n, s in enumerate(changed) if n not in (1, 2, 5, 8, 9)]
    model.update(kept, None, NOW)
    assert removed == [(8, 9), (5, 5), (1, 2)]
    assert model.session_ids() == ["s0", "s3", "s4", "s6", "s7"]
    model.update([*kept, session("new")], None, NOW + 2)
    assert model.session_ids()[-1] == "new"


@given(
    age=st.floats(-30, 3 * 86400),
    step=st.floats(0, 2 * 86400),
    pending=st.integers(0, 2),
    is_ended=st.booleans(),
    no_last=st.booleans(),
    no_recency=st.booleans(),
)
def test_equal_clock_keys_show_equal_rows(
    age: float, step: float, pending: int, is_ended: bool, no_last: bool, no_recency: bool
) -> None:
    """A row is not built again while its clock key holds: the key must cover everything of
    the clock the row shows (ages, a quiet tool call, an ended row's day)."""
    from codex_presence_gui.viewmodels.session_table import clock_key

    zone = timezone(timedelta(hours=-7))
    s = session("a", age=age, pending_calls=pending)
    if no_last:
        s = s._replace(last_activity_at=None)
    if no_recency:
        s = s._replace(recency=0.0)
    later = NOW + step

    def key(now: float) -> tuple[Any, ...]:
        return clock_key(s, now, local_time(now, zone).date() if is_ended else None)

    if key(NOW) == key(later):
        assert row_view(s, True, NOW, ended=is_ended, zone=zone) == row_view(
            s, True, later, ended=is_ended, zone=zone
        )


def test_rows_that_may_move_are_signalled_before_the_others(qtbot: QtBot) -> None:
    """A refresh signals first the rows whose sort values changed, then those whose texts
    alone did: the sorting proxy, checking the order of the latter, then finds every
    neighbour in its place and sorts none of them again (one that moved among thousands of
    ticking ages had the proxy sort every row of its run again)."""
    listed = [session(f"s{n}", age=20 + 5 * n) for n in range(10)]
    model = SessionTableModel()
    model.update(listed, None, NOW)
    proxy = SessionSortProxy(model)
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    rows: list[int] = []
    model.dataChanged.connect(lambda tl, _br, _roles: rows.append(tl.row()))
    moved = dict.fromkeys(range(10), 0.0)
    moved[6] = moved[8] = 40.0  # wrote 40 s later than they had
    later = [
        s._replace(last_activity_at=s.last_activity_at + moved[n], recency=s.recency + moved[n])
        for n, s in enumerate(listed)
    ]
    model.update(later, None, NOW + 2)  # the ages in seconds tick ("20s ago" -> "22s ago")
    assert rows == [6, 8, 0, 7]  # the two that moved first, then the runs of ticking ages
    shown = [proxy.index(r, 0).data(SessionRole).session_id for r in range(10)]
    assert shown == [s.session_id for s in sorted(later, key=lambda s: -s.recency)]


@given(
    age=st.floats(-30, 3 * 86400),
    step=st.floats(0, 2 * 86400),
    pending=st.integers(0, 2),
    is_ended=st.booleans(),
    active=st.booleans(),
)
def test_a_row_retimed_is_the_row_built_afresh(
    age: float, step: float, pending: int, is_ended: bool, active: bool
) -> None:
    """Building only the cells the clock moves gives the row a whole build gives."""
    from codex_presence_gui.viewmodels.session_table import retimed

    zone = timezone(timedelta(hours=9))
    s = session("a", age=age, pending_calls=pending)
    shares = (SessionShare("5h", 12.0, True),)
    before = row_view(s, active, NOW, shares, ended=is_ended, zone=zone)
    afresh = row_view(s, active, NOW + step, shares, ended=is_ended, zone=zone)
    assert retimed(before, NOW + step, zone) == afresh


@given(
    changes=st.lists(
        st.tuples(
            st.integers(0, 29), st.none() | st.integers(0, 10**6), st.none() | st.floats(0, 5000)
        ),
        max_size=12,
    ),
    gone=st.sets(st.integers(0, 29), max_size=4),
    ended=st.sets(st.integers(0, 29), max_size=6),
    column=st.sampled_from(list(Column)),
    descending=st.booleans(),
)
def test_a_sorting_proxy_keeps_its_order_through_refreshes(
    changes: list[tuple[int, int | None, float | None]],
    gone: set[int],
    ended: set[int],
    column: Column,
    descending: bool,
) -> None:
    """Rows changed together, going and coming, ending, or left with nothing to show: the
    proxy's order stays right (each run of rows that may move is stored only when signalled,
    so that the proxy places it among rows that are all where it put them)."""
    listed = [
        session(
            f"s{n}",
            age=60.0 * n,
            session_total_tokens=1000 * n,
            project=f"p{n % 7}",
            model=None if n % 5 == 0 else f"m{n % 3}",
            context=None if n % 4 == 0 else ContextUsage(1000 * n, 258_400),
            activity=None if n % 6 == 0 else Activity(ActivityKind.EDITING, f"{n % 2}.py"),
            started_at=NOW - 3600 - 60 * (n % 9),
        )
        for n in range(30)
    ]
    shares = {f"s{n}": (SessionShare("5h", n % 4, False),) for n in range(0, 30, 2)}
    model = SessionTableModel()
    model.update(listed, "s0", NOW, shares, ended={"s2", "s3"})
    proxy = SessionSortProxy(model)
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    proxy.sort(column, order)
    for n, tokens, age in changes:
        last = NOW - age if age is not None else None
        listed[n] = listed[n]._replace(
            session_total_tokens=tokens, last_activity_at=last, recency=last or NOW - 9
        )
    kept = [s for n, s in enumerate(listed) if n not in gone] + [session("new", age=7)]
    model.update(kept, "s1", NOW + 2, shares, ended={f"s{n}" for n in ended})
    keys = [proxy.index(r, column).data(SortRole) for r in range(proxy.rowCount())]
    assert keys == expected_order(keys, descending)


def expected_order(keys: list[SortKey], descending: bool) -> list[SortKey]:
    """``keys`` as ``SessionSortProxy`` should order them: by group (live, live with nothing
    to show, ended, ended with nothing) both ways, each by value in the direction asked,
    equal values by their ties."""
    ordered: list[SortKey] = []
    for group in sorted({key[0] for key in keys}):
        members = sorted((key for key in keys if key[0] == group), key=lambda key: key[2])
        if not group[1]:  # stable: equal values keep their ties' order
            members.sort(key=lambda key: key[1], reverse=descending)
        ordered += members
    return ordered


def test_a_session_without_a_folder_s_name_is_not_the_project_unknown_project() -> None:
    """A session in ``/`` shows "(none)", as the Usage page and ``report`` do, the card too;
    it had read "unknown-project", the name a real folder may have (shown as it is)."""
    from codex_presence_gui.core.session import project_name
    from codex_presence_gui.viewmodels.card import card_view

    rooted = session("a", cwd="/", project=project_name("/"), git_branch=None)
    named = session("b", cwd="/w/unknown-project", project=project_name("/w/unknown-project"))
    assert row_view(rooted, True, NOW).display[Column.PROJECT] == "(none)"
    assert row_view(named, False, NOW).display[Column.PROJECT] == "unknown-project (main)"
    assert card_view(rooted, now=NOW).project == "(none)"
    # A folder named so is not the placeholder.
    odd = session("c", cwd="/w/(none)", project=project_name("/w/(none)"), git_branch=None)
    assert row_view(odd, False, NOW).display[Column.PROJECT] == "\\x28none)"


def test_a_model_named_as_the_model_column_s_placeholder_is_told_apart() -> None:
    """The Model column says "not logged yet" for a session whose log names no model yet: a
    model of that very name is shown escaped, as "(none)" is for a folder of that name."""
    from codex_presence_gui.viewmodels.session_table import NO_MODEL_CELL

    unnamed = row_view(session("a", model=None), False, NOW).display[Column.MODEL]
    odd = row_view(session("b", model=NO_MODEL_CELL), False, NOW).display[Column.MODEL]
    assert unnamed == NO_MODEL_CELL
    assert odd != unnamed
    assert odd.endswith("ot logged yet")


def test_the_tokens_and_share_cells_and_titles_are_spoken_in_words() -> None:
    """Screen readers get words where the cells and titles draw symbols: "26.4K | 26.4K |
    52.4K" had been read with "vertical line" between numbers nobody said the meaning of,
    and "▲ ≈ 12% of 5h" as "black up-pointing triangle"."""
    spoken = Qt.ItemDataRole.AccessibleTextRole
    model = SessionTableModel()
    shares = {"a": (SessionShare("5h", 12.4, True),), "b": (SessionShare("Weekly", 0.5, False),)}
    for name, share in shares.items():
        row = row_view(session(name), name == "a", NOW, share)
        model._rows.append(row)
    assert model.data(model.index(0, Column.TOKENS)) == "26.4K | 26.4K | 52.4K"
    assert model.data(model.index(0, Column.TOKENS), spoken) == (
        "this update 26.4 thousand, last response 26.4 thousand, session total 52.4 thousand"
    )
    assert model.data(model.index(0, Column.SHARE), spoken) == (
        "about 12% of the 5h window, burning it much faster than the others"
    )
    assert model.data(model.index(1, Column.SHARE), spoken) == ("less than 1% of the Weekly window")
    assert model.data(model.index(0, Column.PROJECT), spoken) is None  # read as drawn
    title = model.headerData(Column.TOKENS, Qt.Orientation.Horizontal, spoken)
    assert title == "Tokens: this update, last response, session total"
    title = model.headerData(Column.SHARE, Qt.Orientation.Horizontal, spoken)
    assert title == "Share of limits"


def test_cells_with_nothing_to_show_are_spoken_in_words(qtmodeltester: ModelTester) -> None:
    """A dash ("–": no context reported, no share measured, no sign of life dated) is told
    to screen readers as what it means; they had read "en dash", or nothing."""
    spoken = Qt.ItemDataRole.AccessibleTextRole
    model = SessionTableModel()
    model.update([session("a", context=None, last_activity_at=None)], "a", NOW)
    qtmodeltester.check(model, force_py=True)
    for column, words in (
        (Column.CONTEXT, "not reported yet"),
        (Column.SHARE, "no share measured yet"),
        (Column.LAST_ACTIVITY, "not known"),
    ):
        assert text(model, 0, column) == "–"
        assert model.data(model.index(0, column), spoken) == words


def test_a_session_with_no_response_yet_is_spoken_as_drawn() -> None:
    from codex_presence_gui.core.formatting import token_triplet_spoken

    assert token_triplet_spoken(None, None, None) == "none yet"
    assert token_triplet_spoken(None, 1200, 52_400) == (
        "this update not known, last response 1.2 thousand, session total 52.4 thousand"
    )


def _many(count: int, prefix: str = "s") -> list[CodexSessionSnapshot]:
    return [
        session(f"{prefix}{n:04d}", age=3 + n, project=f"p{n % 13}", session_total_tokens=n)
        for n in range(count)
    ]


def test_many_new_rows_come_a_batch_per_turn_of_the_event_loop(
    qtbot: QtBot, qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thousand sessions today: the first batch is in when ``update`` returns, the rest
    come in later turns (the GUI thread had built, measured and sorted them all in one go,
    0.4 s; 3,000 rows 0.8 s), sized to the budget at the last batch's pace, and the model
    is consistent for Qt all along."""
    monkeypatch.setattr(session_table, "TURN_BUDGET_S", 0.0)  # batches of the least size
    model = SessionTableModel()
    proxy = SessionSortProxy(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.sort(Column.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
    listed = _many(350)
    counts: list[int] = []
    model.updated.connect(lambda: counts.append(model.rowCount()))
    model.update(listed, "s0000", NOW)
    assert model.rowCount() == session_table.MIN_ROWS_PER_TURN
    assert model.pending
    qtbot.waitUntil(lambda: not model.pending, timeout=5000)
    assert counts == [100, 200, 300, 350]
    assert sorted(model.session_ids()) == sorted(s.session_id for s in listed)
    newest = proxy.index(0, Column.PROJECT).data(SessionRole)
    assert newest.session_id == "s0000"  # sorted among the batches as they came


def test_an_update_while_rows_are_still_coming_takes_over(qtbot: QtBot) -> None:
    """The next refresh comes before the last batch: it adds what is still missing of its
    own list, nothing twice, nothing that has gone, with its own values."""
    model = SessionTableModel()
    model.update(_many(500), None, NOW)
    assert model.pending
    again = [s._replace(session_total_tokens=7) for s in _many(400)] + _many(50, "new")
    model.update(again, None, NOW + 2)
    qtbot.waitUntil(lambda: not model.pending, timeout=5000)
    assert sorted(model.session_ids()) == sorted(s.session_id for s in again)
    assert {model.row(n).snapshot.session_total_tokens for n in range(400)} == {7}


def test_a_batch_is_as_large_as_fits_the_budget_at_the_last_one_s_pace(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room to spare, the second batch takes all the rest (100 rows, then 900)."""
    monkeypatch.setattr(session_table, "TURN_BUDGET_S", 1000.0)
    model = SessionTableModel()
    counts: list[int] = []
    model.updated.connect(lambda: counts.append(model.rowCount()))
    model.update(_many(1000), None, NOW)
    qtbot.waitUntil(lambda: not model.pending, timeout=5000)
    assert counts == [100, 1000]


_refreshes = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 24), st.integers(0, 3)), max_size=25),  # (id, total)
        st.integers(0, 3),  # turns of the event loop before the next refresh
    ),
    min_size=1,
    max_size=8,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(refreshes=_refreshes)
def test_whatever_the_refreshes_and_turns_the_rows_end_as_the_last_refresh_says(
    qtbot: QtBot, refreshes: list[tuple[list[tuple[int, int]], int]]
) -> None:
    """Refreshes that come while rows are still coming, in any number of turns of the loop,
    sessions going and coming: once no row is to come, the table holds the last refresh's
    sessions, each once and with its values, and a sorting proxy over it agrees."""
    original = session_table.MIN_ROWS_PER_TURN, session_table.TURN_BUDGET_S
    session_table.MIN_ROWS_PER_TURN, session_table.TURN_BUDGET_S = 3, 0.0
    try:
        model = SessionTableModel()
        proxy = SessionSortProxy(model)
        proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
        last: dict[str, int] = {}
        for step, (sessions, turns) in enumerate(refreshes):
            last = {f"s{n:02d}": total for n, total in sessions}
            listed = [session(sid, age=3, session_total_tokens=t) for sid, t in last.items()]
            model.update(listed, None, NOW + step)
            for _ in range(turns):
                if model.pending:
                    model._add_later()  # a turn of the loop: the next batch
        qtbot.waitUntil(lambda: not model.pending, timeout=5000)
        rows = {model.row(n).snapshot.session_id: model.row(n) for n in range(model.rowCount())}
        assert len(rows) == model.rowCount()
        assert {sid: row.snapshot.session_total_tokens for sid, row in rows.items()} == last
        shown = [
            proxy.index(n, 0).data(SessionRole).session_total_tokens
            for n in range(proxy.rowCount())
        ]
        assert shown == sorted(last.values(), reverse=True)
    finally:
        session_table.MIN_ROWS_PER_TURN, session_table.TURN_BUDGET_S = original
