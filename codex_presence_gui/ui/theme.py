"""Colours and fonts that follow the system's light or dark palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionButton,
    QStyleOptionComplex,
    QStyleOptionFrame,
    QStyleOptionHeader,
    QStyleOptionToolButton,
    QWidget,
)

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.viewmodels.session_table import ACTIVE_ROW_TINT

# (light palette, dark palette): each readable on its background, green/amber/red by level.
_LEVEL_COLORS: dict[Level, tuple[str, str]] = {
    Level.GOOD: ("#1f9d55", "#3fbf74"),
    Level.WARN: ("#c27400", "#f0a92b"),
    Level.LOW: ("#d03a3a", "#f26d6d"),
    Level.UNKNOWN: ("#9ca3af", "#6b7280"),
}

#: WCAG AA for normal text: secondary text must reach it too, however quiet.
MIN_TEXT_CONTRAST = 4.5
#: WCAG AA for a control's boundary, the keyboard's focus ring among them, against what is
#: beside it.
MIN_RING_CONTRAST = 3.0
#: How far secondary text fades from the text colour towards the window, contrast allowing.
MUTED_FADE = 0.4
_FADE_STEPS = 20


def is_dark(palette: QPalette) -> bool:
    """True when the window background is dark."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def level_color(level: Level, palette: QPalette) -> QColor:
    """The bar colour of a remaining-capacity level."""
    light, dark = _LEVEL_COLORS[level]
    return QColor(dark if is_dark(palette) else light)


def level_text_color(level: Level, palette: QPalette) -> QColor:
    """A level's colour for text: its bar colour, moved towards the text colour as far as
    ``MIN_TEXT_CONTRAST`` against the window and the table rows needs (the light theme's
    green and red bars are lighter than text can be)."""
    text = palette.color(QPalette.ColorRole.WindowText)
    return _first_readable(level_color(level, palette), text, palette)


def _first_readable(start: QColor, end: QColor, palette: QPalette) -> QColor:
    """The first colour on the way from ``start`` to ``end`` (in ``_FADE_STEPS``) with
    ``MIN_TEXT_CONTRAST`` against the window and both colours of the table rows; ``end``
    when none has."""
    backgrounds = [
        palette.color(role)
        for role in (
            QPalette.ColorRole.Window,
            QPalette.ColorRole.Base,
            QPalette.ColorRole.AlternateBase,
        )
    ]
    for step in range(_FADE_STEPS + 1):
        shade = blend(start, end, step / _FADE_STEPS)
        if all(contrast_ratio(shade, back) >= MIN_TEXT_CONTRAST for back in backgrounds):
            return shade
    return end


def blend(first: QColor, second: QColor, amount: float) -> QColor:
    """``first`` moved ``amount`` (0..1) of the way towards ``second``."""
    return QColor(
        round(first.red() + (second.red() - first.red()) * amount),
        round(first.green() + (second.green() - first.green()) * amount),
        round(first.blue() + (second.blue() - first.blue()) * amount),
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red())
        + 0.7152 * channel(color.green())
        + 0.0722 * channel(color.blue())
    )


def muted_color(palette: QPalette) -> QColor:
    """Secondary text: quieter than the main text, yet at least ``MIN_TEXT_CONTRAST`` against
    the window and the table rows (as close to the text as a palette needs for that)."""
    # Asked for each painted cell of an ended session: found once per palette and colour
    # group (a widget's palette switches group, active or disabled, under the same key).
    key = (palette.cacheKey(), palette.currentColorGroup())
    color = _muted_by_palette.get(key)
    if color is None:
        if len(_muted_by_palette) >= 64:
            _muted_by_palette.clear()
        color = _muted_by_palette[key] = _find_muted(palette)
    return QColor(color)


_muted_by_palette: dict[tuple[int, QPalette.ColorGroup], QColor] = {}


def _find_muted(palette: QPalette) -> QColor:
    text = palette.color(QPalette.ColorRole.WindowText)
    quiet = blend(text, palette.color(QPalette.ColorRole.Window), MUTED_FADE)
    return _first_readable(quiet, text, palette)


