"""Smoke test of the frozen app: version, status, Discord, window start; size and first paint.

On Windows the console twin (``codex-presence-gui-cli.exe``) is run too: it is what the README
gives terminal users, so its ``--version`` and ``status --json`` are checked like the windowed
program's, and the two are checked to be built for the console and for the GUI respectively.

Run from the repository after building (``uv run pyinstaller --noconfirm pyinstaller.spec``)::

    uv run python packaging/smoke_test.py            # the build in dist/<os>/<arch>/
    uv run python packaging/smoke_test.py --runs 10  # more window starts for the median

Every check runs the built executable as a user would, against a Codex home written here, with
its settings and logs in a temporary folder. The folder size is held to ``--max-size-mb``; the
time to first paint is measured from launch (wall clock) and reported against its 1.5 s target
(not enforced: timings belong to benchmarks, and CI machines vary).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from layout import (  # noqa: E402
    app_path,
    console_executable,
    executable,
    package_version,
    target_os,
)

from codex_presence_gui.core.presence import DEFAULT_CLIENT_ID  # noqa: E402
from tests.helpers import rollout as r  # noqa: E402
from tests.helpers.rollout import CodexHome  # noqa: E402

FIRST_PAINT_TARGET_S = 1.5
SESSION_ID = "019de1a2-0000-7000-8000-00000000beef"
TOTAL = r.usage(52_000, 30_000, 400)
LAST = r.usage(1_200, 800, 30)


class CheckError(Exception):
    """A check that did not hold."""


# IMAGE_OPTIONAL_HEADER.Subsystem values: what Windows gives the program at start.
PE_SUBSYSTEM = {2: "GUI", 3: "console"}


def pe_subsystem(path: Path) -> str:
    """GUI or console, read from a Windows executable's PE header (same offset in PE32 and
    PE32+: the COFF header is 20 bytes, Subsystem sits 68 bytes into the optional header)."""
    data = path.read_bytes()[:4096]
    pe = int.from_bytes(data[0x3C:0x40], "little")
    if data[:2] != b"MZ" or data[pe : pe + 4] != b"PE\0\0":
        raise CheckError(f"{path.name} is not a PE executable")
    value = int.from_bytes(data[pe + 24 + 68 : pe + 24 + 70], "little")
    return PE_SUBSYSTEM.get(value, f"subsystem {value}")


def folder_bytes(path: Path) -> int:
    """Bytes the unpacked app takes (file sizes; links counted as links)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total


def write_home(root: Path) -> Path:
    """A Codex home with one active session that ran `cargo test`, with limits."""
    now = time.time()
    home = CodexHome(root)
    (root / "sessions").mkdir(parents=True)
    home.write(
        SESSION_ID,
        [
            r.session_meta(now - 120, SESSION_ID, cwd="/w/shop"),
            r.turn_context(now - 119),
            r.token_count(now - 5, TOTAL, LAST, r.limits((25.0, 300, int(now) + 3600))),
            r.exec_call(now - 2, "c1", "cargo test"),
        ],
        started=now - 120,
        mtime=now - 2,
    )
    return root


