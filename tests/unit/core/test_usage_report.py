"""Usage reports: rows by day, week, month, session, project and model; prices; output forms."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.models import TokenUsage
from codex_presence_gui.core.pricing import PriceKey, Pricer, PriceSpan, UnitPrices
from codex_presence_gui.core.sanitize import text_cells
from codex_presence_gui.core.session import repository_id
from codex_presence_gui.core.usage_index import SessionInfo, SlotUsage, UsageIndex
from codex_presence_gui.core.usage_report import (
    COST_LABEL,
    UsageReport,
    _cell,
    _not_a_formula,
    _zone_name,
    build_usage_report,
    money,
    report_csv,
    report_json,
    report_text,
)
from codex_presence_gui.core.zones import _system_zone_key, local_zone
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

UTC = UTC
PARIS = ZoneInfo("Europe/Paris")


def _at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def _slot(
    when: str,
    session: str,
    model: str,
    tokens: int,
    *,
    long: bool = False,
    project: str = "shop",
    last: str | None = None,
) -> SlotUsage:
    """One call in the quarter hour from ``when``, made at ``last`` (default: a minute in)."""
    usage = TokenUsage(tokens, tokens // 2, tokens // 10, tokens // 20, tokens + tokens // 10)
    at = _at(last) if last is not None else _at(when) + 60
    return SlotUsage(_at(when), session, project, model, long, 1, usage, last_at=at)


SLOTS = [
    _slot("2026-11-23T10:00", "s1", "gpt-5.3-codex", 1000),  # a Monday
    _slot("2026-11-23T23:30", "s1", "gpt-5.3-codex", 2000),  # Tuesday 00:30 in Paris
    _slot("2026-11-29T12:00", "s2", "gpt-5.5", 4000, project="docs"),  # a Sunday
    _slot("2026-11-30T08:00", "s2", "mystery-model", 8000, project="docs"),  # next Monday
]
SESSIONS = {
    "s1": SessionInfo(
        "s1", "shop", "/w/shop", _at("2026-11-23T09:59"), _at("2026-11-23T23:31"), False
    ),
    "s2": SessionInfo(
        "s2", "docs", "/w/docs", _at("2026-11-29T11:00"), _at("2026-11-30T08:01"), False
    ),
}


class FixedPrices:
    """A price store that already knows every price of the days the slots fall on (the
    library is never asked)."""

    def __init__(self, slots: list[SlotUsage] = SLOTS) -> None:
        self.saved: list[PriceSpan] = []
        self.days = sorted(
            {datetime.fromtimestamp(slot.slot, UTC).date().isoformat() for slot in slots}
        )

    def load_prices(self, library: str) -> list[PriceSpan]:
        one = UnitPrices(Decimal("0.000001"), Decimal("0.0000001"), Decimal("0.00001"))
        first, last = self.days[0], self.days[-1]
        return [
            PriceSpan("gpt-5.3-codex", False, "", first, last, one),
            PriceSpan("gpt-5.5", False, "", first, last, one),
            PriceSpan("mystery-model", False, "", first, last, None),
        ]

    def save_price(self, library: str, span: PriceSpan) -> None:
        self.saved.append(span)


def _report(kind: str, zone=UTC, **options: object):  # type: ignore[no-untyped-def]
    return build_usage_report(
        kind, SLOTS, SESSIONS, zone=zone, pricer=Pricer(store=FixedPrices()), **options
    )  # type: ignore[arg-type]


def test_days_follow_the_time_zone() -> None:
    assert [row.key for row in _report("daily").rows] == ["2026-11-23", "2026-11-29", "2026-11-30"]
    paris = _report("daily", PARIS)
    assert [row.key for row in paris.rows] == [
        "2026-11-23",
        "2026-11-24",
        "2026-11-29",
        "2026-11-30",
    ]
    assert paris.timezone == "Europe/Paris"


def test_weeks_start_on_monday_and_months_are_calendar_months() -> None:
    assert [row.key for row in _report("weekly").rows] == ["2026-11-23", "2026-11-30"]
    assert [row.key for row in _report("monthly").rows] == ["2026-11"]


def test_since_and_until_are_inclusive_local_dates() -> None:
    rows = _report("daily", since=date(2026, 11, 29), until=date(2026, 11, 29)).rows
    assert [row.key for row in rows] == ["2026-11-29"]


def test_session_project_and_model_rows() -> None:
    sessions = _report("session").rows
    assert [(row.key, row.project) for row in sessions] == [("s1", "shop"), ("s2", "docs")]
    assert sessions[0].started_at == SESSIONS["s1"].started_at
    projects = _report("project").rows
    assert [row.key for row in projects] == ["docs", "shop"]  # most tokens first
    models = {row.key: row for row in _report("model").rows}
    assert set(models) == {"gpt-5.3-codex", "gpt-5.5", "mystery-model"}


def test_costs_and_unpriced_models() -> None:
    report = _report("daily")
    first = report.rows[0].tally
    # 3000 input of which 1500 cached, 300 output: 1500 * 1e-6 + 1500 * 1e-7 + 300 * 1e-5.
    assert first.cost_usd == pytest.approx(0.0015 + 0.00015 + 0.003)
    assert first.savings_usd == pytest.approx(1500 * (1e-6 - 1e-7))
    assert report.rows[-1].tally.cost_usd is None  # only an unpriced model that day
    assert report.unpriced_models == ["mystery-model"]
    assert report.totals.tally.calls == 4


def test_json_document() -> None:
    data = report_json(_report("session"), UTC)
    assert data["schema"] == 1
    assert data["report"] == "session"
    assert data["prices"]["unpriced_models"] == ["mystery-model"]
    assert data["prices"]["cost"] == COST_LABEL
    row = data["rows"][0]
    for key in (
        "key",
        "input_tokens",
        "cached_input_tokens",
        "output_tokens",
        "reasoning_output_tokens",
        "total_tokens",
        "cost_usd",
        "sessions",
        "models",
        "project",
        "started_at",
        "last_at",
    ):
        assert key in row
    assert row["input_tokens"] == 3000
    assert row["cached_input_tokens"] == 1500
    assert row["started_at"] == "2026-11-23T09:59:00+00:00"
    assert json.loads(json.dumps(data)) == data


def _odd_slots() -> list[SlotUsage]:
    """Slots whose document the fast writer hands to orjson: a cost that Python writes with
    an exponent (orjson does not), and names that are not ASCII."""
    tiny = TokenUsage(7, 0, 1, 0, 8)  # 7 µ$ + 10 µ$: 1.7e-05
    return [
        *SLOTS,
        SlotUsage(_at("2026-11-30T09:00"), "s3", "équipe 项目", "gpt-5.5", False, 1, tiny),
        SlotUsage(_at("2026-11-30T09:15"), "s4", "\u202eevil", "gpt-5.3-codex", False, 1, tiny),
    ]


@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly", "session", "project", "model"])
@pytest.mark.parametrize("case", ["plain", "odd", "empty", "past 64 bits"])
def test_json_written_a_row_at_a_time_is_the_whole_document(kind: str, case: str) -> None:
    """``report --json`` writes its rows one at a time (100,000 sessions are a 72 MB
    document): the pieces are the document's text, byte for byte, whatever writes it."""
    from codex_presence_gui.core.jsontext import indented_json
    from codex_presence_gui.core.usage_report import report_json_text

    slots = _odd_slots() if case == "odd" else [] if case == "empty" else SLOTS
    if case == "past 64 bits":
        huge = TokenUsage(2**63, 0, 2**62, 0, 2**63 + 2**62)
        slots = [
            *SLOTS,
            *(
                SlotUsage(_at("2026-11-30T10:00"), s, "p", "m", False, 1, huge)
                for s in ("s5", "s6")
            ),
        ]
    pricer = Pricer(store=FixedPrices())
    report = build_usage_report(kind, slots, SESSIONS, zone=PARIS, pricer=pricer)
    dates = (date(2026, 11, 1), None)
    whole = indented_json(report_json(report, PARIS, dates))
    assert "".join(report_json_text(report, PARIS, dates)) == whole
    if case == "odd" and kind == "session":
        assert '"cost_usd": 0.000017,' in whole  # orjson's (Python writes 1.7e-05)
    if case == "past 64 bits":
        assert json.loads(whole)["totals"]["input_tokens"] > 2**64  # the json module's


def test_a_session_row_and_its_models_share_the_set_of_its_one_session() -> None:
    """One set a session, not one for the row and one for each model: with 100,000
    sessions those had taken 22 MB. The counts are the same."""
    report = _report("session")
    for row in report.rows:
        assert row.sessions == {row.key}
        assert all(tally.sessions is row.tally.sessions for tally in row.models.values())
    assert report.totals.sessions == {"s1", "s2"}
    assert [len(tally.sessions) for tally in report.totals.models.values()] == [1, 1, 1]


def test_csv_has_a_line_per_row_and_model() -> None:
    rows = list(csv.reader(io.StringIO(report_csv(_report("daily"), UTC))))
    assert rows[0][:2] == ["date", "model"]
    assert "cost_usd_api_equivalent" in rows[0]
    assert [row[:2] for row in rows[1:3]] == [
        ["2026-11-23", "gpt-5.3-codex"],
        ["2026-11-29", "gpt-5.5"],
    ]


def test_a_csv_column_sums_to_the_total() -> None:
    """No lines of totals: summed in a spreadsheet, a column gives the report's total (a
    total line per row had doubled it)."""
    report = _report("daily")
    lines = list(csv.DictReader(io.StringIO(report_csv(report, UTC))))
    assert len({line["model"] for line in lines}) > 1
    assert sum(int(line["total_tokens"]) for line in lines) == report.totals.tally.total
    assert sum(int(line["calls"]) for line in lines) == report.totals.tally.calls


