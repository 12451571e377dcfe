"""The usage index: incremental reads equal a fresh build, whatever happens to the files."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.usage_index import (
    INDEX_NAME,
    OTHER_VERSION_KEEP_S,
    SCHEMA_VERSION,
    SLOT_SECONDS,
    UpdateResult,
    UsageIndex,
    is_damage,
    remove_other_versions,
)
from tests.helpers import rollout as r
from tests.helpers.eras import FIXTURES, install_era
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000a001"
OTHER = "019d0000-0000-7000-8000-00000000a002"


def _turn(at: float, total: int, step: int, model_line: bool = True) -> list[str]:
    lines = [r.turn_context(at)] if model_line else []
    lines.append(
        r.token_count(at + 1, r.usage(total, total // 2, 10), r.usage(step, step // 2, 10))
    )
    lines.append(
        r.token_count(at + 2, r.usage(total, total // 2, 10), r.usage(step, step // 2, 10))
    )
    lines.append(r.assistant(at + 3, "done"))
    return lines


def _session(turns: int, start: float = BASE, first_total: int = 0) -> list[str]:
    lines = [r.session_meta(start, SID)]
    total = first_total
    for turn in range(turns):
        step = 1000 * (turn + 1)
        total += step + 10
        lines += _turn(start + 60 * (turn + 1), total, step)
    return lines


def _state(index: UsageIndex, home: Path) -> dict[tuple[int, str, str], tuple[float, ...]]:
    """The index's sums, by (slot, session, model), and the last call of each."""
    found: dict[tuple[int, str, str], tuple[float, ...]] = {}
    for item in index.slots([home]):
        tokens = item.tokens
        key = (item.slot, item.session_id, item.model)
        old = found.get(key, (0, 0, 0, 0, 0, 0, 0.0))
        new = (
            item.calls,
            tokens.input,
            tokens.cached_input,
            tokens.output,
            tokens.reasoning_output,
            tokens.total,
        )
        sums = tuple(a + b for a, b in zip(old[:6], new, strict=True))
        assert item.last_at is not None
        assert item.slot <= item.last_at < item.slot + SLOT_SECONDS
        found[key] = (*sums, max(old[6], item.last_at))
    return found


def _fresh(home: Path, tmp: Path) -> dict[tuple[int, str, str], tuple[float, ...]]:
    with UsageIndex(tmp / "fresh.sqlite3") as index:
        index.update([home])
        return _state(index, home)


