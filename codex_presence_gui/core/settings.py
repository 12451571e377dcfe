"""The user's settings: a validated value, kept in a JSON file that is never lost.

Writes are atomic (a temporary file, flushed, then renamed over the old one). Keys written by
newer versions are kept when saving.

Nothing in the file can stop the app:

- A file that cannot be read as a JSON object (not JSON, not UTF-8, over ``MAX_FILE_BYTES``,
  nested deeper than ``MAX_DEPTH``) is moved aside as a timestamped backup and the app starts
  on defaults, saying once where the backup is.
- A readable file with a bad value (the wrong type, a number that is not finite or out of
  range, a folder that cannot be a path) uses the default for that key only, with one message
  per key. The file is left as it is: it changes only when the user saves.
- A UTF-8 byte order mark is skipped, a file in UTF-16 or UTF-32 with its mark is read;
  ``"schema": "1"`` is read as 1.
- Project rules are read one by one and fail safe: a rule without a pattern is dropped, and
  one whose action is unknown (a newer version's) or an alias rule without its alias hides
  the project, each with a message. The rest of the list is kept: dropping every rule for
  one bad entry would publish the projects the others hide.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from codex_presence_gui.core.discovery import (
    ARCHIVED_DIR,
    MAX_HOMES,
    SESSIONS_DIR,
    archived_blocked_text,
    default_codex_home,
    logs_folder_text,
    not_a_folder,
    sessions_blocked_text,
    sessions_missing_text,
    shown_home,
    too_many_homes_message,
)
from codex_presence_gui.core.presence import (
    DEFAULT_CLIENT_ID,
    DEFAULT_IDLE_CLEAR_MINUTES,
    MAX_IDLE_CLEAR_MINUTES,
    PAUSED_UNTIL_RESUMED,
    IdleAction,
    PresenceSettings,
    ProjectRule,
    RuleAction,
)
from codex_presence_gui.core.sanitize import is_utf8
from codex_presence_gui.paths import NoHomeError, make_folder, os_problem, read_kept

SCHEMA_VERSION = 3
SETTINGS_FILE = "settings.json"
THEMES = ("system", "light", "dark")
MIN_REFRESH_S = 0.5
MAX_REFRESH_S = 60.0
#: Codex warns at 75, 90 and 95 % used; so do we by default, said as what is left.
DEFAULT_LEFT_THRESHOLDS = (25, 10, 5)
#: A threshold is a percentage left: 0 (all used) up to 99 (barely started).
MAX_LEFT_THRESHOLD = 99
#: A settings file is a few hundred bytes; anything far larger is not one (and is not read
#: whole into memory).
MAX_FILE_BYTES = 1 << 20
#: Deeper documents are refused: Python's json recurses (a RecursionError past ~1000 levels),
#: and so would saving the unknown keys back.
MAX_DEPTH = 64
#: A pause ends before the year 10000 (later times cannot be shown as dates).
MAX_PAUSE_UNTIL = 253_402_300_799.0
ACTIONS = {action.value: action for action in RuleAction}
MAX_RULE_TEXT = 500


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the user can choose (see the settings dialog for the wording)."""

    codex_homes: tuple[str, ...] = ()  # empty: $CODEX_HOME or ~/.codex
    discord_enabled: bool = True
    discord_client_id: str = DEFAULT_CLIENT_ID
    privacy_mode: bool = False
    show_project: bool = True
    show_branch: bool = True
    show_activity_target: bool = True
    show_model: bool = True
    show_tokens: bool = True
    show_limits: bool = True
    idle_action: str = IdleAction.CARD.value
    refresh_interval_s: float = 2.0
    always_on_top: bool = False
    start_minimized: bool = False
    close_to_tray: bool = False
    launch_at_login: bool = False
    theme: str = "system"
    notifications_enabled: bool = True
    notify_left_thresholds: tuple[int, ...] = DEFAULT_LEFT_THRESHOLDS  # percent left, high first
    notify_resets: bool = True
    #: Tried in order by the card; the first that matches the active session decides.
    project_rules: tuple[ProjectRule, ...] = ()
    #: Clear the card after this many minutes without session activity (0: never).
    idle_clear_minutes: int = DEFAULT_IDLE_CLEAR_MINUTES
    #: 0: publishing; ``PAUSED_UNTIL_RESUMED``; else when the pause ends (epoch seconds). Kept
    #: here so that a pause survives a restart.
    discord_paused_until: float = 0.0
    #: Keys this version does not know (from a newer version): written back untouched.
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def presence(self) -> PresenceSettings:
        """The Discord card settings."""
        return PresenceSettings(
            enabled=self.discord_enabled,
            privacy_mode=self.privacy_mode,
            show_project=self.show_project,
            show_branch=self.show_branch,
            show_activity_target=self.show_activity_target,
            show_model=self.show_model,
            show_tokens=self.show_tokens,
            show_limits=self.show_limits,
            idle_action=IdleAction(self.idle_action),
            rules=self.project_rules,
            idle_clear_minutes=self.idle_clear_minutes,
            paused_until=self.discord_paused_until,
        )

    @property
    def notify_used_thresholds(self) -> tuple[int, ...]:
        """The thresholds in percent used, lowest first, as the notification logic counts."""
        return tuple(sorted(100 - left for left in self.notify_left_thresholds))


