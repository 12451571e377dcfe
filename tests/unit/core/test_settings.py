"""Settings: validated, written atomically, never lost, forward compatible."""

from __future__ import annotations

import json
import os
import stat
import sys
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import settings as settings_module
from codex_presence_gui.core.presence import (
    PAUSED_UNTIL_RESUMED,
    IdleAction,
    ProjectRule,
    RuleAction,
)
from codex_presence_gui.core.settings import (
    SCHEMA_VERSION,
    Settings,
    codex_home_of,
    load_settings,
    peek_settings,
    save_settings,
    validate,
)
from tests.helpers.special_files import not_a_file, refuse_stat, unblocked


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
    assert document["schema"] == SCHEMA_VERSION == 3
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
    assert document["schema"] == SCHEMA_VERSION
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
        b"\xff\xfe\x00",
        b"[" * 100_000 + b"]" * 100_000,  # Python's json raises RecursionError
        b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}",  # parses, but deeper than MAX_DEPTH
        b'{"a": "' + b"x" * (1 << 20) + b'"}',  # over MAX_FILE_BYTES
    ],
    ids=["not json", "not an object", "not utf-8", "deep", "deeper than allowed", "huge"],
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


def test_why_a_file_is_not_understood_is_said_in_words(tmp_path: Path) -> None:
    """Not the codec's or the parser's own message: where, and what it is not."""
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"theme": "dark"\xff}')
    assert "(it is not text: byte 17 is not UTF-8)" in (load_settings(path).message or "")
    path.write_bytes(b'{"theme": "dark",\n  oops}')
    assert "(it is not JSON: expecting property name enclosed in double quotes at line 2, " in (
        load_settings(path).message or ""
    )
    path.write_bytes(b'{"theme": "dark')
    assert "(it is not JSON: unterminated string starting at line 1, column 11)" in (
        load_settings(path).message or ""
    )
    path.write_bytes(b'\xef\xbb\xbf{"a": "\xff"}')  # counted with the byte order mark
    assert "(it is not text: byte 11 is not UTF-8)" in (load_settings(path).message or "")
    path.write_bytes(b'{"theme": "dark", "x": ' + b"9" * 5000 + b"}")  # Python's own limit
    assert "(it holds a number too long to read: more than 4300 digits)" in (
        load_settings(path).message or ""
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_file_saved_as_utf16_or_utf32_with_its_mark_is_read(
    tmp_path: Path, encoding: str
) -> None:
    """Notepad's "Unicode" is UTF-16: such a file had been set aside as "not text: byte 1 is
    not UTF-8", and the app started on the defaults, every setting in it unused."""
    mark = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    path = tmp_path / "settings.json"
    content = (mark + '{"theme": "dark", "codex_homes": ["/home/é/.codex"]}').encode(encoding)
    path.write_bytes(content)
    for load in (load_settings, peek_settings):
        result = load(path)
        assert result.message is None
        assert result.settings.theme == "dark"
        assert result.settings.codex_homes == ("/home/é/.codex",)
    assert path.read_bytes() == content


def test_a_file_that_begins_as_utf16_but_is_not_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xff\xfe{\x00\x00\xd8")  # a lone surrogate
    result = load_settings(path)
    assert "(it is not text: it begins as UTF-16 but is not)" in (result.message or "")
    assert result.backup is not None


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_what_is_no_file_is_said_and_left_alone(tmp_path: Path, kind: str) -> None:
    """A FIFO in the settings' place made the window (and ``preview``) wait for a writer
    for ever; a device was read (``/dev/zero`` to the size limit) and moved aside. Each is
    said, in words, and left where it is; the app starts on the defaults."""
    path = tmp_path / "settings.json"
    not_a_file(path, kind)
    for load in (load_settings, peek_settings):
        with unblocked(path) if kind == "fifo" else nullcontext([]) as hung:
            result = load(path)
        assert not hung, load
        assert result.settings == Settings()
        assert result.backup is None
        assert f"({path}: it is not a regular file)" in (result.message or ""), load
        assert "Errno" not in (result.message or "")
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


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


def test_a_folder_that_cannot_be_opened_is_said_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of another user's (mode 0700) typed into Settings: Python 3.11's
    ``Path.is_dir`` raised PermissionError out of ``validate``, at each key typed and at
    Apply, which then saved nothing (found using the app on a desktop as a normal user)."""
    home = tmp_path / "theirs"
    (home / "sessions").mkdir(parents=True)
    refuse_stat(monkeypatch, lambda path: path.startswith(str(home) + os.sep))
    [problem] = validate(Settings(codex_homes=(str(home),)))
    assert problem.key == "codex_homes"
    assert not problem.blocking  # kept: it may be opened to the user later
    assert problem.message == (
        f"{home} cannot be opened (Permission denied): its logs are read once it can be."
    )
    assert codex_home_of(str(home / "sessions")) == str(home / "sessions")


def test_a_folder_without_codex_logs_is_said_not_refused(tmp_path: Path) -> None:
    """ "/" or a project folder: kept (Codex may not have run yet), with a question."""
    [problem] = validate(Settings(codex_homes=(str(tmp_path),)))
    assert problem.key == "codex_homes"
    assert not problem.blocking
    assert problem.message == (
        f"{tmp_path / 'sessions'}, where Codex keeps its logs, is missing: is {tmp_path} the "
        "folder Codex uses, usually ~/.codex?"
    )
    for name in ("sessions", "archived_sessions"):
        home = tmp_path / name.upper()
        (home / name).mkdir(parents=True)
        assert validate(Settings(codex_homes=(str(home),))) == []


def test_the_folder_codex_keeps_its_logs_in_stands_for_the_one_above(tmp_path: Path) -> None:
    """Codex's ``sessions`` (or ``archived_sessions``) folder, chosen as Codex's folder: the
    logs are in it, so it is easily taken for Codex's folder, but read as one it holds none
    (the window had waited for a ``sessions/sessions`` folder). The folder above is meant,
    and Settings says so of one typed in."""
    home = tmp_path / "codex"
    for name in ("sessions", "archived_sessions"):
        (home / name / "2026").mkdir(parents=True)
        assert codex_home_of(str(home / name)) == str(home)
        [problem] = validate(Settings(codex_homes=(str(home / name),)))
        assert not problem.blocking
        assert problem.message == (
            f"{home / name} is where Codex keeps its logs; Codex's folder is the one that "
            f"holds it: {home}."
        )
    # A Codex folder that is named so (it holds its own logs' folder) is the folder meant,
    # as are a folder of another name and one that is not there.
    named_so = tmp_path / "sessions"
    (named_so / "sessions").mkdir(parents=True)
    for kept in (named_so, home, tmp_path / "gone" / "sessions"):
        assert codex_home_of(str(kept)) == str(kept)


def test_a_file_where_codex_keeps_its_logs_is_said_as_the_window_says_it(
    tmp_path: Path,
) -> None:
    """A file where ``sessions`` (or ``archived_sessions``) goes is said as one, as the window,
    ``status`` and ``report`` say it; the dialog had asked whether the folder was Codex's at
    all ("holds no Codex logs (no sessions folder in it): is it the folder Codex uses?"), or
    had said nothing, while the window said what is wrong there."""
    (tmp_path / "sessions").write_text("")
    [problem] = validate(Settings(codex_homes=(str(tmp_path),)))
    assert problem.key == "codex_homes"
    assert not problem.blocking  # kept: taking the file away is enough
    assert problem.message == (
        f"{tmp_path / 'sessions'} is a file, not a folder: Codex cannot write its logs there."
    )
    (tmp_path / "sessions").unlink()
    (tmp_path / "sessions").mkdir()
    (tmp_path / "archived_sessions").write_text("")
    [problem] = validate(Settings(codex_homes=(str(tmp_path),)))
    assert not problem.blocking
    assert problem.message == (
        f"{tmp_path / 'archived_sessions'} is a file, not a folder: Codex cannot archive its "
        "logs there."
    )


def test_a_file_for_a_codex_folder_is_refused_as_one(tmp_path: Path) -> None:
    """A file chosen as Codex's folder had been "does not exist yet; it will be used once
    Codex creates it", and kept: Codex never makes its folder where a file is."""
    a_file = tmp_path / "config.toml"
    a_file.write_text("")
    [problem] = validate(Settings(codex_homes=(str(a_file),)))
    assert problem.key == "codex_homes"
    assert problem.blocking
    assert problem.message == (
        f"{a_file} is a file, not a folder: choose Codex's folder (usually ~/.codex)."
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        [problem] = validate(Settings(codex_homes=(str(tmp_path / "pipe"),)))
        assert problem.blocking
        assert problem.message.startswith(f"{tmp_path / 'pipe'} is a named pipe, not a folder")


def test_a_folder_named_with_escapes_alone_is_shown_escaped(tmp_path: Path) -> None:
    """A name the Settings page would show as nothing (or as another folder's)."""
    name = str(tmp_path / "\x1b[31m")
    [problem] = validate(Settings(codex_homes=(name,)))
    assert problem.message.startswith(f"'{tmp_path}/\\x1b[31m' does not exist yet")


def test_the_usual_folder_before_codex_ran_is_not_questioned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".codex").mkdir()
    [problem] = validate(Settings(codex_homes=("~/.codex",)))
    # In the words of the window, its Usage page, status and report: "when it first runs"
    # was wrong of a folder whose sessions folder went after Codex had run.
    assert problem.message == (
        "~/.codex/sessions, where Codex keeps its logs, is missing; Codex makes it when a "
        "session starts."
    )


def test_migration_from_a_single_home(tmp_path: Path) -> None:
    """A version-0 file with one home becomes a list."""
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"codex_home": "/srv/codex", "discord_enabled": False}))
    loaded = load_settings(path).settings
    assert loaded.codex_homes == ("/srv/codex",)
    assert loaded.discord_enabled is False


