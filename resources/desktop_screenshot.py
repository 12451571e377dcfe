"""Screenshot the app on a real (virtual) X11 desktop, tray icon and tray menu included.

The offscreen ``codex-presence-gui screenshot`` draws the window only; the tray icon and its
menu exist only on a desktop with a tray. This script starts a private one (Xvfb, openbox,
trayer: ``tests/helpers/xdesktop.py``), runs the app on the given Codex home with its files in
a temporary folder, optionally opens the tray icon's menu with a right click, and saves the
screen (or a part of it) as a PNG.

Usage (Linux, with xvfb, openbox, trayer, xdotool, x11-utils and imagemagick installed)::

    uv run python bench/demo_home.py /tmp/demo-desktop
    uv run python resources/desktop_screenshot.py /tmp/demo-desktop tray-menu.png \\
        --menu --minimize --crop 300x160+980+0
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.xdesktop import (  # noqa: E402
    DEFAULT_SCREEN,
    DesktopError,
    XDesktop,
    wait_until,
    x_desktop,
)

WINDOW_NAME = "Codex Presence$"
MENU_TYPES = ("_NET_WM_WINDOW_TYPE_POPUP_MENU", "_NET_WM_WINDOW_TYPE_DROPDOWN_MENU")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="the Codex home the app reads")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--menu", action="store_true", help="open the tray icon's menu first")
    parser.add_argument(
        "--minimize", action="store_true", help="minimize the window (only the tray shows)"
    )
    parser.add_argument(
        "--crop", metavar="WxH+X+Y", help="save only this part of the screen (default: all)"
    )
    parser.add_argument("--screen", default=DEFAULT_SCREEN, help="WxHxDEPTH of the screen")
    parser.add_argument(
        "--wait",
        type=float,
        default=2.0,
        help="seconds to let the app read the logs and paint before the shot (default 2)",
    )
    return parser.parse_args(argv)


def menu_window(desktop: XDesktop, pid: int) -> int | None:
    """A visible popup menu of ``pid``, once there is one."""
    for window in desktop.windows_of(pid, visible=True):
        kind = desktop.prop(window, "_NET_WM_WINDOW_TYPE") or ""
        if any(name in kind for name in MENU_TYPES):
            return window
    return None


def open_tray_menu(desktop: XDesktop, pid: int) -> int:
    """Right-click the app's tray icon and return the menu's window."""
    icon = wait_until(lambda: desktop.tray_icons_of(pid), 15, "the tray icon")[0]
    # At the icon's lower edge, so that the menu opens below the icon, not over it.
    desktop.run("xdotool", "mousemove", "--window", str(icon), "11", "21", "click", "3")
    return wait_until(lambda: menu_window(desktop, pid), 5, "the tray menu")


def shoot(args: argparse.Namespace) -> Path:
    with (
        tempfile.TemporaryDirectory(prefix="codex-presence-shot-") as base,
        x_desktop(args.screen) as desktop,
    ):
        env = {
            **desktop.env,
            "QT_QPA_PLATFORM": "xcb",
            "CODEX_PRESENCE_BASE_DIR": base,
        }
        command = [sys.executable, "-m", "codex_presence_gui", "--no-discord"]
        app = desktop.spawn("app", [*command, "--codex-home", str(args.home.resolve())], env=env)
        try:
            window = desktop.find_window(app.pid, WINDOW_NAME, timeout=30)
            time.sleep(args.wait)  # reading the logs and painting take a moment
            if args.minimize:
                desktop.run("xdotool", "windowminimize", "--sync", str(window))
            if args.menu:
                open_tray_menu(desktop, app.pid)
                time.sleep(0.5)  # the menu paints after it maps
            return desktop.screenshot(args.out.resolve(), args.crop)
        finally:
            desktop.stop("app")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.home / "sessions").is_dir():
        print(f"not a Codex home (no sessions/): {args.home}", file=sys.stderr)
        return 2
    try:
        out = shoot(args)
    except (DesktopError, subprocess.SubprocessError) as error:
        print(f"screenshot failed: {error}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
