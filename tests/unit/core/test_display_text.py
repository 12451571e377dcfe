"""What the window draws of a log's texts: no bidi trick, no forged line, nothing lost else."""

from __future__ import annotations

import time
from pathlib import Path

from codex_presence_gui.core.dashboard import build_dashboard, for_display
from codex_presence_gui.core.reader import CodexReader
from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome

SID = "019d0000-0000-7000-8000-00000000e001"


def test_log_texts_are_made_safe_for_the_window(tmp_path: Path) -> None:
    now = time.time()
    home = CodexHome(tmp_path)
    home.write(
        SID,
        [
            r.session_meta(now - 60, SID, cwd="/w/invoice\u202egpj.exe", branch="main\u2028FAKE"),
            r.turn_context(now - 50, model="gpt-5\u2028FAKE SECOND LINE", cwd="/w/x"),
            r.exec_call(now - 5, "c1", "cargo\x1b[2J test"),
            r.token_count(now - 4, r.usage(100, 0, 10), r.usage(100, 0, 10), r.limits()),
        ],
        started=now - 60,
        mtime=now - 4,
    )
    raw = build_dashboard(CodexReader([home.root], clock=lambda: now).refresh())
    board = for_display(raw)
    assert raw.active is not None
    assert board.active is not None
    shown = board.active
    # The session's names stay as they are, for the window to show escaped (``shown_key``)
    # and Discord's card cleaned: cleaning here had made two read the same.
    assert shown.project == "invoice\u202egpj.exe"
    assert shown.model == "gpt-5\u2028FAKE SECOND LINE"
    assert shown.git_branch == "main FAKE"
    assert shown.activity is not None
    assert "\x1b" not in shown.activity.text
    assert shown.session_id == raw.active.session_id  # the key stays
    assert board.sessions[0] == shown
    plain = for_display(build_dashboard(CodexReader([tmp_path / "none"]).refresh()))
    assert plain.active is None
