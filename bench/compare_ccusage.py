"""Compare codex-presence-gui with ccusage on a generated Codex home: speed and token totals.

Usage::

    uv run python bench/compare_ccusage.py CORPUS [--runs 5] [--warmup 1] [--ccusage PATH]
                                                  [--json] [--max-diffs 10]

CORPUS is a Codex home written by ``bench/make_corpus.py`` (``sessions/``,
``archived_sessions/`` and ``expected.json``).  Both tools are run ``--runs`` times after
``--warmup`` untimed runs, with the page cache warmed first, alternating between the tools:

* ours: ``python -m codex_presence_gui status --all --json --codex-home CORPUS`` from the repo
  root, with fresh XDG cache/state/data/config directories for every run (``--keep-cache``
  shares one set across runs, to time the warm-cache path instead);
* ccusage: ``ccusage codex session --offline --json`` with ``CODEX_HOME=CORPUS`` (ccusage has
  no flag for the Codex home).  The npm wrapper (the default path) starts Node.js and then the
  native binary; pass the native binary itself to leave Node's start-up out.

The report gives min/median/max wall time and peak RSS per tool, the ratio of medians, and
per-session agreement of the token totals between the tools and with ``expected.json``.
ccusage names sessions by their path below ``sessions/`` or ``archived_sessions/``; the UUID
at the end of the file name is used as the session id.  Its ``inputTokens`` excludes cached
input, so ``input = inputTokens + cacheReadTokens`` here.  Exit status: 0, or 1 when a tool
failed (or, with ``--strict``, when any totals disagree).  Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CCUSAGE = "/tmp/ccusage/node_modules/.bin/ccusage"
FIELDS = ("total", "input", "cached_input", "output", "reasoning_output")
UUID_RE = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")

Totals = dict[str, int]


@dataclass
class Run:
    seconds: float
    max_rss_kb: int
    returncode: int
    stdout: bytes
    stderr: bytes


@dataclass
class Tool:
    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    fresh_xdg: bool = False
    runs: list[Run] = field(default_factory=list)
    error: str | None = None
    sessions: dict[str, Totals] | None = None
    duplicates: int = 0


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def run_once(tool: Tool, timeout: float, scratch: Path) -> Run:
    """Run the tool once; wall time and peak RSS (its whole process tree) via wait4."""
    env = dict(tool.env)
    if tool.fresh_xdg:
        base = Path(tempfile.mkdtemp(prefix="xdg-", dir=scratch))
        for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            env[var] = str(base / var.lower())
    timed_out = threading.Event()

    def kill_group(pid: int) -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                tool.argv,
                cwd=tool.cwd,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so a timeout kills it all
            )
        except OSError as exc:
            return Run(0.0, 0, 127, b"", f"cannot start {tool.argv[0]}: {exc}".encode())
        timer = threading.Timer(timeout, kill_group, (proc.pid,))
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if timed_out.is_set():
        stderr += f"\n[compare_ccusage] killed after the {timeout:g} s timeout\n".encode()
    return Run(seconds, usage.ru_maxrss, proc.returncode, stdout, stderr)


def warm_page_cache(corpus: Path) -> int:
    """Read every file of the corpus once so that all runs see a warm page cache."""
    total = 0
    for sub in ("sessions", "archived_sessions"):
        for root, _dirs, files in os.walk(corpus / sub):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    while chunk := f.read(1 << 22):
                        total += len(chunk)
    return total


def failure_text(run: Run, limit: int = 60) -> str:
    lines = run.stderr.decode("utf-8", "replace").strip().splitlines()
    tail = lines[-limit:] if lines else ["(no stderr output)"]
    if len(lines) > limit:
        tail.insert(0, f"... ({len(lines) - limit} earlier lines)")
    return f"exit status {run.returncode}\n" + "\n".join("    " + ln for ln in tail)


# ---------------------------------------------------------------------------------------------
# Parsing the outputs
# ---------------------------------------------------------------------------------------------


def session_key(*candidates: Any) -> str | None:
    """The UUID of a session from its id, file name or path."""
    for c in candidates:
        if isinstance(c, str) and (found := UUID_RE.findall(c)):
            return found[-1]
    return None


def parse_ours(data: Any) -> tuple[dict[str, Totals], int]:
    sessions: dict[str, Totals] = {}
    dups = 0
    for s in data["sessions"]:
        key = session_key(s.get("session_id"), s.get("file")) or str(s.get("session_id"))
        tokens = s.get("tokens") or {}
        totals = {
            "total": int(s["session_total_tokens"]),
            "input": int(tokens.get("input", 0)),
            "cached_input": int(tokens.get("cached_input", 0)),
            "output": int(tokens.get("output", 0)),
            "reasoning_output": int(tokens.get("reasoning_output", 0)),
        }
        dups += key in sessions
        sessions.setdefault(key, totals)
    return sessions, dups


def parse_ccusage(data: Any) -> tuple[dict[str, Totals], int]:
    sessions: dict[str, Totals] = {}
    dups = 0
    for s in data["sessions"]:
        key = session_key(s.get("sessionId"), s.get("sessionFile")) or str(s.get("sessionId"))
        totals = {
            "total": int(s["totalTokens"]),
            "input": int(s["inputTokens"]) + int(s["cacheReadTokens"]),
            "cached_input": int(s["cacheReadTokens"]),
            "output": int(s["outputTokens"]),
            "reasoning_output": int(s["reasoningOutputTokens"]),
        }
        dups += key in sessions
        sessions.setdefault(key, totals)
    return sessions, dups


def parse_expected(data: Any) -> dict[str, Totals]:
    return {
        sid: {
            "total": e["total_tokens"],
            "input": e["input_tokens"],
            "cached_input": e["cached_input_tokens"],
            "output": e["output_tokens"],
            "reasoning_output": e["reasoning_output_tokens"],
        }
        for sid, e in data["sessions"].items()
    }


def compare(
    a_name: str, a: dict[str, Totals], b_name: str, b: dict[str, Totals], max_diffs: int
) -> dict[str, Any]:
    common = sorted(a.keys() & b.keys())
    differing = [k for k in common if a[k] != b[k]]
    return {
        "a": a_name,
        "b": b_name,
        "sessions_a": len(a),
        "sessions_b": len(b),
        "agreeing": len(common) - len(differing),
        "differing": len(differing),
        "only_in_a": len(a.keys() - b.keys()),
        "only_in_b": len(b.keys() - a.keys()),
        "examples_only_in_a": sorted(a.keys() - b.keys())[:max_diffs],
        "examples_only_in_b": sorted(b.keys() - a.keys())[:max_diffs],
        "first_differences": [
            {
                "session": k,
                a_name: a[k],
                b_name: b[k],
                "fields": [f for f in FIELDS if a[k].get(f) != b[k].get(f)],
            }
            for k in differing[:max_diffs]
        ],
    }


# ---------------------------------------------------------------------------------------------
# Facts and report
# ---------------------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {
        "cpu_model": None,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_total_kb": None,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    facts["mem_total_kb"] = int(line.split()[1])
                    break
    except OSError:
        pass
    return facts


def command_output(argv: list[str], cwd: Path | None = None) -> str | None:
    try:
        res = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def timing(tool: Tool) -> dict[str, Any] | None:
    ok = [r for r in tool.runs if r.returncode == 0]
    if not ok:
        return None
    secs = [r.seconds for r in ok]
    return {
        "runs": len(ok),
        "min_s": min(secs),
        "median_s": statistics.median(secs),
        "max_s": max(secs),
        "all_s": secs,
        "max_rss_mb": max(r.max_rss_kb for r in ok) / 1024,
    }


def print_report(report: dict[str, Any]) -> None:
    m, c = report["machine"], report["corpus"]
    print(
        f"Machine : {m['cpu_model']}, {m['logical_cpus']} logical CPUs "
        f"({m['usable_cpus']} usable), {m['mem_total_kb'] / 1048576:.1f} GiB RAM"
        if m["mem_total_kb"]
        else f"Machine : {m['cpu_model']}, {m['logical_cpus']} CPUs"
    )
    print(
        f"Corpus  : {c['path']}  {c['bytes'] / 1048576:.1f} MiB, {c['files']} files, "
        f"{c['lines'] if c['lines'] is not None else '?'} lines"
    )
    print(
        f"ccusage : {report['versions']['ccusage'] or '?'}   ours: "
        f"{report['versions']['ours'] or '?'} ({report['versions']['git'] or 'no git'})"
    )
    print(f"Runs    : {report['runs']} timed after {report['warmup']} warm-up, page cache warm")
    print()
    print(
        f"{'tool':<10} {'min s':>9} {'median s':>9} {'max s':>9} {'MiB/s':>9} {'RSS MiB':>9}"
        f"  status"
    )
    for name in ("ours", "ccusage"):
        t = report["tools"][name]
        tm = t["timing"]
        if tm:
            rate = c["bytes"] / 1048576 / tm["median_s"] if tm["median_s"] else float("inf")
            print(
                f"{name:<10} {tm['min_s']:9.3f} {tm['median_s']:9.3f} {tm['max_s']:9.3f} "
                f"{rate:9.0f} {tm['max_rss_mb']:9.0f}  {t['status']}"
            )
        else:
            print(f"{name:<10} {'-':>9} {'-':>9} {'-':>9} {'-':>9} {'-':>9}  {t['status']}")
    ratio = report["median_ratio_ours_over_ccusage"]
    if ratio is not None:
        word = "slower" if ratio > 1 else "faster"
        print(
            f"\nmedian ratio ours/ccusage: {ratio:.2f}  (ours is {max(ratio, 1 / ratio):.2f}x "
            f"{word})"
        )
    for name in ("ours", "ccusage"):
        if report["tools"][name]["error"]:
            print(f"\n{name} failed: {report['tools'][name]['error']}")
    print("\nToken totals per session (total, input, cached_input, output, reasoning_output):")
    for cmp in report["comparisons"]:
        print(
            f"  {cmp['a']:>8} vs {cmp['b']:<8}: {cmp['agreeing']} agree, {cmp['differing']} "
            f"differ, {cmp['only_in_a']} only in {cmp['a']}, {cmp['only_in_b']} only in "
            f"{cmp['b']}  ({cmp['sessions_a']} vs {cmp['sessions_b']} sessions)"
        )
        for d in cmp["first_differences"]:
            fields = ", ".join(f"{f} {d[cmp['a']][f]} vs {d[cmp['b']][f]}" for f in d["fields"])
            print(f"      {d['session']}: {fields}")
        for side in ("a", "b"):
            missing = cmp[f"examples_only_in_{side}"]
            if missing:
                print(f"      only in {cmp[side]}: {', '.join(missing)}")
    for name in ("ours", "ccusage"):
        if report["tools"][name]["duplicate_session_ids"]:
            print(
                f"  note: {name} reported {report['tools'][name]['duplicate_session_ids']} "
                "duplicate session ids (first one kept)"
            )


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="Codex home made by bench/make_corpus.py")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per tool first (1)")
    ap.add_argument(
        "--ccusage", default=None, help=f"ccusage executable (default: {DEFAULT_CCUSAGE} or PATH)"
    )
    ap.add_argument(
        "--ours-cmd",
        default=None,
        help="override our command; {home} is replaced by the corpus path",
    )
    ap.add_argument(
        "--keep-cache",
        action="store_true",
        help="share our XDG cache/state dirs across runs (time the warm-cache path)",
    )
    ap.add_argument("--skip-ours", action="store_true", help="only run ccusage")
    ap.add_argument("--skip-ccusage", action="store_true", help="only run ours")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per run (900)")
    ap.add_argument("--max-diffs", type=int, default=10, help="disagreements to list (10)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON only")
    ap.add_argument("--strict", action="store_true", help="exit 1 when any totals disagree")
    args = ap.parse_args(argv)

    corpus: Path = args.corpus.resolve()
    if not (corpus / "sessions").is_dir() and not (corpus / "archived_sessions").is_dir():
        ap.error(f"{corpus} has no sessions/ or archived_sessions/ directory")
    expected_path = corpus / "expected.json"
    expected_data = json.loads(expected_path.read_text()) if expected_path.exists() else None

    ccusage = args.ccusage or (DEFAULT_CCUSAGE if os.path.exists(DEFAULT_CCUSAGE) else None)
    ccusage = ccusage or shutil.which("ccusage")
    base_env = {k: v for k, v in os.environ.items() if k != "CODEX_HOME"}
    base_env["NO_COLOR"] = "1"
    our_argv = (
        [a.replace("{home}", str(corpus)) for a in shlex.split(args.ours_cmd)]
        if args.ours_cmd
        else [
            sys.executable,
            "-m",
            "codex_presence_gui",
            "status",
            "--all",
            "--json",
            "--codex-home",
            str(corpus),
        ]
    )
    tools: dict[str, Tool] = {
        "ours": Tool("ours", our_argv, REPO_ROOT, base_env, fresh_xdg=True),
        "ccusage": Tool(
            "ccusage",
            [ccusage or "ccusage", "codex", "session", "--offline", "--json"],
            corpus,
            {**base_env, "CODEX_HOME": str(corpus)},
        ),
    }
    active = [t for n, t in tools.items() if not getattr(args, f"skip_{n}")]
    if ccusage is None and tools["ccusage"] in active:
        tools["ccusage"].error = "ccusage not found (install it or pass --ccusage PATH)"
        active.remove(tools["ccusage"])

    with tempfile.TemporaryDirectory(prefix="compare-ccusage-") as scratch_dir:
        scratch = Path(scratch_dir)
        if args.keep_cache:
            shared = scratch / "shared-xdg"
            tools["ours"].fresh_xdg = False
            for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
                tools["ours"].env = {**tools["ours"].env, var: str(shared / var.lower())}
        corpus_bytes = warm_page_cache(corpus)
        # Warm-up, then timed runs alternating between the tools to spread out any drift.
        for tool in list(active):
            for _ in range(max(args.warmup, 0)):
                run = run_once(tool, args.timeout, scratch)
                if run.returncode != 0:  # no point in timing a failing command
                    tool.error = failure_text(run)
                    active.remove(tool)
                    break
        for _ in range(args.runs):
            for tool in active:
                run = run_once(tool, args.timeout, scratch)
                tool.runs.append(run)
                if run.returncode != 0 and tool.error is None:
                    tool.error = failure_text(run)

    parsers = {"ours": parse_ours, "ccusage": parse_ccusage}
    for name, tool in tools.items():
        good = [r for r in tool.runs if r.returncode == 0]
        if not good:
            continue
        try:
            tool.sessions, tool.duplicates = parsers[name](json.loads(good[-1].stdout))
        except (ValueError, KeyError, TypeError) as exc:
            tool.error = (
                f"could not read its JSON output: {exc!r}; first bytes: {good[-1].stdout[:300]!r}"
            )
            tool.sessions = None

    expected = parse_expected(expected_data) if expected_data else None
    comparisons = []
    if tools["ours"].sessions is not None and tools["ccusage"].sessions is not None:
        comparisons.append(
            compare(
                "ours", tools["ours"].sessions, "ccusage", tools["ccusage"].sessions, args.max_diffs
            )
        )
    if expected is not None:
        for name in ("ours", "ccusage"):
            got = tools[name].sessions
            if got is not None:
                comparisons.append(compare(name, got, "expected", expected, args.max_diffs))

    # Runs whose output could not be read are not worth timing.
    timings = {name: timing(t) if t.sessions is not None else None for name, t in tools.items()}
    ours_t, cc_t = timings["ours"], timings["ccusage"]
    corpus_info = (expected_data or {}).get("corpus", {})
    report: dict[str, Any] = {
        "schema": 1,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_facts(),
        "corpus": {
            "path": str(corpus),
            "bytes": corpus_bytes,
            "files": corpus_info.get("files", len(expected or {})),
            "lines": corpus_info.get("lines"),
            "expected_json": expected is not None,
        },
        "versions": {
            "ccusage": command_output([ccusage, "--version"]) if ccusage else None,
            "ours": _our_version(),
            "git": command_output(["git", "rev-parse", "--short", "HEAD"], REPO_ROOT),
        },
        "runs": args.runs,
        "warmup": args.warmup,
        "tools": {
            name: {
                "argv": t.argv,
                "env": {k: v for k, v in t.env.items() if k == "CODEX_HOME" or k.startswith("XDG")},
                "fresh_xdg_per_run": t.fresh_xdg,
                "status": (
                    "skipped" if getattr(args, f"skip_{name}") else "failed" if t.error else "ok"
                ),
                "error": t.error,
                "timing": timings[name],
                "sessions": len(t.sessions) if t.sessions is not None else None,
                "duplicate_session_ids": t.duplicates,
            }
            for name, t in tools.items()
        },
        "median_ratio_ours_over_ccusage": (
            ours_t["median_s"] / cc_t["median_s"] if ours_t and cc_t and cc_t["median_s"] else None
        ),
        "comparisons": comparisons,
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)

    failed = any(t.error for n, t in tools.items() if not getattr(args, f"skip_{n}"))
    disagree = any(c["differing"] or c["only_in_a"] or c["only_in_b"] for c in comparisons)
    return 1 if failed or (args.strict and disagree) else 0


def _our_version() -> str | None:
    init = REPO_ROOT / "codex_presence_gui" / "__init__.py"
    try:
        found = re.search(r'__version__\s*=\s*"([^"]+)"', init.read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found else None


if __name__ == "__main__":
    sys.exit(main())
