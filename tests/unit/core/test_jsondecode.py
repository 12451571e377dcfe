"""``jsondecode.loads`` gives exactly orjson's value or error, and imports orjson only when it
must (a value the json module reads otherwise, a bad line, many lines, or when asked)."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import jsondecode
from tests.helpers.fresh import fresh_output, interrupted_in_import


@pytest.fixture(autouse=True)
def _fresh_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts on the json module's path, as a new process does."""
    monkeypatch.setattr(jsondecode, "_orjson_loads", None)
    monkeypatch.setattr(jsondecode, "_fast_left", jsondecode.FAST_LINES)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (1 and 1.0 differ; -0.0 and 0.0 too);
    by a stack, not recursion, for deep documents."""
    pairs = [(a, b)]
    while pairs:
        x, y = pairs.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if list(x) != list(y):
                return False
            pairs.extend((x[key], y[key]) for key in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif isinstance(x, float):
            if x != y or math.copysign(1.0, x) != math.copysign(1.0, y):
                return False
        elif x != y:
            return False
    return True


def _agrees(data: bytes) -> None:
    """``loads`` on a fresh decoder gives orjson's value, or raises where orjson raises."""
    jsondecode._orjson_loads = None
    jsondecode._fast_left = jsondecode.FAST_LINES
    try:
        expected: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        with pytest.raises(jsondecode.DecodeError):
            jsondecode.loads(data)
        return
    assert _same(jsondecode.loads(data), expected), data


def test_a_plain_line_is_decoded_without_orjson() -> None:
    line = (
        b'{"timestamp":"2026-11-29T10:00:00.000Z","type":"event_msg","payload":{"type":'
        b'"token_count","info":{"total_token_usage":{"input_tokens":12,"output_tokens":3}},'
        b'"rate_limits":{"primary":{"used_percent":12.5,"window_minutes":300}},'
        b'"note":"caf\xc3\xa9 \\u00e9 \\n \\"q\\"","list":[true,false,null,-0,-0.0,1e2]}}'
    )
    assert _same(jsondecode.loads(line), orjson.loads(line))
    assert jsondecode._orjson_loads is None  # the json module's scanner read it


@pytest.mark.parametrize(
    "data",
    [
        b"NaN",
        b"[Infinity]",
        b'{"a":-Infinity}',
        b"1e400",
        b"-1e400",
        b"1e-400",
        b"18446744073709551615",  # the largest 64-bit integer orjson keeps as one
        b"18446744073709551616",  # orjson reads it as a float
        b"-9223372036854775808",
        b"-9223372036854775809",
        b"1" * 5000,  # past Python's digit limit for int()
        b'"\\ud800"',  # a lone surrogate: orjson refuses it
        b'"\\uDC00x"',
        b'"\\ud83d\\ude00"',  # a pair: both read it
        b'"\xed\xa0\x80"',  # a surrogate in UTF-8: not valid UTF-8
        b'"\xff"',
        b"\xef\xbb\xbf{}",  # a byte order mark
        b'{"a":1,"a":2}',
        b"[1,]",
        b'"\x01"',  # a raw control character
        b" \t\r\n{} \n",
        b"{} x",
        b"",
        b"[" * 5000 + b"]" * 5000,  # deeper than either reads
        b"[" * 900 + b"]" * 900,
        b"1.7976931348623157e308",
        b"2.2250738585072014e-308",
        b"4.9e-324",
        b"0.30000000000000004",
        b"123456789012345678901234567890.5",
    ],
)
def test_values_read_otherwise_or_refused_are_left_to_orjson(data: bytes) -> None:
    _agrees(data)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(value=_values, ascii_only=st.booleans())
def test_any_document_decodes_as_orjson_decodes_it(value: Any, ascii_only: bool) -> None:
    try:
        text = json.dumps(value, ensure_ascii=ascii_only)  # NaN and Infinity as json writes
        data = text.encode("utf-8", "surrogatepass")
    except ValueError:
        return
    _agrees(data)


@settings(max_examples=400, deadline=None)
@given(
    data=st.sampled_from(
        [
            b'{"a":[1,2.5,"x\\u00e9"],"b":{"c":null}}',
            b"[18446744073709551615,-9223372036854775808,1e308]",
            b'{"t":"\\ud83d\\ude00","n":-0.0}',
        ]
    ),
    at=st.integers(min_value=0, max_value=60),
    insert=st.binary(max_size=4),
)
def test_damaged_lines_decode_or_fail_as_orjson_says(data: bytes, at: int, insert: bytes) -> None:
    _agrees(data[:at] + insert + data[at + len(insert) :])


def test_orjson_takes_over_after_a_refused_line() -> None:
    with pytest.raises(jsondecode.DecodeError):
        jsondecode.loads(b'{"torn":')
    assert jsondecode._orjson_loads is orjson.loads


def test_orjson_takes_over_after_fast_lines() -> None:
    for _ in range(jsondecode.FAST_LINES):
        jsondecode.loads(b"{}")
    assert jsondecode._orjson_loads is None
    assert jsondecode.loads(b'{"a":1}') == {"a": 1}
    assert jsondecode._orjson_loads is orjson.loads


def test_use_orjson_switches_at_once() -> None:
    assert jsondecode.use_orjson() is orjson.loads
    assert jsondecode.loads(b"[1]") == [1]
    assert jsondecode._orjson_loads is orjson.loads


def test_a_new_process_decodes_a_few_lines_without_importing_orjson() -> None:
    code = (
        "import sys\n"
        "from codex_presence_gui.core.jsonl import parse_line\n"
        'parse_line(b\'{"timestamp":"2026-11-29T10:00:00Z","type":"turn_context",\'\n'
        '           b\'"payload":{"model":"gpt-5.3-codex","cwd":"/p"}}\')\n'
        "print('orjson' in sys.modules)\n"
    )
    assert fresh_output(code) == "False"


def test_ctrl_c_during_orjson_s_import_is_raised_once_it_is_done() -> None:
    """orjson's setup does not look whether its own imports failed: Ctrl+C in one of them
    (here at the import of dataclasses) had crashed the process with a segmentation fault."""
    code = (
        "from codex_presence_gui.core import jsondecode\n"
        + interrupted_in_import("jsondecode.use_orjson()", at="dataclasses")
        + "print(jsondecode.use_orjson()(b'[1]'))\n"
    )
    assert fresh_output(code).split("\n") == ["interrupted True", "[1]"]


@pytest.mark.parametrize("depth", [1000, 1024, 1025, 1100, 3000])
def test_nesting_deeper_than_orjson_reads_is_refused_as_orjson_refuses_it(depth: int) -> None:
    """orjson refuses more than 1024 levels; the json module's scanner reads deeper from
    Python 3.12 on, and on 3.11 with a raised recursion limit (as here)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        for opener, closer in ((b"[", b"]"), (b'{"a":', b"}")):
            _agrees(opener * depth + b"1" + closer * depth)
            _agrees(b'{"x":"' + b"[" * 2000 + b'","y":' + b"[" * 10 + b"]" * 10 + b"}")
    finally:
        sys.setrecursionlimit(limit)
