"""Time the session feed's polls with many Codex folders: the whole poll, and the part of it
that brings the file watcher's list up to date.

    uv run python bench/watch_sync.py [--homes 64] [--polls 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from codex_presence_gui.services.session_feed import FeedWorker
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--homes", type=int, default=64)
    parser.add_argument("--polls", type=int, default=200)
    args = parser.parse_args()
    QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as folder:
        homes = []
        now = time.time()
        for n in range(args.homes):
            home = CodexHome(Path(folder) / f"home{n:02d}")
            sid = f"019de1a2-0000-7000-8000-{n:012x}"
            lines = [
                r.session_meta(now - 30, sid),
                r.turn_context(now - 29),
                r.token_count(now - 1, r.usage(1000, 0, 0), None, r.limits()),
            ]
            home.write(sid, lines, started=now)
            homes.append(home.root)
        worker = FeedWorker(homes, poll_interval_ms=3_600_000)
        worker.work()  # the first read, in this thread
        assert worker._poll is not None
        worker._poll.stop()
        syncing: list[float] = []
        sync = worker._sync_watches

        def timed_sync(now: float, *, discovered: bool) -> None:
            started = time.perf_counter()
            sync(now, discovered=discovered)
            syncing.append(time.perf_counter() - started)

        worker._sync_watches = timed_sync  # type: ignore[method-assign]
        polls: list[float] = []
        for _ in range(args.polls):
            started = time.perf_counter()
            worker._poll_tick()
            polls.append(time.perf_counter() - started)
        worker.cleanup()

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1000:.2f} ms, "
            f"mean {statistics.fmean(values) * 1000:.2f} ms"
        )

    print(f"{args.homes} homes, {args.polls} polls (every 5th walks the homes)")
    print(f"  whole poll:          {ms(polls)}")
    print(f"  watch list brought up to date: {ms(syncing)}")


if __name__ == "__main__":
    main()
