"""Which JSON parser should the reader use? Time the lines it actually decodes, and the import.

Usage::

    uv run --with msgspec python bench/json_parsers.py

The reader decodes only small, informative lines (``token_count``, ``turn_context``,
``session_meta``, tool calls); big lines are classified from their first bytes and never
decoded. So what matters is the cost per small line and the one-off import cost that every
``status`` run pays. Each figure is the median of 7 repetitions.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import rollout as r

LINES = {
    "token_count (R5, ~700 B)": r.token_count(
        r.BASE, r.usage(51234, 40960, 1180, 640), r.usage(26010, 24576, 402, 256), r.limits()
    ),
    "turn_context (~300 B)": r.turn_context(r.BASE),
    "session_meta (~16 KB)": r.session_meta(r.BASE, "019de1a2-7c3b-7f10-9a42-3b5c0f8e2d11").replace(
        "You are Codex, a coding agent.", "You are Codex. " * 1100
    ),
    "function_call (~200 B)": r.exec_call(r.BASE, "call_1", "cargo test --all"),
}


def _parsers() -> dict[str, Callable[[bytes], object]]:
    parsers: dict[str, Callable[[bytes], object]] = {"json (stdlib)": json.loads}
    try:
        import orjson

        parsers["orjson"] = orjson.loads
    except ImportError:
        pass
    try:
        import msgspec

        parsers["msgspec"] = msgspec.json.decode
    except ImportError:
        pass
    return parsers


def per_line_microseconds(parse: Callable[[bytes], object], line: bytes) -> float:
    """Median time of one decode, in microseconds."""
    repeats = max(2000, 2_000_000 // len(line))
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(repeats):
            parse(line)
        samples.append((time.perf_counter() - start) / repeats * 1e6)
    return statistics.median(samples)


def import_milliseconds(module: str) -> float:
    """Median wall time of a fresh interpreter importing ``module``, minus an empty one."""

    def run(code: str) -> float:
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    # dataclasses/enum are loaded by the reader anyway: count only what the parser adds.
    base = run("import dataclasses, enum, re, datetime, pathlib")
    return (run(f"import dataclasses, enum, re, datetime, pathlib, {module}") - base) * 1000


def main() -> None:
    parsers = _parsers()
    modules = {"json (stdlib)": "json", "orjson": "orjson", "msgspec": "msgspec.json"}
    print(f"{'line':28}" + "".join(f"{name:>16}" for name in parsers))
    for label, text in LINES.items():
        line = text.encode()
        cells = "".join(f"{per_line_microseconds(p, line):>13.2f} µs" for p in parsers.values())
        print(f"{label:28}{cells}")
    print(
        f"{'import (extra)':28}"
        + "".join(f"{import_milliseconds(modules[name]):>13.1f} ms" for name in parsers)
    )


if __name__ == "__main__":
    main()
