"""Test configuration: headless Qt, hypothesis profiles, temporary Codex homes."""

from __future__ import annotations

import os

# Qt must run headless; this has to happen before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers.rollout import CodexHome

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
# For a long local run of the property tests: HYPOTHESIS_PROFILE=many, and as many examples
# as HYPOTHESIS_MAX_EXAMPLES says (with --hypothesis-seed to vary them).
settings.register_profile(
    "many",
    parent=settings.get_profile("default"),
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "5000")),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def codex_home(tmp_path: Path) -> CodexHome:
    """An empty Codex home (``sessions/`` exists) in a temporary directory."""
    root = tmp_path / "codex-home"
    (root / "sessions").mkdir(parents=True)
    return CodexHome(root)


@pytest.fixture
def discord_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder that is the only place Discord sockets are looked for."""
    import shutil

    from codex_presence_gui.services.discord_client import IPC_DIR_ENV
    from tests.helpers.fake_discord import private_runtime_dir

    path = private_runtime_dir()
    monkeypatch.setenv(IPC_DIR_ENV, str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _app_dirs_kept_apart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Config, state and logs of every test under a temporary folder, never the user's:
    `preview` and `discord-check` read the settings file. Session-scoped (and set without
    monkeypatch) because hypothesis refuses function-scoped fixtures on its tests; a test
    that writes settings points ``paths.override_base_dir`` at its own folder."""
    from codex_presence_gui.paths import BASE_DIR_ENV

    before = os.environ.get(BASE_DIR_ENV)
    os.environ[BASE_DIR_ENV] = str(tmp_path_factory.mktemp("app-dirs"))
    yield
    if before is None:
        os.environ.pop(BASE_DIR_ENV, None)
    else:
        os.environ[BASE_DIR_ENV] = before


@pytest.fixture
def settings_base(tmp_path: Path) -> Iterator[Path]:
    """The app's folders for this test alone (write settings under ``config/``)."""
    from codex_presence_gui import paths

    base = tmp_path / "app"
    paths.override_base_dir(base)
    yield base
    paths.override_base_dir(None)
