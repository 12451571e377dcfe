"""The window's figures for the keyboard and screen readers: a limit's row, the session card, a
period's total are Tab stops, told as groups read by their accessible names, with a ring round
the one the keyboard is on; and widgets told as what they do (a choice, a button) rather than as
what Qt makes them of."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleInterface,
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QAbstractButton, QAccessibleWidget, QApplication, QWidget

#: How the widgets of a class are told, by class name (see ``_tell_as``); None: as Qt tells
#: them.
_TOLD_AS: dict[str, Callable[[QWidget], QAccessibleInterface | None]] = {}
#: The property that marks one button of a plain class as a choice (``read_as_choices``).
CHOICE_PROPERTY = "readAsChoice"
#: The property that marks a widget as a figure (see ``make_figure``).
FIGURE_PROPERTY = "keyboardFigure"
#: How far the ring stands off the figure: clear of its text, within the room around it (the
#: window's margins, the spacing between rows).
RING_GAP = 3
#: An ampersand that marks the next character as a shortcut ("&&": an ampersand).
MNEMONIC = re.compile("&(.)")
#: The description a widget is to have once the keyboard leaves it (see ``tell``).
HELD_DESCRIPTION = "heldAccessibleDescription"


@runtime_checkable
class Clickable(Protocol):
    """A widget that does what it is for when clicked (``read_as_button``)."""

    def click(self) -> None: ...


class _ChoiceInterface(QAccessibleWidget):
    """A checkable button told as one choice among others (a radio button), checked or not."""

    def __init__(self, button: QWidget) -> None:
        super().__init__(button, QAccessible.Role.RadioButton)

    def _button(self) -> QAbstractButton | None:
        button = self.widget()
        return button if isinstance(button, QAbstractButton) else None

    def state(self) -> QAccessible.State:
        state = super().state()
        button = self._button()
        state.checkable = True
        state.checked = button is not None and button.isChecked()
        return state

    def text(self, kind: QAccessible.Text) -> str:
        button = self._button()
        if kind == QAccessible.Text.Name and button is not None and not button.accessibleName():
            return MNEMONIC.sub(r"\1", button.text())  # "&Tokens" is read "Tokens"
        return super().text(kind)

    def actionNames(self) -> list[str]:
        button = self._button()
        enabled = button is not None and button.isEnabled()
        return ([self.toggleAction()] if enabled else []) + super().actionNames()

    def doAction(self, name: str) -> None:
        button = self._button()
        if name == self.toggleAction() and button is not None and button.isEnabled():
            button.click()  # as a click: an exclusive group keeps one checked
        else:
            super().doAction(name)


class _ButtonInterface(QAccessibleWidget):
    """A widget that is not a ``QAbstractButton`` (a link-like label) told as a push button,
    pressed as if clicked."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, QAccessible.Role.Button)

    def actionNames(self) -> list[str]:
        return [self.pressAction(), *super().actionNames()]

    def doAction(self, name: str) -> None:
        widget = self.widget()
        if name == self.pressAction() and isinstance(widget, Clickable):
            widget.click()
        else:
            super().doAction(name)


def _factory(classname: str, thing: QObject) -> QAccessibleInterface | None:
    tell = _TOLD_AS.get(classname)
    if tell is not None and isinstance(thing, QWidget):
        return tell(thing)
    return None


def _tell_as(widget: QWidget, tell: Callable[[QWidget], QAccessibleInterface | None]) -> None:
    """Have screen readers told of widgets of ``widget``'s class by what ``tell`` makes (from
    before the first time they ask: Qt keeps what it told)."""
    name = widget.metaObject().className()
    if name in _TOLD_AS:
        return
    if not _TOLD_AS:
        QAccessible.installFactory(_factory)
    _TOLD_AS[name] = tell


def _group(widget: QWidget) -> QAccessibleInterface:
    return QAccessibleWidget(widget, QAccessible.Role.Grouping)


