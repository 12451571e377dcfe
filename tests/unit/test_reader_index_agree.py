"""The window's token numbers and the usage report's agree, on random rollouts as Codex writes
them: a differential fuzz of the live reader (``CodexReader``) against the usage index.

The rule they follow (docs/codex-log-format.md, "Rules that make the numbers right"): the
window shows Codex's running total of the thread, which for a fork holds what it inherited
from its parent (``inherited_tokens``); the report sums the session's own calls, as ccusage
does. Without a fork the two are equal, field by field; with one, the window's total less
what it inherited is the report's total. Two differences are by design (README, "report"):
after a drop of the running total the report still has the calls before it, and a call
written on the line a crash tore is the window's only. Either way the same file read as it
grows, cut at any byte, gives what it gives read whole, and the window's scan from the end
of a big file what a read from its start gives.

Run long: ``HYPOTHESIS_PROFILE=many HYPOTHESIS_MAX_EXAMPLES=5000 uv run pytest -q
tests/unit/test_reader_index_agree.py --hypothesis-seed=N``.
"""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import assume, example, given
from hypothesis import strategies as st

from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core.models import CodexSessionSnapshot, TokenUsage
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.usage_index import UNKNOWN_MODEL, UsageIndex
from codex_presence_gui.core.usage_report import UsageRow, build_usage_report
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000e001"
PARENT = "019d0000-0000-7000-8000-00000000e002"
NOW = BASE + 10 * 86400
_MODELS = ["gpt-5.3-codex", "gpt-5.4", "o3"]
_BAD_TIMES = ["garbled", "1970-01-01T00:00:00.000Z", "9999-01-01T00:00:00.000Z"]
_ENVELOPE_START = re.compile(r'(\{"timestamp":"[^"]*")(?=,"type":")')


def _add(a: TokenUsage, b: TokenUsage) -> TokenUsage:
    return TokenUsage(*(x + y for x, y in zip(a, b, strict=True)))


def _subtract(a: TokenUsage, b: TokenUsage) -> TokenUsage:
    return TokenUsage(*(x - y for x, y in zip(a, b, strict=True)))


@dataclass
class Expected:
    """What the generator knows the log holds: Codex's running total at the end (what the
    window shows), the part of it inherited from a parent, and the session's own calls (what
    the report sums), by model."""

    running: TokenUsage | None = None
    inherited: int = 0
    #: The running totals a drop left behind (a resumed thread that restarted its count):
    #: the window shows the new count, the report has the calls of both.
    dropped: int = 0
    #: Calls the report does not count by design (development.md, "Reading"): a whole usage
    #: line right after a torn line of a kind the index passes over, where the window's
    #: parser finds it.
    passed_over: int = 0
    own: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 0
    by_model: dict[str, TokenUsage] = field(default_factory=dict)


@st.composite
def _usage(draw: st.DrawFn, below: int = 64_001) -> TokenUsage:
    """One response's usage: cached input within input, reasoning within output; its total
    ``below`` this."""
    input_tokens = draw(st.integers(1, min(60_000, below - 1)))
    output = draw(st.integers(0, min(4_000, below - 1 - input_tokens)))
    return TokenUsage(
        input_tokens,
        draw(st.integers(0, input_tokens)),
        output,
        draw(st.integers(0, output)),
        input_tokens + output,
    )


def _usage_json(usage: TokenUsage) -> dict[str, int]:
    return r.usage(
        usage.input, usage.cached_input, usage.output, usage.reasoning_output, usage.total
    )


def _repeat(
    at: float, running: TokenUsage | None, last: TokenUsage | None, limits: dict[str, Any]
) -> str:
    """A ``token_count`` that says the last usage again (``info: null`` before any)."""
    if running is None:
        return r.token_count(at, None, None, limits)
    return r.token_count(at, _usage_json(running), _usage_json(last or running), limits)


def _numbered(line: str, ordinal: int) -> str:
    """``line`` with the ordinal a paginated thread gives it (``ordinal`` counts from the
    child's own first line, at 100 as its header says; a line torn and written again gets
    it in both)."""
    return _ENVELOPE_START.sub(rf'\1,"ordinal":{ordinal + 100}', line)


def _limits(draw: st.DrawFn) -> dict[str, Any]:
    return r.limits((float(draw(st.integers(0, 100))), 300, 1_777_900_000), None)


