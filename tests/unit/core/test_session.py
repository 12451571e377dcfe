"""Accounting rules of one session: duplicates, segments, forks, records, identity."""

from __future__ import annotations

from pathlib import Path

from codex_presence_gui.core.sanitize import NO_FOLDER
from codex_presence_gui.core.session import (
    SessionAccumulator,
    project_name,
    session_id_from_name,
    surface_of,
)
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE

PATH = Path("rollout-2026-05-04T09-00-00-019de1a2-0000-7000-8000-00000000abcd.jsonl")


def fold(*lines: str) -> SessionAccumulator:
    session = SessionAccumulator(PATH)
    for line in lines:
        session.line(line.encode())
    return session


def test_duplicate_re_emission_does_not_reset_this_update() -> None:
    """The original zeroed "this update" on every duplicate; it must keep the last delta."""
    session = fold(
        r.token_count(BASE, r.usage(1000, 0, 100)),
        r.token_count(BASE + 5, r.usage(1500, 0, 150), r.usage(500, 0, 50)),
        r.token_count(BASE + 6, r.usage(1500, 0, 150), r.usage(500, 0, 50), r.limits()),
        r.token_count(BASE + 7, None, None, r.limits()),
    )
    snapshot = session.snapshot(BASE + 8)
    assert (snapshot.session_delta_tokens, snapshot.last_turn_tokens) == (550, 550)
    assert snapshot.session_total_tokens == 1650
    assert snapshot.limits is not None


def test_delta_is_the_difference_of_distinct_totals() -> None:
    """ "This update" follows totals, even when last_token_usage is only an estimate."""
    session = fold(
        r.token_count(BASE, r.usage(1000, 0, 100)),
        r.token_count(BASE + 1, r.usage(3000, 0, 300), {"total_tokens": 999}),
    )
    snapshot = session.snapshot(BASE)
    assert (snapshot.session_delta_tokens, snapshot.last_turn_tokens) == (2200, 999)


def test_limits_are_sticky_and_kept_per_bucket() -> None:
    """A token_count without limits keeps the earlier reading; buckets never overwrite."""
    model_bucket = r.limits((90.0, 300, 1), None, limit_id="codex_bengalfox", limit_name="spark")
    session = fold(
        r.token_count(BASE, None, None, r.limits((10.0, 300, 1), None)),
        r.token_count(BASE + 1, None, None, model_bucket),
        r.token_count(BASE + 2, r.usage(1, 0, 1), None, None),
    )
    snapshot = session.snapshot(BASE)
    assert snapshot.limits is not None
    assert (snapshot.limits.limit_id, snapshot.limits.windows[0].used_percent) == ("codex", 10.0)
    assert [b.limit_id for b in snapshot.limit_buckets] == ["codex", "codex_bengalfox"]
    assert snapshot.last_token_event_at == BASE + 2


def test_fork_burst_is_not_counted_without_ordinals() -> None:
    """Replayed parent lines (same second as the header) set the inherited base only."""
    parent = "019de1a2-0000-7000-8000-0000000000aa"
    session = fold(
        r.session_meta(BASE, "019de1a2-0000-7000-8000-0000000000bb"),
        r.session_meta(BASE, parent),
        r.exec_call(BASE + 0.3, "replayed", "cargo build"),
        r.token_count(BASE + 0.3, r.usage(9000, 0, 1000), None, r.limits((77.0, 300, 1), None)),
        r.token_count(BASE + 30, r.usage(9500, 0, 1100), r.usage(500, 0, 100)),
    )
    snapshot = session.snapshot(BASE + 31)
    assert session.is_fork
    assert snapshot.inherited_tokens == 10000
    assert (snapshot.session_total_tokens, snapshot.session_delta_tokens) == (10600, 600)
    assert snapshot.pending_calls == 0
    assert snapshot.limits is None
    assert snapshot.session_id == "019de1a2-0000-7000-8000-0000000000bb"


def test_a_copy_of_a_long_parent_history_is_replayed_however_long_it_takes() -> None:
    """A big parent's history takes more than a second to copy; its lines come back to back:
    the burst goes on while each line follows the one before closely, so no parent usage
    copied after the first second counts as the fork's own; a line of the fork's own a
    second after the copy is its own."""
    child = "019de1a2-0000-7000-8000-0000000000bb"
    lines = [
        r.session_meta(BASE, child),
        r.session_meta(BASE, "019de1a2-0000-7000-8000-0000000000aa"),
    ]
    total = 0
    for step in range(25):  # copied lines 0.2 s apart: 5 s of copying
        total += 1000
        at = BASE + 0.2 + step * 0.2
        lines.append(r.token_count(at, r.usage(total, 0, 10), r.usage(1000, 0, 10)))
    # The fork's own call, a second after the copy (its model's answer).
    lines.append(r.token_count(at + 1.0, r.usage(total + 500, 0, 20), r.usage(500, 0, 10)))
    session = fold(*lines)
    snapshot = session.snapshot(BASE + 41)
    assert snapshot.inherited_tokens == total + 10
    assert snapshot.session_delta_tokens == 510
    # Read in two parts (the index goes on from where it stopped), the same.
    first = fold(*lines[:16])
    state = first.continuation()
    resumed = SessionAccumulator(PATH)
    for line in lines[:2]:
        resumed.line(line.encode())
    resumed.resume(state)
    resumed.total, resumed.inherited_tokens = first.total, first.inherited_tokens
    for line in lines[16:]:
        resumed.line(line.encode())
    assert resumed.snapshot(BASE + 41).inherited_tokens == total + 10


