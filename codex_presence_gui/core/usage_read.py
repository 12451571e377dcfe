"""Reading rollout files for the usage index: each file from where the last update stopped
(or from its start), in this process or in worker processes, with the accounting state kept
between updates.

Imported by ``UsageIndex.update`` only when a file changed: a repeat with nothing new never
needs the line parser or the accounting.
"""

from __future__ import annotations

import json
import os
import sys

from codex_presence_gui.core.discovery import RolloutFile
from codex_presence_gui.core.jsondecode import use_orjson
from codex_presence_gui.core.jsonl import (
    is_token_count_line,
    is_turn_context_line,
    matters_for_usage,
    names_nothing_for_usage,
    not_for_usage,
    refusal,
    token_info_bytes,
    turn_context_key,
)
from codex_presence_gui.core.models import TokenUsage
from codex_presence_gui.core.sanitize import no_surrogates
from codex_presence_gui.core.tail import (
    Change,
    FileStat,
    FollowedFile,
    Identity,
    describe,
    is_compressed,
    open_regular,
)
from codex_presence_gui.core.usage_index import LONG_CONTEXT_TOKENS, SLOT_SECONDS, UNKNOWN_MODEL

TYPE_CHECKING = False  # typing and pathlib are not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator
    from concurrent.futures import Future, ProcessPoolExecutor
    from pathlib import Path
    from typing import Any

    from codex_presence_gui.core.problems import Problem
    from codex_presence_gui.core.session import SessionAccumulator


class _IndexSink:
    """Hands the lines that matter for usage to the session (every line of a fork, whose
    replay rules look at model output too), so that most of a log is never decoded; and of
    those, not a line that repeats the last one of its kind with nothing between that could
    change what it says."""

    def __init__(self, session: SessionAccumulator) -> None:
        self.session = session
        self._last_info: bytes | None = None
        self._last_context: bytes | None = None
        #: What lines the splitter may pass over (see ``LineSink``): none of a fork's, nor
        #: before the session has seen its first line past the header (see ``line``). A plain
        #: attribute, which the splitter reads after each line: set again only when the
        #: session was handed something.
        self.skip: Callable[[bytes, int, int], object] | None = None
        self._session_changed()

    def _session_changed(self) -> None:
        """Set ``skip`` again: after anything handed to the session, which may have seen its
        first content or found itself a fork."""
        session = self.session
        self.skip = not_for_usage if session.seen_content and not session.is_fork else None

    def line(self, data: bytes) -> None:
        session = self.session
        if not session.is_fork:
            # With ``skip`` set, the splitter has already found that this line matters.
            if self.skip is None and not matters_for_usage(data):
                self._pass_over()
                return
            if not data.startswith(b'{"timestamp":"') and names_nothing_for_usage(data):
                # Outside the envelope layout, a line naming nothing the ledger reads (a
                # damaged log's millions of "{}"): decoded only to tell a malformed one,
                # which is counted as the parser would count it, without a second decode.
                if b"{" in data:
                    refused = refusal(data)
                    if refused is None:
                        self._pass_over()
                        return
                    session.skipped(refused)
                else:
                    session.skipped_unread(data)  # no object: refused unread
                self._last_info = self._last_context = None
                self._session_changed()
                return
            if is_token_count_line(data):
                info = token_info_bytes(data)
                if info is not None and info == self._last_info:
                    return  # the same usage again, with fresher limits: adds no call
                self._last_info = info
            elif is_turn_context_line(data):
                context = turn_context_key(data)
                if context is not None and context == self._last_context:
                    # The same settings for the next turn, with only usage lines between:
                    # the model, tier and folder it names are the ones already in force.
                    return
                self._last_context = context
            else:
                # A header, thread settings or usage record: the next line of either kind
                # is decoded again.
                self._last_info = self._last_context = None
        session.line(data, limits=False)
        self._session_changed()

    def same_lines(self, data: bytes, count: int) -> None:
        """A short line and its copies right after it (see ``LineSink``): the copies do what
        ``line`` does with the line once it has seen it, in one go (a damaged log's millions
        of ``{}``)."""
        self.line(data)
        rest = count - 1
        session = self.session
        if session.is_fork:
            session.same_lines(data, rest, limits=False)
        elif not matters_for_usage(data):
            return  # passed over, as the splitter's ``skip`` passes the copies over
        elif not data.startswith(b'{"timestamp":"') and names_nothing_for_usage(data):
            if b"{" not in data:
                session.skipped_unread(data, rest)
            elif (refused := refusal(data)) is not None:
                session.skipped(refused, rest)
            else:
                return  # passed over as the first was
        elif is_token_count_line(data) and token_info_bytes(data) is not None:
            return  # the same usage again: adds no call
        elif is_turn_context_line(data) and turn_context_key(data) is not None:
            return  # the same settings again
        else:
            session.same_lines(data, rest, limits=False)
        self._session_changed()

    def no_object_run(self, count: int, last: bytes) -> None:
        """Lines with no ``{`` one after the other (see ``LineSink``): each would be counted
        as malformed by ``line`` (they name nothing it looks at first), one call for all."""
        self._last_info = self._last_context = None
        self.session.skipped_unread(last, count)
        self._session_changed()

    def _pass_over(self) -> None:
        # Seen, though not decoded: a header after it is no fork's copied one.
        self.session.passed_over()
        self._session_changed()

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        if self.skip is not None and self.skip(prefix, 0, len(prefix)) is not None:
            # Over the cap, but of a kind the ledger never reads (a tool's output, an image),
            # known from its first bytes as a short one is: passed over as that one would be,
            # not warned of as skipped (no call was in it).
            self._pass_over()
            return
        self._last_info = self._last_context = None
        self.session.long_line(prefix, suffix, length)
        self._session_changed()


