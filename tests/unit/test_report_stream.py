"""``status --json`` written a session at a time is the same document as written whole."""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.status_command import write_report_json

_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=8))
_value = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)
_session = st.dictionaries(st.text(max_size=6), _value, max_size=4)


def _report(sessions: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": 2,
        "limits": extra,
        "other_limits": [],
        "sessions": sessions,
        "notes": ["a"],
        "warnings": [],
    }


@given(st.lists(_session, max_size=4), _session)
def test_streamed_document_is_byte_for_byte_the_whole_one(
    sessions: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    whole = orjson.dumps(_report(sessions, extra), option=orjson.OPT_INDENT_2) + b"\n"
    out = io.BytesIO()
    assert write_report_json(_report(sessions, extra) | {"sessions": iter(sessions)}, out)
    streamed = out.getvalue()
    if whole.isascii() and b"\x7f" not in whole:
        # Otherwise the terminal-safe escapes (non-ASCII, and DEL) differ in form only.
        assert streamed == whole
    assert json.loads(streamed) == json.loads(whole)


def test_a_value_refused_in_one_session_is_said_after_the_sessions() -> None:
    sessions = [{"tokens": 1}, {"tokens": 2**64}, {"cwd": "/caf\udce9"}]
    out = io.BytesIO()
    assert write_report_json(_report(sessions, {}) | {"sessions": iter(sessions)}, out)
    report = json.loads(out.getvalue())
    assert report["sessions"] == [{"tokens": 1}, {"tokens": None}, {"cwd": "/caf\\xe9"}]
    assert [w["text"].split(":")[0] for w in report["warnings"]] == [
        "sessions[1].tokens",
        "sessions[2].cwd",
    ]
    assert report["notes"] == ["a"]
