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
    SCHEMA_VERSION,
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
    """Thresholds are kept in percent left; the notification logic gets them in percent used."""
    path = tmp_path / "settings.json"
    save_settings(path, Settings(notify_left_thresholds=(50, 20, 0), notify_resets=False))
    document = json.loads(path.read_text())
    assert document["notify_left_thresholds"] == [50, 20, 0]
    assert "notify_thresholds" not in document
    assert document["schema"] == SCHEMA_VERSION == 2
    loaded = load_settings(path).settings
    assert loaded.notify_left_thresholds == (50, 20, 0)
    assert loaded.notify_used_thresholds == (50, 80, 100)
    assert loaded.notify_resets is False
    assert Settings().notify_left_thresholds == (25, 10, 5)
    assert Settings().notify_used_thresholds == (75, 90, 95)


def test_migration_of_used_thresholds_to_left(tmp_path: Path) -> None:
    """A version-1 file said 75, 90, 95 % used: that is 25, 10, 5 % left; nothing else moves."""
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "schema": 1,
                "notify_thresholds": [75, 90, 95],
                "theme": "dark",
                "future_feature": [1],
            }
        )
    )
    result = load_settings(path)
    assert result.message is None
    loaded = result.settings
    assert loaded.notify_left_thresholds == (25, 10, 5)
    assert loaded.notify_used_thresholds == (75, 90, 95)
    assert loaded.theme == "dark"
    save_settings(path, loaded)
    document = json.loads(path.read_text())
    assert document["notify_left_thresholds"] == [25, 10, 5]
    assert "notify_thresholds" not in document
    assert document["future_feature"] == [1]
    assert document["schema"] == 2
    assert load_settings(path).settings == loaded


def test_migration_chains_from_version_0() -> None:
    """A file without a schema key goes through both steps."""
    loaded = settings_module.from_document({"codex_home": "/srv/codex", "notify_thresholds": [80]})
    assert loaded.codex_homes == ("/srv/codex",)
    assert loaded.notify_left_thresholds == (20,)


def test_thresholds_outside_0_to_99_left_are_refused() -> None:
    """0 % left (all used) is a threshold; 100 % left is not; neither is a fraction."""
    assert validate(Settings(notify_left_thresholds=(99, 0))) == []
    for bad in ((100,), (-1,), (25, 150)):
        (problem,) = validate(Settings(notify_left_thresholds=bad))
        assert problem.key == "notify_left_thresholds"
        assert problem.blocking
        assert "percentages left, from 0 to 99" in problem.message


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
    assert document["schema"] == SCHEMA_VERSION
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
        b'{"schema": 1, "notify_thresholds": [75, 0]}',
        b'{"schema": 2, "notify_left_thresholds": [25, 100]}',
        b'{"schema": 2, "notify_left_thresholds": [25.5]}',
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
