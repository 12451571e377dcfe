"""Names that tell rows apart (a model, a project, a session id): two never read the same."""

from __future__ import annotations

import itertools
import re
import unicodedata

import pytest
from hypothesis import given, settings
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
        ("acme  api", "acme \\x20api"),  # two spaces
        ("acme   api ", "acme \\x20\\x20api\\x20"),
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
    # Only a joiner is left: an emoji's (👩‍💻) or one that spells a word (می‌خواهم).
    assert all(unicodedata.category(char) != "Cf" or char in "\u200c\u200d" for char in shown)
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


@given(st.text(" ab\u00a0"))
def test_no_space_shown_is_hard_to_count(name: str) -> None:
    """``acme  api`` had read as ``acme api`` in a proportional font: two spaces in a row are
    hard to tell from one, a space at either end from none."""
    shown = shown_key(name)
    assert "  " not in shown
    assert not shown.startswith(" ")
    assert not shown.endswith(" ")


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


@pytest.mark.parametrize("at", range(TOOLTIP_WORD_CHARS - 2, TOOLTIP_WORD_CHARS + 2))
def test_a_tooltip_breaks_a_long_word_away_from_its_non_joiner(at: int) -> None:
    """A Persian word broken next to its non-joiner had read as one without it: at a line's
    edge the letters are apart anyway."""
    name = "ب" * at + "\u200c" + "ب" * 40
    assert shown_key(name) == name
    lines = tooltip_html(name).removeprefix('<p style="white-space:pre">').split("\n")
    assert len(lines) > 1
    assert "".join(lines).removesuffix("</p>") == name
    for line in lines:
        assert not line.startswith("\u200c")
        assert not line.removesuffix("</p>").endswith("\u200c")


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


#: Words whose spelling holds a zero-width non-joiner or joiner (each changes how the word is
#: drawn): Persian "I want", "the house's", "I don't know" (the verb's prefix and the plural
#: not joined to the letter before), Urdu "responsible"; Hindi and Gujarati clusters (a
#: virama drawn, not a half form or conjunct), Telugu and Kannada (not a subjoined form),
#: Marathi "the wind's" (an eyelash ra), Sinhala "Sri Lanka" (a touching form); Syriac, with
#: a vowel mark between the letter and the non-joiner.
SPELLED_WITH_JOINERS = [
    *("می\u200cخواهم", "خانه\u200cها", "نمی\u200cدانم", "ذمہ\u200cدار"),
    *("क्\u200cष", "स्\u200cत", "ક્\u200cત", "క్\u200cష", "ಕ್\u200cಷ"),
    *("वार्\u200dयाने", "ශ්\u200dරී ලංකා", "ක්\u200dය"),
    "ܒܰ\u200cܒ",
]


