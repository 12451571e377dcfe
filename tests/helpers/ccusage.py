"""Run ccusage 20.0.24 (``ccusage codex ...``), the usage reporter we cross-check against.

`.ci/run` installs it with npm into a cache folder; tests find it through
``CODEX_PRESENCE_CCUSAGE_DIR`` (default ``~/.cache/codex-presence-ci/ccusage``) and skip,
saying why, when it is not there. The npm package ``ccusage`` is a small Node.js
wrapper around a native binary in ``@ccusage/ccusage-<os>-<arch>``; the binary is run
directly (same output, no Node.js start-up).
"""

from __future__ import annotations

import json
import os
import platform
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

CCUSAGE_DIR_ENV = "CODEX_PRESENCE_CCUSAGE_DIR"
DEFAULT_CCUSAGE_DIR = Path.home() / ".cache" / "codex-presence-ci" / "ccusage"
VERSION = "20.0.24"


def ccusage_dir() -> Path:
    return Path(os.environ.get(CCUSAGE_DIR_ENV) or DEFAULT_CCUSAGE_DIR)


def native_package() -> str | None:
    """``@ccusage/ccusage-<os>-<arch>`` for this machine; None where ccusage has none."""
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform)
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if system is None or arch is None:
        return None
    return f"@ccusage/ccusage-{system}-{arch}"


def binary_path(root: Path | None = None) -> Path | None:
    """The native binary as npm installed it (None where ccusage has none for this machine)."""
    package = native_package()
    if package is None:
        return None
    name = "ccusage.exe" if sys.platform == "win32" else "ccusage"
    return (root or ccusage_dir()) / "node_modules" / package / "bin" / name


def missing_reason() -> str | None:
    """Why ccusage cannot run here, or None when it can."""
    root = ccusage_dir()
    binary = binary_path(root)
    if binary is None:
        return f"ccusage has no native binary for {sys.platform}/{platform.machine()}"
    if not binary.is_file():
        return f"ccusage {VERSION} is not installed in {root} (.ci/run installs it with npm)"
    installed = root / "node_modules" / "ccusage" / "package.json"
    try:
        version = json.loads(installed.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        version = None
    if version != VERSION:
        return f"ccusage in {root} is {version or 'unknown'}, not {VERSION}"
    return None


def run_ccusage(codex_home: Path, args: list[str], scratch: Path) -> dict[str, Any]:
    """``ccusage codex ARGS`` with ``CODEX_HOME`` and an empty home of its own (no config
    file of the user's, no pricing cache), parsed from its JSON output."""
    binary = binary_path()
    assert binary is not None
    if sys.platform != "win32" and not os.access(binary, os.X_OK):
        # npm leaves it without the execute bit; ccusage's own wrapper sets it on first run.
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    empty = scratch / "ccusage-home"
    empty.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(empty),
        "USERPROFILE": str(empty),
        "XDG_CONFIG_HOME": str(empty / ".config"),
        "XDG_CACHE_HOME": str(empty / ".cache"),
        "CODEX_HOME": str(codex_home),
        "NO_COLOR": "1",
    }
    for name in ("SYSTEMROOT", "TEMP", "TMP"):  # Windows needs these to start a program
        if name in os.environ:
            env[name] = os.environ[name]
    done = subprocess.run(
        [str(binary), "codex", *args],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"ccusage codex {' '.join(args)} failed ({done.returncode}): "
            f"{done.stderr.decode(errors='replace')}"
        )
    data: dict[str, Any] = json.loads(done.stdout)
    return data
