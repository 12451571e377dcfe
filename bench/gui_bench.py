"""Benchmarks of the live window (offscreen): update latency, first-scan stalls, idle cost.

Usage::

    uv run python bench/gui_bench.py latency    [--appends 200]
    uv run python bench/gui_bench.py first-scan [--corpus bench/.work/live400] [--size-mb 400]
    uv run python bench/gui_bench.py idle       [--seconds 60] [--sessions 10] [--old-files 0]
    uv run python bench/gui_bench.py usage-build [--usage-corpus bench/corpus/590mb] [--runs 3]
    uv run python bench/gui_bench.py busy-history [--readings 33400] [--seconds 30]
    uv run python bench/gui_bench.py period-switch [--old-files 20000] [--runs 5]
    uv run python bench/gui_bench.py all

latency: ten live sessions; a ``token_count`` line is appended to one of them at random
intervals (40-160 ms) and the time until the sessions table model holds the new total is
measured (file write → watcher → worker read → queued signal → model update).

first-scan: a generated corpus whose newest sessions end now (``make_corpus.py --now``); the
app is started in a child process and reports when the window was first painted (from the
moment the child was launched), when the first dashboard and the one with the seven-day
history were shown, and the longest gap between the ticks of a 5 ms GUI timer until then
(the GUI thread's longest stall, history scan included).

usage-build: the Usage page shown, the usage feed (as the app starts it) builds its index from
nothing on a home (default: the 590 MB corpus of ``bench/usage_report.py``), in its worker
thread and in this process; the child reports the time until the built view was shown, and
the longest gap between the ticks of a 5 ms GUI timer until then (``all`` leaves it out).

busy-history: a week of history with ``--readings`` limit readings (40 sessions one after
another, a reading every few seconds) and one live session; once the history is shown, a
line with usage and limits is appended to the live session every second for ``--seconds``;
the child reports its CPU time over that span (percent of one core), the longest gap between
the ticks of a 5 ms GUI timer and how many gaps passed 100 ms, and the median and worst time
from an append to the sessions table holding it (``all`` leaves it out).

period-switch: ``--old-files`` logs of the past year and ten sessions that finished minutes
ago; the usage feed (as the app makes it: the Usage page's view built in its thread) builds
its index, then the period is switched 7 → 30 → 90 → 7 days ``--runs`` times, in this
process; each switch is timed from ``set_days`` to the new period's view delivered, and the
median and worst per period are reported.

idle: ten sessions that finished recently stay listed; the app runs for ``--seconds`` with its
default 2 s poll; the child reports its CPU time (user + system) and peak RSS. With
``--old-files N``, N logs of the past year lie beside them, and the usage feed runs too (as in
the app; its first build is done before the measure starts).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.helpers import rollout as r  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
from tests.helpers.rollout import CodexHome  # noqa: E402


def live_home(root: Path, sessions: int, *, finished: bool) -> list[Path]:
    """A Codex home with ``sessions`` sessions whose last line was written seconds ago."""
    home = CodexHome(root)
    (root / "sessions").mkdir(parents=True, exist_ok=True)
    now = time.time()
    paths = []
    for index in range(sessions):
        session_id = f"019de1a2-0000-7000-8000-{index:012d}"
        lines = [
            r.session_meta(now - 300, session_id, cwd=f"/home/dev/project-{index}"),
            r.turn_context(now - 299),
            r.exec_call(now - 20, f"call-{index}", "cargo test"),
            r.token_count(now - 10, r.usage(10_000 + index, 0, 100), None, r.limits()),
        ]
        if finished:
            lines += [r.call_output(now - 9, f"call-{index}"), r.assistant(now - 8, "done")]
        paths.append(home.write(session_id, lines, started=now - 300, mtime=now - 8))
    return paths


def _spin(app: object, predicate: object, timeout: float) -> bool:
    """Run the event loop until ``predicate()`` holds (checked every millisecond)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)
    deadline = time.perf_counter() + timeout
    result = [False]

    def check() -> None:
        if predicate():  # type: ignore[operator]
            result[0] = True
            loop.quit()
        elif time.perf_counter() >= deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return result[0]