def _heal(
    expected: Expected, lost: list[TokenUsage], model: str | None, *, calls: bool = True
) -> None:
    """The calls the index passed over (``lost``), counted after all from a total that holds
    them, under the model of the line that does; one more call with ``calls``. Emptied."""
    found = TokenUsage()
    for usage in lost:
        found = _add(found, usage)
    lost.clear()
    expected.passed_over -= found.total
    expected.own = _add(expected.own, found)
    expected.calls += int(calls)
    shown = model or UNKNOWN_MODEL
    expected.by_model[shown] = _add(expected.by_model.get(shown, TokenUsage()), found)


@st.composite
def rollouts(draw: st.DrawFn) -> tuple[bytes, Expected]:
    """A rollout file as Codex writes it, and what it holds.

    A plain session; a fork whose file starts with a copy of its parent's history (written
    within a second of its header, or a paginated sub-agent's, told by ordinal); or a fork
    that copies nothing (``codex exec fork``, with or without ordinals: its first total
    holds the parent's). Then turns: model changes (turn contexts, thread settings),
    responses (with their output, a ``token_count``, sometimes a ``token_usage_record``, a
    time no clock gave, or a crash's torn line before them), the ``token_count`` repeated
    with fresher limits or byte for byte, failed calls that log no usage, compactions,
    context overflow fills, drops of the running total, long tool outputs, malformed lines,
    a torn line followed by Codex's whole copy of it; and maybe a torn last line.
    """
    kind = draw(
        st.sampled_from(["plain", "plain", "copied", "subagent", "exec-fork", "exec-fork-0171"])
    )
    expected = Expected()
    at = BASE
    lines: list[str] = []
    running: TokenUsage | None = None
    last: TokenUsage | None = None  # the last response's usage, which repeats carry again
    model: str | None = None
    own_from = 0  # the first line of the session's own (after a copy)
    if kind == "plain":
        lines.append(r.session_meta(at, SID))
    elif kind == "subagent":
        # A paginated sub-agent: its copy is told by ordinal, whatever the copy's times.
        spawn = {"subagent": {"thread_spawn": {"parent_thread_id": PARENT}}}
        lines.append(r.session_meta(at, SID, source=spawn, subagent_history_start_ordinal=100))
    elif kind == "exec-fork-0171":
        # Paginated: its own lines go on from the parent's ordinals, from its header on.
        base = {"thread_id": PARENT, "end_ordinal_exclusive": 100, "end_byte_offset": 91_000}
        lines.append(
            r.session_meta(
                at, SID, forked_from_id=PARENT, forked_from_ordinal_exclusive=100, history_base=base
            )
        )
    else:
        lines.append(r.session_meta(at, SID, forked_from_id=PARENT))
    if kind in ("copied", "subagent"):
        if kind == "copied":
            lines.append(r.session_meta(at - 3600, PARENT))
        # The parent's history replayed, lines back to back with fresh times (a paginated
        # copy may take longer: its ordinals tell it).
        at += 0.01
        gaps = [0.001, 0.01, 0.05, 0.2] if kind == "copied" else [0.5, 3.0]
        copied = st.sampled_from(["context", "call", "again", "say"])
        for step in draw(st.lists(copied, min_size=1, max_size=12)):
            at += draw(st.sampled_from(gaps))
            if step == "context":
                model = draw(st.sampled_from(_MODELS))
                lines.append(r.turn_context(at, model))
            elif step == "call" or (step == "again" and running is None):
                last = draw(_usage())
                running = last if running is None else _add(running, last)
                lines.append(
                    r.token_count(at, _usage_json(running), _usage_json(last), _limits(draw))
                )
            elif step == "again":
                lines.append(_repeat(at, running, last, _limits(draw)))
            elif running is not None:  # an answer comes with its response's usage
                lines.append(r.assistant(at, "parent's answer"))
        expected.inherited = running.total if running is not None else 0
        own_from = len(lines)
        at += 0.5
    elif kind.startswith("exec-fork"):
        # Codex restores the parent's running total: the fork's first total holds it.
        running, last = draw(_usage()), draw(_usage())
        running = _add(running, last)
        expected.inherited = running.total
        # Without ordinals, the fork's own lines of its first second would be taken for a
        # copy; with them, they are told apart at once.
        at = BASE + 5 if kind == "exec-fork" else BASE - 0.5
    logged = not kind.startswith("exec-fork") and running is not None  # a line told it
    lost: list[TokenUsage] = []  # the calls the index passed over, until a line heals them
    known = kind != "plain"  # whether the index has a total before them (a fork: its base)
    counted = ""  # the last call's usage line
    for step in draw(
        st.lists(
            st.sampled_from(
                [
                    *("call", "call", "call", "record-call", "again", "failed", "context"),
                    *("settings", "compact", "fill", "malformed", "rewritten", "tool", "reset"),
                    *("twice", "big"),
                ]
            ),
            max_size=30,
        )
    ):
        at += draw(st.integers(1, 300))
        if step == "context":
            model = draw(st.sampled_from(_MODELS))
            lines.append(r.turn_context(at, model))
        elif step == "settings":
            model = draw(st.sampled_from(_MODELS))
            lines.append(r.event(at, "thread_settings_applied", thread_settings={"model": model}))
        elif step == "reset" and running and expected.calls and running.total > 2 and not lost:
            # (Not right after a call the index passed over: it may take the drop for a
            # repeat of the total it knows, and pass over this call too.)
            # A resumed thread that restarted its count: the total drops to the response's.
            last = draw(_usage(below=running.total))
            expected.dropped += running.total
            known = True
            running = last
            expected.own = _add(expected.own, last)
            expected.calls += 1
            shown = model or UNKNOWN_MODEL
            expected.by_model[shown] = _add(expected.by_model.get(shown, TokenUsage()), last)
            lines.append(r.assistant(at, "done"))
            lines.append(r.token_count(at, _usage_json(running), _usage_json(last), _limits(draw)))
        elif step in ("call", "record-call", "compact"):
            turn = draw(st.booleans())  # a turn of its own, as 0.80+ logs it
            if turn:
                lines.append(r.event(at, "task_started", turn_id=f"t{len(lines)}"))
            # A response: its output, then its usage. A compaction's response counts too;
            # Codex logs its reasoning and its message (docs: "Codex 0.169 and 0.171").
            if step == "compact":
                lines.append(r.item(at, "reasoning", summary=[]))
            lines.append(r.assistant(at, "done"))
            last = draw(_usage())
            running = last if running is None else _add(running, last)
            expected.own = _add(expected.own, last)
            expected.calls += 1
            shown = model or UNKNOWN_MODEL
            expected.by_model[shown] = _add(expected.by_model.get(shown, TokenUsage()), last)
            if step == "record-call":
                lines.append(
                    r.envelope(
                        at,
                        "token_usage_record",
                        {
                            "session_id": SID,
                            "thread_id": SID,
                            "response_id": f"resp_{len(lines)}",
                            "usage": _usage_json(last),
                            "turn_token_usage": _usage_json(last),
                            "thread_token_usage": _usage_json(running),
                        },
                    )
                )
            counted = r.token_count(at, _usage_json(running), _usage_json(last), _limits(draw))
            if draw(st.integers(0, 9)) == 0:
                # A time no clock gave: still a call, dated by the lines before it.
                counted = counted.replace(r.iso(at), draw(st.sampled_from(_BAD_TIMES)), 1)
            if step == "call" and draw(st.integers(0, 9)) == 0:
                # A crash tore the line before (its kind already written), then the session,
                # resumed, wrote this one right after it.
                torn = r.assistant(at, "cut short by a crash")
                named = torn.index('"type":"response_item"') + len('"type":"response_item"')
                counted = torn[: draw(st.integers(named, len(torn) - 1))] + counted
                if kind == "plain":  # (a fork's lines are all decoded)
                    expected.passed_over += last.total
                    expected.own = _subtract(expected.own, last)
                    expected.calls -= 1
                    shown = model or UNKNOWN_MODEL
                    expected.by_model[shown] = _subtract(expected.by_model[shown], last)
                    if not any(expected.by_model[shown]):
                        del expected.by_model[shown]
                    lost.append(last)
            if lost and lost[-1] is not last:
                # This line's total holds the calls passed over: the index counts them from
                # it, as one call before this one (every response has input); not from a
                # session's first total, which may carry another file's (a resumed thread).
                if known:
                    _heal(expected, lost, model)
                lost.clear()
            known = known or not lost
            lines.append(counted)
            logged = True
            if step == "compact":
                at += 1
                compacted = {"message": "", "replacement_history": []}
                lines.append(r.envelope(at, "compacted", compacted))
                # The same total again, its last response an estimate with only a total;
                # Codex's later repeats carry that estimate (it is its state now).
                last = TokenUsage(0, 0, 0, 0, draw(st.integers(1, 20_000)))
                lines.append(_repeat(at, running, last, _limits(draw)))
            if turn:
                lines.append(r.event(at, "task_complete", turn_id=f"t{len(lines)}"))
        elif step in ("again", "failed") and running is not None:
            # The same usage again with fresher limits, or a failed call (HTTP 429, a cut
            # stream): a reading with no new usage.
            lines.append(_repeat(at, running, last, _limits(draw)))
            logged = True
            if lost:
                # The index meets the calls' total here first: it counts the last one, as this
                # line's response, and the ones before it as one call (if it had a total
                # before them: see above).
                expected.calls += 1
                if not known:
                    del lost[:-1]
                _heal(expected, lost, model, calls=len(lost) > 1)
            known = True
        elif step == "failed":
            lines.append(_repeat(at, running, last, _limits(draw)))  # info: null
        elif step == "twice" and lines[-1].find('"token_count"', 0, 160) > 0:
            lines.append(lines[-1])  # the very same line again, limits and all
        elif step == "big":
            # A tool's long output: a file past what the window reads in one go.
            lines.append(r.call_output(at, "c0", "x" * draw(st.sampled_from([40_000, 70_000]))))
        elif step == "fill":
            fill = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 258_400}
            lines.append(r.token_count(at, fill, None, _limits(draw)))
        elif step == "tool" and (not kind.startswith("exec-fork") or expected.calls):
            # (A tool call is a response's output: its usage follows. Before a fork's first
            # response, nothing of the fork's own but a failed request's reading comes.)
            lines.append(r.exec_call(at, f"c{len(lines)}", "cargo test"))
            lines.append(r.call_output(at + 0.5, f"c{len(lines) - 1}"))
        elif step == "malformed":
            whole = r.token_count(at, r.usage(1, 0, 1), None, None)
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            "not json at all",
                            "{}",
                            "[1, 2]",
                            whole[: len(whole) // 2],  # torn by a crash, never rewritten
                            '{"timestamp":"' + r.iso(at) + '","type":"event_msg","payload":',
                        ]
                    )
                )
            )
        elif step == "rewritten" and len(lines) > 1 and not (lost and lines[-1] == counted):
            # After an I/O error Codex rewrites the pending line whole right after its torn
            # start (docs/codex-log-format.md, section 4.1): the last line says it again.
            whole = lines.pop()
            lines.append(whole[: draw(st.integers(1, len(whole) - 1))] + whole)
    # A fork that copies nothing tells its parent's total only in a line of its own.
    expected.running = running if logged else None
    if not logged:
        expected.inherited = 0
    if kind in ("subagent", "exec-fork-0171"):
        lines = [_numbered(line, n - own_from) for n, line in enumerate(lines)]
    data = "\n".join(lines).encode() + b"\n"
    if draw(st.booleans()):
        # A last line still being written: nobody counts it yet.
        torn = r.token_count(at + 1, r.usage(10**6, 0, 10**6), None, None)
        data += torn[: draw(st.integers(1, len(torn) - 1))].encode()
    return data, expected


