"""Text from Codex's logs made safe to show: in a terminal, in the window, on Discord.

Log fields (a cwd, a branch, a model name, a command) are written by whatever ran in the
session, so they can hold anything: escape sequences that clear the screen, retitle the
terminal, write the clipboard (OSC 52) or hide a link (OSC 8); bidi overrides that make text
read backwards; newlines that forge a line of output. ``clean_text`` is the one place that
decides what may pass.

Rules, in order:

1. Whole escape sequences are removed, payload included (an OSC 52 clipboard payload is not
   text anyone should see): CSI (``ESC [`` or U+009B, up to the final byte), the string
   sequences OSC, DCS, SOS, PM and APC (``ESC ]``, ``ESC P``, ``ESC X``, ``ESC ^``, ``ESC _``
   or their C1 forms, up to BEL or ST), and the short ``ESC`` + one character forms.
2. Line breaks of any kind (CR, LF, VT, FF, NEL, the file/group/record separators that Python
   splits lines on, U+2028 and U+2029) and tabs become one space each: a field never adds a
   line, and words stay apart.
3. Every other control character (C0, DEL, C1, and an ``ESC`` left over from an unfinished
   sequence) and the bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C)
   are removed.
4. Lone surrogates (undecodable bytes kept by ``surrogateescape``) become U+FFFD, so that
   writing the text to a UTF-8 stream or to Discord cannot fail.

Everything else is kept as it is, emoji and zero-width joiners included.

A name that tells rows apart (a model, a project, a session id) is not cleaned but shown with
what would not show escaped (``shown_key``): cleaned, ``"\\u202egpt-5"`` would read as
``gpt-5``, another model's name.
"""

# NOTE: Qt-free, like the rest of core/.

from __future__ import annotations

import unicodedata

TYPE_CHECKING = False  # typing is not imported: every command imports this module
if TYPE_CHECKING:
    from collections.abc import Callable

_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
# OSC, DCS, SOS, PM, APC: a payload up to BEL (xterm's OSC ending) or ST (ESC \ or U+009C).
_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
# nF (intermediates then a final byte), Fp, Fe and Fs: ESC ( B, ESC 7, ESC c, ...
_SHORT = r"\x1b[\x20-\x2f]*[\x30-\x7e]"
# Patterns as text, compiled by ``re`` (and kept in its cache) on first use: most commands
# never meet a control character, and compiling costs more than they take otherwise.
_ESCAPES = f"{_CSI}|{_STRING}|{_SHORT}"

#: Characters that break a line, and the tab: each becomes a space.
LINE_BREAKS = "\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
#: The bidi controls: embeddings, overrides, isolates and the implicit marks.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# Built with dict.fromkeys (in C): every command imports this module.
_TABLE: dict[int, str | None] = dict.fromkeys((*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)))
_TABLE.update(dict.fromkeys(map(ord, BIDI_CONTROLS)))
_TABLE.update(dict.fromkeys(map(ord, LINE_BREAKS), " "))
_TABLE.update(dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))


#: U+200E: a strong left-to-right mark, of no width (a letter to the Unicode bidi algorithm
#: that windows, terminals and editors lay text out with).
LEFT_TO_RIGHT_MARK = "\u200e"


def clean_text(text: str) -> str:
    """``text`` without escape sequences, control or bidi characters, on one line."""
    # Almost every field is plain: ``isprintable`` is False for every character the rules
    # touch (Cc, Cf, Cs, Zl, Zp), so plain text costs one C-level scan.
    if text.isprintable():
        return text
    import re  # imported on demand, as the patterns are compiled (a report needs neither)

    return re.sub(_ESCAPES, "", text).translate(_TABLE)


