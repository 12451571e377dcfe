"""The window's token numbers and the usage report's agree, on random rollouts as Codex writes
them: a differential fuzz of the live reader (``CodexReader``) against the usage index.

The rule they follow (docs/codex-log-format.md, "Rules that make the numbers right"): the
window shows Codex's running total of the thread, which for a fork holds what it inherited
from its parent (``inherited_tokens``); the report sums the session's own calls, as ccusage
does. Without a fork the two are equal, field by field; with one, the window's total less
what it inherited is the report's total. Either way the same file read in two appends, cut
at any byte, gives what it gives read whole.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import example, given
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


def _add(a: TokenUsage, b: TokenUsage) -> TokenUsage:
    return TokenUsage(*(x + y for x, y in zip(a, b, strict=True)))


@dataclass
class Expected:
    """What the generator knows the log holds: Codex's running total at the end (what the
    window shows), the part of it inherited from a parent, and the session's own calls (what
    the report sums), by model."""

    running: TokenUsage | None = None
    inherited: int = 0
    own: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 0
    by_model: dict[str, TokenUsage] = field(default_factory=dict)


@st.composite
def _usage(draw: st.DrawFn) -> TokenUsage:
    """One response's usage: cached input within input, reasoning within output."""
    input_tokens = draw(st.integers(1, 60_000))
    output = draw(st.integers(0, 4_000))
    return TokenUsage(
        input_tokens,
        draw(st.integers(0, input_tokens)),
        output,
        draw(st.integers(0, output)),
        input_tokens + output,
    )


def _usage_json(usage: TokenUsage) -> dict[str, int]:
    return r.usage(usage.input, usage.cached_input, usage.output, usage.reasoning_output)


def _repeat(
    at: float, running: TokenUsage | None, last: TokenUsage | None, limits: dict[str, Any]
) -> str:
    """A ``token_count`` that says the last usage again (``info: null`` before any)."""
    if running is None:
        return r.token_count(at, None, None, limits)
    return r.token_count(at, _usage_json(running), _usage_json(last or running), limits)


def _limits(draw: st.DrawFn) -> dict[str, Any]:
    return r.limits((float(draw(st.integers(0, 100))), 300, 1_777_900_000), None)


@st.composite
def rollouts(draw: st.DrawFn) -> tuple[bytes, Expected]:
    """A rollout file as Codex writes it, and what it holds.

    A plain session, a fork whose file starts with a copy of its parent's history (written
    within a second of its header), or a fork that copies nothing (``codex exec fork``:
    its first total holds the parent's). Then turns: model changes, responses (with their
    output, a ``token_count`` and sometimes a ``token_usage_record``), the ``token_count``
    repeated with fresher limits, failed calls that log no usage, compactions, context
    overflow fills, malformed lines, a torn line followed by Codex's whole copy of it; and
    maybe a torn last line.
    """
    kind = draw(st.sampled_from(["plain", "plain", "copied", "exec-fork"]))
    expected = Expected()
    at = BASE
    lines: list[str] = []
    running: TokenUsage | None = None
    last: TokenUsage | None = None  # the last response's usage, which repeats carry again
    model: str | None = None
    if kind == "plain":
        lines.append(r.session_meta(at, SID))
    else:
        lines.append(r.session_meta(at, SID, forked_from_id=PARENT))
    if kind == "copied":
        lines.append(r.session_meta(at - 3600, PARENT))
        # The parent's history replayed, lines back to back with fresh times.
        at += 0.01
        copied = st.sampled_from(["context", "call", "again", "say"])
        for step in draw(st.lists(copied, min_size=1, max_size=12)):
            at += draw(st.sampled_from([0.001, 0.01, 0.05, 0.2]))
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
    elif kind == "exec-fork":
        # Codex restores the parent's running total: the fork's first total holds it.
        running, last = draw(_usage()), draw(_usage())
        running = _add(running, last)
        expected.inherited = running.total
    logged = kind != "exec-fork" and running is not None  # a line has told the total
    at = BASE + 5  # the fork's own lines, well after its copy
    for step in draw(
        st.lists(
            st.sampled_from(
                [
                    *("call", "call", "call", "record-call", "again", "failed", "context"),
                    *("compact", "fill", "malformed", "rewritten", "tool"),
                ]
            ),
            max_size=30,
        )
    ):
        at += draw(st.integers(1, 300))
        if step == "context":
            model = draw(st.sampled_from(_MODELS))
            lines.append(r.turn_context(at, model))
        elif step in ("call", "record-call", "compact"):
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
            lines.append(r.token_count(at, _usage_json(running), _usage_json(last), _limits(draw)))
            if step == "compact":
                at += 1
                compacted = {"message": "", "replacement_history": []}
                lines.append(r.envelope(at, "compacted", compacted))
                # The same total again, its last response an estimate with only a total.
                estimate = {
                    "input_tokens": 0,
                    "cached_input_tokens": 0,
                    "output_tokens": 0,
                    "reasoning_output_tokens": 0,
                    "total_tokens": draw(st.integers(1, 20_000)),
                }
                lines.append(r.token_count(at, _usage_json(running), estimate, _limits(draw)))
        elif step == "again":
            if running is not None:
                lines.append(_repeat(at, running, last, _limits(draw)))
                logged = True
        elif step == "failed":
            # A failed call (HTTP 429, a cut stream): a reading with no new usage.
            lines.append(_repeat(at, running, last, _limits(draw)))
            logged = logged or running is not None
        elif step == "fill":
            fill = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 258_400}
            lines.append(r.token_count(at, fill, None, _limits(draw)))
        elif step == "tool" and (kind != "exec-fork" or expected.calls):
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
        elif step == "rewritten" and len(lines) > 1:
            # After an I/O error Codex rewrites the pending line whole right after its torn
            # start (docs/codex-log-format.md, section 4.1): the last line says it again.
            whole = lines.pop()
            lines.append(whole[: draw(st.integers(1, len(whole) - 1))] + whole)
    # A fork that copies nothing tells its parent's total only in a line of its own.
    logged = logged or expected.calls > 0
    expected.running = running if logged else None
    if not logged:
        expected.inherited = 0
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
    return "\n".join(lines).encode() + b"\n", Expected(both, 0, both, 2, calls)


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

    def __init__(self, folder: Path) -> None:
        self.home = CodexHome(folder / "home")
        (self.home.root / "sessions").mkdir(parents=True)
        self.reader = CodexReader([self.home.root], max_age=None, clock=lambda: NOW)
        self.index = UsageIndex.in_memory(clock=lambda: NOW)

    def read(self) -> tuple[CodexSessionSnapshot | None, UsageRow | None]:
        return _window(self.reader), _report_row(self.index, self.home.root)


