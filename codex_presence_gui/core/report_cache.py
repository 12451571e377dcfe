"""Reports kept as printed: a repeat that finds nothing new in the index prints the last text.

A report is a function of the index's sums, the command line and a few facts of the machine
(the time zone, the price library, the terminal's width). Each write to the index gives it a
new random mark (``UsageIndex.written_mark``); a report made from the index at one mark is
kept beside the index with that mark and a key naming everything else it depended on. A
repeat still updates the index (every rollout file is looked at, as before), and prints the
kept text only when the index's mark and the whole key are the same: 5 ms of queries and sums,
and the imports they need, are saved; nothing is trusted that the index did not check.

What "now" changes (the zone's abbreviation in force, the year a session report leaves out)
is in the key, as the clock reads them when the key is made; a kept report is used only
within the quarter hour (UTC) it was made in besides.
"""

from __future__ import annotations

import os
import sys
import zlib
from stat import S_ISREG

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Iterable

#: The folder, beside the index, that kept reports are in.
FOLDER_NAME = "report-cache"
#: Reports longer than this (characters) are not kept: a session report of 100,000 sessions
#: is 72 MB, and is written as it is read rather than held.
MAX_KEPT_CHARS = 1 << 20
#: Kept reports at most (each command line has its own), and as many kept sums; the oldest
#: go first.
MAX_KEPT = 16
#: A kept report is used only within the quarter hour (UTC) it was made in.
VALID_SECONDS = 900
#: The first word of a kept report's file: another format (or version) is not read.
_MAGIC = b"codex-presence-report-1"
#: The first word of a file of kept sums (``keep_sums``).
_SUMS_MAGIC = b"codex-presence-sums-1"
#: Beyond this a kept file is not one of ours: it is not read.
_MAX_FILE_BYTES = 4 * MAX_KEPT_CHARS + 65536
#: What is read of a kept file before its head is checked (the head is under 100 bytes).
_HEAD_BYTES = 4096


def report_key(fields: Iterable[object]) -> bytes:
    """The key of a report: every field's text, one to a line, each line's length first (so
    that no two lists of fields give one key, whatever their text holds)."""
    parts = []
    for field in fields:
        # surrogatepass: a Windows path or TZ may hold a surrogate with no pair, which
        # surrogateescape (only POSIX's escaped bytes) cannot write.
        text = str(field).encode("utf-8", "surrogatepass")
        parts.append(b"%d:%s\n" % (len(text), text))
    return b"".join(parts)


