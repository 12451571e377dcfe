"""The Discord card: content, truncation by Discord's rules, privacy, determinism."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    ContextUsage,
)
from codex_presence_gui.core.presence import (
    MAX_FIELD,
    IdleAction,
    PresenceCard,
    PresenceSettings,
    compose_card,
    discord_length,
    fit,
    join_parts,
    pretty_model,
    preview_lines,
)
from tests.helpers.snapshots import NOW, limits, session

ON = PresenceSettings()


def shop(**changes: object) -> CodexSessionSnapshot:
    fields: dict[str, object] = {
        "activity": Activity(ActivityKind.EDITING, "app.py"),
        "model": "gpt-5.5",
        "session_delta_tokens": 1200,
        "last_turn_tokens": 3400,
        "session_total_tokens": 52414,
    }
    fields.update(changes)
    return session("shop", **fields)


def test_the_card_of_an_active_session() -> None:
    """details = activity · project; state = model · tokens · limits left; stable start."""
    card = compose_card(shop(), limits((36.0, 82.0)), ON, NOW)
    assert card == PresenceCard(
        details="Editing app.py · shop (main)",
        state="GPT-5.5 · 1.2K | 3.4K | 52.4K tokens · 5h 64% left · weekly 18% left",
        large_image="codex-logo",
        large_text="Codex CLI",
        small_image="openai",
        small_text="Editing",
        start=int(NOW - 600),
    )
    later = compose_card(shop(activity=Activity(ActivityKind.THINKING)), limits(), ON, NOW + 50)
    assert later is not None
    assert later.start == card.start  # the clock does not restart when the text changes


def test_stale_or_reset_limits_are_left_out() -> None:
    """Friends never see an old or already-reset percentage."""
    stale = compose_card(shop(), limits(observed=NOW - 3600), ON, NOW)
    assert stale is not None
    assert stale.state == "GPT-5.5 · 1.2K | 3.4K | 52.4K tokens"
    reset = compose_card(shop(), limits(resets_in=-5), ON, NOW)
    assert reset is not None
    assert reset.state == "GPT-5.5 · 1.2K | 3.4K | 52.4K tokens · weekly 18% left"


def test_privacy_mode_and_field_toggles() -> None:
    """Privacy mode says only that you code; each toggle removes its part."""
    private = compose_card(shop(), limits(), replace(ON, privacy_mode=True), NOW)
    assert private is not None
    assert (private.details, private.state, private.small_text) == (
        "Using Codex",
        "In a coding session",
        None,
    )
    quiet = replace(
        ON,
        show_project=False,
        show_activity_target=False,
        show_model=False,
        show_tokens=False,
        show_limits=False,
    )
    card = compose_card(shop(), limits(), quiet, NOW)
    assert card is not None
    assert (card.details, card.state) == ("Editing", None)
    no_branch = compose_card(shop(), None, replace(ON, show_branch=False), NOW)
    assert no_branch is not None
    assert no_branch.details == "Editing app.py · shop"


def test_no_session_card_or_clear() -> None:
    """Without an active session: a quiet card, or nothing, as chosen; off means nothing."""
    idle = compose_card(None, limits(), ON, NOW)
    assert idle is not None
    assert idle.details == "Codex is open, no session running"
    assert idle.state == "5h 64% left · weekly 18% left"
    assert compose_card(None, limits(), replace(ON, idle_action=IdleAction.CLEAR), NOW) is None
    assert compose_card(shop(), limits(), replace(ON, enabled=False), NOW) is None


def test_truncation_by_discord_rules() -> None:
    """UTF-16 length, a character boundary, an ellipsis; tiny values are dropped."""
    assert discord_length("a😀") == 3
    long = "😀" * 100
    cut = fit(long)
    assert cut is not None
    assert discord_length(cut) <= MAX_FIELD
    assert cut.endswith("…")
    assert "\ud83d" not in cut  # no half of a surrogate pair
    assert fit("x") is None
    assert fit("") is None
    assert fit("  spaced\n out  ") == "spaced out"


def test_parts_are_kept_in_priority_order_while_they_fit() -> None:
    """A part that does not fit is left out; a later shorter one may still come."""
    parts = ["A" * 60, "B" * 50, "C" * 70, "D" * 3]
    assert join_parts(parts) == "A" * 60 + " · " + "B" * 50 + " · " + "DDD"
    assert join_parts(["X" * 300]) == "X" * 127 + "…"
    assert join_parts([]) is None


def test_long_project_and_model_names_stay_within_limits() -> None:
    """Whatever the names, every field stays within 2..128."""
    card = compose_card(
        shop(project="p" * 200, git_branch="b" * 100, model="gpt-" + "x" * 200),
        limits(),
        ON,
        NOW,
    )
    assert card is not None
    for text in (card.details, card.state, card.large_text, card.small_text):
        assert text is None or 2 <= discord_length(text) <= 128


def test_model_names() -> None:
    """GPT names read as GPT; others are left alone."""
    assert pretty_model("gpt-5.3-codex") == "GPT-5.3-Codex"
    assert pretty_model("gpt-5.5") == "GPT-5.5"
    assert pretty_model("o4-mini") == "o4-mini"


def test_preview_lines() -> None:
    """What `preview` prints."""
    card = compose_card(shop(), limits(), ON, NOW)
    lines = preview_lines(card)
    assert lines[0] == "Editing app.py · shop (main)"
    assert "Pictures: Codex CLI, Editing" in lines
    assert preview_lines(None) == ["(nothing: your Discord status is cleared)"]


texts = st.text(max_size=300)
snapshots = st.builds(
    lambda project, branch, model, target, kind, totals, used, privacy, toggles: (
        session(
            "fuzz",
            project=project,
            git_branch=branch,
            model=model,
            activity=Activity(kind, target) if kind else None,
            session_delta_tokens=totals[0],
            last_turn_tokens=totals[1],
            session_total_tokens=totals[2],
            context=ContextUsage(1, 2),
        ),
        limits((used, 100 - used)),
        PresenceSettings(privacy_mode=privacy, show_project=toggles[0], show_model=toggles[1]),
    ),
    texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | st.sampled_from(list(ActivityKind)),
    st.tuples(*[st.none() | st.integers(0, 10**15)] * 3),
    st.floats(0, 100),
    st.booleans(),
    st.tuples(st.booleans(), st.booleans()),
)


@given(snapshots)
def test_any_snapshot_gives_a_valid_card(case: tuple) -> None:
    """Every text is None or 2..128 UTF-16 units, never empty; the same input, the same card."""
    snapshot, reading, settings = case
    card = compose_card(snapshot, reading, settings, NOW)
    assert card == compose_card(snapshot, reading, settings, NOW)
    assert card is not None
    for text in (card.details, card.state, card.large_text, card.small_text):
        assert text is None or 2 <= discord_length(text) <= 128
    assert card.start is None or card.start >= 1


@pytest.mark.parametrize(
    "command",
    [
        "curl -H 'Authorization: Bearer sk-live-SECRET123' https://api.example.com/v1/private",
        "cat /home/alice/secret-project/credentials.env",
        "$env:OPENAI_API_KEY='sk-SECRET123'; python deploy.py --password hunter2",
        "psql postgres://admin:SECRET123@db.internal/prod",
    ],
)
def test_secrets_in_commands_never_reach_the_card(command: str) -> None:
    """Arguments, URLs, paths and tokens stay out of every field."""
    from codex_presence_gui.core.activity import classify_command

    card = compose_card(shop(activity=classify_command(command)), limits(), ON, NOW)
    assert card is not None
    text = " ".join(str(v) for v in card.to_activity().values())
    for secret in (
        "SECRET123",
        "hunter2",
        "alice",
        "credentials",
        "api.example.com",
        "db.internal",
        "sk-",
    ):
        assert secret not in text
