"""The homes as text are the text of the homes as paths (the index knows a home by it)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core import discovery
from codex_presence_gui.core.discovery import home_texts, resolve_codex_homes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pathlib works it out elsewhere")

PARTS = st.sampled_from(["a", "b c", ".", "..", "", "~", "~root", "~nobody-here", "x~"])
TEXTS = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["", "/", "//", "///", "./", "~/", "~root/"]),
    st.lists(PARTS, max_size=4),
    st.sampled_from(["", "/", "//", "/."]),
)


def _pathlib(text: str) -> str | type[Exception]:
    try:
        return str(Path(text).expanduser())
    except RuntimeError:
        return RuntimeError


def _ours(text: str) -> str | type[Exception]:
    try:
        return discovery._expanded(text)
    except RuntimeError:
        return RuntimeError


@given(TEXTS)
def test_a_text_as_pathlib_writes_it(text: str) -> None:
    assert discovery._normal(text) == str(PurePosixPath(text))
    assert _ours(text) == _pathlib(text)


@given(st.lists(TEXTS, max_size=4), st.sampled_from([None, "", "  ", " ~/codex/ ", "/srv//x"]))
def test_the_homes_resolve_codex_homes_gives(homes: list[str], codex_home: str | None) -> None:
    environ = {} if codex_home is None else {"CODEX_HOME": codex_home}
    try:
        expected: list[str] | type[Exception] = [
            str(home) for home in resolve_codex_homes(homes, environ=environ)
        ]
    except RuntimeError:
        expected = RuntimeError
    try:
        ours: list[str] | type[Exception] = home_texts(homes, environ=environ)
    except RuntimeError:
        ours = RuntimeError
    assert ours == expected


def test_a_home_of_dot_walks_as_pathlib_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sessions" / "2026"
    folder.mkdir(parents=True)
    (folder / "rollout-x.jsonl").write_text("{}\n")
    monkeypatch.chdir(tmp_path)
    walked = discovery.walk_homes(["."], [], [])
    found = discovery.discover([Path(".")])
    assert [item[0] for item in walked] == [str(f.path) for f in found.files]
    assert walked[0][0] == "sessions/2026/rollout-x.jsonl"
