"""Typed problems met while reading Codex's logs: what kind, which file, and the words for it."""

# NOTE: Qt-free, like the rest of core/.

from __future__ import annotations

import enum
import os
from dataclasses import dataclass

TYPE_CHECKING = False  # pathlib is not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path


class ProblemKind(enum.Enum):
    """What went wrong (stable names: ``status --json`` prints them)."""

    HOME_MISSING = "home_missing"  # a Codex home not there (yet), or there as no folder
    UNREADABLE = "unreadable"  # a folder or file that cannot be listed, opened or read
    NOT_A_FILE = "not_a_file"  # named like a log, but a FIFO, a device or a socket
    MALFORMED_LINES = "malformed_lines"  # lines that are not JSON of the expected shape
    LONG_LINES = "long_lines"  # lines over the size a line may have, skipped
    BAD_VALUES = "bad_values"  # numbers out of range (negative, huge, not whole), skipped
    UNFINISHED_LINE = "unfinished_line"  # a last line still being written, over the budget
    TOO_LARGE = "too_large"  # a compressed log past its cap, a folder tree past the walk,
    # Codex folders past the most read (``discovery.MAX_HOMES``)
    FUTURE_TIME = "future_time"  # lines stamped in the future, not trusted for freshness
    UNDATED_CALLS = "undated_calls"  # calls with no time of their own nor before: dated by guess


#: The kinds whose calls are counted all the same, only dated by guess (their line's time is
#: not trusted, or there is none): the Usage page says their day may be wrong, not that
#: calls may be missing.
DATING_KINDS = frozenset({ProblemKind.FUTURE_TIME, ProblemKind.UNDATED_CALLS})


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, in plain words (``detail``), with its kind and the path it is about."""

    kind: ProblemKind
    detail: str
    path: Path | None = None

    def __str__(self) -> str:
        # Details name files and folders, whose names may hold escape sequences or line
        # breaks: printed, they must neither act on a terminal nor forge another line. A
        # name's bytes that are not UTF-8 are written out (``\xe9``), as the usage index
        # keeps a problem: a first report had said "caf\ufffd" where a repeat says "caf\xe9".
        from codex_presence_gui.core.sanitize import clean_text, no_surrogates

        return clean_text(no_surrogates(self.detail))

    def to_json(self) -> dict[str, str | None]:
        """For ``status --json``: the text, the kind, and the path (see ``path_text``)."""
        return {
            "text": self.detail,
            "kind": self.kind.value,
            "path": path_text(self.path) if self.path is not None else None,
        }


def as_path(path: str | Path) -> Path:
    """``Path(path)``: a reader handed a path as text (the usage index's, which never imports
    pathlib unless it meets a problem) still gives every problem a ``Path``."""
    from pathlib import Path

    return Path(path)


def path_text(path: Path) -> str:
    """A path as text that any JSON encoder accepts: bytes that are not UTF-8 (kept by Python
    as lone surrogates) are written as ``\\xNN``, so nothing is lost and nothing fails."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


#: Names a warning may start with, which keep their capital after "warning:".
_PROPER_FIRST_WORDS = frozenset({"Codex", "Codex's", "Discord", "Discord's", "Windows", "Python"})


def warning_line(text: str) -> str:
    """``warning: text`` as a command writes it on standard error, the sentence (which the
    window says as it is) begun in lower case: "warning: could not use your settings …", as
    ``warning: only the first 64 …`` is. A name (Codex), an acronym (TZ) or a path keeps its
    first letter."""
    first = text.split(" ", 1)[0]
    # A relative path ("Work/codex/sessions, …", of ``--codex-home Work/codex``) is told by
    # its separator: lowered, it had named another folder.
    path = "/" in first or "\\" in first
    if (
        first[:1].isupper()
        and first[1:2].islower()
        and first not in _PROPER_FIRST_WORDS
        and not path
    ):
        text = text[:1].lower() + text[1:]
    return f"warning: {text}"


def homes_cap_text(
    *, short: bool = False, within: bool = False, left_out: int | None = None
) -> str:
    """ "Only the first 64 Codex folders are read": what the notice about the folders past
    ``discovery.MAX_HOMES`` says first (``too_many_homes_message``), the words the status bar
    and the Usage page say it in; ``short``: "Only 64 Codex folders read"; ``left_out``: the
    whole notice, with how many folders are not read; ``within``: for the middle of a
    sentence ("only the first 64 …"; after "warning:", ``warning_line`` lowers it)."""
    from codex_presence_gui.core.discovery import MAX_HOMES, too_many_homes_message

    if short:
        text = f"Only {MAX_HOMES} Codex folders read"
    elif left_out is not None:
        text = too_many_homes_message(left_out)
    else:
        text = too_many_homes_message(2).partition(";")[0]
    return text[:1].lower() + text[1:] if within else text


def is_homes_cap(problem: Problem | str, said: str | None = None) -> bool:
    """Whether ``problem`` (or its text, as the Usage page has it) is the notice that the
    folders past ``discovery.MAX_HOMES`` are not read: a notice about the configuration, not a
    problem met reading a log, so not counted as one. (``said``: ``homes_cap_text()``, made
    once for many.)"""
    if isinstance(problem, Problem):
        if problem.kind is not ProblemKind.TOO_LARGE or problem.path is not None:
            return False
        problem = problem.detail
    return problem.startswith(f"{said or homes_cap_text()};")


