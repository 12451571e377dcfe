"""The tailer: every complete line exactly once, whatever the chunking; restarts; backward scans."""

from __future__ import annotations

import mmap
import os
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import tail as tail_module
from codex_presence_gui.core.tail import (
    MAX_DATA_EXTENTS,
    BackwardLines,
    Change,
    FollowedFile,
    LineSplitter,
    LongLine,
    NoObjectRun,
    NotARegularFileError,
    SameLines,
    data_extents,
    last_line_end,
    read_head_lines,
)


class Collector:
    """A LineSink that remembers what it was given."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.long: list[tuple[bytes, bytes, int]] = []

    def line(self, data: bytes) -> None:
        self.lines.append(data)

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        self.long.append((prefix, suffix, length))


def complete_lines(data: bytes) -> list[bytes]:
    """What a correct tailer delivers for ``data``: LF-terminated lines, CR stripped, no empties."""
    pieces = data.split(b"\n")[:-1]
    return [p.removesuffix(b"\r") for p in pieces if p.removesuffix(b"\r")]


lines_strategy = st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")), max_size=30)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=lines_strategy,
    crlf=st.booleans(),
    tail_bytes=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
    cuts=st.lists(st.integers(0, 4000), max_size=12),
)
def test_any_chunking_delivers_each_line_once(
    tmp_path: Path, lines: list[bytes], crlf: bool, tail_bytes: bytes, cuts: list[int]
) -> None:
    """Appending a file in arbitrary pieces yields exactly the lines of a one-shot read."""
    newline = b"\r\n" if crlf else b"\n"
    data = b"".join(line + newline for line in lines) + tail_bytes
    path = tmp_path / "rollout-chunks.jsonl"
    path.write_bytes(b"")
    tail = FollowedFile(path)
    sink = Collector()
    positions = sorted({min(c, len(data)) for c in cuts} | {len(data)})
    written = 0
    for position in positions:
        with open(path, "ab") as handle:
            handle.write(data[written:position])
        written = position
        change = tail.check()
        if change in (Change.GREW, Change.RESTART):
            tail.read(sink)
    assert sink.lines == complete_lines(data)
    assert tail.pending_bytes == len(tail_bytes)
    path.unlink()


GRANULE = mmap.ALLOCATIONGRANULARITY  # maps start on it: 4 KiB here, 16 or 64 KiB elsewhere


def _read_both_ways(
    path: Path, data: bytes, positions: list[int], monkeypatch: pytest.MonkeyPatch, cap: int
) -> list[tuple[object, ...]]:
    """What plain reads and reads through maps hand on, appending ``data`` up to each of
    ``positions`` in turn."""
    results = []
    for mapped in (False, True):
        monkeypatch.setattr(tail_module, "map_files", mapped)
        path.write_bytes(b"")
        tail, sink = FollowedFile(path, max_line_bytes=cap), Collector()
        written = 0
        for position in positions:
            with open(path, "ab") as handle:
                handle.write(data[written:position])
            written = position
            if tail.check() in (Change.GREW, Change.RESTART):
                before = tail.offset
                assert tail.read(sink) == position - before
        known = tail.identity
        assert known is not None
        mark = (known.stat.size, known.length, known.digest, tail.tail_digest, tail.line_end)
        results.append((sink.lines, sink.long, tail.offset, tail.pending_bytes, mark))
    return results


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    lines=st.lists(
        st.binary(max_size=3 * GRANULE).map(lambda b: b.replace(b"\n", b"")), max_size=12
    ),
    crlf=st.booleans(),
    tail_bytes=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
    cuts=st.lists(st.integers(0, 40 * GRANULE), max_size=4),
    granules=st.sampled_from([1, 2, 3]),
    cap=st.sampled_from([2 * GRANULE, 16 << 20]),
)
def test_reading_through_maps_hands_on_what_reading_copies_does(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[bytes],
    crlf: bool,
    tail_bytes: bytes,
    cuts: list[int],
    granules: int,
    cap: int,
) -> None:
    """With ``map_files`` (the usage index's worker processes), a file is read through maps
    of a few pages at a time: lines across a window's end, lines over the cap (their ends
    only), appends from an offset within a page, and an unfinished last line come out as
    from plain reads."""
    monkeypatch.setattr(tail_module, "MAP_WINDOW_BYTES", granules * GRANULE)
    newline = b"\r\n" if crlf else b"\n"
    data = b"".join(line + newline for line in lines) + tail_bytes
    positions = sorted({min(c, len(data)) for c in cuts} | {len(data)})
    plain, mapped = _read_both_ways(tmp_path / "rollout.jsonl", data, positions, monkeypatch, cap)
    assert plain == mapped


@pytest.mark.parametrize("shift", [-2, -1, 0, 1, 2])
def test_line_ends_at_a_maps_edge_read_as_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shift: int
) -> None:
    """A line feed, or a CR and its LF, on either side of a window's end; appends that stop
    there; a window size that is not a multiple of the pages (rounded, never a loop)."""
    monkeypatch.setattr(tail_module, "MAP_WINDOW_BYTES", GRANULE + 1)
    edge = GRANULE + shift
    for ending in (b"\n", b"\r\n"):
        first = b"a" * (edge - len(ending)) + ending
        data = first + b"b" * 10 + ending + b"\r\n" + b"c" * (GRANULE + 7)
        positions = [edge, edge + 1, len(data) - 3, len(data)]
        plain, mapped = _read_both_ways(
            tmp_path / "rollout-edge.jsonl", data, positions, monkeypatch, 16 << 20
        )
        assert plain == mapped
        assert plain[0] == [first.removesuffix(ending), b"b" * 10]


def test_a_huge_line_through_maps_is_never_copied_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line past the cap, finished or not, within one window or across two: only its ends
    are kept, and no more than the cap and a block is ever copied (a 60 MiB line had taken
    120 MiB of a worker's memory)."""
    import tracemalloc

    monkeypatch.setattr(tail_module, "map_files", True)
    path = tmp_path / "rollout-huge.jsonl"
    huge = b"{" + b"x" * (24 << 20)
    for data in (huge + b"\r\n" + b"{}\n", huge):
        path.write_bytes(data)
        tail, sink = FollowedFile(path, max_line_bytes=4 << 20), Collector()
        tracemalloc.start()
        try:
            tail.read(sink)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 8 << 20, peak
        if data.endswith(b"\n"):
            ((prefix, suffix, length),) = sink.long
            assert (prefix[:2], suffix[-2:], length) == (b"{x", b"xx", len(huge))
            assert sink.lines == [b"{}"]
        else:
            assert tail.pending_bytes == len(huge)


