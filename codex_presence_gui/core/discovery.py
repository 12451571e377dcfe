"""Find Codex homes and their rollout files (``sessions/**``, ``archived_sessions/``, ``.zst``)."""

from __future__ import annotations

import os
import stat as stat_module
import sys

from codex_presence_gui.core.records import NamedTuple
from codex_presence_gui.paths import NO_HOME, NoHomeError, kind_of

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path
    from typing import TypeVar

    from codex_presence_gui.core.problems import Problem

    #: A home as a path, or as the text of one (``str(path)``).
    Home = TypeVar("Home", bound=str | Path)

SESSIONS_DIR = "sessions"
ARCHIVED_DIR = "archived_sessions"
_PREFIX = "rollout-"
_PLAIN = ".jsonl"
_COMPRESSED = ".jsonl.zst"


def default_codex_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$CODEX_HOME``, else ``~/.codex`` (Codex does not follow XDG)."""
    from pathlib import Path  # imported on demand: see home_texts

    env = os.environ if environ is None else environ
    value = env.get("CODEX_HOME", "").strip()
    if value:
        return Path(value).expanduser()
    try:
        if env.get("HOME") == "" and os.name == "posix":
            # As Codex finds its home (Rust's ``dirs``): an empty HOME is no home, and the
            # user database's is taken. Python's "/" had been read instead ("/.codex").
            import pwd

            try:
                return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".codex"
            except KeyError as error:  # a user the database does not list
                raise RuntimeError("Could not determine home directory.") from error
        return Path.home() / ".codex"
    except RuntimeError as error:  # Path's "Could not determine home directory."
        raise NoHomeError(NO_HOME) from error


def codex_home_options(
    homes: Sequence[str | Path], *, platform: str = sys.platform, most: int | None = None
) -> str:
    """`` --codex-home HOME`` for each of ``homes`` (cleaned, quoted for the user's shell on
    ``platform``, see ``_shell_word``), to add to a command that should read the same homes;
    with ``most``, only the first ``most`` and a word for the others (a hint, not a command
    to paste whole)."""
    named = homes if most is None else homes[:most]
    options = "".join(f" --codex-home {_shell_word(str(home), platform)}" for home in named)
    others = len(homes) - len(named)
    if others:
        folders = "folder" if others == 1 else "folders"
        options += f" (and {others} more --codex-home {folders})"
    return options


#: The characters PowerShell takes for a single quote: each ends a quoted word unless doubled.
_POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"


def _shell_word(text: str, platform: str = sys.platform) -> str:
    """``text`` as one word of a command line, as it stays when pasted: elsewhere than on
    Windows, POSIX shells' quoting (``shlex.quote``); on Windows, PowerShell's.

    PowerShell, because that is where a Windows user most likely pastes a command: it is
    Windows Terminal's default profile, and Windows Terminal the default terminal of Windows
    11. Its single quotes take everything as written (``$``, backticks, ``%``), but a single
    quote, doubled; its "smart" quotes are single quotes too. Double quotes had been written
    for both cmd and PowerShell, and neither keeps a word whole in them: PowerShell expands
    ``$name`` and backticks there, cmd ``%name%`` (cmd has no quoting that keeps ``%``)."""
    from codex_presence_gui.core.sanitize import clean_text

    word = clean_text(text)
    if platform == "win32":
        # A plain path needs no quotes (and reads better without): nothing in it is special.
        if word and all(char.isalnum() or char in "\\:/._-" for char in word):
            return word
        quoted = "".join(char * 2 if char in _POWERSHELL_QUOTES else char for char in word)
        return f"'{quoted}'"
    import shlex  # only when a command is written: keeps start-up light

    return shlex.quote(word)


def shown_home(home: str | Path) -> str:
    """A home's name as a message shows it: as it is when plain; else in quotes, with each
    character a terminal could act on or that would not show, and each backslash, written as
    an escape (``'\\x1b[31m'``: see ``sanitize.escaped``), so that a name made of such
    characters does not read as nothing, nor a name holding some as another folder's name."""
    text = str(home)
    from codex_presence_gui.core.sanitize import clean_text, escaped

    if clean_text(text) == text:
        return text
    shown = (char if char.isprintable() and char != "\\" else escaped(char) for char in text)
    return f"'{''.join(shown)}'"


