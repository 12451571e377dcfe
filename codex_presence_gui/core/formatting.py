"""Display text that matches Codex ``/status``: percentages, compact tokens, resets, ages."""

from __future__ import annotations

import enum
import math
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from codex_presence_gui.core.sanitize import NO_VALUE

if TYPE_CHECKING:
    from codex_presence_gui.core.dashboard import SessionShare
    from codex_presence_gui.core.insights import WindowInsight
    from codex_presence_gui.core.models import (
        CodexSessionSnapshot,
        LimitSnapshot,
        TokenUsage,
        UsageWindow,
    )

BAR_CELLS = 20


#: A space and a hyphen that a line is not broken at, for texts that must read as one
#: ("Thu 04:11", "genai-prices 0.2.3") where the text around them wraps.
NO_BREAK_SPACE = "\N{NO-BREAK SPACE}"
NO_BREAK_HYPHEN = "\N{NON-BREAKING HYPHEN}"


def unbroken(name: str) -> str:
    """``name`` kept on one line where the text around it wraps: "genai-prices 0.2.3" had read
    "genai-" / "prices 0.2.3", and "--codex-home" "--" / "codex-home"."""
    return name.replace("-", NO_BREAK_HYPHEN).replace(" ", NO_BREAK_SPACE)


def format_percent_left(remaining: float) -> str:
    """``77% left``; halves round to even (87.5 → 88, 12.5 → 12), as Codex's ``{:.0}``."""
    return f"{remaining:.0f}% left"


def bar_cells(remaining: float, cells: int = BAR_CELLS) -> int:
    """Filled cells of a remaining-capacity bar (halves round away from zero); an empty bar
    for a value that is not a number (``math.floor`` raises on NaN and infinities)."""
    if not math.isfinite(remaining):
        return 0
    return min(max(math.floor(remaining / 100 * cells + 0.5), 0), cells)


def text_bar(remaining: float, cells: int = BAR_CELLS) -> str:
    """``[███████████████░░░░░]`` for the terminal."""
    filled = bar_cells(remaining, cells)
    return "[" + "█" * filled + "░" * (cells - filled) + "]"


def format_tokens_compact(value: int | None, *, trailing_zeros: bool = False) -> str:
    """``52.4K``, ``1.18K``, ``258K``, ``999``: Codex's ``format_tokens_compact``, but never
    ``1000K``. With ``trailing_zeros``, three digits always (``1.80M``, not ``1.8M``), for
    columns of numbers."""
    if value is None:
        return NO_VALUE
    if value < 1000:
        return str(max(value, 0))
    if value >= 999_500_000_000_000:
        # Past what any session can use, and past what a float holds for the largest ints:
        # said as a bound rather than raising OverflowError in the middle of the output.
        return ">999T"
    scaled = float(value)
    suffix = ""
    for unit in ("K", "M", "B", "T"):
        # 999.5 and up would round to "1000": said in the next unit ("1M", not "1000K", where
        # Codex's own function stops at the unit's bound).
        if scaled < 999.5 and suffix:
            break
        scaled /= 1000
        suffix = unit
    # Codex's own bounds (9.996 is "10K" once its zeros go); in a column, three digits
    # always: "10.0K", not "10.00K".
    tens, hundreds = (9.995, 99.95) if trailing_zeros else (10, 100)
    if scaled < tens:
        text = f"{scaled:.2f}"
    elif scaled < hundreds:
        text = f"{scaled:.1f}"
    else:
        text = f"{scaled:.0f}"
    if "." in text and not trailing_zeros:
        text = text.rstrip("0").rstrip(".")
    return text + suffix


#: The words screen readers are given for ``format_tokens_compact``'s units: "26.4K" is read
#: "twenty-six point four K" (by eSpeak, "kelvin" by some), "1.2M" "one point two M".
_UNITS_SPOKEN = {"K": "thousand", "M": "million", "B": "billion", "T": "trillion"}