def counted_past_cap(problems: Sequence[Problem | str]) -> tuple[int, bool]:
    """How many of ``problems`` are problems met reading the logs, and whether the notice
    that the folders past ``discovery.MAX_HOMES`` are not read is among them (``is_homes_cap``:
    listed with them, said in its own words, not counted)."""
    said = homes_cap_text()
    capped = any(is_homes_cap(problem, said) for problem in problems)
    return len(problems) - capped, capped


#: What a ``config.toml`` that cannot be used costs: the end of its problem's words, by
#: which the Usage page tells it from a problem met reading a log (no call is missing: its
#: calls are priced in another tier).
CONFIG_UNUSED_EFFECT = "calls whose session names no service tier are priced at the standard tier"
#: The same, once the index had read a tier in the file (kept: see ``UsageIndex``), the
#: API's name of it: Codex's "fast" is the API's priority tier.
CONFIG_KEPT_EFFECT = (
    "calls whose session names no service tier keep the one it last named, the API's {tier} tier"
)


def is_config_notice(problem: Problem | str) -> bool:
    """Whether ``problem`` (or its text) says that a home's ``config.toml`` cannot be used."""
    text = problem.detail if isinstance(problem, Problem) else problem
    return text.endswith(CONFIG_UNUSED_EFFECT) or (_KEPT_START in text and text.endswith(_KEPT_END))


_KEPT_START, _, _KEPT_END = CONFIG_KEPT_EFFECT.partition("{tier}")


def outside_closed_homes(
    problems: Sequence[Problem], closed: Sequence[tuple[str | Path, str]]
) -> list[Problem]:
    """``problems`` without the ``config.toml`` ones of the ``closed`` homes (those that
    cannot be entered): the home is said, once, and its file cannot be read either."""
    if not closed:
        return list(problems)
    inside = tuple(os.path.join(os.path.abspath(home), "") for home, _ in closed)
    return [
        problem
        for problem in problems
        if problem.path is None
        or not is_config_notice(problem)
        or not os.path.abspath(problem.path).startswith(inside)
    ]


#: How many problems of one kind a command prints before it only counts the rest.
SAID_PER_KIND = 3

#: The rest of a kind, counted: "…and 297 more files with malformed lines" (one, plural).
_MORE = {
    ProblemKind.HOME_MISSING: ("Codex folder not found", "Codex folders not found"),
    ProblemKind.UNREADABLE: (
        "file or folder that cannot be read",
        "files or folders that cannot be read",
    ),
    ProblemKind.NOT_A_FILE: (
        "entry named like a log that is not a file",
        "entries named like logs that are not files",
    ),
    ProblemKind.MALFORMED_LINES: ("file with malformed lines", "files with malformed lines"),
    ProblemKind.LONG_LINES: (
        "file with lines too long to read",
        "files with lines too long to read",
    ),
    ProblemKind.BAD_VALUES: ("file with values out of range", "files with values out of range"),
    ProblemKind.UNFINISHED_LINE: (
        "file with an unfinished last line",
        "files with an unfinished last line",
    ),
    ProblemKind.TOO_LARGE: (
        "file or folder too large to read whole",
        "files or folders too large to read whole",
    ),
    ProblemKind.FUTURE_TIME: (
        "file with lines stamped in the future",
        "files with lines stamped in the future",
    ),
    ProblemKind.UNDATED_CALLS: (
        "file with calls of no usable time",
        "files with calls of no usable time",
    ),
}


#: Kinds only the usage index meets (the live reader keeps no call's time): ``status`` lists
#: none of them, so the rest of them is not sent there.
_NOT_IN_STATUS = frozenset({ProblemKind.UNDATED_CALLS})


def said_problems(
    problems: Iterable[Problem],
    per_kind: int = SAID_PER_KIND,
    listing: str = "status --all --json",
) -> list[str]:
    """The problems a command prints: the first ``per_kind`` of each kind in full, then the
    rest of that kind counted in one line (3,000 damaged files had printed 12,000 lines of
    warnings on every run, burying the report and any other warning). ``listing`` is the
    command that lists them all. A home's ``config.toml`` that cannot be used is always said
    in full, and not counted with its kind: ``status`` reads no config file, so it could not
    list one folded into the rest (and a home has one, of ``discovery.MAX_HOMES`` at most)."""
    said: list[str] = []
    left: dict[ProblemKind, int] = {}
    seen: dict[ProblemKind, int] = {}
    for problem in problems:
        if is_config_notice(problem):
            said.append(str(problem))
            continue
        count = seen[problem.kind] = seen.get(problem.kind, 0) + 1
        if count <= per_kind:
            said.append(str(problem))
        else:
            left[problem.kind] = left.get(problem.kind, 0) + 1
    for kind, count in left.items():
        one, many = _MORE[kind]
        rest = f"…and {count:,} more {one if count == 1 else many}"
        said.append(
            f"{rest}." if kind in _NOT_IN_STATUS else f"{rest} (`{listing}` lists them all)."
        )
    return said
