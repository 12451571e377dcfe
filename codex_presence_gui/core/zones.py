"""The machine's time zone as reports count days in it, and the words for a ``TZ`` it lacks.

Apart from the report itself: a repeat ``report`` needs the zone before it knows whether a
kept report will do, and the report's sums and price modules are not imported for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Callable

#: The kinds of ``report``, in the order the command lists them.
REPORT_KINDS = ("daily", "weekly", "monthly", "session", "project", "model")

_EPOCH = datetime(1970, 1, 1)


class SystemZone(tzinfo):
    """The machine's time zone with its rules for every moment, summer time included, from
    the C library as ``datetime.astimezone()`` uses them. (The offset in force now would put
    last summer's late calls on the wrong day.) ``key`` is its IANA name where the system
    tells it (``TZ``, or the link ``/etc/localtime``), else None."""

    def __init__(self) -> None:
        super().__init__()
        self.key = _system_zone_key()

    def fromutc(self, dt: datetime) -> datetime:
        seconds = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        # Local wall time, with ``fold`` set in the hour a clock going back repeats.
        return datetime.fromtimestamp(seconds).replace(tzinfo=self)

    def _fixed(self, dt: datetime | None) -> datetime:
        wall = datetime.now() if dt is None else dt.replace(tzinfo=None)
        return wall.astimezone()  # the wall time as local time (its fold heeded)

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return self._fixed(dt).utcoffset()

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None  # not known apart from the offset (no rule of ours needs it)

    def tzname(self, dt: datetime | None) -> str | None:
        return self._fixed(dt).tzname()

    def __repr__(self) -> str:
        return f"SystemZone({self.key!r})"


#: Where the C library looks for zone files (zoneinfo's own default search path).
ZONE_FOLDERS = (
    "/usr/share/zoneinfo",
    "/usr/lib/zoneinfo",
    "/usr/share/lib/zoneinfo",
    "/etc/zoneinfo",
)


def _system_zone_key() -> str | None:
    """The IANA name of the zone the C library uses, where it can be told for sure: ``TZ``
    naming a zone file in the usual folders (by name, or by its path), else the link
    ``/etc/localtime``; None for anything else (a POSIX rule, a name with no zone file, a
    ``TZDIR`` of its own, the leap-second ``right/`` zones, which count time otherwise)."""
    import os

    if "TZ" in os.environ:
        name = os.environ["TZ"].removeprefix(":")
        if not name:
            return "UTC"  # what the C library takes an empty TZ for
        if "TZDIR" in os.environ:
            return None  # zone files from elsewhere: the name may not be the zone
        if name.startswith("/"):
            target = name
        else:
            found = [os.path.join(folder, name) for folder in ZONE_FOLDERS]
            return _zone_key(name) if any(_is_zone_file(path) for path in found) else None
    else:
        target = "/etc/localtime"
    try:
        target = os.path.realpath(target)  # Linux and macOS: a link into a zone folder
    except (OSError, ValueError):
        return None
    _, marker, name = target.replace(os.sep, "/").rpartition("/zoneinfo/")
    return _zone_key(name) if marker and _is_zone_file(target) else None


def follow_system_zone() -> None:
    """Have the C library read the machine's zone again (``TZ``, ``/etc/localtime``): it
    reads it once, and a window left running kept counting its days and clocks in the zone
    it started in after the laptop travelled or ``timedatectl set-timezone``, where a
    ``report`` started then counted in the new one. A few microseconds; process-wide, so
    every clock of the window follows. Windows' C runtime keeps the zone it read first too
    (a laptop taken to another zone kept the old one's clocks), and Python has no ``tzset``
    there: the runtime's own ``_tzset`` is called.
    """
    import time

    tzset = getattr(time, "tzset", None)
    if tzset is not None:
        tzset()
        return
    import sys

    if sys.platform == "win32":
        global _windows_tzset
        if _windows_tzset is None:
            _windows_tzset = _runtime_tzset()
        _windows_tzset()


#: Windows: the C runtime's ``_tzset`` (``follow_system_zone``), once looked up.
_windows_tzset: Callable[[], object] | None = None


def _runtime_tzset() -> Callable[[], object]:
    """``_tzset`` of the C runtime Python's clocks read (the universal one, shared by every
    module of the process); a function that does nothing where it cannot be loaded."""
    import ctypes

    try:
        return ctypes.CDLL("ucrtbase")._tzset
    except (OSError, AttributeError):
        return lambda: None


def unknown_zone_setting() -> str | None:
    """``TZ`` when it names a zone by its file (``Europe/Paris``, ``/usr/share/…``, or a bare
    ``Paris``) that the system does not have, or is a rule without the offset that makes one
    (``<Paris>``, ``+05``), else None (a POSIX rule such as ``EST5EDT`` names no file, and
    UTC's own names need none). The C library counts each of those in UTC, under the name
    given: the report had said "Days in the Paris time zone" of UTC days."""
    import os

    setting = os.environ.get("TZ")
    if not setting or "TZDIR" in os.environ or os.name != "posix":
        return None  # (Windows reads TZ its own way, and has no zone files)
    name = setting.removeprefix(":")
    if name.startswith("/"):
        return None if _is_zone_file(name) else setting
    if "," in name:
        # A POSIX rule (a "/" in one is the hour of a change, after a ","): read or not, as
        # below ("ABC1DE,M3.2.0,M11.1.0" is counted in UTC).
        return setting if _rule_unread() else None
    if "/" not in name:
        if name[:1] in _OFFSET_START or (
            name.startswith("<") and name.partition(">")[2].lstrip("+-")[:1] not in _DIGITS
        ):
            # No rule: a rule's offset comes after its name, of three letters or more or
            # quoted (EST5EDT, <+0545>-5:45); the C library counts "+05" or "<Paris>" in UTC.
            return setting
        if any(char.isdigit() for char in name) or name.startswith("<"):
            # A POSIX rule, its offset after its name: unless the C library could not read it
            # (glibc wants a name of three letters or more: "A1" and "<A>1" are counted in
            # UTC, nameless, and had been labelled "local"). Asked of the C library itself,
            # which is what counts the days: macOS's accepts more.
            return setting if _rule_unread() else None
        if not name or name.upper() in _UTC_NAMES:
            return None  # UTC, file or not: the C library counts a name without offset so
        # A name without an offset that is not a file (``Paris``, ``Tokyo``) is no rule either:
        # the C library counts it in UTC under that name, which the report showed as a zone.
    found = (os.path.join(folder, name) for folder in ZONE_FOLDERS)
    return None if any(_is_zone_file(path) for path in found) else setting


_DIGITS = frozenset("0123456789")
#: What a TZ rule cannot start with: its name comes first.
_OFFSET_START = frozenset("+-") | _DIGITS

#: Names of UTC that need no zone file: what the C library makes of them is what they mean.
_UTC_NAMES = frozenset({"UTC", "UCT", "GMT", "Z", "ZULU", "UNIVERSAL", "GREENWICH"})

#: How much of an unknown ``TZ`` a warning shows (a hostile one may be thousands long).
ZONE_SETTING_SHOWN = 60


def _rule_unread() -> bool:
    """True when the C library made nothing of the rule in ``TZ``: no name for its
    standard time or its summer time (every rule it reads has both, the same one without a
    summer time), as it counts in UTC then. glibc reads "ABC1DE" (a summer time's name of
    two letters) as nameless UTC all year, its standard time named: it had been labelled
    "local"."""
    import time

    if not hasattr(time, "tzset"):
        return False
    time.tzset()  # what the C library makes of TZ as it is now (a test may have changed it)
    return not all(time.tzname)


def unknown_zone_text(setting: str, what: str = "days") -> str:
    """What every surface says when ``TZ`` names a zone the system does not have (see
    ``unknown_zone_setting``): ``what`` (the days, the times) follow UTC, as the C library
    counts then."""
    from codex_presence_gui.core.formatting import shortened
    from codex_presence_gui.core.sanitize import clean_text

    shown = shortened(clean_text(setting), ZONE_SETTING_SHOWN)
    return (
        f"TZ={shown} names a time zone this system does not have; {what} are in UTC (as the "
        "system's clock counts them)"
    )


def _is_zone_file(path: str) -> bool:
    """A compiled zone file (not a folder, nor ``zone.tab`` beside them)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"TZif"
    except (OSError, ValueError):
        return False


def _zone_key(name: str) -> str | None:
    """A zone file's name as its IANA key: ``posix/`` copies are the zone; a name that is not
    a plain key (``..``, ``//``, ``./``, leap-second ``right/``, very long) has none."""
    name = name.removeprefix("posix/")
    parts = name.split("/")
    if len(name) > 64 or name.startswith("right/") or any(p in ("", ".", "..") for p in parts):
        return None
    return name


def local_zone() -> tzinfo:
    """The machine's time zone as it is now (see ``SystemZone``, ``follow_system_zone``); UTC
    when Python cannot take the C library's offset (24 hours or more, from a hostile ``TZ``),
    or when ``TZ`` names a zone the system does not have (the C library then counts in UTC,
    under a made-up abbreviation: ``Europe/Nowhere`` had been labelled "Europe")."""
    follow_system_zone()
    if unknown_zone_setting() is not None:
        return UTC
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError, OSError):
        return UTC
    return SystemZone()