def test_csv_counts_the_sessions_of_each_line() -> None:
    """A model's line counts the sessions that used that model, not all of the row's."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.3-codex", 1000),
        _slot("2026-11-23T11:00", "s2", "gpt-5.3-codex", 1000),
        _slot("2026-11-23T12:00", "s3", "gpt-5.5", 1000),
    ]
    report = build_usage_report("daily", slots, {}, zone=UTC)
    lines = list(csv.DictReader(io.StringIO(report_csv(report, UTC))))
    assert {line["model"]: line["sessions"] for line in lines} == {
        "gpt-5.3-codex": "2",
        "gpt-5.5": "1",
    }
    models = report_json(report, UTC)["rows"][0]["models"]
    assert {model: part["sessions"] for model, part in models.items()} == {
        "gpt-5.3-codex": 2,
        "gpt-5.5": 1,
    }


def test_a_model_csv_has_a_line_per_model_and_no_second_model_column() -> None:
    rows = list(csv.reader(io.StringIO(report_csv(_report("model"), UTC))))
    assert rows[0][:2] == ["model", "input_tokens"]
    assert sorted(row[0] for row in rows[1:]) == ["gpt-5.3-codex", "gpt-5.5", "mystery-model"]
    header = next(csv.reader(io.StringIO(report_csv(_report("session"), UTC))))
    assert header[:2] == ["session_id", "model"]


def test_csv_names_are_never_spreadsheet_formulas() -> None:
    """A model or folder named like a formula is written as text (a ``'`` first)."""
    slots = [
        _slot("2026-11-23T10:00", "s1", '=HYPERLINK("http://x","y")', 1000, project="@SUM(A1)"),
        _slot("2026-11-23T11:00", "s1", "-2+3", 1000, project="+cmd"),
        _slot("2026-11-23T12:00", "s1", "\t=m2", 1000, project="\r=1+1"),
    ]
    rows = list(
        csv.reader(io.StringIO(report_csv(build_usage_report("project", slots, {}, zone=UTC), UTC)))
    )
    cells = {cell for row in rows[1:] for cell in row[:2]}
    assert {"'@SUM(A1)", "'+cmd", "'-2+3", '\'=HYPERLINK("http://x","y")'} <= cells
    # A tab or CR first (OWASP's list) is written as an escape, which no spreadsheet runs.
    assert {"\\x09=m2", "\\x0d=1+1"} <= cells
    assert not any(_a_formula(cell) for cell in cells)


def _a_formula(cell: str) -> bool:
    """What a spreadsheet may run: ``=``, ``+``, ``-`` or ``@`` first after any spaces, or a
    tab or carriage return first (OWASP's CSV injection list)."""
    return cell.lstrip()[:1] in ("=", "+", "-", "@") or cell[:1] in ("\t", "\r")


def test_csv_names_that_differ_by_a_quote_keep_their_own_cells() -> None:
    """A project named ``=x`` and one named ``'=x`` are two lines, not one cell twice (which
    a pivot table would merge): the guard's ``'`` is counted before the name's own."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.5", 1000, project="=x"),
        _slot("2026-11-23T11:00", "s2", "gpt-5.5", 1000, project="'=x"),
        _slot("2026-11-23T12:00", "s3", "gpt-5.5", 1000, project="''=x"),
        _slot("2026-11-23T13:00", "s4", "gpt-5.5", 1000, project="'x"),
    ]
    rows = list(
        csv.reader(io.StringIO(report_csv(build_usage_report("project", slots, {}, zone=UTC), UTC)))
    )
    assert sorted(row[0] for row in rows[1:]) == ["'''=x", "''=x", "'=x", "'x"]


_FORMULA_ALPHABET = st.sampled_from(["=", "+", "-", "@", "'", " ", "\t", "\r", "\n", "\xa0", "x"])
#: Names made mostly of what the guard looks at, and any text besides.
_NAMES = st.text(_FORMULA_ALPHABET, max_size=6) | st.text(max_size=8)


@given(st.lists(_NAMES, unique=True, max_size=8))
def test_csv_cells_are_one_to_one(names: list[str]) -> None:
    """Different names never share a cell, as written or after the guard alone: also a name
    and the names it is one ``'`` away from."""
    near = {other for name in names for other in ("'" + name, name[1:], name.lstrip("'"))}
    names = [*names, *(near - set(names))]
    assert len({_cell(name) for name in names}) == len(names)
    assert len({_not_a_formula(name) for name in names}) == len(names)


@given(_NAMES)
def test_csv_cells_are_never_formulas(name: str) -> None:
    assert not _a_formula(_cell(name))
    assert not _a_formula(_not_a_formula(name))
    # The guard adds at most a ``'`` to what it is given.
    assert _not_a_formula(name) in (name, "'" + name)


@pytest.mark.parametrize("kind", ["daily", "session", "project", "model"])
def test_text_fits_80_columns(kind: str) -> None:
    long_slots = [
        *SLOTS,
        _slot("2026-11-23T10:00", "s3", "a-model-name-" + "x" * 90, 10**10, project="p" * 120),
    ]
    report = build_usage_report(
        kind, long_slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices(long_slots))
    )
    text = report_text(report)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "API-equivalent" in text


@pytest.mark.parametrize("width", [56, 80, 120])
def test_text_widens_the_cost_column_for_a_big_amount(width: int) -> None:
    """Millions of dollars stay in their column, every line within the width."""
    slots = [_slot("2026-11-23T10:00", "s1", "gpt-5.5", 10**15, project="p" * 200)]
    report = build_usage_report(
        "project", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices(slots))
    )
    assert (report.totals.tally.cost_usd or 0) > 1_000_000
    lines = report_text(report, width).splitlines()
    assert max(len(line) for line in lines) <= width
    table = [lines[0], lines[2], lines[4]]  # the header, the row and the totals
    assert len({len(line) for line in table}) == 1, table  # the amounts end in one column
    assert lines[2].endswith(" $1.55B")  # in short form from a million up


@pytest.mark.parametrize("width", [40, 44, 48, 52, 56, 59])
def test_a_narrow_table_leaves_columns_out_rather_than_names_or_its_width(width: int) -> None:
    """Below 60 columns, Cached goes first, then Input, then Output, so that the names stay
    whole and the lines within the terminal: at 56 columns, gpt-5.3-codex and gpt-5.2-codex
    had both read "gpt-5…-codex", and at 40 every line (54 cells) had wrapped in two. A note
    says which columns are left out and where they are."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.3-codex", 1000),
        _slot("2026-11-23T11:00", "s1", "gpt-5.2-codex", 2000),
    ]
    report = build_usage_report(
        "model", slots, {}, zone=UTC, pricer=Pricer(store=FixedPrices(slots))
    )
    lines = report_text(report, width).splitlines()
    assert max(_cells(line) for line in lines) <= width, lines
    assert lines[2].startswith("gpt-5.3-codex ") or lines[2].startswith("gpt-5.2-codex ")
    assert {lines[2].split()[0], lines[3].split()[0]} == {"gpt-5.3-codex", "gpt-5.2-codex"}
    header = lines[0].split()
    assert header[-2:] == ["Total", "Cost*"]
    left_out = [name for name in ("Input", "Cached", "Output") if name not in header]
    assert left_out, header  # every width here is too narrow for all five
    notes = " ".join(line.strip() for line in lines[lines.index(lines[0]) + 5 :])
    assert "left out to fit the terminal; --csv has every column" in notes, lines
    assert all(name in notes for name in left_out), lines


def test_a_table_of_60_columns_and_more_keeps_every_column() -> None:
    report = build_usage_report("model", SLOTS, SESSIONS, zone=UTC)
    for width in (60, 80):
        lines = report_text(report, width).splitlines()
        assert lines[0].split()[1:] == ["Input", "Cached", "Output", "Total", "Cost*"]
        assert not any("left out to fit" in line for line in lines)


def test_text_of_an_empty_report_says_so() -> None:
    empty = build_usage_report("daily", [], {}, zone=UTC)
    assert report_text(empty) == "No token usage recorded in these Codex logs."
    assert report_text(empty, dates=(date(2030, 1, 1), None)) == (
        "No token usage recorded from 2030-01-01 on."
    )
    assert report_text(empty, dates=(date(2030, 1, 1), date(2030, 2, 1))).endswith(
        "from 2030-01-01 to 2030-02-01."
    )
    assert report_text(empty, dates=(date(2030, 1, 1),) * 2).endswith("on 2030-01-01.")
    assert report_text(empty, dates=(None, date(2030, 2, 1))).endswith("up to 2030-02-01.")


def test_a_wide_project_name_is_cut_once_in_a_session_label() -> None:
    """A project named in Chinese (two cells a character) was cut by characters, then cut
    again in its middle to fit the table's cell: "项目…目项目项… c0ffee10"."""
    slots = [_slot("2026-11-23T10:00", "s-00c0ffee", "gpt", 1000, project="项目" * 12)]
    text = report_text(build_usage_report("session", slots, {}, zone=UTC), 80, UTC)
    line = text.splitlines()[2]
    label = line[: line.index("00c0ffee") + 8]
    assert label.startswith("23 Nov 10:01 项目项目")
    assert label.endswith("… 00c0ffee")
    assert label.count("…") == 1


def test_session_labels_keep_the_id_end_at_any_width() -> None:
    """Narrow, the clock goes first, then the date, then the project: never the id's end."""
    slots = [
        _slot(
            "2026-11-23T10:00",
            "019ac0de-1111-7000-8000-00000000aaaa",
            "m",
            1000,
            last="2026-11-23T10:05",
        )
    ]
    sessions = {
        slots[0].session_id: SessionInfo(
            slots[0].session_id,
            "shop",
            None,
            _at("2026-11-23T09:00"),
            _at("2026-11-23T10:05"),
            False,
        )
    }
    report = build_usage_report("session", slots, sessions, zone=UTC)
    this_year = date(2026, 11, 30)
    rows = {
        width: report_text(report, width, UTC, today=this_year).splitlines()[2]
        for width in range(40, 81)
    }
    assert rows[80].startswith("23 Nov 10:05 shop 0000aaaa")
    assert rows[67].startswith("23 Nov shop 0000aaaa ")
    # Narrower, number columns are left out first (the label had been "sh… 0000aaaa"); the
    # date stays at every width (from 60 to 63 columns it had gone, while 59 kept it).
    assert rows[62].startswith("23 Nov 10:05 shop 0000aaaa ")  # Cached left out
    assert rows[56].startswith("23 Nov shop 0000aaaa ")
    assert rows[40].startswith("23 Nov shop 0000aaaa ")
    assert all(row.startswith("23 Nov ") for row in rows.values()), rows
    assert all(len(row) <= width for width, row in rows.items())