#: A first build reads in worker processes when it has at least this much to read.
POOL_MIN_BYTES = 64 * 1024 * 1024


class FileRead:
    """What reading one file gave: its new row values and call sums, or its problems.

    A plain class with slots (no dataclass to make on each run that reads something)."""

    __slots__ = (
        "bytes_read",
        "fields",
        "problems",
        "restarted",
        "rollout",
        "row",
        "sums",
        "touched",
    )

    def __init__(
        self,
        rollout: RolloutFile,
        row: tuple[Any, ...] | None,
        restarted: bool = True,
        fields: tuple[Any, ...] | None = None,  # the files row, in the UPDATE's order
        sums: dict[tuple[int, str, int, str], list[Any]] | None = None,
        bytes_read: int = 0,
        problems: list[Problem] | None = None,
    ) -> None:
        self.rollout = rollout
        self.row = row
        self.restarted = restarted
        self.fields = fields
        #: By (quarter hour, model, long context, tier): calls, five counts, the last call.
        self.sums: dict[tuple[int, str, int, str], list[Any]] = {} if sums is None else sums
        self.bytes_read = bytes_read
        self.problems: list[Problem] = [] if problems is None else problems
        #: For a file only touched (its bytes as read): its size, mtime and ctime as found,
        #: so that the next update leaves it unopened again.
        self.touched: tuple[int, float, float] | None = None


def pending_bytes(rollout: RolloutFile, row: tuple[Any, ...] | None) -> int:
    """What is left to read of ``rollout`` past where its index ``row`` was read to (all of
    it without one; none of a file that got shorter, which is read again whole all the same)."""
    return max(0, rollout.stat.size - (row[8] if row else 0))


