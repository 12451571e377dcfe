"""Values are checked where they enter: impossible token counts and times in the future."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.jsonl import BadValuesError, parse_line, token_usage
from codex_presence_gui.core.models import ReadingKind
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import build_report
from codex_presence_gui.core.selection import latest_limits_source, select_sessions
from codex_presence_gui.core.session import (
    ABSURD_FUTURE_SECONDS,
    FUTURE_SLACK_SECONDS,
    EventRecorder,
    SessionAccumulator,
    line_problems,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019de1a2-0000-7000-8000-00000000f001"
OTHER = "019de1a2-0000-7000-8000-00000000f002"
NOW = BASE + 600

GOOD = r.usage(5000, 1000, 400)

#: One usage object each, impossible in its own way (as written into the log).
HOSTILE: dict[str, str] = {
    "negative": '{"input_tokens":-5,"cached_input_tokens":0,"output_tokens":1,'
    '"reasoning_output_tokens":0,"total_tokens":-4}',
    "string": '{"input_tokens":"5000","cached_input_tokens":0,"output_tokens":"1",'
    '"reasoning_output_tokens":0,"total_tokens":"5001"}',
    "empty": "{}",
    "two_to_the_64": '{"input_tokens":18446744073709551616,"cached_input_tokens":0,'
    '"output_tokens":1,"reasoning_output_tokens":0,"total_tokens":18446744073709551617}',
    "1e300": '{"input_tokens":1e300,"cached_input_tokens":0,"output_tokens":1,'
    '"reasoning_output_tokens":0,"total_tokens":1e300}',
    "two_to_the_53": '{"input_tokens":9007199254740992,"cached_input_tokens":0,'
    '"output_tokens":0,"reasoning_output_tokens":0,"total_tokens":9007199254740992}',
    "fraction": '{"input_tokens":10.5,"cached_input_tokens":0,"output_tokens":1,'
    '"reasoning_output_tokens":0,"total_tokens":11.5}',
    "bool": '{"input_tokens":true,"cached_input_tokens":0,"output_tokens":1,'
    '"reasoning_output_tokens":0,"total_tokens":2}',
}


def hostile_count(ts: float, usage_text: str) -> str:
    """A token_count line whose total and last usage are ``usage_text`` (raw JSON)."""
    limits = r.dumps(r.limits())
    return (
        f'{{"timestamp":"{r.iso(ts)}","type":"event_msg","payload":{{"type":"token_count",'
        f'"info":{{"total_token_usage":{usage_text},"last_token_usage":{usage_text},'
        f'"model_context_window":258400}},"rate_limits":{limits}}}}}'
    )


def good_session() -> list[str]:
    return [
        r.session_meta(BASE, SID),
        r.turn_context(BASE + 1),
        r.token_count(BASE + 10, GOOD, rate_limits=r.limits()),
    ]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_usage_line_is_refused(name: str) -> None:
    """Each impossible usage raises the typed error, on the fast path and the slow one."""
    line = hostile_count(BASE, HOSTILE[name]).encode()
    with pytest.raises(BadValuesError):
        parse_line(line)
    with pytest.raises(BadValuesError):
        token_usage(json.loads(HOSTILE[name]))


def test_nan_usage_is_skipped_as_malformed() -> None:
    """JSON has no NaN: such a line is malformed (and skipped as such), never a value."""
    from codex_presence_gui.core.errors import ParseError

    with pytest.raises(ParseError):
        parse_line(hostile_count(BASE, '{"input_tokens":NaN,"total_tokens":NaN}').encode())


@given(
    st.integers(min_value=0, max_value=2**52 - 1),
    st.integers(min_value=0, max_value=2**52 - 1),
)
def test_counts_in_range_are_kept(input_tokens: int, output_tokens: int) -> None:
    usage = token_usage({"input_tokens": input_tokens, "output_tokens": output_tokens})
    assert usage is not None
    assert usage.input == input_tokens
    assert usage.output == output_tokens


@given(st.sampled_from(sorted(HOSTILE)), st.integers(min_value=0, max_value=3))
def test_hostile_line_never_resets_or_lowers_a_total(name: str, position: int) -> None:
    """Wherever the bad line falls after the first reading, the total is the good one."""
    lines = good_session()
    lines.insert(3 + min(position, 0), hostile_count(BASE + 20, HOSTILE[name]))
    session = SessionAccumulator(Path("x.jsonl"), clock=lambda: NOW)
    for line in lines:
        session.line(line.encode())
    snapshot = session.snapshot(NOW)
    assert snapshot.session_total_tokens == GOOD["total_tokens"]
    assert snapshot.session_delta_tokens == GOOD["total_tokens"]
    assert session.bad_value_lines == 1
    assert session.bad_lines == 0


def test_status_json_survives_every_hostile_count(tmp_path: Path) -> None:
    """One session with every impossible count: the report is made and serialises (orjson
    refused the 2**64 int before), the good session beside it is intact, and the skipped lines
    come out as a typed warning."""
    home = CodexHome(tmp_path)
    lines = good_session() + [
        hostile_count(BASE + 20 + i, u) for i, u in enumerate(HOSTILE.values())
    ]
    home.write(SID, lines, mtime=BASE + 60)
    home.write(OTHER, [r.session_meta(BASE, OTHER), r.token_count(BASE + 5, r.usage(70, 0, 7))])
    reader = CodexReader([tmp_path], max_age=None, clock=lambda: NOW)
    report = build_report(reader.refresh(), include_all=True)
    orjson.dumps(report)  # what `status --json` does
    totals = {s["session_id"]: s["session_total_tokens"] for s in report["sessions"]}
    assert totals == {SID: 5400, OTHER: 77}
    bad = [w for w in report["warnings"] if w["kind"] == ProblemKind.BAD_VALUES.value]
    assert len(bad) == 1
    assert bad[0]["text"].startswith(f"{len(HOSTILE)} lines with impossible token counts")
    assert bad[0]["path"].endswith(".jsonl")


def test_huge_context_window_is_dropped() -> None:
    line = r.token_count(BASE, GOOD, window=2**64).encode()
    session = SessionAccumulator(Path("x.jsonl"), clock=lambda: NOW)
    session.line(line)
    assert session.snapshot(NOW).context is None


# -- times in the future ----------------------------------------------------------------------

FAR = 253402300799.0  # 9999-12-31T23:59:59Z


def _future_lines(old: float) -> list[str]:
    """An old session whose last line is stamped in the year 9999 with fresh-looking limits."""
    return [
        r.session_meta(old, SID),
        r.turn_context(old + 1),
        r.token_count(old + 10, GOOD, rate_limits=r.limits((30.0, 300, 1_777_900_000))),
        r.exec_call(FAR, "c1", "cargo test"),
        r.token_count(FAR, r.usage(6000, 1000, 500), rate_limits=r.limits((99.0, 300, None))),
    ]


def _read(home: Path, now: float) -> Any:
    return CodexReader([home], max_age=None, clock=lambda: now).refresh()


def test_year_9999_does_not_take_over_the_account_limits(tmp_path: Path) -> None:
    home = CodexHome(tmp_path)
    old = NOW - 3 * 3600
    home.write(SID, _future_lines(old), mtime=old + 20)
    home.write(
        OTHER,
        [
            r.session_meta(NOW - 120, OTHER),
            r.token_count(NOW - 60, r.usage(10, 0, 1), rate_limits=r.limits((40.0, 300, None))),
        ],
        mtime=NOW - 60,
    )
    result = _read(tmp_path, NOW)
    source = latest_limits_source(result.snapshots)
    assert source is not None
    assert source.session_id == OTHER
    assert source.limits is not None
    assert source.limits.windows[0].used_percent == 40.0
    future = [w for w in result.warnings if w.kind is ProblemKind.FUTURE_TIME]
    assert len(future) == 1
    assert future[0].detail.startswith("2 lines stamped in the future")


@given(ahead=st.floats(min_value=0, max_value=3 * ABSURD_FUTURE_SECONDS))
def test_lines_a_little_ahead_say_to_check_the_clock(ahead: float) -> None:
    """A log written by a clock minutes or hours ahead (a network home, a VM, a clock that
    fell behind) had only "their time is not trusted": the session looked dead, the usage
    sat on another day, and nothing said to look at the clock."""
    session = SessionAccumulator(Path("x.jsonl"), clock=lambda: NOW)
    for line in [r.session_meta(NOW - 60, SID), r.token_count(NOW + ahead, GOOD)]:
        session.feed(parse_line(line.encode()))
    said = [p.detail for p in line_problems(session, "x.jsonl")]
    if ahead <= FUTURE_SLACK_SECONDS:
        assert said == []
        return
    assert len(said) == 1
    assert said[0].startswith("1 line stamped in the future in x.jsonl")
    assert said[0].endswith("their time is not trusted")
    assert ("ahead of this computer's clock: is it right?" in said[0]) == (
        ahead <= ABSURD_FUTURE_SECONDS
    )


def test_the_clock_hint_says_how_far_ahead(tmp_path: Path) -> None:
    home = CodexHome(tmp_path)
    home.write(SID, [r.session_meta(NOW - 60, SID), r.token_count(NOW + 2 * 3600 + 600, GOOD)])
    future = [w for w in _read(tmp_path, NOW).warnings if w.kind is ProblemKind.FUTURE_TIME]
    assert [w.detail for w in future] == [
        f"1 line stamped in the future in {home.files[0].name} (up to 2h 10m ahead of this "
        "computer's clock: is it right?); their time is not trusted"
    ]


def test_year_9999_does_not_keep_an_old_session_active(tmp_path: Path) -> None:
    home = CodexHome(tmp_path)
    old = NOW - 3 * 3600
    home.write(SID, _future_lines(old), mtime=old + 20)
    (snapshot,) = _read(tmp_path, NOW).snapshots
    assert snapshot.recency == old + 10
    assert snapshot.last_token_event_at == old + 10
    assert select_sessions([snapshot], NOW) == []
    # The reading still counts as this file's newest, dated to its last trusted line.
    assert snapshot.limits is not None
    assert snapshot.limits.windows[0].used_percent == 99.0
    assert snapshot.limits.observed_at == old + 10
    assert snapshot.session_total_tokens == 6500  # its usage still counts


@pytest.mark.parametrize("stamp", ["yesterday at noon", "0001-01-01T00:00:00Z", None])
def test_a_reading_without_a_usable_time_is_dated_to_the_last_trusted_line(
    stamp: str | None,
) -> None:
    """Not to 1970 ("updated 20,786 days ago"): to the line before it, as a future line's."""
    session = SessionAccumulator(Path("x.jsonl"), clock=lambda: NOW)
    session.line(r.session_meta(NOW - 60, SID).encode())
    session.line(r.token_count(NOW - 30, GOOD, rate_limits=r.limits((30.0, 300, None))).encode())
    odd = r.token_count(NOW - 20, GOOD, rate_limits=r.limits((45.0, 300, None)))
    odd = (
        odd.replace(r.iso(NOW - 20), stamp)
        if stamp
        else odd.replace(f'"timestamp":"{r.iso(NOW - 20)}",', "")
    )
    session.line(odd.encode())
    limits = session.snapshot(NOW).limits
    assert limits is not None
    assert limits.windows[0].used_percent == 45.0
    assert limits.observed_at == NOW - 30