def compact_spoken(text: str) -> str:
    """A count as ``format_tokens_compact`` writes it, in the words a screen reader should
    say: ``26.4 thousand`` for ``26.4K``, ``more than 999 trillion`` for ``>999T``, and an
    amount so written too (``$1.39 million``); any other text as it is."""
    bound = text.startswith(">")
    rest = text.removeprefix(">")
    dollars = rest.startswith("$")
    number, unit = rest.removeprefix("$")[:-1], rest[-1:]
    if unit not in _UNITS_SPOKEN or not number.replace(".", "", 1).isdigit():
        return text
    said = f"{'$' if dollars else ''}{number} {_UNITS_SPOKEN[unit]}"
    return f"more than {said}" if bound else said


def token_triplet_text(delta: int | None, last: int | None, total: int | None) -> str:
    """``1.2K | 3.4K | 52.4K`` (this update | last response | session total)."""
    if delta is None and last is None and total is None:
        return "none yet"  # no response has reported its tokens (a session just started)
    return " | ".join(format_tokens_compact(v) for v in (delta, last, total))


def token_triplet_spoken(delta: int | None, last: int | None, total: int | None) -> str:
    """``token_triplet_text`` as a screen reader says it: ``this update 1.2 thousand, last
    response 3.4 thousand, session total 52.4 thousand`` (the bars between the numbers are
    read out as "vertical line", and which number is which is said only in the column's
    title)."""
    if delta is None and last is None and total is None:
        return token_triplet_text(delta, last, total)
    words = ("this update", "last response", "session total")
    parts = zip(words, (delta, last, total), strict=True)
    return ", ".join(
        f"{said} {'not known' if value is None else compact_spoken(format_tokens_compact(value))}"
        for said, value in parts
    )


def model_name(model: str | None) -> str:
    """A model as every surface names it (the window, the Discord card, the Usage page, the
    ``status`` and ``report`` text): its id as Codex writes it in its logs and shows it itself
    (``gpt-5.3-codex``, as ``/status`` and its model list do), with what would not show
    escaped (``shown_key``: ``\\u202egpt-5`` is not ``gpt-5``); ``model not logged yet`` when
    the log has not named one yet (the sessions table's Model column drops "model", which its
    title says). JSON and CSV keep the id as it is."""
    from codex_presence_gui.core.sanitize import NO_SESSION_MODEL, shown_key

    return shown_key(model) if model else NO_SESSION_MODEL


def format_count(value: int) -> str:
    """An exact count with thousands separators: ``52,414``."""
    return f"{value:,}"


def capitalized(text: str) -> str:
    """``text`` with its first letter made upper case (a clause become a sentence), the rest
    as it is (``str.capitalize`` would lower it: "Codex's", "API")."""
    return text[:1].upper() + text[1:]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 malformed line``, ``2,048 malformed lines``: a count with its noun agreeing."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def status_usage_text(usage: TokenUsage) -> str:
    """``11.5K total (10.3K input + 1.18K output)``: the "Token usage" of Codex's ``/status``,
    whose total is the input not served from the cache plus the output (a user comparing the
    two finds the same numbers, beside the session total that counts the cache too)."""
    return (
        f"{format_tokens_compact(usage.blended_total)} total "
        f"({format_tokens_compact(usage.non_cached_input)} input + "
        f"{format_tokens_compact(usage.output)} output)"
    )


def local_time(epoch: float, zone: tzinfo | None = None) -> datetime:
    """Unix seconds to an aware local (or given-zone) datetime."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def ended_text(when: float, now: float, zone: tzinfo | None = None) -> str:
    """``Ended 14:05`` today, ``Ended Thu 23:10`` on an earlier day (local time)."""
    end = local_time(when, zone)
    same_day = end.date() == local_time(now, zone).date()
    return "Ended " + end.strftime("%H:%M" if same_day else "%a %H:%M")


def format_reset_time(resets_at: float, captured_at: float, zone: tzinfo | None = None) -> str:
    """``11:20`` on the reading's day, else ``07:00 on 9 May`` (local time, 24 h)."""
    reset = local_time(resets_at, zone)
    captured = local_time(captured_at, zone)
    clock = reset.strftime("%H:%M")
    if reset.date() == captured.date():
        return clock
    return f"{clock} on {reset.day} {reset.strftime('%b')}"


