"""Labels that never cut their text: elided with the whole text in the tooltip, or wrapped."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.labels import ElidedLabel, wrapped_label


def plain(tooltip: str) -> str:
    """What a rich-text tooltip shows."""
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def test_elided_when_narrow_whole_when_wide(qtbot: QtBot) -> None:
    """Too narrow: "…" and the whole text in the tooltip; wide enough: all of it, no tooltip."""
    label = ElidedLabel("a-project-with-a-rather-long-name", mode=Qt.TextElideMode.ElideMiddle)
    qtbot.addWidget(label)
    label.show()
    label.resize(80, 20)
    assert "…" in label.text()
    assert label.text() != label.full_text
    assert plain(label.toolTip()) == "a-project-with-a-rather-long-name"
    label.resize(label.sizeHint().width() + 10, 20)
    assert label.text() == label.full_text
    assert label.toolTip() == ""


def test_a_shorter_form_is_shown_whole_before_anything_is_cut(qtbot: QtBot) -> None:
    """ "updated 4m ago", else "4m ago" whole, and only then "4 mi…"; the tooltip has
    the whole text whenever less is shown."""
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.set_full_text("updated 4m ago", shorter=("4m ago",))
    label.show()
    advance = label.fontMetrics().horizontalAdvance
    label.resize(advance("updated 4m ago") + 10, 20)
    assert label.text() == "updated 4m ago"
    assert label.toolTip() == ""
    label.resize(advance("4m ago") + 10, 20)
    assert label.text() == "4m ago"
    assert plain(label.toolTip()) == "updated 4m ago"
    label.resize(advance("4 min") + 4, 20)
    assert label.text().startswith("4")
    assert label.text().endswith("…")
    # New forms with the same text are taken too.
    label.set_full_text("updated 4m ago", shorter=("4 min",))
    assert label.text() == "4 min"


def test_extra_tooltip_follows_the_text(qtbot: QtBot) -> None:
    """A tooltip of its own stays, below the whole text when that is elided."""
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.show()
    label.set_full_text("Discord: connected", "Friends on Discord see: …")
    label.resize(40, 20)
    assert plain(label.toolTip()) == "Discord: connected\nFriends on Discord see: …"
    label.resize(400, 20)
    assert plain(label.toolTip()) == "Friends on Discord see: …"


def test_a_tooltip_never_renders_html_from_logs(qtbot: QtBot) -> None:
    """A branch named like a link stays text in the tooltip too (Qt would render it)."""
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.show()
    label.set_full_text('<a href="https://example.com">main</a> & more')
    label.resize(30, 20)
    assert plain(label.toolTip()) == '<a href="https://example.com">main</a> & more'
    assert "<a href" not in label.toolTip()


def test_control_characters_never_make_a_second_line(qtbot: QtBot) -> None:
    """A branch with a newline, a tab or an escape is one line of plain text."""
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.set_full_text("main\n0% left\t\x1b[2J")
    assert label.full_text == "main 0% left  [2J"
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_asks_for_little_room(qtbot: QtBot) -> None:
    """Its minimum is a few characters, whatever the text: it never widens the window."""
    label = ElidedLabel("x" * 300)
    qtbot.addWidget(label)
    assert label.minimumSizeHint().width() < label.fontMetrics().averageCharWidth() * 10
    assert label.sizeHint().width() > label.fontMetrics().averageCharWidth() * 200


def test_wrapped_label_is_plain_text(qtbot: QtBot) -> None:
    """Log text is never read as HTML."""
    label = wrapped_label()
    qtbot.addWidget(label)
    assert label.wordWrap()
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_a_long_name_gets_break_points_only_between_whole_characters() -> None:
    """A run of ``LONGEST_RUN`` characters without a break gets one, but never inside a
    character drawn from several (an accent, a Devanagari or Thai vowel sign, an emoji
    joined or modified, a flag): there the sign had been drawn on a dotted circle of its
    own, the emoji in pieces."""
    from codex_presence_gui.ui.labels import LONGEST_RUN, WRAP_POINT, wrappable

    lead = "x" * (LONGEST_RUN - 1)
    for joined in (
        "e\u0301",  # é, written with its accent apart
        "स\u094d\u0924\u0947",  # स्ते
        "ส\u0e31",  # สั
        "\U0001f468\u200d\U0001f469",  # 👨‍👩
        "\U0001f44d\U0001f3fd",  # 👍🏽
        "\u2764\ufe0f",  # ❤️
        "\U0001f1eb\U0001f1f7",  # 🇫🇷
    ):
        text = lead + joined + "y" * LONGEST_RUN
        broken = wrappable(text)
        assert broken.replace(WRAP_POINT, "") == text
        assert joined in broken, (joined, broken)
        assert WRAP_POINT in broken  # still breaks, after the whole character
    assert wrappable("a" * LONGEST_RUN * 2 + "b") == (
        "a" * LONGEST_RUN + WRAP_POINT + "a" * LONGEST_RUN + WRAP_POINT + "b"
    )
    assert wrappable("a/" + "b" * LONGEST_RUN) == "a/" + "b" * LONGEST_RUN  # nothing after


def test_a_name_breaks_where_qt_would_not_have_broken_it(qtbot: QtBot) -> None:
    """Qt breaks a line after a space, a "/" and a "-" before a letter, but never after a
    "\\" nor in "-5": a Windows folder ("C:\\Users\\…") or a dated model's name
    ("gpt-5-2025-08-07-…") had been left whole, wider than a 360 px page, as if it broke
    there. Wrapped, no run of it is wider than ``LONGEST_RUN`` characters."""
    from PySide6.QtGui import QFontMetrics

    from codex_presence_gui.ui.labels import LONGEST_RUN, WRAP_POINT, wrappable

    for text in (
        "C:\\Users\\Administrator\\AppData\\Roaming\\Codex\\profiles\\work",
        "gpt-5-2025-08-07-" + "-".join("1234567890" * 3),
        "bad\\x07name\\x1b[31mred\\x00nul\\u202eevil\\u200b" + "x" * 60,
    ):
        label = wrapped_label()
        qtbot.addWidget(label)
        label.setText(wrappable(text))
        widest = QFontMetrics(label.font()).horizontalAdvance("W" * (LONGEST_RUN + 1))
        assert label.minimumSizeHint().width() <= widest, text
        label.setText(text)  # unbroken, it is wider: the check above measures something
        assert label.minimumSizeHint().width() > widest, text
    # A Windows folder breaks between its names, after a "\", not inside one.
    folder = "C:\\Users\\Administrator\\AppData\\Roaming\\Codex\\profiles\\work"
    assert wrappable(folder).replace(WRAP_POINT, "|") == (
        "C:\\Users\\|Administrator\\|AppData\\Roaming\\|Codex\\profiles\\work"
    )
    # Where Qt breaks, nothing is added.
    folder = "/home/dev/" + "a" * (LONGEST_RUN - 1)
    assert wrappable(folder) == folder
    assert wrappable("a-" + "b" * LONGEST_RUN) == "a-" + "b" * LONGEST_RUN