def focus_color(palette: QPalette) -> QColor:
    """The keyboard's focus ring: the highlight, moved towards the text colour as far as
    ``MIN_RING_CONTRAST`` against the window, the table rows and the active session's tinted
    row needs (the dark theme's blue is 2.4:1 on that row)."""
    rows = [
        palette.color(role) for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase)
    ]
    backgrounds = [
        palette.color(QPalette.ColorRole.Window),
        *rows,
        *(blend(row, ACTIVE_ROW_TINT, ACTIVE_ROW_TINT.alphaF()) for row in rows),
    ]
    start = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.WindowText)
    for step in range(_FADE_STEPS + 1):
        shade = blend(start, text, step / _FADE_STEPS)
        if all(contrast_ratio(shade, back) >= MIN_RING_CONTRAST for back in backgrounds):
            return shade
    return text


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


#: The widget property saying how ``set_muted`` or ``set_level_color`` coloured its text:
#: ``_MUTED``, ``_PLAIN`` (the palette's text colour) or ``level:<name>`` (that level's text
#: colour in the palette around it).
TEXT_COLOR_PROPERTY = "textColorKind"
_MUTED, _PLAIN = "muted", "plain"
_PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


def set_muted(widget: QWidget, muted: bool = True) -> None:
    """Give a label the quieter text colour (or back the normal one), recoloured whenever the
    palette around it changes."""
    _keep_text_color(widget, _MUTED if muted else _PLAIN)
    _color_text(widget)


def set_level_color(widget: QWidget, level: Level) -> None:
    """Give a label the colour of ``level`` (a problem's red), taken again from the palette
    around it when that changes (a theme switched while the label shows)."""
    _keep_text_color(widget, f"level:{level.value}")
    _color_text(widget)


def _keep_text_color(widget: QWidget, kind: str) -> None:
    if widget.property(TEXT_COLOR_PROPERTY) is None:
        widget.installEventFilter(_TextColorKeeper(widget))
    widget.setProperty(TEXT_COLOR_PROPERTY, kind)