def bench_latency(appends: int) -> dict[str, float]:
    """Median and p95 of append → model, in milliseconds."""
    from codex_presence_gui.app import application
    from codex_presence_gui.services.session_feed import SessionFeed
    from codex_presence_gui.ui.main_window import MainWindow
    from codex_presence_gui.viewmodels.session_table import SessionRole

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        paths = live_home(Path(tmp), 10, finished=False)
        window = MainWindow()
        feed = SessionFeed([Path(tmp)])
        feed.dashboard_changed.connect(window.show_dashboard)
        window.show()
        feed.start()
        model = window.model
        assert _spin(app, lambda: model.rowCount() == 10, 10)

        def total_in_model(session_id: str) -> int | None:
            for row in range(model.rowCount()):
                snapshot = model.data(model.index(row, 0), SessionRole)
                if snapshot.session_id == session_id:
                    return snapshot.session_total_tokens
            return None

        samples = []
        rng = random.Random(1)
        for step in range(appends):
            path = rng.choice(paths)
            session_id = path.stem.split("-", 6)[-1]
            total = 1_000_000 + step
            line = r.token_count(time.time(), r.usage(total, 0, 0), r.usage(step + 1, 0, 0))
            start = time.perf_counter()
            with open(path, "ab") as handle:
                handle.write(line.encode() + b"\n")
            if not _spin(app, lambda sid=session_id, t=total: total_in_model(sid) == t, 5):
                raise SystemExit(f"append {step} never reached the model")
            samples.append((time.perf_counter() - start) * 1000)
            _spin(app, lambda: False, rng.uniform(0.04, 0.16))
        feed.stop()
        window.close()
    samples.sort()
    return {
        "appends": appends,
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
        "max_ms": samples[-1],
    }


