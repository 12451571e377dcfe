"""The usage index's shortcuts change no call: lines passed over uncopied, and turn contexts or
token counts that repeat the last of their kind, give the sums of a session fed every line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import tail
from codex_presence_gui.core.jsonl import matters_for_usage, not_for_usage, turn_context_key
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.session import EventRecorder, SessionAccumulator
from codex_presence_gui.core.tail import FileStat, LineSplitter
from codex_presence_gui.core.usage_index import _rollout
from codex_presence_gui.core.usage_read import _read_file, _ReadContext, _sums
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE

SID = "019d0000-0000-7000-8000-00000000b001"
PARENT = "019d0000-0000-7000-8000-00000000b002"
NOW = BASE + 10 * 86400

_MODELS = ["gpt-5.3-codex", "gpt-5.4", "o3"]
_FOLDERS = ["/home/dev/a", "/home/dev/b"]
_TIERS = ["fast", "default", "flex", None]


def _turn_context(at: float, turn: int, model: str, cwd: str) -> str:
    return r.envelope(
        at, "turn_context", {"turn_id": f"turn-{turn:04d}", "cwd": cwd, "model": model}
    )


@st.composite
def _logs(draw: st.DrawFn) -> list[str]:
    """A session (or a fork of one) whose turns repeat or change their settings, with thread
    settings, usage records, re-emitted and reset token counts, ordinary and torn lines
    between."""
    fork = draw(st.sampled_from(["none", "copied", "forked-from"]))
    extra: dict[str, Any] = {"forked_from_id": PARENT} if fork == "forked-from" else {}
    lines = [r.session_meta(BASE, SID, **extra)]
    if fork == "copied":
        lines.append(r.session_meta(BASE - 600, PARENT))
    at, total, turn = BASE, 0, 0
    settings: tuple[str, str] | None = None  # the last turn context's model and folder
    for kind in draw(
        st.lists(
            st.sampled_from(
                [
                    *("context", "same-context", "same-context", "settings", "usage", "usage"),
                    *("again", "reset", "record", "other", "meta", "torn"),
                ]
            ),
            max_size=40,
        )
    ):
        at += draw(st.integers(1, 400))
        if kind in ("context", "same-context"):
            turn += 1
            if kind == "context" or settings is None:
                settings = draw(st.sampled_from(_MODELS)), draw(st.sampled_from(_FOLDERS))
            lines.append(_turn_context(at, turn, *settings))  # same-context: the last again
        elif kind == "settings":
            tier = draw(st.sampled_from(_TIERS))
            fields = {"service_tier": tier} if tier else {"model": draw(st.sampled_from(_MODELS))}
            if draw(st.booleans()):
                fields["cwd"] = draw(st.sampled_from(_FOLDERS))
            lines.append(r.event(at, "thread_settings_applied", thread_settings=fields))
        elif kind in ("usage", "again"):
            if kind == "usage" or total == 0:
                step = draw(st.integers(1, 50_000))
                total += step
            else:
                step = 0
            lines.append(
                r.token_count(
                    at,
                    r.usage(total, total // 3, total // 10),
                    r.usage(max(step, 1), 0, 7),
                    r.limits((draw(st.floats(0, 100)), 300, 1_777_900_000)),
                )
            )
        elif kind == "reset":
            total = draw(st.integers(1, 1000))
            lines.append(r.token_count(at, r.usage(total, 0, 3)))
        elif kind == "record":
            total += 300
            lines.append(
                r.envelope(
                    at,
                    "event_msg",
                    {
                        "type": "token_usage_record",
                        "usage": r.usage(300, 0, 10),
                        "thread_token_usage": r.usage(total, 0, 10),
                    },
                )
            )
        elif kind == "meta":
            lines.append(r.session_meta(at, PARENT))
        elif kind == "torn":  # a line cut short by a crash, of any kind
            whole = draw(st.sampled_from([*_other(draw, at, turn), lines[-1]]))
            lines.append(whole[: draw(st.integers(0, max(len(whole) - 1, 0)))])
        else:
            lines += _other(draw, at, turn)
    return lines


def _other(draw: st.DrawFn, at: float, turn: int) -> list[str]:
    """Lines the usage ledger never decodes."""
    kind = draw(st.sampled_from(["answer", "tool", "reasoning", "message", "ordinal", "foreign"]))
    lines: list[str] = []
    if kind == "foreign":  # not Codex's: a damaged or foreign log's lines, valid or not
        lines.append(
            draw(
                st.sampled_from(
                    ["{}", '{"a":[1,2]}', "garbage", "[1]", "null", '{"x":"\\u0074oken_"}']
                )
            )
        )
    elif kind == "answer":
        lines.append(r.assistant(at, "done " * draw(st.integers(0, 30))))
    elif kind == "tool":
        lines.append(r.exec_call(at, f"call-{at}", "ls"))
        lines.append(r.call_output(at + 1, f"call-{at}", "x" * draw(st.integers(0, 300))))
    elif kind == "reasoning":
        lines.append(r.event(at, "agent_reasoning", text="thinking"))
    elif kind == "message":
        lines.append(r.event(at, "user_message", message='"type":"turn_context"'))
    else:
        lines.append(r.event(at, "agent_message", ordinal=turn, message="hi"))
    return lines


class _Every:
    """Every line to the session, as the window's reader hands them."""

    def __init__(self, session: SessionAccumulator) -> None:
        self.session = session

    def line(self, data: bytes) -> None:
        self.session.line(data, limits=False)

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        self.session.long_line(prefix, suffix, length)