#: The units a duration is said in, largest first: seconds in one, letter, word.
DURATION_UNITS: tuple[tuple[int, str, str], ...] = (
    (86400, "d", "day"),
    (3600, "h", "hour"),
    (60, "m", "minute"),
    (1, "s", "second"),
)


def duration_unit(seconds: int, *, spoken: bool = False) -> str:
    """The letter of the unit ``seconds`` long (``m`` for 60), as every duration writes it
    (a spin box's suffix); ``spoken``: its word in the plural (``minutes``)."""
    letter, word = next((u[1], u[2]) for u in DURATION_UNITS if u[0] == seconds)
    return word + "s" if spoken else letter


def format_duration(seconds: float, *, parts: int = 2, least: int = 1, spoken: bool = False) -> str:
    """How long ``seconds`` is, as everything the app writes says it: ``2h 13m``, ``4d 21h``,
    ``5m 10s``, ``42s``, in its largest unit and the next (``parts``: how many at most), and
    never finer than the unit ``least`` seconds long (60: whole minutes); tenths below a
    second (``0.4s``; what rounds to one second is ``1s``, not ``1.0s``). Whole units are
    rounded down, as a countdown's are. ``spoken``: in words, for screen readers, which may
    read "12m" as twelve metres: ``2 hours 13 minutes``, ``1 minute`` (a unit of nothing
    after the first left out: "2 hours 0 minutes" says no more than "2 hours")."""
    if least == 1 and 0 < seconds < 1:
        if seconds < 0.95:
            tenths = f"{seconds:.1f}"
            return f"{tenths} seconds" if spoken else f"{tenths}s"
        seconds = 1  # what rounds to one second
    whole = int(max(seconds, 0))
    units = [unit for unit in DURATION_UNITS if unit[0] >= least]
    # From the largest unit that is not zero (the least one for a duration of nothing).
    first = next((n for n, unit in enumerate(units) if whole >= unit[0]), len(units) - 1)
    said: list[str] = []
    for size, letter, word in units[first : first + parts]:
        count, whole = divmod(whole, size)
        if spoken:
            if count or not said:
                said.append(f"{count} {word}" + ("" if count == 1 else "s"))
        else:
            said.append(f"{count}{letter}")
    return " ".join(said)


def format_countdown(seconds: float | None, *, spoken: bool = False) -> str:
    """``2h 13m``, ``4d 21h``, ``5m 10s``, ``42s``; ``now`` once passed, ``n/a`` when unknown
    (``unknown`` in words: ``spoken``, see ``format_duration``)."""
    if seconds is None or not math.isfinite(seconds):
        return "unknown" if spoken else "n/a"
    if int(seconds) <= 0:
        return "now"
    return format_duration(seconds, spoken=spoken)


def in_countdown(seconds: float | None, *, spoken: bool = False) -> str:
    """``in 2h 13m`` (after "resets"), or ``now`` in a reset's last second, where "resets in
    now" had been said (see ``format_countdown``)."""
    countdown = format_countdown(seconds, spoken=spoken)
    return countdown if countdown == "now" else f"in {countdown}"


#: A tool call this long without a word in the log says so: a build may run for minutes, and
#: a call that a Codex killed mid-way left open stays open.
QUIET_CALL_SECONDS = 60


def activity_text(snapshot: CodexSessionSnapshot) -> str:
    """``Running cargo test``; without a line that tells: ``No activity yet``, or, once the
    session has used tokens (its activity lines are older than what was read, or its log
    names none), ``Activity unknown``: "no activity" beside a million tokens reads wrong."""
    if snapshot.activity is not None:
        return snapshot.activity.text
    return "Activity unknown" if snapshot.session_total_tokens else "No activity yet"


