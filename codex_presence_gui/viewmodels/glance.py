"""What the tray icon, its menu, its tooltip and the window title say about the limits."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import tzinfo

from codex_presence_gui import APP_NAME
from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.discovery import sessions_missing_text
from codex_presence_gui.core.formatting import (
    Level,
    as_of_text,
    format_age,
    format_reset_clock,
    level_of,
    shortened,
)
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow, duration_label
from codex_presence_gui.core.sanitize import clean_text, key_pieces
from codex_presence_gui.core.zones import unknown_zone_setting
from codex_presence_gui.viewmodels.card import (
    blocked_sessions_folders,
    blocked_sessions_text,
    logs_folders_said,
    sessions_folders,
)
from codex_presence_gui.viewmodels.limits import LOADING_MESSAGE, unknown_zone_note

#: Marks of the named windows; one or two characters so they fit under the icon's number.
_MARKS = {"5h": "5h", "daily": "D", "weekly": "W", "monthly": "M", "annual": "Y"}
#: How much of an unknown ``TZ`` the tray menu's line shows (the tooltips say all of it).
ZONE_LINE_SETTING_SHOWN = 24


@dataclass(frozen=True, slots=True)
class WindowGlance:
    """One window of the account's limits, as the small surfaces show it.

    Attributes:
        mark: ``5h``, ``W`` (weekly) or another short form, for the icon.
        label: ``5h``, ``Weekly``: the window's display label.
        percent: percent left as Codex rounds it; 100 once the reset has passed.
        level: the colour of ``percent``.
        stale: the reading is older than 15 minutes (its value is kept).
        past_reset: the reset time has passed, so the window is most likely full again.
        reached: nothing is left until the reset.
        text: ``5h: 64% left · resets 10:53``.
        line: ``text``, with the reading's age when it is stale (the menu line).
        until: the reset's clock (``10:53``, ``Mon 08:00``) once nothing is left, else empty.
        whose: a model's limit: the model's name (``GPT-5.3-Codex-Spark``), said before
            ``line`` in the menu (not part of it); empty for the account's own limits.
    """

    mark: str
    label: str
    percent: int
    level: Level
    stale: bool
    past_reset: bool
    reached: bool
    text: str
    line: str
    until: str = ""
    whose: str = ""

    @property
    def percent_text(self) -> str:
        """``64%``, or ``~100%`` once the reset has passed (a guess until the next turn)."""
        return f"~{self.percent}%" if self.past_reset else f"{self.percent}%"

    @property
    def tentative(self) -> bool:
        """The number is not a fresh reading: stale, or inferred from a passed reset."""
        return self.stale or self.past_reset


@dataclass(frozen=True, slots=True)
class Glance:
    """Every window of the account's limits, the most limiting one, and the texts around them.

    Attributes:
        windows: the account's windows, in the order Codex listed them.
        others: the windows of the model-specific limits the window shows below the
            account's (each with ``whose``), bucket by bucket.
        limiting: the window with the least left (None without a reading); the account's:
            a model's limit binds only while that model is used.
        stale: the reading is older than 15 minutes.
        age: ``35m ago``: how old the reading is (empty without one).
        waiting: ``No limit reading yet`` (or that the logs are being read, or that the
            sessions folder is missing) without a reading; empty with one.
        zone_note: that the reset clocks are UTC's, ``TZ`` naming a zone the system does
            not have (as the limits panel says it; the tooltip ends with it); else empty.
        zone_line: the menu's line for it, short: "Times are UTC (TZ=Mars/Olympus
            unknown)"; the sentence, with a ``TZ`` of up to 60 characters, had made the
            menu about 180 characters wide.
    """

    windows: tuple[WindowGlance, ...]
    limiting: WindowGlance | None
    stale: bool
    age: str
    tooltip: str
    title: str
    waiting: str = ""
    others: tuple[WindowGlance, ...] = ()
    zone_note: str = ""
    zone_line: str = ""


def window_mark(window: UsageWindow) -> str:
    """``5h``, ``W`` for weekly, ``D``/``M``/``Y``, the length (``90m``) or the label's initial."""
    mark = _MARKS.get(window.name)
    if mark is not None:
        return mark
    if window.window_minutes is not None and window.window_minutes > 0:
        return duration_label(window.window_minutes)
    return window.label[:1]


