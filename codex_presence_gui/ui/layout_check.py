"""A general layout check of a widget tree: clipped texts, overlapping siblings, offscreen parts,
scroll bars that scroll by a sliver, a window that cannot be made to fit its screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from PySide6 import QtGui
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QMargins,
    QModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolButton,
    QWidget,
)

from codex_presence_gui.ui.window_state import frame_margins, frame_room

#: A text may overshoot its room by this much (rounding of fractional font metrics).
TOLERANCE = 1
ELLIPSIS = "…"
#: Item views: at most this many rows are measured (only the ones scrolled into view anyway).
MAX_ROWS = 400

#: QtGui's own ``Qt`` namespace holds this; the type stubs do not list it.
_might_be_rich = QtGui.Qt.mightBeRichText

CLIPPED = "clipped"
OVERLAP = "overlap"
OFFSCREEN = "offscreen"
SLIVER = "sliver"


@dataclass(frozen=True)
class LayoutProblem:
    """One thing wrong with the layout: where, which text, and what kind of problem."""

    widget: str
    text: str
    kind: str
    #: What was measured ("needs 120x16, has 80x16"): for people, not for comparing problems.
    detail: str = field(default="", compare=False)


def check_layout(window: QWidget, requested: QSize | None = None) -> list[LayoutProblem]:
    """Every layout problem of ``window``'s visible widgets (``requested``: the asked size)."""
    problems: list[LayoutProblem] = []
    if requested is not None and (
        window.width() > requested.width() or window.height() > requested.height()
    ):
        problems.append(
            LayoutProblem(
                widget_path(window, window),
                window.windowTitle(),
                OFFSCREEN,
                f"window is {window.width()}x{window.height()}, "
                f"asked for {requested.width()}x{requested.height()}",
            )
        )
    if window.isWindow():
        problems += _beyond_screen(window)
    for widget in _visible_widgets(window, window):
        problems += _text_problems(window, widget)
        problems += _overlaps(window, widget)
        if widget is not window:
            problems += _offscreen(window, widget)
        if isinstance(widget, QScrollArea):
            problems += _sideways(window, widget)
            problems += _sliver(window, widget)
    return problems


def layout_report(
    window: QWidget, layout: str, requested: QSize | None = None
) -> dict[str, object]:
    """The ``--check-layout`` report: size, layout, title and the problems, JSON-ready."""
    return {
        "size": f"{window.width()}x{window.height()}",
        "layout": layout,
        "title": window.windowTitle(),
        "problems": [asdict(problem) for problem in check_layout(window, requested)],
    }


# -- the walk ---------------------------------------------------------------------------


def _private(widget: QWidget) -> bool:
    """Qt's own helpers (scroll bar containers, toolbar and menu bar extension buttons...)."""
    return widget.objectName().startswith("qt_")