def not_a_folder(home: str | Path) -> str | None:
    """What ``home`` is when it is there but is no folder (``a file``, ``a named pipe``): a
    message then says that rather than "not found". None for a folder, for a home that is not
    there, and for one that cannot be looked at."""
    try:
        mode = os.stat(home).st_mode  # never opened: a FIFO would wait for a writer
    except (OSError, ValueError):
        return None
    return None if stat_module.S_ISDIR(mode) else kind_of(mode)


def sessions_not_a_folder(home: str | Path) -> str | None:
    """What the home's ``sessions`` is when it is there but is no folder (``a file``): Codex
    cannot make its folder, nor write its logs, while it is there. None otherwise."""
    return not_a_folder(_child(str(home), SESSIONS_DIR))


def sessions_blocked_text(folder: str, kind: str) -> str:
    """What every surface says of a ``sessions`` that is no folder (``folder`` as the
    surface writes it): waiting for Codex to make it would not help."""
    return f"{folder} is {kind}, not a folder: Codex cannot write its logs there"


def closed_homes_text(closed: Sequence[tuple[str, str]]) -> str:
    """What every surface says of homes that cannot be entered (each as the surface writes
    it, with the system's words for why): what is wrong, and the two ways out."""
    folders = "; ".join(f"{home} ({why})" for home, why in closed)
    return (
        f"cannot open {folders}: let this user read "
        f"{'it' if len(closed) == 1 else 'them'}, or choose another Codex folder"
    )


def archived_blocked_text(folder: str, kind: str) -> str:
    """What is said of an ``archived_sessions`` that is no folder, as of a ``sessions`` one
    (``sessions_blocked_text``): Codex cannot move a log it archives there."""
    return f"{folder} is {kind}, not a folder: Codex cannot archive its logs there"


def left_out_message(home: str | Path) -> str | None:
    """What a command says of a home it leaves out for being no folder: not there, or a file
    (a named pipe…) in its place. None for a folder."""
    if os.path.isdir(home):
        return None
    kind = not_a_folder(home)
    if kind is None:
        return f"Codex folder not found, left out: {shown_home(home)}"
    return f"Codex folder left out: {shown_home(home)} is {kind}, not a folder"


def no_home_message(homes: Sequence[str | Path], *, from_settings: bool = False) -> str:
    """What a command says when none of the homes is a folder: where it looked (or what was
    there instead of a folder), and what to do. ``from_settings``: the homes were chosen in
    Settings, which ``CODEX_HOME`` does not override."""
    elsewhere = "choose another folder in Settings → General" if from_settings else "set CODEX_HOME"
    where = ", ".join(shown_home(home) for home in homes)
    others = [
        f"{shown_home(home)} is {kind}, not a folder"
        for home in homes
        if (kind := not_a_folder(home)) is not None
    ]
    if not others:
        return (
            f"No Codex folder found (looked in {where}). Run Codex once, {elsewhere}, "
            "or pass --codex-home DIR."
        )
    looked = f" (looked in {where})" if len(others) < len(homes) else ""
    return (
        f"No Codex folder found{looked}: {'; '.join(others)}. Give Codex's folder "
        f"(usually ~/.codex): {elsewhere}, or pass --codex-home DIR."
    )


#: How many folders a notice names before it counts the rest: 64 Codex folders without a
#: sessions folder had had their 64 paths listed in the limits panel, ``status`` and
#: ``report`` (the settings dialog and ``status --json`` list them all).
FOLDERS_NAMED = 3


def named_folders(folders: Sequence[str], *, most: int = FOLDERS_NAMED, noun: str = "") -> str:
    """``folders`` as a notice names them: the first ``most`` and how many more ("~/a, ~/b,
    ~/c and 61 more", ``noun`` after the count), or all of them when one more would be
    counted ("and 1 more" is no shorter than its name)."""
    if len(folders) <= most + 1:
        return ", ".join(folders)
    more = f"{len(folders) - most:,} more{f' {noun}' if noun else ''}"
    return f"{', '.join(folders[:most])} and {more}"


def sessions_missing_text(folders: Sequence[str], *, short: bool = False) -> str:
    """What every surface says of ``sessions`` folders missing from homes that are there
    (``folders`` as the surface writes them; past ``FOLDERS_NAMED``, counted): "~/.codex/
    sessions, where Codex keeps its logs, is missing" (the report had said "~/.codex has no
    sessions folder", the window this); ``short``, for the tray: "~/.codex/sessions is
    missing"."""
    verb = "is" if len(folders) == 1 else "are"
    where = "" if short else ", where Codex keeps its logs,"
    return f"{named_folders(folders)}{where} {verb} missing"


