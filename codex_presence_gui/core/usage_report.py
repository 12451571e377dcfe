"""Usage and API-equivalent cost by day, week, month, session, project or model, from the index.

Rows are built from the index's quarter-hour sums: a day (or week, month) is the local date of
each quarter hour in the report's time zone. Token fields keep Codex's meanings: input
includes cached input, output includes reasoning. A cost is an estimate (what the calls would
cost on the API) and is None where no model of the row has a known price.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from codex_presence_gui.core.pricing import token_pricer, unavailable_prices
from codex_presence_gui.core.sanitize import NO_VALUE, UNNAMED_MODEL
from codex_presence_gui.core.zones import (
    REPORT_KINDS,
    SystemZone,
    local_zone,
)

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
    from typing import Any, TextIO

    from codex_presence_gui.core.models import TokenUsage
    from codex_presence_gui.core.pricing import Pricer
    from codex_presence_gui.core.usage_index import (
        SessionInfo,
        SessionSlotRow,
        SlotRow,
        SlotUsage,
    )

JSON_SCHEMA = 1
#: What every cost is, wherever it is shown.
COST_LABEL = "API-equivalent cost (estimate)"
_FIELDS = ("input", "cached_input", "output", "reasoning_output", "total")


class _Fields:
    """Equality and a readable repr over ``__slots__``, as dataclasses give: the classes here
    are plain so that a repeat ``report`` never imports dataclasses (and inspect)."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Fields)
        return self._values() == other._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Tally(_Fields):
    """Token sums, calls, cost and sessions of a group of calls (mutable while a report is
    built)."""

    __slots__ = (  # noqa: RUF023 - in the order of the fields
        "input",
        "cached_input",
        "output",
        "reasoning_output",
        "total",
        "calls",
        "cost_usd",
        "savings_usd",
        "sessions",
    )

    def __init__(
        self,
        input: int = 0,
        cached_input: int = 0,
        output: int = 0,
        reasoning_output: int = 0,
        total: int = 0,
        calls: int = 0,
        cost_usd: float | None = None,
        savings_usd: float | None = None,
        sessions: set[str] | None = None,
    ) -> None:
        self.input = input
        self.cached_input = cached_input
        self.output = output
        self.reasoning_output = reasoning_output
        self.total = total
        self.calls = calls
        self.cost_usd = cost_usd
        self.savings_usd = savings_usd
        #: The sessions whose calls these are.
        self.sessions: set[str] = set() if sessions is None else sessions

    def add(self, tokens: TokenUsage, calls: int, cost: float | None, saved: float | None) -> None:
        """Count calls with these token sums and, when known, their cost and cache savings."""
        self.count(
            tokens.input,
            tokens.cached_input,
            tokens.output,
            tokens.reasoning_output,
            tokens.total,
            calls,
            cost,
            saved,
        )

    def count(
        self,
        input_tokens: int,
        cached_input: int,
        output: int,
        reasoning_output: int,
        total: int,
        calls: int,
        cost: float | None,
        saved: float | None,
    ) -> None:
        """``add`` with the token sums one by one."""
        self.input += input_tokens
        self.cached_input += cached_input
        self.output += output
        self.reasoning_output += reasoning_output
        self.total += total
        self.calls += calls
        if cost is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost
        if saved is not None:
            self.savings_usd = (self.savings_usd or 0.0) + saved

    def count_calls(self, other: Tally) -> None:
        """Add another tally's token sums, calls and sessions (not its cost)."""
        self.sessions |= other.sessions
        self.count_tokens(other)

    def count_tokens(self, other: Tally) -> None:
        """Add another tally's token sums and calls (not its sessions, nor its cost)."""
        self.input += other.input
        self.cached_input += other.cached_input
        self.output += other.output
        self.reasoning_output += other.reasoning_output
        self.total += other.total
        self.calls += other.calls

    def merge(self, other: Tally) -> None:
        """Add another tally."""
        self.sessions |= other.sessions
        self.count(
            other.input,
            other.cached_input,
            other.output,
            other.reasoning_output,
            other.total,
            other.calls,
            other.cost_usd,
            other.savings_usd,
        )

    def price_no_calls(self) -> None:
        """Without calls, a cost of 0 (and no savings), known whatever the prices: an unknown
        cost (None) is for tokens of models without a price."""
        if not self.calls and not self.total:
            self.cost_usd = self.savings_usd = 0.0

    @property
    def cache_hit_ratio(self) -> float | None:
        """The share of input served from the cache (None without input)."""
        return self.cached_input / self.input if self.input else None


class UsageRow(_Fields):
    """One row: a day, week start, month, session, project or model."""

    __slots__ = (  # noqa: RUF023 - in the order of the fields
        "key",
        "tally",
        "models",
        "project",
        "started_at",
        "last_at",
    )

    def __init__(
        self,
        key: str,
        tally: Tally | None = None,
        models: dict[str, Tally] | None = None,
        project: str | None = None,
        started_at: float | None = None,
        last_at: float | None = None,
    ) -> None:
        self.key = key
        self.tally = Tally() if tally is None else tally
        self.models: dict[str, Tally] = {} if models is None else models
        self.project = project
        self.started_at = started_at
        self.last_at = last_at

    @property
    def sessions(self) -> set[str]:
        """The sessions of the row's calls."""
        return self.tally.sessions


class UsageReport(_Fields):
    """A report's rows (in key order; sessions by their last call), totals and price facts.

    A report written as it is read (``streamed_session_report``) has its rows in ``unread``
    instead, to be taken once, in order; its totals, unpriced models, price source (the
    library may fail as prices are asked) and ``counted_sessions`` (the totals' sessions,
    counted rather than held) are whole once they are all taken."""

    __slots__ = (  # noqa: RUF023 - in the order of the fields
        "kind",
        "timezone",
        "rows",
        "totals",
        "price_source",
        "unpriced_models",
        "unread",
        "counted_sessions",
        "sums_so_far",
    )

    def __init__(
        self,
        kind: str,
        timezone: str,
        rows: list[UsageRow],
        totals: UsageRow,
        price_source: str,
        unpriced_models: list[str],
        unread: Iterator[UsageRow] | None = None,
        counted_sessions: int | None = None,
        sums_so_far: SumsSoFar | None = None,
    ) -> None:
        self.kind = kind
        self.timezone = timezone
        self.rows = rows
        self.totals = totals
        self.price_source = price_source
        self.unpriced_models = unpriced_models
        self.unread = unread
        self.counted_sessions = counted_sessions
        #: The sums before a quarter hour that the report was asked to keep (``keep_from``).
        self.sums_so_far = sums_so_far


def _zone_name(zone: tzinfo) -> str:
    """The zone's IANA key, else its abbreviations this year, the earlier offset's first
    (``EST/EDT``: a report covers summer and winter days alike, and naming only the one in
    force now mislabels the others), else its abbreviation now, else ``local``."""
    key = getattr(zone, "key", None)
    if key:
        return str(key)
    seen: dict[str, timedelta] = {}
    try:
        now = datetime.now(zone)
        for moment in (now, *(datetime(now.year, month, 1, 12, tzinfo=zone) for month in (1, 7))):
            name, offset = moment.tzname(), moment.utcoffset()  # now, winter and summer
            if name and offset is not None:
                if name.upper() in _NAMES_OF_UTC and offset:
                    # TZ=UTC+3 is POSIX for 3 hours behind UTC, under the name "UTC": the
                    # report had said its days were UTC's.
                    name = _offset_name(offset)
                seen.setdefault(name, offset)
    except (ValueError, OverflowError, OSError):
        pass  # the names found so far (now's, when only a month failed)
    label = "/".join(sorted(seen, key=seen.__getitem__))
    return label if label and len(label) <= 16 else "local"


#: Abbreviations that say a zone is UTC itself.
_NAMES_OF_UTC = ("UTC", "GMT", "UT", "Z")


