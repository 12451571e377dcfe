"""What the Usage view shows, as plain frozen data: totals, the daily chart, the tables, the cache.

Built from the usage reports (``core.usage_report``) of the period's local days (the last 7, 30
or 90: ``RecentUsage.days``). Every cost is an estimate of what the same calls would cost on the
API; the view says so wherever a cost shows.
"""

# NOTE: Qt-free: tested as data, and built in the usage feed's thread.

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from codex_presence_gui.core.discovery import (
    closed_homes_text,
    codex_home_options,
    default_codex_home,
)
from codex_presence_gui.core.formatting import (
    format_count,
    format_tokens_compact,
    shortened,
    unbroken,
)
from codex_presence_gui.core.pricing import unavailable_prices
from codex_presence_gui.core.problems import (
    counted_past_cap,
    homes_cap_text,
    is_config_notice,
)
from codex_presence_gui.core.sanitize import NO_PROJECT, NO_VALUE, shown_key
from codex_presence_gui.core.usage_index import ReadProgress, rebuilt
from codex_presence_gui.core.usage_recent import RECENT_DAYS, RecentUsage, first_day
from codex_presence_gui.core.usage_report import (
    COST_LABEL,
    UNPRICED_NAMED,
    Tally,
    UsageReport,
    UsageRow,
    approx_money,
    cache_hits_text,
    model_label,
    money,
    percent_share,
    report_csv,
    unpriced_cached_tokens,
    unpriced_names,
    unpriced_tokens,
)
from codex_presence_gui.core.zones import unknown_zone_text
from codex_presence_gui.viewmodels.card import (
    blocked_sessions_folders,
    home_text,
    logs_folders_said,
    no_sessions_folder_text,
    sessions_folders,
)

#: Days in the chart and the longest total, unless the page's period says otherwise.
DAYS = RECENT_DAYS


def period_label(days: int) -> str:
    """``30 days``: a period's name, as the totals and the period chooser say it."""
    return f"{days} days"


def periods(days: int = DAYS) -> tuple[tuple[str, int], ...]:
    """The totals' periods, as (label, days ending today): today, the week and the page's
    period (the week once, when the period is the week)."""
    week = (period_label(7), 7)
    chosen = (period_label(days), days)
    return (("Today", 1), week) if days == 7 else (("Today", 1), week, chosen)


#: The chart gives this many models a colour of their own; the rest share "Other models".
CHART_MODELS = 6
OTHER_MODELS = "Other models"

LOADING_MESSAGE = "Reading your Codex logs…"
BUILDING_START = "Reading your Codex logs for the first time…"
BUILDING_ONCE = "This happens once: afterwards only what Codex writes is read."
BUILDING_MESSAGE = f"{BUILDING_START} {BUILDING_ONCE}"
#: Another process holds the index (``RecentUsage.waiting``), before any numbers are shown.
WAITING_MESSAGE = (
    "Waiting for another Codex Presence (a report, or a second window) to finish its update "
    "of the usage history… The numbers appear here once it has."
)
EMPTY_MESSAGE = "No usage recorded yet. Each Codex reply is counted here as it is written."
#: The command that reports every day, for the window's homes (see ``report_command``).
REPORT_COMMAND = "codex-presence-gui report daily"
#: The homes a hint names in full; it counts the others.
HINT_HOMES = 2
#: Export, whose tooltip names the report of every day, is off on an empty page.
QUIET_MESSAGE = (
    "No Codex usage in the last {days} days. Every day since your first session: {command}"
)
MISSING_MESSAGE = (
    "Codex's folder was not found ({homes}): there is no usage to count yet. Choose the "
    "folder in Settings if Codex keeps it elsewhere."
)
#: What follows the missing ``sessions`` folders (``no_sessions_folder_text``), as the live
#: view says it: "No usage recorded yet" had named no folder, only the status bar did.
NO_SESSIONS_FOLDER_THEN = (
    "Each Codex reply is counted here once Codex makes {it}, when a session starts."
)
#: A home there as something else than a folder: waiting for Codex would not help.
NOT_A_FOLDER_MESSAGE = (
    "{homes}: there is no usage to count. Choose Codex's folder (usually ~/.codex) in Settings."
)
#: No usage, and a home that cannot be entered: "No usage recorded yet" had hidden why.
CLOSED_MESSAGE = "No usage can be counted: {closed}."
FAILED_MESSAGE = "The usage history cannot be read: {error}"
COMPACT_TIP = (
    "Tokens Codex used today, and their API-equivalent cost: an estimate of what the same "
    "calls would cost on OpenAI's API (a ChatGPT plan does not charge per token)."
)
ESTIMATE_NOTE = (
    "Costs are API-equivalent estimates: what the same calls would cost on OpenAI's API. "
    "A ChatGPT plan does not charge per token."
)


class UsageState(enum.Enum):
    """What the Usage view can show."""

    LOADING = "loading"  # nothing read yet
    BUILDING = "building"  # the first read of every log into the index
    EMPTY = "empty"  # read: no usage in the period
    READY = "ready"
    FAILED = "failed"  # the index could not be opened or read


@dataclass(frozen=True, slots=True)
class PeriodTotal:
    """Today's, the last 7 days' or the period's tokens and cost."""

    label: str
    tokens: int
    tokens_text: str  # ``1.2M tokens``
    cost_usd: float | None
    cost_text: str  # ``~$3.40``, or ``cost unknown``
    tooltip: str


