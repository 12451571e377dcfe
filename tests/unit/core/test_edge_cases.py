"""Edge cases where a naive reader goes wrong: crashed turns, forks, mixed usage sources,
torn writes, far-away account limits. Each compares the backward load with a forward parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_presence_gui.core.formatting import credits_text
from codex_presence_gui.core.jsonl import ContextRecord, TokenCountRecord, parse_line
from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    Credits,
    LimitSnapshot,
    UsageWindow,
)
from codex_presence_gui.core.reader import CodexReader, load_session
from codex_presence_gui.core.session import SessionAccumulator
from codex_presence_gui.core.tail import FollowedFile
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE

SID = "019de1a2-7c3b-7f10-9a42-3b5c0f8e2d11"
PARENT = "019de000-0000-7000-8000-000000000001"
FIELDS = (
    "session_total_tokens",
    "last_turn_tokens",
    "session_delta_tokens",
    "tokens",
    "model",
    "limits",
    "activity",
    "pending_calls",
    "context",
    "inherited_tokens",
)


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def both(path: Path, now: float) -> tuple[dict[str, object], dict[str, object]]:
    """(forward parse, backward load) of the same file, as comparable dicts."""
    forward = SessionAccumulator(path)
    FollowedFile(path).read(forward, restart=True)
    backward = SessionAccumulator(path)
    load_session(backward, path, path.stat().st_size)
    pick = lambda s: {f: getattr(s, f) for f in FIELDS}  # noqa: E731
    return pick(forward.snapshot(now)), pick(backward.snapshot(now))


def started(t: float) -> str:
    return r.event(BASE + t, "task_started", turn_id="t", model_context_window=258400)


def test_a_new_turn_ends_the_calls_of_a_killed_one(tmp_path: Path) -> None:
    """Codex killed mid-call writes no abort; the next turn must not keep that call pending."""
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID),
            started(1),
            r.turn_context(BASE + 1.1),
            r.exec_call(BASE + 2, "call_A", "cargo test"),
            started(100),
            r.turn_context(BASE + 100.1),
            r.token_count(BASE + 101, r.usage(1000, 0, 100), None, r.limits()),
            r.token_count(BASE + 102, r.usage(2500, 0, 200), r.usage(1400, 0, 100), r.limits()),
            r.assistant(BASE + 103, "working", "commentary"),
        ],
    )
    forward, backward = both(path, BASE + 1000)
    assert forward == backward
    assert forward["pending_calls"] == 0
    assert forward["activity"] == Activity(ActivityKind.IDLE)


def test_fork_whose_first_own_line_repeats_the_inherited_usage(tmp_path: Path) -> None:
    """The child's first limits update carries the parent's usage: it is not new usage."""
    inherited = r.usage(15000, 0, 800)
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID, forked_from_id=PARENT),
            r.session_meta(BASE + 0.1, PARENT),
            r.turn_context(BASE + 0.2, model="gpt-5-parent"),
            r.token_count(BASE + 0.3, r.usage(10000, 0, 500), None, r.limits((50.0, 300, 1), None)),
            r.token_count(
                BASE + 0.4, inherited, r.usage(4700, 0, 300), r.limits((55.0, 300, 1), None)
            ),
            started(5),
            r.turn_context(BASE + 5.1, model="gpt-5.3-codex"),
            r.token_count(
                BASE + 6, inherited, r.usage(4700, 0, 300), r.limits((12.0, 300, 1), None)
            ),
        ],
    )
    forward, backward = both(path, BASE + 10)
    assert forward == backward
    assert forward["inherited_tokens"] == 15800
    assert forward["session_delta_tokens"] is None


def test_fork_inherited_base_is_found_when_the_scan_stops_early(tmp_path: Path) -> None:
    """A long-running fork: the inherited total is read from the replayed start."""
    body = []
    for i in range(40):
        total = r.usage(20000 + i * 1000, 0, 100)
        body += [
            started(10 + i * 10),
            r.turn_context(BASE + 10.5 + i * 10),
            r.call_output(BASE + 11 + i * 10, f"c{i}", "z" * 100_000),
            r.token_count(BASE + 12 + i * 10, total, r.usage(1000, 0, 0), r.limits()),
            r.assistant(BASE + 13 + i * 10, "done"),
        ]
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID, forked_from_id=PARENT),
            r.session_meta(BASE, PARENT),
            r.token_count(BASE + 0.2, r.usage(9000, 0, 1000), None, r.limits()),
            *body,
        ],
    )
    forward, backward = both(path, BASE + 1000)
    assert forward == backward
    assert backward["inherited_tokens"] == 10000


def test_usage_records_then_plain_token_counts(tmp_path: Path) -> None:
    """A file whose later turns have no token_usage_record still moves its totals."""

    def record(t: float, usage: dict[str, int]) -> str:
        payload = {"session_id": "s", "usage": usage, "thread_token_usage": usage}
        return r.envelope(BASE + t, "token_usage_record", payload)

    first = r.usage(1000, 0, 100)
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID),
            started(1),
            r.turn_context(BASE + 1.1),
            record(2, first),
            r.token_count(BASE + 2.1, first, first, r.limits()),
            r.event(BASE + 3, "task_complete"),
            started(50),
            r.token_count(BASE + 51, r.usage(3000, 0, 300), r.usage(1900, 0, 200), r.limits()),
            r.token_count(BASE + 52, r.usage(6000, 0, 500), r.usage(2800, 0, 200), r.limits()),
            r.event(BASE + 53, "task_complete"),
        ],
    )
    forward, backward = both(path, BASE + 60)
    assert forward == backward
    assert (
        forward["session_total_tokens"],
        forward["last_turn_tokens"],
        forward["session_delta_tokens"],
    ) == (
        6500,
        3000,
        3200,
    )


def test_account_limits_far_behind_a_model_bucket(tmp_path: Path) -> None:
    """Only model-bucket readings near the end: keep looking for the account's reading."""
    lines = [
        r.session_meta(BASE, SID),
        started(1),
        r.turn_context(BASE + 1.1),
        r.token_count(BASE + 2, r.usage(1000, 0, 100), None, r.limits((10.0, 300, 1), None)),
        r.event(BASE + 3, "task_complete"),
        started(4),
        r.turn_context(BASE + 4.1, model="gpt-5.3-codex-spark"),
    ]
    lines += [r.call_output(BASE + 5 + i, f"c{i}", "x" * 200_000) for i in range(25)]
    spark = r.limits((70.0, 300, 1), None, limit_id="codex_bengalfox")
    lines += [
        r.token_count(BASE + 40, r.usage(3000, 0, 300), r.usage(1900, 0, 200), spark),
        r.token_count(BASE + 41, r.usage(6000, 0, 500), r.usage(2800, 0, 200), spark),
        r.event(BASE + 42, "task_complete"),
    ]
    path = write(tmp_path, lines)
    forward, backward = both(path, BASE + 60)
    assert forward == backward
    limits = backward["limits"]
    assert isinstance(limits, LimitSnapshot)
    assert limits.limit_id == "codex"


