"""A real, private X11 desktop for integration tests: Xvfb, openbox and trayer.

``x_desktop()`` starts an X server on a free display (Xvfb tells the number through
``-displayfd``), the openbox window manager with an empty home (so it reads no user
configuration) and trayer as a system tray host, waits until each one is ready, and tears
everything down again, process group by process group, even when the body fails.

The ``XDesktop`` it yields asks the X server about windows with the usual command-line tools
(xdotool, xprop, xwininfo, ImageMagick's import). Every external call has a timeout.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: The programs the desktop needs; ``missing_tools()`` names the absent ones.
REQUIRED_TOOLS = ("Xvfb", "openbox", "trayer", "xdotool", "xprop", "xwininfo")
#: Only screenshots need ImageMagick.
SCREENSHOT_TOOL = "import"
DEFAULT_SCREEN = "1280x800x24"
#: Seconds one external command may take before it counts as hung.
CALL_TIMEOUT = 10.0
#: How often the waits look again.
POLL = 0.05
TRAY_SELECTION = "_NET_SYSTEM_TRAY_S0"
TRAYER_ARGS = (
    "--edge",
    "top",
    "--align",
    "right",
    "--widthtype",
    "request",
    "--height",
    "24",
    "--SetDockType",
    "true",
    "--transparent",
    "false",
)

# Asks the X server which window owns a selection (no command-line tool tells); runs as a
# child process so that it, too, has a timeout.
_SELECTION_OWNER = """
import ctypes, sys
x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XInternAtom.restype = ctypes.c_ulong
x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x11.XGetSelectionOwner.restype = ctypes.c_ulong
x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
display = x11.XOpenDisplay(None)
if not display:
    sys.exit("cannot open the display")