def doing_text(snapshot: CodexSessionSnapshot, now: float) -> str:
    """``Running cargo test``; ``(+2 more)`` with other calls running; `` · 25m`` once a
    call has gone a minute or more without a word in the log."""
    return doing_forms(snapshot, now)[0]


def doing_forms(
    snapshot: CodexSessionSnapshot, now: float, *, quiet: bool = True
) -> tuple[str, ...]:
    """``doing_text``, then its shorter forms for less room: without the other calls, then
    without how long the call has been quiet (cut in its middle, the whole text had read
    "Editing inde…ore) · 2m"); without ``quiet``, never how long."""
    text = activity_text(snapshot)
    more = f" (+{snapshot.pending_calls - 1} more)" if snapshot.pending_calls > 1 else ""
    silent = quiet_call_seconds(snapshot, now) if quiet else None
    since = f" · {format_age(silent).removesuffix(' ago')}" if silent is not None else ""
    forms = (f"{text}{more}{since}", f"{text}{since}", text)
    return tuple(dict.fromkeys(forms))  # each once, in order


def quiet_call_seconds(snapshot: CodexSessionSnapshot, now: float) -> float | None:
    """How long a running tool call has gone without a word in the log, from a minute on."""
    activity, last = snapshot.activity, snapshot.last_activity_at
    if not snapshot.pending_calls or activity is None or not activity.kind.is_working:
        return None
    if last is None or now - last < QUIET_CALL_SECONDS:
        return None
    return now - last


def format_age(seconds: float, *, spoken: bool = False) -> str:
    """``just now``, ``40s ago``, ``12m ago``, ``3h ago``, ``2d ago``: in the units of the
    countdowns beside it (``2h 12m``, Codex's own), as "3 h ago" had read beside "2h 12m";
    in its largest unit only, as an age needs no more (a countdown says two). ``spoken``: in
    words (``12 minutes ago``), see ``format_duration``."""
    if seconds < 5:
        return "just now"
    return f"{format_duration(seconds, parts=1, spoken=spoken)} ago"


def reset_phrase(
    window: UsageWindow, now: float, captured_at: float, zone: tzinfo | None = None
) -> str:
    """``resets in 2h 13m (16:40)``, ``reset at 16:40``, or ``reset time unknown``.

    As in Codex ``/status``, the clock gains a date when the reset falls on another day than
    the reading was taken.
    """
    if window.resets_at is None:
        return "reset time unknown"
    when = format_reset_time(window.resets_at, captured_at, zone)
    if window.is_past_reset(now):
        return f"reset at {when}"
    return f"resets {in_countdown(window.seconds_until_reset(now))} ({when})"


def limit_label(window: UsageWindow) -> str:
    """``5h limit``, ``Weekly limit``, ``Usage limit``: the row label of Codex ``/status``."""
    return f"{window.label} limit"


class Level(enum.Enum):
    """How much of a window is left, for colour (always shown with the number too)."""

    GOOD = "good"  # 60 % or more left
    WARN = "warn"  # 30 % or more
    LOW = "low"  # below 30 %
    UNKNOWN = "unknown"  # reset passed: the reading no longer says


def level_of(remaining: float) -> Level:
    """Green from 60 % left, amber from 30 %, red below."""
    if remaining >= 60:
        return Level.GOOD
    if remaining >= 30:
        return Level.WARN
    return Level.LOW


#: A time this close ahead is its clock time alone, even tomorrow's.
CLOCK_ONLY_AHEAD_S = 12 * 3600