def sessions_blocked_texts(
    blocked: Sequence[tuple[str, str]], say: Callable[[str, str], str] = sessions_blocked_text
) -> list[str]:
    """What is said (``say``) of each ``sessions`` folder and what it is instead, the rest
    counted past ``FOLDERS_NAMED`` as ``named_folders`` counts them ("and 61 more are not
    folders either")."""
    if len(blocked) <= FOLDERS_NAMED + 1:
        return [say(folder, kind) for folder, kind in blocked]
    said = [say(folder, kind) for folder, kind in blocked[:FOLDERS_NAMED]]
    return [*said, f"and {len(blocked) - FOLDERS_NAMED:,} more are not folders either"]


def no_sessions_message(home: str) -> str | None:
    """What a command says of an existing home without a ``sessions`` or ``archived_sessions``
    folder (None when it has one). Given the sessions folder itself (named so, or holding
    year folders), it suggests the folder above. A file (a pipe…) where ``sessions`` goes is
    said as such, archived logs or not: Codex cannot write new ones while it is there."""
    said = _no_sessions(home)
    return None if said is None else said[0]


def no_sessions_messages(homes: Sequence[str]) -> list[tuple[str | None, str]]:
    """``no_sessions_message`` of each of ``homes`` that has one, with the home it is about,
    except that the homes merely without one (no other word for them: "is it a Codex
    folder?") are said together, in the place of the first, about no one home (None), and so
    are more than ``FOLDERS_NAMED`` + 1 with something else in its place (as
    ``sessions_blocked_texts`` counts them): 64 of them had been 64 warnings."""
    found = [(home, said) for home in homes if (said := _no_sessions(home)) is not None]
    missing = [home for home, (_, group) in found if group == _MISSING]
    blocked = [
        (shown_home(_child(home, SESSIONS_DIR)), group)
        for home, (_, group) in found
        if group not in (None, _MISSING)
    ]
    together: dict[str, str] = {}  # each group said at once, by what is in its place
    if len(missing) > 1:
        folders = [shown_home(_child(home, SESSIONS_DIR)) for home in missing]
        together[_MISSING] = (
            f"{sessions_missing_text(folders)}; are the folders given Codex folders?"
        )
    if len(blocked) > FOLDERS_NAMED + 1:
        together[_BLOCKED] = "; ".join(sessions_blocked_texts(blocked))
    messages: list[tuple[str | None, str]] = []
    for home, (text, group) in found:
        key = _BLOCKED if group not in (None, _MISSING) else group
        if key is None or key not in together:
            messages.append((home, text))
        elif together[key]:
            messages.append((None, together[key]))
            together[key] = ""  # said
    return messages


#: What ``_no_sessions`` says is in the place of a sessions folder that is missing, and the
#: key of those that are something else (their group names what: "a file").
_MISSING = ""
_BLOCKED = "blocked"


def _no_sessions(home: str) -> tuple[str, str | None] | None:
    """``no_sessions_message``, and what is where the sessions folder goes, when it may be
    said of several homes at once: ``_MISSING`` (merely missing: "is it a Codex folder?"),
    or what is there instead ("a file"); None for what is said of its home alone."""
    kind = sessions_not_a_folder(home)
    if kind is not None:
        return sessions_blocked_text(shown_home(_child(home, SESSIONS_DIR)), kind), kind
    for name in (SESSIONS_DIR, ARCHIVED_DIR):
        try:
            if stat_module.S_ISDIR(os.stat(_child(home, name)).st_mode):
                return None
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:  # there may be logs in it: not "no sessions folder"
            try:
                os.listdir(home)
            except OSError as closed:
                return (
                    f"cannot open {shown_home(home)}: {closed.strerror or closed}; "
                    "what the index holds of it is kept"
                ), None
            # The home opens: the folder's own problem (a link loop, a dead mount) is the
            # walk's to say, with that folder's name.
            return None

    message = sessions_missing_text([shown_home(_child(home, SESSIONS_DIR))])
    parent = home_above(home)
    if parent is not None:
        return f"{message}; did you mean --codex-home {shown_home(parent)}?", None
    return f"{message}; is {shown_home(home)} a Codex folder?", _MISSING


