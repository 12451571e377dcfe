"""Keep every relevant rollout file of the Codex homes read, incrementally, and snapshot them.

One ``CodexReader`` serves both the one-shot ``status`` command and the live window's feed:
each ``refresh`` walks the homes, reads only the bytes appended since the last call, restarts
files that were truncated or replaced, follows archive renames, and returns fresh snapshots
evaluated against the clock even when no byte changed.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from codex_presence_gui.core.discovery import (
    Discovery,
    RolloutFile,
    capped_homes,
    discover,
    not_a_folder,
    shown_home,
    too_many_homes,
)
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.gitinfo import GitBranchCache
from codex_presence_gui.core.jsonl import (
    CONTEXT_NEEDLES,
    MAX_DECODE_BYTES,
    ContextRecord,
    Record,
    Signal,
    SignalRecord,
    TokenCountRecord,
    ToolCallRecord,
    ToolOutputRecord,
    TurnStartedRecord,
    UsageRecord,
    is_header_line,
    is_own_type,
    is_token_count_line,
    is_turn_context_line,
    parse_line,
    parse_long_line,
    plain_call,
    plain_token_count,
    token_info_bytes,
)
from codex_presence_gui.core.limits import DEFAULT_LIMIT_ID
from codex_presence_gui.core.models import CodexSessionSnapshot
from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.core.prompted import PromptedSessions
from codex_presence_gui.core.session import (
    FUTURE_SLACK_SECONDS,
    EventRecorder,
    SessionAccumulator,
    is_synthetic,
    line_problems,
    session_id_from_name,
)
from codex_presence_gui.core.tail import (
    BACKWARD_BLOCK_BYTES,
    FINGERPRINT_BYTES,
    BackwardLines,
    Change,
    FileStat,
    FollowedFile,
    Identity,
    LineSplitter,
    LongLine,
    NoObjectRun,
    NotARegularFileError,
    SameLines,
    Stopped,
    describe,
    fingerprint,
    forward_lines,
    header_lines,
    identity_of,
    is_compressed,
    open_regular,
    read_start,
)


def _log() -> logging.Logger:
    # Imported on first use: `status` must start fast and logs nothing when all goes well.
    import logging

    return logging.getLogger(__name__)


if TYPE_CHECKING:
    import logging

#: How far back a backward scan may read.
BACKWARD_BUDGET_BYTES = 64 * 1024 * 1024
#: Past the other goals, how far a backward scan keeps looking for any limits at all.
LIMITS_SEARCH_BYTES = 4 * 1024 * 1024
#: How much of a fork's replayed start is read for the inherited total.
REPLAY_SCAN_BYTES = 16 * 1024 * 1024
#: Without --all, files idle for longer than this are not read: the window lists the sessions
#: that ended today (``selection.ended_since`` reaches back at most a day, 25 h on the day the
#: clocks go back), plus slack. Idle followed files cost one ``stat`` per refresh.
RECENT_FILE_SECONDS = 25 * 3600 + 600
#: How many older files may be probed for limits when no recent file has any.
LIMIT_PROBE_FILES = 40
#: A file recorded for the history is read whole up to this size (its events then need no
#: second read); past it, the backward scan stops as usual and the history scans the file.
#: Reading whole decodes every line (tool calls and their commands too), where the history's
#: scan decodes only usage lines: it pays for small files (50,000 sessions of 2 KB are opened
#: once, not twice), not for big ones (at 4 MiB, ``status --all`` over 398 MB of logs took
#: 0.30 s; at 64 KiB, 0.22 s).
RECORD_WHOLE_BYTES = 64 * 1024
#: ``status`` reads in two processes from this many files on: a second process costs about
#: 30 ms to start and its results 25 us a file to pass back, against about 150 us a file read.
PARALLEL_MIN_FILES = 2000
#: A file read without a recorder is read whole, forward, up to this size: about what the
#: backward scan reads first anyway.
SMALL_FILE_BYTES = 32 * 1024
#: Whether the backward scan hands lines that cannot be JSON over a run at a time
#: (``NoObjectRun``); tests turn it off to compare with a line at a time.
FOLD_RUNS = True
#: A file read whole for its recorder is read in one go up to this size; a bigger one goes
#: through the backward scan's blocks (to the whole-read size), between which a reading
#: thread may be stopped. At the whole-read size itself, every such file is one read.
ONE_READ_BYTES = RECORD_WHOLE_BYTES
#: The bucket of a reading that names none.
DEFAULT_BUCKET = DEFAULT_LIMIT_ID.encode()


@dataclass(slots=True)
class _Tracked:
    tail: FollowedFile
    session: SessionAccumulator
    rollout: RolloutFile
    loaded: bool = False  # False until a first read succeeded (then it is retried each time)
    #: The last snapshot taken, until the file is read again or moved (see ``_snapshot``).
    shown: CodexSessionSnapshot | None = None
    #: What the reading skipped or left out, said again until the file is read again or moved.
    warned: list[Problem] | None = None


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The outcome of one refresh.

    Attributes:
        snapshots: every session read, unordered (see ``selection`` to rank them).
        warnings: plain-language problems (unreadable files, skipped lines, missing homes).
        missing_homes: homes that do not exist, or are no folder.
        not_folders: the missing homes that are there as something else than a folder,
            each with what it is (``a file``, ``a named pipe``: see ``not_a_folder``).
        sessionless: the homes that are there but hold no ``sessions`` folder.
        closed_homes: the homes that are there but cannot be entered, each with why.
    """

    snapshots: tuple[CodexSessionSnapshot, ...]
    warnings: tuple[Problem, ...]
    missing_homes: tuple[Path, ...]
    homes: tuple[Path, ...]
    generated_at: float
    not_folders: tuple[tuple[Path, str], ...] = ()
    sessionless: tuple[Path, ...] = ()
    closed_homes: tuple[tuple[Path, str], ...] = ()


