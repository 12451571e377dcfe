"""The usage index: every rollout file's model calls summed by quarter hour and model, in SQLite.

One row per (file, quarter hour, model, context tier) holds the calls' input, cached input,
output, reasoning and total tokens. Each file's identity and how far it was read are kept
beside, with the accounting state at that point, so that an update reads only the bytes
appended since; a file that was truncated, replaced or rewritten is read again from its start.
The rules of ``SessionAccumulator`` decide what a call is (duplicates, synthetic fills and a
fork's inherited history add nothing). WAL mode and one write transaction per update make the
file safe for the window and the command line at once.
"""

from __future__ import annotations

import _thread  # the lock alone: threading is not imported by a repeated report
import errno
import os
import sqlite3
import sys
import time
import zlib
from contextlib import contextmanager, suppress
from datetime import date
from itertools import chain
from stat import S_ISLNK, S_ISREG

from codex_presence_gui.core.discovery import (
    FileStat,
    RolloutFile,
    capped_homes,
    too_many_homes,
    walk_homes,
)
from codex_presence_gui.core.records import NamedTuple
from codex_presence_gui.paths import NotAFileError, kind_of, make_folder

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
    from pathlib import Path
    from typing import Any, TypeVar

    from codex_presence_gui.core.models import TokenUsage
    from codex_presence_gui.core.pricing import PriceSpan
    from codex_presence_gui.core.problems import Problem
    from codex_presence_gui.core.usage_read import FileRead

    _T = TypeVar("_T")

#: Bump when the tables or what they mean change: an index of another version is rebuilt.
#: (15: every write renews the ``written`` mark that kept reports trust; a build of schema 14
#: still running beside a newer one would write without renewing it. 16: a response whose
#: ``token_count`` line was skipped counts from the next running total, which an index of 15
#: had left out of the files it read.)
SCHEMA_VERSION = 16
#: Calls are summed by quarter hour (UTC), so that days of any time zone (some are offset by
#: 30 or 45 minutes) are sums of whole slots.
SLOT_SECONDS = 900
#: A call whose input (cached included) is above this is priced at the long-context rates by
#: the models that have them (OpenAI's published threshold, which the price data uses).
LONG_CONTEXT_TOKENS = 272_000
#: How long a writer waits for another one (the window and the command line at once).
BUSY_TIMEOUT_S = 60.0
#: SQLite's steps between two asks whether to stop, in a long statement of an index whose
#: caller may stop (about a millisecond apart).
STOP_CHECK_STEPS = 50_000
#: After this long waiting for another writer, ``waiting`` is told (a report says so).
WAIT_NOTICE_S = 1.0
#: A wait for another process is made of SQLite waits (and lock tries) this long, between
#: which the caller is asked whether to stop (``should_stop``): the window's usage thread is
#: given 900 ms to end at a quit.
WAIT_SLICE_S = 0.05
#: How long keeping a price waits for another writer (a cache: the next run asks again).
PRICE_WAIT_MS = 100
#: The path of an index kept in memory only (see ``UsageIndex.in_memory``).
IN_MEMORY = ":memory:"
#: How ``UsageIndex.notice`` ends while the index is read again from the logs, and how it is
#: said once that is done (``rebuilt``).
REBUILDING = "it is being rebuilt from the logs."
REBUILT = "it was rebuilt from the logs."

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    home BLOB NOT NULL,
    dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,
    ctime REAL NOT NULL,
    head_length INTEGER NOT NULL, head_digest BLOB NOT NULL,
    read_to INTEGER NOT NULL,
    state TEXT NOT NULL,
    session_id TEXT NOT NULL,
    project TEXT NOT NULL,
    cwd TEXT,
    repository TEXT,
    started_at REAL,
    last_at REAL,
    is_fork INTEGER NOT NULL,
    recheck_at REAL,
    name BLOB NOT NULL,
    calls INTEGER NOT NULL,
    digest INTEGER NOT NULL,
    note TEXT
);
CREATE INDEX files_by_name ON files (session_id, name);
CREATE TABLE usage (
    file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    slot INTEGER NOT NULL,
    model TEXT NOT NULL,
    long_context INTEGER NOT NULL,
    service_tier TEXT NOT NULL,
    calls INTEGER NOT NULL,
    input INTEGER NOT NULL,
    cached_input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    reasoning_output INTEGER NOT NULL,
    total INTEGER NOT NULL,
    last_at REAL NOT NULL,
    PRIMARY KEY (file_id, slot, model, long_context, service_tier)
) WITHOUT ROWID;
CREATE INDEX usage_by_slot ON usage (slot);
CREATE TABLE prices (
    library TEXT NOT NULL,
    model TEXT NOT NULL,
    long_context INTEGER NOT NULL,
    service_tier TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT,
    input TEXT, cached_input TEXT, output TEXT,
    PRIMARY KEY (library, model, long_context, service_tier, first_day)
);
"""

_ADD_USAGE = """
INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (file_id, slot, model, long_context, service_tier) DO UPDATE SET
    calls = calls + excluded.calls,
    input = input + excluded.input,
    cached_input = cached_input + excluded.cached_input,
    output = output + excluded.output,
    reasoning_output = reasoning_output + excluded.reasoning_output,
    total = total + excluded.total,
    last_at = max(last_at, excluded.last_at)
"""

_INEXACT_SUMS = """
SELECT count(*) FROM usage WHERE file_id = ? AND (
    typeof(calls) != 'integer' OR typeof(input) != 'integer'
    OR typeof(cached_input) != 'integer' OR typeof(output) != 'integer'
    OR typeof(reasoning_output) != 'integer' OR typeof(total) != 'integer'
)
"""

#: A file's sums in one number (``files.digest``), made when they are written and checked
#: when the index is opened (``_UNMATCHED``): SQLite keeps no checksums, and a damaged record
#: read as other numbers, or a row lost with its page, had given a report that looked whole
#: without a word. Each count is taken modulo 2**31 so that the sum cannot overflow.
_ROW_DIGEST = (
    "calls % 2147483648 + input % 2147483648 + cached_input % 2147483648"
    " + output % 2147483648 + reasoning_output % 2147483648 + total % 2147483648"
)
#: The session's own fields that reports read, in the digest too: a damaged start, last call
#: or folder had been reported months or letters off without a word. The texts' bytes are
#: summed by CRC (``crc32``, a C function: no text is decoded, so one damaged into bytes that
#: are not UTF-8 is found here too), the times to the millisecond, as whole numbers (SQLite's
#: text of a real may change between its versions).
_IDENTITY = (
    "crc32(CAST(session_id || char(31) || project || char(31) || coalesce(cwd, char(30))"
    " || char(31) || coalesce(repository, char(30)) AS BLOB))"
    " + coalesce(CAST(started_at * 1000 AS INTEGER) % 2147483648, 1)"
    " + coalesce(CAST(last_at * 1000 AS INTEGER) % 2147483648, 1) + is_fork"
)
_FILE_DIGEST = (
    f"coalesce((SELECT sum({_ROW_DIGEST}) FROM usage WHERE file_id = files.id), 0) + {_IDENTITY}"
)


def _with_digest(db: sqlite3.Connection) -> sqlite3.Connection:
    """``db`` able to make and check digests (every connection to an index)."""
    db.create_function("crc32", 1, zlib.crc32, deterministic=True)
    return db


#: A file whose usage rows no longer add up to what was written (see ``_ROW_DIGEST``), or a
#: usage row of no file.
_UNMATCHED = f"""
SELECT 1 FROM files WHERE digest != {_FILE_DIGEST}
    OR calls != coalesce((SELECT sum(calls) FROM usage WHERE file_id = files.id), 0)
UNION ALL
SELECT 1 FROM usage WHERE file_id NOT IN (SELECT id FROM files)
LIMIT 1
"""

#: A row with a value of another type than the index writes (SQLite's columns take any), a
#: count below zero, or a last call outside its quarter hour: written by another program, or
#: a damaged record. Sums and reports would fail on it, count less than the logs hold, or (a
#: changed ``last_at``, outside the digest's sums) give a session's last call years off.
_MISTYPED = f"""
SELECT 1 FROM usage WHERE typeof(slot) != 'integer' OR typeof(model) != 'text'
    OR typeof(long_context) != 'integer' OR typeof(service_tier) != 'text'
    OR typeof(calls) != 'integer' OR typeof(input) != 'integer'
    OR typeof(cached_input) != 'integer' OR typeof(output) != 'integer'
    OR typeof(reasoning_output) != 'integer' OR typeof(total) != 'integer'
    OR typeof(last_at) != 'real'
    OR min(calls, input, cached_input, output, reasoning_output, total) < 0
    OR NOT (last_at >= slot AND last_at < slot + {SLOT_SECONDS})
UNION ALL
SELECT 1 FROM files WHERE typeof(path) != 'blob' OR typeof(home) != 'blob'
    OR typeof(size) != 'integer' OR typeof(head_length) != 'integer'
    OR typeof(head_digest) != 'blob' OR typeof(read_to) != 'integer'
    OR typeof(state) != 'text' OR typeof(session_id) != 'text'
    OR typeof(project) != 'text' OR typeof(cwd) NOT IN ('text', 'null')
    OR typeof(repository) NOT IN ('text', 'null')
    OR typeof(started_at) NOT IN ('real', 'null') OR typeof(last_at) NOT IN ('real', 'null')
    OR typeof(is_fork) != 'integer' OR typeof(name) != 'blob' OR typeof(calls) != 'integer'
    OR typeof(digest) != 'integer'
    OR typeof(recheck_at) NOT IN ('real', 'null') OR typeof(note) NOT IN ('text', 'null')
