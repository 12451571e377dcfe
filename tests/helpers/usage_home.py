"""A Codex home for cross-checking the usage report against ccusage (``test_ccusage_parity``).

Eighteen rollout files over four UTC days (2026-05-04 to 2026-05-07), written the way Codex
before 0.171 writes them (0.171 writes one reading per response: see the real
``tests/data/eras/real0171_*`` files): every request starts with a *reading* (a
``token_count`` that repeats the running total with fresh rate limits, or ``info: null``
before the first response), then the response and its ``token_count``. Each session
exercises one rule:

=================  ===========================================================================
``duplicates``     gpt-5.3-codex; every response has its repeated reading (same totals)
``midnight``       gpt-5.3-codex, then gpt-5.4 from a new ``turn_context``; crosses midnight
``compaction``     gpt-5.4; limit-only lines, a ``compacted`` line and ``context_compacted``;
                   the context shrinks, the running total goes on
``failed_calls``   archived; limit-only lines for a 429, a cut stream and a retry; an error
                   event; a resume whose running total starts again (a new segment)
``no_model``       no ``turn_context`` at all (an early 2025 file), one ``total_tokens`` missing
``burst_parent``   gpt-5.3-codex; goes on after its fork was taken
``fork_burst``     ``forked_from_id``: parent header copied, parent lines replayed within a
                   second of the fork's header, then its own responses
``orphan_fork``    the same shape, but its parent's file is not in the home
``ordinal_parent`` gpt-5.4, paginated (ordinals)
``fork_ordinal``   a sub-agent (``source.subagent.thread_spawn.parent_thread_id``) that replays
                   its parent by ordinal (``subagent_history_start_ordinal``), slowly
``exec_parent``    gpt-5.4
``exec_fork``      0.171 ``codex exec fork``: copies nothing; its first reading carries the
                   parent's running total and last response (``tests/data/eras/fork_exec_0171``)
``long_context``   gpt-5.4: calls of 200,000, 272,000 (not long), 280,000 and 300,000 input
``unpriced``       codex-mini-latest (priced by genai-prices, not by ccusage 20.0.24), then
                   acme-local-1 (priced by neither)
``fast``           gpt-5.4 after ``thread_settings_applied`` with ``service_tier: priority``
``records``        0.169 paginated: a ``token_usage_record`` beside every ``token_count``
``quiet``          a session with readings only (no response): no row in either tool
``late``           gpt-5.3-codex on the last day, with a tool call
=================  ===========================================================================

``write_parity_home`` returns what each file's own calls were, by our rules, so that the test
can state each known difference from ccusage exactly (docs/ccusage-parity.md explains them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.helpers import rollout as r

DAY = 86_400.0
#: 2026-05-04 00:00 UTC, a Monday.
DAY1 = datetime(2026, 5, 4, tzinfo=UTC).timestamp()

Usage = dict[str, int]


def _add(a: Usage, b: Usage) -> Usage:
    return {key: a[key] + b[key] for key in a}


def _zero() -> Usage:
    return r.usage(0)


def _uuid(number: int) -> str:
    return f"019df0a0-0000-7000-8000-{number:012x}"


@dataclass
class Call:
    """One model call as our index counts it."""

    ts: float
    model: str | None
    usage: Usage


@dataclass
class Thread:
    """One rollout file being composed: lines as dicts, the running total and the calls."""

    name: str
    session_id: str
    start: float
    cwd: str = "/home/dev/shop"
    ordinals: bool = False
    next_ordinal: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)
    total: Usage = field(default_factory=_zero)
    last: Usage | None = None
    model: str | None = None
    calls: list[Call] = field(default_factory=list)
    limit_step: int = 0
    records: bool = False  # 0.169+: a token_usage_record after each response's token_count

    def add(self, line: str) -> dict[str, Any]:
        obj: dict[str, Any] = json.loads(line)
        if self.ordinals and "ordinal" not in obj:
            obj = {"timestamp": obj["timestamp"], "ordinal": self.next_ordinal, **obj}
        if "ordinal" in obj:
            self.next_ordinal = obj["ordinal"] + 1
        self.lines.append(obj)
        return obj

    def meta(self, ts: float | None = None, **extra: Any) -> None:
        self.add(
            r.session_meta(self.start if ts is None else ts, self.session_id, cwd=self.cwd, **extra)
        )

    def limits(self) -> dict[str, Any]:
        self.limit_step += 1
        return r.limits((5.0 + self.limit_step * 0.5, 300, 1_778_000_000))

    def turn(self, ts: float, model: str | None = None, *, reading: bool = True) -> None:
        """A turn's start: task_started, turn_context (when a model is given), the user's
        message, and the request's reading (the running total again, or ``info: null``)."""
        self.add(r.event(ts, "task_started", turn_id=f"t{len(self.lines)}"))
        if model is not None:
            self.model = model
            self.add(r.turn_context(ts + 0.001, model, self.cwd))
        self.add(r.event(ts + 0.002, "user_message", message="go on", images=[]))
        if reading:
            self.reading(ts + 0.5)

    def reading(self, ts: float) -> None:
        """A rate-limit reading: repeats the running total (or ``info: null`` before any)."""
        if self.last is None:
            self.add(r.token_count(ts, None, None, self.limits()))
        else:
            self.add(r.token_count(ts, self.total, self.last, self.limits()))

    def limit_only(self, ts: float) -> None:
        """A request that reported no tokens (failed, cut, refused, compaction)."""
        self.add(r.token_count(ts, None, None, self.limits()))

    def respond(
        self,
        ts: float,
        input_tokens: int,
        cached: int,
        output: int,
        reasoning: int = 0,
        *,
        tool: str | None = None,
        counted: bool = True,
        total_tokens: bool = True,
    ) -> Usage:
        """One response: reasoning, a tool call or an answer, and its token_count."""
        last = r.usage(input_tokens, cached, output, reasoning)
        if not total_tokens:
            del last["total_tokens"]
        self.add(r.item(ts, "reasoning", summary=[], encrypted_content="gAAAA"))
        if tool is not None:
            self.add(r.exec_call(ts + 0.1, f"call{len(self.lines)}", tool))
            self.add(r.call_output(ts + 0.2, f"call{len(self.lines) - 1}", "ok"))
        else:
            self.add(r.assistant(ts + 0.1, "Done."))
        full = r.usage(input_tokens, cached, output, reasoning)
        self.total = _add(self.total, full)
        self.last = full
        total = dict(self.total)
        if not total_tokens:
            del total["total_tokens"]
        self.add(r.token_count(ts + 0.3, total, last, self.limits()))
        if self.records:
            self.add(
                r.envelope(
                    ts + 0.4,
                    "token_usage_record",
                    {
                        "session_id": self.session_id,
                        "thread_id": self.session_id,
                        "turn_id": "t",
                        "response_id": f"resp{len(self.lines)}",
                        "usage": last,
                        "turn_token_usage": last,
                        "thread_token_usage": total,
                    },
                )
            )
        if counted:
            self.calls.append(Call(ts + 0.3, self.model, full))
        return full

    def done(self, ts: float) -> None:
        self.add(r.event(ts, "task_complete", turn_id="t"))

    def replay_of(self, parent: Thread, at: float, *, spacing: float = 0.004) -> None:
        """Copy the parent's header and lines (not its calls) with rewritten timestamps."""
        for index, line in enumerate(parent.lines):
            copied = dict(line)
            copied["timestamp"] = r.iso(at + index * spacing)
            self.lines.append(copied)
            if "ordinal" in copied:
                self.next_ordinal = copied["ordinal"] + 1
        self.total = dict(parent.total)
        self.last = dict(parent.last) if parent.last else None
        self.model = parent.model

    def write(self, home: r.CodexHome, *, archived: bool = False) -> Path:
        return home.write(
            self.session_id,
            [r.dumps(line) for line in self.lines],
            started=self.start,
            archived=archived,
        )


