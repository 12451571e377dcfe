"""The era fixtures (``tests/data/eras``): one installed in a temporary Codex home."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from codex_presence_gui.core.jsonl import parse_timestamp

ERAS = Path(__file__).parents[1] / "data" / "eras"
FIXTURES = sorted(p.name.removesuffix(".jsonl") for p in ERAS.glob("*.jsonl"))


def install_era(fixture: str, home: Path) -> tuple[Path, float, dict[str, Any]]:
    """Copy the fixture into ``home``'s sessions, dated just before its "now"; return the
    file, that "now" and the expected values."""
    expected = json.loads((ERAS / f"{fixture}.expected.json").read_text(encoding="utf-8"))
    now = parse_timestamp(expected["now"])
    assert now is not None
    folder = home / "sessions" / "2026" / "01" / "01"
    folder.mkdir(parents=True)
    target = folder / f"rollout-2026-01-01T00-00-00-{fixture}.jsonl"
    shutil.copyfile(ERAS / f"{fixture}.jsonl", target)
    os.utime(target, (now - 100, now - 100))
    return target, now, expected
