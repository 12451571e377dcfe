"""Models' names in the tray's tooltip on Windows: shortened so that two long ones both show."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC

import pytest

from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.viewmodels.glance import TOOLTIP_MAX, glance
from tests.helpers.snapshots import NOW, dashboard, limits, session

ACCOUNT = limits((36.0, 71.0))  # its two lines and the app's name: 78 units with their breaks
#: A weekly-only account: one line, room for more models' lines.
WEEKLY_ONLY = LimitSnapshot(
    "codex", None, "plus", NOW - 40, (UsageWindow(10080, 71.0, NOW + 3 * 86400),)
)
FSI, PDI = "\u2068", "\u2069"


def units(text: str) -> int:
    """What Windows counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def tooltip(*names: str, account: LimitSnapshot = ACCOUNT, platform: str = "win32") -> str:
    """The tooltip with a model's own limits per name (5h 38% left, weekly 82% left)."""
    models = tuple(
        LimitSnapshot(
            f"codex_{index}",
            name,
            "plus",
            NOW - 40,
            (
                UsageWindow(300, 62.0, NOW + 3 * 3600),
                UsageWindow(10080, 18.0, NOW + 5 * 86400, slot="secondary"),
            ),
        )
        for index, name in enumerate(names)
    )
    board = replace(dashboard((session("a"),), limit=account), other_limits=models)
    return glance(board, zone=UTC, platform=platform).tooltip


def model_lines(text: str, account: LimitSnapshot = ACCOUNT) -> list[str]:
    return text.splitlines()[1 + len(account.windows) :]


def shown_name(line: str) -> str:
    """A model's line's name, without its isolate."""
    name = line.split(" 5h", 1)[0]
    return name[1:-1] if name.startswith(FSI) else name


def reads_as(shown: str, name: str) -> bool:
    """``shown`` is ``name`` with runs of it (one character at least each) left out for an
    ellipsis, the rest whole: no word cut but beside an ellipsis."""
    pattern = ".+".join(re.escape(part) for part in shown.split("…"))
    return re.fullmatch(pattern, name, flags=re.DOTALL) is not None


def test_a_tooltip_of_exactly_what_windows_shows_is_kept_whole() -> None:
    """127 units is what Windows shows: a model's line that makes it exactly 127 is whole
    (its windows in words); one unit more and it says less."""
    exact = tooltip("A" * 16)
    assert units(exact) == TOOLTIP_MAX
    assert model_lines(exact) == ["A" * 16 + " 5h: 38% left · Weekly: 82% left"]
    over = tooltip("A" * 17)
    assert model_lines(over) == ["A" * 17 + " 5h 38% · W 82%"]
    # Counted as Windows counts: a CJK character one unit, an emoji two, and the isolates
    # around a name that is not ASCII two more.
    cjk = tooltip("模" * 14)
    assert units(cjk) == TOOLTIP_MAX
    assert model_lines(cjk) == [f"{FSI}{'模' * 14}{PDI} 5h: 38% left · Weekly: 82% left"]
    assert model_lines(tooltip("模" * 15)) == [f"{FSI}{'模' * 15}{PDI} 5h 38% · W 82%"]
    emoji = tooltip("🚀" * 7)
    assert units(emoji) == TOOLTIP_MAX
    assert model_lines(emoji)[0].endswith(" 5h: 38% left · Weekly: 82% left")
    assert model_lines(tooltip("🚀" * 7 + "x")) == [f"{FSI}{'🚀' * 7}x{PDI} 5h 38% · W 82%"]


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        # Alike but at their end: their ends.
        (
            ("GPT-5.3-Codex-Spark-Preview-Long", "GPT-5.3-Codex-Spark-Preview-Long-2"),
            ("GPT…Long", "GPT-5.3…2"),
        ),
        (
            (
                "openai/gpt-5.3-codex-spark-research-preview-alpha",
                "openai/gpt-5.3-codex-spark-research-preview-beta",
            ),
            ("openai…alpha", "…beta"),
        ),
        # Alike but in their middle: the words where they differ.
        (
            (
                "gpt-5.3-codex-spark-preview-2026-02-01-long",
                "gpt-5.3-codex-max-preview-2026-02-01-long",
            ),
            ("…spark…", "gpt…max…"),
        ),
        # Alike but at their start: their first words.
        (
            (
                "GPT-5.3-Codex-Spark-Research-Preview-Long",
                "GPT-5.2-Codex-Spark-Research-Preview-Long",
            ),
            ("GPT-5.3…", "GPT-5.2…"),
        ),
    ],
)
def test_two_models_of_long_names_both_keep_their_line(
    names: tuple[str, str], shown: tuple[str, str]
) -> None:
    """Two models named in 32 characters or more (the account's two lines with their resets
    taking 78 of the 127 units): the second model's line had given way to "+1 more model".
    Each name is shortened in whole words around ellipses, to what tells it from the other
    (never to what the other could read as too), within the room the other leaves."""
    text = tooltip(*names)
    lines = model_lines(text)
    assert [shown_name(line) for line in lines] == list(shown)
    assert units(text) <= TOOLTIP_MAX
    assert text.splitlines()[1:3] == [
        "5h: 64% left · resets 10:13",
        "Weekly: 29% left · resets Mon 08:00",
    ]
    for line, name, other in zip(lines, names, reversed(names), strict=True):
        assert reads_as(shown_name(line), name)
        assert not reads_as(shown_name(line), other)
    # Elsewhere, no tooltip is cut: the names whole.
    whole = tooltip(*names, platform="linux")
    assert [shown_name(line) for line in model_lines(whole)] == list(names)


