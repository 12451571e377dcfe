"""The ``status`` command: read the homes once and print the limits and sessions, as text or as
one JSON document written a session at a time.

NOTE: Qt-free, so that it starts fast and runs where no display exists.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from codex_presence_gui.core.dashboard import history_since
from codex_presence_gui.core.discovery import no_home_message, resolve_codex_homes
from codex_presence_gui.core.history import HISTORY_DAYS, HistoryReader, UsageHistory
from codex_presence_gui.core.jsondecode import use_orjson
from codex_presence_gui.core.problems import ProblemKind, warning_line
from codex_presence_gui.core.reader import RECENT_FILE_SECONDS, CodexReader, ReadResult
from codex_presence_gui.core.report import build_report, render_text
from codex_presence_gui.core.sanitize import json_safe, terminal_safe_json
from codex_presence_gui.paths import settings_homes

EXIT_OK = 0
EXIT_NO_HOME = 2
EXIT_FAILED = 1


def run_status(args: argparse.Namespace) -> int:
    """The ``status`` command: read the homes once and print the report."""
    # One short pass that makes millions of small, acyclic objects: the cycle collector
    # only costs time here (half of the report's time with 50,000 sessions).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _status(args)
    finally:
        if collecting:
            gc.enable()


def _status(args: argparse.Namespace) -> int:
    use_orjson()  # imported for the output anyway: it decodes every line too
    given = [*args.codex_homes, *args.command_homes]
    chosen, unusable = settings_homes() if not given else ([], None)
    homes = resolve_codex_homes(given, chosen)
    result, history = read_with_history(homes, include_all=args.all)
    # The homes read: the first MAX_HOMES (the report's warnings say the others are not).
    if len(result.missing_homes) == len(result.homes):
        print(no_home_message(result.homes, from_settings=bool(chosen)), file=sys.stderr)
        if unusable is not None:  # why the folders chosen in Settings were not looked in
            print(warning_line(unusable), file=sys.stderr)
        return EXIT_NO_HOME
    try:
        if args.json:
            report = build_report(result, include_all=args.all, history=history, lazy=True)
            # Sessions are put into words as they are written: a value the report cannot
            # compute with can show up then too.
            if not write_report_json(report, sys.stdout.buffer):
                return EXIT_FAILED
            sys.stdout.flush()
        else:
            from codex_presence_gui.cli import terminal_columns

            text = render_text(
                result, include_all=args.all, history=history, width=terminal_columns()
            )
            sys.stdout.write(text + "\n")
    except (ArithmeticError, ValueError) as error:
        # A number the reader let through that the report cannot compute with (the reader
        # validates values; this is the output layer's own guard): one line, no traceback.
        print(
            f"status: a value in the Codex logs is out of range and the report could not be "
            f"made ({type(error).__name__}: {error}). Run with -v for details.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if unusable is not None:  # after the report, where it is read (and not in its JSON)
        sys.stdout.flush()
        print(warning_line(unusable), file=sys.stderr)
    return EXIT_OK


def read_with_history(
    homes: Sequence[Path], *, include_all: bool = False
) -> tuple[ReadResult, UsageHistory]:
    """One read of ``homes`` and the limits' history it needs, as ``status`` (and ``preview``,
    ``discord-check``) read them: without the history, a late reading of a window reset early
    would be shown as its newest (see ``build_dashboard``). ``include_all``: ended sessions'
    files too, not only recent ones."""
    # The reader records each file's history as it goes, so that no file is read twice, and
    # keeps nothing else of a file once its snapshot is taken (one refresh only).
    reader = CodexReader(
        homes,
        max_age=None if include_all else RECENT_FILE_SECONDS,
        record_days=HISTORY_DAYS,
        one_shot=True,
        processes=2,
    )
    result = reader.refresh()
    found = reader.discovery
    history = HistoryReader().refresh(
        found.files if found is not None else (),
        since=history_since(result),
        shared=reader.recorded(),
    )
    return result, history


#: Where the session list goes in the frame of the document (a top-level key: two spaces).
_SESSIONS_SLOT = b'\n  "sessions": []'


def write_report_json(report: dict[str, Any], out: IO[bytes]) -> bool:
    """Write the ``status --json`` document (with its final newline) to ``out``; False (with
    a message on stderr) only if it cannot be encoded at all.

    The sessions (a list, or any iterable, so that a long list is never held whole) are
    written one at a time into the frame of the rest of the document: with 50,000 sessions
    the document is over 70 MB, and the dicts behind it twice that.

    Values should be valid by now (the reader checks them), but one odd number must not cost
    the whole report: when orjson refuses a part, the values it refused become null or
    escaped text, each with a warning. Characters a terminal could act on are written as
    ``\\uXXXX`` (the same string to a JSON reader).
    """
    sessions = report.get("sessions", ())
    frame = {**report, "sessions": []}
    encoded = _encoded(frame, "")
    if encoded is None:
        return False
    data, changed = encoded
    if changed:
        frame["warnings"] = [*frame.get("warnings", []), *_refused(changed)]
        encoded = _encoded(frame, "")
        if encoded is None:
            return False
        data = encoded[0]
    head, _, tail = data.partition(_SESSIONS_SLOT)
    out.write(head + b'\n  "sessions": [')
    refused: list[str] = []
    index = -1
    for index, session in enumerate(sessions):
        encoded = _encoded(session, f"sessions[{index}]")
        if encoded is None:
            return False
        refused += encoded[1]
        out.write((b",\n    " if index else b"\n    ") + encoded[0].replace(b"\n", b"\n    "))
    out.write(b"\n  ]" if index >= 0 else b"]")
    if refused:
        # Said in the warnings, which come after the sessions: the rest of the frame again.
        frame["warnings"] = [*frame.get("warnings", []), *_refused(refused)]
        encoded = _encoded(frame, "")
        if encoded is None:
            return False
        tail = encoded[0].partition(_SESSIONS_SLOT)[2]
    out.write(tail + b"\n")
    return True


def _encoded(value: object, where: str) -> tuple[bytes, list[str]] | None:
    """``value`` as indented, terminal-safe JSON, and the places whose values had to change
    (see ``json_safe``); None with a message on stderr if even that fails."""
    changed: list[str] = []
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        safe, changed = json_safe(value, where)
        try:
            data = orjson.dumps(safe, option=orjson.OPT_INDENT_2)
        except orjson.JSONEncodeError as error:
            print(
                f"status --json: the report could not be written as JSON ({error}).",
                file=sys.stderr,
            )
            return None
    if not data.isascii() or b"\x7f" in data:
        # Only DEL and non-ASCII characters can need an escape (orjson escapes C0 itself):
        # most parts skip the decode, the search and the re-encode.
        data = terminal_safe_json(data.decode("utf-8")).encode("utf-8")
    return data, changed


def _refused(places: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "text": f"{where}: the value could not be written as JSON; shown as null "
            "or as escaped text",
            "kind": ProblemKind.BAD_VALUES.value,
            "path": None,
        }
        for where in places
    ]
