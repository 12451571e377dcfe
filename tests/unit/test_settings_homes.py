"""Commands run without ``--codex-home`` read the folders chosen in the settings, as the
window does (before ``$CODEX_HOME`` and ``~/.codex``), and never change the settings file."""

from __future__ import annotations

import json
import os
from contextlib import nullcontext
from pathlib import Path

import pytest

from codex_presence_gui import paths
from codex_presence_gui.app import homes_from
from codex_presence_gui.cli import build_parser, main
from codex_presence_gui.core import settings as settings_module
from codex_presence_gui.core.settings import Settings, save_settings
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.special_files import unblocked

SID = "019d0000-0000-7000-8000-00000000d001"


@pytest.fixture
def chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodexHome:
    """A home chosen in the settings; ``CODEX_HOME`` points somewhere else."""
    import time

    monkeypatch.setenv(paths.BASE_DIR_ENV, str(tmp_path / "app"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "elsewhere"))
    home = CodexHome(tmp_path / "chosen")
    home.root.mkdir()
    now = time.time()
    home.write(
        SID,
        [
            r.session_meta(now - 60, SID, cwd="/w/chosen-project"),
            r.token_count(now - 5, r.usage(4000, 0, 100), r.usage(4000, 0, 100), r.limits()),
        ],
        started=now - 60,
        mtime=now - 5,
    )
    config = Path(paths.folder("config"))
    config.mkdir(parents=True)
    save_settings(config / paths.SETTINGS_FILE, Settings(codex_homes=(str(home.root),)))
    return home


def test_the_settings_file_has_one_name() -> None:
    assert paths.SETTINGS_FILE == settings_module.SETTINGS_FILE