@dataclass(slots=True)
class _BackwardGoals:
    """What a backward scan must have seen before it may stop early."""

    skip_duplicates: bool = True  # off for forks: a re-emission may be in the replayed part
    #: Whether an older ``turn_context`` may be passed over once the model is known: not in a
    #: fork, where a line of its copy carries the copy on to the next (``is_replayed``: the
    #: usage right after a run of copied contexts had been taken for the fork's own).
    older_contexts: bool = True
    whole_bytes: int = 0  # read at least this far (the whole file, when it is this small)
    totals: set[int] = field(default_factory=set)
    model: bool = False
    account_limits: bool = False
    other_limits: bool = False
    turn_boundary: bool = False
    #: The usage bytes and bucket of the ``token_count`` decoded last (the nearest newer one
    #: in the file), while its reading stands (see ``superseded``).
    newer_count: tuple[bytes, bytes | None] | None = None
    #: Whether older ``token_count`` lines may be passed over undecoded, by the rules of
    #: ``superseded``: not in a fork, whose copy's totals are its base, nor in a file whose
    #: header gives no start (the first line folded gives it).
    settling: bool = False
    #: A line stamped after this is in the future, its time not trusted.
    latest: float = float("inf")
    #: For a recorded file: whether the scan may still reach the start (its recorder must
    #: then hold every reading); asked once, when the counts are first settled.
    may_be_whole: Callable[[], bool] | None = None
    #: Whether the older ``token_count`` lines change nothing now (see ``settle``).
    settled: bool = False
    #: The latest time, as text, of a ``token_count`` line decoded (Codex's own layout).
    newest_count: bytes = b""
    buckets: set[bytes] = field(default_factory=set)  # the buckets of the readings decoded
    _window: bool = False  # a reading decoded gave the context window
    _last: bool = False  # ...and the last response's usage (the context used)
    _need_total: bool = False  # a bucket's newest reading waits for the total before it
    _count: tuple[bytes, bytes, bytes | None] | None = None  # the count line looked at
    #: The time, as text, of the newest tool call (decoded first, in Codex's own layout);
    #: b"": none yet. The older calls and outputs may be passed over (see ``superseded``).
    call_stamp: bytes = b""
    #: The ids of the outputs passed over: the older calls of each are over before the
    #: newest call (a call decoded all the same is folded with its end: ``ended_call``).
    finished: set[str] = field(default_factory=set)
    _calls: bool = False  # a tool call was decoded
    _call: tuple[bytes, str, bool] | None = None  # the call or output line looked at

    def superseded(self, line: bytes | LongLine) -> bool:
        """True for an older line that a later one already made irrelevant, so it need not be
        decoded: a ``turn_context`` once the latest model is known (not in a fork), and a
        ``token_count`` in Codex's own layout, stamped no later than a count decoded (an
        older line stamped later would have made the newest time, and one without a time, or
        in the future, is dated by the one before), once the counts are settled (``settle``),
        or that says again what the one after it said (the same usage for the same bucket, as
        Codex writes a usage twice: folded in its place, the later one leaves the same
        state)."""
        self._count = self._call = None
        if isinstance(line, LongLine):
            return False
        if self.settling and (self.call_stamp or not self._calls):
            call = self._call = plain_call(line)
            if call is not None and self.call_stamp and call[0] <= self.call_stamp:
                # Before the newest call, and stamped no later: the newest call's mark
                # replaces all an older call or output said, but for the calls left pending.
                # An output ends its id's older calls, which need no decoding either.
                if call[2]:
                    self.finished.add(call[1])
                    return True
                if call[1] in self.finished:
                    return True
            if call is not None:
                return False
        if is_token_count_line(line):
            plain = plain_token_count(line) if self.settling else None
            if plain is None:
                return False
            stamp, bucket = plain
            info = token_info_bytes(line)
            if info is None:
                return False
            self._count = (stamp, info, bucket)
            # A bucket's newest reading waits for the total before it: whether it added usage.
            if stamp > self.newest_count or self._need_total:
                return False
            if self.settled and (bucket is None or (bucket or DEFAULT_BUCKET) in self.buckets):
                return True
            return self.skip_duplicates and self.newer_count == (info, bucket)
        return self.model and self.older_contexts and is_turn_context_line(line)

    def note(self, record: Record) -> None:
        """Account for a record the scan decoded (the one ``superseded`` last looked at)."""
        if isinstance(record, TokenCountRecord):
            count = self._count
            # A reading that names a bucket but has no window leaves an older one standing.
            stands = count is not None and (count[2] is None or record.limits is not None)
            self.newer_count = (count[1], count[2]) if stands and count is not None else None
            if record.total is not None and not is_synthetic(record.total):
                self.totals.add(record.total.total)
            if record.limits is not None:
                if record.limits.is_account_bucket:
                    self.account_limits = True
                else:
                    self.other_limits = True
        elif isinstance(record, UsageRecord):
            if record.thread_usage is not None and not is_synthetic(record.thread_usage):
                self.totals.add(record.thread_usage.total)
        elif isinstance(record, ToolCallRecord) and not self._calls:
            self._calls = True
            if self.settling and self._call is not None and not self._call[2]:
                self.call_stamp = self._call[0]
        elif isinstance(record, ContextRecord) and record.model:
            self.model = True
        elif isinstance(record, TurnStartedRecord) or (
            isinstance(record, SignalRecord) and record.signal is Signal.TURN_ENDED
        ):
            self.turn_boundary = True
        if self.settling:
            self.settle(record)

    def settle(self, record: Record) -> None:
        """Whether the ``token_count`` lines older than those decoded can still change the
        fold. Once two distinct totals are known (the fold's last change of total is among
        them), a reading gave the context window and the last response, and each bucket's
        newest reading has the total before it (whether it added usage), an older count
        changes nothing: its bucket has a newer reading, and its time is no later than a
        decoded count's (the newest line, the newest count, are those already known). A line
        without a trusted time (a later line may be dated by the one before it) or a
        ``token_usage_record`` whose total is reckoned from the one before it (``_reckoned``:
        one that gives the thread's own total does not) ends the settling for the rest of the
        scan: the lines older than it are all decoded."""
        ts = record.ts
        if ts is None or ts > self.latest or (type(record) is UsageRecord and _reckoned(record)):
            self.settling = self.settled = False
            return
        if type(record) is not TokenCountRecord:
            return
        if self._count is not None and self._count[0] > self.newest_count:
            self.newest_count = self._count[0]
        self._window = self._window or bool(record.context_window)
        self._last = self._last or record.last is not None
        total = record.total
        adds = total is not None and not is_synthetic(total)
        if adds:
            self._need_total = False
        if record.limits is not None:
            bucket = record.limits.limit_id.encode()
            if bucket not in self.buckets:
                self.buckets.add(bucket)
                # Whether its reading added usage is told by the total before it.
                self._need_total = self._need_total or adds
        settled = (
            len(self.totals) >= 2
            and self._window
            and self._last
            and not self._need_total
            and self.newest_count != b""
        )
        if settled and not self.settled and self.may_be_whole is not None:
            if self.may_be_whole():
                self.settling = False  # a recorder that may hold the whole file: every reading
                return
            self.may_be_whole = None
        self.settled = settled

    def met(self, bytes_read: int) -> bool:
        """Two distinct totals (for "this update"), the model, a turn boundary (pending calls
        are settled), and the account's limits. When no limits at all appear near the end
        (API key, local model) the search for them gives up early; when only a model bucket
        was seen, it goes on to the budget, lest a model bucket stand for the account."""
        if bytes_read <= self.whole_bytes:
            return False
        if len(self.totals) < 2 or not self.model or not self.turn_boundary:
            return False
        if self.account_limits:
            return True
        return not self.other_limits and bytes_read > LIMITS_SEARCH_BYTES


