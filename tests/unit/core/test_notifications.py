"""Notifications: once per threshold crossing and per reset, also across restarts."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import pytest

from codex_presence_gui.core import notifications as notifications_module
from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.notifications import NotificationLog, due_notices, one_message
from codex_presence_gui.core.settings import MAX_FILE_BYTES, Settings
from tests.helpers.quota import FIVE_HOURS, Turn, quota_dashboard, write_session
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.snapshots import NOW, dashboard
from tests.helpers.special_files import not_a_file, unblocked

SID = "019d0000-0000-7000-8000-0000000000e1"

RESETS = NOW + 3600


def board(used: float, *, resets_at: float = RESETS, now: float = NOW) -> Dashboard:
    """Only the 5h window of the account, ``used`` % used."""
    limits = LimitSnapshot("codex", None, "plus", now - 30, (UsageWindow(300, used, resets_at),))
    return dashboard(limit=limits, now=now)


def look(path: Path, shown: Dashboard, thresholds: tuple[int, ...] = (75, 90, 95)) -> list[str]:
    """What one look at ``shown`` announces; records it as the app does."""
    notes = NotificationLog(path)
    due = due_notices(shown, thresholds, notify_resets=True, notes=notes)
    notes.record(due.said, shown.generated_at)
    return [notice.title for notice in due.notices]


def test_each_crossing_once_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(60)) == []
    assert look(path, board(76)) == ["Codex: 25% or less of your 5h limit left"]
    assert look(path, board(80)) == []  # same crossing, new reading
    assert look(path, board(80, resets_at=RESETS + 3)) == []  # jitter: the same window
    assert look(path, board(91)) == ["Codex: 10% or less of your 5h limit left"]
    # Each look opens the file afresh: a restart would not repeat anything either.
    assert look(path, board(91)) == []


def test_a_jump_past_several_thresholds_says_the_highest(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(96)) == ["Codex: 5% or less of your 5h limit left"]
    assert look(path, board(97)) == []


def test_a_limit_used_up_is_said_reached_past_any_threshold(tmp_path: Path) -> None:
    """100% used is news of its own, also after "5% or less" was said, and also when no
    threshold is at 100: never "5% or less left" of a limit with nothing left."""
    path = tmp_path / "notifications.json"
    assert look(path, board(96)) == ["Codex: 5% or less of your 5h limit left"]
    assert look(path, board(100)) == ["Codex: your 5h limit is reached"]
    assert look(path, board(100)) == []
    fresh = tmp_path / "fresh.json"
    assert look(fresh, board(100)) == ["Codex: your 5h limit is reached"]  # one notice
    assert look(fresh, board(100), thresholds=()) == []  # notifications off: none


def test_the_next_window_is_announced_again(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(80)) != []
    later = RESETS + 5 * 3600
    assert look(path, board(80, resets_at=later, now=RESETS + 60)) == [
        "Codex: 25% or less of your 5h limit left"
    ]


def test_a_reset_is_announced_once_when_the_window_ran_low(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    after = RESETS + 30
    assert look(path, board(80)) != []
    assert look(path, board(80, now=after)) == ["Codex: your 5h limit has reset"]
    assert look(path, board(80, now=after + 10)) == []
    quiet = tmp_path / "quiet.json"
    assert look(quiet, board(40, now=after)) == []  # a quiet window resets quietly


def test_an_old_reset_is_not_news(tmp_path: Path) -> None:
    """Started a day after a reset: remembered, not announced."""
    path = tmp_path / "notifications.json"
    assert look(path, board(85, now=RESETS + 86400)) == []
    assert NotificationLog(path).entries[0].event == "reset"


def test_thresholds_are_the_users(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(55), (50,)) == ["Codex: 50% or less of your 5h limit left"]


def test_the_users_percent_left_is_what_the_notice_says(tmp_path: Path) -> None:
    """A threshold set as 30 % left is announced as "less than 30 % left", and 0 % left is
    "reached"."""
    thresholds = Settings(notify_left_thresholds=(30, 0)).notify_used_thresholds
    path = tmp_path / "notifications.json"
    assert look(path, board(69), thresholds) == []
    assert look(path, board(71), thresholds) == ["Codex: 30% or less of your 5h limit left"]
    assert look(path, board(100), thresholds) == ["Codex: your 5h limit is reached"]


def test_the_body_says_what_is_left_and_when_it_resets(tmp_path: Path) -> None:
    """Led by what is left, as the app says a limit everywhere: it had led with the use
    ("You have used 91% of your 5h limit (9% left).")."""
    notes = NotificationLog(tmp_path / "n.json")
    (notice,) = due_notices(board(91), (75, 90, 95), notify_resets=True, notes=notes).notices
    assert notice.body.startswith("9% of your 5h limit is left (91% used). It resets at ")
    assert notice.body.endswith("in 1h 0m.")


def test_a_notice_in_the_resets_last_second_says_it_resets_now(tmp_path: Path) -> None:
    """Crossed in the second before the reset: "It resets now, at …", where it had said
    "It resets at 11:20, in now"."""
    notes = NotificationLog(tmp_path / "n.json")
    shown = board(91, resets_at=NOW + 0.5)
    (notice,) = due_notices(shown, (75, 90, 95), notify_resets=True, notes=notes).notices
    assert "It resets now, at " in notice.body
    assert "in now" not in notice.body


def test_a_broken_history_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    path.write_text("{ not json")
    notes = NotificationLog(path)
    assert notes.entries == []
    assert notes.problem is not None
    (backup,) = tmp_path.glob("notifications.json.corrupt-*")
    assert backup.read_text() == "{ not json"
    assert look(path, board(80)) != []  # and it works from scratch


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_history_that_is_no_file_is_said_and_replaced_on_save(tmp_path: Path, kind: str) -> None:
    """A FIFO kept the window from opening (waiting for a writer), and a device was read (to
    the end of memory, for ``/dev/zero``): each is said, in words, and the next save puts a
    file in its place (a folder, which cannot be replaced, is said again)."""
    path = tmp_path / "notifications.json"
    not_a_file(path, kind)
    with unblocked(path) if kind == "fifo" else nullcontext([]) as hung:
        notes = NotificationLog(path)
    assert not hung
    assert notes.entries == []
    assert notes.problem == f"cannot read {path}: it is not a regular file"
    due = due_notices(board(80), [75], notify_resets=True, notes=notes)
    assert due.notices != ()  # it works from scratch
    notes.record(due.said, NOW)
    if kind == "folder":
        assert notes.problem is not None
        assert notes.problem.startswith(f"cannot save {path}: ")
        assert "Errno" not in notes.problem
    else:
        assert path.is_file()
        assert not path.is_symlink()
        assert NotificationLog(path).entries == notes.entries


def test_a_huge_history_file_is_kept_aside_unread(tmp_path: Path) -> None:
    """It was read whole into memory (gigabytes, for a file that holds a few KiB)."""
    path = tmp_path / "notifications.json"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    notes = NotificationLog(path)
    assert notes.entries == []
    assert notes.problem is not None
    assert "larger than 1024 KiB" in notes.problem
    (backup,) = tmp_path.glob("notifications.json.corrupt-*")
    assert backup.stat().st_size == MAX_FILE_BYTES + 1


def test_a_save_that_fails_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the history as it was, and no ``.notifications.json.*.tmp`` left behind
    for every notification given while it stays full."""
    path = tmp_path / "notifications.json"
    look(path, board(80))
    before = path.read_bytes()

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(notifications_module.os, "fsync", no_space)
    notes = NotificationLog(path)
    for used in (91, 96):
        due = due_notices(board(used), [75, 90, 95], notify_resets=True, notes=notes)
        notes.record(due.said, NOW)
    assert notes.problem == f"cannot save {path}: No space left on device"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["notifications.json"]


