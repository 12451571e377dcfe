"""The one file follower: rewrites and inode reuse, FIFOs, zstd bombs, huge lines, stopping."""

from __future__ import annotations

import functools
import os
import random
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core import tail
from codex_presence_gui.core.discovery import discover
from codex_presence_gui.core.history import HistoryReader
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.tail import Change, FollowedFile, header_lines, read_head_lines
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.special_files import unblocked
from tests.unit.core.test_tail import Collector, complete_lines

SID = "019d0000-0000-7000-8000-0000000f0110"
OTHER = "019d0000-0000-7000-8000-0000000f0111"
MIB = 1024 * 1024

line_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b""))
generation = st.lists(line_bytes, max_size=12)
operation = st.one_of(
    st.tuples(st.just("append"), st.binary(max_size=80)),
    st.tuples(st.just("rewrite"), generation),
    st.tuples(st.just("recreate"), generation),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(first=generation, operations=st.lists(operation, max_size=12))
def test_any_sequence_of_appends_rewrites_and_recreations_reads_the_final_content(
    tmp_path: Path, first: list[bytes], operations: list[tuple[str, object]]
) -> None:
    """Whatever happens to the file, following it gives the lines of a one-shot read.

    A rewrite truncates in place and writes anew (same inode, possibly longer than before); a
    recreation deletes the file and writes a new one, which ext4 and tmpfs give the old inode.
    Like Codex's first line, each new content starts with its own id. The mtime is moved on
    at each step as time passes between writes (a same-size, same-mtime rewrite is not seen:
    the follower does not read an unchanged file).
    """
    path = tmp_path / "rollout-follow.jsonl"
    if path.exists():
        path.unlink()
    generations = iter(range(1, 10**6))

    def content(lines: list[bytes]) -> bytes:
        return b"".join(line + b"\n" for line in [b"gen-%d" % next(generations), *lines])

    data = content(first)
    path.write_bytes(data)
    follower, sink = FollowedFile(path), Collector()
    follower.read(sink)
    for step, (kind, value) in enumerate(operations, start=1):
        if kind == "append":
            assert isinstance(value, bytes)
            with open(path, "ab") as handle:
                handle.write(value)
            data += value
        else:
            assert isinstance(value, list)
            data = content(value)
            if kind == "rewrite":
                with open(path, "r+b") as handle:
                    handle.truncate(0)
                    handle.write(data)
            else:
                path.unlink()
                path.write_bytes(data)
        os.utime(path, ns=(0, (1_700_000_000 + step) * 10**9))
        change = follower.check()
        if change is Change.RESTART:
            sink = Collector()  # a new file: what the old one said is forgotten
            follower.read(sink, restart=True)
        elif change is Change.GREW:
            follower.read(sink)
    assert sink.lines == complete_lines(data)


def test_a_rewrite_to_the_same_size_with_other_first_bytes_restarts(tmp_path: Path) -> None:
    """Same inode, same size, newer mtime, other content: read again from the start."""
    path = tmp_path / "rollout-same.jsonl"
    path.write_bytes(b"first\nline\n")
    follower, sink = FollowedFile(path), Collector()
    follower.read(sink)
    inode = path.stat().st_ino
    with open(path, "r+b") as handle:
        handle.write(b"other\nline\n")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
    assert path.stat().st_ino == inode
    assert follower.check() is Change.RESTART


def test_a_rewrite_keeping_size_mtime_and_first_bytes_restarts(tmp_path: Path) -> None:
    """Same inode, size, mtime (set back) and first 4 KiB, other bytes after them: the
    change time gives it away, so the file is read again."""
    path = tmp_path / "rollout-same-head.jsonl"
    head = b"x" * 5000 + b"\n"
    path.write_bytes(head + b"first\n")
    follower = FollowedFile(path)
    follower.read(Collector())
    before = path.stat()
    time.sleep(0.01)  # a change time the file system can tell apart
    with open(path, "r+b") as handle:
        handle.seek(len(head))
        handle.write(b"other\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert follower.check() is Change.RESTART


def test_a_file_written_with_its_size_kept_is_read_again_once(tmp_path: Path) -> None:
    """A newer mtime with the same size: touched, or rewritten in place between the first
    bytes and the last ones, which the digests alone do not see (a review's case: 8,000
    tokens edited in at 300 MB of a 411 MB log were never counted). Read again, once."""
    path = tmp_path / "rollout-touch.jsonl"
    lines = [b"line %05d" % n for n in range(2000)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    follower = FollowedFile(path)
    follower.read(Collector())
    with path.open("r+b") as handle:  # the middle, far from both digests' bytes
        handle.seek(len(path.read_bytes()) // 2)
        handle.write(b"EDITED")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
    assert follower.check() is Change.RESTART
    again = Collector()
    follower.read(again, restart=True)
    assert any(b"EDITED" in line for line in again.lines)
    assert follower.check() is Change.UNCHANGED  # cheap again
    assert follower.stat is not None
    assert follower.stat.mtime == path.stat().st_mtime


def session_lines(session_id: str = SID) -> list[str]:
    return [
        r.session_meta(BASE, session_id),
        r.turn_context(BASE + 1, model="gpt-5.5"),
        r.event(BASE + 2, "task_started", turn_id="t", model_context_window=258400),
        r.token_count(BASE + 3, r.usage(1000, 0, 100), None, r.limits()),
        r.event(BASE + 4, "task_complete", turn_id="t"),
    ]


def swap_for_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_followed_file_swapped_for_a_fifo_is_refused_not_opened(codex_home: CodexHome) -> None:
    """Read once, then replaced by a FIFO: the next check names it instead of hanging."""
    path = codex_home.write(SID, session_lines())
    reader = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10)
    assert [s.session_id for s in reader.refresh().snapshots] == [SID]
    swap_for_fifo(path)
    with unblocked(path) as hung:
        result = reader.refresh(discover_files=False)
    assert not hung
    assert result.snapshots == ()
    problems = [w for w in result.warnings if w.kind is ProblemKind.NOT_A_FILE]
    assert [w.path for w in problems] == [path]
    assert str(problems[0]) == f"skipped {path}: not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_swapped_for_a_fifo_after_discovery_is_refused(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery saw a regular file; by the first read it is a FIFO: both readers refuse it."""
    path = codex_home.write(SID, session_lines())
    good = codex_home.write(OTHER, session_lines(OTHER), started=BASE + 1)
    found = discover([codex_home.root])
    swap_for_fifo(path)
    monkeypatch.setattr(reader_module, "discover", lambda *args, **kwargs: found)
    with unblocked(path) as hung:
        result = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10).refresh()
        history = HistoryReader(clock=lambda: BASE + 10)
        history.refresh(found.files)
    assert not hung
    assert [s.file for s in result.snapshots] == [good]
    for warnings in (result.warnings, history.warnings):
        problems = [w for w in warnings if w.kind is ProblemKind.NOT_A_FILE]
        assert [w.path for w in problems] == [path]


def zstd_bomb(path: Path, head: bytes, zeros_mib: int) -> None:
    """``head`` then ``zeros_mib`` MiB of zeros, compressed as a stream (a few KB on disk)."""
    zstandard = pytest.importorskip("zstandard")
    compressor = zstandard.ZstdCompressor(level=1).compressobj()
    parts = [compressor.compress(head)]
    block = bytes(MIB)
    parts += [compressor.compress(block) for _ in range(zeros_mib)]
    parts.append(compressor.flush())
    path.write_bytes(b"".join(parts))


def test_a_zstd_bomb_ends_at_the_cap_with_what_came_before(tmp_path: Path) -> None:
    """64 MiB of zeros behind a cap of 4 MiB: read up to the cap, quickly and in bounded
    memory, then a TOO_LARGE problem; the lines before the zeros are kept."""
    path = tmp_path / "rollout-bomb.jsonl.zst"
    zstd_bomb(path, b"one\ntwo\n", 64)
    follower, sink = FollowedFile(path, max_decompressed=4 * MIB), Collector()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert follower.read(sink) == 4 * MIB
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink.lines == [b"one", b"two"]
    assert elapsed < 2
    assert peak < 16 * MIB
    assert follower.problem is not None
    assert follower.problem.kind is ProblemKind.TOO_LARGE
    assert [p.kind for p in follower.problems()] == [ProblemKind.TOO_LARGE]
    assert str(follower.problem).startswith(f"cannot read {path}: it expands to more than 4 MiB")
    # What the cap means for the numbers, said: the rest was read as nothing.
    assert str(follower.problem).endswith(
        "only its first 4 MiB were read, and what follows is not counted"
    )
    assert follower.check() is Change.UNCHANGED  # not decompressed again


def test_a_real_size_zstd_bomb_warns_in_the_reader(codex_home: CodexHome) -> None:
    """512 MiB of zeros behind a session's lines, default cap: the session is shown, with a
    warning, in a second or two."""
    plain = codex_home.write(SID, session_lines())
    path = plain.with_name(plain.name + ".zst")
    zstd_bomb(path, plain.read_bytes(), 512)
    plain.unlink()
    started = time.perf_counter()
    result = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10).refresh()
    assert time.perf_counter() - started < 5
    [snapshot] = result.snapshots
    assert snapshot.session_total_tokens == 1100
    assert [w.kind for w in result.warnings] == [ProblemKind.TOO_LARGE]
    assert [w.path for w in result.warnings] == [path]


def unfinished_session(codex_home: CodexHome, unfinished: int) -> Path:
    path = codex_home.write(SID, session_lines())
    with open(path, "ab") as handle:
        handle.write(b'{"timestamp":"2026-05-04T09:00:05.000Z","type":"response_item",')
        handle.write(b"x" * unfinished)
    return path


def assert_whole_session_with_warning(result: reader_module.ReadResult, path: Path) -> None:
    [snapshot] = result.snapshots
    assert snapshot.session_total_tokens == 1100
    assert snapshot.model == "gpt-5.5"
    assert snapshot.limits is not None
    problems = [w for w in result.warnings if w.kind is ProblemKind.UNFINISHED_LINE]
    assert [w.path for w in problems] == [path]
    assert "unfinished last line" in str(problems[0])


def test_an_unfinished_line_over_the_budget_keeps_the_session_and_warns(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unfinished last line is not counted against the backward budget (it used to eat
    it all, leaving no tokens, model or limits, and no warning)."""
    monkeypatch.setattr(reader_module, "BACKWARD_BUDGET_BYTES", 64 * 1024)
    monkeypatch.setattr(
        reader_module, "FollowedFile", functools.partial(FollowedFile, unfinished_budget=64 * 1024)
    )
    path = unfinished_session(codex_home, 200 * 1024)
    reader = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10)
    assert_whole_session_with_warning(reader.refresh(), path)
    with open(path, "ab") as handle:  # it grows, still unfinished: held, still reported
        handle.write(b"y" * 1024)
    assert_whole_session_with_warning(reader.refresh(), path)
    with open(path, "ab") as handle:  # it ends: an over-long complete line is skipped
        handle.write(b'"}\n')
    result = reader.refresh()
    assert [w.kind for w in result.warnings] == [ProblemKind.MALFORMED_LINES]


def test_a_real_unfinished_line_of_64_mib(codex_home: CodexHome) -> None:
    """The same at the real budget, in well under a second or two."""
    path = unfinished_session(codex_home, 64 * MIB)
    started = time.perf_counter()
    result = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10).refresh()
    assert time.perf_counter() - started < 3
    assert_whole_session_with_warning(result, path)


def test_head_lines_behind_a_huge_first_line_take_linear_time(tmp_path: Path) -> None:
    """A first line of 40 MiB: the head is given up after about the decode cap (16 MiB) of
    bytes, in linear time (the old scan copied its buffer for each 32 KiB read: 4 s)."""
    path = tmp_path / "rollout-huge.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"timestamp":"x","type":"session_meta"' + b" " * (40 * MIB) + b"}\n")
        handle.write(b"second\nthird\n")
    started = time.perf_counter()
    with open(path, "rb") as handle:
        assert read_head_lines(handle, 2) == []
        assert header_lines(handle) == []
    assert time.perf_counter() - started < 1
    with open(path, "rb") as handle:  # a budget above the line finds what follows it
        assert read_head_lines(handle, 2, max_bytes=41 * MIB)[1:] == [b"second"]


class StopAfter:
    """A ``should_stop`` that says True from its ``calls``-th call on."""

    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked >= self.calls


def test_should_stop_ends_a_refresh_between_files_and_the_next_one_catches_up(
    codex_home: CodexHome,
) -> None:
    codex_home.write(SID, session_lines())
    codex_home.write(OTHER, session_lines(OTHER), started=BASE + 1)
    reader = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10)
    assert reader.refresh(should_stop=StopAfter(1)).snapshots == ()
    assert len(reader.refresh(should_stop=StopAfter(3)).snapshots) == 1
    assert len(reader.refresh().snapshots) == 2


def test_should_stop_inside_a_big_file_leaves_it_for_the_next_refresh(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped within a file's first read: it is left out (never half read), then read."""
    monkeypatch.setattr(reader_module, "BACKWARD_BUDGET_BYTES", 10**9)
    filler = [r.call_output(BASE + 2.5, f"c{n}", "o" * 100_000) for n in range(40)]
    lines = session_lines()
    codex_home.write(SID, lines[:3] + filler + lines[3:])
    reader = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 10)
    stop = StopAfter(2)  # the first ask is between files; the second between blocks
    assert reader.refresh(should_stop=stop).snapshots == ()
    assert stop.asked == 2
    [snapshot] = reader.refresh().snapshots
    assert snapshot.session_total_tokens == 1100


def test_should_stop_ends_a_history_refresh(codex_home: CodexHome) -> None:
    codex_home.write(SID, session_lines())
    codex_home.write(OTHER, session_lines(OTHER), started=BASE + 1)
    files = discover([codex_home.root]).files
    history = HistoryReader(clock=lambda: BASE + 10)
    assert history.refresh(files, should_stop=StopAfter(1)).files == 0
    # Asked before each file and between blocks of the scan: the third ask is before the second.
    assert history.refresh(files, should_stop=StopAfter(3)).files == 1
    assert history.refresh(files).files == 2


def test_a_big_compressed_log_is_read_past_the_cap_at_a_logs_ratio(tmp_path: Path) -> None:
    """A compressed log big enough to hold more than the cap at a log's ratio (Codex's old
    sessions reach gigabytes) is read whole; the cap stops only what expands like a bomb."""
    zstandard = pytest.importorskip("zstandard")
    rng = random.Random(7)
    lines = [
        b'{"n":%d,"text":"%s"}' % (n, "".join(rng.choices("abcdefghij ", k=200)).encode())
        for n in range(40_000)
    ]
    data = b"\n".join(lines) + b"\n"
    path = tmp_path / "rollout-big.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(data))
    cap = len(data) // 4  # the file expands to four times the cap
    assert len(data) <= tail.MAX_EXPANSION * path.stat().st_size
    follower, sink = FollowedFile(path, max_decompressed=cap), Collector()
    assert follower.read(sink) == len(data)
    assert len(sink.lines) == 40_000
    assert follower.problem is None