def percent_left(window: UsageWindow) -> int:
    """Percent left rounded as Codex's ``{:.0}`` (halves to even); 100 stays 100."""
    return int(f"{window.remaining_percent:.0f}")


def window_glance(
    window: UsageWindow, limits: LimitSnapshot, now: float, zone: tzinfo | None = None
) -> WindowGlance:
    """How one window reads at ``now``."""
    stale = limits.is_stale(now)
    past_reset = window.resets_at is not None and window.is_past_reset(now)
    if window.resets_at is not None and past_reset:
        # A passed reset means a new window has started, most likely unused: say ~100 rather
        # than repeat the old reading, which no longer describes anything.
        since = format_reset_clock(window.resets_at, now, zone)
        text = f"{window.label}: ~100% left · new window since {since}"
        return WindowGlance(
            mark=window_mark(window),
            label=window.label,
            percent=100,
            level=level_of(100),
            stale=stale,
            past_reset=True,
            reached=False,
            # The age is left out: ~100 is inferred from the clock, not from the old reading.
            text=text,
            line=text,
        )
    percent = percent_left(window)
    # As the limits panel and the Discord card say it: what rounds to "0% left" is reached
    # (the title had read "5h: 0% left" beside the panel's "Limit reached").
    reached = percent == 0
    amount = "limit reached" if reached else f"{percent}% left"
    clock = format_reset_clock(window.resets_at, now, zone) if window.resets_at is not None else ""
    resets = f" · resets {clock}" if clock else ""
    text = f"{window.label}: {amount}{resets}"
    age = f" · {as_of_text(limits, now)}" if stale else ""
    return WindowGlance(
        mark=window_mark(window),
        label=window.label,
        percent=percent,
        level=level_of(window.remaining_percent),
        stale=stale,
        past_reset=False,
        reached=reached,
        text=text,
        line=text + age,
        until=clock if reached else "",
    )


def most_limiting(windows: tuple[WindowGlance, ...]) -> WindowGlance | None:
    """The window with the least left among those not past their reset (stale ones count with
    their value); the first when every reset has passed; the earlier one on a tie."""
    current = [w for w in windows if not w.past_reset]
    if current:
        return min(current, key=lambda w: w.percent)
    return windows[0] if windows else None


def glance(
    dashboard: Dashboard | None,
    *,
    now: float | None = None,
    zone: tzinfo | None = None,
    platform: str = sys.platform,
) -> Glance:
    """The glance of a dashboard's account limits at ``now`` (default: when it was built),
    its tooltip as the tray of ``platform`` shows it (Windows': ``TOOLTIP_MAX`` at most)."""
    limits = dashboard.limits if dashboard is not None else None
    if dashboard is None or limits is None or not limits.windows:
        if dashboard is None:
            waiting = LOADING_MESSAGE  # as the limits panel says it meanwhile
        elif dashboard.no_sessions_folder:
            # Short, for the tray's tooltip: a file there is said as one (not "missing").
            kinds = dict(blocked_sessions_folders(dashboard.blocked_sessions))
            said = [blocked] if (blocked := blocked_sessions_text(dashboard)) else []
            logs = dict(logs_folders_said(dashboard.logs_folders))
            said += [logs[f] for f in sessions_folders(dashboard.sessionless) if f in logs]
            missing = [
                f
                for f in sessions_folders(dashboard.sessionless)
                if f not in kinds and f not in logs
            ]
            if missing:
                said.append(sessions_missing_text(missing, short=True))
            waiting = "; ".join(said)
        else:
            waiting = "No limit reading yet"
        # Cut on every platform: it may name 64 folders, which the window lists.
        tooltip = _within_tooltip_max(f"{APP_NAME}: {waiting}")
        return Glance((), None, False, "", tooltip, APP_NAME, waiting)
    at = dashboard.generated_at if now is None else now
    windows = tuple(window_glance(w, limits, at, zone) for w in limits.windows)
    if not limits.is_account_bucket:
        # A model's limits shown alone (no reading of the account's found: a Spark turn logs
        # its model's bucket alone): named, as the limits panel heads them; unnamed, Spark's
        # "5h" had read as the account's.
        windows = tuple(replace(w, whose=limits.display_name) for w in windows)
    # Each model's windows, glanced once for the menu's lines and the tooltip's.
    models = tuple(
        (bucket, tuple(window_glance(w, bucket, at, zone) for w in bucket.windows))
        for bucket in dashboard.other_limits
    )
    others = tuple(
        replace(shown, whose=bucket.display_name) for bucket, glanced in models for shown in glanced
    )
    stale = limits.is_stale(at)
    age = format_age(at - limits.observed_at)
    tooltip = _tooltip(windows, limits, models, at, TOOLTIP_MAX if platform == "win32" else None)
    zone_note = unknown_zone_note(zone)
    if zone_note:
        # After the cut to Windows' length: only a POSIX system has this note to say (see
        # ``unknown_zone_setting``), and there a tray's tooltip is not cut.
        tooltip += f"\n{zone_note}"
    title = _title(windows, age if stale and not all(w.past_reset for w in windows) else "")
    return Glance(
        windows,
        most_limiting(windows),
        stale,
        age,
        tooltip,
        title,
        others=others,
        zone_note=zone_note,
        zone_line=unknown_zone_line(zone),
    )


