"""Find Codex homes and their rollout files (``sessions/**``, ``archived_sessions/``, ``.zst``)."""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.core.tail import FileStat

SESSIONS_DIR = "sessions"
ARCHIVED_DIR = "archived_sessions"
_PREFIX = "rollout-"
_PLAIN = ".jsonl"
_COMPRESSED = ".jsonl.zst"


def default_codex_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$CODEX_HOME``, else ``~/.codex`` (Codex does not follow XDG)."""
    env = os.environ if environ is None else environ
    value = env.get("CODEX_HOME", "").strip()
    return Path(value).expanduser() if value else Path.home() / ".codex"


def no_home_message(homes: Sequence[Path]) -> str:
    """What a command says when none of the homes exists: where it looked, what to do."""
    where = ", ".join(str(home) for home in homes)
    return (
        f"No Codex home found (looked in {where}). Run Codex once, set CODEX_HOME, "
        "or pass --codex-home DIR."
    )


def resolve_codex_homes(
    cli_homes: Sequence[str | Path] = (),
    settings_homes: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[Path, ...]:
    """The homes to read: the command line wins, then settings, then ``$CODEX_HOME``/``~/.codex``.

    Duplicates (after resolving ``~``) are dropped, order is kept.
    """
    chosen = cli_homes or settings_homes
    homes = [Path(home).expanduser() for home in chosen] or [default_codex_home(environ)]
    unique: list[Path] = []
    for home in homes:
        if home not in unique:
            unique.append(home)
    return tuple(unique)


class RolloutFile(NamedTuple):
    """One rollout file found on disk."""

    path: Path
    stat: FileStat
    home: Path
    archived: bool


@dataclass(slots=True)
class Discovery:
    """What a walk of the homes found."""

    files: list[RolloutFile] = field(default_factory=list)
    missing_homes: list[Path] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def _is_rollout(name: str) -> bool:
    return name.startswith(_PREFIX) and (name.endswith(_PLAIN) or name.endswith(_COMPRESSED))


def _walk(
    directory: Path,
    recursive: bool,
    errors: list[Problem],
    seen: set[tuple[int, int]] | None = None,
) -> Iterable[tuple[Path, FileStat]]:
    """The rollout files below ``directory``; folders reached through symbolic links are
    followed (a ``sessions/2026`` moved to another disk), each real folder once (no loops)."""
    seen = set() if seen is None else seen
    try:
        here = os.stat(directory)
    except OSError:
        return  # gone, or never there: the home itself is checked by the caller
    if (here.st_dev, here.st_ino) in seen:
        return
    seen.add((here.st_dev, here.st_ino))
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return
    except OSError as error:
        errors.append(
            Problem(
                ProblemKind.UNREADABLE,
                f"cannot list {directory}: {error.strerror or error}",
                directory,
            )
        )
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=True):
                if recursive:
                    yield from _walk(directory / entry.name, recursive, errors, seen)
                continue
            if not _is_rollout(entry.name):
                continue
            st = entry.stat()
        except OSError as error:
            errors.append(
                Problem(
                    ProblemKind.UNREADABLE,
                    f"cannot read {entry.path}: {error.strerror or error}",
                    Path(entry.path),
                )
            )
            continue
        if not stat_module.S_ISREG(st.st_mode):
            # A FIFO would block the first read for ever; a device or socket is no log.
            errors.append(
                Problem(
                    ProblemKind.NOT_A_FILE,
                    f"skipped {entry.path}: not a regular file",
                    Path(entry.path),
                )
            )
            continue
        # Joined to the folder's path: cheaper than parsing the entry's whole path again.
        yield directory / entry.name, FileStat.from_stat(st)


def discover(homes: Sequence[Path], *, include_archived: bool = True) -> Discovery:
    """Walk every home; a plain ``.jsonl`` hides a ``.jsonl.zst`` of the same name."""
    found = Discovery()
    for home in homes:
        try:
            exists = home.is_dir()
        except OSError as error:  # e.g. a name too long, or a folder we may not enter
            found.errors.append(
                Problem(
                    ProblemKind.UNREADABLE,
                    f"cannot open the Codex home {home}: {error.strerror or error}",
                    home,
                )
            )
            exists = False
        if not exists:
            found.missing_homes.append(home)
            continue
        places = [(home / SESSIONS_DIR, True, False)]
        if include_archived:
            places.append((home / ARCHIVED_DIR, False, True))
        for directory, recursive, archived in places:
            by_name: dict[str, RolloutFile] = {}
            for path, stat in _walk(directory, recursive, found.errors):
                key = str(path).removesuffix(".zst")
                existing = by_name.get(key)
                if existing is not None and existing.path.name.endswith(_PLAIN):
                    continue  # the plain file wins over its compressed twin
                by_name[key] = RolloutFile(path, stat, home, archived)
            found.files.extend(by_name.values())
    found.files.sort(key=lambda f: f.stat.mtime, reverse=True)
    return found
