"""Immutable values the core hands to every other layer: tokens, limits, activity, snapshots.

Times are Unix seconds (UTC, float) throughout; formatting to local time happens at display.
The values are named tuples, not dataclasses: importing dataclasses (with inspect) and making
these classes took 15 ms, half of what a ``report`` after a small append adds to a repeat.
Change one with ``_replace``.
"""

from __future__ import annotations

import enum

from codex_presence_gui.core.records import NamedTuple

TYPE_CHECKING = False  # pathlib is not imported at run time: see records
if TYPE_CHECKING:
    from pathlib import Path

#: A rate-limit reading older than this is "stale" (Codex `/status` uses the same 15 minutes).
STALE_AFTER_SECONDS = 15 * 60

#: Codex reserves this many tokens of every context window for its own use (`/status` formula).
CONTEXT_BASELINE_TOKENS = 12_000

#: Known window lengths in minutes and their names; a length within 5 % takes the name.
_KNOWN_WINDOWS: tuple[tuple[int, str], ...] = (
    (300, "5h"),
    (1440, "daily"),
    (10080, "weekly"),
    (43200, "monthly"),
    (525600, "annual"),
)
_WINDOW_TOLERANCE = 0.05


def canonical_window_minutes(minutes: int | None) -> int | None:
    """Return the known window length within ±5 % of ``minutes`` (299 → 300), else ``minutes``."""
    if minutes is None:
        return None
    for known, _name in _KNOWN_WINDOWS:
        if abs(minutes - known) <= known * _WINDOW_TOLERANCE:
            return known
    return minutes


def duration_label(minutes: int) -> str:
    """Short duration text for a window length: 300 → ``5h``, 10080 → ``7d``, 90 → ``90m``."""
    minutes = canonical_window_minutes(minutes) or minutes
    if minutes > 0 and minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes > 0 and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def window_name(minutes: int | None, slot: str = "primary") -> str:
    """Name a window by its length, as Codex `/status` does: ``5h``, ``weekly``, ``monthly``.

    The slot (primary/secondary) is used only when the length is unknown; weekly-only accounts
    send their weekly window as ``primary``, so the position must never decide the name.
    """
    if minutes is not None and minutes > 0:
        for known, name in _KNOWN_WINDOWS:
            if abs(minutes - known) <= known * _WINDOW_TOLERANCE:
                return name
        return duration_label(minutes)
    return "secondary usage" if slot == "secondary" else "usage"


def clamp_percent(value: float) -> float:
    """Clamp a percentage into 0..100."""
    return min(max(value, 0.0), 100.0)


class TokenUsage(NamedTuple):
    """A Codex ``TokenUsage``: ``input`` includes ``cached_input``, ``output`` the reasoning."""

    input: int = 0
    cached_input: int = 0
    output: int = 0
    reasoning_output: int = 0
    total: int = 0

    @property
    def non_cached_input(self) -> int:
        """Input tokens that were not served from the cache."""
        uncached = self.input - self.cached_input
        return uncached if uncached > 0 else 0  # not max(): twice for every call folded

    @property
    def blended_total(self) -> int:
        """The "total" of Codex `/status`: non-cached input plus output."""
        return self.non_cached_input + self.output


class UsageWindow(NamedTuple):
    """One rate-limit window as Codex reported it, with remaining-capacity semantics.

    Attributes:
        window_minutes: length of the window, or None when Codex did not say.
        used_percent: percent used as reported (may be outside 0..100 in hostile input).
        resets_at: Unix seconds of the reset, or None when unknown.
        slot: where the window came from (``primary``, ``secondary`` or ``window``).
    """

    window_minutes: int | None
    used_percent: float
    resets_at: float | None
    slot: str = "primary"

    @property
    def name(self) -> str:
        """Lower-case name from the window length: ``5h``, ``weekly``, ``monthly``, ``usage``."""
        return window_name(self.window_minutes, self.slot)

    @property
    def label(self) -> str:
        """Display label: ``5h``, ``Weekly``, ``Monthly``, ``Usage``."""
        name = self.name
        return name[:1].upper() + name[1:]

    @property
    def short_label(self) -> str:
        """Compact label for small surfaces (Discord, tray): ``5h``, ``7d``."""
        if self.window_minutes is None or self.window_minutes <= 0:
            return self.label
        return duration_label(self.window_minutes)

    @property
    def remaining_percent(self) -> float:
        """Capacity left, ``100 − used`` clamped to 0..100 (what Codex displays)."""
        return clamp_percent(100.0 - clamp_percent(self.used_percent))

    def is_past_reset(self, now: float) -> bool:
        """True once the reset time has passed: the reading no longer describes the window."""
        return self.resets_at is not None and now > self.resets_at

    def seconds_until_reset(self, now: float) -> float | None:
        """Seconds left until the reset (0 once passed), or None when unknown."""
        if self.resets_at is None:
            return None
        return max(self.resets_at - now, 0.0)