class SkipsAfterItsFirstLine(Collector):
    """A sink that may pass over lines starting with ``x``, but only once it has a line (as
    the usage index's sink, which needs a file's header lines before it skips any)."""

    _pattern = re.compile(rb"x")

    @property
    def skip(self) -> Callable[[bytes, int, int], object] | None:
        return self._pattern.match if self.lines else None


@given(
    lines=st.lists(st.sampled_from([b"x1", b"x22", b"keep", b"k", b"x"]), max_size=30),
    cuts=st.lists(st.integers(0, 200), max_size=6),
)
def test_lines_a_sink_may_skip_are_passed_over_from_the_moment_it_may(
    lines: list[bytes], cuts: list[int]
) -> None:
    """A sink's ``skip`` is asked again after each line it is handed, even when it had none at
    the start of the block: every line it keeps comes, in order, and no line it may skip
    comes, not even one held across two blocks (the sink need not check a line again)."""
    data = b"".join(line + b"\n" for line in lines)
    splitter = LineSplitter()
    sink = SkipsAfterItsFirstLine()
    positions = sorted({min(c, len(data)) for c in cuts} | {len(data)})
    written = 0
    for position in positions:
        splitter.feed(data[written:position], sink)
        written = position
    expected = [
        line for number, line in enumerate(lines) if number == 0 or not line.startswith(b"x")
    ]
    assert sink.lines == expected


def test_partial_line_waits_for_its_newline(tmp_path: Path) -> None:
    """Bytes after the last LF are held until the LF arrives."""
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":')
    tail, sink = FollowedFile(path), Collector()
    tail.read(sink)
    assert sink.lines == [b'{"a":1}']
    with open(path, "ab") as handle:
        handle.write(b"2}\r\n")
    assert tail.check() is Change.GREW
    tail.read(sink)
    assert sink.lines == [b'{"a":1}', b'{"b":2}']
    assert tail.check() is Change.UNCHANGED


def test_truncation_replacement_and_mtime_going_back_restart(tmp_path: Path) -> None:
    """Size below the offset, a new inode, or an older mtime mean: read from the start."""
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"one\ntwo\n")
    tail, sink = FollowedFile(path), Collector()
    tail.read(sink)
    path.write_bytes(b"x\n")  # truncated and rewritten
    assert tail.check() is Change.RESTART
    tail.read(sink, restart=True)
    assert sink.lines[-1] == b"x"
    replacement = tmp_path / "new.jsonl"
    replacement.write_bytes(b"x\nlonger content\n")
    os.replace(replacement, path)  # same path, new inode
    assert tail.check() is Change.RESTART
    tail.read(sink, restart=True)
    assert sink.lines[-2:] == [b"x", b"longer content"]
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime - 100))
    assert tail.check() is Change.RESTART


def test_missing_and_unreadable(tmp_path: Path) -> None:
    """A vanished file says MISSING; reading a directory raises OSError (a NotARegularFileError
    where the OS lets a folder be opened), not something else."""
    path = tmp_path / "gone.jsonl"
    assert FollowedFile(path).check() is Change.MISSING
    with pytest.raises((NotARegularFileError, IsADirectoryError, PermissionError)):
        FollowedFile(tmp_path).read(Collector())


