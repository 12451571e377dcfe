"""Write a small, lifelike Codex home whose sessions are live now (for README screenshots).

Usage::

    uv run python bench/demo_home.py DIR
    uv run codex-presence-gui screenshot resources/screenshot-full.png --codex-home DIR
    uv run codex-presence-gui screenshot resources/screenshot-compact.png --compact --codex-home DIR
"""

from __future__ import annotations

import json
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
            (float(used), 300, five_hour[0] + 5 * 3600), (float(week), 10080, weekly[0])
        )

    lines = [r.token_count(started, None, None, reading(started))]
    count = max(int((until - started) // step), 1)
    known = reading(started)
    for k in range(1, count + 1):
        at = started + k * step
        usage = r.usage(*(int(t * k / count) for t in total))
        lines.append(r.token_count(at, usage, None, known))
        known = reading(at + 1)
        lines.append(r.token_count(at + 1, usage, None, known))
    return lines


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
    print(json.dumps({"home": str(root), "sessions": len(sessions)}))


if __name__ == "__main__":
    write_demo(Path(sys.argv[1]))
