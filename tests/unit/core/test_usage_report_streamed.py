"""A session report written as it is read (``streamed_session_report``) is the report made
whole (``report_from_rows``), byte for byte, and holds only the sessions not yet ended."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from codex_presence_gui.core.pricing import Pricer, PriceSpan, UnitPrices
from codex_presence_gui.core.usage_index import SessionSlotRow, UsageIndex
from codex_presence_gui.core.usage_report import (
    UsageReport,
    UsageRow,
    counted_runs,
    report_from_rows,
    report_json_text,
    report_text_lines,
    streamed_session_report,
    write_report_csv,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.usage import usage_lines, usage_session_id

#: Clocks went back at 00:01 here (until 2011): 2010-11-07 00:00 came, then 2010-11-06 23:01
#: again, so that the quarter hours of 2010-11-06 are two runs.
ST_JOHNS = ZoneInfo("America/St_Johns")
FALL_BACK = datetime(2010, 11, 7, 2, 0, tzinfo=UTC).timestamp()  # 23:30 on the 6th there


class _Prices:
    """Prices for every day (the library is never asked); ``mystery`` has none. Odd unit
    prices, so that sums of costs in another order end in other digits."""

    def load_prices(self, library: str) -> list[PriceSpan]:
        units = UnitPrices(Decimal("0.0000013"), Decimal("0.00000031"), Decimal("0.0000107"))
        return [
            PriceSpan("gpt-5.3-codex", False, "", "2000-01-01", None, units),
            PriceSpan("mystery", False, "", "2000-01-01", None, None),
        ]

    def save_price(self, library: str, span: PriceSpan) -> None:
        pass


def _write(
    home: CodexHome, session: str, calls: list[tuple[float, int, int, int]], **kw: str
) -> None:
    cwd, model = kw.get("cwd", "/w/shop"), kw.get("model", "gpt-5.3-codex")
    lines = usage_lines(session, calls, cwd=cwd, model=model)
    home.write(session, lines, started=calls[0][0] - 60, mtime=calls[-1][0])


def _calls(start: float, count: int, seed: int) -> list[tuple[float, int, int, int]]:
    return [
        (start + 37 * n, 1013 + 7919 * seed * 10**n, 400 + 13 * n, 90 + seed + n)
        for n in range(count)
    ]


def _home(home: CodexHome) -> list[str]:
    """Sessions over three days and over the night St. John's clocks went back: calls that
    end at the same second in two sessions (placed by their ids, the later-begun one first),
    a session resumed days later in a file of its own, another with a second file of a model
    without a price, projects in two folders."""
    for n in range(14):
        _write(home, usage_session_id(n), _calls(BASE + 1100 * n, 3 + n % 4, n))
    tie_at = BASE + 50_000
    _write(home, usage_session_id(0xBB), [(tie_at - 3000, 5000, 100, 10), (tie_at, 7, 1, 1)])
    _write(home, usage_session_id(0xAA), [(tie_at - 100, 6000, 200, 20), (tie_at, 9, 2, 2)])
    resumed = usage_session_id(0xCC)
    _write(home, resumed, _calls(BASE + 500, 4, 3), cwd="/w/docs")
    _write(home, resumed, _calls(BASE + 3 * 86_400, 2, 5), cwd="/w/docs")
    mixed = usage_session_id(0xDD)
    _write(home, mixed, _calls(BASE + 86_400, 3, 6))
    _write(home, mixed, _calls(BASE + 86_400 + 7200, 2, 8), model="mystery")
    for n in range(8):  # 02:00 to 03:45 UTC: 23:30 on the 6th, then the 7th, then the 6th
        _write(home, usage_session_id(0x100 + n), _calls(FALL_BACK + 60 + 900 * n, 2, n))
    _write(
        home, usage_session_id(0x1FF), _calls(FALL_BACK + 60, 2, 9) + _calls(FALL_BACK + 2000, 2, 9)
    )
    return [str(home.root)]


def _held(
    index: UsageIndex, homes: list[str], zone: tzinfo, since: date | None, until: date | None
) -> UsageReport:
    return report_from_rows(
        "session",
        index.slot_rows(homes),
        {},
        zone=zone,
        since=since,
        until=until,
        pricer=Pricer(store=_Prices()),
        projects=index.slot_projects(homes),
        starts=index.session_starts(homes),
    )


def _streamed(
    index: UsageIndex, homes: list[str], zone: tzinfo, since: date | None, until: date | None
) -> UsageReport:
    runs = counted_runs(index.slot_values(), zone, since, until)
    return streamed_session_report(
        index.session_rows(homes, runs),
        zone=zone,
        since=since,
        until=until,
        pricer=Pricer(store=_Prices()),
        projects=index.slot_projects(homes),
    )


def _outputs(
    report: UsageReport, zone: tzinfo, dates: tuple[date | None, date | None], form: str
) -> str:
    if form == "json":
        return "".join(report_json_text(report, zone, dates))
    if form == "csv":
        out = io.StringIO()
        write_report_csv(report, zone, out)
        return out.getvalue()
    breakdown = form == "breakdown"
    lines = report_text_lines(report, 100, zone, dates, date(2026, 5, 4), breakdown=breakdown)
    return "\n".join(lines)


def _sums(row: UsageRow) -> list[tuple[object, ...]]:
    """A row's tallies, its own then its models', without their sessions (the totals of a
    report written as it is read count them, and hold none)."""
    tallies = [("", row.tally), *sorted(row.models.items())]
    return [(model, *tally._values()[:-1]) for model, tally in tallies]


_DAYS = {
    "all": (None, None),
    "from the second day": (date(2026, 5, 5), None),
    "up to the first day": (None, date(2026, 5, 4)),  # the resumed session ends earlier
    "the night the clocks went back": (date(2010, 11, 6), date(2010, 11, 6)),
    "no day with calls": (date(2030, 1, 1), None),
}


@pytest.mark.parametrize("zone", [UTC, ST_JOHNS], ids=["UTC", "St_Johns"])
@pytest.mark.parametrize("days", list(_DAYS))
def test_a_session_report_written_as_it_is_read_is_the_one_made_whole(
    codex_home: CodexHome, tmp_path: Path, zone: tzinfo, days: str
) -> None:
    homes = _home(codex_home)
    since, until = _DAYS[days]
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update(homes)
        held = _held(index, homes, zone, since, until)
        for form in ("json", "csv", "text", "breakdown"):
            streamed = _streamed(index, homes, zone, since, until)
            assert _outputs(streamed, zone, (since, until), form) == _outputs(
                held, zone, (since, until), form
            ), form
            # The totals' cost to its last digit: added call by call in the same order.
            assert _sums(streamed.totals) == _sums(held.totals)
            assert streamed.unpriced_models == held.unpriced_models
            assert streamed.counted_sessions == len(held.rows)
    if days == "all":
        assert len(held.rows) == 27
        costs = [row.tally.cost_usd or 0.0 for row in held.rows]
        # The data can tell the orders apart: the rows' costs summed by session are not the
        # totals' cost, summed call by call in the order of the quarter hours.
        assert sum(costs) != held.totals.tally.cost_usd


def test_the_night_a_clock_went_back_is_two_runs_of_quarter_hours() -> None:
    slots = [int(FALL_BACK) + 900 * n for n in range(8)]  # 23:30 on the 6th, ..., 00:15 7th
    day = date(2010, 11, 6)
    assert counted_runs(slots, ST_JOHNS, None, None) == [(slots[0], slots[-1])]
    assert counted_runs(slots, ST_JOHNS, day, day) == [(slots[0], slots[1]), (slots[3], slots[5])]
    assert counted_runs(slots, ST_JOHNS, date(2010, 11, 7), None) == [
        (slots[2], slots[2]),
        (slots[6], slots[7]),
    ]
    # A time no date can be made of (year 10000 and on) is never counted.
    late = 253_402_300_800
    assert counted_runs([*slots, late], UTC, None, None) == [(slots[0], slots[-1])]
    assert counted_runs([], UTC, None, None) == []


def test_each_session_is_given_as_soon_as_its_rows_end(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The first session comes out while most of the index's rows are still to be read."""
    homes = _home(codex_home)
    read = []

    def recording(rows: Iterator[SessionSlotRow]) -> Iterator[SessionSlotRow]:
        for row in rows:
            read.append(row)
            yield row

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update(homes)
        runs = counted_runs(index.slot_values(), UTC, None, None)
        every = list(index.session_rows(homes, runs))
        report = streamed_session_report(
            recording(index.session_rows(homes, runs)),
            zone=UTC,
            projects=index.slot_projects(homes),
        )
        assert report.unread is not None
        seen = [(row.key, len(read)) for row in report.unread]
    assert len(seen) == 27
    assert seen[0][1] < len(every) / 4  # (the first session's rows, and those beside them)
    assert [read_then for _, read_then in seen] == sorted(read_then for _, read_then in seen)


