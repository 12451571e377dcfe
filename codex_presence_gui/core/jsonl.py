"""One rollout line to one typed record; cheap on the big lines the reader does not need.

The classifier looks at the first bytes of a line (Codex writes compact JSON with the keys in a
fixed order) so that tool outputs, reasoning blobs and compaction checkpoints, which make up
nearly all of a log's bytes, are never JSON-decoded. Anything that does not match the fast
path is decoded normally. Only ``ParseError`` ever leaves this module.
"""

from __future__ import annotations

import enum
import re
import sys
from datetime import UTC, datetime
from functools import cache

from codex_presence_gui.core.errors import ParseError
from codex_presence_gui.core.jsondecode import DecodeError, loads
from codex_presence_gui.core.limits import finite_number, normalize_rate_limits
from codex_presence_gui.core.models import Activity, ActivityKind, LimitSnapshot, TokenUsage
from codex_presence_gui.core.records import NamedTuple

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from typing import Any

#: Bytes at the start of a line that the classifier looks at.
PREFIX_BYTES = 512
#: Lines longer than this are never decoded (they are counted and skipped).
MAX_DECODE_BYTES = 16 * 1024 * 1024
#: Assistant messages up to this size are decoded; the phase of bigger ones is looked up in
#: their last ``SUFFIX_SEARCH_BYTES`` (it follows the content, possibly before ``metadata``).
SMALL_MESSAGE_BYTES = 256 * 1024
SUFFIX_SEARCH_BYTES = 4096

_ENVELOPE = re.compile(
    rb'^\{"timestamp":"([^"]{0,64})",(?:"ordinal":(\d{1,19}),)?"type":"([A-Za-z_]{1,64})"'
    rb'(?:,"payload":\{"type":"([A-Za-z_.]{1,64})")?'
)


# Patterns in functions are compiled when first used (50 µs each at import otherwise): a
# report that reads a few new lines needs few of them.
@cache
def _role() -> re.Pattern[bytes]:
    return re.compile(rb'"role":"([a-z]{1,20})"')


@cache
def _call_id() -> re.Pattern[bytes]:
    return re.compile(rb'"call_id":"([^"\\]{1,200})"')


@cache
def _phase() -> re.Pattern[bytes]:
    return re.compile(rb'"phase":"([a-z_]{1,32})"')


#: Python 3.11 reads a "Z" suffix itself; 3.10 needs an explicit offset.
_ISO_NEEDS_OFFSET = sys.version_info < (3, 11)


class Signal(enum.Enum):
    """Activity signals that need no payload."""

    THINKING = "thinking"  # reasoning, a turn or user message began
    COMMENTARY = "commentary"  # assistant progress message
    TURN_ENDED = "turn_ended"  # final answer, task_complete, turn_aborted
    EFFECTIVE = "effective"  # a sign of life (paginated item_completed)
    OTHER = "other"  # any other line: advances "last event" only


# Records are NamedTuples: cheap to create by the thousand, immutable, compared by value.
# Every record starts with ``ts`` (the line's Unix seconds, or None) and ``ordinal``.


class MetaRecord(NamedTuple):
    """``session_meta`` (or a pre-envelope header line)."""

    ts: float | None
    ordinal: int | None
    session_id: str | None
    started_at: float | None
    cwd: str | None
    originator: str | None
    cli_version: str | None
    source: str | None
    git_branch: str | None
    forked_from_id: str | None
    parent_thread_id: str | None
    history_start_ordinal: int | None
    legacy: bool = False
    repository_url: str | None = None  # ``git.repository_url``: the checkout's remote


class ContextRecord(NamedTuple):
    """``turn_context`` or ``thread_settings_applied``: the model and working directory, and
    for the latter the service tier when it names one (see ``service_tier``)."""

    ts: float | None
    ordinal: int | None
    model: str | None
    cwd: str | None
    settings: bool = False
    service_tier: str | None = None


class TokenCountRecord(NamedTuple):
    """``event_msg/token_count``: usage info (may be absent) and a rate-limit reading."""

    ts: float | None
    ordinal: int | None
    total: TokenUsage | None
    last: TokenUsage | None
    context_window: int | None
    limits: LimitSnapshot | None


class UsageRecord(NamedTuple):
    """``token_usage_record``: one API response's usage and the thread's running total."""

    ts: float | None
    ordinal: int | None
    usage: TokenUsage | None
    thread_usage: TokenUsage | None


class TurnStartedRecord(NamedTuple):
    """``task_started`` (a turn began), with the context window when given."""

    ts: float | None
    ordinal: int | None
    context_window: int | None


