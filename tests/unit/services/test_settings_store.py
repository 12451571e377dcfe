"""The settings store: whatever the file holds, the app starts."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.settings import Settings
from codex_presence_gui.services import settings_store
from codex_presence_gui.services.settings_store import SettingsStore


def test_bad_values_start_on_defaults_without_touching_the_file(tmp_path: Path) -> None:
    """refresh_interval_s NaN would make the refresh timer raise (or 0 spin a core): the
    default stands in, the user is told once, and the file is rewritten only on a save."""
    path = tmp_path / "settings.json"
    text = '{"schema": 2, "refresh_interval_s": NaN, "theme": "dark"}'
    path.write_text(text)
    store = SettingsStore(path)
    assert store.settings.refresh_interval_s == Settings().refresh_interval_s
    assert store.settings.theme == "dark"
    assert store.load_message is not None
    assert "refresh_interval_s" in store.load_message
    assert store.load_file == path  # kept in place: the notice shows the file itself
    assert path.read_text() == text
    store.update(Settings(theme="light"))
    assert '"theme": "light"' in path.read_text()


def test_an_unexpected_fault_in_loading_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> None:
        raise MemoryError("simulated")

    monkeypatch.setattr(settings_store, "load_settings", broken)
    path = tmp_path / "settings.json"
    path.write_text("{}")
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert store.load_message is not None
    assert "using the defaults" in store.load_message
    assert path.read_text() == "{}"


def test_a_broken_file_is_shown_as_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json")
    store = SettingsStore(path)
    assert store.load_file is not None
    assert store.load_file.name.startswith("settings.json.corrupt-")
    assert store.load_file.read_text() == "{ not json"


def test_no_file_to_show_when_all_is_well_or_there_is_none(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path / "missing.json").load_file is None
    path = tmp_path / "settings.json"
    path.write_text("{}")
    assert SettingsStore(path).load_file is None


def test_a_config_folder_that_is_a_file_is_said_when_saving(tmp_path: Path) -> None:
    """The settings apply for this run and the message names the path in the way, not
    Python's "[Errno 17] File exists: '...'"."""
    config = tmp_path / "config"
    config.write_text("a file")
    store = SettingsStore(config / "settings.json")
    error = store.update(Settings(theme="dark"))
    assert error == (
        f"Could not save your settings to {config / 'settings.json'}: {config} is not a folder"
    )
    assert store.settings.theme == "dark"
    assert config.read_text() == "a file"


def test_text_that_is_no_utf8_is_saved_as_written(tmp_path: Path) -> None:
    """A lone surrogate (``\\udcff``, Python's name for a folder's byte that is not UTF-8,
    or a newer version's key) cannot be written as UTF-8: every save raised
    UnicodeEncodeError, which is no OSError, so the change was neither saved nor applied
    and nothing was said. It is written as the JSON escape it was read from."""
    path = tmp_path / "settings.json"
    path.write_text(
        '{"schema": 3, "codex_homes": ["/data/caf\\udcff"], "later": {"\\ud800": "\\udfff"}}'
    )
    store = SettingsStore(path)
    assert store.load_message is None
    applied: list[Settings] = []
    store.changed.connect(applied.append)
    assert store.update(replace(store.settings, theme="dark")) is None
    assert [settings.theme for settings in applied] == ["dark"]
    again = SettingsStore(path)
    assert again.settings == store.settings
    assert again.settings.codex_homes == ("/data/caf\udcff",)
    assert dict(again.settings.extra) == {"later": {"\ud800": "\udfff"}}


def test_a_file_that_cannot_be_read_is_kept_aside_before_a_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app says it leaves a settings file it cannot read as it is (a root-owned one after
    a ``sudo`` run): a save had then put new settings in its place, the user's lost."""
    from codex_presence_gui.core import settings as core_settings
    from codex_presence_gui.paths import read_kept as readable

    path = tmp_path / "settings.json"
    text = '{"schema": 2, "theme": "dark", "refresh_interval_s": 7}'
    path.write_text(text)

    def refused(file: Path, limit: int) -> bytes:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return readable(file, limit)

    monkeypatch.setattr(core_settings, "read_kept", refused)
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert store.load_message is not None
    assert "kept aside if you save" in store.load_message
    assert path.read_text() == text  # left as it is until a save
    assert store.update(Settings(theme="light")) is None
    kept = list(tmp_path.glob("settings.json.unread-*"))
    assert [file.read_text() for file in kept] == [text]
    assert '"theme": "light"' in path.read_text()
    store.update(Settings(theme="dark"))  # the next save replaces the app's own file
    assert len(list(tmp_path.glob("settings.json.unread-*"))) == 1


def test_a_folder_where_the_settings_file_belongs_is_kept_aside_before_a_save(
    tmp_path: Path,
) -> None:
    """A folder at the settings' path (made by mistake, holding the user's files): it could
    not be read, and a save said so every time; it is kept, under another name, and the user
    is told which (the notice from the start had only said it would be kept aside)."""
    path = tmp_path / "settings.json"
    path.mkdir()
    (path / "notes.txt").write_text("mine")
    store = SettingsStore(path)
    told: list[tuple[str, object]] = []
    store.told.connect(lambda text, file: told.append((text, file)))
    assert store.settings == Settings()
    assert store.update(Settings(theme="dark")) is None
    (kept,) = tmp_path.glob("settings.json.unread-*")
    assert (kept / "notes.txt").read_text() == "mine"
    assert told == [(f"Your settings file could not be read: it was kept as {kept}.", kept)]
    assert '"theme": "dark"' in path.read_text()