def _is_viewport(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _holds_content(widget: QWidget) -> bool:
    """A private child of Qt's that holds the application's widgets: a scroll area's viewport,
    a tab widget's pages (and its tabs)."""
    parent = widget.parentWidget()
    if isinstance(parent, QTabWidget):
        return isinstance(widget, (QStackedWidget, QTabBar))
    return _is_viewport(widget)


def _children(widget: QWidget, window: QWidget) -> list[QWidget]:
    """The visible child widgets worth checking, windows of their own (menus, tips) left out.

    Qt's private children are skipped, except the ones holding content (``_holds_content``):
    a tab widget's pages had gone unchecked.
    """
    children = []
    for child in widget.children():
        if not isinstance(child, QWidget) or child.isWindow():
            continue
        if not child.isVisibleTo(window):
            continue
        if _private(child) and not _holds_content(child):
            continue
        children.append(child)
    return children


def _visible_widgets(widget: QWidget, window: QWidget) -> Iterator[QWidget]:
    yield widget
    for child in _children(widget, window):
        yield from _visible_widgets(child, window)


def _snippet(text: str, length: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + ELLIPSIS


def _name(widget: QWidget) -> str:
    name = widget.metaObject().className()  # Qt's internal classes too (QTableCornerButton)
    if widget.objectName() and not _private(widget):
        name += f"#{widget.objectName()}"
    return name


def _own_text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def widget_path(widget: QWidget, window: QWidget) -> str:
    """``MainWindow/QWidget/LimitsPanel/QLabel "5h"``: class names (and object names) from
    the window down, with a bit of the widget's own text."""
    names = []
    current: QWidget | None = widget
    while current is not None:
        names.append(_name(current))
        if current is window:
            break
        current = current.parentWidget()
    path = "/".join(reversed(names))
    text = _own_text(widget)
    return f'{path} "{_snippet(text)}"' if text else path


# -- texts ------------------------------------------------------------------------------


def tooltip_of(widget: QWidget) -> str:
    """The tooltip shown over ``widget``: its own, else the nearest ancestor's (Qt passes an
    unhandled tooltip request up to the parent)."""
    current: QWidget | None = widget
    while current is not None:
        if current.toolTip():
            return current.toolTip()
        if current.isWindow():
            break
        current = current.parentWidget()
    return ""


def _plain(text: str) -> str:
    """Text without a rich-text tooltip's markup, for containment tests."""
    if _might_be_rich(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def elided_with_tip(shown: str, tooltip: str, full: str | None = None) -> bool:
    """True when ``shown`` is elided ("…") and the tooltip holds the whole text: ``full`` when
    known (item views, whose cells Qt elides), else every piece that is still shown."""
    tip = " ".join(_plain(tooltip).split())
    if not tip:
        return False
    if full is not None:
        # Without any white space: a tooltip breaks a long line, and a long word (a name from
        # a log), where it must (``tooltip_html``).
        return "".join(full.split()) in "".join(tip.split())
    if ELLIPSIS not in shown:
        return False
    pieces = [" ".join(piece.split()) for piece in shown.split(ELLIPSIS)]
    pieces = [piece for piece in pieces if piece]
    return bool(pieces) and all(piece in tip for piece in pieces) and len(tip) > len(shown) - 1


def _problem(window: QWidget, widget: QWidget, text: str, why: str = "") -> LayoutProblem:
    return LayoutProblem(widget_path(widget, window), text, CLIPPED, why)


def _text_problems(window: QWidget, widget: QWidget) -> list[LayoutProblem]:
    if isinstance(widget, QLabel):
        return _label_problems(window, widget)
    if isinstance(widget, QAbstractButton):
        return _button_problems(window, widget)
    if isinstance(widget, QComboBox):
        return _combo_problems(window, widget)
    if isinstance(widget, QGroupBox):
        return _group_problems(window, widget)
    if isinstance(widget, QTabBar):
        return _tab_problems(window, widget)
    if isinstance(widget, QAbstractItemView):
        return _view_problems(window, widget)
    return []


def _label_room(label: QLabel) -> QRect:
    """Where a label draws its text: the contents rectangle less margin and indent."""
    room = label.contentsRect().adjusted(
        label.margin(), label.margin(), -label.margin(), -label.margin()
    )
    indent = label.indent()
    if indent < 0:  # Qt's default: half an "x" when the label has a frame
        indent = label.fontMetrics().horizontalAdvance("x") // 2 if label.frameWidth() > 0 else 0
    if indent > 0:
        align = label.alignment()
        if align & Qt.AlignmentFlag.AlignLeft or align & Qt.AlignmentFlag.AlignRight:
            room.setWidth(room.width() - indent)
        if align & Qt.AlignmentFlag.AlignTop or align & Qt.AlignmentFlag.AlignBottom:
            room.setHeight(room.height() - indent)
    return room


def _rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and bool(_might_be_rich(label.text()))
    )


def _rich_needs(label: QLabel, room: QRect) -> QSize:
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    if label.wordWrap():
        document.setTextWidth(room.width())
    return QSize(int(document.idealWidth() + 0.999), int(document.size().height() + 0.999))


def _plain_flags(label: QLabel) -> int:
    flags = int(label.alignment().value)
    if label.wordWrap():
        flags |= Qt.TextFlag.TextWordWrap.value
    if label.textFormat() == Qt.TextFormat.PlainText:
        flags |= Qt.TextFlag.TextExpandTabs.value
    return flags


def _ink_cut(label: QLabel, laid_out: QRect) -> bool:
    """Whether the letters themselves reach past the label's top or bottom edge.

    A line box is taller than its letters (the font's leading and the room for accents and
    descenders): a label squeezed a pixel or two below its text's line height looks whole,
    so vertically only the ink counts, where the painter clips it (the widget's edges).
    """
    metrics = label.fontMetrics()
    lines = label.text().split("\n")
    first = metrics.tightBoundingRect(lines[0] or "x")
    last = metrics.tightBoundingRect(lines[-1] or "x")
    top = laid_out.top() + metrics.ascent() + first.top()
    bottom = laid_out.bottom() - metrics.descent() + last.bottom()
    return top < -TOLERANCE or bottom > label.height() - 1 + TOLERANCE


def _label_problems(window: QWidget, label: QLabel) -> list[LayoutProblem]:
    if not label.pixmap().isNull() or label.movie() is not None or not label.text():
        return []
    room = _label_room(label)
    if _rich(label):
        needs = _rich_needs(label, room)
        tall = needs.height() > room.height() + TOLERANCE
    else:
        laid_out = label.fontMetrics().boundingRect(room, _plain_flags(label), label.text())
        needs = laid_out.size()
        tall = _ink_cut(label, laid_out)
    wide = needs.width() > room.width() + TOLERANCE
    if not (wide or tall):
        return []
    # Qt never elides a label, so a label that does not fit is cut off even when its text is
    # an elided one: the widget that elides must do so to the room it really has.
    why = f"needs {needs.width()}x{needs.height()}, has {room.width()}x{room.height()}"
    return [_problem(window, label, label.text(), why)]


def _mnemonic_free(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _button_needs(button: QAbstractButton) -> QSize:
    """The room a button's text and icon need, with the style's frame around them.

    Push buttons are measured from their contents: their size hint adds a minimum width
    (80 px in Fusion) that is a matter of looks, not of the text fitting.
    """
    if not isinstance(button, QPushButton):
        return button.sizeHint()
    style = button.style()
    metrics = button.fontMetrics()
    text = metrics.size(Qt.TextFlag.TextShowMnemonic.value, button.text())
    width, height = text.width(), text.height()
    if not button.icon().isNull():
        icon = button.iconSize()
        width += icon.width() + (4 if button.text() else 0)
        height = max(height, icon.height())
    frame = 2 * style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, button)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
    if button.menu() is not None:
        width += style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    return QSize(width + frame + margin, height + frame + margin // 2)


def _button_problems(window: QWidget, button: QAbstractButton) -> list[LayoutProblem]:
    if not button.text():
        return []
    needs = _button_needs(button)
    wide = needs.width() > button.width() + TOLERANCE
    tall = needs.height() > button.height() + TOLERANCE and not isinstance(button, QPushButton)
    if not (wide or tall):
        return []
    shown = _mnemonic_free(button.text())
    why = f"needs {needs.width()}x{needs.height()}, has {button.width()}x{button.height()}"
    return [_problem(window, button, shown, why)]


def _combo_problems(window: QWidget, combo: QComboBox) -> list[LayoutProblem]:
    text = combo.currentText()
    if not text or combo.isEditable():
        return []
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    width = combo.fontMetrics().horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        width += combo.iconSize().width() + 4
    if width <= room.width() + TOLERANCE:
        return []
    # The style elides a combo box's text: fine when its tooltip says it all.
    if elided_with_tip(text, tooltip_of(combo), full=text):
        return []
    return [_problem(window, combo, text, f"needs {width}, has {room.width()}")]


def _group_problems(window: QWidget, box: QGroupBox) -> list[LayoutProblem]:
    title = _mnemonic_free(box.title())
    if not title:
        return []
    width = box.fontMetrics().horizontalAdvance(title) + 2 * 4  # the style's title margins
    if box.isCheckable():
        width += box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, box) + 4
    if width <= box.width() + TOLERANCE:
        return []
    return [_problem(window, box, title, f"needs {width}, has {box.width()}")]


def _across(tabs: QTabBar) -> bool:
    """Whether ``tabs`` run from left to right (above or below their pages)."""
    return tabs.shape() in (
        QTabBar.Shape.RoundedNorth,
        QTabBar.Shape.RoundedSouth,
        QTabBar.Shape.TriangularNorth,
        QTabBar.Shape.TriangularSouth,
    )


def _tabs_in_sight(tabs: QTabBar) -> QRect:
    """The part of ``tabs`` that shows tabs: not under its scroll buttons, when it has them."""
    sight = tabs.rect()
    across = _across(tabs)
    for button in tabs.findChildren(QToolButton):
        if button.parentWidget() is not tabs or not button.isVisibleTo(tabs):
            continue
        place = button.geometry()
        if across and place.x() > sight.center().x():
            sight.setRight(min(sight.right(), place.left() - 1))
        elif across:
            sight.setLeft(max(sight.left(), place.right() + 1))
        elif place.y() > sight.center().y():
            sight.setBottom(min(sight.bottom(), place.top() - 1))
        else:
            sight.setTop(max(sight.top(), place.bottom() + 1))
    return sight


def _tab_problems(window: QWidget, tabs: QTabBar) -> list[LayoutProblem]:
    problems = []
    # Scrolled, the tabs go on under the scroll buttons and past the ends: a tab there is cut
    # ("eneral"), though its own rect is whole.
    sight = _tabs_in_sight(tabs)
    across = _across(tabs)
    for index in range(tabs.count()):
        if not tabs.isTabVisible(index):
            continue
        text = _mnemonic_free(tabs.tabText(index))
        hint, shown = tabs.tabSizeHint(index), tabs.tabRect(index).intersected(sight)
        needs = hint.width() if across else hint.height()
        room = shown.width() if across else shown.height()
        if not text or needs <= room + TOLERANCE:
            continue
        # Qt elides a tab's text within its rect, not where the scroll buttons cover it.
        elided = tabs.elideMode() != Qt.TextElideMode.ElideNone and shown == tabs.tabRect(index)
        if elided and elided_with_tip(text, tabs.tabToolTip(index), full=text):
            continue
        why = f"tab {index} needs {needs}, has {room}"
        problems.append(_problem(window, tabs, text, why))
    return problems


# -- item views -------------------------------------------------------------------------


def _view_problems(window: QWidget, view: QAbstractItemView) -> list[LayoutProblem]:
    problems = []
    scroll = view.horizontalScrollBar()
    if scroll.maximum() > 0 or scroll.isVisibleTo(window):
        problems.append(
            LayoutProblem(
                widget_path(view, window),
                "needs a horizontal scroll bar",
                OFFSCREEN,
                f"{scroll.maximum()} px more than the view is wide",
            )
        )
    problems += _cell_problems(window, view)
    if isinstance(view, QTableView):
        for header in (view.horizontalHeader(), view.verticalHeader()):
            if header.isVisibleTo(window):
                problems += _header_problems(window, view, header)
    return problems


def _item_option(view: QAbstractItemView) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    return option


def _cell_problems(window: QWidget, view: QAbstractItemView) -> list[LayoutProblem]:
    model: QAbstractItemModel | None = view.model()  # None until one is set
    if model is None:
        return []
    viewport = view.viewport().rect()
    option = _item_option(view)
    root = view.rootIndex()
    problems = []
    # A list's model keeps its one column's count private (a QListWidget's had raised).
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    for row in range(min(model.rowCount(root), MAX_ROWS)):
        for column in range(columns):
            index = model.index(row, column, root)
            rect = view.visualRect(index)
            if rect.isEmpty() or not rect.intersects(viewport):
                continue
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or str(text) == "":
                continue
            problem = _cell_problem(window, view, option, index, rect, str(text))
            if problem is not None:
                problems.append(problem)
    return problems


def _cell_problem(
    window: QWidget,
    view: QAbstractItemView,
    option: QStyleOptionViewItem,
    index: QModelIndex,
    rect: QRect,
    text: str,
) -> LayoutProblem | None:
    option.rect = rect
    needs = view.itemDelegateForIndex(index).sizeHint(option, index)
    if isinstance(view, QTableView) and view.showGrid():
        needs = QSize(needs.width() + 1, needs.height() + 1)
    wide = needs.width() > rect.width() + TOLERANCE
    lines = text.count("\n") + 1
    tall = lines > 1 and needs.height() > rect.height() + TOLERANCE
    if not (wide or tall):
        return None
    # Qt elides a cell that does not fit: fine when its tooltip holds the whole text.
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    if elided_with_tip(text, str(tip) if tip is not None else "", full=text):
        return None
    where = f"{widget_path(view, window)} [column {index.column()}]"
    why = (
        f"row {index.row()} needs {needs.width()}x{needs.height()}, "
        f"has {rect.width()}x{rect.height()}"
    )
    return LayoutProblem(where, text, CLIPPED, why)


def _header_label_room(header: QHeaderView, logical: int, size: int) -> QRect:
    """Where the style draws a section's title (less its margins and sort arrow)."""
    option = QStyleOptionHeader()
    header.initStyleOptionForIndex(option, logical)
    if header.orientation() == Qt.Orientation.Horizontal:
        option.rect = QRect(0, 0, size, header.height())
    else:
        option.rect = QRect(0, 0, header.width(), size)
    return header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)


def _header_problems(
    window: QWidget, view: QAbstractItemView, header: QHeaderView
) -> list[LayoutProblem]:
    model: QAbstractItemModel | None = header.model()
    if model is None:
        return []
    orientation = header.orientation()
    horizontal = orientation == Qt.Orientation.Horizontal
    problems = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        start = header.sectionViewportPosition(logical)
        size = header.sectionSize(logical)
        extent = header.viewport().width() if horizontal else header.viewport().height()
        if size <= 0 or start + size <= 0 or start >= extent:
            continue  # scrolled out of view
        text = model.headerData(logical, orientation, Qt.ItemDataRole.DisplayRole)
        if text is None or str(text) == "":
            continue
        text = str(text)
        room = _header_label_room(header, logical, size)
        metrics = header.fontMetrics()
        lines = text.split("\n")
        needs = QSize(
            max(metrics.horizontalAdvance(line) for line in lines),
            metrics.height() + (len(lines) - 1) * metrics.lineSpacing(),
        )
        wide = needs.width() > room.width() + TOLERANCE
        # The title is centred on the section and painted over its margins when need be, so
        # its height is held against the whole section.
        height = header.height() if horizontal else size
        tall = needs.height() > height + TOLERANCE
        if not (wide or tall):
            continue
        tip = model.headerData(logical, orientation, Qt.ItemDataRole.ToolTipRole)
        if wide and not tall and elided_with_tip(text, str(tip or ""), full=text):
            continue  # the header elides its titles, as the cells do
        why = f"needs {needs.width()}x{needs.height()}, has {room.width()}x{room.height()}"
        where = f"{widget_path(header, window)} [section {logical}]"
        problems.append(LayoutProblem(where, " / ".join(text.split("\n")), CLIPPED, why))
    return problems


# -- geometry ---------------------------------------------------------------------------


def _overlaps(window: QWidget, parent: QWidget) -> list[LayoutProblem]:
    """Siblings that cover each other.

    Any two visible siblings are compared, whichever layout (or none) places them: widgets of
    one parent share its area, so nested layouts or a hand-placed widget can collide as well.
    What Qt stacks on purpose is out of the comparison already: hidden pages of a stacked
    widget are not visible, windows (menus, tooltips) are not children in the area, and Qt's
    own ``qt_*`` helpers (scroll bar containers, extension buttons) are skipped; a scroll
    area's viewport sits beside its scroll bars and headers, not under them.
    """
    children = [child for child in _children(parent, window) if not _private(child)]
    problems = []
    for first_index, first in enumerate(children):
        a = first.geometry()
        for second in children[first_index + 1 :]:
            common = a.intersected(second.geometry())
            if common.width() > TOLERANCE and common.height() > TOLERANCE:
                first_text = _own_text(first) or _own_text(second)
                problems.append(
                    LayoutProblem(
                        f"{widget_path(first, window)} × {widget_path(second, window)}",
                        first_text,
                        OVERLAP,
                        f"{common.width()}x{common.height()} px in common",
                    )
                )
    return problems


def _sideways(window: QWidget, area: QScrollArea) -> list[LayoutProblem]:
    """A scroll area with content wider than its view: cut off on the right where it does
    not scroll sideways (though nothing inside it is out of its own parent); where it may
    (a window cut to a narrow screen), a page that has to be scrolled sideways to be read."""
    content = area.widget()
    if content is None:
        return []
    more = content.width() - area.viewport().width()
    if more <= TOLERANCE:
        return []
    where = f"content {content.width()} px wide in a view of {area.viewport().width()} px"
    if area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        what = "content wider than the view"
    else:
        what = "content scrolls sideways"
    return [LayoutProblem(widget_path(area, window), what, OFFSCREEN, where)]


def _sliver(window: QWidget, area: QScrollArea) -> list[LayoutProblem]:
    """A scroll area whose scroll bar moves its content by less than a line: a bar shown for
    next to nothing, as when a page's needed height is overstated, or a page a few pixels
    short keeps them instead of giving them up (pages scroll by a line or more, or not)."""
    bar = area.verticalScrollBar()
    if not bar.isVisibleTo(window):
        return []
    scrolls = bar.maximum() - bar.minimum()
    line = area.fontMetrics().height()
    if scrolls >= line:
        return []
    where = f"scrolls by {scrolls} px, less than a line ({line} px)"
    return [LayoutProblem(widget_path(area, window), "scrolls by a sliver", SLIVER, where)]


def _offscreen(window: QWidget, widget: QWidget) -> list[LayoutProblem]:
    """A widget reaching out of its parent: the part outside is cut off.

    A scroll area's content may be larger than the viewport (that is what scrolling is for).
    """
    parent = widget.parentWidget()
    if parent is None or _is_viewport(parent):
        return []
    outer = parent.rect().adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
    if outer.contains(widget.geometry()):
        return []
    g = widget.geometry()
    where = f"{g.x()},{g.y()} {g.width()}x{g.height()} in {parent.width()}x{parent.height()}"
    return [LayoutProblem(widget_path(widget, window), _own_text(widget), OFFSCREEN, where)]


def _frame_room(window: QWidget) -> QMargins:
    """The room ``window`` keeps for its frame: as it says (the main window), else its frame
    as last known, ``FRAME_ROOM`` while none is (offscreen: it will have one on a desktop)."""
    kept = getattr(window, "frame_room", None)
    if callable(kept):
        room = kept()
        if isinstance(room, QMargins):
            return room
    return frame_room(frame_margins(window))


def _beyond_screen(window: QWidget) -> list[LayoutProblem]:
    """A window whose least size, with the room it keeps for its window manager's frame, is
    larger than its screen's room: part of it is off the screen however the user sizes it."""
    room = window.screen().availableGeometry().size().shrunkBy(_frame_room(window))
    least = window.minimumSize()
    if least.width() <= room.width() and least.height() <= room.height():
        return []
    where = (
        f"least size {least.width()}x{least.height()}, "
        f"its screen has room for {room.width()}x{room.height()}"
    )
    return [LayoutProblem(widget_path(window, window), window.windowTitle(), OFFSCREEN, where)]