def test_over_long_lines_keep_only_their_ends(tmp_path: Path) -> None:
    """A line over the cap is never buffered whole, even across many chunks."""
    long_line = b"P" * 600 + b"M" * 5000 + b"S" * 100
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"short\n" + long_line[:3000])
    tail, sink = FollowedFile(path, max_line_bytes=1000), Collector()
    tail.read(sink)
    assert tail.pending_bytes == 3000
    with open(path, "ab") as handle:
        handle.write(long_line[3000:] + b"\r\nafter\n" + long_line + b"\n")
    tail.read(sink)
    assert sink.lines == [b"short", b"after"]
    assert len(sink.long) == 2
    for prefix, suffix, length in sink.long:
        assert prefix == long_line[:512]
        assert suffix == long_line[-4096:]
        assert length == len(long_line)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=lines_strategy,
    first=st.integers(1, 40),
    block=st.integers(1, 50),
    tail_bytes=st.binary(max_size=10),
)
def test_backward_scan_is_the_forward_lines_reversed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[bytes],
    first: int,
    block: int,
    tail_bytes: bytes,
) -> None:
    """Reading backwards gives the complete lines in reverse at any block size, and the
    offset after the last LF."""
    monkeypatch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", first)
    monkeypatch.setattr(tail_module, "BACKWARD_BLOCK_BYTES", block)
    tail_bytes = tail_bytes.replace(b"\n", b"")
    data = b"".join(line + b"\n" for line in lines) + tail_bytes
    path = tmp_path / "back.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        scan = BackwardLines(handle, len(data), budget=10**9)
        assert list(scan) == list(reversed(complete_lines(data)))
    assert scan.line_end == (len(data) - len(tail_bytes) if b"\n" in data else 0)
    with open(path, "rb") as handle:
        assert read_head_lines(handle, 3) == complete_lines(data)[:3]


@pytest.mark.parametrize("taken", range(5))
def test_a_backward_scan_is_whole_only_once_its_first_line_is_taken(
    tmp_path: Path, taken: int
) -> None:
    """``position`` is 0 as soon as the block holding the file's start is read; ``whole``
    only once every line (the first one last) has been handed out."""
    data = b"one\ntwo\nthree\nfour\n"
    path = tmp_path / "back.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        scan = BackwardLines(handle, len(data), budget=10**6)
        lines = iter(scan)
        for _ in range(taken):
            next(lines)
        assert scan.whole == (taken == 4)
        assert scan.position == (0 if taken else len(data))


def test_backward_scan_hands_long_lines_over_by_their_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long lines come as offset, length and both ends; the budget bounds the bytes read."""
    monkeypatch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", 8)
    monkeypatch.setattr(tail_module, "BACKWARD_BLOCK_BYTES", 16)
    long_line = b"P" * 600 + b"L" * 5000 + b"S" * 100
    data = long_line + b"\r\nfirst\n" + long_line + b"\nlast\npart"
    path = tmp_path / "back.jsonl"
    path.write_bytes(data)
    handle = open(path, "rb")  # noqa: SIM115 - closed at the end of the test
    scan = BackwardLines(handle, len(data), budget=10**6, long_line_bytes=1000)
    items = list(scan)
    assert items[0] == b"last"
    assert items[2] == b"first"
    for item, start in ((items[1], len(long_line) + 8), (items[3], 0)):
        assert isinstance(item, LongLine)
        assert (item.start, item.length) == (start, len(long_line))
        assert item.prefix == long_line[:512]
        assert item.suffix == long_line[-4096:]
        assert item.read(path) == long_line
    assert scan.line_end == len(data) - 4
    # The budget bounds the bytes read; the unfinished "part" is not counted against it.
    bounded = BackwardLines(handle, len(data), budget=8)
    assert list(bounded) == [b"last"]
    assert bounded.bytes_read == 8
    handle.close()


def test_zstd_files_are_read_whole(tmp_path: Path) -> None:
    """A .jsonl.zst rollout is decompressed once; nothing more is read until it changes."""
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "rollout-x.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(b"a\nb\npartial"))
    tail, sink = FollowedFile(path), Collector()
    assert tail.check() is Change.RESTART
    tail.read(sink)
    assert sink.lines == [b"a", b"b"]
    assert tail.check() is Change.UNCHANGED
    # Codex compresses whole logs: one that ends inside a line was cut short, and says so.
    assert tail.problem is not None
    assert "ends early" in tail.problem.detail
    assert tail.problems() == [tail.problem]  # the window says it too
    whole = tmp_path / "rollout-whole.jsonl.zst"
    compressed = zstandard.ZstdCompressor(level=3).compress(b"a\nb\n" * 500)
    whole.write_bytes(compressed)
    tail = FollowedFile(whole)
    tail.read(Collector())
    assert tail.problem is None
    whole.write_bytes(compressed[: len(compressed) // 2])  # nothing decodes from half of it
    tail = FollowedFile(whole)
    tail.read(Collector())
    assert tail.problem is not None
    for empty in (
        zstandard.ZstdCompressor().compress(b""),  # an empty log, compressed
        zstandard.ZstdCompressor(write_content_size=False).compress(b""),  # size not said
    ):
        whole.write_bytes(empty)
        tail = FollowedFile(whole)
        tail.read(Collector())
        assert tail.problem is None


@given(st.binary(max_size=5000))
def test_the_fingerprint_is_hashlibs_blake2b(data: bytes) -> None:
    """The digest comes from ``_blake2`` (no OpenSSL to load): the same bytes as hashlib's,
    so the identities kept in a usage index stay valid."""
    import hashlib

    assert tail_module.fingerprint(data) == hashlib.blake2b(data, digest_size=16).digest()


def test_a_rewrite_past_the_first_bytes_that_leaves_it_longer_is_no_append(
    tmp_path: Path,
) -> None:
    """The same first 4 KiB, then other lines, the whole longer than what was read (a backup
    copied over the file): read again from the start, not taken for new lines."""
    path = tmp_path / "rollout-rewritten.jsonl"
    head = b"h" * 5000 + b"\n"
    path.write_bytes(head + b"old one\nold two\n")
    tail = FollowedFile(path)
    tail.check()
    first = Collector()
    tail.read(first)
    assert first.lines == [b"h" * 5000, b"old one", b"old two"]
    with open(path, "r+b") as handle:  # in place: same inode, same first bytes
        handle.write(head + b"new one\nnew two\nnew three\n")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert tail.check() is Change.RESTART
    again = Collector()
    tail.read(again, restart=True)
    assert again.lines == [b"h" * 5000, b"new one", b"new two", b"new three"]
    with open(path, "ab") as handle:  # a real append after it is one
        handle.write(b"four\n")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert tail.check() is Change.GREW
    tail.read(Collector())
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # the same size, the last line changed: no touch
        handle.seek(size - 5)
        handle.write(b"FOUR\n")
    os.utime(path, (time.time() + 20, time.time() + 20))
    assert path.stat().st_size == size
    assert tail.check() is Change.RESTART


class _CountedFinds(bytes):
    """Bytes that count the line splitter's searches for a line end."""

    finds = 0

    def find(self, *args: object) -> int:  # type: ignore[override]
        type(self).finds += 1
        return super().find(*args)  # type: ignore[arg-type]


