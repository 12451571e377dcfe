"""The user's settings: a validated value, kept in a JSON file that is never lost.

Writes are atomic (a temporary file, flushed, then renamed over the old one). A file that cannot
be read or understood is moved aside as a timestamped backup and the app starts on defaults,
saying once where the backup is. Keys written by newer versions are kept when saving.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from codex_presence_gui.core.presence import DEFAULT_CLIENT_ID, IdleAction, PresenceSettings

SCHEMA_VERSION = 2
SETTINGS_FILE = "settings.json"
THEMES = ("system", "light", "dark")
MIN_REFRESH_S = 0.5
MAX_REFRESH_S = 60.0
#: Codex warns at 75, 90 and 95 % used; so do we by default, said as what is left.
DEFAULT_LEFT_THRESHOLDS = (25, 10, 5)
#: A threshold is a percentage left: 0 (all used) up to 99 (barely started).
MAX_LEFT_THRESHOLD = 99


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


def validate(settings: Settings) -> list[Problem]:
    """Plain-language problems; a missing Codex folder is flagged, not refused."""
    problems = []
    for home in settings.codex_homes:
        path = Path(home).expanduser()
        if not path.is_dir():
            problems.append(
                Problem(
                    "codex_homes",
                    f"{home} does not exist yet; it will be used once Codex creates it.",
                    blocking=False,
                )
            )
    client_id = settings.discord_client_id.strip()
    if not client_id.isdigit() or not 15 <= len(client_id) <= 21:
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
    if not MIN_REFRESH_S <= settings.refresh_interval_s <= MAX_REFRESH_S:
        problems.append(
            Problem(
                "refresh_interval_s",
                f"Refresh every {MIN_REFRESH_S:g} to {MAX_REFRESH_S:g} seconds.",
                blocking=True,
            )
        )
    return problems


def _is_left_threshold(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_LEFT_THRESHOLD


def to_document(settings: Settings) -> dict[str, Any]:
    """The JSON document of the settings (with the schema version and unknown keys)."""
    document: dict[str, Any] = dict(settings.extra)
    values = asdict(settings)
    values.pop("extra")
    values["codex_homes"] = list(settings.codex_homes)
    values["notify_left_thresholds"] = list(settings.notify_left_thresholds)
    document.update(values)
    document["schema"] = SCHEMA_VERSION
    return document


class SettingsError(ValueError):
    """A settings document that cannot be used."""


def _migrate(document: dict[str, Any]) -> dict[str, Any]:
    """Bring an older document up to ``SCHEMA_VERSION`` one step at a time (version 0 had no
    schema key); a newer document is read as it is."""
    version = document.get("schema", 0)
    if not isinstance(version, int) or version < 0:
        raise SettingsError("the schema version is not a number")
    if version < 1 and "codex_home" in document:  # before lists of homes
        home = document.pop("codex_home")
        document.setdefault("codex_homes", [home] if home else [])
    if version < 2 and "notify_thresholds" in document:  # thresholds were in percent used
        used = document.pop("notify_thresholds")
        if not isinstance(used, list) or not all(type(v) is int and 1 <= v <= 100 for v in used):
            raise SettingsError("notify_thresholds must be a list of percentages used (1-100)")
        # The version-1 app wrote this last, so it wins over a copy a newer app left behind.
        document["notify_left_thresholds"] = [100 - value for value in used]
    return document


def from_document(document: Any) -> Settings:
    """Settings from a decoded JSON document.

    Raises:
        SettingsError: the document is not an object, or a known key has the wrong type.
    """
    if not isinstance(document, dict):
        raise SettingsError("the file does not hold a JSON object")
    document = _migrate(dict(document))
    defaults = Settings()
    values: dict[str, Any] = {}
    for name in _KNOWN:
        if name not in document:
            continue
        value = document[name]
        default = getattr(defaults, name)
        if name == "codex_homes":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError("codex_homes must be a list of folders")
            values[name] = tuple(v for v in value if v.strip())
        elif name == "notify_left_thresholds":
            if not isinstance(value, list) or not all(_is_left_threshold(v) for v in value):
                raise SettingsError(
                    f"{name} must be a list of percentages left (0-{MAX_LEFT_THRESHOLD})"
                )
            values[name] = tuple(sorted(set(value), reverse=True))
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{name} must be true or false")
            values[name] = value
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SettingsError(f"{name} must be a number")
            values[name] = float(value)
        else:
            if not isinstance(value, str):
                raise SettingsError(f"{name} must be text")
            values[name] = value
    if values.get("theme", "system") not in THEMES:
        values["theme"] = "system"
    if values.get("idle_action", IdleAction.CARD.value) not in {a.value for a in IdleAction}:
        values["idle_action"] = IdleAction.CARD.value
    extra = tuple((k, v) for k, v in document.items() if k not in _KNOWN and k != "schema")
    return replace(defaults, **values, extra=extra)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading found: the settings, and a message for the user if something was wrong."""

    settings: Settings
    message: str | None = None
    backup: Path | None = None


def load_settings(path: Path) -> LoadResult:
    """Read the settings; a broken file is kept as a backup and defaults are used."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(Settings())
    except OSError as error:
        return LoadResult(
            Settings(),
            f"Could not read your settings ({path}: {error.strerror or error}); "
            "using the defaults for now and leaving the file as it is.",
        )
    try:
        return LoadResult(from_document(json.loads(data.decode("utf-8"))))
    except (ValueError, SettingsError) as error:
        backup = _keep_aside(path)
        where = f"It was kept as {backup}." if backup else "It could not be moved aside."
        return LoadResult(
            Settings(),
            f"Your settings file could not be understood ({error}). {where} "
            "The app started with the default settings.",
            backup,
        )


def _keep_aside(path: Path) -> Path | None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, backup)
    except OSError:
        return None
    return backup


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically: a crash leaves either the old or the new file.

    Raises:
        OSError: the folder is not writable (the old file is untouched).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(to_document(settings), indent=2, ensure_ascii=False) + "\n"
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
