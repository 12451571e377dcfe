"""Every state at every size, in both layouts and themes, at scale 1 and 2 (and right to left):
nothing clipped, nothing overlapping, nothing offscreen, no horizontal scroll bar in the table,
no page that scrolls by a sliver; and so for every tab of the settings dialog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.helpers.layout_matrix_run import (
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
    config = folder.parent / "scale-two-screen.json"
    config.write_text(json.dumps({"screens": [SCALE_TWO_SCREEN]}), encoding="utf-8")
    platform = f"offscreen:configfile={config}"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": platform}
    command = [sys.executable, "-m", "tests.helpers.layout_matrix_run", str(folder), *STATES]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_every_state_lays_out_at_every_size(
    tmp_path: Path, qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    homes = write_states(tmp_path / "homes")
    other = scale_two(tmp_path / "homes")  # runs beside this process's pass (two cores)
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
        out, err = other.communicate(timeout=300)
    finally:
        if other.poll() is None:
            other.kill()
    assert other.returncode == 0, err
    there = json.loads(out.strip().splitlines()[-1])
    assert there["device_pixel_ratio"] == 2  # the factor took
    assert there["screen"] == [640, 400]  # and the screen
    found = here.found + [Found(**item) for item in there["found"]]
    combinations = here.combinations + there["combinations"]
    with capsys.disabled():
        print(
            f"\nlayout matrix: {combinations} combinations ({len(STATES)} states, "
            f"scale 1 and 2, right to left at 1) in {time.monotonic() - started:.1f} s; "
            f"{len(found)} problems {json.dumps(counts(found))}"
        )
    assert not found, (
        f"{len(found)} layout problems in {combinations} combinations "
        f'(state: [kind] widget "text" — layout/theme/scale @ sizes):\n{summary(found)}'
    )
