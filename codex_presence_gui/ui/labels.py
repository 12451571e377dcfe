"""Labels that never cut their text: one line elided with "…" (the whole text in the tooltip),
or wrapped lines; tooltips that screen readers read as text; texts drawn as written in a
right-to-left window; and names laid out in their own direction in a window of either."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from codex_presence_gui.core.sanitize import LEFT_TO_RIGHT_MARK, tooltip_html
from codex_presence_gui.ui.accessible import tell
from codex_presence_gui.ui.theme import scaled_font

#: Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX, which PySide does not export).
QWIDGETSIZE_MAX = 16_777_215
#: How many average characters an elided label still asks for at least.
MIN_CHARS = 6
#: U+2068 and U+2069: the start of a first strong isolate and its end, of no width.
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
#: U+2066: the start of a left-to-right isolate (ended by ``POP_DIRECTIONAL_ISOLATE``).
LEFT_TO_RIGHT_ISOLATE = "\u2066"
#: U+2060: no break allowed here, of no width (drawn as nothing).
WORD_JOINER = "\u2060"
#: QtGui's own ``Qt`` namespace holds this; the type stubs do not list it.
_might_be_rich = QtGui.Qt.mightBeRichText
#: What parts a path: its separators, on every desktop read left to right.
PATH_SEPARATORS = frozenset("/\\")


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip read as written both where Qt draws it and where the system does
    as plain text (the tray's on Windows, where ``tooltip_html`` would show its markup).

    Qt takes a text whose first line holds what looks like a tag (``<b>``, ``<img …>``) or
    ``&lt;`` for HTML: a folder's or a model's name from the logs could put one there. Then,
    and only then, a word joiner (drawn as nothing) after each ``<`` and ``&`` leaves Qt
    nothing to take for a tag or an entity.
    """
    if not _might_be_rich(text):
        return text
    return text.replace("&", "&" + WORD_JOINER).replace("<", "<" + WORD_JOINER)


def set_tooltip(widget: QWidget, text: str) -> None:
    """Give ``widget`` ``text`` as its tooltip (shown as written, see ``tooltip_html``) and as
    its accessible description: a screen reader reads a tooltip's markup aloud."""
    widget.setToolTip(tooltip_html(text))
    widget.setAccessibleDescription(text)