@pytest.mark.parametrize("name", SPELLED_WITH_JOINERS)
def test_a_word_spelled_with_a_joiner_is_shown_as_it_is(name: str) -> None:
    """A Persian or Hindi project had been shown ``می\\u200cخواهم``, a joiner that its
    spelling needs written as if it hid the name's difference from another."""
    assert shown_key(name) == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("gpt\u200c5", "gpt\\u200c5"),  # between Latin letters
        ("gpt\u200d5", "gpt\\u200d5"),
        ("\u200cمی", "\\u200cمی"),  # at either end
        ("می\u200c", "می\\u200c"),
        ("क्\u200c", "क्\\u200c"),
        ("می\u200c\u200cخواهم", "می\\u200c\\u200cخواهم"),  # doubled
        ("क्\u200c\u200dष", "क्\\u200c\\u200dष"),
        ("ا\u200cب", "ا\\u200cب"),  # after an alef, which never joins the letter after it
        ("ب\u200cء", "ب\\u200cء"),  # before a hamza, which joins nothing
        ("ب\u200dب", "ب\\u200dب"),  # a joiner between letters that join anyway
        ("क्\u200ca", "क्\\u200ca"),  # after a virama but before a Latin letter
        ("क्\u200c ष", "क्\\u200c ष"),  # or a space
        ("क्\u200c्", "क्\\u200c्"),  # or a sign
        ("ب\u034f\u200cب", "ب\\u034f\\u200cب"),  # past a mark that is itself escaped
        ("ب\ufe00\u200cب", "ب\ufe00\\u200cب"),  # or a variation selector
        # After a virama that is drawn anyway: Tamil, Sinhala, Gurmukhi, Thai, Myanmar.
        ("க்\u200cக", "க்\\u200cக"),
        ("ශ්\u200cක", "ශ්\\u200cක"),
        ("ਕ੍\u200cਤ", "ਕ੍\\u200cਤ"),
        ("ก\u0e3a\u200cข", "ก\u0e3a\\u200cข"),
        ("မ\u103a\u200cက", "မ\u103a\\u200cက"),
        # A joiner asking for the half form a cluster takes anyway (क्य), or no other form.
        ("क्\u200dय", "क्\\u200dय"),
        ("க்\u200dக", "க்\\u200dக"),
        ("ශ්\u200dක", "ශ්\\u200dක"),
        ("ර්\u200dර", "ර්\\u200dර"),
        # After a consonant that the font may or may not join to the next (no half form):
        # in many fonts the virama is drawn either way; and in Bengali or Malayalam.
        ("सद्\u200cभावना", "सद्\\u200cभावना"),
        ("ड्\u200cग", "ड्\\u200cग"),
        ("ক্\u200cষ", "ক্\\u200cষ"),
        ("ഫ്\u200cളാറ്റ്", "ഫ്\\u200cളാറ്റ്"),
        ("क्\u200cअ", "क्\\u200cअ"),  # before a vowel, never joined
        ("क़्\u200cक", "क़्\\u200cक"),  # after a nukta
    ],
)
def test_a_joiner_that_spells_nothing_is_escaped(name: str, shown: str) -> None:
    assert shown_key(name) == shown


_LATIN = "abcxyz019-_. "


@given(st.text(_LATIN), st.data())
def test_a_joiner_in_a_latin_name_is_escaped(text: str, data: st.DataObject) -> None:
    at = data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=3))
    joiner = data.draw(st.sampled_from("\u200c\u200d"))
    name = text
    for index in sorted(at, reverse=True):
        name = name[:index] + joiner + name[index:]
    shown = shown_key(name)
    assert joiner not in shown
    assert shown.count(escaped(joiner)) == len(at)


#: What the next test draws names from, with how each letter joins, as Unicode's
#: ArabicShaping.txt lists them (beh and Farsi yeh join both ways; alef and waw join only
#: the letter before them; hamza joins nothing), written here apart from ``sanitize``'s table.
_JOINS_AFTER = "بی"
_JOINS_BEFORE = "بیاو"
_ARABIC_MARK = "\u064e"  # fatha
_VIRAMA = "\u094d"
_HALF_FORMS = "कषर"  # consonants that have a half form
_DEVANAGARI = _HALF_FORMS + "ड"
_MARKS = _ARABIC_MARK + _VIRAMA  # any mark: letters join across a virama too
_ALPHABET = [*_JOINS_BEFORE, "ء", _ARABIC_MARK, _VIRAMA, *_DEVANAGARI, "a", " ", "\u034f"]
_ALPHABET += ["\u200c", "\u200d"] * 3  # often, doubled too


def _drawn_alike(shown: str) -> str:
    """``shown`` as it is drawn, told by rules written apart from ``shown_key``'s: without
    each joiner that changes nothing (not a non-joiner between a consonant with a half form
    and its virama and a consonant, nor a joiner there after ra, the eyelash ra, nor a
    non-joiner between letters that would join, past the marks on them)."""
    kept = []
    for index, char in enumerate(shown):
        if char not in "\u200c\u200d":
            kept.append(char)
            continue
        # Sets, not strings: "" (no letter there) is in every string.
        # A consonant with a half form and its virama, then a consonant.
        virama = shown[index - 1 : index] == _VIRAMA and index >= 2
        virama = virama and shown[index - 2] in set(_HALF_FORMS)
        spells = virama and shown[index + 1 : index + 2] in set(_DEVANAGARI)
        if char == "\u200d" and shown[index - 2 : index - 1] != "र":
            spells = False  # a half form asked for: most clusters take it anyway (क्य)
        before = shown[:index].rstrip(_MARKS)[-1:]
        after = shown[index + 1 :].lstrip(_MARKS)[:1]
        if char == "\u200c" and before in set(_JOINS_AFTER) and after in set(_JOINS_BEFORE):
            spells = True
        if spells:
            kept.append(char)
    return "".join(kept)


