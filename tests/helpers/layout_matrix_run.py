"""The layout matrix: every state at every size, layout and theme, checked by the layout check;
and every tab of the settings dialog (``run_settings_matrix``).

Run in-process by the matrix test, and as ``python -m tests.helpers.layout_matrix_run FOLDER``
(with ``QT_SCALE_FACTOR=2``, on a 1280x800 screen) for the scale-2 pass, which prints its
results as one JSON line.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication

from codex_presence_gui.ui.layout_check import LayoutProblem, check_layout
from codex_presence_gui.ui.main_window import LIVE_PAGE, USAGE_PAGE
from codex_presence_gui.ui.window_state import LayoutMode, WindowState
from tests.helpers.layout_states import USAGE_PERIODS, USAGE_STATES

LAYOUTS = ("auto", "compact", "full")
THEMES = ("light", "dark")
#: A chosen (pinned) layout is also checked this much wider than its least width, at its least
#: height: where texts wrap most and columns are squeezed (347 to 420 px for the full layout).
NARROW_STEPS = (1, 13, 33, 53, 73)
#: Small screens' sizes: the automatic layout is checked there at the size asked, not at the
#: least size it may keep on the matrix's roomier screen (a compact window with two sets of
#: limits had been 360x496, taller than a screen of 360x480, and passed).
SMALL_SCREENS = ((360, 480), (800, 480))
#: Screens narrower than the full layout's tool bar, each the only screen of a process of its
#: own (``python -m tests.helpers.layout_matrix_run FOLDER --on-screen``): a full layout
#: chosen there had been wider than the screen (361 px on 360, 45 px too wide on 320).
NARROW_SCREENS = ((360, 480), (320, 480))


def matrix_sizes(switch: tuple[int, int] = (560, 400)) -> list[tuple[int, int]]:
    """A spread of sizes up to 1600x1000, with both sides of the automatic compact switch
    (``switch``: the least size of the full layout, measured per window since it depends on
    what the window shows)."""
    width, height = switch
    sizes = [
        (360, 300),
        *SMALL_SCREENS,
        (420, 420),
        (480, 360),
        (width - 1, height + 20),
        (width, height + 20),
        (width + 40, height - 1),
        (width + 40, height),
        (640, 480),
        (820, 580),
        (1024, 700),
        (1280, 800),
        (1600, 1000),
    ]
    return list(dict.fromkeys(sizes))


@dataclass(frozen=True)
class Found:
    """One problem in one combination."""

    state: str
    size: str
    layout: str
    theme: str
    scale: int
    widget: str
    text: str
    kind: str
    detail: str


def found_in(
    problems: list[LayoutProblem], state: str, size: str, layout: str, theme: str, scale: int
) -> list[Found]:
    """The ``problems`` of one combination, each as a ``Found``."""
    return [
        Found(state, size, layout, theme, scale, p.widget, p.text, p.kind, p.detail)
        for p in problems
    ]


@dataclass
class MatrixResult:
    """What a run checked and found."""

    combinations: int
    found: list[Found]


def show_period(window: object, home: Path, days: int) -> None:
    """Have ``window``'s Usage page show ``home``'s usage over ``days`` days, its period
    chooser on them, as ``screenshot --usage-days`` does."""
    from codex_presence_gui.app import read_usage_view
    from codex_presence_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.usage_page.set_days(days)
    window.show_usage(read_usage_view([home], days=days))


def _window_for(home: Path, state: WindowState | None = None) -> object:
    """The main window showing ``home``'s data, built as ``screenshot`` builds it (with the
    ``WindowState`` ``state``, when given)."""
    from codex_presence_gui.app import read_usage_view
    from codex_presence_gui.core.dashboard import build_dashboard, history_since
    from codex_presence_gui.core.history import HistoryReader
    from codex_presence_gui.core.reader import CodexReader
    from codex_presence_gui.ui.main_window import MainWindow

    reader = CodexReader([home])
    result = reader.refresh()
    found = reader.discovery
    history = HistoryReader().refresh(
        found.files if found is not None else (), since=history_since(result)
    )
    window = MainWindow(state)
    window.show_dashboard(build_dashboard(result, history=history))
    window.show_usage(read_usage_view([home]))
    return window


def run_matrix(
    homes: dict[str, Path],
    *,
    sizes: Sequence[tuple[int, int]] | None = None,
    layouts: Iterable[str] = LAYOUTS,
    themes: Iterable[str] = THEMES,
    direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight,
    on_screen: bool = False,
) -> MatrixResult:
    """Check every state at every size, layout and theme; one window per state. A chosen
    layout is checked at its least size and just wider (``NARROW_STEPS``). The Usage page is
    checked in the full and automatic layouts of the ``USAGE_STATES``, at each of its
    ``USAGE_PERIODS`` too (reported as ``/usage-7d``). Right to left (``direction``,
    as ``-reverse`` sets it), each layout is reported with ``/rtl``. ``on_screen``: checked
    only at the layout's least size and at the screen's room (less the window's frame),
    each no larger than that room (for the ``NARROW_SCREENS``)."""
    from codex_presence_gui.app import application

    app = application()
    app.setLayoutDirection(direction)
    try:
        marked = _marked(direction)
        return _run_matrix(homes, sizes, list(layouts), list(themes), marked, on_screen)
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _marked(direction: Qt.LayoutDirection) -> str:
    """What a layout's name gets in a right-to-left run."""
    return "/rtl" if direction == Qt.LayoutDirection.RightToLeft else ""


def _run_matrix(
    homes: dict[str, Path],
    sizes: Sequence[tuple[int, int]] | None,
    layouts: list[str],
    themes: list[str],
    mark: str,
    on_screen: bool = False,
) -> MatrixResult:
    """``run_matrix``'s checks, in the application's direction (``mark`` said with each)."""
    from codex_presence_gui.app import application, settle
    from codex_presence_gui.ui.main_window import DEFAULT_SIZE, MainWindow
    from codex_presence_gui.ui.theme import apply_theme

    app = application()
    scale = round(float(os.environ.get("QT_SCALE_FACTOR", "1") or 1))
    found: list[Found] = []
    combinations = 0
    for state, home in homes.items():
        window = _window_for(home)
        assert isinstance(window, MainWindow)
        # The size a first window has on a roomy screen: at a scale of 2 the matrix's screen
        # (640x400) would open it smaller, and the sizes below are measured from it.
        window.resize(*DEFAULT_SIZE)
        window.show()
        settle()
        full = window.needed_size(False)
        spread = list(sizes if sizes is not None else matrix_sizes((full.width(), full.height())))
        # The screen's room less what the window keeps for its frame (offscreen it has none).
        room = app.primaryScreen().availableGeometry().size().shrunkBy(window.frame_room())
        if on_screen:
            spread = [room.toTuple()]
        for theme in themes:
            apply_theme(app, theme)
            pages = [(layout, LIVE_PAGE, 30) for layout in layouts]
            if state in USAGE_STATES:
                # Automatic, the page keeps the full layout in a window too short for the
                # live view's.
                pages += [
                    (layout, USAGE_PAGE, days)
                    for days in (30, *USAGE_PERIODS.get(state, ()))
                    for layout in layouts
                    if layout != "compact"
                ]
            shown_days = 30
            for layout, page, days in pages:
                if days != shown_days:
                    show_period(window, home, days)
                    shown_days = days
                window.set_layout_mode(LayoutMode(layout))
                window.set_page(page)
                settle()
                # From the layout's own minimum up: a smaller size cannot be had (the window
                # manager keeps to the minimum), and a pinned compact window is as tall as its
                # contents at its width, whatever height is asked: both are read after resizing.
                least = window.minimumSize()
                narrow = [(least.width(), least.height())]
                if layout != "auto" and not on_screen:
                    narrow += [(least.width() + step, least.height()) for step in NARROW_STEPS]
                checked: set[tuple[int, int, int, int]] = set()
                for asked in [*narrow, *spread]:
                    window.resize(*asked)
                    settle()
                    fitted = QSize(*asked).expandedTo(window.minimumSize())
                    fitted = fitted.boundedTo(window.maximumSize())
                    if fitted != window.size():
                        window.resize(fitted)
                        settle()
                    width, height = fitted.width(), fitted.height()
                    asked_for = (width, height)
                    if layout == "auto" and asked in SMALL_SCREENS:
                        asked_for = asked  # a screen's size: no taller, no wider
                    if on_screen:
                        asked_for = room.toTuple()  # whatever the layout needs
                    if (width, height, *asked_for) in checked:
                        continue
                    checked.add((width, height, *asked_for))
                    combinations += 1
                    problems: list[LayoutProblem] = check_layout(window, QSize(*asked_for))
                    shown = "compact" if window.compact else "full"
                    chosen = shown if layout == shown else f"{layout}:{shown}"
                    if page != LIVE_PAGE:
                        chosen += f"/{page}" + (f"-{days}d" if days != 30 else "")
                    chosen += mark
                    found += found_in(problems, state, f"{width}x{height}", chosen, theme, scale)
            if shown_days != 30:
                show_period(window, home, 30)  # the next theme's pages start from the 30 days
        window.set_page(LIVE_PAGE)
        window.close()
        window.deleteLater()
        settle()
    apply_theme(app, "system")
    return MatrixResult(combinations, found)


#: A folder named by a hash: no space, slash or hyphen where its message could wrap.
LONG_FOLDER = "/srv/" + "0123456789abcdef" * 10 + "/.codex"


def settings_dialog(state: str) -> object:
    """The settings dialog in ``state``: ``settings`` as it opens on defaults, or
    ``settings-long`` with its longest texts (the minimal preset's, a command line's notes,
    a rule's) and a message under every field that has one."""
    from codex_presence_gui.core.presence import PRESETS, ProjectRule, RuleAction
    from codex_presence_gui.core.settings import Settings
    from codex_presence_gui.ui.settings_dialog import SettingsDialog

    def preview(settings: object) -> list[str]:
        return ["Using Codex", "Editing checkout.py · shop"]

    if state == "settings":
        return SettingsDialog(Settings(), preview)
    rules = (
        ProjectRule(""),
        ProjectRule("~/work/clients/acme-internal/*", RuleAction.ALIAS, "Acme client work"),
    )
    dialog = SettingsDialog(
        Settings(project_rules=rules, **PRESETS["minimal"]),
        preview,
        command_line_homes=["/home/me/.codex"],
        discord_note="Started with --private: only “Using Codex” is sent this run.",
    )
    dialog.homes.setPlainText(f"relative/.codex\n{LONG_FOLDER}")
    dialog.thresholds.setText("25, ten")
    dialog.client_id.setText("my-app")
    return dialog


SETTINGS_STATES = ("settings", "settings-long")
SETTINGS_WIDTHS = (420, 560, 820, 1280)
SETTINGS_HEIGHTS = (300, 420, 560, 700, 1000)


def run_settings_matrix(
    themes: Iterable[str] = THEMES,
    direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight,
) -> MatrixResult:
    """Every tab of the settings dialog in each of its ``SETTINGS_STATES``, at the size it
    opens at, at its least size and at a spread of sizes, in each theme; right to left
    (``direction``), each tab is reported with ``/rtl``."""
    from codex_presence_gui.app import application

    app = application()
    app.setLayoutDirection(direction)
    try:
        return _run_settings_matrix(list(themes), _marked(direction))
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _run_settings_matrix(themes: list[str], mark: str) -> MatrixResult:
    """``run_settings_matrix``'s checks, in the application's direction."""
    from codex_presence_gui.app import application, settle
    from codex_presence_gui.ui.settings_dialog import SettingsDialog
    from codex_presence_gui.ui.theme import apply_theme

    app = application()
    scale = round(float(os.environ.get("QT_SCALE_FACTOR", "1") or 1))
    found: list[Found] = []
    combinations = 0
    for theme in themes:
        apply_theme(app, theme)
        for state in SETTINGS_STATES:
            dialog = settings_dialog(state)
            assert isinstance(dialog, SettingsDialog)
            dialog.show()  # at the size it opens at
            settle()
            least = dialog.minimumSizeHint()
            spread = [(w, h) for w in SETTINGS_WIDTHS for h in SETTINGS_HEIGHTS]
            sizes = [dialog.size().toTuple(), (least.width(), least.height())]
            sizes += [(least.width(), h) for h in SETTINGS_HEIGHTS] + spread
            for asked in dict.fromkeys(sizes):
                dialog.resize(*asked)
                settle()
                size = dialog.size()
                for index in range(dialog.tabs.count()):
                    dialog.tabs.setCurrentIndex(index)
                    settle()
                    combinations += 1
                    problems = check_layout(dialog, QSize(*asked).expandedTo(least))
                    at = f"{size.width()}x{size.height()}"
                    tab = dialog.tabs.tabText(index) + mark
                    found += found_in(problems, state, at, tab, theme, scale)
            dialog.close()
            dialog.deleteLater()
            settle()
    apply_theme(app, "system")
    return MatrixResult(combinations, found)


def _short(widget: str) -> str:
    """The path without the window and its central widget, nor the text snippet (the text
    is said beside it)."""
    parts = []
    for part in widget.split(" × "):
        part = re.sub(r' "[^"]*"$', "", part)
        parts.append(part.removeprefix("MainWindow/").removeprefix("QWidget/"))
    return " × ".join(parts)


def _snip(text: str, length: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _places(wheres: set[tuple[str, str, int]]) -> str:
    """``full`` for every theme and scale, ``compact/dark`` or ``full/x2`` when only some."""
    layouts = sorted({w[0] for w in wheres})
    themes = sorted({w[1] for w in wheres})
    scales = sorted({w[2] for w in wheres})
    if len(wheres) != len(layouts) * len(themes) * len(scales):  # not a product: say each
        return ",".join(f"{a}/{b}/x{c}" for a, b, c in sorted(wheres))
    text = ",".join(layouts)
    if themes != sorted(THEMES):
        text += "/" + ",".join(themes)
    if scales != [1, 2]:
        text += "/" + ",".join(f"x{scale}" for scale in scales)
    return text


def summary(found: Sequence[Found], limit: int = 2000) -> str:
    """Problems grouped by state, kind and widget, each with the sizes it happens at (per
    layout, and per theme and scale when it happens in only some): a to-do list, one line per
    widget and text."""
    groups: dict[tuple[str, str, str, str], dict[tuple[str, str, int], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for item in found:
        key = (item.state, item.kind, _short(item.widget), _snip(item.text))
        groups[key][(item.layout, item.theme, item.scale)].append(item.size)
    lines: list[str] = []
    state = None
    for (name, kind, widget, text), places in sorted(groups.items()):
        if name != state:
            lines.append(f"{name}:")
            state = name
        by_sizes: dict[tuple[str, ...], set[tuple[str, str, int]]] = defaultdict(set)
        for where, sizes in places.items():
            by_sizes[tuple(dict.fromkeys(sizes))].add(where)
        at = "; ".join(
            f"{_places(wheres)} @ {' '.join(sizes)}" for sizes, wheres in sorted(by_sizes.items())
        )
        lines.append(f'  [{kind}] {widget} "{text}" — {at}')
        if len(lines) >= limit:
            lines.append(f"  … (cut at {limit} lines)")
            break
    return "\n".join(lines)


def counts(found: Sequence[Found]) -> dict[str, dict[str, int]]:
    """Problems by kind and by state."""
    by_kind: dict[str, int] = defaultdict(int)
    by_state: dict[str, int] = defaultdict(int)
    for item in found:
        by_kind[item.kind] += 1
        by_state[item.state] += 1
    return {"by_kind": dict(by_kind), "by_state": dict(by_state)}


def main(argv: Sequence[str]) -> int:
    """``FOLDER [--on-screen] [STATE ...]``: check the states' homes under FOLDER, print the
    results. ``--on-screen``: only the chosen full layout, no larger than the screen's room
    (``NARROW_SCREENS``), and not the settings dialog."""
    folder = Path(argv[0])
    on_screen = "--on-screen" in argv[1:]
    names = [name for name in argv[1:] if name != "--on-screen"]
    names = names or sorted(path.name for path in folder.iterdir())
    QApplication.instance() or QApplication([])
    homes = {name: folder / name for name in names}
    if on_screen:
        result = run_matrix(homes, layouts=("full",), on_screen=True)
    else:
        result = run_matrix(homes)
        settings = run_settings_matrix()
        result = MatrixResult(
            result.combinations + settings.combinations, result.found + settings.found
        )
    print(
        json.dumps(
            {
                "combinations": result.combinations,
                "device_pixel_ratio": QApplication.instance().devicePixelRatio(),
                "screen": QApplication.primaryScreen().availableGeometry().size().toTuple(),
                "found": [asdict(f) for f in result.found],
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