def _rows(sessions: int) -> Iterator[SessionSlotRow]:
    """The index's rows of ``sessions`` sessions of three quarter hours each, 50 beginning in
    each quarter hour: few at a time."""
    for slot_number in range(sessions // 50 + 3):
        slot = 1_700_000_100 + 900 * slot_number
        for n in range(max(0, 50 * (slot_number - 2)), min(sessions, 50 * (slot_number + 1))):
            session = f"{n:08d}-0000-7000-8000-000000000000"
            yield (slot, session, "shop", "gpt-5.3-codex", 0, 1, 900, 300, 40, 10, 940,
                   "", slot + 600.0, None, n + 1, 3, None)  # fmt: skip


def test_a_session_report_holds_only_the_sessions_not_yet_ended() -> None:
    """5,000 sessions, written as CSV: the 150 sessions begun and not ended at any time held
    (and what is kept for each quarter hour), where the report made whole holds a row,
    tallies and models for each session (1 KB each)."""
    zone = UTC
    pairs = {("shop", None)}

    def peak(make: Callable[[], UsageReport]) -> int:
        tracemalloc.start()
        try:
            write_report_csv(make(), zone, _Sink())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = peak(
        lambda: report_from_rows(
            "session", (row[:14] for row in _rows(5000)), {}, zone=zone, projects=pairs
        )
    )
    made: list[UsageReport] = []
    streamed = peak(
        lambda: (
            made.append(streamed_session_report(_rows(5000), zone=zone, projects=pairs)) or made[0]
        )
    )
    assert made[0].counted_sessions == 5000
    assert whole > 3_000_000
    assert streamed < 400_000


class _Sink(io.TextIOBase):
    """Text written and dropped."""

    def write(self, text: str) -> int:
        return len(text)


def test_sums_past_64_bits_are_reported_whole_as_before(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Totals past JSON's 64 bits (hostile logs only) have the whole document written by the
    json module, its floats its way ("2e-06", not orjson's "2e-6"): known only at the end of
    a report written as it is read, so such a report is made whole, as it was."""
    import contextlib

    from codex_presence_gui import paths
    from codex_presence_gui.cli import main
    from codex_presence_gui.core.usage_index import INDEX_NAME

    monkeypatch.setenv(paths.BASE_DIR_ENV, str(tmp_path / "app"))
    _write(codex_home, usage_session_id(1), [(BASE, 1, 0, 0)])  # a cost of a few millionths
    huge = 2**53 - 1  # the most a token field may hold: a session's 1,000 calls are < 2**63
    for n in range(2, 5):
        session = usage_session_id(n)
        lines = usage_lines(session, [(BASE + 1000 * n, 1, 0, 0)], cwd="/w", model="mystery")
        for call in range(1000):  # (the running total told apart, each in range)
            at, total = BASE + 1000 * n + call / 2, r.usage(huge, 0, 0, total=huge - call)
            lines.append(r.token_count(at, total, r.usage(huge, 0, 0)))
        codex_home.write(session, lines, started=BASE + 1000 * n - 60)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        args = ["report", "session", "--json", "--timezone", "UTC"]
        assert main([*args, "--codex-home", str(codex_home.root)]) == 0
    homes = [str(codex_home.root)]
    with UsageIndex(Path(paths.folder("cache")) / INDEX_NAME) as index:
        assert index.largest_sum() > 2**64
        whole = report_from_rows(
            "session",
            index.slot_rows(homes),
            {},
            zone=UTC,
            pricer=Pricer(store=index),
            projects=index.slot_projects(homes),
            starts=index.session_starts(homes),
        )
    assert out.getvalue() == "".join(report_json_text(whole, UTC)) + "\n"
    assert "e-06" in out.getvalue()


def test_sqlite_places_every_session_before_it_gives_the_first_row(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The rows are ordered whole (a sort of SQLite's, in its temporary files past its
    cache): every page is read within ``session_rows``' call, so that damage met there is
    rebuilt by ``repaired`` before any of the report is written."""
    from codex_presence_gui.core.usage_index import _session_rows_query

    homes = _home(codex_home)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update(homes)
        query, parameters = _session_rows_query(homes, [(0, 2**40)])
        plan = index._db.execute("EXPLAIN QUERY PLAN " + query, parameters).fetchall()
    outer = [step[3] for step in plan if step[1] == 0]
    assert outer[-1] == "USE TEMP B-TREE FOR ORDER BY"


def test_the_price_source_is_said_as_it_is_once_the_prices_are_asked(
    codex_home: CodexHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A price not kept is asked of the library as the rows are read; should the library
    then fail to import, the report says its prices are unavailable, as the report made
    whole does, not the library's version it had when it began."""

    def broken(pricer: Pricer) -> None:
        pricer._unavailable = "the genai-prices package cannot be imported: broken"

    monkeypatch.setattr(Pricer, "_load", broken)
    _write(codex_home, usage_session_id(1), _calls(BASE, 2, 1))
    _write(codex_home, usage_session_id(2), _calls(BASE + 900, 2, 2), model="gpt-4.1")
    homes = [str(codex_home.root)]
    dates: tuple[date | None, date | None] = (None, None)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update(homes)
        held = _held(index, homes, UTC, *dates)
        assert held.price_source.startswith("unavailable (")
        for form in ("json", "text"):
            streamed = _streamed(index, homes, UTC, *dates)
            assert _outputs(streamed, UTC, dates, form) == _outputs(held, UTC, dates, form), form