def _reckoned(record: UsageRecord) -> bool:
    """Whether a ``token_usage_record``'s total is reckoned from the one before it: it gives
    no thread total of its own (before ≈0.15x), or a synthetic one."""
    total = record.thread_usage
    return total is None or is_synthetic(total)


def ended_call(call_id: str | None) -> ToolOutputRecord:
    """The end of a call whose output the backward scan passed over, folded right after the
    call: its output's own time was no later than the newest call's, whose mark replaces what
    came before but for the calls left pending."""
    return ToolOutputRecord(None, None, call_id)


def _repeats_a_bare_line(record: Record, records: list[Record]) -> bool:
    """Whether ``record`` only says "a line", as the one after it (the last kept) does, at
    the same time: folded once or twice, such lines leave the same state."""
    if not isinstance(record, SignalRecord) or record.signal is not Signal.OTHER:
        return False
    later = records[-1] if records else None
    return type(later) is SignalRecord and later == record


def _parse_backward_line(line: bytes | LongLine, path: Path, exact_calls: bool) -> Record:
    if isinstance(line, bytes):
        return parse_line(line, exact_calls=exact_calls)
    try:
        return parse_long_line(line.prefix, line.suffix, line.length)
    except ParseError:
        if line.length > MAX_DECODE_BYTES:
            raise
        # A long line that must be decoded: read it whole.
        return parse_line(line.read(path), exact_calls=exact_calls)


#: How far before a backward scan's reach the model is looked for when the scan met none (one
#: turn longer than its budget): a search of the bytes for the lines that name it, no decoding.
MODEL_SEARCH_BYTES = 1 << 30
#: What is read before a hit to find its line's start (its own type is nearer).
_HEAD_BYTES = 256


def _last_context(
    handle: IO[bytes], end: int, should_stop: Callable[[], bool] | None
) -> ContextRecord | None:
    """The last line before offset ``end`` that names the model (a ``turn_context`` or the
    thread's settings), decoded; None when there is none within ``MODEL_SEARCH_BYTES``.

    Raises:
        Stopped: ``should_stop`` said so (asked between blocks).
    """
    overlap = max(len(needle) for needle in CONTEXT_NEEDLES) - 1  # a needle across two blocks
    floor = max(0, end - MODEL_SEARCH_BYTES)
    position = end
    while position > floor:
        if should_stop is not None and should_stop():
            raise Stopped
        start = max(position - BACKWARD_BLOCK_BYTES, floor)
        handle.seek(start)
        data = handle.read(min(position + overlap, end) - start)
        index = len(data)
        while (hit := max(data.rfind(needle, 0, index) for needle in CONTEXT_NEEDLES)) >= 0:
            record = _context_at(handle, start + hit)
            if record is not None:
                return record
            # The next search ends where this hit starts: ended before its last byte, it
            # had found the shorter needle here again, and again (a torn context line).
            index = hit
        position = start
    return None


def _context_at(handle: IO[bytes], at: int) -> ContextRecord | None:
    """The line holding a ``CONTEXT_NEEDLES`` hit at offset ``at``, decoded, when the hit is
    its own type and it names a model; else None."""
    head_start = max(0, at - _HEAD_BYTES)
    handle.seek(head_start)
    newline = handle.read(at - head_start).rfind(b"\n")
    if newline < 0 and head_start > 0:
        return None  # no line starts near it: text within a line
    line_start = head_start + newline + 1
    if not is_own_type(at, line_start):
        return None
    for line in forward_lines(handle, line_start, budget=MAX_DECODE_BYTES):
        # The first line given is this one, unless it is over the decode cap (left out).
        if not line.startswith(CONTEXT_NEEDLES, at - line_start):
            return None
        try:
            record = parse_line(line)
        except ParseError:
            return None
        return record if isinstance(record, ContextRecord) and record.model else None
    return None