class _TextColorKeeper(QObject):
    """Colours a ``set_muted`` widget's text again on a palette change: a colour set once
    would keep the previous theme's grey (unreadable on a new dark window)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _PALETTE_EVENTS and isinstance(watched, QWidget):
            _color_text(watched)
        return False


def _color_text(widget: QWidget) -> None:
    kind = widget.property(TEXT_COLOR_PROPERTY)
    # From the parent's palette: the widget's own holds the colour this sets.
    parent = widget.parentWidget()
    source = parent.palette() if parent is not None else QApplication.palette(widget)
    if isinstance(kind, str) and kind.startswith("level:"):
        color = level_text_color(Level(kind.removeprefix("level:")), source)
    elif kind == _MUTED:
        color = muted_color(source)
    else:
        color = source.color(QPalette.ColorRole.WindowText)
    palette = widget.palette()
    if palette.color(QPalette.ColorRole.WindowText) != color:
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
            QPalette.ColorRole.Highlight: "#2563eb",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#8ab4f8",
            # The bevel shades, dark too (the defaults are the light palette's).
            QPalette.ColorRole.Light: "#3c4043",
            QPalette.ColorRole.Midlight: "#303134",
            QPalette.ColorRole.Mid: "#5f6368",
            QPalette.ColorRole.Dark: "#101113",
            QPalette.ColorRole.Shadow: "#000000",
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
    # Greyed-out text for disabled controls (setColor above set every group alike).
    disabled = QColor("#6f757b" if dark else "#8c959f")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    # A disabled field is filled with the window's colour, as the system's palette fills it,
    # and its example text is no brighter than disabled text: filled as an editable one, a
    # disabled field's example ("Client work") had read as a value already set.
    palette.setColor(
        QPalette.ColorGroup.Disabled,
        QPalette.ColorRole.Base,
        palette.color(QPalette.ColorRole.Window),
    )
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, disabled)
    return palette


def outline_color(palette: QPalette, *, enabled: bool = True) -> QColor:
    """The border of a check box, radio button or input field on a dark palette: at least
    3:1 against the window and the field (the disabled one is fainter, as it should be)."""
    text = palette.color(QPalette.ColorRole.WindowText)
    return blend(text, palette.color(QPalette.ColorRole.Window), 0.5 if enabled else 0.66)


_Primitive = QStyle.PrimitiveElement
_OUTLINED_PRIMITIVES = {
    _Primitive.PE_IndicatorCheckBox: "box",
    _Primitive.PE_IndicatorRadioButton: "circle",
    _Primitive.PE_FrameLineEdit: "field",
    _Primitive.PE_PanelButtonCommand: "field",
    _Primitive.PE_Frame: "box",
    # Fusion's is the window colour a tenth darker and lighter: nothing on a dark window.
    _Primitive.PE_IndicatorToolBarSeparator: "divider",
}
#: How far inside the tab the keyboard is on its ring is drawn (clear of Fusion's outline).
TAB_RING_INSET = 3
#: Indicators whose outline Fusion draws in its highlight while the keyboard is on them.
_LIT_WITH_FOCUS = (_Primitive.PE_IndicatorCheckBox, _Primitive.PE_IndicatorRadioButton)
_OUTLINED_CONTROLS = (QStyle.ComplexControl.CC_SpinBox, QStyle.ComplexControl.CC_ComboBox)
#: Qt's » buttons, shown where a tool bar or the menu bar has no room for all its actions.
_EXTENSION_BUTTONS = ("qt_toolbar_ext_button", "qt_menubar_ext_button")


_SortUp = QStyleOptionHeader.SortIndicator.SortUp
_SortDown = QStyleOptionHeader.SortIndicator.SortDown


class _OutlinedStyle(QProxyStyle):
    """Fusion with borders that show on a dark palette, and sort arrows that point as
    elsewhere on the desktop.

    Fusion draws every outline as the window colour darkened, which on a dark window is all but
    black on black, and no palette role changes it: so on a dark palette this draws a lighter
    outline over the one Fusion drew (in the focus ring's colour round a check box or radio
    button the keyboard is on, as Fusion lights it). Light palettes are left as Fusion draws
    them, but for the focus ring round a table's cell, a check box's text or a tab: Fusion
    draws it in the highlight at a third of its strength, 1.1:1 on a dark table's rows and
    1.5:1 on the light theme's active row; it is drawn whole, in ``focus_color``.

    Qt's header asks for an up arrow for a descending sort (largest first), which Fusion draws
    as asked; Windows Explorer and macOS Finder show ▼ there, so the arrow is turned over.
    And Fusion draws a sorted section's title over its whole width, under the arrow: a title
    aligned like its numbers, to the right, ran into it ("Tokens▾"). It is drawn beside it.
    Other titles are drawn as far in from the section's edge as the column's cells' texts
    (see ``_in_line_with_cells``): they had stood a pixel or two out of line with them.
    """

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.ControlElement.CE_HeaderLabel and isinstance(
            option, QStyleOptionHeader
        ):
            if _sorted_horizontal(option):
                option = _beside_the_arrow(self, option, widget)
            elif option.state & QStyle.StateFlag.State_Horizontal:
                option = _in_line_with_cells(self, option, widget)
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_TabBarTabShape and _keyboard_on(option):
            # Fusion tints the tab the keyboard is on, 1.1:1 to 1.5:1: a ring inside it too,
            # in its title's colour, which reads on the tab (lighter when the keyboard is on
            # it, on a dark palette: the highlight's blue had 2.3:1 there).
            inset = TAB_RING_INSET
            inside = option.rect.adjusted(inset, inset, -inset, -inset)
            _focus_ring(painter, inside, option.palette.color(QPalette.ColorRole.WindowText))

    def subElementRect(
        self, element: QStyle.SubElement, option: QStyleOption, widget: QWidget | None = None
    ) -> QRect:
        # What the title is drawn in (see drawControl), for those who measure it: the layout
        # check, which would otherwise let a sorted title run under its arrow unsaid.
        rect = self.baseStyle().subElementRect(element, option, widget)
        if element == QStyle.SubElement.SE_HeaderLabel and _sorted_horizontal(option):
            assert isinstance(option, QStyleOptionHeader)
            rect = _before_the_arrow(self, rect, option, widget)
        return rect

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == _Primitive.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            turned = QStyleOptionHeader(option)
            if option.sortIndicator == _SortUp:
                turned.sortIndicator = _SortDown
            elif option.sortIndicator == _SortDown:
                turned.sortIndicator = _SortUp
            option = turned
        if element == _Primitive.PE_FrameFocusRect:
            # Only once the keyboard has moved, as Fusion (a table's cells always say so).
            if option.state & QStyle.StateFlag.State_KeyboardFocusChange:
                # Round a selected cell, drawn in the highlight: the selection's text colour.
                selected = option.state & QStyle.StateFlag.State_Selected
                text = option.palette.color(QPalette.ColorRole.HighlightedText)
                _focus_ring(painter, option.rect, text if selected else focus_color(option.palette))
            return
        super().drawPrimitive(element, option, painter, widget)
        shape = _OUTLINED_PRIMITIVES.get(element)
        if shape is None or not is_dark(option.palette):
            return
        if element == _Primitive.PE_Frame and (
            not isinstance(option, QStyleOptionFrame) or option.lineWidth <= 0
        ):
            return  # a frameless scroll area or label draws no border; neither do we
        if (
            isinstance(option, QStyleOptionButton)
            and option.features & QStyleOptionButton.ButtonFeature.DefaultButton
        ):
            return  # the default button keeps its highlighted outline
        lit = element in _LIT_WITH_FOCUS and _keyboard_on(option)
        _stroke(painter, option, shape, focus_color(option.palette) if lit else None)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            control == QStyle.ComplexControl.CC_ToolButton
            and isinstance(option, QStyleOptionToolButton)
            and widget is not None
            and widget.objectName() in _EXTENSION_BUTTONS
            and is_dark(option.palette)
        ):
            # Fusion's » is a fixed dark grey, all but lost on a dark tool bar (1.3:1): drawn
            # in the buttons' text colour, taken from the palette at each paint, as the theme
            # may have changed since the button took its icon.
            tinted = QStyleOptionToolButton(option)
            tinted.icon = _tinted(option.icon, option.palette.color(QPalette.ColorRole.ButtonText))
            option = tinted
        super().drawComplexControl(control, option, painter, widget)
        framed = getattr(option, "frame", True)  # a frameless spin box or combo box stays so
        if control in _OUTLINED_CONTROLS and framed and is_dark(option.palette):
            _stroke(painter, option, "field")


def _tinted(icon: QIcon, color: QColor) -> QIcon:
    """``icon``'s shapes, each of its sizes, filled with ``color``."""
    key = (icon.cacheKey(), color.rgba())
    tinted = _tinted_icons.get(key)
    if tinted is None:
        if len(_tinted_icons) >= 16:
            _tinted_icons.clear()
        tinted = _tinted_icons[key] = QIcon()
        for size in icon.availableSizes():
            pixmap = icon.pixmap(size, 1.0)
            painter = QPainter(pixmap)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(pixmap.rect(), color)
            painter.end()
            tinted.addPixmap(pixmap)
    return tinted