LIMIT 1
"""

#: A file's row as ``UsageIndex._plan`` looks at every file: what tells that it changed, and
#: its kept problems (``_PATH`` and the other indexes below name the columns).
_KNOWN = "SELECT path, id, dev, ino, size, mtime, ctime, recheck_at, note FROM files"
_PATH, _ID, _DEV, _INO, _SIZE, _MTIME, _CTIME, _RECHECK_AT, _NOTE = range(9)
#: A file's row as a read takes it (``usage_read``) and ``_store`` writes it.
_WHOLE_ROW = (
    "SELECT id, path, dev, ino, size, mtime, head_length, head_digest, read_to, state, ctime,"
    " home, recheck_at, note FROM files WHERE id = ?"
)

#: Where a read's ``fields`` (the files row, in the UPDATE's order) hold the session id.
_SESSION_ID_FIELD = 9
#: ``changed_from`` while an update has changed no sums (later than any quarter hour).
_NOTHING_CHANGED = 1 << 62

#: The model of calls made before any line named one.
UNKNOWN_MODEL = "unknown"


class ReadProgress(NamedTuple):
    """How far an update's reading is (``UsageIndex.update``'s ``progress``): the files read
    of those to read, and the bytes they had left to read of all that the files had."""

    files_read: int
    files_total: int
    bytes_read: int
    bytes_total: int

    @property
    def share(self) -> float:
        """The part read, 0 to 1, by bytes (the files are of every size)."""
        if self.bytes_total > 0:
            return min(1.0, self.bytes_read / self.bytes_total)
        return self.files_read / self.files_total if self.files_total else 1.0

    def text(self) -> str:
        """ "25% of 20,000 logs", as the Usage page and ``report`` say it: whole percents, and
        never 100% while the reading goes on (the numbers say it is done)."""
        from codex_presence_gui.core.formatting import counted

        return f"{min(99, int(self.share * 100))}% of {counted(self.files_total, 'log')}"


class UpdateResult:
    """What one update did."""

    # Plain classes and named tuples here: a repeat ``report`` never imports dataclasses.
    __slots__ = (
        "bytes_read",
        "changed_from",
        "files",
        "mark_after",
        "mark_before",
        "problems",
        "read",
        "removed",
        "seconds",
    )

    def __init__(self) -> None:
        self.files = 0  # files in the homes
        self.read = 0  # files read (from the start or from where the last update stopped)
        self.bytes_read = 0
        self.removed = 0
        self.problems: list[Problem] = []
        self.seconds = 0.0
        #: The index's mark before the update wrote (None: it wrote nothing, or had no mark).
        self.mark_before: str | None = None
        #: The mark the update wrote (None: it wrote nothing).
        self.mark_after: str | None = None
        #: When the update only added calls to files already counted, each the only file of
        #: its session (appends): the first quarter hour whose sums it changed (a quarter
        #: hour past any when it changed none); None otherwise, or when it wrote nothing. A
        #: report's sums of the quarter hours before it are still whole.
        self.changed_from: int | None = None

    def __repr__(self) -> str:
        return (
            f"UpdateResult(files={self.files}, read={self.read}, bytes_read={self.bytes_read}, "
            f"removed={self.removed}, problems={self.problems!r}, seconds={self.seconds})"
        )


#: What ``UsageIndex.slot_rows`` gives: a ``SlotUsage`` as one flat tuple (slot, session id,
#: project, model, long context (0 or 1), calls, input, cached input, output, reasoning
#: output, total, service tier, last call, repository).
SlotRow = tuple[
    int, str, str, str, int, int, int, int, int, int, int, str, float | None, str | None
]
#: What ``UsageIndex.session_rows`` gives: a ``SlotRow`` and its session's place in a session
#: report (1 for the first), its number of rows there and its first start.
SessionSlotRow = tuple[
    int,
    str,
    str,
    str,
    int,
    int,
    int,
    int,
    int,
    int,
    int,
    str,
    float | None,
    str | None,
    int,
    int,
    float | None,
]


class SlotUsage(NamedTuple):
    """The calls of one session in one quarter hour with one model, context tier and service
    tier (``priority``, ``flex``; ``""``: standard)."""

    slot: int
    session_id: str
    project: str
    model: str
    long_context: bool
    calls: int
    tokens: TokenUsage
    service_tier: str = ""
    last_at: float | None = None  # the last of its calls (None: the quarter hour's start)
    repository: str | None = None  # the checkout's remote (``session.repository_id``)


class SessionInfo(NamedTuple):
    """One indexed session: its id, project, first and last call."""

    session_id: str
    project: str
    cwd: str | None
    started_at: float | None
    last_at: float | None
    is_fork: bool


def _blob(path: str | Path) -> bytes:
    """A path as the index keeps it: its bytes (a path need not be valid UTF-8)."""
    return os.fsencode(path)


#: Said after the warning for a log the walk could not read whose usage the index holds.
KEPT_NOTE = "; the usage read from it before is still counted"


def _say_kept(problems: list[Problem], unsearched: Sequence[str], known: dict[bytes, Any]) -> None:
    """The warning for a log the walk could not read (a link to a drive not mounted now),
    whose usage the index holds, says that usage is still counted: the report's totals had
    kept it under a bare "cannot read …", which reads as left out."""
    files = {_blob(place) for place in unsearched}.intersection(known) if unsearched else None
    if not files:
        return
    for index, problem in enumerate(problems):
        if (
            problem.path is not None
            and _blob(problem.path) in files
            and KEPT_NOTE not in problem.detail
        ):
            problems[index] = type(problem)(problem.kind, problem.detail + KEPT_NOTE, problem.path)


def _with_tables(db: sqlite3.Connection) -> sqlite3.Connection:
    """``db`` (new and empty) with the index's tables and its schema version, made in one
    transaction: one that fails (a full disk) leaves none of them. Made one statement at a
    time, as ``executescript`` makes them outside a transaction, a table or two had stayed,
    and the next start had said the index was incomplete (and being rebuilt) where there
    had never been one."""
    version = f"INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}');"
    try:
        db.executescript(f"BEGIN;{_SCHEMA}{version}COMMIT;")
    except BaseException:
        _roll_back(db)
        raise
    return db


def _iso_day(text: str) -> bool:
    """True for a day written as ``date.isoformat`` writes it (``2026-11-29``).

    Raises:
        ValueError, TypeError: ``text`` is no day, or no text.
    """
    return date.fromisoformat(text).isoformat() == text


def _marks(homes: Sequence[str | Path]) -> str:
    """``(?, ?, …)``: one parameter per home."""
    return "(" + ",".join("?" * len(homes)) + ")"


def _homes_read(homes: Sequence[str | Path]) -> Sequence[str | Path]:
    """The homes an update reads and a query asks for: the first ``MAX_HOMES`` (see
    ``capped_homes``). A query takes a parameter per home, up to five times: thousands of
    homes had passed the most SQLite takes (32,766)."""
    return capped_homes(homes)[0]


def rebuilt(notice: str) -> str:
    """``notice`` as said once the index holds the logs again: "it was rebuilt", where the
    page had gone on saying "it is being rebuilt" under the numbers read since."""
    if notice.endswith(REBUILDING):
        return notice[: -len(REBUILDING)] + REBUILT
    return notice


class UsageIndex:
    """The index file at ``path``; ``update`` brings it up to date with the homes.

    Args:
        path: the SQLite file (created with its folder when missing); ``IN_MEMORY`` for an
            index kept in memory only (see ``in_memory``).
        clock: the current Unix time (tests inject a fixed clock).
        waiting: called once a wait for another process (holding the file while it updates
            it, or rebuilds it) has lasted ``WAIT_NOTICE_S``, at most once per wait: the
            command line says why nothing happens.
        should_stop: asked during every such wait (opening, updating, reading; also
            ``update``'s own): True gives the wait up with ``WaitStoppedError``, nothing
            written. The window's usage thread passes its own: a wait of up to
            ``BUSY_TIMEOUT_S`` behind a ``report`` had outlived its stop at a quit.

    Attributes:
        notice: a plain-words message when the file had to be rebuilt (corrupt, or written
            by another version), else None.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        waiting: Callable[[], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.path = path
        self._clock = clock
        self._waiting = waiting
        #: What waits ask (see ``_stopping``): the caller's ``should_stop``, and an update's.
        self._askers = _StopAskers(should_stop)
        self.notice: str | None = None
        self._file: tuple[int, int] | None = None  # the (device, inode) the connection is on
        #: The (device, inode) of the -wal file the connection writes (``_follow_wal``).
        self._wal: tuple[int, int] | None = None
        self._closed = False
        self._db = self._open()
        if self.kept:
            key = os.fspath(self.path)
            with _OPEN_HERE_LOCK:
                _OPEN_HERE[key] = _OPEN_HERE.get(key, 0) + 1
        #: The connection and its ``data_version`` when ``written_elsewhere`` last looked.
        self._looked: tuple[sqlite3.Connection, int] | None = None
        #: The connection and its ``data_version`` when the values' types were last checked
        #: (``_MISTYPED``): only another connection's writes can bring a wrong one.
        self._typed: tuple[sqlite3.Connection, int] | None = None

    @classmethod
    def in_memory(cls, *, clock: Callable[[], float] = time.time) -> UsageIndex:
        """An index kept in this process's memory, for when the file cannot be used (a
        read-only or full cache folder): it is built from the logs and kept current for as
        long as it is open, then gone. Nothing is written to disk."""
        return cls(IN_MEMORY, clock=clock)

    @property
    def kept(self) -> bool:
        """True for an index kept in a file (False: in memory only)."""
        return self.path != IN_MEMORY

    def _stopping(self) -> bool:
        """Whether the caller, or the running update's caller, asks to stop."""
        return self._askers()

    # -- the file ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if not self.kept:
            db = _with_digest(
                sqlite3.connect(IN_MEMORY, isolation_level=None, factory=_PatientConnection)
            )
            db.execute("PRAGMA foreign_keys=ON")
            return _with_tables(db)
        folder = os.path.dirname(self.path) or os.curdir
        make_folder(folder)
        if os.path.basename(self.path) == INDEX_NAME:  # the cache folder's, not a chosen file
            remove_other_versions(folder, time.time())
        # One process at a time checks, makes or rebuilds the file: two first runs at once
        # would otherwise both make its tables, or one remove what the other is making.
        with _exclusive(f"{self.path}.lock", self._waiting, self._stopping):
            return self._open_alone()

    def _open_alone(self) -> sqlite3.Connection:
        """``_open`` once the lock is held."""
        _refuse_what_is_no_file(self.path)
        db = None
        try:
            # Not in WAL mode yet: a new file is left without a -wal and a -shm file should
            # its tables not be made (an index's own header keeps it in WAL mode).
            db = self._connect(wal=False)
            version = self._version(db)
            if version == SCHEMA_VERSION:
                _use_wal(db)
                self._file, self._wal = _file_key(self.path), None
                return db
            db.close()
            if version == 0:
                self.notice = (
                    "The usage index is incomplete (a table or its version is missing); "
                    f"{REBUILDING}"
                )
            elif version is not None:
                self.notice = (
                    f"The usage index was written by another version (schema {version}); "
                    f"{REBUILDING}"
                )
        except (sqlite3.DatabaseError, UnicodeDecodeError) as caught:
            if db is not None:
                db.close()  # (Windows removes no file that is open)
            # A UnicodeDecodeError: Python could not decode SQLite's own message, which quotes
            # the file's table definitions, damaged into bytes that are not UTF-8.
            error = (
                _damage("its table definitions are damaged")
                if isinstance(caught, UnicodeDecodeError)
                else caught
            )
            if not is_damage(error):
                if self.kept:  # (the lock is held here)
                    _leave_no_wal(self.path, locked=True)
                raise  # busy, read-only, a full or failing disk: not the file's fault
            self.notice = f"The usage index could not be read ({_described(error)}); {REBUILDING}"
        self._remove_files()
        _room_for_a_new_index(os.path.dirname(self.path) or os.curdir)
        # The tables are made with a rollback journal, in the file itself, and WAL mode comes
        # after: made in the WAL, a full disk had left a 60 KB -wal and a 32 KB -shm file
        # beside a file of nothing. A failure takes the journal back with it.
        db = self._connect(wal=False)
        try:
            _use_wal(_with_tables(db))
        except BaseException:
            db.close()
            raise
        self._file, self._wal = _file_key(self.path), None
        return db

    def _rebuild(self, error: sqlite3.DatabaseError) -> None:
        """Replace a file found damaged during an update, unless another process has done so
        since this one connected (its new file is then used, not removed)."""
        # If it cannot be had, the old file stays open.
        with _exclusive(f"{self.path}.lock", self._waiting, self._stopping):
            self._db.close()
            try:
                if _file_key(self.path) == self._file:
                    self.notice = (
                        f"The usage index could not be read ({_described(error)}); {REBUILDING}"
                    )
                    self._remove_files()
                self._db = self._open_alone()
            except BaseException:
                # Never left without a connection: the next update says what is wrong again
                # instead of "Cannot operate on a closed database".
                with suppress(sqlite3.Error):
                    self._db = self._connect()
                raise

    def _follow_rebuild(self) -> None:
        """Take the new file when another process has rebuilt the index since this one
        connected (what would be written to the old one, deleted, would be lost); make it
        anew when the file was deleted (a cache cleaned while the window runs: the old one,
        unlinked, would grow unseen until the window closes, and no report would see it)."""
        if self._file is None:
            return
        try:
            stat = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            # (A file put where its folder was: the index is gone as surely, and making it
            # anew says why it cannot be, rather than write on into the unlinked file.)
            deleted = True
        except OSError:
            return  # the folder cannot be looked in: the open file is still the one to use
        else:
            deleted = False
            if (stat.st_dev, stat.st_ino) == self._file:
                self._follow_wal()
                return
        db = self._open()  # the old connection stays usable if this fails
        self._db.close()
        self._db = db
        if deleted:
            self.notice = f"The usage index was deleted; {REBUILDING}"

    def _follow_wal(self) -> None:
        """Open the file again when its -wal file was deleted or replaced since the
        connection began to write it (a cleaner that removes SQLite's side files while the
        window runs). SQLite keeps it for as long as a connection is open, so no change is its
        own: the window had written on into the deleted -wal, whose pages no other process
        could read, and every ``report`` failed with "disk I/O error" until the window quit."""
        if self._wal is None:
            self._note_wal()  # (and at the end of this update)
            return
        if self._wal_now() == self._wal:
            return
        # Closed first: the last connection to close copies the pages of its -wal, deleted or
        # not, into the file, then removes the side files; one opened beside it would read the
        # -shm's count of pages in a -wal that has none.
        self._db.close()
        try:
            self._db = self._open()
        except BaseException:
            # The old identity is kept, so the next update tries again; and a connection is
            # left, where one can be made, rather than "Cannot operate on a closed database".
            with suppress(sqlite3.Error):
                self._db = self._connect()
            raise
        self._wal = None

    def _wal_now(self) -> tuple[int, int] | None:
        """The (device, inode) of the -wal file now (beside the file a link leads to, where
        SQLite keeps it); None when there is none."""
        return _file_key(f"{os.path.realpath(self.path)}-wal")

    def _note_wal(self) -> None:
        """Keep the -wal file's identity for ``_follow_wal``, once SQLite has made it (at
        the connection's first write, for a new file)."""
        if self.kept and self._wal is None:
            self._wal = self._wal_now()

    def _connect(self, *, wal: bool = True) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=WAIT_SLICE_S, isolation_level=None, factory=_PatientConnection
        )
        connection.waiting = self._waiting
        # The askers, not the index: the connection never keeps the index (unclosed, let go
        # of) alive.
        connection.stopping = self._askers
        if self._askers.caller is not None:
            # Asked between steps of a long statement too: SQLite's own check of the whole
            # file (0.3 s at 100,000 files, more past them) had kept a quitting window's usage
            # thread past its time. (Only for a caller that may stop: a report never asks.)
            connection.set_progress_handler(self._askers.interrupts, STOP_CHECK_STEPS)
        db = _with_digest(connection)
        try:
            if wal:
                _use_wal(db)  # (the first look at the file's tables)
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _version(db: sqlite3.Connection) -> int | None:
        """The schema version written in the file; None for a new, empty file; 0 for one
        that is not an index of any version, or has lost a table."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return None
        if not _TABLES.issubset(tables):
            return 0
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        try:
            return int(row[0]) if row else 0
        except ValueError:
            return 0

    def _remove_files(self) -> None:
        # Where a link leads (SQLite follows it, and keeps its -wal and -shm beside the file
        # it leads to): the file is made anew there, and the link, the user's, stays.
        database = os.path.realpath(self.path)
        if database != os.path.abspath(self.path) and not _holds_no_user_data(database):
            # A link the user put there leads to a file that is no index (and holds something):
            # theirs, perhaps, not the app's cache to remove.
            raise sqlite3.OperationalError(_other_file(database))
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{database}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as error:  # Windows: another process has it open
                raise sqlite3.OperationalError(
                    f"the damaged index cannot be removed ({error.strerror or error})"
                ) from error

    def written_elsewhere(self) -> bool:
        """True when another connection (``report``, a second window) has committed to the
        index since the last call, or the file was opened again in between (and on the first
        call). This object's own writes do not count: SQLite's ``data_version`` says so."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        looked, self._looked = self._looked, (self._db, version)
        return looked is None or looked[0] is not self._db or looked[1] != version

    def close(self) -> None:
        """Close the file (the index cannot be used afterwards)."""
        self._db.close()
        if self.kept and not self._closed:
            key = os.fspath(self.path)
            with _OPEN_HERE_LOCK:
                left = _OPEN_HERE.pop(key, 1) - 1
                if left:
                    _OPEN_HERE[key] = left
            self._closed = True
            _leave_no_wal(self.path)
        self._closed = True

    def __enter__(self) -> UsageIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- updating ---------------------------------------------------------------------------

    def update(
        self,
        homes: Sequence[str | Path],
        *,
        files: Sequence[tuple[str | Path, FileStat, str | Path, bool]] | None = None,
        unsearched: Sequence[str] = (),
        should_stop: Callable[[], bool] | None = None,
        workers: int = 1,
        while_reading: Callable[[], None] | None = None,
        progress: Callable[[ReadProgress], None] | None = None,
    ) -> UpdateResult:
        """Read what changed in the homes' rollout files since the last update (see
        ``_update``). A file that turns out damaged on the way (SQLite says so only when a
        damaged page is read) is rebuilt, with ``notice`` saying so, and the update done again."""

        def update_once() -> UpdateResult:
            return self._update(
                homes,
                files=files,
                unsearched=unsearched,
                should_stop=should_stop,
                workers=workers,
                while_reading=while_reading,
                progress=progress,
            )

        # The update's waits for another process (its write lock, a rebuilt file's opening)
        # ask its caller too.
        self._askers.update = should_stop
        try:
            self._follow_rebuild()
            result = self.repaired(update_once)
            self._note_wal()
            return result
        finally:
            self._askers.update = None

    def _update(
        self,
        homes: Sequence[str | Path],
        *,
        files: Sequence[tuple[str | Path, FileStat, str | Path, bool]] | None = None,
        unsearched: Sequence[str] = (),
        should_stop: Callable[[], bool] | None = None,
        workers: int = 1,
        while_reading: Callable[[], None] | None = None,
        progress: Callable[[ReadProgress], None] | None = None,
    ) -> UpdateResult:
        """Read what changed in the homes' rollout files since the last update.

        Args:
            homes: the Codex homes to index (files of other homes in the index are kept), as
                paths or as their text (``str(path)``: the index knows a home by it).
            files: a walk of those homes already made (``discover``'s files, or ``walk_homes``'
                with their paths as texts); None walks them here.
            unsearched: with ``files``, the folders and files that walk could not list or
                search (``Discovery.unsearched``): what the index holds below them is kept.
            should_stop: asked between files; True ends the update with what was read so far
                (committed: the next update goes on from there).
            workers: processes to read files with when there is much to read (a first build);
                1 reads in this process (the window's worker thread does: no fork there).
            while_reading: called while worker processes read (see ``read_all``).
            progress: told after each file read how far the reading is (nothing of it is
                in the index before the update's end: it is committed whole).
        """
        started = time.perf_counter()
        result = UpdateResult()
        homes, left_out = capped_homes(homes)
        if left_out:
            result.problems.append(too_many_homes(left_out))
            if files is not None:  # a walk of them all: the others' files are not read
                kept = set(homes)
                files = [file for file in files if file[2] in kept]
        # A rollout file is (path, stat, home, archived) too.
        if files is None:
            skipped: list[str] = []
            walked: Sequence[tuple[str | Path, FileStat, str | Path, bool]] = _once_each(
                walk_homes(homes, [], result.problems, unsearched=skipped)
            )
            unsearched = skipped
        else:
            walked = _once_each(files)
        result.files = len(walked)
        db = self._db
        # First a look without the write lock (WAL lets it read while another process
        # writes): with nothing new, nothing is written and no writer is waited for.
        db.execute("BEGIN")
        try:
            self._check_types()
            known, todo, seen = self._plan(homes, walked, unsearched, whole=False)
            _say_kept(result.problems, unsearched, known)
            config_problems: list[Problem] = []
            configs = self._configs_changed(homes, config_problems)
        finally:
            _roll_back(db)
        if not todo and not configs and len(seen) == len(known):
            result.problems.extend(config_problems)
            result.problems.extend(_standing(known.values(), ()))
            result.seconds = time.perf_counter() - started
            return result
        del known, todo, seen  # looked at again below: not held twice meanwhile
        # One writer at a time: what a file was read to is read and advanced in one
        # transaction, so that two processes never add the same bytes twice (the look is
        # made again: another process may have read those files since).
        self._begin_writing()
        try:
            result.mark_before = self.written_mark()
            known, todo, seen = self._plan(homes, walked, unsearched)
            config_problems = []
            tiers: dict[bytes, str] = {}
            configs = self._configs_changed(homes, config_problems, tiers)
            result.problems.extend(config_problems)
            # The first quarter hour changed, while the update only appends (see changed_from).
            changed_from: int | None = None if configs else _NOTHING_CHANGED
            retiered = [(home,) for home, (_, changed) in configs.items() if changed]
            if retiered:
                # Calls are priced in the tier a home's config.toml names when they are read
                # (where the log does not name one): another tier there, and each of the
                # home's files is to be read again, as a first build would read it now. Marked
                # on its row: an update stopped halfway, or a folder that cannot be listed
                # today, leaves the rest marked for the next one.
                db.executemany("UPDATE files SET recheck_at = 0 WHERE home = ?", retiered)
                known, todo, seen = self._plan(homes, walked, unsearched)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [row for rows, _ in configs.values() for row in rows],
            )
            complete = True
            read_now: set[bytes] = set()  # their problems are said from this read
            reads: Iterable[FileRead | None] = ()
            told = ReadProgress(0, len(todo), 0, 0)
            if todo:
                # Imported here: a repeat with nothing new needs no parser nor accounting.
                from codex_presence_gui.core.usage_read import pending_bytes, read_all

                if progress is not None:
                    pending = sum(pending_bytes(rollout, row) for rollout, row in todo)
                    told = told._replace(bytes_total=pending)
                    progress(told)
                reads = read_all(todo, self._clock(), workers, should_stop, while_reading, tiers)
            # What is read is written from here on: no step is given up (_StopAskers.interrupts).
            self._askers.storing = True
            for read in reads:
                if read is None:
                    complete = False
                    break
                if progress is not None:
                    told = told._replace(
                        files_read=told.files_read + 1,
                        bytes_read=told.bytes_read + pending_bytes(read.rollout, read.row),
                    )
                    progress(told)
                # Each file apart: one that cannot be written (sums beyond SQLite's 64-bit
                # integers) is left out with a problem, the others are kept.
                if read.fields is not None:
                    read_now.add(_blob(read.rollout.path))
                db.execute("SAVEPOINT one_file")
                if changed_from is not None:
                    changed_from = self._appended_from(read, changed_from)
                try:
                    self._store(read, result)
                except (sqlite3.IntegrityError, sqlite3.OperationalError, OverflowError) as error:
                    if isinstance(error, sqlite3.OperationalError) and not _is_overflow(error):
                        raise  # the file cannot be written at all (locked, read-only, full)
                    if isinstance(error, sqlite3.IntegrityError) and is_damage(error):
                        raise  # rebuilt (``repaired``): no file of the logs is at fault
                    db.execute("ROLLBACK TO one_file")
                    changed_from = None
                    self._store_refused(read)
                    path = read.rollout.path
                    from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

                    # One wording for a sum past 64 bits, whichever step found it (SQLite's
                    # or Python's own message otherwise).
                    past = isinstance(error, OverflowError) or _is_overflow(error)
                    reason = "they add up past 64-bit integers" if past else str(error)
                    refused = Problem(
                        ProblemKind.BAD_VALUES,
                        f"{os.path.basename(path)}: its token counts cannot be added up "
                        f"({reason}); not counted",
                        as_path(path),
                    )
                    result.problems.append(refused)
                    db.execute(
                        "UPDATE files SET note = ? WHERE path = ?",
                        (_note_text([*read.problems, refused]), _blob(path)),
                    )
                db.execute("RELEASE one_file")
            if complete:
                gone = [row[_ID] for key, row in known.items() if key not in seen]
                for file_id in gone:
                    db.execute("DELETE FROM files WHERE id = ?", (file_id,))
                result.removed = len(gone)
                if gone:
                    changed_from = None
            result.changed_from = changed_from
            result.problems.extend(
                _standing((row for key, row in known.items() if key in seen), read_now)
            )
            # A new mark for every write: a report kept from the index as it was is known
            # to be out of date (see core.report_cache).
            mark_after = os.urandom(8).hex()
            db.execute(
                "INSERT INTO meta VALUES ('written', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (mark_after,),
            )
            db.execute("COMMIT")
            result.mark_after = mark_after
        except BaseException as error:
            _roll_back(db)
            if getattr(error, "sqlite_errorname", None) == "SQLITE_FULL":
                _empty_wal(db)  # the disk is given back what the failed update took
            raise
        finally:
            self._askers.storing = False
        result.seconds = time.perf_counter() - started
        return result

    def _appended_from(self, read: FileRead, before: int) -> int | None:
        """``changed_from`` with one more file's read taken in (see ``UpdateResult``): the
        earlier of ``before`` and the first quarter hour it adds to, or None when the read
        does more than add calls (a new or restarted file, a session of several files,
        whose copies a report leaves out by their calls)."""
        if read.fields is None:
            return before  # nothing read: at most its size and times are written
        row = read.row
        if row is None or read.restarted:
            return None
        # Looked at with or without new calls: lines without calls can give the file another
        # session id (its earlier calls then count for another session), or have it read
        # further than a copy of its session (the copy counted is then another).
        session_id = read.fields[_SESSION_ID_FIELD]
        others = self._db.execute(
            "SELECT 1 FROM files WHERE session_id = ? AND id != ? LIMIT 1", (session_id, row[0])
        ).fetchone()
        (was,) = self._db.execute("SELECT session_id FROM files WHERE id = ?", (row[0],)).fetchone()
        if others is not None or was != session_id:
            return None
        if not read.sums:
            return before
        return min(before, min(key[0] for key in read.sums))

    def last_slot(self) -> int | None:
        """The index's last quarter hour with calls (of any home); None when it has none."""
        row = self._db.execute("SELECT max(slot) FROM usage").fetchone()
        return row[0] if row is not None and type(row[0]) is int else None

    def _check_types(self) -> None:
        """Raise damage when a value is of another type than the index writes, a file's sums
        no longer match their digest, or SQLite's own check finds damage: looked for on a new
        connection, then only after another connection wrote (this one's own writes are typed
        and summed; the three looks cost about 2 ms on the bench corpus's index, 0.3 s at
        100,000 files)."""
        db = self._db
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if self._typed == (db, version):
            return
        if _mistyped(db):
            raise _damage("a value in it is of the wrong type, below zero or out of its place")
        if db.execute(_UNMATCHED).fetchone() is not None:
            raise _damage("its sums or sessions no longer match what was written")
        # SQLite's own look at the whole file, its indexes against their tables too: two
        # bytes changed at random had given a wrong report without a word one time in nine
        # (an index entry that no longer matches its row, a name read as another).
        problems = db.execute("PRAGMA integrity_check(1)").fetchone()
        if problems is None or problems[0] != "ok":
            raise _damage("SQLite's check of it found damage")
        self._typed = (db, version)

    def _begin_writing(self) -> None:
        """Take the write lock (``BEGIN IMMEDIATE``), waiting for another writer up to
        ``BUSY_TIMEOUT_S``; ``waiting`` is told once the wait has lasted ``WAIT_NOTICE_S``,
        and ``should_stop`` asked all along (``_PatientConnection``)."""
        self._db.execute("BEGIN IMMEDIATE")

    def _plan(
        self,
        homes: Sequence[str | Path],
        walked: Sequence[tuple[str | Path, FileStat, str | Path, bool]],
        unsearched: Sequence[str] = (),
        *,
        whole: bool = True,
    ) -> tuple[
        dict[bytes, tuple[Any, ...]],
        list[tuple[RolloutFile, tuple[Any, ...] | None]],
        set[bytes],
    ]:
        """The index's rows of the homes' files, by path (``_KNOWN``'s columns), the walked
        files that changed since they were read (with their whole rows, ``_WHOLE_ROW``), or
        whose time to be read again from their start (``recheck_at``) has come, and the
        paths of those rows that are still there: walked, or below a folder that could not be
        listed or searched (``unsearched``: a permission, a network home's hiccup hides its
        logs from this walk, not from the disk; their rows stay). Without ``whole``, the
        files to read come with their rows as ``_KNOWN`` has them: enough to tell that there
        is something to read."""
        db = self._db
        # Only what tells a change: a file's state (its accounting so far, 400 bytes or so)
        # is read for the files to read. 100,000 unchanged files had held 112 MB here.
        known = {
            row[0]: row
            for row in db.execute(
                _KNOWN + " WHERE home IN " + _marks(homes), [_blob(home) for home in homes]
            )
        }
        todo: list[tuple[RolloutFile, tuple[Any, ...] | None]] = []
        seen: set[bytes] = set()
        now = self._clock()
        for file, stat, home, archived in walked:
            row = known.get(_blob(file))
            if row is None:
                todo.append((_rollout(file, stat, home, archived), None))
                continue
            seen.add(row[_PATH])  # the key itself: no second copy of each path
            if row[_RECHECK_AT] is not None and now >= row[_RECHECK_AT]:
                # Without its saved state, the file is read from its start (see _read_file).
                if whole:
                    full = self._whole_row(row[_ID])
                    row = (*full[:8], 0, "", *full[10:])
                todo.append((_rollout(file, stat, home, archived), row))
                continue
            if not stat.ino:
                # Windows lists a file with no device nor inode, and with the size and
                # times of its last close: Codex keeps its log open while it appends.
                with suppress(OSError):
                    stat = FileStat.from_stat(os.stat(file))
            if (
                # Windows' folder listing gives no device nor inode (0): its size and
                # times tell a change; the read's own check compares the rest.
                ((row[_DEV], row[_INO]) != (stat.dev, stat.ino) and stat.ino)
                or (row[_SIZE], row[_MTIME], row[_CTIME]) != (stat.size, stat.mtime, stat.ctime)
            ):
                todo.append(
                    (
                        _rollout(file, stat, home, archived),
                        self._whole_row(row[_ID]) if whole else row,
                    )
                )
            # Else unchanged since read: not even opened (nor made a path of).
        if unsearched and len(seen) < len(known):
            places = {_blob(place).rstrip(_SEPARATORS) for place in unsearched}
            seen.update(key for key in known if key not in seen and _below(key, places))
        return known, todo, seen

    def _whole_row(self, file_id: int) -> tuple[Any, ...]:
        """A file's row as a read takes it (``_WHOLE_ROW``'s columns)."""
        row: tuple[Any, ...] = self._db.execute(_WHOLE_ROW, (file_id,)).fetchone()
        return row

    def _configs_changed(
        self,
        homes: Sequence[str | Path],
        problems: list[Problem] | None = None,
        tiers: dict[bytes, str] | None = None,
    ) -> dict[bytes, tuple[list[tuple[str, str]], bool]]:
        """The homes whose ``config.toml`` changed since the index last looked (its size,
        times and inode: it is parsed only then), by ``_blob``: the meta rows to write (key,
        value), and whether the service tier it names changed (for a home already indexed).
        Each home's file that cannot be used, changed or not, is added to ``problems``, and
        each home's tier (new or kept) to ``tiers``, by ``_blob``, for the reader.

        A file that cannot be used keeps the tier the index last read in it: Codex refuses to
        start on a file it cannot parse, so no call was made under it, and a half-saved edit
        had read every log of the home again at the standard tier, then again once mended."""
        found = self._db.execute(
            "SELECT key, value FROM meta WHERE key LIKE 'config:%' OR key LIKE 'config-why:%'"
        )
        # Text only: a value of another type (another program's edit) is looked at again.
        stored = {key: value for key, value in found if isinstance(value, str)}
        changed: dict[bytes, tuple[list[tuple[str, str]], bool]] = {}
        for home in homes:
            blob = _blob(home)
            key, why_key = "config:" + blob.hex(), "config-why:" + blob.hex()
            try:
                config = os.stat(os.path.join(home, "config.toml"))
            except (FileNotFoundError, NotADirectoryError):
                mark = "none"
            except OSError as error:
                # Not "none": a file that could not be looked at (a home that cannot be
                # entered, a link in a loop) was said unusable at every update, from what was
                # kept, long after there was no file any more.
                mark = f"unseen:{error.errno}"
            else:
                # Its change time too: an edit that keeps the size and the modification time
                # (a copy that preserves times, a coarse clock) still moves it.
                mark = f"{config.st_size}:{config.st_mtime_ns}:{config.st_ctime_ns}:{config.st_ino}"
            # "mark<TAB>tier", and beside it "mark<TAB>why" (empty: the file could be used), a
            # row of its own that the code before never reads: it wrote no words, and its rows
            # of a file then are looked at again, once.
            before = stored.get(key)
            kept_mark, _, kept_tier = (before or "").partition("\t")
            said_mark, _, said = stored.get(why_key, "").partition("\t")
            # (No file has nothing to say: words kept beside "none" were kept by a version that
            # took a file it could not look at for none, and are looked at again.)
            if (
                before is not None
                and kept_mark == mark
                and (not said if mark == "none" else said_mark == mark)
            ):
                if said and problems is not None:
                    problems.append(_config_problem(home, said, kept_tier))
                if tiers is not None:
                    tiers[blob] = kept_tier
                continue
            from codex_presence_gui.core.usage_read import read_service_tier

            tier, why = read_service_tier(home)
            if why and before is not None:
                tier = kept_tier
            # Without a row, the home's files were read with the tier named now (the row is
            # written on their first update, stopped or not).
            moved = (
                before is not None
                and tier != kept_tier
                and self._db.execute(
                    "SELECT 1 FROM files WHERE home = ? LIMIT 1", (blob,)
                ).fetchone()
                is not None
            )
            why = " ".join(why.split()) if why else ""  # one line: kept after a tab
            if why and problems is not None:
                problems.append(_config_problem(home, why, tier))
            if tiers is not None:
                tiers[blob] = tier
            changed[blob] = ([(key, f"{mark}\t{tier}"), (why_key, f"{mark}\t{why}")], moved)
        return changed

    def repaired(self, work: Callable[[], _T]) -> _T:
        """Run ``work`` (an update and reads of this index); should it meet a damaged file
        (SQLite tells only when it reads a damaged page), rebuild the file, with ``notice``
        saying so, and run it once more."""
        try:
            return work()
        except sqlite3.DatabaseError as error:
            if not is_damage(error) or not self.kept:
                raise  # busy past the timeout, read-only, full, failing disk: not damage
            self._rebuild(error)
            return work()

    def _store_refused(self, read: FileRead) -> None:
        """Keep a file whose sums cannot be stored (past 64 bits, also after an append) with
        nothing counted, as a fresh build counts it: unchanged, it is not read again (its
        problem is said again from its row's note); changed in any way, it is read again
        whole, since the digest of its head kept here never matches."""
        if read.fields is None:
            return
        from codex_presence_gui.core.usage_read import FileRead

        fields = list(read.fields)
        fields[5], fields[6] = 0, b""  # the head's length and digest
        fields[7], fields[8] = 0, "{}"  # read to the start, with no state
        fields[14] = None  # no last call
        self._store(FileRead(read.rollout, read.row, fields=tuple(fields)), UpdateResult())

    def _store(self, read: FileRead, result: UpdateResult) -> None:
        """Write what one file's read gave (nothing for a file that could not be read)."""
        result.problems.extend(read.problems)
        if read.fields is None:
            if read.touched is not None and read.row is not None:
                self._db.execute(
                    "UPDATE files SET size = ?, mtime = ?, ctime = ? WHERE id = ?",
                    (*read.touched, read.row[0]),
                )
            return
        result.read += 1
        result.bytes_read += read.bytes_read
        db = self._db
        row = read.row
        fields = read.fields
        if row is None:
            # The same file indexed under another home (one home inside another, given in
            # turn): it moves to this one, its old sums with it out of the index.
            db.execute("DELETE FROM files WHERE path = ?", (_blob(read.rollout.path),))
            file_id = db.execute(
                "INSERT INTO files (path, home, dev, ino, size, mtime, ctime, head_length,"
                " head_digest, read_to, state, session_id, project, cwd, repository,"
                " started_at, last_at, is_fork, recheck_at, name, calls, digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
                (
                    _blob(read.rollout.path),
                    _blob(read.rollout.home),
                    *fields,
                    _blob(_rollout_name(read.rollout.path)),
                ),
            ).lastrowid
        else:
            file_id = row[0]
            if read.restarted:
                db.execute("DELETE FROM usage WHERE file_id = ?", (file_id,))
                db.execute("UPDATE files SET calls = 0 WHERE id = ?", (file_id,))
            else:
                # Appended calls: the last call is the later of the old one and the new ones,
                # and a line stamped in the future before them is still to be waited for.
                last_at, recheck_at = db.execute(
                    "SELECT last_at, recheck_at FROM files WHERE id = ?", (file_id,)
                ).fetchone()
                *rest, new_last, is_fork, new_recheck = fields
                fields = (
                    *rest,
                    _later(last_at, new_last),
                    is_fork,
                    _later(recheck_at, new_recheck),
                )
            db.execute(
                "UPDATE files SET dev = ?, ino = ?, size = ?, mtime = ?, ctime = ?,"
                " head_length = ?, head_digest = ?, read_to = ?, state = ?, session_id = ?,"
                " project = ?, cwd = ?, repository = ?,"
                " started_at = ?, last_at = ?, is_fork = ?, recheck_at = ? WHERE id = ?",
                (*fields, file_id),
            )
        # The note as planned (``_plan``'s row, read in this transaction): an append adds to it.
        before = row[13] if row is not None and not read.restarted else None
        note = _note_text(read.problems, before)
        if note != before:
            db.execute("UPDATE files SET note = ? WHERE id = ?", (note, file_id))
        db.executemany(_ADD_USAGE, [(file_id, *key, *sums) for key, sums in read.sums.items()])
        if read.sums:
            added = sum(sums[0] for sums in read.sums.values())
            db.execute("UPDATE files SET calls = calls + ? WHERE id = ?", (added, file_id))
        # At every write of the file's row: its session fields are in the digest too.
        db.execute(f"UPDATE files SET digest = {_FILE_DIGEST} WHERE id = ?", (file_id,))
        if row is not None and not read.restarted:
            # Added to sums already there: SQLite turns a sum past 64 bits into a float
            # without a word. Refused here, as a fresh read of the file refuses it.
            (inexact,) = db.execute(_INEXACT_SUMS, (file_id,)).fetchone()
            if inexact:
                raise OverflowError("a sum is past 64-bit integers")

    # -- prices (see ``pricing.PriceStore``) -------------------------------------------------

    def load_prices(self, library: str) -> list[PriceSpan]:
        """The unit prices kept for this version of the price library, each with the days
        it holds on."""
        # Here, not at the top: a repeat that prints a kept report asks for no price.
        from decimal import Decimal

        from codex_presence_gui.core.pricing import PriceSpan, UnitPrices

        found: list[PriceSpan] = []
        for model, long_context, tier, first, last, *values in self._db.execute(
            "SELECT model, long_context, service_tier, first_day, last_day, input,"
            " cached_input, output FROM prices WHERE library = ?",
            (library,),
        ):
            try:
                units = None if values == [None] * 3 else UnitPrices(*map(Decimal, values))
                # From 0 to under a dollar per token, as the library's prices are (millionths):
                # a damaged one would fail the report, or make a cost negative or absurd.
                if units is not None and not all(0 <= v < 1 for v in units):
                    continue
                # Days as ``date.isoformat`` writes them, in order: a span is found by
                # comparing the text (a damaged one could otherwise cover every day).
                if not _iso_day(first) or (
                    last is not None and not (_iso_day(last) and first <= last)
                ):
                    continue
            except (ArithmeticError, TypeError, ValueError):
                continue  # unreadable: asked of the library again
            found.append(PriceSpan(model, bool(long_context), tier, first, last, units))
        return found

    def save_price(self, library: str, span: PriceSpan) -> None:
        """Keep one model's unit prices over the days they hold on (None: unknown to the
        library)."""
        units = span.units
        values = (
            (None, None, None)
            if units is None
            else (
                str(units.input),
                str(units.cached_input),
                str(units.output),
            )
        )
        # Busy or read-only: the price is simply asked of the library again next time. A
        # report is not kept waiting for this behind another process's update, nor a
        # stopping window's usage thread at all (a wait's slice for each price met).
        if self._stopping():
            return
        db = self._db
        with _patience(db, PRICE_WAIT_MS / 1000), suppress(sqlite3.OperationalError):
            db.execute(
                "INSERT OR REPLACE INTO prices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (library, span.model, int(span.long_context), *span[2:5], *values),
            )

    # -- reading ----------------------------------------------------------------------------

    def written_mark(self) -> str | None:
        """The index's mark of its last write (a new random one at each update that wrote);
        None before the first. Read within ``snapshot``, it names the sums read there."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'written'").fetchone()
        return row[0] if row is not None and isinstance(row[0], str) else None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads within see the index as it was at one moment, whatever another process (the
        window, another report) commits meanwhile: a report's reads, its projects' names then
        its rows, had each seen the index of their own moment (a row of a project not named
        was a traceback). A query begun within (its first row read) goes on reading that
        moment after it ends: SQLite ends a statement's read only with the statement. Only
        reads within: a write would hold back other processes' until it ends."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def slots(
        self, homes: Sequence[str | Path], since: float | None = None, until: float | None = None
    ) -> Iterator[SlotUsage]:
        """Every (session, quarter hour, model, tier) of the homes' files from ``since`` (Unix
        time, inclusive) to ``until`` (exclusive), by time."""
        from codex_presence_gui.core.models import TokenUsage

        for row in self.slot_rows(homes, since, until):
            yield SlotUsage(
                row[0],
                row[1],
                row[2],
                row[3],
                bool(row[4]),
                row[5],
                TokenUsage(row[6], row[7], row[8], row[9], row[10]),
                row[11],
                row[12],
                row[13],
            )

    def slot_rows(
        self, homes: Sequence[str | Path], since: float | None = None, until: float | None = None
    ) -> Iterator[SlotRow]:
        """``slots`` as flat tuples (see ``SlotRow``), in the same order: what a report reads,
        without building two objects per row."""
        homes = _homes_read(homes)
        marks = _marks(homes)
        blobs = [_blob(home) for home in homes]
        first = None if since is None else int(since // SLOT_SECONDS) * SLOT_SECONDS
        query = (
            _COPIES_LEFT_OUT.format(homes=marks, among="" if first is None else _AMONG_CALLS_SINCE)
            + "SELECT u.slot, f.session_id, f.project, u.model, u.long_context, u.calls, u.input,"
            " u.cached_input, u.output, u.reasoning_output, u.total, u.service_tier, u.last_at,"
            " f.repository FROM usage u JOIN files f ON f.id = u.file_id"
            " WHERE f.home IN " + marks + " AND u.file_id NOT IN copies"
        )
        parameters: list[Any] = blobs * 2 + ([] if first is None else [first]) + blobs
        if first is not None:
            query += " AND u.slot >= ?"
            parameters.append(first)
        if until is not None:
            query += " AND u.slot < ?"
            parameters.append(until)
        # In full: a report's sums kept before a quarter hour go on with the rows after it in
        # the order a whole report adds them; by path, not by id: two indexes that met the
        # files in another order (the window's, built as Codex writes, and a rebuilt one) add
        # the costs of a quarter hour in one order, to the same last digit.
        query += " ORDER BY u.slot, f.path, u.model, u.long_context, u.service_tier"
        cursor = self._db.execute(query, parameters)
        try:
            # Through ``chain``, which ``yield from`` cannot close: rows let go of unread after
            # their connection was closed (damage met by another read while they waited, a
            # price kept: see ``repaired``) went with it, and closing them then had printed
            # "Exception ignored … Cannot operate on a closed database" under the report.
            yield from chain(cursor)
        finally:
            with suppress(sqlite3.ProgrammingError):
                cursor.close()

    def slot_values(self) -> list[int]:
        """Every quarter hour the index has calls in (of any home), in order: fewer than 9,000
        for a season of use, whatever the number of sessions."""
        return [row[0] for row in self._db.execute("SELECT DISTINCT slot FROM usage ORDER BY slot")]

    def largest_sum(self) -> float:
        """A bound on any sum of one count (tokens of a kind, or calls) a report of any homes
        makes: counts are never below zero (see ``_MISTYPED``). SQLite's ``total`` adds them
        as floats, so it is near, not exact."""
        row = self._db.execute(
            "SELECT max(total(calls), total(input), total(cached_input), total(output),"
            " total(reasoning_output), total(total)) FROM usage"
        ).fetchone()
        return float(row[0] or 0.0)

    def session_rows(
        self, homes: Sequence[str | Path], runs: Sequence[tuple[int, int]]
    ) -> Iterator[SessionSlotRow]:
        """``slot_rows`` of the quarter hours within ``runs`` (first and last slot of each,
        inclusive), in the same order, each with its session's place in a session report of
        them (by the last of its calls there, then its id), its number of rows and its first
        start (``session_starts``). The places let a report write each session as soon as
        its rows end, while its totals still add the calls in ``slot_rows``' order (a sum of
        floats depends on its order).

        The query is run here, to its first row: SQLite reads every session's rows to place
        them before it gives one (as it plans the query), so that damage met on the way is
        raised from this call, where a rebuild can follow (``repaired``)."""
        if not runs:
            return iter(())
        return self._db.execute(*_session_rows_query(homes, runs))

    def slot_projects(self, homes: Sequence[str | Path]) -> set[tuple[str, str | None]]:
        """The (project, repository) pairs of the homes' files that ``slot_rows`` gives rows
        of: what a report names projects by, without holding every row to find them."""
        homes = _homes_read(homes)
        marks = _marks(homes)
        query = (
            _COPIES_LEFT_OUT.format(homes=marks, among="")
            + "SELECT DISTINCT f.project, f.repository FROM files f"
            " WHERE f.home IN " + marks + " AND f.id NOT IN copies"
            " AND EXISTS (SELECT 1 FROM usage u WHERE u.file_id = f.id)"
        )
        return set(self._db.execute(query, [_blob(home) for home in homes] * 3))

    def has_sessions(self, homes: Sequence[str | Path], *, with_calls: bool = False) -> bool:
        """Whether the index holds a session of the homes (``sessions`` not empty), or with
        ``with_calls`` one with a call (one whose ``last_at`` is known): asked without
        reading every session (0.1 s at 20,000, each time the Usage page was read)."""
        homes = _homes_read(homes)
        query = "SELECT 1 FROM files WHERE home IN " + _marks(homes)
        if with_calls:
            # (A copy left out of the sums has no more calls than the file kept.)
            query += " AND last_at IS NOT NULL"
        return (
            self._db.execute(query + " LIMIT 1", [_blob(home) for home in homes]).fetchone()
            is not None
        )

    def session_starts(self, homes: Sequence[str | Path]) -> dict[str, float | None]:
        """The first start of each indexed session of the homes (``sessions``' ``started_at``:
        a thread of several files from its first start), without the rest of what
        ``sessions`` tells (held for 100,000 sessions, that had taken 40 MB)."""
        homes = _homes_read(homes)
        marks = _marks(homes)
        query = (
            _COPIES_LEFT_OUT.format(homes=marks, among="")
            + "SELECT session_id, min(started_at) FROM files"
            " WHERE home IN " + marks + " AND id NOT IN copies GROUP BY session_id"
        )
        return dict(self._db.execute(query, [_blob(home) for home in homes] * 3))

    def sessions(self, homes: Sequence[str | Path]) -> dict[str, SessionInfo]:
        """The indexed sessions of the homes, by session id: a thread of several files (a
        reverted thread's new rollout) from its first start to its last call, in the project
        of its latest file."""
        homes = _homes_read(homes)
        marks = _marks(homes)
        query = (
            _COPIES_LEFT_OUT.format(homes=marks, among="")
            + "SELECT session_id, project, cwd, started_at, last_at, is_fork FROM files"
            " WHERE home IN " + marks + " AND id NOT IN copies"
            " ORDER BY last_at IS NULL, last_at"  # the latest file last: its project stays
        )
        found: dict[str, SessionInfo] = {}
        for row in self._db.execute(query, [_blob(home) for home in homes] * 3):
            info = SessionInfo(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
            before = found.get(row[0])
            if before is not None:
                starts = [at for at in (before.started_at, info.started_at) if at is not None]
                lasts = [at for at in (before.last_at, info.last_at) if at is not None]
                info = info._replace(
                    started_at=min(starts, default=None),
                    last_at=max(lasts, default=None),
                    is_fork=before.is_fork or info.is_fork,
                )
            found[row[0]] = info
        return found


#: Problems kept per file, at most (the newest): more than one read of a file can find.
NOTE_PROBLEMS = 8


def _note_text(problems: Iterable[Problem], before: str | None = None) -> str | None:
    """What a file's reads found wrong that leaves its numbers short (skipped lines, a cut
    compressed file, sums that cannot be stored), kept on its row so that every later
    update says it again, as a first build would: one ``kind<TAB>detail`` line each. An
    append's read adds to ``before`` (what earlier reads of the same bytes found): its
    counts of skipped lines are the file's whole counts, so they replace the earlier ones
    of their kind, and an unfinished last line said before is the append's to say again."""
    from codex_presence_gui.core.sanitize import no_surrogates

    # A file name that is not UTF-8 in a detail (its bytes kept as lone surrogates) is written
    # out as ``\xNN``: SQLite's text is UTF-8, and such a name had failed every update.
    new = [
        no_surrogates(f"{problem.kind.value}\t{problem.detail}".replace("\n", " "))
        for problem in problems
    ]
    kinds = {line.partition("\t")[0] for line in new}
    kinds.add(_UNFINISHED)
    kept = [
        line
        for line in (before.split("\n") if before else [])
        if line.partition("\t")[0] not in kinds
    ]
    lines = list(dict.fromkeys(kept + new))
    return "\n".join(lines[-NOTE_PROBLEMS:]) or None


