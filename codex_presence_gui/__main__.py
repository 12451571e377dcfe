"""``python -m codex_presence_gui``: the same entry point as the installed command."""

from codex_presence_gui.cli import entry

if __name__ == "__main__":
    entry()
