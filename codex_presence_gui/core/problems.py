"""Typed problems met while reading Codex's logs: what kind, which file, and the words for it."""

# NOTE: Qt-free, like the rest of core/.

from __future__ import annotations

import enum
from dataclasses import dataclass

TYPE_CHECKING = False  # pathlib is not imported at run time: see records
if TYPE_CHECKING:
    from pathlib import Path


class ProblemKind(enum.Enum):
    """What went wrong (stable names: ``status --json`` prints them)."""

    HOME_MISSING = "home_missing"  # a Codex home that does not exist (yet)
    UNREADABLE = "unreadable"  # a folder or file that cannot be listed, opened or read
    NOT_A_FILE = "not_a_file"  # named like a log, but a FIFO, a device or a socket
    MALFORMED_LINES = "malformed_lines"  # lines that are not JSON of the expected shape
    LONG_LINES = "long_lines"  # lines over the size a line may have, skipped
    BAD_VALUES = "bad_values"  # numbers out of range (negative, huge, not whole), skipped
    UNFINISHED_LINE = "unfinished_line"  # a last line still being written, over the budget
    TOO_LARGE = "too_large"  # a compressed log past its cap, a folder tree past the walk
    FUTURE_TIME = "future_time"  # lines stamped in the future, not trusted for freshness


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, in plain words (``detail``), with its kind and the path it is about."""

    kind: ProblemKind
    detail: str
    path: Path | None = None

    def __str__(self) -> str:
        # Details name files and folders, whose names may hold escape sequences or line
        # breaks: printed, they must neither act on a terminal nor forge another line.
        from codex_presence_gui.core.sanitize import clean_text

        return clean_text(self.detail)

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