_UNFINISHED = "unfinished_line"  # ProblemKind.UNFINISHED_LINE (not imported for a repeat)


def _config_problem(home: str | Path, why: str, tier: str) -> Problem:
    """What a home's ``config.toml`` that cannot be used costs a report: the calls whose
    session names no tier are priced in the ``tier`` the index last read in it, or, when it
    read none, in the standard one."""
    from codex_presence_gui.core.problems import (
        CONFIG_KEPT_EFFECT,
        CONFIG_UNUSED_EFFECT,
        Problem,
        ProblemKind,
        as_path,
    )

    path = os.path.join(home, "config.toml")
    effect = CONFIG_KEPT_EFFECT.format(tier=tier) if tier else CONFIG_UNUSED_EFFECT
    return Problem(
        ProblemKind.UNREADABLE, f"{path} cannot be used ({why}): {effect}", as_path(path)
    )


def _standing(rows: Iterable[tuple[Any, ...]], read_now: Collection[bytes]) -> list[Problem]:
    """The kept problems of files not read this time (see ``_note_text``)."""
    found: list[Problem] = []
    for row in rows:
        note = row[_NOTE]
        if not note or row[_PATH] in read_now:
            continue
        # Imported only now: a repeat of a clean home needs no problem (nor dataclasses).
        from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

        for line in note.split("\n"):
            kind, _, detail = line.partition("\t")
            try:
                found.append(Problem(ProblemKind(kind), detail, as_path(os.fsdecode(row[_PATH]))))
            except ValueError:  # a kind this version does not know: said as it is
                found.append(Problem(ProblemKind.UNREADABLE, detail or line))
    return found