def test_status_and_report_read_the_chosen_folder(
    chosen: CodexHome, capsys: pytest.CaptureFixture[str], discord_dir: Path
) -> None:
    settings_file = Path(paths.folder("config")) / paths.SETTINGS_FILE
    before = settings_file.read_bytes()
    assert main(["status", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["codex_homes"] == [str(chosen.root)]
    assert main(["report", "daily", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["input_tokens"] == 4000
    # `preview` and `discord-check` had read $CODEX_HOME: "No Codex home found".
    assert main(["preview", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["session_id"] == SID
    assert main(["discord-check", "--json"]) == 3  # no Discord here, but the card was made
    assert "chosen-project" in json.loads(capsys.readouterr().out)["sent"]["details"]
    assert settings_file.read_bytes() == before  # only read


def test_preview_shows_the_card_of_the_chosen_folder_with_the_discord_settings(
    chosen: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """What friends see: the chosen folder's session, in the private mode set in Settings."""
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    save_settings(config, Settings(codex_homes=(str(chosen.root),), privacy_mode=True))
    assert main(["preview", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["session_id"] == SID
    assert document["activity"]["details"] == "Using Codex"
    assert "chosen-project" not in json.dumps(document["activity"])


@pytest.mark.parametrize(
    ("content", "said", "once"),
    [
        ('{"codex_homes": ["/srv/codex"],}', "it is not JSON", "Could not use your settings"),
        (
            '{"codex_homes": 5, "show_model": "yes"}',
            "must be a list of folders",
            "codex_homes: 5",
        ),
    ],
)
def test_preview_says_a_broken_settings_file_once(
    chosen: CodexHome,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    said: str,
    once: str,
) -> None:
    """The default folder is read and the card shown, with the folders' warning after it;
    the settings' own message does not say the same fault again."""
    monkeypatch.setenv("CODEX_HOME", str(chosen.root))
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    config.write_text(content, encoding="utf-8")
    assert main(["preview"]) == 0
    captured = capsys.readouterr()
    assert "chosen-project" in captured.out
    assert "warning: " in captured.err
    assert said in captured.err
    assert "the default one is" in captured.err.lower()
    assert captured.err.lower().count(once.lower()) == 1, captured.err
    if "show_model" in content:  # another key's fault is still said
        assert "show_model" in captured.err


def test_base_dir_option_reads_that_copy_s_settings(
    chosen: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--base-dir DIR`` (what a portable copy's log-in entry passes) is the variable on the
    command line: the settings there are read, the ones the variable named are not."""
    base = Path(paths.folder("config")).parent
    monkeypatch.setenv(paths.BASE_DIR_ENV, str(tmp_path / "the usual place"))
    monkeypatch.chdir(tmp_path)
    relative = base.relative_to(tmp_path)
    assert main(["--base-dir", str(relative), "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codex_homes"] == [str(chosen.root)]
    assert paths.base_dir() == str(base)  # made absolute: it is passed on as it is
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--base-dir", " ", "status"])
    assert "needs a folder" in capsys.readouterr().err


@pytest.mark.parametrize("through", ["option", "variable"])
def test_spaces_around_the_base_folder_are_dropped_alike(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    through: str,
) -> None:
    """A base folder pasted with spaces and a line end around it: ``--base-dir`` drops them
    as ``CODEX_PRESENCE_BASE_DIR`` does (it had kept them, which made " /data " a folder
    called " " in the current folder), and the log-in entry carries the folder cleaned."""
    from codex_presence_gui.core.autostart import launch_command

    monkeypatch.chdir(tmp_path)
    base = tmp_path / "portable"
    pasted = f"  {base}\n "
    monkeypatch.setenv(paths.BASE_DIR_ENV, pasted if through == "variable" else "")
    given = ["--base-dir", pasted] if through == "option" else []
    assert main([*given, "--codex-home", str(codex_home.root), "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codex_homes"] == [str(codex_home.root)]
    assert paths.base_dir() == str(base)
    assert paths.folder("config") == str(base / "config")
    assert launch_command("/opt/app/codex-presence-gui", frozen=True, platform="linux") == [
        *("/opt/app/codex-presence-gui", "--minimized"),
        *("--base-dir", str(base)),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codex-home"]


def test_a_base_folder_under_no_known_home_is_said(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``~name`` of no such user: in the variable it ended `report`, `preview` and the
    window in a traceback, and as ``--base-dir`` it made a folder called ``~name`` here.
    Both are refused alike, in words; the option still wins over a variable it replaces."""
    monkeypatch.chdir(tmp_path)
    home = ["--codex-home", str(codex_home.root)]
    monkeypatch.setenv(paths.BASE_DIR_ENV, "~no-such-user-hh/portable")
    said = "~no-such-user-hh/portable cannot be a folder here: no such user's home to expand ~"
    assert main([*home, "report", "daily"]) == 2  # read without argparse
    assert f"error: CODEX_PRESENCE_BASE_DIR: {said}" in capsys.readouterr().err
    for command in (["status"], ["preview"]):
        with pytest.raises(SystemExit) as exited:
            main([*home, *command])
        assert exited.value.code == 2
        assert f"error: CODEX_PRESENCE_BASE_DIR: {said}" in capsys.readouterr().err
    assert main(["--base-dir", str(tmp_path / "good"), *home, "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codex_homes"] == [str(codex_home.root)]
    monkeypatch.delenv(paths.BASE_DIR_ENV)
    with pytest.raises(SystemExit) as exited:
        main(["--base-dir", "~no-such-user-hh/portable", *home, "status"])
    assert exited.value.code == 2
    assert f"argument --base-dir: {said}" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["codex-home"]  # no "~no-such-user-hh"


def test_a_base_folder_named_with_escapes_is_said_without_them(
    codex_home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where the base folder should be, named with an escape sequence: `report` and
    `preview` say why they cannot use it with the name cleaned (the raw sequence reached the
    terminal, which acted on it)."""
    odd = tmp_path / "odd\x1b[2J\x1b]0;title\x07name"
    odd.write_text("a file")
    home = ["--codex-home", str(codex_home.root)]
    assert main(["--base-dir", str(odd), *home, "report", "daily"]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path}/oddname/cache" in err.replace("\n  ", " ")
    assert "\x1b" not in err
    main(["--base-dir", str(odd), *home, "preview"])
    err = capsys.readouterr().err
    # As every warning is written: it had had no "warning:" before it.
    said = f"warning: could not use your settings ({tmp_path}/oddname/config/settings.json: "
    assert said in err
    assert "\x1b" not in err
    assert odd.read_text() == "a file"


def test_the_command_line_comes_first_and_no_choice_means_the_default(
    chosen: CodexHome, tmp_path: Path
) -> None:
    other = tmp_path / "given"
    args = build_parser().parse_args(["status", "--codex-home", str(other)])
    assert homes_from(args) == (other,)
    assert homes_from(build_parser().parse_args(["status"])) == (chosen.root,)
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    save_settings(config, Settings())
    assert paths.configured_homes() == []
    assert homes_from(build_parser().parse_args(["status"])) == (tmp_path / "elsewhere",)
    config.write_text("{ not json", encoding="utf-8")
    assert paths.configured_homes() == []  # a broken file: the defaults, and left alone
    assert config.read_text(encoding="utf-8") == "{ not json"
    # Said where a command reads the default instead of folders it names (the window says
    # it when it loads).
    config.write_text('{"codex_homes": ["/srv/codex"] oops', encoding="utf-8")
    assert paths.settings_homes()[0] == []
    assert "it is not JSON" in str(paths.settings_homes()[1])


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"codex_homes": ["/srv/codex"],}', "it is not JSON"),  # a trailing comma
        ('{"codex_homes": "/srv/codex"}', 'codex_homes: "/srv/codex" must be a list'),
        ('{"codex_homes": ["/srv/codex", 5]}', "must be a list of folders"),
        # Saved by an older version, or by hand: had been read from the current folder.
        ('{"codex_homes": ["codex-logs"]}', "codex-logs is not a full path"),
        ('{"codex_homes": ["/srv/codex"], "x": ' + "[" * 5000 + "]" * 5000 + "}", "deep"),
        # UTF-16 is read (Notepad's "Unicode"), but this ends in half a character.
        ('{"codex_homes": ["/srv/codex"]}'.encode("utf-16") + b"\x00\xd8", "UTF-16 but"),
        (b'{"codex_homes": ["/srv/codex"]} ' + b" " * (2 * 1024 * 1024), "larger than"),
        (None, "it is not a regular file"),  # a folder
        ("fifo", "it is not a regular file"),  # had hung `report` and `status` for ever
    ],
)
def test_a_command_says_when_the_folders_in_the_settings_cannot_be_used(
    chosen: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    content: str | bytes | None,
    said: str,
) -> None:
    """A broken settings file had silently sent `report` and `status` to the default folder
    ("No token usage recorded", or another home's numbers) without a word about why; the
    same for `preview` and `discord-check`."""
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    config.unlink()
    if content is None:
        config.mkdir()
    elif content == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(config)
    elif isinstance(content, bytes):
        config.write_bytes(content)
    else:
        config.write_text(content, encoding="utf-8")
    for command in (["report", "daily"], ["status"], ["preview"], ["discord-check"]):
        with unblocked(config) if content == "fifo" else nullcontext([]) as hung:
            main(command)
        assert not hung, command
        err = capsys.readouterr().err
        assert "warning: " in err, command
        assert said in err, (command, err)
        assert "the default one is" in err.lower()
    if content is not None:  # only read, never moved aside
        assert config.exists()


def test_a_file_that_names_no_folders_or_good_ones_says_nothing(
    chosen: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """No folders chosen, or a fault in another key: nothing for a command to say."""
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    for content in ('{"codex_homes": [] ,}', '{"theme": 5}', "{broken"):
        config.write_text(content, encoding="utf-8")
        assert paths.settings_homes() == ([], None), content
    config.write_text(json.dumps({"theme": 5, "codex_homes": [str(chosen.root)]}), encoding="utf-8")
    assert paths.settings_homes() == ([str(chosen.root)], None)


def test_the_settings_warning_holds_nothing_a_terminal_would_act_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings file's folder is named in the warning: an escape in it is not printed."""
    monkeypatch.setenv(paths.BASE_DIR_ENV, str(tmp_path / "app\x1b[2J"))
    config = Path(paths.folder("config"))
    config.mkdir(parents=True)
    (config / paths.SETTINGS_FILE).write_text('{"codex_homes": 5}', encoding="utf-8")
    homes, why = paths.settings_homes()
    assert homes == []
    assert why is not None
    assert "\x1b" not in why
    assert "must be a list of folders" in why


@pytest.mark.parametrize(
    "command", [["status"], ["report", "daily"], ["preview"], ["discord-check"]]
)
def test_a_file_chosen_in_the_settings_is_said_to_be_one(
    chosen: CodexHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    command: list[str],
) -> None:
    """A file among the folders chosen in Settings had been "No Codex home found (looked in
    FILE). Run Codex once, set CODEX_HOME, …": not found, and a variable the settings
    override anyway. The exit code stays the one for no home."""
    a_file = tmp_path / "codex.txt"
    a_file.write_text("")
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    save_settings(config, Settings(codex_homes=(str(a_file),)))
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"No Codex folder found: {a_file} is a file, not a folder. Give Codex's folder (usually "
        "~/.codex): choose another folder in Settings → General, or pass --codex-home DIR.\n"
    )
    missing = tmp_path / "nowhere"
    save_settings(config, Settings(codex_homes=(str(missing),)))
    assert main(command) == 2
    assert capsys.readouterr().err == (
        f"No Codex folder found (looked in {missing}). Run Codex once, choose another folder in "
        "Settings → General, or pass --codex-home DIR.\n"
    )
    # Given on the command line, the settings are not read: CODEX_HOME is the other way.
    assert main([*command, "--codex-home", str(missing)]) == 2
    assert "Run Codex once, set CODEX_HOME, or pass" in capsys.readouterr().err


def test_a_relative_folder_beside_good_ones_is_left_out_and_said(
    chosen: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """One relative folder (saved by an older version) among the chosen ones: the others are
    read and the one is said; it had sent every command to the default folder."""
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    config.write_text(json.dumps({"codex_homes": [str(chosen.root), "codex-logs"]}))
    homes, why = paths.settings_homes()
    assert homes == [str(chosen.root)]
    assert why is not None
    assert "codex-logs is not a full path" in why
    assert why.endswith("The others are read.")
    for command in (["report", "daily", "--json"], ["status", "--json"]):
        assert main(command) == 0
        captured = capsys.readouterr()
        assert "codex-logs is not a full path" in captured.err, command
    assert main(["report", "daily", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["input_tokens"] == 4000


def test_screenshot_says_the_folders_it_cannot_use_as_status_does(
    chosen: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: object
) -> None:
    """Folders in the settings that cannot be used (a relative one, one not there, a file)
    are said by ``screenshot`` in the words the other commands use, the picture still made
    of the others; it had said nothing."""
    missing = tmp_path / "nowhere"
    a_file = tmp_path / "codex.txt"
    a_file.write_text("")
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    homes = [str(chosen.root), "codex-logs", str(missing), str(a_file)]
    config.write_text(json.dumps({"codex_homes": homes}))
    main(["status"])
    status = capsys.readouterr().err.splitlines()
    settings_warning = next(line for line in status if "codex-logs is not a full path" in line)
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(out)]) == 0
    captured = capsys.readouterr()
    assert out.is_file()
    assert captured.out.startswith(f"Saved {out}")
    assert captured.err.splitlines() == [
        f"warning: Codex folder not found, left out: {missing}",
        f"warning: Codex folder left out: {a_file} is a file, not a folder",
        settings_warning,
    ]
    # None of them usable: said as the other commands say it; the picture is of no home.
    config.write_text(json.dumps({"codex_homes": [str(missing), str(a_file)]}))
    assert main(["screenshot", str(out)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"warning: no Codex folder found (looked in {missing}, {a_file}): {a_file} is a file, "
        "not a folder. Give Codex's folder (usually ~/.codex): choose another folder in "
        "Settings → General, or pass --codex-home DIR."
    ]
    # Given on the command line, the settings are not read, nor said.
    assert main(["screenshot", str(out), "--codex-home", str(chosen.root)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(os.name != "posix", reason="the user database is POSIX's")
def test_an_empty_home_variable_finds_codex_where_codex_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``HOME=`` (set, empty) is no home to Codex (Rust's ``dirs`` takes the user database's
    then): Codex's folder is looked for there too, not in "/.codex", Python's reading."""
    import pwd

    from codex_presence_gui.core.discovery import default_codex_home

    user_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    monkeypatch.setenv("HOME", "")
    monkeypatch.delenv("CODEX_HOME", raising=False)
    assert default_codex_home() == user_home / ".codex"


def test_folders_in_a_file_saved_as_utf16_are_read(chosen: CodexHome) -> None:
    """Notepad's "Unicode": the folders it names are read, not said to be unusable."""
    config = Path(paths.folder("config")) / paths.SETTINGS_FILE
    config.write_bytes(json.dumps({"codex_homes": [str(chosen.root)]}).encode("utf-16"))
    assert paths.settings_homes() == ([str(chosen.root)], None)