def test_a_read_only_settings_file_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made read-only to keep it as it is: a save had renamed a new file over it (as root,
    which may write anywhere, ``os.access`` is asked of a file made to look read-only)."""
    import os

    path = tmp_path / "settings.json"
    text = '{"schema": 2, "theme": "dark"}'
    path.write_text(text)
    path.chmod(0o444)
    writable = os.access

    def access(file: str | os.PathLike[str], mode: int, **kwargs: bool) -> bool:
        if os.fspath(file) == str(path) and mode == os.W_OK:
            return False
        return writable(file, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    store = SettingsStore(path)
    assert store.settings.theme == "dark"
    error = store.update(Settings(theme="light"))
    assert error == f"Could not save your settings to {path}: the file is read-only"
    assert store.settings.theme == "light"  # applies for this run
    assert path.read_text() == text


def _edit_by_hand(path: Path, change: dict[str, object]) -> None:
    """What a user does in an editor: the file read, changed and written in place."""
    document = json.loads(path.read_text())
    document.update(change)
    path.write_text(json.dumps(document, indent=2))


def test_a_file_edited_by_hand_while_the_app_runs_applies_and_its_edits_stay(
    tmp_path: Path, qtbot: QtBot
) -> None:
    """A hand edit applies within the check's interval, and a save of the app's own (always
    on top from the toolbar) goes on top of it: the app's saves had written back the values
    it started with, the edit and an unknown key lost."""
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.update(Settings(theme="light"))
    applied: list[Settings] = []
    store.changed.connect(applied.append)
    store.watch()
    _edit_by_hand(path, {"theme": "dark", "refresh_interval_s": 5.0, "my_note": "kept"})
    with qtbot.waitSignal(store.changed, timeout=5000):
        pass
    assert store.settings.theme == "dark"
    assert store.settings.refresh_interval_s == 5.0
    assert applied[-1] == store.settings
    assert store.by_hand  # an open settings dialog names the file
    store.update(replace(store.settings, always_on_top=True))
    assert not store.by_hand
    _edit_by_hand(path, {"refresh_interval_s": 7.0})  # and again, just before a save
    assert store.update(replace(store.settings, always_on_top=False)) is None
    saved = json.loads(path.read_text())
    assert (saved["theme"], saved["refresh_interval_s"], saved["my_note"]) == ("dark", 7.0, "kept")
    assert saved["always_on_top"] is False


def test_a_file_broken_by_hand_is_said_left_and_kept_aside_by_the_next_save(
    tmp_path: Path,
) -> None:
    """An edit that leaves the file unreadable (a comma too many) changes nothing in use and
    is said once; the app's next save keeps it as a corrupt copy, as a broken file at start
    is, rather than writing over the user's text."""
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.update(Settings(theme="dark"))
    told: list[tuple[str, object]] = []
    store.told.connect(lambda text, file: told.append((text, file)))
    broken = path.read_text().replace('"theme": "dark"', '"theme": "dark",,')
    path.write_text(broken)
    assert not store.take_hand_edits()
    assert not store.take_hand_edits()  # said once
    assert store.settings.theme == "dark"
    assert len(told) == 1
    assert "the settings in use stay as they were" in told[0][0]
    assert path.read_text() == broken
    assert store.update(replace(store.settings, always_on_top=True)) is None
    (kept,) = tmp_path.glob("settings.json.corrupt-*")
    assert kept.read_text() == broken
    assert json.loads(path.read_text())["always_on_top"] is True
    assert told[-1] == (f"Your settings file could not be understood: it was kept as {kept}.", kept)


def test_a_settings_file_deleted_by_hand_keeps_the_settings_in_use(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.update(Settings(theme="dark"))
    path.unlink()
    assert not store.take_hand_edits()
    assert store.settings.theme == "dark"
    store.update(replace(store.settings, always_on_top=True))
    assert json.loads(path.read_text())["theme"] == "dark"


def test_a_fifo_put_in_place_of_the_settings_is_kept_aside_as_unread(tmp_path: Path) -> None:
    """A FIFO put where the settings file was, while the app runs: never opened, said, and
    moved aside under the name a file the app cannot read gets at start (``.unread-``), not
    called a file that "could not be understood"."""
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.update(Settings(theme="dark"))
    told: list[str] = []
    store.told.connect(lambda text, _file: told.append(text))
    path.unlink()
    os.mkfifo(path)
    assert not store.take_hand_edits()
    assert "not a regular file" in told[-1]
    assert store.update(replace(store.settings, always_on_top=True)) is None
    (kept,) = tmp_path.glob("settings.json.unread-*")
    assert told[-1] == f"Your settings file could not be read: it was kept as {kept}."
    assert json.loads(path.read_text())["theme"] == "dark"
