"""The session card as data: a name from the log never takes over the card."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from codex_presence_gui.core.dashboard import SessionShare, session_shares
from codex_presence_gui.core.formatting import model_name
from codex_presence_gui.core.models import CodexSessionSnapshot
from codex_presence_gui.core.presence import PresenceSettings, compose_card
from codex_presence_gui.core.reader import ReadResult
from codex_presence_gui.core.report import render_text
from codex_presence_gui.core.usage_report import model_label
from codex_presence_gui.viewmodels.card import (
    DETAIL_NAME_CHARS,
    card_view,
    dashboard_card,
    lists_only_the_card,
)
from codex_presence_gui.viewmodels.session_table import Column, row_view
from tests.helpers.quota import Turn, quota_dashboard, write_session
from tests.helpers.rollout import CodexHome
from tests.helpers.snapshots import NOW, dashboard, limits, session


def test_a_huge_model_name_is_cut_in_its_middle() -> None:
    model = "gpt-" + "x" * 10_000 + "-end"
    snapshot = CodexSessionSnapshot(
        session_id="s", file=Path("s.jsonl"), cwd="/p", project="p", model=model
    )
    details = card_view(snapshot).details
    name = details.split(" · ")[0]
    assert len(name) == DETAIL_NAME_CHARS
    assert name.startswith("gpt-x")
    assert name.endswith("x-end")
    assert "…" in name
    short = card_view(
        CodexSessionSnapshot(session_id="s", file=Path("s"), cwd="/p", project="p", model="o3")
    )
    assert short.details.startswith("o3 · ")


def test_without_a_session_the_card_says_where_it_looks() -> None:
    """A wrong folder in the settings shows on the empty card, not only in the dialog."""
    homes = (Path("/srv/codex-a"), Path("/srv/codex-b"))
    card = dashboard_card(dashboard(homes=homes))
    assert card.message is not None
    assert card.message.endswith("\nWatching /srv/codex-a, /srv/codex-b.")
    # No folder at all is the setup panel's to say.
    gone = dashboard_card(dashboard(homes=homes[:1], missing=homes[:1]))
    assert gone.message is not None
    assert "Watching" not in gone.message


def test_the_empty_card_names_a_few_of_many_folders_and_counts_the_rest() -> None:
    """Up to 64 folders are read: the empty card had named each of them, a wall of paths
    that filled the page (the settings dialog lists them all)."""
    homes = tuple(Path(f"/srv/codex-{number}") for number in range(64))
    named_most = 8
    card = dashboard_card(dashboard(homes=homes))
    assert card.message is not None
    named = ", ".join(f"/srv/codex-{number}" for number in range(named_most))
    assert card.message.endswith(f"\nWatching {named} and {64 - named_most} more folders.")
    one_more = dashboard_card(dashboard(homes=homes[: named_most + 1]))
    assert one_more.message is not None
    assert one_more.message.endswith(f"/srv/codex-{named_most}.")  # named, not "1 more"


def test_the_empty_card_says_no_session_can_show_while_sessions_is_a_file() -> None:
    """A file where the only home's ``sessions`` goes: the card had said "Start Codex ... and
    it shows up here" under limits that said Codex cannot write its logs there."""
    home = Path.home() / ".codex"
    board = replace(
        dashboard(homes=(home,)), sessionless=(home,), blocked_sessions=((home, "a file"),)
    )
    card = dashboard_card(board)
    assert card.message == (
        "No Codex session can show up here: ~/.codex/sessions is a file, not a folder."
    )
    # With another home that Codex can write to, sessions can show up from there.
    other = Path("/srv/codex")
    both = replace(board, homes=(home, other))
    message = dashboard_card(both).message
    assert message is not None
    assert message.startswith("No Codex session is running right now.")


def test_a_session_with_tokens_but_no_activity_line_does_not_say_no_activity() -> None:
    """A session whose read lines hold usage but no activity (its activity is older than the
    read, or its log names none): "No activity yet" beside a million tokens reads wrong."""
    fresh = CodexSessionSnapshot(session_id="s", file=Path("s"), cwd="/p", project="p")
    assert card_view(fresh).activity_text == "No activity yet"
    assert card_view(fresh).activity_kind is None
    used = fresh._replace(session_total_tokens=1_320_000)
    assert card_view(used).activity_text == "Activity unknown"


