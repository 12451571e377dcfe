"""Every state at every size, in both layouts and themes, at scale 1 and 2 (and right to left):
nothing clipped, nothing overlapping, nothing offscreen, no horizontal scroll bar in the table,
no page that scrolls by a sliver; and so for every tab of the settings dialog. The full layout
chosen on screens narrower than it (``NARROW_SCREENS``) too: no wider than their room."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.helpers.layout_matrix_run import (
    NARROW_SCREENS,
    Found,
    MatrixResult,
    counts,
    run_matrix,
    run_settings_matrix,
    summary,
)
from tests.helpers.layout_states import STATES, write_states

ROOT = Path(__file__).resolve().parents[3]


#: The scale-2 pass's screen: 1280x800 at a scale of 2 (640x400), a laptop's. The offscreen
#: platform's own, 800x800, is 400x400 there: narrower than any screen at that scale.
SCALE_TWO_SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800}


def scale_two(folder: Path) -> subprocess.Popen[str]:
    """The same matrix in a process of its own at QT_SCALE_FACTOR=2 (Qt reads the factor once,
    when the application starts), on ``SCALE_TWO_SCREEN``."""
    return _on(folder, SCALE_TWO_SCREEN, {"QT_SCALE_FACTOR": "2"})


def narrow(folder: Path, width: int, height: int) -> subprocess.Popen[str]:
    """The full layout chosen, in a process of its own on a screen of ``width`` x ``height``
    (Qt reads its screens once, when the application starts)."""
    screen = {"name": f"narrow-{width}", "x": 0, "y": 0, "width": width, "height": height}
    return _on(folder, screen, {}, "--on-screen")


def _on(
    folder: Path, screen: dict[str, object], env: dict[str, str], *options: str
) -> subprocess.Popen[str]:
    """``tests.helpers.layout_matrix_run`` on the one offscreen ``screen``, with ``env``."""
    config = folder.parent / f"{screen['name']}-screen.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    platform = f"offscreen:configfile={config}"
    env = {**os.environ, **env, "QT_QPA_PLATFORM": platform}
    module = "tests.helpers.layout_matrix_run"
    command = [sys.executable, "-m", module, str(folder), *options, *STATES]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _result(process: subprocess.Popen[str], screen: tuple[int, int]) -> dict[str, Any]:
    """What ``process`` checked and found on ``screen`` (its room)."""
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    there: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    assert there["screen"] == list(screen)  # the screen took
    return there


@pytest.mark.slow
def test_every_state_lays_out_at_every_size(
    tmp_path: Path, qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    homes = write_states(tmp_path / "homes")
    other = scale_two(tmp_path / "homes")  # runs beside this process's pass (two cores)
    narrows = {size: narrow(tmp_path / "homes", *size) for size in NARROW_SCREENS}
    processes = [other, *narrows.values()]
    try:
        window, settings = run_matrix(homes), run_settings_matrix()
        # Right to left too (as ``-reverse`` sets it), in one theme: the layouts mirrored.
        rtl = Qt.LayoutDirection.RightToLeft
        mirrored = run_matrix(homes, themes=("light",), direction=rtl)
        mirrored_settings = run_settings_matrix(themes=("light",), direction=rtl)
        runs = (window, settings, mirrored, mirrored_settings)
        here = MatrixResult(
            sum(run.combinations for run in runs), [item for run in runs for item in run.found]
        )
        there = _result(other, (640, 400))
        assert there["device_pixel_ratio"] == 2  # the factor took
        on_narrow = {size: _result(process, size) for size, process in narrows.items()}
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    found = here.found + [Found(**item) for item in there["found"]]
    combinations = here.combinations + there["combinations"]
    for (width, height), result in on_narrow.items():
        for item in result["found"]:
            item["layout"] += f" on {width}x{height}"
            found.append(Found(**item))
        combinations += result["combinations"]
    with capsys.disabled():
        print(
            f"\nlayout matrix: {combinations} combinations ({len(STATES)} states, "
            f"scale 1 and 2, right to left at 1, full on narrow screens) in "
            f"{time.monotonic() - started:.1f} s; "
            f"{len(found)} problems {json.dumps(counts(found))}"
        )
    assert not found, (
        f"{len(found)} layout problems in {combinations} combinations "
        f'(state: [kind] widget "text" — layout/theme/scale @ sizes):\n{summary(found)}'
    )