def test_a_run_of_empty_lines_costs_one_search() -> None:
    """Millions of empty lines (a damaged or hostile file) are passed over a run at a time:
    a file of 200 million of them had taken minutes, one search each."""
    data = _CountedFinds(
        b"a\n"
        + b"\n" * 100_000
        + b"b\r\n"
        + b"\n" * 50_000
        + b"c\n"
        + b"\r\n" * 50_000
        + b"\r\r\n\rd\r\n\n\r\n"
    )
    sink = Collector()
    LineSplitter().feed(data, sink)
    assert sink.lines == [b"a", b"b", b"c", b"\r", b"\rd"] == complete_lines(bytes(data))
    assert _CountedFinds.finds < 16


def test_a_run_of_empty_lines_is_passed_over_in_little_memory() -> None:
    """A map's window of empty lines is passed over without memory for each: the run's
    regular expression kept a step to go back to per line, 115 bytes each (2 GB for 16
    million of them, a 64 MiB window holds 64 million)."""
    data = b"a\n" + b"\n" * 500_000 + b"\r\n" * 250_000 + b"b\n"
    sink = Collector()
    tracemalloc.start()
    try:
        LineSplitter().feed(data, sink)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink.lines == [b"a", b"b"]
    assert peak < 1 << 20


class _CountedReads:
    """A file's handle that counts the bytes read through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.bytes_read = 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.handle.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.bytes_read += len(data)
        return data


def test_a_stop_ends_the_search_for_the_last_line_end(tmp_path: Path) -> None:
    """A log of hundreds of MiB (gigabytes, sparse, on a hostile disk) with no LF after its
    first line: the search back for the last line's end went through all of it before the
    scan first asked whether to stop, so that quitting waited for it (seconds a gigabyte;
    past the exit's 10 s, the app ended with an error)."""
    path = tmp_path / "sparse.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"first":"line"}\n')
        handle.truncate(256 << 20)  # a hole: no disk is used
    with open(path, "rb") as raw:
        handle = _CountedReads(raw)
        scan = BackwardLines(
            cast(BinaryIO, handle), 256 << 20, budget=1 << 20, should_stop=lambda: True
        )
        assert list(scan) == []
    assert scan.stopped
    assert handle.bytes_read <= 2 << 20


#: The smallest hole a file system keeps (a block); holes are made in whole ones.
HOLE_BLOCK = 4096


def write_sparse(path: Path, pieces: list[tuple[bool, int, bytes]]) -> bytes:
    """Write ``pieces`` (a hole, or data, of so many blocks; the data's bytes laid at the end
    of its blocks) and return the file's bytes as read (the holes as NULs)."""
    content = bytearray()
    with open(path, "wb") as handle:
        for hole, blocks, data in pieces:
            length = blocks * HOLE_BLOCK
            if hole:
                handle.seek(length, os.SEEK_CUR)
                content += bytes(length)
            else:
                filled = data[-length:].rjust(length, b"x")
                handle.write(filled)
                content += filled
        handle.truncate(len(content))
    return bytes(content)


def keeps_holes(path: Path) -> bool:
    with open(path, "rb") as handle:
        extents = data_extents(handle, os.fstat(handle.fileno()).st_size)
    return extents is not None and sum(end - start for start, end in extents) < path.stat().st_size


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(
        st.tuples(st.booleans(), st.integers(1, 40), st.binary(max_size=64)), max_size=12
    ),
    cut=st.integers(0, 3 * HOLE_BLOCK),
)
def test_the_last_line_end_of_a_sparse_file(
    tmp_path: Path, pieces: list[tuple[bool, int, bytes]], cut: int
) -> None:
    """Holes (NUL bytes nobody wrote) anywhere, with LFs before, between and after them, and a
    size that ends within a hole or within data: the search, which passes over the holes, finds
    the same line end as a read of every byte."""
    path = tmp_path / "sparse.jsonl"
    content = write_sparse(path, pieces)
    size = max(len(content) - cut, 0)
    with open(path, "rb") as handle:
        found = last_line_end(handle, size)
    assert found == content.rfind(b"\n", 0, size) + 1