def test_the_activity_has_shorter_forms_that_keep_the_verb_and_its_target() -> None:
    """For a narrow card: the other calls go first, then how long the call has been quiet,
    and the rest is never cut in the middle of "(+1 more)" ("Editing inde…ore) · 2 min")."""
    from tests.helpers.snapshots import NOW, session

    several = session("a", age=3 * 3600, pending_calls=3)
    card = card_view(several, now=NOW)
    assert card.activity_text == "Running cargo test (+2 more) · 3h"
    assert card.activity_shorter == ("Running cargo test · 3h", "Running cargo test")
    assert card_view(session("a", age=30, pending_calls=1), now=NOW).activity_shorter == ()


def test_a_session_with_no_tokens_yet_says_none_were_used() -> None:
    """A session that has not had a response yet: "0", and no "this update = last response"
    line (a bare "–" in large type, and "– this update = last response", read as broken)."""
    from tests.helpers.snapshots import session

    fresh = session(
        "new", session_total_tokens=None, last_turn_tokens=None, session_delta_tokens=None
    )
    view = card_view(fresh)
    assert view.total is not None
    assert view.total.text == "0"
    assert "no tokens reported yet" in view.total.tooltip
    assert view.others == ()
    assert "–" not in view.spoken


def test_a_forks_total_says_what_came_with_its_parent() -> None:
    """The window's total of a fork is Codex's running total, which holds its parent's part;
    the usage report counts the rest. The card had said nothing of it (only the table's
    tooltip did), so its total and the report's row for the session seemed to disagree."""
    fork = session("fork", session_total_tokens=52073, inherited_tokens=41411)
    tip = card_view(fork).total.tooltip
    assert tip.startswith("session total: 52,073 tokens\n")
    assert "41,411 came with the parent session (the usage report counts the rest)" in tip
    assert "parent" not in card_view(session("plain")).total.tooltip


def test_an_ended_session_picked_in_the_table_says_it_ended() -> None:
    """A session that ended, picked in the table (where it reads "Ended 14:05", greyed): the
    card says it ended, without the icon of a live activity (it had shown what the session
    last did as if it were doing it now, "Running cargo test" with its green icon)."""
    from dataclasses import replace

    from codex_presence_gui.core.formatting import ended_text
    from tests.helpers.snapshots import NOW, session

    live, gone = session("live"), session("gone", age=3600)
    board = replace(dashboard((live,)), ended=(gone,))
    card = dashboard_card(board, "gone")
    assert card.project == "gone"
    assert card.activity_text == ended_text(NOW - 3600, NOW)  # as the table says it
    assert card.activity_text.startswith("Ended ")
    assert card.activity_kind is None
    assert card.activity_shorter == ()
    assert "Ended " in card.spoken
    assert dashboard_card(board, "live").activity_text == "Running cargo test"


def test_a_list_of_the_active_session_alone_says_nothing_the_card_does_not() -> None:
    shop, docs = session("shop"), session("docs", age=60)
    assert lists_only_the_card(dashboard((shop,)))
    assert not lists_only_the_card(dashboard((shop, docs)))
    assert not lists_only_the_card(replace(dashboard((shop,)), ended=(docs,)))
    # Ended, it is listed but not on the card (which says that none runs).
    assert not lists_only_the_card(replace(dashboard(), ended=(shop,)))
    assert not lists_only_the_card(dashboard())


def test_a_cut_model_name_keeps_its_escapes_whole_and_is_whole_in_the_tooltip() -> None:
    """The model detail had shown ``gpt-5\\u202e…\\u20``: a cut inside an escape, and two
    long names cut in their middles can read the same, so the whole name is in the tooltip."""
    from tests.unit.core.test_shown_key import escapes_are_whole

    model = "gpt-5" + "\u202e" * 30
    snapshot = CodexSessionSnapshot(
        session_id="s", file=Path("s.jsonl"), cwd="/p", project="p", model=model
    )
    card = card_view(snapshot)
    name = card.details.split(" · ")[0]
    assert "…" in name
    assert len(name) <= DETAIL_NAME_CHARS
    assert escapes_are_whole(name)
    assert card.details_tooltip == "Model: gpt-5" + "\\u202e" * 30
    assert card_view(snapshot._replace(model="o3")).details_tooltip == ""