def format_reset_clock(resets_at: float, now: float, zone: tzinfo | None = None) -> str:
    """``16:40`` today or within the next 12 hours, ``Thu 09:00`` within the week, ``28 Nov
    09:00`` further away (``20 Nov 2286 09:00`` half a year off and in another year). A time
    less than 12 hours ahead can only be the next one of its clock ("resets in 2h 12m
    (00:28)" at 22:16): the weekday had made the evening's lines longer than the day's, and a
    compact window with two sets of limits taller than a small screen, from 21:47 on. Also
    when a Discord pause ends (one set by hand for the year 2286 had read as next
    Saturday's)."""
    reset = local_time(resets_at, zone)
    today = local_time(now, zone)
    clock = reset.strftime("%H:%M")
    days = (reset.date() - today.date()).days
    if days == 0 or (days == 1 and 0 < resets_at - now < CLOCK_ONLY_AHEAD_S):
        return clock
    if 0 < days < 7:
        return f"{reset.strftime('%a')} {clock}"
    # The year only where the date alone would be read as within the coming months: "3 Jan"
    # seen on 20 Dec is plain, and a month's reset line is no longer for it.
    year = f" {reset.year}" if reset.year != today.year and abs(days) > YEAR_SHOWN_DAYS else ""
    return f"{reset.day} {reset.strftime('%b')}{year} {clock}"


#: A date further than this from today says its year (see ``format_reset_clock``).
YEAR_SHOWN_DAYS = 180


def pace_text(
    insight: WindowInsight, now: float, zone: tzinfo | None = None, *, spoken: bool = False
) -> str:
    """``at this pace: runs out ~15:20, 1h 20m before the reset``, ``on pace to last until the
    reset``, …

    Shown under the reset time (the panel, ``status``, a notification's body), so it never
    says that time again: only what the pace adds to it. ``spoken``: for screen readers, the
    durations in words and "about" for "~" (read out as "tilde").
    """
    # Imported here: the report's text table formats tokens with this module, without the
    # history and its log parser.
    from codex_presence_gui.core.insights import PaceState

    pace = insight.pace_at(now)
    current = insight.current
    resets_at = current.resets_at if current is not None else None
    if pace.state is PaceState.RUNS_OUT and pace.runs_out_at is not None:
        when = format_reset_clock(pace.runs_out_at, now, zone)
        text = f"at this pace: runs out {'about ' if spoken else '~'}{when}"
        if resets_at is not None and resets_at > pace.runs_out_at:
            text += f", {_lead_text(pace.runs_out_at, resets_at, spoken=spoken)} the reset"
        return text
    if pace.state is PaceState.LASTS:
        return "on pace to last until the reset"
    if pace.state is PaceState.REACHED:
        return "limit reached"
    if pace.state is PaceState.NOT_ENOUGH_DATA:
        # A pace needs readings over a part of the window (1/60: about 2 h 48 min of a week):
        # when that is, rather than only "not enough", which dozens of readings contradict.
        # Said as what the user waits for or does ("pace: known from your first reply after
        # 02:46" had read as a riddle, and was wrong where the time alone brings the pace).
        if pace.known_at is not None and pace.known_at > now:
            when = format_reset_clock(pace.known_at, now, zone)
            if pace.measured_from is not None:
                return f"pace: shown from {when}"  # measured up to now: the time brings it
            # Measured up to the newest reading: only a reading after that time brings it.
            return f"pace: shown once you use Codex after {when}"
        if pace.known_at is not None:
            # That time has come, but the span is measured up to the newest reading, and
            # none came since: a promised time that passes must not turn into "not enough".
            return "pace: shown once you use Codex again"
        return "pace: not enough readings yet"
    return ""