def test_calls_are_summed_by_quarter_hour_and_model(codex_home: CodexHome, tmp_path: Path) -> None:
    codex_home.write(SID, _session(3))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        result = index.update([codex_home.root])
        assert (result.files, result.read) == (1, 1)
        sums = _state(index, codex_home.root)
    # Three calls (the repeated token_count lines add none), all in the first quarter hour.
    assert sums == {
        (int(BASE // SLOT_SECONDS) * SLOT_SECONDS, SID, "gpt-5.3-codex"): (
            3,
            6000,
            3000,
            30,
            0,
            6030,
            BASE + 181,  # the last call: the third turn's first reading
        )
    }


def test_appended_lines_are_read_alone_and_counted_once(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    path = codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        size = path.stat().st_size
        CodexHome.append(path, _turn(BASE + 3600, 3000 + 20 + 3010, 3000))
        result = index.update([codex_home.root])
        assert result.read == 1
        assert result.bytes_read == path.stat().st_size - size  # only what was appended
        assert index.update([codex_home.root]).read == 0  # nothing new: not even opened
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_a_log_become_a_link_to_nowhere_keeps_its_usage_and_says_so(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A log replaced by a link to a drive not mounted now keeps the usage read from it (the
    logs are not gone), and its warning says so: a bare "cannot read …" beside totals that
    still held it read as left out. A log deleted loses its usage, and a link to nowhere
    never read says nothing of usage kept."""
    path = codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        before = _state(index, codex_home.root)
        path.unlink()
        path.symlink_to(tmp_path / "drive-not-mounted" / path.name)
        never = path.with_name(path.name.replace(SID, OTHER))
        never.symlink_to(tmp_path / "drive-not-mounted" / never.name)
        for _ in range(2):  # the repeat says it again
            result = index.update([codex_home.root])
            said = {str(problem.path): problem.detail for problem in result.problems}
            assert said[str(path)].startswith(f"cannot read {path}: No such file or directory")
            assert said[str(path)].endswith("; the usage read from it before is still counted")
            assert "still counted" not in said[str(never)]
            assert _state(index, codex_home.root) == before
        path.unlink()
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == {}


def test_a_repeat_with_nothing_new_reads_no_files_saved_state(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Only what tells that a file changed is read for each file: its saved state (400
    bytes or so of accounting) and head digest are read for the files that grew. With
    100,000 sessions, holding them all had taken 112 MB of a 200 MB repeat report."""
    codex_home.write(SID, _session(2))
    grown = codex_home.write(OTHER, [line.replace(SID, OTHER) for line in _session(1)])
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        statements: list[str] = []
        index._db.set_trace_callback(statements.append)
        assert index.update([codex_home.root]).read == 0
        assert statements
        assert not [text for text in statements if "state" in text or "head_digest" in text]
        CodexHome.append(grown, _turn(BASE + 3600, 6000, 3000))
        statements.clear()
        assert index.update([codex_home.root]).read == 1
        # The grown file's whole row, once the write lock is held (not in the first look).
        wholes = [text for text in statements if "SELECT id, path" in text and "state" in text]
        assert len(wholes) == 1
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


def test_an_unfinished_last_line_counts_once_complete(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    path = codex_home.write(SID, _session(1))
    line = r.token_count(BASE + 500, r.usage(5000, 0, 10), r.usage(3990, 0, 0))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        with path.open("ab") as handle:
            handle.write(line[:40].encode())
        index.update([codex_home.root])
        before = sum(v[0] for v in _state(index, codex_home.root).values())
        with path.open("ab") as handle:
            handle.write(line[40:].encode() + b"\n")
        index.update([codex_home.root])
        after = sum(v[0] for v in _state(index, codex_home.root).values())
    assert (before, after) == (1, 2)


def test_truncated_replaced_and_removed_files(codex_home: CodexHome, tmp_path: Path) -> None:
    path = codex_home.write(SID, _session(4))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        # Rewritten shorter (truncate and regrow with other content): read again from the start.
        path.write_text("\n".join(_session(2, first_total=50)) + "\n")
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "a")
        # Replaced by a file of the same size and time but other first bytes.
        stat = path.stat()
        data = path.read_bytes().replace(b"/home/dev/proj", b"/home/dev/jorp")
        path.unlink()
        path.write_bytes(data)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        index.update([codex_home.root])
        assert {item.project for item in index.slots([codex_home.root])} == {"jorp"}
        path.unlink()
        assert index.update([codex_home.root]).removed == 1
        assert _state(index, codex_home.root) == {}


def _refusing(day: str) -> Callable[[Any], Any]:
    """``os.scandir`` as on a machine where the folder ``day`` cannot be listed."""
    listing = os.scandir

    def refusing(folder: Any) -> Any:
        if os.fspath(folder) == day:
            raise PermissionError(13, "Permission denied", day)
        return listing(folder)

    return refusing


_real_listdir = os.listdir


def _refused(path: Any) -> Any:
    """``os.listdir`` of a folder that cannot be entered."""
    raise PermissionError(13, "Permission denied", os.fspath(path))


def _update_via(index: UsageIndex, home: CodexHome, via: str) -> Any:
    """An update that walks the home itself (``walk``), or is given a walk (``discover``)."""
    from codex_presence_gui.core import discovery

    if via == "walk":
        return index.update([home.root])
    found = discovery.discover([home.root])
    return index.update([home.root], files=found.files, unsearched=found.unsearched)


@pytest.mark.parametrize("via", ["walk", "discover"])
def test_a_folder_that_cannot_be_listed_keeps_its_rows(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    """A day folder that cannot be listed for once (a permission, a network home's hiccup)
    hides its logs from the walk, not from the disk: their rows stay, and the problem is
    said; once listed again, nothing is read twice."""
    from codex_presence_gui.core import discovery

    path = codex_home.write(SID, _session(3))
    real_scandir = os.scandir
    refusing = _refusing(str(path.parent))

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        _update_via(index, codex_home, via)
        before = _state(index, codex_home.root)
        assert before
        monkeypatch.setattr(discovery.os, "scandir", refusing)
        result = _update_via(index, codex_home, via)
        assert result.removed == 0
        if via == "walk":
            assert any(p.kind is ProblemKind.UNREADABLE for p in result.problems)
        assert _state(index, codex_home.root) == before
        monkeypatch.setattr(discovery.os, "scandir", real_scandir)
        again = _update_via(index, codex_home, via)
        assert (again.read, again.removed) == (0, 0)
        assert _state(index, codex_home.root) == before
        # Gone for real once listed: its rows go.
        path.unlink()
        assert _update_via(index, codex_home, via).removed == 1


@st.composite
def _histories(draw: st.DrawFn) -> list[tuple[str, int]]:
    """What happens to a file between updates: appends, rewrites, truncations."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["append", "partial", "rewrite", "truncate"]), st.integers(1, 4)
            ),
            min_size=1,
            max_size=6,
        )
    )


@settings(max_examples=30)
@given(_histories())
def test_any_sequence_of_changes_gives_what_a_fresh_build_gives(
    steps: list[tuple[str, int]],
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = CodexHome(root / "home")
        lines = _session(2)
        path = home.write(SID, lines)
        with UsageIndex(root / "index.sqlite3") as index:
            index.update([home.root])
            total, at = 3020, BASE + 1000
            for kind, count in steps:
                if kind in ("append", "partial"):
                    for _ in range(count):
                        total += 510
                        at += 60
                        lines += _turn(at, total, 500)
                    data = "\n".join(lines) + "\n"
                    if kind == "partial":
                        data = data[:-25]  # a line still being written
                    path.write_bytes(data.encode())
                elif kind == "rewrite":
                    lines = _session(count, start=BASE + 7, first_total=count)
                    path.write_bytes(("\n".join(lines) + "\n").encode())
                else:
                    lines = lines[: max(1, len(lines) - 4 * count)]
                    path.write_bytes(("\n".join(lines) + "\n").encode())
                index.update([home.root])
                assert _state(index, home.root) == _fresh(
                    home.root, root / f"f{kind}{count}{total}"
                )


@pytest.mark.parametrize("fixture", FIXTURES)
def test_each_session_counts_its_own_use(fixture: str, tmp_path: Path) -> None:
    """On every era fixture: the calls add up to the session's own use, as the reader finds
    it (its total less what a fork inherited), unless the session was reset and resumed."""
    _, now, _ = install_era(fixture, tmp_path / "home")
    (snapshot,) = (
        CodexReader([tmp_path / "home"], max_age=None, clock=lambda: now).refresh().snapshots
    )
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: now) as index:
        index.update([tmp_path / "home"])
        calls_total = sum(item.tokens.total for item in index.slots([tmp_path / "home"]))
    own = (snapshot.session_total_tokens or 0) - snapshot.inherited_tokens
    if "resume" in fixture:
        assert calls_total >= own  # each segment's calls count; the total restarts
    else:
        assert calls_total == own


def test_a_corrupt_index_is_rebuilt_with_one_message(codex_home: CodexHome, tmp_path: Path) -> None:
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with UsageIndex(path) as index:
        assert index.notice is not None
        assert "could not be read" in index.notice
        index.update([codex_home.root])
        assert _state(index, codex_home.root)
    with UsageIndex(path) as index:
        assert index.notice is None


def test_an_index_of_another_version_is_rebuilt(codex_home: CodexHome, tmp_path: Path) -> None:
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    with UsageIndex(path) as index:
        assert index.notice is not None
        assert "another version" in index.notice
        assert _state(index, codex_home.root) == {}  # rebuilt: empty until updated
        index.update([codex_home.root])
        assert _state(index, codex_home.root)


def test_two_versions_keep_their_own_index_side_by_side(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The cache folder's index is named by its schema: another version's (or the name before
    it carried one) is never opened, so neither rebuilds the other's at every update."""
    codex_home.write(SID, _session(2))
    assert f"usage-index-v{SCHEMA_VERSION}.sqlite3" == INDEX_NAME
    old = tmp_path / "usage-index.sqlite3"  # what a window started before the upgrade uses
    with UsageIndex(old) as index:
        index.update([codex_home.root])
    with sqlite3.connect(old) as db:
        db.execute("UPDATE meta SET value = '6' WHERE key = 'schema'")
    db.close()
    before = old.read_bytes()
    with UsageIndex(tmp_path / INDEX_NAME) as index:
        assert index.notice is None
        index.update([codex_home.root])
        assert _state(index, codex_home.root)
    assert old.read_bytes() == before  # recent: another version may still run


def test_other_versions_index_files_go_once_untouched_for_two_weeks(tmp_path: Path) -> None:
    """Another version's database, journal, shared-memory and lock files are removed when none
    of them has changed for ``OTHER_VERSION_KEEP_S``; files of a version used lately, and
    files that are no index's, stay."""
    now = time.time()
    stale = ["usage-index.sqlite3", "usage-index.sqlite3-wal", "usage-index.sqlite3.lock"]
    stale += ["usage-index-v5.sqlite3", "usage-index-v5.sqlite3-shm"]
    recent = ["usage-index-v6.sqlite3", "usage-index-v6.sqlite3-wal"]
    kept = ["usage-index-vx.sqlite3", "usage-index.sqlite3.bak", "notes.txt", "usage-index-v"]
    for name in stale + recent + kept:
        (tmp_path / name).write_bytes(b"x")
        old = now - OTHER_VERSION_KEEP_S - 60
        os.utime(tmp_path / name, (old, old))
    # One fresh file keeps its whole group: that version wrote lately.
    fresh = now - 3600
    os.utime(tmp_path / "usage-index-v6.sqlite3-wal", (fresh, fresh))
    with UsageIndex(tmp_path / INDEX_NAME) as index:
        assert index.notice is None
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == sorted([*recent, *kept, INDEX_NAME, f"{INDEX_NAME}.lock", *_journal(left)])
    # A file chosen by name (not the cache folder's) never clears its folder.
    (tmp_path / "usage-index-v4.sqlite3").write_bytes(b"x")
    os.utime(tmp_path / "usage-index-v4.sqlite3", (old, old))
    with UsageIndex(tmp_path / "chosen.sqlite3"):
        pass
    assert (tmp_path / "usage-index-v4.sqlite3").exists()


def test_other_versions_names_on_what_the_app_did_not_make_stay(tmp_path: Path) -> None:
    """Only regular files (and links, whose targets stay) go: a named pipe or a folder under
    an old index's name is someone else's, though its name and age say "another version's
    index"."""
    now = time.time()
    old = now - OTHER_VERSION_KEEP_S - 60
    os.mkfifo(tmp_path / "usage-index-v5.sqlite3")
    (tmp_path / "usage-index-v5.sqlite3-wal").write_bytes(b"x")
    (tmp_path / "usage-index-v4.sqlite3").mkdir()
    target = tmp_path / "mine.db"
    target.write_bytes(b"keep")
    (tmp_path / "usage-index-v3.sqlite3").symlink_to(target)
    for name in ("usage-index-v5.sqlite3", "usage-index-v5.sqlite3-wal", "usage-index-v4.sqlite3"):
        os.utime(tmp_path / name, (old, old))
    os.utime(tmp_path / "usage-index-v3.sqlite3", (old, old), follow_symlinks=False)
    removed = remove_other_versions(tmp_path, now)
    assert sorted(removed) == ["usage-index-v3.sqlite3", "usage-index-v5.sqlite3-wal"]
    assert stat.S_ISFIFO((tmp_path / "usage-index-v5.sqlite3").lstat().st_mode)
    assert (tmp_path / "usage-index-v4.sqlite3").is_dir()
    assert target.read_bytes() == b"keep"  # the link went, what it led to stays


def _journal(names: list[str]) -> list[str]:
    """The open index's own WAL files, when SQLite has left them."""
    return [name for name in names if name in (f"{INDEX_NAME}-wal", f"{INDEX_NAME}-shm")]


def test_an_index_that_lost_a_table_is_said_incomplete(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE prices")
    db.close()
    with UsageIndex(path) as index:
        assert index.notice is not None
        assert "incomplete" in index.notice
        assert "schema 0" not in index.notice


_UPDATER = """
import sys
from pathlib import Path
from typing import Any
from codex_presence_gui.core.usage_index import UsageIndex
with UsageIndex(Path(sys.argv[1])) as index:
    index.update([Path(sys.argv[2])])
"""


def test_two_processes_updating_at_once_count_each_call_once(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The window and the command line at once: one waits for the other, nothing is added
    twice."""
    for number in range(12):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        lines = [r.session_meta(BASE, session_id), *_session(30)[1:]]
        codex_home.write(session_id, lines, started=BASE + number)
    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    runs = [
        subprocess.Popen([sys.executable, "-c", _UPDATER, str(path), str(codex_home.root)])
        for _ in range(3)
    ]
    assert [run.wait(timeout=60) for run in runs] == [0, 0, 0]
    with UsageIndex(path) as index:
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "x")
        assert sum(item.calls for item in index.slots([codex_home.root])) == 12 * 30


@pytest.mark.parametrize("start", ["none", "garbage", "other version", "a lost table"])
def test_first_runs_at_once_make_or_rebuild_the_file_once(
    start: str, codex_home: CodexHome, tmp_path: Path
) -> None:
    """Several processes opening an index that must be made or rebuilt: one does it while
    the others wait, and every one of them counts the same."""
    codex_home.write(SID, _session(3))
    path = tmp_path / "index.sqlite3"
    if start == "garbage":
        path.write_bytes(b"not a database" * 500)
    elif start != "none":
        UsageIndex(path).close()
        with sqlite3.connect(path) as db:
            if start == "other version":
                db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
            else:
                db.execute("DROP TABLE usage")
    for _round in range(3):
        for suffix in ("", "-wal", "-shm"):
            if start == "none" and os.path.exists(f"{path}{suffix}"):
                os.remove(f"{path}{suffix}")
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", _UPDATER, str(path), str(codex_home.root)],
                stderr=subprocess.PIPE,
            )
            for _ in range(5)
        ]
        outcomes = [(run.communicate(timeout=60)[1], run.returncode) for run in runs]
        assert [code for _, code in outcomes] == [0] * 5, outcomes
    with UsageIndex(path) as index:
        assert index.notice is None
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "x")


def test_a_read_only_index_is_said_so_not_rebuilt_nor_blamed_on_the_logs(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index SQLite cannot write (read-only, full disk) fails the update with SQLite's
    reason; it is neither removed nor does it make a file's tokens look uncountable."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    with UsageIndex(path) as index:
        monkeypatch.setattr(
            index,
            "_store",
            lambda *_: (_ for _ in ()).throw(
                sqlite3.OperationalError("attempt to write a readonly database")
            ),
        )
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            index.update([codex_home.root])
        assert index.notice is None
    assert path.exists()


def test_files_that_cannot_be_read_are_problems_not_failures(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    codex_home.write(SID, _session(1))
    fifo = codex_home.root / "sessions" / "2026" / f"rollout-2026-01-01T00-00-00-{OTHER}.jsonl"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        result = index.update([codex_home.root])
        assert result.read == 1
        assert {item.session_id for item in index.slots([codex_home.root])} == {SID}


def test_the_reader_takes_paths_as_texts_and_names_path_objects_in_problems(
    codex_home: CodexHome,
) -> None:
    """The index hands the reader texts (no pathlib to import); its problems name Paths."""
    from codex_presence_gui.core.discovery import FileStat
    from codex_presence_gui.core.usage_index import _rollout
    from codex_presence_gui.core.usage_read import read_all

    codex_home.write(SID, _session(1))
    fifo = codex_home.root / "sessions" / f"rollout-2026-01-01T00-00-00-{OTHER}.jsonl"
    os.mkfifo(fifo)
    todo = [(_rollout(str(fifo), FileStat.of(fifo), str(codex_home.root), False), None)]
    reads = list(read_all(todo, BASE, 1, None))
    assert [type(problem.path) for read in reads if read for problem in read.problems] == [
        type(fifo)
    ]
    assert [problem.path for read in reads if read for problem in read.problems] == [fifo]


def test_lines_without_a_model_count_as_unknown(codex_home: CodexHome, tmp_path: Path) -> None:
    lines = [r.session_meta(BASE, SID), *_turn(BASE + 60, 1010, 1000, model_line=False)]
    codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        assert {item.model for item in index.slots([codex_home.root])} == {"unknown"}


def test_a_file_name_that_is_not_utf8_is_indexed(codex_home: CodexHome, tmp_path: Path) -> None:
    """A session id taken from such a name is kept with its odd bytes written out."""
    folder = codex_home.root / "sessions" / "2026" / "01" / "01"
    folder.mkdir(parents=True)
    path = Path(os.fsdecode(os.fsencode(folder) + b"/rollout-caf\xe9.jsonl"))
    meta = r.session_meta(BASE, "x").replace('"id":"x",', "")
    path.write_text("\n".join([meta, *_turn(BASE + 60, 1010, 1000)]) + "\n")
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert index.update([codex_home.root]).read == 1
        assert [item.session_id for item in index.slots([codex_home.root])] == ["rollout-caf\\xe9"]


def test_a_problem_of_a_file_whose_name_is_not_utf8_is_kept_and_said_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Its problem names the file, odd bytes and all: kept on the file's row (SQLite's text is
    UTF-8) with them written out, where storing it had failed every update with a
    UnicodeEncodeError traceback."""
    folder = codex_home.root / "sessions" / "2026" / "01" / "01"
    folder.mkdir(parents=True)
    path = Path(os.fsdecode(os.fsencode(folder) + b"/rollout-caf\xe9.jsonl"))
    lines = [r.session_meta(BASE, SID), *_turn(BASE + 60, 1010, 1000), '{"timestamp": torn']
    path.write_text("\n".join(lines) + "\n")
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        first = index.update([codex_home.root])
        assert first.read == 1
        assert [problem.kind for problem in first.problems] == [ProblemKind.MALFORMED_LINES]
        again = index.update([codex_home.root])
        assert again.read == 0
        assert [problem.kind for problem in again.problems] == [ProblemKind.MALFORMED_LINES]
        assert "rollout-caf\\xe9.jsonl" in again.problems[0].detail
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_sums_beyond_64_bits_leave_that_file_out_not_the_others(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    huge = 2**53 - 1  # the most a token field may hold; 1,025 in one quarter hour overflow
    lines = [r.session_meta(BASE, OTHER), r.turn_context(BASE + 1)]
    for turn in range(2100):  # within 105 s: at least 1,050 of them share a quarter hour
        lines.append(
            r.token_count(
                BASE + 2 + turn / 20, r.usage(huge, 0, 0, total=huge - turn), r.usage(huge, 0, 0)
            )
        )
    codex_home.write(OTHER, lines, started=BASE + 5)
    codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        result = index.update([codex_home.root])
        assert [p.kind.value for p in result.problems] == ["bad_values"]
        assert "they add up past 64-bit integers" in str(result.problems[0])  # one wording
        assert {item.session_id for item in index.slots([codex_home.root])} == {SID}
        # Not read again until it changes, but said again: the totals still leave it out.
        again = index.update([codex_home.root])
        assert (again.read, again.bytes_read) == (0, 0)
        assert [str(p) for p in again.problems] == [str(result.problems[0])]
        assert again.problems[0].path == result.problems[0].path


def test_sums_that_pass_64_bits_only_after_an_append_are_refused_too(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Each part fits, their sum in one quarter hour does not: the append is refused with a
    problem (as a fresh read of the whole file is), never stored as an inexact float."""
    huge = 2**53 - 1
    lines = [r.session_meta(BASE, OTHER), r.turn_context(BASE + 1)]
    for turn in range(1200):  # all within one quarter hour
        lines.append(
            r.token_count(
                BASE + 2 + turn / 2, r.usage(huge, 0, 0, total=huge - turn), r.usage(huge, 0, 0)
            )
        )
    path = codex_home.write(OTHER, lines[:602], started=BASE + 5)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert index.update([codex_home.root]).problems == []
        codex_home.append(path, lines[602:])
        result = index.update([codex_home.root])
        assert [p.kind.value for p in result.problems] == ["bad_values"]
        assert "they add up past 64-bit integers" in str(result.problems[0])
        for item in index.slots([codex_home.root]):
            assert type(item.tokens.input) is int
            assert item.tokens.input < 2**63
        # Left out whole, as a fresh build leaves it out: not its first half still counted.
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f") == {}
        # Kept as read, with nothing counted: not read again until it changes, but said
        # again at each update (the totals still leave it out).
        again = index.update([codex_home.root])
        assert (again.read, again.bytes_read) == (0, 0)
        assert [str(p) for p in again.problems] == [str(result.problems[0])]
        codex_home.append(path, [r.assistant(BASE + 700, "and more")])
        assert [p.kind.value for p in index.update([codex_home.root]).problems] == ["bad_values"]
        assert _state(index, codex_home.root) == {}


def test_a_home_inside_another_home_takes_its_files_over(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Reports of a home and of a folder inside it, in turn: each counts the files (the
    index's rows are by path; a file moves to the home it is asked for)."""
    written = codex_home.write(SID, _session(2))
    inner = codex_home.root / "sessions" / "sub"  # a home, whose logs the outer one walks too
    (inner / "sessions").mkdir(parents=True)
    written.rename(inner / "sessions" / written.name)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        for home in (codex_home.root, inner, codex_home.root, inner):
            result = index.update([home])
            assert result.problems == [], home
            assert _state(index, home) == _fresh(home, tmp_path / str(len(home.parts))), home


def test_a_pool_of_workers_gives_what_one_process_gives(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codex_presence_gui.core import usage_read

    for number in range(6):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(
            session_id, [r.session_meta(BASE, session_id), *_session(20)[1:]], started=BASE + number
        )
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    overlapped: list[int] = []  # the process each call came from
    with UsageIndex(tmp_path / "pool.sqlite3") as index:
        result = index.update(
            [codex_home.root], workers=2, while_reading=lambda: overlapped.append(os.getpid())
        )
        assert result.read == 6
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)
        # Called once, in this process, while the pool read; never for a one-process read.
        assert overlapped == [os.getpid()]
        codex_home.write(OTHER, _session(1))
        index.update([codex_home.root], workers=1, while_reading=lambda: overlapped.append(0))
        assert overlapped == [os.getpid()]


def _stopped_in_the_warm_up(index: UsageIndex, home: Path, seconds: float) -> UpdateResult:
    """An update in two worker processes, stopped (Ctrl+C) as the price library's warm-up
    begins, which goes on for ``seconds`` while the workers read."""
    pressed: list[bool] = []

    def warm_up_interrupted() -> None:
        pressed.append(True)
        time.sleep(seconds)

    return index.update(
        [home], workers=2, should_stop=lambda: bool(pressed), while_reading=warm_up_interrupted
    )


def test_a_stop_asked_while_the_workers_read_keeps_what_they_read(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C during the price library's warm-up, which runs while the workers read: the
    files they read meanwhile are kept, and the next update reads none of them again. (They
    were all thrown away, the stop seen before the first was taken.)"""
    from codex_presence_gui.core import usage_read

    for number in range(6):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(
            session_id, [r.session_meta(BASE, session_id), *_session(20)[1:]], started=BASE + number
        )
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    with UsageIndex(tmp_path / "pool.sqlite3") as index:
        assert _stopped_in_the_warm_up(index, codex_home.root, 1.0).read == 6
        assert index.update([codex_home.root]).read == 0
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


def test_a_worker_dying_during_a_stop_loses_only_its_own_logs(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C during the warm-up, and meanwhile the worker on the biggest log dies (killed,
    out of memory): the logs the other worker read are kept all the same. (The first chunk
    failed, every chunk after it was dropped, read or not.)"""
    from codex_presence_gui.core import usage_read

    for number in range(6):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        turns = 200 if number == 0 else 20  # the biggest: the first chunk given out
        lines = [r.session_meta(BASE, session_id), *_session(turns)[1:]]
        codex_home.write(session_id, lines, started=BASE + number)
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    real_read = usage_read._read_file

    def dies_on_the_biggest(item: Any, clock: Any) -> Any:
        if str(item[0].path).endswith("00000.jsonl"):
            time.sleep(1.0)  # once the other worker has read the rest
            os._exit(1)
        return real_read(item, clock)

    monkeypatch.setattr(usage_read, "_read_file", dies_on_the_biggest)  # (forked: the workers')
    with UsageIndex(tmp_path / "pool.sqlite3") as index:
        assert _stopped_in_the_warm_up(index, codex_home.root, 2.0).read == 5
        monkeypatch.setattr(usage_read, "_read_file", real_read)
        assert index.update([codex_home.root]).read == 1
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


@pytest.mark.parametrize("failure", [OSError(30, "Read-only file system"), NotImplementedError])
def test_without_worker_processes_the_files_are_read_here(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
) -> None:
    """No pool can be made (a read-only /dev/shm for its locks, no fork left): the first
    build reads in this process instead of failing (it had blamed the cache folder, read
    everything again in memory and ended in a traceback)."""
    import concurrent.futures

    from codex_presence_gui.core import usage_read

    for number in range(3):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(session_id, [r.session_meta(BASE, session_id), *_session(5)[1:]])
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    with UsageIndex(tmp_path / "here.sqlite3") as index:
        result = index.update([codex_home.root], workers=2)
        assert result.read == 3
        assert result.problems == []
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_worker_that_dies_leaves_its_files_to_this_process(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed during a first build (by hand, or by the kernel short of memory):
    the files not yet given back are read here; nothing is counted twice or lost."""
    import multiprocessing
    import signal

    from codex_presence_gui.core import usage_read

    for number in range(8):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(
            session_id, [r.session_meta(BASE, session_id), *_session(40)[1:]], started=BASE + number
        )
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)

    def kill_a_worker() -> None:
        os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)

    with UsageIndex(tmp_path / "killed.sqlite3") as index:
        result = index.update([codex_home.root], workers=2, while_reading=kill_a_worker)
        assert result.read == 8
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the pool forks on Linux")
def test_a_pool_that_fails_while_forking_leaves_no_worker_behind(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second fork fails (no process left for this user): the files are read here, and
    the worker already started is ended (a process waiting for its children at exit had
    hung on it)."""
    import multiprocessing

    from codex_presence_gui.core import usage_read

    for number in range(4):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(session_id, [r.session_meta(BASE, session_id), *_session(5)[1:]])
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    real_fork = os.fork
    forks: list[int] = []

    def fork() -> int:
        forks.append(1)
        if len(forks) == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    with UsageIndex(tmp_path / "forked.sqlite3") as index:
        result = index.update([codex_home.root], workers=4)
        monkeypatch.setattr(os, "fork", real_fork)
        assert result.read == 4
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)
    assert len(forks) == 2
    assert multiprocessing.active_children() == []


def test_a_sub_agent_named_only_in_its_source_counts_only_its_own_calls(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Codex names a sub-agent's parent under ``source.subagent.thread_spawn``; the lines it
    copied from the parent (ordinals below its start) are not its use, even without the
    parent's header copied in."""
    source = {"subagent": {"thread_spawn": {"parent_thread_id": OTHER, "depth": 1}}}
    lines = [
        r.session_meta(BASE, SID, source=source, subagent_history_start_ordinal=10),
        r.turn_context(BASE),
        r.token_count(BASE + 0.1, r.usage(50_000, 0, 500), r.usage(50_000, 0, 500), ordinal=8),
        r.token_count(BASE + 0.2, r.usage(90_000, 0, 900), r.usage(40_000, 0, 400), ordinal=9),
        r.token_count(BASE + 30, r.usage(91_000, 0, 910), r.usage(1_000, 0, 10), ordinal=10),
    ]
    codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        assert sum(item.tokens.total for item in index.slots([codex_home.root])) == 1_010


def test_a_damaged_table_found_during_an_update_rebuilds_the_index(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE files DROP COLUMN ctime")  # as a damaged or foreign file
    with UsageIndex(path) as index:
        assert index.notice is None  # the version looked right
        assert index.update([codex_home.root]).read == 1
        assert index.notice is not None
        assert "rebuilt" in index.notice
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE usage SET output = output + 7 WHERE slot = (SELECT min(slot) FROM usage)",
        "UPDATE usage SET total = 0",
        "UPDATE usage SET calls = calls + 1",
        "DELETE FROM usage WHERE slot = (SELECT max(slot) FROM usage)",
        "UPDATE files SET digest = digest + 1",
        "PRAGMA foreign_keys=OFF; DELETE FROM files",
        # A session's own fields, which reports read: two bytes of bit rot each had moved a
        # session's start or last call by months, or changed its folder, without a word.
        "UPDATE files SET started_at = started_at - 150 * 86400",
        "UPDATE files SET last_at = last_at + 3600",
        "UPDATE files SET cwd = '/home/de' || char(26) || '\"proj'",
        "UPDATE files SET project = 'prok'",
        "UPDATE files SET is_fork = 1",
    ],
)
def test_sums_that_no_longer_add_up_rebuild_the_index(
    codex_home: CodexHome, tmp_path: Path, change: str
) -> None:
    """SQLite keeps no checksums: a damaged record read as other numbers, or a row lost with
    its page, had given a report that looked whole, without a word. Each file's sums are kept
    in one number too, checked when the index is opened: rebuilt with one message."""
    _damaged_index_rebuilds(codex_home, tmp_path, _session(3), change, "no longer match")


def _damaged_index_rebuilds(
    codex_home: CodexHome, tmp_path: Path, lines: list[str], change: str, said: str
) -> None:
    """An index of ``lines``, changed by ``change`` (SQL, as another program or damage would
    change it), is rebuilt when opened, with one notice that says ``said``."""
    codex_home.write(SID, lines)
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(change)
    with UsageIndex(path) as index:
        assert index.update([codex_home.root]).read == 1
        assert index.notice is not None
        assert said in index.notice
        assert "rebuilt" in index.notice
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_sums_written_by_appends_and_restarts_add_up(codex_home: CodexHome, tmp_path: Path) -> None:
    """The digest follows every write: a file read, appended to (its rows added to), cut
    and read again, and gone: the index is never taken for damaged."""
    path = codex_home.write(SID, _session(3))
    index_path = tmp_path / "index.sqlite3"
    for change in (
        lambda: CodexHome.append(path, _session(2, start=BASE + 3600, first_total=10_000)[1:]),
        lambda: path.write_text("\n".join(_session(1)) + "\n"),
        path.unlink,
    ):
        with UsageIndex(index_path) as index:
            index.update([codex_home.root])
            assert index.notice is None
        change()
    with UsageIndex(index_path) as index:
        index.update([codex_home.root])
        assert index.notice is None


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE usage SET input = 'abc'",
        "UPDATE usage SET model = x'00ff'",
        "UPDATE usage SET total = 1.5",
        "UPDATE usage SET input = -5",  # counted less than the logs hold, and priced so
        "UPDATE usage SET calls = -1",
        "UPDATE files SET read_to = 'far'",
        "UPDATE files SET last_at = 'yesterday'",
        "UPDATE files SET project = x'00'",  # a blob stays a blob in a text column
        # A last call outside its quarter hour: two bytes of a real changed, outside the
        # digest's sums; a session's last call had been years off without a word.
        "UPDATE usage SET last_at = last_at - 4 * 365 * 86400",
        "UPDATE usage SET last_at = slot + 900",
    ],
)
def test_a_value_of_the_wrong_type_rebuilds_the_index(
    codex_home: CodexHome, tmp_path: Path, change: str
) -> None:
    """A file SQLite reads well, holding what no index holds (another program wrote it, or a
    damaged record): rebuilt with one message, not a traceback in every later report."""
    _damaged_index_rebuilds(codex_home, tmp_path, _session(2), change, "wrong type")


NOT_UTF8 = "a text in it is not UTF-8"
CHANGED = "its sums or sessions no longer match what was written"


@pytest.mark.parametrize(
    ("change", "grows", "reason"),
    [
        ("UPDATE usage SET model = CAST(x'ff41' AS TEXT)", False, NOT_UTF8),
        # A session's fields are in the digest: found changed before they are read.
        ("UPDATE files SET project = CAST(x'ff41' AS TEXT)", False, CHANGED),
        # A file's saved state is read when the file has grown (a repeat does not read it).
        ("UPDATE files SET state = CAST(x'c3' AS TEXT)", True, NOT_UTF8),
        ("UPDATE meta SET value = CAST(x'ff' AS TEXT) WHERE key = 'schema'", False, NOT_UTF8),
    ],
)
def test_a_text_that_is_not_utf8_rebuilds_the_index(
    codex_home: CodexHome, tmp_path: Path, change: str, grows: bool, reason: str
) -> None:
    """A damaged record whose text is no longer UTF-8 is still text to SQLite (the type check
    passes) but cannot be read by Python: rebuilt with one plain message, where every report
    had fallen back to memory, saying the index "cannot be kept" and quoting the bytes."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path) as db:
        db.execute(change)
    if grows:
        codex_home.write(SID, _session(3))
    with UsageIndex(path) as index:

        def work() -> tuple[dict[tuple[int, str, str], tuple[float, ...]], list[str]]:
            index.update([codex_home.root])
            projects = [info.project for info in index.sessions([codex_home.root]).values()]
            return _state(index, codex_home.root), projects

        state, projects = index.repaired(work)
        assert state == _fresh(codex_home.root, tmp_path / "f")
        assert projects == ["proj"]
        assert index.notice == (
            f"The usage index could not be read ({reason}); it is being rebuilt from the logs."
        )


def test_a_row_that_clashes_with_one_its_index_has_lost_rebuilds_the_index(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index writes no row that clashes with another (a file's row is removed before it is
    made anew): a clash says that the table's own unique index is damaged, out of step with
    it (SQLite's quick check passes). Rebuilt, not refused again at every report, which had
    fallen back to memory saying "UNIQUE constraint failed"."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    codex_home.write(OTHER, _session(1))
    real_store = UsageIndex._store
    clashes = []

    def clash(self: UsageIndex, read: Any, result: Any) -> None:
        if not clashes:  # as the damaged file did, until it was made anew
            clashes.append(read)
            error = sqlite3.IntegrityError("UNIQUE constraint failed: files.path")
            error.sqlite_errorname = "SQLITE_CONSTRAINT_UNIQUE"
            raise error
        real_store(self, read, result)

    monkeypatch.setattr(UsageIndex, "_store", clash)
    with UsageIndex(path) as index:
        index.update([codex_home.root])
        assert clashes
        assert index.notice is not None
        assert "UNIQUE constraint failed" in index.notice
        assert "rebuilt" in index.notice
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_an_index_out_of_step_with_its_table_rebuilds_the_index(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """SQLite says which corruption it met by an extended name (``SQLITE_CORRUPT_INDEX``),
    which had passed for an error of the machine: every report fell back to memory, saying
    the index "cannot be kept (database disk image is malformed)". (Opened, such a file is now
    found damaged by SQLite's own check, before any update meets it.)"""
    codex_home.write(SID, _session(2))
    gone = codex_home.write(OTHER, _session(1), started=BASE + 3600)
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path, isolation_level=None) as db:
        # The index's columns told in another order than its entries were written in.
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX files_by_name ON files (name,"
            " session_id)' WHERE name = 'files_by_name'"
        )
    db.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        (row,) = db.execute(
            "SELECT id FROM files NOT INDEXED WHERE instr(path, ?)", (OTHER.encode(),)
        ).fetchone()
        # A row deleted, as an update deletes a gone file's: SQLite finds no index entry for it.
        with pytest.raises(sqlite3.DatabaseError) as met:
            db.execute("DELETE FROM files WHERE id = ?", (row,))
    assert met.value.sqlite_errorname == "SQLITE_CORRUPT_INDEX"
    assert is_damage(met.value)
    gone.unlink()
    with UsageIndex(path) as index:
        index.update([codex_home.root])
        assert index.notice is not None
        assert "found damage" in index.notice
        assert "rebuilt" in index.notice
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_table_definitions_damaged_into_bytes_not_utf8_rebuild_the_index(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """SQLite's message on a damaged table definition quotes it; Python cannot decode that
    message and raised UnicodeDecodeError (a traceback at every report): the file is damage."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("PRAGMA writable_schema = ON")
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'meta'").fetchone()
        damaged = sql.replace("CREATE TABLE", "CREATE\xa0TABLE").encode("latin-1")
        db.execute("UPDATE sqlite_master SET sql = CAST(? AS TEXT) WHERE name = 'meta'", (damaged,))
    db.close()
    with UsageIndex(path) as index:
        assert index.notice == (
            "The usage index could not be read (its table definitions are damaged); "
            "it is being rebuilt from the logs."
        )
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def _hostile_line(draw: st.DrawFn, at: float) -> str:
    """A line a broken or hostile writer could leave: token counts of any JSON value (NaN as
    text, huge, negative, strings), deep nesting, control characters, torn envelopes."""
    from tests.helpers.strategies import json_values

    kind = draw(st.sampled_from(["usage", "odd-usage", "deep", "garbage", "torn", "context"]))
    if kind == "usage":
        total = draw(st.integers(0, 10**7))
        return r.token_count(at, r.usage(total, total // 3, 7), r.usage(total // 2, 0, 7))
    if kind == "odd-usage":
        odd = draw(json_values(finite_only=True, max_leaves=4))
        payload = {
            "type": "token_count",
            "info": {"total_token_usage": {"input_tokens": odd}, "last_token_usage": odd},
        }
        return r.envelope(at, "event_msg", payload)
    if kind == "deep":
        return (
            '{"timestamp":"'
            + r.iso(at)
            + '","type":"event_msg","payload":'
            + "[" * 5000
            + "]" * 5000
            + "}"
        )
    if kind == "garbage":
        return draw(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                max_size=60,
            )
        )
    if kind == "torn":
        return r.token_count(at, r.usage(5, 0, 0))[: draw(st.integers(1, 60))]
    return r.turn_context(at, model=draw(st.text(max_size=12)) + "\x1b[2J\u202e")


@settings(max_examples=40)
@given(st.data())
def test_hostile_lines_never_stop_an_update_and_appends_equal_a_fresh_build(
    data: st.DataObject,
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = CodexHome(root / "home")
        path = home.write(SID, [r.session_meta(BASE, SID)])
        with UsageIndex(root / "index.sqlite3") as index:
            for step in range(data.draw(st.integers(1, 4))):
                lines = [
                    _hostile_line(data.draw, BASE + 10 * step + n)
                    for n in range(data.draw(st.integers(1, 6)))
                ]
                with path.open("a", encoding="utf-8", errors="surrogateescape") as handle:
                    handle.write("\n".join(lines) + "\n")
                index.update([home.root])
            assert _state(index, home.root) == _fresh(home.root, root / "fresh")


def _fork_line(draw: st.DrawFn, at: float, total: int) -> str:
    """A fork's line at ``at``: usage, model, or output, its time kept, garbled, dropped or
    thrown far ahead (a fork's copy must be told the same however its reads are split)."""
    kind = draw(st.sampled_from(["usage", "usage", "context", "output"]))
    if kind == "usage":
        line = r.token_count(at, r.usage(total, total // 4, 9), r.usage(1000, 0, 9))
    elif kind == "context":
        line = r.turn_context(at, model="gpt-5.3-codex")
    else:
        line = r.assistant(at, "done")
    stamp = f'"timestamp":"{r.iso(at)}",'
    fault = draw(st.sampled_from(["kept", "kept", "kept", "garbled", "dropped", "far"]))
    replaced = {
        "kept": stamp,
        "garbled": '"timestamp":"garbage",',
        "dropped": "",
        "far": '"timestamp":"9999-01-01T00:00:00.000Z",',
    }[fault]
    return line.replace(stamp, replaced)


@settings(max_examples=40)
@given(st.data())
def test_a_forks_reads_split_anywhere_equal_one_read(data: st.DataObject) -> None:
    """A fork's copy (lines back to back after its header), then its own lines, some with a
    bad time: read in appended steps, the sums equal a fresh build's (the copy's state,
    ``in_copy`` included, is kept between updates)."""
    import tempfile

    parent = "019d0000-0000-7000-8000-00000000a0ff"
    lines = [r.session_meta(BASE, SID, forked_from_id=parent), r.session_meta(BASE - 999, parent)]
    copied = data.draw(st.integers(0, 6))
    total = 0
    for n in range(copied):
        total += 1000
        lines.append(_fork_line(data.draw, BASE + 0.01 * (n + 1), total))
    for n in range(data.draw(st.integers(1, 6))):
        total += 1000
        lines.append(_fork_line(data.draw, BASE + 30 + 10 * n, total))
    cuts = sorted(data.draw(st.lists(st.integers(1, len(lines)), max_size=3)))
    bounds = [*cuts, len(lines)]  # the file as first read, then each append's end
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = CodexHome(root / "home")
        path = home.write(SID, lines[: bounds[0]])
        with UsageIndex(root / "index.sqlite3") as index:
            index.update([home.root])
            for start, end in pairwise(bounds):
                if end > start:
                    with path.open("a", encoding="utf-8") as handle:
                        handle.write("\n".join(lines[start:end]) + "\n")
                    index.update([home.root])
            assert _state(index, home.root) == _fresh(home.root, root / "fresh")


def test_a_repeat_skipped_undecoded_only_right_after_its_first(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The same usage again after another usage line (here a total reset in between) is a
    new call, not a re-emission: it must be decoded and counted (hypothesis found this)."""
    same = r.token_count(BASE + 1, r.usage(0, 0, 7), r.usage(0, 0, 7))
    reset = r.envelope(
        BASE + 2,
        "event_msg",
        {"type": "token_count", "info": {"total_token_usage": {"input_tokens": None}}},
    )
    codex_home.write(
        SID,
        [r.session_meta(BASE, SID), same, reset, same.replace(r.iso(BASE + 1), r.iso(BASE + 3))],
    )
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        assert sum(item.tokens.output for item in index.slots([codex_home.root])) == 14


def test_the_service_tier_comes_from_thread_settings_else_from_config(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """``service_tier = "fast"`` in the home's config.toml is the priority tier until a
    session's thread settings name another; each call keeps the tier it was made in."""
    (codex_home.root / "config.toml").write_text('model = "gpt-5.4"\nservice_tier = "fast"\n')
    standard = r.event(
        BASE + 100, "thread_settings_applied", thread_settings={"service_tier": "default"}
    )
    lines = [*_session(1), standard, *_turn(BASE + 200, 1010 + 2010, 2000)]
    codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        tiers = sorted((item.service_tier, item.calls) for item in index.slots([codex_home.root]))
    assert tiers == [("", 1), ("priority", 1)]
    (codex_home.root / "config.toml").write_text("service_tier = [broken")
    from codex_presence_gui.core.usage_read import configured_service_tier

    assert configured_service_tier(codex_home.root) == ""


def _indexed(codex_home: CodexHome, tmp_path: Path, lines: list[str]) -> list[Any]:
    """The index's slots of one session of ``lines``, read from nothing."""
    codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        return list(index.slots([codex_home.root]))


@pytest.mark.parametrize("spoiled", ["damaged byte", "impossible last count", "estimate"])
def test_a_response_whose_line_was_skipped_counts_from_the_total(
    spoiled: str, codex_home: CodexHome, tmp_path: Path
) -> None:
    """The running total counts every response (``status`` reads it): a response whose line
    was skipped (a damaged byte, an impossible count in its last response) is counted from
    the next line's total, as a call of its own, where it had been lost; an estimate of the
    last response (``total_tokens`` alone) counts the total's growth, field by field."""
    import json

    middle = r.token_count(BASE + 20, r.usage(3000, 0, 300), r.usage(2000, 0, 200))
    if spoiled == "damaged byte":
        middle = middle.replace('"input_tokens":3000', '"input_tokens":3#00')
    else:
        data = json.loads(middle)
        last = data["payload"]["info"]["last_token_usage"]
        if spoiled == "estimate":
            data["payload"]["info"]["last_token_usage"] = {"total_tokens": 2200}
        else:
            last["reasoning_output_tokens"] = -1
        middle = r.dumps(data)
    lines = [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1),
        r.token_count(BASE + 10, r.usage(1000, 0, 100), r.usage(1000, 0, 100)),
        middle,
        r.token_count(BASE + 30, r.usage(6000, 0, 600), r.usage(3000, 0, 300)),
    ]
    items = _indexed(codex_home, tmp_path, lines)
    assert sum(item.calls for item in items) == 3
    assert sum(item.tokens.input for item in items) == 6000
    assert sum(item.tokens.output for item in items) == 600
    assert sum(item.tokens.total for item in items) == 6600


def test_a_total_that_grows_as_its_last_response_says_adds_no_call(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Only a growth of ``total_tokens`` past the response is another response: counts that
    differ field by field alone (the total's input split otherwise) add none."""
    lines = [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1),
        r.token_count(BASE + 10, r.usage(1000, 0, 100), r.usage(1000, 0, 100)),
        r.token_count(BASE + 20, r.usage(2010, 0, 190), r.usage(1000, 0, 100)),
    ]
    items = _indexed(codex_home, tmp_path, lines)
    assert sum(item.calls for item in items) == 2
    assert sum(item.tokens.total for item in items) == 2200


def test_a_context_overflow_fill_carried_into_the_next_total_adds_no_call(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A context overflow's fill (``total_tokens`` of the window alone) is carried into the
    total of the response after it, and the session overflowed early, so that total is above
    the one before the fill: the window is no response (no input), not a call of its own."""
    window = 258_400
    lines = [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1),
        r.token_count(BASE + 10, r.usage(50_000, 0, 1_000), r.usage(50_000, 0, 1_000)),
        r.token_count(BASE + 20, r.usage(0, total=window), r.usage(0, total=window - 51_000)),
        r.token_count(
            BASE + 30, r.usage(20_000, 0, 500, total=window + 20_500), r.usage(20_000, 0, 500)
        ),
    ]
    items = _indexed(codex_home, tmp_path, lines)
    assert sum(item.calls for item in items) == 2
    assert sum(item.tokens.total for item in items) == 71_500


@pytest.mark.parametrize("step", [1, 2])
def test_a_fork_does_not_count_again_the_damaged_reading_its_copy_ends_with(
    codex_home: CodexHome, tmp_path: Path, step: int
) -> None:
    """A parent's reading whose line is damaged is counted by the parent, from its next total;
    a fork made right after it copied the damaged line, and its first total grows past its
    own response by that reading: the parent's call, not the fork's (it had been counted
    twice). Read whole, or in two updates split at the copy's end."""
    parent = "019d0000-0000-7000-8000-00000000a0ff"
    damaged = r.token_count(BASE + 30, r.usage(3000, 0, 300), r.usage(1000, 0, 100))
    damaged = damaged.replace('"input_tokens":3000', '"input_tokens":3#00')
    history = [
        r.turn_context(BASE + 1),
        r.token_count(BASE + 10, r.usage(1000, 0, 100), r.usage(1000, 0, 100)),
        r.token_count(BASE + 20, r.usage(2000, 0, 200), r.usage(1000, 0, 100)),
        damaged,
    ]
    codex_home.write(
        parent,
        [
            r.session_meta(BASE, parent),
            *history,
            r.token_count(BASE + 40, r.usage(4000, 0, 400), r.usage(1000, 0, 100)),
        ],
    )
    fork_at = BASE + 100
    copy = [
        re.sub(r'^\{"timestamp":"[^"]*"', f'{{"timestamp":"{r.iso(fork_at + 0.01 * n)}"', line)
        for n, line in enumerate(history, start=1)
    ]
    own = r.token_count(fork_at + 30, r.usage(3500, 0, 350), r.usage(500, 0, 50))
    fork = [r.session_meta(fork_at, SID, forked_from_id=parent), r.session_meta(BASE, parent)]
    path = codex_home.write(SID, fork + copy + ([own] if step == 1 else []), started=fork_at)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        if step == 2:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(own + "\n")
            index.update([codex_home.root])
        items = list(index.slots([codex_home.root]))
    by_session: dict[str, tuple[int, int]] = {}
    for item in items:
        calls, total = by_session.get(item.session_id, (0, 0))
        by_session[item.session_id] = (calls + item.calls, total + item.tokens.total)
    assert by_session == {parent: (4, 4400), SID: (1, 550)}


def test_the_state_text_survives_any_folder_name() -> None:
    """The accounting state is stored as ASCII JSON text, which reads back the same, also
    with a lone surrogate in a folder name (orjson refuses to read one: such a file had been
    read again from its start at every update)."""
    import json

    from codex_presence_gui.core.usage_read import _saved_state, _state_text

    plain = {"cwd": "/home/dev/proj", "total": [10, 5, 2, 0, 12], "trusted_ts": 1.5}
    odd = {"cwd": "/home/dev/\ud800", "total": None}
    for state in (plain, odd):
        text = _state_text(state)
        assert text.isascii()
        assert json.loads(text) == state
        assert _saved_state(text) == state


@pytest.mark.parametrize("stamp", ["future", "malformed", "missing", "year 1"])
def test_calls_on_lines_with_an_unusable_time_still_count(
    stamp: str, codex_home: CodexHome, tmp_path: Path
) -> None:
    """A clock that runs behind Codex's (lines stamped past the index's now), or a time that
    cannot be read: the call counts, at the last trusted line's time (its total moved on, so
    leaving it out would lose its tokens for good)."""
    lines = _session(1)
    odd = r.token_count(BASE + 500, r.usage(9000, 0, 20), r.usage(7990, 0, 10))
    if stamp == "future":
        odd = odd.replace(r.iso(BASE + 500), r.iso(BASE + 86400))
    elif stamp == "malformed":
        odd = odd.replace(r.iso(BASE + 500), "yesterday at noon")
    elif stamp == "missing":
        odd = odd.replace(f'"timestamp":"{r.iso(BASE + 500)}",', "")
    else:
        odd = odd.replace(r.iso(BASE + 500), "0001-01-01T00:00:00Z")
    lines.append(odd)
    codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: BASE + 600) as index:
        index.update([codex_home.root])
        slots = list(index.slots([codex_home.root]))
    assert sum(item.calls for item in slots) == 2
    assert sum(item.tokens.input for item in slots) == 1000 + 7990
    assert {item.slot for item in slots} == {int(BASE // SLOT_SECONDS) * SLOT_SECONDS}


def test_a_call_stamped_in_the_future_is_dated_again_once_its_time_comes(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A log from a machine whose clock runs a day ahead: its call counts at once, at the last
    trusted line's time; once the clock reaches the line's own time, the file is read again
    and the call moves to its own quarter hour, as a first build would put it then."""
    lines = _session(1)
    ahead = BASE + 86400
    lines.append(r.token_count(ahead, r.usage(9000, 0, 20), r.usage(7990, 0, 10)))
    codex_home.write(SID, lines)
    now = [BASE + 600]
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: now[0]) as index:
        index.update([codex_home.root])
        first = int(BASE // SLOT_SECONDS) * SLOT_SECONDS
        assert {item.slot for item in index.slots([codex_home.root])} == {first}
        now[0] = ahead - 400  # not yet: nothing is read again
        assert index.update([codex_home.root]).read == 0
        # Within the five minutes a first build already trusts a line's own time (a clock a
        # little behind Codex's): read again then, not only at the line's time.
        now[0] = ahead - 60
        assert index.update([codex_home.root]).read == 1
        later = int(ahead // SLOT_SECONDS) * SLOT_SECONDS
        assert {item.slot for item in index.slots([codex_home.root])} == {first, later}
        assert index.update([codex_home.root]).read == 0  # once
        with UsageIndex(tmp_path / "fresh.sqlite3", clock=lambda: now[0]) as fresh:
            fresh.update([codex_home.root])
            assert _state(index, codex_home.root) == _state(fresh, codex_home.root)


def test_a_log_reached_by_two_paths_counts_once(codex_home: CodexHome, tmp_path: Path) -> None:
    """A home given as itself and through a symlink, and a hard link to one of its logs in
    the archive: every call once."""
    path = codex_home.write(SID, _session(3))
    archive = codex_home.root / "archived_sessions"
    archive.mkdir()
    os.link(path, archive / path.name)
    alias = tmp_path / "alias"
    alias.symlink_to(codex_home.root, target_is_directory=True)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        result = index.update([codex_home.root, alias])
        assert result.files == 1
        assert sum(item.calls for item in index.slots([codex_home.root, alias])) == 3


_ORPHANED_WORKER = """
import os, sys, time
from codex_presence_gui.core import usage_read
usage_read.ORPHAN_CHECK_S = 0.05
parent = os.getpid()
child = os.fork()
if child == 0:
    usage_read._worker_started(parent)
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks only where it can")
def test_a_worker_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A first build killed (SIGKILL, a closed terminal) leaves no worker behind waiting for
    files to read."""
    import signal
    import time

    parent = subprocess.Popen([sys.executable, "-c", _ORPHANED_WORKER], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    parent.kill()
    parent.wait(timeout=10)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break  # gone (and reaped by whoever adopted it)
        if (
            Path(f"/proc/{worker}/stat").exists()
            and " Z " in Path(f"/proc/{worker}/stat").read_text()
        ):
            break  # ended, waiting to be reaped
        time.sleep(0.05)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


def test_an_update_says_which_lines_it_skipped(codex_home: CodexHome, tmp_path: Path) -> None:
    """Lines that could not be counted are said when read (as the window says them), and
    again at each later update, as a first build would say them: the totals leave them
    out. An append's read says the file's whole counts."""
    lines = _session(2)
    lines.insert(2, r.token_count(BASE + 61, r.usage(-5, 0, 10)))  # an impossible count
    lines.insert(3, '{"timestamp":"2026-05-04T09:01:02.000Z","type":"event_msg","payload":{')
    path = codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        first = index.update([codex_home.root])
        again = index.update([codex_home.root])
    said = {problem.kind: str(problem) for problem in first.problems}
    assert said[ProblemKind.BAD_VALUES] == (
        f"1 line with impossible token counts skipped in {path.name}"
    )
    malformed = said[ProblemKind.MALFORMED_LINES]
    assert malformed.startswith(f"1 malformed line skipped in {path.name}")
    assert {problem.kind: str(problem) for problem in again.problems} == said
    assert all(problem.path == path for problem in again.problems)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        codex_home.append(path, ['{"timestamp":"2026-05-04T09:30:00.000Z","type":"ev'] * 2)
        codex_home.append(path, _turn(BASE + 1800, 99_000, 5000))
        grown = index.update([codex_home.root])
        assert grown.read == 1
        later = {problem.kind: str(problem) for problem in grown.problems}
        assert later[ProblemKind.MALFORMED_LINES].startswith(
            f"3 malformed lines skipped in {path.name}"
        )
        assert later[ProblemKind.BAD_VALUES] == said[ProblemKind.BAD_VALUES]
        quiet = index.update([codex_home.root])
        assert {problem.kind: str(problem) for problem in quiet.problems} == later
    with UsageIndex(tmp_path / "fresh.sqlite3") as fresh:
        first_build = fresh.update([codex_home.root])
    assert {problem.kind: str(problem) for problem in first_build.problems} == later


def test_a_copy_over_the_log_that_keeps_its_start_is_read_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A backup copied over the log on the same inode: the same first bytes (a long header),
    other turns after them, longer than what was indexed. Counted as a fresh build counts it,
    not as an append to what was there."""
    header = r.session_meta(BASE, SID, cwd="/w/" + "x" * 5000)  # longer than the fingerprint
    path = codex_home.write(SID, [header, *_session(2)[1:]])
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        rewritten = [
            header,
            *_turn(BASE + 60, 5010, 5000),
            *_turn(BASE + 120, 12020, 7000),
            *_turn(BASE + 180, 20030, 8000),
        ]
        data = ("\n".join(rewritten) + "\n").encode()
        with open(path, "r+b") as handle:
            handle.write(data)
        later = os.stat(path).st_mtime + 100  # a copy that keeps times would be caught by ctime
        os.utime(path, (later, later))
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "x")


def test_two_users_of_a_damaged_index_rebuild_it_once(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The window and a report both find the damage: the first rebuilds the file, the second
    takes the new file instead of removing it (and with it what the first wrote)."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    first, second = UsageIndex(path), UsageIndex(path)
    try:
        with sqlite3.connect(path) as db:
            db.execute("ALTER TABLE files DROP COLUMN ctime")  # damage both will meet
        first.update([codex_home.root])
        rebuilt = os.stat(path).st_ino
        assert first.notice is not None
        second.update([codex_home.root])
        assert second.notice is None  # it found the file already rebuilt
        assert os.stat(path).st_ino == rebuilt
        fresh = _fresh(codex_home.root, tmp_path / "f")
        assert _state(first, codex_home.root) == fresh
        assert _state(second, codex_home.root) == fresh
    finally:
        first.close()
        second.close()


def test_a_listing_without_inodes_still_leaves_unchanged_files_unopened(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Windows lists files with device and inode 0: a repeat must not read every log again."""
    from codex_presence_gui.core.discovery import walk_homes

    codex_home.write(SID, _session(3))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        before = _state(index, codex_home.root)
        listed = [
            (path, stat._replace(dev=0, ino=0), home, archived)
            for path, stat, home, archived in walk_homes([codex_home.root], [], [])
        ]
        result = index.update([codex_home.root], files=listed)  # type: ignore[arg-type]
        assert (result.files, result.read) == (1, 0)
        assert _state(index, codex_home.root) == before


def test_an_index_busy_at_opening_is_kept_not_rebuilt(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only damage rebuilds: an index another program holds locked past the timeout fails
    the opening with SQLite's reason, and keeps every byte."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    before = path.read_bytes()

    def busy(self: UsageIndex, **_options: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(UsageIndex, "_connect", busy)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        UsageIndex(path)
    assert path.read_bytes() == before


def test_a_wait_for_another_writer_is_told_once_then_goes_on(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the index while it updates it (the window's first build of a
    big home): after ``WAIT_NOTICE_S`` the waiting update says so, once, and goes on when the
    lock is free; without anything to read it never waits at all."""
    import threading

    from codex_presence_gui.core import usage_index

    monkeypatch.setattr(usage_index, "WAIT_NOTICE_S", 0.2)
    path = tmp_path / "index.sqlite3"
    told: list[float] = []
    with UsageIndex(path, waiting=lambda: told.append(time.monotonic())) as index:
        index.update([codex_home.root])
        codex_home.write(SID, _session(2))
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        threading.Timer(1.5, holder.execute, ("COMMIT",)).start()
        try:
            assert index.update([codex_home.root]).read == 1
        finally:
            holder.close()
        assert len(told) == 1
        assert 0.15 <= told[0] - started < 1.5
        assert time.monotonic() - started >= 1.45
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            assert index.update([codex_home.root]).read == 0  # nothing new: no lock taken
        finally:
            holder.close()
        assert len(told) == 1
    assert _state(UsageIndex(path), codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_a_listing_that_lags_behind_an_open_log_still_sees_the_append(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Windows lists a file Codex holds open with the size and times of its last close (and
    inode 0): the index asks the file itself, so the append is read."""
    from codex_presence_gui.core.discovery import walk_homes

    path = codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        stale = [
            (file, stat._replace(dev=0, ino=0), home, archived)
            for file, stat, home, archived in walk_homes([codex_home.root], [], [])
        ]
        codex_home.append(path, _turn(BASE + 500, 99_000, 5000))
        assert index.update([codex_home.root], files=stale).read == 1  # type: ignore[arg-type]
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_a_touched_log_is_left_unopened_from_the_next_update_on(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codex_presence_gui.core import usage_read

    path = codex_home.write(SID, _session(2))
    opened: list[object] = []
    original = usage_read._read_file
    monkeypatch.setattr(
        usage_read, "_read_file", lambda item, clock: opened.append(item) or original(item, clock)
    )
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        later = os.stat(path).st_mtime + 60
        os.utime(path, (later, later))  # touched: the same bytes
        index.update([codex_home.root])
        index.update([codex_home.root])
    assert len(opened) == 2  # the first read, and the check after the touch: no more


@pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to remove an open file")
def test_an_index_rebuilt_by_another_process_is_followed(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """What this process writes after another rebuilt the file goes to the new file, not to
    the old one, deleted, where nobody would see it."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    window = UsageIndex(path)
    try:
        window.update([codex_home.root])
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.remove(f"{path}{suffix}")
        UsageIndex(path).close()  # a report made a new, empty one
        window.update([codex_home.root])
        with UsageIndex(path) as other:
            assert _state(other, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")
    finally:
        window.close()


@contextlib.contextmanager
def _another_writer(path: Path) -> Iterator[None]:
    """Another process holding the index's write lock (the window in an update)."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def _damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage (the WAL checkpointed first)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    db.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\xa5" * size)


def test_damage_met_while_reading_the_sums_is_rebuilt_once(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The usage table is damaged, the files table whole: the update passes, the read of the
    sums meets the damage; the index is rebuilt (one notice) and read again."""
    codex_home.write(SID, _session(3))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    _damage_table(path, "usage")
    with UsageIndex(path) as index:

        def work() -> dict[tuple[int, str, str], tuple[int, ...]]:
            index.update([codex_home.root])
            return _state(index, codex_home.root)

        assert index.repaired(work) == _fresh(codex_home.root, tmp_path / "f")
        assert index.notice is not None
        assert "rebuilt" in index.notice


def test_rows_let_go_of_after_a_rebuild_close_quietly(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A report's rows, begun, wait while a price is kept; damage met there rebuilds the
    index, closing the connection the rows were read on: letting them go then had printed
    "Exception ignored … Cannot operate on a closed database" under the report."""
    codex_home.write(SID, _session(3))
    unraisable: list[Any] = []
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        rows = index.slot_rows([codex_home.root])
        assert next(rows)[1] == SID
        index._rebuild(sqlite3.DatabaseError("database disk image is malformed"))
        previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
        try:
            del rows
        finally:
            sys.unraisablehook = previous
        assert index.notice is not None
    assert unraisable == []


def test_an_update_that_fails_for_a_full_disk_gives_the_space_back(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite keeps its WAL's size, the pages of a transaction rolled back too: a first build
    that filled the disk had left it full after the report (8 MB of an 8 MB disk, every run).
    The WAL is emptied after such a failure; a new index's tables are in the file itself, so
    that nothing in the WAL needs room in the file to be copied to first (made before the
    index goes into WAL mode, they leave no WAL at all)."""
    for number in range(6):
        codex_home.write(f"019d0000-0000-7000-8000-0000000b{number:04x}", _session(30))
    path = tmp_path / "index.sqlite3"
    wal = Path(f"{path}-wal")
    real_store = UsageIndex._store
    stored = []

    def fill_the_disk(self: UsageIndex, read: Any, result: Any) -> None:
        if len(stored) == 5:
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorname = "SQLITE_FULL"
            raise error
        real_store(self, read, result)
        stored.append(read)

    with UsageIndex(path) as index:
        assert not wal.exists()  # made anew: its tables are in the file
        # A small page cache: the pages spill into the WAL before the commit, as a large
        # build's do.
        index._db.execute("PRAGMA cache_size = 1")
        monkeypatch.setattr(UsageIndex, "_store", fill_the_disk)
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            index.update([codex_home.root])
        assert len(stored) == 5
        assert wal.stat().st_size == 0
        monkeypatch.undo()
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


@pytest.mark.parametrize("pages", [1, 3, 5])
def test_a_new_index_that_the_disk_has_no_room_for_leaves_nothing_to_trip_on(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: int
) -> None:
    """A full disk while the tables of a new index are made (simulated: the file may not grow
    past ``pages`` pages, which SQLite refuses with the error of a full disk) leaves no
    table, no -wal and no -shm file, and nothing open; the next start, with room, makes the
    index as if for the first time. Made one at a time in the WAL, some tables had stayed
    (the next start said "The usage index is incomplete … being rebuilt"), and a 60 KB -wal
    and a 32 KB -shm file had stayed beside a file of nothing."""
    from codex_presence_gui.core import usage_index

    codex_home.write(SID, _session(2))
    path = tmp_path / "cache" / INDEX_NAME
    made: list[sqlite3.Connection] = []
    real_digest = usage_index._with_digest

    def small_disk(db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute(f"PRAGMA max_page_count = {pages}")
        made.append(db)
        return real_digest(db)

    monkeypatch.setattr(usage_index, "_with_digest", small_disk)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        UsageIndex(path)
    left = sorted(entry.name for entry in path.parent.iterdir())
    assert left in ([INDEX_NAME, f"{INDEX_NAME}.lock"], [f"{INDEX_NAME}.lock"])
    assert not path.exists() or path.stat().st_size == 0
    for db in made:  # closed, not left for the garbage collector to close some day
        with pytest.raises(sqlite3.ProgrammingError):
            db.execute("SELECT 1")
    monkeypatch.undo()
    with UsageIndex(path) as index:
        assert index.notice is None
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


#: Lets no file grow past 24 KB (a full disk, as SQLite meets it: its -shm file grows a page
#: at a time to 32 KB, and fails at the page it has no room for), then opens the index at
#: argv[1] and updates it from the home at argv[2]; with argv[3] "update", the disk fills only
#: once the index is open (a new one's tables made). Prints SQLite's error.
_FULL_DISK_UPDATER = """
import resource, signal, sqlite3, sys
from codex_presence_gui.core.usage_index import UsageIndex

def fill_the_disk():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG); the process lives
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    resource.setrlimit(resource.RLIMIT_FSIZE, (24576, hard))

if sys.argv[3] == "open":
    fill_the_disk()
try:
    with UsageIndex(sys.argv[1]) as index:
        if sys.argv[3] == "update":
            fill_the_disk()
        index.update([sys.argv[2]])
except sqlite3.Error as error:
    print(error.sqlite_errorname)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX's")
@pytest.mark.parametrize("fills", ["update", "open"])
def test_an_index_the_full_disk_fails_leaves_no_wal_nor_shm_file(
    codex_home: CodexHome, tmp_path: Path, fills: str
) -> None:
    """A disk with room for the index's tables but not for SQLite's -shm file: the first
    update fails (``fills`` "update"), or the opening of an index already made ("open"), and
    SQLite, unable to map the -shm file to end the WAL with, leaves both: an empty -wal and
    a 24 KB -shm file had stayed after the report and the window. They are removed; the
    index's rows are kept as they were."""
    codex_home.write(SID, _session(30))
    path = tmp_path / "cache" / INDEX_NAME
    before = {}
    if fills == "open":
        with UsageIndex(path) as index:
            index.update([codex_home.root])
            before = _state(index, codex_home.root)
        codex_home.write(OTHER, _session(3))
    updater = subprocess.run(
        [sys.executable, "-c", _FULL_DISK_UPDATER, str(path), str(codex_home.root), fills],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert updater.stdout.strip() == "SQLITE_IOERR_SHMSIZE"
    assert sorted(entry.name for entry in path.parent.iterdir()) == [
        INDEX_NAME,
        f"{INDEX_NAME}.lock",
    ]
    with UsageIndex(path) as index:
        assert index.notice is None
        assert _state(index, codex_home.root) == before


def test_closing_one_index_leaves_the_wal_of_another_open_in_this_process(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The -wal and -shm files of an index still open in this process are never removed
    when another closes: the lock a process holds on the -shm file does not tell its own
    connections apart (and a WAL that holds writes is never removed at all)."""
    codex_home.write(SID, _session(3))
    path = tmp_path / INDEX_NAME
    with UsageIndex(path) as index:
        index.update([codex_home.root])
        index._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # an empty WAL
        UsageIndex(path).close()
        assert Path(f"{path}-wal").stat().st_size == 0
        assert Path(f"{path}-shm").exists()
        index._db.execute("PRAGMA wal_autocheckpoint = 0")  # its writes stay in the WAL
        codex_home.write(OTHER, _session(2))
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")
    with UsageIndex(path) as index:
        assert index.notice is None
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "g")


def test_an_error_after_which_sqlite_rolled_back_is_told_and_the_index_kept(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk fails the write and SQLite ends the transaction itself: that error is the
    one told, and the file is kept (a failed ROLLBACK had passed for damage)."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
        before = _state(index, codex_home.root)
    inode = path.stat().st_ino
    codex_home.write(OTHER, _session(1))

    def disk_full(self: UsageIndex, read: object, result: object) -> None:
        self._db.execute("ROLLBACK")  # what SQLite does on SQLITE_FULL
        raise sqlite3.OperationalError("database or disk is full")

    with UsageIndex(path) as index:
        monkeypatch.setattr(UsageIndex, "_store", disk_full)
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            index.update([codex_home.root])
        monkeypatch.undo()
        assert index.notice is None
        assert path.stat().st_ino == inode
        assert _state(index, codex_home.root) == before


def test_a_repeat_with_nothing_new_reads_while_another_process_writes(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer holds the lock (the window updating): a report with nothing new reads the
    index as it is instead of waiting for the lock, or failing when the wait runs out."""
    import codex_presence_gui.core.usage_index as usage_index

    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 0.2)
    with _another_writer(path), UsageIndex(path) as index:
        assert index.update([codex_home.root]).read == 0
        assert _state(index, codex_home.root)


def test_a_big_unfinished_last_line_is_said_and_not_read_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """64 MiB with no line end (a sparse file here): said at each update, the file left
    unopened until it changes; the line counts once it is finished, and is no longer said."""
    path = codex_home.write(SID, _session(1))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        with path.open("ab") as handle:
            handle.truncate(path.stat().st_size + 64 * 1024 * 1024)
        first = index.update([codex_home.root])
        assert [p.kind for p in first.problems] == [ProblemKind.UNFINISHED_LINE]
        again = index.update([codex_home.root])
        assert (again.read, again.bytes_read) == (0, 0)
        assert [str(p) for p in again.problems] == [str(first.problems[0])]
        with path.open("ab") as handle:
            line = r.token_count(BASE + 500, r.usage(5000, 0, 10), r.usage(3990, 0, 0))
            handle.write(b"\n" + line.encode() + b"\n")
        finished = index.update([codex_home.root])
        assert ProblemKind.UNFINISHED_LINE not in {p.kind for p in finished.problems}
        assert sum(v[0] for v in _state(index, codex_home.root).values()) == 2
        assert ProblemKind.UNFINISHED_LINE not in {
            p.kind for p in index.update([codex_home.root]).problems
        }


@pytest.mark.parametrize("state", ["{garbage", '{"total": 5, "last": "x", "model": 7}', "[]"])
def test_an_unusable_saved_state_reads_the_file_again(
    codex_home: CodexHome, tmp_path: Path, state: str
) -> None:
    """A damaged state text in a file's row: that file is read again from its start (it had
    given a traceback on every update)."""
    path = codex_home.write(SID, _session(2))
    index_path = tmp_path / "index.sqlite3"
    with UsageIndex(index_path) as index:
        index.update([codex_home.root])
    with sqlite3.connect(index_path) as db:
        db.execute("UPDATE files SET state = ?", (state,))
    db.close()
    with path.open("a") as handle:
        handle.write("\n".join(_turn(BASE + 900, 99_999, 500)) + "\n")
    with UsageIndex(index_path) as index:
        assert index.update([codex_home.root]).read == 1
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_a_same_size_rewrite_in_the_middle_with_the_times_kept_is_read_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """An edited copy put back with its size and mtime (``cp -p``, ``rsync -t --inplace``):
    only the ctime tells, and the bytes that changed may be anywhere, so the whole file is
    read again (a chmod costs the same read; a number never goes wrong for it)."""
    path = codex_home.write(SID, _session(40))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        stat = path.stat()
        data = path.read_bytes()
        middle = data.index(b'"model":"gpt-', len(data) // 2) + len(b'"model":"')
        before = stat.st_ctime_ns
        while path.stat().st_ctime_ns == before:  # the ctime's clock ticks coarsely
            path.write_bytes(data[:middle] + b"X" + data[middle + 1 :])
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert index.update([codex_home.root]).read == 1
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_an_unfinished_line_taken_back_leaves_the_file_unopened_again(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The half line is cut off again (the file back to where it was read to, a new mtime):
    read again once (its size as read before, and a new mtime: what changed may be anywhere),
    then the size as found is stored with the new times, so the next update has nothing to
    do and takes no write lock (a stale size had made every update plan and lock it)."""
    import codex_presence_gui.core.usage_index as usage_index

    path = codex_home.write(SID, _session(40))  # past the 4 KiB of its head digest
    index_path = tmp_path / "index.sqlite3"
    whole = path.stat().st_size
    with UsageIndex(index_path) as index:
        index.update([codex_home.root])
        with path.open("ab") as handle:
            handle.write(b'{"timestamp":"2026-05-04T10:00:00.000Z","type":"ev')
        index.update([codex_home.root])
        later = path.stat().st_mtime + 5
        os.truncate(path, whole)
        os.utime(path, (later, later))
        assert index.update([codex_home.root]).read == 1
        assert index.update([codex_home.root]).read == 0
    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 0.2)
    with _another_writer(index_path), UsageIndex(index_path) as index:
        assert index.update([codex_home.root]).read == 0


def test_keeping_a_price_does_not_wait_for_another_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report that meets a new price while the window writes: the price is not kept this
    time (the library is asked again next run), and the report goes on at once."""
    import time

    import codex_presence_gui.core.usage_index as usage_index
    from codex_presence_gui.core.pricing import PriceSpan

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 8.0)
    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    with _another_writer(path), UsageIndex(path) as index:
        started = time.monotonic()
        index.save_price("lib 1", PriceSpan("gpt-x", False, "", "2026-05-04", None, None))
        assert time.monotonic() - started < 4.0  # not the 8 s a writer would wait
        assert index.load_prices("lib 1") == []


def test_an_index_in_memory_counts_as_the_file_does_and_writes_nothing(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback for a cache folder that cannot be used: the same sums, kept current by
    appends for as long as it is open, and no file anywhere (not even a lock)."""
    monkeypatch.chdir(tmp_path)
    path = codex_home.write(SID, _session(2))
    with UsageIndex.in_memory() as index:
        assert not index.kept
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "a")
        codex_home.append(path, _turn(BASE + 600, 10_000, 4_000))
        result = index.update([codex_home.root])
        assert result.read == 1
        assert result.bytes_read < path.stat().st_size  # the appended lines only
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "codex-home"]


def test_a_damaged_price_span_is_asked_of_the_library_again(tmp_path: Path) -> None:
    """Spans are found by comparing day texts: a row whose days are not days (or run
    backwards) must not cover every day with its price; it is left out, as an unreadable
    price is."""
    from decimal import Decimal

    from codex_presence_gui.core.pricing import PriceSpan, UnitPrices

    units = UnitPrices(Decimal("0.00000125"), Decimal("0.000000125"), Decimal("0.00001"))
    good = PriceSpan("gpt-x", False, "", "2026-05-01", "2026-05-31", units)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.save_price("lib", good)
        for first, last in [
            ("0", None),
            ("2026-5-1", None),
            ("2026-06-01", "2026-05-01"),
            (
                "2026-05-01",
                "later",
            ),
            ("", None),
        ]:
            index.save_price(
                "lib", good._replace(model=f"bad {first} {last}", first=first, last=last)
            )
        with contextlib.closing(sqlite3.connect(index.path)) as db, db:
            db.execute(
                "INSERT INTO prices VALUES ('lib', 'typed', 0, '', 20260501, NULL, '1', '0', '2')"
            )
            # Prices that would fail a report, or make a cost negative: asked again too.
            for n, values in enumerate(
                [
                    ("NaN", "0", "1"),
                    ("1", "sNaN", "1"),
                    ("Infinity", "0", "1"),
                    ("1e999999", "0", "1"),
                    ("-1", "0", "1"),
                    ("", "0", "1"),
                    ("1", None, "1"),
                    ("x", "0", "1"),
                ]
            ):
                db.execute(
                    "INSERT INTO prices VALUES ('lib', ?, 0, '', '2026-05-01', NULL, ?, ?, ?)",
                    (f"value {n}", *values),
                )
        assert index.load_prices("lib") == [good]


def test_copies_of_a_log_count_once(codex_home: CodexHome, tmp_path: Path) -> None:
    """A copy of a rollout file (not a link: a backup, an archived copy left beside the
    original, a file manager's or a sync tool's copy under another name) holds the same
    calls: it counts once, as in ``status``; of an older, shorter copy and the whole log,
    the whole log counts, even when the shorter copy's last call reads later (a clock that
    ran ahead). (ccusage's session report counts each file: docs/ccusage-parity.md.)"""
    import shutil

    lines = _session(4)
    path = codex_home.write(SID, lines)
    archived = codex_home.root / "archived_sessions"
    archived.mkdir()
    shutil.copy(path, archived / path.name)
    older = codex_home.root / "sessions" / "backup"
    older.mkdir()
    shorter = lines[:7]  # the header, the first turn, and the second turn's first call
    shorter[-1] = shorter[-1].replace(r.iso(BASE + 121), r.iso(BASE + 7200))
    assert shorter[-1] != lines[6]
    (older / path.name).write_text("\n".join(shorter) + "\n")
    stem = path.name.removesuffix(".jsonl")
    for copy in (
        f"{stem} copy.jsonl",
        f"{stem} - Copy.jsonl",
        f"{stem}.sync-conflict-20260504.jsonl",
    ):
        shutil.copy(path, path.parent / copy)
    # Copies not named as Codex names its logs (they had counted twice): known by their
    # session and their first bytes, beside the log or in another folder.
    shutil.copy(path, path.parent / "rollout-backup.jsonl")
    shutil.copy(path, older / "rollout-old.jsonl")
    codex_home.write(OTHER, [r.session_meta(BASE, OTHER), *_session(2)[1:]])
    # A reverted thread's new rollout (another name, the same thread id) counts as well.
    reverted = [r.session_meta(BASE + 3600, SID), *_session(1, start=BASE + 3600)[1:]]
    (
        path.parent / path.name.replace(".jsonl", "_019d0000-0000-7000-8000-0000000000ff.jsonl")
    ).write_text("\n".join(reverted) + "\n")
    alone = tmp_path / "alone"
    alone_home = CodexHome(alone)
    alone_home.write(SID, lines)
    alone_home.write(OTHER, [r.session_meta(BASE, OTHER), *_session(2)[1:]])
    alone_home.write(SID, reverted, started=BASE + 3600)
    with UsageIndex(tmp_path / "copies.sqlite3") as index:
        result = index.update([codex_home.root])
        assert result.files == 10  # every file is indexed, kept current and ready to count
        assert _state(index, codex_home.root) == _fresh(alone, tmp_path / "fresh")
        sessions = index.sessions([codex_home.root])
        assert sorted(sessions) == sorted([SID, OTHER])
        # The thread runs from its first file's start to its new rollout's last call.
        assert sessions[SID].started_at == BASE
        assert sessions[SID].last_at == BASE + 3600 + 61
        # Rows from a time on look for copies among the sessions with calls then only: the
        # same rows as every row's from then, copies left out all the same.
        every = list(index.slot_rows([codex_home.root]))
        for since in (BASE - 900, BASE + 60, BASE + 3600, BASE + 3660, BASE + 9000):
            first = int(since // SLOT_SECONDS) * SLOT_SECONDS
            later = [row for row in every if row[0] >= first]
            assert list(index.slot_rows([codex_home.root], since=since)) == later


_HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS t (x)")
db.execute("INSERT INTO t VALUES (1)")
print("open", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to remove an open file")
def test_another_versions_index_still_open_is_kept(tmp_path: Path) -> None:
    """A version left running for weeks with no session moving writes nothing, but has its
    index open: its files stay, however old; once it is gone they go."""
    other = tmp_path / "usage-index-v6.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(other)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "open"
            names = sorted(path.name for path in tmp_path.iterdir())
            assert f"{other.name}-shm" in names
            old = time.time() - OTHER_VERSION_KEEP_S - 60
            for path in tmp_path.iterdir():
                os.utime(path, (old, old))
            with UsageIndex(tmp_path / INDEX_NAME):
                pass
            assert other.exists()
            assert Path(f"{other}-shm").exists()
        finally:
            holder.kill()  # gone without closing: its -shm file stays, with no lock on it
    for name in names:
        os.utime(tmp_path / name, (old, old))
    with UsageIndex(tmp_path / INDEX_NAME):
        pass
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(other.name)]


@pytest.mark.skipif(sys.platform == "win32", reason="no -shm check on Windows")
@pytest.mark.parametrize("kind", ["fifo", "socket", "link to a fifo", "fifo after the look"])
def test_what_is_no_file_at_another_version_s_shm_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A named pipe, a socket or a link to a pipe at another version's ``-shm`` place (where
    ``_in_use`` looks for SQLite's lock) is looked at, not opened for writing (a pipe had been
    opened and locked, a device would have been too), and keeps its group: whether SQLite
    has that index open cannot be told. One put there between the look and the opening is
    found by the opened file's own kind, and closed untouched."""
    old = time.time() - OTHER_VERSION_KEEP_S - 60
    other = tmp_path / "usage-index-v5.sqlite3"
    other.write_bytes(b"x")
    shm = Path(f"{other}-shm")
    real_lstat = os.lstat
    if kind == "link to a fifo":
        there = _put("fifo", tmp_path / "their-pipe")
        shm.symlink_to(tmp_path / "their-pipe")
    elif kind == "fifo after the look":
        shm.write_bytes(b"")
        looks: list[str] = []

        def swapped(where: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            found = real_lstat(where, *args, **kwargs)
            if os.fspath(where) == os.fspath(shm):
                looks.append(os.fspath(where))
                if len(looks) == 2:  # the group's ages were read first: this is the look
                    shm.unlink()
                    os.mkfifo(shm)
            return found

        monkeypatch.setattr(os, "lstat", swapped)
        there = lambda: stat.S_ISFIFO(real_lstat(shm).st_mode)  # noqa: E731
    else:
        there = _put(kind, shm)
    for path in (other, shm):
        os.utime(path, (old, old), follow_symlinks=False)
    real_open = os.open
    opened: list[tuple[str, int]] = []

    def recorded(where: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((os.fspath(where), flags))
        return real_open(where, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recorded)
    started = time.monotonic()
    removed = remove_other_versions(tmp_path, time.time())
    monkeypatch.undo()
    assert time.monotonic() - started < 5
    assert removed == []
    assert other.read_bytes() == b"x"
    assert there()
    if kind == "fifo after the look":
        # Opened as it was a file at the look, but without waiting, and closed untouched.
        assert [flags & os.O_NONBLOCK for where, flags in opened if where == str(shm)] == [
            os.O_NONBLOCK
        ]
    else:
        assert str(shm) not in [where for where, _ in opened]


def test_only_ascii_version_numbers_name_an_index(tmp_path: Path) -> None:
    """Files that merely look like an index's (other digits, a dangling link) are handled
    as their names and links say."""
    old = time.time() - OTHER_VERSION_KEEP_S - 60
    for name in ("usage-index-v\u00b2.sqlite3", "usage-index-v\u0667.sqlite3"):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    (tmp_path / "usage-index-v5.sqlite3").write_bytes(b"x")
    os.symlink(tmp_path / "missing", tmp_path / "usage-index-v5.sqlite3-wal")
    os.utime(tmp_path / "usage-index-v5.sqlite3", (old, old))
    os.utime(tmp_path / "usage-index-v5.sqlite3-wal", (old, old), follow_symlinks=False)
    with UsageIndex(tmp_path / INDEX_NAME):
        pass
    left = {path.name for path in tmp_path.iterdir()}
    assert {"usage-index-v\u00b2.sqlite3", "usage-index-v\u0667.sqlite3"} <= left
    assert not {"usage-index-v5.sqlite3", "usage-index-v5.sqlite3-wal"} & left


def test_what_another_process_wrote_is_known_and_its_own_writes_are_not(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The window asks whether ``report`` wrote to the shared index: calls it read are then
    in the index, not left in the logs for the window's own update to find."""
    path = codex_home.write(SID, _session(2))
    index_path = tmp_path / "index.sqlite3"
    with UsageIndex(index_path) as window:
        assert window.written_elsewhere()  # nothing known yet
        window.update([codex_home.root])
        assert not window.written_elsewhere()  # its own first build
        CodexHome.append(path, _turn(BASE + 3600, 3000 + 20 + 3010, 3000))
        assert window.update([codex_home.root]).read == 1
        assert not window.written_elsewhere()  # its own append
        CodexHome.append(path, _turn(BASE + 7200, 2 * (3000 + 20 + 3010), 3000))
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from codex_presence_gui.core.usage_index import UsageIndex; "
                "UsageIndex(sys.argv[1]).update([sys.argv[2]])",
                str(index_path),
                str(codex_home.root),
            ],
            check=True,
        )
        assert window.update([codex_home.root]).read == 0  # the report read it first
        assert window.written_elsewhere()
        assert not window.written_elsewhere()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to remove an open file")
def test_a_file_another_process_made_anew_counts_as_written_elsewhere(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    codex_home.write(SID, _session(2))
    index_path = tmp_path / "index.sqlite3"
    with UsageIndex(index_path) as window:
        window.update([codex_home.root])
        assert window.written_elsewhere()  # the first call: nothing known before
        assert not window.written_elsewhere()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{index_path}{suffix}")
        UsageIndex(index_path).close()  # a report made a new, empty one
        window.update([codex_home.root])  # follows it, and fills it
        assert window.written_elsewhere()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers map files on Linux")
def test_a_log_cut_short_under_a_workers_map_ends_that_worker_not_the_update(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers read through maps of the files: a file truncated while mapped (Codex, or a
    user, rewriting it) raises SIGBUS, which ends that worker. The update goes on in this
    process, which reads what the pool had not given back, with plain reads; nothing is
    counted twice or lost, and this process never maps a file itself."""
    from codex_presence_gui.core import tail as tail_module
    from codex_presence_gui.core import usage_read

    for number in range(8):
        session_id = f"019d0000-0000-7000-8000-0000000{number:05d}"
        codex_home.write(
            session_id, [r.session_meta(BASE, session_id), *_session(40)[1:]], started=BASE + number
        )
    monkeypatch.setattr(usage_read, "POOL_MIN_BYTES", 0)
    marker = tmp_path / "cut-once"
    feed = tail_module.LineSplitter.feed
    pump = tail_module.FollowedFile._pump_mapped
    reading: list[str] = []

    def pump_noting_the_file(self: tail_module.FollowedFile, *args: object) -> int:
        reading[:] = [str(self.path)]
        return pump(self, *args)  # type: ignore[arg-type]

    def feed_cutting_the_first_mapped_file(
        self: tail_module.LineSplitter, chunk: object, *args: object
    ) -> None:
        if not isinstance(chunk, bytes):  # a map, in a worker
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                import faulthandler

                faulthandler.disable()  # pytest's: no dump of this worker's expected end
                os.truncate(reading[0], 0)  # under the map: touching it now is SIGBUS
        feed(self, chunk, *args)  # type: ignore[arg-type]

    read_here: list[int] = []  # files read in this process (a worker's list is its own)
    plain_pump = tail_module.FollowedFile._pump

    def pump_noted(self: tail_module.FollowedFile, *args: Any) -> int:
        read_here.append(os.getpid())
        return plain_pump(self, *args)

    monkeypatch.setattr(tail_module.FollowedFile, "_pump_mapped", pump_noting_the_file)
    monkeypatch.setattr(tail_module.LineSplitter, "feed", feed_cutting_the_first_mapped_file)
    monkeypatch.setattr(tail_module.FollowedFile, "_pump", pump_noted)
    with UsageIndex(tmp_path / "cut.sqlite3") as index:
        result = index.update([codex_home.root], workers=2)
        assert marker.exists()  # a worker did map a file, and it was cut under the map
        assert read_here  # the worker died of it: what it had not given back was read here
        assert result.files == 8
        assert not tail_module.map_files  # this process reads by copies
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


def test_below_a_place_means_in_it_not_beside_it() -> None:
    from codex_presence_gui.core.usage_index import _below

    sep = os.sep.encode()
    places = {b"home" + sep + b"s" + sep + b"2026", sep + b"x"}
    assert _below(b"home" + sep + b"s" + sep + b"2026" + sep + b"05" + sep + b"r.jsonl", places)
    assert _below(b"home" + sep + b"s" + sep + b"2026", places)
    assert not _below(b"home" + sep + b"s" + sep + b"20267" + sep + b"r.jsonl", places)
    assert not _below(b"home" + sep + b"s" + sep + b"r.jsonl", places)
    assert _below(sep + b"x" + sep + b"y", places)
    assert _below(sep + b"anything", {b""})  # below the root


def test_the_types_are_looked_at_again_only_after_another_connection_wrote(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-table look costs 0.4 µs a row: not on every update of the window, only on a
    new connection and after another one wrote (a wrong value comes from nowhere else)."""
    from codex_presence_gui.core import usage_index

    looks: list[bool] = []
    real = usage_index._mistyped

    def counted(db: sqlite3.Connection) -> bool:
        looks.append(real(db))
        return looks[-1]

    monkeypatch.setattr(usage_index, "_mistyped", counted)
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
        assert looks == [False]
        codex_home.write(OTHER, _session(1))
        assert index.update([codex_home.root]).read == 1  # its own write
        index.update([codex_home.root])
        assert looks == [False]  # not looked at again
        with sqlite3.connect(path) as other:
            other.execute("UPDATE usage SET input = 'abc'")
        assert index.update([codex_home.root]).read == 2  # found, rebuilt, read again
        assert looks[1] is True
        assert index.notice is not None
        assert "wrong type" in index.notice


def test_a_wait_notice_leaves_the_usual_busy_timeout(codex_home: CodexHome, tmp_path: Path) -> None:
    """After an update told of, and a price kept (whose wait is short), a wait is made of
    SQLite's short waits again, up to ``BUSY_TIMEOUT_S`` in all."""
    from codex_presence_gui.core.pricing import PriceSpan
    from codex_presence_gui.core.usage_index import WAIT_SLICE_S

    codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3", waiting=lambda: None) as index:
        index.update([codex_home.root])
        index.save_price("lib 1", PriceSpan("gpt-x", False, "", "2026-05-04", None, None))
        (timeout,) = index._db.execute("PRAGMA busy_timeout").fetchone()
        assert timeout == round(WAIT_SLICE_S * 1000)
        assert getattr(index._db, "patience_s", 0) is None  # BUSY_TIMEOUT_S


def _tiers(index: UsageIndex, home: Path) -> set[str]:
    return {item.service_tier for item in index.slots([home])}


def test_another_tier_in_config_toml_reads_the_homes_files_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Calls of logs that name no tier are priced in the tier config.toml names: when it names
    another, the home's files are read again, so that a repeat says what a first build says
    (it had kept the old tier until each file changed, and after, for the new calls too)."""
    path = codex_home.write(SID, _session(2))
    config = codex_home.root / "config.toml"
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        assert _tiers(index, codex_home.root) == {""}
        assert index.update([codex_home.root]).read == 0
        config.write_text('service_tier = "fast"\n')
        assert index.update([codex_home.root]).read == 1
        assert _tiers(index, codex_home.root) == {"priority"}
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "fresh")
        # Another setting changed, the same tier: nothing is read again.
        config.write_text('model = "gpt-5.5"\nservice_tier = "fast"\n')
        assert index.update([codex_home.root]).read == 0
        # A call appended later is the new tier's, as a first build would count it.
        CodexHome.append(path, _turn(BASE + 600, 3000 + 3030 + 20, 3000))
        assert index.update([codex_home.root]).read == 1
        assert _tiers(index, codex_home.root) == {"priority"}
        config.unlink()  # standard again
        assert index.update([codex_home.root]).read == 1
        assert _tiers(index, codex_home.root) == {""}
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "fresh2")


def test_an_interrupted_first_build_goes_on_where_it_stopped(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The window quit during its first build, run after run: each run goes on from the files
    done (the config.toml look had taken them for a tier change and read them again)."""
    for number in range(10):
        session = f"019d0000-0000-7000-8000-0000000{number:05d}"
        lines = _session(2, start=BASE + number * 3600)
        lines[0] = r.session_meta(BASE + number * 3600, session)
        codex_home.write(session, lines, started=BASE + number * 3600)
    asked = [0]

    def stop_after_four() -> bool:
        asked[0] += 1
        return asked[0] > 4

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        done = 0
        for _ in range(3):
            asked[0] = 0
            done += index.update([codex_home.root], should_stop=stop_after_four).read
        assert done == 10
        assert index.update([codex_home.root]).read == 0


def test_an_update_tells_how_far_its_reading_is(codex_home: CodexHome, tmp_path: Path) -> None:
    """Told before the first file and after each one: the files read of those to read, and
    their bytes; an append is told as what was left of the file, and nothing to read tells
    nothing."""
    from codex_presence_gui.core.usage_index import ReadProgress

    paths = []
    for number in range(3):
        session = f"019d0000-0000-7000-8000-0000001{number:05d}"
        lines = _session(2 + number, start=BASE + number * 3600)
        lines[0] = r.session_meta(BASE + number * 3600, session)
        paths.append(codex_home.write(session, lines, started=BASE + number * 3600))
    sizes = [path.stat().st_size for path in paths]
    told: list[ReadProgress] = []
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert index.update([codex_home.root], progress=told.append).read == 3
        assert told[0] == ReadProgress(0, 3, 0, sum(sizes))
        assert [item.files_read for item in told] == [0, 1, 2, 3]
        assert told[-1] == ReadProgress(3, 3, sum(sizes), sum(sizes))
        assert sorted(b.bytes_read - a.bytes_read for a, b in pairwise(told)) == sorted(sizes)
        assert told[-1].share == 1.0
        told.clear()
        assert index.update([codex_home.root], progress=told.append).read == 0
        assert told == []
        added = "\n".join(_turn(BASE + 9000, 999_000, 10)) + "\n"
        with paths[0].open("a", encoding="utf-8") as handle:
            handle.write(added)
        assert index.update([codex_home.root], progress=told.append).read == 1
        size = len(added)
        assert told == [ReadProgress(0, 1, 0, size), ReadProgress(1, 1, size, size)]


def test_a_quit_while_a_file_is_written_keeps_what_the_first_build_read(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window quit during its first build, while the index wrote a file's sums: the
    update ends there with what it read committed, as at a quit between files. SQLite, asked
    between its steps to stop, had given that write up, and an interrupted write takes its
    whole transaction back: every file the build had read was to be read again."""
    from codex_presence_gui.core import usage_index

    for number in range(4):
        session = f"019d0000-0000-7000-8000-0000000{number:05d}"
        lines = _session(2, start=BASE + number * 3600)
        lines[0] = r.session_meta(BASE + number * 3600, session)
        codex_home.write(session, lines, started=BASE + number * 3600)
    monkeypatch.setattr(usage_index, "STOP_CHECK_STEPS", 1)  # asked at every step
    stored = [0]
    store = UsageIndex._store

    def storing(index: UsageIndex, read: Any, result: Any) -> None:
        stored[0] += 1
        store(index, read, result)

    monkeypatch.setattr(UsageIndex, "_store", storing)
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path, should_stop=lambda: stored[0] >= 2) as index:
        index.update([codex_home.root], should_stop=lambda: stored[0] >= 2)
    with UsageIndex(path) as index:
        assert index.update([codex_home.root]).read == 2  # the other two: none read again
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_a_tier_change_waits_for_a_folder_that_cannot_be_listed(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """config.toml names another tier while a day folder cannot be listed: its logs are read
    again once it can be (they had kept the old tier for good)."""
    from codex_presence_gui.core import discovery

    path = codex_home.write(SID, _session(2))
    listing = os.scandir
    refusing = _refusing(str(path.parent))

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        (codex_home.root / "config.toml").write_text('service_tier = "fast"\n')
        monkeypatch.setattr(discovery.os, "scandir", refusing)
        assert index.update([codex_home.root]).read == 0
        assert _tiers(index, codex_home.root) == {""}  # kept, unread
        monkeypatch.setattr(discovery.os, "scandir", listing)
        assert index.update([codex_home.root]).read == 1
        assert _tiers(index, codex_home.root) == {"priority"}


def test_a_config_edit_that_keeps_its_size_and_time_is_seen(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """ "flex" to "fast" (the same length), the modification time put back (a copy that keeps
    times, a sync tool): the new tier is still seen."""
    codex_home.write(SID, _session(2))
    config = codex_home.root / "config.toml"
    config.write_text('service_tier = "flex"\n')
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        assert _tiers(index, codex_home.root) == {"flex"}
        before = config.stat()
        config.write_text('service_tier = "fast"\n')
        os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert config.stat().st_size == before.st_size
        assert index.update([codex_home.root]).read == 1
        assert _tiers(index, codex_home.root) == {"priority"}


def test_each_file_keeps_its_checkouts_remote_and_never_a_password(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    remote = "https://x-token:ghp_secret123@github.com/acme/api.git"
    git = {"commit_hash": "3f2a9d0c", "branch": "main", "repository_url": remote}
    lines = _session(2)
    lines[0] = r.session_meta(BASE, SID, git=git)
    path = codex_home.write(SID, lines)
    codex_home.write(OTHER, [r.session_meta(BASE, OTHER), *_session(1)[1:]])
    index_path = tmp_path / "index.sqlite3"
    with UsageIndex(index_path) as index:
        index.update([codex_home.root])
        found = {item.session_id: item.repository for item in index.slots([codex_home.root])}
        assert found == {SID: "github.com/acme/api", OTHER: None}
        # An append is read from where the last read stopped: the remote stays.
        with path.open("a") as handle:
            handle.write("\n".join(_turn(BASE + 600, 99_000, 5000)) + "\n")
        assert index.update([codex_home.root]).read == 1
        found = {item.session_id: item.repository for item in index.slots([codex_home.root])}
        assert found[SID] == "github.com/acme/api"
    stored = b"".join(
        file.read_bytes() for file in tmp_path.iterdir() if file.name.startswith("index")
    )
    assert b"ghp_secret123" not in stored
    assert b"x-token" not in stored


@pytest.mark.parametrize("via", ["walk", "discover"])
def test_a_home_that_cannot_be_entered_keeps_its_rows(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    """A Codex folder that is there but cannot be entered for a moment (EACCES: a permission,
    a network home's hiccup): its logs are not gone, so their rows stay and the problem is
    said; it was taken for a home without logs, its rows deleted and "no sessions folder"
    said."""
    from codex_presence_gui.core import discovery

    codex_home.write(SID, _session(3))
    root = str(codex_home.root)
    real_stat = os.stat

    def refusing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path).startswith(root + os.sep):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        _update_via(index, codex_home, via)
        before = _state(index, codex_home.root)
        assert before
        monkeypatch.setattr(discovery.os, "stat", refusing)
        monkeypatch.setattr(discovery.os, "listdir", _refused)
        message = discovery.no_sessions_message(root)
        assert message is not None
        assert message.startswith("cannot open")
        assert "Permission denied" in message
        result = _update_via(index, codex_home, via)
        assert result.removed == 0
        if via == "walk":
            assert any(p.kind is ProblemKind.UNREADABLE for p in result.problems)
        monkeypatch.setattr(discovery.os, "stat", real_stat)
        monkeypatch.setattr(discovery.os, "listdir", _real_listdir)
        assert _state(index, codex_home.root) == before
        assert discovery.no_sessions_message(root) is None


@pytest.mark.parametrize("kind", ["fifo", "device", "huge", "folder"])
def test_a_config_toml_that_is_no_settings_file_is_passed_over(
    codex_home: CodexHome, tmp_path: Path, kind: str
) -> None:
    """A ``config.toml`` that is a FIFO (reading it waited for ever), a link to /dev/zero
    (reading it filled the memory), past a megabyte, or a folder: the standard tier, at
    once."""
    from codex_presence_gui.core.usage_read import CONFIG_MAX_BYTES, configured_service_tier

    config = codex_home.root / "config.toml"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(config)
    elif kind == "device":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        config.symlink_to("/dev/zero")
    elif kind == "huge":
        config.write_bytes(b'service_tier = "fast"\n' + b"#" * CONFIG_MAX_BYTES)
    else:
        config.mkdir()
    started = time.monotonic()
    assert configured_service_tier(codex_home.root) == ""
    assert time.monotonic() - started < 5
    codex_home.write(SID, _session(2))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        result = index.update([codex_home.root])
        assert {item.service_tier for item in index.slots([codex_home.root])} == {""}
    said = [problem for problem in result.problems if problem.path == config]
    assert len(said) == 1, result.problems
    assert "priced at the standard tier" in str(said[0])


def test_a_config_toml_that_cannot_be_used_is_said_at_every_update_until_mended(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A ``config.toml`` that is not valid TOML loses its "fast" tier: each update says so
    (a repeat with nothing new too, from what the index kept), and none once it is mended.
    A byte order mark before it (Windows' Notepad) is no error."""
    from codex_presence_gui.core.problems import ProblemKind

    config = codex_home.root / "config.toml"
    config.write_text('service_tier = "fast"\nmodel = [broken\n')
    codex_home.write(SID, _session(2))

    def said(result: UpdateResult) -> list[str]:
        return [str(problem) for problem in result.problems if problem.path == config]

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        first = index.update([codex_home.root])
        assert len(said(first)) == 1
        assert "not valid TOML" in said(first)[0]
        assert [p.kind for p in first.problems if p.path == config] == [ProblemKind.UNREADABLE]
        assert {item.service_tier for item in index.slots([codex_home.root])} == {""}
    with UsageIndex(tmp_path / "index.sqlite3") as index:  # a new process: from the index
        again = index.update([codex_home.root])
        assert said(again) == said(first)
        assert again.mark_after is None  # the look without writing: said from what is kept
    config.write_bytes('\ufeffservice_tier = "fast"\n'.encode())
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert said(index.update([codex_home.root])) == []
        assert said(index.update([codex_home.root])) == []
        # Read again in the tier it names now.
        assert {item.service_tier for item in index.slots([codex_home.root])} == {"priority"}


def test_a_config_toml_that_could_not_be_looked_at_is_not_said_once_gone(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A ``config.toml`` that cannot even be looked at (a link in a loop here; a home that
    cannot be entered, such as one made by ``sudo codex``) is said unusable; once it is gone,
    it is said no more (its look had been kept as "no file", and the words with it)."""
    config = codex_home.root / "config.toml"
    config.symlink_to("config.toml")
    codex_home.write(SID, _session(2))

    def said(result: UpdateResult) -> list[Any]:
        return [problem for problem in result.problems if problem.path == config]

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        assert len(said(index.update([codex_home.root]))) == 1
        assert len(said(index.update([codex_home.root]))) == 1
        config.unlink()
        assert said(index.update([codex_home.root])) == []
        assert said(index.update([codex_home.root])) == []
        # What the version before kept of such a look: "no file", and the words.
        key = os.fsencode(codex_home.root).hex()
        index._db.execute("UPDATE meta SET value = 'none\t' WHERE key = ?", (f"config:{key}",))
        index._db.execute(
            "UPDATE meta SET value = 'none\tunreadable: Too many levels of symbolic links'"
            " WHERE key = ?",
            (f"config-why:{key}",),
        )
        assert said(index.update([codex_home.root])) == []
        assert said(index.update([codex_home.root])) == []


def test_a_config_toml_broken_after_it_named_a_tier_keeps_that_tier(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Codex refuses to start on a config.toml it cannot read, so no call is made under a
    broken one: the tier the index last read in it stays, for the logs read meanwhile too,
    and no log is read again, neither when it breaks nor when it is mended (a half-saved
    edit had read every log of the home twice, and priced them at the standard tier
    between). The warning says which tier is kept."""
    config = codex_home.root / "config.toml"
    config.write_text('service_tier = "fast"\n')
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"

    def tiers(index: UsageIndex) -> set[str]:
        return {item.service_tier for item in index.slots([codex_home.root])}

    with UsageIndex(path) as index:
        index.update([codex_home.root])
        assert tiers(index) == {"priority"}
        config.write_text('service_tier = "fast\n')  # the quote not closed yet
        broken = index.update([codex_home.root])
        assert broken.read == 0
        said = [str(p) for p in broken.problems if p.path == config]
        assert len(said) == 1
        assert said[0].endswith("keep the one it last named, the API's priority tier")
        codex_home.write(OTHER, [line.replace(SID, OTHER) for line in _session(1)])
        assert index.update([codex_home.root]).read == 1  # a log new meanwhile
        assert tiers(index) == {"priority"}
        config.write_text('service_tier = "fast"\nmodel = "gpt-5.4"\n')
        mended = index.update([codex_home.root])
        assert mended.read == 0
        assert [p for p in mended.problems if p.path == config] == []
        assert tiers(index) == {"priority"}


@pytest.mark.parametrize(
    ("text", "tier", "words"),
    [
        ("model = [broken\n", "", 1),
        ('model = "gpt-5.4"\n', "", 0),
        ('service_tier = "fast"\n', "priority", 0),
    ],
)
def test_a_config_row_the_code_before_kept_is_looked_at_again_once(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    tier: str,
    words: int,
) -> None:
    """The code before kept "mark<TAB>tier" for a ``config.toml``, and no words for one that
    cannot be used: in an index it wrote, the file is parsed once more, its problem said at
    every update from then on, and no log is read again. The row the code before reads keeps
    its form, words apart, so that it reads this code's rows as its own."""
    import sqlite3

    from codex_presence_gui.core import usage_read

    config = codex_home.root / "config.toml"
    config.write_text(text)
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    info = config.stat()
    mark = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
    with sqlite3.connect(path) as db:  # as the code before wrote it
        rows = dict(db.execute("SELECT key, value FROM meta WHERE key LIKE 'config%'"))
        assert sorted(value for key, value in rows.items() if key.startswith("config:")) == [
            f"{mark}\t{tier}"
        ]
        db.execute("DELETE FROM meta WHERE key LIKE 'config-why:%'")
    db.close()
    parsed = []
    read_service_tier = usage_read.read_service_tier
    monkeypatch.setattr(
        usage_read, "read_service_tier", lambda home: parsed.append(home) or read_service_tier(home)
    )
    with UsageIndex(path) as index:
        results = [index.update([codex_home.root]) for _ in range(3)]
    said = [len([p for p in result.problems if p.path == config]) for result in results]
    assert said == [words] * 3
    assert [result.read for result in results] == [0, 0, 0]
    assert len(parsed) == 2  # the look and the write, once


def test_an_edit_in_place_far_from_both_ends_is_read(codex_home: CodexHome, tmp_path: Path) -> None:
    """A log edited in place with its size kept (a restore, a tool that writes in place),
    between the first bytes and the last ones the digests see: read again, as a first build
    reads it (its old sums had stayed for good)."""
    path = codex_home.write(SID, _session(40))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        data = path.read_bytes()
        at = data.index(b'"last_token_usage":{"input_tokens":20000,', 8192)
        assert len(data) - at > 8192
        edited = data[:at] + b'"last_token_usage":{"input_tokens":29000,' + data[at + 41 :]
        assert len(edited) == len(data)
        stat = path.stat()
        path.write_bytes(edited)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        assert index.update([codex_home.root]).read == 1
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path)


@pytest.mark.parametrize("header", ["future", "malformed"])
def test_a_header_problem_is_counted_once_however_often_the_log_grows(
    codex_home: CodexHome, tmp_path: Path, header: str
) -> None:
    """The header lines are folded again before each append is read: a header stamped in
    the future, or one cut short, still counts once, as a first build counts it (it had
    counted once more with every append)."""
    clock = BASE + 4 * 3600
    lines = _session(1)
    if header == "future":
        lines[0] = r.session_meta(BASE + 10 * 86400, SID)
        kind = ProblemKind.FUTURE_TIME
    else:
        lines.insert(0, '{"timestamp":"2026-05-04T09:00:00.000Z","type":"session_meta","payload":{')
        kind = ProblemKind.MALFORMED_LINES
    path = codex_home.write(SID, lines)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: clock) as index:
        index.update([codex_home.root])
        for n in range(3):
            codex_home.append(path, _turn(BASE + 600 * (n + 2), 50_000 * (n + 2), 1000))
            grown = {p.kind: str(p) for p in index.update([codex_home.root]).problems}
    with UsageIndex(tmp_path / "fresh.sqlite3", clock=lambda: clock) as fresh:
        build = {p.kind: str(p) for p in fresh.update([codex_home.root]).problems}
    assert grown[kind] == build[kind]
    assert grown[kind].startswith("1 ")


def test_a_refused_file_keeps_saying_its_other_problems(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Sums past 64 bits beside a malformed line: every repeat says both, as a first build
    does (the repeat had said only the refusal)."""
    huge = 2**53 - 1
    lines = [r.session_meta(BASE, OTHER), r.turn_context(BASE + 1)]
    lines.append('{"timestamp":"2026-05-04T09:01:02.000Z","type":"event_msg","payload":{')
    for turn in range(2100):  # within 105 s: at least 1,050 of them share a quarter hour
        lines.append(
            r.token_count(
                BASE + 2 + turn / 20, r.usage(huge, 0, 0, total=huge - turn), r.usage(huge, 0, 0)
            )
        )
    codex_home.write(OTHER, lines, started=BASE + 5)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        first = sorted(str(p) for p in index.update([codex_home.root]).problems)
        again = sorted(str(p) for p in index.update([codex_home.root]).problems)
    with UsageIndex(tmp_path / "fresh.sqlite3") as fresh:
        build = sorted(str(p) for p in fresh.update([codex_home.root]).problems)
    assert len(build) == 2
    assert first == again == build


def test_the_note_knows_an_unfinished_line_by_its_kind() -> None:
    """The index names that kind without importing the problems (a repeat stays lean): the
    name must be the kind's own."""
    from codex_presence_gui.core import usage_index

    assert ProblemKind.UNFINISHED_LINE.value == usage_index._UNFINISHED


def test_a_copy_that_could_be_of_two_logs_joins_neither(tmp_path: Path) -> None:
    """A thread's two rollouts that begin with the same bytes (a reverted thread's new one
    starting with the header verbatim): a backup of one, under a name of its own, is not
    taken for a copy of the other (a review found the other's calls lost and the backed-up
    ones counted twice), so it counts as a file of its own, as before."""
    import shutil

    header = r.session_meta(BASE, SID, base_instructions={"text": "x" * 5000})
    original = [header, *_turn(BASE + 60, 1010, 1000)]
    reverted = [header, *_turn(BASE + 3600, 8010, 7000), *_turn(BASE + 3700, 10010, 2000)]
    home = CodexHome(tmp_path / "home")
    path = home.write(SID, original)
    second = path.parent / path.name.replace(
        ".jsonl", "_019d0000-0000-7000-8000-0000000000ff.jsonl"
    )
    second.write_text("\n".join(reverted) + "\n")
    shutil.copy(second, path.parent / "rollout-backup.jsonl")
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([home.root])
        calls = sorted((row[5], row[6]) for row in index.slot_rows([home.root]))
    assert (1, 1000) in calls  # the original's call is kept


def test_an_index_deleted_while_open_is_made_anew_with_one_message(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A cache cleaned while the window runs: the next update makes the file again, from the
    logs, instead of writing on to the deleted one, which only this process could see."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "cache" / "index.sqlite3"
    window = UsageIndex(path)
    try:
        window.update([codex_home.root])
        assert window.notice is None
        shutil.rmtree(tmp_path / "cache")
        result = window.update([codex_home.root])
        assert result.read == 1  # read again: the new file knew nothing
        assert window.notice == "The usage index was deleted; it is being rebuilt from the logs."
        assert path.exists()
        with UsageIndex(path) as other:
            assert _state(other, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")
    finally:
        window.close()


def test_an_index_whose_wal_was_deleted_while_open_is_opened_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A cleaner that removes the index's -wal file while the window runs: the window's next
    update opens the file again, so that a report reads what it wrote, and each sees the
    other's writes. (The window had written on into the deleted -wal, and every report failed
    with "disk I/O error" until the window quit.)"""
    codex_home.write(SID, _session(2))
    path = tmp_path / "cache" / "index.sqlite3"
    window = UsageIndex(path)
    try:
        window.update([codex_home.root])
        os.remove(f"{path}-wal")
        codex_home.write(SID, _session(3))
        assert window.update([codex_home.root]).read == 1
        assert window.notice is None  # nothing was lost: nothing to say
        window.written_elsewhere()
        codex_home.write(OTHER, _session(1))
        with UsageIndex(path) as report:
            assert report.update([codex_home.root]).read == 1  # only the new log
            assert _state(report, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")
        assert window.written_elsewhere()
        assert _state(window, codex_home.root) == _fresh(codex_home.root, tmp_path / "g")
    finally:
        window.close()


def test_an_index_whose_wal_cannot_be_made_again_tries_at_the_next_update(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The -wal deleted, and the file cannot be opened again for a while (a folder made
    read-only, a full disk): that update fails, and the next one opens it again and reads on.
    (The first failure had left the index closed, every later update failing with "Cannot
    operate on a closed database", and the -wal counted as followed.)"""
    codex_home.write(SID, _session(2))
    path = tmp_path / "cache" / "index.sqlite3"
    window = UsageIndex(path)
    try:
        window.update([codex_home.root])
        os.remove(f"{path}-wal")
        refused = sqlite3.OperationalError("unable to open database file")

        def cannot(*_args: Any, **_kwargs: Any) -> Any:
            raise refused

        with monkeypatch.context() as patched:
            patched.setattr(UsageIndex, "_open", cannot)
            patched.setattr(UsageIndex, "_connect", cannot)
            with pytest.raises(sqlite3.OperationalError, match="unable to open"):
                window.update([codex_home.root])
        codex_home.write(SID, _session(3))
        assert window.update([codex_home.root]).read == 1
        with UsageIndex(path) as report:
            assert report.update([codex_home.root]).read == 0  # the window's writes are seen
            assert _state(report, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")
    finally:
        window.close()


def test_an_index_whose_folder_cannot_be_looked_in_is_used_as_it_is(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a deleted file is made anew: a folder that cannot be searched any more (its
    permissions changed) leaves the open file in use, not an error on each update."""
    codex_home.write(SID, _session(2))
    path = tmp_path / "index.sqlite3"
    with UsageIndex(path) as window:
        window.update([codex_home.root])
        real_stat = os.stat

        def refused(name: Any, *args: Any, **kwargs: Any) -> Any:
            if os.fspath(name) == os.fspath(path):
                raise PermissionError(13, "Permission denied", os.fspath(name))
            return real_stat(name, *args, **kwargs)

        monkeypatch.setattr(os, "stat", refused)
        codex_home.write(SID, _session(3))
        result = window.update([codex_home.root])
        monkeypatch.undo()
        assert result.read == 1
        assert window.notice is None
        assert _state(window, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def _put(kind: str, where: Path) -> Callable[[], bool]:
    """Put something that is no file at ``where`` (never a device node: see the test of
    devices below); returns a check that it is still there, as it was."""
    if kind == "folder":
        where.mkdir()
        (where / "inside").write_text("theirs")
        return lambda: where.is_dir() and (where / "inside").read_text() == "theirs"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(where)
        return lambda: stat.S_ISFIFO(os.lstat(where).st_mode)
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets here")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(where))
    server.close()
    return lambda: stat.S_ISSOCK(os.lstat(where).st_mode)


@pytest.mark.parametrize("place", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("kind", ["fifo", "folder", "socket"])
def test_what_is_no_file_at_the_index_s_place_is_left_alone_and_named(
    tmp_path: Path, kind: str, place: str
) -> None:
    """A FIFO, a folder or a socket where the index (or SQLite's -wal beside it) goes: the
    index is not opened, what is there stays as it was, and the reason says what it is (a
    FIFO was read as a failing disk, "disk I/O error"; a folder "unable to open database
    file"; a device node, read as an empty database, was removed for a new file)."""
    from codex_presence_gui.core.usage_index import index_problem
    from codex_presence_gui.paths import NotAFileError

    path = tmp_path / INDEX_NAME
    there = _put(kind, Path(f"{path}{place}"))
    with pytest.raises(NotAFileError) as refused:
        UsageIndex(path)
    assert there()
    assert not path.exists() or not place  # no index made beside what is in the way
    what = {"fifo": "a named pipe", "folder": "a folder", "socket": "a socket"}[kind]
    where = "there" if not place else f"at {path}{place}"
    assert index_problem(path, refused.value) == (
        f"the usage index cannot be kept in {path} ({what} is {where} instead of a file; "
        "it is left as it is)"
    )


@pytest.mark.parametrize("made", [False, True])
@pytest.mark.parametrize("place", ["-wal", "-shm", "-journal"])
def test_a_link_where_sqlite_s_own_files_go_is_named_and_left_alone(
    tmp_path: Path, place: str, made: bool
) -> None:
    """A link at the index's ``-wal``, ``-shm`` or ``-journal``: SQLite refused it as "unable
    to open database file", which named neither the link nor where it is (or, at a first build,
    removed a ``-journal`` link as a stale journal). It is named, and it and its file stay."""
    from codex_presence_gui.core.usage_index import index_problem
    from codex_presence_gui.paths import NotAFileError

    path = tmp_path / INDEX_NAME
    if made:
        with UsageIndex(path):
            pass
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("theirs")
    link = Path(f"{path}{place}")
    link.symlink_to(theirs)
    with pytest.raises(NotAFileError) as refused:
        UsageIndex(path)
    assert link.is_symlink()
    assert theirs.read_text() == "theirs"
    assert index_problem(path, refused.value) == (
        f"the usage index cannot be kept in {path} (a link is at {link} instead of a file; "
        "it is left as it is)"
    )


def test_a_device_at_the_index_s_place_is_named_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device node takes the same way as a FIFO (its type is all that differs); none is
    made here: the file system is told to call the index's file a character device."""
    from codex_presence_gui.paths import NotAFileError, kind_of

    path = tmp_path / INDEX_NAME
    path.write_bytes(b"")
    real_stat = os.stat

    def as_device(where: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(where, *args, **kwargs)
        if os.fspath(where) != os.fspath(path):
            return found
        return os.stat_result((stat.S_IFCHR | 0o600, *tuple(found)[1:]))

    monkeypatch.setattr(os, "stat", as_device)
    with pytest.raises(NotAFileError, match=r": a device is there instead of a file"):
        UsageIndex(path)
    monkeypatch.undo()
    assert path.read_bytes() == b""  # not removed and made anew
    assert kind_of(stat.S_IFBLK | 0o600) == "a device"
    assert kind_of(stat.S_IFREG | 0o600) == "a file"


@pytest.mark.parametrize("kind", ["fifo", "folder", "socket", "link to a fifo"])
def test_what_is_no_file_at_the_lock_s_place_is_left_alone_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A FIFO, a folder or a socket (or a link to a FIFO) where the index's ``.lock`` goes is
    refused as it is in the index's own place: named in plain words, left as it was, never
    opened (a FIFO or a device had been opened for writing and taken for the lock, a folder
    said only "Is a directory"), and no index made beside it."""
    from codex_presence_gui.core.usage_index import index_problem
    from codex_presence_gui.paths import NotAFileError

    path = tmp_path / INDEX_NAME
    lock = Path(f"{path}.lock")
    if kind == "link to a fifo":
        there = _put("fifo", tmp_path / "their-pipe")
        lock.symlink_to(tmp_path / "their-pipe")
    else:
        there = _put(kind, lock)
    opened: list[str] = []
    real_open = os.open

    def recorded(where: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(where))
        return real_open(where, *args, **kwargs)

    monkeypatch.setattr(os, "open", recorded)
    with pytest.raises(NotAFileError) as refused:
        UsageIndex(path)
    monkeypatch.undo()
    assert there()
    assert str(lock) not in opened
    assert not path.exists()
    assert lock.is_symlink() == (kind == "link to a fifo")
    what = {"fifo": "a named pipe", "folder": "a folder", "socket": "a socket"}.get(
        kind, "a named pipe"
    )
    assert index_problem(path, refused.value) == (
        f"the usage index cannot be kept in {path} ({what} is at {lock} instead of a file; "
        "it is left as it is)"
    )


def test_a_device_at_the_lock_s_place_is_named_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device node at the ``.lock``'s place takes the FIFO's way (none is made here: the
    file system is told to call a plain file a character device): it is never opened."""
    from codex_presence_gui.paths import NotAFileError

    path = tmp_path / INDEX_NAME
    lock = Path(f"{path}.lock")
    lock.write_bytes(b"")
    real_stat = os.stat
    real_open = os.open

    def as_device(where: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(where, *args, **kwargs)
        if os.fspath(where) != os.fspath(lock):
            return found
        return os.stat_result((stat.S_IFCHR | 0o600, *tuple(found)[1:]))

    def never_the_lock(where: Any, *args: Any, **kwargs: Any) -> int:
        assert os.fspath(where) != os.fspath(lock)
        return real_open(where, *args, **kwargs)

    monkeypatch.setattr(os, "stat", as_device)
    monkeypatch.setattr(os, "open", never_the_lock)
    with pytest.raises(NotAFileError, match=r": a device is at .* instead of a file"):
        UsageIndex(path)
    monkeypatch.undo()
    assert lock.read_bytes() == b""
    assert not path.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_put_at_the_lock_s_place_after_the_look_is_closed_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO that takes the ``.lock``'s place between the look and the opening (a race) is
    found by the opened file's own kind: refused at once, not waited on, and left there."""
    from codex_presence_gui.paths import NotAFileError

    path = tmp_path / INDEX_NAME
    lock = Path(f"{path}.lock")
    real_stat = os.stat
    made: list[Path] = []

    def not_there_yet(where: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.fspath(where) == os.fspath(lock) and not made:
            os.mkfifo(lock)  # just after the look
            made.append(lock)
            raise FileNotFoundError(2, "No such file or directory", os.fspath(where))
        return real_stat(where, *args, **kwargs)

    monkeypatch.setattr(os, "stat", not_there_yet)
    started = time.monotonic()
    with pytest.raises(NotAFileError, match=r"a named pipe is at .* instead of a file"):
        UsageIndex(path)
    monkeypatch.undo()
    assert time.monotonic() - started < 5
    assert stat.S_ISFIFO(os.lstat(lock).st_mode)
    assert not path.exists()


def test_a_link_at_the_index_s_place_stays_a_link(codex_home: CodexHome, tmp_path: Path) -> None:
    """A link the user put there (the cache kept on another disk) is followed, as SQLite
    follows it: an index made or rebuilt is made where it leads, and the link stays (it was
    removed for a new file in its place)."""
    codex_home.write(SID, _session(2))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = tmp_path / INDEX_NAME
    path.symlink_to(elsewhere / "index.sqlite3")  # nothing there yet
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    assert path.is_symlink()
    assert (elsewhere / "index.sqlite3").stat().st_size > 0
    target = elsewhere / "index.sqlite3"
    damaged = bytearray(target.read_bytes())
    damaged[100:] = b"\xff" * (len(damaged) - 100)  # an index's header, and damage after it
    target.write_bytes(bytes(damaged))
    with UsageIndex(path) as index:
        assert index.notice is not None
        assert "could not be read" in index.notice
        index.update([codex_home.root])
        assert {item.session_id for item in index.slots([codex_home.root])} == {SID}
    assert path.is_symlink()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.sqlite3"]


@pytest.mark.parametrize("content", [b"my notes\n" * 500, b"x"])
def test_a_link_to_a_file_that_is_no_index_is_left_with_its_file(
    codex_home: CodexHome, tmp_path: Path, content: bytes
) -> None:
    """A link at the index's place that leads to a file that is not an SQLite database (the
    user's, perhaps) is not followed to remove that file for a new index: the index says
    where it leads and leaves both as they are (the file had been replaced by an index)."""
    codex_home.write(SID, _session(2))
    theirs = tmp_path / "notes.txt"
    theirs.write_bytes(content)
    path = tmp_path / INDEX_NAME
    path.symlink_to(theirs)
    from codex_presence_gui.core.usage_index import index_problem
    from codex_presence_gui.paths import NotAFileError

    with pytest.raises(NotAFileError) as refused:
        UsageIndex(path)
    assert index_problem(path, refused.value) == (
        f"the usage index cannot be kept in {path} (a link to {theirs}, which is not a usage "
        "index, is there; it is left as it is)"
    )
    assert path.is_symlink()
    assert theirs.read_bytes() == content
    assert not list(tmp_path.glob("notes.txt?*"))  # no -wal or -shm made beside it


def test_a_link_to_someone_s_own_database_is_left_with_its_tables(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A link at the index's place leading to an SQLite database with tables of its own (the
    user's notes): refused and named as a file that is no index, as a text file is. Its
    tables had been dropped for the index's ("The usage index is incomplete … rebuilt")."""
    import sqlite3

    from codex_presence_gui.paths import NotAFileError

    codex_home.write(SID, _session(2))
    theirs = tmp_path / "notes.db"
    with sqlite3.connect(theirs) as db:
        db.execute("CREATE TABLE precious (line TEXT)")
        db.execute("INSERT INTO precious VALUES ('keep me')")
    db.close()
    before = theirs.read_bytes()
    path = tmp_path / INDEX_NAME
    path.symlink_to(theirs)
    with pytest.raises(NotAFileError, match="which is not a usage index"):
        UsageIndex(path)
    assert path.is_symlink()
    assert theirs.read_bytes() == before
    # An index of this app's, reached through the same kind of link, is still used.
    path.unlink()
    kept = tmp_path / "kept.sqlite3"
    path.symlink_to(kept)
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    with UsageIndex(path) as index:
        assert index.notice is None
        assert {item.session_id for item in index.slots([codex_home.root])} == {SID}


def test_small_damage_is_found_before_a_report_reads_it(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Two bytes changed at a random place of an index (bit rot, a bad disk): SQLite reads
    most such files without a word, and their reports had been wrong one time in nine (an
    index entry no longer matching its row, a value read as another). SQLite's own check of
    the file and the sums' digest now find nearly all of them: the index is rebuilt, or the
    bytes changed nothing the report reads."""
    import random

    for number in range(40):
        session_id = f"019d0000-0000-7000-8000-{number:012x}"
        start = BASE + number * 3600
        codex_home.write(
            session_id, [r.session_meta(start, session_id), *_session(4, start=start)[1:]]
        )
    pristine = tmp_path / "pristine.sqlite3"
    with UsageIndex(pristine) as index:
        index.update([codex_home.root])
        expected = _state(index, codex_home.root)
    good = pristine.read_bytes()
    chance = random.Random(13)
    silent = 0
    for trial in range(200):
        damaged = bytearray(good)
        at = chance.randrange(len(damaged) - 2)
        damaged[at : at + 2] = chance.randbytes(2)
        path = tmp_path / f"damaged-{trial}.sqlite3"
        path.write_bytes(damaged)
        try:
            with UsageIndex(path) as index:
                index.update([codex_home.root])
                if index.notice is None and _state(index, codex_home.root) != expected:
                    silent += 1
        except sqlite3.DatabaseError:
            pass  # said, not silent (a report says it and reads the logs in memory)
    assert silent <= 1


def test_a_disk_i_o_error_on_a_full_disk_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite sizes its shared memory file (-shm) as a file on disk: on a full disk that fails
    as "disk I/O error" (SQLITE_IOERR_SHMSIZE), which had read as a failing disk. With the
    index's disk full, the reason says so; with room left, the error stays as it is."""
    import shutil
    from collections import namedtuple

    from codex_presence_gui.core.usage_index import index_problem

    path = tmp_path / INDEX_NAME
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"
    usage = namedtuple("usage", "total used free")
    asked = []

    def disk_usage(where: str) -> object:
        asked.append(where)
        return usage(10**9, 10**9 - free, free)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    free = 0
    assert index_problem(path, error) == (
        f"the usage index cannot be kept in {path} (disk I/O error: the disk is full)"
    )
    assert asked == [str(tmp_path)]
    free = 10**8
    assert index_problem(path, error) == (
        f"the usage index cannot be kept in {path} (disk I/O error)"
    )


@contextlib.contextmanager
def _held_by_another(path: Path, where: str) -> Iterator[None]:
    """The index at ``path`` held as another process may hold it: its ``.lock`` ("opening
    lock"), its write lock ("write lock"), or every lock, readers kept out too
    ("exclusive"). Locks of another open file or connection: this process's own ones keep it
    out as another process's would."""
    if where == "opening lock":
        import fcntl

        with open(f"{path}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        return
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        if where == "exclusive":
            holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE meta SET value = value WHERE key = 'schema'")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def _open_and_update(
    path: Path,
    home: Path,
    *,
    waiting: Callable[[], None],
    should_stop: Callable[[], bool] | None = None,
    update_should_stop: Callable[[], bool] | None = None,
) -> None:
    """Open the index at ``path`` and update it with ``home`` (as the window and ``report``
    do), the opening's and the update's ``should_stop`` as given."""
    with UsageIndex(path, waiting=waiting, should_stop=should_stop) as index:
        index.update([home], should_stop=update_should_stop)


def _asked_after(seconds: float) -> Callable[[], bool]:
    """A ``should_stop`` that says True from ``seconds`` on."""
    at = time.monotonic() + seconds
    return lambda: time.monotonic() >= at


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.parametrize(
    "where", ["opening lock", "exclusive", "write lock", "write lock, the update's own"]
)
def test_a_wait_for_another_process_is_given_up_when_asked_to_stop(
    codex_home: CodexHome, tmp_path: Path, where: str
) -> None:
    """The window's usage thread at a quit, while a ``report`` holds the index: its opening
    (the ``.lock``, SQLite's reads) and its update (the write lock) ask whether to stop
    while they wait, and end at once with ``WaitStoppedError`` (said as busy: never damage,
    never a reason to leave the file), nothing written; the index is whole afterwards. Each
    had waited up to ``BUSY_TIMEOUT_S`` without asking."""
    from codex_presence_gui.core.usage_index import WaitStoppedError, is_busy, is_damage

    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    codex_home.write(SID, _session(2))
    told: list[float] = []
    with _held_by_another(path, where):
        before = path.read_bytes()
        started = time.monotonic()
        asked = _asked_after(0.3)
        own = where.endswith("own")
        with pytest.raises(WaitStoppedError) as stopped:
            _open_and_update(
                path,
                codex_home.root,
                waiting=lambda: told.append(1),
                should_stop=None if own else asked,
                update_should_stop=asked if own else None,
            )
        assert 0.3 <= time.monotonic() - started < 0.6
        assert path.read_bytes() == before
    assert is_busy(stopped.value)
    assert not is_damage(stopped.value)
    assert "asked to stop" in str(stopped.value)
    assert told == []  # (within WAIT_NOTICE_S)
    with UsageIndex(path) as index:
        assert index.notice is None
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


#: A statement that runs for seconds and finds nothing (SQLite's check of a large index).
_LONG_LOOK = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000000)"
    " SELECT 1 FROM n WHERE x < 0 LIMIT 1"
)


def test_a_long_step_of_the_index_is_given_up_when_asked_to_stop(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's usage thread at a quit, during the index's check of itself (0.3 s at
    100,000 files, more past them): SQLite asks between its steps too, and the update ends
    within a few milliseconds of the ask with ``WaitStoppedError``, nothing written; the
    check had run to its end, past the thread's time to stop."""
    from codex_presence_gui.core import usage_index
    from codex_presence_gui.core.usage_index import WaitStoppedError, is_damage

    path = tmp_path / "index.sqlite3"
    codex_home.write(SID, _session(2))
    with UsageIndex(path) as index:
        index.update([codex_home.root])
    before = path.read_bytes()
    monkeypatch.setattr(usage_index, "_UNMATCHED", _LONG_LOOK)
    started = time.monotonic()
    with UsageIndex(path, should_stop=_asked_after(0.3)) as index:
        with pytest.raises(WaitStoppedError) as stopped:
            index.update([codex_home.root])
        assert 0.3 <= time.monotonic() - started < 0.6
    assert not is_damage(stopped.value)
    assert path.read_bytes() == before
    monkeypatch.undo()
    with UsageIndex(path) as index:
        assert index.notice is None
        index.update([codex_home.root])
        assert _state(index, codex_home.root) == _fresh(codex_home.root, tmp_path / "f")


def test_a_report_that_asks_nothing_is_never_cut_short(tmp_path: Path) -> None:
    """Without a ``should_stop`` of its caller (the command line), SQLite asks nothing between
    a statement's steps, even of an update's own ``should_stop``, which is asked between
    files only."""
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index._askers.update = lambda: True  # as an update asked to stop would be
        shorter = _LONG_LOOK.replace("200000000", "300000")
        assert index._db.execute(shorter).fetchone() is None


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.parametrize("where", ["opening lock", "exclusive", "write lock"])
def test_without_a_stop_to_ask_a_wait_lasts_its_whole_time_and_is_told(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The command line asks nothing: ``report`` waits for another process its whole
    ``BUSY_TIMEOUT_S`` (made of short waits now), says so once after ``WAIT_NOTICE_S``, and
    then fails as busy."""
    from codex_presence_gui.core import usage_index
    from codex_presence_gui.core.usage_index import WaitStoppedError, is_busy

    monkeypatch.setattr(usage_index, "BUSY_TIMEOUT_S", 1.0)
    monkeypatch.setattr(usage_index, "WAIT_NOTICE_S", 0.3)
    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    codex_home.write(SID, _session(2))
    told: list[float] = []
    with _held_by_another(path, where):
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as busy:
            _open_and_update(path, codex_home.root, waiting=lambda: told.append(time.monotonic()))
        waited = time.monotonic() - started
    assert 1.0 <= waited < 2.0
    assert is_busy(busy.value)
    assert not isinstance(busy.value, WaitStoppedError)
    assert len(told) == 1
    assert 0.3 <= told[0] - started < 1.0


def test_prices_met_while_stopping_are_not_waited_for(tmp_path: Path) -> None:
    """The window's reports price one model after another: once its usage thread is asked
    to stop (a quit) while another process writes, no price waits for that writer, each of
    which had waited its slice, ten of them half of the 900 ms the quit gives the thread."""
    from codex_presence_gui.core.pricing import PriceSpan

    path = tmp_path / "index.sqlite3"
    UsageIndex(path).close()
    with _another_writer(path), UsageIndex(path, should_stop=lambda: True) as index:
        started = time.monotonic()
        for number in range(10):
            index.save_price(
                "lib 1", PriceSpan(f"gpt-{number}", False, "", "2026-05-04", None, None)
            )
        assert time.monotonic() - started < 0.2
    with UsageIndex(path) as index:
        assert index.load_prices("lib 1") == []
