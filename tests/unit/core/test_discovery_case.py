"""A home spelt in another case on a volume that ignores case (macOS's, by default) is read
once, as the same home given twice is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codex_presence_gui.core import discovery


def _rollout(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text('{"type":"session_meta"}\n')


def test_a_home_spelt_in_another_case_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS's volumes ignore case, and its real path keeps the case it is given:
    ``~/.codex`` and ``~/.Codex`` are one folder that ``realpath`` does not tell apart (a link
    stands in for the second spelling here, ``realpath`` made to keep it)."""
    home = tmp_path / ".codex"
    _rollout(home / "sessions" / "2026", "rollout-2026-05-04T09-00-00-a.jsonl")
    (tmp_path / ".Codex").symlink_to(home, target_is_directory=True)
    monkeypatch.setattr(discovery.os.path, "realpath", os.path.abspath)

    found = discovery.discover([home, tmp_path / ".Codex"])

    assert [file.path for file in found.files] == [
        home / "sessions" / "2026" / "rollout-2026-05-04T09-00-00-a.jsonl"
    ]
