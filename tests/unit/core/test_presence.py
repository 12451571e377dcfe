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
    PAUSED_UNTIL_RESUMED,
    PRESETS,
    TOGGLE_FIELDS,
    IdleAction,
    PresenceCard,
    PresenceSettings,
    ProjectRule,
    RuleAction,
    card_note,
    compose_card,
    discord_length,
    fit,
    join_parts,
    matching_rule,
    preset_of,
    preview_lines,
    tomorrow_morning,
    withholds,
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
        state="gpt-5.5 · 1.2K | 3.4K | 52.4K tokens · 5h 64% left · weekly 18% left",
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
    assert stale.state == "gpt-5.5 · 1.2K | 3.4K | 52.4K tokens"
    reset = compose_card(shop(), limits(resets_in=-5), ON, NOW)
    assert reset is not None
    assert reset.state == "gpt-5.5 · 1.2K | 3.4K | 52.4K tokens · weekly 18% left"


def test_privacy_mode_and_field_toggles() -> None:
    """Privacy mode says only that you code; each toggle removes its part."""
    private = compose_card(shop(), limits(), replace(ON, privacy_mode=True), NOW)
    assert private is not None
    assert (private.details, private.state, private.small_text) == (
        "Using Codex",
        "In a coding session",
        None,
    )
    # Marked, so that the Discord worker takes the full card away at once (``withholds``).
    assert private.private
    assert withholds(private, compose_card(shop(), limits(), ON, NOW))
    assert not withholds(compose_card(shop(), limits(), ON, NOW), private)
    assert not withholds(private, private)
    assert not withholds(private, None)
    assert not withholds(None, compose_card(shop(), limits(), ON, NOW))  # a clear waits
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


def test_a_window_with_nothing_left_says_limit_reached_as_the_window_does() -> None:
    card = compose_card(shop(), limits((99.6, 18.0)), ON, NOW)
    assert card is not None
    assert card.state == "gpt-5.5 · 1.2K | 3.4K | 52.4K tokens · 5h limit reached · weekly 82% left"
    idle = compose_card(None, limits((100.0, 100.0)), ON, NOW)
    assert idle is not None
    assert idle.state == "5h limit reached · weekly limit reached"


def test_a_models_limits_shown_alone_are_named_on_the_card() -> None:
    """No reading of the account's limits anywhere, only a model's (a Spark turn logs its
    model's bucket alone): the card says whose they are, as the window does."""
    spark = limits()._replace(limit_id="codex_bengalfox", limit_name="GPT-5.3-Codex-Spark")
    idle = compose_card(None, spark, ON, NOW)
    assert idle is not None
    assert idle.state == "GPT-5.3-Codex-Spark 5h 64% left · weekly 18% left"


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


# -- privacy rules, presets, idle clear, pauses ---------------------------------------------


def rules(*specs: tuple[str, RuleAction, str]) -> PresenceSettings:
    return replace(ON, rules=tuple(ProjectRule(p, a, alias) for p, a, alias in specs))


def test_the_first_matching_rule_wins() -> None:
    """Rules are tried in order: a narrow exception above a broad rule decides for its own."""
    acme = shop(project="acme", cwd="/home/dev/clients/acme")
    beta = shop(project="beta", cwd="/home/dev/clients/beta")
    settings = rules(
        ("/home/dev/clients/beta", RuleAction.NORMAL, ""),
        ("/home/dev/clients/*", RuleAction.HIDE, ""),
        ("acme", RuleAction.ALIAS, "Never reached"),
    )
    assert compose_card(acme, None, settings, NOW) is None
    card = compose_card(beta, None, settings, NOW)
    assert card is not None
    assert card.details == "Editing app.py · beta (main)"
    assert matching_rule(settings.rules, acme) == settings.rules[1]


def test_hide_name_only_alias_and_normal() -> None:
    """Hide: no card. Name only: the name, no branch, file or command. Alias: the alias in
    place of the name, nothing else of the project. Normal: as the toggles say."""
    session_ = shop(project="acme-merger", cwd="/w/acme-merger")
    hidden = compose_card(session_, limits(), rules(("acme-*", RuleAction.HIDE, "")), NOW)
    assert hidden is None
    name_only = compose_card(session_, None, rules(("acme-*", RuleAction.NAME_ONLY, "")), NOW)
    assert name_only is not None
    assert name_only.details == "Editing · acme-merger"
    aliased = compose_card(session_, None, rules(("acme-*", RuleAction.ALIAS, "Client work")), NOW)
    assert aliased is not None
    assert aliased.details == "Editing · Client work"
    sent = str(aliased.to_activity())
    assert "acme" not in sent
    assert "main" not in sent
    assert "app.py" not in sent
    normal = compose_card(session_, None, rules(("acme-*", RuleAction.NORMAL, "")), NOW)
    assert normal == compose_card(session_, None, ON, NOW)
    assert normal is not None
    assert normal.details == "Editing app.py · acme-merger (main)"


