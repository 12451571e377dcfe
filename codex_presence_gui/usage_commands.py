"""The ``report`` command: tokens and API-equivalent cost by day, week, month, session, project
or model, from the usage index (updated first, reading only what changed since last time).

NOTE: Qt-free; the price library is imported only when a cost is computed.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, tzinfo

from codex_presence_gui.core.usage_report import REPORT_KINDS, local_zone

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NO_HOME = 2
EXIT_USAGE = 64


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
            "later runs read only what was written since."
        ),
    )
    report.add_argument("kind", choices=REPORT_KINDS, help="how to group the usage")
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print one JSON object (schema 1)")
    formats.add_argument("--csv", action="store_true", help="print CSV, one line per row and model")
    report.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day to count")
    report.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day to count")
    report.add_argument(
        "--timezone",
        metavar="TZ",
        help="time zone of days, weeks and months, e.g. UTC or Europe/Paris (default: local)",
    )
    return report


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date looks like 2026-11-29, not {text!r}") from None


def _zone(name: str | None) -> tzinfo:
    if not name:
        return local_zone()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} ({error})") from None


def run_report(args: argparse.Namespace, homes_given: list[str]) -> int:
    """Update the index, then print the report."""
    try:
        zone = _zone(args.timezone)
    except ValueError as error:
        print(f"report: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.since and args.until and args.since > args.until:
        print("report: --since is after --until", file=sys.stderr)
        return EXIT_USAGE
    # Imported here: the parser above is built for every command, this only for reports.
    from codex_presence_gui.core.discovery import no_home_message, resolve_codex_homes
    from codex_presence_gui.core.pricing import Pricer
    from codex_presence_gui.core.usage_index import UsageIndex, default_index_path
    from codex_presence_gui.core.usage_report import (
        report_csv,
        report_from_rows,
        report_json,
        report_text,
    )

    homes = resolve_codex_homes(homes_given)
    existing = [home for home in homes if home.is_dir()]
    if not existing:
        print(no_home_message(homes), file=sys.stderr)
        return EXIT_NO_HOME
    try:
        index = UsageIndex(default_index_path())
    except (OSError, Exception) as error:  # a cache folder that cannot be written
        print(f"report: the usage index cannot be opened ({error}).", file=sys.stderr)
        return EXIT_FAILED
    with index:
        if index.notice:
            print(index.notice, file=sys.stderr)
        result = index.update(existing, workers=min(os.cpu_count() or 1, 4))
        for problem in result.problems:
            print(f"warning: {problem}", file=sys.stderr)
        report = report_from_rows(
            args.kind,
            index.slot_rows(existing),
            index.sessions(existing) if args.kind == "session" else {},  # only sessions use it
            zone=zone,
            since=args.since,
            until=args.until,
            pricer=Pricer(store=index),
        )
    if args.json:
        from codex_presence_gui.core.jsontext import indented_json
        from codex_presence_gui.core.sanitize import terminal_safe_json

        sys.stdout.write(terminal_safe_json(indented_json(report_json(report, zone))) + "\n")
    elif args.csv:
        sys.stdout.write(report_csv(report, zone))
    else:
        sys.stdout.write(report_text(report, zone=zone) + "\n")
    return EXIT_OK


__all__ = ["add_report_command", "run_report"]
