"""Run arRPC (arrpc-bun), an open-source Discord IPC server, as a real peer for tests.

`.ci/run` installs ``bun@1.4.5`` and ``arrpc-bun@1.3.6`` with npm into a cache folder; tests
find it through ``CODEX_PRESENCE_ARRPC_DIR`` (default ``~/.cache/codex-presence-ci/arrpc``)
and skip, saying why, when it is not there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

ARRPC_DIR_ENV = "CODEX_PRESENCE_ARRPC_DIR"
DEFAULT_ARRPC_DIR = Path.home() / ".cache" / "codex-presence-ci" / "arrpc"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
DAY_SECONDS = 86400
_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) ")
_MESSAGE = re.compile(r"\[arRPC > ipc\] message (\{.*\})\s*$")


def _log_time(line: str) -> float:
    stamp = _STAMP.match(line)
    if stamp is None:
        return time.monotonic()
    hours, minutes, seconds = stamp.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def arrpc_dir() -> Path:
    return Path(os.environ.get(ARRPC_DIR_ENV) or DEFAULT_ARRPC_DIR)


def bun_path(root: Path) -> Path:
    """Bun as npm installed it: ``.bin/bun`` here, ``bun.exe``/``bun.cmd`` on Windows."""
    bin_dir = root / "node_modules" / ".bin"
    found = shutil.which("bun", path=str(bin_dir))
    return Path(found) if found else bin_dir / "bun"


def missing_reason() -> str | None:
    """Why arRPC cannot run here, or None when it can."""
    root = arrpc_dir()
    if not bun_path(root).exists():
        return f"arRPC is not installed in {root} (.ci/run installs it with npm)"
    if not (root / "node_modules" / "arrpc-bun" / "src" / "index.ts").exists():
        return f"arrpc-bun is missing in {root}"
    return None


class ArRPC:
    """One arRPC process listening in ``runtime_dir``; its debug log is the ground truth."""

    def __init__(self, runtime_dir: Path, client_id: str, app_name: str = "Codex") -> None:
        self.runtime_dir = runtime_dir
        self.client_id = client_id
        self.app_name = app_name
        self.log_path = runtime_dir / "arrpc.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._seen: list[tuple[float, dict[str, Any]]] = []
        self._days = 0  # midnights passed since the first line logged
        self._offset = 0

    def start(self, timeout: float = 10.0) -> ArRPC:
        root = arrpc_dir()
        data = self.runtime_dir / "arrpc-data"
        data.mkdir(exist_ok=True)
        (data / "detectable.json").write_text(
            json.dumps([{"id": self.client_id, "name": self.app_name, "executables": []}])
        )
        env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "TMPDIR": str(self.runtime_dir),
            "ARRPC_DEBUG": "1",
            "ARRPC_NO_PROCESS_SCANNING": "1",
            "ARRPC_DATA_DIR": str(data),
            "ARRPC_NO_BRIDGE": "1",
            "ARRPC_BRIDGE_HOST": "127.0.0.1",
            "ARRPC_WEBSOCKET_HOST": "127.0.0.1",
        }
        start_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child process
        # Its own process group, so that stopping it stops Bun's children too. On Windows
        # arRPC listens on the machine's \\.\pipe\discord-ipc-N (no folder to point it at):
        # fine on a CI runner, where no Discord runs.
        group: dict[str, Any] = (
            {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
            if os.name == "nt"
            else {"start_new_session": True}
        )
        self.process = subprocess.Popen(
            [str(bun_path(root)), str(root / "node_modules" / "arrpc-bun" / "src" / "index.ts")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            **group,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._read_from(start_offset)
            if "listening at" in text:
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"arRPC exited: {text[-2000:]}")
            time.sleep(0.02)
        raise RuntimeError("arRPC did not start listening in time")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            if os.name == "nt":
                self.process.terminate()
            else:
                os.killpg(self.process.pid, sig)
            self.process.wait(5)
        self.process = None

    def _read_from(self, offset: int) -> str:
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as handle:
            handle.seek(offset)
            return _ANSI.sub("", handle.read().decode("utf-8", "replace"))

    def poll(self) -> list[tuple[float, dict[str, Any]]]:
        """Every message arRPC received so far, with the time arRPC logged it (seconds of the
        day, from its ``HH:MM:SS.mmm`` prefix)."""
        if not self.log_path.exists():
            return list(self._seen)
        with open(self.log_path, "rb") as handle:
            handle.seek(self._offset)
            raw = handle.read()
        end = raw.rfind(b"\n")
        if end >= 0:
            self._offset += end + 1
            text = _ANSI.sub("", raw[:end].decode("utf-8", "replace"))
            for line in text.splitlines():
                match = _MESSAGE.search(line)
                if not match:
                    continue
                with contextlib.suppress(ValueError):
                    self._seen.append((self._counted(_log_time(line)), json.loads(match.group(1))))
        return list(self._seen)

    def _counted(self, at: float) -> float:
        """``at`` (a time of day) counted on from the times logged before it: a time that
        goes back by more than half a day is the next day's, so that gaps across midnight
        stay gaps (4 s from 23:59:58 to 00:00:02, not 86,396 s back)."""
        at += self._days * DAY_SECONDS
        if self._seen and at < self._seen[-1][0] - DAY_SECONDS / 2:
            self._days += 1
            at += DAY_SECONDS
        return at

    def set_activities(self) -> list[tuple[float, dict[str, Any] | None]]:
        """(logged at, activity) of every SET_ACTIVITY; None for a clear."""
        return [
            (at, message["args"].get("activity"))
            for at, message in self.poll()
            if message.get("cmd") == "SET_ACTIVITY"
        ]

    def raw_log(self) -> str:
        return self._read_from(0)
