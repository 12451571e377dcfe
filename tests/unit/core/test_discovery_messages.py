"""What a command says of a Codex home it cannot read: a name that would not show is
escaped, and a home that is there as a file, a pipe or a device is said to be one."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from codex_presence_gui.core.discovery import (
    codex_home_options,
    discover,
    no_home_message,
    no_sessions_message,
    not_a_folder,
    shown_home,
)
from codex_presence_gui.core.sanitize import clean_text
from tests.helpers.special_files import device_node, refuse_stat

MISSING_ADVICE = "Run Codex once, set CODEX_HOME, or pass --codex-home DIR."
NOT_A_FOLDER_ADVICE = (
    "Give Codex's folder (usually ~/.codex): set CODEX_HOME, or pass --codex-home DIR."
)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("/home/me/.codex", "/home/me/.codex"),
        ("/home/me/projets été/中文 📁", "/home/me/projets été/中文 📁"),  # plain: as it is
        ("C:\\Users\\me\\.codex", "C:\\Users\\me\\.codex"),  # a backslash alone is plain
        ("\x1b[31m", "'\\x1b[31m'"),  # cleaned, nothing would be left
        ("\x1b", "'\\x1b'"),
        ("\x9b2J", "'\\u009b2J'"),  # the C1 form of CSI: not the byte 0x9b (below)
        ("/tmp/\udc9b2J", "'/tmp/\\x9b2J'"),  # a byte 0x9b, not UTF-8
        ("/tmp/x\x1b[0m", "'/tmp/x\\x1b[0m'"),  # cleaned, another folder's name
        ("/tmp/\u202eabc", "'/tmp/\\u202eabc'"),  # a bidi override
        ("/tmp/a\nb", "'/tmp/a\\x0ab'"),
        ("/tmp/caf\udce9", "'/tmp/caf\\xe9'"),  # a byte that is not UTF-8
        ("/tmp/a\\b\x07", "'/tmp/a\\\\b\\x07'"),  # the backslash escaped where escapes are
    ],
)
def test_a_name_is_shown_as_it_is_or_escaped(name: str, shown: str) -> None:
    assert shown_home(name) == shown
    assert shown_home(Path(name)) == shown
    assert clean_text(shown) == shown  # nothing left for a terminal to act on


def test_what_is_there_instead_of_a_folder(tmp_path: Path) -> None:
    a_file = tmp_path / "config.toml"
    a_file.write_text("model = 'o3'\n")
    assert not_a_folder(a_file) == "a file"
    assert not_a_folder(str(a_file)) == "a file"
    assert not_a_folder(tmp_path) is None
    assert not_a_folder(tmp_path / "nowhere") is None  # not there: not "not a folder"
    assert not_a_folder(a_file / "sub") is None
    assert not_a_folder("\x00") is None  # a name no folder can have: not looked at
    link = tmp_path / "link"
    link.symlink_to(a_file)
    assert not_a_folder(link) == "a file"  # what the link names
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    assert not_a_folder(tmp_path / "dangling") is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_named_pipe_is_said_without_waiting_on_it(tmp_path: Path) -> None:
    """Looked at, never opened: opening a FIFO waits for a writer (for good, here)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert not_a_folder(fifo) == "a named pipe"
    assert no_home_message([fifo]) == (
        f"No Codex folder found: {fifo} is a named pipe, not a folder. {NOT_A_FOLDER_ADVICE}"
    )


def test_a_device_is_said(tmp_path: Path) -> None:
    node = tmp_path / "null"
    device_node(node)  # the test's own node, never a link into /dev
    assert not_a_folder(node) == "a device"
    assert f"{node} is a device, not a folder" in no_home_message([node])


@pytest.mark.skipif(sys.platform == "win32", reason="UNIX sockets")
def test_a_socket_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short name: a socket's path has a small limit
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("sock")
        assert not_a_folder("sock") == "a socket"


