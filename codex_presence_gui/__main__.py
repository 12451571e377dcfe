"""``python -m codex_presence_gui``: the same entry point as the installed command."""

import sys

from codex_presence_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