def fork_headers() -> tuple[str, str]:
    """A fork's own header, then its parent's (the copy that follows starts the same second)."""
    return (
        r.session_meta(BASE, "019de1a2-0000-7000-8000-0000000000bb"),
        r.session_meta(BASE, "019de1a2-0000-7000-8000-0000000000aa"),
    )


def test_a_fork_goes_on_with_the_model_its_parent_used_last() -> None:
    """The copied history switched from one model to another: the fork's own calls are the
    latter's (they had been counted under the parent's first model)."""
    session = fold(
        *fork_headers(),
        r.turn_context(BASE + 0.1, model="gpt-5.3-codex"),
        r.token_count(BASE + 0.2, r.usage(9000, 0, 1000), r.usage(9000, 0, 1000)),
        r.turn_context(BASE + 0.3, model="gpt-5.5"),
        r.token_count(BASE + 0.4, r.usage(19000, 0, 1500), r.usage(10000, 0, 500)),
        r.token_count(BASE + 30, r.usage(49000, 0, 2300), r.usage(30000, 0, 800)),
    )
    snapshot = session.snapshot(BASE + 31)
    assert snapshot.inherited_tokens == 20500
    assert snapshot.model == "gpt-5.5"


def test_a_sub_agents_own_model_right_after_the_copy_is_its_model() -> None:
    """A sub-agent's own turn context, written within the copy's quarter second: its calls
    are that model's, not the parent's."""
    session = fold(
        *fork_headers(),
        r.turn_context(BASE + 0.1, model="gpt-5.4"),
        r.token_count(BASE + 0.2, r.usage(9000, 0, 1000), r.usage(9000, 0, 1000)),
        r.turn_context(BASE + 0.25, model="gpt-5.6-luna"),
        r.token_count(BASE + 20, r.usage(12000, 0, 1200), r.usage(3000, 0, 200)),
    )
    assert session.snapshot(BASE + 21).model == "gpt-5.6-luna"


def test_model_latest_wins_and_settings_override_cwd() -> None:
    """The newest turn_context model is shown; thread settings may move the cwd."""
    session = fold(
        r.session_meta(BASE, "s", cwd="/a/first"),
        r.turn_context(BASE + 1, model="gpt-5", cwd="/a/other"),
        r.turn_context(BASE + 2, model="gpt-5.3-codex"),
        r.event(BASE + 3, "thread_settings_applied", thread_settings={"cwd": "C:\\w\\proj"}),
    )
    snapshot = session.snapshot(BASE)
    assert (snapshot.model, snapshot.cwd, snapshot.project) == (
        "gpt-5.3-codex",
        "C:\\w\\proj",
        "proj",
    )


def test_identity_fallbacks() -> None:
    """Without a header the id comes from the file name; odd names and paths still work."""
    snapshot = fold(r.token_count(BASE, r.usage(1))).snapshot(BASE)
    assert snapshot.session_id == "019de1a2-0000-7000-8000-00000000abcd"
    assert (snapshot.cwd, snapshot.project) == (".", NO_FOLDER)
    reverted = Path("rollout-2026-05-04T09-00-00-019de1a2-0000-7000-8000-00000000abcd_019e.jsonl")
    assert session_id_from_name(reverted) == "019de1a2-0000-7000-8000-00000000abcd"
    assert session_id_from_name(Path("rollout-x.jsonl.zst")) == "rollout-x"
    assert project_name("/home/me/proj/") == "proj"
    # No folder's name: a project no folder can be called (not "unknown-project").
    for cwd in ("", "/", "\\", " ", "./"):
        assert project_name(cwd) == NO_FOLDER == ""
    assert project_name("/work/unknown-project") == "unknown-project"
    assert surface_of("codex_vscode", None) == "VS Code"
    assert surface_of("Codex Desktop", "vscode") == "Desktop app"
    assert surface_of(None, "exec") == "Exec"
    assert surface_of("my_tool", None) == "my_tool"


def test_bad_lines_are_counted_not_raised() -> None:
    """Malformed lines are counted with the last reason; the state stays usable."""
    session = fold("{", "[]", r.token_count(BASE, r.usage(5, 0, 5)))
    snapshot = session.snapshot(BASE)
    assert snapshot.bad_lines == 2
    assert session.last_error
    assert snapshot.session_total_tokens == 10
