"""Codex Presence: a desktop window for OpenAI Codex sessions, limits and Discord presence."""

import time

#: When this process began (as early as the package is imported): a ``--replace`` launch
#: leaves alone an instance that started running after it was launched (``single_instance``).
LAUNCHED_AT = time.time()

__version__ = "0.1.0"
APP_NAME = "Codex Presence"
APP_ID = "codex-presence-gui"
