"""What a command prints of the problems met: a few of each kind in full, the rest counted."""

from __future__ import annotations

import pytest

from codex_presence_gui.core.problems import (
    CONFIG_UNUSED_EFFECT,
    SAID_PER_KIND,
    Problem,
    ProblemKind,
    said_problems,
    warning_line,
)


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


def test_a_config_file_that_cannot_be_used_is_never_folded_into_the_rest() -> None:
    """Three unreadable logs and then a home's broken ``config.toml``: the notice had become
    "…and 1 more unreadable file (`status --all --json` lists them all)", and status reads
    no config file, so it listed none."""
    unreadable = [Problem(ProblemKind.UNREADABLE, f"cannot read f{i}.jsonl") for i in range(4)]
    configs = [
        Problem(
            ProblemKind.UNREADABLE,
            f"/h{i}/config.toml cannot be used (not TOML): {CONFIG_UNUSED_EFFECT}",
        )
        for i in range(2)
    ]
    said = said_problems([*unreadable[:SAID_PER_KIND], *configs, unreadable[-1]])
    assert said == [
        *(str(problem) for problem in unreadable[:SAID_PER_KIND]),
        *(str(problem) for problem in configs),
        # Only the log past the first three is counted: the config files are not among them.
        "…and 1 more file or folder that cannot be read (`status --all --json` lists them all).",
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Could not use your settings (x).", "warning: could not use your settings (x)."),
        (
            "Only the first 64 Codex folders are read",
            "warning: only the first 64 Codex folders are read",
        ),
        ("No Codex folder found (looked in /x)", "warning: no Codex folder found (looked in /x)"),
        # A name, an acronym, a path or a number keeps what it begins with.
        ("Codex folder not found, left out: /x", "warning: Codex folder not found, left out: /x"),
        ("Codex's folder /x is a file", "warning: Codex's folder /x is a file"),
        ("TZ names no zone", "warning: TZ names no zone"),
        ("GPT-5 is not priced", "warning: GPT-5 is not priced"),
        ("/home/me/.codex/sessions is missing", "warning: /home/me/.codex/sessions is missing"),
        # A relative path (``--codex-home Work/codex``) too, on POSIX and on Windows: lowered,
        # it had named another folder.
        (
            "Work/codex/sessions, where Codex keeps its logs, is missing",
            "warning: Work/codex/sessions, where Codex keeps its logs, is missing",
        ),
        ("Codex\\sessions is a file", "warning: Codex\\sessions is a file"),
        ("3 folders are missing", "warning: 3 folders are missing"),
        ("A", "warning: A"),
        ("", "warning: "),
    ],
)
def test_a_warning_is_a_sentence_begun_in_lower_case(text: str, line: str) -> None:
    """Every command writes its warnings so ("warning: Could not use your settings" and
    "warning: No Codex folder found" had kept their capitals beside "warning: only …")."""
    assert warning_line(text) == line
