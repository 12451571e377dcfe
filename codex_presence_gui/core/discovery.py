"""Find Codex homes and their rollout files (``sessions/**``, ``archived_sessions/``, ``.zst``)."""

from __future__ import annotations

import os
import stat as stat_module
from pathlib import Path

from codex_presence_gui.core.records import NamedTuple

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from codex_presence_gui.core.problems import Problem

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


class FileStat(NamedTuple):
    """The parts of ``os.stat`` that detect appends, truncation and replacement."""

    dev: int
    ino: int
    size: int
    mtime: float
    #: The status change time: every write and every replacement moves it, and ``os.utime``
    #: cannot set it back, so a rewrite of the same size and mtime still shows (0: unknown).
    ctime: float = 0.0

    @classmethod
    def of(cls, path: Path) -> FileStat:
        """Stat ``path``; raises ``OSError`` as ``os.stat`` does."""
        return cls.from_stat(os.stat(path))

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileStat:
        """The parts of an ``os.stat_result``."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime, st.st_ctime)


class RolloutFile(NamedTuple):
    """One rollout file found on disk."""

    path: Path
    stat: FileStat
    home: Path
    archived: bool


class Discovery:
    """What a walk of the homes found."""

    # A plain class: a repeat ``report`` walks the homes without importing dataclasses.
    __slots__ = ("errors", "files", "missing_homes")

    def __init__(
        self,
        files: list[RolloutFile] | None = None,
        missing_homes: list[Path] | None = None,
        errors: list[Problem] | None = None,
    ) -> None:
        self.files: list[RolloutFile] = [] if files is None else files
        self.missing_homes: list[Path] = [] if missing_homes is None else missing_homes
        self.errors: list[Problem] = [] if errors is None else errors

    def __repr__(self) -> str:
        return (
            f"Discovery(files={self.files!r}, missing_homes={self.missing_homes!r}, "
            f"errors={self.errors!r})"
        )


def _problem(kind: str, detail: str, path: Path) -> Problem:
    """A problem met on the walk (imported here: a walk that meets none never needs them)."""
    from codex_presence_gui.core.problems import Problem, ProblemKind

    return Problem(ProblemKind(kind), detail, path)


def _is_rollout(name: str) -> bool:
    return name.startswith(_PREFIX) and (name.endswith(_PLAIN) or name.endswith(_COMPRESSED))


def _walk(
    directory: Path,
    recursive: bool,
    errors: list[Problem],
    seen: set[tuple[int, int]] | None = None,
) -> Iterator[tuple[str, os.stat_result]]:
    """The rollout files below ``directory`` (their paths as text, and stats); folders reached
    through symbolic links are followed (a ``sessions/2026`` moved to another disk), each real
    folder once (no loops)."""
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
            _problem("unreadable", f"cannot list {directory}: {error.strerror or error}", directory)
        )
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=True):
                if recursive:
                    yield from _walk(Path(entry.path), recursive, errors, seen)
                continue
            if not _is_rollout(entry.name):
                continue
            st = entry.stat()
        except OSError as error:
            errors.append(
                _problem(
                    "unreadable",
                    f"cannot read {entry.path}: {error.strerror or error}",
                    Path(entry.path),
                )
            )
            continue
        if not stat_module.S_ISREG(st.st_mode):
            # A FIFO would block the first read for ever; a device or socket is no log.
            errors.append(
                _problem(
                    "not_a_file", f"skipped {entry.path}: not a regular file", Path(entry.path)
                )
            )
            continue
        yield entry.path, st


def discover(homes: Sequence[Path], *, include_archived: bool = True) -> Discovery:
    """Walk every home; a plain ``.jsonl`` hides a ``.jsonl.zst`` of the same name."""
    found = Discovery()
    for home in homes:
        try:
            exists = home.is_dir()
        except OSError as error:  # e.g. a name too long, or a folder we may not enter
            found.errors.append(
                _problem(
                    "unreadable",
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
            for path, st in _walk(directory, recursive, found.errors):
                key = path.removesuffix(".zst")  # the plain name in the same folder
                existing = by_name.get(key)
                if existing is not None and existing.path.name.endswith(_PLAIN):
                    continue  # the plain file wins over its compressed twin
                by_name[key] = RolloutFile(Path(path), FileStat.from_stat(st), home, archived)
            found.files.extend(by_name.values())
    found.files.sort(key=lambda f: f.stat.mtime, reverse=True)
    return found