class Smoke:
    """Runs the frozen executable with a private configuration."""

    def __init__(self, program: Path, work: Path) -> None:
        self.program = program
        self.work = work
        self.home = write_home(work / "codex-home")
        self.ipc = work / "ipc"  # an empty folder: no Discord, unless arRPC is started in it
        self.ipc.mkdir()

    def env(self, base: Path) -> dict[str, str]:
        return {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "CODEX_PRESENCE_BASE_DIR": str(base),
            "CODEX_DISCORD_IPC_DIR": str(self.ipc),
        }

    def run(
        self, *args: str, timeout: float = 60, program: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(program or self.program), *args],
            env=self.env(self.work / "base"),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def version(self, program: Path | None = None) -> str:
        result = self.run("--version", program=program)
        expected = f"codex-presence-gui {package_version()}"
        if result.returncode != 0 or result.stdout.strip() != expected:
            raise CheckError(f"--version: {result.returncode} {result.stdout!r} {result.stderr!r}")
        return result.stdout.strip()

    def status(self, program: Path | None = None) -> str:
        result = self.run("status", "--json", "--codex-home", str(self.home), program=program)
        if result.returncode != 0:
            raise CheckError(f"status --json exited {result.returncode}: {result.stderr}")
        report = json.loads(result.stdout)
        sessions = report["sessions"]
        if len(sessions) != 1 or sessions[0]["session_id"] != SESSION_ID:
            raise CheckError(f"status --json: unexpected sessions {sessions!r}")
        tokens = sessions[0]["session_total_tokens"], sessions[0]["last_turn_tokens"]
        if tokens != (TOTAL["total_tokens"], LAST["total_tokens"]):
            raise CheckError(f"status --json: tokens {tokens}")
        left = report["limits"]["windows"][0]["remaining_percent"]
        if left != 75.0:
            raise CheckError(f"status --json: 5h window has {left}% left, expected 75")
        return f"1 session, {tokens[0]} tokens, {left:.0f}% of 5h left"

    def screenshot(self) -> str:
        out = self.work / "window.png"
        result = self.run("screenshot", str(out), "--codex-home", str(self.home))
        if result.returncode != 0 or not out.is_file():
            raise CheckError(f"screenshot exited {result.returncode}: {result.stderr}")
        header = out.read_bytes()[:24]
        width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        if not header.startswith(b"\x89PNG") or (width, height) != (820, 580):
            raise CheckError(f"screenshot: not an 820x580 PNG ({width}x{height})")
        return f"{width}x{height} PNG, {out.stat().st_size} bytes"

    def console_twin(self, twin: Path) -> str:
        """The Windows console twin: built for the console, answers like the windowed one."""
        kinds = pe_subsystem(self.program), pe_subsystem(twin)
        if kinds != ("GUI", "console"):
            raise CheckError(f"{self.program.name} is {kinds[0]}, {twin.name} is {kinds[1]}")
        return f"{twin.name} (console): {self.version(twin)}; {self.status(twin)}"

    def discord(self, require: bool = False) -> str:
        """`discord-check` against arRPC, a real Discord IPC peer, when it is installed
        (``require``: a missing arRPC fails, for CI that installed it)."""
        from tests.helpers.arrpc import ArRPC, missing_reason
        from tests.helpers.fake_discord import private_runtime_dir

        reason = missing_reason()
        if reason and require:
            raise CheckError(f"arRPC is required here: {reason}")
        if reason:
            return f"skipped ({reason})"
        runtime = private_runtime_dir()
        try:
            peer = ArRPC(runtime, DEFAULT_CLIENT_ID).start()
        except RuntimeError as error:
            # On Windows arRPC takes the machine's named pipes; where it cannot start there,
            # say so (a required arRPC still fails the check).
            shutil.rmtree(runtime, ignore_errors=True)
            if require or target_os() != "windows":
                raise CheckError(f"arRPC did not start: {error}") from error
            return f"skipped (arRPC did not start on Windows: {error})"
        try:
            self.ipc = runtime
            result = self.run("discord-check", "--json", "--codex-home", str(self.home))
        finally:
            peer.stop()
            self.ipc = self.work / "ipc"
            shutil.rmtree(runtime, ignore_errors=True)
        if result.returncode != 0:
            raise CheckError(f"discord-check exited {result.returncode}: {result.stdout}")
        report = json.loads(result.stdout)
        if report["sent"]["details"] != "Running cargo test · shop (main)" or not report["cleared"]:
            raise CheckError(f"discord-check: unexpected report {report!r}")
        return f"card sent to arRPC and cleared ({report['sent']['details']!r})"

    def prices(self) -> str:
        """`report model --json`: the session's call priced in the frozen app as genai-prices
        prices it here (the app imports the library only when it computes a cost, and the build
        leaves httpx2 out for a stand-in: packaging/rthook_no_httpx2.py)."""
        from genai_prices import Usage, calc_price

        result = self.run("report", "model", "--json", "--codex-home", str(self.home))
        if result.returncode != 0:
            raise CheckError(f"report exited {result.returncode}: {result.stderr}")
        report = json.loads(result.stdout)
        prices, totals = report["prices"], report["totals"]
        if not prices["source"].startswith("genai-prices ") or prices["unpriced_models"]:
            raise CheckError(f"report: prices {prices!r}; stderr {result.stderr!r}")
        model = report["rows"][0]["key"]
        usage = Usage(
            input_tokens=LAST["input_tokens"],
            cache_read_tokens=LAST["cached_input_tokens"],
            output_tokens=LAST["output_tokens"],
        )
        expected = float(calc_price(usage, model, provider_id="openai").total_price)
        if totals["calls"] != 1 or totals["cost_usd"] is None:
            raise CheckError(f"report: totals {totals!r}")
        if abs(totals["cost_usd"] - expected) > 1e-12:
            raise CheckError(f"report: {model} costs {totals['cost_usd']}, genai-prices {expected}")
        return f"{model}, 1 call: ${totals['cost_usd']:.5f} ({prices['source']})"

    def start_window(self, number: int) -> dict[str, float]:
        """One `--startup-check` launch; seconds from launch to first paint and first data."""
        base = self.work / f"start-{number}"
        launched = time.time()
        result = subprocess.run(
            [
                str(self.program),
                "--startup-check",
                "--no-discord",
                "--codex-home",
                str(self.home),
            ],
            env=self.env(base),
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        ended = time.time()
        if result.returncode != 0:
            raise CheckError(f"--startup-check exited {result.returncode}: {result.stderr}")
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if report["sessions"] != 1:
            raise CheckError(f"--startup-check: the window showed {report['sessions']} sessions")
        if not report["icon"]:
            raise CheckError("--startup-check: the app icon was not found in the build")
        log_text = "\n".join(p.read_text("utf-8") for p in (base / "log").glob("*.log"))
        if "stopped in" not in log_text:
            raise CheckError(f"--startup-check: no clean shutdown in the log:\n{log_text}")
        for marker in ("Traceback", " ERROR ", " CRITICAL "):
            if marker in log_text:
                raise CheckError(f"--startup-check: {marker.strip()} in the log:\n{log_text}")
        return {
            "first_paint_s": report["first_paint"] - launched,
            "first_data_s": report["first_data"] - launched,
            "exit_s": ended - launched,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="the PyInstaller --distpath (default: dist)")
    parser.add_argument("--runs", type=int, default=5, help="window starts to time (default 5)")
    parser.add_argument(
        "--max-size-mb", type=float, default=120.0, help="size budget in MB of 10^6 bytes"
    )
    parser.add_argument(
        "--require-arrpc",
        action="store_true",
        help="fail when arRPC is not installed, instead of skipping discord-check (not on Windows)",
    )
    args = parser.parse_args(argv)
    debug_build = os.environ.get("CODEX_PRESENCE_DEBUG_BUILD", "").strip() not in ("", "0")
    program = executable(args.dist)
    if not program.is_file():
        print(f"No build at {program}: run `uv run pyinstaller --noconfirm pyinstaller.spec`.")
        return 2
    size = folder_bytes(app_path(args.dist))
    print(f"app: {app_path(args.dist)}")
    print(f"size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB), budget {args.max_size_mb:g} MB")
    failures = 0 if size <= args.max_size_mb * 1e6 else 1
    if failures:
        print(f"FAIL size: {size / 1e6:.1f} MB is over the {args.max_size_mb:g} MB budget")
    with tempfile.TemporaryDirectory(prefix="codex-presence-smoke-") as tmp:
        smoke = Smoke(program, Path(tmp))
        checks: list[tuple[str, Callable[[], str]]] = [
            ("--version", smoke.version),
            ("status --json", smoke.status),
            ("screenshot", smoke.screenshot),
            ("discord-check", lambda: smoke.discord(args.require_arrpc)),
            ("report --json (genai-prices)", smoke.prices),
        ]
        twin = console_executable(args.dist)
        if twin is not None and twin.is_file():
            checks.insert(2, ("console twin", lambda: smoke.console_twin(twin)))
        elif twin is not None and not debug_build:
            # Only the debug build (a console program itself) is made without the twin.
            print(f"FAIL console twin: {twin} is missing")
            failures += 1
        for name, check in checks:
            try:
                print(f"ok   {name}: {check()}")
            except Exception as error:  # any surprise is a failed check, reported, not a crash
                failures += 1
                print(f"FAIL {name}: {type(error).__name__}: {error}")
        runs: list[dict[str, float]] = []
        for number in range(args.runs):
            try:
                runs.append(smoke.start_window(number))
            except Exception as error:
                failures += 1
                print(f"FAIL window start {number + 1}: {type(error).__name__}: {error}")
        if runs:
            paint = [run["first_paint_s"] for run in runs]
            data = [run["first_data_s"] for run in runs]
            exits = [run["exit_s"] for run in runs]
            verdict = "within" if statistics.median(paint) <= FIRST_PAINT_TARGET_S else "OVER"
            print(
                f"ok   window start x{len(runs)}: first paint median "
                f"{statistics.median(paint):.3f} s (min {min(paint):.3f}, max {max(paint):.3f}; "
                f"{verdict} the {FIRST_PAINT_TARGET_S} s target), first data median "
                f"{statistics.median(data):.3f} s, painted, read and quit in median "
                f"{statistics.median(exits):.3f} s"
            )
    print("smoke test passed" if failures == 0 else f"smoke test FAILED ({failures})")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
