"""How long does a repeat ``report`` take with 100,000 small sessions, and how much memory?

Usage::

    uv run python bench/many_reports.py                      # builds the home once (~20 s)
    uv run python bench/many_reports.py --runs 5 --json
    uv run python bench/many_reports.py --sessions 2000 --kinds daily   # a quick look

Builds (once, then reuses) ``bench/.work/reports-<N>/`` (git-ignored): a Codex home with N
small rollouts (``many_sessions.build_home``: a meta line, a turn context, three responses and
a limit-only reading each) spread over ``--days`` days (90 by default, so that a daily report
has as many rows as a season of use), in 97 projects. Then, with ``CODEX_PRESENCE_BASE_DIR``
a temporary folder, one untimed ``report daily --json`` builds the usage index, and for each
of ``--kinds`` (``daily`` and ``session`` by default) and ``--formats`` (``json`` by default;
``csv`` and ``text`` too), one untimed warm-up and ``--runs`` timed runs of
``<this python> -m codex_presence_gui report KIND [--json|--csv] --codex-home HOME``: the
repeat with nothing new. Python may write its bytecode caches (as an installed app has them).

Each run's wall time is from the child's start to its end (``os.wait4``), and its memory is
the child's peak RSS (``ru_maxrss`` from ``wait4``; a repeat forks no worker). The output goes
to a file, read only after the runs (a child forked from this script would otherwise start its
``ru_maxrss`` from the script's own RSS), and its size and SHA-256 are given, so that two
versions of the code can be compared byte for byte: run the script from a ``git archive`` of
the other commit with ``--home`` pointing at the same home (the child imports the package
from the current directory first).

The target held to is the issue's 150 MB for a report (set on the 590 MB, 200-session
corpus; see ``usage_report.py``); the time is reported, not judged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.many_sessions import build_home, machine  # noqa: E402

TARGET_MB = 150.0
FORMAT_FLAGS = {"json": ["--json"], "csv": ["--csv"], "text": []}


def _home_ok(home: Path, sessions: int, days: float) -> bool:
    """The home was built whole, with these settings (its age does not matter here)."""
    try:
        built = json.loads((home / "built.json").read_text())
    except (OSError, ValueError):
        return False
    return built.get("sessions") == sessions and built.get("days") == days


def _build(home: Path, sessions: int, days: float) -> float:
    took = build_home(home, sessions, days)
    built = json.loads((home / "built.json").read_text())
    (home / "built.json").write_text(json.dumps({**built, "days": days}))
    return took


def run_once(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, float]:
    """One report in a child, its output to ``out``: wall seconds and peak RSS in MB."""
    with open(out, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        child = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            sys.stderr.write(stderr.read().decode(errors="replace"))
            raise SystemExit(f"{' '.join(argv[3:6])} exited with {status}")
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return wall, rss_kb / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=90.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", default=["daily", "session"])
    parser.add_argument("--formats", nargs="+", choices=sorted(FORMAT_FLAGS), default=["json"])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    home = (args.home or ROOT / "bench" / ".work" / f"reports-{args.sessions}").absolute()
    built_s = None
    if args.rebuild or not _home_ok(home, args.sessions, args.days):
        built_s = _build(home, args.sessions, args.days)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    results = []
    with tempfile.TemporaryDirectory(prefix="many-reports-") as scratch:
        env["CODEX_PRESENCE_BASE_DIR"] = str(Path(scratch) / "base")
        command = [sys.executable, "-m", "codex_presence_gui", "report"]
        where = ["--codex-home", str(home)]
        out = Path(scratch) / "out"
        began = time.perf_counter()
        run_once([*command, "daily", "--json", *where], env, out)  # builds the index
        index_s = time.perf_counter() - began
        for kind in args.kinds:
            for form in args.formats:
                argv_ = [*command, kind, *FORMAT_FLAGS[form], *where]
                run_once(argv_, env, out)  # warm-up: page cache, bytecode
                walls, peaks = [], []
                for _ in range(args.runs):
                    wall, peak = run_once(argv_, env, out)
                    walls.append(wall)
                    peaks.append(peak)
                data = out.read_bytes()
                results.append(
                    {
                        "kind": kind,
                        "format": form,
                        "wall_s": {
                            "median": round(statistics.median(walls), 2),
                            "min": round(min(walls), 2),
                            "max": round(max(walls), 2),
                        },
                        "peak_rss_mb": {
                            "median": round(statistics.median(peaks), 1),
                            "max": round(max(peaks), 1),
                        },
                        "within_target": max(peaks) <= TARGET_MB,
                        "output_bytes": len(data),
                        "output_sha256": hashlib.sha256(data).hexdigest(),
                    }
                )
                del data
    figures = {
        "sessions": args.sessions,
        "days": args.days,
        "home_built_s": None if built_s is None else round(built_s, 1),
        "index_built_s": round(index_s, 1),
        "runs": args.runs,
        "target_mb": TARGET_MB,
        "reports": results,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.sessions:,} sessions over {args.days:g} days; index built in "
            f"{figures['index_built_s']} s; repeats, {args.runs} runs each:"
        )
        for item in results:
            wall, peak = item["wall_s"], item["peak_rss_mb"]
            print(
                f"  report {item['kind']} --{item['format']}: median {wall['median']} s "
                f"(min {wall['min']}, max {wall['max']}) · peak RSS {peak['max']} MB "
                f"({'within' if item['within_target'] else 'over'} {TARGET_MB:g} MB) · "
                f"{item['output_bytes']:,} bytes, sha256 {item['output_sha256'][:12]}"
            )
        print(f"machine: {figures['machine']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
