"""Running a few lines in a new interpreter, for tests of what an import pulls in."""

from __future__ import annotations

import subprocess
import sys


def fresh_output(code: str) -> str:
    """What ``code`` prints when run by a new interpreter (this one's), stripped."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def interrupted_in_import(call: str, *, at: str | None = None, after: str | None = None) -> str:
    """Code for ``fresh_output`` that runs ``call`` with Ctrl+C (a SIGINT raised) the first
    time the module ``at`` is looked for (taken out of ``sys.modules`` first), or with
    ``after``, the first time any module is looked for after ``after``; it prints
    "interrupted" and whether orjson was then imported whole, when ``call`` raised
    KeyboardInterrupt."""
    armed = after is None
    return (
        "import signal, sys\n"
        "class Interrupt:\n"
        f"    armed = {armed}\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {after!r}:\n"
        "            self.armed = True\n"
        f"        elif self.armed and {at!r} in (name, None):\n"
        "            sys.meta_path.remove(self)\n"
        "            signal.raise_signal(signal.SIGINT)\n"
        f"sys.modules.pop({at!r}, None)\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "try:\n"
        f"    {call}\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', 'orjson' in sys.modules)\n"
    )