def home_above(home: str | os.PathLike[str]) -> str | None:
    """The Codex folder meant by ``home`` when it is Codex's sessions folder itself (its
    logs' folder, typed or pasted for Codex's: read as a Codex folder, it holds no logs, and
    its ``sessions/sessions`` never comes), or a year's, month's or day's folder in it (a
    path copied from a log's): the folder above the sessions folder; else None."""
    folder = os.path.abspath(home)
    for _level in range(4):  # the sessions folder, or its year, month or day below it
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        if _is_sessions_folder(folder):
            return parent
        name = os.path.basename(folder)
        if not (name.isascii() and name.isdigit()):
            return None
        folder = parent
    return None


def sessions_instead(
    sessionless: Sequence[Home],
) -> tuple[tuple[tuple[Home, str], ...], tuple[tuple[Home, str], ...]]:
    """Of homes without a ``sessions`` folder: those with something else in its place, each
    with what it is (``sessions_not_a_folder``), and of the others those that are Codex's
    sessions folder itself, each with the folder above (``home_above``)."""
    blocked = tuple(
        (home, kind) for home in sessionless if (kind := sessions_not_a_folder(home)) is not None
    )
    taken = {home for home, _ in blocked}
    logs = tuple(
        (home, above)
        for home in sessionless
        if home not in taken and (above := home_above(home)) is not None
    )
    return blocked, logs


def logs_folder_text(folder: str, meant: str) -> str:
    """What every surface says of a Codex folder that is Codex's logs' own folder (``folder``
    and the folder above, ``meant``, as the surface writes them)."""
    holds = f"Codex's folder is the one that holds it: {meant}"
    return f"{folder} is where Codex keeps its logs; {holds}"


def _is_sessions_folder(folder: str) -> bool:
    """Named ``sessions`` or ``archived_sessions``, or holding a year folder (``2026``) with a
    month folder (``11``) in it, as Codex's sessions folder does."""
    if os.path.basename(os.path.abspath(folder)) in (SESSIONS_DIR, ARCHIVED_DIR):
        return True
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    # A year's name alone is not enough: /proc's processes have such names too ("did you mean
    # --codex-home /?"). Only the first few are looked in: /proc has thousands.
    years = [name for name in names if len(name) == 4 and name.isascii() and name.isdigit()]
    return any(_holds_a_month(_child(folder, year)) for year in years[:YEARS_LOOKED_IN])


#: How many year-like folders ``_is_sessions_folder`` looks in for a month folder.
YEARS_LOOKED_IN = 8


