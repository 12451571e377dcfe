"""Fold one rollout file's records into a session state and take snapshots of it.

The accounting rules (docs/codex-log-format.md, "Rules that make the numbers right") live
here: duplicate ``token_count`` re-emissions are ignored, a dropping total starts a new segment,
synthetic fills are skipped, a fork's replayed prefix (or, for 0.169+ forks that copy nothing,
its first total) sets only the inherited base, lines stamped in the future are not trusted for
time, and limits are kept per bucket.
"""

from __future__ import annotations

import os
import re
import time
from bisect import bisect_left
from functools import cache

from codex_presence_gui.core.activity import ActivityTracker
from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.jsonl import (
    EARLIEST_TIME,
    BadValuesError,
    ContextRecord,
    MetaRecord,
    NoObjectError,
    Record,
    Signal,
    SignalRecord,
    TokenCountRecord,
    ToolCallRecord,
    ToolOutputRecord,
    TurnStartedRecord,
    UsageRecord,
    parse_line,
    parse_long_line,
)
from codex_presence_gui.core.limits import RESET_TOLERANCE_S, preferred_bucket
from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    ContextUsage,
    LimitSnapshot,
    ReadingKind,
    TokenUsage,
    UsageWindow,
    bucket_preference,
)
from codex_presence_gui.core.sanitize import NO_FOLDER

TYPE_CHECKING = False  # typing and pathlib are not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from codex_presence_gui.core.problems import Problem

#: Without ordinals, a fork's replayed history is the burst written within this many seconds
#: of the child's own ``session_meta`` line...
REPLAY_BURST_SECONDS = 1.0
#: ...and on from there while each copied line follows the one before within this many
#: seconds: copying a long parent history takes longer than a second in all, its lines back
#: to back. (Short: the fork's own first lines, a prompt given with it, may follow the copy
#: closely, but its model's answer takes longer.)
REPLAY_GAP_SECONDS = 0.25
#: A line stamped further than this ahead of the clock is not trusted for its time: one line
#: from the year 9999 must not make an old session look active or its limits "just updated".
FUTURE_SLACK_SECONDS = 300.0
#: A line this far ahead of the clock has a time no clock gave (a garbled year): a fork's
#: copy is not told by it (see ``SessionAccumulator._replay_time``).
ABSURD_FUTURE_SECONDS = 86400.0


# Patterns in functions are compiled when first used (50 µs each at import otherwise): a
# report that reads a few new lines needs few of them.
@cache
def _uuid() -> re.Pattern[str]:
    return re.compile(
        r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    )


_SURFACES = {
    "codex_cli_rs": "CLI",
    "codex-tui": "CLI",
    "codex_exec": "Exec",
    "codex_vscode": "VS Code",
    "codex desktop": "Desktop app",
    "codex_desktop": "Desktop app",
}
_SOURCE_SURFACES = {"cli": "CLI", "vscode": "VS Code", "exec": "Exec", "mcp": "MCP"}


class EventRecorder:
    """A session's own usage and limit readings as they are folded (never replayed fork
    history, never duplicates), in file order (nearly sorted by time); ``core.history`` keeps
    them for the limit timeline.

    Args:
        floor: events before this Unix time are not kept (older than any history needs).

    Attributes:
        whole: True once the events cover the file from its start (a forward read, or a
            backward scan that reached the start): the history may then take them as they
            are instead of scanning the file again.
    """

    __slots__ = (
        "calls",
        "floor",
        "merges",
        "new_readings",
        "new_usage",
        "readings",
        "usage_events",
        "whole",
    )

    def __init__(
        self, floor: float = float("-inf"), *, calls: bool = False, merges: bool = True
    ) -> None:
        self.floor = floor
        self.merges = merges
        self.whole = False
        #: With ``calls``: each model call's own tokens, for the usage index (see ``call``).
        self.calls: list[tuple[float, str | None, TokenUsage, str]] | None = [] if calls else None
        self.usage_events: list[tuple[float, int]] = []
        self.readings: list[tuple[float, LimitSnapshot]] = []
        # What came since the history was last put together (merged into it, not rebuilt);
        # without ``merges`` (a history built once, from the lists above) not kept.
        self.new_usage: list[tuple[float, int]] = []
        self.new_readings: list[tuple[float, LimitSnapshot]] = []

    def usage(self, ts: float | None, tokens: int) -> None:
        """New usage: ``tokens`` as Codex's ``/status`` counts them (non-cached input + output);
        0 for a request whose tokens were not logged (a limit-only ``token_count`` line)."""
        if ts is not None and ts >= self.floor:
            event = (ts, tokens)
            self.usage_events.append(event)
            if self.merges:
                self.new_usage.append(event)

    def call(
        self, ts: float | None, model: str | None, usage: TokenUsage, service_tier: str = ""
    ) -> None:
        """One model call's own tokens (its ``last_token_usage``, or what the running total
        grew by), with the model and service tier the session was on; kept only when asked
        for."""
        if self.calls is not None and ts is not None and ts >= self.floor:
            self.calls.append((ts, model, usage, service_tier))

    def reading(self, ts: float | None, limits: LimitSnapshot) -> None:
        """A rate-limit reading of one bucket."""
        if ts is not None and ts >= self.floor:
            event = (ts, limits)
            self.readings.append(event)
            if self.merges:
                self.new_readings.append(event)

    def compact(self) -> None:
        """Forget the readings that say again what the session's previous reading of the same
        bucket said (in time order; file order among equal times, as the history sorts), but
        the last of each run: the limit timeline takes no news from such repeats, only how
        long a value held (``insights.timeline``), and most readings are repeats (a session
        reads the limits on every request; whole percents seldom move). For a recorder read
        once (``merges`` off): the readings end up in time order."""
        if self.merges:
            raise ValueError("only a recorder without merges may be compacted")
        kept: list[tuple[float, LimitSnapshot]] = []
        last: dict[str, tuple[UsageWindow, ...]] = {}
        repeated: dict[str, tuple[float, LimitSnapshot]] = {}  # the run's last repeat
        # When each of the run's windows has ended (its reset and the tolerance; sorted): the
        # timeline passes over a reading logged after that, for that window.
        ends: dict[str, list[float]] = {}
        for event in sorted(self.readings, key=_event_time):
            limits = event[1]
            if last.get(limits.limit_id) != limits.windows:
                last[limits.limit_id] = limits.windows
                held = repeated.pop(limits.limit_id, None)
                if held is not None:
                    kept.append(held)
                kept.append(event)
                ends[limits.limit_id] = sorted(
                    window.resets_at + RESET_TOLERANCE_S
                    for window in limits.windows
                    if window.resets_at is not None
                )
            else:
                held = repeated.get(limits.limit_id)
                run_ends = ends[limits.limit_id]
                if (
                    held is not None
                    and run_ends
                    and bisect_left(run_ends, held[0]) != bisect_left(run_ends, event[0])
                ):
                    # The last repeat before a window of the run ended is kept: the run's
                    # last repeat alone, logged after, is passed over for that window, and
                    # the value had seemed to hold (or be said again) less long than it did.
                    kept.append(held)
                repeated[limits.limit_id] = event
        if repeated:
            kept.extend(repeated.values())
            kept.sort(key=_event_time)
        self.readings = kept

    @property
    def size(self) -> tuple[int, int]:
        """How many usage events and readings are kept."""
        return len(self.usage_events), len(self.readings)

    def prune(self, since: float) -> None:
        """Forget events before ``since``."""
        if self.usage_events and self.usage_events[0][0] < since:
            self.usage_events = [event for event in self.usage_events if event[0] >= since]
        if self.readings and self.readings[0][0] < since:
            self.readings = [event for event in self.readings if event[0] >= since]

    def take_new(self) -> tuple[list[tuple[float, int]], list[tuple[float, LimitSnapshot]]]:
        """The events since the last call (for a merge into the history), forgotten here."""
        usage, readings = self.new_usage, self.new_readings
        self.new_usage, self.new_readings = [], []
        return usage, readings


