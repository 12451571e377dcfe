"""The Discord card: what friends see, composed from a session and the limits, within Discord's
rules (2..128 characters a field, no empty strings) and the user's privacy choices.

Pure and deterministic: the same snapshot, limits and settings always give the same card.
"""

from __future__ import annotations

import enum
import fnmatch
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from codex_presence_gui.core.formatting import (
    format_duration,
    format_percent_left,
    format_reset_clock,
    format_tokens_compact,
    model_name,
)
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


def resolve_client_id(
    environ: Mapping[str, str] | None = None, configured: str = DEFAULT_CLIENT_ID
) -> tuple[str, str | None]:
    """The Discord application id to use, as the app chooses it (the environment's, else the
    one in Settings → Advanced, ``configured``), and a warning when the environment's was
    unusable."""
    env = os.environ if environ is None else environ
    value = env.get(CLIENT_ID_ENV, "").strip()
    if not value:
        return configured, None
    # As Settings → Advanced takes one (``settings._is_client_id``): "１２３" is digits to
    # isdigit, and went to Discord, which refused it as an unknown application.
    if value.isascii() and value.isdigit() and 15 <= len(value) <= 21:
        return value, None
    which = "the default id" if configured == DEFAULT_CLIENT_ID else "the id in the settings"
    if value.isascii() and value.isdigit():
        why = "is not a Discord application id (15 to 21 digits)"
    else:
        why = "is not a number"
    return configured, f"{CLIENT_ID_ENV}={value!r} {why}; using {which}"


PRIVATE_DETAILS = "Using Codex"
PRIVATE_STATE = "In a coding session"
IDLE_DETAILS = "Codex is open, no session running"


#: Friends' cards clear after this long without a sign of life from the session (0: never).
DEFAULT_IDLE_CLEAR_MINUTES = 30
MAX_IDLE_CLEAR_MINUTES = 24 * 60
#: ``paused_until`` for "until I resume" (0 means not paused; a time means until then).
PAUSED_UNTIL_RESUMED = -1.0
#: "Until tomorrow" ends at this local hour (the next one at least an hour away).
TOMORROW_HOUR = 6


class RuleAction(enum.Enum):
    """What a project rule does to the card of a matching session."""

    HIDE = "hide"  # no card at all
    NAME_ONLY = "name_only"  # the project's name, never its branch or the file or command
    ALIAS = "alias"  # as NAME_ONLY, with the alias in place of the name
    NORMAL = "normal"  # as the toggles say (an exception above a broader rule)


@dataclass(frozen=True, slots=True)
class ProjectRule:
    """A glob on the project's name or folder, and what to do with a matching session.

    Matching is case-insensitive on every platform and ``\\`` counts as ``/``: a rule
    written for ``~/Clients/*`` must not miss ``~/clients/acme`` and leak it (a rule that
    hides too much is seen at once in the preview; one that hides too little is not).
    A pattern matches the project's name, the session's folder, or any folder above it,
    so ``~/clients/acme`` also covers ``~/clients/acme/src``. ``~`` is the home folder.
    """

    pattern: str
    action: RuleAction = RuleAction.HIDE
    alias: str = ""

    def problem(self) -> str | None:
        """Why the rule cannot be used as it is (None when it can)."""
        if not self.pattern.strip():
            return "A project rule needs a pattern (for example ~/clients/* or acme-*)."
        if self.action is RuleAction.ALIAS and not self.alias.strip():
            return f"The rule for {self.pattern.strip()} needs the name to show instead."
        return None

    def matches(self, cwd: str, project: str) -> bool:
        """True when the pattern matches ``project`` or ``cwd`` or a folder above it."""
        pattern = self.pattern.strip()
        if not pattern:
            return False
        if pattern.startswith("~"):
            pattern = os.path.expanduser(pattern)
        folded = _fold(pattern)
        if len(folded) > 1:
            folded = folded.rstrip("/")  # "~/clients/acme/" is the folder too
        return any(fnmatch.fnmatchcase(name, folded) for name in _candidates(cwd, project))


def _fold(text: str) -> str:
    return text.replace("\\", "/").casefold()