def code_stamp(package: str | None = None) -> str:
    """What changes when the code that makes reports changes: each module's size and time of
    change in the package's folder and its ``core`` (an installed app's modules change only
    with its version, a developer's at each edit); the executable's in a frozen app, whose
    modules are in an archive."""
    if package is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamps = []
    for folder in (package, os.path.join(package, "core")):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        stat = entry.stat()
                        stamps.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            continue
    if not stamps:
        try:
            stat = os.stat(sys.executable)
            stamps.append(f"{sys.executable}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            return ""
    stamps.sort()
    return f"{zlib.crc32(chr(10).join(stamps).encode('utf-8', 'surrogatepass')):08x}"


def library_stamp(name: str) -> str:
    """A stamp of an installed package's modules (``code_stamp`` of its folder; "" when it is
    not found): the price library's prices are in its data module, which an editable or a
    patched install changes without changing its version."""
    from codex_presence_gui.core.pricing import installed_spec

    try:
        spec = installed_spec(name)
    except (ImportError, ValueError):  # (a finder's own failure)
        return ""
    if spec is None or not spec.origin:
        return ""
    return code_stamp(os.path.dirname(spec.origin))


def zone_stamp(named: str | None = None) -> str:
    """The time zone a report's days are counted in, as far as it can change under one name:
    the machine's as the C library has it (``TZ`` and ``TZDIR``, its names and offsets, and
    the zone file it reads: ``/etc/localtime`` and where its links lead, else the one ``TZ``
    names); with ``named`` (``--timezone``'s zone, from zoneinfo), the file zoneinfo reads it
    from too. A tzdata update, or another folder of zones, counts past days otherwise under
    the same names and offsets."""
    import time

    tz = os.environ.get("TZ")
    folder = os.environ.get("TZDIR")
    local = time.localtime()
    parts = [
        "\0unset" if tz is None else tz,
        "\0unset" if folder is None else folder,
        *time.tzname,
        str(time.timezone),
        str(time.altzone),
        str(time.daylight),
        str(local.tm_gmtoff),
    ]
    if tz is None:
        files = ["/etc/localtime", "/etc/timezone"]
    else:
        from codex_presence_gui.core.zones import ZONE_FOLDERS  # where the C library looks

        name = tz.removeprefix(":")
        folders = [folder] if folder else ZONE_FOLDERS
        files = [name] if name.startswith("/") else [os.path.join(f, name) for f in folders]
    if named is not None:
        # (zoneinfo is imported by then: it made the zone.)
        zoneinfo = sys.modules.get("zoneinfo")
        search = getattr(zoneinfo, "TZPATH", ())
        parts += [named, *search]
        files += [os.path.join(place, named) for place in search]
        # Its fallback, when no folder has the zone.
        parts.append(str(getattr(sys.modules.get("tzdata"), "IANA_VERSION", "")))
    parts += map(_file_stamp, files)
    return "\n".join(parts)


def _file_stamp(path: str) -> str:
    """A file's identity and where its links lead: "-" when there is none."""
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return "-"
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{os.path.realpath(path)}"


def _file_name(key: bytes, suffix: str = ".report") -> str:
    # ``_ours`` knows these names (and ``_keep``'s pieces of them): one changes with the other.
    return f"{zlib.crc32(key):08x}{suffix}"


def _quarter_hour_end(now: float) -> int:
    return (int(now) // VALID_SECONDS + 1) * VALID_SECONDS


def kept_report(folder: str, key: bytes, mark: str | None, now: float) -> str | None:
    """The report kept under ``key`` when it was made from the index at ``mark`` within this
    quarter hour; None otherwise (none kept, another mark, too old, not readable, damaged)."""
    return _kept(folder, key, mark, now, ".report", _MAGIC)


def kept_sums(folder: str, key: bytes, mark: str | None, now: float) -> str | None:
    """``kept_report`` for the sums kept with a report (``keep_sums``), as their text."""
    return _kept(folder, key, mark, now, ".sums", _SUMS_MAGIC)


def _kept(
    folder: str, key: bytes, mark: str | None, now: float, suffix: str, magic: bytes
) -> str | None:
    if not mark:
        return None
    path = os.path.join(folder, FOLDER_NAME, _file_name(key, suffix))
    try:
        # Not a FIFO's writer waited for, nor a link followed: only a file of ours is read.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        flags |= getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode) or stat.st_size > _MAX_FILE_BYTES:
            return None
        # The head first: after an append the mark has changed, and a report of megabytes
        # is known to be out of date without reading it.
        data = _read(fd, min(stat.st_size, _HEAD_BYTES))
        head, newline, rest = data.partition(b"\n")
        fields = head.split(b" ")
        if not newline or len(fields) != 5 or fields[0] != magic:
            return None
        _, kept_mark, until, crc, key_length = fields
        if (
            kept_mark.decode("ascii") != mark
            or now >= int(until)
            or now < int(until) - VALID_SECONDS
        ):
            return None
        rest += _read(fd, stat.st_size - len(data))
    except (OSError, ValueError, UnicodeError):
        return None
    finally:
        os.close(fd)
    try:
        length = int(key_length)
        if rest[:length] != key:
            return None
        body = rest[length:]
        if zlib.crc32(body) != int(crc, 16):
            return None
        return body.decode("utf-8", "surrogatepass")
    except (ValueError, UnicodeError):
        return None


def _read(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from ``fd`` (fewer at its end)."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def keep_report(folder: str, key: bytes, mark: str | None, now: float, text: str) -> None:
    """Keep ``text``, a report made from the index at ``mark``, under ``key``; nothing when it
    is too long, the index has no mark yet, or the folder cannot be written (the next repeat
    makes the report again)."""
    _keep(folder, key, mark, now, text, ".report", _MAGIC)


def keep_sums(folder: str, key: bytes, mark: str | None, now: float, text: str) -> None:
    """``keep_report`` for the sums a report was made from (``SumsSoFar``, as text): after an
    append, the same report made again reads only the index's rows after them."""
    _keep(folder, key, mark, now, text, ".sums", _SUMS_MAGIC)


def _keep(
    folder: str, key: bytes, mark: str | None, now: float, text: str, suffix: str, magic: bytes
) -> None:
    if not mark or len(text) > MAX_KEPT_CHARS:
        return
    body = text.encode("utf-8", "surrogatepass")
    head = b"%s %s %d %08x %d\n" % (
        magic,
        mark.encode("ascii", "replace"),
        _quarter_hour_end(now),
        zlib.crc32(body),
        len(key),
    )
    where = os.path.join(folder, FOLDER_NAME)
    path = os.path.join(where, _file_name(key, suffix))
    spare = f"{path}.{os.getpid()}.part"  # (a name ``_ours`` knows)
    try:
        if not os.path.isdir(where):
            from codex_presence_gui.paths import make_folder

            make_folder(where)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(spare, flags, 0o600)
        try:
            data = head + key + body
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)
        os.replace(spare, path)  # whole or not at all, for a report read meanwhile
    except OSError:
        _remove(spare)
        return
    _prune(where, now)


def _remove(path: str) -> None:
    """Remove ``path`` if it can be (one gone already, or a read-only folder, is let be).
    Not ``contextlib.suppress``: a repeat report spares its import."""
    try:  # noqa: SIM105 (see above)
        os.unlink(path)
    except OSError:
        pass


def _prune(where: str, now: float) -> None:
    """Leave at most ``MAX_KEPT`` kept reports and as many kept sums (the least recently
    made go), and no piece of one that a report ended while writing an hour ago or more."""
    try:
        with os.scandir(where) as entries:
            found = [
                (entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, entry.path)
                for entry in entries
                if entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return
    found.sort()
    gone = []
    for suffix in (".report", ".sums"):  # as many of each
        kept = [path for _, name, path in found if name.endswith(suffix) and _ours(name)]
        gone += kept[: max(0, len(kept) - MAX_KEPT)]
    old = (now - 3600) * 1e9
    gone += [
        path for made, name, path in found if name.endswith(".part") and made < old and _ours(name)
    ]
    for path in gone:
        _remove(path)


_HEX_DIGITS = frozenset("0123456789abcdef")


def _ours(name: str) -> bool:
    """A name ``_keep`` gives (``<crc32>.report``, ``<crc32>.sums``, or a piece of one,
    ``<crc32>.report.<pid>.part``): a file of another name in the folder (a link that took
    the folder elsewhere, a file of the user's) is never removed."""
    crc, dot, rest = name.partition(".")
    if len(crc) != 8 or not dot or not _HEX_DIGITS.issuperset(crc):
        return False
    if rest in ("report", "sums"):
        return True
    kind, _, piece = rest.partition(".")
    pid, _, part = piece.partition(".")
    return kind in ("report", "sums") and pid.isascii() and pid.isdigit() and part == "part"