_KNOWN = {f.name for f in fields(Settings)} - {"extra"}


@dataclass(frozen=True, slots=True)
class Problem:
    """A setting that needs the user's attention; ``blocking`` ones cannot be saved."""

    key: str
    message: str
    blocking: bool


def _blocked_logs(home: str) -> str | None:
    """What is said of a file (a named pipe…) where ``home`` keeps its logs, else None."""
    for name, said in (
        (SESSIONS_DIR, sessions_blocked_text),
        (ARCHIVED_DIR, archived_blocked_text),
    ):
        folder = Path(home).expanduser() / name
        if (kind := not_a_folder(folder)) is not None:
            return f"{said(shown_home(Path(home) / name), kind)}."
    return None


def _closed_home(home: Path) -> str | None:
    """Why ``home``, or a folder of its logs, cannot be looked at ("Permission denied": a
    folder of another user's), else None. ``Path.is_dir`` raised that, out of the Settings
    dialog at each key typed, instead of answering."""
    for path in (home, home / SESSIONS_DIR, home / ARCHIVED_DIR):
        try:
            os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there (yet), or under a file: said by the checks that follow
        except OSError as error:
            return os_problem(error)
    return None


def codex_home_of(folder: str) -> str:
    """The Codex folder meant by ``folder``, chosen in a folder dialog: the folder above when
    the one chosen is Codex's ``sessions`` or ``archived_sessions`` folder itself (the logs are
    in it, so it is easily taken for Codex's folder; read as one, it holds no logs and the
    window waited for a ``sessions/sessions`` Codex never makes), else ``folder`` as it is."""
    path = Path(folder)
    if path.name not in (SESSIONS_DIR, ARCHIVED_DIR) or _closed_home(path) is not None:
        return folder  # one that cannot be looked into is taken as it was chosen
    if not path.is_dir():
        return folder
    if any((path / name).is_dir() for name in (SESSIONS_DIR, ARCHIVED_DIR)):
        return folder  # a Codex folder that happens to be named so
    return str(path.parent)


def default_home_kept(added: str) -> str | None:
    """The folder an empty list of Codex folders stands for ($CODEX_HOME, else ~/.codex),
    when it is there and is not ``added``: listed before a folder added to that empty list.
    A list reads its folders alone, so the first folder added had taken that one's place,
    and its sessions went from the window, when the user meant a second one. Else None."""
    try:
        default = default_codex_home()
    except NoHomeError:
        return None
    if not os.path.isdir(default):  # never raises, as Path.is_dir may (_closed_home)
        return None
    try:
        if os.path.samefile(default, Path(added).expanduser()):
            return None
    except (OSError, RuntimeError, ValueError):
        pass  # ``added`` not there (yet), or no folder at all: not the same one
    return str(default)


