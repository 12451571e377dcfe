"""Hypothesis strategies shared by the parser tests: arbitrary JSON values."""

from __future__ import annotations

from hypothesis import strategies as st


def json_values(
    *, finite_only: bool, max_text: int = 20, max_leaves: int = 20
) -> st.SearchStrategy[object]:
    """Any JSON-like value; with ``finite_only`` False, floats include NaN and infinities
    (which only Python, not JSON, can hold: useful for already-decoded inputs)."""
    floats = st.floats(allow_nan=not finite_only, allow_infinity=not finite_only)
    integers = st.integers(-(2**63), 2**63 - 1) if finite_only else st.integers()
    leaves = st.none() | st.booleans() | integers | floats | st.text(max_size=max_text)
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
        ),
        max_leaves=max_leaves,
    )
