"""Notifications: once per threshold crossing and per reset, also across restarts."""

from __future__ import annotations

from pathlib import Path

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.core.notifications import NotificationLog, due_notices
from tests.helpers.snapshots import NOW, dashboard

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
    assert look(path, board(76)) == ["Codex: less than 25 % of your 5h limit left"]
    assert look(path, board(80)) == []  # same crossing, new reading
    assert look(path, board(80, resets_at=RESETS + 3)) == []  # jitter: the same window
    assert look(path, board(91)) == ["Codex: less than 10 % of your 5h limit left"]
    # Each look opens the file afresh: a restart would not repeat anything either.
    assert look(path, board(91)) == []


def test_a_jump_past_several_thresholds_says_the_highest(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(96)) == ["Codex: less than 5 % of your 5h limit left"]
    assert look(path, board(97)) == []


def test_the_next_window_is_announced_again(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    assert look(path, board(80)) != []
    later = RESETS + 5 * 3600
    assert look(path, board(80, resets_at=later, now=RESETS + 60)) == [
        "Codex: less than 25 % of your 5h limit left"
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
    assert look(path, board(55), (50,)) == ["Codex: less than 50 % of your 5h limit left"]


def test_the_body_says_what_is_left_and_when_it_resets(tmp_path: Path) -> None:
    notes = NotificationLog(tmp_path / "n.json")
    (notice,) = due_notices(board(91), (75, 90, 95), notify_resets=True, notes=notes).notices
    assert notice.body.startswith("You have used 91 % of your 5h limit (9 % left). It resets at ")
    assert notice.body.endswith("in 1h 0m.")


def test_a_broken_history_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "notifications.json"
    path.write_text("{ not json")
    notes = NotificationLog(path)
    assert notes.entries == []
    assert notes.problem is not None
    (backup,) = tmp_path.glob("notifications.json.corrupt-*")
    assert backup.read_text() == "{ not json"
    assert look(path, board(80)) != []  # and it works from scratch