def history_board(home: CodexHome, now: float) -> Dashboard:
    return quota_dashboard(home, now)


def test_a_reset_seen_only_through_the_next_window(codex_home: CodexHome, tmp_path: Path) -> None:
    """92 % used; the window resets and the next request comes 7 s later, before any refresh
    saw the old reading expire: the history still tells of the reset, once."""
    start = BASE
    old_reset = start + 3600
    turns = [
        Turn(start + 600, 1000, 80.0, resets_at=old_reset),
        Turn(start + 3000, 1000, 92.0, resets_at=old_reset),
        Turn(old_reset + 7, 1000, 1.0, resets_at=old_reset + FIVE_HOURS),
    ]
    write_session(codex_home, SID, turns, resets_at=old_reset, jitter=False)
    path = tmp_path / "notifications.json"
    shown = history_board(codex_home, old_reset + 20)
    (notice,) = due_notices(
        shown, (75, 90, 95), notify_resets=True, notes=NotificationLog(path)
    ).notices
    # A reading of the new window was seen: it is told, not "your next turn confirms it".
    assert notice.body == "It was down to 8% left. Codex now reports 99% left."
    assert look(path, shown) == ["Codex: your 5h limit has reset"]
    assert look(path, history_board(codex_home, old_reset + 40)) == []


