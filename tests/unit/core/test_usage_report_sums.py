"""Every tally of a report is its calls added one by one, in the index's order: costs too, to
the last bit (a sum of floats depends on its order)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.pricing import UnitPrices, price_tokens
from codex_presence_gui.core.usage_index import SessionInfo
from codex_presence_gui.core.usage_report import Tally, UsageRow, report_from_rows
from codex_presence_gui.core.zones import REPORT_KINDS

BASE = 1_779_000_000 // 900 * 900
ZONE = ZoneInfo("America/St_Johns")
PRICES = {
    "gpt-a": UnitPrices(Decimal("0.00000175"), Decimal("1.75E-7"), Decimal("0.000014")),
    "gpt-b": UnitPrices(Decimal(1) / Decimal(3_000_000), Decimal("3.3E-8"), Decimal("0.0000077")),
}


class Prices:
    source = "test prices"

    def units(
        self, model: str, long_context: bool, on: date | None = None, service_tier: str = ""
    ) -> UnitPrices | None:
        return PRICES.get(model)


ROWS = st.lists(
    st.tuples(
        st.integers(0, 300).map(lambda n: BASE + n * 900),
        st.sampled_from(["s1", "s2", "s3"]),
        st.sampled_from(["shop", "docs"]),
        st.sampled_from(["gpt-a", "gpt-b", "unpriced"]),
        st.integers(0, 1),
        st.integers(1, 9),
        st.integers(0, 10**9),
        st.integers(0, 10**9),
        st.integers(0, 10**7),
        st.integers(0, 10**6),
        st.integers(0, 10**9),
        st.sampled_from(["", "priority"]),
        st.integers(0, 899),  # the last call, seconds into the quarter hour
    ),
    max_size=60,
).map(
    lambda rows: sorted(
        ((*row[:12], row[0] + row[12] + 0.5, None) for row in rows), key=lambda row: row[0]
    )
)


def _reference(kind: str, rows: list[tuple], since: date | None) -> dict[str, UsageRow]:  # type: ignore[type-arg]
    """The plain way: each call added to the four tallies that count it, in order."""
    found: dict[str, UsageRow] = {}
    totals = UsageRow("total")
    for slot, session, project, model, _, calls, i, c, o, r, t, _, _, _ in rows:
        day = datetime.fromtimestamp(slot, ZONE).date()
        if since is not None and day < since:
            continue
        key = {
            "daily": day.isoformat(),
            "weekly": (day - timedelta(days=day.weekday())).isoformat(),
            "monthly": day.strftime("%Y-%m"),
            "session": session,
            "project": project,
            "model": model,
        }[kind]
        row = found.setdefault(key, UsageRow(key))
        units = PRICES.get(model)
        cost, saved = price_tokens(units, i, c, o) if units is not None else (None, None)
        for target in (row, totals):
            for tally in (target.tally, target.models.setdefault(model, Tally())):
                tally.count(i, c, o, r, t, calls, cost, saved)
                tally.sessions.add(session)
    if not totals.models:  # no calls: a cost of nothing, not an unknown one
        totals.tally.cost_usd = totals.tally.savings_usd = 0.0
    found["total"] = totals
    return found


@given(ROWS, st.sampled_from(REPORT_KINDS), st.sampled_from([None, date(2026, 5, 18)]))
def test_each_tally_is_its_calls_one_by_one(
    rows: list[tuple],  # type: ignore[type-arg]
    kind: str,
    since: date | None,
) -> None:
    sessions = {name: SessionInfo(name, "shop", None, None, None, False) for name in "s1 s2 s3"}
    report = report_from_rows(kind, rows, sessions, zone=ZONE, since=since, pricer=Prices())
    expected = _reference(kind, rows, since)
    ours = {row.key: row for row in report.rows}
    ours["total"] = report.totals
    assert set(ours) == set(expected)
    for key, row in ours.items():
        assert row.tally == expected[key].tally, key
        assert row.models == expected[key].models, key
        assert list(row.models) == list(expected[key].models), key  # the same order
        assert row.sessions == expected[key].sessions, key
    if kind == "session":  # its last call counted, to the second
        for row in report.rows:
            assert row.last_at == max(
                line[12]
                for line in rows
                if line[1] == row.key
                and (since is None or datetime.fromtimestamp(line[0], ZONE).date() >= since)
            )
    assert datetime.fromtimestamp(BASE, UTC).year == 2026