def _torn_within_its_event_type() -> tuple[bytes, Expected]:
    """Found by the fuzz: a ``token_count`` torn right after ``"payload":{"type":"`` and
    written again whole after it, on the same line (Codex's rewrite after an I/O error). The
    window read the copy; the index took the line for one it never decodes (its event type
    unread, "not usage") and lost the call. The docs have it read (section 4.1 and 4.2 of
    the log format: the parser retries from the last ``{"timestamp":``)."""
    first, second = TokenUsage(1000, 200, 30, 0, 1030), TokenUsage(500, 0, 20, 0, 520)
    both = _add(first, second)
    whole = r.token_count(BASE + 20, _usage_json(both), _usage_json(second), None)
    torn = whole[: whole.index('"payload":{"type":"') + len('"payload":{"type":"')]
    lines = [
        r.session_meta(BASE, SID),
        r.assistant(BASE + 10, "done"),
        r.token_count(BASE + 10, _usage_json(first), _usage_json(first), None),
        r.assistant(BASE + 20, "done"),
        torn + whole,
    ]
    calls = {UNKNOWN_MODEL: both}
    data = "\n".join(lines).encode() + b"\n"
    return data, Expected(running=both, own=both, calls=2, by_model=calls)


def _untimed_first_in_a_scanned_fork() -> tuple[bytes, Expected]:
    """Found by the fuzz: a fork that copied nothing, whose usage lines have no usable time,
    read by a backward scan that stopped before its first line past the header. The first
    line folded had no time of its own, so it went "with the line before it", which the
    scan had not read: the header's copy, as far as the fold knew. The window took the
    fork's first response for its parent's (3 inherited, not 2), where a forward read, and
    the report, counted it as the fork's own."""
    lines = [
        r.session_meta(BASE, SID, forked_from_id=PARENT),
        r.assistant(BASE + 10, "done"),
        _untimed(r.token_count(BASE, r.usage(3), r.usage(1), r.limits())),
        r.assistant(BASE + 11, "done"),
        _untimed(r.token_count(BASE, r.usage(4), r.usage(1), r.limits())),
        r.turn_context(BASE + 12, "o3"),
    ]
    own = TokenUsage(2, 0, 0, 0, 2)
    data = "\n".join(lines).encode() + b"\n"
    return data, Expected(TokenUsage(4, 0, 0, 0, 4), 2, own=own, calls=2, by_model={"unknown": own})


