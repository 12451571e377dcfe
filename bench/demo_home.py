"""Write a small, lifelike Codex home whose sessions are live now, with three months of earlier
sessions behind them (for README screenshots; the Usage page's 90 days).

Usage::

    uv run python bench/demo_home.py DIR
    uv run codex-presence-gui screenshot resources/screenshot-full.png --codex-home DIR
    uv run codex-presence-gui screenshot resources/screenshot-compact.png --compact --codex-home DIR
    uv run codex-presence-gui screenshot resources/screenshot-usage.png --tab usage \
        --size 860x720 --codex-home DIR
    uv run codex-presence-gui screenshot usage-90.png --tab usage --usage-days 90 \
        --codex-home DIR
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome


def _history(
    now: float,
    started: float,
    until: float,
    total: tuple[int, ...],
    five_hour: tuple[float, float],
    weekly: tuple[float, float],
    step: float,
) -> list[str]:
    """The session's earlier turns as Codex logs them: each response's usage (with the limits
    known before it), then the next request's reading a second later. Usage grows evenly to
    ``total``; the account's use of each window rises evenly from the window's start to now
    (what the pace and the shares are made of)."""

    def reading(at: float) -> dict[str, object]:
        progress = (at - five_hour[0]) / (now - five_hour[0])
        used = round(five_hour[1] * progress)
        week = round(weekly[1] - 6 + 6 * progress)
        return r.limits(
            (float(used), 300, int(five_hour[0] + 5 * 3600)), (float(week), 10080, int(weekly[0]))
        )

    lines = [r.token_count(started, None, None, reading(started))]
    count = max(int((until - started) // step), 1)
    known = reading(started)
    before = (0,) * len(total)
    for k in range(1, count + 1):
        at = started + k * step
        sums = tuple(int(t * k / count) for t in total)
        # The response's own tokens are what the total grew by (the usage view adds these).
        usage, last = r.usage(*sums), r.usage(*(s - b for s, b in zip(sums, before, strict=True)))
        before = sums
        lines.append(r.token_count(at, usage, last, known))
        known = reading(at + 1)
        lines.append(r.token_count(at + 1, usage, last, known))
    return lines


#: The earlier sessions' folders and models, the more used first.
PAST_PROJECTS = (
    "/home/dev/shop",
    "/home/dev/api-gateway",
    "/home/dev/docs-site",
    "/home/dev/tokenizer",
    "/home/dev/infra",
)
PAST_MODELS = ("gpt-5.3-codex", "gpt-5.5", "gpt-5.4", "gpt-5.2-codex")
#: The days of earlier sessions: the Usage page's longest period, less today.
PAST_DAYS = 89
#: The last month of them, seeded apart: the 30 days' picture stays what it was before the
#: older days were written.
RECENT_PAST_DAYS = 29


def _past_sessions(home: CodexHome, now: float) -> int:
    """Sessions of the ``PAST_DAYS`` days before today (none on some days, more on workdays),
    each a run of turns whose own tokens add up to its total: what the Usage page and
    ``report`` show. Seeded, so that the same picture comes out each time (apart from the
    dates)."""
    recent = range(RECENT_PAST_DAYS, 0, -1)
    older = range(PAST_DAYS, RECENT_PAST_DAYS, -1)
    return _sessions_of(home, now, recent, random.Random(29)) + _sessions_of(
        home, now, older, random.Random(PAST_DAYS)
    )


def _sessions_of(home: CodexHome, now: float, days: range, rng: random.Random) -> int:
    """The sessions of ``days`` (how many days back), drawn from ``rng``; how many."""
    day = 86400.0
    written = 0
    for back in days:
        morning = (now // day - back) * day + 9 * 3600
        for n in range(rng.choice((0, 1, 1, 2, 2, 3))):
            session_id = f"019ab{back:03d}-0000-7000-8000-{n:012d}"
            cwd = PAST_PROJECTS[min(int(rng.expovariate(0.7)), len(PAST_PROJECTS) - 1)]
            model = PAST_MODELS[min(int(rng.expovariate(0.9)), len(PAST_MODELS) - 1)]
            at = morning + n * 3 * 3600 + rng.uniform(0, 3600)
            lines = [r.session_meta(at, session_id, cwd=cwd), r.turn_context(at + 1, model, cwd)]
            sums = [0, 0, 0, 0]
            for _turn in range(rng.randint(4, 30)):
                at += rng.uniform(40, 400)
                context = 20_000 + sums[0] // 40 + rng.randint(0, 30_000)
                own = [context, int(context * rng.uniform(0.75, 0.95)), rng.randint(300, 4000)]
                own.append(own[2] // 2)
                sums = [a + b for a, b in zip(sums, own, strict=True)]
                lines.append(r.token_count(at, r.usage(*sums), r.usage(*own)))
            home.write(session_id, lines, started=morning + n * 3 * 3600, mtime=at)
            written += 1
    return written


def write_demo(root: Path) -> None:
    """Three sessions: one editing, one running tests, one waiting; fresh limits and the
    last three hours of them."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "sessions").mkdir(parents=True)
    home = CodexHome(root)
    now = time.time()
    five_hour_reset = int(now + 2 * 3600 + 13 * 60)
    weekly_reset = int(now + 2 * 86400 + 19 * 3600)
    limits = r.limits((36.0, 300, five_hour_reset), (71.0, 10080, weekly_reset), plan_type="plus")
    sessions = [
        (
            "019ac0de-0000-7000-8000-0000000000a1",
            "/home/dev/shop",
            "feature/cart",
            "gpt-5.3-codex",
            r.item(
                now - 4,
                "custom_tool_call",
                call_id="p1",
                name="apply_patch",
                input="*** Begin Patch\n*** Update File: src/cart/checkout.py\n",
            ),
            (51234, 40960, 1180, 640),
            (26010, 24576, 402, 256),
            12,
        ),
        (
            "019ac0de-0000-7000-8000-0000000000a2",
            "/home/dev/api-gateway",
            "main",
            "gpt-5.5",
            r.exec_call(now - 9, "e1", "cargo test --workspace"),
            (184_300, 160_000, 5200, 2100),
            (41_800, 38_400, 900, 300),
            30,
        ),
        (
            "019ac0de-0000-7000-8000-0000000000a3",
            "/home/dev/docs-site",
            "main",
            "gpt-5.3-codex",
            r.assistant(now - 70, "Updated the install guide."),
            (9100, 2048, 300, 128),
            (9100, 2048, 300, 128),
            70,
        ),
    ]
    window_start = five_hour_reset - 5 * 3600
    steps = {"019ac0de-0000-7000-8000-0000000000a2": 200.0}
    for session_id, cwd, branch, model, last_line, total, last, age in sessions:
        started = window_start + 300
        history = _history(
            now,
            started,
            now - age - 40,
            tuple(t - v for t, v in zip(total, last, strict=True)),
            (window_start, 36.0),
            (weekly_reset, 71.0),
            steps.get(session_id, 420.0),
        )
        lines = [
            r.session_meta(started, session_id, cwd=cwd, branch=branch),
            r.turn_context(started + 1, model=model, cwd=cwd),
            *history,
            r.token_count(
                now - age - 20,
                r.usage(*(t - v for t, v in zip(total, last, strict=True))),
                None,
                limits,
            ),
            r.token_count(now - age, r.usage(*total), r.usage(*last), limits),
            last_line,
        ]
        home.write(session_id, lines, started=started, mtime=now - 4)
    past = _past_sessions(home, now)
    print(json.dumps({"home": str(root), "sessions": len(sessions), "earlier_sessions": past}))


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the Codex home (made anew)")
    write_demo(parser.parse_args(argv).folder)


if __name__ == "__main__":
    main()
