"""The last 30 local days read from the usage index: the three reports the window shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from codex_presence_gui.core.usage_index import UsageIndex
from codex_presence_gui.core.usage_recent import (
    PERIOD_DAYS,
    RECENT_DAYS,
    first_day,
    period_days,
    read_recent,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.usage import usage_session_id, write_usage_session

UTC = UTC
NOW = datetime(2026, 5, 20, 15, 0, tzinfo=UTC).timestamp()
DAY = 86400


def test_the_thirty_days_by_day_project_and_model(codex_home: CodexHome, tmp_path: Path) -> None:
    """Days of the zone up to today; the 31st day back is left out; no prices: no costs."""
    write_usage_session(codex_home, 1, [(NOW - 60, 1000, 100, 10), (NOW - 2 * DAY, 2000, 0, 20)])
    write_usage_session(codex_home, 2, [(NOW - 29 * DAY, 500, 0, 5)], cwd="/w/api", model="gpt-5.5")
    write_usage_session(codex_home, 3, [(NOW - 30 * DAY, 7000, 0, 0)], cwd="/w/old")
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        recent = read_recent(index, [codex_home.root], now=NOW, zone=UTC, pricer=None)
    assert recent.today == date(2026, 5, 20)
    assert recent.recorded
    assert not recent.building
    assert recent.daily is not None
    assert recent.projects is not None
    assert recent.models is not None
    assert [row.key for row in recent.daily.rows] == ["2026-04-21", "2026-05-18", "2026-05-20"]
    assert recent.daily.totals.tally.total == 1010 + 2020 + 505
    assert recent.daily.totals.tally.cost_usd is None
    assert [row.key for row in recent.projects.rows] == ["shop", "api"]
    assert [row.key for row in recent.models.rows] == ["gpt-5.3-codex", "gpt-5.5"]
    assert recent.generated_at == NOW


def test_days_are_the_zones() -> None:
    """Thirty days, today included."""
    assert first_day(date(2026, 5, 20)) == date(2026, 5, 20) - timedelta(days=RECENT_DAYS - 1)


def test_a_call_late_in_the_evening_counts_on_that_local_day(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """23:30 UTC is already tomorrow two hours east."""
    east = timezone(timedelta(hours=2))
    write_usage_session(codex_home, 1, [(NOW + 8.5 * 3600, 1000, 0, 0)])
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        utc = read_recent(index, [codex_home.root], now=NOW + DAY, zone=UTC, pricer=None)
        local = read_recent(index, [codex_home.root], now=NOW + DAY, zone=east, pricer=None)
    assert utc.daily is not None
    assert local.daily is not None
    assert [row.key for row in utc.daily.rows] == ["2026-05-20"]
    assert [row.key for row in local.daily.rows] == ["2026-05-21"]


def test_a_tz_the_system_lacks_is_kept_with_the_days(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TZ=Mars/Olympus`` makes the local zone UTC (``local_zone``): the days read say which
    setting they stand in for, so that the page can say it; a zone of its own says none."""
    from codex_presence_gui.core.zones import local_zone

    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/Olympus")
    write_usage_session(codex_home, 1, [(NOW - 60, 1000, 0, 0)])
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        fallen = read_recent(index, [codex_home.root], now=NOW, zone=local_zone(), pricer=None)
        given = read_recent(
            index, [codex_home.root], now=NOW, zone=timezone(timedelta(hours=2)), pricer=None
        )
    assert fallen.unknown_zone == "Mars/Olympus"
    assert given.unknown_zone is None


def test_a_session_without_a_call_is_no_usage_recorded(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """A first turn still running (its reading written, no response yet) is a session but
    no usage: the page says none is recorded yet, rather than none in the last 30 days
    with a report of every day to look at (which has none either). A call 40 days ago is."""
    session_id = usage_session_id(1)
    lines = [
        r.session_meta(NOW - 120, session_id),
        r.turn_context(NOW - 119),
        r.token_count(NOW - 118, None, None, r.limits()),
    ]
    codex_home.write(session_id, lines, started=NOW - 120)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        first_turn = read_recent(index, [codex_home.root], now=NOW, zone=UTC, pricer=None)
        write_usage_session(codex_home, 2, [(NOW - 40 * DAY, 1000, 0, 10)])
        index.update([codex_home.root])
        older = read_recent(index, [codex_home.root], now=NOW, zone=UTC, pricer=None)
    assert not first_turn.recorded
    assert older.recorded


def test_the_index_says_whether_a_home_has_sessions_and_calls(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """``has_sessions`` answers what ``sessions`` would, without reading them all: none in
    an empty index or of another home; a session without a call counts only as a session."""
    session_id = usage_session_id(1)
    lines = [r.session_meta(NOW - 120, session_id), r.turn_context(NOW - 119)]
    other = tmp_path / "elsewhere"
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        home = [codex_home.root]
        assert not index.has_sessions(home)
        codex_home.write(session_id, lines, started=NOW - 120)
        index.update(home)
        assert index.has_sessions(home)
        assert not index.has_sessions(home, with_calls=True)
        assert not index.has_sessions([other])
        write_usage_session(codex_home, 2, [(NOW - DAY, 1000, 0, 10)])
        index.update(home)
        assert index.has_sessions(home, with_calls=True)
        assert not index.has_sessions([other], with_calls=True)
        assert index.has_sessions(home) == bool(index.sessions(home))


@pytest.mark.parametrize(("days", "first"), [(7, "2026-05-14"), (90, "2026-02-20")])
def test_a_period_of_7_or_90_days(
    codex_home: CodexHome, tmp_path: Path, days: int, first: str
) -> None:
    """The period asked for, today included: a call on its first day is in, one the day
    before it is out; the reports say which period they are."""
    write_usage_session(codex_home, 1, [(NOW - 60, 1000, 0, 0)])
    write_usage_session(codex_home, 2, [(NOW - (days - 1) * DAY, 200, 0, 0)], cwd="/w/first")
    write_usage_session(codex_home, 3, [(NOW - days * DAY, 7000, 0, 0)], cwd="/w/before")
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update([codex_home.root])
        recent = read_recent(index, [codex_home.root], now=NOW, zone=UTC, pricer=None, days=days)
    assert recent.days == days
    assert recent.daily is not None
    assert recent.projects is not None
    assert [row.key for row in recent.daily.rows] == [first, "2026-05-20"]
    assert [row.key for row in recent.projects.rows] == ["shop", "first"]


@pytest.mark.parametrize(
    ("kept", "read"),
    [("7", 7), ("90", 90), (30, 30), ("365", 30), ("", 30), ("ninety", 30), (None, 30)],
)
def test_a_period_kept_that_is_none_of_the_choices_is_the_default(kept: object, read: int) -> None:
    """A period written by another version, or by hand, reads as 30 days."""
    assert period_days(kept) == read
    assert read in PERIOD_DAYS