class _CountedFile(_CountedReads):
    def fileno(self) -> int:
        return self.handle.fileno()


def test_the_holes_of_a_sparse_file_are_not_read(tmp_path: Path) -> None:
    """A 1 GiB hole between a log's first line and an unfinished last one (a file extended
    without writing): the search back for the last line's end reads the data only. It had
    read the whole gigabyte (a minute for 20 GB, the page cache filled with its zeros)."""
    path = tmp_path / "sparse.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"first":"line"}\n')
        handle.seek(1 << 30)
        handle.write(b'{"unfinished":')
    if not keeps_holes(path):
        pytest.skip("this file system stores no holes")
    with open(path, "rb") as raw:
        handle = _CountedFile(raw)
        assert last_line_end(cast(BinaryIO, handle), path.stat().st_size) == 17
    assert handle.bytes_read <= 2 * HOLE_BLOCK + 64


def test_the_handle_reads_on_after_the_holes_are_asked(tmp_path: Path) -> None:
    """Asking for the holes moves the descriptor's offset: it is put back, so that a buffered
    handle on it goes on reading where it was."""
    path = tmp_path / "sparse.jsonl"
    content = write_sparse(path, [(False, 2, b"a\n"), (True, 3, b""), (False, 1, b"b\n")])
    with open(path, "rb") as handle:
        assert handle.read(10) == content[:10]
        data_extents(handle, len(content))
        assert handle.read() == content[10:]


def test_a_file_of_many_holes_is_read_as_one(tmp_path: Path) -> None:
    """Past ``MAX_DATA_EXTENTS`` stretches of data, the holes are not asked one by one: the
    file is searched as if it had none, and the answer is the same."""
    path = tmp_path / "sparse.jsonl"
    content = write_sparse(
        path, [(hole, 1, b"line\n") for _ in range(MAX_DATA_EXTENTS + 1) for hole in (False, True)]
    )
    with open(path, "rb") as handle:
        assert data_extents(handle, len(content)) is None
        assert last_line_end(handle, len(content)) == content.rfind(b"\n") + 1


