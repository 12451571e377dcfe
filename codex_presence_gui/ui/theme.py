"""Colours and fonts that follow the system's light or dark palette."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from codex_presence_gui.core.formatting import Level

# (light palette, dark palette): each readable on its background, green/amber/red by level.
_LEVEL_COLORS: dict[Level, tuple[str, str]] = {
    Level.GOOD: ("#1f9d55", "#3fbf74"),
    Level.WARN: ("#c27400", "#f0a92b"),
    Level.LOW: ("#d03a3a", "#f26d6d"),
    Level.UNKNOWN: ("#9ca3af", "#6b7280"),
}


def is_dark(palette: QPalette) -> bool:
    """True when the window background is dark."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def level_color(level: Level, palette: QPalette) -> QColor:
    """The bar colour of a remaining-capacity level."""
    light, dark = _LEVEL_COLORS[level]
    return QColor(dark if is_dark(palette) else light)


def blend(first: QColor, second: QColor, amount: float) -> QColor:
    """``first`` moved ``amount`` (0..1) of the way towards ``second``."""
    return QColor(
        round(first.red() + (second.red() - first.red()) * amount),
        round(first.green() + (second.green() - first.green()) * amount),
        round(first.blue() + (second.blue() - first.blue()) * amount),
    )


def muted_color(palette: QPalette) -> QColor:
    """Secondary text: readable, quieter than the main text."""
    text = palette.color(QPalette.ColorRole.WindowText)
    return blend(text, palette.color(QPalette.ColorRole.Window), 0.4)


def track_color(palette: QPalette) -> QColor:
    """The empty part of a bar."""
    base = palette.color(QPalette.ColorRole.Window)
    return base.lighter(160) if is_dark(palette) else base.darker(112)


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font, ``factor`` times as large."""
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def set_muted(widget: QWidget, muted: bool = True) -> None:
    """Give a label the quieter text colour (or back the normal one)."""
    palette = widget.palette()
    parent = widget.parentWidget()
    source = parent.palette() if parent is not None else palette
    color = muted_color(source) if muted else source.color(QPalette.ColorRole.WindowText)
    palette.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(palette)


def _palette(dark: bool) -> QPalette:
    palette = QPalette()
    colors = (
        {
            QPalette.ColorRole.Window: "#202124",
            QPalette.ColorRole.WindowText: "#e8eaed",
            QPalette.ColorRole.Base: "#17181a",
            QPalette.ColorRole.AlternateBase: "#26272a",
            QPalette.ColorRole.Text: "#e8eaed",
            QPalette.ColorRole.Button: "#2b2c2f",
            QPalette.ColorRole.ButtonText: "#e8eaed",
            QPalette.ColorRole.ToolTipBase: "#2b2c2f",
            QPalette.ColorRole.ToolTipText: "#e8eaed",
            QPalette.ColorRole.PlaceholderText: "#9aa0a6",
            QPalette.ColorRole.Highlight: "#3b82f6",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#8ab4f8",
        }
        if dark
        else {
            QPalette.ColorRole.Window: "#f3f3f3",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f6f8fa",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#eaeef2",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.PlaceholderText: "#6e7781",
            QPalette.ColorRole.Highlight: "#2563eb",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#0969da",
        }
    )
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """``system`` follows the desktop; ``light`` and ``dark`` force that palette."""
    hints = app.styleHints()
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(
        theme, Qt.ColorScheme.Unknown
    )
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)  # Qt 6.8+: native widgets follow too where supported
    style = app.style()
    if theme in ("light", "dark"):
        app.setPalette(_palette(theme == "dark"))
    elif style is not None:
        app.setPalette(style.standardPalette())
