"""What a command prints of the problems met: a few of each kind in full, the rest counted."""

from __future__ import annotations

from codex_presence_gui.core.problems import SAID_PER_KIND, Problem, ProblemKind, said_problems


def test_a_command_says_a_few_problems_of_each_kind_and_counts_the_rest() -> None:
    """3,000 damaged files had printed 12,000 lines of warnings on every report."""
    malformed = [
        Problem(ProblemKind.MALFORMED_LINES, f"1 malformed line skipped in f{i}.jsonl")
        for i in range(3000)
    ]
    unreadable = Problem(ProblemKind.UNREADABLE, "cannot read g.jsonl")
    said = said_problems([*malformed[:2], unreadable, *malformed[2:]])
    assert said == [
        *(str(problem) for problem in malformed[:2]),
        "cannot read g.jsonl",
        *(str(problem) for problem in malformed[2:SAID_PER_KIND]),
        f"…and {3000 - SAID_PER_KIND:,} more files with malformed lines "
        "(`status --all --json` lists them all).",
    ]
    # No more than that: nothing is counted.
    assert said_problems(malformed[:SAID_PER_KIND]) == [
        str(problem) for problem in malformed[:SAID_PER_KIND]
    ]


def test_every_kind_has_words_for_its_rest() -> None:
    for kind in ProblemKind:
        said = said_problems([Problem(kind, "x")] * (SAID_PER_KIND + 1))
        assert said[-1].startswith("…and 1 more "), kind
        assert " files " not in said[-1], kind  # one of them
