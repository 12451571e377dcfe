"""``report daily --json`` against ccusage's native binary: first build, repeat, after an append.

Usage::

    uv run python bench/usage_report.py [CORPUS] [--runs 5] [--ccusage PATH] [--append-mb 1]
                                        [--json]

CORPUS (default ``bench/corpus/590mb``, from ``bench/make_corpus.py ... --sessions 200
--size-mb 590``) is only read; the append step works on a copy in a temporary folder. Steps,
each timed ``--runs`` times after one untimed warm-up (the page cache is warmed first, and
Python may write its bytecode caches in the warm-up):

a. ``ccusage codex daily --offline --json`` (the native binary run directly, ``CODEX_HOME``
   set, an empty ``HOME``), alternating with our first build: ``<this python> -m
   codex_presence_gui report daily --json --codex-home CORPUS`` with
   ``CODEX_PRESENCE_BASE_DIR`` a new empty folder each time (the index is built from nothing);
b. our repeat with nothing new (the index of the last first build; it prints the report kept
   from the run before, ``report-cache/``), and, for comparison only, the same repeat with
   the kept reports removed before each run (the index's own path: updated, then summed);
c. our repeat after ``--append-mb`` MB of new turns (turn context, readings, reasoning, tool
   calls and outputs, answers, ``token_count`` lines going on from the file's running total)
   is appended to one file (the newest) of the copy, fresh bytes before each run;
d. peak memory: ``ru_maxrss`` of each command's own process (``os.wait4`` on it), and, in one
   more run of each step, the proportional set size of the command and all its child
   processes (our first build reads in a pool of worker processes) sampled every 20 ms from
   ``/proc`` (Linux only).

Targets (issue 13): the first build at most ccusage's time; a repeat with nothing new at least
8x faster (given against our first build and against ccusage); after the append at most 2x the
repeat; peak memory at most 150 MB. The daily rows of the first build are also checked against
ccusage's: total, cached and output tokens equal, cost within 0.5 %. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.many_sessions import cpu_model  # noqa: E402
from tests.helpers import rollout as r  # noqa: E402

DEFAULT_CORPUS = ROOT / "bench" / "corpus" / "590mb"
CCUSAGE_DIR = Path(
    os.environ.get("CODEX_PRESENCE_CCUSAGE_DIR")
    or Path.home() / ".cache" / "codex-presence-ci" / "ccusage"
)
DEFAULT_CCUSAGE = (
    CCUSAGE_DIR / "node_modules" / "@ccusage" / "ccusage-linux-x64" / "bin" / "ccusage"
)
TARGET_REPEAT_SPEEDUP = 8.0
TARGET_APPEND_RATIO = 2.0
TARGET_PEAK_MB = 150.0
SAMPLE_S = 0.02
MB = 1e6


@dataclass
class Run:
    wall_s: float
    rss_mb: float  # the command's own process (ru_maxrss)
    tree_mb: float | None = None  # sampled PSS of the process and its children
    stdout: bytes = b""


@dataclass
class Step:
    name: str
    runs: list[Run] = field(default_factory=list)
    sampled: Run | None = None

    def figures(self) -> dict[str, Any]:
        walls = [run.wall_s for run in self.runs]
        rss = [run.rss_mb for run in self.runs]
        return {
            "runs": len(walls),
            "wall_s": {
                "median": statistics.median(walls),
                "min": min(walls),
                "max": max(walls),
                "all": walls,
            },
            "peak_rss_mb": {"median": statistics.median(rss), "max": max(rss)},
            "peak_tree_pss_mb": None if self.sampled is None else self.sampled.tree_mb,
        }


# -- running a command -------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rfind(b")") + 2 :].split()
        found.setdefault(int(fields[1]), []).append(int(entry.name))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """The largest sum of PSS over a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            children = _children()
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in tree))
            self.done.wait(SAMPLE_S)