#: The names ``_rollout_name`` gives a file Codex named (a GLOB pattern: it lowers them).
_CODEX_NAMED = "rollout-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]t*"


#: The copies a report leaves out (``{homes}``: one parameter per home). A
#: copy of a rollout file (a backup, an archived copy left beside the original, a file
#: manager's "copy", a sync tool's conflict file, the same home given twice by another path)
#: holds the same calls: of the files with one session id and name (``_rollout_name``), the
#: one with the most calls counts (a copy taken earlier holds fewer), then the one read
#: furthest, then by path. A file not named as Codex names its logs ("rollout-backup.jsonl")
#: takes the name of the Codex-named file of its session that begins with the same bytes
#: (it had counted twice), when only one does (of two, it could join the wrong one). Only
#: groups of two or more are ranked: most sessions have one file. Files of one thread with
#: other Codex names (a reverted thread's new rollout, ``<thread id>_<rollout id>``) each
#: count. (``{homes}`` is asked for twice here; ``{among}``, "" or ``_AMONG_CALLS_SINCE``,
#: limits the look to some sessions: all their files, so that their ranks stay the same.)
_COPIES_LEFT_OUT = (
    "WITH keyed AS (SELECT id, session_id, calls, read_to, path, CASE WHEN CAST(name AS TEXT)"
    f" GLOB '{_CODEX_NAMED}' THEN name ELSE coalesce((SELECT CASE WHEN"
    " count(DISTINCT g.name) = 1 THEN min(g.name) END FROM files g WHERE g.home IN"
    " {homes} AND g.session_id = files.session_id AND g.head_length = files.head_length"
    " AND g.head_digest = files.head_digest AND CAST(g.name AS TEXT) GLOB"
    f" '{_CODEX_NAMED}'), name) END AS name FROM files WHERE home IN"
    " {homes}{among}),"
    " copies AS (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY session_id,"
    " name ORDER BY calls DESC, read_to DESC, path) AS rank FROM keyed"
    " WHERE (session_id, name) IN (SELECT session_id, name FROM keyed"
    " GROUP BY session_id, name HAVING count(*) > 1)) WHERE rank > 1) "
)