def validate(settings: Settings) -> list[Problem]:
    """Plain-language problems; a missing Codex folder is flagged, not refused."""
    problems = []
    read: set[Path] = set()  # the folders read: the first MAX_HOMES, as the readers take them
    not_read: set[Path] = set()
    for home in settings.codex_homes:
        unusable = _unusable_home(home)
        if unusable is not None:
            problems.append(Problem("codex_homes", unusable, blocking=True))
            continue
        path = Path(home).expanduser()
        if path not in read:
            if len(read) == MAX_HOMES:
                not_read.add(path)  # not read, so not looked at either (20,000 took seconds)
                continue
            read.add(path)
        relative = _relative_home(home)
        shown = shown_home(home)
        if relative is not None:
            problems.append(Problem("codex_homes", relative, blocking=True))
        elif (kind := not_a_folder(path)) is not None:
            # Refused: Codex will not make its folder where a file is, so it would never fill.
            problems.append(
                Problem(
                    "codex_homes",
                    f"{shown} is {kind}, not a folder: choose Codex's folder (usually ~/.codex).",
                    blocking=True,
                )
            )
        elif (closed := _closed_home(path)) is not None:
            # Said, not refused: the folder is there, and may be opened to us later.
            problems.append(
                Problem(
                    "codex_homes",
                    f"{shown} cannot be opened ({closed}): its logs are read once it can be.",
                    blocking=False,
                )
            )
        elif not path.is_dir():
            problems.append(
                Problem(
                    "codex_homes",
                    f"{shown} does not exist yet; it will be used once Codex creates it.",
                    blocking=False,
                )
            )
        elif blocked := _blocked_logs(home):
            # Said as the window, ``status`` and ``report`` say it: the folder is Codex's, but
            # a file is where its logs go ("is it the folder Codex uses?" had been asked).
            problems.append(Problem("codex_homes", blocked, blocking=False))
        elif not any((path / name).is_dir() for name in ("sessions", "archived_sessions")):
            # "/" or a project folder: accepted (Codex may not have run yet), but said.
            # In the words of every surface (``sessions_missing_text``).
            try:
                usual = path == Path.home() / ".codex"
            except RuntimeError:  # no home at all (``paths.NoHomeError``): no usual folder
                usual = False
            missing = sessions_missing_text([shown_home(Path(home) / SESSIONS_DIR)])
            meant = codex_home_of(str(path))
            if meant != str(path):
                # Its logs' own folder, typed or pasted: the folder above is Codex's.
                said = f"{logs_folder_text(shown, shown_home(meant))}."
            elif usual:
                said = f"{missing}; Codex makes it when a session starts."
            else:
                said = f"{missing}: is {shown} the folder Codex uses, usually ~/.codex?"
            problems.append(Problem("codex_homes", said, blocking=False))
    if not_read:
        message = too_many_homes_message(len(not_read))
        problems.append(Problem("codex_homes", message, blocking=False))
    if not _is_client_id(settings.discord_client_id):
        problems.append(
            Problem(
                "discord_client_id",
                "The Discord application id is a number of 17 to 20 digits "
                "(Discord Developer Portal → your application → Application ID).",
                blocking=True,
            )
        )
    if any(not _is_left_threshold(value) for value in settings.notify_left_thresholds):
        problems.append(
            Problem(
                "notify_left_thresholds",
                f"Notification thresholds are percentages left, from 0 to {MAX_LEFT_THRESHOLD} "
                "(for example 25, 10, 5).",
                blocking=True,
            )
        )
    if not _is_refresh_interval(settings.refresh_interval_s):
        problems.append(
            Problem(
                "refresh_interval_s",
                # Words, not "0.5s to 60s": a range in a sentence reads better with its unit
                # said once, in full.
                f"Refresh every {MIN_REFRESH_S:g} to {MAX_REFRESH_S:g} seconds.",
                blocking=True,
            )
        )
    for rule in settings.project_rules:
        why = rule_problem(rule)
        if why is not None:
            problems.append(Problem("project_rules", why, blocking=True))
    if not _is_idle_minutes(settings.idle_clear_minutes):
        problems.append(
            Problem(
                "idle_clear_minutes",
                # In words, as the refresh's range above.
                f"Clear the card after 0 (never) to {MAX_IDLE_CLEAR_MINUTES} minutes.",
                blocking=True,
            )
        )
    if not _is_pause_until(settings.discord_paused_until):
        problems.append(
            Problem("discord_paused_until", "The pause does not end at a usable time.", True)
        )
    return problems


def rule_problem(rule: ProjectRule) -> str | None:
    """Why ``rule`` cannot be saved (None when it can): what ``validate`` says of it."""
    return rule.problem() or _rule_text_problem(rule)


