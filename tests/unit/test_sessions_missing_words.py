"""Codex folders without a ``sessions`` folder, and folders past the most read: every surface
says it in the same words, and names a few folders before it counts the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_presence_gui.cli import main
from codex_presence_gui.core.dashboard import Dashboard, build_dashboard
from codex_presence_gui.core.discovery import MAX_HOMES
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import render_text
from codex_presence_gui.paths import BASE_DIR_ENV
from codex_presence_gui.viewmodels.card import missing_sessions_text
from codex_presence_gui.viewmodels.glance import glance
from codex_presence_gui.viewmodels.limits import limits_view

#: The words each surface says a missing sessions folder in.
MISSING = "where Codex keeps its logs, are missing"


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """64 Codex folders, none with a sessions folder (nor a cache of the user's)."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    made = [tmp_path / f"h{number:02}" for number in range(MAX_HOMES)]
    for home in made:
        home.mkdir()
    return made


def _board(homes: list[Path]) -> Dashboard:
    return build_dashboard(CodexReader(homes, max_age=None).refresh(discover_files=True))


def _first_named(homes: list[Path]) -> str:
    """How the first three sessions folders and the rest are said."""
    named = ", ".join(str(home / "sessions") for home in homes[:3])
    return f"{named} and 61 more, {MISSING}"


def test_the_window_names_a_few_sessions_folders_and_counts_the_rest(homes: list[Path]) -> None:
    """The limits panel, the tray's tooltip and the status bar had listed all 64 paths."""
    board = _board(homes)
    shown = [
        limits_view(board).message or "",
        glance(board).waiting,
        missing_sessions_text(board),
    ]
    for text in shown:
        assert str(homes[3] / "sessions") not in text
        assert "and 61 more" in text
    assert _first_named(homes) in shown[0]
    # The tray says it short.
    assert shown[1] == _first_named(homes).replace(", where Codex keeps its logs,", "")


def test_status_names_a_few_in_its_text_and_lists_them_all_in_json(
    homes: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``status`` says it in the window's words, the rest counted; ``--json`` keeps one reason
    per folder (for machines), each in those words too."""
    text = render_text(CodexReader(homes, max_age=None).refresh(discover_files=True), width=500)
    assert f"{_first_named(homes)} (Codex makes them when a session starts)" in text
    assert str(homes[3] / "sessions") not in text
    folders = [item for home in homes for item in ("--codex-home", str(home))]
    assert main(["status", "--json", *folders]) == 0
    reasons = json.loads(capsys.readouterr().out)["limits_reasons"]
    assert [reason["path"] for reason in reasons] == [str(home / "sessions") for home in homes]
    assert reasons[0]["text"].startswith(
        f"{homes[0] / 'sessions'}, where Codex keeps its logs, is missing"
    )


def test_report_says_the_folders_without_one_in_one_warning(
    homes: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``report`` had said "~/x has no sessions folder; is it a Codex folder?" once per folder
    (64 warnings), in other words than the window's."""
    folders = [item for home in homes for item in ("--codex-home", str(home))]
    assert main(["report", "daily", *folders]) == 0
    warnings = capsys.readouterr().err.replace("\n  ", " ").splitlines()
    assert warnings == [
        f"warning: {_first_named(homes)}; are the folders given Codex folders?",
    ]


def test_files_where_the_sessions_folders_go_are_counted_past_a_few(
    homes: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where each sessions folder goes: three named, the rest counted, in the panel,
    ``status`` and ``report`` alike (``report`` had said each in a warning of its own)."""
    for home in homes[:10]:
        (home / "sessions").write_text("")
    blocked = "; ".join(
        f"{home / 'sessions'} is a file, not a folder: Codex cannot write its logs there"
        for home in homes[:3]
    )
    said = f"{blocked}; and 7 more are not folders either"
    board = _board(homes[:10])
    assert limits_view(board).message == f"No limits to show: {said}."
    text = render_text(
        CodexReader(homes[:10], max_age=None).refresh(discover_files=True), width=500
    )
    assert f"Limits: none to show: {said}." in text
    folders = [item for home in homes[:10] for item in ("--codex-home", str(home))]
    assert main(["report", "daily", *folders]) == 0
    warnings = capsys.readouterr().err.replace("\n  ", " ").splitlines()
    assert warnings == [f"warning: {said}"]


def test_one_folder_without_one_is_said_alone_in_the_same_words(tmp_path: Path) -> None:
    """One is named with its own question; the others (a sessions folder given for the home)
    keep their place and their own advice."""
    from codex_presence_gui.core.discovery import no_sessions_messages

    plain = tmp_path / "plain"
    plain.mkdir()
    given = tmp_path / "codex" / "sessions"
    given.mkdir(parents=True)
    assert no_sessions_messages([str(given), str(plain)]) == [
        (
            str(given),
            f"{given / 'sessions'}, where Codex keeps its logs, is missing; did you mean "
            f"--codex-home {tmp_path / 'codex'}?",
        ),
        (
            str(plain),
            f"{plain / 'sessions'}, where Codex keeps its logs, is missing; is {plain} a Codex "
            "folder?",
        ),
    ]


def test_the_folders_past_the_most_read_are_warned_of_in_lower_case(
    homes: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After "warning:", as the other warnings are written ("warning: Only the first 64…"
    had been capitalised)."""
    more = [tmp_path / f"more{number}" for number in range(6)]
    for home in [*homes, *more]:
        (home / "sessions").mkdir(parents=True)
    folders = [item for home in [*homes, *more] for item in ("--codex-home", str(home))]
    assert main(["report", "daily", *folders]) == 0
    warnings = capsys.readouterr().err.replace("\n  ", " ").splitlines()
    assert warnings == [
        "warning: only the first 64 Codex folders are read; the 6 folders after them are not."
    ]


def test_a_folder_of_numbered_folders_is_not_taken_for_a_sessions_folder(tmp_path: Path) -> None:
    """/proc holds folders with a year's name (its processes'), and had been taken for a
    sessions folder given for its home: "did you mean --codex-home /?"."""
    from codex_presence_gui.core.discovery import no_sessions_messages

    processes = tmp_path / "proc"
    for number in ("1999", "2025", "2026"):
        (processes / number / "fd").mkdir(parents=True)
        (processes / number / "status").write_text("")
    assert no_sessions_messages([str(processes)]) == [
        (
            str(processes),
            f"{processes / 'sessions'}, where Codex keeps its logs, is missing; is {processes} a "
            "Codex folder?",
        )
    ]


def test_codex_s_logs_folder_given_as_its_folder_is_said_on_every_surface(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--codex-home ~/.codex/sessions``: the Live page, ``status`` and its JSON say that
    this is Codex's logs folder and name the one above, as the settings and ``report`` do;
    they had said that ``~/.codex/sessions/sessions`` was missing (Codex makes it when a
    session starts), which it never would."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    logs = tmp_path / "codex" / "sessions"
    (logs / "2026" / "11").mkdir(parents=True)
    said = (
        f"{logs} is where Codex keeps its logs; Codex's folder is the one that holds it: "
        f"{tmp_path / 'codex'}"
    )
    board = _board([logs])
    assert board.logs_folders == ((logs, tmp_path / "codex"),)
    assert limits_view(board).message == f"No limits to show: {said}."
    assert glance(board).waiting == said  # the tray's tooltip
    text = render_text(CodexReader([logs], max_age=None).refresh(discover_files=True), width=500)
    assert f"Limits: none to show: {said}." in text
    assert "sessions/sessions" not in text
    assert main(["status", "--json", "--codex-home", str(logs)]) == 0
    reasons = json.loads(capsys.readouterr().out)["limits_reasons"]
    assert reasons == [{"text": said, "kind": "sessions_missing", "path": str(logs / "sessions")}]


def test_a_folder_named_otherwise_holding_year_folders_is_taken_for_the_logs_folder(
    tmp_path: Path,
) -> None:
    """Named otherwise (a copy, "codex-logs") but holding Codex's year and month folders, it
    is the logs folder too; a folder of other four-digit names is not, nor the root."""
    from codex_presence_gui.core.discovery import home_above

    copy = tmp_path / "codex-logs"
    (copy / "2025" / "12").mkdir(parents=True)
    assert home_above(copy) == str(tmp_path)
    other = tmp_path / "numbers"
    (other / "1234" / "abc").mkdir(parents=True)
    assert home_above(other) is None
    assert home_above(tmp_path / "not-there") is None
    assert home_above("/") is None


def test_a_year_month_or_day_folder_of_the_logs_points_to_the_codex_folder(
    tmp_path: Path,
) -> None:
    """A day's folder copied from a log's path (``~/.codex/sessions/2026/11/04``) given as
    the Codex folder: the folder above the sessions folder is suggested, as for the sessions
    folder itself ("is … a Codex folder?" had been all it said). Numbered folders elsewhere,
    or more than a day's depth below, suggest nothing."""
    from codex_presence_gui.core.discovery import home_above

    day = tmp_path / "codex" / "sessions" / "2026" / "11" / "04"
    day.mkdir(parents=True)
    meant = str(tmp_path / "codex")
    for folder in (day, day.parent, day.parent.parent, day.parent.parent.parent):
        assert home_above(folder) == meant, folder
    (day / "05").mkdir()
    assert home_above(day / "05") is None  # deeper than a day: not a log's folder
    numbered = tmp_path / "build" / "2026"
    numbered.mkdir(parents=True)
    assert home_above(numbered) is None