@dataclass(frozen=True, slots=True)
class BarSegment:
    """One model's part of a day's bar."""

    series: int  # index into the mode's series (``ChartView.series`` or ``cost_series``)
    tokens: int
    cost_usd: float  # 0.0 when no price is known
    color: int = 0  # the model's colour: the same in both modes


@dataclass(frozen=True, slots=True)
class DayBar:
    """One day of the chart: its parts by model (in series order) and the hover text."""

    day: date
    label: str  # ``Sat 29 Nov``
    segments: tuple[BarSegment, ...]
    tokens: int
    cost_usd: float | None
    tooltip: str  # its models in the token bars' order
    cost_segments: tuple[BarSegment, ...] = ()  # the parts of the cost bar
    cost_tooltip: str = ""  # its models in the cost bars' order ("": as ``tooltip``)

    def tip(self, cost: bool) -> str:
        """The hover text of the token bar, or of the cost bar: its models read in the order
        their parts stack in."""
        return (self.cost_tooltip or self.tooltip) if cost else self.tooltip

    @property
    def unpriced_tokens(self) -> int:
        """The day's tokens of models without a known price (not in its cost bar)."""
        return max(self.tokens - sum(segment.tokens for segment in self.cost_segments), 0)


@dataclass(frozen=True, slots=True)
class ChartView:
    """The period's days (the last 30 by default), oldest first, stacked by model."""

    days: tuple[DayBar, ...]
    series: tuple[str, ...]  # the models, most used first (the last may be "Other models")
    max_tokens: int
    max_cost: float
    priced: bool  # some cost is known (else the cost chart has nothing to show)
    colors: tuple[int, ...] = ()  # each series' colour
    #: The cost bars' models, the costliest first: the ones with a cost only, each in the
    #: colour it has in the token bars where it has its own there.
    cost_series: tuple[str, ...] = ()
    cost_colors: tuple[int, ...] = ()
    #: The whole names of the models whose legend entry is cut (``LEGEND_NAME_CHARS``), for
    #: the legend's tooltip: a cut can make two long names read the same.
    cut_names: tuple[str, ...] = ()

    def stacking(self, cost: bool) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The series and their colours of the token bars, or of the cost bars."""
        return (self.cost_series, self.cost_colors) if cost else (self.series, self.colors)


@dataclass(frozen=True, slots=True)
class TableRow:
    """A project or model over the period."""

    name: str
    tokens: int
    tokens_text: str
    cost_usd: float | None
    cost_text: str
    share: float  # of the period's tokens, 0..1
    share_text: str
    tooltip: str
    #: Of the period's estimated cost, 0..1; None when it has no known price, or when no
    #: cost is known at all (``cost_share_text`` is then a dash: not a misleading "0%").
    cost_share: float | None = None
    cost_share_text: str = NO_VALUE


@dataclass(frozen=True, slots=True)
class UsageView:
    """Everything the Usage view (and the compact line under the limits) shows."""

    state: UsageState
    message: str = ""  # instead of the numbers: why there are none
    message_paths: tuple[str, ...] = ()  # the folders named in it, in their order
    compact_line: str = ""  # ``today: 1.2M tokens · ~$3.40`` (empty: no line)
    compact_short: str = ""  # ``today: 1.2M · ~$3.40``, where the line does not fit
    compact_tooltip: str = ""
    totals: tuple[PeriodTotal, ...] = ()
    chart: ChartView | None = None
    projects: tuple[TableRow, ...] = ()
    models: tuple[TableRow, ...] = ()
    cache_text: str = ""
    cache_tooltip: str = ""
    cost_note: str = ""  # the estimate's caption, with where prices come from
    unpriced_text: str = ""  # models without a known price, in plain words
    unpriced_names: tuple[str, ...] = ()  # the models' names in ``unpriced_text``, in order
    notice: str = ""  # the index had to be rebuilt
    #: The days are UTC's, for ``TZ`` names a zone the system does not have (as ``report``
    #: warns); "" otherwise.
    zone_note: str = ""
    problems_text: str = ""  # what in the logs may keep the numbers short, in one line
    problems_short: str = ""  # the same, shorter, for a page too narrow for it
    problems_tooltip: str = ""  # the first few of those problems
    problems: tuple[str, ...] = ()  # every one of them, whole (the line opens them)
    problems_dating: int = 0  # how many of them only date calls by guess (all counted)
    csv_text: str = ""  # the daily report, for Export CSV…
    #: What to add to ``REPORT_COMMAND`` to read the page's homes (``report_command``).
    home_options: str = ""
    generated_at: float = 0.0
    #: The period shown, in days (today included): the chart's bars, the tables, the cache
    #: line and the export cover it.
    days: int = DAYS

    @property
    def ready(self) -> bool:
        """True when there are numbers to show."""
        return self.state is UsageState.READY


def _unpriced_line(unpriced: int, total: int) -> str:
    """The tooltip line that says what a cost leaves out (empty when nothing)."""
    if not unpriced or unpriced >= total:
        return ""
    share = percent_share(unpriced / total)
    return (
        f"Not in the cost: {format_count(unpriced)} tokens ({share}) of models with no known "
        "API price"
    )


def tokens_text(value: int) -> str:
    """``1.2M tokens``, ``1 token``."""
    return f"{format_tokens_compact(value)} {'token' if value == 1 else 'tokens'}"


def compact_line(today: Tally | None, unpriced: int = 0, *, short: bool = False) -> str:
    """``today: 1.2M tokens · ~$3.40`` (the cost left out when no price is known, ``~$3.40+``
    when ``unpriced`` of the tokens have none); ``short``: without the word "tokens"."""
    if today is None or today.total == 0:
        return "today: 0" if short else "today: 0 tokens"
    count = format_tokens_compact(today.total) if short else tokens_text(today.total)
    line = f"today: {count}"
    if today.cost_usd is not None:
        line += f" · {approx_money(today.cost_usd, unpriced > 0, whole=True)}"
    return line


def loading_view(days: int = DAYS) -> UsageView:
    """Before the first read (of ``days`` days)."""
    return UsageView(UsageState.LOADING, LOADING_MESSAGE, days=days)


#: Problems a tooltip lists, at most (the rest are counted, and opened from the line).
TOOLTIP_PROBLEMS = 8


class _ProblemsLine(NamedTuple):
    text: str = ""
    short: str = ""
    tooltip: str = ""
    every: tuple[str, ...] = ()


def _left_out(count: int, dating: int) -> str:
    """What ``count`` problems in the logs, ``dating`` of them only dating calls by guess,
    do to the calls on the page."""
    if dating >= count:
        return "may be on the wrong day"
    return "may be missing or on the wrong day" if dating else "may be missing"


#: What the Usage page says of a home's ``config.toml`` that cannot be used.
CONFIG_UNUSABLE = "Codex's config.toml cannot be used"
CONFIG_UNUSABLE_SHORT = "config.toml cannot be used"
#: What that may cost the page (the problem's own words say which tier is used instead).
CONFIG_EFFECT = "calls whose session names no service tier may be priced in another tier"


def _problems(problems: tuple[str, ...], dating: int = 0) -> _ProblemsLine:
    """The line that says the logs had problems that may leave calls out or date them by
    guess (``dating`` of them only that; and a shorter form), its tooltip naming the first
    few, and all of them (``report`` prints the same)."""
    if not problems:
        return _ProblemsLine()
    shown = list(problems[:TOOLTIP_PROBLEMS])
    if len(problems) > TOOLTIP_PROBLEMS:
        shown.append(f"and {len(problems) - TOOLTIP_PROBLEMS:,} more (click to see them all)")
    # The folders past 64, and a config.toml that cannot be used, are notices about the
    # configuration, said in their own words (as the status bar says the first), not counted
    # as problems in the logs.
    count, capped = counted_past_cap(problems)
    configs = sum(1 for problem in problems if is_config_notice(problem))
    count -= configs
    noun = "problem" if count == 1 else "problems"
    if not count and not capped:
        text = f"⚠ {CONFIG_UNUSABLE}: {CONFIG_EFFECT} here."
        brief = f"⚠ {CONFIG_UNUSABLE_SHORT}"
    elif not count:
        text = f"⚠ {homes_cap_text()}: calls in the others are missing here."
        brief = f"⚠ {homes_cap_text(short=True)}"
    elif capped:
        text = (
            f"⚠ {count:,} {noun} in Codex's logs, and {homes_cap_text(within=True)}: some "
            "calls are missing here."
        )
        brief = f"⚠ {count:,} {noun} in Codex's logs; {homes_cap_text(short=True, within=True)}"
    else:
        text = f"⚠ {count:,} {noun} in Codex's logs: some calls {_left_out(count, dating)} here."
        brief = f"⚠ {count:,} {noun} in Codex's logs"
    if configs and (count or capped):
        text += f" Also, {CONFIG_UNUSABLE}."
    return _ProblemsLine(text, brief, "\n".join(shown), problems)


def problems_details(problems: tuple[str, ...], dating: int = 0) -> tuple[str, str]:
    """What the problems' window says above them (``dating`` of them only dating calls by
    guess), and each of them whole (a blank line between two: each may wrap over several
    lines)."""
    if not problems:
        return "Every log is read now: no problems left.", ""
    # The folders past 64, and a config.toml that cannot be used, are listed too, but not
    # counted as problems in the logs.
    count, capped = counted_past_cap(problems)
    configs = sum(1 for problem in problems if is_config_notice(problem))
    count -= configs
    config = f" {CONFIG_UNUSABLE}: {CONFIG_EFFECT} (below)." if configs else ""
    cap = f"{homes_cap_text()}: the calls in the others are missing from the usage."
    if not count and not capped:
        lead = f"{CONFIG_UNUSABLE}: {CONFIG_EFFECT} (below). The logs were counted as usual."
        return lead, "\n\n".join(problems)
    if not count:
        lead = f"{cap} The logs of those read were counted as usual."
        return lead + config, "\n\n".join(problems)
    noun = "problem" if count == 1 else "problems"
    held = "it holds" if count == 1 else "they hold"
    if dating >= count:
        effect = "are counted, but may be on the wrong day"
    else:
        effect = "may be missing from the usage" + (", or on the wrong day" if dating else "")
    lead = (
        f"{count:,} {noun} in Codex's logs: the calls {held} {effect}; the other logs were "
        "counted as usual."
    )
    return (f"{lead} {cap}" if capped else lead) + config, "\n\n".join(problems)


def _missing_message(recent: RecentUsage) -> tuple[str, tuple[str, ...]]:
    """Where the usage was looked for, when no home is a folder: what is there instead of a
    folder, else that none was found; and the folders it names, in their order, written as
    the live view writes them (``~/.codex``)."""
    kinds = dict(recent.not_folders)
    if not kinds:
        homes = tuple(home_text(Path(home)) for home in recent.missing_homes)
        return MISSING_MESSAGE.format(homes=", ".join(homes)), homes
    said = [f"{home_text(Path(home))} is {kinds[home]}, not a folder" for home in kinds]
    absent = [home_text(Path(home)) for home in recent.missing_homes if home not in kinds]
    if absent:
        said.append(f"{', '.join(absent)} {'was' if len(absent) == 1 else 'were'} not found")
    named = (*(home_text(Path(home)) for home in kinds), *absent)
    return NOT_A_FOLDER_MESSAGE.format(homes="; ".join(said)), named


def report_command(options: str = "", home_options: str = "") -> str:
    """``REPORT_COMMAND`` with ``options`` (`` --csv``) and the page's ``home_options``."""
    return f"{REPORT_COMMAND}{options}{home_options}"


