"""A file system that numbers no file (``st_ino`` 0: WebDAV and WinFsp drives, some network
shares on Windows) still has every folder of a Codex home searched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codex_presence_gui.core import discovery


def _rollout(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text('{"type":"session_meta"}\n')


@pytest.fixture
def no_inodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.stat`` as such a drive answers it: the same device, and 0 for every file."""
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        fields = list(result)
        fields[1] = 0  # st_ino
        return os.stat_result(fields)

    monkeypatch.setattr(discovery.os, "stat", stat)


@pytest.mark.usefixtures("no_inodes")
def test_every_folder_is_searched_without_inode_numbers(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    _rollout(sessions / "2026" / "05" / "04", "rollout-2026-05-04T09-00-00-a.jsonl")
    _rollout(sessions / "2026" / "05" / "05", "rollout-2026-05-05T09-00-00-b.jsonl")
    _rollout(tmp_path / "archived_sessions", "rollout-2026-05-01T09-00-00-c.jsonl")

    found = discovery.discover([tmp_path])

    assert sorted(file.path.name for file in found.files) == [
        "rollout-2026-05-01T09-00-00-c.jsonl",
        "rollout-2026-05-04T09-00-00-a.jsonl",
        "rollout-2026-05-05T09-00-00-b.jsonl",
    ]
    assert found.errors == []


@pytest.mark.usefixtures("no_inodes")
def test_a_linked_folder_is_followed_without_inode_numbers(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    _rollout(elsewhere / "05", "rollout-2026-05-04T09-00-00-a.jsonl")
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True)
    (home / "sessions" / "2026").symlink_to(elsewhere, target_is_directory=True)

    found = discovery.discover([home])

    assert [file.path.name for file in found.files] == ["rollout-2026-05-04T09-00-00-a.jsonl"]
    assert found.errors == []


@pytest.mark.usefixtures("no_inodes")
def test_a_loop_of_links_still_ends_without_inode_numbers(tmp_path: Path) -> None:
    _rollout(tmp_path / "sessions" / "2026", "rollout-2026-05-04T09-00-00-a.jsonl")
    (tmp_path / "sessions" / "2026" / "again").symlink_to(
        tmp_path / "sessions" / "2026", target_is_directory=True
    )

    found = discovery.discover([tmp_path])

    assert [file.path.name for file in found.files] == ["rollout-2026-05-04T09-00-00-a.jsonl"]
