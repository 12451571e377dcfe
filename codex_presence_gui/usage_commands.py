"""The ``report`` command: tokens and API-equivalent cost by day, week, month, session, project
or model, from the usage index (updated first, reading only what changed since last time).

NOTE: Qt-free; the price library is imported only when a cost is computed.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, tzinfo

from codex_presence_gui.core.zones import (
    REPORT_KINDS,
    local_zone,
    unknown_zone_setting,
    unknown_zone_text,
)

TYPE_CHECKING = False  # typing (and re) are not imported: see core.records
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator, Sequence
    from types import SimpleNamespace
    from typing import Any, TextIO, TypeVar

    from codex_presence_gui.core.problems import Problem
    from codex_presence_gui.core.usage_index import ReadProgress, UpdateResult
    from codex_presence_gui.core.usage_report import SumsSoFar, UsageReport

    _T = TypeVar("_T")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NO_HOME = 2
#: What argparse exits with for any other bad argument (such as a date not YYYY-MM-DD).
EXIT_USAGE = 2
#: A report stopped by Ctrl+C (128 + SIGINT, as shells expect).
EXIT_INTERRUPTED = 130
#: The text report's width bounds: narrower is unreadable (at 40, the table shows its names,
#: Total and Cost only), wider only spreads the numbers.
TEXT_WIDTHS = (40, 120)
#: The characters of an unknown zone's name an error quotes (the longest key has 30).
ZONE_NAME_SHOWN = 60


def _text_width() -> int:
    """The text report's width: ``COLUMNS``, else the terminal's, else 80 (a pipe, a file),
    within ``TEXT_WIDTHS``."""
    text = os.environ.get("COLUMNS", "")
    # ASCII digits only, and few of them ("²" is a digit to isdigit, and int refuses it).
    if text.isascii() and text.isdigit() and len(text) <= 6 and int(text) > 0:
        width = int(text)
    else:
        try:
            width = os.get_terminal_size(sys.stdout.fileno()).columns
        except (AttributeError, OSError, ValueError):  # not a terminal, or no stdout at all
            width = 80
    return min(max(width, TEXT_WIDTHS[0]), TEXT_WIDTHS[1])


def add_report_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """The ``report`` sub-command's parser."""
    report = commands.add_parser(
        "report",
        help="print tokens and API-equivalent cost by day, week, month, session, project or model",
        description=(
            "Print token usage and its API-equivalent cost (an estimate: subscriptions do not "
            "pay per token). The first run reads every log into an index in the cache folder; "
            "later runs read only what was written since. Exit codes: 0 success, 1 the logs "
            "cannot be summed, 2 no Codex folder or a usage error (such as a bad date or zone)."
        ),
    )
    report.add_argument(
        "kind",
        choices=REPORT_KINDS,
        # Named by its choices in errors too ("required: {daily,...}"), not by "kind".
        metavar="{" + ",".join(REPORT_KINDS) + "}",
        help="how to group the usage",
    )
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print one JSON object (schema 1)")
    formats.add_argument("--csv", action="store_true", help="print CSV, one line per row and model")
    report.add_argument(
        "--breakdown",
        action="store_true",
        help="in the text table, a line for each model under each row (--json and --csv have "
        "them already)",
    )
    report.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="first day to count (or YYYYMMDD)"
    )
    report.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help="last day to count (or YYYYMMDD)"
    )
    report.add_argument(
        "--timezone",
        metavar="TZ",
        help=(
            "time zone of days, weeks and months, e.g. UTC or Europe/Paris, or a fixed offset"
            " from UTC such as +05:30 or -08:00 (default: local)"
        ),
    )
    return report


def _day(text: str) -> date:
    day = parsed_day(text)
    if day is None:
        import argparse

        if _is_day_form(text):
            raise argparse.ArgumentTypeError(f"no such day in the calendar: {text!r}")
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD or YYYYMMDD (such as 2026-11-29), not {text!r}"
        )
    return day


def _day_digits(text: str) -> str | None:
    """The eight ASCII digits of ``YYYY-MM-DD`` or ``YYYYMMDD`` (ccusage's form, which its
    users type); None for any other text (``date.fromisoformat`` also takes ``2026-W48-7``
    and ``2026-333``, which nobody means by a day)."""
    digits = (
        text[:4] + text[5:7] + text[8:] if len(text) == 10 and text[4] + text[7] == "--" else text
    )
    return digits if len(digits) == 8 and digits.isascii() and digits.isdigit() else None


def _is_day_form(text: str) -> bool:
    return _day_digits(text) is not None