def test_session_times_have_their_year_when_one_is_of_another_year() -> None:
    """Sessions of last December beside this year's: every time says its year, in one column
    within 80; of this year only, none does."""
    first, second = "019ac0de-1111-7000-8000-00000000aaaa", "019ac0de-2222-7000-8000-00000000bbbb"
    slots = [
        _slot("2025-12-31T23:00", first, "m", 1000, last="2025-12-31T23:00"),
        _slot(
            "2026-01-02T10:00",
            second,
            "m",
            1000,
            project="a-long-project-name",
            last="2026-01-02T10:00",
        ),
    ]
    sessions = {
        slot.session_id: SessionInfo(
            slot.session_id, slot.project, None, slot.slot, slot.slot, False
        )
        for slot in slots
    }
    report = build_usage_report("session", slots, sessions, zone=UTC)
    lines = report_text(report, zone=UTC, today=date(2026, 11, 30)).splitlines()
    assert lines[2].startswith("31 Dec 2025 23:00 shop 0000aaaa ")
    assert lines[3].startswith("02 Jan 2026 10:00 a-long-p… 0000bbbb ")
    assert len({len(line) for line in lines[:5]}) == 1  # the header, the rules, the rows
    assert max(len(line) for line in lines) <= 80
    later = report_text(report, zone=UTC, today=date(2026, 1, 2)).splitlines()
    assert later[2].startswith("31 Dec 2025 23:00 ")  # last year's makes the year needed
    this_year = build_usage_report("session", slots[1:], sessions, zone=UTC)
    assert (
        report_text(this_year, zone=UTC, today=date(2026, 1, 2))
        .splitlines()[2]
        .startswith("02 Jan 10:00 a-long-projec… 0000bbbb ")
    )


def test_session_dates_stay_on_every_row_or_none_as_the_table_narrows() -> None:
    """Sessions of two years in a narrow terminal: the dates say their year and stay, on
    every row, down to 45 columns (number columns go first), and below that none has one.
    They had gone from 64 to 66 columns while Cached stayed, come back at 60, and at 50 stood
    on the rows of short names only."""
    ids = [f"019ac0de-{n}{n}{n}{n}-7000-8000-00000000000{n}" for n in range(1, 5)]
    named = [("a", "2025-12-31T23:30"), ("shop", "2026-11-30T10:00")]
    named += [("backend-api", "2026-12-01T10:00"), ("a-much-longer-project", "2026-12-02T10:00")]
    slots = [
        _slot(last[:14] + "00", ident, "m", 1000, project=project, last=last)
        for ident, (project, last) in zip(ids, named, strict=True)
    ]
    sessions = {
        slot.session_id: SessionInfo(
            slot.session_id, slot.project, None, slot.slot, slot.slot, False
        )
        for slot in slots
    }
    report = build_usage_report("session", slots, sessions, zone=UTC)
    dated_at = []
    for width in range(40, 121):
        lines = report_text(report, width, UTC, today=date(2026, 12, 4)).splitlines()
        rows = lines[2:6]
        assert all(len(line) <= width for line in lines), width
        dated = [bool(re.match(r"\d\d [A-Z][a-z]{2} 20\d\d ", row)) for row in rows]
        assert len(set(dated)) == 1, (width, rows)  # every row, or none
        if dated[0]:
            dated_at.append(width)
        assert sorted(ident[-8:] for ident in ids) == sorted(
            next(ident[-8:] for ident in ids if ident[-8:] in row) for row in rows
        )  # and every id's end
    assert dated_at == list(range(45, 121)), dated_at


@pytest.mark.parametrize(
    ("kind", "since", "until", "cut"),
    [
        ("weekly", date(2026, 11, 25), None, True),
        ("weekly", date(2026, 11, 23), None, False),  # a Monday
        ("weekly", date(1, 1, 1), None, False),  # a Monday too
        ("weekly", None, date(2026, 11, 29), False),  # a Sunday
        ("weekly", None, date(2026, 11, 28), True),
        ("monthly", date(2026, 11, 1), date(2026, 11, 30), False),
        ("monthly", date(2026, 11, 2), None, True),
        ("monthly", None, date(9999, 12, 31), False),
        ("daily", date(2026, 11, 25), None, False),
        # A week or month cut that the report has no row for: nothing shown is cut.
        ("weekly", None, date(2026, 6, 30), False),
        ("weekly", date(1, 1, 1), date(9999, 12, 31), False),
        ("monthly", date(2026, 10, 5), date(2026, 12, 3), False),
    ],
)
def test_a_period_is_said_cut_only_when_it_is(
    kind: str, since: date | None, until: date | None, cut: bool
) -> None:
    text = report_text(_report(kind), dates=(since, until))
    assert ("cuts counts only the days asked" in " ".join(text.split())) is cut


def test_text_says_a_week_cut_by_the_dates_counts_only_the_days_asked() -> None:
    report = _report("weekly", since=date(2026, 11, 25))
    assert report.rows[0].key == "2026-11-23"  # the Monday of the week the 25th is in
    text = " ".join(report_text(report, dates=(date(2026, 11, 25), None)).split())
    assert "A week that --since or --until cuts counts only the days asked" in text
    assert "from 2026-11-25 on" in text
    assert "cuts" not in report_text(_report("weekly"))


def test_text_names_sessions_by_the_end_of_their_id() -> None:
    """UUIDv7 ids begun in the same minute share their start: the end tells them apart."""
    first, second = "019ac0de-1111-7000-8000-00000000aaaa", "019ac0de-2222-7000-8000-00000000bbbb"
    slots = [
        _slot("2026-11-23T10:00", first, "gpt-5.5", 1000),
        _slot("2026-11-23T10:00", second, "gpt-5.5", 1000),
    ]
    text = report_text(build_usage_report("session", slots, {}, zone=UTC))
    assert "0000aaaa" in text
    assert "0000bbbb" in text
    assert text.startswith("Last call · project · id")


def test_text_marks_a_cost_that_leaves_unpriced_tokens_out() -> None:
    """The totals hold a model without a price beside priced ones: their cost gets a ``+``,
    and the note says what it means; a day of that model alone has no cost at all."""
    text = report_text(_report("daily"))
    total = next(line for line in text.splitlines() if line.startswith("Total"))
    assert total.endswith("+")
    assert text.splitlines()[4].endswith("–")  # 2026-11-30, the unpriced model alone
    assert "No price known for: mystery-model; a cost marked + leaves their tokens out" in (
        " ".join(text.split())
    )
    whole = report_text(_report("daily", since=date(2026, 11, 23), until=date(2026, 11, 23)))
    assert "+" not in whole  # every model of that day is priced


def test_money() -> None:
    assert (money(None), money(0.001), money(3.4), money(2718.87)) == (
        "–",
        "<$0.01",
        "$3.40",
        "$2,718.87",
    )


def test_real_prices_from_the_library_and_the_long_context_tier(tmp_path: Path) -> None:
    """genai-prices' own prices: gpt-5.4 costs more per token above 272,000 input tokens; the
    prices found are kept in the index and read back without the library."""
    pytest.importorskip("genai_prices")
    from genai_prices import Usage, calc_price

    with UsageIndex(tmp_path / "index.sqlite3") as index:
        pricer = Pricer(store=index)
        call = TokenUsage(300_000, 100_000, 2_000, 500, 302_000)
        expected = calc_price(
            Usage(input_tokens=300_000, cache_read_tokens=100_000, output_tokens=2_000),
            "gpt-5.4",
            provider_id="openai",
        ).total_price
        assert pricer.cost("gpt-5.4", True, call) == pytest.approx(float(expected))
        short = pricer.units("gpt-5.4", False)
        long = pricer.units("gpt-5.4", True)
        assert short is not None
        assert long is not None
        assert long.input > short.input
        assert pricer.cost("no-such-model-anywhere", False, call) is None
        kept = {span[:3]: span for span in index.load_prices(pricer.source)}
    today = datetime.now(UTC).date().isoformat()
    assert kept["gpt-5.4", True, ""].holds_on(today)
    assert kept["gpt-5.4", True, ""].units == long
    unknown = kept["no-such-model-anywhere", False, ""]
    assert unknown.units is None
    assert unknown.holds_on(today)
    assert unknown.holds_on("2020-01-01")  # the library knows no price of it on any day


@pytest.mark.parametrize("model", ["gpt-5.3-codex", "gpt-5.4", "o3", "gpt-4.1"])
@pytest.mark.parametrize("service_tier", ["", "priority", "flex"])
def test_two_probe_calls_give_the_prices_the_library_gives_call_by_call(
    model: str, service_tier: str
) -> None:
    """A model's unit prices come from two probe calls (a total less its output part is the
    call without output); priced one part at a time, the library must agree to the digit."""
    genai_prices = pytest.importorskip("genai_prices")
    when = datetime(2026, 11, 2, 12, tzinfo=UTC)
    context = {"service_tier": service_tier} if service_tier else None

    def total(**tokens: int) -> Decimal:
        result = genai_prices.calc_price(
            genai_prices.Usage(**tokens),
            model,
            provider_id="openai",
            genai_request_timestamp=when,
            price_context=context,
        )
        return Decimal(result.total_price)

    for long_context, size in ((False, 100_000), (True, 300_000)):
        units = Pricer().units(model, long_context, when.date(), service_tier)
        assert units is not None
        plain = total(input_tokens=size)
        assert units.input == plain / size
        assert units.cached_input == total(input_tokens=size, cache_read_tokens=size) / size
        with_output = total(input_tokens=size, output_tokens=100_000)
        assert units.output == (with_output - plain) / 100_000


def test_warm_up_imports_the_library_only_while_no_price_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build imports the library while its workers read; a report whose prices are
    all kept in the index may need none of it, and must not pay for the import."""
    loads: list[Pricer] = []
    monkeypatch.setattr(Pricer, "_load", lambda self: loads.append(self))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        empty = Pricer(store=index)
        empty.warm_up()
        assert loads == [empty]
        units = UnitPrices(Decimal("0.00000125"), Decimal("0.000000125"), Decimal("0.00001"))
        index.save_price(empty.source, PriceSpan("gpt-5.4", False, "", "2026-05-04", None, units))
        Pricer(store=index).warm_up()
    assert loads == [empty]


def test_a_library_that_fails_to_load_fails_no_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warming up is done while the index is being written: a broken library must not undo
    the reading. The failure is met again, and reported, when a price is asked for."""

    def broken(self: Pricer) -> None:
        raise RuntimeError("a broken price library")

    monkeypatch.setattr(Pricer, "_load", broken)
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        Pricer(store=index).warm_up()