def test_a_model_named_as_the_placeholder_reads_apart_from_it() -> None:
    snapshot = CodexSessionSnapshot(session_id="s", file=Path("s"), cwd="/p", project="p")
    assert card_view(snapshot).details.startswith("model not logged yet · ")
    named = card_view(snapshot._replace(model="model not logged yet"))
    assert named.details.startswith("\\x6dodel not logged yet · ")


def test_a_model_is_named_alike_on_every_surface() -> None:
    """One form, Codex's own (``gpt-5.3-codex``, as ``/status`` writes it): the Discord card
    had written "GPT-5.3-Codex" where the window wrote "gpt-5.3-codex"; a session whose log
    names no model had read "unknown" in the table and "model unknown" on the card, and the
    table's tooltip "Model not reported yet": "not logged", as the Usage page says its calls
    without a model ("(model not logged)"), with "yet" for a session that may still name it."""
    live = session("a", age=5.0)
    unnamed = session("b", age=6.0, model=None)
    board = dashboard((live, unnamed), limit=limits())
    result = ReadResult((live, unnamed), (), (), board.homes, NOW)
    status = render_text(result)
    card = compose_card(live, None, PresenceSettings(), NOW)
    assert card is not None
    assert card.state is not None
    for model, name in (("gpt-5.3-codex", "gpt-5.3-codex"), (None, "model not logged yet")):
        snapshot = live._replace(model=model)
        assert model_name(model) == name
        assert card_view(snapshot).details.startswith(f"{name} · ")
        # The table's cell under its Model title, which says the first word (whole at 820 px).
        cell = name if model else "not logged yet"
        assert row_view(snapshot, True, NOW).display[Column.MODEL] == cell
        tip = row_view(snapshot, True, NOW).tooltip[Column.MODEL]
        assert tip == f"Model: {cell}"
        assert f" · {name} · " in status
    assert card.state.startswith("gpt-5.3-codex · ")
    assert model_label("gpt-5.3-codex") == "gpt-5.3-codex"


def test_a_weekly_share_says_weekly_in_lower_case_mid_sentence(tmp_path: Path) -> None:
    """The card, the table's tooltip and ``status`` had said "≈ 40% of the Weekly window";
    the table's cell keeps the window's label ("≈ 40% of Weekly"), as its rows do."""
    now = time.time()
    home = CodexHome(tmp_path)
    turns = [Turn(now - 1260 + 300 * step, 1000, None, 10.0 + 5 * step) for step in range(5)]
    write_session(home, "a", turns, resets_at=None, weekly_resets_at=now + 3 * 86400)
    board = quota_dashboard(home, now)
    shares = session_shares(board, "a")
    assert [share.label for share in shares] == ["Weekly"]
    details = card_view(board.sessions[0], shares, now).details
    assert details.endswith("% of the weekly window")
    row = row_view(board.sessions[0], True, now, shares)
    assert row.display[Column.SHARE].endswith("% of Weekly")
    assert "% of the weekly window (" in row.tooltip[Column.SHARE]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_a_home_of_the_root_folder_writes_paths_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME=/ (a container's user without a home): the window had written /tmp/codex as
    "~/tmp/codex", a folder read as one in a home that is not there."""
    from codex_presence_gui.viewmodels.card import home_text

    monkeypatch.setenv("HOME", "/")
    assert home_text(Path("/tmp/codex")) == "/tmp/codex"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_the_home_itself_is_written_as_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CODEX_HOME=~: "~", not "~/."."""
    from codex_presence_gui.viewmodels.card import home_text

    monkeypatch.setenv("HOME", str(tmp_path))
    assert home_text(tmp_path) == "~"
    assert home_text(tmp_path / ".codex") == "~/.codex"


def test_the_card_is_spoken_with_commas_and_its_share_in_words() -> None:
    """Screen readers are told the card's details with commas and its share as "about":
    "·" and "≈" had been read out ("dot", "almost equal to"), while the table's share cell
    already said "about"."""
    shares = (SessionShare("5h", 12.4, False, "5h"), SessionShare("Weekly", 3.0, False, "weekly"))
    card = card_view(session("shop"), shares, NOW)
    assert card.details.endswith(" · ≈ 12% of the 5h window")  # drawn as before
    assert "gpt-5.3-codex, CLI, context 94% left, about 12% of the 5h window." in card.spoken
    assert "·" not in card.spoken
    assert "≈" not in card.spoken
    sliver = card_view(session("shop"), (SessionShare("5h", 0.4, False, "5h"),), NOW)
    assert "less than 1% of the 5h window" in sliver.spoken