def read_as_group(widget: QWidget) -> None:
    """Have screen readers take widgets of ``widget``'s class for a group of figures. A frame
    (the card, a period's box) was told as a "frame", which AT-SPI keeps for windows: Orca
    could take the card for the window."""
    _tell_as(widget, _group)


def read_as_choice(button: QAbstractButton) -> None:
    """Have screen readers take checkable buttons of ``button``'s class for radio buttons, one
    choice of those beside them: a tool button that is checkable is told as a check box, which
    says that both may be ticked."""
    _tell_as(button, _ChoiceInterface)


def read_as_choices(*buttons: QAbstractButton) -> None:
    """``read_as_choice`` for these buttons alone, not all of their class: a tool bar's
    buttons of one exclusive group (Live | Usage) among others that are check boxes
    (Always on top) or plain buttons (Refresh)."""
    for button in buttons:
        button.setProperty(CHOICE_PROPERTY, True)
        _tell_as(button, _choice_if_marked)


def _choice_if_marked(widget: QWidget) -> QAccessibleInterface | None:
    return _ChoiceInterface(widget) if widget.property(CHOICE_PROPERTY) else None


def read_as_button(widget: Clickable) -> None:
    """Have screen readers take widgets of ``widget``'s class (a label that opens something
    when clicked) for push buttons that they can press (a label is told as static text)."""
    assert isinstance(widget, QWidget)
    _tell_as(widget, _ButtonInterface)


class _EnterPresses(QObject):
    """Enter (the keypad's too) presses the button the keyboard is on, as Space does: Qt's
    tool buttons, and its push buttons outside a dialog, take only Space. One for them all."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and isinstance(watched, QAbstractButton)
            and watched.isEnabled()
        ):
            watched.click()
            return True
        return False


_enter_presses: _EnterPresses | None = None


def press_on_enter(*buttons: QAbstractButton) -> None:
    """Have Enter press each of ``buttons`` when the keyboard is on it, as Space does."""
    global _enter_presses
    if _enter_presses is None or not shiboken6.isValid(_enter_presses):
        _enter_presses = _EnterPresses(QApplication.instance())
    for button in buttons:
        button.installEventFilter(_enter_presses)


def show_focus_rings(window: QWidget) -> None:
    """Have ``window``'s controls show the keyboard's focus (the style's focus rings), as
    they do once the user has moved it with Tab."""
    if not window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange):
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        focused = window.focusWidget()
        if focused is not None:
            focused.update()


class RingsKept(QObject):
    """Keeps ``window``'s focus rings across a visit elsewhere (a dialog of its own, another
    program): Qt takes them away (the window's ``WA_KeyboardFocusChange``) as it gives the
    window the focus back, and a keyboard user found the control they had reached with Tab
    without a sign of it after Settings, About or a file dialog closed. Owned by ``window``."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        #: Whether the rings showed as the window lost the focus.
        self._ringed_when_left = False
        window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._window
            and event.type() == QEvent.Type.ActivationChange
            and not self._window.isActiveWindow()
        ):
            self._ringed_when_left = self._window.testAttribute(
                Qt.WidgetAttribute.WA_KeyboardFocusChange
            )
        return False

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # The window has the focus back (Qt has just taken the rings away).
        if self._ringed_when_left and new is not None and new.window() is self._window:
            self._ringed_when_left = False
            show_focus_rings(self._window)


def give_focus(widget: QWidget) -> None:
    """Give ``widget`` the keyboard (the program's choice, not the user's), the window showing
    it as it showed the focus before: Qt stops drawing focus rings on any move of the focus
    but by Tab or a shortcut (a button handed the keyboard back had it unringed)."""
    window = widget.window()
    shown = window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if shown:
        show_focus_rings(window)


def make_figure(widget: QWidget) -> None:
    """Make ``widget`` a figure: a Tab stop (a click leaves the focus where it was), round
    which the ``FocusRing`` of a window shows when the keyboard is on it."""
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    widget.setProperty(FIGURE_PROPERTY, True)