def home_options(homes: tuple[str, ...]) -> str:
    """The ``--codex-home`` options that make ``report`` read ``homes``; none for Codex's
    default home alone, which it reads without (the first ``HINT_HOMES`` are named, the others
    counted: a hint stays short)."""
    if not homes:
        return ""
    try:
        default = default_codex_home()
    except RuntimeError:  # no home (paths.NoHomeError), so no default: each one is named
        default = None
    if [Path(home) for home in homes] == [default]:
        return ""
    return codex_home_options(homes, most=HINT_HOMES)


def building_message(progress: ReadProgress | None) -> str:
    """What the page says while the logs are read for the first time, with how far the
    reading is once it is under way ("… 21% of 20,000 logs read."): at 20,000 logs it takes
    seconds, and minutes on a slow disk, with nothing else moving on the page."""
    if progress is None or not progress.files_total:
        return BUILDING_MESSAGE
    return f"{BUILDING_START} {progress.text()} read. {BUILDING_ONCE}"


def usage_view(recent: RecentUsage) -> UsageView:
    """The view of the period (``recent.today`` and the ``recent.days`` - 1 days before it),
    or of why there is nothing to show yet."""
    notice = recent.notice or ""
    days = recent.days
    # Without the window's homes, the report would read other folders.
    options = home_options(recent.homes)
    if recent.error is not None:
        message = FAILED_MESSAGE.format(error=recent.error)
        return UsageView(UsageState.FAILED, message, notice=notice, home_options=options, days=days)
    if recent.waiting:
        return UsageView(
            UsageState.BUILDING, WAITING_MESSAGE, notice=notice, home_options=options, days=days
        )
    daily, projects, models = recent.daily, recent.projects, recent.models
    if recent.building or daily is None or projects is None or models is None:
        message = building_message(recent.progress)
        return UsageView(
            UsageState.BUILDING, message, notice=notice, home_options=options, days=days
        )
    notice = rebuilt(notice)  # the numbers below are read from the index made again
    today = recent.today
    problems = _problems(recent.problems, recent.dating_problems)
    rows = {row.key: row for row in daily.rows}
    totals = daily.totals.tally
    if totals.total == 0:  # calls of no tokens too: a page of zeros says nothing
        command = report_command(home_options=options)
        message = (
            QUIET_MESSAGE.format(days=days, command=command) if recent.recorded else EMPTY_MESSAGE
        )
        # A command line reads left to right, with its folders, in a window of either
        # direction (drawn as a path is).
        message_paths: tuple[str, ...] = (command,) if recent.recorded else ()
        if recent.closed_homes and not recent.recorded:
            closed = [(home_text(Path(home)), why) for home, why in recent.closed_homes]
            message = CLOSED_MESSAGE.format(closed=closed_homes_text(closed))
            message_paths = tuple(home for home, _ in closed)
        elif recent.missing_homes and not recent.recorded:
            message, message_paths = _missing_message(recent)
        elif recent.sessionless and not recent.recorded:
            message_paths = sessions_folders([Path(home) for home in recent.sessionless])
            blocked = blocked_sessions_folders(
                [(Path(home), kind) for home, kind in recent.blocked_sessions]
            )
            logs = logs_folders_said(
                [(Path(home), Path(meant)) for home, meant in recent.logs_folders]
            )
            message = no_sessions_folder_text(
                "usage", message_paths, NO_SESSIONS_FOLDER_THEN, blocked, logs
            )
            # The folders that sentence names, in their order, after the others.
            named = [(home_text(Path(h)), home_text(Path(m))) for h, m in recent.logs_folders]
            message_paths += tuple(path for pair in named for path in pair)
        return UsageView(
            UsageState.EMPTY,
            message,
            message_paths=message_paths,
            compact_line=compact_line(None),
            compact_short=compact_line(None, short=True),
            compact_tooltip=COMPACT_TIP,
            notice=notice,
            problems_text=problems.text,
            problems_short=problems.short,
            problems_tooltip=problems.tooltip,
            problems=problems.every,
            problems_dating=recent.dating_problems,
            generated_at=recent.generated_at,
            home_options=options,
            days=days,
        )
    totals_by_period = tuple(
        _period(label, [rows.get((today - timedelta(days=back)).isoformat()) for back in range(n)])
        for label, n in periods(days)
    )
    today_row = rows.get(today.isoformat())
    today_tally = _sum_tallies([today_row])
    left_out = _unpriced_line(unpriced_tokens(today_row), today_tally.total)
    cost_note, unpriced_note, note_names = _price_notes(daily, totals, days)
    return UsageView(
        UsageState.READY,
        compact_line=compact_line(today_tally, unpriced_tokens(today_row)),
        compact_short=compact_line(today_tally, unpriced_tokens(today_row), short=True),
        # What a "+" after the cost means, where it shows.
        compact_tooltip=f"{COMPACT_TIP}\n{left_out} (the + after the cost)"
        if today_tally.cost_usd is not None and left_out
        else COMPACT_TIP,
        totals=totals_by_period,
        chart=_chart(rows, first_day(today, days), daily.totals, days),
        projects=_table(projects.rows, totals, days=days),
        models=_table(models.rows, totals, model_label, days=days),
        cache_text=_cache_text(totals, unpriced_cached_tokens(daily.totals), days),
        cache_tooltip=_cache_tooltip(totals, unpriced_cached_tokens(daily.totals)),
        cost_note=cost_note,
        unpriced_text=unpriced_note,
        unpriced_names=note_names,
        notice=notice,
        zone_note=f"{unknown_zone_text(recent.unknown_zone)}." if recent.unknown_zone else "",
        problems_text=problems.text,
        problems_short=problems.short,
        problems_tooltip=problems.tooltip,
        problems=problems.every,
        problems_dating=recent.dating_problems,
        csv_text=report_csv(daily, recent.zone),
        generated_at=recent.generated_at,
        home_options=options,
        days=days,
    )


