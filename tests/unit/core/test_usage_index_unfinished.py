"""The usage index and a last line Codex is still writing: the line is read whole once it is
finished, never from its middle, and counted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_presence_gui.core.models import TokenUsage
from codex_presence_gui.core.usage_index import UsageIndex
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SESSION = "019df0a0-0000-7000-8000-00000000abcd"
FIRST = r.usage(10_000, 4_000, 300, 100)
SECOND = r.usage(12_000, 9_000, 200, 50)
BOTH = {key: FIRST[key] + SECOND[key] for key in FIRST}


def calls(index: UsageIndex, home: Path) -> tuple[int, TokenUsage]:
    """How many calls the index holds for the home, and their token sums."""
    count, sums = 0, [0] * 5
    for slot in index.slots([home]):
        count += slot.calls
        tokens = slot.tokens
        values = (tokens.input, tokens.cached_input, tokens.output)
        for position, value in enumerate((*values, tokens.reasoning_output, tokens.total)):
            sums[position] += value
    return count, TokenUsage(*sums)


def expected(usage: dict[str, int]) -> TokenUsage:
    return TokenUsage(
        usage["input_tokens"],
        usage["cached_input_tokens"],
        usage["output_tokens"],
        usage["reasoning_output_tokens"],
        usage["total_tokens"],
    )


@pytest.mark.parametrize("cut", [1, 40, 200, -1], ids=["first-byte", "in-type", "in-info", "lf"])
def test_a_usage_line_cut_by_an_update_is_counted_once_finished(
    codex_home: CodexHome, tmp_path: Path, cut: int
) -> None:
    """The second response's token_count is half written when the index is updated (``cut``
    bytes of it; -1: all but its LF); it must count once finished, whatever the cut."""
    lines = [
        r.session_meta(BASE, SESSION),
        r.turn_context(BASE + 1, "gpt-5.4"),
        r.token_count(BASE + 5, FIRST, FIRST, r.limits()),
    ]
    path = codex_home.write(SESSION, lines)
    last = (r.token_count(BASE + 30, BOTH, SECOND, r.limits()) + "\n").encode()
    head, rest = last[:cut], last[cut:]
    with open(path, "ab") as handle:
        handle.write(head)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: BASE + 3600) as index:
        index.update([codex_home.root])
        assert calls(index, codex_home.root) == (1, expected(FIRST))
        index.update([codex_home.root])  # still unfinished: still not counted, nor lost
        assert calls(index, codex_home.root) == (1, expected(FIRST))
        with open(path, "ab") as handle:
            handle.write(rest)
        index.update([codex_home.root])
        assert calls(index, codex_home.root) == (2, expected(BOTH))
        index.update([codex_home.root])  # nothing new: nothing counted twice
        assert calls(index, codex_home.root) == (2, expected(BOTH))


def test_a_file_without_an_unfinished_line_is_not_opened_again(
    codex_home: CodexHome, tmp_path: Path
) -> None:
    """The rule costs nothing for finished files: an unchanged file is not read again."""
    lines = [
        r.session_meta(BASE, SESSION),
        r.turn_context(BASE + 1, "gpt-5.4"),
        r.token_count(BASE + 5, FIRST, FIRST, r.limits()),
    ]
    codex_home.write(SESSION, lines)
    with UsageIndex(tmp_path / "index.sqlite3", clock=lambda: BASE + 3600) as index:
        assert index.update([codex_home.root]).read == 1
        assert index.update([codex_home.root]).read == 0
