"""The Discord card: what friends see, composed from a session and the limits, within Discord's
rules (2..128 characters a field, no empty strings) and the user's privacy choices.

Pure and deterministic: the same snapshot, limits and settings always give the same card.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

from codex_presence_gui.core.formatting import format_percent_left, format_tokens_compact
from codex_presence_gui.core.models import ActivityKind, CodexSessionSnapshot, LimitSnapshot
from codex_presence_gui.core.sanitize import clean_text

#: Discord's limits for details, state and the image texts.
MIN_FIELD = 2
MAX_FIELD = 128
ELLIPSIS = "…"
SEPARATOR = " · "

#: The original program's public Discord application, with its two image assets.
DEFAULT_CLIENT_ID = "1470480085453770854"
DEFAULT_LARGE_IMAGE = "codex-logo"
DEFAULT_SMALL_IMAGE = "openai"
CLIENT_ID_ENV = "CODEX_DISCORD_CLIENT_ID"

PRIVATE_DETAILS = "Using Codex"
PRIVATE_STATE = "In a coding session"
IDLE_DETAILS = "Codex is open, no session running"


class IdleAction(enum.Enum):
    """What friends see while no Codex session is active."""

    CARD = "card"  # a quiet "no session" card
    CLEAR = "clear"  # nothing at all


@dataclass(frozen=True, slots=True)
class PresenceSettings:
    """What the card may show. Privacy mode overrides the per-field toggles."""

    enabled: bool = True
    privacy_mode: bool = False
    show_project: bool = True
    show_branch: bool = True
    show_activity_target: bool = True
    show_model: bool = True
    show_tokens: bool = True
    show_limits: bool = True
    idle_action: IdleAction = IdleAction.CARD
    large_image: str = DEFAULT_LARGE_IMAGE
    #: Image key per activity; activities not listed use ``DEFAULT_SMALL_IMAGE``.
    small_images: tuple[tuple[ActivityKind, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PresenceCard:
    """One Rich Presence activity, ready to send; every text is None or 2..128 characters."""

    details: str | None
    state: str | None
    large_image: str | None
    large_text: str | None
    small_image: str | None
    small_text: str | None
    start: int | None

    def to_activity(self) -> dict[str, Any]:
        """The activity object as Discord receives it (None and empty parts left out)."""
        activity: dict[str, Any] = {"type": 0}
        for key in ("details", "state"):
            value = getattr(self, key)
            if value is not None:
                activity[key] = value
        if self.start is not None:
            activity["timestamps"] = {"start": self.start}
        assets = {
            key: getattr(self, key)
            for key in ("large_image", "large_text", "small_image", "small_text")
            if getattr(self, key) is not None
        }
        if assets:
            activity["assets"] = assets
        return activity


def discord_length(text: str) -> int:
    """Length as Discord counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str | None, limit: int = MAX_FIELD) -> str | None:
    """``text`` within ``limit`` units, cut on a character boundary with an ellipsis; None when
    empty or shorter than Discord's minimum of 2 characters."""
    if text is None:
        return None
    # Cleaned first: no escape or bidi characters reach friends, and a lone surrogate would
    # make ``discord_length`` fail.
    text = " ".join(clean_text(text).split())  # no newlines or runs of spaces in a field
    if discord_length(text) > limit:
        budget = limit - discord_length(ELLIPSIS)
        kept: list[str] = []
        used = 0
        for char in text:
            size = discord_length(char)
            if used + size > budget:
                break
            kept.append(char)
            used += size
        text = "".join(kept).rstrip(" ·|,;:-") + ELLIPSIS
    return text if discord_length(text) >= MIN_FIELD else None


def join_parts(parts: list[str], limit: int = MAX_FIELD) -> str | None:
    """Join parts in priority order, keeping each one that still fits; the first part alone is
    cut to fit rather than dropped."""
    chosen: list[str] = []
    # Measured as they will be sent: cleaned, and on one line.
    cleaned = (" ".join(clean_text(p).split()) for p in parts)
    for part in (p for p in cleaned if p):
        candidate = SEPARATOR.join([*chosen, part])
        if discord_length(candidate) <= limit:
            chosen.append(part)
        elif not chosen:
            clipped = fit(part, limit)
            if clipped:
                chosen.append(clipped)
    return fit(SEPARATOR.join(chosen), limit) if chosen else None