def unknown_zone_line(zone: tzinfo | None) -> str:
    """The tray menu's line for ``unknown_zone_note``, short (a long ``TZ`` elided in it);
    else empty."""
    if zone is None and (setting := unknown_zone_setting()) is not None:
        shown = shortened(clean_text(setting), ZONE_LINE_SETTING_SHOWN)
        return f"Times are UTC (TZ={shown} unknown)"
    return ""


#: Windows shows no more of a tray icon's tooltip (UTF-16 code units, with its end).
TOOLTIP_MAX = 127
#: The room (UTF-16 units, its ellipsis counted) a model's name keeps at least, shortened in
#: a tooltip that would not fit otherwise, before the models' ages and reached limits' reset
#: clocks go (in whole words, a name may take less of it, half at least).
TOOLTIP_NAME_ROOM = 20
#: The least after them, so that every model keeps its line ("GPT…Spark", "GPT…Max"); in
#: less, a name tells too little, and the last models are counted instead ("+1 more model").
TOOLTIP_NAME_LEAST = 8
ELLIPSIS = "\u2026"
#: What parts a model's name into words: "GPT-5.3-Codex-Spark" is GPT, 5.3, Codex and Spark.
_NAME_SEPARATORS = re.compile(r"([-_ /:])")
#: A name of more words is cut around its first and last words only, not around a run of
#: its middle ones too (the forms grow as the fourth power of the words).
_MIDDLE_RUN_WORDS = 12
_JOINER = "\u200d"


#: What a tooltip that would pass ``TOOLTIP_MAX`` shortens, one more at a time in this order,
#: until it fits (the menu says all of it): the words of a model's windows ("5h 38% · W
#: 82%"), long model names (as far as needed, each in ``TOOLTIP_NAME_ROOM`` at least), the age
#: of a model's reading, the reset clock of a model's limit reached; then the names further
#: (in ``TOOLTIP_NAME_LEAST``), so that two models with long names both keep their line. Only the
#: models' lines: the account's limits and their resets, which bind whatever the model, are
#: said whole; past that, the last models' lines go (counted: "+1 more model"), and the
#: account's clocks only where its windows alone would not fit.
_TOOLTIP_DROPS = ("model words", "model names", "model ages", "model clocks")


def _tooltip(
    windows: tuple[WindowGlance, ...],
    limits: LimitSnapshot,
    models: tuple[tuple[LimitSnapshot, tuple[WindowGlance, ...]], ...],
    at: float,
    most: int | None = None,
) -> str:
    """The app's name, a line per window of the account (its reset too), a line per model's
    limits (``GPT-5.3-Codex-Spark 5h: 62% left · Weekly: 18% left``), and the reading's age
    once, when it is not fresh, rather than on every line. Within ``most`` UTF-16 units when
    given (Windows cuts tray tooltips at ``TOOLTIP_MAX``): where the whole would pass it, the
    models' lines say less (``_TOOLTIP_DROPS``), then the last ones go (counted), the
    account's kept whole."""
    head = [APP_NAME, *(_account_named(w, w.text) for w in windows)]
    age = [as_of_text(limits, at)] if limits.is_stale(at) else []
    names = [bucket.display_name for bucket, _ in models]
    rests: list[str] = []
    for dropping in range(len(_TOOLTIP_DROPS) + 1):
        dropped = _TOOLTIP_DROPS[:dropping]
        rests = [_model_rest(b, shown, limits, at, dropped) for b, shown in models]
        if most is None:
            lines = [_tooltip_name(name) + rest for name, rest in zip(names, rests, strict=True)]
            return "\n".join([*head, *lines, *age])
        # Names whole until they are to be shortened, then as far as needed only.
        least = TOOLTIP_NAME_ROOM if "model names" in dropped else None
        named = _named_lines(names, rests, [*head, *age], most, least)
        if named is not None:
            return "\n".join([*head, *named, *age])
    assert most is not None
    # The account's windows, more than Codex lists (two), may not fit even alone: then their
    # reset clocks go, so that every window's percent is said, rather than the last windows.
    for account in (head, [APP_NAME, *(_account_named(w, _short(w)) for w in windows)]):
        counted = _with_models_counted(account, names, rests, age, most)
        if counted is not None:
            return counted
    return _within_tooltip_max("\n".join([*account, *age]), most)


