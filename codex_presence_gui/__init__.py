"""Codex Presence: a desktop window for OpenAI Codex sessions, limits and Discord presence."""

import time

#: When this process began (as early as the package is imported), by the monotonic clock and
#: by the wall clock: a ``--replace`` launch leaves alone an instance that started running
#: after it was launched (``single_instance``), by both clocks. Either alone can be wrong:
#: the wall clock set back an hour (a wrong clock put right) had made an instance started
#: before the launch look newer, and the monotonic clock of two Python versions (an update
#: while the old one runs) need not count the same on Windows.
LAUNCHED_AT = (time.monotonic(), time.time())

__version__ = "0.1.0"
APP_NAME = "Codex Presence"
APP_ID = "codex-presence-gui"
