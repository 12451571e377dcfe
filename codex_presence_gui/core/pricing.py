"""API-equivalent cost of token usage, from pydantic's ``genai-prices`` library (imported lazily).

Subscription users do not pay per token: every cost shown is an estimate of what the same
calls would have cost on the API, and is labelled so. Prices come from the library's own
data, never from a table of ours. A model's price is linear in tokens within a context tier,
so each model's unit prices (per tier) are found once by pricing two probe calls, and a sum
of calls of one tier is priced exactly from its token sums.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from codex_presence_gui.core.records import NamedTuple

TYPE_CHECKING = False  # typing (and re) are not imported: see records
if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal  # imported where a price is made: not by a kept report
    from importlib.machinery import ModuleSpec
    from typing import Any, Protocol

    from codex_presence_gui.core.models import TokenUsage
#: Probe call sizes: below and above the long-context threshold (272,000 input tokens).
_SHORT_PROBE = 100_000
_LONG_PROBE = 300_000
_OUTPUT_PROBE = 100_000


class PriceKey(NamedTuple):
    """What a unit price depends on: the model, its context tier, the (UTC) day and the
    service tier (``priority``, ``flex``; ``""``: standard)."""

    model: str
    long_context: bool
    day: str
    service_tier: str


class UnitPrices(NamedTuple):
    """US dollars per token of one model in one context tier."""

    input: Decimal
    cached_input: Decimal
    output: Decimal


#: The first day of a price that holds from the start of the library's data.
FIRST_DAY = "0001-01-01"


class PriceSpan(NamedTuple):
    """One model's unit prices in one context and service tier, over the (UTC) days from
    ``first`` to ``last`` (ISO dates; ``last`` None: until a change the library does not
    know of yet). The library's prices change on set days: the days between share a price,
    and a new day within a kept span needs no library."""

    model: str
    long_context: bool
    service_tier: str
    first: str
    last: str | None
    units: UnitPrices | None  # None: the library does not know the model

    def holds_on(self, day: str) -> bool:
        """True when ``day`` (ISO) is one of the span's days."""
        return self.first <= day and (self.last is None or day <= self.last)


if TYPE_CHECKING:  # a protocol for the type checker only

    class PriceStore(Protocol):
        """Keeps unit prices found with one version of the library (the usage index does), so
        that a repeat report need not import the library at all."""

        def load_prices(self, library: str) -> list[PriceSpan]:
            """Every price kept for this library version."""

        def save_price(self, library: str, span: PriceSpan) -> None:
            """Keep one price."""


def installed_spec(name: str) -> ModuleSpec | None:
    """Where the top-level module ``name`` would be imported from, without importing it:
    ``importlib.util.find_spec``'s answer, from the finders it asks (importing it, and the
    ``importlib`` package with ``warnings``, had cost a repeat report a millisecond)."""
    import sys

    if not name.isidentifier():  # (a dotted name would need its parent imported)
        return None
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec: ModuleSpec | None = None if find_spec is None else find_spec(name, None)
        if spec is not None:
            return spec
    return None


def library_version() -> str | None:
    """The installed genai-prices version, without importing the library (a repeat report
    with its prices kept in the index never does)."""
    spec = installed_spec("genai_prices")
    if spec is None:
        return None
    if spec.origin:
        # Beside the package, pip and uv leave ``genai_prices-<version>.dist-info``: its
        # name is the version, read in a directory listing (importlib.metadata takes 30 ms).
        import os

        site = os.path.dirname(os.path.dirname(spec.origin))
        try:
            names = os.listdir(site)
        except OSError:
            names = []
        for name in names:
            if name.startswith("genai_prices-") and name.endswith(".dist-info"):
                return name.removeprefix("genai_prices-").removesuffix(".dist-info")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("genai-prices")
    except PackageNotFoundError:
        return None


#: How a ``Pricer.source`` starts when the price library cannot be used.
UNAVAILABLE = "unavailable"


def unavailable_prices(source: str) -> bool:
    """True when ``source`` (a report's price source) says the price library could not be
    used: then no model was priced because none could be, not because none has a price."""
    return source.startswith(f"{UNAVAILABLE} (")


