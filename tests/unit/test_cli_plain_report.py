"""A plain ``report`` command line is read without argparse, into what argparse makes of it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.cli import _plain_report, build_parser

WORDS = [
    "--codex-home",
    "report",
    "status",
    "daily",
    "weekly",
    "monthly",
    "session",
    "project",
    "model",
    "hourly",
    "--json",
    "--csv",
    "--breakdown",
    "--break",
    "--since",
    "--until",
    "--timezone",
    "2026-05-04",
    "2026-13-01",
    "20260504",
    "2026-W19-1",
    "UTC",
    "Europe/Paris",
    "",
    "dir",
    "a b",
    " a\n",
    "-x",
    "-",
    "--",
    "-5",
    "--jso",
    "--json=1",
    "--since=2026-05-04",
    "--codex-home=x",
    "-h",
    "--help",
    "-v",
    "--version",
]
OPTIONS = st.sampled_from(
    [
        ["--json"],
        ["--csv"],
        ["--breakdown"],
        ["--since", "2026-05-04"],
        ["--until", "2026-05-31"],
        ["--since", "May"],
        ["--until", "20260531"],
        ["--timezone", "UTC"],
        ["--codex-home", "a"],
        ["--codex-home", "a", "b"],
        ["--codex-home", " a ", "b\n"],
        ["--codex-home"],
        ["--timezone"],
    ]
)
#: Mostly well-formed report command lines, with stray words from the list mixed in.
LINES = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=8),
    st.builds(
        lambda homes, kind, options, stray: [
            *[part for home in homes for part in ("--codex-home", home)],
            "report",
            kind,
            *[part for option in options for part in option],
            *stray,
        ],
        st.lists(st.sampled_from(["h1", "h2", "", " h1\t", "-h"]), max_size=2),
        st.sampled_from(["daily", "session", "model", "hourly", "--json"]),
        st.lists(OPTIONS, max_size=4),
        st.lists(st.sampled_from(WORDS), max_size=1),
    ),
)


def _argparse(argv: list[str]) -> dict[str, object] | None:
    try:
        return vars(build_parser().parse_args(argv))
    except SystemExit:
        return None


@given(LINES)
def test_what_argparse_makes_of_it(argv: list[str]) -> None:
    plain = _plain_report(argv)
    if plain is not None:
        assert vars(plain) == _argparse(argv)


@pytest.mark.parametrize(
    "line",
    [
        "report daily --json --codex-home /corpus",
        "--codex-home a report session --csv --timezone Europe/Paris",
        "report monthly --since 2026-05-01 --until 2026-06-30 --codex-home a b",
        "report model",
        "report daily --breakdown --since 2026-05-01",
    ],
)
def test_plain_lines_skip_argparse(line: str) -> None:
    argv = line.split()
    plain = _plain_report(argv)
    assert plain is not None
    assert vars(plain) == _argparse(argv)
