"""Golden fixtures: every Codex log era and quirk gives the expected `status --json` values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import build_report
from tests.helpers.eras import FIXTURES, install_era


def _report_for(fixture: str, home: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    _, now, expected = install_era(fixture, home)
    reader = CodexReader([home], max_age=None, clock=lambda: now)
    return build_report(reader.refresh(), include_all=True), expected


def _within(actual: Any, expected: Any) -> bool:
    """True when ``actual`` has every value ``expected`` names (nested; extra keys allowed)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _within(actual[key], value) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_within(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_gives_expected_report(fixture: str, tmp_path: Path) -> None:
    """The session fields, the account limits and the warnings match the golden file."""
    report, expected = _report_for(fixture, tmp_path)
    (session,) = report["sessions"]
    for key, value in expected["session"].items():
        actual = session[key]
        if key == "activity" and actual is not None:
            actual = {"kind": actual["kind"], "target": actual["target"]}
        assert actual == value, f"{fixture}: {key}"
    if "limits" in expected:
        limits = report["limits"]
        if expected["limits"] is None:
            assert limits is None
        else:
            assert _within(limits, expected["limits"])
            for window in limits["windows"]:
                # Past its reset, what is left is unknown: null, never a stale number.
                assert window["remaining_percent"] == (
                    None
                    if window["past_reset"]
                    else max(0.0, min(100.0, 100 - window["used_percent"]))
                )
    if "other_limits" in expected:
        assert _within(report["other_limits"], expected["other_limits"])
    # Every reading names the session whose log carried it (one session per fixture).
    for bucket in [report["limits"], *report["other_limits"]]:
        if bucket is not None:
            assert bucket["source_session_id"] == session["session_id"]
    for fragment in expected.get("warnings", []):
        assert any(fragment in warning["text"] for warning in report["warnings"]), report[
            "warnings"
        ]
    if "warnings" not in expected:
        assert report["warnings"] == []