def test_synthetic_fill_does_not_count_as_a_distinct_total(tmp_path: Path) -> None:
    """The overflow fill is not usage: "this update" spans the two real totals around it."""
    fill = r.usage(0, 0, 0, total=258400)
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID),
            started(1),
            r.turn_context(BASE + 1.1),
            r.token_count(BASE + 2, r.usage(5000, 0, 0), None, r.limits()),
            r.token_count(BASE + 30, fill, fill, r.limits()),
            r.turn_context(BASE + 35),
            r.token_count(BASE + 40, r.usage(8000, 0, 0), r.usage(1000, 0, 0), r.limits()),
            r.event(BASE + 41, "task_complete"),
        ],
    )
    forward, backward = both(path, BASE + 60)
    assert forward == backward
    assert forward["session_delta_tokens"] == 3000


def test_a_total_going_on_from_a_synthetic_fill_is_a_new_segment(tmp_path: Path) -> None:
    """After the overflow fill, the next response's running total goes on from the fill's
    ``total_tokens`` (258,400 + 20,500) while its input and output begin again: "this
    update" is that response (20.5K), not the whole rise over the total before the fill
    (226.9K); the session total stays Codex's own."""
    fill = r.usage(0, 0, 0, total=258400)
    after = r.usage(20000, 10000, 500, total=258400 + 20500)
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID),
            started(1),
            r.turn_context(BASE + 1.1),
            r.token_count(BASE + 2, r.usage(50000, 10000, 2000), r.usage(20000, 10000, 500)),
            r.token_count(BASE + 30, fill, fill, r.limits()),
            r.token_count(BASE + 40, after, r.usage(20000, 10000, 500), r.limits()),
            r.event(BASE + 41, "task_complete"),
        ],
    )
    forward, backward = both(path, BASE + 60)
    assert forward == backward
    assert forward["session_delta_tokens"] == 20500
    assert forward["last_turn_tokens"] == 20500
    assert forward["session_total_tokens"] == 278900