class Credits(NamedTuple):
    """Credit balance reported with the limits (R4 and later)."""

    has_credits: bool
    unlimited: bool
    balance: str | None


def bucket_preference(limit_id: str) -> int:
    """Rank a ``limit_id``: account 4, individual 3, model-specific ``codex_*`` 2, other 1."""
    lowered = limit_id.lower()
    if lowered in ("codex", "global", "global_account"):
        return 4
    if lowered in ("account", "individual", "individual_account"):
        return 3
    if lowered.startswith("codex_"):
        return 2
    return 1


class ReadingKind(enum.Enum):
    """What else the ``token_count`` line that carried a reading said about usage.

    A rise of the limits next to ``LIMIT_ONLY`` or ``REPEAT`` readings is still local activity:
    a request was made (its headers carried the reading), it just reported no new tokens.
    """

    USAGE = "usage"  # the line also added new usage (a response completed)
    REPEAT = "repeat"  # the same running total again: a request's headers, between responses
    LIMIT_ONLY = "limit_only"  # no usage info at all: a failed call, a compaction, a first request


class LimitSnapshot(NamedTuple):
    """The newest non-empty rate-limit reading of one bucket (``limit_id``).

    Attributes:
        observed_at: Unix seconds of the log line that carried the reading (a time in the
            future is not trusted: it is replaced by the last trusted time of that file).
        windows: the bucket's windows, in the order Codex listed them.
        reading: what the carrying line said about usage (None until a session folds it).
        source_session_id: the session whose log carried the reading (None until folded).
    """

    limit_id: str
    limit_name: str | None
    plan_type: str | None
    observed_at: float
    windows: tuple[UsageWindow, ...]
    credits: Credits | None = None
    reached_type: str | None = None
    # Set when a session folds the reading (not part of the reading's value, hence left out
    # of ``==`` and the hash): which kind of line carried it, and the session whose log it
    # came from.
    reading: ReadingKind | None = None
    source_session_id: str | None = None

    def __eq__(self, other: object) -> bool:
        if type(other) is not LimitSnapshot:
            return NotImplemented
        return self[:_READING_FIELDS] == other[:_READING_FIELDS]

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:_READING_FIELDS])

    def observed(self, at: float) -> LimitSnapshot:
        """The same reading dated ``at`` (built directly: ``_replace`` is slower, and this runs
        for each reading line)."""
        return LimitSnapshot(
            self.limit_id,
            self.limit_name,
            self.plan_type,
            at,
            self.windows,
            self.credits,
            self.reached_type,
            self.reading,
            self.source_session_id,
        )

    def folded(self, reading: ReadingKind, source_session_id: str) -> LimitSnapshot:
        """The same reading as a session folded it: what its line said, and whose it is."""
        return LimitSnapshot(
            self.limit_id,
            self.limit_name,
            self.plan_type,
            self.observed_at,
            self.windows,
            self.credits,
            self.reached_type,
            reading,
            source_session_id,
        )

    def is_stale(self, now: float) -> bool:
        """True when the reading is older than 15 minutes."""
        return now - self.observed_at > STALE_AFTER_SECONDS

    @property
    def is_account_bucket(self) -> bool:
        """True for the account-wide ``codex`` bucket."""
        return bucket_preference(self.limit_id) == 4

    @property
    def display_name(self) -> str:
        """Name of the bucket for extra rows: its ``limit_name``, else its id, with what would
        not show escaped (``shown_key``): a name from the logs, drawn as it is, and one of
        two buckets that could otherwise read the same."""
        from codex_presence_gui.core.sanitize import shown_key

        return shown_key(self.limit_name or self.limit_id)