# -- pieces -------------------------------------------------------------------------------


def _sum_tallies(rows: Iterable[UsageRow | None]) -> Tally:
    total = Tally()
    for row in rows:
        if row is not None:
            total.merge(row.tally)
    return total


def _period(label: str, rows: list[UsageRow | None]) -> PeriodTotal:
    tally = _sum_tallies(rows)
    tally.price_no_calls()
    unpriced = sum(unpriced_tokens(row) for row in rows)
    tip = [
        f"{label}: {format_count(tally.total)} tokens in {format_count(tally.calls)} "
        f"model {'call' if tally.calls == 1 else 'calls'}",
        f"Input {format_count(tally.input)} (cached {format_count(tally.cached_input)}), "
        f"output {format_count(tally.output)} (reasoning {format_count(tally.reasoning_output)})",
        f"{COST_LABEL}: {_cost_text(tally.cost_usd)}",
    ]
    if tally.cost_usd is not None and (left_out := _unpriced_line(unpriced, tally.total)):
        tip.append(left_out)
    return PeriodTotal(
        label,
        tally.total,
        tokens_text(tally.total),
        tally.cost_usd,
        approx_money(tally.cost_usd, unpriced > 0, whole=True),
        "\n".join(tip),
    )


#: The colour of "Other models", and of no model: a sixth model of six takes one of its own.
OTHER_COLOR = CHART_MODELS - 1
#: Colours for the cost bars' models that the token bars do not name (after the chart's).
COST_COLORS = tuple(range(CHART_MODELS, CHART_MODELS + CHART_MODELS - 1))
#: The colour of the token bars' sixth model when there are six (a heavy month's gpt-5.5,
#: 5.4, 5.3-codex, 5.2-codex, 5.1-codex-mini and -max): in the grey, it read as "Other".
SIXTH_COLOR = COST_COLORS[0]


