"""Output safety: log text reaches the terminal, the window and Discord without escape
sequences, control or bidi characters, or extra lines."""

from __future__ import annotations

import json
import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.cli import main
from codex_presence_gui.core.models import Activity, ActivityKind
from codex_presence_gui.core.presence import (
    PresenceCard,
    PresenceSettings,
    compose_card,
    discord_length,
    preview_lines,
)
from codex_presence_gui.core.sanitize import (
    BIDI_CONTROLS,
    LINE_BREAKS,
    TOOLTIP_LINE_CHARS,
    TOOLTIP_WORD_CHARS,
    clean_text,
    terminal_safe_json,
    text_cells,
    tooltip_html,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.snapshots import NOW, limits, session

SID = "019de1a2-0000-7000-8000-0000000000d1"

#: (name, hostile text, what a reader should see of it)
HOSTILE = [
    ("screen clear", "\x1b[2J\x1b[Hmain", "main"),
    ("title change", "\x1b]0;pwned\x07main", "main"),
    ("title change, ST", "\x1b]2;pwned\x1b\\main", "main"),
    ("OSC 52 clipboard", "main\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07", "main"),
    ("OSC 8 link", "\x1b]8;;https://evil.example\x1b\\main\x1b]8;;\x1b\\", "main"),
    ("C1 CSI", "\x9b2Jmain", "main"),
    ("C1 OSC", "\x9d0;pwned\x9cmain", "main"),
    ("charset switch", "\x1b(0main\x1b(B", "main"),
    ("unfinished OSC", "main\x1b]0;", "main0;"),  # the introducer goes, the rest is inert
    ("bidi override", "\u202eniam\u202c", "niam"),
    ("bidi isolates and marks", "\u2066a\u2069\u200eb\u200fc\u061c", "abc"),
    ("newline forging a line", "main\n  5h limit  [░] 0% left", "main   5h limit  [░] 0% left"),
    ("carriage return", "main\roverwritten", "main overwritten"),
    ("separators", "a\u2028b\u2029c\x85d\x1ee", "a b c d e"),
    ("NUL, DEL, BEL, backspace", "ma\x00i\x7fn\x07\x08", "main"),
    ("lone surrogate", "main\udcff", "main\ufffd"),
]
#: Plain text that must pass untouched, emoji joiners included.
PLAIN = ["main", "feature/ü-ñ", "日本語", "👩‍💻 dev", "a  b", "[███░░] 50% left", ""]


def unsafe(text: str) -> list[str]:
    """The characters of ``text`` a terminal, Qt or Discord could act on."""
    return [
        c
        for c in text
        if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")
        or c in BIDI_CONTROLS
        or c in LINE_BREAKS
    ]


@pytest.mark.parametrize(("name", "text", "seen"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_strings_are_cleaned(name: str, text: str, seen: str) -> None:
    assert clean_text(text) == seen
    assert unsafe(clean_text(text)) == []


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_kept(text: str) -> None:
    assert clean_text(text) == text


@given(st.text())
def test_cleaned_text_is_safe_and_stable(text: str) -> None:
    """Whatever goes in: nothing unsafe comes out, cleaning twice changes nothing, and the
    result can be written as UTF-8."""
    cleaned = clean_text(text)
    assert unsafe(cleaned) == []
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")


@given(st.text())
def test_terminal_safe_json_is_lossless(text: str) -> None:
    document = json.dumps({"k": text, "l": [text]}, ensure_ascii=False)
    safe = terminal_safe_json(document)
    assert json.loads(safe) == {"k": text, "l": [text]}
    assert all(c not in safe for c in BIDI_CONTROLS)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in safe.replace("\n", ""))


def hostile_home(home: CodexHome, text: str) -> None:
    now = time.time()
    start = now - 65
    resets = int(now + 3600)
    home.write(
        SID,
        [
            r.session_meta(start, SID, cwd=f"/home/dev/shop{text}", branch=text),
            r.turn_context(start + 1, model=f"gpt-5{text}", cwd=f"/home/dev/shop{text}"),
            r.token_count(
                now - 6,
                r.usage(51234, 40960, 1180, 640),
                r.usage(26010, 24576, 402, 256),
                r.limits((23.0, 300, resets), (41.0, 10080, resets + 86400 * 3)),
            ),
            r.exec_call(now - 5, "c1", f"cargo{text} test"),
        ],
        started=start,
        mtime=now - 5,
    )


# Lone surrogates cannot be written into a UTF-8 log; the rest can.
IN_LOGS = [h for h in HOSTILE if h[0] != "lone surrogate"]


@pytest.mark.parametrize(("name", "text", "seen"), IN_LOGS, ids=[h[0] for h in IN_LOGS])
def test_status_text_prints_no_escapes_and_no_forged_lines(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, text: str, seen: str
) -> None:
    """cwd, branch, model and activity from the logs reach ``status`` cleaned, one line each."""
    hostile_home(codex_home, text)
    assert main(["status", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert unsafe(out.replace("\n", "")) == []
    limit_rows = [line for line in out.splitlines() if line.lstrip().startswith(("5h", "Weekly"))]
    assert len(limit_rows) == 2
    # The forged text stays inside the session's own line.
    (line,) = [line for line in out.splitlines() if line.startswith("▶ ")]
    assert f"({seen})" in line


@pytest.mark.parametrize(("name", "text", "seen"), IN_LOGS, ids=[h[0] for h in IN_LOGS])
def test_status_json_stays_exact_valid_and_terminal_safe(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, text: str, seen: str
) -> None:
    """JSON keeps the values as the log has them (escaped), so scripts see the truth."""
    hostile_home(codex_home, text)
    assert main(["status", "--json", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert unsafe(out.replace("\n", "")) == []
    (session_json,) = json.loads(out)["sessions"]
    assert session_json["git_branch"] == text
    assert session_json["model"] == f"gpt-5{text}"


@pytest.mark.parametrize(("name", "text", "seen"), IN_LOGS, ids=[h[0] for h in IN_LOGS])
def test_preview_prints_no_escapes(
    codex_home: CodexHome, capsys: pytest.CaptureFixture[str], name: str, text: str, seen: str
) -> None:
    hostile_home(codex_home, text)
    assert main(["preview", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert unsafe(out.replace("\n", "")) == []
    assert len(out.splitlines()) == 5  # heading, details, state, pictures, the clock
    assert main(["preview", "--json", "--codex-home", str(codex_home.root)]) == 0
    out = capsys.readouterr().out
    assert unsafe(out.replace("\n", "")) == []
    document = json.loads(out)
    assert all(unsafe(line) == [] for line in document["lines"])


@pytest.mark.parametrize(("name", "text", "seen"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_card_is_cleaned(name: str, text: str, seen: str) -> None:
    snapshot = session("shop" + text)._replace(
        git_branch=text,
        model="gpt-5" + text,
        activity=Activity(ActivityKind.EDITING, "app" + text + ".py"),
    )
    card = compose_card(snapshot, limits(), PresenceSettings(), NOW)
    assert card is not None
    texts = [card.details, card.state, card.large_text, card.small_text]
    for value in texts:
        assert value is None or unsafe(value) == []
    assert card.details is not None
    assert " ".join(seen.split()) in card.details
    assert all(unsafe(line) == [] for line in preview_lines(card))


@given(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1))
def test_any_log_text_makes_a_valid_card(branch: str, model: str, target: str) -> None:
    """Any text at all: a card within Discord's rules, never an exception."""
    snapshot = session("shop")._replace(
        git_branch=branch,
        model=model,
        activity=Activity(ActivityKind.EDITING, target),
    )
    card = compose_card(snapshot, limits(), PresenceSettings(), NOW)
    assert card is not None
    for value in (card.details, card.state, card.large_text, card.small_text):
        assert value is None or (2 <= discord_length(value) <= 128 and unsafe(value) == [])


def test_preview_lines_clean_a_card_built_elsewhere() -> None:
    card = PresenceCard("a\x1b[2Jb", "c\nd", None, "e\u202ef", None, None, None)
    assert preview_lines(card) == ["ab", "c d", "Pictures: ef"]


def test_a_tooltip_keeps_its_lines_as_written() -> None:
    """Lines are not wrapped where Qt likes ("12.3M / tokens"): only a line past the limit is
    broken, at a space where there is one, and never loses a character."""
    short = "gpt-5.3-codex: 12.3M tokens · ~$10.08\nWednesday 4 November 2026"
    html = tooltip_html(short)
    assert 'white-space:pre"' in html
    assert "12.3M tokens · ~$10.08\nWednesday 4 November 2026" in html
    words = " ".join(["word"] * 60)  # 299 characters
    body = tooltip_html(words).removeprefix('<p style="white-space:pre">').removesuffix("</p>")
    lines = body.split("\n")
    assert len(lines) == 3
    assert all(len(line) <= TOOLTIP_LINE_CHARS for line in lines)
    assert " ".join(lines) == words
    unbroken = "x" * 250  # a name from a log: cut, not lost, and no line off the screen
    named = tooltip_html(f"{unbroken} (main)\nok")
    lines = named.removeprefix('<p style="white-space:pre">').removesuffix("</p>").split("\n")
    assert all(len(line) <= TOOLTIP_WORD_CHARS for line in lines)
    assert "".join(lines[:2]) == unbroken
    assert lines[2:] == ["(main)", "ok"]
    # About equal lines: no word left alone on the last ("(an API-equivalent / estimate).").
    sentence = (
        "Cache hits: 85% of input over 30 days. The cached part cost about $73.33 less than "
        "it would have (an API-equivalent estimate)."
    )
    halves = tooltip_html(sentence).removeprefix('<p style="white-space:pre">')
    halves = halves.removesuffix("</p>").split("\n")
    assert len(halves) == 2
    assert min(len(line) for line in halves) > 40
    assert " ".join(halves) == sentence
    assert tooltip_html("<a href='x'>") == ("<p style=\"white-space:pre\">&lt;a href='x'&gt;</p>")


def _tooltip_body(text: str) -> list[str]:
    html = tooltip_html(text).removeprefix('<p style="white-space:pre">').removesuffix("</p>")
    return html.split("\n")


def test_a_broken_tooltip_line_keeps_its_indent_and_its_characters_whole() -> None:
    """A model's indented line keeps its indent on each of its lines; a long name is never
    cut inside an emoji joined by U+200D nor before a combining mark."""
    indented = "  gpt-5.3-codex: " + " ".join(["12.3M tokens"] * 9)
    lines = _tooltip_body(indented)
    assert len(lines) == 2
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one character on screen
    for word in ("a" + family * 40, "e\u0301" * 120):
        pieces = _tooltip_body(word)
        assert "".join(pieces) == word
        for piece in pieces[1:]:
            assert not unicodedata.combining(piece[0])
            assert not piece.startswith("\u200d")
        for piece in pieces[:-1]:
            assert not piece.endswith("\u200d")
    assert _tooltip_body(" " * 150) == [" " * 150]


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("สวัสดี", 4),  # Thai: two vowel signs over the consonants (combining class 0)
        ("कुमार", 4),  # Devanagari: a vowel sign under (class 0) and one beside (a cell)
        (unicodedata.normalize("NFD", "프로젝트"), 8),  # Korean as macOS names files
        ("프로젝트", 8),
        ("1\ufe0f\u20e3", 1),  # a keycap: a variation selector and an enclosing mark
        ("cafe\u0301", 4),
        ("项目", 4),
    ],
)
def test_a_terminal_cell_count_leaves_out_what_is_drawn_on_the_character_before(
    text: str, cells: int
) -> None:
    """Report tables are lined up by these counts: a Thai or Hindi project's row, or a
    Korean one from a Mac, had come out one cell short per mark, its numbers out of line."""
    assert text_cells(text) == cells


@pytest.mark.parametrize(
    "word", ["สวัสดี" * 40, "कुमार" * 40, unicodedata.normalize("NFD", "프로젝트") * 40]
)
def test_a_long_word_is_not_cut_before_a_mark_or_a_korean_vowel(word: str) -> None:
    pieces = _tooltip_body(word)
    assert len(pieces) > 1
    assert "".join(pieces) == word
    assert not any("\u1160" <= piece[0] <= "\u11ff" for piece in pieces[1:])
    assert not any(unicodedata.category(piece[0]).startswith("M") for piece in pieces[1:])
