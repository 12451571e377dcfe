"""How long does the seven-day history scan take (the pace, shares and notes are made of it)?

Usage::

    uv run python bench/history_scan.py [--days 30] [--runs 10] [--rebuild] [--json]

Builds (once, then reuses) the big corpus of ``bench/make_corpus.py`` (300 sessions, about
400 MB) ending now, spread over ``--days`` days of date folders: 30 (the generator's default,
a month of use, of which the last week is read) or 7 (a stress case: every file and all
400 MB within the history's span). Each run starts a fresh ``HistoryReader`` in this process
and times its first refresh (walking the homes included), then an idle refresh (nothing
changed). Target: the first refresh in 0.5 s or less (median) on the big corpus.

The corpus's timestamps are fixed when it is built; rebuild it (``--rebuild``) when it is
more than a day old, or part of it falls out of the seven days.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402

from codex_presence_gui.core.discovery import discover  # noqa: E402
from codex_presence_gui.core.history import HistoryReader  # noqa: E402

TARGET_S = 0.5


def build_home(home: Path, days: int, rebuild: bool) -> None:
    """Create the corpus unless it exists."""
    if rebuild or not (home / "expected.json").exists():
        make_corpus.main([str(home), "--days", str(days), "--now", "--force"])


def measure(home: Path, runs: int) -> dict[str, object]:
    firsts, idles = [], []
    history = None
    for _ in range(runs):
        reader = HistoryReader()
        started = time.perf_counter()
        history = reader.refresh(discover([home]).files)
        firsts.append(time.perf_counter() - started)
        # The cycle collector pauses during a scan and catches up afterwards, once; that is
        # the scan's cost, not an idle refresh's.
        gc.collect()
        started = time.perf_counter()
        reader.refresh()
        idles.append(time.perf_counter() - started)
    assert history is not None
    since = time.time() - 7 * 86400
    sizes = [p.stat() for p in home.rglob("rollout-*.jsonl")]
    return {
        "home": str(home),
        "corpus_mb": round(sum(s.st_size for s in sizes) / 2**20, 1),
        "span_mb": round(sum(s.st_size for s in sizes if s.st_mtime >= since) / 2**20, 1),
        "files_in_span": history.files,
        "readings": len(history.readings),
        "usage_events": len(history.usage),
        "runs": runs,
        "first_refresh_s_median": round(statistics.median(firsts), 4),
        "first_refresh_s_min": round(min(firsts), 4),
        "first_refresh_s_max": round(max(firsts), 4),
        "idle_refresh_ms_median": round(statistics.median(idles) * 1000, 3),
        "target_s": TARGET_S,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30, help="days the corpus spans (30)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="build the corpus afresh")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    home = ROOT / "bench" / ".work" / f"history-{args.days}d"
    build_home(home, args.days, args.rebuild)
    result = measure(home, args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"corpus {result['corpus_mb']} MiB; in the last 7 days {result['files_in_span']} "
            f"files ({result['span_mb']} MiB): "
            f"{result['readings']} readings, {result['usage_events']} usage events\n"
            f"first refresh: median {result['first_refresh_s_median']} s "
            f"(min {result['first_refresh_s_min']}, max {result['first_refresh_s_max']}; "
            f"target {TARGET_S} s) · idle refresh: {result['idle_refresh_ms_median']} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
