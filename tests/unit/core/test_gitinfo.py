"""Branch lookup from .git/HEAD, without running git."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codex_presence_gui.core.gitinfo import GitBranchCache, read_branch


def test_branch_from_head_in_a_parent_folder(tmp_path: Path) -> None:
    """A session's cwd may be a subfolder of the repository."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/feature/cart\n")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    assert read_branch(str(tmp_path / "src" / "pkg")) == "feature/cart"


def test_detached_head_and_worktree(tmp_path: Path) -> None:
    """Detached HEAD gives a short commit; a worktree's .git file points to its git dir."""
    git_dir = tmp_path / "main.git"
    git_dir.mkdir()
    (git_dir / "HEAD").write_text("3f2a9d0c5b1e7a4d8c6f2e0b9a7d5c3e1f0a2b4c\n")
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {git_dir}\n")
    assert read_branch(str(worktree)) == "3f2a9d0"
    assert read_branch(str(tmp_path / "does-not-exist")) is None


def test_cache_keeps_a_lookup_for_30_seconds(tmp_path: Path) -> None:
    """A checkout is noticed after the cache expires, not on every refresh."""
    (tmp_path / ".git").mkdir()
    head = tmp_path / ".git" / "HEAD"
    head.write_text("ref: refs/heads/main\n")
    now = [1000.0]
    cache = GitBranchCache(clock=lambda: now[0])
    assert cache.branch(str(tmp_path)) == "main"
    head.write_text("ref: refs/heads/dev\n")
    now[0] += 29
    assert cache.branch(str(tmp_path)) == "main"
    now[0] += 2
    assert cache.branch(str(tmp_path)) == "dev"


def test_a_folder_of_another_system_has_no_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session's cwd named as another system names it (a Windows home read on Linux, in
    WSL) is no folder here: not looked up from the app's own working folder, whose
    repository's branch it had been given."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/the-apps-own\n")
    monkeypatch.chdir(tmp_path)
    other = "/home/dev/my-app" if os.name == "nt" else r"C:\Users\dev\my-app"
    assert read_branch(other) is None
    assert read_branch("my-app") is None


def test_a_head_that_is_no_small_file_gives_no_branch(tmp_path: Path) -> None:
    """A log names any folder as a session's: a ``HEAD`` there that is a FIFO had held the
    feed's thread for ever, and one linked to ``/dev/zero`` had read until memory ran out."""
    from tests.helpers.special_files import unblocked

    fifo = tmp_path / "fifo"
    (fifo / ".git").mkdir(parents=True)
    os.mkfifo(fifo / ".git" / "HEAD")
    with unblocked(fifo / ".git" / "HEAD") as hung:
        assert read_branch(str(fifo)) is None
    assert not hung
    endless = tmp_path / "endless"
    (endless / ".git").mkdir(parents=True)
    (endless / ".git" / "HEAD").symlink_to("/dev/zero")
    assert read_branch(str(endless)) is None
    pointer = tmp_path / "pointer"
    pointer.mkdir()
    (pointer / ".git").write_text("gitdir: " + "x" * 1_000_000)  # a .git file, much too long
    assert read_branch(str(pointer)) is None
