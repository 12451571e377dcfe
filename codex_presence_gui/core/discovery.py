"""Find Codex homes and their rollout files (``sessions/**``, ``archived_sessions/``, ``.zst``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

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
    errors: list[str] = field(default_factory=list)


def _is_rollout(name: str) -> bool:
    return name.startswith(_PREFIX) and (name.endswith(_PLAIN) or name.endswith(_COMPRESSED))


def _walk(directory: Path, recursive: bool, errors: list[str]) -> Iterable[tuple[Path, FileStat]]:
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return
    except OSError as error:
        errors.append(f"cannot list {directory}: {error.strerror or error}")
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    yield from _walk(Path(entry.path), recursive, errors)
                continue
            if not _is_rollout(entry.name):
                continue
            st = entry.stat()
        except OSError as error:
            errors.append(f"cannot read {entry.path}: {error.strerror or error}")
            continue
        yield Path(entry.path), FileStat(st.st_dev, st.st_ino, st.st_size, st.st_mtime)


def discover(homes: Sequence[Path], *, include_archived: bool = True) -> Discovery:
    """Walk every home; a plain ``.jsonl`` hides a ``.jsonl.zst`` of the same name."""
    found = Discovery()
    for home in homes:
        try:
            exists = home.is_dir()
        except OSError as error:  # e.g. a name too long, or a folder we may not enter
            found.errors.append(f"cannot open the Codex home {home}: {error.strerror or error}")
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
                plain_name = path.name.removesuffix(".zst")
                key = str(path.parent / plain_name)
                existing = by_name.get(key)
                if existing is not None and existing.path.name.endswith(_PLAIN):
                    continue  # the plain file wins over its compressed twin
                by_name[key] = RolloutFile(path, stat, home, archived)
            found.files.extend(by_name.values())
    found.files.sort(key=lambda f: f.stat.mtime, reverse=True)
    return found
