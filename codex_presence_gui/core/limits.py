"""Normalise every historical ``rate_limits`` shape (R0 to R6) into one ``LimitSnapshot``."""

from __future__ import annotations

import math

from codex_presence_gui.core.models import Credits, LimitSnapshot, UsageWindow, bucket_preference

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

#: Reset times beyond this are nonsense (year 2400); treat them as unknown.
_MAX_EPOCH = 13_569_465_600.0
#: Window lengths beyond ten years are nonsense; treat them as unknown.
_MAX_WINDOW_MINUTES = 10 * 525_600
#: How much later than a whole window after its line a reset may fall and still be read: a
#: machine's clock a day behind the server's (see ``_possible``).
RESET_SLACK_S = 86_400.0
DEFAULT_LIMIT_ID = "codex"
#: Readings of one window whose reset times differ by up to this much are the same window
#: (Codex's ``resets_at`` jitters by 1-3 s; the server may also move a reset a little).
RESET_TOLERANCE_S = 120


def finite_number(value: Any) -> float | None:
    """Return ``value`` as a finite float, or None for bools, strings, NaN and infinities."""
    kind = type(value)  # exact types: bool is not a number here
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return None
    return None


def _minutes(value: Any) -> int | None:
    number = finite_number(value)
    if number is None or number <= 0 or number > _MAX_WINDOW_MINUTES:
        return None
    return round(number) or None  # under half a minute is no window either (as 0 is)


def _epoch(value: Any) -> float | None:
    number = finite_number(value)
    if number is None or number <= 0 or number > _MAX_EPOCH:
        return None
    return number


def _relative_reset(seconds: Any, line_ts: float | None) -> float | None:
    number = finite_number(seconds)
    if number is None or line_ts is None or number < 0:
        return None
    return _epoch(line_ts + number)


def _window(raw: Any, slot: str, line_ts: float | None) -> UsageWindow | None:
    """One nested window (R2..R6 or a ``windows`` entry); None when it carries no usage."""
    if not isinstance(raw, dict):
        return None
    # The shape of every current line, checked in one go (the general path below is slower).
    used, resets, minutes = raw.get("used_percent"), raw.get("resets_at"), raw.get("window_minutes")
    if (
        (type(used) is float or type(used) is int)
        and -1e12 < used < 1e12  # finite (NaN fails every comparison)
        and type(resets) is int
        and 0 < resets <= _MAX_EPOCH
        and type(minutes) is int
        and 0 < minutes <= _MAX_WINDOW_MINUTES
    ):
        return UsageWindow(minutes, float(used), _possible(float(resets), minutes, line_ts), slot)
    used = finite_number(raw.get("used_percent"))
    if used is None:
        # Tolerate a remaining-only window rather than inventing a value.
        remaining = finite_number(raw.get("remaining_percent"))
        if remaining is None:
            return None
        used = 100.0 - remaining
    resets_at = _epoch(raw.get("resets_at"))
    if resets_at is None:
        resets_at = _epoch(raw.get("reset_at"))
    if resets_at is None:
        # R2: relative to the timestamp of the line that carried it.
        resets_at = _relative_reset(raw.get("resets_in_seconds"), line_ts)
    minutes = raw.get("window_minutes")
    if minutes is None:
        minutes = raw.get("windowDurationMins")
    window_minutes = _minutes(minutes)
    if not used and window_minutes is None and resets_at is None:
        # Nothing used, of no known length, resetting at no known time: Codex drops such a
        # window from the headers (it is a default, not a reading), so /status never shows
        # it. Kept, it had replaced a good reading with "Usage limit 100% left".
        return None
    return UsageWindow(
        window_minutes=window_minutes,
        used_percent=used,
        resets_at=_possible(resets_at, window_minutes, line_ts),
        slot=slot,
    )