def test_rules_only_take_away() -> None:
    """With the project toggle off or privacy mode on, a rule shows no name or alias."""
    session_ = shop(project="acme", cwd="/w/acme")
    settings = replace(rules(("acme", RuleAction.ALIAS, "Client")), show_project=False)
    card = compose_card(session_, None, settings, NOW)
    assert card is not None
    assert card.details == "Editing"
    private = compose_card(session_, None, replace(settings, privacy_mode=True), NOW)
    assert private is not None
    assert private.details == "Using Codex"


@pytest.mark.parametrize(
    ("pattern", "cwd", "project", "expected"),
    [
        ("acme*", "/w/acme-api", "acme-api", True),  # the name
        ("ACME*", "/w/acme-api", "acme-api", True),  # any case
        ("/w/clients/*", "/w/clients/acme", "acme", True),  # the folder
        ("/w/clients/acme", "/w/clients/acme/src", "src", True),  # a folder above it
        ("/w/clients/acme/", "/w/clients/acme", "acme", True),  # a trailing slash
        ("C:/Users/Dev/Clients/*", "c:\\users\\dev\\clients\\acme", "acme", True),  # Windows
        ("*\\secret\\*", "/w/secret/x", "x", True),
        ("~/clients/*", "~/clients/acme", "acme", True),  # ~ on both sides
        ("acme", "/w/acme-api", "acme-api", False),  # a whole name, not a part
        ("/w/client", "/w/clients/acme", "acme", False),
        ("/", "/w/acme", "acme", False),  # the root alone is no project's folder
        ("  ", "/w/acme", "acme", False),
    ],
)
def test_rule_patterns(pattern: str, cwd: str, project: str, expected: bool) -> None:
    """fnmatch globs, case-insensitive everywhere (a miss would leak), on / or \\ paths."""
    if cwd.startswith("~"):
        import os.path

        cwd = os.path.expanduser(cwd)
    assert ProjectRule(pattern).matches(cwd, project) is expected


def test_a_rule_needs_a_pattern_and_an_alias_its_alias() -> None:
    assert ProjectRule("acme").problem() is None
    assert "needs a pattern" in (ProjectRule(" ").problem() or "")
    assert "needs the name" in (ProjectRule("acme", RuleAction.ALIAS, " ").problem() or "")
    assert ProjectRule("acme", RuleAction.ALIAS, "Client").problem() is None


def test_the_card_clears_after_the_idle_time_and_comes_back() -> None:
    """A session quiet for longer than the configured minutes: no card; a new sign of life
    brings it back; 0 never clears."""
    settings = replace(ON, idle_clear_minutes=2)
    assert compose_card(shop(age=119), None, settings, NOW) is not None
    assert compose_card(shop(age=121), None, settings, NOW) is None
    assert compose_card(shop(age=121), None, replace(settings, idle_clear_minutes=0), NOW)
    assert compose_card(shop(age=5), None, settings, NOW + 0.0) is not None
    assert ON.idle_clear_minutes == 30
    assert compose_card(shop(age=29 * 60), None, ON, NOW) is not None
    assert compose_card(shop(age=31 * 60), None, ON, NOW) is None
    note = card_note(shop(age=121), settings, NOW)
    assert note == "Cleared: no activity for 2m."


def test_presets_set_the_toggles() -> None:
    """Minimal says only the kind of work; Standard adds project, file and model; Full all."""
    minimal = replace(ON, **PRESETS["minimal"])
    card = compose_card(shop(), limits(), minimal, NOW)
    assert card is not None
    assert (card.details, card.state) == ("Editing", None)
    standard = compose_card(shop(), limits(), replace(ON, **PRESETS["standard"]), NOW)
    assert standard is not None
    assert (standard.details, standard.state) == ("Editing app.py · shop", "gpt-5.5")
    assert compose_card(shop(), limits(), replace(ON, **PRESETS["full"]), NOW) == compose_card(
        shop(), limits(), ON, NOW
    )
    assert preset_of({key: getattr(ON, key) for key in TOGGLE_FIELDS}) == "full"
    assert preset_of({**PRESETS["standard"], "show_tokens": True}) is None