def _lead_text(runs_out_at: float, resets_at: float, *, spoken: bool = False) -> str:
    """``1h 33m before``, ``2d 5h before``, ``just before``: the time between two clock times
    as they are shown (whole minutes), so that it matches them to the minute; across a change
    of the clocks (summer time) it is the time that really passes, an hour off the clocks'
    difference. ``spoken``: in words."""
    minutes = int(resets_at // 60) - int(runs_out_at // 60)
    if minutes < 1:
        return "just before"
    return f"{format_duration(minutes * 60, least=60, spoken=spoken)} before"


def share_text(share: SessionShare, *, spoken: bool = False) -> str:
    """``≈ 12% of the 5h window`` (``< 1%`` for a sliver, which needs no ``≈``); ``spoken``:
    ``about 12%`` and ``less than 1%``, as "≈" is read out as "almost equal to"."""
    if share.percent < 1:
        amount = "less than 1" if spoken else "< 1"
    else:
        amount = f"{'about' if spoken else '≈'} {share.percent:.0f}"
    return f"{amount}% of the {share.said} window"


def reading_age_text(limits: LimitSnapshot, now: float, *, spoken: bool = False) -> str:
    """``updated 40s ago`` (``spoken``: ``updated 40 seconds ago``)."""
    return f"updated {format_age(now - limits.observed_at, spoken=spoken)}"


def as_of_text(limits: LimitSnapshot, now: float, *, spoken: bool = False) -> str:
    """``as of 35m ago``: a stale reading's age where room is short (the title, the tray's
    tooltip and menu, a limit row's description), in the words that ``stale_text`` starts
    with (``spoken``: ``as of 35 minutes ago``)."""
    return f"as of {format_age(now - limits.observed_at, spoken=spoken)}"


def stale_text(limits: LimitSnapshot, now: float, *, spoken: bool = False) -> str:
    """A stale reading's own sentence (the limits panel, ``status``): how old, and when it
    will be fresh again ("" when fresh); ``spoken``: its age in words."""
    if not limits.is_stale(now):
        return ""
    age = as_of_text(limits, now, spoken=spoken).capitalize()
    return f"{age}: may be out of date until your next Codex turn."


#: A credit balance at or above this is written in short scientific form.
HUGE_CREDITS = 1e15


def credits_text(limits: LimitSnapshot) -> str | None:
    """``12.25 credits`` (the exact balance, with thousands separators) or ``unlimited
    credits``; None unless there is a positive balance."""
    credits = limits.credits
    if credits is None or not credits.has_credits:
        return None
    if credits.unlimited:
        return "unlimited credits"
    text = (credits.balance or "").strip()
    try:
        amount = float(text)
    except ValueError:
        return None
    if not math.isfinite(amount) or amount <= 0:
        return None
    if amount >= HUGE_CREDITS:
        # No account holds this: said short ("1e+308 credits"), not as a 300-digit line.
        return f"{amount:.3g} credits"
    whole, dot, fraction = text.partition(".")
    if not whole.isdigit() or (dot and not fraction.isdigit()):
        # Exponents or signs: say the number as Python reads it, not the raw text.
        whole, dot, fraction = f"{amount:.2f}".partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "") + " credits"


def shortened(text: str, limit: int) -> str:
    """``text``, or its start and end around an ellipsis when it is longer than ``limit``
    characters (for a name from the logs where a widget cannot elide it by width). An escape
    in a shown name (``\\u202e``, see ``shown_key``) is kept whole or left out whole, and an
    accent with its letter (``glyph_pieces``)."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    if "\\" not in text:  # no escape in it: every character is a piece (and slicing is C)
        from codex_presence_gui.core.sanitize import MARKS_KEPT, text_cells

        # As ``glyph_pieces`` cuts, without a list of the name's characters.
        end, start = half, len(text) - (limit - 1 - half)
        while end < min(start, half + MARKS_KEPT) and not text_cells(text[end]):
            end += 1
        while start < len(text) and not text_cells(text[start]):
            start += 1
        return text[:end] + "…" + text[start:]
    from codex_presence_gui.core.sanitize import glyph_pieces

    pieces = glyph_pieces(text)
    head = _pieces_within(pieces, half)
    tail = _pieces_within(pieces[len(head) :][::-1], limit - 1 - len("".join(head)))
    return "".join(head) + "…" + "".join(reversed(tail))


def _pieces_within(pieces: list[str], room: int) -> list[str]:
    """The first of ``pieces`` that fit ``room`` characters together."""
    taken: list[str] = []
    for piece in pieces:
        room -= len(piece)
        if room < 0:
            break
        taken.append(piece)
    return taken