def _candidates(cwd: str, project: str) -> list[str]:
    """The project's name, the folder and every folder above it (not the root alone)."""
    names = [_fold(project)] if project else []
    path = _fold(cwd).rstrip("/")
    while path:
        names.append(path)
        cut = path.rfind("/")
        if cut <= 0:
            break
        path = path[:cut]
    return names


def matching_rule(
    rules: Sequence[ProjectRule], session: CodexSessionSnapshot
) -> ProjectRule | None:
    """The first rule that matches the session (the order is the user's), on its folder and
    project as Discord's card shows them (cleaned): a rule written for "acme" hides a
    project whose name holds an invisible bidi control too, as it hides its card's text."""
    cwd, project = clean_text(session.cwd), clean_text(session.project)
    for rule in rules:
        if rule.matches(cwd, project):
            return rule
    return None


#: The per-field toggles each preset sets.
TOGGLE_FIELDS = (
    "show_project",
    "show_branch",
    "show_activity_target",
    "show_model",
    "show_tokens",
    "show_limits",
)
PRESETS: dict[str, dict[str, bool]] = {
    # "Using Codex" and what kind of work only ("Editing", "Running a command").
    "minimal": dict.fromkeys(TOGGLE_FIELDS, False),
    "standard": {
        "show_project": True,
        "show_branch": False,
        "show_activity_target": True,
        "show_model": True,
        "show_tokens": False,
        "show_limits": False,
    },
    "full": dict.fromkeys(TOGGLE_FIELDS, True),
}


def preset_of(toggles: Mapping[str, bool]) -> str | None:
    """The preset the toggles amount to (None: a choice of one's own)."""
    for name, values in PRESETS.items():
        if all(toggles.get(key) == value for key, value in values.items()):
            return name
    return None


def is_paused(paused_until: float, now: float) -> bool:
    """True while a pause lasts: until resumed, or until its time."""
    return paused_until == PAUSED_UNTIL_RESUMED or paused_until > now


def tomorrow_morning(now: float) -> float:
    """The next ``TOMORROW_HOUR`` o'clock local time at least an hour away (at 02:00 that is
    the same morning: the night is the user's "today"); correct across a DST change."""
    local = datetime.fromtimestamp(now).replace(
        hour=TOMORROW_HOUR, minute=0, second=0, microsecond=0
    )
    while local.timestamp() < now + 3600:
        local += timedelta(days=1)  # naive local time: .timestamp() applies that day's offset
    return local.timestamp()


def idle_for(session: CodexSessionSnapshot, now: float) -> float | None:
    """Seconds since the session's last sign of life (None when it is not known)."""
    last = session.last_activity_at or session.recency
    return now - last if last and last > 0 else None


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
    #: Tried in order; the first that matches the active session decides.
    rules: tuple[ProjectRule, ...] = ()
    #: Clear the card when the session has been quiet this long (0: never).
    idle_clear_minutes: int = DEFAULT_IDLE_CLEAR_MINUTES
    #: 0: not paused; ``PAUSED_UNTIL_RESUMED``; else the time (epoch seconds) it ends.
    paused_until: float = 0.0


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
    #: Private mode's card: it tells friends nothing of the session (see ``withholds``).
    private: bool = False

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


def withholds(wanted: PresenceCard | None, shown: PresenceCard | None) -> bool:
    """``wanted`` is Private mode's card in place of one that tells of the session: a change
    that must not wait for Discord's interval. (A clear waits: the session ended or went
    quiet, and the card shown is as true as it was a moment ago.)"""
    return wanted is not None and wanted.private and shown is not None and not shown.private


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


_SURFACE_TEXT = {
    "CLI": "Codex CLI",
    "VS Code": "Codex in VS Code",
    "Desktop app": "Codex desktop app",
    "Exec": "Codex exec",
    "Sub-agent": "Codex sub-agent",
}


