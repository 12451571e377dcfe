"""Generate a realistic, reproducible Codex home for benchmarks.

Usage::

    uv run python bench/make_corpus.py OUTDIR [--sessions 300] [--size-mb 400] [--seed 1]
                                              [--big-file-mb 0] [--now [ISO]] [--force]

Writes ``OUTDIR/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl`` over about 30
days of date folders, a few flat files in ``OUTDIR/archived_sessions/`` and
``OUTDIR/expected.json`` with the token totals that a correct reader must report for every
session (the final ``total_token_usage`` of the thread), plus corpus byte and line counts.

The lines follow the shapes of Codex CLI 0.12x rollouts: ``session_meta`` with 13-20 KB of
base instructions, turns made of ``task_started``, user messages, a ``turn_context`` before
every model request, reasoning, commentary, ``exec_command`` function calls and
``apply_patch`` custom tool calls whose outputs have heavy-tailed sizes (most 1-20 KB, a few
200 KB-3 MB), a ``token_count`` after every model response followed about 1 s later by a
duplicate with identical ``info`` and fresher rate limits, final answers and
``task_complete``.  Sessions start with a limits-only ``token_count`` (``"info":null``); a few
have more of those mid-session, about 10 % also carry a second rate-limit bucket
(``codex_bengalfox``) in separate ``token_count`` lines, and long sessions get ``compacted``
lines when their context fills up (30-400 KB, about a third of them 1-5 MB).

Everything is derived from ``--seed`` and a fixed base date (2026-10-20T08:00Z); ``--now``
shifts all timestamps so that the newest session ends at the given instant (default: the
current time), for live tests.  ``--big-file-mb N`` adds one session file of about N MB,
streamed line by line.  Pure standard library.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_DATE = dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC)
CONTEXT_WINDOW = 258_400
KB = 1024
MB = 1024 * 1024

CLI_VERSION = "0.125.0"
MODELS = (("gpt-5.3-codex", 0.70), ("gpt-5.2-codex", 0.18), ("gpt-5.4", 0.12))
EFFORTS = (("medium", 0.35), ("high", 0.45), ("low", 0.10), ("xhigh", 0.10))
PROJECTS = (
    ("/home/dev/proj", "git@github.com:acme/proj.git", "main"),
    (
        "/home/dev/src/codex-presence",
        "git@github.com:codex-presence/codex-presence-gui.git",
        "main",
    ),
    ("/home/dev/work/billing-api", "https://github.com/acme/billing-api.git", "feature/invoices"),
    ("/home/dev/work/web-frontend", "https://github.com/acme/web-frontend.git", "develop"),
    ("/home/dev/rust/tokenizer", "git@github.com:acme/tokenizer.git", "main"),
    ("/home/dev/scratch", "", ""),
)
EXEC_COMMANDS = (
    ("rg -n foo src", 6),
    ('rg -n "TODO|FIXME" -S .', 3),
    ("rg --files | head -200", 2),
    ("cat README.md", 4),
    ("sed -n '1,200p' src/app.py", 5),
    ("sed -n '200,420p' src/reader.rs", 3),
    ("cargo test", 4),
    ("cargo build --release", 2),
    ("cargo clippy --all-targets", 1),
    ("git status", 5),
    ("git diff", 4),
    ("git log --oneline -20", 2),
    ("pytest -q", 5),
    ("uv run pytest -q tests/unit/test_reader.py", 3),
    ("ls -la", 3),
    ("npm test -- --run", 2),
    ("make check", 1),
    ("uv run mypy codex_presence_gui", 1),
    ("uv run ruff check .", 2),
    ("find . -name '*.py' -not -path './.venv/*' | head -80", 1),
)
USER_PROMPTS = (
    "fix the failing test",
    "add a --json flag to the status command and document it in the README",
    "why is the session reader slow on big files? profile it and make it faster",
    "the window flickers when a new session appears, can you look into it",
    "refactor the rate limit parsing into its own module, keep behaviour identical",
    "run the test suite and fix whatever is broken",
    "add type hints to the services package and make mypy strict pass",
    "implement incremental reading: only parse bytes appended since the last poll",
    "write unit tests for the token accounting, including duplicated token_count lines",
    "the weekly limit shows 0% even though I used codex all day, investigate",
    "rename `UsageTotals` to `TokenTotals` everywhere",
    "can you explain how the compaction handling works in this repo?",
    "bump the minimum python version to 3.11 and clean up the compat shims",
    "cargo build fails on CI with a lifetime error in src/reader.rs, please fix",
    "add a setting to hide sessions older than 7 days",
    "please review the diff on this branch and point out bugs",
    "make the discord presence update at most once every 15 seconds",
    "port the config loader from json to toml, keep reading the old file as fallback",
    "there is a crash when CODEX_HOME points to a missing directory, handle it",
    "write a benchmark for parsing 1 GB of jsonl",
)
REASONING_SUMMARIES = (
    "**Inspecting tests**",
    "**Planning the refactor**",
    "**Reading the session reader**",
    "**Checking rate limit parsing**",
    "**Considering incremental parsing**",
    "**Reviewing failing assertion**",
    "**Exploring repository layout**",
    "**Verifying the fix**",
    "**Weighing edge cases for duplicates**",
    "**Summarizing changes**",
)
COMMENTARY = (
    "I'll run the tests.",
    "Let me look at how the parser handles partial lines.",
    "I'm checking where the totals are accumulated before changing anything.",
    "The failure comes from a stale fixture; updating it now.",
    "Next I'll search for other call sites of this helper.",
    "Build passes; running the full suite once more to be sure.",
    "I found the cause: the duplicate token_count lines were summed twice.",
    "Applying the patch to the reader and adding a regression test.",
)
FINAL_OPENERS = (
    "Fixed the failing test.",
    "Done. The reader now only parses appended bytes.",
    "I refactored the module and kept the public API unchanged.",
    "The crash is fixed and covered by a new test.",
    "Here is what I found.",
    "All checks pass now.",
)
FINAL_SENTENCES = (
    "The root cause was an off-by-one in the offset bookkeeping after a partial line.",
    "I added a regression test that appends half a line, polls, then completes it.",
    "`pytest -q` passes locally (212 passed, 3 skipped).",
    "I left the public signatures alone so callers do not need to change.",
    "There is one follow-up worth doing: the cache file is never pruned.",
    "Duplicated token_count events are now ignored when their totals do not change.",
    "The weekly bucket was read from the wrong key, which always produced zero.",
    "I did not touch the UI layer; the change is contained in the core package.",
    "Benchmarks: 400 MB now parses in about 2.1 s, down from 7.8 s.",
    "Files changed: `src/reader.py`, `tests/unit/test_reader.py`, `README.md`.",
)
# fmt: off
WORDS = (
    "config", "parser", "session", "token", "render", "window", "cache", "index", "status",
    "reader", "writer", "event", "limit", "usage", "model", "thread", "report", "buffer",
    "client", "server", "request", "response", "handler", "worker", "queue", "state", "store",
    "path", "file", "line", "offset", "value", "result", "error", "option", "builder", "layout",
    "widget", "presence", "timer", "bucket", "rollout", "snapshot", "history", "delta", "total",
    "cursor", "poll", "watcher",
)
# fmt: on
TYPES = ("str", "int", "bytes", "Path", "dict[str, Any]", "list[int]", "Session", "Usage")
SENTENCES = (
    "keep the reader incremental so large files are never parsed twice",
    "totals are cumulative for the whole thread",
    "the last line may be incomplete while Codex is still writing",
    "rate limits come from response headers and can be stale",
    "never block the UI thread on disk access",
    "résumé of the change — see the notes below",
    "fall back to the previous value when parsing fails",
    "this path is hot: avoid allocating per line",
)


def weighted(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    """Pick a value from ``((value, weight), ...)``."""
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights)[0]


def log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    """A value between lo and hi whose logarithm is uniform."""
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def uuid7(ms: int, rng: random.Random) -> str:
    """A UUIDv7 string for the given Unix time in milliseconds."""
    hi = (ms << 16) | (0x7 << 12) | rng.getrandbits(12)
    lo = (0b10 << 62) | rng.getrandbits(62)
    h = f"{hi:016x}{lo:016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fmt_ts(ms: int) -> str:
    """Codex envelope timestamp: UTC, exactly three fractional digits."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def fmt_name_ts(ms: int) -> str:
    """Timestamp as used in rollout file names (second resolution)."""
    return time.strftime("%Y-%m-%dT%H-%M-%S", time.gmtime(ms // 1000))


# ---------------------------------------------------------------------------------------------
# Text content
# ---------------------------------------------------------------------------------------------


class ContentPool:
    """Deterministic pseudo-realistic text (code, test output, logs) to slice outputs from."""

    POOL_CHARS = 1_500_000

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"pool:{seed}")
        parts: list[str] = []
        size = 0
        while size < self.POOL_CHARS:
            line = self._line(rng)
            parts.append(line)
            size += len(line) + 1
        self.pool = "\n".join(parts) + "\n"
        # Repeated so that any slice up to 3 pool lengths can start anywhere in the first copy.
        self.big = self.pool * 4
        # JSON escaping grows the text a little (newlines, quotes, tabs).
        sample = self.pool[:200_000]
        self.escape_ratio = len(json.dumps(sample, ensure_ascii=False)) / len(sample)
        self.base_instructions = [self._instructions(rng, n) for n in (13_800, 16_400, 19_600)]

    @staticmethod
    def _line(rng: random.Random) -> str:
        w = rng.choice
        a, b, c, d = w(WORDS), w(WORDS), w(WORDS), w(WORDS)
        kind = rng.randrange(14)
        n = rng.randrange(1, 900)
        if kind == 0:
            return f"    def {a}_{b}(self, {c}: {w(TYPES)}) -> {w(TYPES)}:"
        if kind == 1:
            return f"        {a} = self.{b}.{c}({d}, timeout={n})"
        if kind == 2:
            return f"fn {a}_{b}(&mut self, {c}: &{w(TYPES)}) -> Result<{w(TYPES)}> {{"
        if kind == 3:
            return f"    let {a} = {b}.{c}_{d}()?;"
        if kind == 4:
            return f"test {a}::{b}::{c}_{d} ... ok"
        if kind == 5:
            return f"tests/unit/test_{a}.py::test_{b}_{c} PASSED{' ' * (n % 20)}[{n % 100:3d}%]"
        if kind == 6:
            return f"src/{a}/{b}.py:{n}:        {c} = {d}.get('{a}', {n})"
        if kind == 7:
            return (
                f"2026-10-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}."
                f"{n:03d}Z INFO {a}::{b}: {w(SENTENCES)}"
            )
        if kind == 8:
            return f"   Compiling {a}-{b} v0.{n % 40}.{n % 9}"
        if kind == 9:
            return f'    "{a}_{b}": "{c} {d}",'
        if kind == 10:
            return f"# {w(SENTENCES)}"
        if kind == 11:
            return f"\t{a}\t{b}\t{n}\t\u2713"
        if kind == 12:
            return ""
        return f"        return {a}_{b}  // {n} \u00b5s \u2192 {c}"

    @staticmethod
    def _instructions(rng: random.Random, size: int) -> str:
        header = (
            "You are a coding agent running in a terminal on the user's machine. Work in the "
            "current repository, keep changes minimal and explain what you did.\n\n"
        )
        out = [header]
        length = len(header)
        section = 0
        while length < size:
            if rng.random() < 0.12:
                section += 1
                chunk = f"\n## Section {section}: {rng.choice(WORDS).title()} handling\n\n"
            else:
                words = [rng.choice(WORDS) for _ in range(rng.randrange(8, 22))]
                chunk = " ".join(words).capitalize() + ". "
            out.append(chunk)
            length += len(chunk)
        return "".join(out)[:size]

    def text(self, rng: random.Random, size: int) -> str:
        """``size`` characters of pool text starting at a random line start."""
        start = self.pool.find("\n", rng.randrange(len(self.pool) - 200)) + 1
        return self.big[start : start + size]


def emit_assistant(emit: Any, ms: int, text: str, phase: str) -> None:
    """An assistant message as Codex persists it: the response item, then the event."""
    content = [{"type": "output_text", "text": text}]
    emit(
        ms,
        "response_item",
        {"type": "message", "role": "assistant", "content": content, "phase": phase},
    )
    emit(ms, "event_msg", {"type": "agent_message", "message": text, "phase": phase})


def final_text(idx: int) -> str:
    rng = random.Random(f"final:{idx}")
    opener = FINAL_OPENERS[idx % len(FINAL_OPENERS)]
    body = rng.sample(FINAL_SENTENCES, rng.randrange(1, 6))
    return opener + "\n\n" + "\n".join(f"- {s}" for s in body)


# ---------------------------------------------------------------------------------------------
# Planning: what happens in a session, when, and with which token counts
# ---------------------------------------------------------------------------------------------

Usage = tuple[int, int, int, int]  # input, cached_input, output, reasoning_output


@dataclass
class SessionSpec:
    index: int
    start_ms: int
    budget: int
    model: str
    effort: str
    project: tuple[str, str, str]
    originator: str
    bengalfox: bool
    null_mid: bool
    weight: float = 1.0
    archived: bool = False
    big: bool = False


@dataclass
class PlanResult:
    session_id: str
    start_ms: int
    end_ms: int
    est_bytes: int
    total: Usage


# Estimated serialized size of each event kind without its variable text (calibrated).
EST = {
    "meta": 760,
    "task_started": 200,
    "user": 330,
    "turn_context": 470,
    "limits_only": 400,
    "reasoning": 300,
    "commentary": 340,
    "exec_call": 220,
    "patch_call": 190,
    "token_count": 840,
    "bengalfox": 860,
    "exec_output": 220,
    "patch_output": 330,
    "final": 330,
    "task_complete": 150,
    "compacted": 120,
}


class Planner:
    """Decides the structure, timing and token usage of one session.

    The planner only uses its own random stream, so planning the same spec twice (once to
    find the newest end time for ``--now``, once to render) gives identical results; only the
    time shift differs.
    """

    def __init__(self, spec: SessionSpec, seed: int, shift_ms: int, pool: ContentPool) -> None:
        self.spec = spec
        self.rng = random.Random(f"plan:{seed}:{spec.index}")
        self.shift = shift_ms
        self.esc = pool.escape_ratio
        self.instructions_len = [len(text) for text in pool.base_instructions]
        self.result: PlanResult | None = None

    def events(self) -> Iterator[tuple[Any, ...]]:
        """Yield the session's events in time order; sets ``self.result`` at the end."""
        spec, rng = self.spec, self.rng
        t = spec.start_ms + self.shift
        session_id = uuid7(t, rng)
        meta_delay = rng.randrange(80, 400)
        instr = spec.index % 3
        est = EST["meta"] + self.instructions_len[instr]
        yield ("meta", t + meta_delay, session_id, t, instr)
        t += meta_delay
        total = [0, 0, 0, 0]
        ctx = rng.randrange(9_000, 14_000)
        prev_input = 0
        first_request = True
        turn_no = 0
        while True:
            turn_no += 1
            if turn_no > 1:
                t += int(log_uniform(rng, 5_000, 1_200_000))  # the user reads and types
            turn_id = uuid7(t, rng)
            yield ("task_started", t, turn_id)
            est += EST["task_started"]
            if spec.null_mid and turn_no > 1 and rng.random() < 0.5:
                t += rng.randrange(5, 60)
                yield ("limits_only", t, t - rng.randrange(0, 2_000))
                est += EST["limits_only"]
            prompt = rng.randrange(len(USER_PROMPTS))
            t += rng.randrange(2, 30)
            yield ("user", t, prompt, turn_no == 1)
            est += EST["user"] + 2 * len(USER_PROMPTS[prompt]) + (260 if turn_no == 1 else 0)
            ctx += len(USER_PROMPTS[prompt]) // 4 + 8
            n_tools = min(int(rng.expovariate(1 / 4.5)), 30)
            for k in range(n_tools + 1):
                final = k == n_tools
                batch: list[tuple[Any, ...]] = []
                if ctx > 0.8 * CONTEXT_WINDOW:
                    # Most compactions keep little history; some copy MBs of items.
                    big = rng.random() < 0.3
                    size = int(
                        log_uniform(rng, 1 * MB, 5 * MB) if big else rng.randrange(30, 400) * KB
                    )
                    t += rng.randrange(3_000, 20_000)
                    batch.append(("compacted", t, size))
                    est += EST["compacted"] + int(size * self.esc)
                    ctx = rng.randrange(15_000, 40_000)
                    prev_input = 0
                t += rng.randrange(20, 400)
                batch.append(("turn_context", t, turn_id))
                est += EST["turn_context"]
                if first_request:
                    batch.append(("limits_only", t + rng.randrange(3, 40), t - 1))
                    est += EST["limits_only"]
                req_start = t
                latency = int(log_uniform(rng, 1_500, 45_000))
                done = t + latency
                batch.append(
                    (
                        "reasoning",
                        t + latency // 3,
                        rng.randrange(len(REASONING_SUMMARIES)),
                        rng.randrange(1_000, 2_000),
                    )
                )
                est += EST["reasoning"] + 1_800
                if not final and rng.random() < 0.35:
                    batch.append(("commentary", t + latency // 2, rng.randrange(len(COMMENTARY))))
                    est += EST["commentary"] + 100
                # Token usage of this model request.
                inp = ctx
                if first_request:
                    cached = rng.choice((0, (ctx * 7 // 10) // 256 * 256))
                elif rng.random() < 0.05:
                    cached = 0  # cache miss
                else:
                    cached = min(inp, prev_input // 256 * 256)
                reasoning = 0 if spec.effort == "low" else int(log_uniform(rng, 16, 2_500))
                visible = rng.randrange(120, 1_400) if final else rng.randrange(25, 400)
                out = reasoning + visible
                last = (inp, cached, out, reasoning)
                total = [total[0] + inp, total[1] + cached, total[2] + out, total[3] + reasoning]
                info = (tuple(total), last)
                prev_input = inp
                ctx = inp + out
                if final:
                    fidx = rng.randrange(1_000)
                    batch.append(("final", done, fidx))
                    est += EST["final"] + 2 * len(final_text(fidx))
                else:
                    call_id = "call_" + "".join(rng.choices(CALL_ALPHABET, k=24))
                    if rng.random() < 0.22:
                        patch = int(log_uniform(rng, 300, 12_000))
                        target = f"src/{rng.choice(WORDS)}/{rng.choice(WORDS)}.py"
                        batch.append(("patch_call", done, call_id, patch, target))
                        est += EST["patch_call"] + int(patch * self.esc)
                        out_ms = done + rng.randrange(20, 300)
                        batch.append(("patch_output", out_ms, call_id, target))
                        est += EST["patch_output"]
                        ctx += 40
                    else:
                        cmd = rng.randrange(len(EXEC_COMMANDS))
                        size = self._output_size()
                        exec_ms = int(log_uniform(rng, 40, 90_000))
                        batch.append(("exec_call", done, call_id, cmd))
                        batch.append(("exec_output", done + exec_ms, call_id, size, cmd, exec_ms))
                        est += EST["exec_call"] + EST["exec_output"] + int(size * self.esc)
                        ctx += min(size // 4, 10_000)
                tc = done + rng.randrange(20, 120)
                batch.append(("token_count", tc, info, req_start))
                dup = tc + rng.randrange(800, 1_300)
                batch.append(("token_count", dup, info, dup))
                est += 2 * EST["token_count"]
                if spec.bengalfox and rng.random() < 0.6:
                    batch.append(("bengalfox", tc + rng.randrange(100, 700), info))
                    est += EST["bengalfox"]
                if final:
                    batch.append(("task_complete", tc + rng.randrange(10, 80), turn_id, fidx))
                    est += EST["task_complete"] + len(final_text(fidx))
                batch.sort(key=lambda e: e[1])
                yield from batch
                t = batch[-1][1]
                first_request = False
            if est >= spec.budget:
                break
        self.result = PlanResult(session_id, spec.start_ms + self.shift, t, est, tuple(total))

    def _output_size(self) -> int:
        r = self.rng.random()
        if r < 0.86:
            return int(log_uniform(self.rng, 1 * KB, 20 * KB))
        if r < 0.985:
            return int(log_uniform(self.rng, 20 * KB, 200 * KB))
        return int(log_uniform(self.rng, 200 * KB, 3 * MB))


CALL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# ---------------------------------------------------------------------------------------------
# Rendering: turn planned events into JSONL lines
# ---------------------------------------------------------------------------------------------

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _window_percent(t_s: float, anchor: int, length: int, lo: int, hi: int) -> tuple[float, int]:
    """Account-wide used percent of a rate-limit window at time t_s, and its reset time."""
    k = math.floor((t_s - anchor) / length)
    frac = (t_s - anchor - k * length) / length
    peak = lo + (k * 2_654_435_761 % 4_294_967_296) % (hi - lo)
    return round(peak * frac**0.85, 1), anchor + (k + 1) * length


class Renderer:
    def __init__(self, pool: ContentPool, seed: int) -> None:
        self.pool = pool
        self.seed = seed

    def rate_limits(self, t_ms: int, bucket: str, rng: random.Random) -> dict[str, Any]:
        t_s = t_ms / 1000
        if bucket == "codex":
            p, pr = _window_percent(t_s, 1_792_000_800, 300 * 60, 15, 95)
            s, sr = _window_percent(t_s, 1_791_878_400, 10_080 * 60, 35, 100)
            limit_id, name = "codex", None
            credits: dict[str, Any] | None = {
                "has_credits": False,
                "unlimited": False,
                "balance": None,
            }
        else:
            p, pr = _window_percent(t_s, 1_792_003_600, 300 * 60, 2, 40)
            s, sr = _window_percent(t_s, 1_791_900_000, 10_080 * 60, 5, 45)
            limit_id, name, credits = "codex_bengalfox", "gpt-5.2-codex-sonic", None
        jitter = rng.choice((-3, -2, -1, 1, 2, 3))
        return {
            "limit_id": limit_id,
            "limit_name": name,
            "primary": {"used_percent": p, "window_minutes": 300, "resets_at": pr + jitter},
            "secondary": {
                "used_percent": s,
                "window_minutes": 10_080,
                "resets_at": sr + rng.choice((-3, -2, -1, 1, 2, 3)),
            },
            "credits": credits,
            "plan_type": None,
        }

    @staticmethod
    def info(info: tuple[Usage, Usage]) -> dict[str, Any]:
        def usage(u: Usage) -> dict[str, int]:
            return {
                "input_tokens": u[0],
                "cached_input_tokens": u[1],
                "output_tokens": u[2],
                "reasoning_output_tokens": u[3],
                "total_tokens": u[0] + u[2],
            }

        return {
            "total_token_usage": usage(info[0]),
            "last_token_usage": usage(info[1]),
            "model_context_window": CONTEXT_WINDOW,
        }

    def render(
        self,
        spec: SessionSpec,
        events: Iterator[tuple[Any, ...]],
        out_dir: Path,
    ) -> tuple[Path, int, int, int, int]:
        """Write one session; returns (path, bytes, lines, token_count lines, last ms)."""
        rng = random.Random(f"render:{self.seed}:{spec.index}")
        pool = self.pool
        cwd, repo_url, branch = spec.project
        first = next(events)
        _, meta_ms, session_id, created_ms, instr = first
        name = f"rollout-{fmt_name_ts(created_ms)}-{session_id}.jsonl"
        if spec.archived:
            path = out_dir / "archived_sessions" / name
        else:
            day = time.strftime("%Y/%m/%d", time.gmtime(created_ms // 1000))
            path = out_dir / "sessions" / day / name
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = tc_lines = 0
        last_ms = meta_ms
        with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:

            def emit(ms: int, kind: str, payload: dict[str, Any]) -> None:
                nonlocal lines, last_ms
                f.write(_encode({"timestamp": fmt_ts(ms), "type": kind, "payload": payload}))
                f.write("\n")
                lines += 1
                last_ms = ms

            meta: dict[str, Any] = {
                "id": session_id,
                "timestamp": fmt_ts(created_ms),
                "cwd": cwd,
                "originator": spec.originator,
                "cli_version": CLI_VERSION,
                "source": "cli" if spec.originator == "codex_cli_rs" else "vscode",
                "model_provider": "openai",
                "base_instructions": {"text": pool.base_instructions[instr]},
            }
            if repo_url:
                meta["git"] = {
                    "commit_hash": f"{rng.getrandbits(160):040x}",
                    "branch": branch,
                    "repository_url": repo_url,
                }
            emit(meta_ms, "session_meta", meta)
            for ev in events:
                kind, ms = ev[0], ev[1]
                if kind == "task_started":
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "task_started",
                            "turn_id": ev[2],
                            "model_context_window": CONTEXT_WINDOW,
                            "collaboration_mode_kind": "default",
                        },
                    )
                elif kind == "user":
                    text = USER_PROMPTS[ev[2]]
                    if ev[3]:
                        today = time.strftime("%Y-%m-%d", time.gmtime(ms // 1000))
                        env = (
                            f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>bash</shell>"
                            f"\n  <current_date>{today}</current_date>\n"
                            "</environment_context>"
                        )
                        emit(
                            ms,
                            "response_item",
                            {
                                "type": "message",
                                "role": "user",
                                "content": [{"type": "input_text", "text": env}],
                            },
                        )
                    emit(
                        ms,
                        "response_item",
                        {
                            "type": "message",
                            "role": "user",
                            "content": [{"type": "input_text", "text": text}],
                        },
                    )
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "user_message",
                            "message": text,
                            "images": [],
                            "local_images": [],
                            "text_elements": [],
                        },
                    )
                elif kind == "turn_context":
                    emit(
                        ms,
                        "turn_context",
                        {
                            "turn_id": ev[2],
                            "cwd": cwd,
                            "approval_policy": "on-request",
                            "sandbox_policy": {
                                "type": "workspace-write",
                                "writable_roots": [cwd],
                                "network_access": False,
                            },
                            "model": spec.model,
                            "effort": spec.effort,
                            "summary": "auto",
                        },
                    )
                elif kind == "limits_only":
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "token_count",
                            "info": None,
                            "rate_limits": self.rate_limits(ev[2], "codex", rng),
                        },
                    )
                    tc_lines += 1
                elif kind == "reasoning":
                    summary = REASONING_SUMMARIES[ev[2]]
                    enc = base64.b64encode(rng.randbytes(ev[3] * 3 // 4)).decode("ascii")
                    emit(ms, "event_msg", {"type": "agent_reasoning", "text": summary})
                    emit(
                        ms,
                        "response_item",
                        {
                            "type": "reasoning",
                            "summary": [{"type": "summary_text", "text": summary}],
                            "content": None,
                            "encrypted_content": enc,
                        },
                    )
                elif kind == "commentary":
                    emit_assistant(emit, ms, COMMENTARY[ev[2]], "commentary")
                elif kind == "exec_call":
                    args = _encode(
                        {"cmd": EXEC_COMMANDS[ev[3]][0], "workdir": cwd, "yield_time_ms": 10_000}
                    )
                    emit(
                        ms,
                        "response_item",
                        {
                            "type": "function_call",
                            "name": "exec_command",
                            "arguments": args,
                            "call_id": ev[2],
                        },
                    )
                elif kind == "exec_output":
                    _, _, call_id, size, _cmd, exec_ms = ev
                    body = pool.text(rng, size)
                    head = (
                        f"Chunk ID: {rng.getrandbits(24):06x}\nWall time: {exec_ms / 1000:.4f}"
                        f" seconds\nProcess exited with code {int(rng.random() < 0.15)}\n"
                        f"Original token count: {size // 4}\nOutput:\n"
                    )
                    emit(
                        ms,
                        "response_item",
                        {"type": "function_call_output", "call_id": call_id, "output": head + body},
                    )
                elif kind == "patch_call":
                    body = pool.text(rng, ev[3])
                    diff = "\n".join(
                        ("+" if i % 3 else "-") + ln for i, ln in enumerate(body.split("\n")[:-1])
                    )
                    patch = f"*** Begin Patch\n*** Update File: {ev[4]}\n@@\n{diff}\n*** End Patch"
                    emit(
                        ms,
                        "response_item",
                        {
                            "type": "custom_tool_call",
                            "status": "completed",
                            "call_id": ev[2],
                            "name": "apply_patch",
                            "input": patch,
                        },
                    )
                elif kind == "patch_output":
                    output = _encode(
                        {
                            "output": f"Success. Updated the following files:\nM {ev[3]}\n",
                            "metadata": {"exit_code": 0, "duration_seconds": 0.0},
                        }
                    )
                    emit(
                        ms,
                        "response_item",
                        {"type": "custom_tool_call_output", "call_id": ev[2], "output": output},
                    )
                elif kind == "token_count":
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "token_count",
                            "info": self.info(ev[2]),
                            "rate_limits": self.rate_limits(ev[3], "codex", rng),
                        },
                    )
                    tc_lines += 1
                elif kind == "bengalfox":
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "token_count",
                            "info": self.info(ev[2]),
                            "rate_limits": self.rate_limits(ms, "bengalfox", rng),
                        },
                    )
                    tc_lines += 1
                elif kind == "final":
                    emit_assistant(emit, ms, final_text(ev[2]), "final_answer")
                elif kind == "task_complete":
                    emit(
                        ms,
                        "event_msg",
                        {
                            "type": "task_complete",
                            "turn_id": ev[2],
                            "last_agent_message": final_text(ev[3]),
                        },
                    )
                elif kind == "compacted":
                    emit(
                        ms,
                        "compacted",
                        {"message": "", "replacement_history": self._history(rng, ev[2])},
                    )
                else:  # pragma: no cover - programming error
                    raise AssertionError(kind)
            size = f.tell()
        os.utime(path, ns=(last_ms * 1_000_000, last_ms * 1_000_000))
        return path, size, lines, tc_lines, last_ms

    def _history(self, rng: random.Random, size: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        left = size
        while left > 0:
            chunk = min(left, int(log_uniform(rng, 20 * KB, 300 * KB)))
            text = self.pool.text(rng, chunk)
            r = rng.random()
            if r < 0.5:
                items.append(
                    {
                        "type": "function_call_output",
                        "call_id": "call_" + "".join(rng.choices(CALL_ALPHABET, k=24)),
                        "output": text,
                    }
                )
            elif r < 0.8:
                items.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": text}],
                    }
                )
            else:
                items.append(
                    {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": text}],
                    }
                )
            left -= chunk
        items.append(
            {
                "type": "message",
                "role": "user",
                "content": [
                    {
                        "type": "input_text",
                        "text": "Summary of the conversation so far: "
                        + " ".join(rng.sample(SENTENCES, 4)),
                    }
                ],
            }
        )
        return items


# ---------------------------------------------------------------------------------------------
# Corpus layout
# ---------------------------------------------------------------------------------------------


def make_specs(args: argparse.Namespace) -> list[SessionSpec]:
    rng = random.Random(f"specs:{args.seed}")
    base_ms = int(BASE_DATE.timestamp() * 1000)
    specs: list[SessionSpec] = []
    for i in range(args.sessions):
        day = rng.randrange(args.days)
        hour = rng.choices(
            range(24), [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 8, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1]
        )[0]
        start = base_ms + ((day * 24 + hour) * 3600 + rng.randrange(3600)) * 1000
        start -= 8 * 3600 * 1000  # base date is 08:00; days start at midnight
        specs.append(
            SessionSpec(
                index=i,
                start_ms=start + rng.randrange(1000),
                budget=0,
                model=weighted(rng, MODELS),
                effort=weighted(rng, EFFORTS),
                project=rng.choice(PROJECTS),
                originator="codex_cli_rs" if rng.random() < 0.8 else "codex_vscode",
                bengalfox=rng.random() < 0.10,
                null_mid=rng.random() < 0.05,
            )
        )
    specs.sort(key=lambda s: s.start_ms)
    for i, s in enumerate(specs):
        s.index = i
    # A few of the older sessions were archived by the user.
    older = [s for s in specs if s.start_ms < base_ms + args.days * 2 // 3 * 86_400_000]
    n_arch = max(1, round(len(specs) * 0.03)) if len(specs) >= 5 else 0
    for s in rng.sample(older, min(n_arch, len(older))):
        s.archived = True
    # Heavy-tailed weights for session sizes; budgets are set while planning.
    weights = [rng.lognormvariate(0, 1.1) for _ in specs]
    for s, w in zip(specs, weights, strict=True):
        s.weight = w
    if args.big_file_mb > 0:
        specs.append(
            SessionSpec(
                index=len(specs),
                start_ms=base_ms + 3_600_000,
                budget=int(args.big_file_mb * MB),
                model="gpt-5.3-codex",
                effort="high",
                project=PROJECTS[1],
                originator="codex_cli_rs",
                bengalfox=False,
                null_mid=False,
                big=True,
            )
        )
    return specs


def plan_all(specs: list[SessionSpec], seed: int, total_bytes: int, pool: ContentPool) -> int:
    """Set budgets from weights (sequentially, absorbing overshoot); return max end time."""
    regular = [s for s in specs if not s.big]
    weights_left = sum(s.weight for s in regular)
    bytes_left = total_bytes
    newest = 0
    for s in specs:
        if not s.big:
            s.budget = max(40 * KB, int(bytes_left * s.weight / weights_left))
            weights_left -= s.weight
        planner = Planner(s, seed, 0, pool)
        for _ in planner.events():
            pass
        assert planner.result is not None
        if not s.big:
            bytes_left -= planner.result.est_bytes
        newest = max(newest, planner.result.end_ms)
    return newest


def parse_now(value: str) -> int:
    if value == "now":
        return int(time.time() * 1000)
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return int(stamp.timestamp() * 1000)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path, help="Codex home to create (sessions/ goes inside)")
    ap.add_argument("--sessions", type=int, default=300, help="number of sessions (300)")
    ap.add_argument("--size-mb", type=float, default=400, help="approximate total size (400)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--days", type=int, default=30, help="days of date folders (30)")
    ap.add_argument(
        "--big-file-mb",
        type=float,
        default=0,
        help="also write one session file of about this many MB (0: none)",
    )
    ap.add_argument(
        "--now",
        nargs="?",
        const="now",
        default=None,
        metavar="ISO",
        help=(
            "shift all times so the newest session ends at ISO, or now with no ISO (without"
            " --now, sessions start from 2026-10-20T08:00Z, so --days past the days since"
            " then writes times in the future)"
        ),
    )
    ap.add_argument(
        "--force",
        action="store_true",
        help="delete OUTDIR/sessions, archived_sessions and expected.json first",
    )
    args = ap.parse_args(argv)
    if args.sessions < 1 or args.size_mb <= 0 or args.days < 1:
        ap.error("--sessions, --size-mb and --days must be positive")

    out: Path = args.outdir
    targets = [out / "sessions", out / "archived_sessions", out / "expected.json"]
    if any(p.exists() for p in targets):
        if not args.force:
            ap.error(f"{out} already holds a corpus; pass --force to replace it")
        for p in targets:
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    pool = ContentPool(args.seed)
    specs = make_specs(args)
    newest = plan_all(specs, args.seed, int(args.size_mb * MB), pool)
    shift = parse_now(args.now) - newest if args.now is not None else 0

    renderer = Renderer(pool, args.seed)
    sessions: dict[str, dict[str, Any]] = {}
    total_bytes = total_lines = total_tc = 0
    regular_bytes = 0
    for s in specs:
        planner = Planner(s, args.seed, shift, pool)
        path, size, lines, tc_lines, last_ms = renderer.render(s, planner.events(), out)
        res = planner.result
        assert res is not None
        assert last_ms == res.end_ms, (last_ms, res.end_ms)
        inp, cached, output, reasoning = res.total
        sessions[res.session_id] = {
            "file": path.relative_to(out).as_posix(),
            "total_tokens": inp + output,
            "input_tokens": inp,
            "cached_input_tokens": cached,
            "output_tokens": output,
            "reasoning_output_tokens": reasoning,
            "bytes": size,
            "lines": lines,
            "token_count_lines": tc_lines,
            "first_timestamp": fmt_ts(res.start_ms),
            "last_timestamp": fmt_ts(last_ms),
            "model": s.model,
            "archived": s.archived,
            "big": s.big,
            "bengalfox": s.bengalfox,
        }
        total_bytes += size
        total_lines += lines
        total_tc += tc_lines
        if not s.big:
            regular_bytes += size
    elapsed = time.perf_counter() - started

    expected = {
        "schema": 1,
        "generator": "bench/make_corpus.py",
        "params": {
            "sessions": args.sessions,
            "size_mb": args.size_mb,
            "seed": args.seed,
            "days": args.days,
            "big_file_mb": args.big_file_mb,
            "now": args.now,
            "shift_ms": shift,
        },
        "corpus": {
            "bytes": total_bytes,
            "bytes_without_big_file": regular_bytes,
            "files": len(sessions),
            "archived_files": sum(1 for s in specs if s.archived),
            "lines": total_lines,
            "token_count_lines": total_tc,
            "newest_timestamp": fmt_ts(newest + shift),
        },
        "totals": {
            k: sum(v[k] for v in sessions.values())
            for k in (
                "total_tokens",
                "input_tokens",
                "cached_input_tokens",
                "output_tokens",
                "reasoning_output_tokens",
            )
        },
        "sessions": sessions,
    }
    with open(out / "expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(
        f"wrote {len(sessions)} sessions, {total_bytes / MB:.1f} MB, {total_lines} lines "
        f"to {out} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
