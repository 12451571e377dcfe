"""JSON values exactly as ``orjson.loads`` reads them, without importing orjson for a few lines.

Importing orjson imports dataclasses, inspect and uuid: about 14 ms, most of what a ``report``
after a small append does beyond a repeat. So the first ``FAST_LINES`` lines are decoded by
the json module's C scanner, told to hand over every value orjson reads otherwise (NaN and
the infinities, which orjson refuses; integers past 64 bits, which it reads as floats; floats
past the double range; escaped surrogates). A line the scanner refuses or hands over is
decoded by orjson, whose value or error stands, and orjson decodes every line after it. A
reader with much to read (a first build) calls ``use_orjson`` first: per line, orjson is
about five times faster.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: Lines decoded by the json module before orjson takes over (its import pays for itself after
#: about 3,000 lines).
FAST_LINES = 1000

#: What orjson raises for text it cannot decode (its own error is a subclass).
DecodeError = json.JSONDecodeError

#: orjson refuses documents nested deeper than this; the json module's scanner goes deeper
#: from Python 3.12 on (and on 3.11 with a raised recursion limit).
MAX_DEPTH = 1024

_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1
_INFINITIES = (float("inf"), float("-inf"))

_orjson_loads: Callable[[bytes], Any] | None = None
_fast_left = FAST_LINES


class _Unsure(ValueError):  # noqa: N818 - a signal, not an error
    """A value orjson reads otherwise: orjson decodes the line."""


def _integer(text: str) -> int:
    value = int(text)
    if not _INT_MIN <= value <= _INT_MAX:
        raise _Unsure
    return value


def _float(text: str) -> float:
    value = float(text)
    if value in _INFINITIES:
        raise _Unsure
    return value


def _constant(name: str) -> float:
    raise _Unsure


_decode = json.JSONDecoder(parse_int=_integer, parse_float=_float, parse_constant=_constant).decode


def import_orjson() -> None:
    """Import orjson with Ctrl+C held back until the import is done (``import orjson`` is
    then at once).

    orjson's module setup does not look whether the imports it makes (dataclasses, uuid, …)
    failed: a ``KeyboardInterrupt`` raised in one of them (Ctrl+C during a first report's
    20 ms import) crashed the process with a segmentation fault. The interrupt is raised
    once orjson is whole instead."""
    import signal
    import sys

    if "orjson" in sys.modules or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # already whole; or Ctrl+C raises nothing here (a worker ignores it)
    held: list[object] = []
    try:
        signal.signal(signal.SIGINT, lambda *caught: held.append(caught))
    except ValueError:  # not the main thread, where no KeyboardInterrupt is raised
        return
    try:
        import orjson  # noqa: F401 - for the callers, which import it again at once
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if held:
        raise KeyboardInterrupt


def use_orjson() -> Callable[[bytes], Any]:
    """Decode every later line with orjson (imported now); its ``loads``."""
    global _orjson_loads
    if _orjson_loads is None:
        import_orjson()
        import orjson

        _orjson_loads = orjson.loads
    return _orjson_loads


def loads(data: bytes) -> Any:
    """The value of one JSON text, as ``orjson.loads`` gives it.

    Raises:
        DecodeError: orjson's error, for text that is not JSON it reads.
    """
    global _fast_left
    if _orjson_loads is not None:
        return _orjson_loads(data)
    _fast_left -= 1
    # An escaped surrogate may be a lone one, which orjson refuses and the scanner keeps; a
    # long line may be nested deeper than orjson reads (each level takes two bytes).
    if (
        _fast_left >= 0
        and b"\\ud" not in data
        and b"\\uD" not in data
        and (len(data) <= 2 * MAX_DEPTH or data.count(b"[") + data.count(b"{") <= MAX_DEPTH)
    ):
        try:
            return _decode(data.decode())
        except (ValueError, RecursionError):
            pass  # refused or handed over (a bad line, a value read otherwise): orjson decides
    return use_orjson()(data)
