"""Our usage report against ccusage 20.0.24 on a fixture home (``tests/helpers/usage_home.py``).

``ccusage codex daily|session --offline --json --timezone UTC`` and our ``report daily|session
--json --timezone UTC`` read the same home. Per day, per session and per model, total, cached,
input, output and reasoning tokens must be equal, and costs within 0.5 %. The differences that
docs/ccusage-parity.md explains (a 0.171 exec fork, a file without a model, models one price
list knows and the other does not, the priority tier) are checked to be exactly what it says.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codex_presence_gui.core.models import TokenUsage
from codex_presence_gui.paths import BASE_DIR_ENV
from tests.helpers.ccusage import missing_reason, run_ccusage
from tests.helpers.usage_home import ParityHome, Usage, write_parity_home

pytestmark = [
    pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or ""),
    pytest.mark.slow,
]

REPO = Path(__file__).resolve().parents[2]
#: Costs agree within this share, or the difference is one docs/ccusage-parity.md explains.
COST_TOLERANCE = 0.005
#: Our costs are printed to the micro-dollar.
COST_ABS = 2e-6
#: Sessions whose cost (and for ``exec_fork`` tokens) differ from ccusage for a documented rule.
EXPLAINED = ("no_model", "unpriced", "fast", "exec_fork")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TOKENS = ("input", "cached", "output", "reasoning", "total")

Row = dict[str, Any]
#: Each report run with both tools: a name, the arguments, and --since/--until dates.
RUNS = (
    ("daily", ["daily", "--timezone", "UTC"], []),
    ("session", ["session", "--timezone", "UTC"], []),
    ("daily@Asia/Kolkata", ["daily", "--timezone", "Asia/Kolkata"], []),
    (
        "daily@range",
        ["daily", "--timezone", "UTC"],
        ["--since", "2026-05-05", "--until", "2026-05-06"],
    ),
)


@dataclass
class Outputs:
    home: ParityHome
    ours: dict[str, dict[str, Any]]
    theirs: dict[str, dict[str, Any]]

    def our_rows(self, kind: str) -> dict[str, Row]:
        return {row["key"]: row for row in self.ours[kind]["rows"]}

    def their_rows(self, kind: str) -> dict[str, Row]:
        if kind.startswith("session"):
            return {_session_key(row["sessionId"]): row for row in self.theirs[kind]["sessions"]}
        return {row["date"]: row for row in self.theirs[kind]["daily"]}

    def priced(self) -> None:
        source = self.ours["daily"]["prices"]["source"]
        if source.startswith("unavailable"):
            pytest.skip(f"our report has no prices: {source}")


def _session_key(session_id: str) -> str:
    """ccusage names a session by its path below ``sessions/``; ours by the thread id, which
    is the UUID that ends the file name."""
    found = _UUID.search(session_id)
    assert found is not None, session_id
    return found.group(0)


def run_ours(home: Path, args: list[str], base: Path) -> dict[str, Any]:
    """``python -m codex_presence_gui report ARGS --json``, the index in ``base``."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codex_presence_gui",
            "report",
            *args,
            "--json",
            "--codex-home",
            str(home),
        ],
        env={**os.environ, BASE_DIR_ENV: str(base)},
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    data: dict[str, Any] = json.loads(done.stdout)
    return data


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    scratch = tmp_path_factory.mktemp("ccusage-parity")
    home = write_parity_home(scratch / "codex-home")
    base = scratch / "app"
    ours, theirs = {}, {}
    for name, args, dates in RUNS:
        ours[name] = run_ours(home.root, [*args, *dates], base)
        # ccusage wants YYYYMMDD.
        compact = [re.sub(r"^(\d{4})-(\d\d)-(\d\d)$", r"\1\2\3", item) for item in dates]
        theirs[name] = run_ccusage(home.root, [*args, "--offline", "--json", *compact], scratch)
    return Outputs(home, ours, theirs)


def our_tokens(row: Row) -> dict[str, int]:
    return {
        "input": row["input_tokens"],
        "cached": row["cached_input_tokens"],
        "output": row["output_tokens"],
        "reasoning": row["reasoning_output_tokens"],
        "total": row["total_tokens"],
    }


def their_tokens(row: Row) -> dict[str, int]:
    """ccusage's ``inputTokens`` leaves cached input (and cache writes) out; ours has them."""
    return {
        "input": row["inputTokens"] + row["cacheReadTokens"] + row["cacheCreationTokens"],
        "cached": row["cacheReadTokens"],
        "output": row["outputTokens"],
        "reasoning": row["reasoningOutputTokens"],
        "total": row["totalTokens"],
    }