#: ``_COPIES_LEFT_OUT``'s ``among`` for rows from a quarter hour on (its one parameter): only
#: the sessions with calls then are looked at for copies. All of them had been, a read of a
#: week's rows at 20,000 logs taking 50 ms for the 11 rows it found.
_AMONG_CALLS_SINCE = (
    " AND session_id IN (SELECT c.session_id FROM usage s JOIN files c ON c.id = s.file_id"
    " WHERE s.slot >= ?)"
)

#: ``UsageIndex.session_rows`` after ``_COPIES_LEFT_OUT``: each session's place (by the last
#: of its calls within the runs, then its id), rows and first start, then its rows in
#: ``slot_rows``' order, said whole.
_SESSION_ROWS = (
    ", counted AS (SELECT f.session_id AS session_id, max(u.last_at) AS last_at,"
    " count(*) AS row_count FROM usage u JOIN files f ON f.id = u.file_id"
    " WHERE f.home IN {homes} AND u.file_id NOT IN copies{within} GROUP BY f.session_id),"
    " placed AS (SELECT session_id, row_count,"
    " ROW_NUMBER() OVER (ORDER BY last_at, session_id) AS place,"
    " (SELECT min(g.started_at) FROM files g WHERE g.home IN {homes}"
    " AND g.session_id = counted.session_id AND g.id NOT IN copies) AS started_at"
    " FROM counted) "
    "SELECT u.slot, f.session_id, f.project, u.model, u.long_context, u.calls, u.input,"
    " u.cached_input, u.output, u.reasoning_output, u.total, u.service_tier, u.last_at,"
    " f.repository, p.place, p.row_count, p.started_at FROM usage u"
    " JOIN files f ON f.id = u.file_id JOIN placed p ON p.session_id = f.session_id"
    " WHERE f.home IN {homes} AND u.file_id NOT IN copies{within}"
    " ORDER BY u.slot, f.path, u.model, u.long_context, u.service_tier"
)