def _read_in_steps(
    path: Path, steps: list[list[tuple[bool, int, bytes]]], *, sparse: bool, cap: int
) -> tuple[object, ...]:
    """Grow ``path`` a step at a time (each piece a hole of so many bytes, or data) and read
    what each step added; a hole is left unwritten when ``sparse``, else written as NULs."""
    path.write_bytes(b"")
    tail, sink = FollowedFile(path, max_line_bytes=cap), Collector()
    for step in steps:
        with open(path, "r+b") as handle:
            handle.seek(0, os.SEEK_END)
            for hole, length, data in step:
                if not hole:
                    handle.write(data)
                elif sparse:
                    handle.truncate(handle.tell() + length)
                    handle.seek(length, os.SEEK_CUR)
                else:
                    handle.write(bytes(length))
        if tail.check() in (Change.GREW, Change.RESTART):
            before = tail.offset
            assert tail.read(sink) == path.stat().st_size - before
    return sink.lines, sink.long, tail.offset, tail.pending_bytes, tail.line_end


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80, deadline=None
)
@given(
    steps=st.lists(
        st.lists(
            st.one_of(
                st.tuples(st.just(True), st.integers(1, 12).map(lambda n: n * 4096), st.just(b"")),
                st.tuples(
                    st.just(False),
                    st.just(0),
                    st.lists(
                        st.sampled_from([b"\n", b"\r\n", b"{", b"}", b"x" * 700, b"\x00"]),
                        min_size=1,
                        max_size=12,
                    ).map(b"".join),
                ),
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=3,
    ),
    cap=st.sampled_from([2 * 4096, 16 << 20]),
    mapped=st.booleans(),
)
def test_a_sparse_file_reads_as_its_nuls_would(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    steps: list[list[tuple[bool, int, bytes]]],
    cap: int,
    mapped: bool,
) -> None:
    """Holes anywhere (inside a line, between lines, at the end while the file grows; in a
    line that grows past the cap, or not), read plainly or through maps, with holes passed
    over from one block: the lines handed on, the line held and the offsets are those of the
    same file with its NULs written."""
    monkeypatch.setattr(tail_module, "HOLE_MIN_BYTES", 4096)
    monkeypatch.setattr(tail_module, "CHUNK_BYTES", 3 * 4096)
    monkeypatch.setattr(tail_module, "MAP_WINDOW_BYTES", 4 * GRANULE)
    monkeypatch.setattr(tail_module, "map_files", mapped)
    sparse = _read_in_steps(tmp_path / "sparse.jsonl", steps, sparse=True, cap=cap)
    dense = _read_in_steps(tmp_path / "dense.jsonl", steps, sparse=False, cap=cap)
    assert sparse == dense


@pytest.mark.parametrize("mapped", [False, True])
@pytest.mark.parametrize("over", [-1, 0, 1])
def test_a_hole_that_brings_a_line_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mapped: bool, over: int
) -> None:
    """A line that a hole brings to the cap exactly is still a line; one byte more, it is
    handed on as its two ends: as its NULs read would."""
    monkeypatch.setattr(tail_module, "HOLE_MIN_BYTES", 4096)
    monkeypatch.setattr(tail_module, "map_files", mapped)
    cap = 2 * 4096 + over
    steps = [[(False, 0, b"{" + b"x" * 4095), (True, 4096, b""), (False, 0, b"\n")]]
    sparse = _read_in_steps(tmp_path / "sparse.jsonl", steps, sparse=True, cap=cap)
    assert sparse == _read_in_steps(tmp_path / "dense.jsonl", steps, sparse=False, cap=cap)
    lines, long = sparse[:2]
    assert (len(lines), len(long)) == ((0, 1) if over < 0 else (1, 0))


def _bytes_read() -> int | None:
    """This process's bytes read by system calls so far (Linux), or None."""
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return None
    return int(re.search(r"rchar: (\d+)", text).group(1))  # type: ignore[union-attr]


def test_a_forward_read_passes_over_a_hole(tmp_path: Path) -> None:
    """A log extended by 1 GiB it never wrote, then a line: the follower reads the data only,
    and hands the line after the hole on. It had read the gigabyte of NULs (20 GB: the usage
    index's read took seconds, and filled the page cache with them)."""
    path = tmp_path / "sparse.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"first":"line"}\n{"held":')
        handle.seek(1 << 30)
        handle.write(b'"end"}\n{"after":"hole"}\n')
    if not keeps_holes(path) or _bytes_read() is None:
        pytest.skip("no holes kept, or no count of bytes read here")
    tail, sink = FollowedFile(path), Collector()
    before = _bytes_read()
    assert tail.read(sink) == path.stat().st_size
    assert (_bytes_read() or 0) - (before or 0) < 1 << 20
    assert sink.lines == [b'{"first":"line"}', b'{"after":"hole"}']
    [(prefix, _, length)] = sink.long
    assert prefix.startswith(b'{"held":\x00')
    assert length == (1 << 30) + 6 - 17


class _CountedRfinds(bytes):
    """Bytes that count the backward scan's searches for a line end."""

    rfinds = 0

    def rfind(self, *args: object) -> int:  # type: ignore[override]
        type(self).rfinds += 1
        return super().rfind(*args)  # type: ignore[arg-type]


class _ReadsCountedRfinds(_CountedReads):
    def read(self, size: int = -1) -> bytes:
        return _CountedRfinds(super().read(size))


def test_a_backward_run_of_empty_lines_costs_one_search(tmp_path: Path) -> None:
    """Millions of empty lines before a log's last lines are passed over a run at a time, as
    reading forward does: one search each had taken 13 s for 60 million on a first read."""
    data = (
        b"a\n"
        + b"\n" * 100_000
        + b"b\r\n"
        + b"\r\n" * 50_000
        + b"\r\r\n"
        + b"\n\r\n" * 30_000
        + b"c\n"
    )
    path = tmp_path / "empty.jsonl"
    path.write_bytes(data)
    _CountedRfinds.rfinds = 0  # a class count: a run before this one (a rerun) had added to it
    with open(path, "rb") as raw:
        scan = BackwardLines(cast(BinaryIO, _ReadsCountedRfinds(raw)), len(data), budget=1 << 30)
        assert list(scan) == list(reversed(complete_lines(data))) == [b"c", b"\r", b"b", b"a"]
    assert _CountedRfinds.rfinds < 40


#: Lines a run may hold or must stop at: no "{" (short, long, empty, CR only, naming a type)
#: and lines with one.
_RUN_PIECES = st.sampled_from(
    [
        *(b"x", b"yy", b"z\r", b"", b"\r", b"\r\r", b"{x", b"a{", b"w" * 30, b"{}", b"{}\r"),
        *(b'"type":"turn_context"', b'a"session_meta"'),
    ]
)


def _squashed(items: list[bytes | LongLine | NoObjectRun | SameLines]) -> list[object]:
    """Lines with no "{" that a run may hold, one after the other, as (how many, the last
    met); copies of a line as that many lines; the rest as they are."""
    squashed: list[object] = []
    for item in _each_copy(items):
        if isinstance(item, NoObjectRun):
            count, last = item.lines, item.first
        elif isinstance(item, bytes) and b"{" not in item and not tail_module._names(item):
            count, last = 1, item
        else:
            squashed.append(item)
            continue
        if squashed and isinstance(squashed[-1], tuple):
            count += squashed[-1][0]
            squashed.pop()
        squashed.append((count, last))
    return squashed


def _each_copy(
    items: list[bytes | LongLine | NoObjectRun | SameLines],
) -> list[bytes | LongLine | NoObjectRun]:
    """The items, copies of a line (``SameLines``) as that many lines."""
    each: list[bytes | LongLine | NoObjectRun] = []
    for item in items:
        if isinstance(item, SameLines):
            each += [item.line] * item.times
        else:
            each.append(item)
    return each


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(_RUN_PIECES, max_size=60),
    first=st.integers(1, 40),
    block=st.integers(1, 80),
)
def test_lines_that_cannot_be_json_come_a_run_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes], first: int, block: int
) -> None:
    """With ``runs``, the lines a line at a time, but those with no "{" one after the other
    as runs: as many, the last met the same, at any block size. Lines that name a type, and
    long ones, come alone."""
    monkeypatch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", first)
    monkeypatch.setattr(tail_module, "BACKWARD_BLOCK_BYTES", block)
    data = b"".join(line + b"\n" for line in lines)
    path = tmp_path / "runs.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        one_by_one = list(BackwardLines(handle, len(data), budget=10**9, long_line_bytes=20))
        runs = list(BackwardLines(handle, len(data), budget=10**9, long_line_bytes=20, runs=True))
    assert _squashed(runs) == _squashed(one_by_one)