def _ticking_timer() -> tuple[QTimer, list[float]]:
    """A 5 ms GUI timer (not started) and the times it ticked at: the gaps are the stalls."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    return timer, ticks


def child_first_scan(home: str, launched: float, every_file: bool) -> None:
    """In a child process: start the app, report first paint and the longest GUI stall."""
    from PySide6.QtCore import QEvent, QObject

    from codex_presence_gui.app import application
    from codex_presence_gui.services.session_feed import SessionFeed
    from codex_presence_gui.ui.main_window import MainWindow

    app = application()
    window = MainWindow()
    painted: list[float] = []

    class PaintSpy(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
            return False

    spy = PaintSpy()
    window.installEventFilter(spy)
    timer, ticks = _ticking_timer()
    shown: list[float] = []
    # every_file: the worst case, as if all sessions were recent (each file is read).
    feed = SessionFeed([Path(home)], max_age=None) if every_file else SessionFeed([Path(home)])

    with_history: list[float] = []

    def on_dashboard(board: object) -> None:
        window.show_dashboard(board)  # type: ignore[arg-type]
        if not shown:
            shown.append(time.perf_counter())
        if not with_history and getattr(board, "insights", None) is not None:
            with_history.append(time.perf_counter())

    feed.dashboard_changed.connect(on_dashboard)
    timer.start()
    window.show()
    feed.start()
    # Until the seven-day history (read right after the first view) is shown too: the GUI
    # must stay responsive while the worker reads it.
    assert _spin(app, lambda: bool(shown) and bool(painted) and bool(with_history), 60)
    _spin(app, lambda: False, 0.2)
    feed.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    print(
        json.dumps(
            {
                "first_paint_ms": (painted[0] - launched) * 1000,
                "first_dashboard_ms": (shown[0] - ticks[0]) * 1000 if ticks else None,
                "history_shown_ms": (with_history[0] - ticks[0]) * 1000 if ticks else None,
                "longest_stall_ms": max(gaps) * 1000 if gaps else None,
                "sessions_read": feed.dashboard.sessions_read if feed.dashboard else 0,
            }
        )
    )


def bench_first_scan(corpus: Path, size_mb: int) -> dict[str, float]:
    """Run the first-scan child on a corpus whose newest sessions end now."""
    import make_corpus

    make_corpus.main([str(corpus), "--size-mb", str(size_mb), "--now", "--force"])
    results = {}
    for label, every_file in (("recent_files", False), ("every_file", True)):
        runs = []
        for _ in range(3):
            launched = time.time()
            out = subprocess.run(
                [sys.executable, __file__, "_child-first-scan", str(corpus), str(launched)]
                + (["every"] if every_file else []),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        results[label] = {
            "first_paint_ms_median": statistics.median(run["first_paint_ms"] for run in runs),
            "longest_stall_ms_max": max(run["longest_stall_ms"] for run in runs),
            "first_dashboard_ms_median": statistics.median(
                run["first_dashboard_ms"] for run in runs
            ),
            "history_shown_ms_median": statistics.median(run["history_shown_ms"] for run in runs),
            "sessions_read": runs[0]["sessions_read"],
        }
    return results


def child_usage_build(home: str, index: str) -> None:
    """In a child process: the usage feed's first build, the Usage page shown."""

    from codex_presence_gui.app import application
    from codex_presence_gui.services.usage_feed import UsageFeed
    from codex_presence_gui.ui.main_window import USAGE_PAGE, MainWindow
    from codex_presence_gui.viewmodels.usage import UsageState, UsageView, usage_view

    app = application()
    window = MainWindow()
    window.set_page(USAGE_PAGE)
    timer, ticks = _ticking_timer()
    built: list[float] = []
    states: list[str] = []

    def on_usage(view: object) -> None:
        assert isinstance(view, UsageView)
        window.show_usage(view)
        if view.state not in (UsageState.LOADING, UsageState.BUILDING):
            built.append(time.perf_counter())
            states.append(view.state.value)

    feed = UsageFeed([Path(home)], index_path=Path(index), build=usage_view)
    feed.usage_changed.connect(on_usage)
    window.show()
    timer.start()
    _spin(app, lambda: len(ticks) > 20, 5)  # the window up and idle: the clock starts here
    started = time.perf_counter()
    feed.start()
    assert _spin(app, lambda: bool(built), 300)
    _spin(app, lambda: False, 0.2)
    feed.stop(5000)
    gaps = [b - a for a, b in itertools.pairwise(t for t in ticks if t >= started)]
    print(
        json.dumps(
            {
                "built_shown_s": built[0] - started,
                "state": states[0],
                "longest_stall_ms": max(gaps) * 1000 if gaps else None,
                "stalls_over_50ms": sum(gap > 0.05 for gap in gaps),
            }
        )
    )


def bench_usage_build(corpus: Path, runs: int) -> dict[str, object]:
    """The usage feed's first build, ``runs`` times, each from an empty index."""
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "_child-usage-build",
                    str(corpus),
                    str(Path(scratch) / "usage-index.sqlite3"),
                ],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "CODEX_PRESENCE_BASE_DIR": scratch},
            ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {
        "runs": results,
        "built_shown_s_median": statistics.median(run["built_shown_s"] for run in results),
        "longest_stall_ms_max": max(run["longest_stall_ms"] for run in results),
        "longest_stall_ms_median": statistics.median(run["longest_stall_ms"] for run in results),
    }