def _offset_name(offset: timedelta) -> str:
    """``UTC-03:00``, ``UTC+05:30``."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def build_usage_report(
    kind: str,
    slots: Iterable[SlotUsage],
    sessions: dict[str, SessionInfo],
    *,
    zone: tzinfo,
    since: date | None = None,
    until: date | None = None,
    pricer: Pricer | None = None,
) -> UsageReport:
    """Group the index's sums into the rows of ``kind`` (one of ``REPORT_KINDS``).

    Args:
        slots: the index's quarter-hour sums (``UsageIndex.slots``).
        sessions: the indexed sessions (``UsageIndex.sessions``), for session rows.
        zone: the time zone of days, weeks and months.
        since, until: the first and last local dates to count (inclusive).
        pricer: prices calls; None leaves every cost out.
    """
    rows = (
        (
            item.slot,
            item.session_id,
            item.project,
            item.model,
            int(item.long_context),
            item.calls,
            item.tokens.input,
            item.tokens.cached_input,
            item.tokens.output,
            item.tokens.reasoning_output,
            item.tokens.total,
            item.service_tier,
            item.last_at,
            item.repository,
        )
        for item in slots
    )
    return report_from_rows(
        kind, rows, sessions, zone=zone, since=since, until=until, pricer=pricer
    )


class _CallCounter:
    """Counts a report's calls (one index row at a time) into the row's tally of their model,
    and prices them. The row's, the totals' and the totals' tally of each model are summed
    from those tallies at the end, but for the cost: a sum of floats depends on its order, so
    each tally adds the calls' costs one by one, in the order the index gives the rows (a
    report made whole and one written as it is read then agree to the last digit)."""

    __slots__ = ("pricer", "prices", "totals", "unpriced")

    def __init__(self, totals: UsageRow, pricer: Pricer | None) -> None:
        self.totals = totals
        self.pricer = pricer
        #: Each (model, long context, UTC day, service tier)'s pricer; None: not priced.
        self.prices: dict[
            tuple[str, int, date, str], Callable[[int, int, int], tuple[float, float]] | None
        ] = {}
        self.unpriced: set[str] = set()

    def count(
        self,
        row: UsageRow,
        sessions: set[str] | None,
        model: str,
        tier: tuple[int, date, str],
        counts: tuple[int, int, int, int, int, int],
    ) -> Tally:
        """Count one row's calls of ``model`` (``tier``: long context, the calls' UTC day,
        service tier; ``counts``: input, cached input, output, reasoning output, total and
        calls) in ``row``, whose tally of the model (made with ``sessions``) is returned."""
        cell = row.models.get(model)
        if cell is None:
            cell = row.models[model] = Tally(sessions=sessions)
        totals = self.totals
        whole = totals.models.get(model)
        if whole is None:
            whole = totals.models[model] = Tally()
        input_tokens, cached_input, output, reasoning_output, total, calls = counts
        cost = saved = None
        if self.pricer is not None:
            # Priced as on the calls' (UTC) day: the library's prices change over time.
            price_key = (model, *tier)
            if price_key in self.prices:
                price = self.prices[price_key]
            else:
                long_context, day, service_tier = tier
                units = self.pricer.units(model, bool(long_context), day, service_tier)
                price = self.prices[price_key] = None if units is None else token_pricer(units)
            if price is None:
                self.unpriced.add(model)
            else:
                cost, saved = price(input_tokens, cached_input, output)
                for tally in (row.tally, totals.tally, whole):
                    tally.cost_usd = (tally.cost_usd or 0.0) + cost
                    tally.savings_usd = (tally.savings_usd or 0.0) + saved
        cell.count(input_tokens, cached_input, output, reasoning_output, total, calls, cost, saved)
        return cell


def report_from_rows(
    kind: str,
    rows: Iterable[SlotRow],
    sessions: dict[str, SessionInfo],
    *,
    zone: tzinfo,
    since: date | None = None,
    until: date | None = None,
    pricer: Pricer | None = None,
    projects: Collection[tuple[str, str | None]] | None = None,
    starts: Mapping[str, float | None] | None = None,
    resume: SumsSoFar | None = None,
    keep_from: int | None = None,
) -> UsageReport:
    """``build_usage_report`` from the index's rows as ``UsageIndex.slot_rows`` gives them.

    ``projects`` are the (project, repository) pairs of all the rows
    (``UsageIndex.slot_projects``), which a project or session report names its projects
    by: given, the rows are read once as they come; else they are held to be read twice.
    ``starts`` are the sessions' first starts (``UsageIndex.session_starts``): given, a
    session report takes them from there, not from ``sessions``.

    For a report by time or by model (``RESUMABLE_KINDS``): ``keep_from``, a quarter hour,
    has the report's sums of the rows before it kept in ``UsageReport.sums_so_far`` (see
    ``SumsSoFar``); ``resume``, sums so kept, has the report go on from them, ``rows``
    being only the index's rows from their quarter hour on. The report is then the same,
    to the last bit of every cost, as one made from all the rows."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report {kind!r}; choose one of {', '.join(REPORT_KINDS)}")
    if (resume is not None or keep_from is not None) and kind not in RESUMABLE_KINDS:
        raise ValueError(f"a {kind} report is not made from kept sums")
    by_key: dict[str, UsageRow] = {}
    totals = UsageRow("total")
    counter = _CallCounter(totals, pricer)
    if resume is not None:
        resume.restore(by_key, totals, counter.unpriced)
    sums_so_far: SumsSoFar | None = None
    by_time = kind in _DAILY_KINDS
    by_session = kind == "session"
    # Per quarter hour: its row key for a report by time (None: outside since..until; "" for
    # other reports) and its UTC day (the price library's prices change over time).
    slot_facts: dict[int, tuple[str | None, date]] = {}
    labels: dict[tuple[str, str | None], str] | None = None
    if kind in ("project", "session"):
        if projects is None:
            rows = list(rows)  # read twice: the projects' names first
            projects = {(row[2], row[13]) for row in rows}
        labels = project_labels(projects)
    for (
        slot,
        session_id,
        project,
        model,
        long_context,
        calls,
        input_tokens,
        cached_input,
        output,
        reasoning_output,
        total,
        service_tier,
        last_at,
        repository,
    ) in rows:
        if keep_from is not None and slot >= keep_from:
            # The rows before this quarter hour have all been counted (they come in order).
            sums_so_far = SumsSoFar.of(keep_from, by_key, totals, counter.unpriced)
            keep_from = None
        facts = slot_facts.get(slot)
        if facts is None:
            facts = slot_facts[slot] = _slot_facts(slot, kind, zone, since, until)
        key = facts[0]
        if key is None:
            continue
        if labels is not None:
            project = labels[project, repository]
        if not by_time:
            key = session_id if kind == "session" else project if kind == "project" else model
        row = by_key.get(key)
        if row is None:
            row = by_key[key] = UsageRow(key)
            if kind == "session":
                # One set of its one session for the row and each of its models: a set
                # each had taken 22 MB more with 100,000 sessions (nothing adds to them).
                row.tally.sessions.add(session_id)
                row.project = project
                if starts is not None:
                    row.started_at = starts.get(session_id)
                elif (info := sessions.get(session_id)) is not None:
                    row.started_at = info.started_at
        if kind == "session":
            # The last call counted (within since..until), not the session's last.
            at = last_at if last_at is not None else float(slot)
            if row.last_at is None or at > row.last_at:
                row.last_at = at
        cell = counter.count(
            row,
            row.tally.sessions if by_session else None,
            model,
            (long_context, facts[1], service_tier),
            (input_tokens, cached_input, output, reasoning_output, total, calls),
        )
        if not by_session:
            cell.sessions.add(session_id)
    if keep_from is not None:  # no row from that quarter hour on
        sums_so_far = SumsSoFar.of(keep_from, by_key, totals, counter.unpriced)
    for row in by_key.values():
        for model, cell in row.models.items():
            row.tally.count_calls(cell)
            totals.models[model].count_calls(cell)
    for whole in totals.models.values():
        totals.tally.count_calls(whole)
    totals.tally.price_no_calls()
    ordered = sorted(by_key.values(), key=lambda row: row.key)
    if kind == "session":
        ordered.sort(key=lambda row: row.last_at or 0.0)
    elif kind in ("project", "model"):
        ordered.sort(key=lambda row: -row.tally.total)
    return UsageReport(
        kind,
        _zone_name(zone),
        ordered,
        totals,
        pricer.source if pricer is not None else "not priced",
        sorted(counter.unpriced),
        sums_so_far=sums_so_far,
    )


