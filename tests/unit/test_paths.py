"""The app's folders: the same as platformdirs gives, without importing it where we can."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from codex_presence_gui import APP_ID, paths

KINDS = ("config", "state", "log", "cache")
ENVIRONMENTS = [
    {},
    {"HOME": "/"},
    {"HOME": "/home/dev/"},
    {"HOME": "relative/home"},
    {"HOME": None},
    {"XDG_CACHE_HOME": "/var/cache/dev", "XDG_CONFIG_HOME": "/etc/dev"},
    {"XDG_STATE_HOME": "/srv/state/", "XDG_CACHE_HOME": "/"},
    {"XDG_CACHE_HOME": "relative", "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": " /x"},
    {"ANDROID_DATA": "/data", "ANDROID_ROOT": "/system"},
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_platform_dirs_are_platformdirs_own(
    environment: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    for kind in KINDS:
        try:
            expected = Path(getattr(dirs, f"user_{kind}_dir"))
        except RuntimeError:  # no home platformdirs can find: nor can we
            with pytest.raises(RuntimeError):
                paths._platform_dir(kind)
            continue
        assert Path(paths._platform_dir(kind)) == expected, kind


@pytest.mark.skipif(sys.platform != "linux", reason="the rule is Linux's")
def test_linux_needs_no_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/dev")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert paths._xdg_dir("cache") == f"/home/dev/.cache/{APP_ID}"
    assert paths._xdg_dir("log") == f"/home/dev/.local/state/{APP_ID}/log"
