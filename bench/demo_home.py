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


def write_demo(root: Path) -> None:
    """Three sessions: one editing, one running tests, one waiting; fresh limits."""
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
    for session_id, cwd, branch, model, last_line, total, last, age in sessions:
        lines = [
            r.session_meta(now - 1800, session_id, cwd=cwd, branch=branch),
            r.turn_context(now - 1799, model=model, cwd=cwd),
            r.token_count(
                now - age - 20,
                r.usage(*(t - v for t, v in zip(total, last, strict=True))),
                None,
                limits,
            ),
            r.token_count(now - age, r.usage(*total), r.usage(*last), limits),
            last_line,
        ]
        home.write(session_id, lines, started=now - 1800, mtime=now - 4)
    print(json.dumps({"home": str(root), "sessions": len(sessions)}))


if __name__ == "__main__":
    write_demo(Path(sys.argv[1]))
