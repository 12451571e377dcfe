"""The command line: `status` text and JSON, exit codes, and no Qt on the headless path."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui import __version__
from codex_presence_gui.cli import EXIT_NO_HOME, main, plain_symbols
from codex_presence_gui.core.jsonl import parse_timestamp
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.fresh import fresh_output, interrupted_in_import
from tests.helpers.quota import FIVE_HOURS, Turn, steady_turns, write_session
from tests.helpers.rollout import CodexHome
from tests.helpers.special_files import device_node, full_device, unblocked

SID = "019de1a2-0000-7000-8000-0000000000c1"
QUOTA_A = "019de1a2-0000-7000-8000-00000000000a"
QUOTA_B = "019de1a2-0000-7000-8000-00000000000b"


def live_session(home: CodexHome, session_id: str = SID, age: float = 5.0) -> Path:
    """A session whose last line was written ``age`` seconds ago, with fresh limits."""
    now = time.time()
    start = now - age - 60
    resets = int(now + 3600)
    return home.write(
        session_id,
        [
            r.session_meta(start, session_id, cwd="/home/dev/shop"),
            r.turn_context(start + 1, model="gpt-5.3-codex"),
            r.token_count(
                now - age - 1,
                r.usage(51234, 40960, 1180, 640),
                r.usage(26010, 24576, 402, 256),
                r.limits((23.0, 300, resets), (41.0, 10080, resets + 86400 * 3)),
            ),
            r.exec_call(now - age, "c1", "cargo test --all"),
        ],
        started=start,
        mtime=now - age,
    )


def quota_story(home: CodexHome) -> tuple[float, float]:
    """Two live sessions over two hours of a 5h window, 2 % every 5 minutes (24 %/h); B uses
    three times A's tokens. Returns the window's start and reset time."""
    now = time.time()
    start = now - 7200 - 2
    resets = start + FIVE_HOURS
    a = steady_turns(start + 300, start + 7200, 300, 1000, 2, 2)
    # B starts with A's second turn, 30 s before it, reporting the use A last saw.
    b = [Turn(turn.at - 30, 3000, turn.used - 2) for turn in a[1:]]
    write_session(home, QUOTA_A, a, resets_at=resets, jitter=False)
    write_session(home, QUOTA_B, b, resets_at=resets, jitter=False)
    return start, resets


def test_status_json_pace_and_shares(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """A known rate gives the burn rate, the run-out time and each session's share."""
    _start, resets = quota_story(codex_home)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    report = json.loads(capsys.readouterr().out)
    five = report["limits"]["windows"][0]
    assert five["used_percent"] == 48.0
    assert five["burn_rate_percent_per_hour"] == pytest.approx(24.0)
    runs_out = parse_timestamp(five["runs_out_at"])
    assert runs_out is not None
    assert runs_out == pytest.approx(time.time() + 52 / 24 * 3600, abs=5)
    assert runs_out < resets
    assert five["pace"] == "runs_out_before_reset"
    assert five["pace_text"].startswith("at this pace: runs out ~")
    shares = {s["session_id"]: s["share_percent"] for s in report["sessions"]}
    # The first rise (0 -> 2 %) came before B's first tokens; the other 23 split 1:3.
    assert shares[QUOTA_A]["5h"] == pytest.approx(2 + 46 * 0.25)
    assert shares[QUOTA_B]["5h"] == pytest.approx(46 * 0.75)
    fastest = {s["session_id"]: s["burns_fastest"] for s in report["sessions"]}
    assert fastest == {QUOTA_A: [], QUOTA_B: ["5h"]}
    assert report["notes"] == []


