"""The arRPC test peer's log, read as the integration tests read it (no arRPC needed)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.arrpc import ArRPC


def test_times_logged_across_midnight_keep_counting(tmp_path: Path) -> None:
    """arRPC stamps its lines with the time of day only: a card logged at 23:59:58 and sent
    again at 00:00:02 came 4 s later, not 86,396 s earlier (the test of the resent card had
    failed whenever it ran over midnight)."""
    peer = ArRPC(tmp_path, "1")
    card = {"cmd": "SET_ACTIVITY", "args": {"activity": {"details": "Idle · shop"}}}
    lines = [
        f"23:59:58.250 [arRPC > ipc] message {json.dumps(card)}",
        f"00:00:02.500 [arRPC > ipc] message {json.dumps(card)}",
    ]
    peer.log_path.write_text("\n".join(lines) + "\n")
    (first, _), (again, _) = peer.set_activities()
    assert again - first == 4.25
    with peer.log_path.open("a") as log:  # read later, the next day's times count on
        log.write(lines[0].replace("23:59:58", "00:00:03") + "\n")
    assert peer.set_activities()[-1][0] - first == 5.0