def read_all(
    todo: list[tuple[RolloutFile, tuple[Any, ...] | None]],
    now: float,
    workers: int,
    should_stop: Callable[[], bool] | None,
    while_reading: Callable[[], None] | None = None,
    tiers: dict[bytes, str] | None = None,
) -> Iterator[FileRead | None]:
    """Each file's read, in this process or in a pool; None once ``should_stop`` said so.
    ``while_reading`` is called once the pool's processes read (never in a one-process
    read), for other work to overlap theirs. ``tiers``: each home's service tier as the
    index decided it, by its path's bytes (a home not in it: its ``config.toml`` is read)."""
    clock = _ReadContext(now, {rollout.home: "" for rollout, _ in todo})
    for home in clock.tiers:
        tier = None if tiers is None else tiers.get(os.fsencode(home))
        clock.tiers[home] = configured_service_tier(home) if tier is None else tier
    pending = sum(pending_bytes(rollout, row) for rollout, row in todo)
    if pending >= POOL_MIN_BYTES:
        use_orjson()  # many lines to decode: worth its import (before the workers fork)
    if workers > 1 and len(todo) > 1 and pending >= POOL_MIN_BYTES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        # Biggest first, so that no worker is left with a big file at the end.
        todo = sorted(todo, key=lambda item: -item[0].stat.size)
        pool: ProcessPoolExecutor | None = None
        # Ctrl+C is held while the workers are forked: Python ignores an interrupt met in a
        # fork's clean-up ("Exception ignored in: <function _releaseLock>"), and the report
        # then ran to its end. It is raised below, where the pool is ended.
        held = _hold_interrupts() if method == "fork" else None
        started = False
        try:
            # Set on a stop: each worker ends the file it is on within a few blocks, and its
            # chunk there, so that Ctrl+C ends the build after the log each is on (a chunk of
            # the biggest files had been read to its end first, seconds of a big home). A
            # flag in shared memory, without a lock: a worker stopped (SIGSTOP, a debugger)
            # while it looked at an Event's flag held the lock the parent's ``set`` waits for.
            stop = context.RawValue("b", 0)
            pool = ProcessPoolExecutor(
                workers,
                mp_context=context,
                initializer=_worker_started,
                initargs=(os.getpid(), stop),
            )
            size = max(1, len(todo) // (workers * 16))
            chunks = [todo[start : start + size] for start in range(0, len(todo), size)]
            # Every file is submitted at once: the workers are forked at the first one, so
            # nothing ``while_reading`` starts (an import, a thread) is copied into them.
            futures = [pool.submit(_read_files, chunk, clock) for chunk in chunks]
            started = True
        except (OSError, NotImplementedError, ImportError):
            # No worker processes here (no shared memory for their locks, no fork left):
            # the files are read in this process, more slowly.
            if pool is not None:
                _end_pool(pool)
            pool = None
        finally:
            if not started:
                _release_interrupts(held)
        if pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            done = 0  # the chunks given back
            # Whether the pool may be waited for at its end: not after a worker that did
            # not end when asked, nor when this generator is left by an exception (a
            # second Ctrl+C) or closed early, where waiting had held the exit until every
            # worker's chunk was read, or for ever behind a worker stuck on its disk.
            ended_well = False
            try:
                _release_interrupts(held)  # an interrupt held meanwhile is raised here
                if while_reading is not None:
                    while_reading()
                for future in futures:
                    if _stopped_while_waiting(future, should_stop):
                        # What the workers have read is kept, and they end the files they
                        # are on (``stop``); only what they had not begun is dropped. (A
                        # stop asked during ``while_reading``, the price library's warm-up,
                        # had thrown away every file read meanwhile.)
                        stop.value = 1
                        for waiting in futures[done:]:
                            waiting.cancel()
                        ended_well = yield from _chunks_ended(futures[done:])
                        yield None
                        return
                    yield from future.result()
                    done += 1
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the files it had not given back are
                # read here, below. The pool is ended, not waited for: its other workers
                # may be stopped, or stuck on a dead disk.
                todo = [item for chunk in chunks[done:] for item in chunk]
            else:
                ended_well = True
                return
            finally:
                if ended_well:
                    pool.shutdown(wait=True, cancel_futures=True)  # what was not begun: dropped
                else:
                    _end_pool(pool)
    clock.should_stop = should_stop
    for rollout, row in todo:
        if should_stop is not None and should_stop():
            yield None
            return
        read = _read_file((rollout, row), clock)
        if read is None:  # stopped within the file: nothing of it is kept
            yield None
            return
        yield read


#: How long the workers are given to end the files they are on once asked to stop: a few
#: blocks each, milliseconds on a working disk. One that has not ended by then (its disk
#: stalled, a network home gone, the process stopped) is ended, and what it read is lost.
STOP_GRACE_S = 5.0


def _chunks_ended(
    futures: list[Future[list[FileRead]]],
) -> Generator[FileRead, None, bool]:
    """After a stop: the reads of the chunks the workers give back within ``STOP_GRACE_S``;
    True when every worker ended in time, False when one is still reading or died (the
    pool then ended, not waited for)."""
    import time
    from concurrent.futures.process import BrokenProcessPool

    deadline = time.monotonic() + STOP_GRACE_S
    ended_well = True
    for ended in futures:
        if ended.cancelled():
            continue
        try:
            chunk_read = ended.result(timeout=max(0.0, deadline - time.monotonic()))
        except BrokenProcessPool:
            # A worker that died meanwhile fails its chunk and those not given back: the
            # chunks read before it are kept still (they had all been dropped, from the
            # first failed one on).
            ended_well = False
            continue
        except TimeoutError:
            # The chunks after a stuck one, given back meanwhile by the other workers, are
            # kept still (they had been dropped with it); only the time left is waited.
            ended_well = False
            continue
        yield from chunk_read
    return ended_well


def _hold_interrupts() -> set[int] | None:
    """Block SIGINT in this thread (the main one: only there is it raised), and the threads
    it starts; the signals blocked before, to restore with ``_release_interrupts``, or None
    where nothing was blocked (no ``pthread_sigmask``, another thread than the main one)."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release_interrupts(held: set[int] | None) -> None:
    """Undo ``_hold_interrupts``: a SIGINT that came meanwhile is then raised."""
    if held is not None:
        import signal

        signal.pthread_sigmask(signal.SIG_SETMASK, held)


#: How long a killed worker is waited for.
END_WAIT_S = 1.0


def _end_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool at once, its workers killed: one that failed while starting them (with
    fork, Python starts them before the pool can stop them itself, and a process that waits
    for its children at exit would wait for ever), or one left while its workers read."""
    started = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    # Killed, not asked: a reader holds nothing to save, and a process stopped (SIGSTOP, a
    # debugger) would keep a SIGTERM pending for ever.
    for process in started:
        process.kill()
    for process in started:
        process.join(END_WAIT_S)  # (one stuck in the kernel on a dead disk is left to it)


#: In a worker process: set when the parent asks the workers to stop (``read_all``).
_STOP: Any = None
#: How often the parent asks whether to stop while a worker reads a chunk.
STOP_POLL_S = 0.1


def _worker_started(parent: int, stop: Any = None) -> None:
    """In each worker: Ctrl+C is the parent's to handle (it stops the pool, setting ``stop``),
    not a traceback from every worker; and the worker ends when the parent is gone (killed,
    or its terminal closed), instead of waiting forever for files to read."""
    import signal
    import threading

    global _STOP
    _STOP = stop

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    # Reading through maps of the files spares the copy of every byte into the worker (a
    # sixth of a first build's time). A file cut short under a map raises SIGBUS: it ends
    # this worker, and the app reads the files it had not given back (see ``read_all``).
    # Linux only: there it is measured, and elsewhere a map can refuse Codex a truncation.
    from codex_presence_gui.core import tail

    tail.map_files = sys.platform.startswith("linux")
    if tail.map_files:
        import resource

        # Such an end is foreseen and handled: no core file, no crash reporter's dialog.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


#: How often a worker looks whether its parent is still there.
ORPHAN_CHECK_S = 0.5


def _end_with(parent: int) -> None:
    """End this process once ``parent`` is no longer its parent: POSIX hands an orphan to
    another process. (Windows keeps the number, so there this never fires.)"""
    import time

    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(1)


class _ReadContext:
    """What every file's read shares, picklable for the workers: the update's clock (future
    lines are judged against it) and each home's configured service tier."""

    def __init__(self, now: float, tiers: dict[str | Path, str]) -> None:
        self.now = now
        self.tiers = tiers
        #: Asked within a big file read in this process (never in a pool's: not picklable).
        self.should_stop: Callable[[], bool] | None = None

    def __call__(self) -> float:
        return self.now


#: A ``config.toml`` bigger than this is not read (Codex's own are a few KiB).
CONFIG_MAX_BYTES = 1024 * 1024


def configured_service_tier(home: str | Path) -> str:
    """The service tier a home's ``config.toml`` asks for (``service_tier = "fast"``), which
    sessions use until their thread settings name one; ``""`` (standard) when none, or when
    the file cannot be read (a report must not fail on it: see ``read_service_tier``)."""
    return read_service_tier(home)[0]


def read_service_tier(home: str | Path) -> tuple[str, str | None]:
    """``configured_service_tier``, and why the home's ``config.toml`` could not be used
    (None: it was, or there is none), in words for a warning: its "fast" had been lost
    without a word. (The index then keeps the tier it last read there: see
    ``UsageIndex._configs_changed``.)"""
    from codex_presence_gui.core.jsonl import service_tier
    from codex_presence_gui.core.tail import NotARegularFileError, read_start

    try:
        # A regular file only (a FIFO would wait for ever, a link to /dev/zero never end),
        # and no bigger than a settings file gets.
        _, data = read_start(os.path.join(home, "config.toml"), CONFIG_MAX_BYTES + 1)
    except FileNotFoundError:
        return "", None
    except NotARegularFileError:
        return "", "not a regular file"
    except OSError as error:
        return "", f"unreadable: {error.strerror or error}"
    if len(data) > CONFIG_MAX_BYTES:
        return "", f"over {CONFIG_MAX_BYTES // (1024 * 1024)} MiB, more than settings take"
    # Imported only when there is a file to parse (most homes have none); ``tomllib.load``
    # is this same decode and parse.
    import tomllib

    try:
        # A byte order mark is no setting (Windows' Notepad writes one).
        config = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return "", "not UTF-8 text"
    except tomllib.TOMLDecodeError as error:
        return "", f"not valid TOML: {error}"
    except RecursionError:
        return "", "not valid TOML: nested too deep"
    return service_tier(config.get("service_tier")) or "", None


#: What a file has to have left to read for a stop to be asked within it, between its blocks
#: (the app quitting during a log of gigabytes); a smaller one is read whole.
STOP_WITHIN_BYTES = 8 << 20


def _read_files(
    items: list[tuple[RolloutFile, tuple[Any, ...] | None]], clock: _ReadContext
) -> list[FileRead]:
    """``_read_file`` of each item, in a worker process (one task per chunk of files), up to
    a stop (``_STOP``): the files read before it, and none stopped within."""
    if _STOP is not None:
        clock.should_stop = _stop_asked  # (this task's own copy of the context)
    reads = []
    for item in items:
        if _stop_asked():
            break
        read = _read_file(item, clock)
        if read is None:  # stopped within the file: nothing of it is kept
            break
        reads.append(read)
    return reads


def _stop_asked() -> bool:
    """In a worker: whether the parent asked the workers to stop."""
    return _STOP is not None and bool(_STOP.value)


def _stopped_while_waiting(future: Future[Any], should_stop: Callable[[], bool] | None) -> bool:
    """Wait for ``future``, asking ``should_stop`` every ``STOP_POLL_S``; True when it asked
    to stop first. (Waited on whole, a chunk of big files had held a Ctrl+C until its end.)"""
    from concurrent.futures import wait

    while should_stop is not None:
        if should_stop():
            return True
        if wait([future], timeout=STOP_POLL_S).done:
            return False
    return False


def _read_file(
    item: tuple[RolloutFile, tuple[Any, ...] | None], clock: _ReadContext
) -> FileRead | None:
    """Read one file from where it was read to (or from its start when it changed otherwise);
    None when ``clock.should_stop`` ended the read within it (see ``STOP_WITHIN_BYTES``)."""
    rollout, row = item
    should_stop = clock.should_stop
    path = rollout.path
    read = FileRead(rollout, row)
    tail = FollowedFile(path)
    # Imported here: a report with nothing new to read never needs the accounting.
    from codex_presence_gui.core.session import (
        FUTURE_SLACK_SECONDS,
        EventRecorder,
        SessionAccumulator,
        line_problems,
        project_name,
        repository_id,
    )

    session = SessionAccumulator(path, clock)
    session.service_tier = clock.tiers.get(rollout.home, "")
    recorder = EventRecorder(calls=True)
    change = Change.RESTART
    saved = _saved_state(row[9]) if row is not None and not is_compressed(path) else None
    state: dict[str, Any] = saved or {}
    if row is not None and saved is not None:
        read_to = state.get("read_to")  # what the digest below is of (older rows have none)
        tail.resume(
            row[8],
            Identity(FileStat(row[2], row[3], row[8], row[5], row[10]), row[6], bytes(row[7])),
            _digest(state.get("tail")) if read_to == row[8] else None,
        )
        change = tail.check()
    if change is Change.UNCHANGED:
        if tail.found is not None:  # touched only: remember its stat as found now
            read.touched = (tail.found.size, tail.found.mtime, tail.found.ctime)
        return read
    if change in (Change.MISSING, Change.ERROR):
        if tail.problem is not None:
            read.problems.append(tail.problem)
        return read
    read.restarted = change is not Change.GREW
    try:
        if change is Change.GREW:
            try:
                _restore(session, path, state)
            except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
                # A saved state of the wrong shape (a damaged or foreign row): the file is
                # read again from its start, on a new accumulator.
                session = SessionAccumulator(path, clock)
                session.service_tier = clock.tiers.get(rollout.home, "")
                read.restarted = True
        session.recorder = recorder
        stopped = False

        def stop_now() -> bool:
            nonlocal stopped
            stopped = should_stop is not None and should_stop()
            return stopped

        left = rollout.stat.size - (0 if read.restarted or row is None else row[8])
        asks = stop_now if should_stop is not None and left >= STOP_WITHIN_BYTES else None
        read.bytes_read = tail.read(_IndexSink(session), restart=read.restarted, should_stop=asks)
        if stopped:
            return None
    except ImportError:
        from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

        read.problems.append(
            Problem(
                ProblemKind.UNREADABLE,
                f"{os.path.basename(path)}: compressed logs need the zstandard package; "
                "not counted",
                as_path(path),
            )
        )
        return read
    except OSError as error:
        read.problems.append(describe(path, error))
        return read
    except Exception as error:  # a corrupt .zst stream: say so, keep the rest
        from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

        read.problems.append(
            Problem(ProblemKind.UNREADABLE, f"cannot read {path}: {error}", as_path(path))
        )
        return read
    if tail.problem is not None:
        read.problems.append(tail.problem)
    # An unfinished last line past the budget (the file is not read again until it changes;
    # the index keeps the problem to say it again).
    read.problems.extend(problem for problem in tail.problems() if problem is not tail.problem)
    # What the file's reads skipped so far (the counts go on from the saved state).
    read.problems.extend(line_problems(session, path))
    identity = tail.identity
    assert identity is not None
    calls = recorder.calls or []
    meta = session.meta
    started_at = meta.started_at if meta is not None else None
    repository = repository_id(meta.repository_url) if meta is not None else None
    read.fields = (
        identity.stat.dev,
        identity.stat.ino,
        # The size as found: a file that keeps an unfinished last line is not opened again
        # until it changes (``read_to`` below is where the next read starts: that line).
        identity.stat.size,
        identity.stat.mtime,
        identity.stat.ctime,
        identity.length,
        identity.digest,
        tail.line_end,
        _state_text(_state(session, tail)),
        # A session id taken from a file name may hold bytes that are not UTF-8.
        no_surrogates(session.session_id),
        no_surrogates(project_name(session.cwd or ".")),
        None if session.cwd is None else no_surrogates(session.cwd),
        None if repository is None else no_surrogates(repository),
        started_at if started_at is not None else session.first_ts,
        max((call[0] for call in calls), default=None),
        int(session.is_fork),
        # Lines stamped in the future were dated by the lines before them: once the clock is
        # near enough to trust them (as a first build then would), the file is read again.
        None if session.latest_future is None else session.latest_future - FUTURE_SLACK_SECONDS,
    )
    read.sums = _sums(calls)
    return read


def _sums(
    calls: list[tuple[float, str | None, TokenUsage, str]],
) -> dict[tuple[int, str, int, str], list[Any]]:
    """Calls summed by (quarter hour, model, long context, service tier): calls, the five
    counts, then the time of the last call."""
    sums: dict[tuple[int, str, int, str], list[Any]] = {}
    for at, model, usage, tier in calls:
        slot = int(at // SLOT_SECONDS) * SLOT_SECONDS
        key = (slot, model or UNKNOWN_MODEL, int(usage.input > LONG_CONTEXT_TOKENS), tier)
        totals = sums.get(key)
        if totals is None:
            sums[key] = [
                1,
                usage.input,
                usage.cached_input,
                usage.output,
                usage.reasoning_output,
                usage.total,
                float(at),
            ]
        else:
            totals[0] += 1
            totals[1] += usage.input
            totals[2] += usage.cached_input
            totals[3] += usage.output
            totals[4] += usage.reasoning_output
            totals[5] += usage.total
            if at > totals[6]:
                totals[6] = float(at)
    return sums


# -- the accounting state kept between updates --------------------------------------------


def _usage_list(usage: TokenUsage | None) -> list[int] | None:
    if usage is None:
        return None
    return [usage.input, usage.cached_input, usage.output, usage.reasoning_output, usage.total]


def _saved_state(text: Any) -> dict[str, Any] | None:
    """The accounting state kept in the index; None when it is unusable (a damaged or
    foreign row): the file is then read again from its start."""
    try:
        state = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    return state if isinstance(state, dict) else None


def _digest(text: Any) -> bytes | None:
    """A tail digest kept as hex text; None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _state(session: SessionAccumulator, tail: FollowedFile) -> dict[str, Any]:
    """What the accounting needs to go on from where the file was read to (the header lines
    are read again from the file, whose first bytes are checked unchanged), and the digest
    of the bytes before that point (checked unchanged before an append is read)."""
    return {
        "read_to": tail.line_end,
        "tail": None if tail.tail_digest is None else tail.tail_digest.hex(),
        "total": _usage_list(session.total),
        "last": _usage_list(session.last),
        "model": session.model,
        "cwd": session.cwd,
        "inherited": session.inherited_tokens,
        **session.continuation(),
    }


def _state_text(state: dict[str, Any]) -> str:
    """The accounting state as JSON text: compact, and ASCII (a folder name may hold lone
    surrogates, which UTF-8 cannot carry)."""
    return json.dumps(state, separators=(",", ":"))


def _restore(session: SessionAccumulator, path: str | Path, state: dict[str, Any]) -> None:
    from codex_presence_gui.core.tail import header_lines

    with open_regular(path) as handle:
        for line in header_lines(handle):
            session.line(line)
    total, last = state.get("total"), state.get("last")
    session.total = TokenUsage(*total) if total else None
    session.last = TokenUsage(*last) if last else None
    session.model = state.get("model")
    session.cwd = state.get("cwd") or session.cwd
    session.inherited_tokens = int(state.get("inherited") or 0)
    session.resume(state)