class SumsSoFar(_Fields):
    """A report's sums over the index's rows before one quarter hour (``first_slot``), as
    ``report_from_rows`` holds them before its last step: each row's cost so far and its
    tallies by model, the totals' costs by model, the unpriced models.

    A report after an append is the same report with a few more rows at its end: kept with
    the report, these sums let the next one read only the rows from ``first_slot`` on. Costs
    are floats added in the index's order, so the sums are kept exactly (JSON writes a float
    so that it reads back the same) and the rows after them are added in that same order:
    the report is the same to the last bit, which a report made again by adding the new
    calls to the printed sums would not be."""

    __slots__ = ("first_slot", "rows", "totals", "unpriced")

    def __init__(
        self, first_slot: int, rows: list[Any], totals: list[Any], unpriced: list[str]
    ) -> None:
        self.first_slot = first_slot
        self.rows = rows
        self.totals = totals
        self.unpriced = unpriced

    @classmethod
    def of(
        cls, first_slot: int, by_key: dict[str, UsageRow], totals: UsageRow, unpriced: set[str]
    ) -> SumsSoFar:
        """The sums of a report being made (copied: the report goes on adding to its own)."""
        rows = [
            [
                row.key,
                row.tally.cost_usd,
                row.tally.savings_usd,
                [
                    [model, *_tally_values(cell), sorted(cell.sessions)]
                    for model, cell in row.models.items()
                ],
            ]
            for row in by_key.values()
        ]
        whole = [[model, cell.cost_usd, cell.savings_usd] for model, cell in totals.models.items()]
        whole_costs = [totals.tally.cost_usd, totals.tally.savings_usd, whole]
        return cls(first_slot, rows, whole_costs, sorted(unpriced))

    def restore(self, by_key: dict[str, UsageRow], totals: UsageRow, unpriced: set[str]) -> None:
        """Put these sums into a new report's (empty) rows, totals and unpriced models."""
        for key, cost, saved, models in self.rows:
            row = by_key[key] = UsageRow(key, Tally(cost_usd=cost, savings_usd=saved))
            for model, *counts, cost, saved, sessions in models:
                inputs, cached, output, reasoning, total, calls = counts  # (else ValueError)
                row.models[model] = Tally(
                    inputs, cached, output, reasoning, total, calls, cost, saved, set(sessions)
                )
        cost, saved, whole = self.totals
        totals.tally.cost_usd, totals.tally.savings_usd = cost, saved
        for model, model_cost, model_saved in whole:
            totals.models[model] = Tally(cost_usd=model_cost, savings_usd=model_saved)
        unpriced.update(self.unpriced)

    def to_text(self) -> str:
        """The sums as JSON text (``from_text`` reads them back, floats to the last bit)."""
        import json

        state = {"first_slot": self.first_slot, "rows": self.rows, "totals": self.totals}
        state["unpriced"] = self.unpriced
        return json.dumps(state, separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_text(cls, text: str) -> SumsSoFar | None:
        """Sums written by ``to_text``; None for text that is not (damaged, another format)."""
        import json

        try:
            state = json.loads(text)
            sums = cls(state["first_slot"], state["rows"], state["totals"], state["unpriced"])
            # (Asked of SQLite: past 64 bits, its query had ended in a traceback.)
            if type(sums.first_slot) is not int or abs(sums.first_slot) >= _SUMS_BOUND:
                return None
            # Every value where the report puts it, of its type: a damaged file is not used.
            check_by_key: dict[str, UsageRow] = {}
            check_totals = UsageRow("total")
            sums.restore(check_by_key, check_totals, set())
            models = [model for row in check_by_key.values() for model in row.models]
            names = [*check_by_key, *check_totals.models, *sums.unpriced, *models]
            if not all(type(name) is str for name in names):
                return None
            # No lone surrogate (the index holds none, and the report's JSON writer refuses
            # one): UnicodeEncodeError, a ValueError.
            "".join(names).encode()
            # Each row's models among the totals' (which the report's last step adds to).
            if not all(model in check_totals.models for model in models):
                return None
            counts = [0] * 6
            for tally in _every_tally(check_by_key, check_totals):
                if not _well_typed(tally):
                    return None
                counts = [a + b for a, b in zip(counts, _tally_values(tally)[:6], strict=True)]
            if max(counts) >= _SUMS_BOUND:  # sums a report could not write (JSON's 64 bits)
                return None
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None  # (RecursionError: JSON nested deeper than Python's stack)
        return sums


#: Kept sums whose counts add up to this, or of a quarter hour as far from 1970, are not
#: ours: the index holds none so large.
_SUMS_BOUND = 2**62


def _tally_values(tally: Tally) -> list[Any]:
    return [
        tally.input,
        tally.cached_input,
        tally.output,
        tally.reasoning_output,
        tally.total,
        tally.calls,
        tally.cost_usd,
        tally.savings_usd,
    ]


def _every_tally(by_key: dict[str, UsageRow], totals: UsageRow) -> Iterator[Tally]:
    for row in (*by_key.values(), totals):
        yield row.tally
        yield from row.models.values()


def _well_typed(tally: Tally) -> bool:
    counts = tally.input, tally.cached_input, tally.output, tally.reasoning_output, tally.total
    return (
        all(type(value) is int and value >= 0 for value in (*counts, tally.calls))
        and all(
            value is None or (type(value) is float and value - value == 0.0)  # finite
            for value in (tally.cost_usd, tally.savings_usd)
        )
        and all(type(session) is str for session in tally.sessions)
    )


def _slot_facts(
    slot: int, kind: str, zone: tzinfo, since: date | None, until: date | None
) -> tuple[str | None, date]:
    """A quarter hour's row key in a report of ``kind`` (by time: its day, week or month in
    ``zone``; else ""), None when the report leaves it out (outside since..until), and its
    UTC day (the price library's prices change over time)."""
    local, utc = _wall_time(slot, zone), _moment(slot, UTC)
    if local is None or utc is None:
        # A time no date can be made of (an index written before such times were refused):
        # nothing to count it in.
        return None, date.min
    day = local.date()
    key: str | None = _time_key(kind, day) if kind in _DAILY_KINDS else ""
    if (since is not None and day < since) or (until is not None and day > until):
        key = None
    return key, utc.date()


def counted_runs(
    slots: Iterable[int], zone: tzinfo, since: date | None, until: date | None
) -> list[tuple[int, int]]:
    """The quarter hours of ``slots`` (in order) that a report counts (see ``_slot_facts``),
    as runs of consecutive ones: (first, last). One run, as a rule: a date that goes back (a
    clock put back over midnight) or a time without a date can split it."""
    runs: list[tuple[int, int]] = []
    counting = False
    for slot in slots:
        if _slot_facts(slot, "session", zone, since, until)[0] is None:
            counting = False
        elif counting:
            runs[-1] = (runs[-1][0], slot)
        else:
            runs.append((slot, slot))
            counting = True
    return runs


def streamed_session_report(
    rows: Iterable[SessionSlotRow],
    *,
    zone: tzinfo,
    since: date | None = None,
    until: date | None = None,
    pricer: Pricer | None = None,
    projects: Collection[tuple[str, str | None]],
) -> UsageReport:
    """``report_from_rows``' session report, its rows made as the index's rows are read and
    given (``UsageReport.unread``) as soon as each session's rows end: a report of 100,000
    sessions had held a row, tallies and models for each (1 KB a session) until the end.

    ``rows`` are ``UsageIndex.session_rows`` of the quarter hours the report counts
    (``counted_runs``), ``projects`` ``UsageIndex.slot_projects``. The totals add the calls'
    costs in the order they come, as ``report_from_rows`` does (a sum of floats depends on
    its order): the output is the same, byte for byte. Its sums must fit in the 64 bits of
    JSON's integers (``report_json_text``; ``UsageIndex.largest_sum`` tells beforehand)."""
    report = UsageReport(
        "session",
        _zone_name(zone),
        [],
        UsageRow("total"),
        pricer.source if pricer is not None else "not priced",
        [],
        counted_sessions=0,
    )
    report.unread = _sessions_as_read(
        report, rows, zone, since, until, pricer, project_labels(projects)
    )
    return report


def _sessions_as_read(
    report: UsageReport,
    rows: Iterable[SessionSlotRow],
    zone: tzinfo,
    since: date | None,
    until: date | None,
    pricer: Pricer | None,
    labels: dict[tuple[str, str | None], str],
) -> Iterator[UsageRow]:
    """``streamed_session_report``'s rows, in their places; the report's totals, unpriced
    models, sessions and price source once the last is given."""
    totals = report.totals
    counter = _CallCounter(totals, pricer)
    slot_facts: dict[int, tuple[str | None, date]] = {}
    # The sessions whose rows have not all come: each one's row, rows still to come, place.
    reading: dict[str, list[Any]] = {}
    # Sessions whose rows have all come, by place, until those before them have been given.
    finished: dict[int, UsageRow] = {}
    given = 0  # the place of the last session given
    for (
        slot,
        session_id,
        project,
        model,
        long_context,
        calls,
        input_tokens,
        cached_input,
        output,
        reasoning_output,
        total,
        service_tier,
        last_at,
        repository,
        place,
        count,
        started_at,
    ) in rows:
        facts = slot_facts.get(slot)
        if facts is None:
            facts = slot_facts[slot] = _slot_facts(slot, "session", zone, since, until)
        state = reading.get(session_id)
        if state is None:
            row = UsageRow(session_id, project=labels[project, repository], started_at=started_at)
            row.tally.sessions.add(session_id)
            state = reading[session_id] = [row, count, place]
        row = state[0]
        state[1] -= 1
        if facts[0] is not None:  # (the index gives only the quarter hours counted)
            # The last call counted (within since..until), not the session's last.
            at = last_at if last_at is not None else float(slot)
            if row.last_at is None or at > row.last_at:
                row.last_at = at
            counter.count(
                row,
                row.tally.sessions,
                model,
                (long_context, facts[1], service_tier),
                (input_tokens, cached_input, output, reasoning_output, total, calls),
            )
        if state[1] <= 0:
            del reading[session_id]
            finished[state[2]] = _finish_session(row, totals)
            while given + 1 in finished:
                given += 1
                yield finished.pop(given)
    # Rows the index counted otherwise (it is read in one go: none, as a rule), then any
    # place left empty: every session is given, in order.
    for state in reading.values():
        finished[state[2]] = _finish_session(state[0], totals)
    for place in sorted(finished):
        given += 1
        yield finished.pop(place)
    for whole in totals.models.values():
        totals.tally.count_tokens(whole)
    totals.tally.price_no_calls()
    report.unpriced_models = sorted(counter.unpriced)
    report.counted_sessions = given
    if pricer is not None:  # (a library that failed to import as prices were asked says so)
        report.price_source = pricer.source


def _finish_session(row: UsageRow, totals: UsageRow) -> UsageRow:
    """A session's row whose calls have all been counted, its models summed into it and into
    the totals (whose sessions are counted, not held)."""
    for model, cell in row.models.items():
        row.tally.count_tokens(cell)
        totals.models[model].count_tokens(cell)
    return row


def project_labels(projects: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], str]:
    """What to call each (folder name, repository) pair: the folder's name, as the window
    shows it, so that clones and worktrees of a repository (Codex's own worktrees are
    folders of its name) count as one project; but folders of one name that are checkouts
    of different repositories are told apart by the repository ("api (acme/api)", "api
    (other/api)"), and the folders of that name outside them stay "api"."""
    remotes: dict[str, set[str]] = {}
    for name, repository in projects:
        found = remotes.setdefault(name, set())
        if repository:
            found.add(repository)
    labels: dict[tuple[str, str | None], str] = {}
    for name, repository in projects:
        known = remotes[name]
        # (Sessions without a folder's name are one project, whatever their repositories.)
        if not name or not repository or len(known) < 2:
            labels[name, repository] = name
            continue
        # The remote's owner and name ("acme/api"); its whole text when two share those.
        short = _remote_short(repository)
        if sum(_remote_short(other) == short for other in known) > 1:
            short = repository
        labels[name, repository] = f"{name} ({short})"
    return labels