def child_idle(home: str, seconds: float, with_usage: bool = False) -> None:
    """In a child process: run the app on a home for ``seconds``, report CPU and RSS;
    ``with_usage``: the usage feed too, wired as the app wires it (its first build done
    before the measure)."""
    from codex_presence_gui.app import application
    from codex_presence_gui.services.session_feed import SessionFeed
    from codex_presence_gui.services.usage_feed import UsageFeed
    from codex_presence_gui.ui.main_window import MainWindow
    from codex_presence_gui.viewmodels.usage import UsageState, UsageView, usage_view

    app = application()
    window = MainWindow()
    feed = SessionFeed([Path(home)])
    feed.dashboard_changed.connect(window.show_dashboard)
    built: list[UsageView] = []
    usage = UsageFeed([Path(home)], build=usage_view)

    def on_usage(view: object) -> None:
        assert isinstance(view, UsageView)
        window.show_usage(view)
        if view.state not in (UsageState.LOADING, UsageState.BUILDING):
            built.append(view)

    if with_usage:
        usage.usage_changed.connect(on_usage)
        feed.dashboard_changed.connect(usage.note_dashboard)
        usage.start()
    window.show()
    feed.start()
    assert _spin(app, lambda: window.model.rowCount() > 0, 10)
    if with_usage:
        assert _spin(app, lambda: bool(built), 300)
    _spin(app, lambda: False, 2)  # let start-up settle before measuring
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)  # no polling of our own while measuring
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    loop.exec()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    feed.stop()
    if with_usage:
        usage.stop()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "cpu_percent_of_one_core": cpu / elapsed * 100,
                "peak_rss_mb": _peak_rss_mb(after),
                "rss_at_end_mb": _rss_mb(),
                "sessions_listed": window.model.rowCount(),
            }
        )
    )


def _status_mb(field: str) -> float | None:
    """A memory field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in MB; None where
    there is none (not Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _rss_mb() -> float | None:
    """This process's resident memory now (Linux; None elsewhere)."""
    return _status_mb("VmRSS")