def _rule_text_problem(rule: ProjectRule) -> str | None:
    # Named as the dialog labels its fields: "pattern or name" read as the first field.
    for text, label in ((rule.pattern, "folder or name"), (rule.alias, "alias")):
        if len(text) > MAX_RULE_TEXT:
            return (
                f"A project rule's {label} is longer than {MAX_RULE_TEXT} characters ({len(text)})."
            )
        if not is_utf8(text):
            return "A project rule holds a character that cannot be saved."
    return None


def _is_idle_minutes(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_IDLE_CLEAR_MINUTES


def _is_pause_until(value: object) -> bool:
    # NaN fails both comparisons; only -1 below zero means anything.
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (value == PAUSED_UNTIL_RESUMED or 0 <= value <= MAX_PAUSE_UNTIL)
    )


def _is_left_threshold(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_LEFT_THRESHOLD


def _is_refresh_interval(value: object) -> bool:
    # NaN compares False both ways, so the range test alone refuses it; 0 or below would
    # make the refresh timer spin a core.
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and MIN_REFRESH_S <= value <= MAX_REFRESH_S
    )


def _relative_home(home: str) -> str | None:
    """Why ``home`` (usable: see ``_unusable_home``) cannot be read as the user meant it: a
    relative folder is relative to wherever the app was started from, another folder when it
    starts at log-in than from a terminal. None for a full path."""
    if Path(home).expanduser().is_absolute():
        return None
    return (
        f"{home} is not a full path: write it from the top (/home/you/.codex) "
        "or from your home folder (~/.codex)."
    )


def _unusable_home(home: str) -> str | None:
    """Why ``home`` cannot be a folder at all (None when it can): Python refuses a NUL in a
    path, and ``~name`` of an unknown user cannot be expanded; either would raise where the
    homes are resolved."""
    if "\x00" in home:
        return f"{home!r} cannot be a folder (it holds a NUL character)."
    try:
        Path(home).expanduser()
    except (RuntimeError, ValueError):
        return f"{home} cannot be a folder here: no such user's home to expand ~ with."
    return None


def edited_over(current: Settings, before: Settings, edited: Settings) -> Settings:
    """``current`` with what ``edited`` changed from ``before`` (a dialog's values and the
    settings it showed): what changed elsewhere meanwhile (always on top, a pause from the
    tray) stays as it is now."""
    changed = {
        each.name: getattr(edited, each.name)
        for each in fields(Settings)
        if getattr(edited, each.name) != getattr(before, each.name)
    }
    return replace(current, **changed)


def to_document(settings: Settings) -> dict[str, Any]:
    """The JSON document of the settings (with the schema version and unknown keys)."""
    document: dict[str, Any] = dict(settings.extra)
    values = asdict(settings)
    values.pop("extra")
    values["codex_homes"] = list(settings.codex_homes)
    values["notify_left_thresholds"] = list(settings.notify_left_thresholds)
    values["project_rules"] = [
        {"pattern": rule.pattern, "action": rule.action.value, "alias": rule.alias}
        for rule in settings.project_rules
    ]
    document.update(values)
    document["schema"] = SCHEMA_VERSION
    return document


class SettingsError(ValueError):
    """A settings document that cannot be used at all (not a JSON object, too deep, ...)."""


def _schema_version(value: object) -> int | None:
    """The schema as a whole number: 1, 1.0 and "1" alike; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value) < 10:
        return int(value.strip())
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


def _migrate(document: dict[str, Any], messages: list[str]) -> dict[str, Any]:
    """Bring an older document up to ``SCHEMA_VERSION`` one step at a time (version 0 had no
    schema key); a newer document is read as it is. Problems are added to ``messages``."""
    raw = document.get("schema", 0)
    version = _schema_version(raw)
    if version is None:
        # Read as the oldest: each step below only moves keys that only old files have.
        messages.append(f"schema: {_shown(raw)} is not a version number; read as an old file.")
        version = 0
    if version < 1 and "codex_home" in document:  # before lists of homes
        home = document.pop("codex_home")
        document.setdefault("codex_homes", [home] if home else [])
    if version < 2 and "notify_thresholds" in document:  # thresholds were in percent used
        used = document.pop("notify_thresholds")
        if isinstance(used, list) and all(type(v) is int and 1 <= v <= 100 for v in used):
            # The version-1 app wrote this last, so it wins over a copy a newer app left.
            document["notify_left_thresholds"] = [100 - value for value in used]
        else:
            messages.append(
                f"notify_thresholds: {_shown(used)} is not a list of percentages used "
                "(1-100); using the default thresholds."
            )
            document.pop("notify_left_thresholds", None)
    # Version 3 added the project rules, the idle clear and a pause kept across restarts:
    # new keys only, which take their defaults (nothing of version 2 moves or changes).
    return document


def _shown(value: object) -> str:
    """A bad value as the message quotes it: JSON-like, and short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_client_id(value: str) -> bool:
    """17 to 20 digits as Discord gives them (15 to 21 allowed: ids grow over time)."""
    text = value.strip()
    return text.isascii() and text.isdigit() and 15 <= len(text) <= 21


