"""The README says what the app says, in the app's words."""

from __future__ import annotations

import re
from pathlib import Path

from codex_presence_gui.core.formatting import format_duration

README = Path(__file__).resolve().parents[2] / "README.md"


def test_durations_in_seconds_are_written_as_the_app_writes_them() -> None:
    """The app writes "4s" (``format_duration``); the README's Discord prose had said "5 s"
    and "4 s, then 8 s" beside the status bar's "retrying in 8s"."""
    text = README.read_text(encoding="utf-8")
    spaced = re.findall(r"\b\d+ s\b", text)
    assert spaced == []
    for seconds in re.findall(r"\b(\d+)s\b", text):
        assert format_duration(int(seconds)) == f"{seconds}s"