def _event_time(event: tuple[float, Any]) -> float:
    return event[0]


def _grown(total: TokenUsage, previous: TokenUsage) -> TokenUsage:
    return TokenUsage(
        max(total.input - previous.input, 0),
        max(total.cached_input - previous.cached_input, 0),
        max(total.output - previous.output, 0),
        max(total.reasoning_output - previous.reasoning_output, 0),
        max(total.total - previous.total, 0),
    )


def _beyond(grown: TokenUsage, call: TokenUsage) -> TokenUsage | None:
    """What ``grown`` holds past ``call``, each field alone (never below 0); None when it is
    no response: nothing more in ``total_tokens`` (every response adds to it: fields that
    differ alone are none), or no input (every response has some; a context overflow's fill,
    ``total_tokens`` alone, is carried into the totals after it and is no usage)."""
    past = TokenUsage(
        max(grown.input - call.input, 0),
        max(grown.cached_input - call.cached_input, 0),
        max(grown.output - call.output, 0),
        max(grown.reasoning_output - call.reasoning_output, 0),
        max(grown.total - call.total, 0),
    )
    return past if past.total and past.input else None


def is_synthetic(total: TokenUsage) -> bool:
    """A total Codex writes on context overflow: all of it in ``total_tokens``, nothing else."""
    return total.total > 0 and total.input == 0 and total.output == 0 and total.cached_input == 0


def is_bare(record: Record) -> bool:
    """A record that says only "a line", with no time of its own (what ``{}`` parses to):
    folded twice in a row, it leaves the state as folded once (no time moves, and a fork's
    copy goes on as the line before it said)."""
    return type(record) is SignalRecord and record.signal is Signal.OTHER and record.ts is None


def session_id_from_name(path: str | Path) -> str:
    """The thread id in ``rollout-<ts>-<uuid>[_<rollout id>].jsonl[.zst]``; the stem otherwise."""
    name = os.path.basename(path)  # Path.name, for a path as text too
    for suffix in (".zst", ".jsonl"):
        name = name.removesuffix(suffix)
    thread_part = name.split("_", 1)[0]
    ids = _uuid().findall(thread_part) or _uuid().findall(name)
    return ids[-1].lower() if ids else name


#: Where ``SessionAccumulator._guessed_start`` took a session's start from, as a warning says.
START_FROM_META = "the session's start"
START_FROM_NAME = "the time in its file name"
START_FROM_BIRTH = "the file's creation"
START_FROM_LATER = "the first dated line after them"
START_FROM_CHANGE = "the file's last change"
START_FROM_READ = "when it was read (the file gives no usable time)"
_START_SOURCES = (
    START_FROM_META,
    START_FROM_NAME,
    START_FROM_BIRTH,
    START_FROM_LATER,
    START_FROM_CHANGE,
    START_FROM_READ,
)
#: Guesses that move (another append, another day): a dated line later in the same read
#: takes their place (see ``SessionAccumulator._call_time``).
_MOVING_SOURCES = (START_FROM_CHANGE, START_FROM_READ)


@cache
def _name_time() -> re.Pattern[str]:
    return re.compile(r"rollout-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-")


def birth_time(found: os.stat_result) -> float | None:
    """When the file was made, where the system keeps it (macOS, the BSDs, Windows on
    Python 3.12+); None elsewhere (Linux's stat gives Python none)."""
    born = getattr(found, "st_birthtime", None)
    return float(born) if isinstance(born, (int, float)) and born > 0 else None