def parsed_day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` or ``YYYYMMDD`` date; None for any other text or a day not in the
    calendar."""
    digits = _day_digits(text)
    if digits is None:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:  # a month or day out of range
        return None


#: The report's options that take one value, and where argparse keeps it.
_VALUE_OPTIONS = {"--since": "since", "--until": "until", "--timezone": "timezone"}


def read_report_options(argv: Sequence[str]) -> dict[str, Any] | None:
    """What argparse makes of the arguments after ``report`` (see ``add_report_command``)
    when they are the kind, then options spelled out in full with values that do not start
    with ``-``; None for anything else (help, abbreviations, errors), which argparse reads."""
    if not argv or argv[0] not in REPORT_KINDS:
        return None
    options: dict[str, Any] = {
        "kind": argv[0],
        "json": False,
        "csv": False,
        "breakdown": False,
        "since": None,
        "until": None,
        "timezone": None,
        "command_homes": [],
    }
    index = 1
    while index < len(argv):
        name = argv[index]
        index += 1
        if name in ("--json", "--csv", "--breakdown"):
            options[name.removeprefix("--")] = True
            continue
        if name != "--codex-home" and name not in _VALUE_OPTIONS:
            return None
        values: list[str] = []
        while index < len(argv) and not argv[index].startswith("-"):
            values.append(argv[index])
            index += 1
            if name != "--codex-home":
                break  # one value; the codex homes take every one up to the next option
        if not values:
            return None
        if name == "--codex-home":
            if not all(value.strip() for value in values):
                return None  # argparse says what is wrong with an empty folder
            options["command_homes"].extend(value.strip() for value in values)  # as argparse
        elif name == "--timezone":
            options["timezone"] = values[0]
        else:
            day = parsed_day(values[0])
            if day is None:
                return None  # argparse says what is wrong
            options[_VALUE_OPTIONS[name]] = day
    if options["json"] and options["csv"]:
        return None
    return options


def _zone(name: str | None) -> tzinfo:
    if name is None:
        return local_zone()
    if not name.strip():  # `--timezone "$UNSET"` is a mistake, not a wish for the local zone
        raise ValueError(
            "--timezone needs a zone's name, such as UTC or Europe/Paris "
            "(without --timezone, the local zone is used)"
        )
    if name == "localtime":
        # Debian's zone folder links it to /etc/localtime: the machine's zone, by its name
        # ("Days in the localtime time zone" had named none).
        return local_zone()
    if name.startswith(("+", "-")):
        return _fixed_offset(name)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        key = _zone_key_in_any_case(name)
        if key is None:
            from codex_presence_gui.core.formatting import shortened

            # Cut, and said once: a name of thousands of characters had filled the screen
            # twice over (zoneinfo's words repeat it).
            shown = shortened(name, ZONE_NAME_SHOWN)
            # zoneinfo's own words name its internals ("ZoneInfo keys must refer to
            # subdirectories of TZPATH", "Invalid TZif file"): a path or a file that is not
            # a zone is said to be no zone's name.
            why = (
                _offset_hint(name) or "no zone of that name on this system"
                if isinstance(error, ZoneInfoNotFoundError)
                else "not a zone's name (a name such as Europe/Paris or UTC, not a path)"
            )
            raise ValueError(f"unknown time zone {shown!r}: {why}") from None
        return ZoneInfo(key)


#: The most an offset from UTC is ahead (Kiribati's +14:00) and behind (Baker Island's -12:00).
MAX_OFFSET_HOURS = 14
MAX_BEHIND_HOURS = 12


def _offset_parts(text: str) -> tuple[int, int, int] | None:
    """The sign (1 east of UTC, -1 west), hours and minutes of ``+05:30``, ``-0800`` or
    ``+3``, as ISO 8601 writes an offset; None for any other text."""
    import re

    match = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", text, flags=re.ASCII)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    return (1 if sign == "+" else -1), int(hours), int(minutes or 0)


def _fixed_offset(name: str) -> tzinfo:
    """``--timezone +05:30``: days counted at that fixed offset from UTC."""
    from datetime import timedelta, timezone

    parts = _offset_parts(name)
    if parts is None:
        raise ValueError(
            f"unknown time zone {name[:ZONE_NAME_SHOWN]!r}: an offset from UTC is written "
            "such as +05:30, +0530 or -08"
        )
    sign, hours, minutes = parts
    if minutes % 15:
        # The index keeps each quarter hour's sums (of UTC): a day that began at 00:07 would
        # cut one in two. Every zone in use today is a whole number of quarter hours off UTC.
        raise ValueError(f"unknown time zone {name!r}: an offset's minutes are 00, 15, 30 or 45")
    if minutes >= 60:
        raise ValueError(f"unknown time zone {name!r}: an offset's minutes go up to 59")
    most, way = (MAX_OFFSET_HOURS, "ahead of") if sign > 0 else (MAX_BEHIND_HOURS, "behind")
    if hours * 60 + minutes > most * 60:
        # -13 had been taken for a zone's days, as if it were +13.
        raise ValueError(
            f"unknown time zone {name!r}: no place is more than {most} hours {way} UTC"
        )
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _offset_hint(name: str) -> str | None:
    """What to type instead of ``UTC+3`` or ``GMT-5:30``, a name no zone has (and whose sign
    POSIX's TZ reads the other way round): the offset alone, which says which way it goes.
    None for any other name."""
    prefix = name[:3].upper()
    parts = _offset_parts(name[3:]) if prefix in ("UTC", "GMT") else None
    if parts is None:
        return None
    from codex_presence_gui.core.formatting import counted

    sign, hours, minutes = parts
    if not hours and not minutes:
        return "a zone's name takes no offset; for UTC's own days, use --timezone UTC"
    offset = f"{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d}"
    amount = " ".join(
        counted(number, unit) for number, unit in ((hours, "hour"), (minutes, "minute")) if number
    )
    spelled = f"--timezone {offset}"  # (a "-" value too: see cli.offsets_joined)
    return (
        f"a zone's name takes no offset; for days {amount} "
        f"{'ahead of' if sign > 0 else 'behind'} UTC, use {spelled}, "
        "or the zone of a place, such as Europe/Paris"
    )


def _zone_key_in_any_case(name: str) -> str | None:
    """The zone's key that ``name`` spells in another case (``utc``, ``europe/paris``: zone
    files are found by case on Linux only), ``UTC`` for ``Z``, else None. Only once the name
    itself is not found: listing every zone takes longer than a repeat report."""
    from zoneinfo import available_timezones

    if name.upper() == "Z":
        return "UTC"
    wanted = name.casefold()
    keys = sorted(key for key in available_timezones() if key.casefold() == wanted)
    return keys[0] if keys else None


def run_report(args: argparse.Namespace | SimpleNamespace, homes_given: list[str]) -> int:
    """Update the index, then print the report."""
    import gc

    collecting = gc.isenabled()
    try:
        return _run_report(args, homes_given, collecting)
    finally:
        if collecting:
            gc.enable()  # (turned off while the report is made: see _run_report)


#: What the first Ctrl+C says at once in a terminal, before the update has ended.
STOPPING_TEXT = "report: stopping after the logs being read; Ctrl+C again ends at once."


class _CtrlC:
    """Ctrl+C while the index is brought up to date: the update ends after the log it is on
    and keeps what it read (a first build of a big home had lost minutes of reading to one
    key press). A second Ctrl+C ends at once, as before. Only in the main thread, where
    Python hears the signal."""

    def __init__(self) -> None:
        self.pressed = False
        self._before: Any = None
        self.progress: _ProgressLine | None = None  # taken back before anything is said

    def __enter__(self) -> _CtrlC:
        # CPython's ``_signal``, which ``signal`` wraps in enums: importing those (and
        # ``threading``) was a tenth of a repeat report's own time.
        import _signal  # type: ignore[import-not-found]

        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
            try:  # (not ignored, not another's)
                self._before = _signal.signal(_signal.SIGINT, self._press)
            except ValueError:  # not the main thread, where Python hears no signal
                self._before = None
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._before is not None:
            import _signal

            _signal.signal(_signal.SIGINT, self._before)
            self._before = None

    def _press(self, _number: int, _frame: object) -> None:
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True
        # Said at once to someone at the terminal: the logs being read end within a moment,
        # but a stalled disk holds a worker up to ``STOP_GRACE_S``, which had read as a key
        # press not heard. (A script's stderr gets the one line at the end only.)
        if self.progress is not None:  # the stop is said instead, on a line of its own
            self.progress.clear()
            self.progress.quiet = True
        try:
            if sys.stderr.isatty():
                sys.stderr.write(STOPPING_TEXT + "\n")
                sys.stderr.flush()
        except (OSError, ValueError, AttributeError):  # closed, or no stderr at all
            pass

    def __call__(self) -> bool:
        return self.pressed


#: A first build says how far it is in a terminal only once it has taken this long: most
#: homes are read in well under a second, where a line shown and taken back would flicker.
PROGRESS_AFTER_S = 1.0
#: How often that line is written again.
PROGRESS_EVERY_S = 0.25


class _ProgressLine:
    """How far an update's reading is, on one line of a terminal's stderr that is written
    over as it goes and taken back at its end ("report: reading your Codex logs… 25% of
    20,000 logs"): a first build of a big home, or on a slow disk, takes seconds to minutes
    with nothing said. Nothing is written where stderr is no terminal (a script's log)."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.told_at = 0.0
        self.shown = 0  # the length of the line shown, to take back
        self.quiet = False  # set once the update is being stopped: said otherwise

    def __call__(self, progress: ReadProgress) -> None:
        now = time.monotonic()
        early = now - self.began < PROGRESS_AFTER_S or now - self.told_at < PROGRESS_EVERY_S
        if early or self.quiet or progress.files_read >= progress.files_total:
            return
        self.told_at = now
        told = progress.text()
        width = _text_width() - 1  # one line: a wrapped one could not be written over
        text = f"report: reading your Codex logs into the usage index… {told}"
        if len(text) > width:  # a narrow terminal: how far it is comes first
            text = f"report: {told} read"[: max(20, width)]
        self._write("\r" + text + " " * max(0, self.shown - len(text)))
        self.shown = len(text)

    def clear(self) -> None:
        """Take the line back (before anything else is said, and at the update's end)."""
        if self.shown:
            self._write("\r" + " " * self.shown + "\r")
            self.shown = 0

    @staticmethod
    def _write(text: str) -> None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):  # closed, or no stderr at all
            pass


def _progress_line() -> _ProgressLine | None:
    """A ``_ProgressLine`` where stderr is a terminal, else None."""
    try:
        return _ProgressLine() if sys.stderr.isatty() else None
    except (OSError, ValueError, AttributeError):
        return None


class _StoppedError(Exception):
    """The update was stopped by Ctrl+C, having read ``read`` logs into an index in a file
    (``kept``) or in memory."""

    def __init__(self, read: int, kept: bool) -> None:
        super().__init__(read, kept)
        self.read = read
        self.kept = kept


def _stopped_text(stopped: _StoppedError) -> str:
    """What a report stopped by Ctrl+C says of the logs it read."""
    if not stopped.read or not stopped.kept:
        return "report: stopped (Ctrl+C)."
    from codex_presence_gui.core.formatting import counted

    return (
        f"report: stopped (Ctrl+C); the {counted(stopped.read, 'log')} read so far "
        f"{'is' if stopped.read == 1 else 'are'} kept in the usage index, and the next report "
        "goes on from there."
    )


def _run_report(
    args: argparse.Namespace | SimpleNamespace, homes_given: list[str], collecting: bool
) -> int:
    try:
        zone = _zone(args.timezone)
    except ValueError as error:
        _say([f"report: {error}"])
        return EXIT_USAGE
    if args.since and args.until and args.since > args.until:
        print("report: --since is after --until", file=sys.stderr)
        return EXIT_USAGE
    # Imported here: the parser above is built for every command, this only for reports.
    from codex_presence_gui import paths
    from codex_presence_gui.core.discovery import (
        capped_homes,
        codex_home_options,
        home_texts,
        left_out_message,
        no_home_message,
        no_sessions_messages,
    )
    from codex_presence_gui.core.pricing import Pricer, library_version, unavailable_prices
    from codex_presence_gui.core.report_cache import (
        MAX_KEPT_CHARS,
        keep_report,
        keep_sums,
        kept_report,
        kept_sums,
    )
    from codex_presence_gui.core.usage_index import (
        INDEX_NAME,
        SLOT_SECONDS,
        UsageIndex,
        index_problem,
        is_busy,
        rebuilt,
    )

    # Homes and the index's file as text: a repeat makes no path object (see home_texts).
    chosen, unusable = paths.settings_homes() if not homes_given else ([], None)
    # The first MAX_HOMES are read; the others are said not to be, after the report.
    homes, not_read = capped_homes(home_texts(homes_given or chosen))
    # Absolute: the index knows a home by its text, and "home" is another folder elsewhere.
    existing = [os.path.abspath(home) for home in homes if os.path.isdir(home)]
    if not existing:
        print(no_home_message(homes, from_settings=bool(chosen)), file=sys.stderr)
        if unusable is not None:  # why the folders chosen in Settings were not looked in
            from codex_presence_gui.core.problems import warning_line

            print(warning_line(unusable), file=sys.stderr)
        return EXIT_NO_HOME
    closed: list[str] = []  # homes that cannot be opened: their folders' problems unsaid
    said: list[str] = []  # the warnings about the homes and settings, as sentences
    if args.timezone is None and (setting := unknown_zone_setting()) is not None:
        # (In the words of the Usage page's note.)
        said.append(f"{unknown_zone_text(setting)}. Use --timezone to choose.")
    if unusable is not None:
        said.append(unusable)
    if not_read:
        from codex_presence_gui.core.problems import homes_cap_text

        said.append(homes_cap_text(left_out=not_read))
    folders: list[str] = []
    for home in homes:
        left_out = left_out_message(home)
        if left_out is not None:  # a typo in one of two homes would undercount unsaid
            said.append(left_out)
        else:
            folders.append(home)
    # A home without logs would only be "no token usage" (often the sessions folder given for
    # the home): say why (the homes merely without one together, not a line each).
    for about, message in no_sessions_messages(folders):
        said.append(message)
        if about is not None and message.startswith("cannot open"):
            closed.append(os.path.join(os.path.abspath(about), ""))
    warnings: list[str] = []  # said after the report, where they are read (see _warn)
    if said:  # (a repeat with nothing to say imports nothing for them)
        from codex_presence_gui.core.problems import warning_line

        warnings = [warning_line(text) for text in said]
    import gc
    import sqlite3
    from functools import cache

    # Read once: a terminal resized while the report is made must not have the report
    # written at one width kept as the one for another.
    width = _text_width()
    cache_folder = paths.folder("cache")
    key: bytes | None = None  # the report's key among kept reports (None: not kept)
    mark: str | None = None  # the index's mark of the sums the report is made from
    made_at = 0.0  # when (the clock the key reads)

    ctrl_c = _CtrlC()

    def build(index: UsageIndex) -> tuple[UpdateResult, UsageReport | str]:
        nonlocal key, mark, made_at
        if collecting:  # (again, when damage or a failed index makes this run twice)
            gc.enable()  # the update's worker processes (forked) keep collecting

        @cache
        def priced() -> Pricer:  # made when first asked for: a kept report asks for none
            return Pricer(store=index)  # reads the prices kept in the index

        ctrl_c.progress = _progress_line()
        try:
            with ctrl_c:
                result = index.update(
                    existing,
                    workers=min(os.cpu_count() or 1, 4),
                    should_stop=ctrl_c,
                    while_reading=lambda: priced().warm_up(),
                    progress=ctrl_c.progress,
                )
        finally:
            if ctrl_c.progress is not None:
                ctrl_c.progress.clear()
        if ctrl_c.pressed:
            raise _StoppedError(result.read, index.kept)
        made_at = time.time()
        # Kept only when nothing is to be said beside it but that a config.toml cannot be
        # used: that is said again with each run, and the tier the calls were priced in is
        # the index's (a change of it is a write, which a kept report's mark tells).
        key = (
            None
            if said or _log_problems(result.problems) or index.notice or not index.kept
            else _report_key(args, zone, made_at, existing, _prices_stamp(library_version()), width)
        )
        if key is not None:
            kept = kept_report(cache_folder, key, index.written_mark(), made_at)
            if kept is not None:  # nothing written since this same report was made
                return result, kept
        from codex_presence_gui.core.usage_report import (
            RESUMABLE_KINDS,
            counted_runs,
            report_from_rows,
            streamed_session_report,
        )

        pricer = priced()
        # A row and tallies for each of 100,000 sessions, and no cycle among them: Python's
        # collector looked them over again and again for nothing (0.9 s of a 5.3 s report).
        # (Turned on again by run_report.)
        gc.disable()
        # Every read of one moment of the index (the window may commit between two), the
        # rows' query begun within going on reading it (see UsageIndex.snapshot).
        with index.snapshot():
            mark = index.written_mark()  # the mark of the sums read here
            # The projects' names first, so that the rows are read as they come.
            kinds_named = ("project", "session")
            projects = index.slot_projects(existing) if args.kind in kinds_named else None
            if args.kind == "session" and projects is not None:
                # Each session written as soon as its rows end (100,000 sessions had been
                # held whole, 45 MB): from the quarter hours counted, given as a few runs, and
                # with sums that surely fit in JSON's 64 bits (see report_json_text).
                runs = counted_runs(index.slot_values(), zone, args.since, args.until)
                if len(runs) <= STREAMED_RUNS_MAX and index.largest_sum() < STREAMED_SUMS_MAX:
                    rows = index.session_rows(existing, runs)  # (damage met here is rebuilt)
                    report = streamed_session_report(
                        rows,
                        zone=zone,
                        since=args.since,
                        until=args.until,
                        pricer=pricer,
                        projects=projects,
                    )
                    return result, report
            starts = index.session_starts(existing) if args.kind == "session" else None
            resume = keep_from = None
            if key is not None and args.kind in RESUMABLE_KINDS:
                sums = None  # looked for only after an append: no file opened otherwise
                if result.changed_from is not None:
                    sums = kept_sums(cache_folder, key, result.mark_before, made_at)
                resume = _sums_to_resume(result, mark, sums)
                # Kept by a report whose update read a file (its reader imported json), as the
                # next one after an append will: one that read none would import json only to
                # write them (3 ms).
                last = index.last_slot() if result.read else None
                if last is not None:
                    # Sums kept up to the last hour of calls (what the next update adds comes
                    # after), on a quarter hour's start: rows are read from there on.
                    keep_from = (last - RESUMED_SECONDS) // SLOT_SECONDS * SLOT_SECONDS
                    keep_from = max(keep_from, resume.first_slot if resume else 0)
            first = None if resume is None else resume.first_slot
            slot_rows = _begun(index.slot_rows(existing, since=first))
        report = report_from_rows(
            args.kind,
            slot_rows,
            {},
            zone=zone,
            since=args.since,
            until=args.until,
            pricer=pricer,
            projects=projects,
            starts=starts,
            resume=resume,
            keep_from=keep_from,
        )
        return result, report

    from contextlib import ExitStack

    def stop(stopped: _StoppedError) -> int:
        _warn(warnings)
        _say([_stopped_text(stopped)])
        return EXIT_INTERRUPTED

    path = os.path.join(paths.folder("cache"), INDEX_NAME)
    # Open until the report is written: a session report's rows are read as it is written.
    with ExitStack() as open_index:
        try:
            with ExitStack() as opened:
                index = opened.enter_context(UsageIndex(path, waiting=lambda: _say_waiting(path)))
                try:
                    # Damage met on the way (SQLite finds it page by page) is rebuilt, and read
                    # again.
                    result, report = index.repaired(lambda: build(index))
                except BaseException:
                    if index.notice:  # found on opening the file, or on the way; not rebuilt
                        warnings.append(index.notice)
                    raise
                if index.notice:  # said after the report: the index is whole again by then
                    warnings.append(rebuilt(index.notice))
                open_index.push(opened.pop_all())
        except _StoppedError as stopped:
            return stop(stopped)
        except (OSError, sqlite3.Error) as error:
            if ctrl_c.pressed:  # a wait for another process, given up for it
                return stop(_StoppedError(0, kept=False))
            # A cache folder that cannot be written, a full or failing disk, busy past the
            # timeout: the report is still made, from the logs, in memory.
            later = "" if is_busy(error) else ", and a repeat will not be faster"
            warnings.append(
                f"report: {index_problem(path, error)}; this report is read from the logs in "
                f"memory{later}."
            )
            try:
                with ExitStack() as opened:
                    index = opened.enter_context(UsageIndex.in_memory())
                    result, report = build(index)
                    open_index.push(opened.pop_all())
            except _StoppedError as stopped:
                return stop(stopped)
            except (OSError, sqlite3.Error) as again:
                _warn(warnings)
                _say([f"report: the logs cannot be summed ({again})."])
                return EXIT_FAILED
        configs = 0  # of the warnings, those that a config.toml cannot be used (see build)
        kept = []
        for problem in result.problems:
            # With its separator, as the closed homes have theirs: the home itself matches.
            where = "" if problem.path is None else os.path.join(os.path.abspath(problem.path), "")
            # Its folders and its config.toml cannot be opened either: said once, for the home
            # (the index keeps the tier it last read there, as that warning would have said).
            walked = problem.detail.startswith(("cannot open ", "cannot list "))
            inside = any(where.startswith(home) for home in closed)
            if inside and (walked or _is_config(problem)):
                continue
            kept.append(problem)
        if kept:  # (a repeat with nothing wrong imports nothing for them: dataclasses imports re)
            from codex_presence_gui.core.problems import said_problems, warning_line

            listing = "status --all --json"
            if homes_given:  # the same folders: without them, status reads others
                listing += codex_home_options(homes_given)
            warnings.extend(warning_line(text) for text in said_problems(kept, listing=listing))
            configs = len(kept) - _log_problems(kept)
        # Logs that could not be read (a folder, a file): no usage found is not none used.
        unreadable = bool(closed) or (bool(kept) and _unreadable(kept))
        if args.json or args.csv:
            _data_in_utf8()
        if isinstance(report, str):  # kept from the same report made before
            sys.stdout.write(report)
            _warn(warnings)
            return EXIT_OK
        quiet = len(warnings) == configs  # nothing said that the report's key does not tell
        out = _Keeping(sys.stdout, keep=key is not None and quiet, limit=MAX_KEPT_CHARS)
        try:
            _write_report(report, args, zone, out, width, unreadable=unreadable)
        except sqlite3.Error as error:
            # A session report's rows are read from the index as they are written: SQLite
            # reads them all before the first (see UsageIndex.session_rows), but should it
            # fail on the way, the report is said to be cut short, not left to look whole.
            _warn(warnings)
            print(
                f"report: the usage index could not be read to the end ({error}); "
                "the report is cut short.",
                file=sys.stderr,
            )
            return EXIT_FAILED
        # Nor a report without prices: the library, not importable this time (an install
        # under way), may well be next time.
        with_prices = not unavailable_prices(report.price_source)
        if out.pieces is not None and key is not None and quiet and with_prices:
            keep_report(cache_folder, key, mark, made_at, "".join(out.pieces))
            if report.sums_so_far is not None:
                keep_sums(cache_folder, key, mark, made_at, report.sums_so_far.to_text())
        _warn(warnings)
        if unreadable and not report.totals.tally.calls and not report.totals.tally.total:
            return EXIT_FAILED  # nothing summed, and what could not be read may hold usage
        return EXIT_OK


def _sums_to_resume(result: UpdateResult, mark: str | None, text: str | None) -> SumsSoFar | None:
    """The kept sums (``text``) a report goes on from, when the update just made only added
    calls from their quarter hour on, to the index they were kept from: with nothing else
    written since (``mark``, the mark the report reads at, is the update's own)."""
    if text is None or result.changed_from is None or mark is None or mark != result.mark_after:
        return None
    from codex_presence_gui.core.usage_index import SLOT_SECONDS
    from codex_presence_gui.core.usage_report import SumsSoFar

    sums = SumsSoFar.from_text(text)
    if sums is None or sums.first_slot % SLOT_SECONDS or sums.first_slot > result.changed_from:
        return None
    return sums


def _write_report(
    report: UsageReport,
    args: argparse.Namespace | SimpleNamespace,
    zone: tzinfo,
    out: Any,
    width: int,
    *,
    unreadable: bool = False,
) -> None:
    """Write the report as the command line asks: JSON, CSV or a text table ``width``
    characters wide (``unreadable``: see ``report_text_lines``)."""
    from codex_presence_gui.core.usage_report import (
        report_json_text,
        report_text_lines,
        write_report_csv,
    )

    if args.json:
        from codex_presence_gui.core.sanitize import terminal_safe_json

        # In pieces, a row at a time: the document of 100,000 sessions is 72 MB.
        for piece in report_json_text(report, zone, (args.since, args.until)):
            out.write(terminal_safe_json(piece))
        out.write("\n")
    elif args.csv:
        write_report_csv(report, zone, out)
    else:
        dates = (args.since, args.until)
        breakdown = bool(args.breakdown)
        # A line at a time: a report of 100,000 sessions is 8 MB of text.
        lines = report_text_lines(
            report,
            width,
            zone,
            dates,
            breakdown=breakdown,
            unreadable=unreadable,
            encoding=getattr(sys.stdout, "encoding", None),
        )
        for line in lines:
            out.write(line + "\n")


class _Keeping:
    """Standard output, and a copy of what is written to it for ``keep_report`` (given up
    past ``limit`` characters: such a report is not kept)."""

    def __init__(self, stream: TextIO, *, keep: bool, limit: int) -> None:
        self._stream = stream
        self.pieces: list[str] | None = [] if keep else None
        self._length = 0
        self._limit = limit

    def write(self, text: str) -> int:
        if self.pieces is not None:
            self._length += len(text)
            if self._length > self._limit:
                self.pieces = None
            else:
                self.pieces.append(text)
        return self._stream.write(text)


def _prices_stamp(version: str | None) -> str:
    """What a report's costs depend on of the price library: its version and its modules."""
    from codex_presence_gui.core.report_cache import library_stamp

    return f"genai-prices {version} {library_stamp('genai_prices')}"


def _report_key(
    args: argparse.Namespace | SimpleNamespace,
    zone: tzinfo,
    now: float,
    homes: Sequence[str],
    prices: str,
    width: int,
) -> bytes:
    """Everything a report depends on beside the index's sums: the command line, the homes,
    the price library, the time zone and what it makes of the clock ``now``, where it is
    written (a text report ``width`` characters wide), the code that writes it and the
    Python and SQLite it runs on."""
    import sqlite3
    from datetime import datetime

    from codex_presence_gui import __version__
    from codex_presence_gui.core.report_cache import code_stamp, report_key, zone_stamp

    try:
        # What the report reads of the clock: the year (a session report leaves it out of
        # its times) and the abbreviation in force (a zone without a name is named by its
        # abbreviations). In some zones (the leap-second ``right/`` ones, a TZ offset by
        # minutes) they change between two quarter hours.
        moment = datetime.fromtimestamp(now, zone)
        clock = f"{moment.year} {moment.tzname()}"
    except (OverflowError, ValueError, OSError):
        clock = ""
    text = not (args.json or args.csv)
    return report_key(
        [
            __version__,
            code_stamp(),
            # (Python's Unicode tables measure names in the table; SQLite orders rows.)
            f"{sys.version} SQLite {sqlite3.sqlite_version}",
            args.kind,
            "json" if args.json else "csv" if args.csv else "text",
            bool(args.breakdown),
            args.since,
            args.until,
            "\0local" if args.timezone is None else args.timezone,
            width if text else "",
            getattr(sys.stdout, "encoding", None) if text else "",
            getattr(sys.stdout, "errors", None) if text else "",
            prices,
            zone_stamp(None if args.timezone is None else getattr(zone, "key", None)),
            clock,
            len(homes),
            *homes,
        ]
    )


def _data_in_utf8() -> None:
    """Standard output in UTF-8 for --json and --csv, as ``status --json`` writes: to a file
    or pipe of another encoding (a Windows redirect is cp1252), the names it cannot hold had
    become "?" in a document that looked whole (and two such projects, one key). The text
    table keeps the terminal's encoding: it is read there."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if not utf8 and reconfigure is not None:
        reconfigure(encoding="utf-8")


def _begun(rows: Iterator[_T]) -> Iterator[_T]:
    """``rows`` with the query behind them begun, its first row read (so that it reads the
    index of a ``UsageIndex.snapshot`` it is begun in)."""
    from itertools import chain

    first = next(rows, None)
    return rows if first is None else chain((first,), rows)


#: A report by time or by model keeps its sums up to this long before the index's last call
#: (``report_cache.keep_sums``): after an append (calls of now), the next one reads only the
#: rows from there on.
RESUMED_SECONDS = 3600
#: A session report is written as it is read when the quarter hours it counts are at most this
#: many runs (one, as a rule: see counted_runs), and when no sum of the index can reach
#: half of JSON's 64 bits (SQLite's bound on the sums is a float: near, not exact).
STREAMED_RUNS_MAX = 64
STREAMED_SUMS_MAX = float(2**63)


def _unreadable(problems: list[Problem]) -> bool:
    """Whether one of ``problems`` is a log, a folder of logs or lines of a log that could not
    be read, any of which may hold usage: a log of broken lines, or a FIFO where a log goes,
    had been reported as "No token usage recorded" with success (not a home's
    ``config.toml``, nor a link not followed to a folder that holds it, said as unreadable
    too: they hide no usage, the folder being read already)."""
    from codex_presence_gui.core.problems import DATING_KINDS, ProblemKind, is_config_notice

    return any(
        problem.kind is not ProblemKind.HOME_MISSING
        and problem.kind not in DATING_KINDS
        and not is_config_notice(problem)
        and not problem.detail.startswith("not followed: ")
        for problem in problems
    )


def _is_config(problem: Problem) -> bool:
    """Whether ``problem`` is a home's ``config.toml`` that cannot be used."""
    from codex_presence_gui.core.problems import is_config_notice

    return is_config_notice(problem)


def _log_problems(problems: list[Problem]) -> int:
    """How many of ``problems`` are not a home's ``config.toml`` that cannot be used."""
    if not problems:  # (a repeat with nothing wrong imports nothing for them)
        return 0
    from codex_presence_gui.core.problems import is_config_notice

    return sum(not is_config_notice(problem) for problem in problems)


def _warn(warnings: list[str]) -> None:
    """Say the warnings on standard error, after the report (above it, they had scrolled
    out of sight above a long table), each wrapped to the text's width."""
    if not warnings:
        return
    sys.stdout.flush()  # the report first, where both go to one terminal
    _say(warnings)


def _say(texts: list[str]) -> None:
    """Say each of ``texts`` on standard error, wrapped to the text's width (the lines after
    a text's first indented)."""
    from codex_presence_gui.core.sanitize import clean_text
    from codex_presence_gui.core.wrapping import wrapped

    width = _text_width()
    for text in texts:
        # A folder's name (the base folder's, in the index's path) may hold anything.
        print("\n".join(wrapped(clean_text(text), width, after="  ")), file=sys.stderr)


def _say_waiting(path: str) -> None:
    """Why a report is slow to come: another process holds the index while it updates it
    (wrapped to the text's width, as the warnings after the report are)."""
    from codex_presence_gui.core.sanitize import clean_text
    from codex_presence_gui.core.usage_index import busy_wait_text
    from codex_presence_gui.core.wrapping import wrapped

    text = (
        f"report: another Codex Presence process is updating the usage index "
        f"({clean_text(path)}); waiting for it (up to {busy_wait_text()})…"
    )
    print("\n".join(wrapped(text, _text_width(), after="  ")), file=sys.stderr, flush=True)


__all__ = ["add_report_command", "run_report"]