def test_a_pricer_told_to_stop_gives_up_the_import_at_once_for_every_price(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window's usage thread, quit while the library is imported (in a thread of its
    own), counts its last rows without prices and ends: each price it asks for on its way
    out is None at once, not after a wait for the import (20 ms each, for hundreds of days
    and models), and once the import is done, a pricer that is not stopping has its prices."""
    import threading

    from codex_presence_gui.core import pricing

    class Pending:
        done = threading.Event()
        error = None
        library: object = None

    monkeypatch.setattr(pricing, "_importing", Pending())
    stopping = Pricer(should_stop=lambda: True)
    started = time.monotonic()
    days = [date(2026, 1, 1) + timedelta(days=day) for day in range(100)]
    assert [stopping.units("gpt-5", on=day) for day in days] == [None] * 100
    assert time.monotonic() - started < 50 * pricing.IMPORT_POLL_S
    import genai_prices

    Pending.library = genai_prices
    Pending.done.set()
    assert Pricer(should_stop=lambda: False).units("gpt-5", on=days[0]) is not None


def test_calls_are_priced_at_the_price_of_their_day() -> None:
    """The library's prices change over time (o3 cost five times less from mid-2025): each
    call is priced as on its own day."""
    pytest.importorskip("genai_prices")
    slots = [
        _slot("2025-05-01T10:00", "s1", "o3", 100_000),
        _slot("2026-11-23T10:00", "s1", "o3", 100_000),
    ]
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=Pricer())
    early, late = (row.tally.cost_usd for row in report.rows)
    assert early is not None
    assert late is not None
    assert early > 2 * late


def test_an_openai_model_through_a_router_costs_what_the_model_costs() -> None:
    """Codex with OpenRouter or a LiteLLM proxy logs ``openai/gpt-5``: the API-equivalent
    cost is gpt-5's; another router's prefix is not guessed at."""
    pytest.importorskip("genai_prices")
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5", 100_000),
        _slot("2026-11-23T10:00", "s2", "openai/gpt-5", 100_000),
        _slot("2026-11-23T10:00", "s3", "OpenAI/gpt-5", 100_000),
        _slot("2026-11-23T10:00", "s4", "azure/gpt-5", 100_000),
        _slot("2026-11-23T10:00", "s5", "openai/", 100_000),
    ]
    report = build_usage_report("session", slots, SESSIONS, zone=UTC, pricer=Pricer())
    costs = {row.key: row.tally.cost_usd for row in report.rows}
    assert costs["s1"] is not None
    assert costs["s2"] == costs["s3"] == costs["s1"]
    assert costs["s4"] is None
    assert costs["s5"] is None
    assert report.unpriced_models == ["azure/gpt-5", "openai/"]


def test_the_priority_tier_is_priced_as_the_library_prices_it() -> None:
    """Codex's "fast" tier is the API's priority processing: gpt-5.3-codex costs twice as
    much there, per genai-prices' own variants."""
    pytest.importorskip("genai_prices")
    usage = TokenUsage(100_000, 50_000, 1_000, 0, 101_000)
    standard = SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "gpt-5.3-codex", False, 1, usage)
    priority = SlotUsage(
        _at("2026-11-23T10:00"), "s2", "shop", "gpt-5.3-codex", False, 1, usage, "priority"
    )
    rows = build_usage_report(
        "session", [standard, priority], SESSIONS, zone=UTC, pricer=Pricer()
    ).rows
    costs = {row.key: row.tally.cost_usd for row in rows}
    assert costs["s2"] == pytest.approx(2 * costs["s1"])


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_times_at_the_ends_of_the_calendar_are_left_out_not_a_crash(zone: str) -> None:
    """An index written before such times were refused may hold a quarter hour in year 1, and
    a session may say it started in year 9999: no local date exists for either in some zones.
    The report leaves the first out and shows no time for the second."""
    year_one = -62_135_596_800  # 0001-01-01T00:00Z: before year 1 in New York
    late = 253_402_300_000  # 9999-12-31T23:46:40Z: past year 9999 in Tokyo
    slots = [*SLOTS, SlotUsage(year_one, "s1", "shop", "gpt-5.3-codex", False, 1, TokenUsage(5))]
    sessions = {**SESSIONS, "s1": SESSIONS["s1"]._replace(started_at=late)}
    where = ZoneInfo(zone)
    for kind in ("daily", "session"):
        report = build_usage_report(kind, slots, sessions, zone=where)
        assert report.totals.tally.calls in (4, 5)  # year 1 is a date in Tokyo
        json.dumps(report_json(report, where))
        report_csv(report, where)
        report_text(report, zone=where)
    session = build_usage_report("session", slots, sessions, zone=where)
    started = report_json(session, where)["rows"]
    assert {row["key"]: row["started_at"] for row in started}["s1"] in (
        None,
        "9999-12-31T18:46:40-05:00",
    )


@pytest.fixture
def paris_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone is Paris (``TZ``, as POSIX systems take it)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("paris_machine")
def test_local_days_follow_summer_time_of_their_own_date() -> None:
    """A call at 22:30 UTC in October is 00:30 the next day in Paris (summer time, +2), even
    when the report runs in winter (+1): each moment has the offset of its own date."""
    zone = local_zone()
    assert _zone_name(zone) == "Europe/Paris"
    slots = [
        _slot("2026-10-20T22:30", "s1", "gpt-5.5", 1000),  # summer: 21 Oct, 00:30
        _slot("2026-11-20T22:30", "s1", "gpt-5.5", 1000),  # winter: 20 Nov, 23:30
    ]
    rows = build_usage_report("daily", slots, {}, zone=zone).rows
    assert [row.key for row in rows] == ["2026-10-21", "2026-11-20"]
    # The hour the clock goes back is told apart by its offset.
    back = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    first, second = (datetime.fromtimestamp(back.timestamp() + s, zone) for s in (0, 3600))
    assert (first.isoformat(), second.isoformat()) == (
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00",
    )
    assert second.timestamp() - first.timestamp() == 3600
    assert report_json(build_usage_report("daily", slots, {}, zone=zone), zone)["timezone"] == (
        "Europe/Paris"
    )


