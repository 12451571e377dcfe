"""Command line: parse arguments without Qt, run headless commands, or start the window."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping, Sequence
from types import SimpleNamespace

from codex_presence_gui import APP_NAME, __version__
from codex_presence_gui.paths import NoHomeError

TYPE_CHECKING = False  # typing (and re) are not imported: see core.records
if TYPE_CHECKING:
    import argparse
    from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_HOME = 2
EXIT_FAILED = 1


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, which argparse asks for each argument added,
    without importing shutil (2 ms of a command's start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _parser_type() -> type[argparse.ArgumentParser]:
    """An ``ArgumentParser`` whose help is as wide as argparse makes it (the terminal's width
    less 2), as its commands' parsers are. Made when first asked for: a plain report command
    line is read without importing argparse (see ``_plain_report``)."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        def __init__(
            self,
            prog: str,
            indent_increment: int = 2,
            max_help_position: int = 24,
            width: int | None = None,
            **kwargs: Any,
        ) -> None:
            width = terminal_columns() - 2 if width is None else width
            super().__init__(prog, indent_increment, max_help_position, width, **kwargs)

    class Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", Formatter)
            super().__init__(*args, **kwargs)

    return Parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``codex-presence-gui``."""
    from codex_presence_gui.usage_commands import add_report_command

    parser = _parser_type()(
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
        type=codex_home_text,
        action="append",
        default=[],
        help=(
            "a Codex folder to read (repeatable; default: the folders chosen in Settings, "
            "else $CODEX_HOME or ~/.codex)"
        ),
    )
    parser.add_argument(
        "--base-dir",
        metavar="DIR",
        type=base_dir_text,
        help=(
            "keep settings, state, logs and cache in DIR, as CODEX_PRESENCE_BASE_DIR does "
            "(for a portable copy; before a command)"
        ),
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
        help='Discord shows only "Using Codex · In a coding session", nothing about the work',
    )
    parser.add_argument(
        "--startup-check",
        action="store_true",
        help=(
            "open the window, wait until it has painted and read the logs, print the times "
            "as JSON and quit (exit status 1 if either did not happen within 30s)"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    status = commands.add_parser(
        "status",
        help="print the limits and sessions the window would show, then exit",
        description="Print the account's remaining limits and the Codex sessions, then exit.",
    )
    status.add_argument("--json", action="store_true", help="print one JSON object (schema 2)")
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
        "--usage-days",
        type=int,
        # ``core.usage_recent.PERIOD_DAYS`` and ``RECENT_DAYS``, written out: importing it
        # (the index, SQLite) would slow every command's start.
        choices=(7, 30, 90),
        default=30,
        metavar="N",
        help=(
            "the Usage page's period: the last 7, 30 or 90 days (default: 30; the window "
            "keeps the one last chosen)"
        ),
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
            "also print a JSON report of clipped texts, overlapping and offscreen widgets, "
            "and pages that scroll by a sliver (exit status 1 when there are any)"
        ),
    )
    _add_homes_option(shot)
    preview = commands.add_parser(
        "preview",
        help="print the Discord card friends would see, without connecting",
        description=(
            "Print the Discord Rich Presence card for the current session, as the window "
            "would publish it with your settings (private mode, the fields shown, project "
            "rules, a pause, the application id), even while Discord status is off there."
        ),
    )
    preview.add_argument("--json", action="store_true", help="print the activity as JSON")
    _add_homes_option(preview)
    check = commands.add_parser(
        "discord-check",
        help="send the current card to Discord, wait for its answer, clear it, and report",
        description=(
            "Connect to the local Discord client, send the current card (as preview shows "
            "it, with your settings), wait for Discord's acknowledgement, clear it again and "
            "report. Exit codes: 0 success, 2 no Codex folder, "
            "3 Discord not running, 4 application id rejected, 5 card rejected, 6 other failure."
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
        type=codex_home_text,
        nargs="+",
        action="extend",
        default=[],
        help=(
            "Codex folder(s) to read (default: the folders chosen in Settings, "
            "else $CODEX_HOME or ~/.codex)"
        ),
    )


def codex_home_text(text: str) -> str:
    """A ``--codex-home`` value, without the spaces around it (as ``CODEX_HOME``'s and the
    base folder's: see ``base_dir_text``); an empty one (``--codex-home "$UNSET"``) is
    refused, not read as the current folder."""
    if not text.strip():
        import argparse

        raise argparse.ArgumentTypeError("needs a folder, not an empty text")
    return text.strip()


def base_dir_text(text: str) -> str:
    """A ``--base-dir`` value: without the spaces around it, and made absolute (an entry that
    starts the app at log-in passes it on, from another current folder); an empty one is
    refused, not read as this folder, and so is ``~name`` of no known user (as
    ``CODEX_PRESENCE_BASE_DIR``'s: not made a folder called ``~name`` here)."""
    # Stripped as the variable is (and CODEX_HOME): a folder whose name begins or ends with
    # a space is legal but almost always a paste accident, and " /data " kept would make a
    # folder called " " here, relative, for settings, logs and the cache.
    text = text.strip()
    if not text:
        import argparse

        raise argparse.ArgumentTypeError("needs a folder, not an empty text")
    expanded = _expanded_home(text)
    if expanded is None:
        import argparse

        raise argparse.ArgumentTypeError(_NO_HOME.format(text=text))
    return os.path.abspath(expanded)


#: Said of a base folder whose ``~`` cannot be expanded.
_NO_HOME = "{text} cannot be a folder here: no such user's home to expand ~ with"


def _expanded_home(text: str) -> str | None:
    """``text`` with a leading ``~`` or ``~name`` expanded as ``paths`` does (None when there
    is no such home); other text as it is."""
    if not text.startswith("~"):
        return text
    from pathlib import Path

    try:
        return str(Path(text).expanduser())
    except RuntimeError:
        return None


def _base_dir_variable_problem() -> str | None:
    """Why ``CODEX_PRESENCE_BASE_DIR`` cannot be used (said before anything reads it, which
    had ended in a traceback), or None."""
    from codex_presence_gui.paths import BASE_DIR_ENV

    value = os.environ.get(BASE_DIR_ENV, "").strip()
    if _expanded_home(value) is not None:
        return None
    from codex_presence_gui.core.sanitize import clean_text

    return clean_text(f"{BASE_DIR_ENV}: {_NO_HOME.format(text=value)}")


def parse_size(text: str) -> tuple[int, int]:
    """``760x560`` to ``(760, 560)``."""
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"size must look like 760x560, not {text!r}") from None
    if not (200 <= size[0] <= 4000 and 150 <= size[1] <= 4000):
        import argparse

        raise argparse.ArgumentTypeError("size must be between 200x150 and 4000x4000")
    return size


def _configure_logging(verbosity: int) -> None:
    import logging  # not at the top: headless commands that log nothing skip its import

    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _plain_report(argv: Sequence[str]) -> SimpleNamespace | None:
    """What argparse makes of a ``report`` command line with ``--codex-home DIR`` before the
    command and the report's own options after it, each spelled out in full
    (``usage_commands.read_report_options``); None for any other command line, which argparse
    reads. Importing argparse (and the re it imports) and building its parser take longer
    than a repeat report's own work; a test compares the two readings."""
    homes: list[str] = []
    index = 0
    while index < len(argv) and argv[index] == "--codex-home":
        if index + 1 == len(argv) or argv[index + 1].startswith("-"):
            return None
        if not argv[index + 1].strip():
            return None  # argparse says what is wrong with an empty folder
        homes.append(argv[index + 1].strip())  # as codex_home_text
        index += 2
    if index == len(argv) or argv[index] != "report":
        return None
    from codex_presence_gui.usage_commands import read_report_options

    options = read_report_options(argv[index + 1 :])
    if options is None:
        return None
    return SimpleNamespace(
        codex_homes=homes,
        base_dir=None,
        verbose=0,
        no_discord=False,
        minimized=False,
        replace=False,
        private=False,
        startup_check=False,
        command="report",
        **options,
    )


#: The app's options (before a command) that take the next word as their value.
_OPTIONS_WITH_A_VALUE = frozenset({"--codex-home", "--base-dir"})


def offsets_joined(argv: list[str]) -> list[str]:
    """``--timezone -08:00`` as ``--timezone=-08:00``: argparse takes a value that starts with
    "-" (and is not a plain negative number) for an option, and had said "expected one
    argument"."""
    if "--timezone" not in argv:
        return argv
    joined: list[str] = []
    at = 0
    while at < len(argv):
        token = argv[at]
        if token == "--":
            return [*joined, *argv[at:]]  # (the rest is not options)
        value = argv[at + 1] if at + 1 < len(argv) else ""
        if token == "--timezone" and value[:1] == "-" and value[1:2].isdigit():
            joined.append(f"--timezone={value}")
            at += 2
            continue
        joined.append(token)
        at += 1
    return joined


def _command_at(argv: list[str]) -> int:
    """Where the command is: the first word that is neither an option nor a folder's name
    after ``--codex-home`` or ``--base-dir`` (a folder may be called "report")."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        at += 2 if argv[at] in _OPTIONS_WITH_A_VALUE else 1
    return at


#: The ``screenshot`` options that take one value (``--codex-home`` takes many).
_SCREENSHOT_VALUES = frozenset({"--size", "--tab", "--usage-days", "--theme"})


def out_first(argv: list[str]) -> list[str]:
    """``screenshot --codex-home DIR OUT.png`` as ``screenshot OUT.png --codex-home DIR``: the
    picture's name had been read as one more folder, and OUT.png found missing. Only when no
    other word is there for OUT.png and the folders' last value ends in ``.png``, is no
    folder, and leaves its ``--codex-home`` a folder (alone, argparse says what is missing)."""
    if "screenshot" not in argv:
        return argv
    at = _command_at(argv)
    if at >= len(argv) or argv[at] != "screenshot":
        return argv
    in_homes = False
    last_home = None
    index = at + 1
    while index < len(argv):
        token = argv[index]
        if token == "--":
            return argv  # what follows is OUT.png, as argparse reads it
        if token.startswith("-"):
            in_homes = token == "--codex-home"
            index += 2 if token in _SCREENSHOT_VALUES else 1
            continue
        if not in_homes:
            return argv  # OUT.png is there
        # The folders' last value, when one comes before it in the same run.
        last_home = index if argv[index - 1] != "--codex-home" else None
        index += 1
    if last_home is None or not argv[last_home].lower().endswith(".png"):
        return argv
    if os.path.isdir(argv[last_home]):
        return argv  # a folder called so: argparse says OUT.png is missing
    return [*argv[: at + 1], argv[last_home], *argv[at + 1 : last_home], *argv[last_home + 1 :]]


def kind_first(argv: list[str]) -> list[str]:
    """``report --codex-home DIR daily`` as ``report daily --codex-home DIR``: the homes after
    a command take every value up to the next option, so a kind written after them would be
    read as one more folder (and the kind found missing). Only when no kind follows
    ``report`` and the token is a kind within the folders' values; anything else as given."""
    if "report" not in argv:
        return argv
    at = _command_at(argv)
    if at >= len(argv) or argv[at] != "report":
        return argv
    from codex_presence_gui.core.zones import REPORT_KINDS

    if at + 1 >= len(argv) or argv[at + 1] in REPORT_KINDS:
        return argv
    in_homes = False
    for index in range(at + 1, len(argv)):
        token = argv[index]
        if token.startswith("-"):
            in_homes = token == "--codex-home"
        elif in_homes and token in REPORT_KINDS:
            return [*argv[: at + 1], token, *argv[at + 1 : index], *argv[index + 1 :]]
    return argv


#: Usage is summed by quarter hour of UTC: a local day must start on one.
_QUARTER_HOUR_SECONDS = 15 * 60


def _local_time_problem(quarter_hours: bool = True) -> str | None:
    """Why local time cannot be used, in words; None when it can. ``quarter_hours``: its
    offsets (standard and summer time) must be whole quarter hours too."""
    import time
    from datetime import datetime

    try:
        now = datetime.now().astimezone().utcoffset()
    except (ValueError, OverflowError, OSError) as error:
        # In words: Python's own ("offset must be a timedelta strictly between
        # -timedelta(hours=24) and …") ran on in one long line.
        return "it is 24 hours or more from UTC" if isinstance(error, ValueError) else str(error)
    if not quarter_hours:
        return None
    # Now's offset, and the rule's for the other season (a TZ rule off the quarter hours in
    # summer alone had passed in winter).
    offsets = [now.total_seconds() if now is not None else 0, -time.timezone]
    offsets += [-time.altzone] if time.daylight else []
    for offset in offsets:
        if offset % _QUARTER_HOUR_SECONDS:
            # As --timezone +00:07 is refused: days would cut the index's quarter hours in
            # two, and a day's report would disagree with a session's times (no zone in use
            # is so).
            seconds = int(abs(offset))
            shown = f"{'-' if offset < 0 else '+'}{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
            if seconds % 60:
                shown += f":{seconds % 60:02d}"
            return f"its offset from UTC, {shown}, is not a whole number of quarter hours"
    return None


def _usable_local_time(quarter_hours: bool = True) -> None:
    """A ``TZ`` whose offset Python cannot hold (24 hours or more), or that is not a whole
    number of quarter hours (not asked when ``--timezone`` chooses the days' zone), would
    fail every local time later, deep in a command or the window, or cut usage days off
    their quarter hours: say so once and count in UTC."""
    why = _local_time_problem(quarter_hours)
    if why is not None:
        from codex_presence_gui.core.wrapping import wrapped

        # Wrapped as the other warnings are.
        setting = os.environ.get("TZ")
        named = f"TZ={setting[:64]!r}" if setting is not None else "of this system"
        text = f"warning: the time zone {named} cannot be used ({why}); times are shown in UTC"
        print("\n".join(wrapped(text, terminal_columns(), after="  ")), file=sys.stderr)
        os.environ["TZ"] = "UTC"
        import time

        if hasattr(time, "tzset"):
            time.tzset()


def no_display_problem(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Why the window cannot open here: on Linux and the BSDs, no display to open it on
    (a text console, an SSH session without X forwarding); None where it can, or may.
    Qt had aborted the process there (status 134), blaming a missing xcb-cursor library and
    suggesting a reinstall."""
    if platform in ("win32", "darwin", "cygwin"):
        return None
    env = os.environ if environ is None else environ
    # WAYLAND_SOCKET: a compositor that started the app handed it a connection already open.
    displays = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "QT_QPA_PLATFORM")
    if any(env.get(name, "").strip() for name in displays):
        return None  # a display, or a platform chosen (offscreen, vnc, eglfs, …)
    if env.get("XDG_SESSION_TYPE", "") in ("wayland", "x11"):
        return None  # a desktop session: Qt finds its display by the usual name
    return (
        "there is no graphical display to open the window on (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set: a text console, or SSH without X forwarding). Start it in "
        "your desktop session; the commands (status, report, preview) work here."
    )


def _command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parsers of ``parser``'s commands, by name."""
    import argparse  # already imported by build_parser

    for action in parser._actions:  # argparse keeps its sub-parsers in an action of its own
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _dispatch(argv: Sequence[str] | None) -> tuple[int, bool]:
    """Run the command line; return the exit status and whether it was a headless command."""
    argv = out_first(kind_first(offsets_joined(sys.argv[1:] if argv is None else list(argv))))
    chosen_zone = any(token.startswith("--timezone") for token in argv)
    _usable_local_time(quarter_hours=not chosen_zone)
    plain = _plain_report(argv)
    if plain is not None:
        problem = _base_dir_variable_problem()
        if problem is not None:
            print(f"codex-presence-gui: error: {problem}", file=sys.stderr)
            return EXIT_USAGE, True
        from codex_presence_gui.usage_commands import run_report

        return run_report(plain, [*plain.codex_homes, *plain.command_homes]), True
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        # Said by the command's own parser, with its own usage (argparse says it with the
        # app's: `report daily --bogus` had printed the window's options).
        chosen = _command_parsers(parser).get(args.command or "", parser)
        chosen.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.base_dir is not None:
        # Set for this process as the variable would be, so that whatever it starts (the
        # report's worker processes) keeps to the same folder.
        from codex_presence_gui.paths import BASE_DIR_ENV

        os.environ[BASE_DIR_ENV] = args.base_dir
    else:
        problem = _base_dir_variable_problem()
        if problem is not None:
            parser.error(problem)
    if args.verbose or args.command is None:
        _configure_logging(args.verbose)
    # Each headless command imports only what it needs: they must start fast.
    if args.command == "status":
        from codex_presence_gui.core.jsondecode import import_orjson

        import_orjson()  # before status_command imports it: Ctrl+C held back (see there)
        from codex_presence_gui.status_command import run_status

        return run_status(args), True
    if args.command == "report":
        from codex_presence_gui.usage_commands import run_report

        return run_report(args, [*args.codex_homes, *args.command_homes]), True
    if args.command in ("preview", "discord-check"):
        from codex_presence_gui import discord_commands

        run = discord_commands.run_preview if args.command == "preview" else None
        run = run or discord_commands.run_discord_check
        return run(args), True
    if args.command is None:
        problem = no_display_problem()
        if problem is not None:
            print(f"codex-presence-gui: {problem}", file=sys.stderr)
            return EXIT_FAILED, True
        _end_at_once_on_exit_signals()
    # Only the window needs Qt: import it here so headless commands start fast.
    from codex_presence_gui import app

    if args.command == "screenshot":
        return app.render_screenshot(args), True
    if not args.startup_check:
        release_console()
    return app.run_app(args), False


#: The exit codes the window's quit gives the signals that end it (``services.signals``): 128 +
#: SIGINT after Ctrl+C, as shells expect; 0 for a polite request.
_WINDOW_SIGNAL_CODES = {"SIGINT": 130, "SIGTERM": 0, "SIGHUP": 0, "SIGBREAK": 0}


def _end_at_once_on_exit_signals() -> None:
    """Until the window watches them itself (``ExitSignals``, installed before it holds
    anything: the instance lock, the settings, Discord), SIGINT, SIGTERM and SIGHUP end the
    process at once, with the code the window's quit gives them.

    Python's own Ctrl+C raises ``KeyboardInterrupt`` wherever the main thread is; in Python
    code that PySide6 runs from C++ while Qt is imported (its enums), it was swallowed, and
    the window opened and ran on. SIGTERM and SIGHUP killed the process without that code.
    """
    import signal

    def end(number: int, _frame: object) -> None:
        os._exit(codes.get(number, 0))

    codes: dict[int, int] = {}
    for name, code in _WINDOW_SIGNAL_CODES.items():
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            signal.signal(number, end)
        except (ValueError, OSError):  # not the main thread; not catchable
            continue
        codes[int(number)] = code


def _say_before_exit(text: str) -> None:
    """Write ``text`` to stderr just before the process ends; a stderr that cannot be written
    (closed, full) is let go, the exit status says the rest."""
    try:
        print(text, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


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


def buffer_output() -> None:
    """Standard output through a buffer, also with ``PYTHONUNBUFFERED`` (``python -u``, common
    in containers), line by line as unbuffered output is seen. Unbuffered, Python writes the
    text straight to the file, and a write the system takes only in part (a disk filling up,
    a file size limit) loses the rest without an error: a report cut short had ended in
    success. A buffer writes the rest, and meets the error."""
    import io

    stream = sys.stdout
    raw = getattr(stream, "buffer", None)
    if type(raw) is not io.FileIO:  # buffered already; a Windows console; a test's capture
        return
    assert stream is not None
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(raw.fileno(), "w", closefd=False)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=True,
    )


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


#: The encoding error handler of the standard streams (see ``plain_symbols``).
_PLAIN_ERRORS = "codex_presence_plain"

#: One ASCII character for each symbol the text output uses: "?" for all of them made a
#: table's rules "??????" and a limit's bar "[????????????????????]", which says nothing.
#: One for one, so that columns and bars keep their widths.
_PLAIN_SYMBOLS = {
    "\u2500": "-",  # ─ a table's rule
    "\u2588": "#",  # █ the used part of a bar
    "\u2591": ".",  # ░ the part left
    "\u00b7": "-",  # · between items
    "\u2248": "~",  # ≈ an estimate
    "\u2026": "~",  # … a shortened name
    "\u2014": "-",  # —
    "\u2013": "-",  # –
    "\u2192": ">",  # →
    "\u25b6": ">",  # ▶ the session the card shows
    "\u25b2": "^",  # ▲
    "\u26a0": "!",  # ⚠
    "\u2715": "x",  # ✕
    "\u00a0": " ",  # no-break space
}


def plain_symbols(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: each character the output's encoding cannot show becomes its
    plain stand-in (``_PLAIN_SYMBOLS``), or "?" as with ``errors="replace"``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    unshown = error.object[error.start : error.end]
    return "".join(_PLAIN_SYMBOLS.get(character, "?") for character in unshown), error.end


def entry() -> None:
    """Console entry point (``codex-presence-gui``, ``python -m codex_presence_gui``, the app).

    After a headless command has flushed its output the process ends at once: tearing the
    interpreter down (freeing every parsed object) would only add to the command's run time.
    """
    if getattr(sys, "frozen", False):
        # The packaged app starts its own executable for ``report``'s worker processes on
        # Windows and macOS: those children must run the worker, not the app.
        import multiprocessing

        multiprocessing.freeze_support()
    closed = sys.stdout is None and sys.platform != "win32"  # `status >&-`
    ensure_stdio()
    import codecs

    codecs.register_error(_PLAIN_ERRORS, plain_symbols)
    for stream in (sys.stdout, sys.stderr):
        # A terminal or file that is not UTF-8 (PYTHONIOENCODING=ascii, a cp1252 console)
        # gets a plain stand-in for what it cannot show, not a failed command.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=_PLAIN_ERRORS)
    buffer_output()
    try:
        try:
            code, headless = _dispatch(None)
        except SystemExit:
            # argparse's --help, --version and usage errors: their text is flushed here,
            # where a failed write (`--help > /dev/full`) is said as any output's is, not at
            # the interpreter's exit ("Exception ignored", status 120).
            sys.stdout.flush()
            raise
        if headless:
            if closed and code == EXIT_OK:
                # Its output went nowhere: not a success. (A failure keeps its own status.)
                raise OSError(errno.EBADF, "standard output is closed")
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`status | head`): stop quietly, as command-line tools do.
        os._exit(1)
    except NoHomeError as error:
        # Asked of every folder the app keeps (and of ~/.codex): said in words, not as
        # platformdirs' traceback.
        _say_before_exit(f"codex-presence-gui: error: {error}")
        os._exit(EXIT_USAGE)
    except KeyboardInterrupt:
        # Ctrl+C during a headless command: what was written stays valid (the usage index
        # commits whole updates only), so end quietly with the usual status.
        os._exit(130)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        # A full disk (`> /dev/full`), a closed output: said, not a traceback.
        _say_before_exit(f"codex-presence-gui: cannot write the output: {error.strerror}")
        os._exit(1)
    if headless:
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


#: Errors of writing the output (not of reading logs, which commands report themselves);
#: EAGAIN: a pipe another program left non-blocking, full (its reader slower than the report).
_OUTPUT_ERRORS = {
    getattr(errno, name, None)
    for name in ("ENOSPC", "EBADF", "EIO", "EDQUOT", "EFBIG", "EAGAIN", "EWOULDBLOCK")
} - {None}
