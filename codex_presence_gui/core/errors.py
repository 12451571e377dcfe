"""Exceptions raised by the Qt-free core."""


class CoreError(Exception):
    """Base class of the core's exceptions."""


class ParseError(CoreError):
    """A complete log line could not be understood (malformed JSON, wrong shape, too long)."""


class HomeNotFoundError(CoreError):
    """None of the Codex homes asked for exists."""