#: The colours a model can have of its own: the token bars' first, then the cost bars' (all
#: but the grey of "Other models").
OWN_COLORS = (*range(OTHER_COLOR), *COST_COLORS)
#: Models whose colour is kept for a later chart (``kept_colors``), at most.
KEPT_COLORS = 64


def kept_colors(chart: ChartView, kept: Mapping[str, int]) -> tuple[ChartView, dict[str, int]]:
    """``chart`` with each model drawn in the colour ``kept`` gives it (the charts shown
    before: another period, an earlier day), where no model before it in this chart took that
    colour; and the colours to keep for the next. Ranked afresh, the colours had followed each
    period's order: a switch from 30 to 7 days swapped the blue and the amber of two models.
    One model keeps one colour in both modes: the colours are only exchanged for others."""
    named = [
        (label, color)
        for label, color in (
            *zip(chart.series, chart.colors, strict=False),
            *zip(chart.cost_series, chart.cost_colors, strict=False),
        )
        if label != OTHER_MODELS
    ]
    to: dict[int, int] = {}
    for label, color in named:  # the wishes first, in the chart's order
        wish = kept.get(label, OTHER_COLOR)
        if color not in to and wish in OWN_COLORS and wish not in to.values():
            to[color] = wish
    for _label, color in named:  # then its own colour where free, else the first free one
        if color not in to:
            taken = set(to.values())
            to[color] = next(c for c in (color, *OWN_COLORS) if c not in taken)
    now = {label: to[color] for label, color in named}
    earlier = {
        label: color
        for label, color in kept.items()
        if label not in now and color not in now.values()
    }
    keep = dict(list({**earlier, **now}.items())[-KEPT_COLORS:])
    if all(old == new for old, new in to.items()):
        return chart, keep

    def colored(segments: tuple[BarSegment, ...]) -> tuple[BarSegment, ...]:
        return tuple(replace(part, color=to.get(part.color, part.color)) for part in segments)

    days = tuple(
        replace(day, segments=colored(day.segments), cost_segments=colored(day.cost_segments))
        for day in chart.days
    )
    return (
        replace(
            chart,
            days=days,
            colors=tuple(to.get(color, color) for color in chart.colors),
            cost_colors=tuple(to.get(color, color) for color in chart.cost_colors),
        ),
        keep,
    )