def test_an_early_reset_starts_the_thresholds_again(codex_home: CodexHome, tmp_path: Path) -> None:
    """A weekly window falls from 80 % to 2 % with its reset time unchanged (an early reset),
    then climbs back past 75 %: the reset and the new crossing are both announced."""
    week_reset = BASE + 3 * 86400
    path = tmp_path / "notifications.json"
    first = [Turn(BASE + 600, 1000, None, weekly=80.0, weekly_resets_at=week_reset)]
    write_session(codex_home, SID, first, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 700)) == [
        "Codex: 25% or less of your weekly limit left"
    ]
    dropped = [*first, Turn(BASE + 3600, 1000, None, weekly=2.0, weekly_resets_at=week_reset)]
    write_session(codex_home, SID, dropped, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 3700)) == [
        "Codex: your weekly limit has reset"
    ]
    climbed = [*dropped, Turn(BASE + 7200, 1000, None, weekly=78.0, weekly_resets_at=week_reset)]
    write_session(codex_home, SID, climbed, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 7300)) == [
        "Codex: 25% or less of your weekly limit left"
    ]
    assert look(path, history_board(codex_home, BASE + 7400)) == []


def test_wording(codex_home: CodexHome, tmp_path: Path) -> None:
    """Day names keep their capitals; 100 % reads as reached, not "less than 0 % left"."""
    reached = due_notices(
        board(100), (100,), notify_resets=True, notes=NotificationLog(tmp_path / "a.json")
    )
    assert [n.title for n in reached.notices] == ["Codex: your 5h limit is reached"]
    week_reset = BASE + 3 * 86400
    turns = [
        Turn(BASE + i * 3600, 1000, None, weekly=60.0 + 4 * i, weekly_resets_at=week_reset)
        for i in range(6)
    ]
    write_session(codex_home, SID, turns, resets_at=None, jitter=False)
    notes = NotificationLog(tmp_path / "b.json")
    shown = history_board(codex_home, BASE + 5 * 3600 + 60)
    (notice,) = due_notices(shown, (75, 90, 95), notify_resets=True, notes=notes).notices
    assert "At this pace: runs out ~" in notice.body
    # The reset's time once, in "It resets at …": the pace adds only what is new.
    assert notice.body.endswith(" before the reset.")
    assert "(resets" not in notice.body
    day = notice.body.split("runs out ~", 1)[1][:3]
    assert day[:1].isupper() or day[:1].isdigit(), notice.body