_tinted_icons: dict[tuple[int, int], QIcon] = {}


def _sorted_horizontal(option: QStyleOption) -> bool:
    return (
        isinstance(option, QStyleOptionHeader)
        and option.sortIndicator != QStyleOptionHeader.SortIndicator.None_
        and bool(option.state & QStyle.StateFlag.State_Horizontal)
    )


def _before_the_arrow(
    style: QStyle, label: QRect, section: QStyleOptionHeader, widget: QWidget | None
) -> QRect:
    """``label`` (a title's rect in ``section``) ending a gap before the section's sort
    arrow, on the arrow's side; never wider than it was."""
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, section, widget)
    if not (arrow.isValid() and arrow.intersects(label)):
        return label
    # As much room between them as the title has from the section's edge.
    gap = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, section, widget)
    if section.direction == Qt.LayoutDirection.RightToLeft:
        return label.adjusted(max(arrow.right() + gap - label.left() + 1, 0), 0, 0, 0)
    return label.adjusted(0, 0, min(arrow.left() - gap - label.right() - 1, 0), 0)


def _beside_the_arrow(
    style: QStyle, option: QStyleOptionHeader, widget: QWidget | None
) -> QStyleOptionHeader:
    """A header label's option (as the header's painting hands it over) whose rect ends
    before the sort arrow (see ``_before_the_arrow``)."""
    section = QStyleOptionHeader(option)
    if isinstance(widget, QHeaderView):
        # The section's own rect, where the style places the arrow (the label's rect has
        # already lost an allowance for it: taken from there, it would be taken twice).
        index = option.section
        section.rect = QRect(
            widget.sectionViewportPosition(index), 0, widget.sectionSize(index), widget.height()
        )
    else:
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, widget)
        section.rect = option.rect.adjusted(-margin, -margin, margin, margin)
    label = QStyleOptionHeader(option)
    label.rect = _before_the_arrow(style, option.rect, section, widget)
    return label