def _untimed(line: str) -> str:
    return line.replace(r.iso(BASE), "garbled", 1)


# -- the two paths --------------------------------------------------------------------------


def _window(reader: CodexReader) -> CodexSessionSnapshot | None:
    result = reader.refresh()
    found = [snapshot for snapshot in result.snapshots if snapshot.session_id == SID]
    assert len(found) <= 1
    return found[0] if found else None


def _report_row(index: UsageIndex, home: Path) -> UsageRow | None:
    index.update([home])
    report = build_usage_report("session", index.slots([home]), index.sessions([home]), zone=UTC)
    rows = [row for row in report.rows if row.key == SID]
    return rows[0] if rows else None


def _window_numbers(snapshot: CodexSessionSnapshot | None) -> tuple[object, ...]:
    if snapshot is None:
        return (None,)
    return (
        snapshot.tokens,
        snapshot.session_total_tokens,
        snapshot.last_tokens,
        snapshot.session_delta_tokens,
        snapshot.inherited_tokens,
        snapshot.model,
    )


def _row_numbers(row: UsageRow | None) -> tuple[object, ...]:
    if row is None:
        return (None,)
    return (row.tally, sorted(row.models.items()))


def _tokens(row: UsageRow | None) -> TokenUsage:
    if row is None:
        return TokenUsage()
    tally = row.tally
    return TokenUsage(
        tally.input, tally.cached_input, tally.output, tally.reasoning_output, tally.total
    )