def load_session(
    session: SessionAccumulator,
    path: Path,
    size: int,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, Identity]:
    """Fill ``session`` with a file's current state; return the offset to tail from and the
    identity of the file read.

    The header lines come from the start; the rest from a backward scan that stops once the
    state is settled (or at the start of the file, which makes it a plain forward parse).
    Records are folded in file order either way. An unfinished last line is not read (nor
    counted against the scan's budget): tailing resumes before it. A session with a recorder
    is read whole when the file is small enough (``RECORD_WHOLE_BYTES``), so that its
    recorder holds every event and is marked ``whole``.

    Raises:
        OSError: not a regular file (``NotARegularFileError``), or it cannot be read.
        Stopped: ``should_stop`` said so; ``session`` is then incomplete.
    """
    whole_limit = ONE_READ_BYTES if session.recorder is not None else SMALL_FILE_BYTES
    if size <= whole_limit:
        return _load_whole(session, path, size, should_stop)
    with open_regular(path) as handle:
        identity = identity_of(handle)
        size = min(size, identity.stat.size)
        identity = identity._replace(stat=identity.stat._replace(size=size))
        headers = header_lines(handle)
        for header in headers:
            session.line(header)
        recorder = session.recorder
        lines = BackwardLines(
            handle, size, budget=BACKWARD_BUDGET_BYTES, should_stop=should_stop, runs=FOLD_RUNS
        )
        goals = _BackwardGoals(
            # An older re-emission of the same usage is still a reading for the history.
            skip_duplicates=not session.is_fork and recorder is None,
            older_contexts=not session.is_fork,
            whole_bytes=RECORD_WHOLE_BYTES if recorder is not None else 0,
            # A single turn's older counts, decoded to the budget in search of the turn's
            # start, had been half of its first read (and of `status`'s).
            settling=not session.is_fork and session.first_ts is not None,
            latest=session.clock() + FUTURE_SLACK_SECONDS,
            # A recorder read whole keeps every reading for the history; one read in part is
            # dropped (the history scans the file), its older readings not needed.
            may_be_whole=(lambda: lines.may_reach_start) if recorder is not None else None,
        )
        records: list[Record] = []
        # Only the last tool call's activity can stand when the fold is done: each call marks
        # the activity anew. The older calls' commands are not classified (a long turn's
        # thousands of commands split into words had been a third of its first read).
        exact_calls = True
        # The skipped line said is the last in the file, as a forward read (the usage
        # index's) says it: the first the scan meets.
        session.backward(True)
        for item in lines:
            copies = 1
            if type(item) is not bytes:
                if isinstance(item, NoObjectRun):
                    # Lines that cannot be JSON, one after the other: all malformed, the last
                    # in the file (the first met) the one said.
                    session.skipped_unread(item.last or item.first, item.lines)
                    continue
                if isinstance(item, SameLines):
                    copies = item.times
                    item = item.line
            # Each copy of a line is looked at as the line is (a copy may be superseded, a
            # call may end the calls' exact reading), until what the rest do is known.
            while copies:
                copies -= 1
                if item in headers or goals.superseded(item):
                    continue  # headers were folded first; superseded lines change nothing
                if type(item) is bytes and item[0] != 0x7B and b"{" not in item:
                    # As parse_line refuses it, without its raise; its copies alike.
                    session.skipped_unread(item, copies + 1)
                    copies = 0
                    continue
                try:
                    record = _parse_backward_line(item, path, exact_calls)
                except ParseError as error:
                    if isinstance(item, LongLine) and item.length > MAX_DECODE_BYTES:
                        session.skipped_long(error)
                    else:
                        session.skipped(error, copies + 1)
                        copies = 0
                    continue
                # ``{}`` by the million (a broken or hostile writer): kept, each cost 72
                # bytes until the fold, gigabytes within the scan's budget. Left out, it
                # still counts toward the goals' distances (the search for limits gives up
                # as far back).
                if _repeats_a_bare_line(record, records):
                    copies = 0  # its copies are left out too, and change no goal
                else:
                    if type(record) is ToolCallRecord:
                        exact_calls = False
                        if record.call_id in goals.finished:
                            records.append(ended_call(record.call_id))  # folded after it
                    records.append(record)
                    goals.note(record)
                if goals.met(lines.bytes_read):
                    break
            else:
                continue
            break
        session.backward(False)
        if lines.stopped:
            raise Stopped
        if not lines.whole and not goals.totals:
            # The budget ran out before any usage (tens of MB of tool output since the last
            # reply): the session's usage, model and limits are further back. Read it
            # forward instead, once, as a stream (big lines are told from their first bytes).
            return _load_forward(session, path, should_stop)
        if not lines.whole and not goals.model:
            # One turn longer than the budget: the model is named before it (the line the
            # scan stopped within is searched too).
            context = _last_context(handle, min(lines.position + _HEAD_BYTES, size), should_stop)
            if context is not None:
                records.append(context)  # the oldest: folded first
        if session.is_fork and not lines.whole:
            _read_inherited_base(session, handle, headers)
    for record in reversed(records):
        session.feed(record)
    if recorder is not None:
        recorder.whole = lines.whole
    return lines.line_end, identity


def _load_forward(
    session: SessionAccumulator, path: Path, should_stop: Callable[[], bool] | None
) -> tuple[int, Identity]:
    """``load_session`` by a forward read of the whole file, from a fresh state (the headers
    the backward scan folded are read again; its other lines were not folded yet, so the
    recorder has nothing of them)."""
    recorder, tier = session.recorder, session.service_tier
    session.__init__(session.path, session.clock)  # type: ignore[misc]
    session.recorder, session.service_tier = recorder, tier
    follower = FollowedFile(path)
    follower.read(_WholeFileFold(session), should_stop=should_stop)
    if should_stop is not None and should_stop():
        raise Stopped
    if recorder is not None:
        recorder.whole = True
    assert follower.identity is not None
    return follower.line_end, follower.identity


