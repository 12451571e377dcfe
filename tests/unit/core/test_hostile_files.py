"""Hostile or unlucky file systems: FIFOs, symlinked folders and loops, names that are not
UTF-8. The reader skips what is no log, says so, and never hangs."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import pytest

from codex_presence_gui.cli import main
from codex_presence_gui.core.discovery import discover
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import CodexReader
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

SESSION = "019d0000-0000-7000-8000-00000000f1f0"


def write_session(home: CodexHome, session_id: str = SESSION) -> Path:
    now = time.time()
    return home.write(
        session_id,
        [
            r.session_meta(now - 60, session_id, cwd="/w/shop"),
            r.token_count(now - 5, r.usage(1000, 0, 10), None, None),
        ],
        started=now - 60,
        mtime=now - 5,
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.zst"])
def test_a_fifo_named_like_a_log_is_skipped_not_opened(codex_home: CodexHome, suffix: str) -> None:
    """A FIFO would block the first read for ever: it is never opened, and it is named."""
    real = write_session(codex_home)
    fifo = real.parent / f"rollout-2026-05-04T09-00-00-019d0000-0000-7000-8000-00000000ff1f{suffix}"
    os.mkfifo(fifo)
    result = CodexReader([codex_home.root]).refresh()
    assert [s.session_id for s in result.snapshots] == [SESSION]
    problems = [w for w in result.warnings if w.kind is ProblemKind.NOT_A_FILE]
    assert [w.path for w in problems] == [fifo]
    assert "not a regular file" in str(problems[0])


def test_a_symlinked_year_folder_is_read(codex_home: CodexHome, tmp_path: Path) -> None:
    """``sessions/2026`` moved elsewhere and linked back: its sessions are still found."""
    path = write_session(codex_home)
    year = path.parents[2]
    moved = tmp_path / "elsewhere" / year.name
    moved.parent.mkdir()
    year.rename(moved)
    year.symlink_to(moved, target_is_directory=True)
    assert [f.path.name for f in discover([codex_home.root]).files] == [path.name]


def test_a_folder_loop_ends(codex_home: CodexHome) -> None:
    """A link from a folder back to its parent is walked once, not for ever."""
    path = write_session(codex_home)
    (path.parent / "loop").symlink_to(codex_home.root / "sessions", target_is_directory=True)
    assert [f.path.name for f in discover([codex_home.root]).files] == [path.name]


def test_names_that_are_not_utf8_reach_the_json(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name with a byte that is not UTF-8 is printed (as \\xNN), not a traceback."""
    path = write_session(codex_home)
    odd = path.parent / os.fsdecode(
        b"rollout-2026-05-04T09-00-00-\xff" + SESSION.encode() + b".jsonl"
    )
    path.rename(odd)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sessions"][0]["file"].endswith("\\xff" + SESSION + ".jsonl")


def test_a_tree_hundreds_of_folders_deep_is_searched_to_a_depth(codex_home: CodexHome) -> None:
    """300 nested folders (a walk that recursed would take one stack frame each; at 1,200
    it ended in RecursionError): the logs in Codex's own layout are found, and one problem
    says what was not searched."""
    write_session(codex_home)
    folder = codex_home.root / "sessions"
    for _level in range(300):
        folder = folder / "d"
        folder.mkdir()
    (folder / "rollout-2026-05-04T09-00-00-deep.jsonl").write_text("{}\n")
    found = discover([codex_home.root])
    assert len(found.files) == 1
    (problem,) = found.errors
    assert problem.kind is ProblemKind.TOO_LARGE
    assert "more than 8 levels" in problem.detail
    # Not searched: the logs below it are not gone.
    [place] = found.unsearched
    assert str(folder).startswith(place + os.sep)
    assert Path(place).relative_to(codex_home.root / "sessions").parts == ("d",) * 9


