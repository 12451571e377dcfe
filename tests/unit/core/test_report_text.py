"""The `status` text at a terminal's width: every line fits, in columns, wide characters
counted twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.report import columns, packed, render_text
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

SID = "019d0000-0000-7000-8000-00000000c001"


def test_columns_count_wide_characters_twice() -> None:
    assert columns("shop") == 4
    assert columns("店舗") == 4
    assert columns("e\u0301") == 1  # a combining accent takes no column of its own
    assert columns("a\u200bb\u200dc\ufeff") == 3  # nor zero-width spaces and joiners
    assert columns("soft\u00adhyphen") == 11  # a soft hyphen is drawn


def test_packing_keeps_every_part_and_wraps_between_them() -> None:
    parts = ["Context 94% left", "last activity 7m ago", "≈ 10% of the 5h window"]
    assert packed(parts, "    ", "    ", 80) == ["    " + " · ".join(parts)]
    assert packed(parts, "    ", "    ", 50) == [
        "    Context 94% left · last activity 7m ago",
        "    ≈ 10% of the 5h window",
    ]
    # Too narrow for any part: one part a line, nothing lost, no crash.
    assert packed(parts, "", "", 1) == parts


def _home(tmp_path: Path, cwd: str, *, resets_at: int, minutes: int = 300) -> Path:
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    rate = r.limits((10.0, minutes, resets_at), None)
    lines = [
        r.session_meta(BASE, SID, cwd=cwd),
        r.token_count(BASE + 1, r.usage(1000), r.usage(1000), rate),
    ]
    (folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text("\n".join(lines) + "\n")
    return home


@pytest.mark.parametrize("width", [56, 80])
def test_every_line_fits_even_past_a_reset_and_with_wide_names(tmp_path: Path, width: int) -> None:
    """A window past its reset, a project named in CJK: lines fit ``width`` columns."""
    home = _home(tmp_path, "/home/dev/電子商取引サイト", resets_at=int(BASE) + 5)
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    text = render_text(result, include_all=True, width=width)
    assert "likely full" in text
    assert "電子商取引サイト" in text
    too_wide = [line for line in text.splitlines() if columns(line) > width]
    assert too_wide == []


def test_no_session_says_so_within_the_width(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True)
    text = render_text(CodexReader([home]).refresh(), width=40)
    assert "Active sessions: none." in text
    assert [line for line in text.splitlines() if columns(line) > 40] == []


def test_a_stale_reading_and_its_pace_fit_a_narrow_terminal(tmp_path: Path) -> None:
    """At 50 columns, the stale reading's sentence and "pace: shown once you use Codex again"
    had run past the edge (a part longer than a line was left whole): they wrap at their
    spaces. The sentence is the limits panel's: ``status`` had said "(may be stale: start a
    Codex turn to refresh)", the tray "reading from 40 min ago", the title "as of".
    Only the bar lines, which cannot be cut, may be wider."""
    home = _home(tmp_path, "/home/dev/shop", resets_at=int(BASE) + 5 * 3600)
    now = BASE + 40 * 60  # the reading is stale; the pace's promised time has passed
    text = render_text(CodexReader([home], max_age=None, clock=lambda: now).refresh(), width=50)
    assert "As of 39m ago: may be out of date until your next Codex turn." in " ".join(
        line.strip() for line in text.splitlines()
    )
    too_wide = [line for line in text.splitlines() if columns(line) > 50 and "[" not in line]
    assert too_wide == []


@pytest.mark.parametrize("width", [30, 40])
def test_a_reset_days_away_fits_a_narrow_terminal(tmp_path: Path, width: int) -> None:
    """The reset under its bar, with its date ("resets in 2d 23h (08:00 on 7 May)": 49
    columns with its indent), had run past the edge of a 40-column terminal: its clock time
    goes under it. Only the bar lines, which cannot be cut, may be wider."""
    # A weekly window (the only one of its account): a 5h one cannot reset days away.
    home = _home(tmp_path, "/home/dev/shop", resets_at=int(BASE) + 3 * 86400, minutes=10080)
    text = render_text(
        CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh(), width=width
    )
    limits = text.partition("Active sessions")[0]
    assert "resets in 2d 23h" in limits
    too_wide = [line for line in limits.splitlines() if columns(line) > width and "[" not in line]
    assert too_wide == []


@pytest.mark.parametrize("width", [30, 40])
def test_a_whole_status_fits_a_narrow_terminal_and_keeps_durations_whole(
    tmp_path: Path, width: int
) -> None:
    """Below 45 columns the tokens' heading (44 columns) and "≈ 25% of the 5h window (burns
    fastest)" had run past the edge: each number goes beside its name, a share is broken
    between its words. At 30 the lines under a bar start at the left, where 14 columns had
    broken "resets in 1h" from its "32m". Only the bar lines may be wider."""
    home = _home(tmp_path, "/home/dev/shop", resets_at=int(BASE) + 5520)
    text = render_text(
        CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh(),
        include_all=True,
        width=width,
    )
    lines = text.splitlines()
    assert [line for line in lines if columns(line) > width and "[" not in line] == []
    assert "      1K this update" in lines
    assert "      1K total" in lines
    assert any(line.strip().startswith("resets in 1h 31m") for line in lines)


def test_status_tells_look_alike_projects_and_models_apart(tmp_path: Path) -> None:
    """A project and a model named with a right-to-left override first are shown with it
    escaped (cleaned, "\\u202eshop" had read as the session in "shop")."""
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    for n, (cwd, model) in enumerate([("/w/shop", "gpt-5"), ("/w/\u202eshop", "\u202egpt-5")]):
        sid = f"019d0000-0000-7000-8000-00000000d00{n}"
        lines = [
            r.session_meta(BASE, sid, cwd=cwd),
            r.turn_context(BASE + 1, model, cwd),
            r.token_count(BASE + 2, r.usage(1000), r.usage(1000), r.limits()),
        ]
        (folder / f"rollout-2026-05-04T09-00-0{n}-{sid}.jsonl").write_text("\n".join(lines) + "\n")
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    text = render_text(result, include_all=True)
    assert "\\u202eshop" in text
    assert "\\u202egpt-5" in text
    assert "\u202e" not in text
    assert [line for line in text.splitlines() if columns(line) > 80] == []


def test_status_says_why_there_is_no_limit_reading(tmp_path: Path) -> None:
    """As the window's limits panel does: a missing sessions folder is named, and replies
    without limits are not answered with "Codex writes one with every model response"."""
    home = tmp_path / ".codex"
    home.mkdir()
    text = " ".join(render_text(CodexReader([home], max_age=None).refresh()).split())
    assert text.startswith(
        f"Limits: none to show: {home / 'sessions'}, where Codex keeps its logs, is missing "
        "(Codex makes it when a session starts)."
    )
    now = time.time() - 60  # an active session
    lines = [r.session_meta(now, SID), r.turn_context(now + 1)]
    lines.append(r.token_count(now + 2, r.usage(1000, 0, 100), None, None))
    CodexHome(home).write(SID, lines, started=now)
    text = " ".join(render_text(CodexReader([home], max_age=None).refresh()).split())
    assert text.startswith("Limits: none in Codex's replies so far (an API key or a local model")


def test_status_says_a_sessions_that_is_a_file_is_one(tmp_path: Path) -> None:
    """A file where ``sessions`` goes: waiting for Codex would not help, and the warnings do
    not add "cannot list …: Not a directory"."""
    home = tmp_path / ".codex"
    home.mkdir()
    (home / "sessions").write_text("")
    text = " ".join(render_text(CodexReader([home], max_age=None).refresh()).split())
    assert text.startswith(
        f"Limits: none to show: {home / 'sessions'} is a file, not a folder: Codex cannot "
        "write its logs there."
    )
    assert "Not a directory" not in text


def test_status_names_a_session_without_a_folder_s_name_as_the_window_does(
    tmp_path: Path,
) -> None:
    """A session in ``/`` is "(none)" in ``status``, as in the window's table (it had been
    "unknown-project", the name a folder may have)."""
    home = tmp_path / ".codex"
    now = time.time() - 60  # an active session
    lines = [r.session_meta(now, SID, cwd="/"), r.turn_context(now + 1, cwd="/")]
    lines.append(r.token_count(now + 2, r.usage(1000, 0, 100), None, None))
    CodexHome(home).write(SID, lines, started=now)
    text = render_text(CodexReader([home], max_age=None).refresh())
    assert "(none)" in text
    assert "unknown-project" not in text


def test_a_reading_from_a_session_without_a_folder_names_the_session(tmp_path: Path) -> None:
    """The title says "from session <id>": the project "(none)" had read "from (none)"."""
    home = _home(tmp_path, "/", resets_at=int(BASE) + 5 * 3600)
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    title = render_text(result).splitlines()[0]
    assert title == f"Limits · updated 59s ago · from session {SID}"
    named = _home(tmp_path / "named", "/home/dev/shop", resets_at=int(BASE) + 5 * 3600)
    result = CodexReader([named], max_age=None, clock=lambda: BASE + 60).refresh()
    assert render_text(result).splitlines()[0].endswith(" · from shop")


def test_reset_clocks_in_utc_for_a_tz_the_system_lacks_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TZ`` naming a zone the system does not have: the reset clocks are UTC's, and
    ``status`` says so as the window's limits panel does; it had shown them unsaid."""
    home = _home(tmp_path, "/home/dev/shop", resets_at=int(BASE) + 5 * 3600)
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/Olympus")
    said = (
        "Note: TZ=Mars/Olympus names a time zone this system does not have; times are in UTC "
        "(as the system's clock counts them)."
    )
    assert said in " ".join(line.strip() for line in render_text(result).splitlines())
    monkeypatch.setenv("TZ", "UTC")
    assert "Mars" not in render_text(result)


