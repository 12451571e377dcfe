"""``ui.ini`` on a hostile or unlucky disk: what is in its place but is no state file, and a
config folder that cannot be made. The window opens with its defaults either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.special_files import device_node, run_offscreen

#: Far larger than a state file (``window_state.MAX_STATE_BYTES``).
HUGE = 64 << 20

#: Opens the window's state at the path given and reads a choice from it, in a process of
#: its own (Qt reading a FIFO or a device would hang the tests, or fill the memory).
_OPEN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a runaway read fails, not the box
from pathlib import Path
from codex_presence_gui.ui.window_state import LayoutMode, WindowState
state = WindowState(Path(sys.argv[1]))
print(state.layout_mode.value)
state.layout_mode = LayoutMode.COMPACT
print(WindowState(Path(sys.argv[1])).layout_mode.value)
"""


def open_state(path: Path) -> subprocess.CompletedProcess[str]:
    return run_offscreen(_OPEN, str(path), hung=f"opening the window's state at {path} hung")


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs, device nodes and rlimits of Linux")
@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge file"])
def test_what_cannot_be_the_state_file_is_kept_aside(tmp_path: Path, kind: str) -> None:
    """A FIFO kept the window from ever opening (Qt waited for a writer), a zero device and
    a huge file were read without end, and a folder could never be saved over. Each is
    moved aside, and the window keeps its state in a new file. (Through a link to
    ``/dev/zero``, Qt's save had replaced the machine's ``/dev/zero`` itself, run as root.)"""
    path = tmp_path / "ui.ini"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        device_node(path, "zero")
    elif kind == "folder":
        path.mkdir()
    else:
        with path.open("wb") as file:
            file.truncate(HUGE)
    done = open_state(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["auto", "compact"]
    assert path.is_file()
    assert [p.name.startswith("ui.ini.corrupt-") for p in tmp_path.iterdir()].count(True) == 1


def test_a_config_folder_that_cannot_be_made_leaves_the_defaults(tmp_path: Path) -> None:
    """A file where the config folder should be: the window had not opened (a traceback
    from ``mkdir``); now it opens with its defaults, and the file is left as it is."""
    (tmp_path / "config").write_text("a file")
    done = open_state(tmp_path / "config" / "ui.ini")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "auto"
    assert f"{tmp_path / 'config'} is not a folder" in done.stderr
    assert (tmp_path / "config").read_text() == "a file"


def test_a_save_that_fails_is_said_once_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The config folder gone (a file in its place) while the app runs: saving the window's
    state at quit fails, and the log says so, once; Qt had failed without a word."""
    from codex_presence_gui.ui.window_state import LayoutMode, WindowState

    folder = tmp_path / "config"
    folder.mkdir()
    state = WindowState(folder / "ui.ini")
    state.layout_mode = LayoutMode.FULL
    assert (folder / "ui.ini").is_file()
    (folder / "ui.ini").unlink()
    folder.rmdir()
    folder.write_text("a file")
    with caplog.at_level("WARNING"):
        state.layout_mode = LayoutMode.COMPACT
        state.layout_mode = LayoutMode.AUTO
    said = [r.getMessage() for r in caplog.records if "could not be saved" in r.getMessage()]
    assert len(said) == 1, caplog.text
    assert str(folder / "ui.ini") in said[0]
    assert folder.read_text() == "a file"
