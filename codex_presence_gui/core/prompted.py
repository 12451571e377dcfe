"""The sessions a user prompted lately, by Codex's own prompt history (``history.jsonl``).

A walk tells a live log by its last change, as the folder listing gives it. On Windows the
listing gives a file's times as of its last close, and Codex keeps its log open for the whole
session: a session resumed from an older log (``codex resume``) would look idle for as long as
it runs. Codex appends each prompt to ``history.jsonl`` (``{"session_id", "ts", "text"}``),
opening and closing the file each time, so its tail names the sessions in use whatever the
listing says.
"""

from __future__ import annotations

import json
import math
import os

from codex_presence_gui.core.tail import FileStat, open_regular

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Iterable

HISTORY_FILE = "history.jsonl"
#: How much of the history's end is read: thousands of prompts, more than a day's of anyone.
TAIL_BYTES = 1 << 20
#: Prompts older than the cutoff by this much end the search: entries of two Codex
#: processes may land a little out of order.
ORDER_SLACK_SECONDS = 3600.0


class PromptedSessions:
    """The session ids prompted since a cutoff, per home, read again only when a home's
    ``history.jsonl`` changed (one ``stat`` each otherwise)."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        #: Per history file: its stat, the cutoff it was read for, and each id with its last
        #: prompt's time from then on.
        self._seen: dict[str, tuple[FileStat, float, dict[str, float]]] = {}

    def since(self, homes: Iterable[str | os.PathLike[str]], cutoff: float) -> frozenset[str]:
        """The ids (lower case) of the sessions prompted at ``cutoff`` or later in ``homes``.

        A home without a readable history names none: the history is a hint, never needed.
        """
        found: set[str] = set()
        for home in homes:
            path = os.path.join(os.fspath(home), HISTORY_FILE)
            try:
                stat = FileStat.from_stat(os.stat(path))
            except OSError:
                self._seen.pop(path, None)
                continue
            kept = self._seen.get(path)
            if kept is None or kept[0] != stat or kept[1] > cutoff:
                try:
                    kept = (stat, cutoff, prompted_since(path, cutoff))
                except OSError:
                    # Not kept: read again at the next walk (on Windows, Codex locks the
                    # file while it appends a prompt).
                    self._seen.pop(path, None)
                    continue
                self._seen[path] = kept
            # The same history read for an earlier cutoff: only what is still recent.
            found.update(key for key, stamp in kept[2].items() if stamp >= cutoff)
        return frozenset(found)


def prompted_since(path: str, cutoff: float) -> dict[str, float]:
    """The session ids in the prompt history at ``path`` prompted ``cutoff`` or later, each
    with its last prompt's time, from the file's last ``TAIL_BYTES``.

    Raises:
        OSError: it cannot be read, or is no regular file (a FIFO is refused, not waited on).
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        start = max(size - TAIL_BYTES, 0)
        handle.seek(start)
        data = handle.read(TAIL_BYTES)
    lines = data.split(b"\n")
    if start:
        lines = lines[1:]  # the first is the end of a line cut by the tail
    ids: dict[str, float] = {}
    for line in reversed(lines):
        entry = _entry(line)
        if entry is None:
            continue
        session_id, stamp = entry
        if stamp < cutoff - ORDER_SLACK_SECONDS:
            break
        if stamp >= max(cutoff, ids.get(session_id, cutoff)):
            ids[session_id] = stamp
    return ids


def _entry(line: bytes) -> tuple[str, float] | None:
    """A history line's session id (lower case) and time, or None for anything else."""
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):
        return None  # a torn or foreign line: the lines around it still count
    if not isinstance(entry, dict):
        return None
    session_id = entry.get("session_id", entry.get("conversation_id"))
    stamp = entry.get("ts")
    if not isinstance(session_id, str) or not _is_uuid(session_id):
        return None
    if isinstance(stamp, bool) or not isinstance(stamp, int | float) or not math.isfinite(stamp):
        return None
    return session_id.lower(), float(stamp)


def _is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID as Codex writes one (8-4-4-4-12 hex digits)."""
    parts = text.split("-")
    return [len(part) for part in parts] == [8, 4, 4, 4, 12] and all(
        part and all(c in "0123456789abcdefABCDEF" for c in part) for part in parts
    )
