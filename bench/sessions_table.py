"""How long does a refresh of the live sessions table keep the GUI thread with many sessions?

Usage::

    uv run python bench/sessions_table.py [--sessions 1000 3000] [--runs 7] [--recent] [--json]

For each count, a ``SessionTableModel`` is shown in a ``SessionsTable`` (offscreen, 1100 x 700,
sorted by last activity as in the app) and filled once (timed until every row is in, and the
longest gap between the ticks of a 5 ms timer meanwhile: new rows come a batch per turn of the
event loop); then each case gets one untimed
refresh and is timed ``--runs`` times, from ``update`` until the events it posted (layout,
paint) are processed:

- idle: the same sessions again, as the feed sends them every 2 s (equal snapshots built
  afresh, the clock 2 s later, each session's shares of the 5h window as well);
- 10 changed: ten sessions wrote (tokens, activity, last activity now);
- 1 added + 1 removed: a new session, and one gone from the middle of the list.

Ages spread over six days by default (most shown ages move rarely); ``--recent`` puts every
session's last activity 3-17 s before each case starts, so that every age ("12s ago") moves
on every refresh (up to 20 runs).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from codex_presence_gui.core.dashboard import SessionShare  # noqa: E402
from codex_presence_gui.core.models import Activity, ActivityKind, CodexSessionSnapshot  # noqa: E402
from tests.helpers.snapshots import NOW, session  # noqa: E402

_KINDS = (ActivityKind.RUNNING, ActivityKind.EDITING, ActivityKind.WAITING, ActivityKind.IDLE)


def sessions(count: int, span: float) -> list[CodexSessionSnapshot]:
    """``count`` sessions of 97 projects, with ages spread over ``span`` seconds."""
    listed = []
    for index in range(count):
        kind = _KINDS[index % len(_KINDS)]
        listed.append(
            session(
                f"s{index:05d}",
                age=3 + (index * 613) % span,
                project=f"project-{index % 97}",
                git_branch=f"feature/{index % 13}",
                session_total_tokens=1000 + index * 37,
                activity=Activity(kind, None if kind is ActivityKind.IDLE else f"step {index % 7}"),
            )
        )
    return listed


def shares(listed: list[CodexSessionSnapshot]) -> dict[str, tuple[SessionShare, ...]]:
    """A share of the 5h window for every session (by its id), one the fastest."""
    return {
        s.session_id: (
            SessionShare("5h", sum(map(ord, s.session_id)) % 50 / 3, s.session_id == "s00003"),
        )
        for s in listed
    }


def bench(count: int, runs: int, span: float) -> dict[str, Any]:
    """Time the cases for ``count`` sessions; milliseconds."""
    from codex_presence_gui.app import application
    from codex_presence_gui.ui.sessions_table import SessionsTable
    from codex_presence_gui.viewmodels.session_table import SessionTableModel

    app = application()
    model = SessionTableModel()
    table = SessionsTable(model)
    table.resize(1100, 700)
    table.show()
    listed = sessions(count, span)
    active = listed[0].session_id
    clock = [NOW]
    # A 5 ms timer ticks through the fill: its longest gap is the GUI thread's longest stall
    # (new rows come a batch per turn of the event loop, each between two ticks at best).
    from PySide6.QtCore import QEventLoop, QTimer

    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start()
    loop = QEventLoop()
    waiter = QTimer()
    waiter.setInterval(1)
    waiter.timeout.connect(lambda: None if model.pending else loop.quit())
    start = time.perf_counter()
    ticks.append(start)
    model.update(listed, active, clock[0], shares(listed))
    waiter.start()
    loop.exec()
    app.processEvents()
    ticks.append(time.perf_counter())
    ticker.stop()
    waiter.stop()
    results: dict[str, Any] = {
        "first_fill_ms": (ticks[-1] - start) * 1000,
        "first_fill_longest_stall_ms": max(b - a for a, b in itertools.pairwise(ticks)) * 1000,
    }
    added = [0]

    def idle() -> None:
        pass

    def ten_changed() -> None:
        for k in range(10):
            j = (k * 97 + int(clock[0])) % len(listed)
            s = listed[j]
            listed[j] = s._replace(
                session_total_tokens=(s.session_total_tokens or 0) + 500,
                activity=Activity(ActivityKind.EDITING, f"file {clock[0]:.0f}.py"),
                last_activity_at=clock[0] - 1,
                recency=clock[0] - 1,
            )

    def add_remove() -> None:
        added[0] += 1
        listed.pop(len(listed) // 2)
        listed.append(session(f"new{added[0]}", age=NOW - clock[0] + 1, project="fresh"))

    ages = {s.session_id: NOW - (s.last_activity_at or NOW) for s in listed}
    for name, step in (("idle", idle), ("10_changed", ten_changed), ("add_remove", add_remove)):
        if span < 60:  # every age in seconds again
            listed[:] = [
                s._replace(last_activity_at=clock[0] - age, recency=clock[0] - age)
                if (age := ages.get(s.session_id)) is not None
                else s
                for s in listed
            ]
        times = []
        for run in range(-1, runs):
            clock[0] += 2
            step()
            # The feed builds every snapshot afresh: equal values, new objects.
            fresh = copy.deepcopy(listed)
            fresh_shares = shares(fresh)
            app.processEvents()
            start = time.perf_counter()
            model.update(fresh, active, clock[0], fresh_shares)
            app.processEvents()
            if run >= 0:
                times.append((time.perf_counter() - start) * 1000)
        results[name] = {"median_ms": statistics.median(times), "max_ms": max(times)}
    table.close()
    table.deleteLater()
    app.processEvents()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--recent", action="store_true", help="every session within a minute")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    span = 15 if options.recent else 6 * 86400
    results = {str(count): bench(count, options.runs, span) for count in options.sessions}
    if options.json:
        print(json.dumps({"recent": options.recent, "runs": options.runs, "results": results}))
        return
    for count, result in results.items():
        print(
            f"{count} sessions: first fill {result['first_fill_ms']:.0f} ms, the GUI thread's "
            f"longest stall in it {result['first_fill_longest_stall_ms']:.0f} ms"
        )
        for case in ("idle", "10_changed", "add_remove"):
            figures = result[case]
            print(
                f"  {case:12s} median {figures['median_ms']:7.1f} ms   "
                f"max {figures['max_ms']:7.1f} ms"
            )


if __name__ == "__main__":
    main()