def start_from_name(path: str | Path) -> float | None:
    """The time in a Codex log's name (``rollout-2026-05-04T11-00-00-<id>.jsonl``), which
    Codex writes in local time, read in this machine's zone; None for another name or a
    time that cannot be (a 13th month, before 2000)."""
    found = _name_time().match(os.path.basename(path))
    if found is None:
        return None
    from datetime import datetime

    year, month, day, hour, minute, second = (int(part) for part in found.groups())
    try:
        at = datetime(year, month, day, hour, minute, second).timestamp()  # naive: local
    except (ValueError, OverflowError, OSError):
        return None
    return at if at >= EARLIEST_TIME else None


def line_problems(session: SessionAccumulator, path: str | Path) -> list[Problem]:
    """What a read of ``path`` into ``session`` skipped or did not trust, in plain words."""
    skipped = session.bad_lines + session.bad_value_lines + session.long_lines
    if not skipped and not session.future_lines and not session.undated_calls:
        return []  # the usual case: nothing to import (an append stays lean)
    from codex_presence_gui.core.formatting import counted, format_duration
    from codex_presence_gui.core.problems import Problem, ProblemKind, as_path

    name = os.path.basename(path)
    where = as_path(path)
    found = []
    if session.bad_lines:
        found.append(
            Problem(
                ProblemKind.MALFORMED_LINES,
                f"{counted(session.bad_lines, 'malformed line')} skipped in {name} "
                f"({session.last_error})",
                where,
            )
        )
    if session.bad_value_lines:
        found.append(
            Problem(
                ProblemKind.BAD_VALUES,
                f"{counted(session.bad_value_lines, 'line')} with impossible token counts "
                f"skipped in {name}",
                where,
            )
        )
    if session.future_lines:
        ahead = (session.latest_future or 0.0) - session.clock()
        # Minutes or hours ahead is a clock that is off (this computer's, or that of the one
        # that wrote the log: a network home, a VM), not a damaged line: say where to look.
        clock_off = (
            f" (up to {format_duration(ahead, least=60)} ahead of this computer's clock: "
            "is it right?)"
            if FUTURE_SLACK_SECONDS < ahead <= ABSURD_FUTURE_SECONDS
            else ""
        )
        found.append(
            Problem(
                ProblemKind.FUTURE_TIME,
                f"{counted(session.future_lines, 'line')} stamped in the future in {name}"
                f"{clock_off}; their time is not trusted",
                where,
            )
        )
    if session.long_lines:
        found.append(
            Problem(
                ProblemKind.LONG_LINES,
                f"{counted(session.long_lines, 'over-long line')} skipped in {name}",
                where,
            )
        )
    if session.undated_calls:
        found.append(
            Problem(
                ProblemKind.UNDATED_CALLS,
                f"{counted(session.undated_calls, 'call')} in {name} with no usable time and "
                f"no dated line before: dated to {session.undated_source}",
                where,
            )
        )
    return found


def project_name(cwd: str) -> str:
    """Last component of a path, splitting on ``/`` and ``\\`` whatever the host;
    ``NO_FOLDER`` (empty) for a path without one (``/``, none logged)."""
    parts = [part for part in re.split(r"[\\/]", cwd.strip()) if part and part != "."]
    return parts[-1] if parts else NO_FOLDER


#: Hosts whose repository paths are the same in any case.
_CASELESS_HOSTS = frozenset(
    {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "dev.azure.com"}
)
#: A remote's identity longer than this is not kept (no real one comes near).
REPOSITORY_ID_CHARS = 512
_SCP_REMOTE = re.compile(r"^([^:/\\\s]{2,}):(?!//)")
#: A user (and password or token) before the host of a remote without a scheme: no slash
#: before the ``@`` (``/srv/alice@laptop/api`` is a folder).
_REMOTE_USER = re.compile(r"^[^@/\\\s]+@")


def repository_id(url: str | None) -> str | None:
    """A git remote as the same text whichever way it was cloned: its host (lower case) and
    path, without the scheme, user, password, port, ``.git`` or slashes at the ends
    (``git@github.com:acme/api.git`` and ``https://github.com/acme/api`` are both
    ``github.com/acme/api``); a local remote's path alone. None for none, or one too long.

    No user or password is ever kept: a remote cloned with a token in its address names
    the same repository without it."""
    if not url or not url.strip():
        return None
    text = url.strip().replace("\\", "/")
    scheme, found, rest = text.partition("://")
    if found and scheme.replace("+", "").isalpha():
        authority, _, path = rest.partition("/")
        # No user, password or port; no query or fragment (a token may ride in any).
        host = authority.rpartition("@")[2].partition(":")[0]
        host = host.partition("?")[0].partition("#")[0]
        path = path.partition("?")[0].partition("#")[0]
    else:
        user = _REMOTE_USER.match(text)
        if user is not None:  # ``user@host:path``, ``user:token@host/path``: no user
            text = text[user.end() :]
        scp = _SCP_REMOTE.match(text)
        if scp is not None:  # ``[user@]host:path``
            host, path = scp.group(1), text[scp.end() :]
        else:  # a folder on this machine
            host, path = "", text
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4].rstrip("/")
    host = host.lower()
    if host in _CASELESS_HOSTS:  # github.com/Acme/API is github.com/acme/api
        path = path.lower()
    identity = "/".join(part for part in (host, path) if part)
    return identity if identity and len(identity) <= REPOSITORY_ID_CHARS else None


def surface_of(originator: str | None, source: str | None) -> str:
    """Where the session runs: CLI, VS Code, Desktop app, Exec, Sub-agent, …"""
    if source == "subagent":
        return "Sub-agent"
    if originator:
        known = _SURFACES.get(originator.lower())
        if known:
            return known
    if source and source in _SOURCE_SURFACES:
        return _SOURCE_SURFACES[source]
    return originator or "unknown"