def _holds_a_month(folder: str) -> bool:
    """Whether ``folder`` holds a month folder as Codex names them (``01`` to ``12``)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(
        len(name) == 2 and name.isascii() and "01" <= name <= "12" and name.isdigit()
        for name in names
    )


#: The most Codex folders read. Nobody keeps more Codex homes than a few; a settings file or a
#: command line naming thousands (20,000 fit in the settings file's 1 MiB) had the window's
#: feed look at each of them at every poll, and the usage index ask SQLite for a parameter per
#: folder, past the most it takes. The others are not read, and that is said (``too_many_homes``).
MAX_HOMES = 64


def capped_homes(homes: Sequence[Home]) -> tuple[tuple[Home, ...], int]:
    """The first ``MAX_HOMES`` of ``homes`` once duplicates are dropped (order kept), and how
    many more there are, which are not read."""
    unique = tuple(dict.fromkeys(homes))  # not a search of a list per home: 20,000 took 22 s
    return unique[:MAX_HOMES], max(len(unique) - MAX_HOMES, 0)


def too_many_homes_message(left_out: int) -> str:
    """What is said of the Codex folders named past ``MAX_HOMES``."""
    from codex_presence_gui.core.formatting import counted

    return (
        f"Only the first {MAX_HOMES} Codex folders are read; "
        f"the {counted(left_out, 'folder')} after them {'is' if left_out == 1 else 'are'} not."
    )


def too_many_homes(left_out: int) -> Problem:
    """The problem that says so (``too_large``, about no one path)."""
    from codex_presence_gui.core.problems import Problem, ProblemKind

    return Problem(ProblemKind.TOO_LARGE, too_many_homes_message(left_out), None)


def resolve_codex_homes(
    cli_homes: Sequence[str | Path] = (),
    settings_homes: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[Path, ...]:
    """The homes to read: the command line wins, then settings, then ``$CODEX_HOME``/``~/.codex``.

    Duplicates (after resolving ``~``) are dropped, order is kept. All are given: the readers
    read the first ``MAX_HOMES`` (``capped_homes``) and say the others are not read.
    """
    from pathlib import Path

    chosen = cli_homes or settings_homes
    homes = [Path(home).expanduser() for home in chosen] or [default_codex_home(environ)]
    return tuple(dict.fromkeys(homes))


def home_texts(
    cli_homes: Sequence[str] = (), environ: Mapping[str, str] | None = None
) -> list[str]:
    """The homes of ``resolve_codex_homes(cli_homes, environ=environ)`` as text: on POSIX
    worked out without pathlib, whose import (with the re it imports) costs a repeat report
    more than its walk of the homes."""
    if os.name != "posix":
        return [str(home) for home in resolve_codex_homes(cli_homes, environ=environ)]
    env = os.environ if environ is None else environ
    value = env.get("CODEX_HOME", "").strip()
    if cli_homes:
        homes = [_expanded(home) for home in cli_homes]
    elif value:
        homes = [_expanded(value)]
    else:
        homes = [_joined(_expanded("~"), ".codex")]
    return list(dict.fromkeys(homes))


def _normal(text: str) -> str:
    """``str(PurePosixPath(text))``: no empty or ``.`` parts, one root slash (two kept)."""
    stripped = text.lstrip("/")
    slashes = len(text) - len(stripped)
    root = "" if not slashes else "//" if slashes == 2 else "/"
    return root + "/".join(part for part in stripped.split("/") if part and part != ".") or "."


def _joined(base: str, relative: str) -> str:
    """``str(PurePosixPath(base) / relative)`` for normal texts (``relative`` not absolute)."""
    if base == ".":
        return relative
    return base + relative if base.endswith("/") else f"{base}/{relative}"


def _expanded(text: str) -> str:
    """``str(Path(text).expanduser())`` on POSIX."""
    normal = _normal(text)
    if not normal.startswith("~"):
        return normal
    first, _, rest = normal.partition("/")
    home = os.path.expanduser(first)
    if home.startswith("~"):
        if first == "~":  # no home at all: said in words (see paths.NoHomeError)
            raise NoHomeError(NO_HOME)
        raise RuntimeError("Could not determine home directory.")  # as Path.expanduser
    return _joined(_normal(home), rest) if rest else _normal(home)


class FileStat(NamedTuple):
    """The parts of ``os.stat`` that detect appends, truncation and replacement."""

    dev: int
    ino: int
    size: int
    mtime: float
    #: The status change time: every write and every replacement moves it, and ``os.utime``
    #: cannot set it back, so a rewrite of the same size and mtime still shows (0: unknown).
    ctime: float = 0.0

    @classmethod
    def of(cls, path: Path) -> FileStat:
        """Stat ``path``; raises ``OSError`` as ``os.stat`` does."""
        return cls.from_stat(os.stat(path))

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileStat:
        """The parts of an ``os.stat_result``."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime, st.st_ctime)


class RolloutFile(NamedTuple):
    """One rollout file found on disk."""

    path: Path
    stat: FileStat
    home: Path
    archived: bool


class Discovery:
    """What a walk of the homes found."""

    # A plain class: a repeat ``report`` walks the homes without importing dataclasses.
    __slots__ = (
        "by_text",
        "closed_homes",
        "errors",
        "files",
        "missing_homes",
        "sessionless",
        "unsearched",
    )

    def __init__(
        self,
        files: list[RolloutFile] | None = None,
        missing_homes: list[Path] | None = None,
        errors: list[Problem] | None = None,
    ) -> None:
        self.files: list[RolloutFile] = [] if files is None else files
        self.missing_homes: list[Path] = [] if missing_homes is None else missing_homes
        self.errors: list[Problem] = [] if errors is None else errors
        #: Folders and files that could not be listed or searched (as text): logs below them
        #: were not found, but need not be gone.
        self.unsearched: list[str] = []
        #: The homes that are there but hold no ``sessions`` folder (deleted, or not made yet).
        self.sessionless: list[Path] = []
        #: ``files`` by their paths' text: the next walk takes over what did not change.
        self.by_text: dict[str, RolloutFile] = {}
        #: The homes that are there but cannot be entered (mode 000, another user's), each
        #: with why (the system's words: "Permission denied").
        self.closed_homes: list[tuple[Path, str]] = []

    def __repr__(self) -> str:
        return (
            f"Discovery(files={self.files!r}, missing_homes={self.missing_homes!r}, "
            f"errors={self.errors!r})"
        )