def _session_rows_query(
    homes: Sequence[str | Path], runs: Sequence[tuple[int, int]]
) -> tuple[str, list[Any]]:
    """``UsageIndex.session_rows``' query and its parameters."""
    homes = _homes_read(homes)
    marks = _marks(homes)
    within = " AND (" + " OR ".join(["u.slot BETWEEN ? AND ?"] * len(runs)) + ")"
    bounds = [bound for run in runs for bound in run]
    blobs = [_blob(home) for home in homes]
    query = _COPIES_LEFT_OUT.format(homes=marks, among="") + _SESSION_ROWS.format(
        homes=marks, within=within
    )
    return query, [*blobs, *blobs, *blobs, *bounds, *blobs, *blobs, *bounds]


def _below(key: bytes, places: set[bytes]) -> bool:
    """Whether the path ``key`` (as the index keeps it) is one of ``places`` (paths as the
    index keeps them, without a trailing separator) or below one: each folder above it is
    looked up, so that many places cost no more than a few."""
    path = key
    while True:
        if path in places:
            return True
        cut = max(path.rfind(separator) for separator in _SEPARATOR_BYTES)
        if cut < 0:
            return False
        if cut == 0:
            return b"" in places  # the root, its separator stripped
        path = path[:cut]


#: The path separators, as bytes (Windows takes ``/`` too).
_SEPARATORS = os.fsencode(os.sep + (os.altsep or ""))
_SEPARATOR_BYTES = [bytes([code]) for code in _SEPARATORS]


def _rollout_name(path: str | Path) -> str:
    """The name that copies of a rollout file share: ``rollout-<time>-<thread id>``, with a
    reverted thread's ``_<rollout id>``, wherever it is in the name (``… copy.jsonl``, ``… -
    Copy.jsonl``, ``….sync-conflict-….jsonl``); else the name without ``.zst``."""
    import re  # here, not for a repeat: only when a file is stored

    name = os.path.basename(path)
    found = re.search(
        r"rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-fA-F-]{36}(?:_[0-9a-fA-F-]{36})?",
        name,
    )
    return found.group(0).lower() if found else name.removesuffix(".zst")


def _once_each(
    walked: Sequence[tuple[str | Path, FileStat, str | Path, bool]],
) -> Sequence[tuple[str | Path, FileStat, str | Path, bool]]:
    """The walk without a file reached again by another path (a home given as itself and as
    a symlink to it, a symlinked or hard-linked log): its calls count once, under the first
    path. Files are told apart by device and inode (0 where the system gives none)."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for item in walked:
        stat = item[1]
        if stat.ino:
            key = (stat.dev, stat.ino)
            if key in seen:
                continue
            seen.add(key)
        kept.append(item)
    return kept if len(kept) < len(walked) else walked


#: The tables of an index (a file that lacks one is rebuilt).
_TABLES = frozenset({"meta", "files", "usage", "prices"})
#: What SQLite says of a file that is not, or no longer, a usable index: rebuilt from the
#: logs. Anything else (busy, read-only, full, an I/O error) is the machine's to fix. The
#: index never writes a row that clashes with another (a file's row is removed before it is
#: made anew, sums are added to theirs): a clash says that a table's own index has lost rows
#: (damage that SQLite's quick check does not see).
_DAMAGE = frozenset(
    {
        "SQLITE_CORRUPT",
        "SQLITE_NOTADB",
        "SQLITE_ERROR",
        "SQLITE_MISMATCH",
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_CONSTRAINT_PRIMARYKEY",
    }
)


class IndexBusyError(sqlite3.OperationalError):
    """Another process has held the index's lock for ``BUSY_TIMEOUT_S``."""


