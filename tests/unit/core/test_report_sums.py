"""A report made from kept sums and the rows after them (``SumsSoFar``) is the report made
from all the rows, to the last bit of every cost; sums that are not ours are not used."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.pricing import Pricer, PriceSpan, UnitPrices
from codex_presence_gui.core.usage_index import SLOT_SECONDS, SlotRow, UsageIndex
from codex_presence_gui.core.usage_report import (
    RESUMABLE_KINDS,
    SumsSoFar,
    UsageReport,
    report_from_rows,
    report_json_text,
    report_text_lines,
    write_report_csv,
)
from tests.helpers.rollout import BASE, CodexHome
from tests.helpers.usage import usage_lines, usage_session_id

#: 2026-05-03 20:00 UTC: the rows' quarter hours run over three days in every zone below.
FIRST_SLOT = 1_777_838_400
ZONES: list[tzinfo] = [UTC, ZoneInfo("America/St_Johns"), ZoneInfo("Asia/Kathmandu")]
MODELS = ("gpt-5.3-codex", "gpt-5", "mystery")


class _Prices:
    """Odd unit prices for every day, so that costs added in another order end in other
    digits; ``mystery`` has none (the library is never asked)."""

    def load_prices(self, library: str) -> list[PriceSpan]:
        spans = []
        for n, model in enumerate(MODELS[:2]):
            for long_context in (False, True):
                for tier in ("", "priority"):
                    scale = Decimal(1 + n + 2 * long_context + 3 * (tier == "priority"))
                    units = UnitPrices(
                        Decimal("0.0000013") * scale,
                        Decimal("0.00000031") * scale,
                        Decimal("0.0000107") * scale,
                    )
                    spans.append(PriceSpan(model, long_context, tier, "2000-01-01", None, units))
        spans.append(PriceSpan("mystery", False, "", "2000-01-01", None, None))
        return spans

    def save_price(self, library: str, span: PriceSpan) -> None:
        pass


_sums = st.tuples(
    st.integers(1, 40),  # calls
    st.integers(0, 10**9),  # input
    st.integers(0, 10**9),  # cached input
    st.integers(0, 10**7),  # output
)
#: One row of the index: (quarter hour, session, model, long context, service tier) and sums.
_row = st.tuples(
    st.integers(0, 300),
    st.integers(0, 5),
    st.sampled_from(MODELS),
    st.sampled_from((0, 0, 1)),
    st.sampled_from(("", "", "priority")),
    _sums,
)


def _slot_row(key: tuple[int, int, str, int, str], sums: tuple[int, int, int, int]) -> SlotRow:
    slot, session, model, long_context, tier = key
    calls, input_tokens, cached, output = sums
    at = FIRST_SLOT + slot * SLOT_SECONDS
    session_id = f"019d0000-0000-7000-8000-{session:012x}"
    reasoning = output // 3
    total = input_tokens + output
    long_context = long_context if model != "mystery" else 0
    tier = tier if model != "mystery" else ""
    return (
        at,
        session_id,
        f"proj{session % 2}",
        model,
        long_context,
        calls,
        input_tokens,
        min(cached, input_tokens),
        output,
        reasoning,
        total,
        tier,
        at + 60.0,
        None,
    )


def _index_rows(rows: dict[tuple[int, int, str, int, str], tuple[int, int, int, int]]) -> list[Any]:
    """The rows in the index's order: by quarter hour, then file, model, context, tier."""
    return [_slot_row(key, rows[key]) for key in sorted(rows)]


def _report(kind: str, rows: list[Any], zone: tzinfo, **options: Any) -> UsageReport:
    return report_from_rows(kind, rows, {}, zone=zone, pricer=Pricer(store=_Prices()), **options)


def _forms(report: UsageReport, zone: tzinfo, dates: tuple[date | None, date | None]) -> str:
    csv = io.StringIO()
    write_report_csv(report, zone, csv)
    lines = report_text_lines(report, 100, zone, dates, date(2026, 5, 5), breakdown=True)
    text = "\n".join(lines)
    return "".join(report_json_text(report, zone, dates)) + csv.getvalue() + text