class _Stacking:
    """One mode's series: their labels, each model's series and each series' colour."""

    __slots__ = ("colors", "index", "labels", "shown")

    def __init__(self, names: list[str], own_colors: dict[str, int] | None = None) -> None:
        """``names`` ranked; ``own_colors``: the colours the token bars gave their models, kept
        for the cost bars (None: the token bars themselves, coloured in rank order). A cost
        bar's model without one takes a colour the token bars do not use (``COST_COLORS``
        first): a colour never names two models between the modes."""
        if len(names) > CHART_MODELS:
            shown = names[: CHART_MODELS - 1]
            self.labels = (*(_legend_name(name) for name in shown), OTHER_MODELS)
            self.index = {name: min(i, CHART_MODELS - 1) for i, name in enumerate(names)}
        else:
            shown = names
            self.labels = tuple(_legend_name(name) for name in names)
            self.index = {name: i for i, name in enumerate(names)}
        self.shown = shown
        if own_colors is None:
            colors = [i if i < OTHER_COLOR else SIXTH_COLOR for i in range(len(shown))]
        else:
            used = set(own_colors.values())
            free = iter([c for c in (*COST_COLORS, *range(OTHER_COLOR)) if c not in used])
            colors = [
                own_colors[name] if name in own_colors else next(free, OTHER_COLOR)
                for name in shown
            ]
        self.colors = tuple(colors) + ((OTHER_COLOR,) if len(names) > CHART_MODELS else ())

    def own_colors(self) -> dict[str, int]:
        """The colour of each model that has one of its own (not "Other models")."""
        return {name: self.colors[i] for i, name in enumerate(self.shown)}

    def segments(self, models: dict[str, Tally]) -> tuple[BarSegment, ...]:
        """A day's parts in this mode (the models it has no series for are left out)."""
        sums: dict[int, list[float]] = {}
        for model, tally in models.items():
            series = self.index.get(model)
            if series is not None:
                part = sums.setdefault(series, [0, 0.0])
                part[0] += tally.total
                part[1] += tally.cost_usd or 0.0
        return tuple(
            BarSegment(i, int(part[0]), part[1], self.colors[i])
            for i, part in sorted(sums.items())
            if part[0]
        )


#: A legend entry never breaks inside its name: a longer name is cut in its middle, so that
#: one 10,000-character model name cannot make the page (and the window) 65,000 px wide.
LEGEND_NAME_CHARS = 48
#: The same for a name in the note on models without a price, which has lines to wrap in.
NOTE_NAME_CHARS = 120


def _legend_name(model: str) -> str:
    return shortened(model_label(model), LEGEND_NAME_CHARS)


def _series(totals: UsageRow) -> tuple[_Stacking, _Stacking]:
    """The token bars' models, most used first, and the cost bars' (those with a cost), the
    costliest first; past the chart's colours, the rest are "Other models"."""
    models = totals.models
    by_tokens = sorted(models, key=lambda name: (-models[name].total, name))
    tokens = _Stacking(by_tokens)
    priced = [name for name in by_tokens if (models[name].cost_usd or 0.0) > 0]
    by_cost = sorted(priced, key=lambda name: (-(models[name].cost_usd or 0.0), name))
    return tokens, _Stacking(by_cost, tokens.own_colors())


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _chart(rows: dict[str, UsageRow], first: date, totals: UsageRow, days: int) -> ChartView:
    tokens, cost = _series(totals)
    bars = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = rows.get(day.isoformat())
        models = row.models if row is not None else {}
        tally = row.tally if row is not None else Tally()
        bars.append(
            DayBar(
                day,
                _day_label(day),
                tokens.segments(models),
                tally.total,
                tally.cost_usd,
                _day_tooltip(
                    day,
                    row,
                    tokens.index,
                    totals.tally.cost_usd is not None,
                    today=offset == days - 1,  # the axis says "Today" under it: so does this
                ),
                cost.segments(models),
                _day_tooltip(
                    day,
                    row,
                    cost.index,
                    totals.tally.cost_usd is not None,
                    today=offset == days - 1,
                    by_cost=True,
                ),
            )
        )
    return ChartView(
        tuple(bars),
        tokens.labels,
        max((bar.tokens for bar in bars), default=0),
        max((bar.cost_usd or 0.0 for bar in bars), default=0.0),
        any(bar.cost_usd is not None for bar in bars),
        tokens.colors,
        cost.labels,
        cost.colors,
        tuple(
            label
            for label in map(model_label, dict.fromkeys((*tokens.shown, *cost.shown)))
            if len(label) > LEGEND_NAME_CHARS
        ),
    )