#: How often a wait for the price library's import asks whether to give up.
IMPORT_POLL_S = 0.02


class _Import:
    """The price library's import in a thread of its own (see ``import_library``)."""

    def __init__(self) -> None:
        import threading

        self.done = threading.Event()
        self.library: Any = None
        self.error: BaseException | None = None
        thread = threading.Thread(target=self._run, name="genai-prices-import", daemon=True)
        thread.start()

    def _run(self) -> None:
        try:
            import genai_prices

            # Its data too: loaded with the first price (0.2 s, most of it holding the GIL,
            # and 0.3 s more to compile when no bytecode is kept), in the waiter's thread else.
            _load_data(genai_prices)
            self.library = genai_prices
        except BaseException as error:  # told to whoever waits, in their thread
            self.error = error
        finally:
            self.done.set()


def _load_data(library: Any) -> None:
    """Load the library's whole price data now, as its first price does (17 ms once
    compiled; the model does not matter, nor whether the library knows it). What fails here
    is met again, and said, when a price is asked for."""
    from contextlib import suppress

    with suppress(Exception):
        library.calc_price(library.Usage(input_tokens=1), "gpt-5", provider_id="openai")


_importing: _Import | None = None


def import_library(should_stop: Callable[[], bool] | None = None) -> Any:
    """The price library, imported; None when ``should_stop`` said True before it was.

    With ``should_stop``, the import and the loading of the library's data run in a daemon
    thread of their own that the caller waits for, asking ``should_stop`` between looks: the
    window's usage thread, quit in the middle of them, had outlived the 900 ms its stop is
    given (1.2 s), and a QThread cannot be let go of while it runs. An import given up goes
    on alone (one for every caller) and is not waited for at exit.

    Raises:
        ImportError: the library cannot be imported.
    """
    global _importing
    if should_stop is None:
        import genai_prices

        return genai_prices
    # Threads: only the window's usage thread asks for prices at a time; a second asking
    # meanwhile would at worst start a second import, which Python's import lock makes one.
    job = _importing
    if job is None or (job.done.is_set() and job.error is not None):
        job = _importing = _Import()  # (a failed import is tried again, as without a thread)
    # Asked first: a caller stopping asks again for each price it still counts on its way out.
    while not should_stop():
        if job.done.wait(IMPORT_POLL_S):
            break
    else:
        return None
    if job.error is not None:
        raise job.error
    return job.library


