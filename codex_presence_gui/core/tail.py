"""One followed log file: regular files only, known by stat and first bytes; one line splitter."""

from __future__ import annotations

import enum
import errno
import os
import re
import stat as stat_module
from contextlib import contextmanager
from functools import cache

from codex_presence_gui.core.discovery import FileStat as FileStat  # importable from here too
from codex_presence_gui.core.jsonl import (
    MAX_DECODE_BYTES,
    PREFIX_BYTES,
    SUFFIX_SEARCH_BYTES,
    is_header_line,
)
from codex_presence_gui.core.records import NamedTuple
from codex_presence_gui.paths import NotAFileError, read_regular

TYPE_CHECKING = False  # typing and pathlib are not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from mmap import mmap
    from pathlib import Path
    from typing import IO, Any, Protocol

    from codex_presence_gui.core.problems import Problem
else:
    Protocol = object  # a protocol for the type checker only

try:  # blake2b without hashlib, which loads OpenSSL first (the same digests)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b as _blake2b

CHUNK_BYTES = 1 << 20
#: Bytes of a file mapped at a time when ``map_files`` is set.
MAP_WINDOW_BYTES = 64 * 1024 * 1024
#: Read plain files through maps instead of copies (set in the usage index's worker
#: processes, where a file cut short under a map ends the worker, not the app: see
#: ``usage_read``).
map_files = False
HEAD_CHUNK_BYTES = 32 * 1024
FIRST_BACKWARD_BLOCK_BYTES = 32 * 1024
BACKWARD_BLOCK_BYTES = 1 << 20
#: A file with more stretches of data than this between holes is searched as if it had no
#: holes (a log has one: holes come only from a file extended without writing, a sparse one).
MAX_DATA_EXTENTS = 64
#: A hole this big is passed over unread by a forward read (a smaller one is read as NULs).
HOLE_MIN_BYTES = CHUNK_BYTES
#: The backward scan hands lines longer than this over as their two ends only.
LONG_LINE_BYTES = 64 * 1024
#: Bytes of an over-long line's end that are kept (enough for an assistant message's phase).
SUFFIX_BYTES = SUFFIX_SEARCH_BYTES
#: How many leading bytes identify a file's content: a file rewritten in place, or a new file
#: that got the old one's inode, starts differently (Codex's first line holds a session id).
FINGERPRINT_BYTES = 4096
#: Decompressed bytes read from one ``.jsonl.zst`` at most, unless the file is big enough to
#: hold more at a log's ratio (see ``MAX_EXPANSION``): a "zip bomb" would otherwise cost
#: minutes. What came before the cap is kept.
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024
#: A compressed log may expand to this many times its size before it is taken for a bomb:
#: logs compress about ten times, a bomb thousands of times. Codex compresses the logs of
#: old sessions, which reach gigabytes: a 20 MB one is read whole (to 2 GB), not cut at 256 MiB.
MAX_EXPANSION = 100
#: An unfinished last line this long is reported: it is either a stuck write or no log.
UNFINISHED_LINE_BYTES = 64 * 1024 * 1024

_MIB = 1024 * 1024
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # Windows has none, and no FIFOs in the tree either
_BINARY = getattr(os, "O_BINARY", 0)


class LineSink(Protocol):
    """Receives the complete lines of a file, in order.

    A sink may also have a ``skip`` attribute: None, or a function (a compiled pattern's
    ``match``) that, given a block of bytes and a line's bounds in it, is not None for a line
    the sink does not need. The splitter then passes such a line over without copying it out,
    and reads ``skip`` again after each line it hands on (a line may change what is needed).
    It asks ``skip`` of every line, one held across two blocks too: a line handed on while
    ``skip`` is set is one it let through, which the sink need not ask again.

    A sink may also have a ``no_object_run(count, last)`` method: lines one after the other
    that hold no ``{`` (each short, naming nothing of ``_NAMED``, in one block) are then
    handed on as one call, ``count`` of them, ``last`` the last; ``skip`` must pass them
    (it is asked of each line first). Such a line is malformed whatever else it holds, and a
    log of millions of ``x`` had cost a call each.

    A sink may also have a ``same_lines(data, count)`` method: a short line (at most
    ``SAME_LINE_BYTES``) followed right away by copies of itself, byte for byte, is then
    handed on as one call, ``count`` lines in all, which must leave the sink as ``count``
    calls of ``line`` would. Only the first was asked ``skip``: the sink tells the copies
    itself. A damaged or hostile log's millions of ``{}`` had cost a call each.
    """

    def line(self, data: bytes) -> None:
        """A complete line, without LF or CR, at most the cap long."""

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        """A line over the cap: only its first and last bytes were kept."""


class Change(enum.Enum):
    """What happened to a file since the last look."""

    UNCHANGED = "unchanged"
    GREW = "grew"
    RESTART = "restart"  # new file, rewritten, replaced or mtime went backwards: read from 0
    MISSING = "missing"
    ERROR = "error"


class Identity(NamedTuple):
    """What was read: the file's stat and a digest of its first ``length`` bytes."""

    stat: FileStat
    length: int
    digest: bytes


class NotARegularFileError(OSError):
    """A FIFO, device, socket or folder where a log was expected."""


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    """A scan ended early because ``should_stop`` said so; nothing it read may be kept."""


def is_compressed(path: str | Path) -> bool:
    """True for ``.jsonl.zst`` rollouts."""
    return os.fspath(path).endswith(".zst")