def _peak_rss_mb(usage: resource.struct_rusage) -> float:
    """This process's peak resident memory. Linux's ``ru_maxrss`` keeps the parent's peak
    across fork and exec (a benchmark parent that built a big corpus would show through), so
    the kernel's per-process high-water mark is read instead where there is one."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else usage.ru_maxrss / 1024


HOUR = 3600.0


def _week_limits(at: float, weekly_reset: float) -> dict[str, object]:
    """Limits as an account that works all week would read them at ``at``: a 5 h window that
    fills and resets, and a weekly one that resets at ``weekly_reset``."""
    weekly_start = weekly_reset - 7 * 24 * HOUR
    five_reset = weekly_start + (int((at - weekly_start) // (5 * HOUR)) + 1) * 5 * HOUR
    five_used = min(100.0, float(int((at - (five_reset - 5 * HOUR)) / (5 * HOUR) * 90)))
    weekly_used = min(100.0, float(int((at - weekly_start) / (7 * 24 * HOUR) * 80)))
    return r.limits((five_used, 300, int(five_reset)), (weekly_used, 10080, int(weekly_reset)))


def busy_history_home(root: Path, readings: int, sessions: int = 40) -> tuple[Path, float]:
    """A week of ``readings`` usage lines with limits over ``sessions`` past sessions, and one
    live session that the benchmark appends to: its path, and when the weekly window resets
    (a day from now)."""
    home = CodexHome(root)
    now = time.time()
    weekly_reset = now + 24 * HOUR
    start = now - 7 * 24 * HOUR + HOUR
    step = (now - 600 - start) / readings
    per_session = readings // sessions
    for number in range(sessions):
        session_id = f"019de1a2-0000-7000-8000-{number:012d}"
        first = start + number * per_session * step
        lines = [r.session_meta(first - 2, session_id), r.turn_context(first - 1)]
        total = 0
        for line in range(per_session):
            at = first + line * step
            total += 2_000
            lines.append(
                r.token_count(at, r.usage(total), r.usage(2_000), _week_limits(at, weekly_reset))
            )
        home.write(session_id, lines, started=first - 2, mtime=first + per_session * step)
    live_id = "019de1a2-0000-7000-8000-999999999999"
    live = home.write(
        live_id,
        [r.session_meta(now - 300, live_id), r.turn_context(now - 299)],
        started=now - 300,
        mtime=now - 299,
    )
    return live, weekly_reset


def child_busy_history(home: str, live: str, weekly_reset: float, seconds: float) -> None:
    """In a child process: the app on a long history while one session writes each second."""
    from codex_presence_gui.app import application
    from codex_presence_gui.services.session_feed import SessionFeed
    from codex_presence_gui.ui.main_window import MainWindow
    from codex_presence_gui.viewmodels.session_table import SessionRole

    app = application()
    window = MainWindow()
    feed = SessionFeed([Path(home)])
    boards: list[object] = []

    def on_dashboard(board: object) -> None:
        window.show_dashboard(board)  # type: ignore[arg-type]
        boards.append(board)

    feed.dashboard_changed.connect(on_dashboard)
    window.show()
    feed.start()
    assert _spin(app, lambda: any(getattr(b, "insights", None) for b in boards), 120)
    _spin(app, lambda: False, 1)
    model = window.model
    live_id = Path(live).stem.split("-", 6)[-1]

    def live_total() -> int | None:
        for row in range(model.rowCount()):
            snapshot = model.data(model.index(row, 0), SessionRole)
            if snapshot.session_id == live_id:
                return snapshot.session_total_tokens  # type: ignore[no-any-return]
        return None

    timer, ticks = _ticking_timer()
    timer.start()
    latencies = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for step in range(int(seconds)):
        moment = time.time()
        total = 10_000 * (step + 1)
        line = r.token_count(
            moment, r.usage(total), r.usage(10_000), _week_limits(moment, weekly_reset)
        )
        begun = time.perf_counter()
        with open(live, "ab") as handle:
            handle.write(line.encode() + b"\n")
        if not _spin(app, lambda t=total: live_total() == t, 10):
            raise SystemExit(f"append {step} never reached the model")
        latencies.append((time.perf_counter() - begun) * 1000)
        _spin(app, lambda: False, max(0.0, started + step + 1 - time.perf_counter()))
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    timer.stop()
    feed.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    history = next(b for b in reversed(boards) if getattr(b, "insights", None))
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_percent_of_one_core": cpu / elapsed * 100,
                "longest_stall_ms": max(gaps) * 1000,
                "stalls_over_100ms": sum(gap > 0.1 for gap in gaps),
                "append_to_model_ms_median": statistics.median(latencies),
                "append_to_model_ms_max": max(latencies),
                "history_files": history.insights.history_files,  # type: ignore[attr-defined]
            }
        )
    )


def bench_busy_history(readings: int, seconds: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        live, weekly_reset = busy_history_home(Path(tmp), readings)
        out = subprocess.run(
            [
                *(sys.executable, __file__, "_child-busy-history", tmp, str(live)),
                *(str(weekly_reset), str(seconds)),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "CODEX_PRESENCE_BASE_DIR": str(Path(tmp) / "app-base")},
        ).stdout
    return {"readings": readings, **json.loads(out.strip().splitlines()[-1])}


def old_logs(root: Path, count: int) -> None:
    """``count`` finished sessions of the past year (one every 25 minutes, from a week ago
    back), each in its day folder: what a home that has run agents for months holds."""
    home = CodexHome(root)
    week_ago = time.time() - 7 * 24 * HOUR
    for number in range(count):
        started = week_ago - number * 1500
        session_id = f"019de1a2-0000-7000-9000-{number:012d}"
        lines = [
            r.session_meta(started, session_id),
            r.turn_context(started + 1),
            r.token_count(started + 5, r.usage(1000), None, r.limits()),
        ]
        home.write(session_id, lines, started=started, mtime=started + 5)


def bench_period_switch(old_files: int, runs: int) -> dict[str, object]:
    """Time each period switch of the usage feed, from ``set_days`` to its view."""
    from PySide6.QtCore import QCoreApplication

    from codex_presence_gui.services.usage_feed import UsageFeed
    from codex_presence_gui.viewmodels.usage import UsageState, usage_view

    app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "home"
        old_logs(root, old_files)
        live_home(root, 10, finished=True)
        feed = UsageFeed([root], index_path=Path(tmp) / "index.sqlite3", build=usage_view, days=7)
        seen: list[object] = []
        feed.usage_changed.connect(seen.append)
        feed.start()
        started = time.perf_counter()
        if not _spin(app, lambda: any(v.state is UsageState.READY for v in seen), 600):  # type: ignore[attr-defined]
            raise SystemExit("the usage feed showed no numbers")
        built_s = time.perf_counter() - started
        took: dict[int, list[float]] = {7: [], 30: [], 90: []}
        for _ in range(runs):
            for days in (30, 90, 7):
                seen.clear()
                asked = time.perf_counter()
                feed.set_days(days)
                if not _spin(app, lambda d=days: any(v.days == d for v in seen), 60):  # type: ignore[attr-defined]
                    raise SystemExit(f"no view of {days} days")
                took[days].append(time.perf_counter() - asked)
                _spin(app, lambda: False, 1.5)  # the update that follows, out of the timing
        feed.stop(5000)
    return {
        "old_files": old_files,
        "first_build_s": round(built_s, 2),
        **{
            f"switch_to_{days}_ms": {
                "median": round(statistics.median(values) * 1000, 1),
                "max": round(max(values) * 1000, 1),
            }
            for days, values in took.items()
        },
    }


def bench_idle(seconds: float, sessions: int, old_files: int = 0) -> dict[str, float]:
    """Idle over ``seconds`` with ``sessions`` finished recently; with ``old_files``, that many
    old logs beside them and the usage feed running too (as in the app)."""
    with tempfile.TemporaryDirectory() as tmp:
        live_home(Path(tmp), sessions, finished=True)
        if old_files:
            old_logs(Path(tmp), old_files)
        out = subprocess.run(
            [sys.executable, __file__, "_child-idle", tmp, str(seconds)]
            + (["usage"] if old_files else []),
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "CODEX_PRESENCE_BASE_DIR": str(Path(tmp) / "app-base")},
        ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        choices=[
            *("latency", "first-scan", "idle", "usage-build", "busy-history", "period-switch"),
            "all",
            *("_child-first-scan", "_child-idle", "_child-usage-build", "_child-busy-history"),
        ],
    )
    parser.add_argument("args", nargs="*")
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / ".work" / "live400")
    parser.add_argument("--size-mb", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--usage-corpus", type=Path, default=ROOT / "bench" / "corpus" / "590mb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--readings", type=int, default=33_400)
    parser.add_argument("--old-files", type=int, default=0)
    options = parser.parse_args()
    if options.what == "_child-first-scan":
        child_first_scan(options.args[0], float(options.args[1]), len(options.args) > 2)
        return
    if options.what == "_child-idle":
        child_idle(options.args[0], float(options.args[1]), len(options.args) > 2)
        return
    if options.what == "_child-busy-history":
        child_busy_history(
            options.args[0], options.args[1], float(options.args[2]), float(options.args[3])
        )
        return
    if options.what == "_child-usage-build":
        child_usage_build(options.args[0], options.args[1])
        return
    results: dict[str, object] = {}
    if options.what in ("latency", "all"):
        results["latency"] = bench_latency(options.appends)
    if options.what in ("first-scan", "all"):
        results["first_scan"] = bench_first_scan(options.corpus, options.size_mb)
    if options.what in ("idle", "all"):
        results["idle"] = bench_idle(options.seconds, options.sessions, options.old_files)
    if options.what == "usage-build":
        results["usage_build"] = bench_usage_build(options.usage_corpus, options.runs)
    if options.what == "period-switch":
        old_files = options.old_files if "--old-files" in sys.argv else 20_000
        runs = options.runs if "--runs" in sys.argv else 5
        results["period_switch"] = bench_period_switch(old_files, runs)
    if options.what == "busy-history":
        seconds = options.seconds if "--seconds" in sys.argv else 30
        results["busy_history"] = bench_busy_history(options.readings, seconds)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