def _value(name: str, value: Any, default: Any) -> tuple[Any, str | None]:
    """The setting ``name`` read from ``value``: (the value, None), or (None, why not)."""
    if name == "notify_left_thresholds":
        if not isinstance(value, list) or not all(_is_left_threshold(v) for v in value):
            return None, f"must be a list of percentages left (0-{MAX_LEFT_THRESHOLD})"
        return tuple(sorted(set(value), reverse=True)), None
    if name == "idle_clear_minutes":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_idle_minutes(value):
            return None, f"must be a whole number of minutes from 0 to {MAX_IDLE_CLEAR_MINUTES}"
        return value, None
    if name == "discord_paused_until":
        if not _is_pause_until(value):
            return None, "must be 0 (not paused), -1 (until resumed) or a time"
        return float(value), None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            return None, "must be true or false"
        return value, None
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "must be a number"
        if name == "refresh_interval_s" and not _is_refresh_interval(value):
            # A range in words, as ``problems`` says it (NaN, infinity and a whole number
            # of hundreds of digits are out of it too).
            return None, f"must be from {MIN_REFRESH_S:g} to {MAX_REFRESH_S:g} seconds"
        try:
            number = float(value)
        except OverflowError:  # a whole number too large for a float: it had ended the read
            return None, "is too large a number"
        if not math.isfinite(number):
            return None, "must be a finite number"
        return number, None
    if not isinstance(value, str):
        return None, "must be text"
    if name == "discord_client_id" and not _is_client_id(value):
        return None, "is not a Discord application id (17 to 20 digits)"
    return value, None