def _with_models_counted(
    account: list[str], names: list[str], rests: list[str], age: list[str], most: int
) -> str | None:
    """The account's lines, the models' lines that fit (their names down to
    ``TOOLTIP_NAME_LEAST``) and a line counting the others (a model's line cut through,
    "GPT-5.3-Co…e…", said nothing), and the age; None when the account's lines and the age
    alone do not fit."""
    for count in range(len(names), -1, -1):
        more = len(names) - count
        plural = "s" if more > 1 else ""
        # Short: "+1 more model" is what lets a first model's line fit beside the account's.
        others = (
            f"+{more} more model{plural}"
            if count
            else f"Limits of {more} model{plural} in the menu"
        )
        counted = [others] if more else []
        fixed = [*account, *counted, *age]
        named = _named_lines(
            names[:count], rests[:count], fixed, most, TOOLTIP_NAME_LEAST, among=names
        )
        if named is not None:
            return "\n".join([*account, *named, *counted, *age])
    return None


def _named_lines(
    names: list[str],
    rests: list[str],
    fixed: list[str],
    most: int,
    least: int | None,
    among: list[str] | None = None,
) -> list[str] | None:
    """The models' lines (each its name, then its ``rests``), their names shortened as far as
    they must be (``_fitted_names``) for the lines to fit beside the ``fixed`` ones within
    ``most`` units, to ``least`` at most (None: whole); None where they cannot."""
    room = most - _tooltip_units("\n".join(fixed))
    room -= sum(1 + _tooltip_units(rest) for rest in rests)  # each line after a line break
    shown = _fitted_names(names, room, least, names if among is None else among)
    if shown is None:
        return None
    return [name + rest for name, rest in zip(shown, rests, strict=True)]


def _fitted_names(
    names: list[str], room: int, least: int | None, among: list[str]
) -> list[str] | None:
    """``names`` as the tooltip shows them (``_tooltip_name``), within ``room`` units together:
    the shorter ones whole, the room they leave shared out evenly among the longer ones, each
    shortened no more than its share needs (``_name_within``) and to no fewer than ``least``
    units (None: not at all), never to what another of ``among`` could be shortened to too;
    None where that cannot be."""
    shown = list(names)
    left = room
    order = sorted(range(len(names)), key=lambda index: _tooltip_units(names[index]))
    for placed, index in enumerate(order):
        name = names[index]
        share = left // (len(order) - placed)
        fitted = _name_within(name, share, least, [other for other in among if other != name])
        if fitted is None:
            return None
        shown[index] = fitted
        left -= _tooltip_units(fitted)
    return shown if left >= 0 else None


def _name_within(name: str, most: int, least: int | None, others: list[str]) -> str | None:
    """A model's ``name`` as the tooltip shows it (``_tooltip_name``) within ``most`` units:
    whole, or shortened where ``most`` is ``least`` at least (None: never), to what none of
    ``others`` could be shortened to ("GPT…Long" of "GPT-5.3-Codex-Spark-Preview-Long" beside
    "GPT…Long-2").

    Shortened between its words where that keeps about as much as a cut inside them would:
    its first and last words around an ellipsis ("GPT-5.3…Spark"), or with a run of its middle
    ones ("gpt…spark…context") where the others differ only there; else cut in its middle
    (a word cut through always beside the ellipsis: "Supercal…listic"). None where no form
    fits."""
    isolates = 0 if name.isascii() else 2  # the first strong isolate around it
    room = most - isolates
    if _tooltip_units(name) <= room:
        return _tooltip_name(name)
    if least is None or room < least:
        return None
    word = _word_form(name, room, least, others)
    cut = _cut_form(name, room, least, others)
    # Whole words read better than more letters cut: "…alpha" rather than "open…lpha".
    if word is not None and (cut is None or 2 * _kept(word) >= _kept(cut)):
        return _tooltip_name(name, ELLIPSIS.join(word))
    return None if cut is None else _tooltip_name(name, ELLIPSIS.join(cut))


