"""Time stamps, read from logs and written in reports: built from their parts, the same as
``datetime`` makes them."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from codex_presence_gui.core.report import rfc3339


def _by_datetime(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@settings(max_examples=2000)
@given(
    st.one_of(
        st.floats(0, 253_402_300_700, allow_nan=False),
        # Stamps as Codex writes them (milliseconds), and halves of microseconds.
        st.integers(0, 4_102_444_800_000).map(lambda ms: ms / 1000),
        st.integers(0, 4_102_444_800_000_000).map(lambda us: us / 1e6 + 5e-7),
    )
)
def test_a_stamp_is_what_datetime_writes(epoch: float) -> None:
    assert rfc3339(epoch) == _by_datetime(epoch)


def test_edges() -> None:
    assert rfc3339(None) is None
    assert rfc3339(0.0) == "1970-01-01T00:00:00.000Z"
    assert rfc3339(1_778_000_000.9999999) == _by_datetime(1_778_000_000.9999999)
    assert rfc3339(-1.5) == _by_datetime(-1.5)  # before 1970: as datetime has it
    assert rfc3339(253_402_300_799.0) == "9999-12-31T23:59:59.000Z"


def _iso_seconds(text: str) -> float | None:
    from codex_presence_gui.core.jsonl import _parse_iso

    return _parse_iso(text)


@settings(max_examples=2000)
@given(
    st.one_of(
        # Codex's own form, valid or not in any field.
        st.tuples(
            st.integers(1, 9999),
            st.integers(0, 13),
            st.integers(0, 32),
            st.integers(0, 25),
            st.integers(0, 61),
            st.integers(0, 61),
            st.integers(0, 999),
        ).map(lambda p: "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z".format(*p)),
        st.text(alphabet="0123456789-T:.Zz+ ", min_size=10, max_size=30),
        st.text(min_size=24, max_size=24),
    )
)
def test_a_parsed_stamp_is_what_datetime_reads(text: str) -> None:
    """The fast path for Codex's form gives the float ``datetime`` gives, or None alike."""
    from codex_presence_gui.core.jsonl import parse_timestamp

    assert parse_timestamp(text) == _iso_seconds(text)
