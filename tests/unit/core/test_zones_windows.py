"""The window follows a change of the machine's time zone on Windows too, where Python has no
``time.tzset`` and the C runtime keeps the zone it read first until its ``_tzset``."""

from __future__ import annotations

import sys
import time

import pytest

from codex_presence_gui.core import zones


def test_windows_c_runtime_reads_the_zone_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    looked_up: list[str] = []

    def runtime_tzset() -> object:
        looked_up.append("ucrtbase")
        return lambda: calls.append("_tzset")

    monkeypatch.delattr(time, "tzset", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(zones, "_windows_tzset", None)
    monkeypatch.setattr(zones, "_runtime_tzset", runtime_tzset)

    zones.follow_system_zone()
    zones.follow_system_zone()

    assert calls == ["_tzset", "_tzset"]  # each time: the zone may have changed meanwhile
    assert looked_up == ["ucrtbase"]  # the runtime looked up once


def test_no_c_runtime_to_load_is_no_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A runtime that cannot be loaded (not Windows after all, a stripped system) leaves the
    zone as it is, and the clocks as they were."""
    monkeypatch.delattr(time, "tzset", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(zones, "_windows_tzset", None)

    zones.follow_system_zone()  # ucrtbase is not here: nothing happens, nothing raised
    assert zones.local_zone() is not None
