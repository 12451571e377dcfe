"""Codex 0.169/0.171 ``exec fork``: the fork copies no parent lines, its first total already
holds the parent's, and that part is reported as inherited, not as the fork's own use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.session import EventRecorder, SessionAccumulator
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

FORK = "019eb7a0-5c21-7d40-8e11-00000000f0a1"
PARENT = "019eb79e-1a02-7c33-9b20-00000000a0a1"
NOW = BASE + 3600

PARENT_TOTAL = r.usage(118_000, 96_000, 2_000)  # 120,000
PARENT_LAST = r.usage(31_000, 28_000, 500)


def fork_meta(ts: float) -> str:
    return r.session_meta(
        ts,
        FORK,
        originator="codex_exec",
        cli_version="0.171.0",
        forked_from_id=PARENT,
        history_base={"thread_id": PARENT, "ordinal": 41},
        forked_from_ordinal_exclusive=42,
        history_mode="paginated",
    )


def turn(ts: float, ordinal: int, before: dict[str, int], step: int, reading: bool) -> list[str]:
    """One fork turn: the request's reading (the running total so far), then its response."""
    last = r.usage(step, step - 1000, 100)
    after = {key: before[key] + last[key] for key in before}
    lines = [r.event(ts, "task_started", ordinal, turn_id=f"t{ordinal}")]
    if reading:
        lines.append(r.token_count(ts + 1, before, PARENT_LAST, r.limits(), ordinal=ordinal + 1))
    lines += [
        r.envelope(ts + 2, "turn_context", {"model": "gpt-5.6-sol", "cwd": "/p"}, ordinal + 2),
        r.item(ts + 3, "message", ordinal + 3, role="assistant", phase="final_answer", content=[]),
        r.token_count(ts + 4, after, last, r.limits() if reading else None, ordinal=ordinal + 4),
        r.event(ts + 5, "task_complete", ordinal + 5, turn_id=f"t{ordinal}"),
    ]
    return lines


def fold(lines: list[str]) -> tuple[SessionAccumulator, list[Any]]:
    session = SessionAccumulator(Path("fork.jsonl"), clock=lambda: NOW)
    used: list[Any] = []

    class Recorder(EventRecorder):
        def usage(self, ts: float | None, tokens: int) -> None:
            used.append(tokens)

        def reading(self, ts: float | None, limits: Any) -> None:
            pass

    session.recorder = Recorder()
    for line in lines:
        session.line(line.encode())
    return session, used


def test_first_reading_carries_the_parent_total() -> None:
    """ChatGPT sign-in: the first request's reading comes before any output of the fork and
    repeats the parent's running total: all of it is inherited, none of it is new use."""
    session, used = fold([fork_meta(BASE), *turn(BASE + 10, 42, PARENT_TOTAL, 5000, True)])
    snapshot = session.snapshot(NOW)
    assert snapshot.inherited_tokens == 120_000
    assert snapshot.session_total_tokens == 125_100
    assert snapshot.session_delta_tokens == 5_100
    assert used == [r.usage(5000, 4000, 100)["input_tokens"] - 4000 + 100]  # own use only


def test_first_total_after_output_subtracts_the_response() -> None:
    """API key (no readings): the fork's first total is its first response on top of the
    parent's total; the parent's part is the total less that response."""
    session, used = fold([fork_meta(BASE), *turn(BASE + 10, 42, PARENT_TOTAL, 5000, False)])
    snapshot = session.snapshot(NOW)
    assert snapshot.inherited_tokens == 120_000
    assert snapshot.session_total_tokens == 125_100
    assert used == [1_100]


def test_a_fork_has_replied_once_it_folds_a_response_of_its_own() -> None:
    """Only the parent's total read: no reply of the fork's (no update of its own). Its
    running total then started again from 0 (an older Codex resuming the thread): a reply,
    though the total is now below the inherited part (it had been "not replied")."""
    from tests.unit.viewmodels.test_limits import board

    head = [
        fork_meta(BASE),
        r.event(BASE + 10, "task_started", 42, turn_id="t42"),
        r.token_count(BASE + 11, PARENT_TOTAL, PARENT_LAST, None, ordinal=43),
    ]
    copied = fold(head)[0].snapshot(NOW)
    assert copied.session_delta_tokens is None
    assert not replace(board(), sessions=(copied,)).has_replies
    again = r.usage(3000, 2000, 100)
    replied = fold(
        [
            *head,
            r.item(BASE + 12, "message", 44, role="assistant", phase="final_answer", content=[]),
            r.token_count(BASE + 13, again, again, None, ordinal=45),
        ]
    )[0].snapshot(NOW)
    assert replied.session_total_tokens is not None
    assert replied.session_total_tokens < replied.inherited_tokens
    assert replace(board(), sessions=(replied,)).has_replies


def test_non_fork_first_total_is_own_use() -> None:
    """The rule is for forks only: a plain session's first total is all its own."""
    lines = [r.session_meta(BASE, FORK), *turn(BASE + 10, 1, PARENT_TOTAL, 5000, True)]
    snapshot = fold(lines)[0].snapshot(NOW)
    assert snapshot.inherited_tokens == 0


def test_big_fork_read_from_its_end_keeps_the_inherited_part(tmp_path: Path) -> None:
    """A long fork is read backwards from its end; its head is read apart to find the base."""
    lines = [fork_meta(BASE)]
    total = PARENT_TOTAL
    padding = "x" * 20_000
    for index in range(60):
        ordinal = 42 + index * 10
        lines += turn(BASE + 10 + index * 20, ordinal, total, 5000, True)
        lines.append(
            r.item(BASE + 16 + index * 20, "function_call_output", call_id="c", output=padding)
        )
        total = {key: total[key] + r.usage(5000, 4000, 100)[key] for key in total}
    home = CodexHome(tmp_path)
    home.write(FORK, lines, mtime=NOW - 100)
    reader = CodexReader([tmp_path], max_age=None, clock=lambda: NOW)
    (snapshot,) = reader.refresh().snapshots
    assert snapshot.inherited_tokens == 120_000
    assert snapshot.session_total_tokens == 120_000 + 60 * 5_100
    assert snapshot.session_delta_tokens == 5_100


def test_fork_whose_head_is_in_the_scan_s_last_block_keeps_the_inherited_part(
    tmp_path: Path,
) -> None:
    """A fork a little over the backward scan's first block: its second block reaches the
    file's start, but the scan has what it needs before the head's lines are handed out. The
    head must still be read apart for the base (it was taken as read, and the fork's first
    total counted as all inherited)."""
    lines = [fork_meta(BASE)]
    total = PARENT_TOTAL
    # The last output fills the first block: the turns come with the second.
    for index, padding in enumerate((10_000, 10_000, 40_000)):
        ordinal = 42 + index * 10
        lines += turn(BASE + 10 + index * 20, ordinal, total, 5000, True)
        at, output = BASE + 16 + index * 20, "x" * padding
        lines.append(r.item(at, "function_call_output", call_id="c", output=output))
        total = {key: total[key] + r.usage(5000, 4000, 100)[key] for key in total}
    home = CodexHome(tmp_path)
    path = home.write(FORK, lines, mtime=NOW - 100)
    assert 64 * 1024 < path.stat().st_size < 96 * 1024
    reader = CodexReader([tmp_path], max_age=None, clock=lambda: NOW)
    (snapshot,) = reader.refresh().snapshots
    assert snapshot.inherited_tokens == 120_000
    assert snapshot.session_total_tokens == 120_000 + 3 * 5_100
