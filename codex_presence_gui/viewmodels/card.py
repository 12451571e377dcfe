"""What the active-session card shows, as plain frozen data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codex_presence_gui.core.dashboard import Dashboard, SessionShare, session_shares
from codex_presence_gui.core.discovery import (
    SESSIONS_DIR,
    closed_homes_text,
    logs_folder_text,
    named_folders,
    sessions_blocked_texts,
    sessions_missing_text,
    shown_home,
)
from codex_presence_gui.core.formatting import (
    doing_forms,
    ended_text,
    format_age,
    format_count,
    format_tokens_compact,
    model_name,
    quiet_call_seconds,
    share_text,
    shortened,
)
from codex_presence_gui.core.models import ActivityKind, CodexSessionSnapshot
from codex_presence_gui.core.sanitize import project_label

NO_SESSION_MESSAGE = (
    "No Codex session is running right now. Start Codex in a terminal or in your editor "
    "and it shows up here."
)


@dataclass(frozen=True, slots=True)
class TokenFigure:
    """One token number with its caption and its exact value for the tooltip."""

    caption: str
    text: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class CardView:
    """The card: a session, or a sentence (``message``) when there is none to show."""

    message: str | None = None
    project: str = ""
    branch: str = ""  # ``on main``
    branch_name: str = ""  # ``main``: a name in ``branch``, drawn in its own direction
    activity_kind: ActivityKind | None = None
    activity_text: str = ""
    activity_shorter: tuple[str, ...] = ()  # for less room, each shorter than the last
    activity_names: tuple[str, ...] = ()  # the file or command in ``activity_text``, if any
    #: ``activity_text`` for screen readers, how long the call has been quiet in words
    #: ("Running cargo test, no word in the log for 25 minutes"); empty: as shown.
    activity_spoken: str = ""
    details: str = ""  # model · surface · context · share
    details_tooltip: str = ""  # the names cut in ``details``, whole
    detail_names: tuple[str, ...] = ()  # the names in ``details`` (model, surface), in order
    total: TokenFigure | None = None  # in large type
    others: tuple[TokenFigure, ...] = ()  # this update and last response, folded when equal
    spoken: str = ""  # for screen readers: the card's name, what it means (see ``card_view``)
    spoken_details: str = ""  # and what runs on with the clock (its description)


def _figure(caption: str, value: int | None) -> TokenFigure:
    exact = f"{format_count(value)} tokens" if value is not None else "not reported yet"
    return TokenFigure(caption, format_tokens_compact(value), f"{caption}: {exact}")


#: The details line wraps: a name from the log longer than this is cut in its middle, so
#: that a 10,000-character model name cannot make the card thousands of pixels tall.
DETAIL_NAME_CHARS = 60


def card_view(
    snapshot: CodexSessionSnapshot,
    shares: Sequence[SessionShare] = (),
    now: float | None = None,
    *,
    chosen: bool = False,
    ended: bool = False,
) -> CardView:
    """The card of one session as of ``now`` (None: the session's last activity); ``chosen``:
    one the user picked in the table, not the active one; ``ended``: one the table lists as
    ended, said so as it says it (not what it last did, as if it were doing it now)."""
    activity = None if ended else snapshot.activity
    at = now if now is not None else snapshot.last_activity_at or 0
    if ended:
        end = snapshot.last_activity_at
        activity_forms: tuple[str, ...] = (
            ended_text(end if end is not None else snapshot.recency, at),
        )
    else:
        activity_forms = doing_forms(snapshot, at)
    activity_text = activity_forms[0]
    # Screen readers are told how long a call has been quiet in the card's description, not
    # its name: a name that changed each minute was read out again each minute (the card's,
    # where the keyboard is).
    quiet = None if ended else quiet_call_seconds(snapshot, at)
    said = activity_text if quiet is None else doing_forms(snapshot, at, quiet=False)[0]
    # In words: "25m" can be read as metres.
    quiet_for = "" if quiet is None else format_age(quiet, spoken=True).removesuffix(" ago")
    details = f"No word in the log from the call for {quiet_for}" if quiet_for else ""
    # The session's names as the table shows them (``shown_key``), what would not show escaped.
    project = project_label(snapshot.project)
    model = model_name(snapshot.model)
    parts = [
        shortened(model, DETAIL_NAME_CHARS),
        shortened(snapshot.surface, DETAIL_NAME_CHARS),
    ]
    names = tuple(parts)
    # A cut name is whole in the tooltip: cut in their middles, two names can read the same.
    named = (("Model", model), ("Surface", snapshot.surface))
    cut = "\n".join(f"{what}: {name}" for what, name in named if len(name) > DETAIL_NAME_CHARS)
    if snapshot.context is not None:
        parts.append(f"context {snapshot.context.left_percent}% left")
    if shares:
        parts.append(share_text(shares[0]))
    delta, last = snapshot.session_delta_tokens, snapshot.last_turn_tokens
    total = _figure("session total", snapshot.session_total_tokens)
    if snapshot.inherited_tokens and snapshot.session_total_tokens is not None:
        # Codex's running total of a fork holds its parent's part, which the usage report
        # leaves out: said here, so that the two numbers are not taken to disagree.
        total = TokenFigure(
            total.caption,
            total.text,
            f"{total.tooltip}\nOf it, {format_count(snapshot.inherited_tokens)} came with the"
            " parent session (the usage report counts the rest)",
        )
    others: tuple[TokenFigure, ...]
    if snapshot.session_total_tokens is None and delta is None and last is None:
        # No response has reported its tokens yet (a session just started): none used, said
        # as such (a bare "–", and "– this update = last response", had read as broken).
        total = TokenFigure("session total", "0", "Session total: no tokens reported yet")
        others = ()
    elif delta == last:
        # Most updates are one response: say the number once.
        others = (_figure("this update = last response", last),)
    else:
        others = (_figure("this update", delta), _figure("last response", last))
    which = "Selected" if chosen else "Active"
    # Commas and words where the card draws symbols: "·" and "≈" had been read out.
    said_parts = [*parts[:-1], share_text(shares[0], spoken=True)] if shares else parts
    spoken = f"{which} session {project}: {said}, {', '.join(said_parts)}. Tokens: " + ", ".join(
        f"{f.caption} {f.text}" for f in (total, *others)
    )
    return CardView(
        project=project,
        branch=f"on {snapshot.git_branch}" if snapshot.git_branch else "",
        branch_name=snapshot.git_branch or "",
        activity_kind=activity.kind if activity else None,
        activity_text=activity_text,
        activity_shorter=activity_forms[1:],
        activity_names=(activity.target,) if activity is not None and activity.target else (),
        activity_spoken=f"{said}, no word in the log for {quiet_for}" if quiet_for else "",
        details=" · ".join(parts),
        details_tooltip=cut,
        detail_names=names,
        total=total,
        others=others,
        spoken=spoken,
        spoken_details=details,
    )


def home_text(path: Path) -> str:
    """A home folder as people write it (``~/.codex``), with what would not show escaped
    (see ``shown_home``)."""
    try:
        home = Path.home()
        if home == Path(home.anchor):
            # A home of "/" (some containers): "~/tmp/x" would read as a folder in a home.
            return shown_home(path)
        inside = path.relative_to(home).as_posix()
    except (ValueError, RuntimeError):  # not in the home; no home at all (Path.home)
        return shown_home(path)
    return shown_home("~" if inside == "." else f"~/{inside}")


def not_folders_text(dashboard: Dashboard) -> str:
    """What the homes that are no folder are ("~/codex.txt is a file, not a folder"), or ""."""
    return "; ".join(
        f"{home_text(home)} is {kind}, not a folder" for home, kind in dashboard.not_folders
    )


def missing_sessions_text(dashboard: Dashboard) -> str:
    """The ``sessions`` folders that are missing from homes that are there
    (``~/.codex/sessions``; past a few, counted: ``named_folders``), or "" when none is."""
    return named_folders(sessions_folders(dashboard.sessionless))


def blocked_sessions_text(dashboard: Dashboard) -> str:
    """What is where the ``sessions`` folders go when it is no folder ("~/.codex/sessions is
    a file, not a folder"), or "": waiting for Codex to make them would not help."""
    return blocked_text(dashboard.blocked_sessions)


def blocked_text(blocked: Sequence[tuple[Path, str]]) -> str:
    """``blocked_sessions_text`` of these homes and what their ``sessions`` is."""
    return "; ".join(
        sessions_blocked_texts(
            blocked_sessions_folders(blocked),
            lambda folder, kind: f"{folder} is {kind}, not a folder",
        )
    )


def sessions_folders(homes: Sequence[Path]) -> tuple[str, ...]:
    """The ``sessions`` folders of ``homes`` as the window writes them (``~/.codex/sessions``)."""
    return tuple(home_text(home / SESSIONS_DIR) for home in homes)


def no_sessions_folder_text(
    what: str,
    folders: Sequence[str],
    then: str,
    blocked: Sequence[tuple[str, str]] = (),
    logs_folders: Sequence[tuple[str, str]] = (),
) -> str:
    """Why there is no ``what`` to show when the ``sessions`` folders are gone, in the words
    of every page: "No usage to show: ~/.codex/sessions, where Codex keeps its logs, is
    missing. {then}" (``then`` may say ``{it}``: the folder or the folders). Those of
    ``folders`` that are something else (``blocked``: each folder and what it is) are said to
    be, without ``then``: Codex cannot make a folder where a file is. So are those whose home
    is Codex's logs folder itself (``logs_folders``: each folder and what is said of it,
    ``logs_folders_said``): Codex never makes a ``sessions/sessions``."""
    kinds = dict(blocked)
    instead = dict(logs_folders)
    said = sessions_blocked_texts(
        [(folder, kinds[folder]) for folder in folders if folder in kinds]
    )
    said += [instead[folder] for folder in folders if folder in instead and folder not in kinds]
    missing = [folder for folder in folders if folder not in kinds and folder not in instead]
    text = f"No {what} to show: {'; '.join(said)}." if said else ""
    if not missing:
        return text
    gone = f"{sessions_missing_text(missing)}. " + then.format(
        it="it" if len(missing) == 1 else "them"
    )
    return f"{text} {gone}" if said else f"No {what} to show: {gone}"


def logs_folders_said(logs_folders: Sequence[tuple[Path, Path]]) -> tuple[tuple[str, str], ...]:
    """The ``sessions`` folders of homes that are Codex's logs folder itself (each home and
    the folder above, ``Dashboard.logs_folders``) as the window writes them, each with what
    is said of its home ("~/.codex/sessions is where Codex keeps its logs; Codex's folder is
    the one that holds it: ~/.codex"), for ``no_sessions_folder_text``."""
    return tuple(
        (home_text(home / SESSIONS_DIR), logs_folder_text(home_text(home), home_text(meant)))
        for home, meant in logs_folders
    )


def blocked_sessions_folders(blocked: Sequence[tuple[Path, str]]) -> tuple[tuple[str, str], ...]:
    """The ``sessions`` that are no folder (``Dashboard.blocked_sessions``: each home and what
    its ``sessions`` is) as the window writes them, for ``no_sessions_folder_text``."""
    return tuple((home_text(home / SESSIONS_DIR), kind) for home, kind in blocked)


#: How many folders the empty card names; past them it counts the rest (up to 64 are read,
#: and a wall of their paths had filled the page: the settings dialog lists them all).
WATCHED_NAMED = 8


def watched_text(homes: Sequence[Path]) -> str:
    """The folders read, as the empty card names them: the first ``WATCHED_NAMED``, and how
    many more (one more is named: "and 1 more folder" is no shorter)."""
    shown = [home_text(home) for home in homes]
    return named_folders(shown, most=WATCHED_NAMED, noun="folders")


def dashboard_card(dashboard: Dashboard, chosen: str | None = None) -> CardView:
    """The card for one refresh: the session ``chosen`` in the table while it is listed, else
    the active session, or why there is none."""
    picked = next(
        (s for s in (*dashboard.sessions, *dashboard.ended) if s.session_id == chosen), None
    )
    if picked is not None:
        shares = session_shares(dashboard, picked.session_id)
        ended = all(s.session_id != picked.session_id for s in dashboard.sessions)
        return card_view(picked, shares, dashboard.generated_at, chosen=True, ended=ended)
    if dashboard.active is None:
        # Where it looks, so that a wrong folder in the settings shows here.
        watched = watched_text(dashboard.homes)
        where = f"\nWatching {watched}." if watched and not dashboard.no_home else ""
        blocked = dashboard.blocked_sessions
        if dashboard.all_closed:
            closed = [(home_text(home), why) for home, why in dashboard.closed_homes]
            return CardView(
                message=f"No Codex session can show up here: {closed_homes_text(closed)}."
            )
        if blocked and len(blocked) == len(dashboard.homes):
            # Every home's ``sessions`` is a file: "start Codex and it shows up here" had
            # promised what cannot happen until it is a folder again.
            return CardView(message=f"No Codex session can show up here: {blocked_text(blocked)}.")
        return CardView(message=NO_SESSION_MESSAGE + where)
    shares = session_shares(dashboard, dashboard.active.session_id)
    return card_view(dashboard.active, shares, dashboard.generated_at)


def lists_only_the_card(dashboard: Dashboard) -> bool:
    """Whether the sessions listed are just the active one, which the card shows already (with
    nothing picked, and nothing else listed to pick): a table of that one row says nothing
    more. An ended session listed alone is not the card's ("no session running")."""
    active = dashboard.active
    listed = {s.session_id for s in (*dashboard.sessions, *dashboard.ended)}
    return active is not None and listed == {active.session_id}