class _WholeFileFold:
    """A ``LineSink`` folding a file read forward from its start: the header lines as
    ``header_lines`` finds them, then every other line (a copy of a header is not folded
    twice, as in the backward scan)."""

    def __init__(self, session: SessionAccumulator) -> None:
        self.session = session
        self.headers: list[bytes] = []
        self._in_headers = True

    def line(self, data: bytes) -> None:
        if self._in_headers:
            if len(self.headers) < 2 and is_header_line(data, len(self.headers)):
                self.headers.append(data)
                self.session.line(data)
                return
            self._in_headers = False
        if data not in self.headers:
            self.session.line(data)

    def same_lines(self, data: bytes, count: int) -> None:
        """A short line and its copies right after it (see ``LineSink``): a header's copies
        go through ``line`` (each may be the next header), another's are folded as one."""
        self.line(data)
        rest = count - 1
        while rest and self._in_headers:
            self.line(data)
            rest -= 1
        if rest and data not in self.headers:
            self.session.same_lines(data, rest)

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        self._in_headers = False
        self.session.long_line(prefix, suffix, length)

    def no_object_run(self, count: int, last: bytes) -> None:
        # No header among them: a header holds "{", or names itself (see LineSink).
        self._in_headers = False
        self.session.no_object_run(count, last)


def _load_whole(
    session: SessionAccumulator,
    path: Path,
    size: int,
    should_stop: Callable[[], bool] | None,
) -> tuple[int, Identity]:
    """``load_session`` for a file of ``size`` bytes as listed, read whole: one read and a
    forward fold, which gives the same state as the backward scan reaching the start, for a
    fraction of the work (most sessions are small, and ``status --all`` may read tens of
    thousands of them)."""
    # At least the fingerprint's bytes, as ``identity_of`` reads them; bytes written since
    # the file was listed are left for the next refresh, as the backward scan leaves them.
    stat, data = read_start(path, max(size, FINGERPRINT_BYTES))
    if should_stop is not None and should_stop():
        raise Stopped
    stat = stat._replace(size=min(size, stat.size))
    head = data[:FINGERPRINT_BYTES]
    identity = Identity(stat, len(head), fingerprint(head))
    data = data[: stat.size]
    line_end = data.rfind(b"\n") + 1  # an unfinished last line waits for its LF
    LineSplitter().feed(data[:line_end], _WholeFileFold(session))
    if session.recorder is not None:
        session.recorder.whole = True
    return line_end, identity


def _read_inherited_base(
    session: SessionAccumulator, handle: IO[bytes], headers: list[bytes]
) -> None:
    """A fork's total taken from its parent, read from the head of the file (the backward scan
    stopped before reaching it): the last total of the replayed part, or, for a fork that
    copied nothing, what its first total says (the session's own rule decides, on a scratch
    accumulator fed the head in order)."""
    head = SessionAccumulator(session.path, session.clock)
    for header in headers:
        head.line(header)
    for line in forward_lines(handle, 0, budget=REPLAY_SCAN_BYTES):
        if line in headers:
            continue
        try:
            record = parse_line(line)
        except ParseError:
            continue
        head.feed(record)
        if not head.is_replayed(record) and (head.inherited_tokens or head.total is not None):
            break
    session.settle_base(head.inherited_tokens, head)


#: Files read between two messages from the second reading process: it sends each batch as
#: soon as it is read, and lets it go, so that it never holds much (pickle also remembers
#: every object of one ``dump``, to keep shared ones shared).
_BATCH_FILES = 500

_Batch = tuple[list[CodexSessionSnapshot], list[Problem], dict[Path, tuple[str, "EventRecorder"]]]


class _Receiver(threading.Thread):
    """Unpickles the second reading process's batches as they come, while this process reads
    its own half (the pipe never fills, so the other process never waits to let go)."""

    def __init__(self, pipe: IO[bytes]) -> None:
        super().__init__(name="reader-receiver", daemon=True)
        self.pipe = pipe
        self.batches: list[_Batch] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while True:
                try:
                    self.batches.append(pickle.load(self.pipe))
                except EOFError:
                    return
        except BaseException as error:  # a torn message: the half is read again
            self.error = error


