"""Prose laid out in a terminal's columns, broken between words.

Apart from the status report that uses it most: a command's warnings are wrapped with it, and
importing the report (the dashboard, the readers) had cost each warned report 47 ms.
"""

from __future__ import annotations

from codex_presence_gui.core.sanitize import text_cells


def wrapped(text: str, width: int, indent: str = "", after: str = "") -> list[str]:
    """Prose in lines of at most ``width`` columns, broken between words (a path or a word
    longer than a line is kept whole); ``after`` starts the lines after the first."""
    return packed(text.split(" "), indent, after or indent, width, " ")


def packed(parts: list[str], first: str, indent: str, width: int, joint: str = " · ") -> list[str]:
    """``first`` then ``parts`` joined by ``joint``, on as few lines as fit in ``width`` (each
    next line starts with ``indent``); a part longer than a line has one of its own."""
    lines: list[str] = []
    line, empty = first, True
    for part in parts:
        candidate = f"{line}{part}" if empty else f"{line}{joint}{part}"
        if not empty and text_cells(candidate) > width:
            lines.append(line)
            candidate = f"{indent}{part}"
        line, empty = candidate, False
    lines.append(line)
    return lines


#: Narrower than this, a name is not shortened: what would be left of it says nothing.
FITTED_LEAST = 12


def fitted(name: str, cells: int) -> str:
    """A name from the logs in at most ``cells`` terminal columns: its start and end around
    an ellipsis when it is longer (a project named at length had run past the terminal's
    edge), whole when ``cells`` is too few to leave anything readable."""
    if text_cells(name) <= cells or cells < FITTED_LEAST:
        return name
    from codex_presence_gui.core.formatting import shortened

    limit = cells
    while True:  # wide characters take two columns: fewer of them fit
        shown = shortened(name, limit)
        over = text_cells(shown) - cells
        if over <= 0 or limit <= FITTED_LEAST:
            return shown
        limit -= max(1, over // 2)
