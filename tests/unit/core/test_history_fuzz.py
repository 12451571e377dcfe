"""The history's byte-search scan against the plain reading of every line, on random logs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.history import scan_history
from codex_presence_gui.core.session import EventRecorder, SessionAccumulator
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE

SID = "019d0000-0000-7000-8000-0000000000ff"


@st.composite
def logs(draw: st.DrawFn) -> list[str]:
    """A session's lines: usage and readings (with duplicates, drops and synthetic fills),
    mixed with tool calls whose outputs mention token counts, and an occasional torn line."""
    lines = [r.session_meta(BASE, SID), r.turn_context(BASE + 1)]
    at, total = BASE + 2, 0
    for _ in range(draw(st.integers(0, 40))):
        at += draw(st.floats(0.5, 900))
        kind = draw(st.sampled_from(["usage", "again", "reading", "drop", "fill", "noise", "torn"]))
        used = float(draw(st.integers(0, 100)))
        limits = r.limits((used, 300, int(BASE + 18000)), None)
        if kind == "usage":
            step = draw(st.integers(1, 50_000))
            total += step
            lines.append(r.token_count(at, r.usage(total, 0, 0), r.usage(step, 0, 0), limits))
        elif kind == "again" and total:
            lines.append(r.token_count(at, r.usage(total, 0, 0), None, limits))
        elif kind == "reading":
            lines.append(r.token_count(at, None, None, limits))
        elif kind == "drop" and total:
            total = draw(st.integers(1, total))
            lines.append(r.token_count(at, r.usage(total, 0, 0), r.usage(total, 0, 0), limits))
        elif kind == "fill":
            fill = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 258_400}
            lines.append(r.token_count(at, fill, None, limits))
        elif kind == "noise":
            text = json.dumps({"type": "token_count", "info": {"total": 1}}) * 3
            lines.append(r.exec_call(at, "c1", "cat log.jsonl"))
            lines.append(r.call_output(at, "c1", f'"token_count" {text}'))
        elif kind == "torn":
            lines.append('{"timestamp":"' + r.iso(at) + '","type":"event_msg","payload":{"ty')
    return lines


def events(recorder: EventRecorder) -> tuple[object, ...]:
    readings = tuple((at, limits.windows) for at, limits in recorder.readings)
    return tuple(recorder.usage_events), readings


def both_ways(
    lines: list[str], crlf: bool, since: float
) -> tuple[SessionAccumulator, EventRecorder, SessionAccumulator, EventRecorder, int, int]:
    """The log read line by line, and scanned from ``since``: both sessions and recorders,
    the scan's offset and the file's size."""
    data = ("\r\n" if crlf else "\n").join(lines).encode() + (b"\r\n" if crlf else b"\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
        path.write_bytes(data)
        plain, plain_recorder = SessionAccumulator(path), EventRecorder()
        plain.recorder = plain_recorder
        for line in data.split(b"\n")[:-1]:
            plain.line(line.removesuffix(b"\r"))
        scanned, scanned_recorder = SessionAccumulator(path), EventRecorder()
        scanned.recorder = scanned_recorder
        offset, identity = scan_history(scanned, path, since)
    assert identity.stat.size == len(data)
    return plain, plain_recorder, scanned, scanned_recorder, offset, len(data)


@given(logs(), st.booleans())
def test_the_scan_finds_what_reading_every_line_finds(lines: list[str], crlf: bool) -> None:
    plain, plain_recorder, scanned, scanned_recorder, offset, size = both_ways(lines, crlf, 0.0)
    assert offset == size
    assert events(scanned_recorder) == events(plain_recorder)
    assert scanned.total == plain.total


@given(logs(), st.booleans(), st.floats(0, 1), st.sampled_from([64, 300, 4096]))
def test_entering_a_file_mid_way_finds_the_same(
    lines: list[str], crlf: bool, fraction: float, block: int
) -> None:
    """With the span starting inside the file (found by halving) and small blocks (lines cut
    across them), the events from ``since`` on are those of reading every line."""
    from codex_presence_gui.core import history

    since = BASE + fraction * 40 * 900
    saved = history._CUT_PRECISION, history._SCAN_BLOCK_BYTES, history._LONGEST_USAGE_LINE
    history._CUT_PRECISION, history._SCAN_BLOCK_BYTES = 64, block
    history._LONGEST_USAGE_LINE = max(block, 4096)
    try:
        _, plain_recorder, _, scanned_recorder, offset, size = both_ways(lines, crlf, since)
    finally:
        history._CUT_PRECISION, history._SCAN_BLOCK_BYTES, history._LONGEST_USAGE_LINE = saved
    assert offset == size
    for recorder in (plain_recorder, scanned_recorder):
        recorder.prune(since)
    assert events(scanned_recorder) == events(plain_recorder)