@dataclass
class ParityHome:
    """The fixture home and what the test needs to know of it."""

    root: Path
    threads: dict[str, Thread]
    #: The exec fork's first reading: the parent's last response, which ccusage counts again.
    exec_fork_recount: Usage

    def session_id(self, name: str) -> str:
        return self.threads[name].session_id

    def day_of(self, name: str) -> str:
        """The one UTC day of a session's calls (the test relies on it being one)."""
        days = {
            datetime.fromtimestamp(call.ts, UTC).date().isoformat()
            for call in self.threads[name].calls
        }
        assert len(days) == 1, (name, days)
        return days.pop()


def write_parity_home(root: Path) -> ParityHome:
    """Write the fixture home under ``root`` (which must not exist yet)."""
    (root / "sessions").mkdir(parents=True)
    home = r.CodexHome(root)
    threads: dict[str, Thread] = {}
    number = 0

    def thread(name: str, start: float, **kwargs: Any) -> Thread:
        nonlocal number
        number += 1
        made = Thread(name, _uuid(number), start, **kwargs)
        threads[name] = made
        return made

    # -- day 1 (2026-05-04) -----------------------------------------------------------------
    t = thread("duplicates", DAY1 + 9 * 3600)
    t.meta()
    at = t.start + 1
    context = 12_000
    for step in range(6):
        t.turn(at, "gpt-5.3-codex" if step == 0 else None)
        context += 3_000 + step * 700
        t.respond(at + 4, context, max(context - 4_000, 0), 400 + step * 35, 120 + step)
        t.done(at + 5)
        at += 600
    t.write(home)

    t = thread("midnight", DAY1 + 23.5 * 3600)
    t.meta()
    at = t.start + 2
    for step in range(5):
        model = "gpt-5.3-codex" if step < 2 else "gpt-5.4"
        t.turn(at, model if step in (0, 2) else None)
        t.respond(at + 6, 40_000 + step * 9_000, 30_000 + step * 8_000, 900 + step * 10, 300)
        t.done(at + 7)
        at += 17 * 60  # 23:30, 23:47, 00:04, 00:21, 00:38
    t.write(home)

    # -- day 2 (2026-05-05) -----------------------------------------------------------------
    t = thread("compaction", DAY1 + DAY + 8 * 3600)
    t.meta()
    at = t.start + 1
    t.turn(at, "gpt-5.4")
    for step in range(4):
        t.respond(at + 5 + step * 20, 150_000 + step * 25_000, 140_000 + step * 24_000, 2_000)
    # The context is full: Codex compacts. The compaction's own request logs no tokens.
    at += 120
    t.limit_only(at)
    t.add(r.event(at + 0.5, "context_compacted"))
    t.add(
        r.envelope(
            at + 1,
            "compacted",
            {"message": "", "replacement_history": [{"type": "message", "role": "user"}]},
        )
    )
    t.limit_only(at + 2)
    t.reading(at + 3)  # the same running total again, with new limits
    for step in range(3):
        t.respond(at + 10 + step * 30, 30_000 + step * 6_000, 20_000 + step * 6_000, 1_500)
    t.done(at + 100)
    t.write(home)

    t = thread("failed_calls", DAY1 + DAY + 13 * 3600, cwd="/home/dev/api")
    t.meta()
    at = t.start + 1
    t.turn(at, "gpt-5.3-codex")
    t.respond(at + 3, 20_000, 5_000, 800, 200)
    t.limit_only(at + 10)  # HTTP 429
    t.add(r.event(at + 10.1, "error", message="Rate limit reached"))
    t.limit_only(at + 20)  # the retry: a cut stream
    t.add(r.event(at + 20.1, "stream_error", message="stream disconnected"))
    t.respond(at + 30, 24_000, 19_000, 700, 150)
    t.add(r.event(at + 31, "turn_aborted", reason="interrupted"))
    # Resumed later: this build restarted the running total (a new segment).
    at += 3600
    t.total, t.last = _zero(), None
    t.turn(at, "gpt-5.3-codex")
    t.respond(at + 4, 9_000, 3_000, 300, 50)
    t.reading(at + 20)
    t.respond(at + 24, 11_000, 8_000, 250, 40)
    t.done(at + 25)
    t.write(home, archived=True)

    t = thread("no_model", DAY1 + DAY + 15 * 3600)
    t.meta(cli_version="0.36.0")
    at = t.start + 1
    t.turn(at, None, reading=False)
    t.respond(at + 3, 8_000, 0, 500, 100)
    t.respond(at + 20, 9_500, 7_000, 450, 90, total_tokens=False)
    t.write(home)

    # -- day 3 (2026-05-06): forks ----------------------------------------------------------
    parent = thread("burst_parent", DAY1 + 2 * DAY + 10 * 3600)
    parent.meta()
    at = parent.start + 1
    parent.turn(at, "gpt-5.3-codex")
    for step in range(3):
        parent.respond(at + 5 + step * 30, 30_000 + step * 5_000, 20_000 + step * 5_000, 600)
    parent.done(at + 100)
    snapshot = Thread("", "", 0)
    snapshot.lines, snapshot.total, snapshot.last = list(parent.lines), parent.total, parent.last
    snapshot.model = parent.model

    fork_at = parent.start + 600
    child = thread("fork_burst", fork_at)
    child.meta(forked_from_id=parent.session_id)
    child.replay_of(snapshot, fork_at)
    at = fork_at + 30
    child.turn(at)
    child.respond(at + 5, 48_000, 40_000, 700, 200)
    child.respond(at + 40, 52_000, 47_000, 500, 100)
    child.done(at + 41)

    orphan = thread("orphan_fork", fork_at + 1800)
    missing = _uuid(0xDEAD)
    orphan.meta(forked_from_id=missing)
    snapshot.lines[0] = {
        **snapshot.lines[0],
        "payload": {**snapshot.lines[0]["payload"], "id": missing},
    }
    orphan.replay_of(snapshot, fork_at + 1800)
    at = fork_at + 1800 + 30
    orphan.turn(at)
    orphan.respond(at + 5, 47_000, 41_000, 300, 80)
    orphan.done(at + 6)

    # The parent goes on after the forks were taken: not part of what they replayed.
    at = parent.start + 2 * 3600
    parent.turn(at)
    parent.respond(at + 5, 47_000, 45_000, 900, 300)
    parent.done(at + 6)
    for made in (parent, child, orphan):
        made.write(home)

    parent = thread("ordinal_parent", DAY1 + 2 * DAY + 14 * 3600, ordinals=True)
    parent.meta(cli_version="0.160.0")
    at = parent.start + 1
    parent.turn(at, "gpt-5.4")
    for step in range(3):
        parent.respond(at + 5 + step * 40, 60_000 + step * 7_000, 50_000 + step * 7_000, 800)
    parent.done(at + 200)
    parent.write(home)

    child = thread("fork_ordinal", parent.start + 900, ordinals=True)
    # Its header has no ordinal; the copied lines keep the parent's, its own go on from them.
    child.lines.append(
        json.loads(
            r.session_meta(
                child.start,
                child.session_id,
                cwd=child.cwd,
                cli_version="0.160.0",
                source={
                    "subagent": {
                        "thread_spawn": {"parent_thread_id": parent.session_id, "depth": 1}
                    }
                },
                subagent_history_start_ordinal=parent.next_ordinal,
            )
        )
    )
    # The copy is slow here (spread over several seconds): only the ordinals tell it.
    child.replay_of(parent, child.start, spacing=0.4)
    at = child.start + 60
    child.turn(at)
    child.respond(at + 5, 85_000, 80_000, 400, 100)
    child.respond(at + 30, 88_000, 85_000, 350, 90)
    child.done(at + 31)
    child.write(home)

    parent = thread("exec_parent", DAY1 + 2 * DAY + 17 * 3600)
    parent.meta()
    at = parent.start + 1
    parent.turn(at, "gpt-5.4")
    for step in range(3):
        parent.respond(at + 5 + step * 25, 35_000 + step * 4_000, 30_000 + step * 4_000, 500)
    parent.done(at + 90)
    parent.write(home)

    child = thread("exec_fork", parent.start + 1200)
    child.add(
        r.session_meta(
            child.start,
            child.session_id,
            cwd=child.cwd,
            originator="codex_exec",
            cli_version="0.171.0",
            forked_from_id=parent.session_id,
            history_base={"thread_id": parent.session_id, "ordinal": 41},
            forked_from_ordinal_exclusive=42,
            history_mode="paginated",
        )
    )
    # Nothing is copied; the fork starts from the parent's running total.
    assert parent.last is not None
    child.total, child.last = dict(parent.total), dict(parent.last)
    recount = dict(parent.last)
    at = child.start + 0.2
    child.turn(at, "gpt-5.4")  # its reading carries the parent's total and last response
    child.respond(at + 4, 44_000, 40_000, 600, 200)
    child.turn(at + 30)
    child.respond(at + 36, 46_000, 43_000, 650, 210)
    child.done(at + 37)
    child.write(home)

    # -- day 4 (2026-05-07) -----------------------------------------------------------------
    t = thread("long_context", DAY1 + 3 * DAY + 9 * 3600)
    t.meta()
    at = t.start + 1
    t.turn(at, "gpt-5.4")
    for step, size in enumerate((200_000, 272_000, 280_000, 300_000)):
        t.respond(at + 5 + step * 60, size, size - 20_000, 3_000 + step * 100, 900)
    t.done(at + 300)
    t.write(home)

    t = thread("unpriced", DAY1 + 3 * DAY + 11 * 3600)
    t.meta()
    at = t.start + 1
    t.turn(at, "codex-mini-latest")
    t.respond(at + 4, 15_000, 6_000, 900, 0)
    t.respond(at + 30, 18_000, 14_000, 700, 0)
    t.turn(at + 120, "acme-local-1")
    t.respond(at + 125, 21_000, 0, 1_200, 0)
    t.done(at + 126)
    t.write(home)

    t = thread("fast", DAY1 + 3 * DAY + 13 * 3600)
    t.meta()
    at = t.start + 1
    t.add(
        r.event(
            at,
            "thread_settings_applied",
            thread_settings={"model": "gpt-5.4", "service_tier": "priority"},
        )
    )
    t.turn(at + 1, "gpt-5.4")
    t.respond(at + 5, 70_000, 60_000, 1_100, 400)
    t.respond(at + 40, 76_000, 69_000, 800, 250)
    t.done(at + 41)
    t.write(home)

    t = thread("records", DAY1 + 3 * DAY + 16 * 3600, ordinals=True, records=True)
    t.meta(cli_version="0.169.0")
    at = t.start + 1
    t.turn(at, "gpt-5.4")
    for step in range(3):
        t.respond(at + 5 + step * 30, 55_000 + step * 4_000, 50_000 + step * 4_000, 700, 200)
    t.done(at + 100)
    t.write(home)

    t = thread("quiet", DAY1 + 3 * DAY + 14 * 3600)
    t.meta()
    t.turn(t.start + 1, "gpt-5.4")
    t.limit_only(t.start + 30)
    t.write(home)

    t = thread("late", DAY1 + 3 * DAY + 22 * 3600)
    t.meta()
    at = t.start + 1
    t.turn(at, "gpt-5.3-codex")
    t.respond(at + 5, 25_000, 12_000, 650, 210, tool="cargo test")
    t.respond(at + 25, 27_000, 24_500, 420, 100)
    t.done(at + 26)
    t.write(home)

    return ParityHome(root, threads, recount)
