"""Command line: parse arguments without Qt, run headless commands, or start the window."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

import orjson

from codex_presence_gui import APP_NAME, __version__
from codex_presence_gui.core.dashboard import history_since
from codex_presence_gui.core.discovery import resolve_codex_homes
from codex_presence_gui.core.history import HISTORY_DAYS, HistoryReader
from codex_presence_gui.core.problems import ProblemKind
from codex_presence_gui.core.reader import RECENT_FILE_SECONDS, CodexReader
from codex_presence_gui.core.report import build_report, render_text
from codex_presence_gui.core.sanitize import json_safe, terminal_safe_json
from codex_presence_gui.usage_commands import add_report_command, run_report

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_HOME = 2
EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``codex-presence-gui``."""
    parser = argparse.ArgumentParser(
        prog="codex-presence-gui",
        description=(
            f"{APP_NAME}: watch OpenAI Codex sessions, tokens and remaining rate limits. "
            "Without a command, opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--codex-home",
        dest="codex_homes",
        metavar="DIR",
        action="append",
        default=[],
        help="a Codex home to read (repeatable; default: $CODEX_HOME or ~/.codex)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (repeat for debug)"
    )
    parser.add_argument(
        "--no-discord", action="store_true", help="do not publish a Discord status this time"
    )
    parser.add_argument(
        "--minimized", action="store_true", help="start minimized (or in the tray only)"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="quit the running instance and take its place (instead of showing it)",
    )
    parser.add_argument(
        "--private",
        action="store_true",
        help='Discord shows only "Using Codex / In a coding session", nothing about the work',
    )
    parser.add_argument(
        "--startup-check",
        action="store_true",
        help=(
            "open the window, wait until it has painted and read the logs, print the times "
            "as JSON and quit (exit status 1 if either did not happen within 30 s)"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    status = commands.add_parser(
        "status",
        help="print the limits and sessions the window would show, then exit",
        description="Print the account's remaining limits and the Codex sessions, then exit.",
    )
    status.add_argument("--json", action="store_true", help="print one JSON object (schema 1)")
    status.add_argument(
        "--all", action="store_true", help="list every session found, not only active ones"
    )
    _add_homes_option(status)
    shot = commands.add_parser(
        "screenshot",
        help="render the window offscreen with the current data into a PNG, then exit",
        description="Render the window offscreen (no display needed) and save it as a PNG.",
    )
    shot.add_argument("out", metavar="OUT.png", help="where to write the image")
    shot.add_argument(
        "--size",
        metavar="WxH",
        type=parse_size,
        help="window size (default 820x580, compact 340x380)",
    )
    layouts = shot.add_mutually_exclusive_group()
    layouts.add_argument("--compact", action="store_true", help="the compact layout")
    layouts.add_argument("--full", action="store_true", help="the full layout, at any size")
    shot.add_argument(
        "--tab",
        choices=("live", "usage"),
        default="live",
        help="the page to show in the full layout (default: live)",
    )
    shot.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        help="colours to render with (default: as the app starts, following the system)",
    )
    shot.add_argument(
        "--check-layout",
        action="store_true",
        help=(
            "also print a JSON report of clipped texts, overlapping and offscreen widgets "
            "(exit status 1 when there are any)"
        ),
    )
    _add_homes_option(shot)
    preview = commands.add_parser(
        "preview",
        help="print the Discord card friends would see, without connecting",
        description="Print the Discord Rich Presence card for the current session.",
    )
    preview.add_argument("--json", action="store_true", help="print the activity as JSON")
    _add_homes_option(preview)
    check = commands.add_parser(
        "discord-check",
        help="send the current card to Discord, wait for its answer, clear it, and report",
        description=(
            "Connect to the local Discord client, send the current card, wait for Discord's "
            "acknowledgement, clear it again and report. Exit codes: 0 success, 2 no Codex home, "
            "3 Discord not running, 4 client id rejected, 5 card rejected, 6 other failure."
        ),
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_homes_option(check)
    _add_homes_option(add_report_command(commands))
    return parser


def _add_homes_option(command: argparse.ArgumentParser) -> None:
    """``--codex-home DIR ...`` after a command, as well as before it."""
    command.add_argument(
        "--codex-home",
        dest="command_homes",
        metavar="DIR",
        nargs="+",
        action="extend",
        default=[],
        help="Codex home(s) to read",
    )


def parse_size(text: str) -> tuple[int, int]:
    """``760x560`` to ``(760, 560)``."""
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 760x560, not {text!r}") from None
    if not (200 <= size[0] <= 4000 and 150 <= size[1] <= 4000):
        raise argparse.ArgumentTypeError("size must be between 200x150 and 4000x4000")
    return size


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
    homes = resolve_codex_homes([*args.codex_homes, *args.command_homes])
    # The reader records each file's history as it goes, so that no file is read twice.
    reader = CodexReader(
        homes, max_age=None if args.all else RECENT_FILE_SECONDS, record_days=HISTORY_DAYS
    )
    result = reader.refresh()
    if len(result.missing_homes) == len(homes):
        where = ", ".join(str(home) for home in homes)
        print(
            f"No Codex home found (looked in {where}). Run Codex once, set CODEX_HOME, "
            "or pass --codex-home DIR.",
            file=sys.stderr,
        )
        return EXIT_NO_HOME
    found = reader.discovery
    history = HistoryReader().refresh(
        found.files if found is not None else (),
        since=history_since(result),
        shared=reader.recorded(),
    )
    try:
        if args.json:
            report = build_report(result, include_all=args.all, history=history, lazy=True)
            # Sessions are put into words as they are written: a value the report cannot
            # compute with can show up then too.
            if not write_report_json(report, sys.stdout.buffer):
                return EXIT_FAILED
            sys.stdout.flush()
        else:
            sys.stdout.write(render_text(result, include_all=args.all, history=history) + "\n")
    except (ArithmeticError, ValueError) as error:
        # A number the reader let through that the report cannot compute with (the reader
        # validates values; this is the output layer's own guard): one line, no traceback.
        print(
            f"status: a value in the Codex logs is out of range and the report could not be "
            f"made ({type(error).__name__}: {error}). Run with -v for details.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


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


def _configure_logging(verbosity: int) -> None:
    import logging  # not at the top: headless commands that log nothing skip its import

    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _dispatch(argv: Sequence[str] | None) -> tuple[int, bool]:
    """Run the command line; return the exit status and whether it was a headless command."""
    args = build_parser().parse_args(argv)
    if args.verbose or args.command is None:
        _configure_logging(args.verbose)
    if args.command == "status":
        return run_status(args), True
    if args.command == "report":
        return run_report(args, [*args.codex_homes, *args.command_homes]), True
    if args.command in ("preview", "discord-check"):
        from codex_presence_gui import discord_commands

        run = discord_commands.run_preview if args.command == "preview" else None
        run = run or discord_commands.run_discord_check
        return run(args), True
    # Only the window needs Qt: import it here so headless commands start fast.
    from codex_presence_gui import app

    if args.command == "screenshot":
        return app.render_screenshot(args), True
    if not args.startup_check:
        release_console()
    return app.run_app(args), False


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``codex-presence-gui`` with ``argv`` (default: the process's) and return its status."""
    return _dispatch(argv)[0]


_console_attached = False


def ensure_stdio() -> None:
    """Give a windowed build somewhere to print.

    The Windows app is built without a console, so Python starts with no stdout or stderr.
    Started from a terminal (``codex-presence-gui.exe status``), it borrows that console so the
    output is seen (``codex-presence-gui-cli.exe`` is the proper console twin); started by a
    double-click, output goes nowhere instead of failing.
    """
    global _console_attached
    if sys.stdout is not None and sys.stderr is not None:
        return
    target = os.devnull
    if sys.platform == "win32":
        import ctypes

        attach_parent_process = -1
        if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            target = "CONOUT$"
            _console_attached = True
    # Left open for the life of the process, as the standard streams are.
    if sys.stdout is None:
        sys.stdout = open(target, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(target, "w", encoding="utf-8", errors="replace")  # noqa: SIM115


def release_console() -> None:
    """Let go of a borrowed console before the window opens: closing that terminal (or Ctrl+C
    in it) must not kill the app without its orderly shutdown."""
    global _console_attached
    if not _console_attached:
        return
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.kernel32.FreeConsole()
    _console_attached = False
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def entry() -> None:
    """Console entry point (``codex-presence-gui``, ``python -m codex_presence_gui``, the app).

    After a headless command has flushed its output the process ends at once: tearing the
    interpreter down (freeing every parsed object) would only add to the command's run time.
    """
    ensure_stdio()
    try:
        code, headless = _dispatch(None)
        if headless:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`status | head`): stop quietly, as command-line tools do.
        os._exit(1)
    if headless:
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