class _DescriptionKeeper(QObject):
    """Gives the widgets it watches the description held back while the keyboard was on
    them, as the keyboard leaves (see ``tell``); one for them all."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QWidget):
            held = watched.property(HELD_DESCRIPTION)
            watched.setProperty(HELD_DESCRIPTION, None)
            if isinstance(held, str) and held != watched.accessibleDescription():
                watched.setAccessibleDescription(held)
        return False


_keeper: _DescriptionKeeper | None = None


def announce(widget: QWidget, message: str, *, urgent: bool = False) -> None:
    """Have screen readers say ``message`` now: what shows where the keyboard is not (an
    export's result over the page's foot, a new notice) is otherwise said to
    nobody. ``urgent`` (a failure) is said at once, over what is being read; else in turn."""
    # Qt 6.8 and later (the app runs on 6.7, which has no announcements: nothing is said).
    announcement = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if announcement is None or not QAccessible.isActive():  # nobody listening: nothing to send
        return
    event = announcement(widget, message)
    if urgent:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def tell(widget: QWidget, name: str, description: str) -> None:
    """Tell screen readers of a figure: ``name`` says what it means (when that changes, they
    read it out again: news), ``description`` what runs on with the clock (a countdown).

    The description of the figure the keyboard is on is held until the keyboard leaves it:
    screen readers read a focused widget's new description out too (Orca and NVDA do), and
    each minute's countdown would have been said over whatever the user was listening to.
    Tabbed back to, the figure is read with its current description."""
    if widget.accessibleName() != name:
        widget.setAccessibleName(name)
    if widget.hasFocus():
        global _keeper
        if _keeper is None or not shiboken6.isValid(_keeper):
            _keeper = _DescriptionKeeper(QApplication.instance())
        widget.installEventFilter(_keeper)  # installed again, it is not doubled
        widget.setProperty(HELD_DESCRIPTION, description)
    elif widget.accessibleDescription() != description:
        widget.setAccessibleDescription(description)


class FocusRing(QWidget):
    """A ring in the highlight colour round the figure the keyboard is on (or round the part a
    ``focus_area()`` method of it names), drawn in ``host`` (which has room round its figures:
    its margins, its spacing) and not in the figure itself, where it would touch its text.
    Clicks go through it."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        #: The figure ringed, and the widgets from it up to the host, whose moves move it.
        self.target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.hide()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        figure = (
            new is not None
            and new.property(FIGURE_PROPERTY) is True
            and self.host.isAncestorOf(new)
        )
        self.follow(new if figure else None)

    def follow(self, target: QWidget | None) -> None:
        """Ring ``target`` (None: none) wherever it goes until told otherwise."""
        for watched in self._watched:
            if shiboken6.isValid(watched):  # a row deleted (the limits rebuilt) is gone
                watched.removeEventFilter(self)
        self._watched = []
        self.target = target
        if target is None:
            self.hide()
            return
        widget: QWidget | None = target
        while widget is not None and widget is not self.host:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False

    def _place(self) -> None:
        target = self.target
        if target is None or not shiboken6.isValid(target) or not target.isVisibleTo(self.host):
            self.hide()
            return
        corner = target.mapTo(self.host, target.rect().topLeft())
        area = QRect(corner, target.size()).adjusted(-RING_GAP, -RING_GAP, RING_GAP, RING_GAP)
        self.setGeometry(area.intersected(self.host.rect()))
        self.show()
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(highlight, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self._ring_area()).adjusted(1, 1, -1, -1), 4, 4)
        painter.end()

    def _ring_area(self) -> QRect:
        """Where the ring goes: round the whole figure, or round the part of it its
        ``focus_area`` names (a text right-aligned in a wider label). Asked at each paint: a
        text changed repaints the figure, and this ring over it."""
        target = self.target
        area = getattr(target, "focus_area", None)
        if target is None or not callable(area) or not shiboken6.isValid(target):
            return self.rect()
        inner: QRect = area()
        corner = self.mapFrom(self.host, target.mapTo(self.host, inner.topLeft()))
        ring = QRect(corner, inner.size()).adjusted(-RING_GAP, -RING_GAP, RING_GAP, RING_GAP)
        return ring.intersected(self.rect())