class ElidedLabel(QLabel):
    """Plain text on one line, elided (at the end or in the middle) when it does not fit.

    ``text()`` is what is drawn; ``full_text`` is the whole text. A text may come with shorter
    forms of itself ("4m ago" for "updated 4m ago"): the longest that fits whole is
    drawn, and only the shortest is ever elided. When the drawn text is not the whole text,
    the tooltip holds it (followed by ``extra_tooltip`` if any). Screen readers get the whole
    text as its name and ``extra_tooltip`` as its description, or what ``set_full_text`` is
    given for them (see ``tell``). Names from the logs in the text (``names``) are drawn in
    their own direction, whatever the window's (``names_isolated``).
    """

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        min_chars: int = MIN_CHARS,
        min_shown: int = 0,
    ) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.extra_tooltip = ""
        self.shorter: tuple[str, ...] = ()
        self.names: tuple[str, ...] = ()
        self.paths: tuple[str, ...] = ()
        self._mode = mode
        self._min_chars = min_chars
        #: Cut to fewer characters than this, the text is left out (its tooltip keeps it):
        #: "on f…t-" tells nothing.
        self._min_shown = min_shown
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_full_text(text)

    def set_full_text(
        self,
        text: str,
        tooltip: str = "",
        *,
        shorter: Sequence[str] = (),
        spoken: str | None = None,
        spoken_details: str | None = None,
        names: Sequence[str] = (),
        paths: Sequence[str] = (),
    ) -> None:
        """Show ``text`` (elided to fit), or the first of its ``shorter`` forms that fits;
        ``tooltip`` is added below the whole text. Screen readers are told ``spoken`` and
        ``spoken_details`` in their place, where given: a text with a countdown in it is
        named by what it means, the countdown in its description. ``names``: the names from
        the logs in ``text``, in their order (see ``names_isolated``); ``paths``: the paths (of
        files, of folders) in it, in their order, drawn left to right (``path_isolated``)."""
        text = _one_line(text)
        forms = tuple(_one_line(form) for form in shorter)
        named = tuple(_one_line(name) for name in names)
        pathed = tuple(_one_line(path) for path in paths)
        # Never the cut text ("shop (feat…"), nor the tooltip's markup.
        tell(
            self,
            text if spoken is None else _one_line(spoken),
            tooltip if spoken_details is None else spoken_details,
        )
        if (text, tooltip, forms, named, pathed) == (
            self.full_text,
            self.extra_tooltip,
            self.shorter,
            self.names,
            self.paths,
        ):
            return
        advance = self.fontMetrics().horizontalAdvance
        resized = advance(text) != advance(self.full_text)
        self.full_text = text
        self.extra_tooltip = tooltip
        self.shorter = forms
        self.names = named
        self.paths = pathed
        if resized:
            # The size hints follow the text's width only: a countdown's digits changing
            # within the same width need no new layout of the window, only a repaint.
            self.updateGeometry()
        self._elide()

    def full_width(self) -> int:
        """The width the whole text needs (what ``sizeHint`` asks for)."""
        metrics = self.fontMetrics()
        margin = 2 * self.margin() + self.contentsMargins().left() + self.contentsMargins().right()
        return metrics.horizontalAdvance(self.full_text) + margin + 2

    def shortest_width(self) -> int:
        """The width its shortest form needs whole (the whole text's without shorter forms)."""
        if not self.shorter:
            return self.full_width()
        return (
            self.full_width()
            - self.fontMetrics().horizontalAdvance(self.full_text)
            + self.fontMetrics().horizontalAdvance(self.shorter[-1])
        )

    def sizeHint(self) -> QSize:
        return QSize(self.full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margin = 2 * self.margin() + self.contentsMargins().left() + self.contentsMargins().right()
        width = min(
            metrics.horizontalAdvance(self.full_text) + 2,
            metrics.averageCharWidth() * self._min_chars,
        )
        return QSize(width + margin, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def shown_in(self, width: int) -> str:
        """What the label shows when ``width`` wide: the text or the first shorter form that
        fits, else the shortest elided to fit, or nothing when that would keep fewer than
        ``min_shown`` of its characters."""
        room = max(width - (self.width() - self.contentsRect().width()) - 2 * self.margin(), 0)
        metrics = self.fontMetrics()
        forms = (self.full_text, *self.shorter)
        for form in forms:
            if metrics.horizontalAdvance(form) <= room:
                return form
        shown = metrics.elidedText(forms[-1], self._mode, room)
        if len(shown.replace("…", "")) < self._min_shown:
            return ""
        return shown

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._elide()  # its names' marks follow the direction (see ``isolate_needed``)

    def _elide(self) -> None:
        shown = self.shown_in(self.width())
        # The form it shows, whole or cut (the shortest, see ``shown_in``).
        forms = (self.full_text, *self.shorter)
        whole = shown if shown in forms else forms[-1]
        drawn = names_isolated(shown, whole, self.names, self.layoutDirection(), paths=self.paths)
        if drawn != self.text():
            super().setText(drawn)
        tips = [self.full_text] if shown != self.full_text else []
        if self.extra_tooltip:
            tips.append(self.extra_tooltip)
        self.setToolTip(tooltip_html("\n".join(tips)))


def left_to_right(text: str) -> str:
    """``text`` between left-to-right marks, to be drawn as it is written in a right-to-left
    widget too. An item view, a button or a box lays its text out from the widget's direction
    (a label, from the text's), and the signs and numbers at either end, which have none of
    their own, took it: "~$8.09" was drawn "$8.09~", "13s ago" "s ago 13"."""
    return f"{LEFT_TO_RIGHT_MARK}{text}{LEFT_TO_RIGHT_MARK}" if text else text


def isolated(text: str) -> str:
    """``text`` (a name from the logs) in a first strong isolate: laid out in the direction of
    its own first letter, whatever the direction around it. An item view lays its cells out
    in its own direction, and a label in its first letter's, and a name took it: in a
    right-to-left view "project-…-name-" was drawn "-project-…-name", and "123 abc" "abc
    123"; left to right, "שלום (main)" had its bracket on the wrong side of the name, and a
    Hebrew model at the start of a label turned the whole line round."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}" if text else text


def path_isolated(path: str) -> str:
    """``path`` laid out left to right whatever the direction around it, and whatever its
    folders' names: in a left-to-right isolate, a left-to-right mark after each separator.

    Not in its first letter's direction, as a name is (``isolated``): a path's separators
    read left to right on every desktop, a Hebrew folder in /home/user/ being
    /home/user/פרויקט, and a relative path or a file name that starts in Hebrew is still read
    folder by folder from the left. An isolate alone is not enough: a "/" between two folders
    named right to left takes their direction (in an isolate of either direction), and
    "/home/פרויקט/שלב" had been drawn with its last two folders the wrong way round; the mark
    after it gives each "/" the left-to-right side it stands on."""
    if not path:
        return path
    marked = "".join(
        f"{char}{LEFT_TO_RIGHT_MARK}" if char in PATH_SEPARATORS else char for char in path
    )
    return f"{LEFT_TO_RIGHT_ISOLATE}{marked}{POP_DIRECTIONAL_ISOLATE}"


def path_drawn_in(direction: Qt.LayoutDirection, path: str) -> str:
    """``path`` as a widget of ``direction`` draws it: ``path_isolated`` where it needs marks
    (``isolate_needed``: an ASCII path in a left-to-right window needs none), else as it is."""
    return path_isolated(path) if isolate_needed(direction, path) else path


def isolate_needed(direction: Qt.LayoutDirection, name: str) -> bool:
    """Whether ``name`` (or what shows of it, "…" and all) needs ``isolated`` to be laid out
    in its own direction in a paragraph of ``direction``.

    Right to left, every name does. Left to right, only a name with a character beyond ASCII:
    ASCII has only left-to-right letters, European digits and neutral signs, and the text
    round a name is the app's (ASCII, "·", "≈", "…") or other names, isolated when they are
    not ASCII; with no right-to-left letter outside an isolate, each digit and sign of the
    name resolves left to right with or without one ("[x] proj", "123 abc", "gpt-5 (local)",
    "project-…-name-" are drawn the same), so the usual names get no marks at all. Their
    test costs nothing: ``str.isascii`` reads a flag of the string."""
    if direction == Qt.LayoutDirection.RightToLeft:
        return True
    # The "…" of a cut name is neutral too; only a cut text pays for the second look.
    return not (name.isascii() or ("…" in name and name.replace("…", "").isascii()))


def name_drawn_in(direction: Qt.LayoutDirection, name: str) -> str:
    """``name`` as a widget of ``direction`` draws it: ``isolated`` where it needs to be
    (``isolate_needed``), else as it is."""
    return isolated(name) if isolate_needed(direction, name) else name


def drawn_in(direction: Qt.LayoutDirection, text: str, shape: Callable[[str], str]) -> str:
    """``text`` as a widget of ``direction`` draws it: shaped by ``shape`` (``left_to_right``)
    while right to left, and as it is otherwise. The marks, as a name's (``name_drawn_in``,
    ``names_isolated``), are for drawing only: never in a model's data, a copied text or a
    screen reader's name (a braille display may spell them out)."""
    return shape(text) if direction == Qt.LayoutDirection.RightToLeft else text


def names_isolated(
    shown: str,
    full: str,
    names: Sequence[str],
    direction: Qt.LayoutDirection,
    *,
    paths: Sequence[str] = (),
) -> str:
    """``shown`` with what shows of each of ``names`` in it isolated (``isolated``) where it
    needs to be in a paragraph of ``direction`` (``isolate_needed``), ``full`` being its
    whole text: ``shown`` is ``full``, or ``full`` elided (its start, "…", its end). The
    names are found in ``full`` in their order, each after the one before. A name cut by the
    "…" is isolated with it: Qt's own elision of a marked text had dropped the end of the
    isolate with the name's end, and "limits" had been laid out as part of the name. A text
    that is not ``full`` nor cut from it is given back as it is. ``paths`` are found so too
    (in their own order) and drawn left to right, as ``path_isolated`` draws one."""
    spans: list[tuple[int, int, bool, bool]] = []  # start, end, marked, a path
    for items, is_path in ((names, False), (paths, True)):
        start = 0
        for item in items:
            at = full.find(item, start) if item else -1
            if at >= 0:
                spans.append((at, at + len(item), isolate_needed(direction, item), is_path))
                start = at + len(item)
    if not any(needed for _low, _high, needed, _path in spans):
        return shown  # left to right, the usual (ASCII) names and paths: nothing to mark
    spans.sort()
    # A name inside a path (or a path inside a name) is the one found first.
    apart = [span for n, span in enumerate(spans) if not n or span[0] >= spans[n - 1][1]]
    spans = apart
    cut = _cut(shown, full)
    if cut is None:
        return shown
    head, tail = cut
    # Which name (by its span's index) each character shown comes from, when that name is
    # isolated; None: none.
    owners: list[int | None] = []

    def owner(at: int) -> int | None:
        return next(
            (n for n, (low, high, needed, _) in enumerate(spans) if needed and low <= at < high),
            None,
        )

    owners.extend(owner(at) for at in range(head))
    if len(shown) > head + tail:
        # The "…": a name's, when it is inside one name (an unmarked name's keeps it out).
        gone = range(head, len(full) - tail)
        inside = [
            n for n, (low, high, _, _) in enumerate(spans) if low < gone.stop and gone.start < high
        ]
        owners.append(inside[0] if len(inside) == 1 and spans[inside[0]][2] else None)
    owners.extend(owner(at) for at in range(len(full) - tail, len(full)))
    pieces = []
    for at, char in enumerate(shown):
        before = owners[at - 1] if at else None
        mine = owners[at]
        if mine is not None and mine != before:
            if before is not None:
                pieces.append(POP_DIRECTIONAL_ISOLATE)
            pieces.append(LEFT_TO_RIGHT_ISOLATE if spans[mine][3] else FIRST_STRONG_ISOLATE)
        elif mine is None and before is not None:
            pieces.append(POP_DIRECTIONAL_ISOLATE)
        pieces.append(char)
        if mine is not None and spans[mine][3] and char in PATH_SEPARATORS:
            pieces.append(LEFT_TO_RIGHT_MARK)  # see ``path_isolated``
    if owners and owners[-1] is not None:
        pieces.append(POP_DIRECTIONAL_ISOLATE)
    return "".join(pieces)


def _cut(shown: str, full: str) -> tuple[int, int] | None:
    """How many of ``full``'s first and last characters ``shown`` keeps round its "…" (all
    and none when it is ``full``); None when it is not ``full`` elided."""
    if shown == full:
        return len(full), 0
    for at, char in enumerate(shown):
        if char != "…":
            continue
        head, tail = shown[:at], shown[at + 1 :]
        if full.startswith(head) and full.endswith(tail) and at + len(tail) <= len(full):
            return len(head), len(tail)
    return None


def show_as_written(host: QWidget, *texts: tuple[Callable[[str], None], str]) -> None:
    """Give each setter its text, between left-to-right marks (``left_to_right``) while
    ``host`` is right to left and only then, again whenever its direction changes: a screen
    reader is given the marks too (a braille display may spell them out), and in a
    left-to-right window they had been in every such button's and menu item's name."""
    keeper = _WrittenTexts(host, texts)
    keeper.apply()
    host.installEventFilter(keeper)


class _WrittenTexts(QObject):
    """The texts ``show_as_written`` keeps as written in their host's direction."""

    def __init__(self, host: QWidget, texts: tuple[tuple[Callable[[str], None], str], ...]) -> None:
        # The host is only its parent, never an attribute: a child holding its parent's
        # wrapper keeps a window without a parent (the tray's menu) alive until Python's
        # collector runs, and Qt crashed when that deleted it while sending an event to
        # every window.
        super().__init__(host)
        self.texts = texts

    def apply(self) -> None:
        host = self.parent()
        assert isinstance(host, QWidget)
        direction = host.layoutDirection()
        for set_text, text in self.texts:
            set_text(drawn_in(direction, text, left_to_right))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self.apply()
        return False


class LeftToRightDelegate(QStyledItemDelegate):
    """Draws a cell's text as it is written, left to right, in a right-to-left view too (see
    ``left_to_right``): a view lays it out in its own direction. (A name's cells are drawn
    with ``name_drawn_in`` instead, in a view of either direction.)"""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.text = drawn_in(option.direction, option.text, left_to_right)


def elided_key(text: str, metrics: QFontMetricsF, room: float) -> str:
    """A shown name (``shown_key``) cut in its middle to fit ``room`` pixels, as Qt's middle
    elision does, but never inside an escape: Qt's had drawn ``o9\\u200b\\…00b\\u200b``."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    from codex_presence_gui.core.sanitize import key_pieces

    pieces = key_pieces(text)
    space = room - metrics.horizontalAdvance("…")

    def most(fits: Callable[[int], bool], limit: int) -> int:
        """The most pieces, up to ``limit``, for which ``fits``: the width grows with them."""
        low, high = 0, limit
        while low < high:
            middle = (low + high + 1) // 2
            if fits(middle):
                low = middle
            else:
                high = middle - 1
        return low

    # Half the room each side, as Qt's elision shares it; the end takes what the start left.
    width = metrics.horizontalAdvance
    head = most(lambda n: width("".join(pieces[:n])) <= space / 2, len(pieces))
    start = "".join(pieces[:head])
    left = space - width(start)
    tail = most(lambda n: width("".join(pieces[len(pieces) - n :])) <= left, len(pieces) - head)
    return start + "…" + "".join(pieces[len(pieces) - tail :])


def _one_line(text: str) -> str:
    """One line: a newline (or any control character) in a log field must not make a second,
    unplanned row or draw a box."""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def wrapped_label(factor: float = 0.9) -> QLabel:
    """A plain-text line that wraps instead of being cut (``factor``: its font size)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFont(scaled_font(label, factor))
    return label


#: A break point, invisible, for a label (which wraps only where the text allows a break).
WRAP_POINT = "\u200b"
#: The longest run of a name without a break: a folder or model called by a hash or by a
#: proxy's long id had made a whole page (and its window) as wide as the name.
LONGEST_RUN = 20


#: Word joiner: no break between the characters either side, and nothing drawn.
NO_BREAK = "\u2060"


def unbroken_options(text: str) -> str:
    """``text`` with its command-line options (``--codex-home``) kept whole on a wrapped
    label: a narrow page had read "report daily --" over "codex-home '/tmp/…'". For a label
    read, not copied (the joiners would be copied into the command)."""
    if "-" not in text:
        return text
    import re

    return re.sub(
        r"(?<!\S)--?[A-Za-z][\w-]*", lambda m: m.group().replace("-", "-" + NO_BREAK), text
    )


def _breaks_after(char: str, following: str) -> bool:
    """Whether a wrapped label may break between ``char`` and ``following``: after a space,
    a "/", or a "-" before a letter. Never after a "\\" (a Windows folder's
    "C:\\Users\\…\\profiles" had stood whole, 400 px wide), nor in "-5" ("gpt-5-2025-08-07"):
    Qt keeps those together, as Unicode's line breaking does."""
    if char.isspace() or char == "/":
        return True
    return char == "-" and following.isalpha()


def wrappable(text: str) -> str:
    """``text`` with a break point in every run of ``LONGEST_RUN`` characters that has no
    place to break already (see ``_breaks_after``), for a wrapped label; never inside a
    character drawn from several (see ``_joins``)."""
    out: list[str] = []
    run = 0
    previous = ""
    after_backslash: int | None = None  # where in ``out`` the run's last "\" ends
    for index, char in enumerate(text):
        if run >= LONGEST_RUN and not char.isspace() and not _joins(previous, char):
            if after_backslash is not None:
                # After the run's last "\": a Windows folder breaks between its names, not
                # inside one ("…\AppDa" "ta\…").
                out.insert(after_backslash, WRAP_POINT)
                run = len(out) - after_backslash - 1
            else:
                out.append(WRAP_POINT)
                run = 0
            after_backslash = None
        out.append(char)
        previous = char
        if _breaks_after(char, text[index + 1 : index + 2]):
            run, after_backslash = 0, None
        else:
            run += 1
            if char == "\\":
                after_backslash = len(out)
    return "".join(out)


#: Joiners, and what modifies the emoji before it (skin tones, the tags of a flag).
_JOINERS = "\u200c\u200d"
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
#: The canonical combining class of a virama, which joins the consonants around it.
_VIRAMA = 9


def _joins(previous: str, char: str) -> bool:
    """Whether ``char`` is drawn with ``previous`` as one character: a mark (an accent, a
    vowel sign, a variation selector), a joiner or what follows one, the consonant after a
    virama (a conjunct: "स्त"), an emoji's modifier, a flag's second letter. A break point
    between them had drawn the mark on a dotted circle of its own ("e" and a loose accent
    for "é")."""
    if unicodedata.category(char).startswith("M") or char in _JOINERS or previous in _JOINERS:
        return True
    if previous and unicodedata.combining(previous) == _VIRAMA:
        return True
    code = ord(char)
    if code in _EMOJI_MODIFIERS or code in _TAGS:
        return True
    return bool(previous) and code in _REGIONAL_INDICATORS and ord(previous) in _REGIONAL_INDICATORS
