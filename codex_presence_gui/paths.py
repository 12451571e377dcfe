"""Every place the app keeps files: config, state, logs, cache, and bundled resources.

NOTE: Qt-free. Only this module asks platformdirs; tests and portable setups point everything
at one folder with ``CODEX_PRESENCE_BASE_DIR`` or ``override_base_dir``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath

from codex_presence_gui import APP_ID

BASE_DIR_ENV = "CODEX_PRESENCE_BASE_DIR"
_base_override: Path | None = None


def override_base_dir(path: Path | None) -> None:
    """Keep config, state, logs and cache under ``path`` (None: back to the platform's dirs)."""
    global _base_override
    _base_override = path


def _base() -> Path | None:
    if _base_override is not None:
        return _base_override
    value = os.environ.get(BASE_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _platform_dir(kind: str) -> Path:
    import platformdirs  # imported on demand: the headless `status` path never needs it

    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    return Path(getattr(dirs, f"user_{kind}_dir"))


def _dir(kind: str) -> Path:
    base = _base()
    return base / kind if base is not None else _platform_dir(kind)


def config_dir() -> Path:
    """Settings and window state (``ui.ini``)."""
    return _dir("config")


def state_dir() -> Path:
    """Lock files and notification history."""
    return _dir("state")


def log_dir() -> Path:
    """The rotating log file."""
    return _dir("log")


def cache_dir() -> Path:
    """Disposable caches."""
    return _dir("cache")


def resource_path(relative: str) -> Path:
    """A file under ``resources/``, in a source checkout or in the frozen app.

    Raises:
        ValueError: ``relative`` is absolute or climbs out with ``..``.
    """
    parts = PurePosixPath(relative.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or not parts.parts:
        raise ValueError(f"not a resource name: {relative!r}")
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[1]
    return root / "resources" / Path(*parts.parts)