def test_status_text_says_the_pace_and_shares(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    quota_story(codex_home)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "at this pace: runs out ~" in out
    assert "≈ 34% of the 5h window (burns fastest)" in out  # 34.5
    assert "≈ 14% of the 5h window" in out  # 13.5


@pytest.mark.parametrize("columns", [56, 80])
def test_status_text_fits_the_terminal(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    """Every line fits the terminal's width, the same parts wrapped at `` · `` (the share
    and context line had run to 144 characters); nothing is lost on the way."""
    quota_story(codex_home)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    wide = capsys.readouterr().out
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    narrow = capsys.readouterr().out
    assert [line for line in narrow.splitlines() if len(line) > columns] == []
    assert max(len(line) for line in wide.splitlines()) > columns

    def words(text: str) -> list[str]:
        # The token line's names may be shortened to fit: "this update" → "update".
        text = text.replace("(this update | last response | session total)", "(names)")
        text = text.replace("(update | last response | total)", "(names)")
        return text.replace("·", " ").split()

    assert words(narrow) == words(wide)


def test_status_notes_a_rise_from_elsewhere(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    now = time.time()
    turns = [
        Turn(now - 3000, 1000, 10.0),
        Turn(now - 600, 0, 16.0),  # after 40 idle minutes here, 6 % more is used
    ]
    write_session(codex_home, QUOTA_A, turns, resets_at=now + 3600)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    (note,) = json.loads(capsys.readouterr().out)["notes"]
    assert note.startswith("5h: used rose 6% without local activity since ")


def test_status_json(codex_home: CodexHome, capsys: pytest.CaptureFixture[str]) -> None:
    """`status --json` prints one schema-2 document with limits and the active session."""
    live_session(codex_home)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema"] == 2
    assert report["codex_homes"] == [str(codex_home.root)]
    limits = report["limits"]
    assert limits["source_session_id"] == SID
    assert [w["label"] for w in limits["windows"]] == ["5h", "Weekly"]
    assert [w["remaining_percent"] for w in limits["windows"]] == [77.0, 59.0]
    assert limits["stale"] is False
    (session,) = report["sessions"]
    assert session["activity"] == {
        "kind": "running",
        "target": "cargo test",
        "text": "Running cargo test",
    }
    assert (session["session_total_tokens"], session["last_turn_tokens"]) == (52414, 26412)
    assert session["context"] == {"used_tokens": 26412, "window_tokens": 258400, "left_percent": 94}
    assert session["active"] is True
    assert report["warnings"] == []


def test_status_lists_only_active_sessions_unless_all(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """An idle session from yesterday is listed only with --all."""
    live_session(codex_home)
    live_session(codex_home, "019de1a2-0000-7000-8000-0000000000c2", age=86400)
    main(["--codex-home", str(codex_home.root), "status", "--json"])
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 1
    main(["status", "--json", "--all", "--codex-home", str(codex_home.root)])
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 2


def test_status_text(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text mode shows bars of what is left, resets, and the token triplet (on a terminal
    wide enough for each on one line)."""
    monkeypatch.setenv("COLUMNS", "120")
    live_session(codex_home)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "5h limit      [███████████████░░░░░]  77% left  resets in " in out
    assert "Weekly limit  [████████████░░░░░░░░]  59% left" in out
    assert "▶ shop (main) · Running cargo test · gpt-5.3-codex · CLI" in out
    assert "Tokens (this update | last response | session total): 26.4K | 26.4K | 52.4K" in out


def test_empty_home_and_missing_home(
    codex_home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty home says how to start; a missing one is a clear error with exit code 2."""
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "Limits: no reading yet" in out
    assert "Start `codex` in a terminal" in out
    missing = tmp_path / "nowhere"
    assert main(["status", "--json", "--codex-home", str(missing)]) == EXIT_NO_HOME
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"No Codex folder found (looked in {missing})" in captured.err


def test_status_json_says_why_limits_is_null(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``limits: null`` comes with ``limits_reasons`` (text, kind, path, as warnings are): the
    text form said why (a missing ``sessions`` folder, a file in its place), the JSON had not."""
    missing, blocked = tmp_path / "missing", tmp_path / "blocked"
    missing.mkdir()
    blocked.mkdir()
    (blocked / "sessions").write_text("")
    assert main(["status", "--json", "--codex-home", str(missing), str(blocked)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["limits"] is None
    assert report["limits_reasons"] == [
        {
            "text": f"{missing / 'sessions'}, where Codex keeps its logs, is missing (Codex "
            "makes it when a session starts)",
            "kind": "sessions_missing",
            "path": str(missing / "sessions"),
        },
        {
            "text": f"{blocked / 'sessions'} is a file, not a folder: Codex cannot write its "
            "logs there",
            "kind": "sessions_not_a_folder",
            "path": str(blocked / "sessions"),
        },
    ]
    assert report["warnings"] == []  # not a problem reading logs: the window lists none


def test_status_json_says_why_no_reading_came_yet(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty ``sessions`` folder, then replies without limits (an API key): each reason has
    its kind; with a reading, the list is empty (the key is always there)."""
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    (reason,) = json.loads(capsys.readouterr().out)["limits_reasons"]
    assert (reason["kind"], reason["path"]) == ("no_reading_yet", None)
    now = time.time() - 60
    lines = [r.session_meta(now, SID), r.turn_context(now + 1)]
    lines.append(r.token_count(now + 2, r.usage(1000, 0, 100), None, None))
    codex_home.write(SID, lines, started=now)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    (reason,) = json.loads(capsys.readouterr().out)["limits_reasons"]
    assert reason["kind"] == "no_plan_limits"
    assert "no plan limits" in reason["text"]
    live_session(codex_home, "019de1a2-0000-7000-8000-0000000000c3")
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    assert json.loads(capsys.readouterr().out)["limits_reasons"] == []


def test_bad_lines_become_warnings(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malformed lines are reported in `warnings`, never a crash."""
    path = live_session(codex_home)
    CodexHome.append(path, ["{not json", "[1]"])
    main(["status", "--json", "--codex-home", str(codex_home.root)])
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert len(warnings) == 1
    assert warnings[0]["text"].startswith(f"2 malformed lines skipped in {path.name}")
    assert warnings[0]["kind"] == "malformed_lines"
    assert warnings[0]["path"] == str(path)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"codex-presence-gui {__version__}"


def test_status_process_never_imports_qt(codex_home: CodexHome) -> None:
    """The real entry point runs `status` without loading Qt or pypresence."""
    live_session(codex_home)
    code = (
        "import sys, runpy\n"
        "sys.argv = ['codex-presence-gui', 'status', '--json', '--codex-home', sys.argv[1]]\n"
        "from codex_presence_gui import cli\n"
        "code, headless = cli._dispatch(None)\n"
        "assert headless and code == 0\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pypresence'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(codex_home.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sessions"][0]["session_id"] == SID


def test_module_entry_point_exits_with_status(tmp_path: Path) -> None:
    """`python -m codex_presence_gui status` ends with the command's exit code."""
    result = subprocess.run(
        [sys.executable, "-m", "codex_presence_gui", "status", "--codex-home", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == EXIT_NO_HOME
    assert "No Codex folder found" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="closes descriptors with a POSIX shell")
def test_no_standard_streams_is_not_a_crash(tmp_path: Path) -> None:
    """Like the windowed Windows app: no stdout/stderr at all, and the command still ends
    with its own exit status instead of an AttributeError."""
    command = (
        f'exec "{sys.executable}" -m codex_presence_gui status --codex-home "{tmp_path / "x"}"'
        " 1>&- 2>&-"
    )
    result = subprocess.run(["sh", "-c", command], check=False)
    assert result.returncode == EXIT_NO_HOME


def test_preview_prints_the_card(codex_home: CodexHome, capsys: pytest.CaptureFixture[str]) -> None:
    """`preview` shows what friends would see; `--private` hides the work."""
    live_session(codex_home)
    assert main(["preview", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "Running cargo test · shop (main)" in out
    assert "gpt-5.3-codex · 26.4K | 26.4K | 52.4K tokens · 5h 77% left · weekly 59% left" in out
    assert main(["--private", "preview", "--json", "--codex-home", str(codex_home.root)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["activity"]["details"] == "Using Codex"
    assert document["activity"]["state"] == "In a coding session"
    assert document["client_id"] == "1470480085453770854"


def test_preview_follows_the_settings_rules_and_pause(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], settings_base: Path
) -> None:
    """`preview` composes as the app does: a rule's alias, a hidden project, a pause."""
    from codex_presence_gui.core.presence import ProjectRule, RuleAction
    from codex_presence_gui.core.settings import Settings, save_settings

    live_session(codex_home)
    path = settings_base / "config" / "settings.json"
    save_settings(path, Settings(project_rules=(ProjectRule("sh*", RuleAction.ALIAS, "Side"),)))
    assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["activity"]["details"] == "Running command · Side"  # no command either
    assert document["note"] == "Shown as Side by the rule sh*."
    save_settings(path, Settings(project_rules=(ProjectRule("/home/dev/*"),)))
    assert main(["preview", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "shop" not in out
    assert "(nothing: your Discord status is cleared)" in out
    assert "(Hidden by the rule /home/dev/*.)" in out
    save_settings(path, Settings(discord_paused_until=time.time() + 600))
    assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["activity"] is None
    assert document["note"].startswith("Paused until ")


def test_discord_check_without_discord(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """No Discord: a plain message and exit code 3; a bad id in the environment is reported."""
    from codex_presence_gui.services.discord_client import IPC_DIR_ENV

    live_session(codex_home)
    monkeypatch.setenv(IPC_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("CODEX_DISCORD_CLIENT_ID", "not-a-number")
    assert main(["discord-check", "--codex-home", str(codex_home.root)]) == 3
    err = capsys.readouterr().err
    assert "Discord is not running." in err
    assert "CODEX_DISCORD_CLIENT_ID='not-a-number' is not a number" in err


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
def test_discord_check_skips_a_silent_socket_and_lists_what_it_tried(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hung discord-ipc-0 beside a live -1: exit 0 (it used to be 6), and the report says
    what happened at each socket and which one was used."""
    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import FakeDiscord, Mode

    # The command uses the default handshake timeout (3 s); a shorter one keeps this quick.
    monkeypatch.setitem(PypresenceClient.__init__.__kwdefaults__, "handshake_timeout", 0.5)
    live_session(codex_home)
    silent = FakeDiscord(discord_dir, index=0, mode=Mode.HANG_HANDSHAKE).start()
    live = FakeDiscord(discord_dir, index=1).start()
    try:
        code = main(["discord-check", "--json", "--codex-home", str(codex_home.root)])
        report = json.loads(capsys.readouterr().out)
        assert code == 0
        assert report["socket"] == str(live.path)
        assert report["tried"] == [
            {"socket": str(silent.path), "outcome": "no answer to the handshake"},
            {"socket": str(live.path), "outcome": "connected"},
        ]
        assert report["ok"] is True
        assert [a is None for a in live.activities()] == [False, True]  # the card, then a clear
        assert main(["discord-check", "--codex-home", str(codex_home.root)]) == 0
        out = capsys.readouterr().out
        assert f"Connected to Discord at {live.path}" in out
        assert f"(skipped {silent.path}: no answer to the handshake)" in out
    finally:
        silent.stop()
        live.stop()


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
def test_discord_check_says_why_it_sent_only_a_clear(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    settings_base: Path,
) -> None:
    """Paused (or a rule hides the session): it sends a clear and says why, as `preview`
    does. It had said only "Nothing to show right now; sent a clear." and exited 0, the
    README's troubleshooting step for "nothing shows on your profile" silent on the pause."""
    from codex_presence_gui.core.presence import PAUSED_UNTIL_RESUMED
    from codex_presence_gui.core.settings import Settings, save_settings
    from tests.helpers.fake_discord import FakeDiscord

    live_session(codex_home)
    path = settings_base / "config" / "settings.json"
    save_settings(path, Settings(discord_paused_until=PAUSED_UNTIL_RESUMED))
    peer = FakeDiscord(discord_dir).start()
    try:
        assert main(["discord-check", "--codex-home", str(codex_home.root)]) == 0
        out = capsys.readouterr().out
        assert "Nothing to show right now (Paused until you resume.); sent a clear." in out
        assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["sent"] is None
        assert report["note"] == "Paused until you resume."
        assert peer.activities() == [None, None]  # a clear each time, nothing else
    finally:
        peer.stop()


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (
            {"code": 4000, "message": '"details" length must be at least 2'},
            5,
            'Discord rejected the card: "details" length must be at least 2',
        ),
        (
            {"code": 1000, "message": "Unknown Error"},
            6,
            "Discord did not show the card this time (Unknown Error); try again",
        ),
    ],
)
def test_discord_check_tells_a_refused_card_from_one_not_shown_this_time(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    error: dict[str, Any],
    code: int,
    said: str,
) -> None:
    """Exit 5 is a card Discord refuses as invalid; its "unknown error" is not that (it had
    said "rejected the card", sending the user to fix a card that was fine)."""
    from tests.helpers.fake_discord import FakeDiscord, Mode

    live_session(codex_home)
    peer = FakeDiscord(discord_dir, mode=Mode.ERROR_ONCE, error=error).start()
    try:
        assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == code
        assert json.loads(capsys.readouterr().out)["error"] == said
    finally:
        peer.stop()


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
def test_discord_check_says_a_clear_discord_did_not_make_as_such(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The card shown, Discord answers the clear with an error that may pass: the check says
    the card was not taken away, as the window does; it had said that Discord "did not show
    the card", the one it had just shown."""
    from codex_presence_gui.services.discord_client import (
        ActivityNotShownError,
        PypresenceClient,
    )
    from tests.helpers.fake_discord import FakeDiscord

    def failed_clear(self: PypresenceClient, timeout: float | None = None) -> dict[str, Any]:
        raise ActivityNotShownError("Unknown Error")

    monkeypatch.setattr(PypresenceClient, "clear", failed_clear)
    live_session(codex_home)
    peer = FakeDiscord(discord_dir).start()
    try:
        assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == 6
        report = json.loads(capsys.readouterr().out)
    finally:
        peer.stop()
    assert report["reply"] is not None  # shown
    assert report["error"] == (
        "Discord did not take the card away this time (Unknown Error); try again"
    )


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
@pytest.mark.parametrize("data", [None, "x", {"user": "bob"}, {"user": None}])
def test_discord_check_takes_a_ready_without_a_user_as_naming_nobody(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    data: object,
) -> None:
    """A compatible client's READY whose data or user is null or not an object: the check
    goes on and names no user (it ended in an AttributeError's traceback)."""
    from tests.helpers.fake_discord import FakeDiscord

    live_session(codex_home)
    ready = {"cmd": "DISPATCH", "evt": "READY", "nonce": None, "data": data}
    peer = FakeDiscord(discord_dir, ready=ready).start()
    try:
        assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert main(["discord-check", "--codex-home", str(codex_home.root)]) == 0
        out = capsys.readouterr().out
    finally:
        peer.stop()
    assert report["user"] is None
    assert report["ok"] is True
    assert f"Connected to Discord at {peer.path} (application " in out


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
def test_discord_check_names_no_application_when_discord_gives_none(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """arRPC (Vesktop's Discord) answers a card of an application it does not know with an
    empty name: accepted, said without one (it said "shows it under ''")."""
    from codex_presence_gui.services.discord_client import PypresenceClient
    from tests.helpers.fake_discord import FakeDiscord

    real_update = PypresenceClient.update

    def nameless(self: PypresenceClient, card: Any) -> dict[str, Any]:
        reply = real_update(self, card)
        return {**reply, "data": {**reply["data"], "name": ""}}

    monkeypatch.setattr(PypresenceClient, "update", nameless)
    live_session(codex_home)
    peer = FakeDiscord(discord_dir).start()
    try:
        assert main(["discord-check", "--codex-home", str(codex_home.root)]) == 0
        out = capsys.readouterr().out
    finally:
        peer.stop()
    assert "Discord accepted it.\n" in out


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="Unix sockets")
def test_discord_check_and_preview_use_the_application_id_of_the_settings(
    codex_home: CodexHome,
    capsys: pytest.CaptureFixture[str],
    discord_dir: Path,
    settings_base: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Settings → Advanced names the app's Discord application: `discord-check` checks that
    one (it used to check the default id, and passed while the app's id was refused), and
    `preview` names it; the environment still overrides both, as in the app."""
    from codex_presence_gui.core.settings import Settings, save_settings
    from tests.helpers.fake_discord import FakeDiscord

    monkeypatch.delenv("CODEX_DISCORD_CLIENT_ID", raising=False)
    live_session(codex_home)
    own = "1111111111111111111"
    save_settings(settings_base / "config" / "settings.json", Settings(discord_client_id=own))
    peer = FakeDiscord(discord_dir).start()
    try:
        assert main(["discord-check", "--json", "--codex-home", str(codex_home.root)]) == 0
        assert json.loads(capsys.readouterr().out)["client_id"] == own
        with peer._lock:
            handshakes = [f.data for f in peer.frames if f.op == 0]
        assert [h["client_id"] for h in handshakes] == [own]
        assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
        assert json.loads(capsys.readouterr().out)["client_id"] == own
        monkeypatch.setenv("CODEX_DISCORD_CLIENT_ID", "2222222222222222222")
        assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
        assert json.loads(capsys.readouterr().out)["client_id"] == "2222222222222222222"
        monkeypatch.setenv("CODEX_DISCORD_CLIENT_ID", "not-a-number")
        assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["client_id"] == own
        assert "is not a number; using the id in the settings" in captured.err
    finally:
        peer.stop()


def test_preview_shows_the_reading_status_shows_after_an_early_reset(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str]
) -> None:
    """The weekly window reset early (A's 80 %, then B's 2 %); A's reply to a request sent
    before the reset is logged 30 s later with 81 %. `preview` shows B's 98 % left, as
    `status` and the window do; read without the history, it had shown the late 19 %."""
    now = time.time()
    week_reset = now + 3 * 86400

    def weekly(at: float, used: float) -> Turn:
        return Turn(at, 1000, None, weekly=used, weekly_resets_at=week_reset)

    a_turns = [weekly(now - 3040, 80.0), weekly(now - 10, 81.0)]
    write_session(codex_home, QUOTA_A, a_turns, resets_at=None, jitter=False)
    write_session(codex_home, QUOTA_B, [weekly(now - 40, 2.0)], resets_at=None, jitter=False)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    assert "98% left" in capsys.readouterr().out
    assert main(["preview", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert "weekly 98% left" in out.lower()
    assert "19% left" not in out


def test_status_json_survives_values_orjson_refuses(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer beyond 64 bits or a lone surrogate in the report: still one valid JSON
    document, the odd values null or escaped, each said in a warning; exit status 0."""
    from codex_presence_gui import status_command

    live_session(codex_home)
    real = status_command.build_report

    def odd_report(*args: object, **kwargs: object) -> dict[str, object]:
        report = real(*args, **kwargs)  # type: ignore[arg-type]
        report["sessions"] = list(report["sessions"])
        report["sessions"][0]["session_total_tokens"] = 2**64
        report["sessions"][0]["tokens"]["input"] = -(10**400)
        report["sessions"][0]["cwd"] = "/home/dev/caf\udce9"
        return report

    monkeypatch.setattr(status_command, "build_report", odd_report)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    report = json.loads(capsys.readouterr().out)
    (session,) = report["sessions"]
    assert session["session_total_tokens"] is None
    assert session["tokens"]["input"] is None
    assert session["cwd"] == "/home/dev/caf\\xe9"
    assert session["last_turn_tokens"] == 26412  # the rest is untouched
    places = [w["text"].split(":")[0] for w in report["warnings"] if w["kind"] == "bad_values"]
    assert places == [
        "sessions[0].cwd",
        "sessions[0].session_total_tokens",
        "sessions[0].tokens.input",
    ]


def test_status_json_that_cannot_be_written_is_a_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should even the fallback fail, a one-line message and exit status 1, no traceback."""
    from codex_presence_gui import status_command

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise status_command.orjson.JSONEncodeError("simulated")

    monkeypatch.setattr(status_command.orjson, "dumps", refuse)
    assert not status_command.write_report_json({"schema": 2}, io.BytesIO())
    assert "could not be written as JSON (simulated)" in capsys.readouterr().err


def test_status_text_survives_numbers_beyond_any_session(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Token counts of 2**64 or 10**400 (which no float holds) print as a bound, not a
    traceback; a report that cannot be computed at all is one line on stderr, exit 1."""
    from dataclasses import replace

    from codex_presence_gui import status_command
    from codex_presence_gui.core.models import TokenUsage

    live_session(codex_home)
    real = status_command.CodexReader.refresh

    for value in (2**64, 10**400):

        def odd(self: object, value: int = value) -> object:
            result = real(self)  # type: ignore[arg-type]
            huge = tuple(
                s._replace(
                    session_total_tokens=value,
                    last_turn_tokens=value,
                    session_delta_tokens=value,
                    tokens=TokenUsage(value, value, value, value, value),
                )
                for s in result.snapshots
            )
            return replace(result, snapshots=huge)

        monkeypatch.setattr(status_command.CodexReader, "refresh", odd)
        assert main(["status", "--codex-home", str(codex_home.root)]) == 0
        assert ">999T | >999T | >999T" in capsys.readouterr().out

    def impossible(*args: object, **kwargs: object) -> str:
        raise OverflowError("integer division result too large for a float")

    monkeypatch.setattr(status_command, "render_text", impossible)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("status: a value in the Codex logs is out of range")
    assert "Traceback" not in err


def _headless(
    args: list[str], tmp_path: Path, **options: Any
) -> subprocess.CompletedProcess[bytes]:
    from codex_presence_gui.paths import BASE_DIR_ENV

    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    environment.update(options.pop("env", {}))
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "codex_presence_gui", *args, "--codex-home", str(home)],
        env=environment,
        stderr=subprocess.PIPE,
        timeout=60,
        **options,
    )


@pytest.mark.skipif(not full_device(), reason="needs /dev/full, the device")
@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["report", "daily"]])
def test_output_that_cannot_be_written_is_said_not_a_traceback(
    command: list[str], tmp_path: Path
) -> None:
    with open("/dev/full", "wb") as full:
        done = _headless(command, tmp_path, stdout=full)
    assert done.returncode == 1
    assert b"cannot write the output: No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr


@pytest.mark.skipif(not full_device(), reason="needs /dev/full, the device")
@pytest.mark.parametrize("command", [["--help"], ["--version"], ["report", "--help"]])
def test_help_that_cannot_be_written_is_said_as_other_output_is(
    command: list[str], tmp_path: Path
) -> None:
    """argparse's texts end the run early (SystemExit): to a full disk they had ended in
    Python's "Exception ignored … No space left on device" and status 120."""
    with open("/dev/full", "wb") as full:
        done = _headless(command, tmp_path, stdout=full)
    assert done.returncode == 1
    assert done.stderr == b"codex-presence-gui: cannot write the output: No space left on device\n"


@pytest.mark.skipif(sys.platform == "win32", reason="needs os.set_blocking on a pipe")
def test_an_output_left_non_blocking_that_fills_is_said_not_a_traceback(tmp_path: Path) -> None:
    """A pipe another program left non-blocking (O_NONBLOCK) refuses a write once it is full
    (EAGAIN) while its reader is slow: a report longer than the pipe holds had ended in a
    traceback, cut short."""
    from tests.helpers.usage import write_usage_session

    home = CodexHome(tmp_path / "home")
    for index in range(300):  # a JSON report of 300 sessions: 218 KB, more than a pipe holds
        write_usage_session(home, index, [(r.BASE + 60 * index, 1000, 500, 100)])
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    command = [sys.executable, "-m", "codex_presence_gui", "report", "session", "--json"]
    with open(reader, "rb") as out:
        child = subprocess.Popen(
            [*command, "--codex-home", str(home.root)],
            env=environment,
            stdout=writer,
            stderr=subprocess.PIPE,
        )
        os.close(writer)
        try:
            _, err = child.communicate(timeout=60)  # (the pipe not read until it ends)
        finally:
            child.kill()
        written = len(out.read())
    assert 0 < written < 200_000
    assert child.returncode == 1, err
    assert b"cannot write the output: " in err
    assert b"Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a file size limit (RLIMIT_FSIZE)")
def test_output_cut_short_by_the_system_is_said_also_unbuffered(tmp_path: Path) -> None:
    """With PYTHONUNBUFFERED (``python -u``, common in containers) Python wrote the report
    straight to the file, and a write the system took only in part (a disk filling up; here
    a file size limit) lost the rest without a word: a report cut short ended in success."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    with open(tmp_path / "out.json", "wb") as out:
        done = _headless(
            ["report", "daily", "--json"],
            tmp_path,
            stdout=out,
            env={"PYTHONUNBUFFERED": "1"},
            preexec_fn=limited,
        )
    assert (tmp_path / "out.json").stat().st_size == 64
    assert done.returncode == 1, done.stderr
    assert b"cannot write the output" in done.stderr
    assert b"Traceback" not in done.stderr


def test_unbuffered_output_is_still_seen_line_by_line(tmp_path: Path) -> None:
    """The buffer that output goes through with PYTHONUNBUFFERED is emptied at each line, as
    an unbuffered stream's would be (what is printed before a long wait shows at once)."""
    done = _headless(
        ["report", "daily"], tmp_path, stdout=subprocess.PIPE, env={"PYTHONUNBUFFERED": "1"}
    )
    assert done.returncode == 0, done.stderr
    code = "from codex_presence_gui.cli import buffer_output; buffer_output(); import sys; "
    code += "print(sys.stdout.line_buffering, type(sys.stdout.buffer).__name__)"
    shown = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        check=True,
    )
    assert shown.stdout.split() == [b"True", b"BufferedWriter"]


def test_an_output_that_is_not_utf8_still_gets_the_report(tmp_path: Path) -> None:
    done = _headless(
        ["status"], tmp_path, stdout=subprocess.PIPE, env={"PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == 0, done.stderr
    assert b"Limits" in done.stdout or b"No" in done.stdout


def test_an_output_that_is_not_utf8_gets_plain_bars_and_rules(tmp_path: Path) -> None:
    """ASCII stand-ins, not "?": the bar "[????????????????????]" said nothing of what is
    left, and a table's rule was a line of "?"."""
    home = CodexHome(tmp_path / "home")
    (home.root / "sessions").mkdir(parents=True)
    live_session(home)
    ascii_output = {"PYTHONIOENCODING": "ascii", "COLUMNS": "120"}
    status = _headless(["status"], tmp_path, stdout=subprocess.PIPE, env=ascii_output)
    assert status.returncode == 0, status.stderr
    assert b"5h limit      [###############.....]  77% left" in status.stdout
    assert b"> shop (main) - Running cargo test - gpt-5.3-codex - CLI" in status.stdout
    report = _headless(["report", "daily"], tmp_path, stdout=subprocess.PIPE, env=ascii_output)
    assert report.returncode == 0, report.stderr
    assert b"\n" + b"-" * 40 in report.stdout
    assert b"?" not in status.stdout + report.stdout


@given(st.text())
def test_plain_symbols_keep_every_width(text: str) -> None:
    """One character for one: columns and bars keep their places in any encoding."""
    codecs.register_error("codex_presence_plain", plain_symbols)
    assert len(text.encode("ascii", errors="codex_presence_plain")) == len(text)


def test_a_closed_output_is_no_success(tmp_path: Path) -> None:
    """`status >&-`: the report went nowhere, so the command says so and fails."""
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True)
    command = f'exec "{sys.executable}" -m codex_presence_gui status --codex-home "{home}" 1>&-'
    result = subprocess.run(["sh", "-c", command], stderr=subprocess.PIPE, check=False)
    assert result.returncode == 1
    assert b"cannot write the output: standard output is closed" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--codex-home", ""],
        ["--codex-home", " ", "status"],
        ["report", "daily", "--codex-home", ""],
        ["--codex-home", "", "report", "daily"],
    ],
)
def test_an_empty_codex_home_is_refused_not_read_as_here(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--codex-home "$UNSET"` would otherwise read the current folder as a home."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "needs a folder" in capsys.readouterr().err


def test_spaces_around_a_codex_home_are_dropped_as_codex_home_s(
    codex_home: CodexHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--codex-home " DIR\\n"` (pasted) reads DIR, before a command or after it, with
    argparse or without (a plain report), as CODEX_HOME with spaces around it does: it had
    looked for a folder called " DIR\\n" in the current folder."""
    live_session(codex_home)
    pasted = f" {codex_home.root}\n"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    for argv in (
        ["--codex-home", pasted, "status", "--json"],
        ["status", "--json", "--codex-home", pasted],
    ):
        assert main(argv) == 0
        assert json.loads(capsys.readouterr().out)["codex_homes"] == [str(codex_home.root)]
    for argv in (
        ["--codex-home", pasted, "report", "daily", "--json"],
        ["report", "daily", "--json", "--codex-home", pasted],
        ["-v", "--codex-home", pasted, "report", "daily", "--json"],  # read by argparse
    ):
        assert main(argv) == 0
        assert json.loads(capsys.readouterr().out)["totals"]["calls"] == 1
    monkeypatch.setenv("CODEX_HOME", pasted)
    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codex_homes"] == [str(codex_home.root)]


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
def test_a_time_zone_python_cannot_hold_is_said_and_utc_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TZ with an offset of a day or more: one warning in words, wrapped, then UTC (it had
    failed every local time, and status blamed the logs)."""
    from codex_presence_gui.cli import _usable_local_time

    monkeypatch.setenv("TZ", "XXX+24:59")
    monkeypatch.setenv("COLUMNS", "80")
    time.tzset()
    try:
        _usable_local_time()
        assert os.environ["TZ"] == "UTC"
        said = capsys.readouterr().err
        assert "cannot be used (it is 24 hours or more from UTC)" in " ".join(said.split())
        assert "timedelta" not in said  # Python's words, not the user's
        assert max(len(line) for line in said.splitlines()) <= 80
        datetime.now().astimezone()  # usable now
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["report", "daily", "--bogus"], "usage: codex-presence-gui report"),
        (["status", "--bogus"], "usage: codex-presence-gui status"),
        (["--bogus"], "usage: codex-presence-gui [-h]"),
    ],
)
def test_an_unknown_option_is_said_with_its_commands_usage(
    capsys: pytest.CaptureFixture[str], argv: list[str], usage: str
) -> None:
    """`report daily --bogus` had printed the window's options, not the report's."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert "unrecognized arguments: --bogus" in err


#: The three commands that read the homes and end with ``EXIT_NO_HOME`` when none is usable.
HOME_COMMANDS = (["status"], ["status", "--json"], ["report", "daily"], ["preview"])


def _no_home_said(
    capsys: pytest.CaptureFixture[str], command: list[str], given: list[str], wait_on: Path | None
) -> str:
    """What ``command`` says on stderr (one line) with the homes ``given``; nothing on stdout,
    and ``EXIT_NO_HOME``. ``wait_on``: a FIFO the command must not wait on."""
    with unblocked(wait_on) if wait_on is not None else nullcontext([]) as hung:
        assert main([*command, *given]) == EXIT_NO_HOME
    assert not hung
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    return captured.err.rstrip("\n")


@pytest.mark.parametrize("command", HOME_COMMANDS)
@pytest.mark.parametrize(
    ("kind", "through"),
    [
        ("a file", "option"),
        ("a file", "variable"),
        ("a named pipe", "option"),
        ("a device", "option"),
    ],
)
def test_a_home_that_is_no_folder_is_said_to_be_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    kind: str,
    through: str,
) -> None:
    """``--codex-home FILE`` (or ``CODEX_HOME``) had said "No Codex home found (looked in
    FILE). Run Codex once…", as if nothing were there; the same for a FIFO or a device node."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    odd = tmp_path / "codex"
    if kind == "a file":
        odd.write_text("")
    elif kind == "a named pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(odd)
    else:
        device_node(odd)  # the test's own node, never a link into /dev
    given = ["--codex-home", str(odd)]
    if through == "variable":
        monkeypatch.setenv("CODEX_HOME", str(odd))
        given = []
    said = _no_home_said(capsys, command, given, odd if kind == "a named pipe" else None)
    assert said == (
        f"No Codex folder found: {odd} is {kind}, not a folder. Give Codex's folder "
        "(usually ~/.codex): set CODEX_HOME, or pass --codex-home DIR."
    )


@pytest.mark.parametrize("command", HOME_COMMANDS)
@pytest.mark.parametrize("through", ["option", "variable"])
def test_a_home_named_with_escapes_alone_is_shown_escaped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    through: str,
) -> None:
    """A name that is only an escape sequence cleaned to nothing: "looked in )"."""
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEX_HOME", "\x1b[31m" if through == "variable" else "")
    given = ["--codex-home", "\x1b[31m"] if through == "option" else []
    said = _no_home_said(capsys, command, given, None)
    assert said == (
        "No Codex folder found (looked in '\\x1b[31m'). Run Codex once, set CODEX_HOME, or "
        "pass --codex-home DIR."
    )


@pytest.mark.parametrize("command", HOME_COMMANDS)
def test_a_missing_home_keeps_its_message_and_exit_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.setenv(BASE_DIR_ENV, str(tmp_path / "app"))
    missing = tmp_path / "nowhere"
    said = _no_home_said(capsys, command, ["--codex-home", str(missing)], None)
    assert said == (
        f"No Codex folder found (looked in {missing}). Run Codex once, set CODEX_HOME, or pass "
        "--codex-home DIR."
    )


def test_status_names_a_home_that_is_no_folder_beside_a_good_one(
    codex_home: CodexHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside a home that reads, a file given as another had been "Codex home not found"."""
    a_file = tmp_path / "codex.txt"
    a_file.write_text("")
    missing = tmp_path / "nowhere"
    live_session(codex_home)
    argv = ["status", "--json", "--codex-home", str(codex_home.root), str(a_file), str(missing)]
    assert main(argv) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [(w["text"], w["kind"], w["path"]) for w in warnings] == [
        (f"Codex folder {a_file} is a file, not a folder", "home_missing", str(a_file)),
        (f"Codex folder not found: {missing}", "home_missing", str(missing)),
    ]


def test_ctrl_c_while_status_imports_orjson_is_an_interrupt_not_a_crash(tmp_path: Path) -> None:
    """``status`` imports orjson as it starts: Ctrl+C in one of orjson's own imports (here
    dataclasses) had crashed it with a segmentation fault (see ``jsondecode.import_orjson``)."""
    call = f"main(['status', '--codex-home', {str(tmp_path / 'nowhere')!r}])"
    code = "from codex_presence_gui.cli import main\n"
    code += interrupted_in_import(call, at="dataclasses")
    assert fresh_output(code) == "interrupted True"


@pytest.mark.parametrize("command", ["preview", "discord-check"])
def test_ctrl_c_while_a_discord_command_imports_orjson_is_an_interrupt_not_a_crash(
    command: str, tmp_path: Path
) -> None:
    """Both read as ``status`` reads, importing its module and so orjson: Ctrl+C in one of
    orjson's own imports (the first it looks for, uuid: dataclasses is in already) had
    crashed them with a segmentation fault."""
    call = f"main([{command!r}, '--codex-home', {str(tmp_path / 'nowhere')!r}])"
    code = "from codex_presence_gui.cli import main\n" + interrupted_in_import(
        call, after="orjson.orjson"
    )
    assert fresh_output(code) == "interrupted True"


def test_a_report_waiting_for_the_index_says_how_long_as_every_duration_is_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait for another process's update of the usage index is said as the window and
    ``status`` write durations ("1m"); it had read "(up to 60 s)". It is wrapped to the
    text's width, as the warnings are: it had run on in one line of 120 characters."""
    from codex_presence_gui.usage_commands import _say_waiting

    monkeypatch.setenv("COLUMNS", "80")
    _say_waiting("/home/dev/.codex/usage.sqlite")
    said = capsys.readouterr().err
    assert "waiting for it (up to 1m)…" in " ".join(said.split())
    assert max(len(line) for line in said.splitlines()) <= 80


def test_the_help_writes_the_startup_checks_limit_as_every_duration() -> None:
    """``--startup-check``'s limit is written as the app writes durations ("30s",
    ``format_duration``); the help had kept "30 s"."""
    import re

    from codex_presence_gui.cli import build_parser
    from codex_presence_gui.core.formatting import format_duration

    help_text = " ".join(build_parser().format_help().split())
    assert f"within {format_duration(30)})" in help_text
    assert re.search(r"\d (?:s|m|h)\b", help_text) is None


#: A window whose Qt import swallows Ctrl+C, as PySide6's did when the KeyboardInterrupt
#: landed in Python code it ran from C++ (its enums being built): the app then ran on.
_SWALLOWING_WINDOW = """
import os, signal, sys, time, types
import codex_presence_gui
from codex_presence_gui import cli

def run_app(args):
    try:
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        time.sleep(1.0)  # Python runs the handler here, at the latest
    except KeyboardInterrupt:
        pass  # what PySide6 does with an exception in Python code it runs from C++
    return 42  # the window would have opened and run

fake = types.ModuleType("codex_presence_gui.app")
fake.run_app = run_app
sys.modules["codex_presence_gui.app"] = fake
codex_presence_gui.app = fake
sys.exit(cli.main(["--codex-home", sys.argv[2]]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 0), ("SIGHUP", 0)])
def test_a_signal_while_the_window_starts_ends_it_at_once(
    tmp_path: Path, name: str, code: int
) -> None:
    """Ctrl+C, SIGTERM or SIGHUP before the window watches them (its first second: Qt being
    imported) end the process at once with the code the window's quit gives them. Ctrl+C had
    been swallowed there, the window then running on; SIGTERM and SIGHUP had killed it."""
    from codex_presence_gui.services.signals import default_exit_signals

    assert default_exit_signals()[getattr(__import__("signal"), name)] == code
    result = subprocess.run(
        [sys.executable, "-c", _SWALLOWING_WINDOW, name, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("environ", "platform", "refused"),
    [
        ({}, "linux", True),
        ({"DISPLAY": " "}, "freebsd14", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-1"}, "linux", False),
        ({"WAYLAND_SOCKET": "5"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", False),
        ({"XDG_SESSION_TYPE": "tty"}, "linux", True),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_no_display_is_found_before_qt(
    environ: dict[str, str], platform: str, refused: bool
) -> None:
    from codex_presence_gui.cli import no_display_problem

    assert (no_display_problem(environ, platform) is not None) is refused


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11 and Wayland's variables")
def test_the_window_without_a_display_says_so(tmp_path: Path) -> None:
    """A text console or SSH without X forwarding: Qt had aborted the process (status 134),
    blaming a missing xcb-cursor library and suggesting a reinstall."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "WAYLAND_SOCKET",
            "QT_QPA_PLATFORM",
            "XDG_SESSION_TYPE",
        )
    }
    environment[BASE_DIR_ENV] = str(tmp_path / "app")
    done = subprocess.run(
        [sys.executable, "-m", "codex_presence_gui", "--no-discord"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(
        "codex-presence-gui: there is no graphical display to open the window on"
    )
    assert not (tmp_path / "app" / "state").exists()  # nothing was started


def test_the_screenshot_s_periods_are_the_usage_page_s() -> None:
    """``--usage-days`` is written out in the parser (its module stays light): it must offer
    the page's periods, its default the page's."""
    from codex_presence_gui.cli import build_parser
    from codex_presence_gui.core.usage_recent import PERIOD_DAYS, RECENT_DAYS

    parser = build_parser()
    shot = parser.parse_args(["screenshot", "x.png"])
    assert shot.usage_days == RECENT_DAYS
    for days in PERIOD_DAYS:
        assert (
            parser.parse_args(["screenshot", "x.png", "--usage-days", str(days)]).usage_days == days
        )


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
@pytest.mark.parametrize(
    ("setting", "shown"), [("ODD-0:07", "+00:07"), ("XYZ-0:00:30", "+00:00:30")]
)
def test_a_time_zone_off_the_quarter_hours_is_said_and_utc_used(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    shown: str,
) -> None:
    """TZ seven minutes off UTC: refused as ``--timezone +00:07`` is (days would cut the
    index's quarter hours, and a day's report had disagreed with a session's times), in UTC
    instead; a zone a quarter of an hour off, as Nepal's, is kept."""
    from codex_presence_gui.cli import _usable_local_time

    monkeypatch.setenv("COLUMNS", "200")
    try:
        monkeypatch.setenv("TZ", setting)
        time.tzset()
        _usable_local_time()
        assert os.environ["TZ"] == "UTC"
        said = capsys.readouterr().err
        assert f"its offset from UTC, {shown}, is not a whole number of quarter hours" in said
        assert said.startswith(f"warning: the time zone TZ={setting!r} cannot be used")
        monkeypatch.setenv("TZ", "NPT-5:45")
        time.tzset()
        _usable_local_time()
        assert os.environ["TZ"] == "NPT-5:45"
        assert capsys.readouterr().err == ""
        # Off the quarter hours in the season that is not now: refused all the same.
        for rule in ("STD-1DST-1:07,M3.5.0,M10.5.0", "STD-1:07DST-1,M3.5.0,M10.5.0"):
            monkeypatch.setenv("TZ", rule)
            time.tzset()
            _usable_local_time()
            assert os.environ["TZ"] == "UTC", rule
            assert "+01:07, is not a whole number" in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
def test_a_time_zone_off_the_quarter_hours_is_kept_where_timezone_chooses_the_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], codex_home: CodexHome
) -> None:
    """``report --timezone Asia/Tokyo`` counts in Tokyo's days: no word of TZ's zone, which
    the report does not use."""
    try:
        monkeypatch.setenv("TZ", "ODD-0:07")
        time.tzset()
        main(["report", "daily", "--timezone", "Asia/Tokyo", "--codex-home", str(codex_home.root)])
        assert os.environ["TZ"] == "ODD-0:07"
        assert "cannot be used" not in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        time.tzset()