@given(
    kind=st.sampled_from(RESUMABLE_KINDS),
    zone=st.sampled_from(ZONES),
    before=st.lists(_row, max_size=40),
    appended=st.lists(_row, max_size=12),
    cut=st.integers(0, 310),
    since=st.sampled_from((None, date(2026, 5, 4))),
    until=st.sampled_from((None, date(2026, 5, 5))),
)
def test_a_report_from_kept_sums_is_the_whole_report(
    kind: str,
    zone: tzinfo,
    before: list[Any],
    appended: list[Any],
    cut: int,
    since: date | None,
    until: date | None,
) -> None:
    options = {"since": since, "until": until}
    rows = {tuple(key): sums for *key, sums in before}
    first = FIRST_SLOT + cut * SLOT_SECONDS
    kept = _report(kind, _index_rows(rows), zone, keep_from=first, **options).sums_so_far
    assert kept is not None
    assert kept.first_slot == first
    # An append: calls added to rows from the kept sums' quarter hour on, and new rows there.
    for slot, *key, (calls, input_tokens, cached, output) in appended:
        at = (max(slot, cut), *key)
        old = rows.get(at, (0, 0, 0, 0))
        rows[at] = (old[0] + calls, old[1] + input_tokens, old[2] + cached, old[3] + output)
    after = _index_rows(rows)
    resumed = SumsSoFar.from_text(kept.to_text())
    assert resumed == kept
    tail = [row for row in after if row[0] >= first]
    went_on = _report(kind, tail, zone, resume=resumed, **options)
    whole = _report(kind, after, zone, **options)
    assert went_on == whole
    assert _forms(went_on, zone, (since, until)) == _forms(whole, zone, (since, until))


def test_sums_are_kept_before_the_first_row_of_their_quarter_hour() -> None:
    rows = {(0, 1, "gpt-5", 0, ""): (1, 1000, 10, 5), (4, 2, "gpt-5", 0, ""): (1, 99, 0, 1)}
    kept = _report("daily", _index_rows(rows), UTC, keep_from=FIRST_SLOT + 4 * SLOT_SECONDS)
    assert kept.sums_so_far is not None
    (row,) = kept.sums_so_far.rows  # the first call only
    assert row[3][0][:3] == ["gpt-5", 1000, 10]
    # No row from that quarter hour on: every row is in the sums.
    late = _report("model", _index_rows(rows), UTC, keep_from=FIRST_SLOT + 99 * SLOT_SECONDS)
    assert late.sums_so_far is not None
    assert [row[0] for row in late.sums_so_far.rows] == ["gpt-5"]
    assert late.sums_so_far.rows[0][3][0][1] == 1099


@pytest.mark.parametrize("kind", ["session", "project"])
def test_reports_named_by_all_their_rows_keep_no_sums(kind: str) -> None:
    with pytest.raises(ValueError, match="kept sums"):
        _report(kind, [], UTC, keep_from=FIRST_SLOT)


def _kept_text() -> str:
    rows = {(0, 1, "gpt-5", 0, ""): (2, 1000, 10, 5), (1, 2, "mystery", 0, ""): (1, 9, 0, 1)}
    kept = _report("daily", _index_rows(rows), UTC, keep_from=FIRST_SLOT + 9 * SLOT_SECONDS)
    assert kept.sums_so_far is not None
    return kept.sums_so_far.to_text()