def _kept(parts: tuple[str, ...]) -> int:
    """How many units of a name its ``parts`` kept around ellipses take."""
    return sum(_tooltip_units(part) for part in parts)


def _word_form(name: str, room: int, least: int, others: list[str]) -> tuple[str, ...] | None:
    """The parts of ``name`` in whole words to keep around ellipses within ``room`` units
    (half of ``least`` at least), that none of ``others`` could read as: around one ellipsis
    if one will do, else two; with the name's last word if any (where model names differ:
    "GPT…Max", not "GPT-5.1…"), keeping the most of it."""
    for middle in (False, True):
        fitting = [
            parts
            for parts in _word_parts(name, middle=middle)
            if least // 2 <= _kept(parts) <= room - len(parts) + 1
            and not any(_could_read(parts, other) for other in others)
        ]
        if fitting:
            return max(fitting, key=lambda parts: (parts[-1] != "", _kept(parts)))
    return None


def _word_parts(name: str, *, middle: bool) -> Iterator[tuple[str, ...]]:
    """What of ``name`` may be kept whole around ellipses: its first words and its last
    ones (either may be none) with one ellipsis, or (``middle``) with a run of the words
    between too, an ellipsis on either side of it."""
    pieces = _NAME_SEPARATORS.split(name)  # words, with a separator between each two
    words = (len(pieces) + 1) // 2

    def run(start: int, end: int) -> str:
        return "".join(pieces[2 * start : 2 * end - 1]) if end > start else ""

    if middle and words > _MIDDLE_RUN_WORDS:
        return
    for first in range(words):
        for last in range(words - first):
            if not middle:
                if first + last:
                    yield run(0, first), run(words - last, words)
                continue
            for start in range(first + 1, words - last - 1):
                for end in range(start + 1, words - last):
                    if kept := run(start, end):
                        yield run(0, first), kept, run(words - last, words)


def _cut_form(name: str, room: int, least: int, others: list[str]) -> tuple[str, str] | None:
    """``name``'s start and end to keep around an ellipsis, within ``room`` units (half of
    ``least`` at least), cut neither inside an escape (``key_pieces``) nor inside a character
    drawn of several (an emoji of a joiner, a letter and its accent), and that none of
    ``others`` could read as."""
    pieces = key_pieces(name)
    for kept in range(min(len(pieces) - 1, room - 1), 0, -1):
        ends = kept // 2
        tail_at = len(pieces) - ends
        parts = ("".join(pieces[: kept - ends]), "".join(pieces[tail_at:]))
        if _kept(parts) < least // 2:
            return None
        if (
            _kept(parts) < room
            and not _joined(pieces[kept - ends - 1][-1], pieces[kept - ends][0])
            and not (ends and _joined(pieces[tail_at - 1][-1], pieces[tail_at][0]))
            and not any(_could_read(parts, other) for other in others)
        ):
            return parts
    return None


def _joined(before: str, after: str) -> bool:
    """Whether a cut between the characters ``before`` and ``after`` would part a character
    drawn of several: after a zero-width joiner, or before a joiner, an accent, a variation
    selector or a skin tone."""
    return (
        _JOINER in (before, after)
        or unicodedata.combining(after) > 0
        or "\ufe00" <= after <= "\ufe0f"
        or "\U0001f3fb" <= after <= "\U0001f3ff"
    )


def _could_read(parts: tuple[str, ...], other: str) -> bool:
    """Whether ``other`` shortened could read as ``parts`` joined by ellipses (each ellipsis
    standing for one character at least): a shortened name must tell its model apart."""
    first, *inner, last = parts
    if not other.startswith(first):
        return False
    at = len(first)
    for part in inner:
        found = other.find(part, at + 1)
        if found < 0:
            return False
        at = found + len(part)
    return len(other) - len(last) > at and other.endswith(last)