class SignalRecord(NamedTuple):
    """A line whose only meaning is an activity signal."""

    ts: float | None
    ordinal: int | None
    signal: Signal


class ToolCallRecord(NamedTuple):
    """A tool call began; pending until an output with the same ``call_id``."""

    ts: float | None
    ordinal: int | None
    call_id: str | None
    activity: Activity


class ToolOutputRecord(NamedTuple):
    """A tool call finished."""

    ts: float | None
    ordinal: int | None
    call_id: str | None


Record = (
    MetaRecord
    | ContextRecord
    | TokenCountRecord
    | UsageRecord
    | TurnStartedRecord
    | SignalRecord
    | ToolCallRecord
    | ToolOutputRecord
)


#: Line times before 2000 are unusable (see ``parse_timestamp``).
EARLIEST_TIME = 946_684_800.0


def parse_timestamp(value: Any) -> float | None:
    """RFC 3339 text (``2026-05-04T09:14:55.902Z``) to Unix seconds; None when unusable
    (malformed, or before 2000)."""
    if not isinstance(value, str) or not 10 <= len(value) <= 64:
        return None
    if _ISO_NEEDS_OFFSET and value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        seconds = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return None
    # Codex did not exist before 2000, and a time near year 1 cannot even be turned into a
    # local date west of UTC: such a time is unusable, not a date to report. (Times in the
    # future are the reader's to judge against its clock.)
    return seconds if seconds >= EARLIEST_TIME else None


#: Token counts at or above this are impossible (and not exact in a float, nor in JavaScript).
MAX_TOKENS = 2**53

_TOKEN_FIELDS = (
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "reasoning_output_tokens",
    "total_tokens",
)


class BadValuesError(ParseError):
    """A line whose token counts are impossible (negative, not whole, not numbers, huge): the
    line is skipped whole, so it can neither reset nor lower a session's total."""


def _count(value: Any) -> int:
    """A token count: a whole number in 0..2**53, or null/missing (0: early files had nulls).

    Raises:
        BadValuesError: anything else (a string, a bool, a negative, a fraction, NaN, 1e300).
    """
    if value is None:
        return 0
    kind = type(value)  # exact types: bool is not a number here
    if kind is int and 0 <= value < MAX_TOKENS:
        return int(value)
    if kind is float and value.is_integer() and 0 <= value < MAX_TOKENS:
        return int(value)  # a writer that prints 1000.0; NaN and infinities fail is_integer
    raise BadValuesError(f"impossible token count {str(value)[:40]!r}")


def _optional_int(value: Any) -> int | None:
    if type(value) is int:  # the usual case, without a float made and taken apart
        return value if 0 < value < MAX_TOKENS else None
    number = finite_number(value)
    if number is None or number <= 0 or number >= MAX_TOKENS:
        return None
    return int(number)


def _ordinal(value: Any) -> int | None:
    number = finite_number(value)
    if number is None or number < 0:
        return None
    return int(number)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _shared_text(value: Any) -> str | None:
    """``_text`` for values many sessions repeat (model, folder, version, branch): one copy
    for all (50,000 sessions would otherwise hold 50,000 copies of each)."""
    if isinstance(value, str) and value:
        return sys.intern(value) if len(value) <= _SHARED_TEXT_CHARS else value
    return None


def _model_name(value: Any) -> str | None:
    """A model's name without white space at its ends: ``"gpt-5.4\n"`` is gpt-5.4 (it had
    read as another model, with no price, that looked the same)."""
    return _shared_text(value.strip()) if isinstance(value, str) else None


#: Longer texts are not shared (a hostile log could name a huge folder).
_SHARED_TEXT_CHARS = 1024