def limits_parts(limits: LimitSnapshot | None, now: float) -> list[str]:
    """``5h 64% left``, ``weekly limit reached`` for current readings only (never stale or
    reset): a window with nothing left is said as the window says it ("5h 0% left" had stood
    on the card where the window said "limit reached")."""
    if limits is None or limits.is_stale(now):
        return []
    parts = []
    for window in limits.windows:
        if window.is_past_reset(now) or not math.isfinite(window.remaining_percent):
            continue
        left = format_percent_left(window.remaining_percent)
        parts.append(f"{window.name} {'limit reached' if left == '0% left' else left}")
    if parts and not limits.is_account_bucket:
        # A model's limits shown alone (no reading of the account's found): whose they are,
        # as the window names them; unnamed, Spark's "5h" read as the account's.
        parts[0] = f"{limits.display_name} {parts[0]}"
    return parts


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
    if not settings.enabled or is_paused(settings.paused_until, now):
        return None
    if active is None:
        if settings.idle_action is IdleAction.CLEAR:
            return None
        state = None
        if settings.show_limits and not settings.privacy_mode:
            state = join_parts(limits_parts(limits, now))
        return _plain_card(IDLE_DETAILS, state, settings, None)
    rule = matching_rule(settings.rules, active)
    if rule is not None and rule.action is RuleAction.HIDE:
        return None
    if _idle_cleared(active, settings, now):
        return None  # it comes back with the session's next sign of life
    start = int(active.started_at) if active.started_at and active.started_at >= 1 else None
    activity = active.activity
    if settings.privacy_mode:
        return replace(_plain_card(PRIVATE_DETAILS, PRIVATE_STATE, settings, start), private=True)
    # A rule can only take away: the name (or alias) shows only where the toggle allows it,
    # and the branch, file or command would give the real project away.
    narrowed = rule is not None and rule.action in (RuleAction.NAME_ONLY, RuleAction.ALIAS)
    if activity is not None:
        label = activity.kind.label
        if settings.show_activity_target and activity.target and not narrowed:
            label = activity.text
        activity_part = label
    else:
        activity_part = "Working in Codex"
    project = ""
    if settings.show_project:
        project = active.project
        if rule is not None and rule.action is RuleAction.ALIAS:
            project = rule.alias.strip()
        # A session without a folder's name (``NO_FOLDER``) names no project, nor "(main)"
        # alone (it had shown "unknown-project", the name of a folder one may have).
        elif project and settings.show_branch and active.git_branch and not narrowed:
            project = f"{project} ({active.git_branch})"
    state_parts = []
    if settings.show_model and active.model:
        state_parts.append(model_name(active.model))
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


def _idle_cleared(active: CodexSessionSnapshot, settings: PresenceSettings, now: float) -> bool:
    idle = idle_for(active, now)
    minutes = settings.idle_clear_minutes
    return minutes > 0 and idle is not None and idle >= minutes * 60


def card_note(
    active: CodexSessionSnapshot | None, settings: PresenceSettings, now: float
) -> str | None:
    """Why the card is cleared or changed, for the user's own preview (never sent)."""
    if not settings.enabled:
        return "Discord status is off."
    if settings.paused_until == PAUSED_UNTIL_RESUMED:
        return "Paused until you resume."
    if is_paused(settings.paused_until, now):
        return f"Paused until {format_reset_clock(settings.paused_until, now)}."
    if active is None:
        return None
    rule = matching_rule(settings.rules, active)
    if rule is not None and rule.action is RuleAction.HIDE:
        return f"Hidden by the rule {rule.pattern.strip()}."
    if _idle_cleared(active, settings, now):
        quiet = format_duration(settings.idle_clear_minutes * 60, least=60)
        return f"Cleared: no activity for {quiet}."
    if settings.privacy_mode or rule is None or rule.action is RuleAction.NORMAL:
        return None
    if rule.action is RuleAction.ALIAS:
        return f"Shown as {rule.alias.strip()} by the rule {rule.pattern.strip()}."
    return f"Name only, by the rule {rule.pattern.strip()}."


def preview_lines(card: PresenceCard | None, note: str | None = None) -> list[str]:
    """The card as friends would read it, line by line (for ``preview`` and the window),
    and after it, in brackets, why it is cleared or changed (``card_note``)."""
    after = [f"({clean_text(note)})"] if note else []
    if card is None:
        return ["(nothing: your Discord status is cleared)", *after]
    # ``compose_card`` cleans its texts already; a card built elsewhere is cleaned here.
    lines = [clean_text(value) for value in (card.details, card.state) if value]
    pictures = [clean_text(text) for text in (card.large_text, card.small_text) if text]
    if pictures:
        lines.append("Pictures: " + ", ".join(pictures))
    if card.start is not None:
        lines.append("Shows the time since the session started")
    return [*lines, *after]