class _Paths:
    """A Codex home holding one rollout file, read by the window's reader and the index."""

    def __init__(self, folder: Path, read: str = "small") -> None:
        self.home = CodexHome(folder / "home")
        (self.home.root / "sessions").mkdir(parents=True)
        self.reader = CodexReader(
            [self.home.root],
            max_age=None,
            clock=lambda: NOW,
            record_days=7 if read in ("recorded", "status") else None,
            one_shot=read == "status",
        )
        self.index = UsageIndex.in_memory(clock=lambda: NOW)

    def read(self) -> tuple[CodexSessionSnapshot | None, UsageRow | None]:
        return _window(self.reader), _report_row(self.index, self.home.root)


def _read_whole(
    data: bytes, folder: Path, read: str = "small"
) -> tuple[CodexSessionSnapshot | None, UsageRow | None]:
    paths = _Paths(folder, read)
    paths.home.write(SID, [data], trailing_newline=False)
    return paths.read()


#: How the window's reader may take a file on first sight: a small one in one read; a big
#: one by its header and a backward scan from its end (which stops once the state is
#: settled); or, recording the history's events, whole up to 64 KiB (the window), once (the
#: ``status`` command, which lets each file go once read).
_READS = ["small", "scanned", "recorded", "status"]


@given(rollouts(), st.sampled_from(_READS))
@example(_torn_within_its_event_type(), "small")
@example(_untimed_first_in_a_scanned_fork(), "scanned")
def test_the_window_and_the_report_agree(log: tuple[bytes, Expected], read: str) -> None:
    """The window shows Codex's running total and the report the session's own calls:
    equal without a fork, apart by exactly the inherited part with one (and by the totals a
    drop left behind: the report counts the calls before it too)."""
    data, expected = log
    small = 0 if read == "scanned" else reader_module.SMALL_FILE_BYTES
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(reader_module, "SMALL_FILE_BYTES", small),
    ):
        window, row = _read_whole(data, Path(folder), read)
    assert window is not None
    assert window.tokens == expected.running
    assert window.inherited_tokens == expected.inherited
    own = _tokens(row)
    assert own == expected.own
    assert (row.tally.calls if row is not None else 0) == expected.calls
    if row is not None:
        models = {name: _tokens(UsageRow(name, tally)) for name, tally in row.models.items()}
        assert models == expected.by_model
    if expected.inherited == expected.dropped == expected.passed_over == 0:
        # No fork: the window's session total is the report's session row, field by field.
        assert window.tokens is None or window.tokens == own
    else:
        # A fork: the window says what it inherited (the tooltips of the card's total and
        # the table's tokens), and the report counts the rest; after a drop, the report has
        # the calls before it too; a call passed over by design is in the window's only.
        shown = window.session_total_tokens
        assert shown is not None
        assert (
            shown - window.inherited_tokens + expected.dropped == own.total + expected.passed_over
        )