def test_a_relative_folder_in_the_file_is_said_not_read_from_here(tmp_path: Path) -> None:
    """Settings refuses a relative Codex folder, but an older version saved one as typed: it
    had been read from whatever folder the app started in (another at log-in than from a
    terminal). It is now said and left out, the other folders kept (for one such folder,
    all had been dropped, and the next save from Settings would have lost them), and the
    file kept as it is."""
    path = tmp_path / "settings.json"
    text = json.dumps({"codex_homes": ["/srv/codex", "codex-logs", " ", "/a\x00b"]})
    path.write_text(text)
    result = load_settings(path)
    assert result.settings.codex_homes == ("/srv/codex",)
    assert result.problems == (
        "codex_homes: codex-logs is not a full path: write it from the top "
        "(/home/you/.codex) or from your home folder (~/.codex); left out.",
        "codex_homes: '/a\\x00b' cannot be a folder (it holds a NUL character); left out.",
    )
    assert path.read_text() == text
    home = "~/codex-logs"  # from the home folder: a full path
    assert settings_module.from_document({"codex_homes": [home]}).codex_homes == (home,)
    # Not a list of folders at all: the default, as for any other value of the wrong type.
    loaded = settings_module.read_document({"codex_homes": ["/srv/codex", 5]})
    assert loaded[0].codex_homes == ()
    assert loaded[1] == (
        'codex_homes: ["/srv/codex", 5] must be a list of folders; using the default (none).',
    )


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


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"privacy_mode": "yes"}', "privacy_mode"),
        ('{"codex_homes": "~/.codex"}', "codex_homes"),
        ('{"codex_homes": ["/a\\u0000b"]}', "codex_homes"),
        ('{"codex_homes": ["~no-such-user-xq/codex"]}', "codex_homes"),
        ('{"notify_thresholds": [75, "ninety"]}', "notify_thresholds"),
        ('{"notify_thresholds": [0, 150]}', "notify_thresholds"),
        ('{"schema": 1, "notify_thresholds": [75, 0]}', "notify_thresholds"),
        ('{"schema": 2, "notify_left_thresholds": [25, 100]}', "notify_left_thresholds"),
        ('{"schema": 2, "notify_left_thresholds": [25.5]}', "notify_left_thresholds"),
        ('{"refresh_interval_s": NaN}', "refresh_interval_s"),
        ('{"refresh_interval_s": Infinity}', "refresh_interval_s"),
        ('{"refresh_interval_s": -Infinity}', "refresh_interval_s"),
        ('{"refresh_interval_s": 1e12}', "refresh_interval_s"),
        ('{"refresh_interval_s": 1e400}', "refresh_interval_s"),
        # A whole number too large for a float: the read had ended in an OverflowError.
        ('{"refresh_interval_s": 1' + "0" * 400 + "}", "refresh_interval_s"),
        ('{"refresh_interval_s": -1' + "0" * 400 + "}", "refresh_interval_s"),
        ('{"idle_clear_minutes": 1' + "0" * 400 + "}", "idle_clear_minutes"),
        ('{"discord_paused_until": 1' + "0" * 400 + "}", "discord_paused_until"),
        ('{"notify_left_thresholds": [1' + "0" * 400 + "]}", "notify_left_thresholds"),
        ('{"refresh_interval_s": 0}', "refresh_interval_s"),
        ('{"refresh_interval_s": -2}', "refresh_interval_s"),
        ('{"refresh_interval_s": "2"}', "refresh_interval_s"),
        ('{"refresh_interval_s": true}', "refresh_interval_s"),
        ('{"theme": 3}', "theme"),
        ('{"discord_client_id": null}', "discord_client_id"),
        ('{"schema": "two"}', "schema"),
        ('{"idle_clear_minutes": -5}', "idle_clear_minutes"),
        ('{"idle_clear_minutes": 2.5}', "idle_clear_minutes"),
        ('{"idle_clear_minutes": "30"}', "idle_clear_minutes"),
        ('{"discord_paused_until": -3}', "discord_paused_until"),
        ('{"discord_paused_until": 1e300}', "discord_paused_until"),
        ('{"discord_paused_until": true}', "discord_paused_until"),
        ('{"project_rules": "acme"}', "project_rules"),
        ('{"project_rules": [{"action": "hide"}]}', "project_rules"),
        ('{"schema": -1}', "schema"),
    ],
)
def test_a_bad_value_takes_its_default_and_keeps_the_file(
    tmp_path: Path, text: str, key: str
) -> None:
    """One bad key: its default and one message naming it; the other keys are read, and the
    file stays where it is, unchanged, until the user saves."""
    path = tmp_path / "settings.json"
    document = text[:-1] + ', "theme": "dark", "future_feature": [1]}'
    if key == "theme":
        document = text[:-1] + ', "future_feature": [1]}'
    path.write_text(document)
    result = load_settings(path)
    assert result.backup is None
    assert path.read_text() == document
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"{key}: ")
    assert result.message is not None
    assert str(path) in result.message
    assert dict(result.settings.extra) == {"future_feature": [1]}
    assert result.settings.theme == ("system" if key == "theme" else "dark")
    assert validate(replace(result.settings, codex_homes=())) == []
    if key == "refresh_interval_s":
        assert result.settings.refresh_interval_s == Settings().refresh_interval_s


