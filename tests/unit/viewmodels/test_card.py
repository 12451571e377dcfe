"""The session card as data: a name from the log never takes over the card."""

from __future__ import annotations

from pathlib import Path

from codex_presence_gui.core.models import CodexSessionSnapshot
from codex_presence_gui.viewmodels.card import DETAIL_NAME_CHARS, card_view


def test_a_huge_model_name_is_cut_in_its_middle() -> None:
    model = "gpt-" + "x" * 10_000 + "-end"
    snapshot = CodexSessionSnapshot(
        session_id="s", file=Path("s.jsonl"), cwd="/p", project="p", model=model
    )
    details = card_view(snapshot).details
    name = details.split(" · ")[0]
    assert len(name) == DETAIL_NAME_CHARS
    assert name.startswith("gpt-x")
    assert name.endswith("x-end")
    assert "…" in name
    short = card_view(
        CodexSessionSnapshot(session_id="s", file=Path("s"), cwd="/p", project="p", model="o3")
    )
    assert short.details.startswith("o3 · ")
