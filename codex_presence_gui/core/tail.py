"""Incremental, crash-proof reading of one log file: byte offsets, partial lines, backward scans."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple, Protocol

from codex_presence_gui.core.jsonl import MAX_DECODE_BYTES, PREFIX_BYTES, SUFFIX_SEARCH_BYTES

CHUNK_BYTES = 1 << 20
HEAD_CHUNK_BYTES = 32 * 1024
FIRST_BACKWARD_BLOCK_BYTES = 32 * 1024
BACKWARD_BLOCK_BYTES = 1 << 20
#: The backward scan hands lines longer than this over as their two ends only.
LONG_LINE_BYTES = 64 * 1024
#: Bytes of an over-long line's end that are kept (enough for an assistant message's phase).
SUFFIX_BYTES = SUFFIX_SEARCH_BYTES


class LineSink(Protocol):
    """Receives the complete lines of a file, in order."""

    def line(self, data: bytes) -> None:
        """A complete line, without LF or CR, at most the cap long."""

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        """A line over the cap: only its first and last bytes were kept."""


class Change(enum.Enum):
    """What happened to a file since the last look."""

    UNCHANGED = "unchanged"
    GREW = "grew"
    RESTART = "restart"  # new file, truncated, replaced or mtime went backwards: read from 0
    MISSING = "missing"
    ERROR = "error"


class FileStat(NamedTuple):
    """The parts of ``os.stat`` that detect appends, truncation and replacement."""

    dev: int
    ino: int
    size: int
    mtime: float

    @classmethod
    def of(cls, path: Path) -> FileStat:
        """Stat ``path``; raises ``OSError`` as ``os.stat`` does."""
        st = os.stat(path)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime)


def is_compressed(path: Path) -> bool:
    """True for ``.jsonl.zst`` rollouts."""
    return path.name.endswith(".zst")


def _open_zstd(handle: IO[bytes]) -> IO[bytes]:
    import zstandard  # optional dependency; imported lazily, a missing module is reported

    reader: IO[bytes] = zstandard.ZstdDecompressor().stream_reader(handle, closefd=False)
    return reader


class LineTail:
    """Follows one file by byte offset and hands each complete line to a sink exactly once.

    Only LF ends a line (a trailing CR is dropped); bytes after the last LF wait in a buffer
    until their LF arrives. A line longer than ``max_line_bytes`` is not buffered: only its
    first and last bytes are kept. ``.jsonl.zst`` files are decompressed whole, once.
    """

    def __init__(self, path: Path, *, max_line_bytes: int = MAX_DECODE_BYTES) -> None:
        self.path = path
        self.max_line_bytes = max_line_bytes
        self.offset = 0
        self.stat: FileStat | None = None
        self.error: str | None = None
        self._partial = bytearray()
        self._long_prefix: bytes | None = None
        self._long_tail = b""
        self._long_length = 0

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished last line held back."""
        return self._long_length if self._long_prefix is not None else len(self._partial)

    def reset(self, offset: int = 0) -> None:
        """Forget everything read and continue from ``offset`` (a line start)."""
        self.offset = offset
        self._partial.clear()
        self._long_prefix = None
        self._long_tail = b""
        self._long_length = 0

    def check(self) -> Change:
        """Compare the file with what was read, without reading it."""
        try:
            current = FileStat.of(self.path)
        except FileNotFoundError:
            return Change.MISSING
        except OSError as error:
            self.error = f"cannot read {self.path}: {error.strerror or error}"
            return Change.ERROR
        previous = self.stat
        if previous is None:
            return Change.RESTART
        if (
            (current.dev, current.ino) != (previous.dev, previous.ino)
            or current.size < self.offset
            or current.mtime < previous.mtime
        ):
            return Change.RESTART
        if current.size > self.offset and not is_compressed(self.path):
            return Change.GREW
        return Change.UNCHANGED

    def read(self, sink: LineSink, *, restart: bool = False) -> int:
        """Hand every new complete line to ``sink``; return the number of bytes read.

        Args:
            restart: read from the start (after ``check`` said RESTART).

        Raises:
            OSError: the file could not be opened or read; the offset stays where it was.
        """
        if restart:
            self.reset(0)
        with open(self.path, "rb") as handle:
            # fstat of the open handle: the identity of the bytes we actually read, even if
            # the path is replaced meanwhile.
            opened = os.fstat(handle.fileno())
            stat = FileStat(opened.st_dev, opened.st_ino, opened.st_size, opened.st_mtime)
            if is_compressed(self.path):
                if self.offset:
                    return 0
                read = self._pump(_open_zstd(handle), sink)
                self.offset = stat.size
            else:
                handle.seek(self.offset)
                read = self._pump(handle, sink)
                self.offset += read
                stat = FileStat(stat.dev, stat.ino, max(stat.size, self.offset), stat.mtime)
        self.stat = stat
        self.error = None
        return read

    def _pump(self, stream: IO[bytes], sink: LineSink) -> int:
        total = 0
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                return total
            total += len(chunk)
            self._consume(chunk, sink)

    def _consume(self, chunk: bytes, sink: LineSink) -> None:
        start = 0
        if self._partial or self._long_prefix is not None:
            newline = chunk.find(b"\n")
            if newline < 0:
                self._hold(chunk)
                return
            self._hold(chunk[:newline])
            self._finish_held(sink)
            start = newline + 1
        cap = self.max_line_bytes
        find = chunk.find
        while True:
            newline = find(b"\n", start)
            if newline < 0:
                break
            if newline - start > cap:
                self._emit_long(chunk[start : start + PREFIX_BYTES], chunk[start:newline], sink)
            elif newline > start:
                end = newline - 1 if chunk[newline - 1] == 0x0D else newline
                if end > start:
                    sink.line(chunk[start:end])
            start = newline + 1
        if start < len(chunk):
            self._hold(chunk[start:])

    def _hold(self, data: bytes) -> None:
        if self._long_prefix is not None:
            self._long_length += len(data)
            self._long_tail = (self._long_tail + data)[-SUFFIX_BYTES - 1 :]
            return
        self._partial += data
        if len(self._partial) > self.max_line_bytes:
            self._long_prefix = bytes(self._partial[:PREFIX_BYTES])
            self._long_tail = bytes(self._partial[-SUFFIX_BYTES - 1 :])
            self._long_length = len(self._partial)
            self._partial.clear()

    def _finish_held(self, sink: LineSink) -> None:
        if self._long_prefix is not None:
            length = self._long_length
            tail = self._long_tail
            if tail.endswith(b"\r"):
                tail, length = tail[:-1], length - 1
            sink.long_line(self._long_prefix, tail[-SUFFIX_BYTES:], length)
            self._long_prefix = None
            self._long_tail = b""
            self._long_length = 0
            return
        line = bytes(self._partial)
        self._partial.clear()
        if line.endswith(b"\r"):
            line = line[:-1]
        if line:
            sink.line(line)

    @staticmethod
    def _emit_long(prefix: bytes, line: bytes, sink: LineSink) -> None:
        body = line.removesuffix(b"\r")
        sink.long_line(prefix, body[-SUFFIX_BYTES:], len(body))


