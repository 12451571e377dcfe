"""Settings: validated, written atomically, never lost, forward compatible."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from codex_presence_gui.core import settings as settings_module
from codex_presence_gui.core.presence import IdleAction
from codex_presence_gui.core.settings import (
    Settings,
    load_settings,
    save_settings,
    validate,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    """A first start: defaults, no message."""
    result = load_settings(tmp_path / "settings.json")
    assert result.settings == Settings()
    assert result.message is None


def test_notification_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(notify_thresholds=(50, 80), notify_resets=False))
    assert json.loads(path.read_text())["notify_thresholds"] == [50, 80]
    loaded = load_settings(path).settings
    assert loaded.notify_thresholds == (50, 80)
    assert loaded.notify_resets is False
    assert Settings().notify_thresholds == (75, 90, 95)


def test_round_trip_keeps_unknown_keys(tmp_path: Path) -> None:
    """Keys from a newer version survive a save by this one."""
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"schema": 1, "privacy_mode": True, "future_feature": {"x": [1, 2]}})
    )
    loaded = load_settings(path).settings
    assert loaded.privacy_mode is True
    save_settings(path, replace(loaded, theme="dark"))
    document = json.loads(path.read_text())
    assert document["future_feature"] == {"x": [1, 2]}
    assert document["theme"] == "dark"
    assert document["schema"] == 1
    assert load_settings(path).settings == replace(loaded, theme="dark")


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b'{"privacy_mode": "yes"}',
        b'{"codex_homes": "~/.codex"}',
        b'{"notify_thresholds": [75, "ninety"]}',
        b'{"notify_thresholds": [0, 150]}',
        b"\xff\xfe\x00",
    ],
)
def test_corrupt_file_is_kept_as_a_backup(tmp_path: Path, content: bytes) -> None:
    """A broken file is moved aside (never overwritten); defaults and one clear message."""
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    result = load_settings(path)
    assert result.settings == Settings()
    assert result.backup is not None
    assert result.backup.read_bytes() == content
    assert not path.exists()
    assert str(result.backup) in (result.message or "")
    assert "default settings" in (result.message or "")


def test_atomic_write_survives_a_crash_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the process dies between writing and renaming, the old settings are intact."""
    path = tmp_path / "settings.json"
    save_settings(path, Settings(theme="light"))
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(settings_module.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_settings(path, Settings(theme="dark"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unwritable_folder_raises_and_keeps_the_file(tmp_path: Path) -> None:
    """Saving into a folder that cannot be written raises OSError; nothing is lost."""
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            save_settings(tmp_path / "settings.json", Settings())
    finally:
        tmp_path.chmod(0o700)


def test_validation_messages(tmp_path: Path) -> None:
    """A missing Codex folder is flagged, not refused; a bad client id is refused."""
    problems = validate(Settings(codex_homes=(str(tmp_path / "nope"),), discord_client_id="abc"))
    by_key = {p.key: p for p in problems}
    assert not by_key["codex_homes"].blocking
    assert "does not exist yet" in by_key["codex_homes"].message
    assert by_key["discord_client_id"].blocking
    assert "17 to 20 digits" in by_key["discord_client_id"].message
    assert validate(Settings()) == []
    assert validate(Settings(refresh_interval_s=0.1))[0].key == "refresh_interval_s"


def test_migration_from_a_single_home(tmp_path: Path) -> None:
    """A version-0 file with one home becomes a list."""
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"codex_home": "/srv/codex", "discord_enabled": False}))
    loaded = load_settings(path).settings
    assert loaded.codex_homes == ("/srv/codex",)
    assert loaded.discord_enabled is False


def test_unknown_choices_fall_back() -> None:
    """An unknown theme or idle choice is replaced by the default, not an error."""
    loaded = settings_module.from_document({"theme": "neon", "idle_action": "dance"})
    assert (loaded.theme, loaded.idle_action) == ("system", IdleAction.CARD.value)


def test_presence_settings() -> None:
    """The Discord part of the settings."""
    presence = Settings(privacy_mode=True, idle_action="clear", show_tokens=False).presence()
    assert presence.privacy_mode
    assert presence.idle_action is IdleAction.CLEAR
    assert not presence.show_tokens