@given(rollouts(), st.sampled_from(_READS), st.data())
def test_two_appends_read_as_the_whole_file(
    log: tuple[bytes, Expected], read: str, data: st.DataObject
) -> None:
    """A file read as it grows, cut at any byte (inside a line too), once or a few times,
    gives both paths the numbers they give it read whole."""
    content, _ = log
    cuts = data.draw(
        st.lists(st.integers(1, len(content) - 1), min_size=1, max_size=3, unique=True).map(sorted),
        label="cuts",
    )
    small = 0 if read == "scanned" else reader_module.SMALL_FILE_BYTES
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(reader_module, "SMALL_FILE_BYTES", small),
    ):
        whole_window, whole_row = _read_whole(content, Path(folder) / "whole", read)
        paths = _Paths(Path(folder) / "grown", read)
        path = paths.home.write(SID, [content[: cuts[0]]], trailing_newline=False)
        paths.read()
        for start, end in zip(cuts, [*cuts[1:], len(content)], strict=True):
            with open(path, "ab") as handle:
                handle.write(content[start:end])
            grown_window, grown_row = paths.read()
    assert _window_numbers(grown_window) == _window_numbers(whole_window)
    assert _row_numbers(grown_row) == _row_numbers(whole_row)


def _scanned_and_whole(data: bytes) -> tuple[CodexSessionSnapshot, CodexSessionSnapshot]:
    """The window's snapshot of ``data`` by its backward scan (as a big file's first read),
    and by a read of the whole file from its start."""
    shown = []
    for small in (0, reader_module.SMALL_FILE_BYTES):
        with (
            tempfile.TemporaryDirectory() as folder,
            mock.patch.object(reader_module, "SMALL_FILE_BYTES", small),
        ):
            window, _ = _read_whole(data, Path(folder))
        assert window is not None
        shown.append(window)
    return shown[0], shown[1]


@given(rollouts())
def test_a_scan_from_the_end_reads_as_a_whole_read(log: tuple[bytes, Expected]) -> None:
    """The window's backward scan (a big file's first read, which stops once the state is
    settled) shows what reading the file from its start shows, limits too."""
    data, _ = log
    scanned, whole = _scanned_and_whole(data)
    assert (*_window_numbers(scanned), scanned.limits) == (*_window_numbers(whole), whole.limits)


def test_a_scan_that_stops_in_a_long_copy_takes_no_reading_from_it() -> None:
    """A fork's copy of its parent's history took more than a second (lines back to back),
    and the backward scan stopped within it: the copy's lines past the first second were
    taken for the fork's own, and the parent's last limit reading for the fork's newest."""
    lines = [
        r.session_meta(BASE, SID, forked_from_id=PARENT),
        r.session_meta(BASE - 3600, PARENT),
        r.token_count(BASE + 0.1, r.usage(100), r.usage(100), r.limits((50.0, 300, None), None)),
    ]
    at = BASE + 0.1
    while at < BASE + 1.3:
        at += 0.2
        lines.append(r.assistant(at, "the parent's answer"))
    lines.append(
        r.token_count(at + 0.1, r.usage(200), r.usage(100), r.limits((60.0, 300, None), None))
    )
    lines += [
        r.turn_context(BASE + 5),
        r.assistant(BASE + 6, "done"),
        r.token_count(BASE + 6, r.usage(250), r.usage(50), None),  # no limits of its own
    ]
    data = "\n".join(lines).encode() + b"\n"
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(reader_module, "SMALL_FILE_BYTES", 0),
    ):
        window, row = _read_whole(data, Path(folder))
    assert window is not None
    assert window.limits is None
    assert (window.session_total_tokens, window.inherited_tokens) == (250, 200)
    assert row is not None
    assert row.tally.total == 50


