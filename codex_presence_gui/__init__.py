"""Codex Presence: a desktop window for OpenAI Codex sessions, limits and Discord presence."""

__version__ = "0.1.0"
APP_NAME = "Codex Presence"
APP_ID = "codex-presence-gui"