def _tip_tokens(count: int) -> str:
    """Tokens in a tooltip's line: ``1.2M tokens``; every digit where the short form says
    only a bound (``>999T``: a damaged log's counts, which the tables cannot tell apart)."""
    text = tokens_text(count)
    return f"{format_count(count)} tokens" if text.startswith(">") else text


def _value_text(tally: Tally, unpriced: int = 0) -> str:
    """``1M tokens · ~$2.00`` (``~$2.00+`` when ``unpriced`` tokens are not in it)."""
    text = _tip_tokens(tally.total)
    if tally.cost_usd is not None:
        # Every digit from a million up, where the page's cells say "~$1.04M".
        text += f" · {approx_money(tally.cost_usd, unpriced > 0, digits=True)}"
    return text


def _cost_text(cost: float | None) -> str:
    """A cost in a tooltip's line: ``$3.40``, or that no price is known (not a bare dash)."""
    return "no known price" if cost is None else money(cost)


def _model_text(tally: Tally, priced: bool) -> str:
    """A model's line in a tooltip: says so when its price is not known (and the library
    knows others': ``priced``)."""
    if tally.cost_usd is None and priced:
        return f"{_tip_tokens(tally.total)} · no known price"
    return _value_text(tally)


#: A tooltip names this many models at most, the rest on one line: a day of 60 models had
#: made one taller than the screen, its date above the top.
TIP_MODELS = 12


def _model_lines(models: list[tuple[str, Tally]], priced: bool, indent: str = "") -> list[str]:
    """A tooltip's line for each model, in this order, up to ``TIP_MODELS`` lines: past
    them, the last says how many other models there are and what they used together."""
    shown = models if len(models) <= TIP_MODELS else models[: TIP_MODELS - 1]
    lines = [
        f"{indent}{model_label(model)}: {_model_text(tally, priced)}" for model, tally in shown
    ]
    if len(shown) < len(models):
        rest = Tally()
        unpriced = 0
        for _, tally in models[len(shown) :]:
            rest.merge(tally)
            unpriced += tally.total if tally.cost_usd is None else 0
        # Partly priced: the cost says that some of the tokens are not in it (``+``).
        text = _model_text(rest, priced) if rest.cost_usd is None else _value_text(rest, unpriced)
        lines.append(f"{indent}{format_count(len(models) - len(shown))} other models: {text}")
    return lines


def _day_tooltip(
    day: date,
    row: UsageRow | None,
    index: dict[str, int],
    priced: bool = True,
    *,
    today: bool = False,
    by_cost: bool = False,
) -> str:
    """A day's bar's tooltip: each model's tokens and cost (``priced``: some model of the
    period has a price, so one without it is said to have none, even on a day of its own),
    in the order of the series ``index`` gives (``by_cost``: the cost bars', models without
    a cost last, each series' models the costliest first)."""
    heading = ("Today, " if today else "") + f"{day:%A} {day.day} {day:%B %Y}"
    if row is None or row.tally.total == 0:
        return f"{heading}\nNo usage"
    lines = [heading]
    last = len(index)
    models = sorted(
        row.models.items(),
        key=lambda item: (
            index.get(item[0], last),
            -(item[1].cost_usd or 0.0) if by_cost else 0.0,
            -item[1].total,
            item[0],
        ),
    )
    lines += _model_lines(models, priced)
    if len(models) > 1:
        lines.append(f"Total: {_value_text(row.tally, unpriced_tokens(row))}")
    return "\n".join(lines)


