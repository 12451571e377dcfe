"""The live view's page: it scrolls down when the window is shorter than the view needs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QScrollArea, QWidget

from codex_presence_gui.ui.accessible import RING_GAP
from codex_presence_gui.ui.scrolling import make_page, page_room

#: What a margin or a gap between widgets keeps when the page gives pixels up: the focus ring
#: is drawn in them, round the figure the keyboard is on.
LEAST_GAP = RING_GAP + 1
#: What a tightened page (see ``LivePage.tightens``) may take off each margin and gap.
TIGHTEN = 4


class LiveBody(QWidget):
    """The live view's widgets, as tall as they need at least. A scroll area makes its widget
    as tall as the widget's height for its width, which for a layout is its preferred height
    (every row of the sessions table): the page had scrolled through room only the table
    would have filled."""

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        if layout is None:
            return super().heightForWidth(width)
        return max(layout.totalMinimumHeightForWidth(width), layout.totalMinimumSize().height())


class LivePage(QScrollArea):
    """The limits, the card and the sessions table (``body``, laid out by ``layout``), in a
    page that scrolls down where the window is shorter than they need (a screen too short
    for the full layout chosen, a window manager that holds the window below its least
    height), never sideways: nothing is cut off at the window's foot.

    A page a few pixels short gives them up from its margins and the gaps between its
    widgets instead of scrolling by a sliver (``cut``): it scrolls by a line or more, or not.
    """

    def __init__(self, body: LiveBody, layout: QBoxLayout) -> None:
        super().__init__()
        # The keyboard goes from figure to figure, and the page scrolls to the one it is on
        # (see ``MainWindow.focusNextPrevChild``).
        make_page(self, "livePage", "Live")
        self._layout = layout
        self._body = body
        #: The layout's own margins and spacing, which ``cut`` takes pixels from.
        self.margins = layout.contentsMargins()
        self.spacing = layout.spacing()
        #: Pixels taken off the top and bottom margins and off each gap (each down to
        #: ``LEAST_GAP``) so that a page a little short fits.
        self.cut = 0
        #: Whether the page, short by a line or more, tightens (takes up to ``TIGHTEN`` off
        #: each margin and gap) rather than scrolls: the automatic layout's full form, whose
        #: window would turn compact otherwise (see ``MainWindow.tightest_height``), and the
        #: compact layout, whose window would grow past a small screen or scroll.
        self.tightens = False
        self.setWidget(body)
        body.installEventFilter(self)

    def given_up(self) -> int:
        """The pixels ``cut`` takes from the page's height as its widgets are shown now."""
        return self._given_up(self.cut)

    def tightened_slack(self) -> int:
        """The pixels a tightened page gives up, with the widgets it shows now."""
        return self._given_up(TIGHTEN)

    def _given_up(self, cut: int) -> int:
        top, bottom, gap = self._cuts(cut)
        return top + bottom + self._gaps() * gap

    def _cuts(self, cut: int) -> tuple[int, int, int]:
        """What ``cut`` takes from the top margin, the bottom one and each gap."""
        return (
            min(cut, max(self.margins.top() - LEAST_GAP, 0)),
            min(cut, max(self.margins.bottom() - LEAST_GAP, 0)),
            min(cut, max(self.spacing - LEAST_GAP, 0)),
        )

    def _gaps(self) -> int:
        """How many gaps the layout has between the widgets it shows."""
        layout = self._layout
        shown = sum(
            1
            for index in range(layout.count())
            if (item := layout.itemAt(index)) is not None and not item.isEmpty()
        )
        return max(shown - 1, 0)

    def needed_height(self, width: int) -> int:
        """The least height of the page's widgets at ``width``, margins and gaps whole."""
        layout = self._layout
        needed = max(layout.totalMinimumHeightForWidth(width), layout.totalMinimumSize().height())
        return needed + self.given_up()

    def fit_height(self) -> None:
        """Give up the pixels the page lacks from its margins and gaps, when it lacks fewer
        than a line and they hold them: a scroll bar that moves the page by a sliver is no
        use (at 800x480, a full layout chosen had lacked 12 px). A page that ``tightens``
        gives up as much as ``TIGHTEN`` from each. Lacking more, the page scrolls, by a line
        or more.

        The room is measured as the scroll area measures it: the page's whole width while
        it shows no scroll bar, else the width beside the bar (which it keeps while the page
        does not fit beside it: ``page_room``), and never narrower than the widgets' least
        width, as Qt measures it: at the compact layout's least width the bar fits beside
        nothing, and a page measured beside it had kept a bar that tightening would have
        hidden."""
        room = page_room(self)
        least = self._body.minimumSizeHint().expandedTo(self._body.minimumSize())
        width = max(room.width(), least.width())
        short = self.needed_height(width) - room.height()
        cut = 0
        tight = self.tightens and short <= self.tightened_slack()
        if short > 0 and (short < self.fontMetrics().height() or tight):
            most = max(self.margins.top(), self.margins.bottom(), self.spacing)
            cut = next((c for c in range(1, most + 1) if self._given_up(c) >= short), 0)
        if cut == self.cut:
            return
        self.cut = cut
        top, bottom, gap = self._cuts(cut)
        margins = self.margins
        self._layout.setContentsMargins(
            margins.left(), margins.top() - top, margins.right(), margins.bottom() - bottom
        )
        self._layout.setSpacing(self.spacing - gap)

    def refit(self) -> None:
        """Size the widgets to the page now: another layout's widgets need another least
        size, which the scroll area reads when the event loop next runs."""
        QApplication.sendEvent(self, QEvent(QEvent.Type.LayoutRequest))

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Fitted before the scroll area reads the widgets' height: once it shows a scroll
        # bar, it keeps it while the page does not fit beside it.
        self.fit_height()
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            # The widgets ask for other room (a notice, a text wrapped anew, rows shown).
            self.fit_height()
        return super().eventFilter(watched, event)