@pytest.mark.parametrize("schema", ['"1"', '" 1 "', "1.0"])
def test_a_numeric_schema_is_a_version(tmp_path: Path, schema: str) -> None:
    """``"schema": "1"`` is version 1: its thresholds are migrated, with no message."""
    path = tmp_path / "settings.json"
    path.write_text(f'{{"schema": {schema}, "notify_thresholds": [80]}}')
    result = load_settings(path)
    assert result.message is None
    assert result.settings.notify_left_thresholds == (20,)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows editors write a UTF-8 BOM: the file is read, not set aside."""
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"schema": 2, "theme": "dark"}).encode())
    result = load_settings(path)
    assert result.message is None
    assert result.settings.theme == "dark"


def test_validate_refuses_homes_that_cannot_be_paths() -> None:
    """The dialog blocks a home that would raise where homes are resolved."""
    for home in ("~no-such-user-xq/codex", "/a\x00b"):
        (problem,) = validate(Settings(codex_homes=(home,)))
        assert problem.blocking
    # A relative folder means another folder when the app starts at log-in than from a
    # terminal: refused, with how to write it (it had been saved as typed).
    for home in ("relative/dir", ".codex", "./x"):
        (problem,) = validate(Settings(codex_homes=(home,)))
        assert problem.blocking
        assert "is not a full path" in problem.message
    for value in (float("nan"), float("inf"), 0.0, -1.0, 1e12):
        (problem,) = validate(Settings(refresh_interval_s=value))
        assert problem.key == "refresh_interval_s"


RULES = (
    ProjectRule("~/clients/*", RuleAction.HIDE),
    ProjectRule("acme-*", RuleAction.ALIAS, "Client work"),
    ProjectRule("/w/open-*", RuleAction.NAME_ONLY),
    ProjectRule("*", RuleAction.NORMAL),
)


def test_privacy_settings_round_trip(tmp_path: Path) -> None:
    """Rules (in order), the idle minutes and a pause are saved and read back as they were."""
    path = tmp_path / "settings.json"
    for paused in (1_900_000_000.0, PAUSED_UNTIL_RESUMED, 0.0):
        settings = Settings(project_rules=RULES, idle_clear_minutes=0, discord_paused_until=paused)
        save_settings(path, settings)
        document = json.loads(path.read_text())
        assert document["project_rules"][1] == {
            "pattern": "acme-*",
            "action": "alias",
            "alias": "Client work",
        }
        result = load_settings(path)
        assert result.message is None
        assert result.settings == settings
        presence = result.settings.presence()
        assert (presence.rules, presence.idle_clear_minutes, presence.paused_until) == (
            RULES,
            0,
            paused,
        )
    assert Settings().idle_clear_minutes == 30
    assert Settings().discord_paused_until == 0.0


def test_migration_from_2_to_3(tmp_path: Path) -> None:
    """A version-2 file: every value kept, the new keys at their defaults, unknown keys
    kept, saved as version 3."""
    path = tmp_path / "settings.json"
    old = {
        "schema": 2,
        "privacy_mode": False,
        "show_tokens": False,
        "notify_left_thresholds": [30, 5],
        "idle_action": "clear",
        "future_feature": {"x": 1},
    }
    path.write_text(json.dumps(old))
    result = load_settings(path)
    assert result.message is None
    loaded = result.settings
    assert (loaded.show_tokens, loaded.notify_left_thresholds, loaded.idle_action) == (
        False,
        (30, 5),
        "clear",
    )
    assert (loaded.project_rules, loaded.idle_clear_minutes, loaded.discord_paused_until) == (
        (),
        30,
        0.0,
    )
    save_settings(path, loaded)
    document = json.loads(path.read_text())
    assert document["schema"] == 3
    assert document["future_feature"] == {"x": 1}
    assert document["project_rules"] == []
    assert load_settings(path).settings == loaded


def test_bad_rules_fail_safe_one_by_one() -> None:
    """A rule without a pattern is left out; an unknown action (a newer version's) or an
    alias rule without its alias hides the project; the other rules stay as they are."""
    document = {
        "schema": 3,
        "project_rules": [
            {"pattern": "keep-*", "action": "normal"},
            {"pattern": "  ", "action": "hide"},
            "acme",
            {"pattern": "blur-*", "action": "blur"},
            {"pattern": "acme", "action": "alias", "alias": ""},
            {"pattern": "acme", "action": ["x"]},
            {"pattern": "tail", "action": "name_only", "alias": 3},
        ],
    }
    loaded, messages = settings_module.read_document(document)
    assert loaded.project_rules == (
        ProjectRule("keep-*", RuleAction.NORMAL),
        ProjectRule("blur-*", RuleAction.HIDE),
        ProjectRule("acme", RuleAction.HIDE),
        ProjectRule("acme", RuleAction.HIDE),
        ProjectRule("tail", RuleAction.NAME_ONLY),
    )
    assert len(messages) == 5
    assert all(m.startswith("project_rules: rule ") for m in messages)
    assert "hidden instead" in messages[2]
    assert validate(loaded) == []
    not_a_list, (message,) = settings_module.read_document({"project_rules": {"a": 1}})
    assert not_a_list.project_rules == ()
    assert message.startswith("project_rules: ")


def test_validation_of_the_privacy_settings() -> None:
    """The dialog refuses an empty pattern, an alias rule without its name, idle minutes out
    of range and a pause that ends at no usable time."""
    assert validate(Settings(project_rules=RULES)) == []
    for rule in (ProjectRule(""), ProjectRule("acme", RuleAction.ALIAS, "  ")):
        (problem,) = validate(Settings(project_rules=(rule,)))
        assert problem.key == "project_rules"
        assert problem.blocking
    for minutes in (-1, 24 * 60 + 1):
        (problem,) = validate(Settings(idle_clear_minutes=minutes))
        assert problem.key == "idle_clear_minutes"
    for until in (-2.0, float("nan"), float("inf"), 1e15):
        (problem,) = validate(Settings(discord_paused_until=until))
        assert problem.key == "discord_paused_until"


def test_a_rule_too_long_is_said_of_the_field_that_is() -> None:
    """A name over 500 characters is said of the field it is in, as the dialog labels them
    (an alias too long had been called "pattern or name", the label of the other field)."""
    long = "x" * 510
    (alias,) = validate(Settings(project_rules=(ProjectRule("acme", RuleAction.ALIAS, long),)))
    assert alias.message == "A project rule's alias is longer than 500 characters (510)."
    (pattern,) = validate(Settings(project_rules=(ProjectRule(long),)))
    assert pattern.message == "A project rule's folder or name is longer than 500 characters (510)."


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [*settings_module._KNOWN, "schema", "codex_home", "notify_thresholds", "future"]
)


def _check_load(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    result = load_settings(path)
    settings = result.settings
    assert isinstance(settings, Settings)
    # Valid: what the dialog would accept (a missing folder is only a warning), and usable.
    assert [p for p in validate(replace(settings, codex_homes=())) if p.blocking] == []
    assert settings.presence() is not None
    if result.backup is not None:
        assert result.backup.read_bytes() == data  # anything unreadable is kept
        result.backup.unlink()
    else:
        assert path.read_bytes() == data  # a readable file is never rewritten by loading
    save_settings(path, settings)  # and what was loaded can be saved
    assert load_settings(path).settings == settings


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(KEYS, JSON, max_size=6))
def test_fuzz_any_json_object_gives_valid_settings(tmp_path: Path, document: dict) -> None:
    _check_load(tmp_path / "settings.json", json.dumps(document).encode())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(JSON)
def test_fuzz_any_json_value_gives_valid_settings(tmp_path: Path, document: object) -> None:
    _check_load(tmp_path / "settings.json", json.dumps(document).encode())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_fuzz_any_bytes_give_valid_settings(tmp_path: Path, data: bytes) -> None:
    _check_load(tmp_path / "settings.json", data)


def test_a_settings_file_linked_from_elsewhere_stays_linked(tmp_path: Path) -> None:
    """settings.json a link to a file kept elsewhere (a dotfiles folder): a save writes that
    file, atomically beside it, and leaves the link; it used to replace the link with a file
    of its own, so that the kept file never saw a change again."""
    kept = tmp_path / "dotfiles" / "codex-presence.json"
    kept.parent.mkdir()
    save_settings(kept, Settings(theme="light"))
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    path.symlink_to(kept)
    save_settings(path, Settings(theme="dark"))
    assert path.is_symlink()
    assert load_settings(kept).settings.theme == "dark"
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary left


@pytest.mark.parametrize("kind", ["fifo", "folder", "loop"])
def test_a_link_to_what_is_no_file_is_replaced_not_followed(tmp_path: Path, kind: str) -> None:
    """A link to a FIFO, a folder or itself: the save puts a file in place of the link, and
    what it pointed at is left as it was."""
    path = tmp_path / "settings.json"
    target = path if kind == "loop" else tmp_path / "elsewhere"
    if kind != "loop":
        not_a_file(target, kind)
    path.symlink_to(target)
    save_settings(path, Settings(theme="dark"))
    assert not path.is_symlink()
    assert load_settings(path).settings.theme == "dark"
    if kind == "fifo":
        assert stat.S_ISFIFO(target.lstat().st_mode)
    elif kind == "folder":
        assert target.is_dir()
        assert not any(target.iterdir())


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_a_folder_without_sessions_is_said_where_there_is_no_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No home at all (the window run with --base-dir and --codex-home): a Codex folder with
    no sessions yet, chosen in Settings, is said as elsewhere. Its comparison with ~/.codex
    had raised pathlib's RuntimeError, and Settings' checks ended in the error box."""
    import pwd

    def no_user(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_user)
    problems = validate(replace(Settings(), codex_homes=[str(tmp_path)]))
    assert [problem.blocking for problem in problems] == [False]
    assert problems[0].message.endswith(f"is {tmp_path} the folder Codex uses, usually ~/.codex?")
