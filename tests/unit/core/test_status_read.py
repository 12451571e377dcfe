"""``status`` reads once, lets go, compacts and may read in two processes: same report."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core.dashboard import history_since
from codex_presence_gui.core.history import HISTORY_DAYS, HistoryReader
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import build_report
from tests.helpers.quota import FIVE_HOURS, Turn, write_session
from tests.helpers.rollout import BASE, CodexHome

NOW = BASE + 3 * 86400


def _home(root: Path, sessions: int = 24) -> CodexHome:
    """Sessions taking turns over four hours: the account's use rises by whole percents, so
    that most readings repeat the one before (as real ones do), and both windows move."""
    home = CodexHome(root)
    for index in range(sessions):
        start = NOW - 4 * 3600 + index * 600
        turns = [
            Turn(
                start + k * 240,
                900 + 10 * index,
                float(int((start + k * 240 - (NOW - 5 * 3600)) / 1800)),
                weekly=float(20 + int((start + k * 240 - (NOW - 5 * 3600)) / 7200)),
            )
            for k in range(5)
        ]
        write_session(
            home,
            f"019d0000-0000-7000-8000-{index:012x}",
            turns,
            resets_at=NOW - 5 * 3600 + FIVE_HOURS,
            weekly_resets_at=NOW + 4 * 86400,
        )
    return home


def _report(root: Path, **options: Any) -> dict[str, Any]:
    clock = lambda: NOW  # noqa: E731
    reader = CodexReader([root], max_age=None, clock=clock, record_days=HISTORY_DAYS, **options)
    result = reader.refresh()
    found = reader.discovery
    assert found is not None
    history = HistoryReader(clock=clock).refresh(
        found.files, since=history_since(result), shared=reader.recorded()
    )
    report = build_report(result, include_all=True, history=history)
    return report


def test_the_one_shot_and_two_process_reads_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _home(tmp_path)
    kept = _report(tmp_path)
    assert any(session["share_percent"] for session in kept["sessions"])  # shares are at stake
    assert _report(tmp_path, one_shot=True) == kept
    monkeypatch.setattr(reader_module, "PARALLEL_MIN_FILES", 2)
    forks = _count_forks(monkeypatch)
    assert _report(tmp_path, one_shot=True, processes=2) == kept
    assert forks == [1]


def _count_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    return forks


def test_a_failed_second_process_leaves_its_half_to_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _home(tmp_path, sessions=6)
    kept = _report(tmp_path)
    monkeypatch.setattr(reader_module, "PARALLEL_MIN_FILES", 2)

    def broken(*_args: object) -> None:
        raise MemoryError("as if the copy ran out of memory")

    # The forked copy inherits the fault.
    monkeypatch.setattr(reader_module.CodexReader, "_send_batches", broken)
    forks = _count_forks(monkeypatch)
    with caplog.at_level(logging.WARNING):
        assert _report(tmp_path, one_shot=True, processes=2) == kept
    assert forks == [1]
    assert "reading in a second process failed" in caplog.text