@pytest.mark.skipif(not Path("/usr/share/zoneinfo/Asia/Tokyo").is_file(), reason="no zone files")
@pytest.mark.parametrize(
    "tz",
    [
        "UTC",
        "Europe/Paris",
        "America/New_York",
        "America/St_Johns",  # half an hour off, and summer time
        "Australia/Lord_Howe",  # summer time of half an hour
        "Europe/Dublin",  # summer time as its standard time (a negative DST)
        "Pacific/Apia",  # a day left out (2011-12-30)
        "Europe/Amsterdam",  # seconds in its old offset (+00:19:32)
        "EST5EDT,M3.2.0,M11.1.0",  # a POSIX rule
    ],
)
def test_a_time_in_the_machine_zone_is_written_as_the_zone_writes_it(
    monkeypatch: pytest.MonkeyPatch, tz: str
) -> None:
    """A session's times (``started_at``, ``last_at``) in the machine's zone are written with
    the C library's offset straight, a third of the cost of asking ``SystemZone``: to the
    second the same text, through summer time's changes both ways and odd offsets."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    from codex_presence_gui.core.usage_report import _moment, _when
    from codex_presence_gui.core.zones import SystemZone

    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        zone = local_zone()
        assert type(zone) is SystemZone
        moments: list[float] = [
            -(2**31),
            -1e9 - 0.25,
            0,
            1e9 + 0.9999996,
            2**31 + 0.5,
            253402300000,
        ]
        for year in (1937, 2011, 2026):
            start = datetime(year, 1, 1, tzinfo=UTC).timestamp()
            moments += [start + step * 5820.5 for step in range(5420)]  # a year, 97 minutes
        changes = ((3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1))  # of summer time
        for month, day in changes:
            start = datetime(2026, month, day, tzinfo=UTC).timestamp() - 43200
            moments += [start + step * 90 for step in range(1440)]  # a day and a half, 90 s
        for moment in moments:
            local = _moment(moment, zone)
            expected = None if local is None else local.isoformat(timespec="seconds")
            assert _when(moment, zone) == expected, moment
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.skipif(not Path("/usr/share/zoneinfo/Asia/Tokyo").is_file(), reason="no zone files")
@pytest.mark.parametrize(
    ("tz", "key"),
    [
        ("", "UTC"),
        ("Europe/Paris", "Europe/Paris"),
        (":Europe/Paris", "Europe/Paris"),
        ("posix/Europe/Paris", "Europe/Paris"),
        ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
        ("Nowhere/Foo", None),  # no such zone: the C library counts in UTC, named nothing
        ("CET-1CEST,M3.5.0,M10.5.0/3", None),  # a POSIX rule has no IANA name
        ("../../etc/passwd", None),
        ("/usr/share/zoneinfo/No/Such", None),
        ("/usr/share/zoneinfo/Europe", None),  # a folder
        ("zone.tab", None),  # beside the zones, not one
        ("Europe//Paris", None),
        ("./Europe/Paris", None),
        ("right/Europe/Paris", None),  # counts leap seconds: not the zone's own time
        ("A" * 10_000, None),
    ],
)
def test_the_machine_zone_is_named_only_when_the_system_says_which(
    monkeypatch: pytest.MonkeyPatch, tz: str, key: str | None
) -> None:
    monkeypatch.setenv("TZ", tz)
    monkeypatch.delenv("TZDIR", raising=False)
    assert _system_zone_key() == key


def test_a_zone_whose_months_cannot_be_read_keeps_today_s_name() -> None:
    """Only the month that fails is left out: today's abbreviation stays (it had become
    "local")."""
    from datetime import tzinfo

    class Today(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            if dt is not None and dt.month in (1, 7) and dt.day == 1 and dt.hour == 12:
                raise OverflowError("no such time here")
            return timedelta(hours=-5)

        def tzname(self, dt: datetime | None) -> str:
            return "EST"

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    assert _zone_name(Today()) == "EST"


@pytest.mark.parametrize(
    ("rule", "label"),
    [
        ("EST5EDT,M3.2.0,M11.1.0", "EST/EDT"),
        ("AEST-10AEDT,M10.1.0,M4.1.0/3", "AEST/AEDT"),  # summer in January: standard first
        ("JST-9", "JST"),
    ],
)
def test_a_zone_without_a_name_is_labelled_by_its_winter_and_summer_abbreviations(
    monkeypatch: pytest.MonkeyPatch, rule: str, label: str
) -> None:
    """A POSIX rule in ``TZ`` has no IANA name: the report says both of its abbreviations
    (it had said only today's, "EST", over a report of summer days)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", rule)
    time.tzset()
    try:
        zone = local_zone()
        assert _zone_name(zone) == label
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    "setting",
    [
        *("Europe/Nowhere", ":Mars/Olympus", "/nowhere/zone", "Paris", ":Tokyo", "Etc/GMT+55"),
        *("<Paris>", "+05", "5"),  # rules without a name, or without an offset
        *("A1", "<A>1", "ab5"),  # names the C library does not take (fewer than 3 letters)
        *("ABC1DE", "ABC1DE,M3.2.0,M11.1.0"),  # nor for the summer time (counted in UTC)
    ],
)
def test_a_tz_naming_no_zone_the_system_has_is_utc_and_said_so(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """The C library counts such a ``TZ`` in UTC, under a made-up abbreviation: the report
    had said "Days in the Europe time zone"."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    from codex_presence_gui.core.zones import unknown_zone_setting

    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", setting)
    time.tzset()
    try:
        assert unknown_zone_setting() == setting
        assert _zone_name(local_zone()) == "UTC"
        known_settings = ("Europe/Paris", "AEST-10AEDT,M10.1.0,M4.1.0/3", "UTC", ":Asia/Tokyo")
        # A bare name of a file: "Japan" is one of tzdata's old links, which Debian 13 keeps
        # in a package of its own (tzdata-legacy).
        legacy = ("Japan",) if os.path.exists("/usr/share/zoneinfo/Japan") else ()
        rules = ("EST5EDT", "<+0545>-5:45", "ABCD5", "EST5EDT,M3.2.0,M11.1.0")
        for known in (*known_settings, *legacy, *rules, "utc", "GMT"):
            monkeypatch.setenv("TZ", known)
            assert unknown_zone_setting() is None, known
    finally:
        monkeypatch.undo()
        time.tzset()


def test_zone_files_from_a_folder_of_their_own_give_no_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """TZDIR may hold any file under any name: the report is not labelled by it."""
    monkeypatch.setenv("TZDIR", str(tmp_path))
    monkeypatch.setenv("TZ", "Europe/Paris")
    assert _system_zone_key() is None


@pytest.mark.usefixtures("paris_machine")
def test_an_offset_python_cannot_hold_makes_the_zone_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "XXX+24:59")
    time.tzset()
    assert local_zone() is UTC


def _cells(line: str) -> int:
    from codex_presence_gui.core.sanitize import text_cells

    return text_cells(line)


@pytest.mark.parametrize("width", [56, 80])
def test_wide_characters_keep_the_columns_in_line(width: int) -> None:
    """Projects named in Chinese, or with combining accents or zero-width characters: the
    numbers still line up (a label's width is counted in terminal cells, not characters;
    a zero-width space had shifted its row by one)."""
    names = [
        "项目",
        "データ分析ツール" * 4,
        "café",
        "cafe\u0301-e\u0301te\u0301",
        "shop",
        "zero\u200bwidth\u200d",
        "soft\u00adhyphen",
    ]
    slots = [_slot("2026-11-23T10:00", f"s{i}", "m", 1000, project=n) for i, n in enumerate(names)]
    lines = report_text(build_usage_report("project", slots, {}, zone=UTC), width).splitlines()
    table = [lines[0], *lines[2 : 2 + len(names)]]
    assert {_cells(line) for line in table} == {_cells(lines[0])}, table
    assert all(_cells(line) <= width for line in lines)


def test_a_name_cut_to_fit_keeps_each_accent_on_its_letter() -> None:
    """A model named with combining accents (``e`` + U+0301, fifty times), cut to fit the
    table: every accent stays after its ``e`` (one had landed on the ellipsis, and the
    ``e`` before it had lost its own)."""
    name = "e\u0301" * 50
    slots = [_slot("2026-11-23T10:00", "s1", name, 1000)]
    lines = report_text(build_usage_report("model", slots, {}, zone=UTC), 80).splitlines()
    (row,) = [line for line in lines if "\u2026" in line and "e" in line]
    assert "\u2026\u0301" not in row
    shown = row[: row.index(" ", row.rindex("\u2026"))]
    assert shown.replace("e\u0301", "").replace("\u2026", "") == ""
    # Thousands of marks on one letter (a hostile name): the cut row stays a row's length.
    hostile = "a" * 5 + "\u0301" * 10_000 + "b" * 90
    slots = [_slot("2026-11-23T10:00", "s1", hostile, 1000)]
    text = report_text(build_usage_report("model", slots, {}, zone=UTC), 80)
    assert max(len(line) for line in text.splitlines()) < 200


def test_a_zone_without_a_key_is_named_by_a_short_abbreviation_or_local() -> None:
    """A label for JSON: the zone's abbreviation when it is one, never a whole hostile TZ."""
    from datetime import timezone

    assert _zone_name(timezone(timedelta(hours=1), "CET")) == "CET"
    assert _zone_name(timezone(timedelta(hours=1), "A" * 200)) == "local"


def test_a_zone_calling_itself_utc_off_utc_is_named_by_its_offset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``TZ=UTC+3`` is POSIX for three hours *behind* UTC under the name "UTC": the report
    had said "Days in the UTC time zone" (JSON: "timezone": "UTC") over days that were not
    UTC's; it says the offset. UTC itself, and other names, stay as they were."""
    from datetime import timezone

    assert _zone_name(timezone(timedelta(hours=-3), "UTC")) == "UTC-03:00"
    assert _zone_name(timezone(timedelta(hours=5, minutes=30), "GMT")) == "UTC+05:30"
    assert _zone_name(timezone(timedelta(0), "UTC")) == "UTC"
    assert _zone_name(timezone(timedelta(hours=1), "CET")) == "CET"
    if not hasattr(time, "tzset"):
        return
    monkeypatch.setenv("TZ", "UTC+3")
    time.tzset()
    try:
        zone = local_zone()
        assert _zone_name(zone) == "UTC-03:00"
        report = build_usage_report("daily", SLOTS, {}, zone=zone)
        assert report_json(report, zone)["timezone"] == "UTC-03:00"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_price_is_kept_for_the_days_the_library_prices_alike() -> None:
    """o3's price changed on 2025-06-10 in the library's data, and its service-tier
    variants start later in 2026 (a span ends at any change of the model's, whatever the
    tier): a price holds from one change to the day before the next; the last has no end
    known."""
    pytest.importorskip("genai_prices")
    pricer = Pricer()
    for day in (date(2025, 5, 1), date(2025, 7, 1), date(2027, 1, 1)):
        pricer.units("o3", False, day)
    spans = sorted((s.first, s.last) for s in pricer._spans["o3", False, ""])
    assert spans[:2] == [("0001-01-01", "2025-06-09"), ("2025-06-10", spans[1][1])]
    assert spans[1][1] is not None
    assert "2026-01-01" < spans[1][1] < spans[2][0] < "2027-01-01"
    assert spans[2][1] is None


@pytest.mark.parametrize("service_tier", ["", "priority", "flex"])
def test_prices_from_kept_spans_are_the_library_s_own_on_every_day(service_tier: str) -> None:
    """One pricer, asked day after day, reuses its spans; each day's price must be the one
    the library gives for that very day (its changes and its tier variants included)."""
    genai_prices = pytest.importorskip("genai_prices")
    snapshot = genai_prices.data_snapshot.get_snapshot()
    openai = next(p for p in snapshot.providers if p.id == "openai")
    changing = [m.id for m in openai.models if isinstance(m.prices, list)]
    models = [*changing, "gpt-5.3-codex", "gpt-5.4", "no-such-model"]
    reused = Pricer()
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        for model in models:
            for long_context in (False, True):
                fresh = Pricer()._probe(
                    PriceKey(model, long_context, day.isoformat(), service_tier)
                )
                assert fresh is not None
                assert reused.units(model, long_context, day, service_tier) == fresh.units, (
                    model,
                    day,
                )
        day += timedelta(days=9)
    # Spans were reused: far fewer probes than days asked.
    asked = sum(len(spans) for spans in reused._spans.values())
    assert asked < len(models) * 2 * 10


def test_a_new_day_within_a_kept_span_needs_no_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first report after midnight used to import the library (0.2 s) to price the new
    day; a kept price with no end known covers it."""
    loads: list[Pricer] = []
    monkeypatch.setattr(Pricer, "_load", lambda self: loads.append(self))
    units = UnitPrices(Decimal("0.000001"), Decimal("0.0000001"), Decimal("0.00001"))
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        library = Pricer(store=index).source
        index.save_price(library, PriceSpan("gpt-5.5", False, "", "2026-03-05", None, units))
        index.save_price(
            library, PriceSpan("gpt-5.4", False, "", "2026-01-01", "2026-02-01", units)
        )
        pricer = Pricer(store=index)
        assert pricer.units("gpt-5.5", False, date(2026, 11, 30)) == units
        assert pricer.units("gpt-5.4", False, date(2026, 2, 1)) == units
        assert loads == []
        assert pricer.units("gpt-5.4", False, date(2026, 2, 2)) is None  # past the span
        assert loads == [pricer]


def test_a_price_that_depends_on_more_than_the_day_is_kept_for_its_day_only() -> None:
    """A price by time of day (off-peak hours): no span is claimed."""
    from types import SimpleNamespace

    from codex_presence_gui.core.pricing import _days_alike

    class StartDateConstraint:
        def __init__(self, start: date) -> None:
            self.start_date = start

    class TimeOfDateConstraint:
        pass

    def library(*constraints: object) -> SimpleNamespace:
        info = SimpleNamespace(
            prices=[SimpleNamespace(constraint=c) for c in constraints], price_variants=None
        )
        snapshot = SimpleNamespace(find_provider_model=lambda *args: (None, info))
        return SimpleNamespace(data_snapshot=SimpleNamespace(get_snapshot=lambda: snapshot))

    changes = library(None, StartDateConstraint(date(2026, 3, 1)))
    assert _days_alike(changes, "openai", "m", "2026-02-10") == ("0001-01-01", "2026-02-28")
    assert _days_alike(changes, "openai", "m", "2026-03-01") == ("2026-03-01", None)
    peak = library(None, TimeOfDateConstraint())
    assert _days_alike(peak, "openai", "m", "2026-02-10") == ("2026-02-10", "2026-02-10")
    odd = SimpleNamespace(data_snapshot=SimpleNamespace())  # another layout: no span claimed
    assert _days_alike(odd, "openai", "m", "2026-02-10") == ("2026-02-10", "2026-02-10")


def test_nothing_used_costs_nothing_and_unknown_is_for_unpriced_tokens() -> None:
    """A period without calls costs $0 (JSON 0.0), not "unknown": that is for tokens of a
    model without a price. Nothing to price needs no prices."""
    empty = build_usage_report(
        "daily",
        SLOTS,
        SESSIONS,
        zone=UTC,
        since=date(2030, 1, 1),
        pricer=Pricer(store=FixedPrices()),
    )
    document = report_json(empty, UTC)
    assert document["rows"] == []
    assert document["totals"]["cost_usd"] == 0.0
    assert document["prices"]["unpriced_models"] == []
    assert build_usage_report("daily", [], {}, zone=UTC).totals.tally.cost_usd == 0.0


class _NoPrices:
    source = "no prices"

    def units(self, *_args: object) -> None:
        return None


def test_text_says_in_plain_words_that_no_model_has_a_price() -> None:
    """With no model priced, the note under the Cost column says so (the models are named in
    the note that follows), not the price library, whose name had stood over a column of
    dashes as if it had priced them; a library that could not be used is said as the reason,
    and the models are then not said to have no price."""
    slots = [_slot("2026-11-23T10:00", "s1", "mystery", 1000)]
    nothing = report_text(
        build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=_NoPrices())
    )  # type: ignore[arg-type]
    said = " ".join(nothing.split())
    assert "* No cost is estimated: no model in this report has a known API price" in said
    assert "No price known for: mystery" in said
    assert "no prices" not in said  # the source's name
    broken = _NoPrices()
    broken.source = "unavailable (the genai-prices package is not installed)"
    missing = report_text(build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=broken))  # type: ignore[arg-type]
    said = " ".join(missing.split())
    assert (
        "* No cost is estimated: prices are unavailable (the genai-prices package is not "
        "installed)" in said
    )
    assert "No price known" not in said
    priced = " ".join(report_text(_report("daily")).split())
    assert f"* {COST_LABEL}; prices: " in priced


def test_text_says_what_the_unknown_model_is() -> None:
    """The index files calls whose log names no model under ``unknown``; a note says what
    they are."""
    slots = [_slot("2026-11-23T10:00", "s1", "unknown", 1000)]
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    text = " ".join(report_text(report).split())
    assert "No price known for: (model not logged)" in text
    by_model = report_text(build_usage_report("model", slots, SESSIONS, zone=UTC))
    assert by_model.splitlines()[2].startswith("(model not logged) ")
    document = report_json(build_usage_report("model", slots, SESSIONS, zone=UTC), UTC)
    assert document["rows"][0]["key"] == "unknown"  # the key, for programs, stays


def test_a_long_unpriced_model_name_is_cut_to_a_line_of_the_note() -> None:
    """A name from the logs of any length takes a line of the note, not a screenful; cut
    in its middle, as the table cuts it, but to the note's width: cut to the model column,
    two names that differ in their middle had read the same."""
    long_name = "a" * 2500 + "b" * 2500
    slots = [_slot("2026-11-23T10:00", "s1", long_name, 1000), *SLOTS]
    report = build_usage_report("model", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    lines = report_text(report).splitlines()
    cell = next(line for line in lines if line.startswith("aaa")).split(" ")[0]
    assert cell.endswith("bbb")
    assert "…" in cell
    start = next(at for at, line in enumerate(lines) if line.startswith("No price known for:"))
    named = lines[start + 1].strip()  # the long name is a word too long for the first line
    assert named.startswith("aaa")
    assert named.rstrip(",").endswith("bbb")
    assert "…" in named
    assert max(len(line) for line in lines[start : start + 3]) <= 80


def test_unpriced_names_of_one_column_width_stay_apart_in_the_note() -> None:
    """Two names whose cut cells differ only in their ends are written whole in the note."""
    names = ["vendor-" + "x" * 30 + "-alpha", "vendor-" + "x" * 30 + "-omega"]
    slots = [_slot("2026-11-23T10:00", "s1", name, 1000) for name in names]
    report = build_usage_report("model", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    text = " ".join(report_text(report, width=60).split())
    assert f"No price known for: {names[0]}, {names[1]}" in text


def test_thousands_of_unpriced_models_are_counted_in_the_note_not_listed() -> None:
    """A history of thousands of models (a proxy's own names) had a note of every one of
    them under the table: a thousand lines. The first are named, the others counted."""
    slots = [_slot("2026-11-23T10:00", "s1", f"proxy-{n:04d}", 1000) for n in range(3000)]
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    text = report_text(report)
    note = " ".join(text[text.index("No price known for: ") :].split())
    named = ", ".join(f"proxy-{n:04d}" for n in range(10))
    assert note == f"No price known for: {named} and 2,990 more (--json lists them all)"
    assert len(report_json(report, UTC)["prices"]["unpriced_models"]) == 3000
    eleven = build_usage_report("daily", slots[:11], SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    assert " ".join(report_text(eleven).split()).endswith(f"{named}, proxy-0010")


def test_the_notes_of_wide_names_stay_within_the_width() -> None:
    """Model names in Chinese or Japanese take two cells a character: the note naming them
    was wrapped by characters, and ran past an 80-column terminal's edge."""
    from codex_presence_gui.core.sanitize import text_cells

    names = ["模型" + "一二三四五六七八九十"[: 3 + n] for n in range(7)]
    slots = [_slot("2026-11-23T10:00", "s1", name, 1000) for name in names]
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    lines = report_text(report, 80).splitlines()
    assert max(text_cells(line) for line in lines) <= 80
    note = " ".join(" ".join(lines).split())
    assert note.endswith("No price known for: " + ", ".join(sorted(names)))


def test_text_names_the_time_zone_of_its_days() -> None:
    """A report read later, or by someone else, need not be in the reader's zone."""
    assert "Days in the Europe/Paris time zone" in report_text(_report("daily", PARIS), 80, PARIS)
    assert "Times in the UTC time zone" in report_text(_report("session"), 80, UTC)


def test_json_says_which_days_were_asked_for() -> None:
    report = _report("daily", since=date(2026, 11, 29), until=date(2026, 11, 30))
    data = report_json(report, UTC, (date(2026, 11, 29), date(2026, 11, 30)))
    assert (data["since"], data["until"]) == ("2026-11-29", "2026-11-30")
    everything = report_json(_report("daily"), UTC)
    assert (everything["since"], everything["until"]) == (None, None)


@pytest.mark.parametrize(
    ("remote", "identity"),
    [
        ("git@github.com:acme/api.git", "github.com/acme/api"),
        ("https://github.com/acme/api", "github.com/acme/api"),
        ("https://x-token:ghp_secret@GitHub.com/acme/api.git/", "github.com/acme/api"),
        ("ssh://git@github.com:22/acme/api.git", "github.com/acme/api"),
        ("git+ssh://git@host.xz/path/to/repo.git", "host.xz/path/to/repo"),
        ("host.xz:~user/repo.git", "host.xz/~user/repo"),
        ("/srv/git/api.git", "srv/git/api"),
        ("file:///srv/git/api.git", "srv/git/api"),
        ("C:\\repos\\api", "C:/repos/api"),
        ("https://github.com/", "github.com"),
        ("https://github.com/Acme/API.git", "github.com/acme/api"),  # GitHub ignores case
        ("https://git.example.org/Acme/API.git", "git.example.org/Acme/API"),  # others may not
        ("https://github.com/acme/api?access_token=SECRET#x", "github.com/acme/api"),
        ("oauth2:glpat-SECRET@gitlab.com/acme/api.git", "gitlab.com/acme/api"),
        ("https://tok#en@github.com/a/b", "github.com/a/b"),
        ("/srv/git/C#/tools.git", "srv/git/C#/tools"),  # folders keep their names whole
        ("/srv/alice@laptop/api.git", "srv/alice@laptop/api"),
        ("", None),
        ("   ", None),
        (None, None),
        (".git", None),
        ("https://github.com/" + "a" * 600, None),
    ],
)
def test_a_remote_is_the_same_text_however_it_was_cloned(
    remote: str | None, identity: str | None
) -> None:
    assert repository_id(remote) == identity


def _in(project: str, repository: str | None, session: str, when: str) -> SlotUsage:
    return _slot(when, session, "gpt-5.3-codex", 1000, project=project)._replace(
        repository=repository
    )


def test_folders_of_one_name_are_one_project_unless_checkouts_of_other_repositories() -> None:
    slots = [
        # Codex's own worktree and the clone of one repository: one project.
        _in("api", "github.com/acme/api", "a1", "2026-11-23T10:00"),
        _in("api", "github.com/acme/api", "a2", "2026-11-23T11:00"),
        # Another repository in a folder of the same name.
        _in("api", "github.com/other/api", "o1", "2026-11-23T12:00"),
        # A folder of that name with no remote (or a log too old to say).
        _in("api", None, "n1", "2026-11-23T13:00"),
        # One name, one repository and a log without a remote: one project still.
        _in("shop", "gitlab.com/acme/shop", "s1", "2026-11-23T14:00"),
        _in("shop", None, "s2", "2026-11-23T15:00"),
        # The same owner and name on two hosts: told apart by the whole remote.
        _in("web", "github.com/acme/web", "w1", "2026-11-23T16:00"),
        _in("web", "gitlab.com/acme/web", "w2", "2026-11-23T17:00"),
    ]
    report = build_usage_report("project", slots, {}, zone=UTC)
    assert {row.key: len(row.sessions) for row in report.rows} == {
        "api (acme/api)": 2,
        "api (other/api)": 1,
        "api": 1,
        "shop": 2,
        "web (github.com/acme/web)": 1,
        "web (gitlab.com/acme/web)": 1,
    }
    # A session's project is named as in the project report.
    sessions = build_usage_report("session", slots, {}, zone=UTC)
    assert {row.key: row.project for row in sessions.rows} == {
        "a1": "api (acme/api)",
        "a2": "api (acme/api)",
        "o1": "api (other/api)",
        "n1": "api",
        "s1": "shop",
        "s2": "shop",
        "w1": "web (github.com/acme/web)",
        "w2": "web (gitlab.com/acme/web)",
    }


@pytest.mark.parametrize("kind", ["project", "session"])
def test_projects_named_from_the_index_need_not_hold_every_row(
    codex_home: CodexHome, tmp_path: Path, kind: str
) -> None:
    """``report`` asks the index for the (project, repository) pairs first
    (``slot_projects``), so that a project or session report reads its rows as they come
    (100,000 sessions' rows, held to be read twice, had taken 50 MB), and for the sessions'
    starts alone (``session_starts``; all that ``sessions`` tells had taken 40 MB): the same
    report."""
    import shutil

    from codex_presence_gui.core.usage_report import report_from_rows
    from tests.helpers.usage import usage_lines, usage_session_id

    remotes = ["git@github.com:acme/api.git", "https://github.com/other/api", None, None]
    for index, remote in enumerate(remotes):
        session = usage_session_id(index)
        cwd = f"/w/{index}/api" if index < 3 else "/w/shop"
        start = BASE + 900 * index
        lines = usage_lines(session, [(start + 60, 1000, 10, 5)], cwd=cwd, model="m")
        if remote is not None:
            git = {"commit_hash": "3f2a9d0c", "branch": "main", "repository_url": remote}
            lines[0] = r.session_meta(start, session, cwd=cwd, git=git)
        path = codex_home.write(session, lines, started=start)
        if index == 0:  # a copy beside it: left out of the rows, and of the pairs
            shutil.copy(path, path.with_name(path.stem + " copy.jsonl"))
    homes = [str(codex_home.root)]
    with UsageIndex(tmp_path / "index.sqlite3") as index:
        index.update(homes)
        pairs = index.slot_projects(homes)
        assert pairs == {(row[2], row[13]) for row in index.slot_rows(homes)}
        assert len(pairs) == 4
        sessions = index.sessions(homes)
        starts = index.session_starts(homes)
        assert starts == {key: info.started_at for key, info in sessions.items()}
        held = report_from_rows(kind, index.slot_rows(homes), sessions, zone=UTC)
        streamed = report_from_rows(
            kind, index.slot_rows(homes), {}, zone=UTC, projects=pairs, starts=starts
        )
    assert streamed == held
    if kind == "session":
        assert [row.started_at for row in held.rows] == [BASE + 900 * n for n in range(4)]
    assert {row.project if kind == "session" else row.key for row in held.rows} == {
        "api (acme/api)",
        "api (other/api)",
        "api",
        "shop",
    }


def test_the_text_table_says_three_digits_and_keeps_its_notes_whole() -> None:
    """Numbers in a column have three digits each ("1.80M" under "1.73M", not "1.8M"); the
    span a cut week counts stays on one line ("(from 2026-11-25" / "on)." had read as two
    things); a project or model report names its time zone only for the days asked (it has
    no days of its own)."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.5", 1_636_364),  # totals 1.80M
        _slot("2026-11-24T10:00", "s1", "gpt-5.5", 1_572_728),  # totals 1.73M
    ]
    pricer = Pricer(store=FixedPrices(slots))
    daily = report_text(build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=pricer))
    assert " 1.80M " in daily
    assert "1.8M " not in daily
    weekly = report_text(
        build_usage_report(
            "weekly", slots, SESSIONS, zone=UTC, pricer=pricer, since=date(2026, 11, 24)
        ),
        56,
        dates=(date(2026, 11, 24), None),
    )
    assert "(from\N{NO-BREAK SPACE}2026-11-24\N{NO-BREAK SPACE}on)" in weekly
    assert max(len(line) for line in weekly.splitlines()) <= 56
    model = build_usage_report("model", slots, SESSIONS, zone=UTC, pricer=pricer)
    assert "time zone" not in report_text(model)
    asked = report_text(model, dates=(date(2026, 11, 24), None))
    assert "The days asked are days in the UTC time zone" in asked


def test_a_period_s_models_stand_beside_its_date_most_tokens_first() -> None:
    """A day, week or month names its models in the room the numbers leave (as ccusage's
    table does): most tokens first, as many as fit whole, then how many more; a table too
    narrow for them leaves the column out, and the numbers stay in their columns."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.5", 1000),
        _slot("2026-11-23T11:00", "s1", "gpt-5.3-codex", 3000),
        _slot("2026-11-24T10:00", "s1", "gpt-5.5", 2000),
        *(_slot("2026-11-25T10:00", "s1", f"model-{n}-long", 100 + n) for n in range(4)),
    ]
    pricer = Pricer(store=FixedPrices(slots))
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=pricer)
    lines = report_text(report).splitlines()
    assert lines[0].startswith("Date        Models ")
    assert lines[2].startswith("2026-11-23  gpt-5.3-codex, gpt-5.5 ")
    assert lines[3].startswith("2026-11-24  gpt-5.5 ")
    # 24 cells: one name whole, then the count of the three others (two and ", +2" is 30).
    assert lines[4].startswith("2026-11-25  model-3-long, +3 ")
    assert len({len(line) for line in lines[:6]}) == 1  # the grid as before
    assert lines[2].endswith("4.40K     $0.01")
    assert lines[0].endswith("Cost*")
    weekly = report_text(build_usage_report("weekly", slots, SESSIONS, zone=UTC, pricer=pricer))
    assert weekly.splitlines()[2].startswith("2026-11-23  gpt-5.3-codex, +5 ")
    monthly = report_text(build_usage_report("monthly", slots, SESSIONS, zone=UTC, pricer=pricer))
    assert monthly.splitlines()[0].startswith("Month    Models ")
    wide = report_text(report, width=120).splitlines()
    assert wide[4].startswith("2026-11-25  model-3-long, model-2-long, model-1-long, model-0-long ")
    narrow = report_text(report, width=60).splitlines()
    assert "Models" not in narrow[0]
    assert narrow[2].startswith("2026-11-23 ")
    assert max(len(line) for line in narrow) <= 60
    # Sessions, projects and models have no such column.
    for kind in ("session", "project", "model"):
        table = report_text(build_usage_report(kind, slots, SESSIONS, zone=UTC, pricer=pricer))
        assert "Models" not in table.splitlines()[0]


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_models_cell_fits_names_as_the_output_writes_them(encoding: str) -> None:
    """Each model name is measured as the output writes it (a Chinese name as its escapes):
    escaped after the cell was fitted, the first name had been cut in its middle to
    "…\\u53f7", a cut the cell makes only to a name too long to fit alone."""
    from codex_presence_gui.core.usage_report import report_text_lines

    slots = [
        _slot("2026-11-23T10:00", "s1", "模型", 9000),
        _slot("2026-11-23T11:00", "s1", "gpt-5.5", 500),
        _slot("2026-11-23T12:00", "s1", "gpt-5.3-codex", 400),
    ]
    report = build_usage_report("daily", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    lines = list(report_text_lines(report, 80, UTC, encoding=encoding))
    assert lines[2].startswith("2026-11-23  \\u6a21\\u578b, +2 ")
    assert len(lines[2]) == len(lines[-5])  # the Total row: the grid kept


def test_the_unpriced_note_names_models_as_the_output_writes_them() -> None:
    """Written as "???", two Japanese names of one length had read the same in the note."""
    from codex_presence_gui.core.usage_report import report_text_lines

    slots = [
        _slot("2026-11-23T10:00", "s1", "日本語-model", 900),
        _slot("2026-11-23T11:00", "s1", "日本人-model", 500),
    ]
    report = build_usage_report("model", slots, SESSIONS, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
    text = " ".join(" ".join(report_text_lines(report, 60, UTC, encoding="cp1252")).split())
    assert "for: \\u65e5\\u672c\\u4eba-model, \\u65e5\\u672c\\u8a9e-model" in text


def test_a_models_cell_cuts_a_name_too_long_to_fit_alone() -> None:
    """A model name from the logs can be any length: alone it is cut in its middle, with the
    count of the others kept."""
    from codex_presence_gui.core.usage_report import _models_cell

    long = "x" * 40
    slots = [
        _slot("2026-11-23T10:00", "s1", long, 5000),
        _slot("2026-11-23T11:00", "s1", "gpt-5.5", 1000),
    ]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices(slots))
    )
    cell = _models_cell(report.rows[0], 24)
    assert cell == "x" * 9 + "…" + "x" * 10 + ", +1"  # 24 cells
    assert _models_cell(report.rows[0], 60) == f"{long}, gpt-5.5"