def test_three_models_are_counted_only_when_their_lines_cannot_fit() -> None:
    """Three models: each keeps its line where the three fit, names shortened ("GPT…Max");
    "+2 more models" only where not even two lines and "+1 more model" fit, whatever their
    names (the shortest here, whole)."""
    names = ("GPT-5.3-Codex-Spark", "GPT-5.1-Codex-Max", "GPT-5.1-Codex-Mini")
    roomy = tooltip(*names, account=WEEKLY_ONLY)
    assert model_lines(roomy, WEEKLY_ONLY) == [
        "GPT…Spark 5h 38% · W 82%",
        "GPT…Max 5h 38% · W 82%",
        "…Codex-Mini 5h 38% · W 82%",
    ]
    assert units(roomy) <= TOOLTIP_MAX
    short = tooltip("Spark", "Max", "Mini", account=WEEKLY_ONLY)
    assert model_lines(short, WEEKLY_ONLY) == [
        "Spark 5h 38% · W 82%",
        "Max 5h 38% · W 82%",
        "Mini 5h 38% · W 82%",
    ]
    tight = tooltip("Spark", "Max", "Mini")
    assert model_lines(tight) == ["Spark 5h 38% · W 82%", "+2 more models"]
    head = tight.splitlines()[:3]
    two = "\n".join([*head, "Spark 5h 38% · W 82%", "Max 5h 38% · W 82%", "+1 more model"])
    assert units(two) > TOOLTIP_MAX
    assert model_lines(tooltip(*names)) == ["…5.3-Codex-Spark 5h 38% · W 82%", "+2 more models"]


def test_names_of_wide_characters_are_cut_within_what_windows_counts() -> None:
    """CJK and emoji names: measured in UTF-16 units with their isolates; an emoji made of
    several joined by a zero-width joiner is kept whole or left out whole, never parted
    beside the ellipsis."""
    cjk = ("通义千问-编码-超长模型名称-预览版-第二代", "通义千问-编码-超长模型名称-预览版-第三代")
    text = tooltip(*cjk, account=WEEKLY_ONLY)
    lines = model_lines(text, WEEKLY_ONLY)
    assert len(lines) == 2
    assert units(text) <= TOOLTIP_MAX
    for line, name, other in zip(lines, cjk, reversed(cjk), strict=True):
        assert line.startswith(FSI)
        assert reads_as(shown_name(line), name)
        assert not reads_as(shown_name(line), other)
    coder = "👩\u200d💻"
    joined = tooltip(coder * 12, "🚀" * 30)
    assert units(joined) <= TOOLTIP_MAX
    first = shown_name(model_lines(joined)[0])
    assert first == f"{coder}…{coder}"
    assert "\u200d…" not in first
    assert "…\u200d" not in first


def test_a_name_never_shortens_to_what_another_model_is_named() -> None:
    """A model literally named "GPT…Spark" beside GPT-5.3-Codex-Spark: the latter is not
    shortened to read as the former (its line is counted rather)."""
    text = tooltip("GPT…Spark", "GPT-5.3-Codex-Spark")
    shown = [shown_name(line) for line in model_lines(text)]
    assert shown == ["GPT…Spark", "+1 more model"]