#: The fields of a ``LimitSnapshot`` that make its value (before ``reading``).
_READING_FIELDS = 7


class ContextUsage(NamedTuple):
    """How full the model's context window is, computed as Codex `/status` does."""

    used_tokens: int
    window_tokens: int

    @property
    def left_percent(self) -> int:
        """Percent of the context left, after Codex's 12,000-token baseline (rounded half up)."""
        if self.window_tokens <= CONTEXT_BASELINE_TOKENS:
            return 0
        effective = self.window_tokens - CONTEXT_BASELINE_TOKENS
        used = max(self.used_tokens - CONTEXT_BASELINE_TOKENS, 0)
        fraction = min(max((effective - used) / effective, 0.0), 1.0)
        return int(fraction * 100 + 0.5)


class ActivityKind(enum.Enum):
    """What a session is doing, as far as its log tells."""

    THINKING = "thinking"
    READING = "reading"
    EDITING = "editing"
    RUNNING = "running"
    WAITING = "waiting"
    IDLE = "idle"

    @property
    def label(self) -> str:
        """Plain-words label for the window and the card."""
        return _ACTIVITY_LABELS[self]

    @property
    def is_working(self) -> bool:
        """True while Codex works (thinking, reading, editing, running)."""
        return self in _WORKING_KINDS

    @property
    def priority(self) -> int:
        """Ranking weight: working 3, waiting 2, idle 1."""
        if self.is_working:
            return 3
        return 2 if self is ActivityKind.WAITING else 1


_ACTIVITY_LABELS = {
    ActivityKind.THINKING: "Thinking",
    ActivityKind.READING: "Reading",
    ActivityKind.EDITING: "Editing",
    ActivityKind.RUNNING: "Running command",
    ActivityKind.WAITING: "Waiting for input",
    ActivityKind.IDLE: "Idle",
}
_WORKING_KINDS = frozenset(
    {ActivityKind.THINKING, ActivityKind.READING, ActivityKind.EDITING, ActivityKind.RUNNING}
)


class Activity(NamedTuple):
    """A session's current activity; ``target`` is a file basename or a command word, never more."""

    kind: ActivityKind
    target: str | None = None

    @property
    def text(self) -> str:
        """``Editing app.py``, ``Running cargo test``, ``Thinking``."""
        if not self.target:
            return self.kind.label
        label = "Running" if self.kind is ActivityKind.RUNNING else self.kind.label
        return f"{label} {self.target}"


class CodexSessionSnapshot(NamedTuple):
    """Everything known about one Codex session at one moment; safe to share across threads.

    Token triplet: ``session_delta_tokens`` (this update: difference of the last two distinct
    totals), ``last_turn_tokens`` (the last model response) and ``session_total_tokens``.
    ``inherited_tokens`` is the part of the total copied from a parent thread (forks, sub-agents).
    """

    session_id: str
    file: Path
    cwd: str
    project: str
    git_branch: str | None = None
    model: str | None = None
    originator: str | None = None
    surface: str = "unknown"
    cli_version: str | None = None
    started_at: float | None = None
    last_activity_at: float | None = None
    session_total_tokens: int | None = None
    last_turn_tokens: int | None = None
    session_delta_tokens: int | None = None
    last_token_event_at: float | None = None
    tokens: TokenUsage | None = None
    last_tokens: TokenUsage | None = None
    context: ContextUsage | None = None
    limits: LimitSnapshot | None = None
    limit_buckets: tuple[LimitSnapshot, ...] = ()
    activity: Activity | None = None
    pending_calls: int = 0
    recency: float = 0.0
    file_mtime: float = 0.0
    inherited_tokens: int = 0
    parent_session_id: str | None = None
    bad_lines: int = 0
    skipped_long_lines: int = 0
    warnings: tuple[str, ...] = ()