def test_a_pause_until_a_time_ends_by_itself() -> None:
    """Paused until a time: nothing, then the card again once the time has passed."""
    paused = replace(ON, paused_until=NOW + 60)
    assert compose_card(shop(), None, paused, NOW) is None
    assert compose_card(None, None, paused, NOW) is None
    assert compose_card(shop(age=0), None, paused, NOW + 61) is not None
    forever = replace(ON, paused_until=PAUSED_UNTIL_RESUMED)
    assert compose_card(shop(), None, forever, NOW + 10**6) is None
    assert card_note(shop(), forever, NOW) == "Paused until you resume."
    assert (card_note(shop(), paused, NOW) or "").startswith("Paused until ")


def test_a_pause_says_its_date_once_it_ends_beyond_the_week() -> None:
    """Today a time, within the week a weekday, later a date (with its year when not this
    one): a pause set by hand to the year 2286 had read as "until Sat 17:46"."""
    from datetime import datetime

    now = datetime(2027, 3, 10, 9, 0).timestamp()  # a Wednesday

    def note(until: datetime) -> str | None:
        return card_note(shop(), replace(ON, paused_until=until.timestamp()), now)

    assert note(datetime(2027, 3, 10, 17, 46)) == "Paused until 17:46."
    assert note(datetime(2027, 3, 13, 17, 46)) == "Paused until Sat 17:46."
    assert note(datetime(2027, 3, 17, 17, 46)) == "Paused until 17 Mar 17:46."
    assert note(datetime(2027, 4, 5, 17, 46)) == "Paused until 5 Apr 17:46."
    assert note(datetime(2286, 11, 20, 17, 46)) == "Paused until 20 Nov 2286 17:46."


def test_tomorrow_morning_is_the_next_six_oclock_at_least_an_hour_away() -> None:
    from datetime import datetime

    evening = datetime(2027, 3, 27, 22, 30).timestamp()
    assert datetime.fromtimestamp(tomorrow_morning(evening)) == datetime(2027, 3, 28, 6, 0)
    night = datetime(2027, 3, 28, 2, 0).timestamp()
    assert datetime.fromtimestamp(tomorrow_morning(night)) == datetime(2027, 3, 28, 6, 0)
    dawn = datetime(2027, 3, 28, 5, 30).timestamp()
    assert datetime.fromtimestamp(tomorrow_morning(dawn)) == datetime(2027, 3, 29, 6, 0)


def test_the_preview_says_why() -> None:
    """Rules and pauses show in the preview, after the card (or its absence)."""
    settings = rules(("shop", RuleAction.HIDE, ""))
    lines = preview_lines(None, card_note(shop(), settings, NOW))
    assert lines == ["(nothing: your Discord status is cleared)", "(Hidden by the rule shop.)"]
    aliased = rules(("shop", RuleAction.ALIAS, "Side project"))
    note = card_note(shop(), aliased, NOW)
    assert note == "Shown as Side project by the rule shop."
    assert card_note(shop(), ON, NOW) is None


def test_a_session_without_a_folder_s_name_names_no_project() -> None:
    """A session in ``/``: Discord's card names no project, nor its branch alone; it had
    said "unknown-project", as if it were the folder of that name."""
    from codex_presence_gui.core.session import project_name

    card = compose_card(shop(cwd="/", project=project_name("/")), None, ON, NOW)
    assert card is not None
    assert card.details == "Editing app.py"
    named = shop(cwd="/w/unknown-project", project=project_name("/w/unknown-project"))
    card = compose_card(named, None, ON, NOW)
    assert card is not None
    assert card.details == "Editing app.py · unknown-project (main)"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("１２３４５６７８９０１２３４５６７８９", "is not a number"),
        ("123", "is not a Discord application id (15 to 21 digits)"),
        ("9" * 26, "is not a Discord application id (15 to 21 digits)"),
    ],
)
def test_an_environment_id_settings_would_refuse_is_not_used(value: str, why: str) -> None:
    """CODEX_DISCORD_CLIENT_ID is held to the rule of Settings → Advanced: full-width digits
    and a number of the wrong length had been sent to Discord as the application's id."""
    from codex_presence_gui.core.presence import DEFAULT_CLIENT_ID, resolve_client_id

    chosen, warning = resolve_client_id({"CODEX_DISCORD_CLIENT_ID": value})
    assert chosen == DEFAULT_CLIENT_ID
    assert warning == f"CODEX_DISCORD_CLIENT_ID={value!r} {why}; using the default id"
    assert resolve_client_id({"CODEX_DISCORD_CLIENT_ID": "2222222222222222222"}) == (
        "2222222222222222222",
        None,
    )
