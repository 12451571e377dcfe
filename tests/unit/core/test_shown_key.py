"""Names that tell rows apart (a model, a project, a session id): two never read the same."""

from __future__ import annotations

import itertools
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.discovery import shown_home
from codex_presence_gui.core.formatting import shortened
from codex_presence_gui.core.sanitize import (
    NO_PROJECT,
    NO_SESSION_MODEL,
    TOOLTIP_WORD_CHARS,
    UNNAMED_MODEL,
    _is_selector,
    clean_text,
    escaped,
    key_pieces,
    no_surrogates,
    shown_key,
    tooltip_html,
)

#: Names that read as "gpt-5" once cleaned or drawn, each a different model.
LOOK_ALIKES = [
    "\u202egpt-5",  # a right-to-left override (clean_text removes it)
    "gpt-5\u202c",  # a pop of the embedding
    "\u2066gpt-5\u2069",  # an isolate
    "gpt\u200b-5",  # a zero-width space
    "gpt-5\u2060",  # a word joiner
    "\ufeffgpt-5",  # a byte order mark
    "gpt-5\u00ad",  # a soft hyphen
    "gpt-5\u200d",  # a zero-width joiner after a letter
    "gpt-5\x07",  # a control clean_text removes
    "gpt-5\x1b[0m",  # an escape sequence clean_text removes
    "gpt-5\ufe0f",  # a variation selector that changes nothing
    "gpt-5\ufe0f\ufe0f",  # two of them
    "gpt-5\u034f",  # the combining grapheme joiner
    "gpt-5\U000e0001",  # a tag
    "gpt-5\U000e0100",  # an ideographic variation selector after a letter
    "gpt-5 ",  # a space at the end
    " gpt-5",  # a space at the start
]
#: Names that read as "gpt 5": the space variants.
SPACES = ["gpt\u00a05", "gpt\u20095", "gpt\u30005", "gpt\u202f5", "gpt\t5", "gpt\u28005"]
#: Plain names: shown as they are.
PLAIN = [
    *("gpt-5", "gpt 5", "项目", "葛\U000e0100城", "projets été"),
    *("👩\u200d💻 dev", "❤\ufe0f", "#\ufe0f\u20e3", ""),  # emoji, their joiner and selector
]


@pytest.mark.parametrize("name", PLAIN)
def test_a_plain_name_is_shown_as_it_is(name: str) -> None:
    assert shown_key(name) == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\u202egpt-5", "\\u202egpt-5"),
        ("gpt\u200b-5", "gpt\\u200b-5"),
        ("gpt\u00a05", "gpt\\u00a05"),
        ("gpt-5 ", "gpt-5\\x20"),
        ("a\tb", "a\\x09b"),
        ("gpt-5\x85", "gpt-5\\u0085"),  # a C1 control, not the byte 0x85 below
        ("caf\udce9", "caf\\xe9"),  # a byte that is not UTF-8
        ("x\U000e0001", "x\\U000e0001"),
        ("\\u202egpt-5", "\\\\u202egpt-5"),  # a name that looks like an escape
        ("C:\\x", "C:\\\\x"),
        ("❤\ufe0f\ufe0f", "❤\ufe0f\\ufe0f"),  # a second selector selects nothing
        ("gpt\u200b\ufe0f", "gpt\\u200b\\ufe0f"),  # nor one after an escape
    ],
)
def test_what_would_not_show_is_escaped(name: str, shown: str) -> None:
    assert shown_key(name) == shown


def test_look_alikes_never_read_the_same() -> None:
    names = ["gpt-5", *LOOK_ALIKES, "gpt 5", *SPACES]
    shown = [shown_key(name) for name in names]
    assert len(set(shown)) == len(names)
    # Cleaned, they had: that is what the tables showed.
    assert len({clean_text(name) for name in ["gpt-5", *LOOK_ALIKES[:3]]}) == 1
    for text in shown:
        assert text.isprintable()
        assert clean_text(text) == text  # nothing left to remove: what is shown is all


def test_an_escape_names_one_character() -> None:
    chars = [chr(code) for code in (*range(0x00, 0x100), *range(0xDC80, 0xDD00), 0x202E, 0x1F600)]
    assert len({escaped(char) for char in chars}) == len(chars)
    assert escaped("\x9b") == "\\u009b"
    assert escaped("\udc9b") == "\\x9b"


def test_home_and_json_names_use_the_same_escapes() -> None:
    """One rule writes an escape: ``shown_home``, ``no_surrogates`` and ``shown_key``."""
    name = "caf\udce9\u202e"
    assert shown_home(name) == f"'{shown_key(name)}'"
    assert no_surrogates("caf\udce9\ud800") == "caf\\xe9\\ud800"