def test_a_missing_home_keeps_its_message(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert no_home_message([missing]) == (
        f"No Codex folder found (looked in {missing}). {MISSING_ADVICE}"
    )
    assert no_home_message([missing, tmp_path / "x"]) == (
        f"No Codex folder found (looked in {missing}, {tmp_path / 'x'}). {MISSING_ADVICE}"
    )


def test_a_file_given_as_the_home_is_said_to_be_one(tmp_path: Path) -> None:
    """It had been "No Codex home found (looked in …)": the file is there, and waiting or
    running Codex would not help."""
    a_file = tmp_path / "x"
    a_file.write_text("")
    assert no_home_message([a_file]) == (
        f"No Codex folder found: {a_file} is a file, not a folder. {NOT_A_FOLDER_ADVICE}"
    )
    # Beside a missing one: where it looked, then what was not a folder.
    missing = tmp_path / "nowhere"
    assert no_home_message([missing, str(a_file)]) == (
        f"No Codex folder found (looked in {missing}, {a_file}): {a_file} is a file, not a "
        f"folder. {NOT_A_FOLDER_ADVICE}"
    )


def test_a_name_of_escapes_alone_is_shown_escaped(tmp_path: Path) -> None:
    """``--codex-home $'\\e[31m'`` had read "looked in )": the name cleaned to nothing."""
    assert no_home_message(["\x1b[31m"]) == (
        f"No Codex folder found (looked in '\\x1b[31m'). {MISSING_ADVICE}"
    )
    odd = tmp_path / "\x1b]0;t\x07"
    odd.write_text("")
    message = no_home_message([odd])
    assert message.startswith(f"No Codex folder found: '{tmp_path}/\\x1b]0;t\\x07' is a file")
    assert clean_text(message) == message


def test_homes_chosen_in_settings_are_changed_there(tmp_path: Path) -> None:
    """``CODEX_HOME`` does not override the folders chosen in Settings: it is not advised."""
    a_file = tmp_path / "x"
    a_file.write_text("")
    for homes in ([tmp_path / "nowhere"], [a_file]):
        message = no_home_message(homes, from_settings=True)
        assert "choose another folder in Settings → General, or pass --codex-home DIR." in message
        assert "CODEX_HOME" not in message


def test_a_home_without_a_sessions_folder_keeps_its_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert no_sessions_message(str(empty)) == (
        f"{empty / 'sessions'}, where Codex keeps its logs, is missing; is {empty} a Codex folder?"
    )
    odd = tmp_path / "\x1b[2J"
    odd.mkdir()
    assert no_sessions_message(str(odd)) == (
        f"'{tmp_path}/\\x1b[2J/sessions', where Codex keeps its logs, is missing; is "
        f"'{tmp_path}/\\x1b[2J' a Codex folder?"
    )


def test_a_sessions_that_is_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    """A file where ``sessions`` goes is no missing folder: Codex cannot make one there, and
    the walk has nothing to list in it (not "cannot list …: Not a directory")."""
    from codex_presence_gui.core.discovery import discover

    home = tmp_path / "codex"
    (home / "archived_sessions").mkdir(parents=True)  # archived logs do not hide it
    (home / "sessions").write_text("")
    assert no_sessions_message(str(home)) == (
        f"{home / 'sessions'} is a file, not a folder: Codex cannot write its logs there"
    )
    found = discover([home])
    assert found.sessionless == [home]
    assert found.errors == []


@pytest.mark.parametrize("kind", ["file", "fifo", "device", "link to a fifo"])
def test_an_archived_sessions_that_is_no_folder_is_said_to_be_one(
    tmp_path: Path, kind: str
) -> None:
    """A file (a pipe, a device, a link to one) where ``archived_sessions`` goes: said as a
    ``sessions`` in its place is said, by every reader of the walk (it had been skipped
    unsaid), never opened; the logs in ``sessions`` are still read."""
    from codex_presence_gui.core.discovery import discover
    from codex_presence_gui.core.problems import ProblemKind
    from codex_presence_gui.core.reader import CodexReader
    from tests.helpers import rollout as r
    from tests.helpers.rollout import BASE, CodexHome
    from tests.helpers.special_files import not_a_file

    home = CodexHome(tmp_path / "codex")
    sid = "019d0000-0000-7000-8000-00000000e001"
    home.write(sid, [r.session_meta(BASE, sid), r.token_count(BASE + 5, r.usage(70, 0, 7))])
    archived = home.root / "archived_sessions"
    said_kind = {"file": "a file", "device": "a device"}.get(kind, "a named pipe")
    if kind == "file":
        archived.write_text("")
    elif kind == "link to a fifo":
        not_a_file(tmp_path / "pipe", "fifo")
        archived.symlink_to(tmp_path / "pipe")
    else:
        not_a_file(archived, kind)
    said = f"{archived} is {said_kind}, not a folder: Codex cannot archive its logs there"
    found = discover([home.root])
    assert [(p.kind, str(p), p.path) for p in found.errors] == [
        (ProblemKind.UNREADABLE, said, archived)
    ]
    assert len(found.files) == 1
    assert found.sessionless == []
    result = CodexReader([home.root], max_age=None, clock=lambda: BASE + 60).refresh()
    assert [str(p) for p in result.warnings] == [said]
    assert len(result.snapshots) == 1
    # Not looked for at all when archived logs are not read.
    assert discover([home.root], include_archived=False).errors == []


def test_an_archived_sessions_that_is_a_dangling_link_is_no_problem(tmp_path: Path) -> None:
    """Nothing there to archive into, as when the folder is missing: Codex makes it."""
    from codex_presence_gui.core.discovery import discover

    home = tmp_path / "codex"
    (home / "sessions").mkdir(parents=True)
    (home / "archived_sessions").symlink_to(tmp_path / "gone")
    assert discover([home]).errors == []


def test_codex_home_options_are_quoted_for_the_users_shell() -> None:
    """POSIX shells get ``shlex.quote``; Windows PowerShell's single quotes where a space (or
    another character it would read) needs them, else the path as it is."""
    assert codex_home_options(["/home/me/.codex"], platform="linux") == (
        " --codex-home /home/me/.codex"
    )
    assert codex_home_options(["/a b", "/it's"], platform="darwin") == (
        " --codex-home '/a b' --codex-home '/it'\"'\"'s'"
    )
    assert codex_home_options([r"C:\Users\me\.codex"], platform="win32") == (
        r" --codex-home C:\Users\me\.codex"
    )
    assert codex_home_options([r"D:\My Codex", r"E:\a&b", "F:\\it's"], platform="win32") == (
        r" --codex-home 'D:\My Codex' --codex-home 'E:\a&b' --codex-home 'F:\it''s'"
    )
    # What a terminal would act on is cleaned out, as in every message.
    assert codex_home_options(["/x\x1b[31m"], platform="linux") == " --codex-home /x"
    assert codex_home_options(["/a", "/b", "/c"], platform="linux", most=1) == (
        " --codex-home /a (and 2 more --codex-home folders)"
    )


#: Folder names a shell would read something in: its variables, escapes and quotes.
AWKWARD_HOMES = (
    "C:\\Users\\$env:USERNAME\\.codex",
    "D:\\100% %PATH% codex",
    "E:\\it's `n here",
    'F:\\say "hi" $(whoami)',
    "G:\\smart \u2018quotes\u2019 \u201a\u201b",
    '/home/me/$HOME `id` 50%/it\'s "x"',
)
#: What PowerShell takes for a single quote: any of them opens, closes or (doubled) is one.
POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"


def powershell_words(line: str) -> list[str]:
    """The words PowerShell reads in ``line``, for the two kinds written here: unquoted words
    of letters, digits and ``\\:/._-`` only, and single-quoted words (verbatim, a quote in
    them doubled). Anything else fails: such a word would not be read as written."""
    words: list[str] = []
    at = 0
    while at < len(line):
        if line[at] == " ":
            at += 1
            continue
        if line[at] in POWERSHELL_QUOTES:
            word, at = "", at + 1
            while True:
                assert at < len(line), f"unclosed quote in {line!r}"
                if line[at] in POWERSHELL_QUOTES:
                    if at + 1 < len(line) and line[at + 1] in POWERSHELL_QUOTES:
                        word, at = word + line[at + 1], at + 2
                        continue
                    at += 1
                    break
                word, at = word + line[at], at + 1
            assert at == len(line) or line[at] == " ", f"the word goes on after its quote: {line!r}"
        else:
            end = line.find(" ", at)
            end = len(line) if end < 0 else end
            word, at = line[at:end], end
            assert all(c.isalnum() or c in "\\:/._-" for c in word), f"unquoted: {word!r}"
        words.append(word)
    return words


@pytest.mark.parametrize("home", AWKWARD_HOMES)
def test_a_windows_hint_keeps_dollars_percents_backticks_and_quotes(home: str) -> None:
    """The folders, quoted for Windows, read back whole in PowerShell. In the double quotes
    they had been given, PowerShell expanded ``$env:USERNAME`` and ``$(whoami)`` and took
    the backtick for an escape, cmd expanded ``%PATH%``, and a ``"`` ended the word."""
    options = codex_home_options([home, r"C:\plain"], platform="win32")
    assert powershell_words(options) == ["--codex-home", home, "--codex-home", r"C:\plain"]


@pytest.mark.parametrize("home", AWKWARD_HOMES)
def test_a_posix_hint_keeps_dollars_percents_backticks_and_quotes(home: str) -> None:
    """Elsewhere, POSIX quoting: a shell reads each folder back whole."""
    import shlex
    import shutil
    import subprocess

    options = codex_home_options([home], platform="linux")
    assert shlex.split(options) == ["--codex-home", home]
    shell = shutil.which("sh")
    if shell is not None:  # the shell itself, not only Python's reading of it
        said = subprocess.run(
            [shell, "-c", f"printf '%s\\n' {options}"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert said.stdout.splitlines() == ["--codex-home", home]


@pytest.mark.parametrize("archived", [True, False])
def test_a_home_that_cannot_be_entered_is_said_once_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archived: bool
) -> None:
    """A home of mode 000 (or another user's) had been "cannot open …/sessions" and "cannot
    open …/archived_sessions", a folder it may not even have: it is the home that is shut."""
    home = tmp_path / "codex"
    (home / "sessions").mkdir(parents=True)
    refuse_stat(monkeypatch, lambda path: path.startswith(str(home) + os.sep))
    found = discover([home], include_archived=archived)
    assert [(p.detail, p.path) for p in found.errors] == [
        (f"cannot open the Codex folder {home}: Permission denied", home)
    ]
    assert found.unsearched == [str(home)]  # its logs are not taken for gone
    assert found.missing_homes == []


def test_a_sessions_folder_linked_to_a_closed_place_is_not_a_closed_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home opens: only its ``sessions`` (a link to a folder of another user's) does not,
    and that is said of it; the archive beside it is still read."""
    home = tmp_path / "codex"
    (home / "archived_sessions").mkdir(parents=True)
    elsewhere = tmp_path / "theirs"
    (elsewhere / "sessions").mkdir(parents=True)
    (home / "sessions").symlink_to(elsewhere / "sessions")
    refuse_stat(monkeypatch, lambda path: path.startswith(str(elsewhere) + os.sep))
    real_stat = os.stat
    monkeypatch.setattr(
        os,
        "stat",
        lambda path, *rest, **options: (
            real_stat(elsewhere / "sessions", *rest, **options)
            if os.fspath(path) == str(home / "sessions") and options.get("follow_symlinks", True)
            else real_stat(path, *rest, **options)
        ),
    )
    found = discover([home])
    assert found.closed_homes == []
    assert [p.detail for p in found.errors] == [
        f"cannot open {home / 'sessions'}: Permission denied"
    ]