def _remote_short(repository: str) -> str:
    return "/".join(repository.split("/")[-2:])


def _time_key(kind: str, day: date) -> str:
    if kind == "daily":
        return day.isoformat()
    if kind == "weekly":
        return (day - timedelta(days=day.weekday())).isoformat()  # weeks start on Monday
    return day.strftime("%Y-%m")


# -- output -------------------------------------------------------------------------------


def _tally_json(tally: Tally, sessions: int | None = None) -> dict[str, Any]:
    return {
        "input_tokens": tally.input,
        "cached_input_tokens": tally.cached_input,
        "output_tokens": tally.output,
        "reasoning_output_tokens": tally.reasoning_output,
        "total_tokens": tally.total,
        "calls": tally.calls,
        "cost_usd": None if tally.cost_usd is None else round(tally.cost_usd, 6),
        "sessions": len(tally.sessions) if sessions is None else sessions,
    }


def _moment(seconds: float, zone: tzinfo) -> datetime | None:
    """Unix seconds as a time in ``zone``; None for one out of the calendar's range there
    (year 1 west of UTC, year 9999 east of it)."""
    try:
        return datetime.fromtimestamp(seconds, zone)
    except (OverflowError, ValueError, OSError):
        return None


def _wall_time(seconds: float, zone: tzinfo) -> datetime | None:
    """``_moment`` for its date and clock only: in the machine's zone, the C library's local
    time straight (a sixth of the cost of going through ``SystemZone.fromutc``, for each
    quarter hour of a report)."""
    if type(zone) is not SystemZone:
        return _moment(seconds, zone)
    try:
        return datetime.fromtimestamp(seconds)
    except (OverflowError, ValueError, OSError):
        return None


def _when(moment: float | None, zone: tzinfo) -> str | None:
    if moment is None:
        return None
    if type(zone) is SystemZone:
        return _system_when(moment)
    local = _moment(moment, zone)
    return None if local is None else local.isoformat(timespec="seconds")


_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
#: The machine's offsets met so far, as zones of their own.
_OFFSETS: dict[int, tzinfo] = {}