@given(st.text(), st.text())
def test_two_names_never_read_the_same(first: str, second: str) -> None:
    if first != second:
        assert shown_key(first) != shown_key(second)


@given(st.text())
def test_a_shown_name_is_safe_to_draw(name: str) -> None:
    shown = shown_key(name)
    assert shown.isprintable()
    assert clean_text(shown) == shown
    # Only an emoji's joiner is left (👩‍💻), between two pictures.
    assert all(unicodedata.category(char) != "Cf" or char == "\u200d" for char in shown)
    # A variation selector left shows a picture: after one (not ASCII, not a selector), or
    # making a keycap.
    for index, char in enumerate(shown):
        if _is_selector(char) and shown[index + 1 : index + 2] != "\u20e3":
            assert index > 0
            assert not shown[index - 1].isascii()
            assert not _is_selector(shown[index - 1])


#: An escape ``shown_key`` writes; a shown name's backslash always starts one.
WHOLE_ESCAPE = re.compile(r"\\(?:\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def escapes_are_whole(text: str) -> bool:
    """Whether every backslash in ``text`` starts a whole escape (none is cut short)."""
    return "\\" not in WHOLE_ESCAPE.sub("", text)


@pytest.mark.parametrize("placeholder", [NO_PROJECT, UNNAMED_MODEL, NO_SESSION_MODEL])
def test_a_name_that_reads_as_a_placeholder_is_escaped(placeholder: str) -> None:
    """A project named "(none)" had read as the placeholder of a project without a name."""
    shown = shown_key(placeholder)
    assert shown != placeholder
    assert shown == f"\\x{ord(placeholder[0]):02x}{placeholder[1:]}"
    assert shown_key("(none) ") == "(none)\\x20"  # and a look-alike of it stays apart


@given(st.text())
def test_no_name_reads_as_a_placeholder(name: str) -> None:
    assert shown_key(name) not in (NO_PROJECT, UNNAMED_MODEL, NO_SESSION_MODEL)


def test_a_cut_keeps_an_escape_whole() -> None:
    """The card's model detail had shown ``\\u20…``: which character was that?"""
    shown = shown_key("gpt-5" + "\u202e" * 30)
    cut = shortened(shown, 60)
    assert len(cut) <= 60
    assert cut.startswith("gpt-5\\u202e")
    assert escapes_are_whole(cut)
    # A backslash is shown as two: never one of them alone (which would read as an escape).
    assert shortened(shown_key("a\\" * 40), 21) == "a\\\\a\\\\a\\\\a…a\\\\a\\\\a\\\\"


@given(st.text(min_size=1), st.integers(min_value=1, max_value=40))
def test_a_cut_shown_name_never_splits_an_escape(name: str, limit: int) -> None:
    shown = shown_key(name)
    cut = shortened(shown, limit)
    assert len(cut) <= max(limit, 0)
    head, _, tail = cut.partition("…") if len(shown) > limit else (cut, "", "")
    bounds = set(itertools.accumulate(map(len, key_pieces(shown)), initial=0))
    assert shown.startswith(head)
    assert len(head) in bounds
    assert shown.endswith(tail)
    assert len(shown) - len(tail) in bounds


def test_a_tooltip_breaks_a_long_name_between_escapes() -> None:
    """A name longer than a tooltip's line is broken in pieces: never inside an escape."""
    shown = shown_key("m" + "\u200b" * 60)
    lines = tooltip_html(shown).removeprefix('<p style="white-space:pre">').split("\n")
    assert len(lines) > 1
    assert all(escapes_are_whole(line) for line in lines)


def test_a_tooltip_breaks_a_long_name_before_the_escape_a_mark_follows() -> None:
    """A cut stepped back off a combining mark had landed inside the escape before it:
    ``\\u200`` ended one line and ``d`` with the mark began the next."""
    shown = shown_key("mmmm" + "\u200d" * 26 + "\u0301" + "x" * 20)
    assert shown.index("\u0301") == TOOLTIP_WORD_CHARS  # where a line is cut
    lines = tooltip_html(shown).removeprefix('<p style="white-space:pre">').split("\n")
    assert len(lines) > 1
    assert all(escapes_are_whole(line) for line in lines)


def test_a_tooltip_reads_a_long_name_with_escapes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of a long name's cuts had read the rest of the name for escapes: a name of
    100,000 characters took half a second to put in a tooltip, one ten times longer a
    hundred times that."""
    import codex_presence_gui.core.sanitize as sanitize

    read = 0
    pieces = sanitize.key_pieces

    def counted(text: str) -> list[str]:
        nonlocal read
        read += len(text)
        return pieces(text)

    monkeypatch.setattr(sanitize, "key_pieces", counted)
    shown = shown_key("\u202e" * 20_000)
    assert len(tooltip_html(shown)) > len(shown)
    assert read < 2 * len(shown)