def token_usage(raw: Any) -> TokenUsage | None:
    """A ``TokenUsage`` object with nulls as 0, cached clamped to input, total = input + output
    when missing; None when ``raw`` is null or absent (no usage known).

    Raises:
        BadValuesError: a count is impossible, or the object names no count at all (``{}``).
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadValuesError("token usage is not an object")
    get = raw.get  # each by name: a generator over the names costs a tenth of the call
    i = get("input_tokens")
    c = get("cached_input_tokens")
    o = get("output_tokens")
    r = get("reasoning_output_tokens")
    t = get("total_tokens")
    if (
        type(i) is int
        and type(c) is int
        and type(o) is int
        and type(r) is int
        and type(t) is int
        and 0 <= i < MAX_TOKENS
        and 0 <= c < MAX_TOKENS
        and 0 <= o < MAX_TOKENS
        and 0 <= r < MAX_TOKENS
        and 0 <= t < MAX_TOKENS
    ):
        # Every current line: whole numbers in range. Only the clamps remain to apply (by
        # comparison: a call of ``min`` would cost a fifth of this function).
        return TokenUsage(i, c if c < i else i, o, r if r < o else o, t or i + o)
    if not any(name in raw for name in _TOKEN_FIELDS):
        # ``{}`` would read as a total of 0 and start a new segment: it is no reading at all.
        raise BadValuesError("token usage without any count")
    input_tokens = _count(i)
    output_tokens = _count(o)
    total = _count(t) or input_tokens + output_tokens
    if total >= MAX_TOKENS:
        raise BadValuesError("impossible token total")
    return TokenUsage(
        input=input_tokens,
        cached_input=min(_count(c), input_tokens),
        output=output_tokens,
        reasoning_output=min(_count(r), output_tokens),
        total=total,
    )


class MalformedJSONError(ParseError):
    """A line the decoder refused. Its message is made from the decoder's error only when it
    is read (``str``): a log of millions of such lines says only the last one's, and making
    each had cost a third of reading the line."""

    def __init__(self, error: DecodeError) -> None:
        super().__init__()
        self.error = error

    def __str__(self) -> str:
        said = str(self.error)
        if said.startswith("str is not valid UTF-8"):
            # orjson's words for any byte that is not UTF-8 ("…: surrogates not allowed",
            # of a 0xff too), at column 1 whatever the byte's place.
            return "malformed JSON: not valid UTF-8 text"
        return f"malformed JSON: {_within_line(said)}"


class NoObjectError(ParseError):
    """A line refused undecoded: with no ``{`` in it, it can be neither a JSON object nor a
    torn record followed by a whole one. What decoding it says is worked out only when the
    message is read (``str``), from the line kept for it: the same text as if it had been
    decoded, without a decoder's error built for each of a hostile log's millions of ``x``."""

    def __init__(self, line: bytes) -> None:
        super().__init__()
        self.line = line

    def __str__(self) -> str:
        try:
            _from_document(_decode(self.line))
        except ParseError as error:
            return str(error)
        except Exception as error:  # as parse_line says it
            return _unusable(error)
        return "a log line must be a JSON object"  # not reached: a line without "{" is none


def _decode(line: bytes) -> Any:
    if len(line) > MAX_DECODE_BYTES:
        raise ParseError(f"line of {len(line)} bytes is longer than the {MAX_DECODE_BYTES} cap")
    try:
        return loads(line)
    except DecodeError as error:
        # Codex may rewrite a record after a failed write: a torn line followed by a whole copy.
        restart = line.rfind(b'{"timestamp":')
        if restart > 0:
            try:
                return loads(line[restart:])
            except DecodeError:
                pass
        raise MalformedJSONError(error) from None


# Where a JSON decoder says it stopped, counted inside the text it was given: one log line.
@cache
def _decoder_position() -> re.Pattern[str]:
    return re.compile(r":? line 1 column (\d+) \(char \d+\)$")


def _within_line(message: str) -> str:
    """A decoder's message with its position said as a column of the log line: its "line 1"
    read as the file's first line, where nothing was wrong."""
    return _decoder_position().sub(r", at column \1 of the line", message)


def _meta(payload: dict[str, Any], ts: float | None, ordinal: int | None) -> MetaRecord:
    git = payload.get("git")
    source = payload.get("source")
    if isinstance(source, dict):
        source_text: str | None = "subagent" if "subagent" in source else next(iter(source), None)
    else:
        source_text = _text(source)
    start = _ordinal(payload.get("subagent_history_start_ordinal"))
    if start is None:
        start = _ordinal(payload.get("forked_from_ordinal_exclusive"))
    return MetaRecord(
        ts=ts,
        ordinal=ordinal,
        session_id=_text(payload.get("id")),
        started_at=parse_timestamp(payload.get("timestamp")) or ts,
        cwd=_shared_text(payload.get("cwd")),
        originator=_shared_text(payload.get("originator")),
        cli_version=_shared_text(payload.get("cli_version")),
        source=source_text,
        git_branch=_shared_text(git.get("branch")) if isinstance(git, dict) else None,
        forked_from_id=_text(payload.get("forked_from_id")),
        parent_thread_id=_text(payload.get("parent_thread_id")) or _spawn_parent(source),
        history_start_ordinal=start,
        repository_url=_text(git.get("repository_url")) if isinstance(git, dict) else None,
    )


#: Codex's service tiers as the API prices them: "fast" is Codex's name for priority.
_SERVICE_TIERS = {"priority": "priority", "fast": "priority", "flex": "flex"}


def service_tier(value: Any) -> str | None:
    """A service tier as the API prices it: ``priority``, ``flex``, or ``""`` (standard, and
    any name not known); None when no tier is named (the tier then stays as it was)."""
    if not isinstance(value, str):
        return None
    return _SERVICE_TIERS.get(value.strip().lower(), "")


def _spawn_parent(source: Any) -> str | None:
    """The parent thread of a sub-agent, where Codex writes it:
    ``source.subagent.thread_spawn.parent_thread_id``."""
    subagent = source.get("subagent") if isinstance(source, dict) else None
    spawn = subagent.get("thread_spawn") if isinstance(subagent, dict) else None
    return _text(spawn.get("parent_thread_id")) if isinstance(spawn, dict) else None


_Info = tuple[TokenUsage | None, TokenUsage | None, int | None]


def _info_parts(info: Any) -> _Info:
    """The total, the last response and the context window of a ``token_count`` info."""
    if not isinstance(info, dict):
        return None, None, None
    return (
        token_usage(info.get("total_token_usage")),
        token_usage(info.get("last_token_usage")),
        _optional_int(info.get("model_context_window")),
    )


def _token_count(payload: dict[str, Any], ts: float | None, ordinal: int | None) -> Record:
    total, last, window = _info_parts(payload.get("info"))
    return TokenCountRecord(
        ts=ts,
        ordinal=ordinal,
        total=total,
        last=last,
        context_window=window,
        limits=normalize_rate_limits(payload.get("rate_limits"), ts),
    )


# Token counts come in pairs that share a part: Codex logs new usage with the limits it knew,
# then a reading with the same usage. Each part is decoded once and remembered (by its bytes),
# for readers of the limits, which decode both lines of a pair. A reader of tokens only (the
# usage index) passes over such a repeat unparsed: a memo would only cost it a hash.
_MEMO_SIZE = 512
_info_memo: dict[bytes, _Info] = {}
_limits_memo: dict[bytes, LimitSnapshot | None] = {}


def _remember(memo: dict[bytes, Any], key: bytes, value: Any) -> None:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value


def _token_count_line(
    line: bytes, ts: float | None, ordinal: int | None, with_limits: bool = True
) -> Record | None:
    """A ``token_count`` line in Codex's usual layout, decoded part by part; None for any other
    layout (the caller then decodes the line whole). Without ``with_limits`` the rate limits
    are left out (not decoded)."""
    info_at = line.find(b',"info":', 0, PREFIX_BYTES)
    limits_at = line.rfind(b',"rate_limits":')
    if info_at < 0 or limits_at < info_at or not line.endswith(b"}}"):
        return None
    info_raw = line[info_at + 8 : limits_at]
    try:
        if with_limits:
            info = _info_memo.get(info_raw)
            if info is None:
                info = _info_parts(loads(info_raw))
                _remember(_info_memo, info_raw, info)
            limits_raw = line[limits_at + 15 : -2]
            if b'_seconds"' in limits_raw:
                limits = normalize_rate_limits(loads(limits_raw), ts)  # relative: not shared
            elif limits_raw in _limits_memo:
                limits = _limits_memo[limits_raw]
                if limits is not None and limits.observed_at != (ts or 0.0):
                    limits = limits.observed(ts if ts is not None else 0.0)
            else:
                limits = normalize_rate_limits(loads(limits_raw), ts)
                _remember(_limits_memo, limits_raw, limits)
        else:
            info = _info_parts(loads(info_raw))  # no memo: see ``_info_memo``
            limits = None
    except DecodeError:
        return None
    total, last, window = info
    return TokenCountRecord(ts, ordinal, total, last, window, limits)


def _event(payload: dict[str, Any], ts: float | None, ordinal: int | None) -> Record:
    kind = payload.get("type")
    if kind == "token_count":
        return _token_count(payload, ts, ordinal)
    if kind in ("task_started", "turn_started"):
        window = _optional_int(payload.get("model_context_window"))
        return TurnStartedRecord(ts, ordinal, window)
    if kind == "thread_settings_applied":
        settings = payload.get("thread_settings")
        settings = settings if isinstance(settings, dict) else {}
        return ContextRecord(
            ts,
            ordinal,
            _model_name(settings.get("model")),
            _text(settings.get("cwd")),
            settings=True,
            service_tier=service_tier(settings.get("service_tier")),
        )
    signal = _EVENT_SIGNALS.get(kind) if isinstance(kind, str) else None
    if kind == "agent_message":
        signal = Signal.COMMENTARY if payload.get("phase") == "commentary" else Signal.TURN_ENDED
    return SignalRecord(ts, ordinal, signal or Signal.OTHER)


_EVENT_SIGNALS = {
    "agent_reasoning": Signal.THINKING,
    "agent_reasoning_raw_content": Signal.THINKING,
    "user_message": Signal.THINKING,
    "task_complete": Signal.TURN_ENDED,
    "turn_complete": Signal.TURN_ENDED,
    "turn_aborted": Signal.TURN_ENDED,
    "item_completed": Signal.EFFECTIVE,
}


def _response_item(
    payload: dict[str, Any], ts: float | None, ordinal: int | None, exact: bool = True
) -> Record:
    # Imported here: the usage index decodes no tool call (a report need not load the
    # classifier's tables), the window's reader only its first time.
    from codex_presence_gui.core.activity import (
        COMMAND_NOT_CLASSIFIED,
        classify_command,
        classify_custom_tool_call,
        classify_tool_call,
    )

    kind = payload.get("type")
    call_id = _text(payload.get("call_id"))
    if kind == "reasoning":
        return SignalRecord(ts, ordinal, Signal.THINKING)
    if kind == "message":
        if payload.get("role") != "assistant":
            return SignalRecord(ts, ordinal, Signal.OTHER)
        phase = payload.get("phase")
        return SignalRecord(
            ts, ordinal, Signal.COMMENTARY if phase == "commentary" else Signal.TURN_ENDED
        )
    if kind == "function_call":
        name = _text(payload.get("name")) or ""
        return ToolCallRecord(
            ts, ordinal, call_id, classify_tool_call(name, payload.get("arguments"), exact=exact)
        )
    if kind == "custom_tool_call":
        name = _text(payload.get("name")) or ""
        return ToolCallRecord(
            ts, ordinal, call_id, classify_custom_tool_call(name, payload.get("input"))
        )
    if kind == "local_shell_call":
        action = payload.get("action")
        command = action.get("command") if isinstance(action, dict) else None
        if not exact:
            activity = COMMAND_NOT_CLASSIFIED
        elif isinstance(command, (list, str)) and command:
            activity = classify_command(command)
        else:
            activity = Activity(ActivityKind.RUNNING, None)
        return ToolCallRecord(ts, ordinal, call_id, activity)
    if kind == "web_search_call":
        return ToolCallRecord(ts, ordinal, None, Activity(ActivityKind.RUNNING, "web search"))
    if kind in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
        return ToolOutputRecord(ts, ordinal, call_id)
    return SignalRecord(ts, ordinal, Signal.OTHER)


def _from_document(document: Any, exact: bool = True) -> Record:
    """Interpret a fully decoded line (envelope or pre-envelope); ``exact``: see
    ``parse_line``."""
    if not isinstance(document, dict):
        raise ParseError("a log line must be a JSON object")
    payload = document.get("payload")
    kind = document.get("type")
    ts = parse_timestamp(document.get("timestamp"))
    ordinal = _ordinal(document.get("ordinal"))
    if isinstance(payload, dict) and isinstance(kind, str):
        if kind == "session_meta":
            return _meta(payload, ts, ordinal)
        if kind == "turn_context":
            return ContextRecord(
                ts, ordinal, _model_name(payload.get("model")), _shared_text(payload.get("cwd"))
            )
        if kind == "event_msg":
            return _event(payload, ts, ordinal)
        if kind == "response_item":
            return _response_item(payload, ts, ordinal, exact)
        if kind == "token_usage_record":
            return UsageRecord(
                ts,
                ordinal,
                token_usage(payload.get("usage")),
                token_usage(payload.get("thread_token_usage")),
            )
        return SignalRecord(ts, ordinal, Signal.OTHER)
    if kind is None and "id" in document and "timestamp" in document:
        # Pre-envelope header (Rust CLI before September 2025): no events, no usage.
        return _meta(document, ts, None)._replace(legacy=True)
    return SignalRecord(ts, ordinal, Signal.OTHER)


def _assistant_message(
    line: bytes, ts: float | None, ordinal: int | None, decode_small: bool
) -> Record | None:
    """Commentary or final answer, from the ``phase`` at the end of the line.

    ``event_msg/agent_message`` holds only strings besides its phase, so the phase found
    there is exact. A ``response_item/message`` has nested content: decode it when small.
    """
    if decode_small and len(line) <= SMALL_MESSAGE_BYTES:
        return None
    # The payload's own phase is its last key, so the last match is the one.
    phases = _phase().findall(line, max(len(line) - SUFFIX_SEARCH_BYTES, 0))
    commentary = bool(phases) and phases[-1] == b"commentary"
    return SignalRecord(ts, ordinal, Signal.COMMENTARY if commentary else Signal.TURN_ENDED)


def _cheap(line: bytes, head: re.Match[bytes], whole: bool = True) -> Record | None:
    """Records of big line types built from the line's first and last bytes, or None.

    ``whole`` is False when ``line`` is only the start and end of an over-long line.
    """
    outer, inner = head.group(3), head.group(4)
    ts = parse_timestamp(head.group(1).decode("ascii", "replace"))
    ordinal = int(head.group(2)) if head.group(2) else None
    if outer == b"response_item":
        if inner == b"reasoning":
            return SignalRecord(ts, ordinal, Signal.THINKING)
        if inner in (b"function_call_output", b"custom_tool_call_output"):
            match = _call_id().search(line, 0, PREFIX_BYTES)
            return (
                ToolOutputRecord(ts, ordinal, match.group(1).decode("utf-8", "replace"))
                if match
                else None
            )
        if inner == b"message":
            role = _role().search(line, 0, PREFIX_BYTES)
            if role is None:
                return None
            if role.group(1) != b"assistant":
                return SignalRecord(ts, ordinal, Signal.OTHER)
            return _assistant_message(line, ts, ordinal, decode_small=whole)
        if inner in (b"ghost_snapshot", b"compaction", b"image_generation_call"):
            return SignalRecord(ts, ordinal, Signal.OTHER)
        return None
    if outer == b"event_msg":
        if inner in (b"agent_reasoning", b"agent_reasoning_raw_content", b"user_message"):
            return SignalRecord(ts, ordinal, Signal.THINKING)
        if inner == b"item_completed":
            return SignalRecord(ts, ordinal, Signal.EFFECTIVE)
        if inner in (b"task_complete", b"turn_complete", b"turn_aborted"):
            return SignalRecord(ts, ordinal, Signal.TURN_ENDED)
        if inner == b"agent_message":
            return _assistant_message(line, ts, ordinal, decode_small=False)
        if inner in _DECODED_EVENTS or inner is None:
            return None
        return SignalRecord(ts, ordinal, Signal.OTHER)
    if outer in _DECODED_TYPES:
        return None
    return SignalRecord(ts, ordinal, Signal.OTHER)


_DECODED_EVENTS = frozenset(
    {
        b"token_count",
        b"task_started",
        b"turn_started",
        b"thread_settings_applied",
    }
)
_DECODED_TYPES = frozenset(
    {b"session_meta", b"turn_context", b"event_msg", b"response_item", b"token_usage_record"}
)


def parse_line(line: bytes, *, limits: bool = True, exact_calls: bool = True) -> Record:
    """Parse one complete line (without its LF) into a record (without ``limits``, a
    ``token_count`` line in the usual layout comes without its rate limits: faster, for
    readers that count tokens only; without ``exact_calls``, a shell command's call is a
    working activity without its kind and target worked out, ``COMMAND_NOT_CLASSIFIED``: for
    calls a later one overrides).

    Raises:
        ParseError: the line is not a JSON object, or is longer than the decode cap.
    """
    try:
        starts = line[:1] == b"{"  # as a log's lines do: no search for one then
        if not starts and b"{" not in line:
            # Refused at once, the message left for when it is read (see NoObjectError).
            raise NoObjectError(line)
        head = _ENVELOPE.match(line, 0, PREFIX_BYTES) if starts else None
        # A second envelope start means a torn write followed by a whole record: decode it
        # (JSON strings cannot hold this text unescaped, so tool outputs never trigger it).
        if head is not None and line.find(b'{"timestamp":', 1) < 0:
            stamp, digits, outer, inner = head.groups()
            if inner == b"token_count" and outer == b"event_msg":
                ts = parse_timestamp(stamp.decode("ascii", "replace"))
                ordinal = int(digits) if digits else None
                record = _token_count_line(line, ts, ordinal, limits)
            else:
                record = _cheap(line, head)
            if record is not None:
                return record
        return _from_document(_decode(line), exact_calls)
    except ParseError:
        raise
    except Exception as error:  # a reader must never crash on a hostile line
        raise ParseError(_unusable(error)) from None


def _unusable(error: Exception) -> str:
    return f"unusable line: {type(error).__name__}: {error}"


def parse_long_line(prefix: bytes, suffix: bytes, length: int) -> Record:
    """Interpret a line longer than the cap from its first and last bytes only.

    Args:
        prefix: the line's first ``PREFIX_BYTES`` bytes.
        suffix: the line's last bytes (at least 64).
        length: the line's full length, for the message.

    Raises:
        ParseError: the line's type needs its whole content, which was not kept.
    """
    head = _ENVELOPE.match(prefix, 0, PREFIX_BYTES)
    record = _cheap(prefix[:PREFIX_BYTES] + suffix, head, whole=False) if head else None
    if record is None:
        raise ParseError(f"line of {length} bytes is longer than the {MAX_DECODE_BYTES} cap")
    return record


# --- Byte-level predicates -------------------------------------------------------------------
# The readers search raw bytes to avoid splitting and decoding the lines they do not need. What
# those bytes look like is the format's business, so the needles live here, behind names.

#: A line's envelope type is within this many bytes of its start (Codex's key order).
_TYPE_WINDOW = 160
#: What the two usage envelope types start with: one pass over the bytes finds either.
USAGE_NEEDLE = b'"token_'
_USAGE_TYPES = (b'"token_count"', b'"token_usage_record"')


@cache
def _line_timestamp() -> re.Pattern[bytes]:
    return re.compile(rb'\{"timestamp":"([^"]{10,64})"')


#: Bytes at a line's start that hold its timestamp.
TIMESTAMP_PROBE_BYTES = 100


_USAGE_LEDGER_TYPES = (
    rb"(?:token_count|token_usage_record|turn_context|thread_settings_applied|session_meta)\""
)
#: An envelope line the usage ledger never decodes, known from its first bytes: any type but
#: usage, the model (turn context, thread settings) and the header, at the top or inside an
#: ``event_msg``. A line in another layout does not match (it is decoded, to be safe). Either
#: type's name must end in its quote: a record torn within it and followed by Codex's whole
#: copy (``"type":"tok{"timestamp":…``) is decoded, and the parser reads the copy.
_NOT_FOR_USAGE = re.compile(
    rb'\{"timestamp":"[^"]{0,64}",(?:"ordinal":\d{1,19},)?"type":"'
    rb'(?:event_msg","payload":\{"type":"(?!' + _USAGE_LEDGER_TYPES + rb')[A-Za-z_]{1,64}"'
    rb'|(?!event_msg"|' + _USAGE_LEDGER_TYPES + rb')[A-Za-z_]{1,64}")'
)
#: ``not_for_usage(data, start, end)`` is not None for such a line in ``data[start:end]``
#: (a pattern's ``match``: the line splitter asks it before copying a line out of its block).
not_for_usage = _NOT_FOR_USAGE.match


def matters_for_usage(line: bytes) -> bool:
    """A line the usage ledger must decode: usage, the model (turn context, thread settings)
    or the header; or a line not in the envelope layout (decoded to be safe)."""
    return _NOT_FOR_USAGE.match(line) is None


# What a line must hold to be read as usage, a model, or a header, when it is not in the
# envelope layout (or a ``\u`` escape, which could spell any of them).
@cache
def _ledger_word() -> re.Pattern[bytes]:
    return re.compile(rb'token_|turn_context|thread_settings|session_meta|"timestamp"|"id"|\\u')


def names_nothing_for_usage(line: bytes) -> bool:
    """A line that holds none of what the usage ledger reads (any record it decodes to is
    an activity signal, without even a time): a damaged or foreign log's ``{}`` lines."""
    return _ledger_word().search(line) is None


def refusal(line: bytes) -> ParseError | None:
    """For a line that ``names_nothing_for_usage``: None when it is a JSON object, else what
    ``parse_line`` raises for it, from one decode (a damaged log's lines were decoded twice:
    to tell them, then to count them). Such a line holds no ``"timestamp"``, so no torn
    record's restart, and the parser decodes it whole as this does."""
    if b"{" not in line:
        return NoObjectError(line)  # no object: and no decoder's error made for an "x"
    if len(line) > MAX_DECODE_BYTES:
        return ParseError(f"line of {len(line)} bytes is longer than the {MAX_DECODE_BYTES} cap")
    try:
        document = loads(line)
    except DecodeError as error:
        return MalformedJSONError(error)
    except Exception as error:  # as parse_line says it
        return ParseError(_unusable(error))
    return None if isinstance(document, dict) else ParseError("a log line must be a JSON object")


def is_header_line(line: bytes, index: int) -> bool:
    """A leading ``session_meta`` line (a fork copies its parent's as line 2), or a
    pre-envelope header as the first line."""
    return b'"session_meta"' in line[:200] or (index == 0 and line.startswith(b'{"id"'))


def is_usage_hit(data: bytes, position: int, line_start: int) -> bool:
    """A hit of ``USAGE_NEEDLE`` at ``position`` that is the envelope's own type (a
    ``token_count`` or ``token_usage_record`` line), not text inside a tool's output."""
    return position - line_start < _TYPE_WINDOW and data.startswith(_USAGE_TYPES, position)


#: The types of the lines that name the model (a turn's context, the thread's settings), as
#: they are written: a search of a file's bytes for the last of them finds the model in force.
CONTEXT_NEEDLES = (b'"type":"turn_context"', b'"type":"thread_settings_applied"')


def is_own_type(position: int, line_start: int) -> bool:
    """Whether a needle's hit at ``position``, in the line starting at ``line_start``, is
    where the line's own type is written (further in, it is text in its payload)."""
    return position - line_start < _TYPE_WINDOW


def is_token_count_line(line: bytes) -> bool:
    """An ``event_msg`` of type ``token_count``."""
    return line.find(b'"type":"token_count"', 0, _TYPE_WINDOW) >= 0


def is_turn_context_line(line: bytes) -> bool:
    """A ``turn_context`` line (it names the model)."""
    return line.find(b'"type":"turn_context"', 0, _TYPE_WINDOW) >= 0


def turn_context_key(line: bytes) -> bytes | None:
    """For a ``turn_context`` line in the usual layout: its bytes without the timestamp and
    the turn id, which the next turn's line repeats when no setting changed; None otherwise."""
    kind = line.find(b'","type":"turn_context","payload":{', 0, _TYPE_WINDOW)
    if kind < 0 or not line.startswith(b'{"timestamp":"'):
        return None
    turn = line.find(b'"turn_id":"', kind, kind + _TYPE_WINDOW)
    if turn < 0:
        return line[kind:]
    value_end = line.find(b'"', turn + 11)
    return line[kind:turn] + line[value_end:] if value_end >= 0 else None


def token_info_bytes(line: bytes) -> bytes | None:
    """For a ``token_count`` line in the usual layout: its usage bytes, which a re-emission of
    the same usage with fresher limits repeats; None otherwise."""
    info = line.find(b'"info":')
    limits = line.find(b',"rate_limits":', info)
    return line[info:limits] if info >= 0 and limits >= 0 else None


def has_token_info(line: bytes) -> bool:
    """A usage line with its ``info`` object (not a limits-only line)."""
    return b'"info":{' in line


@cache
def _plain_count() -> re.Pattern[bytes]:
    return re.compile(
        rb'\{"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)",'
        rb'"type":"event_msg","payload":\{"type":"token_count","info":'
    )


def plain_token_count(line: bytes) -> tuple[bytes, bytes | None] | None:
    """For a ``token_count`` line in Codex's own layout, one record (no torn copy), its time
    stamped as Codex stamps it: that time's text (in the same layout, the texts sort as the
    times do) and the limit bucket its reading names (``b""``: none named, ``codex``; None: no
    ``rate_limits``). None for any other line, or a layout the bytes cannot tell it from."""
    head = _plain_count().match(line)
    if head is None or not line.endswith(b"}}") or line.find(b'{"timestamp"', 1) >= 0:
        return None
    limits = line.rfind(b',"rate_limits":')
    if limits < 0:
        return None
    value = limits + 15
    if line.startswith(b"null}}", value) and len(line) == value + 6:
        return head.group(1), None
    if not line.startswith(b'{"limit_id":"', value):
        return None
    end = line.find(b'"', value + 13)
    bucket = line[value + 13 : end]
    if end < 0 or b"\\" in bucket:
        return None
    return head.group(1), bucket


@cache
def _plain_call() -> re.Pattern[bytes]:
    return re.compile(
        rb'\{"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)",'
        rb'"type":"response_item","payload":\{"type":"'
        rb'(function_call|custom_tool_call|function_call_output|custom_tool_call_output)"'
    )


def plain_call(line: bytes) -> tuple[bytes, str, bool] | None:
    """For a tool call's line (a function's or a custom tool's) or its output's, in Codex's own
    layout, one record (no torn copy), its time stamped as Codex stamps it: that time's text
    (see ``plain_token_count``), the call id (as the parser reads it) and whether it is the
    output. None for any other line, or one whose id the bytes cannot tell."""
    head = _plain_call().match(line)
    if head is None or line.find(b'{"timestamp"', 1) >= 0:
        return None
    output = head.group(2).endswith(b"_output")
    # An output's id is read from its first bytes (see ``_cheap``); a call's is its only
    # ``call_id`` key (a quote in its arguments or input is escaped).
    found = _call_id().search(line, 0, PREFIX_BYTES) if output else _call_id().search(line)
    if found is None:
        return None
    return head.group(1), found.group(1).decode("utf-8", "replace"), output


def line_timestamp(head: bytes) -> float | None:
    """The time of a line from its first ``TIMESTAMP_PROBE_BYTES`` bytes (None: none there)."""
    match = _line_timestamp().match(head)
    return parse_timestamp(match.group(1).decode("ascii")) if match else None
