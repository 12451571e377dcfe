"""The command line's help is as wide as argparse's own, which asks shutil for the width."""

from __future__ import annotations

import argparse
import shutil

import pytest

from codex_presence_gui.cli import build_parser, terminal_columns
from codex_presence_gui.core.presence import PRIVATE_DETAILS, PRIVATE_STATE


@pytest.mark.parametrize("columns", [None, "", "0", "-3", "abc", "57", "203"])
def test_the_width_is_shutils(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("LINES", raising=False)
    assert terminal_columns() == shutil.get_terminal_size().columns


@pytest.mark.parametrize("command", [[], ["status"], ["screenshot"], ["report"]])
@pytest.mark.parametrize("columns", ["40", "120"])
def test_help_as_argparse_writes_it(
    command: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    if command:
        subcommands = next(
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        )
        parser = subcommands.choices[command[0]]
    ours = parser.format_help()
    parser.formatter_class = argparse.HelpFormatter
    assert ours == parser.format_help()


def test_private_says_the_private_card_as_settings_and_the_readme_do() -> None:
    """``--private``'s help had written the card "Using Codex / In a coding session"; the
    Settings box and the README write its two lines with a middle dot."""
    parser = build_parser()
    private = next(action for action in parser._actions if "--private" in action.option_strings)
    assert f'"{PRIVATE_DETAILS} · {PRIVATE_STATE}"' in (private.help or "")


def test_the_help_says_codex_folder_as_the_window_does() -> None:
    """The window, Settings and the README say "Codex folder"; the help had said "Codex
    home" (the option keeps its name, ``--codex-home``)."""
    parser = build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for command in (parser, *commands.choices.values()):
        text = " ".join(command.format_help().replace("--codex-home", "").split())
        assert "Codex home" not in text, command.prog
    assert "Codex folder" in parser.format_help()


def test_json_help_names_the_schema_written() -> None:
    """``status --json`` writes schema 2 (warnings as objects); its help had said schema 1."""
    from codex_presence_gui.core.report import SCHEMA_VERSION

    parser = build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    status = commands.choices["status"]
    json_option = next(action for action in status._actions if "--json" in action.option_strings)
    assert json_option.help == f"print one JSON object (schema {SCHEMA_VERSION})"