def test_entries_of_the_wrong_type_make_the_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    entry = {
        "limit_id": "codex",
        "minutes": 300,
        "slot": "",
        "resets_at": None,
        "event": "used_75",
        "at": 1.0,
    }
    path.write_text(json.dumps({"schema": 1, "said": [entry]}))
    notes = NotificationLog(path)
    assert notes.entries == []
    assert notes.problem is not None
    assert look(path, board(80)) != []


def test_a_deeply_nested_history_file_is_kept_aside(tmp_path: Path) -> None:
    """100,000 nested arrays make Python's json raise RecursionError: refused like any other
    broken file, never a crash at start."""
    path = tmp_path / "notifications.json"
    data = b"[" * 100_000 + b"]" * 100_000
    path.write_bytes(data)
    notes = NotificationLog(path)
    assert notes.entries == []
    assert notes.problem is not None
    (backup,) = tmp_path.glob("notifications.json.corrupt-*")
    assert backup.read_bytes() == data


def test_a_history_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    entry = {
        "limit_id": "codex",
        "minutes": 300,
        "slot": "primary",
        "resets_at": NOW + 3600,
        "event": "used_75",
        "at": NOW,
    }
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"schema": 1, "said": [entry]}).encode())
    notes = NotificationLog(path)
    assert notes.problem is None
    assert [said.event for said in notes.entries] == ["used_75"]


def test_a_hostile_reading_is_told_as_a_percent(tmp_path: Path) -> None:
    """A used share far past 100 (or below 0) is told as Codex shows it, clamped: never a
    300-digit number in a notification."""
    notes = NotificationLog(tmp_path / "n.json")
    (notice,) = due_notices(board(1e308), (75, 90, 95), notify_resets=True, notes=notes).notices
    assert notice.body.startswith("Nothing is left of your 5h limit.")
    reset = due_notices(
        board(1e308, now=RESETS + 30), (75,), notify_resets=True, notes=notes
    ).notices
    assert [n.body[:26] for n in reset] == ["It was down to 0% left. It"]
    assert due_notices(board(-5), (75,), notify_resets=True, notes=notes).notices == ()


def test_notices_due_together_make_one_message_the_most_urgent_first(tmp_path: Path) -> None:
    """A tray shows one message at a time: the 5h window at 92 % used and the weekly one at
    76 %, crossed in the same look, are one notification led by the 5h one (a second message
    sent straight after would hide it)."""
    limits = LimitSnapshot(
        "codex",
        None,
        "plus",
        NOW - 30,
        (UsageWindow(10_080, 76.0, NOW + 86_400), UsageWindow(300, 92.0, RESETS)),
    )
    notes = NotificationLog(tmp_path / "notifications.json")
    due = due_notices(dashboard(limit=limits), (75, 90, 95), notify_resets=True, notes=notes)
    assert len(due.notices) == 2
    message = one_message(due.notices)
    assert message is not None
    title, body = message
    assert title == "Codex: 10% or less of your 5h limit left"
    assert body.startswith("8% of your 5h limit is left (92% used).")
    assert body.endswith("\nAlso: 25% or less of your weekly limit left.")
    assert one_message(due.notices[:1]) == (due.notices[0].title, due.notices[0].body)
    assert one_message(()) is None


def test_reached_again_after_an_early_reset(codex_home: CodexHome, tmp_path: Path) -> None:
    """Used up, reset early (the reset time stays), used up again: each is said, and all
    three notices are about one window (in the window, each replaces the one before)."""
    week_reset = BASE + 3 * 86400
    path = tmp_path / "notifications.json"
    turns = [Turn(BASE + 600, 1000, None, weekly=100.0, weekly_resets_at=week_reset)]
    topics = set()
    for at, used, said in (
        (BASE + 700, None, "Codex: your weekly limit is reached"),
        (BASE + 3700, 0.0, "Codex: your weekly limit has reset"),
        (BASE + 7300, 100.0, "Codex: your weekly limit is reached"),
    ):
        if used is not None:
            turns.append(Turn(at - 100, 1000, None, weekly=used, weekly_resets_at=week_reset))
        write_session(codex_home, SID, turns, resets_at=None, jitter=False)
        notes = NotificationLog(path)
        due = due_notices(history_board(codex_home, at), (75,), notify_resets=True, notes=notes)
        assert [notice.title for notice in due.notices] == [said]
        topics.update(notice.topic for notice in due.notices)
        notes.record(due.said, at)
    assert len(topics) == 1


