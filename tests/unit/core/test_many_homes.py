"""Thousands of Codex folders (20,000 fit in the settings file): the first ``MAX_HOMES`` are
read, the others are said not to be, in Settings, the status bar, ``status`` and ``report``;
nothing is done for them, and nothing for the kept ones is worked out once per folder named."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from codex_presence_gui.cli import main
from codex_presence_gui.core.discovery import (
    MAX_HOMES,
    capped_homes,
    resolve_codex_homes,
    too_many_homes_message,
)
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.settings import Settings, validate
from codex_presence_gui.core.usage_index import UsageIndex
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

EXTRA = 6
NOT_READ = f"Only the first {MAX_HOMES} Codex folders are read; the 6 folders after them are not."
#: As a command warns of it, after "warning:" (lower case, as its other warnings are).
WARNED = f"warning: only{NOT_READ.removeprefix('Only')}"


def many_homes(tmp_path: Path, count: int = MAX_HOMES + EXTRA) -> list[Path]:
    """Codex folders, each with a session of its own (ids by folder)."""
    homes = []
    for number in range(count):
        home = CodexHome(tmp_path / f"codex-{number:03d}")
        session = f"019d0000-0000-7000-8000-{number:012d}"
        now = time.time()
        home.write(
            session,
            [
                r.session_meta(now - 60, session, cwd=f"/w/p{number}"),
                r.turn_context(now - 50, "gpt-5.4"),
                r.token_count(now - 5, r.usage(1000, 0, 10), r.usage(1000, 0, 10), None),
            ],
            started=now - 60,
            mtime=now - 5,
        )
        homes.append(home.root)
    return homes


def test_the_message_agrees_in_number() -> None:
    assert too_many_homes_message(1) == (
        f"Only the first {MAX_HOMES} Codex folders are read; the 1 folder after them is not."
    )
    assert too_many_homes_message(19_936).endswith("the 19,936 folders after them are not.")


def test_twenty_thousand_folders_are_taken_in_linear_time() -> None:
    """Duplicates were dropped by searching a list per folder: 22 s for 20,000 (at start-up,
    in the window's thread); a cap of the folders read, and how many more there are."""
    named = [f"/nowhere/codex-{number}" for number in range(20_000)] * 2
    started = time.perf_counter()
    homes = resolve_codex_homes([], named)
    kept, not_read = capped_homes(homes)
    assert time.perf_counter() - started < 2.0
    assert len(homes) == 20_000
    assert kept == homes[:MAX_HOMES]
    assert not_read == 20_000 - MAX_HOMES


def test_settings_say_the_folders_past_the_cap_are_not_read(tmp_path: Path) -> None:
    """One message for the folders not read (not refused: nothing is lost by saving), and
    none of them looked at: each missing one had its own message."""
    missing = [str(tmp_path / f"not-yet-{number}") for number in range(MAX_HOMES + EXTRA)]
    # A folder named twice is one folder.
    problems = validate(Settings(codex_homes=(*missing, missing[-1])))
    about_homes = [p for p in problems if p.key == "codex_homes"]
    assert len([p for p in about_homes if "does not exist yet" in p.message]) == MAX_HOMES
    assert about_homes[-1].message == NOT_READ
    assert not any(p.blocking for p in about_homes)
    at_most = validate(Settings(codex_homes=tuple(missing[:MAX_HOMES])))
    assert not [p for p in at_most if p.message.startswith("Only")]


def test_the_window_reader_reads_the_first_folders_and_says_so(tmp_path: Path) -> None:
    """What the live feed reads (its status bar shows the reader's warnings)."""
    homes = many_homes(tmp_path)
    reader = CodexReader(homes)
    assert reader.homes == tuple(homes[:MAX_HOMES])
    result = reader.refresh()
    assert len(result.snapshots) == MAX_HOMES
    assert [(w.kind, w.detail, w.path) for w in result.warnings] == [
        (ProblemKind.TOO_LARGE, NOT_READ, None)
    ]


def test_the_usage_index_reads_the_first_folders_and_asks_sqlite_little(tmp_path: Path) -> None:
    """An update and its queries took a parameter per folder (five per folder for a session
    report): past SQLite's 32,766, "too many SQL variables"."""
    homes = many_homes(tmp_path)
    named = [*map(str, homes), *(f"/nowhere/codex-{number}" for number in range(40_000))]
    with UsageIndex.in_memory() as index:
        result = index.update(named)
        assert [(p.kind, p.path) for p in result.problems] == [(ProblemKind.TOO_LARGE, None)]
        assert result.problems[0].detail == too_many_homes_message(len(named) - MAX_HOMES)
        assert len(index.sessions(named)) == MAX_HOMES
        assert len(index.session_starts(named)) == MAX_HOMES
        assert len(list(index.slot_rows(named))) == MAX_HOMES
        assert len(list(index.session_rows(named, [(0, int(time.time()) + 3600)]))) == MAX_HOMES
        # A walk of every folder given with the update: the others' files are not indexed.
        from codex_presence_gui.core.discovery import discover

        every = discover(homes)
        assert len(every.files) == MAX_HOMES + EXTRA
    with UsageIndex.in_memory() as index:
        index.update(homes, files=every.files)
        assert len(index.sessions(homes[MAX_HOMES:])) == 0


def test_status_with_too_many_codex_homes_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    homes = [str(home) for home in many_homes(tmp_path)]
    assert main(["status", "--json", "--all", "--codex-home", *homes]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["sessions"]) == MAX_HOMES
    assert {"text": NOT_READ, "kind": "too_large", "path": None} in report["warnings"]
    assert main(["status", "--codex-home", *homes]) == 0
    assert NOT_READ in capsys.readouterr().out.replace("\n  ", " ")


def test_status_says_no_folder_of_those_read_is_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All missing: the message names the folders read, not thousands."""
    missing = [str(tmp_path / f"nowhere-{number}") for number in range(MAX_HOMES + EXTRA)]
    assert main(["status", "--codex-home", *missing]) == 2
    said = capsys.readouterr().err
    assert "No Codex folder found" in said
    assert missing[MAX_HOMES - 1] in said
    assert missing[MAX_HOMES] not in said


def test_report_with_too_many_codex_homes_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    homes = [str(home) for home in many_homes(tmp_path)]
    assert main(["report", "session", "--json", "--codex-home", *homes]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)["rows"]) == MAX_HOMES
    assert WARNED in out.err.replace("\n  ", " ")


def test_screenshot_with_too_many_codex_homes_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the window: the first MAX_HOMES read, the others said (here on stderr)."""
    from codex_presence_gui.app import _screenshot_homes
    from codex_presence_gui.cli import build_parser

    homes = [str(home) for home in many_homes(tmp_path)]
    out = str(tmp_path / "out.png")
    args = build_parser().parse_args(["screenshot", out, "--codex-home", *homes])
    chosen, warnings = _screenshot_homes(args)
    assert len(chosen) == MAX_HOMES + EXTRA  # the reader reads the first, and says the rest
    assert warnings == [WARNED]


def test_screenshot_usage_page_says_the_folders_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: object
) -> None:
    """The picture's Usage page says the others are not read, as the window's page does; it
    had been given the first MAX_HOMES alone, and so said nothing of the rest."""
    from codex_presence_gui.ui.main_window import MainWindow
    from codex_presence_gui.viewmodels.usage import UsageView

    shown: list[UsageView] = []
    monkeypatch.setattr(MainWindow, "show_usage", lambda _window, view: shown.append(view))
    homes = [str(home) for home in many_homes(tmp_path)]
    out = str(tmp_path / "usage.png")
    assert main(["screenshot", out, "--tab", "usage", "--codex-home", *homes]) == 0
    [view] = shown
    assert NOT_READ in view.problems
    assert len(view.projects) == MAX_HOMES