def describe(path: str | Path, error: OSError) -> Problem:
    """The problem for an ``OSError`` met while reading ``path``."""
    # Imported here: reading that meets no problem never needs them.
    from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

    if isinstance(error, NotARegularFileError):
        return Problem(ProblemKind.NOT_A_FILE, f"skipped {path}: not a regular file", as_path(path))
    detail = f"cannot read {path}: {error.strerror or error}"
    return Problem(ProblemKind.UNREADABLE, detail, as_path(path))


@contextmanager
def open_regular(path: str | Path) -> Iterator[IO[bytes]]:
    """Open ``path`` for reading if it is a regular file (else raise ``NotARegularFileError``).

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; ``fstat``
    of the open descriptor then refuses it (a path checked before opening may be swapped).
    """
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFileError(f"{path}: not a regular file")
        if _NONBLOCK:
            os.set_blocking(fd, True)  # a regular file never blocks; plain reads from here on
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        yield handle


def read_start(path: str | Path, length: int) -> tuple[FileStat, bytes]:
    """The stat of a regular file and its first ``length`` bytes (fewer at its end), in one
    read with no buffered file object: the cheapest way to read a small file whole (the
    reader meets tens of thousands of them). A FIFO is refused as by ``open_regular``.

    Raises:
        OSError: ``NotARegularFileError``, or the file cannot be opened or read.
    """
    try:
        info, data = read_regular(path, length)
    except NotAFileError:
        raise NotARegularFileError(f"{path}: not a regular file") from None
    return FileStat.from_stat(info), data


def fingerprint(data: bytes) -> bytes:
    """The digest of a file's first bytes that its ``Identity`` keeps."""
    return _blake2b(data, digest_size=16).digest()


def _before(handle: IO[bytes], end: int) -> bytes:
    """The (up to) ``FINGERPRINT_BYTES`` bytes before offset ``end``."""
    start = max(end - FINGERPRINT_BYTES, 0)
    handle.seek(start)
    return handle.read(end - start)


def _head(handle: IO[bytes], length: int) -> bytes:
    """The first ``length`` bytes; the position stays (``os.pread`` is not on Windows)."""
    position = handle.tell()
    handle.seek(0)
    data = handle.read(length)
    handle.seek(position)
    return data


def identity_of(handle: IO[bytes]) -> Identity:
    """The identity of an open file."""
    stat = FileStat.from_stat(os.fstat(handle.fileno()))
    head = _head(handle, FINGERPRINT_BYTES)
    return Identity(stat, len(head), fingerprint(head))


# Patterns in functions are compiled when first used (50 µs each at import otherwise): a
# report that reads a few new lines needs few of them.
# Possessive: a greedy group keeps a step to go back to for each line it takes (115 bytes
# each: a map's window of 64 million empty lines would have cost gigabytes).
@cache
def _empty_lines() -> re.Pattern[bytes]:
    return re.compile(rb"(?:\r?\n)++")


#: What a line with no ``{`` may hold that a reader looks at before it tells it malformed (a
#: type the backward scan may pass over as an older copy, ``_BackwardGoals.superseded``; the
#: name of a header line, ``is_header_line``): such a line is handed on alone, never in a run
#: of lines that cannot be JSON (``NoObjectRun``, ``no_object_run``).
_NAMED = (b'"type":"t', b'"session_meta"')


def _names(line: bytes) -> bool:
    return any(needle in line for needle in _NAMED)


def _forward_run_pattern(cap: int) -> re.Pattern[bytes]:
    """Complete lines (LF included) that hold no ``{``, are no longer than ``cap`` and name
    nothing (``_NAMED``), one after the other. Possessive: no line is looked at twice."""
    named = b"|".join(re.escape(needle) for needle in _NAMED)
    return re.compile(rb"(?:(?:(?!%s)[^{\n]){0,%d}+\n)++" % (named, cap))


# An empty line (LF or CRLF) right after an LF.
@cache
def _blank_after_lf() -> re.Pattern[bytes]:
    return re.compile(rb"(?<=\n)\r?\n")


#: Lines up to this long are looked at for copies of themselves right after them (see
#: ``LineSink.same_lines`` and ``SameLines``): none of Codex's lines is this short (each
#: opens with its time and type), a flood of ``{}`` is.
SAME_LINE_BYTES = 64
#: The longest stretch of copies compared in one go: doubled from one copy up to this.
_COPIES_COMPARED_BYTES = 1 << 16


def _copies(data: bytes | mmap, at: int, unit: bytes, *, before: bool = False) -> int:
    """How many copies of ``unit`` follow one another in ``data`` from offset ``at`` on (or,
    ``before``, end there, going back): compared a doubling stretch at a time, so that a run
    of millions costs a few hundred comparisons, not a turn of a loop each."""
    count, copies, stretch = 0, 1, unit
    while True:
        size = len(stretch)
        if before:
            found = at >= size and data[at - size : at] == stretch
        else:
            found = data[at : at + size] == stretch
        if found:
            at = at - size if before else at + size
            count += copies
            if size * 2 <= _COPIES_COMPARED_BYTES:
                stretch, copies = stretch + stretch, copies * 2
        elif copies > 1:
            copies //= 2
            stretch = stretch[: copies * len(unit)]
        else:
            return count


#: The most bytes handed on as one run (each is copied once): a map's window of 64 MiB of
#: such lines is not copied whole.
RUN_BYTES = 1 << 20