def _problem(kind: str, detail: str, path: str | Path) -> Problem:
    """A problem met on the walk (imported here: a walk that meets none never needs them)."""
    from pathlib import Path

    from codex_presence_gui.core.problems import Problem, ProblemKind

    return Problem(ProblemKind(kind), detail, Path(path))


def _is_rollout(name: str) -> bool:
    return name.startswith(_PREFIX) and (name.endswith(_PLAIN) or name.endswith(_COMPRESSED))


#: How deep below ``sessions`` folders are searched (Codex writes ``YYYY/MM/DD``), and how
#: many folders one walk enters at most: a symlink to ``/`` or a tree thousands of levels
#: deep must not make the walk endless (nor overflow Python's stack).
MAX_DEPTH = 8
MAX_FOLDERS = 50_000


def _walk(
    directory: str,
    recursive: bool,
    errors: list[Problem],
    found: list[tuple[str, FileStat]],
    seen: set[tuple[int, int] | str],
    unsearched: list[str] | None = None,
    *,
    archived: bool = False,
) -> None:
    """Add the rollout files below ``directory`` to ``found`` (their paths as text, and the
    parts of their stats that tell a change: a whole ``os.stat_result``, some 680 bytes, had
    been held for each of 20,000 files until the walk's end, 13 MB more at its peak);
    folders reached through symbolic links are followed (a ``sessions/2026`` moved to another
    disk), each real folder once (no loops), down to ``MAX_DEPTH`` levels and ``MAX_FOLDERS``
    folders (past either, one problem says what was not searched). What could not be listed
    or searched goes to ``unsearched`` too (the logs below it may still be there). A loop
    over a stack, not recursion nor generators: every file would pass through one generator
    per level."""
    skipped = unsearched if unsearched is not None else []
    pending = [(directory, 0)]
    entered = 0
    too_deep = 0  # folders left for being too deep: said once, after the walk
    first_too_deep = ""
    while pending:
        folder, depth = pending.pop()
        try:
            here = os.stat(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue  # gone, or never there: the home itself is checked by the caller
        except OSError as error:
            # There, but not to be entered (a permission, a network home's hiccup): what was
            # found below it before stays until it can be searched again.
            skipped.append(folder)
            errors.append(
                _problem("unreadable", f"cannot open {folder}: {error.strerror or error}", folder)
            )
            continue
        if not depth and not stat_module.S_ISDIR(here.st_mode):
            # A file where ``sessions`` or ``archived_sessions`` goes: there is nothing to list
            # ("cannot list …: Not a directory" had been said of it). The home's messages say
            # what is where ``sessions`` goes (``sessions_not_a_folder``); this walk says it
            # of ``archived_sessions``, which no other message names (it had gone unsaid).
            if archived:
                text = archived_blocked_text(shown_home(folder), kind_of(here.st_mode))
                errors.append(_problem("unreadable", text, folder))
            continue
        # A drive that numbers no file (``st_ino`` 0: WebDAV and WinFsp drives, some network
        # shares on Windows) is told by its real paths: by number, every folder after the
        # first had been taken for one entered already, and no log below it was found.
        key = (here.st_dev, here.st_ino) if here.st_ino else os.path.realpath(folder)
        if key in seen:
            continue
        if entered >= MAX_FOLDERS:
            errors.append(
                _problem(
                    "too_large",
                    f"stopped searching {directory} after {MAX_FOLDERS:,} folders; "
                    f"{folder} and what remains were not searched",
                    folder,
                )
            )
            skipped.append(folder)
            skipped.extend(path for path, _depth in pending)
            break  # what was left for its depth is still said, below
        seen.add(key)
        entered += 1
        try:
            with os.scandir(folder) as listing:  # closed also when listing fails midway
                entries = list(listing)
        except FileNotFoundError:
            continue
        except OSError as error:
            skipped.append(folder)
            errors.append(
                _problem("unreadable", f"cannot list {folder}: {error.strerror or error}", folder)
            )
            continue
        deeper = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=True):
                    if not recursive:
                        continue
                    junction = getattr(entry, "is_junction", None)  # Python 3.12+
                    link = entry.is_symlink() or (junction is not None and junction())
                    if link and _holds(os.stat(entry.path), folder, entry.path):
                        # A link to ``/``, the home or a folder above it: it would walk
                        # the whole machine (or the home again), not a moved log folder.
                        errors.append(
                            _problem(
                                "unreadable",
                                f"not followed: {entry.path} links to a folder that holds it",
                                entry.path,
                            )
                        )
                        continue
                    deeper.append((link, entry.path))
                    continue
                if not _is_rollout(entry.name):
                    continue
                st = entry.stat()
            except OSError as error:
                if isinstance(error, FileNotFoundError) and not _is_link(entry):
                    continue  # gone since the listing (moved to the archive): not there
                # A link to a drive not mounted now, or a file that cannot be read: its logs
                # are not gone (their rows stay), and it is said.
                skipped.append(entry.path)
                errors.append(
                    _problem(
                        "unreadable",
                        f"cannot read {entry.path}: {error.strerror or error}",
                        entry.path,
                    )
                )
                continue
            if not stat_module.S_ISREG(st.st_mode):
                # A FIFO would block the first read for ever; a device or socket is no log.
                errors.append(
                    _problem("not_a_file", f"skipped {entry.path}: not a regular file", entry.path)
                )
                continue
            found.append((entry.path, FileStat.from_stat(st)))
        if deeper and depth >= MAX_DEPTH:
            skipped.extend(path for _link, path in deeper)
            too_deep += len(deeper)
            first_too_deep = first_too_deep or folder
            continue
        # Onto the stack so that a folder's own subfolders are entered before those reached
        # through links (the budget goes to Codex's own tree first), each in listed order.
        deeper.sort(key=lambda item: item[0])  # stable: the listed order within each kind
        pending.extend((path, depth + 1) for _link, path in reversed(deeper))
    if too_deep:
        from codex_presence_gui.core.formatting import counted  # rare: not on a report's path

        errors.append(
            _problem(
                "too_large",
                f"not searched: {counted(too_deep, 'folder')} more than {MAX_DEPTH} levels below "
                f"{directory} (the first in {first_too_deep})",
                first_too_deep,
            )
        )


