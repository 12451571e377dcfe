"""The checked-out branch of a working directory, read from ``.git/HEAD`` without running git."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from codex_presence_gui.paths import read_regular

#: A branch looked up is reused for this long (a checkout changes it rarely).
CACHE_SECONDS = 30.0
#: How much of ``HEAD`` or a ``.git`` file is read: a ref or a ``gitdir:`` line is far less.
SMALL_FILE_BYTES = 4096
_MAX_PARENTS = 32


def _git_dir(start: Path) -> Path | None:
    """The ``.git`` directory of the repository containing ``start`` (worktrees included)."""
    current = start
    for _ in range(_MAX_PARENTS):
        candidate = current / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():
            # A worktree or submodule: ".git" is a file "gitdir: <path>".
            text = _small_text(candidate)
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:") :].strip())
                return target if target.is_absolute() else (current / target)
            return None
        if current.parent == current:
            return None
        current = current.parent
    return None


def _small_text(path: Path) -> str:
    """The start of a small regular file as text. A log names any folder as a session's:
    a ``HEAD`` there that is a FIFO had held the feed's thread for ever, and one linked to
    ``/dev/zero`` had read until memory ran out.

    Raises:
        OSError: it cannot be read, or is no regular file.
    """
    _info, data = read_regular(path, SMALL_FILE_BYTES)
    return data.decode("utf-8", errors="replace").strip()


def read_branch(cwd: str) -> str | None:
    """The branch checked out in ``cwd``'s repository; a short commit id when detached; None
    for a folder not named from the root here (a Windows path read on Linux, a Linux one on
    Windows)."""
    folder = Path(cwd)
    if not folder.is_absolute():
        # Looked up from this process's working folder, it had given every such session the
        # branch of the repository the app was started in.
        return None
    try:
        git_dir = _git_dir(folder)
        if git_dir is None:
            return None
        head = _small_text(git_dir / "HEAD")
    except OSError:
        return None
    if head.startswith("ref:"):
        ref = head[len("ref:") :].strip()
        return ref.removeprefix("refs/heads/") or None
    return head[:7] if len(head) >= 7 else None


class GitBranchCache:
    """``read_branch`` with a 30-second memory per directory."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._cache: dict[str, tuple[float, str | None]] = {}

    def branch(self, cwd: str) -> str | None:
        """The branch of ``cwd``, from the cache when fresh."""
        now = self._clock()
        cached = self._cache.get(cwd)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        branch = read_branch(cwd)
        self._cache[cwd] = (now, branch)
        return branch