def _possible(resets_at: float | None, minutes: int | None, line_ts: float | None) -> float | None:
    """``resets_at``, or None (not known) where it cannot be: later than a whole window
    (and ``RESET_SLACK_S`` for a machine clock behind the server's) after the line that
    carried it. One reading "resetting" in ten years had held the panel on it for the 7 days
    of the history: every later reading, of a sooner reset, was taken for a late one."""
    if resets_at is None or minutes is None or line_ts is None:
        return resets_at
    if resets_at - line_ts > minutes * 60 + RESET_SLACK_S:
        return None
    return resets_at


def _flat_windows(raw: dict[str, Any], line_ts: float | None) -> list[UsageWindow]:
    """R1: ``primary_used_percent`` etc.; early builds said ``weekly_*`` for the secondary."""
    windows = []
    for slot, prefixes in (("primary", ("primary",)), ("secondary", ("secondary", "weekly"))):
        for prefix in prefixes:
            used = finite_number(raw.get(f"{prefix}_used_percent"))
            if used is None:
                continue
            windows.append(
                UsageWindow(
                    window_minutes=_minutes(raw.get(f"{prefix}_window_minutes")),
                    used_percent=used,
                    resets_at=_relative_reset(raw.get(f"{prefix}_reset_after_seconds"), line_ts),
                    slot=slot,
                )
            )
            break
    return windows


def _credits(raw: Any) -> Credits | None:
    if not isinstance(raw, dict):
        return None
    balance = raw.get("balance")
    if isinstance(balance, bool) or not isinstance(balance, (str, int, float)):
        balance_text = None
    else:
        balance_text = str(balance)
    has_credits = raw.get("has_credits")
    if not isinstance(has_credits, bool):
        has_credits = balance_text not in (None, "", "0")
    return Credits(
        has_credits=has_credits,
        unlimited=raw.get("unlimited") is True,
        balance=balance_text,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


#: The most windows read from one bucket's ``windows`` list (Codex lists two: 5h and weekly).
MAX_LISTED_WINDOWS = 4


def normalize_rate_limits(raw: Any, line_ts: float | None) -> LimitSnapshot | None:
    """Turn a ``rate_limits`` object of any era into a snapshot, or None when it has no window.

    A snapshot without a window means "no data" (Codex writes such defaults for local models)
    and must never replace an earlier good reading, hence None.

    Args:
        raw: the ``rate_limits`` value of a ``token_count`` payload.
        line_ts: Unix seconds of the log line; R1/R2 reset times are relative to it.
    """
    if not isinstance(raw, dict):
        return None
    windows: list[UsageWindow] = []
    listed = raw.get("windows")
    if isinstance(listed, list):
        lengths: set[int | None] = set()
        for item in listed:
            window = _window(item, "secondary" if windows else "primary", line_ts)
            # One window of each length, the first listed: a line listing one window 500
            # times had made a window 24,000 px tall and a title of 500 limits.
            if window is not None and window.window_minutes not in lengths:
                lengths.add(window.window_minutes)
                windows.append(window)
                if len(windows) == MAX_LISTED_WINDOWS:
                    break
    if not windows:
        for slot in ("primary", "secondary"):
            window = _window(raw.get(slot), slot, line_ts)
            if window is not None:
                windows.append(window)
    if not windows:
        windows = _flat_windows(raw, line_ts)
    if not windows:
        return None
    return LimitSnapshot(
        limit_id=_text(raw.get("limit_id")) or DEFAULT_LIMIT_ID,
        limit_name=_text(raw.get("limit_name")),
        plan_type=_text(raw.get("plan_type")),
        observed_at=line_ts if line_ts is not None else 0.0,
        windows=tuple(windows),
        credits=_credits(raw.get("credits")),
        reached_type=_text(raw.get("rate_limit_reached_type")),
    )


def preferred_bucket(buckets: Iterable[LimitSnapshot]) -> LimitSnapshot | None:
    """The bucket to show as "the account's limits": account bucket first, then the newest."""
    best: LimitSnapshot | None = None
    for bucket in buckets:
        if best is None or (bucket_preference(bucket.limit_id), bucket.observed_at) > (
            bucket_preference(best.limit_id),
            best.observed_at,
        ):
            best = bucket
    return best
