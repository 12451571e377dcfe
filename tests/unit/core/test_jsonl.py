"""The line parser: typed records, a fast path equal to full decoding, only ParseError escapes."""

from __future__ import annotations

import contextlib
import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core import jsonl
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.jsonl import (
    BadValuesError,
    MetaRecord,
    Signal,
    SignalRecord,
    TokenCountRecord,
    ToolCallRecord,
    ToolOutputRecord,
    parse_line,
    parse_long_line,
    parse_timestamp,
    token_usage,
)
from codex_presence_gui.core.models import Activity, ActivityKind, TokenUsage
from tests.helpers import rollout as r
from tests.helpers.strategies import json_values

TS = r.BASE


def test_timestamps() -> None:
    """Codex's UTC text parses to Unix seconds; junk gives None."""
    assert parse_timestamp("2026-05-04T09:00:00.000Z") == TS
    assert parse_timestamp("2026-05-04T11:00:00.000+02:00") == TS
    assert parse_timestamp("2026-05-04T09:00:00") == TS
    for junk in (None, 5, "", "yesterday", "2026-13-45T99:00:00Z", "9" * 80):
        assert parse_timestamp(junk) is None
    # Before Codex could exist (and, near year 1, before any local date west of UTC).
    assert parse_timestamp("0001-01-01T00:00:00Z") is None
    assert parse_timestamp("1999-12-31T23:59:59Z") is None
    assert parse_timestamp("2000-01-01T00:00:00Z") == 946_684_800.0


def test_records_of_common_lines() -> None:
    """Each line kind becomes its typed record."""
    meta = parse_line(r.session_meta(TS, "abc", cwd="/w/p").encode())
    assert isinstance(meta, MetaRecord)
    assert (meta.session_id, meta.cwd, meta.git_branch, meta.started_at) == (
        "abc",
        "/w/p",
        "main",
        TS,
    )
    count = parse_line(r.token_count(TS, r.usage(10, 2, 5, 1)).encode())
    assert isinstance(count, TokenCountRecord)
    assert count.total == TokenUsage(10, 2, 5, 1, 15)
    assert count.limits is None
    call = parse_line(r.exec_call(TS, "c1", "cat src/a.py").encode())
    assert call == ToolCallRecord(TS, None, "c1", Activity(ActivityKind.READING, "a.py"))
    assert parse_line(r.call_output(TS, "c1", "x" * 10_000).encode()) == ToolOutputRecord(
        TS, None, "c1"
    )
    assert parse_line(r.assistant(TS, "hi", "commentary").encode()) == SignalRecord(
        TS, None, Signal.COMMENTARY
    )
    assert parse_line(r.assistant(TS, "done").encode()) == SignalRecord(TS, None, Signal.TURN_ENDED)
    unknown = parse_line(r.envelope(TS, "world_state", {"x": 1}, ordinal=7).encode())
    assert unknown == SignalRecord(TS, 7, Signal.OTHER)