class LongLine(NamedTuple):
    """A line the backward scan did not copy whole: its offset, length and both ends."""

    start: int
    length: int
    prefix: bytes
    suffix: bytes

    def read(self, path: Path) -> bytes:
        """The whole line, read from ``path``."""
        with open(path, "rb") as handle:
            handle.seek(self.start)
            return handle.read(self.length)


class BackwardLines:
    """The complete lines of a file from last to first, read in growing blocks from the end.

    ``handle`` is an open binary file; the caller closes it. The bytes after the last LF (an
    unfinished line) are not yielded; once iteration has
    started, ``line_end`` is the offset just past the last LF, where forward tailing resumes.
    Lines longer than ``long_line_bytes`` are yielded as ``LongLine`` (ends only) so that big
    tool outputs are never copied. Iteration stops after about ``budget`` bytes.
    """

    def __init__(
        self,
        handle: IO[bytes],
        size: int,
        *,
        budget: int,
        long_line_bytes: int = LONG_LINE_BYTES,
    ) -> None:
        self.handle = handle
        self.size = size
        self.budget = budget
        self.long_line_bytes = long_line_bytes
        self.line_end = 0
        self.bytes_read = 0
        self.position = size  # how far back the scan has read (0: the whole file)

    def __iter__(self) -> Iterator[bytes | LongLine]:
        threshold = self.long_line_bytes
        handle = self.handle
        position = self.size
        line_stop: int | None = None  # offset of the LF ending the line being assembled
        carry = b""  # that line's bytes beyond the current block, while short
        carry_long = False
        block_size = FIRST_BACKWARD_BLOCK_BYTES
        while position > 0 and self.bytes_read < self.budget:
            start = max(position - block_size, 0)
            block_size = min(block_size * 2, BACKWARD_BLOCK_BYTES)
            handle.seek(start)
            data = handle.read(position - start)
            self.bytes_read += len(data)
            position = self.position = start
            index = len(data)
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
                        if line:
                            yield line
                else:
                    self.line_end = start + newline + 1
                line_stop = start + newline
                index = newline
                carry = b""
                carry_long = False
            if line_stop is not None and not carry_long:
                if index + len(carry) > threshold:
                    carry, carry_long = b"", True
                else:
                    carry = data[:index] + carry
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
    """Complete lines from ``start`` on, for at most about ``budget`` bytes."""
    handle.seek(start)
    buffer = b""
    consumed = 0
    while consumed < budget:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            return
        consumed += len(chunk)
        buffer += chunk
        begin = 0
        while True:
            newline = buffer.find(b"\n", begin)
            if newline < 0:
                break
            line = buffer[begin:newline].removesuffix(b"\r")
            begin = newline + 1
            if line:
                yield line
        buffer = buffer[begin:]


def read_head_lines(
    handle: IO[bytes], count: int, *, max_bytes: int = MAX_DECODE_BYTES
) -> list[bytes]:
    """The first ``count`` complete lines of an open file (stopping early at ``max_bytes``)."""
    lines: list[bytes] = []
    buffer = b""
    handle.seek(0)
    while len(lines) < count:
        chunk = handle.read(HEAD_CHUNK_BYTES)
        if not chunk:
            break
        buffer += chunk
        while len(lines) < count:
            newline = buffer.find(b"\n")
            if newline < 0:
                break
            line = buffer[:newline].removesuffix(b"\r")
            buffer = buffer[newline + 1 :]
            if line:
                lines.append(line)
        if len(buffer) > max_bytes:
            break
    return lines
