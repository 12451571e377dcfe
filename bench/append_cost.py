"""Does one appended line cost the same on a 1 GB log as on a 1 MB one?

Usage::

    uv run python bench/append_cost.py [--workdir bench/.work/append] [--big-mb 1024]
                                       [--appends 60] [--json]

Builds (once, then reuses) two Codex homes with ``bench/make_corpus.py``, each with one
ordinary session and one target session file: about 1 MB in one home, ``--big-mb`` MB in
the other. For each, a
``CodexReader`` does its first refresh (timed: header plus backward scan), then ``--appends``
times a realistic ``token_count`` line is appended to the file and the reader refreshes; each
such refresh is timed on its own. The report gives the medians, the 90th percentiles and the
ratio of the medians (target: within 20 %).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402

from codex_presence_gui.core.reader import CodexReader  # noqa: E402
from tests.helpers import rollout as r  # noqa: E402


def build_home(home: Path, target_mb: int) -> Path:
    """Create the home unless it exists (one ordinary session plus one session file of about
    ``target_mb`` MB, so both homes differ only in that size); return the target file."""
    if not (home / "expected.json").exists():
        make_corpus.main(
            [
                str(home),
                "--sessions",
                "1",
                "--size-mb",
                "1",
                "--seed",
                "7",
                "--force",
                "--big-file-mb",
                str(target_mb),
            ]
        )
    files = sorted(home.rglob("rollout-*.jsonl"), key=lambda p: p.stat().st_size)
    return files[-1]


def measure(home: Path, target: Path, appends: int) -> dict[str, float]:
    """Time the first refresh and each refresh after a one-line append (microseconds)."""
    reader = CodexReader([home], max_age=None)
    start = time.perf_counter()
    reader.refresh()
    first = time.perf_counter() - start
    original_size = target.stat().st_size
    timings = []
    try:
        for index in range(appends):
            now = time.time()
            line = r.token_count(
                now,
                r.usage(10_000_000 + index * 1000, 9_000_000, 50_000 + index, 20_000),
                r.usage(26010, 24576, 402, 256),
                r.limits((23.0, 300, int(now) + 3600), (41.0, 10080, int(now) + 86400)),
            )
            with open(target, "ab") as handle:
                handle.write(line.encode() + b"\n")
            start = time.perf_counter()
            result = reader.refresh()
            timings.append(time.perf_counter() - start)
            assert any(
                s.session_total_tokens == 10_050_000 + index * 1001 for s in result.snapshots
            )
    finally:
        with open(target, "r+b") as handle:
            handle.truncate(original_size)
    timings.sort()
    return {
        "file_mb": original_size / 1024 / 1024,
        "first_refresh_ms": first * 1000,
        "append_median_us": statistics.median(timings) * 1e6,
        "append_p90_us": timings[int(len(timings) * 0.9) - 1] * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / ".work" / "append")
    parser.add_argument("--big-mb", type=int, default=1024)
    parser.add_argument("--appends", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for size in (1, args.big_mb):
        name = f"{size} MB"
        home = args.workdir / f"target-{size}mb"
        results[name] = measure(home, build_home(home, size), args.appends)
    small, big = results.values()
    ratio = big["append_median_us"] / small["append_median_us"]
    if args.json:
        print(json.dumps({"results": results, "ratio": ratio, "cpu": os.cpu_count()}, indent=2))
        return
    header = ("file", "size MB", "first refresh", "append median", "append p90")
    print("{:>10} {:>9} {:>14} {:>14} {:>11}".format(*header))
    for name, row in results.items():
        print(
            f"{name:>10} {row['file_mb']:>9.1f} {row['first_refresh_ms']:>11.1f} ms"
            f" {row['append_median_us']:>11.0f} µs {row['append_p90_us']:>8.0f} µs"
        )
    print(f"median ratio big/small: {ratio:.2f} (target ≤ 1.20)")


if __name__ == "__main__":
    main()