def test_big_lines_are_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tool outputs, reasoning and compaction lines are classified from their first bytes."""

    def refuse(data: bytes) -> object:
        raise AssertionError("decoded a line that should have been skipped")

    monkeypatch.setattr(jsonl, "loads", refuse)
    big = "y" * 3_000_000
    assert isinstance(parse_line(r.call_output(TS, "c", big).encode()), ToolOutputRecord)
    assert parse_line(r.item(TS, "reasoning", encrypted_content=big).encode()).signal is (
        Signal.THINKING
    )
    compacted = r.envelope(TS, "compacted", {"message": "", "replacement_history": [big]})
    assert parse_line(compacted.encode()).signal is Signal.OTHER
    user = r.event(TS, "user_message", message=big)
    assert parse_line(user.encode()).signal is Signal.THINKING


def test_over_long_lines_from_their_ends() -> None:
    """A line over the cap is classified from its first and last bytes, or reported."""
    output = r.call_output(TS, "c7", "z" * 100).encode()
    record = parse_long_line(output[:512], output[-4096:], 20_000_000)
    assert record == ToolOutputRecord(TS, None, "c7")
    message = r.assistant(TS, "w" * 5000, "commentary").encode()
    assert parse_long_line(message[:512], message[-4096:], 20_000_000).signal is (Signal.COMMENTARY)
    count = r.token_count(TS, r.usage(1)).encode()
    with pytest.raises(ParseError, match="longer than"):
        parse_long_line(count[:512], count[-64:], 20_000_000)


@pytest.mark.parametrize(
    "line",
    [b"", b"{", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"timestamp":"x","type":"event_msg"'],
)
def test_bad_lines_raise_parse_error(line: bytes) -> None:
    """Malformed complete lines raise ParseError and nothing else."""
    with pytest.raises(ParseError):
        parse_line(line)


def test_torn_line_followed_by_a_rewrite_is_recovered() -> None:
    """Codex rewrites a record after a failed write: the complete copy is used."""
    good = r.token_count(TS, r.usage(100, 0, 1))
    record = parse_line((good[:70] + good).encode())
    assert isinstance(record, TokenCountRecord)
    assert record.total is not None
    assert record.total.total == 101


@given(st.binary(max_size=2000))
def test_any_bytes_raise_only_parse_error(data: bytes) -> None:
    """Arbitrary bytes never crash the parser."""
    with contextlib.suppress(ParseError):
        parse_line(data)


json_any = json_values(finite_only=True)
json_leaf = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20)
kinds = st.sampled_from(
    [
        "session_meta",
        "turn_context",
        "event_msg",
        "response_item",
        "token_usage_record",
        "compacted",
        "x",
    ]
)
inner_kinds = st.sampled_from(
    [
        "token_count",
        "task_started",
        "thread_settings_applied",
        "agent_message",
        "agent_reasoning",
        "user_message",
        "item_completed",
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "local_shell_call",
        "web_search_call",
        "other",
    ]
)


@given(
    kind=kinds,
    inner=inner_kinds,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "role",
                "phase",
                "call_id",
                "name",
                "arguments",
                "info",
                "rate_limits",
                "id",
                "cwd",
                "model",
                "output",
                "content",
                "action",
                "input",
                "thread_settings",
                "usage",
                "message",
            ]
        ),
        json_any,
        max_size=6,
    ),
    role=st.sampled_from(["assistant", "user", "developer"]),
    phase=st.sampled_from([None, "commentary", "final_answer"]),
    ordinal=st.none() | st.integers(0, 10**6),
)
def test_fast_path_equals_full_decoding(
    kind: str, inner: str, fields: dict, role: str, phase: str | None, ordinal: int | None
) -> None:
    """For any envelope line, the prefix classifier gives the record a full decode gives."""
    payload = {"type": inner, **fields}
    if inner == "message":
        payload["role"] = role
        if phase is not None:
            payload["phase"] = phase
    line = r.envelope(TS, kind, payload, ordinal).encode()
    try:
        expected = jsonl._from_document(orjson.loads(line))
    except ParseError:
        with pytest.raises(ParseError):
            parse_line(line)
        return
    actual = parse_line(line)
    assert type(actual) is type(expected)
    assert actual == expected


@given(json_any)
def test_any_json_document_parses_or_raises_parse_error(document: object) -> None:
    """Any JSON value (also inside an envelope) is handled without a crash."""
    for candidate in (
        document,
        {"timestamp": "2026-01-01T00:00:00Z", "type": "event_msg", "payload": document},
    ):
        with contextlib.suppress(ParseError):
            parse_line(json.dumps(candidate).encode())


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "input_tokens",
                "cached_input_tokens",
                "output_tokens",
                "reasoning_output_tokens",
                "total_tokens",
            ]
        ),
        json_leaf,
    )
)
def test_token_usage_invariants(raw: dict) -> None:
    """Nulls count as 0; junk is refused as a whole; cached ⊂ input; reasoning ⊂ output;
    nothing negative, nothing at or above 2**53."""
    try:
        usage = token_usage(raw)
    except BadValuesError:
        return
    assert usage is not None
    assert usage.total < 2**53
    assert 0 <= usage.cached_input <= usage.input
    assert 0 <= usage.reasoning_output <= usage.output
    assert usage.total >= 0


def test_a_model_name_loses_the_white_space_at_its_ends() -> None:
    """``"gpt-5.4\\n"`` is gpt-5.4, in a turn context and in thread settings (it had read as a
    model of its own, unpriced, that looked like gpt-5.4); all white space is no name."""
    context = parse_line(
        b'{"timestamp":"2026-05-04T09:12:05.020Z","type":"turn_context","payload":'
        b'{"cwd":"/w","model":"gpt-5.4\\n"}}'
    )
    assert isinstance(context, jsonl.ContextRecord)
    assert context.model == "gpt-5.4"
    settings = parse_line(
        b'{"timestamp":"2026-05-04T09:12:05.020Z","type":"event_msg","payload":{"type":'
        b'"thread_settings_applied","thread_settings":{"model":" gpt-5.5\\t"}}}'
    )
    assert isinstance(settings, jsonl.ContextRecord)
    assert settings.model == "gpt-5.5"
    blank = parse_line(
        b'{"timestamp":"2026-05-04T09:12:05.020Z","type":"turn_context","payload":{"model":"  "}}'
    )
    assert isinstance(blank, jsonl.ContextRecord)
    assert blank.model is None