print(x11.XGetSelectionOwner(display, x11.XInternAtom(display, sys.argv[1].encode(), 0)))
x11.XCloseDisplay(display)
"""

_WINDOW_ID = re.compile(r"^\s*(0x[0-9a-f]+)", re.MULTILINE)


class DesktopError(RuntimeError):
    """A desktop program failed to start or a wait ran out."""


def missing_tools(tools: Sequence[str] = REQUIRED_TOOLS) -> list[str]:
    """The programs of ``tools`` that are not on PATH."""
    return [tool for tool in tools if shutil.which(tool) is None]


def wait_until(
    check: Callable[[], T | None], timeout: float, what: str, interval: float = POLL
) -> T:
    """Poll ``check`` until it returns something truthy; DesktopError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise DesktopError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 3.0) -> None:
    """SIGTERM the process group of ``process`` (started in its own session), SIGKILL it
    after ``grace`` seconds, and reap the leader."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    # Children of the leader may outlive it; the group goes in any case.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)


def _window_ids(text: str) -> list[int]:
    return [int(match, 16) for match in _WINDOW_ID.findall(text)]


@dataclass
class XDesktop:
    """A running private desktop; ``env`` is what programs on it should run with."""

    display: str
    env: dict[str, str]
    home: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    # -- running programs ------------------------------------------------------------

    def run(
        self, *args: str, timeout: float = CALL_TIMEOUT, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command on this display and return its output (text)."""
        try:
            return subprocess.run(
                args,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=check,
            )
        except subprocess.CalledProcessError as error:
            raise DesktopError(
                f"{' '.join(args)} failed ({error.returncode}): {error.stderr.strip()}"
            ) from None
        except subprocess.TimeoutExpired:
            raise DesktopError(f"{' '.join(args)} took more than {timeout:g} s") from None

    def spawn(
        self,
        name: str,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a program in its own process group; it is stopped with the desktop."""
        log = log or self.home / f"{name}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(
                list(args),
                env=dict(env) if env is not None else self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def stop(self, name: str) -> None:
        """Stop a program started with ``spawn`` (its whole process group)."""
        process = self.processes.pop(name, None)
        if process is not None:
            stop_process_group(process)

    def log_text(self, name: str) -> str:
        """What a spawned program printed."""
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- windows ---------------------------------------------------------------------

    def search(self, *criteria: str) -> list[int]:
        """``xdotool search`` (empty when nothing matches)."""
        result = self.run("xdotool", "search", *criteria, check=False)
        return [int(line) for line in result.stdout.split() if line.isdigit()]

    def windows_of(self, pid: int, *, visible: bool = False) -> list[int]:
        """Windows whose ``_NET_WM_PID`` is ``pid`` (mapped ones only when ``visible``)."""
        return self.search(*(["--onlyvisible"] if visible else []), "--pid", str(pid))

    def find_window(self, pid: int, name: str, timeout: float = 20.0) -> int:
        """The visible top-level window of ``pid`` whose title matches the regex ``name``
        and that the window manager manages (not its tray icon, which has the same title
        but lives inside the tray host)."""

        def look() -> int | None:
            # ``--all``: xdotool matches any one criterion by default (every window of ``pid``).
            found = self.search("--all", "--onlyvisible", "--pid", str(pid), "--name", name)
            in_tray = {w for host in self.tray_windows() for w in self.descendants(host)}
            managed = [w for w in found if w not in in_tray and self.wm_state(w) is not None]
            return managed[0] if len(managed) == 1 else None

        return wait_until(look, timeout, f"a window of pid {pid} named /{name}/")

    def prop(self, window: int | None, name: str, fmt: str | None = None) -> str | None:
        """The value part of ``xprop``'s line for ``name`` (None when not set)."""
        where = ["-root"] if window is None else ["-id", str(window)]
        extra = ["-f", name, fmt] if fmt else []
        result = self.run("xprop", *where, "-notype", *extra, name, check=False)
        text = result.stdout.strip()
        if result.returncode != 0 or not text or "not found" in text or "no such" in text:
            return None
        _, sep, value = text.partition("=")
        if sep:
            return value.strip()
        _, sep, value = text.partition(":")
        return value.strip() if sep else None

    def net_wm_state(self, window: int) -> set[str]:
        """The atoms in ``_NET_WM_STATE`` (ABOVE, HIDDEN, ...)."""
        value = self.prop(window, "_NET_WM_STATE")
        return {atom.strip() for atom in value.split(",") if atom.strip()} if value else set()

    def wm_state(self, window: int) -> str | None:
        """ICCCM ``WM_STATE``: Normal, Iconic or Withdrawn (None when not set)."""
        result = self.run("xprop", "-id", str(window), "WM_STATE", check=False)
        match = re.search(r"window state:\s*(\w+)", result.stdout)
        return match.group(1) if match else None

    def net_wm_name(self, window: int) -> str | None:
        """``_NET_WM_NAME`` decoded from its UTF-8 bytes (read as hex, so nothing is escaped)."""
        value = self.prop(window, "_NET_WM_NAME", "8x")
        if value is None:
            return None
        data = bytes(int(byte, 16) for byte in value.split(",") if byte.strip())
        return data.decode("utf-8", errors="replace")

    def least_size(self, window: int) -> tuple[int, int] | None:
        """The least width and height ``window`` asks for (``WM_NORMAL_HINTS``), which the
        program sets itself, the window manager running or not (None when it asks none)."""
        result = self.run("xprop", "-id", str(window), "WM_NORMAL_HINTS", check=False)
        match = re.search(r"minimum size:\s*(\d+) by (\d+)", result.stdout)
        return (int(match.group(1)), int(match.group(2))) if match else None

    def frame_geometry(self, window: int) -> tuple[int, int, int, int] | None:
        """``window`` with the window manager's frame (``_NET_FRAME_EXTENTS``) on the screen:
        x, y, width, height (None when it is gone)."""
        result = self.run("xwininfo", "-id", str(window), check=False)
        found = dict(
            re.findall(r"(Absolute upper-left [XY]|Width|Height):\s+(-?\d+)", result.stdout)
        )
        if len(found) != 4:
            return None
        extents = self.prop(window, "_NET_FRAME_EXTENTS") or "0, 0, 0, 0"
        left, right, top, bottom = (int(side) for side in extents.split(","))
        x, y = int(found["Absolute upper-left X"]), int(found["Absolute upper-left Y"])
        width, height = int(found["Width"]), int(found["Height"])
        return x - left, y - top, width + left + right, height + top + bottom

    def is_viewable(self, window: int) -> bool:
        """Whether ``window`` and all its ancestors are mapped."""
        result = self.run("xwininfo", "-id", str(window), check=False)
        return "Map State: IsViewable" in result.stdout

    def descendants(self, window: int) -> list[int]:
        """Every window below ``window``, recursively."""
        result = self.run("xwininfo", "-tree", "-id", str(window), check=False)
        _, _, below = result.stdout.partition("child")  # "N children:" or "1 child:"
        return _window_ids(below)

    def selection_owner(self, selection: str) -> int:
        """The window owning an X selection (0: none)."""
        result = self.run(sys.executable, "-c", _SELECTION_OWNER, selection)
        return int(result.stdout.strip() or 0)

    def activate(self, window: int) -> None:
        """Raise and focus ``window`` through the window manager (restores it if iconic)."""
        self.run("xdotool", "windowactivate", "--sync", str(window), timeout=CALL_TIMEOUT)

    def key(self, window: int, *keys: str) -> None:
        """Activate ``window``, then type ``keys`` (xdotool names, e.g. ``ctrl+t``) as real
        key presses (XTEST), which the focused window receives."""
        self.activate(window)
        self.run("xdotool", "key", "--clearmodifiers", *keys)

    @contextlib.contextmanager
    def window_manager_held(self) -> Iterator[None]:
        """Openbox stopped (SIGSTOP) for the body, then let go on: what windows ask of it
        meanwhile (to be shown, placed, resized) it answers all at once after, as on a
        computer too busy to answer at once."""
        openbox = self.processes["openbox"]
        os.kill(openbox.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(openbox.pid, signal.SIGCONT)

    # -- the tray --------------------------------------------------------------------

    def tray_windows(self) -> list[int]:
        """trayer's top-level windows."""
        process = self.processes.get("trayer")
        return self.windows_of(process.pid) if process is not None else []

    def tray_icons_of(self, pid: int) -> list[int]:
        """Windows of ``pid`` that the tray host has embedded and shows."""
        mine = set(self.windows_of(pid))
        embedded: list[int] = []
        for host in self.tray_windows():
            embedded += [w for w in self.descendants(host) if w in mine and self.is_viewable(w)]
        return embedded

    # -- pictures --------------------------------------------------------------------

    def screenshot(self, path: Path, crop: str | None = None) -> Path:
        """Save the whole screen (or ``crop``, ImageMagick geometry ``WxH+X+Y``) as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        args = ["import", "-window", "root"]
        if crop:
            args += ["-crop", crop, "+repage"]
        self.run(*args, str(path), timeout=30)
        return path


def _start_xvfb(
    home: Path, screen: str, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    try:
        with open(home / "Xvfb.log", "ab") as out:
            process = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    screen,
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                start_new_session=True,
            )
        os.close(write_fd)
        write_fd = -1
        number = b""
        deadline = time.monotonic() + 15
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_fd], [], [], max(left, 0))
            chunk = os.read(read_fd, 16) if ready else b""
            if not chunk:
                stop_process_group(process)
                log = (home / "Xvfb.log").read_text(errors="replace")
                raise DesktopError(f"Xvfb did not report a display number:\n{log[-2000:]}")
            number += chunk
        return process, f":{int(number)}"
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)


@contextlib.contextmanager
def x_desktop(
    screen: str = DEFAULT_SCREEN,
    *,
    tray: bool = True,
    window_manager: bool = True,
    timeout: float = 20.0,
) -> Iterator[XDesktop]:
    """Xvfb + openbox (+ trayer) on a free display; everything stops on exit. Without
    ``window_manager``, Xvfb alone: windows unframed, where the programs put them (and no
    tray, which needs one to embed in).

    Raises:
        DesktopError: a program is missing, failed to start or was not ready in time.
    """
    tray = tray and window_manager
    left_out = {"trayer"} if not tray else set()
    left_out |= {"openbox"} if not window_manager else set()
    needed = [tool for tool in REQUIRED_TOOLS if tool not in left_out]
    absent = missing_tools(needed)
    if absent:
        raise DesktopError(f"not installed: {', '.join(absent)}")
    home = Path(tempfile.mkdtemp(prefix="xdesktop-"))
    for folder in ("config", "data", "cache"):
        (home / folder).mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the real session: no Wayland, no session bus (Qt would put its tray
        # icon on the real desktop's StatusNotifier host), no desktop-specific themes.
        if key not in {"WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP"}
        and not key.startswith(("XAUTH", "SESSION_MANAGER", "DESKTOP_SESSION"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={home}/no-session-bus",
        LC_ALL="C.UTF-8",
    )
    try:
        xvfb, display = _start_xvfb(home, screen, env)
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    env["DISPLAY"] = display
    desktop = XDesktop(display=display, env=env, home=home)
    try:
        if window_manager:
            desktop.spawn("openbox", ["openbox", "--sm-disable"])

            def openbox_ready() -> bool:
                check = desktop.prop(None, "_NET_SUPPORTING_WM_CHECK")
                if not check or "window id #" not in check:
                    return False
                name = desktop.net_wm_name(int(check.rsplit("#", 1)[1].strip(), 16))
                return name == "Openbox"

            _ready(desktop, "openbox", openbox_ready, timeout)
        if tray:
            desktop.spawn("trayer", ["trayer", *TRAYER_ARGS])
            _ready(
                desktop,
                "trayer",
                lambda: desktop.selection_owner(TRAY_SELECTION) and desktop.tray_windows(),
                timeout,
            )
        yield desktop
    finally:
        for name in reversed(list(desktop.processes)):
            desktop.stop(name)
        stop_process_group(xvfb)
        shutil.rmtree(home, ignore_errors=True)


def _ready(desktop: XDesktop, name: str, check: Callable[[], object], timeout: float) -> None:
    process = desktop.processes[name]

    def alive_and_ready() -> object:
        if process.poll() is not None:
            raise DesktopError(
                f"{name} exited ({process.returncode}):\n{desktop.log_text(name)[-2000:]}"
            )
        return check()

    try:
        wait_until(alive_and_ready, timeout, f"{name} to be ready")
    except DesktopError as error:
        if process.poll() is not None:
            raise
        raise DesktopError(f"{error}:\n{desktop.log_text(name)[-2000:]}") from None
