"""Codex Presence: a desktop window for OpenAI Codex sessions, limits and Discord presence."""

import time

#: When this process began (as early as the package is imported): a ``--replace`` launch
#: leaves alone an instance that started running after it was launched (``single_instance``).
#: On the monotonic clock, which every process shares (it counts from the computer's start on
#: Linux, macOS and Windows): by the wall clock, set back an hour (a wrong clock put right),
#: an instance started before the launch seemed newer, and --replace showed its window.
LAUNCHED_AT = time.monotonic()

__version__ = "0.1.0"
APP_NAME = "Codex Presence"
APP_ID = "codex-presence-gui"
