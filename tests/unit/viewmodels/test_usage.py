"""The Usage view as data: totals, the chart, the tables, the cache and every state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.formatting import format_tokens_compact
from codex_presence_gui.core.models import TokenUsage
from codex_presence_gui.core.pricing import UnitPrices
from codex_presence_gui.core.usage_index import SessionInfo, SlotUsage, UsageIndex
from codex_presence_gui.core.usage_recent import RecentUsage, read_recent
from codex_presence_gui.core.usage_report import COST_LABEL, build_usage_report, report_csv
from codex_presence_gui.viewmodels.usage import (
    BUILDING_MESSAGE,
    CHART_MODELS,
    EMPTY_MESSAGE,
    OTHER_COLOR,
    OTHER_MODELS,
    QUIET_MESSAGE,
    ChartView,
    UsageState,
    approx_money,
    compact_line,
    kept_colors,
    loading_view,
    rounded_percents,
    usage_view,
)
from tests.helpers.rollout import CodexHome

UTC = UTC
TODAY = date(2026, 5, 20)
#: Dollars per token: input, cached input, output (a made-up, round price list).
PRICES = {"gpt-a": (2e-6, 0.5e-6, 10e-6), "gpt-b": (1e-6, 0.1e-6, 4e-6)}


class FakePricer:
    """The ``Pricer`` interface with round prices; models not listed have none."""

    source = "test prices"

    def units(
        self, model: str, long_context: bool, on: date | None = None, service_tier: str = ""
    ) -> UnitPrices | None:
        prices = PRICES.get(model)
        return None if prices is None else UnitPrices(*(Decimal(str(p)) for p in prices))


def slot(
    day: date,
    tokens_in: int,
    out: int = 0,
    *,
    cached: int = 0,
    model: str = "gpt-a",
    project: str = "shop",
    session: str = "s1",
    hour: int = 10,
) -> SlotUsage:
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp()
    tokens = TokenUsage(tokens_in, cached, out, 0, tokens_in + out)
    return SlotUsage(int(moment), session, project, model, False, 1, tokens)


def recent(
    slots: list[SlotUsage], *, today: date = TODAY, days: int = 30, **extra: object
) -> RecentUsage:
    sessions = {
        item.session_id: SessionInfo(item.session_id, item.project, None, None, None, False)
        for item in slots
    }
    start = today - timedelta(days=days - 1)
    reports = [
        build_usage_report(
            kind, slots, sessions, zone=UTC, since=start, until=today, pricer=FakePricer()
        )
        for kind in ("daily", "project", "model")
    ]
    options: dict[str, object] = {
        "recorded": bool(slots),
        "generated_at": 1.0,
        "days": days,
        **extra,
    }
    return RecentUsage(today, UTC, *reports, **options)  # type: ignore[arg-type]


def test_the_compact_line_says_today_in_tokens_and_estimated_dollars() -> None:
    """1.2M tokens costing $3.40 read "today: 1.2M tokens · ~$3.40"."""
    # 1,075,000 input at $2/M is $2.15, and 125,000 output at $10/M is $1.25.
    view = usage_view(recent([slot(TODAY, 1_075_000, 125_000)]))
    assert view.compact_line == "today: 1.2M tokens · ~$3.40"
    assert view.compact_short == "today: 1.2M · ~$3.40"  # for a window too narrow for it
    assert "estimate" in view.compact_tooltip
    assert "API" in view.compact_tooltip


def test_compact_line_without_use_today_or_without_a_price() -> None:
    """Nothing today says 0 tokens; a day of unpriced models leaves the cost out."""
    yesterday = TODAY - timedelta(days=1)
    assert usage_view(recent([slot(yesterday, 5000)])).compact_line == "today: 0 tokens"
    assert usage_view(recent([slot(TODAY, 5000, model="mystery")])).compact_line == (
        "today: 5K tokens"
    )
    assert compact_line(None) == "today: 0 tokens"
    assert compact_line(None, short=True) == "today: 0"


def test_today_seven_and_thirty_day_totals() -> None:
    """Each period sums the days that end today; older days fall outside the 30."""
    slots = [
        slot(TODAY, 1000),
        slot(TODAY - timedelta(days=6), 2000),
        slot(TODAY - timedelta(days=7), 4000),
        slot(TODAY - timedelta(days=29), 8000),
        slot(TODAY - timedelta(days=30), 16_000),  # the 31st day back: not counted
    ]
    view = usage_view(recent(slots))
    assert view.state is UsageState.READY
    assert [(t.label, t.tokens) for t in view.totals] == [
        ("Today", 1000),
        ("7 days", 3000),
        ("30 days", 15_000),
    ]
    assert [t.tokens_text for t in view.totals] == ["1K tokens", "3K tokens", "15K tokens"]
    assert [t.cost_text for t in view.totals] == ["<$0.01", "~$0.01", "~$0.03"]
    assert "API-equivalent cost (estimate)" in view.totals[0].tooltip


def test_the_chart_has_thirty_days_stacked_by_model() -> None:
    """Oldest first, today last, every day present; each bar's parts follow the series,
    the most used model first."""
    slots = [
        slot(TODAY, 1000, model="gpt-b"),
        slot(TODAY, 3000, model="gpt-a"),
        slot(TODAY - timedelta(days=2), 500_000, model="gpt-b"),
        slot(TODAY - timedelta(days=29), 200, model="gpt-a"),
    ]
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    assert len(chart.days) == 30
    assert chart.days[0].day == TODAY - timedelta(days=29)
    assert chart.days[-1].day == TODAY
    assert chart.series == ("gpt-b", "gpt-a")
    today = chart.days[-1]
    assert [(s.series, s.tokens) for s in today.segments] == [(0, 1000), (1, 3000)]
    assert today.tokens == 4000
    assert chart.days[-2].segments == ()
    assert chart.max_tokens == 500_000
    assert chart.max_cost == pytest.approx(0.5)
    assert chart.priced


def test_each_day_says_its_models_and_total_on_hover() -> None:
    """The date (today's said so, as the axis says it under its bar), each model's tokens
    and estimated cost, and the total."""
    slots = [slot(TODAY, 1_000_000, model="gpt-a"), slot(TODAY, 250_000, model="gpt-b")]
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    assert chart.days[-1].tooltip == (
        "Today, Wednesday 20 May 2026\n"
        "gpt-a: 1M tokens · ~$2.00\n"
        "gpt-b: 250K tokens · ~$0.25\n"
        "Total: 1.25M tokens · ~$2.25"
    )
    assert chart.days[-1].label == "Wed 20 May"
    assert chart.days[-3].tooltip == "Monday 18 May 2026\nNo usage"


def test_many_models_share_one_other_colour() -> None:
    """Beyond the chart's colours, the least used models are one "Other models" part."""
    slots = [slot(TODAY, 1000 * (index + 1), model=f"m{index}") for index in range(8)]
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    assert len(chart.series) == CHART_MODELS
    assert chart.series[-1] == OTHER_MODELS
    assert chart.series[0] == "m7"
    other = [s for s in chart.days[-1].segments if s.series == CHART_MODELS - 1]
    assert other[0].tokens == 1000 + 2000 + 3000  # m0, m1 and m2 together
    assert "m0: 1K tokens" in chart.days[-1].tooltip  # the tooltip still names each one


def test_a_day_of_many_models_names_the_first_in_its_tooltip_and_the_rest_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A day of 20 models: its tooltip names the 11 most used and says what the 9 others used
    together (a day of 60 had made a tooltip taller than the screen); so does a project's,
    under "By model:". Up to ``TIP_MODELS`` models, each is named."""
    from codex_presence_gui.viewmodels.usage import TIP_MODELS

    prices = {f"m{i:02}": (1e-6, 0.0, 0.0) for i in range(19)}  # m19 has no price
    monkeypatch.setattr("tests.unit.viewmodels.test_usage.PRICES", prices)
    slots = [slot(TODAY, 1000 * (20 - i), model=f"m{i:02}") for i in range(20)]
    view = usage_view(recent(slots))
    assert view.chart is not None
    lines = view.chart.days[-1].tooltip.splitlines()
    assert len(lines) == 1 + TIP_MODELS + 1  # the day, the models, the total
    assert lines[1] == "m00: 20K tokens · ~$0.02"
    assert lines[TIP_MODELS - 1].startswith("m10: ")
    # m11 to m19: 9,000 down to 1,000 tokens, 45,000 in all; m19 has no price (the "+").
    assert lines[TIP_MODELS] == "9 other models: 45K tokens · ~$0.04+"
    assert lines[-1].startswith("Total: 210K tokens")
    project = view.projects[0].tooltip.splitlines()
    named = project.index("By model:")
    assert project[named + TIP_MODELS] == "  9 other models: 45K tokens · ~$0.04+"
    few = usage_view(recent(slots[:TIP_MODELS])).chart
    assert few is not None
    assert "other models" not in few.days[-1].tooltip
    assert len(few.days[-1].tooltip.splitlines()) == 1 + TIP_MODELS + 1


def test_tooltips_keep_every_digit_of_sizes_the_cells_can_only_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a damaged log gets there: 4,000 trillion tokens read ">999T" in the cells, and a
    cost of millions "~$1.04M"; a day's and a row's tooltips give every digit, as the
    totals' do."""
    monkeypatch.setattr(
        "tests.unit.viewmodels.test_usage.PRICES",
        {"gpt-a": (1e-9, 0.0, 0.0), "gpt-b": PRICES["gpt-b"]},
    )
    huge = 4 * 10**15
    view = usage_view(recent([slot(TODAY, huge), slot(TODAY, 1_040_000_000_000, model="gpt-b")]))
    assert view.chart is not None
    tip = view.chart.days[-1].tooltip
    assert "gpt-a: 4,000,000,000,000,000 tokens · ~$4,000,000.00" in tip
    assert "gpt-b: 1.04T tokens · ~$1,040,000.00" in tip
    assert view.models[0].tokens_text == ">999T"  # the cell: a bound
    assert "gpt-b: 1.04T tokens · ~$1,040,000.00" in view.projects[0].tooltip


def test_calls_of_no_tokens_alone_leave_the_page_empty() -> None:
    """Calls that all say 0 tokens (a damaged or odd log) are no usage to chart: the page
    says there is none in the 30 days, rather than a chart scaled 0 to 2 without a bar, and
    shares of 0 %."""
    view = usage_view(recent([slot(TODAY, 0), slot(TODAY - timedelta(days=3), 0, model="b")]))
    assert view.state is UsageState.EMPTY
    assert view.message.startswith("No Codex usage in the last 30 days.")
    assert view.compact_line == "today: 0 tokens"


def _three_models_chart() -> ChartView:
    """Today: the most tokens of a model without a price, then gpt-b's $3.00 and gpt-a's
    $4.00 (fewer tokens, dearer)."""
    slots = [
        slot(TODAY, 10_000_000, model="mystery"),
        slot(TODAY, 3_000_000, model="gpt-b"),
        slot(TODAY, 2_000_000, model="gpt-a"),
    ]
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    return chart


def test_the_cost_bars_stack_the_priced_models_costliest_first_in_their_colours() -> None:
    """The cost bars name the models with a cost, the costliest first; each keeps the colour
    the token bars give it, so that switching modes never recolours a model."""
    chart = _three_models_chart()
    assert chart.stacking(cost=False) == (("mystery", "gpt-b", "gpt-a"), (0, 1, 2))
    assert chart.stacking(cost=True) == (("gpt-a", "gpt-b"), (2, 1))
    today = chart.days[-1]
    assert [(s.series, s.color, s.cost_usd) for s in today.cost_segments] == [
        (0, 2, pytest.approx(4.0)),
        (1, 1, pytest.approx(3.0)),
    ]
    assert [(s.series, s.color) for s in today.segments] == [(0, 0), (1, 1), (2, 2)]


def test_past_the_colours_the_cost_bars_have_their_own_other_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seven priced models: the token bars name the five with the most tokens, the cost bars
    the five costliest; a model named only in the cost bars takes a colour the token bars do
    not use (a colour never stands for two models between the modes)."""
    prices = {f"p{i}": (10.0 ** (i - 6), 0.0, 0.0) for i in range(7)}  # p6 the dearest
    monkeypatch.setattr("tests.unit.viewmodels.test_usage.PRICES", prices)
    slots = [slot(TODAY, 1000 * (7 - i), model=f"p{i}") for i in range(7)]  # p0 the most
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    assert chart.stacking(cost=False) == (
        ("p0", "p1", "p2", "p3", "p4", OTHER_MODELS),
        (0, 1, 2, 3, 4, 5),
    )
    assert chart.stacking(cost=True) == (
        ("p6", "p5", "p4", "p3", "p2", OTHER_MODELS),
        (6, 7, 4, 3, 2, 5),
    )
    other = [s for s in chart.days[-1].cost_segments if s.series == CHART_MODELS - 1]
    assert other[0].tokens == 7000 + 6000  # p0 and p1


def test_a_cost_bar_s_hover_names_its_models_in_the_cost_bars_order() -> None:
    """Hovering a cost bar, the models read as its parts stack: the costliest first and the
    model without a price last; a token bar's hover keeps the token bars' order."""
    chart = _three_models_chart()
    today = chart.days[-1]

    def models(text: str) -> list[str]:
        return [line.split(":")[0] for line in text.splitlines()[1:-1]]

    assert models(today.tip(cost=False)) == ["mystery", "gpt-b", "gpt-a"]
    assert models(today.tip(cost=True)) == ["gpt-a", "gpt-b", "mystery"]
    assert today.tip(cost=True).splitlines()[-1] == today.tooltip.splitlines()[-1]  # the total
    assert chart.days[0].tip(cost=True) == chart.days[0].tooltip  # a day of no usage


def _stacking(slots: list[SlotUsage], *, cost: bool) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The chart's series (their names) and their colours, in one mode."""
    chart = usage_view(recent(slots)).chart
    assert chart is not None
    return chart.stacking(cost=cost)


def _assert_the_sixth_has_its_own_colour(colors: tuple[int, ...]) -> None:
    """The first five in the chart's first colours; the sixth in none of them, nor in the
    grey of "Other models"."""
    assert colors[:5] == (0, 1, 2, 3, 4)
    assert colors[5] not in (OTHER_COLOR, *range(5))


def test_a_model_only_the_cost_bars_name_never_takes_the_grey_of_other_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seven models by tokens (five named, two "Other"); six priced alike, so the cost bars
    name the five of the token bars and then p5, a model of "Other" there: p5 gets a colour
    of its own, not the grey of "Other models"."""
    prices = {f"p{i}": (1e-6, 0.0, 0.0) for i in range(6)}  # p6 has no price
    monkeypatch.setattr("tests.unit.viewmodels.test_usage.PRICES", prices)
    slots = [slot(TODAY, 1000 * (7 - i), model=f"p{i}") for i in range(7)]
    names, colors = _stacking(slots, cost=True)
    assert names == ("p0", "p1", "p2", "p3", "p4", "p5")
    _assert_the_sixth_has_its_own_colour(colors)


def test_a_sixth_model_of_six_has_a_colour_of_its_own_not_the_grey_of_other_models() -> None:
    """Six models fit the chart's colours: the sixth is drawn in a hue of its own, never in
    the grey that means "Other models" when there are more (a sixth model in grey read as
    "Other"); its colour is one the cost bars then leave to it."""
    slots = [slot(TODAY, 1000 * (6 - i), model=f"m{i}") for i in range(6)]
    names, colors = _stacking(slots, cost=False)
    assert names == ("m0", "m1", "m2", "m3", "m4", "m5")
    _assert_the_sixth_has_its_own_colour(colors)
    # Seven: the grey is "Other models" again, and only it.
    slots.append(slot(TODAY, 10, model="m6"))
    names, colors = _stacking(slots, cost=False)
    assert names[-1] == OTHER_MODELS
    assert colors == (0, 1, 2, 3, 4, OTHER_COLOR)


def test_tables_by_project_and_model_with_shares() -> None:
    """Most tokens first; a share of the 30 days' tokens; the cost an estimate."""
    slots = [
        slot(TODAY, 600_000, project="shop"),
        slot(TODAY, 300_000, project="api", model="gpt-b"),
        slot(TODAY - timedelta(days=3), 100_000, project="api"),
        slot(TODAY, 10, project="tiny", model="mystery"),
    ]
    view = usage_view(recent(slots))
    assert [(r.name, r.tokens, r.share_text) for r in view.projects] == [
        ("shop", 600_000, "60%"),
        ("api", 400_000, "40%"),
        ("tiny", 10, "<1%"),
    ]
    assert [r.cost_text for r in view.projects] == ["~$1.20", "~$0.50", "–"]
    # Nothing to show reads as the live table's empty cells do ("—" here had differed).
    assert view.projects[2].cost_text == format_tokens_compact(None)
    assert [r.name for r in view.models] == ["gpt-a", "gpt-b", "mystery"]
    assert view.models[0].tokens_text == "700K"
    # A column of numbers has three digits in each: "1.80M" under "2.75M", not "1.8M".
    columns = usage_view(
        recent([slot(TODAY, 2_750_000, project="a"), slot(TODAY, 1_800_000, project="b")])
    )
    assert [r.tokens_text for r in columns.projects] == ["2.75M", "1.80M"]
    api = view.projects[1]
    assert "gpt-a: 100K tokens · ~$0.20" in api.tooltip
    assert "gpt-b: 300K tokens · ~$0.30" in api.tooltip
    assert "API-equivalent cost (estimate): $0.50" in api.tooltip


def test_each_row_has_its_share_of_the_cost_too() -> None:
    """Share of the cost, for the tables when the page shows cost: of the priced rows'
    cost, a dash for a row with no known price (not "0%", as if it had cost nothing), and
    the share in the row's tooltip."""
    slots = [
        slot(TODAY, 600_000, project="shop"),  # $1.20
        slot(TODAY, 300_000, project="api", model="gpt-b"),  # $0.30
        slot(TODAY, 10_000_000, project="lab", model="mystery"),  # most tokens, no price
    ]
    view = usage_view(recent(slots))
    shares = {r.name: (r.share_text, r.cost_share, r.cost_share_text) for r in view.projects}
    assert shares == {
        "lab": ("92%", None, "–"),
        "shop": ("6%", 0.8, "80%"),
        "api": ("3%", pytest.approx(0.2), "20%"),
    }
    shop = next(r for r in view.projects if r.name == "shop")
    assert "API-equivalent cost (estimate): $1.20 (80% of the cost)" in shop.tooltip
    assert [(r.name, r.cost_share_text) for r in view.models] == [
        ("mystery", "–"),
        ("gpt-a", "80%"),
        ("gpt-b", "20%"),
    ]


def test_a_share_short_of_the_whole_never_reads_as_all_of_it() -> None:
    """A row with all but a sliver reads ">99%" beside the sliver's "<1%", of the tokens and
    of the cost (it had read "100%", as if the other row were nothing)."""
    view = usage_view(
        recent([slot(TODAY, 2_000_000, project="big"), slot(TODAY, 2000, project="tiny")])
    )
    assert [(r.share_text, r.cost_share_text) for r in view.projects] == [
        (">99%", ">99%"),
        ("<1%", "<1%"),
    ]
    alone = usage_view(recent([slot(TODAY, 2000, project="tiny")]))
    assert (alone.projects[0].share_text, alone.projects[0].cost_share_text) == ("100%", "100%")


@pytest.mark.parametrize("model", ["mystery", "free"])
def test_without_any_cost_no_row_has_a_share_of_it(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing priced, or everything priced at nothing: no share of the cost (a dash, no
    division by zero), the tokens' shares as they are."""
    monkeypatch.setitem(PRICES, "free", (0.0, 0.0, 0.0))
    view = usage_view(
        recent([slot(TODAY, 3000, model=model), slot(TODAY, 1000, model=model, project="api")])
    )
    assert [(r.share_text, r.cost_share, r.cost_share_text) for r in view.projects] == [
        ("75%", None, "–"),
        ("25%", None, "–"),
    ]
    assert all("of the cost" not in r.tooltip for r in view.projects)


def test_cache_hits_and_what_they_saved() -> None:
    """The share of input served from the cache, and the saving at full input price."""
    view = usage_view(recent([slot(TODAY, 1_000_000, cached=800_000)]))
    # 800,000 cached tokens at $2/M instead of $0.5/M: $1.20 saved.
    assert view.cache_text == "Cache hits: 80% of input over 30 days, which saved ~$1.20."
    assert "800,000 of 1,000,000 input tokens" in view.cache_tooltip
    assert "less what they cost cached (an API-equivalent estimate)" in view.cache_tooltip
    unpriced = usage_view(recent([slot(TODAY, 1000, cached=800, model="mystery")]))
    assert "Saved" not in unpriced.cache_tooltip  # no price: nothing to say was saved


def test_a_saving_that_leaves_out_unpriced_cache_hits_is_marked_as_the_costs_are() -> None:
    """Cached tokens of a model without a price are in the hits but not in the saving: it is
    marked "+" as a cost that leaves them out is, and the tooltip says how many they are (it
    had said that "those tokens", all of the hits, saved the priced ones' saving)."""
    slots = [
        slot(TODAY, 1_000_000, cached=800_000),
        slot(TODAY, 500_000, cached=400_000, model="mystery"),
    ]
    view = usage_view(recent(slots))
    # Only gpt-a's 800,000 cached tokens are priced: $1.20 saved.
    assert view.cache_text == "Cache hits: 80% of input over 30 days, which saved ~$1.20+."
    assert "1,200,000 of 1,500,000 input tokens" in view.cache_tooltip
    assert (
        "Not in the saving: 400,000 cached tokens of models with no known API price."
        in view.cache_tooltip
    )
    # Uncached input of an unpriced model leaves the saving whole.
    whole = usage_view(recent([slot(TODAY, 1_000_000, cached=800_000), slot(TODAY, 9, model="x")]))
    assert whole.cache_text == "Cache hits: 80% of input over 30 days, which saved ~$1.20."
    assert "Not in the saving" not in whole.cache_tooltip


@pytest.mark.parametrize(
    ("cached", "said"),
    [(0, "0%"), (1_000, "<1%"), (4_000, "<1%"), (5_000, "1%"), (995_000, ">99%"), (10**6, "100%")],
)
def test_a_sliver_of_cache_hits_is_not_said_as_none_or_all(cached: int, said: str) -> None:
    """Some hits read "<1%", not "0%" beside what they saved; not quite all, ">99%"."""
    view = usage_view(recent([slot(TODAY, 1_000_000, cached=cached)]))
    assert view.cache_text.startswith(f"Cache hits: {said} of input over 30 days")


def test_a_long_unpriced_name_is_whole_in_the_note() -> None:
    """The note wraps: a 70-character name is not cut there (the legend cuts it at 48)."""
    name = "gpt-5.3-codex-2026-11-29-preview-reasoning-experimental-long-model-id"
    view = usage_view(recent([slot(TODAY, 1000, model=name)]))
    assert name in view.unpriced_text


def test_thousands_of_unpriced_models_are_counted_in_the_note_not_listed() -> None:
    """Every name of thousands of models had made the note under the tables pages long."""
    priced = slot(TODAY, 1000, model="gpt-a")
    slots = [priced, *(slot(TODAY, 1000, model=f"proxy-{n:04d}") for n in range(3000))]
    named = ", ".join(f"proxy-{n:04d}" for n in range(10))
    assert usage_view(recent(slots)).unpriced_text == (
        f"No API price is known for {named} and 2,990 other models: their tokens are "
        "counted, but not in the costs (a cost marked + leaves them out)."
    )
    assert usage_view(recent(slots)).unpriced_names == tuple(f"proxy-{n:04d}" for n in range(10))
    eleven = usage_view(recent(slots[:12]))
    assert eleven.unpriced_text.startswith(
        f"No API price is known for {named} and proxy-0010: their"
    )
    # The names in the note, each to be drawn in its own direction.
    assert eleven.unpriced_names == tuple(f"proxy-{n:04d}" for n in range(11))


def test_costs_are_labelled_estimates_and_unpriced_models_named() -> None:
    """The caption says API-equivalent and where prices come from; unknown prices are said
    in plain words."""
    slots = [slot(TODAY, 1000, model="mystery"), slot(TODAY, 10, model="o9")]
    view = usage_view(recent([*slots, slot(TODAY, 10)]))
    assert "API-equivalent estimates" in view.cost_note
    assert "test\N{NO-BREAK SPACE}prices" in view.cost_note  # kept on one line
    assert view.unpriced_text == (
        "No API price is known for mystery and o9: their tokens are counted, but not in the "
        "costs (a cost marked + leaves them out)."
    )
    one = usage_view(recent([slot(TODAY, 1000, model="mystery"), slot(TODAY, 10)]))
    assert one.unpriced_text.startswith("No API price is known for mystery: its tokens")
    one = usage_view(recent([slot(TODAY, 1000, model="mystery")]))
    assert one.totals[0].cost_text == "cost unknown"
    assert one.chart is not None
    assert not one.chart.priced
    assert usage_view(recent([slot(TODAY, 1000)])).unpriced_text == ""


def test_with_no_model_priced_the_note_says_so_not_the_price_library() -> None:
    """With no model of the 30 days priced, the note under the tables says so in plain words
    and names the models (a few of them), not the library whose name and version had stood
    over a column of dashes as if it had priced them; the library only when it could not
    be used, as the reason."""
    one = usage_view(recent([slot(TODAY, 1000, model="mystery")]))
    assert (one.cost_note, one.unpriced_text) == (
        "",
        "The model used in the last 30 days has no known API price: mystery. No cost is "
        "estimated; its tokens are counted.",
    )
    assert one.unpriced_names == ("mystery",)
    two = usage_view(recent([slot(TODAY, 1000, model="mystery"), slot(TODAY, 10, model="o9")]))
    assert two.cost_note == ""
    assert two.unpriced_text == (
        "None of the models used in the last 30 days has a known API price: mystery and o9. "
        "No cost is estimated; their tokens are counted."
    )
    slots = [slot(TODAY, 1000, model=f"proxy-{n:04d}") for n in range(12)]
    many = usage_view(recent(slots))
    assert many.unpriced_text.startswith(
        "None of the 12 models used in the last 30 days has a known API price, so no cost"
    )
    assert many.unpriced_names == ()
    usage = recent([slot(TODAY, 1000, model="mystery")])
    usage.daily.price_source = "unavailable (the genai-prices package is not installed)"
    missing = usage_view(usage)
    assert (missing.cost_note, missing.unpriced_text) == (
        "",
        "No cost is estimated: prices are unavailable (the genai-prices package is not installed).",
    )
    priced = usage_view(recent([slot(TODAY, 1000, model="mystery"), slot(TODAY, 10)]))
    assert priced.cost_note.endswith("Prices: test\N{NO-BREAK SPACE}prices.")


def test_a_period_without_calls_costs_nothing_not_unknown() -> None:
    """Used three days ago only: today costs $0.00 (exact, no "~"), the week its estimate; a
    period of only unpriced tokens is "cost unknown"."""
    view = usage_view(recent([slot(TODAY - timedelta(days=3), 1000, 100)]))
    today, week, month = view.totals
    assert (today.tokens, today.cost_text) == (0, "$0.00")
    assert "API-equivalent cost (estimate): $0.00" in today.tooltip
    assert week.cost_text == month.cost_text == "<$0.01"
    unpriced = usage_view(recent([slot(TODAY, 1000, model="mystery")]))
    assert unpriced.totals[0].cost_text == "cost unknown"
    # Calls of no cost beside tokens without a price: an estimate that leaves some out.
    free = usage_view(recent([slot(TODAY, 0, model="gpt-a"), slot(TODAY, 5000, model="mystery")]))
    assert free.totals[0].cost_text == "~$0.00+"


def test_a_cost_that_leaves_unpriced_tokens_out_says_so() -> None:
    """A few priced tokens beside many unpriced ones make no cost that looks complete: it is
    marked ``+``, and its tooltip says what it leaves out."""
    slots = [
        slot(TODAY, 1_000_000, model="gpt-a", project="shop"),
        slot(TODAY, 29_000_000, model="mystery", project="shop"),
        slot(TODAY, 500_000, model="gpt-b", project="api"),
    ]
    view = usage_view(recent(slots))
    today = view.totals[0]
    assert today.cost_text == "~$2.50+"
    assert "Not in the cost: 29,000,000 tokens (95%) of models with no known API price" in (
        today.tooltip
    )
    assert view.compact_line == "today: 30.5M tokens · ~$2.50+"
    assert view.compact_tooltip.endswith(
        "Not in the cost: 29,000,000 tokens (95%) of models with no known API price (the + "
        "after the cost)"
    )
    assert "+" not in usage_view(recent(slots[:1])).compact_tooltip  # all priced: no word of it
    shop, api = view.projects
    assert (shop.name, shop.cost_text) == ("shop", "~$2.00+")
    assert "mystery: 29M tokens · no known price" in shop.tooltip
    # The models under a header of their own, and what the cost leaves out after them: the
    # indented models had read as the list of what was left out.
    lines = shop.tooltip.splitlines()
    assert lines[3:] == [
        "By model:",
        "  mystery: 29M tokens · no known price",
        "  gpt-a: 1M tokens · ~$2.00",
        "Not in the cost: 29,000,000 tokens (97%) of models with no known API price",
    ]
    assert (api.name, api.cost_text) == ("api", "~$0.50")  # all of it priced
    assert [row.cost_text for row in view.models] == ["–", "~$2.00", "~$0.50"]
    chart = view.chart
    assert chart is not None
    assert "mystery: 29M tokens · no known price" in chart.days[-1].tooltip
    assert "Total: 30.5M tokens · ~$2.50+" in chart.days[-1].tooltip
    assert view.unpriced_text.endswith("(a cost marked + leaves them out).")
    # A model's row says its price is not known, not "–"; a day of it alone says so too.
    mystery = next(row for row in view.models if row.name == "mystery")
    assert f"{COST_LABEL}: no known price" in mystery.tooltip
    alone = usage_view(recent([*slots, slot(TODAY - timedelta(days=2), 5000, model="mystery")]))
    assert alone.chart is not None
    assert alone.chart.days[-3].tooltip.endswith("mystery: 5K tokens · no known price")
    # What each day's cost bar leaves out (drawn as an outline on top of it).
    assert chart.days[-1].unpriced_tokens == 29_000_000
    assert alone.chart.days[-3].unpriced_tokens == 5000
    assert alone.chart.days[-2].unpriced_tokens == 0  # a day without use
    assert approx_money(0.001, partial=True) == "<$0.01+"
    assert approx_money(None, partial=True) == "cost unknown"


def test_the_csv_is_the_daily_report() -> None:
    """Export writes exactly what ``report daily --csv`` prints for those days."""
    slots = [slot(TODAY, 1000), slot(TODAY - timedelta(days=1), 2000, model="gpt-b")]
    data = recent(slots)
    assert data.daily is not None
    view = usage_view(data)
    assert view.csv_text == report_csv(data.daily, UTC)
    assert view.csv_text.splitlines()[0].startswith("date,model,input_tokens")
    assert "cost_usd_api_equivalent" in view.csv_text.splitlines()[0]


def test_a_rebuild_is_said_as_done_once_the_numbers_show() -> None:
    """While the index is read again the page says so; with the numbers read from it, that it
    was: "it is being rebuilt" had stayed on the page for as long as the window ran."""
    deleted = "The usage index was deleted; it is being rebuilt from the logs."
    building = usage_view(RecentUsage(TODAY, UTC, building=True, notice=deleted))
    assert building.notice == deleted
    done = "The usage index was deleted; it was rebuilt from the logs."
    assert usage_view(recent([slot(TODAY, 1000)], notice=deleted)).notice == done
    assert usage_view(recent([], notice=deleted)).notice == done
    failed = usage_view(RecentUsage(TODAY, UTC, error="disk I/O error", notice=deleted))
    assert failed.notice == deleted  # not made: nothing says it was
    memory = "The usage index cannot be kept in x: usage is read from the logs into memory."
    assert usage_view(recent([slot(TODAY, 1000)], notice=memory)).notice == memory


def test_the_first_reading_says_how_far_it_is() -> None:
    """Under way, the first reading of the logs says how much of them is read, by bytes
    (the files are of every size), never 100% before the numbers come; before it starts,
    the plain message."""
    from codex_presence_gui.core.usage_index import ReadProgress

    def said(progress: ReadProgress | None) -> str:
        return usage_view(RecentUsage(TODAY, UTC, building=True, progress=progress)).message

    assert said(None) == BUILDING_MESSAGE
    assert said(ReadProgress(0, 0, 0, 0)) == BUILDING_MESSAGE
    assert said(ReadProgress(4_200, 20_000, 1 << 30, 4 << 30)) == (
        "Reading your Codex logs for the first time… 25% of 20,000 logs read. This happens "
        "once: afterwards only what Codex writes is read."
    )
    assert "99% of 1 log read." in said(ReadProgress(1, 1, 10, 10))
    assert "50% of 2 logs read." in said(ReadProgress(1, 2, 0, 0))  # empty files: by count


def test_states_before_and_without_numbers() -> None:
    """Loading, the first build, a failure, and nothing recorded (at all, or lately)."""
    assert loading_view().state is UsageState.LOADING
    assert loading_view().compact_line == ""
    building = usage_view(RecentUsage(TODAY, UTC, building=True, notice="rebuilt"))
    assert building.state is UsageState.BUILDING
    assert building.message == BUILDING_MESSAGE
    assert building.message.startswith("Reading your Codex logs for the first time…")
    assert building.notice == "rebuilt"
    assert building.compact_line == ""
    failed = usage_view(RecentUsage(TODAY, UTC, error="disk I/O error"))
    assert failed.state is UsageState.FAILED
    assert "disk I/O error" in failed.message
    empty = usage_view(recent([]))
    assert empty.state is UsageState.EMPTY
    assert empty.message == EMPTY_MESSAGE
    assert empty.message.startswith("No usage recorded yet")
    assert empty.compact_line == "today: 0 tokens"
    assert not empty.ready
    quiet = usage_view(recent([], recorded=True))
    assert quiet.message == QUIET_MESSAGE.format(days=30, command="codex-presence-gui report daily")
    # Where the older days are: Export (whose tooltip says so) is off on an empty page, and
    # the page had said only that there was nothing lately, as if the history were gone.
    assert quiet.message.endswith(
        "Every day since your first session: codex-presence-gui report daily"
    )


def test_money_is_approximate() -> None:
    assert approx_money(3.4) == "~$3.40"
    assert approx_money(0.001) == "<$0.01"
    assert approx_money(None) == "cost unknown"
    assert approx_money(1234.5) == "~$1,234.50"
    assert approx_money(1234.5, whole=True) == "~$1,234"  # halves to even, as Python's
    assert approx_money(999.99, whole=True) == "~$999.99"
    assert approx_money(999.996, whole=True) == "~$1,000"
    assert approx_money(123_456.78, True, whole=True) == "~$123,457+"


def test_large_costs_said_alone_are_in_whole_dollars_and_exact_elsewhere() -> None:
    """A total, the compact line and the cache's savings of thousands of dollars leave the
    cents out ("~$12,346": cents on an estimate that size are noise); a table keeps them,
    so that its column lines up on the points, and the tooltips, the CSV and the JSON have
    them."""
    big = 1_000_000_000
    # 5,001,234,567 input tokens at $2/M, 1B cached at $0.5/M (saving $1,500), 300M output
    # at $10/M: $13,502.469134.
    slots = [slot(TODAY, 6 * big + 1_234_567, 300_000_000, cached=big, project="lab")]
    view = usage_view(recent(slots))
    today = view.totals[0]
    assert today.cost_text == "~$13,502"
    assert "API-equivalent cost (estimate): $13,502.47" in today.tooltip
    assert view.compact_line == "today: 6.3B tokens · ~$13,502"
    assert view.cache_text.endswith("which saved ~$1,500.")
    assert "Saved $1,500.00:" in view.cache_tooltip
    assert view.projects[0].cost_text == "~$13,502.47"
    assert "13502.469134" in view.csv_text


def test_costs_of_millions_are_short_as_in_the_report_s_table() -> None:
    """From a million dollars up (only a damaged or hostile log gets there), a cost reads
    "~$27.27T" as the report's table has it: "~$27,267,943,344,425.95" had pushed a table's
    names out of sight ("Projec") and was cut in a narrow window's totals; the tooltips keep
    every digit."""
    assert approx_money(999_999.99) == "~$999,999.99"
    assert approx_money(999_999.996, whole=True) == "~$1.00M"
    assert approx_money(1_390_000) == "~$1.39M"
    assert approx_money(27_267_943_344_425.95, True, whole=True) == "~$27.27T+"
    tokens = 2**52
    slots = [slot(TODAY, tokens, project="lab") for _ in range(4000)]
    view = usage_view(recent(slots))
    assert view.totals[0].cost_text.endswith("T")
    assert view.projects[0].cost_text.endswith("T")
    assert "," in view.totals[0].tooltip.split("API-equivalent cost (estimate): $")[1]


def test_log_text_in_names_is_made_safe() -> None:
    """A project or model name from a log cannot add lines or escape sequences: they are
    written as escapes (the name is a row's key: see ``shown_key``)."""
    view = usage_view(recent([slot(TODAY, 1000, project="evil\n\x1b[31mred", model="m\tx")]))
    assert view.projects[0].name == "evil\\x0a\\x1b[31mred"
    assert view.models[0].name == "m\\x09x"
    assert view.chart is not None
    assert view.chart.series == ("m\\x09x",)


def test_the_view_model_imports_no_qt() -> None:
    """Built in the feed's thread and tested as data: ``viewmodels.usage`` is Qt-free."""
    from tests.helpers.fresh import fresh_output

    code = (
        "import sys\n"
        "import codex_presence_gui.viewmodels.usage\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    assert fresh_output(code) == "[]"


def test_a_missing_codex_folder_is_said_on_the_usage_page() -> None:
    """No folder and nothing recorded: the page says where it looked, not "yet"."""
    view = usage_view(recent([], missing_homes=("/home/me/.codex",)))
    assert view.state is UsageState.EMPTY
    assert view.message.startswith("Codex's folder was not found (/home/me/.codex)")
    assert usage_view(recent([])).message.startswith("No usage recorded yet")
    # A name of escapes alone had read "not found ()".
    view = usage_view(recent([], missing_homes=("\x1b[31m",)))
    assert view.message.startswith("Codex's folder was not found ('\\x1b[31m'): ")
    # In the home folder, written as the Live page writes it (it had read "/home/me/.codex"
    # there and "~/.codex" on the Live page).
    view = usage_view(recent([], missing_homes=(str(Path.home() / ".codex"),)))
    assert view.message.startswith("Codex's folder was not found (~/.codex)")
    assert view.message_paths == ("~/.codex",)


def test_a_missing_sessions_folder_is_said_as_the_live_view_says_it(tmp_path: Path) -> None:
    """``~/.codex/sessions`` deleted, and nothing recorded: the page names the folder in the
    live view's words; it had said "No usage recorded yet…", and only the status bar named
    the folder."""
    from codex_presence_gui.app import read_usage_view

    home = Path.home() / ".codex"
    view = usage_view(recent([], sessionless=(str(home),)))
    assert view.state is UsageState.EMPTY
    assert view.message == (
        "No usage to show: ~/.codex/sessions, where Codex keeps its logs, is missing. Each "
        "Codex reply is counted here once Codex makes it, when a session starts."
    )
    assert view.message_paths == ("~/.codex/sessions",)
    two = usage_view(recent([], sessionless=(str(home), "/w/other")))
    assert two.message.startswith("No usage to show: ~/.codex/sessions, /w/other/sessions, ")
    assert "are missing" in two.message
    assert "once Codex makes them, when" in two.message
    (tmp_path / "codex").mkdir()  # a home without its sessions folder, as the window reads it
    read = read_usage_view([tmp_path / "codex"])
    assert read.message.startswith(f"No usage to show: {tmp_path / 'codex' / 'sessions'}, ")


def test_codex_s_logs_folder_given_as_its_folder_names_the_one_meant(tmp_path: Path) -> None:
    """The folder given is Codex's sessions folder itself (the logs are in it, so it is easily
    taken for Codex's): the page names the folder above, which was meant; it had said that a
    ``sessions/sessions`` was missing, one Codex never makes."""
    from codex_presence_gui.app import read_usage_view

    logs = tmp_path / "codex" / "sessions"
    (logs / "2026" / "11").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    read = read_usage_view([logs, other])
    assert read.state is UsageState.EMPTY
    assert read.message == (
        f"No usage to show: {logs} is where Codex keeps its logs; Codex's folder is the one "
        f"that holds it: {tmp_path / 'codex'}. {other / 'sessions'}, where Codex keeps its "
        "logs, is missing. Each Codex reply is counted here once Codex makes it, when a "
        "session starts."
    )
    for path in (str(logs), str(tmp_path / "codex"), str(other / "sessions")):
        assert path in read.message_paths


def test_a_codex_home_that_is_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    """A home given as a file reads "… is a file, not a folder", as the command line and
    the Live page say; it had been "Codex's folder was not found (FILE)", as if it could
    yet appear. Beside a home not there, both are said."""
    a_file = tmp_path / "codex.txt"
    a_file.write_text("not a folder")
    absent = tmp_path / "absent"
    zone, now = UTC, datetime(2026, 5, 20, 12, tzinfo=UTC).timestamp()
    with UsageIndex.in_memory() as index:
        usage = read_recent(
            index, [a_file], now=now, zone=zone, pricer=None, missing_homes=(str(a_file),)
        )
        both = read_recent(
            index,
            [a_file, absent],
            now=now,
            zone=zone,
            pricer=None,
            missing_homes=(str(a_file), str(absent)),
        )
    message = usage_view(usage).message
    assert message.startswith(f"{a_file} is a file, not a folder: there is no usage to count.")
    assert "not found" not in message
    assert "Settings" in message
    assert usage_view(both).message.startswith(
        f"{a_file} is a file, not a folder; {absent} was not found: "
    )


def test_calls_whose_log_names_no_model_are_said_so_not_named_unknown() -> None:
    """The index files such calls under ``unknown``; the page says what they are, in the
    note, the model table, the legend and the day's tooltip alike."""
    alone = usage_view(recent([slot(TODAY, 1000, model="unknown")]))
    assert alone.unpriced_text.startswith(
        "The model used in the last 30 days has no known API price: (model not logged). No"
    )
    assert [row.name for row in alone.models] == ["(model not logged)"]
    assert alone.chart is not None
    assert "(model not logged)" in alone.chart.series
    assert "(model not logged): 1K tokens" in alone.chart.days[-1].tooltip
    both = usage_view(
        recent([slot(TODAY, 10, model="unknown"), slot(TODAY, 10, model="o9"), slot(TODAY, 1)])
    )
    assert both.unpriced_text.startswith(
        "No API price is known for o9 and (model not logged): their tokens"
    )
    # A project may be called "unknown": only models are renamed.
    named = usage_view(recent([slot(TODAY, 10, project="unknown")]))
    assert [row.name for row in named.projects] == ["unknown"]


def test_equal_rows_have_equal_shares() -> None:
    """Three equal projects are 33 % each (largest remainders had made one of them 34 %, and
    40 equal projects 3 % and 2 %); a share is its nearest whole percent, halves up."""
    slots = [slot(TODAY, 100_000, project=name) for name in ("a", "b", "c")]
    view = usage_view(recent(slots))
    assert [r.share_text for r in view.projects] == ["33%", "33%", "33%"]
    assert rounded_percents([5, 5, 990]) == [1, 1, 99]  # 0.5 each: up
    assert rounded_percents([649, 9351]) == [6, 94]  # 6.49 % is 6 %, not 7 %
    assert rounded_percents([1] * 40) == [3] * 40
    assert rounded_percents([0, 0]) == [0, 0]
    assert rounded_percents([]) == []


@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=40))
def test_rounded_percents_are_the_nearest_whole_percents(parts: list[int]) -> None:
    percents = rounded_percents(parts)
    if sum(parts) == 0:
        assert percents == [0] * len(parts)
        return
    for part, percent in zip(parts, percents, strict=True):
        exact = part * 100 / sum(parts)
        assert abs(percent - exact) <= 0.5 + 1e-9
    for first, second in zip(parts, percents, strict=True):
        assert all(p == second for q, p in zip(parts, percents, strict=True) if q == first)


def test_problems_in_the_logs_are_said_with_each_one_in_the_tooltip() -> None:
    """What the index's update found wrong (lines skipped, a log cut) is said on the page,
    ready or empty, with the first few problems in the tooltip and every one whole for the
    window the line opens."""
    from codex_presence_gui.viewmodels.usage import TOOLTIP_PROBLEMS, problems_details

    clean = usage_view(recent([slot(TODAY, 1000)]))
    assert (clean.problems_text, clean.problems_tooltip) == ("", "")
    one = usage_view(recent([slot(TODAY, 1000)], problems=("2 malformed lines skipped in a",)))
    assert one.problems_text == "⚠ 1 problem in Codex's logs: some calls may be missing here."
    assert one.problems_tooltip == "2 malformed lines skipped in a"
    many = tuple(f"problem {n}" for n in range(TOOLTIP_PROBLEMS + 3))
    empty = usage_view(recent([], problems=many))
    assert empty.state is UsageState.EMPTY
    assert empty.problems_text.startswith(f"⚠ {len(many)} problems")
    lines = empty.problems_tooltip.splitlines()
    assert lines[:-1] == list(many[:TOOLTIP_PROBLEMS])
    assert lines[-1] == "and 3 more (click to see them all)"
    assert empty.problems == many
    assert empty.problems_short == f"⚠ {len(many)} problems in Codex's logs"
    lead, text = problems_details(empty.problems)
    assert lead.startswith(f"{len(many)} problems in Codex's logs: ")
    assert text == "\n\n".join(many)
    assert problems_details(())[1] == ""


def test_a_config_toml_that_cannot_be_used_is_said_as_such_not_as_a_problem_in_the_logs() -> None:
    """A home's config.toml that cannot be used leaves no call out (its calls are priced in
    the standard tier, or the one it last named): the page says that, and counts only the
    problems met in the logs."""
    from codex_presence_gui.core.problems import CONFIG_KEPT_EFFECT, CONFIG_UNUSED_EFFECT
    from codex_presence_gui.viewmodels.usage import problems_details

    broken = "/home/u/.codex/config.toml cannot be used (not valid TOML)"
    kept = CONFIG_KEPT_EFFECT.format(tier="priority")
    for config in (f"{broken}: {CONFIG_UNUSED_EFFECT}", f"{broken}: {kept}"):
        alone = usage_view(recent([slot(TODAY, 1000)], problems=(config,)))
        assert alone.problems_text == (
            "⚠ Codex's config.toml cannot be used: calls whose session names no service tier "
            "may be priced in another tier here."
        )
        assert alone.problems_short == "⚠ config.toml cannot be used"
        assert alone.problems_tooltip == config
        lead, text = problems_details(alone.problems)
        assert "problem" not in lead
        assert lead.startswith("Codex's config.toml cannot be used: calls whose session")
        assert text == config
    both = usage_view(recent([slot(TODAY, 1000)], problems=(config, "2 malformed lines in a")))
    assert both.problems_text == (
        "⚠ 1 problem in Codex's logs: some calls may be missing here. Also, Codex's config.toml "
        "cannot be used."
    )
    assert both.problems_short == "⚠ 1 problem in Codex's logs"
    lead, _ = problems_details(both.problems)
    assert lead.startswith("1 problem in Codex's logs: ")
    assert lead.endswith(
        "Codex's config.toml cannot be used: calls whose session names no service "
        "tier may be priced in another tier (below)."
    )


def test_problems_that_only_date_calls_are_not_said_to_leave_calls_out() -> None:
    """A call with no usable time (or a line stamped in the future) is counted, dated by
    its file or the line before: the page and its problems' window say its day may be
    wrong. "Some calls may be missing" had been said of them, of calls the page counts."""
    from codex_presence_gui.viewmodels.usage import problems_details

    dated = ("1 call in a with no usable time and no dated line before: dated to its start",)
    only = usage_view(recent([slot(TODAY, 1000)], problems=dated, dating_problems=1))
    assert (
        only.problems_text
        == "⚠ 1 problem in Codex's logs: some calls may be on the wrong day here."
    )
    assert only.problems_short == "⚠ 1 problem in Codex's logs"
    lead, text = problems_details(only.problems, only.problems_dating)
    assert lead == (
        "1 problem in Codex's logs: the calls it holds are counted, but may be on the wrong "
        "day; the other logs were counted as usual."
    )
    assert text == dated[0]
    both = (*dated, "2 malformed lines skipped in b")
    mixed = usage_view(recent([slot(TODAY, 1000)], problems=both, dating_problems=1))
    assert mixed.problems_text == (
        "⚠ 2 problems in Codex's logs: some calls may be missing or on the wrong day here."
    )
    lead, _ = problems_details(mixed.problems, mixed.problems_dating)
    assert lead == (
        "2 problems in Codex's logs: the calls they hold may be missing from the usage, or "
        "on the wrong day; the other logs were counted as usual."
    )


def test_the_price_library_s_name_is_kept_whole_where_the_note_wraps() -> None:
    """ "genai-prices 0.2.3" had wrapped as "genai-" / "prices 0.2.3"."""
    from codex_presence_gui.core.formatting import NO_BREAK_HYPHEN

    usage = recent([slot(TODAY, 1000)])
    usage.daily.price_source = "genai-prices 0.2.3"
    view = usage_view(usage)
    assert f"Prices: genai{NO_BREAK_HYPHEN}prices\N{NO-BREAK SPACE}0.2.3." in view.cost_note


#: Names that read the same once cleaned or drawn, each another model (and project).
LOOK_ALIKES = ["gpt-5", "\u202egpt-5", "gpt-5\u200b", "\u2066gpt-5\u2069", "gpt 5", "gpt\u00a05"]


def test_look_alike_names_never_read_the_same() -> None:
    """The By model and By project tables, the chart's legend and a day's hover tell apart
    models (and projects) whose names differ only in what would not show: it is shown
    escaped (cleaned, "\\u202egpt-5" had read "gpt-5", its tokens seemingly counted twice)."""
    view = usage_view(
        recent(
            [
                slot(TODAY, 1000 * (n + 1), model=name, project=name.replace("gpt", "shop"))
                for n, name in enumerate(LOOK_ALIKES)
            ]
        )
    )
    assert view.chart is not None
    today = view.chart.days[-1]
    hover = [line.split(":")[0] for line in today.tooltip.splitlines()[1:-1]]
    for names in (
        [row.name for row in view.models],
        [row.name for row in view.projects],
        list(view.chart.series),
        hover,
    ):
        assert len(set(names)) == len(LOOK_ALIKES), names
        assert all(name.isprintable() for name in names)
    assert "\\u202egpt-5" in view.chart.series
    assert "\\u2066gpt-5\\u2069" in [row.name for row in view.models]
    assert "shop\\u00a05" in [row.name for row in view.projects]


def test_names_that_read_as_placeholders_are_told_apart() -> None:
    """A project named "(none)" had read as the row of sessions without a project, a model
    named "(model not logged)" as the calls whose log names none."""
    view = usage_view(
        recent(
            [
                slot(TODAY, 30, project="(none)", model="(model not logged)"),
                slot(TODAY, 20, project="", model="unknown", session="s2"),
            ]
        )
    )
    assert [row.name for row in view.projects] == ["\\x28none)", "(none)"]
    assert [row.name for row in view.models] == ["\\x28model not logged)", "(model not logged)"]
    assert view.chart is not None
    assert view.chart.series == ("\\x28model not logged)", "(model not logged)")


def test_a_cut_legend_name_keeps_its_escapes_whole_and_is_whole_in_the_tooltip() -> None:
    from codex_presence_gui.viewmodels.usage import LEGEND_NAME_CHARS
    from tests.unit.core.test_shown_key import escapes_are_whole

    long_name = "gpt-5" + "\u200b" * 20
    view = usage_view(recent([slot(TODAY, 30, model=long_name), slot(TODAY, 20, model="o9")]))
    assert view.chart is not None
    legend = view.chart.series[0]
    assert "…" in legend
    assert len(legend) <= LEGEND_NAME_CHARS
    assert escapes_are_whole(legend)
    assert view.chart.cut_names == ("gpt-5" + "\\u200b" * 20,)


def test_days_in_utc_for_a_tz_the_system_lacks_are_said() -> None:
    """``TZ`` naming a zone the system does not have: the page's days are UTC's, as the
    ``report`` warns; the page says so in its notes, in the same words (it had said nothing)."""
    view = usage_view(recent([slot(TODAY, 1000)], unknown_zone="Mars/Olympus"))
    assert view.zone_note == (
        "TZ=Mars/Olympus names a time zone this system does not have; days are in UTC (as "
        "the system's clock counts them)."
    )
    assert usage_view(recent([slot(TODAY, 1000)])).zone_note == ""


def test_a_sessions_that_is_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    """A file where ``sessions`` goes: the page says what is there, as every surface does,
    not that Codex makes the folder again (it cannot, while the file is there)."""
    from codex_presence_gui.app import read_usage_view

    home = Path.home() / ".codex"
    view = usage_view(
        recent([], sessionless=(str(home), "/w/other"), blocked_sessions=((str(home), "a file"),))
    )
    assert view.message == (
        "No usage to show: ~/.codex/sessions is a file, not a folder: Codex cannot write its "
        "logs there. /w/other/sessions, where Codex keeps its logs, is missing. Each Codex "
        "reply is counted here once Codex makes it, when a session starts."
    )
    assert view.message_paths == ("~/.codex/sessions", "/w/other/sessions")
    (tmp_path / "codex").mkdir()
    (tmp_path / "codex" / "sessions").write_text("")
    read = read_usage_view([tmp_path / "codex"])
    assert read.message == (
        f"No usage to show: {tmp_path / 'codex' / 'sessions'} is a file, not a folder: Codex "
        "cannot write its logs there."
    )
    assert not read.problems


def test_sessions_without_a_folder_s_name_are_not_the_project_unknown_project(
    codex_home: CodexHome,
) -> None:
    """Sessions in ``/`` and in a folder called "unknown-project" are two rows of the page's
    By project table, "(none)" and "unknown-project"; they had been one."""
    from codex_presence_gui.app import read_usage_view
    from tests.helpers.usage import write_usage_session

    now = datetime.now(UTC).timestamp()
    write_usage_session(codex_home, 1, [(now - 3600, 1000, 0, 0)], cwd="/")
    write_usage_session(codex_home, 2, [(now - 3000, 2000, 0, 0)], cwd="/w/unknown-project")
    view = read_usage_view([codex_home.root], now)
    assert [(row.name, row.tokens) for row in view.projects] == [
        ("unknown-project", 2000),
        ("(none)", 1000),
    ]


def test_the_hint_of_older_days_reads_the_windows_homes(tmp_path: Path) -> None:
    """A window started with ``--codex-home`` (or given folders in Settings) had pointed to
    ``codex-presence-gui report daily``, which reads other folders: the hint names the
    window's, quoted for the shell, the first two of many and a count of the others."""
    spaced = str(tmp_path / "my codex")
    quiet = usage_view(recent([], recorded=True, homes=(spaced,)))
    command = f"codex-presence-gui report daily --codex-home '{spaced}'"
    assert quiet.message.endswith(f"Every day since your first session: {command}")
    assert quiet.home_options == f" --codex-home '{spaced}'"
    assert quiet.message_paths == (command,)  # drawn left to right, as a path is
    many = tuple(str(tmp_path / name) for name in ("a", "b", "c", "d"))
    short = usage_view(recent([], recorded=True, homes=many)).message
    assert short.endswith(
        f"report daily --codex-home {many[0]} --codex-home {many[1]} (and 2 more "
        "--codex-home folders)"
    )
    one_more = usage_view(recent([], recorded=True, homes=many[:3])).message
    assert one_more.endswith("(and 1 more --codex-home folder)")
    # The numbers' page carries them too (for Export's tooltip), as does a page still built.
    ready = usage_view(recent([slot(TODAY, 10, 5)], homes=(spaced,)))
    assert ready.home_options == f" --codex-home '{spaced}'"
    building = usage_view(RecentUsage(TODAY, UTC, building=True, homes=(spaced,)))
    assert building.home_options == f" --codex-home '{spaced}'"


def test_the_hint_says_no_home_for_codexs_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default home alone (``$CODEX_HOME``, else ``~/.codex``) is what the report reads
    without an option: the hint stays the plain command."""
    monkeypatch.delenv("CODEX_HOME", raising=False)
    own = str(Path.home() / ".codex")
    quiet = usage_view(recent([], recorded=True, homes=(own,)))
    assert quiet.message.endswith("first session: codex-presence-gui report daily")
    assert quiet.home_options == ""


def test_a_period_of_90_days_in_every_part_of_the_page() -> None:
    """The chart, the tables, the cache line and the export cover the 90 days; the totals keep
    today and the week, the period third, named by its days."""
    old = TODAY - timedelta(days=60)
    view = usage_view(
        recent(
            [slot(TODAY, 1000), slot(old, 4000, cached=2000, project="api", model="gpt-b")],
            days=90,
        )
    )
    assert view.days == 90
    assert [(total.label, total.tokens) for total in view.totals] == [
        ("Today", 1000),
        ("7 days", 1000),
        ("90 days", 5000),
    ]
    assert view.totals[2].tooltip.startswith("90 days: 5,000 tokens")
    assert view.chart is not None
    assert len(view.chart.days) == 90
    assert view.chart.days[0].day == TODAY - timedelta(days=89)
    assert view.chart.days[-1].tooltip.startswith("Today, ")
    assert [row.name for row in view.projects] == ["api", "shop"]
    assert "(80% of the last 90 days)" in view.projects[0].tooltip
    assert view.cache_text.startswith("Cache hits: 40% of input over 90 days")
    assert old.isoformat() in view.csv_text


def test_a_period_of_7_days_has_two_totals_and_seven_bars() -> None:
    """The week is the period: said once, not twice side by side."""
    view = usage_view(recent([slot(TODAY, 1000), slot(TODAY - timedelta(days=6), 500)], days=7))
    assert [(total.label, total.tokens) for total in view.totals] == [
        ("Today", 1000),
        ("7 days", 1500),
    ]
    assert view.chart is not None
    assert len(view.chart.days) == 7
    assert "over 7 days" in view.cache_text


def test_the_period_is_said_where_nothing_was_used_in_it() -> None:
    """A quiet period names its days, and states without numbers keep the period asked."""
    quiet = usage_view(recent([slot(TODAY - timedelta(days=40), 1000)], days=7, recorded=True))
    assert quiet.message.startswith("No Codex usage in the last 7 days.")
    assert quiet.days == 7
    building = usage_view(RecentUsage(TODAY, UTC, building=True, days=90))
    assert (building.state, building.days) == (UsageState.BUILDING, 90)
    assert loading_view(90).days == 90


def _colors_of(chart: object) -> dict[str, int]:
    """Each model's colour in both modes' series, and on each day's parts."""
    from codex_presence_gui.viewmodels.usage import ChartView

    assert isinstance(chart, ChartView)
    colors: dict[str, set[int]] = {}
    for cost in (False, True):
        series, shown = chart.stacking(cost)
        for name, color in zip(series, shown, strict=True):
            colors.setdefault(name, set()).add(color)
        for day in chart.days:
            for part in day.cost_segments if cost else day.segments:
                colors[series[part.series]].add(part.color)
    assert all(len(each) == 1 for each in colors.values()), colors  # one colour a model
    return {name: each.pop() for name, each in colors.items()}


def test_a_model_keeps_its_colour_from_one_period_to_the_next() -> None:
    """gpt-a leads over 30 days and gpt-b over the last week: switched from 30 to 7 days,
    each keeps the colour it had (ranked afresh, their blue and amber had swapped); a model
    new to the chart takes a colour no other has."""
    slots = [
        slot(TODAY - timedelta(days=20), 9_000_000, model="gpt-a"),
        slot(TODAY, 1_000_000, model="gpt-a"),
        slot(TODAY, 2_000_000, model="gpt-b"),
        slot(TODAY, 3_000_000, model="gpt-c"),
    ]
    month, kept = kept_colors(usage_view(recent(slots)).chart, {})  # type: ignore[arg-type]
    assert _colors_of(month) == {"gpt-a": 0, "gpt-c": 1, "gpt-b": 2}  # as ranked: unchanged
    week = usage_view(recent(slots, days=7)).chart
    assert _colors_of(week) == {"gpt-c": 0, "gpt-b": 1, "gpt-a": 2}  # ranked afresh
    week, kept = kept_colors(week, kept)  # type: ignore[arg-type]
    assert _colors_of(week) == {"gpt-a": 0, "gpt-c": 1, "gpt-b": 2}
    newcomer = [*slots, slot(TODAY, 9_000_000, model="gpt-d")]
    later, kept = kept_colors(usage_view(recent(newcomer, days=7)).chart, kept)  # type: ignore[arg-type]
    colors = _colors_of(later)
    assert {name: colors[name] for name in ("gpt-a", "gpt-b", "gpt-c")} == {
        "gpt-a": 0,
        "gpt-c": 1,
        "gpt-b": 2,
    }
    assert colors["gpt-d"] not in (0, 1, 2, OTHER_COLOR)
    assert kept["gpt-d"] == colors["gpt-d"]


def test_a_kept_colour_taken_by_another_goes_to_the_first_model_that_wants_it() -> None:
    """Two models kept in one colour (one gone for a while, another given its colour): the
    first in the chart's order keeps it, and the other takes a free one, never the grey."""
    slots = [slot(TODAY, 2_000_000, model="gpt-a"), slot(TODAY, 1_000_000, model="gpt-b")]
    chart, kept = kept_colors(
        usage_view(recent(slots)).chart,  # type: ignore[arg-type]
        {"gpt-a": 3, "gpt-b": 3, "gone": 4},
    )
    colors = _colors_of(chart)
    assert colors["gpt-a"] == 3
    assert colors["gpt-b"] not in (3, OTHER_COLOR)
    assert kept == {"gone": 4, "gpt-a": 3, "gpt-b": colors["gpt-b"]}
