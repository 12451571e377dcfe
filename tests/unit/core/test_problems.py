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


def test_the_rest_of_a_kind_status_never_lists_is_not_sent_to_status() -> None:
    """Calls of no usable time are met by the usage index alone (the live reader keeps no
    call's time): the report had said "`status --all --json` lists them all" of them, and
    that listed none."""
    undated = [Problem(ProblemKind.UNDATED_CALLS, f"1 call in f{i}.jsonl …") for i in range(5)]
    said = said_problems(undated)
    assert said[-1] == "…and 2 more files with calls of no usable time."
    malformed = [Problem(ProblemKind.MALFORMED_LINES, "x")] * (SAID_PER_KIND + 1)
    assert said_problems(malformed)[-1].endswith("(`status --all --json` lists them all).")