def test_a_symlink_to_a_huge_tree_stops_at_the_folder_budget(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link to ``/`` (here: a wide tree, with a budget of 50 folders) is not walked to its
    end: the walk stops, says so, and keeps what it found."""
    from codex_presence_gui.core import discovery

    monkeypatch.setattr(discovery, "MAX_FOLDERS", 50)
    write_session(codex_home)
    wide = tmp_path / "wide"
    for number in range(200):
        (wide / f"f{number}").mkdir(parents=True)
    (codex_home.root / "sessions" / "root").symlink_to(wide, target_is_directory=True)
    (codex_home.root / "sessions" / "loop").symlink_to(
        codex_home.root / "sessions", target_is_directory=True
    )
    found = discover([codex_home.root])
    assert len(found.files) == 1
    kinds = {p.kind: p.detail for p in found.errors}
    assert set(kinds) == {ProblemKind.TOO_LARGE, ProblemKind.UNREADABLE}
    assert "after 50 folders" in kinds[ProblemKind.TOO_LARGE]
    assert "links to a folder that holds it" in kinds[ProblemKind.UNREADABLE]  # the loop
    assert found.unsearched  # where the walk stopped, and what it had yet to enter
    assert all(place.startswith(str(codex_home.root / "sessions")) for place in found.unsearched)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_file_name_cannot_act_on_the_terminal_nor_forge_a_warning(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The warnings name files: an escape sequence, a bidi override or a line break in a name
    is printed harmless, on the warning's own line."""
    from codex_presence_gui.paths import BASE_DIR_ENV

    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "base"))
    path = write_session(codex_home)
    hostile = "rollout-\x1b]0;PWNED\x07\x1b[2J\u202e\nwarning: forged.jsonl"
    os.mkfifo(path.parent / hostile)
    assert main(["report", "daily", "--codex-home", str(codex_home.root)]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\u202e" not in err
    assert "\x07" not in err
    assert not any(line.startswith("warning: forged") for line in err.splitlines())
    assert "not a regular file" in err
    missing = str(tmp_path / "gone\x1b[2Jhome")
    assert main(["report", "daily", "--codex-home", missing]) != 0
    assert "\x1b" not in capsys.readouterr().err


def test_a_link_to_a_folder_above_is_not_followed(codex_home: CodexHome, tmp_path: Path) -> None:
    """A link to ``/``, to the home or to a folder above it would walk the whole machine or the
    home again: it is not followed, and a problem says so. A link elsewhere (logs moved to
    another disk) still is."""
    own = write_session(codex_home)
    sessions = codex_home.root / "sessions"
    (sessions / "root").symlink_to("/", target_is_directory=True)
    (sessions / "up").symlink_to(tmp_path, target_is_directory=True)
    moved = tmp_path / "other-disk" / "2026"
    (moved / "01" / "02").mkdir(parents=True)
    (moved / "01" / "02" / "rollout-2026-01-02T09-00-00-moved.jsonl").write_text("{}\n")
    (sessions / "2025").symlink_to(moved, target_is_directory=True)
    found = discover([codex_home.root])
    assert sorted(f.path.name for f in found.files) == sorted(
        ["rollout-2026-01-02T09-00-00-moved.jsonl", own.name]
    )
    details = sorted(problem.detail for problem in found.errors)
    assert len(details) == 2, details
    assert all("links to a folder that holds it" in detail for detail in details)


def test_a_corrupt_compressed_log_is_one_plain_warning(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """No traceback on stderr for a damaged ``.jsonl.zst``: the warning says what is wrong."""
    pytest.importorskip("zstandard")
    path = write_session(codex_home)
    damaged = path.with_name(path.name.replace(SESSION, SESSION[:-4] + "dead") + ".zst")
    damaged.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00garbage" * 200)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    captured = capsys.readouterr()
    assert "cannot read" in captured.out + captured.err
    # The log (on stderr in a terminal) has the traceback only at debug level (-v).
    loud = [rec for rec in caplog.records if rec.exc_info and rec.levelno > logging.DEBUG]
    assert loud == []


def test_a_wide_deep_tree_is_one_problem(codex_home: CodexHome) -> None:
    """A binary tree ten levels deep: the folders left for their depth are counted in one
    problem, not one per folder."""
    write_session(codex_home)
    level = [codex_home.root / "sessions" / "tree"]
    for _depth in range(10):
        level = [folder / side for folder in level for side in ("a", "b")]
    for folder in level:
        folder.mkdir(parents=True)
    found = discover([codex_home.root])
    (problem,) = found.errors
    assert problem.kind is ProblemKind.TOO_LARGE
    assert problem.detail.startswith("not searched: 256 folders more than 8 levels below")


def test_a_log_gone_between_listing_and_looking_is_simply_not_there(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moved to the archive between the folder's listing and its stat: no problem to say,
    and not an "unsearched" place whose old row the index would keep."""
    from codex_presence_gui.core import discovery

    log = write_session(codex_home)
    real_scandir = os.scandir

    class Vanished:
        name = log.name
        path = str(log)

        def is_dir(self, follow_symlinks: bool = True) -> bool:
            return False

        def is_symlink(self) -> bool:
            return False

        def stat(self) -> os.stat_result:
            raise FileNotFoundError(2, "No such file or directory", self.path)

    class Listing:
        def __init__(self, folder: str) -> None:
            self.folder = folder

        def __enter__(self) -> list[object]:
            with real_scandir(self.folder) as entries:
                listed: list[object] = list(entries)
            if self.folder == str(log.parent):
                listed = [Vanished()]
            return listed

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(discovery.os, "scandir", Listing)
    found = discover([codex_home.root])
    assert found.files == []
    assert found.errors == []
    assert found.unsearched == []


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_link_to_a_drive_not_mounted_now_keeps_its_rows(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A log linked onto a drive that is away: said, and an unsearched place (the index
    keeps its rows), not taken for a log that is gone."""
    day = codex_home.root / "sessions" / "2026" / "11" / "30"
    day.mkdir(parents=True)
    link = day / "rollout-2026-11-30T01-00-00-019a0000-0000-7000-8000-000000000001.jsonl"
    link.symlink_to(tmp_path / "unmounted" / "rollout.jsonl")
    found = discover([codex_home.root])
    assert found.files == []
    assert [p.kind for p in found.errors] == [ProblemKind.UNREADABLE]
    assert found.unsearched == [str(link)]