def _system_when(moment: float) -> str | None:
    """``_when`` in the machine's zone (``SystemZone``), as it writes it: the time with the C
    library's offset at that second (``tm_gmtoff``). A third of the cost of going through
    ``SystemZone``, which asks the C library twice (a session report has two times for
    each of its sessions: 100,000 sessions had spent a second here)."""
    import time

    try:
        utc = datetime.fromtimestamp(moment, UTC)
        offset = time.localtime((utc - _UTC_EPOCH) // _SECOND).tm_gmtoff
        fixed = _OFFSETS.get(offset)
        if fixed is None:
            fixed = _OFFSETS[offset] = timezone(timedelta(seconds=offset))
        return utc.astimezone(fixed).isoformat(timespec="seconds")
    except (OverflowError, ValueError, OSError):
        return None


def _row_json(row: UsageRow, zone: tzinfo, kind: str) -> dict[str, Any]:
    data = {"key": row.key, **_tally_json(row.tally)}
    if kind == "session":
        data["project"] = row.project
        data["started_at"] = _when(row.started_at, zone)
        data["last_at"] = _when(row.last_at, zone)
    data["models"] = {model: _tally_json(tally) for model, tally in sorted(row.models.items())}
    return data


def report_json(
    report: UsageReport,
    zone: tzinfo,
    dates: tuple[date | None, date | None] = (None, None),
) -> dict[str, Any]:
    """The ``report --json`` document (schema 1), with the ``dates`` (since, until) asked."""
    rows = [_row_json(row, zone, report.kind) for row in report.rows]
    return _document(report, dates, rows)


#: Where the rows go in the frame of the document (a top-level key: two spaces).
_ROWS_SLOT = '\n  "rows": []'
#: The largest integer orjson writes (see ``jsontext``).
_JSON_INT_MAX = 2**64 - 1


def report_json_text(
    report: UsageReport,
    zone: tzinfo,
    dates: tuple[date | None, date | None] = (None, None),
) -> Iterator[str]:
    """``indented_json(report_json(...))`` (the document as orjson writes it) in pieces: the
    frame, with each row written into it in turn, so that the whole is never held (a
    report written as it is read, ``UsageReport.unread``: as its rows come). A report of
    100,000 sessions is a 72 MB document; its dicts and text had taken 400 MB."""
    from codex_presence_gui.core.jsontext import indented_json

    rows = iter(report.rows) if report.unread is None else report.unread
    tally = report.totals.tally
    counts = (tally.input, tally.cached_input, tally.output, tally.reasoning_output, tally.total)
    if report.unread is None and max(*counts, tally.calls) > _JSON_INT_MAX:
        # Sums past 64 bits (hostile logs only): the json module writes the whole document
        # then (see ``indented_json``). Counts are never below zero, so every row's are at
        # most the totals'. (A report written as it is read has none: see
        # ``streamed_session_report``.)
        yield indented_json(report_json(report, zone, dates))
        return
    # The frame's head (what comes before the rows) is known from the start; its tail is
    # made after the rows, when the totals of a report written as it is read are whole.
    first = next(rows, None)
    head, slot, _ = indented_json(_document(report, dates, [])).partition(_ROWS_SLOT)
    if first is None or not slot:
        if report.unread is not None:
            report.rows = [] if first is None else [first, *rows]
            report.unread = None  # all read: the totals are whole
        yield indented_json(report_json(report, zone, dates))
        return
    yield head + '\n  "rows": [\n    ' + indented_json(_row_json(first, zone, report.kind), "    ")
    for row in rows:
        yield ",\n    " + indented_json(_row_json(row, zone, report.kind), "    ")
    _, _, tail = indented_json(_document(report, dates, [])).partition(_ROWS_SLOT)
    yield "\n  ]" + tail


def _document(
    report: UsageReport, dates: tuple[date | None, date | None], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    totals = {
        **_tally_json(report.totals.tally, report.counted_sessions),
        "cache_hit_ratio": report.totals.tally.cache_hit_ratio,
        "cache_savings_usd": None
        if report.totals.tally.savings_usd is None
        else round(report.totals.tally.savings_usd, 6),
    }
    return {
        "schema": JSON_SCHEMA,
        "report": report.kind,
        "timezone": report.timezone,
        # What was asked, so that a kept document says which days it covers.
        "since": None if dates[0] is None else dates[0].isoformat(),
        "until": None if dates[1] is None else dates[1].isoformat(),
        "rows": rows,
        "totals": totals,
        "prices": {
            "source": report.price_source,
            "cost": COST_LABEL,
            "unpriced_models": report.unpriced_models,
        },
    }


def _cell(text: str) -> str:
    """A name from the logs as a CSV cell: as the text table shows it (``shown_key``: what
    would not show written as an escape, so that two models, projects or sessions never
    share a cell, nor merge in a pivot table; ``--json`` has the exact names), and never a
    formula to a spreadsheet (``_not_a_formula``)."""
    from codex_presence_gui.core.sanitize import shown_key

    return _not_a_formula(shown_key(text))


def _project_cell(project: str) -> str:
    """A project as a CSV cell: as ``_cell``, and ``(none)`` for a session without a
    folder's name, as the text table says it (a folder named so is ``\\x28none)`` there)."""
    from codex_presence_gui.core.sanitize import NO_PROJECT

    return _cell(project) if project else NO_PROJECT


#: What makes a cell a formula to a spreadsheet when it comes first, after any spaces (OWASP's
#: CSV injection list, whose tab and carriage return are ``_FORMULA_SPACES``).
_FORMULA_STARTS = ("=", "+", "-", "@")
_FORMULA_SPACES = ("\t", "\r")


def _not_a_formula(text: str) -> str:
    """``text`` as a cell no spreadsheet runs, one to one (two texts never give one cell).

    A ``'`` comes first, as OWASP advises, when the text's first run of whitespace and ``'``
    holds a tab or a carriage return, or is followed by ``=``, ``+``, ``-`` or ``@``. Counting
    the ``'`` in that run keeps it one to one: ``'=x`` gets its ``'`` as ``=x`` does
    (``''=x`` and ``'=x``), so a project named ``=x`` and one named ``'=x`` never share a
    cell. (From ``shown_key`` no whitespace comes first: a space, tab or carriage return is
    written as an escape, ``\\x09``; the guard counts them all the same, for any text.)
    """
    start = 0
    while start < len(text) and (text[start].isspace() or text[start] == "'"):
        start += 1
    lead = text[:start]
    if text.startswith(_FORMULA_STARTS, start) or any(space in lead for space in _FORMULA_SPACES):
        return "'" + text
    return text


#: The first CSV column's name in each report.
_CSV_KEYS = {
    "daily": "date",
    "weekly": "week_start",
    "monthly": "month",
    "session": "session_id",
    "project": "project",
    "model": "model",
}


def report_csv(report: UsageReport, zone: tzinfo) -> str:
    """One line per row and model (a model report: per model), with a header line: no lines
    of totals, so that a spreadsheet's sum of a column (or a pivot table) is the total.
    ``sessions`` counts the sessions of each line."""
    import io

    out = io.StringIO()
    write_report_csv(report, zone, out)
    return out.getvalue()


def write_report_csv(report: UsageReport, zone: tzinfo, out: TextIO) -> None:
    """``report_csv``'s text written to ``out`` a line at a time (not held whole)."""
    import csv  # not for --json

    writer = csv.writer(out, lineterminator="\n")
    by_model = report.kind != "model"  # a model row is one model: no lines to split it in
    extra = ["project", "started_at", "last_at"] if report.kind == "session" else []
    writer.writerow(
        [
            _CSV_KEYS[report.kind],
            *(["model"] if by_model else []),
            *[f"{name}_tokens" for name in _FIELDS],
            "calls",
            "cost_usd_api_equivalent",
            "sessions",
            *extra,
        ]
    )
    for row in report.rows if report.unread is None else report.unread:
        parts = sorted(row.models.items()) if by_model else [("", row.tally)]
        for model, tally in parts:
            writer.writerow(
                [
                    _project_cell(row.key) if report.kind == "project" else _cell(row.key),
                    *([_cell(model)] if by_model else []),
                ]
                + [getattr(tally, name) for name in _FIELDS]
                + [tally.calls, "" if tally.cost_usd is None else f"{tally.cost_usd:.6f}"]
                + [len(tally.sessions)]
                + (
                    [
                        _project_cell(row.project or ""),
                        _when(row.started_at, zone) or "",
                        _when(row.last_at, zone) or "",
                    ]
                    if extra
                    else []
                )
            )


def unpriced_tokens(row: UsageRow | None) -> int:
    """The tokens of a row's models that have no known price: not in its cost."""
    if row is None:
        return 0
    return sum(tally.total for tally in row.models.values() if tally.cost_usd is None)


def unpriced_cached_tokens(row: UsageRow | None) -> int:
    """The cache hits of a row's models that have no known price: not in what it saved."""
    if row is None:
        return 0
    return sum(tally.cached_input for tally in row.models.values() if tally.cost_usd is None)


#: The model of calls whose log names none, where people read it (in JSON and CSV it is
#: the index's key, ``UNKNOWN_MODEL``).
UNNAMED_MODEL_LABEL = UNNAMED_MODEL


def model_label(model: str) -> str:
    """A model's name as tables, charts and notes show it: as everywhere else (``model_name``),
    and the index's ``unknown`` said for what it is."""
    from codex_presence_gui.core.formatting import model_name
    from codex_presence_gui.core.usage_index import UNKNOWN_MODEL

    return UNNAMED_MODEL_LABEL if model == UNKNOWN_MODEL else model_name(model)


#: The models without a price a note names (or one more, in the room "and 1 more" takes); the
#: others it counts ("and 2,990 more"): a history of thousands of models (a proxy's own
#: names) had made the note a screenful.
UNPRICED_NAMED = 10


def unpriced_names(models: Iterable[str]) -> list[str]:
    """Models without a price as notes name them (``model_label``), the unnamed one last."""
    labels = [model_label(model) for model in models]
    return sorted(labels, key=lambda label: label == UNNAMED_MODEL_LABEL)


def money(value: float | None) -> str:
    """``$3.40``; ``–`` (``NO_VALUE``) when unknown; ``<$0.01`` for a cost that rounds to
    nothing."""
    if value is None:
        return NO_VALUE
    if 0 < value < 0.005:
        return "<$0.01"
    return f"${value:,.2f}"


#: From this many dollars, a cost said alone (a total, the compact line, the cache's
#: savings) is in whole dollars: cents on an estimate of thousands are noise, and
#: "~$123,456.78" had read as exact. Tables keep them, so that a column lines up on its
#: points; tooltips, the CSV and the JSON have the cents.
WHOLE_DOLLARS_FROM = 1000.0
#: From this many dollars (only a damaged or hostile log gets there), a cost is short
#: everywhere but in tooltips, the CSV and the JSON: "$27.27T", as the report's table says it.
SHORT_DOLLARS_FROM = 1e6


def approx_money(
    value: float | None, partial: bool = False, *, whole: bool = False, digits: bool = False
) -> str:
    """``~$3.40`` (an estimate); ``<$0.01``; ``$0.00`` for nothing; ``cost unknown`` without a
    price; ``~$3.40+`` when ``partial``: some of the tokens have no known price and are not in
    it. ``whole``: ``~$12,346`` from ``WHOLE_DOLLARS_FROM`` up. From ``SHORT_DOLLARS_FROM``
    up, ``~$1.39M`` either way: "~$27,267,943,344,425.95" had pushed a table's names out of
    sight and was cut in a narrow window's totals; ``digits`` (a tooltip): every digit all
    the same."""
    if value is None:
        return "cost unknown"
    if value == 0 and not partial:
        return money(value)  # nothing to estimate: no calls, or calls of no cost
    # Rounded first: $999.996 reads "$1,000.00", so whole it is "$1,000".
    cents = round(value, 2)
    if cents >= SHORT_DOLLARS_FROM and not digits:
        text = _table_money(value)
    else:
        text = f"${value:,.0f}" if whole and cents >= WHOLE_DOLLARS_FROM else money(value)
    text = text if text.startswith("<") else f"~{text}"
    return f"{text}+" if partial else text


def cost_spoken(text: str) -> str:
    """A cost as screen readers are told it: ``about $3.60`` for ``~$3.60`` (the tilde read
    out as "tilde"), ``about $4.02 or more`` for ``~$4.02+`` (a model without a price left
    out), ``less than $0.01`` for ``<$0.01``; any other text as it is."""
    words, more = (text[:-1], True) if text.endswith("+") else (text, False)
    if words.startswith("~$"):
        words = f"about {words[1:]}"
    elif words.startswith(("<$", "~<$")):
        words = f"less than {words.lstrip('~<')}"
    return f"{words} or more" if more else words


def spoken_costs(text: str) -> str:
    """``text`` with each cost in it told as ``cost_spoken`` tells one, and its ``·``
    separators as commas (a line such as ``today: 1.2M tokens · ~$3.40+``)."""
    return ", ".join(
        " ".join(_word_spoken(word) for word in part.split(" ")) for part in text.split(" · ")
    )


def spoken_lines(text: str) -> str:
    """A text of several lines (a tooltip's) with each line told as ``spoken_costs`` tells
    one: "~$7.99+" is read "about $7.99 or more", not "tilde dollar 7.99 plus"."""
    return "\n".join(spoken_costs(line) for line in text.split("\n"))


def _word_spoken(word: str) -> str:
    """A word told as ``cost_spoken`` tells a cost, and a count as ``compact_spoken`` tells
    one ("1.2 million" for "1.2M"), the punctuation round it kept ("saved ~$0.60.",
    "(~$1.20)")."""
    from codex_presence_gui.core.formatting import compact_spoken

    core = word.lstrip("(").rstrip(".,;:)")
    start = len(word) - len(word.lstrip("("))
    if not core:
        return word
    said = " ".join(compact_spoken(part) for part in cost_spoken(core).split(" "))
    return word[:start] + said + word[start + len(core) :]


def percent_share(share: float, percent: int | None = None) -> str:
    """``42%`` (``percent``: the whole percent to show, else ``share`` rounded); ``<1%``
    for a share that rounds to nothing, ``>99%`` for one short of the whole that rounds to
    it ("100%" had stood above a row of "<1%")."""
    if share <= 0:
        return "0%"
    if percent is None:
        percent = int(share * 100 + 0.5)
    if percent < 1:
        return "<1%"
    return ">99%" if percent >= 100 and share < 1 else f"{percent}%"


def cache_hits_text(tally: Tally, span: str = "", *, partial: bool = False) -> str:
    """``Cache hits: 85% of input over 30 days, which saved ~$73.33.``, as the Usage page and
    the report say it (``span``: what the totals are of; the saving only when there is one;
    ``partial``: it leaves out the hits of models without a price, and says so with a ``+``
    as a cost does). The report had said "saving $73.33", without the "~" of every other
    estimate, and "saving $0.00" for nothing saved; nor under a cent: "which saved <$0.01+"
    said nothing, in odd signs."""
    ratio = tally.cache_hit_ratio or 0.0
    # Never "0%" for some hits (saving money) nor "100%" for not quite all.
    text = f"Cache hits: {percent_share(ratio)} of input{span}"
    if tally.savings_usd is not None and round(tally.savings_usd, 2) > 0:
        text += f", which saved {approx_money(tally.savings_usd, partial, whole=True)}"
    return text + "."


#: The reports whose rows are days, weeks or months.
_DAILY_KINDS = ("daily", "weekly", "monthly")
#: The reports ``report_from_rows`` can make from kept sums (``SumsSoFar``): a project
#: report names its projects by all of them, a session report each session by its start.
RESUMABLE_KINDS = (*_DAILY_KINDS, "model")
_KEY_TITLES = {
    "daily": "Date",
    "weekly": "Week of",
    "monthly": "Month",
    "session": "Last call · project · id",
    "project": "Project",
    "model": "Model",
}


def _fit_cells(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells, or cut in its middle (``…``) to fit them:
    wide characters, combining marks and zero-width ones keep the columns after it in line."""
    if text.isascii() and len(text) <= width:  # most names: one cell a character, no cut
        return text.ljust(width)
    from codex_presence_gui.core.sanitize import glyph_pieces, text_cells

    # In pieces: an escape in a shown name (``\\u202e``) is kept whole or left out whole, and
    # a mark of no width with the character before it (an accent had landed on the "…").
    pieces = glyph_pieces(text)
    cells = [text_cells(piece) for piece in pieces]
    if sum(cells) <= width:
        return text + " " * (width - sum(cells))
    room = width - 1  # the ellipsis
    head_room = room // 2
    head, used = [], 0
    for piece, cell in zip(pieces, cells, strict=True):
        if used + cell > head_room:
            break
        head.append(piece)
        used += cell
    tail: list[str] = []
    tail_used = 0
    for piece, cell in zip(reversed(pieces), reversed(cells), strict=True):
        if used + tail_used + cell > room:
            break
        tail.append(piece)
        tail_used += cell
    fitted = "".join(head) + "…" + "".join(reversed(tail))
    return fitted + " " * (width - used - tail_used - 1)


def _shortened(text: str, width: int) -> str:
    """``text`` as it is when it fits ``width`` terminal cells, else cut in its middle as
    ``_fit_cells`` cuts a table's cell."""
    from codex_presence_gui.core.sanitize import text_cells

    if text_cells(text) <= width:
        return text
    return _fit_cells(text, width).rstrip(" ")


#: The least room for a table's first column (a session's project and id, a model's name
#: such as gpt-5.3-codex): a narrower table leaves out number columns, in this order.
_LEAST_KEY_CELLS = 16
_LEFT_OUT_FIRST = ("Cached", "Input", "Output")
#: A session's: "23 Nov shop 0000aaaa", its date, four cells of its project and its id end
#: (in 16, its date had gone from 60 to 63 columns, while 59, with Cached left out, kept it);
#: five more when the dates say their year ("31 Dec 2025 shop 0000aaaa").
_LEAST_SESSION_CELLS = 20
_YEAR_CELLS = 5

#: The least room for a table's Models cell ("gpt-5.5, +2"); narrower tables leave it out.
_LEAST_MODELS_CELLS = 12


def _models_cell(row: UsageRow, width: int, encoding: str | None = None) -> str:
    """A row's models, most tokens first, in ``width`` terminal cells: as many as fit whole,
    then how many more (``gpt-5.3-codex, gpt-5.5, +2``); one that fits alone is cut. Each
    name is measured as ``encoding`` writes it (``_held_by``): escaped after it was fitted,
    a name in Chinese had been cut in its middle to "…\\u53f7"."""
    from codex_presence_gui.core.sanitize import text_cells

    names = [
        _held_by(model_label(model), encoding)
        for model, _ in sorted(row.models.items(), key=lambda item: (-item[1].total, item[0]))
    ]
    shown: list[str] = []
    used = 0
    for index, name in enumerate(names):
        more = len(names) - index - 1
        # Room for this name, and for ", +N" after it when others follow.
        after = len(f", +{more}") if more else 0
        cells = text_cells(name) + (2 if shown else 0)
        if used + cells + after > width:
            if not shown:  # not even the first whole: cut it (an odd name from the logs)
                rest = len(f", +{len(names) - 1}") if len(names) > 1 else 0
                shown.append(_shortened(name, max(width - rest, 2)))
                index += 1
            left = len(names) - index
            return ", ".join(shown) + (f", +{left}" if left else "")
        shown.append(name)
        used += cells
    return ", ".join(shown)


def _table_money(value: float | None) -> str:
    """``money``, but a million dollars and up in short form for a table: ``$1.39M``."""
    if value is None or round(value, 2) < SHORT_DOLLARS_FROM:
        return money(value)
    # (Rounded as above: $999,999.996 is "$1.00M".)
    divisor, suffix = next(
        unit for unit in ((1e12, "T"), (1e9, "B"), (1e6, "M")) if round(value, 2) >= unit[0]
    )
    return f"${value / divisor:,.2f}{suffix}"


#: Every character written right to left (bidirectional class R or AL) is in these ranges
#: (a test checks it against ``unicodedata``): a label without one needs no mark, and most
#: names, Chinese ones too, are passed over without a look at each character.
_RIGHT_TO_LEFT_RANGES = (
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _left_to_right_after(label: str) -> str:
    """``label`` (a table's first cell, as fitted to its column) with a left-to-right mark
    after its last right-to-left word (and the "…" or marks that end it): the padding and
    the numbers after a project named in Arabic or Hebrew had been laid out in its run,
    "1.00K" drawn at the line's left edge as "1.00 … K", and a session's id end before its
    name. Marked after the cut: marked before it, the mark had gone with a cut word."""
    import re  # (cached by re: compiled once)

    if label.isascii() or not re.search(_RIGHT_TO_LEFT_RANGES, label):
        return label
    import unicodedata

    from codex_presence_gui.core.sanitize import LEFT_TO_RIGHT_MARK

    last = next(
        (
            at
            for at in range(len(label) - 1, -1, -1)
            if unicodedata.bidirectional(label[at]) in ("R", "AL")
        ),
        -1,
    )
    if last < 0:
        return label
    end = last + 1
    while end < len(label) and not label[end].isspace():
        end += 1
    return label[:end] + LEFT_TO_RIGHT_MARK + label[end:]


def _unless_unicode(encoding: str | None) -> str | None:
    """``encoding``, or None for one that holds every character (UTF-8, UTF-16, UTF-32):
    the table then skips trying each name in it."""
    import codecs

    try:
        name = codecs.lookup(encoding).name if encoding else ""
    except LookupError:
        return None  # as _held_by takes it: written as it is
    return None if name.startswith(("utf-8", "utf-16", "utf-32")) else encoding


def _held_by(name: str, encoding: str | None) -> str:
    """``name`` with each character ``encoding`` cannot hold written as its escape
    (``\\u65e5``, as ``shown_key`` writes those that would not show), before the table
    measures it. Written as "?" by the output, a name in Chinese or Arabic had shifted the
    columns after it (a wide character measured two cells, a mark none, each printed as one
    "?"), and two such names of one length had read the same. The "…" of a cut is the
    table's own: the output writes it as "~"."""
    if encoding is None or name.isascii():
        return name
    try:
        name.encode(encoding)
        return name
    except UnicodeEncodeError:
        pass
    except LookupError:
        return name
    from codex_presence_gui.core.sanitize import escaped

    def held(char: str) -> str:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            return char if char == "…" else escaped(char)
        return char

    return "".join(map(held, name))


def _session_stamps(rows: list[tuple[str, str, str]], width: int) -> list[str]:
    """The times before each session's label (``when``, project, id): the date and clock
    (``26 Nov 14:05 ``), else the date alone, else none, the same form on every row, the
    longest that leaves each row's project four cells (or its whole name when shorter). Chosen
    row by row, a column of sessions had kept the dates of short names only."""
    from codex_presence_gui.core.sanitize import shown_key, text_cells

    needs = [
        (
            text_cells(shown_key(session_id[-8:])) + (1 if project else 0),
            min(text_cells(project), 4),
        )
        for _, project, session_id in rows
    ]
    for cut in (0, 6):  # "26 Nov 14:05 ", then "26 Nov " (the clock is the last six)
        stamps = [when[: len(when) - cut] if when else "" for when, _, _ in rows]
        if all(
            width - text_cells(stamp) - fixed >= least
            for stamp, (fixed, least) in zip(stamps, needs, strict=True)
        ):
            return stamps
    return [""] * len(rows)


def _session_label(stamp: str, project: str, session_id: str, width: int) -> str:
    """``26 Nov 14:05 shop 00c0ffee`` (or ``26 Nov 2025 14:05 …``) in ``width`` cells, its
    time as ``_session_stamps`` chose it for the table. The end of the id always stays (a
    UUIDv7 starts with its time, the same for sessions begun within a minute or so of each
    other); to fit, the project is cut."""
    from codex_presence_gui.core.sanitize import key_pieces, shown_key, text_cells

    # In terminal cells, not characters: a project named in Chinese had been cut twice
    # ("项目…目项目项…"), here by characters and then by the table's cell to fit.
    ident = shown_key(session_id[-8:])
    cells = text_cells(project)
    room = width - text_cells(stamp) - text_cells(ident) - (1 if project else 0)
    if cells > room:
        kept, used = [], 0
        for piece in key_pieces(project):  # its start, in room for it and the ellipsis
            used += text_cells(piece)  # (an escape, ``\\u202e``, kept whole or left out)
            if used > room - 1:
                break
            kept.append(piece)
        project = "".join(kept) + "…" if room > 1 else ""
    return f"{stamp}{project} {ident}" if project else f"{stamp}{ident}"


def _span(dates: tuple[date | None, date | None]) -> str:
    """``from 2026-11-25 to 2026-11-30``, ``from 2026-11-25 on`` or ``up to 2026-11-30``."""
    since, until = dates
    if since and until:
        return f"on {since}" if since == until else f"from {since} to {until}"
    return f"from {since} on" if since else f"up to {until}"


def _cuts_a_period(report: UsageReport, dates: tuple[date | None, date | None]) -> bool:
    """Whether ``--since`` or ``--until`` falls inside a week (Monday to Sunday) or month
    that a weekly or monthly report has a row for, which then counts only some of its
    days."""
    since, until = dates
    kind = report.kind
    cut: list[date] = []
    if kind == "weekly":
        cut += [since] if since and since.weekday() != 0 else []
        cut += [until] if until and until.weekday() != 6 else []
    elif kind == "monthly":
        cut += [since] if since and since.day != 1 else []
        month_end = until is None or until == date.max or (until + timedelta(days=1)).day == 1
        cut += [until] if until and not month_end else []
    keys = {_time_key(kind, day) for day in cut}
    return any(row.key in keys for row in report.rows)


def report_text(
    report: UsageReport,
    width: int = 80,
    zone: tzinfo | None = None,
    dates: tuple[date | None, date | None] = (None, None),
    today: date | None = None,
    *,
    breakdown: bool = False,
) -> str:
    """A table for the terminal, ``width`` columns wide at most (80 by default); sessions are
    named by their last call's time in ``zone``, their project and the end of their id; with
    ``breakdown``, each row's models follow it, indented, most tokens first. A
    report without rows is one line that says so, with the ``dates`` (since, until) asked.
    Session times are without their year when all are in the year of ``today`` (default:
    today in ``zone``)."""
    lines = report_text_lines(report, width, zone, dates, today, breakdown=breakdown)
    return "\n".join(lines)


def report_text_lines(
    report: UsageReport,
    width: int = 80,
    zone: tzinfo | None = None,
    dates: tuple[date | None, date | None] = (None, None),
    today: date | None = None,
    *,
    breakdown: bool = False,
    unreadable: bool = False,
    encoding: str | None = None,
) -> Iterator[str]:
    """``report_text``'s lines one at a time (a report of 100,000 sessions is 8 MB of text).
    ``unreadable``: some logs could not be read (said after the report), so that no usage
    found is not said to be none recorded. ``encoding``: the output's, when it is not UTF-8
    (``_held_by``).

    A report written as it is read (``UsageReport.unread``) is read whole first, the table's
    columns being as wide as its widest cost: each row is kept with only what its line shows
    (without ``breakdown``)."""
    if report.unread is not None:
        rows = report.unread
        report.rows = list(rows) if breakdown else [_as_shown(row) for row in rows]
        report.unread = None
    if not report.rows:
        if unreadable:
            where = _span(dates) if any(dates) else "from these Codex logs"
            yield f"No token usage could be read {where}: some of them cannot be read (below)."
        else:
            where = _span(dates) if any(dates) else "in these Codex logs"
            yield f"No token usage recorded {where}."
        return

    from codex_presence_gui.core.formatting import NO_BREAK_SPACE, format_tokens_compact
    from codex_presence_gui.core.sanitize import (
        LEFT_TO_RIGHT_MARK,
        clean_text,
        project_label,
        shown_key,
    )

    encoding = _unless_unicode(encoding)

    # The cost column is as wide as its widest amount (in millions and up, in short form:
    # "$1.39M"); the last column is the ``+`` of a cost that leaves unpriced tokens out.
    costs = [_table_money(row.tally.cost_usd) for row in (*report.rows, report.totals)]
    cost_width = max(9, *(len(cost) for cost in costs))
    numbers = [("Input", 7), ("Cached", 7), ("Output", 7), ("Total", 7), ("Cost*", cost_width)]
    # A narrow terminal loses columns, not names nor its width: at 56 columns two models had
    # both read "gpt-5…-codex", and at 40 every line had wrapped in two.
    zone = zone or local_zone()
    lasts = [
        None if row.last_at is None or report.kind != "session" else _moment(row.last_at, zone)
        for row in report.rows
    ]
    this_year = (today or datetime.now(zone).date()).year
    # Every time gets its year when one is of another year: the column stays in line.
    with_year = any(last is not None and last.year != this_year for last in lasts)
    left_out = []
    least = _LEAST_KEY_CELLS
    if report.kind == "session":
        least = _LEAST_SESSION_CELLS + (_YEAR_CELLS if with_year else 0)
    for name in _LEFT_OUT_FIRST:
        if width - sum(w + 1 for _, w in numbers) - 2 >= least:
            break
        numbers = [column for column in numbers if column[0] != name]
        left_out.append(name)
    key_width = max(10, width - sum(w + 1 for _, w in numbers) - 2)
    title = _KEY_TITLES[report.kind]
    if len(title) > key_width:
        title = report.kind.capitalize()  # "Session": the long title needs a wider table
    # A day's, week's or month's models beside its date, in the room the numbers leave (as
    # ccusage's table has them); not with ``breakdown``, whose lines under each row name them.
    date_width = max(len(title), *(len(row.key) for row in report.rows))
    models_width = key_width - date_width - 2
    with_models = (
        report.kind in _DAILY_KINDS and not breakdown and models_width >= _LEAST_MODELS_CELLS
    )
    if with_models:
        title = title.ljust(date_width) + "  Models"
    header = title.ljust(key_width) + " " + " ".join(name.rjust(w) for name, w in numbers)
    yield header
    yield "─" * min(width, len(header))

    partial = False  # a cost leaves out the tokens of a model without a price
    # An output that cannot write the mark (cp862 holds Hebrew, not U+200E) would print it
    # as "?": a cell measured as none, and every column after it one to the right.
    marked = _held_by(LEFT_TO_RIGHT_MARK, encoding) == LEFT_TO_RIGHT_MARK

    def line(label: str, row: UsageRow) -> str:
        nonlocal partial
        tally = row.tally
        mark = ""
        if tally.cost_usd is not None and unpriced_tokens(row):
            mark = "+"
            partial = True
        # Each with three digits: "1.80M" under "1.73M", not "1.8M".
        counts = {
            "Input": tally.input,
            "Cached": tally.cached_input,
            "Output": tally.output,
            "Total": tally.total,
        }
        cells = [
            *(
                format_tokens_compact(count, trailing_zeros=True)
                for name, count in counts.items()
                if name not in left_out
            ),
            _table_money(tally.cost_usd),
        ]
        key = _fit_cells(_held_by(clean_text(label), encoding), key_width)
        return (
            (_left_to_right_after(key) if marked else key)
            + " "
            + " ".join(cell.rjust(w) for cell, (_, w) in zip(cells, numbers, strict=True))
            + mark
        )

    stamp_format = "%d %b %Y %H:%M " if with_year else "%d %b %H:%M "
    projects = [_held_by(project_label(row.project or ""), encoding) for row in report.rows]
    stamps = [""] * len(report.rows)
    if report.kind == "session":
        whens = ["" if last is None else last.strftime(stamp_format) for last in lasts]
        stamps = _session_stamps(
            [
                (when, project, row.key)
                for when, project, row in zip(whens, projects, report.rows, strict=True)
            ],
            key_width,
        )
    for row, stamp, project in zip(report.rows, stamps, projects, strict=True):
        # Names as keys (``shown_key``): two projects or sessions never read the same.
        if report.kind == "session":
            label = _session_label(stamp, project, row.key, key_width)
        elif with_models:
            label = row.key.ljust(date_width) + "  " + _models_cell(row, models_width, encoding)
        else:
            label = (
                model_label(row.key)
                if report.kind == "model"
                else project_label(row.key)
                if report.kind == "project"
                else shown_key(row.key)
            )
        yield line(label, row)
        if breakdown and report.kind != "model":  # a model report's rows are its models
            for model, tally in sorted(row.models.items(), key=lambda item: -item[1].total):
                yield line(f"  {model_label(model)}", UsageRow(model, tally, {model: tally}))
    yield "─" * min(width, len(header))
    yield line("Total", report.totals)
    notes = []
    if report.totals.tally.cache_hit_ratio is not None:
        hits_left_out = unpriced_cached_tokens(report.totals) > 0
        notes.append(cache_hits_text(report.totals.tally, partial=hits_left_out))
    notes.append(_cost_note(report))
    # Which days these are: a report read later, or by someone else, need not be local.
    zone_name = clean_text(report.timezone)
    if report.kind == "session":
        notes.append(f"Times in the {zone_name} time zone")
    elif report.kind in _DAILY_KINDS:
        notes.append(f"Days in the {zone_name} time zone")
    elif any(dates):  # a project or model report has days only in the ones asked for
        notes.append(f"The days asked are days in the {zone_name} time zone")
    if _cuts_a_period(report, dates):
        period = "week" if report.kind == "weekly" else "month"
        # The span kept on one line: "(from 2026-11-25" / "on)." had read as two things.
        span = _span(dates).replace(" ", NO_BREAK_SPACE)
        notes.append(
            f"A {period} that --since or --until cuts counts only the days asked ({span})."
        )
    if report.unpriced_models and not unavailable_prices(report.price_source):
        names = unpriced_names(report.unpriced_models)
        more = len(names) - UNPRICED_NAMED if len(names) > UNPRICED_NAMED + 1 else 0
        notes.append(
            "No price known for: "
            # A name from the logs can be any length: each at most a line of the note (cut
            # to the model column, "\u65e5…-model" had read the same for two names).
            + ", ".join(
                _shortened(_held_by(name, encoding), max(key_width, width - 4))
                for name in names[: len(names) - more]
            )
            + (f" and {more:,} more (--json lists them all)" if more > 0 else "")
            + ("; a cost marked + leaves their tokens out" if partial else "")
        )
    if left_out:
        columns = " and ".join(", ".join(left_out).rsplit(", ", 1))
        notes.append(
            f"{columns} {'is' if len(left_out) == 1 else 'are'} left out to fit the terminal; "
            "--csv has every column."
        )
    for note in notes:
        yield from _note_lines(note, width)


def _cost_note(report: UsageReport) -> str:
    """The note on the Cost column: the estimate and the library its prices came from; or,
    when nothing could be priced, why, in plain words (the library's name and version had
    stood there over a column of dashes, as if it had priced them)."""
    if report.totals.tally.cost_usd is None:
        if unavailable_prices(report.price_source):
            return f"* No cost is estimated: prices are {report.price_source}"
        if report.unpriced_models:  # named in the note that follows
            return "* No cost is estimated: no model in this report has a known API price"
    return f"* {COST_LABEL}; prices: {report.price_source}"


def _as_shown(row: UsageRow) -> UsageRow:
    """A row with what its line in the table shows (its tally's sums and cost, the models
    whose tokens its cost leaves out, its project and last call)."""
    tally = row.tally
    shown = Tally(
        tally.input,
        tally.cached_input,
        tally.output,
        0,
        tally.total,
        0,
        tally.cost_usd,
        None,
        _NO_SESSIONS,
    )
    unpriced = {model: cell for model, cell in row.models.items() if cell.cost_usd is None}
    return UsageRow(row.key, shown, unpriced, row.project, None, row.last_at)


#: The sessions of a row kept for the table only, which never shows them (never added to).
_NO_SESSIONS: set[str] = set()


def _note_lines(note: str, width: int) -> list[str]:
    """``note`` in lines of at most ``width`` terminal cells, broken at spaces, the later
    lines indented (``textwrap`` counts characters: a line of wide names, Chinese or
    Japanese, ran half as long again past the terminal's edge). A word longer than a line
    keeps one of its own."""
    from codex_presence_gui.core.sanitize import text_cells

    lines: list[str] = []
    line = ""
    for word in note.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and text_cells(candidate) > width:
            lines.append(line)
            candidate = "  " + word
        line = candidate
    lines.append(line)
    return lines