def _counted_run(chunk: bytes | mmap, start: int, end: int) -> tuple[int, bytes]:
    """The lines that are not empty in ``chunk[start:end]`` (complete lines, the first of
    them not empty), and the last of them without its CR."""
    run = chunk[start:end]
    # Counted, not listed: a run of empty lines between the "x" would make a long list.
    count = run.count(b"\n") - sum(1 for _ in _blank_after_lf().finditer(run))
    stop = len(run) - 1  # the LF ending the last line
    while True:
        begin = run.rfind(b"\n", 0, stop) + 1
        last = run[begin:stop].removesuffix(b"\r")
        if last:
            return count, last
        stop = begin - 1


class LineSplitter:
    """The one line splitter: LF ends a line, a CR before it is dropped, empty lines are
    skipped, and bytes after the last LF are held until their LF arrives.

    Work is linear in the bytes fed: only new bytes are searched. A line over
    ``max_line_bytes`` is not held whole: only its first and last bytes are kept.
    """

    def __init__(self, max_line_bytes: int = MAX_DECODE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self._partial = bytearray()
        self._long_prefix: bytes | None = None
        self._long_tail = b""
        self._long_length = 0

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished last line held back."""
        return self._long_length if self._long_prefix is not None else len(self._partial)

    def clear(self) -> None:
        """Forget a held line."""
        self._partial.clear()
        self._long_prefix = None
        self._long_tail = b""
        self._long_length = 0

    def feed(self, chunk: bytes | mmap, sink: LineSink, start: int = 0) -> None:
        """Split ``chunk[start:]`` (the next bytes of the file: bytes, or a map of the file)
        and hand each complete line on."""
        asks = hasattr(sink, "skip")  # what it may pass over can change with each line handed
        skip = sink.skip if asks else None  # type: ignore[attr-defined]
        in_runs = getattr(sink, "no_object_run", None)
        runs = _forward_run_pattern(self.max_line_bytes) if in_runs is not None else None
        same_lines = getattr(sink, "same_lines", None)
        if self._partial or self._long_prefix is not None:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                self._hold_span(chunk, start, len(chunk))
                return
            self._hold_span(chunk, start, newline)
            self._finish_held(sink, skip)
            start = newline + 1
            if asks:
                skip = sink.skip  # type: ignore[attr-defined]
        cap = self.max_line_bytes
        find = chunk.find
        while True:
            newline = find(b"\n", start)
            if newline < 0:
                break
            if newline == start or (newline == start + 1 and chunk[start] == 0x0D):
                # Empty lines (LF or CRLF), passed over a run at a time: a file of millions
                # of them (a damaged or hostile one) costs one search per run, not one per
                # line. The run holds at least this line's end, so the loop moves on.
                start = _empty_lines().match(chunk, start).end()  # type: ignore[union-attr]
                continue
            if skip is not None and skip(chunk, start, newline) is not None:
                start = newline + 1  # not needed: not even copied
                continue
            # A log's lines start with "{": the search is for the others (after the skip
            # pattern, which never takes one of them, so that most lines are asked once).
            if runs is not None and chunk[start] != 0x7B and chunk.find(b"{", start, newline) < 0:
                run = runs.match(chunk, start, min(start + RUN_BYTES, len(chunk)))
                if run is not None:
                    in_runs(*_counted_run(chunk, start, run.end()))  # type: ignore[misc]
                    start = run.end()
                    if asks:
                        skip = sink.skip  # type: ignore[attr-defined]
                    continue
            if newline - start > cap:
                # Its ends only, sliced from the block: a map's line is never copied whole.
                end = newline - 1 if chunk[newline - 1] == 0x0D else newline
                prefix = chunk[start : min(start + PREFIX_BYTES, end)]
                sink.long_line(prefix, chunk[max(start, end - SUFFIX_BYTES) : end], end - start)
                if asks:
                    skip = sink.skip  # type: ignore[attr-defined]
            elif newline > start:
                end = newline - 1 if chunk[newline - 1] == 0x0D else newline
                if end > start:
                    if same_lines is not None and end - start <= SAME_LINE_BYTES:
                        unit = chunk[start : newline + 1]
                        after = newline + 1
                        # The next line compared first: most short lines have no copy.
                        if chunk[after : after + len(unit)] == unit:
                            copies = _copies(chunk, after, unit)
                            same_lines(chunk[start:end], copies + 1)
                            if asks:
                                skip = sink.skip  # type: ignore[attr-defined]
                            start = newline + 1 + copies * len(unit)
                            continue
                    sink.line(chunk[start:end])
                    if asks:
                        skip = sink.skip  # type: ignore[attr-defined]
            start = newline + 1
        if start < len(chunk):
            self._hold_span(chunk, start, len(chunk))

    def hold_nuls(self, count: int) -> None:
        """Take ``count`` NUL bytes (a sparse file's hole, not read) as ``feed`` would: they
        hold no LF, so they only lengthen the line held, which keeps its two ends."""
        held = self._partial
        if self._long_prefix is None:
            if len(held) + count <= self.max_line_bytes:
                held += bytes(count)
                return
            self._long_prefix = bytes(held[:PREFIX_BYTES]) + bytes(
                min(max(PREFIX_BYTES - len(held), 0), count)
            )
            self._long_tail = bytes(held[-SUFFIX_BYTES - 1 :])
            self._long_length = len(held)
            held.clear()
        self._long_length += count
        self._long_tail = (self._long_tail + bytes(min(count, SUFFIX_BYTES + 1)))[
            -SUFFIX_BYTES - 1 :
        ]

    def _hold_span(self, chunk: bytes | mmap, start: int, end: int) -> None:
        """Hold ``chunk[start:end]``, copied a block at a time: of a map's unfinished line of
        64 MiB, no more than the line cap and a block is ever in memory."""
        for piece in range(start, end, CHUNK_BYTES):
            self._hold(chunk[piece : min(piece + CHUNK_BYTES, end)])

    def _hold(self, data: bytes) -> None:
        if self._long_prefix is not None:
            self._long_length += len(data)
            self._long_tail = (self._long_tail + data[-SUFFIX_BYTES - 1 :])[-SUFFIX_BYTES - 1 :]
            return
        self._partial += data
        if len(self._partial) > self.max_line_bytes:
            self._long_prefix = bytes(self._partial[:PREFIX_BYTES])
            self._long_tail = bytes(self._partial[-SUFFIX_BYTES - 1 :])
            self._long_length = len(self._partial)
            self._partial.clear()

    def _finish_held(
        self, sink: LineSink, skip: Callable[[bytes, int, int], object] | None
    ) -> None:
        if self._long_prefix is not None:
            length = self._long_length
            tail = self._long_tail
            if tail.endswith(b"\r"):
                tail, length = tail[:-1], length - 1
            sink.long_line(self._long_prefix, tail[-SUFFIX_BYTES:], length)
            self.clear()
            return
        line = bytes(self._partial)
        self._partial.clear()
        if line.endswith(b"\r"):
            line = line[:-1]
        if line and (skip is None or skip(line, 0, len(line)) is None):
            sink.line(line)


class _Lines:
    """A ``LineSink`` that collects the short lines (and counts the long ones)."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.long = 0

    def line(self, data: bytes) -> None:
        self.lines.append(data)

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        self.long += 1


class FollowedFile:
    """Follows one regular file by byte offset; hands each complete line to a sink once.

    ``check`` compares the file with what was read: a new device or inode, a size below the
    offset, an older mtime, or different first bytes (a rewrite in place, or a new file that
    reused the inode) mean RESTART. When size and mtime are unchanged nothing is opened, so an
    idle file costs one ``stat``. ``.jsonl.zst`` files are decompressed as a stream, once,
    up to ``max_decompressed`` bytes (then ``problem`` says TOO_LARGE and what was read stays).

    Args:
        max_line_bytes: longer lines reach the sink by their ends only (``long_line``).
        max_decompressed: the cap on a compressed file's decompressed bytes.
        unfinished_budget: an unfinished last line this long is reported (``problems``).
    """

    def __init__(
        self,
        path: Path,  # or its text: the usage index's reader passes texts
        *,
        max_line_bytes: int = MAX_DECODE_BYTES,
        max_decompressed: int = MAX_DECOMPRESSED_BYTES,
        unfinished_budget: int = UNFINISHED_LINE_BYTES,
    ) -> None:
        self.path = path
        self.max_decompressed = max_decompressed
        self.unfinished_budget = unfinished_budget
        self.offset = 0
        self.identity: Identity | None = None
        #: Why the last ``check`` said ERROR, or why a compressed file was not read to its end.
        self.problem: Problem | None = None
        #: The fingerprint of the last ``FINGERPRINT_BYTES`` before ``line_end`` as read: an
        #: append never changes them, a rewrite in place past the first bytes does.
        self.tail_digest: bytes | None = None
        #: The file's stat at the last ``check`` that found a regular file.
        self.found: FileStat | None = None
        self._splitter = LineSplitter(max_line_bytes)

    @property
    def stat(self) -> FileStat | None:
        """The file as it was last read (None before the first read)."""
        return self.identity.stat if self.identity is not None else None

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished last line: held back, or not read yet (after ``resume``)."""
        unread = self.identity.stat.size - self.offset if self.identity is not None else 0
        if is_compressed(self.path):
            unread = 0
        return self._splitter.pending_bytes + max(unread, 0)

    @property
    def line_end(self) -> int:
        """The offset just past the last complete line handed on: where a reader that keeps
        no held bytes between runs (the usage index) goes on from."""
        return self.offset - self._splitter.pending_bytes

    def problems(self) -> list[Problem]:
        """What the reading left out: a compressed file cut at the cap, an unfinished line
        over the budget."""
        if self.problem is not None and is_compressed(self.path):
            from codex_presence_gui.core.problems import ProblemKind

            if self.problem.kind in (ProblemKind.TOO_LARGE, ProblemKind.UNREADABLE):
                # Cut at the cap or cut short: the line it ends in is not "unfinished".
                return [self.problem]
        found: list[Problem] = []
        pending = self.pending_bytes
        if pending >= self.unfinished_budget:
            from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

            found.append(
                Problem(
                    ProblemKind.UNFINISHED_LINE,
                    f"unfinished last line of {pending // _MIB} MiB in "
                    f"{os.path.basename(self.path)} not read (the lines before it were)",
                    as_path(self.path),
                )
            )
        return found

    def resume(self, offset: int, identity: Identity, tail_digest: bytes | None = None) -> None:
        """Continue from ``offset`` (a line start) of the file ``identity`` describes: what
        another scan of it (a backward one, an earlier run) has read; ``tail_digest`` is its
        ``tail_digest`` then, when known."""
        self._splitter.clear()
        self.offset = offset
        self.identity = identity
        self.tail_digest = tail_digest
        self.problem = None

    def note_tail(self) -> None:
        """Take ``tail_digest`` from the file as it is now, for a follower ``resume``d from
        another scan (which did not keep it); without it, the first append goes unchecked."""
        self.tail_digest = None
        if self.line_end:
            try:
                with open_regular(self.path) as handle:
                    self.tail_digest = fingerprint(_before(handle, self.line_end))
            except OSError:
                pass  # the next check meets the same error, and says it

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The file, opened if it is a regular file (raises ``OSError`` otherwise)."""
        with open_regular(self.path) as handle:
            yield handle

    def check(self) -> Change:
        """Compare the file with what was read (opening it only when size or mtime moved)."""
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return Change.MISSING
        except OSError as error:
            self.problem = describe(self.path, error)
            return Change.ERROR
        if not stat_module.S_ISREG(current.st_mode):
            self.problem = describe(self.path, NotARegularFileError(str(self.path)))
            return Change.ERROR
        identity = self.identity
        if identity is None:
            return Change.RESTART
        previous = identity.stat
        now = self.found = FileStat.from_stat(current)
        if (
            (now.dev, now.ino) != (previous.dev, previous.ino)
            or now.size < self.offset
            or now.mtime < previous.mtime
        ):
            return Change.RESTART
        if (now.size, now.mtime) == (previous.size, previous.mtime):
            if previous.ctime and now.ctime != previous.ctime:
                # Written or replaced with its size and mtime kept (a rewrite in place, a copy
                # with times preserved): what it holds now is unknown, so read it again.
                return Change.RESTART
            return Change.UNCHANGED
        try:
            with open_regular(self.path) as handle:
                head = _head(handle, identity.length)
                tail = None
                if self.tail_digest is not None:
                    tail = _before(handle, self.line_end)
        except FileNotFoundError:
            return Change.MISSING
        except OSError as error:
            self.problem = describe(self.path, error)
            return Change.ERROR
        if len(head) < identity.length or fingerprint(head) != identity.digest:
            return Change.RESTART
        if is_compressed(self.path):
            return Change.RESTART  # written once by Codex: any change is a new file
        if tail is not None and fingerprint(tail) != self.tail_digest:
            # Rewritten before where it was read to (a copy over it), longer or not.
            return Change.RESTART
        if now.size > self.offset:
            return Change.GREW
        if now.size == previous.size and now.mtime != previous.mtime:
            # Written with its size kept: touched, or rewritten in place between the two ends
            # the digests see (a restore, a tool that edits in place). Only a new read tells.
            return Change.RESTART
        # Past what was read only (an unfinished line grew, or was rewritten alike): remember
        # the new stat so that the next check is cheap.
        self.identity = identity._replace(stat=now._replace(size=previous.size))
        return Change.UNCHANGED

    def read(
        self,
        sink: LineSink,
        *,
        restart: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Hand every new complete line to ``sink``; return the number of bytes read.

        Args:
            restart: read from the start (after ``check`` said RESTART).
            should_stop: asked between blocks; True ends the read where it is (a plain file
                continues from there next time).

        Raises:
            OSError: the file could not be opened or read (``NotARegularFileError`` for a FIFO
                and the like); the offset stays where it was.
        """
        if restart:
            self._splitter.clear()
            self.offset = 0
        with self.open() as handle:
            if is_compressed(self.path):
                if self.offset:
                    return 0
                self.problem = None
                identity = identity_of(handle)
                read = self._pump_compressed(handle, sink, should_stop)
                self.offset = identity.stat.size
            else:
                self.problem = None
                handle.seek(self.offset)
                read = self._pump(handle, sink, should_stop)
                self.offset += read
                # The size is what was read, not what fstat says: bytes appended during the
                # read (or left by a stop) make the next check say GREW.
                stat = FileStat.from_stat(os.fstat(handle.fileno()))._replace(size=self.offset)
                end = self.line_end
                self.tail_digest = fingerprint(_before(handle, end)) if end else None
                known = self.identity
                if known is not None and known.length == FINGERPRINT_BYTES and not restart:
                    # ``check`` has just compared these first bytes: no need to read them again.
                    identity = known._replace(stat=stat)
                else:
                    identity = identity_of(handle)._replace(stat=stat)
        self.identity = identity
        return read

    def _pump(
        self, stream: IO[bytes], sink: LineSink, should_stop: Callable[[], bool] | None
    ) -> int:
        total = self._pump_mapped(stream, sink) if map_files and should_stop is None else 0
        feed = self._splitter.feed
        position = stream.tell()
        # A sparse file's holes are passed over: reading 20 GB of a hole's NULs took minutes
        # and filled the page cache with them.
        holes = sparse_holes(stream, position, os.fstat(stream.fileno()).st_size)
        while True:  # to the end: all of it, or what a map did not take
            if holes and position >= holes[0][0]:
                passed = self._pass_hole(position, holes.pop(0)[1])
                total += passed - position
                position = stream.seek(passed)
                continue
            chunk = stream.read(min(CHUNK_BYTES, holes[0][0] - position) if holes else CHUNK_BYTES)
            if not chunk:
                return total
            total += len(chunk)
            position += len(chunk)
            feed(chunk, sink)
            if should_stop is not None and should_stop():
                return total

    def _pass_hole(self, position: int, hole_end: int) -> int:
        """Take a hole's NULs from ``position`` to ``hole_end`` unread; the offset after it."""
        if position < hole_end:
            self._splitter.hold_nuls(hole_end - position)
        return max(position, hole_end)

    def _pump_mapped(self, stream: IO[bytes], sink: LineSink) -> int:
        """Hand on the lines up to the file's present size through maps of it, window by
        window: its bytes are not copied into this process, only the lines handed on. Returns
        the bytes taken, with ``stream`` moved past them; where the file cannot be mapped,
        the rest is left to be read."""
        import mmap as mmap_module

        fd = stream.fileno()
        first = position = stream.tell()
        end = os.fstat(fd).st_size
        granularity = mmap_module.ALLOCATIONGRANULARITY  # 4 KiB, 16 or 64 KiB: maps start on it
        window = max(granularity, MAP_WINDOW_BYTES - MAP_WINDOW_BYTES % granularity)
        feed = self._splitter.feed
        holes = sparse_holes(stream, position, end)
        while position < end:
            if holes and position >= holes[0][0]:
                position = self._pass_hole(position, holes.pop(0)[1])
                continue
            base = position - position % granularity
            length = min(window, end - base)  # past ``position``: a window ends past its start
            if holes:
                length = min(length, holes[0][0] - base)  # a window ends where a hole starts
            try:
                view = mmap_module.mmap(fd, length, offset=base, access=mmap_module.ACCESS_READ)
            except (OSError, ValueError):
                break
            with view:
                feed(view, sink, position - base)
            position = base + length
        stream.seek(position)
        return position - first

    def _pump_compressed(
        self, handle: IO[bytes], sink: LineSink, should_stop: Callable[[], bool] | None
    ) -> int:
        import zstandard  # optional dependency; imported lazily, a missing module is reported

        reader = zstandard.ZstdDecompressor().stream_reader(handle, closefd=False)
        total = 0
        cap = max(self.max_decompressed, MAX_EXPANSION * os.fstat(handle.fileno()).st_size)
        feed = self._splitter.feed
        last = b"\n"
        while True:
            chunk = reader.read(min(CHUNK_BYTES, cap + 1 - total))
            if not chunk:
                if last != b"\n" or (total == 0 and not _empty_frame(handle, zstandard)):
                    # The stream ended early without an error (a file cut short): Codex
                    # compresses whole logs, which end with a line feed.
                    from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

                    self.problem = Problem(
                        ProblemKind.UNREADABLE,
                        f"{os.path.basename(self.path)} ends early (cut short?): only the "
                        "whole lines before its end were read",
                        as_path(self.path),
                    )
                return total
            last = chunk[-1:]
            if total + len(chunk) > cap:
                feed(chunk[: cap - total], sink)
                from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

                self.problem = Problem(
                    ProblemKind.TOO_LARGE,
                    f"cannot read {self.path}: it expands to more than {cap // _MIB} MiB; "
                    f"only its first {cap // _MIB} MiB were read, and what follows is not "
                    "counted",
                    as_path(self.path),
                )
                return cap
            total += len(chunk)
            feed(chunk, sink)
            if should_stop is not None and should_stop():
                return total


#: A compressed file this small may be decoded whole to tell whether it holds nothing.
_SMALL_FRAME_BYTES = 4096


def _empty_frame(handle: IO[bytes], zstandard: Any) -> bool:
    """True for a compressed file of nothing: no bytes at all, or a frame that says its
    content is 0 bytes long (what compressing an empty log gives)."""
    handle.seek(0)
    data = handle.read(_SMALL_FRAME_BYTES + 1)
    if not data:
        return True
    try:
        size = zstandard.frame_content_size(data)
        if size != -1 or len(data) > _SMALL_FRAME_BYTES:
            return bool(size == 0)
        # A frame that does not say its size (a streamed compression): a small one is
        # decoded whole, and is empty when it ends cleanly with nothing in it.
        decoder = zstandard.ZstdDecompressor().decompressobj()
        return not decoder.decompress(data) and bool(decoder.eof)
    except zstandard.ZstdError:
        return False


class SameLines(NamedTuple):
    """A short line followed right away by copies of itself, handed out by the backward scan
    as one: ``times`` lines in all, each ``line``. A damaged or hostile log's millions of
    ``{}`` had cost a turn of the scan's loop and of the reader's each."""

    line: bytes
    times: int


class LongLine(NamedTuple):
    """A line the backward scan did not copy whole: its offset, length and both ends."""

    start: int
    length: int
    prefix: bytes
    suffix: bytes

    def read(self, path: Path) -> bytes:
        """The whole line, read from ``path``."""
        with open_regular(path) as handle:
            handle.seek(self.start)
            return handle.read(self.length)


class NoObjectRun(NamedTuple):
    """Lines one after the other that hold no ``{`` (no JSON object can be there: all
    malformed), handed out by the backward scan as one: ``lines`` of them, ``first`` the
    first in the file (the last the scan meets), ``last`` the last in the file (the first it
    meets; ``first`` when not given). A hostile log's millions of ``x`` had cost a turn of
    the scan's loop and of the reader's each."""

    lines: int
    first: bytes
    last: bytes = b""


def _run_pattern(threshold: int) -> re.Pattern[bytes]:
    """Complete lines that hold no ``{``, are no longer than ``threshold`` and name nothing
    (``_NAMED``), one after the other, read backwards in a reversed block: each is an LF and
    its bytes reversed, followed by the LF that ends the line before it (so that a partial
    first line of the block is never taken). Possessive: no line is looked at twice."""
    named = b"|".join(re.escape(needle[::-1]) for needle in _NAMED)
    return re.compile(rb"(?:\n(?:(?!%s)[^{\n]){0,%d}+(?=\n))++" % (named, threshold))


# An empty line (LF or CRLF) in a reversed block: its LF, and its CR if it has one, before
# the LF ending the line before it.
@cache
def _blank_backwards() -> re.Pattern[bytes]:
    return re.compile(rb"\n\r?(?=\n)")


def _no_object_run(
    data: bytes, backwards: bytes, newline: int, pattern: re.Pattern[bytes]
) -> tuple[int, int, bytes | None]:
    """The lines before ``data[newline]`` (an LF) that go in a run with the line after it,
    which holds no ``{`` (``backwards`` is ``data`` reversed, ``pattern`` a ``_run_pattern``):
    their start (``newline + 1`` when there are none), how many are not empty, and the first
    of those in the file (None when none)."""
    at = len(data) - 1 - newline
    match = pattern.match(backwards, at)
    if match is None:
        return newline + 1, 0, None
    blanks = sum(1 for _ in _blank_backwards().finditer(backwards, at, match.end() + 1))
    count = backwards.count(b"\n", at, match.end()) - blanks
    if not count:
        return newline + 1, 0, None
    start = len(data) - match.end()
    at = start
    while True:  # the first line that is not empty (the first, unless blanks lead)
        end = data.find(b"\n", at)
        first = data[at:end].removesuffix(b"\r")
        if first:
            return start, count, first
        at = end + 1


def data_extents(handle: IO[bytes], size: int, start: int = 0) -> list[tuple[int, int]] | None:
    """The stretches of ``handle``'s bytes from ``start`` to ``size`` that hold data, first to
    last: the rest are holes, which read as NUL bytes without being stored. None when that is
    not known (no ``SEEK_DATA`` here, a handle with no file, more than ``MAX_DATA_EXTENTS``
    stretches); a file system that keeps no holes gives one stretch, the whole file."""
    seek_data = getattr(os, "SEEK_DATA", None)
    seek_hole = getattr(os, "SEEK_HOLE", None)
    if seek_data is None or seek_hole is None:
        return None
    try:
        fd = handle.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return None
    extents: list[tuple[int, int]] = []
    try:
        # The descriptor's offset is put back: a buffered handle on it trusts it.
        kept = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            offset = start
            while offset < size and len(extents) <= MAX_DATA_EXTENTS:
                try:
                    low = os.lseek(fd, offset, seek_data)
                except OSError as error:
                    if error.errno == errno.ENXIO:
                        break  # nothing but a hole from ``offset`` on
                    raise
                if low >= size:
                    break
                high = min(os.lseek(fd, low, seek_hole), size)
                extents.append((low, high))
                offset = high
        finally:
            os.lseek(fd, kept, os.SEEK_SET)
    except OSError:
        return None
    return extents if len(extents) <= MAX_DATA_EXTENTS else None


def sparse_holes(handle: IO[bytes], start: int, size: int) -> list[tuple[int, int]]:
    """The holes of at least ``HOLE_MIN_BYTES`` in ``handle``'s bytes from ``start`` to
    ``size``, first to last (none where not known: see ``data_extents``)."""
    extents = data_extents(handle, size, start)
    if extents is None:
        return []
    holes = []
    previous = start
    for low, high in (*extents, (size, size)):
        if low - previous >= HOLE_MIN_BYTES:
            holes.append((previous, low))
        previous = high
    return holes


def last_line_end(
    handle: IO[bytes], size: int, should_stop: Callable[[], bool] | None = None
) -> int:
    """The offset just past the last LF before ``size`` (0 when there is none), found by
    reading backwards: an unfinished last line costs one linear pass, never a budget. The
    holes of a sparse file are passed over unread (they hold only NUL bytes): reading a
    20 GB one took a minute and filled the page cache with its zeros.

    Raises:
        Stopped: ``should_stop`` (asked between blocks) said so.
    """
    extents = data_extents(handle, size)
    for low, high in reversed([(0, size)] if extents is None else extents):
        position = high
        block = FIRST_BACKWARD_BLOCK_BYTES
        while position > low:
            if should_stop is not None and should_stop():
                raise Stopped  # a pass over gigabytes with no LF takes seconds
            start = max(position - block, low)
            block = min(block * 2, BACKWARD_BLOCK_BYTES)
            handle.seek(start)
            data = handle.read(position - start)
            newline = data.rfind(b"\n")
            if newline >= 0:
                return start + newline + 1
            position = start
    return 0


class BackwardLines:
    """The complete lines of a file from last to first, read in growing blocks from the end.

    ``handle`` is an open binary file; the caller closes it. The bytes after the last LF (an
    unfinished line) are not yielded, nor counted against the budget; once iteration has
    started, ``line_end`` is the offset just past the last LF, where forward tailing resumes.
    Lines longer than ``long_line_bytes`` are yielded as ``LongLine`` (ends only) so that big
    tool outputs are never copied. With ``runs``, lines one after the other that hold no
    ``{`` are yielded as one ``NoObjectRun`` (within a block; a line naming a type is left
    alone), and a short line right after copies of itself as one ``SameLines`` (within a
    block). Iteration stops after about ``budget`` bytes, or when ``should_stop`` (asked
    between blocks) says so; ``stopped`` then is True.
    """

    def __init__(
        self,
        handle: IO[bytes],
        size: int,
        *,
        budget: int,
        long_line_bytes: int = LONG_LINE_BYTES,
        should_stop: Callable[[], bool] | None = None,
        runs: bool = False,
    ) -> None:
        self.handle = handle
        self.size = size
        self.budget = budget
        self.long_line_bytes = long_line_bytes
        self.runs = runs
        self.should_stop = should_stop
        self.stopped = False
        self.line_end = 0
        self.bytes_read = 0
        self.position = size  # how far back the scan has read (0: the whole file)
        #: True once every line up to the file's first has been handed out: ``position`` is 0
        #: as soon as the first block is read, before the lines in it are.
        self.whole = False

    @property
    def may_reach_start(self) -> bool:
        """Whether the lines may still reach the file's first (once iteration has started):
        not when the budget ends before it (the last block read may pass the budget by at
        most a block)."""
        return self.line_end < self.budget + BACKWARD_BLOCK_BYTES

    def __iter__(self) -> Iterator[bytes | LongLine | NoObjectRun | SameLines]:
        threshold = self.long_line_bytes
        runs = _run_pattern(threshold) if self.runs else None
        handle = self.handle
        try:
            position = self.line_end = last_line_end(handle, self.size, self.should_stop)
        except Stopped:
            self.stopped = True
            return
        self.position = position
        line_stop: int | None = None  # offset of the LF ending the line being assembled
        carry = b""  # that line's bytes beyond the current block, while short
        carry_long = False
        block_size = FIRST_BACKWARD_BLOCK_BYTES
        while position > 0 and self.bytes_read < self.budget:
            if self.should_stop is not None and self.should_stop():
                self.stopped = True
                return
            start = max(position - block_size, 0)
            block_size = min(block_size * 2, BACKWARD_BLOCK_BYTES)
            handle.seek(start)
            data = handle.read(position - start)
            self.bytes_read += len(data)
            position = self.position = start
            index = len(data)
            backwards: bytes | None = None  # the block reversed, made at its first empty line
            while True:
                newline = data.rfind(b"\n", 0, index)
                if newline < 0:
                    break
                if line_stop is not None:
                    line_start = start + newline + 1
                    if carry_long or line_stop - line_start > threshold:
                        yield _long_line(handle, line_start, line_stop - line_start)
                    else:
                        line = data[newline + 1 : index] + carry
                        if line.endswith(b"\r"):
                            line = line[:-1]
                        if len(line) > SAME_LINE_BYTES and line[0] == 0x7B:
                            yield line  # a log's own line: asked nothing more
                        # A log's lines start with "{": the search is for the others.
                        elif (
                            runs
                            and line
                            and line[0] != 0x7B
                            and b"{" not in line
                            and not _names(line)
                        ):
                            if backwards is None:
                                backwards = data[::-1]
                            run_start, more, first = _no_object_run(data, backwards, newline, runs)
                            if more:
                                yield NoObjectRun(more + 1, first or line, line)
                                newline = run_start - 1  # the LF before the run's first line
                            else:
                                yield line
                        elif runs and line and not carry and len(line) <= SAME_LINE_BYTES:
                            # Its copies before it, each an LF and the line (its CR too): the
                            # first copy's LF ends the line before the run.
                            unit = data[newline:index]
                            size = len(unit)
                            copies = (
                                _copies(data, newline, unit, before=True)
                                if newline >= size and data[newline - size : newline] == unit
                                else 0
                            )
                            if copies:
                                yield SameLines(line, copies + 1)
                                newline -= copies * size
                            else:
                                yield line
                        elif line:
                            yield line
                        elif newline:
                            # Empty lines before this one are passed over a run at a time, as
                            # the splitter does forward: read backwards, LF or CRLF lines are
                            # the same pattern. The run's last LF ends the line before it.
                            if backwards is None:
                                backwards = data[::-1]
                            run = _empty_lines().match(backwards, len(data) - newline)
                            if run is not None:
                                newline = len(data) - run.end()
                line_stop = start + newline
                index = newline
                carry = b""
                carry_long = False
            if line_stop is not None and not carry_long:
                if index + len(carry) > threshold:
                    carry, carry_long = b"", True
                else:
                    carry = data[:index] + carry
        if position == 0:
            # Every later line was taken (a caller that stops early never gets here); the
            # file's first line is the last one handed out.
            self.whole = True
        if position == 0 and line_stop is not None and line_stop > 0:
            if carry_long or line_stop > threshold:
                yield _long_line(handle, 0, line_stop)
            else:
                line = carry.removesuffix(b"\r")
                if line:
                    yield line


def _long_line(handle: IO[bytes], start: int, length: int) -> LongLine:
    """Read the two ends of a long line (a trailing CR is not part of it)."""
    handle.seek(start + length - 1)
    if handle.read(1) == b"\r":
        length -= 1
    handle.seek(start)
    prefix = handle.read(min(PREFIX_BYTES, length))
    suffix_start = max(start + length - SUFFIX_BYTES, start)
    handle.seek(suffix_start)
    suffix = handle.read(start + length - suffix_start)
    return LongLine(start, length, prefix, suffix)


def forward_lines(handle: IO[bytes], start: int, *, budget: int) -> Iterator[bytes]:
    """Complete lines from ``start`` on, for at most about ``budget`` bytes (lines over the
    decode cap are left out)."""
    handle.seek(start)
    splitter = LineSplitter()
    lines = _Lines()
    consumed = 0
    while consumed < budget:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            return
        consumed += len(chunk)
        splitter.feed(chunk, lines)
        yield from lines.lines
        lines.lines.clear()


def read_head_lines(
    handle: IO[bytes], count: int, *, max_bytes: int = MAX_DECODE_BYTES
) -> list[bytes]:
    """The first ``count`` complete lines of an open file, stopping at a line longer than
    ``max_bytes``: linear in the bytes read, which are at most about ``max_bytes`` past the
    last line returned."""
    splitter = LineSplitter(max_bytes)
    lines = _Lines()
    handle.seek(0)
    while len(lines.lines) < count and not lines.long:
        chunk = handle.read(HEAD_CHUNK_BYTES)
        if not chunk:
            break
        splitter.feed(chunk, lines)
        if splitter.pending_bytes > max_bytes:
            break
    return lines.lines[:count]


def header_lines(handle: IO[bytes]) -> list[bytes]:
    """The file's leading ``session_meta`` lines (a fork copies its parent's as line 2), or a
    pre-envelope header."""
    headers = []
    for index, line in enumerate(read_head_lines(handle, 2)):
        if is_header_line(line, index):
            headers.append(line)
        else:
            break
    return headers
