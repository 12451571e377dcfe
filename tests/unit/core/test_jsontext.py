"""``indented_json`` writes what orjson writes with OPT_INDENT_2, byte for byte."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.jsontext import indented_json


def _orjson(value: Any) -> str | type[Exception]:
    """orjson's text; for an integer orjson finds past 64 bits, the json module's."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except orjson.JSONEncodeError as error:
        if "64-bit" in str(error):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return orjson.JSONEncodeError


def _ours(value: Any) -> str | type[Exception]:
    try:
        return indented_json(value)
    except orjson.JSONEncodeError:
        return orjson.JSONEncodeError


# Text of any code point, lone surrogates included (orjson refuses those).
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1),
    st.floats(0, 1e-3).map(lambda x: round(x, 6)),
    st.integers(0, 10**12).map(lambda n: round(n / 7.0, 6)),
)
INTEGERS = st.one_of(st.integers(-(2**64), 2**65), st.integers(-1000, 10**12))
SCALARS = st.one_of(st.none(), st.booleans(), INTEGERS, FLOATS, TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(TEXT, inner, max_size=4),
    ),
    max_leaves=30,
)


@given(VALUES)
def test_the_same_text_as_orjson(value: Any) -> None:
    assert _ours(value) == _orjson(value)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


class Colour(enum.Enum):
    RED = "red"


class Count(int):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"cost": 2.3e-05, "ratio": 0.1, "big": 1e16, "zero": -0.0},
        [math.inf, math.nan],
        {"deep": _nested(40)},
        {1: "not a text key"},
        {"enum": Colour.RED, "subclass": Count(3)},
        {"text": 'quote " back \\ nul \x00 esc \x1b del \x7f sep \u2028 emoji 🙂'},
        {"surrogate": "\udcff"},
        {"just fits": 2**64 - 1, "lowest": -(2**63)},
        {"empty": {}, "none": [], "nested": {"a": [{}, []]}},
    ],
)
def test_what_orjson_decides(value: Any) -> None:
    assert _ours(value) == _orjson(value)


def test_integers_past_64_bits_are_written_whole() -> None:
    """orjson refuses them; sums of hostile logs can get there, and the report still prints
    them, in the same layout."""
    value = {"too big": 2**64, "below": -(2**63) - 1, "rows": [{"total": 10**30}]}
    assert json.loads(indented_json(value)) == value
    assert indented_json({"a": 2**64}) == '{\n  "a": 18446744073709551616\n}'


@given(VALUES)
def test_a_value_written_alone_at_its_indent_is_its_text_in_the_document(value: Any) -> None:
    """What ``report --json`` writes a row at a time: each in the document's frame gives the
    document's own text, whichever of the writers (ours, orjson, the json module) writes it."""
    try:
        whole = indented_json({"rows": [value]})
    except orjson.JSONEncodeError:
        with pytest.raises(orjson.JSONEncodeError):
            indented_json(value, "    ")
        return
    assert whole == '{\n  "rows": [\n    ' + indented_json(value, "    ") + "\n  ]\n}"
