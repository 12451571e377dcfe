"""Running a few lines in a new interpreter, for tests of what an import pulls in."""

from __future__ import annotations

import subprocess
import sys


def fresh_output(code: str) -> str:
    """What ``code`` prints when run by a new interpreter (this one's), stripped."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()