def rounded_percents(parts: list[int]) -> list[int]:
    """Each part's share of their sum, in whole percents rounded to the nearest (halves up):
    equal parts get equal percents, and each reads as its numbers do, though a column of
    them may add up to 99 % or 101 % (as 33 + 33 + 33)."""
    whole = sum(parts)
    if whole <= 0:
        return [0] * len(parts)
    # In integers: a float's 40.5 may be 40.49999.
    return [(part * 200 + whole) // (2 * whole) for part in parts]


def _cost_shares(rows: list[UsageRow]) -> list[tuple[float | None, str]]:
    """Each row's share of the rows' estimated cost, and its text: a dash for a row without
    a known price, and for every row when nothing is priced or all of it cost nothing (a
    share of nothing is no share at all)."""
    # In whole micro-dollars for ``rounded_percents``: cents would round a $0.004 row away.
    costs = [row.tally.cost_usd for row in rows]
    micros = [round(cost * 1_000_000) if cost is not None else 0 for cost in costs]
    whole = sum(micros)
    if whole <= 0:
        return [(None, NO_VALUE)] * len(rows)
    percents = rounded_percents(micros)
    return [
        (None, NO_VALUE) if cost is None else (part / whole, percent_share(part / whole, percent))
        for cost, part, percent in zip(costs, micros, percents, strict=True)
    ]


def _table(
    rows: list[UsageRow],
    totals: Tally,
    label: Callable[[str], str] = shown_key,
    *,
    days: int = DAYS,
) -> tuple[TableRow, ...]:
    result = []
    # Whole percents of the rows' sum: the rows are all of the totals (a table by project or
    # by model).
    percents = rounded_percents([row.tally.total for row in rows])
    cost_shares = _cost_shares(rows)
    for row, percent, (cost_share, cost_share_text) in zip(
        rows, percents, cost_shares, strict=True
    ):
        tally = row.tally
        share = tally.total / totals.total if totals.total else 0.0
        share_text = percent_share(share, percent)
        name = label(row.key) or NO_PROJECT
        unpriced = unpriced_tokens(row)
        cost_line = f"{COST_LABEL}: {_cost_text(tally.cost_usd)}"
        if cost_share is not None:
            cost_line += f" ({cost_share_text} of the cost)"
        tip = [
            name,
            f"{format_count(tally.total)} tokens ({share_text} of the last {days} days)",
            cost_line,
        ]
        if len(row.models) > 1 or (row.models and next(iter(row.models)) != row.key):
            priced = totals.cost_usd is not None
            tip.append("By model:")
            by_tokens = sorted(row.models.items(), key=lambda item: (-item[1].total, item[0]))
            tip += _model_lines(by_tokens, priced, "  ")
        # Last: the models listed above it are not what it is about.
        if tally.cost_usd is not None and (left_out := _unpriced_line(unpriced, tally.total)):
            tip.append(left_out)
        result.append(
            TableRow(
                name,
                tally.total,
                format_tokens_compact(tally.total, trailing_zeros=True),  # a column: "27.0M"
                tally.cost_usd,
                approx_money(tally.cost_usd, unpriced > 0)
                if tally.cost_usd is not None
                else NO_VALUE,
                share,
                share_text,
                "\n".join(tip),
                cost_share,
                cost_share_text,
            )
        )
    return tuple(result)


def _cache_text(totals: Tally, unpriced_cached: int, days: int = DAYS) -> str:
    """``unpriced_cached``: the hits of models without a price, which the saving leaves out."""
    if totals.cache_hit_ratio is None:
        return f"No input in the last {days} days, so no cache hits."
    return cache_hits_text(totals, f" over {days} days", partial=unpriced_cached > 0)


def _cache_tooltip(totals: Tally, unpriced_cached: int) -> str:
    text = (
        f"{format_count(totals.cached_input)} of {format_count(totals.input)} input tokens "
        "were served from OpenAI's prompt cache, which the API bills at a lower price."
    )
    if totals.savings_usd is not None and totals.savings_usd > 0:
        text += (
            f"\nSaved {money(totals.savings_usd)}: those tokens at the full input price, less "
            "what they cost cached (an API-equivalent estimate)."
        )
        if unpriced_cached:
            text += (
                f"\nNot in the saving: {format_count(unpriced_cached)} cached tokens of "
                "models with no known API price."
            )
    return text


def _price_notes(
    daily: UsageReport, totals: Tally, days: int = DAYS
) -> tuple[str, str, tuple[str, ...]]:
    """The notes under the tables: the cost's caption, with the library its prices came from,
    and the note on models without a price, with the names in it (see ``_unpriced_text``).
    When nothing could be priced, only why, in plain words: the library's name and version
    had stood under a column of dashes, as if it had priced them."""
    if totals.cost_usd is not None:
        partial = unpriced_tokens(daily.totals) > 0
        note, names = _unpriced_text(daily.unpriced_models, partial, days=days)
        return f"{ESTIMATE_NOTE} Prices: {unbroken(daily.price_source)}.", note, names
    if unavailable_prices(daily.price_source):
        return "", f"No cost is estimated: prices are {daily.price_source}.", ()
    note, names = _unpriced_text(daily.unpriced_models, priced=False, days=days)
    return "", note, names


def _unpriced_text(
    models: list[str], partial: bool = False, *, priced: bool = True, days: int = DAYS
) -> tuple[str, tuple[str, ...]]:
    """The note on models without a price, and the names in it (as shown, the unlogged one's
    too), in their order: each is drawn in its own direction. ``partial`` when some cost
    shown leaves their tokens out (and so carries a ``+``); not ``priced`` when no model has
    a price (no cost is shown at all)."""
    if not models:
        return "", ()
    # In a wrapped line, with room for a long name (but not for one that would not break).
    names = [shortened(name, NOTE_NAME_CHARS) for name in unpriced_names(models)]
    named = tuple(names)
    if not priced and len(names) > UNPRICED_NAMED + 1:
        # Named, some of them would read as if the others had a price.
        return (
            f"None of the {len(names):,} models used in the last {days} days has a known API "
            "price, so no cost is estimated: their tokens are counted (the By model table "
            "lists them).",
            (),
        )
    if len(names) > UNPRICED_NAMED + 1:  # (one more is named); the By model table has all
        more = len(names) - UNPRICED_NAMED
        names[UNPRICED_NAMED:] = [f"{more:,} other models"]
        named = named[:UNPRICED_NAMED]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    which = "its" if len(names) == 1 else "their"
    if not priced:
        # The names after a colon: in brackets, "(model not logged)" had read "((model…))".
        lead = (
            f"The model used in the last {days} days has no known API price"
            if len(names) == 1
            else f"None of the models used in the last {days} days has a known API price"
        )
        return f"{lead}: {listed}. No cost is estimated; {which} tokens are counted.", named
    marked = " (a cost marked + leaves them out)" if partial else ""
    text = (
        f"No API price is known for {listed}: {which} tokens are counted, but not in the "
        f"costs{marked}."
    )
    return text, named
