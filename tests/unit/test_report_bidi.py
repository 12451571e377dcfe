"""The report's text tables laid out by the Unicode bidi algorithm, as a terminal or an editor
that handles right-to-left text draws them: a project named in Arabic or Hebrew keeps the
numbers after it in their columns and their order."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from codex_presence_gui.core.sanitize import LEFT_TO_RIGHT_MARK
from codex_presence_gui.core.usage_index import SessionInfo
from codex_presence_gui.core.usage_report import build_usage_report, report_text
from tests.helpers.bidi import reading_order
from tests.unit.core.test_usage_report import _slot

LTR = Qt.LayoutDirection.LeftToRight
ARABIC = "مشروع عربي طويل جدا"
HEBREW = "פרויקט"


def _drawn(line: str) -> str:
    return reading_order(line, QFont(), LTR)


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("kind", ["project", "session"])
@pytest.mark.parametrize("name", [ARABIC, HEBREW, ARABIC * 3])
def test_numbers_after_a_right_to_left_name_stay_in_their_columns(kind: str, name: str) -> None:
    """Each row reads, left to right, as written after its name: "1.00K" had been drawn at
    the line's left edge as "1.00", the name, then "K", and a session's id end had moved
    before its name."""
    ident = "019ac0de-1111-7000-8000-000000000003"
    slots = [_slot("2026-11-02T11:00", ident, "m", 1000, project=name)]
    sessions = {ident: SessionInfo(ident, name, None, slots[0].slot, slots[0].slot, False)}
    report = build_usage_report(kind, slots, sessions, zone=UTC)
    for width in (80, 64, 50):
        text = report_text(report, width, UTC, today=date(2026, 12, 4))
        row = text.splitlines()[2]
        assert LEFT_TO_RIGHT_MARK in row
        numbers = row[row.index(LEFT_TO_RIGHT_MARK) + 1 :].lstrip()
        if kind == "session":
            assert numbers.startswith("00000003 ")
        drawn = _drawn(row).rstrip()
        assert drawn.endswith(numbers.rstrip()), (width, row, drawn)
        if kind == "session":
            assert drawn.startswith("02 Nov ")


def test_left_to_right_names_get_no_mark() -> None:
    """Names with no right-to-left letter (the usual) are printed as they are: nothing
    invisible in a line a script may read."""
    slots = [_slot("2026-11-02T11:00", "s-00000003", "m", 1000, project="项目-café")]
    text = report_text(build_usage_report("project", slots, {}, zone=UTC), 80, UTC)
    assert LEFT_TO_RIGHT_MARK not in text


@pytest.mark.usefixtures("qapp")
def test_a_right_to_left_name_cut_in_its_middle_keeps_its_mark() -> None:
    """The mark follows the last right-to-left word the cell shows: put in before the cut,
    it had gone with a word cut out, and a name ending in digits ("… 2024-11-25 12:00")
    had drawn the numbers after it into its run again."""
    name = "مشروع " * 8 + "2024-11-25 12:00"
    slots = [_slot("2026-11-02T11:00", "s-00000003", "m", 1000, project=name)]
    report = build_usage_report("project", slots, {}, zone=UTC)
    for width in (80, 64):
        row = report_text(report, width, UTC).splitlines()[2]
        assert "…" in row
        assert LEFT_TO_RIGHT_MARK in row
        after = row[row.index(LEFT_TO_RIGHT_MARK) + 1 :].strip()
        assert after.startswith(("2024-11-25 12:00 ", "12:00 "))  # after the cut word
        assert _drawn(row).rstrip().endswith(after)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("cp862", HEBREW), ("iso8859_6", "مشروع"), ("cp720", "مشروع"), ("mac_arabic", "مشروع")],
)
def test_no_mark_where_the_output_cannot_write_it(encoding: str, name: str) -> None:
    """An output that holds Hebrew or Arabic letters but not the mark had printed it as
    "?": a cell measured as none, every column after it one to the right."""
    import codecs

    from codex_presence_gui.cli import plain_symbols
    from codex_presence_gui.core.usage_report import report_text_lines

    codecs.register_error("test-plain-symbols", plain_symbols)

    slots = [_slot("2026-11-02T11:00", "s-00000003", "m", 1000, project=name)]
    report = build_usage_report("project", slots, {}, zone=UTC)
    lines = list(report_text_lines(report, 80, UTC, encoding=encoding))
    written = [line.encode(encoding, "test-plain-symbols").decode(encoding) for line in lines]
    assert "?" not in written[2]
    total = next(line for line in written if line.startswith("Total"))
    assert len(written[2]) == len(total)


def test_every_right_to_left_character_is_in_the_quick_test() -> None:
    """Labels are passed over for the mark by a character-range test before a look at each
    character: it must hold every character of class R or AL there is."""
    import re
    import sys
    import unicodedata

    from codex_presence_gui.core.usage_report import _RIGHT_TO_LEFT_RANGES

    quick = re.compile(_RIGHT_TO_LEFT_RANGES)
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.bidirectional(chr(code)) in ("R", "AL") and not quick.match(chr(code))
    ]
    assert missed == []
