"""The usage of the last 7, 30 or 90 local days, as the window shows it: the daily, project and
model reports, read from the usage index in one pass."""

# NOTE: Qt-free, like the rest of core/.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from codex_presence_gui.core.discovery import not_a_folder, sessions_instead
from codex_presence_gui.core.pricing import Pricer
from codex_presence_gui.core.usage_index import ReadProgress, UsageIndex
from codex_presence_gui.core.usage_report import UsageReport, report_from_rows
from codex_presence_gui.core.zones import unknown_zone_setting

#: How many local days, today included, unless the Usage page's period says otherwise.
RECENT_DAYS = 30
#: The periods the Usage page offers, in days (today included).
PERIOD_DAYS = (7, 30, 90)


def period_days(value: object) -> int:
    """``value`` as one of the ``PERIOD_DAYS``, else ``RECENT_DAYS`` (a period kept by another
    version, or a hand-edited one, is no reason to read a year of usage)."""
    try:
        days = int(str(value).strip())
    except ValueError:
        return RECENT_DAYS
    return days if days in PERIOD_DAYS else RECENT_DAYS


@dataclass(frozen=True, slots=True)
class RecentUsage:
    """What the index says about the last ``days`` days, or why it says nothing yet.

    The reports are built once and never changed afterwards (they cross to the GUI thread).
    """

    today: date
    zone: tzinfo
    daily: UsageReport | None = None
    projects: UsageReport | None = None
    models: UsageReport | None = None
    #: The index holds calls of these homes' sessions (older ones included).
    recorded: bool = False
    building: bool = False  # the index is being filled from every log for the first time
    progress: ReadProgress | None = None  # how far that first reading is, once under way
    #: Another process (a ``report``, a second window) holds the index: waited for.
    waiting: bool = False
    error: str | None = None  # the index could not be opened or read
    notice: str | None = None  # the index had to be rebuilt (corrupt, another version)
    generated_at: float = 0.0
    missing_homes: tuple[str, ...] = ()  # the homes whose folder is not there
    #: The missing homes there as something else (a file), with what each is (see
    #: ``discovery.not_a_folder``).
    not_folders: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = ()  # what the index's update found wrong in the logs
    #: How many of ``problems`` only date calls by guess (``problems.DATING_KINDS``).
    dating_problems: int = 0
    sessionless: tuple[str, ...] = ()  # the homes there that hold no ``sessions`` folder
    #: Those of them with something else where ``sessions`` goes, with what it is (see
    #: ``discovery.sessions_not_a_folder``).
    blocked_sessions: tuple[tuple[str, str], ...] = ()
    #: Those of them that are Codex's sessions folder itself, each with the folder above, the
    #: Codex folder meant (``discovery.home_above``).
    logs_folders: tuple[tuple[str, str], ...] = ()
    #: ``TZ`` when it names a zone the system does not have, so that the days are UTC's
    #: (``zones.unknown_zone_setting``), else None.
    unknown_zone: str | None = None
    #: The homes read (as text): the report of older days is said to read the same.
    homes: tuple[str, ...] = ()
    #: The homes there that cannot be entered (mode 000, another user's), each with why
    #: (the system's words: "Permission denied").
    closed_homes: tuple[tuple[str, str], ...] = ()
    #: The period read, today included (one of ``PERIOD_DAYS``).
    days: int = RECENT_DAYS


def first_day(today: date, days: int = RECENT_DAYS) -> date:
    """The first of the ``days`` local days that end with ``today``."""
    return today - timedelta(days=days - 1)


def read_recent(
    index: UsageIndex,
    homes: Sequence[Path],
    *,
    now: float,
    zone: tzinfo,
    pricer: Pricer | None,
    notice: str | None = None,
    missing_homes: tuple[str, ...] = (),
    problems: tuple[str, ...] = (),
    dating_problems: int = 0,
    sessionless: tuple[str, ...] = (),
    closed_homes: tuple[tuple[str, str], ...] = (),
    days: int = RECENT_DAYS,
) -> RecentUsage:
    """The reports of the last ``days`` local days (in ``zone``) up to ``now``; of the
    ``missing_homes``, those there as something else than a folder are said to be."""
    today = datetime.fromtimestamp(now, zone).date()
    start = first_day(today, days)
    since = datetime(start.year, start.month, start.day, tzinfo=zone).timestamp()
    rows = list(index.slot_rows(homes, since=since))
    # No session report here, which alone reads the sessions (0.1 s at 20,000 of them).
    daily, projects, models = (
        report_from_rows(kind, rows, {}, zone=zone, since=start, until=today, pricer=pricer)
        for kind in ("daily", "project", "model")
    )
    blocked, logs_folders = sessions_instead(sessionless)
    return RecentUsage(
        today,
        zone,
        daily,
        projects,
        models,
        # A session without a call yet (a first turn still running, a reading alone) has
        # no usage: the page had said "No Codex usage in the last 30 days" and sent the
        # user to a report of every day, which had none either.
        recorded=index.has_sessions(homes, with_calls=True),
        notice=notice,
        generated_at=now,
        missing_homes=missing_homes,
        not_folders=tuple(
            (home, kind) for home in missing_homes if (kind := not_a_folder(home)) is not None
        ),
        problems=problems,
        dating_problems=dating_problems,
        sessionless=sessionless,
        blocked_sessions=blocked,
        logs_folders=logs_folders,
        # Only where the local zone fell back to UTC for it (a zone given is no fallback).
        unknown_zone=unknown_zone_setting() if zone is UTC else None,
        homes=tuple(str(home) for home in homes),
        closed_homes=closed_homes,
        days=days,
    )