def _homes(value: Any, messages: list[str]) -> tuple[str, ...] | None:
    """The Codex folders in ``value``, each that cannot be used left out with a message (the
    others are kept: saved again from Settings, they would otherwise all be lost for one);
    None when ``value`` is not a list of folders at all."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    homes = []
    for home in value:
        if not home.strip():
            continue
        # A relative folder saved by an older version, or by hand: refused as Settings
        # refuses it, not read from whatever folder the app happened to start in.
        why = _unusable_home(home) or _relative_home(home)
        if why is not None:
            messages.append(f"codex_homes: {why.removesuffix('.')}; {LEFT_OUT}")
            continue
        homes.append(home)
    return tuple(homes)


#: How a message about one Codex folder of the settings file ends: the others are read.
LEFT_OUT = "left out."


def _rules(value: Any, messages: list[str]) -> tuple[ProjectRule, ...] | None:
    """The project rules in ``value``, read one by one and failing safe (see the module's
    notes); None when ``value`` is not a list of them at all."""
    if not isinstance(value, list):
        return None
    rules = []
    for index, item in enumerate(value, 1):
        where = f"project_rules: rule {index}"
        pattern = item.get("pattern") if isinstance(item, dict) else None
        if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > MAX_RULE_TEXT:
            messages.append(f"{where} ({_shown(item)}) has no usable pattern; left out.")
            continue
        if not is_utf8(pattern):
            messages.append(f"{where} has a pattern that cannot be saved; left out.")
            continue
        raw = item.get("action")
        action = ACTIONS.get(raw) if isinstance(raw, str) else None
        alias = item.get("alias", "")
        if not isinstance(alias, str) or len(alias) > MAX_RULE_TEXT or not is_utf8(alias):
            alias = ""
        rule = ProjectRule(pattern, action or RuleAction.HIDE, alias)
        if action is None or rule.problem() is not None:
            messages.append(
                f"{where} ({_shown(pattern)}): {_shown(item.get('action'))} with alias "
                f"{_shown(item.get('alias'))} cannot be used; the project is hidden instead."
            )
            rule = ProjectRule(pattern, RuleAction.HIDE, alias)
        rules.append(rule)
    return tuple(rules)


def read_document(document: Any) -> tuple[Settings, tuple[str, ...]]:
    """Settings from a decoded JSON document, and one message per key that fell back.

    Raises:
        SettingsError: the document is not an object, or is nested too deeply.
    """
    if not isinstance(document, dict):
        raise SettingsError("the file does not hold a JSON object")
    if _depth(document) > MAX_DEPTH:
        raise SettingsError(f"the file is nested more than {MAX_DEPTH} levels deep")
    messages: list[str] = []
    document = _migrate(dict(document), messages)
    defaults = Settings()
    values: dict[str, Any] = {}
    for name in sorted(_KNOWN):
        if name not in document:
            continue
        default = getattr(defaults, name)
        if name == "codex_homes":
            homes = _homes(document[name], messages)
            if homes is None:
                messages.append(
                    f"codex_homes: {_shown(document[name])} must be a list of folders; "
                    f"using {_shown_default(default)}."
                )
            else:
                values[name] = homes
            continue
        if name == "project_rules":
            rules = _rules(document[name], messages)
            if rules is None:
                messages.append(
                    f"project_rules: {_shown(document[name])} is not a list of rules; using none."
                )
            else:
                values[name] = rules
            continue
        value, why = _value(name, document[name], default)
        if why is not None:
            messages.append(
                f"{name}: {_shown(document[name])} {why}; using {_shown_default(default)}."
            )
            continue
        values[name] = value
    # Unknown choices may come from a newer version: the default, quietly.
    if values.get("theme", "system") not in THEMES:
        values["theme"] = "system"
    if values.get("idle_action", IdleAction.CARD.value) not in {a.value for a in IdleAction}:
        values["idle_action"] = IdleAction.CARD.value
    extra = tuple((k, v) for k, v in document.items() if k not in _KNOWN and k != "schema")
    return replace(defaults, **values, extra=extra), tuple(messages)


def _shown_default(default: Any) -> str:
    if isinstance(default, tuple):
        return f"the default ({', '.join(map(str, default)) or 'none'})"
    return f"the default ({_shown(default)})"


def from_document(document: Any) -> Settings:
    """Settings from a decoded JSON document (keys with bad values take their defaults).

    Raises:
        SettingsError: the document is not an object, or is nested too deeply.
    """
    return read_document(document)[0]


def _depth(document: Any) -> int:
    """How deeply ``document`` nests (without recursion, which is what it guards against)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                break
        if isinstance(item, dict):
            stack.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return deepest