def test_a_few_seconds_ahead_is_trusted(tmp_path: Path) -> None:
    """Clocks drift: a line a minute ahead is still believed."""
    home = CodexHome(tmp_path)
    home.write(
        SID, [r.session_meta(NOW, SID), r.token_count(NOW + 60, GOOD, rate_limits=r.limits())]
    )
    result = _read(tmp_path, NOW)
    (snapshot,) = result.snapshots
    assert snapshot.last_token_event_at == NOW + 60
    assert not [w for w in result.warnings if w.kind is ProblemKind.FUTURE_TIME]


# -- limit-only readings and their source -----------------------------------------------------


def test_readings_say_what_their_line_said_about_usage() -> None:
    session = SessionAccumulator(Path("x.jsonl"), clock=lambda: NOW)
    seen = []

    class Recorder(EventRecorder):
        def usage(self, ts: float | None, tokens: int) -> None:
            seen.append(("usage", ts, tokens))

        def reading(self, ts: float | None, limits: Any) -> None:
            seen.append(("reading", ts, limits.reading, limits.source_session_id))

    session.recorder = Recorder()
    for line in [
        r.session_meta(BASE, SID),
        r.token_count(BASE + 1, None, rate_limits=r.limits()),  # first request, or failed
        r.token_count(BASE + 2, GOOD, rate_limits=r.limits()),  # its response
        r.token_count(BASE + 3, GOOD, rate_limits=r.limits((11.0, 300, None))),  # next request
        r.token_count(BASE + 4, None, rate_limits=r.limits((12.0, 300, None))),  # compaction
    ]:
        session.line(line.encode())
    readings = [event for event in seen if event[0] == "reading"]
    assert [event[2] for event in readings] == [
        ReadingKind.LIMIT_ONLY,
        ReadingKind.USAGE,
        ReadingKind.REPEAT,
        ReadingKind.LIMIT_ONLY,
    ]
    assert {event[3] for event in readings} == {SID}
    # Limit-only lines add no tokens: only the response did. They are recorded as requests
    # of 0 tokens, so that a rise after them is not taken for use from elsewhere.
    assert [event for event in seen if event[0] == "usage"] == [
        ("usage", BASE + 1, 0),
        ("usage", BASE + 2, 4400),
        ("usage", BASE + 4, 0),
    ]
    assert session.snapshot(NOW).session_total_tokens == 5400


def test_other_limits_name_their_session_and_past_resets_are_null(tmp_path: Path) -> None:
    """Each bucket names the session it came from; a window past its reset has no remaining
    figure a script could misread (null), and says ``past_reset``."""
    home = CodexHome(tmp_path)
    home.write(
        SID,
        [r.session_meta(NOW - 60, SID), r.token_count(NOW - 50, GOOD, rate_limits=r.limits())],
    )
    model = r.limits((5.0, 300, int(NOW - 10)), None, limit_id="codex_bengalfox")
    home.write(
        OTHER,
        [r.session_meta(NOW - 40, OTHER), r.token_count(NOW - 30, GOOD, rate_limits=model)],
    )
    report = build_report(_read(tmp_path, NOW), include_all=True)
    assert report["limits"]["source_session_id"] == SID
    (other,) = report["other_limits"]
    assert other["source_session_id"] == OTHER
    (window,) = other["windows"]
    assert window["past_reset"] is True
    assert window["remaining_percent"] is None
    assert window["used_percent"] == 5.0