def _model_rest(
    bucket: LimitSnapshot,
    shown: tuple[WindowGlance, ...],
    limits: LimitSnapshot,
    at: float,
    dropped: tuple[str, ...],
) -> str:
    """A model's line of the tooltip after its name, without what ``dropped`` names (see
    ``_TOOLTIP_DROPS``)."""
    clock = "model clocks" not in dropped
    if "model words" in dropped:
        parts = " · ".join(_marked(w, clock=clock) for w in shown)
    else:
        parts = " · ".join(_short(w, clock=clock) for w in shown)
    rest = f" {parts}"
    if (
        "model ages" not in dropped
        and bucket.is_stale(at)
        and bucket.observed_at != limits.observed_at
    ):
        rest += f" · {as_of_text(bucket, at)}"  # not the age said for the account's
    return rest


def _tooltip_units(text: str) -> int:
    """The length Windows counts: UTF-16 code units (an emoji takes two)."""
    return len(text.encode("utf-16-le")) // 2


def _within_tooltip_max(text: str, most: int = TOOLTIP_MAX) -> str:
    """``text``, or as much of it as fits ``most`` (``TOOLTIP_MAX``) with an ellipsis (an
    isolate it cut through closed), rather than what Windows would cut without one."""
    if _tooltip_units(text) <= most:
        return text
    # No more characters than units fit: the search starts there, not at the end of a text
    # of 64 long folder names (each cut measured anew, that had taken seconds).
    end = min(len(text), most)
    while True:
        kept = text[:end].rstrip()
        if kept.count("\u2068") > kept.count("\u2069"):
            kept += "\u2069"
        kept += ELLIPSIS
        if _tooltip_units(kept) <= most:
            return kept
        end -= 1


def _tooltip_name(name: str, shown: str | None = None) -> str:
    """A model's name from the logs (or ``shown``, a shortened form of it) in a first strong
    isolate unless the name is ASCII, so that a name written right to left does not take the
    numbers after it into its own run."""
    text = name if shown is None else shown
    return text if name.isascii() else f"\u2068{text}\u2069"


def _short(window: WindowGlance, *, clock: bool = True) -> str:
    """``5h: 64% left``, or ``5h: limit reached (resets 10:13)``: a window without its reset
    clock but when nothing is left (and ``clock``)."""
    if window.reached:
        resets = f" (resets {window.until})" if window.until and clock else ""
        return f"{window.label}: limit reached{resets}"
    return f"{window.label}: {window.percent_text} left"


def _marked(window: WindowGlance, *, clock: bool = True) -> str:
    """``5h 64%``, or ``5h 0% (resets 10:13)``: a window in its mark's few characters."""
    resets = f" (resets {window.until})" if window.reached and window.until and clock else ""
    return f"{window.mark} {window.percent_text}{resets}"


def _account_named(window: WindowGlance, text: str) -> str:
    """``text`` of one of the shown limits' windows, after its model's name when they are a
    model's (``whose``): the account's are said unnamed."""
    return f"{_tooltip_name(window.whose)} {text}" if window.whose else text


def _short_parts(windows: tuple[WindowGlance, ...]) -> str:
    """The windows in short, on one line: a model's name once, before the first."""
    parts = " · ".join(_short(w) for w in windows)
    return _account_named(windows[0], parts) if windows else parts


def _title(windows: tuple[WindowGlance, ...], age: str) -> str:
    """``5h: 64% left · Weekly: 29% left — Codex Presence``: each window as the tray menu and
    the limit rows name it, short for the taskbar (no reset clock but when nothing is left:
    ``5h: limit reached (resets 10:13)``); a reading that is not fresh says its age
    (``· as of 35m ago``). "5h 0% until Tue 01:52" had read as a puzzle."""
    parts = [_short_parts(windows)]
    if age:
        parts.append(f"as of {age}")
    return " · ".join(parts) + f" — {APP_NAME}"


def window_title(dashboard: Dashboard | None) -> str:
    """``5h: 64% left · Weekly: 29% left — Codex Presence`` (each window's percent left, in
    order; with the reading's age when it is stale), or just the app's name without a
    reading; short, as a minimized window shows it in the taskbar."""
    return glance(dashboard).title