def test_a_models_limits_shown_alone_are_named(tmp_path: Path) -> None:
    """No reading of the account's limits anywhere, only a model's (a Spark turn logs its
    model's bucket alone): the title says whose they are, as the window's panel does."""
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    rate = r.limits(
        (55.0, 300, int(BASE) + 5 * 3600),
        None,
        limit_id="codex_bengalfox",
        limit_name="GPT-5.3-Codex-Spark",
    )
    lines = [
        r.session_meta(BASE, SID, cwd="/home/dev/shop"),
        r.token_count(BASE + 1, r.usage(1000), r.usage(1000), rate),
    ]
    (folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text("\n".join(lines) + "\n")
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    title = render_text(result).splitlines()[0]
    assert title.startswith("Limits · GPT-5.3-Codex-Spark · updated 59s ago")


def test_a_session_says_its_token_usage_as_codex_status_does(tmp_path: Path) -> None:
    """Under the triplet, the "Token usage" of Codex's /status (input not from the cache,
    plus output: §8.3's worked example), which no figure beside it gave; wrapped at 40
    columns."""
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    total = r.usage(51234, 40960, 1180, 640)
    lines = [
        r.session_meta(BASE, SID, cwd="/home/dev/shop"),
        r.token_count(BASE + 1, total, r.usage(25232, 24000, 1180, 640)),
    ]
    (folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text("\n".join(lines) + "\n")
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    wide = render_text(result, include_all=True).splitlines()
    assert "    /status token usage: 11.5K total (10.3K input + 1.18K output)" in wide
    narrow = render_text(result, include_all=True, width=40).splitlines()
    at = narrow.index("    /status token usage: 11.5K total")
    assert narrow[at + 1] == "      (10.3K input + 1.18K output)"


def test_a_models_limits_below_the_accounts_say_their_age(tmp_path: Path) -> None:
    """A model's limits read two hours ago, under the account's fresh ones: their own age and
    the stale reading's sentence, as the window dims them (they had stood there without a
    word of it)."""
    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True)
    spark = r.limits(
        (60.0, 300, int(BASE) + 4 * 3600), None, limit_id="codex_bengalfox", limit_name="Spark"
    )
    account = r.limits((10.0, 300, int(BASE) + 4 * 3600), (20.0, 10080, int(BASE) + 5 * 86400))
    lines = [
        r.session_meta(BASE, SID, cwd="/home/dev/shop"),
        r.token_count(BASE + 1, r.usage(1000), r.usage(1000), spark),
        r.token_count(BASE + 7200, r.usage(2000), r.usage(1000), account),
    ]
    (folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text("\n".join(lines) + "\n")
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 7260).refresh()
    text = render_text(result).splitlines()
    assert text[0].startswith("Limits · updated 1m ago")
    (spark_title,) = [line for line in text if line.startswith("Limits · Spark")]
    assert spark_title == "Limits · Spark · updated 2h ago"
    after = text[text.index(spark_title) + 1]
    assert after.strip().startswith("As of 2h ago: may be out of date")


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize(
    ("folder", "branch", "model"),
    [
        ("a-project-named-at-length-" * 6 + "end", "feature/" + "x" * 90 + "-tip", "gpt-5.4"),
        ("電子商取引サイトの管理画面" * 4 + "終", "機能/" + "枝" * 50 + "先", "gpt-5.4"),
        ("shop", "main", "proxy/" + "m" * 150 + "-v2"),
    ],
)
def test_long_names_are_shortened_to_the_terminal(
    tmp_path: Path, width: int, folder: str, branch: str, model: str
) -> None:
    """A project, branch or model named at length (CJK too) had run past the terminal's edge:
    each is shortened around an ellipsis, its start and end kept, and every line fits."""
    home = tmp_path / "home"
    day = home / "sessions" / "2026" / "05" / "04"
    day.mkdir(parents=True)
    lines = [
        r.session_meta(BASE, SID, cwd=f"/home/dev/{folder}", branch=branch),
        r.turn_context(BASE + 0.5, model),
        r.token_count(
            BASE + 1, r.usage(1000), r.usage(1000), r.limits((10.0, 300, int(BASE) + 3600), None)
        ),
    ]
    (day / f"rollout-2026-05-04T09-00-00-{SID}.jsonl").write_text("\n".join(lines) + "\n")
    result = CodexReader([home], max_age=None, clock=lambda: BASE + 60).refresh()
    text = render_text(result, include_all=True, width=width)
    too_wide = [line for line in text.splitlines() if columns(line) > width]
    assert [line for line in too_wide if "█" not in line] == []  # a bar cannot be cut
    title = next(line for line in text.splitlines() if line.startswith("▶"))
    assert title.startswith(f"▶ {folder[:3]}")
    assert f"({branch[:3]}" in title
    assert f"{branch[-2:]})" in title
    assert f"from {folder[:3]}" in text
    assert model[:3] in text
    assert (f"from {folder}\n" in text) == (columns(f"  from {folder}") <= width)
    assert (model in text) == (len(model) + 4 <= width)
