"""Whether a control shows the keyboard's focus ring, as the style tells it."""

from __future__ import annotations

from PySide6.QtWidgets import QStyle, QStyleOption, QWidget


def ringed(widget: QWidget) -> bool:
    """True when the style draws ``widget``'s focus ring: it has the keyboard, and its window
    shows where the keyboard is (as after a Tab)."""
    option = QStyleOption()
    option.initFrom(widget)
    return widget.hasFocus() and bool(option.state & QStyle.StateFlag.State_KeyboardFocusChange)