def test_sub_agent_without_copied_history_counts_its_first_second(tmp_path: Path) -> None:
    """A sub-agent header alone does not mean replayed lines follow."""
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID, source={"subagent": "review"}),
            started(0.2),
            r.turn_context(BASE + 0.25),
            r.exec_call(BASE + 0.6, "c1", "cargo test"),
            r.token_count(BASE + 0.9, r.usage(4000, 0, 200), None, r.limits()),
        ],
    )
    forward, backward = both(path, BASE + 5)
    assert forward == backward
    assert forward["pending_calls"] == 1
    assert forward["inherited_tokens"] == 0
    assert forward["session_delta_tokens"] == 4200


def test_commentary_after_a_quiet_spell_is_thinking_again(tmp_path: Path) -> None:
    """After an idle gap, a progress message starts afresh instead of reviving old work."""
    path = write(
        tmp_path,
        [
            r.session_meta(BASE, SID),
            started(1),
            r.exec_call(BASE + 2, "c1", "cargo test"),
            r.call_output(BASE + 3, "c1"),
            r.assistant(BASE + 120, "still going", "commentary"),
        ],
    )
    forward, _backward = both(path, BASE + 121)
    assert forward["activity"] == Activity(ActivityKind.THINKING)


@pytest.mark.parametrize(
    "next_line",
    [
        r.token_count(BASE + 60, r.usage(9000, 0, 900), None, r.limits()),
        r.turn_context(BASE + 60, model="gpt-5.5-codex"),
    ],
)
def test_torn_big_line_followed_by_a_whole_record(next_line: str) -> None:
    """A crash mid-way through a tool output, then a whole record on the same line."""
    torn = r.call_output(BASE + 5, "c1", "x" * 5000)[:3000]
    record = parse_line((torn + next_line).encode())
    assert isinstance(record, (TokenCountRecord, ContextRecord))


def test_unusable_home_path_is_a_warning(tmp_path: Path) -> None:
    """A home that cannot even be looked at is reported, never raised."""
    result = CodexReader([tmp_path / ("a" * 300)], max_age=None).refresh()
    assert result.snapshots == ()
    assert any("cannot open the Codex folder" in str(w) for w in result.warnings)


@pytest.mark.parametrize("balance", ["1e999", "inf", "0.00", "-3", "lots", None])
def test_credits_show_only_a_positive_balance(balance: str | None) -> None:
    """Odd balances hide the credits row instead of crashing or showing nonsense."""
    limits = LimitSnapshot(
        "codex", None, None, 0.0, (UsageWindow(300, 1.0, None),), Credits(True, False, balance)
    )
    assert credits_text(limits) is None