class SessionAccumulator:
    """The running state of one rollout file; a ``LineSink`` for ``LineTail``.

    Feed lines in file order; ``snapshot(now)`` may be called at any time and is cheap.

    Args:
        path: the rollout file (or its text: the usage index's reader passes texts).
        clock: the current Unix time, to tell lines stamped in the future (the reader passes
            its own clock, so that tests reading old fixtures are judged at their time).
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self.meta: MetaRecord | None = None
        self.first_ts: float | None = None
        self.is_fork = False
        self._replay_until: float | None = None
        #: Whether the last content line was of the copy: a line without a usable time goes
        #: with it (a copy's lines come back to back).
        self._in_copy = False
        #: Whether the file's own header is stamped in the future (a clock that ran ahead):
        #: its lines' times are then compared with it as they are, to tell the copy.
        self._header_future = False
        self._own_header_ts: float | None = None
        self._seen_content = False
        self.cwd: str | None = None
        self._cwd_from_settings = False
        self.model: str | None = None
        self.context_window: int | None = None
        self.context_used: int | None = None
        self.total: TokenUsage | None = None
        self.last: TokenUsage | None = None
        self.delta: int | None = None
        self.inherited_tokens = 0
        self._context_from_counts = False
        self.last_token_event_at: float | None = None
        self.buckets: dict[str, LimitSnapshot] = {}
        self.tracker = ActivityTracker()
        self.bad_lines = 0
        self.bad_value_lines = 0
        self.future_lines = 0
        #: The latest time of a line stamped in the future (its own time was not used).
        self.latest_future: float | None = None
        self._trusted_ts: float | None = None
        self._base_settled = False
        self._model_output_seen = False
        self.long_lines = 0
        #: Calls dated by ``_guessed_start`` (no usable time on their line nor before it),
        #: and where the last one's time came from (``START_FROM_*``).
        self.undated_calls = 0
        self.undated_source = START_FROM_META
        self._guessed: tuple[float, str] | None = None  # until the header is read (``_meta``)
        #: Where the calls dated by a moving guess (``_MOVING_SOURCES``) made in this read are
        #: in ``recorder.calls``, with that guess: the first trusted line re-dates them.
        self._provisional: list[tuple[int, float]] = []
        #: The last skipped line's problem, its message made when read (``last_error``):
        #: a line refused unread (``skipped_unread``) is kept as its bytes.
        self._last_error: str | ParseError | bytes | None = None
        #: While lines come from the end of the file back (``backward``): whether the scan
        #: has met a skipped line yet (the first it meets is the last in the file).
        self._backward = False
        self._backward_met = False
        self.recorder: EventRecorder | None = None
        self._call: TokenUsage | None = None  # the tokens of the call the last total added
        #: What the last total grew by beyond that call: a response before it whose line was
        #: skipped (damaged, impossible counts), or not logged; counted as a call of its own.
        self._missed: TokenUsage | None = None
        #: Whether the last total folded was a fork's copied one (or its base found apart,
        #: ``settle_base``): the next one's growth past its response is then not counted as
        #: a call passed over, as the copy's damaged last line may hold it, which its parent
        #: counts.
        self._after_copy = False
        #: The API service tier of the calls (``priority``, ``flex``; ``""``: standard), as the
        #: last thread settings said, else as the caller knows it (Codex's config.toml).
        self.service_tier = ""

    # -- LineSink ---------------------------------------------------------------------------

    def line(self, data: bytes, *, limits: bool = True) -> None:
        """Parse and fold one complete line; a bad line is counted, never raised. Without
        ``limits``, rate limits are not read (see ``parse_line``)."""
        if data[:1] != b"{" and b"{" not in data:  # a log's lines start with one
            self.skipped_unread(data)  # what parse_line would refuse first, with no raise
            return
        try:
            record = parse_line(data, limits=limits)
        except ParseError as error:
            self.skipped(error)
            return
        self.feed(record)

    def same_lines(self, data: bytes, count: int, *, limits: bool = True) -> None:
        """``line`` for ``count`` copies of one line in a row (see ``LineSink``): parsed
        once; a bad line counted ``count`` times, a line that says only "a line" with no
        time of its own folded once (folded again, it leaves the same state)."""
        if data[:1] != b"{" and b"{" not in data:
            self.skipped_unread(data, count)
            return
        try:
            record = parse_line(data, limits=limits)
        except ParseError as error:
            self.skipped(error, count)
            return
        for _ in range(1 if is_bare(record) else count):
            self.feed(record)

    def passed_over(self) -> None:
        """A line was seen but not decoded (a reader that needs only some kinds): the file has
        content past its header, so a header after it is no fork's copy of its parent's."""
        self._seen_content = True

    @property
    def seen_content(self) -> bool:
        """True once a line other than a header was seen, usable or not: Codex copies a
        fork's parent header right after the fork's own, so a header after any other line
        (even a torn one) is not that copy. Readers that pass lines over undecoded, and the
        window's reader that decodes them all, agree on this."""
        return self._seen_content

    def backward(self, on: bool) -> None:
        """Say that the lines skipped from now on (``on``), or no longer, come from the end
        of the file back (a backward scan): the first of them met, the last in the file, is
        then the one ``last_error`` says, as a forward read of the same file says it (the
        scan had said the earliest it met)."""
        self._backward = on
        self._backward_met = False

    def _error(self, error: str | ParseError | bytes) -> None:
        """Keep the problem of a line just skipped for ``last_error``: the last in the file."""
        if self._backward:
            if self._backward_met:
                return
            self._backward_met = True
        self._last_error = error

    def skipped(self, error: ParseError, count: int = 1) -> None:
        """Count a line that could not be used (or ``count`` alike): impossible numbers apart
        from malformed text. It is content all the same (see ``seen_content``)."""
        self._seen_content = True
        if isinstance(error, BadValuesError):
            self.bad_value_lines += count
        else:
            self.bad_lines += count
            self._error(error)  # its message is made only if it is shown

    def skipped_unread(self, line: bytes, count: int = 1) -> None:
        """Count a line that holds no ``{`` (or ``count`` such lines, ``line`` the last of them
        in the file), as ``skipped`` counts the ``NoObjectError`` that ``parse_line`` raises
        for it, without a parser called or an error made for each of a hostile log's
        millions."""
        self._seen_content = True
        self.bad_lines += count
        self._error(line)

    def no_object_run(self, count: int, last: bytes) -> None:
        """``count`` lines one after the other that hold no ``{``, from the line splitter
        (see ``LineSink``): all malformed, ``last`` the one said."""
        self.skipped_unread(last, count)

    def skipped_long(self, error: ParseError) -> None:
        """Count a line over the length cap that could not be used."""
        self.long_lines += 1
        self._error(error)

    @property
    def last_error(self) -> str | None:
        """What was wrong with the last line skipped (malformed or over-long), in words; the
        message is made here, once (see ``MalformedJSONError``)."""
        error = self._last_error
        if error is None or isinstance(error, str):
            return error
        self._last_error = text = str(NoObjectError(error) if isinstance(error, bytes) else error)
        return text

    def long_line(self, prefix: bytes, suffix: bytes, length: int) -> None:
        """Fold a line over the length cap from its ends, or count it as skipped."""
        try:
            record = parse_long_line(prefix, suffix, length)
        except ParseError as error:
            self._seen_content = True
            self.skipped_long(error)
            return
        self.feed(record)

    # -- folding ----------------------------------------------------------------------------

    def feed(self, record: Record) -> None:
        """Fold one record, in file order."""
        stamped = record  # with its own time, for telling a fork's copy (see is_replayed)
        if (at := record.ts) is not None:
            if at > self.clock() + FUTURE_SLACK_SECONDS:
                record = self._untimed(record)
            else:
                self._trusted_ts = at
                if self._provisional:
                    self._redate_provisional(at)
        elif (
            self._trusted_ts is not None
            and isinstance(record, TokenCountRecord)
            and record.limits is not None
        ):
            # No usable time of its own (malformed, missing, before 2000): its reading is
            # dated as a future line's is, not to 1970 ("updated 20,000 days ago").
            record = record._replace(limits=record.limits.observed(self._trusted_ts))
        if self.first_ts is None and record.ts is not None:
            self.first_ts = record.ts
        if isinstance(record, MetaRecord):
            self._meta(record, stamped.ts)
            return
        self._seen_content = True
        replayed = self.is_replayed(stamped)
        if self.is_fork:
            self._in_copy = replayed
            at = self._replay_time(stamped)
            if replayed and at is not None and self._replay_until is not None:
                # The copy goes on while its lines come back to back.
                self._replay_until = max(self._replay_until, at + REPLAY_GAP_SECONDS)
        if isinstance(record, TokenCountRecord):
            self._token_count(record, replayed)
        elif isinstance(record, ContextRecord):
            self._context(record, replayed)
        elif isinstance(record, UsageRecord) and not replayed:
            self._usage_record(record)
        if replayed:
            return
        tracker = self.tracker
        tracker.saw_line(record.ts)
        if isinstance(record, SignalRecord):
            signal = record.signal
            if signal is Signal.COMMENTARY or signal is Signal.TURN_ENDED:
                self._model_output_seen = True
            if signal is Signal.THINKING:
                tracker.mark(Activity(ActivityKind.THINKING), record.ts)
            elif signal is Signal.COMMENTARY:
                tracker.commentary(record.ts)
            elif signal is Signal.TURN_ENDED:
                tracker.turn_ended(record.ts)
            elif signal is Signal.EFFECTIVE:
                tracker.effective_signal(record.ts)
        elif isinstance(record, ToolCallRecord):
            self._model_output_seen = True
            tracker.call_started(record.call_id, record.activity, record.ts)
        elif isinstance(record, ToolOutputRecord):
            tracker.call_finished(record.call_id, record.ts)
        elif isinstance(record, TurnStartedRecord):
            if record.context_window:
                self.context_window = record.context_window
            tracker.turn_started(record.ts)

    def _untimed(self, record: Record) -> Record:
        """A record stamped in the future, with its time dropped: it still counts (tokens,
        model, activity), but cannot make the session recent. A reading it carries is dated
        to the last trusted line before it, so it stays the newest of this file without
        outranking readings that other sessions took later."""
        self.future_lines += 1
        if record.ts is not None and (self.latest_future is None or record.ts > self.latest_future):
            self.latest_future = record.ts
        if isinstance(record, TokenCountRecord) and record.limits is not None:
            dated = record.limits.observed(self._trusted_ts or 0.0)
            return record._replace(ts=None, limits=dated)
        return record._replace(ts=None)

    def _meta(self, record: MetaRecord, stamped_at: float | None) -> None:
        """``stamped_at``: the header's own time, kept even when it is in the future."""
        if self.meta is None:
            # Codex's own loader takes the first session_meta as the file's identity.
            self.meta = record
            self._guessed = None  # its start comes first
            self.cwd = record.cwd
            self._own_header_ts = stamped_at
            self._header_future = record.ts is None and stamped_at is not None
            if record.forked_from_id or record.parent_thread_id:
                self._start_replay(record)
            return
        if not self._seen_content and record.session_id != self.meta.session_id:
            self._start_replay(self.meta)  # a parent's header copied right after ours

    def _start_replay(self, own_meta: MetaRecord) -> None:
        self.is_fork = True
        if own_meta.source == "subagent":
            # A sub-agent's copied history, if any, comes as replayed lines, which give the
            # inherited base; it never carries its parent's total in its own first one (that
            # is ``exec fork``), so a first call before any output is its own.
            self._base_settled = True
        if self._own_header_ts is not None:
            self._replay_until = self._own_header_ts + REPLAY_BURST_SECONDS
            self._in_copy = True  # the copy comes right after the header

    def is_replayed(self, record: Record) -> bool:
        """True for a line of a fork's copied parent history (``record`` with its own time,
        as parsed: the copy is told by times within the file, which a clock that ran ahead
        shifts all alike)."""
        if not self.is_fork or self.meta is None:
            return False
        start = self.meta.history_start_ordinal
        if start is not None and record.ordinal is not None:
            return record.ordinal < start
        if self._replay_until is None:
            return False
        at = self._replay_time(record)
        if at is None:
            # No usable time (missing, garbled, or far out of line with the header's): the
            # line goes with the one before it. Counted as the fork's own, a copied line had
            # added its parent's call again.
            return self._in_copy
        return at <= self._replay_until

    def _replay_time(self, record: Record) -> float | None:
        """The time ``record`` is judged by for the copy: its own, even in the future (a
        clock that ran ahead after the copy was written stamps the fork's own lines ahead:
        compared as they are, they come after the copy), unless it is absurdly far ahead
        while the header is not (a garbled year, such as 9999: no time to go by)."""
        at = record.ts
        if at is not None and not self._header_future and at > self.clock() + ABSURD_FUTURE_SECONDS:
            return None
        return at

    def _context(self, record: ContextRecord, replayed: bool) -> None:
        # The latest model wins, a replayed one too: a fork goes on with the model its parent
        # last used (not its first), and a line of the fork's own taken for part of the copy
        # still names the model its calls use.
        if record.model:
            self.model = record.model
        if record.service_tier is not None and not replayed:
            self.service_tier = record.service_tier
        if replayed or not record.cwd:
            return
        if record.settings:
            self.cwd = record.cwd
            self._cwd_from_settings = True
        elif self.cwd is None:
            self.cwd = record.cwd

    def _token_count(self, record: TokenCountRecord, replayed: bool) -> None:
        if record.context_window:
            self.context_window = record.context_window
        if record.last is not None and not replayed:
            self.context_used = record.last.total
            self._context_from_counts = True
        added = None
        if record.total is not None:
            added = self._apply_total(record.total, record.last, replayed)
        if replayed:
            return
        self._touch_token_event(record.ts)
        limits = record.limits
        if limits is not None:
            # What the line said about usage, for the attribution of limit rises: a reading
            # without new tokens is still a local request (a failed call, a compaction).
            if added:
                kind = ReadingKind.USAGE
            elif record.total is None:
                kind = ReadingKind.LIMIT_ONLY
            else:
                kind = ReadingKind.REPEAT
            limits = limits.folded(kind, self.session_id)
            # Newest by file position; a model bucket never overwrites the account bucket.
            self.buckets[limits.limit_id] = limits
        if self.recorder is not None:
            if added is not None:
                self._record_calls(record.ts)
            if added:
                self.recorder.usage(record.ts, added)
            elif record.total is None and limits is not None:
                # A limit-only line (``info: null``): a request whose tokens Codex did not log
                # (a failed call, an HTTP 429, a cut stream, a compaction, a session's first
                # request). Recorded as usage of 0 tokens so that the limit timeline knows
                # this session was at work, and a rise after it is not called use from
                # elsewhere.
                self.recorder.usage(record.ts, 0)
            if limits is not None:
                self.recorder.reading(record.ts, limits)

    def _usage_record(self, record: UsageRecord) -> None:
        total = record.thread_usage
        if total is None and record.usage is not None:
            base = self.total or TokenUsage()
            total = TokenUsage(
                base.input + record.usage.input,
                base.cached_input + record.usage.cached_input,
                base.output + record.usage.output,
                base.reasoning_output + record.usage.reasoning_output,
                base.total + record.usage.total,
            )
        if total is None:
            return
        added = self._apply_total(total, record.usage, replayed=False)
        if record.usage is not None and not self._context_from_counts:
            self.context_used = record.usage.total
        self._touch_token_event(record.ts)
        if self.recorder is not None:
            if added is not None:
                self._record_calls(record.ts)
            if added:
                self.recorder.usage(record.ts, added)

    def _record_calls(self, ts: float | None) -> None:
        """The calls the last total added, to the recorder: the response the line gives, and
        before it what the total grew by beyond it (``_missed``), at the line's time."""
        assert self.recorder is not None
        at = self._call_time(ts)
        if self._missed is not None:
            self.recorder.call(at, self.model, self._missed, self.service_tier)
        if self._call is not None:
            self.recorder.call(at, self.model, self._call, self.service_tier)

    def _call_time(self, ts: float | None) -> float:
        """When a call happened: its line's time; for a line whose time is unusable (stamped
        in the future, malformed, missing or before 2000), the last trusted line's; with none
        before it, the session's start as the file gives it (``_guessed_start``), counted for
        a warning. Its tokens count all the same (the total has moved past them)."""
        if ts is not None:
            return ts
        if self._trusted_ts is not None:
            return self._trusted_ts
        if self.recorder is None or self.recorder.calls is None:
            return 0.0  # not kept: only the usage index records calls (and says these)
        at, source = self._guessed or self._guessed_start()
        self._guessed = (at, source)  # one look at the file for a log of such calls
        self.undated_calls += 1
        self.undated_source = source
        if source in _MOVING_SOURCES:
            self._provisional.append((len(self.recorder.calls), at))  # the call to be kept
        return at

    def _redate_provisional(self, ts: float) -> None:
        """Date the calls a moving guess dated to the first trusted line after them, which
        stays where it is: a rebuild of the index, after appends have moved the file's last
        change, finds the same line (appended reads keep the guess: see ``continuation``)."""
        calls = self.recorder.calls if self.recorder is not None else None
        for position, guessed in self._provisional:
            if calls is not None and position < len(calls) and calls[position][0] == guessed:
                calls[position] = (ts, *calls[position][1:])
        self._provisional.clear()
        if self.undated_source in _MOVING_SOURCES:  # (not when a header came between)
            self._guessed = (ts, START_FROM_LATER)
            self.undated_source = START_FROM_LATER

    def _guessed_start(self) -> tuple[float, str]:
        """The session's start for a call dated by no line, and where it came from: its
        ``session_meta``, else the time in its file name (Codex's local time), else the
        file's creation where the system keeps it (unless its last change is earlier: a copy
        that kept the original's), else its last change. Not the reader's clock, so that a
        log lands on the same day in every run; a time in the future or before 2000 is passed
        over, as a line's would be, and only when the file gives none other is the clock
        taken (a last change in the future had put the calls on a day to come). The last
        change and the clock move: a trusted line later in the file is taken instead once it
        is read (``_redate_provisional``)."""
        now = self.clock()
        latest = now + FUTURE_SLACK_SECONDS
        started = self.meta.started_at if self.meta is not None else None
        if started is not None and started <= latest:
            return started, START_FROM_META
        named = start_from_name(self.path)
        if named is not None and named <= latest:
            return named, START_FROM_NAME
        try:
            found = os.stat(self.path)
        except (OSError, ValueError):
            found = None  # gone since it was read (the read then fails too)
        changed = found.st_mtime if found is not None else None
        born = birth_time(found) if found is not None else None
        kept_older = changed is not None and EARLIEST_TIME <= changed < (born or 0.0)
        if born is not None and EARLIEST_TIME <= born <= latest and not kept_older:
            return born, START_FROM_BIRTH
        if changed is not None and EARLIEST_TIME <= changed <= latest:
            return changed, START_FROM_CHANGE
        return now, START_FROM_READ

    def _touch_token_event(self, ts: float | None) -> None:
        if ts is not None and (self.last_token_event_at is None or ts > self.last_token_event_at):
            self.last_token_event_at = ts

    def _apply_total(
        self, total: TokenUsage, last: TokenUsage | None, replayed: bool
    ) -> int | None:
        """Fold a running thread total (from ``token_count`` or ``token_usage_record``).

        Returns the new usage it adds, counted as ``/status`` counts (non-cached input plus
        output), or None when it adds none (a duplicate, a synthetic fill, replayed history).
        """
        self._call = self._missed = None
        if is_synthetic(total):
            return None  # a fill written on context overflow, not usage
        previous = self.total
        if previous is not None and total.total == previous.total:
            # The same usage again: a re-emission with new rate limits, or the other source
            # reporting the same response. A new response always adds tokens.
            return None
        self.total = total
        if replayed:
            self.inherited_tokens = total.total
            self._base_settled = self._after_copy = True
            return None
        after_copy, self._after_copy = self._after_copy, False
        self.last = last
        last_total = last.total if last is not None else None
        if previous is None and self.is_fork and not self._base_settled:
            # A fork that copied no parent lines (0.169+ ``exec fork``): its first total
            # already holds the parent's. Before any model output of the fork, the line is the
            # first request's reading carrying the restored total, all of it inherited; after
            # it, the line is the fork's first response, on top of the parent's total.
            self._base_settled = True
            if not self._model_output_seen or last_total is None:
                self.inherited_tokens = total.total
                self.delta = None
                return None
            self.inherited_tokens = max(total.total - last_total, 0)
        self._base_settled = True
        if (
            previous is None
            or total.total < previous.total
            # A running total begun again from a synthetic fill (``total_tokens`` the context
            # window, the rest 0, skipped): its ``total_tokens`` went on from the fill's, but
            # its input or output fell; the whole rise had been "this update" (227K for 20K).
            or total.input < previous.input
            or total.output < previous.output
        ):
            # First usage, or a new segment (resume reset, fork base): the last response.
            self.delta = last_total if last_total is not None else total.total
            self._call = last or total
            return (last or total).blended_total
        self.delta = total.total - previous.total
        # The call's own tokens: what Codex logged as the last call, else what the total grew
        # by (each field alone, never below 0). An estimate (``total_tokens`` alone, after a
        # compaction) tells no input nor output: the growth does.
        grown = _grown(total, previous)
        own = last if last is not None and not is_synthetic(last) else None
        self._call = own if own is not None else grown
        if own is not None and not after_copy:
            # The total counts every response (``/status`` reads it): grown past this one,
            # it holds one whose line was skipped (a damaged byte, an impossible count) or
            # never written, which had been lost here while ``status`` counted it.
            self._missed = _beyond(grown, own)
        added = total.blended_total - previous.blended_total
        return added if added > 0 else 0  # not max(): on every call folded

    def continuation(self) -> dict[str, Any]:
        """The accounting state beyond the totals, model and cwd, as plain values (see
        ``resume``): what the usage index keeps to go on reading a file where it stopped."""
        return {
            "seen_content": self._seen_content,
            "base_settled": self._base_settled,
            "model_output_seen": self._model_output_seen,
            "trusted_ts": self._trusted_ts,
            "first_ts": self.first_ts,
            "cwd_from_settings": self._cwd_from_settings,
            "service_tier": self.service_tier,
            "replay_until": self._replay_until,
            "in_copy": self._in_copy,
            "after_copy": self._after_copy,
            # What was skipped so far: an append's read says the file's whole count, as a
            # first build would.
            "skipped": [
                self.bad_lines,
                self.bad_value_lines,
                self.long_lines,
                self.future_lines,
                self.last_error,
            ],
            "undated": [self.undated_calls, self.undated_source],
            # The guess still in force (with ``undated``'s source), so that an append's
            # undated calls take the time the first read gave the file's: its last change
            # has moved since. Apart: a state of two items is what every version reads.
            "guessed": None if self._guessed is None else list(self._guessed),
        }

    def resume(self, state: dict[str, Any]) -> None:
        """Take back the state ``continuation`` gave (after the header lines were folded)."""
        self._seen_content = bool(state.get("seen_content"))
        self._base_settled = bool(state.get("base_settled"))
        self._model_output_seen = bool(state.get("model_output_seen"))
        self._after_copy = bool(state.get("after_copy"))
        trusted, first = state.get("trusted_ts"), state.get("first_ts")
        self._trusted_ts = float(trusted) if isinstance(trusted, (int, float)) else None
        self.first_ts = float(first) if isinstance(first, (int, float)) else self.first_ts
        self._cwd_from_settings = bool(state.get("cwd_from_settings"))
        tier = state.get("service_tier")
        if isinstance(tier, str):
            self.service_tier = tier
        skipped = state.get("skipped")
        if isinstance(skipped, list) and len(skipped) == 5:
            # Set, not added: they count the header lines too, just folded again.
            counts = [n if type(n) is int and n >= 0 else 0 for n in skipped[:4]]
            self.bad_lines, self.bad_value_lines, self.long_lines, self.future_lines = counts
            if isinstance(skipped[4], str):
                self._last_error = skipped[4]
        undated = state.get("undated")
        if isinstance(undated, list) and len(undated) == 2 and type(undated[0]) is int:
            self.undated_calls = max(undated[0], 0)
            if undated[1] in _START_SOURCES:
                self.undated_source = undated[1]
        guessed = state.get("guessed")
        if isinstance(guessed, list) and len(guessed) == 2 and guessed[1] in _START_SOURCES:
            at = guessed[0]
            if isinstance(at, (int, float)) and type(at) is not bool:
                self._guessed = (float(at), guessed[1])
        replay_until = state.get("replay_until")
        if isinstance(replay_until, (int, float)) and self._replay_until is not None:
            # Where a fork's copied history had reached when the read stopped (the header
            # lines folded again only give its start).
            self._replay_until = max(self._replay_until, float(replay_until))
            self._in_copy = bool(state.get("in_copy", self._in_copy))

    def settle_base(self, inherited_tokens: int, head: SessionAccumulator | None = None) -> None:
        """Take a fork's inherited total found elsewhere (the reader reads a big fork's head
        apart from its tail); the first total folded afterwards is then the fork's own use.

        ``head``: the accumulator that read that head, whose copy the lines folded next
        come after: how far the copy reached (its lines back to back beyond the first
        second), and whether the last line read there was of it (a line without a usable
        time first in the fold goes with it, as it would read forward)."""
        self.inherited_tokens = inherited_tokens
        self._base_settled = self._after_copy = True
        if head is not None and head._replay_until is not None and self._replay_until is not None:
            self._replay_until = max(self._replay_until, head._replay_until)
            self._in_copy = head._in_copy

    # -- snapshot ---------------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        """``session_meta.id``, else the id in the file name."""
        if self.meta is not None and self.meta.session_id:
            return self.meta.session_id
        return session_id_from_name(self.path)

    def git_branch(self, branch_of: Callable[[str], str | None] | None = None) -> str | None:
        """The branch the session's header names, else the one ``branch_of`` finds checked
        out in its working folder."""
        branch = self.meta.git_branch if self.meta is not None else None
        if branch is None and branch_of is not None and self.cwd:
            branch = branch_of(self.cwd)
        return branch

    def snapshot(
        self,
        now: float,
        *,
        file_mtime: float = 0.0,
        branch_of: Callable[[str], str | None] | None = None,
    ) -> CodexSessionSnapshot:
        """The session as of ``now`` (activity decays to Idle against this clock)."""
        meta = self.meta
        cwd = self.cwd or "."
        branch = self.git_branch(branch_of)
        tracker = self.tracker
        signal_times = [t for t in (tracker.recency(), self.last_token_event_at) if t]
        last_activity = max(signal_times) if signal_times else None
        context = None
        if self.context_used is not None and self.context_window:
            context = ContextUsage(self.context_used, self.context_window)
        buckets = tuple(
            sorted(
                self.buckets.values(),
                key=lambda b: (-bucket_preference(b.limit_id), -b.observed_at, b.limit_id),
            )
        )
        total = self.total
        return CodexSessionSnapshot(
            session_id=self.session_id,
            file=self.path,
            cwd=cwd,
            project=project_name(cwd),
            git_branch=branch,
            model=self.model,
            originator=meta.originator if meta else None,
            surface=surface_of(meta.originator if meta else None, meta.source if meta else None),
            cli_version=meta.cli_version if meta else None,
            started_at=(meta.started_at if meta else None) or self.first_ts,
            last_activity_at=last_activity,
            session_total_tokens=total.total if total is not None else None,
            last_turn_tokens=self.last.total if self.last is not None else None,
            session_delta_tokens=self.delta,
            last_token_event_at=self.last_token_event_at,
            tokens=total,
            last_tokens=self.last,
            context=context,
            limits=preferred_bucket(buckets),
            limit_buckets=buckets,
            activity=tracker.current(now),
            pending_calls=len(tracker.pending),
            recency=last_activity if last_activity is not None else file_mtime,
            file_mtime=file_mtime,
            inherited_tokens=self.inherited_tokens,
            parent_session_id=(meta.forked_from_id or meta.parent_thread_id) if meta else None,
            bad_lines=self.bad_lines,
            skipped_long_lines=self.long_lines,
        )
