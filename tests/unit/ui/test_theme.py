"""Colours: light and dark can be forced; the system choice follows the desktop's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
    QStyleOptionHeader,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.theme import (
    apply_theme,
    contrast_ratio,
    is_dark,
    level_color,
    level_text_color,
    muted_color,
    set_muted,
)
from codex_presence_gui.viewmodels.session_table import ACTIVE_ROW_TINT
from tests.helpers.rings import ringed


def test_forced_themes_and_back(qtbot: QtBot, qapp: QApplication) -> None:
    """Dark, light, and system palettes; bar colours adapt to each."""
    try:
        apply_theme(qapp, "dark")
        assert is_dark(qapp.palette())
        dark_green = level_color(Level.GOOD, qapp.palette())
        apply_theme(qapp, "light")
        assert not is_dark(qapp.palette())
        assert level_color(Level.GOOD, qapp.palette()) != dark_green
        muted = muted_color(qapp.palette())
        text = qapp.palette().color(QPalette.ColorRole.WindowText)
        assert muted != text
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_secondary_text_reaches_wcag_aa(qapp: QApplication, theme: str) -> None:
    """Captions, costs and ended rows: at least 4.5:1 on the window and on the table rows,
    and still quieter than the main text."""
    try:
        apply_theme(qapp, theme)
        palette = qapp.palette()
        muted = muted_color(palette)
        text = palette.color(QPalette.ColorRole.WindowText)
        for role in (
            QPalette.ColorRole.Window,
            QPalette.ColorRole.Base,
            QPalette.ColorRole.AlternateBase,
        ):
            background = palette.color(role)
            assert contrast_ratio(muted, background) >= 4.5, (theme, role, muted.name())
            assert contrast_ratio(muted, background) < contrast_ratio(text, background) - 3
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize(("first", "then"), [("system", "dark"), ("dark", "light")])
def test_muted_labels_follow_a_theme_change(
    qtbot: QtBot, qapp: QApplication, first: str, then: str
) -> None:
    """A caption muted under one theme is recoloured for the next (it kept the old grey)."""
    try:
        apply_theme(qapp, first)
        host = QWidget()
        qtbot.addWidget(host)
        caption = QLabel("Today", host)
        set_muted(caption)
        plain = QLabel("205K tokens", host)
        set_muted(plain, False)
        host.show()
        apply_theme(qapp, then)
        window = qapp.palette().color(QPalette.ColorRole.Window)
        qtbot.waitUntil(lambda: host.palette().color(QPalette.ColorRole.Window) == window)
        shown = caption.palette().color(QPalette.ColorRole.WindowText)
        assert shown == muted_color(host.palette())
        assert contrast_ratio(shown, window) >= 4.5
        text = host.palette().color(QPalette.ColorRole.WindowText)
        assert plain.palette().color(QPalette.ColorRole.WindowText) == text
    finally:
        apply_theme(qapp, "system")


def grab(qtbot: QtBot, widget: QWidget) -> tuple[QWidget, QImage]:
    """``widget`` drawn in a window of its own (so the window colour is behind it)."""
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.addWidget(widget)
    qtbot.addWidget(host)
    host.resize(host.sizeHint())
    host.show()
    QApplication.processEvents()
    return host, host.grab().toImage()


def best_edge(image: QImage, points: list[QPoint], against: QColor) -> float:
    """The highest contrast of the pixels at ``points`` against ``against``."""
    return max(contrast_ratio(QColor(image.pixel(p)), against) for p in points)


def indicator_rect(box: QCheckBox) -> QRect:
    option = QStyleOptionButton()
    box.initStyleOption(option)
    return box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)


def test_dark_borders_are_visible(qtbot: QtBot, qapp: QApplication) -> None:
    """An unchecked check box and a line edit have borders of at least 3:1 against both the
    window and the field; a checked box still looks different from an unchecked one."""
    try:
        apply_theme(qapp, "dark")
        palette = qapp.palette()
        window = palette.color(QPalette.ColorRole.Window)
        base = palette.color(QPalette.ColorRole.Base)

        box = QCheckBox("Unchecked")
        host, image = grab(qtbot, box)
        rect = indicator_rect(box).translated(box.mapTo(host, QPoint(0, 0)))
        middle = rect.center().y()
        left_edge = [QPoint(x, middle) for x in range(rect.left(), rect.left() + 2)]
        top_edge = [QPoint(rect.center().x(), y) for y in range(rect.top(), rect.top() + 2)]
        for edge in (left_edge, top_edge):
            assert best_edge(image, edge, window) >= 3
            assert best_edge(image, edge, base) >= 3
        unchecked = image.copy(rect)
        box.setChecked(True)
        QApplication.processEvents()
        assert host.grab().toImage().copy(rect) != unchecked

        field = QLineEdit("text")
        field.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus ring is another colour
        host, image = grab(qtbot, field)
        origin = field.mapTo(host, QPoint(0, 0))
        middle = origin.y() + field.height() // 2
        edge = [QPoint(origin.x() + dx, middle) for dx in range(2)]
        assert not field.hasFocus()
        assert best_edge(image, edge, window) >= 3
        assert best_edge(image, edge, base) >= 3
    finally:
        apply_theme(qapp, "system")


def test_the_light_theme_is_drawn_as_fusion_draws_it(qtbot: QtBot, qapp: QApplication) -> None:
    """The dark-palette borders leave the light theme pixel for pixel as it was."""
    try:
        apply_theme(qapp, "light")
        for kind in (QCheckBox, QLineEdit, QPushButton):
            ours, plain = kind("Same"), kind("Same")
            plain.setStyle(QStyleFactory.create("fusion"))  # the widget takes it over
            for widget in (ours, plain):
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            assert grab(qtbot, ours)[1] == grab(qtbot, plain)[1], kind.__name__
    finally:
        apply_theme(qapp, "system")


def _arrow(style: QStyle, indicator: QStyleOptionHeader.SortIndicator) -> QImage:
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    option = QStyleOptionHeader()
    option.rect = QRect(0, 0, 16, 16)
    option.sortIndicator = indicator
    painter = QPainter(image)
    style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, option, painter)
    painter.end()
    return image


def test_a_largest_first_sort_points_down(qapp: QApplication) -> None:
    """Qt's header asks for an up arrow for a descending sort; the app's style draws what
    Fusion draws for the other way, as Windows Explorer and Finder point: ▼ for largest first."""
    from codex_presence_gui.ui.theme import _OutlinedStyle

    # The app's wrap of Fusion (made here: a platform whose own style is not Fusion keeps it).
    ours, fusion = _OutlinedStyle("fusion"), QStyleFactory.create("fusion")
    up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
    assert _arrow(fusion, up) != _arrow(fusion, down)  # the two are told apart
    assert _arrow(ours, up) == _arrow(fusion, down)
    assert _arrow(ours, down) == _arrow(fusion, up)


def test_contrast_ratios_are_wcags() -> None:
    """Pinned on WCAG's own figures: the extremes, and the grey that just passes AA."""
    black, white = QColor("#000000"), QColor("#ffffff")
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    assert contrast_ratio(QColor("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(QColor("#777777"), white) < 4.5


def test_a_level_colour_set_after_a_muted_one_stays(qtbot: QtBot) -> None:
    """A limit row quiet on one refresh and warning on the next: "Limit reached" in red and
    the pace warning in amber, not put back to grey by the muted label's palette keeper."""
    from codex_presence_gui.ui.limits_panel import LimitBar
    from codex_presence_gui.viewmodels.limits import LimitRowView, RowState

    def row(**changes: object) -> LimitRowView:
        values: dict[str, object] = {
            "label": "5h",
            "state": RowState.CURRENT,
            "percent_text": "64% left",
            "level": Level.GOOD,
            "left_fraction": 0.64,
            "dimmed": False,
            "status_text": "resets in 2h",
            "emphasis": False,
            "pace_text": "pace: fine",
            "pace_warning": False,
            "spoken": "5h",
        }
        values.update(changes)
        return LimitRowView(**values)  # type: ignore[arg-type]

    def text_color(widget: QWidget) -> QColor:
        return widget.palette().color(QPalette.ColorRole.WindowText)

    bar = LimitBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_row(row(dimmed=True))
    bar.show_row(row())
    palette = bar.palette()
    assert text_color(bar.percent) == level_text_color(Level.GOOD, palette)  # fresh again
    bar.show_row(
        row(
            level=Level.LOW,
            percent_text="0% left",
            left_fraction=0.0,
            emphasis=True,
            status_text="Limit reached",
            pace_warning=True,
            pace_text="at this pace: runs out ~15:20",
        )
    )
    assert text_color(bar.status) == level_text_color(Level.LOW, palette)
    assert text_color(bar.pace) == level_text_color(Level.WARN, palette)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_level_colours_as_text_reach_wcag_aa(qapp: QApplication, theme: str) -> None:
    """ "64% left" in green, "Limit reached" in red, a pace warning in amber: text, so at
    least 4.5:1 against the window and the table rows (the light theme's green bar colour
    was 3.2:1), and still the level's own hue."""
    try:
        apply_theme(qapp, theme)
        palette = qapp.palette()
        for level in (Level.GOOD, Level.WARN, Level.LOW):
            text = level_text_color(level, palette)
            for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                assert contrast_ratio(text, palette.color(role)) >= 4.5, (level, role)
            assert text.hue() == pytest.approx(level_color(level, palette).hue(), abs=12)
    finally:
        apply_theme(qapp, "system")


def test_the_muted_colour_follows_the_palettes_colour_group(qapp: QApplication) -> None:
    """A widget's palette switches group (active, disabled) under one cache key: the quiet
    colour of each group is its own, whichever was asked for first."""
    palette = QPalette(qapp.palette())
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#8c959f"))
    palette.setCurrentColorGroup(QPalette.ColorGroup.Active)
    active = muted_color(palette)
    palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
    disabled = muted_color(palette)
    assert active != disabled
    palette.setCurrentColorGroup(QPalette.ColorGroup.Active)
    assert muted_color(palette) == active


def test_a_tool_bar_divider_shows_on_a_dark_window(qtbot: QtBot, qapp: QApplication) -> None:
    """The line between the page buttons and the others (Fusion's is the window colour a
    tenth darker, invisible on a dark window) reaches 1.5:1 against the window."""
    from PySide6.QtWidgets import QToolBar

    try:
        apply_theme(qapp, "dark")
        window = qapp.palette().color(QPalette.ColorRole.Window)
        bar = QToolBar()
        bar.addAction("Live")
        bar.addSeparator()
        bar.addAction("Usage")
        host, image = grab(qtbot, bar)
        first = bar.widgetForAction(bar.actions()[0])
        second = bar.widgetForAction(bar.actions()[2])
        assert first is not None
        assert second is not None
        left = first.mapTo(host, QPoint(first.width(), 0)).x()
        right = second.mapTo(host, QPoint(0, 0)).x()
        middle = bar.mapTo(host, QPoint(0, bar.height() // 2)).y()
        between = [QPoint(x, middle) for x in range(left, right)]
        assert best_edge(image, between, window) >= 1.5
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_tool_bar_s_overflow_button_stands_out(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """The » a tool bar shows where it has no room for all its actions (the full layout on a
    320-px screen) reaches 3:1 against the bar, as a control's glyph must: Fusion draws it a
    fixed dark grey, 1.3:1 on the dark bar. So too after a theme change, the button having
    taken its icon when it was made."""
    from PySide6.QtWidgets import QMainWindow, QToolBar, QToolButton

    try:
        apply_theme(qapp, "dark" if theme == "light" else "light")
        window = QMainWindow()
        qtbot.addWidget(window)
        bar = QToolBar()
        for name in ("Live", "Usage", "Always on top", "Compact", "Refresh"):
            bar.addAction(name)
        window.addToolBar(bar)
        window.resize(160, 80)
        window.show()
        qtbot.waitExposed(window)
        extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert extension is not None
        qtbot.waitUntil(extension.isVisible)
        apply_theme(qapp, theme)
        QApplication.processEvents()
        place = QRect(extension.mapTo(window, QPoint(0, 0)), extension.size())
        image = window.grab().toImage().copy(place)
        background = QColor(image.pixel(1, 1))
        assert contrast_ratio(background, bar.palette().color(QPalette.ColorRole.Window)) < 1.2
        glyph = [QPoint(x, y) for x in range(image.width()) for y in range(image.height())]
        assert best_edge(image, glyph, background) >= 3
    finally:
        apply_theme(qapp, "system")


def test_a_sorted_title_aligned_right_ends_before_its_arrow(qapp: QApplication) -> None:
    """Fusion drew a sorted section's title over its whole width: "Tokens", aligned to the
    right like its numbers, ran into the arrow ("Tokens▾"). The title ends before it."""
    from codex_presence_gui.ui.theme import _OutlinedStyle

    style = _OutlinedStyle("fusion")
    section = QStyleOptionHeader()
    section.rect = QRect(0, 0, 90, 24)
    section.text = "Tokens"
    section.textAlignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    section.state = QStyle.StateFlag.State_Horizontal | QStyle.StateFlag.State_Enabled
    section.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    section.palette = qapp.palette()
    section.fontMetrics = QFontMetrics(qapp.font())
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, section, None)
    label = QStyleOptionHeader(section)
    label.rect = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, section, None)
    # What measures the title (the layout check) is told the room it is drawn in.
    assert label.rect.right() < arrow.left()
    image = QImage(90, 24, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    style.drawControl(QStyle.ControlElement.CE_HeaderLabel, label, painter)
    painter.end()
    inked = [x for x in range(90) for y in range(24) if QColor(image.pixel(x, y)).lightness() < 200]
    assert inked  # the title was drawn
    assert max(inked) < arrow.left()


def test_a_sorted_title_in_a_real_header_sits_close_to_its_arrow(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """In a header as the tables paint it, the title ends a margin's breadth before the
    arrow: not under it, nor an arrow's width further off (the room the style had already
    left for the arrow was taken a second time)."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from codex_presence_gui.ui.theme import _OutlinedStyle

    style = _OutlinedStyle("fusion")
    model = QStandardItemModel(1, 1)
    model.setHorizontalHeaderLabels(["Tokens"])
    model.setHeaderData(
        0,
        Qt.Orientation.Horizontal,
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        Qt.ItemDataRole.TextAlignmentRole,
    )
    view = QTableView()
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    view.setStyle(style)
    header.setStyle(style)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    header.resizeSection(0, 120)
    view.resize(200, 100)
    view.show()
    qtbot.waitExposed(view)
    image = header.grab().toImage()
    section = QStyleOptionHeader()
    section.rect = QRect(0, 0, 120, header.height())
    section.state = QStyle.StateFlag.State_Horizontal
    section.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, section, header)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, section, header)
    background = QColor(image.pixel(2, header.height() // 2)).lightness()
    # The title's ink in the rows below the arrow (the arrow's own edge is not the title's).
    inked = [
        x
        for x in range(arrow.right())
        for y in range(arrow.bottom() + 1, header.height() - 2)
        if QColor(image.pixel(x, y)).lightness() < background - 60
    ]
    assert inked
    assert arrow.left() - 3 * margin - 2 <= max(inked) < arrow.left()


@pytest.mark.parametrize(
    "side", [Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight], ids=["left", "right"]
)
def test_a_title_lines_up_with_its_column_s_texts(
    qtbot: QtBot, qapp: QApplication, side: Qt.AlignmentFlag
) -> None:
    """A column's title starts (aligned left) or ends (aligned right, as the Usage tables'
    numbers are) in line with the texts of its cells: Fusion leaves a title 2 px from the
    section's edge and a cell's text 3 px, and the titles over numbers had stood out to the
    right of them."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from codex_presence_gui.ui.theme import _OutlinedStyle

    style = _OutlinedStyle("fusion")
    alignment = side | Qt.AlignmentFlag.AlignVCenter
    model = QStandardItemModel(1, 1)
    model.setHorizontalHeaderLabels(["IIII"])
    model.setHeaderData(
        0, Qt.Orientation.Horizontal, int(alignment), Qt.ItemDataRole.TextAlignmentRole
    )
    cell = QStandardItem("IIII")
    cell.setTextAlignment(alignment)
    model.setItem(0, 0, cell)
    view = QTableView()
    qtbot.addWidget(view)
    view.setStyle(style)
    view.horizontalHeader().setStyle(style)
    view.setModel(model)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.horizontalHeader().resizeSection(0, 100)
    view.resize(140, 100)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    top = view.horizontalHeader().height()

    def inked(first: int, last: int) -> tuple[int, int]:
        """The leftmost and rightmost columns of dark ink in rows ``first`` to ``last``,
        within the section (not its edges' lines)."""
        xs = [
            x
            for x in range(2, 96)
            for y in range(first, last)
            if QColor(image.pixel(x, y)).lightness() < 100
        ]
        return min(xs), max(xs)

    assert inked(2, top - 2) == inked(top + 4, top + 20)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_disabled_field_looks_disabled(qtbot: QtBot, qapp: QApplication, theme: str) -> None:
    """A disabled field (Settings' project rule fields with no rule chosen) is filled with
    the window's colour, as the system's palette fills it, and its example text is no
    brighter than disabled text. Both palettes had filled it as an editable one, and the
    dark one drew its example ("Client work") brighter than disabled text: it read as an
    alias already set."""
    try:
        apply_theme(qapp, theme)
        palette = qapp.palette()
        disabled = QPalette.ColorGroup.Disabled
        window = palette.color(QPalette.ColorRole.Window)
        assert palette.color(disabled, QPalette.ColorRole.Base) == window
        assert palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base) != window
        placeholder = palette.color(disabled, QPalette.ColorRole.PlaceholderText)
        text = palette.color(disabled, QPalette.ColorRole.Text)
        assert contrast_ratio(placeholder, window) <= contrast_ratio(text, window)
        field = QLineEdit()
        qtbot.addWidget(field)
        field.setPlaceholderText("Client work")
        field.resize(200, 30)
        field.setEnabled(False)
        inside = field.grab().toImage().pixelColor(100, 3)
        assert inside.name() == window.name()
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_selected_row_s_text_reaches_wcag_aa_and_its_ring_3_to_1(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """The selected row's text on the selection as drawn: 4.5:1 or more. The dark theme's
    blue had given 3.4:1 (white on #488af6), in its menus too. The focus ring, drawn in
    the same colour, keeps 3:1 on the window, as a control's boundary needs."""
    try:
        apply_theme(qapp, theme)
        palette = qapp.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight)
        assert contrast_ratio(highlight, palette.color(QPalette.ColorRole.Window)) >= 3
        table = QTableWidget(3, 2)
        for row in range(3):
            for column in range(2):
                table.setItem(row, column, QTableWidgetItem(""))
        table.setFocus()
        table.selectRow(1)
        host, image = grab(qtbot, table)
        cell = table.visualItemRect(table.item(1, 1))
        middle = table.viewport().mapTo(host, cell.center())
        drawn = QColor(image.pixel(middle))
        assert drawn != palette.color(QPalette.ColorRole.Base)  # the selection, not a row
        text = palette.color(QPalette.ColorRole.HighlightedText)
        assert contrast_ratio(text, drawn) >= 4.5, drawn.name()
    finally:
        apply_theme(qapp, "system")


def test_the_system_choice_keeps_the_desktops_colours_under_a_windows_style(
    qapp: QApplication,
) -> None:
    """Windows' own styles (windowsvista, windows11) have no standard palette of their own:
    Qt's fallback is the grey of Windows 2000. The system choice keeps the desktop's colours
    (the platform's palette, its dark mode and accent), also after a forced theme."""
    desktop = qapp.palette()  # the desktop's colours (each test ends on the system choice)
    try:
        qapp.setStyle(QStyleFactory.create("windows"))  # the base of both, here on every OS
        apply_theme(qapp, "system")
        window = qapp.palette().color(QPalette.ColorRole.Window)
        assert window == desktop.color(QPalette.ColorRole.Window), window.name()
        apply_theme(qapp, "dark")
        apply_theme(qapp, "system")
        window = qapp.palette().color(QPalette.ColorRole.Window)
        assert window == desktop.color(QPalette.ColorRole.Window), window.name()
    finally:
        qapp.setStyle(QStyleFactory.create("fusion"))
        apply_theme(qapp, "system")


def keyboard_to(qtbot: QtBot, host: QWidget, widget: QWidget) -> QImage:
    """The keyboard taken to ``widget``, the one Tab stop of its active window ``host``, by
    Tab; the window drawn."""
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
    host.setFocus()
    qtbot.keyClick(host, Qt.Key.Key_Tab)
    assert ringed(widget)
    return host.grab().toImage()


def ring_contrast(image: QImage, line: list[QPoint], inside: QPoint) -> float:
    """The best contrast along ``line`` (across a ring) against the colour at ``inside``."""
    return best_edge(image, line, QColor(image.pixel(inside)))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_keyboard_s_cell_in_a_table_shows_at_3_to_1(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """The cell the keyboard is on has a ring of 3:1 or more on a plain row and on the active
    session's tinted one. Fusion's, the highlight at a third of its strength, had 1.1:1 on
    the dark theme's rows and 1.5:1 on the light theme's tinted row."""
    try:
        apply_theme(qapp, theme)
        for tint in (None, ACTIVE_ROW_TINT):
            table = QTableWidget(2, 2)
            for row in range(2):
                for column in range(2):
                    item = QTableWidgetItem("")
                    if tint is not None:
                        item.setBackground(tint)
                    table.setItem(row, column, item)
            table.setCurrentCell(0, 1, QItemSelectionModel.SelectionFlag.NoUpdate)
            host, _image = grab(qtbot, table)
            image = keyboard_to(qtbot, host, table)
            assert not table.selectedItems()
            cell = table.visualItemRect(table.item(0, 1))
            top = table.viewport().mapTo(host, QPoint(cell.center().x(), cell.top()))
            line = [top + QPoint(0, dy) for dy in range(3)]
            assert ring_contrast(image, line, top + QPoint(0, 6)) >= 3, (theme, tint)
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_keyboard_s_check_box_and_tab_show_at_3_to_1(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """A check box the keyboard is on has a ring of 3:1 round its text, and on a dark
    palette its box lit as on a light one (the dark outline had been drawn over Fusion's
    focus colour, and the ring was 1.5:1); the tab the keyboard is on has a ring of 3:1
    inside it (Fusion's tint of it was 1.1:1 to 1.5:1)."""
    try:
        apply_theme(qapp, theme)
        box = QCheckBox("Keep the window above other windows")
        host, resting = grab(qtbot, box)
        image = keyboard_to(qtbot, host, box)
        option = QStyleOptionButton()
        box.initStyleOption(option)
        style = box.style()
        text = style.subElementRect(QStyle.SubElement.SE_CheckBoxFocusRect, option, box)
        text = text.translated(box.mapTo(host, QPoint(0, 0)))
        across = [QPoint(text.center().x(), text.top() + dy) for dy in range(-1, 2)]
        assert ring_contrast(image, across, QPoint(text.center().x(), text.top() - 3)) >= 3
        indicator = indicator_rect(box).translated(box.mapTo(host, QPoint(0, 0)))
        edge = QPoint(indicator.left(), indicator.center().y())
        assert image.pixel(edge) != resting.pixel(edge)  # lit, as Fusion lights it

        tabs = QTabWidget()
        tabs.addTab(QWidget(), "General")
        tabs.addTab(QWidget(), "Discord")
        host, _image = grab(qtbot, tabs)
        bar = tabs.tabBar()
        image = keyboard_to(qtbot, host, bar)
        tab = bar.tabRect(0).translated(bar.mapTo(host, QPoint(0, 0)))
        left = [QPoint(tab.left() + dx, tab.center().y()) for dx in range(2, 6)]
        assert ring_contrast(image, left, QPoint(tab.left() + 7, tab.center().y())) >= 3
    finally:
        apply_theme(qapp, "system")