class Pricer:
    """Prices calls by model with the price library, remembering each model's unit prices.

    Args:
        provider: the library's provider id (Codex's models are OpenAI's).
        store: where unit prices are kept between runs (None: this run only).
        should_stop: asked while the library is imported (see ``import_library``): True
            gives up the wait, and the prices asked for meanwhile are None. A thread that
            must stop in time passes it (and uses the pricer no more once it said True).
    """

    def __init__(
        self,
        provider: str = "openai",
        store: PriceStore | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.provider = provider
        self._store = store
        self._should_stop = should_stop
        self._version = library_version()
        self._library: Any = None
        self._unavailable: str | None = (
            None if self._version else "the genai-prices package is not installed"
        )
        self._units: dict[PriceKey, UnitPrices | None] = {}  # each price asked for
        #: The spans kept or found, by model, context tier and service tier.
        self._spans: dict[tuple[str, bool, str], list[PriceSpan]] = {}
        if store is not None and self._version:
            for span in store.load_prices(self._library_key):
                self._spans.setdefault(span[:3], []).append(span)

    @property
    def _library_key(self) -> str:
        return f"genai-prices {self._version}"

    @property
    def source(self) -> str:
        """Where prices come from, for reports: the library and its version."""
        if self._unavailable is not None:
            return f"{UNAVAILABLE} ({self._unavailable})"
        return self._library_key

    def warm_up(self) -> None:
        """Import the library and load its price data now if no price is kept yet (a first
        build calls this while its worker processes read, so that the 0.2 s this takes
        overlaps the reading instead of following it); with prices kept, a report may need
        none of it, and nothing is imported."""
        if self._spans:
            return
        try:
            library = self._load()
        except Exception:  # met again, and reported, when a price is asked for
            return
        if library is not None:
            _load_data(library)

    def _load(self) -> Any:
        if self._library is None and self._unavailable is None:
            try:
                # About 0.25 s (1.2 s seen on a busy machine): only when a cost is asked for.
                self._library = import_library(self._should_stop)
            except ImportError as error:
                self._unavailable = f"the genai-prices package cannot be imported: {error}"
        return self._library

    def units(
        self,
        model: str,
        long_context: bool = False,
        on: date | None = None,
        service_tier: str = "",
    ) -> UnitPrices | None:
        """The model's prices per token in that context tier on day ``on`` (UTC; None: today)
        in that service tier, as the library has them (its prices change over time, and the
        priority tier costs more); None when it does not know the model."""
        key = PriceKey(
            model, long_context, (on or datetime.now(UTC).date()).isoformat(), service_tier
        )
        if key not in self._units:
            kept = self._spans.get((model, long_context, service_tier), ())
            span = next((span for span in kept if span.holds_on(key.day)), None)
            if span is None:
                span = self._probe(key)
                if span is not None:
                    self._spans.setdefault(span[:3], []).append(span)
                    if self._store is not None:
                        self._store.save_price(self._library_key, span)
            self._units[key] = None if span is None else span.units
        return self._units[key]

    def _probe(self, key: PriceKey) -> PriceSpan | None:
        """The span of the price on ``key``'s day, from the library; None when the library
        is not there."""
        library = self._load()
        if library is None:
            return None
        try:
            first, last = _days_alike(library, self.provider, library_model(key.model), key.day)
        except LookupError:  # the library does not know the model, on any day
            return PriceSpan(key.model, key.long_context, key.service_tier, FIRST_DAY, None, None)
        return PriceSpan(
            key.model, key.long_context, key.service_tier, first, last, self._unit_prices(key)
        )

    def _unit_prices(self, key: PriceKey) -> UnitPrices | None:
        """The model's prices per token on ``key``'s day, from two probe calls priced by
        the library (loaded by ``_probe``); None when it does not know the model."""
        library = self._library
        model = library_model(key.model)
        size = _LONG_PROBE if key.long_context else _SHORT_PROBE
        when = datetime.fromisoformat(key.day).replace(hour=12, tzinfo=UTC)
        context = {"service_tier": key.service_tier} if key.service_tier else None
        from decimal import Decimal

        def price(**tokens: int) -> tuple[Decimal, Decimal]:
            """The call's total price, and the part of it its output costs."""
            result = library.calc_price(
                library.Usage(**tokens),
                model,
                provider_id=self.provider,
                genai_request_timestamp=when,
                price_context=context,
            )
            return Decimal(result.total_price), Decimal(result.output_price)

        try:
            # Two calls, not three: the library sums a price from parts by direction, so a
            # call's total less its output part is what the same call without output costs.
            total, output = price(input_tokens=size, output_tokens=_OUTPUT_PROBE)
            cached, _ = price(input_tokens=size, cache_read_tokens=size)
        except LookupError:
            return None
        return UnitPrices((total - output) / size, cached / size, output / _OUTPUT_PROBE)

    def cost(
        self,
        model: str,
        long_context: bool,
        tokens: TokenUsage,
        on: date | None = None,
        service_tier: str = "",
    ) -> float | None:
        """What calls of one tier made on day ``on`` with these token sums cost on the API, in
        US dollars (reasoning is part of output); None for a model without a known price."""
        priced = self.cost_and_savings(model, long_context, tokens, on, service_tier)
        return None if priced is None else priced[0]

    def cost_and_savings(
        self,
        model: str,
        long_context: bool,
        tokens: TokenUsage,
        on: date | None = None,
        service_tier: str = "",
    ) -> tuple[float, float] | None:
        """The cost (see ``cost``) and what the cached input saved against paying the full
        input price for it; None for a model without a known price."""
        units = self.units(model, long_context, on, service_tier)
        if units is None:
            return None
        return price_tokens(units, tokens.input, tokens.cached_input, tokens.output)


#: How a router names OpenAI's models (OpenRouter, LiteLLM: ``openai/gpt-5``).
_ROUTED_PREFIX = "openai/"


def library_model(model: str) -> str:
    """The name the price library knows a logged model by: an OpenAI model reached through
    a router (``openai/gpt-5``, when Codex's model provider is OpenRouter or a LiteLLM
    proxy) costs what the model itself costs on OpenAI's API."""
    if model[: len(_ROUTED_PREFIX)].lower() == _ROUTED_PREFIX and len(model) > len(_ROUTED_PREFIX):
        return model[len(_ROUTED_PREFIX) :]
    return model


def _days_alike(library: Any, provider: str, model: str, day: str) -> tuple[str, str | None]:
    """The first and last day (ISO; last None: no end known) around ``day`` on which the
    library prices ``model`` as on ``day``: between the days its prices and service-tier
    variants start. Just ``day`` when a price depends on more than the day (the time of
    day), or when the data is not laid out as this expects.

    Raises:
        LookupError: the library does not know the model.
    """
    from datetime import timedelta

    try:
        # Found as ``calc_price`` finds it (a LookupError when the model is unknown).
        snapshot = library.data_snapshot.get_snapshot()
        _, info = snapshot.find_provider_model(model, None, provider, None)
        prices = info.prices if isinstance(info.prices, list) else []
        constraints = [price.constraint for price in prices]
        constraints += [variant.constraint for variant in info.price_variants or ()]
        starts = set()
        for constraint in constraints:
            if constraint is None:
                continue
            if type(constraint).__name__ != "StartDateConstraint":
                return day, day
            starts.add(constraint.start_date.isoformat())
    except (AttributeError, TypeError):
        return day, day
    first = max((start for start in starts if start <= day), default=FIRST_DAY)
    after = min((start for start in starts if start > day), default=None)
    last = None if after is None else (date.fromisoformat(after) - timedelta(days=1)).isoformat()
    return first, last


def price_tokens(
    units: UnitPrices, input_tokens: int, cached_input: int, output: int
) -> tuple[float, float]:
    """What calls with these token sums cost at these unit prices, in US dollars, and what the
    cached input saved against paying the full input price for it."""
    cached = min(cached_input, input_tokens)
    value = (
        (input_tokens - cached) * units.input + cached * units.cached_input + output * units.output
    )
    return float(value), float(cached * (units.input - units.cached_input))


def token_pricer(units: UnitPrices) -> Callable[[int, int, int], tuple[float, float]]:
    """``price_tokens`` for these unit prices, the same to the last bit, faster: in whole
    numbers while the decimal arithmetic is exact.

    With every term positive, the decimal products and sums are exact when the cost in whole
    units of the smallest exponent has no more digits than the context's precision (nor the
    saving); the float of an exact decimal and Python's division of whole numbers are both
    correctly rounded. Anything else (a negative or special price, a sum too long) is priced
    by ``price_tokens`` itself.
    """
    import decimal
    from functools import partial

    precision = decimal.getcontext().prec
    try:
        saving = units.input - units.cached_input
    except ArithmeticError:  # infinities: price_tokens says so, call by call
        return partial(price_tokens, units)
    parts: list[tuple[int, int]] = []  # each price and the saving: (coefficient, exponent)
    for value in (*units, saving):
        sign, digits, exponent = value.as_tuple()
        if sign or not isinstance(exponent, int) or not -60 <= exponent <= 0:
            return partial(price_tokens, units)
        parts.append((int("".join(map(str, digits))), exponent))
    low = min(exponent for _, exponent in parts[:3])
    rates = [count * 10 ** (exponent - low) for count, exponent in parts[:3]]
    divisor, saving_divisor = 10**-low, 10 ** -parts[3][1]
    saving_rate = parts[3][0]
    limit = 10**precision

    def price(input_tokens: int, cached_input: int, output: int) -> tuple[float, float]:
        cached = min(cached_input, input_tokens)
        if cached >= 0 and output >= 0 and decimal.getcontext().prec == precision:
            cost = (input_tokens - cached) * rates[0] + cached * rates[1] + output * rates[2]
            saved = cached * saving_rate
            if cost < limit and saved < limit:
                return cost / divisor, saved / saving_divisor
        return price_tokens(units, input_tokens, cached_input, output)

    return price