class WaitStoppedError(IndexBusyError):
    """A wait for another process holding the index, or a long step of the index's own (see
    ``STOP_CHECK_STEPS``), given up because the caller asked to stop (``UsageIndex``'s
    ``should_stop``): nothing was written by the step given up, and the file is as the other
    process leaves it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was given up: asked to stop")


#: What SQLite says when another connection holds what a statement needs, after its busy
#: timeout (a stale snapshot, ``SQLITE_BUSY_SNAPSHOT``, is never waited out: it stays stale).
_WAITED = frozenset({"SQLITE_BUSY", "SQLITE_BUSY_RECOVERY", "SQLITE_BUSY_TIMEOUT"})


class _PatientConnection(sqlite3.Connection):
    """A connection to the index whose waits for another process are SQLite's busy timeout
    of ``WAIT_SLICE_S``, tried again until ``patience_s`` (``BUSY_TIMEOUT_S`` when None) has
    passed: between tries ``stopping`` is asked (True: ``WaitStoppedError``), and ``waiting``
    is told once the wait has lasted ``WAIT_NOTICE_S``. One wait of SQLite's own, 60 s long,
    had kept the window's usage thread (and its quit) waiting behind a ``report``.

    A statement is tried again only where trying again can succeed: outside a transaction, or
    as the first statement after a deferred ``BEGIN`` (which takes the read lock); later in a
    transaction (holding locks already), SQLite's one short wait is all."""

    waiting: Callable[[], None] | None = None
    stopping: Callable[[], bool] | None = None
    patience_s: float | None = None
    _fresh = False  # the last statement was a deferred BEGIN

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        again = not self.in_transaction or self._fresh
        self._fresh = False
        cursor = self._patiently(lambda: sqlite3.Connection.execute(self, sql, parameters), again)
        self._fresh = sql == "BEGIN"
        return cursor

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        self._fresh = False
        return sqlite3.Connection.executemany(self, sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        self._fresh = False
        again = not self.in_transaction

        def run() -> sqlite3.Cursor:
            try:
                return sqlite3.Connection.executescript(self, script)
            except sqlite3.OperationalError:
                _roll_back(self)  # the script begins again whole
                raise

        return self._patiently(run, again)

    def _patiently(self, step: Callable[[], _T], again: bool) -> _T:
        started = time.monotonic()
        told = self.waiting is None
        while True:
            tried = time.monotonic()
            try:
                return step()
            except sqlite3.OperationalError as error:
                name = getattr(error, "sqlite_errorname", None)
                if name == "SQLITE_INTERRUPT" and self.stopping is not None and self.stopping():
                    raise WaitStoppedError("a long step of the index") from error
                if not again or name not in _WAITED:
                    raise
                if self.stopping is not None and self.stopping():
                    raise WaitStoppedError("the wait for another process") from error
                now = time.monotonic()
                patience = BUSY_TIMEOUT_S if self.patience_s is None else self.patience_s
                if now - started >= patience:
                    raise
                if not told and now - started >= WAIT_NOTICE_S:
                    told = True
                    assert self.waiting is not None
                    self.waiting()
                # SQLite says busy at once, without its wait, where waiting cannot help it
                # (a reader kept out by a lock it may not wait for): not a busy loop.
                time.sleep(max(0.0, min(WAIT_SLICE_S - (now - tried), started + patience - now)))


@contextmanager
def _patience(db: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """Waits for another process within last at most ``seconds`` (a cache's write: the
    price, a cut WAL, is simply not kept this time)."""
    assert isinstance(db, _PatientConnection)
    before = db.patience_s
    db.patience_s = seconds
    try:
        yield
    finally:
        db.patience_s = before


def is_busy(error: BaseException) -> bool:
    """True when ``error`` says another process holds the index (for now), not that the
    file or its folder cannot be used."""
    if isinstance(error, IndexBusyError):
        return True
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def busy_wait_text() -> str:
    """How long a wait for another process holding the index lasts (``BUSY_TIMEOUT_S``), as
    every duration is written: "1m", not "60 s" (a whole number of minutes as such)."""
    from codex_presence_gui.core.formatting import format_duration

    return format_duration(BUSY_TIMEOUT_S, least=60 if BUSY_TIMEOUT_S % 60 == 0 else 1)


def index_problem(path: str | Path, error: BaseException) -> str:
    """What is wrong with the index file at ``path``, in plain words (lower case: it goes
    after ``report:`` or within a sentence): busy, or why it cannot be kept (an OS error by
    its description, and the file it names when that is not the index itself)."""
    if is_busy(error):
        return f"the usage index in {path} is busy ({error})"
    named = getattr(error, "filename", None)
    blocker = None
    if isinstance(error, FileExistsError | NotADirectoryError) and named is not None:
        blocker = _not_a_folder(os.fsdecode(named))
    if blocker is not None:
        reason = f"{blocker} is not a folder"  # what makedirs says in its own words
    else:
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        said = isinstance(error, NotAFileError)  # names the file in its words already
        if named is not None and os.fspath(named) != os.fspath(path) and not said:
            reason = f"{reason}: {os.fsdecode(named)}"
        elif str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_IOERR") and (
            _disk_full(os.path.dirname(os.fspath(path)) or os.curdir)
        ):
            # SQLite sizes its -shm file on disk: on a full disk that fails as "disk I/O
            # error", which had read as a failing disk.
            reason = f"{reason}: the disk is full"
    return f"the usage index cannot be kept in {path} ({reason})"


#: The free room a new index asks for before it is made (a first build, a rebuild), and the
#: window's tries of the file after a failure: on a nearly full disk, a first build had filled
#: it to its last byte and left its -wal there, which SQLite had no room to write back (and
#: Codex's logs, on the same disk most often, had none to grow).
INDEX_ROOM_BYTES = 64 * 1024 * 1024


def _room_for_a_new_index(folder: str) -> None:
    """Raise ``OSError`` (ENOSPC) when ``folder``'s disk has less than ``INDEX_ROOM_BYTES``
    free: the index is then read in memory, and nothing is written."""
    free = _free_bytes(folder)
    if free is not None and free < INDEX_ROOM_BYTES:  # (not known: making the file says)
        room = f"{free // 1024} KiB" if free < 1 << 20 else f"{free >> 20} MiB"
        raise OSError(
            errno.ENOSPC,
            f"the disk is nearly full: {room} free, where a new index asks for "
            f"{INDEX_ROOM_BYTES >> 20} MiB",
        )


#: Less free room than this on the index's disk, and a write error is said to be a full disk.
_FULL_DISK_BYTES = 1 << 20


def _disk_full(folder: str) -> bool:
    free = _free_bytes(folder)
    return free is not None and free < _FULL_DISK_BYTES


def _free_bytes(folder: str) -> int | None:
    """The free room on ``folder``'s disk; None when it cannot be told."""
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except (OSError, ValueError):
        return None


#: How every SQLite database file begins.
_SQLITE_HEADER = b"SQLite format 3\x00"


def _holds_no_user_data(database: str) -> bool:
    """Whether the file at ``database`` may be removed for a new index: gone, empty, or an
    SQLite database that holds no tables but an index's (a damaged or old index). A database
    with tables of its own (a link at the index's place leading to the user's ``notes.db``)
    is theirs: its tables had been dropped for the index's."""
    try:
        # Never waits: a named pipe put there meanwhile is no file to read.
        fd = os.open(database, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, len(_SQLITE_HEADER))
    except OSError:
        return False
    finally:
        os.close(fd)
    return not head or (head == _SQLITE_HEADER and not _foreign_tables(database))


def _foreign_tables(database: str) -> bool:
    """Whether the SQLite database at ``database`` has a table that no index of any version
    makes; False where its tables cannot be read (damage: an index's, as far as anyone can
    tell, rebuilt as before)."""
    from urllib.parse import quote

    try:
        db = sqlite3.connect(f"file:{quote(database)}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        names = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return any(not name.startswith("sqlite_") and name not in _INDEX_TABLES for name in names)


#: The tables an index makes, the same in every version so far (an old index, reached
#: through a link, is rebuilt in its place).
_INDEX_TABLES = frozenset({"meta", "files", "usage", "prices"})


def _refuse_what_is_no_file(path: str | Path) -> None:
    """Raise ``NotAFileError`` when a folder, a named pipe, a device or a socket is where the
    index or SQLite's ``-wal``, ``-shm`` and ``-journal`` files beside it go (through a link
    too: SQLite follows it; a link at those three is refused itself), or a link there leads
    to a file that is no SQLite database (``_holds_no_user_data``). SQLite would open it and
    read it as an empty database or as damage, and the index would write into it or remove
    it: the app leaves alone what it did not make, and says what is there. A link loop raises
    its own error here."""
    database = os.path.realpath(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        where = f"{database}{suffix}" if suffix else os.fspath(path)
        if suffix and os.path.islink(where):
            # SQLite makes these itself and refuses one through a link ("unable to open
            # database file", said of the index, not of the link), or removes it as a stale
            # journal: the link is named, and left as it is.
            raise NotAFileError(
                where, f"a link is at {where} instead of a file; it is left as it is"
            )
        try:
            mode = os.stat(where).st_mode
        except FileNotFoundError:
            continue
        if not S_ISREG(mode):
            place = "there" if not suffix else f"at {where}"
            why = f"{kind_of(mode)} is {place} instead of a file; it is left as it is"
            raise NotAFileError(where, why)
    if database != os.path.abspath(path) and not _holds_no_user_data(database):
        # SQLite would write its tables into a short file, and a rebuild remove a long one.
        raise NotAFileError(os.fspath(path), _other_file(database))


def _other_file(database: str) -> str:
    return f"a link to {database}, which is not a usage index, is there; it is left as it is"


def _not_a_folder(path: str) -> str | None:
    """The first of ``path`` and the folders above it that is there but is no folder (a
    file, or a link that leads nowhere)."""
    while True:
        if os.path.lexists(path) and not os.path.isdir(path):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _mistyped(db: sqlite3.Connection) -> bool:
    """Whether a row holds a value of another type than the index writes, or one it never
    writes (``_MISTYPED``)."""
    return db.execute(_MISTYPED).fetchone() is not None


def _damage(what: str) -> sqlite3.DatabaseError:
    """Damage that SQLite cannot see (a file it reads well, holding what no index holds),
    raised as SQLite raises its own: ``UsageIndex.repaired`` rebuilds the file."""
    error = sqlite3.DatabaseError(what)
    error.sqlite_errorname = "SQLITE_MISMATCH"
    return error


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """True when ``error`` says the file is damaged or not an index (see ``_DAMAGE``), or
    holds a text that is not UTF-8 (a damaged record: SQLite reads it well, Python cannot). Any
    other error SQLite did not raise (a closed connection, a wrong parameter) is never damage."""
    # Python 3.11 on (the project's least) names every error SQLite raises, by its extended
    # code where it has one: SQLite names kinds of corruption too (``SQLITE_CORRUPT_INDEX``:
    # an index out of step with its table).
    name = getattr(error, "sqlite_errorname", None) or ""
    return name in _DAMAGE or name.startswith("SQLITE_CORRUPT_") or _undecodable(error)


#: How Python's sqlite3 begins to say that a text in the file is not UTF-8.
_NOT_UTF8 = "Could not decode to UTF-8"


def _undecodable(error: sqlite3.DatabaseError) -> bool:
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith(_NOT_UTF8)


def _described(error: sqlite3.DatabaseError) -> str:
    """What is wrong with a damaged file, in a notice: SQLite's words, or plain ones for a text
    that is not UTF-8 (Python's words quote its bytes)."""
    return "a text in it is not UTF-8" if _undecodable(error) else str(error)


def _roll_back(db: sqlite3.Connection) -> None:
    """End the open transaction, if SQLite has not already ended it (as it does on a full
    disk or an I/O error): the error that ended it is the one to tell, not a failed ROLLBACK
    (which would also pass for damage and get the file removed)."""
    if db.in_transaction:
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _use_wal(db: sqlite3.Connection) -> sqlite3.Connection:
    """``db`` in WAL mode, which lets the window read while a report writes (SQLite keeps it
    in the file: a no-op for an index already in it)."""
    db.execute("PRAGMA journal_mode=WAL")
    return db


def _empty_wal(db: sqlite3.Connection) -> None:
    """Copy the WAL's pages into the file and cut the WAL to nothing. SQLite keeps a WAL's
    size for reuse, also the pages of a transaction rolled back: an update that failed for a
    full disk had left the disk full after the report (and after the window's update). Best
    effort: other processes' reads are waited for only briefly, and a full disk also fails
    this when committed pages are to be copied into a file that must grow for them."""
    with _patience(db, PRICE_WAIT_MS / 1000), suppress(sqlite3.Error):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


#: How many indexes of this process are open on each file (by the path they were given):
#: ``_leave_no_wal`` leaves the files of one still open here alone, as the lock ``_in_use``
#: looks for does not tell this process's own. (One let go of unclosed stays counted: its
#: files are left as SQLite leaves them.) A count, not a set of weak references: importing
#: ``weakref`` had cost every repeated report 0.3 ms.
_OPEN_HERE: dict[str, int] = {}
#: Indexes are opened and closed in more than one thread (the window's usage thread, and a
#: new one while the last ends after a change of folders): a count is never lost.
_OPEN_HERE_LOCK = _thread.allocate_lock()


class _StopAskers:
    """What an index's waits ask whether to stop: its caller's ``should_stop``, and the
    running update's (``update``). Held by its connections in place of the index itself."""

    __slots__ = ("caller", "storing", "update")

    def __init__(self, caller: Callable[[], bool] | None) -> None:
        self.caller = caller
        self.update: Callable[[], bool] | None = None
        #: An update is writing the files it read (till its commit or rollback).
        self.storing = False

    def __call__(self) -> bool:
        return any(ask is not None and ask() for ask in (self.caller, self.update))

    def interrupts(self) -> bool:
        """Whether SQLite gives up the statement under way (its progress handler): when asked
        to stop, but not while an update writes what it read. An interrupted write takes
        its whole transaction back with it, and a quit during a first build had lost every
        file read so far; the update asks between files, and commits what it read."""
        return not self.storing and self()


def _leave_no_wal(path: str | Path, *, locked: bool = False) -> None:
    """Remove the empty ``-wal`` file and the ``-shm`` file SQLite left beside the index
    when the last connection to it closed. SQLite removes them itself as the last
    connection closes, unless its -shm file cannot be grown to its size: on a full disk the
    first update (or opening) fails so, and an empty -wal and a 24 KB -shm had stayed after
    the report and the window. An empty WAL holds no committed write, and with no connection
    left (``_in_use``, none of this process's: ``_OPEN_HERE``, and ``.lock`` held: no process
    opening it meanwhile) the -shm holds nothing either; a WAL with pages in it is never
    touched. Best effort: what cannot be looked at or removed stays, as SQLite leaves it."""
    database = os.path.realpath(path)
    with _OPEN_HERE_LOCK:
        others = list(_OPEN_HERE)
    if any(os.path.realpath(other) == database for other in others):
        return
    wal, shm = f"{database}-wal", f"{database}-shm"
    left: list[str] = []
    for name in (wal, shm):
        try:
            info = os.lstat(name)
        except FileNotFoundError:
            continue
        except OSError:
            return
        if not S_ISREG(info.st_mode) or (name == wal and info.st_size > 0):
            return  # not SQLite's (left as it is), or a WAL with writes in it
        left.append(name)
    if not left:
        return  # (SQLite removed them: the usual close)
    try:
        fd = None if locked else _open_lock(f"{path}.lock")
    except OSError:
        return
    try:
        if fd is not None and not _try_lock(fd):
            return  # another process is opening the index: the files are its own now
        try:
            if (wal in left and os.lstat(wal).st_size > 0) or _in_use(database):
                return
            for name in left:
                with suppress(OSError):
                    os.remove(name)
        finally:
            if fd is not None:
                _unlock(fd)
    except OSError:
        return
    finally:
        if fd is not None:
            os.close(fd)


def _is_overflow(error: sqlite3.Error) -> bool:
    """SQLite's own complaint about a sum past its 64-bit integers."""
    return "overflow" in str(error).lower()


@contextmanager
def _exclusive(
    lock_path: str,
    waiting: Callable[[], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[None]:
    """Hold an advisory lock on ``lock_path`` (made when missing) against other processes;
    it goes when the file is closed, also when the process dies. Waits as long as SQLite
    waits for a writer (``BUSY_TIMEOUT_S``) on every system, then raises
    ``IndexBusyError``; ``waiting`` is told once the wait has lasted ``WAIT_NOTICE_S``, and
    ``should_stop`` is asked between tries (True: ``WaitStoppedError``).

    Raises:
        NotAFileError: what is at ``lock_path`` is no file (``_open_lock``).
    """
    fd = _open_lock(lock_path)
    try:
        started = time.monotonic()
        deadline = started + BUSY_TIMEOUT_S
        told = waiting is None
        while not _try_lock(fd):
            now = time.monotonic()
            if not told and now - started >= WAIT_NOTICE_S:
                told = True
                assert waiting is not None
                waiting()
            if should_stop is not None and should_stop():
                raise WaitStoppedError(f"the wait for another process to let go of {lock_path}")
            if now > deadline:
                raise IndexBusyError(
                    f"another process has held {lock_path} for {BUSY_TIMEOUT_S:.0f} s"
                )
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


#: Opening a FIFO, a device or a socket never waits (a FIFO for a reader), and a terminal
#: never becomes the process's: see ``_open_lock``.
_LOCK_OPEN = os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _open_lock(lock_path: str) -> int:
    """The lock file at ``lock_path`` open for the lock (made when missing), as
    ``_refuse_what_is_no_file`` has it for the index: a folder, a named pipe, a device or a
    socket there (or a link to one) is named in plain words and left as it is, never opened
    for writing (looked at first, through a link) nor waited on. What takes its place between
    the look and the opening is found by the opened file's own kind, and closed untouched."""
    try:
        mode: int | None = os.stat(lock_path).st_mode
    except FileNotFoundError:
        mode = None  # made by the opening (a link leading nowhere: where it leads)
    if mode is not None and not S_ISREG(mode):
        raise _no_lock_file(lock_path, mode)
    fd = os.open(lock_path, _LOCK_OPEN, 0o600)
    try:
        mode = os.fstat(fd).st_mode
        if not S_ISREG(mode):
            raise _no_lock_file(lock_path, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _no_lock_file(lock_path: str, mode: int) -> NotAFileError:
    why = f"{kind_of(mode)} is at {lock_path} instead of a file; it is left as it is"
    return NotAFileError(lock_path, why)


def _try_lock(fd: int) -> bool:
    """Take the lock on ``fd`` if no other process holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            # Held by another process: Windows says "resource deadlock" or "access denied".
            if error.errno in _HELD_ERRNOS:
                return False
            raise
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


_HELD_ERRNOS = {
    getattr(errno, name, None) for name in ("EDEADLOCK", "EDEADLK", "EACCES", "EAGAIN")
} - {None}


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _file_key(path: str | Path) -> tuple[int, int] | None:
    """The (device, inode) of the file at ``path`` now; None when there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _later(first: float | None, second: float | None) -> float | None:
    """The later of two times, either of which may be unknown."""
    if first is None:
        return second
    return first if second is None or second < first else second


def _rollout(path: str | Path, stat: FileStat, home: str | Path, archived: bool) -> RolloutFile:
    """A file to read, its path and home kept as the texts the walk gave (see
    ``discovery.home_texts``): the reader takes texts as well as paths, so that reading what
    was added to a file never imports pathlib (problems still name ``Path`` objects)."""
    return RolloutFile(path, stat, home, archived)  # type: ignore[arg-type]


#: The index's file name in the user cache folder. It carries the schema version: two versions
#: of the app at once (a window started before an upgrade, and the new command line; a trial
#: of a new version beside the installed one) each keep their own index, instead of each
#: rebuilding the other's from the logs at every update.
INDEX_NAME = f"usage-index-v{SCHEMA_VERSION}.sqlite3"
#: The name before it carried the version (schemas up to 7).
_UNVERSIONED_NAME = "usage-index.sqlite3"
#: Another version's index (its database, ``-wal``, ``-shm``, ``-journal`` and ``.lock`` files)
#: is removed once none of its files has changed for this long and no process has it open.
OTHER_VERSION_KEEP_S = 14 * 86400


def remove_other_versions(folder: str | Path, now: float) -> list[str]:
    """Remove from ``folder`` the index files of other versions of the app that have not
    changed for ``OTHER_VERSION_KEEP_S``; return the names removed. Best effort: a file that
    cannot be removed (Windows: another process has it open) stays, and is tried again at
    the next opening."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    others: dict[str, list[str]] = {}
    for name in names:
        base = _index_base(name)
        if base is not None and base != INDEX_NAME:
            others.setdefault(base, []).append(name)
    removed: list[str] = []
    for base, members in others.items():
        try:
            # lstat: a link's own time (a dangling one would otherwise keep its group).
            found = {name: os.lstat(os.path.join(folder, name)) for name in members}
        except OSError:
            continue
        newest = max(info.st_mtime for info in found.values())
        if now - newest < OTHER_VERSION_KEEP_S or _in_use(os.path.join(folder, base)):
            continue
        # Regular files, and links (removing one leaves what it leads to): the app made no
        # other kind, and a pipe, a device or a folder under such a name is someone else's.
        mine = [
            name for name, info in found.items() if S_ISREG(info.st_mode) or S_ISLNK(info.st_mode)
        ]
        # The database last: a lock or journal file of it left behind would do no harm.
        for name in sorted(mine, key=lambda name: name == _index_base(name)):
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                continue
            removed.append(name)
    return removed


def _in_use(database: str) -> bool:
    """True when a process has the WAL database open: SQLite keeps a shared lock on byte
    128 of its ``-shm`` file for each open connection (and removes the file when the last one
    closes). A version left running while no session moved for weeks writes nothing, but
    keeps its index open. Windows refuses to remove an open file anyway.

    What is no file there (a named pipe, a device, a socket, a folder, a link) is looked at
    before any opening, as ``_open_lock`` does, and never opened for writing: SQLite did not
    make it, so whether the index is in use cannot be told, and it is kept (True)."""
    if sys.platform == "win32":
        return False
    shm = f"{database}-shm"
    try:
        if not S_ISREG(os.lstat(shm).st_mode):
            return True  # cannot tell: kept
        fd = os.open(shm, _SHM_OPEN)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: kept
    try:
        if not S_ISREG(os.fstat(fd).st_mode):
            return True  # put there after the look: closed untouched, and kept
        import fcntl

        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


#: How ``_in_use`` opens another version's ``-shm`` file: never through a link, and never
#: waiting on (nor taking as the process's terminal) what took the file's place after the look.
_SHM_OPEN = (
    os.O_RDWR
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
)
#: SQLite's "dead man switch" byte in a WAL database's ``-shm`` file (os_unix.c: the 8 lock
#: bytes start at 120).
_SHM_DMS_BYTE = 128


def _index_base(name: str) -> str | None:
    """The database file ``name`` belongs to, when it is one of an index's files (any
    version); None otherwise."""
    for suffix in ("-wal", "-shm", "-journal", ".lock"):
        if name.endswith(suffix):
            name = name.removesuffix(suffix)
            break
    if name == _UNVERSIONED_NAME:
        return name
    version = name.removeprefix("usage-index-v").removesuffix(".sqlite3")
    if (
        name.startswith("usage-index-v")
        and name.endswith(".sqlite3")
        and version.isascii()
        and version.isdigit()
    ):
        return name
    return None


def default_index_path() -> Path:
    """Where the window and the command line keep the index: the user cache folder."""
    from codex_presence_gui.paths import cache_dir

    return cache_dir() / INDEX_NAME