def test_a_block_of_x_lines_is_one_run(tmp_path: Path) -> None:
    """A hostile log's millions of "x": a run per block, not a line each."""
    data = b'{"a":1}\n' + b"x\n" * 100_000 + b"y\r\n\n" + b"x\n" * 10
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        items = list(BackwardLines(handle, len(data), budget=10**9, runs=True))
    assert items[-1] == b'{"a":1}'
    assert sum(item.lines for item in items[:-1] if isinstance(item, NoObjectRun)) == 100_011
    assert len(items) < 10
    assert _squashed(items) == [(100_011, b"x"), b'{"a":1}']


class RunCollector(Collector):
    """A Collector that takes lines with no "{" one after the other as runs."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[bytes | LongLine | NoObjectRun] = []

    def line(self, data: bytes) -> None:
        self.items.append(data)

    def no_object_run(self, count: int, last: bytes) -> None:
        self.items.append(NoObjectRun(count, last))


def _feed_cut(data: bytes, cuts: list[int], sink: Collector) -> None:
    """``data`` fed to a splitter of 20-byte lines in blocks cut at ``cuts``."""
    splitter, at = LineSplitter(20), 0
    for cut in sorted(cuts):
        splitter.feed(data[at:cut], sink)
        at = max(at, cut)
    splitter.feed(data[at:], sink)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_RUN_PIECES, max_size=60), cuts=st.lists(st.integers(0, 400), max_size=6))
def test_the_splitter_hands_lines_that_cannot_be_json_on_a_run_at_a_time(
    lines: list[bytes], cuts: list[int]
) -> None:
    """Forward too, in blocks cut anywhere: as many, the last the same; long lines and lines
    that name a type or a header come alone."""
    data = b"".join(line + b"\n" for line in lines) + b"unfinished"
    one_by_one, runs = Collector(), RunCollector()
    for sink in (one_by_one, runs):
        _feed_cut(data, cuts, sink)
    assert [(p, s, n) for p, s, n in runs.long] == one_by_one.long
    assert _squashed(list(runs.items)) == _squashed(list(one_by_one.lines))


def test_a_run_is_copied_a_mebibyte_at_most(tmp_path: Path) -> None:
    """A map's window of 64 MiB of "x" (with empty lines among them) is handed on in runs of
    at most ``RUN_BYTES`` each, every line counted once, empty ones not at all."""
    data = (b"x\n\n" * 600_000) + b"last\r\n"
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    whole = RunCollector()
    LineSplitter().feed(data, whole)  # as a map's window is fed: in one piece
    largest = max(item.lines for item in whole.items if isinstance(item, NoObjectRun))
    assert largest <= tail_module.RUN_BYTES // 3  # "x\n\n": three bytes a line
    assert _squashed(whole.items) == [(600_001, b"last")]
    runs = RunCollector()
    assert FollowedFile(path).read(runs) == len(data)
    # A line held across two blocks is handed on alone.
    assert sum(item.lines if isinstance(item, NoObjectRun) else 1 for item in runs.items) == (
        600_001
    )
    assert _squashed(runs.items) == [(600_001, b"last")]
    assert len(runs.items) <= 2 * (len(data) // tail_module.RUN_BYTES + 2)


@given(
    unit=st.binary(min_size=1, max_size=5),
    before=st.binary(max_size=12),
    copies=st.integers(0, 300),
    after=st.binary(max_size=12),
)
def test_copies_are_counted_as_one_by_one(
    unit: bytes, before: bytes, copies: int, after: bytes
) -> None:
    """Forward from a place and back from it, at doubling stretches: as many as a count one
    copy at a time finds."""

    def one_by_one(data: bytes, at: int, step: int) -> int:
        count = 0
        while at + min(step, 0) >= 0 and at + max(step, 0) <= len(data):
            if data[min(at, at + step) : max(at, at + step)] != unit:
                break
            count, at = count + 1, at + step
        return count

    data = before + unit * copies + after
    start, end = len(before), len(before) + len(unit) * copies
    assert tail_module._copies(data, start, unit) == one_by_one(data, start, len(unit))
    assert tail_module._copies(data, end, unit, before=True) == one_by_one(data, end, -len(unit))


class CopiesCollector(Collector):
    """A Collector that takes a line's copies right after it in one call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[bytes, int]] = []

    def same_lines(self, data: bytes, count: int) -> None:
        self.calls.append((data, count))
        self.lines += [data] * count