def test_report_survives_odd_credits(tmp_path: Path) -> None:
    """The same through the whole `status` text path."""
    from codex_presence_gui.core.report import render_text

    rate = r.limits()
    rate["credits"] = {"has_credits": True, "unlimited": False, "balance": "1e999"}
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    (folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text(
        r.session_meta(BASE, SID) + "\n" + r.token_count(BASE + 1, r.usage(1), None, rate) + "\n"
    )
    text = render_text(CodexReader([home], max_age=None, clock=lambda: BASE + 10).refresh())
    assert "Credits" not in text
    assert json.dumps(text)


@pytest.mark.parametrize("fault", ["clock-ahead", "garbled", "missing", "far-future"])
def test_a_forks_copy_is_told_whatever_its_lines_times_say(tmp_path: Path, fault: str) -> None:
    """A fork whose copied lines have no usable time had counted its parent's calls as its
    own: a machine whose clock ran an hour ahead (every line "in the future", the header's
    too), or one copied line whose time is garbled, missing or absurd. Times within the file
    still tell the copy, and a line without one goes with the lines around it."""
    import time

    from codex_presence_gui.core.usage_index import UsageIndex
    from tests.helpers.rollout import CodexHome

    now = time.time()
    start = now - 600 + (3600.0 if fault == "clock-ahead" else 0.0)
    copied = []
    for k in range(5):
        at = start + 0.02 + k * 0.01
        line = r.token_count(
            at, r.usage(1000 * (k + 1), 0, 100 * (k + 1)), r.usage(1000, 0, 100), r.limits()
        )
        if k == 2 and fault != "clock-ahead":
            stamp = f'"timestamp":"{r.iso(at)}",'
            assert stamp in line
            replaced = {
                "garbled": '"timestamp":"garbage",',
                "missing": "",
                "far-future": '"timestamp":"9999-01-01T00:00:00.000Z",',
            }[fault]
            line = line.replace(stamp, replaced)
        copied.append(line)
    own = r.token_count(start + 30, r.usage(12000, 0, 1200), r.usage(7000, 0, 700), r.limits())
    home = CodexHome(tmp_path / "home")
    path = home.write(
        SID,
        [
            r.session_meta(start, SID, forked_from_id=PARENT),
            r.session_meta(start - 86400, PARENT),
            r.turn_context(start + 0.01, model="gpt-5.3-codex"),
            *copied,
            own,
        ],
        started=start,
        mtime=now - 60,
    )
    forward, backward = both(path, now)
    assert forward == backward
    assert forward["inherited_tokens"] == 5500
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([home.root])
        rows = list(index.slot_rows([home.root]))
    # One call of the fork's own: 7,000 input, not 12,000 in six calls.
    assert [(row[5], row[6]) for row in rows] == [(1, 7000)]


def test_a_forks_own_calls_stamped_ahead_after_the_copy_are_its_own(tmp_path: Path) -> None:
    """The copy 20 minutes old, the fork's own calls stamped 15 minutes ahead (its clock ran
    ahead after the fork was made): they come after the copy, and count (a review found the
    first fix taking them for the copy, as lines without a time)."""
    import time

    from codex_presence_gui.core.usage_index import UsageIndex
    from tests.helpers.rollout import CodexHome

    now = time.time()
    start = now - 1200
    copied = [
        r.token_count(
            start + 0.02 + k * 0.01,
            r.usage(1000 * (k + 1), 0, 100 * (k + 1)),
            r.usage(1000, 0, 100),
            r.limits(),
        )
        for k in range(5)
    ]
    home = CodexHome(tmp_path / "home")
    home.write(
        SID,
        [
            r.session_meta(start, SID, forked_from_id=PARENT),
            r.session_meta(start - 86400, PARENT),
            r.turn_context(start + 0.01, model="gpt-5.3-codex"),
            *copied,
            r.token_count(now + 900, r.usage(12000, 0, 1200), r.usage(7000, 0, 700), r.limits()),
            r.token_count(now + 1000, r.usage(20000, 0, 2000), r.usage(8000, 0, 800), r.limits()),
        ],
        started=start,
        mtime=now - 60,
    )
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([home.root])
        rows = list(index.slot_rows([home.root]))
    assert (sum(row[5] for row in rows), sum(row[6] for row in rows)) == (2, 15000)