#: Characters a JSON document may carry raw that a terminal may still act on or that some
#: JSON readers refuse: C1 controls, bidi controls, line and paragraph separators, and lone
#: surrogates. JSON escapes C0 itself.
_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def cell_width(char: str) -> int:
    """The terminal cells a character takes: two for a wide one (CJK), none for a mark drawn
    over or under the one before, an invisible format character (a zero-width space or
    joiner) or a Hangul vowel or final that joins the syllable before, else one (a soft
    hyphen too: terminals draw it)."""
    category = unicodedata.category(char)
    # Marks by category, not combining class: Thai's and Devanagari's vowel signs and the
    # emoji variation selector have class 0, and had each been counted a cell.
    if category in ("Mn", "Me") or (category == "Cf" and char != "\u00ad"):
        return 0
    if _is_hangul_vowel_or_final(char):
        return 0  # decomposed Korean (macOS names files so): two cells per syllable, not four
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _is_hangul_vowel_or_final(char: str) -> bool:
    return "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff"


def joins_the_one_before(char: str) -> bool:
    """A character drawn as part of the one before it: a mark (over, under or beside it:
    Thai's and Devanagari's vowel signs too, whose combining class is 0) or a Hangul vowel
    or final of a decomposed syllable. A cut must not go before it."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or _is_hangul_vowel_or_final(char)


def text_cells(text: str) -> int:
    """The terminal cells ``text`` takes (see ``cell_width``)."""
    return len(text) if text.isascii() else sum(cell_width(char) for char in text)


def terminal_safe_json(document: str) -> str:
    """A JSON text with the characters above written as ``\\uXXXX`` escapes.

    Lossless and still valid: outside strings a JSON text is ASCII, so these characters can
    only stand inside strings, where the escape means the same character.
    """
    if document.isascii() and "\x7f" not in document:
        return document  # nothing to escape (DEL is the one ASCII character above)
    import re

    return re.sub(_JSON_UNSAFE, lambda match: f"\\u{ord(match.group()):04x}", document)


#: The integers orjson (and most JSON readers) can hold: signed and unsigned 64-bit.
_JSON_INT_MIN = -(2**63)
_JSON_INT_MAX = 2**64 - 1


def json_safe(value: object, where: str = "") -> tuple[object, list[str]]:
    """``value`` made encodable by any JSON encoder, and where it had to change.

    The last resort of ``status --json`` when the document cannot be encoded as it is: an
    integer beyond 64 bits or a float that is not finite becomes null, a string holding lone
    surrogates has them written as ``\\xNN`` (as ``path_text`` does), a value of another type
    becomes its text. Returns the copy and the places (``sessions[0].tokens.input``) changed.
    """
    changed: list[str] = []

    def walk(item: object, at: str) -> object:
        if item is None or isinstance(item, bool):
            return item
        if isinstance(item, int):
            if _JSON_INT_MIN <= item <= _JSON_INT_MAX:
                return item
            changed.append(at)
            return None
        if isinstance(item, float):
            if item == item and item not in (float("inf"), float("-inf")):
                return item
            changed.append(at)
            return None
        if isinstance(item, str):
            text = no_surrogates(item)
            if text != item:
                changed.append(at)
            return text
        if isinstance(item, dict):
            return {
                name: walk(inner, f"{at}.{name}" if at else name)
                for name, inner in ((no_surrogates(str(k)), v) for k, v in item.items())
            }
        if isinstance(item, (list, tuple)):
            return [walk(inner, f"{at}[{index}]") for index, inner in enumerate(item)]
        changed.append(at)
        return str(item)

    return walk(value, where), changed


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: not when it holds a lone surrogate (a name
    read from bytes that are not UTF-8, or a JSON escape of one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def no_surrogates(text: str) -> str:
    """``text`` that any encoder accepts: its lone surrogates written out (see ``escaped``)."""
    if text.isprintable() or not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return "".join(escaped(c) if "\ud800" <= c <= "\udfff" else c for c in text)


def escaped(char: str) -> str:
    """One character written as an escape that says which it is: ``\\xNN`` for a byte that is
    not UTF-8 (kept by ``surrogateescape`` as U+DC80-U+DCFF, so NN is 80 to ff) and for an
    ASCII control (``\\x1b``); ``\\uXXXX`` or ``\\UXXXXXXXX`` for any other character (a C1
    control too: ``\\u009b``, not the ``\\x9b`` of the byte 0x9b). ``\\\\`` for a backslash.
    Two different characters never get the same escape."""
    code = ord(char)
    if char == "\\":
        return "\\\\"
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# Characters that are printable (``str.isprintable``) but draw nothing: the combining grapheme
# joiner, the Hangul and Khmer fillers, Mongolian variation selectors and the blank Braille
# pattern. (A variation selector draws nothing either but after a character it selects a
# form of, as an emoji's: see ``_selects``.)
_HIDDEN_CHARS = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\uffa0"
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
# A zero-width joiner between two pictographs (an emoji sequence: 👩‍💻) joins them into one
# visible picture, so it is shown as it is.
_PICTOGRAPH = "\u2600-\u27bf\U0001f000-\U0001faff"
_EMOJI_JOINER = f"(?<=[{_PICTOGRAPH}\ufe0f\U0001f3fb-\U0001f3ff])\u200d(?=[{_PICTOGRAPH}])"
#: The zero-width non-joiner and joiner: also part of how some scripts spell words (see
#: ``_spells``).
_JOINERS = "\u200c\u200d"
#: The canonical combining class of a virama (Devanagari's ्, Sinhala's ්, Khmer's coeng...).
_VIRAMA = 9
#: Where a non-joiner right after a virama changes what is drawn whatever the font: the
#: consonants it may follow (with the virama) and those it may come before, by virama. It has
#: the virama drawn where the script joins the two consonants: into a subjoined form, whatever
#: the pair, in Telugu and Kannada; into a half form in Devanagari and Gujarati, after a
#: consonant that has one (ङ छ ट ठ ड ढ द ह join the next only in the conjuncts a font may
#: have: ड्‌ग reads as ड्ग where it has none). Elsewhere most pairs show the virama anyway, or
#: join only in some fonts (Tamil, Bengali, Malayalam, Gurmukhi, Sinhala, Thai...): க்‌க
#: reads as க்க. (Each pair drawn with and without it, in Noto Sans.)
_NON_JOINER_CLUSTERS = {
    "\u094d": (
        "\u0915-\u0918\u091a\u091c-\u091e\u0923-\u0925\u0927-\u0938",
        "\u0915-\u0939\u0958-\u095f",
    ),
    "\u0acd": ("\u0a95-\u0a98\u0a9a\u0a9c-\u0a9e\u0aa3-\u0aa5\u0aa7-\u0ab8", "\u0a95-\u0ab9"),
    "\u0c4d": ("\u0c15-\u0c39", "\u0c15-\u0c39"),
    "\u0ccd": ("\u0c95-\u0cb9", "\u0c95-\u0cb9"),
}
#: A joiner after a virama asks for a half form, which most pairs take anyway (क्‍य reads as
#: क्य): it changes what is drawn whatever the font only as Devanagari's eyelash ra (र्‍य, not
#: the reph of र्य) and as Sinhala's yansaya and rakaransaya (ශ්‍රී, not ශ්රී; but ර්‍ර reads
#: as ර්ර).
_DEVANAGARI_RA = "\u0930"
_SINHALA_VIRAMA = "\u0dca"
_SINHALA_YA = "\u0dba"
_SINHALA_RA = "\u0dbb"
_SINHALA_CONSONANTS = "\u0d9a-\u0dc6"
# Letters by how they join (Joining_Type in Unicode's ArabicShaping.txt, the same in 12.1 and
# 14.0, Python's), in the Arabic, Syriac, Arabic Supplement, N'Ko and Mongolian blocks only:
# those whose words use a non-joiner (Persian, Urdu, Kurdish...). One joins the letter after
# it (Dual_Joining); the other only the one before it (Right_Joining: alef, dal, reh, waw...).
# A letter of another block (Arabic Extended-A, Mandaic...) joins nothing here, so a
# non-joiner next to it stays escaped.
_DUAL_JOINING = (
    "\u0620\u0626\u0628\u062a-\u062e\u0633-\u063f\u0641-\u0647\u0649\u064a\u066e\u066f"
    "\u0678-\u0687\u069a-\u06bf\u06c1\u06c2\u06cc\u06ce\u06d0\u06d1\u06fa-\u06fc\u06ff"
    "\u0712-\u0714\u071a-\u071d\u071f-\u0727\u0729\u072b\u072d\u072e\u074e\u074f"
    "\u0750-\u0758\u075c-\u076a\u076d-\u0770\u0772\u0775-\u0777\u077a-\u077f"
    "\u07ca-\u07ea\u1807\u1820-\u1878\u1887-\u18a8\u18aa"
)
_RIGHT_JOINING = (
    "\u0622-\u0625\u0627\u0629\u062f-\u0632\u0648\u0671-\u0673\u0675-\u0677\u0688-\u0699"
    "\u06c0\u06c3-\u06cb\u06cd\u06cf\u06d2\u06d3\u06d5\u06ee\u06ef"
    "\u0710\u0715-\u0719\u071e\u0728\u072a\u072c\u072f\u074d"
    "\u0759-\u075b\u076b\u076c\u0771\u0773\u0774\u0778\u0779"
)
# The two sets of letters above, built on the first joiner met (most commands meet none).
_joining: tuple[frozenset[str], frozenset[str]] | None = None
# The consonants of ``_NON_JOINER_CLUSTERS`` (and Devanagari's and Sinhala's), as sets, built
# as those.
_clusters: dict[str, tuple[frozenset[str], frozenset[str]]] | None = None
# Finds a character that may be one of the above: compiled on the first name that is not
# ASCII (a search through ``re``'s cache costs several times the search).
_maybe_hidden: Callable[[str], object] | None = None

#: What the window and the reports show where a log names nothing: a project, a call's model
#: (the Usage page and reports: calls whose logs never named it), a session's model (the
#: table, the card, ``status``: a live log names it with its first turn, so "yet"). Said in
#: the same words, each once, where the two had read "(model not logged)", "model unknown"
#: and "Model not reported yet".
NO_PROJECT = "(none)"
UNNAMED_MODEL = "(model not logged)"
NO_SESSION_MODEL = "model not logged yet"
#: What a value with nothing to show reads as, in every table and total of the window and the
#: reports alike (the live table's "–" and the Usage page's "—" had differed).
NO_VALUE = "–"
#: The project of a session without a folder with a name (none logged, or ``/``): empty,
#: which no folder's name can be, so that it never counts as one with a folder of any name (it
#: had been "unknown-project", which a folder may be called). Shown as ``NO_PROJECT``.
NO_FOLDER = ""
# A real name that reads as one of these is shown with its first character escaped
# (``\x28none)``) rather than the placeholder drawn apart (in italic, muted): a style is lost
# on a screen reader, in a copied cell and in a report's text, an escape is not.
# (The sessions table's Model column says ``NO_SESSION_MODEL`` without its first word, under
# the column's title: a model of that name too.)
_PLACEHOLDERS = frozenset(
    (NO_PROJECT, UNNAMED_MODEL, NO_SESSION_MODEL, NO_SESSION_MODEL.removeprefix("model "))
)


def shown_key(text: str) -> str:
    """A name that tells rows or series apart (a model, a project, a session id) as shown:
    two different names never read the same.

    A plain name is shown as it is. Else each character that would not show is written as
    an escape (``escaped``): control and format characters (bidi controls, zero-width
    spaces, U+FEFF, a zero-width joiner or non-joiner but where it joins an emoji or spells
    a word: see ``_spells``), the space variants (no-break, thin, ideographic: all but the
    ASCII space), printable characters that draw nothing (see above), a space at either end
    or after another (``acme \\x20api``: two spaces read as one in a proportional font), and
    the backslash, so that no name reads as another's escape: ``"\\u202egpt-5"`` is shown as
    ``\\u202egpt-5``, a model literally named that as ``\\\\u202egpt-5``. A name that reads as
    a placeholder (``NO_PROJECT``: ``(none)``) has its first character escaped:
    ``\\x28none)``. The shown name is printable, so ``clean_text`` leaves it as it is.
    """
    # The usual name costs three C-level scans (isascii reads a flag) and a set lookup; one
    # with a space two more (strip returns the text itself when there is no space to take
    # off, and == sees it is): most names (models, session ids) have none.
    if (
        text.isprintable()
        and "\\" not in text
        and (" " not in text or (text.strip(" ") == text and "  " not in text))
        and (text.isascii() or not _may_hide(text))
    ):
        return escaped(text[0]) + text[1:] if text in _PLACEHOLDERS else text
    import re

    hidden = {match.start() for match in re.finditer(f"[{_HIDDEN_CHARS}]", text)}
    joiners = {match.start() for match in re.finditer(_EMOJI_JOINER, text)}
    ends = (0, len(text) - 1)
    shown: list[str] = []
    for index, char in enumerate(text):
        if index in joiners or (char in _JOINERS and _spells(text, index, hidden)):
            shown.append(char)
        elif (
            char == "\\"
            or not char.isprintable()
            or index in hidden
            or (_is_selector(char) and not _selects(text, index, shown))
        ):
            shown.append(escaped(char))
        elif char == " " and (index in ends or text[index - 1] == " "):
            shown.append("\\x20")
        else:
            shown.append(char)
    return "".join(shown)


def project_label(project: str) -> str:
    """A project's name as shown (``shown_key``); ``NO_PROJECT`` for a session without a
    folder with a name (``NO_FOLDER``)."""
    return shown_key(project) if project else NO_PROJECT


def _selects(text: str, index: int, shown: list[str]) -> bool:
    """Whether the variation selector at ``index`` changes how the character before it is
    drawn (as emoji: ❤️; a CJK ideograph's form), so that it shows: after a character shown
    as it is that is not ASCII nor itself a selector, or making a keycap (#️⃣). Elsewhere
    (after a Latin letter, another selector, an escape) it draws nothing."""
    if text[index + 1 : index + 2] == "\u20e3":
        return True
    before = text[index - 1] if index else ""
    return (
        not before.isascii()
        and not _is_selector(before)
        and shown[-1] == before  # not written as an escape
    )


def _spells(text: str, index: int, hidden: set[int]) -> bool:
    """Whether the zero-width non-joiner or joiner at ``index`` is part of a word's spelling,
    where it changes what is drawn, so that it shows as it is.

    The contexts of IDNA 2008's CONTEXTJ rules (RFC 5892, Appendix A.1 and A.2), narrowed to
    where the joiner is seen whatever the font: either joiner between a consonant with its
    virama and the consonant after it, where it makes another form of the pair
    (``_after_virama``: क्‌ष, the virama drawn, not the conjunct; वार्‍याने, an eyelash ra;
    ශ්‍රී), and a non-joiner between a letter that joins the one after it and one that joins
    the one before it, marks on either side aside (می‌خواهم: the two letters not joined).
    IDNA allows a joiner after any virama, also where it changes nothing drawn (க்‌க, क्‍य,
    and in many fonts सद्‌भाव): two names would read the same. Unlike IDNA, a joiner after a
    virama needs the letter after it: at a name's end or before a space it changes nothing
    drawn. Anywhere else (between Latin letters, at either end, doubled) it is escaped."""
    before = text[index - 1] if index else ""
    after = text[index + 1 : index + 2]
    if (
        index >= 2
        and after
        and unicodedata.combining(before) == _VIRAMA
        and _after_virama(text[index], text[index - 2], before, after)
    ):
        return True
    if text[index] != "\u200c":
        return False
    start = index - 1
    while start >= 0 and _is_transparent(text, start, hidden):
        start -= 1
    end = index + 1
    while end < len(text) and _is_transparent(text, end, hidden):
        end += 1
    if start < 0 or end == len(text):
        return False
    dual, right = _joining_letters()
    return text[start] in dual and (text[end] in dual or text[end] in right)


def _after_virama(joiner: str, consonant: str, virama: str, after: str) -> bool:
    """Whether ``joiner`` between ``consonant`` with ``virama`` and the letter ``after``
    changes what is drawn, whatever the font (see ``_NON_JOINER_CLUSTERS``)."""
    clusters = _cluster_consonants()
    if joiner == "\u200c":
        if virama not in _NON_JOINER_CLUSTERS:
            return False  # Sinhala's consonants are there for the joiner's sake
        first, second = clusters[virama]
        return consonant in first and after in second
    if virama == "\u094d":
        return consonant == _DEVANAGARI_RA and after in clusters[virama][1]
    sinhala = clusters[_SINHALA_VIRAMA][0]
    return (
        virama == _SINHALA_VIRAMA
        and consonant in sinhala
        and (after == _SINHALA_YA or (after == _SINHALA_RA and consonant != _SINHALA_RA))
    )


def _cluster_consonants() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """``_NON_JOINER_CLUSTERS`` as sets of letters, with Sinhala's consonants (either side)."""
    global _clusters  # built once, on first use
    if _clusters is None:
        spans = {**_NON_JOINER_CLUSTERS, _SINHALA_VIRAMA: (_SINHALA_CONSONANTS,) * 2}
        _clusters = {
            virama: (_consonants(first), _consonants(second))
            for virama, (first, second) in spans.items()
        }
    return _clusters


def _consonants(ranges: str) -> frozenset[str]:
    """The letters of ``ranges`` (see ``_letters``) that Unicode has assigned."""
    return frozenset(char for char in _letters(ranges) if unicodedata.category(char) == "Lo")


def _is_transparent(text: str, index: int, hidden: set[int]) -> bool:
    """Whether the character at ``index`` is a mark that letters join across (Arabic's
    harakat), shown as it is (a mark that draws nothing, escaped, breaks the context)."""
    char = text[index]
    return (
        unicodedata.category(char) in ("Mn", "Me")
        and index not in hidden
        and not _is_selector(char)
    )


def _joining_letters() -> tuple[frozenset[str], frozenset[str]]:
    """The Dual_Joining and the Right_Joining letters (see above), as sets."""
    global _joining  # built once, on first use
    if _joining is None:
        _joining = (_letters(_DUAL_JOINING), _letters(_RIGHT_JOINING))
    return _joining


def _letters(ranges: str) -> frozenset[str]:
    """The characters of ``ranges``, written as in a regular expression's class: ``a-dx``."""
    letters: set[str] = set()
    index = 0
    while index < len(ranges):
        if ranges[index + 1 : index + 2] == "-":
            first, last = ranges[index], ranges[index + 2]
            letters.update(map(chr, range(ord(first), ord(last) + 1)))
            index += 3
        else:
            letters.add(ranges[index])
            index += 1
    return frozenset(letters)


def _is_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _may_hide(text: str) -> bool:
    """Whether ``text`` holds a character that may draw nothing though printable."""
    global _maybe_hidden  # compiled once, on first use
    if _maybe_hidden is None:
        import re

        _maybe_hidden = re.compile(f"[{_HIDDEN_CHARS}{_SELECTORS}]").search
    return _maybe_hidden(text) is not None


def tooltip_html(text: str) -> str:
    """A tooltip that shows ``text`` as written.

    Qt renders a tooltip that merely looks like HTML as HTML, so a branch named
    ``<a href=…>`` would become a link. This one is always HTML, with the text escaped and
    its line breaks kept. Its lines are not wrapped by Qt, which broke them at a width of
    its own ("12.3M / tokens"): a line longer than ``TOOLTIP_LINE_CHARS`` is broken here, at
    spaces, into lines of about equal length (not one word left alone on the last); a word
    longer than ``TOOLTIP_WORD_CHARS`` (a name from a log) is cut, so that no line runs off
    the screen.
    """
    if not text:
        return ""
    import html  # only the window shows tooltips

    lines = [part for line in text.split("\n") for part in _tooltip_lines(line)]
    return '<p style="white-space:pre">' + html.escape("\n".join(lines), quote=False) + "</p>"


#: A tooltip's line longer than this is broken.
TOOLTIP_LINE_CHARS = 100
#: A word longer than this is cut in pieces of this length.
TOOLTIP_WORD_CHARS = 160


def _tooltip_lines(line: str) -> list[str]:
    """``line`` as the lines of a tooltip (see ``tooltip_html``), each with its indent."""
    if len(line) <= TOOLTIP_LINE_CHARS:
        return [line]
    text = line.lstrip(" ")
    indent = line[: len(line) - len(text)]
    if not text:
        return [line]
    # Pieces, each with whether a space comes before it (none within a cut word).
    pieces: list[tuple[str, bool]] = []
    for word in text.split(" "):
        spaced = True
        while len(word) > TOOLTIP_WORD_CHARS:
            cut = _cut_at(word, TOOLTIP_WORD_CHARS)
            pieces.append((word[:cut], spaced))
            word, spaced = word[cut:], False
        pieces.append((word, spaced))
    line = text
    parts = -(-len(line) // TOOLTIP_LINE_CHARS)
    # The narrowest lines (from an equal share up) that still make no more lines than that.
    for width in range(-(-len(line) // parts), TOOLTIP_LINE_CHARS + 1):
        lines = _filled(pieces, width)
        if len(lines) <= parts:
            break
    return [indent + part for part in lines]


def _cut_at(word: str, limit: int) -> int:
    """Where to cut ``word`` at most ``limit`` characters in: not inside a character that is
    several code points (a mark that joins the one before it, a zero-width joiner), nor next
    to a joiner or non-joiner left in a word (at a line's edge it changes nothing drawn), nor
    inside an escape ``shown_key`` wrote (``\\u202e`` split over two lines)."""
    starts = None  # where a cut may go: anywhere in a word without an escape
    if "\\" in word:
        # Read up to the limit only: read whole at each of a long word's cuts, the escapes
        # had made a tooltip of a name of 100,000 characters take half a second.
        starts, end = {0}, 0
        for piece in key_pieces(word[: limit + _LONGEST_ESCAPE]):
            end += len(piece)
            starts.add(end)
    cut = limit
    # Stepped back off a mark, a cut must not land inside the escape before it either.
    while cut > 1 and (
        (starts is not None and cut not in starts)
        or word[cut - 1] in _JOINERS
        or word[cut] in _JOINERS
        or joins_the_one_before(word[cut])
    ):
        cut -= 1
    return cut


#: An escape that ``escaped`` writes, or any other one character.
_KEY_PIECE = r"\\(?:\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})|."
#: The longest of those escapes: ``\\U0001f600``.
_LONGEST_ESCAPE = 10


def key_pieces(text: str) -> list[str]:
    """``text`` in the pieces a cut must not split: each escape ``shown_key`` wrote
    (``\\u202e``, ``\\\\``) whole, any other character alone. A cut inside an escape had
    shown ``\\u20…`` (which character?) and could make two names read the same."""
    if "\\" not in text:
        return list(text)
    import re

    return re.findall(_KEY_PIECE, text, flags=re.DOTALL)


#: How many marks of no width (accents) a cut keeps with the character before it.
MARKS_KEPT = 8


def glyph_pieces(text: str) -> list[str]:
    """``key_pieces`` with each mark of no width (an accent) joined to the piece before it,
    so that a cut between pieces never parts an accent from its letter (one had been put
    after the "…"). At most ``MARKS_KEPT`` stay with one letter: a name of thousands of
    marks on one letter is cut all the same."""
    pieces: list[str] = []
    marks = 0
    for piece in key_pieces(text):
        if pieces and not text_cells(piece):
            if marks < MARKS_KEPT:
                pieces[-1] += piece
                marks += 1
            continue
        pieces.append(piece)
        marks = 0
    return pieces


def _filled(pieces: list[tuple[str, bool]], width: int) -> list[str]:
    """``pieces`` on lines of at most ``width`` characters (a longer piece alone)."""
    lines: list[str] = []
    current = ""
    for piece, spaced in pieces:
        joined = f"{current} {piece}" if spaced and current else current + piece
        if current and (len(joined) > width or not spaced):
            lines.append(current)
            current = piece
        else:
            current = joined
    lines.append(current)
    return lines