def pretty_model(model: str) -> str:
    """``gpt-5.3-codex`` → ``GPT-5.3-Codex``; other names keep their own spelling."""
    if not model.lower().startswith("gpt-"):
        return model
    _gpt, *rest = model.split("-")
    return "-".join(["GPT", *(part.capitalize() if part.isalpha() else part for part in rest)])


_SURFACE_TEXT = {
    "CLI": "Codex CLI",
    "VS Code": "Codex in VS Code",
    "Desktop app": "Codex desktop app",
    "Exec": "Codex exec",
    "Sub-agent": "Codex sub-agent",
}


def limits_parts(limits: LimitSnapshot | None, now: float) -> list[str]:
    """``5h 64% left``, ``weekly 18% left`` for current readings only (never stale or reset)."""
    if limits is None or limits.is_stale(now):
        return []
    return [
        f"{window.name} {format_percent_left(window.remaining_percent)}"
        for window in limits.windows
        if not window.is_past_reset(now) and math.isfinite(window.remaining_percent)
    ]


def _small_image(settings: PresenceSettings, kind: ActivityKind) -> str:
    return dict(settings.small_images).get(kind, DEFAULT_SMALL_IMAGE)


def _plain_card(
    details: str, state: str | None, settings: PresenceSettings, start: int | None
) -> PresenceCard:
    """A card with the Codex picture only (no session details)."""
    return PresenceCard(details, state, settings.large_image, "Codex", None, None, start)


def compose_card(
    active: CodexSessionSnapshot | None,
    limits: LimitSnapshot | None,
    settings: PresenceSettings,
    now: float,
) -> PresenceCard | None:
    """The card for the active session (or for no session); None means: clear the presence."""
    if not settings.enabled:
        return None
    if active is None:
        if settings.idle_action is IdleAction.CLEAR:
            return None
        state = None
        if settings.show_limits and not settings.privacy_mode:
            state = join_parts(limits_parts(limits, now))
        return _plain_card(IDLE_DETAILS, state, settings, None)
    start = int(active.started_at) if active.started_at and active.started_at >= 1 else None
    activity = active.activity
    if settings.privacy_mode:
        return _plain_card(PRIVATE_DETAILS, PRIVATE_STATE, settings, start)
    if activity is not None:
        label = activity.kind.label
        if settings.show_activity_target and activity.target:
            label = activity.text
        activity_part = label
    else:
        activity_part = "Working in Codex"
    project = ""
    if settings.show_project:
        project = active.project
        if settings.show_branch and active.git_branch:
            project = f"{project} ({active.git_branch})"
    state_parts = []
    if settings.show_model and active.model:
        state_parts.append(pretty_model(active.model))
    values = (active.session_delta_tokens, active.last_turn_tokens, active.session_total_tokens)
    if settings.show_tokens and any(v is not None for v in values):
        state_parts.append(" | ".join(format_tokens_compact(v) for v in values) + " tokens")
    if settings.show_limits:
        state_parts.extend(limits_parts(limits, now))
    return PresenceCard(
        details=join_parts([activity_part, project]),
        state=join_parts(state_parts),
        large_image=settings.large_image,
        large_text=fit(_SURFACE_TEXT.get(active.surface, "Codex")),
        small_image=_small_image(settings, activity.kind) if activity else None,
        small_text=fit(activity.kind.label) if activity else None,
        start=start,
    )


def preview_lines(card: PresenceCard | None) -> list[str]:
    """The card as friends would read it, line by line (for ``preview`` and the window)."""
    if card is None:
        return ["(nothing: your Discord status is cleared)"]
    # ``compose_card`` cleans its texts already; a card built elsewhere is cleaned here.
    lines = [clean_text(value) for value in (card.details, card.state) if value]
    pictures = [clean_text(text) for text in (card.large_text, card.small_text) if text]
    if pictures:
        lines.append("Pictures: " + ", ".join(pictures))
    if card.start is not None:
        lines.append("Shows the time since the session started")
    return lines
