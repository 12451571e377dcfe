"""``token_pricer`` prices as ``price_tokens`` does, to the last bit of every float."""

from __future__ import annotations

import struct
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core import pricing
from codex_presence_gui.core.pricing import UnitPrices, price_tokens, token_pricer

PRICES = st.one_of(
    st.sampled_from(
        ["0.00000175", "1.75E-7", "0.000014", "0", "0E-9", "2", "1E+2", "-0.000001", "NaN", "Inf"]
    ).map(Decimal),
    st.builds(
        lambda count, exponent: Decimal(count).scaleb(-exponent),
        st.integers(0, 10**12),
        st.integers(0, 70),
    ),
    st.builds(
        lambda top, bottom: Decimal(top) / Decimal(bottom),  # up to 28 digits
        st.integers(1, 10**6),
        st.integers(1, 10**9),
    ),
)
TOKENS = st.one_of(st.integers(0, 10**6), st.integers(0, 10**22), st.integers(-5, 5))


def _bits(price: Callable[[], tuple[float, float]]) -> tuple[bytes, bytes] | type[Exception]:
    try:
        cost, saved = price()
    except ArithmeticError as error:  # NaN and infinities: the same failure
        return type(error)
    return struct.pack("<d", cost), struct.pack("<d", saved)


@given(PRICES, PRICES, PRICES, TOKENS, TOKENS, TOKENS)
def test_the_same_floats(
    fresh: Decimal, cached: Decimal, out: Decimal, input_tokens: int, cached_input: int, output: int
) -> None:
    units = UnitPrices(fresh, cached, out)
    assert _bits(lambda: token_pricer(units)(input_tokens, cached_input, output)) == _bits(
        lambda: price_tokens(units, input_tokens, cached_input, output)
    )


def test_plain_prices_take_the_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    units = UnitPrices(Decimal("0.00000175"), Decimal("1.75E-7"), Decimal("0.000014"))
    price = token_pricer(units)
    monkeypatch.setattr(pricing, "price_tokens", None)  # not called
    assert price(1_000_000, 250_000, 10_000) == price_tokens(units, 1_000_000, 250_000, 10_000)
