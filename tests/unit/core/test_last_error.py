"""The line a warning quotes as a file's last error is the last malformed line in the file,
whether the file was read backward (the live reader's scan of a big file) or forward (the
usage index, a small file read whole)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core import tail as tail_module
from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.usage_index import UsageIndex
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE

SID = "019d0000-0000-7000-8000-00000000f001"
NOW = BASE + 3600

#: Malformed lines that both reads decode (the index passes over, undecoded, a line in the
#: envelope layout of a type it does not count), each with its error at a column of its own
#: (``k`` spaces in): what a warning quotes is the decoder's error, not the line.
BAD: dict[str, Callable[[int], str]] = {
    "torn count": lambda k: (
        '{"timestamp":"2026-05-04T09:00:30.000Z","type":"event_msg",'
        '"payload":{"type":"token_count","info":' + " " * k
    ),
    "no object": lambda k: " " * k + "not json",
    "control characters": lambda k: " " * k + "\x1b[2J\x00\u2028",
    "not an object": lambda k: " " * k + "[1, 2]",
    "NaN": lambda k: '{"n":' + " " * k + "NaN,",
    "huge number": lambda k: '{"n":' + " " * k + "1" * 5000 + ",",
    "deep": lambda k: "[" * 3000 + " " * k,
}


def _quote(problems: list[Problem]) -> str:
    (said,) = [p for p in problems if p.kind is ProblemKind.MALFORMED_LINES]
    found = re.search(r"\((.*)\)$", said.detail)
    assert found is not None, said.detail
    return found.group(1)


def _log(kinds: list[str], turns: int) -> list[str]:
    """A session of ``turns`` turns, with a malformed line of ``kinds[n]`` after turn n."""
    lines = [r.session_meta(BASE, SID), r.turn_context(BASE + 1)]
    for turn in range(turns):
        at = BASE + 10 + 10 * turn
        total = 1000 * (turn + 1)
        lines.append(r.token_count(at, r.usage(total, 0, 10 * turn), r.usage(1000, 0, 10)))
        lines.append(r.assistant(at + 1, "x" * 200))
        lines.append(r.event(at + 2, "task_complete"))
        if turn < len(kinds):
            lines.append(BAD[kinds[turn]](turn + 1))
    return lines


def _both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> tuple[str, str]:
    """What the live reader's backward scan and the index quote as the last error."""
    sessions = tmp_path / "home" / "sessions" / "2026" / "05" / "04"
    sessions.mkdir(parents=True, exist_ok=True)
    path = sessions / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    home = tmp_path / "home"
    with monkeypatch.context() as patch:
        patch.setattr(reader_module, "ONE_READ_BYTES", 0)  # every file read backward
        patch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
        patch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", 300)
        live = CodexReader([home], max_age=None, clock=lambda: NOW).refresh()
    index_path = tmp_path / "index.sqlite3"
    index_path.unlink(missing_ok=True)
    with UsageIndex(index_path, clock=lambda: NOW) as index:
        found = index.update([home]).problems
    return _quote(list(live.warnings)), _quote(found)


@pytest.mark.parametrize("last", list(BAD))
def test_the_last_malformed_line_is_quoted_by_both_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str
) -> None:
    """Two malformed lines, the other kind first: both quote the later one (the backward
    scan had quoted the first it met going back... the last; then the earliest)."""
    first = "no object" if last != "no object" else "control characters"
    live, index = _both(tmp_path, monkeypatch, _log([first, last], 4))
    assert live == index


def test_a_run_of_lines_with_no_object_is_quoted_by_its_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines with no ``{`` one after the other, handed over as one run: its last line is
    quoted (the backward scan had quoted the run's first)."""
    lines = _log([], 3)
    lines[5:5] = [" x", "  x", "   x"]  # errors at columns 2, 3 and 4
    live, index = _both(tmp_path, monkeypatch, lines)
    assert live == index
    assert live.endswith("at column 4 of the line")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(kinds=st.lists(st.sampled_from(list(BAD)), min_size=1, max_size=6))
def test_any_malformed_lines_are_quoted_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kinds: list[str]
) -> None:
    live, index = _both(tmp_path, monkeypatch, _log(kinds, len(kinds) + 1))
    assert live == index