def run(argv: list[str], env: dict[str, str], *, sample: bool = False) -> Run:
    """Run a command to its end: wall time, its own peak RSS, optionally the tree's PSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        sampler = None
        if sample and sys.platform.startswith("linux"):
            sampler = TreeSampler(child.pid)
            sampler.start()
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would keep the largest child).
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        if sampler is not None:
            sampler.done.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        sys.stderr.write(stderr.decode(errors="replace"))
        raise SystemExit(f"{argv[0]} exited with {child.returncode}")
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    tree = sampler.peak_kb * 1024 / MB if sampler is not None else None
    return Run(wall, rss_kb * 1024 / MB, tree, stdout)


class Tools:
    """The two commands, with their environments."""

    def __init__(self, ccusage: Path, scratch: Path) -> None:
        self.ccusage = ccusage
        self.scratch = scratch
        empty = scratch / "ccusage-home"
        empty.mkdir()
        self.ccusage_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(empty),
            "XDG_CONFIG_HOME": str(empty / ".config"),
            "XDG_CACHE_HOME": str(empty / ".cache"),
        }
        self.our_env = dict(os.environ)
        # Bytecode as an installed app has it: the warm-up run writes what is missing.
        self.our_env.pop("PYTHONDONTWRITEBYTECODE", None)
        self._bases = 0

    def theirs(self, home: Path, *, sample: bool = False) -> Run:
        env = {**self.ccusage_env, "CODEX_HOME": str(home)}
        return run([str(self.ccusage), "codex", "daily", "--offline", "--json"], env, sample=sample)

    def new_base(self) -> Path:
        self._bases += 1
        base = self.scratch / f"base-{self._bases}"
        base.mkdir()
        return base

    def ours(self, home: Path, base: Path, *, sample: bool = False) -> Run:
        env = {**self.our_env, "CODEX_PRESENCE_BASE_DIR": str(base)}
        argv = [sys.executable, "-m", "codex_presence_gui", "report", "daily", "--json"]
        return run([*argv, "--codex-home", str(home)], env, sample=sample)


# -- the appended turns ------------------------------------------------------------------


class Appender:
    """New turns for one rollout file, going on from its last running total and time."""

    def __init__(self, path: Path, seed: int = 13) -> None:
        self.path = path
        self.rng = random.Random(seed)
        tail = _tail_lines(path)
        self.total = r.usage(0)
        self.last: dict[str, int] | None = None
        self.model = "gpt-5.3-codex"
        self.cwd = "/home/dev/proj"
        self.at = 0.0
        for line in tail:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            stamp = datetime.fromisoformat(obj["timestamp"].replace("Z", "+00:00"))
            self.at = max(self.at, stamp.timestamp())
            payload = obj.get("payload") or {}
            if obj.get("type") == "turn_context":
                self.model = payload.get("model") or self.model
                self.cwd = payload.get("cwd") or self.cwd
            info = payload.get("info") if payload.get("type") == "token_count" else None
            if info and info.get("total_token_usage"):
                self.total = dict(info["total_token_usage"])
                self.last = dict(info.get("last_token_usage") or self.total)
        self.context = (self.last or {}).get("input_tokens", 40_000) or 40_000
        self.turns = 0

    def _response(self, lines: list[str], *, answer: bool) -> None:
        rng = self.rng
        self.context = min(self.context + rng.randint(500, 4_000), 250_000)
        cached = int(self.context * rng.uniform(0.85, 0.98))
        output = rng.randint(80, 1_500)
        last = r.usage(self.context, cached, output, rng.randint(0, output // 2))
        self.total = {key: self.total[key] + last[key] for key in last}
        self.last = last
        self.at += rng.uniform(2, 20)
        lines.append(r.item(self.at, "reasoning", summary=[], encrypted_content=_blob(rng, 1_500)))
        if answer:
            lines.append(r.assistant(self.at + 0.1, _text(rng, 600)))
        else:
            call = f"call_{self.turns}_{len(lines)}"
            lines.append(r.exec_call(self.at + 0.1, call, "pytest -q tests/unit"))
            lines.append(r.call_output(self.at + 2, call, _text(rng, rng.randint(2_000, 14_000))))
        lines.append(r.token_count(self.at + 0.2, self.total, last, self._limits()))

    def _limits(self) -> dict[str, Any]:
        used = min(99.0, 20 + self.turns * 0.1)
        return r.limits(
            (used, 300, int(self.at) + 9_000), (used / 3, 10080, int(self.at) + 400_000)
        )

    def turn(self) -> list[str]:
        """One turn: its start and reading, a few tool calls, an answer, the end."""
        self.turns += 1
        self.at += self.rng.uniform(30, 300)
        lines = [
            r.event(self.at, "task_started", turn_id=f"append-{self.turns}"),
            r.turn_context(self.at + 0.01, self.model, self.cwd),
            r.event(self.at + 0.02, "user_message", message=_text(self.rng, 200), images=[]),
            r.token_count(self.at + 0.5, self.total, self.last, self._limits())
            if self.last is not None
            else r.token_count(self.at + 0.5, None, None, self._limits()),
        ]
        for _ in range(self.rng.randint(2, 6)):
            self._response(lines, answer=False)
        self._response(lines, answer=True)
        lines.append(r.event(self.at + 1, "task_complete", turn_id=f"append-{self.turns}"))
        return lines

    def append(self, size: int) -> int:
        """Append whole turns until at least ``size`` bytes were written; the bytes written."""
        data = bytearray()
        while len(data) < size:
            for line in self.turn():
                data += line.encode() + b"\n"
        with open(self.path, "ab") as handle:
            handle.write(data)
        return len(data)


def _tail_lines(path: Path, size: int = 4 << 20) -> list[bytes]:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        lines = handle.read().split(b"\n")
    return [line for line in lines[1:] if line.strip()]


def _text(rng: random.Random, size: int) -> str:
    """Words of letters, about ``size`` characters (command output, messages)."""
    return "".join(rng.choices(string.ascii_lowercase + "      ", k=size))


def _blob(rng: random.Random, size: int) -> str:
    """Encrypted reasoning: base64-like text."""
    return "gAAAAA" + "".join(rng.choices(string.ascii_letters + string.digits, k=size))


# -- the agreement of the outputs -----------------------------------------------------------


def agreement(ours: bytes, theirs: bytes) -> dict[str, Any]:
    """Per day: total, cached and output tokens equal; cost within 0.5 %."""
    our_rows = {row["key"]: row for row in json.loads(ours)["rows"]}
    their_rows = {row["date"]: row for row in json.loads(theirs)["daily"]}
    token_diffs, cost_diffs = [], []
    for day in sorted(set(our_rows) | set(their_rows)):
        our, their = our_rows.get(day), their_rows.get(day)
        if our is None or their is None:
            token_diffs.append(day)
            continue
        pairs = (
            (our["total_tokens"], their["totalTokens"]),
            (our["cached_input_tokens"], their["cacheReadTokens"]),
            (our["output_tokens"], their["outputTokens"]),
        )
        if any(a != b for a, b in pairs):
            token_diffs.append(day)
        cost, their_cost = our["cost_usd"] or 0.0, their["costUSD"]
        if abs(cost - their_cost) > max(0.005 * their_cost, 2e-6):
            cost_diffs.append(day)
    return {
        "days": len(our_rows),
        "days_with_token_differences": token_diffs,
        "days_with_cost_differences": cost_diffs,
    }


# -- the bench ------------------------------------------------------------------------------


def warm(corpus: Path) -> tuple[int, int]:
    """Read every file once (page cache); return (files, bytes)."""
    files = size = 0
    for path in corpus.rglob("*.jsonl*"):
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                size += len(chunk)
        files += 1
    return files, size


def bench(args: argparse.Namespace) -> dict[str, Any]:
    corpus = args.corpus.resolve()
    files, size = warm(corpus)
    loads = [os.getloadavg()[0]]
    scratch = Path(tempfile.mkdtemp(prefix="usage-report-bench-"))
    try:
        tools = Tools(args.ccusage, scratch)
        theirs, first = Step("ccusage codex daily --offline --json"), Step("ours: first build")
        repeat, appended = Step("ours: repeat, nothing new"), Step("ours: after the append")
        unkept = Step("ours: repeat, nothing new, no kept report")

        # (a) ccusage and our first build, alternating, after one warm-up of each.
        tools.theirs(corpus)
        base = tools.new_base()
        tools.ours(corpus, base)
        for _ in range(args.runs):
            theirs.runs.append(tools.theirs(corpus))
            base = tools.new_base()
            first.runs.append(tools.ours(corpus, base))
        loads.append(os.getloadavg()[0])
        check = agreement(first.runs[-1].stdout, theirs.runs[-1].stdout)

        # (b) the repeat with nothing new, on the index of the last first build.
        tools.ours(corpus, base)
        for _ in range(args.runs):
            repeat.runs.append(tools.ours(corpus, base))
        for _ in range(args.runs):
            shutil.rmtree(base / "cache" / "report-cache", ignore_errors=True)
            unkept.runs.append(tools.ours(corpus, base))
        loads.append(os.getloadavg()[0])

        # (c) after an append to one file of a copy.
        copy = scratch / "corpus"
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("expected.json"))
        if args.append_file is not None:
            target = copy / args.append_file.resolve().relative_to(corpus)
        else:  # the newest file: the session a user is working in
            target = max(copy.rglob("*.jsonl"), key=lambda path: (path.stat().st_mtime, str(path)))
        appender = Appender(target)
        copy_base = tools.new_base()
        tools.ours(copy, copy_base)  # its first build
        tools.ours(copy, copy_base)  # warm-up of the repeat
        appended_bytes = []
        for _ in range(args.runs):
            appended_bytes.append(appender.append(int(args.append_mb * (1 << 20))))
            appended.runs.append(tools.ours(copy, copy_base))
        loads.append(os.getloadavg()[0])
        check_append = agreement(appended.runs[-1].stdout, tools.theirs(copy).stdout)

        # (d) one more run of each step, its memory sampled over the process tree.
        theirs.sampled = tools.theirs(corpus, sample=True)
        first.sampled = tools.ours(corpus, tools.new_base(), sample=True)
        repeat.sampled = tools.ours(corpus, base, sample=True)
        appender.append(int(args.append_mb * (1 << 20)))
        appended.sampled = tools.ours(copy, copy_base, sample=True)
        loads.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    steps = {
        "ccusage": theirs.figures(),
        "first": first.figures(),
        "repeat": repeat.figures(),
        "append": appended.figures(),
        "unkept": unkept.figures(),
    }
    median = {key: value["wall_s"]["median"] for key, value in steps.items()}
    our_peaks = [
        value
        for key in ("first", "repeat", "append")
        for value in (steps[key]["peak_rss_mb"]["max"], steps[key]["peak_tree_pss_mb"])
        if value is not None
    ]
    ratios = {
        "first_over_ccusage": median["first"] / median["ccusage"],
        "first_over_repeat": median["first"] / median["repeat"],
        "ccusage_over_repeat": median["ccusage"] / median["repeat"],
        "append_over_repeat": median["append"] / median["repeat"],
        "append_over_unkept": median["append"] / median["unkept"],
    }
    return {
        "corpus": {"path": str(corpus), "files": files, "bytes": size},
        "append": {
            "file": str(target.relative_to(copy)),
            "bytes_each": appended_bytes,
            "turns": appender.turns,
        },
        "ccusage": str(args.ccusage),
        "steps": steps,
        "ratios": ratios,
        "targets": {
            "first_at_most_ccusage": median["first"] <= median["ccusage"],
            "repeat_8x_faster_than_first": ratios["first_over_repeat"] >= TARGET_REPEAT_SPEEDUP,
            "repeat_8x_faster_than_ccusage": ratios["ccusage_over_repeat"] >= TARGET_REPEAT_SPEEDUP,
            "append_at_most_2x_repeat": ratios["append_over_repeat"] <= TARGET_APPEND_RATIO,
            "peak_at_most_150_mb": max(our_peaks) <= TARGET_PEAK_MB,
        },
        "agreement": {"first_build": check, "after_append": check_append},
        "machine": {
            "cpu": cpu_model(),
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_1m": [round(load, 2) for load in loads],
        },
    }


def print_table(figures: dict[str, Any]) -> None:
    corpus = figures["corpus"]
    print(
        f"{corpus['path']}: {corpus['files']} files, {corpus['bytes'] / MB:.0f} MB; "
        f"{figures['steps']['first']['runs']} runs per step, median (min-max)"
    )
    names = {
        "ccusage": "ccusage codex daily --offline --json",
        "first": "ours, first (builds the index)",
        "repeat": "ours, repeat, nothing new",
        "append": "ours, after 1 MB appended",
        "unkept": "(repeat without the kept report)",
    }
    print(f"{'step':<38} {'wall s':>20} {'peak RSS MB':>12} {'tree PSS MB':>12}")
    for key, name in names.items():
        step = figures["steps"][key]
        wall = step["wall_s"]
        tree = step["peak_tree_pss_mb"]
        print(
            f"{name:<38} {wall['median']:>7.3f} ({wall['min']:.3f}-{wall['max']:.3f})"
            f" {step['peak_rss_mb']['max']:>12.1f} {'-' if tree is None else f'{tree:.1f}':>12}"
        )
    ratios, targets = figures["ratios"], figures["targets"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(
        f"first build / ccusage: {ratios['first_over_ccusage']:.2f}x "
        f"(target <= 1: {verdict(targets['first_at_most_ccusage'])})"
    )
    print(
        f"repeat is {ratios['first_over_repeat']:.1f}x faster than our first build "
        f"({verdict(targets['repeat_8x_faster_than_first'])}) and "
        f"{ratios['ccusage_over_repeat']:.1f}x faster than ccusage "
        f"({verdict(targets['repeat_8x_faster_than_ccusage'])}); target >= 8x"
    )
    print(
        f"after the append / repeat: {ratios['append_over_repeat']:.2f}x "
        f"(target <= 2: {verdict(targets['append_at_most_2x_repeat'])}); "
        f"against the repeat without the kept report: {ratios['append_over_unkept']:.2f}x"
    )
    print(f"peak memory <= 150 MB: {verdict(targets['peak_at_most_150_mb'])}")
    print(f"outputs: {figures['agreement']}")
    print(f"machine: {figures['machine']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ccusage", type=Path, default=DEFAULT_CCUSAGE)
    parser.add_argument("--append-mb", type=float, default=1.0)
    parser.add_argument(
        "--append-file", type=Path, default=None, help="the file of CORPUS to append to"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "sessions").is_dir():
        parser.error(f"{args.corpus} is not a Codex home (run bench/make_corpus.py first)")
    if not os.access(args.ccusage, os.X_OK):
        parser.error(f"{args.ccusage} is not an executable ccusage binary (see bench/README.md)")
    figures = bench(args)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