def _damaged(change: str) -> str:
    state = json.loads(_kept_text())
    cell = state["rows"][0][3][0]  # ["gpt-5", input, cached, output, reasoning, total, ...]
    if change == "nan cost":
        return _kept_text().replace(repr(state["rows"][0][1]), "NaN", 1)
    if change == "infinite cost":
        return _kept_text().replace(repr(state["rows"][0][1]), "1e999", 1)
    if change == "negative tokens":
        cell[1] = -1
    elif change == "true for a count":
        cell[6] = True
    elif change == "text for a cost":
        cell[7] = "0.5"
    elif change == "a value too many":
        cell.insert(1, 0)
    elif change == "a model named by a number":
        cell[0] = 5
    elif change == "a session named by a number":
        cell[-1] = [7]
    elif change == "a day named by a number":
        state["rows"][0][0] = 20260504
    elif change == "no totals":
        del state["totals"]
    elif change == "a fractional quarter hour":
        state["first_slot"] = 1.5
    elif change == "a list":
        state = [state]
    elif change == "a model of no totals":
        state["totals"][2] = [whole for whole in state["totals"][2] if whole[0] != cell[0]]
    elif change == "counts past 64 bits":
        cell[1] = cell[5] = 2**62  # (with the rows after them, not written as JSON)
    elif change == "a model named with a lone surrogate":
        cell[0] = "gpt-5\udcff"
        state["totals"][2].append(["gpt-5\udcff", None, None])
    elif change == "a quarter hour past 64 bits":
        state["first_slot"] = -900 * 2**64
    elif change == "nested past Python's depth":
        return "[" * 100_000 + "]" * 100_000
    return json.dumps(state)


@pytest.mark.parametrize(
    "change",
    [
        "nan cost",
        "infinite cost",
        "negative tokens",
        "true for a count",
        "text for a cost",
        "a value too many",
        "a model named by a number",
        "a session named by a number",
        "a day named by a number",
        "no totals",
        "a fractional quarter hour",
        "a list",
        "a model of no totals",
        "counts past 64 bits",
        "a quarter hour past 64 bits",
        "nested past Python's depth",
    ],
)
def test_sums_that_are_not_ours_are_not_used(change: str) -> None:
    assert SumsSoFar.from_text(_kept_text()) is not None
    assert SumsSoFar.from_text(_damaged(change)) is None


@pytest.mark.parametrize("text", ["", "{", "null", "[]", '{"first_slot": 0}', "\udcff"])
def test_text_that_is_no_sums_is_not_used(text: str) -> None:
    assert SumsSoFar.from_text(text) is None


#: Four calls of one quarter hour (each below the long context) whose costs, added in one
#: order and in the other, print apart in a report's sixth decimal (2.527197 and 2.527198).
ONE_QUARTER_HOUR = [
    (BASE + 10, 256_558, 915, 44_694),
    (BASE + 20, 64_691, 998, 76_387),
    (BASE + 30, 12_358, 491, 27_423),
    (BASE + 40, 201_927, 646, 22_900),
]


def _indexed(home: CodexHome, path: Path, order: list[int]) -> str:
    """The daily report of an index that met the sessions in ``order``, one update each."""
    with UsageIndex(path) as index:
        for number in order:
            session = usage_session_id(number)
            call = [ONE_QUARTER_HOUR[number]]
            home.write(session, usage_lines(session, call, cwd="/w/a", model="gpt-5.3-codex"))
            index.update([str(home.root)])
        report = report_from_rows(
            "daily",
            index.slot_rows([str(home.root)]),
            {},
            zone=UTC,
            pricer=Pricer(store=_FourPrices()),
        )
    return "".join(report_json_text(report, UTC, (None, None)))


class _FourPrices:
    def load_prices(self, library: str) -> list[PriceSpan]:
        units = UnitPrices(Decimal("0.0000013"), Decimal("0.00000031"), Decimal("0.0000107"))
        return [PriceSpan("gpt-5.3-codex", False, "", "2000-01-01", None, units)]

    def save_price(self, library: str, span: PriceSpan) -> None:
        pass


def test_the_report_of_an_index_does_not_depend_on_the_order_its_files_were_read(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The window's index meets files as Codex writes them, a rebuilt one as a walk finds
    them: their reports are the same, to the last digit of every cost (the rows of a quarter
    hour are added by the files' paths, not by the order the index met them)."""
    forward = _indexed(codex_home, tmp_path / "a.sqlite3", [0, 1, 2, 3])
    for path in codex_home.files:
        path.unlink()
    codex_home.files.clear()
    backward = _indexed(codex_home, tmp_path / "b.sqlite3", [3, 2, 1, 0])
    assert '"cost_usd": 2.52719' in forward
    assert backward == forward