OTHER = "019d0000-0000-7000-8000-0000000000e2"


def test_a_second_early_reset_soon_after_the_first_is_announced(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Used up, reset early, used to 80 % within a minute and reset early again 90 s after the
    first: two resets, each announced (the second was taken for the first, its moment within
    the 2 minutes that only Codex's jitter of a reset time deserves)."""
    week_reset = BASE + 3 * 86400
    path = tmp_path / "notifications.json"
    turns: list[Turn] = []
    for at, used, said in (
        (BASE + 600, 100.0, ["Codex: your weekly limit is reached"]),
        (BASE + 3600, 0.0, ["Codex: your weekly limit has reset"]),
        (BASE + 3630, 40.0, []),
        (BASE + 3660, 80.0, ["Codex: 25% or less of your weekly limit left"]),
        (BASE + 3690, 1.0, ["Codex: your weekly limit has reset"]),
        (BASE + 3720, 2.0, []),
    ):
        turns.append(Turn(at, 1000, None, weekly=used, weekly_resets_at=week_reset))
        write_session(codex_home, SID, turns, resets_at=None, jitter=False)
        assert look(path, history_board(codex_home, at + 5)) == said, at
    assert look(path, history_board(codex_home, BASE + 3800)) == []


@pytest.mark.parametrize("late_by", [30, 300])
def test_a_late_reading_of_the_old_window_is_no_second_reset(
    codex_home: CodexHome, tmp_path: Path, late_by: float
) -> None:
    """Two sessions: B's request is answered after an early reset (2 % used), A's reply to a
    request sent before it is logged after B's, with the old window's 81 %, then B reads 3 %.
    One reset, said once, and no "25 % left" for the old window's reading, whether A's line
    came 30 s or 5 minutes late."""
    week_reset = BASE + 3 * 86400
    path = tmp_path / "notifications.json"
    reset_at = BASE + 3600
    a_turns = [Turn(BASE + 600, 1000, None, weekly=80.0, weekly_resets_at=week_reset)]
    b_turns = [Turn(reset_at, 1000, None, weekly=2.0, weekly_resets_at=week_reset)]
    write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 700)) != []
    write_session(codex_home, OTHER, b_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, reset_at + 10)) == [
        "Codex: your weekly limit has reset"
    ]
    late = reset_at + late_by
    a_turns.append(Turn(late, 1000, None, weekly=81.0, weekly_resets_at=week_reset))
    write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, late + 5)) == []
    b_turns.append(Turn(late + 20, 1000, None, weekly=3.0, weekly_resets_at=week_reset))
    write_session(codex_home, OTHER, b_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, late + 25)) == []
    assert look(path, history_board(codex_home, late + 600)) == []


def _weekly(at: float, used: float) -> Turn:
    return Turn(at, 1000, None, weekly=used, weekly_resets_at=BASE + 3 * 86400)


def _shown(board: Dashboard) -> tuple[float, str | None]:
    """The weekly use the window shows, and the session it comes from."""
    assert board.limits is not None
    return board.limits.windows[0].used_percent, board.limits.source_session_id