@settings(max_examples=1000)  # a name is short and quick: look at more of them
@given(st.lists(st.sampled_from(_ALPHABET), max_size=10).map("".join), st.data())
def test_names_apart_but_for_a_joiner_never_read_the_same(name: str, data: st.DataObject) -> None:
    """A joiner shown as it is changes what is drawn, so that two names that differ in a
    joiner that changes nothing never read the same: the joiner is escaped in one of them."""
    shown = shown_key(name)
    assert _drawn_alike(shown) == shown  # every joiner left changes what is drawn
    joiners = [index for index, char in enumerate(name) if char in "\u200c\u200d"]
    dropped = data.draw(st.sets(st.sampled_from(joiners))) if joiners else set()
    other = "".join(char for index, char in enumerate(name) if index not in dropped)
    if other != name:
        assert _drawn_alike(shown_key(other)) != _drawn_alike(shown)


def test_every_letter_of_the_joining_blocks_has_a_joining_type() -> None:
    """The table of letters that join holds every letter of its blocks but those that join
    nothing (hamza, small waw) or join through a stroke (tatweel): a letter added to a block
    by a newer Unicode (Python's ``unicodedata``) must be looked up in ArabicShaping.txt."""
    from codex_presence_gui.core.sanitize import _joining_letters

    dual, right = _joining_letters()
    assert not dual & right
    non_joining = {"\u0621", "\u0640", "\u0674", "\u06e5", "\u06e6", "\u07f4", "\u07f5", "\u07fa"}
    non_joining.update(map(chr, range(0x1880, 0x1885)))  # Mongolian Ali Gali signs
    blocks = [(0x0600, 0x06FF), (0x0700, 0x074F), (0x0750, 0x077F), (0x07C0, 0x07FF)]
    blocks.append((0x1800, 0x18AF))
    letters = {
        chr(code)
        for first, last in blocks
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)) in ("Lo", "Lm")
    }
    assert letters - non_joining == (dual | right) - {"\u1807"}  # a Sibe mark that joins


def test_a_shortened_name_keeps_each_accent_on_its_letter() -> None:
    """``e`` + U+0301 fifty times, shortened: no accent is cut from its ``e`` nor left
    after the ellipsis (the window's and ``status``'s shortened names)."""
    for limit in range(5, 40):
        cut = shortened("e\u0301" * 50, limit)
        head, _, tail = cut.partition("…")
        assert head.replace("e\u0301", "") == tail.replace("e\u0301", "") == "", (limit, cut)
    assert shortened("abcdefghijklmnopqrstuvwxyz", 10) == "abcd…vwxyz"
    # Thousands of marks on one letter (a hostile name) are not all kept with it.
    assert len(shortened("a" * 5 + "\u0301" * 10_000 + "b" * 30, 20)) <= 20 + 8


def test_a_shortened_name_with_an_escape_keeps_each_accent_on_its_letter() -> None:
    """The same with an escape in the name (a bidi control, shown as ``\\u202e``), which is
    cut in pieces: an accent had been parted from its letter there, and one had begun the
    end after the "…"."""
    name = shown_key("\u202e" + "e\u0301" * 50)
    assert name.startswith("\\u202e")
    for limit in range(8, 40):
        cut = shortened(name, limit)
        head, _, tail = cut.partition("…")
        assert head.startswith("\\u202e") or not head, (limit, cut)
        head = head.removeprefix("\\u202e")
        assert head.replace("e\u0301", "") == tail.replace("e\u0301", "") == "", (limit, cut)
        assert len(cut) <= limit, (limit, cut)
    # Nor thousands of marks on one letter.
    hostile = shown_key("\u202e" + "a" * 5 + "\u0301" * 10_000 + "b" * 30)
    assert len(shortened(hostile, 20)) <= 20