class CodexReader:
    """Reads the rollout files of one or more Codex homes, incrementally.

    Args:
        homes: Codex home directories (each holding ``sessions/``): the first ``MAX_HOMES``
            are read, and each refresh warns that the others are not.
        max_age: only files modified within this many seconds are read (None: all files);
            older files are still probed for the account's limits when nothing newer has any.
        include_archived: also read ``archived_sessions/``.
        clock: returns the current Unix time (tests inject a fixed clock).
        record_days: give each session an ``EventRecorder`` of its usage and readings of the
            last this many days, for ``HistoryReader`` to take over (see ``recorded``), so
            that the files both need are read once. None: no recording.
        one_shot: for a single refresh (the ``status`` command): each file's state is let go
            as soon as its snapshot is taken (only its recorder is kept), so that 50,000 files
            do not hold 50,000 followers and accumulators at once. A later refresh would read
            every file again.
        processes: with ``one_shot``, read many files (``PARALLEL_MIN_FILES`` or more) in
            this many processes: 2 is the most used (a forked copy reads half). Linux only
            (forking is safe there in a process without threads, as the ``status`` command
            is); elsewhere, and below that many files, one process reads them all.
    """

    def __init__(
        self,
        homes: Sequence[Path],
        *,
        max_age: float | None = RECENT_FILE_SECONDS,
        include_archived: bool = True,
        clock: Callable[[], float] = time.time,
        record_days: float | None = None,
        one_shot: bool = False,
        processes: int = 1,
    ) -> None:
        #: The homes read (the first ``MAX_HOMES``); the others are said not to be read.
        self.homes, self._homes_left_out = capped_homes(tuple(homes))
        self.one_shot = one_shot
        forks = hasattr(os, "fork") and sys.platform == "linux" and (os.cpu_count() or 1) > 1
        self.processes = processes if forks else 1
        self._recorded: dict[Path, tuple[str, EventRecorder]] = {}
        self.max_age = max_age
        self.include_archived = include_archived
        self.record_days = record_days
        self._clock = clock
        self._tracked: dict[Path, _Tracked] = {}
        self._probed: dict[Path, tuple[FileStat, CodexSessionSnapshot | None]] = {}
        self._branches = GitBranchCache(clock=clock)
        self._found: Discovery | None = None
        #: The CPU time of the last walk of the homes (this thread's, not the disk's waits).
        self.walk_seconds = 0.0
        self._older: list[RolloutFile] = []
        self._zstd_missing_reported = False
        self._prompted = PromptedSessions()
        #: The prompted sessions looked for among the older logs at the last walk.
        self._prompted_missing: frozenset[str] = frozenset()
        #: Their logs found then (path text: session id), whatever their times were.
        self._prompted_logs: dict[str, str] = {}

    def refresh(
        self,
        *,
        discover_files: bool = True,
        should_stop: Callable[[], bool] | None = None,
    ) -> ReadResult:
        """Read what changed and return snapshots of every tracked session as of now.

        Args:
            discover_files: walk the homes for new, moved and removed files. Without it only
                the files already followed are checked (cheap: one ``stat`` each), which is
                what a file-change notification needs.
            should_stop: asked between files and between big blocks of one file; once it
                says True the refresh returns what was read so far (a file whose first read
                was cut short is left out, and read again next time).
        """
        now = self._clock()
        warnings: list[Problem] = []
        if self._homes_left_out:
            warnings.append(too_many_homes(self._homes_left_out))
        if discover_files or self._found is None:
            started = time.thread_time()
            self._found = found = discover(
                self.homes, include_archived=self.include_archived, previous=self._found
            )
            self.walk_seconds = time.thread_time() - started
            cutoff = None if self.max_age is None else now - self.max_age
            wanted = {f.path: f for f in found.files if cutoff is None or f.stat.mtime >= cutoff}
            if cutoff is not None:
                self._add_open_logs(found, wanted, cutoff)
            self._follow_renames(wanted)
            for path in list(self._tracked):
                if path not in wanted:
                    del self._tracked[path]
            self._older = [f for f in found.files if f.path not in wanted]
        else:
            found = self._found
            wanted = {path: tracked.rollout for path, tracked in self._tracked.items()}
        warnings.extend(found.errors)
        not_folders = tuple(
            (home, kind) for home in found.missing_homes if (kind := not_a_folder(home))
        )
        kinds = dict(not_folders)
        warnings.extend(
            Problem(
                ProblemKind.HOME_MISSING,
                f"Codex folder not found: {shown_home(home)}"
                if home not in kinds
                else f"Codex folder {shown_home(home)} is {kinds[home]}, not a folder",
                home,
            )
            for home in found.missing_homes
        )
        snapshots: list[CodexSessionSnapshot] = []
        items = list(wanted.items())
        if self.one_shot and self.processes > 1 and len(items) >= PARALLEL_MIN_FILES:
            self._read_forked(items, now, should_stop, snapshots, warnings)
        else:
            self._read_files(items, now, should_stop, snapshots, warnings)
        snapshots += [self._snapshot(t, now) for t in self._tracked.values() if t.loaded]
        if self.max_age is not None and not any(
            s.limits is not None and s.limits.is_account_bucket for s in snapshots
        ):
            # No recent reading of the account's limits: none at all, or only a model's (a
            # turn on Spark logs its model's bucket alone), which had been shown as the
            # account's "5h" with the account's weekly window gone.
            probe = self._probe_limits(self._older, now)
            if probe is not None:
                snapshots.append(probe)
        for tracked in self._tracked.values():
            if tracked.warned is None:
                tracked.warned = self._line_warnings(tracked)
            warnings.extend(tracked.warned)
        return ReadResult(
            snapshots=tuple(snapshots),
            warnings=tuple(warnings),
            missing_homes=tuple(found.missing_homes),
            homes=self.homes,
            generated_at=now,
            not_folders=not_folders,
            sessionless=tuple(found.sessionless),
            closed_homes=tuple(found.closed_homes),
        )

    def _read_files(
        self,
        items: list[tuple[Path, RolloutFile]],
        now: float,
        should_stop: Callable[[], bool] | None,
        snapshots: list[CodexSessionSnapshot],
        warnings: list[Problem],
    ) -> None:
        for path, rollout in items:
            if should_stop is not None and should_stop():
                break
            warning = self._update(path, rollout, should_stop)
            if warning:
                warnings.append(warning)
            if self.one_shot:
                self._let_go(path, now, snapshots, warnings)

    def _read_forked(
        self,
        items: list[tuple[Path, RolloutFile]],
        now: float,
        should_stop: Callable[[], bool] | None,
        snapshots: list[CodexSessionSnapshot],
        warnings: list[Problem],
    ) -> None:
        """``one_shot`` over many files: a forked copy of this reader reads the second half
        while this one reads the first. The copy sends its snapshots, warnings and recorders
        through a pipe, a batch of files at a time, pickled; a thread here unpickles them as
        they come. The result is the same as reading every file here, in the same order;
        should the copy fail, its half is read here after all."""
        half = len(items) // 2
        ours, theirs = items[:half], items[half:]
        receive, send = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the forked process, reported by its exit
            code = 1
            try:
                os.close(receive)
                with os.fdopen(send, "wb") as out:
                    self._send_batches(theirs, now, out)
                code = 0
            finally:
                # Never back into the caller's code: no atexit handlers, no flushing of the
                # parent's buffered output a second time.
                os._exit(code)
        os.close(send)
        pipe = os.fdopen(receive, "rb")
        receiver = _Receiver(pipe)
        receiver.start()
        try:
            self._read_files(ours, now, should_stop, snapshots, warnings)
            if should_stop is not None and should_stop():
                os.kill(child, signal.SIGKILL)  # its half is not wanted any more
        except BaseException:  # Ctrl+C, or a fault here: the copy's work is not wanted
            os.kill(child, signal.SIGKILL)
            raise
        finally:
            receiver.join()  # ends at the end of the stream: the copy is done, or gone
            pipe.close()
            _, status = os.waitpid(child, 0)
        if should_stop is not None and should_stop():
            return
        if receiver.error is not None or status != 0:
            _log().warning(
                "reading in a second process failed (%s); reading its files here",
                receiver.error or f"exit status {status}",
            )
            self._read_files(theirs, now, should_stop, snapshots, warnings)
            return
        known = set(warnings)
        for their_snapshots, their_warnings, recorded in receiver.batches:
            snapshots += their_snapshots
            warnings += [warning for warning in their_warnings if warning not in known]
            self._recorded.update(recorded)

    def _send_batches(
        self, items: list[tuple[Path, RolloutFile]], now: float, out: IO[bytes]
    ) -> None:
        """In the forked copy: read ``items`` a batch at a time, pickling each batch's
        results to ``out`` and letting them go."""
        for start in range(0, len(items), _BATCH_FILES):
            snapshots: list[CodexSessionSnapshot] = []
            warnings: list[Problem] = []
            self._read_files(items[start : start + _BATCH_FILES], now, None, snapshots, warnings)
            pickle.dump((snapshots, warnings, self._recorded), out, pickle.HIGHEST_PROTOCOL)
            self._recorded = {}

    @property
    def discovery(self) -> Discovery | None:
        """What the last walk of the homes found (every rollout file, newest first)."""
        return self._found

    def _let_go(
        self, path: Path, now: float, snapshots: list[CodexSessionSnapshot], warnings: list[Problem]
    ) -> None:
        """``one_shot``: a file's snapshot and warnings taken now, its recorder kept, the rest
        dropped."""
        tracked = self._tracked.pop(path, None)
        if tracked is None or not tracked.loaded:
            return
        snapshots.append(self._snapshot(tracked, now))
        warnings.extend(self._line_warnings(tracked))
        recorder = tracked.session.recorder
        if recorder is not None and recorder.whole:
            recorder.compact()  # read once: its repeated readings can go (most of them)
            self._recorded[path] = (tracked.session.session_id, recorder)

    def recorded(self) -> dict[Path, tuple[str, EventRecorder]]:
        """The files whose recorder holds every event since the file's start (see
        ``record_days``): their session id and recorder, for the history to take over."""
        shared = dict(self._recorded)
        for path, tracked in self._tracked.items():
            recorder = tracked.session.recorder
            if tracked.loaded and recorder is not None and recorder.whole:
                shared[path] = (tracked.session.session_id, recorder)
        return shared

    @property
    def followed_files(self) -> tuple[Path, ...]:
        """The files read and followed (the recent ones), for change notifications."""
        return tuple(self._tracked)

    def _snapshot(self, tracked: _Tracked, now: float) -> CodexSessionSnapshot:
        """The session as of ``now``: the last snapshot again while nothing it is made of
        moved: no line read, the same activity (it decays to Idle with the clock), branch
        (looked up again every 30 s) and mtime (a check may take a new one without a read).
        A thousand sessions today, one writing: a new snapshot of each at every refresh took
        a third of the feed's time, for the same values, and the window compared them all."""
        stat = tracked.tail.stat or tracked.rollout.stat
        session, shown = tracked.session, tracked.shown
        if (
            shown is not None
            and shown.file_mtime == stat.mtime
            and shown.activity == session.tracker.current(now)
            and shown.git_branch == session.git_branch(self._branches.branch)
        ):
            return shown
        shown = session.snapshot(now, file_mtime=stat.mtime, branch_of=self._branches.branch)
        tracked.shown = shown
        return shown

    def _add_open_logs(
        self, found: Discovery, wanted: dict[Path, RolloutFile], cutoff: float
    ) -> None:
        """Add to ``wanted`` the logs the walk dated before ``cutoff`` that are in use all the
        same, with their own times: on Windows a folder listing gives a file's times as of its
        last close, and Codex keeps its log open for the whole session. Those are the logs
        followed now (a session running for more than a day) and those of the sessions
        prompted since ``cutoff`` by Codex's prompt history (a ``codex resume`` of an older
        session). Elsewhere the walk's times are right and this finds nothing to add: a
        ``stat`` of each followed log as it goes idle, and of the history once per walk."""
        by_text = found.by_text
        candidates = [
            rollout
            for path in self._tracked
            if path not in wanted and (rollout := by_text.get(str(path))) is not None
        ]
        prompted = self._prompted.since(self.homes, cutoff)
        if prompted:
            known = {*wanted, *self._tracked}
            prompted = prompted - {session_id_from_name(path) for path in known}
        if not prompted:
            self._prompted_logs = {}
        elif prompted != self._prompted_missing:
            # A walk of many thousand logs: looked through only when the history names a
            # session not seen yet, not again while the same ones have no log here.
            self._prompted_logs = {
                text: named
                for text in found.by_text
                # Codex names a log by its id: a search of the text first (a regular
                # expression for each of 20,000 names would take 60 ms).
                if any(session_id in text for session_id in prompted)
                and (named := session_id_from_name(text)) in prompted
            }
        self._prompted_missing = prompted
        # The logs found are asked their times again at each walk while their sessions stay
        # prompted: Codex writes the prompt to the history and the turn to the log apart, and
        # a log found between the two had stayed out for as long as the same ones did.
        seen = {candidate.path for candidate in candidates}
        candidates += [
            rollout
            for text, session_id in self._prompted_logs.items()
            if session_id in prompted
            and (rollout := by_text.get(text)) is not None
            and rollout.path not in seen
        ]
        fresh: dict[Path, RolloutFile] = {}
        for rollout in candidates:
            try:
                stat = FileStat.of(rollout.path)
            except OSError:
                continue  # gone or unreadable: the walk's view stands
            if stat.mtime >= cutoff:
                wanted[rollout.path] = fresh[rollout.path] = rollout._replace(stat=stat)
        if fresh:
            # What the walk found, with these times: the history takes the logs of its span
            # by them, and a resumed log's use had been left out of it (the shares, the
            # seven days), its rises said to come from elsewhere.
            by_text.update((str(path), rollout) for path, rollout in fresh.items())
            found.files = [fresh.get(rollout.path, rollout) for rollout in found.files]

    def _follow_renames(self, wanted: dict[Path, RolloutFile]) -> None:
        """Carry a file's state over when Codex moves it (archive/unarchive keeps the inode)."""
        vanished = {
            (t.rollout.stat.dev, t.rollout.stat.ino): path
            for path, t in self._tracked.items()
            if path not in wanted and not is_compressed(path)
        }
        if not vanished:
            return
        for path, rollout in wanted.items():
            if path in self._tracked or is_compressed(path):
                continue
            old_path = vanished.get((rollout.stat.dev, rollout.stat.ino))
            if old_path is None:
                continue
            tracked = self._tracked.pop(old_path)
            identity = tracked.tail.identity
            if identity is not None:
                # A rename moves the inode's change time, not its content: keep it followed
                # (a later write shows in its size and mtime as usual).
                moved = identity.stat._replace(ctime=rollout.stat.ctime)
                tracked.tail.identity = identity._replace(stat=moved)
            tracked.tail.path = path
            tracked.session.path = path
            tracked.shown = tracked.warned = None
            tracked.rollout = rollout
            self._tracked[path] = tracked

    def _update(
        self, path: Path, rollout: RolloutFile, should_stop: Callable[[], bool] | None = None
    ) -> Problem | None:
        tracked = self._tracked.get(path)
        if tracked is None:
            tracked = _Tracked(FollowedFile(path), SessionAccumulator(path, self._clock), rollout)
            self._tracked[path] = tracked
            change = Change.RESTART
        else:
            tracked.rollout = rollout
            change = tracked.tail.check()
        if change is Change.UNCHANGED:
            return None
        # Whatever the read makes of the session and the tail, it is taken again.
        tracked.shown = tracked.warned = None
        if change is Change.MISSING:
            self._tracked.pop(path, None)
            return None
        if change is Change.ERROR:
            if tracked.tail.problem is not None and tracked.tail.problem.kind is (
                ProblemKind.NOT_A_FILE
            ):
                self._tracked.pop(path, None)  # swapped for a FIFO or the like: no log now
            return tracked.tail.problem or _unreadable(path, None)
        try:
            if change is Change.RESTART:
                tracked.loaded = False
                self._load(tracked, should_stop)
                tracked.loaded = True
            else:
                tracked.tail.read(tracked.session, should_stop=should_stop)
        except Stopped:
            self._tracked.pop(path, None)  # half loaded: read it afresh next time
            return None
        except ImportError:
            self._tracked.pop(path, None)
            return self._zstd_missing(path)
        except NotARegularFileError as error:
            self._tracked.pop(path, None)
            return describe(path, error)
        except OSError as error:
            return describe(path, error)
        except Exception as error:  # e.g. a corrupt .zst stream: report it, keep running
            # The problem says it in plain words; the traceback is for -v (debug) only.
            _log().debug("reading %s failed", path, exc_info=True)
            self._tracked.pop(path, None)
            return _unreadable(path, f"cannot read {path}: {error}")
        return None

    def _load(self, tracked: _Tracked, should_stop: Callable[[], bool] | None = None) -> None:
        """Read a file from scratch: header plus backward scan; tailing resumes at its last LF
        (an unfinished last line is read on the next refresh, once it may be complete)."""
        path = tracked.tail.path
        tracked.session = session = SessionAccumulator(path, self._clock)
        if self.record_days is not None:
            start = self._clock() - self.record_days * 86400
            # A file last written before the span holds none of its events, and the history
            # leaves it out (it takes files modified within the span): recording it would only
            # make it read whole (for ``status --all``, a month of logs instead of a week).
            if tracked.rollout.stat.mtime >= start:
                session.recorder = EventRecorder(start, merges=not self.one_shot)
        if is_compressed(path):
            tracked.tail.read(session, restart=True, should_stop=should_stop)
            if should_stop is not None and should_stop():
                raise Stopped
            if session.recorder is not None:
                session.recorder.whole = True
            return
        offset, identity = load_session(
            tracked.session, path, tracked.rollout.stat.size, should_stop=should_stop
        )
        tracked.tail.resume(offset, identity)
        if not self.one_shot:
            tracked.tail.note_tail()  # a file followed: its first append is checked too

    def _zstd_missing(self, path: Path) -> Problem | None:
        if self._zstd_missing_reported:
            return None
        self._zstd_missing_reported = True
        return _unreadable(
            path, "compressed logs (.jsonl.zst) skipped: the zstandard package is not installed"
        )

    def _probe_limits(self, older: list[RolloutFile], now: float) -> CodexSessionSnapshot | None:
        """The newest older file that has the account's limits, else the newest that has any,
        read by a backward scan (cached by stat)."""
        found = None
        for rollout in older[:LIMIT_PROBE_FILES]:
            cached = self._probed.get(rollout.path)
            if cached is not None and cached[0] == rollout.stat:
                snapshot = cached[1]
            else:
                snapshot = self._probe(rollout, now)
                self._probed[rollout.path] = (rollout.stat, snapshot)
            if snapshot is not None and snapshot.limits is not None:
                if snapshot.limits.is_account_bucket:
                    return snapshot
                found = found or snapshot
        return found

    def _probe(self, rollout: RolloutFile, now: float) -> CodexSessionSnapshot | None:
        session = SessionAccumulator(rollout.path, self._clock)
        try:
            if is_compressed(rollout.path):
                FollowedFile(rollout.path).read(session)
            else:
                load_session(session, rollout.path, rollout.stat.size)
        except Exception as error:  # a probe is best effort; the warning would be noise
            _log().info("probing %s for limits failed: %s", rollout.path, error)
            return None
        return session.snapshot(now, file_mtime=rollout.stat.mtime)

    @staticmethod
    def _line_warnings(tracked: _Tracked) -> list[Problem]:
        warnings = line_problems(tracked.session, tracked.rollout.path)
        warnings.extend(tracked.tail.problems())
        return warnings


def _unreadable(path: Path, detail: str | None) -> Problem:
    return Problem(ProblemKind.UNREADABLE, detail or f"cannot read {path}", path)