@given(
    lines=st.lists(_RUN_PIECES, max_size=60),
    repeats=st.lists(st.integers(1, 400), max_size=60),
    cuts=st.lists(st.integers(0, 20_000), max_size=6),
)
def test_the_splitter_hands_a_line_and_its_copies_on_in_one_call(
    lines: list[bytes], repeats: list[int], cuts: list[int]
) -> None:
    """Forward, in blocks cut anywhere: the same lines as one at a time, each copy of a short
    line held in a call with it (never more than are there); long lines come alone."""
    repeats += [1] * len(lines)
    lines = [
        line for line, times in zip(lines, repeats[: len(lines)], strict=True) for _ in range(times)
    ]
    data = b"".join(line + b"\n" for line in lines) + b"{}"
    one_by_one, copies = Collector(), CopiesCollector()
    for sink in (one_by_one, copies):
        _feed_cut(data, cuts, sink)
    assert copies.lines == one_by_one.lines
    assert copies.long == one_by_one.long
    short = tail_module.SAME_LINE_BYTES
    assert all(count > 1 and len(line) <= short for line, count in copies.calls)


def test_a_flood_of_empty_objects_comes_a_few_items_a_block(tmp_path: Path) -> None:
    """A hostile log's millions of ``{}``: one ``SameLines`` a block backwards, one call a
    block forward (a map's window of them too), every copy counted."""
    data = b'{"a":1}\n' + b"{}\n" * 1_000_000 + b"{}\r\n" * 10 + b"{}\n"
    path = tmp_path / "empty.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        items = list(BackwardLines(handle, len(data), budget=10**9, runs=True))
    assert len(items) < 20
    assert _each_copy(items) == [b"{}"] + [b"{}"] * 10 + [b"{}"] * 1_000_000 + [b'{"a":1}']
    whole = CopiesCollector()
    LineSplitter().feed(data, whole)  # as a map's window is fed: in one piece
    assert whole.calls == [(b"{}", 1_000_000), (b"{}", 10)]
    assert whole.lines == complete_lines(data)
    followed = CopiesCollector()
    assert FollowedFile(path).read(followed) == len(data)
    assert followed.lines == complete_lines(data)
    assert len(followed.calls) < 2 * (len(data) // tail_module.CHUNK_BYTES + 2)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_forward_and_backward_take_the_same_lines_as_short(tmp_path: Path, ending: bytes) -> None:
    """A line of ``SAME_LINE_BYTES`` (its CR not counted) comes with its copies both ways;
    one byte longer, a line at a time both ways."""
    short = tail_module.SAME_LINE_BYTES
    for size, collapsed in ((short, True), (short + 1, False)):
        line = b"{" + b"a" * (size - 2) + b"}"
        data = (line + ending) * 5
        path = tmp_path / f"{size}.jsonl"
        path.write_bytes(data)
        forward = CopiesCollector()
        LineSplitter().feed(data, forward)
        assert forward.lines == [line] * 5
        assert forward.calls == ([(line, 5)] if collapsed else [])
        with open(path, "rb") as handle:
            items = list(BackwardLines(handle, len(data), budget=10**9, runs=True))
        assert _each_copy(items) == [line] * 5
        # The file's first line has no LF before it, so it comes alone.
        assert items[0] == SameLines(line, 4) if collapsed else items == [line] * 5