def _in_line_with_cells(
    style: QStyle, option: QStyleOption, widget: QWidget | None
) -> QStyleOptionHeader:
    """A header label's option whose rect is moved to put its title as far in from the
    section's edge, on the side it is aligned to, as the cells below put their texts: Fusion
    leaves a title ``PM_HeaderMargin`` (2 px) from the edge and a cell's text its focus
    frame's margin and a pixel more (3 px), so that a right-aligned title stood out to the
    right of its numbers. Moved, not narrowed: it has the room it was measured for."""
    assert isinstance(option, QStyleOptionHeader)
    view = widget.parentWidget() if widget is not None else None
    cell = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    shift = cell - style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, widget)
    aligned = QStyle.visualAlignment(option.direction, option.textAlignment)
    if shift <= 0 or aligned & Qt.AlignmentFlag.AlignHCenter:
        return option
    if aligned & Qt.AlignmentFlag.AlignRight:
        shift = -shift
    label = QStyleOptionHeader(option)
    label.rect = option.rect.translated(shift, 0)
    return label


def _keyboard_on(option: QStyleOption) -> bool:
    """Whether the style shows the keyboard's focus on what ``option`` draws."""
    focus = QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_KeyboardFocusChange
    return option.state & focus == focus


def _focus_ring(painter: QPainter, rect: QRect, color: QColor) -> None:
    """A focus ring as Fusion draws one (a line round ``rect``, its corners rounded), whole."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(color, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 1.0, 1.0)
    painter.restore()


def _stroke(
    painter: QPainter, option: QStyleOption, shape: str, color: QColor | None = None
) -> None:
    state = option.state
    if shape == "field" and state & QStyle.StateFlag.State_HasFocus:
        return  # keep the style's focus ring
    enabled = bool(state & QStyle.StateFlag.State_Enabled)
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(color or outline_color(option.palette, enabled=enabled), 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if shape == "divider":  # a line across the bar's middle, as Fusion draws it
        margin = 6.0
        if state & QStyle.StateFlag.State_Horizontal:
            x = rect.center().x()
            painter.drawLine(QPointF(x, rect.top() + margin), QPointF(x, rect.bottom() - margin))
        else:
            y = rect.center().y()
            painter.drawLine(QPointF(rect.left() + margin, y), QPointF(rect.right() - margin, y))
    elif shape == "circle":
        painter.drawEllipse(rect.adjusted(0.5, 0.5, -0.5, -0.5))
    elif shape == "field":
        painter.drawRoundedRect(rect, 2.0, 2.0)
    else:
        painter.drawRect(rect)
    painter.restore()


def _install_outlines(app: QApplication) -> None:
    """Wrap Fusion (once) so that a dark palette gets visible borders; other styles draw
    their own, so they are left alone."""
    style = app.style()
    if style is None or isinstance(style, _OutlinedStyle):
        return
    if style.name().lower() == "fusion":
        app.setStyle(_OutlinedStyle("fusion"))


def apply_theme(app: QApplication, theme: str) -> None:
    """``system`` follows the desktop; ``light`` and ``dark`` force that palette."""
    _install_outlines(app)
    hints = app.styleHints()
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(
        theme, Qt.ColorScheme.Unknown
    )
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)  # Qt 6.8+: native widgets follow too where supported
    if theme in ("light", "dark"):
        app.setPalette(_palette(theme == "dark"))
    else:
        # An empty palette: Qt's own, the desktop's colours (a dark mode, an accent) with what
        # they lack from the style, followed as they change. The style's standard palette is
        # not that: the Windows styles have none of their own, and Qt's fallback had given
        # every Windows window the grey of Windows 2000, light in dark mode too.
        app.setPalette(QPalette())


class TintedFrame(QFrame):
    """A frame filled with a tint of the window colour (``tint``), taken again when the theme
    changes: a notice, a toast."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self._styling = False

    def tint(self, window: QColor, palette: QPalette) -> QColor:
        """The fill, from the application's window colour and palette."""
        raise NotImplementedError

    def apply_tint(self) -> None:
        """Fill with the tint of the application's palette now."""
        palette = self.palette()
        # The application's palette, not the parent's: on a theme change this frame may hear
        # of it before its parent has taken the new colours (its text would follow the new
        # palette, its background the old one: white on beige).
        application = QApplication.palette()
        window = application.color(QPalette.ColorRole.Window)
        palette.setColor(QPalette.ColorRole.Window, self.tint(window, application))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        # A theme set by the app reaches this widget as a PaletteChange (its parent's new
        # colours); the style's own change as an ApplicationPaletteChange.
        if event.type() in _PALETTE_EVENTS and not self._styling:
            self._styling = True  # setting the tint is a PaletteChange too
            try:
                self.apply_tint()
            finally:
                self._styling = False
        super().changeEvent(event)