def usage_tokens(usage: Usage) -> dict[str, int]:
    return {
        "input": usage["input_tokens"],
        "cached": usage["cached_input_tokens"],
        "output": usage["output_tokens"],
        "reasoning": usage["reasoning_output_tokens"],
        "total": usage["total_tokens"],
    }


def minus(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {key: a[key] - b[key] for key in _TOKENS}


def price(model: str, tokens: dict[str, int]) -> float:
    """What our price library says calls of these token sums cost (short context)."""
    from codex_presence_gui.core.pricing import Pricer

    usage = TokenUsage(
        tokens["input"], tokens["cached"], tokens["output"], tokens["reasoning"], tokens["total"]
    )
    cost = Pricer().cost(model, False, usage)
    assert cost is not None, model
    return cost


# -- tokens ---------------------------------------------------------------------------------


def test_the_same_days_and_sessions(outputs: Outputs) -> None:
    home = outputs.home
    assert (
        set(outputs.our_rows("daily"))
        == set(outputs.their_rows("daily"))
        == {
            "2026-05-04",
            "2026-05-05",
            "2026-05-06",
            "2026-05-07",
        }
    )
    with_calls = {thread.session_id for thread in home.threads.values() if thread.calls}
    assert home.session_id("quiet") not in with_calls
    assert set(outputs.our_rows("session")) == set(outputs.their_rows("session")) == with_calls


def test_tokens_per_day_are_equal(outputs: Outputs) -> None:
    """Equal on every day but the exec fork's, where ccusage counts the parent's last
    response a second time (the fork's first reading carries it; see the docs)."""
    fork_day = outputs.home.day_of("exec_fork")
    recount = usage_tokens(outputs.home.exec_fork_recount)
    theirs = outputs.their_rows("daily")
    for day, row in outputs.our_rows("daily").items():
        difference = minus(their_tokens(theirs[day]), our_tokens(row))
        expected = recount if day == fork_day else dict.fromkeys(_TOKENS, 0)
        assert difference == expected, day


def test_since_and_until_keep_the_same_days(outputs: Outputs) -> None:
    fork_day = outputs.home.day_of("exec_fork")
    recount = usage_tokens(outputs.home.exec_fork_recount)
    theirs = outputs.their_rows("daily@range")
    ours = outputs.our_rows("daily@range")
    assert set(ours) == set(theirs) == {"2026-05-05", "2026-05-06"}
    for day, row in ours.items():
        difference = minus(their_tokens(theirs[day]), our_tokens(row))
        assert difference == (recount if day == fork_day else dict.fromkeys(_TOKENS, 0)), day


def test_tokens_per_local_day_are_equal(outputs: Outputs) -> None:
    """Days of a zone 5 h 30 min from UTC: our quarter-hour sums split where ccusage does."""
    fork_day = outputs.home.day_of("exec_fork")  # 17:20 UTC is 22:50 in Kolkata: same date
    recount = usage_tokens(outputs.home.exec_fork_recount)
    theirs = outputs.their_rows("daily@Asia/Kolkata")
    ours = outputs.our_rows("daily@Asia/Kolkata")
    assert set(ours) == set(theirs)
    assert "2026-05-08" in ours  # 22:00 UTC on the 7th is past midnight in Kolkata
    for day, row in ours.items():
        difference = minus(their_tokens(theirs[day]), our_tokens(row))
        expected = recount if day == fork_day else dict.fromkeys(_TOKENS, 0)
        assert difference == expected, day


def test_tokens_per_session_and_model_are_equal(outputs: Outputs) -> None:
    """Per session and per model; the file without a model is ``unknown`` for us and the
    fallback ``gpt-5`` (``isFallback``) for ccusage."""
    home = outputs.home
    theirs = outputs.their_rows("session")
    for key, row in outputs.our_rows("session").items():
        their = theirs[key]
        expected = dict.fromkeys(_TOKENS, 0)
        if key == home.session_id("exec_fork"):
            expected = usage_tokens(home.exec_fork_recount)
        assert minus(their_tokens(their), our_tokens(row)) == expected, key
        their_models = dict(their["models"])
        if key == home.session_id("no_model"):
            assert their_models["gpt-5"]["isFallback"] is True
            their_models["unknown"] = their_models.pop("gpt-5")
        assert set(row["models"]) == set(their_models), key
        for model, ours in row["models"].items():
            difference = minus(their_tokens(their_models[model]), our_tokens(ours))
            assert difference == (expected if model == "gpt-5.4" else dict.fromkeys(_TOKENS, 0))


def test_last_activity_is_equal(outputs: Outputs) -> None:
    theirs = outputs.their_rows("session")
    for key, row in outputs.our_rows("session").items():
        # ccusage keeps the line's text (milliseconds); we print whole seconds.
        assert row["last_at"][:19] == theirs[key]["lastActivity"][:19], key


# -- cost -----------------------------------------------------------------------------------


def test_costs_per_session_agree(outputs: Outputs) -> None:
    outputs.priced()
    explained = {outputs.home.session_id(name) for name in EXPLAINED}
    theirs = outputs.their_rows("session")
    compared = 0
    for key, row in outputs.our_rows("session").items():
        if key in explained:
            continue
        cost = theirs[key]["costUSD"]
        assert cost > 0, key
        assert row["cost_usd"] == pytest.approx(cost, rel=COST_TOLERANCE, abs=COST_ABS), key
        compared += 1
    assert compared == len(outputs.our_rows("session")) - len(EXPLAINED) == 13


def test_costs_per_day_agree(outputs: Outputs) -> None:
    """Each day's cost without the explained sessions (each within one day) agrees."""
    outputs.priced()
    home = outputs.home
    ours_by_session = outputs.our_rows("session")
    theirs_by_session = outputs.their_rows("session")
    theirs = outputs.their_rows("daily")
    for day, row in outputs.our_rows("daily").items():
        our_cost, their_cost = row["cost_usd"] or 0.0, theirs[day]["costUSD"]
        for name in EXPLAINED:
            if home.day_of(name) == day:
                key = home.session_id(name)
                our_cost -= ours_by_session[key]["cost_usd"] or 0.0
                their_cost -= theirs_by_session[key]["costUSD"]
        assert their_cost > 0, day
        assert our_cost == pytest.approx(their_cost, rel=COST_TOLERANCE, abs=COST_ABS), day


def test_the_explained_cost_differences(outputs: Outputs) -> None:
    """Each documented difference is exactly what docs/ccusage-parity.md says."""
    outputs.priced()
    home = outputs.home
    ours = outputs.our_rows("session")
    theirs = outputs.their_rows("session")

    def pair(name: str) -> tuple[Row, Row]:
        key = home.session_id(name)
        return ours[key], theirs[key]

    # No model named: ccusage prices the calls as gpt-5; we do not guess.
    our, their = pair("no_model")
    assert our["cost_usd"] is None
    assert their["costUSD"] == pytest.approx(price("gpt-5", our_tokens(our)), rel=1e-9)

    # codex-mini-latest is in genai-prices, not in ccusage's embedded prices; acme-local-1 in
    # neither. ccusage counts both at 0 and flags them.
    our, their = pair("unpriced")
    assert their["costUSD"] == 0
    assert their["models"]["codex-mini-latest"]["missingPricing"] is True
    assert their["models"]["acme-local-1"]["missingPricing"] is True
    assert our["models"]["acme-local-1"]["cost_usd"] is None
    mini = our["models"]["codex-mini-latest"]
    assert mini["cost_usd"] == pytest.approx(price("codex-mini-latest", our_tokens(mini)))
    assert our["cost_usd"] == mini["cost_usd"]
    assert outputs.ours["session"]["prices"]["unpriced_models"] == ["acme-local-1", "unknown"]
    assert outputs.theirs["session"]["totals"]["unpricedModels"] == [
        "acme-local-1",
        "codex-mini-latest",
    ]

    # The priority ("fast") service tier: ccusage doubles gpt-5.4 on any day; genai-prices has
    # priority prices from 2026-10-12 only, so these May calls are at standard rates for us.
    our, their = pair("fast")
    assert their["costUSD"] == pytest.approx(2 * our["cost_usd"], rel=COST_TOLERANCE)

    # The exec fork: ccusage also prices the parent's last response it counts again.
    our, their = pair("exec_fork")
    recount = price("gpt-5.4", usage_tokens(home.exec_fork_recount))
    assert their["costUSD"] == pytest.approx(
        our["cost_usd"] + recount, rel=COST_TOLERANCE, abs=COST_ABS
    )