def _read_whole(data: bytes, folder: Path) -> tuple[CodexSessionSnapshot | None, UsageRow | None]:
    paths = _Paths(folder)
    paths.home.write(SID, [data], trailing_newline=False)
    return paths.read()


@given(rollouts(), st.booleans())
@example(_torn_within_its_event_type(), False)
def test_the_window_and_the_report_agree(log: tuple[bytes, Expected], scanned: bool) -> None:
    """Read whole (small files in one read, or, with ``scanned``, through the backward scan
    a big file takes), the window shows Codex's running total and the report the session's
    own calls: equal without a fork, apart by exactly the inherited part with one."""
    data, expected = log
    small = 0 if scanned else reader_module.SMALL_FILE_BYTES
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(reader_module, "SMALL_FILE_BYTES", small),
    ):
        window, row = _read_whole(data, Path(folder))
    assert window is not None
    assert window.tokens == expected.running
    assert window.inherited_tokens == expected.inherited
    own = _tokens(row)
    assert own == expected.own
    assert (row.tally.calls if row is not None else 0) == expected.calls
    if row is not None:
        models = {name: _tokens(UsageRow(name, tally)) for name, tally in row.models.items()}
        assert models == expected.by_model
    if expected.inherited == 0:
        # No fork: the window's session total is the report's session row, field by field.
        assert window.tokens is None or window.tokens == own
    else:
        # A fork: the window says what it inherited (the sessions table's tooltip), and the
        # report counts the rest.
        shown = window.session_total_tokens
        assert shown is not None
        assert shown - window.inherited_tokens == own.total


@given(rollouts(), st.data())
def test_two_appends_read_as_the_whole_file(
    log: tuple[bytes, Expected], data: st.DataObject
) -> None:
    """A file read as it grows, cut at any byte (inside a line too), gives both paths the
    numbers they give it read whole."""
    content, _ = log
    cut = data.draw(st.integers(1, len(content) - 1), label="cut")
    with tempfile.TemporaryDirectory() as folder:
        whole_window, whole_row = _read_whole(content, Path(folder) / "whole")
        paths = _Paths(Path(folder) / "grown")
        path = paths.home.write(SID, [content[:cut]], trailing_newline=False)
        paths.read()
        with open(path, "ab") as handle:
            handle.write(content[cut:])
        grown_window, grown_row = paths.read()
    assert _window_numbers(grown_window) == _window_numbers(whole_window)
    assert _row_numbers(grown_row) == _row_numbers(whole_row)