def test_a_breakdown_puts_each_row_s_models_under_it() -> None:
    """``--breakdown``: under each day, its models, most tokens first, indented, in the same
    columns (ccusage has it; the JSON and CSV forms had the models already)."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "gpt-5.5", 1000),
        _slot("2026-11-23T11:00", "s1", "gpt-5.3-codex", 3000),
        _slot("2026-11-24T10:00", "s1", "gpt-5.5", 2000),
    ]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices(slots))
    )
    lines = report_text(report, breakdown=True).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("2026-11-23"))
    assert lines[first + 1].startswith("  gpt-5.3-codex ")
    assert lines[first + 2].startswith("  gpt-5.5 ")
    assert lines[first + 3].startswith("2026-11-24")
    assert lines[first + 4].startswith("  gpt-5.5 ")
    assert max(len(line) for line in lines) <= 80
    assert {len(lines[i]) for i in range(first, first + 5)} == {len(lines[0])}  # one grid
    # Only when asked: without it, a row names its models beside its date, on its own line.
    assert not any(line.startswith("  gpt") for line in report_text(report).splitlines())
    assert "Models" not in lines[0]  # the lines under each row name them already
    models = build_usage_report(
        "model", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices(slots))
    )
    assert report_text(models, breakdown=True) == report_text(models)


#: Names that read the same once cleaned or drawn ("gpt-5", "gpt 5"), each another model.
LOOK_ALIKES = ["gpt-5", "\u202egpt-5", "gpt-5\u200b", "gpt-5\ufeff", "gpt 5", "gpt\u00a05"]


def _look_alike_report(kind: str) -> UsageReport:
    """One session per name, its project named alike ("shop-5", "\\u202eshop-5", …)."""
    slots = [
        _slot(
            "2026-11-23T10:00",
            f"019d0000-0000-7000-8000-00000000000{n}" + ("\u2060" if n == 1 else ""),
            name,
            1000 * (n + 1),
            project=name.replace("gpt", "shop"),
        )
        for n, name in enumerate(LOOK_ALIKES)
    ]
    return build_usage_report(kind, slots, {}, zone=UTC)


@pytest.mark.parametrize("kind", ["model", "project", "session"])
def test_text_never_shows_two_names_alike(kind: str) -> None:
    """A bidi override, a zero-width or a no-break space is shown escaped (``\\u202e``), so
    that two rows never read as the same model, project or session, and the table still
    fits 80 columns (cleaned, "\\u202egpt-5" had read "gpt-5", its tokens seemingly counted
    twice)."""
    text = report_text(_look_alike_report(kind), zone=UTC, today=date(2026, 11, 30))
    lines = text.splitlines()
    rows = lines[2 : 2 + len(LOOK_ALIKES)]
    key_width = lines[0].index("Input") - 3  # "  Input" right-aligned after a space
    labels = [row[:key_width].rstrip() for row in rows]
    assert len(set(labels)) == len(LOOK_ALIKES), labels
    assert all(line.isprintable() for line in lines)
    assert max(text_cells(line) for line in lines) <= 80
    name = {"model": "\\u202egpt-5", "project": "\\u202eshop-5"}.get(kind, "\\u202esh…")
    assert any(name in label for label in labels)
    if kind == "session":  # the end of the id too, the project cut to make room for it
        assert any(label.endswith("0001\\u2060") for label in labels)


def test_breakdown_never_shows_two_models_alike() -> None:
    report = _look_alike_report("daily")
    lines = report_text(report, zone=UTC, breakdown=True).splitlines()
    key_width = lines[0].index("Input") - 3
    models = [line[:key_width].strip() for line in lines if line.startswith("  ")]
    assert len(set(models)) == len(LOOK_ALIKES)


@pytest.mark.parametrize("kind", ["model", "project", "session"])
def test_csv_never_shows_two_names_alike_and_json_keeps_them_exact(kind: str) -> None:
    """CSV cells are the text table's names (escaped: a pivot table keeps the rows apart);
    ``--json`` has the exact names."""
    report = _look_alike_report(kind)
    rows = list(csv.reader(io.StringIO(report_csv(report, UTC))))[1:]
    assert len({row[0] for row in rows}) == len(LOOK_ALIKES)
    assert all(cell.isprintable() for row in rows for cell in row)
    if kind != "model":
        assert len({row[1] for row in rows}) == len(LOOK_ALIKES)  # the model column
    document = json.loads(json.dumps(report_json(report, UTC)))
    keys = [row["key"] for row in document["rows"]]
    assert set(keys) == {row.key for row in report.rows}  # as the index has them
    if kind == "model":
        assert set(keys) == set(LOOK_ALIKES)
    models = {model for row in document["rows"] for model in row["models"]}
    assert models == set(LOOK_ALIKES)


def test_a_cut_name_keeps_its_escapes_whole_in_the_text() -> None:
    """A name shown with escapes (``\\u202e``) and cut to fit its column, a session's label
    or the note on models without a price is cut before an escape, never inside one."""
    from tests.unit.core.test_shown_key import escapes_are_whole

    model = "m" + "\u202e" * 40
    slots = [_slot("2026-11-23T10:00", "s-00c0ffee", model, 1000, project="p" + "\u200b" * 40)]
    for kind in ("model", "session", "daily"):
        report = build_usage_report(kind, slots, {}, zone=UTC, pricer=_NoPrices())  # type: ignore[arg-type]
        lines = report_text(report, 80, breakdown=True).splitlines()
        assert max(text_cells(line) for line in lines) <= 80
        assert "…" in lines[2] + lines[3]  # cut (a daily report: its model, under its day)
        assert all(escapes_are_whole(line) for line in lines), kind
    note = report_text(build_usage_report("daily", slots, {}, zone=UTC, pricer=_NoPrices()))  # type: ignore[arg-type]
    assert "No price known for: m\\u202e" in " ".join(note.split())


def test_a_name_that_reads_as_a_placeholder_is_told_apart() -> None:
    """A model named "(model not logged)" had read as the calls without a model in the text
    and the CSV; JSON keeps the names as they are (and ``unknown`` for no model)."""
    slots = [
        _slot("2026-11-23T10:00", "s1", "unknown", 1000),
        _slot("2026-11-23T10:00", "s2", "(model not logged)", 2000, project="(none)"),
    ]
    by_model = build_usage_report("model", slots, {}, zone=UTC)
    keys = [line.split("  ")[0] for line in report_text(by_model).splitlines()[2:4]]
    assert keys == ["\\x28model not logged)", "(model not logged)"]
    rows = list(csv.reader(io.StringIO(report_csv(by_model, UTC))))
    assert [row[0] for row in rows[1:]] == ["\\x28model not logged)", "unknown"]
    assert [row["key"] for row in report_json(by_model, UTC)["rows"]] == [
        "(model not logged)",
        "unknown",
    ]
    by_project = build_usage_report("project", slots, {}, zone=UTC)
    assert report_text(by_project).splitlines()[2].startswith("\\x28none) ")
    assert list(csv.reader(io.StringIO(report_csv(by_project, UTC))))[1][:2] == [
        "\\x28none)",
        "\\x28model not logged)",
    ]
    assert report_json(by_project, UTC)["rows"][0]["key"] == "(none)"


def test_the_cache_note_says_its_saving_as_an_estimate_and_drops_a_zero_one() -> None:
    """As the Usage page says it ("which saved ~$1.20"): the report had said "saving $1.20",
    without the "~" of every other estimate, and "saving $0.00" where nothing was saved."""
    slots = [_slot("2026-11-23T10:00", "s1", "gpt-5.5", 10**8)]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices())
    )
    saved = next(line for line in report_text(report).splitlines() if "hits" in line)
    assert re.fullmatch(r"Cache hits: 50% of input, which saved ~\$\d+\.\d\d\.", saved), saved
    uncached = TokenUsage(1000, 0, 100, 0, 1100)
    slots = [SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "gpt-5.5", False, 1, uncached)]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices())
    )
    assert report.totals.tally.savings_usd == 0
    assert "Cache hits: 0% of input." in report_text(report).splitlines()
    # Nor a saving under a cent ("which saved <$0.01+" with some models unpriced).
    few = TokenUsage(1000, 10, 100, 0, 1100)
    slots = [
        SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "gpt-5.5", False, 1, few),
        SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "acme-local", False, 1, few),
    ]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices())
    )
    assert 0 < report.totals.tally.savings_usd < 0.005
    assert "Cache hits: 1% of input." in report_text(report).splitlines()


def test_a_saving_that_leaves_out_unpriced_cache_hits_is_marked_in_the_report() -> None:
    """As the costs are: the cache hits of a model without a price are not in the saving,
    which is marked "+" (it had read as the saving of every hit)."""
    priced = TokenUsage(10**8, 5 * 10**7, 0, 0, 10**8)
    slots = [
        SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "gpt-5.5", False, 1, priced),
        SlotUsage(_at("2026-11-23T10:00"), "s1", "shop", "acme-local", False, 1, priced),
    ]
    report = build_usage_report(
        "daily", slots, SESSIONS, zone=UTC, pricer=Pricer(store=FixedPrices())
    )
    saved = next(line for line in report_text(report).splitlines() if "hits" in line)
    assert re.fullmatch(r"Cache hits: 50% of input, which saved ~\$\d+\.\d\d\+\.", saved), saved


def test_the_machine_s_zone_changed_while_running_is_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A zone changed after the process started (a laptop that travelled, ``timedatectl
    set-timezone``) is the one counted in: the C library reads it once, and a window left
    running had counted its days in the old zone while a new ``report`` used the new one."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert _zone_name(local_zone()) == "Europe/Paris"
        monkeypatch.setenv("TZ", "Asia/Tokyo")  # changed, nobody told the C library
        zone = local_zone()
        assert _zone_name(zone) == "Asia/Tokyo"
        moment = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)
        assert datetime.fromtimestamp(moment.timestamp(), zone).isoformat() == (
            "2026-01-11T05:00:00+09:00"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("shown", "told"),
    [
        ("~$3.60", "about $3.60"),
        ("~$4.02+", "about $4.02 or more"),
        ("<$0.01", "less than $0.01"),
        ("<$0.01+", "less than $0.01 or more"),
        ("~$1.39M", "about $1.39M"),
        ("$0.00", "$0.00"),
        ("cost unknown", "cost unknown"),
    ],
)
def test_a_cost_is_told_to_screen_readers_in_words(shown: str, told: str) -> None:
    from codex_presence_gui.core.usage_report import cost_spoken, spoken_costs

    assert cost_spoken(shown) == told
    # In a line, its counts in words too: "1.2 million", "$1.39 million".
    told = told.replace("$1.39M", "$1.39 million")
    assert spoken_costs(f"today: 1.2M tokens · {shown}") == f"today: 1.2 million tokens, {told}"
    # In a sentence, a tooltip's lines: the punctuation round a cost stays where it was.
    from codex_presence_gui.core.usage_report import spoken_lines

    assert spoken_lines(f"which saved {shown}.") == f"which saved {told}."
    assert spoken_lines(f"a\n  b: 3 tokens · ({shown})") == f"a\n  b: 3 tokens, ({told})"