def _every_line_sums(path: Path, data: bytes) -> dict[Any, list[int]]:
    session = SessionAccumulator(path, lambda: NOW)
    session.recorder = recorder = EventRecorder(calls=True)
    LineSplitter().feed(data, _Every(session))
    return _sums(recorder.calls or [])


def _both_ways(folder: Path, lines: list[str]) -> tuple[dict[Any, list[int]], dict[Any, list[int]]]:
    """The sums the index reads from these lines, and those of a session fed every line."""
    path = folder / r.rollout_name(BASE, SID)
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    rollout = _rollout(str(path), FileStat.from_stat(os.stat(path)), str(folder), False)
    read = _read_file((rollout, None), _ReadContext(NOW, {str(folder): ""}))
    # Torn lines are said (as malformed); the file itself was read.
    assert {problem.kind for problem in read.problems} <= {ProblemKind.MALFORMED_LINES}
    return read.sums, _every_line_sums(path, data)


@settings(max_examples=300, deadline=None)
@given(lines=_logs(), block=st.integers(16, 600))
def test_the_shortcuts_give_the_sums_of_every_line(
    lines: list[str], block: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Small blocks: many lines cross blocks, are held, and are asked whole whether they matter.
    patch = pytest.MonkeyPatch()
    patch.setattr(tail, "CHUNK_BYTES", block)
    try:
        index_sums, every_line = _both_ways(tmp_path_factory.mktemp("home"), lines)
    finally:
        patch.undo()
    assert index_sums == every_line


def test_the_lines_passed_over_are_the_ones_the_ledger_never_decodes() -> None:
    at = BASE
    passed_over = [
        r.assistant(at, "done"),
        r.exec_call(at, "c1", "ls"),
        r.event(at, "agent_reasoning", text="t"),
        r.event(at, "user_message", message='"type":"token_count"'),
        r.event(at, "agent_message", ordinal=4, message="hi"),
        r.envelope(at, "compacted", {"message": "summary"}),
    ]
    decoded = [
        r.session_meta(at, SID),
        r.turn_context(at),
        r.token_count(at, r.usage(1)),
        r.event(at, "thread_settings_applied", thread_settings={"service_tier": "fast"}),
        r.event(at, "token_usage_record", usage=r.usage(1)),
        r.envelope(at, "event_msg", {"message": "no type first"}),
        '{"type":"message","role":"assistant"}',  # before the envelope: decoded to be safe
        "not json",
    ]
    for line in passed_over:
        data = line.encode()
        assert not matters_for_usage(data), line
        assert not_for_usage(b"x\n" + data + b"\n", 2, 2 + len(data)) is not None, line
    for line in decoded:
        assert matters_for_usage(line.encode()), line


def test_a_usage_record_torn_anywhere_and_written_again_whole_is_decoded() -> None:
    """Codex rewrites a record whole right after its torn start (on the same line): cut
    within its event type's name, or right before it, the line had been taken for one the
    ledger never decodes, and the call lost (the window's reader counted it)."""
    whole = r.token_count(BASE, r.usage(1000, 0, 10))
    for cut in range(1, whole.index('"info"')):
        data = (whole[:cut] + whole).encode()
        assert matters_for_usage(data), data[:cut]
        assert not_for_usage(b"x\n" + data + b"\n", 2, 2 + len(data)) is None, data[:cut]


def test_a_turn_context_key_leaves_out_only_the_time_and_the_turn() -> None:
    first = _turn_context(BASE, 1, "gpt-5.4", "/a").encode()
    later = _turn_context(BASE + 90, 2, "gpt-5.4", "/a").encode()
    assert turn_context_key(first) == turn_context_key(later) is not None
    assert turn_context_key(_turn_context(BASE, 1, "o3", "/a").encode()) != turn_context_key(first)
    assert turn_context_key(b'{"type":"turn_context"}') is None


def test_a_repeated_turn_context_after_other_settings_is_decoded(tmp_path: Path) -> None:
    """Thread settings naming another model come between two equal turn contexts: the second
    puts its model back in force, so it must not be taken for a repeat."""
    lines = [
        r.session_meta(BASE, SID),
        _turn_context(BASE + 1, 1, "o3", "/a"),
        r.token_count(BASE + 2, r.usage(1, 0, 7)),
        r.event(BASE + 3, "thread_settings_applied", thread_settings={"model": "gpt-5.4"}),
        r.token_count(BASE + 4, r.usage(3, 0, 8)),
        _turn_context(BASE + 5, 2, "o3", "/a"),
        r.token_count(BASE + 6, r.usage(5, 0, 9)),
    ]
    index_sums, every_line = _both_ways(tmp_path, lines)
    assert index_sums == every_line
    assert sorted(key[1] for key in index_sums) == ["gpt-5.4", "o3"]


@pytest.mark.parametrize(
    "torn",
    [
        r.assistant(BASE + 1, "done")[:120],
        r.call_output(BASE + 1, "c1", "xx")[:90],
        '{"timestamp":"2026-05-04T09:00:01.000Z","type":"response_item","payload":{"type":"mess',
        '{"timestamp":"2026-05-04T09:00:01.000Z","type":"event_msg","payload":{"type":"token_co',
    ],
)
def test_a_header_after_a_torn_line_is_no_copied_parent_header(torn: str, tmp_path: Path) -> None:
    """A line cut short is still a line past the header, whether it was decoded (and failed)
    or passed over: the other session's header after it does not make the file a fork."""
    lines = [
        r.session_meta(BASE, SID),
        torn,
        r.session_meta(BASE + 2, PARENT),
        r.token_count(BASE + 3, r.usage(5, 0, 9)),
    ]
    index_sums, every_line = _both_ways(tmp_path, lines)
    assert index_sums == every_line
    assert [totals[0] for totals in index_sums.values()] == [1]  # the call counts


def test_foreign_lines_are_passed_over_and_broken_ones_still_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines outside Codex's layout that name nothing the index reads ("{}", a damaged
    log's millions of them) are passed over without decoding them whole; those that are no
    JSON object are still counted as malformed, as the window's reader counts them."""
    lines = [
        r.session_meta(BASE, SID),
        _turn_context(BASE + 1, 1, "gpt-5.4", "/home/dev/a"),
        "{}",
        "garbage",
        r.token_count(BASE + 2, r.usage(1000, 0, 10), r.usage(1000, 0, 10)),
        '{"a":[1,2]}',
        "[1]",
        r.token_count(BASE + 3, r.usage(3000, 0, 30), r.usage(2000, 0, 20)),
    ]
    index_sums, every_line = _both_ways(tmp_path, lines)
    assert index_sums == every_line
    assert sum(sums[0] for sums in index_sums.values()) == 2
    path = tmp_path / r.rollout_name(BASE, SID)
    decoded: list[bytes] = []
    line = SessionAccumulator.line

    def counting(self: SessionAccumulator, data: bytes, **options: Any) -> None:
        decoded.append(data)
        line(self, data, **options)

    monkeypatch.setattr(SessionAccumulator, "line", counting)
    rollout = _rollout(str(path), FileStat.from_stat(os.stat(path)), str(tmp_path), False)
    read = _read_file((rollout, None), _ReadContext(NOW, {str(tmp_path): ""}))
    assert [str(problem).split(" (")[0] for problem in read.problems] == [
        f"2 malformed lines skipped in {path.name}"
    ]
    assert b"{}" not in decoded
    assert b'{"a":[1,2]}' not in decoded
    # Counted from the one decode that told them (none for "garbage", which holds no "{"),
    # not handed to the parser to be decoded again.
    assert b"garbage" not in decoded
    assert b"[1]" not in decoded


def test_an_over_long_line_of_a_kind_the_ledger_never_reads_is_passed_over_unsaid(
    tmp_path: Path,
) -> None:
    """A model's tool call over the line cap (a huge patch) holds no usage: it is passed
    over as a short one of its kind is, not warned of as a line skipped (every report had
    said "1 over-long line skipped", and was not kept). An over-long line that might hold
    usage is still said."""
    from codex_presence_gui.core.jsonl import MAX_DECODE_BYTES

    huge = "x" * (MAX_DECODE_BYTES + 1000)
    lines = [
        r.session_meta(BASE, SID),
        _turn_context(BASE + 1, 1, "gpt-5.4", "/home/dev/a"),
        r.token_count(BASE + 2, r.usage(1000, 0, 10), r.usage(1000, 0, 10)),
        r.assistant(BASE + 3, huge),
        # A patch too big to read whole: its call cannot be told from its ends.
        r.envelope(BASE + 3, "response_item", {"type": "function_call", "arguments": huge}),
        r.call_output(BASE + 3, "call-1", huge),
        r.token_count(BASE + 4, r.usage(3000, 0, 30), r.usage(2000, 0, 20)),
    ]
    path = tmp_path / r.rollout_name(BASE, SID)
    path.write_text("\n".join(lines) + "\n")
    rollout = _rollout(str(path), FileStat.from_stat(os.stat(path)), str(tmp_path), False)
    read = _read_file((rollout, None), _ReadContext(NOW, {str(tmp_path): ""}))
    assert read.problems == []
    assert sum(sums[0] for sums in read.sums.values()) == 2
    # A token count as long: it may hold a call, so it is said.
    lines[3:6] = [r.event(BASE + 3, "token_count", info=None, note=huge)]
    path.write_text("\n".join(lines) + "\n")
    rollout = _rollout(str(path), FileStat.from_stat(os.stat(path)), str(tmp_path), False)
    read = _read_file((rollout, None), _ReadContext(NOW, {str(tmp_path): ""}))
    assert [problem.kind for problem in read.problems] == [ProblemKind.LONG_LINES]
