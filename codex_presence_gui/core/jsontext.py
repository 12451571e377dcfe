"""JSON text exactly as ``orjson.dumps(value, option=OPT_INDENT_2)`` writes it, without orjson.

Importing orjson imports dataclasses, inspect, uuid and json (20 ms, more than a repeat
``report`` otherwise takes). The documents the commands print hold only dicts with text keys,
lists, text, integers, floats, booleans and None; this writes those itself and hands anything
it cannot be sure to write as orjson does (a float that Python writes with an exponent, an
integer beyond 64 bits, text that is not valid Unicode, another type, deep nesting) to orjson.
"""

from __future__ import annotations

#: orjson writes these escapes; every other character is written as it is (UTF-8).
_ESCAPES = {code: f"\\u{code:04x}" for code in range(0x20)}
_ESCAPES.update(
    {
        ord('"'): '\\"',
        ord("\\"): "\\\\",
        ord("\b"): "\\b",
        ord("\t"): "\\t",
        ord("\n"): "\\n",
        ord("\f"): "\\f",
        ord("\r"): "\\r",
    }
)
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1
#: Deeper than this, orjson decides (it refuses some depth of its own).
_MAX_DEPTH = 32


class _Unsure(Exception):  # noqa: N818 - a signal, not an error
    """A value this module does not write: orjson does."""


def indented_json(value: object, indent: str = "") -> str:
    """``value`` as orjson writes it with ``OPT_INDENT_2`` (raising what orjson raises), each
    line after the first led by ``indent`` more: as it is written inside a document, where
    ``indent`` is that of its line (two spaces for each level above it)."""
    out: list[str] = []
    try:
        _write(value, indent, out)
    except _Unsure:
        from codex_presence_gui.core.jsondecode import import_orjson

        import_orjson()
        import orjson

        try:
            text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError as error:
            if "64-bit" not in str(error):
                raise
            # Sums past 64 bits (only hostile logs get there): the json module writes any
            # integer, in the same layout.
            import json

            text = json.dumps(value, indent=2, ensure_ascii=False)
        # (A string's line breaks are escaped: every one here is the layout's.)
        return text.replace("\n", "\n" + indent) if indent else text
    return "".join(out)


def _string(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'  # nothing to escape: the keys and most values
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: orjson refuses them
            raise _Unsure from None
    return '"' + text.translate(_ESCAPES) + '"'


def _scalar(value: object) -> str:
    """A value that is no container, as orjson writes it."""
    # Exact types only: orjson decides about subclasses (an enum, a named tuple).
    kind = type(value)
    if kind is int:
        if not _INT_MIN <= value <= _INT_MAX:  # type: ignore[operator]
            raise _Unsure
        return str(value)
    if kind is str:
        return _string(value)  # type: ignore[arg-type]
    if kind is float:
        text = repr(value)
        if "e" in text or "n" in text:  # 1e-05, 1e+16, inf, nan: orjson writes them otherwise
            raise _Unsure
        return text
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise _Unsure


def _write(value: object, indent: str, out: list[str]) -> None:
    if type(value) is dict:
        if not value:
            out.append("{}")
            return
        inner = _deeper(indent)
        separator = "{\n" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsure
            if type(item) in _CONTAINERS:
                out.append(separator + _string(key) + ": ")
                _write(item, inner, out)
            else:
                out.append(separator + _string(key) + ": " + _scalar(item))
            separator = ",\n" + inner
        out.append("\n" + indent + "}")
    elif type(value) is list or type(value) is tuple:
        assert isinstance(value, list | tuple)
        if not value:
            out.append("[]")
            return
        inner = _deeper(indent)
        separator = "[\n" + inner
        for item in value:
            if type(item) in _CONTAINERS:
                out.append(separator)
                _write(item, inner, out)
            else:
                out.append(separator + _scalar(item))
            separator = ",\n" + inner
        out.append("\n" + indent + "]")
    else:
        out.append(_scalar(value))


_CONTAINERS = frozenset((dict, list, tuple))


def _deeper(indent: str) -> str:
    if len(indent) >= 2 * _MAX_DEPTH:
        raise _Unsure
    return indent + "  "
