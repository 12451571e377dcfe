"""A repeat ``report`` with nothing new imports only what it needs (what makes it start fast).

Each command runs in a new interpreter with ``-X importtime``, which names every module as it is
imported; modules the interpreter itself imported before our code (``python -c pass``) are not
held against the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codex_presence_gui.core.report_cache import VALID_SECONDS
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

#: What a repeat must not import: the price library, Qt, the log parser and accounting, and
#: the standard modules that together cost more than its own work.
NOT_ON_A_REPEAT = {
    "genai_prices",
    "pydantic",
    "PySide6",
    "orjson",
    "platformdirs",
    "codex_presence_gui.core.session",
    "codex_presence_gui.core.jsonl",
    "codex_presence_gui.core.tail",
    "codex_presence_gui.core.models",
    "codex_presence_gui.core.usage_read",
    "argparse",
    "typing",
    "re",
    "pathlib",
    "dataclasses",
    "shutil",
    "codex_presence_gui.core.insights",
    "codex_presence_gui.core.history",
}
#: What a repeat that prints the report kept from the last run (nothing new in the index)
#: does not import either: the report's sums, its prices and its text.
NOT_FOR_A_KEPT_REPORT = {
    "decimal",
    "codex_presence_gui.core.usage_report",
    "codex_presence_gui.core.sanitize",
    "csv",
    "textwrap",
}
#: What the text and CSV forms may import besides: textwrap and csv import re, the text's
#: number formatting typing.
FORM_NEEDS = {"--json": set(), "--csv": {"re"}, "": {"re", "typing"}}
SID = "019d0000-0000-7000-8000-00000000c001"


def _imported(argv: list[str], environment: dict[str, str]) -> tuple[set[str], bytes]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], env=environment, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    names = {
        line.rpartition("|")[2].strip()
        for line in done.stderr.decode(errors="replace").splitlines()
        if line.startswith("import time:")
    }
    return names, done.stdout


@pytest.mark.parametrize(
    ("kind", "form"),
    [("daily", "--json"), ("session", "--json"), ("monthly", "--csv"), ("daily", "")],
)
def test_a_repeat_report_imports_only_what_it_needs(
    kind: str, form: str, codex_home: CodexHome, tmp_path: Path
) -> None:
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    lines.append(r.token_count(BASE + 10, r.usage(10_000, 5_000, 100), r.usage(10_000, 5_000, 100)))
    codex_home.write(SID, lines)
    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    environment.pop("PYTHONPROFILEIMPORTTIME", None)
    command = ["-m", "codex_presence_gui", "report", kind, *([form] if form else [])]
    command += ["--codex-home", str(codex_home.root)]
    for _ in range(2):
        quarter = time.time() // VALID_SECONDS
        first, built = _imported(command, environment)
        again, repeated = _imported(command, environment)
        if time.time() // VALID_SECONDS == quarter:
            break
        # A quarter hour (UTC) ended between the two: the report the first kept no longer
        # holds, and the repeat made it again. Both once more, from nothing.
        shutil.rmtree(tmp_path / "app")
    assert "genai_prices" in first  # the first run prices the calls with the library
    assert repeated == built
    before_us, _ = _imported(["-c", "pass"], environment)
    assert (again - before_us) & (NOT_ON_A_REPEAT - FORM_NEEDS[form]) == set()
    assert list((tmp_path / "app" / "cache" / "report-cache").glob("*.report"))
    assert (again - before_us) & NOT_FOR_A_KEPT_REPORT == set()


#: What a report must not import when a file grew since the last update (it reads the new
#: lines): Qt, the GUI's reader and history, and the standard modules the reader's own modules
#: need only for their annotations, a config.toml or a problem (hashlib loads OpenSSL), and
#: the problems themselves; nor orjson and dataclasses, whose imports (with inspect) would
#: cost more than reading a few new lines with the json module into named tuples.
NOT_ON_AN_APPEND = {
    "PySide6",
    "orjson",
    "dataclasses",
    "inspect",
    "platformdirs",
    "codex_presence_gui.core.insights",
    "codex_presence_gui.core.history",
    "codex_presence_gui.core.reader",
    "codex_presence_gui.core.problems",
    "argparse",
    "typing",
    "pathlib",
    "tomllib",
    "hashlib",
    "_hashlib",
    "shutil",
}


def test_a_report_after_a_file_grew_imports_only_what_it_needs(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    lines.append(r.token_count(BASE + 10, r.usage(10_000, 5_000, 100), r.usage(10_000, 5_000, 100)))
    path = codex_home.write(SID, lines)
    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    environment.pop("PYTHONPROFILEIMPORTTIME", None)
    command = ["-m", "codex_presence_gui", "report", "daily", "--json"]
    command += ["--codex-home", str(codex_home.root)]
    _, before = _imported(command, environment)
    more = r.token_count(BASE + 20, r.usage(20_000, 9_000, 200), r.usage(10_000, 4_000, 100))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(more + "\n")
    grown, report = _imported(command, environment)
    assert "codex_presence_gui.core.usage_read" in grown  # the new line was read
    assert report != before  # and counted
    before_us, _ = _imported(["-c", "pass"], environment)
    assert (grown - before_us) & NOT_ON_AN_APPEND == set()


def test_a_report_made_again_with_nothing_new_to_read_imports_no_parser(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """With the kept report gone (its quarter hour over, or the window wrote the index), the
    report is made again from the index: it keeps no sums for an append (their JSON would
    import json, and re with it), as a report that read new calls does."""
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    lines.append(r.token_count(BASE + 10, r.usage(10_000, 5_000, 100), r.usage(10_000, 5_000, 100)))
    codex_home.write(SID, lines)
    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    environment.pop("PYTHONPROFILEIMPORTTIME", None)
    command = ["-m", "codex_presence_gui", "report", "daily", "--json"]
    command += ["--codex-home", str(codex_home.root)]
    _, built = _imported(command, environment)
    kept = tmp_path / "app" / "cache" / "report-cache"
    assert list(kept.glob("*.sums"))  # kept by the first build, which read the log
    shutil.rmtree(kept)
    again, repeated = _imported(command, environment)
    assert repeated == built
    assert list(kept.glob("*.report"))
    assert not list(kept.glob("*.sums"))
    before_us, _ = _imported(["-c", "pass"], environment)
    assert (again - before_us) & (NOT_ON_A_REPEAT | {"json"}) == set()


def test_a_report_with_a_warning_does_not_import_the_status_report(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """Warnings are wrapped to the terminal's width: the wrapping had been the status
    report's, whose import (the dashboard, the live readers) cost every warned report 47 ms."""
    lines = [r.session_meta(BASE, SID, cwd="/w/shop"), r.turn_context(BASE + 1, cwd="/w/shop")]
    lines.append(r.token_count(BASE + 10, r.usage(10_000, 5_000, 100), r.usage(10_000, 5_000, 100)))
    codex_home.write(SID, lines)
    (codex_home.root / "config.toml").write_text('service_tier = "fast\n')  # unclosed
    environment = dict(os.environ, **{BASE_DIR_ENV: str(tmp_path / "app")})
    environment.pop("PYTHONPROFILEIMPORTTIME", None)
    command = ["-m", "codex_presence_gui", "report", "daily", "--json"]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command, "--codex-home", str(codex_home.root)],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "config.toml" in done.stderr  # warned
    assert "codex_presence_gui.core.wrapping" in done.stderr
    assert not {"codex_presence_gui.core.report", "codex_presence_gui.core.dashboard"} & {
        line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
    }
