"""A log of millions of tiny malformed lines costs little: each is counted, but the message
said for them is made once per read, from the last one, and a line that cannot be JSON (no
``{`` in it) is not decoded at all. What the user is told stays word for word the same."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import codex_presence_gui.core.jsonl as jsonl
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.reader import SMALL_FILE_BYTES, CodexReader
from codex_presence_gui.core.session import SessionAccumulator, line_problems
from codex_presence_gui.core.usage_index import UsageIndex
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

SESSION = "019d0000-0000-7000-8000-0000000bad01"
X_LINES = 12_000  # with as many "{x": past SMALL_FILE_BYTES, so the reader scans backwards
NOT_JSON = "malformed JSON: unexpected character, expected a JSON value, at column 1 of the line"
NO_KEY = "malformed JSON: unexpected character, expected a string key, at column 2 of the line"


class Calls:
    """Counts the calls of a module function it stands in for."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.count = 0

    def __call__(self, *args: Any, **options: Any) -> Any:
        self.count += 1
        return self.function(*args, **options)


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Counts the decoder messages made into the words said (one per malformed line before)."""
    calls = Calls(jsonl._within_line)
    monkeypatch.setattr(jsonl, "_within_line", calls)
    return calls


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Counts the lines handed to the JSON decoder."""
    calls = Calls(jsonl.loads)
    monkeypatch.setattr(jsonl, "loads", calls)
    return calls


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Counts the lines handed to the parser by the window's reader, forward and backward."""
    import codex_presence_gui.core.reader as reader
    import codex_presence_gui.core.session as session

    calls = Calls(jsonl.parse_line)
    monkeypatch.setattr(session, "parse_line", calls)
    monkeypatch.setattr(reader, "parse_line", calls)
    return calls


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (b"x", NOT_JSON),
        (b"  x", NOT_JSON.replace("column 1", "column 3")),
        (b"NaN", NOT_JSON),
        (b"1", "a log line must be a JSON object"),
        (b'"text"', "a log line must be a JSON object"),
        (b"[1, 2]", "a log line must be a JSON object"),
        (b"[" * 3000, "malformed JSON: depth limit exceeded, at column 1026 of the line"),
        (b"{x", NO_KEY),
        # orjson's own words had been "str is not valid UTF-8: surrogates not allowed".
        (b'{"cwd":"/w/\xff"}', "malformed JSON: not valid UTF-8 text"),
        (b'{"cwd":"/w/\xed\xa0\x80"}', "malformed JSON: not valid UTF-8 text"),
    ],
)
def test_a_refused_line_says_what_decoding_it_says(line: bytes, said: str) -> None:
    """The message made late is the decoder's own, as it was when made at once."""
    with pytest.raises(ParseError) as refused:
        jsonl.parse_line(line)
    assert str(refused.value) == said
    assert str(refused.value) == said  # asked twice, the same


def test_lines_that_cannot_be_json_are_not_decoded(
    messages: Calls, decodes: Calls, parses: Calls
) -> None:
    """Forward, as the window follows a log: not even parsed for an "x" (nor an error raised
    for each), one message for the lot."""
    session = SessionAccumulator(Path("rollout-x.jsonl"))
    for _ in range(1000):
        session.line(b"x")
    assert (parses.count, decodes.count, messages.count) == (0, 0, 0)
    for _ in range(1000):
        session.line(b"{x")
    assert decodes.count == 1000
    assert messages.count == 0
    session.line(b"x")
    assert session.bad_lines == 2001
    assert session.last_error == NOT_JSON
    assert session.last_error == NOT_JSON
    assert messages.count == 1  # made once, when read, and kept
    [problem] = line_problems(session, "rollout-x.jsonl")
    assert problem.detail == f"2,001 malformed lines skipped in rollout-x.jsonl ({NOT_JSON})"
    assert messages.count == 1


def write_flooded(home: CodexHome, flood: list[str] | None = None) -> Path:
    """A session of two usage lines with ``flood`` between them (by default ``X_LINES`` of
    "{x" and as many of "x")."""
    now = time.time()
    path = home.write(
        SESSION,
        [
            r.session_meta(now - 60, SESSION, cwd="/w/shop"),
            r.turn_context(now - 50, "gpt-5.4"),
            r.token_count(now - 40, r.usage(1000, 0, 10), r.usage(1000, 0, 10), None),
            *(["{x"] * X_LINES + ["x"] * X_LINES if flood is None else flood),
            r.token_count(now - 5, r.usage(3000, 0, 30), r.usage(2000, 0, 20), None),
        ],
        started=now - 60,
        mtime=now - 5,
    )
    assert path.stat().st_size > SMALL_FILE_BYTES
    return path


def said_about(path: Path, last: str) -> str:
    """The warning, with the file's last error: the window's backward scan says it, as the
    index's forward read does (it had said the earliest it met, the file's first)."""
    return f"{2 * X_LINES:,} malformed lines skipped in {path.name} ({last})"


