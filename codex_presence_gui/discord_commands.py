"""The ``preview`` and ``discord-check`` commands: what friends would see, and a real round trip.

NOTE: Qt-free, so that both start fast and run where no display exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from codex_presence_gui import paths
from codex_presence_gui.core.dashboard import Dashboard, build_dashboard
from codex_presence_gui.core.discovery import (
    capped_homes,
    no_home_message,
    resolve_codex_homes,
)
from codex_presence_gui.core.presence import (
    PresenceCard,
    PresenceSettings,
    card_note,
    compose_card,
    preview_lines,
    resolve_client_id,
)
from codex_presence_gui.core.problems import homes_cap_text, warning_line
from codex_presence_gui.core.sanitize import clean_text, terminal_safe_json
from codex_presence_gui.core.settings import (
    SETTINGS_FILE,
    LoadResult,
    Settings,
    defaults_message,
    peek_settings,
)

EXIT_OK = 0
EXIT_NO_HOME = 2
EXIT_NOT_RUNNING = 3
EXIT_INVALID_ID = 4
EXIT_REJECTED = 5
EXIT_FAILED = 6


def _read(args: argparse.Namespace) -> tuple[Dashboard, Settings, list[str]] | None:
    """The dashboard of the Codex homes and the settings, as the window has them, with the
    warnings to say after the output; None (said) when no home is there.

    The homes are chosen as for ``status`` and ``report``: the command line's, else the
    folders chosen in Settings → General (and why they cannot be used, when the file names
    some it cannot give), else ``$CODEX_HOME`` or ``~/.codex``."""
    given = [*args.codex_homes, *args.command_homes]
    chosen, unusable = paths.settings_homes() if not given else ([], None)
    homes = resolve_codex_homes(given, chosen)
    # Read as ``status`` reads, the limits' history too: the card must not show a late
    # reading of a window reset early, which the window, the tray and ``status`` do not.
    from codex_presence_gui.core.jsondecode import import_orjson

    import_orjson()  # before status_command imports it: Ctrl+C held back (as for status)
    from codex_presence_gui.status_command import read_with_history

    result, history = read_with_history(homes)
    board = build_dashboard(result, history=history)
    if board.no_home:
        print(no_home_message(result.homes, from_settings=bool(chosen)), file=sys.stderr)
        if unusable is not None:  # why the folders chosen in Settings were not looked in
            print(warning_line(unusable), file=sys.stderr)
        return None
    path = paths.config_dir() / SETTINGS_FILE
    loaded = peek_settings(path)
    said = _settings_message(loaded, path, homes_said=unusable is not None)
    # It names the file, in a folder whose name may hold anything.
    warnings = [warning_line(clean_text(said))] if said is not None else []
    if unusable is not None:
        warnings.append(warning_line(unusable))
    not_read = capped_homes(homes)[1]
    if not_read:
        warnings.append(warning_line(homes_cap_text(left_out=not_read)))
    return board, loaded.settings, warnings


def _settings_message(loaded: LoadResult, path: Path, *, homes_said: bool) -> str | None:
    """What to say of the settings file beside the warning about its Codex folders, when
    there is one (``homes_said``): not the same fault twice."""
    if not homes_said:
        return loaded.message
    if not loaded.problems:
        return None  # the file as a whole cannot be used: the folders' warning says why
    return defaults_message(path, [p for p in loaded.problems if not p.startswith("codex_homes:")])


def settings_from(args: argparse.Namespace, settings: Settings) -> PresenceSettings:
    """The card settings the app would use (``settings``, read from its file: private mode,
    the fields shown, project rules, idle clear, a pause), made private by ``--private``.
    Both commands show or send exactly what the app would, so a project the rules hide is
    hidden here too."""
    presence = settings.presence()
    if getattr(args, "private", False):
        presence = replace(presence, privacy_mode=True)
    # The card itself, not whether the app may publish: these commands are asked for.
    return replace(presence, enabled=True)


def current_card(board: Dashboard, settings: PresenceSettings) -> PresenceCard | None:
    """The card for the dashboard's active session and the account's limits."""
    return compose_card(board.active, board.limits, settings, board.generated_at)


def run_preview(args: argparse.Namespace) -> int:
    """Print the card friends would see now, without connecting to Discord."""
    read = _read(args)
    if read is None:
        return EXIT_NO_HOME
    board, stored, warnings = read
    settings = settings_from(args, stored)
    card = current_card(board, settings)
    note = card_note(board.active, settings, board.generated_at)
    client_id, warning = resolve_client_id(configured=stored.discord_client_id)
    if args.json:
        document = {
            "client_id": client_id,
            "activity": card.to_activity() if card is not None else None,
            "lines": preview_lines(card, note),
            "session_id": board.active.session_id if board.active else None,
            "note": note,
        }
        print(_json_text(document))
    else:
        print("Friends on Discord would see:")
        for line in preview_lines(card, note):
            print(f"  {line}")
    _warn([*warnings, *([warning] if warning else [])])
    return EXIT_OK


def run_discord_check(args: argparse.Namespace) -> int:
    """Connect to Discord, send the current card, read the answer, clear, and report."""
    from codex_presence_gui.services.discord_client import (
        ActivityNotShownError,
        ActivityRejectedError,
        DiscordIPCError,
        DiscordNotRunningError,
        InvalidClientIdError,
        PypresenceClient,
    )

    read = _read(args)
    if read is None:
        return EXIT_NO_HOME
    board, stored, warnings = read
    settings = settings_from(args, stored)
    card = current_card(board, settings)
    client_id, warning = resolve_client_id(configured=stored.discord_client_id)
    report: dict[str, Any] = {
        "client_id": client_id,
        "socket": None,  # the one used
        "tried": [],  # every socket tried, in order, with what came of it
        "user": None,
        "sent": card.to_activity() if card is not None else None,
        # Why the card is cleared or changed (a pause, a rule), as ``preview`` says it.
        "note": card_note(board.active, settings, board.generated_at),
        "reply": None,
        "cleared": False,
        "ok": False,
        "error": None,
    }
    client = PypresenceClient(client_id)
    code = EXIT_OK
    step = "show the card"  # what Discord is asked to do, for an error that may pass
    try:
        client.connect()
        report["socket"] = client.ipc_path
        report["user"] = _user_name(client.ready)
        if card is not None:
            reply = client.update(card)
            report["reply"] = reply.get("data")
        step = "take the card away"
        client.clear()
        report["cleared"] = True
        report["ok"] = True
    except DiscordNotRunningError:
        code, report["error"] = EXIT_NOT_RUNNING, "Discord is not running"
    except InvalidClientIdError:
        code, report["error"] = EXIT_INVALID_ID, f"Discord rejected the application id {client_id}"
    except ActivityRejectedError as error:
        code, report["error"] = EXIT_REJECTED, f"Discord rejected the card: {error}"
    except ActivityNotShownError as error:
        # Not a refusal of the card: the same card may be shown on another try.
        code = EXIT_FAILED
        report["error"] = f"Discord did not {step} this time ({error}); try again"
    except DiscordIPCError as error:
        code, report["error"] = EXIT_FAILED, f"Talking to Discord failed: {error}"
    finally:
        client.close()
        report["tried"] = [{"socket": t.path, "outcome": t.outcome} for t in client.tried]
    if args.json:
        print(_json_text(report))
    else:
        _print_check(report, card)
    _warn([*warnings, *([warning] if warning else [])])
    return code


def _user_name(ready: dict[str, Any] | None) -> object:
    """The user Discord's READY names (None if none): any part of it may be missing or of
    another type from a compatible client (a READY whose ``data`` is null had ended the
    check in a traceback, before the card was sent)."""
    data = (ready or {}).get("data")
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user, dict):
        return None
    return user.get("global_name") or user.get("username")


def _warn(warnings: list[str]) -> None:
    """Say the warnings after the output, where they are read (as ``status`` does)."""
    if warnings:
        sys.stdout.flush()
    for warning in warnings:
        print(warning, file=sys.stderr)


def _json_text(document: dict[str, Any]) -> str:
    """JSON for the terminal: values exact (a session id is printed as the log has it), but
    characters a terminal could act on are written as escapes."""
    return terminal_safe_json(json.dumps(document, ensure_ascii=False, indent=2))


def _print_check(report: dict[str, Any], card: PresenceCard | None) -> None:
    skipped = [t for t in report["tried"] if t["socket"] != report["socket"]]
    if not report["ok"]:
        print(report["error"] + ".", file=sys.stderr)
        for tried in skipped:
            print(f"  {tried['socket']}: {tried['outcome']}", file=sys.stderr)
        return
    # The user name comes from Discord: shown, but never as terminal controls.
    who = f" as {clean_text(str(report['user']))}" if report["user"] else ""
    print(f"Connected to Discord at {report['socket']}{who} (application {report['client_id']}).")
    for tried in skipped:
        print(f"  (skipped {tried['socket']}: {tried['outcome']})")
    note = clean_text(report["note"]) if report["note"] else None
    if card is None:
        # A pause or a rule says why: "nothing to show" alone, with success, had left a
        # paused user looking for a fault elsewhere.
        print(
            f"Nothing to show right now ({note}); sent a clear."
            if note
            else "Nothing to show right now; sent a clear."
        )
    else:
        print("Sent:")
        for line in preview_lines(card, note):
            print(f"  {line}")
        reply = report["reply"] or {}
        name = reply.get("name") if isinstance(reply, dict) else None
        # No name (arRPC's answer for an application it does not know) is not said as ''.
        named = isinstance(name, str) and bool(name.strip())
        shown = f" and shows it under {clean_text(repr(name))}." if named else "."
        print("Discord accepted it" + shown)
    print("Cleared the card again.")