def _is_link(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a symbolic link (False when that cannot be told: it is gone)."""
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _holds(target: os.stat_result, folder: str, link: str) -> bool:
    """True when the folder ``target`` (the stat of ``link``'s) is ``folder`` or a folder
    above it, told by device and inode: no spelling of a path (case, a junction) can hide it.
    Where the drive numbers no file (``st_ino`` 0), by the real paths instead."""
    here = os.path.realpath(folder)
    if not target.st_ino:
        led = os.path.normcase(os.path.realpath(link))
        inside = os.path.normcase(here)
        return inside == led or inside.startswith(led.rstrip(os.sep) + os.sep)
    while True:
        try:
            stat = os.stat(here)
        except OSError:
            return False
        if (stat.st_dev, stat.st_ino) == (target.st_dev, target.st_ino):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def discover(
    homes: Sequence[Path], *, include_archived: bool = True, previous: Discovery | None = None
) -> Discovery:
    """Walk every home; a plain ``.jsonl`` hides a ``.jsonl.zst`` of the same name.

    ``previous``, the walk before (of the same homes), lends its entries: a file found again
    keeps its path object, and its entry when nothing changed. The live window walks every
    10 s, and making 20,000 old files' paths again had been two thirds of each walk's time.
    """
    from pathlib import Path

    found = Discovery()
    walked = walk_homes(
        homes,
        found.missing_homes,
        found.errors,
        include_archived=include_archived,
        unsearched=found.unsearched,
        closed=found.closed_homes,
    )
    before = previous.by_text if previous is not None else {}
    by_text = found.by_text
    for text, stat, home, archived in walked:
        known = before.get(text)
        if known is None:
            rollout = RolloutFile(Path(text), stat, home, archived)
        elif known.stat == stat and known.home is home and known.archived is archived:
            rollout = known
        else:
            rollout = RolloutFile(known.path, stat, home, archived)
        found.files.append(rollout)
        by_text[text] = rollout
    found.sessionless = sessionless_homes(homes, found.missing_homes)
    return found


def sessionless_homes(homes: Sequence[Path], missing: Sequence[Path]) -> list[Path]:
    """The ``homes`` that are there (not in ``missing``) but hold no ``sessions`` folder."""
    gone = set(missing)
    return [home for home in homes if home not in gone and not has_sessions_folder(str(home))]


def has_sessions_folder(home: str) -> bool:
    """Whether ``home`` holds a ``sessions`` folder; True when that cannot be told (a folder
    that may not be entered may still hold one: the walk says what it could not open)."""
    try:
        return stat_module.S_ISDIR(os.stat(_child(home, SESSIONS_DIR)).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True


def walk_homes(
    homes: Sequence[Home],
    missing: list[Home],
    errors: list[Problem],
    *,
    include_archived: bool = True,
    unsearched: list[str] | None = None,
    closed: list[tuple[Home, str]] | None = None,
) -> list[tuple[str, FileStat, Home, bool]]:
    """``discover``'s files, newest first, as (path text, stat, home, archived): no path object
    is made (see ``home_texts``). The homes that do not exist go to ``missing``, the problems
    met to ``errors``, the folders and files that could not be listed or searched (their logs
    may still be there) to ``unsearched``, the homes that cannot be entered to ``closed``
    (with the system's words for why)."""
    files: list[tuple[str, FileStat, Home, bool]] = []
    real_homes: set[str] = set()
    seen_homes: set[tuple[int, int]] = set()
    for home in homes:
        try:
            # A path's own test (before Python 3.13 it raises on some errors), else os.path's.
            exists = os.path.isdir(home) if isinstance(home, str) else home.is_dir()
        except OSError as error:  # e.g. a name too long, or a folder we may not enter
            if unsearched is not None:
                unsearched.append(str(home))
            errors.append(
                _problem(
                    "unreadable",
                    f"cannot open the Codex folder {home}: {error.strerror or error}",
                    home,
                )
            )
            exists = False
        if not exists:
            missing.append(home)
            continue
        base = str(home)
        real = os.path.normcase(os.path.realpath(base))
        if real in real_homes or _same_folder(base, seen_homes):
            # The same folder given again, or through a link: its logs once. Also spelt in
            # another case on macOS, whose real path keeps the case it is given.
            continue
        real_homes.add(real)
        try:
            os.lstat(_child(base, SESSIONS_DIR))
        except PermissionError as error:
            # Looking at a name inside a folder needs only the right to enter it: refused, it
            # is the home that is closed (mode 000, another user's), not its sessions folder
            # and an archive that may not even exist, as had been said of each. (Not followed:
            # a ``sessions`` linked to a closed place is that folder's problem, by its name.)
            why = error.strerror or str(error)
            if unsearched is not None:
                unsearched.append(base)
            if closed is not None:
                closed.append((home, why))
            errors.append(
                _problem("unreadable", f"cannot open the Codex folder {home}: {why}", home)
            )
            continue
        except OSError:
            pass  # missing, or another problem: the walk of the folder says it, by its name
        places = [(_child(base, SESSIONS_DIR), True, False)]
        if include_archived:
            places.append((_child(base, ARCHIVED_DIR), False, True))
        for directory, recursive, archived in places:
            by_name: dict[str, tuple[str, FileStat, Home, bool]] = {}
            walked: list[tuple[str, FileStat]] = []
            _walk(directory, recursive, errors, walked, set(), unsearched, archived=archived)
            for path, stat in walked:
                key = path.removesuffix(".zst")  # the plain name in the same folder
                existing = by_name.get(key)
                if existing is not None and existing[0].endswith(_PLAIN):
                    continue  # the plain file wins over its compressed twin
                by_name[key] = (path, stat, home, archived)
            files.extend(by_name.values())
    files.sort(key=lambda item: item[1].mtime, reverse=True)
    return files


def _same_folder(folder: str, seen: set[tuple[int, int]]) -> bool:
    """Whether ``folder`` is one of ``seen`` (devices and inodes), which it joins; False
    where that cannot be told (no stat, a drive that numbers no file)."""
    try:
        stat = os.stat(folder)
    except (OSError, ValueError):
        return False
    if not stat.st_ino:
        return False
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return True
    seen.add(key)
    return False


def _child(folder: str, name: str) -> str:
    """``str(Path(folder) / name)`` for a folder's text (``.`` is left out, as pathlib does)."""
    return name if folder == "." else os.path.join(folder, name)