def test_the_window_reads_a_flooded_log_with_one_message(
    codex_home: CodexHome, messages: Calls, decodes: Calls, parses: Calls
) -> None:
    """The first read's backward scan decodes only the lines that may be JSON, and the
    message is made once for the whole read (and not again at the next refresh)."""
    path = write_flooded(codex_home)
    reader = CodexReader([codex_home.root])
    result = reader.refresh()
    [snapshot] = result.snapshots
    assert snapshot.session_total_tokens == 3030
    assert [w.detail for w in result.warnings] == [said_about(path, NOT_JSON)]
    assert decodes.count < X_LINES + 100  # the "{x" lines and the few real ones
    assert parses.count < X_LINES + 100
    assert messages.count == 1
    again = reader.refresh()
    assert [w.detail for w in again.warnings] == [said_about(path, NOT_JSON)]
    assert messages.count == 1


def test_the_usage_index_reads_a_flooded_log_decoding_each_line_once(
    codex_home: CodexHome, messages: Calls, decodes: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index told a malformed line by decoding it, then decoded it again to count it; and
    it is handed the "x" lines a run at a time, not one by one."""
    import codex_presence_gui.core.usage_read as usage_read

    handed: list[bytes] = []
    line = usage_read._IndexSink.line

    def counting(sink: Any, data: bytes) -> None:
        handed.append(data)
        line(sink, data)

    monkeypatch.setattr(usage_read._IndexSink, "line", counting)
    path = write_flooded(codex_home)
    with UsageIndex.in_memory() as index:
        result = index.update([codex_home.root])
    assert [p.detail for p in result.problems] == [said_about(path, NOT_JSON)]
    assert decodes.count < X_LINES + 100
    assert len(handed) < X_LINES + 100
    assert messages.count == 1


def test_the_backward_scan_takes_lines_that_cannot_be_json_a_run_at_a_time(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A turn of the reader's loop per run of them, not per line: looked at one by one, a
    10 MB log of "x" took 4 s to read first (0.25 s by runs)."""
    import codex_presence_gui.core.reader as reader

    superseded = reader._BackwardGoals.superseded
    looked: list[object] = []

    def looking(goals: Any, line: Any) -> bool:
        looked.append(line)
        return superseded(goals, line)

    monkeypatch.setattr(reader._BackwardGoals, "superseded", looking)
    path = write_flooded(codex_home)
    [warning] = CodexReader([codex_home.root]).refresh().warnings
    assert warning.detail == said_about(path, NOT_JSON)
    assert len(looked) < X_LINES + 100  # the "{x" lines, a line at a time; the "x" by runs


@pytest.mark.parametrize("seed", range(8))
def test_runs_leave_the_readers_as_a_line_at_a_time_does(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The same sessions, counts and last error read by runs or a line at a time, backwards
    and forwards, by the window and by the usage index, whatever is mixed in: empty and CRLF
    lines, lines that name a type or a header, long lines, real records."""
    import random

    import codex_presence_gui.core.reader as reader
    import codex_presence_gui.core.usage_read as usage_read

    rng = random.Random(seed)
    now = time.time()
    junk = [b"x", b"yy\r", b"", b"\r", b"{x", b"[1]", b'"type":"turn_context"', b'"session_meta"']
    junk.append(b"w" * 70_000)
    big = seed % 2 == 0  # else small enough to be read whole, forwards
    lines: list[str | bytes] = [r.session_meta(now - 600, SESSION, cwd="/w/shop")]
    for step in range(rng.randint(2, 6)):
        choices = junk if big else junk[:-1]
        lines += [rng.choice(choices) for _ in range(rng.randint(0, 6000 if big else 20))]
        lines.append(r.turn_context(now - 500 + step, "gpt-5.4"))
        total = 1000 * (step + 1)
        lines.append(r.token_count(now - 400 + step, r.usage(total, 0, 10), r.usage(1000, 0, 10)))
        lines += [rng.choice(junk[:-1]) for _ in range(rng.randint(0, 3))]
    path = codex_home.write(SESSION, lines, started=now - 600, mtime=now - 5)
    assert (path.stat().st_size > SMALL_FILE_BYTES) == big

    def read() -> tuple[object, ...]:
        result = CodexReader([codex_home.root], clock=lambda: now).refresh()
        with UsageIndex.in_memory(clock=lambda: now) as index:
            problems = index.update([codex_home.root]).problems
            usage = list(index.slot_rows([codex_home.root]))
        return result.snapshots, [w.detail for w in result.warnings], problems, usage

    by_runs = read()
    monkeypatch.setattr(reader, "FOLD_RUNS", False)
    for sink in (SessionAccumulator, reader._WholeFileFold, usage_read._IndexSink):
        monkeypatch.delattr(sink, "no_object_run")
    assert by_runs == read()


#: Short lines a damaged or hostile log repeats: an empty object, malformed, not an object,
#: with a time, a short real event (a turn's end), a bare usage event, a pre-envelope header.
SHORT_LINES = [
    b"{}",
    b"{}\r",
    b"{x",
    b"[1]",
    b'{"a":1}',
    b'{"timestamp":"2025-01-01T00:00:00Z"}',
    b'{"type":"event_msg","payload":{"type":"task_complete"}}',
    b'{"type":"event_msg","payload":{"type":"token_count"}}',
    b'{"id":"x","timestamp":"2025-01-01T00:00:00Z"}',
    b"x",
]


@pytest.mark.parametrize("seed", range(10))
def test_copies_of_a_line_leave_the_readers_as_a_line_at_a_time_does(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Runs of one short line copied (``same_lines``, ``SameLines``) give the same sessions,
    counts, warnings and usage as each copy read alone: backwards and forwards, by the window
    (its first read and its following of what is appended) and by the usage index, in a
    fork too."""
    import random

    import codex_presence_gui.core.reader as reader
    import codex_presence_gui.core.usage_read as usage_read

    rng = random.Random(seed)
    now = time.time()
    fork = seed % 3 == 2
    big = seed % 2 == 0  # else small enough to be read whole, forwards
    if seed % 4 >= 2:
        # Small blocks and map windows, so that runs of copies are cut at their edges.
        import codex_presence_gui.core.tail as tail

        block = rng.choice([7, 64, 4096])
        monkeypatch.setattr(tail, "FIRST_BACKWARD_BLOCK_BYTES", block)
        monkeypatch.setattr(tail, "BACKWARD_BLOCK_BYTES", block * 3)
        monkeypatch.setattr(reader, "BACKWARD_BLOCK_BYTES", block * 3)
        monkeypatch.setattr(tail, "CHUNK_BYTES", block * 5)
        monkeypatch.setattr(tail, "MAP_WINDOW_BYTES", 1)  # one granule a window

    def flood() -> list[str | bytes]:
        line = rng.choice(SHORT_LINES)
        return [line] * rng.choice([1, 2, 3, 50, 3000 if big else 10])

    extra = {"forked_from_id": "019d0000-0000-7000-8000-0000000bad00"} if fork else {}
    lines: list[str | bytes] = [r.session_meta(now - 600, SESSION, cwd="/w/shop", **extra)]
    if fork:
        lines.append(r.session_meta(now - 900, "019d0000-0000-7000-8000-0000000bad00"))
    for step in range(rng.randint(2, 5)):
        for _ in range(rng.randint(0, 4)):
            lines += flood()
        lines.append(r.turn_context(now - 500 + step, "gpt-5.4"))
        total = 1000 * (step + 1)
        lines.append(r.token_count(now - 400 + step, r.usage(total, 0, 10), r.usage(1000, 0, 10)))
        lines += flood()
    path = codex_home.write(SESSION, lines, started=now - 600, mtime=now - 5)
    appended = b"".join(line + b"\n" for line in flood() + flood())
    appended += r.token_count(now - 3, r.usage(9000, 0, 90), r.usage(1000, 0, 10)).encode()
    appended += b"\n"

    def read() -> tuple[object, ...]:
        path.write_bytes(written)
        os.utime(path, (now - 5, now - 5))
        window = CodexReader([codex_home.root], clock=lambda: now)
        first = window.refresh()
        with UsageIndex.in_memory(clock=lambda: now) as index:
            problems = index.update([codex_home.root]).problems
            usage = list(index.slot_rows([codex_home.root]))
            with path.open("ab") as handle:
                handle.write(appended)
            os.utime(path, (now - 3, now - 3))
            problems += index.update([codex_home.root]).problems
            usage += list(index.slot_rows([codex_home.root]))
        then = window.refresh()
        return (
            first.snapshots,
            [w.detail for w in first.warnings],
            then.snapshots,
            [w.detail for w in then.warnings],
            problems,
            usage,
        )

    written = path.read_bytes()
    by_copies = read()
    monkeypatch.setattr(reader, "FOLD_RUNS", False)
    for sink in (SessionAccumulator, reader._WholeFileFold, usage_read._IndexSink):
        monkeypatch.delattr(sink, "same_lines")
    one_by_one = read()
    for part, (copied, alone) in enumerate(zip(by_copies, one_by_one, strict=True)):
        assert copied == alone, part


def test_a_flood_of_empty_objects_is_read_a_run_at_a_time(
    codex_home: CodexHome, parses: Calls, decodes: Calls
) -> None:
    """Millions of ``{}`` (10 MB of them had taken 12 s to `status` and 8 s to `report`):
    parsed a few times per block, not once per line, by the window and by the index; the
    usage around them is read as before, and nothing is said about them (they are JSON
    objects)."""
    path = write_flooded(codex_home, ["{}"] * 500_000)
    result = CodexReader([codex_home.root]).refresh()
    [snapshot] = result.snapshots
    assert snapshot.session_total_tokens == 3030
    assert not result.warnings
    with UsageIndex.in_memory() as index:
        assert not index.update([codex_home.root]).problems
        assert sum(row[10] for row in index.slot_rows([codex_home.root])) == 3030  # total
    assert path.stat().st_size > 1_000_000
    assert parses.count < 1000
    assert decodes.count < 1000