def test_a_copy_of_many_contexts_carries_on_to_the_usage_after_them() -> None:
    """A fork's copy of turn contexts, each within a moment of the one before, for more than
    its first second, then the copied usage: the backward scan had passed the older contexts
    over (the model was known), so the copy ended early and the parent's usage was taken for
    the fork's own call (a property test found it)."""
    lines = [
        r.session_meta(BASE, SID, forked_from_id=PARENT),
        r.session_meta(BASE - 3600, PARENT),
    ]
    at = BASE
    while at < BASE + 1.2:
        at += 0.2
        lines.append(r.turn_context(at))
    lines.append(r.token_count(at + 0.01, r.usage(100), r.usage(100), None))
    data = "\n".join(lines).encode() + b"\n"
    scanned, whole = _scanned_and_whole(data)
    for window in (scanned, whole):
        assert (window.session_total_tokens, window.inherited_tokens) == (100, 100)
    assert _window_numbers(scanned) == _window_numbers(whole)


#: A record's time, the copy's lines retimed by it (a torn record's restart too). Not across
#: a brace: a time that is not one (``{"timestamp":"{"timestamp":…``) had been rewritten with
#: the restart's key, and the copy had lost a reading its parent has.
_LINE_TIME = re.compile(rb'\{"timestamp":"[^"{]*"')


@given(rollouts(), st.lists(_usage(), min_size=1, max_size=3), st.sampled_from(_READS))
def test_a_parent_and_its_fork_each_count_their_own(
    log: tuple[bytes, Expected], own_calls: list[TokenUsage], read: str
) -> None:
    """A session and a fork of it that copied its history, side by side: the parent's report
    row is its window total (a session without a fork of its own), the fork's is its window
    total less what it inherited, which is the parent's total; nothing is counted twice."""
    data, expected = log
    assume(not (expected.inherited or expected.dropped or expected.passed_over))  # plain
    parent = data.replace(SID.encode(), PARENT.encode())
    fork_id = "019d0000-0000-7000-8000-00000000e003"
    copied = [
        _LINE_TIME.sub(f'{{"timestamp":"{r.iso(BASE + 0.01 * (n + 1))}"'.encode(), line)
        for n, line in enumerate(parent.split(b"\n")[1:-1])  # its lines but the header
    ]
    running = expected.running or TokenUsage()
    lines = [
        r.session_meta(BASE, fork_id, forked_from_id=PARENT).encode(),
        parent.split(b"\n")[0],
        *copied,
    ]
    at = BASE + 5
    for last in own_calls:
        at += 30
        running = _add(running, last)
        lines.append(r.assistant(at, "done").encode())
        lines.append(r.token_count(at, _usage_json(running), _usage_json(last)).encode())
    small = 0 if read == "scanned" else reader_module.SMALL_FILE_BYTES
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(reader_module, "SMALL_FILE_BYTES", small),
    ):
        paths = _Paths(Path(folder), read)
        paths.home.write(PARENT, [parent], trailing_newline=False)
        paths.home.write(fork_id, lines, started=BASE + 1)
        result = paths.reader.refresh()
        windows = {snapshot.session_id: snapshot for snapshot in result.snapshots}
        paths.index.update([paths.home.root])
        report = build_usage_report(
            "session",
            paths.index.slots([paths.home.root]),
            paths.index.sessions([paths.home.root]),
            zone=UTC,
        )
    rows = {row.key: _tokens(row) for row in report.rows}
    mine = functools.reduce(_add, own_calls, TokenUsage())
    assert rows.get(PARENT, TokenUsage()) == expected.own
    assert windows[PARENT].tokens == expected.running
    assert rows[fork_id] == mine
    fork = windows[fork_id]
    assert fork.inherited_tokens == (expected.running.total if expected.running else 0)
    assert fork.tokens == running
    assert fork.session_total_tokens is not None
    assert fork.session_total_tokens - fork.inherited_tokens == rows[fork_id].total
