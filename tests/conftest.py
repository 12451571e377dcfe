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