def test_a_late_lower_reading_is_no_reset(codex_home: CodexHome, tmp_path: Path) -> None:
    """A reads 70 %, then 80 % (said: 25 % left); B's reply to a request answered a while
    ago is logged a minute later with 74 %, then A reads 81 % and 82 %: no reset is said
    (the use never fell), no second "25 % left", and the window keeps showing A's reading."""
    path = tmp_path / "notifications.json"
    a_turns = [_weekly(BASE + 1200, 70.0), _weekly(BASE + 2400, 80.0)]
    write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 2410)) == [
        "Codex: 25% or less of your weekly limit left"
    ]
    write_session(codex_home, OTHER, [_weekly(BASE + 2460, 74.0)], resets_at=None, jitter=False)
    shown = history_board(codex_home, BASE + 2470)
    assert look(path, shown) == []
    assert _shown(shown) == (80.0, SID)
    for at, used in ((BASE + 2520, 81.0), (BASE + 2700, 82.0)):
        a_turns.append(_weekly(at, used))
        write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
        assert look(path, history_board(codex_home, at + 10)) == [], at


def test_an_early_reset_is_said_once_a_newer_reading_confirms_it(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A reads 78 %, then 80 %; B reads 2 % a minute later: a reset or a late reply, nothing
    tells yet, so nothing is said and the window shows A's 80 %. A's reply to a request sent
    before B's is logged with 81 % (it may be older than B's: it tells nothing), then B reads
    3 %: the reset is said, with B's reading, and A's 81 % is neither shown nor a new
    "25 % left"."""
    path = tmp_path / "notifications.json"
    a_turns = [_weekly(BASE + 1200, 78.0), _weekly(BASE + 1800, 80.0)]
    b_turns = [_weekly(BASE + 1860, 2.0)]
    write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 1810)) != []
    write_session(codex_home, OTHER, b_turns, resets_at=None, jitter=False)
    shown = history_board(codex_home, BASE + 1870)
    assert look(path, shown) == []
    assert _shown(shown) == (80.0, SID)
    a_turns.append(_weekly(BASE + 1890, 81.0))
    write_session(codex_home, SID, a_turns, resets_at=None, jitter=False)
    assert look(path, history_board(codex_home, BASE + 1900)) == []
    b_turns.append(_weekly(BASE + 1920, 3.0))
    write_session(codex_home, OTHER, b_turns, resets_at=None, jitter=False)
    shown = history_board(codex_home, BASE + 1930)
    notes = NotificationLog(path)
    (notice,) = due_notices(shown, (75, 90, 95), notify_resets=True, notes=notes).notices
    assert notice.title == "Codex: your weekly limit has reset"
    assert notice.body == "It was down to 20% left. Codex now reports 97% left."
    assert _shown(shown) == (3.0, OTHER)
    assert look(path, shown) == ["Codex: your weekly limit has reset"]
    assert look(path, history_board(codex_home, BASE + 2000)) == []


@pytest.mark.parametrize("moved", [-2 * 3600, 3600])
def test_a_reset_time_the_server_moves_is_the_same_window(
    codex_home: CodexHome, tmp_path: Path, moved: float
) -> None:
    """The server moves the 5h reset (earlier or later, the use still rising): the history
    keeps one period across the move, and the crossing said under the old time is not said
    again (a soak test heard "25% or less" twice within a minute)."""
    old_reset = BASE + 4 * 3600
    path = tmp_path / "notifications.json"
    turns = [
        Turn(BASE + 600, 1000, 70.0, resets_at=old_reset),
        Turn(BASE + 1200, 1000, 76.0, resets_at=old_reset),
    ]
    write_session(codex_home, SID, turns, resets_at=old_reset, jitter=False)
    assert look(path, history_board(codex_home, BASE + 1300)) == [
        "Codex: 25% or less of your 5h limit left"
    ]
    turns.append(Turn(BASE + 1800, 1000, 77.0, resets_at=old_reset + moved))
    write_session(codex_home, SID, turns, resets_at=old_reset, jitter=False)
    assert look(path, history_board(codex_home, BASE + 1900)) == []
    # The next threshold of the same window is still news.
    turns.append(Turn(BASE + 2400, 1000, 91.0, resets_at=old_reset + moved))
    write_session(codex_home, SID, turns, resets_at=old_reset, jitter=False)
    assert look(path, history_board(codex_home, BASE + 2500)) == [
        "Codex: 10% or less of your 5h limit left"
    ]