#: Byte order marks of the encodings a Windows editor may save in ("Unicode" in Notepad is
#: UTF-16), longest first: UTF-32's little-endian mark begins as UTF-16's.
_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_json(data: bytes) -> Any:
    """A state file's bytes as JSON: a UTF-8 byte order mark is skipped (Windows editors
    write one), and a file saved as UTF-16 or UTF-32 with its mark is read in that encoding
    (it had been set aside, every setting in it lost, as "byte 1 is not UTF-8").

    Raises:
        SettingsError: not UTF-8 JSON, or nested too deeply for Python's parser.
    """
    wide = next((name for mark, name in _WIDE_MARKS if data.startswith(mark)), None)
    if wide is not None:
        try:
            return decode_json(data.decode(wide).encode("utf-8"))
        except UnicodeDecodeError:  # (the mark is decoded away: it is not read again)
            raise SettingsError(f"it is not text: it begins as {wide.upper()} but is not") from None
    text = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return json.loads(text.decode("utf-8"))
    except RecursionError:
        raise SettingsError("the file is nested too deeply") from None
    except UnicodeDecodeError as error:  # said in words, not as the codec's message
        byte = error.start + 1 + len(data) - len(text)  # counted in the file, mark and all
        raise SettingsError(f"it is not text: byte {byte} is not UTF-8") from None
    except json.JSONDecodeError as error:
        what = error.msg.removesuffix(" at")  # "unterminated string starting at", …
        raise SettingsError(
            f"it is not JSON: {what[:1].lower()}{what[1:]} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
    except ValueError as error:
        if sys.get_int_max_str_digits() and "integer string conversion" in str(error):
            # Python's message would have the user call sys.set_int_max_str_digits().
            raise SettingsError(
                "it holds a number too long to read: "
                f"more than {sys.get_int_max_str_digits()} digits"
            ) from None
        raise SettingsError(str(error)) from None


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading found: the settings, and a message for the user if something was wrong."""

    settings: Settings
    message: str | None = None
    backup: Path | None = None
    #: One line per key that took its default (the file itself was kept in place).
    problems: tuple[str, ...] = ()
    #: A file is there that could not be read (no permission, no regular file): left as it
    #: is, and kept aside before the first save puts new settings in its place.
    unread: bool = False


def load_settings(path: Path) -> LoadResult:
    """Read the settings; a broken file is kept as a backup and defaults are used."""
    try:
        data = read_kept(path, MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return LoadResult(Settings())
    except OSError as error:
        return LoadResult(
            Settings(),
            f"Could not read your settings ({path}: {os_problem(error)}); "
            "using the defaults for now and leaving the file as it is (it is kept aside if "
            "you save settings).",
            unread=True,
        )
    try:
        if len(data) > MAX_FILE_BYTES:
            raise SettingsError(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
        settings, problems = read_document(decode_json(data))
    except SettingsError as error:
        backup = keep_aside(path)
        where = f"It was kept as {backup}." if backup else "It could not be moved aside."
        return LoadResult(
            Settings(),
            f"Your settings file could not be understood ({error}). {where} "
            "The app started with the default settings.",
            backup,
        )
    if not problems:
        return LoadResult(settings)
    return LoadResult(
        settings,
        f"Some of your settings ({path}) could not be used; the defaults stand in for them "
        "until you change them (the file stays as it is until you save): " + " ".join(problems),
        problems=problems,
    )


def peek_settings(path: Path) -> LoadResult:
    """Read the settings without touching the file (for the headless commands, which must
    not move a user's file aside): defaults and a message when it cannot be used."""
    try:
        data = read_kept(path, MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SettingsError(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
        settings, problems = read_document(decode_json(data))
    except FileNotFoundError:
        return LoadResult(Settings())
    except (OSError, SettingsError) as error:
        why = os_problem(error) if isinstance(error, OSError) else str(error)
        return LoadResult(
            Settings(), f"Could not use your settings ({path}: {why}); using the defaults."
        )
    return LoadResult(settings, defaults_message(path, problems), problems=problems)


def defaults_message(path: Path, problems: Sequence[str]) -> str | None:
    """What to say of settings that took their defaults (``problems``, one a key); None for
    none."""
    if not problems:
        return None
    return f"Some of your settings ({path}) use their defaults: " + " ".join(problems)


def keep_aside(path: Path, why: str = "corrupt") -> Path | None:
    """Move the file at ``path`` to ``<name>.<why>-<date>-<time>`` beside it (a number after,
    if that is taken); the new name, or None when it could not be moved."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{why}-{stamp}")
    counter = 1
    while os.path.lexists(backup):
        backup = path.with_name(f"{path.name}.{why}-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, backup)
    except OSError:
        return None
    return backup


def _linked_file(path: Path) -> Path:
    """The regular file ``path`` links to, else ``path`` itself."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    try:
        regular = stat.S_ISREG(os.stat(target).st_mode)
    except OSError:  # a loop, a dangling link
        regular = False
    return target if regular else path


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically: a crash leaves either the old or the new file.

    A link to a regular file (a dotfiles folder's) is written through: the file it names is
    replaced, and the link stays. A link to anything else is replaced, never followed.

    A read-only file is not replaced (``PermissionError``): renamed over, it would be, though
    the user made it so to keep it as it is (an export refuses it too).

    Raises:
        OSError: the folder is not writable, or the file is read-only (the old file is
            untouched).
    """
    import errno

    path = _linked_file(path)
    if path.is_file() and not path.is_symlink() and not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", os.fspath(path))
    make_folder(path.parent)
    document = to_document(settings)
    data = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if not is_utf8(data):
        # A lone surrogate (a folder's byte that is not UTF-8, a newer version's key) has no
        # UTF-8: written as the escape it was read from, as all the text then is.
        data = json.dumps(document, indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
